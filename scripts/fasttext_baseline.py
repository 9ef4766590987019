#!/usr/bin/env python3
"""The fastText comparison scorer of the speed benchmark: a supervised fastText classifier (word
bigrams, as in scripts/loso_baselines.py) trained on every source of ../shared/corpus (reliable
against the rest), scoring JSON Lines in and JSON Lines out on one thread.

    python3 scripts/fasttext_baseline.py DOCS.jsonl OUT.jsonl

Prints the prediction throughput (training and loading excluded; reading, whitespace
normalisation, prediction and writing included, as chaff's figure includes its own) as
`fasttext MB/s <figure>`. Needs `pip install fasttext-wheel`.
"""
import glob, json, os, sys, tempfile, time

import fasttext

docs_path, out_path = sys.argv[1], sys.argv[2]
with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    for path in sorted(glob.glob("../shared/corpus/*.jsonl")):
        for line in open(path):
            d = json.loads(line)
            # reliable: the reliable label, and doctors' answers (HC3's "human"); LLMFake's
            # "human" stories are misinformation
            reliable = d.get("label") == "reliable" or (d.get("label") == "human" and "hc3" in path)
            label = "reliable" if reliable else "unreliable"
            f.write(f"__label__{label} " + " ".join(str(d.get("text", "")).split()) + "\n")
    name = f.name
model = fasttext.train_supervised(name, epoch=5, wordNgrams=2, seed=1, thread=1, verbose=0)
os.unlink(name)

start = time.perf_counter()
size = 0
with open(docs_path, "rb") as src, open(out_path, "w") as out:
    for line in src:
        size += len(line)
        d = json.loads(line)
        # The binding's own predict: fasttext-wheel's wrapper breaks on NumPy 2.
        pairs = model.f.predict(" ".join(d["text"].split()), 2, 0.0, "strict")
        p = {l: p for p, l in pairs}.get("__label__reliable", 0.0)
        out.write(json.dumps({"id": d["id"], "reliability": p}) + "\n")
elapsed = time.perf_counter() - start
print(f"fasttext MB/s {size / elapsed / 1e6:.2f}")
