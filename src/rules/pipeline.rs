//! The first three stages together: load, validate, score. What `check`, `render` and `batch`
//! share, and what a service embedding the library calls.

use std::path::{Path, PathBuf};

use typst::text::FontBook;

use crate::base::diagnostic::{Diagnostic, has_errors};
use crate::load::{self, LoadError, LoadedRecord, Source};
use crate::rules::glyphs;
use crate::rules::score::{self, ScoreSheet};
use crate::rules::validate;

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

    /// The files the record refers to: its profile, its previous record and its scheme file
    /// (where it names them), as paths relative to the working folder.
    pub fn referenced_files(&self) -> Vec<PathBuf> {
        let record = &self.loaded.record;
        let file = &self.loaded.source.file;
        let scheme_file = record.scheme.as_ref().filter(|s| s.ends_with(".yaml") || s.ends_with(".yml"));
        std::iter::once(&record.profile)
            .chain(record.previous.as_ref())
            .chain(scheme_file)
            .map(|name| load::resolve(file, name))
            .collect()
    }

    /// The files an output must never replace: the record itself and the files it refers to.
    pub fn input_files(&self) -> Vec<PathBuf> {
        let mut files = self.referenced_files();
        files.push(self.loaded.source.file.clone());
        files
    }

    /// Adds the problems of text the report could not print as written: characters that no
    /// face of `book` (the fonts in use) can draw, control and bidi characters.
    pub fn check_glyphs(&mut self, book: &FontBook) {
        self.diagnostics.extend(glyphs::check(&self.loaded, book));
        self.diagnostics.sort_by_key(|d| (d.line, d.column));
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

/// Loads, validates and scores a record file, and looks its text up in `book` (the fonts in
/// use): every problem at once — the text's too when the file cannot be read as a record.
pub fn check_file_with_fonts(file: &Path, book: &FontBook) -> CheckResult {
    let source = Source::read(file).map_err(LoadError::Unreadable)?;
    check_source_with_fonts(source, book)
}

/// [`check_file_with_fonts`] for a record held in memory.
pub fn check_source_with_fonts(source: Source, book: &FontBook) -> CheckResult {
    let (file, text) = (source.file.clone(), source.text.clone());
    match load::load_source(source) {
        Ok(loaded) => {
            let mut checked = check_loaded(loaded);
            checked.check_glyphs(book);
            Ok(checked)
        }
        Err(LoadError::Invalid(mut diagnostics)) => {
            let source = Source::new(file, text);
            if let Ok(tree) = source.tree() {
                diagnostics.extend(glyphs::check_tree(&source, &tree, book));
                diagnostics.sort_by_key(|d| (d.line, d.column));
            }
            Err(LoadError::Invalid(diagnostics))
        }
        Err(unreadable) => Err(unreadable),
    }
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
