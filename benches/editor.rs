//! The editor's preview latency: how long after the staffer stops typing the new pages are on
//! screen, in a real headless Chromium (`cargo bench --bench editor [-- ROUNDS]`).
//!
//! Opens the example record in `certreport edit`, then ROUNDS times (default 40) types one
//! character into 1.6 联系人 (printed on page 2) and waits for the page's own measurement:
//! milliseconds from the last change to the new pages decoded and shown (the 120 ms the page
//! waits for typing to stop included). Prints p50, p90, p99 and the slowest, and for
//! comparison the round trip a user of the command line has: `certreport render` of the same
//! record, then the PDF reopened in a viewer (the render alone is timed).

#[path = "../tests/common/browser.rs"]
#[allow(dead_code)]
mod browser;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use browser::{Browser, EditServer};

const BIN: &str = env!("CARGO_BIN_EXE_certreport");

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let rounds: usize = args.first().map_or(40, |r| r.parse().expect("ROUNDS is a number"));
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["baihuan-2025.yaml", "cb-profile.yaml"] {
        std::fs::copy(repo.join("examples").join(file), dir.path().join(file)).unwrap();
    }
    let server = EditServer::start(dir.path(), "baihuan-2025.yaml");
    let b = Browser::start().await;
    b.open(&server.address).await;
    b.wait_for("document.querySelectorAll('#pages img').length > 0").await;
    let field = b.control("", "1.6 联系人").await;
    let mut latencies = Vec::new();
    for round in 0..rounds {
        let before = b.updates().await;
        b.client.execute("delete document.body.dataset.latency;", vec![]).await.unwrap();
        field.send_keys(if round % 2 == 0 { "甲" } else { "\u{e003}" }).await.unwrap();
        b.wait_for(&format!(
            "Number(document.body.dataset.updated || 0) > {before} && document.body.dataset.latency !== undefined"
        ))
        .await;
        let value = b.client.execute("return Number(document.body.dataset.latency);", vec![]).await.unwrap();
        latencies.push(value.as_f64().unwrap());
    }
    b.close().await;
    latencies.sort_by(f64::total_cmp);
    println!("editor preview, {rounds} edits of 1.6 联系人 in the example record (headless Chromium):");
    println!(
        "  last change → new pages shown: p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, slowest {:.0} ms",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.9),
        percentile(&latencies, 0.99),
        latencies.last().unwrap()
    );
    let mut renders = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let status = Command::new(BIN)
            .args(["render", "baihuan-2025.yaml", "-o", "out.pdf"])
            .current_dir(dir.path())
            .output()
            .unwrap()
            .status;
        assert!(status.success());
        renders.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    renders.sort_by(f64::total_cmp);
    println!(
        "  for comparison, certreport render of the same record: median {:.0} ms",
        percentile(&renders, 0.5)
    );
}
