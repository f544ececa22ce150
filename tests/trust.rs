//! Trust (issue #9): hostile referenced files are refused unread and never echoed, control
//! characters never reach the terminal or a summary, text the fonts cannot draw or that
//! reorders itself is an error, nothing left to score is an error, loading errors map to their
//! exit codes, and reports are PDF/A.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Runs `certreport`, failing the test (instead of hanging it) after a minute.
fn certreport_in_time(args: &[&str], dir: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_certreport"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run certreport");
    let start = Instant::now();
    while child.try_wait().expect("wait for certreport").is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().ok();
            panic!("certreport {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("certreport's output")
}

/// A line no message may ever show: it stands for a secret in a file a record points at.
const SECRET: &str = "root:$6$SECRETSALT$0123456789abcdefghijklmnopqrstuvwxyzENDOFSECRET:19000:0:99999:7:::";

fn assert_no_raw_controls(text: &str) {
    assert!(
        !text.chars().any(|c| c != '\n' && c != '\t' && certreport::base::diagnostic::is_control_or_bidi(c)),
        "raw control characters in {text:?}"
    );
}

#[test]
fn hostile_profile_paths_are_refused_unread() {
    let ws = Workspace::new();
    std::fs::create_dir(ws.path("folder.yaml")).unwrap();
    let fifo = ws.path("fifo.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo (coreutils)");
    assert!(made.success());
    std::os::unix::fs::symlink("/etc/passwd", ws.path("link.yaml")).unwrap();
    ws.write("secret.txt", SECRET);
    let deep = "../".repeat(20);
    let cases = [
        ("/etc/shadow".to_owned(), "只能引用 .yaml 或 .yml 文件"),
        (format!("{deep}proc/self/environ"), "只能引用 .yaml 或 .yml 文件"),
        ("/proc/kmsg".to_owned(), "只能引用 .yaml 或 .yml 文件"),
        ("secret.txt".to_owned(), "只能引用 .yaml 或 .yml 文件"),
        ("fifo.yaml".to_owned(), "不是一个普通文件"),
        ("folder.yaml".to_owned(), "不是一个普通文件"),
        ("link.yaml".to_owned(), "不是 .yaml 或 .yml 文件"),
        ("/dev/zero.yaml".to_owned(), "找不到这个文件"),
    ];
    for (path, why) in cases {
        for field in ["profile", "previous", "scheme"] {
            let line = format!("{field}: \"{path}\"");
            let edit = if field == "profile" {
                ("profile: cb-profile.yaml".to_owned(), line)
            } else {
                ("profile: cb-profile.yaml".to_owned(), format!("profile: cb-profile.yaml\n{line}"))
            };
            let record = ws.example_with("r.yaml", &[(&edit.0, &edit.1)]);
            let output = certreport_in_time(&["check", record.to_str().unwrap()], ws.dir.path());
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(1), "{field}: {path}: {err}");
            // A scheme is a built-in id unless its name ends in .yaml / .yml.
            let why = if field == "scheme" && !path.ends_with(".yaml") { "内置评分体系" } else { why };
            assert!(err.contains(why) && err.contains(&format!("字段：{field}")), "{field}: {path}: {err}");
            assert!(!err.contains("root:") && !err.contains("ENDOFSECRET"), "{field}: {path} echoed: {err}");
        }
    }
}

