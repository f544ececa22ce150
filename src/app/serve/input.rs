//! A request's input: the record and the files it names, uploaded as `multipart/form-data`,
//! or `{"path": "…"}` naming a record under `--root` (`application/json`).
//!
//! Multipart parts:
//! - `record` (required, once): the record's YAML. Its file name (`filename=` of the part)
//!   is the record's name in diagnostics and the folder its references are taken from
//!   (default `record.yaml`).
//! - any other part is a file the record may name. The file a record names in `profile`,
//!   `previous` or `scheme` is the part named like that field (`-F profile=@cb-profile.yaml`),
//!   else the part whose file name is the name written (`profile: profiles/reference.yaml`),
//!   else the part whose file name is the last component of the name written (what a browser
//!   or curl sends as a file name). A file the record names that was not sent is reported at
//!   its field, as a missing file is by the command line.
//!
//! Nothing is written to disk: the parts stay in memory and reach the loader through
//! [`Uploads`], a [`Files`] of the loader, so that the same rules as for files on disk apply
//! (only `.yaml` / `.yml` names, at most [`MAX_FILE_BYTES`], UTF-8). [`parse`] is also what the
//! fuzz target drives.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use axum::body::Bytes;
use serde::{Deserialize, Serialize};

use crate::load::{Files, MAX_FILE_BYTES, Source};

/// Why a request's body is not a record to work on; each becomes its status in
/// [`super::error`] (`From<InputError> for ApiError`), the one place for statuses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputError {
    /// The multipart body could not be read as multipart.
    MalformedMultipart(String),
    /// The JSON body is not `{"path": "…"}`.
    MalformedJson(String),
    /// No `record` part.
    MissingRecord,
    /// Two parts for the same file.
    DuplicatePart(String),
    /// More parts than a record can name.
    TooManyParts(usize),
    /// One file in the body is over the limit.
    PartTooLarge(String),
    /// Neither `multipart/form-data` nor `application/json`.
    UnsupportedMediaType,
}

/// How many parts a request may have: the record, its profile, previous record and scheme,
/// and a few more a client sends along.
pub const MAX_PARTS: usize = 8;

/// The record's name when its part gives none.
pub const DEFAULT_RECORD_NAME: &str = "record.yaml";

/// What a request asks about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Input {
    /// Uploaded files.
    Upload(Upload),
    /// A record's path under `--root`, as the request wrote it.
    Path(String),
}

/// The parts of a multipart request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    pub record: Part,
    pub files: Vec<Part>,
}

/// One part: its form name, its file name, its bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

impl Upload {
    /// The record's name: its part's file name, or [`DEFAULT_RECORD_NAME`].
    pub fn record_file(&self) -> PathBuf {
        PathBuf::from(
            self.record.file_name.as_deref().filter(|n| !n.is_empty()).unwrap_or(DEFAULT_RECORD_NAME),
        )
    }
}

/// The JSON form of a request.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathRequest {
    path: String,
}

/// Reads a request body by its `Content-Type`.
pub async fn parse(content_type: Option<&str>, body: Bytes) -> Result<Input, InputError> {
    let content_type = content_type.unwrap_or_default();
    let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match mime.as_str() {
        "multipart/form-data" => parse_multipart(content_type, body).await.map(Input::Upload),
        "application/json" => {
            let request: PathRequest =
                serde_json::from_slice(&body).map_err(|e| InputError::MalformedJson(e.to_string()))?;
            Ok(Input::Path(request.path))
        }
        _ => Err(InputError::UnsupportedMediaType),
    }
}

async fn parse_multipart(content_type: &str, body: Bytes) -> Result<Upload, InputError> {
    let boundary = multer::parse_boundary(content_type).map_err(|e| malformed(&e))?;
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().per_field(MAX_FILE_BYTES));
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let (mut record, mut files, mut keys) = (None, Vec::new(), HashSet::new());
    let mut count = 0;
    while let Some(field) = multipart.next_field().await.map_err(|e| malformed(&e))? {
        count += 1;
        if count > MAX_PARTS {
            return Err(InputError::TooManyParts(MAX_PARTS));
        }
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        if name.is_empty() {
            return Err(InputError::MalformedMultipart(
                "有一个部分没有名字（Content-Disposition 的 name）".into(),
            ));
        }
        let bytes = field.bytes().await.map_err(|e| malformed(&e))?.to_vec();
        let part = Part { name, file_name, bytes };
        if part.name == "record" {
            if record.replace(part).is_some() {
                return Err(InputError::DuplicatePart("record".into()));
            }
            continue;
        }
        let key = if FIELDS.contains(&part.name.as_str()) {
            part.name.clone()
        } else {
            part.file_name.clone().unwrap_or_else(|| part.name.clone())
        };
        if !keys.insert(key.clone()) {
            return Err(InputError::DuplicatePart(key));
        }
        files.push(part);
    }
    let record = record.ok_or(InputError::MissingRecord)?;
    Ok(Upload { record, files })
}

/// The record fields that name files.
const FIELDS: [&str; 3] = ["profile", "previous", "scheme"];

