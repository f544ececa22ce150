//! Sections 3 and 4: the overview of the service system and of this audit, and the suggestions.

use serde::Serialize;

use crate::base::format;
use crate::base::markup::{Block, Prose, Run};
use crate::model::record::Record;
use crate::model::scheme::Scheme;

#[derive(Debug, Serialize)]
pub struct OverviewView {
    pub title: String,
    pub introduction: Vec<Block>,
    pub multi_site_management: Option<Vec<Block>>,
    pub pre_sale: Vec<Block>,
    pub in_sale: Vec<Block>,
    pub after_sale: Vec<Block>,
    pub methods: Vec<Block>,
    pub findings: Vec<FindingView>,
    pub summary: Vec<Block>,
}

#[derive(Debug, Serialize)]
pub struct FindingView {
    /// The bold lead: `服务流程方面：`
    pub lead: String,
    pub text: Vec<Block>,
    /// `（监督 扣 1 分）` when the finding costs points.
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SuggestionGroupView {
    pub aspect: String,
    pub items: Vec<SuggestionView>,
}

#[derive(Debug, Serialize)]
pub struct SuggestionView {
    pub lead: String,
    pub text: Vec<Block>,
}

pub(super) fn suggestions(record: &Record) -> Vec<SuggestionGroupView> {
    record
        .suggestions
        .iter()
        .map(|g| SuggestionGroupView {
            aspect: g.aspect.clone(),
            items: g
                .items
                .iter()
                .map(|s| SuggestionView {
                    lead: format!("{}：", s.lead.trim_end_matches(['：', ':'])),
                    text: s.text.blocks(),
                })
                .collect(),
        })
        .collect()
}

pub(super) fn overview(record: &Record, scheme: &Scheme) -> OverviewView {
    let o = &record.overview;
    let mut findings: Vec<FindingView> = record
        .findings
        .iter()
        .map(|f| FindingView {
            lead: format!("{}：", f.aspect.trim_end_matches(['：', ':'])),
            text: f.text.blocks(),
            note: f.deduction.as_ref().and_then(|d| deduction_note(d, scheme)),
        })
        .collect();
    if let Some(internal) = &record.internal_evaluation {
        let mut text = vec![Block::Paragraph {
            runs: vec![Run {
                keep: false,
                text: format!(
                    "依据本标准，组织于{}开展{}评价，内部评价小组由{}执行具体工作，企业内部的评价得分{}分。",
                    format::date_inline(internal.date),
                    scheme.service_type,
                    internal.evaluators.join("、"),
                    format::points(internal.score),
                ),
                bold: false,
            }],
        }];
        // The assessment runs on in the same paragraph, as in the reference.
        let mut assessment = internal.assessment.blocks().into_iter();
        if let (Some(Block::Paragraph { runs: first }), Some(Block::Paragraph { runs })) =
            (assessment.next(), text.first_mut())
        {
            runs.extend(first);
        }
        text.extend(assessment);
        findings.push(FindingView { lead: "内部评价人员能力：".into(), text, note: None });
    }
    OverviewView {
        title: "受评价方服务体系概述及本次评价概述".into(),
        introduction: o.introduction.blocks(),
        multi_site_management: o.multi_site_management.as_ref().map(Prose::blocks),
        pre_sale: o.pre_sale.blocks(),
        in_sale: o.in_sale.blocks(),
        after_sale: o.after_sale.blocks(),
        methods: o.methods.blocks(),
        findings,
        summary: o.summary.blocks(),
    }
}

/// `（监督扣 1 分）`, `（投诉处理扣 3 分：抽样 10 个，不符合 3 个）`.
pub(super) fn deduction_note(deduction: &crate::model::record::Deduction, scheme: &Scheme) -> Option<String> {
    let indicator = scheme.indicator(&deduction.indicator)?;
    let points = format::points(crate::rules::score::deduction_points(deduction, indicator.max));
    let samples = match (deduction.samples, deduction.nonconforming) {
        (Some(samples), Some(bad)) => format!("：抽样 {samples} 个，不符合 {bad} 个"),
        _ => String::new(),
    };
    Some(format!("（{}扣 {points} 分{samples}）", indicator.name))
}
