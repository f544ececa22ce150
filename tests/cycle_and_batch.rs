//! A second scheme, the batch command and the certification cycle, through the real binary.

mod common;

use common::*;
use serde_json::Value;

/// The example's `scores:` block, replaced by the alternative scheme's indicators.
const EXAMPLE_SCORES: &str = "scores:
  organisation: 4
  staffing: 6
  resources: 6
  service_standards: 6
  supervision: 6
  improvement: 4
  service_culture: 6
  product_information: 6
  technical_support: 6
  delivery: 4
  repair: 10
  quality_assurance: 7
  recycling: 2
  customer_relations: 14
  complaint_handling: 8";

#[test]
fn a_second_scheme_works_without_code_change() {
    let ws = Workspace::new();
    std::fs::copy(repo("tests/fixtures/scheme-alt.yaml"), ws.path("scheme-alt.yaml")).unwrap();
    ws.example_with(
        "alt.yaml",
        &[
            ("profile: cb-profile.yaml", "profile: cb-profile.yaml\nscheme: scheme-alt.yaml"),
            (EXAMPLE_SCORES, "scores:\n  capability: 30\n  staff: 25\n  process: excluded\n  feedback: 8"),
        ],
    );
    let check = certreport(&["check", "alt.yaml"], ws.dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    // 63 / 70 × 100 = 90 → 优秀级 (≥ 85) of 安装服务.
    assert!(stdout(&check).contains("评分结果：90 分，优秀级安装服务"), "{}", stdout(&check));

    let render = certreport(&["render", "alt.yaml"], ws.dir.path());
    assert_eq!(render.status.code(), Some(0), "{}", stderr(&render));
    let text = pdf_text_compact(&ws.path("alt.pdf"));
    for expected in [
        "依据T/TEST001-2026",
        "服务能力60",
        "服务能力建设3530",
        "安装过程30删减",
        "=63/70×100=90分",
        "特别减分项3项及以上不通过",
        "每个特别扣分项扣除2分，达到3个为不合格",
        "达到85分以上（含85分），优秀级安装服务",
        "评分结果为：90分，优秀级安装服务",
    ] {
        assert!(text.contains(expected), "{expected} missing from\n{text}");
    }
    assert!(!text.contains("GB/T27922"));

    // The old indicators are not indicators of this scheme.
    ws.example_with(
        "alt-wrong.yaml",
        &[("profile: cb-profile.yaml", "profile: cb-profile.yaml\nscheme: scheme-alt.yaml")],
    );
    let wrong = certreport(&["check", "alt-wrong.yaml"], ws.dir.path());
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains("“organisation”不是评分体系 T/TEST 001-2026 的指标"),
        "{}",
        stderr(&wrong)
    );
}

