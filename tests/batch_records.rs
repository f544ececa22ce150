//! A batch's out-dir agrees with the records on disk: never a stale report, never a lost one
//! (a report that cannot be written, superseded versions, deleted and renamed records, a
//! killed batch, a broken manifest, temporary files, file modes), and the arguments and
//! summaries of `check` and `batch`. Through the real binary.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// A folder `in` with the profile and `n` valid records `r01.yaml` … with different clients.
fn records(ws: &Workspace, n: usize) {
    std::fs::create_dir_all(ws.path("in")).unwrap();
    std::fs::copy(repo(PROFILE), ws.path("in/cb-profile.yaml")).unwrap();
    for i in 1..=n {
        client(ws, &format!("in/r{i:02}.yaml"), &format!("测试客户{i:02}有限公司"));
    }
}

/// Writes the example record as `name`, for the client `client`.
fn client(ws: &Workspace, name: &str, client: &str) -> PathBuf {
    ws.example_with(name, &[("  name: 重庆百环环保科技有限公司", &format!("  name: {client}"))])
}

fn summary(ws: &Workspace, file: &str) -> Value {
    serde_json::from_slice(&std::fs::read(ws.path(file)).unwrap()).unwrap()
}

fn rows(ws: &Workspace) -> Vec<Value> {
    summary(ws, "out/summary.json")["rows"].as_array().unwrap().clone()
}

/// The row of summary.json whose file ends in `file`.
fn row(ws: &Workspace, file: &str) -> Value {
    rows(ws).into_iter().find(|r| r["file"].as_str().unwrap().ends_with(file)).expect("a row of the file")
}

/// Runs `batch in --out-dir out` with more arguments; asserts the exit code.
fn batch(ws: &Workspace, extra: &[&str], code: i32) -> Output {
    let mut args = vec!["batch", "in", "--out-dir", "out"];
    args.extend(extra);
    let output = certreport(&args, ws.dir.path());
    assert_eq!(output.status.code(), Some(code), "{}", stderr(&output));
    output
}

