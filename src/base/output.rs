//! Writing results safely.
//!
//! - [`write_atomic`] writes to a temporary file in the target folder, then renames it into
//!   place: a failure never leaves a partial file, and an existing file is replaced only by a
//!   complete new one. Its temporary files are named `.certreport-*.tmp` and locked while
//!   being written, so that [`remove_stale_temporaries`] can tell a killed run's leftovers
//!   from a file another process is still writing.
//! - [`guard`] (or [`Inputs::guard`]) is asked before writing an output: an output never
//!   replaces one of the command's inputs (compared as files — device and inode — not as
//!   spellings), nor an existing file of another kind than the one being written (a PDF
//!   replaces only a PDF), nor anything but a regular file (a folder, a link, a device).
//! - [`write_new`] never replaces anything: for files a user edits afterwards (`next`).

use crate::base::diagnostic::{io_reason, shown};
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// What an output file holds: an existing file is replaced only by one of its own kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A report or a 汇总表: begins with `%PDF-`.
    Pdf,
    /// A page image: begins with the PNG signature.
    Png,
    /// A batch's summary.csv: begins (after the byte-order mark) with its header's first cell.
    SummaryCsv,
    /// A JSON document (summary.json, the batch manifest): begins with `{`.
    Json,
    /// A record the editor saves: text (no NUL byte), neither a PDF nor an image.
    Yaml,
}

impl Kind {
    /// The name a user reads.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF 文件",
            Kind::Png => "PNG 图片",
            Kind::SummaryCsv => "批量汇总 CSV 文件",
            Kind::Json => "JSON 文件",
            Kind::Yaml => "YAML 记录文件",
        }
    }

    /// Whether a file beginning with `head` is of this kind.
    fn matches(self, head: &[u8]) -> bool {
        match self {
            Kind::Pdf => head.starts_with(b"%PDF-"),
            Kind::Png => head.starts_with(b"\x89PNG\r\n\x1a\n"),
            Kind::SummaryCsv => {
                head.strip_prefix("\u{feff}".as_bytes()).unwrap_or(head).starts_with("文件,".as_bytes())
            }
            Kind::Json => head.trim_ascii_start().starts_with(b"{"),
            Kind::Yaml => !head.contains(&0) && !Kind::Pdf.matches(head) && !Kind::Png.matches(head),
        }
    }
}

/// Why an output was not written.
#[derive(Debug)]
pub enum OutputError {
    /// The output is one of the command's inputs (maybe under another spelling or a link).
    IsInput { output: PathBuf, input: PathBuf },
    /// An existing file of another kind is in the way.
    OtherKind { output: PathBuf, kind: Kind },
    /// A folder, link, device or pipe is in the way.
    NotAFile { output: PathBuf },
    /// The file system refused.
    Io { path: PathBuf, error: std::io::Error },
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::IsInput { .. } => write!(f, "{}：请用 -o 指定另一个文件名", self.is_input_message()),
            OutputError::OtherKind { output, kind } => write!(
                f,
                "{} 已存在且不是{}，不会覆盖：请换一个文件名或先移走它",
                shown(output),
                kind.label()
            ),
            OutputError::NotAFile { output } => {
                write!(f, "{} 已存在且不是普通文件（是目录、链接或设备），不会覆盖", shown(output))
            }
            OutputError::Io { path, error } => write!(f, "无法写入 {}：{}", shown(path), io_reason(error)),
        }
    }
}

impl std::error::Error for OutputError {}

impl OutputError {
    /// [`OutputError::IsInput`] without the advice, which depends on the command: `输出文件 …
    /// 就是输入文件 …，不会覆盖`.
    pub fn is_input_message(&self) -> String {
        match self {
            OutputError::IsInput { output, input } => {
                format!("输出文件 {} 就是输入文件 {}，不会覆盖", shown(output), shown(input))
            }
            other => other.to_string(),
        }
    }
}

/// A file's identity on disk: device and inode.
type FileKey = (u64, u64);

fn key(meta: &std::fs::Metadata) -> FileKey {
    (meta.dev(), meta.ino())
}

/// The files a command reads, by identity: an output must be none of them.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    files: HashMap<FileKey, PathBuf>,
}

impl Inputs {
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Inputs {
        let mut inputs = Inputs::default();
        for path in paths {
            inputs.add(path);
        }
        inputs
    }

