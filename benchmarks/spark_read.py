"""Spark reads the corpus as the card says: counts, partition and timestamp types, microseconds; timed beside DuckDB.

    python -m benchmarks.spark_read CORPUS [--repeat 3]

Opt-in: needs ``pyspark`` and a Java runtime, which wirewash does not depend on, so without
pyspark it prints why it skipped and exits 0. For each dataset it checks that Spark's row count
equals the Parquet footers' (:func:`output.card.dataset_counts`), that ``crawl_date`` is a
``date``, every timestamp column a ``timestamp`` (not ``timestamp_ntz``, not a long), no column
a ``decimal(20,0)`` (what Spark makes of uint64), and that the latest timestamp keeps its
microseconds; then prints the median seconds of a full count in Spark and in DuckDB (the
baseline, same files, same process). Exit 1 if a check fails.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow.compute as pc

from output.card import dataset_counts
from output.schema import DATASETS, PARTITION_COLUMN
from pipelines.stats import read_dataset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.spark_read", description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="timed repetitions per reader (median reported)")
    args = parser.parse_args(argv)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        print("spark_read: skipped: pyspark is not installed (opt-in: pip install pyspark, plus a Java 17+ runtime)",
              file=sys.stderr)
        return 0
    corpus = args.corpus.resolve()
    counts = dataset_counts(corpus)
    spark = (SparkSession.builder.master("local[*]").appName("wirewash-spark-read")
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate())
    problems: list[str] = []
    try:
        for dataset, schema in DATASETS.items():
            if not counts[dataset]["files"]:
                continue
            frame = spark.read.parquet(str(corpus / dataset))
            problems += _check_types(dataset, dict(frame.dtypes), schema)
            if (rows := frame.count()) != counts[dataset]["rows"]:
                problems.append(f"{dataset}: Spark counts {rows} rows, the files hold {counts[dataset]['rows']}")
            problems += _check_microseconds(dataset, frame, corpus, schema)
            spark_s, duck_s = _timed_counts(spark, corpus / dataset, args.repeat)
            print(f"{dataset:<10} {rows:>10,} rows  {counts[dataset]['files']:>5} files  "
                  f"spark {spark_s:7.3f} s  duckdb {duck_s:7.3f} s")
    finally:
        spark.stop()
    for problem in problems:
        print(f"spark_read: FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


def _check_types(dataset: str, types: dict[str, str], schema) -> list[str]:
    problems = []
    if types.get(PARTITION_COLUMN) != "date":
        problems.append(f"{dataset}: {PARTITION_COLUMN} is {types.get(PARTITION_COLUMN)!r}, not date")
    for field in schema:
        if str(field.type).startswith("timestamp") and types.get(field.name) != "timestamp":
            problems.append(f"{dataset}: {field.name} is {types.get(field.name)!r}, not timestamp")
    problems += [f"{dataset}: {name} is {t}" for name, t in types.items() if t.startswith("decimal(20")]
    return problems


def _check_microseconds(dataset: str, frame, corpus: Path, schema) -> list[str]:
    """The latest value of each timestamp column, read by Spark (UTC session) and by pyarrow, must be equal."""
    problems = []
    for field in (f for f in schema if str(f.type).startswith("timestamp")):
        expected = pc.max(read_dataset(corpus, dataset, [field.name]).column(field.name)).as_py()
        got = frame.agg({field.name: "max"}).collect()[0][0]
        if expected is not None and got != expected.replace(tzinfo=None):
            problems.append(f"{dataset}: max({field.name}) is {got} in Spark, {expected} in the files")
    return problems


def _timed_counts(spark, folder: Path, repeat: int) -> tuple[float, float]:
    """Median seconds of a full count of one dataset: Spark, then DuckDB (the baseline)."""
    sql = f"select count(*) from read_parquet('{folder}/**/*.parquet', hive_partitioning = true)"
    return (_median(lambda: spark.read.parquet(str(folder)).count(), repeat),
            _median(lambda: duckdb.sql(sql).fetchall(), repeat))


def _median(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


if __name__ == "__main__":
    sys.exit(main())
