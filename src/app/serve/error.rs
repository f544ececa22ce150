//! Every error the service answers, and its HTTP status: the one place where a failure becomes
//! a status, a stable `code` and a Chinese `message`.
//!
//! An error body is always `{"code": "…", "message": "…"}` (`application/json`). The codes
//! are part of the API (documented in `schemas/openapi.json`) and stay stable between
//! versions; the messages are for people and may be reworded. A record with errors is not an
//! error of this kind: `/v1/render` answers it 422 with the check document.
//!
//! Responses made by the layers below the handlers (axum's 404 and 405, the time limit's 408)
//! carry no body of ours: [`fill_error_body`] gives each one the same JSON, so that a client
//! sees one error format whatever answered.

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;

use super::input::InputError;
use super::pool::PoolError;
use super::worker::Failure;

/// Why a request was not answered with what it asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// 400: the multipart body could not be read as multipart.
    MalformedMultipart(String),
    /// 400: the JSON body is not `{"path": "…"}`.
    MalformedJson(String),
    /// 400: no `record` part.
    MissingRecord,
    /// 400: two parts for the same file.
    DuplicatePart(String),
    /// 400: more parts than a record can name.
    TooManyParts(usize),
    /// 400: the body did not arrive whole (the client went away mid-upload).
    IncompleteBody(String),
    /// 400: a query parameter that is not one of its values.
    InvalidParameter(String),
    /// 400: a request names a record by path but the server has no `--root`.
    NoRoot,
    /// 400: a path under `--root` that is not allowed (absolute, `..` out, a link out).
    InvalidPath(String),
    /// 401: no or wrong bearer token.
    Unauthorized,
    /// 403: a `Host` that is neither an IP address, `localhost` nor an `--allow-host` name.
    HostNotAllowed(String),
    /// 404: no such route or resource.
    NotFound,
    /// 405: the route exists for another method.
    MethodNotAllowed,
    /// 408: the request was not received within the request time limit.
    RequestTimeout,
    /// 413: the body (or one file in it) is over the limit.
    PayloadTooLarge(String),
    /// 415: neither `multipart/form-data` nor `application/json`.
    UnsupportedMediaType,
    /// 422: `next` could not derive next year's record (its dates fall outside the calendar).
    NextFailed(String),
    /// 429: the queue is full; retry after this many seconds.
    QueueFull { retry_after: u64 },
    /// 500: the report could not be typeset or exported (a template or export error).
    RenderFailed(String),
    /// 500: anything else that should not happen.
    Internal(String),
    /// 503: the render went over the memory limit; its worker was stopped.
    MemoryLimit,
    /// 503: the worker rendering the request stopped (crashed or was killed).
    WorkerFailed(String),
    /// 503: the server is shutting down.
    ShuttingDown,
    /// 504: the render went over the render time limit; its worker was stopped.
    RenderTimeout,
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        use ApiError as E;
        match self {
            E::MalformedMultipart(_)
            | E::MalformedJson(_)
            | E::MissingRecord
            | E::DuplicatePart(_)
            | E::TooManyParts(_)
            | E::IncompleteBody(_)
            | E::InvalidParameter(_)
            | E::NoRoot
            | E::InvalidPath(_) => StatusCode::BAD_REQUEST,
            E::Unauthorized => StatusCode::UNAUTHORIZED,
            E::HostNotAllowed(_) => StatusCode::FORBIDDEN,
            E::NotFound => StatusCode::NOT_FOUND,
            E::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            E::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            E::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            E::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            E::NextFailed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            E::QueueFull { .. } => StatusCode::TOO_MANY_REQUESTS,
            E::RenderFailed(_) | E::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            E::MemoryLimit | E::WorkerFailed(_) | E::ShuttingDown => StatusCode::SERVICE_UNAVAILABLE,
            E::RenderTimeout => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        use ApiError as E;
        match self {
            E::MalformedMultipart(_) => "malformed-multipart",
            E::MalformedJson(_) => "malformed-json",
            E::MissingRecord => "missing-record",
            E::DuplicatePart(_) => "duplicate-part",
            E::TooManyParts(_) => "too-many-parts",
            E::IncompleteBody(_) => "incomplete-body",
            E::InvalidParameter(_) => "invalid-parameter",
            E::NoRoot => "no-root",
            E::InvalidPath(_) => "invalid-path",
            E::Unauthorized => "unauthorized",
            E::HostNotAllowed(_) => "host-not-allowed",
            E::NotFound => "not-found",
            E::MethodNotAllowed => "method-not-allowed",
            E::RequestTimeout => "request-timeout",
            E::PayloadTooLarge(_) => "payload-too-large",
            E::UnsupportedMediaType => "unsupported-media-type",
            E::NextFailed(_) => "next-failed",
            E::QueueFull { .. } => "queue-full",
            E::RenderFailed(_) => "render-failed",
            E::Internal(_) => "internal",
            E::MemoryLimit => "memory-limit",
            E::WorkerFailed(_) => "worker-failed",
            E::ShuttingDown => "shutting-down",
            E::RenderTimeout => "render-timeout",
        }
    }

    /// The message, in Chinese.
    pub fn message(&self) -> String {
        use ApiError as E;
        match self {
            E::MalformedMultipart(why) => format!("multipart/form-data 请求体无法读取：{why}"),
            E::MalformedJson(why) => {
                format!("JSON 请求体应为 {{\"path\": \"记录相对于 --root 的路径\"}}：{why}")
            }
            E::MissingRecord => "缺少 record 部分（审查记录的 YAML 文本）".into(),
            E::DuplicatePart(name) => format!("文件“{name}”给了两次"),
            E::TooManyParts(max) => format!("部分过多：一份记录连同它引用的文件最多 {max} 个部分"),
            E::IncompleteBody(why) => format!("请求体未能收完：{why}"),
            E::InvalidParameter(why) => format!("参数有误：{why}"),
            E::NoRoot => "服务未以 --root 启动，不能按路径读取记录：请以 multipart/form-data 上传记录".into(),
            E::InvalidPath(why) => format!("路径不可用：{why}"),
            E::Unauthorized => "缺少或错误的访问令牌：请在 Authorization 头中给出 Bearer 令牌".into(),
            E::HostNotAllowed(host) => {
                format!("Host“{host}”不在允许之列（防止 DNS 重绑定）：可用 --allow-host 允许此名称")
            }
            E::NotFound => "没有这个地址".into(),
            E::MethodNotAllowed => "此地址不接受这种请求方法".into(),
            E::RequestTimeout => "请求未能在时限内收完".into(),
            E::PayloadTooLarge(why) => format!("请求过大：{why}"),
            E::UnsupportedMediaType => {
                "请求体应为 multipart/form-data（上传记录）或 application/json（按路径读取记录）".into()
            }
            E::NextFailed(why) => format!("无法生成下一年度记录：{why}"),
            E::QueueFull { retry_after } => format!("服务繁忙，排队已满：请于 {retry_after} 秒后重试"),
            E::RenderFailed(why) => why.clone(),
            E::Internal(why) => format!("服务内部错误：{why}"),
            E::MemoryLimit => "生成报告超出了内存限制，已停止（--memory-limit）".into(),
            E::WorkerFailed(why) => format!("生成报告的工作进程意外停止：{why}；请重试"),
            E::ShuttingDown => "服务正在停止，不再接受新的请求".into(),
            E::RenderTimeout => "生成报告超出了时间限制，已停止（--render-timeout）".into(),
        }
    }

    /// Why a body could not be read: over the body limit (413), not received within the
    /// request time limit (408), or cut off.
    pub fn from_body(error: axum::Error) -> ApiError {
        let inner = error.into_inner();
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&*inner);
        while let Some(error) = cause {
            if error.is::<http_body_util::LengthLimitError>() {
                return ApiError::PayloadTooLarge("请求体超过 --max-body".into());
            }
            if error.is::<tower_http::timeout::TimeoutError>() {
                return ApiError::RequestTimeout;
            }
            cause = error.source();
        }
        ApiError::IncompleteBody(inner.to_string())
    }

    /// The error a bare status of a layer below the handlers stands for.
    fn from_status(status: StatusCode) -> ApiError {
        match status {
            StatusCode::NOT_FOUND => ApiError::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
            StatusCode::REQUEST_TIMEOUT => ApiError::RequestTimeout,
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge("请求体超过 --max-body".into()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            StatusCode::BAD_REQUEST => ApiError::InvalidParameter("请求无法读取".into()),
            other => ApiError::Internal(format!("HTTP {other}")),
        }
    }
}

