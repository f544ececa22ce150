//! Batch: a year of records → PDFs and a summary, on all cores, with one shared engine.
//!
//! - [`plan`] finds the records and names their PDFs; [`workers`] renders them in parallel
//!   and writes each PDF atomically; [`summary`] writes the summary files; [`progress`]
//!   reports on stderr; [`manifest`] remembers what each report was made from, so that a
//!   re-run renders only what changed (`--force`: everything).
//! - The out-dir holds `reports/` (the PDFs), `summary.csv`, `summary.json`, `summary.pdf` and
//!   `.certreport/` (the manifest, the lock, the 汇总表's parts: [`own`]). While a batch writes it, the out-dir is locked:
//!   a second batch into it is refused. Temporary files a killed batch left are removed by the
//!   next one.
//! - No output replaces an input (compared as files) or an existing file of another kind
//!   ([`crate::base::output`]): the batch checks every output before it renders anything.
//! - A record that fails — invalid, unreadable, missing profile, a typesetting error, even a
//!   panic — is reported in the summary and never stops the others. A failed record leaves no
//!   file and keeps any earlier PDF of the same name.

mod manifest;
mod own;
mod parts;
mod plan;
mod progress;
mod summary;
mod workers;

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::base::date::{Date, DateHalf, HalfDay};
use crate::base::diagnostic::{Diagnostic, escape_controls, io_reason, shown};
use crate::base::output::{Inputs, Kind, OutputError, write_atomic};
use crate::errln;
use crate::report::Engine;
use crate::rules::pipeline;
use manifest::{Stamp, Tracker};
use plan::Job;
use progress::Progress;
use workers::Processed;

/// How to run a batch.
#[derive(Clone, Debug)]
pub struct Options {
    pub out_dir: PathBuf,
    /// Parallel jobs; `None` for all cores.
    pub jobs: Option<usize>,
    /// Validate and score only: no PDFs.
    pub check_only: bool,
    /// Render every record, even those whose report is up to date.
    pub force: bool,
    pub font_dirs: Vec<PathBuf>,
    /// Draw a progress bar (on a terminal) instead of a line per record.
    pub progress: bool,
    /// The PDF standard of the reports (the 汇总表 stays a plain PDF).
    pub pdf_standard: crate::report::PdfStandard,
}

/// Why a batch did not run.
#[derive(Debug)]
pub enum Error {
    /// No record among the inputs.
    NoRecords,
    /// Another batch is writing the out-dir.
    Locked { out_dir: PathBuf },
    /// An output would replace an input or a file of another kind.
    Output(OutputError),
    /// Bad inputs, an unusable out-dir or font folder.
    Usage(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoRecords => f.write_str("没有找到任何审查记录（.yaml / .yml）"),
            Error::Locked { out_dir } => write!(
                f,
                "输出目录 {} 正由另一个 certreport batch 写入：请等它结束后再运行，或换一个输出目录",
                shown(out_dir)
            ),
            Error::Output(error) => f.write_str(&output_message(error)),
            Error::Usage(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Error {}

/// Why an output was not written, worded for a batch (which has no `-o`).
fn output_message(error: &OutputError) -> String {
    match error {
        OutputError::IsInput { .. } => {
            format!("{}：请给这份记录改名，或用 --out-dir 换一个输出目录", error.is_input_message())
        }
        other => other.to_string(),
    }
}

impl From<OutputError> for Error {
    fn from(error: OutputError) -> Error {
        Error::Output(error)
    }
}

impl From<String> for Error {
    fn from(why: String) -> Error {
        Error::Usage(why)
    }
}

/// What became of one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Rendered (or, with `--check-only`, valid).
    Ok,
    /// Its report was up to date: kept as it is, not rendered again.
    Unchanged,
    /// The record has errors: nothing rendered.
    Invalid,
    /// Typesetting or writing failed.
    Failed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "成功",
            Status::Unchanged => "未变",
            Status::Invalid => "记录有误",
            Status::Failed => "生成失败",
        }
    }

    /// Whether the record has its report (or, with `--check-only`, is valid).
    pub fn succeeded(self) -> bool {
        matches!(self, Status::Ok | Status::Unchanged)
    }
}

/// A half day of the audit, as summary.json gives it: `{"date": "2025-12-03", "half_day": "am"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moment {
    pub date: Date,
    pub half_day: Half,
}

/// Morning or afternoon, in summary.json.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Half {
    Am,
    Pm,
}

impl From<DateHalf> for Moment {
    fn from(moment: DateHalf) -> Moment {
        let half_day = match moment.half {
            HalfDay::Morning => Half::Am,
            HalfDay::Afternoon => Half::Pm,
        };
        Moment { date: moment.date, half_day }
    }
}

