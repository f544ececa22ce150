//! Hostile paths and files around a batch and its out-dir: found files read without blocking
//! and within a limit, names that are not UTF-8, re-runs from another working folder, the
//! batch's own folder (links, pipes, inputs inside it), name collisions, a foreign file given
//! as a profile, and the smaller cases of render, watch and init. Through the real binary.

mod common;

use std::ffi::OsStr;
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

/// Runs certreport in `dir`; kills it (failing the test) after `seconds`. Returns its output
/// and the largest resident memory it used, in KiB.
#[expect(clippy::zombie_processes, reason = "reaped by wait4, which also gives its memory use")]
fn run(args: &[&OsStr], dir: &Path, seconds: u64) -> (Output, i64) {
    let out = tempfile::tempfile().unwrap();
    let err = tempfile::tempfile().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_certreport"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(err.try_clone().unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    loop {
        let done = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if done == pid {
            break;
        }
        if start.elapsed() > Duration::from_secs(seconds) {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            panic!("certreport {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let read = |mut f: File| {
        use std::io::{Read, Seek};
        let mut bytes = Vec::new();
        f.rewind().unwrap();
        f.read_to_end(&mut bytes).unwrap();
        bytes
    };
    let output =
        Output { status: std::process::ExitStatus::from_raw(status), stdout: read(out), stderr: read(err) };
    (output, usage.ru_maxrss)
}

fn os<'a>(args: &[&'a str]) -> Vec<&'a OsStr> {
    args.iter().map(|a| OsStr::new(*a)).collect()
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// A folder `in` with the profile and the example record.
fn input_folder(ws: &Workspace) {
    std::fs::create_dir_all(ws.path("in")).unwrap();
    std::fs::copy(repo(PROFILE), ws.path("in/cb-profile.yaml")).unwrap();
    ws.example_with("in/r.yaml", &[]);
}

