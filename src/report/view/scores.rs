//! Section 2, 服务认证审查结果: the score table, the principles, the calculation and the result.
//!
//! Every figure is printed by [`crate::base::format`] from the hundredths the score keeps, so the rows
//! add up to 实际得分, the calculation line's parts give the total it prints, and a bonus the
//! 100-point cap swallows is said to be (see [`calculation`]).

use serde::Serialize;

use crate::base::format;
use crate::base::markup::Block;
use crate::model::record::Record;
use crate::model::scheme::{LevelRules, Scheme};
use crate::rules::score::{Bound, Obtained, ScoreSheet};

#[derive(Debug, Serialize)]
pub struct ScoresView {
    pub groups: Vec<ScoreGroup>,
    pub special_deduction: ScoreExtra,
    pub special_bonus: ScoreExtra,
    pub total: String,
    pub principles: Vec<String>,
    /// 评分计算: `实际得分 / 涉及项总分值 × 100 = …`, then the special items and the cap.
    pub calculation: String,
    /// 评分结果 1), 2) and one rule per level, each level's ending with its `；` or `。`.
    pub level_rules: LevelRules,
    /// `95 分，五星级售后服务`, or `68 分，评价不合格：` and every ground.
    pub result: String,
    /// The findings behind the special items, for the list under the table.
    pub special_items: Vec<SpecialItem>,
}

#[derive(Debug, Serialize)]
pub struct ScoreGroup {
    pub name: String,
    pub weight: String,
    pub rows: Vec<ScoreRow>,
}

#[derive(Debug, Serialize)]
pub struct ScoreRow {
    pub name: String,
    pub max: String,
    /// The score, `删减`, or `—` while missing.
    pub score: String,
}

#[derive(Debug, Serialize)]
pub struct ScoreExtra {
    pub rule: String,
    pub value: String,
}

#[derive(Debug, Serialize)]
pub struct SpecialItem {
    /// 特别扣分项 / 特别加分项
    pub kind: String,
    pub aspect: String,
    pub text: Vec<Block>,
    pub detail: String,
}

pub(super) fn scores(record: &Record, scheme: &Scheme, sheet: &ScoreSheet) -> ScoresView {
    let mut special_items = Vec::new();
    for finding in &record.findings {
        if let Some(special) = &finding.special_deduction {
            special_items.push(SpecialItem {
                kind: "特别扣分项".into(),
                aspect: finding.aspect.clone(),
                text: finding.text.blocks(),
                detail: format!("{}；整改要求：{}", special.ground.label(), special.corrective_action),
            });
        }
        if let Some(reason) = &finding.special_bonus {
            special_items.push(SpecialItem {
                kind: "特别加分项".into(),
                aspect: finding.aspect.clone(),
                text: finding.text.blocks(),
                detail: reason.clone(),
            });
        }
    }
    let mut level_rules = scheme.level_rules();
    let last = level_rules.levels.len().saturating_sub(1);
    for (i, rule) in level_rules.levels.iter_mut().enumerate() {
        rule.push(if i == last { '。' } else { '；' });
    }
    ScoresView {
        groups: sheet
            .groups
            .iter()
            .map(|g| ScoreGroup {
                name: g.name.clone(),
                weight: format::points(g.weight),
                rows: g
                    .lines
                    .iter()
                    .map(|l| ScoreRow {
                        name: l.name.clone(),
                        max: format::points(l.max),
                        score: match l.obtained {
                            Obtained::Points(p) => format::points(p),
                            Obtained::Excluded => "删减".into(),
                            Obtained::Missing => "—".into(),
                        },
                    })
                    .collect(),
            })
            .collect(),
        special_deduction: ScoreExtra {
            rule: format!("{} 项及以上不通过", scheme.special_deduction.fail_count),
            value: format::signed(-sheet.special_deduction_points),
        },
        special_bonus: ScoreExtra {
            rule: format!(
                "最多 {} 分",
                format::points(scheme.special_bonus.points * scheme.special_bonus.max_count as f64)
            ),
            value: format::signed(sheet.special_bonus_points),
        },
        total: sheet.total.map(format::points).unwrap_or_else(|| "—".into()),
        principles: scheme.principles.iter().map(|p| scheme.fill(p)).collect(),
        calculation: calculation(sheet),
        level_rules,
        result: sheet.result_text(scheme),
        special_items,
    }
}

