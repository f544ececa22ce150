//! The cover: the certification body, the title, the client and the audit type.

use schemars::JsonSchema;
use serde::Serialize;

use super::{CheckBox, boxes};
use crate::base::date::Date;
use crate::base::format;
use crate::load::Logo;
use crate::model::profile::Profile;
use crate::model::record::{AuditType, Record};
use crate::model::scheme::Scheme;

/// 认证机构
///
/// The certification body.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CbView {
    /// 名称
    ///
    /// The CB's name.
    pub name: String,
    /// 地址
    ///
    /// The CB's address.
    pub address: String,
    /// 电话
    ///
    /// The CB's phone number (an identifier: never broken).
    pub phone: String,
    /// 邮编
    ///
    /// The CB's post code.
    pub post_code: String,
    /// 标志
    ///
    /// The CB's logo, or `null` when its profile names none.
    pub logo: Option<LogoView>,
}

/// 标志
///
/// The CB's logo, served beside `/data.json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct LogoView {
    /// 路径
    ///
    /// The logo's path for Typst's `image(..)`: `/cb-logo.png`, `/cb-logo.jpg` or
    /// `/cb-logo.svg`.
    pub path: String,
}

/// 封面
///
/// What the cover page adds to the head page's fields.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CoverView {
    /// 审查类型
    ///
    /// The audit type, in words: 初次认证 / 保持认证 / 再认证.
    pub audit_type: String,
    /// 报告日期
    ///
    /// The report date as printed: `2025 年 12 月 04 日`.
    pub date: String,
}

/// 首页
///
/// The head page.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Head {
    /// 报告名称
    ///
    /// The report's title: 服务认证审查报告.
    pub title: String,
    /// 服务类别
    ///
    /// The service type: 售后服务.
    pub service_type: String,
    /// 标准
    ///
    /// The standard's number, `GB/T 27922-2011` (printed `依据 GB/T 27922-2011`).
    pub standard: String,
    /// 受审查方
    ///
    /// The client's name.
    pub client: String,
    /// 项目编号
    ///
    /// The project number (an identifier: never broken).
    pub project_number: String,
    /// 审查类型
    ///
    /// The three audit-type boxes, the record's ticked.
    pub audit_types: Vec<CheckBox>,
}

pub(super) fn cb(profile: &Profile, logo: Option<&Logo>) -> CbView {
    CbView {
        name: profile.name.clone(),
        address: profile.address.clone(),
        phone: profile.phone.clone(),
        post_code: profile.post_code.clone(),
        logo: logo.map(|logo| LogoView { path: logo.virtual_path() }),
    }
}

pub(super) fn cover(record: &Record, date: Date) -> CoverView {
    CoverView { audit_type: record.audit_type.label().into(), date: format::date(date) }
}

pub(super) fn head(record: &Record, scheme: &Scheme, profile: &Profile) -> Head {
    Head {
        title: profile.report_title().into(),
        service_type: scheme.service_type.clone(),
        standard: scheme.standard.clone(),
        client: record.client.name.clone(),
        project_number: record.project_number.clone(),
        audit_types: boxes(AuditType::ALL.map(AuditType::label), |i| AuditType::ALL[i] == record.audit_type),
    }
}
