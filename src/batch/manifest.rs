//! Incremental re-runs: the out-dir's manifest (`.certreport/manifest.json`) records what each
//! report was made from, so that a batch run again renders only the records whose inputs
//! changed.
//!
//! A report is taken as it is when all of these are as they were when it was written: the
//! record file (its path and bytes), the files it refers to (profile, previous record, scheme
//! file; their bytes), the engine ([`crate::render::Engine::fingerprint`]: program version,
//! templates, built-in scheme, `--font-path` fonts) and the PDF itself (its bytes: a PDF
//! deleted or changed in the out-dir is rendered again). Its summary row is then the one
//! recorded, marked [`Status::Unchanged`]. Records that failed are never recorded, so they are
//! checked again every time.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::plan::Job;
use super::{Row, Status};
use crate::output::{Inputs, Kind, OutputError, write_atomic};
use crate::pipeline::Checked;

/// The out-dir's folder for the batch's own files: the manifest and the lock.
pub const DIR: &str = ".certreport";
const FILE: &str = "manifest.json";
/// Bumped when the manifest's meaning changes: an older manifest is then ignored.
const VERSION: u32 = 1;
/// Files larger than this are not hashed (and so never taken as unchanged).
const MAX_HASHED_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    version: u32,
    /// By the report's path relative to the out-dir.
    reports: BTreeMap<String, Entry>,
}

/// What one report was made from.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry {
    /// The record file, canonical.
    input: PathBuf,
    engine: String,
    record: String,
    /// The files the record refers to, with their hashes.
    references: Vec<(PathBuf, String)>,
    pdf: String,
    row: Row,
}

/// What a rendered record was made from, to be recorded once its PDF is written.
#[derive(Debug)]
pub struct Stamp {
    record: String,
    references: Vec<(PathBuf, String)>,
}

impl Stamp {
    /// The files the record refers to.
    pub fn references(&self) -> impl Iterator<Item = &Path> {
        self.references.iter().map(|(file, _)| file.as_path())
    }
}

fn hash(bytes: &[u8]) -> String {
    format!("{:032x}", typst::utils::hash128(bytes))
}

/// The hash of a regular file's bytes; `None` when it cannot be read.
fn hash_file(path: &Path) -> Option<String> {
    let mut bytes = Vec::new();
    crate::files::open_regular(path).ok()?.take(MAX_HASHED_BYTES + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX_HASHED_BYTES).then(|| hash(&bytes))
}

/// The manifest during a run: the previous run's, and this run's as it is made.
pub struct Tracker {
    previous: Manifest,
    engine: String,
    /// Files referred to by many records (a CB's profile) are hashed once per run.
    hashes: Mutex<HashMap<PathBuf, Option<String>>>,
    current: Mutex<BTreeMap<String, Entry>>,
}

impl Tracker {
    /// Reads the out-dir's manifest (none, or one unreadable or of another version, is taken
    /// as empty). With `force`, nothing counts as unchanged.
    pub fn new(out_dir: &Path, engine: u128, force: bool) -> Tracker {
        let previous = std::fs::read(out_dir.join(DIR).join(FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .filter(|manifest| manifest.version == VERSION && !force)
            .unwrap_or_default();
        Tracker {
            previous,
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
        let entry = self.previous.reports.get(&job.name)?;
        let fresh = entry.engine == self.engine
            && std::fs::canonicalize(&job.input).is_ok_and(|input| input == entry.input)
            && hash_file(&job.input).is_some_and(|h| h == entry.record)
            && entry.references.iter().all(|(file, h)| self.hash_shared(file).as_ref() == Some(h))
            && hash_file(&job.output).is_some_and(|h| h == entry.pdf);
        if !fresh {
            return None;
        }
        self.current.lock().expect("manifest lock").insert(job.name.clone(), entry.clone());
        let mut row = entry.row.clone();
        row.file = job.input.display().to_string();
        row.output = job.output.display().to_string();
        row.status = Some(Status::Unchanged);
        Some(row)
    }

    /// What a checked record is made from: taken before it is rendered.
    pub fn stamp(&self, checked: &Checked) -> Stamp {
        let references = checked
            .referenced_files()
            .into_iter()
            .map(|file| {
                let hashed = self.hash_shared(&file).unwrap_or_default();
                (file, hashed)
            })
            .collect();
        Stamp { record: hash(checked.loaded.source.text.as_bytes()), references }
    }

    /// Records a report written from `stamp`.
    pub fn written(&self, job: &Job, stamp: Stamp, pdf: &[u8], row: &Row) {
        let Ok(input) = std::fs::canonicalize(&job.input) else { return };
        let entry = Entry {
            input,
            engine: self.engine.clone(),
            record: stamp.record,
            references: stamp.references,
            pdf: hash(pdf),
            row: row.clone(),
        };
        self.current.lock().expect("manifest lock").insert(job.name.clone(), entry);
    }

    /// Writes the manifest: this run's reports, and those of earlier runs that this run did
    /// not touch (a run on some of the records keeps the others' entries).
    pub fn save(self, out_dir: &Path, jobs: &[Job]) -> Result<(), OutputError> {
        let mut reports = self.previous.reports;
        for job in jobs {
            reports.remove(&job.name);
        }
        reports.extend(self.current.into_inner().expect("manifest lock"));
        let manifest = Manifest { version: VERSION, reports };
        let path = out_dir.join(DIR).join(FILE);
        Inputs::default().guard(&path, &[], Kind::Json)?;
        let json = serde_json::to_vec(&manifest).expect("the manifest serializes");
        write_atomic(&path, &json).map_err(|error| OutputError::Io { path, error })
    }
}
