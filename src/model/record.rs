//! The audit record (审查记录): what an auditor writes, one YAML file per audit.
//!
//! The types mirror the report's sections. Keys are English snake_case; unknown keys are
//! refused, so a typo never silently drops a fact. Prose fields (`Prose`) take paragraphs,
//! `**bold**` and `-` bullet lists. Nothing here computes: the score comes from
//! [`crate::rules::score`], the cross-field rules from [`crate::rules::validate`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::base::date::{Date, DateHalf};
use crate::base::markup::Prose;

/// One audit record. 审查记录
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = crate::model::annotations::builtin_scheme_rules)]
#[schemars(
    title = "审查记录",
    description = "一次服务认证审查的记录（每次审查一个 YAML 文件），certreport 由它生成《服务认证审查报告》。"
)]
pub struct Record {
    /// The certification body's profile file, relative to this record. 认证机构信息
    #[schemars(
        title = "认证机构信息文件",
        description = "封面与页眉：认证机构信息文件（名称、地址、电话、邮编）的路径，相对于本记录文件，例如 cb-profile.yaml。"
    )]
    pub profile: String,
    /// The scoring scheme: a built-in id (default `gbt27922-2011`) or a `.yaml` file relative
    /// to this record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "评分体系",
        description = "2 审查结果：评分体系。不写即内置的 gbt27922-2011（GB/T 27922-2011）；也可写一个评分体系 .yaml 文件的路径（相对于本记录文件）。"
    )]
    pub scheme: Option<String>,
    /// Last year's record, relative to this one: 1.14's name and address changes are then
    /// computed from the two records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "上一次审查记录",
        description = "1.14 组织变更信息：上一次审查记录文件的路径（相对于本记录文件）。写上后，名称与地址的变更由两份记录比较得出。"
    )]
    pub previous: Option<String>,
    /// 项目编号, e.g. `20913-2024-SA`.
    #[schemars(title = "项目编号", description = "封面及 1.2 项目编号，例如 20913-2024-SA。")]
    pub project_number: String,
    /// 审查类型
    #[schemars(
        title = "审查类型",
        description = "封面及 1.7 审查目的：initial（初次认证）、surveillance（监督审查，报告中为保持认证）或 recertification（再认证）。"
    )]
    pub audit_type: AuditType,
    /// 第几次监督审查 (1 or 2) of a surveillance audit; default 1. `next` uses it to know
    /// when recertification is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "第几次监督审查",
        description = "审查类型为监督审查时：本周期内第几次监督审查（1 或 2），不写为 1。"
    )]
    pub surveillance_number: Option<u8>,
    /// 受审查方
    #[schemars(title = "受审查方", description = "1.1–1.6 受审查方的名称、地址、场所与联系方式。")]
    pub client: Client,
    /// 1.9 审查范围
    #[schemars(title = "审查范围", description = "1.9 审查范围及 6 评价结论中推荐的星级。")]
    pub scope: Scope,
    /// 1.10–1.13 and the sampling statement.
    #[schemars(
        title = "审查实施",
        description = "1.10 审查方式、1.11 暗访评价、1.12 审查时间、1.13 审查组成员及评价抽样方法说明。"
    )]
    pub audit: Audit,
    /// 1.14 组织变更信息 (surveillance and recertification only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "组织变更信息",
        description = "1.14 组织变更信息（监督审查和再认证适用）：未写的项目为“无变更”。"
    )]
    pub changes: Option<Changes>,
    /// 1.15 the year before the audit.
    #[serde(default)]
    #[schemars(
        title = "现场评价前一年内的情况",
        description = "1.15 现场评价前一年内的重大服务质量事故、相关方投诉、监督抽查与执法检查问题：未写的项目为“无”，写上说明即为“有”。"
    )]
    pub incidents: Incidents,
    /// 1.16 审查风险及不确定因素: absent means 无.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "审查风险及不确定因素",
        description = "1.16 审查风险及审查中遇到的可能影响审查结论的不确定因素和（或）障碍：不写即为“无”。"
    )]
    pub risks: Option<Prose>,
    /// 1.17 远程审核 (only when the method is remote or combined).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "远程审核",
        description = "1.17 远程审核（审查方式为远程审核或现场结合远程审核时填写）。"
    )]
    pub remote_audit: Option<RemoteAudit>,
    /// 2 the score of each second-level indicator, by the scheme's key.
    #[serde(default)]
    #[schemars(
        title = "二级指标得分",
        description = "2 审查结果：每个二级指标（以评分体系中的键表示）的得分：数字、excluded（删减）或 derived（按评价发现的扣分计算）。"
    )]
    pub scores: BTreeMap<String, IndicatorScore>,
    /// 3 评价结果: the observations of the evaluation, by aspect.
    #[serde(default)]
    #[schemars(
        title = "评价发现",
        description = "3 评价结果：按方面列出的评价发现；可带扣分、特别扣分项或特别加分项。"
    )]
    pub findings: Vec<Finding>,
    /// 3 the client's service system and this evaluation.
    #[serde(default)]
    #[schemars(
        title = "服务体系概述及本次评价概述",
        description = "3 受评价方服务体系概述及本次评价概述：概述、售前、售中、售后、评价方法、总结与建议。"
    )]
    pub overview: Overview,
    /// 3 内部评价: the client's own evaluation before the audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "内部评价",
        description = "3 内部评价人员能力：受评价方在审查前按标准开展的内部评价。"
    )]
    pub internal_evaluation: Option<InternalEvaluation>,
    /// 4 改进建议
    #[serde(default)]
    #[schemars(title = "改进建议", description = "4 改进建议：按方面分组的建议。")]
    pub suggestions: Vec<SuggestionGroup>,
    /// 5 证书及标志使用 (surveillance and recertification only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "证书及标志使用", description = "5 证书及标志使用情况（监督审查和再认证适用）。")]
    pub certificate_use: Option<Prose>,
    /// 6 评价结论
    #[serde(default)]
    #[schemars(title = "评价结论", description = "6 评价结论：特殊推荐意见、报告编制人与编制日期。")]
    pub conclusion: Conclusion,
}

