//! Watch: render a record, then render it again whenever it or a file it names (its profile,
//! its previous record, a scheme file) changes — the authoring loop's live preview.
//!
//! - A watch prints nothing: it reports what it does as [`Event`]s to the caller's function
//!   (the command line prints them, a server can send them on).
//! - The [`Engine`] (fonts, template, Typst's caches) is built once and stays warm, so a
//!   re-render costs one compile of the changed data.
//! - The folders of the files are watched, not the files: editors that save by writing a new
//!   file and renaming it over the old one are seen too. Events for other files of those
//!   folders (the report being written, an editor's swap files) are ignored, as are mere reads.
//! - A folder deleted and made again (a git checkout, a sync tool) is followed: while it is
//!   missing, its nearest existing parent is watched instead; once it is back (a new folder,
//!   told by its device and inode), it is watched again and the record rendered.
//! - Changes are debounced: an editor's burst of writes gives one render.
//! - An invalid state reports its problems and leaves the last good report in place: a report
//!   is only ever replaced by a complete new one ([`Target::write`] writes atomically).
//! - [`Stopper::stop`] (Ctrl-C in the command line) ends the watch after the current render.
//! - A template folder (the profile's or `--template`) is read again at each render, and its
//!   files are watched like the record's.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::event::{AccessKind, AccessMode};
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::base::diagnostic::{Diagnostic, shown};
// A file as the watcher reports it: its folder canonical (the folder exists even while an
// editor replaces the file).
use crate::base::files::absolute;
use crate::base::output::OutputError;
use crate::report::target::{Target, WriteError};
use crate::report::template::TemplateDiagnostic;
use crate::report::{Engine, RenderError};
use crate::rules::pipeline::{self, CheckResult};

/// How long the files must be quiet before a render: long enough to gather one save's writes,
/// short enough to stay well within the 300 ms an author should wait.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// What a watch session reports.
#[derive(Debug)]
pub enum Event {
    /// The record's folder is watched; the first render follows.
    Watching {
        record: PathBuf,
    },
    /// The problems of the current state, errors and warnings.
    Problems {
        diagnostics: Vec<Diagnostic>,
    },
    /// The report was written again; Typst's warnings about the template, at its files.
    Updated {
        written: Vec<PathBuf>,
        warnings: Vec<TemplateDiagnostic>,
        seconds: f64,
    },
    /// The record has errors: the last good report stays.
    Invalid {
        record: PathBuf,
    },
    /// The report could not be written: the last good report stays.
    NotUpdated {
        error: WriteError,
    },
    Warning(Warning),
}

/// Something the watch went on after.
#[derive(Debug)]
pub enum Warning {
    /// A `--font-path` font passed over.
    Font(String),
    /// A folder (or the nearest of its parents that exists) cannot be watched.
    Unwatchable { dir: PathBuf, why: String },
    /// The file-system watcher reported an error.
    Watcher(String),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Font(why) => f.write_str(why),
            Warning::Unwatchable { dir, why } => write!(f, "无法监视文件夹 {}：{why}", dir.display()),
            Warning::Watcher(why) => write!(f, "监视文件时出错：{why}"),
        }
    }
}

/// Why a watch could not start.
#[derive(Debug)]
pub enum Error {
    /// The record file is not there.
    NoRecord(PathBuf),
    /// The output is one of the record's inputs, or a file of another kind.
    Output(OutputError),
    /// The file-system watcher could not be set up.
    Watcher(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoRecord(record) => write!(f, "找不到记录文件：{}", shown(record)),
            Error::Output(error) => error.fmt(f),
            Error::Watcher(why) => write!(f, "无法监视文件：{why}"),
        }
    }
}

impl std::error::Error for Error {}

/// A watch session of one record.
pub struct Watch {
    record: PathBuf,
    target: Target,
    engine: Engine,
    sender: Sender<Signal>,
    signals: Receiver<Signal>,
}

/// What wakes the session.
enum Signal {
    /// These files changed.
    Changed(Vec<PathBuf>),
    /// The watcher failed (reported, then the watch goes on).
    Failed(String),
    Stop,
}

/// Ends a watch session from another thread (a Ctrl-C handler).
#[derive(Clone)]
pub struct Stopper(Sender<Signal>);

impl Stopper {
    pub fn stop(&self) {
        // The session is gone already when the channel is closed: nothing left to stop.
        let _ = self.0.send(Signal::Stop);
    }
}

/// A folder's identity: device and inode. A folder made again is another folder.
type Identity = (u64, u64);

fn identity(path: &Path) -> Option<Identity> {
    std::fs::metadata(path).ok().filter(|meta| meta.is_dir()).map(|meta| (meta.dev(), meta.ino()))
}

