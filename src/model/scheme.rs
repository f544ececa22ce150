//! The scoring scheme (评分体系): indicators, maxima, weights, levels and special rules as data.
//!
//! The built-in scheme of GB/T 27922-2011 is `schemes/gbt27922-2011.yaml`, embedded in the
//! binary. A record may name another scheme file; scoring, validation and the template work
//! from whichever scheme the record uses, so a new scheme needs no code change.

use std::sync::{Arc, OnceLock};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::base::diagnostic::Problem;
use crate::base::format;

/// The id of the built-in GB/T 27922-2011 scheme.
pub const BUILTIN_ID: &str = "gbt27922-2011";
pub(crate) const BUILTIN_SOURCE: &str = include_str!("../../schemes/gbt27922-2011.yaml");

/// The placeholders a scheme's texts may hold, each filled with a rule's number by
/// [`Scheme::fill`]: 每项扣分, 不合格项数, 每项加分, 最多加分项数, 合格分.
pub const PLACEHOLDERS: [&str; 5] =
    ["deduction_points", "deduction_fail_count", "bonus_points", "bonus_max_count", "pass_score"];

/// The first mistake in a text's `{placeholders}`: an unknown name, or a brace without its
/// pair (which [`Scheme::fill`] would leave in the report as it is).
fn placeholder_mistake(text: &str) -> Option<String> {
    let mut rest = text;
    loop {
        match (rest.find('{'), rest.find('}')) {
            (None, None) => return None,
            (None, Some(_)) => return Some("有多余的“}”".into()),
            (Some(open), Some(close)) if close < open => return Some("有多余的“}”".into()),
            (Some(_), None) => return Some("“{”没有配对的“}”".into()),
            (Some(open), Some(close)) => {
                let name = &rest[open + 1..close];
                if name.contains('{') {
                    return Some("“{”没有配对的“}”".into());
                }
                if !PLACEHOLDERS.contains(&name) {
                    return Some(format!("占位符 {{{name}}} 未知"));
                }
                rest = &rest[close + 1..];
            }
        }
    }
}

/// 评分结果's rules, worded from the scheme's numbers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LevelRules {
    /// 1) the minimum, and when an evaluation fails.
    pub minimum: String,
    /// 2) the lead-in of the levels.
    pub grading: String,
    /// a), b)…: one rule per level, lowest first.
    pub levels: Vec<String>,
}

/// A scoring scheme. 评分体系
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "评分体系",
    description = "评分体系：一级与二级指标、分值、特别扣分与加分规则、星级分数线及评分原则的文字。"
)]
pub struct Scheme {
    #[schemars(title = "标识", description = "评分体系的标识，例如 gbt27922-2011。")]
    pub id: String,
    /// The standard's number, printed the same way everywhere: `GB/T 27922-2011`.
    #[schemars(title = "标准编号", description = "封面及 1.8：标准编号，例如 GB/T 27922-2011。")]
    pub standard: String,
    /// 《商品售后服务评价体系》
    #[schemars(title = "标准名称", description = "标准名称，例如 《商品售后服务评价体系》。")]
    pub standard_title: String,
    /// The certified service, e.g. 售后服务; levels print as 五星级售后服务.
    #[schemars(
        title = "服务类型",
        description = "封面及星级：认证的服务，例如 售后服务（星级印作“五星级售后服务”）。"
    )]
    pub service_type: String,
    /// 一级指标 with their second-level indicators.
    #[schemars(title = "一级指标", description = "2 审查结果：一级指标及其二级指标。")]
    pub groups: Vec<IndicatorGroup>,
    #[schemars(title = "特别扣分规则", description = "2 评分原则 c)：特别扣分项的规则。")]
    pub special_deduction: SpecialDeductionRule,
    #[schemars(title = "特别加分规则", description = "2 评分原则 d)：特别加分项的规则。")]
    pub special_bonus: SpecialBonusRule,
    /// Below this score the evaluation fails.
    #[schemars(title = "合格分", description = "2 评分结果：低于此分为评价不合格。")]
    pub pass_score: f64,
    /// Ascending by `min`; the lowest is the pass level.
    #[schemars(title = "星级", description = "2 评分结果：星级及其最低分，由低到高排列。")]
    pub levels: Vec<Level>,
    /// 评分原则说明 a), b), … with placeholders for the rule numbers.
    #[schemars(
        title = "评分原则说明",
        description = "2 评分原则说明 a)、b)……，可含 {deduction_points} 等占位符。"
    )]
    pub principles: Vec<String>,
}

