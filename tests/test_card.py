"""The dataset card, and the readers it promises: its snippets run, its types are what readers get."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import sys

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
from test_stats import sample_corpus

from output.card import CARD, COLUMN_MEANING, dataset_counts, render_card, write_card
from output.schema import DATASETS, PARTITION_COLUMN

NOW = dt.datetime(2026, 11, 21, 7, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    copy = tmp_path_factory.mktemp("card") / "corpus"
    shutil.copytree(sample_corpus(tmp_path_factory), copy)
    return copy


def test_every_column_of_every_dataset_is_explained():
    names = {f.name for schema in DATASETS.values() for f in schema}
    assert names == set(COLUMN_MEANING)


def test_card_lists_columns_with_schema_types_and_the_counts(corpus):
    card = write_card(corpus, now=NOW).read_text(encoding="utf-8")
    for name, schema in DATASETS.items():
        section = card.split(f"## Columns of `{name}/`", 1)[1].split("\n## ", 1)[0]
        for field in schema:
            assert re.search(rf"^\| `{field.name}` \| `[^`]+` \| {'yes' if field.nullable else 'no'} \|", section, re.MULTILINE), field
        assert f"| `{PARTITION_COLUMN}` |" in section
    assert "| `published_at` | `timestamp[us, tz=UTC]` |" in card
    for name, c in dataset_counts(corpus).items():
        assert f"| `{name}/` | {c['rows']:,} | {c['files']:,} | {c['partitions']:,} |" in card
    for reader in ("duckdb", "polars", "pandas", "pyspark"):
        assert f"import {reader}" in card or f"from {reader}" in card
    assert "last updated 2026-11-21 07:30 UTC after run `" in card  # the moment of the run that wrote it


def test_card_is_replaced_atomically(corpus):
    (corpus / CARD).write_text("stale", encoding="utf-8")
    write_card(corpus, now=NOW)
    assert (corpus / CARD).read_text(encoding="utf-8").startswith("# wirewash corpus")
    assert not list(corpus.glob(".*.tmp"))


def test_card_snippets_run_as_written(corpus, capsys):
    card = render_card(corpus, now=NOW)
    blocks = re.findall(r"```python\n(.*?)```", card, re.DOTALL)
    assert len(blocks) == 4
    rows = dataset_counts(corpus)["articles"]["rows"]
    for block in blocks:
        if "pyspark" in block:
            continue  # opt-in: benchmarks/spark_read.py
        scope: dict = {}
        exec(block, scope)  # noqa: S102 - the card's own snippets, against a test corpus
        if "pd.read_parquet" in block:
            assert len(scope["articles"]) == rows
    assert "crawl_date" in capsys.readouterr().out  # DuckDB's .show()
    (sql,) = re.findall(r"```sql\n(.*?)```", card, re.DOTALL)
    copies = duckdb.sql(sql).fetchall()
    assert len(copies) == rows + dataset_counts(corpus)["duplicates"]["rows"]
    assert all(row[4] is None for row in copies if row[0] == row[1])  # kept row first in its story


def test_duckdb_and_polars_read_partition_and_timestamps_as_documented(corpus):
    glob = f"{corpus}/articles/**/*.parquet"
    described = duckdb.sql(f"describe select * from read_parquet('{glob}', hive_partitioning = true)").fetchall()
    types = {name: type_ for name, type_, *_ in described}
    assert types["crawl_date"] == "DATE"
    assert types["published_at"] == types["fetched_at"] == "TIMESTAMP WITH TIME ZONE"
    frame = pl.scan_parquet(glob, hive_partitioning=True)
    schema = frame.collect_schema()
    assert schema["crawl_date"] == pl.Date
    assert schema["fetched_at"] == pl.Datetime("us", "UTC") == schema["published_at"]
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    for dataset, column in (("articles", "fetched_at"), ("errors", "at")):  # errors are stamped with now(): microseconds
        raw = sorted((r["source_uri"], r[column]) for p in corpus.glob(f"{dataset}/*/*.parquet")
                     for r in pq.read_table(p, columns=["source_uri", column]).to_pylist())
        files = f"{corpus}/{dataset}/**/*.parquet"
        via_duckdb = sorted(con.execute(f'select source_uri, "{column}" from read_parquet(\'{files}\')').fetchall())
        via_polars = sorted(pl.scan_parquet(files).select("source_uri", column).collect().iter_rows())
        assert via_duckdb == via_polars == raw
        assert all(t.utcoffset() == dt.timedelta(0) for _, t in raw if t)
    assert any(t.microsecond % 1000 for _, t in raw)
    days = {str(d) for (d,) in duckdb.sql(f"select distinct crawl_date from read_parquet('{glob}')").fetchall()}
    assert days == {p.name.split("=")[1] for p in (corpus / "articles").iterdir()}


def test_spark_benchmark_is_opt_in(corpus, capsys, monkeypatch):
    """Without pyspark it says why and exits 0 (with pyspark: ``python -m benchmarks.spark_read CORPUS``, slow)."""
    from benchmarks.spark_read import main

    monkeypatch.setitem(sys.modules, "pyspark", None)  # importing it now raises ImportError, installed or not
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    assert main([str(corpus)]) == 0
    assert "skipped: pyspark is not installed" in capsys.readouterr().err
