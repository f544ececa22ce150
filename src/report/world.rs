//! The Typst `World` of one document: the only door through which the template sees anything.
//!
//! It serves the files of its template (in memory: the built-in one's, or a folder's read
//! whole and confined by [`super::template::ReportTemplate::load`]), one virtual file,
//! `/data.json`, that holds the report's data, and the files the data names (the CB's logo).
//! Nothing else exists for the template: no path on disk is readable, no package can be
//! fetched, and record text reaches Typst only as the bytes of that JSON file.

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use super::Engine;
use super::template::{ReportTemplate, file_id};

/// The virtual path of the report data the template reads with `json("/data.json")`.
pub const DATA_PATH: &str = "/data.json";

/// The world of one report: the shared engine, its template, and this report's data.
pub struct ReportWorld<'a> {
    engine: &'a Engine,
    template: &'a ReportTemplate,
    data: Bytes,
    data_id: FileId,
    assets: Vec<(FileId, Bytes)>,
    today: Datetime,
}

impl<'a> ReportWorld<'a> {
    pub fn new(
        engine: &'a Engine,
        template: &'a ReportTemplate,
        data: Vec<u8>,
        assets: &[(String, Bytes)],
        today: Datetime,
    ) -> Self {
        let assets = assets.iter().map(|(path, bytes)| (file_id(path), bytes.clone())).collect();
        ReportWorld { engine, template, data: Bytes::new(data), data_id: file_id(DATA_PATH), assets, today }
    }
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.engine.fonts.book()
    }

    fn main(&self) -> FileId {
        self.template.main()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.template.source(id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        if let Some((_, bytes)) = self.assets.iter().find(|(asset, _)| *asset == id) {
            return Ok(bytes.clone());
        }
        self.template.file(id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.font(index)
    }

    /// The report's own date, so that a record renders the same whenever it is rendered.
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.get().vpath().get_without_slash().into())
}
