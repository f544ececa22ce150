//! Render: record + score → Typst → PDF.
//!
//! An [`Engine`] is built once per process and shared by every report: the fonts, the parsed
//! templates and the standard library. Each report gets a [`world::ReportWorld`] that adds only
//! its data file. The template's evaluation is memoized across reports because the data
//! arrives as a file, not as `sys.inputs` (which would make a new library per report).
//! [`target`] writes a report as a PDF or as one PNG per page.
//!
//! A report is made with the built-in template, the CB's own that its profile names, or the
//! one the command line names ([`template`]); the engine keeps each folder's once read.
//! Typesetting returns Typst's warnings with the document, and its errors, at the template's
//! file, line and column ([`template::TemplateDiagnostic`]).

pub mod join;
pub mod target;
pub mod template;
pub mod view;
pub mod watchdog;
pub mod world;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use typst::foundations::{Datetime, Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::model::Document;
use typst::text::FontBook;
use typst::utils::LazyHash;
use typst::utils::PicoStr;
use typst::{Library, LibraryExt};
use typst_layout::PagedDocument;
pub use typst_pdf::PdfStandard;
use typst_pdf::{PdfOptions, PdfStandards, Timestamp};

use crate::base::date::Date;
use crate::base::diagnostic::escape_controls;
use crate::base::fonts::FontSet;
use crate::load::LoadedRecord;
use template::{ReportTemplate, TemplateDiagnostic, TemplateError};
use view::ReportView;
use watchdog::Watchdog;

/// The summary's template, embedded.
const SUMMARY: &str = include_str!("../../templates/summary.typ");

/// Which built-in document to typeset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    /// 服务认证审查报告, from a [`ReportView`], with the built-in template.
    Report,
    /// 汇总表 of a batch, from a [`crate::app::batch::Summary`].
    Summary,
}

/// A typeset document and Typst's warnings about its template.
pub struct Typeset {
    pub document: PagedDocument,
    pub warnings: Vec<TemplateDiagnostic>,
}

/// A report's PDF and Typst's warnings about its template.
pub struct Rendered {
    pub pdf: Vec<u8>,
    pub warnings: Vec<TemplateDiagnostic>,
}

/// Why a report could not be made.
#[derive(Debug)]
pub enum RenderError {
    /// The template cannot be used (read, manifest, data version).
    Template(TemplateError),
    /// Typst's errors, at the template's files.
    Typeset(Vec<TemplateDiagnostic>),
    /// The PDF export failed.
    Export(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Template(error) => error.fmt(f),
            RenderError::Typeset(errors) => {
                f.write_str("排版失败（模板错误），报告未生成：")?;
                for error in errors {
                    write!(f, "\n{error}")?;
                }
                Ok(())
            }
            RenderError::Export(why) => f.write_str(why),
        }
    }
}

impl From<TemplateError> for RenderError {
    fn from(error: TemplateError) -> RenderError {
        RenderError::Template(error)
    }
}

/// Whether a PDF carries a structure tree (tagged PDF, for screen readers and text reflow).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tagging {
    /// Reports: tagged, as Typst exports by default.
    Tagged,
    /// Parts of a long table that are joined afterwards ([`join`]): the tree would not survive
    /// the join, and it makes a table of thousands of rows many times larger.
    Untagged,
}

/// The /Creator of every PDF.
pub const CREATOR: &str = concat!("certreport ", env!("CARGO_PKG_VERSION"));

/// Reports are archival by default: PDF/A-2a — PDF/A-2 with every character mapped to Unicode
/// and the structure tree kept (the strictest PDF/A level Typst 0.15 exports this template
/// with).
pub const DEFAULT_PDF_STANDARD: PdfStandard = PdfStandard::A_2a;
/// [`DEFAULT_PDF_STANDARD`] as the command line writes it.
pub const DEFAULT_PDF_STANDARD_NAME: &str = "a-2a";

/// A PDF standard by the name Typst's command line gives it: `a-2b`, `a-2u`, `a-2a`, `a-3u`,
/// `a-4`, `ua-1`, `1.7`, `2.0` …
pub fn parse_pdf_standard(name: &str) -> Result<PdfStandard, String> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| {
        format!(
            "“{name}”不是可选的 PDF 标准：应为 a-2a、a-2u、a-2b、a-3a、a-3u、a-3b、a-4、ua-1、1.7 或 2.0 等"
        )
    })
}

/// How many compilations a cached result may go unused before it is evicted.
const CACHE_MAX_AGE: usize = 10;

/// What is shared by every report of a process.
pub struct Engine {
    library: LazyHash<Library>,
    fonts: FontSet,
    /// The built-in report template.
    builtin: Arc<ReportTemplate>,
    /// The summary's template.
    summary: ReportTemplate,
    /// The template folder the command line names (`--template`, absolute): every report is
    /// made with it.
    chosen: Option<PathBuf>,
    /// The template folders read so far (`--template`'s and those profiles name), by their
    /// absolute path: each read once.
    folders: Mutex<HashMap<PathBuf, Arc<ReportTemplate>>>,
    /// The standard tagged documents (the reports) conform to.
    standard: PdfStandard,
    /// Where a typesetting in progress is registered, for a watchdog to stop what runs too long.
    watchdog: Option<Arc<Watchdog>>,
}

