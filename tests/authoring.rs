//! The authoring tools through the real binary: `check --format json`, PNG page previews and
//! `watch` (a session edited several times, the report's bytes checked after each save).

mod common;

use std::path::Path;
use std::process::{Child, Command};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// The diagnostics of the only record of a `check --format json` document.
fn diagnostics(json: &Value) -> &Vec<Value> {
    json["records"][0]["diagnostics"].as_array().expect("a list of diagnostics")
}

#[test]
fn check_json_gives_the_score_sheet_of_a_valid_record() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let (code, json) = check_json(&["r.yaml"], ws.dir.path());
    assert_eq!(code, Some(0), "{json:#}");
    let record = &json["records"][0];
    assert_eq!(record["file"], "r.yaml");
    assert_eq!(record["loaded"], true);
    assert_eq!((record["errors"].as_u64(), record["warnings"].as_u64()), (Some(0), Some(0)), "{json:#}");
    let score = &record["score"];
    assert_eq!(score["total"].as_f64(), Some(95.0), "{json:#}");
    assert_eq!(score["applicable"].as_f64(), Some(100.0));
    assert_eq!(score["result"], "95 分，五星级售后服务");
    assert!(score["level"].is_string(), "{json:#}");
    let rows: usize =
        score["groups"].as_array().unwrap().iter().map(|g| g["lines"].as_array().unwrap().len()).sum();
    assert_eq!(rows, 15, "the 15 second-level indicators");
}

#[test]
fn check_json_lists_every_problem_with_its_place_and_code() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[("role: leader", "role: member"), ("  supervision: 6\n", "")]);
    let output = certreport(&["check", "--format", "json", "r.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).is_empty(), "everything is in the JSON: {}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).expect("only JSON on standard output");
    let text = example_text();
    let line_of = |start: &str| text.lines().position(|l| l.trim_start().starts_with(start)).unwrap() + 1;
    let found = diagnostics(&json);
    assert_eq!(json["records"][0]["errors"].as_u64(), Some(found.len() as u64), "{json:#}");
    let team = found.iter().find(|d| d["path"] == "audit.team").expect("the team's problem");
    assert_eq!(team["severity"], "error");
    assert_eq!(team["file"], "r.yaml");
    assert_eq!(team["line"].as_u64(), Some(line_of("team:") as u64));
    assert_eq!(team["column"].as_u64(), Some(3));
    assert!(team["message"].as_str().unwrap().contains("组长"), "{team}");
    assert!(team["expected"].as_str().unwrap().contains("leader"), "{team}");
    let scores = found.iter().find(|d| d["path"] == "scores").expect("the missing score");
    assert!(scores["message"].as_str().unwrap().contains("监督"), "{scores}");
    assert_ne!(team["code"], scores["code"], "two kinds of problem, two codes");
    for d in found {
        let code = d["code"].as_str().expect("every diagnostic has a code");
        assert!(!code.is_empty() && code != "unclassified", "{d}");
    }
    // Not yet scorable, but the sheet is there.
    assert!(json["records"][0]["score"]["total"].is_null(), "{json:#}");
}