impl From<InputError> for ApiError {
    fn from(error: InputError) -> ApiError {
        match error {
            InputError::MalformedMultipart(why) => ApiError::MalformedMultipart(why),
            InputError::MalformedJson(why) => ApiError::MalformedJson(why),
            InputError::MissingRecord => ApiError::MissingRecord,
            InputError::DuplicatePart(name) => ApiError::DuplicatePart(name),
            InputError::TooManyParts(max) => ApiError::TooManyParts(max),
            InputError::PartTooLarge(why) => ApiError::PayloadTooLarge(why),
            InputError::UnsupportedMediaType => ApiError::UnsupportedMediaType,
        }
    }
}

impl From<PoolError> for ApiError {
    fn from(error: PoolError) -> ApiError {
        match error {
            PoolError::Busy { retry_after } => ApiError::QueueFull { retry_after },
            PoolError::TimedOut => ApiError::RenderTimeout,
            PoolError::OutOfMemory => ApiError::MemoryLimit,
            PoolError::WorkerFailed(why) => ApiError::WorkerFailed(why),
            PoolError::ShuttingDown => ApiError::ShuttingDown,
        }
    }
}

impl From<Failure> for ApiError {
    fn from(failure: Failure) -> ApiError {
        match failure {
            Failure::Start(why) => ApiError::WorkerFailed(why),
            Failure::InvalidPath(why) => ApiError::InvalidPath(why),
            Failure::InvalidParameter(why) => ApiError::InvalidParameter(why),
            Failure::NextFailed(why) => ApiError::NextFailed(why),
            Failure::RenderFailed(why) => ApiError::RenderFailed(why),
        }
    }
}

