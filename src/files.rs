//! Finding files: the records of a batch, the fonts of a `--font-path` folder.
//!
//! A walk never loops and never blocks: links to folders are followed, but each folder is read
//! at most once (a link back to a folder already seen, `ln -s . loop`, is passed over), no
//! deeper than [`MAX_DEPTH`] levels, and the kernel's pseudo file systems (`/proc`, `/sys` and
//! the like) are not entered. Only regular files are listed: a pipe or a device that happens to
//! be named `a.ttf` is never opened. [`open_regular`] opens a listed file the same way, without
//! blocking, and refuses it should it have been replaced by anything but a regular file.

use std::collections::HashSet;
use std::fs::File;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// How many folder levels below the starting folder a walk goes.
pub const MAX_DEPTH: usize = 32;

/// Every regular file below `dir` (recursively) whose extension is one of `extensions`
/// (compared without regard to case), sorted so that every run sees the same order. Unreadable
/// folders are passed over.
pub fn find(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut seen = HashSet::new();
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
    let mut files: Vec<PathBuf> = walk
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
        })
        .collect();
    files.sort();
    files
}

/// Whether `dir` is on one of the kernel's pseudo file systems, whose files are not files
/// (procfs, sysfs, cgroups, debugfs …): a walk of `/` passes them over.
fn is_pseudo_file_system(dir: &Path) -> bool {
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
    rustix::fs::statfs(dir).is_ok_and(|fs| PSEUDO.contains(&(fs.f_type as u32)))
}

/// Opens a file for reading, without blocking, only if it is a regular file (not a pipe, a
/// device or a folder).
pub fn open_regular(path: &Path) -> std::io::Result<File> {
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)?;
    if file.metadata()?.is_file() {
        Ok(file)
    } else {
        Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "不是普通文件"))
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
        let found = find(root, &["yaml", "yml"]);
        assert_eq!(found, vec![root.join("a/b/r.yaml"), root.join("top.YML")]);
        assert!(open_regular(&fifo).is_err(), "a pipe is refused without blocking");
        assert!(open_regular(&root.join("top.YML")).is_ok());
    }

    #[test]
    fn pseudo_file_systems_are_recognised() {
        assert!(is_pseudo_file_system(Path::new("/proc")));
        assert!(!is_pseudo_file_system(Path::new(env!("CARGO_MANIFEST_DIR"))));
    }
}