fn summary(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

fn statuses(dir: &Path) -> Vec<String> {
    summary(dir)["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn found_files_are_read_without_blocking_and_never_beyond_the_limit() {
    let ws = Workspace::new();
    input_folder(&ws);
    mkfifo(&ws.path("in/x.yaml"));
    // Three gigabytes that take no disk: read whole, they would take three gigabytes of memory.
    File::create(ws.path("in/sparse.yaml")).unwrap().set_len(3 << 30).unwrap();
    let (output, max_kib) =
        run(&os(&["batch", "in", "--out-dir", "out", "--check-only", "-j", "1"]), ws.dir.path(), 60);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(max_kib < 1 << 20, "the batch used {max_kib} KiB");
    let text = stderr(&output);
    assert!(text.contains("sparse.yaml") && text.contains("文件过大"), "{text}");
    let summary: Value =
        serde_json::from_slice(&std::fs::read(ws.path("out/check-summary.json")).unwrap()).unwrap();
    assert!(summary["rows"].as_array().unwrap().iter().any(|r| r["status"] == "valid"), "{summary}");
}

#[test]
fn names_that_are_not_utf8_are_reports_of_their_own_and_re_runs_keep_them_apart() {
    let ws = Workspace::new();
    let folder = ws.dir.path().join(OsStr::from_bytes(b"in-\xff"));
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(repo(PROFILE), folder.join("cb-profile.yaml")).unwrap();
    for (name, client) in [(&b"caf\xe9.yaml"[..], "甲"), (&b"caf\xe8.yaml"[..], "乙")] {
        let text =
            example_text().replacen("  name: 重庆百环环保科技有限公司", &format!("  name: 客户{client}"), 1);
        std::fs::write(folder.join(OsStr::from_bytes(name)), text).unwrap();
    }
    let args = [OsStr::new("batch"), folder.as_os_str(), OsStr::new("--out-dir"), OsStr::new("out")];
    let (first, _) = run(&args, ws.dir.path(), 120);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(stderr(&first).contains("caf<0xE9>.yaml"), "{}", stderr(&first));
    for name in [&b"caf\xe9.pdf"[..], b"caf\xe8.pdf"] {
        assert!(ws.path("out/reports").join(OsStr::from_bytes(name)).is_file());
    }
    assert_eq!(statuses(&ws.path("out")), ["ok", "ok"]);
    // The second one's client changes: only it is rendered again, under its own name.
    let edited = folder.join(OsStr::from_bytes(b"caf\xe8.yaml"));
    let text = std::fs::read_to_string(&edited).unwrap().replacen("客户乙", "客户丙", 1);
    std::fs::write(&edited, text).unwrap();
    let (second, _) = run(&args, ws.dir.path(), 120);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    let summary = summary(&ws.path("out"));
    let rows = summary["rows"].as_array().unwrap();
    let status = |client: &str| rows.iter().find(|r| r["client"] == client).map(|r| r["status"].clone());
    assert_eq!(status("客户甲"), Some("unchanged".into()), "{summary}");
    assert_eq!(status("客户丙"), Some("ok".into()), "{summary}");
}

#[test]
fn a_re_run_from_another_working_folder_sees_the_changed_profile() {
    let ws = Workspace::new();
    for dir in ["w1/in", "w2/in"] {
        std::fs::create_dir_all(ws.path(dir)).unwrap();
        std::fs::copy(repo(PROFILE), ws.path(&format!("{dir}/cb-profile.yaml"))).unwrap();
    }
    ws.example_with("w1/in/r.yaml", &[]);
    let first = certreport(&["batch", "in", "--out-dir", "../shared"], &ws.path("w1"));
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let profile = std::fs::read_to_string(ws.path("w1/in/cb-profile.yaml")).unwrap();
    let edited = profile.replacen("name: 北京国标联合认证有限公司", "name: 改名认证有限公司", 1);
    std::fs::write(ws.path("w1/in/cb-profile.yaml"), edited).unwrap();
    // w2/in/cb-profile.yaml is the old profile: a path taken from the working folder finds it.
    let second = certreport(&["batch", "../w1/in", "--out-dir", "../shared"], &ws.path("w2"));
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert_eq!(statuses(&ws.path("shared")), ["ok"]);
    assert!(pdf_text_compact(&ws.path("shared/reports/r.pdf")).contains("改名认证有限公司"));
}

#[test]
fn the_batch_folder_holds_only_its_own_files_and_never_follows_a_link() {
    let ws = Workspace::new();
    input_folder(&ws);
    let first = certreport(&["batch", "in", "--out-dir", "out"], ws.dir.path());
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // The user's files behind a link in place of the parts' folder, named like parts.
    std::fs::create_dir(ws.path("docs")).unwrap();
    let hashed = "0123456789abcdef0123456789abcdef.7.pdf";
    for name in ["notes.2.pdf", hashed] {
        std::fs::write(ws.path("docs").join(name), "%PDF-1.7 mine").unwrap();
    }
    std::fs::remove_dir_all(ws.path("out/.certreport/summary-parts")).unwrap();
    std::os::unix::fs::symlink("../../docs", ws.path("out/.certreport/summary-parts")).unwrap();
    let second = certreport(&["batch", "in", "--out-dir", "out", "--force"], ws.dir.path());
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    for name in ["notes.2.pdf", hashed] {
        assert_eq!(std::fs::read(ws.path("docs").join(name)).unwrap(), b"%PDF-1.7 mine");
    }
    assert!(std::fs::symlink_metadata(ws.path("out/.certreport/summary-parts")).unwrap().is_dir());
    // A file there that the batch did not write stays, even named like a part.
    std::fs::write(ws.path("out/.certreport/summary-parts/notes.2.pdf"), "%PDF-1.7 mine").unwrap();
    let third = certreport(&["batch", "in", "--out-dir", "out", "--force"], ws.dir.path());
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
    assert!(ws.path("out/.certreport/summary-parts/notes.2.pdf").exists());

    // A record given at the manifest's place is never replaced, not even one written as JSON
    // (which YAML reads too).
    let tree: Value = serde_saphyr::from_str(&example_text()).unwrap();
    let record = ws.write("out/.certreport/manifest.json", &serde_json::to_string(&tree).unwrap());
    std::fs::copy(repo(PROFILE), ws.path("out/.certreport/cb-profile.yaml")).unwrap();
    let before = std::fs::read(&record).unwrap();
    let output =
        certreport(&["batch", "in", "out/.certreport/manifest.json", "--out-dir", "out"], ws.dir.path());
    assert_eq!(std::fs::read(&record).unwrap(), before, "{}", stderr(&output));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("就是输入文件"), "{}", stderr(&output));
}

#[test]
fn pipes_in_the_batch_folder_never_block_it() {
    let ws = Workspace::new();
    input_folder(&ws);
    let args = os(&["batch", "in", "--out-dir", "out"]);
    let (first, _) = run(&args, ws.dir.path(), 120);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    // A pipe in place of the manifest and of a part: ignored, everything rendered again.
    std::fs::remove_file(ws.path("out/.certreport/manifest.json")).unwrap();
    mkfifo(&ws.path("out/.certreport/manifest.json"));
    let parts: Vec<_> =
        std::fs::read_dir(ws.path("out/.certreport/summary-parts")).unwrap().flatten().collect();
    assert!(!parts.is_empty());
    for part in &parts {
        std::fs::remove_file(part.path()).unwrap();
        mkfifo(&part.path());
    }
    let (second, _) = run(&args, ws.dir.path(), 120);
    assert_eq!(second.status.code(), Some(0), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("manifest.json") && stderr(&second).contains("警告"),
        "{}",
        stderr(&second)
    );
    assert_eq!(statuses(&ws.path("out")), ["ok"]);
    let (third, _) = run(&args, ws.dir.path(), 120);
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
    assert_eq!(statuses(&ws.path("out")), ["unchanged"], "the manifest is a file again");
    // A pipe as the lock: a clear error at once.
    std::fs::remove_file(ws.path("out/.certreport/lock")).unwrap();
    mkfifo(&ws.path("out/.certreport/lock"));
    let (locked, _) = run(&args, ws.dir.path(), 30);
    assert_eq!(locked.status.code(), Some(2), "{}", stderr(&locked));
    assert!(
        stderr(&locked).contains("锁文件") && stderr(&locked).contains("不是普通文件"),
        "{}",
        stderr(&locked)
    );
}

#[test]
fn a_report_never_takes_a_folder_name_and_a_long_name_fits_its_suffix() {
    let ws = Workspace::new();
    input_folder(&ws);
    std::fs::rename(ws.path("in/r.yaml"), ws.path("in/x.yaml")).unwrap();
    ws.example_with("in/x.pdf/r.yaml", &[]);
    std::fs::copy(repo(PROFILE), ws.path("in/x.pdf/cb-profile.yaml")).unwrap();
    let long = "客".repeat(82) + "abcd"; // 250 bytes
    ws.example_with(&format!("in/{long}.yaml"), &[]);
    ws.example_with(&format!("in/{long}.yml"), &[]);
    let output = certreport(&["batch", "in", "--out-dir", "out", "--check-only"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = certreport(&["batch", "in", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(ws.path("out/reports/x.pdf/r.pdf").is_file());
    assert!(ws.path("out/reports/x-2.pdf").is_file());
    assert!(ws.path(&format!("out/reports/{long}.pdf")).is_file());
    let shortened = "客".repeat(82) + "abc-2.pdf";
    assert!(ws.path(&format!("out/reports/{shortened}")).is_file(), "{}", stderr(&output));
}

#[test]
fn a_foreign_file_as_profile_is_quoted_in_a_few_short_excerpts_only() {
    let ws = Workspace::new();
    let lines: String = (0..2000).map(|i| format!("k{i}: v{i}-secret\n")).collect();
    ws.write("foreign.yaml", &lines);
    ws.example_with("r.yaml", &[("profile: cb-profile.yaml", "profile: foreign.yaml")]);
    let output = certreport(&["check", "r.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.matches("-secret").count() <= 6, "{text}");
    assert!(text.contains("另有"), "{text}");
    assert!(text.len() < 8_000, "{} bytes", text.len());
}

#[test]
fn render_refuses_pages_in_one_file_and_makes_the_folder_of_a_pdf() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let output = certreport(&["render", "r.yaml", "-o", "a/{p}/../same.png"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!ws.path("a").exists());
    let output = certreport(&["render", "r.yaml", "-o", "nodir/x.pdf"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(ws.path("nodir/x.pdf").is_file());
}

#[test]
fn a_batch_output_that_is_an_input_is_worded_for_the_batch() {
    let ws = Workspace::new();
    input_folder(&ws);
    ws.example_with("out/reports/r.pdf", &[]);
    std::fs::copy(repo(PROFILE), ws.path("out/reports/cb-profile.yaml")).unwrap();
    let output = certreport(&["batch", "in/r.yaml", "out/reports/r.pdf", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("就是输入文件") && text.contains("--out-dir") && !text.contains("-o "), "{text}");
}

#[test]
fn watch_stops_at_once_when_its_output_is_its_record() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    std::fs::hard_link(ws.path("r.yaml"), ws.path("r.pdf")).unwrap();
    let (output, _) = run(&os(&["watch", "r.yaml", "-o", "r.pdf"]), ws.dir.path(), 30);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("就是输入文件"), "{}", stderr(&output));
}

#[test]
fn files_a_batch_passes_over_are_named() {
    let ws = Workspace::new();
    input_folder(&ws);
    ws.example_with("in/.yaml", &[]);
    let deep: String = (0..33).map(|i| format!("d{i}/")).collect();
    ws.example_with(&format!("in/{deep}r.yaml"), &[]);
    let output = certreport(&["batch", "in", "--out-dir", "out", "--check-only"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("in/.yaml") && text.contains("文件名只有扩展名"), "{text}");
    assert!(text.contains("超过 32 层"), "{text}");
}

#[test]
fn init_writes_the_profile_as_one_quoted_value_and_refuses_control_characters() {
    let ws = Workspace::new();
    let output = certreport(&["init", "--profile", "x\nevil: 1", "-o", "a.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!ws.path("a.yaml").exists());
    let output = certreport(&["init", "--profile", "cb: #1.yaml", "-o", "b.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let tree: Value = serde_saphyr::from_str(&std::fs::read_to_string(ws.path("b.yaml")).unwrap()).unwrap();
    assert_eq!(tree["profile"], "cb: #1.yaml");
}
