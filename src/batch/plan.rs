//! Which files a batch renders, and where each PDF goes.
//!
//! - Inputs are record files or folders searched recursively for `.yaml`/`.yml` files. Files
//!   that are plainly a CB profile (a top-level `post_code`) or a scoring scheme (top-level
//!   `groups` and `levels`) without an `audit_type` are skipped; every other file is treated
//!   as a record, so that a broken record is reported rather than passed over.
//! - Output names mirror the input's path relative to the folder it was found in (a file given
//!   directly: its name), with `.pdf`: deterministic, readable, and unique within a folder.
//!   Should two inputs from different folders map to one name, the later (in sorted order)
//!   gets `-2`, `-3`, … appended.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// An input record and where its PDF goes.
#[derive(Clone, Debug)]
pub struct Job {
    pub input: PathBuf,
    pub output: PathBuf,
}

/// Finds the records and names their outputs.
pub fn plan(inputs: &[PathBuf], out_dir: &Path) -> Result<Vec<Job>, String> {
    let mut found: Vec<(PathBuf, PathBuf)> = Vec::new(); // (input, relative name)
    for input in inputs {
        if input.is_dir() {
            for file in crate::files::find(input, &["yaml", "yml"]).into_iter().filter(|f| is_record(f)) {
                let relative = file.strip_prefix(input).unwrap_or(&file).to_owned();
                found.push((file, relative));
            }
        } else if input.is_file() {
            let name = input.file_name().map(PathBuf::from).unwrap_or_default();
            found.push((input.clone(), name));
        } else {
            return Err(format!("找不到输入：{}", input.display()));
        }
    }
    let mut taken = HashSet::new();
    let mut seen_inputs = HashSet::new();
    let mut jobs = Vec::new();
    for (input, relative) in found {
        if !seen_inputs.insert(input.clone()) {
            continue;
        }
        let base = out_dir.join(relative.with_extension(""));
        let mut output = base.with_extension("pdf");
        let mut n = 2;
        while !taken.insert(output.clone()) {
            output = PathBuf::from(format!("{}-{n}.pdf", base.display()));
            n += 1;
        }
        jobs.push(Job { input, output });
    }
    Ok(jobs)
}

/// Everything but a plain profile or scheme file counts as a record. Only the top-level keys
/// are looked at (lines that start with `key:`), which is quick for thousands of files; a file
/// that is neither is treated as a record and so reported if broken.
fn is_record(file: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(file) else { return true };
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

    #[test]
    fn colliding_output_names_get_a_suffix() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["a", "b"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            std::fs::write(dir.path().join(sub).join("r.yaml"), "audit_type: initial\n").unwrap();
        }
        std::fs::write(dir.path().join("a").join("profile.yaml"), "name: x\npost_code: '1'\n").unwrap();
        let inputs = [dir.path().join("a"), dir.path().join("b")];
        let jobs = plan(&inputs, Path::new("out")).unwrap();
        let outputs: Vec<_> = jobs.iter().map(|j| j.output.clone()).collect();
        assert_eq!(outputs, vec![PathBuf::from("out/r.pdf"), PathBuf::from("out/r-2.pdf")]);
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
