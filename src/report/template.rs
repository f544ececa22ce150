//! Report templates: the built-in one, embedded in the binary, or a certification body's own
//! folder (`template: templates/ourcb/` in its profile, or `--template DIR`).
//!
//! A template is held in memory whole, read once: its `.typ` files, its images and its
//! manifest (`template.yaml`, naming the data version it reads and its main file). Typst never
//! sees the disk: the report's World serves only these files and `/data.json` (see
//! [`super::world`]). Reading a folder is confined ([`ReportTemplate::load`]): only regular
//! files below it, no link followed or kept (a link could lead out of it, typst#5454), no
//! hidden entries (`.git`), at most [`MAX_FILES`] files of [`MAX_FILE_BYTES`] each and
//! [`MAX_TOTAL_BYTES`] in all, [`MAX_DEPTH`] folder levels.
//!
//! The data contract ([`DATA_VERSION`], `docs/report-data.md`, `certreport schema report-data`)
//! is versioned `MAJOR.MINOR`: a template declaring another major version, or a newer minor
//! one, is refused before anything is typeset, with a message that says which.
//!
//! Typst's errors and warnings are turned into [`TemplateDiagnostic`]s at the template's own
//! file, line and column, with Typst's message and hints.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use typst::World;
use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::Bytes;
use typst::syntax::{FileId, Source, VirtualPath, VirtualRoot};

use crate::base::diagnostic::{escape_controls, shown};
use crate::base::files::{self, ReadError};

/// A file id in the project root: where a template's file, the data and the assets it is
/// given live for Typst.
pub fn file_id(path: &str) -> FileId {
    try_file_id(path).expect("template paths are valid virtual paths")
}

/// A file id in the project root, if `path` is a valid virtual path.
pub fn try_file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(typst::syntax::RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// The version of the report data (`/data.json`) this program writes: `MAJOR.MINOR`. The
/// major version changes with every change that could break a template (a field removed,
/// renamed or given another type); the minor one when fields are added.
pub const DATA_VERSION: &str = "1.0";

/// The manifest of a template folder.
pub const MANIFEST: &str = "template.yaml";

/// Most files a template folder may hold.
pub const MAX_FILES: usize = 256;
/// Largest file of a template folder.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;
/// Largest template folder, all files together.
pub const MAX_TOTAL_BYTES: u64 = 32 * 1024 * 1024;
/// Deepest folder of a template folder, below it.
pub const MAX_DEPTH: usize = 8;

/// The built-in report template, split as `certreport template new` writes it: (path inside
/// the folder, text).
pub const BUILTIN: [(&str, &str); 11] = [
    (MANIFEST, include_str!("../../templates/report/template.yaml")),
    ("report.typ", include_str!("../../templates/report/report.typ")),
    ("style.typ", include_str!("../../templates/report/style.typ")),
    ("blocks.typ", include_str!("../../templates/report/blocks.typ")),
    ("cover.typ", include_str!("../../templates/report/cover.typ")),
    ("sections/1-basic.typ", include_str!("../../templates/report/sections/1-basic.typ")),
    ("sections/2-scores.typ", include_str!("../../templates/report/sections/2-scores.typ")),
    ("sections/3-overview.typ", include_str!("../../templates/report/sections/3-overview.typ")),
    ("sections/4-suggestions.typ", include_str!("../../templates/report/sections/4-suggestions.typ")),
    ("sections/5-certificate.typ", include_str!("../../templates/report/sections/5-certificate.typ")),
    ("sections/6-conclusion.typ", include_str!("../../templates/report/sections/6-conclusion.typ")),
];

/// `template.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// The data version the template reads: `"1.0"`.
    data_version: String,
    /// The file typesetting starts from.
    #[serde(default = "default_main")]
    main: String,
}

fn default_main() -> String {
    "report.typ".into()
}

/// Where a template comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the program.
    Builtin,
    /// A folder on disk (as given, made absolute).
    Folder(PathBuf),
}

/// A report template, in memory.
pub struct ReportTemplate {
    origin: Origin,
    main: FileId,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    fingerprint: u128,
}

/// Why a template cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The template folder, or the file in it, that is wrong.
    pub place: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "模板 {}：{}", self.place, self.message)
    }
}

impl ReportTemplate {
    /// The built-in template.
    pub fn builtin() -> ReportTemplate {
        let files: Vec<(String, Vec<u8>)> =
            BUILTIN.iter().map(|(path, text)| ((*path).to_owned(), text.as_bytes().to_vec())).collect();
        ReportTemplate::from_files(Origin::Builtin, files).expect("the built-in template is valid")
    }

