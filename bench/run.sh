#!/usr/bin/env bash
# Throughput and peak memory of `certreport batch` on generated records.
#
#   bench/run.sh [N ...]        default: 100 1000 10000
#
# For each N: generates N varied, valid records in a temporary folder (bench/gen_records.py),
# checks a sample of them with `certreport check` (0 errors required), then renders them with
# `batch --jobs 1` and `--jobs 2` under `/usr/bin/time -v`, and prints wall time, records per
# second and peak RSS — for N up to 1,000 the medians of BENCH_REPEAT runs each (default 3);
# finally the ratios the targets are about:
#
#   throughput(2 jobs) / throughput(1 job)   target >= 1.8
#   peak RSS(largest N) / peak RSS(smallest)  target <= 1.2
#
# Uses the release binary ($CARGO_TARGET_DIR/release/certreport, built if needed). Needs
# python3 and GNU time (installed with apt-get when missing). Nothing is written to the repo:
# records and PDFs live under `mktemp -d` and are deleted after each run.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/certreport-target}"
bin="$CARGO_TARGET_DIR/release/certreport"

cargo build --release --quiet --bin certreport
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (apt-get install time)" >&2
  apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; }
fi

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)
work=$(mktemp -d -t certreport-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Checks a sample of the generated records (every kind of variation occurs among the first 35).
verify() {
  local dir=$1 n=$2 files=() i
  for ((i = 0; i < n && i < 35; i++)); do files+=("$dir/$(printf '%03d/record-%05d.yaml' $((i / 1000)) "$i")"); done
  for ((i = n - 5; i < n; i++)); do ((i >= 35)) && files+=("$dir/$(printf '%03d/record-%05d.yaml' $((i / 1000)) "$i")"); done
  "$bin" check "${files[@]}" >"$work/check.log" 2>&1 || true
  local bad
  bad=$(grep -E '：[0-9]+ 个错误' "$work/check.log" | grep -vc '：0 个错误' || true)
  if [ "$bad" != 0 ] || [ "$(grep -c '：0 个错误' "$work/check.log")" != "${#files[@]}" ]; then
    echo "generated records do not all check clean:" >&2
    grep -B2 -A8 -E '：[1-9][0-9]* 个错误' "$work/check.log" | head -40 >&2
    exit 1
  fi
  echo "checked ${#files[@]} of $n generated records: 0 errors" >&2
}

# GNU time -v output → "seconds KiB".
elapsed_and_rss() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + t[k] }
    /Maximum resident set size/ { kib = $2 }
    END { printf "%.2f %d\n", s, kib }' "$1"
}

# The middle value of its arguments (the lower middle for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

declare -A secs rate rss runs_s runs_kib
rows=()
for n in "${sizes[@]}"; do
  in="$work/in-$n"
  python3 bench/gen_records.py "$n" "$in"
  verify "$in" "$n"
  # Short runs are repeated (1 job and 2 jobs taking turns) and the medians kept: a few seconds
  # of wall time on a shared machine vary by several per cent from one run to the next.
  repeat=$((n <= 1000 ? ${BENCH_REPEAT:-3} : 1))
  for ((run = 1; run <= repeat; run++)); do
    for jobs in 1 2; do
      out="$work/out"
      rm -rf "$out"
      if ! /usr/bin/time -v -o "$work/time" "$bin" batch "$in" --out-dir "$out" --jobs "$jobs" 2>"$work/batch.log"; then
        tail -5 "$work/batch.log" >&2
        exit 1
      fi
      pdfs=$(find "$out" -name 'record-*.pdf' | wc -l)
      [ "$pdfs" = "$n" ] || { echo "N=$n jobs=$jobs: $pdfs PDFs written, expected $n" >&2; exit 1; }
      read -r s kib < <(elapsed_and_rss "$work/time")
      runs_s[$n,$jobs]+=" $s"
      runs_kib[$n,$jobs]+=" $kib"
      echo "N=$n jobs=$jobs run $run/$repeat: ${s}s, $((kib / 1024)) MiB" >&2
      rm -rf "$out" # the PDFs are not needed: keep the disk free
    done
  done
  for jobs in 1 2; do
    # shellcheck disable=SC2086 # word splitting of the lists is intended
    s=$(median ${runs_s[$n,$jobs]})
    # shellcheck disable=SC2086
    kib=$(median ${runs_kib[$n,$jobs]})
    secs[$n,$jobs]=$s
    rate[$n,$jobs]=$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.2f", n / s }')
    rss[$n,$jobs]=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
    rows+=("$(printf '%7s %5s %5s %10s %10s %10s' "$n" "$jobs" "$repeat" "$s" "${rate[$n,$jobs]}" "${rss[$n,$jobs]}")")
  done
  rm -rf "$in"
done

echo
printf '%7s %5s %5s %10s %10s %10s\n' N jobs runs "wall s" "records/s" "peak MiB"
printf '%s\n' "${rows[@]}"
echo
for n in "${sizes[@]}"; do
  awk -v n="$n" -v a="${rate[$n,2]}" -v b="${rate[$n,1]}" \
    'BEGIN { printf "N=%s: throughput 2 jobs / 1 job = %.2f  (target >= 1.8)\n", n, a / b }'
done
first=${sizes[0]} last=${sizes[-1]}
if [ "$first" != "$last" ]; then
  for jobs in 1 2; do
    awk -v j="$jobs" -v f="$first" -v l="$last" -v a="${rss[$last,$jobs]}" -v b="${rss[$first,$jobs]}" \
      'BEGIN { printf "jobs=%s: peak RSS N=%s / N=%s = %.2f  (target <= 1.2)\n", j, l, f, a / b }'
  done
fi
