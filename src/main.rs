//! The `certreport` command line: a thin layer that wires arguments to the library.
//!
//! Every command returns `Result<u8, Failure>`; [`main`] is the one place that prints a
//! [`Failure`] and turns it into the exit code: 0 ok, 1 a record is invalid (or a batch record
//! failed), 2 usage or I/O error.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};

mod cli;

use certreport::app::init::{self, Starter};
use certreport::app::watch::Watch;
use certreport::app::{batch, serve, terminal};
use certreport::base::diagnostic::{Diagnostic, io_reason, shown};
use certreport::base::files;
use certreport::base::fonts::FontSet;
use certreport::base::patterns;
use certreport::load::{self, FileKind, LoadError};
use certreport::model::record::AuditType;
use certreport::model::schema::Kind;
use certreport::report::target::{self, Target, WriteError};
use certreport::report::template::{self, Origin};
use certreport::report::view::contract;
use certreport::report::watchdog::Watchdog;
use certreport::report::{self, Engine, RenderError};
use certreport::rules::check::{self, Outcome};
use certreport::rules::cycle;
use certreport::rules::pipeline::{self, Checked};
use certreport::{errln, outln};

/// mimalloc rather than glibc's malloc: Typst and the PDF export allocate heavily from every
/// batch worker at once, and glibc's arena locks made the workers wait on each other.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "certreport", version, about = "由 YAML 审查记录生成 GB/T 27922 服务认证审查报告 PDF")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render one record as a PDF report, or its pages as PNG images (生成报告).
    Render {
        /// The record file (.yaml).
        record: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        fonts: FontArgs,
        #[command(flatten)]
        standard: Standard,
        #[command(flatten)]
        template: TemplateArgs,
    },
    /// Render a record, then again on every change of it or of the files it names (监视并更新).
    Watch {
        /// The record file (.yaml).
        record: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        fonts: FontArgs,
        #[command(flatten)]
        template: TemplateArgs,
    },
    /// Validate and score records; list every problem, then the score table (检查记录).
    Check {
        /// The record files (a CB profile or a scheme among them is checked as what it is).
        #[arg(required = true)]
        records: Vec<PathBuf>,
        /// text: for people (default); json: every diagnostic and the score sheet, for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// Render many records in parallel, with a summary (批量生成).
    Batch {
        /// Record files, or folders searched recursively for .yaml / .yml records.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Where the PDFs and the summary go.
        #[arg(long, value_name = "DIR")]
        out_dir: PathBuf,
        /// Parallel jobs; default: all cores.
        #[arg(short, long)]
        jobs: Option<usize>,
        /// Validate and score only; write the summary but no PDFs.
        #[arg(long)]
        check_only: bool,
        /// Render every record, also those whose report in the out-dir is up to date.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        fonts: FontArgs,
        #[command(flatten)]
        standard: Standard,
        #[command(flatten)]
        template: TemplateArgs,
    },
    /// Write the record for the next audit of the certification cycle (生成下一年度记录).
    Next {
        /// This audit's record.
        record: PathBuf,
        /// Where to write the new record; default: beside this one, named after the new year.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// The first day of the next audit (YYYY-MM-DD); default: one year after this one.
        #[arg(long, value_name = "DATE")]
        audit_date: Option<String>,
    },
    /// Write a commented starter record, or a starter CB profile; never overwrites (新建审查记录).
    Init {
        /// What to write: record (default) or profile (the CB profile, 认证机构信息).
        #[arg(value_parser = parse_starter, default_value = "record")]
        starter: Starter,
        /// The audit type of a record: initial (default), surveillance or recertification.
        #[arg(long = "type", value_parser = parse_audit_type)]
        audit_type: Option<AuditType>,
        /// The CB profile file a record names, from the current folder; default: cb-profile.yaml
        /// beside the record.
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
        /// The file to write; default: record.yaml, or cb-profile.yaml for a profile.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Run the render service over HTTP: render, check and next for other programs (报告生成服务).
    Serve(Box<ServeArgs>),
    /// A worker process of `serve` (started by the server, not by hand).
    #[command(name = "__worker", hide = true)]
    Worker {
        #[command(flatten)]
        fonts: FontArgs,
        #[command(flatten)]
        standard: Standard,
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        /// The template folder of every report (the server's `--template`).
        #[arg(long, value_name = "DIR")]
        template: Option<PathBuf>,
    },
    /// Edit a record, or the records of a folder, in the browser (在浏览器中编辑记录).
    Edit {
        /// A record file (.yaml) or a folder of records; default: the current folder.
        #[arg(default_value = ".")]
        target: PathBuf,
        /// Only print the address; do not open the browser.
        #[arg(long)]
        no_browser: bool,
        /// The loopback port; default: a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// Print the JSON Schema of a record, a CB profile, a scoring scheme, or of the report data
    /// a template reads (输出 JSON Schema).
    Schema {
        /// record, profile, scheme or report-data; default: the record's.
        #[arg(value_parser = parse_schema_kind, default_value = "record")]
        kind: SchemaKind,
    },
    /// Print the report data (/data.json) a template is given for a record (输出报告数据).
    Data {
        /// The record file (.yaml).
        record: PathBuf,
    },
    /// Report templates of one's own (报告模板).
    Template {
        #[command(subcommand)]
        action: TemplateAction,
    },
}

/// What `template` does.
#[derive(Subcommand)]
enum TemplateAction {
    /// Write a copy of the built-in template into a new folder, to edit (新建模板).
    New {
        /// The folder to create (new or empty).
        dir: PathBuf,
    },
}

/// Which schema `schema` prints.
#[derive(Clone, Copy)]
enum SchemaKind {
    /// A YAML file's: record, profile, scheme.
    File(Kind),
    /// The report data's (/data.json).
    ReportData,
}

/// The template and the limits of `render`, `watch` and `batch`.
#[derive(clap::Args)]
struct TemplateArgs {
    /// A report template folder (made with `certreport template new`), instead of the one the
    /// CB profile names or the built-in one.
    #[arg(long, value_name = "DIR")]
    template: Option<PathBuf>,
    /// Most seconds one report may take to typeset; beyond it the command stops (a template's
    /// endless loop).
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    time_limit: u64,
    /// Most memory (MiB) the command may use while a report is typeset; beyond it the command
    /// stops.
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    memory_limit: u64,
}

impl TemplateArgs {
    /// The engine with the fonts, the `--template` folder and the watchdog of the limits.
    fn engine(&self, font_dirs: &[PathBuf]) -> Result<Engine, Failure> {
        let mut engine = Engine::new(font_dirs).map_err(|why| Failure::Usage(why.to_string()))?;
        engine = engine.with_watchdog(self.watchdog());
        if let Some(dir) = &self.template {
            engine = engine.with_template(dir).map_err(|why| Failure::Usage(why.to_string()))?;
        }
        Ok(engine)
    }

    /// Starts the watchdog thread: when a typesetting runs past the time limit, or the process
    /// past the memory limit while one runs, it ends the process. A Typst compile cannot be
    /// interrupted (a template's endless `for` loop runs on), so this thread, not the stuck
    /// one, reports the failure and exits.
    fn watchdog(&self) -> Arc<Watchdog> {
        let watchdog = Arc::new(Watchdog::new());
        let limit = Duration::from_secs(self.time_limit);
        let memory = self.memory_limit.saturating_mul(1024 * 1024);
        let watched = watchdog.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(50));
                let why = match watched.overdue(limit) {
                    Some(origin) => format!(
                        "排版{}超过 {} 秒仍未完成，已停止（可能是模板中的无限循环；时限可用 --time-limit 调整）",
                        template_name(&origin),
                        limit.as_secs()
                    ),
                    None if watched.busy() && resident_bytes().is_some_and(|used| used > memory) => format!(
                        "排版时内存用量超过 {} MiB，已停止（可能是模板中的无限循环；上限可用 --memory-limit 调整）",
                        memory >> 20
                    ),
                    None => continue,
                };
                std::process::exit(i32::from(Failure::Usage(why).report()));
            }
        });
        watchdog
    }
}

