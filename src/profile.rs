//! The certification body's profile (认证机构信息): the details every report of one CB shares.
//!
//! It lives in its own YAML file that a CB's records name with `profile:`, so an address or a
//! phone number is changed once, not in every record.

use serde::{Deserialize, Serialize};

/// 认证机构信息
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// 认证机构名称
    pub name: String,
    /// 地址
    pub address: String,
    /// 联系电话
    pub phone: String,
    /// 邮编
    pub post_code: String,
    /// The code before the scope in 1.9: `S: 环保类设备销售的售后服务`.
    #[serde(default = "default_scope_code")]
    pub scope_code: String,
    /// The CB's own signature lines, printed in section 6 after the reference's 报告编制人 and
    /// 编制日期, e.g. 审查组长签字 or 认证机构（盖章）.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signature_lines: Vec<SignatureLine>,
}

/// A line of section 6 to be signed (or stamped) by hand. 签字行
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureLine {
    /// What is signed: 审查组长签字, 认证机构（盖章）.
    pub label: String,
    /// Leaves room for a seal (盖章) beside the line.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub seal: bool,
}

fn default_scope_code() -> String {
    "S".to_owned()
}
