//! Every refusal of the editor's API, and the one place that turns each into its HTTP status,
//! its stable `code` and its Chinese message.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::base::diagnostic::io_reason;

/// Why the editor's API refuses a request.
#[derive(Debug)]
pub enum ApiError {
    /// Not a `.yaml` record path inside the editor's folder.
    BadPath(String),
    /// The record cannot be read.
    Unreadable { path: String, why: String },
    /// The PDF button before any good preview.
    NoPreview,
    /// The preview's document could not be exported.
    ExportFailed(String),
    /// The file changed on disk since it was opened: a save would overwrite that change.
    ChangedOnDisk(String),
    /// A save would drop the file's own comments: asked once before the first save.
    CommentsWouldBeLost(String),
    /// The previous version could not be kept.
    KeepPrevious(std::io::Error),
    /// The output guard or the file system refused the write.
    NotWritten(String),
    /// The 汇总表 before any batch.
    NoSummary,
    /// The CB profile's fields as given would not pass `check`: its problems.
    InvalidProfile(Vec<String>),
}

impl ApiError {
    /// A refusal the page expects in its normal course (a save that must not overwrite, a
    /// profile not yet complete) is a `200` whose `saved` is false, so that the browser logs
    /// no failed request.
    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadPath(_) => StatusCode::BAD_REQUEST,
            ApiError::Unreadable { .. } | ApiError::NoPreview | ApiError::NoSummary => StatusCode::NOT_FOUND,
            ApiError::ChangedOnDisk(_) | ApiError::CommentsWouldBeLost(_) | ApiError::InvalidProfile(_) => {
                StatusCode::OK
            }
            ApiError::NotWritten(_) => StatusCode::CONFLICT,
            ApiError::ExportFailed(_) | ApiError::KeepPrevious(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code the page tells refusals apart by.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadPath(_) => "bad-path",
            ApiError::Unreadable { .. } => "unreadable",
            ApiError::NoPreview => "no-preview",
            ApiError::ExportFailed(_) => "export-failed",
            ApiError::ChangedOnDisk(_) => "changed-on-disk",
            ApiError::CommentsWouldBeLost(_) => "comments-would-be-lost",
            ApiError::KeepPrevious(_) => "io",
            ApiError::NotWritten(_) => "not-written",
            ApiError::NoSummary => "no-summary",
            ApiError::InvalidProfile(_) => "invalid-profile",
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::BadPath(path) => write!(f, "“{path}”不是本文件夹中的 .yaml 记录"),
            ApiError::Unreadable { path, why } => write!(f, "无法打开 {path}：{why}"),
            ApiError::NoPreview => f.write_str("还没有可生成 PDF 的预览：请先改正记录中的错误"),
            ApiError::ExportFailed(why) | ApiError::NotWritten(why) => f.write_str(why),
            ApiError::ChangedOnDisk(path) => write!(
                f,
                "{path} 在打开之后已被其它程序修改，未保存，以免覆盖那些修改：请复制您的修改，重新打开文件后再保存"
            ),
            ApiError::CommentsWouldBeLost(path) => write!(
                f,
                "{path} 中有注释（# 开头的说明），保存时会重新写出文件，注释将不再保留。原文件将另存为 {path}.orig。"
            ),
            ApiError::KeepPrevious(e) => write!(f, "无法保留原文件：{}", io_reason(e)),
            ApiError::NoSummary => f.write_str("还没有汇总表：请先点“全部生成报告”"),
            ApiError::InvalidProfile(problems) => write!(f, "认证机构信息未保存：{}", problems.join("；")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "saved": false, "code": self.code(), "message": self.to_string() });
        (self.status(), Json(body)).into_response()
    }
}
