//! The rules of the page, for any record: the layout fixture corpus (`tests/fixtures/layout/`)
//! and sweeps of the example record are typeset, and the rules are read back from the typeset
//! document — the page of each `keep` mark the template places (Typst's introspector, through
//! `report::keep_marks`) — and from the PDF's text (`pdftotext`).
//!
//! Marks of one name must share a page: section 6 from its heading to its last signature line;
//! each numbered label, heading and list lead-in with the line or row after it; each table row.
//!
//! Every rule is asserted for both house styles shipped: the built-in template with the
//! fixtures' own profiles, and `examples/house-style-b/` (a cover page, a logo, LXGW WenKai
//! from `--font-path`, an approval block with a seal, a template made with `template new` and
//! edited) with the same fixtures.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use certreport::load::Source;
use certreport::report::view::{CheckBox, ReportView};
use certreport::report::{self, Engine, Tagging};
use certreport::rules::pipeline::{self, Checked};
use common::*;

/// The built-in style's engine.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&[]).expect("the embedded fonts load"))
}

/// The second house style's engine: its body font from Debian's fonts-lxgw-wenkai.
fn engine_b() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&[PathBuf::from(WENKAI)]).expect("the fonts load"))
}

/// A house style: its name, its engine, and the profile that replaces each fixture's (none:
/// the fixture's own).
struct Style {
    name: &'static str,
    engine: fn() -> &'static Engine,
    profile: Option<&'static str>,
}

const STYLES: [Style; 2] = [
    Style { name: "built-in", engine, profile: None },
    Style { name: "house-style-b", engine: engine_b, profile: Some(HOUSE_STYLE_B_PROFILE) },
];

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
    fn of(name: &str, checked: Checked, engine: &Engine) -> Typeset {
        assert!(!checked.has_errors(), "{name} has errors: {:#?}", checked.diagnostics);
        let view = checked.view();
        let template = engine.template_for(&checked.loaded).unwrap_or_else(|e| panic!("{name}: {e}"));
        let typeset = engine.typeset_report(&template, &view).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(typeset.warnings.is_empty(), "{name}: the template warns: {:#?}", typeset.warnings);
        let document = typeset.document;
        let pdf = engine
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
        let path = dir.path().join(format!("{}.pdf", self.name.replace('/', "-")));
        std::fs::write(&path, &self.pdf).unwrap();
        pdf_text(&path)
    }
}

/// A record's text in a style: its `profile:` line replaced by the style's profile.
fn in_style(path: &Path, text: String, style: &Style) -> Checked {
    let text = match style.profile {
        None => text,
        Some(profile) => {
            let profile = pathdiff(&repo(profile), path.parent().unwrap());
            let line = text.lines().find(|l| l.starts_with("profile:")).expect("a profile line").to_owned();
            text.replacen(&line, &format!("profile: {profile}"), 1)
        }
    };
    let checked = pipeline::check_source(Source::new(path.to_owned(), text))
        .unwrap_or_else(|d| panic!("{}: {d:#?}", path.display()));
    let mut checked = checked;
    checked.check_glyphs((style.engine)().book());
    checked
}

/// `to` relative to the folder `from` (both under the repository).
fn pathdiff(to: &Path, from: &Path) -> String {
    let up = from.strip_prefix(repo("")).unwrap().components().count();
    format!("{}{}", "../".repeat(up), to.strip_prefix(repo("")).unwrap().display())
}

/// Every fixture of the corpus in every style, typeset once for all tests.
fn corpus() -> &'static [Typeset] {
    static CORPUS: OnceLock<Vec<Typeset>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        STYLES
            .iter()
            .flat_map(|style| {
                fixture_paths().into_iter().map(move |path| {
                    let name = format!("{}/{}", style.name, path.file_stem().unwrap().to_string_lossy());
                    let text = std::fs::read_to_string(&path).unwrap();
                    Typeset::of(&name, in_style(&path, text, style), (style.engine)())
                })
            })
            .collect()
    })
}

/// A fixture in a style.
fn fixture(style: &str, name: &str) -> &'static Typeset {
    let name = format!("{style}/{name}");
    corpus().iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no fixture {name}"))
}

/// The example record with `from` replaced by `to`, typeset in a style.
fn example_with(name: &str, style: &Style, edits: &[(&str, &str)]) -> Typeset {
    let mut text = example_text();
    for (from, to) in edits {
        assert!(text.contains(from), "the example contains {from:?}");
        text = text.replacen(from, to, 1);
    }
    let checked = in_style(&repo(EXAMPLE), text, style);
    Typeset::of(&format!("{}/{name}", style.name), checked, (style.engine)())
}

