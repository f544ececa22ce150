//! Batch: a year of records → PDFs and a summary, on all cores, with one shared engine.
//!
//! - [`plan`] finds the records and names their PDFs; [`workers`] renders them in parallel
//!   and writes each PDF atomically; [`summary`] writes the summary files; [`manifest`]
//!   remembers what each report was made from, so that a re-run renders only what changed
//!   (`--force`: everything) and no report outlives its record.
//! - A batch prints nothing: it reports what it does as [`Event`]s to the caller's function
//!   (the command line draws a progress bar, a server sends them on), and returns the
//!   [`Summary`] or a typed [`Error`].
//! - The out-dir holds `reports/` (the PDFs), `summary.csv`, `summary.json`, `summary.pdf` and
//!   `.certreport/` (the manifest, the lock, the 汇总表's parts: [`own`]). While a batch writes
//!   it, the out-dir is locked: a second batch into it is refused. Temporary files a killed
//!   batch left in its own folders are removed by the next one.
//! - `--check-only` writes `check-summary.csv`, `check-summary.json` and `check-summary.pdf`
//!   instead (status 检查通过 / 记录有误, no output file): the summaries of the last real run
//!   stay as they were, and so do `reports/` and the manifest.
//! - No output replaces an input (compared as files) or an existing file of another kind
//!   ([`crate::base::output`]): the batch checks every output before it renders anything.
//! - A record that fails — invalid, unreadable, missing profile, a typesetting error, even a
//!   panic — is reported in the summary and never stops the others. A failed record leaves no
//!   report in `reports/`: an earlier one is moved to `.certreport/superseded/`.

mod manifest;
mod own;
mod parts;
mod plan;
mod summary;
mod workers;

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::base::date::{Date, DateHalf, HalfDay};
use crate::base::diagnostic::{Diagnostic, escape_controls, io_reason, shown};
use crate::base::output::{Inputs, Kind, OutputError, write_atomic};
use crate::report::{Engine, RenderError};
use crate::rules::pipeline::{self, Checked};
pub use manifest::Unusable;
use manifest::{Stamp, Tracker, moved_note};
use plan::Job;
use workers::Processed;

/// How to run a batch.
#[derive(Clone, Debug)]
pub struct Options {
    pub out_dir: PathBuf,
    /// Parallel jobs; `None` for all cores.
    pub jobs: Option<usize>,
    /// Validate and score only: no PDFs, and summaries of their own.
    pub check_only: bool,
    /// Render every record, even those whose report is up to date.
    pub force: bool,
    pub font_dirs: Vec<PathBuf>,
    /// The PDF standard of the reports (the 汇总表 stays a plain PDF).
    pub pdf_standard: crate::report::PdfStandard,
    /// The template folder every report is made with (`--template`), whatever the profiles
    /// name.
    pub template: Option<PathBuf>,
    /// Where each typesetting is registered, for the application's time and memory limits.
    pub watchdog: Option<std::sync::Arc<crate::report::watchdog::Watchdog>>,
}

/// What a batch reports as it runs: warnings at any time, [`Event::Planned`] once the records
/// are known, then one [`Event::Record`] per record as each is done (in the order they finish).
#[derive(Debug)]
pub enum Event {
    /// The records are found and named; `workers` threads start on them.
    Planned {
        records: usize,
        workers: usize,
    },
    /// One record is done: its summary row. `done` of `total` are done now.
    Record {
        done: usize,
        total: usize,
        row: Row,
    },
    /// A report left `reports/` for `.certreport/superseded/` without a row of its own saying
    /// so (its record is gone, or another record takes its name).
    Superseded(Moved),
    Warning(Warning),
}

