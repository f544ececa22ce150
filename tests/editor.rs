//! `certreport edit` in a real browser (Debian's headless Chromium through chromedriver): a
//! report staffer's work done through the labelled controls only, the saved file rendered by
//! `certreport render`, and a file changed on disk while it is being edited.

#[path = "common/browser.rs"]
mod browser;
mod common;

use browser::{Browser, EditServer};
use common::*;

/// The XPath of the fieldset of list item `n` (from 1) whose legend names `title`.
fn item(title: &str, n: usize) -> String {
    format!("//fieldset[legend[normalize-space()='{title} 第 {n} 项']]")
}

const PAGE: &str = "";

fn get(url: &str) -> Vec<u8> {
    ureq::get(url).call().expect(url).body_mut().read_to_vec().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_recertification_record_is_written_through_the_form() {
    let ws = Workspace::new();
    let made = certreport(&["init", "--type", "recertification", "-o", "r.yaml"], ws.dir.path());
    assert!(made.status.success(), "{}", stderr(&made));
    let server = EditServer::start(ws.dir.path(), "r.yaml");
    let b = Browser::start().await;
    b.open(&server.address).await;

    // 封面 and 1.1–1.6, a multi-site organisation.
    b.fill(PAGE, "1.2 项目编号", "20913-2025-SA").await;
    b.fill(PAGE, "1.1 受审查方名称", "重庆百环环保科技有限公司").await;
    b.fill(PAGE, "1.3 工商注册地址", "重庆市大渡口区松青路 1563 号 2-1").await;
    b.fill(PAGE, "1.4 审查地址", "重庆市大渡口区松青路 1563 号 2-1").await;
    for n in 1..=2 {
        b.click(PAGE, "添加固定分场所").await;
        b.fill(&item("固定分场所", n), "1.5 分场所名称", &format!("第{n}分公司")).await;
        b.fill(&item("固定分场所", n), "1.5 分场所地址", &format!("重庆市渝北区金开大道 {n} 号")).await;
    }
    b.fill(PAGE, "1.6 联系人", "李明").await;
    b.fill(PAGE, "1.6 电话", "19123050876").await;
    b.fill(PAGE, "1.9 审查范围", "环保类设备销售的售后服务").await;
    // 1.10–1.13: on site combined with remote, two half days, a team of two.
    b.choose(PAGE, "1.10 审查方式", "现场结合远程审核").await;
    b.pick_date(PAGE, "1.12 审查开始", "2025-12-03").await;
    b.pick_date(PAGE, "1.12 审查结束", "2025-12-04").await;
    b.named("1.12 审查结束 上午或下午").await.select_by_label("下午").await.unwrap();
    b.pick_date(PAGE, "1.12 上次审查结束日期", "2024-11-28").await;
    for (n, (name, role)) in [("张心", "组长"), ("陈思", "组员")].into_iter().enumerate() {
        let n = n + 1;
        b.click(PAGE, "添加审查组成员").await;
        let at = item("审查组成员", n);
        b.fill(&at, "1.13 代码", if n == 1 { "A" } else { "B" }).await;
        b.fill(&at, "1.13 姓名", name).await;
        b.choose(&at, "1.13 组内身份", role).await;
        b.fill(&at, "1.13 注册证书号", &format!("2025-S1SC-320738{n}")).await;
        b.fill(&at, "1.13 专业代码", "02.01").await;
        b.fill(&at, "1.13 联系电话", &format!("1502328913{n}")).await;
    }
    b.fill(PAGE, "1.13 评价抽样方法说明", "对服务记录与投诉案例按比例抽样复核。").await;
    // 1.14: nothing changed since the last audit.
    b.tick(PAGE, "填写：1.14 组织变更信息").await;
    // 1.17 远程审核.
    b.tick(PAGE, "填写：1.17 远程审核").await;
    b.fill(PAGE, "1.17 地点", "重庆市渝北区第2分公司").await;
    b.fill(PAGE, "1.17 范围", "分场所的服务记录与投诉处理").await;
    b.fill(PAGE, "1.17 使用的 ICT 工具", "腾讯会议").await;
    b.tick(PAGE, "1.17 信息安全协议").await;
    b.tick(PAGE, "1.17 ICT 有效").await;

    // 2: every indicator at its maximum, but 人员配置 and 投诉处理 from their deductions.
    let scheme: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(repo("schemes/gbt27922-2011.yaml")).unwrap())
            .unwrap();
    for group in scheme["groups"].as_array().unwrap() {
        for indicator in group["indicators"].as_array().unwrap() {
            let name = indicator["name"].as_str().unwrap();
            if name == "人员配置" || name == "投诉处理" {
                b.named(&format!("{name} 评分方式")).await.select_by_label("按扣分计算").await.unwrap();
            } else {
                b.named(&format!("{name} 得分"))
                    .await
                    .send_keys(&indicator["max"].to_string())
                    .await
                    .unwrap();
            }
        }
    }
    // 3: findings — two proportional deductions and a special deduction.
    let findings = [
        ("服务人员能力方面", "人员配置（6 分）", "10", "2"),
        ("投诉处理方面", "投诉处理（10 分）", "8", "1"),
    ];
    for (n, (aspect, indicator, samples, bad)) in findings.into_iter().enumerate() {
        let at = item("评价发现", n + 1);
        b.click(PAGE, "添加评价发现").await;
        b.fill(&at, "3 方面", aspect).await;
        b.fill(&at, "3 评价发现", "抽查的样本中有不符合要求的。").await;
        b.tick(&at, "填写：2 扣分").await;
        b.choose(&at, "2 指标", indicator).await;
        b.fill(&at, "2 抽样数", samples).await;
        b.fill(&at, "2 不符合样本数", bad).await;
    }
    let at = item("评价发现", 3);
    b.click(PAGE, "添加评价发现").await;
    b.fill(&at, "3 方面", "服务体系文件方面").await;
    b.fill(&at, "3 评价发现", "未按企业服务制度每月回访顾客。").await;
    b.tick(&at, "填写：2 特别扣分项").await;
    b.choose(&at, "2 扣分依据", "不符合企业有关服务制度的要求").await;
    b.fill(&at, "3 整改要求", "三个月内恢复每月回访并提交记录。").await;
    for (label, text) in [
        ("3 服务体系概述", "受评价方专注于环保类设备销售的售后服务。"),
        ("3 多场所管理", "各分公司执行总部统一的服务制度。"),
        ("3 售前服务", "提供产品选型建议。"),
        ("3 售中服务", "订单按时履行。"),
        ("3 售后服务", "售后团队在规定时间内响应。"),
        ("3 评价方法", "文件审查、现场观察与远程访谈。"),
        ("3 总结与建议", "服务体系运行有效。"),
    ] {
        b.fill(PAGE, label, text).await;
    }
    b.tick(PAGE, "填写：3 内部评价").await;
    b.pick_date(PAGE, "3 开展日期", "2025-07-12").await;
    for (n, name) in ["杨飞", "周莹"].into_iter().enumerate() {
        b.click(PAGE, "添加内部评价小组成员").await;
        b.fill(&item("内部评价小组成员", n + 1), &format!("内部评价小组成员 {}", n + 1), name).await;
    }
    b.fill(PAGE, "3 内部评价得分", "96").await;
    b.fill(PAGE, "3 对内部评价人员能力的评价", "内部评价人员熟悉标准要求。").await;
    b.click(PAGE, "添加改进建议（一个方面）").await;
    b.fill(&item("改进建议（一个方面）", 1), "4 方面", "服务流程方面").await;
    b.click(&item("改进建议（一个方面）", 1), "添加一条建议").await;
    b.fill(&item("一条建议", 1), "4 要点", "优化服务响应流程").await;
    b.fill(&item("一条建议", 1), "4 说明", "统一各渠道的顾客反馈。").await;
    b.fill(PAGE, "5 证书及标志使用", "证书及标志使用符合规定。").await;
    b.fill(PAGE, "6 报告编制人", "张心").await;
    b.pick_date(PAGE, "6 编制日期", "2025-12-05").await;

    // A mistake is shown at its field, then fixed.
    let before = b.updates().await;
    b.fill(PAGE, "1.6 电话", "电话号码").await;
    b.settle(before).await;
    let phone_field = "//div[@class='field'][label[normalize-space()='1.6 电话']]";
    let problem = b
        .client
        .find(fantoccini::Locator::XPath(&format!("{phone_field}/p[contains(@class,'problem')]")))
        .await;
    assert!(problem.is_ok(), "the phone's problem is shown at the phone");
    assert_eq!(
        b.control(PAGE, "1.6 电话").await.attr("aria-invalid").await.unwrap().as_deref(),
        Some("true")
    );
    let before = b.updates().await;
    b.fill(PAGE, "1.6 电话", "19123050876").await;
    b.settle(before).await;
    let errors =
        b.client.execute("return document.getElementById('errors').innerText;", vec![]).await.unwrap();
    assert_eq!(errors, "", "no error is left");
    let result = b
        .client
        .execute("return document.getElementById('score-result').textContent;", vec![])
        .await
        .unwrap();
    // 100 − 6 × 2/10 − 10 × 1/8 = 97.55, less one special deduction.
    assert_eq!(result, "96.55 分，五星级售后服务　通过");
    b.wait_for("document.querySelectorAll('#pages img').length > 0 && !document.getElementById('pages').classList.contains('stale')").await;
    // `EDITOR_SCREENSHOT=docs/images/editor.png` keeps a picture of the filled form.
    if let Some(file) = std::env::var_os("EDITOR_SCREENSHOT") {
        b.client.execute("document.querySelector('table.scores').scrollIntoView();", vec![]).await.unwrap();
        b.client
            .execute("document.getElementById('pages').children[3].scrollIntoView();", vec![])
            .await
            .unwrap();
        b.screenshot(std::path::Path::new(&file)).await;
    }

    // Save: the starter's comments would be lost, which the page asks about first.
    b.click(PAGE, "保存").await;
    b.wait_for("document.getElementById('confirm').open").await;
    b.click("//dialog", "仍然保存").await;
    b.wait_for("document.getElementById('status').textContent === '已保存'").await;
    assert!(ws.path("r.yaml.orig").is_file(), "the previous version is kept");
    let saved = std::fs::read_to_string(ws.path("r.yaml")).unwrap();
    assert!(saved.starts_with("# yaml-language-server: $schema="), "{saved}");
    assert!(saved.find("project_number").unwrap() < saved.find("client").unwrap(), "{saved}");
    assert!(saved.find("client").unwrap() < saved.find("scores").unwrap(), "{saved}");
    let preview = get(&server.url("api/pdf?path=r.yaml"));
    let rendered = certreport(&["render", "r.yaml", "-o", "r.pdf"], ws.dir.path());
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    assert!(preview == std::fs::read(ws.path("r.pdf")).unwrap(), "the preview's PDF is the rendered one");
    let text = pdf_text_compact(&ws.path("r.pdf"));
    assert!(text.contains("第2分公司") && text.contains("腾讯会议"), "{text}");

    // Nothing but the server was asked for anything, and the console has no error.
    let origin = server.address.split("/edit/").next().unwrap().to_owned();
    for address in b.resources().await {
        assert!(
            address.starts_with(&origin) || address.starts_with("blob:") || address.starts_with("data:"),
            "{address}"
        );
    }
    let session = b.client.session_id().await.unwrap().unwrap();
    assert_eq!(b.console_errors(&session), Vec::<String>::new());
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_changed_on_disk_is_not_overwritten() {
    let ws = Workspace::new();
    ws.example_with("r.yaml", &[]);
    let server = EditServer::start(ws.dir.path(), "r.yaml");
    let b = Browser::start().await;
    b.open(&server.address).await;
    let before = b.updates().await;
    b.fill(PAGE, "1.6 联系人", "王建国").await;
    b.settle(before).await;
    // Someone else edits the file meanwhile.
    let theirs = example_text().replace("person: 杜孝维", "person: 赵孝维");
    assert_ne!(theirs, example_text());
    std::fs::write(ws.path("r.yaml"), &theirs).unwrap();
    b.click(PAGE, "保存").await;
    b.wait_for("!document.getElementById('message').hidden").await;
    let message =
        b.client.execute("return document.getElementById('message').textContent;", vec![]).await.unwrap();
    assert!(message.as_str().unwrap().contains("已被其它程序修改"), "{message}");
    assert_eq!(std::fs::read_to_string(ws.path("r.yaml")).unwrap(), theirs, "their change is kept");
    let session = b.client.session_id().await.unwrap().unwrap();
    assert_eq!(b.console_errors(&session), Vec::<String>::new());
    b.close().await;
}

/// The text of the element with `id`.
async fn text_of(b: &Browser, id: &str) -> String {
    let script = format!("return document.getElementById('{id}').textContent;");
    b.client.execute(&script, vec![]).await.unwrap().as_str().unwrap_or_default().to_owned()
}

/// The folder list's file names, top to bottom.
async fn listed(b: &Browser) -> Vec<String> {
    let script =
        "return [...document.querySelectorAll('#records tbody tr')].map(r => r.cells[1].textContent);";
    let value = b.client.execute(script, vec![]).await.unwrap();
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_is_the_years_list_with_next_render_all_and_the_summary() {
    let ws = Workspace::new();
    ws.example_with("baihuan-2025.yaml", &[]);
    ws.example_with(
        "lower-2025.yaml",
        &[("repair: 10", "repair: 5"), ("name: 重庆百环环保科技有限公司", "name: 重庆低分科技有限公司")],
    );
    ws.example_with("broken-2025.yaml", &[("audit_type: surveillance", "audit_type: yearly")]);
    // A template's manifest and the profile are not records: not listed.
    ws.write("style/template.yaml", "data_version: \"1.0\"\nmain: report.typ\n");
    let server = EditServer::start(ws.dir.path(), ".");
    let b = Browser::start().await;
    b.open(&server.address).await;
    b.wait_for("document.querySelectorAll('#records tbody tr').length === 3").await;
    assert_eq!(listed(&b).await, ["baihuan-2025.yaml", "broken-2025.yaml", "lower-2025.yaml"]);
    let rows = text_of(&b, "records").await;
    assert!(
        rows.contains("重庆百环环保科技有限公司") && rows.contains("五星级") && rows.contains("✓"),
        "{rows}"
    );
    assert!(rows.contains("1 个错误"), "the broken record's status: {rows}");

    // Sorted by score: the record without one first, then the lower score.
    b.click(PAGE, "得分").await;
    assert_eq!(listed(&b).await, ["broken-2025.yaml", "lower-2025.yaml", "baihuan-2025.yaml"]);
    b.click(PAGE, "得分").await;
    assert_eq!(listed(&b).await, ["baihuan-2025.yaml", "lower-2025.yaml", "broken-2025.yaml"]);

    // next for the chosen records: one written, the broken one refused, nothing overwritten.
    b.named("选择 baihuan-2025.yaml").await.click().await.unwrap();
    b.named("选择 broken-2025.yaml").await.click().await.unwrap();
    b.click(PAGE, "为选中的记录生成下一年度记录（2 份）").await;
    b.wait_for("document.querySelectorAll('#records tbody tr').length === 4").await;
    let told = text_of(&b, "message").await;
    assert!(told.contains("已生成 baihuan-2026.yaml（由 baihuan-2025.yaml）"), "{told}");
    assert!(told.contains("请核对沿用的内容：1.6 联系方式"), "{told}");
    assert!(told.contains("broken-2025.yaml：未生成"), "{told}");
    let next = std::fs::read_to_string(ws.path("baihuan-2026.yaml")).unwrap();
    assert!(next.contains("audit_type: surveillance"), "{next}");
    assert!(!ws.path("broken-2026.yaml").exists());

    // Render all: the batch with its progress, then the 汇总表.
    b.click(PAGE, "全部生成报告").await;
    b.wait_for("!document.getElementById('open-summary').hidden").await;
    let label = text_of(&b, "batch-label").await;
    assert_eq!(label, "生成报告：完成 4 / 4", "{label}");
    let notes = text_of(&b, "batch-notes").await;
    assert!(notes.contains("broken-2025.yaml：记录有误"), "{notes}");
    let report = ws.path("报告/reports/baihuan-2025.pdf");
    assert!(pdf_text(&report).contains("重庆百环环保科技有限公司"));
    let summary = get(&server.url("api/summary"));
    assert!(summary.starts_with(b"%PDF"));
    assert_eq!(summary, std::fs::read(ws.path("报告/summary.pdf")).unwrap(), "the 汇总表 the button opens");
    let table = pdf_text(&ws.path("报告/summary.pdf"));
    assert!(table.contains("重庆低分科技有限公司") && table.contains("broken-2025.yaml"), "{table}");

    // A new record from init's starter opens in the form.
    let new = "//form[@id='new-record']";
    b.fill(new, "文件名", "new-2026.yaml").await;
    b.choose(new, "审查类型", "再认证").await;
    b.click(new, "新建").await;
    b.wait_for("document.getElementById('title').textContent === 'new-2026.yaml'").await;
    assert!(
        std::fs::read_to_string(ws.path("new-2026.yaml")).unwrap().contains("audit_type: recertification")
    );

    let session = b.client.session_id().await.unwrap().unwrap();
    assert_eq!(b.console_errors(&session), Vec::<String>::new());
    b.close().await;
}

/// From nothing: an empty folder asks for the CB's four cover lines (refused while one is
/// missing), writes `cb-profile.yaml`, and then a new record opens in the form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_folder_starts_with_the_cbs_profile_then_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let server = EditServer::start(dir.path(), ".");
    let b = Browser::start().await;
    b.open(&server.address).await;
    b.wait_for("!document.getElementById('new-profile').hidden").await;
    let at = "//form[@id='new-profile']";
    b.fill(at, "认证机构名称", "北京国标联合认证有限公司").await;
    b.fill(at, "地址", "北京市朝阳区北三环东路 8 号").await;
    b.fill(at, "电话", "010-5824 6003").await;
    // The post code left out: the browser's own check stops the form; typed blank, ours does.
    b.fill(at, "邮编", " ").await;
    b.click(at, "保存认证机构信息").await;
    b.wait_for("!document.getElementById('message').hidden").await;
    assert!(text_of(&b, "message").await.contains("认证机构邮编不能为空"));
    assert!(!dir.path().join("cb-profile.yaml").exists());
    b.fill(at, "邮编", "100028").await;
    b.click(at, "保存认证机构信息").await;
    b.wait_for("document.getElementById('new-profile').hidden").await;
    let checked = certreport(&["check", "cb-profile.yaml"], dir.path());
    assert!(checked.status.success(), "{}", stderr(&checked));
    let profile = std::fs::read_to_string(dir.path().join("cb-profile.yaml")).unwrap();
    assert!(profile.contains("name: 北京国标联合认证有限公司"), "{profile}");

    let new = "//form[@id='new-record']";
    b.fill(new, "文件名", "client-2026.yaml").await;
    b.choose(new, "审查类型", "初次认证").await;
    b.click(new, "新建").await;
    b.wait_for("document.getElementById('title').textContent === 'client-2026.yaml'").await;
    // The record names the profile: what it lacks are the record's own fields, not the CB's.
    b.wait_for("document.getElementById('errors').children.length > 0").await;
    let problems = text_of(&b, "errors").await;
    assert!(!problems.contains("认证机构"), "{problems}");
    let session = b.client.session_id().await.unwrap().unwrap();
    assert_eq!(b.console_errors(&session), Vec::<String>::new());
    b.close().await;
}
