//! Structure: a YAML file checked against its JSON Schema ([`crate::model::schema`]) before it is
//! read into the Rust types, so that every unknown key, wrong type and missing field of the
//! whole file is reported in one run — each at its line, with its YAML path, what was
//! expected in the report's words, and for a misspelt key the nearest valid one.

use std::collections::HashSet;
use std::sync::OnceLock;

use boon::{ErrorKind as B, InstanceToken, SchemaIndex, Schemas, ValidationError};
use serde_json::Value;

use crate::base::date::{DATE_HALF_FORMAT, DATE_HALF_PATTERN, DATE_PATTERN, Date, DateHalf};
use crate::base::diagnostic::Problem;
use crate::model::annotations::PHONE_PATTERN;
use crate::model::schema::Kind;

use super::spans::SpanIndex;

/// The compiled schema of a kind of file.
fn compiled(kind: Kind) -> &'static (Schemas, SchemaIndex) {
    static COMPILED: [OnceLock<(Schemas, SchemaIndex)>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    COMPILED[kind as usize].get_or_init(|| {
        let url = format!("file:///{}", kind.file_name());
        let mut schemas = Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        for format in formats() {
            compiler.register_format(format);
        }
        compiler.add_resource(&url, kind.schema().clone()).expect("the generated schema is JSON");
        let index =
            compiler.compile(&url, &mut schemas).expect("the generated schema is a valid JSON Schema");
        (schemas, index)
    })
}

/// The `format`s a file's values are checked against, beyond the JSON Schema's shapes: dates
/// that exist in the calendar, whole numbers that fit their type. An e-mail address is left to
/// the rules, where an odd one is a warning.
fn formats() -> [boon::Format; 6] {
    fn calendar<T>(
        value: &Value,
        parse: fn(&str) -> Result<T, String>,
    ) -> Result<(), Box<dyn std::error::Error>> {
        // A text of the wrong shape is the pattern's problem, said once.
        match value {
            Value::String(text) if text.trim() == text => parse(text).map(drop).map_err(Into::into),
            _ => Ok(()),
        }
    }
    fn fits(value: &Value, max: u64) -> Result<(), Box<dyn std::error::Error>> {
        match value {
            // Negative and fractional numbers are the schema's `minimum` and `type` problems.
            Value::Number(n)
                if n.as_u64()
                    .map_or_else(|| n.as_f64().is_some_and(|f| f > 0.0 && f.fract() == 0.0), |n| n > max) =>
            {
                Err(max.to_string().into())
            }
            _ => Ok(()),
        }
    }
    [
        boon::Format { name: "date", func: |v| calendar(v, Date::parse) },
        boon::Format { name: DATE_HALF_FORMAT, func: |v| calendar(v, DateHalf::parse) },
        boon::Format { name: "uint8", func: |v| fits(v, u8::MAX.into()) },
        boon::Format { name: "uint32", func: |v| fits(v, u32::MAX.into()) },
        boon::Format { name: "uint", func: |v| fits(v, u64::MAX) },
        boon::Format { name: "email", func: |_| Ok(()) },
    ]
}

/// Every structural problem of a document. Empty: the document has the shape of its type.
/// `spans` is the document's index: a number is quoted as the file writes it.
pub fn check(document: &Value, kind: Kind, spans: &SpanIndex) -> Vec<Problem> {
    let (schemas, index) = compiled(kind);
    let Err(error) = schemas.validate(document, *index) else { return Vec::new() };
    let root = kind.schema();
    let mut found = Vec::new();
    leaves(&error, &mut |leaf| found.extend(translate(root, document, spans, leaf)));
    // A misspelt key explains the required field it was meant to be: say it once.
    let meant: HashSet<String> = found.iter().filter_map(|(_, meant)| meant.clone()).collect();
    let mut seen = HashSet::new();
    found
        .into_iter()
        .map(|(problem, _)| problem)
        .filter(|p| !meant.contains(&p.path) || value_at(document, &p.path).is_some())
        .filter(|p| seen.insert((p.path.clone(), p.message.clone())))
        .collect()
}

