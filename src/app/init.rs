//! `certreport init`: a commented starter record for a new audit (新建审查记录).
//!
//! The starter lists every section in the report's order (the order of [`Record`]'s fields),
//! each field under a Chinese comment taken from the record's JSON Schema, so the comments
//! and the editor's hover help say the same thing. Nothing in it looks like real data: text
//! to write is `""`, lists to fill are `[]`, and what has no empty form — dates, 1.14's
//! changes, the internal evaluation, optional parts — is left commented out. `check` on the
//! starter therefore lists what is left: first the missing dates (the structure check), then,
//! once they are written, every empty field at once. The audit type decides which sections
//! appear (1.14, 5 and the previous audit's end only follow a previous audit). The file is
//! never overwritten.
//!
//! [`Record`]: crate::model::record::Record

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::base::diagnostic::{io_reason, shown};
use crate::model::record::AuditType;
use crate::model::schema::{self, Kind};
use crate::model::scheme::Scheme;

/// The record file `init` writes when no `-o` is given.
pub const DEFAULT_OUTPUT: &str = "record.yaml";
/// The profile the starter names when no `--profile` is given (relative to the record).
pub const DEFAULT_PROFILE: &str = "cb-profile.yaml";
/// Where the record's schema is looked for, in the record's folder and each folder above.
const SCHEMA_FILE: &str = "schemas/record.schema.json";

/// Why `init` wrote nothing.
#[derive(Debug)]
pub enum InitError {
    /// The output file is already there: it is never overwritten.
    Exists(PathBuf),
    /// The profile's path holds control characters (a newline, ESC …).
    Profile(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::Exists(path) => write!(f, "{} 已存在，不会覆盖：请用 -o 指定新文件名", path.display()),
            InitError::Profile(path) => {
                write!(
                    f,
                    "CB 档案路径 {} 含有控制字符（换行、ESC 等），不能写入记录：请换一个路径",
                    shown(path)
                )
            }
            InitError::Io(path, e) => write!(f, "无法写入 {}：{}", shown(path), io_reason(e)),
        }
    }
}

/// How one field appears in the starter.
enum Slot {
    /// `key: ""`: text the auditor must write.
    Text,
    /// `key: []`: a list the auditor must fill.
    List,
    /// `key: {}`: a map the auditor must fill.
    Map,
    /// `key:` with the following (deeper) fields under it.
    Open,
    /// `key: value`.
    Value(String),
    /// `# key:`: optional, or with no empty form; written by uncommenting.
    Commented,
}

/// The starter's fields, in the report's order: (YAML path, how it appears).
fn fields(audit_type: AuditType, profile: &str) -> Vec<(&'static str, Slot)> {
    use Slot::*;
    let follows = audit_type.follows_previous_audit();
    let mut fields = vec![
        ("profile", Value(yaml_scalar(profile))),
        ("scheme", Commented),
        ("previous", Commented),
        ("project_number", Text),
        ("audit_type", Value(serde_json::to_value(audit_type).unwrap().as_str().unwrap().to_owned())),
    ];
    if audit_type == AuditType::Surveillance {
        fields.push(("surveillance_number", Commented));
    }
    fields.extend([
        ("client", Open),
        ("client.name", Text),
        ("client.registered_address", Text),
        ("client.audit_address", Text),
        ("client.sites", Commented),
        ("client.contact", Open),
        ("client.contact.person", Text),
        ("client.contact.title", Commented),
        ("client.contact.phone", Text),
        ("client.contact.email", Commented),
        ("scope", Open),
        ("scope.text", Text),
        ("scope.level", Commented),
        ("scope.level_reason", Commented),
        ("audit", Open),
        ("audit.method", Value("on_site".into())),
        ("audit.mystery_shopping", Commented),
        ("audit.start", Commented),
        ("audit.end", Commented),
    ]);
    if follows {
        fields.push(("audit.previous_end", Commented));
    }
    fields.extend([("audit.team", List), ("audit.sampling", Text)]);
    if follows {
        fields.push(("changes", Commented));
    }
    fields.extend([
        ("incidents", Commented),
        ("risks", Commented),
        ("remote_audit", Commented),
        ("scores", Map),
        ("findings", List),
        ("overview", Open),
        ("overview.introduction", Text),
        ("overview.multi_site_management", Commented),
        ("overview.pre_sale", Text),
        ("overview.in_sale", Text),
        ("overview.after_sale", Text),
        ("overview.methods", Text),
        ("overview.summary", Text),
        ("internal_evaluation", Commented),
        ("suggestions", List),
    ]);
    if follows {
        fields.push(("certificate_use", Text));
    }
    fields.extend([
        ("conclusion", Open),
        ("conclusion.recommendation", Commented),
        ("conclusion.author", Text),
        ("conclusion.date", Commented),
    ]);
    fields
}

/// A text as one YAML scalar, quoted and escaped where YAML needs it (written by the YAML
/// serializer, so a newline or a `: ` in it can never start another key).
fn yaml_scalar(text: &str) -> String {
    serde_saphyr::to_string(&text).expect("a string serializes").trim_end_matches('\n').to_owned()
}

