//! Sections 5 and 6: 证书及标志使用 (after a previous audit only), then 评价结论 — the
//! recommendation's boxes, the recommended scope and the signature.

use serde::Serialize;

use super::CheckBox;
use crate::date::Date;
use crate::decision::{Decision, Recommendation};
use crate::format;
use crate::markup::{Block, Prose};
use crate::record::Record;
use crate::scheme::Scheme;

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
    scope_code: &str,
    date: Date,
) -> ConclusionView {
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
        author: record.conclusion.author.clone(),
        date: format::date_inline(date),
    }
}
