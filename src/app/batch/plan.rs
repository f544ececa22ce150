//! Which files a batch renders, and where each PDF goes.
//!
//! - Inputs are record files or folders searched recursively ([`crate::base::files::find`]: no link
//!   cycle, regular files only) for `.yaml`/`.yml` files. Files that are plainly a CB profile
//!   (a top-level `post_code`) or a scoring scheme (top-level `groups` and `levels`) without an
//!   `audit_type` are skipped; every other file is treated as a record, so that a broken record
//!   is reported rather than passed over.
//! - Reports go to the out-dir's [`REPORTS`] folder, the summaries beside it: no record's name
//!   can make its report collide with a summary.
//! - A report's name is the input's path relative to the folder it was found in (a file given
//!   directly: its name) with the extension `.yaml`/`.yml` replaced by `.pdf`, every other part
//!   kept (`客户.2025.yaml` → `客户.2025.pdf`). Should two inputs still map to one name (`r.yaml`
//!   and `r.yml`, the same name in two input folders, or `x.yaml` beside a folder `x.pdf/`
//!   whose records need `x.pdf` as a folder), the later in sorted order — a file before a
//!   folder — gets `-2`, `-3` … appended, never a name another input has; a name too long for
//!   the suffix is shortened first. Names are kept byte for byte, UTF-8 or not.
//! - Each found file is read at most [`crate::load::MAX_FILE_BYTES`], without blocking
//!   ([`crate::base::files::read_regular`]): a link to `/proc/kmsg` or a sparse file of gigabytes
//!   costs nothing.

use std::collections::HashSet;
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::base::diagnostic::shown;
use crate::errln;

/// The out-dir's folder for the reports.
pub const REPORTS: &str = "reports";

/// The longest file name most file systems allow, in bytes.
const MAX_NAME_BYTES: usize = 255;

/// An input record and where its PDF goes.
#[derive(Clone, Debug)]
pub struct Job {
    pub input: PathBuf,
    /// The PDF: `out_dir/reports/<name>`.
    pub output: PathBuf,
    /// The PDF's path relative to the out-dir: the key of its entry in the manifest.
    pub name: PathBuf,
}

/// Finds the records and names their outputs. What a folder walk passed over is said on
/// standard error.
pub fn plan(inputs: &[PathBuf], out_dir: &Path) -> Result<Vec<Job>, String> {
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new(); // (input, relative name)
    let mut seen_inputs = HashSet::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|_| format!("找不到输入：{}", shown(input)))?;
        let files = if meta.is_dir() {
            let walk = crate::base::files::find(input, &["yaml", "yml"]);
            for passed_over in &walk.passed_over {
                errln!("警告：{passed_over}");
            }
            walk.files
                .into_iter()
                .filter(|f| is_record(f))
                .map(|file| {
                    let relative = file.strip_prefix(input).unwrap_or(&file).to_owned();
                    (file, relative)
                })
                .collect()
        } else if meta.is_file() {
            vec![(input.clone(), input.file_name().map(PathBuf::from).unwrap_or_default())]
        } else {
            return Err(format!("输入 {} 不是普通文件或目录", shown(input)));
        };
        for (file, relative) in files {
            let identity = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            if seen_inputs.insert(identity) {
                found.push((file, relative.with_extension("pdf")));
            }
        }
    }
    // Every folder a report is put in: no report may take its name.
    let folders: HashSet<PathBuf> =
        found.iter().flat_map(|(_, name)| name.ancestors().skip(1).map(Path::to_path_buf)).collect();
    // First every name to its first claimant, then suffixes for the others.
    let mut taken: HashSet<PathBuf> = HashSet::new();
    let first: Vec<bool> =
        found.iter().map(|(_, name)| !folders.contains(name) && taken.insert(name.clone())).collect();
    let mut jobs = Vec::with_capacity(found.len());
    for ((input, mut name), first) in found.into_iter().zip(first) {
        if !first {
            name = (2..)
                .map(|n| suffixed(&name, n))
                .find(|candidate| !folders.contains(candidate) && taken.insert(candidate.clone()))
                .expect("a free name");
        }
        let name = Path::new(REPORTS).join(name);
        jobs.push(Job { input, output: out_dir.join(&name), name });
    }
    Ok(jobs)
}

