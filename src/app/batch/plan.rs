//! Which files a batch renders, and where each PDF goes.
//!
//! - Inputs are record files or folders searched recursively ([`crate::base::files::find`]: no
//!   link cycle, regular files only) for `.yaml`/`.yml` files. Files that are plainly a CB
//!   profile or a scoring scheme ([`crate::load::file_kind`]) are skipped, found in a folder or
//!   given by name (`batch *.yaml` beside `cb-profile.yaml`); every other file is treated as a
//!   record, so that a broken record is reported rather than passed over.
//! - Reports go to the out-dir's [`REPORTS`] folder, the summaries beside it: no record's name
//!   can make its report collide with a summary.
//! - A report's name is the input's path relative to the folder it was found in (a file given
//!   directly: its name) with the extension `.yaml`/`.yml` replaced by `.pdf`, every other part
//!   kept (`客户.2025.yaml` → `客户.2025.pdf`). A record keeps the name its report had in the
//!   previous run (the manifest's): a record added later never takes an existing report's
//!   name — `r.yaml` added beside `r.yml` gets `r-2.pdf`, and `reports/r.pdf` stays r.yml's.
//!   Should two inputs map to one name otherwise (`r.yaml` and `r.yml`, the same name in two
//!   input folders, or `x.yaml` beside a folder `x.pdf/` whose records need `x.pdf` as a
//!   folder), the later in sorted order — a file before a folder — gets `-2`, `-3` …
//!   appended, never a name another input has, and a warning says so; a name too long for the
//!   suffix is shortened first. Names are kept byte for byte, UTF-8 or not.
//! - Each found file is read at most [`crate::load::MAX_FILE_BYTES`], without blocking
//!   ([`crate::base::files::read_regular`]): a link to `/proc/kmsg` or a sparse file of
//!   gigabytes costs nothing.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use super::Warning;
use crate::base::diagnostic::shown;
use crate::load::{FileKind, file_kind};

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

/// A record found: its file, the file's identity (canonical path), and its report's name
/// before collisions are settled (relative to [`REPORTS`]).
pub struct Found {
    input: PathBuf,
    identity: PathBuf,
    name: PathBuf,
}

/// Finds the records among `inputs`. What a folder walk passed over is a warning.
pub fn find(inputs: &[PathBuf], warn: &dyn Fn(Warning)) -> Result<Vec<Found>, String> {
    let mut found = Vec::new();
    let mut seen_inputs = HashSet::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|_| format!("找不到输入：{}", shown(input)))?;
        let files: Vec<(PathBuf, PathBuf)> = if meta.is_dir() {
            let walk = crate::base::files::find(input, &["yaml", "yml"]);
            for passed_over in walk.passed_over {
                warn(Warning::PassedOver(passed_over));
            }
            walk.files
                .into_iter()
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
            if file_kind(&file) != FileKind::Record {
                continue;
            }
            let identity = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            if seen_inputs.insert(identity.clone()) {
                found.push(Found { input: file, identity, name: relative.with_extension("pdf") });
            }
        }
    }
    Ok(found)
}

/// Names the reports of the records found: first the names the previous run gave
/// (`previous`: record file, canonical → report's path relative to the out-dir), then every
/// other record its own name or, taken, the first free suffix (with a warning).
pub fn name(
    found: Vec<Found>,
    out_dir: &Path,
    previous: &HashMap<PathBuf, PathBuf>,
    warn: &dyn Fn(Warning),
) -> Vec<Job> {
    // Every folder a report is put in: no report may take its name.
    let folders: HashSet<PathBuf> =
        found.iter().flat_map(|f| f.name.ancestors().skip(1).map(Path::to_path_buf)).collect();
    let mut taken: HashMap<PathBuf, PathBuf> = HashMap::new(); // name → its record
    let mut names: Vec<Option<PathBuf>> = found
        .iter()
        .map(|f| {
            let kept = previous.get(&f.identity)?.strip_prefix(REPORTS).ok()?.to_owned();
            let fits = kept == f.name || suffix_of(&kept).is_some_and(|n| suffixed(&f.name, n) == kept);
            (fits && !folders.contains(&kept) && !taken.contains_key(&kept)).then(|| {
                taken.insert(kept.clone(), f.input.clone());
                kept
            })
        })
        .collect();
    for (f, name) in found.iter().zip(&mut names) {
        if name.is_some() {
            continue;
        }
        if !folders.contains(&f.name) && !taken.contains_key(&f.name) {
            taken.insert(f.name.clone(), f.input.clone());
            *name = Some(f.name.clone());
            continue;
        }
        let given = (2..)
            .map(|n| suffixed(&f.name, n))
            .find(|candidate| !folders.contains(candidate) && !taken.contains_key(candidate))
            .expect("a free name");
        taken.insert(given.clone(), f.input.clone());
        warn(Warning::SameName {
            record: f.input.clone(),
            holder: taken.get(&f.name).cloned(),
            name: Path::new(REPORTS).join(&f.name),
            given: Path::new(REPORTS).join(&given),
        });
        *name = Some(given);
    }
    found
        .into_iter()
        .zip(names)
        .map(|(f, name)| {
            let name = Path::new(REPORTS).join(name.expect("every record named"));
            Job { input: f.input, output: out_dir.join(&name), name }
        })
        .collect()
}

/// The `N` of a name `stem-N.pdf`.
fn suffix_of(name: &Path) -> Option<usize> {
    let stem = name.file_stem()?.to_str()?;
    let (_, n) = stem.rsplit_once('-')?;
    n.parse().ok().filter(|&n| n >= 2)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs(jobs: &[Job]) -> Vec<String> {
        jobs.iter().map(|j| j.name.to_string_lossy().into_owned()).collect()
    }

    fn plan(inputs: &[PathBuf], out_dir: &Path) -> Result<Vec<Job>, String> {
        Ok(name(find(inputs, &|_| {})?, out_dir, &HashMap::new(), &|_| {}))
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
    fn a_record_keeps_the_name_of_its_report() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["r.yaml", "r.yml", "s.yaml", "s.yml"] {
            std::fs::write(dir.path().join(name), "audit_type: initial\n").unwrap();
        }
        let found = find(&[dir.path().to_owned()], &|_| {}).unwrap();
        let canonical = |name: &str| dir.path().join(name).canonicalize().unwrap();
        let previous = HashMap::from([
            (canonical("r.yml"), PathBuf::from("reports/r.pdf")),
            (canonical("s.yml"), PathBuf::from("reports/s-2.pdf")),
        ]);
        let warned = std::cell::RefCell::new(Vec::new());
        let jobs = name(found, Path::new("out"), &previous, &|w| warned.borrow_mut().push(w.to_string()));
        assert_eq!(outputs(&jobs), ["reports/r-2.pdf", "reports/r.pdf", "reports/s.pdf", "reports/s-2.pdf"]);
        let warned = warned.into_inner();
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(warned[0].contains("r.yaml") && warned[0].contains("r.yml"), "{warned:?}");
    }
}
