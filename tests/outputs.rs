//! Outputs never replace an input or a file of another kind; folder walks never loop or block.
//! Through the real binary.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// The files of a folder with their contents.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn render_never_replaces_the_record_or_what_it_refers_to() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    std::os::unix::fs::symlink("r.yaml", ws.path("link.pdf")).unwrap();
    std::fs::hard_link(ws.path("r.yaml"), ws.path("hard.pdf")).unwrap();
    std::fs::write(ws.path("notes.pdf"), "my own notes").unwrap();
    let before = snapshot(ws.dir.path());
    let folder = ws.dir.path().file_name().unwrap().to_str().unwrap();
    let absolute = ws.path("hard.pdf");
    let dotdot = format!("../{folder}/./hard.pdf");
    for (target, why) in [
        ("./r.yaml", "应以 .pdf"),
        ("cb-profile.yaml", "应以 .pdf"),
        ("./hard.pdf", "就是输入文件"),
        (absolute.to_str().unwrap(), "就是输入文件"),
        (dotdot.as_str(), "就是输入文件"),
        ("link.pdf", "就是输入文件"),
        ("notes.pdf", "不是PDF 文件"),
    ] {
        let output = certreport(&["render", "r.yaml", "-o", target], ws.dir.path());
        assert_eq!(output.status.code(), Some(2), "-o {target}: {}", stderr(&output));
        assert!(stderr(&output).contains(why), "-o {target}: {}", stderr(&output));
    }
    assert_eq!(snapshot(ws.dir.path()), before, "every input intact, no file left behind");
    assert!(ws.path("link.pdf").symlink_metadata().unwrap().file_type().is_symlink());

    // A PDF is replaced by a PDF.
    std::fs::write(ws.path("old.pdf"), "%PDF-1.7 last year's").unwrap();
    let output = certreport(&["render", "r.yaml", "-o", "old.pdf"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(pdf_text_compact(&ws.path("old.pdf")).contains("重庆百环环保科技有限公司"));
}

#[test]
fn next_never_replaces_a_file() {
    let ws = Workspace::new();
    let record = ws.example_with("r.yaml", &[]);
    let before = std::fs::read(&record).unwrap();
    std::os::unix::fs::symlink("nowhere", ws.path("dangling.yaml")).unwrap();
    for target in ["./r.yaml", "cb-profile.yaml", "dangling.yaml"] {
        let output = certreport(&["next", "r.yaml", "-o", target], ws.dir.path());
        assert_eq!(output.status.code(), Some(2), "-o {target}: {}", stderr(&output));
        assert!(stderr(&output).contains("已存在，不会覆盖"), "{}", stderr(&output));
    }
    assert_eq!(std::fs::read(&record).unwrap(), before);
    assert!(!ws.path("nowhere").exists());
}

/// Runs certreport, killing it (and failing) should it take longer than a minute.
fn certreport_within_a_minute(args: &[&str], dir: &Path) -> std::process::Output {
    let child: Child = Command::new(env!("CARGO_BIN_EXE_certreport"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let start = Instant::now();
    let watchdog = std::thread::spawn(move || {
        while start.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(200));
            if !Path::new(&format!("/proc/{pid}")).exists() {
                return false;
            }
        }
        Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
        true
    });
    let output = child.wait_with_output().unwrap();
    assert!(!watchdog.join().unwrap(), "certreport {args:?} hung: {}", stderr(&output));
    output
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn a_font_folder_with_link_cycles_a_pipe_and_a_bogus_collection_finishes() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    std::fs::create_dir_all(ws.path("fonts/sub")).unwrap();
    std::os::unix::fs::symlink(".", ws.path("fonts/loop")).unwrap();
    std::os::unix::fs::symlink("..", ws.path("fonts/sub/up")).unwrap();
    std::os::unix::fs::symlink("../sub", ws.path("fonts/sub/again")).unwrap();
    mkfifo(&ws.path("fonts/a.ttf"));
    // A collection header claiming 4,294,967,295 faces in a 12-byte file.
    std::fs::write(ws.path("fonts/sub/bogus.ttc"), b"ttcf\x00\x01\x00\x00\xff\xff\xff\xff").unwrap();
    let output = certreport_within_a_minute(&["render", "r.yaml", "--font-path", "fonts"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let warnings = stderr(&output);
    assert!(warnings.contains("bogus.ttc") && warnings.contains("容纳不下"), "{warnings}");
    assert_eq!(warnings.matches("bogus.ttc").count(), 1, "each file once: {warnings}");
    assert!(!warnings.contains("a.ttf"), "a pipe is no font file and is never opened: {warnings}");
    assert!(pdf_text_compact(&ws.path("r.pdf")).contains("重庆百环环保科技有限公司"));
}

#[test]
fn a_batch_folder_with_link_cycles_and_a_pipe_renders_each_record_once() {
    let ws = Workspace::new();
    ws.example_with("in/sub/r.yaml", &[]);
    std::fs::copy(repo(PROFILE), ws.path("in/sub/cb-profile.yaml")).unwrap();
    std::os::unix::fs::symlink(".", ws.path("in/loop")).unwrap();
    std::os::unix::fs::symlink("..", ws.path("in/sub/up")).unwrap();
    mkfifo(&ws.path("in/a.yaml"));
    let output =
        certreport_within_a_minute(&["batch", "in", "--out-dir", "out", "--check-only"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("out/check-summary.json")).unwrap()).unwrap();
    assert_eq!(summary["total"], 1, "{summary}");
    assert!(summary["rows"][0]["file"].as_str().unwrap().ends_with("in/sub/r.yaml"));
}
