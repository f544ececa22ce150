//! Diagnostics: what is wrong with a record, where, and what was expected — in Chinese.
//!
//! Every problem names the file, the line and column, the field's YAML path as written and
//! what was expected. They print the way cargo prints its diagnostics, with the offending
//! source line underneath:
//!
//! ```text
//! 错误：审查组必须恰好有一名组长，现有 0 名
//!   --> records/baihuan.yaml:48:3
//!    |
//! 48 |   team:
//!    |   ^
//!    = 字段：audit.team
//!    = 应为：审查组成员中恰好一人 role: leader（组长）
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// The code of a problem whose kind nobody named; no problem should keep it.
pub const UNCLASSIFIED: &str = "unclassified";

/// The code of a file that cannot be read at all (missing, not a file, not UTF-8, too large).
pub const FILE_UNREADABLE: &str = "file-unreadable";

/// How bad a problem is: errors stop rendering, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warning,
    Error,
}

/// A problem found by a rule, before it is placed in a file. The path is the YAML path of the
/// field as written in the record (`audit.team[0].role`).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    /// What kind of problem it is: a stable identifier such as `unknown-field` or `team-leader`
    /// (see [`Diagnostic::code`]).
    pub code: &'static str,
    pub path: String,
    pub message: String,
    pub expected: Option<String>,
}

impl Problem {
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            severity: Severity::Error,
            code: UNCLASSIFIED,
            path: path.into(),
            message: message.into(),
            expected: None,
        }
    }

    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { severity: Severity::Warning, ..Problem::error(path, message) }
    }

    /// Names the kind of problem.
    pub fn code(mut self, code: &'static str) -> Problem {
        self.code = code;
        self
    }

    /// Adds what the field should hold.
    pub fn expected(mut self, expected: impl Into<String>) -> Problem {
        self.expected = Some(expected.into());
        self
    }
}

/// A problem placed in a file: line and column are 1-based.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The kind of problem, a stable identifier for programs (`check --format json`): the
    /// loader's kinds (`syntax`, `unknown-field`, `missing-field`, `wrong-type`…) and one per
    /// rule of [`crate::validate`]. The words for people are in `message`.
    pub code: &'static str,
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The YAML path of the field; empty for the whole file.
    pub path: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The source line the problem is on, for display.
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A problem with a file as a whole (cannot be read, not found).
    pub fn file_error(file: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: FILE_UNREADABLE,
            file: file.to_owned(),
            line: 0,
            column: 0,
            path: String::new(),
            message: message.into(),
            expected: None,
            source_line: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, or only the file when the problem has no position.
    pub fn position(&self) -> String {
        if self.line == 0 {
            self.file.display().to_string()
        } else {
            format!("{}:{}:{}", self.file.display(), self.line, self.column)
        }
    }

    /// One line for summaries: `file:12:3: 字段 audit.team：message`.
    pub fn one_line(&self) -> String {
        let field = if self.path.is_empty() { String::new() } else { format!("字段 {}：", self.path) };
        format!("{}: {field}{}", self.position(), self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        writeln!(f, "{label}：{}", self.message)?;
        let gutter = " ".repeat(self.line.max(1).to_string().len());
        writeln!(f, "{gutter}--> {}", self.position())?;
        if let Some(source) = &self.source_line {
            writeln!(f, "{gutter} |")?;
            writeln!(f, "{} | {source}", self.line)?;
            // Chinese characters take two columns of a terminal.
            let indent: String = source
                .chars()
                .take(self.column.saturating_sub(1))
                .map(|c| match c {
                    '\t' => "\t",
                    c if c.is_ascii() => " ",
                    _ => "  ",
                })
                .collect();
            writeln!(f, "{gutter} | {indent}^")?;
        }
        if !self.path.is_empty() {
            writeln!(f, "{gutter} = 字段：{}", self.path)?;
        }
        if let Some(expected) = &self.expected {
            writeln!(f, "{gutter} = 应为：{expected}")?;
        }
        Ok(())
    }
}

/// Whether any of the diagnostics is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}