/// The JSON body of an error.
#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> axum::response::Response {
        let body = serde_json::to_vec(&ErrorBody { code: self.code(), message: self.message() })
            .expect("plain data serializes");
        let mut response =
            (self.status(), [(header::CONTENT_TYPE, "application/json")], body).into_response();
        match self {
            ApiError::QueueFull { retry_after } => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            }
            ApiError::Unauthorized => {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

/// Gives an error response without a body of ours (axum's 404 and 405, tower-http's 408 and
/// 413) the JSON error body of its status.
pub async fn fill_error_body(response: Response<Body>) -> Response<Body> {
    let status = response.status();
    let ours = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v == "application/json");
    if !(status.is_client_error() || status.is_server_error()) || ours {
        return response;
    }
    let (parts, _) = response.into_parts();
    let mut filled = ApiError::from_status(status).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_LENGTH {
            filled.headers_mut().insert(name.clone(), value.clone());
        }
    }
    *filled.status_mut() = status;
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_maps_back_to_its_own_code() {
        for status in [StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED, StatusCode::REQUEST_TIMEOUT] {
            assert_eq!(ApiError::from_status(status).status(), status);
        }
        assert_eq!(ApiError::QueueFull { retry_after: 2 }.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(ApiError::QueueFull { retry_after: 2 }.message().contains("2 秒"));
    }
}
