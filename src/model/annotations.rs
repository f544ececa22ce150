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

/// The record's rules that depend on the built-in scheme's data (its 15 indicators and its
/// levels): when the record uses the built-in scheme, `scores` takes exactly its indicator keys
/// and `scope.level` one of its level keys, each with its Chinese name. A record naming a
/// scheme file is checked against that scheme by `validate`.
pub fn builtin_scheme_rules(schema: &mut Schema) {
    let scheme = Scheme::builtin();
    let mut indicators = serde_json::Map::new();
    for group in &scheme.groups {
        for indicator in &group.indicators {
            indicators.insert(
                indicator.key.clone(),
                json!({
                    "title": indicator.name,
                    "maximum": indicator.max,
                    "description": format!(
                        "2 审查结果：一级指标“{}”下的二级指标“{}”（分值 {}）的得分、excluded（删减）或 derived（按扣分计算）。",
                        group.name, indicator.name, format::points(indicator.max)
                    ),
                }),
            );
        }
    }
    let levels: Vec<Value> = scheme
        .levels
        .iter()
        .map(|level| {
            json!({
                "const": level.key,
                "title": level.name,
                "description": format!("{}：{} 分以上（含）", level.name, format::points(level.min)),
            })
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
