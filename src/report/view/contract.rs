//! The data contract as published: the JSON Schema of [`ReportView`] (`certreport schema
//! report-data`, committed as `schemas/report-data.schema.json`) and its field-by-field
//! reference in Chinese and English (`docs/report-data.md`), both generated from the types so
//! that they never drift from what a template is given. Tests compare both with the committed
//! files.

use std::fmt::Write;

use serde_json::Value;

use super::{DATA_VERSION, ReportView};

/// The JSON Schema of the report data. Each doc comment of the view's types is `中文标题`, a
/// blank line, then the English description: the first paragraph becomes the `title`.
pub fn schema() -> Value {
    let mut schema = crate::model::schema::generate::<ReportView>();
    split_titles(&mut schema);
    if let Some(map) = schema.as_object_mut() {
        map.insert("$comment".into(), Value::String(format!("certreport 报告数据 {DATA_VERSION}")));
    }
    schema
}

/// Moves the first paragraph of every untitled description into its `title`.
fn split_titles(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let split = match (map.get("title"), map.get("description").and_then(Value::as_str)) {
                (None, Some(description)) => description
                    .split_once("\n\n")
                    .map(|(title, rest)| (title.trim().to_owned(), rest.trim().to_owned())),
                _ => None,
            };
            if let Some((title, description)) = split {
                map.insert("title".into(), Value::String(title));
                map.insert("description".into(), Value::String(description));
            }
            map.values_mut().for_each(split_titles);
        }
        Value::Array(items) => items.iter_mut().for_each(split_titles),
        _ => {}
    }
}

/// The schema as committed: pretty JSON with a final newline.
pub fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("a schema is JSON");
    text.push('\n');
    text
}

/// `docs/report-data.md`: every type of the data and each of its fields, with its JSON type,
/// its Chinese title and its English description.
pub fn markdown() -> String {
    let schema = schema();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# 报告数据 / Report data, version {DATA_VERSION}\n\n\
         <!-- Generated from the Rust types (src/report/view/): do not edit by hand. \
         Regenerate with `CERTREPORT_BLESS=1 cargo test --release --lib contract`. -->\n\n\
         模板读取的 `/data.json`（`json(\"/data.json\")`）即下列结构；`certreport data 记录.yaml` 打印某份记录的数据，\
         `certreport schema report-data` 打印其 JSON Schema。数据版本为“主版本.次版本”：模板在 `template.yaml` 中以 \
         `data_version` 声明所读的版本，主版本不同（或次版本高于本程序）的模板被拒绝。\n\n\
         The `/data.json` a template reads is the structure below; `certreport data RECORD.yaml` prints a record's data, \
         `certreport schema report-data` its JSON Schema. The version is `MAJOR.MINOR`: a template declares the version \
         it reads as `data_version` in its `template.yaml`, and one of another major version (or of a newer minor one) \
         is refused.\n\n\
         Every text is plain text, never markup; figures, ticks, numbers and sentences arrive worked out: a template \
         only places them. `null` marks an absent value where the type says `| null`.\n"
    );
    let root_name = "ReportView";
    write_type(&mut out, root_name, &schema);
    if let Some(defs) = schema.get("$defs").and_then(Value::as_object) {
        for (name, def) in defs {
            write_type(&mut out, name, def);
        }
    }
    out
}

fn write_type(out: &mut String, name: &str, def: &Value) {
    let title = def.get("title").and_then(Value::as_str).unwrap_or_default();
    let description = def.get("description").and_then(Value::as_str).unwrap_or_default();
    let _ = writeln!(out, "\n## {name}（{title}）\n\n{}\n", one_line(description));
    if let Some(variants) = def.get("oneOf").and_then(Value::as_array) {
        for variant in variants {
            let title = variant.get("title").and_then(Value::as_str).unwrap_or_default();
            let description = variant.get("description").and_then(Value::as_str).unwrap_or_default();
            let _ = writeln!(out, "- **{title}** — {}", one_line(description));
            write_fields(out, variant);
        }
        return;
    }
    write_fields(out, def);
}

fn write_fields(out: &mut String, def: &Value) {
    let Some(properties) = def.get("properties").and_then(Value::as_object) else { return };
    let _ = writeln!(out, "\n| 字段 field | 类型 type | 中文 | English |\n|---|---|---|---|");
    for (field, property) in properties {
        let title = property.get("title").and_then(Value::as_str).unwrap_or_default();
        let description = property.get("description").and_then(Value::as_str).unwrap_or_default();
        let _ = writeln!(
            out,
            "| `{field}` | {} | {title} | {} |",
            type_of(property).replace('|', "\\|"),
            one_line(description).replace('|', "\\|")
        );
    }
    out.push('\n');
}

/// A property's JSON type in words: `string`, `array of Run`, `CoverView | null`.
fn type_of(property: &Value) -> String {
    if let Some(reference) = property.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("[{name}](#{})", name.to_lowercase());
    }
    if let Some(any) = property.get("anyOf").and_then(Value::as_array) {
        return any.iter().map(type_of).collect::<Vec<_>>().join(" | ");
    }
    if let Some(kind) = property.get("const") {
        return format!("`{kind}`");
    }
    match property.get("type") {
        Some(Value::String(kind)) if kind == "array" => {
            format!("array of {}", property.get("items").map(type_of).unwrap_or_default())
        }
        Some(Value::String(kind)) => kind.clone(),
        Some(Value::Array(kinds)) => {
            let mut names: Vec<String> = kinds.iter().filter_map(Value::as_str).map(str::to_owned).collect();
            if names.len() == 2 && names.contains(&"array".to_owned()) {
                let items = property.get("items").map(type_of).unwrap_or_default();
                names = names
                    .into_iter()
                    .map(|n| if n == "array" { format!("array of {items}") } else { n })
                    .collect();
            }
            names.join(" | ")
        }
        _ => "any".into(),
    }
}

/// A description on one line of a table.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compares a generated file with the committed one; with `CERTREPORT_BLESS=1`, writes it.
    fn committed(path: &str, generated: &str) {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        if std::env::var_os("CERTREPORT_BLESS").is_some() {
            std::fs::write(&file, generated).unwrap();
        }
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            committed == generated,
            "{path} differs from the types; regenerate it with\n    CERTREPORT_BLESS=1 cargo test --release --lib contract"
        );
    }

    #[test]
    fn the_committed_contract_is_generated_from_the_types() {
        committed("schemas/report-data.schema.json", &schema_text());
        committed("docs/report-data.md", &markdown());
    }

    #[test]
    fn every_field_is_documented_in_both_languages() {
        let schema = schema();
        let mut missing = Vec::new();
        let mut defs: Vec<(&str, &Value)> = vec![("ReportView", &schema)];
        if let Some(map) = schema.get("$defs").and_then(Value::as_object) {
            defs.extend(map.iter().map(|(k, v)| (k.as_str(), v)));
        }
        for (name, def) in defs {
            let variants: Vec<&Value> = match def.get("oneOf").and_then(Value::as_array) {
                Some(variants) => variants.iter().collect(),
                None => vec![def],
            };
            for variant in variants {
                for (field, property) in
                    variant.get("properties").and_then(Value::as_object).into_iter().flatten()
                {
                    let chinese = property
                        .get("title")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.chars().any(|c| c > '\u{2e80}'));
                    let english = property
                        .get("description")
                        .and_then(Value::as_str)
                        .is_some_and(|d| d.chars().any(|c| c.is_ascii_alphabetic()));
                    if field != "kind" && !(chinese && english) {
                        missing.push(format!("{name}.{field}"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "fields without a Chinese title and an English description: {missing:?}");
    }
}
