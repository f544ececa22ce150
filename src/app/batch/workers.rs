//! The threads of a batch: `workers` threads render the records, each one record at a time,
//! taking them in order; one writer thread meanwhile puts finished PDFs on disk (temporary
//! file, fsync, rename), so that no worker waits for the disk.
//!
//! The workers are the threads of a rayon pool of their own, each running one long loop
//! (`broadcast`, which no other thread can steal). Typst's own parallel steps (layout, font
//! subsetting) then run on these same threads rather than on rayon's global pool: `--jobs N`
//! keeps N threads busy, not N workers plus a pool competing with them for the cores. Only one
//! record per worker is ever in flight, so memory does not grow with the number of records.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use super::{Job, Row};
use crate::base::diagnostic::io_reason;

/// Typst's PDF export is deeply recursive: worker threads get a large stack.
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// What a worker made of one record.
// Clippy sizes the generic variant as empty; the batch's `T` holds a row and more.
#[allow(clippy::large_enum_variant)]
pub enum Processed<T> {
    /// Nothing to write: invalid, checked only, unchanged, or failed.
    Finished(Row),
    /// A rendered PDF, still to be written to the job's output.
    Rendered(T),
}

/// A rendered PDF on its way to the writer.
struct Pending<T> {
    index: usize,
    rendered: T,
}

/// Runs every job: `process` on a worker, then, for a rendered PDF, `write` on the writer
/// thread. `finished` sees each final row as it is done. The rows come back in the jobs' order.
/// Each worker first calls `prepare(worker, workers)`: start-up work the workers share.
pub fn run<T: Send>(
    jobs: &[Job],
    workers: usize,
    prepare: impl Fn(usize, usize) + Sync,
    process: impl Fn(&Job) -> Processed<T> + Sync,
    write: impl Fn(&Job, T) -> Row + Sync,
    finished: impl Fn(&Row) + Sync,
) -> Result<Vec<Row>, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .stack_size(WORKER_STACK)
        .thread_name(|i| format!("certreport-worker-{i}"))
        .build()
        .map_err(|e| format!("无法启动工作线程：{e}"))?;
    let rows: Mutex<Vec<Option<Row>>> = Mutex::new(jobs.iter().map(|_| None).collect());
    let store = |index: usize, row: Row| {
        finished(&row);
        rows.lock().expect("rows lock")[index] = Some(row);
    };
    let next = AtomicUsize::new(0);
    // Room for one waiting PDF per worker: a slow disk holds the workers back rather than
    // letting finished PDFs pile up in memory.
    let (to_writer, pending) = mpsc::sync_channel::<Pending<T>>(workers);
    std::thread::scope(|scope| {
        let writer = std::thread::Builder::new().name("certreport-writer".into()).spawn_scoped(scope, || {
            for Pending { index, rendered } in pending {
                store(index, write(&jobs[index], rendered));
            }
        });
        writer.map_err(|e| format!("无法启动写入线程：{}", io_reason(&e)))?;
        pool.broadcast(|worker| {
            prepare(worker.index(), worker.num_threads());
            let to_writer = to_writer.clone();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(index) else { break };
                match process(job) {
                    Processed::Finished(row) => store(index, row),
                    Processed::Rendered(rendered) => {
                        to_writer
                            .send(Pending { index, rendered })
                            .expect("the writer runs until the workers end");
                    }
                }
            }
        });
        // The last sender: the writer finishes what is queued, then ends.
        drop(to_writer);
        Ok::<_, String>(())
    })?;
    let rows = rows.into_inner().expect("rows lock");
    Ok(rows.into_iter().map(|row| row.expect("every job ran")).collect())
}
