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
//!
//! Whatever a diagnostic quotes from a file is shown, never obeyed: control characters and
//! bidirectional controls print as `<U+001B>` ([`escape_controls`]), so a record cannot move the
//! terminal's cursor, clear its screen or reverse a line, nor put raw control bytes into a
//! batch's summary.

use std::borrow::Cow;
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
    /// rule of [`crate::rules::validate`]. The words for people are in `message`.
    pub code: &'static str,
    #[serde(serialize_with = "path_text")]
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

    /// `file:line:column`, or only the file when the problem has no position (escaped).
    pub fn position(&self) -> String {
        let file = shown(&self.file);
        if self.line == 0 { file } else { format!("{file}:{}:{}", self.line, self.column) }
    }

    /// One line for summaries: `file:12:3: 字段 audit.team：message` (escaped).
    pub fn one_line(&self) -> String {
        let field = if self.path.is_empty() {
            String::new()
        } else {
            format!("字段 {}：", escape_controls(&self.path))
        };
        format!("{}: {field}{}", self.position(), escape_controls(&self.message))
    }
}

/// Whether a character must not reach a terminal or a summary as it is: a control character
/// (C0, DEL, C1) or a bidirectional control, which would reorder the text around it.
pub fn is_control_or_bidi(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// The bidirectional formatting characters: embeddings and overrides (U+202A–202E), isolates
/// (U+2066–2069) and the marks LRM, RLM and ALM.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// The text with every control character and bidirectional control written as `<U+XXXX>`.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    escape_except(text, |_| false)
}

/// [`escape_controls`], keeping newlines and tabs: for text of several lines.
pub fn escape_controls_in_lines(text: &str) -> Cow<'_, str> {
    escape_except(text, |c| c == '\n' || c == '\t')
}

/// A path as JSON text: any file name, as [`shown`] writes it.
pub fn path_text<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&shown(path))
}

/// A path as messages and summaries show it: escaped, and a byte that is not UTF-8 as
/// `<0xE9>`, so that two names differing only there are told apart.
pub fn shown(path: &Path) -> String {
    let mut out = String::new();
    for chunk in path.as_os_str().as_encoded_bytes().utf8_chunks() {
        out.push_str(&escape_controls(chunk.valid()));
        for byte in chunk.invalid() {
            out.push_str(&format!("<0x{byte:02X}>"));
        }
    }
    out
}

/// Why an operating-system call failed, in Chinese, with the system's error number for
/// whoever reads the logs: `文件名过长（os error 36）`.
pub fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let reason = match error.kind() {
        _ if error.raw_os_error() == Some(libc::ELOOP) => "符号链接构成循环",
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "已存在",
        K::IsADirectory => "是一个文件夹",
        K::NotADirectory => "路径中有一项不是文件夹",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::StorageFull => "磁盘空间已满",
        K::QuotaExceeded => "超出磁盘配额",
        K::ReadOnlyFilesystem => "所在的文件系统只读",
        K::InvalidFilename => "文件名无效或过长",
        K::FileTooLarge => "文件过大",
        K::ResourceBusy | K::ExecutableFileBusy => "文件正被占用",
        K::WouldBlock => "文件此刻无法读写（不是普通文件？）",
        K::Interrupted => "操作被中断",
        K::CrossesDevices => "不能跨文件系统移动",
        K::TooManyLinks => "链接过多",
        K::StaleNetworkFileHandle | K::NetworkDown | K::HostUnreachable | K::NetworkUnreachable => {
            "网络文件系统不可用"
        }
        K::InvalidInput if error.to_string().contains("NUL") => "文件名中含有 NUL 字符",
        K::InvalidInput => "参数无效",
        K::InvalidData => "内容无效",
        K::UnexpectedEof => "文件意外结束",
        K::OutOfMemory => "内存不足",
        K::Unsupported => "系统不支持此操作",
        _ => "系统错误",
    };
    match error.raw_os_error() {
        Some(code) => format!("{reason}（os error {code}）"),
        None => reason.to_owned(),
    }
}

