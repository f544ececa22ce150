//! `certreport check` on records that each break one rule: every diagnostic must name the
//! rule's message, the line of the offending field in the file as written, and its YAML path.
//!
//! Each record is the example record with a few text replacements; the expected line is looked
//! up in the edited text, so the tests follow the example when it changes.

mod common;

use std::process::Output;

use common::*;

/// The record file every test writes into its workspace.
const FILE: &str = "r.yaml";

/// One diagnostic as `check` prints it on standard error.
#[derive(Debug)]
struct Diag {
    severity: String,
    message: String,
    file: String,
    line: Option<usize>,
    path: Option<String>,
    expected: Option<String>,
}

/// Splits `check`'s standard error into diagnostics (`错误：…` / `警告：…` blocks).
fn diagnostics(stderr: &str) -> Vec<Diag> {
    let mut out: Vec<Diag> = Vec::new();
    for line in stderr.lines() {
        let header = line
            .strip_prefix("错误：")
            .map(|m| ("错误", m))
            .or_else(|| line.strip_prefix("警告：").map(|m| ("警告", m)));
        if let Some((severity, message)) = header {
            out.push(Diag {
                severity: severity.to_owned(),
                message: message.to_owned(),
                file: String::new(),
                line: None,
                path: None,
                expected: None,
            });
            continue;
        }
        let Some(diag) = out.last_mut() else { continue };
        let line = line.trim_start();
        if let Some(location) = line.strip_prefix("--> ") {
            // file:line:column, or only the file.
            let parts: Vec<&str> = location.rsplitn(3, ':').collect();
            match parts[..] {
                [column, number, file] if column.parse::<usize>().is_ok() => {
                    diag.file = file.to_owned();
                    diag.line = number.parse().ok();
                }
                _ => diag.file = location.to_owned(),
            }
        } else if let Some(path) = line.strip_prefix("= 字段：") {
            diag.path = Some(path.to_owned());
        } else if let Some(expected) = line.strip_prefix("= 应为：") {
            diag.expected = Some(expected.to_owned());
        }
    }
    out
}

/// The 1-based line of the `n`th (0-based) line of `text` that starts, after its indentation,
/// with `start`.
fn nth_line(text: &str, start: &str, n: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim_start().starts_with(start))
        .nth(n)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("no line #{n} starting with {start:?} in\n{text}"))
}

/// The 1-based line of the first line of `text` that starts, after its indentation, with
/// `start`.
fn line_of(text: &str, start: &str) -> usize {
    nth_line(text, start, 0)
}

/// A record written in its own workspace and checked.
struct Run {
    _ws: Workspace,
    text: String,
    output: Output,
}

impl Run {
    fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    fn stderr(&self) -> String {
        stderr(&self.output)
    }

    fn stdout(&self) -> String {
        stdout(&self.output)
    }

    fn line(&self, start: &str) -> usize {
        line_of(&self.text, start)
    }

    fn nth_line(&self, start: &str, n: usize) -> usize {
        nth_line(&self.text, start, n)
    }

    /// Asserts that `check` failed (exit code 1).
    fn assert_invalid(&self) {
        assert_eq!(self.code(), Some(1), "exit code; stderr:\n{}\nstdout:\n{}", self.stderr(), self.stdout());
    }

    /// Asserts that `check` succeeded (exit code 0) without errors.
    fn assert_valid(&self) {
        assert_eq!(self.code(), Some(0), "exit code; stderr:\n{}\nstdout:\n{}", self.stderr(), self.stdout());
        assert!(!self.stderr().contains("错误："), "{}", self.stderr());
    }

    /// The diagnostic of `severity` whose message contains `message`; asserts that it names
    /// the record file at `line` and the YAML `path`.
    fn assert_diag(&self, severity: &str, message: &str, path: &str, line: usize) -> Diag {
        let stderr = self.stderr();
        let found = diagnostics(&stderr)
            .into_iter()
            .find(|d| d.severity == severity && d.message.contains(message))
            .unwrap_or_else(|| panic!("no {severity} containing {message:?} in\n{stderr}"));
        assert_eq!(found.file, FILE, "file of {found:?} in\n{stderr}");
        assert_eq!(found.line, Some(line), "line of {found:?} in\n{stderr}");
        assert_eq!(found.path.as_deref(), Some(path), "path of {found:?} in\n{stderr}");
        // The same, as the user reads it.
        assert!(stderr.contains(&format!("字段：{path}\n")), "{stderr}");
        assert!(stderr.contains(&format!("{FILE}:{line}:")), "{stderr}");
        found
    }

    /// Asserts that `check` failed with an error whose message contains `message`, at `line`
    /// of the record, on the field `path`.
    fn assert_error(&self, message: &str, path: &str, line: usize) -> Diag {
        self.assert_invalid();
        self.assert_diag("错误", message, path, line)
    }

    /// The number of errors `check` printed.
    fn error_count(&self) -> usize {
        diagnostics(&self.stderr()).iter().filter(|d| d.severity == "错误").count()
    }
}

/// The example record with `edits` applied, checked with `certreport check r.yaml`.
fn check_example(edits: &[(&str, &str)]) -> Run {
    let ws = Workspace::new();
    let path = ws.example_with(FILE, edits);
    let text = std::fs::read_to_string(&path).unwrap();
    let output = certreport(&["check", FILE], ws.dir.path());
    Run { _ws: ws, text, output }
}

/// Edits that give the first finding (服务流程方面) a field, e.g. a deduction: the field is
/// inserted after the finding's text, before the second finding.
fn on_first_finding(field: &str) -> (&'static str, String) {
    ("  - aspect: 服务人员能力方面", format!("    {field}\n  - aspect: 服务人员能力方面"))
}

/// Applies owned edits.
fn check_example_owned(edits: &[(&str, String)]) -> Run {
    let edits: Vec<(&str, &str)> = edits.iter().map(|(from, to)| (*from, to.as_str())).collect();
    check_example(&edits)
}

/// The last line of the example team's only member, A (the leader): new members go after it.
const LEADER_PHONE: &str = "      phone: \"15023289133\"";

/// Edits that add a second team member after the leader.
fn second_member(code: &str, role: &str) -> String {
    format!(
        "{LEADER_PHONE}\n    - code: {code}\n      name: 李明\n      role: {role}\n      registration: 2025-S1SC-1234567"
    )
}

