//! The `certreport` command line: a thin layer that wires arguments to the library.
//!
//! Exit codes: 0 ok, 1 a record is invalid (or a batch record failed), 2 usage or I/O error.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use certreport::diagnostic::Diagnostic;
use certreport::load::LoadError;
use certreport::pipeline::{self, Checked};
use certreport::render::fonts::FontSet;
use certreport::render::target::{self, Target, WriteError};
use certreport::render::{self, Engine};
use certreport::watch::Watch;
use certreport::{batch, check, cycle, errln, outln, terminal};

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
        /// Extra font folders (searched recursively), besides the embedded Noto CJK fonts.
        #[arg(long = "font-path", value_name = "DIR")]
        font_path: Vec<PathBuf>,
        #[command(flatten)]
        standard: Standard,
    },
    /// Render a record, then again on every change of it or of the files it names (监视并更新).
    Watch {
        /// The record file (.yaml).
        record: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
        #[arg(long = "font-path", value_name = "DIR")]
        font_path: Vec<PathBuf>,
    },
    /// Validate and score records; list every problem, then the score table (检查记录).
    Check {
        /// The record files.
        #[arg(required = true)]
        records: Vec<PathBuf>,
        /// text: for people (default); json: every diagnostic and the score sheet, for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Font folders the reports will be rendered with: characters they cover pass.
        #[arg(long = "font-path", value_name = "DIR")]
        font_path: Vec<PathBuf>,
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
        #[arg(long = "font-path", value_name = "DIR")]
        font_path: Vec<PathBuf>,
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
        #[arg(long = "type", value_enum, default_value = "initial")]
        audit_type: certreport::record::AuditType,
        /// The CB profile file, from the current folder; default: cb-profile.yaml beside the record.
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
        /// The record to write.
        #[arg(short, long, default_value = certreport::init::DEFAULT_OUTPUT)]
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
        #[arg(long = "font-path", value_name = "DIR")]
        font_path: Vec<PathBuf>,
    },
    /// Print the JSON Schema of a record, a CB profile or a scoring scheme (输出 JSON Schema).
    Schema {
        /// Which file's schema; default: the record's.
        #[arg(value_enum, default_value = "record")]
        kind: certreport::schema::Kind,
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
    /// The target, or why it cannot be one (a usage error, already printed).
    fn target(self, record: &Path) -> Result<Target, u8> {
        let output = self.output.unwrap_or_else(|| record.with_extension("pdf"));
        let target = Target::from_path(output, self.ppi).map_err(|why| {
            errln!("错误：{why}");
            USAGE_OR_IO
        })?;
        Ok(target)
    }
}

/// The PDF standard of the reports.
#[derive(clap::Args)]
struct Standard {
    /// The PDF standard reports conform to (归档格式): a-2a (default: PDF/A-2, Unicode text,
    /// tagged), a-2u, a-2b, a-3a, a-3u, a-3b, a-4, ua-1, or a plain PDF version 1.7 / 2.0.
    #[arg(long = "pdf-standard", value_name = "STANDARD", value_parser = render::parse_pdf_standard,
          default_value = render::DEFAULT_PDF_STANDARD_NAME)]
    pdf_standard: render::PdfStandard,
}

/// How `check` prints what it finds.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let code = match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(error) => usage_error(&error),
    };
    // A line that could not be written (other than to a closed pipe) is an I/O error.
    let code = if terminal::write_failed() { code.max(USAGE_OR_IO) } else { code };
    ExitCode::from(code)
}

fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Render { record, output, font_path, standard } => match output.target(&record) {
            Ok(target) => render(&record, &target, &font_path, standard.pdf_standard),
            Err(code) => code,
        },
        Command::Watch { record, output, font_path } => match output.target(&record) {
            Ok(target) => watch_command(&record, target, &font_path),
            Err(code) => code,
        },
        Command::Check { records, format, font_path } => check_command(&records, format, &font_path),
        Command::Batch { inputs, out_dir, jobs, check_only, force, font_path, standard } => {
            let options = batch::Options {
                out_dir,
                jobs,
                check_only,
                force,
                font_dirs: font_path,
                progress: std::io::stderr().is_terminal(),
                pdf_standard: standard.pdf_standard,
            };
            batch_command(&inputs, &options)
        }
        Command::Next { record, output, audit_date } => next(&record, output, audit_date.as_deref()),
        Command::Init { audit_type, profile, output } => init(&output, audit_type, profile.as_deref()),
        Command::Edit { target, no_browser, port, font_path } => {
            let options = certreport::app::edit::Options {
                target,
                font_dirs: font_path,
                open_browser: !no_browser,
                port,
            };
            let ready = |address: &str| outln!("编辑器已启动：{address}\n（在浏览器中打开此地址；按 Ctrl-C 退出）");
            match certreport::app::edit::run(&options, ready) {
                Ok(()) => OK,
                Err(why) => {
                    errln!("错误：{why}");
                    USAGE_OR_IO
                }
            }
        }
        Command::Schema { kind } => {
            outln!("{}", kind.text().trim_end());
            OK
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

/// Prints why a record could not be loaded; returns the exit code.
fn load_failure(error: &LoadError) -> u8 {
    print_diagnostics(error.diagnostics());
    load_failure_code(error)
}

fn render(record: &Path, target: &Target, font_dirs: &[PathBuf], standard: render::PdfStandard) -> u8 {
    let engine = match Engine::new(font_dirs) {
        Ok(engine) => engine.with_pdf_standard(standard),
        Err(why) => {
            errln!("错误：{why}");
            return USAGE_OR_IO;
        }
    };
    for warning in engine.warnings() {
        errln!("警告：{warning}");
    }
    let checked = match pipeline::check_file_with_fonts(record, engine.book()) {
        Ok(checked) => checked,
        Err(error) => return load_failure(&error),
    };
    print_diagnostics(&checked.diagnostics);
    if checked.has_errors() {
        errln!("{}：记录有错误，未生成报告", record.display());
        return INVALID;
    }
    let inputs = checked.input_files();
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    match target.write(&engine, &checked.view(), &inputs) {
        Ok(written) => {
            outln!("已生成 {}（{}）", target::describe_written(&written), summary_line(&checked));
            OK
        }
        Err(why @ WriteError::Render(_)) => {
            errln!("错误：{}：{why}", record.display());
            USAGE_OR_IO
        }
        Err(why) => {
            errln!("错误：{why}");
            USAGE_OR_IO
        }
    }
}

fn summary_line(checked: &Checked) -> String {
    checked.sheet.result_text(&checked.loaded.scheme)
}

fn check_command(records: &[PathBuf], format: Format, font_dirs: &[PathBuf]) -> u8 {
    let fonts = match FontSet::new(font_dirs) {
        Ok(fonts) => fonts,
        Err(why) => {
            errln!("错误：{why}");
            return USAGE_OR_IO;
        }
    };
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
    worst
}

fn watch_command(record: &Path, target: Target, font_dirs: &[PathBuf]) -> u8 {
    let result = Watch::new(record, target, font_dirs).and_then(|session| {
        let stopper = session.stopper();
        ctrlc::set_handler(move || stopper.stop()).map_err(|err| format!("无法设置 Ctrl-C 处理：{err}"))?;
        session.run()
    });
    match result {
        Ok(()) => OK,
        Err(why) => {
            errln!("错误：{why}");
            USAGE_OR_IO
        }
    }
}

fn batch_command(inputs: &[PathBuf], options: &batch::Options) -> u8 {
    match batch::run(inputs, options) {
        Ok(summary) if summary.all_succeeded() => OK,
        Ok(_) => INVALID,
        Err(why) => {
            errln!("错误：{why}");
            USAGE_OR_IO
        }
    }
}

fn next(record: &Path, output: Option<PathBuf>, audit_date: Option<&str>) -> u8 {
    match cycle::next_record_file(record, output.as_deref(), audit_date) {
        Ok(written) => {
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
            OK
        }
        Err(cycle::NextError::Load(error)) => load_failure(&error),
        Err(cycle::NextError::Usage(why)) => {
            errln!("错误：{why}");
            USAGE_OR_IO
        }
    }
}

fn init(output: &Path, audit_type: certreport::record::AuditType, profile: Option<&Path>) -> u8 {
    match certreport::init::write_starter(output, audit_type, profile) {
        Ok(()) => {
            outln!("已生成审查记录 {}：请逐项填写，再运行 certreport check 查看尚缺的内容", output.display());
            OK
        }
        Err(why) => {
            errln!("错误：{why}");
            USAGE_OR_IO
        }
    }
}
