//! Arbitrary text as a record, through every stage before typesetting: load (YAML → record,
//! profile, scheme, previous record), validate, score, the glyph check against the embedded
//! fonts, and — for a record without errors — the report data the template receives.
//!
//! The record is placed in `examples/`, so `profile: cb-profile.yaml` and the example record as
//! `previous:` resolve. Seed the corpus with `fuzz/seeds/`.

#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use certreport::load::Source;
use certreport::rules::pipeline;
use certreport::base::fonts::FontSet;
use libfuzzer_sys::fuzz_target;

static FONTS: LazyLock<FontSet> = LazyLock::new(|| FontSet::new(&[]).expect("the embedded fonts"));

static FILE: LazyLock<PathBuf> =
    LazyLock::new(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fuzzed.yaml")));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(mut checked) = pipeline::check_source(Source::new(FILE.clone(), text.to_owned())) else { return };
    checked.check_glyphs(FONTS.book());
    let _ = checked.sheet.table(&checked.loaded.scheme);
    for diagnostic in &checked.diagnostics {
        let _ = (diagnostic.to_string(), diagnostic.one_line());
    }
    if !checked.has_errors() {
        let json = checked.view().to_json();
        assert!(serde_json::from_slice::<serde_json::Value>(&json).is_ok());
    }
});
