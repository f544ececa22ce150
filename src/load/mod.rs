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
        Source::read_at(file, file.to_owned())
    }

    /// [`Source::read`] of the file at `real`, named `file` in what it says (a file under the
    /// service's `--root` is named by its path relative to the root).
    pub fn read_at(real: &Path, file: PathBuf) -> Result<Source, Diagnostic> {
        let fail = |why: String| Diagnostic::file_error(&file, why);
        let bytes = crate::base::files::read_regular(real, MAX_FILE_BYTES).map_err(|e| match e {
            ReadError::NotRegular => {
                fail("这不是一个普通文件（是文件夹、管道、设备或 /proc、/sys 中内核的虚拟文件）".into())
            }
            ReadError::TooLarge(bytes) => fail(too_large(bytes)),
            ReadError::Io(e) => fail(io_message(&e)),
        })?;
        Source::from_bytes(file, bytes)
    }

    /// A source from bytes in memory (an upload), under the same rules as a file read: at most
    /// [`MAX_FILE_BYTES`], UTF-8.
    pub fn from_bytes(file: PathBuf, bytes: Vec<u8>) -> Result<Source, Diagnostic> {
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(Diagnostic::file_error(&file, too_large(bytes.len() as u64)));
        }
        let text = String::from_utf8(bytes).map_err(|err| not_utf8(&file, err.as_bytes()))?;
        Ok(Source::new(file, text))
    }

    /// A source from text in memory (tests, generated records).
    pub fn new(file: PathBuf, text: String) -> Source {
        let text = lone_carriage_returns_as_line_feeds(text);
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
        match self.parse_with_ranges() {
            Ok((value, ranges)) if ranges.is_empty() => Ok(value),
            Ok((_, ranges)) => Err(ranges),
            Err(diagnostics) => Err(diagnostics),
        }
    }

    /// [`Source::parse`], but a file whose only problems are numbers out of their range (a
    /// score above its maximum, an internal score above 100) is still read into `T` when its
    /// type holds them: an out-of-range number is still a number, so that the record's rules
    /// can run on it too. Returns the value and those problems.
    pub fn parse_with_ranges<T: DeserializeOwned + HasSchema>(
        &self,
    ) -> Result<(T, Vec<Diagnostic>), Vec<Diagnostic>> {
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
        let structural =
            structure::check(&tree, T::KIND, &self.spans).into_iter().filter(|p| !misread.contains(&p.path));
        diagnostics.extend(structural.map(|p| self.place_structural(p)));
        diagnostics.sort_by_key(|d| (d.line, d.column));
        if !diagnostics.is_empty() {
            if diagnostics.iter().all(|d| d.code == OUT_OF_RANGE) {
                // A number its type cannot hold (a negative or huge count) is not read.
                return serde_path_to_error::deserialize(tree)
                    .map(|value| (value, diagnostics.clone()))
                    .map_err(|_| diagnostics);
            }
            return Err(diagnostics);
        }
        serde_path_to_error::deserialize(tree).map(|value| (value, Vec::new())).map_err(|err| {
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

/// The code of a number outside its field's range ([`structure`]'s minimum and maximum).
const OUT_OF_RANGE: &str = "out-of-range";

/// A record with everything it refers to: its profile and its scoring scheme.
#[derive(Clone, Debug)]
pub struct LoadedRecord {
    pub source: Source,
    pub record: Record,
    /// Problems of the record that did not keep it from being read: numbers out of their
    /// range ([`Source::parse_with_ranges`]). Its rules are checked all the same.
    pub ranges: Vec<Diagnostic>,
    pub profile: Profile,
    /// The CB's logo, when its profile names one.
    pub logo: Option<Logo>,
    pub scheme: Arc<Scheme>,
    /// Last year's record, when this one names it with `previous:`.
    pub previous: Option<Record>,
}

impl LoadedRecord {
    /// The profile's file, as the record names it (relative to the working folder).
    pub fn profile_file(&self) -> PathBuf {
        resolve(&self.source.file, &self.record.profile)
    }

    /// The template folder the profile names, if any (relative to the working folder).
    pub fn profile_template(&self) -> Option<PathBuf> {
        self.profile.template.as_deref().map(|dir| resolve(&self.profile_file(), dir))
    }
}

/// Largest logo accepted.
pub const MAX_LOGO_BYTES: u64 = 2 * 1024 * 1024;

/// The CB's logo, read and checked to be an image Typst can draw.
#[derive(Clone, Debug)]
pub struct Logo {
    /// The file, relative to the working folder.
    pub file: PathBuf,
    pub bytes: Vec<u8>,
    pub format: LogoFormat,
}

/// The image formats a logo may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogoFormat {
    Png,
    Jpeg,
    Svg,
}

impl Logo {
    /// Where the template finds it: `/cb-logo.png`, `/cb-logo.jpg`, `/cb-logo.svg`.
    pub fn virtual_path(&self) -> String {
        let extension = match self.format {
            LogoFormat::Png => "png",
            LogoFormat::Jpeg => "jpg",
            LogoFormat::Svg => "svg",
        };
        format!("/cb-logo.{extension}")
    }

    /// Reads the logo a profile names, under the rules of a referenced file: a regular file
    /// (by its name and the file a link leads to) ending in `.png`, `.jpg`, `.jpeg` or `.svg`,
    /// at most [`MAX_LOGO_BYTES`], and an image of that format that decodes.
    fn read(files: &dyn Files, profile_file: &Path, name: &str) -> Result<Logo, String> {
        let file = resolve(profile_file, name);
        let format_of =
            |path: &Path| match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase) {
                Some(e) if e == "png" => Some(LogoFormat::Png),
                Some(e) if e == "jpg" || e == "jpeg" => Some(LogoFormat::Jpeg),
                Some(e) if e == "svg" => Some(LogoFormat::Svg),
                _ => None,
            };
        let Some(format) = format_of(&file) else {
            return Err("只能是 .png、.jpg、.jpeg 或 .svg 图片文件".into());
        };
        let bytes = files.read_image(name, &file, &|target| format_of(target) == Some(format))?;
        if bytes.len() as u64 > MAX_LOGO_BYTES {
            return Err(format!("文件过大（{} 字节），标志不应超过 2 MiB", bytes.len()));
        }
        let decoded = match format {
            LogoFormat::Png | LogoFormat::Jpeg => {
                use typst::visualize::{ExchangeFormat, RasterImage};
                let exchange =
                    if format == LogoFormat::Png { ExchangeFormat::Png } else { ExchangeFormat::Jpg };
                RasterImage::plain(typst::foundations::Bytes::new(bytes.clone()), exchange)
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
            LogoFormat::Svg => typst::visualize::SvgImage::new(typst::foundations::Bytes::new(bytes.clone()))
                .map(drop)
                .map_err(|e| format!("{e:?}")),
        };
        decoded.map_err(|why| format!("不是可读的图片（{}）", excerpt(&why, 80)))?;
        Ok(Logo { file, bytes, format })
    }
}

/// The code of a problem with a file a profile names (its logo, its template folder): the
/// program's own words, told in full.
const PROFILE_FILE: &str = "profile-file";

/// A profile, with the files it names checked: its logo read, its template folder there.
fn profile_from(source: &Source, files: &dyn Files) -> Result<(Profile, Option<Logo>), Vec<Diagnostic>> {
    let profile: Profile = source.parse()?;
    let at = |field: &str, why: String, expected: &str| {
        source.place(Problem::error(field, why).expected(expected).code(PROFILE_FILE))
    };
    let mut problems = Vec::new();
    // What the cover and the footer print of the CB must be there: an empty one would print a
    // report with a blank where the CB's name is (the starter's "" left unfilled).
    for (field, text, what) in [
        ("name", &profile.name, "认证机构名称"),
        ("address", &profile.address, "认证机构地址"),
        ("phone", &profile.phone, "认证机构电话"),
        ("post_code", &profile.post_code, "认证机构邮编"),
    ] {
        if text.trim().is_empty() {
            let problem = Problem::error(field, format!("认证机构信息文件中的{what}不能为空"))
                .expected("填写报告封面印出的内容")
                .code("required");
            problems.push(source.place(problem));
        }
    }
    let logo = match &profile.logo {
        None => None,
        Some(name) => Logo::read(files, &source.file, name)
            .map_err(|why| {
                problems.push(at(
                    "logo",
                    format!("标志 {}：{why}", excerpt(name, 200)),
                    "相对于本文件的路径，指向一个 PNG、JPEG 或 SVG 图片文件",
                ))
            })
            .ok(),
    };
    if let Some(dir) = &profile.template
        && let Err(why) = files.template_folder(&resolve(&source.file, dir))
    {
        problems.push(at(
            "template",
            format!("报告模板文件夹 {} {why}", excerpt(dir, 200)),
            "相对于本文件的路径，指向一个报告模板文件夹（可用 certreport template new 生成）",
        ));
    }
    if problems.is_empty() { Ok((profile, logo)) } else { Err(problems) }
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
    load_source_from(source, &Disk)
}

/// [`load_source`] with the files the record names read from `files`.
pub fn load_source_from(source: Source, files: &dyn Files) -> Result<LoadedRecord, LoadError> {
    let (record, ranges) = source.parse_with_ranges::<Record>().map_err(LoadError::Invalid)?;
    let mut problems = Vec::new();
    let profile =
        load_referenced(&source, files, "profile", &record.profile, |profile| profile_from(profile, files))
            .map_err(|d| problems.extend(d))
            .ok();
    let scheme = match &record.scheme {
        None => Ok(Scheme::builtin()),
        Some(id) if id == scheme::BUILTIN_ID => Ok(Scheme::builtin()),
        Some(name) if name.ends_with(".yaml") || name.ends_with(".yml") => {
            load_referenced(&source, files, "scheme", name, scheme_from)
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
        Some(name) => load_referenced(&source, files, "previous", name, Source::parse::<Record>).map(Some),
    }
    .map_err(|d| problems.extend(d))
    .ok();
    match (profile, scheme, previous) {
        (Some((profile, logo)), Some(scheme), Some(previous)) => {
            Ok(LoadedRecord { source, record, ranges, profile, logo, scheme, previous })
        }
        _ => {
            problems.extend(ranges);
            problems.sort_by_key(|d| (d.line, d.column));
            Err(LoadError::Invalid(problems))
        }
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
    files: &dyn Files,
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
    let referenced = files.read(field, name, &file).map_err(|why| vec![at_field(why)])?;
    parse(&referenced).map_err(|diagnostics| {
        let more = diagnostics.len().saturating_sub(REFERENCED_PROBLEMS);
        let mut shown: Vec<Diagnostic> = diagnostics
            .into_iter()
            .take(REFERENCED_PROBLEMS)
            .map(|mut diagnostic| {
                // A file that is what it should be but inconsistent is told in full: its
                // message is the program's own words.
                if diagnostic.code == INCONSISTENT_SCHEME || diagnostic.code == PROFILE_FILE {
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

/// Where the files a record names (its profile, previous record and scheme file) are read
/// from: the disk as the command line reads it ([`Disk`]), a folder they must stay inside
/// ([`Confined`], the service's `--root`), or memory (the service's uploads).
pub trait Files {
    /// The file that a record's `field` names as `name`; `file` is that name taken relative to
    /// the record's folder ([`resolve`]), the path the diagnostics show. `Err`: why it cannot
    /// be read, in words (the loader says it at the field). Only `.yaml` / `.yml` names get
    /// here.
    fn read(&self, field: &str, name: &str, file: &Path) -> Result<Source, String>;

    /// The bytes of the image a profile names as `name` (its logo), `file` taken relative to
    /// the profile's folder; `same_kind` tells whether the file a link leads to is an image of
    /// the same format. At most [`MAX_LOGO_BYTES`] and a little more are read.
    fn read_image(
        &self,
        name: &str,
        file: &Path,
        same_kind: &dyn Fn(&Path) -> bool,
    ) -> Result<Vec<u8>, String>;

    /// Whether the template folder a profile names at `folder` may be used: `Err` says why not.
    fn template_folder(&self, folder: &Path) -> Result<(), String>;
}

/// An image file read under the rules of a referenced file: a regular file, through a link
/// only one of the same kind, never more than [`MAX_LOGO_BYTES`] and one byte.
fn read_image_file(real: &Path, same_kind: &dyn Fn(&Path) -> bool) -> Result<Vec<u8>, String> {
    if let Ok(target) = std::fs::canonicalize(real)
        && !same_kind(&target)
    {
        return Err(format!(
            "链接指向的 {} 不是同一格式的图片文件",
            excerpt(&target.display().to_string(), 200)
        ));
    }
    crate::base::files::read_regular(real, MAX_LOGO_BYTES).map_err(|e| match e {
        ReadError::NotRegular => "不是普通文件".to_owned(),
        ReadError::TooLarge(size) => format!("文件过大（{size} 字节以上），标志不应超过 2 MiB"),
        ReadError::Io(e) => io_message(&e),
    })
}

/// The disk, as the command line reads it: a regular file ([`Source::read`]), and through a
/// link only a `.yaml` or `.yml` file — `profile: x.yaml` linked to `/etc/shadow` is refused
/// unread.
pub struct Disk;

impl Files for Disk {
    fn read(&self, _field: &str, _name: &str, file: &Path) -> Result<Source, String> {
        if let Ok(target) = std::fs::canonicalize(file)
            && !is_yaml_name(&target)
        {
            return Err(format!(
                "链接指向的 {} 不是 .yaml 或 .yml 文件",
                excerpt(&target.display().to_string(), 200)
            ));
        }
        Source::read(file).map_err(|unreadable| unreadable.message)
    }

    fn read_image(
        &self,
        _name: &str,
        file: &Path,
        same_kind: &dyn Fn(&Path) -> bool,
    ) -> Result<Vec<u8>, String> {
        read_image_file(file, same_kind)
    }

    fn template_folder(&self, folder: &Path) -> Result<(), String> {
        if folder.is_dir() { Ok(()) } else { Err("不存在或不是文件夹".into()) }
    }
}

/// What the service says of a template folder a profile names: it does not read one (a
/// request cannot choose what the server reads); the service's own `--template` is used.
pub const NO_TEMPLATE_FROM_REQUESTS: &str =
    "不可用：服务不读取请求所指的文件夹；认证机构自己的模板请在启动服务时以 --template 给出";

/// A folder every file must stay inside (the service's `--root`), under the rules of
/// [`Disk`] and more: a path is relative to the folder, never leaves it by `..` (checked on
/// the name as written, before anything is looked up), and does not lead out of it through a
/// link (checked on the file's canonical path). Files are named in diagnostics by their path
/// relative to the folder.
pub struct Confined {
    root: PathBuf,
}

impl Confined {
    pub fn new(root: &Path) -> Confined {
        Confined { root: std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned()) }
    }

    /// The real path of a record named `path` relative to the folder, or why it is refused.
    pub fn record(&self, path: &str) -> Result<PathBuf, String> {
        if !is_yaml_name(Path::new(path)) {
            return Err(format!("{}：只能读取 .yaml 或 .yml 文件", excerpt(path, 200)));
        }
        self.locate(Path::new(path)).map_err(|why| format!("{}：{why}", excerpt(path, 200)))
    }

    /// The real path of a `.yaml` or `.yml` file at `relative`, confined to the folder.
    fn locate(&self, relative: &Path) -> Result<PathBuf, String> {
        let real = self.locate_within(relative)?;
        match std::fs::canonicalize(&real) {
            Ok(target) if !is_yaml_name(&target) => Err("链接指向的不是 .yaml 或 .yml 文件".into()),
            _ => Ok(real),
        }
    }

    /// The real path of `relative`, confined to the folder.
    fn locate_within(&self, relative: &Path) -> Result<PathBuf, String> {
        use std::path::Component;
        let mut depth = 0usize;
        for component in relative.components() {
            match component {
                Component::Normal(_) => depth += 1,
                Component::CurDir => {}
                Component::ParentDir => {
                    depth = depth.checked_sub(1).ok_or_else(|| "经由 .. 超出了 --root 文件夹".to_owned())?;
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err("应为相对于 --root 文件夹的路径，不能是绝对路径".into());
                }
            }
        }
        let real = self.root.join(relative);
        match std::fs::canonicalize(&real) {
            Ok(target) if !target.starts_with(&self.root) => Err("链接指向 --root 文件夹之外".into()),
            // A file that does not exist is said so by the read.
            _ => Ok(real),
        }
    }
}

impl Files for Confined {
    fn read(&self, _field: &str, _name: &str, file: &Path) -> Result<Source, String> {
        let real = self.locate(file)?;
        Source::read_at(&real, file.to_owned()).map_err(|unreadable| unreadable.message)
    }

    fn read_image(
        &self,
        _name: &str,
        file: &Path,
        same_kind: &dyn Fn(&Path) -> bool,
    ) -> Result<Vec<u8>, String> {
        let real = self.locate_within(file)?;
        read_image_file(&real, same_kind)
    }

    fn template_folder(&self, _folder: &Path) -> Result<(), String> {
        Err(NO_TEMPLATE_FROM_REQUESTS.into())
    }
}

/// Whether a path's name ends in `.yaml` or `.yml` (in any case).
fn is_yaml_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Whose record a file is, as far as it can be read when it cannot be loaded.
#[derive(Debug, Default)]
pub struct ReadableNames {
    /// `client.name` (1.1 受审查方名称), when it is plain text; else empty.
    pub client: String,
    /// `project_number` (1.2 项目编号), when it is plain text; else empty.
    pub project_number: String,
}

/// The client and the project number of a record that cannot be loaded (a broken rule, an
/// unknown key …), read from its YAML tree where they are plain text: the batch's summary
/// and the editor's folder list still say whose record it is. Nothing when the file is not
/// YAML at all.
pub fn readable_names(file: &Path) -> ReadableNames {
    let Ok(tree) = Source::read(file).and_then(|source| source.tree()) else {
        return ReadableNames::default();
    };
    let text = |value: Option<&Value>| value.and_then(Value::as_str).unwrap_or_default().to_owned();
    ReadableNames {
        client: text(tree.get("client").and_then(|client| client.get("name"))),
        project_number: text(tree.get("project_number")),
    }
}

/// A lone carriage return (the line end of old Mac files) is a line break to YAML but not to
/// `str::lines`: it is read as a line feed, so that every line number — the reader's, the
/// excerpt's, the hints' — counts the same lines. The record reads the same: YAML turns every
/// line break inside a text into a line feed. `\r\n` stays as it is.
fn lone_carriage_returns_as_line_feeds(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut chars = text.chars().peekable();
    let mut read = String::with_capacity(text.len());
    while let Some(c) = chars.next() {
        read.push(if c == '\r' && chars.peek() != Some(&'\n') { '\n' } else { c });
    }
    read
}

/// What a YAML file given to a command is: a record, a CB profile, a scoring scheme, or the
/// manifest of a report template (`template.yaml`, 报告模板说明).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Record,
    Profile,
    Scheme,
    Template,
}

impl FileKind {
    /// The name a user reads.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Record => "审查记录",
            FileKind::Profile => "认证机构信息文件",
            FileKind::Scheme => "评分体系文件",
            FileKind::Template => "报告模板说明",
        }
    }

    /// The name in JSON: `record`, `profile`, `scheme`.
    pub fn key(self) -> &'static str {
        match self {
            FileKind::Record => "record",
            FileKind::Profile => "profile",
            FileKind::Scheme => "scheme",
            FileKind::Template => "template",
        }
    }
}

/// What a file plainly is, told by its top-level keys (lines that start with `key:`), which
/// is quick for thousands of files: a profile has a `post_code`, a scheme `groups` and
/// `levels`, a template's manifest `data_version` and `main`, none an `audit_type`.
/// Everything else — a record, a file that is neither, one that cannot be read as text —
/// counts as a record, so that a broken record is reported rather than passed over.
pub fn file_kind(file: &Path) -> FileKind {
    let Ok(bytes) = crate::base::files::read_regular(file, MAX_FILE_BYTES) else { return FileKind::Record };
    std::str::from_utf8(&bytes).map_or(FileKind::Record, text_kind)
}

/// [`file_kind`] of a file's text already read.
pub fn text_kind(text: &str) -> FileKind {
    let keys: std::collections::HashSet<&str> = text
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(key, _)| key.trim_end().trim_matches(['"', '\'']))
        .filter(|key| !key.is_empty() && !key.starts_with([' ', '\t', '#', '-']))
        .collect();
    if keys.contains("audit_type") {
        FileKind::Record
    } else if keys.contains("post_code") {
        FileKind::Profile
    } else if keys.contains("groups") && keys.contains("levels") {
        FileKind::Scheme
    } else if keys.contains("data_version") && keys.contains("main") {
        FileKind::Template
    } else {
        FileKind::Record
    }
}

/// Checks a CB profile or a scoring scheme file given on its own (`check cb-profile.yaml`): its
/// problems, none when it is what it should be. A record is checked by the pipeline.
pub fn check_companion(file: &Path, kind: FileKind) -> Vec<Diagnostic> {
    let source = match Source::read(file) {
        Ok(source) => source,
        Err(unreadable) => return vec![unreadable],
    };
    let problems = match kind {
        FileKind::Profile => Some(check_profile(&source)),
        FileKind::Scheme => scheme_from(&source).err(),
        // A template's manifest is checked where it is used, with its template.
        FileKind::Record | FileKind::Template => None,
    };
    problems.unwrap_or_default()
}

/// The problems of a CB profile (the files it names read from disk), as `check` finds them in
/// its file: none when it is what it should be.
pub fn check_profile(source: &Source) -> Vec<Diagnostic> {
    profile_from(source, &Disk).err().unwrap_or_default()
}

/// A path written in a record, taken relative to the record's folder.
pub fn resolve(record_file: &Path, name: &str) -> PathBuf {
    record_file.parent().unwrap_or(Path::new("")).join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_carriage_return_is_a_line_of_its_own() {
        let source = Source::new("r.yaml".into(), "a: 1\n\r\r\r\r\r\r  b: 2\r\nc: 3\r".into());
        assert_eq!(source.text, "a: 1\n\n\n\n\n\n\n  b: 2\r\nc: 3\n");
        let error = source.tree().unwrap_err();
        assert_eq!(error.line, 8, "{error}");
        assert_eq!(error.source_line.as_deref(), Some("  b: 2"));
    }

    #[test]
    fn profiles_and_schemes_are_told_from_records() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        assert_eq!(file_kind(&file("profile.yaml", "name: CB\npost_code: \"100000\"\n")), FileKind::Profile);
        assert_eq!(
            file_kind(&file("scheme.yaml", "# a scheme\ngroups:\n  - key: a\nlevels: []\n")),
            FileKind::Scheme
        );
        assert_eq!(
            file_kind(&file("record.yaml", "audit_type: initial\nprofile: cb.yaml\n")),
            FileKind::Record
        );
        assert_eq!(
            file_kind(&file("template.yaml", "# manifest\ndata_version: \"1.0\"\nmain: report.typ\n")),
            FileKind::Template
        );
        // A record that names its CB's post code inside a mapping is still a record.
        assert_eq!(file_kind(&file("nested.yaml", "client:\n  post_code: \"1\"\n")), FileKind::Record);
        // So is a file that is neither: it is reported if broken.
        assert_eq!(file_kind(&file("broken.yaml", "audit_type initial\n")), FileKind::Record);
    }

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
    fn a_confined_folder_is_never_left() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/r.yaml"), "x: 1").unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("a/out.yaml")).unwrap();
        let confined = Confined::new(dir.path());
        assert!(confined.record("a/r.yaml").is_ok());
        assert!(confined.record("a/../a/r.yaml").is_ok());
        for refused in ["../r.yaml", "a/../../r.yaml", "/etc/x.yaml", "a/out.yaml", "a/r.txt"] {
            assert!(confined.record(refused).is_err(), "{refused}");
        }
        let read = confined.read("profile", "r.yaml", Path::new("a/r.yaml")).unwrap();
        assert_eq!((read.file.as_path(), read.text.as_str()), (Path::new("a/r.yaml"), "x: 1"));
    }

    #[test]
    fn bytes_in_memory_are_held_to_the_rules_of_a_file() {
        let too_large = vec![b'#'; MAX_FILE_BYTES as usize + 1];
        assert!(Source::from_bytes("r.yaml".into(), too_large).unwrap_err().message.contains("文件过大"));
        assert!(
            Source::from_bytes("r.yaml".into(), vec![0xff, 0xfe, b'a'])
                .unwrap_err()
                .message
                .contains("UTF-16")
        );
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let d = &parse("profile: p.yaml\nproject_number: \"unclosed\naudit_type: initial\n")[0];
        assert_eq!((d.line, d.column), (2, 17), "{d:?}");
        assert!(d.message.starts_with("YAML 格式错误"), "{}", d.message);
    }
}
