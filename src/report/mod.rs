//! Render: record + score → Typst → PDF.
//!
//! An [`Engine`] is built once per process and shared by every report: the fonts, the parsed
//! template and the standard library. Each report gets a [`world::ReportWorld`] that adds only
//! its data file. The template's evaluation is memoized across reports because the data
//! arrives as a file, not as `sys.inputs` (which would make a new library per report).
//! [`target`] writes a report as a PDF or as one PNG per page.

pub mod join;
pub mod target;
pub mod view;
pub mod world;

use std::path::PathBuf;

use typst::foundations::{Datetime, Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::model::Document;
use typst::syntax::Source;
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
use view::ReportView;

/// The template files, embedded: (virtual path, text).
const TEMPLATES: [(&str, &str); 2] = [
    ("/report.typ", include_str!("../../templates/report.typ")),
    ("/summary.typ", include_str!("../../templates/summary.typ")),
];

/// Which document to typeset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Template {
    /// 服务认证审查报告, from a [`ReportView`].
    Report = 0,
    /// 汇总表 of a batch, from a [`crate::app::batch::Summary`].
    Summary = 1,
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
    templates: Vec<Source>,
    /// The standard tagged documents (the reports) conform to.
    standard: PdfStandard,
}

impl Engine {
    /// Builds the engine with the embedded fonts and any extra font folders.
    pub fn new(font_dirs: &[PathBuf]) -> Result<Engine, String> {
        let templates: Vec<Source> = TEMPLATES
            .iter()
            .map(|(path, text)| Source::new(world::file_id(path), (*text).to_owned()))
            .collect();
        Ok(Engine {
            library: LazyHash::new(Library::builder().build()),
            fonts: FontSet::new(font_dirs)?,
            templates,
            standard: DEFAULT_PDF_STANDARD,
        })
    }

    /// The engine, exporting reports under another PDF standard.
    pub fn with_pdf_standard(self, standard: PdfStandard) -> Engine {
        Engine { standard, ..self }
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

    /// A hash of everything besides a record that goes into its PDF: the program's version,
    /// the templates, the built-in scheme, the `--font-path` fonts and the PDF standard. A batch re-renders a record when it changes.
    pub fn fingerprint(&self) -> u128 {
        typst::utils::hash128(&(
            CREATOR,
            TEMPLATES,
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

    /// Typesets a template with its data (the JSON of `/data.json`) into a document.
    pub fn typeset(&self, template: Template, data: Vec<u8>, today: Date) -> Result<PagedDocument, String> {
        let main = self.templates[template as usize].id();
        let world = world::ReportWorld::new(self, main, data, datetime(today));
        let result = typst::compile::<PagedDocument>(&world).output;
        // Keep the process-wide cache bounded, after failures too.
        typst::comemo::evict(CACHE_MAX_AGE);
        result.map_err(|errors| {
            let messages: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
            format!("排版失败（模板错误）：{}", messages.join("；"))
        })
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

    /// Typesets a report into a document (its pages, before export).
    pub fn typeset_report(&self, view: &ReportView) -> Result<PagedDocument, String> {
        self.typeset(Template::Report, view.to_json(), view.meta.report_date)
    }

    /// Typesets and exports a report in one step.
    pub fn render(&self, view: &ReportView) -> Result<Vec<u8>, String> {
        let date = view.meta.report_date;
        let document = self.typeset_report(view)?;
        self.export(&document, &view.head.project_number, date, Tagging::Tagged)
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
