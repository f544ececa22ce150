//! The figures a report prints agree with each other as printed (issue 7, item 3): real records
//! rendered by the real binary, the PDF read back with pdftotext.

mod common;

use common::{Workspace, certreport, pdf_text, pdf_text_compact, stderr};

/// Findings appended to the example's list.
fn with_findings(extra: &str) -> (&'static str, String) {
    ("findings:\n", format!("findings:\n{extra}"))
}

fn render(ws: &Workspace, name: &str) -> std::path::PathBuf {
    let output = certreport(&["render", name], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    ws.path(&name.replace(".yaml", ".pdf"))
}

#[test]
fn a_report_failing_on_two_grounds_names_both() {
    let ws = Workspace::new();
    let specials: String = (1..=5)
        .map(|i| {
            format!(
                "  - aspect: 特别扣分项 {i}\n    text: 第 {i} 项不符合企业服务制度\n    special_deduction:\n      ground: company_rules\n      corrective_action: 整改第 {i} 项\n"
            )
        })
        .collect();
    let (from, to) = with_findings(&specials);
    ws.example_with(
        "failed.yaml",
        &[
            ("repair: 10", "repair: 0"),
            ("customer_relations: 14", "customer_relations: 0"),
            ("complaint_handling: 8", "complaint_handling: 6"),
            (from, &to),
        ],
    );
    let text = pdf_text_compact(&render(&ws, "failed.yaml"));
    assert!(
        text.contains("评分结果为：64分，评价不合格：评分低于70分；特别扣分项5个，达到5个以上（含5个）"),
        "{text}"
    );
    assert!(text.contains("最终得分=69−5（特别扣分项）=64分"), "{text}");
    assert!(text.contains("■不推荐保持认证注册资格"), "{text}");
}

#[test]
fn a_bonus_on_100_states_the_cap() {
    let ws = Workspace::new();
    let (from, to) = with_findings(
        "  - aspect: 服务创新方面\n    text: 建立了行业领先的远程诊断平台。\n    special_bonus: 远程诊断平台服务优势高于法律要求、行业领先\n",
    );
    ws.example_with(
        "bonus.yaml",
        &[
            ("supervision: 6", "supervision: 7"),
            ("improvement: 4", "improvement: 5"),
            ("customer_relations: 14", "customer_relations: 15"),
            ("complaint_handling: 8", "complaint_handling: 10"),
            (from, &to),
        ],
    );
    let pdf = render(&ws, "bonus.yaml");
    let text = pdf_text_compact(&pdf);
    assert!(
        text.contains("=100/100×100=100分；最终得分=100+1（特别加分项）=101分，加分后超过100分，按100分计"),
        "{text}"
    );
    assert!(text.contains("评分结果为：100分，五星级售后服务"), "{text}");
    let layout = pdf_text(&pdf);
    assert!(layout.lines().any(|l| l.contains("特别加分项") && l.trim_end().ends_with("+1")), "{layout}");
    assert!(layout.lines().any(|l| l.contains("总计") && l.trim_end().ends_with("100")), "{layout}");
}

#[test]
fn a_proportional_deduction_s_note_and_row_agree() {
    let ws = Workspace::new();
    let (from, to) = with_findings(
        "  - aspect: 投诉处理方面\n    text: 抽查 17 起投诉，6 起未在承诺时限内答复。\n    deduction:\n      indicator: complaint_handling\n      samples: 17\n      nonconforming: 6\n",
    );
    ws.example_with(
        "proportional.yaml",
        &[
            ("complaint_handling: 8", "complaint_handling: derived"),
            ("recycling: 2", "recycling: excluded"),
            (from, &to),
        ],
    );
    let pdf = render(&ws, "proportional.yaml");
    let text = pdf_text_compact(&pdf);
    // 10 × 6 / 17 = 3.529… is deducted as 3.53, and the row keeps 10 − 3.53.
    assert!(text.contains("（投诉处理扣3.53分：抽样17个，不符合6个）"), "{text}");
    let layout = pdf_text(&pdf);
    assert!(layout.lines().any(|l| l.contains("投诉处理") && l.trim_end().ends_with("6.47")), "{layout}");
    // 91.47 / 98 × 100 = 93.336…: printed cut, and said to be.
    assert!(text.contains("=91.47/98×100≈93.33分（保留两位小数，其后舍去）"), "{text}");
    assert!(text.contains("评分结果为：93.33分，四星级售后服务"), "{text}");
    assert!(layout.lines().any(|l| l.contains("总计") && l.trim_end().ends_with("93.33")), "{layout}");
}

#[test]
fn a_score_a_hair_below_five_stars_prints_four_stars() {
    // 100 − 10 × 13/29 − 7 × 2/27 = 94.9987…: each deduction is rounded up (4.49, 0.52), so the
    // rows are cut, the page adds up at what it prints, and the level is the one earned.
    let ws = Workspace::new();
    let (from, to) = with_findings(
        "  - aspect: 维修方面\n    text: 抽查 29 份维修记录，13 份记录不完整。\n    deduction: {indicator: repair, samples: 29, nonconforming: 13}\n  - aspect: 质量保证方面\n    text: 抽查 27 份保修单，2 份未按承诺期限执行。\n    deduction: {indicator: quality_assurance, samples: 27, nonconforming: 2}\n",
    );
    ws.example_with(
        "hair.yaml",
        &[
            ("supervision: 6", "supervision: 7"),
            ("improvement: 4", "improvement: 5"),
            ("customer_relations: 14", "customer_relations: 15"),
            ("complaint_handling: 8", "complaint_handling: 10"),
            ("repair: 10", "repair: derived"),
            ("quality_assurance: 7", "quality_assurance: derived"),
            (from, &to),
        ],
    );
    let pdf = render(&ws, "hair.yaml");
    let text = pdf_text_compact(&pdf);
    assert!(text.contains("（维修扣4.49分：抽样29个，不符合13个）"), "{text}");
    assert!(text.contains("（质量保证扣0.52分：抽样27个，不符合2个）"), "{text}");
    let layout = pdf_text(&pdf);
    assert!(layout.lines().any(|l| l.contains("维修") && l.trim_end().ends_with("5.51")), "{layout}");
    assert!(layout.lines().any(|l| l.contains("质量保证") && l.trim_end().ends_with("6.48")), "{layout}");
    assert!(text.contains("=94.99/100×100=94.99分"), "{text}");
    assert!(text.contains("评分结果为：94.99分，四星级售后服务"), "{text}");
    assert!(text.contains("环保类设备销售的售后服务（四星级）"), "{text}");
    assert!(!text.contains("售后服务（五星级）"), "{text}");
}
