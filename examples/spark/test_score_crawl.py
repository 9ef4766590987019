"""The Spark job in local mode on a small crawl written here: every record the command line
writes for each file is one row, with the command line's scores.

    CHAFF_BIN=target/release/chaff python3 -m pytest examples/spark

Needs pyspark (PyPI) and Java 17; `.ci/run` installs both.
"""

import gzip
import json
import os
import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]


def warc_record(kind, n, block, uri=None, content_type="application/http; msgtype=response"):
    headers = ["WARC/1.0", f"WARC-Type: {kind}", f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012d}>",
               "WARC-Date: 2026-12-06T08:00:00Z"]
    if uri:
        headers.append(f"WARC-Target-URI: {uri}")
    headers += [f"Content-Type: {content_type}", f"Content-Length: {len(block)}"]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def http_page(html, charset="utf-8"):
    body = html.encode(charset)
    head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset={charset}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body


# Pages written for this test.
PAGES = [
    "<html><head><title>Detox tea</title></head><body><p>Order today and get 50% off our miracle "
    "detox tea! Limited time offer. Buy now, this breakthrough formula melts fat fast!!!</p></body></html>",
    "<html><head><title>Salt</title></head><body><p>In a trial of 412 adults, eating less salt lowered "
    "blood pressure by 5 mmHg on average over six months, the researchers reported in the journal.</p>"
    "</body></html>",
    "<html><head><title>Caf\u00e9 cure</title></head><body><p>Our clinic's caf\u00e9 serves a cure for "
    "diabetes: book your free consultation now and reverse diabetes in 30 days.</p></body></html>",
]


def write_crawl(folder):
    """Three WARC files (gzip per record, one in windows-1252, one truncated), a WET file and a
    JSON Lines file; returns their paths."""
    paths = []
    gz = folder / "crawl-0.warc.gz"
    with open(gz, "wb") as f:
        f.write(gzip.compress(warc_record("warcinfo", 0, b"software: test\r\n", content_type="application/warc-fields")))
        for i, page in enumerate(PAGES):
            f.write(gzip.compress(warc_record("request", 10 + i, b"GET / HTTP/1.1\r\n\r\n", f"https://example.org/{i}",
                                              "application/http; msgtype=request")))
            f.write(gzip.compress(warc_record("response", 20 + i, http_page(page), f"https://example.org/{i}")))
    paths.append(gz)
    latin = folder / "crawl-1.warc"
    latin.write_bytes(warc_record("response", 30, http_page(PAGES[2], "windows-1252"), "https://example.org/latin"))
    paths.append(latin)
    cut = folder / "crawl-2.warc"
    whole = warc_record("response", 40, http_page(PAGES[1]), "https://example.org/whole")
    broken = warc_record("response", 41, http_page(PAGES[0]), "https://example.org/cut")
    cut.write_bytes(whole + broken[: len(broken) // 2])
    paths.append(cut)
    wet = folder / "crawl-3.warc.wet"
    text = "Vitamin D is made in the skin. A trial of 200 people found no effect on colds."
    wet.write_bytes(warc_record("conversion", 50, text.encode(), "https://example.org/wet", "text/plain"))
    paths.append(wet)
    jsonl = folder / "pages.jsonl"
    jsonl.write_text("".join(json.dumps({"id": f"j{i}", "html": p}) + "\n" for i, p in enumerate(PAGES)) + "not json\n")
    paths.append(jsonl)
    return paths


def chaff_bin():
    for candidate in (os.environ.get("CHAFF_BIN"), REPO / "target/release/chaff", REPO / "target/debug/chaff"):
        if candidate and pathlib.Path(candidate).is_file():
            return str(pathlib.Path(candidate).resolve())
    return None


def required():
    return os.environ.get("CHAFF_REQUIRE_DATA", "") not in ("", "0")


def test_every_record_is_one_row_with_the_command_lines_scores(tmp_path):
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if required():
            pytest.fail("pyspark is missing and CHAFF_REQUIRE_DATA is set")
        pytest.skip("pyspark is missing (pip install pyspark; Java 17)")
    binary = chaff_bin()
    if binary is None:
        if required():
            pytest.fail("no chaff binary and CHAFF_REQUIRE_DATA is set")
        pytest.skip("no chaff binary (set CHAFF_BIN or cargo build)")
    paths = write_crawl(tmp_path)
    listing = tmp_path / "listing.txt"
    listing.write_text("".join(f"file://{p}\n" for p in paths))
    out = tmp_path / "scores.parquet"
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    job = subprocess.run([sys.executable, str(HERE / "score_crawl.py"), str(listing), str(out), "--chaff", binary],
                         env=env, capture_output=True, text=True)
    assert job.returncode == 0, job.stderr[-3000:]

    # What the command line writes for each file, line for line: the job's rows must hold
    # exactly these records, whatever order the tasks ran in.
    expected = []
    for p in paths:
        kind = "--jsonl" if str(p).endswith(".jsonl") else "--warc"
        cli = subprocess.run([binary, "score", kind, "--format", "jsonl", "--quiet", str(p)], capture_output=True)
        assert cli.returncode in (0, 1)
        expected += [(f"file://{p}", line) for line in cli.stdout.decode().splitlines()]

    import pyarrow.parquet as pq
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == len(expected)
    assert sorted((r["path"], r["record"]) for r in rows) == sorted(expected)
    for r in rows:
        record = json.loads(r["record"])
        for column in ("id", "url", "reliability", "verdict", "spam", "error"):
            assert r[column] == record.get(column), column
    # The crawl holds what it was written to hold: the truncated record and the line that is
    # not JSON are error rows; the request and warcinfo records are skipped.
    assert sum(r["error"] is not None for r in rows) == 2
    assert len(rows) == 3 + 1 + 2 + 1 + 4
    sales = [r for r in rows if r["url"] == "https://example.org/0"]
    assert len(sales) == 1 and sales[0]["spam"] > 0.5 and sales[0]["flagged"]
