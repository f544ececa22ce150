//! Arbitrary bytes as the body of a `certreport serve` request, through the service's own
//! parsing: [`input::parse`] (multipart/form-data or the JSON `{"path"}` form, by the content
//! type the first byte picks), then, for an upload, the record through the loader with the
//! uploaded files as its files ([`Uploads`]), validated, scored and glyph-checked — what a
//! worker does before typesetting — and the check document the server answers. Any panic is a
//! crash; errors are the expected outcome of most inputs.
//!
//! Seeds: `fuzz/seeds-serve/` (a multipart body with the example record and its
//! profile, and a JSON body).

#![no_main]

use std::sync::LazyLock;

use certreport::app::serve::input::{self, Input, Uploads};
use certreport::load::Source;
use certreport::base::fonts::FontSet;
use certreport::rules::{check, pipeline};
use libfuzzer_sys::fuzz_target;

static FONTS: LazyLock<FontSet> = LazyLock::new(|| FontSet::new(&[]).expect("the embedded fonts"));

static RUNTIME: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_current_thread().build().expect("a runtime"));

/// The content types the first byte chooses among: the boundary of the seeds, others, none.
const CONTENT_TYPES: [&str; 6] = [
    "multipart/form-data; boundary=fuzz",
    "multipart/form-data; boundary=\"fuzz\"; charset=utf-8",
    "multipart/form-data",
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
];

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else { return };
    let content_type = CONTENT_TYPES[usize::from(first) % CONTENT_TYPES.len()];
    let parsed = RUNTIME.block_on(input::parse(Some(content_type), bytes::Bytes::copy_from_slice(body)));
    let Ok(Input::Upload(upload)) = parsed else { return };
    let file = upload.record_file();
    let result = Source::from_bytes(file.clone(), upload.record.bytes.clone())
        .map_err(certreport::load::LoadError::Unreadable)
        .and_then(|source| pipeline::check_source_from(source, FONTS.book(), &Uploads::new(upload)));
    let document = check::to_json([(file.as_path(), &result)]);
    assert!(serde_json::from_str::<serde_json::Value>(&document).is_ok());
});