impl Moment {
    /// `2025 年 12 月 03 日上午`, as the CSV and the 汇总表 print it.
    pub fn chinese(self) -> String {
        let half = match self.half_day {
            Half::Am => HalfDay::Morning,
            Half::Pm => HalfDay::Afternoon,
        };
        crate::base::format::date_half(DateHalf { date: self.date, half })
    }
}

/// One row of the summary: one input file. In summary.json the score is a number, `passed` a
/// boolean, the dates `YYYY-MM-DD`; what a record that could not be scored lacks is `null`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Row {
    pub file: String,
    pub client: String,
    pub project_number: String,
    pub audit_type: String,
    pub audit_start: Option<Moment>,
    pub audit_end: Option<Moment>,
    /// The score as the report prints it (cut to hundredths; a whole number as an integer).
    #[serde(serialize_with = "score_number")]
    pub score: Option<f64>,
    pub level: String,
    pub passed: Option<bool>,
    pub output: String,
    pub status: Option<Status>,
    /// The first error, with its file, line and column.
    pub first_error: String,
    pub error_line: Option<usize>,
}

/// A score as a JSON number: `95`, `94.5`.
fn score_number<S: serde::Serializer>(score: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match score {
        Some(score) if score.fract() == 0.0 && score.abs() < 1e15 => s.serialize_i64(*score as i64),
        Some(score) => s.serialize_f64(*score),
        None => s.serialize_none(),
    }
}

/// The summary of a batch.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub title: String,
    /// The day the batch ran (`YYYY-MM-DD` in summary.json).
    pub date: Date,
    pub total: usize,
    /// Records with their report (rendered now or unchanged).
    pub succeeded: usize,
    /// Of those, the reports that were up to date and not rendered again.
    pub unchanged: usize,
    pub failed: usize,
    pub rows: Vec<Row>,
}

impl Summary {
    pub fn all_succeeded(&self) -> bool {
        self.failed == 0
    }
}

/// The summary files, each with its kind.
const SUMMARY_FILES: [(&str, Kind); 3] =
    [("summary.csv", Kind::SummaryCsv), ("summary.json", Kind::Json), ("summary.pdf", Kind::Pdf)];

/// Runs a batch. `Err` only for usage errors (no inputs, unusable out-dir or fonts, a locked
/// out-dir, an output in the way).
pub fn run(inputs: &[PathBuf], options: &Options) -> Result<Summary, Error> {
    let out_dir = &options.out_dir;
    let jobs = plan::plan(inputs, out_dir)?;
    if jobs.is_empty() {
        return Err(Error::NoRecords);
    }
    let records = Inputs::new(jobs.iter().map(|job| job.input.as_path()));
    for job in &jobs {
        records.guard(&job.output, &[], Kind::Pdf)?;
    }
    for (name, kind) in SUMMARY_FILES {
        records.guard(&out_dir.join(name), &[], kind)?;
    }
    let _lock = own::lock(out_dir)?;
    let engine = Engine::new(&options.font_dirs)?.with_pdf_standard(options.pdf_standard);
    for warning in engine.warnings() {
        errln!("警告：{warning}");
    }
    let tracker = Tracker::new(
        out_dir,
        engine.fingerprint(),
        !(options.force || options.check_only),
        !options.check_only,
    );
    let workers = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, jobs.len());
    let progress = Progress::new(jobs.len(), options.progress);
    let prepare = |worker, workers| {
        if !options.check_only {
            engine.prepare(worker, workers);
        }
    };
    let rows = workers::run(
        &jobs,
        workers,
        prepare,
        |job| {
            catch_unwind(AssertUnwindSafe(|| process(job, &engine, &tracker, options.check_only)))
                .unwrap_or_else(|_| Processed::Finished(crashed(job)))
        },
        |job, rendered| {
            catch_unwind(AssertUnwindSafe(|| write(job, rendered, &records, &tracker)))
                .unwrap_or_else(|_| crashed(job))
        },
        |row| progress.record(row),
    )?;
    progress.finish();
    if !options.check_only {
        tracker.save(out_dir, &jobs, &records)?;
    }

    let failed = rows.iter().filter(|r| !r.status.is_some_and(Status::succeeded)).count();
    let unchanged = rows.iter().filter(|r| r.status == Some(Status::Unchanged)).count();
    let summary = Summary {
        title: "服务认证审查报告批量生成汇总表".into(),
        date: Date::today(),
        total: rows.len(),
        succeeded: rows.len() - failed,
        unchanged,
        failed,
        rows,
    };
    summary::write(&summary, &engine, out_dir, &records)?;
    errln!(
        "共 {} 份记录：成功 {}（其中 {} 份未变，沿用已有报告），失败 {}。汇总：{}",
        summary.total,
        summary.succeeded,
        summary.unchanged,
        summary.failed,
        shown(&out_dir.join("summary.csv"))
    );
    Ok(summary)
}

