//! `certreport serve` against `certreport batch` on the same records, side by side in one run
//! (driven by `bench/serve.sh`, which generates the records).
//!
//! `cargo bench --bench serve -- RECORDS_DIR [REPEAT]`: for each of REPEAT rounds (default 3),
//! `batch --jobs 2 --force` of every record, then every record rendered over HTTP by a server
//! with `--jobs 2` at 2, 8 and 32 requests at once; the medians of the rounds' records per
//! second are printed side by side, with the ratio to the batch. Then the latency of a single
//! render: on the idle server (one request at a time) and under load (the requests of the
//! runs at 8 and 32 at once), p50 and p99. Each HTTP answer must be a PDF.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_certreport");

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let dir = PathBuf::from(args.first().expect("usage: cargo bench --bench serve -- RECORDS_DIR [REPEAT]"));
    let repeat: usize = args.get(1).map_or(3, |r| r.parse().expect("REPEAT is a number"));
    let records = find_records(&dir);
    let bodies: Vec<(String, Vec<u8>)> = records.iter().map(|r| multipart(&dir, r)).collect();
    println!("{} records in {}", records.len(), dir.display());
    let server = Server::start();
    let levels = [2, 8, 32];
    let mut batch_rates = Vec::new();
    let mut http_rates: Vec<Vec<f64>> = vec![Vec::new(); levels.len()];
    let mut loaded: Vec<Duration> = Vec::new();
    for round in 1..=repeat {
        let out = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let status = Command::new(BIN)
            .args(["batch", "--jobs", "2", "--force", "--out-dir"])
            .arg(out.path())
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "batch failed");
        let rate = records.len() as f64 / started.elapsed().as_secs_f64();
        batch_rates.push(rate);
        print!("round {round}: batch --jobs 2 {rate:.1}/s");
        for (i, &level) in levels.iter().enumerate() {
            let (elapsed, latencies) = server.run(&bodies, level);
            let rate = bodies.len() as f64 / elapsed.as_secs_f64();
            http_rates[i].push(rate);
            if level >= 8 {
                loaded.extend(latencies);
            }
            print!(", HTTP ×{level} {rate:.1}/s");
        }
        println!();
    }
    let batch = median(&mut batch_rates);
    println!("\nrecords/s (median of {repeat} rounds, {} records each)", records.len());
    println!("  batch --jobs 2        {batch:7.1}");
    for (i, level) in levels.iter().enumerate() {
        let rate = median(&mut http_rates[i]);
        println!("  HTTP, {level:2} at once      {rate:7.1}   {:.2}× batch (target ≥ 0.9)", rate / batch);
    }
    let idle: Vec<Duration> =
        (0..100).map(|i| server.run(&bodies[i % bodies.len()..][..1], 1).1[0]).collect();
    println!("\nsingle-render latency (ms)      p50     p99");
    println!("  idle (100, one at a time) {:7.1} {:7.1}", percentile(&idle, 50.0), percentile(&idle, 99.0));
    println!(
        "  under load (×8 and ×32)   {:7.1} {:7.1}",
        percentile(&loaded, 50.0),
        percentile(&loaded, 99.0)
    );
}

fn find_records(dir: &Path) -> Vec<PathBuf> {
    let mut records = Vec::new();
    for sub in std::fs::read_dir(dir).unwrap().flatten() {
        if sub.path().is_dir() {
            records.extend(std::fs::read_dir(sub.path()).unwrap().flatten().map(|e| e.path()));
        }
    }
    records.retain(|r| r.extension().is_some_and(|e| e == "yaml"));
    records.sort();
    records
}

/// A record and its profile (`profile: ../cb-profile.yaml`) as a multipart body.
fn multipart(dir: &Path, record: &Path) -> (String, Vec<u8>) {
    let boundary = "certreport-bench-boundary";
    let name = record.strip_prefix(dir).unwrap().to_str().unwrap();
    let mut body = Vec::new();
    for (part, file, bytes) in [
        ("record", name, std::fs::read(record).unwrap()),
        ("profile", "../cb-profile.yaml", std::fs::read(dir.join("cb-profile.yaml")).unwrap()),
    ] {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"{file}\"\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

struct Server {
    child: std::process::Child,
    url: String,
}

impl Server {
    fn start() -> Server {
        use std::io::BufRead;
        let mut child = Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--jobs", "2", "--queue", "64"])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let line = lines.next().unwrap().unwrap();
        let address = line.split("http://").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
        // The log lines are read and dropped, so the server never waits on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, url: format!("http://{address}/v1/render") }
    }

    /// Renders every body with `level` requests at once: the wall time and each latency.
    fn run(&self, bodies: &[(String, Vec<u8>)], level: usize) -> (Duration, Vec<Duration>) {
        let next = AtomicUsize::new(0);
        let latencies = Mutex::new(Vec::with_capacity(bodies.len()));
        let started = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..level {
                scope.spawn(|| {
                    let agent: ureq::Agent =
                        ureq::Agent::config_builder().http_status_as_error(false).build().into();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((content_type, body)) = bodies.get(i) else { return };
                        let sent = Instant::now();
                        let mut response = agent
                            .post(&self.url)
                            .header("content-type", content_type)
                            .send(&body[..])
                            .unwrap();
                        let pdf = response.body_mut().with_config().limit(64 << 20).read_to_vec().unwrap();
                        assert_eq!(response.status(), 200, "{}", String::from_utf8_lossy(&pdf));
                        assert!(pdf.starts_with(b"%PDF"));
                        latencies.lock().unwrap().push(sent.elapsed());
                    }
                });
            }
        });
        (started.elapsed(), latencies.into_inner().unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[(values.len() - 1) / 2]
}

fn percentile(values: &[Duration], p: f64) -> f64 {
    let mut ms: Vec<f64> = values.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    ms[((ms.len() as f64 * p / 100.0).ceil() as usize).clamp(1, ms.len()) - 1]
}
