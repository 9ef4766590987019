#!/usr/bin/env python3
"""Curates data/lexicons/tortured.tsv from the Problematic Paper Screener list in ../shared/lexicons.

Selection: entries whose expected phrase is about health, minus a hand-kept list of entries that are
ordinary language, plus spinner outputs this project wrote itself; then every phrase that occurs in
any document of ../shared/corpus (real, unspun text) is dropped, so the list stays quiet on good
writing. Run from the repository root:  python3 scripts/curate_tortured.py
"""
import json, re, pathlib

import snowballstemmer

STEM = snowballstemmer.stemmer("english")

SHARED = pathlib.Path("../shared")
HEALTH = re.compile(r"\b(cancer|tumou?r|disease|blood|heart|patient|clinical|medic|health|drug|diabet|kidney|liver|lung|breast|brain|pain|therap|treat|symptom|infect|virus|bacteri|surg|diagnos|pressure|immun|vaccin|pregnan|stroke|depress|anxiety|hospital|nurs|side effect|bone|skin|stomach|bowel|colon|artery|cardi|renal|asthma|arthritis|alzheimer|parkinson|dementia|syndrome|chronic|acute|risk factor|placebo|trial|cholesterol|insulin|glucose|sugar|fever|cough|headache|crohn|huntington|hepatitis|anemia|leukemia|sclerosis)", re.I)
# Ordinary language (or not health) although the screener lists it.
ORDINARY = {
    "malignant growth", "benign tumor", "benign cancer", "diabetic retinopathy", "neural network",
    "dimensionality reduction (dr)", "persistent fatigue syndrome", "constant fatigue syndrome",
    "ongoing fatigue syndrome", "sound individuals", "heart ailments", "liver ailments",
    "kidney ailments", "eye ailments", "plant ailments", "coronary illness", "breast illness",
    "sunlight-based cell", "sun-oriented cell", "sun powered cell", "phone core", "mind waves",
    "fluka kamica", "with macs", "magnetic cell separation", "medical expertise (ha)",
    "extreme acid/base", "healthcare answer", "fitness statistics", "fitness situation",
    "cancer grouping", "obvious anti-tumor activity", "soil wellbeing", "gulf pressure",
    "creature well-being", "companion in nursing", "structural health observance",
    "structural fitness observance", "structural health watching", "pressure vitality",
    "mellow disease", "mind surgery", "remedy research", "personalized remedies",
    "proximity of the disease", "cardiovascular movement", "tainted phones", "liquid logic",
    "newtonian drink", "rewarding infection", "openness therapy", "bacterial prosperity",
    "fever, hack", "hack signals", "hack noises", "seepage flux", "intense angle",
    "subterranean insect state", "lung fundamentally", "upsetting environments",
    "natural liquids", "tumor web page", "ghastly transition", "radiation warm flux",
    "medical aid management", "patient gathering", "gathering of patients", "supply route",
    "tolerant injury", "mind signal", "dry hack", "serious intense respiratory disorder",
}
# Spinner outputs for everyday health words, written for this project (phrase, expected).
OWN = [
    ("bosom malignancy", "breast cancer"), ("bosom malignant growth", "breast cancer"),
    ("lung malignant growth", "lung cancer"), ("prostate malignant growth", "prostate cancer"),
    ("colon malignant growth", "colon cancer"), ("peevish entrail issue", "irritable bowel disorder"),
    ("peevish entrail", "irritable bowel"), ("crabby bowel", "irritable bowel"),
    ("irritable entrail", "irritable bowel"), ("blood strain", "blood pressure"),
    ("circulatory strain", "blood pressure"), ("aspect impacts", "side effects"),
    ("facet results", "side effects"), ("incidental effects", "side effects"),
    ("unfriendly impacts", "adverse effects"), ("unfavorable impacts", "adverse effects"),
    ("torment reliever", "pain reliever"), ("agony killer", "painkiller"),
    ("torment prescription", "pain medication"), ("doctor prescribed medication", "prescription medication"),
    ("doctor prescribed drug", "prescription drug"), ("physician endorsed drug", "prescription drug"),
    ("coronary episode", "heart attack"), ("cell reinforcements", "antioxidants"),
    ("free extremists", "free radicals"), ("omega 3 unsaturated fats", "omega-3 fatty acids"),
    ("eating regimen", "diet"), ("eating routine", "diet"), ("stomach related framework", "digestive system"),
    ("conceptive framework", "reproductive system"), ("safe framework", "immune system"),
    ("medical care supplier", "healthcare provider"), ("clinical preliminary", "clinical trial"),
    ("clinical preliminaries", "clinical trials"), ("fake treatment gathering", "placebo group"),
    ("twofold visually impaired", "double-blind"), ("terrible cholesterol", "bad cholesterol"),
    ("affront opposition", "insulin resistance"), ("sugar ailment", "diabetes"),
    ("mind harm", "brain damage"), ("persistent aggravation", "chronic inflammation"),
    ("joint aggravation", "joint inflammation"), ("weight reduction medical procedure", "weight-loss surgery"),
    ("medical procedure", "surgery"), ("wellbeing plan", "health plan"),
    ("nutrient d lack", "vitamin D deficiency"), ("nutrient b12 lack", "vitamin B12 deficiency"),
    ("glucose levels spike", "blood sugar spikes"), ("ldl cholesterol levels", "LDL cholesterol levels"),
]

