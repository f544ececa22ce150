//! Progress of a batch on stderr: a bar on a terminal, a line per record otherwise.

use std::sync::Mutex;

use super::{Row, Status};
use crate::errln;

/// Progress: a bar on a terminal, a line per record otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    done: Mutex<usize>,
    total: usize,
}

impl Progress {
    pub fn new(total: usize, bar: bool) -> Progress {
        let bar = bar.then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} 份 · {per_sec} · 剩余 {eta} {msg}",
                )
                .expect("a valid template"),
            );
            bar
        });
        Progress { bar, done: Mutex::new(0), total }
    }

    pub fn record(&self, row: &Row) {
        let status = row.status.map(Status::label).unwrap_or_default();
        match &self.bar {
            Some(bar) => {
                if !row.status.is_some_and(Status::succeeded) {
                    bar.println(format!("失败：{}", row.first_error));
                }
                bar.inc(1);
            }
            None => {
                let mut done = self.done.lock().expect("progress lock");
                *done += 1;
                let detail = if row.status.is_some_and(Status::succeeded) {
                    row.output.clone()
                } else {
                    row.first_error.clone()
                };
                errln!("[{}/{}] {status} {} {detail}", *done, self.total, row.file);
            }
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