/// multer's complaint, as the request's error.
fn malformed(error: &multer::Error) -> InputError {
    match error {
        multer::Error::FieldSizeExceeded { field_name, .. } => InputError::PartTooLarge(format!(
            "部分“{}”超过 {} MiB（一个文件的上限）",
            field_name.as_deref().unwrap_or_default(),
            MAX_FILE_BYTES >> 20
        )),
        multer::Error::NoBoundary => InputError::MalformedMultipart("Content-Type 中缺少 boundary".into()),
        multer::Error::IncompleteStream | multer::Error::IncompleteFieldData { .. } => {
            InputError::MalformedMultipart("请求体不完整（缺少结尾的分隔行）".into())
        }
        multer::Error::IncompleteHeaders | multer::Error::ReadHeaderFailed(_) => {
            InputError::MalformedMultipart("某个部分的头部无法读取".into())
        }
        other => InputError::MalformedMultipart(format!("{other}")),
    }
}

/// The uploaded files, as the loader reads the files a record names.
pub struct Uploads {
    files: Vec<Part>,
}

impl Uploads {
    pub fn new(upload: Upload) -> Uploads {
        Uploads { files: upload.files }
    }

    /// The part holding the file that `field` names as `name` (see the module's rules).
    fn find(&self, field: &str, name: &str) -> Option<&Part> {
        let last = Path::new(name).file_name().and_then(|n| n.to_str());
        self.files
            .iter()
            .find(|part| part.name == field)
            .or_else(|| self.files.iter().find(|part| part.file_name.as_deref() == Some(name)))
            .or_else(|| self.files.iter().find(|part| last.is_some() && part.file_name.as_deref() == last))
    }
}

impl Files for Uploads {
    fn read(&self, field: &str, name: &str, file: &Path) -> Result<Source, String> {
        let part = self.find(field, name).ok_or_else(|| {
            format!("未随请求上传：请以名为 {field} 的部分（或文件名为此名的部分）一同上传")
        })?;
        Source::from_bytes(file.to_owned(), part.bytes.clone()).map_err(|d| d.message)
    }

    fn read_image(
        &self,
        name: &str,
        _file: &Path,
        _same_kind: &dyn Fn(&Path) -> bool,
    ) -> Result<Vec<u8>, String> {
        let part = self
            .find("logo", name)
            .ok_or_else(|| "未随请求上传：请以名为 logo 的部分（或文件名为此名的部分）一同上传".to_owned())?;
        Ok(part.bytes.clone())
    }

    fn template_folder(&self, _folder: &Path) -> Result<(), String> {
        Err(crate::load::NO_TEMPLATE_FROM_REQUESTS.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[(&str, Option<&str>, &str)]) -> (String, Bytes) {
        let mut text = String::new();
        for (name, file, content) in parts {
            let file = file.map(|f| format!("; filename=\"{f}\"")).unwrap_or_default();
            text.push_str(&format!(
                "--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n{content}\r\n"
            ));
        }
        text.push_str("--XyZ--\r\n");
        ("multipart/form-data; boundary=XyZ".into(), Bytes::from(text))
    }

    fn run<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
    }

    #[test]
    fn parts_are_found_by_field_then_by_name() {
        let (ct, b) = body(&[
            ("record", Some("r.yaml"), "a: 1"),
            ("profile", Some("cb.yaml"), "p"),
            ("file", Some("reference.yaml"), "q"),
        ]);
        let Input::Upload(upload) = run(parse(Some(&ct), b)).unwrap() else { panic!("an upload") };
        assert_eq!(upload.record_file(), PathBuf::from("r.yaml"));
        let uploads = Uploads::new(upload);
        assert_eq!(uploads.find("profile", "x/y.yaml").unwrap().bytes, b"p");
        assert_eq!(uploads.find("previous", "profiles/reference.yaml").unwrap().bytes, b"q");
        assert!(uploads.find("scheme", "s.yaml").is_none());
    }

    #[test]
    fn a_request_without_its_record_or_with_a_part_twice_is_refused() {
        let (ct, b) = body(&[("profile", None, "p")]);
        assert_eq!(run(parse(Some(&ct), b)), Err(InputError::MissingRecord));
        let (ct, b) = body(&[("record", None, "a"), ("record", None, "b")]);
        assert_eq!(run(parse(Some(&ct), b)), Err(InputError::DuplicatePart("record".into())));
        let (ct, _) = body(&[]);
        let cut = Bytes::from_static(b"--XyZ\r\nContent-Disposition: form-data; name=\"record\"\r\n\r\nabc");
        assert!(matches!(run(parse(Some(&ct), cut)), Err(InputError::MalformedMultipart(_))));
        assert_eq!(run(parse(Some("text/plain"), Bytes::new())), Err(InputError::UnsupportedMediaType));
        let json = run(parse(Some("application/json"), Bytes::from_static(br#"{"path": "a.yaml"}"#)));
        assert_eq!(json, Ok(Input::Path("a.yaml".into())));
    }
}
