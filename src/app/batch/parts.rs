//! The 汇总表's parts from earlier runs, kept in the out-dir (`.certreport/summary-parts/`) by
//! the hash of their data: a re-run typesets only the parts whose rows changed. A part's file
//! is `<hash>.<next>.pdf` (32 hexadecimal digits, then the first row of the part after it);
//! the parts a run does not use are removed when it ends.
//!
//! Only files of that name that are regular files are taken as parts, read (without following
//! a link or waiting on a pipe) and removed; nothing else in the folder is touched, nor an
//! input of the batch. A link in place of the folder is replaced by a real one
//! ([`super::own::folder`]); should something else be there, the parts are not kept (with a
//! warning) and the 汇总表 is typeset whole.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::own::{self, DIR};
use crate::base::files::read_own;
use crate::base::output::{Inputs, Kind, write_atomic};
use crate::errln;

/// A part: its PDF, and the first row of the next part.
pub type Part = (Vec<u8>, usize);

/// No part's PDF comes near this.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

pub struct PartCache<'a> {
    /// `None` when the folder cannot be the batch's own.
    dir: Option<PathBuf>,
    inputs: &'a Inputs,
    /// Hash → (file, next row).
    known: HashMap<String, (PathBuf, usize)>,
    used: HashSet<String>,
}

/// The hash and the next row a part's file name holds, if it is one.
fn parse_name(name: &str) -> Option<(&str, usize)> {
    let (hash, next) = name.strip_suffix(".pdf")?.split_once('.')?;
    let is_hash = hash.len() == 32 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    Some((hash, next.parse().ok().filter(|_| is_hash)?))
}

impl<'a> PartCache<'a> {
    pub fn new(out_dir: &Path, inputs: &'a Inputs) -> PartCache<'a> {
        let dir = own::folder(&out_dir.join(DIR).join("summary-parts"))
            .map_err(|why| errln!("警告：{why}；汇总表将整体重新排版"))
            .ok();
        let known = dir
            .iter()
            .filter_map(|dir| std::fs::read_dir(dir).ok())
            .flatten()
            .flatten()
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let (hash, next) = parse_name(&name)?;
                Some((hash.to_owned(), (entry.path(), next)))
            })
            .collect();
        PartCache { dir, inputs, known, used: HashSet::new() }
    }

    /// The key of a part's data.
    pub fn key(data: &[u8]) -> String {
        format!("{:032x}", typst::utils::hash128(data))
    }

    /// The part typeset from data with this key in an earlier run.
    pub fn get(&mut self, key: &str) -> Option<Part> {
        let (file, next) = self.known.get(key)?;
        let pdf = read_own(file, MAX_PART_BYTES).ok().filter(|pdf| pdf.starts_with(b"%PDF-"))?;
        self.used.insert(key.to_owned());
        Some((pdf, *next))
    }

    /// Keeps a part for the next run (a part that cannot be kept is typeset again then).
    pub fn put(&mut self, key: &str, pdf: &[u8], next: usize) {
        let Some(dir) = &self.dir else { return };
        let file = dir.join(format!("{key}.{next}.pdf"));
        if self.inputs.guard_own(&file, Kind::Pdf).is_ok() && write_atomic(&file, pdf).is_ok() {
            self.used.insert(key.to_owned());
            self.known.insert(key.to_owned(), (file, next));
        }
    }

    /// Removes the parts this run did not use (never an input).
    pub fn prune(self) {
        for (key, (file, _)) in self.known {
            if !self.used.contains(&key) && self.inputs.guard_own(&file, Kind::Pdf).is_ok() {
                let _ = std::fs::remove_file(file);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_of_its_own_pattern_are_parts() {
        assert_eq!(
            parse_name("0123456789abcdef0123456789abcdef.100.pdf"),
            Some(("0123456789abcdef0123456789abcdef", 100))
        );
        for name in [
            "report.2.pdf",
            "0123456789ABCDEF0123456789ABCDEF.1.pdf",
            "0123456789abcdef0123456789abcdef.x.pdf",
        ] {
            assert_eq!(parse_name(name), None, "{name}");
        }
    }
}
