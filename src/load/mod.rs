//! Load: YAML files → typed values, with every error placed at its line, column and YAML path.
//!
//! serde-saphyr deserializes (it is maintained, keeps source positions, and enforces budgets
//! against alias bombs and runaway nesting); `serde_path_to_error` tracks the YAML path of a
//! type error; [`spans::SpanIndex`] maps the paths of later, semantic rules back to lines.
//! Messages are translated into the users' language here, in one place.

pub mod spans;

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, Problem, Severity, excerpt};
use crate::profile::Profile;
use crate::record::Record;
use crate::scheme::{self, Scheme};
use spans::{Position, SpanIndex};

/// Records larger than this are refused before parsing: no audit record comes near it.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

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
    /// more than [`MAX_FILE_BYTES`], whatever its size claims (files in /proc claim none).
    pub fn read(file: &Path) -> Result<Source, Diagnostic> {
        let fail = |why: String| Diagnostic::file_error(file, why);
        let regular = |meta: &std::fs::Metadata| {
            if !meta.is_file() {
                return Err(fail("这不是一个普通文件（是文件夹、管道或设备）".into()));
            }
            if meta.len() > MAX_FILE_BYTES {
                return Err(fail(too_large(meta.len())));
            }
            Ok(())
        };
        // Look before opening: opening a device or a FIFO can itself block or act.
        regular(&std::fs::metadata(file).map_err(|e| fail(io_message(&e)))?)?;
        // Non-blocking, and looked at again once open, in case the file was swapped meanwhile.
        let handle: File = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(file)
            .map_err(|e| fail(io_message(&e)))?;
        regular(&handle.metadata().map_err(|e| fail(io_message(&e)))?)?;
        let mut bytes = Vec::new();
        handle.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| fail(io_message(&e)))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(fail(too_large(bytes.len() as u64)));
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| fail("文件不是 UTF-8 编码的文本：请以 UTF-8 保存".into()))?;
        Ok(Source::new(file.to_owned(), text))
    }

    /// A source from text in memory (tests, generated records).
    pub fn new(file: PathBuf, text: String) -> Source {
        let spans = SpanIndex::build(&text);
        Source { file, text, spans }
    }

    /// Deserializes the whole file as `T`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        let mut failed_path = None;
        let result = serde_saphyr::with_deserializer_from_str_with_options(
            &self.text,
            serde_saphyr::Options::default(),
            |de| {
                serde_path_to_error::deserialize(de).map_err(|err| {
                    failed_path = Some(err.path().to_string());
                    err.into_inner()
                })
            },
        );
        result.map_err(|err| {
            // serde_path_to_error writes `?` for a key it could not read: keep what precedes it.
            let path = failed_path
                .map(|p| p.split(".?").next().unwrap_or_default().to_owned())
                .filter(|p| p != "." && p != "?")
                .unwrap_or_default();
            self.translate(&err, path)
        })
    }

    /// Places a rule's problem in this file.
    pub fn place(&self, problem: Problem) -> Diagnostic {
        let position = self.spans.locate(&problem.path);
        self.diagnostic(problem, position)
    }

    fn diagnostic(&self, problem: Problem, position: Position) -> Diagnostic {
        Diagnostic {
            severity: problem.severity,
            code: problem.code,
            file: self.file.clone(),
            line: position.line,
            column: position.column,
            path: problem.path,
            message: problem.message,
            expected: problem.expected,
            source_line: self.text.lines().nth(position.line.saturating_sub(1)).map(str::to_owned),
        }
    }

    /// Turns a deserializer error into a diagnostic in Chinese.
    fn translate(&self, err: &serde_saphyr::Error, mut path: String) -> Diagnostic {
        use serde_saphyr::Error as E;
        let mut inner = err.without_snippet();
        // An error met while replaying an alias wraps the real one.
        while let E::AliasError { error, .. } = inner {
            inner = error.without_snippet();
        }
        let quoted = |names: &[&str]| names.join("、");
        let (message, expected) = match inner {
            E::SerdeUnknownField { field, expected, .. } => {
                // The tracked path already ends at the unknown key.
                if !path.ends_with(field.as_str()) {
                    path = join(&path, field);
                }
                (format!("未知的字段“{field}”"), Some(format!("以下字段之一：{}", quoted(expected))))
            }
            E::SerdeMissingField { field, .. } => {
                let parent = path.clone();
                path = join(&path, field);
                if let Some(position) = self.misindented_key(&parent, field) {
                    let problem = Problem::error(
                        path,
                        format!("YAML 格式错误：字段“{field}”的缩进与同一层的其它字段不一致，因此没有被读入"),
                    )
                    .expected("与同一层的其它字段左对齐（用空格缩进）")
                    .code("misindented-key");
                    return self.diagnostic(problem, position);
                }
                (format!("缺少必填字段“{field}”"), None)
            }
            E::SerdeUnknownVariant { variant, expected, .. } => {
                (format!("“{variant}”不是可选的值"), Some(format!("以下之一：{}", quoted(expected))))
            }
            E::SerdeInvalidType { unexpected, expected, .. }
            | E::SerdeInvalidValue { unexpected, expected, .. } => (
                format!("这里的值（{}）类型不对", describe_unexpected(unexpected)),
                Some(describe_expected(expected)),
            ),
            E::SerdeInvalidLength { expected, .. } => {
                ("列表的项数不对".to_owned(), Some(describe_expected(expected)))
            }
            E::InvalidScalar { ty, .. } => ("这里的值类型不对".to_owned(), Some(describe_expected(ty))),
            E::Unexpected { expected, .. }
                if expected.contains("sequence") || expected.contains("mapping") =>
            {
                ("这里的值类型不对".to_owned(), Some(describe_expected(expected)))
            }
            E::NullIntoString { .. } => ("这里不能为空".to_owned(), Some("一段文字".to_owned())),
            E::DuplicateMappingKey { key, .. } => (
                format!("字段“{}”写了两次", key.as_deref().unwrap_or("?")),
                Some("每个字段只写一次".to_owned()),
            ),
            E::Budget { .. } => (
                "文件结构超出了允许的规模（嵌套过深、别名展开过多或条目过多）".to_owned(),
                Some("一份普通的审查记录".to_owned()),
            ),
            E::Message { msg, .. } => (msg.clone(), None),
            E::Eof { .. } => ("文件是空的，或在应有内容处结束".to_owned(), None),
            other => (
                format!("YAML 格式错误：{}", other.render_with_options(plain_render())),
                Some("合法的 YAML：注意缩进（用空格，不用 Tab）、冒号后加空格、引号成对".to_owned()),
            ),
        };
        let missing = matches!(inner, E::SerdeMissingField { .. });
        let position = match err.location() {
            // A missing field is placed where the rules place one: at the mapping that lacks it.
            _ if missing => self.spans.locate(&path),
            Some(location) if location.line() > 0 => {
                Position { line: location.line() as usize, column: (location.column() as usize).max(1) }
            }
            _ => self.spans.locate(&path),
        };
        let problem = Problem { severity: Severity::Error, code: code_of(inner), path, message, expected };
        self.diagnostic(problem, position)
    }
}