/// The folders a session watches: for each folder of a file it reads, the folder itself or,
/// while it is missing, its nearest existing parent.
struct Folders {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// The folders watched, with their identity when they were.
    watched: HashMap<PathBuf, Identity>,
    /// The folders wanted (those of the files).
    wanted: HashSet<PathBuf>,
}

impl Folders {
    /// Whether a changed path is a wanted folder or one of its parents: a folder on the way to
    /// a file appeared or went.
    fn on_the_way(&self, path: &Path) -> bool {
        self.wanted.iter().any(|dir| dir.starts_with(path))
    }

    /// Watches what is to be watched for the folders of `files`; returns whether a wanted
    /// folder is (again) there that was not watched as it is now — its files are then new.
    fn follow(&mut self, files: &HashSet<PathBuf>, warn: &dyn Fn(Warning)) -> bool {
        self.wanted = files.iter().filter_map(|file| file.parent()).map(Path::to_path_buf).collect();
        let mut appeared = false;
        // A folder can appear between looking and watching: look again until nothing moves.
        for _ in 0..8 {
            let mut targets: HashMap<PathBuf, Identity> = HashMap::new();
            for dir in &self.wanted {
                if let Some(found) = dir.ancestors().find_map(|d| identity(d).map(|id| (d.to_path_buf(), id)))
                {
                    targets.insert(found.0, found.1);
                }
            }
            let mut moved = false;
            for (dir, id) in &targets {
                if self.watched.get(dir) == Some(id) {
                    continue;
                }
                moved = true;
                appeared |= self.wanted.contains(dir);
                // A folder watched before and made again: its old watch went with it.
                let _ = self.debouncer.unwatch(dir);
                match self.debouncer.watch(dir, RecursiveMode::NonRecursive) {
                    Ok(()) => {
                        self.watched.insert(dir.clone(), *id);
                    }
                    Err(error) => warn(Warning::Unwatchable { dir: dir.clone(), why: error.to_string() }),
                }
            }
            let gone: Vec<PathBuf> =
                self.watched.keys().filter(|d| !targets.contains_key(*d)).cloned().collect();
            for dir in gone {
                let _ = self.debouncer.unwatch(&dir);
                self.watched.remove(&dir);
            }
            let settled = targets.iter().all(|(dir, id)| identity(dir) == Some(*id))
                && self.wanted.iter().all(|dir| identity(dir).is_none() || targets.contains_key(dir));
            if settled && !moved {
                break;
            }
        }
        appeared
    }
}

impl Watch {
    /// A session that renders `record` to `target`. The record must exist, and the target must
    /// not be one of its inputs (the record and the files it names as it is now): that is
    /// refused at once, not at every save. The engine is built here, once.
    /// `engine`: the engine to render with (its fonts, its `--template`), built once by the
    /// caller.
    pub fn new(record: &Path, target: Target, engine: Engine) -> Result<Watch, Error> {
        if !record.is_file() {
            return Err(Error::NoRecord(record.to_owned()));
        }
        let inputs = match pipeline::check_file(record) {
            Ok(checked) => checked.input_files(),
            Err(_) => vec![record.to_owned()],
        };
        target
            .guard_inputs(&inputs.iter().map(PathBuf::as_path).collect::<Vec<_>>())
            .map_err(Error::Output)?;
        let (sender, signals) = mpsc::channel();
        Ok(Watch { record: record.to_owned(), target, engine, sender, signals })
    }

    pub fn stopper(&self) -> Stopper {
        Stopper(self.sender.clone())
    }

