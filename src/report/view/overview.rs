//! Sections 3 and 4: the overview of the service system and of this audit, and the suggestions.

use schemars::JsonSchema;
use serde::Serialize;

use crate::base::format;
use crate::base::markup::{Block, Prose, Run};
use crate::model::record::Record;
use crate::model::scheme::Scheme;

/// 3 概述
///
/// Section 3: the client's service system and this evaluation.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OverviewView {
    /// 标题
    ///
    /// The section's title: 受评价方服务体系概述及本次评价概述.
    pub title: String,
    /// 概况
    ///
    /// The introduction.
    pub introduction: Vec<Block>,
    /// 多场所管理模式
    ///
    /// How a multi-site client manages its sites, or `null`.
    pub multi_site_management: Option<Vec<Block>>,
    /// 售前服务
    ///
    /// Pre-sale service.
    pub pre_sale: Vec<Block>,
    /// 售中服务
    ///
    /// In-sale service.
    pub in_sale: Vec<Block>,
    /// 售后服务
    ///
    /// After-sale service.
    pub after_sale: Vec<Block>,
    /// 评价方法
    ///
    /// The evaluation's methods.
    pub methods: Vec<Block>,
    /// 评价结果
    ///
    /// The results by aspect (the client's internal evaluation last).
    pub findings: Vec<FindingView>,
    /// 总结与建议
    ///
    /// The summary.
    pub summary: Vec<Block>,
}

/// 评价结果
///
/// A result by aspect.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FindingView {
    /// 引导语
    ///
    /// The bold lead: `服务流程方面：`.
    pub lead: String,
    /// 内容
    ///
    /// The finding's prose.
    pub text: Vec<Block>,
    /// 扣分说明
    ///
    /// `（监督扣 1 分）` when the finding costs points, else `null`.
    pub note: Option<String>,
}

/// 改进建议组
///
/// The suggestions of one aspect.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SuggestionGroupView {
    /// 方面
    ///
    /// The aspect (a minor heading).
    pub aspect: String,
    /// 建议
    ///
    /// Its suggestions.
    pub items: Vec<SuggestionView>,
}

/// 改进建议
///
/// A suggestion.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SuggestionView {
    /// 引导语
    ///
    /// The bold lead, ending in `：`.
    pub lead: String,
    /// 内容
    ///
    /// The suggestion's prose.
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
