//! Finding files: the records of a batch, the fonts of a `--font-path` folder.
//!
//! A walk never loops and never blocks: links to folders are followed, but each folder is read
//! at most once (a link back to a folder already seen, `ln -s . loop`, is passed over), no
//! deeper than [`MAX_DEPTH`] levels, and the kernel's pseudo file systems (`/proc`, `/sys` and
//! the like) are not entered. Only regular files are listed: a pipe or a device that happens to
//! be named `a.ttf` is never opened. [`open_regular`] opens a listed file the same way, without
//! blocking, and refuses it should it have been replaced by anything but a regular file;
//! [`read_regular`] reads one, never more than a limit, whatever its size claims (a file in
//! `/proc` claims none, a sparse file terabytes). [`open_own`] opens a file of the program's
//! own folders, where no link is followed.

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::base::diagnostic::shown;

/// How many folder levels below the starting folder a walk goes.
pub const MAX_DEPTH: usize = 32;

/// What a walk found: the files, and what it passed over that the user may have meant.
#[derive(Debug, Default)]
pub struct Found {
    /// Sorted, so that every run sees the same order.
    pub files: Vec<PathBuf>,
    /// Why something that looked wanted was passed over, in Chinese: a file named only by the
    /// extension (`.yaml`), a folder deeper than [`MAX_DEPTH`].
    pub passed_over: Vec<String>,
}

/// Every regular file below `dir` (recursively) whose extension is one of `extensions`
/// (compared without regard to case). Unreadable folders are passed over.
pub fn find(dir: &Path, extensions: &[&str]) -> Found {
    let wanted = |ext: &std::ffi::OsStr| {
        ext.to_str().is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
    };
    let mut seen = HashSet::new();
    let mut found = Found::default();
    let walk = walkdir::WalkDir::new(dir).follow_links(true).max_depth(MAX_DEPTH).into_iter().filter_entry(
        |entry| {
            if !entry.file_type().is_dir() {
                return true;
            }
            // Each folder once, by identity: no cycle, no exponential walk through links.
            entry.metadata().is_ok_and(|meta| seen.insert((meta.dev(), meta.ino())))
                && !is_pseudo_file_system(entry.path())
        },
    );
    for entry in walk.flatten() {
        let path = entry.path();
        if entry.file_type().is_dir() {
            // Listed, but not entered.
            if entry.depth() == MAX_DEPTH {
                found
                    .passed_over
                    .push(format!("跳过文件夹 {}：超过 {MAX_DEPTH} 层，不再深入查找", shown(path)));
            }
        } else if entry.file_type().is_file() {
            if path.extension().is_some_and(wanted) {
                found.files.push(entry.into_path());
            } else if path
                .file_name()
                .and_then(|n| n.to_str()?.strip_prefix('.'))
                .is_some_and(|e| wanted(e.as_ref()))
            {
                found.passed_over.push(format!("跳过 {}：文件名只有扩展名，没有名字", shown(path)));
            }
        }
    }
    found.files.sort();
    found.passed_over.sort();
    found
}

/// Whether `dir` is on one of the kernel's pseudo file systems, whose files are not files
/// (procfs, sysfs, cgroups, debugfs …): a walk of `/` passes them over.
fn is_pseudo_file_system(dir: &Path) -> bool {
    rustix::fs::statfs(dir).is_ok_and(|fs| PSEUDO.contains(&(fs.f_type as u32)))
}

/// The kernel's pseudo file systems: procfs, sysfs, cgroups, debugfs …
const PSEUDO: [u32; 12] = [
    0x9fa0,      // proc
    0x6265_6572, // sysfs
    0x1cd1,      // devpts
    0x0027_e0eb, // cgroup
    0x6367_7270, // cgroup2
    0x6462_6720, // debugfs
    0x7472_6163, // tracefs
    0x7363_6673, // securityfs
    0xcafe_4a11, // bpf
    0x6165_676c, // pstore
    0x6265_6570, // configfs
    0x6573_5546, // fusectl
];

/// Opens a file for reading, without blocking, only if it is a regular file (not a pipe, a
/// device or a folder).
pub fn open_regular(path: &Path) -> std::io::Result<File> {
    open(path, libc::O_NONBLOCK).map_err(ReadError::into_io)
}

/// [`open_regular`] for a file of the program's own folders: a link is not followed either.
pub fn open_own(path: &Path) -> std::io::Result<File> {
    open(path, libc::O_NONBLOCK | libc::O_NOFOLLOW).map_err(ReadError::into_io)
}

