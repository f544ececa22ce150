//! The summary of a batch in the out-dir: `summary.csv` (UTF-8 with BOM, for Excel, written
//! by the `csv` crate), `summary.json` (scores as numbers, results as booleans, dates as
//! `YYYY-MM-DD`), and `summary.pdf`, the 汇总表 a CB files.

use std::borrow::Cow;
use std::path::Path;

use serde::Serialize;

use super::parts::{Part, PartCache};
use super::{Error, Row, SUMMARY_FILES, Status, Summary};
use crate::base::date::Date;
use crate::base::output::{Inputs, OutputError, write_atomic};
use crate::report::join::{JoinedInfo, PdfJoiner};
use crate::report::{self, Engine, Tagging, Template};
use crate::rules::glyphs::Printable;

/// Writes summary.csv, summary.json and summary.pdf (each over a file of its kind only, and
/// never over one of `inputs`).
pub fn write(summary: &Summary, engine: &Engine, out_dir: &Path, inputs: &Inputs) -> Result<(), Error> {
    let json = serde_json::to_vec_pretty(summary).expect("the summary serializes");
    let mut parts = PartCache::new(out_dir, inputs);
    let contents = [csv(summary), json, table_pdf(summary, engine, &mut parts)?];
    parts.prune();
    for ((name, kind), bytes) in SUMMARY_FILES.into_iter().zip(contents) {
        let path = out_dir.join(name);
        inputs.guard(&path, &[], kind)?;
        write_atomic(&path, &bytes).map_err(|error| OutputError::Io { path, error })?;
    }
    Ok(())
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
fn table_pdf(summary: &Summary, engine: &Engine, cache: &mut PartCache<'_>) -> Result<Vec<u8>, String> {
    // The reports' cached layout is of no use here.
    Engine::clear_cache();
    let date = summary.date;
    let rows = &summary.rows;
    let mut joined = PdfJoiner::default();
    let mut printable = Printable::new(engine.book());
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
                .map(|(row, number)| TableRow::new(row, number, &mut printable))
                .collect(),
        };
        let json = serde_json::to_vec(&part).expect("the summary serializes");
        let key = PartCache::key(&json);
        let (pdf, next) = match cache.get(&key) {
            Some(part) => part,
            None => {
                let part = typeset_part(engine, json, date, start, end, rows.len())?;
                cache.put(&key, &part.0, part.1);
                part
            }
        };
        joined.append(pdf)?;
        start = next;
    }
    let info = JoinedInfo { title: &summary.title, date, ident: "certreport:summary" };
    Ok(joined.finish(&info))
}

/// Typesets the part of rows `start..end` (of `total`): its PDF, and the first row of the next.
fn typeset_part(
    engine: &Engine,
    json: Vec<u8>,
    date: Date,
    start: usize,
    end: usize,
    total: usize,
) -> Result<Part, String> {
    let mut document = engine.typeset(Template::Summary, json, date)?;
    let pages = document.pages().len();
    let mut next = end;
    if end < total && pages > 1 {
        let on_last_page = report::marks(&document, ROW_MARK).into_iter().filter(|&(_, page)| page == pages);
        // 序号 counts from 1: the first row on the last page is rows[number - 1].
        if let Some(first) = on_last_page.filter_map(|(number, _)| usize::try_from(number - 1).ok()).min()
            && first > start
        {
            next = first;
            document = report::first_pages(&document, pages - 1);
        }
    }
    let pdf = engine.export(&document, "summary", date, Tagging::Untagged)?;
    drop(document);
    // Nothing of a part is needed again: drop all of its cached layout now.
    Engine::clear_cache();
    Ok((pdf, next))
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

/// One row of the 汇总表, as printed: text the fonts cannot draw as `<U+XXXX>`.
#[derive(Serialize)]
struct TableRow<'a> {
    /// 序号.
    number: usize,
    /// The client, or the file when the record could not be read.
    client: Cow<'a, str>,
    project_number: Cow<'a, str>,
    audit_type: &'a str,
    score: String,
    level: Cow<'a, str>,
    /// 通过 / 不通过, empty when not scored.
    result: &'static str,
    status: &'static str,
    /// The first error, if any.
    note: Cow<'a, str>,
}

impl<'a> TableRow<'a> {
    fn new(row: &'a Row, number: usize, printable: &mut Printable) -> TableRow<'a> {
        TableRow {
            number,
            client: printable.text(if row.client.is_empty() { &row.file } else { &row.client }),
            project_number: printable.text(&row.project_number),
            audit_type: &row.audit_type,
            score: score_text(row.score),
            level: printable.text(&row.level),
            result: passed_label(row.passed),
            // The 汇总表 lists the reports: one kept from an earlier run is one like any other
            // (summary.csv and summary.json tell them apart).
            status: row
                .status
                .map(|s| if s.succeeded() { Status::Ok } else { s })
                .map(Status::label)
                .unwrap_or_default(),
            note: printable.text(&row.first_error),
        }
    }
}

/// A score as the report prints it; empty when not scored.
fn score_text(score: Option<f64>) -> String {
    score.map(crate::base::format::points).unwrap_or_default()
}

fn passed_label(passed: Option<bool>) -> &'static str {
    match passed {
        Some(true) => "通过",
        Some(false) => "不通过",
        None => "",
    }
}

/// The columns of summary.csv.
const CSV_HEADER: [&str; 13] = [
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

/// The summary as CSV, UTF-8 with a byte-order mark so that Excel reads the Chinese; lines
/// end in CRLF, as Excel writes them.
fn csv(summary: &Summary) -> Vec<u8> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    let mut line = |fields: [&str; 13]| {
        out.write_record(fields.map(defuse).iter().map(String::as_str)).expect("writing to memory");
    };
    line(CSV_HEADER);
    for row in &summary.rows {
        let moment = |m: Option<super::Moment>| m.map(super::Moment::chinese).unwrap_or_default();
        line([
            &row.file,
            &row.client,
            &row.project_number,
            &row.audit_type,
            &moment(row.audit_start),
            &moment(row.audit_end),
            &score_text(row.score),
            &row.level,
            passed_label(row.passed),
            &row.output,
            row.status.map(Status::label).unwrap_or_default(),
            &row.first_error,
            &row.error_line.map(|l| l.to_string()).unwrap_or_default(),
        ]);
    }
    out.into_inner().expect("writing to memory")
}

/// A field that a spreadsheet would run as a formula (one starting with `=`, `+`, `-`, `@`, a
/// tab or a carriage return) is prefixed with `'`, so that record text stays text.
fn defuse(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{field}") } else { field.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        let row = Row {
            file: "a,b.yaml".into(),
            client: "say \"hi\"".into(),
            project_number: "=SUM(A1)".into(),
            audit_type: "重庆\n第二行".into(),
            score: Some(94.5),
            ..Row::default()
        };
        let summary = Summary {
            title: String::new(),
            date: Date::default(),
            total: 1,
            succeeded: 1,
            unchanged: 0,
            failed: 0,
            rows: vec![row],
        };
        let text = String::from_utf8(csv(&summary)).unwrap();
        let mut lines = text.split("\r\n");
        assert!(lines.next().unwrap().starts_with("\u{feff}文件,受审查方,"));
        let line = lines.next().unwrap();
        assert!(
            line.starts_with("\"a,b.yaml\",\"say \"\"hi\"\"\",'=SUM(A1),\"重庆\n第二行\",,,94.5,"),
            "{line}"
        );
    }
}
