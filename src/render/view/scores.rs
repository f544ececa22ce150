//! Section 2, 服务认证审查结果: the score table, the principles, the calculation and the result.

use serde::Serialize;

use super::rules::{self, Lettered, LevelRulesView};
use crate::markup::Block;
use crate::record::Record;
use crate::scheme::{Scheme, number};
use crate::score::{Obtained, ScoreSheet};

#[derive(Debug, Serialize)]
pub struct ScoresView {
    pub groups: Vec<ScoreGroup>,
    pub special_deduction: ScoreExtra,
    pub special_bonus: ScoreExtra,
    pub total: String,
    /// a)–e)
    pub principles: Vec<Lettered>,
    pub calculation: String,
    pub level_rules: LevelRulesView,
    /// `95 分，五星级售后服务` or `68 分，不合格`.
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
    let total = sheet.total.map(number).unwrap_or_else(|| "—".into());
    let mut calculation = format!(
        "评价实得分数 = 实际得分 / 涉及项总分值 × 100 = {} / {} × 100 = {} 分",
        number(sheet.obtained),
        number(sheet.applicable),
        number(sheet.base)
    );
    if sheet.special_deductions > 0 || sheet.special_bonuses > 0 {
        calculation.push_str(&format!(
            "；扣除特别扣分项 {} 分、加上特别加分项 {} 分，最终得分 {total} 分",
            number(sheet.special_deduction_points),
            number(sheet.special_bonus_points)
        ));
    }
    let result = sheet.result_text(scheme);
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
    ScoresView {
        groups: sheet
            .groups
            .iter()
            .map(|g| ScoreGroup {
                name: g.name.clone(),
                weight: number(g.weight),
                rows: g
                    .lines
                    .iter()
                    .map(|l| ScoreRow {
                        name: l.name.clone(),
                        max: number(l.max),
                        score: match l.obtained {
                            Obtained::Points(p) => number(p),
                            Obtained::Excluded => "删减".into(),
                            Obtained::Missing => "—".into(),
                        },
                    })
                    .collect(),
            })
            .collect(),
        special_deduction: ScoreExtra {
            rule: format!("{} 项及以上不通过", scheme.special_deduction.fail_count),
            value: signed(-sheet.special_deduction_points),
        },
        special_bonus: ScoreExtra {
            rule: format!(
                "最多 {} 分",
                number(scheme.special_bonus.points * scheme.special_bonus.max_count as f64)
            ),
            value: signed(sheet.special_bonus_points),
        },
        total,
        principles: rules::principles(scheme),
        calculation,
        level_rules: rules::level_rules(scheme),
        result,
        special_items,
    }
}

/// `0`, `−2`, `+1`.
fn signed(value: f64) -> String {
    if value > 0.0 {
        format!("+{}", number(value))
    } else if value < 0.0 {
        format!("−{}", number(-value))
    } else {
        "0".into()
    }
}