fn open(path: &Path, flags: i32) -> Result<File, ReadError> {
    // Look before opening: opening a device or a FIFO can itself block or act.
    let meta =
        if flags & libc::O_NOFOLLOW != 0 { std::fs::symlink_metadata(path) } else { std::fs::metadata(path) };
    if !meta.map_err(ReadError::Io)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    // Looked at again once open, in case the file was swapped meanwhile.
    let file =
        std::fs::OpenOptions::new().read(true).custom_flags(flags).open(path).map_err(ReadError::Io)?;
    // A "file" of /proc or /sys (a link may lead there) is the kernel's, never a document.
    let pseudo = rustix::fs::fstatfs(&file).is_ok_and(|fs| PSEUDO.contains(&(fs.f_type as u32)));
    if file.metadata().map_err(ReadError::Io)?.is_file() && !pseudo {
        Ok(file)
    } else {
        Err(ReadError::NotRegular)
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// A folder, a pipe, a device, a file of the kernel's pseudo file systems (or, for
    /// [`open_own`], a link).
    NotRegular,
    /// More bytes than the limit: how many it has at least.
    TooLarge(u64),
    Io(std::io::Error),
}

impl ReadError {
    fn into_io(self) -> std::io::Error {
        match self {
            ReadError::Io(error) => error,
            ReadError::NotRegular => std::io::Error::new(std::io::ErrorKind::InvalidInput, "不是普通文件"),
            ReadError::TooLarge(_) => std::io::ErrorKind::FileTooLarge.into(),
        }
    }
}

/// The bytes of a regular file, opened without blocking ([`open_regular`]), never more than
/// `limit`: a larger file is refused by its size before it is read, and a file whose size
/// says nothing (`/proc`) is read no further than the limit.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_limited(open(path, libc::O_NONBLOCK)?, limit)
}

/// [`read_regular`] for a file of the program's own folders ([`open_own`]: no link followed).
pub fn read_own(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_limited(open(path, libc::O_NONBLOCK | libc::O_NOFOLLOW)?, limit)
}

/// At most `limit` bytes of an open file (see [`read_regular`]).
fn read_limited(file: File, limit: u64) -> Result<Vec<u8>, ReadError> {
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size > limit {
        return Err(ReadError::TooLarge(size));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// A file's path made absolute, its folder canonical: the same file from any working folder,
/// while a link in the file's own place stays a link (pointed elsewhere, it names the new
/// target). A folder that does not exist is made absolute as written.
pub fn absolute(file: &Path) -> PathBuf {
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let dir =
        dir.canonicalize().unwrap_or_else(|_| std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned()));
    match file.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_back_are_not_followed_and_pipes_are_not_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/r.yaml"), "x").unwrap();
        std::fs::write(root.join("top.YML"), "x").unwrap();
        std::os::unix::fs::symlink(".", root.join("loop")).unwrap();
        std::os::unix::fs::symlink("..", root.join("a/up")).unwrap();
        std::os::unix::fs::symlink("../..", root.join("a/b/up2")).unwrap();
        let fifo = root.join("pipe.yaml");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        std::fs::write(root.join(".yaml"), "x").unwrap();
        let found = find(root, &["yaml", "yml"]);
        assert_eq!(found.files, vec![root.join("a/b/r.yaml"), root.join("top.YML")]);
        assert_eq!(found.passed_over.len(), 1, "{:?}", found.passed_over);
        assert!(found.passed_over[0].contains("文件名只有扩展名"));
        assert!(open_regular(&fifo).is_err(), "a pipe is refused without blocking");
        assert!(open_regular(&root.join("top.YML")).is_ok());
        std::os::unix::fs::symlink("top.YML", root.join("link.yml")).unwrap();
        assert!(open_regular(&root.join("link.yml")).is_ok());
        assert!(open_own(&root.join("link.yml")).is_err(), "a link is not followed");
    }

    #[test]
    fn a_read_stops_at_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let sparse = dir.path().join("sparse.yaml");
        File::create(&sparse).unwrap().set_len(1 << 40).unwrap();
        assert!(matches!(read_regular(&sparse, 1024), Err(ReadError::TooLarge(_))));
        std::fs::write(&sparse, "abc").unwrap();
        assert_eq!(read_regular(&sparse, 3).unwrap(), b"abc");
    }

    #[test]
    fn folders_deeper_than_the_limit_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let deep: PathBuf = (0..=MAX_DEPTH).map(|i| format!("d{i}")).collect();
        std::fs::create_dir_all(dir.path().join(&deep)).unwrap();
        std::fs::write(dir.path().join(&deep).join("r.yaml"), "x").unwrap();
        let found = find(dir.path(), &["yaml"]);
        assert!(found.files.is_empty());
        assert_eq!(found.passed_over.len(), 1, "{:?}", found.passed_over);
        assert!(found.passed_over[0].contains("超过 32 层"));
    }

    #[test]
    fn pseudo_file_systems_are_recognised() {
        assert!(is_pseudo_file_system(Path::new("/proc")));
        assert!(!is_pseudo_file_system(Path::new(env!("CARGO_MANIFEST_DIR"))));
    }
}
