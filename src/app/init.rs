//! `certreport init`: a commented starter record for a new audit (新建审查记录), or a starter
//! CB profile (新建认证机构信息).
//!
//! The starter lists every section in the report's order (the order of [`Record`]'s fields),
//! each field under a Chinese comment taken from the file's JSON Schema, so the comments
//! and the editor's hover help say the same thing. Nothing in it is data yet: text to write
//! is `""`, lists to fill are `[]`, and what has no empty form — dates, 1.14's changes, the
//! internal evaluation, optional parts — is left commented out. `check` on the starter
//! therefore lists what is left: first the missing dates (the structure check), then, once
//! they are written, every empty field at once. The audit type decides which sections appear
//! (1.14, 5 and the previous audit's end only follow a previous audit).
//!
//! Every list, and every optional part a record may need, comes with a complete example, commented
//! out under a `# 示例` line and ended by a blank line: uncommented (in place of the empty field
//! above it) and left as it is, each passes `check` — together, the examples are one consistent
//! record (the findings' deductions are what the `derived` scores compute; the remote audit's
//! note says to set the method). They are the examples of the user guide's company.
//!
//! The first line names the schema: `schemas/record.schema.json` in the file's folder or one
//! above, else `record.schema.json` beside it — written there when it is not yet, so the name
//! always leads to a file. A missing folder is created; nothing is ever overwritten.
//!
//! [`Record`]: crate::model::record::Record

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::base::diagnostic::{io_reason, shown};
use crate::model::record::AuditType;
use crate::model::schema::{self, Kind};
use crate::model::scheme::Scheme;

/// The record file `init` writes when no `-o` is given.
pub const DEFAULT_OUTPUT: &str = "record.yaml";
/// The profile file `init profile` writes when no `-o` is given, and the profile the starter
/// record names when no `--profile` is given (relative to the record).
pub const DEFAULT_PROFILE: &str = "cb-profile.yaml";

/// Which file `init` writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Starter {
    /// 审查记录
    #[default]
    Record,
    /// 认证机构信息
    Profile,
}

impl Starter {
    pub const ALL: [Starter; 2] = [Starter::Record, Starter::Profile];

    /// The name the command line gives it: `record`, `profile`.
    pub fn name(self) -> &'static str {
        self.kind().name()
    }

    fn kind(self) -> Kind {
        match self {
            Starter::Record => Kind::Record,
            Starter::Profile => Kind::Profile,
        }
    }

    /// The file written when no `-o` is given.
    pub fn default_output(self) -> &'static str {
        match self {
            Starter::Record => DEFAULT_OUTPUT,
            Starter::Profile => DEFAULT_PROFILE,
        }
    }

    /// What the file is, in the messages.
    pub fn label(self) -> &'static str {
        match self {
            Starter::Record => "审查记录",
            Starter::Profile => "认证机构信息",
        }
    }
}

/// Why `init` wrote nothing.
#[derive(Debug)]
pub enum InitError {
    /// The output file is already there: it is never overwritten.
    Exists(PathBuf),
    /// The profile's path holds control characters (a newline, ESC …).
    Profile(PathBuf),
    Io(PathBuf, std::io::Error),
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::Exists(path) => write!(f, "{} 已存在，不会覆盖：请用 -o 指定新文件名", shown(path)),
            InitError::Profile(path) => {
                write!(
                    f,
                    "CB 档案路径 {} 含有控制字符（换行、ESC 等），不能写入记录：请换一个路径",
                    shown(path)
                )
            }
            InitError::Io(path, e) => write!(f, "无法写入 {}：{}", shown(path), io_reason(e)),
        }
    }
}

/// What `init` wrote.
#[derive(Debug)]
pub struct Written {
    /// The schema file written beside the starter, when there was none to name.
    pub schema: Option<PathBuf>,
}

