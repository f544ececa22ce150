//! Glyphs and text: every character a report would print is one its fonts can draw, and no
//! field carries a control character or a bidirectional control.
//!
//! Typst draws a character that no font covers as an empty box and says nothing; a bidi
//! override (U+202E) silently reverses the rest of a line. So before a report is rendered,
//! [`check`] walks every text field of the record (named by its YAML path, taken from the
//! record's serialized form so that no field is forgotten), of the CB profile, of the scheme
//! and of the previous record's client, and looks each character up in the font book the
//! report is typeset with: the embedded Noto CJK faces plus any `--font-path` folders — the
//! same faces Typst falls back through — spaces included (U+1680 has no glyph in them). Newlines
//! and tabs are allowed (prose takes them); every other C0/C1 control is an error. So is every
//! character a reader cannot see but the PDF's text layer would keep — format characters (zero
//! width space, joiners, U+FEFF, soft hyphen, tag characters), variation selectors, line and
//! paragraph separators — and every private-use or unassigned code point: a signed report holds
//! no hidden text.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use typst::text::FontBook;

use crate::base::diagnostic::{Diagnostic, Problem, escape_where, is_bidi_control};
use crate::load::{LoadedRecord, Source};

/// How many different characters one problem lists.
const LISTED: usize = 5;

/// The problems of every text the report would print, placed in the record.
pub fn check(loaded: &LoadedRecord, book: &FontBook) -> Vec<Diagnostic> {
    let mut fonts = Coverage::new(book);
    let mut problems = Vec::new();
    problems_of(&printed(to_value(&loaded.record)), None, &mut fonts, &mut problems);
    problems_of(&to_value(&loaded.profile), Some(("profile", "认证机构信息文件")), &mut fonts, &mut problems);
    problems_of(&to_value(&*loaded.scheme), Some(("scheme", "评分体系")), &mut fonts, &mut problems);
    if let Some(previous) = &loaded.previous {
        problems_of(
            &to_value(&previous.client),
            Some(("previous", "上次记录 client")),
            &mut fonts,
            &mut problems,
        );
    }
    problems.into_iter().map(|problem| loaded.source.place(problem)).collect()
}

/// The problems of the text of a record that could not be read as a record, looked up as
/// written: every string of its YAML tree but the file references — so that they are listed
/// with its other problems, not after they are fixed.
pub fn check_tree(source: &Source, tree: &Value, book: &FontBook) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    problems_of(&printed(tree.clone()), None, &mut Coverage::new(book), &mut problems);
    problems.into_iter().map(|problem| source.place(problem)).collect()
}

/// A record's fields without its file references (`profile`, `previous`, `scheme`): those are
/// never printed, and their files' text is checked on its own.
fn printed(mut record: Value) -> Value {
    if let Value::Object(fields) = &mut record {
        for reference in ["profile", "previous", "scheme"] {
            fields.remove(reference);
        }
    }
    record
}

/// Adds the problems of every string in `value`; `at`: the record's field naming the file the
/// value comes from, and what that file is, for a value that is not the record's own.
fn problems_of(value: &Value, at: Option<(&str, &str)>, fonts: &mut Coverage, problems: &mut Vec<Problem>) {
    walk(value, &mut String::new(), &mut |path, text| {
        for mut problem in text_problems(path, text, fonts) {
            if let Some((field, what)) = at {
                problem.message = format!("{what}的字段 {}：{}", problem.path, problem.message);
                problem.path = field.to_owned();
            }
            problems.push(problem);
        }
    });
}

fn to_value(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("records, profiles and schemes serialize to JSON")
}

