//! The editor's routes: the embedded page and its JSON API (see the module above). Every
//! error is answered here, in one place, as JSON `{code, message}` with its HTTP status.

use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use typst_layout::PagedDocument;

use super::error::ApiError;
use super::{Editor, Preview, yaml};
use crate::load::Source;
use crate::model::record::AuditType;
use crate::model::schema::Kind;
use crate::report::RenderError;
use crate::report::Tagging;
use crate::rules::pipeline::{self, CheckResult};

/// The page and its script and style, embedded in the binary.
const PAGE: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/editor.js");
const STYLE: &str = include_str!("assets/editor.css");

/// Nothing but this server: no script, style, image or connection from anywhere else.
const POLICY: &str = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; \
                      connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The preview's pages: compact SVG, bounded to the page.
const SVG: typst_svg::SvgOptions = typst_svg::SvgOptions { render_bleed: false, pretty: false };

pub(super) fn router<S: Clone + Send + Sync + 'static>(editor: Arc<Editor>) -> axum::Router<S> {
    let base = editor.base();
    let at = |tail: &str| format!("{base}{tail}");
    axum::Router::new()
        .route(&base, get(|| async { asset(PAGE, "text/html; charset=utf-8") }))
        .route(&at("editor.js"), get(|| async { asset(SCRIPT, "text/javascript; charset=utf-8") }))
        .route(&at("editor.css"), get(|| async { asset(STYLE, "text/css; charset=utf-8") }))
        .route(&at("api/schema"), get(|| async { Json(Kind::Record.schema().clone()) }))
        .route(&at("api/scheme"), get(|| async { Json(json!(&*crate::model::scheme::Scheme::builtin())) }))
        .route(&at("api/session"), get(session))
        .route(&at("api/open"), get(open))
        .route(&at("api/update"), post(update))
        .route(&at("api/pdf"), get(pdf))
        .route(&at("api/save"), post(save))
        .route(&at("api/folder"), get(folder))
        .route(&at("api/new"), post(new_record))
        .route(&at("api/new-profile"), post(new_profile))
        .route(&at("api/next"), post(next_records))
        .route(&at("api/render-all"), post(render_all).get(render_progress))
        .route(&at("api/summary"), get(summary))
        .with_state(editor)
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CONTENT_SECURITY_POLICY, POLICY),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

type ApiResult = Result<Response, ApiError>;

/// Whether a file name is a record's: `.yaml` or `.yml`.
pub(super) fn is_record_name(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

impl Editor {
    /// A record path of the API (relative to the root, no `..`, no link out of it) as a file.
    fn record_file(&self, path: &str) -> Result<PathBuf, ApiError> {
        let bad = || ApiError::BadPath(path.to_owned());
        let relative = Path::new(path);
        if !is_record_name(path) || !relative.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(bad());
        }
        let file = self.root.join(relative);
        if let Ok(real) = file.canonicalize()
            && !self.root.canonicalize().is_ok_and(|root| real.starts_with(root))
        {
            return Err(bad());
        }
        Ok(file)
    }

    /// Loads, validates and scores a record's text as if it were the file at `file`, with the
    /// editor's fonts.
    fn check_text(&self, file: &Path, text: String) -> CheckResult {
        pipeline::check_source_with_fonts(Source::new(file.to_owned(), text), self.engine.book())
    }
}

/// The check document of `check --format json` for one record, as JSON.
fn check_document(path: &str, result: &CheckResult) -> Value {
    let text = crate::rules::check::to_json([(Path::new(path), result)]);
    let document: Value = serde_json::from_str(&text).expect("the check document is JSON");
    document["records"][0].clone()
}

/// A file's version: a hash of its bytes, to tell whether it changed since it was opened.
fn version(bytes: &[u8]) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("{:016x}-{}", hasher.finish(), bytes.len())
}

/// Whether a record's text has comments of its own (besides the schema line) that a save,
/// which writes the YAML anew, would drop. A `#` inside a text may count too: then the
/// staffer is asked once for nothing.
fn has_comments(text: &str) -> bool {
    text.lines()
        .filter(|line| !line.trim_start().starts_with("# yaml-language-server:"))
        .any(|line| line.trim_start().starts_with('#') || line.contains(" #"))
}

