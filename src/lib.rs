//! certreport: a YAML audit record becomes the 服务认证审查报告 PDF of a GB/T 27922-2011
//! after-sales service audit — validated, scored under the standard's rules, and typeset.
//!
//! The pipeline, one module per stage:
//!
//! 1. [`load`] — YAML → typed [`record::Record`] (with its [`profile::Profile`] and
//!    [`scheme::Scheme`]), every error placed at its line, column and YAML path;
//! 2. [`validate`] — the field and cross-field rules, all problems at once;
//! 3. [`score`] — the standard's rules as pure functions, and what they decide: [`decision`]
//!    (the recommendation, the level, every ground for failing) and [`changes`] (1.14);
//! 4. [`render`] — record + score → report data → Typst → PDF, on a shared [`render::Engine`];
//! 5. [`batch`] — many records on all cores with one engine, and the summary.
//!
//! [`pipeline`] strings the first three together for the CLI and for embedders; [`output`]
//! writes files atomically; [`format`] writes every number and date the report prints;
//! [`check`] gives `check`'s findings as JSON; [`watch`] re-renders a record as it is edited;
//! [`init`] writes a commented starter record; [`terminal`] prints every line, escaped.

pub mod app;
pub mod batch;
pub mod changes;
pub mod check;
pub mod cycle;
pub mod date;
pub mod decision;
pub mod diagnostic;
pub mod files;
pub mod format;
pub mod init;
pub mod load;
pub mod markup;
pub mod output;
pub mod pipeline;
pub mod profile;
pub mod record;
pub mod render;
pub mod schema;
pub mod scheme;
pub mod score;
pub mod terminal;
pub mod validate;
pub mod watch;