#[test]
fn batch_renders_the_good_reports_and_lists_the_bad_ones() {
    let ws = Workspace::new();
    std::fs::create_dir_all(ws.path("in/sub")).unwrap();
    std::fs::copy(repo(PROFILE), ws.path("in/cb-profile.yaml")).unwrap();
    std::fs::copy(repo(PROFILE), ws.path("in/sub/cb-profile.yaml")).unwrap();
    for (i, name) in ["a", "b", "sub/c"].iter().enumerate() {
        let client = format!("name: 测试客户{i}有限公司");
        ws.example_with(&format!("in/{name}.yaml"), &[("name: 重庆百环环保科技有限公司", &client)]);
    }
    ws.example_with("in/bad-score.yaml", &[("supervision: 6", "supervision: 9")]);
    ws.write("in/sub/broken.yaml", "profile: cb-profile.yaml\nclient: [unclosed\n");
    // An old PDF of a record that now fails leaves reports/ but is kept, not replaced by nothing.
    std::fs::create_dir_all(ws.path("out/reports")).unwrap();
    std::fs::write(ws.path("out/reports/bad-score.pdf"), b"%PDF-1.7 last year's").unwrap();

    let output = certreport(&["batch", "in", "--out-dir", "out", "--jobs", "2"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    for pdf in ["out/reports/a.pdf", "out/reports/b.pdf", "out/reports/sub/c.pdf"] {
        let text = pdf_text_compact(&ws.path(pdf));
        assert!(text.contains("评分结果为：95分，五星级售后服务"), "{pdf}");
    }
    assert!(!ws.path("out/reports/sub/broken.pdf").exists());
    assert!(!ws.path("out/reports/bad-score.pdf").exists());
    let superseded: Vec<_> =
        std::fs::read_dir(ws.path("out/.certreport/superseded")).unwrap().flatten().collect();
    assert_eq!(superseded.len(), 1);
    assert_eq!(std::fs::read(superseded[0].path()).unwrap(), b"%PDF-1.7 last year's");

    let summary: Value =
        serde_json::from_slice(&std::fs::read(ws.path("out/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["total"], 5);
    assert_eq!(summary["succeeded"], 3);
    assert_eq!(summary["failed"], 2);
    let rows = summary["rows"].as_array().unwrap();
    let row = |file: &str| rows.iter().find(|r| r["file"].as_str().unwrap().ends_with(file)).unwrap();
    assert_eq!(row("in/a.yaml")["client"], "测试客户0有限公司");
    assert_eq!(row("in/a.yaml")["score"], 95);
    assert_eq!(row("in/a.yaml")["level"], "五星级");
    assert_eq!(row("in/a.yaml")["status"], "ok");
    assert_eq!(row("in/a.yaml")["audit_type"], "保持认证");
    let bad = row("bad-score.yaml");
    assert_eq!(bad["status"], "invalid");
    assert!(bad["first_error"].as_str().unwrap().contains("scores.supervision"));
    let line = example_text().lines().position(|l| l.contains("supervision: 6")).unwrap() + 1;
    assert_eq!(bad["error_line"], line);
    let broken = row("broken.yaml");
    assert_eq!(broken["status"], "invalid");
    assert_eq!(broken["error_line"], 2);

    let csv = std::fs::read(ws.path("out/summary.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    let csv = String::from_utf8(csv).unwrap();
    assert_eq!(csv.lines().count(), 6);
    assert!(csv.contains("测试客户1有限公司,20913-2024-SA,保持认证"));

    let table = pdf_text_compact(&ws.path("out/summary.pdf"));
    assert!(table.contains("服务认证审查报告批量生成汇总表"));
    assert!(table.contains("测试客户2有限公司20913-2024-SA保持认证2025-12-0395五星级通过成功"), "{table}");
}

#[test]
fn batch_check_only_writes_no_pdf_and_one_job_gives_the_same_bytes() {
    let ws = Workspace::new();
    ws.example_with("in/a.yaml", &[]);
    std::fs::copy(repo(PROFILE), ws.path("in/cb-profile.yaml")).unwrap();
    let check = certreport(&["batch", "in", "--out-dir", "checked", "--check-only"], ws.dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(!ws.path("checked/reports/a.pdf").exists());
    assert!(ws.path("checked/check-summary.csv").exists());

    let one = certreport(&["batch", "in", "--out-dir", "one", "--jobs", "1"], ws.dir.path());
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    let single = certreport(&["render", "in/a.yaml", "-o", "single.pdf"], ws.dir.path());
    assert_eq!(single.status.code(), Some(0));
    assert_eq!(
        std::fs::read(ws.path("one/reports/a.pdf")).unwrap(),
        std::fs::read(ws.path("single.pdf")).unwrap()
    );

    let usage = certreport(&["batch", "nowhere", "--out-dir", "x"], ws.dir.path());
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn next_runs_a_whole_certification_cycle() {
    let ws = Workspace::new();
    // Start from an initial audit in 2024.
    ws.example_with(
        "client-2024.yaml",
        &[
            ("audit_type: surveillance\nsurveillance_number: 1", "audit_type: initial"),
            ("start: 2025-12-03 am", "start: 2024-11-27 am"),
            ("end: 2025-12-03 pm", "end: 2024-11-28 pm"),
            ("  previous_end: 2024-11-28\n", ""),
            ("date: 2025-07-12", "date: 2024-07-12"),
            ("date: 2025-12-03", "date: 2024-11-28"),
        ],
    );
    let text = std::fs::read_to_string(ws.path("client-2024.yaml")).unwrap();
    let start = text.find("# 1.14").unwrap();
    let end = text.find("# 1.15").unwrap();
    let mut initial = format!("{}{}", &text[..start], &text[end..]);
    initial = initial.replace("certificate_use: 未见证书及标志违规使用情况\n", "");
    ws.write("client-2024.yaml", &initial);
    let check = certreport(&["check", "client-2024.yaml"], ws.dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    let expected =
        [("2025", "surveillance", "1"), ("2026", "surveillance", "2"), ("2027", "recertification", "")];
    let mut current = "client-2024.yaml".to_owned();
    for (year, audit_type, number) in expected {
        let next = certreport(&["next", &current], ws.dir.path());
        assert_eq!(next.status.code(), Some(0), "{}", stderr(&next));
        let file = format!("client-{year}.yaml");
        let written = std::fs::read_to_string(ws.path(&file)).unwrap();
        assert!(written.contains(&format!("audit_type: {audit_type}")), "{written}");
        if !number.is_empty() {
            assert!(written.contains(&format!("surveillance_number: {number}")), "{written}");
        }
        assert!(written.contains(&format!("previous: {current}")), "{written}");
        assert!(written.contains("profile: cb-profile.yaml"));
        assert!(written.contains("name: 重庆百环环保科技有限公司"));
        assert!(written.contains("code: A"));
        // The new record is unfinished: check lists what the auditor must still write.
        let check = certreport(&["check", &file], ws.dir.path());
        assert_eq!(check.status.code(), Some(1));
        let errors = stderr(&check);
        for missing in
            ["以下指标没有得分", "没有评价结果", "服务体系概述不能为空", "没有编制日期", "证书及标志使用"]
        {
            assert!(errors.contains(missing), "{missing} not listed for {file}:\n{errors}");
        }
        // It never overwrites.
        let again = certreport(&["next", &current], ws.dir.path());
        assert_eq!(again.status.code(), Some(2));
        current = file;
    }
    let last = std::fs::read_to_string(ws.path("client-2027.yaml")).unwrap();
    assert!(last.contains("start: 2027-11-27 am") && last.contains("end: 2027-11-28 pm"), "{last}");
    let previous_end = last.lines().find(|l| l.contains("previous_end:")).unwrap();
    assert!(previous_end.contains("2026-11-28"), "{last}");
}

#[test]
fn next_keeps_the_comments_and_marks_what_it_carried_over_for_review() {
    let ws = Workspace::new();
    ws.example_with(
        "remote-2025.yaml",
        &[
            ("  method: on_site", "  method: combined"),
            (
                "# 1.17 远程审核：现场审核不适用（不写 remote_audit）\n",
                "# 1.17 远程审核\nremote_audit:\n  location: 公司会议室（视频）\n  scope: 投诉处理记录 # 抽查\n  ict_tools: 腾讯会议\n  security_agreement: true\n  ict_effective: true\n",
            ),
        ],
    );
    let next = certreport(&["next", "remote-2025.yaml"], ws.dir.path());
    assert_eq!(next.status.code(), Some(0), "{}", stderr(&next));
    assert!(
        stdout(&next).contains(
            "请核对沿用自上一年度的内容（记录中已以注释标出）：1.6 联系方式、评价抽样方法说明、1.17 远程审核"
        ),
        "{}",
        stdout(&next)
    );
    let written = std::fs::read_to_string(ws.path("remote-2026.yaml")).unwrap();
    let lines: Vec<&str> = written.lines().collect();
    let above = |key: &str| {
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("{key}: {written}"));
        lines[..at]
            .iter()
            .rev()
            .take_while(|l| l.trim_start().starts_with('#'))
            .map(|l| l.trim())
            .collect::<Vec<_>>()
    };
    // The example's comments stand above their fields again.
    assert_eq!(above("name: 重庆百环"), ["# 1.1"], "{written}");
    assert_eq!(above("registered_address:"), ["# 1.3 工商注册地址"], "{written}");
    assert_eq!(above("method:"), ["# 1.10 审查方式"], "{written}");
    assert_eq!(above("scope: 投诉处理记录"), ["# 抽查"], "{written}");
    // What was carried over word for word is marked, once each.
    let review = "# 请核对：沿用自上一年度记录，如有变化请修改";
    assert_eq!(above("contact:"), [review, "# 1.6 联系方式", "# 1.5 单一场所组织：不写 sites"], "{written}");
    assert_eq!(above("sampling:"), [review, "# 评价抽样方法说明"], "{written}");
    assert_eq!(above("remote_audit:")[..2], [review, "# 1.17 远程审核"], "{written}");
    assert_eq!(written.matches(review).count(), 3, "{written}");
    // The header is next's own, once; the record reads as before.
    assert_eq!(written.matches("yaml-language-server").count(), 1, "{written}");
    assert!(!written.contains("2025 年监督审查"), "{written}");
    let check = certreport(&["check", "--format", "json", "remote-2026.yaml"], ws.dir.path());
    let json: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(json["records"][0]["loaded"], true, "{json}");
    // A year later the marks are not doubled.
    let again = certreport(&["next", "remote-2026.yaml"], ws.dir.path());
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let third = std::fs::read_to_string(ws.path("remote-2027.yaml")).unwrap();
    assert_eq!(third.matches(review).count(), 3, "{third}");
    assert_eq!(third.matches("# 1.1\n").count(), 1, "{third}");
}

#[test]
fn changes_are_computed_from_the_previous_record() {
    let ws = Workspace::new();
    ws.example_with("last.yaml", &[]);
    let next =
        certreport(&["next", "last.yaml", "-o", "this.yaml", "--audit-date", "2026-11-20"], ws.dir.path());
    assert_eq!(next.status.code(), Some(0), "{}", stderr(&next));
    // Fill the new record from the example, with a moved office.
    let example = example_text();
    let tail = &example[example.find("# 2 审查结果").unwrap()..];
    let mut this = std::fs::read_to_string(ws.path("this.yaml")).unwrap();
    let cut = this.find("changes:").unwrap();
    this.truncate(cut);
    this = this.replace(
        "audit_address: 重庆市大渡口区松青路 1563 号 2-1",
        "audit_address: 重庆市九龙坡区科城路 6 号",
    );
    this.push_str("changes: {}\n");
    this.push_str(
        &tail.replace("date: 2025-07-12", "date: 2026-07-12").replace("date: 2025-12-03", "date: 2026-11-20"),
    );
    ws.write("this.yaml", &this);
    let render = certreport(&["render", "this.yaml"], ws.dir.path());
    assert_eq!(render.status.code(), Some(0), "{}", stderr(&render));
    let text = pdf_text_compact(&ws.path("this.pdf"));
    assert!(
        text.contains("经营地变更（原：重庆市大渡口区松青路1563号2-1；现：重庆市九龙坡区科城路6号）"),
        "{text}"
    );
    assert!(text.contains("注册地无变更"));
    assert!(text.contains("上次审查结束2025年12月03日至2026年11月20日"));

    // A stated change that contradicts the two records is an error.
    let contradicting = this.replace(
        "changes: {}",
        "changes:\n  registered_address: {from: 旧地址, to: 重庆市大渡口区松青路 1563 号 2-1}",
    );
    ws.write("contradicting.yaml", &contradicting);
    let check = certreport(&["check", "contradicting.yaml"], ws.dir.path());
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).contains("写明的注册地址变更与上次记录不符"), "{}", stderr(&check));
    assert!(stderr(&check).contains("字段：changes.registered_address"));
}

#[test]
fn a_long_summary_table_fills_every_page_and_lists_every_row_once() {
    // More rows than the table typesets at a time (250), so that its parts are joined.
    const RECORDS: usize = 600;
    let ws = Workspace::new();
    std::fs::create_dir_all(ws.path("in")).unwrap();
    std::fs::copy(repo(PROFILE), ws.path("in/cb-profile.yaml")).unwrap();
    for i in 1..=RECORDS {
        let name = format!("  name: 测试客户{i:03}有限公司");
        ws.example_with(&format!("in/r{i:03}.yaml"), &[("  name: 重庆百环环保科技有限公司", &name)]);
    }
    ws.example_with("in/r300.yaml", &[("audit_type: surveillance", "audit_type: survey")]);
    let run = certreport(&["batch", "in", "--out-dir", "out", "--check-only"], ws.dir.path());
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));

    let pdf = ws.path("out/check-summary.pdf");
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains("服务认证审查记录批量检查汇总表"), "{info}");
    let fonts = poppler("pdffonts", &[], &pdf);
    assert!(fonts.lines().skip(2).all(|line| line.contains(" yes yes ")), "all fonts embedded: {fonts}");

    let text = pdf_text(&pdf);
    let pages: Vec<&str> = text.split('\u{c}').filter(|page| !page.trim().is_empty()).collect();
    let mut numbers = Vec::new();
    let mut rows_per_page = Vec::new();
    let mut broken_page = 0;
    for (index, page) in pages.iter().enumerate() {
        let compact: String = page.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(compact.contains(&format!("第{}页", index + 1)), "page {} is numbered: {page}", index + 1);
        let rows: Vec<usize> =
            page.lines().filter_map(|line| line.split_whitespace().next()?.parse().ok()).collect();
        if rows.contains(&300) {
            broken_page = index;
        }
        rows_per_page.push(rows.len());
        numbers.extend(rows);
    }
    assert_eq!(numbers, (1..=RECORDS).collect::<Vec<_>>(), "every row once, in order");
    // The pages between the first (which has the title) and the last hold as many rows as the
    // second, but for the one with the broken record's note (which may wrap): no page of the
    // joined parts ends early.
    let last = rows_per_page.len() - 1;
    let full = rows_per_page[1];
    for (index, &rows) in rows_per_page.iter().enumerate() {
        let expected = match index {
            0 => rows < full,
            _ if index == broken_page => rows <= full,
            _ => rows == full,
        };
        assert!(index == last || expected, "rows per page: {rows_per_page:?}");
    }
    let compact = pdf_text_compact(&pdf);
    assert!(
        compact.contains("300重庆百环环保科技有限公司20913-2024-SA记录有误in/r300.yaml:8:1:"),
        "the broken record is listed, with the client it names"
    );
    assert!(compact.contains("600测试客户600有限公司20913-2024-SA保持认证2025-12-0395五星级通过检查通过"));
}