/// The code of a deserializer error (see [`Diagnostic::code`]).
fn code_of(err: &serde_saphyr::Error) -> &'static str {
    use serde_saphyr::Error as E;
    match err {
        E::SerdeUnknownField { .. } => "unknown-field",
        E::SerdeMissingField { .. } => "missing-field",
        E::SerdeUnknownVariant { .. } => "unknown-value",
        E::SerdeInvalidType { .. }
        | E::SerdeInvalidValue { .. }
        | E::InvalidScalar { .. }
        | E::NullIntoString { .. } => "wrong-type",
        E::Unexpected { expected, .. } if expected.contains("sequence") || expected.contains("mapping") => {
            "wrong-type"
        }
        E::SerdeInvalidLength { .. } => "wrong-length",
        E::DuplicateMappingKey { .. } => "duplicate-key",
        E::Budget { .. } => "too-complex",
        E::Message { .. } => "invalid-value",
        E::Eof { .. } => "empty-file",
        _ => "syntax",
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

fn plain_render() -> serde_saphyr::RenderOptions<'static> {
    let mut options = serde_saphyr::RenderOptions::default();
    options.snippets = serde_saphyr::SnippetMode::Off;
    options
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() { field.to_owned() } else { format!("{path}.{field}") }
}

/// What serde calls the value it found, in words.
fn describe_unexpected(unexpected: &str) -> String {
    if let Some(rest) = unexpected.strip_prefix("string ") {
        return format!("文字 {rest}");
    }
    match unexpected {
        "map" => "一组键值".into(),
        "sequence" => "列表".into(),
        "unit value" | "null" => "空值".into(),
        _ if unexpected.starts_with("integer") || unexpected.starts_with("floating point") => {
            format!("数字 {}", unexpected.rsplit(' ').next().unwrap_or(""))
        }
        _ if unexpected.starts_with("boolean") => {
            format!("真假值 {}", unexpected.rsplit(' ').next().unwrap_or(""))
        }
        _ => unexpected.into(),
    }
}

/// What serde's visitors say they expect, in words. Our own types already speak Chinese.
fn describe_expected(expected: &str) -> String {
    match expected {
        "a string" => "一段文字".into(),
        "a boolean" => "true（是）或 false（否）".into(),
        "a sequence" | "sequence start" => "一个列表（每项以“- ”开头）".into(),
        "f64" | "f32" | "floating point" => "一个数字".into(),
        "boolean" => "true（是）或 false（否）".into(),
        _ if expected.contains("integer") => "一个整数".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i64" | "i32" => "一个整数".into(),
        _ if expected.starts_with("struct ")
            || expected.starts_with("a map")
            || expected.contains("mapping") =>
        {
            "一组“字段: 值”（下一行缩进书写）".into()
        }
        _ if expected.starts_with("variant identifier") || expected.starts_with("enum ") => {
            "可选值之一".into()
        }
        _ => expected.into(),
    }
}