/// 审查类型
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "审查类型", description = "封面及 1.7：初次认证、保持认证（监督审查）或再认证。")]
#[schemars(transform = crate::model::annotations::accept_titles)]
pub enum AuditType {
    /// 初次认证
    #[default]
    #[serde(alias = "初次认证")]
    #[schemars(title = "初次认证", description = "初次认证：推荐初次认证注册。")]
    Initial,
    /// 监督审查, reported as 保持认证
    #[serde(alias = "保持认证")]
    #[schemars(title = "保持认证", description = "监督审查，报告中为“保持认证”：推荐保持认证注册。")]
    Surveillance,
    /// 再认证
    #[serde(alias = "再认证")]
    #[schemars(title = "再认证", description = "再认证：推荐再认证注册。")]
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
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "受审查方", description = "1.1–1.6 受审查方的基本信息。")]
pub struct Client {
    /// 1.1 受审查方名称
    #[schemars(title = "受审查方名称", description = "1.1 受审查方名称，也印在封面的组织名称处。")]
    pub name: String,
    /// 1.3 工商注册地址
    #[schemars(title = "工商注册地址", description = "1.3 工商注册地址。")]
    pub registered_address: String,
    /// 1.4 审查地址 (the business address)
    #[schemars(title = "审查地址", description = "1.4 审查地址（经营地址）。")]
    pub audit_address: String,
    /// 1.5 固定分场所: empty for a single-site organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "固定分场所",
        description = "1.5 场所说明：多场所组织的固定分场所（名称与地址）；单一场所组织不写。"
    )]
    pub sites: Option<Vec<Site>>,
    /// 1.6 联系方式
    #[schemars(title = "联系方式", description = "1.6 受审查组织联系方式。")]
    pub contact: Contact,
}

impl Record {
    /// The score given to `indicator`, written under its key or its Chinese name.
    pub fn score_of(&self, indicator: &crate::model::scheme::Indicator) -> Option<&IndicatorScore> {
        self.scores.iter().find(|(name, _)| indicator.is_named(name)).map(|(_, score)| score)
    }
}

impl Client {
    pub fn is_multi_site(&self) -> bool {
        self.sites.is_some()
    }
}

