#!/usr/bin/env bash
# Whole-file throughput, thread scaling, start-up, and the side-by-side comparison with a Python
# TF-IDF + logistic regression scorer. Run from the repository root with ../shared beside it:
#
#   scripts/bench.sh [MEGABYTES]        # default 50 MB of ~5 KB documents
#
# Needs python3 with scikit-learn for the comparison (pip install scikit-learn); skipped without.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${1:-50}
DIR=${CHAFF_BENCH_DIR:-/tmp/chaff-bench}
cargo build --release --quiet --example bench_corpus
cargo build --release --quiet
BIN=target/release/chaff
[ -f "$DIR/docs.jsonl" ] && [ "$(du -m "$DIR/docs.jsonl" | cut -f1)" -ge "$MB" ] \
  || target/release/examples/bench_corpus "$DIR" "$MB"

once() { # seconds of wall time of a command, its output discarded
  local start end
  start=$(date +%s.%N); "$@" > /dev/null; end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
# The best of $RUNS runs: on a shared virtual machine, other tenants only ever add time.
RUNS=${CHAFF_BENCH_RUNS:-3}
seconds() {
  local best t
  for _ in $(seq "$RUNS"); do
    t=$(once "$@")
    if [ -z "${best:-}" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}
mbps() { echo "scale=1; $(stat -c %s "$1") / 1000000 / $2" | bc -l; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); best of $RUNS runs"
for input in docs docs_html; do
  one=$(seconds "$BIN" score --jsonl --format jsonl --threads 1 "$DIR/$input.jsonl")
  two=$(seconds "$BIN" score --jsonl --format jsonl --threads 2 "$DIR/$input.jsonl")
  echo "$input: 1 thread $(mbps "$DIR/$input.jsonl" "$one") MB/s, 2 threads $(mbps "$DIR/$input.jsonl" "$two") MB/s, scaling $(echo "scale=2; $one / $two" | bc -l)x"
done
# What the machine allows: two independent one-thread processes at once, each on the whole file
# (no shared work, no synchronisation). Their combined rate over one process alone is the
# scaling a shared virtual machine gives any program.
pair() {
  "$BIN" score --jsonl --format jsonl --threads 1 "$DIR/docs.jsonl" > /dev/null &
  "$BIN" score --jsonl --format jsonl --threads 1 "$DIR/docs.jsonl" > /dev/null
  wait
}
alone=$(seconds "$BIN" score --jsonl --format jsonl --threads 1 "$DIR/docs.jsonl")
both=$(seconds pair)
echo "machine: two one-thread processes at once $(echo "scale=1; 2 * $(stat -c %s "$DIR/docs.jsonl") / 1000000 / $both" | bc -l) MB/s together, $(echo "scale=2; 2 * $alone / $both" | bc -l)x one alone"

runs=50
total=$(seconds bash -c "for i in \$(seq $runs); do $BIN score --format jsonl data/examples/pages/clinic-sales.txt; done")
echo "start-up, built-in model to first document scored: $(echo "scale=1; 1000 * $total / $runs" | bc -l) ms per process"
if python3 -c "import sklearn" 2>/dev/null; then
  # Side by side: each round runs the Python scorer and chaff (full records, then id and
  # reliability only) one after the other, so the host's drift over minutes touches both; the
  # ratio is taken within each round, and the median of the rounds' ratios is reported.
  for _ in $(seq "$RUNS"); do
    py=$(python3 scripts/tfidf_baseline.py "$DIR/docs.jsonl" /tmp/chaff-bench-tfidf.jsonl | cut -d' ' -f3)
    full=$(mbps "$DIR/docs.jsonl" "$(once "$BIN" score --jsonl --format jsonl --threads 1 "$DIR/docs.jsonl")")
    some=$(mbps "$DIR/docs.jsonl" "$(once "$BIN" score --jsonl --format jsonl --fields id,reliability --threads 1 "$DIR/docs.jsonl")")
    echo "$py $full $some"
  done | python3 -c '
import statistics, sys
rounds = [list(map(float, line.split())) for line in sys.stdin]
py, full, some = (max(r[i] for r in rounds) for i in range(3))
print(f"tfidf MB/s {py:.2f} (best of {len(rounds)} rounds)")
for name, i, best in (("full explanations", 1, full), ("id and reliability, as the Python scorer writes", 2, some)):
    ratios = sorted(r[i] / r[0] for r in rounds)
    print(f"chaff MB/s {best:.1f} ({name}): {best / py:.1f}x best against best; "
          f"per round {statistics.median(ratios):.1f}x median, {ratios[0]:.1f}x to {ratios[-1]:.1f}x")
'
else
  echo "python3 with scikit-learn not found: comparison skipped"
fi
