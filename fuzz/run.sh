#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 60), seeded with the project's own examples
# and the dictionary, on the nightly toolchain, and prints libFuzzer's closing line per target
# (executions, coverage, corpus). Exits non-zero on the first crash, whose input is kept under
# fuzz/artifacts/TARGET/.
#
#     fuzz/run.sh 60
#
# Without sanitizer (-s none): chaff has no unsafe code of its own to check, and the address
# sanitizer made runs about 7 times slower. Inputs up to 64 KB, grown by the targets into
# documents of up to 256 KB (see src/lib.rs).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
./seed.sh
for target in score_text score_html jsonl_records load_model load_bytes load_config warc_records; do
  log="$(mktemp)"
  if ! cargo +nightly fuzz run -s none "$target" -- -dict=dict/chaff.dict -max_len=65536 \
      -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz: $target failed" >&2
    exit 1
  fi
  echo "$target: $(grep -E 'DONE' "$log" | tail -1)"
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" | sed "s/^/$target: /"
  rm -f "$log"
done
