//! The certification body's profile (认证机构信息): the details every report of one CB shares.
//!
//! It lives in its own YAML file that a CB's records name with `profile:`, so an address or a
//! phone number is changed once, not in every record. It also holds the CB's house style, no
//! Typst needed: its logo, a cover page, the approval block's lines, the body and heading
//! fonts, the running header's text — and, for a form of its own, the template folder.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// 认证机构信息
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "认证机构信息",
    description = "同一认证机构的所有审查记录共用的信息（记录中以 profile: 引用此文件）。"
)]
pub struct Profile {
    /// 认证机构名称
    #[schemars(
        title = "认证机构名称",
        description = "封面及页眉：认证机构名称，例如 北京国标联合认证有限公司。"
    )]
    pub name: String,
    /// 地址
    #[schemars(title = "地址", description = "封面：认证机构地址。")]
    pub address: String,
    /// 联系电话
    #[schemars(
        title = "联系电话",
        description = "封面“联系”：认证机构电话，写成带引号的文字，例如 \"010-5824 6003\"。"
    )]
    pub phone: String,
    /// 邮编
    #[schemars(title = "邮编", description = "封面：邮政编码，写成带引号的六位数字，例如 \"100028\"。")]
    pub post_code: String,
    /// The code before the scope in 1.9: `S: 环保类设备销售的售后服务`.
    #[serde(default = "default_scope_code")]
    #[schemars(
        title = "审查范围代码",
        description = "1.9 审查范围前的代码，例如 S（印作“S: 环保类设备销售的售后服务”），不写为 S。"
    )]
    pub scope_code: String,
    /// The CB's own signature lines, printed in section 6 after the reference's 报告编制人 and
    /// 编制日期, e.g. 审查组长签字 or 认证机构（盖章）.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(
        title = "签字行",
        description = "6 评价结论：报告编制人与编制日期之后由认证机构自定的签字（或盖章）行，例如 审查组长签字、认证机构（盖章）。"
    )]
    pub signature_lines: Vec<SignatureLine>,
    /// The CB's logo: a PNG, JPEG or SVG file, relative to the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "标志",
        description = "封面（及首页）上的认证机构标志：PNG、JPEG 或 SVG 图片文件，路径相对于本文件，例如 logo.svg；不超过 2 MiB。"
    )]
    pub logo: Option<String>,
    /// A cover page before the report: CB, logo, title, client, project number, audit type,
    /// report date.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[schemars(
        title = "封面",
        description = "是否在报告前加一页封面（认证机构及标志、报告名称、受审查方、项目编号、审查类型、报告日期）：true（是）或 false（否，默认）。"
    )]
    pub cover: bool,
    /// The font families of the body text and of the headings.
    #[serde(default, skip_serializing_if = "Fonts::is_default")]
    #[schemars(
        title = "字体",
        description = "正文与标题的字体（字体族名称）：内置的 Noto Serif CJK SC、Noto Sans CJK SC，或用 --font-path 给出的字体文件夹中的字体；缺字时以内置字体补足。"
    )]
    pub fonts: Fonts,
    /// The report's title; default: 服务认证审查报告.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "报告名称",
        description = "封面、首页与文档信息中的报告名称，默认为“服务认证审查报告”，例如 服务认证评价报告。"
    )]
    pub title: Option<String>,
    /// The running header's text, from the second page on; default: CB name and title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "页眉",
        description = "第二页起的页眉文字（右侧为项目编号），默认为“认证机构名称　服务认证审查报告”；过长时缩小字号排在一行。"
    )]
    pub header: Option<String>,
    /// A template folder of the CB's own, relative to the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "报告模板",
        description = "认证机构自己的报告模板文件夹，路径相对于本文件，例如 templates/ourcb/（用 certreport template new 生成后修改）；不写则用内置模板。命令行的 --template 优先。"
    )]
    pub template: Option<String>,
}

/// The font families of a report. 字体
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "字体", description = "正文与标题的字体族名称。")]
pub struct Fonts {
    /// The body text's family; default: Noto Serif CJK SC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "正文字体",
        description = "正文的字体族名称，例如 LXGW WenKai（霞鹜文楷，须用 --font-path 给出其文件夹）；默认 Noto Serif CJK SC。"
    )]
    pub body: Option<String>,
    /// The headings', labels' and tables' header family; default: Noto Sans CJK SC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        title = "标题字体",
        description = "标题、栏目名称与表头的字体族名称；默认 Noto Sans CJK SC。"
    )]
    pub heading: Option<String>,
}

/// The report's title unless the CB's profile names its own.
pub const DEFAULT_TITLE: &str = "服务认证审查报告";

impl Profile {
    /// The report's name: the profile's own, or 服务认证审查报告.
    pub fn report_title(&self) -> &str {
        self.title.as_deref().unwrap_or(DEFAULT_TITLE)
    }
}

impl Fonts {
    fn is_default(&self) -> bool {
        *self == Fonts::default()
    }
}

/// A line of section 6 to be signed (or stamped) by hand. 签字行
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "签字行", description = "6 评价结论中的一行签字（或盖章）。")]
pub struct SignatureLine {
    /// What is signed: 审查组长签字, 认证机构（盖章）.
    #[schemars(title = "签字项", description = "6 签字行的文字，例如 审查组长签字。")]
    pub label: String,
    /// Leaves room for a seal (盖章) with the line.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[schemars(title = "盖章", description = "6 在签字行旁留出盖章的位置：true（是）或 false（否）。")]
    pub seal: bool,
}

fn default_scope_code() -> String {
    "S".to_owned()
}
