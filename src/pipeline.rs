//! The first three stages together: load, validate, score. What `check`, `render` and `batch`
//! share, and what a service embedding the library calls.

use std::path::Path;

use typst::text::FontBook;

use crate::diagnostic::{Diagnostic, has_errors};
use crate::load::{self, LoadError, LoadedRecord, Source};
use crate::render::glyphs;
use crate::render::view::ReportView;
use crate::score::{self, ScoreSheet};
use crate::validate;

/// A record that was loaded, checked and scored. It may still have errors.
#[derive(Debug)]
pub struct Checked {
    pub loaded: LoadedRecord,
    pub sheet: ScoreSheet,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        has_errors(&self.diagnostics)
    }

    /// Adds the problems of text the report could not print as written: characters that no
    /// face of `book` (the fonts in use) can draw, control and bidi characters.
    pub fn check_glyphs(&mut self, book: &FontBook) {
        self.diagnostics.extend(glyphs::check(&self.loaded, book));
        self.diagnostics.sort_by_key(|d| (d.line, d.column));
    }

    /// The report data for the template; only meaningful without errors.
    pub fn view(&self) -> ReportView {
        ReportView::build(&self.loaded, &self.sheet)
    }
}

/// The outcome of checking one file: checked, or not even loadable.
pub type CheckResult = Result<Checked, LoadError>;

/// Loads, validates and scores a record file.
pub fn check_file(file: &Path) -> CheckResult {
    load::load_record(file).map(check_loaded)
}

/// Loads, validates and scores a record held in memory.
pub fn check_source(source: Source) -> CheckResult {
    load::load_source(source).map(check_loaded)
}

/// Validates and scores a loaded record.
pub fn check_loaded(loaded: LoadedRecord) -> Checked {
    let sheet = score::score(&loaded.record, &loaded.scheme);
    let mut diagnostics: Vec<Diagnostic> =
        validate::validate(&loaded.record, loaded.previous.as_ref(), &loaded.scheme, &sheet)
            .into_iter()
            .map(|problem| loaded.source.place(problem))
            .collect();
    diagnostics.sort_by_key(|d| (d.line, d.column));
    Checked { loaded, sheet, diagnostics }
}
