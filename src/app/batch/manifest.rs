//! Incremental re-runs: the out-dir's manifest (`.certreport/manifest.json`) records what each
//! report was made from, so that a batch run again renders only the records whose inputs
//! changed.
//!
//! A report is taken as it is when all of these are as they were when it was written: the
//! record file (its path and bytes), the files it refers to (profile, previous record, scheme
//! file; their bytes), the engine ([`crate::report::Engine::fingerprint`]: program version,
//! templates, built-in scheme, `--font-path` fonts) and the PDF itself (its bytes: a PDF
//! deleted or changed in the out-dir is rendered again). Its summary row is then the one
//! recorded, marked [`Status::Unchanged`]. Records that failed are never recorded, so they are
//! checked again every time.
//!
//! Paths are kept byte for byte ([`StoredPath`]: a string when UTF-8, else its bytes), so a
//! record whose name is not UTF-8 is recorded under its own name and two such names never
//! meet. The files a record refers to are recorded absolute ([`crate::base::files::absolute`]): a
//! batch run from another working folder looks at the same files. The manifest is read only
//! if it is a regular file (not a link, not a pipe); anything else is ignored with a warning,
//! and every report is rendered again.

use std::collections::{BTreeMap, HashMap};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::own::{self, DIR};
use super::plan::Job;
use super::{Row, Status};
use crate::base::diagnostic::shown;
use crate::base::files::ReadError;
use crate::base::output::{Inputs, Kind, OutputError, write_atomic};
use crate::errln;
use crate::rules::pipeline::Checked;

const FILE: &str = "manifest.json";
/// Where the reports of records that now fail are moved ([`Tracker::supersede`]).
pub const SUPERSEDED: &str = "superseded";
/// Bumped when the manifest's meaning changes: an older manifest is then ignored.
const VERSION: u32 = 2;
/// Files larger than this are not hashed (and so never taken as unchanged); no manifest is
/// read beyond it either.
const MAX_HASHED_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    reports: Vec<Entry>,
}

/// A path as the manifest keeps it: a JSON string when it is UTF-8, else the array of its
/// bytes. Nothing is lost, whatever the file system allows in a name.
#[derive(Clone, Debug, PartialEq, Eq)]
struct StoredPath(PathBuf);

impl Serialize for StoredPath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.to_str() {
            Some(text) => s.serialize_str(text),
            None => self.0.as_os_str().as_bytes().serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for StoredPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<StoredPath, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Stored {
            Text(String),
            Bytes(Vec<u8>),
        }
        Ok(StoredPath(match Stored::deserialize(d)? {
            Stored::Text(text) => PathBuf::from(text),
            Stored::Bytes(bytes) => PathBuf::from(std::ffi::OsString::from_vec(bytes)),
        }))
    }
}

/// What one report was made from.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry {
    /// The report's path relative to the out-dir: the entry's key.
    report: StoredPath,
    /// The record file, canonical.
    input: StoredPath,
    engine: String,
    record: String,
    /// The files the record refers to (absolute), with their hashes.
    references: Vec<(StoredPath, String)>,
    pdf: String,
    row: Row,
}

/// What a rendered record was made from, to be recorded once its PDF is written.
#[derive(Debug)]
pub struct Stamp {
    record: String,
    references: Vec<(StoredPath, String)>,
}

impl Stamp {
    /// The files the record refers to.
    pub fn references(&self) -> impl Iterator<Item = &Path> {
        self.references.iter().map(|(file, _)| file.0.as_path())
    }
}

fn hash(bytes: &[u8]) -> String {
    format!("{:032x}", typst::utils::hash128(bytes))
}

/// The hash of a regular file's bytes; `None` when it cannot be read.
fn hash_file(path: &Path) -> Option<String> {
    crate::base::files::read_regular(path, MAX_HASHED_BYTES).ok().map(|bytes| hash(&bytes))
}

/// The previous run's manifest: none, one unreadable or of another version is taken as empty;
/// one that is no regular file (a link, a pipe) is ignored with a warning.
fn read(path: &Path) -> Manifest {
    match crate::base::files::read_own(path, MAX_HASHED_BYTES) {
        Ok(bytes) => serde_json::from_slice::<Manifest>(&bytes)
            .ok()
            .filter(|m| m.version == VERSION)
            .unwrap_or_default(),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Manifest::default(),
        Err(_) => {
            errln!("警告：忽略 {}：不是普通文件或无法读取，所有报告都将重新生成", shown(path));
            Manifest::default()
        }
    }
}

/// The manifest during a run: the previous run's, and this run's as it is made.
pub struct Tracker {
    out_dir: PathBuf,
    /// The previous run's entries, by report.
    previous: HashMap<PathBuf, Entry>,
    /// Whether a report may be taken as it is (not with `--force` or `--check-only`).
    reuse: bool,
    /// Whether a report of a record that now fails is moved aside (not with `--check-only`).
    supersede: bool,
    engine: String,
    /// Files referred to by many records (a CB's profile) are hashed once per run.
    hashes: Mutex<HashMap<PathBuf, Option<String>>>,
    current: Mutex<BTreeMap<PathBuf, Entry>>,
}

