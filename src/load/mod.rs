//! Load: YAML files → typed values, with every error placed at its line, column and YAML path.
//!
//! serde-saphyr deserializes (it is maintained, keeps source positions, and enforces budgets
//! against alias bombs and runaway nesting); `serde_path_to_error` tracks the YAML path of a
//! type error; [`spans::SpanIndex`] maps the paths of later, semantic rules back to lines.
//! Messages are translated into the users' language here, in one place.

pub mod spans;
mod structure;
mod syntax;
mod written;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::base::diagnostic::{Diagnostic, Problem, excerpt, io_reason};
use crate::base::files::ReadError;
use crate::model::profile::Profile;
use crate::model::record::Record;
use crate::model::schema::HasSchema;
use crate::model::scheme::{self, Scheme};
use spans::{Position, SpanIndex};

/// Records larger than this are refused before parsing: no audit record comes near it.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A YAML file read into memory, with the positions of its fields.
#[derive(Clone, Debug)]
pub struct Source {
    pub file: PathBuf,
    pub text: String,
    pub spans: SpanIndex,
}

impl Source {
    /// Reads a file; the error names it and says why in words. Only a regular file is read
    /// (never a FIFO, a device or a folder, whose reading could block or never end), and never
    /// more than [`MAX_FILE_BYTES`], whatever its size claims ([`crate::base::files::read_regular`]).
    pub fn read(file: &Path) -> Result<Source, Diagnostic> {
        let fail = |why: String| Diagnostic::file_error(file, why);
        let bytes = crate::base::files::read_regular(file, MAX_FILE_BYTES).map_err(|e| match e {
            ReadError::NotRegular => {
                fail("这不是一个普通文件（是文件夹、管道、设备或 /proc、/sys 中内核的虚拟文件）".into())
            }
            ReadError::TooLarge(bytes) => fail(too_large(bytes)),
            ReadError::Io(e) => fail(io_message(&e)),
        })?;
        let text = String::from_utf8(bytes).map_err(|err| not_utf8(file, err.as_bytes()))?;
        Ok(Source::new(file.to_owned(), text))
    }

    /// A source from text in memory (tests, generated records).
    pub fn new(file: PathBuf, text: String) -> Source {
        let spans = SpanIndex::build(&text);
        Source { file, text, spans }
    }

    /// Reads the file as a YAML tree. A syntax error, a duplicate key or a breach of the
    /// budgets (alias bombs, runaway nesting) is the one error.
    pub fn tree(&self) -> Result<Value, Diagnostic> {
        serde_saphyr::from_str_with_options(&self.text, serde_saphyr::Options::default())
            .map_err(|err| self.syntax_error(&err))
    }

    /// Deserializes the whole file as `T`. Every structural problem — unknown keys, wrong
    /// types, missing fields, dates not in the calendar, tags, numbers not written in plain
    /// decimal, anywhere in the file — is returned at once, checked against the schema generated
    /// from `T` and on the file as written; only a file of the right shape is read into `T`.
    pub fn parse<T: DeserializeOwned + HasSchema>(&self) -> Result<T, Vec<Diagnostic>> {
        let tree = self.tree();
        let mut diagnostics: Vec<Diagnostic> = written::check(&self.text, tree.as_ref().ok())
            .into_iter()
            .map(|(problem, position)| self.diagnostic(problem, position))
            .collect();
        let tree = match tree {
            Ok(tree) => tree,
            Err(unreadable) => {
                // A tag or a key the reader could not take explains a reader's error it has no
                // words for: that error is then left out.
                if diagnostics.is_empty() || !unreadable.message.ends_with(syntax::UNPARSABLE) {
                    diagnostics.push(unreadable);
                }
                diagnostics.sort_by_key(|d| (d.line, d.column));
                return Err(diagnostics);
            }
        };
        if tree.is_null() && diagnostics.is_empty() {
            let empty = Problem::error("", "文件中没有内容（只有空白或注释）")
                .expected("“字段: 值”形式的内容；新的审查记录可用 certreport init 生成")
                .code("empty-file");
            return Err(vec![self.place(empty)]);
        }
        // A value written wrongly (a tag, a number's notation) is what the reader made of it:
        // what is written is the one problem there, not its type or range.
        let misread: Vec<String> = diagnostics.iter().map(|d| d.path.clone()).collect();
        let structural = structure::check(&tree, T::KIND).into_iter().filter(|p| !misread.contains(&p.path));
        diagnostics.extend(structural.map(|p| self.place_structural(p)));
        if !diagnostics.is_empty() {
            diagnostics.sort_by_key(|d| (d.line, d.column));
            return Err(diagnostics);
        }
        serde_path_to_error::deserialize(tree).map_err(|err| {
            let path = err.path().to_string();
            let path = if path == "." { String::new() } else { path };
            let message = err.into_inner().to_string();
            // Our own types explain themselves in Chinese (dates that do not exist, …).
            let message = if message.chars().any(|c| c > '\u{2e80}') {
                message
            } else {
                "这里的值无法读入".into()
            };
            vec![self.place(Problem::error(path, message).code("invalid-value"))]
        })
    }