/// `（模板 templates/ourcb）`, or nothing for the built-in template.
fn template_name(origin: &Origin) -> String {
    match origin {
        Origin::Builtin => String::new(),
        Origin::Folder(dir) => format!("（模板 {}）", dir.display()),
    }
}

/// The process's resident memory, from /proc/self/statm.
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// Where `render` and `watch` write the report.
#[derive(clap::Args)]
struct OutputArgs {
    /// The PDF, or a PNG pattern with the page number `{p}` (`pages/p-{p}.png`) for one image
    /// per page; default: beside the record, with the extension .pdf.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Pixels per inch of PNG pages (default 144); only with a PNG output.
    #[arg(long, allow_negative_numbers = true)]
    ppi: Option<f32>,
}

impl OutputArgs {
    /// The target, or why it cannot be one.
    fn target(self, record: &Path) -> Result<Target, Failure> {
        let output = self.output.unwrap_or_else(|| record.with_extension("pdf"));
        Target::from_path(output, self.ppi).map_err(|why| Failure::Usage(why.to_string()))
    }
}

/// The fonts besides the embedded ones: declared once, for every command that typesets or
/// checks text against the fonts.
#[derive(clap::Args)]
struct FontArgs {
    /// Extra font folders (searched recursively), besides the embedded Noto CJK fonts;
    /// characters they cover pass the glyph check.
    #[arg(long = "font-path", value_name = "DIR")]
    font_path: Vec<PathBuf>,
}

