//! The audit record (审查记录): what an auditor writes, one YAML file per audit.
//!
//! The types mirror the report's sections. Keys are English snake_case; unknown keys are
//! refused, so a typo never silently drops a fact. Prose fields (`Prose`) take paragraphs,
//! `**bold**` and `-` bullet lists. Nothing here computes: the score comes from
//! [`crate::score`], the cross-field rules from [`crate::validate`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::{Date, DateHalf};
use crate::markup::Prose;

/// One audit record. 审查记录
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// The certification body's profile file, relative to this record. 认证机构信息
    pub profile: String,
    /// The scoring scheme: a built-in id (default `gbt27922-2011`) or a `.yaml` file relative
    /// to this record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// Last year's record, relative to this one: 1.14's name and address changes are then
    /// computed from the two records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// 项目编号, e.g. `20913-2024-SA`.
    pub project_number: String,
    /// 审查类型
    pub audit_type: AuditType,
    /// 第几次监督审查 (1 or 2) of a surveillance audit; default 1. `next` uses it to know
    /// when recertification is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surveillance_number: Option<u8>,
    /// 受审查方
    pub client: Client,
    /// 1.9 审查范围
    pub scope: Scope,
    /// 1.10–1.13 and the sampling statement.
    pub audit: Audit,
    /// 1.14 组织变更信息 (surveillance and recertification only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Changes>,
    /// 1.15 the year before the audit.
    #[serde(default)]
    pub incidents: Incidents,
    /// 1.16 审查风险及不确定因素: absent means 无.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risks: Option<Prose>,
    /// 1.17 远程审核 (only when the method is remote or combined).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_audit: Option<RemoteAudit>,
    /// 2 the score of each second-level indicator, by the scheme's key.
    #[serde(default)]
    pub scores: BTreeMap<String, IndicatorScore>,
    /// 3 评价结果: the observations of the evaluation, by aspect.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// 3 the client's service system and this evaluation.
    #[serde(default)]
    pub overview: Overview,
    /// 3 内部评价: the client's own evaluation before the audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_evaluation: Option<InternalEvaluation>,
    /// 4 改进建议
    #[serde(default)]
    pub suggestions: Vec<SuggestionGroup>,
    /// 5 证书及标志使用 (surveillance and recertification only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_use: Option<Prose>,
    /// 6 评价结论
    #[serde(default)]
    pub conclusion: Conclusion,
}

/// 审查类型
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditType {
    /// 初次认证
    #[default]
    Initial,
    /// 监督审查, reported as 保持认证
    Surveillance,
    /// 再认证
    Recertification,
}

impl AuditType {
    pub const ALL: [AuditType; 3] = [AuditType::Initial, AuditType::Surveillance, AuditType::Recertification];

    /// The head's box label: 初次认证 / 保持认证 / 再认证.
    pub fn label(self) -> &'static str {
        match self {
            AuditType::Initial => "初次认证",
            AuditType::Surveillance => "保持认证",
            AuditType::Recertification => "再认证",
        }
    }

    /// Whether there was a previous audit: 1.14 and section 5 apply.
    pub fn follows_previous_audit(self) -> bool {
        self != AuditType::Initial
    }
}

/// 受审查方
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// 1.1 受审查方名称
    pub name: String,
    /// 1.3 工商注册地址
    pub registered_address: String,
    /// 1.4 审查地址 (the business address)
    pub audit_address: String,
    /// 1.5 固定分场所: empty for a single-site organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sites: Option<Vec<Site>>,
    /// 1.6 联系方式
    pub contact: Contact,
}

impl Client {
    pub fn is_multi_site(&self) -> bool {
        self.sites.is_some()
    }
}

/// 固定分场所
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub name: String,
    pub address: String,
}

/// 1.6 受审查组织联系方式
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// 联系人
    pub person: String,
    /// 职务
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// 电话
    pub phone: String,
    /// 邮箱
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// 1.9 审查范围
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// The scope text, e.g. 环保类设备销售的售后服务.
    pub text: String,
    /// The level recommended for the scope, by the scheme's key (e.g. `five_star`). Absent: the
    /// computed level. A lower level than the computed one needs `level_reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// Why the team recommends a lower level than the score reaches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_reason: Option<String>,
}

