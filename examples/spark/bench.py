"""Records a second per core: the Spark job in local mode against the command line, on the same
WARC files, WARC reading against JSON Lines on the same pages, and fastwarc (PyPI) reading the
same WARC files without scoring. Medians of several rounds,
each round running every side once, one after the other (the machine is shared and noisy).

    python3 examples/spark/bench.py [--docs FILE] [--files N] [--cores C] [--rounds R]

The pages are the bench corpus's HTML documents (`scripts/bench.sh` writes
/tmp/chaff-bench/docs_html.jsonl), each wrapped in an HTTP response record of a gzip-per-record
WARC file, as Common Crawl writes them.
"""

import argparse
import gzip
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]


def response(n, url, html):
    body = html.encode("utf-8")
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{n:08d}-0000-0000-0000-000000000000>\r\n"
            f"WARC-Date: 2026-12-06T08:00:00Z\r\nWARC-Target-URI: {url}\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n").encode()
    return gzip.compress(head + http + b"\r\n\r\n", compresslevel=6)


def seconds(command, env=None):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", default="/tmp/chaff-bench/docs_html.jsonl")
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--cores", type=int, default=os.cpu_count())
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--chaff", default=str(REPO / "target/release/chaff"))
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="chaff-spark-bench-"))
    docs = [json.loads(line) for line in open(args.docs, encoding="utf-8")]
    files = [work / f"crawl-{i}.warc.gz" for i in range(args.files)]
    outs = [open(f, "wb") for f in files]
    for n, doc in enumerate(docs):
        outs[n % args.files].write(response(n, f"https://example.org/{doc['id']}", doc["html"]))
    for f in outs:
        f.close()
    jsonl = work / "pages.jsonl"
    jsonl.write_text("".join(json.dumps({"id": d["id"], "html": d["html"]}) + "\n" for d in docs))
    listing = work / "listing.txt"
    listing.write_text("".join(f"file://{f}\n" for f in files))
    records = len(docs)
    size = sum(len(d["html"].encode()) for d in docs) / 1e6

    cli = [args.chaff, "score", "--format", "jsonl", "--quiet"]
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable,
               PYSPARK_SUBMIT_ARGS=f"--master local[{args.cores}] --driver-memory 2g pyspark-shell")
    spark = [sys.executable, str(HERE / "score_crawl.py"), str(listing), str(work / "out.parquet"),
             "--chaff", args.chaff]
    # fastwarc (PyPI) reading the same files: every response record's HTTP body read, no scoring.
    fastwarc_read = [sys.executable, "-c", (
        "import sys\n"
        "from fastwarc import ArchiveIterator, WarcRecordType\n"
        "n = 0\n"
        "for path in sys.argv[1:]:\n"
        "    with open(path, 'rb') as f:\n"
        "        for record in ArchiveIterator(f, record_types=WarcRecordType.response, parse_http=True):\n"
        "            n += 1\n"
        "            record.reader.read()\n"
        f"assert n == {len(docs)}, n\n")] + [str(f) for f in files]
    sides = {
        "JSON Lines, 1 thread": cli + ["--threads", "1", "--jsonl", str(jsonl)],
        "WARC, 1 thread": cli + ["--threads", "1", "--warc"] + [str(f) for f in files],
        f"WARC, {args.cores} threads": cli + ["--threads", str(args.cores), "--warc"] + [str(f) for f in files],
        f"Spark local[{args.cores}]": spark,
    }
    try:
        import fastwarc  # noqa: F401
        sides["fastwarc, reading only, 1 thread"] = fastwarc_read
    except ImportError:
        print("fastwarc not installed (pip install fastwarc): its reading is not measured")
    times = {name: [] for name in sides}
    for _ in range(args.rounds):
        for name, command in sides.items():
            times[name].append(seconds(command, env if name.startswith("Spark") else None))
    print(f"{records} pages ({size:.1f} MB of HTML) in {args.files} gzip-per-record WARC files; "
          f"median of {args.rounds} rounds")
    for name, ts in times.items():
        t = statistics.median(ts)
        cores = 1 if "1 thread" in name else args.cores
        print(f"{name}: {t:.2f} s, {records / t:.0f} records/s, {records / t / cores:.0f} records/s per core "
              f"({size / t:.1f} MB/s)")
    ratios = sorted(j / w for j, w in zip(times["JSON Lines, 1 thread"], times["WARC, 1 thread"]))
    print(f"WARC over JSON Lines throughput, 1 thread: median {statistics.median(ratios):.2f} "
          f"({ratios[0]:.2f} to {ratios[-1]:.2f})")
    spark_rate = records / statistics.median(times[f"Spark local[{args.cores}]"]) / args.cores
    print(f"3 billion pages at {spark_rate:.0f} records/s per core: {3e9 / spark_rate / 3600:,.0f} core-hours")


if __name__ == "__main__":
    main()
