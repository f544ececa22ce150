//! The report as data: what the template prints, fully worked out.
//!
//! [`ReportView`] is built from a record, its profile, its scheme and its score sheet, and
//! serialized to the virtual `/data.json`. Every figure, box and sentence that depends on the
//! record is decided here; the template only lays it out. Prose arrives as [`Block`]s.

use serde::Serialize;

use crate::date::Date;
use crate::load::LoadedRecord;
use crate::markup::{Block, Prose, Run, plain_runs};
use crate::record::{AuditMethod, AuditType, Change, Record, SpecialRecommendation};
use crate::scheme::{Scheme, number};
use crate::score::{Obtained, ScoreSheet};

/// A check box: ■ when ticked, □ when not.
#[derive(Debug, Serialize)]
pub struct CheckBox {
    pub label: String,
    pub checked: bool,
}

fn boxes<'a>(labels: impl IntoIterator<Item = &'a str>, checked: impl Fn(usize) -> bool) -> Vec<CheckBox> {
    labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| CheckBox { label: label.to_owned(), checked: checked(i) })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct ReportView {
    pub meta: Meta,
    pub cb: CbView,
    pub head: Head,
    pub basic: Basic,
    pub scores: ScoresView,
    pub overview: OverviewView,
    pub suggestions: Vec<SuggestionGroupView>,
    /// `None`: section 5 does not apply (initial audit).
    pub certificate_use: Option<Vec<Block>>,
    pub conclusion: ConclusionView,
}

/// PDF metadata.
#[derive(Debug, Serialize)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub keywords: Vec<String>,
    /// The report date, for the template's `datetime`.
    pub date: YearMonthDay,
    /// The report date, for the PDF's own metadata.
    #[serde(skip)]
    pub report_date: Date,
}