async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work).await.expect("an editor task panicked")
}

async fn session(State(editor): State<Arc<Editor>>) -> Json<Value> {
    Json(json!({ "record": editor.start, "folder": editor.root.to_string_lossy() }))
}

#[derive(Deserialize)]
struct PathQuery {
    path: String,
}

async fn open(State(editor): State<Arc<Editor>>, Query(query): Query<PathQuery>) -> ApiResult {
    let file = editor.record_file(&query.path)?;
    let source =
        Source::read(&file).map_err(|d| ApiError::Unreadable { path: query.path.clone(), why: d.message })?;
    let version = version(source.text.as_bytes());
    let tree = source.tree().ok();
    let text = source.text;
    let path = query.path.clone();
    let check = {
        let editor = editor.clone();
        let text = text.clone();
        blocking(move || check_document(&path, &editor.check_text(&file, text))).await
    };
    Ok(Json(json!({
        "path": query.path,
        "text": text,
        "record": tree,
        "version": version,
        "comments": has_comments(&text),
        "check": check,
    }))
    .into_response())
}

#[derive(Deserialize)]
struct StateBody {
    path: String,
    /// The form's state: the record as JSON.
    record: Value,
    /// The pages the page shows already, by id: only the others are sent.
    #[serde(default)]
    have: Vec<String>,
}

impl Editor {
    /// The document's pages for the preview, each `{id, svg}` with its id (a hash of the page)
    /// and, unless the browser has it (`have`), its SVG. A page that did not change is not
    /// drawn again: its SVG is kept from the last preview.
    fn pages(&self, document: &PagedDocument, have: &[String]) -> Vec<Value> {
        let mut cache = self.svg_pages.lock().expect("pages");
        let mut kept = std::collections::HashMap::new();
        let pages = document
            .pages()
            .iter()
            .map(|page| {
                let id = format!("{:032x}", typst::utils::hash128(page));
                let svg = cache.remove(&id).unwrap_or_else(|| Arc::from(typst_svg::svg(page, &SVG)));
                let sent = (!have.contains(&id)).then(|| svg.to_string());
                kept.insert(id.clone(), svg);
                json!({ "id": id, "svg": sent })
            })
            .collect();
        *cache = kept;
        pages
    }
}

/// The YAML a save of `state` writes into `file`: the schema line the file has, else the one
/// `init` would write.
fn yaml_for(file: &Path, state: &Value) -> String {
    let existing = std::fs::read_to_string(file).ok();
    let schema_path = existing
        .as_deref()
        .and_then(crate::model::schema::modeline_target)
        .map(str::to_owned)
        .unwrap_or_else(|| crate::app::init::schema_path(file.parent().unwrap_or(Path::new("."))));
    yaml::record_yaml(state, &schema_path)
}

async fn update(State(editor): State<Arc<Editor>>, Json(body): Json<StateBody>) -> ApiResult {
    let file = editor.record_file(&body.path)?;
    let _turn = editor.typesetting.lock().await;
    let worker = editor.clone();
    let answer = blocking(move || {
        let text = yaml_for(&file, &body.record);
        let result = worker.check_text(&file, text.clone());
        let check = check_document(&body.path, &result);
        let pages = match &result {
            Ok(checked) if !checked.has_errors() => {
                let view = checked.view();
                let typeset = worker
                    .engine
                    .template_for(&checked.loaded)
                    .map_err(RenderError::from)
                    .and_then(|template| worker.engine.typeset_report(&template, &view))
                    .map_err(|why| why.to_string());
                match typeset {
                    Ok(typeset) => {
                        let document = typeset.document;
                        let pages = worker.pages(&document, &body.have);
                        let preview = Preview {
                            document,
                            ident: view.head.project_number.clone(),
                            date: view.meta.report_date,
                        };
                        worker.previews.lock().expect("previews").insert(body.path.clone(), preview);
                        Ok(Some(pages))
                    }
                    Err(why) => Err(why),
                }
            }
            _ => Ok(None),
        };
        match pages {
            Ok(pages) => json!({ "yaml": text, "check": check, "pages": pages }),
            Err(why) => json!({ "yaml": text, "check": check, "pages": null, "render_error": why }),
        }
    })
    .await;
    Ok(Json(answer).into_response())
}

