//! Fonts: the Noto CJK collections compiled into the binary, plus any `--font-path` folders.
//!
//! One [`FontSet`] serves every report of a process. Faces are indexed once (their metadata
//! goes into the font book) and each face is parsed only when a document first asks for it.
//! Embedded data lives in the binary's read-only pages, which the OS maps lazily; fonts from
//! disk are memory-mapped, never read whole, and a collection's faces share one map.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::base::diagnostic::io_reason;
use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;

/// The embedded collections: body text in Noto Serif CJK (宋体 role), headings in Noto Sans
/// CJK (黑体 role). See `fonts/README.md`.
static EMBEDDED: [&[u8]; 4] = [
    include_bytes!("../../fonts/NotoSerifCJK-Regular.ttc"),
    include_bytes!("../../fonts/NotoSerifCJK-Bold.ttc"),
    include_bytes!("../../fonts/NotoSansCJK-Regular.ttc"),
    include_bytes!("../../fonts/NotoSansCJK-Bold.ttc"),
];

/// The faces of an embedded collection that the templates use: those of the families
/// [`SERIF`] and [`SANS`]. The collections' other faces (JP, KR, TC, HK, Mono) hold the same
/// glyphs with other regional forms, so leaving them out of the book loses no character and
/// spares indexing them — most of the start-up time of every command.
fn template_faces(data: &[u8]) -> impl Iterator<Item = u32> + '_ {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    (0..count).filter(move |&index| {
        let Ok(face) = ttf_parser::Face::parse(data, index) else { return false };
        face.names().into_iter().any(|name| {
            name.name_id == ttf_parser::name_id::FAMILY
                && name.to_string().is_some_and(|family| family == SERIF || family == SANS)
        })
    })
}

/// The font family for body text.
pub const SERIF: &str = "Noto Serif CJK SC";
/// The font family for the title, headings and tables.
pub const SANS: &str = "Noto Sans CJK SC";

/// One face of a font file, parsed on first use.
struct Slot {
    data: Bytes,
    index: u32,
    font: OnceLock<Option<Font>>,
}

/// The fonts every report of a process shares.
pub struct FontSet {
    book: LazyHash<FontBook>,
    slots: Vec<Slot>,
    /// How many of the slots, the first ones, are embedded faces.
    embedded: usize,
    warnings: Vec<String>,
    /// A hash of the `--font-path` files used: their paths, sizes and modification times.
    disk_identity: u128,
}

/// What identifies a font file's version: its path, size and modification time.
fn font_file_identity(file: &Path) -> (PathBuf, u64, Option<std::time::SystemTime>) {
    let meta = std::fs::metadata(file).ok();
    (file.to_owned(), meta.as_ref().map_or(0, |m| m.len()), meta.and_then(|m| m.modified().ok()))
}

/// Most faces a collection may hold: real ones hold a few dozen at most.
const MAX_FACES: u64 = 1024;

/// Memory-maps a font file found in a `--font-path` folder, if it is a regular file whose
/// collection header (if any) fits its size: a 12-byte `.ttc` claiming four billion faces is
/// refused at once instead of being parsed four billion times.
fn map_font_file(file: &Path) -> Result<Bytes, String> {
    let opened =
        crate::base::files::open_regular(file).map_err(|e| format!("无法读取（{}）", io_reason(&e)))?;
    // SAFETY: font files are read-only inputs; like every font loader that maps them
    // (typst-kit, fontdb), we assume nobody truncates them while we render.
    let map = unsafe { memmap2::Mmap::map(&opened) }.map_err(|e| format!("无法读取（{}）", io_reason(&e)))?;
    check_collection(&map)?;
    Ok(Bytes::new(map))
}

/// A collection (`ttcf`) header names its face count and then one 4-byte offset per face,
/// each of which must lie inside the file.
fn check_collection(data: &[u8]) -> Result<(), String> {
    if !data.starts_with(b"ttcf") {
        return Ok(());
    }
    let count = data.get(8..12).map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    let room = (data.len() as u64).saturating_sub(12) / 4;
    if u64::from(count) > room || u64::from(count) > MAX_FACES {
        return Err(format!("字体集的文件头声称含 {count} 个字体，文件大小（{} 字节）容纳不下", data.len()));
    }
    let offsets = data[12..12 + 4 * count as usize].chunks_exact(4);
    if offsets.map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])).any(|o| o as usize >= data.len()) {
        return Err("字体集中字体的位置超出了文件".into());
    }
    Ok(())
}

