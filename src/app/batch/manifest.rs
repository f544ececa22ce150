//! The out-dir's bookkeeping: `.certreport/manifest.json` records what each report was made
//! from, so that a batch run again renders only the records whose inputs changed, and so that
//! no report in `reports/` outlives the record it was made from.
//!
//! - A report is taken as it is when all of these are as they were when it was written: the
//!   record file (its path and bytes), the files it refers to (profile, previous record, scheme
//!   file; their bytes), the engine ([`crate::report::Engine::fingerprint`]: program version,
//!   templates, built-in scheme, `--font-path` fonts) and the PDF itself (its bytes: a PDF
//!   deleted or changed in the out-dir is rendered again). The record is still checked (not
//!   rendered) and its summary row made from it as it is: the manifest holds no summary data,
//!   so nothing edited there reaches the summaries. Records that failed are never recorded, so
//!   they are checked again every time.
//! - As it goes, a batch appends each report it wrote to `.certreport/journal.jsonl`, one line
//!   each: a batch killed halfway keeps what it finished, and the next run takes those reports
//!   as they are. At the end the manifest is written whole and the journal removed; a torn last
//!   line (a kill in the middle of it) is ignored.
//! - A report leaves `reports/` for `.certreport/superseded/` — kept, never deleted, every
//!   version under a name of its own (`<name>.<YYYYMMDD-HHMMSS>.<hash>.pdf`, the hash of its
//!   bytes) — whenever it no longer matches a record on disk: its record now fails, or its new
//!   report could not be written (unless the old one still matches the record: only the
//!   program changed, or `--force`); its record file is gone (deleted or renamed); or another
//!   record takes its name. A batch of some of the records leaves the others' reports alone.
//! - Paths are kept byte for byte ([`StoredPath`]: a string when UTF-8, else its bytes), so a
//!   record whose name is not UTF-8 is recorded under its own name and two such names never
//!   meet. The files a record refers to are recorded absolute ([`crate::base::files::absolute`]):
//!   a batch run from another working folder looks at the same files.
//! - A manifest or journal that is not one — random bytes, `null`, a folder, a link, a pipe —
//!   is ignored with a warning and every report is rendered again; the run then writes a good
//!   one in its place (a folder there is moved aside, never deleted). One of an older version
//!   is ignored without a word.

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::fmt;
use std::fs::File;
use std::io::Write;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::own::{self, DIR};
use super::plan::{Job, REPORTS};
use super::{Moved, Reason, Warning};
use crate::base::diagnostic::{io_reason, shown};
use crate::base::files::ReadError;
use crate::base::output::{Inputs, Kind, OutputError, write_atomic};
use crate::rules::pipeline::Checked;

const FILE: &str = "manifest.json";
const JOURNAL: &str = "journal.jsonl";
/// Where reports that no longer match a record are moved.
pub const SUPERSEDED: &str = "superseded";
/// Bumped when the manifest's meaning changes: an older manifest is then ignored.
const VERSION: u32 = 3;
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
            Stored::Bytes(bytes) => PathBuf::from(OsString::from_vec(bytes)),
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
}

/// What a checked record is made from.
#[derive(Debug)]
pub struct Stamp {
    /// The record file, canonical (`None` when it cannot be named so: never recorded).
    input: Option<PathBuf>,
    record: String,
    references: Vec<(StoredPath, String)>,
}

impl Stamp {
    /// The files the record refers to.
    pub fn references(&self) -> impl Iterator<Item = &Path> {
        self.references.iter().map(|(file, _)| file.0.as_path())
    }

    /// Whether a report recorded in `entry` was made from these very files.
    fn made(&self, entry: &Entry) -> bool {
        self.input.as_ref() == Some(&entry.input.0)
            && self.record == entry.record
            && self.references == entry.references
    }
}

fn hash(bytes: &[u8]) -> String {
    format!("{:032x}", typst::utils::hash128(bytes))
}

/// The hash of a regular file's bytes; `None` when it cannot be read.
fn hash_file(path: &Path) -> Option<String> {
    crate::base::files::read_regular(path, MAX_HASHED_BYTES).ok().map(|bytes| hash(&bytes))
}