/// The PDF standard of the reports.
#[derive(clap::Args)]
struct Standard {
    /// The PDF standard reports conform to (归档格式): a-2a (default: PDF/A-2, Unicode text,
    /// tagged), a-2u, a-2b, a-3a, a-3u, a-3b, a-4, ua-1, or a plain PDF version 1.7 / 2.0.
    #[arg(long = "pdf-standard", value_name = "STANDARD", value_parser = report::parse_pdf_standard,
          default_value = report::DEFAULT_PDF_STANDARD_NAME)]
    pdf_standard: report::PdfStandard,
}

/// The arguments of `serve`; every limit has a default that suits a 2-core machine.
#[derive(clap::Args)]
struct ServeArgs {
    /// The address to listen on; another than loopback requires --token-file.
    #[arg(long, value_name = "ADDR", default_value = serve::DEFAULT_LISTEN)]
    listen: std::net::SocketAddr,
    /// A folder whose records requests may name by path ({"path": "clients/x.yaml"}).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// A file whose first line is the bearer token every request but /health must carry.
    #[arg(long = "token-file", value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// A host name requests may give in Host (the name a proxy forwards), besides IP
    /// addresses and localhost.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_host: Vec<String>,
    /// Worker processes rendering at once; default: all cores.
    #[arg(short, long)]
    jobs: Option<usize>,
    #[command(flatten)]
    fonts: FontArgs,
    #[command(flatten)]
    standard: Standard,
    /// The template folder of every report (a CB's own, made with `template new`); a
    /// profile's `template:` is not read from requests.
    #[arg(long, value_name = "DIR")]
    template: Option<PathBuf>,
    /// Requests that may wait for a worker; more are answered 429.
    #[arg(long, default_value_t = 32)]
    queue: usize,
    /// How long one render may take; a longer one is stopped and answered 504.
    #[arg(long = "render-timeout", value_name = "TIME", value_parser = parse_duration, default_value = "60s")]
    render_timeout: Duration,
    /// The most memory a worker may hold while rendering; over it, the render is stopped, 503.
    #[arg(long = "memory-limit", value_name = "SIZE", value_parser = parse_size, default_value = "1GiB")]
    memory_limit: u64,
    /// The largest request body; a larger one is answered 413.
    #[arg(long = "max-body", value_name = "SIZE", value_parser = parse_size, default_value = "20MiB")]
    max_body: u64,
    /// How long receiving a request's body may take; a slower one is answered 408.
    #[arg(long = "request-timeout", value_name = "TIME", value_parser = parse_duration, default_value = "30s")]
    request_timeout: Duration,
    /// How long the requests in flight may still take after SIGTERM or Ctrl-C.
    #[arg(long, value_name = "TIME", value_parser = parse_duration, default_value = "30s")]
    grace: Duration,
}

