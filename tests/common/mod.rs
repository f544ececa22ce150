//! Shared helpers of the integration tests: run the real binary on real records in a
//! temporary folder, and read the produced PDFs back with poppler-utils.

#![allow(dead_code)] // each test crate uses its own subset of the helpers

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const EXAMPLE: &str = "examples/baihuan-2025.yaml";
pub const PROFILE: &str = "examples/cb-profile.yaml";
/// The second house style's profile (cover, logo, LXGW WenKai, approval block, own template).
pub const HOUSE_STYLE_B_PROFILE: &str = "examples/house-style-b/cb-profile.yaml";
/// Debian's fonts-lxgw-wenkai (installed by `.ci/run`): the second house style's body font.
pub const WENKAI: &str = "/usr/share/fonts/truetype/lxgw-wenkai";

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The example record's text.
pub fn example_text() -> String {
    std::fs::read_to_string(repo(EXAMPLE)).expect("the example record exists")
}

/// A temporary folder holding the CB profile, for records written by a test.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::copy(repo(PROFILE), dir.path().join("cb-profile.yaml")).expect("copy the profile");
        Workspace { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a record file and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The example record with `from` replaced by `to` (the replacement must apply).
    pub fn example_with(&self, name: &str, edits: &[(&str, &str)]) -> PathBuf {
        let mut text = example_text();
        for (from, to) in edits {
            assert!(text.contains(from), "the example record contains {from:?}");
            text = text.replacen(from, to, 1);
        }
        self.write(name, &text)
    }
}

/// Runs `certreport` with arguments.
pub fn certreport(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_certreport"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run certreport")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a poppler tool on a PDF and returns its standard output.
pub fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let output = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed for the tests (apt-get install poppler-utils): {e}"));
    assert!(output.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The PDF's text, with the layout kept (one line of the page per line).
pub fn pdf_text(pdf: &Path) -> String {
    poppler("pdftotext", &["-layout"], pdf)
}

/// The PDF's text with all white space removed: for phrases a line break may cut.
pub fn pdf_text_compact(pdf: &Path) -> String {
    pdf_text(pdf).chars().filter(|c| !c.is_whitespace()).collect()
}

/// Runs `certreport check --format json` on records and returns its exit code and document.
pub fn check_json(records: &[&str], dir: &Path) -> (Option<i32>, serde_json::Value) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(records);
    let output = certreport(&args, dir);
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("check --format json printed no JSON ({e}):\n{}\n{}", stdout(&output), stderr(&output))
    });
    (output.status.code(), json)
}

/// Every file below `dir`, recursively.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_type().unwrap().is_dir() {
            files.extend(all_files(&entry.path()));
        } else {
            files.push(entry.path());
        }
    }
    files
}

/// Starts a long-running `certreport` command (watch) in `dir`: the child, and its standard
/// error's lines as they come, read on a thread of their own so the child never blocks on them.
pub fn spawn_with_stderr_lines(
    dir: &Path,
    args: &[&str],
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_certreport"))
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start certreport");
    let stderr = child.stderr.take().unwrap();
    let (sender, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    (child, lines)
}