#[test]
fn the_example_record_is_valid() {
    let run = check_example(&[]);
    run.assert_valid();
    assert!(run.stdout().contains("r.yaml：0 个错误，0 个警告"), "{}", run.stdout());
}

// ---------------------------------------------------------------------------------------------
// Loading: YAML syntax, unknown keys, types, dates, missing fields, referenced files.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_badly_indented_key_is_a_syntax_error_at_its_line() {
    let run =
        check_example(&[("  text: 环保类设备销售的售后服务", "  text: 环保类设备销售的售后服务\n level: x")]);
    run.assert_invalid();
    let stderr = run.stderr();
    let d = diagnostics(&stderr).into_iter().next().expect("a diagnostic");
    assert!(d.message.starts_with("YAML 格式错误"), "{stderr}");
    assert_eq!(d.file, FILE);
    assert_eq!(d.line, Some(run.line("level: x")), "{stderr}");
    assert!(d.expected.unwrap().contains("缩进"), "{stderr}");
}

#[test]
fn a_syntax_error_does_not_name_the_path_question_mark() {
    let run =
        check_example(&[("  text: 环保类设备销售的售后服务", "  text: 环保类设备销售的售后服务\n level: x")]);
    run.assert_invalid();
    let stderr = run.stderr();
    assert!(!stderr.contains("字段：?"), "{stderr}");
}

#[test]
fn an_unclosed_quote_is_a_syntax_error_at_its_line() {
    let run = check_example(&[("  sampling: >-", "  sampling: \"本次审核")]);
    run.assert_invalid();
    let stderr = run.stderr();
    let d = diagnostics(&stderr).into_iter().next().expect("a diagnostic");
    assert!(d.message.starts_with("YAML 格式错误"), "{stderr}");
    assert_eq!(d.line, Some(run.line("sampling: \"")), "{stderr}");
    assert!(stderr.contains(&format!("{FILE}:{}:", run.line("sampling: \""))), "{stderr}");
}

#[test]
fn an_under_indented_key_is_reported_at_its_own_line() {
    let run = check_example(&[("    phone: \"19123050876\"", "   phone: \"19123050876\"")]);
    run.assert_invalid();
    let stderr = run.stderr();
    let d = diagnostics(&stderr).into_iter().next().expect("a diagnostic");
    assert!(d.message.starts_with("YAML 格式错误"), "{stderr}");
    assert_eq!(d.line, Some(run.line("phone: \"19123050876\"")), "{stderr}");
}

#[test]
fn an_unknown_key_is_named_with_its_path() {
    let run =
        check_example(&[("  name: 重庆百环环保科技有限公司", "  name: 重庆百环环保科技有限公司\n  foo: 1")]);
    let d = run.assert_error("未知的字段“foo”", "client.foo", run.line("foo: 1"));
    assert!(d.expected.unwrap().contains("registered_address"));
}

#[test]
fn a_duplicate_key_is_named_at_its_second_occurrence() {
    let run =
        check_example(&[("audit_type: surveillance", "audit_type: surveillance\nproject_number: 1-2-3")]);
    run.assert_invalid();
    let stderr = run.stderr();
    let d = diagnostics(&stderr).into_iter().next().expect("a diagnostic");
    assert!(d.message.contains("字段“project_number”写了两次"), "{stderr}");
    assert_eq!(d.line, Some(run.nth_line("project_number:", 1)), "{stderr}");
}

#[test]
fn an_unknown_choice_lists_the_choices() {
    let run = check_example(&[("audit_type: surveillance", "audit_type: yearly")]);
    let d = run.assert_error("“yearly”不是可选的值", "audit_type", run.line("audit_type:"));
    assert!(d.expected.unwrap().contains("surveillance"));
}

#[test]
fn a_word_for_a_number_names_its_line_and_path() {
    let run = check_example(&[("  score: 96", "  score: abc")]);
    run.assert_error("", "internal_evaluation.score", run.line("score: abc"));
    assert_eq!(run.error_count(), 1, "{}", run.stderr());
}

#[test]
fn a_word_for_a_number_is_called_a_type_error() {
    let run = check_example(&[("  score: 96", "  score: abc")]);
    let d = run.assert_error("类型不对", "internal_evaluation.score", run.line("score: abc"));
    assert!(!d.message.contains("YAML 格式错误"), "{}", run.stderr());
    assert_eq!(d.expected.as_deref(), Some("一个数字"), "{}", run.stderr());
}

/// The example's whole `team:` list, up to the comment that follows it.
fn team_block() -> String {
    let text = example_text();
    let start = text.find("  team:\n").expect("the example has a team");
    let end = start + text[start..].find("  # 评价抽样方法说明").expect("the sampling comment");
    text[start..end].to_owned()
}

#[test]
fn a_scalar_for_the_team_names_its_line_and_path() {
    let run = check_example(&[(team_block().as_str(), "  team: 张心\n")]);
    run.assert_error("", "audit.team", run.line("team: 张心"));
    assert_eq!(run.error_count(), 1, "{}", run.stderr());
}

#[test]
fn a_scalar_for_the_team_is_called_a_type_error() {
    let run = check_example(&[(team_block().as_str(), "  team: 张心\n")]);
    let d = run.assert_error("类型不对", "audit.team", run.line("team: 张心"));
    assert!(d.expected.unwrap().contains("列表"), "{}", run.stderr());
}

#[test]
fn a_date_that_does_not_exist_is_refused() {
    let run = check_example(&[("  previous_end: 2024-11-28", "  previous_end: 2025-13-01")]);
    run.assert_error("日期“2025-13-01”在日历中不存在", "audit.previous_end", run.line("previous_end:"));
}

#[test]
fn a_half_day_other_than_am_or_pm_is_refused() {
    let run = check_example(&[("  start: 2025-12-03 am", "  start: 2025-12-03 noon")]);
    run.assert_error("“2025-12-03 noon”不是有效的审查时间", "audit.start", run.line("start:"));
}

#[test]
fn a_missing_required_field_is_named() {
    let run = check_example(&[("project_number: 20913-2024-SA\n", "")]);
    run.assert_invalid();
    let stderr = run.stderr();
    let d = diagnostics(&stderr).into_iter().next().expect("a diagnostic");
    assert!(d.message.contains("缺少必填字段“project_number”"), "{stderr}");
    assert_eq!(d.path.as_deref(), Some("project_number"), "{stderr}");
    assert!(d.line.is_some_and(|l| l >= 1), "{stderr}");
}