#[test]
fn a_referenced_yaml_file_is_quoted_only_in_a_short_excerpt_even_in_a_batch() {
    let ws = Workspace::new();
    ws.write("leaky.yaml", &format!("{SECRET}\n"));
    ws.example_with("in/a.yaml", &[("profile: cb-profile.yaml", "profile: ../leaky.yaml")]);
    let secret_start = &SECRET[..SECRET.len() / 2];
    let output = certreport_in_time(&["check", "in/a.yaml"], ws.dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("leaky.yaml"), "{err}");
    assert!(!err.contains(secret_start) && !err.contains("ENDOFSECRET"), "{err}");

    let output = certreport_in_time(&["batch", "in", "--out-dir", "out", "--check-only"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!stderr(&output).contains("ENDOFSECRET"));
    for summary in ["summary.csv", "summary.json"] {
        let text = std::fs::read_to_string(ws.path("out").join(summary)).unwrap();
        assert!(text.contains("leaky.yaml"), "{summary}: {text}");
        assert!(!text.contains(secret_start) && !text.contains("ENDOFSECRET"), "{summary}: {text}");
    }
}

#[test]
fn control_characters_in_a_record_are_errors_shown_as_code_points() {
    let ws = Workspace::new();
    let record = ws.example_with(
        "r.yaml",
        &[("  name: 重庆百环环保科技有限公司", "  name: \"重庆\\e[2J\\e]0;pwned\\a百环\\0公司\"")],
    );
    let output = certreport_in_time(&["check", record.to_str().unwrap()], ws.dir.path());
    let (out, err) = (stdout(&output), stderr(&output));
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("U+001B") && err.contains("U+0007") && err.contains("U+0000"), "{err}");
    assert!(err.contains("字段：client.name"), "{err}");
    assert_no_raw_controls(&err);
    assert_no_raw_controls(&out);

    let output = certreport_in_time(&["batch", "r.yaml", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert_no_raw_controls(&stderr(&output));
    for summary in ["summary.csv", "summary.json"] {
        let text = std::fs::read_to_string(ws.path("out").join(summary)).unwrap();
        // JSON escapes controls itself; what must not be there is the raw byte.
        assert!(!text.contains('\u{1b}') && !text.contains('\0'), "{summary}: {text:?}");
    }
}

/// Text the embedded fonts cannot draw, or that reorders itself, in one field each.
const UNPRINTABLE: [(&str, &str, &str); 7] = [
    ("  name: 重庆百环环保科技有限公司", "  name: 重庆百环😀公司", "U+1F600"),
    ("  name: 重庆百环环保科技有限公司", "  name: 重庆百环བོད公司", "U+0F56"),
    ("  name: 重庆百环环保科技有限公司", "  name: \"重庆百环\\u202E司公限有\"", "U+202E"),
    ("  name: 重庆百环环保科技有限公司", "  name: 重庆𠀀百环公司", "U+20000"),
    // A space the fonts have no glyph for; invisible characters the text layer would keep.
    ("  name: 重庆百环环保科技有限公司", "  name: \"重庆百环\\u1680公司\"", "U+1680"),
    ("  name: 重庆百环环保科技有限公司", "  name: \"重庆百环\\uFEFF公司\"", "U+FEFF"),
    ("  name: 重庆百环环保科技有限公司", "  name: \"重庆百环\\U000E0041公司\"", "U+E0041"),
];

#[test]
fn characters_without_a_glyph_and_bidi_controls_stop_render_and_check() {
    let ws = Workspace::new();
    for (from, to, code) in UNPRINTABLE {
        let record = ws.example_with("r.yaml", &[(from, to)]);
        for command in ["check", "render"] {
            let output = certreport_in_time(&[command, record.to_str().unwrap()], ws.dir.path());
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(1), "{command} {to}: {err}");
            assert!(err.contains(code) && err.contains("字段：client.name"), "{command} {to}: {err}");
            assert!(err.contains("r.yaml:13:"), "{command} {to}: the line is named: {err}");
            assert_no_raw_controls(&err);
        }
        assert!(!ws.path("r.pdf").exists(), "no report for {to}");
    }
}

#[test]
fn a_profile_character_without_a_glyph_is_named_at_the_profile_field() {
    let ws = Workspace::new();
    let profile = std::fs::read_to_string(ws.path("cb-profile.yaml")).unwrap();
    let (first, rest) = profile.split_once("name: ").expect("the profile has a name");
    ws.write("cb-profile.yaml", &format!("{first}name: 🏢{rest}"));
    let record = ws.example_with("r.yaml", &[]);
    let output = certreport_in_time(&["check", record.to_str().unwrap()], ws.dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("认证机构信息文件的字段 name") && err.contains("U+1F3E2"), "{err}");
}

#[test]
fn a_font_for_another_script_makes_that_script_pass() {
    // Debian's fonts-tibetan-machine (Tibetan Machine Uni).
    let fonts = Path::new("/usr/share/fonts/truetype/tibetan-machine");
    assert!(
        fonts.is_dir(),
        "the tests need Debian's fonts-tibetan-machine (apt-get install fonts-tibetan-machine)"
    );
    let ws = Workspace::new();
    let (from, to, _) = UNPRINTABLE[1];
    let record = ws.example_with("r.yaml", &[(from, to)]);
    let font_path = fonts.to_str().unwrap();
    let output =
        certreport_in_time(&["check", record.to_str().unwrap(), "--font-path", font_path], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = certreport_in_time(&["render", "r.yaml", "--font-path", font_path], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(pdf_text_compact(&ws.path("r.pdf")).contains("重庆百环བོད公司"));
    // The emoji is still not covered.
    let record = ws.example_with("e.yaml", &[(UNPRINTABLE[0].0, UNPRINTABLE[0].1)]);
    let output =
        certreport_in_time(&["check", record.to_str().unwrap(), "--font-path", font_path], ws.dir.path());
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_batch_checks_glyphs_too() {
    let ws = Workspace::new();
    let (from, to, code) = UNPRINTABLE[0];
    ws.example_with(
        "in/bad.yaml",
        &[(from, to), ("profile: cb-profile.yaml", "profile: ../cb-profile.yaml")],
    );
    let output = certreport_in_time(&["batch", "in", "--out-dir", "out", "--check-only"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let csv = std::fs::read_to_string(ws.path("out/summary.csv")).unwrap();
    assert!(csv.contains(code), "{csv}");
}

fn with_scores(ws: &Workspace, excluded: &[&str]) -> std::path::PathBuf {
    let mut text = example_text();
    for key in excluded {
        let start = text.find(&format!("\n  {key}: ")).unwrap_or_else(|| panic!("{key} is scored")) + 1;
        let end = start + text[start..].find('\n').unwrap();
        text.replace_range(start..end, &format!("  {key}: excluded"));
    }
    ws.write("r.yaml", &text)
}

const ALL_INDICATORS: [&str; 15] = [
    "organisation",
    "staffing",
    "resources",
    "service_standards",
    "supervision",
    "improvement",
    "service_culture",
    "product_information",
    "technical_support",
    "delivery",
    "repair",
    "quality_assurance",
    "recycling",
    "customer_relations",
    "complaint_handling",
];

#[test]
fn nothing_left_to_score_is_an_error() {
    let ws = Workspace::new();
    let record = with_scores(&ws, &ALL_INDICATORS);
    let output = certreport_in_time(&["check", record.to_str().unwrap()], ws.dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("所有指标都已删减") && err.contains("字段：scores"), "{err}");
    let output = certreport_in_time(&["render", "r.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(!ws.path("r.pdf").exists());
}

#[test]
fn a_whole_first_level_indicator_excluded_is_a_warning() {
    let ws = Workspace::new();
    let record = with_scores(&ws, &["customer_relations", "complaint_handling"]);
    let output = certreport_in_time(&["check", record.to_str().unwrap()], ws.dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(err.contains("警告：一级指标“顾客服务”的全部二级指标"), "{err}");
}

#[test]
fn an_unreadable_record_is_an_io_error_and_an_invalid_one_a_record_error() {
    let ws = Workspace::new();
    std::fs::create_dir(ws.path("dir.yaml")).unwrap();
    assert!(Command::new("mkfifo").arg(ws.path("pipe.yaml")).status().unwrap().success());
    for unreadable in ["missing.yaml", "dir.yaml", "pipe.yaml"] {
        let output = certreport_in_time(&["check", unreadable], ws.dir.path());
        assert_eq!(output.status.code(), Some(2), "{unreadable}: {}", stderr(&output));
        let output = certreport_in_time(&["render", unreadable], ws.dir.path());
        assert_eq!(output.status.code(), Some(2), "{unreadable}: {}", stderr(&output));
    }
    ws.write("broken.yaml", "profile: [\n");
    let output = certreport_in_time(&["check", "broken.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    // A missing profile is the record's mistake, reported at its field.
    ws.example_with("r.yaml", &[("profile: cb-profile.yaml", "profile: gone.yaml")]);
    let output = certreport_in_time(&["check", "r.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("找不到这个文件"));
    let output = certreport_in_time(&["next", "pipe.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

/// The PDF/A identification in a PDF's XMP metadata: (part, conformance).
fn pdfa_identification(pdf: &Path) -> Option<(String, String)> {
    let meta = poppler("pdfinfo", &["-meta"], pdf);
    let field = |name: &str| {
        let open = format!("<pdfaid:{name}>");
        let start = meta.find(&open)? + open.len();
        let end = start + meta[start..].find('<')?;
        Some(meta[start..end].to_owned())
    };
    Some((field("part")?, field("conformance")?))
}

#[test]
fn reports_are_pdf_a_2a_by_default_and_the_standard_can_be_chosen() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let output = certreport_in_time(&["render", "r.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let pdf = ws.path("r.pdf");
    assert_eq!(pdfa_identification(&pdf), Some(("2".into(), "A".into())));
    let bytes = std::fs::read(&pdf).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    assert!(raw.contains("pdfaid:part>2<") && raw.contains("pdfaid:conformance>A<"));
    assert!(raw.contains("/StructTreeRoot"), "tagged");

    for (standard, expected) in
        [("a-2u", Some(("2", "U"))), ("a-3b", Some(("3", "B"))), ("ua-1", None), ("1.7", None)]
    {
        let output = certreport_in_time(
            &["render", "r.yaml", "-o", "s.pdf", "--pdf-standard", standard],
            ws.dir.path(),
        );
        assert_eq!(output.status.code(), Some(0), "{standard}: {}", stderr(&output));
        let found = pdfa_identification(&ws.path("s.pdf"));
        assert_eq!(found, expected.map(|(p, c)| (p.to_owned(), c.to_owned())), "{standard}");
    }
    // PDF/UA-1: the headings' levels never skip one.
    let output =
        certreport_in_time(&["render", "r.yaml", "-o", "s.pdf", "--pdf-standard", "ua-1"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(poppler("pdfinfo", &["-meta"], &ws.path("s.pdf")).contains("<pdfuaid:part>1<"));
    let output = certreport_in_time(&["render", "r.yaml", "--pdf-standard", "a-9z"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("不是可选的 PDF 标准"), "{}", stderr(&output));
}

#[test]
fn batch_reports_are_pdf_a_and_the_summary_table_plain() {
    let ws = Workspace::new();
    ws.example_with("in/a.yaml", &[("profile: cb-profile.yaml", "profile: ../cb-profile.yaml")]);
    let output = certreport_in_time(&["batch", "in", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(pdfa_identification(&ws.path("out/reports/a.pdf")), Some(("2".into(), "A".into())));
    assert_eq!(pdfa_identification(&ws.path("out/summary.pdf")), None);
    let output =
        certreport_in_time(&["batch", "in", "--out-dir", "out2", "--pdf-standard", "a-2b"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(pdfa_identification(&ws.path("out2/reports/a.pdf")), Some(("2".into(), "B".into())));
}

#[test]
fn file_references_are_not_glyph_checked_as_printed_text() {
    let ws = Workspace::new();
    std::fs::copy(ws.path("cb-profile.yaml"), ws.path("机构😀.yaml")).unwrap();
    ws.example_with("r.yaml", &[("profile: cb-profile.yaml", "profile: 机构😀.yaml")]);
    let output = certreport_in_time(&["check", "r.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn next_writes_client_text_only_inside_its_comment_line() {
    let ws = Workspace::new();
    let name = r#"  name: "重庆百环\nscope: {text: 注入的范围}\r\t#""#;
    ws.example_with("r.yaml", &[("  name: 重庆百环环保科技有限公司", name)]);
    let output = certreport_in_time(&["next", "r.yaml", "-o", "n.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(ws.path("n.yaml")).unwrap();
    let header = written.lines().find(|l| l.contains("certreport next")).unwrap();
    assert!(header.starts_with("# 重庆百环<U+000A>scope:"), "{written}");
    assert!(!written.contains("\nscope: {text"), "{written}");
    // The record it wrote reads back: the structure check finds no key written twice.
    let json = check_json(&["n.yaml"], ws.dir.path()).1;
    let codes: Vec<&str> = json["records"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(!codes.contains(&"duplicate-key") && !codes.contains(&"syntax"), "{codes:?}");
    assert_eq!(json["records"][0]["loaded"], true, "{json}");
}

#[test]
fn next_warns_when_its_source_still_has_errors() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[("role: leader", "role: member")]);
    let output = certreport_in_time(&["next", "r.yaml", "-o", "n.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("仍有 1 个错误"), "{}", stderr(&output));
}

#[test]
fn file_names_with_controls_or_invalid_utf8_are_shown_escaped_and_never_crash() {
    use std::os::unix::ffi::OsStrExt;
    let ws = Workspace::new();
    let hostile = "r\u{1b}]0;pwn\u{7}\u{202e}.yaml";
    ws.example_with(hostile, &[]);
    let output = certreport_in_time(&["render", hostile], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("r<U+001B>]0;pwn<U+0007><U+202E>.pdf"), "{out}");
    assert_no_raw_controls(&out);

    let latin1 = std::ffi::OsStr::from_bytes(b"caf\xe9.yaml");
    std::fs::copy(ws.path(hostile), ws.dir.path().join(latin1)).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_certreport"))
        .args([std::ffi::OsStr::new("check"), "--format".as_ref(), "json".as_ref(), latin1])
        .current_dir(ws.dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["records"][0]["file"], "caf<0xE9>.yaml");
}

#[test]
fn a_reader_that_goes_away_stops_nothing() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_certreport"))
        .args(std::iter::once("check").chain(std::iter::repeat_n("r.yaml", 200)))
        .current_dir(ws.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn command_line_mistakes_are_explained_in_chinese() {
    let ws = Workspace::new();
    for (args, words) in [
        (&["rendr"][..], "不认识的命令 rendr；是否应为 render？"),
        (&["check", "--format", "xml", "r.yaml"], "参数 --format <FORMAT> 的值“xml”无效；可选：text, json"),
        (&["render", "--bogus", "r.yaml"], "不认识的参数 --bogus"),
        (&["check"], "缺少参数"),
    ] {
        let output = certreport_in_time(args, ws.dir.path());
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(words) && err.contains("用法见 certreport --help"), "{args:?}: {err}");
        assert!(!err.contains("error:") && !err.contains("Usage"), "{args:?}: {err}");
    }
}

#[test]
fn text_problems_are_listed_with_structural_ones() {
    let ws = Workspace::new();
    ws.example_with(
        "r.yaml",
        &[
            ("  name: 重庆百环环保科技有限公司", "  name: 重庆百环😀公司\n  phon: 1"),
            ("organisation: 4", "organisation: 4.001"),
        ],
    );
    for command in ["check", "render"] {
        let output = certreport_in_time(&[command, "r.yaml"], ws.dir.path());
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        for expected in ["U+1F600", "phon", "4.001"] {
            assert!(err.contains(expected), "{command}: {expected} not listed: {err}");
        }
    }
}

#[test]
fn a_record_leading_into_proc_is_refused_unread() {
    let ws = Workspace::new();
    std::os::unix::fs::symlink("/proc/self/environ", ws.path("env.yaml")).unwrap();
    std::fs::create_dir(ws.path("in")).unwrap();
    std::os::unix::fs::symlink("/proc/self/status", ws.path("in/status.yaml")).unwrap();
    let output = certreport_in_time(&["check", "env.yaml"], ws.dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("不是一个普通文件") && !err.contains("PATH=") && !err.contains(" | "), "{err}");
    let output = certreport_in_time(&["batch", "in", "--out-dir", "out"], ws.dir.path());
    let summary = std::fs::read_to_string(ws.path("out/summary.csv")).unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!summary.contains("Name:") && !summary.contains("Pid"), "{summary}");
}

#[test]
fn the_summary_table_writes_what_its_fonts_cannot_draw_as_code_points() {
    let ws = Workspace::new();
    std::fs::create_dir(ws.path("in")).unwrap();
    std::fs::copy(ws.path("cb-profile.yaml"), ws.path("in/cb-profile.yaml")).unwrap();
    ws.example_with("in/a.yaml", &[("  name: 重庆百环环保科技有限公司", "  name: 重庆百环😀公司")]);
    let output = certreport_in_time(&["batch", "in", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let table = pdf_text_compact(&ws.path("out/summary.pdf"));
    assert!(table.contains("重庆百环<U+1F600>公司"), "{table}");
    assert!(!table.contains('😀'), "{table}");
    // A record with errors has no score, level or result in the summaries.
    assert!(!table.contains("通过") && !table.contains("五星级"), "{table}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("out/summary.json")).unwrap()).unwrap();
    let row = &json["rows"][0];
    assert!(row["score"].is_null() && row["passed"].is_null() && row["level"] == "", "{row}");
}

#[test]
fn an_inconsistent_scheme_is_told_in_full_at_its_field() {
    let ws = Workspace::new();
    let scheme = std::fs::read_to_string(repo("schemes/gbt27922-2011.yaml")).unwrap();
    assert!(scheme.contains("可产生 {bonus_points} 分"));
    ws.write("s.yaml", &scheme.replacen("可产生 {bonus_points} 分", "可产生 {bonus_points 分", 1));
    ws.example_with("r.yaml", &[("profile: cb-profile.yaml", "profile: cb-profile.yaml\nscheme: s.yaml")]);
    let output = certreport_in_time(&["check", "r.yaml"], ws.dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("“{”没有配对的“}”") && err.contains("{pass_score}"), "{err}");
    let line = scheme.lines().position(|l| l.contains("可产生 {bonus_points} 分")).unwrap() + 1;
    assert!(err.contains(&format!("s.yaml:{line}:")), "line {line}: {err}");
}

#[test]
fn next_counts_text_problems_among_its_source_errors() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[("  name: 重庆百环环保科技有限公司", "  name: 重庆百环😀公司")]);
    let output = certreport_in_time(&["next", "r.yaml", "-o", "n.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("仍有 1 个错误"), "{}", stderr(&output));
}

#[test]
fn the_report_of_a_record_that_now_fails_is_moved_aside_not_left_as_current() {
    let ws = Workspace::new();
    std::fs::create_dir(ws.path("in")).unwrap();
    std::fs::copy(ws.path("cb-profile.yaml"), ws.path("in/cb-profile.yaml")).unwrap();
    ws.example_with("in/a.yaml", &[]);
    ws.example_with("in/b.yaml", &[]);
    let output = certreport_in_time(&["batch", "in", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = std::fs::read(ws.path("out/reports/a.pdf")).unwrap();
    ws.example_with("in/a.yaml", &[("role: leader", "role: member")]);
    // --check-only moves nothing.
    let output = certreport_in_time(&["batch", "in", "--out-dir", "out", "--check-only"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(ws.path("out/reports/a.pdf").exists());
    let output = certreport_in_time(&["batch", "in", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!ws.path("out/reports/a.pdf").exists(), "a stale report stays among the current ones");
    assert_eq!(std::fs::read(ws.path("out/.certreport/superseded/a.pdf")).unwrap(), report, "kept");
    assert!(ws.path("out/reports/b.pdf").exists());
    let summary = std::fs::read_to_string(ws.path("out/summary.csv")).unwrap();
    assert!(summary.contains("移至") && summary.contains("superseded"), "{summary}");
    // A PDF that is not the one the batch wrote is never moved.
    std::fs::write(ws.path("out/reports/a.pdf"), b"%PDF-1.7 mine").unwrap();
    let output = certreport_in_time(&["batch", "in", "--out-dir", "out"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(std::fs::read(ws.path("out/reports/a.pdf")).unwrap(), b"%PDF-1.7 mine");
}

#[test]
fn an_empty_record_says_so() {
    let ws = Workspace::new();
    for (name, text) in [("empty.yaml", ""), ("comment.yaml", "# 只有注释\n\n")] {
        ws.write(name, text);
        let output = certreport_in_time(&["check", name], ws.dir.path());
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{err}");
        assert!(err.contains("文件中没有内容") && err.contains("certreport init"), "{name}: {err}");
    }
}
