//! Where each field of a YAML file is: a map from YAML path (`audit.team[0].role`) to line and
//! column, so that a rule that speaks of a path can point at the line the user wrote.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub const START: Position = Position { line: 1, column: 1 };
}

/// The positions of every key and value of one YAML document.
#[derive(Clone, Debug, Default)]
pub struct SpanIndex {
    /// Path → the position of its key (for mapping entries) or its value (sequence items).
    positions: HashMap<String, Position>,
    /// Path → a plain value that may be a number, as written: messages quote a number as the
    /// file writes it (`18446744073709551615`, `99999999999999999999`), never as the reader's
    /// `f64` prints it (`18446744073709551616`, `1e+20`).
    numbers: HashMap<String, String>,
}

enum Frame {
    Mapping { path: String, key: Option<String> },
    Sequence { path: String, next: usize },
}

/// A node of a document as [`walk`] meets it: a mapping key, or a value (a mapping's value,
/// a sequence's item, the document itself).
pub struct Node<'a> {
    /// The YAML path of the entry: a key has the path of the value it names.
    pub path: &'a str,
    pub position: Position,
    pub is_key: bool,
    pub event: &'a Event<'a>,
}

/// Walks a document's nodes in order, each with its YAML path. A syntax error ends the walk:
/// what was read so far was visited (the deserializer reports the error itself).
pub fn walk(source: &str, mut visit: impl FnMut(Node)) {
    let mut stack: Vec<Frame> = Vec::new();
    for item in Parser::new_from_str(source) {
        let Ok((event, span)) = item else { break };
        let position = Position { line: span.start.line(), column: span.start.col() + 1 };
        let is_node = matches!(
            event,
            Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..) | Event::Alias(..)
        );
        if is_node {
            // Is this node a mapping key? Then remember it and wait for its value.
            if let Some(Frame::Mapping { path, key: key @ None }) = stack.last_mut() {
                let name = match &event {
                    Event::Scalar(text, ..) => text.to_string(),
                    _ => "?".to_owned(),
                };
                let child = join_key(path, &name);
                visit(Node { path: &child, position, is_key: true, event: &event });
                *key = Some(name);
                if !matches!(event, Event::Scalar(..)) {
                    // A complex key: nothing below it has a path.
                    stack.push(Frame::Mapping { path: "?".into(), key: None });
                }
                continue;
            }
            let path = match stack.last_mut() {
                None => String::new(),
                Some(Frame::Mapping { path, key }) => join_key(path, &key.take().unwrap_or_default()),
                Some(Frame::Sequence { path, next }) => {
                    *next += 1;
                    format!("{path}[{}]", *next - 1)
                }
            };
            visit(Node { path: &path, position, is_key: false, event: &event });
            match event {
                Event::MappingStart(..) => stack.push(Frame::Mapping { path, key: None }),
                Event::SequenceStart(..) => stack.push(Frame::Sequence { path, next: 0 }),
                _ => {}
            }
        } else if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
            stack.pop();
        }
    }
}

impl SpanIndex {
    /// Indexes a document: the first position of each path (a key's, for mapping entries).
    pub fn build(source: &str) -> SpanIndex {
        let mut positions = HashMap::new();
        let mut numbers = HashMap::new();
        walk(source, |node| {
            positions.entry(node.path.to_owned()).or_insert(node.position);
            if let Event::Scalar(text, ScalarStyle::Plain, ..) = node.event
                && !node.is_key
                && text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'))
            {
                numbers.entry(node.path.to_owned()).or_insert_with(|| text.to_string());
            }
        });
        SpanIndex { positions, numbers }
    }

    /// A plain value at a path that may be a number, as the file writes it.
    pub fn number(&self, path: &str) -> Option<&str> {
        self.numbers.get(path).map(String::as_str)
    }

    /// The position of a path, or of its nearest ancestor that the file has (a missing field
    /// points at the mapping that should hold it).
    pub fn locate(&self, path: &str) -> Position {
        let mut path = path;
        loop {
            if let Some(position) = self.positions.get(path) {
                return *position;
            }
            match parent(path) {
                Some(up) => path = up,
                None => return Position::START,
            }
        }
    }

    /// Whether the file writes this path.
    pub fn contains(&self, path: &str) -> bool {
        self.positions.contains_key(path)
    }
}

fn join_key(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

/// `a.b[2]` → `a.b`, `a.b` → `a`, `a` → ``.
fn parent(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "a: 1\nb:\n  c: x\n  d:\n    - e: 2\n    - [3, 4]\n";

    #[test]
    fn indexes_keys_and_items() {
        let index = SpanIndex::build(DOC);
        assert_eq!(index.locate("a"), Position { line: 1, column: 1 });
        assert_eq!(index.locate("b.c"), Position { line: 3, column: 3 });
        assert_eq!(index.locate("b.d[0].e"), Position { line: 5, column: 7 });
        assert_eq!(index.locate("b.d[1]"), Position { line: 6, column: 7 });
        assert_eq!(index.locate("b.d[1][1]"), Position { line: 6, column: 11 });
    }

    #[test]
    fn numbers_are_kept_as_written() {
        let index = SpanIndex::build("a: 18446744073709551615\nb: [99999999999999999999, x]\nc: \"5\"\n");
        assert_eq!(index.number("a"), Some("18446744073709551615"));
        assert_eq!(index.number("b[0]"), Some("99999999999999999999"));
        assert_eq!((index.number("b[1]"), index.number("c")), (None, None));
    }

    #[test]
    fn missing_paths_fall_back_to_their_parent() {
        let index = SpanIndex::build(DOC);
        assert_eq!(index.locate("b.missing"), Position { line: 2, column: 1 });
        assert_eq!(index.locate("zzz"), Position::START);
        assert!(!index.contains("b.missing"));
    }
}
