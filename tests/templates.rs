//! A CB's own template and house style, driven through the real binary: `template new` and an
//! edited copy that renders, the profile's `template:` and `--template`, the data contract
//! (`data`, `schema report-data`, the version a template declares), Typst's errors and
//! warnings at the template's file, line and column, the profile's logo and fonts, the batch
//! manifest's fingerprint of a template folder, and hostile templates: a file of the disk, an
//! image outside the folder, a link out, an endless loop, runaway memory, deep recursion.

mod common;

use std::path::Path;

use common::*;

/// A workspace with the example record and a fresh `template new` copy in `t/`.
fn with_template() -> Workspace {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let output = certreport(&["template", "new", "t"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    ws
}

/// Replaces text in a file of the workspace (the text must be there).
fn edit(ws: &Workspace, file: &str, from: &str, to: &str) {
    let path = ws.path(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} contains {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// `render r.yaml --template t` plus extra arguments.
fn render_with(ws: &Workspace, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["render", "r.yaml", "-o", "r.pdf", "--template", "t"];
    args.extend_from_slice(extra);
    certreport(&args, ws.dir.path())
}

/// The 1-based line of the first line of a file holding `text`.
fn line_of(ws: &Workspace, file: &str, text: &str) -> usize {
    let content = std::fs::read_to_string(ws.path(file)).unwrap();
    content.lines().position(|l| l.contains(text)).expect("the line") + 1
}

#[test]
fn a_template_made_with_template_new_and_edited_renders() {
    let ws = with_template();
    for file in
        ["template.yaml", "report.typ", "style.typ", "blocks.typ", "cover.typ", "sections/6-conclusion.typ"]
    {
        let text = std::fs::read_to_string(ws.path(&format!("t/{file}"))).unwrap();
        assert!(
            text.starts_with("//") || text.starts_with('#'),
            "{file} opens with a comment on what it places"
        );
    }
    // The copy is the built-in template: the same report.
    let output = render_with(&ws, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "no warning from the copy");
    let same = pdf_text(&ws.path("r.pdf"));
    let output = certreport(&["render", "r.yaml", "-o", "builtin.pdf"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(same, pdf_text(&ws.path("builtin.pdf")));
    // Edited: the CB's own words.
    edit(&ws, "t/sections/1-basic.typ", "= 1. 基本信息", "= 1. 受评价方基本情况");
    let output = render_with(&ws, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(pdf_text(&ws.path("r.pdf")).contains("1. 受评价方基本情况"));
    // A second `template new` into the same folder overwrites nothing.
    let output = certreport(&["template", "new", "t"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("不是空的"), "{}", stderr(&output));
    assert!(std::fs::read_to_string(ws.path("t/sections/1-basic.typ")).unwrap().contains("受评价方基本情况"));
}

#[test]
fn the_profile_names_the_template() {
    let ws = with_template();
    edit(&ws, "t/sections/4-suggestions.typ", "= 4. 改进建议", "= 4. 本机构的改进建议");
    std::fs::write(
        ws.path("cb-profile.yaml"),
        std::fs::read_to_string(repo(PROFILE)).unwrap() + "template: t/\n",
    )
    .unwrap();
    let output = certreport(&["render", "r.yaml", "-o", "r.pdf"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(pdf_text(&ws.path("r.pdf")).contains("4. 本机构的改进建议"));
    // A folder that is not there is the profile's error, at its line.
    std::fs::write(
        ws.path("cb-profile.yaml"),
        std::fs::read_to_string(repo(PROFILE)).unwrap() + "template: nowhere/\n",
    )
    .unwrap();
    let output = certreport(&["render", "r.yaml", "-o", "r.pdf"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("报告模板文件夹 nowhere/ 不存在"), "{}", stderr(&output));
    assert!(stderr(&output).contains("cb-profile.yaml:"), "{}", stderr(&output));
}

#[test]
fn a_template_of_another_data_version_is_refused() {
    let ws = with_template();
    edit(&ws, "t/template.yaml", "data_version: \"1.0\"", "data_version: \"2.0\"");
    let output = render_with(&ws, &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("t/template.yaml") && err.contains("2.0") && err.contains("主版本不同"), "{err}");
    assert!(!ws.path("r.pdf").exists());
    edit(&ws, "t/template.yaml", "data_version: \"2.0\"", "data_version: \"1.7\"");
    assert!(stderr(&render_with(&ws, &[])).contains("请升级 certreport"));
    std::fs::remove_file(ws.path("t/template.yaml")).unwrap();
    assert!(stderr(&render_with(&ws, &[])).contains("缺少 template.yaml"));
}

#[test]
fn template_errors_and_warnings_are_placed_in_the_template() {
    let ws = with_template();
    let file = "t/sections/4-suggestions.typ";
    edit(&ws, file, "= 4. 改进建议", "= 4. 改进建议\n#text(font: \"No Such Font\")[x]");
    let output = render_with(&ws, &[]);
    assert_eq!(output.status.code(), Some(0), "a warning does not stop the report: {}", stderr(&output));
    let err = stderr(&output);
    let line = line_of(&ws, file, "No Such Font");
    assert!(err.contains(&format!("t/sections/4-suggestions.typ:{line}:")), "{err}");
    assert!(err.contains("模板警告") && err.contains("unknown font family"), "{err}");
    // An error: Typst's message and hint, at its file, line and column; the record not blamed.
    edit(&ws, file, "#text(font: \"No Such Font\")[x]", "#data.suggestion");
    std::fs::remove_file(ws.path("r.pdf")).unwrap();
    let output = render_with(&ws, &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    let line = line_of(&ws, file, "#data.suggestion");
    assert!(err.contains(&format!("t/sections/4-suggestions.typ:{line}:7: 模板错误")), "{err}");
    assert!(err.contains("does not contain key \"suggestion\""), "{err}");
    assert!(!err.contains("r.yaml"), "the record is not blamed: {err}");
    assert!(!ws.path("r.pdf").exists());
    // A record with errors is the record's: the template is not blamed (nor even typeset).
    ws.example_with("r.yaml", &[("project_number: 20913-2024-SA", "project_number: \"\"")]);
    let output = render_with(&ws, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!stderr(&output).contains("模板"), "{}", stderr(&output));
}

#[test]
fn the_built_in_template_reports_its_own_position() {
    // The built-in template warns about nothing on the example (layout.rs: on any fixture).
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let output = certreport(&["render", "r.yaml", "-o", "r.pdf"], ws.dir.path());
    assert_eq!((output.status.code(), stderr(&output)), (Some(0), String::new()));
}

#[test]
fn data_prints_the_contract_the_schema_publishes() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let output = certreport(&["data", "r.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let data: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(data["version"], "1.0");
    assert_eq!(data["scores"]["principles"][0]["number"], "a)");
    assert_eq!(
        data["basic"]["incidents"][0]["boxes"][0],
        serde_json::json!({"label": "无", "checked": true})
    );
    assert_eq!(data["basic"]["remote"]["ict_tools"][0]["text"], "不适用");
    assert_eq!(data["fonts"]["body"], serde_json::json!(["Noto Serif CJK SC"]));
    // The committed schema is what `schema report-data` prints, and the data validates against it.
    let schema = certreport(&["schema", "report-data"], ws.dir.path());
    let committed = std::fs::read_to_string(repo("schemas/report-data.schema.json")).unwrap();
    assert_eq!(stdout(&schema), committed);
    const SCRIPT: &str = "import json, sys, jsonschema\n\
        schema = json.load(open(sys.argv[1], encoding='utf-8'))\n\
        jsonschema.Draft202012Validator.check_schema(schema)\n\
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(json.load(sys.stdin))]\n\
        print('\\n'.join(errors))\n\
        sys.exit(1 if errors else 0)\n";
    let mut child = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(repo("schemas/report-data.schema.json"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 with jsonschema");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(stdout(&output).as_bytes()).unwrap();
    let checked = child.wait_with_output().unwrap();
    assert_eq!(checked.status.code(), Some(0), "{}", String::from_utf8_lossy(&checked.stdout));
    // A record with errors gives no data.
    ws.example_with("bad.yaml", &[("project_number: 20913-2024-SA", "project_number: \"\"")]);
    assert_eq!(certreport(&["data", "bad.yaml"], ws.dir.path()).status.code(), Some(1));
}

/// A template file that does something hostile, in a fresh copy, rendered.
fn hostile(ws: &Workspace, typst: &str, extra: &[&str]) -> std::process::Output {
    std::fs::write(ws.path("t/sections/5-certificate.typ"), typst).unwrap();
    render_with(ws, extra)
}

#[test]
fn a_template_sees_nothing_of_the_disk() {
    let ws = with_template();
    // A file of the disk: there is no disk.
    let output = hostile(&ws, "#read(\"/etc/passwd\")\n", &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("t/sections/5-certificate.typ:1:") && err.contains("not found"), "{err}");
    assert!(!err.contains("root:"), "{err}");
    // Out of the folder by `..`.
    std::fs::write(ws.path("outside.png"), std::fs::read(repo("examples/house-style-b/logo.svg")).unwrap())
        .unwrap();
    let output = hostile(&ws, "#image(\"../../outside.png\")\n", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("t/sections/5-certificate.typ:1:"), "{}", stderr(&output));
    // A link in the folder (to a file out of it) is refused before anything is typeset.
    std::os::unix::fs::symlink("/etc/passwd", ws.path("t/passwd.txt")).unwrap();
    let output = hostile(&ws, "#read(\"/passwd.txt\")\n", &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("t/passwd.txt") && err.contains("不允许链接"), "{err}");
    assert!(!err.contains("root:"), "{err}");
}

#[test]
fn a_template_that_never_ends_is_stopped() {
    let ws = with_template();
    // An endless `for`: Typst never stops it; the time limit does.
    let output = hostile(&ws, "#for i in range(1000000000000) { }\n", &["--time-limit", "1"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("超过 1 秒仍未完成，已停止") && err.contains("模板"), "{err}");
    assert!(!ws.path("r.pdf").exists());
    // Memory that doubles at every turn: the memory limit.
    let output = hostile(
        &ws,
        "#let s = \"x\"\n#for i in range(64) { s = s + s }\n#s.len()\n",
        &["--memory-limit", "400"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("内存用量超过 400 MiB，已停止"), "{}", stderr(&output));
    // Deep recursion: Typst's own limit, an error at the template's line.
    let output = hostile(&ws, "#let f(n) = f(n + 1)\n#f(0)\n", &[]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("t/sections/5-certificate.typ:1:") && err.contains("maximum function call depth"),
        "{err}"
    );
}

#[test]
fn a_logo_is_read_as_a_referenced_file_and_checked() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let profile = std::fs::read_to_string(repo(PROFILE)).unwrap();
    let with = |extra: &str| std::fs::write(ws.path("cb-profile.yaml"), format!("{profile}{extra}")).unwrap();
    std::fs::copy(repo("examples/house-style-b/logo.svg"), ws.path("logo.svg")).unwrap();
    with("logo: logo.svg\ncover: true\n");
    let output = certreport(&["render", "r.yaml", "-o", "r.pdf"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let info = poppler("pdfinfo", &[], &ws.path("r.pdf"));
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert_eq!(pages, 7, "a cover page more than the built-in six");
    // Not an image, not there, not an image format, too large.
    std::fs::write(ws.path("fake.png"), "not a png").unwrap();
    for (logo, words) in [
        ("fake.png", "不是可读的图片"),
        ("missing.png", "找不到这个文件"),
        ("r.yaml", "只能是 .png、.jpg、.jpeg 或 .svg"),
    ] {
        with(&format!("logo: {logo}\n"));
        let output = certreport(&["check", "r.yaml"], ws.dir.path());
        assert_eq!(output.status.code(), Some(1), "{logo}");
        let err = stdout(&output) + &stderr(&output);
        assert!(err.contains(words) && err.contains("cb-profile.yaml:"), "{logo}: {err}");
    }
    std::fs::write(ws.path("big.png"), vec![0u8; 3 * 1024 * 1024]).unwrap();
    with("logo: big.png\n");
    let err = stderr(&certreport(&["check", "r.yaml"], ws.dir.path()));
    assert!(err.contains("文件过大"), "{err}");
}

#[test]
fn a_font_the_profile_names_must_be_there() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let profile = std::fs::read_to_string(repo(PROFILE)).unwrap();
    std::fs::write(ws.path("cb-profile.yaml"), format!("{profile}fonts:\n  body: LXGW WenKai\n")).unwrap();
    let output = certreport(&["render", "r.yaml", "-o", "r.pdf"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("没有名为“LXGW WenKai”的字体"), "{}", stderr(&output));
    let output = certreport(&["render", "r.yaml", "-o", "r.pdf", "--font-path", WENKAI], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let fonts = poppler("pdffonts", &[], &ws.path("r.pdf"));
    assert!(fonts.contains("LXGWWenKai"), "{fonts}");
}

#[test]
fn the_second_house_style_renders_from_its_folder() {
    let dir = repo("examples/house-style-b");
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("b.pdf");
    let output = certreport(
        &["render", "baihuan-2025.yaml", "-o", pdf.to_str().unwrap(), "--font-path", WENKAI],
        &dir,
    );
    assert_eq!((output.status.code(), stderr(&output)), (Some(0), String::new()));
    let text = pdf_text_compact(&pdf);
    for words in [
        "服务认证评价报告",
        "华信（深圳）服务认证有限公司",
        "1.1受评价方名称",
        "1.13评价组成员",
        "审查组长技术复核批准",
    ] {
        assert!(text.contains(words), "{words}: {text}");
    }
    assert!(poppler("pdffonts", &[], &pdf).contains("LXGWWenKai"));
}

#[test]
fn a_batch_renders_again_what_an_edited_template_made() {
    let ws = with_template();
    std::fs::write(
        ws.path("cb-profile.yaml"),
        std::fs::read_to_string(repo(PROFILE)).unwrap() + "template: t\n",
    )
    .unwrap();
    let batch = |ws: &Workspace| {
        let output = certreport(&["batch", "r.yaml", "--out-dir", "out"], ws.dir.path());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(ws.path("out/summary.json")).unwrap()).unwrap();
        summary["rows"][0]["status"].as_str().unwrap().to_owned()
    };
    assert_eq!(batch(&ws), "ok");
    assert_eq!(batch(&ws), "unchanged");
    edit(&ws, "t/sections/4-suggestions.typ", "= 4. 改进建议", "= 4. 建议");
    assert_eq!(batch(&ws), "ok", "an edited template makes its reports again");
    let report = std::fs::read_dir(ws.path("out")).unwrap().map(|e| e.unwrap().path()).find(|p| {
        p.extension().is_some_and(|e| e == "pdf") && p.file_name().is_some_and(|n| n != "summary.pdf")
    });
    let report = report.or_else(|| {
        let reports = ws.path("out/reports");
        std::fs::read_dir(reports).ok()?.map(|e| e.unwrap().path()).next()
    });
    assert!(pdf_text(Path::new(&report.expect("the report"))).contains("4. 建议"));
}
