//! Sections 5 and 6: 证书及标志使用 (after a previous audit only), then 评价结论 — the
//! recommendation's boxes, the recommended scope and the signature.

use serde::Serialize;

use super::CheckBox;
use crate::base::date::Date;
use crate::base::format;
use crate::base::markup::{Block, Prose};
use crate::model::profile::Profile;
use crate::model::record::Record;
use crate::model::scheme::Scheme;
use crate::rules::decision::{Decision, Recommendation};

#[derive(Debug, Serialize)]
pub struct ConclusionView {
    pub passed: bool,
    pub pass_boxes: Vec<CheckBox>,
    pub fail_boxes: Vec<CheckBox>,
    /// 评价组推荐的认证范围和星级, or `不适用`.
    pub recommended_scope: String,
    /// 报告编制人, 编制日期, then the CB profile's own lines.
    pub signatures: Vec<SignatureView>,
}

/// A signature line of section 6.
#[derive(Debug, Serialize)]
pub struct SignatureView {
    pub label: String,
    /// What is printed on the line; `None` leaves it blank to sign.
    pub value: Option<String>,
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

/// Section 5: `None` when it does not apply (initial audit).
pub(super) fn certificate_use(record: &Record) -> Option<Vec<Block>> {
    record
        .audit_type
        .follows_previous_audit()
        .then(|| record.certificate_use.as_ref().map(Prose::blocks).unwrap_or_default())
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