impl ServeArgs {
    /// The server's configuration, or why it cannot be one.
    fn config(self) -> Result<serve::Config, String> {
        let token = match &self.token_file {
            None => None,
            Some(file) => {
                let bytes = files::read_regular(file, 4096).map_err(|e| {
                    let why = match e {
                        files::ReadError::Io(e) => io_reason(&e),
                        _ => "不是普通文件，或大于 4 KiB".into(),
                    };
                    format!("无法读取令牌文件 {}：{why}", shown(file))
                })?;
                Some(serve::access::read_token(&String::from_utf8_lossy(&bytes))?)
            }
        };
        let root = match &self.root {
            Some(root) if !root.is_dir() => return Err(format!("--root {} 不是文件夹", shown(root))),
            root => root.clone(),
        };
        let jobs = self.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from));
        Ok(serve::Config {
            listen: self.listen,
            root,
            token,
            token_in_path: None,
            allow_hosts: self.allow_host,
            jobs,
            font_dirs: self.fonts.font_path,
            pdf_standard: self.standard.pdf_standard,
            template: self.template,
            limits: serve::Limits {
                render_timeout: self.render_timeout,
                memory: self.memory_limit,
                queue: self.queue,
            },
            max_body: self.max_body,
            request_timeout: self.request_timeout,
            grace: self.grace,
            program: this_program(),
        })
    }
}

/// The program a server's workers run: the running binary itself, even when its file has been
/// replaced since (an upgrade).
fn this_program() -> PathBuf {
    PathBuf::from("/proc/self/exe")
}

/// A duration as `--render-timeout` takes it: `60s`, `500ms`, `2m`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|_| format!("“{text}”不是时长：应如 60s、500ms 或 2m"))
}

/// A size as `--memory-limit` takes it: bytes, or with KiB, MiB or GiB.
fn parse_size(text: &str) -> Result<u64, String> {
    let fail = || format!("“{text}”不是大小：应如 1GiB、512MiB 或字节数");
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = match &text[digits.len()..] {
        "" | "B" => 1,
        "KiB" | "K" => 1 << 10,
        "MiB" | "M" => 1 << 20,
        "GiB" | "G" => 1 << 30,
        _ => return Err(fail()),
    };
    digits.trim().parse::<u64>().ok().and_then(|n| n.checked_mul(unit)).filter(|&n| n > 0).ok_or_else(fail)
}

/// How `check` prints what it finds.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// The audit type of `init --type`, by its key (`initial` …) or its Chinese name.
fn parse_audit_type(name: &str) -> Result<AuditType, String> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|_| format!("“{name}”不是审查类型：应为 initial、surveillance 或 recertification"))
}

/// What `init` writes.
fn parse_starter(name: &str) -> Result<Starter, String> {
    Starter::ALL
        .into_iter()
        .find(|starter| starter.name() == name)
        .ok_or_else(|| format!("“{name}”不是 init 可生成的文件：应为 record 或 profile"))
}

/// The schema of `schema`.
fn parse_schema_kind(name: &str) -> Result<SchemaKind, String> {
    if name == "report-data" {
        return Ok(SchemaKind::ReportData);
    }
    Kind::ALL
        .into_iter()
        .find(|kind| kind.name() == name)
        .map(SchemaKind::File)
        .ok_or_else(|| format!("“{name}”不是可选的文件：应为 record、profile、scheme 或 report-data"))
}

/// Why a command did not succeed. [`main`] prints it and turns it into the exit code: this is
/// the only place that does.
enum Failure {
    /// The command line, or a file that cannot be read or written (exit 2): `错误：…`.
    Usage(String),
    /// A record that could not be loaded: its problems (exit 1; 2 when the file itself is
    /// unreadable).
    Load(LoadError),
}

