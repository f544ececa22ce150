//! The `certreport` command line: a thin layer that wires arguments to the library.
//!
//! Every command returns `Result<u8, Failure>`; [`main`] is the one place that prints a
//! [`Failure`] and turns it into the exit code: 0 ok, 1 a record is invalid (or a batch record
//! failed), 2 usage or I/O error.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use certreport::app::watch::Watch;
use certreport::app::{batch, terminal};
use certreport::base::diagnostic::Diagnostic;
use certreport::base::fonts::FontSet;
use certreport::load::LoadError;
use certreport::model::record::AuditType;
use certreport::model::schema::Kind;
use certreport::report::target::{self, Target, WriteError};
use certreport::report::{self, Engine};
use certreport::rules::pipeline::{self, Checked};
use certreport::rules::{check, cycle};
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
    },
    /// Render a record, then again on every change of it or of the files it names (监视并更新).
    Watch {
        /// The record file (.yaml).
        record: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// Validate and score records; list every problem, then the score table (检查记录).
    Check {
        /// The record files.
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
    /// Write a commented starter record for a new audit; never overwrites (新建审查记录).
    Init {
        /// The audit type: initial, surveillance or recertification.
        #[arg(long = "type", value_parser = parse_audit_type, default_value = "initial")]
        audit_type: AuditType,
        /// The CB profile file, from the current folder; default: cb-profile.yaml beside the record.
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
        /// The record to write.
        #[arg(short, long, default_value = certreport::app::init::DEFAULT_OUTPUT)]
        output: PathBuf,
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
    /// Print the JSON Schema of a record, a CB profile or a scoring scheme (输出 JSON Schema).
    Schema {
        /// Which file's schema; default: the record's.
        #[arg(value_parser = parse_schema_kind, default_value = "record")]
        kind: Kind,
    },
}

/// Where `render` and `watch` write the report.
#[derive(clap::Args)]
struct OutputArgs {
    /// The PDF, or a PNG pattern with the page number `{p}` (`pages/p-{p}.png`) for one image
    /// per page; default: beside the record, with the extension .pdf.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Pixels per inch of PNG pages.
    #[arg(long, default_value_t = target::DEFAULT_PPI, allow_negative_numbers = true)]
    ppi: f32,
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

/// The file kind of `schema`.
fn parse_schema_kind(name: &str) -> Result<Kind, String> {
    Kind::ALL
        .into_iter()
        .find(|kind| kind.name() == name)
        .ok_or_else(|| format!("“{name}”不是可选的文件：应为 record、profile 或 scheme"))
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
        Command::Render { record, output, fonts, standard } => {
            let target = output.target(&record)?;
            render(&record, &target, &fonts.font_path, standard.pdf_standard)
        }
        Command::Watch { record, output, fonts } => {
            let target = output.target(&record)?;
            watch_command(&record, target, &fonts.font_path)
        }
        Command::Check { records, format, fonts } => check_command(&records, format, &fonts.font_path),
        Command::Batch { inputs, out_dir, jobs, check_only, force, fonts, standard } => {
            let options = batch::Options {
                out_dir,
                jobs,
                check_only,
                force,
                font_dirs: fonts.font_path,
                progress: std::io::stderr().is_terminal(),
                pdf_standard: standard.pdf_standard,
            };
            batch_command(&inputs, &options)
        }
        Command::Next { record, output, audit_date } => next(&record, output, audit_date.as_deref()),
        Command::Init { audit_type, profile, output } => init(&output, audit_type, profile.as_deref()),
        Command::Edit { target, no_browser, port, fonts } => {
            let options = certreport::app::edit::Options {
                target,
                font_dirs: fonts.font_path,
                open_browser: !no_browser,
                port,
            };
            let ready =
                |address: &str| outln!("编辑器已启动：{address}\n（在浏览器中打开此地址；按 Ctrl-C 退出）");
            certreport::app::edit::run(&options, ready).map_err(|why| Failure::Usage(why.to_string()))?;
            Ok(OK)
        }
        Command::Schema { kind } => {
            outln!("{}", kind.text().trim_end());
            Ok(OK)
        }
    }
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

fn render(
    record: &Path,
    target: &Target,
    font_dirs: &[PathBuf],
    standard: report::PdfStandard,
) -> Result<u8, Failure> {
    let engine =
        Engine::new(font_dirs).map_err(|why| Failure::Usage(why.to_string()))?.with_pdf_standard(standard);
    for warning in engine.warnings() {
        errln!("警告：{warning}");
    }
    let checked = pipeline::check_file_with_fonts(record, engine.book()).map_err(Failure::Load)?;
    print_diagnostics(&checked.diagnostics);
    if checked.has_errors() {
        errln!("{}：记录有错误，未生成报告", record.display());
        return Ok(INVALID);
    }
    let inputs = checked.input_files();
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    match target.write(&engine, &checked.view(), &inputs) {
        Ok(written) => {
            outln!("已生成 {}（{}）", target::describe_written(&written), summary_line(&checked));
            Ok(OK)
        }
        Err(why @ WriteError::Render(_)) => Err(Failure::Usage(format!("{}：{why}", record.display()))),
        Err(why) => Err(Failure::Usage(why.to_string())),
    }
}

fn summary_line(checked: &Checked) -> String {
    checked.sheet.result_text(&checked.loaded.scheme)
}

fn check_command(records: &[PathBuf], format: Format, font_dirs: &[PathBuf]) -> Result<u8, Failure> {
    let fonts = FontSet::new(font_dirs).map_err(|why| Failure::Usage(why.to_string()))?;
    let results: Vec<_> =
        records.iter().map(|record| pipeline::check_file_with_fonts(record, fonts.book())).collect();
    if format == Format::Json {
        outln!("{}", check::to_json(records.iter().map(PathBuf::as_path).zip(&results)));
    }
    let mut worst = OK;
    for (record, result) in records.iter().zip(&results) {
        let code = match result {
            Err(error) => load_failure_code(error),
            Ok(checked) if checked.has_errors() => INVALID,
            Ok(_) => OK,
        };
        worst = worst.max(code);
        if format == Format::Text {
            match result {
                Err(error) => print_diagnostics(error.diagnostics()),
                Ok(checked) => {
                    print_diagnostics(&checked.diagnostics);
                    let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
                    let warnings = checked.diagnostics.len() - errors;
                    outln!("{}：{} 个错误，{} 个警告", record.display(), errors, warnings);
                    outln!("{}", checked.sheet.table(&checked.loaded.scheme));
                }
            }
        }
    }
    Ok(worst)
}

fn watch_command(record: &Path, target: Target, font_dirs: &[PathBuf]) -> Result<u8, Failure> {
    let session = Watch::new(record, target, font_dirs).map_err(Failure::Usage)?;
    let stopper = session.stopper();
    ctrlc::set_handler(move || stopper.stop())
        .map_err(|err| Failure::Usage(format!("无法设置 Ctrl-C 处理：{err}")))?;
    session.run().map_err(Failure::Usage)?;
    Ok(OK)
}

fn batch_command(inputs: &[PathBuf], options: &batch::Options) -> Result<u8, Failure> {
    let summary = batch::run(inputs, options).map_err(|why| Failure::Usage(why.to_string()))?;
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
        written.display()
    );
    Ok(OK)
}

fn init(output: &Path, audit_type: AuditType, profile: Option<&Path>) -> Result<u8, Failure> {
    certreport::app::init::write_starter(output, audit_type, profile)
        .map_err(|why| Failure::Usage(why.to_string()))?;
    outln!("已生成审查记录 {}：请逐项填写，再运行 certreport check 查看尚缺的内容", output.display());
    Ok(OK)
}