#[test]
fn a_missing_top_level_field_points_at_the_start_of_the_record() {
    let run = check_example(&[("project_number: 20913-2024-SA\n", "")]);
    run.assert_error("缺少必填字段“project_number”", "project_number", run.line("profile:"));
}

#[test]
fn a_missing_nested_field_points_into_the_mapping_that_lacks_it() {
    let run = check_example(&[("    person: 杜孝维\n", "")]);
    run.assert_invalid();
    let stderr = run.stderr();
    let d = diagnostics(&stderr).into_iter().next().expect("a diagnostic");
    assert!(d.message.contains("缺少必填字段“person”"), "{stderr}");
    assert_eq!(d.path.as_deref(), Some("client.contact.person"), "{stderr}");
    // Somewhere in the contact block.
    let (contact, last) = (run.line("contact:"), run.line("email:"));
    assert!(d.line.is_some_and(|l| (contact..=last).contains(&l)), "{stderr}");
}

#[test]
fn a_missing_profile_file_is_reported_at_the_profile_field() {
    let run = check_example(&[("profile: cb-profile.yaml", "profile: missing-profile.yaml")]);
    let d = run.assert_error("找不到这个文件", "profile", run.line("profile:"));
    assert!(d.message.contains("missing-profile.yaml"), "{}", run.stderr());
}

#[test]
fn an_unknown_builtin_scheme_is_reported_at_the_scheme_field() {
    let run = check_example(&[("profile: cb-profile.yaml", "profile: cb-profile.yaml\nscheme: gbt-0000")]);
    run.assert_error("没有名为“gbt-0000”的内置评分体系", "scheme", run.line("scheme:"));
}

// ---------------------------------------------------------------------------------------------
// Head and client.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_empty_scope_text_is_an_error() {
    let run = check_example(&[("  text: 环保类设备销售的售后服务", "  text: \"\"")]);
    run.assert_error("审查范围不能为空", "scope.text", run.line("text: \"\""));
}

#[test]
fn an_odd_phone_number_is_only_a_warning() {
    let run = check_example(&[("    phone: \"19123050876\"", "    phone: \"12\"")]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    assert!(run.stderr().contains("警告"), "{}", run.stderr());
    run.assert_diag("警告", "电话“12”看起来不对", "client.contact.phone", run.line("phone: \"12\""));
    assert!(run.stdout().contains("r.yaml：0 个错误，1 个警告"), "{}", run.stdout());
}

#[test]
fn a_multi_site_client_without_sites_is_an_error() {
    let run = check_example(&[("  # 1.5 单一场所组织：不写 sites", "  sites: []")]);
    run.assert_error("多场所组织至少要列出一个固定分场所", "client.sites", run.line("sites: []"));
}

// ---------------------------------------------------------------------------------------------
// Scores and findings.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_score_above_the_indicator_maximum_is_an_error() {
    let run = check_example(&[("  supervision: 6", "  supervision: 9")]);
    let d = run.assert_error("“监督”的值 9 太大", "scores.supervision", run.line("supervision: 9"));
    assert_eq!(d.expected.as_deref(), Some("不大于 7 的数"));
}

#[test]
fn an_unknown_indicator_in_scores_is_an_error() {
    let run = check_example(&[("  supervision: 6", "  supervision: 6\n  marketing: 3")]);
    let d = run.assert_error("未知的字段“marketing”", "scores.marketing", run.line("marketing: 3"));
    assert!(d.expected.unwrap().contains("supervision"));
}

#[test]
fn a_missing_indicator_score_is_an_error() {
    let run = check_example(&[("  recycling: 2\n", "")]);
    run.assert_error("以下指标没有得分：废弃商品回收", "scores", run.line("scores:"));
    assert!(run.stdout().contains("尚未完成评分"), "{}", run.stdout());
}

#[test]
fn a_stated_score_must_agree_with_the_findings_deductions() {
    let run = check_example_owned(&[on_first_finding("deduction: {indicator: supervision, points: 2}")]);
    run.assert_error(
        "监督写明得分 6，但发现项扣分后应为 5（分值 7 − 扣分 2）",
        "scores.supervision",
        run.line("supervision: 6"),
    );
}

#[test]
fn a_stated_score_that_agrees_with_the_deductions_is_accepted() {
    let run = check_example_owned(&[on_first_finding("deduction: {indicator: supervision, points: 1}")]);
    run.assert_valid();
}

#[test]
fn scores_and_points_with_more_than_two_decimals_are_an_error() {
    let run = check_example(&[("  supervision: 6", "  supervision: 6.125")]);
    let d = run.assert_error("数字 6.125 超过两位小数", "scores.supervision", run.line("supervision: 6.125"));
    assert_eq!(d.expected.as_deref(), Some("最多两位小数，例如 6.12"));
    let run = check_example_owned(&[
        ("  supervision: 6", "  supervision: derived".to_owned()),
        on_first_finding("deduction:\n      indicator: supervision\n      points: 0.333"),
    ]);
    run.assert_error("数字 0.333 超过两位小数", "findings[0].deduction.points", run.line("points: 0.333"));
}

#[test]
fn a_stated_score_must_agree_with_a_proportional_deduction_at_the_hundredth() {
    let deduction = "deduction:\n      indicator: supervision\n      samples: 3\n      nonconforming: 1";
    let run = check_example_owned(&[
        ("  supervision: 6", "  supervision: 4.66".to_owned()),
        on_first_finding(deduction),
    ]);
    run.assert_valid();
    // 7 × 1/3 = 2.333… is deducted as 2.34, rounded up: 4.67 would raise the row.
    let run = check_example_owned(&[
        ("  supervision: 6", "  supervision: 4.67".to_owned()),
        on_first_finding(deduction),
    ]);
    run.assert_error(
        "监督写明得分 4.67，但发现项扣分后应为 4.66（分值 7 − 扣分 2.34）",
        "scores.supervision",
        run.line("supervision: 4.67"),
    );
}

#[test]
fn deductions_beyond_the_indicator_maximum_are_an_error() {
    let run = check_example_owned(&[
        ("  supervision: 6", "  supervision: derived".to_owned()),
        on_first_finding("deduction: {indicator: supervision, whole: true}"),
        (
            "  - aspect: 客户满意度方面",
            "    deduction: {indicator: supervision, points: 1}\n  - aspect: 客户满意度方面".to_owned(),
        ),
    ]);
    run.assert_error(
        "发现项对监督的扣分合计 8 分，超过该指标分值 7",
        "scores.supervision",
        run.line("supervision: derived"),
    );
}

