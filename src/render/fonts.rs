//! Fonts: the Noto CJK collections compiled into the binary, plus any `--font-path` folders.
//!
//! One [`FontSet`] serves every report of a process. Faces are indexed once (their metadata
//! goes into the font book) and each face is parsed only when a document first asks for it.
//! Embedded data lives in the binary's read-only pages, which the OS maps lazily; fonts from
//! disk are memory-mapped, never read whole, and a collection's faces share one map.

use std::fs::File;
use std::path::PathBuf;
use std::sync::OnceLock;

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
}

impl FontSet {
    /// The embedded fonts, then every font file found (recursively) in `dirs`.
    pub fn new(dirs: &[PathBuf]) -> Result<FontSet, String> {
        let mut sources: Vec<Bytes> = EMBEDDED.iter().map(|data| Bytes::new(*data)).collect();
        for dir in dirs {
            if !dir.is_dir() {
                return Err(format!("字体目录 {} 不存在或不是目录", dir.display()));
            }
            for file in crate::files::find(dir, &["ttf", "otf", "ttc", "otc"]) {
                // A file that cannot be mapped is skipped, as font searchers do.
                // SAFETY: font files are read-only inputs; like every font loader that maps
                // them (typst-kit, fontdb), we assume nobody truncates them while we render.
                if let Ok(map) = File::open(&file).and_then(|f| unsafe { memmap2::Mmap::map(&f) }) {
                    sources.push(Bytes::new(map));
                }
            }
        }
        let mut book = FontBook::new();
        let mut slots = Vec::new();
        for data in sources {
            for (index, info) in FontInfo::iter(&data).enumerate() {
                book.push(info);
                slots.push(Slot { data: data.clone(), index: index as u32, font: OnceLock::new() });
            }
        }
        Ok(FontSet { book: LazyHash::new(book), slots })
    }

    pub fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    /// The face at `index` of the book; `None` for an index out of bounds.
    pub fn font(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        slot.font.get_or_init(|| Font::new(slot.data.clone(), slot.index)).clone()
    }

    /// How many faces the book holds.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}
