//! Validate: the field and cross-field rules of a report (domain.md, "What must agree inside
//! one report"). Every rule runs; all problems are returned at once, each with the YAML path of
//! the field it concerns. Pure: no I/O.

use crate::base::date::Date;
use crate::base::diagnostic::Problem;
use crate::base::format::EPSILON;
use crate::base::format::points;
use crate::base::markup::Prose;
use crate::load::LoadedRecord;
use crate::load::spans::SpanIndex;
use crate::model::record::{AuditType, Change, IndicatorScore, Record, TeamRole};
use crate::model::scheme::Scheme;
use crate::rules::export;
use crate::rules::score::{ScoreSheet, deduction_points, derived_score};

/// Checks a loaded record against every rule: with last year's record when it names one,
/// under its scheme, with its profile; `sheet` is its score. Numbers are quoted as the file
/// writes them.
pub fn validate(loaded: &LoadedRecord, sheet: &ScoreSheet) -> Vec<Problem> {
    let LoadedRecord { record, previous, scheme, profile, source, .. } = loaded;
    let (previous, scheme) = (previous.as_ref(), &**scheme);
    let mut rules = Rules { problems: Vec::new(), spans: &source.spans };
    rules.head(record, scheme, &profile.scope_code);
    if let Some(previous) = previous {
        rules.previous(record, previous);
    }
    rules.client(record);
    rules.audit(record);
    rules.follow_up(record);
    rules.remote(record);
    rules.scores(record, scheme);
    rules.applicability(record, scheme);
    rules.findings(record, scheme);
    rules.levels(record, scheme, sheet);
    rules.narratives(record);
    rules.conclusion(record);
    rules.problems.extend(export::check(record, profile, scheme));
    rules.problems
}

/// An audit lasting longer than this many calendar days (first and last day counted) is
/// most likely a typing mistake in a date: warned of. Audits take a few days.
const MAX_AUDIT_DAYS: i64 = 30;

/// A certificate's cycle: initial certification, two surveillance audits, recertification in
/// the third year. A date an audit builds on (the previous audit's end, mystery shopping)
/// earlier than this before the audit is warned of.
const CYCLE_YEARS: u16 = 3;

struct Rules<'a> {
    problems: Vec<Problem>,
    /// Where the record's fields are, and its numbers as written.
    spans: &'a SpanIndex,
}