/// 1.10–1.13: how, when and by whom.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Audit {
    /// 1.10 审查方式
    pub method: AuditMethod,
    /// 1.11 暗访评价: absent means 不需要.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mystery_shopping: Option<MysteryShopping>,
    /// 1.12 本次审查时间: first half day.
    pub start: DateHalf,
    /// 1.12 本次审查时间: last half day.
    pub end: DateHalf,
    /// 1.12 上次审查结束: the previous audit's last day (not for an initial audit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_end: Option<Date>,
    /// 1.13 审查组成员
    pub team: Vec<TeamMember>,
    /// 评价抽样方法说明
    pub sampling: Prose,
}

/// 1.10 审查方式
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditMethod {
    /// 现场审核
    #[default]
    OnSite,
    /// 远程审核
    Remote,
    /// 现场结合远程审核
    Combined,
}

impl AuditMethod {
    pub const ALL: [AuditMethod; 3] = [AuditMethod::OnSite, AuditMethod::Remote, AuditMethod::Combined];

    pub fn label(self) -> &'static str {
        match self {
            AuditMethod::OnSite => "现场审核",
            AuditMethod::Remote => "远程审核",
            AuditMethod::Combined => "现场结合远程审核",
        }
    }

    /// Whether 1.17 applies.
    pub fn is_remote(self) -> bool {
        self != AuditMethod::OnSite
    }
}

/// 1.11 暗访评价方式
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MysteryShopping {
    /// 现场暗访
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_site: Option<DateRange>,
    /// 非现场暗访
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub off_site: Option<DateRange>,
}

/// From one day to another, both included.
#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DateRange {
    pub from: Date,
    pub to: Date,
}

/// 1.13 a member of the audit team.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    /// 代码, e.g. A.
    pub code: String,
    /// 姓名
    pub name: String,
    /// 组内身份
    pub role: TeamRole,
    /// 注册证书号
    #[serde(default)]
    pub registration: String,
    /// 专业代码
    #[serde(default)]
    pub specialty: String,
    /// 联系电话
    #[serde(default)]
    pub phone: String,
}

/// 组内身份
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    /// 组长
    Leader,
    /// 组员
    #[default]
    Member,
    /// 技术专家
    TechnicalExpert,
    /// 实习审查员
    Trainee,
    /// 观察员
    Observer,
}

impl TeamRole {
    pub fn label(self) -> &'static str {
        match self {
            TeamRole::Leader => "组长",
            TeamRole::Member => "组员",
            TeamRole::TechnicalExpert => "技术专家",
            TeamRole::Trainee => "实习审查员",
            TeamRole::Observer => "观察员",
        }
    }
}

/// 1.14 组织变更信息: an absent entry means 无变更.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    /// 组织名称变更
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Change>,
    /// 注册地变更
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_address: Option<Change>,
    /// 经营地变更 (the audit address)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_address: Option<Change>,
    /// 组织机构变更
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structure: Option<Prose>,
    /// 管理层变更
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management: Option<Prose>,
    /// 其它变更
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<Prose>,
}

/// A value that changed since the last audit: 原 → 现.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub from: String,
    pub to: String,
}

/// 1.15 in the year before the audit: absent means 无, text means 有 with that explanation.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Incidents {
    /// 重大服务质量事故
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality_accidents: Option<Prose>,
    /// 相关方投诉
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaints: Option<Prose>,
    /// 服务质量政府监督抽查中存在的问题
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_checks: Option<Prose>,
    /// 服务质量政府执法检查中存在的问题
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law_enforcement: Option<Prose>,
}

/// 1.17 远程审核
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteAudit {
    /// 地点
    pub location: String,
    /// 范围
    pub scope: String,
    /// 使用的 ICT 工具
    pub ict_tools: String,
    /// 2) 与审核方达成了信息安全协议
    pub security_agreement: bool,
    /// 3) 遇到可能降低审核结论可靠性的障碍: absent means 否.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obstacles: Option<String>,
    /// 4) 远程审核使用 ICT 有效，达到了审核目的
    pub ict_effective: bool,
    /// 5) 需要补充现场审核, with what it should look at: absent means 否.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplementary_on_site: Option<String>,
}

/// The score given to one indicator: a number, `excluded` (删减), or `derived` (maximum less
/// the deductions of its findings).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum IndicatorScore {
    /// 得分, as stated by the team.
    Stated(f64),
    /// 删减: not applicable to this client; its maximum leaves the applicable total.
    Excluded,
    /// Computed from the findings' deductions.
    Derived,
}

