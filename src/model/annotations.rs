//! What the record's schema says beyond its Rust types: the phone pattern and the rules that
//! follow from the built-in scheme's data. The types name these in their `schemars`
//! attributes, so they live in the model beside the types, below [`super::schema`], which
//! generates the schemas from the types.

use schemars::Schema;
use serde_json::{Value, json};

use crate::base::format;
use crate::model::scheme::{self, Scheme};

/// The characters a phone number is written with: digits, `+`, brackets, dashes, spaces,
/// `转` (extension) and separators between several numbers. The number of digits is a rule
/// of its own (a warning).
pub const PHONE_PATTERN: &str = r"^[0-9０-９+＋()（）\- －转、/,，#]*$";

/// A closed set's values also accept their Chinese label as the report writes it: each
/// `{"const": "leader", "title": "组长"}` of the enum's `oneOf` becomes
/// `{"enum": ["leader", "组长"], "title": "组长"}`. The type accepts the same label (a serde
/// `alias` equal to the variant's title; a test holds the two together), and messages name
/// both (`leader（组长）`). A short form staff write as well (`现场结合远程`) is listed in the
/// variant's `x-also`, and accepted by a serde `alias` of its own.
pub fn accept_titles(schema: &mut Schema) {
    let Some(Value::Array(branches)) = schema.get_mut("oneOf") else { return };
    for branch in branches.iter_mut().filter_map(Value::as_object_mut) {
        let also = match branch.remove("x-also") {
            Some(Value::Array(also)) => also,
            _ => Vec::new(),
        };
        if let (Some(Value::String(key)), Some(Value::String(title))) =
            (branch.get("const"), branch.get("title"))
            && key != title
        {
            let mut values = vec![json!(key), json!(title)];
            values.extend(also);
            branch.remove("const");
            branch.insert("enum".into(), Value::Array(values));
        }
    }
}

/// A key of the scheme and its Chinese name, both accepted where a record names one of the
/// scheme's indicators or levels.
fn key_or_name(key: &str, name: &str, description: String) -> Value {
    json!({ "enum": [key, name], "title": name, "description": description })
}

/// The record's rules that depend on the built-in scheme's data (its 15 indicators and its
/// levels): when the record uses the built-in scheme, `scores` takes exactly its indicator keys
/// and `scope.level` one of its level keys, each with its Chinese name. A record naming a
/// scheme file is checked against that scheme by `validate`.
pub fn builtin_scheme_rules(schema: &mut Schema) {
    let scheme = Scheme::builtin();
    let mut indicators = serde_json::Map::new();
    for group in &scheme.groups {
        for indicator in &group.indicators {
            let description = format!(
                "2 审查结果：一级指标“{}”下的二级指标“{}”（分值 {}）的得分、excluded（删减）或 derived（按扣分计算）。",
                group.name,
                indicator.name,
                format::points(indicator.max)
            );
            let entry = |description: String| json!({ "title": indicator.name, "maximum": indicator.max, "description": description });
            let by_name = entry(format!("同 {}：{description}", indicator.key));
            indicators.insert(indicator.key.clone(), entry(description));
            indicators.insert(indicator.name.clone(), by_name);
        }
    }
    let levels: Vec<Value> = scheme
        .levels
        .iter()
        .map(|level| {
            let description = format!("{}：{} 分以上（含）", level.name, format::points(level.min));
            key_or_name(&level.key, &level.name, description)
        })
        .collect();
    schema.insert("if".into(), json!({ "properties": { "scheme": { "const": scheme::BUILTIN_ID } } }));
    schema.insert(
        "then".into(),
        json!({
            "properties": {
                "scores": { "properties": indicators, "additionalProperties": false },
                "scope": { "properties": { "level": { "oneOf": levels } } },
            }
        }),
    );
}