/// Something the batch went on after.
#[derive(Debug)]
pub enum Warning {
    /// A `--font-path` font passed over.
    Font(String),
    /// A file or folder that a folder walk passed over.
    PassedOver(String),
    /// The manifest (or the journal) is ignored: every report is rendered again.
    Manifest { path: PathBuf, why: Unusable },
    /// The 汇总表's parts cannot be kept: it is typeset whole.
    Parts(String),
    /// `record`'s report would be `name`, which `holder` has: it gets `given`.
    SameName { record: PathBuf, holder: Option<PathBuf>, name: PathBuf, given: PathBuf },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Font(why) | Warning::PassedOver(why) => f.write_str(why),
            Warning::Manifest { path, why } => {
                write!(f, "忽略 {}：{why}，所有报告都将重新生成", shown(path))
            }
            Warning::Parts(why) => write!(f, "{why}；汇总表将整体重新排版"),
            Warning::SameName { record, holder, name, given } => {
                let holder = match holder {
                    Some(holder) => format!("已属于 {}", shown(holder)),
                    None => "是另一份记录的报告所在的文件夹".to_owned(),
                };
                write!(
                    f,
                    "{} 的报告本应为 {}，但此名{holder}：其报告为 {}",
                    shown(record),
                    shown(name),
                    shown(given)
                )
            }
        }
    }
}

/// A report moved out of `reports/`.
#[derive(Clone, Debug)]
pub struct Moved {
    pub report: PathBuf,
    pub to: PathBuf,
    pub reason: Reason,
}

/// Why a report was moved.
#[derive(Clone, Debug)]
pub enum Reason {
    /// The record file it was made from is gone (deleted or renamed).
    Deleted { record: PathBuf },
    /// It was made from another record file, and `by` now has its name.
    Taken { by: PathBuf },
}

impl fmt::Display for Moved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match &self.reason {
            Reason::Deleted { record } => format!("其记录 {} 已不存在", shown(record)),
            Reason::Taken { by } => format!("它由另一份记录生成，此名现归 {}", shown(by)),
        };
        write!(f, "报告 {} 已移至 {}：{why}", shown(&self.report), shown(&self.to))
    }
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
    /// Rendered.
    Ok,
    /// Checked only (`--check-only`): valid, nothing rendered.
    Valid,
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
            Status::Valid => "检查通过",
            Status::Unchanged => "未变",
            Status::Invalid => "记录有误",
            Status::Failed => "生成失败",
        }
    }

    /// Whether the record has its report (or, with `--check-only`, is valid).
    pub fn succeeded(self) -> bool {
        matches!(self, Status::Ok | Status::Valid | Status::Unchanged)
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
    /// The certification body's name, from the record's profile.
    pub certification_body: String,
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
    /// The certification bodies of the records (their profiles' names), each once.
    pub certification_bodies: Vec<String>,
    pub total: usize,
    /// Records with their report (rendered now or unchanged), or valid with `--check-only`.
    pub succeeded: usize,
    /// Of those, the reports that were up to date and not rendered again.
    pub unchanged: usize,
    pub failed: usize,
    pub rows: Vec<Row>,
    /// A `--check-only` run's summary (written to its own files).
    #[serde(skip)]
    pub check_only: bool,
}

impl Summary {
    pub fn all_succeeded(&self) -> bool {
        self.failed == 0
    }

    /// The summary files, each with its kind: csv, json, pdf.
    pub fn files(&self) -> [(&'static str, Kind); 3] {
        if self.check_only { CHECK_FILES } else { SUMMARY_FILES }
    }

    /// The name of the CSV summary in the out-dir.
    pub fn csv_name(&self) -> &'static str {
        self.files()[0].0
    }
}

/// The summary files, each with its kind.
const SUMMARY_FILES: [(&str, Kind); 3] =
    [("summary.csv", Kind::SummaryCsv), ("summary.json", Kind::Json), ("summary.pdf", Kind::Pdf)];

/// The summary files of `--check-only`: the last real summaries stay.
const CHECK_FILES: [(&str, Kind); 3] = [
    ("check-summary.csv", Kind::SummaryCsv),
    ("check-summary.json", Kind::Json),
    ("check-summary.pdf", Kind::Pdf),
];

