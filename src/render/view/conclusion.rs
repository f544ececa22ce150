//! Sections 5 and 6: 证书及标志使用 (after a previous audit only), then 评价结论 — the
//! recommendation's boxes, the recommended scope and the signature.

use serde::Serialize;

use super::CheckBox;
use crate::date::Date;
use crate::markup::{Block, Prose};
use crate::profile::Profile;
use crate::record::{AuditType, Record, SpecialRecommendation};
use crate::score::ScoreSheet;

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

const RECOMMENDATIONS: [&str; 5] =
    ["认证注册资格", "再认证注册资格", "保持认证注册资格", "恢复认证注册资格", "变更认证范围"];

/// Section 6's five boxes under `prefix` (推荐 / 不推荐), with `ticked` ticked.
fn recommendation_boxes(prefix: &str, ticked: Option<usize>) -> Vec<CheckBox> {
    RECOMMENDATIONS
        .iter()
        .enumerate()
        .map(|(i, label)| CheckBox { label: format!("{prefix}{label}"), checked: ticked == Some(i) })
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
    sheet: &ScoreSheet,
    profile: &Profile,
    level: Option<&crate::scheme::Level>,
    date: Date,
) -> ConclusionView {
    let scope_code = &profile.scope_code;
    let which = match (record.conclusion.recommendation, record.audit_type) {
        (Some(SpecialRecommendation::Restore), _) => 3,
        (Some(SpecialRecommendation::ScopeChange), _) => 4,
        (None, AuditType::Initial) => 0,
        (None, AuditType::Recertification) => 1,
        (None, AuditType::Surveillance) => 2,
    };
    let passed = sheet.passed();
    let applies = record.audit_type != AuditType::Surveillance
        || record.conclusion.recommendation == Some(SpecialRecommendation::ScopeChange);
    let recommended_scope = match level {
        Some(level) if passed && applies => format!("{scope_code}: {}（{}）", record.scope.text, level.name),
        _ if !passed => "不推荐".into(),
        _ => "不适用".into(),
    };
    ConclusionView {
        passed,
        pass_boxes: recommendation_boxes("推荐", passed.then_some(which)),
        fail_boxes: recommendation_boxes("不推荐", (!passed).then_some(which)),
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
        filled("编制日期", format!("{}年{:02}月{:02}日", date.year(), date.month(), date.day())),
    ];
    lines.extend(profile.signature_lines.iter().map(|line| SignatureView {
        label: line.label.clone(),
        value: None,
        seal: line.seal,
    }));
    lines
}