    /// Places a rule's problem in this file.
    pub fn place(&self, problem: Problem) -> Diagnostic {
        let position = self.spans.locate(&problem.path);
        self.diagnostic(problem, position)
    }

    /// Places a structural problem. A required field the file does not have may be written
    /// after all, at an indentation that put it outside its mapping: that is said instead.
    fn place_structural(&self, problem: Problem) -> Diagnostic {
        if !self.spans.contains(&problem.path) {
            let (parent, field) = problem.path.rsplit_once('.').unwrap_or(("", problem.path.as_str()));
            if let Some(position) = self.misindented_key(parent, field) {
                let problem = Problem::error(
                    problem.path.clone(),
                    format!("YAML 格式错误：字段“{field}”的缩进与同一层的其它字段不一致，因此没有被读入"),
                )
                .expected("与同一层的其它字段左对齐（用空格缩进）")
                .code("misindented-key");
                return self.diagnostic(problem, position);
            }
        }
        self.place(problem)
    }

    /// A problem placed at a position. A message is never empty: one without words (a bug)
    /// still says that the value is wrong.
    fn diagnostic(&self, problem: Problem, position: Position) -> Diagnostic {
        let message = if problem.message.trim().is_empty() {
            "这里的值不符合要求".to_owned()
        } else {
            problem.message
        };
        Diagnostic {
            severity: problem.severity,
            code: problem.code,
            file: self.file.clone(),
            line: position.line,
            column: position.column,
            path: problem.path,
            message,
            expected: problem.expected,
            source_line: self.text.lines().nth(position.line.saturating_sub(1)).map(str::to_owned),
        }
    }

    /// A reader error (syntax, duplicate key, budget) in Chinese, where the mistake is.
    fn syntax_error(&self, err: &serde_saphyr::Error) -> Diagnostic {
        use serde_saphyr::Error as E;
        let mut inner = err.without_snippet();
        // An error met while replaying an alias wraps the real one.
        while let E::AliasError { error, .. } = inner {
            inner = error.without_snippet();
        }
        let (code, message, expected, position) = match inner {
            E::DuplicateMappingKey { key, .. } => (
                "duplicate-key",
                format!("字段“{}”写了两次", key.as_deref().unwrap_or("?")),
                "每个字段只写一次".to_owned(),
                None,
            ),
            E::Budget { .. } => (
                "too-complex",
                "文件结构超出了允许的规模（嵌套过深、别名展开过多或条目过多）".to_owned(),
                "一份普通的审查记录".to_owned(),
                None,
            ),
            other => match syntax::translate(&self.text, other) {
                Some(syntax) => {
                    ("syntax", format!("YAML 格式错误：{}", syntax.message), syntax.expected, syntax.position)
                }
                None => (
                    "syntax",
                    format!("YAML 格式错误：{}", syntax::UNPARSABLE),
                    syntax::GENERAL.to_owned(),
                    None,
                ),
            },
        };
        let reported = inner
            .location()
            .or_else(|| err.location())
            .filter(|l| l.line() > 0)
            .map(|l| Position { line: l.line() as usize, column: (l.column() as usize).max(1) });
        let position = position.or(reported).unwrap_or(Position::START);
        self.diagnostic(Problem::error("", message).expected(expected).code(code), position)
    }
}

