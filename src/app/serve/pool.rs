//! The worker pool: N worker processes ([`super::worker`]), each rendering one job at a time,
//! fed from one bounded queue.
//!
//! - A job waits in the queue until a worker is free; when [`Limits::queue`] jobs already
//!   wait, [`Pool::run`] refuses at once ([`PoolError::Busy`], 429 with a `Retry-After`
//!   estimated from the recent render times) rather than letting requests pile up into
//!   time-outs. A job whose client went away while it waited is dropped unrendered.
//! - A request is admitted ([`Pool::admit`]) before its body is read, and only as many as
//!   can be rendering or waiting (workers + queue): so the bodies held in memory are bounded
//!   too (at most that many times `--max-body`), however many clients connect at once.
//! - A job that runs past [`Limits::render_timeout`] has its worker killed
//!   ([`PoolError::TimedOut`], 504); one whose worker's resident memory goes over
//!   [`Limits::memory`] (sampled every [`MEMORY_POLL`]) too ([`PoolError::OutOfMemory`],
//!   503); a worker that dies meanwhile (crash, `kill`) fails its job
//!   ([`PoolError::WorkerFailed`], 503). Each is replaced by a fresh process.
//! - A worker that, after a job, holds more than half the memory limit is replaced as well:
//!   memory a large record left behind is given back, and the pool's size stays flat over
//!   any number of requests.
//!
//! The resident size is read from `/proc/PID/status` rather than capped with `setrlimit`:
//! an address-space cap also counts the fonts mapped from the binary and the allocator's
//! reservations, and an allocation that fails aborts the worker without saying why, while a
//! sample tells the server that it was the memory.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::{Mutex, OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use super::worker::{self, Failure, Job, Reply};

/// How often a busy worker's memory is sampled.
pub const MEMORY_POLL: Duration = Duration::from_millis(20);

/// How long a new worker may take to load its engine.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// The limits of every job.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// How long one job may run in its worker.
    pub render_timeout: Duration,
    /// The most resident memory a worker may use, in bytes.
    pub memory: u64,
    /// How many jobs may wait for a worker.
    pub queue: usize,
}

impl Default for Limits {
    /// `certreport serve`'s defaults: 60 s a render, 1 GiB a worker, 32 waiting.
    fn default() -> Limits {
        Limits { render_timeout: Duration::from_secs(60), memory: 1 << 30, queue: 32 }
    }
}

/// How to start a worker: the program (this binary) and its arguments (`__worker …`).
#[derive(Clone, Debug)]
pub struct WorkerCommand {
    pub program: PathBuf,
    pub args: Vec<OsString>,
}

/// Why a job was not done.
#[derive(Clone, Debug, PartialEq)]
pub enum PoolError {
    /// The queue is full: retry after this many seconds.
    Busy { retry_after: u64 },
    /// The job ran past the time limit.
    TimedOut,
    /// The job's worker went over the memory limit.
    OutOfMemory,
    /// The job's worker stopped or could not be started: why.
    WorkerFailed(String),
    /// The pool is shutting down.
    ShuttingDown,
}

/// A job with the way back to its caller.
struct Queued {
    job: Vec<u8>,
    reply: oneshot::Sender<Result<Reply, PoolError>>,
}

/// The pool. Cheap to share: clone the `Arc` it lives in.
pub struct Pool {
    queue: mpsc::Sender<Queued>,
    workers: usize,
    limits: Limits,
    /// A moving average of job times, in milliseconds, for `Retry-After`.
    average_ms: Arc<AtomicU64>,
    /// The requests admitted: being read, waiting or rendering.
    admitted: Arc<Semaphore>,
}

/// A request's place, held from before its body is read until its answer is made.
pub struct Admission {
    _permit: OwnedSemaphorePermit,
}

impl Pool {
    /// Starts `workers` worker processes and waits until each has loaded its engine. `Err`
    /// (in words) when one cannot start: a font folder that cannot be read, a missing binary.
    pub async fn start(command: WorkerCommand, workers: usize, limits: Limits) -> Result<Pool, String> {
        let workers = workers.max(1);
        let (queue, receiver) = mpsc::channel(limits.queue.max(1));
        let receiver = Arc::new(Mutex::new(receiver));
        let average_ms = Arc::new(AtomicU64::new(500));
        let started = futures_util::future::join_all((0..workers).map(|_| Worker::spawn(&command))).await;
        for worker in started {
            let worker = worker?;
            let task = Task {
                command: command.clone(),
                limits,
                receiver: receiver.clone(),
                average_ms: average_ms.clone(),
            };
            tokio::spawn(task.serve(worker));
        }
        let admitted = Arc::new(Semaphore::new(workers + limits.queue.max(1)));
        Ok(Pool { queue, workers, limits, average_ms, admitted })
    }

    /// Admits a request, or refuses it when as many as can be rendering or waiting already are
    /// ([`PoolError::Busy`]).
    pub fn admit(&self) -> Result<Admission, PoolError> {
        self.admitted
            .clone()
            .try_acquire_owned()
            .map(|permit| Admission { _permit: permit })
            .map_err(|_| PoolError::Busy { retry_after: self.retry_after() })
    }

    /// Runs a job on the next free worker.
    pub async fn run(&self, job: &Job) -> Result<Reply, PoolError> {
        let (reply, answer) = oneshot::channel();
        let queued = Queued { job: worker::encode(job), reply };
        self.queue.try_send(queued).map_err(|error| match error {
            mpsc::error::TrySendError::Full(_) => PoolError::Busy { retry_after: self.retry_after() },
            mpsc::error::TrySendError::Closed(_) => PoolError::ShuttingDown,
        })?;
        answer.await.unwrap_or(Err(PoolError::ShuttingDown))
    }

