//! The summary of a batch in the out-dir: `summary.csv` (UTF-8 with BOM, for Excel),
//! `summary.json`, and `summary.pdf`, the 汇总表 a CB files.

use std::path::Path;

use serde::Serialize;

use super::{Row, Status, Summary};
use crate::date::Date;
use crate::output::write_atomic;
use crate::render::join::{JoinedInfo, PdfJoiner};
use crate::render::{self, Engine, Tagging, Template};

/// Writes summary.csv, summary.json and summary.pdf.
pub fn write(summary: &Summary, engine: &Engine, out_dir: &Path) -> Result<(), String> {
    let write = |name: &str, bytes: &[u8]| {
        let path = out_dir.join(name);
        write_atomic(&path, bytes).map_err(|e| format!("无法写入 {}：{e}", path.display()))
    };
    write("summary.csv", &csv(summary))?;
    let json = serde_json::to_vec_pretty(summary).expect("the summary serializes");
    write("summary.json", &json)?;
    write("summary.pdf", &table_pdf(summary, engine)?)
}

/// Rows of the 汇总表 typeset at a time (about four pages). Each part is typeset, exported and
/// dropped before the next, and only its PDF is kept: a table of thousands of rows typeset at
/// once would keep every cell's layout in memory; in parts, the batch's memory stays flat.
/// Typesetting 100 rows takes about 25 MB for a moment; each part's PDF carries its own font
/// subsets, about 30 KB.
const PART_ROWS: usize = 100;

/// The label of the mark that each row of the 汇总表 carries (its 序号).
const ROW_MARK: &str = "row";

/// The 汇总表 as PDF: typeset in parts of up to [`PART_ROWS`] rows whose PDFs are joined. A
/// part's last page, which the rows may not fill, is dropped (unless it is the table's last),
/// and its rows start the next part: every page but the last is full.
fn table_pdf(summary: &Summary, engine: &Engine) -> Result<Vec<u8>, String> {
    // The reports' cached layout is of no use here.
    Engine::clear_cache();
    let date = summary.date;
    let rows = &summary.rows;
    let mut joined = PdfJoiner::default();
    let mut start = 0;
    while start < rows.len() {
        let end = (start + PART_ROWS).min(rows.len());
        let part = TablePart {
            title: &summary.title,
            date,
            total: summary.total,
            succeeded: summary.succeeded,
            failed: summary.failed,
            first: start == 0,
            first_page: joined.page_count() + 1,
            rows: rows[start..end]
                .iter()
                .zip(start + 1..)
                .map(|(row, number)| TableRow::new(row, number))
                .collect(),
        };
        let json = serde_json::to_vec(&part).expect("the summary serializes");
        let mut document = engine.typeset(Template::Summary, json, date)?;
        let pages = document.pages().len();
        let mut next = end;
        if end < rows.len() && pages > 1 {
            let on_last_page =
                render::marks(&document, ROW_MARK).into_iter().filter(|&(_, page)| page == pages);
            // 序号 counts from 1: the first row on the last page is rows[number - 1].
            if let Some(first) = on_last_page.filter_map(|(number, _)| usize::try_from(number - 1).ok()).min()
                && first > start
            {
                next = first;
                document = render::first_pages(&document, pages - 1);
            }
        }
        joined.append(engine.export(&document, "summary", date, Tagging::Untagged)?)?;
        drop(document);
        // Nothing of a part is needed again: drop all of its cached layout now.
        Engine::clear_cache();
        start = next;
    }
    let info = JoinedInfo { title: &summary.title, date, ident: "certreport:summary" };
    Ok(joined.finish(&info))
}

/// One part of the 汇总表: the batch's figures, and the rows this part lists.
#[derive(Serialize)]
struct TablePart<'a> {
    title: &'a str,
    date: Date,
    total: usize,
    succeeded: usize,
    failed: usize,
    /// The first part carries the title.
    first: bool,
    /// Page number of the part's first page.
    first_page: usize,
    rows: Vec<TableRow<'a>>,
}

/// One row of the 汇总表, as printed.
#[derive(Serialize)]
struct TableRow<'a> {
    /// 序号.
    number: usize,
    /// The client, or the file when the record could not be read.
    client: &'a str,
    project_number: &'a str,
    audit_type: &'a str,
    score: &'a str,
    level: &'a str,
    /// 通过 / 不通过, empty when not scored.
    result: &'static str,
    status: &'static str,
    /// The first error, if any.
    note: &'a str,
}

impl<'a> TableRow<'a> {
    fn new(row: &'a Row, number: usize) -> TableRow<'a> {
        TableRow {
            number,
            client: if row.client.is_empty() { &row.file } else { &row.client },
            project_number: &row.project_number,
            audit_type: &row.audit_type,
            score: &row.score,
            level: &row.level,
            result: passed_label(row.passed),
            status: row.status.map(Status::label).unwrap_or_default(),
            note: &row.first_error,
        }
    }
}

fn passed_label(passed: Option<bool>) -> &'static str {
    match passed {
        Some(true) => "通过",
        Some(false) => "不通过",
        None => "",
    }
}

/// The summary as CSV, UTF-8 with a byte-order mark so that Excel reads the Chinese.
fn csv(summary: &Summary) -> Vec<u8> {
    const HEADER: [&str; 13] = [
        "文件",
        "受审查方",
        "项目编号",
        "审查类型",
        "审查开始",
        "审查结束",
        "得分",
        "星级",
        "是否通过",
        "输出文件",
        "状态",
        "首个错误",
        "错误行号",
    ];
    let mut out = String::from("\u{feff}");
    let line =
        |fields: Vec<String>| fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(",") + "\r\n";
    out.push_str(&line(HEADER.iter().map(|h| h.to_string()).collect()));
    for row in &summary.rows {
        out.push_str(&line(vec![
            row.file.clone(),
            row.client.clone(),
            row.project_number.clone(),
            row.audit_type.clone(),
            row.audit_start.clone(),
            row.audit_end.clone(),
            row.score.clone(),
            row.level.clone(),
            passed_label(row.passed).into(),
            row.output.clone(),
            row.status.map(Status::label).unwrap_or_default().into(),
            row.first_error.clone(),
            row.error_line.map(|l| l.to_string()).unwrap_or_default(),
        ]));
    }
    out.into_bytes()
}

/// Quotes a CSV field when it needs it (RFC 4180). A leading `=`, `+`, `-` or `@` is prefixed
/// with `'` so that a spreadsheet never runs record text as a formula.
fn csv_field(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@']) { format!("'{field}") } else { field.to_owned() };
    if field.contains([',', '"', '\n', '\r']) { format!("\"{}\"", field.replace('"', "\"\"")) } else { field }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("重庆"), "重庆");
    }
}