/// 一级指标
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "一级指标", description = "2 审查结果：一个一级指标。")]
pub struct IndicatorGroup {
    #[schemars(title = "名称", description = "一级指标名称，例如 服务体系。")]
    pub name: String,
    /// 分值 of the first-level indicator.
    #[schemars(title = "分值", description = "一级指标的分值，须等于其二级指标分值之和。")]
    pub weight: f64,
    #[schemars(title = "二级指标", description = "此一级指标下的二级指标。")]
    pub indicators: Vec<Indicator>,
}

/// 二级指标
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "二级指标", description = "2 审查结果：一个二级指标。")]
pub struct Indicator {
    /// The YAML key records use, e.g. `supervision`.
    #[schemars(title = "键", description = "记录中 scores 与 deduction 使用的键，例如 supervision。")]
    pub key: String,
    /// 监督
    #[schemars(title = "名称", description = "二级指标名称，例如 监督。")]
    pub name: String,
    /// 分值
    #[schemars(title = "分值", description = "二级指标的分值（满分）。")]
    pub max: f64,
}

impl Indicator {
    /// Whether a record's `name` stands for this indicator: its key or its Chinese name.
    pub fn is_named(&self, name: &str) -> bool {
        self.key == name || self.name == name
    }
}

/// 特别扣分项
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "特别扣分规则", description = "2 评分原则 c)。")]
pub struct SpecialDeductionRule {
    /// Points each special deduction costs.
    #[schemars(title = "每项扣分", description = "每个特别扣分项扣除的分数。")]
    pub points: f64,
    /// This many special deductions or more fail the evaluation.
    #[schemars(title = "不合格项数", description = "特别扣分项达到此数即评价不合格。")]
    pub fail_count: usize,
}

/// 特别加分项
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "特别加分规则", description = "2 评分原则 d)。")]
pub struct SpecialBonusRule {
    #[schemars(title = "每项加分", description = "每个特别加分项加的分数。")]
    pub points: f64,
    #[schemars(title = "最多项数", description = "最多计入的特别加分项个数。")]
    pub max_count: usize,
}

/// 星级
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "星级", description = "2 评分结果：一个星级。")]
pub struct Level {
    /// The YAML key records use, e.g. `five_star`.
    #[schemars(title = "键", description = "记录中 scope.level 使用的键，例如 five_star。")]
    pub key: String,
    /// 五星级
    #[schemars(title = "名称", description = "星级名称，例如 五星级。")]
    pub name: String,
    #[schemars(title = "最低分", description = "达到此分（含）即为此星级。")]
    pub min: f64,
}

