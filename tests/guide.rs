//! The user guide (`docs/使用说明.md`) is held to the program: every YAML example in it is real.
//!
//! Its ```` ```yaml ```` blocks carry attributes in the fence's info string:
//! `title="…"` (every block), `file=PATH` (a complete file, written at PATH in a workspace; a
//! record among them must pass `check` with no error and no warning), `into=PATH` (a fragment:
//! merged into that complete record — its mappings key by key, its lists and values replacing
//! the record's — the result must pass `check` likewise) and `result="…"` (what the score's
//! result line must begin with). Every other block must at least parse as YAML. And every
//! diagnostic code in the source is explained in the guide's tables, and every code there exists.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use serde_json::Value;

const GUIDE: &str = "docs/使用说明.md";

/// One ```yaml block of the guide: its attributes and its text.
#[derive(Debug)]
struct Block {
    attributes: BTreeMap<String, String>,
    text: String,
}

impl Block {
    fn get(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(String::as_str)
    }

    fn title(&self) -> &str {
        self.get("title").unwrap_or("(no title)")
    }
}

fn guide() -> String {
    std::fs::read_to_string(repo(GUIDE)).expect("the guide exists")
}

/// `yaml title="两组 建议" file=a.yaml` → {title: 两组 建议, file: a.yaml}.
fn attributes(info: &str) -> BTreeMap<String, String> {
    let mut attributes = BTreeMap::new();
    let mut rest = info.trim_start_matches("yaml").trim();
    while let Some((key, after)) = rest.split_once('=') {
        let (value, next) = match after.strip_prefix('"') {
            Some(quoted) => quoted.split_once('"').expect("a closing quote in the fence's info string"),
            None => after.split_once(' ').unwrap_or((after, "")),
        };
        attributes.insert(key.trim().to_owned(), value.to_owned());
        rest = next.trim();
    }
    attributes
}

