//! The report as data: what the template prints, fully worked out.
//!
//! [`ReportView`] is built from a record, its profile, its scheme and its score sheet, and
//! serialized to the virtual `/data.json`. Every figure, box, number and sentence that depends
//! on the record is decided here; the template only lays it out. Prose arrives as [`Block`]s.
//!
//! This is the data contract of every template, the built-in one and a CB's own: versioned
//! ([`DATA_VERSION`]), published as a JSON Schema generated from these types (`certreport
//! schema report-data`, `schemas/report-data.schema.json`) and documented field by field in
//! `docs/report-data.md`. Each field's doc comment gives its Chinese title, then its meaning in
//! English.
//!
//! One submodule per section of the template: [`head`] (cover), [`basic`] (1), [`scores`] (2),
//! [`overview`] (3 and 4), [`conclusion`] (5 and 6).

pub mod basic;
pub mod conclusion;
pub mod contract;
pub mod head;
pub mod overview;
pub mod scores;

use schemars::JsonSchema;
use serde::Serialize;
use typst::foundations::Bytes;

use crate::base::date::Date;
use crate::base::markup::Block;
use crate::load::LoadedRecord;
pub use crate::report::template::DATA_VERSION;
use crate::rules::decision::decide;
use crate::rules::export;
use crate::rules::pipeline::Checked;
use crate::rules::score::ScoreSheet;

use crate::base::fonts::{SANS, SERIF};
use basic::Basic;
use conclusion::ConclusionView;
use head::{CbView, CoverView, Head};
use overview::{OverviewView, SuggestionGroupView};
use scores::ScoresView;

/// 勾选框
///
/// A check box: ■ when ticked, □ when not, and its label (set as one unbreakable unit).
#[derive(Debug, Serialize, JsonSchema)]
pub struct CheckBox {
    /// 文字
    ///
    /// The box's label, printed after it.
    pub label: String,
    /// 已勾选
    ///
    /// Whether the box is ticked (■) or not (□).
    pub checked: bool,
}

/// 编号条目
///
/// A numbered item: its number as printed (`a)`, `1)`) and its text.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Numbered {
    /// 编号
    ///
    /// The number as printed, with its bracket: `a)`, `2)`.
    pub number: String,
    /// 文字
    ///
    /// The item's text.
    pub text: String,
}

/// `a)`, `b)` … for the `i`th item (from 0).
pub(crate) fn letter(i: usize) -> String {
    let letter = char::from(b'a' + (i % 26) as u8);
    format!("{letter})")
}

fn boxes<'a>(labels: impl IntoIterator<Item = &'a str>, checked: impl Fn(usize) -> bool) -> Vec<CheckBox> {
    labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| CheckBox { label: label.to_owned(), checked: checked(i) })
        .collect()
}

/// 报告数据
///
/// The report's data, `/data.json`: everything a template prints, worked out.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(
    title = "报告数据",
    description = "模板读取的报告数据（/data.json）：报告所印的一切，均已算好。The report data a template reads (/data.json): everything the report prints, worked out."
)]
pub struct ReportView {
    /// 数据版本
    ///
    /// The version of this data contract, `MAJOR.MINOR` (a template declares the one it reads
    /// in its `template.yaml`).
    pub version: String,
    /// 文档信息
    ///
    /// The PDF's metadata.
    pub meta: Meta,
    /// 字体
    ///
    /// The font families to set text in, each a list: the CB's choice, then the built-in
    /// family that fills in what it lacks.
    pub fonts: FontsView,
    /// 页面
    ///
    /// What the pages' running header says.
    pub page: PageView,
    /// 认证机构
    ///
    /// The certification body.
    pub cb: CbView,
    /// 封面
    ///
    /// The cover page, or `null` when the CB's profile asks for none.
    pub cover: Option<CoverView>,
    /// 首页
    ///
    /// The head page: title, service type, standard, client, project number, audit type.
    pub head: Head,
    /// 1 基本信息
    ///
    /// Section 1, basic information.
    pub basic: Basic,
    /// 2 审查结果
    ///
    /// Section 2, the scores.
    pub scores: ScoresView,
    /// 3 概述
    ///
    /// Section 3, the overview.
    pub overview: OverviewView,
    /// 4 改进建议
    ///
    /// Section 4, the suggestions, by aspect.
    pub suggestions: Vec<SuggestionGroupView>,
    /// 5 证书及标志使用
    ///
    /// Section 5, the use of the certificate and marks.
    pub certificate_use: CertificateUse,
    /// 6 评价结论
    ///
    /// Section 6, the conclusion.
    pub conclusion: ConclusionView,
    /// Files besides `/data.json` the World serves: the logo.
    #[serde(skip)]
    pub assets: Vec<(String, Bytes)>,
}

