//! The example record rendered through the real binary and read back: every section of the
//! reference report, the ticks, the fonts, the metadata, byte-identical output, and record
//! text that looks like Typst markup printed literally.

mod common;

use common::*;

/// Renders the example into a workspace and returns the PDF path.
fn render_example(ws: &Workspace) -> std::path::PathBuf {
    let record = ws.example_with("baihuan-2025.yaml", &[]);
    let output = certreport(&["render", "baihuan-2025.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "render failed: {}", stderr(&output));
    assert!(stdout(&output).contains("95 分，五星级售后服务"));
    record.with_extension("pdf")
}

#[test]
fn example_reproduces_every_section_of_the_reference() {
    let ws = Workspace::new();
    let pdf = render_example(&ws);
    let text = pdf_text_compact(&pdf);
    let expect = [
        // Head
        "北京国标联合认证有限公司",
        "服务认证审查报告",
        "■售后服务依据GB/T27922-2011",
        "组织名称：重庆百环环保科技有限公司",
        "项目编号：20913-2024-SA",
        "□初次认证■保持认证□再认证",
        "北京市朝阳区北三环东路8号1幢-3至26层101内8层810",
        "010-58246003",
        "100028",
        // 1 基本信息
        "1.1受审查方名称：重庆百环环保科技有限公司",
        "1.3工商注册地址：重庆市大渡口区松青路1563号2-1",
        "1.4审查地址：重庆市大渡口区松青路1563号2-1",
        "■上述地址为单一场所组织",
        "□多场所组织",
        "杜孝维",
        "19123050876",
        "970715854@qq.com",
        "□初次认证注册■保持认证注册□再认证注册",
        "售后服务（依据GB/T27922-2011《商品售后服务评价体系》）",
        "受审查方管理体系文件",
        "S:环保类设备销售的售后服务（五星级）",
        "■现场审核□远程审核□现场结合远程审核",
        "■不需要",
        "2025年12月03日上午至2025年12月03日下午",
        "上次审查结束2024年11月28日至2025年12月03日（审查结束日）止",
        "A张心组长2025-S1SC-320738102.0115023289133",
        "组织名称无变更",
        "注册地变更（原：重庆市大渡口区春晖路街道翠柏路101号附1号负1-10；现：重庆市大渡口区松青路1563号2-1）",
        "经营地变更（原：重庆市大渡口区松青路天安数码城3期15栋2-1；现：重庆市大渡口区松青路1563号2-1）",
        "组织机构变更：无变更",
        "管理层变更：无变更",
        "其它变更：无变更",
        "现场评价前一年内发生的重大服务质量事故■无□有",
        "现场评价前一年内的服务质量政府执法检查中存在的问题■无□有",
        "1.17远程审核时适用：不适用",
        "评价抽样方法说明：本次审核不涉及多场所抽样",
        // 2 审查结果
        "售后服务体系40",
        "组织架构44",
        "监督76",
        "改进54",
        "商品服务35",
        "商品信息66",
        "维修1010",
        "顾客服务25",
        "顾客关系1514",
        "投诉处理108",
        "特别减分项5项及以上不通过0",
        "特别加分项最多1分0",
        "总计95",
        "每个特别扣分项在评分值之外扣除1分",
        "=95/100×100=95分",
        "特别扣分项达到5个以上（含5个），为评价不合格",
        "达到95分以上（含95分），五星级售后服务",
        "评分结果为：95分，五星级售后服务",
        // 3 概述
        "受评价方专注于环保类设备销售的售后服务",
        "售前服务配备专业的销售团队",
        "提供详细的产品资料和演示服务",
        "售中服务拥有高效的订单处理流程",
        "设有备品备件库",
        "本次评价采用了文件审查",
        "服务流程方面：整体服务流程较为清晰",
        "服务人员能力方面：销售团队和售后技术人员",
        "客户满意度方面：通过客户满意度调查结果显示",
        "服务体系文件方面：服务体系文件较为齐全",
        "内部评价人员能力：依据本标准，组织于2025年07月12日开展售后服务评价，内部评价小组由杨飞、周莹执行具体工作，企业内部的评价得分96分。经于内部评价人员沟通",
        "总体来看，受评价方的售后服务管理体系",
        // 4 改进建议
        "优化服务响应流程：建立更加高效的客户反馈渠道",
        "强化服务意识培养：",
        "提高服务态度和沟通能力",
        "建立服务管理信息化平台：将售后服务的各个环节",
        // 5
        "未见证书及标志违规使用情况",
        // 6
        "■通过审查评价",
        "□推荐认证注册资格□推荐再认证注册资格■推荐保持认证注册资格",
        "□通过审查评价，评价组确定受评价方的服务体系不满足标准的要求",
        "□不推荐保持认证注册资格",
        "报告编制人：张心",
        "编制日期：2025年12月03日",
    ];
    let missing: Vec<&str> = expect.iter().copied().filter(|e| !text.contains(e)).collect();
    assert!(missing.is_empty(), "missing from the PDF: {missing:#?}");
    // The reference's typo never reaches the report.
    assert!(!text.contains("GT/T"));
    assert!(!text.contains("超过5分"));
}

#[test]
fn pages_have_header_footer_and_a4_size() {
    let ws = Workspace::new();
    let pdf = render_example(&ws);
    let info = poppler("pdfinfo", &[], &pdf);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    assert!((4..=10).contains(&pages), "{pages} pages");
    assert!(info.contains("595.276 x 841.89 pts (A4)"));
    assert!(info.contains("Title:           服务认证审查报告：重庆百环环保科技有限公司（20913-2024-SA）"));
    assert!(info.contains("Author:          张心"));
    assert!(info.contains("CreationDate:    Wed Dec  3 00:00:00 2025 UTC"));
    let text = pdf_text_compact(&pdf);
    assert!(text.contains(&format!("第1页共{pages}页")));
    assert!(text.contains(&format!("第{pages}页共{pages}页")));
    assert!(text.contains("项目编号：20913-2024-SA"));
}

#[test]
fn cjk_fonts_are_embedded_as_subsets() {
    let ws = Workspace::new();
    let pdf = render_example(&ws);
    let fonts = poppler("pdffonts", &[], &pdf);
    for family in
        ["NotoSerifCJKsc-Regular", "NotoSerifCJKsc-Bold", "NotoSansCJKsc-Regular", "NotoSansCJKsc-Bold"]
    {
        let line =
            fonts.lines().find(|l| l.contains(family)).unwrap_or_else(|| panic!("{family} in {fonts}"));
        // name+subset tag, then "emb sub uni" are all yes.
        assert!(line.split_whitespace().next().unwrap().contains('+'), "{line}");
        assert!(line.contains("yes yes yes"), "{line}");
    }
}

#[test]
fn the_same_record_gives_the_same_bytes() {
    let ws = Workspace::new();
    let first = std::fs::read(render_example(&ws)).unwrap();
    let again = certreport(&["render", "baihuan-2025.yaml", "-o", "again.pdf"], ws.dir.path());
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(first, std::fs::read(ws.path("again.pdf")).unwrap());
}

#[test]
fn typst_syntax_in_record_text_prints_literally() {
    let ws = Workspace::new();
    let nasty = r#"#read("/etc/passwd") ] [ $x$ \ <x> @y *a* _b_ // c #set text(red) `code` = h"#;
    let yaml_nasty = nasty.replace('\\', "\\\\").replace('"', "\\\"");
    let quoted = format!("\"{yaml_nasty}\"");
    ws.example_with(
        "nasty.yaml",
        &[
            ("name: 重庆百环环保科技有限公司", &format!("name: {quoted}")),
            ("person: 杜孝维", &format!("person: {quoted}")),
            ("text: 环保类设备销售的售后服务", &format!("text: {quoted}")),
            ("- aspect: 服务流程方面", &format!("- aspect: {quoted}")),
            ("certificate_use: 未见证书及标志违规使用情况", &format!("certificate_use: {quoted}")),
            ("author: 张心", &format!("author: {quoted}")),
            ("lead: 优化服务响应流程", &format!("lead: {quoted}")),
            ("evaluators: [杨飞, 周莹]", &format!("evaluators: [{quoted}]")),
        ],
    );
    let output = certreport(&["render", "nasty.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = pdf_text_compact(&ws.path("nasty.pdf"));
    let compact: String = nasty.chars().filter(|c| !c.is_whitespace()).collect();
    // Whole in the cover, 1.1, scope, finding, suggestion, evaluators and section 5; the
    // contact and author cells wrap, so only their start is checked.
    let count = text.matches(&compact).count();
    assert!(count >= 7, "the text appears {count} times literally:\n{text}");
    assert!(text.matches("#read(\"/etc/passwd\")][$x$").count() >= 9, "{text}");
    assert!(!text.contains("root:"), "a record must never read files");
}

#[test]
fn an_invalid_record_writes_no_pdf_and_keeps_an_old_one() {
    let ws = Workspace::new();
    let record = ws.example_with("bad.yaml", &[("supervision: 6", "supervision: 9")]);
    let pdf = record.with_extension("pdf");
    std::fs::write(&pdf, b"an earlier report").unwrap();
    let output = certreport(&["render", "bad.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("scores.supervision"));
    assert_eq!(std::fs::read(&pdf).unwrap(), b"an earlier report");
    let leftovers: Vec<_> = std::fs::read_dir(ws.dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn render_refuses_to_overwrite_its_input() {
    let ws = Workspace::new();
    let record = ws.example_with("r.yaml", &[]);
    let before = std::fs::read(&record).unwrap();
    let output = certreport(&["render", "r.yaml", "-o", "r.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read(&record).unwrap(), before);
}

#[test]
fn a_missing_record_is_an_io_error() {
    let ws = Workspace::new();
    let output = certreport(&["render", "nowhere.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("nowhere.yaml"));
    assert!(stderr(&output).contains("找不到这个文件"));
}

#[test]
fn a_failed_report_recommends_nothing() {
    let ws = Workspace::new();
    ws.example_with(
        "failed.yaml",
        &[
            ("repair: 10", "repair: 0"),
            ("customer_relations: 14", "customer_relations: 0"),
            ("complaint_handling: 8", "complaint_handling: 6"),
        ],
    );
    let output = certreport(&["render", "failed.yaml"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = pdf_text_compact(&ws.path("failed.pdf"));
    assert!(text.contains("评分结果为：69分，评价不合格：评分低于70分"), "{text}");
    assert!(text.contains("■不推荐保持认证注册资格"));
    assert!(text.contains("□推荐保持认证注册资格"));
    assert!(text.contains("□通过审查评价，评价组确定受评价方的服务体系符合"));
    assert!(text.contains("S:环保类设备销售的售后服务"));
    assert!(!text.contains("售后服务（五星级）"));
}

#[test]
fn fonts_from_a_font_path_are_accepted() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    std::fs::create_dir(ws.path("fonts")).unwrap();
    let output = certreport(&["render", "r.yaml", "--font-path", "fonts"], ws.dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = certreport(&["render", "r.yaml", "--font-path", "no-such-dir"], ws.dir.path());
    assert_eq!(output.status.code(), Some(2));
}