#[test]
fn a_deduction_on_an_excluded_indicator_is_an_error() {
    let run = check_example_owned(&[
        ("  supervision: 6", "  supervision: excluded".to_owned()),
        on_first_finding("deduction: {indicator: supervision, points: 1}"),
    ]);
    run.assert_error(
        "监督已删减，但仍有发现项对其扣分",
        "scores.supervision",
        run.line("supervision: excluded"),
    );
}

#[test]
fn a_deduction_with_two_forms_is_an_error() {
    let run = check_example_owned(&[on_first_finding(
        "deduction: {indicator: supervision, points: 1, whole: true}",
    )]);
    run.assert_error("扣分方式须且只能写一种", "findings[0].deduction", run.line("deduction:"));
}

#[test]
fn a_deduction_on_an_unknown_indicator_is_an_error() {
    let run = check_example_owned(&[on_first_finding("deduction: {indicator: marketing, points: 1}")]);
    run.assert_error(
        "“marketing”不是评分体系的指标",
        "findings[0].deduction.indicator",
        run.line("deduction:"),
    );
}

#[test]
fn deduction_points_above_the_indicator_maximum_are_an_error() {
    let run = check_example_owned(&[
        ("  supervision: 6", "  supervision: derived".to_owned()),
        on_first_finding("deduction:\n      indicator: supervision\n      points: 8"),
    ]);
    run.assert_error("扣分 8 超出范围", "findings[0].deduction.points", run.line("points: 8"));
}

#[test]
fn more_nonconforming_samples_than_samples_is_an_error() {
    let run = check_example_owned(&[
        ("  supervision: 6", "  supervision: derived".to_owned()),
        on_first_finding(
            "deduction:\n      indicator: supervision\n      samples: 2\n      nonconforming: 3",
        ),
    ]);
    run.assert_error(
        "不符合样本数超过抽样数",
        "findings[0].deduction.nonconforming",
        run.line("nonconforming: 3"),
    );
}

#[test]
fn a_finding_with_two_effects_is_an_error() {
    let run = check_example_owned(&[on_first_finding(
        "deduction: {indicator: supervision, points: 1}\n    special_bonus: 行业领先的回访制度",
    )]);
    run.assert_error(
        "一条发现项只能是扣分、特别扣分项或特别加分项中的一种",
        "findings[0]",
        run.line("- aspect: 服务流程方面"),
    );
}

#[test]
fn a_second_special_bonus_is_an_error_on_the_second() {
    let run = check_example(&[
        ("  - aspect: 服务人员能力方面", "    special_bonus: 服务优势一\n  - aspect: 服务人员能力方面"),
        ("  - aspect: 客户满意度方面", "    special_bonus: 服务优势二\n  - aspect: 客户满意度方面"),
    ]);
    run.assert_error(
        "特别加分项最多 1 个",
        "findings[1].special_bonus",
        run.line("special_bonus: 服务优势二"),
    );
    assert_eq!(run.error_count(), 1, "only the second bonus is refused:\n{}", run.stderr());
}

#[test]
fn a_special_deduction_needs_a_corrective_action() {
    let run = check_example_owned(&[on_first_finding(
        "special_deduction:\n      ground: law\n      corrective_action: \"\"",
    )]);
    run.assert_error(
        "特别扣分项的整改要求不能为空",
        "findings[0].special_deduction.corrective_action",
        run.line("corrective_action:"),
    );
}

#[test]
fn a_special_deduction_without_the_corrective_action_key_is_named() {
    let run = check_example_owned(&[on_first_finding("special_deduction:\n      ground: law")]);
    run.assert_invalid();
    let stderr = run.stderr();
    let d = diagnostics(&stderr).into_iter().next().expect("a diagnostic");
    assert!(d.message.contains("缺少必填字段“corrective_action”"), "{stderr}");
    assert_eq!(d.path.as_deref(), Some("findings[0].special_deduction.corrective_action"), "{stderr}");
}

/// Five findings with a special deduction each, appended to the example's findings.
fn five_special_deductions() -> String {
    let mut findings = String::new();
    for i in 1..=5 {
        findings.push_str(&format!(
            "  - aspect: 特别扣分项 {i}\n    text: 第 {i} 项不符合\n    special_deduction:\n      ground: company_rules\n      corrective_action: 整改第 {i} 项\n"
        ));
    }
    format!("{findings}\n# 3 内部评价人员能力")
}

#[test]
fn five_special_deductions_fail_the_evaluation() {
    let findings = five_special_deductions();
    // Without a recommended level the record is valid, but the evaluation fails.
    let run = check_example(&[("\n# 3 内部评价人员能力", &findings)]);
    assert_eq!(run.code(), Some(0), "{}", run.stderr());
    let table = run.stdout();
    assert!(table.contains("特别扣分项 5 个（−5）"), "{table}");
    assert!(
        table.contains("评分结果：90 分，评价不合格：特别扣分项 5 个，达到 5 个以上（含 5 个）"),
        "{table}"
    );

    // A recommended level cannot stand on a failed evaluation.
    let run = check_example(&[
        ("\n# 3 内部评价人员能力", &findings),
        ("  text: 环保类设备销售的售后服务", "  text: 环保类设备销售的售后服务\n  level: five_star"),
    ]);
    run.assert_error(
        "评价不合格，不能推荐星级：特别扣分项 5 个，达到 5 个以上（含 5 个）",
        "scope.level",
        run.line("level: five_star"),
    );
    assert!(run.stdout().contains("不合格"), "{}", run.stdout());
}

// ---------------------------------------------------------------------------------------------
// The recommended level (1.9 scope.level).
// ---------------------------------------------------------------------------------------------

const SCOPE_TEXT: &str = "  text: 环保类设备销售的售后服务";

#[test]
fn a_level_above_the_computed_one_is_an_error() {
    // 95 − 3 = 92: 四星级.
    let run = check_example(&[
        ("  complaint_handling: 8", "  complaint_handling: 5"),
        (SCOPE_TEXT, "  text: 环保类设备销售的售后服务\n  level: five_star"),
    ]);
    run.assert_error("推荐的五星级高于评分所得的四星级", "scope.level", run.line("level: five_star"));
    assert!(run.stdout().contains("评分结果：92 分，四星级售后服务"), "{}", run.stdout());
}