/// Runs certreport through bash with `setup` first (`ulimit -f 40`, `umask 027`).
fn certreport_after(setup: &str, args: &[&str], dir: &Path) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!("{setup}; exec \"$@\""))
        .arg("certreport")
        .arg(env!("CARGO_BIN_EXE_certreport"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run bash")
}

/// The files of a folder (not recursive), by name.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

fn superseded(ws: &Workspace) -> Vec<PathBuf> {
    let dir = ws.path("out/.certreport/superseded");
    if dir.is_dir() { all_files(&dir) } else { Vec::new() }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_changed_record_whose_report_cannot_be_written_leaves_no_stale_report() {
    let ws = Workspace::new();
    records(&ws, 2);
    batch(&ws, &[], 0);
    client(&ws, "in/r01.yaml", "改名后的客户有限公司");
    // Too little room for a report (the file-size limit stands for a full disk): the new report
    // of r01 cannot be written, so its old one, of the old client, must leave reports/.
    let output = certreport_after("ulimit -f 100", &["batch", "in", "--out-dir", "out"], ws.dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(!ws.path("out/reports/r01.pdf").exists(), "{:?}", names(&ws.path("out/reports")));
    let moved = superseded(&ws);
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert!(pdf_text_compact(&moved[0]).contains("测试客户01有限公司"));
    let row = row(&ws, "r01.yaml");
    assert_eq!(row["status"], "failed", "{row}");
    assert!(row["first_error"].as_str().unwrap().contains("superseded"), "{row}");
    assert_eq!(row["client"], "改名后的客户有限公司");
    // The unchanged record keeps its report.
    assert_eq!(self::row(&ws, "r02.yaml")["status"], "unchanged");
    assert!(ws.path("out/reports/r02.pdf").exists());
    assert!(all_files(&ws.path("out")).iter().all(|f| !f.to_string_lossy().ends_with(".tmp")));
}

#[test]
fn a_stale_report_that_cannot_be_moved_aside_is_said_so() {
    let ws = Workspace::new();
    records(&ws, 1);
    batch(&ws, &[], 0);
    ws.example_with("in/r01.yaml", &[("supervision: 6", "supervision: 9")]);
    // Something that is no folder where the superseded reports go.
    ws.write("out/.certreport/superseded", "in the way");
    batch(&ws, &[], 1);
    let row = row(&ws, "r01.yaml");
    let note = row["first_error"].as_str().unwrap();
    assert!(note.contains("无法移出 reports/") && note.contains("请勿使用该旧报告"), "{row}");
}

#[test]
fn every_superseded_version_is_kept() {
    let ws = Workspace::new();
    records(&ws, 1);
    batch(&ws, &[], 0);
    let broken = |ws: &Workspace| {
        let text = std::fs::read_to_string(ws.path("in/r01.yaml")).unwrap();
        ws.write("in/r01.yaml", &text.replacen("supervision: 6", "supervision: 9", 1));
    };
    broken(&ws);
    batch(&ws, &[], 1);
    client(&ws, "in/r01.yaml", "第二版客户有限公司");
    batch(&ws, &[], 0);
    broken(&ws);
    batch(&ws, &[], 1);
    let moved = superseded(&ws);
    assert_eq!(moved.len(), 2, "{moved:?}");
    let texts: Vec<String> = moved.iter().map(|pdf| pdf_text_compact(pdf)).collect();
    assert!(texts.iter().any(|t| t.contains("测试客户01有限公司")), "the first version");
    assert!(texts.iter().any(|t| t.contains("第二版客户有限公司")), "the second version");
    assert!(!ws.path("out/reports/r01.pdf").exists());
}

#[test]
fn a_deleted_records_report_leaves_reports_and_the_summaries() {
    let ws = Workspace::new();
    records(&ws, 3);
    batch(&ws, &[], 0);
    std::fs::remove_file(ws.path("in/r02.yaml")).unwrap();
    let output = batch(&ws, &[], 0);
    assert!(stderr(&output).contains("r02"), "the move is said: {}", stderr(&output));
    assert_eq!(names(&ws.path("out/reports")), ["r01.pdf", "r03.pdf"]);
    let moved = superseded(&ws);
    assert_eq!(moved.len(), 1, "kept, not deleted: {moved:?}");
    assert!(pdf_text_compact(&moved[0]).contains("测试客户02有限公司"));
    assert_eq!(rows(&ws).len(), 2);
    assert!(!pdf_text_compact(&ws.path("out/summary.pdf")).contains("测试客户02有限公司"));
    // A batch of one record leaves the others' reports alone.
    let output = certreport(&["batch", "in/r01.yaml", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(names(&ws.path("out/reports")), ["r01.pdf", "r03.pdf"]);
}

#[test]
fn a_new_record_of_the_same_name_never_takes_an_existing_report() {
    let ws = Workspace::new();
    records(&ws, 0);
    client(&ws, "in/r.yml", "甲客户有限公司");
    batch(&ws, &[], 0);
    assert!(pdf_text_compact(&ws.path("out/reports/r.pdf")).contains("甲客户有限公司"));
    // r.yaml sorts before r.yml, but r.pdf is r.yml's report: it stays so.
    client(&ws, "in/r.yaml", "乙客户有限公司");
    let output = batch(&ws, &[], 0);
    assert!(stderr(&output).contains("r.yaml") && stderr(&output).contains("r.yml"), "{}", stderr(&output));
    assert!(pdf_text_compact(&ws.path("out/reports/r.pdf")).contains("甲客户有限公司"));
    assert!(pdf_text_compact(&ws.path("out/reports/r-2.pdf")).contains("乙客户有限公司"));
    assert_eq!(row(&ws, "r.yml")["output"], "out/reports/r.pdf");
    assert_eq!(row(&ws, "r.yml")["status"], "unchanged");
    assert_eq!(row(&ws, "r.yaml")["output"], "out/reports/r-2.pdf");
}

#[test]
fn a_killed_batch_keeps_what_it_finished() {
    let ws = Workspace::new();
    records(&ws, 20);
    let mut first = Command::new(env!("CARGO_BIN_EXE_certreport"))
        .args(["batch", "in", "--out-dir", "out", "--jobs", "1"])
        .current_dir(ws.dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !ws.path("out/reports/r03.pdf").exists() {
        assert!(start.elapsed() < Duration::from_secs(120), "the batch never wrote three reports");
        std::thread::sleep(Duration::from_millis(20));
    }
    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();
    let written = names(&ws.path("out/reports")).iter().filter(|n| n.ends_with(".pdf")).count();
    batch(&ws, &[], 0);
    let unchanged = rows(&ws).iter().filter(|r| r["status"] == "unchanged").count();
    // A report renamed into place just before the kill may not be recorded yet.
    assert!(unchanged >= 2 && unchanged + 1 >= written, "{unchanged} of {written} kept");
}

#[test]
fn a_corrupted_manifest_is_ignored_with_a_warning() {
    for broken in ["bytes", "null", "folder"] {
        let ws = Workspace::new();
        records(&ws, 2);
        batch(&ws, &[], 0);
        let manifest = ws.path("out/.certreport/manifest.json");
        match broken {
            "bytes" => std::fs::write(&manifest, [0x8f, 0x00, 0xff, 0x13, 0x37, b'{', 0xc3]).unwrap(),
            "null" => std::fs::write(&manifest, "null").unwrap(),
            _ => {
                std::fs::remove_file(&manifest).unwrap();
                std::fs::create_dir_all(manifest.join("inside")).unwrap();
            }
        }
        let output = batch(&ws, &[], 0);
        assert!(stderr(&output).contains("警告") && stderr(&output).contains("manifest.json"), "{broken}");
        assert!(rows(&ws).iter().all(|r| r["status"] == "ok"), "{broken}: everything rendered again");
        // The next run has a manifest again.
        batch(&ws, &[], 0);
        assert!(rows(&ws).iter().all(|r| r["status"] == "unchanged"), "{broken}");
    }
}

#[test]
fn summaries_come_from_the_records_not_the_manifest() {
    let ws = Workspace::new();
    records(&ws, 1);
    batch(&ws, &[], 0);
    let manifest = ws.path("out/.certreport/manifest.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("测试客户01有限公司", "伪造的客户").replace("\"score\":95", "\"score\":99"),
    )
    .unwrap();
    batch(&ws, &[], 0);
    let row = row(&ws, "r01.yaml");
    assert_eq!(row["status"], "unchanged");
    assert_eq!(row["client"], "测试客户01有限公司");
    assert_eq!(row["score"], 95);
    assert!(!pdf_text_compact(&ws.path("out/summary.pdf")).contains("伪造的客户"));
}

#[test]
fn temporary_files_are_cleaned_only_in_the_batchs_own_folders() {
    let ws = Workspace::new();
    records(&ws, 1);
    let users = [
        ws.write("out/deep/sub/.certreport-userfile.tmp", "mine"),
        ws.write("out/deep/.certreport-Ab12Cd.tmp", "mine"),
    ];
    let ours = [
        ws.write("out/reports/.certreport-Xy34Zw.tmp", "%PDF half"),
        ws.write("out/.certreport-Qr56St.tmp", "half"),
    ];
    batch(&ws, &[], 0);
    for file in &users {
        assert_eq!(std::fs::read(file).unwrap(), b"mine", "{}", file.display());
    }
    for file in &ours {
        assert!(!file.exists(), "{}", file.display());
    }
}

#[test]
fn reports_honour_the_umask_and_keep_an_existing_mode() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let output = certreport_after("umask 027", &["render", "r.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(mode(&ws.path("r.pdf")), 0o640);
    std::fs::set_permissions(ws.path("r.pdf"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let output = certreport_after("umask 022", &["render", "r.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(mode(&ws.path("r.pdf")), 0o600, "an existing report keeps its mode");

    records(&ws, 1);
    let output = certreport_after("umask 077", &["batch", "in", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for file in ["out/reports/r01.pdf", "out/summary.pdf", "out/summary.csv", "out/summary.json"] {
        assert_eq!(mode(&ws.path(file)), 0o600, "{file}");
    }
}

#[test]
fn render_leaves_no_temporary_file_when_writing_fails_or_after_a_kill() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let output = certreport_after("ulimit -f 100", &["render", "r.yaml"], ws.dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("无法写入") && err.contains("r.pdf"), "{err}");
    assert_eq!(names(ws.dir.path()), ["cb-profile.yaml", "r.yaml"]);
    // What a killed render left beside its output goes with the next one; a user's file of a
    // similar name stays.
    ws.write(".certreport-Ab12Cd.tmp", "%PDF half");
    ws.write(".certreport-userfile.tmp", "mine");
    let output = certreport(&["render", "r.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(names(ws.dir.path()), [".certreport-userfile.tmp", "cb-profile.yaml", "r.pdf", "r.yaml"]);
}

#[test]
fn explicit_profile_and_scheme_arguments_are_what_they_are() {
    let ws = Workspace::new();
    records(&ws, 2);
    std::fs::copy(repo("schemes/gbt27922-2011.yaml"), ws.path("in/scheme.yaml")).unwrap();
    // What `check in/*.yaml` gets from the shell.
    let all = ["check", "in/cb-profile.yaml", "in/r01.yaml", "in/r02.yaml", "in/scheme.yaml"];
    let output = certreport(&all, ws.dir.path());
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}{}", out, stderr(&output));
    assert!(out.contains("in/cb-profile.yaml：认证机构信息文件，0 个错误"), "{out}");
    assert!(out.contains("in/scheme.yaml：评分体系文件，0 个错误"), "{out}");
    let (code, json) = check_json(&all[1..], ws.dir.path());
    assert_eq!(code, Some(0), "{json}");
    let kinds: Vec<&str> =
        json["records"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["profile", "record", "record", "scheme"], "{json}");
    // A broken profile is told as a profile's problem.
    ws.write("in/cb-profile.yaml", "name: 认证机构\npost_code: 100028\nphone: [1]\n");
    let output = certreport(&["check", "in/cb-profile.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("认证机构信息文件，"), "{}", stdout(&output));
    std::fs::copy(repo(PROFILE), ws.path("in/cb-profile.yaml")).unwrap();

    // What `batch in/*.yaml` gets: the profile and the scheme are no records.
    let output = certreport(
        &["batch", "in/cb-profile.yaml", "in/r01.yaml", "in/scheme.yaml", "--out-dir", "out"],
        ws.dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(rows(&ws).len(), 1);
}

#[test]
fn glob_patterns_are_expanded_by_certreport() {
    let ws = Workspace::new();
    records(&ws, 3);
    client(&ws, "in/x-2026.yaml", "二〇二六客户有限公司");
    let output =
        certreport(&["batch", "in/r0[12].yaml", "in/*-2026.yaml", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(names(&ws.path("out/reports")), ["r01.pdf", "r02.pdf", "x-2026.pdf"]);
    let output = certreport(&["check", "in/*.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert_eq!(out.matches("：0 个错误").count(), 4, "{out}");
    assert_eq!(out.matches("：认证机构信息文件，0 个错误").count(), 1, "{out}");
    let output = certreport(&["render", "in/x-*.yaml", "-o", "x.pdf"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(pdf_text_compact(&ws.path("x.pdf")).contains("二〇二六客户有限公司"));
    // A pattern for one record that matches several, or none, is said so.
    let output = certreport(&["render", "in/r*.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("匹配到 3 个文件"), "{}", stderr(&output));
    let output = certreport(&["check", "in/*-2027.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("没有文件与 in/*-2027.yaml 匹配"), "{}", stderr(&output));
    // A file whose name looks like a pattern is itself.
    std::fs::create_dir_all(ws.path("odd")).unwrap();
    std::fs::copy(repo(PROFILE), ws.path("odd/cb-profile.yaml")).unwrap();
    client(&ws, "odd/r[1].yaml", "方括号客户有限公司");
    let output = certreport(&["check", "odd/r[1].yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn check_only_writes_its_own_summaries() {
    let ws = Workspace::new();
    records(&ws, 2);
    batch(&ws, &[], 0);
    let before: Vec<Vec<u8>> = ["summary.csv", "summary.json", "summary.pdf"]
        .iter()
        .map(|f| std::fs::read(ws.path("out").join(f)).unwrap())
        .collect();
    ws.example_with("in/bad.yaml", &[("supervision: 6", "supervision: 9")]);
    batch(&ws, &["--check-only"], 1);
    let after: Vec<Vec<u8>> = ["summary.csv", "summary.json", "summary.pdf"]
        .iter()
        .map(|f| std::fs::read(ws.path("out").join(f)).unwrap())
        .collect();
    assert!(before == after, "the last real summaries stay");
    let check = summary(&ws, "out/check-summary.json");
    let rows = check["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for row in rows {
        let file = row["file"].as_str().unwrap();
        let expected = if file.ends_with("bad.yaml") { "invalid" } else { "valid" };
        assert_eq!(row["status"], expected, "{row}");
        assert_eq!(row["output"], "", "{row}");
    }
    let csv = String::from_utf8(std::fs::read(ws.path("out/check-summary.csv")).unwrap()).unwrap();
    assert!(csv.contains(",检查通过,") && !csv.contains(",成功,"), "{csv}");
}

#[test]
fn a_record_that_failed_to_load_keeps_its_client_in_the_summary() {
    let ws = Workspace::new();
    records(&ws, 0);
    ws.example_with(
        "in/typo.yaml",
        &[("  name: 重庆百环环保科技有限公司", "  name: 读得出名字的客户有限公司\n  nmae: x")],
    );
    batch(&ws, &[], 1);
    let row = row(&ws, "typo.yaml");
    assert_eq!(row["status"], "invalid", "{row}");
    assert_eq!(row["client"], "读得出名字的客户有限公司", "{row}");
    assert_eq!(row["project_number"], "20913-2024-SA", "{row}");
    assert!(pdf_text_compact(&ws.path("out/summary.pdf")).contains("读得出名字的客户有限公司"));
}

#[test]
fn the_summary_table_names_the_cb_and_the_audit_dates() {
    let ws = Workspace::new();
    records(&ws, 2);
    batch(&ws, &[], 0);
    let table = pdf_text_compact(&ws.path("out/summary.pdf"));
    assert!(table.contains("北京国标联合认证有限公司"), "{table}");
    assert!(table.contains("审查日期") && table.contains("2025-12-03"), "{table}");
}
