//! `certreport edit [RECORD.yaml | FOLDER]`: the browser editor for report staff who do not
//! write YAML (在浏览器里写审查记录).
//!
//! A loopback HTTP server serves one page (every asset embedded in the binary, nothing from
//! the network) under `/edit/<token>/`: the random token in the address, as Jupyter does,
//! keeps other local users and other web pages out. The page builds its form from the record's
//! JSON Schema, so the form cannot drift from the types; this module answers its JSON API:
//!
//! - `GET  api/session` — what was opened (a record or a folder);
//! - `GET  api/open?path=` — a record: its text, its YAML as JSON, a version, its check;
//! - `POST api/update` — a form state: the YAML a save would write, the same check document
//!   `check --format json` gives (diagnostics carry YAML paths the form maps to its fields),
//!   and, when the record has no errors, the preview's pages as SVG;
//! - `GET  api/pdf?path=` — the PDF of the last good preview (the bytes `render` writes);
//! - `POST api/save` — writes the YAML atomically through the output guard; refused when the
//!   file changed on disk since it was opened, and, before the first save that would drop the
//!   file's comments, answered with a warning (the previous version is then kept as `.orig`);
//! - `GET  api/folder` — the folder's records with client, type, dates, score, level, status;
//! - `POST api/new` — a new record from `init`'s starter;
//! - `POST api/new-profile` — the folder's `cb-profile.yaml` from its four required lines
//!   (a folder without one cannot render: the staffer writes it here, not in YAML);
//! - `POST api/next` — next year's records of the records chosen (`certreport next`);
//! - `POST api/render-all` starts the batch of the folder's reports into `报告/`
//!   (`certreport batch FOLDER --out-dir FOLDER/报告`), `GET api/render-all` tells its
//!   progress, `GET api/summary` gives its 汇总表 (`报告/summary.pdf`).
//!
//! Typesetting runs on blocking threads, one document at a time (the machine has few cores and
//! a preview replaced by a newer one is not worth finishing first).

mod api;
mod error;
mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use typst_layout::PagedDocument;

use crate::app::serve;
use crate::report::Engine;

/// The prefix of the editor's routes; the token is the next segment of the path.
const PATH_PREFIX: &str = "/edit/";

/// What `certreport edit` was given.
pub struct Options {
    /// A record file or a folder of records.
    pub target: PathBuf,
    pub font_dirs: Vec<PathBuf>,
    /// Open the default browser (otherwise only print the address).
    pub open_browser: bool,
    /// The loopback port; 0 picks a free one.
    pub port: u16,
    /// The program the server's workers run (this binary).
    pub program: PathBuf,
}

/// Why the editor could not start.
#[derive(Debug)]
pub enum EditError {
    /// Neither a record file nor a folder.
    Target(PathBuf),
    Fonts(String),
    /// The server could not start or stopped with an error.
    Serve(String),
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::Target(path) => {
                write!(f, "{} 既不是 .yaml 记录文件，也不是文件夹", crate::base::diagnostic::shown(path))
            }
            EditError::Fonts(why) => f.write_str(why),
            EditError::Serve(why) => write!(f, "编辑器的服务出错：{why}"),
        }
    }
}

/// The last good preview of one record: what the PDF button exports.
struct Preview {
    document: PagedDocument,
    ident: String,
    date: crate::base::date::Date,
}

/// The editor's state, shared by the requests.
pub struct Editor {
    /// The folder every path of the API is relative to (a record's own folder).
    root: PathBuf,
    /// The record opened first, relative to `root`; `None` for a folder.
    start: Option<String>,
    token: String,
    engine: Engine,
    previews: Mutex<HashMap<String, Preview>>,
    /// The SVG of the last preview's pages, by page id.
    svg_pages: Mutex<HashMap<String, Arc<str>>>,
    /// Records whose comments the staffer agreed to lose, with the previous version kept.
    comments_dropped: Mutex<Vec<String>>,
    /// One typesetting at a time.
    typesetting: tokio::sync::Mutex<()>,
    /// The font folders given, for the batch of 全部生成报告.
    font_dirs: Vec<PathBuf>,
    /// The last (or running) batch of the folder's reports.
    batch: Arc<Mutex<api::BatchProgress>>,
}

impl Editor {
    /// The editor of a record file or folder.
    pub fn new(target: &Path, font_dirs: &[PathBuf]) -> Result<Editor, EditError> {
        let target = crate::base::files::absolute(target);
        let (root, start) = if target.is_dir() {
            (target, None)
        } else if target.is_file() && api::is_record_name(&target.to_string_lossy()) {
            let name = target.file_name().map(|n| n.to_string_lossy().into_owned());
            (target.parent().unwrap_or(Path::new("/")).to_owned(), name)
        } else {
            return Err(EditError::Target(target));
        };
        let engine = Engine::new(font_dirs).map_err(EditError::Fonts)?;
        Ok(Editor {
            root,
            start,
            token: new_token(),
            engine,
            previews: Mutex::new(HashMap::new()),
            svg_pages: Mutex::new(HashMap::new()),
            comments_dropped: Mutex::new(Vec::new()),
            typesetting: tokio::sync::Mutex::new(()),
            font_dirs: font_dirs.to_vec(),
            batch: Arc::default(),
        })
    }

    /// The path under which the page and its API are served: `/edit/<token>/`.
    pub fn base(&self) -> String {
        format!("{PATH_PREFIX}{}/", self.token)
    }

    /// The editor's routes (under [`Editor::base`]).
    pub fn router<S: Clone + Send + Sync + 'static>(self: Arc<Self>) -> axum::Router<S> {
        api::router(self)
    }
}

/// 32 random hex digits.
fn new_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system's random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs the editor until the process is stopped: the server of `certreport serve` on loopback
/// (its API, workers, limits, request ids and log lines), with the editor's routes added under
/// `/edit/<token>/` and the editor's token required of every other route too. `ready` is
/// called with the page's address once the server listens (the CLI prints it).
pub fn run(options: &Options, ready: impl FnOnce(&str) + Send + 'static) -> Result<(), EditError> {
    let editor = Arc::new(Editor::new(&options.target, &options.font_dirs)?);
    let listen = std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, options.port));
    let mut config = serve::Config::local(listen, 1, options.program.clone());
    config.font_dirs.clone_from(&options.font_dirs);
    config.root = Some(editor.root.clone());
    config.token = Some(editor.token.clone());
    config.token_in_path = Some(PATH_PREFIX);
    let open_browser = options.open_browser;
    let base = editor.base();
    serve::run_with(
        config,
        move |_| editor.router(),
        move |address| {
            let address = format!("http://{address}{base}");
            ready(&address);
            if open_browser {
                // No browser (a server without a desktop) is fine: the address is printed.
                let _ = open::that_detached(&address);
            }
        },
    )
    .map_err(EditError::Serve)
}