/// `dir/name-N.pdf` for `dir/name.pdf`, the name shortened (on a character boundary) so that
/// it stays within [`MAX_NAME_BYTES`].
fn suffixed(name: &Path, n: usize) -> PathBuf {
    let tail = format!("-{n}.pdf");
    let stem = name.file_stem().unwrap_or_default().as_bytes();
    let mut cut = stem.len().min(MAX_NAME_BYTES - tail.len());
    // Not inside a UTF-8 sequence: back to a byte that does not continue one.
    while cut > 0 && cut < stem.len() && (0x80..0xC0).contains(&stem[cut]) {
        cut -= 1;
    }
    let mut file = stem[..cut].to_vec();
    file.extend_from_slice(tail.as_bytes());
    name.with_file_name(OsString::from_vec(file))
}

/// Everything but a plain profile or scheme file counts as a record. Only the top-level keys
/// are looked at (lines that start with `key:`), which is quick for thousands of files; a file
/// that is neither, or that cannot be read as text, is treated as a record and so reported.
fn is_record(file: &Path) -> bool {
    let Ok(bytes) = crate::base::files::read_regular(file, crate::load::MAX_FILE_BYTES) else { return true };
    let Ok(text) = std::str::from_utf8(&bytes) else { return true };
    let keys: HashSet<&str> = text
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(key, _)| key.trim_end().trim_matches(['"', '\'']))
        .filter(|key| !key.is_empty() && !key.starts_with([' ', '\t', '#', '-']))
        .collect();
    if keys.contains("audit_type") {
        return true;
    }
    let profile = keys.contains("post_code");
    let scheme = keys.contains("groups") && keys.contains("levels");
    !(profile || scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs(jobs: &[Job]) -> Vec<String> {
        jobs.iter().map(|j| j.name.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn names_keep_every_part_and_collisions_get_a_free_suffix() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "audit_type: initial\n").unwrap();
        };
        for name in
            ["a/客户.2025.yaml", "a/客户.yaml", "a/r.yaml", "b/r.yaml", "b/r-2.yaml", "b/summary.yaml"]
        {
            write(name);
        }
        std::fs::write(dir.path().join("a").join("profile.yaml"), "name: x\npost_code: '1'\n").unwrap();
        let inputs = [dir.path().join("a"), dir.path().join("b")];
        let jobs = plan(&inputs, Path::new("out")).unwrap();
        assert_eq!(
            outputs(&jobs),
            [
                "reports/r.pdf",
                "reports/客户.2025.pdf",
                "reports/客户.pdf",
                "reports/r-2.pdf",
                "reports/r-3.pdf",
                "reports/summary.pdf"
            ]
        );
        assert_eq!(jobs[3].input, dir.path().join("b/r-2.yaml"), "a real name keeps its name");
        assert_eq!(jobs[0].output, Path::new("out/reports/r.pdf"));
    }

    #[test]
    fn a_folder_keeps_its_name_and_a_long_name_is_shortened_for_its_suffix() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["x.yaml", "x.pdf/r.yaml"] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "audit_type: initial\n").unwrap();
        }
        let jobs = plan(&[dir.path().to_owned()], Path::new("out")).unwrap();
        assert_eq!(outputs(&jobs), ["reports/x.pdf/r.pdf", "reports/x-2.pdf"]);
        let long = "客".repeat(83) + "a"; // 250 bytes
        let name = suffixed(Path::new(&format!("d/{long}.pdf")), 2);
        let file = name.file_name().unwrap().len();
        assert!(file <= MAX_NAME_BYTES, "{file}");
        assert!(name.to_str().unwrap().ends_with("客-2.pdf"), "{name:?}");
    }

    #[test]
    fn profiles_and_schemes_are_not_records() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        assert!(!is_record(&file("profile.yaml", "name: CB\npost_code: \"100000\"\n")));
        assert!(!is_record(&file("scheme.yaml", "# a scheme\ngroups:\n  - key: a\nlevels: []\n")));
        assert!(is_record(&file("record.yaml", "audit_type: initial\nprofile: cb.yaml\n")));
        // A record that names its CB's post code inside a mapping is still a record.
        assert!(is_record(&file("nested.yaml", "client:\n  post_code: \"1\"\n")));
        // So is a file that is neither: it is reported if broken.
        assert!(is_record(&file("broken.yaml", "audit_type initial\n")));
    }
}
