//! `check --format json`: what `check` finds, machine-readable, for editors, CI and tests.
//!
//! One JSON document for all the records of a run:
//!
//! ```json
//! { "records": [ {
//!     "file": "a.yaml", "loaded": true, "errors": 1, "warnings": 0,
//!     "diagnostics": [ { "severity": "error", "code": "team-leader", "file": "a.yaml",
//!                        "line": 48, "column": 3, "path": "audit.team",
//!                        "message": "…", "expected": "…" } ],
//!     "score": { "groups": […], "total": 95.0, "outcome": {…}, "level": "五星级",
//!                "result": "95 分，五星级售后服务", … } } ] }
//! ```
//!
//! `score` is `null` for a record that could not be loaded; `level` is the key of the level
//! reached (`null` when failed or not yet scored). The fields of a diagnostic are those of
//! [`Diagnostic`]; `code` names the kind of problem and stays stable between versions.

use std::path::Path;

use serde::Serialize;

use crate::base::diagnostic::Diagnostic;
use crate::rules::pipeline::CheckResult;
use crate::rules::score::ScoreSheet;

/// The JSON document of a `check` run over `results` (each record's file and outcome).
pub fn to_json<'a>(results: impl IntoIterator<Item = (&'a Path, &'a CheckResult)>) -> String {
    let records: Vec<RecordReport> =
        results.into_iter().map(|(file, result)| RecordReport::new(file, result)).collect();
    serde_json::to_string_pretty(&Report { records }).expect("plain data serializes")
}

#[derive(Serialize)]
struct Report<'a> {
    records: Vec<RecordReport<'a>>,
}

#[derive(Serialize)]
struct RecordReport<'a> {
    #[serde(serialize_with = "crate::base::diagnostic::path_text")]
    file: &'a Path,
    /// Whether the record and the files it names could be read and typed at all.
    loaded: bool,
    errors: usize,
    warnings: usize,
    diagnostics: &'a [Diagnostic],
    score: Option<Score<'a>>,
}

#[derive(Serialize)]
struct Score<'a> {
    #[serde(flatten)]
    sheet: &'a ScoreSheet,
    /// The key of the level reached.
    level: Option<&'a str>,
    /// The result line of section 2.
    result: String,
}

impl<'a> RecordReport<'a> {
    fn new(file: &'a Path, result: &'a CheckResult) -> RecordReport<'a> {
        let (diagnostics, score) = match result {
            Err(error) => (error.diagnostics(), None),
            Ok(checked) => {
                let scheme = &checked.loaded.scheme;
                let score = Score {
                    sheet: &checked.sheet,
                    level: checked.sheet.level().map(|level| scheme.levels[level].key.as_str()),
                    result: checked.sheet.result_text(scheme),
                };
                (checked.diagnostics.as_slice(), Some(score))
            }
        };
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        RecordReport {
            file,
            loaded: result.is_ok(),
            errors,
            warnings: diagnostics.len() - errors,
            diagnostics,
            score,
        }
    }
}
