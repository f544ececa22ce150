//! The `certreport` command line: a thin layer that wires arguments to the library.
//!
//! Exit codes: 0 ok, 1 a record is invalid (or a batch record failed), 2 usage or I/O error.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use certreport::diagnostic::Diagnostic;
use certreport::pipeline::{self, Checked};
use certreport::render::Engine;
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
    },
    /// Validate and score records; list every problem, then the score table (检查记录).
    Check {
        /// The record files.
        #[arg(required = true)]
        records: Vec<PathBuf>,
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
    /// Print the JSON Schema of a record, a CB profile or a scoring scheme (输出 JSON Schema).
    Schema {
        /// Which file's schema; default: the record's.
        #[arg(value_enum, default_value = "record")]
        kind: certreport::schema::Kind,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Render { record, output, font_path } => render(&record, output, &font_path),
        Command::Check { records } => check(&records),
        Command::Batch { inputs, out_dir, jobs, check_only, font_path } => {
            let options = batch::Options {
                out_dir,
                jobs,
                check_only,
                font_dirs: font_path,
                progress: std::io::stderr().is_terminal(),
            };
            batch_command(&inputs, &options)
        }
        Command::Next { record, output, audit_date } => next(&record, output, audit_date.as_deref()),
        Command::Schema { kind } => {
            print!("{}", kind.text());
            OK
        }
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

/// A record that could not be loaded: an unreadable record file is an I/O error (2); anything
/// else is a problem of the record (1).
fn load_failure(file: &Path, diagnostics: &[Diagnostic]) -> u8 {
    print_diagnostics(diagnostics);
    if diagnostics.iter().any(|d| d.line == 0 && d.file == file) { USAGE_OR_IO } else { INVALID }
}

fn render(record: &Path, output: Option<PathBuf>, font_dirs: &[PathBuf]) -> u8 {
    let output = output.unwrap_or_else(|| record.with_extension("pdf"));
    if output == record {
        eprintln!("错误：输出文件不能是记录文件本身：{}", record.display());
        return USAGE_OR_IO;
    }
    let checked = match pipeline::check_file(record) {
        Ok(checked) => checked,
        Err(diagnostics) => return load_failure(record, &diagnostics),
    };
    print_diagnostics(&checked.diagnostics);
    if checked.has_errors() {
        eprintln!("{}：记录有错误，未生成报告", record.display());
        return INVALID;
    }
    let engine = match Engine::new(font_dirs) {
        Ok(engine) => engine,
        Err(why) => {
            eprintln!("错误：{why}");
            return USAGE_OR_IO;
        }
    };
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

fn check(records: &[PathBuf]) -> u8 {
    let mut worst = OK;
    for record in records {
        match pipeline::check_file(record) {
            Err(diagnostics) => worst = worst.max(load_failure(record, &diagnostics)),
            Ok(checked) => {
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
        Err(cycle::NextError::Invalid(diagnostics)) => load_failure(record, &diagnostics),
        Err(cycle::NextError::Usage(why)) => {
            eprintln!("错误：{why}");
            USAGE_OR_IO
        }
    }
}