    /// A built-in document of one file, without a manifest: the batch summary's.
    pub(super) fn single(main: &str, text: &str) -> ReportTemplate {
        let id = file_id(&format!("/{main}"));
        ReportTemplate {
            origin: Origin::Builtin,
            main: id,
            sources: HashMap::from([(id, Source::new(id, text.to_owned()))]),
            files: HashMap::from([(id, Bytes::from_string(text.to_owned()))]),
            fingerprint: typst::utils::hash128(&text),
        }
    }

    /// A template folder, read whole and confined (see the module's documentation).
    pub fn load(dir: &Path) -> Result<ReportTemplate, TemplateError> {
        let place = shown(dir);
        let fail = |message: String| TemplateError { place: place.clone(), message };
        let meta = std::fs::symlink_metadata(dir)
            .map_err(|e| fail(format!("无法读取（{}）", crate::base::diagnostic::io_reason(&e))))?;
        // The folder itself may be a link (the CB's choice); nothing below it may.
        let root = if meta.file_type().is_symlink() {
            dir.canonicalize().map_err(|_| fail("链接指向的文件夹不存在".into()))?
        } else {
            dir.to_owned()
        };
        if !root.is_dir() {
            return Err(fail("不是文件夹：模板应为一个文件夹（含 template.yaml 与 .typ 文件）".into()));
        }
        let mut files = Vec::new();
        let mut total = 0u64;
        // Hidden files and folders (`.git`) are not the template's.
        let visible = |entry: &walkdir::DirEntry| !entry.file_name().to_string_lossy().starts_with('.');
        let walk = walkdir::WalkDir::new(&root).follow_links(false).min_depth(1).max_depth(MAX_DEPTH + 1);
        for entry in walk.sort_by_file_name().into_iter().filter_entry(visible) {
            let entry = entry.map_err(|e| fail(format!("无法读取其中的文件（{e}）")))?;
            let relative = entry.path().strip_prefix(&root).expect("below the root").to_owned();
            let name = relative.to_string_lossy().into_owned();
            let at = |message: String| TemplateError { place: shown(&dir.join(&relative)), message };
            if entry.file_type().is_symlink() {
                return Err(at("模板中不允许链接（链接可能指向模板文件夹以外）：请放入文件本身".into()));
            }
            if entry.file_type().is_dir() {
                if entry.depth() > MAX_DEPTH {
                    return Err(at(format!("文件夹层次过深：模板中的文件夹不应超过 {MAX_DEPTH} 层")));
                }
                continue;
            }
            if !entry.file_type().is_file() {
                return Err(at("不是普通文件（是管道、设备等）：模板只能含普通文件".into()));
            }
            if files.len() == MAX_FILES {
                return Err(fail(format!("文件过多：模板文件夹最多含 {MAX_FILES} 个文件")));
            }
            let bytes = files::read_own(entry.path(), MAX_FILE_BYTES).map_err(|e| match e {
                ReadError::TooLarge(size) => {
                    at(format!("文件过大（{size} 字节）：模板中的文件不应超过 {} MiB", MAX_FILE_BYTES >> 20))
                }
                ReadError::NotRegular => at("不是普通文件：模板只能含普通文件".into()),
                ReadError::Io(e) => at(format!("无法读取（{}）", crate::base::diagnostic::io_reason(&e))),
            })?;
            total += bytes.len() as u64;
            if total > MAX_TOTAL_BYTES {
                return Err(fail(format!(
                    "模板文件夹过大：所有文件合计不应超过 {} MiB",
                    MAX_TOTAL_BYTES >> 20
                )));
            }
            files.push((name, bytes));
        }
        ReportTemplate::from_files(Origin::Folder(crate::base::files::absolute(dir)), files).map_err(
            |(file, message)| TemplateError {
                place: match file {
                    Some(file) => shown(&dir.join(file)),
                    None => place.clone(),
                },
                message,
            },
        )
    }

