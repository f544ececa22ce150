//! Where a rendered report goes: one PDF, or one PNG image per page (page previews).
//!
//! An output path ending in `.png` asks for images. As with the typst command line, the path
//! is a pattern: `{p}` is replaced by the page number, `{0p}` by the page number padded with
//! zeros to the width of the page count, `{t}` by the page count (`pages/p-{0p}.png`). A
//! report has several pages, so a PNG path without `{p}` or `{0p}` is refused before anything
//! is rendered, and so is one with the page number in a folder (`a/{p}/../p.png` would write
//! every page to one file): each page is a file of its own. The folder of the PDF or of the
//! pages is created when missing. Every file is written atomically
//! ([`crate::base::output::write_atomic`]), and only once every page has been rendered.

use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use typst::utils::Scalar;
use typst_layout::PagedDocument;
use typst_render::RenderOptions;

use super::Engine;
use super::view::ReportView;
use crate::base::diagnostic::{escape_controls, io_reason, shown};
use crate::base::output::{self, Kind, OutputError};

/// Pixels per inch of page previews unless asked otherwise.
pub const DEFAULT_PPI: f32 = 144.0;

/// The highest resolution accepted: an A4 page at 600 ppi is already a 140 MB pixel buffer.
pub const MAX_PPI: f32 = 600.0;

/// What a rendered report becomes.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// One PDF file.
    Pdf(PathBuf),
    /// One PNG file per page, named by a pattern with `{p}`, `{0p}` or `{t}`.
    Png { pattern: String, ppi: f32 },
}

impl Target {
    /// The target an output path names: PNG pages for a path ending in `.png`, else a PDF.
    /// `ppi` applies to PNG pages only.
    pub fn from_path(path: PathBuf, ppi: f32) -> Result<Target, String> {
        let is_png = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"));
        if !is_png {
            // A report named like a record or anything else is a slip of the keyboard.
            if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
                return Err(format!("输出文件 {} 应以 .pdf（或页面图片 .png）结尾", shown(&path)));
            }
            return Ok(Target::Pdf(path));
        }
        let pattern = path
            .to_str()
            .ok_or_else(|| format!("输出路径不是有效的 UTF-8 文字：{}", path.display()))?
            .to_owned();
        let numbered = |text: &str| text.contains("{p}") || text.contains("{0p}");
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let folder = path.parent().and_then(Path::to_str).unwrap_or_default();
        if !numbered(name) || numbered(folder) {
            return Err(format!(
                "报告有多页，PNG 输出路径的文件名（而非文件夹）须含页码占位符 {{p}} 或 {{0p}}，如 pages/p-{{p}}.png（现为 {}）",
                escape_controls(&pattern)
            ));
        }
        if !(ppi.is_finite() && (1.0..=MAX_PPI).contains(&ppi)) {
            return Err(format!("分辨率 --ppi {ppi} 超出范围：应为 1 到 {MAX_PPI} 之间的数"));
        }
        Ok(Target::Png { pattern, ppi })
    }

    /// Typesets the report and writes it, never over one of `inputs` (the record and the files
    /// it names) nor over a file of another kind ([`output::guard`]); returns the files written.
    pub fn write(
        &self,
        engine: &Engine,
        view: &ReportView,
        inputs: &[&Path],
    ) -> Result<Vec<PathBuf>, WriteError> {
        match self {
            Target::Pdf(path) => {
                self.guard_inputs(inputs)?;
                let pdf = engine.render(view).map_err(WriteError::Render)?;
                create_folder(path)?;
                output::write_guarded(path, &pdf, inputs, Kind::Pdf)?;
                Ok(vec![path.clone()])
            }
            Target::Png { pattern, ppi } => {
                let document = engine.typeset_report(view).map_err(WriteError::Render)?;
                let pages = png_pages(&document, *ppi).map_err(WriteError::Render)?;
                let paths = page_paths(pattern, pages.len());
                for path in &paths {
                    output::guard(path, inputs, Kind::Png)?;
                }
                for (path, png) in paths.iter().zip(&pages) {
                    create_folder(path)?;
                    output::write_guarded(path, png, inputs, Kind::Png)?;
                }
                Ok(paths)
            }
        }
    }

    /// Checks, before anything is rendered, that a PDF target is none of `inputs` nor a file of
    /// another kind (the pages of a PNG target are known only once rendered).
    pub fn guard_inputs(&self, inputs: &[&Path]) -> Result<(), OutputError> {
        match self {
            Target::Pdf(path) => output::guard(path, inputs, Kind::Pdf),
            Target::Png { .. } => Ok(()),
        }
    }
}