/// 固定分场所
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "固定分场所", description = "1.5 多场所组织的一个固定分场所。")]
pub struct Site {
    #[schemars(title = "分场所名称", description = "1.5 固定分场所的名称。")]
    pub name: String,
    #[schemars(title = "分场所地址", description = "1.5 固定分场所的地址。")]
    pub address: String,
}

/// 1.6 受审查组织联系方式
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "联系方式", description = "1.6 受审查组织联系方式。")]
pub struct Contact {
    /// 联系人
    #[schemars(title = "联系人", description = "1.6 联系人姓名。")]
    pub person: String,
    /// 职务
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "职务", description = "1.6 联系人的职务（可不写）。")]
    pub title: Option<String>,
    /// 电话
    #[schemars(
        title = "电话",
        description = "1.6 联系电话，写成带引号的文字，例如 \"19123050876\" 或 \"023-6888 1234\"。"
    )]
    #[schemars(regex(pattern = crate::model::annotations::PHONE_PATTERN))]
    pub phone: String,
    /// 邮箱
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "邮箱", description = "1.6 电子邮箱，例如 name@example.com（可不写）。")]
    #[schemars(email)]
    pub email: Option<String>,
}

/// 1.9 审查范围
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "审查范围", description = "1.9 审查范围及推荐的星级。")]
pub struct Scope {
    /// The scope text, e.g. 环保类设备销售的售后服务.
    #[schemars(title = "审查范围", description = "1.9 审查范围的文字，例如 环保类设备销售的售后服务。")]
    pub text: String,
    /// The level recommended for the scope, by the scheme's key (e.g. `five_star`). Absent: the
    /// computed level. A lower level than the computed one needs `level_reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "推荐星级",
        description = "1.9 及 6 评价结论：推荐的星级（评分体系中的键，如 four_star 四星级）。不写即按得分计算；低于计算所得星级时须写 level_reason。"
    )]
    pub level: Option<String>,
    /// Why the team recommends a lower level than the score reaches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "降低星级的理由", description = "6 评价结论：审查组推荐低于得分所达星级的理由。")]
    pub level_reason: Option<String>,
}

/// 1.10–1.13: how, when and by whom.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "审查实施", description = "1.10–1.13 审查方式、暗访、时间与审查组。")]
pub struct Audit {
    /// 1.10 审查方式
    #[schemars(
        title = "审查方式",
        description = "1.10 审查方式：on_site（现场审核）、remote（远程审核）或 combined（现场结合远程审核）。"
    )]
    pub method: AuditMethod,
    /// 1.11 暗访评价: absent means 不需要.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "暗访评价方式",
        description = "1.11 暗访评价方式（必要时）：现场暗访与非现场暗访的起止日期；不写即为“不需要”。"
    )]
    pub mystery_shopping: Option<MysteryShopping>,
    /// 1.12 本次审查时间: first half day.
    #[schemars(
        title = "审查开始",
        description = "1.12 本次审查时间：第一个半天，写成日期加 am（上午）或 pm（下午），例如 2025-12-03 am。"
    )]
    pub start: DateHalf,
    /// 1.12 本次审查时间: last half day.
    #[schemars(title = "审查结束", description = "1.12 本次审查时间：最后一个半天，例如 2025-12-04 pm。")]
    pub end: DateHalf,
    /// 1.12 上次审查结束: the previous audit's last day (not for an initial audit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "上次审查结束日期",
        description = "1.12 现场审查覆盖的时期：上次审查的结束日期（初次认证不写），例如 2024-11-28。"
    )]
    pub previous_end: Option<Date>,
    /// 1.13 审查组成员
    #[schemars(title = "审查组成员", description = "1.13 审查组成员：恰好一名组长。")]
    pub team: Vec<TeamMember>,
    /// 评价抽样方法说明
    #[schemars(title = "评价抽样方法说明", description = "1.13 之后的评价抽样方法说明。")]
    pub sampling: Prose,
}