/// 评分计算, worked from the printed figures so that each step holds as printed:
/// `… = 93.47 / 98 × 100 ≈ 95.37 分（保留两位小数，其后舍去）；最终得分 = 95.37 − 1（特别扣分项）
/// + 1（特别加分项）= 95.37 分`, and `，加分后超过 100 分，按 100 分计` when the cap applies.
fn calculation(sheet: &ScoreSheet) -> String {
    let (equals, cut) = if format::is_exact(sheet.base) {
        ("=", "")
    } else {
        ("≈", "（保留两位小数，其后舍去）")
    };
    let mut text = format!(
        "评价实得分数 = 实际得分 / 涉及项总分值 × 100 = {} / {} × 100 {equals} {} 分{cut}",
        format::points(sheet.obtained),
        format::points(sheet.applicable),
        format::points(sheet.base),
    );
    if sheet.special_deductions == 0 && sheet.special_bonuses == 0 {
        return text;
    }
    let mut sum = format::points(sheet.base);
    let mut hundredths = format::hundredths(sheet.base);
    if sheet.special_deductions > 0 {
        sum.push_str(&format!(" − {}（特别扣分项）", format::points(sheet.special_deduction_points)));
        hundredths -= format::hundredths(sheet.special_deduction_points);
    }
    if sheet.special_bonuses > 0 {
        sum.push_str(&format!(" + {}（特别加分项）", format::points(sheet.special_bonus_points)));
        hundredths += format::hundredths(sheet.special_bonus_points);
    }
    text.push_str(&format!("；最终得分 = {sum} = {} 分", format::points(hundredths as f64 / 100.0)));
    match sheet.bound {
        Some(Bound::Ceiling) => text.push_str("，加分后超过 100 分，按 100 分计"),
        Some(Bound::Floor) => text.push_str("，扣分后低于 0 分，按 0 分计"),
        None => {}
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::record::{Deduction, Finding, IndicatorScore, SpecialDeduction};
    use crate::report::view::overview::deduction_note;
    use crate::rules::score::{full_marks, score};

    /// A printed figure read back, in hundredths: `3.53` → 353, `−1` → −100.
    fn parse(text: &str) -> i64 {
        let text = text.trim();
        let (sign, text) = match text.strip_prefix(['−', '-', '+']) {
            Some(rest) if text.starts_with('+') => (1, rest),
            Some(rest) => (-1, rest),
            None => (1, text),
        };
        let (whole, part) = text.split_once('.').unwrap_or((text, ""));
        assert!(part.len() <= 2, "more than two decimals printed: {text}");
        let part = format!("{part:0<2}");
        sign * (whole.parse::<i64>().unwrap() * 100 + part.parse::<i64>().unwrap())
    }

    /// The number between `扣 ` and ` 分` of a finding's note.
    fn note_points(note: &str) -> i64 {
        let after = note.split_once("扣 ").unwrap().1;
        parse(after.split_once(" 分").unwrap().0)
    }

    fn proportional(indicator: &str, samples: u32, bad: u32) -> Finding {
        Finding {
            deduction: Some(Deduction {
                indicator: indicator.into(),
                samples: Some(samples),
                nonconforming: Some(bad),
                ..Deduction::default()
            }),
            ..Finding::default()
        }
    }

    /// Reads the printed scores view back and checks that every figure agrees with the others:
    /// notes and rows, rows and 实际得分, maxima and 涉及项总分值, each step of the calculation,
    /// the total, and the level the result names. Returns the view for further checks.
    fn assert_adds_up(record: &mut Record, scheme: &Scheme) -> ScoresView {
        for finding in &record.findings {
            if let Some(d) = &finding.deduction {
                record.scores.insert(d.indicator.clone(), IndicatorScore::Derived);
            }
        }
        let sheet = score(record, scheme);
        let view = scores(record, scheme, &sheet);
        let rows: Vec<(&str, &ScoreRow)> =
            sheet.lines().map(|l| l.key.as_str()).zip(view.groups.iter().flat_map(|g| &g.rows)).collect();
        // Each derived row is its maximum less the deductions its findings' notes print.
        for (key, row) in &rows {
            let noted: i64 = record
                .findings
                .iter()
                .filter_map(|f| f.deduction.as_ref())
                .filter(|d| d.indicator == *key)
                .map(|d| note_points(&deduction_note(d, scheme).unwrap()))
                .sum();
            if noted > 0 {
                assert_eq!(
                    parse(&row.score),
                    (parse(&row.max) - noted).max(0),
                    "{key}: {}",
                    view.calculation
                );
            }
        }
        // 实际得分 and 涉及项总分值 are the sums of the printed rows and maxima.
        let counted = rows.iter().filter(|(_, r)| r.score != "删减");
        let obtained: i64 = counted.clone().map(|(_, r)| parse(&r.score)).sum();
        let applicable: i64 = counted.map(|(_, r)| parse(&r.max)).sum();
        let (first, last) = view.calculation.split_once("；最终得分 = ").unwrap_or((&view.calculation, ""));
        let steps = first.split_once("涉及项总分值 × 100 = ").unwrap().1;
        let steps: Vec<&str> = steps.split_once(" 分").unwrap().0.split(' ').collect();
        let [a, "/", b, "×", "100", equals, base] = steps[..] else { panic!("{}", view.calculation) };
        assert_eq!((parse(a), parse(b)), (obtained, applicable), "{}", view.calculation);
        // obtained / applicable × 100: exact with =, cut to hundredths with ≈ (and said so).
        let exact = obtained * 10_000;
        match equals {
            "=" => assert_eq!(parse(base) * applicable, exact, "{}", view.calculation),
            "≈" => {
                assert_eq!(parse(base), exact.div_euclid(applicable), "{}", view.calculation);
                assert!(first.contains("保留两位小数，其后舍去"), "{}", view.calculation);
            }
            _ => panic!("{}", view.calculation),
        }
        // The special items: base − deductions + bonus = the figure printed, then the cap.
        let mut unbounded = parse(base);
        if !last.is_empty() {
            let sum =
                last.split_once(" 分").unwrap().0.replace("（特别扣分项）", "").replace("（特别加分项）", "");
            let tokens: Vec<&str> = sum.split(' ').collect();
            assert_eq!(parse(tokens[0]), parse(base));
            for pair in tokens[1..tokens.len() - 2].chunks(2) {
                match pair {
                    ["−", d] => unbounded -= parse(d),
                    ["+", b] => unbounded += parse(b),
                    _ => panic!("{}", view.calculation),
                }
            }
            assert_eq!(tokens[tokens.len() - 2], "=");
            assert_eq!(parse(tokens[tokens.len() - 1]), unbounded, "{}", view.calculation);
            assert_eq!(
                parse(&view.special_deduction.value) + parse(&view.special_bonus.value),
                unbounded - parse(base)
            );
        }
        let total = parse(&view.total);
        assert_eq!(total, unbounded.clamp(0, 10_000), "{}", view.calculation);
        assert_eq!(unbounded > 10_000, view.calculation.contains("加分后超过 100 分，按 100 分计"));
        // The result prints the same total, and a level the printed total reaches but not the next.
        assert_eq!(parse(view.result.split_once(" 分").unwrap().0), total, "{}", view.result);
        if let Some(level) = sheet.level() {
            assert!(total >= parse(&format::points(scheme.levels[level].min)), "{}", view.result);
            if let Some(next) = scheme.levels.get(level + 1) {
                assert!(total < parse(&format::points(next.min)), "{}", view.result);
            }
        }
        view
    }

    #[test]
    fn one_third_of_ten_prints_as_a_deduction_and_a_row_that_agree() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.findings = vec![proportional("complaint_handling", 3, 1)];
        let view = assert_adds_up(&mut record, &scheme);
        assert_eq!(
            deduction_note(record.findings[0].deduction.as_ref().unwrap(), &scheme).unwrap(),
            "（投诉处理扣 3.33 分：抽样 3 个，不符合 1 个）"
        );
        assert_eq!(view.groups[2].rows[1].score, "6.67");
        assert_eq!(view.total, "96.67");
        assert!(view.calculation.ends_with("= 96.67 / 100 × 100 = 96.67 分"), "{}", view.calculation);
    }

    #[test]
    fn the_issue_s_3_53_deduction_leaves_6_47() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.findings = vec![proportional("complaint_handling", 17, 6)]; // 10 × 6 / 17 = 3.529…
        let view = assert_adds_up(&mut record, &scheme);
        assert_eq!(view.groups[2].rows[1].score, "6.47");
    }

    #[test]
    fn several_proportional_deductions_in_one_group_add_up() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.findings = vec![
            proportional("staffing", 7, 1),
            proportional("staffing", 9, 2),
            proportional("supervision", 3, 2),
            proportional("improvement", 6, 1),
            proportional("service_culture", 11, 4),
        ];
        let view = assert_adds_up(&mut record, &scheme);
        assert_eq!(view.groups[0].rows[1].score, "3.81"); // 6 − 0.86 − 1.33
    }

    #[test]
    fn exclusions_make_an_inexact_base_that_is_cut_and_said_so() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.findings = vec![proportional("complaint_handling", 17, 6), proportional("repair", 7, 3)];
        assert_adds_up(&mut record, &scheme);
        record.scores.insert("recycling".into(), IndicatorScore::Excluded);
        record.scores.insert("delivery".into(), IndicatorScore::Excluded);
        let view = assert_adds_up(&mut record, &scheme);
        assert!(view.calculation.contains("/ 94 × 100 ≈"), "{}", view.calculation);
    }

    #[test]
    fn a_bonus_on_100_says_the_cap_applied() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.findings = vec![Finding { special_bonus: Some("行业领先".into()), ..Finding::default() }];
        let view = assert_adds_up(&mut record, &scheme);
        assert_eq!(view.total, "100");
        assert!(
            view.calculation
                .ends_with("；最终得分 = 100 + 1（特别加分项） = 101 分，加分后超过 100 分，按 100 分计"),
            "{}",
            view.calculation
        );
    }

    #[test]
    fn every_ground_for_failing_is_named() {
        let scheme = Scheme::builtin();
        let mut record = full_marks(&scheme);
        record.scores.insert("customer_relations".into(), IndicatorScore::Stated(0.0));
        record.scores.insert("complaint_handling".into(), IndicatorScore::Stated(0.0));
        let special = Finding { special_deduction: Some(SpecialDeduction::default()), ..Finding::default() };
        record.findings = vec![special; 5];
        let view = assert_adds_up(&mut record, &scheme);
        assert_eq!(view.result, "70 分，评价不合格：特别扣分项 5 个，达到 5 个以上（含 5 个）");
        record.scores.insert("repair".into(), IndicatorScore::Stated(6.0));
        let view = assert_adds_up(&mut record, &scheme);
        assert_eq!(
            view.result,
            "66 分，评价不合格：评分低于 70 分；特别扣分项 5 个，达到 5 个以上（含 5 个）"
        );
        record.findings.pop();
        let view = assert_adds_up(&mut record, &scheme);
        assert_eq!(view.result, "67 分，评价不合格：评分低于 70 分");
    }

    #[test]
    fn any_sampling_with_or_without_exclusions_adds_up() {
        let scheme = Scheme::builtin();
        for samples in 1..=12 {
            for bad in 0..=samples {
                for excluded in [None, Some("recycling"), Some("customer_relations")] {
                    let mut record = full_marks(&scheme);
                    if let Some(key) = excluded {
                        record.scores.insert(key.into(), IndicatorScore::Excluded);
                    }
                    record.findings = vec![
                        proportional("complaint_handling", samples, bad),
                        proportional("staffing", samples + 1, bad),
                        proportional("staffing", 7, 3),
                    ];
                    if bad % 3 == 0 {
                        record
                            .findings
                            .push(Finding { special_bonus: Some("领先".into()), ..Finding::default() });
                    }
                    if bad % 4 == 1 {
                        record.findings.push(Finding {
                            special_deduction: Some(SpecialDeduction::default()),
                            ..Finding::default()
                        });
                    }
                    assert_adds_up(&mut record, &scheme);
                }
            }
        }
    }
}