/// How one field appears in the starter.
enum Slot {
    /// `key: ""`: text the auditor must write.
    Text,
    /// `key: []`: a list the auditor must fill.
    List,
    /// `key: {}`: a map the auditor must fill.
    Map,
    /// `key:` with the following (deeper) fields under it.
    Open,
    /// `key: value`.
    Value(String),
    /// `# key:`: optional, or with no empty form; written by uncommenting.
    Commented,
}

/// The starter record's fields, in the report's order: (YAML path, how it appears).
fn record_fields(audit_type: AuditType, profile: &str) -> Vec<(&'static str, Slot)> {
    use Slot::*;
    let follows = audit_type.follows_previous_audit();
    let mut fields = vec![
        ("profile", Value(yaml_scalar(profile))),
        ("scheme", Commented),
        ("previous", Commented),
        ("project_number", Text),
        ("audit_type", Value(serde_json::to_value(audit_type).unwrap().as_str().unwrap().to_owned())),
    ];
    if audit_type == AuditType::Surveillance {
        fields.push(("surveillance_number", Commented));
    }
    fields.extend([
        ("client", Open),
        ("client.name", Text),
        ("client.registered_address", Text),
        ("client.audit_address", Text),
        ("client.sites", Commented),
        ("client.contact", Open),
        ("client.contact.person", Text),
        ("client.contact.title", Commented),
        ("client.contact.phone", Text),
        ("client.contact.email", Commented),
        ("scope", Open),
        ("scope.text", Text),
        ("scope.level", Commented),
        ("scope.level_reason", Commented),
        ("audit", Open),
        ("audit.method", Value("on_site".into())),
        ("audit.mystery_shopping", Commented),
        ("audit.start", Commented),
        ("audit.end", Commented),
    ]);
    if follows {
        fields.push(("audit.previous_end", Commented));
    }
    fields.extend([("audit.team", List), ("audit.sampling", Text)]);
    if follows {
        fields.push(("changes", Commented));
    }
    fields.extend([
        ("incidents", Commented),
        ("risks", Commented),
        ("remote_audit", Commented),
        ("scores", Map),
        ("findings", List),
        ("overview", Open),
        ("overview.introduction", Text),
        ("overview.multi_site_management", Commented),
        ("overview.pre_sale", Text),
        ("overview.in_sale", Text),
        ("overview.after_sale", Text),
        ("overview.methods", Text),
        ("overview.summary", Text),
        ("internal_evaluation", Commented),
        ("suggestions", List),
    ]);
    if follows {
        fields.push(("certificate_use", Text));
    }
    fields.extend([
        ("conclusion", Open),
        ("conclusion.recommendation", Commented),
        ("conclusion.author", Text),
        ("conclusion.date", Commented),
    ]);
    fields
}

/// The starter profile's fields.
fn profile_fields(basics: Option<&ProfileBasics>) -> Vec<(&'static str, Slot)> {
    use Slot::*;
    let given = |text: Option<&String>| text.map_or(Text, |text| Value(yaml_scalar(text)));
    vec![
        ("name", given(basics.map(|b| &b.name))),
        ("address", given(basics.map(|b| &b.address))),
        ("phone", given(basics.map(|b| &b.phone))),
        ("post_code", given(basics.map(|b| &b.post_code))),
        ("scope_code", Commented),
        ("signature_lines", Commented),
        ("logo", Commented),
        ("cover", Commented),
        ("fonts", Commented),
        ("title", Commented),
        ("header", Commented),
        ("template", Commented),
    ]
}