/// [`escape_controls`], keeping the characters `keep` accepts.
fn escape_except(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    escape_where(text, |c| is_control_or_bidi(c) && !keep(c))
}

/// The text with every character `escape` picks written as `<U+XXXX>`.
pub fn escape_where(text: &str, mut escape: impl FnMut(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&mut escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escape(c) {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// At most `max_chars` characters of a text, escaped, with `…` where it was cut: what a
/// message may quote of a file the user did not write for this purpose.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let mut cut: String = text.chars().take(max_chars).collect();
    if text.chars().nth(max_chars).is_some() {
        cut.push('…');
    }
    escape_controls(&cut).into_owned()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        writeln!(f, "{label}：{}", escape_controls(&self.message))?;
        let gutter = " ".repeat(self.line.max(1).to_string().len());
        writeln!(f, "{gutter}--> {}", self.position())?;
        if let Some(source) = &self.source_line {
            // Tabs stay: they keep the caret under its column.
            let before: String = source.chars().take(self.column.saturating_sub(1)).collect();
            let before = escape_except(&before, |c| c == '\t');
            writeln!(f, "{gutter} |")?;
            writeln!(f, "{} | {}", self.line, escape_except(source, |c| c == '\t'))?;
            // Chinese characters take two columns of a terminal.
            let indent: String = before
                .chars()
                .map(|c| match c {
                    '\t' => "\t",
                    c if c.is_ascii() => " ",
                    _ => "  ",
                })
                .collect();
            writeln!(f, "{gutter} | {indent}^")?;
        }
        if !self.path.is_empty() {
            writeln!(f, "{gutter} = 字段：{}", escape_controls(&self.path))?;
        }
        if let Some(expected) = &self.expected {
            writeln!(f, "{gutter} = 应为：{}", escape_controls(expected))?;
        }
        Ok(())
    }
}

/// Whether any of the diagnostics is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(message: &str, source_line: &str, column: usize) -> Diagnostic {
        Diagnostic {
            line: 3,
            column,
            path: "client.name".into(),
            source_line: Some(source_line.into()),
            expected: Some("文字\u{202E}".into()),
            ..Diagnostic::file_error(Path::new("r\u{1b}[2J.yaml"), message)
        }
    }

    #[test]
    fn controls_and_bidi_print_as_code_points_everywhere() {
        let d = diagnostic("名称“A\u{1b}[31mB\u{0}”", "  name: A\u{1b}[31mB\u{202E}C", 9);
        for text in [d.to_string(), d.one_line()] {
            assert!(!text.chars().any(|c| is_control_or_bidi(c) && c != '\n'), "{text:?}");
        }
        let shown = d.to_string();
        assert!(shown.contains("A<U+001B>[31mB<U+0000>"), "{shown}");
        assert!(shown.contains("B<U+202E>C"), "{shown}");
        assert!(shown.contains("r<U+001B>[2J.yaml:3:9"), "{shown}");
        assert!(d.one_line().contains("名称“A<U+001B>[31mB<U+0000>”"));
    }

    #[test]
    fn the_caret_stays_under_its_column_after_an_escape() {
        let d = diagnostic("x", "a\u{1b}b: c", 4);
        let shown = d.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        let source = lines.iter().find(|l| l.starts_with("3 | ")).unwrap();
        let caret = lines.iter().find(|l| l.ends_with('^')).unwrap();
        assert_eq!(source.find(':'), caret.find('^'), "{shown}");
    }

    #[test]
    fn a_path_that_is_not_utf8_shows_its_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"in/caf\xe9\x1b.yaml"));
        assert_eq!(shown(path), "in/caf<0xE9><U+001B>.yaml");
    }

    #[test]
    fn an_excerpt_is_short_and_escaped() {
        assert_eq!(excerpt("root:$6$abcdef\u{7}", 8), "root:$6$…");
        assert_eq!(excerpt("a\u{7}", 8), "a<U+0007>");
    }
}