/// 文档信息
///
/// The PDF's metadata.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Meta {
    /// 标题
    ///
    /// The document's title.
    pub title: String,
    /// 作者
    ///
    /// The document's author: the report's author.
    pub author: String,
    /// 关键词
    ///
    /// The standard, the project number and the audit type.
    pub keywords: Vec<String>,
    /// 报告日期
    ///
    /// The report date, for the template's `datetime`.
    pub date: YearMonthDay,
    /// The report date, for the PDF's own metadata.
    #[serde(skip)]
    pub report_date: Date,
}

/// 日期
///
/// A date as the template's `datetime` takes it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct YearMonthDay {
    /// 年
    ///
    /// The year.
    pub year: u32,
    /// 月
    ///
    /// The month, 1–12.
    pub month: u32,
    /// 日
    ///
    /// The day of the month.
    pub day: u32,
}

/// 字体
///
/// Font families, each a list to give Typst's `text(font: ..)`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FontsView {
    /// 正文字体
    ///
    /// The body text's families.
    pub body: Vec<String>,
    /// 标题字体
    ///
    /// The families of headings, labels and table headers.
    pub heading: Vec<String>,
}

/// 页面
///
/// The pages' running header.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PageView {
    /// 页眉
    ///
    /// The running header's text (the project number is printed beside it).
    pub header: String,
}

/// 5 证书及标志使用
///
/// Section 5: its prose, or 不适用（初次认证）.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CertificateUse {
    /// 适用
    ///
    /// Whether section 5 applies (after a previous audit).
    pub applicable: bool,
    /// 内容
    ///
    /// The section's prose; when it does not apply, the bold words 不适用（初次认证）.
    pub text: Vec<Block>,
}

impl ReportView {
    /// Works out the whole report. The record is expected to be valid.
    pub fn build(loaded: &LoadedRecord, sheet: &ScoreSheet) -> ReportView {
        let LoadedRecord { record, profile, scheme, .. } = loaded;
        let date = record.conclusion.date.unwrap_or(record.audit.end.date);
        let decision = decide(record, scheme, sheet);
        let head = head::head(record, scheme, profile);
        let logo = loaded.logo.as_ref();
        ReportView {
            version: DATA_VERSION.into(),
            meta: Meta {
                title: export::document_title(record, profile),
                author: record.conclusion.author.clone(),
                keywords: export::document_keywords(record, scheme),
                date: YearMonthDay {
                    year: u32::from(date.year()),
                    month: u32::from(date.month()),
                    day: u32::from(date.day()),
                },
                report_date: date,
            },
            fonts: FontsView {
                body: families(profile.fonts.body.as_deref(), SERIF),
                heading: families(profile.fonts.heading.as_deref(), SANS),
            },
            page: PageView {
                header: profile.header.clone().unwrap_or_else(|| format!("{}　{}", profile.name, head.title)),
            },
            cb: head::cb(profile, logo),
            cover: profile.cover.then(|| head::cover(record, date)),
            head,
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
            assets: logo.map(|l| (l.virtual_path(), Bytes::new(l.bytes.clone()))).into_iter().collect(),
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("the report view serializes")
    }
}

impl Checked {
    /// The report data for the template; only meaningful without errors. (Defined here, in
    /// the report layer, so that the pipeline below knows nothing of the report's shape.)
    pub fn view(&self) -> ReportView {
        ReportView::build(&self.loaded, &self.sheet)
    }
}

/// A family list: the CB's choice, then the built-in `fallback` for what it lacks.
fn families(chosen: Option<&str>, fallback: &str) -> Vec<String> {
    match chosen {
        Some(family) if family != fallback => vec![family.to_owned(), fallback.to_owned()],
        _ => vec![fallback.to_owned()],
    }
}
