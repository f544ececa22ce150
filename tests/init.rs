//! `certreport init` through the real binary: the starter of each audit type, checked by
//! `check --format json` (first the missing dates, then every field left to fill in), and
//! never written over an existing file.

mod common;

use common::*;
use serde_json::Value;

/// The YAML paths of the only record's diagnostics.
fn paths(json: &Value) -> Vec<String> {
    json["records"][0]["diagnostics"]
        .as_array()
        .expect("a list of diagnostics")
        .iter()
        .map(|d| d["path"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn init_starters_list_what_is_left_to_fill_in() {
    for audit_type in ["initial", "surveillance", "recertification"] {
        let ws = Workspace::new();
        let output = certreport(&["init", "--type", audit_type, "-o", "r.yaml"], ws.dir.path());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let text = std::fs::read_to_string(ws.path("r.yaml")).unwrap();
        assert!(text.starts_with("# yaml-language-server: $schema="), "{text}");
        assert!(text.contains(&format!("\naudit_type: {audit_type}\n")), "{text}");
        assert!(text.contains("profile: cb-profile.yaml\n"), "{text}");

        // First the dates, which have no empty form: all reported at once by the structure check.
        let (code, json) = check_json(&["r.yaml"], ws.dir.path());
        assert_eq!(code, Some(1), "{json:#}");
        let found = paths(&json);
        for path in ["audit.start", "audit.end"] {
            assert!(found.iter().any(|p| p == path), "{audit_type}: {path} in {found:?}");
        }

        // Then, with the dates written, every empty field at once.
        let dated =
            text.replace("  # start:", "  start: 2025-12-03 am").replace("  # end:", "  end: 2025-12-04 pm");
        std::fs::write(ws.path("r.yaml"), dated).unwrap();
        let (code, json) = check_json(&["r.yaml"], ws.dir.path());
        assert_eq!(code, Some(1), "{json:#}");
        let found = paths(&json);
        let mut left = vec![
            "project_number",
            "client.name",
            "client.contact.phone",
            "scope.text",
            "audit.team",
            "audit.sampling",
            "scores",
            "findings",
            "overview.summary",
            "conclusion.author",
        ];
        if audit_type == "initial" {
            assert!(!text.contains("changes") && !text.contains("certificate_use"), "{text}");
        } else {
            left.extend(["audit.previous_end", "changes", "certificate_use"]);
        }
        for path in left {
            assert!(found.iter().any(|p| p == path), "{audit_type}: {path} in {found:?}");
        }
        assert!(json["records"][0]["score"]["total"].is_null(), "nothing scored: {json:#}");
    }
}

#[test]
fn init_names_the_profile_and_schema_relative_to_the_record() {
    let ws = Workspace::new();
    std::fs::create_dir_all(ws.path("schemas")).unwrap();
    std::fs::write(ws.path("schemas/record.schema.json"), "{}").unwrap();
    std::fs::create_dir_all(ws.path("records")).unwrap();
    let output = certreport(&["init", "--profile", "cb-profile.yaml", "-o", "records/a.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(ws.path("records/a.yaml")).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema=../schemas/record.schema.json\n"), "{text}");
    assert!(text.contains("\nprofile: ../cb-profile.yaml\n"), "{text}");
}

#[test]
fn init_never_overwrites_a_file() {
    let ws = Workspace::new();
    let existing = ws.write("record.yaml", "profile: mine.yaml\n");
    let output = certreport(&["init"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(stderr(&output).contains("不会覆盖"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(existing).unwrap(), "profile: mine.yaml\n");
}

/// The starter with every `# 示例` block uncommented, in place of the empty field above it
/// (as the block's first line tells), and the number of blocks.
fn uncomment_examples(text: &str) -> (String, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let mut count = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        i += 1;
        if !trimmed.starts_with("# 示例") {
            out.push(line.to_owned());
            continue;
        }
        let indent = &line[..line.len() - trimmed.len()];
        let prefix = format!("{indent}# ");
        let mut block = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() {
            let content =
                lines[i].strip_prefix(&prefix).unwrap_or_else(|| panic!("an example line: {:?}", lines[i]));
            block.push(format!("{indent}{content}"));
            i += 1;
        }
        let key = format!("{}:", block[0].trim().split(':').next().unwrap());
        if out.last().is_some_and(|l| l.strip_prefix(indent).is_some_and(|l| l.starts_with(&key))) {
            out.pop();
        }
        out.extend(block);
        count += 1;
    }
    (out.join("\n") + "\n", count)
}

/// Every `""` left written with a plausible value.
fn fill_in(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_suffix(": \"\"") {
            Some(key) => {
                let value = match key.trim() {
                    "project_number" => "31025-2025-SA",
                    "phone" => "\"028-8555 1234\"",
                    "post_code" => "\"100081\"",
                    _ => "示例文字",
                };
                format!("{key}: {value}\n")
            }
            None => format!("{line}\n"),
        })
        .collect()
}

#[test]
fn init_examples_pass_check_when_uncommented() {
    for audit_type in ["initial", "surveillance", "recertification"] {
        let ws = Workspace::new();
        let output = certreport(&["init", "--type", audit_type, "-o", "r.yaml"], ws.dir.path());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let text = std::fs::read_to_string(ws.path("r.yaml")).unwrap();
        let (uncommented, examples) = uncomment_examples(&text);
        let expected = if audit_type == "initial" { 11 } else { 12 };
        assert_eq!(examples, expected, "{audit_type}: every list and optional part has an example:\n{text}");
        let record = fill_in(&uncommented)
            .replace("  # start:", "  start: 2025-11-18 am")
            .replace("  # end:", "  end: 2025-11-19 pm")
            .replace("  # previous_end:", "  previous_end: 2024-11-20")
            .replace("  # date:", "  date: 2025-11-20")
            // The remote audit's example says when it applies.
            .replace("  method: on_site", "  method: combined");
        ws.write("r.yaml", &record);
        let (code, json) = check_json(&["r.yaml"], ws.dir.path());
        let checked = &json["records"][0];
        assert_eq!(
            (code, &checked["errors"], &checked["warnings"]),
            (Some(0), &Value::from(0), &Value::from(0)),
            "{audit_type}:\n{record}\n{json:#}"
        );
        // One deduction of each kind, a special deduction and a bonus: 100 − 1 − 1.2 − 1 + 1.
        let result = checked["score"]["result"].as_str().unwrap();
        assert!(result.starts_with("97.8 分，五星级"), "{result}");
        let tree: Value = serde_saphyr::from_str(&record).unwrap();
        for list in ["/client/sites", "/audit/team", "/findings", "/suggestions", "/suggestions/0/items"] {
            assert_eq!(
                tree.pointer(list).and_then(Value::as_array).map(Vec::len),
                Some(match list {
                    "/findings" => 4,
                    _ => 1,
                }),
                "{list}"
            );
        }
        for part in [
            "/remote_audit",
            "/internal_evaluation",
            "/incidents/complaints",
            "/risks",
            "/audit/mystery_shopping",
        ] {
            assert!(tree.pointer(part).is_some(), "{part}");
        }
        assert_eq!(tree.pointer("/changes").is_some(), audit_type != "initial");
    }
}

#[test]
fn init_writes_the_schema_its_first_line_names() {
    let ws = Workspace::new();
    // In a folder not there yet: it is created.
    let output = certreport(&["init", "-o", "records/a.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("record.schema.json"), "{}", stdout(&output));
    let text = std::fs::read_to_string(ws.path("records/a.yaml")).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema=record.schema.json\n"), "{text}");
    let schema = certreport(&["schema", "record"], ws.dir.path());
    assert_eq!(std::fs::read_to_string(ws.path("records/record.schema.json")).unwrap(), stdout(&schema));

    // A second record beside it names the same file and leaves it as it is.
    ws.write("records/record.schema.json", "{}\n");
    let output = certreport(&["init", "-o", "records/b.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        std::fs::read_to_string(ws.path("records/b.yaml")).unwrap().contains("$schema=record.schema.json\n")
    );
    assert_eq!(std::fs::read_to_string(ws.path("records/record.schema.json")).unwrap(), "{}\n");
}

#[test]
fn init_profile_writes_a_starter_profile_that_records_can_use() {
    let ws = Workspace::new();
    let output = certreport(&["init", "profile", "-o", "mine.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(ws.path("mine.yaml")).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema=profile.schema.json\n"), "{text}");
    assert!(ws.path("profile.schema.json").is_file());
    assert!(text.contains("# 封面及页眉：认证机构名称"), "{text}");
    let (uncommented, examples) = uncomment_examples(&text);
    assert_eq!(examples, 8, "{text}");
    ws.write("mine.yaml", &fill_in(&uncommented));
    // The files the house-style examples name: a logo and a template folder of the CB's own.
    ws.write(
        "logo.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="navy"/></svg>"#,
    );
    let new = certreport(&["template", "new", "templates/ourcb"], ws.dir.path());
    assert_eq!(new.status.code(), Some(0), "{}", stderr(&new));
    ws.example_with("r.yaml", &[("profile: cb-profile.yaml", "profile: mine.yaml")]);
    let (code, json) = check_json(&["r.yaml"], ws.dir.path());
    assert_eq!(code, Some(0), "{}\n{json:#}", fill_in(&uncommented));
    let render = certreport(&["render", "r.yaml"], ws.dir.path());
    assert_eq!(render.status.code(), Some(0), "{}", stderr(&render));
    let pdf = pdf_text_compact(&ws.path("r.pdf"));
    assert!(pdf.contains("审查组长签字") && pdf.contains("认证机构（盖章）"), "{pdf}");

    // Without -o: cb-profile.yaml, never over the one there.
    let output = certreport(&["init", "profile"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cb-profile.yaml 已存在"), "{}", stderr(&output));

    // The record's options are not the profile's.
    let output = certreport(&["init", "profile", "--type", "surveillance", "-o", "p2.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(!ws.path("p2.yaml").exists());
}
