//! The certification body's profile (认证机构信息): the details every report of one CB shares.
//!
//! It lives in its own YAML file that a CB's records name with `profile:`, so an address or a
//! phone number is changed once, not in every record.

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
}

/// A line of section 6 to be signed (or stamped) by hand. 签字行
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "签字行", description = "6 评价结论中的一行签字（或盖章）。")]
pub struct SignatureLine {
    /// What is signed: 审查组长签字, 认证机构（盖章）.
    #[schemars(title = "签字项", description = "6 签字行的文字，例如 审查组长签字。")]
    pub label: String,
    /// Leaves room for a seal (盖章) beside the line.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[schemars(title = "盖章", description = "6 在签字行旁留出盖章的位置：true（是）或 false（否）。")]
    pub seal: bool,
}

fn default_scope_code() -> String {
    "S".to_owned()
}
