//! The batch's out-dir: report names, summaries beside the reports, the lock, a killed run's
//! leftovers, incremental re-runs and the summary's JSON types. Through the real binary.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// A folder `in` with the profile and `n` valid records `r01.yaml` … with different clients.
fn records(ws: &Workspace, n: usize) {
    std::fs::create_dir_all(ws.path("in")).unwrap();
    std::fs::copy(repo(PROFILE), ws.path("in/cb-profile.yaml")).unwrap();
    for i in 1..=n {
        let name = format!("  name: 测试客户{i:02}有限公司");
        ws.example_with(&format!("in/r{i:02}.yaml"), &[("  name: 重庆百环环保科技有限公司", &name)]);
    }
}

fn summary(ws: &Workspace) -> Value {
    serde_json::from_slice(&std::fs::read(ws.path("out/summary.json")).unwrap()).unwrap()
}

/// How many rows of summary.json have each status: (ok, unchanged, others).
fn statuses(ws: &Workspace) -> (usize, usize, usize) {
    let summary = summary(ws);
    let rows = summary["rows"].as_array().unwrap();
    let count = |status: &str| rows.iter().filter(|r| r["status"] == status).count();
    (count("ok"), count("unchanged"), rows.len() - count("ok") - count("unchanged"))
}

fn batch(ws: &Workspace, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["batch", "in", "--out-dir", "out"];
    args.extend(extra);
    let output = certreport(&args, ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    output
}

#[test]
fn report_names_keep_every_part_and_never_meet_the_summaries() {
    let ws = Workspace::new();
    records(&ws, 0);
    for (file, client) in [("客户.2025.yaml", "甲"), ("客户.yaml", "乙"), ("summary.yaml", "丙")] {
        let name = format!("  name: 测试客户{client}有限公司");
        ws.example_with(&format!("in/{file}"), &[("  name: 重庆百环环保科技有限公司", &name)]);
    }
    batch(&ws, &[]);
    for (pdf, client) in [("客户.2025.pdf", "甲"), ("客户.pdf", "乙"), ("summary.pdf", "丙")] {
        let text = pdf_text_compact(&ws.path(&format!("out/reports/{pdf}")));
        assert!(text.contains(&format!("测试客户{client}有限公司")), "{pdf}: its own record's report");
    }
    let table = pdf_text_compact(&ws.path("out/summary.pdf"));
    assert!(table.contains("服务认证审查报告批量生成汇总表"));
    let summary = summary(&ws);
    for row in summary["rows"].as_array().unwrap() {
        let file = row["file"].as_str().unwrap();
        let expected =
            Path::new("out/reports").join(Path::new(file).with_extension("pdf").file_name().unwrap());
        assert_eq!(row["output"], expected.to_str().unwrap(), "{row}");
        assert_eq!(row["status"], "ok");
    }
}

#[test]
fn summary_json_carries_numbers_booleans_and_dates() {
    let ws = Workspace::new();
    records(&ws, 1);
    ws.example_with("in/bad.yaml", &[("supervision: 6", "supervision: 9")]);
    let output = certreport(&["batch", "in", "--out-dir", "out", "--check-only"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let summary: Value =
        serde_json::from_slice(&std::fs::read(ws.path("out/check-summary.json")).unwrap()).unwrap();
    assert!(summary["date"].as_str().unwrap().len() == 10, "YYYY-MM-DD: {}", summary["date"]);
    assert_eq!(summary["total"], 2);
    let rows = summary["rows"].as_array().unwrap();
    let good = rows.iter().find(|r| r["file"].as_str().unwrap().ends_with("r01.yaml")).unwrap();
    assert_eq!(good["score"], 95);
    assert!(good["score"].is_number());
    assert_eq!(good["passed"], true);
    assert_eq!(good["audit_start"]["date"], "2025-12-03", "{good}");
    assert_eq!(good["audit_start"]["half_day"], "am", "{good}");
    assert!(good["error_line"].is_null());
    let bad = rows.iter().find(|r| r["file"].as_str().unwrap().ends_with("bad.yaml")).unwrap();
    assert!(bad["error_line"].is_u64(), "{bad}");
    let csv = String::from_utf8(std::fs::read(ws.path("out/check-summary.csv")).unwrap()).unwrap();
    assert!(csv.starts_with("\u{feff}文件,受审查方,"));
    assert!(csv.contains(",2025 年 12 月 03 日上午,"), "{csv}");
}

#[test]
fn an_output_in_the_way_stops_the_batch_before_it_renders() {
    let ws = Workspace::new();
    records(&ws, 2);
    std::fs::create_dir_all(ws.path("out/reports")).unwrap();
    std::fs::write(ws.path("out/reports/r02.pdf"), "not a PDF").unwrap();
    let output = certreport(&["batch", "in", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("r02.pdf 已存在且不是PDF 文件"), "{}", stderr(&output));
    assert!(!ws.path("out/reports/r01.pdf").exists());
    assert_eq!(std::fs::read(ws.path("out/reports/r02.pdf")).unwrap(), b"not a PDF");

    std::fs::remove_file(ws.path("out/reports/r02.pdf")).unwrap();
    std::fs::write(ws.path("out/summary.csv"), "name,age\n").unwrap();
    let output = certreport(&["batch", "in", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("summary.csv 已存在且不是批量汇总 CSV 文件"), "{}", stderr(&output));
    assert_eq!(std::fs::read(ws.path("out/summary.csv")).unwrap(), b"name,age\n");
}

/// Starts a batch of `in` into `out` in the background.
fn spawn_batch(ws: &Workspace) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_certreport"))
        .args(["batch", "in", "--out-dir", "out", "--jobs", "1", "--force"])
        .current_dir(ws.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until a first report of the batch is on disk.
fn wait_for_a_report(ws: &Workspace) {
    let start = Instant::now();
    while !ws.path("out/reports/r01.pdf").exists() {
        assert!(start.elapsed() < Duration::from_secs(60), "the batch never wrote a report");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_second_batch_into_the_same_out_dir_is_refused() {
    let ws = Workspace::new();
    records(&ws, 12);
    let first = spawn_batch(&ws);
    wait_for_a_report(&ws);
    let second = certreport(&["batch", "in", "--out-dir", "out"], ws.dir.path());
    let first = first.wait_with_output().unwrap();
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    assert!(stderr(&second).contains("正由另一个 certreport batch 写入"), "{}", stderr(&second));
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(statuses(&ws), (12, 0, 0), "the first batch's summary lists its own reports");
}

#[test]
fn a_killed_batch_leaves_nothing_that_the_next_run_does_not_clean() {
    let ws = Workspace::new();
    records(&ws, 30);
    let mut first = spawn_batch(&ws);
    wait_for_a_report(&ws);
    std::thread::sleep(Duration::from_millis(300));
    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();
    // What a run killed in the middle of writing leaves: a hidden temporary file.
    std::fs::write(ws.path("out/reports/.certreport-Ab12Cd.tmp"), "%PDF-1.7 half").unwrap();
    batch(&ws, &[]);
    let files = all_files(&ws.path("out"));
    assert!(files.iter().all(|f| !f.to_string_lossy().ends_with(".tmp")), "{files:?}");
    let pdfs: Vec<_> = files.iter().filter(|f| f.starts_with(ws.path("out/reports"))).collect();
    assert_eq!(pdfs.len(), 30, "{files:?}");
    for pdf in pdfs {
        let info = poppler("pdfinfo", &[], pdf);
        assert!(info.contains("Pages:"), "{}: {info}", pdf.display());
    }
    let (ok, unchanged, failed) = statuses(&ws);
    assert_eq!((ok + unchanged, failed), (30, 0));
}

#[test]
fn a_re_run_renders_only_what_changed_and_force_renders_all() {
    let ws = Workspace::new();
    records(&ws, 5);
    batch(&ws, &[]);
    assert_eq!(statuses(&ws), (5, 0, 0));
    let table = std::fs::read(ws.path("out/summary.pdf")).unwrap();
    let rerun = batch(&ws, &[]);
    assert_eq!(statuses(&ws), (0, 5, 0));
    // The 汇总表 lists the same reports: its parts are taken from the first run, unchanged,
    // and they are what a fresh batch typesets.
    assert_eq!(std::fs::read(ws.path("out/summary.pdf")).unwrap(), table);
    let fresh = certreport(&["batch", "in", "--out-dir", "fresh"], ws.dir.path());
    assert_eq!(fresh.status.code(), Some(0));
    assert_eq!(std::fs::read(ws.path("fresh/summary.pdf")).unwrap(), table);
    assert_eq!(stderr(&rerun).matches("] 未变 ").count(), 5, "{}", stderr(&rerun));
    let kept = summary(&ws);
    assert_eq!(kept["rows"][0]["score"], 95, "an unchanged record keeps its row");
    assert_eq!(kept["unchanged"], 5);

    // One record edited, one report deleted, one report changed.
    ws.example_with("in/r01.yaml", &[("  name: 重庆百环环保科技有限公司", "  name: 改过的客户有限公司")]);
    std::fs::remove_file(ws.path("out/reports/r02.pdf")).unwrap();
    let mut changed = std::fs::read(ws.path("out/reports/r03.pdf")).unwrap();
    changed.extend(b"\n% edited\n");
    std::fs::write(ws.path("out/reports/r03.pdf"), changed).unwrap();
    batch(&ws, &[]);
    assert_eq!(statuses(&ws), (3, 2, 0));
    assert!(pdf_text_compact(&ws.path("out/reports/r01.pdf")).contains("改过的客户有限公司"));
    assert!(ws.path("out/reports/r02.pdf").exists());

    // The profile every record shares: all of them again.
    let profile = std::fs::read_to_string(ws.path("in/cb-profile.yaml")).unwrap();
    std::fs::write(ws.path("in/cb-profile.yaml"), format!("{profile}\n# edited\n")).unwrap();
    batch(&ws, &[]);
    assert_eq!(statuses(&ws), (5, 0, 0));
    batch(&ws, &[]);
    assert_eq!(statuses(&ws), (0, 5, 0));
    batch(&ws, &["--force"]);
    assert_eq!(statuses(&ws), (5, 0, 0));
}
