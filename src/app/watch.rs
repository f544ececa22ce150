//! Watch: render a record, then render it again whenever it or a file it names (its profile,
//! its previous record, a scheme file) changes — the authoring loop's live preview.
//!
//! - The [`Engine`] (fonts, template, Typst's caches) is built once and stays warm, so a
//!   re-render costs one compile of the changed data.
//! - The folders of the files are watched, not the files: editors that save by writing a new
//!   file and renaming it over the old one are seen too. Events for other files of those
//!   folders (the report being written, an editor's swap files) are ignored, as are mere reads.
//! - Changes are debounced: an editor's burst of writes gives one render.
//! - An invalid state prints its problems and leaves the last good report in place: a report is
//!   only ever replaced by a complete new one ([`Target::write`] writes atomically).
//! - [`Stopper::stop`] (Ctrl-C in the command line) ends the watch after the current render.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use notify_debouncer_full::notify::event::{AccessKind, AccessMode};
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::base::diagnostic::{Diagnostic, shown};
use crate::errln;
// A file as the watcher reports it: its folder canonical (the folder exists even while an
// editor replaces the file).
use crate::base::files::absolute;
use crate::report::Engine;
use crate::report::target::{Target, describe_written};
use crate::rules::pipeline::{self, CheckResult};

/// How long the files must be quiet before a render: long enough to gather one save's writes,
/// short enough to stay well within the 300 ms an author should wait.
const DEBOUNCE: Duration = Duration::from_millis(40);

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
    /// The watcher failed (printed, then the watch goes on).
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

impl Watch {
    /// A session that renders `record` to `target`. The record must exist, and the target must
    /// not be one of its inputs (the record and the files it names as it is now): that is
    /// refused at once, not at every save. The engine is built here, once.
    pub fn new(record: &Path, target: Target, font_dirs: &[PathBuf]) -> Result<Watch, String> {
        if !record.is_file() {
            return Err(format!("找不到记录文件：{}", shown(record)));
        }
        let inputs = match pipeline::check_file(record) {
            Ok(checked) => checked.input_files(),
            Err(_) => vec![record.to_owned()],
        };
        target
            .guard_inputs(&inputs.iter().map(PathBuf::as_path).collect::<Vec<_>>())
            .map_err(|e| e.to_string())?;
        let engine = Engine::new(font_dirs)?;
        let (sender, signals) = mpsc::channel();
        Ok(Watch { record: record.to_owned(), target, engine, sender, signals })
    }

    pub fn stopper(&self) -> Stopper {
        Stopper(self.sender.clone())
    }

    /// Renders, then renders again after each change until stopped. Fails only when the
    /// file-system watcher cannot be set up.
    pub fn run(&self) -> Result<(), String> {
        let sender = self.sender.clone();
        let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
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
        .map_err(|err| format!("无法监视文件：{err}"))?;
        let mut watched_dirs = HashSet::new();
        let mut watch_folders = |files: &HashSet<PathBuf>| -> Result<(), String> {
            for dir in files.iter().filter_map(|file| file.parent()) {
                if !watched_dirs.contains(dir) {
                    debouncer
                        .watch(dir, RecursiveMode::NonRecursive)
                        .map_err(|err| format!("无法监视文件夹 {}：{err}", dir.display()))?;
                    watched_dirs.insert(dir.to_owned());
                }
            }
            Ok(())
        };
        let mut files = HashSet::from([absolute(&self.record)]);
        // Watch the record's folder before the first render, so that no save is missed.
        watch_folders(&files)?;
        errln!("正在监视 {} 及其引用的文件（按 Ctrl-C 结束）", self.record.display());
        // A folder named by the record that cannot be watched (not there yet) is reported,
        // and the watch goes on with the others.
        let mut update = |files: &HashSet<PathBuf>| {
            let files = self.update(files);
            if let Err(why) = watch_folders(&files) {
                errln!("警告：{why}");
            }
            files
        };
        files = update(&files);
        while let Ok(signal) = self.signals.recv() {
            match signal {
                Signal::Stop => break,
                Signal::Failed(why) => errln!("警告：监视文件时出错：{why}"),
                Signal::Changed(paths) if paths.iter().any(|p| files.contains(p)) => {
                    // Saves that came in while rendering are covered by this render.
                    let mut stop = false;
                    for pending in self.signals.try_iter() {
                        stop |= matches!(pending, Signal::Stop);
                    }
                    if stop {
                        break;
                    }
                    files = update(&files);
                }
                Signal::Changed(_) => {}
            }
        }
        Ok(())
    }

    /// Checks and renders the current state and prints what happened; returns the files to
    /// watch from now on (`known`: those watched so far).
    fn update(&self, known: &HashSet<PathBuf>) -> HashSet<PathBuf> {
        let started = Instant::now();
        let result = pipeline::check_file_with_fonts(&self.record, self.engine.book());
        let files = dependencies(&self.record, &result, known);
        match result {
            Err(error) => self.invalid(error.diagnostics()),
            Ok(checked) if checked.has_errors() => self.invalid(&checked.diagnostics),
            Ok(checked) => {
                print(&checked.diagnostics);
                let inputs = checked.input_files();
                let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
                match self.target.write(&self.engine, &checked.view(), &inputs) {
                    Ok(written) => {
                        let seconds = started.elapsed().as_secs_f64();
                        errln!("已更新 {}（{seconds:.2} 秒）", describe_written(&written));
                    }
                    Err(why) => errln!("错误：{why}；报告未更新"),
                }
            }
        }
        files
    }

    fn invalid(&self, diagnostics: &[Diagnostic]) {
        print(diagnostics);
        errln!("{}：记录有错误，报告未更新（保留上次生成的报告）", self.record.display());
    }
}

fn print(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        errln!("{diagnostic}");
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
        let err = Watch::new(&record, Target::Pdf(dir.path().join("./r.yaml")), &[]).err().unwrap();
        assert!(err.contains("就是输入文件"), "{err}");
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
