//! The rules of the page, for any record: the layout fixture corpus (`tests/fixtures/layout/`)
//! and sweeps of the example record are typeset, and the rules are read back from the typeset
//! document — the page of each `keep` mark the template places (Typst's introspector, through
//! `report::keep_marks`) — and from the PDF's text (`pdftotext`).
//!
//! Marks of one name must share a page: section 6 from its heading to its last signature line;
//! each numbered label, heading and list lead-in with the line or row after it; each table row.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use certreport::load::Source;
use certreport::report::view::{CheckBox, ReportView};
use certreport::report::{self, Engine, Tagging};
use certreport::rules::pipeline::{self, Checked};
use common::*;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&[]).expect("the embedded fonts load"))
}

/// The fixture records (their profiles live in `profiles/`).
fn fixture_paths() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo("tests/fixtures/layout"))
        .expect("the layout fixtures")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
}

/// A record typeset: its view, the pages of its marks, its page count and its PDF's text.
struct Typeset {
    name: String,
    view: ReportView,
    marks: Vec<(String, usize)>,
    pages: usize,
    pdf: Vec<u8>,
}

impl Typeset {
    fn of(name: &str, checked: Checked) -> Typeset {
        assert!(!checked.has_errors(), "{name} has errors: {:#?}", checked.diagnostics);
        let view = checked.view();
        let document = engine().typeset_report(&view).unwrap_or_else(|e| panic!("{name}: {e}"));
        let pdf = engine()
            .export(&document, &view.head.project_number, view.meta.report_date, Tagging::Tagged)
            .unwrap();
        Typeset {
            name: name.to_owned(),
            marks: report::keep_marks(&document),
            pages: document.pages().len(),
            view,
            pdf,
        }
    }

    /// The pages each mark name landed on.
    fn groups(&self) -> BTreeMap<&str, Vec<usize>> {
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (name, page) in &self.marks {
            groups.entry(name).or_default().push(*page);
        }
        groups
    }

    /// The names whose marks are spread over more than one page, with their pages.
    fn split(&self) -> Vec<String> {
        self.groups()
            .into_iter()
            .filter(|(_, pages)| pages.iter().any(|p| *p != pages[0]))
            .map(|(name, pages)| format!("{name}: pages {pages:?}"))
            .collect()
    }

    fn pages_of(&self, name: &str) -> Vec<usize> {
        self.groups().remove(name).unwrap_or_default()
    }

    /// The PDF's text, `pdftotext -layout` (one line of the page per line).
    fn text(&self) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{}.pdf", self.name));
        std::fs::write(&path, &self.pdf).unwrap();
        pdf_text(&path)
    }
}

/// Every fixture of the corpus, typeset once for all tests.
fn corpus() -> &'static [Typeset] {
    static CORPUS: OnceLock<Vec<Typeset>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        fixture_paths()
            .iter()
            .map(|path| {
                let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                let checked = pipeline::check_file(path).unwrap_or_else(|d| panic!("{name}: {d:#?}"));
                Typeset::of(&name, checked)
            })
            .collect()
    })
}

fn fixture(name: &str) -> &'static Typeset {
    corpus().iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no fixture {name}"))
}

/// The example record with `from` replaced by `to`, typeset.
fn example_with(name: &str, edits: &[(&str, &str)]) -> Typeset {
    let mut text = example_text();
    for (from, to) in edits {
        assert!(text.contains(from), "the example contains {from:?}");
        text = text.replacen(from, to, 1);
    }
    let source = Source::new(repo(EXAMPLE), text);
    let checked = pipeline::check_source(source).unwrap_or_else(|d| panic!("{name}: {d:#?}"));
    Typeset::of(name, checked)
}