impl Failure {
    /// Prints the failure; returns its exit code.
    fn report(self) -> u8 {
        match self {
            Failure::Usage(why) => {
                errln!("错误：{why}");
                USAGE_OR_IO
            }
            Failure::Load(error) => {
                print_diagnostics(error.diagnostics());
                load_failure_code(&error)
            }
        }
    }
}

fn main() -> ExitCode {
    // A write past `ulimit -f` then fails with an error (EFBIG) instead of killing the process
    // with SIGXFSZ: the temporary file is removed and the failure said in words.
    // SAFETY: sets a signal's disposition to "ignore" at start-up, before any thread runs.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    let code = match Cli::try_parse() {
        Ok(cli) => run(cli).unwrap_or_else(Failure::report),
        Err(error) => usage_error(&error),
    };
    // A line that could not be written (other than to a closed pipe) is an I/O error.
    let code = if terminal::write_failed() { code.max(USAGE_OR_IO) } else { code };
    ExitCode::from(code)
}

fn run(cli: Cli) -> Result<u8, Failure> {
    match cli.command {
        Command::Render { record, output, fonts, standard, template } => {
            let record = expand_one(&record)?;
            let target = output.target(&record)?;
            let engine = template.engine(&fonts.font_path)?.with_pdf_standard(standard.pdf_standard);
            render(&record, &target, &engine)
        }
        Command::Watch { record, output, fonts, template } => {
            let record = expand_one(&record)?;
            let target = output.target(&record)?;
            watch_command(&record, target, template.engine(&fonts.font_path)?)
        }
        Command::Check { records, format, fonts } => {
            let records = patterns::expand(&records).map_err(|why| Failure::Usage(why.to_string()))?;
            check_command(&records, format, &fonts.font_path)
        }
        Command::Batch { inputs, out_dir, jobs, check_only, force, fonts, standard, template } => {
            let inputs = patterns::expand(&inputs).map_err(|why| Failure::Usage(why.to_string()))?;
            let options = batch::Options {
                out_dir,
                jobs,
                check_only,
                force,
                font_dirs: fonts.font_path,
                pdf_standard: standard.pdf_standard,
                watchdog: Some(template.watchdog()),
                template: template.template,
            };
            batch_command(&inputs, &options)
        }
        Command::Next { record, output, audit_date } => next(&record, output, audit_date.as_deref()),
        Command::Init { starter, audit_type, profile, output } => {
            init(starter, output, audit_type, profile.as_deref())
        }
        Command::Edit { target, no_browser, port, fonts } => {
            let options = certreport::app::edit::Options {
                target,
                font_dirs: fonts.font_path,
                open_browser: !no_browser,
                port,
                program: this_program(),
            };
            let ready =
                |address: &str| outln!("编辑器已启动：{address}\n（在浏览器中打开此地址；按 Ctrl-C 退出）");
            certreport::app::edit::run(&options, ready).map_err(|why| Failure::Usage(why.to_string()))?;
            Ok(OK)
        }
        Command::Serve(args) => {
            args.config().and_then(serve::run).map_err(Failure::Usage)?;
            Ok(OK)
        }
        Command::Worker { fonts, standard, root, template } => {
            let options = serve::worker::WorkerOptions {
                font_dirs: fonts.font_path,
                pdf_standard: standard.pdf_standard,
                root,
                template,
            };
            serve::worker::run(&options).map_err(|why| Failure::Usage(format!("工作进程：{why}")))?;
            Ok(OK)
        }
        Command::Schema { kind } => {
            let text = match kind {
                SchemaKind::File(kind) => kind.text(),
                SchemaKind::ReportData => contract::schema_text(),
            };
            outln!("{}", text.trim_end());
            Ok(OK)
        }
        Command::Data { record } => data(&record),
        Command::Template { action: TemplateAction::New { dir } } => template_new(&dir),
    }
}

/// `certreport data`: the report data of a valid record, as pretty JSON.
fn data(record: &Path) -> Result<u8, Failure> {
    let checked = pipeline::check_file(record).map_err(Failure::Load)?;
    if checked.has_errors() {
        print_diagnostics(&checked.diagnostics);
        errln!("{}：记录有错误，无法给出报告数据", record.display());
        return Ok(INVALID);
    }
    outln!("{}", serde_json::to_string_pretty(&checked.view()).expect("the report data serializes"));
    Ok(OK)
}