impl Tracker {
    /// Reads the out-dir's manifest. Without `reuse`, nothing counts as unchanged; with
    /// `supersede`, the reports of records that now fail are moved aside ([`Tracker::supersede`]).
    pub fn new(out_dir: &Path, engine: u128, reuse: bool, supersede: bool) -> Tracker {
        let manifest = read(&out_dir.join(DIR).join(FILE));
        let previous = manifest.reports.into_iter().map(|entry| (entry.report.0.clone(), entry)).collect();
        Tracker {
            out_dir: out_dir.to_owned(),
            previous,
            reuse,
            supersede,
            engine: format!("{engine:032x}"),
            hashes: Mutex::new(HashMap::new()),
            current: Mutex::new(BTreeMap::new()),
        }
    }

    fn hash_shared(&self, path: &Path) -> Option<String> {
        if let Some(known) = self.hashes.lock().expect("hashes lock").get(path) {
            return known.clone();
        }
        let hashed = hash_file(path);
        self.hashes.lock().expect("hashes lock").insert(path.to_owned(), hashed.clone());
        hashed
    }

    /// The recorded row of a job whose report is up to date, marked unchanged.
    pub fn unchanged(&self, job: &Job) -> Option<Row> {
        let entry = self.previous.get(&job.name).filter(|_| self.reuse)?;
        let fresh = entry.engine == self.engine
            && std::fs::canonicalize(&job.input).is_ok_and(|input| input == entry.input.0)
            && hash_file(&job.input).is_some_and(|h| h == entry.record)
            && entry.references.iter().all(|(file, h)| self.hash_shared(&file.0).as_ref() == Some(h))
            && hash_file(&job.output).is_some_and(|h| h == entry.pdf);
        if !fresh {
            return None;
        }
        self.current.lock().expect("manifest lock").insert(job.name.clone(), entry.clone());
        let mut row = entry.row.clone();
        row.file = shown(&job.input);
        row.output = shown(&job.output);
        row.status = Some(Status::Unchanged);
        Some(row)
    }

    /// What a checked record is made from: taken before it is rendered.
    pub fn stamp(&self, checked: &Checked) -> Stamp {
        let references = checked
            .referenced_files()
            .into_iter()
            .map(|file| {
                let file = crate::base::files::absolute(&file);
                let hashed = self.hash_shared(&file).unwrap_or_default();
                (StoredPath(file), hashed)
            })
            .collect();
        Stamp { record: hash(checked.loaded.source.text.as_bytes()), references }
    }

    /// Moves aside the report an earlier run wrote for a record that now fails, so that every
    /// PDF in `reports/` matches its record as it is now. Only the very PDF that run wrote (by
    /// its hash) is moved, into `.certreport/superseded/` — kept, never deleted. Returns where.
    pub fn supersede(&self, job: &Job) -> Option<PathBuf> {
        let entry = self.previous.get(&job.name).filter(|_| self.supersede)?;
        if hash_file(&job.output).is_none_or(|h| h != entry.pdf) {
            return None;
        }
        let dir = own::folder(&self.out_dir.join(DIR).join(SUPERSEDED)).ok()?;
        let target = dir.join(job.output.file_name()?);
        std::fs::rename(&job.output, &target).ok()?;
        Some(target)
    }

    /// Records a report written from `stamp`.
    pub fn written(&self, job: &Job, stamp: Stamp, pdf: &[u8], row: &Row) {
        let Ok(input) = std::fs::canonicalize(&job.input) else { return };
        let entry = Entry {
            report: StoredPath(job.name.clone()),
            input: StoredPath(input),
            engine: self.engine.clone(),
            record: stamp.record,
            references: stamp.references,
            pdf: hash(pdf),
            row: row.clone(),
        };
        self.current.lock().expect("manifest lock").insert(job.name.clone(), entry);
    }

    /// Writes the manifest: this run's reports, and those of earlier runs that this run did
    /// not touch (a run on some of the records keeps the others' entries). Never over one of
    /// `inputs`.
    pub fn save(self, out_dir: &Path, jobs: &[Job], inputs: &Inputs) -> Result<(), OutputError> {
        let mut reports: BTreeMap<PathBuf, Entry> = self.previous.into_iter().collect();
        for job in jobs {
            reports.remove(&job.name);
        }
        reports.extend(self.current.into_inner().expect("manifest lock"));
        let manifest = Manifest { version: VERSION, reports: reports.into_values().collect() };
        let path = out_dir.join(DIR).join(FILE);
        inputs.guard_own(&path, Kind::Json)?;
        let json = serde_json::to_vec(&manifest)
            .map_err(|e| OutputError::Io { path: path.clone(), error: e.into() })?;
        write_atomic(&path, &json).map_err(|error| OutputError::Io { path, error })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_that_is_not_utf8_is_kept_byte_for_byte() {
        let odd = PathBuf::from(std::ffi::OsString::from_vec(b"caf\xe9.pdf".to_vec()));
        let json = serde_json::to_string(&(StoredPath(odd.clone()), StoredPath("客户.pdf".into()))).unwrap();
        assert_eq!(json, r#"[[99,97,102,233,46,112,100,102],"客户.pdf"]"#);
        let (back, text): (StoredPath, StoredPath) = serde_json::from_str(&json).unwrap();
        assert_eq!((back.0, text.0), (odd, PathBuf::from("客户.pdf")));
    }
}