/// The value the document writes at a path (`a.b[0].c`; `` is the document).
pub(super) fn value_at<'a>(document: &'a Value, path: &str) -> Option<&'a Value> {
    let mut value = document;
    if path.is_empty() {
        return Some(value);
    }
    for part in path.split('.') {
        let (key, indices) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            value = value.get(key)?;
        }
        for index in indices.split('[').filter(|i| !i.is_empty()) {
            value = value.get(index.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(value)
}

type Error<'a> = ValidationError<'a, 'a>;

/// The errors worth reporting under an error: the leaves of groups and references; for a
/// choice between shapes (`anyOf`, `oneOf`) where one shape got further than the others (an
/// optional section written with a mistake inside), that shape's errors; otherwise the choice.
fn leaves<'a>(error: &'a Error<'a>, report: &mut dyn FnMut(&'a Error<'a>)) {
    match &error.kind {
        B::Group | B::Schema { .. } | B::Reference { .. } | B::AllOf => {
            error.causes.iter().for_each(|cause| leaves(cause, report));
        }
        B::AnyOf | B::OneOf(None) => {
            let at = error.instance_location.to_string();
            let shallow = |branch: &'a Error<'a>| {
                let mut all = true;
                leaves(branch, &mut |leaf| {
                    all &= leaf.instance_location.to_string() == at
                        && matches!(
                            leaf.kind,
                            B::Type { .. } | B::Const { .. } | B::Enum { .. } | B::AnyOf | B::OneOf(_)
                        );
                });
                all
            };
            match error.causes.iter().find(|branch| !shallow(branch)) {
                Some(branch) => leaves(branch, report),
                None => report(error),
            }
        }
        _ => report(error),
    }
}

/// One schema error in the report's words; with each problem, for a misspelt key, the path
/// of the field it was probably meant to be.
fn translate(
    root: &Value,
    document: &Value,
    spans: &SpanIndex,
    error: &Error,
) -> Vec<(Problem, Option<String>)> {
    let path = yaml_path(&error.instance_location.tokens);
    // A number as written: `99999999999999999999`, not the reader's 1e+20.
    let written = |number: String| spans.number(&path).map_or(number, str::to_owned);
    let node = schema_node(root, error.schema_url);
    // A number named by its field's title where it has one: “组织架构”的值 5.
    let subject = |number: String| match node.map(|n| title(root, n)).filter(|t| !t.is_empty()) {
        Some(title) => format!("“{title}”的值 {number}"),
        None => format!("数字 {number}"),
    };
    let value = error.instance_location.tokens.iter().try_fold(document, |value, token| match token {
        InstanceToken::Prop(key) => value.get(key.as_ref()),
        InstanceToken::Item(i) => value.get(*i),
    });
    let instance = value.and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) => Some(written(v.to_string())),
        Value::Bool(_) => Some(v.to_string()),
        _ => None,
    });
    let instance = instance.as_deref();
    let one = |problem: Problem| vec![(problem, None)];
    match &error.kind {
        B::AdditionalProperties { got } => {
            let known = node.map(|n| property_names(root, n)).unwrap_or_default();
            got.iter()
                .map(|key| {
                    let mut message = format!("未知的字段“{key}”");
                    let near = nearest(key, known.iter().map(|(k, _)| k.as_str()));
                    if let Some(near) = near {
                        message.push_str(&format!("，是否应为 {near}？"));
                    }
                    let list =
                        known.iter().map(|(k, title)| labelled(k, title)).collect::<Vec<_>>().join("、");
                    let problem = Problem::error(join(&path, key), message)
                        .expected(format!("以下字段之一：{list}"))
                        .code("unknown-field");
                    (problem, near.map(|near| join(&path, near)))
                })
                .collect()
        }
        B::Required { want } => want
            .iter()
            .map(|name| {
                let field = node.and_then(|n| property_schema(root, n, name));
                let title = field.map(|f| title(root, f)).filter(|t| !t.is_empty());
                let message = match title {
                    Some(title) => format!("缺少必填字段“{name}”（{title}）"),
                    None => format!("缺少必填字段“{name}”"),
                };
                let mut problem = Problem::error(join(&path, name), message).code("missing-field");
                if let Some(field) = field {
                    problem = problem.expected(field_expectation(root, field));
                }
                (problem, None)
            })
            .collect(),
        B::Type { got, want } => {
            let mut expected = node.map(|n| expected(root, n)).unwrap_or_default();
            if expected.is_empty() {
                expected = want.iter().map(|t| type_name(&t.to_string())).collect::<Vec<_>>().join("或");
            }
            if expected == TEXT
                && matches!(got, boon::Type::Number | boon::Type::Integer | boon::Type::Boolean)
            {
                expected =
                    format!("{TEXT}（数字样的内容请加引号，例如 \"{}\"）", instance.unwrap_or_default());
            }
            let described = match value {
                Some(Value::Number(n)) => format!("数字 {}", written(n.to_string())),
                Some(value) => describe(value),
                None => type_name(&got.to_string()).to_owned(),
            };
            one(Problem::error(path, format!("这里的值（{described}）类型不对"))
                .expected(expected)
                .code("wrong-type"))
        }
        B::Enum { .. } | B::Const { .. } | B::AnyOf | B::OneOf(_) => {
            let choices = node.and_then(|n| choices(root, n));
            let mut message = match instance {
                Some(value) => format!("“{value}”不是可选的值"),
                None => "这里的值不是可选的值".to_owned(),
            };
            if let (Some(value), Some(choices)) = (instance, &choices)
                && let Some(near) = nearest(value, choices.iter().map(|(k, _)| k.as_str()))
            {
                message.push_str(&format!("，是否应为 {near}？"));
            }
            let expected = match &choices {
                Some(choices) => {
                    format!(
                        "以下之一：{}",
                        choices.iter().map(|(k, t)| labelled(k, t)).collect::<Vec<_>>().join("、")
                    )
                }
                None => node.map(|n| expected(root, n)).unwrap_or_default(),
            };
            one(Problem::error(path, message).expected(expected).code("unknown-value"))
        }
        B::Pattern { got, want } => {
            let (message, expected) = pattern_problem(want, got);
            one(Problem::error(path, message).expected(expected).code("wrong-format"))
        }
        B::Format { want, err, .. } if *want == "date" || *want == DATE_HALF_FORMAT => {
            let expected = if *want == "date" { DATE } else { HALF_DAY };
            one(Problem::error(path, err.to_string()).expected(expected).code("wrong-format"))
        }
        B::Format { got, err, .. } => {
            one(Problem::error(&path, format!("数字 {} 超出范围", written(got.to_string())))
                .expected(format!("0 到 {err} 之间的整数"))
                .code("out-of-range"))
        }
        B::Minimum { got, want } | B::ExclusiveMinimum { got, want } => {
            one(Problem::error(&path, format!("{} 太小", subject(written(number(got)))))
                .expected(format!("不小于 {} 的数", number(want)))
                .code("out-of-range"))
        }
        B::Maximum { got, want } | B::ExclusiveMaximum { got, want } => {
            one(Problem::error(&path, format!("{} 太大", subject(written(number(got)))))
                .expected(format!("不大于 {} 的数", number(want)))
                .code("out-of-range"))
        }
        B::MultipleOf { got, .. } => {
            one(Problem::error(path, format!("数字 {got} 不是整数")).expected("一个整数").code("wrong-type"))
        }
        B::MinItems { want, .. } => one(Problem::error(path, "列表的项数太少")
            .expected(format!("至少 {want} 项"))
            .code("wrong-length")),
        B::MaxItems { want, .. } => one(Problem::error(path, "列表的项数太多")
            .expected(format!("至多 {want} 项"))
            .code("wrong-length")),
        _ => {
            let expected = node.map(|n| expected(root, n)).unwrap_or_default();
            one(Problem::error(path, "这里的值不符合要求").expected(expected).code("invalid-value"))
        }
    }
}