/// The commented example of a field, as YAML from its key on, and a note on when it applies.
fn example(path: &str) -> Option<(String, &'static str)> {
    let (text, note) = match path {
        "client.sites" => (
            "sites:\n  - name: 成都锦程家电服务有限公司龙泉驿服务站\n    address: 四川省成都市龙泉驿区驿都大道 66 号",
            "多场所组织，每个固定分场所一项，并写 overview.multi_site_management",
        ),
        "audit.mystery_shopping" => (
            "mystery_shopping:\n  off_site:\n    from: 2025-11-03\n    to: 2025-11-07",
            "需要暗访时，现场（on_site）或非现场（off_site）暗访的起止日期",
        ),
        "audit.team" => (
            "team:\n  - code: A\n    name: 王立新\n    role: leader             # 组长；组员 member，技术专家 technical_expert\n    registration: 2024-S1SC-1234567\n    specialty: \"02.01\"\n    phone: \"13800138000\"",
            "每名成员一项，恰好一名组长",
        ),
        "changes" => (
            "changes:\n  structure: 新设客户关怀部，负责投诉处理与顾客回访。\n  # 名称、地址的变更写 from（原）与 to（现），例如：\n  # registered_address:\n  #   from: 原注册地址\n  #   to: 现注册地址（与 client.registered_address 相同）",
            "全部无变更时写 changes: {}；写了 previous 时，名称与地址的变更由两份记录得出",
        ),
        "incidents" => (
            "incidents:\n  complaints: 一起关于上门超时的顾客投诉，已按投诉处理程序处理并回访，顾客满意。",
            "quality_accidents、complaints、spot_checks、law_enforcement 四项，不写即为“无”",
        ),
        "risks" => (
            "risks: 审查期间园区临时停电约一小时，相关记录改为查阅纸质档案，不影响审查结论。",
            "不写即为“无”",
        ),
        "remote_audit" => (
            "remote_audit:\n  location: 审查组在认证机构办公室，受审查方在其总部\n  scope: 服务体系文件审查及分场所服务记录的抽查\n  ict_tools: 腾讯会议、企业微信文件共享\n  security_agreement: true\n  ict_effective: true\n  # obstacles: 遇到的障碍（不写即为“否”）\n  # supplementary_on_site: 需要补充现场审核的内容（不写即为“否”）",
            "审查方式 audit.method 为 remote 或 combined 时",
        ),
        "scores" => {
            return Some((
                score_example(),
                "每个指标写得分（数字）、excluded（删减）或 derived（由发现项的扣分计算）",
            ));
        }
        "findings" => (FINDINGS, "每条发现一项，可带扣分、特别扣分项或特别加分项之一"),
        "overview.multi_site_management" => (
            "multi_site_management: 服务站由总部客服部统一派单、统一培训、统一考核，服务记录每日汇总至总部。",
            "多场所组织",
        ),
        "internal_evaluation" => (
            "internal_evaluation:\n  date: 2025-10-15             # 须早于审查开始\n  evaluators: [赵敏, 孙浩]\n  score: 92\n  assessment: 内部评价人员熟悉标准要求和评价流程，能够独立开展内部评价。",
            "受评价方的内部评价",
        ),
        "suggestions" => (
            "suggestions:\n  - aspect: 服务流程方面\n    items:\n      - lead: 完善回访问题的闭环管理\n        text: 对回访中发现的问题逐条登记，明确责任人和完成时限，并跟踪验证整改效果。",
            "按方面分组，每组若干条建议",
        ),
        "scope_code" => ("scope_code: S", "不写即为 S"),
        "signature_lines" => (
            "signature_lines:\n  - label: 审查组长签字\n  - label: 认证机构（盖章）\n    seal: true             # 留出盖章的位置",
            "报告编制人与编制日期之后本机构自己的签字行",
        ),
        "logo" => ("logo: logo.svg", "本机构的标志图片（PNG、JPEG 或 SVG），路径相对于本文件"),
        "cover" => ("cover: true", "报告前加一页封面"),
        "fonts" => (
            "fonts:\n  body: Noto Serif CJK SC   # 正文字体；内置字体之外的字体用 --font-path 给出其文件夹\n  heading: Noto Sans CJK SC",
            "不写即用内置的 Noto Serif CJK SC（正文）与 Noto Sans CJK SC（标题）",
        ),
        "title" => ("title: 服务认证评价报告", "不写即为“服务认证审查报告”"),
        "header" => ("header: 本机构名称　服务认证审查报告", "第二页起的页眉文字"),
        "template" => (
            "template: templates/ourcb/",
            "本机构自己的报告模板文件夹：先运行 certreport template new templates/ourcb 生成，再修改",
        ),
        _ => return None,
    };
    Some((text.to_owned(), note))
}

