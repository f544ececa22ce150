//! The worker process: `certreport __worker`, started by the server's [`super::pool`], renders
//! one job at a time with an engine it loads once.
//!
//! A Typst compile cannot be interrupted, and a hostile record can make it run long or grow
//! large: so it runs in a process of its own, which the server kills and replaces when it
//! goes over its time or memory limit. The worker does everything a request asks of the
//! library — reads the record (uploaded, or under `--root`), checks, scores, renders, derives
//! next year's record — by the same library functions the command line calls
//! ([`pipeline`], [`check`], [`cycle`], the [`Engine`] and [`target`]).
//!
//! The protocol, on the worker's standard input and output: frames of a 4-byte little-endian
//! length and that many bytes of [postcard](https://docs.rs/postcard) (a compact, maintained
//! serde format that keeps binary data as bytes, unlike JSON). The worker first writes one
//! [`Reply::Ready`] (or [`Reply::Failed`] when its engine cannot be built), then answers
//! each [`Job`] frame with one [`Reply`] frame, until its input ends. Its standard output
//! carries nothing but frames; its standard error is the server's.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::input::{Input, Uploads};
use crate::load::{Confined, Files, LoadError, Source};
use crate::report::target;
use crate::report::template::ReportTemplate;
use crate::report::view::ReportView;
use crate::report::{Engine, PdfStandard};
use crate::rules::{check, cycle, pipeline};

/// The largest frame either side accepts: no job or reply comes near it.
pub const MAX_FRAME: usize = 1 << 30;

/// What a worker is asked to do.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job {
    pub task: Task,
    pub input: Input,
}

/// The work of one job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Task {
    /// Check and, if the record has no errors, render it.
    Render(Output),
    /// Check only: the check document.
    Check,
    /// Next year's record, its audit starting on `audit_date` (`YYYY-MM-DD`) or a year later.
    Next { audit_date: Option<String> },
}

/// What a rendered report becomes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Output {
    /// The PDF, as `certreport render` writes it.
    Pdf,
    /// One PNG image per page, at this many pixels per inch.
    Png { ppi: f32 },
    /// One SVG image per page (a live preview's).
    Svg,
}

/// A worker's answer to a job.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// The worker is up (its first frame).
    Ready,
    /// The PDF.
    Pdf(Vec<u8>),
    /// The pages, PNG or SVG, in order.
    Pages(Vec<Vec<u8>>),
    /// The check document (`check --format json`) and how many errors it lists: the answer to
    /// [`Task::Check`], and to [`Task::Render`] of a record with errors.
    Checked { document: String, errors: usize },
    /// Next year's record: the file name `certreport next` would give it, and its text.
    Next { name: String, yaml: String },
    /// The job could not be done.
    Failed(Failure),
}

/// Why a worker could not do a job; the server turns each into its HTTP error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Failure {
    /// The worker could not start (its engine could not be built).
    Start(String),
    /// A path under `--root` that is refused, or a path without `--root`.
    InvalidPath(String),
    /// A parameter that is not one of its values (the audit date of `next`).
    InvalidParameter(String),
    /// `next` could not derive the record.
    NextFailed(String),
    /// Typesetting or export failed.
    RenderFailed(String),
}

/// What a worker is started with: the server's font folders, PDF standard and root.
#[derive(Clone, Debug)]
pub struct WorkerOptions {
    pub font_dirs: Vec<PathBuf>,
    pub pdf_standard: PdfStandard,
    pub root: Option<PathBuf>,
    /// The template folder of every report (the server's `--template`); the built-in one when
    /// none. A profile's own `template:` is refused in a request (see [`crate::load::Files`]).
    pub template: Option<PathBuf>,
}

/// Typst's PDF export is deeply recursive: the worker's thread gets a large stack.
const STACK: usize = 64 * 1024 * 1024;

/// Runs a worker on standard input and output until its input ends. Everything runs on one
/// thread (a one-thread rayon pool, so that Typst's parallel steps stay on it too): the
/// server runs one worker per core, as `batch --jobs N` runs N threads.
pub fn run(options: &WorkerOptions) -> io::Result<()> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .stack_size(STACK)
        .build()
        .map_err(|e| io::Error::other(e.to_string()))?;
    pool.install(|| {
        let (mut input, mut output) = (io::stdin().lock(), io::stdout().lock());
        let engine =
            Engine::new(&options.font_dirs).map(|engine| engine.with_pdf_standard(options.pdf_standard));
        let engine = match (engine, &options.template) {
            (Ok(engine), Some(dir)) => engine.with_template(dir).map_err(|why| why.to_string()),
            (engine, None) => engine,
            (Err(why), _) => Err(why),
        };
        let engine = match engine {
            Ok(engine) => engine,
            Err(why) => return write_frame(&mut output, &encode(&Reply::Failed(Failure::Start(why)))),
        };
        write_frame(&mut output, &encode(&Reply::Ready))?;
        while let Some(frame) = read_frame(&mut input)? {
            let reply = match postcard::from_bytes::<Job>(&frame) {
                Ok(job) => handle(&engine, options.root.as_deref(), job),
                Err(why) => {
                    Reply::Failed(Failure::RenderFailed(format!("工作进程收到的任务无法解读：{why}")))
                }
            };
            write_frame(&mut output, &encode(&reply))?;
        }
        Ok(())
    })
}

