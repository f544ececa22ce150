//! Render: record + score → Typst → PDF.
//!
//! An [`Engine`] is built once per process and shared by every report: the fonts, the parsed
//! template and the standard library. Each report gets a [`world::ReportWorld`] that adds only
//! its data file. The template's evaluation is memoized across reports because the data
//! arrives as a file, not as `sys.inputs` (which would make a new library per report).

pub mod fonts;
pub mod join;
pub mod view;
pub mod world;

use std::path::PathBuf;

use typst::foundations::{Datetime, Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::model::Document;
use typst::syntax::Source;
use typst::utils::LazyHash;
use typst::utils::PicoStr;
use typst::{Library, LibraryExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::date::Date;
use fonts::FontSet;
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
    /// 汇总表 of a batch, from a [`crate::batch::Summary`].
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

/// How many compilations a cached result may go unused before it is evicted.
const CACHE_MAX_AGE: usize = 10;

/// What is shared by every report of a process.
pub struct Engine {
    library: LazyHash<Library>,
    fonts: FontSet,
    templates: Vec<Source>,
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
        })
    }

    /// Prepares the embedded fonts for use, the `part`th of every `parts` of them: the workers
    /// of a batch call this first, to share the start-up work.
    pub fn prepare(&self, part: usize, parts: usize) {
        self.fonts.prepare(part, parts);
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
    /// same bytes.
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
            ..PdfOptions::default()
        };
        typst_pdf::pdf(document, &options).map_err(|errors| {
            let messages: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
            format!("导出 PDF 失败：{}", messages.join("；"))
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