async fn pdf(State(editor): State<Arc<Editor>>, Query(query): Query<PathQuery>) -> ApiResult {
    let worker = editor.clone();
    let bytes = blocking(move || {
        let previews = worker.previews.lock().expect("previews");
        let preview = previews.get(&query.path).ok_or(ApiError::NoPreview)?;
        worker
            .engine
            .export(&preview.document, &preview.ident, preview.date, Tagging::Tagged)
            .map_err(ApiError::ExportFailed)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response())
}

#[derive(Deserialize)]
struct SaveBody {
    path: String,
    record: Value,
    /// The version the form was opened from (`None` for a file that did not exist).
    version: Option<String>,
    /// The staffer agreed that the file's comments are dropped (the previous version is kept).
    #[serde(default)]
    drop_comments: bool,
}

async fn save(State(editor): State<Arc<Editor>>, Json(body): Json<SaveBody>) -> ApiResult {
    let file = editor.record_file(&body.path)?;
    let worker = editor.clone();
    blocking(move || {
        let current = std::fs::read(&file).ok();
        if current.as_deref().map(version) != body.version {
            return Err(ApiError::ChangedOnDisk(body.path));
        }
        let mut dropped = worker.comments_dropped.lock().expect("comments");
        let text = current.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
        if has_comments(&text) && !dropped.contains(&body.path) {
            if !body.drop_comments {
                return Err(ApiError::CommentsWouldBeLost(body.path));
            }
            let kept = file.with_file_name(format!(
                "{}.orig",
                file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
            ));
            crate::base::output::write_atomic(&kept, text.as_bytes()).map_err(ApiError::KeepPrevious)?;
            dropped.push(body.path.clone());
        }
        let yaml = yaml_for(&file, &body.record);
        // The files the record names are inputs: a save never replaces its profile.
        let referenced = match worker.check_text(&file, yaml.clone()) {
            Ok(checked) => checked.referenced_files(),
            Err(_) => Vec::new(),
        };
        let inputs: Vec<&Path> = referenced.iter().map(PathBuf::as_path).collect();
        crate::base::output::write_guarded(&file, yaml.as_bytes(), &inputs, crate::base::output::Kind::Yaml)
            .map_err(|e| ApiError::NotWritten(e.to_string()))?;
        Ok(Json(json!({ "saved": true, "version": version(yaml.as_bytes()), "yaml": yaml })).into_response())
    })
    .await
}

async fn folder(State(editor): State<Arc<Editor>>) -> ApiResult {
    let worker = editor.clone();
    let rows = blocking(move || {
        let found = crate::base::files::find(&worker.root, &["yaml", "yml"]);
        let mut rows = Vec::new();
        for file in found.files {
            let Ok(relative) = file.strip_prefix(&worker.root) else { continue };
            let path = relative.to_string_lossy().into_owned();
            // Read once: profiles, schemes and templates' manifests are not records; a file
            // that cannot be read is listed with why, as `check` tells it.
            let result = match Source::read(&file) {
                Ok(source) if crate::load::text_kind(&source.text) != crate::load::FileKind::Record => {
                    continue;
                }
                Ok(source) => pipeline::check_source_with_fonts(source, worker.engine.book()),
                Err(unreadable) => Err(crate::load::LoadError::Unreadable(unreadable)),
            };
            let mut row = folder_row(&path, &result);
            if result.is_err() {
                row["client"] = json!(crate::load::readable_names(&file).client);
            }
            rows.push(row);
        }
        rows.sort_by(|a, b| a["path"].as_str().cmp(&b["path"].as_str()));
        rows
    })
    .await;
    let summary = editor.root.join(REPORTS).join(SUMMARY).is_file();
    let profile = editor.root.join(crate::app::init::DEFAULT_PROFILE).exists();
    Ok(Json(json!({ "records": rows, "summary": summary, "profile": profile })).into_response())
}

/// One record of the folder list: client, audit type, dates, score, level, status.
fn folder_row(path: &str, result: &CheckResult) -> Value {
    let document = check_document(path, result);
    let mut row = json!({ "path": path, "errors": document["errors"], "warnings": document["warnings"] });
    if let Ok(checked) = result {
        let record = &checked.loaded.record;
        let scheme = &checked.loaded.scheme;
        row["client"] = json!(record.client.name);
        row["audit_type"] = json!(record.audit_type.label());
        row["start"] = json!(record.audit.start.date.to_string());
        row["end"] = json!(record.audit.end.date.to_string());
        row["score"] = json!(checked.sheet.total.map(crate::base::format::points));
        row["level"] = json!(checked.sheet.level().map(|l| scheme.levels[l].name.clone()));
    }
    row
}

#[derive(Deserialize)]
struct NewBody {
    name: String,
    audit_type: AuditType,
}

async fn new_record(State(editor): State<Arc<Editor>>, Json(body): Json<NewBody>) -> ApiResult {
    let file = editor.record_file(&body.name)?;
    crate::app::init::write_starter(&file, body.audit_type, None)
        .map_err(|e| ApiError::NotWritten(e.to_string()))?;
    Ok(Json(json!({ "path": body.name })).into_response())
}

/// The folder's CB profile (`cb-profile.yaml`, which new records name) from the four lines
/// every report prints: checked as `check` checks a profile before it is written, never over
/// an existing file. Its other options (logo, house style) stay commented examples.
async fn new_profile(
    State(editor): State<Arc<Editor>>,
    Json(basics): Json<crate::app::init::ProfileBasics>,
) -> ApiResult {
    let file = editor.root.join(crate::app::init::DEFAULT_PROFILE);
    blocking(move || {
        let text = crate::app::init::profile_starter("", Some(&basics));
        let problems = crate::load::check_profile(&Source::new(file.clone(), text));
        if !problems.is_empty() {
            return Err(ApiError::InvalidProfile(problems.iter().map(|d| d.message.clone()).collect()));
        }
        crate::app::init::write_profile_starter(&file, Some(&basics))
            .map_err(|e| ApiError::NotWritten(e.to_string()))?;
        Ok(Json(json!({ "path": crate::app::init::DEFAULT_PROFILE })).into_response())
    })
    .await
}

#[derive(Deserialize)]
struct NextBody {
    paths: Vec<String>,
}

/// `certreport next` for each record chosen: next year's record beside it, never over a file.
async fn next_records(State(editor): State<Arc<Editor>>, Json(body): Json<NextBody>) -> ApiResult {
    let worker = editor.clone();
    let results = blocking(move || {
        body.paths
            .iter()
            .map(|path| {
                let written = worker.record_file(path).map_err(|e| e.to_string()).and_then(|file| {
                    crate::rules::cycle::next_record_file(&file, None, None).map_err(|e| match e {
                        crate::rules::cycle::NextError::Load(error) => error
                            .diagnostics()
                            .first()
                            .map_or_else(|| "无法读取记录".to_owned(), |d| d.message.clone()),
                        crate::rules::cycle::NextError::Usage(why) => why,
                    })
                });
                match written {
                    Ok(written) => {
                        let made = written.path.strip_prefix(&worker.root).unwrap_or(&written.path);
                        json!({ "path": path, "written": made.to_string_lossy(), "review": written.review })
                    }
                    Err(why) => json!({ "path": path, "error": why }),
                }
            })
            .collect::<Vec<_>>()
    })
    .await;
    Ok(Json(json!({ "results": results })).into_response())
}

/// The folder the batch of 全部生成报告 writes, in the editor's folder: the 汇总表 and
/// `reports/`, as `certreport batch FOLDER --out-dir FOLDER/报告` does.
const REPORTS: &str = "报告";

/// The batch's 汇总表 in [`REPORTS`].
const SUMMARY: &str = "summary.pdf";

/// What the batch of the folder's reports has done so far.
#[derive(Default)]
pub(super) struct BatchProgress {
    running: bool,
    done: usize,
    total: usize,
    /// One per record done: its summary row, with its status in Chinese.
    rows: Vec<Value>,
    warnings: Vec<String>,
    /// When it ended: how many succeeded and failed, or why it could not run.
    outcome: Option<Result<Value, String>>,
}

impl BatchProgress {
    fn to_json(&self) -> Value {
        let (summary, error) = match &self.outcome {
            Some(Ok(summary)) => (summary.clone(), Value::Null),
            Some(Err(why)) => (Value::Null, json!(why)),
            None => (Value::Null, Value::Null),
        };
        json!({
            "running": self.running, "done": self.done, "total": self.total, "rows": self.rows,
            "warnings": self.warnings, "summary": summary, "error": error,
        })
    }
}

/// Starts the batch of every record of the folder (unless one runs): `certreport batch` with
/// its manifest, so unchanged reports are not rendered again.
async fn render_all(State(editor): State<Arc<Editor>>) -> ApiResult {
    {
        let mut progress = editor.batch.lock().expect("batch");
        if progress.running {
            return Ok(Json(progress.to_json()).into_response());
        }
        *progress = BatchProgress { running: true, ..BatchProgress::default() };
    }
    let worker = editor.clone();
    tokio::task::spawn_blocking(move || {
        let options = crate::app::batch::Options {
            out_dir: worker.root.join(REPORTS),
            jobs: None,
            check_only: false,
            force: false,
            font_dirs: worker.font_dirs.clone(),
            pdf_standard: crate::report::DEFAULT_PDF_STANDARD,
            template: None,
            watchdog: None,
        };
        let progress = &worker.batch;
        let events = |event: crate::app::batch::Event| {
            let mut progress = progress.lock().expect("batch");
            match event {
                crate::app::batch::Event::Planned { records, .. } => progress.total = records,
                crate::app::batch::Event::Record { done, total, row } => {
                    (progress.done, progress.total) = (done, total);
                    let status = row.status;
                    let file = Path::new(&row.file).strip_prefix(&worker.root).map(Path::to_owned);
                    let mut row = json!(row);
                    if let Ok(file) = file {
                        row["file"] = json!(file.to_string_lossy());
                    }
                    row["status_label"] = json!(status.map(crate::app::batch::Status::label));
                    row["succeeded"] = json!(status.is_some_and(crate::app::batch::Status::succeeded));
                    progress.rows.push(row);
                }
                crate::app::batch::Event::Superseded(moved) => progress.warnings.push(moved.to_string()),
                crate::app::batch::Event::Warning(warning) => progress.warnings.push(warning.to_string()),
            }
        };
        let outcome = crate::app::batch::run(std::slice::from_ref(&worker.root), &options, &events);
        let mut progress = progress.lock().expect("batch");
        progress.running = false;
        progress.outcome = Some(match outcome {
            Ok(summary) => Ok(json!({
                "succeeded": summary.succeeded, "failed": summary.failed, "unchanged": summary.unchanged,
                "total": summary.total, "file": format!("{REPORTS}/{SUMMARY}"),
            })),
            Err(why) => Err(why.to_string()),
        });
    });
    Ok(Json(editor.batch.lock().expect("batch").to_json()).into_response())
}

async fn render_progress(State(editor): State<Arc<Editor>>) -> Json<Value> {
    Json(editor.batch.lock().expect("batch").to_json())
}

/// The 汇总表 the last batch wrote.
async fn summary(State(editor): State<Arc<Editor>>) -> ApiResult {
    let file = editor.root.join(REPORTS).join(SUMMARY);
    let bytes = blocking(move || std::fs::read(file)).await.map_err(|_| ApiError::NoSummary)?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_of_the_file_are_told_but_not_the_schema_line() {
        assert!(!has_comments("# yaml-language-server: $schema=s.json\nprofile: p.yaml\n"));
        assert!(has_comments("# yaml-language-server: $schema=s.json\n# 1.1\nprofile: p.yaml\n"));
        assert!(has_comments("profile: p.yaml # 档案\n"));
    }

    #[test]
    fn only_records_inside_the_folder_are_paths_of_the_api() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("r.yaml"), "").unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("out.yaml")).unwrap();
        let editor = Editor::new(dir.path(), &[]).unwrap();
        assert!(editor.record_file("r.yaml").is_ok());
        assert!(editor.record_file("sub/new.yaml").is_ok());
        for bad in ["../r.yaml", "/etc/r.yaml", "r.pdf", "./r.yaml", "out.yaml"] {
            assert_eq!(editor.record_file(bad).err().map(|e| e.code()), Some("bad-path"), "{bad}");
        }
    }
}
