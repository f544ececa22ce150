//! Batch: a year of records → PDFs and a summary, on all cores, with one shared engine.
//!
//! - [`plan`] finds the records and names their PDFs; [`workers`] renders them in parallel
//!   and writes each PDF atomically; [`summary`] writes the summary files; [`progress`]
//!   reports on stderr.
//! - A record that fails — invalid, unreadable, missing profile, a typesetting error, even a
//!   panic — is reported in the summary and never stops the others. A failed record leaves no
//!   file and keeps any earlier PDF of the same name.

mod plan;
mod progress;
mod summary;
mod workers;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use serde::Serialize;

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::output::write_atomic;
use crate::pipeline;
use crate::render::Engine;
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
    pub font_dirs: Vec<PathBuf>,
    /// Draw a progress bar (on a terminal) instead of a line per record.
    pub progress: bool,
}

/// What became of one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Rendered (or, with `--check-only`, valid).
    Ok,
    /// The record has errors: nothing rendered.
    Invalid,
    /// Typesetting or writing failed.
    Failed,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "成功",
            Status::Invalid => "记录有误",
            Status::Failed => "生成失败",
        }
    }
}

/// One row of the summary: one input file.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Row {
    pub file: String,
    pub client: String,
    pub project_number: String,
    pub audit_type: String,
    pub audit_start: String,
    pub audit_end: String,
    pub score: String,
    pub level: String,
    pub passed: Option<bool>,
    pub output: String,
    pub status: Option<Status>,
    /// The first error, with its file, line and column.
    pub first_error: String,
    pub error_line: Option<usize>,
}

/// The summary of a batch.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub title: String,
    /// The day the batch ran (`YYYY-MM-DD` in summary.json).
    pub date: Date,
    pub total: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub rows: Vec<Row>,
}

impl Summary {
    pub fn all_succeeded(&self) -> bool {
        self.failed == 0
    }
}

/// Runs a batch. `Err` only for usage errors (no inputs, unusable out-dir or fonts).
pub fn run(inputs: &[PathBuf], options: &Options) -> Result<Summary, String> {
    let jobs = plan::plan(inputs, &options.out_dir)?;
    if jobs.is_empty() {
        return Err("没有找到任何审查记录（.yaml / .yml）".into());
    }
    std::fs::create_dir_all(&options.out_dir)
        .map_err(|e| format!("无法创建输出目录 {}：{e}", options.out_dir.display()))?;
    let engine = Engine::new(&options.font_dirs)?;
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
            catch_unwind(AssertUnwindSafe(|| process(job, &engine, options.check_only)))
                .unwrap_or_else(|_| Processed::Finished(crashed(job)))
        },
        |job, row, pdf| {
            catch_unwind(AssertUnwindSafe(|| write(job, row, &pdf))).unwrap_or_else(|_| crashed(job))
        },
        |row| progress.record(row),
    )?;
    progress.finish();

    let failed = rows.iter().filter(|r| r.status != Some(Status::Ok)).count();
    let summary = Summary {
        title: "服务认证审查报告批量生成汇总表".into(),
        date: Date::today(),
        total: rows.len(),
        succeeded: rows.len() - failed,
        failed,
        rows,
    };
    summary::write(&summary, &engine, &options.out_dir)?;
    eprintln!(
        "共 {} 份记录：成功 {}，失败 {}。汇总：{}",
        summary.total,
        summary.succeeded,
        summary.failed,
        options.out_dir.join("summary.csv").display()
    );
    Ok(summary)
}

/// Checks, scores and renders one record.
fn process(job: &Job, engine: &Engine, check_only: bool) -> Processed {
    let mut row = Row { file: job.input.display().to_string(), ..Row::default() };
    let checked = match pipeline::check_file(&job.input) {
        Ok(checked) => checked,
        Err(diagnostics) => {
            fail(&mut row, Status::Invalid, &diagnostics);
            return Processed::Finished(row);
        }
    };
    let record = &checked.loaded.record;
    let scheme = &checked.loaded.scheme;
    row.client = record.client.name.clone();
    row.project_number = record.project_number.clone();
    row.audit_type = record.audit_type.label().into();
    row.audit_start = crate::format::date_half(record.audit.start);
    row.audit_end = crate::format::date_half(record.audit.end);
    row.score = checked.sheet.total.map(crate::format::points).unwrap_or_default();
    row.level = checked.sheet.level().map(|l| scheme.levels[l].name.clone()).unwrap_or_default();
    row.passed = checked.sheet.outcome.as_ref().map(|_| checked.sheet.passed());
    if checked.has_errors() {
        fail(&mut row, Status::Invalid, &checked.diagnostics);
        return Processed::Finished(row);
    }
    if check_only {
        row.status = Some(Status::Ok);
        return Processed::Finished(row);
    }
    match engine.render(&checked.view()) {
        Ok(pdf) => Processed::Rendered(row, pdf),
        Err(why) => {
            row.status = Some(Status::Failed);
            row.first_error = format!("{}: {why}", job.input.display());
            Processed::Finished(row)
        }
    }
}

/// Writes a rendered record's PDF: the row's final state.
fn write(job: &Job, mut row: Row, pdf: &[u8]) -> Row {
    let written = match job.output.parent() {
        Some(dir) => std::fs::create_dir_all(dir).map_err(|e| format!("无法创建目录 {}：{e}", dir.display())),
        None => Ok(()),
    }
    .and_then(|()| {
        write_atomic(&job.output, pdf).map_err(|e| format!("无法写入 {}：{e}", job.output.display()))
    });
    match written {
        Ok(()) => {
            row.output = job.output.display().to_string();
            row.status = Some(Status::Ok);
        }
        Err(why) => {
            row.status = Some(Status::Failed);
            row.first_error = format!("{}: {why}", job.input.display());
        }
    }
    row
}

/// The row of a record whose processing panicked.
fn crashed(job: &Job) -> Row {
    Row {
        file: job.input.display().to_string(),
        status: Some(Status::Failed),
        first_error: format!("{}: 内部错误（程序崩溃），请报告此问题", job.input.display()),
        ..Row::default()
    }
}

fn fail(row: &mut Row, status: Status, diagnostics: &[Diagnostic]) {
    row.status = Some(status);
    if let Some(first) = diagnostics.iter().find(|d| d.is_error()) {
        row.first_error = first.one_line();
        row.error_line = (first.line > 0).then_some(first.line);
    }
}
