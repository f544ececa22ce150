//! The prose markup of record fields: a small, safe subset of Markdown.
//!
//! - A blank line separates paragraphs; the lines of one paragraph are joined (with a space
//!   only between two Latin letters or digits, never inside Chinese text).
//! - A line starting with `- ` is a bullet item; a following indented line continues it.
//! - `**bold**` marks bold text inside a paragraph or item.
//!
//! Everything else is literal text: `*`, `_`, `#`, `$`, `[`, `<x>`, `@y`, backslashes. The
//! result is plain data ([`Block`]) that the template lays out; no text ever becomes markup of
//! the typesetter.

use serde::{Deserialize, Serialize};

/// A prose field of a record, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Prose(pub String);

impl Prose {
    pub fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }

    pub fn blocks(&self) -> Vec<Block> {
        parse(&self.0)
    }
}

impl From<&str> for Prose {
    fn from(text: &str) -> Self {
        Prose(text.to_owned())
    }
}

/// A run of text with one style.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Run {
    pub text: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub bold: bool,
}

/// A paragraph or a bullet list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Paragraph { runs: Vec<Run> },
    List { items: Vec<Vec<Run>> },
}

/// Parses prose into blocks.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Option<String> = None;
    let mut items: Vec<String> = Vec::new();

    let flush_paragraph = |paragraph: &mut Option<String>, blocks: &mut Vec<Block>| {
        if let Some(text) = paragraph.take() {
            blocks.push(Block::Paragraph { runs: inline(&text) });
        }
    };
    let flush_list = |items: &mut Vec<String>, blocks: &mut Vec<Block>| {
        if !items.is_empty() {
            let items = items.drain(..).map(|item| inline(&item)).collect();
            blocks.push(Block::List { items });
        }
    };

    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush_paragraph(&mut paragraph, &mut blocks);
            flush_list(&mut items, &mut blocks);
        } else if let Some(item) = trimmed.strip_prefix("- ") {
            flush_paragraph(&mut paragraph, &mut blocks);
            items.push(item.trim().to_owned());
        } else if line.starts_with(char::is_whitespace) && !items.is_empty() {
            join_line(items.last_mut().expect("checked non-empty"), trimmed);
        } else {
            flush_list(&mut items, &mut blocks);
            match &mut paragraph {
                Some(text) => join_line(text, trimmed),
                None => paragraph = Some(trimmed.to_owned()),
            }
        }
    }
    flush_paragraph(&mut paragraph, &mut blocks);
    flush_list(&mut items, &mut blocks);
    blocks
}

/// Joins a continuation line the way a reader expects: Chinese runs on, Latin gets a space.
fn join_line(text: &mut String, line: &str) {
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == ',');
    if latin(text.chars().last()) && latin(line.chars().next()) {
        text.push(' ');
    }
    text.push_str(line);
}

/// Splits a paragraph at `**` into plain and bold runs. An unpaired `**` stays literal.
fn inline(text: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("**") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("**") else { break };
        if close == 0 {
            // `****` is no bold text: keep it literal.
            push_run(&mut runs, &rest[..open + 4], false);
            rest = &after[2..];
            continue;
        }
        push_run(&mut runs, &rest[..open], false);
        push_run(&mut runs, &after[..close], true);
        rest = &after[close + 2..];
    }
    push_run(&mut runs, rest, false);
    runs
}

fn push_run(runs: &mut Vec<Run>, text: &str, bold: bool) {
    if text.is_empty() {
        return;
    }
    match runs.last_mut() {
        Some(last) if last.bold == bold => last.text.push_str(text),
        _ => runs.push(Run { text: text.to_owned(), bold }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Run {
        Run { text: text.into(), bold: false }
    }

    fn bold(text: &str) -> Run {
        Run { text: text.into(), bold: true }
    }

    #[test]
    fn paragraphs_split_on_blank_lines_and_join_chinese_lines() {
        let blocks = parse("第一段\n继续\n\nsecond\nline");
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph { runs: vec![plain("第一段继续")] },
                Block::Paragraph { runs: vec![plain("second line")] },
            ]
        );
    }

    #[test]
    fn bold_runs_and_bullets() {
        let blocks = parse("**优化：**建立渠道\n- 一\n  续\n- **二**");
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph { runs: vec![bold("优化："), plain("建立渠道")] },
                Block::List { items: vec![vec![plain("一续")], vec![bold("二")]] },
            ]
        );
    }

    #[test]
    fn typst_and_markdown_syntax_stays_literal() {
        let text = "#read(\"/etc/passwd\") ] [ $x$ \\ <x> @y *a* _b_ // c ** d";
        assert_eq!(parse(text), vec![Block::Paragraph { runs: vec![plain(text)] }]);
        assert_eq!(inline("a****b"), vec![plain("a****b")]);
    }
}