impl FontSet {
    /// The embedded fonts, then every font file found (recursively) in `dirs`.
    pub fn new(dirs: &[PathBuf]) -> Result<FontSet, String> {
        let mut faces: Vec<(Bytes, u32, FontInfo)> = Vec::new();
        for data in EMBEDDED.map(Bytes::new) {
            for index in template_faces(&data) {
                if let Some(info) = FontInfo::new(&data, index) {
                    faces.push((data.clone(), index, info));
                }
            }
        }
        let embedded = faces.len();
        let mut warnings = Vec::new();
        let mut identity = Vec::new();
        for dir in dirs {
            if !dir.is_dir() {
                return Err(format!("字体目录 {} 不存在或不是目录", dir.display()));
            }
            let found = crate::base::files::find(dir, &["ttf", "otf", "ttc", "otc"]);
            warnings.extend(found.passed_over);
            for file in found.files {
                match map_font_file(&file) {
                    Ok(data) => {
                        identity.push(font_file_identity(&file));
                        for (index, info) in FontInfo::iter(&data).enumerate() {
                            faces.push((data.clone(), index as u32, info));
                        }
                    }
                    Err(why) => warnings.push(format!("跳过字体文件 {}：{why}", file.display())),
                }
            }
        }
        let mut book = FontBook::new();
        let mut slots = Vec::with_capacity(faces.len());
        for (data, index, info) in faces {
            book.push(info);
            slots.push(Slot { data, index, font: OnceLock::new() });
        }
        let disk_identity = typst::utils::hash128(&identity);
        Ok(FontSet { book: LazyHash::new(book), slots, embedded, warnings, disk_identity })
    }

    /// A hash that changes when a `--font-path` font file is added, removed or changed.
    pub fn disk_identity(&self) -> u128 {
        self.disk_identity
    }

    /// The font files of the `--font-path` folders that were passed over, and why.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    /// The face at `index` of the book; `None` for an index out of bounds.
    pub fn font(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        slot.font.get_or_init(|| Font::new(slot.data.clone(), slot.index)).clone()
    }

    /// Makes embedded faces ready for use: parsed, and their data hashed (Typst's caches key on
    /// a hash of the whole font file, about 20 ms per collection). Does the `part`th of every
    /// `parts` faces, so that the workers of a batch share this start-up work.
    pub fn prepare(&self, part: usize, parts: usize) {
        for index in (part..self.embedded).step_by(parts.max(1)) {
            if let Some(font) = self.font(index) {
                typst::utils::hash128(&font);
            }
        }
    }

    /// How many faces the book holds.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fonts_are_the_template_families_in_both_weights() {
        let fonts = FontSet::new(&[]).unwrap();
        let fonts = &fonts;
        let mut faces: Vec<(String, u16)> = fonts
            .book()
            .families()
            .flat_map(|(family, infos)| {
                infos.map(move |index| {
                    (family.to_owned(), fonts.font(index).unwrap().info().variant.weight.to_number())
                })
            })
            .collect();
        faces.sort();
        let expected = [(SANS, 400), (SANS, 700), (SERIF, 400), (SERIF, 700)];
        assert_eq!(faces, expected.map(|(family, weight)| (family.to_owned(), weight)));
    }

    #[test]
    fn a_collection_larger_than_its_file_is_refused() {
        let mut bogus = b"ttcf\0\x01\0\0".to_vec();
        bogus.extend(u32::MAX.to_be_bytes());
        assert!(check_collection(&bogus).unwrap_err().contains("4294967295"));
        let mut two = b"ttcf\0\x01\0\0\0\0\0\x02".to_vec();
        two.extend([0, 0, 0, 20, 0, 0, 0, 20, 0, 0, 0, 0]);
        assert!(check_collection(&two).is_ok());
        assert!(check_collection(EMBEDDED[0]).is_ok());
    }
}
