"""The corpus on disk, and how a run's files become visible: all at once or not at all.

Layout (``crawl_date`` is a hive partition)::

    <corpus>/articles/crawl_date=YYYY-MM-DD/part-<run_id>-<n>.parquet
    <corpus>/duplicates/crawl_date=YYYY-MM-DD/part-<run_id>-<n>.parquet
    <corpus>/errors/crawl_date=YYYY-MM-DD/part-<run_id>-<n>.parquet
    <corpus>/_state/<name>/run-<run_id>.parquet     persistent run state (dedup index, inputs seen)
    <corpus>/_runs/<run_id>.json                    one manifest per committed run
    <corpus>/_staging/<run_id>/...                  a run's files before commit

A run writes everything under ``_staging/<run_id>/`` (readers never look there), then writes a
``COMMIT.json`` journal listing its files, renames each into place and writes its manifest last.
A run killed before the journal exists is rolled back by the next run; one killed after it is
rolled forward. Each rename is atomic, and a file is never visible half-written.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from output.schema import DATASETS, PARTITION_COLUMN

STAGING = "_staging"
STATE = "_state"
RUNS = "_runs"
JOURNAL = "COMMIT.json"


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write one zstd Parquet file at ``path`` via a temporary name in the same directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd", coerce_timestamps="us", allow_truncated_timestamps=True)
    _fsync(tmp)
    os.replace(tmp, path)


def write_text(text: str, path: Path) -> None:
    """Write UTF-8 text atomically: a temporary file in the same directory, fsync, rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, path)


def write_json(data: Any, path: Path) -> None:
    """Write JSON atomically (see :func:`write_text`)."""
    write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", path)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class RunWriter:
    """Stages one run's files and commits them in one step."""

    def __init__(self, root: Path, run_id: str) -> None:
        self.root = root
        self.run_id = run_id
        self.stage = root / STAGING / run_id
        self.files: list[str] = []  # paths relative to the corpus root
        self._counter = 0

    def add_rows(self, dataset: str, table: pa.Table, partition: str) -> None:
        """Stage ``table`` (already in the dataset's schema) as a file of one partition."""
        if table.num_rows == 0:
            return
        if table.schema != DATASETS[dataset]:
            raise ValueError(f"{dataset}: table schema differs from the dataset schema:\n{table.schema}")
        rel = f"{dataset}/{PARTITION_COLUMN}={partition}/part-{self.run_id}-{self._counter}.parquet"
        self._counter += 1
        self._stage(rel, table)

    def add_state(self, name: str, table: pa.Table) -> None:
        """Stage this run's rows of a persistent state table (read back by :func:`read_state`)."""
        self._stage(f"{STATE}/{name}/run-{self.run_id}.parquet", table)

    def _stage(self, rel: str, table: pa.Table) -> None:
        write_parquet(table, self.stage / rel)
        self.files.append(rel)

    def commit(self, manifest: dict[str, Any]) -> None:
        """Journal, then move every staged file into place, then the manifest, then clean up."""
        manifest_rel = f"{RUNS}/{self.run_id}.json"
        write_json(manifest, self.stage / manifest_rel)
        write_json({"run_id": self.run_id, "files": [*self.files, manifest_rel]}, self.stage / JOURNAL)
        _roll_forward(self.root, self.stage)

    def abort(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)


def _roll_forward(root: Path, stage: Path) -> None:
    journal = json.loads((stage / JOURNAL).read_text(encoding="utf-8"))
    for rel in journal["files"]:  # the manifest is last: a run is committed once it is in place
        src, dst = stage / rel, root / rel
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
    shutil.rmtree(stage, ignore_errors=True)


def recover(root: Path) -> list[str]:
    """Finish or undo runs that were killed mid-commit; returns what was done, for the log.

    Call with the corpus lock held, before a new run starts.
    """
    done = []
    staging = root / STAGING
    if not staging.is_dir():
        return done
    for stage in sorted(p for p in staging.iterdir() if p.is_dir()):
        if (stage / JOURNAL).exists():
            _roll_forward(root, stage)
            done.append(f"completed the commit of interrupted run {stage.name}")
        else:
            shutil.rmtree(stage, ignore_errors=True)
            done.append(f"discarded the uncommitted files of interrupted run {stage.name}")
    return done


def read_state(root: Path, name: str) -> list[pa.Table]:
    """Every committed run's rows of the state table ``name``, oldest run first."""
    return list(iter_state(root, name))


def iter_state(root: Path, name: str, columns: list[str] | None = None) -> Iterator[pa.Table]:
    """:func:`read_state` one run's file at a time, optionally only ``columns``: for state too
    large to hold whole (a long dedup history)."""
    folder = root / STATE / name
    if folder.is_dir():
        for path in sorted(folder.glob("run-*.parquet")):
            yield pq.read_table(path, columns=columns)


def iter_manifests(root: Path) -> Iterator[dict[str, Any]]:
    """Committed run manifests, oldest first (run ids sort by start time)."""
    folder = root / RUNS
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            yield json.loads(path.read_text(encoding="utf-8"))