impl Engine {
    /// Builds the engine with the embedded fonts and any extra font folders.
    pub fn new(font_dirs: &[PathBuf]) -> Result<Engine, String> {
        Ok(Engine {
            library: LazyHash::new(Library::builder().build()),
            fonts: FontSet::new(font_dirs)?,
            builtin: Arc::new(ReportTemplate::builtin()),
            summary: ReportTemplate::single("summary.typ", SUMMARY),
            chosen: None,
            folders: Mutex::new(HashMap::new()),
            standard: DEFAULT_PDF_STANDARD,
            watchdog: None,
        })
    }

    /// The engine, exporting reports under another PDF standard.
    pub fn with_pdf_standard(self, standard: PdfStandard) -> Engine {
        Engine { standard, ..self }
    }

    /// The engine, making every report with the template folder `dir` (`--template`), whatever
    /// the profiles name. The folder is read at once: a template that cannot be used is
    /// refused before any record is looked at.
    pub fn with_template(self, dir: &Path) -> Result<Engine, TemplateError> {
        let engine = Engine { chosen: Some(crate::base::files::absolute(dir)), ..self };
        engine.folder(dir)?;
        Ok(engine)
    }

    /// The engine, registering each typesetting with `watchdog`.
    pub fn with_watchdog(self, watchdog: Arc<Watchdog>) -> Engine {
        Engine { watchdog: Some(watchdog), ..self }
    }

    /// The built-in report template.
    pub fn builtin_template(&self) -> &Arc<ReportTemplate> {
        &self.builtin
    }

    /// The template a record's report is made with: the command line's (`--template`), else
    /// the folder its profile names (read once, then kept: see [`Engine::forget_templates`]),
    /// else the built-in one.
    pub fn template_for(&self, loaded: &LoadedRecord) -> Result<Arc<ReportTemplate>, TemplateError> {
        match self.chosen.clone().or_else(|| loaded.profile_template()) {
            Some(dir) => self.folder(&dir),
            None => Ok(self.builtin.clone()),
        }
    }

    /// A template folder, read on first use.
    fn folder(&self, dir: &Path) -> Result<Arc<ReportTemplate>, TemplateError> {
        let key = crate::base::files::absolute(dir);
        if let Some(known) = self.folders.lock().expect("templates lock").get(&key) {
            return Ok(known.clone());
        }
        let template = Arc::new(ReportTemplate::load(dir)?);
        self.folders.lock().expect("templates lock").insert(key, template.clone());
        Ok(template)
    }

    /// Forgets the template folders read so far: the next report reads its folder again
    /// (`watch` calls this when a template's file changes).
    pub fn forget_templates(&self) {
        self.folders.lock().expect("templates lock").clear();
    }

    /// Prepares the embedded fonts for use, the `part`th of every `parts` of them: the workers
    /// of a batch call this first, to share the start-up work.
    pub fn prepare(&self, part: usize, parts: usize) {
        self.fonts.prepare(part, parts);
    }

    /// Font files of the `--font-path` folders that were passed over, and why (in Chinese).
    pub fn warnings(&self) -> &[String] {
        self.fonts.warnings()
    }

    /// A hash of everything besides a record and the files it names that goes into its PDF:
    /// the program's version, the built-in templates and the `--template` one, the built-in
    /// scheme, the `--font-path` fonts and the PDF standard. A batch re-renders a record when
    /// it changes. (A template folder a profile names is a file of the record's: the batch
    /// manifest hashes it with them.)
    pub fn fingerprint(&self) -> u128 {
        typst::utils::hash128(&(
            CREATOR,
            self.builtin.fingerprint(),
            SUMMARY,
            self.chosen.as_ref().and_then(|dir| self.folder(dir).ok()).map(|t| t.fingerprint()),
            crate::model::scheme::BUILTIN_SOURCE,
            self.fonts.disk_identity(),
            format!("{:?}", self.standard),
        ))
    }

    /// The book of every font face the engine typesets with.
    pub fn book(&self) -> &FontBook {
        self.fonts.book()
    }

    /// How many font faces the engine knows.
    pub fn font_count(&self) -> usize {
        self.fonts.len()
    }

    /// Typesets a built-in template with its data (the JSON of `/data.json`) into a document.
    pub fn typeset(&self, template: Template, data: Vec<u8>, today: Date) -> Result<PagedDocument, String> {
        let template = match template {
            Template::Report => &self.builtin,
            Template::Summary => &self.summary,
        };
        self.typeset_with(template, data, &[], today)
            .map(|typeset| typeset.document)
            .map_err(|e| e.to_string())
    }