/// The guide's ```yaml blocks, in order.
fn blocks() -> Vec<Block> {
    let text = guide();
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    for event in Parser::new(&text) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if info.starts_with("yaml") => {
                open = Some(Block { attributes: attributes(&info), text: String::new() });
            }
            Event::Text(text) => {
                if let Some(block) = open.as_mut() {
                    block.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

fn parse(block: &Block) -> Value {
    serde_saphyr::from_str(&block.text)
        .unwrap_or_else(|e| panic!("the guide's example “{}” is YAML: {e}\n{}", block.title(), block.text))
}

/// Merges `fragment` into `record`: mappings key by key, anything else replaced.
fn merge(record: &mut Value, fragment: &Value) {
    match (record, fragment) {
        (Value::Object(record), Value::Object(fragment)) => {
            for (key, value) in fragment {
                match record.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        record.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (record, fragment) => *record = fragment.clone(),
    }
}

/// A workspace holding every complete file of the guide.
fn workspace(blocks: &[Block]) -> Workspace {
    let ws = Workspace::new();
    for block in blocks {
        if let Some(file) = block.get("file") {
            ws.write(file, &block.text);
        }
    }
    ws
}

/// Checks one record of the workspace: no error, no warning, and the result the guide says.
fn assert_passes(ws: &Workspace, file: &str, block: &Block) {
    let (code, json) = check_json(&[file], ws.dir.path());
    let record = &json["records"][0];
    assert_eq!(
        (code, &record["errors"], &record["warnings"]),
        (Some(0), &Value::from(0), &Value::from(0)),
        "the guide's example “{}” passes check:\n{json:#}",
        block.title()
    );
    if let Some(result) = block.get("result") {
        let printed = record["score"]["result"].as_str().unwrap_or_default();
        assert!(
            printed.starts_with(result),
            "“{}”: the result is {printed:?}, the guide says {result:?}",
            block.title()
        );
    }
}

#[test]
fn every_yaml_example_of_the_guide_has_a_title_and_parses() {
    let blocks = blocks();
    assert!(blocks.len() >= 15, "the guide's examples: {}", blocks.len());
    for block in &blocks {
        assert!(block.get("title").is_some(), "a title for every example: {block:?}");
        parse(block);
    }
}

#[test]
fn the_guides_complete_records_pass_check() {
    let blocks = blocks();
    let ws = workspace(&blocks);
    let records: Vec<&Block> =
        blocks.iter().filter(|b| b.get("file").is_some() && parse(b).get("audit_type").is_some()).collect();
    assert!(records.len() >= 2, "an initial and a surveillance record");
    for block in records {
        assert_passes(&ws, block.get("file").unwrap(), block);
    }
}

#[test]
fn the_guides_fragments_pass_check_in_their_record() {
    let blocks = blocks();
    let ws = workspace(&blocks);
    let fragments: Vec<&Block> = blocks.iter().filter(|b| b.get("into").is_some()).collect();
    let paths: Vec<&str> = fragments.iter().map(|b| b.text.as_str()).collect();
    for list in [
        "team:",
        "sites:",
        "findings:",
        "special_deduction:",
        "special_bonus:",
        "suggestions:",
        "changes:",
        "remote_audit:",
    ] {
        assert!(paths.iter().any(|text| text.contains(list)), "a fragment shows {list}");
    }
    for (i, block) in fragments.into_iter().enumerate() {
        let into = block.get("into").unwrap();
        let base = blocks
            .iter()
            .find(|b| b.get("file") == Some(into))
            .unwrap_or_else(|| panic!("{into} is a complete file of the guide"));
        let mut record = parse(base);
        merge(&mut record, &parse(block));
        // JSON is YAML: the merged record, beside the one it extends so its references resolve.
        let dir = Path::new(into).parent().unwrap_or(Path::new(""));
        let file = dir.join(format!("fragment-{i}.yaml"));
        let file = file.to_str().unwrap();
        ws.write(file, &serde_json::to_string_pretty(&record).unwrap());
        assert_passes(&ws, file, block);
    }
}

/// The string literals of the source that are diagnostic codes: kebab-case words (and the two
/// one-word codes), less those that name something else. The command line (its flags), the
/// service (its HTTP error codes, documented in `schemas/openapi.json`) and the editor (the
/// codes its page tells refusals apart by, each shown with its Chinese message) are left out.
fn source_codes() -> Vec<String> {
    const NOT_CODES: [&str; 7] = [
        "certreport-writer",
        "date-half",
        "font-path",
        "pdf-standard",
        "report-data",
        "summary-parts",
        "x-also",
    ];
    let mut codes = vec!["syntax".to_owned(), "required".to_owned()];
    for entry in walkdir::WalkDir::new(repo("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs")
            || entry.path().starts_with(repo("src/app/serve"))
            || entry.path().starts_with(repo("src/app/edit"))
            || entry.path().starts_with(repo("src/cli"))
            || entry.path() == repo("src/main.rs")
        {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        // Each `"word-word"` not inside another string (`\"…\"`).
        for (start, _) in text.match_indices('"').filter(|(i, _)| !text[..*i].ends_with('\\')) {
            let rest = &text[start + 1..];
            let word =
                &rest[..rest.find(|c: char| !(c.is_ascii_lowercase() || c == '-')).unwrap_or(rest.len())];
            let kebab = rest[word.len()..].starts_with('"')
                && word.split('-').count() > 1
                && word.split('-').all(|w| !w.is_empty());
            if kebab && !NOT_CODES.contains(&word) && !codes.iter().any(|c| c == word) {
                codes.push(word.to_owned());
            }
        }
    }
    codes
}

#[test]
fn every_diagnostic_code_is_explained_in_the_guide() {
    let guide = guide();
    let messages = &guide[guide.find("## 7.").expect("section 7")..guide.find("## 8.").expect("section 8")];
    let explained: Vec<&str> = messages
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once("` |"))
        .map(|(code, _)| code)
        .filter(|code| code.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect();
    let codes = source_codes();
    assert!(codes.len() > 60, "{codes:?}");
    for code in &codes {
        assert!(explained.contains(&code.as_str()), "the guide explains the code {code}");
    }
    for code in explained {
        assert!(codes.iter().any(|c| c == code), "the guide's code {code} exists in the source");
    }
}