#[test]
fn a_lower_level_needs_a_reason() {
    let run = check_example(&[(SCOPE_TEXT, "  text: 环保类设备销售的售后服务\n  level: four_star")]);
    run.assert_error(
        "推荐的四星级低于评分所得的五星级，须说明理由",
        "scope.level",
        run.line("level: four_star"),
    );
}

#[test]
fn a_lower_level_with_a_reason_is_accepted() {
    let run = check_example(&[(
        SCOPE_TEXT,
        "  text: 环保类设备销售的售后服务\n  level: four_star\n  level_reason: 投诉处理记录不完整，审查组决定降低一级",
    )]);
    run.assert_valid();
}

#[test]
fn an_unknown_level_is_an_error() {
    let run = check_example(&[(SCOPE_TEXT, "  text: 环保类设备销售的售后服务\n  level: six_star")]);
    let d = run.assert_error("“six_star”不是可选的值", "scope.level", run.line("level: six_star"));
    assert!(d.expected.unwrap().contains("five_star"));
}

// ---------------------------------------------------------------------------------------------
// The audit team.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_team_without_a_leader_is_an_error() {
    let run = check_example(&[("      role: leader", "      role: member")]);
    run.assert_error("审查组必须恰好有一名组长，现有 0 名", "audit.team", run.line("team:"));
}

#[test]
fn a_team_with_two_leaders_is_an_error() {
    let run = check_example_owned(&[(LEADER_PHONE, second_member("B", "leader"))]);
    run.assert_error("审查组必须恰好有一名组长，现有 2 名", "audit.team", run.line("team:"));
}

#[test]
fn a_duplicate_member_code_is_an_error_on_the_second_member() {
    let run = check_example_owned(&[(LEADER_PHONE, second_member("A", "member"))]);
    run.assert_error("成员代码“A”重复", "audit.team[1].code", run.nth_line("- code: A", 1));
}

// ---------------------------------------------------------------------------------------------
// Dates and the audit type.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_audit_ending_before_it_starts_is_an_error() {
    let run = check_example(&[("  end: 2025-12-03 pm", "  end: 2025-12-02 pm")]);
    run.assert_error(
        "审查结束（2025-12-02 pm）早于审查开始（2025-12-03 am）",
        "audit.end",
        run.line("end: 2025-12-02"),
    );
}

#[test]
fn a_surveillance_audit_needs_the_previous_end() {
    let run = check_example(&[("  previous_end: 2024-11-28\n", "")]);
    // The field is missing: the diagnostic points at the mapping that should hold it.
    run.assert_error("保持认证须写明上次审查结束日期", "audit.previous_end", run.line("audit:"));
}

#[test]
fn the_previous_end_must_be_before_the_audit_starts() {
    let run = check_example(&[("  previous_end: 2024-11-28", "  previous_end: 2025-12-03")]);
    run.assert_error(
        "上次审查结束日期（2025-12-03）不早于本次审查开始（2025-12-03）",
        "audit.previous_end",
        run.line("previous_end:"),
    );
}

#[test]
fn an_initial_audit_reports_previous_end_changes_and_certificate_use_at_once() {
    let run = check_example(&[("audit_type: surveillance\nsurveillance_number: 1", "audit_type: initial")]);
    run.assert_error(
        "初次认证没有上次审查，不应写 previous_end",
        "audit.previous_end",
        run.line("previous_end:"),
    );
    run.assert_error("1.14 组织变更信息只适用于监督和再认证审查", "changes", run.line("changes:"));
    run.assert_error(
        "证书及标志使用只适用于监督和再认证审查",
        "certificate_use",
        run.line("certificate_use:"),
    );
    assert_eq!(run.error_count(), 3, "{}", run.stderr());
    assert!(run.stdout().contains("r.yaml：3 个错误"), "{}", run.stdout());
}

#[test]
fn an_initial_audit_has_no_surveillance_number() {
    let run = check_example(&[
        ("audit_type: surveillance", "audit_type: initial"),
        ("  previous_end: 2024-11-28\n", ""),
        ("certificate_use: 未见证书及标志违规使用情况\n", ""),
        (changes_block().as_str(), ""),
    ]);
    run.assert_error("只有监督审查才写第几次监督", "surveillance_number", run.line("surveillance_number:"));
    assert_eq!(run.error_count(), 1, "{}", run.stderr());
}

#[test]
fn a_third_surveillance_is_outside_the_cycle() {
    let run = check_example(&[("surveillance_number: 1", "surveillance_number: 3")]);
    run.assert_error("第 3 次监督不在认证周期内", "surveillance_number", run.line("surveillance_number:"));
}

// ---------------------------------------------------------------------------------------------
// 1.14 changes and 5 certificate use.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_change_must_end_at_the_current_value() {
    let from = "    from: 重庆市大渡口区春晖路街道翠柏路 101 号附 1 号负 1-10\n    to: 重庆市大渡口区松青路 1563 号 2-1";
    let to = "    from: 重庆市大渡口区春晖路街道翠柏路 101 号附 1 号负 1-10\n    to: 重庆市大渡口区松青路 1563 号 3-1";
    let run = check_example(&[(from, to)]);
    run.assert_error(
        "注册地址变更后的值“重庆市大渡口区松青路 1563 号 3-1”与 client.registered_address",
        "changes.registered_address.to",
        run.line("to: 重庆市大渡口区松青路 1563 号 3-1"),
    );
}

/// The example's whole `changes:` block (1.14), up to the comment that follows it.
fn changes_block() -> String {
    let text = example_text();
    let start = text.find("\nchanges:\n").expect("the example has changes") + 1;
    let end = start + text[start..].find("\n\n").expect("a blank line after changes");
    text[start..=end].to_owned()
}

#[test]
fn a_surveillance_audit_needs_the_changes() {
    let run = check_example(&[(changes_block().as_str(), "")]);
    // A missing top-level field points at the start of the record.
    run.assert_error("保持认证须填写 1.14 组织变更信息", "changes", run.line("profile:"));
    assert_eq!(run.error_count(), 1, "{}", run.stderr());
}

#[test]
fn a_surveillance_audit_needs_the_certificate_use() {
    let run = check_example(&[("certificate_use: 未见证书及标志违规使用情况\n", "")]);
    // A missing top-level field points at the start of the record.
    run.assert_error("保持认证须填写第 5 部分证书及标志使用情况", "certificate_use", run.line("profile:"));
}

// ---------------------------------------------------------------------------------------------
// 1.17 remote audit.
// ---------------------------------------------------------------------------------------------