/// Why the manifest (or the journal) was ignored.
#[derive(Clone, Debug)]
pub enum Unusable {
    /// A folder, a link, a pipe or a device in its place.
    NotAFile,
    Unreadable(std::sync::Arc<std::io::Error>),
    /// A file, but not one certreport wrote.
    NotAManifest,
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unusable::NotAFile => f.write_str("不是普通文件（是文件夹、链接、管道或设备）"),
            Unusable::Unreadable(error) => write!(f, "无法读取（{}）", io_reason(error)),
            Unusable::NotAManifest => f.write_str("内容不是 certreport 的清单（已损坏或被改动）"),
        }
    }
}

/// The bytes of one of the batch's own files; `None` when there is none.
fn read_own(path: &Path) -> Result<Option<Vec<u8>>, Unusable> {
    match crate::base::files::read_own(path, MAX_HASHED_BYTES) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(ReadError::Io(e)) if e.raw_os_error() == Some(libc::ELOOP) => Err(Unusable::NotAFile),
        Err(ReadError::Io(e)) => Err(Unusable::Unreadable(e.into())),
        Err(ReadError::NotRegular | ReadError::TooLarge(_)) => Err(Unusable::NotAFile),
    }
}

/// The previous run's entries: the manifest's, then those of the journal of a run that did
/// not finish. What cannot be read as either is ignored with a warning.
fn read_previous(dir: &Path, warn: &dyn Fn(Warning)) -> HashMap<PathBuf, Entry> {
    let unusable = |path: PathBuf, why: Unusable| warn(Warning::Manifest { path, why });
    let mut entries: HashMap<PathBuf, Entry> = HashMap::new();
    let path = dir.join(FILE);
    match read_own(&path) {
        Ok(None) => {}
        Ok(Some(bytes)) => match serde_json::from_slice::<Manifest>(&bytes) {
            Ok(manifest) if manifest.version == VERSION => {
                entries.extend(manifest.reports.into_iter().map(|e| (e.report.0.clone(), e)));
            }
            Ok(_) => {}
            // An older manifest reads as an object with another version: no warning.
            Err(_)
                if serde_json::from_slice::<serde_json::Value>(&bytes)
                    .is_ok_and(|v| v.get("version").is_some_and(|v| v.as_u64() != Some(VERSION.into()))) => {}
            Err(_) => unusable(path, Unusable::NotAManifest),
        },
        Err(why) => unusable(path, why),
    }
    let path = dir.join(JOURNAL);
    match read_own(&path) {
        Ok(None) => {}
        Ok(Some(bytes)) => {
            let lines = bytes.split(|&b| b == b'\n').filter(|line| !line.is_empty());
            // A line torn by a kill (the last) is the one that does not read.
            for entry in lines.filter_map(|line| serde_json::from_slice::<Entry>(line).ok()) {
                entries.insert(entry.report.0.clone(), entry);
            }
        }
        Err(why) => unusable(path, why),
    }
    entries
}

/// The manifest during a run: the previous run's, and this run's as it is made.
pub struct Tracker {
    out_dir: PathBuf,
    /// The previous run's entries, by report.
    previous: HashMap<PathBuf, Entry>,
    /// Whether a report may be taken as it is (not with `--force`).
    reuse: bool,
    engine: String,
    /// Files referred to by many records (a CB's profile) are hashed once per run.
    hashes: Mutex<HashMap<PathBuf, Option<String>>>,
    current: Mutex<BTreeMap<PathBuf, Entry>>,
    /// Where this run's reports are recorded as they are written.
    journal: Mutex<Option<File>>,
}