/// `certreport template new DIR`.
fn template_new(dir: &Path) -> Result<u8, Failure> {
    let files = template::write_copy(dir).map_err(|why| Failure::Usage(why.to_string()))?;
    outln!(
        "已生成报告模板 {}（{} 个文件）：修改其中的 .typ 文件，再在认证机构信息中写 template: 该文件夹（相对于认证机构信息文件），或渲染时给出 --template {}；模板读取的数据见 docs/report-data.md，某份记录的数据可用 certreport data 记录.yaml 查看",
        dir.display(),
        files.len(),
        dir.display()
    );
    Ok(OK)
}

/// clap's complaint about the command line, in Chinese; help and version as clap prints them.
fn usage_error(error: &clap::Error) -> u8 {
    use clap::error::{ContextKind as C, ErrorKind as K};
    match error.kind() {
        K::DisplayHelp | K::DisplayVersion => {
            let _ = error.print();
            return OK;
        }
        K::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            return USAGE_OR_IO;
        }
        _ => {}
    }
    let get = |kind| error.get(kind).map(ToString::to_string).unwrap_or_default();
    let arg = get(C::InvalidArg);
    let mut message = match error.kind() {
        // Our own parsers explain in Chinese; the standard ones (numbers) do not.
        K::ValueValidation => match std::error::Error::source(error).map(|e| e.to_string()) {
            Some(reason) if !reason.is_ascii() => format!("参数 {arg}：{reason}"),
            _ => format!("参数 {arg} 的值“{}”无效", get(C::InvalidValue)),
        },
        K::InvalidValue => format!("参数 {arg} 的值“{}”无效", get(C::InvalidValue)),
        K::UnknownArgument => format!("不认识的参数 {arg}"),
        K::InvalidSubcommand => format!("不认识的命令 {}", get(C::InvalidSubcommand)),
        K::MissingRequiredArgument => format!("缺少参数 {arg}"),
        K::MissingSubcommand => "缺少命令".to_owned(),
        K::ArgumentConflict if get(C::PriorArg) == arg => format!("参数 {arg} 只能给一次"),
        K::ArgumentConflict => format!("参数 {arg} 不能与 {} 同时使用", get(C::PriorArg)),
        K::NoEquals | K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues => {
            format!("参数 {arg} 的值的个数不对")
        }
        K::InvalidUtf8 => "参数不是有效的 UTF-8 文字".to_owned(),
        _ => format!("命令行有误（{}）", error.kind()),
    };
    for (kind, words) in [(C::ValidValue, "可选"), (C::ValidSubcommand, "可用的命令")] {
        if !get(kind).is_empty() {
            message.push_str(&format!("；{words}：{}", get(kind)));
        }
    }
    for kind in [C::SuggestedArg, C::SuggestedSubcommand, C::SuggestedValue] {
        if !get(kind).is_empty() {
            message.push_str(&format!("；是否应为 {}？", get(kind)));
        }
    }
    errln!("错误：{message}\n用法见 certreport --help");
    USAGE_OR_IO
}

const OK: u8 = 0;
const INVALID: u8 = 1;
const USAGE_OR_IO: u8 = 2;

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        errln!("{diagnostic}");
    }
}

/// The exit code of a record that could not be loaded: an unreadable record file is an I/O
/// error (2); an invalid one is a problem of the record (1).
fn load_failure_code(error: &LoadError) -> u8 {
    match error {
        LoadError::Unreadable(_) => USAGE_OR_IO,
        LoadError::Invalid(_) => INVALID,
    }
}