/// The starter record's text. `schema_path` is the schema's path relative to the record.
pub fn starter(audit_type: AuditType, profile: &str, schema_path: &str) -> String {
    let root = Kind::Record.schema();
    let mut text = schema::modeline(schema_path);
    let _ = write!(
        text,
        "\n# {}审查记录，由 certreport init 生成。每个字段上方的注释说明它在报告中的位置。\n\
         # 请填写所有 \"\" 与 []，把需要的 # 注释行改为字段；运行 certreport check 查看尚缺的内容，\n\
         # 先报告尚缺的日期，写上日期后列出其余所有待填项。\n",
        audit_type.label()
    );
    for (path, slot) in fields(audit_type, profile) {
        let depth = path.matches('.').count();
        let indent = "  ".repeat(depth);
        let key = path.rsplit('.').next().unwrap_or(path);
        if depth == 0 {
            text.push('\n');
        }
        for line in describe(root, path).lines() {
            let _ = writeln!(text, "{indent}# {line}");
        }
        let _ = match slot {
            Slot::Text => writeln!(text, "{indent}{key}: \"\""),
            Slot::List => writeln!(text, "{indent}{key}: []"),
            Slot::Map => writeln!(text, "{indent}{key}: {{}}"),
            Slot::Open => writeln!(text, "{indent}{key}:"),
            Slot::Value(value) => writeln!(text, "{indent}{key}: {value}"),
            Slot::Commented => writeln!(text, "{indent}# {key}:"),
        };
        if path == "scores" {
            score_keys(&mut text);
        }
    }
    text
}

/// The built-in scheme's indicator keys under `scores: {}`, as comments.
fn score_keys(text: &mut String) {
    let _ = writeln!(text, "# 删去 {{}}，逐项写上得分（数字）、excluded 或 derived：");
    for group in &Scheme::builtin().groups {
        for indicator in &group.indicators {
            let max = crate::base::format::points(indicator.max);
            let _ = writeln!(text, "#   {}:    # {}（{max} 分）", indicator.key, indicator.name);
        }
    }
}

/// The schema's description of the property at a dotted YAML path (its title when it has
/// none).
fn describe(root: &Value, path: &str) -> String {
    let mut node = root;
    let mut property = root;
    for segment in path.split('.') {
        property = &target(root, node)["properties"][segment];
        node = property;
    }
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    text(property, "description")
        .or_else(|| text(property, "title"))
        .unwrap_or_else(|| panic!("the record schema describes {path}"))
}

/// The object schema a property stands for: through `$ref`, `anyOf`/`oneOf` (an optional
/// field) and `items` (a list).
fn target<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    if let Some(pointer) = node.get("$ref").and_then(Value::as_str) {
        return target(root, root.pointer(pointer.trim_start_matches('#')).unwrap_or(&Value::Null));
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(found) = node[key].as_array().and_then(|options| {
            options.iter().map(|option| target(root, option)).find(|t| t.get("properties").is_some())
        }) {
            return found;
        }
    }
    match node.get("items") {
        Some(items) => target(root, items),
        None => node,
    }
}

/// The record schema's path for the schema line of a record in `dir`: `schemas/record.schema.json`
/// found in `dir` or a folder above it, relative to `dir`; else `record.schema.json`.
pub fn schema_path(dir: &Path) -> String {
    std::path::absolute(dir)
        .ok()
        .and_then(|dir| dir.ancestors().map(|d| d.join(SCHEMA_FILE)).find(|p| p.is_file()))
        .map_or_else(|| Kind::Record.file_name().to_owned(), |p| crate::rules::cycle::relative_to(&p, dir))
}

/// Writes the starter for `audit_type` to `output` (never over an existing file). `profile`
/// is the CB profile's path from the current folder; without it the record names
/// [`DEFAULT_PROFILE`] beside itself.
pub fn write_starter(output: &Path, audit_type: AuditType, profile: Option<&Path>) -> Result<(), InitError> {
    if let Some(path) =
        profile.filter(|p| p.to_string_lossy().chars().any(crate::base::diagnostic::is_control_or_bidi))
    {
        return Err(InitError::Profile(path.to_owned()));
    }
    let dir = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let profile =
        profile.map_or_else(|| DEFAULT_PROFILE.to_owned(), |p| crate::rules::cycle::relative_to(p, dir));
    let text = starter(audit_type, &profile, &schema_path(dir));
    crate::base::output::write_new(output, text.as_bytes()).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => InitError::Exists(output.to_owned()),
        _ => InitError::Io(output.to_owned(), e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_section_is_in_the_starter_of_a_surveillance_audit() {
        let fields = fields(AuditType::Surveillance, DEFAULT_PROFILE);
        let properties = Kind::Record.schema()["properties"].as_object().unwrap();
        for name in properties.keys() {
            assert!(fields.iter().any(|(path, _)| path == name), "{name} is in the starter");
        }
    }

    #[test]
    fn the_profile_is_one_yaml_scalar_whatever_it_holds() {
        let text = starter(AuditType::Initial, "x\nevil: 1", "s.json");
        let tree: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(tree["profile"], "x\nevil: 1", "{text}");
        assert!(tree.get("evil").is_none());
        assert!(
            starter(AuditType::Initial, "cb-profile.yaml", "s.json").contains("\nprofile: cb-profile.yaml\n")
        );
    }

    #[test]
    fn comments_come_from_the_schema() {
        let text = starter(AuditType::Initial, "p.yaml", "s.json");
        assert!(text.starts_with("# yaml-language-server: $schema=s.json\n"));
        assert!(text.contains("  # 1.3 工商注册地址。\n  registered_address: \"\"\n"), "{text}");
        assert!(text.contains("    # 1.6 联系人姓名。\n    person: \"\"\n"), "{text}");
        assert!(!text.contains("changes") && !text.contains("certificate_use"), "{text}");
    }
}
