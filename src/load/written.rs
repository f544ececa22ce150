//! As written: what a file says in ways its YAML tree forgets, checked on the nodes as the file
//! writes them, each at its position.
//!
//! - Tags (`!!binary aGVsbG8=`, `!!str 4`, `!foo bar`) are not part of a record, a profile or a
//!   scheme: a tag makes the report print something other than what the file shows (`!!binary`
//!   decodes to other text), so every tag is an error, core tags included — quoting does what
//!   `!!str` does.
//! - Numbers (得分, 扣分, 分值 …) are written in plain decimal (`96`, `3.5`, `-1`): `0x60`,
//!   `0o4`, `0b100`, `+4`, `0004`, `1_0`, `1e3` are errors, since they would read as a number the
//!   file does not show; and with at most [`MAX_DECIMALS`] decimals, checked on the digits as
//!   written (`3.9999999999999999` would otherwise read as 4, `1e-400` as 0).
//! - A key is text: a list or a mapping as a key (`[a, b]: 1`) is an error.

use serde_json::Value;
use serde_saphyr::granit_parser::{Event, ScalarStyle, Tag};

use super::spans::{self, Position};
use super::structure::value_at;
use crate::base::diagnostic::Problem;

/// The decimals a number may have: the hundredths every score is kept and printed at.
pub const MAX_DECIMALS: usize = 2;

/// Every problem of the file as written, with its position. Numbers are looked at only when
/// the file could be read as a tree (`tree`), which says which scalars are numbers.
pub fn check(text: &str, tree: Option<&Value>) -> Vec<(Problem, Position)> {
    let mut found = Vec::new();
    spans::walk(text, |node| {
        let tag = match node.event {
            Event::Scalar(_, _, _, tag)
            | Event::MappingStart(_, _, tag)
            | Event::SequenceStart(_, _, tag) => tag.as_deref(),
            _ => None,
        };
        if let Some(tag) = tag {
            let tag = written_tag(tag);
            let problem = Problem::error(node.path, format!("不支持 YAML 标签 {tag}：直接写文字或数字"))
                .expected(format!("去掉 {tag}；以 ! 开头的文字请加引号"))
                .code("yaml-tag");
            found.push((problem, node.position));
        }
        if node.is_key && matches!(node.event, Event::MappingStart(..) | Event::SequenceStart(..)) {
            let problem = Problem::error(node.path, "字段名不能是列表或“字段: 值”")
                .expected("字段名是一段文字，例如 name: 值；方括号或花括号开头的字段名请加引号")
                .code("complex-key");
            found.push((problem, node.position));
        }
        if let Event::Scalar(scalar, ScalarStyle::Plain, _, None) = node.event
            && !node.is_key
            && let Some(Value::Number(_)) = tree.and_then(|tree| value_at(tree, node.path))
            && let Some(problem) = number(node.path, scalar)
        {
            found.push((problem, node.position));
        }
    });
    found
}

/// A tag as the file writes it: `!!binary`, `!foo`.
fn written_tag(tag: &Tag) -> String {
    match tag.handle() {
        "tag:yaml.org,2002:" => format!("!!{}", tag.suffix()),
        "!" => format!("!{}", tag.suffix()),
        handle => format!("!<{handle}{}>", tag.suffix()),
    }
}

/// The problem of a number as written, if any: a notation other than plain decimal, or more
/// than [`MAX_DECIMALS`] decimals (trailing zeros aside).
fn number(path: &str, written: &str) -> Option<Problem> {
    let digits = written.strip_prefix('-').unwrap_or(written);
    let (whole, decimals) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let plain = all_digits(whole)
        && (whole == "0" || !whole.starts_with('0'))
        && (!digits.contains('.') || all_digits(decimals));
    if !plain {
        return Some(
            Problem::error(path, format!("数字“{written}”不是十进制写法"))
                .expected("十进制数字，例如 96 或 3.5（不用 0x、0o、0b 进制、科学计数法、正号、前导 0 或下划线）；若是文字请加引号")
                .code("number-notation"),
        );
    }
    let decimals = decimals.trim_end_matches('0');
    (decimals.len() > MAX_DECIMALS).then(|| {
        let cut = format!(
            "{}{whole}.{}",
            if written.starts_with('-') { "-" } else { "" },
            &decimals[..MAX_DECIMALS]
        );
        Problem::error(path, format!("数字 {written} 超过两位小数"))
            .expected(format!("最多两位小数，例如 {cut}"))
            .code("number-precision")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<(String, String, Position)> {
        let tree: Option<Value> = serde_saphyr::from_str(text).ok();
        check(text, tree.as_ref())
            .into_iter()
            .map(|(p, at)| (p.path, format!("{} / {}", p.message, p.expected.unwrap_or_default()), at))
            .collect()
    }

    #[test]
    fn numbers_in_plain_decimal_with_two_decimals_pass() {
        for text in ["a: 96", "a: 3.5", "a: 4.67", "a: -1", "a: 0", "a: 0.25", "a: 4.500", "a: \"0x4\""] {
            assert!(problems(text).is_empty(), "{text}: {:?}", problems(text));
        }
    }

    #[test]
    fn other_notations_are_errors_at_their_value() {
        for written in ["0x4", "0o4", "0b100", "+4", "0004", "1_0", "1e-400", "1e308", "4.", ".5"] {
            let text = format!("a: 1\nb: {written}\n");
            let Ok(tree) = serde_saphyr::from_str::<Value>(&text) else { continue };
            if !tree["b"].is_number() {
                continue; // read as text: the schema says what is expected there
            }
            let found = problems(&text);
            assert_eq!(found.len(), 1, "{written}: {found:?}");
            assert_eq!(found[0].0, "b");
            assert!(found[0].1.contains("不是十进制写法"), "{found:?}");
            assert_eq!(found[0].2, Position { line: 2, column: 4 });
        }
    }

    #[test]
    fn more_than_two_decimals_are_counted_as_written() {
        for (written, cut) in
            [("99.999", "99.99"), ("0.005", "0.00"), ("3.9999999999999999", "3.99"), ("-4.001", "-4.00")]
        {
            let found = problems(&format!("a: {written}\n"));
            assert_eq!(found.len(), 1, "{written}: {found:?}");
            assert!(found[0].1.contains(&format!("数字 {written} 超过两位小数")), "{found:?}");
            assert!(found[0].1.contains(&format!("例如 {cut}")), "{found:?}");
        }
    }

    #[test]
    fn every_tag_is_an_error_where_it_is_written() {
        let text = "a: !!binary aGVsbG8=\nb: !foo bar\nc: !!str 4\nd: !!python/object:os.system ls\ne: !!map {x: 1}\n";
        let found = problems(text);
        let tags: Vec<&str> = found.iter().map(|(_, m, _)| m.as_str()).collect();
        assert_eq!(found.len(), 5, "{found:?}");
        for (i, tag) in ["!!binary", "!foo", "!!str", "!!python/object:os.system", "!!map"].iter().enumerate()
        {
            assert!(tags[i].starts_with(&format!("不支持 YAML 标签 {tag}：")), "{tags:?}");
            assert_eq!(found[i].2.line, i + 1);
        }
    }

    #[test]
    fn a_key_that_is_a_list_is_an_error() {
        let found = problems("[a, b]: 1\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("字段名不能是列表"), "{found:?}");
        assert_eq!(found[0].2, Position { line: 1, column: 1 });
    }
}
