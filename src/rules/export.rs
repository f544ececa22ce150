//! Export: what the PDF can hold. `check` passes nothing that `render` cannot export.
//!
//! Typst's PDF export (typst-pdf 0.15 through krilla 0.8 and pdf-writer 0.15) refuses a document
//! holding a PDF string longer than [`MAX_PDF_STRING`] bytes — a limit of the PDF/A levels
//! that krilla checks for every standard the report can be exported to — and some record text
//! is written whole into such strings:
//!
//! - the document title, `服务认证审查报告：{client.name}（{project_number}）` (the Info
//!   dictionary's `Title`), the author (`conclusion.author`) and the keywords (the standard, the
//!   project number and the audit type, joined with `, ` by krilla);
//! - the title of each heading, in the outline (bookmarks) and in the structure tree: the only
//!   headings of record text are the suggestion groups' aspects (`suggestions[].aspect`).
//!
//! A text string is counted in UTF-8 bytes (pdf-writer's `TextStr` registers `str::len`), so
//! 32,767 bytes are about 10,900 Chinese characters. The page's own text is a PDF string per
//! run of glyphs on a line, 2 bytes a glyph: a run that cannot break (an identifier, a token
//! without spaces) is checked with the glyphs, in [`crate::rules::glyphs`]. The other limits
//! krilla checks cannot be reached by record text: names (font names, which krilla trims),
//! arrays, dictionaries and reals (PDF 1.4 only, which no `--pdf-standard` exports), indirect
//! objects (8,388,607: a record of the 4 MiB the loader reads makes far fewer) and the q/Q
//! nesting of content streams (the template's).

use crate::base::diagnostic::Problem;
use crate::model::record::Record;
use crate::model::scheme::Scheme;

/// The longest string a PDF may hold, in bytes (PDF/A; krilla's `STR_LEN`).
pub const MAX_PDF_STRING: usize = 32767;

/// The PDF's document title: `服务认证审查报告：重庆百环环保科技有限公司（20913-2024-SA）`.
pub fn document_title(record: &Record) -> String {
    format!("{TITLE_BEFORE}{}（{}）", record.client.name, record.project_number)
}

/// The PDF's keywords: the standard, the project number, the audit type.
pub fn document_keywords(record: &Record, scheme: &Scheme) -> Vec<String> {
    vec![scheme.standard.clone(), record.project_number.clone(), record.audit_type.label().into()]
}

const TITLE_BEFORE: &str = "服务认证审查报告：";

/// How krilla joins the keywords (and the authors) into one string.
const KEYWORD_SEPARATOR: &str = ", ";

/// The record's text that the export would refuse, each at its field.
pub fn check(record: &Record, scheme: &Scheme) -> Vec<Problem> {
    let mut problems = Vec::new();
    let name = (&record.client.name, "client.name", "受审查方名称");
    let number = (&record.project_number, "project_number", "项目编号");
    let title = document_title(record).len();
    if title > MAX_PDF_STRING {
        // The longer of the two is the one to shorten.
        let (text, path, what) = if name.0.len() >= number.0.len() { name } else { number };
        problems.push(too_long(
            path,
            what,
            text,
            "PDF 的文档标题“服务认证审查报告：受审查方名称（项目编号）”",
            title - text.len(),
        ));
    }
    let keywords = document_keywords(record, scheme).join(KEYWORD_SEPARATOR).len();
    if keywords > MAX_PDF_STRING {
        let (text, path, what) = number;
        problems.push(too_long(
            path,
            what,
            text,
            "PDF 的关键词“标准编号, 项目编号, 审查类型”",
            keywords - text.len(),
        ));
    }
    let author = &record.conclusion.author;
    if author.len() > MAX_PDF_STRING {
        problems.push(too_long("conclusion.author", "报告编制人", author, "PDF 的作者信息", 0));
    }
    for (i, group) in record.suggestions.iter().enumerate() {
        if group.aspect.len() > MAX_PDF_STRING {
            let path = format!("suggestions[{i}].aspect");
            problems.push(too_long(
                &path,
                "建议的方面",
                &group.aspect,
                "PDF 的书签和标题结构（它是第 4 部分的一个小标题）",
                0,
            ));
        }
    }
    problems
}

/// `text` (the field at `path`, `what` in words) does not fit the PDF string `into`, which
/// holds `others` bytes besides it.
fn too_long(path: &str, what: &str, text: &str, into: &str, others: usize) -> Problem {
    let room = MAX_PDF_STRING.saturating_sub(others);
    Problem::error(
        path,
        format!(
            "{what}过长（{} 个字符，{} 字节）：报告把它写入 {into}，而 PDF 中的一段文字最多 {MAX_PDF_STRING} 字节，报告无法导出",
            text.chars().count(),
            text.len(),
        ),
    )
    .expected(format!("不超过 {room} 字节（UTF-8 编码：汉字每字 3 字节，约 {} 个汉字）", room / 3))
    .code("too-long-for-pdf")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::record::SuggestionGroup;

    fn paths(record: &Record) -> Vec<String> {
        check(record, &Scheme::builtin()).into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn a_title_that_fits_passes_and_one_byte_more_does_not() {
        let mut record = Record { project_number: "20913-2024-SA".into(), ..Record::default() };
        let room = MAX_PDF_STRING - document_title(&record).len();
        record.client.name = "a".repeat(room);
        assert!(paths(&record).is_empty());
        record.client.name.push('a');
        assert_eq!(paths(&record), ["client.name"]);
    }

    #[test]
    fn the_longer_field_of_the_title_is_named_and_the_room_left_in_characters() {
        let record = Record { project_number: "号".repeat(11_000), ..Record::default() };
        let problems = check(&record, &Scheme::builtin());
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, ["project_number", "project_number"], "{problems:?}");
        assert!(problems[0].message.contains("11000 个字符，33000 字节"), "{}", problems[0].message);
        assert!(problems[0].expected.as_deref().unwrap().contains("约 10911 个汉字"), "{:?}", problems[0]);
    }

    #[test]
    fn the_author_and_the_suggestion_headings_are_pdf_strings_too() {
        let mut record = Record::default();
        record.conclusion.author = "张".repeat(11_000);
        record.suggestions = vec![
            SuggestionGroup { aspect: "方".repeat(20), ..Default::default() },
            SuggestionGroup { aspect: "方".repeat(11_000), ..Default::default() },
        ];
        assert_eq!(paths(&record), ["conclusion.author", "suggestions[1].aspect"]);
    }
}