const REMOTE_AUDIT: &str = "remote_audit:
  location: 审查组办公室
  scope: 文件审查与人员访谈
  ict_tools: 腾讯会议
  security_agreement: true
  ict_effective: true
";

#[test]
fn a_remote_audit_needs_the_remote_audit_section() {
    let run = check_example(&[("  method: on_site", "  method: remote")]);
    run.assert_error("审查方式为远程审核，须填写 1.17 远程审核情况", "remote_audit", run.line("profile:"));
}

#[test]
fn an_on_site_audit_has_no_remote_audit_section() {
    let insert = format!("{REMOTE_AUDIT}\n# 2 审查结果");
    let run = check_example(&[("# 2 审查结果", &insert)]);
    run.assert_error("现场审核不适用 1.17 远程审核", "remote_audit", run.line("remote_audit:"));
}

#[test]
fn a_remote_audit_with_the_section_is_accepted() {
    let insert = format!("{REMOTE_AUDIT}\n# 2 审查结果");
    let run = check_example(&[("  method: on_site", "  method: combined"), ("# 2 审查结果", &insert)]);
    run.assert_valid();
}

// ---------------------------------------------------------------------------------------------
// Section 3 and 6: internal evaluation and conclusion.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_internal_evaluation_after_the_audit_start_is_an_error() {
    let run = check_example(&[("  date: 2025-07-12", "  date: 2025-12-04")]);
    run.assert_error(
        "内部评价日期（2025-12-04）不早于本次审查开始（2025-12-03）",
        "internal_evaluation.date",
        run.line("date: 2025-12-04"),
    );
}

#[test]
fn an_internal_evaluation_score_above_100_is_an_error() {
    let run = check_example(&[("  score: 96", "  score: 101")]);
    let d =
        run.assert_error("“内部评价得分”的值 101 太大", "internal_evaluation.score", run.line("score: 101"));
    assert_eq!(d.expected.as_deref(), Some("不大于 100 的数"));
}

#[test]
fn a_report_dated_before_the_audit_end_is_an_error() {
    let run = check_example(&[("  author: 张心\n  date: 2025-12-03", "  author: 张心\n  date: 2025-12-02")]);
    run.assert_error(
        "编制日期（2025-12-02）早于审查结束（2025-12-03）",
        "conclusion.date",
        run.line("date: 2025-12-02"),
    );
}

#[test]
fn a_report_without_an_author_is_an_error() {
    let run = check_example(&[("  author: 张心\n", "")]);
    // The field is missing: the diagnostic points at `conclusion:`.
    run.assert_error("报告编制人不能为空", "conclusion.author", run.line("conclusion:"));
}

// ---------------------------------------------------------------------------------------------
// Several files.
// ---------------------------------------------------------------------------------------------

