//! Score: the standard's rules as pure functions of a record and its scheme. No I/O.
//!
//! - Points are kept in hundredths, so that what the page prints adds up: a deduction is the
//!   whole value, the stated points, or maximum × nonconforming / samples rounded *up* to the
//!   hundredth (worked in whole hundredths, so no binary noise rounds 2.00 up to 2.01); an
//!   indicator scores what the team states, or its maximum less its findings' deductions,
//!   exactly, never below zero. Rounding a deduction up cuts a row, never raises it: the score
//!   is never above the exact one, so no rounding lifts a client into a level it did not earn
//!   (100 − 10 × 13/29 − 7 × 2/27 = 94.9987 deducts 4.49 and 0.52 and scores 94.99, 四星级).
//! - Excluded indicators (删减) leave the applicable total.
//! - Score = obtained / applicable × 100, less each special deduction, plus the bonus (at most
//!   the scheme's number of bonuses), kept within 0..=100 ([`Bound`] says when it was kept).
//!   The score itself is not rounded: the level is decided on it, and it prints cut
//!   ([`crate::base::format::points`]), never rounded up into a level it does not reach.
//! - Fails below the pass score and/or with the scheme's number of special deductions or more,
//!   naming every ground ([`FailGround`]); otherwise the highest level whose threshold the score
//!   reaches.

use serde::Serialize;

use crate::base::format::{self, EPSILON};
use crate::model::record::{Deduction, IndicatorScore, Record};
use crate::model::scheme::Scheme;

/// What one indicator scored.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Obtained {
    Points(f64),
    /// 删减
    Excluded,
    /// The record gives no score: it cannot be scored yet.
    Missing,
}

/// A row of the score table.
#[derive(Clone, Debug, Serialize)]
pub struct IndicatorLine {
    pub key: String,
    pub name: String,
    pub max: f64,
    pub obtained: Obtained,
    /// The points its findings deduct (for cross-checking a stated score).
    pub deducted: f64,
}

/// A first-level indicator with its rows.
#[derive(Clone, Debug, Serialize)]
pub struct GroupLine {
    pub name: String,
    pub weight: f64,
    pub lines: Vec<IndicatorLine>,
}

/// Passed with a level (by index into the scheme's levels), or failed on every ground.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed { level: usize },
    Failed { grounds: Vec<FailGround> },
}

/// A ground for failing (评价不合格). A report names every one that applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailGround {
    /// The score is below the pass score (70 分以下).
    ScoreBelowPass,
    /// The scheme's number of special deductions or more (特别扣分项达到 5 个以上).
    SpecialDeductions,
}

impl FailGround {
    /// `评分低于 70 分`, `特别扣分项 5 个，达到 5 个以上（含 5 个）`.
    pub fn describe(self, sheet: &ScoreSheet, scheme: &Scheme) -> String {
        match self {
            FailGround::ScoreBelowPass => format!("评分低于 {} 分", format::points(scheme.pass_score)),
            FailGround::SpecialDeductions => {
                let fail = scheme.special_deduction.fail_count;
                format!("特别扣分项 {} 个，达到 {fail} 个以上（含 {fail} 个）", sheet.special_deductions)
            }
        }
    }
}

/// Which end of 0..=100 the score was kept at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// The bonus took it over 100: 按 100 分计.
    Ceiling,
    /// The special deductions took it below 0: 按 0 分计.
    Floor,
}

/// The computed score of a record. 评分结果
#[derive(Clone, Debug, Serialize)]
pub struct ScoreSheet {
    pub groups: Vec<GroupLine>,
    /// 实际得分
    pub obtained: f64,
    /// 涉及项总分值
    pub applicable: f64,
    /// 评价实得分数 before special items: obtained / applicable × 100.
    pub base: f64,
    pub special_deductions: usize,
    pub special_deduction_points: f64,
    /// Bonuses counted (at most the scheme's number).
    pub special_bonuses: usize,
    pub special_bonus_points: f64,
    /// The final score; `None` while an indicator has no score.
    pub total: Option<f64>,
    /// Whether the total was kept within 0..=100.
    pub bound: Option<Bound>,
    pub outcome: Option<Outcome>,
}

