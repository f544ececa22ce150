//! The JSON Schemas: `certreport schema` prints what is committed under `schemas/`; an
//! independent validator (Python's jsonschema) accepts every example and valid fixture against them and
//! refuses every broken fixture; and `check` reports every structural problem of a record in
//! one run, each at its line with its path, what was expected and the nearest valid key.

mod common;

use std::path::{Path, PathBuf};

use common::*;

const KINDS: [&str; 3] = ["record", "profile", "scheme"];

#[test]
fn the_committed_schemas_are_generated_from_the_types() {
    for kind in KINDS {
        let output = certreport(&["schema", kind], &repo(""));
        assert!(output.status.success(), "{}", stderr(&output));
        let file = format!("schemas/{kind}.schema.json");
        let committed = std::fs::read_to_string(repo(&file)).unwrap_or_default();
        assert!(
            stdout(&output) == committed,
            "{file} differs from the types; regenerate it with\n    cargo run --release -- schema {kind} > {file}"
        );
    }
}

#[test]
fn the_default_schema_is_the_records() {
    let output = certreport(&["schema"], &repo(""));
    assert_eq!(stdout(&output), std::fs::read_to_string(repo("schemas/record.schema.json")).unwrap());
}

/// Every `.yaml` file under a folder, recursively.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
        let path = entry.path();
        if path.is_dir() {
            files.extend(yaml_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
            // A template's manifest is no record, profile or scheme (report::template checks it).
            && path.file_name().is_some_and(|n| n != "template.yaml")
        {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The schema a file names on its first line (`# yaml-language-server: $schema=…`).
fn named_schema(file: &Path, text: &str) -> PathBuf {
    let line = text.lines().next().unwrap_or_default();
    let target = line
        .strip_prefix("# yaml-language-server: $schema=")
        .unwrap_or_else(|| panic!("{} does not start with the schema line", file.display()));
    file.parent().unwrap().join(target)
}

/// Validates a YAML file against the schema it names with an independent validator, the
/// reference implementation of JSON Schema (Python's `jsonschema`, Debian's
/// python3-jsonschema): the errors, if any. The YAML is read into JSON by serde-saphyr.
fn validate(file: &Path) -> Result<(), String> {
    const SCRIPT: &str = "import json, sys, jsonschema\n\
        schema = json.load(open(sys.argv[1], encoding='utf-8'))\n\
        jsonschema.Draft202012Validator.check_schema(schema)\n\
        errors = ['/'.join(map(str, e.absolute_path)) + ': ' + e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(json.load(sys.stdin))]\n\
        print('\\n'.join(errors))\n\
        sys.exit(1 if errors else 0)\n";
    let text = std::fs::read_to_string(file).unwrap();
    let schema_file = named_schema(file, &text);
    let document: serde_json::Value = serde_saphyr::from_str(&text).expect("the fixture is YAML");
    let mut child = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(&schema_file)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is needed for the schema tests (apt-get install python3-jsonschema)");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(document.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    match output.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(String::from_utf8_lossy(&output.stdout).into_owned()),
        _ => panic!(
            "the validator failed (apt-get install python3-jsonschema): {}",
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

#[test]
fn examples_and_valid_fixtures_validate_against_the_committed_schemas() {
    let mut files = yaml_files(&repo("examples"));
    files.extend(yaml_files(&repo("schemes")));
    files.extend(
        yaml_files(&repo("tests/fixtures"))
            .into_iter()
            .filter(|f| !f.components().any(|c| c.as_os_str() == "broken")),
    );
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        if let Err(errors) = validate(&file) {
            panic!("{} does not validate:\n{errors}", file.display());
        }
    }
}

#[test]
fn broken_fixtures_fail_the_committed_schemas() {
    let files = yaml_files(&repo("tests/fixtures/broken"));
    assert!(files.len() >= 5, "{files:?}");
    for file in files {
        assert!(validate(&file).is_err(), "{} validates but is broken", file.display());
    }
}

#[test]
fn a_valid_fixture_is_also_a_valid_record() {
    let output = certreport(&["check", "tests/fixtures/valid/initial-combined-multisite.yaml"], &repo(""));
    assert_eq!(output.status.code(), Some(0), "{}{}", stderr(&output), stdout(&output));
}

/// `check`'s diagnostics: (message, position line, path, expected).
/// The diagnostic of `found` at a YAML path; the test fails, showing `stderr`, without one.
fn at_path<'a>(
    found: &'a [(String, usize, String, String)],
    path: &str,
    stderr: &str,
) -> &'a (String, usize, String, String) {
    found.iter().find(|d| d.2 == path).unwrap_or_else(|| panic!("{path}: {stderr}"))
}

fn diagnostics(stderr: &str) -> Vec<(String, usize, String, String)> {
    let mut found: Vec<(String, usize, String, String)> = Vec::new();
    for line in stderr.lines() {
        if let Some(message) = line.strip_prefix("错误：") {
            found.push((message.to_owned(), 0, String::new(), String::new()));
        } else if let Some(last) = found.last_mut() {
            let line = line.trim_start();
            if let Some(at) = line.strip_prefix("--> ") {
                last.1 = at.rsplit(':').nth(1).and_then(|n| n.parse().ok()).unwrap_or(0);
            } else if let Some(path) = line.strip_prefix("= 字段：") {
                last.2 = path.to_owned();
            } else if let Some(expected) = line.strip_prefix("= 应为：") {
                last.3 = expected.to_owned();
            }
        }
    }
    found
}

fn line_of(text: &str, start: &str) -> usize {
    text.lines().position(|l| l.trim_start().starts_with(start)).expect("the line") + 1
}

#[test]
fn two_typos_two_type_errors_and_a_missing_field_are_reported_in_one_run() {
    let file = "tests/fixtures/broken/five-problems.yaml";
    let text = std::fs::read_to_string(repo(file)).unwrap();
    let output = certreport(&["check", file], &repo(""));
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    let found = diagnostics(&err);
    assert_eq!(found.len(), 5, "{err}");
    let expect = |path: &str, message: &str, line: usize, expected: &str| {
        let d = found.iter().find(|d| d.2 == path).unwrap_or_else(|| panic!("no {path} in\n{err}"));
        assert!(d.0.contains(message), "{path}: {d:?}");
        assert_eq!(d.1, line, "{path}: {d:?}");
        assert!(d.3.contains(expected), "{path}: {d:?}");
    };
    expect("client.contact.phon", "是否应为 phone？", line_of(&text, "phon:"), "phone（电话）");
    expect(
        "overveiw",
        "是否应为 overview？",
        line_of(&text, "overveiw:"),
        "overview（服务体系概述及本次评价概述）",
    );
    expect("internal_evaluation.score", "类型不对", line_of(&text, "score: 九十六"), "一个数字");
    expect("internal_evaluation.evaluators", "类型不对", line_of(&text, "evaluators:"), "列表");
    expect(
        "client.registered_address",
        "缺少必填字段“registered_address”（工商注册地址）",
        line_of(&text, "client:"),
        "1.3",
    );
    // As the user reads it: the source line and a caret under the key.
    assert!(err.contains(&format!("{file}:{}:5", line_of(&text, "phon:"))), "{err}");
    assert!(err.contains("    phon: \"19123050876\"\n"), "{err}");
}

#[test]
fn closed_sets_are_named_in_the_reports_words() {
    let output = certreport(&["check", "tests/fixtures/broken/closed-sets.yaml"], &repo(""));
    let err = stderr(&output);
    let found = diagnostics(&err);
    assert_eq!(found.len(), 5, "{err}");
    let expected = |path: &str| at_path(&found, path, &err).3.clone();
    assert!(expected("audit_type").contains("surveillance（保持认证）"), "{err}");
    assert!(expected("audit.method").contains("on_site（现场审核）"), "{err}");
    assert!(expected("audit.team[0].role").contains("leader（组长）"), "{err}");
    assert!(expected("scope.level").contains("four_star（四星级）"), "{err}");
    assert!(expected("conclusion.recommendation").contains("restore（恢复认证注册资格）"), "{err}");
    assert!(err.contains("“onsite”不是可选的值，是否应为 on_site？"), "{err}");
}

#[test]
fn dates_half_days_and_phones_are_explained() {
    let output = certreport(&["check", "tests/fixtures/broken/dates-and-phones.yaml"], &repo(""));
    let err = stderr(&output);
    let found = diagnostics(&err);
    let message = |path: &str| at_path(&found, path, &err).clone();
    assert!(message("audit.start").0.contains("不是有效的审查时间"), "{err}");
    assert!(message("audit.start").3.contains("上午"), "{err}");
    assert!(message("audit.previous_end").0.contains("YYYY-MM-DD"), "{err}");
    assert!(message("client.contact.phone").3.contains("加引号"), "{err}");
    assert!(message("audit.team[0].phone").0.contains("电话"), "{err}");
    assert!(message("internal_evaluation.date").0.contains("2025-7-12"), "{err}");
    assert_eq!(found.len(), 5, "{err}");
}

#[test]
fn a_profile_with_an_unknown_key_is_reported_at_its_line() {
    let ws = Workspace::new();
    let text = std::fs::read_to_string(repo("tests/fixtures/broken/profile-fax.yaml")).unwrap();
    ws.write("cb-profile.yaml", &text);
    ws.example_with("r.yaml", &[]);
    let output = certreport(&["check", "r.yaml"], ws.dir.path());
    let err = stderr(&output);
    let found = diagnostics(&err);
    assert!(found.iter().any(|d| d.2 == "fax" && d.1 == line_of(&text, "fax:")), "{err}");
    assert!(found.iter().any(|d| d.2 == "post_code" && d.0.contains("邮编")), "{err}");
    assert!(err.contains("cb-profile.yaml:"), "{err}");
}

#[test]
fn next_keeps_the_schema_line() {
    let ws = Workspace::new();
    std::fs::create_dir(ws.path("records")).unwrap();
    std::fs::create_dir(ws.path("schemas")).unwrap();
    let text = example_text().replace("profile: cb-profile.yaml", "profile: ../cb-profile.yaml");
    ws.write("records/baihuan-2025.yaml", &text);
    let output = certreport(&["next", "records/baihuan-2025.yaml", "-o", "baihuan-2026.yaml"], ws.dir.path());
    assert!(output.status.success(), "{}", stderr(&output));
    let written = std::fs::read_to_string(ws.path("baihuan-2026.yaml")).unwrap();
    let target = written.lines().next().and_then(|l| l.strip_prefix("# yaml-language-server: $schema="));
    let target = target.unwrap_or_else(|| panic!("no schema line in\n{written}"));
    std::fs::write(ws.path("schemas/record.schema.json"), "{}").unwrap();
    let named = ws.path(target).canonicalize().expect("the schema line names the schema");
    assert_eq!(named, ws.path("schemas/record.schema.json").canonicalize().unwrap(), "{written}");
}
