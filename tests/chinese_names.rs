//! Every closed set of the record takes the Chinese label the report prints as well as its
//! English key (组长, 现场结合远程审核, 维修 as an indicator, 五星级, 按扣分计算 …), and the
//! messages name both.

mod common;

use common::*;

/// The example with its closed sets written in Chinese: audit type, role, method, an
/// indicator key, a derived score, a deduction on an indicator by name, and the level.
const CHINESE: &[(&str, &str)] = &[
    ("audit_type: surveillance", "audit_type: 保持认证"),
    ("role: leader", "role: 组长"),
    ("method: on_site", "method: 现场审核"),
    ("  text: 环保类设备销售的售后服务\n", "  text: 环保类设备销售的售后服务\n  level: 四星级\n"),
    ("  repair: 10", "  维修: 10"),
    ("  supervision: 6", "  监督: 按扣分计算"),
    ("  improvement: 4", "  improvement: 删减"),
    (
        "  - aspect: 服务人员能力方面\n",
        "  - aspect: 服务人员能力方面\n    deduction: {indicator: 监督, points: 1}\n",
    ),
    (
        "  - aspect: 服务体系文件方面\n",
        "  - aspect: 服务体系文件方面\n    special_deduction: {ground: 不符合企业有关服务制度的要求, corrective_action: 完善制度}\n",
    ),
];

#[test]
fn chinese_labels_check_like_the_english_keys() {
    let ws = Workspace::new();
    ws.example_with("zh.yaml", CHINESE);
    let english: Vec<(&str, String)> = CHINESE
        .iter()
        .map(|(from, to)| {
            let to = to
                .replace("保持认证", "surveillance")
                .replace("组长", "leader")
                .replace("现场审核", "on_site")
                .replace("四星级", "four_star")
                .replace("维修", "repair")
                .replace("监督: 按扣分计算", "supervision: derived")
                .replace("indicator: 监督", "indicator: supervision")
                .replace("删减", "excluded")
                .replace("不符合企业有关服务制度的要求", "company_rules");
            (*from, to)
        })
        .collect();
    let english: Vec<(&str, &str)> = english.iter().map(|(f, t)| (*f, t.as_str())).collect();
    ws.example_with("en.yaml", &english);
    let (code, zh) = check_json(&["zh.yaml"], ws.dir.path());
    assert_eq!(code, Some(0), "{zh:#}");
    let (code, en) = check_json(&["en.yaml"], ws.dir.path());
    assert_eq!(code, Some(0), "{en:#}");
    let (zh, en) = (&zh["records"][0], &en["records"][0]);
    assert_eq!(zh["errors"], 0, "{zh:#}");
    assert_eq!(zh["score"], en["score"], "the same score either way");
    // 监督 loses its point (6 as before), 改进 is excluded: 91 of 95, less one special deduction.
    assert_eq!(zh["score"]["result"], "94.78 分，四星级售后服务", "{zh:#}");
    // The PDFs say the same.
    for name in ["zh.yaml", "en.yaml"] {
        let output = certreport(&["render", name], ws.dir.path());
        assert!(output.status.success(), "{}", stderr(&output));
    }
    assert_eq!(pdf_text(&ws.path("zh.pdf")), pdf_text(&ws.path("en.pdf")));
}

#[test]
fn a_wrong_value_is_told_with_both_names() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[("role: leader", "role: 领导"), ("method: on_site", "method: 现场")]);
    let (code, json) = check_json(&["r.yaml"], ws.dir.path());
    assert_eq!(code, Some(1));
    let diagnostics = json["records"][0]["diagnostics"].as_array().unwrap();
    let at = |path: &str| {
        diagnostics
            .iter()
            .find(|d| d["path"] == path)
            .unwrap_or_else(|| panic!("no diagnostic at {path}: {diagnostics:#?}"))["expected"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let role = at("audit.team[0].role");
    assert!(role.contains("leader（组长）") && role.contains("technical_expert（技术专家）"), "{role}");
    let method = at("audit.method");
    assert!(method.contains("combined（现场结合远程审核）"), "{method}");
}

#[test]
fn an_indicator_written_twice_by_key_and_name_is_an_error() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[("  repair: 10", "  repair: 10\n  维修: 10")]);
    let (code, json) = check_json(&["r.yaml"], ws.dir.path());
    assert_eq!(code, Some(1), "{json:#}");
    let diagnostics = json["records"][0]["diagnostics"].as_array().unwrap();
    let twice = diagnostics.iter().find(|d| d["code"] == "duplicate-indicator").expect("the duplicate");
    assert_eq!(twice["path"], "scores.维修", "{twice:#}");
    assert!(twice["message"].as_str().unwrap().contains("维修"), "{twice:#}");
}

#[test]
fn an_unknown_indicator_of_a_deduction_lists_keys_and_names() {
    let ws = Workspace::new();
    ws.example_with(
        "r.yaml",
        &[(
            "  - aspect: 服务人员能力方面\n",
            "  - aspect: 服务人员能力方面\n    deduction: {indicator: 维护, points: 1}\n",
        )],
    );
    let (code, json) = check_json(&["r.yaml"], ws.dir.path());
    assert_eq!(code, Some(1), "{json:#}");
    let diagnostics = json["records"][0]["diagnostics"].as_array().unwrap();
    let unknown = diagnostics.iter().find(|d| d["code"] == "unknown-indicator").expect("the indicator");
    assert!(unknown["expected"].as_str().unwrap().contains("repair（维修）"), "{unknown:#}");
}

/// `method: 现场结合远程` (without 审核, as staff write it) is the combined audit too.
#[test]
fn the_short_form_of_the_combined_method_is_taken() {
    let ws = Workspace::new();
    let remote = "remote_audit:\n  overview: 通过视频会议审查了分场所的服务记录。\n";
    ws.example_with(
        "short.yaml",
        &[("method: on_site", "method: 现场结合远程"), ("\nscores:\n", &format!("\n{remote}scores:\n"))],
    );
    ws.example_with(
        "long.yaml",
        &[("method: on_site", "method: combined"), ("\nscores:\n", &format!("\n{remote}scores:\n"))],
    );
    let (short_code, short) = check_json(&["short.yaml"], ws.dir.path());
    let (long_code, long) = check_json(&["long.yaml"], ws.dir.path());
    assert_eq!(short_code, long_code, "{short:#}");
    assert_eq!(short["records"][0]["errors"], long["records"][0]["errors"], "{short:#}");
    let unknown = short["records"][0]["diagnostics"].to_string();
    assert!(!unknown.contains("不是可选的值"), "{unknown}");
}