#[test]
fn check_reports_every_file_and_fails_if_one_is_invalid() {
    let ws = Workspace::new();
    ws.example_with("good.yaml", &[]);
    let bad = ws.example_with("bad.yaml", &[("  recycling: 2\n", "")]);
    let bad_text = std::fs::read_to_string(bad).unwrap();
    let output = certreport(&["check", "good.yaml", "bad.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let (out, err) = (stdout(&output), stderr(&output));
    assert!(out.contains("good.yaml：0 个错误，0 个警告"), "{out}");
    assert!(out.contains("bad.yaml：1 个错误，0 个警告"), "{out}");
    // Both score tables are printed.
    assert_eq!(out.matches("评分结果：").count(), 2, "{out}");
    let line = line_of(&bad_text, "scores:");
    assert!(err.contains(&format!("bad.yaml:{line}:")), "{err}");
    assert!(err.contains("字段：scores\n"), "{err}");
    assert!(!err.contains("good.yaml"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// The file as written: dates of the calendar, numbers, tags — all in one run.
// ---------------------------------------------------------------------------------------------

#[test]
fn impossible_dates_are_reported_together_with_every_other_structural_problem() {
    let run = check_example(&[
        ("start: 2025-12-03 am", "start: 2025-12-32 am"),
        ("  date: 2025-07-12", "  date: 2025-13-01"),
        ("  date: 2025-12-03", "  date: 2025-02-30"),
        ("    phone: \"19123050876\"", "    phon: \"19123050876\""),
        ("  organisation: 4", "  organisation: 5"),
    ]);
    run.assert_error("日期“2025-12-32”在日历中不存在", "audit.start", run.line("start: 2025-12-32"));
    run.assert_error(
        "日期“2025-13-01”在日历中不存在",
        "internal_evaluation.date",
        run.line("date: 2025-13-01"),
    );
    let d =
        run.assert_error("日期“2025-02-30”在日历中不存在", "conclusion.date", run.line("date: 2025-02-30"));
    assert_eq!(d.expected.as_deref(), Some("日期，写成 YYYY-MM-DD，例如 2025-12-03"));
    run.assert_error("未知的字段“phon”", "client.contact.phon", run.line("phon:"));
    run.assert_error("“组织架构”的值 5 太大", "scores.organisation", run.line("organisation: 5"));
    assert_eq!(run.error_count(), 5, "{}", run.stderr());
}

#[test]
fn a_date_with_spaces_inside_its_quotes_says_so() {
    let run = check_example(&[("  date: 2025-12-03", "  date: \" 2025-07-12 \"")]);
    run.assert_error("“ 2025-07-12 ”的前后有空格", "conclusion.date", run.line("date: \" 2025"));
}

#[test]
fn numbers_are_written_in_plain_decimal_with_at_most_two_decimals() {
    let run = check_example(&[
        ("  organisation: 4", "  organisation: 0x4"),
        ("  staffing: 6", "  staffing: 1e-400"),
        ("  resources: 6", "  resources: +4"),
        ("  delivery: 4", "  delivery: 1_0"),
        ("  repair: 10", "  repair: 0010"),
        ("  score: 96", "  score: 99.999"),
        ("  recycling: 2", "  recycling: 1.9999999999999999"),
    ]);
    for (written, path) in [
        ("0x4", "scores.organisation"),
        ("1e-400", "scores.staffing"),
        ("+4", "scores.resources"),
        ("1_0", "scores.delivery"),
        ("0010", "scores.repair"),
    ] {
        let line = run.line(&format!("{}: {written}", path.rsplit('.').next().unwrap()));
        run.assert_error(&format!("数字“{written}”不是十进制写法"), path, line);
    }
    run.assert_error("数字 99.999 超过两位小数", "internal_evaluation.score", run.line("score: 99.999"));
    run.assert_error("数字 1.9999999999999999 超过两位小数", "scores.recycling", run.line("recycling:"));
    assert_eq!(run.error_count(), 7, "{}", run.stderr());
}

#[test]
fn a_count_too_large_for_its_type_says_what_fits() {
    let deduction = "deduction: {indicator: supervision, samples: 4294967296, nonconforming: 1}";
    let run = check_example_owned(&[on_first_finding(deduction)]);
    let d =
        run.assert_error("数字 4294967296 超出范围", "findings[0].deduction.samples", run.line("deduction:"));
    assert_eq!(d.expected.as_deref(), Some("0 到 4294967295 之间的整数"));
}

#[test]
fn yaml_tags_are_errors_where_they_are_written() {
    let run = check_example(&[
        ("certificate_use: 未见证书及标志违规使用情况", "certificate_use: !!binary aGVsbG8="),
        ("  supervision: 6", "  supervision: !!str 6"),
        ("  delivery: 4", "  delivery: !foo 4"),
    ]);
    run.assert_error("不支持 YAML 标签 !!binary", "certificate_use", run.line("certificate_use:"));
    run.assert_error("不支持 YAML 标签 !!str", "scores.supervision", run.line("supervision:"));
    run.assert_error("不支持 YAML 标签 !foo", "scores.delivery", run.line("delivery:"));
    assert_eq!(run.error_count(), 3, "{}", run.stderr());
}

#[test]
fn an_audit_of_years_and_a_previous_audit_before_the_cycle_are_warned_of() {
    let run = check_example(&[
        ("end: 2025-12-03 pm", "end: 2031-12-03 pm"),
        ("previous_end: 2024-11-28", "previous_end: 2021-11-28"),
        ("  date: 2025-12-03", "  date: 2031-12-04"),
    ]);
    let d = run.assert_diag("警告", "历时 2192 天", "audit.end", run.line("end: 2031-12-03"));
    assert!(d.expected.unwrap().contains("不超过 30 天"));
    let d = run.assert_diag("警告", "早 3 年以上", "audit.previous_end", run.line("previous_end:"));
    assert!(d.expected.unwrap().contains("认证周期（3 年）"));
}

// ---- issue 16: what check passes, render exports; the record's own mistakes, at the field ----

#[test]
fn a_client_name_too_long_for_the_pdf_title_is_refused_by_check_and_render() {
    let name = "重".repeat(11_000);
    let run = check_example_owned(&[("  name: 重庆百环环保科技有限公司", format!("  name: {name}"))]);
    let diag = run.assert_error(
        "受审查方名称过长（11000 个字符，33000 字节）",
        "client.name",
        run.line("name: 重重"),
    );
    assert!(diag.message.contains("PDF 的文档标题"), "{diag:?}");
    assert!(diag.expected.as_deref().unwrap().contains("约 10907 个汉字"), "{diag:?}");
    // render stops at the same problem, before Typst, in Chinese.
    let render = certreport(&["render", FILE], run._ws.dir.path());
    assert_eq!(render.status.code(), Some(1), "{}", stderr(&render));
    assert!(stderr(&render).contains("受审查方名称过长"), "{}", stderr(&render));
    assert!(!stderr(&render).contains("PDF string"), "{}", stderr(&render));
}

#[test]
fn a_suggestion_heading_or_an_identifier_too_long_for_the_pdf_is_refused_at_its_field() {
    let aspect = "人".repeat(11_000);
    let phone = "1".repeat(17_000);
    let run = check_example_owned(&[
        ("  - aspect: 人员管理方面", format!("  - aspect: {aspect}")),
        ("    phone: \"19123050876\"", format!("    phone: \"{phone}\"")),
    ]);
    run.assert_error("建议的方面过长", "suggestions[1].aspect", run.line("- aspect: 人人"));
    run.assert_error(
        "含有一段 17000 个字符、中间无法换行的文字",
        "client.contact.phone",
        run.line("phone: \"111"),
    );
}

/// A copy of the built-in scheme with `edits`, written beside the record, which names it.
fn check_with_scheme(edits: &[(&str, &str)]) -> (Run, String) {
    let mut scheme = std::fs::read_to_string(repo("schemes/gbt27922-2011.yaml")).unwrap();
    for (from, to) in edits {
        assert!(scheme.contains(from), "the scheme contains {from:?}");
        scheme = scheme.replacen(from, to, 1);
    }
    let ws = Workspace::new();
    ws.write("my-scheme.yaml", &scheme);
    let path = ws.example_with(
        FILE,
        &[("profile: cb-profile.yaml", "profile: cb-profile.yaml\nscheme: my-scheme.yaml")],
    );
    let text = std::fs::read_to_string(&path).unwrap();
    let output = certreport(&["check", FILE], ws.dir.path());
    (Run { _ws: ws, text, output }, scheme)
}

#[test]
fn a_scheme_whose_pass_score_is_below_its_lowest_level_or_0_is_refused_at_that_field() {
    for pass in ["0", "44"] {
        let (run, scheme) = check_with_scheme(&[("pass_score: 70", &format!("pass_score: {pass}"))]);
        run.assert_invalid();
        let stderr = run.stderr();
        let line = line_of(&scheme, "pass_score:");
        assert!(stderr.contains(&format!("合格分 pass_score 为 {pass}")), "{stderr}");
        assert!(stderr.contains(&format!("my-scheme.yaml:{line}:")), "{stderr}");
        assert!(stderr.contains("应为：大于 0，且与最低星级的分数线相同：pass_score: 70"), "{stderr}");
    }
}

#[test]
fn an_empty_indicator_group_is_named_and_no_figure_reads_minus_0() {
    let (run, _) = check_with_scheme(&[(
        "      - { key: customer_relations, name: 顾客关系, max: 15 }\n      - { key: complaint_handling, name: 投诉处理, max: 10 }",
        "      []",
    )]);
    run.assert_invalid();
    assert!(run.stderr().contains("一级指标“顾客服务”没有二级指标"), "{}", run.stderr());
    assert!(!run.stderr().contains("-0"), "{}", run.stderr());
    let ws = Workspace::new();
    ws.example_with(FILE, &[]);
    let (_, json) = check_json(&[FILE], ws.dir.path());
    let text = json.to_string();
    assert!(text.contains("\"deducted\":0.0"), "{text}");
    assert!(!text.contains("-0.0"), "{text}");
}

#[test]
fn a_star_level_or_the_scope_code_typed_into_the_scope_is_an_error_at_it() {
    let run = check_example(&[("  text: 环保类设备销售的售后服务", "  text: 环保类设备维修服务（四星级）")]);
    let diag = run.assert_error("审查范围中写了星级“四星级”", "scope.text", run.line("text: 环保类设备维修"));
    assert!(diag.message.contains("自动加上"), "{diag:?}");
    for (typed, prefix) in [("S: 环保类设备销售的售后服务", "S:"), ("S：环保类设备销售的售后服务", "S：")]
    {
        let run =
            check_example_owned(&[("  text: 环保类设备销售的售后服务", format!("  text: \"{typed}\""))]);
        let diag =
            run.assert_error(&format!("审查范围以“{prefix}”开头"), "scope.text", run.line("text: \"S"));
        assert!(diag.message.contains("S: S"), "{diag:?}");
    }
}

#[test]
fn a_score_above_its_maximum_does_not_hide_the_other_errors() {
    let run = check_example(&[("organisation: 4", "organisation: 5"), ("  author: 张心", "  author: \"\"")]);
    run.assert_error("“组织架构”的值 5 太大", "scores.organisation", run.line("organisation: 5"));
    run.assert_error("报告编制人不能为空", "conclusion.author", run.line("author:"));
    // Said once: the rules' own range check does not repeat the loader's.
    assert_eq!(run.stderr().matches("scores.organisation").count(), 1, "{}", run.stderr());
    assert_eq!(run.error_count(), 2, "{}", run.stderr());
}

#[test]
fn numbers_beyond_any_type_are_quoted_as_written() {
    for written in ["18446744073709551615", "99999999999999999999"] {
        let run = check_example_owned(&[
            ("organisation: 4", format!("organisation: {written}")),
            on_first_finding(&format!(
                "deduction: {{indicator: repair, samples: {written}, nonconforming: 1}}"
            )),
        ]);
        run.assert_error(
            &format!("“组织架构”的值 {written} 太大"),
            "scores.organisation",
            run.line("organisation:"),
        );
        run.assert_error(
            &format!("数字 {written} 超出范围"),
            "findings[0].deduction.samples",
            run.line("deduction: {indicator: repair"),
        );
        assert!(!run.stderr().contains("e+20") && !run.stderr().contains("551616"), "{}", run.stderr());
    }
}

#[test]
fn a_full_width_colon_or_a_missing_space_after_a_key_is_named_at_the_line_written() {
    for (from, to, message, fixed) in [
        ("    person: 杜孝维", "    person：杜孝维", "字段名“person”后用了全角冒号“：”", "person: 杜孝维"),
        ("  organisation: 4", "  organisation:4", "字段名“organisation”的冒号后缺少空格", "organisation: 4"),
    ] {
        let run = check_example(&[(from, to)]);
        run.assert_invalid();
        let all = diagnostics(&run.stderr());
        let diag =
            all.iter().find(|d| d.message.contains(message)).unwrap_or_else(|| panic!("{}", run.stderr()));
        assert_eq!(diag.line, Some(run.line(to.trim())), "{}", run.stderr());
        assert!(diag.expected.as_deref().unwrap().contains(fixed), "{diag:?}");
        assert_eq!(all.len(), 1, "{}", run.stderr());
    }
}

#[test]
fn what_a_missing_field_should_hold_is_said_once() {
    let run = check_example(&[("      role: leader\n", "")]);
    let diag = run.assert_error("缺少必填字段“role”", "audit.team[0].role", run.line("- code: A"));
    assert_eq!(diag.expected.as_deref().unwrap().matches("leader（组长）").count(), 1, "{diag:?}");
    let run = check_example(&[("  start: 2025-12-03 am\n", "")]);
    let diag = run.assert_error("缺少必填字段“start”", "audit.start", run.line("audit:"));
    assert_eq!(diag.expected.as_deref().unwrap().matches("例如 2025-12-03 am").count(), 1, "{diag:?}");
}

#[test]
fn ppi_with_a_pdf_output_is_a_usage_error() {
    let ws = Workspace::new();
    ws.example_with(FILE, &[]);
    let output = certreport(&["render", FILE, "-o", "r.pdf", "--ppi", "72"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--ppi 72 只用于 PNG 页面图片"), "{}", stderr(&output));
    assert!(!ws.path("r.pdf").exists());
}

/// A lone carriage return (old Mac line ends) is a line break to YAML: such a record is read
/// as written, and an error in it is placed on the line an editor shows (found by the fuzzer
/// of the service's input: the hint for a miswritten colon counted lines another way and
/// panicked).
#[test]
fn a_record_with_old_mac_line_ends_is_read_and_its_errors_are_placed() {
    let ws = Workspace::new();
    ws.write("mac.yaml", &example_text().replace('\n', "\r"));
    let output = certreport(&["check", "mac.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    ws.write("bad.yaml", "a: 1\n\r\r\r\r\r\r  b: 2\n");
    let output = certreport(&["check", "bad.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("bad.yaml:8:"), "{}", stderr(&output));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}

/// A CB profile whose name, address, phone or post code is left empty (the starter's `""`)
/// would print a cover with blanks: an error at the field, for the profile checked on its own
/// and for every record naming it.
#[test]
fn a_profile_with_its_cover_lines_left_empty_is_refused() {
    let ws = Workspace::new();
    let profile = std::fs::read_to_string(ws.path("cb-profile.yaml")).unwrap();
    let name_line = profile.lines().find(|l| l.starts_with("name:")).unwrap().to_owned();
    ws.write("cb-profile.yaml", &profile.replace(&name_line, "name: \"\""));
    ws.example_with(FILE, &[]);
    let line = line_of(&std::fs::read_to_string(ws.path("cb-profile.yaml")).unwrap(), "name:");
    for file in [FILE, "cb-profile.yaml"] {
        let output = certreport(&["check", file], ws.dir.path());
        assert_eq!(output.status.code(), Some(1), "{file}: {}", stderr(&output));
        let told = stderr(&output);
        assert!(told.contains("认证机构信息文件中的认证机构名称不能为空"), "{told}");
        assert!(told.contains(&format!("cb-profile.yaml:{line}:")), "{told}");
    }
    let output = certreport(&["render", FILE], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!ws.path("r.pdf").exists());
}
