//! `certreport serve`: the render service a CB's own system calls over HTTP.
//!
//! One process holds the HTTP server (axum on tokio); the renders run in worker processes of
//! the same binary ([`worker`], `certreport __worker`), each with the engine loaded once, fed
//! by one bounded queue ([`pool`]), so that a render that runs too long or grows too large is
//! stopped by killing its process, and the server lives on. The routes are in [`routes`],
//! documented in `schemas/openapi.json` ([`openapi`]); every failure becomes its status in
//! [`error`]; [`access`] checks `Host` and the token; [`input`] reads what a request sends.
//!
//! Layers, from the outside in: the request id (`X-Request-Id`, taken from the request when
//! given, else a new UUID; echoed on the response) → the log line (one per request on
//! standard error: method, path, status, bytes, milliseconds, id — never the record's text)
//! → JSON bodies for the bare errors of the layers below → the `Host` and token check → the
//! time limit for receiving the body (408) → the body limit (413) → the route.
//!
//! Stateless: nothing is kept between requests and nothing a request sends is written to
//! disk, so any number of copies behind a load balancer give the same answers.
//!
//! Embedding (the editor adds its routes on this server): [`ServerState::start`] starts the
//! pool, [`router`] makes the router with extra routes that share the state, the layers and
//! the access check, and [`serve`] runs it on a listener until a shutdown signal.

pub mod access;
pub mod error;
pub mod input;
pub mod openapi;
pub mod pool;
pub mod routes;
pub mod worker;

use std::ffi::OsString;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderName;
use axum::middleware::{self, Next};
use axum::response::Response;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;

use crate::report::PdfStandard;
pub use error::ApiError;
pub use pool::{Limits, Pool, PoolError, WorkerCommand};
pub use worker::{Job, Output, Reply, Task};

/// Where the server listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8740";

/// The largest request body `certreport serve` takes unless told otherwise (`--max-body`).
pub const DEFAULT_MAX_BODY: u64 = 20 << 20;
/// How long receiving a body may take unless told otherwise (`--request-timeout`).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long requests in flight may take after a shutdown signal (`--grace`).
pub const DEFAULT_GRACE: Duration = Duration::from_secs(30);

/// Everything the server is started with.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    /// Records may be named by path under this folder.
    pub root: Option<PathBuf>,
    /// The bearer token every route but `/health` requires.
    pub token: Option<String>,
    /// A path prefix under which the token may be given as the path's next segment instead
    /// of a header (the editor's `/edit/`: a browser opening an address sends no header).
    pub token_in_path: Option<&'static str>,
    /// Host names, besides IP addresses and `localhost`, a request's `Host` may give.
    pub allow_hosts: Vec<String>,
    /// How many worker processes render.
    pub jobs: usize,
    pub font_dirs: Vec<PathBuf>,
    pub pdf_standard: PdfStandard,
    /// The template folder of every report; the built-in one when none.
    pub template: Option<PathBuf>,
    pub limits: Limits,
    /// The largest request body, in bytes.
    pub max_body: u64,
    /// How long receiving a request's body may take.
    pub request_timeout: Duration,
    /// How long requests in flight may still take once shutdown is asked for.
    pub grace: Duration,
    /// The program the workers run (this binary).
    pub program: PathBuf,
}

impl Config {
    /// A server on loopback with the defaults of `certreport serve` (the editor's): `jobs`
    /// workers, the default limits, no root, no token.
    pub fn local(listen: SocketAddr, jobs: usize, program: PathBuf) -> Config {
        Config {
            listen,
            root: None,
            token: None,
            token_in_path: None,
            allow_hosts: Vec::new(),
            jobs,
            font_dirs: Vec::new(),
            pdf_standard: crate::report::DEFAULT_PDF_STANDARD,
            template: None,
            limits: Limits::default(),
            max_body: DEFAULT_MAX_BODY,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            grace: DEFAULT_GRACE,
            program,
        }
    }

    /// Refuses what must not run: an address other than loopback without a token.
    pub fn check(&self) -> Result<(), String> {
        if !self.listen.ip().is_loopback() && self.token.is_none() {
            return Err(format!("在回环地址以外监听（{}）须以 --token-file 给出访问令牌", self.listen));
        }
        Ok(())
    }