/// Calls `visit` with the YAML path and the text of every string in a value.
fn walk(value: &Value, path: &mut String, visit: &mut impl FnMut(&str, &str)) {
    let len = path.len();
    match value {
        Value::String(text) => visit(path, text),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                walk(item, path, visit);
                path.truncate(len);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk(item, path, visit);
                path.truncate(len);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// The problems of one field's text: controls, bidi controls, characters without a glyph.
fn text_problems(path: &str, text: &str, fonts: &mut Coverage) -> Vec<Problem> {
    let mut controls = Vec::new();
    let mut bidi = Vec::new();
    let mut invisible = Vec::new();
    let mut missing = Vec::new();
    for c in text.chars() {
        let Some(refusal) = fonts.refusal(c) else { continue };
        let list = match refusal {
            Refusal::Control => &mut controls,
            Refusal::Bidi => &mut bidi,
            Refusal::Invisible => &mut invisible,
            Refusal::NoGlyph => &mut missing,
        };
        if !list.contains(&c) {
            list.push(c);
        }
    }
    let mut problems = Vec::new();
    if !controls.is_empty() {
        problems.push(
            Problem::error(path, format!("含有控制字符 {}，报告无法印出", code_points(&controls)))
                .expected("删去这些不可见的控制字符（换行与制表符除外）"),
        );
    }
    if !bidi.is_empty() {
        problems.push(
            Problem::error(
                path,
                format!("含有双向文字控制字符 {}，它会使报告中这段文字的顺序颠倒", code_points(&bidi)),
            )
            .expected("删去这些不可见的方向控制字符"),
        );
    }
    if !invisible.is_empty() {
        problems.push(
            Problem::error(
                path,
                format!(
                    "含有不可见或未分配的字符 {}：报告中看不到，PDF 的文字层里却留着它",
                    code_points(&invisible)
                ),
            )
            .expected("删去这些不可见的字符（常随复制粘贴带入）"),
        );
    }
    if !missing.is_empty() {
        let listed: Vec<String> =
            missing.iter().take(LISTED).map(|&c| format!("“{c}”（U+{:04X}）", u32::from(c))).collect();
        let more =
            if missing.len() > LISTED { format!(" 等 {} 个字符", missing.len()) } else { String::new() };
        problems.push(
            Problem::error(
                path,
                format!("字符 {}{more}在所用字体中没有字形，报告中会印成空白方框", listed.join("、")),
            )
            .expected("改用字体中有的字符；或用 --font-path 指定含有这些字符的字体所在的文件夹"),
        );
    }
    problems
}

/// A character that prints as nothing, or as nothing anyone agreed on: format characters,
/// default ignorables (variation selectors among them), line and paragraph separators,
/// private-use, surrogate and unassigned code points.
fn is_invisible(c: char) -> bool {
    use unicode_properties::{GeneralCategory as G, UnicodeGeneralCategory};
    typst::text::is_default_ignorable(c)
        || matches!(
            c.general_category(),
            G::Format
                | G::LineSeparator
                | G::ParagraphSeparator
                | G::PrivateUse
                | G::Surrogate
                | G::Unassigned
        )
}

fn code_points(chars: &[char]) -> String {
    let listed: Vec<String> = chars.iter().take(LISTED).map(|&c| format!("U+{:04X}", u32::from(c))).collect();
    listed.join("、")
}

/// Text for a page of certreport's own (the batch's 汇总表, which quotes record text and error
/// messages): every character that the check above would refuse — one the fonts cannot draw,
/// a control, a bidi control, an invisible one — is written as `<U+XXXX>`, so the table never
/// prints an empty box nor hides text.
pub struct Printable<'a> {
    fonts: Coverage<'a>,
}

impl<'a> Printable<'a> {
    pub fn new(book: &'a FontBook) -> Self {
        Printable { fonts: Coverage::new(book) }
    }

    pub fn text<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        escape_where(text, |c| self.fonts.refusal(c).is_some())
    }
}

/// Why a character cannot be printed as written.
#[derive(Clone, Copy)]
enum Refusal {
    /// A C0/C1 control other than newline and tab.
    Control,
    Bidi,
    /// See [`is_invisible`].
    Invisible,
    /// No face of the fonts in use draws it.
    NoGlyph,
}

/// Which characters the book's faces cover, remembered per character.
struct Coverage<'a> {
    book: &'a FontBook,
    known: HashMap<char, bool>,
}