/// Creates the missing folder of an output file.
fn create_folder(path: &Path) -> Result<(), WriteError> {
    match path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        Some(dir) => std::fs::create_dir_all(dir).map_err(|err| WriteError::Io(dir.to_owned(), err)),
        None => Ok(()),
    }
}

/// Why a report could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// Typesetting or encoding failed (a template error).
    Render(String),
    /// A folder could not be made.
    Io(PathBuf, std::io::Error),
    /// The output is an input, or a file of another kind, or could not be written.
    Output(OutputError),
}

impl From<OutputError> for WriteError {
    fn from(error: OutputError) -> WriteError {
        WriteError::Output(error)
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Render(why) => f.write_str(why),
            WriteError::Io(path, err) => write!(f, "无法创建文件夹 {}：{}", shown(path), io_reason(err)),
            WriteError::Output(error) => error.fmt(f),
        }
    }
}

/// The files written, for a message: `a.pdf`, or `p-1.png … p-8.png（8 页）`.
pub fn describe_written(files: &[PathBuf]) -> String {
    match files {
        [first, _, ..] => {
            format!("{} … {}（{} 页）", first.display(), files[files.len() - 1].display(), files.len())
        }
        [one] => one.display().to_string(),
        [] => String::new(),
    }
}

/// Every page of a document as PNG bytes, at `ppi` pixels per inch.
pub fn png_pages(document: &PagedDocument, ppi: f32) -> Result<Vec<Vec<u8>>, String> {
    let options = RenderOptions { pixel_per_pt: Scalar::new(f64::from(ppi) / 72.0), render_bleed: false };
    document
        .pages()
        .par_iter()
        .map(|page| {
            typst_render::render(page, &options).encode_png().map_err(|err| format!("PNG 编码失败：{err}"))
        })
        .collect()
}

/// The file of each of `count` pages under a pattern with `{p}`, `{0p}` and `{t}`.
pub fn page_paths(pattern: &str, count: usize) -> Vec<PathBuf> {
    let width = count.to_string().len();
    (1..=count)
        .map(|page| {
            let path = pattern
                .replace("{0p}", &format!("{page:0width$}"))
                .replace("{p}", &page.to_string())
                .replace("{t}", &count.to_string());
            PathBuf::from(path)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_numbered_as_the_typst_cli_does() {
        let names = page_paths("out/p-{p}-of-{t}.png", 2);
        assert_eq!(names, [PathBuf::from("out/p-1-of-2.png"), PathBuf::from("out/p-2-of-2.png")]);
        let padded = page_paths("p{0p}.png", 12);
        assert_eq!(padded[0], PathBuf::from("p01.png"));
        assert_eq!(padded[11], PathBuf::from("p12.png"));
    }

    #[test]
    fn the_extension_chooses_the_format() {
        assert_eq!(Target::from_path("a.pdf".into(), DEFAULT_PPI), Ok(Target::Pdf("a.pdf".into())));
        assert_eq!(
            Target::from_path("p-{p}.PNG".into(), 72.0),
            Ok(Target::Png { pattern: "p-{p}.PNG".into(), ppi: 72.0 })
        );
    }

    #[test]
    fn a_png_path_needs_a_page_number_and_a_sane_resolution() {
        let err = Target::from_path("page.png".into(), DEFAULT_PPI).unwrap_err();
        assert!(err.contains("{p}"), "{err}");
        let err = Target::from_path("p-{p}.png".into(), 0.0).unwrap_err();
        assert!(err.contains("--ppi"), "{err}");
        assert!(Target::from_path("p-{p}.png".into(), f32::NAN).is_err());
        let err = Target::from_path("a/{p}/../same.png".into(), DEFAULT_PPI).unwrap_err();
        assert!(err.contains("文件名（而非文件夹）"), "{err}");
        assert!(Target::from_path("{t}/p-{0p}.png".into(), DEFAULT_PPI).is_ok());
    }
}