/// 1.10 审查方式
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "审查方式", description = "1.10 审查方式。")]
#[schemars(transform = crate::model::annotations::accept_titles)]
pub enum AuditMethod {
    /// 现场审核
    #[default]
    #[serde(alias = "现场审核")]
    #[schemars(title = "现场审核", description = "现场审核。")]
    OnSite,
    /// 远程审核
    #[serde(alias = "远程审核")]
    #[schemars(title = "远程审核", description = "远程审核（须填写 1.17 远程审核）。")]
    Remote,
    /// 现场结合远程审核 (also written 现场结合远程)
    #[serde(alias = "现场结合远程审核", alias = "现场结合远程")]
    #[schemars(title = "现场结合远程审核", description = "现场结合远程审核（须填写 1.17 远程审核）。")]
    #[schemars(extend("x-also" = ["现场结合远程"]))]
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
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "暗访评价方式", description = "1.11 暗访评价方式。")]
pub struct MysteryShopping {
    /// 现场暗访
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "现场暗访", description = "1.11 现场暗访的起止日期。")]
    pub on_site: Option<DateRange>,
    /// 非现场暗访
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "非现场暗访", description = "1.11 非现场暗访的起止日期。")]
    pub off_site: Option<DateRange>,
}

/// From one day to another, both included.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "起止日期", description = "从某日至某日（两日均包括在内）。")]
pub struct DateRange {
    #[schemars(title = "开始日期", description = "开始日期，例如 2025-11-20。")]
    pub from: Date,
    #[schemars(title = "结束日期", description = "结束日期，例如 2025-11-21。")]
    pub to: Date,
}

/// 1.13 a member of the audit team.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "审查组成员", description = "1.13 审查组成员表中的一行。")]
pub struct TeamMember {
    /// 代码, e.g. A.
    #[schemars(title = "代码", description = "1.13 成员代码，例如 A。")]
    pub code: String,
    /// 姓名
    #[schemars(title = "姓名", description = "1.13 成员姓名。")]
    pub name: String,
    /// 组内身份
    #[schemars(
        title = "组内身份",
        description = "1.13 组内身份：leader（组长）、member（组员）、technical_expert（技术专家）、trainee（实习审查员）或 observer（观察员）。"
    )]
    pub role: TeamRole,
    /// 注册证书号
    #[serde(default)]
    #[schemars(title = "注册证书号", description = "1.13 注册证书号，例如 2025-S1SC-3207381。")]
    pub registration: String,
    /// 专业代码
    #[serde(default)]
    #[schemars(title = "专业代码", description = "1.13 专业代码，写成带引号的文字，例如 \"02.01\"。")]
    pub specialty: String,
    /// 联系电话
    #[serde(default)]
    #[schemars(
        title = "联系电话",
        description = "1.13 成员的联系电话，写成带引号的文字，例如 \"15023289133\"。"
    )]
    #[schemars(regex(pattern = crate::model::annotations::PHONE_PATTERN))]
    pub phone: String,
}

/// 组内身份
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "组内身份", description = "1.13 组内身份。")]
#[schemars(transform = crate::model::annotations::accept_titles)]
pub enum TeamRole {
    /// 组长
    #[serde(alias = "组长")]
    #[schemars(title = "组长", description = "组长（每个审查组恰好一名）。")]
    Leader,
    /// 组员
    #[default]
    #[serde(alias = "组员")]
    #[schemars(title = "组员", description = "组员。")]
    Member,
    /// 技术专家
    #[serde(alias = "技术专家")]
    #[schemars(title = "技术专家", description = "技术专家。")]
    TechnicalExpert,
    /// 实习审查员
    #[serde(alias = "实习审查员")]
    #[schemars(title = "实习审查员", description = "实习审查员。")]
    Trainee,
    /// 观察员
    #[serde(alias = "观察员")]
    #[schemars(title = "观察员", description = "观察员。")]
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
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "组织变更信息", description = "1.14 组织变更信息：未写的项目为“无变更”。")]
pub struct Changes {
    /// 组织名称变更
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "组织名称变更", description = "1.14 组织名称变更：原名称与现名称。")]
    pub name: Option<Change>,
    /// 注册地变更
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "注册地变更", description = "1.14 注册地变更：原注册地址与现注册地址。")]
    pub registered_address: Option<Change>,
    /// 经营地变更 (the audit address)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "经营地变更", description = "1.14 经营地变更：原审查（经营）地址与现地址。")]
    pub business_address: Option<Change>,
    /// 组织机构变更
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "组织机构变更", description = "1.14 组织机构变更的说明。")]
    pub structure: Option<Prose>,
    /// 管理层变更
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "管理层变更", description = "1.14 管理层变更的说明。")]
    pub management: Option<Prose>,
    /// 其它变更
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "其它变更", description = "1.14 其它变更的说明。")]
    pub other: Option<Prose>,
}