fn io_message(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "找不到这个文件".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取这个文件的权限".into(),
        std::io::ErrorKind::WouldBlock => "这个文件现在没有可读的内容（不是普通文件）".into(),
        _ => format!("无法读取：{err}"),
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
    let record: Record = source.parse().map_err(|d| LoadError::Invalid(vec![d]))?;
    let mut problems = Vec::new();
    let profile = load_referenced(&source, "profile", &record.profile, Source::parse::<Profile>)
        .map_err(|d| problems.push(d))
        .ok();
    let scheme = match &record.scheme {
        None => Ok(Scheme::builtin()),
        Some(id) if id == scheme::BUILTIN_ID => Ok(Scheme::builtin()),
        Some(name) if name.ends_with(".yaml") || name.ends_with(".yml") => {
            load_referenced(&source, "scheme", name, scheme_from)
        }
        Some(name) => Err(source.place(
            Problem::error("scheme", format!("没有名为“{name}”的内置评分体系"))
                .expected(format!("{}，或一个 .yaml 评分体系文件的路径", scheme::BUILTIN_ID))
                .code("unknown-scheme"),
        )),
    }
    .map_err(|d| problems.push(d))
    .ok();
    let previous = match &record.previous {
        None => Ok(None),
        Some(name) => load_referenced(&source, "previous", name, Source::parse::<Record>).map(Some),
    }
    .map_err(|d| problems.push(d))
    .ok();
    match (profile, scheme, previous) {
        (Some(profile), Some(scheme), Some(previous)) => {
            Ok(LoadedRecord { source, record, profile, scheme, previous })
        }
        _ => Err(LoadError::Invalid(problems)),
    }
}

/// Loads a scheme file and checks that it is consistent.
pub fn load_scheme(file: &Path) -> Result<Arc<Scheme>, Diagnostic> {
    scheme_from(&Source::read(file)?)
}

/// A scheme from a file read into memory, checked.
fn scheme_from(source: &Source) -> Result<Arc<Scheme>, Diagnostic> {
    let scheme: Scheme = source.parse()?;
    scheme.check().map_err(|why| {
        source.place(Problem::error("", format!("评分体系不一致：{why}")).code("inconsistent-scheme"))
    })?;
    Ok(Arc::new(scheme))
}

/// How much of a referenced file's line or message a diagnostic may quote: enough to find a
/// typo, too little to leak a file that was never meant to be one (a key, a password line).
const REFERENCED_EXCERPT: usize = 40;

/// Resolves a file named by a record field relative to the record and loads it. Only a
/// regular `.yaml` / `.yml` file is read — by the name written and by the file it leads to
/// through links — so `profile: /etc/shadow` or `../../proc/self/environ` is refused unread.
/// A file that cannot be read is reported at the field that names it; problems inside it
/// quote at most a short, escaped excerpt of it.
fn load_referenced<T>(
    source: &Source,
    field: &str,
    name: &str,
    parse: impl FnOnce(&Source) -> Result<T, Diagnostic>,
) -> Result<T, Diagnostic> {
    let at_field = |why: String| {
        source.place(
            Problem::error(field, format!("{}：{why}", excerpt(name, 200)))
                .expected("相对于本记录文件的路径，指向一个 .yaml 或 .yml 文件")
                .code("referenced-file"),
        )
    };
    let file = resolve(&source.file, name);
    if !is_yaml_name(&file) {
        return Err(at_field("只能引用 .yaml 或 .yml 文件".into()));
    }
    match std::fs::canonicalize(&file) {
        Ok(target) if !is_yaml_name(&target) => {
            return Err(at_field(format!(
                "链接指向的 {} 不是 .yaml 或 .yml 文件",
                excerpt(&target.display().to_string(), 200)
            )));
        }
        _ => {}
    }
    let referenced = Source::read(&file).map_err(|unreadable| at_field(unreadable.message))?;
    parse(&referenced).map_err(|mut diagnostic| {
        diagnostic.message = excerpt(&diagnostic.message, REFERENCED_EXCERPT);
        diagnostic.path = excerpt(&diagnostic.path, REFERENCED_EXCERPT);
        diagnostic.source_line = diagnostic.source_line.map(|line| excerpt(&line, REFERENCED_EXCERPT));
        diagnostic
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

    fn parse(text: &str) -> Diagnostic {
        Source::new("r.yaml".into(), text.into()).parse::<Record>().unwrap_err()
    }

    #[test]
    fn an_unknown_key_names_its_path_once() {
        let d = parse("profile: p.yaml\nclient:\n  fax: 1\n");
        assert_eq!(d.path, "client.fax");
        assert_eq!((d.line, d.column), (3, 3));
        assert!(d.message.contains("未知的字段“fax”"));
        assert!(d.expected.unwrap().contains("registered_address"));
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
        let d = source.parse::<serde_json::Value>().unwrap_err();
        assert!(d.message.contains("超出了允许的规模"), "{}", d.message);
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let d = parse("profile: p.yaml\nproject_number: \"unclosed\naudit_type: initial\n");
        assert!(d.line >= 2, "{d:?}");
        assert!(d.message.starts_with("YAML 格式错误"), "{}", d.message);
    }
}
