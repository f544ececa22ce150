//! The `certreport` command line: a thin layer that wires arguments to the library.
//!
//! Every command returns `Result<u8, Failure>`; [`main`] is the one place that prints a
//! [`Failure`] and turns it into the exit code: 0 ok, 1 a record is invalid (or a batch record
//! failed), 2 usage or I/O error.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

use certreport::app::init::{self, Starter};
use certreport::app::watch::Watch;
use certreport::app::{batch, terminal};
use certreport::base::diagnostic::{Diagnostic, shown};
use certreport::base::fonts::FontSet;
use certreport::base::patterns;
use certreport::load::{self, FileKind, LoadError};
use certreport::model::record::AuditType;
use certreport::model::schema::Kind;
use certreport::report::target::{self, Target, WriteError};
use certreport::report::{self, Engine};
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
        Command::Render { record, output, fonts, standard } => {
            let record = expand_one(&record)?;
            let target = output.target(&record)?;
            render(&record, &target, &fonts.font_path, standard.pdf_standard)
        }
        Command::Watch { record, output, fonts } => {
            let record = expand_one(&record)?;
            let target = output.target(&record)?;
            watch_command(&record, target, &fonts.font_path)
        }
        Command::Check { records, format, fonts } => {
            let records = patterns::expand(&records).map_err(|why| Failure::Usage(why.to_string()))?;
            check_command(&records, format, &fonts.font_path)
        }
        Command::Batch { inputs, out_dir, jobs, check_only, force, fonts, standard } => {
            let inputs = patterns::expand(&inputs).map_err(|why| Failure::Usage(why.to_string()))?;
            let options = batch::Options {
                out_dir,
                jobs,
                check_only,
                force,
                font_dirs: fonts.font_path,
                pdf_standard: standard.pdf_standard,
            };
            batch_command(&inputs, &options)
        }
        Command::Next { record, output, audit_date } => next(&record, output, audit_date.as_deref()),
        Command::Init { starter, audit_type, profile, output } => {
            init(starter, output, audit_type, profile.as_deref())
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

fn watch_command(record: &Path, target: Target, font_dirs: &[PathBuf]) -> Result<u8, Failure> {
    let session = Watch::new(record, target, font_dirs).map_err(|why| Failure::Usage(why.to_string()))?;
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
        Starter::Profile => init::write_profile_starter(&output),
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