/// The example findings: one of each kind. With every score `derived` (the scores' example)
/// they make 100 − 1 − 6 × 2 ÷ 10 = 97.8, less the special deduction, plus the bonus.
const FINDINGS: &str = "\
findings:
  - aspect: 服务流程方面
    text: 抽查的回访记录中，未见对回访中发现的问题进行原因分析和跟踪验证。
    deduction:                 # 扣 1 分；whole: true 扣除该指标的全部分值
      indicator: supervision
      points: 1
  - aspect: 服务人员能力方面
    text: 抽查 10 名维修人员的上岗资格，其中 2 人的证书已过有效期。
    deduction:                 # 按比例扣分：分值 × 不符合数 ÷ 抽样数
      indicator: staffing
      samples: 10
      nonconforming: 2
  - aspect: 服务体系文件方面
    text: 售后服务合同约定的保修期短于国家“三包”规定的期限。
    special_deduction:         # 特别扣分项：评分之外扣 1 分
      ground: law              # 或 company_rules、trade_requirements、system_operation
      corrective_action: 按国家“三包”规定修订售后服务合同的保修条款。
  - aspect: 顾客服务方面
    text: 建立了覆盖全市的 2 小时上门服务网络。
    special_bonus: 2 小时上门服务网络覆盖全市，响应速度在本地同行业中领先。   # 特别加分项，最多一项";

/// Every indicator of the built-in scheme `derived`, each under its name and maximum.
fn score_example() -> String {
    let mut text = "scores:".to_owned();
    for group in &Scheme::builtin().groups {
        for indicator in &group.indicators {
            let max = crate::base::format::points(indicator.max);
            let _ = write!(text, "\n  {}: derived    # {}（{max} 分）", indicator.key, indicator.name);
        }
    }
    text
}

/// A text as one YAML scalar, quoted and escaped where YAML needs it (written by the YAML
/// serializer, so a newline or a `: ` in it can never start another key).
fn yaml_scalar(text: &str) -> String {
    serde_saphyr::to_string(&text).expect("a string serializes").trim_end_matches('\n').to_owned()
}

/// The starter record's text. `schema_path` is the schema's path relative to the record.
pub fn starter(audit_type: AuditType, profile: &str, schema_path: &str) -> String {
    let mut text = schema::modeline(schema_path);
    let _ = write!(
        text,
        "\n# {}审查记录，由 certreport init 生成。每个字段上方的注释说明它在报告中的位置。\n\
         # 请填写所有 \"\" 与 []，把需要的 # 注释行改为字段；“# 示例”之下是写好的例子。\n\
         # 运行 certreport check 查看尚缺的内容：先报告尚缺的日期，写上日期后列出其余所有待填项。\n",
        audit_type.label()
    );
    write_fields(&mut text, Kind::Record.schema(), record_fields(audit_type, profile));
    text
}

/// What a CB profile must say, given when it is written (the editor's 认证机构信息 form): the
/// cover's and the footer's lines.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ProfileBasics {
    /// 认证机构名称
    pub name: String,
    /// 地址
    pub address: String,
    /// 电话
    pub phone: String,
    /// 邮编
    pub post_code: String,
}

/// The starter profile's text. `schema_path` is the schema's path relative to the profile;
/// `basics`, when given, fill the fields it must have (otherwise `""` to fill).
pub fn profile_starter(schema_path: &str, basics: Option<&ProfileBasics>) -> String {
    let mut text = schema::modeline(schema_path);
    text.push_str(
        "\n# 认证机构信息，由 certreport init profile 生成：同一认证机构的所有审查记录共用此文件\n\
         # （记录中以 profile: 引用）。请填写所有 \"\"；运行 certreport check 检查引用它的记录。\n\n",
    );
    write_fields(&mut text, Kind::Profile.schema(), profile_fields(basics));
    text
}

