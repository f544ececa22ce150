#!/usr/bin/env bash
# Incremental re-runs of `certreport batch`: a CB fixes a few records of many and runs again.
#
#   bench/incremental.sh [N] [CHANGED]      default: 2000 3
#
# Generates N records (bench/gen_records.py), renders them all into an out-dir, then edits
# CHANGED of them (a comment line appended) and runs the same batch again, then once more with
# nothing changed. Prints the wall time of each run and how many reports each rendered (from
# summary.json). Uses the release binary; everything lives under `mktemp -d`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/certreport-target}"
bin="$CARGO_TARGET_DIR/release/certreport"
n=${1:-2000}
changed=${2:-3}

cargo build --release --quiet --bin certreport
work=$(mktemp -d -t certreport-incremental.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 bench/gen_records.py "$n" "$work/in"

# Runs the batch; prints "seconds rendered unchanged".
run() {
  local start end
  start=$(date +%s.%N)
  "$bin" batch "$work/in" --out-dir "$work/out" "$@" 2>"$work/batch.log" >/dev/null
  end=$(date +%s.%N)
  python3 - "$work/out/summary.json" "$start" "$end" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
count = lambda s: sum(r["status"] == s for r in rows)
print(f"{float(sys.argv[3]) - float(sys.argv[2]):.2f} {count('ok')} {count('unchanged')}")
EOF
}

report() {
  read -r s rendered unchanged <<<"$2"
  printf '%-34s %8ss  rendered %5d  unchanged %5d\n' "$1" "$s" "$rendered" "$unchanged"
}

report "first run, $n records" "$(run)"
for ((i = 0; i < changed; i++)); do
  file=$(printf '%s/%03d/record-%05d.yaml' "$work/in" $(((i * 7) / 1000)) $((i * 7)))
  printf '# corrected %s\n' "$i" >>"$file"
done
report "re-run, $changed records changed" "$(run)"
report "re-run, nothing changed" "$(run)"
report "re-run with --force" "$(run --force)"
