//! Batch: a year of records → PDFs and a summary, on all cores, with one shared engine.
//!
//! - Inputs are record files or folders searched recursively for `.yaml`/`.yml` files. Files
//!   that are plainly a CB profile (a top-level `post_code`) or a scoring scheme (top-level
//!   `groups` and `levels`) without an `audit_type` are skipped; every other file is treated
//!   as a record, so that a broken record is reported rather than passed over.
//! - Output names mirror the input's path relative to the folder it was found in (a file given
//!   directly: its name), with `.pdf`: deterministic, readable, and unique within a folder.
//!   Should two inputs from different folders map to one name, the later (in sorted order)
//!   gets `-2`, `-3`, … appended.
//! - A record that fails — invalid, unreadable, missing profile, a typesetting error, even a
//!   panic — is reported in the summary and never stops the others. Each PDF is written
//!   atomically; a failed record leaves no file and keeps any earlier PDF of the same name.
//! - The out-dir receives `summary.csv` (UTF-8 with BOM, for Excel), `summary.json` and
//!   `summary.pdf` (汇总表).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::load::spans::SpanIndex;
use crate::output::write_atomic;
use crate::pipeline;
use crate::render::{Engine, Template};

/// Typst's PDF export is deeply recursive: worker threads get a large stack.
const WORKER_STACK: usize = 64 * 1024 * 1024;

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
    /// The day the batch ran, `YYYY-MM-DD`.
    pub date: String,
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

/// An input record and where its PDF goes.
#[derive(Clone, Debug)]
struct Job {
    input: PathBuf,
    output: PathBuf,
}

/// Runs a batch. `Err` only for usage errors (no inputs, unusable out-dir or fonts).
pub fn run(inputs: &[PathBuf], options: &Options) -> Result<Summary, String> {
    let jobs = plan(inputs, &options.out_dir)?;
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
    let rows = run_jobs(&jobs, workers, |job| {
        let row = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            process(job, &engine, options.check_only)
        }))
        .unwrap_or_else(|_| Row {
            file: job.input.display().to_string(),
            status: Some(Status::Failed),
            first_error: format!("{}: 内部错误（程序崩溃），请报告此问题", job.input.display()),
            ..Row::default()
        });
        progress.record(&row);
        row
    })?;
    progress.finish();

    let failed = rows.iter().filter(|r| r.status != Some(Status::Ok)).count();
    let summary = Summary {
        title: "服务认证审查报告批量生成汇总表".into(),
        date: today().to_string(),
        total: rows.len(),
        succeeded: rows.len() - failed,
        failed,
        rows,
    };
    write_summary(&summary, &engine, &options.out_dir)?;
    eprintln!(
        "共 {} 份记录：成功 {}，失败 {}。汇总：{}",
        summary.total,
        summary.succeeded,
        summary.failed,
        options.out_dir.join("summary.csv").display()
    );
    Ok(summary)
}

/// Runs `work` on every job with `workers` threads that take the jobs in order, one at a time;
/// the results come back in the jobs' order.
fn run_jobs<T: Send>(
    jobs: &[Job],
    workers: usize,
    work: impl Fn(&Job) -> T + Sync,
) -> Result<Vec<T>, String> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new(jobs.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let worker = std::thread::Builder::new().stack_size(WORKER_STACK).spawn_scoped(scope, || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let result = work(job);
                    results.lock().expect("results lock")[i] = Some(result);
                }
            });
            worker.map_err(|e| format!("无法启动工作线程：{e}"))?;
        }
        Ok::<_, String>(())
    })?;
    let results = results.into_inner().expect("results lock");
    Ok(results.into_iter().map(|r| r.expect("every job ran")).collect())
}

/// Finds the records and names their outputs.
fn plan(inputs: &[PathBuf], out_dir: &Path) -> Result<Vec<Job>, String> {
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new(); // (input, relative name)
    for input in inputs {
        if input.is_dir() {
            for file in crate::files::find(input, &["yaml", "yml"]).into_iter().filter(|f| is_record(f)) {
                let relative = file.strip_prefix(input).unwrap_or(&file).to_owned();
                found.push((file, relative));
            }
        } else if input.is_file() {
            let name = input.file_name().map(PathBuf::from).unwrap_or_default();
            found.push((input.clone(), name));
        } else {
            return Err(format!("找不到输入：{}", input.display()));
        }
    }
    let mut taken = HashSet::new();
    let mut seen_inputs = HashSet::new();
    let mut jobs = Vec::new();
    for (input, relative) in found {
        if !seen_inputs.insert(input.clone()) {
            continue;
        }
        let base = out_dir.join(relative.with_extension(""));
        let mut output = base.with_extension("pdf");
        let mut n = 2;
        while !taken.insert(output.clone()) {
            output = PathBuf::from(format!("{}-{n}.pdf", base.display()));
            n += 1;
        }
        jobs.push(Job { input, output });
    }
    Ok(jobs)
}

/// Everything but a plain profile or scheme file counts as a record.
fn is_record(file: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(file) else { return true };
    let index = SpanIndex::build(&text);
    if index.contains("audit_type") {
        return true;
    }
    let profile = index.contains("post_code");
    let scheme = index.contains("groups") && index.contains("levels");
    !(profile || scheme)
}