    /// Adds a file (a file that does not exist cannot be overwritten and is left out).
    pub fn add(&mut self, path: &Path) {
        if let Ok(meta) = std::fs::metadata(path) {
            self.files.entry(key(&meta)).or_insert_with(|| path.to_owned());
        }
    }

    /// Checks that `output` may be written as a file of `kind`, also against `more` inputs.
    pub fn guard(&self, output: &Path, more: &[&Path], kind: Kind) -> Result<(), OutputError> {
        self.check(output, more, kind, false)
    }

    /// [`Inputs::guard`] for a file in the program's own folder (`.certreport/`): whatever a
    /// file there holds, a link, a pipe or a device found there, is no user's and is replaced
    /// — the entry itself, never what a link leads to. An input (also through a link) or a
    /// folder still stops it.
    pub fn guard_own(&self, output: &Path, kind: Kind) -> Result<(), OutputError> {
        self.check(output, &[], kind, true)
    }

    fn check(&self, output: &Path, more: &[&Path], kind: Kind, own: bool) -> Result<(), OutputError> {
        let meta = match std::fs::symlink_metadata(output) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(OutputError::Io { path: output.to_owned(), error }),
        };
        // Through a link to an input too: the input is named, not the link.
        let target = std::fs::metadata(output).ok();
        let found = target.as_ref().and_then(|target| {
            let target = key(target);
            self.files.get(&target).cloned().or_else(|| {
                more.iter()
                    .find(|p| std::fs::metadata(p).is_ok_and(|m| key(&m) == target))
                    .map(|p| p.to_path_buf())
            })
        });
        if let Some(input) = found {
            return Err(OutputError::IsInput { output: output.to_owned(), input });
        }
        if own && !meta.is_file() && !meta.is_dir() {
            return Ok(());
        }
        if !meta.is_file() {
            return Err(OutputError::NotAFile { output: output.to_owned() });
        }
        if own {
            return Ok(());
        }
        let mut head = Vec::with_capacity(16);
        crate::base::files::open_own(output)
            .and_then(|file| file.take(16).read_to_end(&mut head))
            .map_err(|error| OutputError::Io { path: output.to_owned(), error })?;
        // An empty file holds nothing to lose.
        if head.is_empty() || kind.matches(&head) {
            Ok(())
        } else {
            Err(OutputError::OtherKind { output: output.to_owned(), kind })
        }
    }
}

/// Checks that `output` may be written as a file of `kind` by a command reading `inputs`.
pub fn guard(output: &Path, inputs: &[&Path], kind: Kind) -> Result<(), OutputError> {
    Inputs::default().guard(output, inputs, kind)
}

/// [`guard`], then [`write_atomic`].
pub fn write_guarded(output: &Path, bytes: &[u8], inputs: &[&Path], kind: Kind) -> Result<(), OutputError> {
    guard(output, inputs, kind)?;
    write_atomic(output, bytes).map_err(|error| OutputError::Io { path: output.to_owned(), error })
}

/// The prefix and suffix of [`write_atomic`]'s temporary files, and how many random letters
/// and digits come between.
const TEMP_PREFIX: &str = ".certreport-";
const TEMP_SUFFIX: &str = ".tmp";
const TEMP_RANDOM: usize = 6;

