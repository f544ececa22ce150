//! The 汇总表's parts from earlier runs, kept in the out-dir (`.certreport/summary-parts/`) by
//! the hash of their data: a re-run typesets only the parts whose rows changed. A part's file
//! is `<hash>.<next>.pdf`, `next` being the first row of the part after it; the parts a run
//! does not use are removed when it ends.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::manifest::DIR;
use crate::output::write_atomic;

/// A part: its PDF, and the first row of the next part.
pub type Part = (Vec<u8>, usize);

pub struct PartCache {
    dir: PathBuf,
    /// Hash → (file, next row).
    known: HashMap<String, (PathBuf, usize)>,
    used: HashSet<String>,
}

impl PartCache {
    pub fn new(out_dir: &Path) -> PartCache {
        let dir = out_dir.join(DIR).join("summary-parts");
        let known = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let (hash, next) = name.strip_suffix(".pdf")?.split_once('.')?;
                Some((hash.to_owned(), (entry.path(), next.parse().ok()?)))
            })
            .collect();
        PartCache { dir, known, used: HashSet::new() }
    }

    /// The key of a part's data.
    pub fn key(data: &[u8]) -> String {
        format!("{:032x}", typst::utils::hash128(data))
    }

    /// The part typeset from data with this key in an earlier run.
    pub fn get(&mut self, key: &str) -> Option<Part> {
        let (file, next) = self.known.get(key)?;
        let pdf = std::fs::read(file).ok().filter(|pdf| pdf.starts_with(b"%PDF-"))?;
        self.used.insert(key.to_owned());
        Some((pdf, *next))
    }

    /// Keeps a part for the next run (a part that cannot be kept is typeset again then).
    pub fn put(&mut self, key: &str, pdf: &[u8], next: usize) {
        let file = self.dir.join(format!("{key}.{next}.pdf"));
        if std::fs::create_dir_all(&self.dir).is_ok() && write_atomic(&file, pdf).is_ok() {
            self.used.insert(key.to_owned());
            self.known.insert(key.to_owned(), (file, next));
        }
    }

    /// Removes the parts this run did not use.
    pub fn prune(self) {
        for (key, (file, _)) in self.known {
            if !self.used.contains(&key) {
                let _ = std::fs::remove_file(file);
            }
        }
    }
}
