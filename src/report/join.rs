//! Joins PDFs page after page into one file.
//!
//! A long document — the 汇总表 of a batch of thousands of records — is typeset and exported in
//! parts, and only each part's PDF bytes are kept, not its layout: memory grows with the size
//! of the PDF (about 100 bytes a row), not with that of Typst's frames (tens of kilobytes a
//! row). The pages are copied with their resources by `hayro-write`, the page extraction that
//! Typst's own PDF export uses to embed PDF images; each part becomes one node of the joined
//! page tree.
//!
//! Parts must be exported untagged: a copied page does not bring the structure tree along.

use hayro_write::hayro_syntax::Pdf as SourcePdf;
use hayro_write::{ChunkSettings, ExtractionQuery};
use pdf_writer::writers::Group;
use pdf_writer::{Pdf, Ref, TextStr};

use super::CREATOR;
use crate::base::date::Date;

/// What the joined file says about itself: its /Info dictionary.
pub struct JoinedInfo<'a> {
    pub title: &'a str,
    pub date: Date,
    /// Stable identity of the document (hashed into the file ID).
    pub ident: &'a str,
}

/// A PDF being assembled from parts.
pub struct PdfJoiner {
    pdf: Pdf,
    next: Ref,
    /// The root of the page tree; each part's own node hangs below it.
    root: Ref,
    parts: Vec<Ref>,
    pages: usize,
}

impl Default for PdfJoiner {
    fn default() -> Self {
        let mut next = Ref::new(1);
        let root = next.bump();
        PdfJoiner { pdf: Pdf::new(), next, root, parts: Vec::new(), pages: 0 }
    }
}

impl PdfJoiner {
    /// Appends every page of `part`, a PDF as Typst exports it.
    pub fn append(&mut self, part: Vec<u8>) -> Result<(), String> {
        let source = SourcePdf::new(part).map_err(|e| format!("无法读取分段 PDF：{e:?}"))?;
        let queries: Vec<ExtractionQuery> =
            (0..source.pages().len()).map(ExtractionQuery::new_page).collect();
        let next = &mut self.next;
        let extracted = hayro_write::extract(
            &source,
            Box::new(|| next.bump()),
            ChunkSettings::default(),
            // Only used for pages extracted as XObjects.
            |_: &mut Group<'_>| {},
            &queries,
        )
        .map_err(|e| format!("无法复制分段 PDF 的页面：{e:?}"))?;
        let pages = extracted
            .root_refs
            .into_iter()
            .collect::<Result<Vec<Ref>, _>>()
            .map_err(|e| format!("无法复制分段 PDF 的页面：{e:?}"))?;
        let node = extracted.page_tree_parent_ref;
        self.pdf.pages(node).parent(self.root).kids(pages.iter().copied()).count(page_count(pages.len()));
        self.pdf.extend(&extracted.chunk);
        self.parts.push(node);
        self.pages += pages.len();
        Ok(())
    }

    /// How many pages the parts appended so far have.
    pub fn page_count(&self) -> usize {
        self.pages
    }

    /// The joined PDF.
    pub fn finish(mut self, info: &JoinedInfo) -> Vec<u8> {
        let catalog = self.next.bump();
        let info_ref = self.next.bump();
        self.pdf.pages(self.root).kids(self.parts.iter().copied()).count(page_count(self.pages));
        {
            let mut catalog = self.pdf.catalog(catalog);
            catalog.pages(self.root).lang(TextStr("zh-CN"));
            catalog.viewer_preferences().display_doc_title(true);
        }
        let date = pdf_writer::Date::new(info.date.year())
            .month(info.date.month())
            .day(info.date.day())
            .hour(0)
            .minute(0)
            .second(0)
            .utc_offset_hour(0)
            .utc_offset_minute(0);
        self.pdf
            .document_info(info_ref)
            .title(TextStr(info.title))
            .creator(TextStr(CREATOR))
            .creation_date(date)
            .modified_date(date)
            .producer(TextStr(CREATOR));
        let id = typst::utils::hash128(&info.ident).to_be_bytes().to_vec();
        self.pdf.set_file_id((id.clone(), id));
        self.pdf.finish()
    }
}

fn page_count(pages: usize) -> i32 {
    i32::try_from(pages).unwrap_or(i32::MAX)
}
