//! Sections 5 and 6: 证书及标志使用 (after a previous audit only), then 评价结论 — the
//! recommendation's boxes, the recommended scope and the signature.

use serde::Serialize;

use super::CheckBox;
use crate::date::Date;
use crate::markup::{Block, Prose};
use crate::record::{AuditType, Record, SpecialRecommendation};
use crate::score::ScoreSheet;

#[derive(Debug, Serialize)]
pub struct ConclusionView {
    pub passed: bool,
    pub pass_boxes: Vec<CheckBox>,
    pub fail_boxes: Vec<CheckBox>,
    /// 评价组推荐的认证范围和星级, or `不适用`.
    pub recommended_scope: String,
    pub author: String,
    pub date: String,
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
    scope_code: &str,
    level: Option<&crate::scheme::Level>,
    date: Date,
) -> ConclusionView {
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
        author: record.conclusion.author.clone(),
        date: format!("{}年{:02}月{:02}日", date.year(), date.month(), date.day()),
    }
}