    /// A template from its files: (path inside the folder with `/` between folders, bytes).
    /// `Err((file, why))`.
    fn from_files(
        origin: Origin,
        mut files: Vec<(String, Vec<u8>)>,
    ) -> Result<ReportTemplate, (Option<String>, String)> {
        files.sort();
        let fingerprint = typst::utils::hash128(&files);
        let manifest_bytes = files
            .iter()
            .find(|(name, _)| name == MANIFEST)
            .map(|(_, bytes)| bytes)
            .ok_or_else(|| (None, format!("缺少 {MANIFEST}：模板文件夹应含说明其数据版本的 {MANIFEST}（可用 certreport template new 生成一个模板）")))?;
        let manifest = parse_manifest(manifest_bytes).map_err(|why| (Some(MANIFEST.to_owned()), why))?;
        check_version(&manifest.data_version).map_err(|why| (Some(MANIFEST.to_owned()), why))?;
        let mut sources = HashMap::new();
        let mut served = HashMap::new();
        for (name, bytes) in files {
            let Some(id) = try_file_id(&format!("/{name}")) else {
                return Err((Some(name), "文件名无法作为模板中的路径".into()));
            };
            if name.ends_with(".typ") {
                let text = String::from_utf8(bytes.clone())
                    .map_err(|_| (Some(name.clone()), "不是 UTF-8 编码的文本".to_owned()))?;
                sources.insert(id, Source::new(id, text));
            }
            served.insert(id, Bytes::new(bytes));
        }
        let main = try_file_id(&format!("/{}", manifest.main.trim_start_matches('/')));
        let Some(main) = main.filter(|main| sources.contains_key(main)) else {
            return Err((
                Some(MANIFEST.to_owned()),
                format!(
                    "main 指定的主文件 {} 不在模板中（应为模板中的一个 .typ 文件）",
                    escape_controls(&manifest.main)
                ),
            ));
        };
        Ok(ReportTemplate { origin, main, sources, files: served, fingerprint })
    }

    /// Where the template comes from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The template's files on disk (none for the built-in one).
    pub fn disk_files(&self) -> Vec<PathBuf> {
        match &self.origin {
            Origin::Builtin => Vec::new(),
            Origin::Folder(dir) => {
                self.files.keys().map(|id| dir.join(id.get().vpath().get_without_slash())).collect()
            }
        }
    }

    /// A hash of every file of the template: a report made with it is made again when it
    /// changes.
    pub fn fingerprint(&self) -> u128 {
        self.fingerprint
    }

    /// The file typesetting starts from.
    pub fn main(&self) -> FileId {
        self.main
    }

    /// A `.typ` file of the template.
    pub fn source(&self, id: FileId) -> Option<&Source> {
        self.sources.get(&id)
    }

    /// Any file of the template, as bytes.
    pub fn file(&self, id: FileId) -> Option<&Bytes> {
        self.files.get(&id)
    }

    /// The path a diagnostic names for a file of the template: the folder's file on disk, or
    /// `内置模板 sections/1-basic.typ`.
    fn place_of(&self, id: FileId) -> String {
        let inside = id.get().vpath().get_without_slash().to_owned();
        match &self.origin {
            Origin::Builtin => format!("内置模板 {inside}"),
            Origin::Folder(dir) => shown(&dir.join(inside)),
        }
    }

    /// Typst's diagnostics as the template's: each at its file, line and column.
    pub fn diagnostics(
        &self,
        world: &dyn World,
        diagnostics: &[SourceDiagnostic],
    ) -> Vec<TemplateDiagnostic> {
        diagnostics
            .iter()
            .map(|d| {
                let (file, line, column) = match d.span.id() {
                    Some(id) => {
                        let position = world.range(d.span).and_then(|range| {
                            world.source(id).ok()?.lines().byte_to_line_column(range.start)
                        });
                        match position {
                            Some((line, column)) => (Some(self.place_of(id)), line + 1, column + 1),
                            None => (Some(self.place_of(id)), 0, 0),
                        }
                    }
                    None => (None, 0, 0),
                };
                TemplateDiagnostic {
                    error: d.severity == Severity::Error,
                    file,
                    line,
                    column,
                    message: escape_controls(&d.message).into_owned(),
                    hints: d.hints.iter().map(|h| escape_controls(&h.v).into_owned()).collect(),
                }
            })
            .collect()
    }
}

fn parse_manifest(bytes: &[u8]) -> Result<Manifest, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "不是 UTF-8 编码的文本".to_owned())?;
    serde_saphyr::from_str::<Manifest>(text).map_err(|e| {
        format!(
            "无法读取（{}）：应为 data_version: \"{DATA_VERSION}\"，可另写 main: report.typ",
            escape_controls(&e.to_string())
        )
    })
}

