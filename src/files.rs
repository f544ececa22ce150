//! Finding files: the records of a batch, the fonts of a `--font-path` folder.

use std::path::{Path, PathBuf};

/// Every file below `dir` (recursively) whose extension is one of `extensions` (compared
/// without regard to case), sorted so that every run sees the same order. Unreadable folders
/// are passed over.
pub fn find(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    walk(dir, extensions, &mut files);
    files.sort();
    files
}

fn walk(dir: &Path, extensions: &[&str], files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, extensions, files);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
        {
            files.push(path);
        }
    }
}