/// Writes `bytes` into a new, locked temporary file beside `path`, synced to disk. Its mode is
/// that of the file it replaces, else what the umask leaves of `rw-rw-rw-`: a CB whose umask
/// keeps its reports from others (027, 077) finds them so, and a report made private stays
/// private when it is written again.
fn temporary(path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(TEMP_RANDOM)
        // The kernel takes the umask off.
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    // Held until the file is renamed and closed: a cleaner sees it is in use.
    file.as_file().lock()?;
    if let Ok(existing) = std::fs::symlink_metadata(path)
        && existing.is_file()
    {
        let mode = existing.permissions().mode() & 0o7777;
        file.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    Ok(file)
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    temporary(path, bytes)?.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `bytes` to `path` atomically, only if nothing is there yet
/// (`ErrorKind::AlreadyExists` otherwise).
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    temporary(path, bytes)?.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

/// Whether a file name is one of [`write_atomic`]'s temporary files: `.certreport-`, six
/// letters or digits, `.tmp` — and nothing else (`.certreport-notes.tmp` is a user's).
pub fn is_temporary(name: &str) -> bool {
    name.strip_prefix(TEMP_PREFIX).and_then(|rest| rest.strip_suffix(TEMP_SUFFIX)).is_some_and(|random| {
        random.len() == TEMP_RANDOM && random.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Removes the temporary files that a killed run left in `dir` (with `recursive`, in its
/// subfolders too; the walk follows no link). A temporary file still locked by a live writer is
/// left alone. Returns how many were removed.
pub fn remove_stale_temporaries(dir: &Path, recursive: bool) -> usize {
    let mut removed = 0;
    let depth = if recursive { crate::base::files::MAX_DEPTH } else { 1 };
    let walk = walkdir::WalkDir::new(dir).follow_links(false).max_depth(depth);
    for entry in walk.into_iter().flatten() {
        if !entry.file_type().is_file() || !entry.file_name().to_str().is_some_and(is_temporary) {
            continue;
        }
        let Ok(file) = File::open(entry.path()) else { continue };
        if file.try_lock().is_ok() && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_never_replaces_an_input_or_another_kind() {
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("r.yaml");
        std::fs::write(&record, "audit_type: initial\n").unwrap();
        // The same file under another spelling, and through a link.
        let spelled = dir.path().join(".").join("r.yaml");
        let err = guard(&spelled, &[&record], Kind::Pdf).unwrap_err();
        assert!(matches!(err, OutputError::IsInput { .. }), "{err}");
        let link = dir.path().join("r.pdf");
        std::os::unix::fs::symlink(&record, &link).unwrap();
        assert!(matches!(guard(&link, &[&record], Kind::Pdf), Err(OutputError::IsInput { .. })));
        // A file of another kind.
        let notes = dir.path().join("notes.pdf");
        std::fs::write(&notes, "my notes").unwrap();
        assert!(matches!(guard(&notes, &[&record], Kind::Pdf), Err(OutputError::OtherKind { .. })));
        // A PDF, an empty file, a new name: fine.
        let old = dir.path().join("old.pdf");
        std::fs::write(&old, "%PDF-1.7\n...").unwrap();
        assert!(guard(&old, &[&record], Kind::Pdf).is_ok());
        std::fs::write(dir.path().join("empty.pdf"), "").unwrap();
        assert!(guard(&dir.path().join("empty.pdf"), &[&record], Kind::Pdf).is_ok());
        assert!(guard(&dir.path().join("new.pdf"), &[&record], Kind::Pdf).is_ok());
        // A folder.
        assert!(matches!(guard(dir.path(), &[], Kind::Pdf), Err(OutputError::NotAFile { .. })));
    }

    #[test]
    fn kinds_are_told_by_their_first_bytes() {
        assert!(Kind::SummaryCsv.matches("\u{feff}文件,受审查方".as_bytes()));
        assert!(!Kind::SummaryCsv.matches(b"name,age"));
        assert!(Kind::Json.matches(b"  {\"a\": 1}"));
        assert!(!Kind::Json.matches(b"profile: x"));
        assert!(Kind::Png.matches(b"\x89PNG\r\n\x1a\n...."));
    }

    #[test]
    fn write_new_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.yaml");
        write_new(&path, b"one").unwrap();
        let err = write_new(&path, b"two").unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        assert!(std::fs::read_dir(dir.path()).unwrap().count() == 1, "no temporary file left");
    }

    #[test]
    fn stale_temporaries_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let stale = dir.path().join("sub/.certreport-Abc123.tmp");
        std::fs::write(&stale, "half").unwrap();
        let live = dir.path().join(".certreport-def456.tmp");
        std::fs::write(&live, "writing").unwrap();
        let holder = File::open(&live).unwrap();
        holder.lock().unwrap();
        std::fs::write(dir.path().join("keep.tmp"), "not ours").unwrap();
        std::fs::write(dir.path().join(".certreport-userfile.tmp"), "not ours").unwrap();
        assert_eq!(remove_stale_temporaries(dir.path(), false), 0, "not in a subfolder");
        assert_eq!(remove_stale_temporaries(dir.path(), true), 1);
        assert!(!stale.exists());
        assert!(dir.path().join(".certreport-userfile.tmp").exists());
        assert!(live.exists());
        assert!(dir.path().join("keep.tmp").exists());
    }
}