/// A rendered record on its way to the writer.
pub struct Rendered {
    row: Row,
    pdf: Vec<u8>,
    stamp: Stamp,
}

/// Checks, scores and renders one record (unless its report is up to date).
fn process(job: &Job, engine: &Engine, tracker: &Tracker, check_only: bool) -> Processed<Rendered> {
    if let Some(row) = tracker.unchanged(job) {
        return Processed::Finished(row);
    }
    let mut row = Row { file: shown(&job.input), ..Row::default() };
    let checked = match pipeline::check_file_with_fonts(&job.input, engine.book()) {
        Ok(checked) => checked,
        Err(error) => {
            fail(&mut row, Status::Invalid, error.diagnostics(), tracker.supersede(job));
            return Processed::Finished(row);
        }
    };
    let record = &checked.loaded.record;
    let scheme = &checked.loaded.scheme;
    row.client = escape_controls(&record.client.name).into_owned();
    row.project_number = escape_controls(&record.project_number).into_owned();
    row.audit_type = record.audit_type.label().into();
    row.audit_start = Some(record.audit.start.into());
    row.audit_end = Some(record.audit.end.into());
    if checked.has_errors() {
        // No score, level or result for a record with errors: the summary never says 通过 of
        // a report that was not made.
        fail(&mut row, Status::Invalid, &checked.diagnostics, tracker.supersede(job));
        return Processed::Finished(row);
    }
    row.score = checked.sheet.total.map(|total| crate::base::format::hundredths(total) as f64 / 100.0);
    row.level = checked.sheet.level().map(|l| scheme.levels[l].name.clone()).unwrap_or_default();
    row.passed = checked.sheet.outcome.as_ref().map(|_| checked.sheet.passed());
    if check_only {
        row.status = Some(Status::Ok);
        return Processed::Finished(row);
    }
    let stamp = tracker.stamp(&checked);
    match engine.render(&checked.view()) {
        Ok(pdf) => Processed::Rendered(Rendered { row, pdf, stamp }),
        Err(why) => {
            row.status = Some(Status::Failed);
            row.first_error = format!("{}: {why}", shown(&job.input));
            Processed::Finished(row)
        }
    }
}

/// Writes a rendered record's PDF (never over one of the batch's inputs or over a file that
/// is not a PDF) and records it in the manifest: the row's final state.
fn write(job: &Job, rendered: Rendered, records: &Inputs, tracker: &Tracker) -> Row {
    let Rendered { mut row, pdf, stamp } = rendered;
    let references: Vec<&Path> = stamp.references().collect();
    let written = records
        .guard(&job.output, &references, Kind::Pdf)
        .map_err(|e| output_message(&e))
        .and_then(|()| match job.output.parent() {
            Some(dir) => std::fs::create_dir_all(dir)
                .map_err(|e| format!("无法创建目录 {}：{}", shown(dir), io_reason(&e))),
            None => Ok(()),
        })
        .and_then(|()| {
            write_atomic(&job.output, &pdf)
                .map_err(|e| format!("无法写入 {}：{}", shown(&job.output), io_reason(&e)))
        });
    match written {
        Ok(()) => {
            row.output = shown(&job.output);
            row.status = Some(Status::Ok);
            tracker.written(job, stamp, &pdf, &row);
        }
        Err(why) => {
            row.status = Some(Status::Failed);
            row.first_error = format!("{}: {why}", shown(&job.input));
        }
    }
    row
}

/// The row of a record whose processing panicked.
fn crashed(job: &Job) -> Row {
    Row {
        file: shown(&job.input),
        status: Some(Status::Failed),
        first_error: format!("{}: 内部错误（程序崩溃），请报告此问题", shown(&job.input)),
        ..Row::default()
    }
}

/// Marks a row failed with its first error; `superseded`: where an earlier run's report of the
/// record was moved, said in the row.
fn fail(row: &mut Row, status: Status, diagnostics: &[Diagnostic], superseded: Option<PathBuf>) {
    row.status = Some(status);
    if let Some(first) = diagnostics.iter().find(|d| d.is_error()) {
        row.first_error = first.one_line();
        row.error_line = (first.line > 0).then_some(first.line);
    }
    if let Some(moved) = superseded {
        row.first_error.push_str(&format!("（此前生成的报告已不符合记录，移至 {}）", shown(&moved)));
    }
}