#[test]
fn every_fixture_passes_check() {
    let paths = fixture_paths();
    assert!(paths.len() >= 12, "{} fixtures", paths.len());
    let args: Vec<&str> = std::iter::once("check").chain(paths.iter().map(|p| p.to_str().unwrap())).collect();
    let output = certreport(&args, Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(output.status.code(), Some(0), "{}\n{}", stdout(&output), stderr(&output));
}

#[test]
fn section_6_is_one_block_on_the_last_page() {
    for t in corpus() {
        let pages = t.pages_of("6");
        assert_eq!(pages.len(), 2, "{}: section 6 has a start and an end mark", t.name);
        assert_eq!(pages[0], pages[1], "{}: section 6 split over pages {pages:?}", t.name);
        assert_eq!(pages[1], t.pages, "{}: the signatures end the report", t.name);
    }
}

#[test]
fn no_lead_in_ends_a_page_without_its_first_line() {
    for t in corpus() {
        let groups = t.groups();
        let mut expected = vec![
            "1.5",
            "1.6",
            "1.8",
            "1.11",
            "1.12",
            "1.13",
            "1.15",
            "1.16",
            "1.17",
            "1.17 1)",
            "level rules",
        ];
        if t.view.basic.changes.is_some() {
            expected.push("1.14");
        }
        if !t.view.basic.sites.is_empty() {
            expected.push("1.5 sites");
        }
        if !t.view.scores.special_items.is_empty() {
            expected.push("special items");
        }
        for name in expected {
            assert_eq!(
                groups.get(name).map(Vec::len),
                Some(2),
                "{}: lead-in {name} and its first line",
                t.name
            );
        }
        // Every heading: sections 1–6, 评分原则说明, 评分结果, section 3's and 4's headings.
        let headings = groups.keys().filter(|name| name.starts_with("heading ")).count();
        assert!(headings >= 15, "{}: {headings} headings marked", t.name);
        let split = t.split();
        assert!(split.is_empty(), "{}: separated from what follows: {split:#?}", t.name);
    }
}

#[test]
fn table_rows_never_split() {
    for t in corpus() {
        let groups = t.groups();
        for site in &t.view.basic.sites {
            let pages = &groups[format!("row {}", site.number).as_str()];
            assert_eq!(pages.len(), 3, "{}: a mark in each cell of site {}", t.name, site.number);
            assert!(
                pages.iter().all(|p| *p == pages[0]),
                "{}: site row {} split: {pages:?}",
                t.name,
                site.number
            );
        }
        for member in &t.view.basic.team {
            let pages = &groups[format!("row team {}", member.code).as_str()];
            assert!(
                pages.iter().all(|p| *p == pages[0]),
                "{}: team row {} split: {pages:?}",
                t.name,
                member.code
            );
        }
    }
    // The long rows of 15 sites run over a page break: the rule was put to the test.
    let sites = fixture("sites-15");
    let first = sites.pages_of("row 1")[0];
    let last = sites.pages_of("row 15")[0];
    assert!(last > first, "15 long sites fit on one page ({first})");
}

/// Section 6 pushed down the page line by line: it always stays whole, and moves to the next
/// page as a whole when it no longer fits.
#[test]
fn section_6_moves_to_the_next_page_as_a_whole() {
    let mut starts = Vec::new();
    for lines in (0..48).step_by(3) {
        let text = "未见证书及标志违规使用情况。".repeat(3);
        let paragraphs = vec![text; lines].join("\n\n  ");
        let t = example_with(
            &format!("section-6-{lines}"),
            &[(
                "certificate_use: 未见证书及标志违规使用情况",
                &format!("certificate_use: |\n  未见证书及标志违规使用情况\n\n  {paragraphs}"),
            )],
        );
        let pages = t.pages_of("6");
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0], pages[1], "{lines} lines before section 6: split over {pages:?}");
        assert!(t.split().is_empty(), "{lines}: {:#?}", t.split());
        starts.push(pages[0]);
    }
    assert!(starts.windows(2).any(|w| w[1] > w[0]), "section 6 never moved: {starts:?}");
}

/// Section 1 pushed down line by line by a growing registered address: the labels of sections
/// 1 and 2 in turn meet the page's end, and each keeps its first line or row.
#[test]
fn labels_move_with_their_first_line_or_row() {
    let mut pages: BTreeMap<String, std::collections::BTreeSet<usize>> = BTreeMap::new();
    for extra in 0..30 {
        let address = format!("重庆市大渡口区松青路 1563 号 2-1{}", "（园区东门北侧）".repeat(extra * 5));
        let t = example_with(
            &format!("address-{extra}"),
            &[
                (
                    "registered_address: 重庆市大渡口区松青路 1563 号 2-1",
                    &format!("registered_address: {address}"),
                ),
                (
                    "    to: 重庆市大渡口区松青路 1563 号 2-1\n  business_address",
                    &format!("    to: {address}\n  business_address"),
                ),
            ],
        );
        assert!(t.split().is_empty(), "address +{extra} lines: {:#?}", t.split());
        for (name, page) in &t.marks {
            pages.entry(name.clone()).or_default().insert(*page);
        }
    }
    // The sweep moved these lead-ins across a page break.
    let moved: Vec<&String> =
        pages.iter().filter(|(name, p)| name.starts_with("1.") && p.len() > 1).map(|(n, _)| n).collect();
    assert!(moved.len() >= 5, "only {moved:?} met a page break");
}

/// The box and label of every check box in a fixture, as the PDF's text shows them.
fn boxes(view: &ReportView) -> Vec<&CheckBox> {
    let b = &view.basic;
    let c = &view.conclusion;
    let mut all: Vec<&CheckBox> = vec![&b.single_site, &b.multi_site];
    all.extend(&view.head.audit_types);
    all.extend(&b.purpose);
    all.extend(&b.methods);
    all.extend(b.mystery.iter().map(|m| &m.check));
    all.extend(&c.pass_boxes);
    all.extend(&c.fail_boxes);
    all
}

#[test]
fn check_boxes_keep_their_labels() {
    for t in corpus() {
        let text = t.text();
        for b in boxes(&t.view) {
            let mark = if b.checked { "■" } else { "□" };
            let whole = format!("{mark}{}", b.label);
            assert!(text.lines().any(|l| l.contains(&whole)), "{}: {whole} broken:\n{text}", t.name);
        }
        assert!(text.lines().any(|l| l.contains("推荐恢复认证注册资格")));
        assert!(text.lines().any(|l| l.contains("不推荐恢复认证注册资格")));
    }
}