/// Runs a batch, telling `events` what it does (from any of its threads). `Err` only for usage
/// errors (no inputs, unusable out-dir or fonts, a locked out-dir, an output in the way).
pub fn run(inputs: &[PathBuf], options: &Options, events: &(dyn Fn(Event) + Sync)) -> Result<Summary, Error> {
    let out_dir = &options.out_dir;
    let warn = |warning| events(Event::Warning(warning));
    let found = plan::find(inputs, &warn)?;
    if found.is_empty() {
        return Err(Error::NoRecords);
    }
    let _lock = own::lock(out_dir)?;
    let mut engine = Engine::new(&options.font_dirs)?.with_pdf_standard(options.pdf_standard);
    if let Some(dir) = &options.template {
        engine = engine.with_template(dir).map_err(|e| e.to_string())?;
    }
    if let Some(watchdog) = &options.watchdog {
        engine = engine.with_watchdog(watchdog.clone());
    }
    for warning in engine.warnings() {
        warn(Warning::Font(warning.clone()));
    }
    let mut tracker =
        Tracker::open(out_dir, engine.fingerprint(), !options.force, !options.check_only, &warn);
    let jobs = plan::name(found, out_dir, &tracker.names(), &warn);
    let records = Inputs::new(jobs.iter().map(|job| job.input.as_path()));
    for job in &jobs {
        records.guard(&job.output, &[], Kind::Pdf)?;
    }
    let files = if options.check_only { CHECK_FILES } else { SUMMARY_FILES };
    for (name, kind) in files {
        records.guard(&out_dir.join(name), &[], kind)?;
    }
    if !options.check_only {
        for moved in tracker.retire_deleted(&jobs) {
            events(Event::Superseded(moved));
        }
    }
    let workers = options
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, jobs.len());
    events(Event::Planned { records: jobs.len(), workers });
    let prepare = |worker, workers| {
        if !options.check_only {
            engine.prepare(worker, workers);
        }
    };
    let done = Mutex::new(0);
    let rows = workers::run(
        &jobs,
        workers,
        prepare,
        |job| {
            catch_unwind(AssertUnwindSafe(|| process(job, &engine, &tracker, options.check_only)))
                .unwrap_or_else(|_| Processed::Finished(crashed(job)))
        },
        |job, rendered| {
            catch_unwind(AssertUnwindSafe(|| write(job, rendered, &records, &tracker, events)))
                .unwrap_or_else(|_| crashed(job))
        },
        |row| {
            let mut done = done.lock().expect("progress lock");
            *done += 1;
            events(Event::Record { done: *done, total: jobs.len(), row: row.clone() });
        },
    )?;
    if !options.check_only {
        tracker.save(&jobs, &records)?;
    }

    let failed = rows.iter().filter(|r| !r.status.is_some_and(Status::succeeded)).count();
    let unchanged = rows.iter().filter(|r| r.status == Some(Status::Unchanged)).count();
    let mut certification_bodies: Vec<String> = Vec::new();
    for row in &rows {
        if !row.certification_body.is_empty() && !certification_bodies.contains(&row.certification_body) {
            certification_bodies.push(row.certification_body.clone());
        }
    }
    let title = if options.check_only {
        "服务认证审查记录批量检查汇总表"
    } else {
        "服务认证审查报告批量生成汇总表"
    };
    let summary = Summary {
        title: title.into(),
        date: Date::today(),
        certification_bodies,
        total: rows.len(),
        succeeded: rows.len() - failed,
        unchanged,
        failed,
        rows,
        check_only: options.check_only,
    };
    summary::write(&summary, &engine, out_dir, &records, &warn)?;
    Ok(summary)
}

/// A rendered record on its way to the writer.
pub struct Rendered {
    row: Row,
    pdf: Vec<u8>,
    stamp: Stamp,
}