def clean(expected):
    expected = re.sub(r"\s*[\(\[][^\)\]]*[\)\]]", "", expected)  # drop "(rct)", "[virus]", "(?)"
    return expected.replace("?", "").split("/")[0].strip()

def main():
    pps = json.loads((SHARED / "lexicons/torturedcheck_tortured-phrases.json").read_text())["phrases"]
    chosen = {}
    for p in pps:
        tortured, expected = p["tortured"].strip().lower(), clean(p["correct"])
        if tortured in ORDINARY or not HEALTH.search(p["correct"]) or not expected:
            continue
        if re.search(r"[\(\)\[\]\\\"]", tortured) or tortured == expected.lower():
            continue
        chosen.setdefault(tortured, (expected, "PPS"))
    for tortured, expected in OWN:
        chosen[tortured] = (expected, "chaff")
    # Drop every phrase that real, unspun documents use.
    texts = []
    for name in ["medquad.jsonl", "fakehealth-healthstory.jsonl"]:
        for line in (SHARED / "corpus" / name).open():
            texts.append(" ".join(re.findall(r"\w+", json.loads(line)["text"].lower())))
    corpus = "\n".join(texts)
    kept, dropped, stems_kept = [], [], set()
    for tortured, (expected, source) in sorted(chosen.items()):
        words = " ".join(re.findall(r"\w+", tortured))
        # chaff matches phrases by stem, and the first entry with given stems owns every match:
        # a later one ("bosom malignant" after "bosom malignancy") would never match by itself.
        stems = tuple(STEM.stemWords(re.findall(r"\w+(?:'\w+)*", tortured)))
        if re.search(r"\b" + re.escape(words) + r"\b", corpus):
            dropped.append(tortured)
        elif stems not in stems_kept:
            stems_kept.add(stems)
            kept.append((tortured, expected, source))
    out = pathlib.Path("data/lexicons/tortured.tsv")
    with out.open("w") as f:
        f.write("# Tortured phrases: spinner and paraphraser outputs for health terms.\n")
        f.write("# Fields: tortured phrase <TAB> expected phrase <TAB> source (PPS = Problematic Paper\n")
        f.write("# Screener list, CC BY 4.0; chaff = written for this project). Generated by\n")
        f.write("# scripts/curate_tortured.py; phrases found in ../shared/corpus were dropped.\n")
        for row in kept:
            f.write("\t".join(row) + "\n")
    print(f"kept {len(kept)}, dropped {len(dropped)} that real text uses: {', '.join(dropped)}")

main()
