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
