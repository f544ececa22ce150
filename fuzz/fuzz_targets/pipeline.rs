//! Arbitrary text as a record, through the whole pipeline: load (YAML → record, profile,
//! scheme, previous record), validate, score, the glyph check against the embedded fonts, and —
//! for a record without errors — the report data, typesetting and PDF export, as `render` does.
//!
//! What `check` passes, `render` must export: a record without errors whose typesetting or
//! export fails is a crash (the panic names Typst's message). The engine (fonts, template,
//! standard library) is built once; `Engine::typeset` evicts typst's memoization cache after
//! every document, so memory stays flat over millions of inputs.
//!
//! The record is placed in `examples/`, so `profile: cb-profile.yaml` and the example record as
//! `previous:` resolve. Seed the corpus with `fuzz/seeds/`.

#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use certreport::load::Source;
use certreport::rules::pipeline;
use certreport::report::Engine;
use libfuzzer_sys::fuzz_target;

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::new(&[]).expect("the embedded fonts"));

static FILE: LazyLock<PathBuf> =
    LazyLock::new(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/fuzzed.yaml")));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(mut checked) = pipeline::check_source(Source::new(FILE.clone(), text.to_owned())) else { return };
    checked.check_glyphs(ENGINE.book());
    let _ = checked.sheet.table(&checked.loaded.scheme);
    for diagnostic in &checked.diagnostics {
        let _ = (diagnostic.to_string(), diagnostic.one_line());
    }
    if !checked.has_errors() {
        let view = checked.view();
        assert!(serde_json::from_slice::<serde_json::Value>(&view.to_json()).is_ok());
        let rendered = ENGINE
            .template_for(&checked.loaded)
            .map_err(|why| why.to_string())
            .and_then(|template| ENGINE.render(&template, &view).map_err(|why| why.to_string()));
        if let Err(message) = rendered {
            panic!("check passed, render failed: {message}");
        }
    }
});