/// A number as the report writes it: `4`, not `4.0`.
fn number(value: &serde_json::Number) -> String {
    value.as_f64().map_or_else(|| value.to_string(), crate::base::format::points)
}

/// What is wrong with a text that does not match a pattern, and what is expected: never
/// without words, whatever the text.
fn pattern_problem(pattern: &str, text: &str) -> (String, String) {
    let reason = |parse: fn(&str) -> Result<(), String>| {
        if text.trim() != text {
            format!("“{text}”的前后有空格")
        } else {
            parse(text).err().unwrap_or_else(|| format!("“{text}”的写法不对"))
        }
    };
    match pattern {
        DATE_PATTERN => (reason(|t| Date::parse(t).map(drop)), DATE.to_owned()),
        DATE_HALF_PATTERN => (reason(|t| DateHalf::parse(t).map(drop)), HALF_DAY.to_owned()),
        PHONE_PATTERN => (
            format!("电话“{text}”含有电话号码中不应有的字符"),
            "电话号码：数字，可含 + - 空格、括号和“转”（分机）".to_owned(),
        ),
        _ => (format!("“{text}”的写法不对"), format!("符合 {pattern} 的文字")),
    }
}

const TEXT: &str = "一段文字";
const DATE: &str = "日期，写成 YYYY-MM-DD，例如 2025-12-03";
const HALF_DAY: &str = "日期加上午或下午：YYYY-MM-DD am（上午）或 YYYY-MM-DD pm（下午），例如 2025-12-03 am";