impl ScoreSheet {
    pub fn lines(&self) -> impl Iterator<Item = &IndicatorLine> {
        self.groups.iter().flat_map(|g| &g.lines)
    }

    /// The grounds for failing; empty when passed or not yet scored.
    pub fn fail_grounds(&self) -> &[FailGround] {
        match &self.outcome {
            Some(Outcome::Failed { grounds }) => grounds,
            _ => &[],
        }
    }

    pub fn passed(&self) -> bool {
        matches!(self.outcome, Some(Outcome::Passed { .. }))
    }

    /// The level reached, by index into the scheme's levels.
    pub fn level(&self) -> Option<usize> {
        match self.outcome {
            Some(Outcome::Passed { level }) => Some(level),
            _ => None,
        }
    }
}

impl ScoreSheet {
    /// Every ground for failing, in words: `评分低于 70 分；特别扣分项 5 个，达到 5 个以上（含 5 个）`.
    pub fn fail_text(&self, scheme: &Scheme) -> String {
        self.fail_grounds().iter().map(|g| g.describe(self, scheme)).collect::<Vec<_>>().join("；")
    }

    /// `95 分，五星级售后服务`, `68 分，评价不合格：评分低于 70 分`, or that scoring is open.
    pub fn result_text(&self, scheme: &Scheme) -> String {
        let total = self.total.map(format::points).unwrap_or_else(|| "—".into());
        match &self.outcome {
            Some(Outcome::Passed { level }) => {
                format!("{total} 分，{}{}", scheme.levels[*level].name, scheme.service_type)
            }
            Some(Outcome::Failed { .. }) => format!("{total} 分，评价不合格：{}", self.fail_text(scheme)),
            None if self.lines().any(|line| line.obtained == Obtained::Missing) => {
                "尚未完成评分（有指标没有得分）".into()
            }
            None => "无法评分（所有指标都已删减，没有适用的指标）".into(),
        }
    }

    /// The score table as text, for `check`.
    pub fn table(&self, scheme: &Scheme) -> String {
        let mut out = String::new();
        let width = |s: &str| s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>();
        let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
        for group in &self.groups {
            out.push_str(&format!("  {}（{}）\n", group.name, format::points(group.weight)));
            for line in &group.lines {
                let score = match line.obtained {
                    Obtained::Points(p) => format::points(p),
                    Obtained::Excluded => "删减".into(),
                    Obtained::Missing => "—".into(),
                };
                out.push_str(&format!(
                    "    {} {:>4} / {}\n",
                    pad(&line.name, 14),
                    score,
                    format::points(line.max)
                ));
            }
        }
        out.push_str(&format!(
            "  实际得分 {} / 涉及项总分值 {} × 100 = {}；特别扣分项 {} 个（−{}），特别加分项 {} 个（+{}）\n",
            format::points(self.obtained),
            format::points(self.applicable),
            format::points(self.base),
            self.special_deductions,
            format::points(self.special_deduction_points),
            self.special_bonuses,
            format::points(self.special_bonus_points),
        ));
        out.push_str(&format!("  评分结果：{}", self.result_text(scheme)));
        out
    }
}

/// `value` to the nearest hundredth: the precision every deduction and row is kept at. A
/// value that is a whole number of hundredths (every figure written in a record: at most two
/// decimals) only loses its binary noise. Never −0 (an empty sum of `f64` is −0.0, which would
/// print and serialize as `-0`).
pub fn to_hundredths(value: f64) -> f64 {
    (value * 100.0).round() / 100.0 + 0.0
}

/// The points one deduction costs an indicator of the given maximum, in hundredths. A
/// proportional deduction, maximum × nonconforming / samples, is rounded up to the hundredth
/// in whole numbers: 10 × 13 / 29 = 4.482… costs 4.49.
pub fn deduction_points(deduction: &Deduction, max: f64) -> f64 {
    if deduction.whole {
        return max;
    }
    match (deduction.points, deduction.samples, deduction.nonconforming) {
        (Some(points), _, _) => to_hundredths(points),
        (None, Some(samples), Some(bad)) if samples > 0 => {
            let max = u128::try_from(format::hundredths(max)).unwrap_or(0);
            let hundredths = (max * u128::from(bad)).div_ceil(u128::from(samples));
            hundredths as f64 / 100.0
        }
        _ => 0.0,
    }
}