    /// How many worker processes render.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// The limits of every job.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Seconds until a place in the queue is likely free: the queue's jobs at the recent
    /// average time, shared by the workers; at least 1.
    fn retry_after(&self) -> u64 {
        let average = self.average_ms.load(Ordering::Relaxed);
        let waiting = (self.limits.queue as u64).max(1);
        (average * waiting / self.workers as u64).div_ceil(1000).max(1)
    }
}

/// The loop of one worker slot: takes jobs from the queue and runs them on its process,
/// replacing the process when it has to go.
struct Task {
    command: WorkerCommand,
    limits: Limits,
    receiver: Arc<Mutex<mpsc::Receiver<Queued>>>,
    average_ms: Arc<AtomicU64>,
}

impl Task {
    async fn serve(self, first: Worker) {
        let mut worker = Some(first);
        loop {
            let queued = self.receiver.lock().await.recv().await;
            let Some(queued) = queued else { return };
            if queued.reply.is_closed() {
                continue;
            }
            let mut current = match worker.take() {
                Some(current) => current,
                None => match Worker::spawn(&self.command).await {
                    Ok(current) => current,
                    Err(why) => {
                        let _ = queued.reply.send(Err(PoolError::WorkerFailed(why)));
                        continue;
                    }
                },
            };
            let started = Instant::now();
            let result = current.run(&queued.job, &self.limits).await;
            self.record_time(started.elapsed());
            let keep =
                result.is_ok() && current.resident().is_some_and(|bytes| bytes <= self.limits.memory / 2);
            let _ = queued.reply.send(result);
            worker = if keep {
                Some(current)
            } else {
                current.stop().await;
                Worker::spawn(&self.command).await.ok()
            };
        }
    }

    fn record_time(&self, elapsed: Duration) {
        let ms = elapsed.as_millis().min(u128::from(u32::MAX)) as u64;
        let old = self.average_ms.load(Ordering::Relaxed);
        self.average_ms.store((old * 7 + ms) / 8, Ordering::Relaxed);
    }
}

/// One worker process.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
    pid: u32,
}

impl Worker {
    /// Starts a worker and waits for its [`Reply::Ready`].
    async fn spawn(command: &WorkerCommand) -> Result<Worker, String> {
        let mut child = Command::new(&command.program)
            .args(&command.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("无法启动工作进程 {}：{e}", command.program.display()))?;
        let (stdin, mut stdout) = (child.stdin.take().expect("piped"), child.stdout.take().expect("piped"));
        let pid = child.id().unwrap_or_default();
        let first = tokio::time::timeout(START_TIMEOUT, read_reply(&mut stdout)).await;
        match first {
            Ok(Ok(Reply::Ready)) => Ok(Worker { child, stdin, stdout, pid }),
            Ok(Ok(Reply::Failed(Failure::Start(why)))) => Err(why),
            Ok(Ok(other)) => Err(format!("工作进程的第一个回应不是就绪：{other:?}")),
            Ok(Err(why)) => Err(format!("工作进程未能启动：{why}")),
            Err(_) => Err(format!("工作进程在 {} 秒内未能启动", START_TIMEOUT.as_secs())),
        }
    }

    /// Runs one job within the limits. On any error the process is unusable.
    async fn run(&mut self, job: &[u8], limits: &Limits) -> Result<Reply, PoolError> {
        let pid = self.pid;
        let (stdin, stdout) = (&mut self.stdin, &mut self.stdout);
        let replied = {
            let exchange = async move {
                stdin.write_all(&worker::frame_length(job.len())).await?;
                stdin.write_all(job).await?;
                stdin.flush().await?;
                read_reply(stdout).await
            };
            tokio::pin!(exchange);
            let deadline = tokio::time::sleep(limits.render_timeout);
            tokio::pin!(deadline);
            let mut poll = tokio::time::interval(MEMORY_POLL);
            loop {
                tokio::select! {
                    reply = &mut exchange => break reply,
                    () = &mut deadline => return Err(PoolError::TimedOut),
                    _ = poll.tick() => {
                        if resident(pid).is_some_and(|bytes| bytes > limits.memory) {
                            return Err(PoolError::OutOfMemory);
                        }
                    }
                }
            }
        };
        match replied {
            Ok(reply) => Ok(reply),
            Err(why) => Err(PoolError::WorkerFailed(self.exit_reason(&why).await)),
        }
    }

    /// Why the process stopped answering: its exit status if it has exited.
    async fn exit_reason(&mut self, error: &std::io::Error) -> String {
        match tokio::time::timeout(Duration::from_millis(500), self.child.wait()).await {
            Ok(Ok(status)) => describe_exit(status),
            _ => error.to_string(),
        }
    }

    /// The process's resident memory, in bytes.
    fn resident(&self) -> Option<u64> {
        resident(self.pid)
    }

    /// Kills the process and waits for it (no zombie is left).
    async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// An exit status in words.
fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(signal)) => format!("工作进程被信号 {signal} 终止"),
        (Some(code), _) => format!("工作进程以退出码 {code} 退出"),
        _ => "工作进程已退出".into(),
    }
}

/// Reads one reply frame.
async fn read_reply(stdout: &mut ChildStdout) -> std::io::Result<Reply> {
    let mut header = [0; 4];
    stdout.read_exact(&mut header).await?;
    let mut frame = vec![0; worker::parse_length(header)?];
    stdout.read_exact(&mut frame).await?;
    postcard::from_bytes(&frame).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// The resident memory of a process, in bytes (`VmRSS` of `/proc/PID/status`).
pub fn resident(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resident_size_of_this_process_is_read() {
        let bytes = resident(std::process::id()).expect("VmRSS of this process");
        assert!(bytes > 1024 * 1024, "{bytes}");
        assert_eq!(resident(u32::MAX), None);
    }
}
