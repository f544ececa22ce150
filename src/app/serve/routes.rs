//! The API's routes (v1): every one is listed in [`routes`], and each is documented in
//! `schemas/openapi.json` (a test holds the two together).

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde::Deserialize;

use super::ServerState;
use super::error::ApiError;
use super::input::{self, Input};
use super::openapi;
use super::worker::{Job, Output, Reply, Task};
use crate::model::schema;
use crate::report::target;

/// Every route: method, path (as OpenAPI writes it), handler.
pub fn routes() -> Vec<(&'static str, &'static str, MethodRouter<Arc<ServerState>>)> {
    vec![
        ("get", "/health", get(health)),
        ("get", "/version", get(version)),
        ("get", "/v1/openapi.json", get(openapi_document)),
        ("get", "/v1/schemas/{kind}", get(schema_document)),
        ("post", "/v1/render", post(render)),
        ("post", "/v1/check", post(check)),
        ("post", "/v1/next", post(next)),
    ]
}

/// The routes as a router.
pub fn router() -> Router<Arc<ServerState>> {
    routes().into_iter().fold(Router::new(), |router, (_, path, handler)| router.route(path, handler))
}

async fn health() -> Response {
    json(StatusCode::OK, r#"{"status":"ok"}"#.into())
}

async fn version(State(state): State<Arc<ServerState>>) -> Response {
    let body = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "api": "v1",
        "workers": state.pool.workers(),
    });
    json(StatusCode::OK, body.to_string())
}

async fn openapi_document() -> Response {
    json(StatusCode::OK, openapi::DOCUMENT.into())
}

async fn schema_document(Path(kind): Path<String>) -> Result<Response, ApiError> {
    let kind = match kind.as_str() {
        "record" => schema::Kind::Record,
        "profile" => schema::Kind::Profile,
        "scheme" => schema::Kind::Scheme,
        _ => return Err(ApiError::NotFound),
    };
    Ok(json(StatusCode::OK, kind.text().to_owned()))
}

/// The query of `/v1/render`.
#[derive(Deserialize)]
struct RenderQuery {
    format: Option<String>,
    ppi: Option<String>,
}

async fn render(
    State(state): State<Arc<ServerState>>,
    query: Result<Query<RenderQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| ApiError::InvalidParameter("查询参数无法读取".into()))?;
    let output = render_output(&query)?;
    let (_admission, input) = read_input(&state, &headers, body).await?;
    let reply = state.run(&Job { task: Task::Render(output), input }).await?;
    match reply {
        Reply::Pdf(pdf) => Ok(([(header::CONTENT_TYPE, "application/pdf")], pdf).into_response()),
        Reply::Pages(pages) => {
            Ok(([(header::CONTENT_TYPE, "application/zip")], zip_pages(&pages)?).into_response())
        }
        Reply::Checked { document, .. } => Ok(json(StatusCode::UNPROCESSABLE_ENTITY, document)),
        other => Err(unexpected(other)),
    }
}

/// The output a render query asks for: `format=pdf` (default) or `format=png&ppi=N`.
fn render_output(query: &RenderQuery) -> Result<Output, ApiError> {
    match query.format.as_deref().unwrap_or("pdf") {
        "pdf" if query.ppi.is_none() => Ok(Output::Pdf),
        "pdf" => Err(ApiError::InvalidParameter("ppi 只用于 format=png".into())),
        "png" => {
            let ppi = match &query.ppi {
                None => target::DEFAULT_PPI,
                Some(text) => text
                    .parse::<f32>()
                    .ok()
                    .filter(|p| p.is_finite() && (1.0..=target::MAX_PPI).contains(p))
                    .ok_or_else(|| {
                        ApiError::InvalidParameter(format!("ppi 应为 1 到 {} 之间的数", target::MAX_PPI))
                    })?,
            };
            Ok(Output::Png { ppi })
        }
        _ => Err(ApiError::InvalidParameter("format 应为 pdf 或 png".into())),
    }
}

async fn check(
    State(state): State<Arc<ServerState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let (_admission, input) = read_input(&state, &headers, body).await?;
    match state.run(&Job { task: Task::Check, input }).await? {
        Reply::Checked { document, .. } => Ok(json(StatusCode::OK, document)),
        other => Err(unexpected(other)),
    }
}

/// The query of `/v1/next`.
#[derive(Deserialize)]
struct NextQuery {
    audit_date: Option<String>,
}

async fn next(
    State(state): State<Arc<ServerState>>,
    query: Result<Query<NextQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| ApiError::InvalidParameter("查询参数无法读取".into()))?;
    let (_admission, input) = read_input(&state, &headers, body).await?;
    match state.run(&Job { task: Task::Next { audit_date: query.audit_date }, input }).await? {
        Reply::Next { name, yaml } => {
            let mut response =
                ([(header::CONTENT_TYPE, "application/yaml; charset=utf-8")], yaml).into_response();
            // Only a plain name goes into the header; the record's text says it anyway.
            if name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
                && let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            {
                response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
            }
            Ok(response)
        }
        Reply::Checked { document, .. } => Ok(json(StatusCode::UNPROCESSABLE_ENTITY, document)),
        other => Err(unexpected(other)),
    }
}

/// Admits the request ([`super::Pool::admit`]), then reads its body, within the limits the
/// layers set, as its input. A request refused is read to its end all the same, without
/// keeping it (so that its client, still sending, gets to read the 429).
async fn read_input(
    state: &ServerState,
    headers: &HeaderMap,
    body: Body,
) -> Result<(super::pool::Admission, Input), ApiError> {
    let admission = match state.pool.admit() {
        Ok(admission) => admission,
        Err(busy) => {
            let mut stream = body.into_data_stream();
            while let Some(Ok(_)) = futures_util::StreamExt::next(&mut stream).await {}
            return Err(busy.into());
        }
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.map_err(ApiError::from_body)?;
    let input = input::parse(content_type, bytes).await?;
    if matches!(input, Input::Path(_)) && state.config.root.is_none() {
        return Err(ApiError::NoRoot);
    }
    Ok((admission, input))
}

/// The pages as a ZIP: `page-1.png` … (stored, not compressed again: PNG already is).
fn zip_pages(pages: &[Vec<u8>]) -> Result<Vec<u8>, ApiError> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, page) in target::page_paths("page-{0p}.png", pages.len()).iter().zip(pages) {
        let fail = |e: &dyn std::fmt::Display| ApiError::Internal(format!("无法写入 ZIP：{e}"));
        zip.start_file(name.display().to_string(), options).map_err(|e| fail(&e))?;
        zip.write_all(page).map_err(|e| fail(&e))?;
    }
    zip.finish()
        .map(std::io::Cursor::into_inner)
        .map_err(|e| ApiError::Internal(format!("无法写入 ZIP：{e}")))
}

/// A reply a route never asks for.
fn unexpected(reply: Reply) -> ApiError {
    match reply {
        Reply::Failed(failure) => failure.into(),
        _ => ApiError::Internal("工作进程的回应与请求不符".into()),
    }
}

/// A JSON response.
fn json(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}