impl Source {
    /// Where a "missing" field is written after all, at an indentation that put it outside
    /// its mapping: the lines below the mapping's key, up to the next line as shallow as it.
    fn misindented_key(&self, mapping: &str, field: &str) -> Option<Position> {
        let key = format!("{field}:");
        let (start, indent) = if mapping.is_empty() {
            (0, None)
        } else {
            let at = self.spans.locate(mapping);
            (at.line, Some(at.column - 1))
        };
        for (i, line) in self.text.lines().enumerate().skip(start) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let depth = line.len() - trimmed.len();
            if indent.is_some_and(|indent| depth <= indent) {
                return None;
            }
            if trimmed.starts_with(&key) {
                return Some(Position { line: i + 1, column: depth + 1 });
            }
        }
        None
    }
}

fn io_message(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "找不到这个文件".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取这个文件的权限".into(),
        std::io::ErrorKind::WouldBlock => "这个文件现在没有可读的内容（不是普通文件）".into(),
        _ => format!("无法读取：{}", io_reason(err)),
    }
}

/// A file that is not UTF-8: UTF-16 (by its byte-order mark) says so; otherwise the line and
/// column of the first byte that is not UTF-8 (what an editor in another encoding saved).
fn not_utf8(file: &Path, bytes: &[u8]) -> Diagnostic {
    let expected = Some("以 UTF-8 编码保存文件（编辑器的“另存为”中选择 UTF-8）".to_owned());
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let message = "文件是 UTF-16 编码的文本，不是 UTF-8";
        return Diagnostic { expected, ..Diagnostic::file_error(file, message) };
    }
    let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), str::len);
    let before = std::str::from_utf8(&bytes[..valid]).expect("valid up to here");
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let source_line = &bytes[line_start..];
    let source_line = source_line.split(|b| *b == b'\n').next().unwrap_or_default();
    Diagnostic {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
        expected,
        source_line: Some(String::from_utf8_lossy(source_line).into_owned()),
        ..Diagnostic::file_error(
            file,
            format!(
                "文件不是 UTF-8 编码的文本：字节 0x{:02X} 不是 UTF-8（可能是 GBK 或 Latin-1 编码）",
                bytes[valid]
            ),
        )
    }
}

fn too_large(bytes: u64) -> String {
    format!("文件过大（{bytes} 字节以上），记录文件不应超过 4 MiB")
}

/// A record with everything it refers to: its profile and its scoring scheme.
#[derive(Clone, Debug)]
pub struct LoadedRecord {
    pub source: Source,
    pub record: Record,
    pub profile: Profile,
    pub scheme: Arc<Scheme>,
    /// Last year's record, when this one names it with `previous:`.
    pub previous: Option<Record>,
}

/// Why a record could not be loaded.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadError {
    /// The record file itself could not be read: missing, not a regular file, too large, not
    /// UTF-8, no permission. An I/O problem, not the record's.
    Unreadable(Diagnostic),
    /// The record was read but is not a valid record: YAML or type errors, or a file it names
    /// (profile, previous record, scheme) is missing or invalid. Every problem found.
    Invalid(Vec<Diagnostic>),
}

impl LoadError {
    /// The diagnostics to show, in order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            LoadError::Unreadable(diagnostic) => std::slice::from_ref(diagnostic),
            LoadError::Invalid(diagnostics) => diagnostics,
        }
    }
}

/// Loads a record file, its profile and its scheme. All problems found are returned.
pub fn load_record(file: &Path) -> Result<LoadedRecord, LoadError> {
    let source = Source::read(file).map_err(LoadError::Unreadable)?;
    load_source(source)
}

/// Loads a record already read into memory; its profile and scheme are read relative to it.
pub fn load_source(source: Source) -> Result<LoadedRecord, LoadError> {
    let record: Record = source.parse().map_err(LoadError::Invalid)?;
    let mut problems = Vec::new();
    let profile = load_referenced(&source, "profile", &record.profile, Source::parse::<Profile>)
        .map_err(|d| problems.extend(d))
        .ok();
    let scheme = match &record.scheme {
        None => Ok(Scheme::builtin()),
        Some(id) if id == scheme::BUILTIN_ID => Ok(Scheme::builtin()),
        Some(name) if name.ends_with(".yaml") || name.ends_with(".yml") => {
            load_referenced(&source, "scheme", name, scheme_from)
        }
        Some(name) => Err(vec![
            source.place(
                Problem::error("scheme", format!("没有名为“{name}”的内置评分体系"))
                    .expected(format!("{}，或一个 .yaml 评分体系文件的路径", scheme::BUILTIN_ID))
                    .code("unknown-scheme"),
            ),
        ]),
    }
    .map_err(|d| problems.extend(d))
    .ok();
    let previous = match &record.previous {
        None => Ok(None),
        Some(name) => load_referenced(&source, "previous", name, Source::parse::<Record>).map(Some),
    }
    .map_err(|d| problems.extend(d))
    .ok();
    match (profile, scheme, previous) {
        (Some(profile), Some(scheme), Some(previous)) => {
            Ok(LoadedRecord { source, record, profile, scheme, previous })
        }
        _ => Err(LoadError::Invalid(problems)),
    }
}