    /// Typesets a template with its data (the JSON of `/data.json`) and the other files the
    /// data names (`assets`: the logo) into a document, with Typst's warnings.
    pub fn typeset_with(
        &self,
        template: &ReportTemplate,
        data: Vec<u8>,
        assets: &[(String, typst::foundations::Bytes)],
        today: Date,
    ) -> Result<Typeset, RenderError> {
        let world = world::ReportWorld::new(self, template, data, assets, datetime(today));
        let running = self.watchdog.as_ref().map(|w| w.start(template.origin()));
        let warned = typst::compile::<PagedDocument>(&world);
        drop(running);
        // Keep the process-wide cache bounded, after failures too.
        typst::comemo::evict(CACHE_MAX_AGE);
        let warnings = template.diagnostics(&world, &warned.warnings);
        match warned.output {
            Ok(document) => Ok(Typeset { document, warnings }),
            Err(errors) => Err(RenderError::Typeset(template.diagnostics(&world, &errors))),
        }
    }

    /// Empties typst's process-wide memoization cache (the next document is typeset from
    /// scratch).
    pub fn clear_cache() {
        typst::comemo::evict(0);
    }

    /// Exports a document as PDF bytes: the same document, ident and date always give the
    /// same bytes. A tagged document (a report) conforms to the engine's PDF standard; an
    /// untagged part of a joined table is a plain PDF (the join would not keep it PDF/A).
    pub fn export(
        &self,
        document: &PagedDocument,
        ident: &str,
        date: Date,
        tagging: Tagging,
    ) -> Result<Vec<u8>, String> {
        let options = PdfOptions {
            ident: typst::foundations::Smart::Custom(format!("certreport:{ident}")),
            creator: typst::foundations::Smart::Custom(Some(CREATOR.into())),
            timestamp: Some(Timestamp::new_utc(datetime(date))),
            tagged: tagging == Tagging::Tagged,
            standards: match tagging {
                Tagging::Tagged => PdfStandards::new(&[self.standard])
                    .map_err(|e| format!("所选 PDF 标准无法导出：{}（Typst 的说明）", e.message()))?,
                Tagging::Untagged => PdfStandards::default(),
            },
            ..PdfOptions::default()
        };
        typst_pdf::pdf(document, &options).map_err(|errors| {
            let messages: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
            format!(
                "导出 PDF 失败，报告未生成：{}（Typst 的说明）；可改用 --pdf-standard 1.7 导出普通 PDF，并请报告此问题",
                escape_controls(&messages.join("；"))
            )
        })
    }

    /// Typesets a report with a template into a document (its pages, before export).
    pub fn typeset_report(
        &self,
        template: &ReportTemplate,
        view: &ReportView,
    ) -> Result<Typeset, RenderError> {
        self.typeset_with(template, view.to_json(), &view.assets, view.meta.report_date)
    }

    /// Typesets and exports a report in one step.
    pub fn render(&self, template: &ReportTemplate, view: &ReportView) -> Result<Rendered, RenderError> {
        let date = view.meta.report_date;
        let Typeset { document, warnings } = self.typeset_report(template, view)?;
        let pdf = self
            .export(&document, &view.head.project_number, date, Tagging::Tagged)
            .map_err(RenderError::Export)?;
        Ok(Rendered { pdf, warnings })
    }
}

/// The values of the `#metadata(..) <label>` marks in a document, each with the page (from 1)
/// it landed on.
fn labelled(document: &PagedDocument, label: &str) -> Vec<(Value, usize)> {
    let Some(label) = Label::new(PicoStr::intern(label)) else { return Vec::new() };
    let introspector = document.introspector();
    introspector
        .query(&Selector::Label(label))
        .iter()
        .filter_map(|mark| {
            let value = mark.to_packed::<MetadataElem>()?.value.clone();
            let page = introspector.position(mark.location()?)?.page;
            Some((value, page.get()))
        })
        .collect()
}

/// The integer values of the `#metadata(n) <label>` marks in a document, each with the page
/// (from 1) it landed on.
pub fn marks(document: &PagedDocument, label: &str) -> Vec<(i64, usize)> {
    labelled(document, label)
        .into_iter()
        .filter_map(|(value, page)| match value {
            Value::Int(value) => Some((value, page)),
            _ => None,
        })
        .collect()
}

/// The report template's `keep` marks, each with its page: what must stay together on one
/// page carries marks of one name (section 6 from its heading to its last signature line, a
/// lead-in and the line after it, a heading and the line after it, a table row). The layout
/// tests read them.
pub fn keep_marks(document: &PagedDocument) -> Vec<(String, usize)> {
    labelled(document, "keep")
        .into_iter()
        .filter_map(|(value, page)| match value {
            Value::Str(name) => Some((name.to_string(), page)),
            _ => None,
        })
        .collect()
}

/// The document without its pages from `count` on.
pub fn first_pages(document: &PagedDocument, count: usize) -> PagedDocument {
    let pages = document.pages().iter().take(count).cloned().collect();
    PagedDocument::new(pages, document.info().clone())
}

fn datetime(date: Date) -> Datetime {
    Datetime::from_ymd(i32::from(date.year()), date.month(), date.day()).expect("a valid date")
}