#[test]
fn check_json_codes_the_loaders_kinds_of_problem() {
    let ws = Workspace::new();
    ws.example_with("unknown.yaml", &[("    phone: \"19123050876\"", "    phon: \"19123050876\"")]);
    ws.example_with("type.yaml", &[("project_number: 20913-2024-SA", "project_number: [20913, 2024]")]);
    ws.example_with("syntax.yaml", &[("  sampling: >-", "  sampling: \"unclosed")]);
    let (code, json) =
        check_json(&["unknown.yaml", "type.yaml", "syntax.yaml", "missing.yaml"], ws.dir.path());
    assert_eq!(code, Some(2), "an unreadable record is an I/O error: {json:#}");
    let records = json["records"].as_array().unwrap();
    let codes: Vec<Vec<&str>> = records
        .iter()
        .map(|r| r["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect())
        .collect();
    assert!(codes[0].contains(&"unknown-field"), "{codes:?}");
    assert!(codes[1].contains(&"wrong-type"), "{codes:?}");
    assert!(codes[2].contains(&"syntax"), "{codes:?}");
    assert_eq!(codes[3], ["file-unreadable"]);
    assert_eq!(records[3]["loaded"], false);
    assert!(records[3]["score"].is_null());
    assert_eq!(records[3]["diagnostics"][0]["line"].as_u64(), Some(0), "no position in a missing file");
}

#[test]
fn check_json_codes_each_kind_of_text_problem() {
    let ws = Workspace::new();
    let fields = [
        ("  name: 重庆百环环保科技有限公司", "  name: \"重庆百环\\x07环保\""),
        ("    person: 杜孝维", "    person: \"杜\\u202E孝维\""),
        ("  text: 环保类设备销售的售后服务", "  text: \"环保类\\u200B设备\""),
        ("  author: 张心", "  author: \"张心😀\""),
    ];
    ws.example_with("r.yaml", &fields);
    let (code, json) = check_json(&["r.yaml"], ws.dir.path());
    assert_eq!(code, Some(1), "{json:#}");
    let found: Vec<(&str, &str)> = json["records"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    for expected in [
        ("client.name", "control-character"),
        ("client.contact.person", "bidi-control"),
        ("scope.text", "invisible-character"),
        ("conclusion.author", "missing-glyph"),
    ] {
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
}

/// Width and height of a PNG file, from its header.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG signature");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn render_writes_one_png_per_page() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let pdf = certreport(&["render", "r.yaml"], ws.dir.path());
    assert_eq!(pdf.status.code(), Some(0), "{}", stderr(&pdf));
    let info = poppler("pdfinfo", &[], &ws.path("r.pdf"));
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();

    let png = certreport(&["render", "r.yaml", "-o", "pages/p-{p}.png", "--ppi", "72"], ws.dir.path());
    assert_eq!(png.status.code(), Some(0), "{}", stderr(&png));
    assert!(stdout(&png).contains(&format!("（{pages} 页）")), "{}", stdout(&png));
    for page in 1..=pages {
        let bytes = std::fs::read(ws.path(&format!("pages/p-{page}.png"))).expect("a PNG per page");
        // A4 (595.3 × 841.9 pt) at 72 pixels per inch: one pixel per point.
        assert_eq!(png_size(&bytes), (595, 842), "page {page}");
    }
    assert!(!ws.path(&format!("pages/p-{}.png", pages + 1)).exists());
    let leftovers: Vec<_> = std::fs::read_dir(ws.path("pages"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| !name.ends_with(".png"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left: {leftovers:?}");

    // The default resolution is 144 ppi; {0p} pads the page number.
    let padded = certreport(&["render", "r.yaml", "-o", "hi-{0p}.png"], ws.dir.path());
    assert_eq!(padded.status.code(), Some(0), "{}", stderr(&padded));
    let first = if pages >= 10 { "hi-01.png" } else { "hi-1.png" };
    assert_eq!(png_size(&std::fs::read(ws.path(first)).unwrap()), (1191, 1684));
}

#[test]
fn a_png_output_without_a_page_number_is_refused() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let output = certreport(&["render", "r.yaml", "-o", "page.png"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("{p}"), "{}", stderr(&output));
    assert!(!ws.path("page.png").exists());
    let output = certreport(&["render", "r.yaml", "-o", "p-{p}.png", "--ppi", "0"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--ppi"), "{}", stderr(&output));
}

/// A `certreport watch` child process and the lines it prints on standard error.
struct Watcher {
    child: Child,
    lines: Receiver<String>,
    log: Vec<String>,
}

const PATIENCE: Duration = Duration::from_secs(60);

impl Watcher {
    fn start(dir: &Path, args: &[&str]) -> Watcher {
        let args: Vec<&str> = std::iter::once("watch").chain(args.iter().copied()).collect();
        let (child, lines) = spawn_with_stderr_lines(dir, &args);
        Watcher { child, lines, log: Vec::new() }
    }

    /// Waits for a line containing `text`, printed from now on.
    fn wait_for_line(&mut self, text: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.log.push(line.clone());
                    if line.contains(text) {
                        return;
                    }
                }
                Err(_) => panic!("watch printed no line with {text:?}:\n{}", self.log.join("\n")),
            }
        }
    }

    /// Forgets the lines printed so far.
    fn drain(&mut self) {
        self.log.extend(self.lines.try_iter());
    }

    /// Waits until `pdf` holds a report whose text contains `text`; returns its bytes.
    fn wait_for_report(&mut self, pdf: &Path, text: &str) -> Vec<u8> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            self.drain();
            if pdf.exists() && pdf_text_compact(pdf).contains(text) {
                return std::fs::read(pdf).unwrap();
            }
            assert!(Instant::now() < deadline, "no report with {text:?}:\n{}", self.log.join("\n"));
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends SIGINT (Ctrl-C) and returns the exit code.
    fn interrupt(mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let kill = Command::new("kill").args(["-INT", &pid]).status().expect("run kill");
        assert!(kill.success());
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() > deadline {
                self.child.kill().unwrap();
                panic!("watch did not end on SIGINT");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn watch_rerenders_on_each_valid_save_and_keeps_the_last_good_report() {
    let ws = Workspace::new();
    let record = ws.example_with("r.yaml", &[]);
    let pdf = ws.path("out.pdf");
    let mut watch = Watcher::start(ws.dir.path(), &["r.yaml", "-o", "out.pdf"]);
    watch.wait_for_line("已更新");
    let first = watch.wait_for_report(&pdf, "环保类设备销售的售后服务");

    // 1. A valid edit, written in place.
    let edit = |from: &str, to: &str| {
        let text = std::fs::read_to_string(&record).unwrap();
        assert!(text.contains(from), "{from}");
        text.replacen(from, to, 1)
    };
    std::fs::write(&record, edit("环保类设备销售的售后服务", "环保类设备安装的售后服务")).unwrap();
    let second = watch.wait_for_report(&pdf, "环保类设备安装的售后服务");
    assert_ne!(first, second);

    // 2. An invalid edit: the problems are printed, the report stays as it was.
    watch.drain();
    std::fs::write(&record, edit("role: leader", "role: member")).unwrap();
    // (A write in place may be seen half done, as an empty file: wait for the team's error.)
    watch.wait_for_line("必须恰好有一名组长");
    watch.wait_for_line("报告未更新");
    assert_eq!(std::fs::read(&pdf).unwrap(), second, "the last good report is kept");

    // 3. Fixed again, saved as many editors do: a new file renamed over the record.
    let fixed = edit("role: member", "role: leader").replacen(
        "环保类设备安装的售后服务",
        "环保类设备维修的售后服务",
        1,
    );
    let swap = ws.path(".r.yaml.tmp");
    std::fs::write(&swap, fixed).unwrap();
    std::fs::rename(&swap, &record).unwrap();
    let third = watch.wait_for_report(&pdf, "环保类设备维修的售后服务");
    assert_ne!(third, second);

    // 4. The CB profile the record names is watched too.
    let profile = ws.path("cb-profile.yaml");
    let text = std::fs::read_to_string(&profile).unwrap();
    std::fs::write(&profile, text.replacen("post_code: \"100028\"", "post_code: \"100029\"", 1)).unwrap();
    let fourth = watch.wait_for_report(&pdf, "100029");
    assert_ne!(fourth, third);

    assert_eq!(watch.interrupt(), Some(0), "Ctrl-C ends the watch cleanly");
    assert_eq!(std::fs::read(&pdf).unwrap(), fourth);
}

#[test]
fn watch_can_write_png_pages() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let mut watch = Watcher::start(ws.dir.path(), &["r.yaml", "-o", "pages/{p}.png", "--ppi", "36"]);
    watch.wait_for_line("已更新");
    assert_eq!(png_size(&std::fs::read(ws.path("pages/1.png")).unwrap()), (298, 421));
    assert_eq!(watch.interrupt(), Some(0));
}

#[test]
fn watch_refuses_a_record_that_is_not_there() {
    let ws = Workspace::new();
    let output = certreport(&["watch", "nowhere.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("nowhere.yaml"), "{}", stderr(&output));
}