/// A value that changed since the last audit: 原 → 现.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "变更", description = "自上次审查以来的变更：原 → 现。")]
pub struct Change {
    #[schemars(title = "原", description = "变更前（上次审查时）的内容。")]
    pub from: String,
    #[schemars(title = "现", description = "变更后（现在）的内容。")]
    pub to: String,
}

/// 1.15 in the year before the audit: absent means 无, text means 有 with that explanation.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "现场评价前一年内的情况", description = "1.15：未写的项目为“无”，写上说明即为“有”。")]
pub struct Incidents {
    /// 重大服务质量事故
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "重大服务质量事故",
        description = "1.15 现场评价前一年内发生的重大服务质量事故的说明。"
    )]
    pub quality_accidents: Option<Prose>,
    /// 相关方投诉
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "相关方投诉", description = "1.15 现场评价前一年内发生的相关方投诉的说明。")]
    pub complaints: Option<Prose>,
    /// 服务质量政府监督抽查中存在的问题
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "政府监督抽查中存在的问题",
        description = "1.15 现场评价前一年内的服务质量政府监督抽查中存在的问题的说明。"
    )]
    pub spot_checks: Option<Prose>,
    /// 服务质量政府执法检查中存在的问题
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "政府执法检查中存在的问题",
        description = "1.15 现场评价前一年内的服务质量政府执法检查中存在的问题的说明。"
    )]
    pub law_enforcement: Option<Prose>,
}

/// 1.17 远程审核
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "远程审核", description = "1.17 远程审核时适用。")]
pub struct RemoteAudit {
    /// 地点
    #[schemars(title = "地点", description = "1.17 1) 实施远程审核的地点。")]
    pub location: String,
    /// 范围
    #[schemars(title = "范围", description = "1.17 1) 远程审核的范围。")]
    pub scope: String,
    /// 使用的 ICT 工具
    #[schemars(title = "使用的 ICT 工具", description = "1.17 1) 使用的 ICT 工具，例如 腾讯会议。")]
    pub ict_tools: String,
    /// 2) 与审核方达成了信息安全协议
    #[schemars(
        title = "信息安全协议",
        description = "1.17 2) 与审核方达成了信息安全协议：true（是）或 false（否）。"
    )]
    pub security_agreement: bool,
    /// 3) 遇到可能降低审核结论可靠性的障碍: absent means 否.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "遇到的障碍",
        description = "1.17 3) 遇到可能降低审核结论可靠性的障碍的说明；不写即为“否”。"
    )]
    pub obstacles: Option<String>,
    /// 4) 远程审核使用 ICT 有效，达到了审核目的
    #[schemars(
        title = "ICT 有效",
        description = "1.17 4) 远程审核使用 ICT 有效，达到了审核目的：true（是）或 false（否）。"
    )]
    pub ict_effective: bool,
    /// 5) 需要补充现场审核, with what it should look at: absent means 否.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "需要补充现场审核",
        description = "1.17 5) 需要补充现场审核时，写明补充审核的内容；不写即为“否”。"
    )]
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
                    "derived" | "按扣分计算" => Ok(IndicatorScore::Derived),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for IndicatorScore {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IndicatorScore".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "title": "得分",
            "description": "2 审查结果：二级指标的得分（0 到该指标分值之间的数字）、excluded（删减）或 derived（按评价发现的扣分计算）。",
            "oneOf": [
                { "type": "number", "minimum": 0, "title": "得分", "description": "审查组给出的得分，不超过该指标的分值。" },
                { "enum": ["excluded", "删减"], "title": "删减", "description": "删减：不适用于受审查方，其分值不计入适用总分。" },
                { "enum": ["derived", "按扣分计算"], "title": "按扣分计算", "description": "由该指标的分值减去评价发现的扣分得出。" }
            ]
        })
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
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "评价发现",
    description = "3 评价结果中的一条评价发现，可扣某一指标的分，或为特别扣分项、特别加分项。"
)]
pub struct Finding {
    /// The aspect as the report heads it, e.g. 服务流程方面.
    #[schemars(title = "方面", description = "3 评价发现所属的方面（报告中的小标题），例如 服务流程方面。")]
    pub aspect: String,
    /// What the team observed.
    #[schemars(title = "评价发现", description = "3 审查组观察到的情况。")]
    pub text: Prose,
    /// 扣分: the points this finding costs one indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "扣分", description = "2 审查结果：此发现扣某一二级指标的分。")]
    pub deduction: Option<Deduction>,
    /// 特别扣分项
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "特别扣分项", description = "2 特别扣分项：评分之外扣分，并提出整改要求。")]
    pub special_deduction: Option<SpecialDeduction>,
    /// 特别加分项: the service advantage that earns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "特别加分项", description = "2 特别加分项：写明获得加分的服务优势。")]
    pub special_bonus: Option<String>,
}