/// An indicator's score from its findings' deductions: maximum less their sum, never below 0.
pub fn derived_score(max: f64, deducted: f64) -> f64 {
    to_hundredths((max - deducted).max(0.0))
}

/// Scores a record under a scheme.
pub fn score(record: &Record, scheme: &Scheme) -> ScoreSheet {
    let groups: Vec<GroupLine> = scheme
        .groups
        .iter()
        .map(|group| GroupLine {
            name: group.name.clone(),
            weight: group.weight,
            lines: group
                .indicators
                .iter()
                .map(|indicator| {
                    let deducted: f64 = to_hundredths(
                        record
                            .findings
                            .iter()
                            .filter_map(|f| f.deduction.as_ref())
                            .filter(|d| indicator.is_named(&d.indicator))
                            .map(|d| deduction_points(d, indicator.max))
                            .sum(),
                    );
                    let obtained = match record.score_of(indicator) {
                        Some(IndicatorScore::Stated(points)) => Obtained::Points(*points),
                        Some(IndicatorScore::Derived) => {
                            Obtained::Points(derived_score(indicator.max, deducted))
                        }
                        Some(IndicatorScore::Excluded) => Obtained::Excluded,
                        None => Obtained::Missing,
                    };
                    IndicatorLine {
                        key: indicator.key.clone(),
                        name: indicator.name.clone(),
                        max: indicator.max,
                        obtained,
                        deducted,
                    }
                })
                .collect(),
        })
        .collect();

    let mut obtained = 0.0;
    let mut applicable = 0.0;
    let mut complete = true;
    for line in groups.iter().flat_map(|g| &g.lines) {
        match line.obtained {
            Obtained::Points(points) => {
                obtained += points;
                applicable += line.max;
            }
            Obtained::Excluded => {}
            Obtained::Missing => complete = false,
        }
    }
    let obtained = to_hundredths(obtained);
    let base = if applicable > 0.0 { obtained / applicable * 100.0 } else { 0.0 };

    let special_deductions = record.findings.iter().filter(|f| f.special_deduction.is_some()).count();
    let special_bonuses = record
        .findings
        .iter()
        .filter(|f| f.special_bonus.is_some())
        .count()
        .min(scheme.special_bonus.max_count);
    let special_deduction_points = special_deductions as f64 * scheme.special_deduction.points;
    let special_bonus_points = special_bonuses as f64 * scheme.special_bonus.points;

    let unbounded = base - special_deduction_points + special_bonus_points;
    let scored = complete && applicable > 0.0;
    let total = scored.then(|| unbounded.clamp(0.0, 100.0));
    let bound = match scored {
        true if unbounded > 100.0 + EPSILON => Some(Bound::Ceiling),
        true if unbounded < -EPSILON => Some(Bound::Floor),
        _ => None,
    };
    let outcome = total.map(|total| outcome(total, special_deductions, scheme));

    ScoreSheet {
        groups,
        obtained,
        applicable,
        base,
        special_deductions,
        special_deduction_points,
        special_bonuses,
        special_bonus_points,
        total,
        bound,
        outcome,
    }
}

/// Pass or fail, and the level: the highest whose threshold the score reaches.
pub fn outcome(total: f64, special_deductions: usize, scheme: &Scheme) -> Outcome {
    let level = (total + EPSILON >= scheme.pass_score)
        .then(|| scheme.levels.iter().rposition(|level| total + EPSILON >= level.min))
        .flatten();
    let mut grounds = Vec::new();
    if level.is_none() {
        grounds.push(FailGround::ScoreBelowPass);
    }
    if special_deductions >= scheme.special_deduction.fail_count {
        grounds.push(FailGround::SpecialDeductions);
    }
    match level {
        Some(level) if grounds.is_empty() => Outcome::Passed { level },
        _ => Outcome::Failed { grounds },
    }
}

