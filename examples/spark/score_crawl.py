"""Score a crawl with chaff on Spark, in the manner of Common Crawl's cc-pyspark jobs.

    spark-submit examples/spark/score_crawl.py LISTING OUTPUT [--chaff PATH] [--partitions N]

LISTING is a text file of input paths, one a line: WARC or WET files (`.warc`, `.warc.gz`,
`.wet`, `.wet.gz`) or JSON Lines files (`.jsonl`, `.ndjson`), local or on a file system every
executor can read. Each path is one task: the task pipes the file through the `chaff` binary
(`chaff score --warc` or `--jsonl`, JSON Lines out), so every executor reads WARC exactly as the
command line does (HTTP headers, charsets, gzip per record, truncated records as error rows)
and the scores are the command line's. OUTPUT is written as Parquet: one row per input record,
error records included, with the scores as typed columns and the whole record as JSON in
`record`.

The binary rather than the Python package (`python/`): the package scores text and HTML but
does not read WARC, and a task's start-up cost (one process per file) is small beside a Common
Crawl file's 40,000 records. `bench.py` beside this file measures the job against the command
line on the same files.
"""

import argparse
import json
import os
import shutil
import subprocess

from pyspark.sql import SparkSession
from pyspark.sql.types import (BooleanType, DoubleType, LongType, StringType, StructField,
                               StructType)

SCHEMA = StructType([
    StructField("path", StringType(), False),
    StructField("id", StringType(), True),
    StructField("url", StringType(), True),
    StructField("warc_record_id", StringType(), True),
    StructField("reliability", DoubleType(), True),
    StructField("verdict", StringType(), True),
    StructField("flagged", BooleanType(), True),
    StructField("spam", DoubleType(), True),
    StructField("spam_kind", StringType(), True),
    StructField("quality", DoubleType(), True),
    StructField("news", DoubleType(), True),
    StructField("words", LongType(), True),
    StructField("error", StringType(), True),
    StructField("record", StringType(), False),
])

WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz")


def chaff_command(binary, path):
    kind = "--warc" if path.endswith(WARC_SUFFIXES) else "--jsonl"
    return [binary, "score", kind, "--format", "jsonl", "--quiet", path]


def score_paths(binary):
    def score(paths):
        for path in paths:
            path = path.strip()
            if not path:
                continue
            local = path[len("file://"):] if path.startswith("file://") else path
            # Exit status 1 means some records are error records: they are rows too.
            proc = subprocess.Popen(chaff_command(binary, local), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            for line in proc.stdout:
                record = json.loads(line)
                yield (path, record.get("id"), record.get("url"), record.get("warc_record_id"),
                       record.get("reliability"), record.get("verdict"), record.get("flagged"),
                       record.get("spam"), record.get("spam_kind"), record.get("quality"),
                       record.get("news"), record.get("words"), record.get("error"),
                       line.decode("utf-8").rstrip("\n"))
            proc.stdout.close()
            status = proc.wait()
            if status not in (0, 1):
                raise RuntimeError(f"chaff failed on {path} (exit {status}): "
                                   f"{proc.stderr.read().decode(errors='replace')}")
    return score


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("listing", help="a text file of WARC, WET or JSON Lines paths, one a line")
    parser.add_argument("output", help="the Parquet directory to write")
    parser.add_argument("--chaff", default=os.environ.get("CHAFF_BIN") or shutil.which("chaff"),
                        help="the chaff binary, on every executor [default: CHAFF_BIN, or chaff on PATH]")
    parser.add_argument("--partitions", type=int, default=None,
                        help="tasks to split the listing into [default: one per path]")
    args = parser.parse_args()
    if not args.chaff:
        parser.error("no chaff binary: give --chaff or set CHAFF_BIN")

    spark = SparkSession.builder.appName("chaff-score-crawl").getOrCreate()
    sc = spark.sparkContext
    paths = [p for p in sc.textFile(args.listing).collect() if p.strip()]
    rdd = sc.parallelize(paths, args.partitions or max(1, len(paths)))
    rows = rdd.mapPartitions(score_paths(os.path.abspath(args.chaff)))
    spark.createDataFrame(rows, SCHEMA).write.mode("overwrite").parquet(args.output)
    spark.stop()


if __name__ == "__main__":
    main()