fn render(record: &Path, target: &Target, engine: &Engine) -> Result<u8, Failure> {
    for warning in engine.warnings() {
        errln!("警告：{warning}");
    }
    let checked = pipeline::check_file_with_fonts(record, engine.book()).map_err(Failure::Load)?;
    print_diagnostics(&checked.diagnostics);
    if checked.has_errors() {
        errln!("{}：记录有错误，未生成报告", record.display());
        return Ok(INVALID);
    }
    let template = engine.template_for(&checked.loaded).map_err(|why| Failure::Usage(why.to_string()))?;
    let inputs = checked.input_files();
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    match target.write(engine, &template, &checked.view(), &inputs) {
        Ok((written, warnings)) => {
            for warning in &warnings {
                errln!("{warning}");
            }
            outln!("已生成 {}（{}）", target::describe_written(&written), summary_line(&checked));
            Ok(OK)
        }
        // The export failed on this record's document; a template's errors name its own files.
        Err(why @ WriteError::Render(RenderError::Export(_))) => {
            Err(Failure::Usage(format!("{}：{why}", record.display())))
        }
        Err(why) => Err(Failure::Usage(why.to_string())),
    }
}

fn summary_line(checked: &Checked) -> String {
    checked.sheet.result_text(&checked.loaded.scheme)
}

/// A path for one record, its glob pattern expanded to the one file it must match.
fn expand_one(record: &Path) -> Result<PathBuf, Failure> {
    patterns::expand_one(record).map_err(|why| Failure::Usage(why.to_string()))
}

/// What `check` found in one file: a record's outcome, or a CB profile's or a scheme's
/// problems (`check *.yaml` beside `cb-profile.yaml` checks the profile as a profile).
enum Found {
    Record(Box<pipeline::CheckResult>),
    Other(FileKind, Vec<Diagnostic>),
}

impl Found {
    fn outcome(&self) -> Outcome<'_> {
        match self {
            Found::Record(result) => Outcome::Record(result),
            Found::Other(kind, diagnostics) => Outcome::Other { kind: *kind, diagnostics },
        }
    }
}

fn check_command(files: &[PathBuf], format: Format, font_dirs: &[PathBuf]) -> Result<u8, Failure> {
    let fonts = FontSet::new(font_dirs).map_err(|why| Failure::Usage(why.to_string()))?;
    let found: Vec<Found> = files
        .iter()
        .map(|file| match load::file_kind(file) {
            FileKind::Record => Found::Record(Box::new(pipeline::check_file_with_fonts(file, fonts.book()))),
            kind => Found::Other(kind, load::check_companion(file, kind)),
        })
        .collect();
    let outcomes: Vec<Outcome> = found.iter().map(Found::outcome).collect();
    if format == Format::Json {
        outln!("{}", check::files_to_json(files.iter().map(PathBuf::as_path).zip(outcomes.iter().copied())));
    }
    let mut worst = OK;
    for (file, outcome) in files.iter().zip(outcomes) {
        let diagnostics = match outcome {
            Outcome::Record(Err(error)) => {
                worst = worst.max(load_failure_code(error));
                if format == Format::Text {
                    print_diagnostics(error.diagnostics());
                }
                continue;
            }
            Outcome::Record(Ok(checked)) => checked.diagnostics.as_slice(),
            Outcome::Other { diagnostics, .. } => diagnostics,
        };
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        worst = worst.max(if errors > 0 { INVALID } else { OK });
        if format == Format::Json {
            continue;
        }
        print_diagnostics(diagnostics);
        let warnings = diagnostics.len() - errors;
        match outcome {
            Outcome::Record(Ok(checked)) => {
                outln!("{}：{} 个错误，{} 个警告", file.display(), errors, warnings);
                outln!("{}", checked.sheet.table(&checked.loaded.scheme));
            }
            Outcome::Other { kind, .. } => {
                outln!("{}：{}，{} 个错误，{} 个警告", file.display(), kind.label(), errors, warnings);
            }
            Outcome::Record(Err(_)) => {}
        }
    }
    Ok(worst)
}

fn watch_command(record: &Path, target: Target, engine: Engine) -> Result<u8, Failure> {
    let session = Watch::new(record, target, engine).map_err(|why| Failure::Usage(why.to_string()))?;
    let stopper = session.stopper();
    ctrlc::set_handler(move || stopper.stop())
        .map_err(|err| Failure::Usage(format!("无法设置 Ctrl-C 处理：{err}")))?;
    session.run(&cli::watch::show).map_err(|why| Failure::Usage(why.to_string()))?;
    Ok(OK)
}

