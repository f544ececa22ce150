//! Sections 5 and 6: 证书及标志使用 (after a previous audit only), then 评价结论 — the
//! recommendation's boxes, the recommended scope and the signature.

use schemars::JsonSchema;
use serde::Serialize;

use super::CertificateUse;
use super::CheckBox;
use crate::base::date::Date;
use crate::base::format;
use crate::base::markup::{Block, Prose, Run};
use crate::model::profile::Profile;
use crate::model::record::Record;
use crate::model::scheme::Scheme;
use crate::rules::decision::{Decision, Recommendation};

/// 6 评价结论
///
/// Section 6.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ConclusionView {
    /// 通过
    ///
    /// Whether the client passed.
    pub passed: bool,
    /// 通过审查评价
    ///
    /// The box of the passing conclusion.
    pub pass_box: CheckBox,
    /// 推荐选项
    ///
    /// The five 推荐… boxes, the recommendation ticked when passed.
    pub pass_boxes: Vec<CheckBox>,
    /// 未通过
    ///
    /// The box of the failing conclusion.
    pub fail_box: CheckBox,
    /// 不推荐选项
    ///
    /// The five 不推荐… boxes, one ticked when failed.
    pub fail_boxes: Vec<CheckBox>,
    /// 推荐的认证范围和星级
    ///
    /// The recommended scope and level, `不适用` or `不推荐`.
    pub recommended_scope: String,
    /// 签字行
    ///
    /// 报告编制人, 编制日期, then the CB profile's own lines (its approval block).
    pub signatures: Vec<SignatureView>,
}

/// 签字行
///
/// A signature line of section 6.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SignatureView {
    /// 签字项
    ///
    /// What is signed: 报告编制人, 审查组长, 批准 ….
    pub label: String,
    /// 内容
    ///
    /// What is printed on the line; `null` leaves it blank to sign.
    pub value: Option<String>,
    /// 盖章
    ///
    /// Room for a seal.
    pub seal: bool,
}

/// Section 6's five boxes under `prefix` (推荐 / 不推荐), with `ticked` ticked.
fn recommendation_boxes(prefix: &str, ticked: Option<Recommendation>) -> Vec<CheckBox> {
    Recommendation::ALL
        .into_iter()
        .map(|r| CheckBox { label: format!("{prefix}{}", r.label()), checked: ticked == Some(r) })
        .collect()
}

/// Section 5; after an initial audit, the bold 不适用（初次认证）.
pub(super) fn certificate_use(record: &Record) -> CertificateUse {
    let applicable = record.audit_type.follows_previous_audit();
    CertificateUse {
        applicable,
        text: if applicable {
            record.certificate_use.as_ref().map(Prose::blocks).unwrap_or_default()
        } else {
            vec![Block::Paragraph { runs: vec![Run::bold("不适用（初次认证）")] }]
        },
    }
}

pub(super) fn conclusion(
    record: &Record,
    scheme: &Scheme,
    decision: &Decision,
    profile: &Profile,
    date: Date,
) -> ConclusionView {
    let scope_code = &profile.scope_code;
    let passed = decision.passed();
    let recommended_scope = match decision.level() {
        Some(choice) if decision.states_scope => {
            format!("{scope_code}: {}（{}）", record.scope.text, choice.level(scheme).name)
        }
        Some(_) => "不适用".into(),
        None => "不推荐".into(),
    };
    ConclusionView {
        passed,
        pass_box: CheckBox { label: "通过审查评价".into(), checked: passed },
        fail_box: CheckBox { label: "通过审查评价".into(), checked: !passed },
        pass_boxes: recommendation_boxes("推荐", passed.then_some(decision.recommendation)),
        fail_boxes: recommendation_boxes("不推荐", (!passed).then_some(decision.recommendation)),
        recommended_scope,
        signatures: signatures(record, profile, date),
    }
}

/// 报告编制人 and 编制日期 as in the reference, then the profile's lines to sign by hand.
fn signatures(record: &Record, profile: &Profile, date: Date) -> Vec<SignatureView> {
    let filled =
        |label: &str, value: String| SignatureView { label: label.into(), value: Some(value), seal: false };
    let mut lines = vec![
        filled("报告编制人", record.conclusion.author.clone()),
        filled("编制日期", format::date_inline(date)),
    ];
    lines.extend(profile.signature_lines.iter().map(|line| SignatureView {
        label: line.label.clone(),
        value: None,
        seal: line.seal,
    }));
    lines
}
