#!/usr/bin/env bash
# Throughput and peak memory of `certreport batch` on generated records.
#
#   bench/run.sh [N ...]        default: 100 1000 10000
#
# For each N: generates N varied valid records (bench/gen_records.py), renders them with
# --jobs 1 and --jobs 2 under /usr/bin/time, and prints wall time, records per second and peak
# RSS; then the ratios the targets are about. Needs python3 and GNU time (apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/certreport-target}"
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/certreport"
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf '%8s %5s %9s %10s %10s\n' N jobs seconds records/s "peak MiB"
declare -A rate rss
for n in "${sizes[@]}"; do
  python3 bench/gen_records.py "$n" "$work/in-$n"
  for jobs in 1 2; do
    rm -rf "$work/out"
    /usr/bin/time -f '%e %M' -o "$work/time" "$bin" batch "$work/in-$n" --out-dir "$work/out" --jobs "$jobs" 2>"$work/log" \
      || { tail -5 "$work/log"; exit 1; }
    read -r secs kib <"$work/time"
    rate[$n,$jobs]=$(python3 -c "print(f'{$n/$secs:.1f}')")
    rss[$n,$jobs]=$(python3 -c "print(f'{$kib/1024:.0f}')")
    printf '%8s %5s %9s %10s %10s\n' "$n" "$jobs" "$secs" "${rate[$n,$jobs]}" "${rss[$n,$jobs]}"
  done
  rm -rf "$work/in-$n" "$work/out"
done

echo
for n in "${sizes[@]}"; do
  python3 -c "print(f'N=$n: throughput 2 jobs / 1 job = {${rate[$n,2]}/${rate[$n,1]}:.2f}  (target >= 1.8)')"
done
first=${sizes[0]}; last=${sizes[-1]}
for jobs in 1 2; do
  python3 -c "print(f'jobs=$jobs: peak RSS N=$last / N=$first = {${rss[$last,$jobs]}/${rss[$first,$jobs]}:.2f}  (target <= 1.2)')"
done
