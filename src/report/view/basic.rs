//! Section 1, 基本信息: addresses, sites, purpose, scope, methods, team, changes, remote audit.

use schemars::JsonSchema;
use serde::Serialize;

use super::{CheckBox, boxes};
use crate::base::format;
use crate::base::markup::{Block, Prose, Run, plain_runs};
use crate::model::record::{AuditMethod, AuditType, Change, Record};
use crate::model::scheme::Scheme;
use crate::rules::decision::LevelChoice;

/// 1 基本信息
///
/// Section 1.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Basic {
    /// 1.3 工商注册地址
    ///
    /// The registered address.
    pub registered_address: String,
    /// 1.4 审查地址
    ///
    /// The audit address.
    pub audit_address: String,
    /// 1.5 单一场所
    ///
    /// The box 上述地址为单一场所组织.
    pub single_site: CheckBox,
    /// 1.5 多场所
    ///
    /// The box 多场所组织….
    pub multi_site: CheckBox,
    /// 1.5 固定分场所
    ///
    /// The branch sites (empty for a single site).
    pub sites: Vec<SiteView>,
    /// 1.6 联系方式
    ///
    /// The client's contact.
    pub contact: ContactView,
    /// 1.7 审查目的
    ///
    /// The registration recommended: three boxes.
    pub purpose: Vec<CheckBox>,
    /// 1.8 审查准则
    ///
    /// The criteria `1)`–`3)` (the standard's number kept whole).
    pub criteria: Vec<Criterion>,
    /// 1.9 审查范围
    ///
    /// The scope as printed: `S: 环保类设备销售的售后服务（五星级）`.
    pub scope: String,
    /// 1.9 审查组说明
    ///
    /// Why the team recommends a lower level than the score reaches, or `null`.
    pub scope_note: Option<String>,
    /// 1.10 审查方式
    ///
    /// The audit method: three boxes.
    pub methods: Vec<CheckBox>,
    /// 1.11 暗访评价方式
    ///
    /// The mystery-shopping lines.
    pub mystery: Vec<MysteryLine>,
    /// 1.12 本次审查时间
    ///
    /// The audit's days with their half days, as printed.
    pub audit_time: String,
    /// 1.12 覆盖的时期
    ///
    /// The period the audit covers, as printed.
    pub covered_period: String,
    /// 1.13 审查组成员
    ///
    /// The audit team's rows.
    pub team: Vec<TeamRow>,
    /// 1.14 组织变更信息
    ///
    /// The changes since the last audit.
    pub changes: ChangesView,
    /// 1.15 前一年内的情况
    ///
    /// The four 无/有 questions of the year before the audit.
    pub incidents: Vec<YesNo>,
    /// 1.16 审查风险
    ///
    /// The 无/有 question of the risks (its label is the whole 1.16 line).
    pub risks: YesNo,
    /// 1.17 远程审核
    ///
    /// The remote audit.
    pub remote: RemoteView,
    /// 评价抽样方法说明
    ///
    /// The sampling method statement.
    pub sampling: Vec<Block>,
}

/// 审查准则
///
/// One of 1.8's criteria: its number and its text (the standard's number kept whole).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Criterion {
    /// 编号
    ///
    /// Its number as printed: `1)`, `2)`, `3)`.
    pub number: String,
    /// 文字
    ///
    /// The criterion's runs.
    pub runs: Vec<Run>,
}

/// 分场所
///
/// A branch site.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SiteView {
    /// 序号
    ///
    /// The row's number, from `1`.
    pub number: String,
    /// 名称
    ///
    /// The site's name.
    pub name: String,
    /// 名称的词段
    ///
    /// The name in the pieces a line may break between, each kept whole where it fits:
    /// `重庆百环环保科技有限公司`, `成都分公司`, `售后服务中心`, `（成都市区域…）`.
    pub name_parts: Vec<String>,
    /// 地址
    ///
    /// The site's address.
    pub address: String,
}

/// What ends a piece of an organisation's name: a line of a table may break after it.
const NAME_ENDINGS: [&str; 9] = ["公司", "集团", "中心", "分部", "办事处", "营业部", "分店", "门店", "）"];

