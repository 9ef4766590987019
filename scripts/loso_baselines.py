#!/usr/bin/env python3
"""Leave-one-source-out baselines beside chaff's: a TF-IDF (1-2 grams) + logistic regression and a
fastText classifier, trained on the same sources with the same label mapping as the shipped model
(models/sources.json), and judged the way `chaff eval --leave-one-source-out` judges chaff: each
source is predicted by a model trained on the other sources only, and each held-out source that
is not reliable is ranked (ROC-AUC of reliability) against every reliable document, each also
predicted while its own source was held out.

    pip install scikit-learn fasttext-wheel
    python3 scripts/loso_baselines.py [models/sources.json]

The spinning simulations of the manifest (`spin`) are left out: they need chaff's spinner. Prints
one row per held-out source and label: documents, and the ROC-AUC of each baseline.
"""
import json, os, sys, tempfile
from collections import defaultdict

os.environ.setdefault("OMP_NUM_THREADS", "1")
import fasttext
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

manifest_path = sys.argv[1] if len(sys.argv) > 1 else "models/sources.json"
folder = os.path.dirname(manifest_path)
docs = []  # (source, label, text)
for source in json.load(open(manifest_path))["sources"]:
    if source.get("spin"):
        continue
    path = os.path.join(folder, source["path"])
    name = os.path.splitext(os.path.basename(path))[0]
    labels = source.get("labels", {"reliable": "reliable", "unreliable": "unreliable"})
    for line in open(path):
        record = json.loads(line)
        text = record.get("text") or record.get("html") or ""
        docs.append((name, labels[record["label"]], text))

sources = sorted({d[0] for d in docs})
reliability = {"tfidf": [None] * len(docs), "fasttext": [None] * len(docs)}
for held in sources:
    train = [d for d in docs if d[0] != held]
    test = [i for i, d in enumerate(docs) if d[0] == held]
    y = [d[1] == "reliable" for d in train]
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=200000)
    x = vectorizer.fit_transform([d[2] for d in train])
    lr = LogisticRegression(max_iter=2000, class_weight="balanced").fit(x, y)
    p = lr.predict_proba(vectorizer.transform([docs[i][2] for i in test]))[:, 1]
    for i, v in zip(test, p):
        reliability["tfidf"][i] = v
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for d in train:
            label = "reliable" if d[1] == "reliable" else "unreliable"
            f.write(f"__label__{label} " + " ".join(d[2].split()) + "\n")
        name = f.name
    model = fasttext.train_supervised(name, epoch=10, wordNgrams=2, seed=1, thread=1, verbose=0)
    os.unlink(name)
    for i in test:
        # The binding's own predict: fasttext-wheel's wrapper breaks on NumPy 2.
        pairs = model.f.predict(" ".join(docs[i][2].split()), 2, 0.0, "strict")
        reliability["fasttext"][i] = {l: p for p, l in pairs}.get("__label__reliable", 0.0)
    print(f"held out {held}", file=sys.stderr)

print(f"{'source / label':32} {'documents':>9}  {'TF-IDF+LR':>9}  {'fastText':>8}")
groups = defaultdict(list)
for i, d in enumerate(docs):
    groups[(d[0], d[1])].append(i)
reliable = [i for i, d in enumerate(docs) if d[1] == "reliable"]
for (source, label), members in sorted(groups.items()):
    if label == "reliable":
        continue
    row = f"{source + ' / ' + label:32} {len(members):>9}"
    for method in ("tfidf", "fasttext"):
        scores = [reliability[method][i] for i in reliable + members]
        truth = [1] * len(reliable) + [0] * len(members)
        row += f"  {roc_auc_score(truth, scores):>9.3f}"
    print(row)
