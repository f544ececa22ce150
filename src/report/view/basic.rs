//! Section 1, 基本信息: addresses, sites, purpose, scope, methods, team, changes, remote audit.

use serde::Serialize;

use super::{CheckBox, boxes};
use crate::base::format;
use crate::base::markup::{Block, Prose, Run, plain_runs};
use crate::model::record::{AuditMethod, AuditType, Change, Record};
use crate::model::scheme::Scheme;
use crate::rules::decision::LevelChoice;

#[derive(Debug, Serialize)]
pub struct Basic {
    pub registered_address: String,
    pub audit_address: String,
    /// 1.5 上述地址为单一场所组织
    pub single_site: CheckBox,
    /// 1.5 多场所组织…
    pub multi_site: CheckBox,
    pub sites: Vec<SiteView>,
    pub contact: ContactView,
    /// 1.7
    pub purpose: Vec<CheckBox>,
    /// 1.8 1)–3)
    pub criteria: Vec<Criterion>,
    /// 1.9 `S: 环保类设备销售的售后服务（五星级）`
    pub scope: String,
    /// Why the team recommends a lower level than the score reaches.
    pub scope_note: Option<String>,
    /// 1.10
    pub methods: Vec<CheckBox>,
    /// 1.11
    pub mystery: Vec<MysteryLine>,
    /// 1.12
    pub audit_time: String,
    pub covered_period: String,
    /// 1.13
    pub team: Vec<TeamRow>,
    /// 1.14; `None` when it does not apply.
    pub changes: Option<ChangesView>,
    /// 1.15
    pub incidents: Vec<YesNo>,
    /// 1.16
    pub risks: YesNo,
    /// 1.17
    pub remote: RemoteView,
    pub sampling: Vec<Block>,
}

/// One of 1.8's criteria: its number and its text (the standard's number kept whole).
#[derive(Debug, Serialize)]
pub struct Criterion {
    pub number: String,
    pub runs: Vec<Run>,
}

#[derive(Debug, Serialize)]
pub struct SiteView {
    /// 序号
    pub number: String,
    pub name: String,
    pub address: String,
}

#[derive(Debug, Serialize)]
pub struct ContactView {
    pub person: String,
    /// `None`: a blank to fill in.
    pub title: Option<String>,
    pub phone: String,
    /// `None`: a blank to fill in.
    pub email: Option<String>,
}

/// One line of 1.11: a box and its date range (blank when unticked).
#[derive(Debug, Serialize)]
pub struct MysteryLine {
    pub check: CheckBox,
    /// Whether the line takes a date range (现场, 非现场) or is a box alone (不需要).
    pub dated: bool,
    /// `2025 年 12 月 01 日至 2025 年 12 月 02 日`, or `None` for the blank form line.
    pub range: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TeamRow {
    pub code: String,
    pub name: String,
    pub role: String,
    pub registration: String,
    pub specialty: String,
    pub phone: String,
}

#[derive(Debug, Serialize)]
pub struct ChangesView {
    /// 组织名称或地址变更: runs with the unchanged parts in bold.
    pub name_address: Vec<Run>,
    /// 组织机构变更, 管理层变更, 其它变更: `None` prints 无变更.
    pub others: Vec<LabelledChange>,
}

#[derive(Debug, Serialize)]
pub struct LabelledChange {
    pub label: String,
    pub text: Option<Vec<Block>>,
}

/// A 无/有 question with its explanation.
#[derive(Debug, Serialize)]
pub struct YesNo {
    /// The question (for 1.16, the whole 1.16 line).
    pub label: String,
    pub present: bool,
    pub note: Vec<Block>,
}

#[derive(Debug, Serialize)]
pub struct RemoteView {
    pub applicable: bool,
    /// `None`: a blank line.
    pub location: Option<String>,
    /// `None`: a blank line.
    pub scope: Option<String>,
    pub ict_tools: String,
    /// 2)–5): `None` leaves both boxes empty (not applicable).
    pub questions: Vec<RemoteQuestion>,
}

#[derive(Debug, Serialize)]
pub struct RemoteQuestion {
    pub number: u8,
    /// The 是 box ticked.
    pub yes: bool,
    /// The 否 box ticked (neither when 1.17 does not apply).
    pub no: bool,
    pub text: String,
    /// Whether the question asks for an explanation after "："; `note` holds it, or a blank.
    pub asks_note: bool,
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
        .map(|(text, number): (_, u32)| Criterion { number: number.to_string(), runs: plain_runs(text) })
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
        changes: record.audit_type.follows_previous_audit().then(|| changes(record, previous)),
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

fn yes_no(label: &str, note: &Option<Prose>) -> YesNo {
    YesNo {
        label: label.into(),
        present: note.as_ref().is_some_and(|n| !n.is_blank()),
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
                push("无变更".into(), true);
            }
            Some(change) => push(format!("{label}变更（原：{}；现：{}）", change.from, change.to), false),
        }
    }
    let other = |label: &str, text: &Option<Prose>| LabelledChange {
        label: label.into(),
        text: text.as_ref().filter(|t| !t.is_blank()).map(Prose::blocks),
    };
    ChangesView {
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
            number,
            yes: answer == Some(true),
            no: answer == Some(false),
            text: text.into(),
            asks_note: note.is_some(),
            note: note.flatten(),
        };
    RemoteView {
        applicable: remote.is_some(),
        location: remote.map(|r| r.location.clone()),
        scope: remote.map(|r| r.scope.clone()),
        ict_tools: remote.map(|r| r.ict_tools.clone()).unwrap_or_else(|| "不适用".into()),
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