    /// Renders, then renders again after each change until stopped, telling `events` what
    /// happens. Fails only when the file-system watcher cannot be set up.
    pub fn run(&self, events: &dyn Fn(Event)) -> Result<(), Error> {
        let warn = |warning| events(Event::Warning(warning));
        for warning in self.engine.warnings() {
            warn(Warning::Font(warning.clone()));
        }
        let sender = self.sender.clone();
        let debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            let signal = match result {
                Ok(events) => Signal::Changed(
                    events
                        .into_iter()
                        .filter(|event| is_change(&event.kind))
                        .flat_map(|event| event.event.paths)
                        .collect(),
                ),
                Err(errors) => {
                    Signal::Failed(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("；"))
                }
            };
            let _ = sender.send(signal);
        })
        .map_err(|err| Error::Watcher(err.to_string()))?;
        let mut folders = Folders { debouncer, watched: HashMap::new(), wanted: HashSet::new() };
        let mut files = HashSet::from([absolute(&self.record)]);
        // Watch the record's folder before the first render, so that no save is missed.
        folders.follow(&files, &warn);
        events(Event::Watching { record: self.record.clone() });
        files = self.update(&files, events);
        folders.follow(&files, &warn);
        while let Ok(signal) = self.signals.recv() {
            match signal {
                Signal::Stop => break,
                Signal::Failed(why) => warn(Warning::Watcher(why)),
                Signal::Changed(paths) => {
                    let on_the_way = paths.iter().any(|p| folders.on_the_way(p));
                    let appeared = on_the_way && folders.follow(&files, &warn);
                    if !appeared && !paths.iter().any(|p| files.contains(p)) {
                        continue;
                    }
                    // Saves that came in while rendering are covered by this render.
                    let mut stop = false;
                    for pending in self.signals.try_iter() {
                        stop |= matches!(pending, Signal::Stop);
                    }
                    if stop {
                        break;
                    }
                    files = self.update(&files, events);
                    folders.follow(&files, &warn);
                }
            }
        }
        Ok(())
    }

    /// Checks and renders the current state and reports what happened; returns the files to
    /// watch from now on (`known`: those watched so far).
    fn update(&self, known: &HashSet<PathBuf>, events: &dyn Fn(Event)) -> HashSet<PathBuf> {
        let started = Instant::now();
        // A template folder is read again at each render: one of its files may have changed.
        self.engine.forget_templates();
        let result = pipeline::check_file_with_fonts(&self.record, self.engine.book());
        let template = result.as_ref().ok().map(|checked| self.engine.template_for(&checked.loaded));
        let mut files = dependencies(&self.record, &result, known);
        if let Some(Ok(template)) = &template {
            files.extend(template.disk_files().iter().map(|file| absolute(file)));
        }
        let invalid = |diagnostics: &[Diagnostic]| {
            events(Event::Problems { diagnostics: diagnostics.to_vec() });
            events(Event::Invalid { record: self.record.clone() });
        };
        match (result, template) {
            (Err(error), _) => invalid(error.diagnostics()),
            (Ok(checked), _) if checked.has_errors() => invalid(&checked.diagnostics),
            (Ok(_), Some(Err(why))) => {
                events(Event::NotUpdated { error: WriteError::Render(RenderError::Template(why)) })
            }
            (Ok(checked), template) => {
                if !checked.diagnostics.is_empty() {
                    events(Event::Problems { diagnostics: checked.diagnostics.clone() });
                }
                let template =
                    template.and_then(Result::ok).unwrap_or_else(|| self.engine.builtin_template().clone());
                let inputs = checked.input_files();
                let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
                match self.target.write(&self.engine, &template, &checked.view(), &inputs) {
                    Ok((written, warnings)) => {
                        events(Event::Updated { written, warnings, seconds: started.elapsed().as_secs_f64() })
                    }
                    Err(error) => events(Event::NotUpdated { error }),
                }
            }
        }
        files
    }
}

/// Whether an event may have changed a file's content (reading it may not).
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(access) => *access == AccessKind::Close(AccessMode::Write),
        _ => true,
    }
}

/// The files a render of `record` read: the record, the files it names and any file a
/// problem was found in. When the record could not be loaded, what it names is not known:
/// the files watched so far stay watched.
fn dependencies(record: &Path, result: &CheckResult, known: &HashSet<PathBuf>) -> HashSet<PathBuf> {
    let mut files = HashSet::from([absolute(record)]);
    match result {
        Ok(checked) => {
            files.extend(checked.referenced_files().iter().map(|file| absolute(file)));
            files.extend(checked.diagnostics.iter().map(|d| absolute(&d.file)));
        }
        Err(error) => {
            files.extend(known.iter().cloned());
            files.extend(error.diagnostics().iter().map(|d| absolute(&d.file)));
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_not_changes() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(AccessMode::Any))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(is_change(&EventKind::Create(notify_debouncer_full::notify::event::CreateKind::File)));
    }

    #[test]
    fn an_output_that_is_an_input_is_refused_before_watching() {
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("r.yaml");
        std::fs::write(&record, "profile: p.yaml\n").unwrap();
        let engine = Engine::new(&[]).unwrap();
        let err = Watch::new(&record, Target::Pdf(dir.path().join("./r.yaml")), engine).err().unwrap();
        assert!(err.to_string().contains("就是输入文件"), "{err}");
    }

    #[test]
    fn a_file_is_named_by_its_canonical_folder() {
        let dir = tempfile::tempdir().unwrap();
        let canonical = dir.path().canonicalize().unwrap();
        let file = dir.path().join("sub/../r.yaml");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        assert_eq!(absolute(&file), canonical.join("r.yaml"));
        // A file that does not exist (yet) is named the same way.
        assert_eq!(absolute(&dir.path().join("new.yaml")), canonical.join("new.yaml"));
    }
}