/// Does one job.
pub fn handle(engine: &Engine, root: Option<&Path>, job: Job) -> Reply {
    let (shown, source, files): (PathBuf, Result<Source, LoadError>, Box<dyn Files>) = match job.input {
        Input::Upload(upload) => {
            let shown = upload.record_file();
            let source = Source::from_bytes(shown.clone(), upload.record.bytes.clone());
            (shown, source.map_err(LoadError::Unreadable), Box::new(Uploads::new(upload)))
        }
        Input::Path(path) => {
            let Some(root) = root else {
                return Reply::Failed(Failure::InvalidPath("服务未以 --root 启动".into()));
            };
            let confined = Confined::new(root);
            let real = match confined.record(&path) {
                Ok(real) => real,
                Err(why) => return Reply::Failed(Failure::InvalidPath(why)),
            };
            let shown = PathBuf::from(&path);
            let source = Source::read_at(&real, shown.clone()).map_err(LoadError::Unreadable);
            (shown, source, Box::new(confined))
        }
    };
    match job.task {
        Task::Check => {
            let result =
                source.and_then(|source| pipeline::check_source_from(source, engine.book(), &*files));
            checked(&shown, &result)
        }
        Task::Render(output) => {
            let result =
                source.and_then(|source| pipeline::check_source_from(source, engine.book(), &*files));
            match &result {
                Ok(checked) if !checked.has_errors() => match engine.template_for(&checked.loaded) {
                    Ok(template) => render(engine, &template, &checked.view(), output),
                    Err(why) => Reply::Failed(Failure::RenderFailed(why.to_string())),
                },
                _ => checked(&shown, &result),
            }
        }
        Task::Next { audit_date } => match source {
            Err(error) => checked(&shown, &Err(error)),
            Ok(source) => match cycle::next_text(&source, audit_date.as_deref()) {
                Ok((name, yaml)) => Reply::Next { name, yaml },
                Err(cycle::NextError::Load(error)) => checked(&shown, &Err(error)),
                Err(cycle::NextError::Usage(why)) => Reply::Failed(Failure::InvalidParameter(why)),
            },
        },
    }
}

/// The check document of one record.
fn checked(shown: &Path, result: &pipeline::CheckResult) -> Reply {
    let errors = match result {
        Ok(checked) => checked.diagnostics.iter().filter(|d| d.is_error()).count(),
        Err(error) => error.diagnostics().iter().filter(|d| d.is_error()).count().max(1),
    };
    Reply::Checked { document: check::to_json([(shown, result)]), errors }
}

fn render(engine: &Engine, template: &ReportTemplate, view: &ReportView, output: Output) -> Reply {
    let result = match output {
        Output::Pdf => {
            engine.render(template, view).map(|rendered| Reply::Pdf(rendered.pdf)).map_err(|e| e.to_string())
        }
        Output::Png { ppi } => engine
            .typeset_report(template, view)
            .map_err(|e| e.to_string())
            .and_then(|typeset| target::png_pages(&typeset.document, ppi))
            .map(Reply::Pages),
        Output::Svg => engine
            .typeset_report(template, view)
            .map(|typeset| Reply::Pages(target::svg_pages(&typeset.document)))
            .map_err(|e| e.to_string()),
    };
    result.unwrap_or_else(|why| Reply::Failed(Failure::RenderFailed(why)))
}

/// A reply as a frame's bytes.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    postcard::to_allocvec(value).expect("plain data serializes")
}

/// Writes one frame and flushes it.
fn write_frame(output: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    output.write_all(&frame_length(bytes.len()))?;
    output.write_all(bytes)?;
    output.flush()
}

/// The 4-byte header of a frame of `len` bytes.
pub fn frame_length(len: usize) -> [u8; 4] {
    u32::try_from(len).expect("frames are under 4 GiB").to_le_bytes()
}

/// The length a frame's header gives, refused over [`MAX_FRAME`].
pub fn parse_length(header: [u8; 4]) -> io::Result<usize> {
    let len = u32::from_le_bytes(header) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("frame of {len} bytes")));
    }
    Ok(len)
}

/// Reads one frame; `None` at the end of the input.
fn read_frame(input: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0; 4];
    match input.read_exact(&mut header) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut frame = vec![0; parse_length(header)?];
    input.read_exact(&mut frame)?;
    Ok(Some(frame))
}