impl<'a> Coverage<'a> {
    fn new(book: &'a FontBook) -> Self {
        Coverage { book, known: HashMap::new() }
    }

    /// Why `c` cannot be printed as written; `None`: it can.
    fn refusal(&mut self, c: char) -> Option<Refusal> {
        if is_bidi_control(c) {
            Some(Refusal::Bidi)
        } else if c.is_control() {
            (c != '\n' && c != '\t').then_some(Refusal::Control)
        } else if is_invisible(c) {
            Some(Refusal::Invisible)
        } else {
            (!self.covers(c)).then_some(Refusal::NoGlyph)
        }
    }

    fn covers(&mut self, c: char) -> bool {
        let book = self.book;
        *self.known.entry(c).or_insert_with(|| {
            (0..).map_while(|index| book.info(index)).any(|info| info.coverage.contains(u32::from(c)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::fonts::FontSet;

    fn problems(text: &str) -> Vec<Problem> {
        let fonts = FontSet::new(&[]).unwrap();
        text_problems("client.name", text, &mut Coverage::new(fonts.book()))
    }

    #[test]
    fn chinese_latin_and_prose_breaks_pass() {
        assert_eq!(problems("重庆百环环保科技有限公司 ABC-123（五星级）\n- 第二行\t甲"), vec![]);
    }

    #[test]
    fn characters_without_a_glyph_are_named_with_their_code_points() {
        let found = problems("百环😀ཀ𠀀");
        assert_eq!(found.len(), 1, "{found:?}");
        let message = &found[0].message;
        assert!(message.contains("“😀”（U+1F600）"), "{message}");
        assert!(message.contains("“ཀ”（U+0F40）"), "{message}");
        assert!(message.contains("U+20000"), "{message}");
        assert!(!message.contains("百"), "{message}");
    }

    #[test]
    fn controls_and_bidi_overrides_are_errors() {
        let found = problems("A\u{1b}[31m\u{202E}B\u{0}");
        let messages: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(found.len(), 2, "{messages:?}");
        assert!(messages[0].contains("U+001B、U+0000"), "{messages:?}");
        assert!(messages[1].contains("U+202E"), "{messages:?}");
    }

    #[test]
    fn invisible_and_unassigned_characters_are_errors() {
        for c in [
            '\u{200B}',
            '\u{200D}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{FE0F}',
            '\u{E0100}',
            '\u{E0041}',
            '\u{2028}',
            '\u{E000}',
            '\u{E0FFF}',
            '\u{180E}',
        ] {
            let found = problems(&format!("未见{c}证书"));
            assert_eq!(found.len(), 1, "U+{:04X}: {found:?}", u32::from(c));
            assert!(found[0].message.contains(&format!("U+{:04X}", u32::from(c))), "{found:?}");
            assert!(found[0].message.contains("不可见"), "{found:?}");
        }
    }

    #[test]
    fn spaces_are_checked_against_the_fonts_too() {
        assert_eq!(problems("甲 乙\u{3000}丙"), vec![]);
        let found = problems("未见\u{1680}证书");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("U+1680"), "{found:?}");
    }

    #[test]
    fn printable_text_writes_what_cannot_be_drawn_as_code_points() {
        let fonts = FontSet::new(&[]).unwrap();
        let mut printable = Printable::new(fonts.book());
        assert!(matches!(printable.text("重庆百环 ABC"), Cow::Borrowed(_)));
        assert_eq!(
            printable.text("百环😀\u{200B}\u{1b}\u{202E}甲"),
            "百环<U+1F600><U+200B><U+001B><U+202E>甲"
        );
    }

    #[test]
    fn paths_name_nested_fields() {
        let value = serde_json::json!({"a": {"b": [{"c": "x"}]}, "d": 1});
        let mut seen = Vec::new();
        walk(&value, &mut String::new(), &mut |path, text| seen.push((path.to_owned(), text.to_owned())));
        assert_eq!(seen, vec![("a.b[0].c".to_owned(), "x".to_owned())]);
    }
}
