//! The cover: the certification body, the title, the client and the audit type.

use serde::Serialize;

use super::{CheckBox, boxes};
use crate::model::profile::Profile;
use crate::model::record::{AuditType, Record};
use crate::model::scheme::Scheme;

/// The certification body.
#[derive(Debug, Serialize)]
pub struct CbView {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub post_code: String,
}

#[derive(Debug, Serialize)]
pub struct Head {
    pub title: String,
    /// `售后服务`
    pub service_type: String,
    /// The standard's number, `GB/T 27922-2011` (printed `依据 GB/T 27922-2011`).
    pub standard: String,
    pub client: String,
    pub project_number: String,
    pub audit_types: Vec<CheckBox>,
}

pub(super) fn cb(profile: &Profile) -> CbView {
    CbView {
        name: profile.name.clone(),
        address: profile.address.clone(),
        phone: profile.phone.clone(),
        post_code: profile.post_code.clone(),
    }
}

pub(super) fn head(record: &Record, scheme: &Scheme) -> Head {
    Head {
        title: "服务认证审查报告".into(),
        service_type: scheme.service_type.clone(),
        standard: scheme.standard.clone(),
        client: record.client.name.clone(),
        project_number: record.project_number.clone(),
        audit_types: boxes(AuditType::ALL.map(AuditType::label), |i| AuditType::ALL[i] == record.audit_type),
    }
}
