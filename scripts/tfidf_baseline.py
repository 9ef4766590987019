#!/usr/bin/env python3
"""The comparison scorer of the speed benchmark: TF-IDF (1-2 grams) + logistic regression
(scikit-learn), trained on FakeHealth, scoring JSON Lines in and JSON Lines out on one core.

    python3 scripts/tfidf_baseline.py DOCS.jsonl OUT.jsonl

Prints the scoring throughput (training time excluded) as `tfidf MB/s <figure>`.
"""
import json, os, sys, time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

docs_path, out_path = sys.argv[1], sys.argv[2]
train = [json.loads(l) for l in open("../shared/corpus/fakehealth-healthstory.jsonl")]
vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
X = vectorizer.fit_transform([d["text"] for d in train])
model = LogisticRegression(max_iter=1000, class_weight="balanced").fit(
    X, [d["label"] == "reliable" for d in train])

start = time.perf_counter()
size = 0
with open(docs_path, "rb") as src, open(out_path, "w") as out:
    batch = []
    def flush():
        if not batch:
            return
        probs = model.predict_proba(vectorizer.transform([d["text"] for d in batch]))[:, 1]
        for d, p in zip(batch, probs):
            out.write(json.dumps({"id": d["id"], "reliability": float(p)}) + "\n")
        batch.clear()
    for line in src:
        size += len(line)
        batch.append(json.loads(line))
        if len(batch) == 256:
            flush()
    flush()
elapsed = time.perf_counter() - start
print(f"tfidf MB/s {size / elapsed / 1e6:.2f}")
