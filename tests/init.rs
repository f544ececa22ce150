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
