#!/usr/bin/env python3
"""How optimistic is the grouped ROC-AUC after pruning the new lexicons on the whole corpus?

    cargo build --release && python3 scripts/pruning_check.py

A replica of the procedure in scikit-learn (regex matching instead of chaff's stems, L2 logistic
regression with balanced classes, 5 folds grouped by outlet, 6 fold seeds): the features of
every other signal come from `chaff score`; CITE005, CITE006, HYPE009 and HYPE010 are counted
here from their lexicons, (1) with the phrases that were pruned put back, (2) pruned as shipped
(chosen on the whole corpus), (3) pruned again inside each training fold by the same rule
(drop a phrase that fires on a larger share of reliable than of unreliable stories).
"""
import json, re, subprocess

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold
CORPUS = "../shared/corpus/fakehealth-healthstory.jsonl"
scored = subprocess.run(["target/release/chaff", "score", "--jsonl", "--format", "jsonl", CORPUS],
                        capture_output=True, text=True, check=True).stdout
rows = []
for line in scored.splitlines():
    r = json.loads(line)
    row = {"id": r["id"], "outlet": r["outlet"], "label": r["label"], "words": r["words"]}
    row.update({c["feature"]: c["value"] for c in r["contributions"]})
    rows.append(row)
docs={}
for l in open(CORPUS):
    d=json.loads(l); docs[d['id']]=d
new=('CITE005','CITE006','HYPE009','HYPE010')
feats=[k for k in rows[0] if k[:4] in ('CITE','HYPE','QUAL','SELL','SPUN') and k not in new]
base=np.array([[float(r[f]) for f in feats] for r in rows])
y=np.array([r['label']=='reliable' for r in rows]).astype(int)
g=np.array([r['outlet'] for r in rows]); words=np.array([float(r['words']) for r in rows])
texts=[docs[r['id']]['text'].lower() for r in rows]
def lex(path, extra=()):
    return [l for l in open(path).read().split('\n') if l and not l.startswith('#')]+list(extra)
L={'CITE005':lex('data/lexicons/press_release.tsv'),
   'CITE006':lex('data/lexicons/announcement.tsv',['announced','in a statement','unveiled']),
   'HYPE009':lex('data/lexicons/speculative_promise.tsv',['be able to','are able to','one day']),
   'HYPE010':lex('data/lexicons/disease_drama.tsv',['sufferer','sufferers','deadly','epidemic','victim','victims','devastating'])}
PRUNED={'CITE006':['announced','in a statement','unveiled'],'HYPE009':['be able to','are able to','one day'],'HYPE010':['sufferer','sufferers','deadly','epidemic','victim','victims','devastating']}
# counts per phrase per doc (simple: word-boundary, allow suffixes s/ed/ing/er/ers)
C={}
for f,ps in L.items():
    for p in ps:
        rx=re.compile(r'\b'+re.escape(p)+r'(?:s|es|ed|d|ing|er|ers)?\b')
        C[(f,p)]=np.array([len(rx.findall(t)) for t in texts])
def feat(f, phrases):
    return sum((C[(f,p)] for p in phrases), np.zeros(len(y)))/np.maximum(words,100)*1000
def auc_with(choose, seeds=range(6)):
    res=[]
    for s in seeds:
        rng=np.random.RandomState(s); ug=np.unique(g); perm=dict(zip(ug,rng.permutation(len(ug))))
        gi=np.array([perm[x] for x in g]); p=np.zeros(len(y))
        for tr,te in GroupKFold(5).split(base,y,gi):
            cols=[feat(f, choose(f,tr)) for f in new]
            X=np.log1p(np.column_stack([base]+cols))
            mu=X[tr].mean(0); sd=X[tr].std(0)+1e-9
            m=LogisticRegression(C=0.001,class_weight='balanced',max_iter=3000).fit((X[tr]-mu)/sd,y[tr])
            p[te]=m.decision_function((X[te]-mu)/sd)
        res.append(roc_auc_score(y,p))
    return np.mean(res), np.std(res)
full=lambda f,tr: L[f]
glob=lambda f,tr: [p for p in L[f] if p not in PRUNED.get(f,[])]
def fold(f,tr):
    if f=='CITE005': return L[f]
    keep=[]
    for p in L[f]:
        fires=C[(f,p)][tr]>0
        r=fires[y[tr]==1].mean(); u=fires[y[tr]==0].mean()
        if not (r>u and r>0.003): keep.append(p)
    return keep
for name, choose in [("phrases put back", full), ("pruned on the whole corpus (shipped)", glob),
                     ("pruned inside each training fold", fold)]:
    mean, sd = auc_with(choose)
    print(f"{name:38s} grouped ROC-AUC {mean:.4f} (sd {sd:.4f} over 6 fold seeds)")
