//! The YAML a save writes for a form state (the record as JSON): the schema line first, then
//! every field in the report's order — the order of the record schema's properties, which is
//! the order of the Rust types' fields — and nothing the form left empty.
//!
//! The text is written by the YAML serializer (serde-saphyr), so no value can break out of
//! its scalar; prose with line breaks is written as a literal block, as people write it.

use serde_json::{Map, Value};

use crate::model::schema::{self, Kind};

/// The record's YAML for a form state. `schema_path` is what the schema line names.
pub fn record_yaml(state: &Value, schema_path: &str) -> String {
    let root = Kind::Record.schema();
    let ordered = ordered(root, root, state).unwrap_or(Value::Object(Map::new()));
    let body = serde_saphyr::to_string(&ordered).expect("JSON values serialize as YAML");
    // An empty form writes no `{}` body.
    let body = if body.trim() == "{}" { String::new() } else { body };
    format!("{}\n{body}", schema::modeline(schema_path))
}

/// `value` with its mappings in the order of `node`'s properties (unknown keys last, as
/// written), without empty text and nulls: what the form did not fill is left out, as a
/// person writing the YAML would leave it out. `None` for a value left out.
fn ordered(root: &Value, node: &Value, value: &Value) -> Option<Value> {
    let node = resolve(root, node);
    match value {
        Value::Null => None,
        Value::String(text) if text.trim().is_empty() => None,
        Value::Object(map) => {
            let properties = properties(node);
            let mut out = Map::new();
            let known = properties.into_iter().flat_map(|p| p.keys());
            for key in known.chain(map.keys()) {
                if out.contains_key(key) {
                    continue;
                }
                let Some(item) = map.get(key) else { continue };
                let schema = properties.and_then(|p| p.get(key)).unwrap_or(ANY);
                if let Some(item) = ordered(root, schema, item) {
                    out.insert(key.clone(), item);
                }
            }
            // A mapping the form holds is written even when empty: `changes: {}` says 无变更,
            // and `check` names what an empty `contact: {}` lacks.
            Some(Value::Object(out))
        }
        Value::Array(items) => {
            let item_schema = items_schema(root, node);
            Some(Value::Array(
                items
                    .iter()
                    .map(|item| ordered(root, item_schema, item).unwrap_or(Value::Object(Map::new())))
                    .collect(),
            ))
        }
        other => Some(other.clone()),
    }
}

/// A `$ref` followed, and an optional (`anyOf` with null) taken as its non-null branch.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    if let Some(name) = node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        return resolve(root, &root["$defs"][name]);
    }
    if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
        let mut not_null = branches.iter().filter(|b| b.get("type").and_then(Value::as_str) != Some("null"));
        if let (Some(only), None) = (not_null.next(), not_null.next()) {
            return resolve(root, only);
        }
    }
    node
}

/// The properties a mapping schema names, in their order.
fn properties(node: &Value) -> Option<&Map<String, Value>> {
    node.get("properties").and_then(Value::as_object)
}

fn items_schema<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    resolve(root, node.get("items").unwrap_or(ANY))
}

/// The schema of a value the schema does not describe.
const ANY: &Value = &Value::Bool(true);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_come_in_the_reports_order_whatever_the_forms_order() {
        let state = json!({
            "conclusion": { "author": "张心" },
            "client": { "contact": { "phone": "1", "person": "李" }, "name": "某公司" },
            "audit_type": "initial",
            "profile": "cb-profile.yaml",
        });
        let text = record_yaml(&state, "record.schema.json");
        assert_eq!(
            text,
            "# yaml-language-server: $schema=record.schema.json\nprofile: cb-profile.yaml\naudit_type: initial\n\
             client:\n  name: 某公司\n  contact:\n    person: 李\n    phone: \"1\"\nconclusion:\n  author: 张心\n"
        );
    }

    #[test]
    fn what_the_form_left_empty_is_left_out_and_lists_keep_their_items() {
        let state = json!({
            "project_number": "",
            "client": { "sites": null, "contact": {} },
            "audit": { "team": [{}, { "name": "陈思", "code": " " }] },
        });
        let text = record_yaml(&state, "s.json");
        assert_eq!(
            text,
            "# yaml-language-server: $schema=s.json\nclient:\n  contact: {}\naudit:\n  team:\n  - {}\n  - name: 陈思\n"
        );
    }

    #[test]
    fn the_yaml_reads_back_as_the_state() {
        let state = json!({
            "profile": "a: b.yaml",
            "overview": { "pre_sale": "第一段。\n\n- 一\n- 二\n", "summary": "# 不是注释" },
            "internal_evaluation": { "evaluators": ["杨飞", "周莹"], "score": 96.5 },
        });
        let text = record_yaml(&state, "s.json");
        let back: Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(back, state, "{text}");
    }
}
