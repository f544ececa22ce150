//! A batch's events on standard error: a progress bar on a terminal, a line per record
//! otherwise; warnings and moved reports as lines of their own, above the bar.

use std::path::Path;
use std::sync::{Mutex, OnceLock};

use certreport::app::batch::{Event, Status, Summary};
use certreport::base::diagnostic::{escape_controls_in_lines, shown};
use certreport::errln;

/// Prints a batch's events.
pub struct Progress {
    /// Whether to draw a bar (standard error is a terminal).
    interactive: bool,
    bar: OnceLock<indicatif::ProgressBar>,
    /// Lines are printed one at a time, in the order the records finish.
    printing: Mutex<()>,
}

impl Progress {
    pub fn new(interactive: bool) -> Progress {
        Progress { interactive, bar: OnceLock::new(), printing: Mutex::new(()) }
    }

    /// Shows one event.
    pub fn show(&self, event: Event) {
        let _printing = self.printing.lock().expect("progress lock");
        match event {
            Event::Planned { records, .. } => {
                if self.interactive {
                    let bar = indicatif::ProgressBar::new(records as u64);
                    bar.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{bar:40} {pos}/{len} 份 · {per_sec} · 剩余 {eta} {msg}",
                        )
                        .expect("a valid template"),
                    );
                    let _ = self.bar.set(bar);
                }
            }
            Event::Record { done, total, row } => match self.bar.get() {
                Some(bar) => {
                    if !row.status.is_some_and(Status::succeeded) {
                        bar.println(escape_controls_in_lines(&format!("失败：{}", row.first_error)));
                    }
                    bar.inc(1);
                }
                None => {
                    let status = row.status.map(Status::label).unwrap_or_default();
                    let detail = if row.status.is_some_and(Status::succeeded) {
                        &row.output
                    } else {
                        &row.first_error
                    };
                    errln!("[{done}/{total}] {status} {} {detail}", row.file);
                }
            },
            Event::Superseded(moved) => self.line(&format!("注意：{moved}")),
            Event::Warning(warning) => self.line(&format!("警告：{warning}")),
        }
    }

    /// A line above the bar, or a line.
    fn line(&self, text: &str) {
        match self.bar.get() {
            Some(bar) => bar.println(escape_controls_in_lines(text)),
            None => errln!("{text}"),
        }
    }

    /// Clears the bar and prints the batch's last line.
    pub fn finish(&self, summary: &Summary, out_dir: &Path) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
        errln!(
            "共 {} 份记录：成功 {}（其中 {} 份未变，沿用已有报告），失败 {}。汇总：{}",
            summary.total,
            summary.succeeded,
            summary.unchanged,
            summary.failed,
            shown(&out_dir.join(summary.csv_name()))
        );
    }
}
