#!/usr/bin/env bash
# Seeds each fuzz target's corpus with the project's own example documents and model (written
# for chaff; no corpus text), so that campaigns start from real pages, records and models.
set -euo pipefail
cd "$(dirname "$0")"
for target in score_text score_html load_bytes; do
  mkdir -p "corpus/$target"
  cp ../data/examples/pages/* "corpus/$target/"
done
mkdir -p corpus/jsonl_records corpus/load_model corpus/load_config
cp ../docs/chaff.example.toml corpus/load_config/
mkdir -p corpus/warc_records
cp seeds/crawl.warc corpus/warc_records/
cp ../data/examples/*.jsonl corpus/jsonl_records/
cp ../models/default.json corpus/load_model/