/// For tests: a record with every indicator at its maximum.
#[cfg(test)]
pub(crate) fn full_marks(scheme: &Scheme) -> Record {
    let mut record = Record::default();
    for indicator in scheme.indicators() {
        record.scores.insert(indicator.key.clone(), IndicatorScore::Stated(indicator.max));
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::record::{Finding, SpecialDeduction};

    fn level_name(sheet: &ScoreSheet, scheme: &Scheme) -> String {
        sheet.level().map(|l| scheme.levels[l].name.clone()).unwrap_or_default()
    }

    #[test]
    fn the_reference_report_scores_95_five_star() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        for (key, points) in [
            ("supervision", 6.0),
            ("improvement", 4.0),
            ("customer_relations", 14.0),
            ("complaint_handling", 8.0),
        ] {
            record.scores.insert(key.into(), IndicatorScore::Stated(points));
        }
        let sheet = score(&record, &scheme);
        assert_eq!(sheet.total, Some(95.0));
        assert_eq!(level_name(&sheet, &scheme), "五星级");
    }

    #[test]
    fn a_record_with_every_indicator_excluded_says_why_it_cannot_be_scored() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        for indicator in scheme.indicators() {
            record.scores.insert(indicator.key.clone(), IndicatorScore::Excluded);
        }
        let sheet = score(&record, &scheme);
        assert_eq!(sheet.result_text(&scheme), "无法评分（所有指标都已删减，没有适用的指标）");
        record.scores.remove("repair");
        let sheet = score(&record, &scheme);
        assert_eq!(sheet.result_text(&scheme), "尚未完成评分（有指标没有得分）");
    }

    #[test]
    fn exclusions_leave_the_applicable_total() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.scores.insert("recycling".into(), IndicatorScore::Excluded);
        record.scores.insert("repair".into(), IndicatorScore::Stated(5.0));
        let sheet = score(&record, &scheme);
        assert_eq!(sheet.applicable, 98.0);
        assert_eq!(sheet.obtained, 93.0);
        let total = sheet.total.unwrap();
        assert!((total - 93.0 / 98.0 * 100.0).abs() < 1e-9);
        assert_eq!(level_name(&sheet, &scheme), "四星级"); // 94.897… is not five-star
    }

    #[test]
    fn proportional_and_whole_deductions_derive_a_score() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.scores.insert("complaint_handling".into(), IndicatorScore::Derived);
        record.scores.insert("delivery".into(), IndicatorScore::Derived);
        record.findings = vec![
            Finding {
                deduction: Some(Deduction {
                    indicator: "complaint_handling".into(),
                    samples: Some(10),
                    nonconforming: Some(3),
                    ..Deduction::default()
                }),
                ..Finding::default()
            },
            Finding {
                deduction: Some(Deduction {
                    indicator: "delivery".into(),
                    whole: true,
                    ..Deduction::default()
                }),
                ..Finding::default()
            },
        ];
        let sheet = score(&record, &scheme);
        let obtained = |key: &str| sheet.lines().find(|l| l.key == key).unwrap().obtained;
        assert_eq!(obtained("complaint_handling"), Obtained::Points(7.0));
        assert_eq!(obtained("delivery"), Obtained::Points(0.0));
        assert_eq!(sheet.total, Some(93.0)); // 100 − 3 − 4
        assert_eq!(level_name(&sheet, &scheme), "四星级");
    }

    fn proportional(indicator: &str, samples: u32, nonconforming: u32) -> Finding {
        let deduction = Deduction {
            indicator: indicator.into(),
            samples: Some(samples),
            nonconforming: Some(nonconforming),
            ..Deduction::default()
        };
        Finding { deduction: Some(deduction), ..Finding::default() }
    }

    #[test]
    fn proportional_deductions_round_up_so_no_level_is_raised() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.scores.insert("repair".into(), IndicatorScore::Derived);
        record.scores.insert("quality_assurance".into(), IndicatorScore::Derived);
        record.findings = vec![proportional("repair", 29, 13), proportional("quality_assurance", 27, 2)];
        let sheet = score(&record, &scheme);
        let deducted = |key: &str| sheet.lines().find(|l| l.key == key).unwrap().deducted;
        assert_eq!((deducted("repair"), deducted("quality_assurance")), (4.49, 0.52));
        let exact = 100.0 - 10.0 * 13.0 / 29.0 - 7.0 * 2.0 / 27.0; // 94.9987…
        let total = sheet.total.unwrap();
        assert!(total <= exact, "{total} > {exact}");
        assert_eq!(format::points(total), "94.99");
        assert_eq!(level_name(&sheet, &scheme), "四星级");
    }

    #[test]
    fn a_deduction_of_whole_hundredths_is_not_rounded_up() {
        // 6 × 1/3 = 2 and 10 × 3/10 = 3 exactly, however the binary fractions fall.
        for (key, max, samples, bad, points) in
            [("staffing", 6.0, 3, 1, 2.0), ("repair", 10.0, 10, 3, 3.0), ("supervision", 7.0, 100, 1, 0.07)]
        {
            let finding = proportional(key, samples, bad);
            assert_eq!(deduction_points(finding.deduction.as_ref().unwrap(), max), points, "{key}");
        }
    }

    #[test]
    fn no_deduction_is_minus_zero() {
        let scheme = Scheme::builtin();
        let sheet = score(&full_marks(&scheme), &scheme);
        assert!(sheet.lines().all(|l| l.deducted.is_sign_positive()));
    }

    #[test]
    fn five_special_deductions_fail_a_96_point_report() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.scores.insert("repair".into(), IndicatorScore::Stated(6.0));
        let special = Finding { special_deduction: Some(SpecialDeduction::default()), ..Finding::default() };
        record.findings = vec![special.clone(); 4];
        let sheet = score(&record, &scheme);
        assert_eq!(sheet.total, Some(92.0));
        assert!(sheet.passed());
        record.findings.push(special);
        let sheet = score(&record, &scheme);
        assert_eq!(sheet.fail_grounds(), [FailGround::SpecialDeductions]);
        assert!(!sheet.passed());
    }

    #[test]
    fn at_most_one_bonus_counts() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.scores.insert("repair".into(), IndicatorScore::Stated(7.0));
        let bonus = Finding { special_bonus: Some("行业领先".into()), ..Finding::default() };
        record.findings = vec![bonus.clone(), bonus];
        let sheet = score(&record, &scheme);
        assert_eq!(sheet.special_bonuses, 1);
        assert_eq!(sheet.total, Some(98.0));
    }

    #[test]
    fn never_rounded_up_into_a_higher_level() {
        let scheme = Scheme::builtin();
        assert_eq!(outcome(94.9, 0, &scheme), Outcome::Passed { level: 2 });
        assert_eq!(outcome(94.999_99, 0, &scheme), Outcome::Passed { level: 2 });
        assert_eq!(outcome(95.0, 0, &scheme), Outcome::Passed { level: 3 });
        assert_eq!(outcome(69.9, 0, &scheme), Outcome::Failed { grounds: vec![FailGround::ScoreBelowPass] });
        assert_eq!(outcome(70.0, 4, &scheme), Outcome::Passed { level: 0 });
    }

    #[test]
    fn a_failing_score_fails() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.scores.insert("customer_relations".into(), IndicatorScore::Stated(0.0));
        record.scores.insert("complaint_handling".into(), IndicatorScore::Stated(0.0));
        record.scores.insert("repair".into(), IndicatorScore::Stated(4.0));
        let sheet = score(&record, &scheme);
        assert_eq!(sheet.total, Some(69.0));
        assert_eq!(sheet.fail_grounds(), [FailGround::ScoreBelowPass]);
    }

    #[test]
    fn a_missing_score_leaves_the_total_open() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.scores.remove("repair");
        let sheet = score(&record, &scheme);
        assert_eq!(sheet.total, None);
        assert_eq!(sheet.outcome, None);
    }
}
