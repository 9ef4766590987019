#!/usr/bin/env python3
"""How optimistic is the grouped ROC-AUC after pruning the new lexicons on the whole corpus?

    cargo build --release && python3 scripts/pruning_check.py

A replica of the procedure in scikit-learn (regex matching instead of chaff's stems, L2 logistic
regression with balanced classes, 5 folds grouped by outlet, 6 fold seeds): the features of
every other signal come from `chaff score`; CITE005, CITE006, HYPE009 and HYPE010 are counted
here from their lexicons, (1) with the phrases that were pruned put back, (2) pruned as shipped
(chosen on the whole corpus), (3) pruned again inside each training fold by the same rule: drop
a phrase that fires on a larger share of reliable than of unreliable stories (and on at least
0.3% of reliable ones, so that a phrase seen once or twice is not judged).
"""
import json
import re
import subprocess

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

CORPUS = "../shared/corpus/fakehealth-healthstory.jsonl"
LEXICONS = {
    "CITE005": "press_release",
    "CITE006": "announcement",
    "HYPE009": "speculative_promise",
    "HYPE010": "disease_drama",
}
# The phrases removed from the shipped lexicons after looking at the whole corpus.
PRUNED = {
    "CITE006": ["announced", "in a statement", "unveiled"],
    "HYPE009": ["be able to", "are able to", "one day"],
    "HYPE010": ["sufferer", "sufferers", "deadly", "epidemic", "victim", "victims", "devastating"],
}

scored = subprocess.run(["target/release/chaff", "score", "--jsonl", "--format", "jsonl", CORPUS],
                        capture_output=True, text=True, check=True).stdout
rows = [json.loads(line) for line in scored.splitlines()]
values = [{c["feature"]: c["value"] for c in r["contributions"]} for r in rows]
others = [f for f in values[0] if f not in LEXICONS]
base = np.array([[v[f] for f in others] for v in values])
y = np.array([r["label"] == "reliable" for r in rows]).astype(int)
outlets = np.array([r["outlet"] for r in rows])
words = np.array([float(r["words"]) for r in rows])
text_of = {d["id"]: d["text"].lower() for d in map(json.loads, open(CORPUS))}
texts = [text_of[r["id"]] for r in rows]


def lexicon(feature):
    path = f"data/lexicons/{LEXICONS[feature]}.tsv"
    shipped = [l for l in open(path).read().split("\n") if l and not l.startswith("#")]
    return shipped + PRUNED.get(feature, [])


phrases = {f: lexicon(f) for f in LEXICONS}
# Occurrences of each phrase in each story (word boundaries, a few inflections).
counts = {
    (f, p): np.array([len(re.findall(r"\b" + re.escape(p) + r"(?:s|es|ed|d|ing|er|ers)?\b", t))
                      for t in texts])
    for f, ps in phrases.items() for p in ps
}


def rate(feature, kept):
    """Occurrences per 1,000 words, over at least 100 words, as chaff counts them."""
    total = sum((counts[(feature, p)] for p in kept), np.zeros(len(y)))
    return total / np.maximum(words, 100) * 1000


def grouped_auc(choose, seeds=range(6)):
    aucs = []
    for seed in seeds:
        groups = np.unique(outlets)
        order = dict(zip(groups, np.random.RandomState(seed).permutation(len(groups))))
        group_ids = np.array([order[o] for o in outlets])
        scores = np.zeros(len(y))
        for train, test in GroupKFold(5).split(base, y, group_ids):
            X = np.log1p(np.column_stack([base] + [rate(f, choose(f, train)) for f in LEXICONS]))
            mean, sd = X[train].mean(0), X[train].std(0) + 1e-9
            model = LogisticRegression(C=0.001, class_weight="balanced", max_iter=3000)
            model.fit((X[train] - mean) / sd, y[train])
            scores[test] = model.decision_function((X[test] - mean) / sd)
        aucs.append(roc_auc_score(y, scores))
    return np.mean(aucs), np.std(aucs)


def put_back(feature, train):
    return phrases[feature]


def shipped(feature, train):
    return [p for p in phrases[feature] if p not in PRUNED.get(feature, [])]


def pruned_in_fold(feature, train):
    if feature not in PRUNED:
        return phrases[feature]
    kept = []
    for p in phrases[feature]:
        fires = counts[(feature, p)][train] > 0
        reliable, unreliable = fires[y[train] == 1].mean(), fires[y[train] == 0].mean()
        if not (reliable > unreliable and reliable > 0.003):
            kept.append(p)
    return kept


for name, choose in [("phrases put back", put_back), ("pruned on the whole corpus (shipped)", shipped),
                     ("pruned inside each training fold", pruned_in_fold)]:
    mean, sd = grouped_auc(choose)
    print(f"{name:38s} grouped ROC-AUC {mean:.4f} (sd {sd:.4f} over 6 fold seeds)")