/// The tokens of `/audit/team/0/role` → `audit.team[0].role`.
fn yaml_path(tokens: &[InstanceToken]) -> String {
    let mut path = String::new();
    for token in tokens {
        match token {
            InstanceToken::Prop(key) => path = join(&path, key),
            InstanceToken::Item(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() { field.to_owned() } else { format!("{path}.{field}") }
}

/// The schema an error's keyword is in, from its absolute location (`file:///x#/$defs/Audit`).
fn schema_node<'a>(root: &'a Value, schema_url: &str) -> Option<&'a Value> {
    let fragment = schema_url.split_once('#').map_or("", |(_, f)| f);
    root.pointer(&percent_decode(fragment))
}

/// `%24defs` → `$defs`.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%').then(|| text.get(i + 1..i + 3)).flatten();
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A schema with its `$ref` followed.
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => root.pointer(pointer).map_or(node, |target| resolve(root, target)),
        None => node,
    }
}

/// The properties a mapping schema allows, with their Chinese titles.
fn property_names(root: &Value, node: &Value) -> Vec<(String, String)> {
    let node = resolve(root, node);
    let Some(properties) = node.get("properties").and_then(Value::as_object) else { return Vec::new() };
    properties.iter().map(|(name, schema)| (name.clone(), title(root, schema))).collect()
}

fn property_schema<'a>(root: &'a Value, node: &'a Value, name: &str) -> Option<&'a Value> {
    resolve(root, node).get("properties")?.get(name)
}

fn title(root: &Value, schema: &Value) -> String {
    schema
        .get("title")
        .or_else(|| resolve(root, schema).get("title"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// `phone（电话）`.
fn labelled(key: &str, title: &str) -> String {
    if title.is_empty() || title == key { key.to_owned() } else { format!("{key}（{title}）") }
}

/// The one value a branch of a closed set stands for: its `const`, or the key of an `enum` of
/// the key, its Chinese label and any short form (`["leader", "组长"]`, see
/// [`crate::model::annotations::accept_titles`]).
fn closed_value(node: &Value) -> Option<&str> {
    node.get("const").and_then(Value::as_str).or_else(|| match node.get("enum")?.as_array()?.as_slice() {
        [Value::String(key), Value::String(label), ..]
            if node.get("title").and_then(Value::as_str) == Some(label) =>
        {
            Some(key.as_str())
        }
        _ => None,
    })
}

/// The closed set of values a schema allows (`const`s of a `oneOf` or `anyOf`, or an
/// `enum`), with their Chinese meaning; `None` when it also allows an open kind of value.
fn choices(root: &Value, node: &Value) -> Option<Vec<(String, String)>> {
    let node = resolve(root, node);
    if let Some(value) = closed_value(node) {
        return Some(vec![(value.to_owned(), title(root, node))]);
    }
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        return Some(
            values.iter().filter_map(Value::as_str).map(|v| (v.to_owned(), String::new())).collect(),
        );
    }
    let branches = node.get("oneOf").or_else(|| node.get("anyOf"))?.as_array()?;
    let mut all = Vec::new();
    for branch in branches {
        if resolve(root, branch).get("type").and_then(Value::as_str) == Some("null") {
            continue;
        }
        all.extend(choices(root, branch)?);
    }
    Some(all)
}

/// What a required field should hold: `1.6 电话：一段文字`.
fn field_expectation(root: &Value, field: &Value) -> String {
    let description = field.get("description").and_then(Value::as_str);
    let what = expected(root, field);
    match description {
        Some(description) if says(description, &what) => description.trim_end_matches('。').to_owned(),
        Some(description) => format!("{}（{what}）", description.trim_end_matches('。')),
        None => what,
    }
}

/// Whether a field's description already says what is expected: it names every choice
/// (`leader`, `member` …) or gives the same example (`例如 2025-12-03 am`).
fn says(description: &str, what: &str) -> bool {
    let example = what.rsplit_once("例如 ").is_some_and(|(_, example)| description.contains(example));
    let mut names =
        what.split(['、', '（', '）', '：', '，', '或']).filter(|w| w.is_ascii() && !w.trim().is_empty());
    let first = names.next();
    example
        || first.is_some_and(|first| description.contains(first) && names.all(|w| description.contains(w)))
}

/// What a schema expects, in words.
fn expected(root: &Value, node: &Value) -> String {
    let node = resolve(root, node);
    match node.get("pattern").and_then(Value::as_str) {
        Some(DATE_PATTERN) => return DATE.into(),
        Some(DATE_HALF_PATTERN) => return HALF_DAY.into(),
        _ => {}
    }
    let alternatives = node.get("oneOf").or_else(|| node.get("anyOf")).and_then(Value::as_array);
    if let Some(alternatives) = alternatives {
        let words: Vec<String> = alternatives
            .iter()
            .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
            .map(|a| {
                let a = resolve(root, a);
                match closed_value(a) {
                    Some(value) => labelled(value, &title(root, a)),
                    None => expected(root, a),
                }
            })
            .collect();
        return words.join("、");
    }
    let types: Vec<&str> = match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect(),
        _ => Vec::new(),
    };
    types.iter().map(|t| type_name(t)).collect::<Vec<_>>().join("或")
}

fn type_name(json_type: &str) -> &'static str {
    match json_type {
        "string" => TEXT,
        "number" => "一个数字",
        "integer" => "一个整数",
        "boolean" => "true（是）或 false（否）",
        "array" => "一个列表（每项以“- ”开头）",
        "object" => "一组“字段: 值”（下一行缩进书写）",
        _ => "空值",
    }
}

