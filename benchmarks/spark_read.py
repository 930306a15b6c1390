"""Spark reads the corpus as the card says: counts, partition and timestamp types, microseconds; timed beside DuckDB.

    SPARK_LOCAL_IP=127.0.0.1 python -m benchmarks.spark_read CORPUS [--master local[2]] [--repeat 3]

Opt-in: needs ``pyspark`` and a Java runtime (17+ for Spark 4), which wirewash does not depend
on, so without either it prints why it skipped and exits 0. Spark runs in local mode bound to
127.0.0.1 (``SPARK_LOCAL_IP`` defaults to it), with the session time zone UTC. Each dataset
directory (``articles/``, ``duplicates/``, ``errors/``) is read with ``spark.read.parquet`` and
hive partition discovery, and checked:

* Spark's row count equals pyarrow's (the Parquet footers, :func:`output.card.dataset_counts`);
* ``crawl_date`` is a ``date``; every timestamp column a ``timestamp`` (UTC-adjusted, not
  ``timestamp_ntz``, not a long); no column is a ``decimal(20,0)`` (what Spark makes of uint64);
* every timestamp column round-trips to the microsecond: count, min, max and the sum of the
  sub-second microseconds, as epoch microseconds (``unix_micros``), equal pyarrow's, and the
  latest value prints the same in Spark (UTC session) as in the files.

Then prints the median seconds of a full count in Spark and in DuckDB (the baseline, same files).
Exit 1 if a check fails.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from output.card import dataset_counts
from output.schema import DATASETS, PARTITION_COLUMN
from pipelines.stats import read_dataset

LOCAL_IP = "127.0.0.1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.spark_read", description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--master", default="local[2]", help="Spark master (default: local[2])")
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions per reader (median reported)")
    args = parser.parse_args(argv)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        print("spark_read: skipped: pyspark is not installed (opt-in: pip install pyspark, plus a Java 17+ runtime)",
              file=sys.stderr)
        return 0
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        print("spark_read: skipped: no Java runtime (java not on PATH, JAVA_HOME unset); Spark needs Java 17+",
              file=sys.stderr)
        return 0
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        parser.error(f"{corpus} is not a directory")
    counts = dataset_counts(corpus)
    os.environ.setdefault("SPARK_LOCAL_IP", LOCAL_IP)
    warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")  # pandas-version notices
    spark = (SparkSession.builder.master(args.master).appName("wirewash-spark-read")
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.host", os.environ["SPARK_LOCAL_IP"])
             .config("spark.driver.bindAddress", os.environ["SPARK_LOCAL_IP"]).getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    print(f"spark_read: Spark {spark.version} on {args.master}, session time zone "
          f"{spark.conf.get('spark.sql.session.timeZone')}, corpus {corpus}")
    problems: list[str] = []
    try:
        for dataset, schema in DATASETS.items():
            if not counts[dataset]["files"]:
                print(f"  {dataset:<10} no files: nothing to read")
                continue
            frame = spark.read.parquet(str(corpus / dataset))
            types = dict(frame.dtypes)
            found = _check_types(dataset, types, schema)
            rows = frame.count()
            if rows != counts[dataset]["rows"]:
                found.append(f"{dataset}: Spark counts {rows} rows, pyarrow (footers) {counts[dataset]['rows']}")
            stamps = [f.name for f in schema if pa.types.is_timestamp(f.type)]
            print(f"  {dataset:<10} {rows:>9,} rows (pyarrow {counts[dataset]['rows']:,})  "
                  f"{counts[dataset]['files']:,} files in {counts[dataset]['partitions']:,} partitions  "
                  f"{PARTITION_COLUMN}: {types.get(PARTITION_COLUMN)}  "
                  f"decimal(20,0): {sum(t.startswith('decimal(20') for t in types.values())}")
            for name in stamps:
                line, more = _check_timestamp(dataset, frame, corpus, name, types.get(name))
                print(f"    {name:<13} {line}")
                found += more
            spark_s, duck_s = _timed_counts(spark, corpus / dataset, args.repeat)
            print(f"    count(*)      spark {spark_s:.3f} s, duckdb {duck_s:.3f} s (median of {args.repeat})")
            problems += found
    finally:
        spark.stop()
    for problem in problems:
        print(f"spark_read: FAIL: {problem}", file=sys.stderr)
    print(f"spark_read: {'FAIL: ' + str(len(problems)) + ' problems' if problems else 'ok: every check passed'}")
    return 1 if problems else 0


def _check_types(dataset: str, types: dict[str, str], schema: pa.Schema) -> list[str]:
    problems = []
    if types.get(PARTITION_COLUMN) != "date":
        problems.append(f"{dataset}: {PARTITION_COLUMN} is {types.get(PARTITION_COLUMN)!r}, not date")
    missing = [f.name for f in schema if f.name not in types]
    if missing:
        problems.append(f"{dataset}: Spark does not see the columns {missing}")
    for field in schema:
        if pa.types.is_timestamp(field.type) and types.get(field.name) != "timestamp":
            problems.append(f"{dataset}: {field.name} is {types.get(field.name)!r}, not timestamp")
    problems += [f"{dataset}: {name} is {t}" for name, t in types.items() if t.startswith("decimal(20")]
    return problems


def _check_timestamp(dataset: str, frame, corpus: Path, name: str, spark_type: str | None) -> tuple[str, list[str]]:
    """One timestamp column as epoch microseconds in Spark and in pyarrow: count, min, max, sub-second sum.

    Compared as integers and as UTC text, never as Python datetimes: PySpark's ``collect`` turns a
    timestamp into a naive datetime in the Python process's local time zone, whatever the session's.
    """
    if spark_type != "timestamp":
        return f"{spark_type}: not compared", []
    column = read_dataset(corpus, dataset, [name]).column(name)
    micros = pc.drop_null(column.cast(pa.int64())).to_numpy()
    expected = (len(micros), int(micros.min()), int(micros.max()), int((micros % 1_000_000).sum())) if len(micros) \
        else (0, None, None, None)
    sub_second = int(np.count_nonzero(micros % 1_000_000))
    quoted = f"`{name}`"
    got = frame.selectExpr(f"count({quoted})", f"min(unix_micros({quoted}))", f"max(unix_micros({quoted}))",
                           f"sum(unix_micros({quoted}) % 1000000)",
                           f"date_format(max({quoted}), \"yyyy-MM-dd'T'HH:mm:ss.SSSSSS\")").collect()[0]
    got_figures = (got[0], got[1], got[2], got[3] if got[0] else None)
    latest = pc.max(column).as_py()
    latest_text = latest.strftime("%Y-%m-%dT%H:%M:%S.%f") if latest is not None else None
    problems = []
    if got_figures != expected:
        problems.append(f"{dataset}: {name} (count, min, max, sub-second sum) in epoch microseconds is {got_figures} "
                        f"in Spark, {expected} in the files")
    if got[4] != latest_text:
        problems.append(f"{dataset}: the latest {name} prints {got[4]} in Spark (UTC), {latest_text} in the files")
    if not expected[0]:
        return "timestamp, all null: nothing to compare", problems
    verdict = "round-trips" if not problems else "DIFFERS"
    return (f"timestamp, {expected[0]:,} values ({sub_second:,} with sub-second microseconds) {verdict}; "
            f"latest {got[4]}Z"), problems


def _timed_counts(spark, folder: Path, repeat: int) -> tuple[float, float]:
    """Median seconds of a full count of one dataset: Spark, then DuckDB (the baseline)."""
    sql = f"select count(*) from read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"
    return (_median(lambda: spark.read.parquet(str(folder)).count(), repeat),
            _median(lambda: duckdb.sql(sql).fetchall(), repeat))


def _median(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(max(repeat, 1)):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


if __name__ == "__main__":
    sys.exit(main())