/// A deduction from one indicator: the whole value (`whole: true`), a number of `points`, or
/// proportional to nonconforming `samples` (principle b).
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "扣分",
    description = "对一个二级指标的扣分：扣除全部分值（whole: true）、扣 points 分，或按不符合样本比例扣分（samples 与 nonconforming）。"
)]
pub struct Deduction {
    /// The indicator's key in the scheme.
    #[schemars(
        title = "指标",
        description = "2 被扣分的二级指标（评分体系中的键，例如 supervision 监督）。"
    )]
    pub indicator: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "扣分", description = "2 扣除的分数，例如 1。")]
    pub points: Option<f64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[schemars(
        title = "扣除全部分值",
        description = "2 评分原则 a)：不符合时扣除该指标的全部分值（true）。"
    )]
    pub whole: bool,
    /// 抽样数
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "抽样数", description = "2 评分原则 b)：抽查的样本数。")]
    pub samples: Option<u32>,
    /// 不符合样本数
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "不符合样本数",
        description = "2 评分原则 b)：不符合的样本数，扣分 = 分值 × 不符合样本数 ÷ 抽样数。"
    )]
    pub nonconforming: Option<u32>,
}

/// 特别扣分项: −1 outside the indicator scores, with the corrective action it requires.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "特别扣分项", description = "2 特别扣分项：评分之外扣分，并须整改。")]
pub struct SpecialDeduction {
    /// Which of principle c)'s grounds applies.
    #[schemars(title = "扣分依据", description = "2 评分原则 c)：特别扣分项的依据。")]
    pub ground: SpecialGround,
    /// 整改要求
    #[schemars(title = "整改要求", description = "3 对此特别扣分项的整改要求。")]
    pub corrective_action: String,
}

/// The grounds for a special deduction (principle c).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "特别扣分依据", description = "2 评分原则 c) 的依据。")]
#[schemars(transform = crate::model::annotations::accept_titles)]
pub enum SpecialGround {
    /// 不符合国家法律、法规的要求
    #[default]
    #[serde(alias = "不符合国家法律、法规的要求")]
    #[schemars(title = "不符合国家法律、法规的要求", description = "特别扣分依据 c) 1)。")]
    Law,
    /// 不符合企业有关服务制度的要求
    #[serde(alias = "不符合企业有关服务制度的要求")]
    #[schemars(title = "不符合企业有关服务制度的要求", description = "特别扣分依据 c) 2)。")]
    CompanyRules,
    /// 不符合行业专业性的特殊要求
    #[serde(alias = "不符合行业专业性的特殊要求")]
    #[schemars(title = "不符合行业专业性的特殊要求", description = "特别扣分依据 c) 3)。")]
    TradeRequirements,
    /// 对服务系统运行有影响的情况
    #[serde(alias = "对服务系统运行有影响的情况")]
    #[schemars(title = "对服务系统运行有影响的情况", description = "特别扣分依据 c) 4)。")]
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
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "服务体系概述及本次评价概述", description = "3 受评价方服务体系概述及本次评价概述。")]
pub struct Overview {
    /// 受评价方服务体系概述: the opening paragraph(s).
    #[serde(default)]
    #[schemars(title = "服务体系概述", description = "3 受评价方服务体系概述的开头段落。")]
    pub introduction: Prose,
    /// For a multi-site (multi-name) organisation: how the sites are managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "多场所管理", description = "3 多场所（多名称）组织：各场所如何管理。")]
    pub multi_site_management: Option<Prose>,
    /// 售前服务
    #[serde(default)]
    #[schemars(title = "售前服务", description = "3 售前服务的概述。")]
    pub pre_sale: Prose,
    /// 售中服务
    #[serde(default)]
    #[schemars(title = "售中服务", description = "3 售中服务的概述。")]
    pub in_sale: Prose,
    /// 售后服务
    #[serde(default)]
    #[schemars(title = "售后服务", description = "3 售后服务的概述。")]
    pub after_sale: Prose,
    /// 评价方法
    #[serde(default)]
    #[schemars(title = "评价方法", description = "3 本次评价采用的方法。")]
    pub methods: Prose,
    /// 总结与建议
    #[serde(default)]
    #[schemars(title = "总结与建议", description = "3 总结与建议。")]
    pub summary: Prose,
}