/// A value as the user wrote it, in words: `文字 abc`, `数字 96`, `列表`.
fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("文字 {s}"),
        Value::Number(n) => format!("数字 {n}"),
        Value::Bool(b) => format!("真假值 {b}"),
        Value::Null => "空值".into(),
        Value::Array(_) => "列表".into(),
        Value::Object(_) => "一组“字段: 值”".into(),
    }
}

/// The valid name nearest to a misspelt one, if it is near enough to be meant.
pub fn nearest<'a>(written: &str, valid: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let written_lower = written.to_lowercase();
    valid
        .map(|name| (strsim::damerau_levenshtein(&written_lower, name), name))
        .filter(|(distance, name)| *distance <= (name.chars().count() / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_problem_always_has_words() {
        let texts = [
            "",
            " ",
            " 2025-07-12 ",
            "2025-07-12",
            "2025-07-12 am",
            "2025-13-01",
            "x",
            "\t",
            "2025-07-12 am ",
        ];
        for pattern in [DATE_PATTERN, DATE_HALF_PATTERN, PHONE_PATTERN, "^x$"] {
            for text in texts {
                let (message, expected) = pattern_problem(pattern, text);
                assert!(!message.trim().is_empty() && !expected.trim().is_empty(), "{pattern} {text:?}");
            }
        }
        assert_eq!(pattern_problem(DATE_PATTERN, " 2025-07-12 ").0, "“ 2025-07-12 ”的前后有空格");
    }

    #[test]
    fn every_date_not_in_the_calendar_is_reported_with_the_rest() {
        let yaml = MINIMAL
            .replace("project_number: 1", "project_number: x")
            .replace("start: 2025-12-03 am", "start: 2025-12-32 am")
            .replace("end: 2025-12-03 pm", "end: 2025-02-30 下午, previous_end: 2025-13-01")
            .replace("phone: \"1\"", "phon: \"1\"");
        let found = problems(&yaml);
        let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
        for path in ["audit.start", "audit.end", "audit.previous_end", "client.contact.phon"] {
            assert!(paths.contains(&path), "{path} in {found:?}");
        }
        let start = found.iter().find(|p| p.path == "audit.start").unwrap();
        assert!(start.message.contains("2025-12-32") && start.message.contains("不存在"), "{start:?}");
        assert!(start.expected.as_deref().unwrap().contains("上午"), "{start:?}");
    }

    #[test]
    fn whole_numbers_must_fit_their_type_and_scores_their_maximum() {
        let yaml = MINIMAL.replace("project_number: 1", "project_number: x")
            + "surveillance_number: 300
findings:
- {aspect: a, text: t, deduction: {indicator: supervision, samples: 4294967296, nonconforming: 1}}
scores: {organisation: 5}
";
        let found = problems(&yaml);
        let samples = found.iter().find(|p| p.path == "findings[0].deduction.samples").expect("samples");
        assert_eq!(samples.message, "数字 4294967296 超出范围");
        assert_eq!(samples.expected.as_deref(), Some("0 到 4294967295 之间的整数"));
        assert!(found.iter().any(|p| p.path == "surveillance_number"), "{found:?}");
        let score = found.iter().find(|p| p.path == "scores.organisation").expect("the score");
        assert!(score.expected.as_deref().unwrap().contains("不大于 4"), "{score:?}");
    }

    #[test]
    fn numbers_too_large_for_their_type_are_quoted_as_written() {
        let yaml = MINIMAL.replace("project_number: 1", "project_number: x")
            + "findings:
- {aspect: a, text: t, deduction: {indicator: supervision, samples: 99999999999999999999, nonconforming: 18446744073709551616}}
scores: {organisation: 18446744073709551615}
";
        let found = problems(&yaml);
        let message = |path: &str| found.iter().find(|p| p.path == path).map(|p| p.message.clone());
        assert_eq!(message("findings[0].deduction.samples").unwrap(), "数字 99999999999999999999 超出范围");
        assert_eq!(
            message("findings[0].deduction.nonconforming").unwrap(),
            "数字 18446744073709551616 超出范围"
        );
        assert_eq!(message("scores.organisation").unwrap(), "“组织架构”的值 18446744073709551615 太大");
    }

    #[test]
    fn misspelt_keys_find_their_nearest_name() {
        let names = ["person", "title", "phone", "email"];
        assert_eq!(nearest("phon", names.into_iter()), Some("phone"));
        assert_eq!(nearest("emial", names.into_iter()), Some("email"));
        assert_eq!(nearest("Phone", names.into_iter()), Some("phone"));
        assert_eq!(nearest("fax", names.into_iter()), None);
        let top = ["overview", "internal_evaluation", "suggestions"];
        assert_eq!(nearest("overveiw", top.into_iter()), Some("overview"));
        assert_eq!(nearest("suggestion", top.into_iter()), Some("suggestions"));
    }

    fn problems(yaml: &str) -> Vec<Problem> {
        let value: Value = serde_saphyr::from_str(yaml).unwrap();
        check(&value, Kind::Record, &SpanIndex::build(yaml))
    }

    const MINIMAL: &str = "profile: p.yaml\nproject_number: 1\naudit_type: initial\nclient: {name: a, registered_address: b, audit_address: c, contact: {person: d, phone: \"1\"}}\nscope: {text: t}\naudit: {method: on_site, start: 2025-12-03 am, end: 2025-12-03 pm, team: [], sampling: s}\n";

    #[test]
    fn a_minimal_record_has_the_right_shape_but_for_a_number_as_text() {
        let found = problems(MINIMAL);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "project_number");
        assert!(found[0].expected.as_deref().unwrap().contains("加引号"), "{found:?}");
    }

    #[test]
    fn enum_values_are_named_with_their_chinese_meaning() {
        let yaml = MINIMAL
            .replace("audit_type: initial", "audit_type: survey")
            .replace("project_number: 1", "project_number: x");
        let found = problems(&yaml);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "audit_type");
        let expected = found[0].expected.as_deref().unwrap();
        assert!(expected.contains("initial（初次认证）"), "{expected}");
        assert!(expected.contains("surveillance（保持认证）"), "{expected}");
    }

    #[test]
    fn levels_and_half_days_speak_the_reports_words() {
        let yaml = MINIMAL
            .replace("project_number: 1", "project_number: x")
            .replace("scope: {text: t}", "scope: {text: t, level: four_stars}")
            .replace("end: 2025-12-03 pm", "end: 2025-12-03 evening");
        let found = problems(&yaml);
        assert_eq!(found.len(), 2, "{found:?}");
        let level = found.iter().find(|p| p.path == "scope.level").expect("the level");
        assert!(level.message.contains("是否应为 four_star？"), "{level:?}");
        assert!(level.expected.as_deref().unwrap().contains("four_star（四星级）"), "{level:?}");
        let end = found.iter().find(|p| p.path == "audit.end").expect("the end");
        assert!(end.expected.as_deref().unwrap().contains("上午"), "{end:?}");
    }

    #[test]
    fn a_mistake_inside_an_optional_section_is_reported_inside_it() {
        let yaml = MINIMAL.replace("project_number: 1", "project_number: x")
            + "changes:\n  name: {from: a, too: b}\nremote_audit: {location: x}\n";
        let found = problems(&yaml);
        let paths: Vec<&str> = found.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"changes.name.too"), "{found:?}");
        // The misspelt key stands for the required one: that one is not reported missing too.
        assert!(!paths.contains(&"changes.name.to"), "{found:?}");
        assert!(paths.contains(&"remote_audit.scope"), "{found:?}");
    }
}