/// Checks, scores and renders one record into its summary row.
fn process(job: &Job, engine: &Engine, check_only: bool) -> Row {
    let mut row = Row { file: job.input.display().to_string(), ..Row::default() };
    let checked = match pipeline::check_file(&job.input) {
        Ok(checked) => checked,
        Err(diagnostics) => {
            fail(&mut row, Status::Invalid, &diagnostics);
            return row;
        }
    };
    let record = &checked.loaded.record;
    let scheme = &checked.loaded.scheme;
    row.client = record.client.name.clone();
    row.project_number = record.project_number.clone();
    row.audit_type = record.audit_type.label().into();
    row.audit_start = record.audit.start.chinese();
    row.audit_end = record.audit.end.chinese();
    row.score = checked.sheet.total.map(crate::scheme::number).unwrap_or_default();
    row.level = checked.sheet.level().map(|l| scheme.levels[l].name.clone()).unwrap_or_default();
    row.passed = checked.sheet.outcome.map(|_| checked.sheet.passed());
    if checked.has_errors() {
        fail(&mut row, Status::Invalid, &checked.diagnostics);
        return row;
    }
    if check_only {
        row.status = Some(Status::Ok);
        return row;
    }
    let written = engine.render(&checked.view()).and_then(|pdf| {
        if let Some(dir) = job.output.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("无法创建目录 {}：{e}", dir.display()))?;
        }
        write_atomic(&job.output, &pdf).map_err(|e| format!("无法写入 {}：{e}", job.output.display()))
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

fn fail(row: &mut Row, status: Status, diagnostics: &[Diagnostic]) {
    row.status = Some(status);
    if let Some(first) = diagnostics.iter().find(|d| d.is_error()) {
        row.first_error = first.one_line();
        row.error_line = (first.line > 0).then_some(first.line);
    }
}

/// Writes summary.csv, summary.json and summary.pdf.
fn write_summary(summary: &Summary, engine: &Engine, out_dir: &Path) -> Result<(), String> {
    let write = |name: &str, bytes: &[u8]| {
        let path = out_dir.join(name);
        write_atomic(&path, bytes).map_err(|e| format!("无法写入 {}：{e}", path.display()))
    };
    write("summary.csv", &csv(summary))?;
    let json = serde_json::to_vec_pretty(summary).expect("the summary serializes");
    write("summary.json", &json)?;
    let date = today();
    let mut parts = Vec::new();
    let mut first_page = 1;
    for (i, rows) in summary.rows.chunks(SUMMARY_PART_ROWS).enumerate() {
        let part = SummaryPart {
            title: &summary.title,
            date: &summary.date,
            total: summary.total,
            succeeded: summary.succeeded,
            failed: summary.failed,
            first: i == 0,
            first_number: i * SUMMARY_PART_ROWS + 1,
            first_page,
            rows,
        };
        let document =
            engine.typeset(Template::Summary, serde_json::to_vec(&part).expect("serializes"), date)?;
        first_page += document.pages().len();
        parts.push(document);
        // Nothing of a part is needed again: drop all of its cached layout now.
        Engine::clear_cache();
    }
    let document = Engine::join(parts).ok_or("汇总表没有内容")?;
    let pdf = engine.export(&document, "summary", date)?;
    write("summary.pdf", &pdf)
}

/// Rows of the 汇总表 typeset at a time. A table of thousands of rows typeset at once would
/// keep every cell's layout in memory; in parts, the batch's memory stays flat.
const SUMMARY_PART_ROWS: usize = 250;

/// One part of the 汇总表: the batch's figures, and the rows this part lists.
#[derive(Serialize)]
struct SummaryPart<'a> {
    title: &'a str,
    date: &'a str,
    total: usize,
    succeeded: usize,
    failed: usize,
    /// The first part carries the title.
    first: bool,
    /// 序号 of the part's first row.
    first_number: usize,
    /// Page number of the part's first page.
    first_page: usize,
    rows: &'a [Row],
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
            match row.passed {
                Some(true) => "通过".into(),
                Some(false) => "不通过".into(),
                None => String::new(),
            },
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

/// Today's date (UTC), for the summary.
fn today() -> Date {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date::new(year, month, day).unwrap_or_default()
}

/// Progress: a bar on a terminal, a line per record otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    done: Mutex<usize>,
    total: usize,
}

impl Progress {
    fn new(total: usize, bar: bool) -> Progress {
        let bar = bar.then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} 份 · {per_sec} · 剩余 {eta} {msg}",
                )
                .expect("a valid template"),
            );
            bar
        });
        Progress { bar, done: Mutex::new(0), total }
    }

    fn record(&self, row: &Row) {
        let status = row.status.map(Status::label).unwrap_or_default();
        match &self.bar {
            Some(bar) => {
                if row.status != Some(Status::Ok) {
                    bar.println(format!("失败：{}", row.first_error));
                }
                bar.inc(1);
            }
            None => {
                let mut done = self.done.lock().expect("progress lock");
                *done += 1;
                let detail =
                    if row.status == Some(Status::Ok) { row.output.clone() } else { row.first_error.clone() };
                eprintln!("[{}/{}] {status} {} {detail}", *done, self.total, row.file);
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
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

    #[test]
    fn colliding_output_names_get_a_suffix() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["a", "b"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            std::fs::write(dir.path().join(sub).join("r.yaml"), "audit_type: initial\n").unwrap();
        }
        std::fs::write(dir.path().join("a").join("profile.yaml"), "name: x\npost_code: '1'\n").unwrap();
        let inputs = [dir.path().join("a"), dir.path().join("b")];
        let jobs = plan(&inputs, Path::new("out")).unwrap();
        let outputs: Vec<_> = jobs.iter().map(|j| j.output.clone()).collect();
        assert_eq!(outputs, vec![PathBuf::from("out/r.pdf"), PathBuf::from("out/r-2.pdf")]);
    }

    #[test]
    fn today_is_a_plausible_date() {
        assert!(today().year() >= 2024);
    }
}