impl Tracker {
    /// Reads the out-dir's manifest (and the journal of a run that did not finish). Without
    /// `reuse`, nothing counts as unchanged; without `writes` (`--check-only`), nothing is read
    /// or recorded.
    pub fn open(out_dir: &Path, engine: u128, reuse: bool, writes: bool, warn: &dyn Fn(Warning)) -> Tracker {
        let dir = out_dir.join(DIR);
        let previous = if writes { read_previous(&dir, warn) } else { HashMap::new() };
        let journal = writes.then(|| own::make_room(&dir.join(JOURNAL)).ok()).flatten().and_then(|path| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(path)
                .ok()
                .filter(|file| file.metadata().is_ok_and(|meta| meta.is_file()))
        });
        Tracker {
            out_dir: out_dir.to_owned(),
            previous,
            reuse,
            engine: format!("{engine:032x}"),
            hashes: Mutex::new(HashMap::new()),
            current: Mutex::new(BTreeMap::new()),
            journal: Mutex::new(journal),
        }
    }

    /// The report each record file (canonical) had in the previous run: it keeps that name.
    pub fn names(&self) -> HashMap<PathBuf, PathBuf> {
        self.previous.values().map(|entry| (entry.input.0.clone(), entry.report.0.clone())).collect()
    }

    fn hash_shared(&self, path: &Path) -> Option<String> {
        if let Some(known) = self.hashes.lock().expect("hashes lock").get(path) {
            return known.clone();
        }
        let hashed = hash_file(path);
        self.hashes.lock().expect("hashes lock").insert(path.to_owned(), hashed.clone());
        hashed
    }

    /// What a checked record is made from.
    pub fn stamp(&self, job: &Job, checked: &Checked) -> Stamp {
        let references = checked
            .referenced_files()
            .into_iter()
            .map(|file| {
                let file = crate::base::files::absolute(&file);
                let hashed = self.hash_shared(&file).unwrap_or_default();
                (StoredPath(file), hashed)
            })
            .collect();
        Stamp {
            input: std::fs::canonicalize(&job.input).ok(),
            record: hash(checked.loaded.source.text.as_bytes()),
            references,
        }
    }

    /// Whether the job's report is up to date (then it is recorded as this run's).
    pub fn unchanged(&self, job: &Job, stamp: &Stamp) -> bool {
        let Some(entry) = self.previous.get(&job.name).filter(|_| self.reuse) else { return false };
        let fresh = entry.engine == self.engine
            && stamp.made(entry)
            && hash_file(&job.output).is_some_and(|h| h == entry.pdf);
        if fresh {
            self.current.lock().expect("manifest lock").insert(job.name.clone(), entry.clone());
        }
        fresh
    }

    /// Moves aside the report at a job's output whose record now fails or whose new report was
    /// not written — unless `stamp` (the record as it is, when it could be read) shows that the
    /// report still matches it. Returns where it went, or why it could not go.
    pub fn retire(&self, job: &Job, stamp: Option<&Stamp>) -> Option<Result<PathBuf, String>> {
        let still = self.previous.get(&job.name).is_some_and(|entry| {
            stamp.is_some_and(|stamp| stamp.made(entry))
                && hash_file(&job.output).is_some_and(|h| h == entry.pdf)
        });
        if still { None } else { self.move_aside(&job.name) }
    }

    /// Before a job's new report is written: the report at its name, if the previous run made it
    /// from another record file, is that record's and is moved aside.
    pub fn make_room(&self, job: &Job) -> Option<Moved> {
        let entry = self.previous.get(&job.name)?;
        let input = std::fs::canonicalize(&job.input).ok()?;
        if input == entry.input.0 {
            return None;
        }
        // A report that cannot be moved is replaced by the new one: the name is this record's.
        let to = self.move_aside(&job.name)?.ok()?;
        Some(Moved { report: job.output.clone(), to, reason: Reason::Taken { by: job.input.clone() } })
    }

    /// Moves aside the reports of records that are gone (deleted or renamed: the record file
    /// the previous run made them from no longer exists) and that no job of this run writes;
    /// they leave the manifest too.
    pub fn retire_deleted(&mut self, jobs: &[Job]) -> Vec<Moved> {
        let written: std::collections::HashSet<&Path> = jobs.iter().map(|job| job.name.as_path()).collect();
        let gone: Vec<PathBuf> = self
            .previous
            .iter()
            .filter(|(name, entry)| {
                !written.contains(name.as_path())
                    && std::fs::symlink_metadata(&entry.input.0)
                        .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
            })
            .map(|(name, _)| name.clone())
            .collect();
        let mut moved = Vec::new();
        for name in gone {
            let entry = self.previous.remove(&name).expect("an entry");
            if let Some(Ok(to)) = self.move_aside(&name) {
                moved.push(Moved {
                    report: self.out_dir.join(&name),
                    to,
                    reason: Reason::Deleted { record: entry.input.0 },
                });
            }
        }
        moved
    }

    /// Moves the report `name` (relative to the out-dir) into `superseded/`, under a name of its
    /// own: its name, the time and the hash of its bytes. Returns where, or why it could not be
    /// moved; `None` when there is no such report.
    fn move_aside(&self, name: &Path) -> Option<Result<PathBuf, String>> {
        let report = self.out_dir.join(name);
        let hashed = hash_file(&report)?;
        let relative = name.strip_prefix(REPORTS).unwrap_or(name);
        let moved = || {
            let mut dir = own::folder(&self.out_dir.join(DIR).join(SUPERSEDED))?;
            for part in relative.parent().into_iter().flat_map(Path::components) {
                dir = own::folder(&dir.join(part))?;
            }
            let mut file = relative.file_stem().unwrap_or_default().to_owned();
            let time = chrono::Local::now().format("%Y%m%d-%H%M%S");
            file.push(format!(".{time}.{}.pdf", &hashed[..12]));
            let target = dir.join(file);
            std::fs::rename(&report, &target).map_err(|e| io_reason(&e))?;
            Ok(target)
        };
        Some(moved())
    }

    /// Records a report written from `stamp`, in the journal at once.
    pub fn written(&self, job: &Job, stamp: Stamp, pdf: &[u8]) {
        let Some(input) = stamp.input else { return };
        let entry = Entry {
            report: StoredPath(job.name.clone()),
            input: StoredPath(input),
            engine: self.engine.clone(),
            record: stamp.record,
            references: stamp.references,
            pdf: hash(pdf),
        };
        if let Some(journal) = self.journal.lock().expect("journal lock").as_mut() {
            let mut line = serde_json::to_vec(&entry).expect("an entry serializes");
            line.push(b'\n');
            // A journal that cannot be written costs only this: the report is rendered again
            // should the run be killed.
            let _ = journal.write_all(&line);
        }
        self.current.lock().expect("manifest lock").insert(job.name.clone(), entry);
    }

    /// Writes the manifest: this run's reports, and those of earlier runs that this run did
    /// not touch (a run on some of the records keeps the others' entries); then the journal
    /// goes. Never over one of `inputs`.
    pub fn save(self, jobs: &[Job], inputs: &Inputs) -> Result<(), OutputError> {
        let mut reports: BTreeMap<PathBuf, Entry> = self.previous.into_iter().collect();
        for job in jobs {
            reports.remove(&job.name);
        }
        reports.extend(self.current.into_inner().expect("manifest lock"));
        let manifest = Manifest { version: VERSION, reports: reports.into_values().collect() };
        let dir = self.out_dir.join(DIR);
        let path = own::make_room(&dir.join(FILE))
            .map_err(|error| OutputError::Io { path: dir.join(FILE), error })?;
        inputs.guard_own(&path, Kind::Json)?;
        let json = serde_json::to_vec(&manifest)
            .map_err(|e| OutputError::Io { path: path.clone(), error: e.into() })?;
        write_atomic(&path, &json).map_err(|error| OutputError::Io { path, error })?;
        drop(self.journal);
        let journal = dir.join(JOURNAL);
        if inputs.guard_own(&journal, Kind::Json).is_ok() {
            let _ = std::fs::remove_file(journal);
        }
        Ok(())
    }
}

/// Says where a record's earlier report went, or why it stayed, for its summary row.
pub fn moved_note(moved: &Result<PathBuf, String>) -> String {
    match moved {
        Ok(to) => format!("（此前生成的报告已不符合记录，移至 {}）", shown(to)),
        Err(why) => format!("（此前生成的报告已不符合记录，但无法移出 {REPORTS}/：{why}；请勿使用该旧报告）"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_that_is_not_utf8_is_kept_byte_for_byte() {
        let odd = PathBuf::from(OsString::from_vec(b"caf\xe9.pdf".to_vec()));
        let json = serde_json::to_string(&(StoredPath(odd.clone()), StoredPath("客户.pdf".into()))).unwrap();
        assert_eq!(json, r#"[[99,97,102,233,46,112,100,102],"客户.pdf"]"#);
        let (back, text): (StoredPath, StoredPath) = serde_json::from_str(&json).unwrap();
        assert_eq!((back.0, text.0), (odd, PathBuf::from("客户.pdf")));
    }
}