#[test]
fn every_fixture_passes_check() {
    let paths = fixture_paths();
    assert!(paths.len() >= 12, "{} fixtures", paths.len());
    let args: Vec<&str> = std::iter::once("check").chain(paths.iter().map(|p| p.to_str().unwrap())).collect();
    let output = certreport(&args, Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(output.status.code(), Some(0), "{}\n{}", stdout(&output), stderr(&output));
    // The second style's fonts and template serve every fixture: no glyph missing, no error.
    for t in corpus() {
        assert!(t.pages > 2, "{}", t.name);
    }
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
        if t.view.basic.changes.applicable {
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
    for style in STYLES {
        // The long rows of 15 sites run over a page break: the rule was put to the test.
        let sites = fixture(style.name, "sites-15");
        let first = sites.pages_of("row 1")[0];
        let last = sites.pages_of("row 15")[0];
        assert!(last > first, "{}: 15 long sites fit on one page ({first})", style.name);
    }
}

/// A branch site's name never breaks inside a word: the name column is as wide as the
/// longest name (up to 45 % of the table), and a longer name breaks only between its pieces
/// (有限公司 | 成都分公司 | 售后服务中心 | （…）).
#[test]
fn site_names_break_only_between_their_words() {
    for t in corpus() {
        let text = t.text();
        for site in &t.view.basic.sites {
            for part in &site.name_parts {
                assert!(
                    text.lines().any(|l| l.contains(part.as_str())),
                    "{}: “{part}” broken:\n{text}",
                    t.name
                );
            }
        }
    }
    // The short names of sites-5 are whole on their line, the long ones of sites-15 in pieces.
    for style in STYLES {
        let t = fixture(style.name, "sites-5");
        let text = t.text();
        assert!(t.view.basic.sites.iter().all(|s| s.name_parts.len() == 1), "{:?}", t.view.basic.sites);
        assert!(t.view.basic.sites.iter().all(|s| text.lines().any(|l| l.contains(&s.name))));
        assert!(fixture(style.name, "sites-15").view.basic.sites.iter().all(|s| s.name_parts.len() == 4));
    }
}

/// The running header's text (a CB name of 27 characters and the title) stays on one line:
/// set smaller, never broken inside the name.
#[test]
fn the_running_header_is_one_line() {
    let compact = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for t in corpus() {
        let text = t.text();
        assert!(
            text.lines().any(|l| compact(l).contains(&compact(&t.view.page.header))),
            "{}: the header “{}” broken:\n{text}",
            t.name,
            t.view.page.header
        );
    }
    assert_eq!(
        fixture("built-in", "long-names").view.page.header,
        "中质协（北京）国际服务认证与质量评价技术有限责任公司　服务认证审查报告"
    );
}

/// Section 6 pushed down the page line by line: it always stays whole, and moves to the next
/// page as a whole when it no longer fits.
#[test]
fn section_6_moves_to_the_next_page_as_a_whole() {
    for style in &STYLES {
        section_6_moves_in(style);
    }
}

fn section_6_moves_in(style: &Style) {
    let mut starts = Vec::new();
    for lines in (0..48).step_by(3) {
        let text = "未见证书及标志违规使用情况。".repeat(3);
        let paragraphs = vec![text; lines].join("\n\n  ");
        let t = example_with(
            &format!("section-6-{lines}"),
            style,
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
            &STYLES[0],
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
    for style in STYLES {
        // In prose: a standard's number, a URL and an e-mail address, each time they occur.
        let text = fixture(style.name, "narrative-3000").text();
        for (id, times) in [
            ("GB/T 27922-2011", 5),
            ("ISO 10002:2018", 3),
            ("https://www.baihuan-env.com.cn/service/after-sales/policy-2025.html", 3),
            ("complaints.service-center@baihuan-env.com.cn", 3),
        ] {
            assert!(text.matches(id).count() >= times, "{}: {id} broken:\n{text}", style.name);
        }
        // 28-character registration numbers stay inside their cells: none runs into the next column.
        let t = fixture(style.name, "team-8");
        let team = t.text();
        for m in &t.view.basic.team {
            let line = team.lines().find(|l| l.contains(&m.registration)).unwrap();
            assert!(line.contains(&format!("{} ", m.registration)), "{}: {line}", style.name);
        }
    }
}

/// A token of 3,000 characters without a break (pasted by mistake) wraps at the margin: every
/// character is on the page, none clipped.
#[test]
fn an_unbreakable_token_wraps_at_the_margin() {
    let token: String = "AB0123456789".repeat(250);
    for style in &STYLES {
        let t = example_with(
            "token-3000",
            style,
            &[("certificate_use: 未见证书及标志违规使用情况", &format!("certificate_use: 令牌{token}结束"))],
        );
        let compact: String = t.text().chars().filter(|c| !c.is_whitespace()).collect();
        assert!(compact.contains(&format!("令牌{token}结束")), "{}: the token is clipped", style.name);
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
    let plain = fixture("built-in", "team-8").text();
    assert!(plain.contains("报告编制人：") && plain.contains("编制日期："));
    assert!(!plain.contains("审查组长签字"), "the reference has only the author and the date");
    // The second style's approval block: three roles to sign and date, the seal's room under 批准.
    for t in corpus().iter().filter(|t| t.name.starts_with("house-style-b/")) {
        let text = t.text();
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(compact.contains("审查组长技术复核批准"), "{}: the approval block's roles:\n{text}", t.name);
        assert_eq!(text.matches("签字：").count(), 3, "{}", t.name);
        assert!(compact.contains("（盖章）"), "{}", t.name);
    }
    let t = fixture("built-in", "long-names");
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
    let t = example_with("example", &STYLES[0], &[]);
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