#[test]
fn identifiers_are_never_broken() {
    for t in corpus() {
        let text = t.text();
        let on_a_line = |s: &str| text.lines().any(|l| l.contains(s));
        let b = &t.view.basic;
        let mut identifiers = vec![t.view.head.project_number.as_str(), b.contact.phone.as_str()];
        identifiers.extend(b.contact.email.as_deref());
        for m in &b.team {
            identifiers.extend([m.registration.as_str(), m.phone.as_str(), m.specialty.as_str()]);
        }
        for id in identifiers.into_iter().filter(|id| !id.is_empty()) {
            assert!(on_a_line(id), "{}: {id} broken or missing:\n{text}", t.name);
        }
        // The standard's number in 1.8 and on the cover.
        assert!(text.matches("GB/T 27922-2011").count() >= 2, "{}: GB/T 27922-2011 broken", t.name);
    }
    // In prose: a standard's number, a URL and an e-mail address, each time they occur.
    let text = fixture("narrative-3000").text();
    for (id, times) in [
        ("GB/T 27922-2011", 5),
        ("ISO 10002:2018", 3),
        ("https://www.baihuan-env.com.cn/service/after-sales/policy-2025.html", 3),
        ("complaints.service-center@baihuan-env.com.cn", 3),
    ] {
        assert!(text.matches(id).count() >= times, "{id} broken:\n{text}");
    }
    // 28-character registration numbers stay inside their cells: none runs into the next column.
    let team = fixture("team-8").text();
    for m in &fixture("team-8").view.basic.team {
        let line = team.lines().find(|l| l.contains(&m.registration)).unwrap();
        assert!(line.contains(&format!("{} ", m.registration)), "{line}");
    }
}

#[test]
fn names_and_title_extract_as_whole_words() {
    for t in corpus() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.pdf");
        std::fs::write(&path, &t.pdf).unwrap();
        // The raw text, lines joined: letter-spacing would show as spaces between letters.
        let raw: String = poppler("pdftotext", &[], &path).lines().collect();
        for word in [t.view.cb.name.as_str(), t.view.head.title.as_str(), t.view.head.client.as_str()] {
            assert!(raw.contains(word), "{}: {word} not found whole in\n{raw}", t.name);
        }
    }
}

#[test]
fn signature_lines_come_from_the_profile() {
    let plain = fixture("team-8").text();
    assert!(plain.contains("报告编制人：") && plain.contains("编制日期："));
    assert!(!plain.contains("审查组长签字"), "the reference has only the author and the date");
    let t = fixture("long-names");
    let text = t.text();
    for label in ["报告编制人：", "编制日期：", "审查组长签字：", "技术复核人签字：", "认证机构（盖章）："]
    {
        assert!(text.contains(label), "{label} missing:\n{text}");
    }
    let seal = t.view.conclusion.signatures.iter().filter(|s| s.seal).count();
    assert_eq!(seal, 1);
}

#[test]
fn the_form_follows_the_reference() {
    let t = example_with("example", &[]);
    let text = t.text();
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    // 1.6 on one line.
    assert!(
        text.lines().any(|l| ["联系人：", "职务：", "电话：19123050876", "邮箱：970715854@qq.com"]
            .iter()
            .all(|part| l.contains(part))),
        "{text}"
    );
    // 1.15 without a title of its own; 1.16's question is the 1.16 line, then 无/有，说明.
    assert!(compact.contains("1.15现场评价前一年内发生的重大服务质量事故■无□有，说明："), "{compact}");
    assert!(compact.contains("1.16审查风险及审查中遇到的可能影响审查结论的不确定因素和（或）障碍（适用时，如断电、火灾、洪灾……）■无□有，说明："));
    assert!(!compact.contains("审查风险："));
    // 1.17 1): 地点, 范围, 使用的 ICT 工具 one line each; the notes after "：".
    for item in ["地点：", "范围：", "使用的 ICT 工具：不适用"] {
        assert!(text.lines().any(|l| l.trim_start().starts_with(item)), "{item} on its own line:\n{text}");
    }
    assert!(compact.contains("如果填“是”请说明："));
    assert!(compact.contains("如需补充请说明关注的内容："));
    // Section 3 without a heading the reference lacks.
    assert!(!compact.contains("一、受评价方服务体系概述"));
    assert!(compact.contains("二、本次评价"));
    // Section 6's options three to a line, as in the reference.
    assert!(text.lines().any(|l| {
        l.contains("□推荐认证注册资格")
            && l.contains("□推荐再认证注册资格")
            && l.contains("■推荐保持认证注册资格")
    }));
    assert!(text.lines().any(|l| l.contains("□推荐恢复认证注册资格") && l.contains("□推荐变更认证范围")));
}
