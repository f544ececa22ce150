//! certreport: a YAML audit record becomes the 服务认证审查报告 PDF of a GB/T 27922-2011
//! after-sales service audit — validated, scored under the standard's rules, and typeset.
//!
//! The modules are layers; each imports only from the layers above it in this list (a test,
//! `tests/layers.rs`, reads the `use crate::` lines and keeps it so):
//!
//! 1. [`base`] — core types and formatting: dates, numbers as the report prints them,
//!    diagnostics, prose markup, safe file reading ([`base::files`]) and atomic writing
//!    ([`base::output`]);
//! 2. [`model`] — the record model: [`model::record::Record`], [`model::profile::Profile`],
//!    [`model::scheme::Scheme`] (the standard's indicators and thresholds as data) and the JSON
//!    Schemas generated from them;
//! 3. [`load`] — YAML → typed record, every error placed at its line, column and YAML path;
//! 4. [`rules`] — validation, the score and what it decides, the next record of the cycle, the
//!    glyph check, and [`rules::pipeline`] (load → validate → score) that every application
//!    calls;
//! 5. [`report`] — the report's data ([`report::view`]) and the Typst engine that typesets it
//!    to PDF or PNG;
//! 6. [`app`] — the applications: batch, watch, init (the command line is `main.rs`).

pub mod app;
pub mod base;
pub mod load;
pub mod model;
pub mod report;
pub mod rules;