/// An organisation's name in the pieces a line may break between: after each of
/// [`NAME_ENDINGS`] and before an opening bracket, never inside a word of the name.
pub fn name_parts(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut rest = name;
    while let Some(c) = rest.chars().next() {
        if matches!(c, '（' | '(') && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        }
        current.push(c);
        rest = &rest[c.len_utf8()..];
        let ended = NAME_ENDINGS.iter().any(|ending| current.ends_with(ending)) || current.ends_with(')');
        // 公司 inside 分公司 or 有限公司 ends the longer word, not the shorter one.
        if ended && !rest.starts_with(['）', ')']) {
            parts.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

/// 联系方式
///
/// The client's contact (1.6).
#[derive(Debug, Serialize, JsonSchema)]
pub struct ContactView {
    /// 联系人
    ///
    /// The contact person.
    pub person: String,
    /// 职务
    ///
    /// Their title, or `null`: a blank to fill in.
    pub title: Option<String>,
    /// 电话
    ///
    /// The phone number (an identifier).
    pub phone: String,
    /// 邮箱
    ///
    /// The e-mail address (an identifier), or `null`: a blank to fill in.
    pub email: Option<String>,
}

/// 暗访评价方式
///
/// One line of 1.11: a box and its date range (blank when unticked).
#[derive(Debug, Serialize, JsonSchema)]
pub struct MysteryLine {
    /// 勾选框
    ///
    /// 现场, 非现场 or 不需要.
    pub check: CheckBox,
    /// 带日期
    ///
    /// Whether the line takes a date range (现场, 非现场) or is a box alone (不需要).
    pub dated: bool,
    /// 日期
    ///
    /// `2025 年 12 月 01 日至 2025 年 12 月 02 日`, or `null` for the blank form line.
    pub range: Option<String>,
}

/// 审查组成员
///
/// A row of the team table (1.13).
#[derive(Debug, Serialize, JsonSchema)]
pub struct TeamRow {
    /// 代码
    ///
    /// The member's code (`A`, `B` …).
    pub code: String,
    /// 姓名
    ///
    /// The member's name.
    pub name: String,
    /// 组内身份
    ///
    /// The role in words: 组长, 组员, 技术专家 ….
    pub role: String,
    /// 注册证书号
    ///
    /// The registration number (an identifier).
    pub registration: String,
    /// 专业代码
    ///
    /// The specialty code (an identifier).
    pub specialty: String,
    /// 联系电话
    ///
    /// The phone number (an identifier).
    pub phone: String,
}

/// 1.14 组织变更信息
///
/// The changes since the last audit (surveillance and recertification only).
#[derive(Debug, Serialize, JsonSchema)]
pub struct ChangesView {
    /// 适用
    ///
    /// Whether 1.14 applies (there was a previous audit).
    pub applicable: bool,
    /// 不适用时的文字
    ///
    /// When 1.14 does not apply, what its line says: the bold 不适用; empty otherwise.
    pub note: Vec<Run>,
    /// 组织名称或地址变更
    ///
    /// Name, registered and business address: runs with the unchanged ones' 无变更 in bold.
    pub name_address: Vec<Run>,
    /// 其它各项
    ///
    /// 组织机构变更, 管理层变更, 其它变更 (empty when 1.14 does not apply).
    pub others: Vec<LabelledChange>,
}

/// 变更项
///
/// A change of 1.14 with its label.
#[derive(Debug, Serialize, JsonSchema)]
pub struct LabelledChange {
    /// 项目
    ///
    /// 组织机构变更, 管理层变更 or 其它变更.
    pub label: String,
    /// 说明
    ///
    /// What changed; when nothing did, the bold words 无变更.
    pub text: Vec<Block>,
}

/// 无/有
///
/// A 无/有 question with its explanation.
#[derive(Debug, Serialize, JsonSchema)]
pub struct YesNo {
    /// 问题
    ///
    /// The question (for 1.16, the whole 1.16 line).
    pub label: String,
    /// 有
    ///
    /// Whether the answer is 有.
    pub present: bool,
    /// 勾选框
    ///
    /// The boxes 无 and 有, the answer ticked.
    pub boxes: Vec<CheckBox>,
    /// 说明
    ///
    /// The explanation (empty for 无: a blank to fill in).
    pub note: Vec<Block>,
}

/// 1.17 远程审核
///
/// The remote audit.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RemoteView {
    /// 适用
    ///
    /// Whether 1.17 applies (remote or combined audit).
    pub applicable: bool,
    /// 不适用时的文字
    ///
    /// What follows the 1.17 label: 不适用 when it does not apply, empty otherwise.
    pub note: Vec<Run>,
    /// 地点
    ///
    /// The location, or `null`: a blank line.
    pub location: Option<String>,
    /// 范围
    ///
    /// The scope, or `null`: a blank line.
    pub scope: Option<String>,
    /// 使用的 ICT 工具
    ///
    /// The ICT tools used; the bold 不适用 when 1.17 does not apply.
    pub ict_tools: Vec<Run>,
    /// 问题 2)–5)
    ///
    /// The four yes/no questions.
    pub questions: Vec<RemoteQuestion>,
}

/// 远程审核问题
///
/// One of 1.17's yes/no questions.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RemoteQuestion {
    /// 编号
    ///
    /// Its number as printed: `2)` … `5)`.
    pub number: String,
    /// 勾选框
    ///
    /// The boxes 是 and 否, the answer ticked (neither when 1.17 does not apply).
    pub boxes: Vec<CheckBox>,
    /// 问题
    ///
    /// The question.
    pub text: String,
    /// 需说明
    ///
    /// Whether the question asks for an explanation after "："; `note` holds it, or a blank.
    pub asks_note: bool,
    /// 说明
    ///
    /// The explanation, or `null`.
    pub note: Option<String>,
}