    /// How the pool starts a worker: `PROGRAM __worker` with the font folders, the PDF
    /// standard and the root.
    pub fn worker_command(&self) -> WorkerCommand {
        let mut args: Vec<OsString> = vec!["__worker".into()];
        for dir in &self.font_dirs {
            args.push("--font-path".into());
            args.push(dir.into());
        }
        let standard = serde_json::to_value(self.pdf_standard).ok();
        if let Some(name) = standard.as_ref().and_then(|v| v.as_str()) {
            args.push("--pdf-standard".into());
            args.push(name.into());
        }
        if let Some(root) = &self.root {
            args.push("--root".into());
            args.push(root.into());
        }
        if let Some(template) = &self.template {
            args.push("--template".into());
            args.push(template.into());
        }
        WorkerCommand { program: self.program.clone(), args }
    }
}

/// What every request shares: the configuration and the worker pool.
pub struct ServerState {
    pub config: Config,
    pub pool: Pool,
}

impl ServerState {
    /// Checks the configuration and starts the pool (every worker has loaded its engine when
    /// this returns).
    pub async fn start(config: Config) -> Result<Arc<ServerState>, String> {
        config.check()?;
        let pool = Pool::start(config.worker_command(), config.jobs, config.limits).await?;
        Ok(Arc::new(ServerState { config, pool }))
    }

    /// Runs a job on the pool.
    pub async fn run(&self, job: &Job) -> Result<Reply, ApiError> {
        Ok(self.pool.run(job).await?)
    }
}

/// The server's router: the API's routes and `extra` (another application's, e.g. the
/// editor's under `/edit/`), behind the same layers and access check.
pub fn router(state: Arc<ServerState>, extra: Router<Arc<ServerState>>) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(middleware::from_fn(log_request))
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(middleware::map_response(error::fill_error_body))
        .layer(middleware::from_fn_with_state(state.clone(), access::check))
        .layer(RequestBodyTimeoutLayer::new(state.config.request_timeout))
        .layer(RequestBodyLimitLayer::new(usize::try_from(state.config.max_body).unwrap_or(usize::MAX)));
    routes::router().merge(extra).fallback(|| async { ApiError::NotFound }).layer(layers).with_state(state)
}

/// One line on standard error per request: method, path, status, bytes, milliseconds, id.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
    let response = next.run(request).await;
    let bytes = axum::body::HttpBody::size_hint(response.body()).exact();
    let bytes = bytes.map_or_else(|| "-".to_owned(), |b| b.to_string());
    crate::errln!(
        "{method} {path} {} {bytes} {}ms {id}",
        response.status().as_u16(),
        started.elapsed().as_millis()
    );
    response
}

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting, lets the
/// requests in flight finish within `grace`, and returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let (asked, told) = tokio::sync::oneshot::channel::<()>();
    let signal = async move {
        shutdown.await;
        let _ = asked.send(());
    };
    let server = axum::serve(listener, app).with_graceful_shutdown(signal).into_future();
    tokio::pin!(server);
    let past_grace = async move {
        if told.await.is_ok() {
            tokio::time::sleep(grace).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        served = &mut server => served,
        () = past_grace => Ok(()),
    }
}

/// Completes on SIGTERM or Ctrl-C (SIGINT).
pub async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let terminated = async {
        match term.as_mut() {
            Some(term) => {
                term.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminated => {}
    }
}

/// `certreport serve`: binds, starts the workers, serves until SIGTERM or Ctrl-C. The first
/// line on standard error gives the address listened on (with the port chosen, for port 0).
pub fn run(config: Config) -> Result<(), String> {
    run_with(config, |_| Router::new(), |_| {})
}

/// [`run`] with the extra routes `extra` makes from the started state (the editor's), and
/// `ready` called with the address once the workers have started and the server listens.
pub fn run_with(
    config: Config,
    extra: impl FnOnce(&Arc<ServerState>) -> Router<Arc<ServerState>>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动服务：{e}"))?;
    runtime.block_on(async move {
        config.check()?;
        let listener = tokio::net::TcpListener::bind(config.listen).await.map_err(|e| {
            format!("无法在 {} 监听：{}", config.listen, crate::base::diagnostic::io_reason(&e))
        })?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let grace = config.grace;
        let state = ServerState::start(config).await?;
        let app = router(state.clone(), extra(&state));
        crate::errln!("certreport 正在 http://{address} 监听（{} 个工作进程）", state.pool.workers());
        drop(state);
        ready(address);
        serve(listener, app, shutdown_signal(), grace).await.map_err(|e| format!("服务出错：{e}"))?;
        crate::errln!("certreport 已停止");
        Ok(())
    })
}
