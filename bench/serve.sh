#!/usr/bin/env bash
# certreport serve against certreport batch on the same records, side by side in one run.
#
#   bench/serve.sh [N] [REPEAT]     default: 400 records, 3 rounds
#
# Generates N varied, valid records (bench/gen_records.py) in a temporary folder, then runs
# benches/serve.rs on them: each round renders them all with `batch --jobs 2` and over HTTP
# (a server with `--jobs 2`) at 2, 8 and 32 requests at once; prints the medians of records per
# second, the ratio to the batch (target >= 0.9), and the p50/p99 latency of a single render
# on the idle server and under load. Needs python3. Nothing is written to the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/certreport-target}"
n=${1:-400}
repeat=${2:-3}
work=$(mktemp -d -t certreport-bench-serve.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_records.py "$n" "$work/records"
cargo bench --quiet --bench serve -- "$work/records" "$repeat"
