//! The Typst `World` of one document: the only door through which the template sees anything.
//!
//! It serves the embedded template files and one virtual file, `/data.json`, that holds the
//! report's data. Nothing else exists for the template: no path on disk is readable, no
//! package can be fetched, and record text reaches Typst only as the bytes of that JSON file.

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, World};

use super::Engine;

/// The virtual path of the report data the template reads with `json("/data.json")`.
pub const DATA_PATH: &str = "/data.json";

/// A file id in the project root.
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("template paths are valid virtual paths");
    typst::syntax::RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// The world of one report: the shared engine plus this report's data.
pub struct ReportWorld<'a> {
    engine: &'a Engine,
    main: FileId,
    data: Bytes,
    data_id: FileId,
    today: Datetime,
}

impl<'a> ReportWorld<'a> {
    pub fn new(engine: &'a Engine, main: FileId, data: Vec<u8>, today: Datetime) -> Self {
        ReportWorld { engine, main, data: Bytes::new(data), data_id: file_id(DATA_PATH), today }
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
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.engine.templates.iter().find(|source| source.id() == id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            return Ok(self.data.clone());
        }
        self.source(id).map(|source| Bytes::from_string(source.text().to_owned()))
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