/// Loads a scheme file and checks that it is consistent.
pub fn load_scheme(file: &Path) -> Result<Arc<Scheme>, Vec<Diagnostic>> {
    scheme_from(&Source::read(file).map_err(|d| vec![d])?)
}

/// A scheme from a file read into memory, checked.
fn scheme_from(source: &Source) -> Result<Arc<Scheme>, Vec<Diagnostic>> {
    let scheme: Scheme = source.parse()?;
    scheme.check().map_err(|mut problem| {
        problem.message = format!("评分体系不一致：{}", problem.message);
        vec![source.place(problem.code(INCONSISTENT_SCHEME))]
    })?;
    Ok(Arc::new(scheme))
}

/// The code of a scheme file that reads as a scheme but whose rules contradict each other.
const INCONSISTENT_SCHEME: &str = "inconsistent-scheme";

/// How much of a referenced file's line or message a diagnostic may quote: enough to find a
/// typo, too little to leak a file that was never meant to be one (a key, a password line).
const REFERENCED_EXCERPT: usize = 40;

/// How many problems of a referenced file are shown; the others are only counted. A file
/// that is no profile at all (2,000 lines of something else) must not be quoted line by line.
const REFERENCED_PROBLEMS: usize = 3;

/// Resolves a file named by a record field relative to the record and loads it. Only a
/// regular `.yaml` / `.yml` file is read — by the name written and by the file it leads to
/// through links — so `profile: /etc/shadow` or `../../proc/self/environ` is refused unread.
/// A file that cannot be read is reported at the field that names it; problems inside it
/// quote at most a short, escaped excerpt of it.
fn load_referenced<T>(
    source: &Source,
    field: &str,
    name: &str,
    parse: impl FnOnce(&Source) -> Result<T, Vec<Diagnostic>>,
) -> Result<T, Vec<Diagnostic>> {
    let at_field = |why: String| {
        source.place(
            Problem::error(field, format!("{}：{why}", excerpt(name, 200)))
                .expected("相对于本记录文件的路径，指向一个 .yaml 或 .yml 文件")
                .code("referenced-file"),
        )
    };
    let file = resolve(&source.file, name);
    if !is_yaml_name(&file) {
        return Err(vec![at_field("只能引用 .yaml 或 .yml 文件".into())]);
    }
    match std::fs::canonicalize(&file) {
        Ok(target) if !is_yaml_name(&target) => {
            return Err(vec![at_field(format!(
                "链接指向的 {} 不是 .yaml 或 .yml 文件",
                excerpt(&target.display().to_string(), 200)
            ))]);
        }
        _ => {}
    }
    let referenced = Source::read(&file).map_err(|unreadable| vec![at_field(unreadable.message)])?;
    parse(&referenced).map_err(|diagnostics| {
        let more = diagnostics.len().saturating_sub(REFERENCED_PROBLEMS);
        let mut shown: Vec<Diagnostic> = diagnostics
            .into_iter()
            .take(REFERENCED_PROBLEMS)
            .map(|mut diagnostic| {
                // A file that is what it should be but inconsistent is told in full: its
                // message is the program's own words.
                if diagnostic.code == INCONSISTENT_SCHEME {
                    return diagnostic;
                }
                diagnostic.message = excerpt(&diagnostic.message, REFERENCED_EXCERPT);
                diagnostic.path = excerpt(&diagnostic.path, REFERENCED_EXCERPT);
                diagnostic.source_line =
                    diagnostic.source_line.map(|line| excerpt(&line, REFERENCED_EXCERPT));
                diagnostic
            })
            .collect();
        if more > 0 {
            shown.push(
                source.place(
                    Problem::error(field, format!("{}：另有 {more} 处问题，未一一列出", excerpt(name, 200)))
                        .expected(format!("一个有效的 {field} 文件"))
                        .code("referenced-file"),
                ),
            );
        }
        shown
    })
}

