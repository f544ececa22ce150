//! The long-running commands under a changing file system: `watch` follows its record's folder
//! deleted and recreated; `batch` and `watch` survive a `--font-path` font overwritten in
//! place while they run. Through the real binary.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use common::*;

const PATIENCE: Duration = Duration::from_secs(90);

/// Debian's fonts-tibetan-machine: a font the embedded ones do not replace, so that the
/// reports of records with Tibetan text read it while they are rendered.
const TIBETAN: &str = "/usr/share/fonts/truetype/tibetan-machine/TibetanMachineUni.ttf";

/// A child process and the lines it prints on standard error.
struct Running {
    child: Child,
    lines: Receiver<String>,
    log: Vec<String>,
}

impl Running {
    fn start(dir: &Path, args: &[&str]) -> Running {
        let (child, lines) = spawn_with_stderr_lines(dir, args);
        Running { child, lines, log: Vec::new() }
    }

    /// Waits until `pdf` holds a report whose text contains `text`.
    fn wait_for_report(&mut self, pdf: &Path, text: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            self.log.extend(self.lines.try_iter());
            if pdf.exists() && pdf_text_compact(pdf).contains(text) {
                return;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("certreport ended ({status}) before a report with {text:?}:\n{}", self.log.join("\n"));
            }
            assert!(Instant::now() < deadline, "no report with {text:?}:\n{}", self.log.join("\n"));
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn stop(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
        let status = self.child.wait().unwrap();
        status.code()
    }
}

#[test]
fn watch_follows_its_folder_deleted_and_recreated() {
    let ws = Workspace::new();
    std::fs::create_dir_all(ws.path("work/records")).unwrap();
    std::fs::copy(repo(PROFILE), ws.path("work/records/cb-profile.yaml")).unwrap();
    ws.example_with("work/records/r.yaml", &[]);
    let pdf = ws.path("out.pdf");
    let mut watch = Running::start(ws.dir.path(), &["watch", "work/records/r.yaml", "-o", "out.pdf"]);
    watch.wait_for_report(&pdf, "重庆百环环保科技有限公司");
    // A checkout removes the folder (and the one above) and writes it again.
    std::fs::remove_dir_all(ws.path("work")).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::create_dir_all(ws.path("work/records")).unwrap();
    std::fs::copy(repo(PROFILE), ws.path("work/records/cb-profile.yaml")).unwrap();
    ws.example_with(
        "work/records/r.yaml",
        &[("  name: 重庆百环环保科技有限公司", "  name: 检出后的客户有限公司")],
    );
    watch.wait_for_report(&pdf, "检出后的客户有限公司");
    // And it keeps following: a save after that is seen too.
    ws.example_with(
        "work/records/r.yaml",
        &[("  name: 重庆百环环保科技有限公司", "  name: 再次保存的客户有限公司")],
    );
    watch.wait_for_report(&pdf, "再次保存的客户有限公司");
    assert_eq!(watch.stop(), Some(0));
}

/// Overwrites a font file in place (the same inode): first cut to nothing, then other bytes.
fn overwrite_in_place(font: &Path) {
    let mut file = std::fs::OpenOptions::new().write(true).truncate(true).open(font).unwrap();
    file.write_all(&[0u8; 1000]).unwrap();
    file.sync_all().unwrap();
}

fn tibetan_fonts(ws: &Workspace) -> String {
    assert!(Path::new(TIBETAN).is_file(), "the tests need Debian's fonts-tibetan-machine");
    std::fs::create_dir_all(ws.path("fonts")).unwrap();
    std::fs::copy(TIBETAN, ws.path("fonts/tibetan.ttf")).unwrap();
    ws.path("fonts").to_str().unwrap().to_owned()
}

#[test]
fn a_font_overwritten_in_place_never_crashes_a_batch() {
    let ws = Workspace::new();
    let fonts = tibetan_fonts(&ws);
    std::fs::create_dir_all(ws.path("in")).unwrap();
    std::fs::copy(repo(PROFILE), ws.path("in/cb-profile.yaml")).unwrap();
    const RECORDS: usize = 30;
    for i in 1..=RECORDS {
        let name = format!("  name: 重庆百环བོད{i}公司");
        ws.example_with(&format!("in/r{i:02}.yaml"), &[("  name: 重庆百环环保科技有限公司", &name)]);
    }
    let mut batch = Running::start(
        ws.dir.path(),
        &["batch", "in", "--out-dir", "out", "--jobs", "1", "--font-path", &fonts],
    );
    let start = Instant::now();
    while !ws.path("out/reports/r01.pdf").exists() {
        assert!(start.elapsed() < PATIENCE, "the batch never wrote a report");
        std::thread::sleep(Duration::from_millis(10));
    }
    overwrite_in_place(&ws.path("fonts/tibetan.ttf"));
    assert!(!ws.path(&format!("out/reports/r{RECORDS}.pdf")).exists(), "reports were left to render");
    let status = batch.child.wait().unwrap();
    batch.log.extend(batch.lines.try_iter());
    assert_eq!(status.code(), Some(0), "{status}\n{}", batch.log.join("\n"));
    for i in 1..=RECORDS {
        let text = pdf_text_compact(&ws.path(&format!("out/reports/r{i:02}.pdf")));
        assert!(text.contains(&format!("重庆百环བོད{i}公司")), "r{i}");
    }
}

#[test]
fn a_font_overwritten_in_place_never_crashes_a_watch() {
    let ws = Workspace::new();
    let fonts = tibetan_fonts(&ws);
    ws.example_with("r.yaml", &[("  name: 重庆百环环保科技有限公司", "  name: 重庆百环བོད公司")]);
    let pdf = ws.path("r.pdf");
    let mut watch = Running::start(ws.dir.path(), &["watch", "r.yaml", "--font-path", &fonts]);
    watch.wait_for_report(&pdf, "重庆百环བོད公司");
    overwrite_in_place(&ws.path("fonts/tibetan.ttf"));
    ws.example_with("r.yaml", &[("  name: 重庆百环环保科技有限公司", "  name: 重庆བོད新公司")]);
    watch.wait_for_report(&pdf, "重庆བོད新公司");
    assert_eq!(watch.stop(), Some(0));
}