impl<'de> Deserialize<'de> for IndicatorScore {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = IndicatorScore;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("得分（数字）、excluded（删减）或 derived（按发现项扣分计算）")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<IndicatorScore, E> {
                Ok(IndicatorScore::Stated(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<IndicatorScore, E> {
                Ok(IndicatorScore::Stated(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<IndicatorScore, E> {
                Ok(IndicatorScore::Stated(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<IndicatorScore, E> {
                match v {
                    "excluded" | "删减" => Ok(IndicatorScore::Excluded),
                    "derived" => Ok(IndicatorScore::Derived),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for IndicatorScore {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            IndicatorScore::Stated(v) if v.fract() == 0.0 => s.serialize_i64(*v as i64),
            IndicatorScore::Stated(v) => s.serialize_f64(*v),
            IndicatorScore::Excluded => s.serialize_str("excluded"),
            IndicatorScore::Derived => s.serialize_str("derived"),
        }
    }
}

/// An observation of the evaluation (评价发现), printed in section 3 under its aspect. It may
/// cost points on one indicator, be a special deduction, or a special bonus.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// The aspect as the report heads it, e.g. 服务流程方面.
    pub aspect: String,
    /// What the team observed.
    pub text: Prose,
    /// 扣分: the points this finding costs one indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deduction: Option<Deduction>,
    /// 特别扣分项
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_deduction: Option<SpecialDeduction>,
    /// 特别加分项: the service advantage that earns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_bonus: Option<String>,
}

/// A deduction from one indicator: the whole value (`whole: true`), a number of `points`, or
/// proportional to nonconforming `samples` (principle b).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Deduction {
    /// The indicator's key in the scheme.
    pub indicator: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<f64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub whole: bool,
    /// 抽样数
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<u32>,
    /// 不符合样本数
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonconforming: Option<u32>,
}

/// 特别扣分项: −1 outside the indicator scores, with the corrective action it requires.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SpecialDeduction {
    /// Which of principle c)'s grounds applies.
    pub ground: SpecialGround,
    /// 整改要求
    pub corrective_action: String,
}

/// The grounds for a special deduction (principle c).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialGround {
    /// 不符合国家法律、法规的要求
    #[default]
    Law,
    /// 不符合企业有关服务制度的要求
    CompanyRules,
    /// 不符合行业专业性的特殊要求
    TradeRequirements,
    /// 对服务系统运行有影响的情况
    SystemOperation,
}

impl SpecialGround {
    pub fn label(self) -> &'static str {
        match self {
            SpecialGround::Law => "不符合国家法律、法规的要求",
            SpecialGround::CompanyRules => "不符合企业有关服务制度的要求",
            SpecialGround::TradeRequirements => "不符合行业专业性的特殊要求",
            SpecialGround::SystemOperation => "对服务系统运行有影响的情况",
        }
    }
}

/// Section 3's narratives.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Overview {
    /// 受评价方服务体系概述: the opening paragraph(s).
    #[serde(default)]
    pub introduction: Prose,
    /// For a multi-site (multi-name) organisation: how the sites are managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_site_management: Option<Prose>,
    /// 售前服务
    #[serde(default)]
    pub pre_sale: Prose,
    /// 售中服务
    #[serde(default)]
    pub in_sale: Prose,
    /// 售后服务
    #[serde(default)]
    pub after_sale: Prose,
    /// 评价方法
    #[serde(default)]
    pub methods: Prose,
    /// 总结与建议
    #[serde(default)]
    pub summary: Prose,
}

/// 内部评价: the client's own evaluation under the standard.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InternalEvaluation {
    /// 开展日期
    pub date: Date,
    /// 内部评价小组成员
    pub evaluators: Vec<String>,
    /// 企业内部的评价得分
    pub score: f64,
    /// The team's view of the internal evaluators' competence.
    pub assessment: Prose,
}

/// 4 improvement suggestions under one aspect.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SuggestionGroup {
    /// e.g. 服务流程方面
    pub aspect: String,
    pub items: Vec<Suggestion>,
}

/// One suggestion: a short bold lead and a sentence.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Suggestion {
    pub lead: String,
    pub text: Prose,
}

/// 6 评价结论
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Conclusion {
    /// Only for the cases the audit type does not decide: 恢复认证 or 变更认证范围.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<SpecialRecommendation>,
    /// 报告编制人
    #[serde(default)]
    pub author: String,
    /// 编制日期
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
}

/// The recommendations that do not follow from the audit type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialRecommendation {
    /// 恢复认证注册资格
    Restore,
    /// 变更认证范围
    ScopeChange,
}
