"""Compaction: fewer files, the same rows, readers never see a different count, the lock is respected."""
from __future__ import annotations

import datetime as dt
import errno
import shutil
import threading

import duckdb
import pyarrow.parquet as pq
import pytest
from test_stats import SAMPLES, sample_corpus

import output.compact as compact_module
from output.card import dataset_files
from output.compact import CompactionUnsupported, compact
from output.lock import CorpusLocked, corpus_lock
from output.schema import DATASETS
from pipelines.config import RunConfig
from pipelines.run import ingest

NOW = dt.datetime(2026, 11, 21, 7, 30, tzinfo=dt.UTC)


@pytest.fixture
def corpus(tmp_path_factory, tmp_path):
    copy = tmp_path / "corpus"
    shutil.copytree(sample_corpus(tmp_path_factory), copy)
    return copy


def snapshot(corpus) -> dict[str, list]:
    """Every row of every dataset (all columns, partition included), in a canonical order."""
    con = duckdb.connect()
    con.execute("set timezone = 'UTC'")
    return {name: sorted(map(repr, con.execute(f"select * from read_parquet('{corpus}/{name}/**/*.parquet', "
                                                 "hive_partitioning = true)").fetchall()))
            for name in DATASETS}


def listing(corpus) -> list[str]:
    return sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*") if ".wirewash.lock" not in p.name)


def test_compact_keeps_every_row_and_reduces_files(corpus):
    before, files_before = snapshot(corpus), {d: dataset_files(corpus, d) for d in DATASETS}
    summary = compact(corpus, now=NOW)
    assert snapshot(corpus) == before
    files_after = {d: dataset_files(corpus, d) for d in DATASETS}
    assert sum(map(len, files_after.values())) < sum(map(len, files_before.values()))
    assert summary["files_before"] - summary["files_after"] == (
        sum(map(len, files_before.values())) - sum(map(len, files_after.values())))
    for dataset, files in files_after.items():
        assert len(files) == len({f.parent for f in files})  # one file per partition now
        for f in files:
            schema = pq.read_schema(f)
            assert schema.equals(DATASETS[dataset]) and schema.metadata == DATASETS[dataset].metadata
    merged = [f for files in files_after.values() for f in files if f.name.startswith("part-compact-")]
    assert {f.parent.parent.name for f in merged} == {p["dataset"] for p in summary["partitions"]}
    assert all(f.name.startswith(f"part-compact-{summary['compaction_id']}-") for f in merged)
    assert not any((corpus / "_staging").iterdir())
    assert f"| {len(files_after['articles'])} |" in (corpus / "README.md").read_text(encoding="utf-8")
    assert compact(corpus, now=NOW)["partitions"] == []  # nothing left to merge


def test_readers_never_see_a_different_count_during_compaction(corpus, monkeypatch):
    sql = " union all ".join(f"select '{d}', count(*) from read_parquet('{corpus}/{d}/**/*.parquet', "
                             "hive_partitioning = true)" for d in DATASETS)
    expected = sorted(duckdb.sql(sql).fetchall())
    seen, failures, stop = [], [], threading.Event()
    reads = threading.Semaphore(0)

    def reader() -> None:
        con = duckdb.connect()
        while not stop.is_set():
            try:
                seen.append(sorted(con.execute(sql).fetchall()))
            except duckdb.IOException as exc:  # listed the old files, opened after the swap: retry
                failures.append(str(exc))
            reads.release()

    real_exchange = compact_module._exchange

    def exchange_between_reads(a, b) -> None:  # make sure reads run right before and right after every swap
        for _ in range(3):
            reads.acquire(timeout=5)
        real_exchange(a, b)
        for _ in range(3):
            reads.acquire(timeout=5)

    monkeypatch.setattr(compact_module, "_exchange", exchange_between_reads)
    thread = threading.Thread(target=reader)
    thread.start()
    try:
        summary = compact(corpus, now=NOW)
    finally:
        stop.set()
        thread.join()
    assert summary["partitions"]
    assert len(seen) >= 6 * len(summary["partitions"])
    assert all(counts == expected for counts in seen)
    assert all("No such file" in f for f in failures), failures


def test_compact_refuses_a_locked_corpus(corpus):
    before = listing(corpus)
    with corpus_lock(corpus), pytest.raises(CorpusLocked):
        compact(corpus, now=NOW)
    assert listing(corpus) == before


def test_a_run_after_compaction_still_knows_every_input(corpus):
    compact(corpus, now=NOW)
    before = snapshot(corpus)
    manifest = ingest([SAMPLES], corpus, RunConfig(workers=1))  # the same inputs again: nothing new
    assert manifest["counts"].get("documents", 0) == 0
    assert snapshot(corpus) == before


def test_a_failed_swap_leaves_the_corpus_as_it_was(corpus, monkeypatch):
    before = listing(corpus)
    calls = []
    real_exchange = compact_module._exchange

    def fail_after_probe(a, b):
        calls.append(a)
        if len(calls) > 1:
            raise OSError(errno.EIO, "disk on fire")
        real_exchange(a, b)

    monkeypatch.setattr(compact_module, "_exchange", fail_after_probe)
    with pytest.raises(OSError, match="disk on fire"):
        compact(corpus, now=NOW)
    assert listing(corpus) == before


def test_compact_refuses_to_start_without_an_atomic_exchange(corpus, monkeypatch):
    before = listing(corpus)

    def unsupported(a, b):
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(compact_module, "_exchange", unsupported)
    with pytest.raises(CompactionUnsupported, match="nothing was changed"):
        compact(corpus, now=NOW)
    assert listing(corpus) == before
