//! The library's modules are layers (see `src/lib.rs`): each imports only from the layers
//! below it, and no two modules import each other, directly or round a circle. This test reads
//! every `crate::` path in `src/` (code, not comments) and keeps it so.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, lowest first: a module may name modules of its own layer or of earlier ones.
const LAYERS: [&str; 6] = ["base", "model", "load", "rules", "report", "app"];

/// A unit of the graph: `base::format`, `report::view`, `load` (a layer's top-level module or
/// a layer that is one module).
fn unit_of(path: &[&str]) -> Option<String> {
    let layer = *path.first()?;
    if !LAYERS.contains(&layer) {
        return None;
    }
    match (layer, path.get(1)) {
        ("load", _) | (_, None) => Some(layer.to_owned()),
        (_, Some(module)) => Some(format!("{layer}::{module}")),
    }
}

fn layer_rank(unit: &str) -> usize {
    let layer = unit.split("::").next().unwrap();
    LAYERS.iter().position(|l| *l == layer).unwrap()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The unit a source file belongs to, from its place under `src/`.
fn unit_of_file(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).filter(|p| *p != "mod").collect();
    unit_of(&parts)
}

/// Every `crate::a::b` path in the code of `text` (line comments and doc comments left out),
/// as its components.
fn crate_paths(text: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let path: Vec<String> = rest
                .split("::")
                .map(|part| part.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>())
                .take_while(|part| !part.is_empty())
                .collect();
            paths.push(path);
        }
    }
    paths
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let Some(from) = unit_of_file(&src, &file) else { continue };
        let text = fs::read_to_string(&file).unwrap();
        for path in crate_paths(&text) {
            let parts: Vec<&str> = path.iter().map(String::as_str).collect();
            if let Some(to) = unit_of(&parts)
                && to != from
            {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
        edges.entry(from).or_default();
    }
    edges
}

#[test]
fn every_module_imports_only_from_its_layer_or_below() {
    let mut upward = Vec::new();
    for (from, tos) in graph() {
        for to in tos {
            if layer_rank(&to) > layer_rank(&from) {
                upward.push(format!("{from} → {to}"));
            }
        }
    }
    assert!(upward.is_empty(), "imports that point up a layer:\n{}", upward.join("\n"));
}

#[test]
fn no_module_imports_round_a_circle() {
    let graph = graph();
    // Depth-first search; a grey node met again closes a circle.
    fn visit<'a>(
        node: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<&'a str, bool>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(true) => return None,
            Some(false) => {
                let start = stack.iter().position(|n| *n == node).unwrap();
                let mut circle: Vec<String> = stack[start..].iter().map(|s| s.to_string()).collect();
                circle.push(node.to_owned());
                return Some(circle);
            }
            None => {}
        }
        state.insert(node, false);
        stack.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, state, stack) {
                return Some(circle);
            }
        }
        stack.pop();
        state.insert(node, true);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        let mut stack = Vec::new();
        if let Some(circle) = visit(node, &graph, &mut state, &mut stack) {
            panic!("modules import each other round a circle: {}", circle.join(" → "));
        }
    }
}

#[test]
fn the_reader_sees_paths_in_code_and_not_in_comments() {
    let paths = crate_paths(
        "use crate::base::format; // crate::app::batch\n/// [`crate::report`]\nx(crate::rules::score::EPSILON)",
    );
    assert_eq!(paths, vec![vec!["base", "format"], vec!["rules", "score", "EPSILON"]]);
    assert_eq!(unit_of(&["load", "syntax"]).as_deref(), Some("load"));
    assert_eq!(unit_of(&["report"]).as_deref(), Some("report"));
}