impl Scheme {
    /// The built-in GB/T 27922-2011 scheme, parsed once per process.
    pub fn builtin() -> Arc<Scheme> {
        static BUILTIN: OnceLock<Arc<Scheme>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let scheme: Scheme =
                    serde_saphyr::from_str(BUILTIN_SOURCE).expect("the embedded scheme is valid YAML");
                scheme.check().expect("the embedded scheme is consistent");
                Arc::new(scheme)
            })
            .clone()
    }

    /// Checks what the types cannot: unique keys, ascending levels, weights that add up, a
    /// fail count that lets a report pass, placeholders that exist. The first problem, at the
    /// scheme's field it is about.
    pub fn check(&self) -> Result<(), Problem> {
        let mut keys = std::collections::HashSet::new();
        for (g, group) in self.groups.iter().enumerate() {
            if group.indicators.is_empty() {
                return Err(Problem::error(
                    format!("groups[{g}].indicators"),
                    format!("一级指标“{}”没有二级指标", group.name),
                )
                .expected("至少一个二级指标（key、name、max），或删去这个一级指标"));
            }
            // From +0: an empty sum of `f64` is −0.0, which would print as −0.
            let sum = group.indicators.iter().fold(0.0, |sum, i| sum + i.max);
            if (sum - group.weight).abs() > 1e-9 {
                return Err(Problem::error(
                    format!("groups[{g}].weight"),
                    format!(
                        "一级指标“{}”的分值 {} 与其二级指标分值之和 {} 不符",
                        group.name,
                        format::points(group.weight),
                        format::points(sum)
                    ),
                ));
            }
            for (i, indicator) in group.indicators.iter().enumerate() {
                if !keys.insert(indicator.key.as_str()) {
                    return Err(Problem::error(
                        format!("groups[{g}].indicators[{i}].key"),
                        format!("指标键“{}”重复", indicator.key),
                    ));
                }
                if indicator.max <= 0.0 {
                    return Err(Problem::error(
                        format!("groups[{g}].indicators[{i}].max"),
                        format!("指标“{}”的分值必须大于 0", indicator.name),
                    ));
                }
            }
        }
        if keys.is_empty() {
            return Err(Problem::error("groups", "评分体系没有任何指标"));
        }
        if self.levels.is_empty() || self.levels.windows(2).any(|w| w[0].min >= w[1].min) {
            return Err(Problem::error("levels", "星级必须至少一个，并按最低分从低到高排列"));
        }
        if self.levels[0].min < self.pass_score {
            return Err(Problem::error("levels[0].min", "最低星级的分数线不能低于合格分"));
        }
        // A score between the pass score and the lowest level would pass with no level: the
        // report would read “44 分，评价不合格：评分低于 0 分”.
        let lowest = &self.levels[0];
        if self.pass_score <= 0.0 || self.pass_score < lowest.min {
            let why = if self.pass_score <= 0.0 {
                "合格分须大于 0".to_owned()
            } else {
                format!(
                    "低于最低星级“{}”的分数线 {}：得分在两者之间的报告不低于合格分，却没有星级，会印成“评价不合格：评分低于 {} 分”",
                    lowest.name,
                    format::points(lowest.min),
                    format::points(self.pass_score)
                )
            };
            return Err(Problem::error(
                "pass_score",
                format!("合格分 pass_score 为 {}：{why}", format::points(self.pass_score)),
            )
            .expected(format!(
                "大于 0，且与最低星级的分数线相同：pass_score: {}",
                format::points(lowest.min)
            )));
        }
        if self.special_deduction.fail_count < 1 {
            return Err(Problem::error(
                "special_deduction.fail_count",
                format!(
                    "特别扣分项的不合格项数 fail_count 为 {}，那样每份报告都不合格：应至少为 1",
                    self.special_deduction.fail_count
                ),
            ));
        }
        for (i, text) in self.principles.iter().enumerate() {
            if let Some(mistake) = placeholder_mistake(text) {
                return Err(Problem::error(
                    format!("principles[{i}]"),
                    format!("评分原则说明第 {} 条：{mistake}", i + 1),
                )
                .expected(format!(
                    "占位符写作 {}；文字中不单独使用 {{ 或 }}",
                    PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>().join("、")
                )));
            }
        }
        Ok(())
    }

    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.groups.iter().flat_map(|g| &g.indicators)
    }

    /// The indicator a record names, by its key (`repair`) or its Chinese name (`维修`).
    pub fn indicator(&self, name: &str) -> Option<&Indicator> {
        self.indicators().find(|i| i.is_named(name))
    }

    /// The index of the level a record names, by its key (`five_star`) or name (`五星级`).
    pub fn level_index(&self, name: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.key == name || l.name == name)
    }

    /// The indicators, for messages: `organisation（组织架构）、staffing（人员配置）、…`.
    pub fn indicator_keys(&self) -> String {
        self.indicators().map(|i| format!("{}（{}）", i.key, i.name)).collect::<Vec<_>>().join("、")
    }

    /// The levels, for messages: `compliant（达标级）、…`.
    pub fn level_keys(&self) -> String {
        self.levels.iter().map(|l| format!("{}（{}）", l.key, l.name)).collect::<Vec<_>>().join("、")
    }

    /// A text of the scheme with its rule numbers filled in (the [`PLACEHOLDERS`]).
    pub fn fill(&self, text: &str) -> String {
        let values = [
            format::points(self.special_deduction.points),
            self.special_deduction.fail_count.to_string(),
            format::points(self.special_bonus.points),
            self.special_bonus.max_count.to_string(),
            format::points(self.pass_score),
        ];
        PLACEHOLDERS
            .iter()
            .zip(values)
            .fold(text.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), &value))
    }

    /// 评分结果 1) and 2): the pass rule and the level rules, worded from the numbers.
    pub fn level_rules(&self) -> LevelRules {
        let pass = format::points(self.pass_score);
        let fail = self.special_deduction.fail_count;
        LevelRules {
            minimum: format!(
                "评分达到 {pass} 分以上（含 {pass} 分）为标准的最低要求。{pass} 分以下或特别扣分项达到 {fail} 个以上（含 {fail} 个），为评价不合格。"
            ),
            grading: format!(
                "对于评分达到 {pass} 分以上（含 {pass} 分），且特别扣分项低于 {fail} 个的，按照以下要求进行级别划分："
            ),
            levels: self
                .levels
                .iter()
                .map(|level| {
                    let min = format::points(level.min);
                    format!("达到 {min} 分以上（含 {min} 分），{}{}", level.name, self.service_type)
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_scheme_has_fifteen_indicators_worth_one_hundred() {
        let scheme = Scheme::builtin();
        assert_eq!(scheme.indicators().count(), 15);
        let total: f64 = scheme.indicators().map(|i| i.max).sum();
        assert_eq!(total, 100.0);
        assert_eq!(scheme.standard, "GB/T 27922-2011");
    }

    #[test]
    fn a_scheme_that_fails_every_report_or_names_an_unknown_placeholder_is_refused() {
        let mut scheme = (*Scheme::builtin()).clone();
        scheme.special_deduction.fail_count = 0;
        let problem = scheme.check().unwrap_err();
        assert!(problem.message.contains("应至少为 1") && problem.path == "special_deduction.fail_count");
        for (text, mistake) in [
            ("{nope}", "占位符 {nope} 未知"),
            ("{bonus_points 分", "“{”没有配对的“}”"),
            ("{{bonus_points}}", "“{”没有配对的“}”"),
            ("}{", "有多余的“}”"),
            ("分}", "有多余的“}”"),
        ] {
            let mut scheme = (*Scheme::builtin()).clone();
            scheme.principles[1].push_str(text);
            let problem = scheme.check().unwrap_err();
            assert_eq!(problem.path, "principles[1]");
            assert!(problem.message.contains(&format!("第 2 条：{mistake}")), "{text}: {problem:?}");
            assert!(problem.expected.unwrap().contains("{deduction_points}、{deduction_fail_count}"));
        }
    }

    #[test]
    fn a_pass_score_below_the_lowest_level_or_not_above_0_is_refused_at_its_field() {
        for (pass, lowest, words) in [
            (0.0, 70.0, "合格分 pass_score 为 0：合格分须大于 0"),
            (-5.0, 70.0, "合格分 pass_score 为 −5：合格分须大于 0"),
            (0.0, 0.0, "合格分 pass_score 为 0：合格分须大于 0"),
            (60.0, 70.0, "低于最低星级“达标级”的分数线 70"),
        ] {
            let mut scheme = (*Scheme::builtin()).clone();
            scheme.pass_score = pass;
            scheme.levels[0].min = lowest;
            let problem = scheme.check().unwrap_err();
            assert_eq!(problem.path, "pass_score", "{pass}/{lowest}: {problem:?}");
            assert!(problem.message.contains(words), "{pass}/{lowest}: {problem:?}");
            assert!(problem.expected.unwrap().contains(&format!("pass_score: {}", format::points(lowest))));
        }
    }

    #[test]
    fn an_empty_group_is_refused_and_no_sum_reads_minus_0() {
        let mut scheme = (*Scheme::builtin()).clone();
        scheme.groups[2].indicators.clear();
        let problem = scheme.check().unwrap_err();
        assert_eq!(problem.path, "groups[2].indicators");
        assert_eq!(problem.message, "一级指标“顾客服务”没有二级指标");
        let mut scheme = (*Scheme::builtin()).clone();
        scheme.groups[2].weight = 24.5;
        let problem = scheme.check().unwrap_err();
        assert_eq!(problem.message, "一级指标“顾客服务”的分值 24.5 与其二级指标分值之和 25 不符");
    }

    #[test]
    fn texts_take_their_numbers_from_the_rules() {
        let scheme = Scheme::builtin();
        assert!(scheme.fill(&scheme.principles[2]).contains("扣除 1 分"));
        let rules = scheme.level_rules();
        assert!(rules.minimum.contains("特别扣分项达到 5 个以上（含 5 个）"));
        assert_eq!(rules.levels.last().unwrap(), "达到 95 分以上（含 95 分），五星级售后服务");
    }
}
