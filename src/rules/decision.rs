//! 评价结论: what a report decides, from a record and its score.
//!
//! - Which recommendation of section 6 is made (推荐… when passed, 不推荐… when failed): it
//!   follows from the audit type unless the record asks to restore or to change the scope.
//! - Passed with a level — the computed one, or a lower one the team chose with a reason — or
//!   failed, on every ground that applies.
//! - Whether the report states a recommended scope: initial, recertification, and a
//!   surveillance that changes the scope.

use crate::model::record::{AuditType, Record, SpecialRecommendation};
use crate::model::scheme::{Level, Scheme};
use crate::rules::score::{FailGround, Outcome, ScoreSheet};

/// Section 6's recommendations, in the form's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recommendation {
    /// 认证注册资格
    Initial,
    /// 再认证注册资格
    Recertification,
    /// 保持认证注册资格
    Maintain,
    /// 恢复认证注册资格
    Restore,
    /// 变更认证范围
    ScopeChange,
}

impl Recommendation {
    pub const ALL: [Recommendation; 5] = [
        Recommendation::Initial,
        Recommendation::Recertification,
        Recommendation::Maintain,
        Recommendation::Restore,
        Recommendation::ScopeChange,
    ];

    /// The recommendation a record makes: from its audit type, unless it asks for another.
    pub fn of(record: &Record) -> Recommendation {
        match (record.conclusion.recommendation, record.audit_type) {
            (Some(SpecialRecommendation::Restore), _) => Recommendation::Restore,
            (Some(SpecialRecommendation::ScopeChange), _) => Recommendation::ScopeChange,
            (None, AuditType::Initial) => Recommendation::Initial,
            (None, AuditType::Recertification) => Recommendation::Recertification,
            (None, AuditType::Surveillance) => Recommendation::Maintain,
        }
    }

    /// What is (or is not) recommended, after 推荐 / 不推荐.
    pub fn label(self) -> &'static str {
        match self {
            Recommendation::Initial => "认证注册资格",
            Recommendation::Recertification => "再认证注册资格",
            Recommendation::Maintain => "保持认证注册资格",
            Recommendation::Restore => "恢复认证注册资格",
            Recommendation::ScopeChange => "变更认证范围",
        }
    }
}

/// The level a passed report recommends, by index into the scheme's levels.
#[derive(Clone, Debug, PartialEq)]
pub enum LevelChoice {
    /// The level the score reaches.
    Computed(usize),
    /// A lower level the team chose (`scope.level`), and why (`scope.level_reason`).
    Lowered { level: usize, computed: usize, reason: String },
}

impl LevelChoice {
    /// The level recommended.
    pub fn index(&self) -> usize {
        match self {
            LevelChoice::Computed(level) | LevelChoice::Lowered { level, .. } => *level,
        }
    }

    pub fn level<'a>(&self, scheme: &'a Scheme) -> &'a Level {
        &scheme.levels[self.index()]
    }

    /// Why the team recommends less than the score reaches.
    pub fn reason(&self) -> Option<&str> {
        match self {
            LevelChoice::Computed(_) => None,
            LevelChoice::Lowered { reason, .. } => Some(reason),
        }
    }
}

/// Passed with a level, or failed on every ground that applies.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Passed(LevelChoice),
    Failed(Vec<FailGround>),
}

/// Everything section 6 (and 1.9's level) decides.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub recommendation: Recommendation,
    /// `None` while an indicator has no score (such a record is invalid and never rendered).
    pub verdict: Option<Verdict>,
    /// Whether the recommended scope and level are stated (初次、再认证、监督变更范围).
    pub states_scope: bool,
}

impl Decision {
    pub fn passed(&self) -> bool {
        matches!(self.verdict, Some(Verdict::Passed(_)))
    }

    /// The level recommended, when passed.
    pub fn level(&self) -> Option<&LevelChoice> {
        match &self.verdict {
            Some(Verdict::Passed(choice)) => Some(choice),
            _ => None,
        }
    }
}

/// Decides a record's conclusion from its score.
pub fn decide(record: &Record, scheme: &Scheme, sheet: &ScoreSheet) -> Decision {
    let recommendation = Recommendation::of(record);
    let verdict = sheet.outcome.as_ref().map(|outcome| match outcome {
        Outcome::Passed { level: computed } => Verdict::Passed(level_choice(record, scheme, *computed)),
        Outcome::Failed { grounds } => Verdict::Failed(grounds.clone()),
    });
    Decision {
        recommendation,
        verdict,
        states_scope: record.audit_type != AuditType::Surveillance
            || recommendation == Recommendation::ScopeChange,
    }
}

/// The computed level, or the lower one the record chooses. (A higher or unknown choice is a
/// validation error; the computed level stands.)
fn level_choice(record: &Record, scheme: &Scheme, computed: usize) -> LevelChoice {
    let chosen = record.scope.level.as_ref().and_then(|name| scheme.level_index(name));
    match chosen {
        Some(level) if level < computed => LevelChoice::Lowered {
            level,
            computed,
            reason: record.scope.level_reason.clone().unwrap_or_default(),
        },
        _ => LevelChoice::Computed(computed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::score::{full_marks, score};

    #[test]
    fn the_recommendation_follows_the_audit_type_unless_asked() {
        let mut record = Record { audit_type: AuditType::Surveillance, ..Record::default() };
        assert_eq!(Recommendation::of(&record), Recommendation::Maintain);
        record.conclusion.recommendation = Some(SpecialRecommendation::Restore);
        assert_eq!(Recommendation::of(&record), Recommendation::Restore);
        record.audit_type = AuditType::Recertification;
        record.conclusion.recommendation = None;
        assert_eq!(Recommendation::of(&record), Recommendation::Recertification);
    }

    #[test]
    fn a_lower_level_is_chosen_with_its_reason() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.scope.level = Some("four_star".into());
        record.scope.level_reason = Some("分场所尚未覆盖".into());
        let decision = decide(&record, &scheme, &score(&record, &scheme));
        let choice = decision.level().unwrap();
        assert_eq!(choice.level(&scheme).name, "四星级");
        assert_eq!(choice.reason(), Some("分场所尚未覆盖"));
        assert!(decision.states_scope);
    }

    #[test]
    fn the_computed_level_stands_when_none_is_chosen() {
        let scheme = Scheme::builtin();
        let record = full_marks(&scheme);
        let decision = decide(&record, &scheme, &score(&record, &scheme));
        assert_eq!(decision.level(), Some(&LevelChoice::Computed(scheme.levels.len() - 1)));
        assert_eq!(decision.recommendation, Recommendation::Initial);
    }

    #[test]
    fn a_surveillance_states_a_scope_only_when_it_changes_it() {
        let scheme = Scheme::builtin();
        let mut record = Record { audit_type: AuditType::Surveillance, ..full_marks(&scheme) };
        assert!(!decide(&record, &scheme, &score(&record, &scheme)).states_scope);
        record.conclusion.recommendation = Some(SpecialRecommendation::ScopeChange);
        assert!(decide(&record, &scheme, &score(&record, &scheme)).states_scope);
    }
}