fn batch_command(inputs: &[PathBuf], options: &batch::Options) -> Result<u8, Failure> {
    let progress = cli::batch::Progress::new(std::io::stderr().is_terminal());
    let summary = batch::run(inputs, options, &|event| progress.show(event))
        .map_err(|why| Failure::Usage(why.to_string()))?;
    progress.finish(&summary, &options.out_dir);
    Ok(if summary.all_succeeded() { OK } else { INVALID })
}

fn next(record: &Path, output: Option<PathBuf>, audit_date: Option<&str>) -> Result<u8, Failure> {
    let written =
        cycle::next_record_file(record, output.as_deref(), audit_date).map_err(|error| match error {
            cycle::NextError::Load(error) => Failure::Load(error),
            cycle::NextError::Usage(why) => Failure::Usage(why),
        })?;
    // A record planned ahead from an unfinished one carries over what that one says.
    let errors = FontSet::new(&[]).ok().map_or(0, |fonts| {
        match pipeline::check_file_with_fonts(record, fonts.book()) {
            Ok(checked) => checked.diagnostics.iter().filter(|d| d.is_error()).count(),
            Err(error) => error.diagnostics().len(),
        }
    });
    if errors > 0 {
        errln!(
            "警告：{} 仍有 {errors} 个错误（certreport check 可列出）：下一年度记录沿用了其中的内容",
            record.display()
        );
    }
    outln!(
        "已生成下一次审查的记录 {}：请填写得分、评价结果、概述与结论，再运行 certreport check",
        written.path.display()
    );
    if !written.review.is_empty() {
        outln!("请核对沿用自上一年度的内容（记录中已以注释标出）：{}", written.review.join("、"));
    }
    Ok(OK)
}

fn init(
    starter: Starter,
    output: Option<PathBuf>,
    audit_type: Option<AuditType>,
    profile: Option<&Path>,
) -> Result<u8, Failure> {
    let output = output.unwrap_or_else(|| PathBuf::from(starter.default_output()));
    let written = match starter {
        Starter::Record => init::write_starter(&output, audit_type.unwrap_or_default(), profile),
        Starter::Profile if audit_type.is_some() || profile.is_some() => {
            return Err(Failure::Usage(
                "--type 与 --profile 只用于审查记录（certreport init record），不用于认证机构信息".into(),
            ));
        }
        Starter::Profile => init::write_profile_starter(&output, None),
    }
    .map_err(|why| Failure::Usage(why.to_string()))?;
    let schema = written.schema.map(|path| format!("，以及编辑器用的 {}", shown(&path))).unwrap_or_default();
    let next = match starter {
        Starter::Record => "请逐项填写，再运行 certreport check 查看尚缺的内容",
        Starter::Profile => "请逐项填写；审查记录以 profile: 引用它",
    };
    outln!("已生成{} {}{schema}：{next}", starter.label(), shown(&output));
    Ok(OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_as_written() {
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("4096"), Ok(4096));
        for bad in ["", "0", "1GB", "MiB", "-1MiB", "99999999999999GiB"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("soon").unwrap_err().contains("时长"));
    }

    /// The editor's server (`serve::Config::local`) has the limits `certreport serve` has
    /// unless told otherwise.
    #[test]
    fn the_editors_server_has_the_defaults_of_serve() {
        let Cli { command: Command::Serve(args), .. } = Cli::parse_from(["certreport", "serve"]) else {
            unreachable!()
        };
        let serve = args.config().unwrap();
        let local = serve::Config::local(serve.listen, serve.jobs, serve.program.clone());
        assert_eq!(format!("{:?}", serve.limits), format!("{:?}", local.limits));
        assert_eq!(
            (serve.max_body, serve.request_timeout, serve.grace, serve.pdf_standard),
            (local.max_body, local.request_timeout, local.grace, local.pdf_standard)
        );
    }
}