/// Writes each field under its schema description, with its example.
fn write_fields(text: &mut String, root: &Value, fields: Vec<(&'static str, Slot)>) {
    for (path, slot) in fields {
        let depth = path.matches('.').count();
        let indent = "  ".repeat(depth);
        let key = path.rsplit('.').next().unwrap_or(path);
        if depth == 0 && !text.ends_with("\n\n") {
            text.push('\n');
        }
        for line in describe(root, path).lines() {
            let _ = writeln!(text, "{indent}# {line}");
        }
        let example = example(path);
        let _ = match &slot {
            Slot::Text => writeln!(text, "{indent}{key}: \"\""),
            Slot::List => writeln!(text, "{indent}{key}: []"),
            Slot::Map => writeln!(text, "{indent}{key}: {{}}"),
            Slot::Open => writeln!(text, "{indent}{key}:"),
            Slot::Value(value) => writeln!(text, "{indent}{key}: {value}"),
            Slot::Commented if example.is_some() => Ok(()),
            Slot::Commented => writeln!(text, "{indent}# {key}:"),
        };
        if let Some((example, note)) = example {
            let how = match slot {
                Slot::Commented => "去掉下面各行开头的“# ”",
                _ => "删去上面一行，去掉下面各行开头的“# ”",
            };
            let _ = writeln!(text, "{indent}# 示例（{note}；{how}，再改成实际内容）：");
            for line in example.lines() {
                let _ = writeln!(text, "{indent}# {line}");
            }
            text.push('\n');
        }
    }
}

/// The schema's description of the property at a dotted YAML path (its title when it has
/// none).
fn describe(root: &Value, path: &str) -> String {
    let mut node = root;
    let mut property = root;
    for segment in path.split('.') {
        property = &target(root, node)["properties"][segment];
        node = property;
    }
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    text(property, "description")
        .or_else(|| text(property, "title"))
        .unwrap_or_else(|| panic!("the schema describes {path}"))
}

/// The object schema a property stands for: through `$ref`, `anyOf`/`oneOf` (an optional
/// field) and `items` (a list).
fn target<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    if let Some(pointer) = node.get("$ref").and_then(Value::as_str) {
        return target(root, root.pointer(pointer.trim_start_matches('#')).unwrap_or(&Value::Null));
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(found) = node[key].as_array().and_then(|options| {
            options.iter().map(|option| target(root, option)).find(|t| t.get("properties").is_some())
        }) {
            return found;
        }
    }
    match node.get("items") {
        Some(items) => target(root, items),
        None => node,
    }
}

/// Writes the starter record for `audit_type` to `output` (never over an existing file).
/// `profile` is the CB profile's path from the current folder; without it the record names
/// [`DEFAULT_PROFILE`] beside itself.
pub fn write_starter(
    output: &Path,
    audit_type: AuditType,
    profile: Option<&Path>,
) -> Result<Written, InitError> {
    if let Some(path) =
        profile.filter(|p| p.to_string_lossy().chars().any(crate::base::diagnostic::is_control_or_bidi))
    {
        return Err(InitError::Profile(path.to_owned()));
    }
    let dir = folder(output);
    let profile =
        profile.map_or_else(|| DEFAULT_PROFILE.to_owned(), |p| crate::rules::cycle::relative_to(p, dir));
    write_with_schema(output, Starter::Record, |schema| starter(audit_type, &profile, schema))
}

/// Writes the starter CB profile to `output` (never over an existing file), with `basics`
/// filled in when given.
pub fn write_profile_starter(output: &Path, basics: Option<&ProfileBasics>) -> Result<Written, InitError> {
    write_with_schema(output, Starter::Profile, |schema| profile_starter(schema, basics))
}