pub(super) fn basic(
    record: &Record,
    previous: Option<&Record>,
    scheme: &Scheme,
    scope_code: &str,
    level: Option<&LevelChoice>,
) -> Basic {
    let client = &record.client;
    let audit = &record.audit;
    let level_text = level.map(|l| format!("（{}）", l.level(scheme).name)).unwrap_or_default();
    Basic {
        registered_address: client.registered_address.clone(),
        audit_address: client.audit_address.clone(),
        single_site: CheckBox {
            label: "上述地址为单一场所组织".into(), checked: !client.is_multi_site()
        },
        multi_site: CheckBox {
            label: "多场所组织，包括上述地址的总部，以及下列固定分场所（包括名称与地址）：".into(),
            checked: client.is_multi_site(),
        },
        sites: client
            .sites
            .iter()
            .flatten()
            .zip(1..)
            .map(|(s, number): (_, u32)| SiteView {
                number: number.to_string(),
                name: s.name.clone(),
                name_parts: name_parts(&s.name),
                address: s.address.clone(),
            })
            .collect(),
        contact: ContactView {
            person: client.contact.person.clone(),
            title: client.contact.title.clone().filter(|t| !t.trim().is_empty()),
            phone: client.contact.phone.clone(),
            email: client.contact.email.clone().filter(|e| !e.trim().is_empty()),
        },
        purpose: boxes(["初次认证注册", "保持认证注册", "再认证注册"], |i| {
            AuditType::ALL[i] == record.audit_type
        }),
        criteria: [
            format!("{}（依据 {}《{}》）", scheme.service_type, scheme.standard, scheme.standard_title),
            "受审查方管理体系文件".into(),
            "适用的国家、行业及地方有关的法律法规及标准".into(),
        ]
        .iter()
        .zip(1..)
        .map(|(text, number): (_, u32)| Criterion { number: format!("{number})"), runs: plain_runs(text) })
        .collect(),
        scope: format!("{scope_code}: {}{level_text}", record.scope.text),
        scope_note: level.and_then(LevelChoice::reason).map(str::to_owned),
        methods: boxes(AuditMethod::ALL.map(AuditMethod::label), |i| AuditMethod::ALL[i] == audit.method),
        mystery: mystery(record),
        audit_time: format::date_half_range(audit.start, audit.end),
        covered_period: match audit.previous_end {
            Some(previous) => {
                format!("上次审查结束 {}（审查结束日）止", format::date_range(previous, audit.end.date))
            }
            None => format!("初次认证，无上次审查；至 {}（审查结束日）止", format::date(audit.end.date)),
        },
        team: audit
            .team
            .iter()
            .map(|m| TeamRow {
                code: m.code.clone(),
                name: m.name.clone(),
                role: m.role.label().into(),
                registration: m.registration.clone(),
                specialty: m.specialty.clone(),
                phone: m.phone.clone(),
            })
            .collect(),
        changes: if record.audit_type.follows_previous_audit() {
            changes(record, previous)
        } else {
            ChangesView {
                applicable: false,
                note: vec![Run::bold(NOT_APPLICABLE)],
                name_address: Vec::new(),
                others: Vec::new(),
            }
        },
        incidents: [
            ("现场评价前一年内发生的重大服务质量事故", &record.incidents.quality_accidents),
            ("现场评价前一年内发生的相关方投诉", &record.incidents.complaints),
            ("现场评价前一年内的服务质量政府监督抽查中存在的问题", &record.incidents.spot_checks),
            ("现场评价前一年内的服务质量政府执法检查中存在的问题", &record.incidents.law_enforcement),
        ]
        .into_iter()
        .map(|(label, note)| yes_no(label, note))
        .collect(),
        risks: yes_no(
            "审查风险及审查中遇到的可能影响审查结论的不确定因素和（或）障碍（适用时，如断电、火灾、洪灾……）",
            &record.risks,
        ),
        remote: remote(record),
        sampling: audit.sampling.blocks(),
    }
}

/// 不适用: what a part of the form that does not apply says.
const NOT_APPLICABLE: &str = "不适用";

/// The bold 无变更 of an item of 1.14 that did not change.
const UNCHANGED: &str = "无变更";

fn yes_no(label: &str, note: &Option<Prose>) -> YesNo {
    let present = note.as_ref().is_some_and(|n| !n.is_blank());
    YesNo {
        label: label.into(),
        present,
        boxes: boxes(["无", "有"], |i| (i == 1) == present),
        note: note.as_ref().map(Prose::blocks).unwrap_or_default(),
    }
}

