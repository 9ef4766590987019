#!/usr/bin/env python3
"""Scores the development pages (data/dev/pages.tsv) saved by hand in FOLDER as <label>_<name>.txt,
and prints each page's judgement and, per unreliable label, the ROC-AUC of reliability against the
reliable and news pages (the share of pairs ranked right; ties count half).

    cargo build --release && scripts/dev_pages.py /tmp/dev [path/to/chaff]
"""
import json
import subprocess
import sys
from pathlib import Path

GOOD = {"reliable", "news"}


def main():
    folder = Path(sys.argv[1])
    chaff = sys.argv[2] if len(sys.argv) > 2 else "target/release/chaff"
    files = sorted(folder.glob("*.txt"))
    out = subprocess.run([chaff, "score", *map(str, files)], capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines():
        r = json.loads(line)
        label, _, name = Path(r["id"]).stem.partition("_")
        rows.append((label, name, r))
    for label, name, r in sorted(rows, key=lambda x: x[2]["reliability"]):
        top = sorted(r["contributions"], key=lambda c: -abs(c["contribution"]))[:3]
        print(f"{r['reliability']:.3f}  spam {r['spam']:.3f}  quality {r['quality']:.3f}  "
              f"{r['verdict']:<24} {label:<10} {name:<22}",
              " ".join(f"{c['feature']}{c['contribution']:+.2f}" for c in top))
    good = [r["reliability"] for label, _, r in rows if label in GOOD]
    print()
    for bad_label in sorted({label for label, _, _ in rows} - GOOD - {"uncertain"}):
        bad = [r["reliability"] for label, _, r in rows if label == bad_label]
        pairs = [(g > b) + 0.5 * (g == b) for g in good for b in bad]
        print(f"{bad_label:<10} {len(bad):>2} pages  ROC-AUC against {len(good)} reliable and news: "
              f"{sum(pairs) / len(pairs):.3f}")
    bad = [r["reliability"] for label, _, r in rows if label not in GOOD | {"uncertain"}]
    pairs = [(g > b) + 0.5 * (g == b) for g in good for b in bad]
    print(f"{'all':<10} {len(bad):>2} pages  ROC-AUC against {len(good)} reliable and news: "
          f"{sum(pairs) / len(pairs):.3f}")


if __name__ == "__main__":
    main()