/// 内部评价: the client's own evaluation under the standard.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "内部评价", description = "3 内部评价人员能力：受评价方自己开展的内部评价。")]
pub struct InternalEvaluation {
    /// 开展日期
    #[schemars(
        title = "开展日期",
        description = "3 内部评价的开展日期，例如 2025-07-12（须早于审查开始）。"
    )]
    pub date: Date,
    /// 内部评价小组成员
    #[schemars(title = "内部评价小组成员", description = "3 内部评价小组成员的姓名，例如 [杨飞, 周莹]。")]
    pub evaluators: Vec<String>,
    /// 企业内部的评价得分
    #[schemars(title = "内部评价得分", description = "3 企业内部的评价得分（0–100）。")]
    #[schemars(range(min = 0, max = 100))]
    pub score: f64,
    /// The team's view of the internal evaluators' competence.
    #[schemars(title = "对内部评价人员能力的评价", description = "3 审查组对内部评价人员能力的看法。")]
    pub assessment: Prose,
}

/// 4 improvement suggestions under one aspect.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "改进建议（一个方面）", description = "4 改进建议中的一个方面及其建议。")]
pub struct SuggestionGroup {
    /// e.g. 服务流程方面
    #[schemars(title = "方面", description = "4 建议所属的方面，例如 服务流程方面。")]
    pub aspect: String,
    #[schemars(title = "建议", description = "4 此方面下的各条建议。")]
    pub items: Vec<Suggestion>,
}

/// One suggestion: a short bold lead and a sentence.
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "一条建议", description = "4 一条改进建议：加粗的要点和说明。")]
pub struct Suggestion {
    #[schemars(title = "要点", description = "4 建议的要点（加粗印出），例如 优化服务响应流程。")]
    pub lead: String,
    #[schemars(title = "说明", description = "4 建议的说明。")]
    pub text: Prose,
}

/// 6 评价结论
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "评价结论", description = "6 评价结论。")]
pub struct Conclusion {
    /// Only for the cases the audit type does not decide: 恢复认证 or 变更认证范围.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "特殊推荐意见",
        description = "6 审查类型不能决定的推荐意见：restore（恢复认证注册资格）或 scope_change（变更认证范围）；一般不写。"
    )]
    pub recommendation: Option<SpecialRecommendation>,
    /// 报告编制人
    #[serde(default)]
    #[schemars(title = "报告编制人", description = "6 报告编制人（签名处）。")]
    pub author: String,
    /// 编制日期
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(title = "编制日期", description = "6 报告编制日期，例如 2025-12-03（不早于审查结束）。")]
    pub date: Option<Date>,
}

/// The recommendations that do not follow from the audit type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(title = "特殊推荐意见", description = "6 评价结论中审查类型不能决定的推荐意见。")]
#[schemars(transform = crate::model::annotations::accept_titles)]
pub enum SpecialRecommendation {
    /// 恢复认证注册资格
    #[serde(alias = "恢复认证注册资格")]
    #[schemars(title = "恢复认证注册资格", description = "推荐恢复认证注册资格。")]
    Restore,
    /// 变更认证范围
    #[serde(alias = "变更认证范围")]
    #[schemars(title = "变更认证范围", description = "推荐变更认证范围。")]
    ScopeChange,
}