/// Checks and scores one record, and renders it unless its report is up to date.
fn process(job: &Job, engine: &Engine, tracker: &Tracker, check_only: bool) -> Processed<Rendered> {
    let mut row = Row { file: shown(&job.input), ..Row::default() };
    // With `--check-only` nothing in reports/ is touched.
    let retire = |stamp: Option<&Stamp>| if check_only { None } else { tracker.retire(job, stamp) };
    let checked = match pipeline::check_file_with_fonts(&job.input, engine.book()) {
        Ok(checked) => checked,
        Err(error) => {
            readable_names(&job.input, &mut row);
            fail(&mut row, Status::Invalid, error.diagnostics(), retire(None));
            return Processed::Finished(row);
        }
    };
    describe(&mut row, &checked);
    if checked.has_errors() {
        // No score, level or result for a record with errors: the summary never says 通过 of
        // a report that was not made.
        fail(&mut row, Status::Invalid, &checked.diagnostics, retire(None));
        return Processed::Finished(row);
    }
    let scheme = &checked.loaded.scheme;
    row.score = checked.sheet.total.map(|total| crate::base::format::hundredths(total) as f64 / 100.0);
    row.level = checked.sheet.level().map(|l| scheme.levels[l].name.clone()).unwrap_or_default();
    row.passed = checked.sheet.outcome.as_ref().map(|_| checked.sheet.passed());
    if check_only {
        row.status = Some(Status::Valid);
        return Processed::Finished(row);
    }
    let stamp = tracker.stamp(job, &checked);
    if tracker.unchanged(job, &stamp) {
        row.output = shown(&job.output);
        row.status = Some(Status::Unchanged);
        return Processed::Finished(row);
    }
    let rendered = engine
        .template_for(&checked.loaded)
        .map_err(RenderError::from)
        .and_then(|t| engine.render(&t, &checked.view()));
    match rendered {
        Ok(rendered) => Processed::Rendered(Rendered { row, pdf: rendered.pdf, stamp }),
        Err(why) => {
            row.status = Some(Status::Failed);
            row.first_error = format!("{}: {why}", shown(&job.input));
            note_moved(&mut row, retire(Some(&stamp)));
            Processed::Finished(row)
        }
    }
}

/// The row's facts from a record that was read and typed.
fn describe(row: &mut Row, checked: &Checked) {
    let record = &checked.loaded.record;
    row.client = escape_controls(&record.client.name).into_owned();
    row.project_number = escape_controls(&record.project_number).into_owned();
    row.audit_type = record.audit_type.label().into();
    row.audit_start = Some(record.audit.start.into());
    row.audit_end = Some(record.audit.end.into());
    row.certification_body = escape_controls(&checked.loaded.profile.name).into_owned();
}

/// The client and the project number of a record that could not be loaded, as far as they
/// can be read: the summary still says whose record it is.
fn readable_names(file: &Path, row: &mut Row) {
    let names = crate::load::readable_names(file);
    row.client = escape_controls(&names.client).into_owned();
    row.project_number = escape_controls(&names.project_number).into_owned();
}

/// Writes a rendered record's PDF (never over one of the batch's inputs or over a file that
/// is not a PDF) and records it in the manifest: the row's final state.
fn write(
    job: &Job,
    rendered: Rendered,
    records: &Inputs,
    tracker: &Tracker,
    events: &(dyn Fn(Event) + Sync),
) -> Row {
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
            if let Some(moved) = tracker.make_room(job) {
                events(Event::Superseded(moved));
            }
            write_atomic(&job.output, &pdf)
                .map_err(|e| format!("无法写入 {}：{}", shown(&job.output), io_reason(&e)))
        });
    match written {
        Ok(()) => {
            row.output = shown(&job.output);
            row.status = Some(Status::Ok);
            tracker.written(job, stamp, &pdf);
        }
        Err(why) => {
            row.status = Some(Status::Failed);
            row.first_error = format!("{}: {why}", shown(&job.input));
            note_moved(&mut row, tracker.retire(job, Some(&stamp)));
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
fn fail(
    row: &mut Row,
    status: Status,
    diagnostics: &[Diagnostic],
    superseded: Option<Result<PathBuf, String>>,
) {
    row.status = Some(status);
    if let Some(first) = diagnostics.iter().find(|d| d.is_error()) {
        row.first_error = first.one_line();
        row.error_line = (first.line > 0).then_some(first.line);
    }
    note_moved(row, superseded);
}

/// Says in the row where its record's earlier report went.
fn note_moved(row: &mut Row, superseded: Option<Result<PathBuf, String>>) {
    if let Some(moved) = superseded {
        row.first_error.push_str(&moved_note(&moved));
    }
}