/// A date as the template's `datetime` takes it.
#[derive(Debug, Serialize)]
pub struct YearMonthDay {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

/// The certification body.
#[derive(Debug, Serialize)]
pub struct CbView {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub post_code: String,
}

#[derive(Debug, Serialize)]
pub struct Head {
    pub title: String,
    /// `售后服务`
    pub service_type: String,
    /// The standard's number, `GB/T 27922-2011` (printed `依据 GB/T 27922-2011`).
    pub standard: String,
    pub client: String,
    pub project_number: String,
    pub audit_types: Vec<CheckBox>,
}

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

/// An item of a lettered list: `a)`.
#[derive(Debug, Serialize)]
pub struct Lettered {
    pub marker: String,
    pub text: String,
}

/// 评分结果 1) and 2) with its lettered levels.
#[derive(Debug, Serialize)]
pub struct LevelRulesView {
    /// 1) the minimum and when an evaluation fails.
    pub minimum: String,
    /// 2) the lead-in of the levels.
    pub grading: String,
    /// a)–d), each ending in its punctuation.
    pub grades: Vec<Lettered>,
}

/// Letters the items: `a`, `b`, ….
fn lettered(texts: impl IntoIterator<Item = String>) -> Vec<Lettered> {
    texts
        .into_iter()
        .zip('a'..='z')
        .map(|(text, letter)| Lettered { marker: letter.to_string(), text })
        .collect()
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

#[derive(Debug, Serialize)]
pub struct OverviewView {
    pub title: String,
    pub introduction: Vec<Block>,
    pub multi_site_management: Option<Vec<Block>>,
    pub pre_sale: Vec<Block>,
    pub in_sale: Vec<Block>,
    pub after_sale: Vec<Block>,
    pub methods: Vec<Block>,
    pub findings: Vec<FindingView>,
    pub summary: Vec<Block>,
}

#[derive(Debug, Serialize)]
pub struct FindingView {
    /// The bold lead: `服务流程方面：`
    pub lead: String,
    pub text: Vec<Block>,
    /// `（监督 扣 1 分）` when the finding costs points.
    pub note: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SuggestionGroupView {
    pub aspect: String,
    pub items: Vec<SuggestionView>,
}

#[derive(Debug, Serialize)]
pub struct SuggestionView {
    pub lead: String,
    pub text: Vec<Block>,
}

#[derive(Debug, Serialize)]
pub struct ConclusionView {
    pub passed: bool,
    pub pass_boxes: Vec<CheckBox>,
    pub fail_boxes: Vec<CheckBox>,
    /// 评价组推荐的认证范围和星级, or `不适用`.
    pub recommended_scope: String,
    /// 报告编制人, 编制日期, then the CB profile's own lines.
    pub signatures: Vec<SignatureView>,
}

/// A signature line of section 6.
#[derive(Debug, Serialize)]
pub struct SignatureView {
    pub label: String,
    /// What is printed on the line; `None` leaves it blank to sign.
    pub value: Option<String>,
    /// Room for a seal.
    pub seal: bool,
}

const RECOMMENDATIONS: [&str; 5] =
    ["认证注册资格", "再认证注册资格", "保持认证注册资格", "恢复认证注册资格", "变更认证范围"];

/// Section 6's five boxes under `prefix` (推荐 / 不推荐), with `ticked` ticked.
fn recommendation_boxes(prefix: &str, ticked: Option<usize>) -> Vec<CheckBox> {
    RECOMMENDATIONS
        .iter()
        .enumerate()
        .map(|(i, label)| CheckBox { label: format!("{prefix}{label}"), checked: ticked == Some(i) })
        .collect()
}

impl ReportView {
    /// Works out the whole report. The record is expected to be valid.
    pub fn build(loaded: &LoadedRecord, sheet: &ScoreSheet) -> ReportView {
        let LoadedRecord { record, profile, scheme, .. } = loaded;
        let date = record.conclusion.date.unwrap_or(record.audit.end.date);
        let level = chosen_level(record, scheme, sheet);
        ReportView {
            meta: Meta {
                title: format!("服务认证审查报告：{}（{}）", record.client.name, record.project_number),
                author: record.conclusion.author.clone(),
                keywords: vec![
                    scheme.standard.clone(),
                    record.project_number.clone(),
                    record.audit_type.label().into(),
                ],
                date: YearMonthDay {
                    year: u32::from(date.year()),
                    month: u32::from(date.month()),
                    day: u32::from(date.day()),
                },
                report_date: date,
            },
            cb: CbView {
                name: profile.name.clone(),
                address: profile.address.clone(),
                phone: profile.phone.clone(),
                post_code: profile.post_code.clone(),
            },
            head: Head {
                title: "服务认证审查报告".into(),
                service_type: scheme.service_type.clone(),
                standard: scheme.standard.clone(),
                client: record.client.name.clone(),
                project_number: record.project_number.clone(),
                audit_types: boxes(AuditType::ALL.map(AuditType::label), |i| {
                    AuditType::ALL[i] == record.audit_type
                }),
            },
            basic: basic(record, loaded.previous.as_ref(), scheme, &profile.scope_code, level),
            scores: scores(record, scheme, sheet),
            overview: overview(record, scheme),
            suggestions: record
                .suggestions
                .iter()
                .map(|g| SuggestionGroupView {
                    aspect: g.aspect.clone(),
                    items: g
                        .items
                        .iter()
                        .map(|s| SuggestionView {
                            lead: format!("{}：", s.lead.trim_end_matches(['：', ':'])),
                            text: s.text.blocks(),
                        })
                        .collect(),
                })
                .collect(),
            certificate_use: record
                .audit_type
                .follows_previous_audit()
                .then(|| record.certificate_use.as_ref().map(Prose::blocks).unwrap_or_default()),
            conclusion: conclusion(record, sheet, profile, level, date),
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("the report view serializes")
    }
}

/// The level the report recommends: the team's (validated to be no higher) or the computed one.
fn chosen_level<'a>(
    record: &Record,
    scheme: &'a Scheme,
    sheet: &ScoreSheet,
) -> Option<&'a crate::scheme::Level> {
    let computed = sheet.level()?;
    match &record.scope.level {
        Some(key) => scheme.level(key),
        None => scheme.levels.get(computed),
    }
}

fn basic(
    record: &Record,
    previous: Option<&Record>,
    scheme: &Scheme,
    scope_code: &str,
    level: Option<&crate::scheme::Level>,
) -> Basic {
    let client = &record.client;
    let audit = &record.audit;
    let level_text = level.map(|l| format!("（{}）", l.name)).unwrap_or_default();
    Basic {
        registered_address: client.registered_address.clone(),
        audit_address: client.audit_address.clone(),
        single_site: CheckBox { label: "上述地址为单一场所组织".into(), checked: !client.is_multi_site() },
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
        scope_note: record.scope.level_reason.clone().filter(|_| record.scope.level.is_some()),
        methods: boxes(AuditMethod::ALL.map(AuditMethod::label), |i| AuditMethod::ALL[i] == audit.method),
        mystery: mystery(record),
        audit_time: format!("{}至{}", audit.start.chinese(), audit.end.chinese()),
        covered_period: match audit.previous_end {
            Some(previous) => {
                format!("上次审查结束 {}至 {}（审查结束日）止", previous.chinese(), audit.end.date.chinese())
            }
            None => format!("初次认证，无上次审查；至 {}（审查结束日）止", audit.end.date.chinese()),
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

fn range_text(from: Date, to: Date) -> String {
    format!("{}至 {}", from.chinese(), to.chinese())
}

fn mystery(record: &Record) -> Vec<MysteryLine> {
    let shopping = record.audit.mystery_shopping.as_ref();
    let on_site = shopping.and_then(|s| s.on_site);
    let off_site = shopping.and_then(|s| s.off_site);
    let line = |label: &str, range: Option<crate::record::DateRange>| MysteryLine {
        check: CheckBox { label: label.into(), checked: range.is_some() },
        dated: true,
        range: range.map(|r| range_text(r.from, r.to)),
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

/// 1.14: computed from last year's record when the record names it, else as stated.
fn changes(record: &Record, previous: Option<&Record>) -> ChangesView {
    let mut changes = record.changes.clone().unwrap_or_default();
    if let Some(previous) = previous {
        [changes.name, changes.registered_address, changes.business_address] =
            crate::cycle::computed_changes(previous, record);
    }
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
    let question = |number: u8, answer: Option<bool>, text: &str, note: Option<Option<String>>| {
        RemoteQuestion {
            number,
            yes: answer == Some(true),
            no: answer == Some(false),
            text: text.into(),
            asks_note: note.is_some(),
            note: note.flatten(),
        }
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

fn scores(record: &Record, scheme: &Scheme, sheet: &ScoreSheet) -> ScoresView {
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
        principles: lettered(scheme.principles.iter().map(|p| scheme.fill(p))),
        calculation,
        level_rules: level_rules(scheme),
        result,
        special_items,
    }
}

/// 评分结果 1) and 2): the scheme's rules, the levels lettered and punctuated as a list.
fn level_rules(scheme: &Scheme) -> LevelRulesView {
    let mut rules = scheme.level_rules().into_iter();
    let minimum = rules.next().unwrap_or_default();
    let grading = rules.next().unwrap_or_default();
    let grades: Vec<String> = rules.collect();
    let last = grades.len();
    let grades = grades
        .into_iter()
        .zip(1..)
        .map(|(text, n)| format!("{text}{}", if n == last { "。" } else { "；" }));
    LevelRulesView { minimum, grading, grades: lettered(grades) }
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

fn overview(record: &Record, scheme: &Scheme) -> OverviewView {
    let o = &record.overview;
    let mut findings: Vec<FindingView> = record
        .findings
        .iter()
        .map(|f| FindingView {
            lead: format!("{}：", f.aspect.trim_end_matches(['：', ':'])),
            text: f.text.blocks(),
            note: f.deduction.as_ref().and_then(|d| deduction_note(d, scheme)),
        })
        .collect();
    if let Some(internal) = &record.internal_evaluation {
        let mut text = vec![Block::Paragraph {
            runs: vec![Run {
                keep: false,
                text: format!(
                    "依据本标准，组织于{}年{:02}月{:02}日开展{}评价，内部评价小组由{}执行具体工作，企业内部的评价得分{}分。",
                    internal.date.year(),
                    internal.date.month(),
                    internal.date.day(),
                    scheme.service_type,
                    internal.evaluators.join("、"),
                    number(internal.score),
                ),
                bold: false,
            }],
        }];
        // The assessment runs on in the same paragraph, as in the reference.
        let mut assessment = internal.assessment.blocks().into_iter();
        if let (Some(Block::Paragraph { runs: first }), Some(Block::Paragraph { runs })) =
            (assessment.next(), text.first_mut())
        {
            runs.extend(first);
        }
        text.extend(assessment);
        findings.push(FindingView { lead: "内部评价人员能力：".into(), text, note: None });
    }
    OverviewView {
        title: "受评价方服务体系概述及本次评价概述".into(),
        introduction: o.introduction.blocks(),
        multi_site_management: o.multi_site_management.as_ref().map(Prose::blocks),
        pre_sale: o.pre_sale.blocks(),
        in_sale: o.in_sale.blocks(),
        after_sale: o.after_sale.blocks(),
        methods: o.methods.blocks(),
        findings,
        summary: o.summary.blocks(),
    }
}

/// `（监督扣 1 分）`, `（投诉处理扣 3 分：抽样 10 个，不符合 3 个）`.
fn deduction_note(deduction: &crate::record::Deduction, scheme: &Scheme) -> Option<String> {
    let indicator = scheme.indicator(&deduction.indicator)?;
    let points = number(crate::score::deduction_points(deduction, indicator.max));
    let samples = match (deduction.samples, deduction.nonconforming) {
        (Some(samples), Some(bad)) => format!("：抽样 {samples} 个，不符合 {bad} 个"),
        _ => String::new(),
    };
    Some(format!("（{}扣 {points} 分{samples}）", indicator.name))
}

fn conclusion(
    record: &Record,
    sheet: &ScoreSheet,
    profile: &crate::profile::Profile,
    level: Option<&crate::scheme::Level>,
    date: Date,
) -> ConclusionView {
    let scope_code = &profile.scope_code;
    let which = match (record.conclusion.recommendation, record.audit_type) {
        (Some(SpecialRecommendation::Restore), _) => 3,
        (Some(SpecialRecommendation::ScopeChange), _) => 4,
        (None, AuditType::Initial) => 0,
        (None, AuditType::Recertification) => 1,
        (None, AuditType::Surveillance) => 2,
    };
    let passed = sheet.passed();
    let applies = record.audit_type != AuditType::Surveillance
        || record.conclusion.recommendation == Some(SpecialRecommendation::ScopeChange);
    let recommended_scope = match level {
        Some(level) if passed && applies => format!("{scope_code}: {}（{}）", record.scope.text, level.name),
        _ if !passed => "不推荐".into(),
        _ => "不适用".into(),
    };
    ConclusionView {
        passed,
        pass_boxes: recommendation_boxes("推荐", passed.then_some(which)),
        fail_boxes: recommendation_boxes("不推荐", (!passed).then_some(which)),
        recommended_scope,
        signatures: signatures(record, profile, date),
    }
}

/// 报告编制人 and 编制日期 as in the reference, then the profile's lines to sign by hand.
fn signatures(record: &Record, profile: &crate::profile::Profile, date: Date) -> Vec<SignatureView> {
    let filled = |label: &str, value: String| SignatureView { label: label.into(), value: Some(value), seal: false };
    let mut lines = vec![
        filled("报告编制人", record.conclusion.author.clone()),
        filled("编制日期", format!("{}年{:02}月{:02}日", date.year(), date.month(), date.day())),
    ];
    lines.extend(
        profile
            .signature_lines
            .iter()
            .map(|line| SignatureView { label: line.label.clone(), value: None, seal: line.seal }),
    );
    lines
}