/// Whether a path's name ends in `.yaml` or `.yml` (in any case).
fn is_yaml_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// A path written in a record, taken relative to the record's folder.
pub fn resolve(record_file: &Path, name: &str) -> PathBuf {
    record_file.parent().unwrap_or(Path::new("")).join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<Diagnostic> {
        Source::new("r.yaml".into(), text.into()).parse::<Record>().unwrap_err()
    }

    #[test]
    fn an_unknown_key_names_its_path_once() {
        let all = parse("profile: p.yaml\nclient:\n  fax: 1\n");
        let d = all.iter().find(|d| d.message.contains("未知的字段“fax”")).expect("the unknown key");
        assert_eq!(d.path, "client.fax");
        assert_eq!((d.line, d.column), (3, 3));
        assert!(d.expected.as_deref().unwrap().contains("registered_address"));
        assert_eq!(all.iter().filter(|d| d.path == "client.fax").count(), 1);
    }

    #[test]
    fn every_structural_problem_is_reported_at_once() {
        let all = parse(
            "profile: p.yaml\nproject_number: x\naudit_type: yearly\nclient:\n  contact:\n    phon: \"1\"\noverveiw: {}\n",
        );
        let paths: Vec<&str> = all.iter().map(|d| d.path.as_str()).collect();
        for path in [
            "audit_type",
            "client.contact.phon",
            "client.contact.person",
            "client.name",
            "overveiw",
            "scope",
            "audit",
        ] {
            assert!(paths.contains(&path), "{path} in {paths:?}");
        }
        let typo = all.iter().find(|d| d.path == "client.contact.phon").unwrap();
        assert!(typo.message.contains("是否应为 phone？"), "{typo:?}");
        assert_eq!((typo.line, typo.column), (6, 5));
        let overview = all.iter().find(|d| d.path == "overveiw").unwrap();
        assert!(overview.message.contains("是否应为 overview？"), "{overview:?}");
    }

    #[test]
    fn a_file_not_in_utf8_names_the_line_and_column_of_its_first_bad_byte() {
        let d = not_utf8(Path::new("r.yaml"), b"a: 1\nname: caf\xe9 \xe4\xb8\xad\n");
        assert_eq!((d.line, d.column), (2, 10), "{d:?}");
        assert!(d.message.contains("0xE9"), "{d:?}");
        let d = not_utf8(Path::new("r.yaml"), b"\xff\xfea\x00:\x00");
        assert!(d.message.contains("UTF-16"), "{d:?}");
    }

    #[test]
    fn no_diagnostic_is_without_words() {
        let source = Source::new("r.yaml".into(), "a: 1\n".into());
        let d = source.place(Problem::error("a", " "));
        assert_eq!(d.message, "这里的值不符合要求");
    }

    #[test]
    fn a_date_that_does_not_exist_is_a_structural_problem() {
        let text = "profile: p.yaml\nproject_number: x\naudit_type: initial\nclient: {name: a, registered_address: b, audit_address: c, contact: {person: d, phone: \"1\"}}\nscope: {text: t}\naudit: {method: on_site, start: 2025-02-30 am, end: 2025-12-03 pm, team: [], sampling: s}\n";
        let all = parse(text);
        assert_eq!(all.len(), 1, "{all:?}");
        assert!(all[0].message.contains("在日历中不存在"), "{all:?}");
        assert_eq!(all[0].path, "audit.start");
        assert_eq!(all[0].line, 6);
    }

    #[test]
    fn an_alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        text.push_str("bomb: *a11\n");
        let source = Source::new("r.yaml".into(), text);
        let d = source.tree().unwrap_err();
        assert!(d.message.contains("超出了允许的规模"), "{}", d.message);
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let d = &parse("profile: p.yaml\nproject_number: \"unclosed\naudit_type: initial\n")[0];
        assert_eq!((d.line, d.column), (2, 17), "{d:?}");
        assert!(d.message.starts_with("YAML 格式错误"), "{}", d.message);
    }
}