fn mystery(record: &Record) -> Vec<MysteryLine> {
    let shopping = record.audit.mystery_shopping.as_ref();
    let on_site = shopping.and_then(|s| s.on_site);
    let off_site = shopping.and_then(|s| s.off_site);
    let line = |label: &str, range: Option<crate::model::record::DateRange>| MysteryLine {
        check: CheckBox { label: label.into(), checked: range.is_some() },
        dated: true,
        range: range.map(|r| format::date_range(r.from, r.to)),
    };
    vec![
        line("现场", on_site),
        line("非现场", off_site),
        MysteryLine {
            check: CheckBox { label: "不需要".into(), checked: on_site.is_none() && off_site.is_none() },
            dated: false,
            range: None,
        },
    ]
}

/// 1.14, as [`crate::rules::changes::effective`] works it out.
fn changes(record: &Record, previous: Option<&Record>) -> ChangesView {
    let changes = crate::rules::changes::effective(record, previous);
    let mut runs = Vec::new();
    let mut push = |text: String, bold: bool| runs.push(Run { text, bold, keep: false });
    let entries: [(&str, &Option<Change>); 3] = [
        ("组织名称", &changes.name),
        ("注册地", &changes.registered_address),
        ("经营地", &changes.business_address),
    ];
    for (i, (label, change)) in entries.into_iter().enumerate() {
        if i > 0 {
            push("；".into(), false);
        }
        match change {
            None => {
                push(label.into(), false);
                push(UNCHANGED.into(), true);
            }
            Some(change) => push(format!("{label}变更（原：{}；现：{}）", change.from, change.to), false),
        }
    }
    let other = |label: &str, text: &Option<Prose>| LabelledChange {
        label: label.into(),
        text: match text.as_ref().filter(|t| !t.is_blank()) {
            Some(text) => text.blocks(),
            None => vec![Block::Paragraph { runs: vec![Run::bold(UNCHANGED)] }],
        },
    };
    ChangesView {
        applicable: true,
        note: Vec::new(),
        name_address: runs,
        others: vec![
            other("组织机构变更", &changes.structure),
            other("管理层变更", &changes.management),
            other("其它变更", &changes.other),
        ],
    }
}

fn remote(record: &Record) -> RemoteView {
    let remote = record.remote_audit.as_ref();
    // A question without a note; with one, `Some(note)` (`None` inside: asked, not given).
    let question =
        |number: u8, answer: Option<bool>, text: &str, note: Option<Option<String>>| RemoteQuestion {
            number: format!("{number})"),
            boxes: boxes(["是", "否"], |i| answer == Some(i == 0)),
            text: text.into(),
            asks_note: note.is_some(),
            note: note.flatten(),
        };
    RemoteView {
        applicable: remote.is_some(),
        note: if remote.is_some() { Vec::new() } else { vec![Run::plain(NOT_APPLICABLE)] },
        location: remote.map(|r| r.location.clone()),
        scope: remote.map(|r| r.scope.clone()),
        ict_tools: match remote {
            Some(r) => vec![Run::plain(r.ict_tools.clone())],
            None => vec![Run::bold(NOT_APPLICABLE)],
        },
        questions: vec![
            question(2, remote.map(|r| r.security_agreement), "与审核方达成了信息安全协议；", None),
            question(
                3,
                remote.map(|r| r.obstacles.is_some()),
                "远程审核遇到可能降低审核结论可靠性的障碍，遇到可能影响审核任务完成的突发事件及可能带来的风险；如果填“是”请说明",
                Some(remote.and_then(|r| r.obstacles.clone())),
            ),
            question(4, remote.map(|r| r.ict_effective), "远程审核使用 ICT 有效，达到了审核目的；", None),
            question(
                5,
                remote.map(|r| r.supplementary_on_site.is_some()),
                "需要补充现场审核，如需补充请说明关注的内容",
                Some(remote.and_then(|r| r.supplementary_on_site.clone())),
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_breaks_only_between_its_words() {
        assert_eq!(
            name_parts(
                "重庆百环环保科技有限公司成都分公司售后服务中心（成都市区域备品备件仓储与技术支持站）"
            ),
            [
                "重庆百环环保科技有限公司",
                "成都分公司",
                "售后服务中心",
                "（成都市区域备品备件仓储与技术支持站）"
            ]
        );
        assert_eq!(name_parts("成都分公司"), ["成都分公司"]);
        assert_eq!(name_parts("某某（北京）有限公司"), ["某某", "（北京）", "有限公司"]);
        assert_eq!(name_parts("ACME (Asia) Ltd"), ["ACME ", "(Asia)", " Ltd"]);
    }
}
