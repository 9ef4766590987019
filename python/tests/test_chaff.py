"""The Python package: reports equal the command line's, in order, from any thread, pickled.

Run with `pytest python/tests` after `pip install ./python`. The comparison with the command
line needs the chaff binary: `CHAFF_BIN`, or the repository's `target/release/chaff` or
`target/debug/chaff`; without one it is skipped (`.ci/run` builds it first).
"""

import json
import os
import pathlib
import pickle
import subprocess
import threading
import time

import pytest

import chaff

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "data" / "examples"


def records():
    """The example records written for chaff (spam and labelled pages)."""
    out = []
    for name in ("spam.jsonl", "labeled.jsonl"):
        with open(EXAMPLES / name, encoding="utf-8") as f:
            out.extend(json.loads(line) for line in f if line.strip())
    return out


def chaff_bin():
    for candidate in (os.environ.get("CHAFF_BIN"), REPO / "target/release/chaff", REPO / "target/debug/chaff"):
        if candidate and pathlib.Path(candidate).is_file():
            return str(candidate)
    return None


@pytest.fixture(scope="module")
def scorer():
    return chaff.Scorer()


def test_a_report_is_the_json_record_as_a_dict(scorer):
    report = scorer.score("Order today and get 50% off our miracle detox tea! Buy now, it melts fat fast!!!")
    assert report["verdict"] in ("sales page", "spam: generated filler", "spam: cure claims")
    assert report["spam"] > 0.5 and report["reliability"] < 0.5
    for field in ("quality", "news", "families", "contributions", "evidence", "spam_logit"):
        assert field in report
    # Exact decomposition: the spam logit is its intercept plus the spam head's contributions.
    spam = sum(c["contribution"] for c in report["contributions"] if c["head"] == "spam")
    assert report["spam_logit"] == pytest.approx(report["spam_intercept"] + spam, abs=1e-9)
    assert any(e["signal"].startswith("SELL") for e in report["evidence"])


def test_reports_equal_the_command_lines():
    binary = chaff_bin()
    if binary is None:
        # CI sets CHAFF_REQUIRE_DATA: there a missing binary fails instead of skipping.
        if os.environ.get("CHAFF_REQUIRE_DATA", "") not in ("", "0"):
            pytest.fail("no chaff binary, and CHAFF_REQUIRE_DATA is set")
        pytest.skip("no chaff binary (set CHAFF_BIN or cargo build)")
    inputs = records()
    lines = "".join(json.dumps({"id": str(i), "text": r["text"]}) + "\n" for i, r in enumerate(inputs))
    out = subprocess.run([binary, "score", "--jsonl", "--format", "jsonl", "--quiet"], input=lines.encode(),
                         capture_output=True, check=True)
    cli = [json.loads(line) for line in out.stdout.decode().splitlines()]
    ours = chaff.Scorer().score_many([r["text"] for r in inputs])
    assert len(cli) == len(ours) == len(inputs)
    for record, report in zip(cli, ours):
        record.pop("id")
        assert record == report


def test_html_pages_are_read_as_html(scorer):
    html = ("<html><head><title>Salt and blood pressure</title></head><body><nav>Home | About</nav>"
            "<p>In a trial of 412 adults, eating less salt lowered blood pressure by 5 mmHg.</p></body></html>")
    report = scorer.score_html(html)
    assert report["format"] == "html"
    assert report["title"] == "Salt and blood pressure"
    assert scorer.score(html)["format"] == "text"


def test_score_many_keeps_order_and_matches_score_on_any_number_of_threads(scorer):
    texts = [r["text"] for r in records()] * 3
    one_by_one = [scorer.score(t) for t in texts]
    assert scorer.score_many(texts) == one_by_one
    assert scorer.score_many(texts, threads=1) == one_by_one
    assert scorer.score_many(texts, threads=3) == one_by_one
    assert scorer.score_many([]) == []
    html = ["<p>Buy now!</p>", "<p>The trial enrolled 40 people.</p>"]
    assert scorer.score_many(html, html=True) == [scorer.score_html(h) for h in html]


def test_a_scorer_pickles_and_rebuilds_from_a_model_file(scorer):
    text = records()[0]["text"]
    again = pickle.loads(pickle.dumps(scorer))
    assert again.score(text) == scorer.score(text)
    from_file = chaff.Scorer(model=REPO / "models" / "default.json")
    assert from_file.score(text) == scorer.score(text)
    assert pickle.loads(pickle.dumps(from_file)).score(text) == scorer.score(text)
    assert [s[0] for s in scorer.signals()][:2] == ["SPUN001", "SPUN002"]


def test_bad_models_and_options_are_errors(tmp_path, scorer):
    with pytest.raises(OSError, match="no-such-model.json"):
        chaff.Scorer(model=tmp_path / "no-such-model.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{\"version\": 5, \"heads\": ")
    with pytest.raises(ValueError):
        chaff.Scorer(model=broken)
    with pytest.raises(ValueError, match="threads"):
        scorer.score_many(["a"], threads=0)
    with pytest.raises(TypeError):
        scorer.score(b"bytes are not text")


def test_score_many_lets_other_python_threads_run(scorer):
    # While a batch is scored, this thread keeps running Python: it could not, were the GIL
    # held for the whole batch (it would get through a handful of turns at most).
    texts = [r["text"] for r in records()] * 200
    started, done = threading.Event(), threading.Event()

    def work():
        started.set()
        scorer.score_many(texts, threads=1)
        done.set()

    worker = threading.Thread(target=work)
    worker.start()
    started.wait()
    turns = 0
    while not done.is_set():
        turns += 1
        time.sleep(0.0005)
    worker.join()
    assert turns > 20, f"only {turns} turns while the batch was scored"
