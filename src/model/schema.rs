//! JSON Schemas of the three YAML files — record, CB profile, scoring scheme — generated from
//! the Rust types (schemars), so that the shape has one source of truth.
//!
//! Editors use them for completion and hover help (the record's first line names the schema:
//! `# yaml-language-server: $schema=../schemas/record.schema.json`); `load` checks every file
//! against them to report all structural problems at once. Every property carries a Chinese
//! title and a description naming its place in the report. The committed copies under
//! `schemas/` are regenerated with `certreport schema record > schemas/record.schema.json`
//! (and likewise `profile`, `scheme`); a test fails when they drift from the types.

use std::sync::OnceLock;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::model::profile::Profile;
use crate::model::record::Record;
use crate::model::scheme::Scheme;

/// Which of the three files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 审查记录
    Record,
    /// 认证机构信息
    Profile,
    /// 评分体系
    Scheme,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Record, Kind::Profile, Kind::Scheme];

    /// The kind as the command line names it: `record`, `profile`, `scheme`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Record => "record",
            Kind::Profile => "profile",
            Kind::Scheme => "scheme",
        }
    }

    /// The schema's file name under `schemas/`: `record.schema.json`.
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Record => "record.schema.json",
            Kind::Profile => "profile.schema.json",
            Kind::Scheme => "scheme.schema.json",
        }
    }

    /// The schema, generated from the type.
    pub fn schema(self) -> &'static Value {
        static SCHEMAS: [OnceLock<Value>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        SCHEMAS[self as usize].get_or_init(|| match self {
            Kind::Record => generate::<Record>(),
            Kind::Profile => generate::<Profile>(),
            Kind::Scheme => generate::<Scheme>(),
        })
    }

    /// The schema as committed under `schemas/`: pretty JSON with a final newline.
    pub fn text(self) -> String {
        let mut text = serde_json::to_string_pretty(self.schema()).expect("a schema is JSON");
        text.push('\n');
        text
    }
}

/// The file kinds whose schema a type has: lets `load` pick the schema of what it parses.
pub trait HasSchema {
    const KIND: Kind;
}

impl HasSchema for Record {
    const KIND: Kind = Kind::Record;
}

impl HasSchema for Profile {
    const KIND: Kind = Kind::Profile;
}

impl HasSchema for Scheme {
    const KIND: Kind = Kind::Scheme;
}

/// The JSON Schema (draft 2020-12) of a type.
pub fn generate<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    generator.into_root_schema_for::<T>().to_value()
}

/// The first line of a YAML file that tells editors (yaml-language-server) its schema.
pub fn modeline(schema_path: &str) -> String {
    format!("# yaml-language-server: $schema={schema_path}")
}

/// The schema path a file's modeline names, if its first comment lines have one.
pub fn modeline_target(text: &str) -> Option<&str> {
    text.lines()
        .take_while(|line| line.trim_start().starts_with('#') || line.trim().is_empty())
        .find_map(|line| line.trim_start().strip_prefix('#')?.trim().strip_prefix("yaml-language-server:"))
        .and_then(|rest| rest.trim().strip_prefix("$schema="))
        .map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_property_has_a_chinese_title_and_description() {
        fn walk(value: &Value, at: &str, missing: &mut Vec<String>) {
            if let Some(properties) = value.get("properties").and_then(Value::as_object) {
                for (name, property) in properties {
                    let chinese = |key: &str| {
                        property
                            .get(key)
                            .and_then(Value::as_str)
                            .is_some_and(|t| t.chars().any(|c| c > '\u{2e80}'))
                    };
                    if !chinese("title") || !chinese("description") {
                        missing.push(format!("{at}.{name}"));
                    }
                }
            }
            match value {
                // `if`/`then` only narrow properties defined (and titled) elsewhere.
                Value::Object(map) => map
                    .iter()
                    .filter(|(k, _)| !matches!(k.as_str(), "if" | "then" | "else"))
                    .for_each(|(k, v)| walk(v, &format!("{at}/{k}"), missing)),
                Value::Array(items) => items.iter().for_each(|v| walk(v, at, missing)),
                _ => {}
            }
        }
        for kind in Kind::ALL {
            let mut missing = Vec::new();
            walk(kind.schema(), "", &mut missing);
            assert!(missing.is_empty(), "{kind:?}: no Chinese title/description: {missing:?}");
        }
    }

    #[test]
    fn closed_sets_carry_their_chinese_meaning() {
        let text = Kind::Record.text();
        for words in [
            "\"enum\": [\n            \"surveillance\",\n            \"保持认证\"\n          ]",
            r#""title": "保持认证""#,
            r#""title": "现场结合远程审核""#,
            r#""title": "技术专家""#,
            r#""title": "四星级""#,
            r#""title": "变更认证范围""#,
            r#""derived","#,
        ] {
            assert!(text.contains(words), "{words} in the record schema");
        }
    }

    /// Each Chinese label the schema accepts for a closed set is accepted by its type too, as
    /// the same value as its key.
    #[test]
    fn closed_sets_take_their_chinese_labels() {
        use crate::model::record::{AuditMethod, AuditType, SpecialGround, SpecialRecommendation, TeamRole};
        fn same<T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(name: &str, count: usize) {
            let branches = Kind::Record.schema()["$defs"][name]["oneOf"].as_array().expect(name).clone();
            assert_eq!(branches.len(), count, "{name}");
            for branch in branches {
                let values = branch["enum"].as_array().expect("key and label").clone();
                assert!(values.len() >= 2, "{name}: {values:?}");
                assert_eq!(branch["title"], values[1], "{name}");
                let key: T = serde_json::from_value(values[0].clone()).unwrap();
                // The label, and any short form listed after it.
                for other in &values[1..] {
                    assert_eq!(serde_json::from_value::<T>(other.clone()).unwrap(), key, "{name}: {other}");
                }
            }
        }
        same::<AuditType>("AuditType", 3);
        same::<AuditMethod>("AuditMethod", 3);
        same::<TeamRole>("TeamRole", 5);
        same::<SpecialGround>("SpecialGround", 4);
        same::<SpecialRecommendation>("SpecialRecommendation", 2);
    }

    #[test]
    fn modelines_name_their_schema() {
        let line = modeline("../schemas/record.schema.json");
        assert_eq!(
            modeline_target(&format!("{line}\nprofile: p.yaml\n")),
            Some("../schemas/record.schema.json")
        );
        assert_eq!(modeline_target(&format!("# 说明\n\n{line}\n")), Some("../schemas/record.schema.json"));
        assert_eq!(modeline_target(&format!("profile: p.yaml\n{line}\n")), None);
    }
}
