//! The prose markup of record fields: a small, safe subset of Markdown.
//!
//! - A blank line separates paragraphs; the lines of one paragraph are joined (with a space
//!   only between two Latin letters or digits, never inside Chinese text).
//! - A line starting with `- ` is a bullet item; a following indented line continues it.
//! - `**bold**` marks bold text inside a paragraph or item.
//! - Identifiers in the text — e-mail addresses, URLs, standard numbers (`GB/T 27922-2011`),
//!   registration numbers — become runs of their own marked [`Run::keep`]: the template sets
//!   each on one line, never broken at its `/`, `-` or space.
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Run {
    pub text: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub bold: bool,
    /// An identifier: set on one line, never broken (see [`identifiers`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub keep: bool,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Run {
        Run { text: text.into(), ..Run::default() }
    }

    pub fn bold(text: impl Into<String>) -> Run {
        Run { text: text.into(), bold: true, ..Run::default() }
    }
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
    for (piece, keep) in identifiers(text) {
        match runs.last_mut() {
            Some(last) if last.bold == bold && !last.keep && !keep => last.text.push_str(piece),
            _ => runs.push(Run { text: piece.to_owned(), bold, keep }),
        }
    }
}

/// Plain text as runs, its identifiers marked: for the report's own sentences that quote one
/// (the standard's number in 1.8).
pub fn plain_runs(text: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    push_run(&mut runs, text, false);
    runs
}

/// Splits text into pieces, each marked whether it is an identifier that must not be broken.
///
/// An identifier is a run of printable ASCII without spaces that holds a letter or digit and
/// one of `- / @ . : _` (e-mail addresses, URLs, `2025-S1SC-3207381`, `ISO/IEC`), without
/// sentence punctuation at its ends; a standard's code followed by a space and its number
/// (`GB/T 27922-2011`, `ISO 10002:2018`) is one identifier. Chinese text never is.
pub fn identifiers(text: &str) -> Vec<(&str, bool)> {
    let mut pieces = Vec::new();
    let mut plain_start = 0;
    let mut i = 0;
    while i < text.len() {
        let Some(token) = ascii_token(&text[i..]) else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        // Sentence punctuation around a token stays outside it.
        let lead = token.len() - token.trim_start_matches(['(', '[', '{', '"', '\'', '<']).len();
        let body =
            token[lead..].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}', '"', '\'', '>']);
        let start = i + lead;
        let mut end = start + body.len();
        if is_standard_code(body) {
            // `GB/T 27922-2011`: the code, one space, a number.
            let rest = &text[end..];
            if let Some(number) = rest.strip_prefix(' ').and_then(ascii_token)
                && number.starts_with(|c: char| c.is_ascii_digit())
            {
                let number = number.trim_end_matches(['.', ',', ';', ':', ')', ']']);
                end += 1 + number.len();
            }
        }
        let candidate = &text[start..end];
        if end > start + body.len() || is_identifier(candidate) {
            if plain_start < start {
                pieces.push((&text[plain_start..start], false));
            }
            pieces.push((candidate, true));
            plain_start = end;
            i = end;
        } else {
            i += token.len();
        }
    }
    if plain_start < text.len() {
        pieces.push((&text[plain_start..], false));
    }
    pieces
}

/// The run of printable ASCII (no space) at the start of `text`, if any.
fn ascii_token(text: &str) -> Option<&str> {
    let len = text.find(|c: char| !c.is_ascii_graphic()).unwrap_or(text.len());
    (len > 0).then(|| &text[..len])
}

fn is_identifier(token: &str) -> bool {
    token.len() > 1
        && token.contains(|c: char| c.is_ascii_alphanumeric())
        && token.contains(['-', '/', '@', '.', ':', '_'])
}

/// `GB`, `GB/T`, `ISO`, `ISO/IEC`, `T/CAS`: capital letters, at most one `/`.
fn is_standard_code(token: &str) -> bool {
    let mut parts = token.split('/');
    let word = |w: Option<&str>| {
        w.is_some_and(|w| (1..=6).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase()))
    };
    let first = parts.next();
    match (parts.next(), parts.next()) {
        (None, _) => first.is_some_and(|w| (2..=6).contains(&w.len())) && word(first),
        (second, None) => word(first) && word(second),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Run {
        Run::plain(text)
    }

    fn bold(text: &str) -> Run {
        Run::bold(text)
    }

    fn keep(text: &str) -> Run {
        Run { text: text.into(), keep: true, ..Run::default() }
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
        let joined: String = inline(text).iter().map(|r| r.text.as_str()).collect();
        assert_eq!(joined, text);
        assert!(inline(text).iter().all(|r| !r.bold));
        assert_eq!(inline("a****b"), vec![plain("a****b")]);
    }

    #[test]
    fn identifiers_are_runs_of_their_own() {
        assert_eq!(
            plain_runs("依据 GB/T 27922-2011《商品售后服务评价体系》，邮箱 a.b-c@x.com.cn。"),
            vec![
                plain("依据 "),
                keep("GB/T 27922-2011"),
                plain("《商品售后服务评价体系》，邮箱 "),
                keep("a.b-c@x.com.cn"),
                plain("。"),
            ]
        );
        assert_eq!(
            plain_runs("见 https://x.cn/a-b/c.html, ISO 10002:2018 与 CCAA-2025-S1SC-0001."),
            vec![
                plain("见 "),
                keep("https://x.cn/a-b/c.html"),
                plain(", "),
                keep("ISO 10002:2018"),
                plain(" 与 "),
                keep("CCAA-2025-S1SC-0001"),
                plain("."),
            ]
        );
        // Words, numbers and Chinese text are no identifiers; bold runs keep theirs.
        assert_eq!(plain_runs("ICT 工具 2025 年 GB 标准"), vec![plain("ICT 工具 2025 年 GB 标准")]);
        assert_eq!(
            inline("**邮箱 a@b.cn**。"),
            vec![bold("邮箱 "), Run { text: "a@b.cn".into(), bold: true, keep: true }, plain("。")]
        );
    }
}