/// Refuses a data version the program does not write.
fn check_version(declared: &str) -> Result<(), String> {
    let parse = |v: &str| -> Option<(u32, u32)> {
        let (major, minor) = v.trim().split_once('.').unwrap_or((v.trim(), "0"));
        Some((major.parse().ok()?, minor.parse().ok()?))
    };
    let ours = parse(DATA_VERSION).expect("DATA_VERSION is MAJOR.MINOR");
    let Some(theirs) = parse(declared) else {
        return Err(format!(
            "data_version “{}” 不是版本号：应为“主版本.次版本”，如 \"{DATA_VERSION}\"",
            escape_controls(declared)
        ));
    };
    if theirs.0 != ours.0 {
        return Err(format!(
            "模板按报告数据版本 {}.{} 编写，本程序提供的报告数据为 {DATA_VERSION} 版：主版本不同，数据结构不兼容，拒绝使用。请按 docs/report-data.md 改写模板，并将 data_version 改为 \"{DATA_VERSION}\"（或用 certreport template new 重新生成模板）",
            theirs.0, theirs.1
        ));
    }
    if theirs.1 > ours.1 {
        return Err(format!(
            "模板需要报告数据版本 {}.{}，本程序只提供 {DATA_VERSION} 版：请升级 certreport",
            theirs.0, theirs.1
        ));
    }
    Ok(())
}

/// A Typst error or warning, as the template's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateDiagnostic {
    pub error: bool,
    /// The template's file (`None`: Typst named no file).
    pub file: Option<String>,
    /// From 1; 0 when unknown.
    pub line: usize,
    pub column: usize,
    /// Typst's message (in English).
    pub message: String,
    /// Typst's hints.
    pub hints: Vec<String>,
}

impl fmt::Display for TemplateDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) if self.line > 0 => write!(f, "{file}:{}:{}: ", self.line, self.column)?,
            Some(file) => write!(f, "{file}: ")?,
            None => {}
        }
        let kind = if self.error { "模板错误" } else { "模板警告" };
        write!(f, "{kind}：{}（Typst 的说明）", self.message)?;
        for hint in &self.hints {
            write!(f, "\n  提示：{hint}")?;
        }
        Ok(())
    }
}

/// Writes the built-in template's files into `dir`, a new or empty folder: a copy to start a
/// template of one's own from. Returns the files written.
pub fn write_copy(dir: &Path) -> Result<Vec<PathBuf>, TemplateError> {
    let fail = |message: String| TemplateError { place: shown(dir), message };
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| fail(format!("无法读取（{}）", crate::base::diagnostic::io_reason(&e))))?
            .next()
            .is_none();
        if !empty {
            return Err(fail("文件夹已存在且不是空的：为免覆盖，请指定一个新的文件夹".into()));
        }
    }
    let mut written = Vec::new();
    for (name, text) in BUILTIN {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| TemplateError {
                place: shown(parent),
                message: format!("无法创建文件夹（{}）", crate::base::diagnostic::io_reason(&e)),
            })?;
        }
        std::fs::write(&path, text).map_err(|e| TemplateError {
            place: shown(&path),
            message: format!("无法写入（{}）", crate::base::diagnostic::io_reason(&e)),
        })?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_another_major_or_a_newer_minor_are_refused() {
        assert!(check_version(DATA_VERSION).is_ok());
        assert!(check_version("1").is_ok());
        let other = check_version("2.0").unwrap_err();
        assert!(other.contains("主版本不同") && other.contains("2.0"), "{other}");
        assert!(check_version("1.9").unwrap_err().contains("请升级"));
        assert!(check_version("latest").unwrap_err().contains("不是版本号"));
    }

    #[test]
    fn a_folder_is_read_confined() {
        let dir = tempfile::tempdir().unwrap();
        write_copy(dir.path()).unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join(".git/HEAD"), "ref").unwrap();
        let template = ReportTemplate::load(dir.path()).unwrap();
        assert_eq!(template.disk_files().len(), BUILTIN.len(), "hidden files are not the template's");
        assert_eq!(
            template.fingerprint(),
            ReportTemplate::builtin().fingerprint(),
            "the copy is the built-in one"
        );
        let big = std::fs::File::create(dir.path().join("big.png")).unwrap();
        big.set_len(MAX_FILE_BYTES + 1).unwrap();
        let error = ReportTemplate::load(dir.path()).err().unwrap();
        assert!(error.place.ends_with("big.png") && error.message.contains("文件过大"), "{error}");
        std::fs::remove_file(dir.path().join("big.png")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("sections/p.typ")).unwrap();
        let error = ReportTemplate::load(dir.path()).err().unwrap();
        assert!(error.message.contains("不允许链接"), "{error}");
    }

    #[test]
    fn the_builtin_template_declares_this_version_and_has_its_main_file() {
        let template = ReportTemplate::builtin();
        assert_eq!(template.origin(), &Origin::Builtin);
        assert!(template.source(template.main()).is_some());
    }
}
