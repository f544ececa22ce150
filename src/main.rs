//! The `certreport` command line: a thin layer that wires arguments to the library.
//!
//! Exit codes: 0 ok, 1 a record is invalid (or a batch record failed), 2 usage or I/O error.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use certreport::diagnostic::Diagnostic;
use certreport::load::LoadError;
use certreport::pipeline::{self, Checked};
use certreport::render::fonts::FontSet;
use certreport::render::{self, Engine};
use certreport::{batch, cycle, output};

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
    /// Render one record as a PDF report (生成报告).
    Render {
        /// The record file (.yaml).
        record: PathBuf,
        /// Where to write the PDF; default: beside the record, with the extension .pdf.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Extra font folders (searched recursively), besides the embedded Noto CJK fonts.
        #[arg(long = "font-path", value_name = "DIR")]
        font_path: Vec<PathBuf>,
        #[command(flatten)]
        standard: Standard,
    },
    /// Validate and score records; list every problem, then the score table (检查记录).
    Check {
        /// The record files.
        #[arg(required = true)]
        records: Vec<PathBuf>,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Render { record, output, font_path, standard } => {
            render(&record, output, &font_path, standard.pdf_standard)
        }
        Command::Check { records, font_path } => check(&records, &font_path),
        Command::Batch { inputs, out_dir, jobs, check_only, font_path, standard } => {
            let options = batch::Options {
                out_dir,
                jobs,
                check_only,
                font_dirs: font_path,
                progress: std::io::stderr().is_terminal(),
                pdf_standard: standard.pdf_standard,
            };
            batch_command(&inputs, &options)
        }
        Command::Next { record, output, audit_date } => next(&record, output, audit_date.as_deref()),
    };
    ExitCode::from(code)
}

const OK: u8 = 0;
const INVALID: u8 = 1;
const USAGE_OR_IO: u8 = 2;

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}");
    }
}

/// A record that could not be loaded: an unreadable record file is an I/O error (2); an
/// invalid one is a problem of the record (1).
fn load_failure(error: &LoadError) -> u8 {
    print_diagnostics(error.diagnostics());
    match error {
        LoadError::Unreadable(_) => USAGE_OR_IO,
        LoadError::Invalid(_) => INVALID,
    }
}

fn render(
    record: &Path,
    output: Option<PathBuf>,
    font_dirs: &[PathBuf],
    standard: render::PdfStandard,
) -> u8 {
    let output = output.unwrap_or_else(|| record.with_extension("pdf"));
    if output == record {
        eprintln!("错误：输出文件不能是记录文件本身：{}", record.display());
        return USAGE_OR_IO;
    }
    let mut checked = match pipeline::check_file(record) {
        Ok(checked) => checked,
        Err(error) => return load_failure(&error),
    };
    let engine = match Engine::new(font_dirs) {
        Ok(engine) => engine.with_pdf_standard(standard),
        Err(why) => {
            eprintln!("错误：{why}");
            return USAGE_OR_IO;
        }
    };
    checked.check_glyphs(engine.book());
    print_diagnostics(&checked.diagnostics);
    if checked.has_errors() {
        eprintln!("{}：记录有错误，未生成报告", record.display());
        return INVALID;
    }
    let pdf = match engine.render(&checked.view()) {
        Ok(pdf) => pdf,
        Err(why) => {
            eprintln!("错误：{}：{why}", record.display());
            return USAGE_OR_IO;
        }
    };
    if let Err(err) = output::write_atomic(&output, &pdf) {
        eprintln!("错误：无法写入 {}：{err}", output.display());
        return USAGE_OR_IO;
    }
    println!("已生成 {}（{}）", output.display(), summary_line(&checked));
    OK
}

fn summary_line(checked: &Checked) -> String {
    checked.sheet.result_text(&checked.loaded.scheme)
}

fn check(records: &[PathBuf], font_dirs: &[PathBuf]) -> u8 {
    let fonts = match FontSet::new(font_dirs) {
        Ok(fonts) => fonts,
        Err(why) => {
            eprintln!("错误：{why}");
            return USAGE_OR_IO;
        }
    };
    let mut worst = OK;
    for record in records {
        match pipeline::check_file(record) {
            Err(error) => worst = worst.max(load_failure(&error)),
            Ok(mut checked) => {
                checked.check_glyphs(fonts.book());
                print_diagnostics(&checked.diagnostics);
                let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
                let warnings = checked.diagnostics.len() - errors;
                println!("{}：{} 个错误，{} 个警告", record.display(), errors, warnings);
                println!("{}", checked.sheet.table(&checked.loaded.scheme));
                if errors > 0 {
                    worst = worst.max(INVALID);
                }
            }
        }
    }
    worst
}

fn batch_command(inputs: &[PathBuf], options: &batch::Options) -> u8 {
    match batch::run(inputs, options) {
        Ok(summary) if summary.all_succeeded() => OK,
        Ok(_) => INVALID,
        Err(why) => {
            eprintln!("错误：{why}");
            USAGE_OR_IO
        }
    }
}

fn next(record: &Path, output: Option<PathBuf>, audit_date: Option<&str>) -> u8 {
    match cycle::next_record_file(record, output.as_deref(), audit_date) {
        Ok(written) => {
            println!(
                "已生成下一次审查的记录 {}：请填写得分、评价结果、概述与结论，再运行 certreport check",
                written.display()
            );
            OK
        }
        Err(cycle::NextError::Load(error)) => load_failure(&error),
        Err(cycle::NextError::Usage(why)) => {
            eprintln!("错误：{why}");
            USAGE_OR_IO
        }
    }
}