impl Rules<'_> {
    /// A number of the record as its file writes it (`18446744073709551615`), else as the
    /// report prints it.
    fn number(&self, path: &str, value: f64) -> String {
        self.spans.number(path).map_or_else(|| points(value), str::to_owned)
    }

    /// Records an error of the kind `code` (see [`crate::base::diagnostic::Diagnostic::code`]).
    fn error(
        &mut self,
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> &mut Problem {
        self.add(Problem::error(path, message).code(code))
    }

    fn warning(
        &mut self,
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> &mut Problem {
        self.add(Problem::warning(path, message).code(code))
    }

    fn add(&mut self, problem: Problem) -> &mut Problem {
        self.problems.push(problem);
        self.problems.last_mut().expect("just pushed")
    }

    fn expect(problem: &mut Problem, expected: &str) {
        problem.expected = Some(expected.to_owned());
    }

    /// A text field that must be filled.
    fn required(&mut self, path: &str, text: &str, what: &str) {
        if text.trim().is_empty() {
            let p = self.error("required", path, format!("{what}不能为空"));
            Self::expect(p, "填写这一项");
        }
    }

    fn required_prose(&mut self, path: &str, prose: &Prose, what: &str) {
        self.required(path, &prose.0, what);
    }

    fn head(&mut self, record: &Record, scheme: &Scheme, scope_code: &str) {
        let number = record.project_number.trim();
        self.required("project_number", number, "项目编号");
        let parts: Vec<&str> = number.split('-').collect();
        let looks_right = parts.len() == 3
            && parts[0].chars().all(|c| c.is_ascii_digit())
            && parts[1].len() == 4
            && parts[1].chars().all(|c| c.is_ascii_digit())
            && parts[2].chars().all(|c| c.is_ascii_uppercase());
        if !number.is_empty() && !looks_right {
            let p = self.warning(
                "project-number-format",
                "project_number",
                format!("项目编号“{number}”的格式不常见"),
            );
            Self::expect(p, "如 20913-2024-SA（编号-年份-类别）");
        }
        self.required("scope.text", &record.scope.text, "审查范围");
        self.scope_text(&record.scope.text, scheme, scope_code);
    }

    /// 1.9 and 6 print `S: {text}（{level}）`: the code and the level are the report's, so
    /// written into the text they would print twice (`S: S: …（四星级）（五星级）`).
    fn scope_text(&mut self, text: &str, scheme: &Scheme, scope_code: &str) {
        let expected = "只写范围本身，如 环保类设备销售的售后服务";
        let after_code = text.trim_start().strip_prefix(scope_code).map(str::trim_start);
        if !scope_code.is_empty()
            && let Some(colon) =
                after_code.and_then(|rest| rest.chars().next()).filter(|c| matches!(c, ':' | '：'))
        {
            let p = self.error(
                "scope-code-typed",
                "scope.text",
                format!(
                    "审查范围以“{scope_code}{colon}”开头：报告在 1.9 和第 6 部分自动加上范围代码“{scope_code}: ”，这样会印成“{scope_code}: {scope_code}{colon}…”"
                ),
            );
            Self::expect(p, &format!("去掉开头的“{scope_code}{colon}”，{expected}"));
        }
        if let Some(level) = scheme.levels.iter().find(|level| text.contains(&level.name)) {
            let p = self.error(
                "scope-level-typed",
                "scope.text",
                format!(
                    "审查范围中写了星级“{}”：报告在 1.9 和第 6 部分自动加上评定的星级，这样会印成“（{}）（…）”",
                    level.name, level.name
                ),
            );
            Self::expect(
                p,
                &format!(
                    "{expected}；星级由评分得出，要推荐较低的星级时写 scope.level 与 scope.level_reason"
                ),
            );
        }
    }

    /// A record that names last year's: 1.14 is computed from the two, and the period joins.
    fn previous(&mut self, record: &Record, previous: &Record) {
        let computed = crate::rules::changes::computed(previous, record);
        let stated = record.changes.as_ref();
        let fields = [
            ("name", stated.and_then(|c| c.name.as_ref()), "组织名称"),
            ("registered_address", stated.and_then(|c| c.registered_address.as_ref()), "注册地址"),
            ("business_address", stated.and_then(|c| c.business_address.as_ref()), "经营地址"),
        ];
        for ((field, stated, what), computed) in fields.into_iter().zip(computed) {
            let Some(stated) = stated else { continue };
            if computed.as_ref() != Some(stated) {
                let actual = match &computed {
                    Some(c) => format!("上次记录为“{}”，本次为“{}”", c.from, c.to),
                    None => "两份记录中相同，没有变更".to_owned(),
                };
                let p = self.error(
                    "changes-differ-from-previous",
                    format!("changes.{field}"),
                    format!("写明的{what}变更与上次记录不符：{actual}"),
                );
                Self::expect(p, "删去这一项，由两份记录自动得出；或改正记录");
            }
        }
        if let Some(previous_end) = record.audit.previous_end
            && previous_end != previous.audit.end.date
        {
            let p = self.error(
                "previous-end-differs-from-previous",
                "audit.previous_end",
                format!(
                    "上次审查结束日期 {previous_end} 与上次记录的审查结束 {} 不一致",
                    previous.audit.end.date
                ),
            );
            Self::expect(p, &format!("previous_end: {}", previous.audit.end.date));
        }
        if previous.project_number.trim() != record.project_number.trim() {
            let p = self.warning(
                "project-number-changed",
                "project_number",
                format!("项目编号与上次记录（{}）不同", previous.project_number),
            );
            Self::expect(p, "同一认证项目沿用同一项目编号");
        }
    }

    fn client(&mut self, record: &Record) {
        let client = &record.client;
        self.required("client.name", &client.name, "受审查方名称");
        self.required("client.registered_address", &client.registered_address, "工商注册地址");
        self.required("client.audit_address", &client.audit_address, "审查地址");
        self.required("client.contact.person", &client.contact.person, "联系人");
        self.phone("client.contact.phone", &client.contact.phone);
        if let Some(email) = &client.contact.email {
            let ok = email.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
            if !ok {
                let p =
                    self.warning("email-format", "client.contact.email", format!("邮箱“{email}”看起来不对"));
                Self::expect(p, "如 name@example.com");
            }
        }
        if let Some(sites) = &client.sites {
            if sites.is_empty() {
                let p = self.error("sites-empty", "client.sites", "多场所组织至少要列出一个固定分场所");
                Self::expect(p, "每个分场所写 name 和 address；单一场所组织请删去 sites");
            }
            for (i, site) in sites.iter().enumerate() {
                self.required(&format!("client.sites[{i}].name"), &site.name, "分场所名称");
                self.required(&format!("client.sites[{i}].address"), &site.address, "分场所地址");
            }
        }
    }

    /// A phone number is required; an odd one is only a warning.
    fn phone(&mut self, path: &str, phone: &str) {
        self.required(path, phone, "电话");
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let allowed = phone.chars().all(|c| c.is_ascii_digit() || " -+()（）".contains(c));
        if !phone.trim().is_empty() && (!allowed || !(7..=15).contains(&digits)) {
            let p = self.warning("phone-format", path, format!("电话“{phone}”看起来不对"));
            Self::expect(p, "7 到 15 位数字，可含空格、-、+ 和括号，如 010-5824 6003");
        }
    }

    fn audit(&mut self, record: &Record) {
        let audit = &record.audit;
        if audit.end < audit.start {
            let p = self.error(
                "audit-end-before-start",
                "audit.end",
                format!("审查结束（{}）早于审查开始（{}）", audit.end, audit.start),
            );
            Self::expect(p, "结束时间不早于开始时间");
        }
        let days = audit.start.date.days_until(audit.end.date) + 1;
        if days > MAX_AUDIT_DAYS {
            let p = self.warning(
                "audit-too-long",
                "audit.end",
                format!(
                    "审查从 {} 到 {}，历时 {days} 天，不像一次审查的时间",
                    audit.start.date, audit.end.date
                ),
            );
            Self::expect(p, &format!("一次审查不超过 {MAX_AUDIT_DAYS} 天；请核对开始与结束日期"));
        }
        if let Some(previous_end) = audit.previous_end {
            self.within_cycle("audit.previous_end", previous_end, audit.start.date, "上次审查结束日期");
        }
        if let Some(shopping) = &audit.mystery_shopping {
            for (name, range) in [("on_site", &shopping.on_site), ("off_site", &shopping.off_site)] {
                let Some(range) = range else { continue };
                if range.to < range.from {
                    let p = self.error(
                        "mystery-shopping-range",
                        format!("audit.mystery_shopping.{name}.to"),
                        "暗访结束日期早于开始日期",
                    );
                    Self::expect(p, "to 不早于 from");
                }
                self.within_cycle(
                    &format!("audit.mystery_shopping.{name}.from"),
                    range.from,
                    audit.start.date,
                    "暗访开始日期",
                );
            }
        }
        let leaders = audit.team.iter().filter(|m| m.role == TeamRole::Leader).count();
        if audit.team.is_empty() {
            let p = self.error("team-empty", "audit.team", "审查组没有成员");
            Self::expect(p, "至少一名成员，其中恰好一名组长（role: leader）");
        } else if leaders != 1 {
            let p = self.error(
                "team-leader",
                "audit.team",
                format!("审查组必须恰好有一名组长，现有 {leaders} 名"),
            );
            Self::expect(p, "审查组成员中恰好一人 role: leader（组长）");
        }
        let mut codes = std::collections::HashSet::new();
        for (i, member) in audit.team.iter().enumerate() {
            let path = format!("audit.team[{i}]");
            self.required(&format!("{path}.code"), &member.code, "成员代码");
            self.required(&format!("{path}.name"), &member.name, "成员姓名");
            if !codes.insert(member.code.trim()) {
                let p = self.error(
                    "team-code-duplicate",
                    format!("{path}.code"),
                    format!("成员代码“{}”重复", member.code),
                );
                Self::expect(p, "每名成员一个不同的代码，如 A、B、C");
            }
            if member.role == TeamRole::Leader || member.role == TeamRole::Member {
                self.required(&format!("{path}.registration"), &member.registration, "审查员注册证书号");
            }
            if !member.phone.trim().is_empty() {
                self.phone(&format!("{path}.phone"), &member.phone);
            }
        }
        self.required_prose("audit.sampling", &audit.sampling, "评价抽样方法说明");
    }

    /// A date the audit builds on lies within one certification cycle before the audit.
    fn within_cycle(&mut self, path: &str, date: Date, audit_start: Date, what: &str) {
        if date.add_years(CYCLE_YEARS).is_some_and(|end| end < audit_start) {
            let p = self.warning(
                "date-before-cycle",
                path,
                format!("{what}（{date}）比本次审查开始（{audit_start}）早 {CYCLE_YEARS} 年以上"),
            );
            Self::expect(p, &format!("一个认证周期（{CYCLE_YEARS} 年）之内的日期；请核对年份"));
        }
    }

    /// Rules that depend on whether there was a previous audit: 1.12's period, 1.14, 5.
    fn follow_up(&mut self, record: &Record) {
        let audit = &record.audit;
        let follows = record.audit_type.follows_previous_audit();
        let kind = record.audit_type.label();
        match (record.audit_type, record.surveillance_number) {
            (AuditType::Surveillance, Some(n)) if !(1..=2).contains(&n) => {
                let p = self.error(
                    "surveillance-number-range",
                    "surveillance_number",
                    format!("第 {n} 次监督不在认证周期内"),
                );
                Self::expect(p, "1 或 2（三年周期内的两次监督）");
            }
            (AuditType::Initial | AuditType::Recertification, Some(_)) => {
                let p = self.error(
                    "surveillance-number-not-applicable",
                    "surveillance_number",
                    "只有监督审查才写第几次监督",
                );
                Self::expect(p, "删去 surveillance_number");
            }
            _ => {}
        }
        match (follows, audit.previous_end) {
            (true, None) => {
                let p = self.error(
                    "previous-end-missing",
                    "audit.previous_end",
                    format!("{kind}须写明上次审查结束日期（审查覆盖时期的起点）"),
                );
                Self::expect(p, "previous_end: 上次审查的最后一天，如 2024-11-28");
            }
            (false, Some(_)) => {
                let p = self.error(
                    "previous-end-not-applicable",
                    "audit.previous_end",
                    "初次认证没有上次审查，不应写 previous_end",
                );
                Self::expect(p, "删去 previous_end，或把 audit_type 改为 surveillance / recertification");
            }
            (true, Some(previous)) if previous >= audit.start.date => {
                let p = self.error(
                    "previous-end-not-before-start",
                    "audit.previous_end",
                    format!("上次审查结束日期（{previous}）不早于本次审查开始（{}）", audit.start.date),
                );
                Self::expect(p, "早于本次审查开始的日期");
            }
            _ => {}
        }
        match (follows, &record.changes) {
            (true, None) => {
                let p = self.error("changes-missing", "changes", format!("{kind}须填写 1.14 组织变更信息"));
                Self::expect(p, "changes: 列出变更；全部无变更时写 changes: {}");
            }
            (false, Some(_)) => {
                let p = self.error(
                    "changes-not-applicable",
                    "changes",
                    "1.14 组织变更信息只适用于监督和再认证审查",
                );
                Self::expect(p, "初次认证删去 changes");
            }
            _ => {}
        }
        if let Some(changes) = &record.changes {
            let client = &record.client;
            self.change("changes.name", &changes.name, &client.name, "client.name", "组织名称");
            self.change(
                "changes.registered_address",
                &changes.registered_address,
                &client.registered_address,
                "client.registered_address",
                "注册地址",
            );
            self.change(
                "changes.business_address",
                &changes.business_address,
                &client.audit_address,
                "client.audit_address",
                "经营地址",
            );
        }
        match (follows, &record.certificate_use) {
            (true, None) => {
                let p = self.error(
                    "certificate-use-missing",
                    "certificate_use",
                    format!("{kind}须填写第 5 部分证书及标志使用情况"),
                );
                Self::expect(p, "如 certificate_use: 未见证书及标志违规使用情况");
            }
            (true, Some(text)) => self.required_prose("certificate_use", text, "证书及标志使用情况"),
            (false, Some(_)) => {
                let p = self.error(
                    "certificate-use-not-applicable",
                    "certificate_use",
                    "证书及标志使用只适用于监督和再认证审查",
                );
                Self::expect(p, "初次认证删去 certificate_use");
            }
            (false, None) => {}
        }
    }

    /// A stated change must end at the record's current value.
    fn change(&mut self, path: &str, change: &Option<Change>, current: &str, current_path: &str, what: &str) {
        let Some(change) = change else { return };
        if change.to.trim() != current.trim() {
            let p = self.error(
                "change-differs-from-current",
                format!("{path}.to"),
                format!("{what}变更后的值“{}”与 {current_path}“{current}”不一致", change.to),
            );
            Self::expect(p, &format!("to 与 {current_path} 相同"));
        }
        if change.from.trim() == change.to.trim() {
            let p = self.error("change-unchanged", format!("{path}.from"), format!("{what}变更前后相同"));
            Self::expect(p, "没有变更时删去这一项（报告印“无变更”）");
        }
    }

    fn remote(&mut self, record: &Record) {
        let method = record.audit.method;
        match (method.is_remote(), &record.remote_audit) {
            (true, None) => {
                let p = self.error(
                    "remote-audit-missing",
                    "remote_audit",
                    format!("审查方式为{}，须填写 1.17 远程审核情况", method.label()),
                );
                Self::expect(
                    p,
                    "remote_audit: location、scope、ict_tools、security_agreement、ict_effective",
                );
            }
            (false, Some(_)) => {
                let p =
                    self.error("remote-audit-not-applicable", "remote_audit", "现场审核不适用 1.17 远程审核");
                Self::expect(p, "删去 remote_audit，或把 audit.method 改为 remote / combined");
            }
            (true, Some(remote)) => {
                self.required("remote_audit.location", &remote.location, "远程审核地点");
                self.required("remote_audit.scope", &remote.scope, "远程审核范围");
                self.required("remote_audit.ict_tools", &remote.ict_tools, "使用的 ICT 工具");
            }
            (false, None) => {}
        }
    }

    fn scores(&mut self, record: &Record, scheme: &Scheme) {
        let missing: Vec<&str> =
            scheme.indicators().filter(|i| record.score_of(i).is_none()).map(|i| i.name.as_str()).collect();
        if !missing.is_empty() {
            let p =
                self.error("scores-missing", "scores", format!("以下指标没有得分：{}", missing.join("、")));
            Self::expect(p, "每个指标写得分、excluded（删减）或 derived（按扣分计算）");
        }
        let mut given = std::collections::HashMap::new();
        for (key, score) in &record.scores {
            let path = format!("scores.{key}");
            let Some(indicator) = scheme.indicator(key) else {
                let p = self.error(
                    "unknown-indicator",
                    path,
                    format!("“{key}”不是评分体系 {} 的指标", scheme.standard),
                );
                Self::expect(p, &format!("以下之一：{}", scheme.indicator_keys()));
                continue;
            };
            let deductions: Vec<f64> = record
                .findings
                .iter()
                .filter_map(|f| f.deduction.as_ref())
                .filter(|d| indicator.is_named(&d.indicator))
                .map(|d| deduction_points(d, indicator.max))
                .collect();
            if let Some(first) = given.insert(indicator.key.as_str(), key) {
                let p = self.error(
                    "duplicate-indicator",
                    path.clone(),
                    format!("“{key}”与“{first}”是同一个指标（{}），得分写了两次", indicator.name),
                );
                Self::expect(p, "每个指标只写一次：键或中文名称之一");
            }
            let deducted: f64 = deductions.iter().sum();
            if deducted > indicator.max + EPSILON && *score != IndicatorScore::Excluded {
                let p = self.error(
                    "deductions-exceed-maximum",
                    path.clone(),
                    format!(
                        "发现项对{}的扣分合计 {} 分，超过该指标分值 {}",
                        indicator.name,
                        points(deducted),
                        points(indicator.max)
                    ),
                );
                Self::expect(p, "扣分合计不超过分值（定性指标不符合时只扣一次全部分值）");
            }
            match *score {
                IndicatorScore::Stated(stated) if !(0.0..=indicator.max).contains(&stated) => {
                    let message = format!("{}的得分 {} 超出范围", indicator.name, self.number(&path, stated));
                    let p = self.error("score-range", path, message);
                    Self::expect(p, &format!("0 到 {} 之间", points(indicator.max)));
                }
                IndicatorScore::Stated(stated) if !deductions.is_empty() => {
                    let derived = derived_score(indicator.max, deducted);
                    if (derived - stated).abs() > EPSILON {
                        let p = self.error(
                            "score-differs-from-deductions",
                            path,
                            format!(
                                "{}写明得分 {}，但发现项扣分后应为 {}（分值 {} − 扣分 {}）",
                                indicator.name,
                                points(stated),
                                points(derived),
                                points(indicator.max),
                                points(deducted),
                            ),
                        );
                        Self::expect(p, "得分与发现项的扣分一致，或写 derived 由扣分计算");
                    }
                }
                IndicatorScore::Excluded if !deductions.is_empty() => {
                    let p = self.error(
                        "excluded-but-deducted",
                        path,
                        format!("{}已删减，但仍有发现项对其扣分", indicator.name),
                    );
                    Self::expect(p, "删减的指标不扣分");
                }
                _ => {}
            }
        }
    }

    /// Something must be left to score: with every indicator excluded (删减) the score would be
    /// 0 / 0. A whole first-level indicator excluded is allowed, but rare enough to warn of.
    fn applicability(&mut self, record: &Record, scheme: &Scheme) {
        let excluded = |i: &crate::model::scheme::Indicator| {
            matches!(record.score_of(i), Some(IndicatorScore::Excluded))
        };
        if scheme.indicators().all(excluded) {
            let p = self.error(
                "no-applicable-indicator",
                "scores",
                "所有指标都已删减，没有可评分的指标，无法计算得分",
            );
            Self::expect(p, "至少一个指标写得分或 derived；删减只用于不适用的指标");
            return;
        }
        for group in &scheme.groups {
            if !group.indicators.is_empty() && group.indicators.iter().all(excluded) {
                let names: Vec<&str> = group.indicators.iter().map(|i| i.name.as_str()).collect();
                let p = self.warning(
                    "group-excluded",
                    "scores",
                    format!("一级指标“{}”的全部二级指标（{}）都已删减", group.name, names.join("、")),
                );
                Self::expect(p, "确认整个一级指标确实不适用于该组织");
            }
        }
    }

    fn findings(&mut self, record: &Record, scheme: &Scheme) {
        if record.findings.is_empty() {
            let p = self.error("findings-empty", "findings", "没有评价结果（发现项）");
            Self::expect(p, "至少一条：aspect（方面）与 text（评价结果）");
        }
        let mut bonuses = 0;
        for (i, finding) in record.findings.iter().enumerate() {
            let path = format!("findings[{i}]");
            self.required(&format!("{path}.aspect"), &finding.aspect, "方面");
            self.required_prose(&format!("{path}.text"), &finding.text, "评价结果");
            let effects = [
                finding.deduction.is_some(),
                finding.special_deduction.is_some(),
                finding.special_bonus.is_some(),
            ];
            if effects.iter().filter(|e| **e).count() > 1 {
                let p = self.error(
                    "finding-kinds",
                    path.clone(),
                    "一条发现项只能是扣分、特别扣分项或特别加分项中的一种",
                );
                Self::expect(p, "分成几条发现项分别记录");
            }
            if let Some(deduction) = &finding.deduction {
                let path = format!("{path}.deduction");
                match scheme.indicator(&deduction.indicator) {
                    None => {
                        let p = self.error(
                            "unknown-indicator",
                            format!("{path}.indicator"),
                            format!("“{}”不是评分体系的指标", deduction.indicator),
                        );
                        Self::expect(p, &format!("以下之一：{}", scheme.indicator_keys()));
                    }
                    Some(indicator) => self.deduction_form(&path, deduction, indicator.max),
                }
            }
            if let Some(special) = &finding.special_deduction {
                self.required(
                    &format!("{path}.special_deduction.corrective_action"),
                    &special.corrective_action,
                    "特别扣分项的整改要求",
                );
            }
            if let Some(reason) = &finding.special_bonus {
                self.required(&format!("{path}.special_bonus"), reason, "特别加分项的理由");
                bonuses += 1;
                if bonuses > scheme.special_bonus.max_count {
                    let p = self.error(
                        "special-bonus-count",
                        format!("{path}.special_bonus"),
                        format!("特别加分项最多 {} 个", scheme.special_bonus.max_count),
                    );
                    Self::expect(p, "只保留一个特别加分项");
                }
            }
        }
    }

    /// A deduction is exactly one of: `whole`, `points`, or `samples` with `nonconforming`.
    fn deduction_form(&mut self, path: &str, d: &crate::model::record::Deduction, max: f64) {
        let proportional = d.samples.is_some() || d.nonconforming.is_some();
        let forms = [d.whole, d.points.is_some(), proportional].iter().filter(|f| **f).count();
        let expected = "whole: true、points: 扣分数，或 samples 与 nonconforming 之一";
        if forms != 1 {
            let p = self.error("deduction-form", path, "扣分方式须且只能写一种");
            Self::expect(p, expected);
            return;
        }
        if let Some(stated) = d.points
            && !(stated > 0.0 && stated <= max)
        {
            let path = format!("{path}.points");
            let message = format!("扣分 {} 超出范围", self.number(&path, stated));
            let p = self.error("deduction-range", path, message);
            Self::expect(p, &format!("大于 0、不超过该指标分值 {}", points(max)));
        }
        if proportional {
            match (d.samples, d.nonconforming) {
                (Some(samples), Some(bad)) if samples > 0 && bad <= samples => {}
                (Some(_), Some(_)) => {
                    let p = self.error(
                        "deduction-samples",
                        format!("{path}.nonconforming"),
                        "不符合样本数超过抽样数（或抽样数为 0）",
                    );
                    Self::expect(p, "0 < samples，且 nonconforming ≤ samples");
                }
                _ => {
                    let p = self.error(
                        "deduction-form",
                        path,
                        "按比例扣分须同时写 samples（抽样数）和 nonconforming（不符合数）",
                    );
                    Self::expect(p, expected);
                }
            }
        }
    }

    /// 1.9 and 6 print the recommended level: the computed one, or a lower one with a reason.
    fn levels(&mut self, record: &Record, scheme: &Scheme, sheet: &ScoreSheet) {
        let Some(key) = &record.scope.level else { return };
        let Some(chosen) = scheme.level_index(key) else {
            let p = self.error("unknown-level", "scope.level", format!("“{key}”不是评分体系的星级"));
            Self::expect(p, &format!("以下之一：{}（或删去，使用计算所得星级）", scheme.level_keys()));
            return;
        };
        if sheet.outcome.is_none() {
            return;
        }
        match sheet.level() {
            None => {
                let p = self.error(
                    "level-on-failure",
                    "scope.level",
                    format!("评价不合格，不能推荐星级：{}", sheet.fail_text(scheme)),
                );
                Self::expect(p, "删去 scope.level");
            }
            Some(computed) if chosen > computed => {
                let p = self.error(
                    "level-too-high",
                    "scope.level",
                    format!(
                        "推荐的{}高于评分所得的{}",
                        scheme.levels[chosen].name, scheme.levels[computed].name
                    ),
                );
                let lower = &scheme.levels[computed];
                Self::expect(p, &format!("不高于 {}（{}），或删去使用计算结果", lower.key, lower.name));
            }
            Some(computed)
                if chosen < computed
                    && record.scope.level_reason.as_deref().is_none_or(|r| r.trim().is_empty()) =>
            {
                let p = self.error(
                    "level-reason-missing",
                    "scope.level",
                    format!(
                        "推荐的{}低于评分所得的{}，须说明理由",
                        scheme.levels[chosen].name, scheme.levels[computed].name
                    ),
                );
                Self::expect(p, "scope.level_reason: 审查组决定降低星级的理由");
            }
            _ => {}
        }
    }

    fn narratives(&mut self, record: &Record) {
        let o = &record.overview;
        self.required_prose("overview.introduction", &o.introduction, "服务体系概述");
        self.required_prose("overview.pre_sale", &o.pre_sale, "售前服务概述");
        self.required_prose("overview.in_sale", &o.in_sale, "售中服务概述");
        self.required_prose("overview.after_sale", &o.after_sale, "售后服务概述");
        self.required_prose("overview.methods", &o.methods, "评价方法");
        self.required_prose("overview.summary", &o.summary, "总结与建议");
        if record.client.is_multi_site() && o.multi_site_management.as_ref().is_none_or(Prose::is_blank) {
            let p = self.warning(
                "multi-site-management",
                "overview.multi_site_management",
                "多场所组织宜说明其管理模式",
            );
            Self::expect(p, "overview.multi_site_management: 总部与分场所的管理方式");
        }
        match &record.internal_evaluation {
            None => {
                let p = self.error(
                    "internal-evaluation-missing",
                    "internal_evaluation",
                    "没有填写受评价方的内部评价",
                );
                Self::expect(p, "internal_evaluation: date、evaluators、score、assessment");
            }
            Some(internal) => {
                if internal.date >= record.audit.start.date {
                    let p = self.error(
                        "internal-evaluation-date",
                        "internal_evaluation.date",
                        format!(
                            "内部评价日期（{}）不早于本次审查开始（{}）",
                            internal.date, record.audit.start.date
                        ),
                    );
                    Self::expect(p, "审查开始之前的日期");
                }
                if internal.evaluators.iter().all(|e| e.trim().is_empty()) {
                    let p = self.error(
                        "internal-evaluation-evaluators",
                        "internal_evaluation.evaluators",
                        "没有内部评价人员",
                    );
                    Self::expect(p, "至少一名内部评价人员的姓名");
                }
                self.required_prose(
                    "internal_evaluation.assessment",
                    &internal.assessment,
                    "对内部评价人员能力的评价",
                );
            }
        }
        for (i, group) in record.suggestions.iter().enumerate() {
            self.required(&format!("suggestions[{i}].aspect"), &group.aspect, "建议的方面");
            for (j, item) in group.items.iter().enumerate() {
                self.required(&format!("suggestions[{i}].items[{j}].lead"), &item.lead, "建议标题");
                self.required_prose(&format!("suggestions[{i}].items[{j}].text"), &item.text, "建议内容");
            }
        }
    }

    fn conclusion(&mut self, record: &Record) {
        let conclusion = &record.conclusion;
        self.required("conclusion.author", &conclusion.author, "报告编制人");
        match conclusion.date {
            None => {
                let p = self.error("conclusion-date-missing", "conclusion.date", "没有编制日期");
                Self::expect(p, "报告编制日期，不早于审查结束，如 2025-12-03");
            }
            Some(date) if date < record.audit.end.date => {
                let p = self.error(
                    "conclusion-date-before-end",
                    "conclusion.date",
                    format!("编制日期（{date}）早于审查结束（{}）", record.audit.end.date),
                );
                Self::expect(p, "不早于审查结束的日期");
            }
            Some(_) => {}
        }
        if record.audit_type == AuditType::Initial
            && conclusion.recommendation == Some(crate::model::record::SpecialRecommendation::Restore)
        {
            let p = self.error(
                "recommendation-restore-initial",
                "conclusion.recommendation",
                "初次认证不能推荐恢复认证注册资格",
            );
            Self::expect(p, "删去 recommendation，或改为 scope_change");
        }
    }
}
