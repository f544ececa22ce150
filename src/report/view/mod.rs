//! The report as data: what the template prints, fully worked out.
//!
//! [`ReportView`] is built from a record, its profile, its scheme and its score sheet, and
//! serialized to the virtual `/data.json`. Every figure, box and sentence that depends on the
//! record is decided here; the template only lays it out. Prose arrives as [`Block`]s.
//!
//! One submodule per section of the template: [`head`] (cover), [`basic`] (1), [`scores`] (2),
//! [`overview`] (3 and 4), [`conclusion`] (5 and 6).

pub mod basic;
pub mod conclusion;
pub mod head;
pub mod overview;
pub mod scores;

use serde::Serialize;

use crate::base::date::Date;
use crate::base::markup::Block;
use crate::load::LoadedRecord;
use crate::rules::decision::decide;
use crate::rules::pipeline::Checked;
use crate::rules::score::ScoreSheet;

use basic::Basic;
use conclusion::ConclusionView;
use head::{CbView, Head};
use overview::{OverviewView, SuggestionGroupView};
use scores::ScoresView;

/// A check box: ■ when ticked, □ when not.
#[derive(Debug, Serialize)]
pub struct CheckBox {
    pub label: String,
    pub checked: bool,
}

fn boxes<'a>(labels: impl IntoIterator<Item = &'a str>, checked: impl Fn(usize) -> bool) -> Vec<CheckBox> {
    labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| CheckBox { label: label.to_owned(), checked: checked(i) })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct ReportView {
    pub meta: Meta,
    pub cb: CbView,
    pub head: Head,
    pub basic: Basic,
    pub scores: ScoresView,
    pub overview: OverviewView,
    pub suggestions: Vec<SuggestionGroupView>,
    /// `None`: section 5 does not apply (initial audit).
    pub certificate_use: Option<Vec<Block>>,
    pub conclusion: ConclusionView,
}

/// PDF metadata.
#[derive(Debug, Serialize)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub keywords: Vec<String>,
    /// The report date, for the template's `datetime`.
    pub date: YearMonthDay,
    /// The report date, for the PDF's own metadata.
    #[serde(skip)]
    pub report_date: Date,
}

/// A date as the template's `datetime` takes it.
#[derive(Debug, Serialize)]
pub struct YearMonthDay {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

impl Checked {
    /// The report data for the template; only meaningful without errors. (Defined here, in
    /// the report layer, so that the pipeline below knows nothing of the report's shape.)
    pub fn view(&self) -> ReportView {
        ReportView::build(&self.loaded, &self.sheet)
    }
}

impl ReportView {
    /// Works out the whole report. The record is expected to be valid.
    pub fn build(loaded: &LoadedRecord, sheet: &ScoreSheet) -> ReportView {
        let LoadedRecord { record, profile, scheme, .. } = loaded;
        let date = record.conclusion.date.unwrap_or(record.audit.end.date);
        let decision = decide(record, scheme, sheet);
        ReportView {
            meta: Meta {
                title: format!("服务认证审查报告：{}（{}）", record.client.name, record.project_number),
                author: record.conclusion.author.clone(),
                keywords: vec![
                    scheme.standard.clone(),
                    record.project_number.clone(),
                    record.audit_type.label().into(),
                ],
                date: YearMonthDay {
                    year: u32::from(date.year()),
                    month: u32::from(date.month()),
                    day: u32::from(date.day()),
                },
                report_date: date,
            },
            cb: head::cb(profile),
            head: head::head(record, scheme),
            basic: basic::basic(
                record,
                loaded.previous.as_ref(),
                scheme,
                &profile.scope_code,
                decision.level(),
            ),
            scores: scores::scores(record, scheme, sheet),
            overview: overview::overview(record, scheme),
            suggestions: overview::suggestions(record),
            certificate_use: conclusion::certificate_use(record),
            conclusion: conclusion::conclusion(record, scheme, &decision, profile, date),
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("the report view serializes")
    }
}