fn folder(file: &Path) -> &Path {
    file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// The committed schema of `kind` (`schemas/record.schema.json`) in `dir` or a folder above it.
fn committed_schema(dir: &Path, kind: Kind) -> Option<PathBuf> {
    let committed = Path::new("schemas").join(kind.file_name());
    std::path::absolute(dir)
        .ok()
        .and_then(|dir| dir.ancestors().map(|d| d.join(&committed)).find(|p| p.is_file()))
}

/// The record schema's path for the schema line of a record in `dir`: the committed schema
/// found in `dir` or a folder above it, relative to `dir`; else `record.schema.json`.
pub fn schema_path(dir: &Path) -> String {
    committed_schema(dir, Kind::Record)
        .map_or_else(|| Kind::Record.file_name().to_owned(), |p| crate::rules::cycle::relative_to(&p, dir))
}

/// Writes the text `make` gives for the schema's path, and the schema beside the file when no
/// `schemas/` folder in its folder or one above has it.
fn write_with_schema(
    output: &Path,
    starter: Starter,
    make: impl FnOnce(&str) -> String,
) -> Result<Written, InitError> {
    let exists = |path: &Path| InitError::Exists(path.to_owned());
    if output.symlink_metadata().is_ok() {
        return Err(exists(output));
    }
    let dir = folder(output);
    let kind = starter.kind();
    let (schema_path, schema) = match committed_schema(dir, kind) {
        Some(path) => (crate::rules::cycle::relative_to(&path, dir), None),
        None => (kind.file_name().to_owned(), Some(output.with_file_name(kind.file_name()))),
    };
    let text = make(&schema_path);
    // A missing folder is created, as `render` creates one for its PDF.
    std::fs::create_dir_all(dir).map_err(|e| InitError::Io(output.to_owned(), e))?;
    crate::base::output::write_new(output, text.as_bytes()).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => exists(output),
        _ => InitError::Io(output.to_owned(), e),
    })?;
    // A schema already beside the file is kept as it is.
    let schema = match schema {
        Some(path) => match crate::base::output::write_new(&path, kind.text().as_bytes()) {
            Ok(()) => Some(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
            Err(e) => return Err(InitError::Io(path, e)),
        },
        None => None,
    };
    Ok(Written { schema })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_section_is_in_the_starter_of_a_surveillance_audit() {
        let fields = record_fields(AuditType::Surveillance, DEFAULT_PROFILE);
        let properties = Kind::Record.schema()["properties"].as_object().unwrap();
        for name in properties.keys() {
            assert!(fields.iter().any(|(path, _)| path == name), "{name} is in the starter");
        }
    }

    #[test]
    fn every_profile_field_is_in_the_starter_profile() {
        let fields = profile_fields(None);
        let properties = Kind::Profile.schema()["properties"].as_object().unwrap();
        assert_eq!(fields.len(), properties.len());
        for name in properties.keys() {
            assert!(fields.iter().any(|(path, _)| path == name), "{name} is in the starter");
        }
    }

    #[test]
    fn the_profile_is_one_yaml_scalar_whatever_it_holds() {
        let text = starter(AuditType::Initial, "x\nevil: 1", "s.json");
        let tree: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(tree["profile"], "x\nevil: 1", "{text}");
        assert!(tree.get("evil").is_none());
        assert!(
            starter(AuditType::Initial, "cb-profile.yaml", "s.json").contains("\nprofile: cb-profile.yaml\n")
        );
    }

    #[test]
    fn comments_come_from_the_schema() {
        let text = starter(AuditType::Initial, "p.yaml", "s.json");
        assert!(text.starts_with("# yaml-language-server: $schema=s.json\n"));
        assert!(text.contains("  # 1.3 工商注册地址。\n  registered_address: \"\"\n"), "{text}");
        assert!(text.contains("    # 1.6 联系人姓名。\n    person: \"\"\n"), "{text}");
        assert!(!text.contains("changes") && !text.contains("certificate_use"), "{text}");
    }
}
