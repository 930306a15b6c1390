"""Merge a corpus's many small per-run files into few per partition, atomically, beside live readers.

Every run adds a file to each partition it touches, so a daily crawl leaves hundreds of small
files that slow every scan. For each partition with two or more small files this builds the
merged partition directory under ``<corpus>/_staging/compact-<id>/`` (same filesystem), then
swaps it with the live directory in one ``renameat2(RENAME_EXCHANGE)``: a reader that lists the
partition sees all the old files or all the new ones, never both or neither, so no row is lost
or counted twice. Files larger than ``small_bytes`` are kept as they are (hard-linked into the
new directory). The old directory, now at the staging path, is deleted after the swap.

A reader that listed the old files just before the swap and opens one after it gets "file not
found" (never a wrong answer) and should retry; a file it already opened stays readable.

Compaction takes the corpus lock, so it never runs beside an ingest or a crawl (they get
``CorpusLocked``, as it does when one of them is running). If it is killed, the next run's
``recover()`` deletes its staging directory: before a swap that holds only merged copies, after
a swap only the replaced files, and each swap is whole.
"""
from __future__ import annotations

import ctypes
import datetime as dt
import errno
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from output.card import parquet_files, write_card
from output.lock import corpus_lock
from output.schema import DATASETS, PARTITION_COLUMN
from output.store import STAGING, recover, write_parquet

SMALL_BYTES = 64 << 20  # files under this size on disk are merged
FILE_BYTES = 512 << 20  # Arrow bytes buffered per output file: bounds memory, gives ~100-200 MB zstd files
AT_FDCWD = -100
RENAME_EXCHANGE = 2


class CompactionUnsupported(RuntimeError):
    """This system cannot swap two directories atomically, so compaction refuses to start."""


def compact(corpus: Path, now: dt.datetime, *, small_bytes: int = SMALL_BYTES, file_bytes: int = FILE_BYTES) -> dict[str, Any]:
    """Compact every partition of ``articles/``, ``duplicates/`` and ``errors/`` at ``now`` (the
    compaction's id and the card's "last updated"); returns a summary.

    Raises ``CorpusLocked`` when a run holds the corpus, ``CompactionUnsupported`` when the
    filesystem cannot exchange directories (checked before anything is written).
    """
    corpus = Path(corpus).resolve()
    if not corpus.is_dir():
        raise FileNotFoundError(f"no corpus at {corpus}")
    with corpus_lock(corpus):
        recovered = recover(corpus)
        compaction_id = f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%S}Z-{secrets.token_hex(3)}"
        stage = corpus / STAGING / f"compact-{compaction_id}"
        try:
            _probe_exchange(stage)
            partitions = [
                done
                for dataset in DATASETS
                for live in sorted((corpus / dataset).glob(f"{PARTITION_COLUMN}=*"))
                if (done := _compact_partition(dataset, live, stage / dataset / live.name, compaction_id,
                                               small_bytes, file_bytes))
            ]
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        write_card(corpus, now)
    return {
        "compaction_id": compaction_id,
        "recovered": recovered,
        "partitions": partitions,
        "files_before": sum(p["files_before"] for p in partitions),
        "files_after": sum(p["files_after"] for p in partitions),
        "rows": sum(p["rows"] for p in partitions),
    }


def _compact_partition(dataset: str, live: Path, staged: Path, compaction_id: str, small_bytes: int,
                       file_bytes: int) -> dict[str, Any] | None:
    """Merge one partition's small files beside it and swap them in; None when there is nothing to merge."""
    files = parquet_files(live)
    small = [f for f in files if f.stat().st_size < small_bytes]
    if len(small) < 2:
        return None
    staged.mkdir(parents=True)
    for f in files:
        if f not in small:
            os.link(f, staged / f.name)
    rows = sum(pq.read_metadata(f).num_rows for f in small)
    written = _merge(small, DATASETS[dataset], staged, f"part-compact-{compaction_id}", file_bytes)
    merged_rows = sum(pq.read_metadata(f).num_rows for f in written)
    if merged_rows != rows:  # nothing is live yet: refuse rather than swap a wrong partition in
        raise RuntimeError(f"{live}: merged {merged_rows} rows from {rows}; partition left as it was")
    _exchange(staged, live)
    _fsync_dir(live.parent)
    shutil.rmtree(staged)  # the replaced files, now at the staging path
    return {"dataset": dataset, "partition": live.name, "files_before": len(files),
            "files_after": len(parquet_files(live)), "rows": rows}


def _merge(files: list[Path], schema: pa.Schema, folder: Path, prefix: str, file_bytes: int) -> list[Path]:
    """Copy the rows of ``files`` in order into ``<prefix>-<n>.parquet`` files of about ``file_bytes`` each."""
    written: list[Path] = []
    batches: list[pa.RecordBatch] = []
    size = 0

    def flush() -> None:
        nonlocal batches, size
        path = folder / f"{prefix}-{len(written)}.parquet"
        write_parquet(pa.Table.from_batches(batches, schema=schema), path)
        written.append(path)
        batches, size = [], 0

    for f in files:
        source = pq.ParquetFile(f)
        if not source.schema_arrow.equals(schema):
            raise ValueError(f"{f}: schema differs from the dataset schema; not compacting it:\n{source.schema_arrow}")
        for batch in source.iter_batches(batch_size=65_536):
            batches.append(batch)
            size += batch.nbytes
            if size >= file_bytes:
                flush()
    if batches:
        flush()
    return written


def _probe_exchange(stage: Path) -> None:
    """Swap two empty directories under ``stage`` so an unsupported system fails before any work."""
    a, b = stage / "probe-a", stage / "probe-b"
    a.mkdir(parents=True)
    b.mkdir()
    try:
        _exchange(a, b)
    except OSError as exc:
        if exc.errno in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.ENOTSUP):
            raise CompactionUnsupported(f"the filesystem of {stage} cannot swap directories atomically "
                                        f"(renameat2 RENAME_EXCHANGE: {exc.strerror}); nothing was changed") from exc
        raise
    a.rmdir()
    b.rmdir()


def _exchange(a: Path, b: Path) -> None:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``, glibc >= 2.28)."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        raise CompactionUnsupported("renameat2 is not available (Linux with glibc >= 2.28 is needed); nothing was changed")
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
