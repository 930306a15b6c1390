"""The load + clean stages as Dask tasks: scale the clean stage past one machine's cores.

``dask_clean_stream(inputs, config, address)`` yields exactly what
``clean_stream(iter_pages(inputs), config)`` yields, in the same order: the same ``Cleaned``
results and the same ``PageError`` records (load errors included), so an ingest run on a
cluster writes the same doc ids, clusters, rows and manifest counts as a single-process run.
With no ``address`` it starts a ``LocalCluster`` (``workers`` processes, one thread each, on
127.0.0.1; the scheduler's HTTP endpoint on a free 127.0.0.1 port, not 8787) for the call and stops it afterwards; with an address it connects to
that scheduler, whose workers must see the same input paths (a shared file system) and have
wirewash installed. ``dask_client()`` gives a client to reuse over several calls.

Partitions (one Dask task each, results returned as a list):

* small files (HTML, text, JSONL/Parquet up to ``split_bytes``): consecutive files grouped until
  a group holds ``pages_per_task`` files or ``GROUP_BYTES`` bytes; the worker loads and cleans them;
* a WARC (any size): ranges of ``pages_per_task`` response records, found by one
  header-level pass over the file on the driver (warcio's record offsets; a ``.warc.gz`` must
  be gzipped per record, as every WARC writer does, else it is not split). The worker loads its
  byte range with the stock ``load_warc`` and cleans it; the last range runs to the end of the
  file, so a truncated or corrupt tail is reported exactly as ``load_warc`` reports it;
* any other file over ``split_bytes`` (JSONL, Parquet): loaded on the driver, streamed, and its
  pages shipped in chunks of ``pages_per_task`` (the driver only parses; workers clean);
* already-loaded pages (``RawPage`` / ``PageError`` items in ``inputs``, e.g. a crawl's): chunks
  of ``pages_per_task``.

Failures: a task that raises is retried ``retries`` times by Dask. A worker that dies (killed,
OOM) loses nothing: the scheduler reruns its tasks elsewhere, and since results are gathered
once, in input order, nothing is duplicated either. A partition whose task killed workers
``distributed.scheduler.allowed-failures`` times (``KilledWorker``) is redone page by page, as
``clean_stream`` does; a page that still kills its worker becomes a ``worker_crashed`` error.

Each worker imports trafilatura and loads the language model once, when it joins
(:class:`WarmCleaner`, a worker plugin; restarted workers run it again).
"""
from __future__ import annotations

import importlib
import io
import os
import sys
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any

from distributed import Client, KilledWorker, LocalCluster, WorkerPlugin
from warcio.archiveiterator import ArchiveIterator

from cleaners.config import CleanConfig
from crawler.loaders import iter_input_files, iter_pages, loader_for
from crawler.loaders.warc import load_warc
from crawler.record import PageError, RawPage
from pipelines.clean import Cleaned, Result, clean_one

PAGES_PER_TASK = 16  # ~0.5 CPU-s of cleaning: per-task overhead (~2 ms) is noise, the tail stays short
GROUP_BYTES = 2 << 20  # small files are grouped into one task up to this many bytes
SPLIT_BYTES = 2 << 20  # a JSONL / Parquet file over this is streamed from the driver
RETRIES = 2
DEFAULT_MAX_BYTES = 20_000_000  # RunConfig.max_input_bytes' default

Item = RawPage | PageError


# --- workers -----------------------------------------------------------------------------------

class WarmCleaner(WorkerPlugin):
    """Imports trafilatura and lxml and loads the py3langid model once per worker process."""

    name = "wirewash-warm-cleaner"

    def setup(self, worker: Any) -> None:
        importlib.import_module("pipelines.worker_preload")


@contextmanager
def dask_client(address: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client to ``address``, or to a new LocalCluster of ``workers`` processes (one per core
    by default) that is stopped on exit; workers are warmed before this yields."""
    if address is not None:
        client = Client(address)
        try:
            client.register_plugin(WarmCleaner())
            yield client
        finally:
            client.close()
        return
    # dashboard_address=None would still bind the scheduler's HTTP routes to :8787; a free port
    # cannot collide with another cluster on the machine (the dashboard proper needs bokeh).
    cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address="127.0.0.1:0")
    try:
        with Client(cluster) as client:
            client.register_plugin(WarmCleaner())
            yield client
    finally:
        cluster.close()


# --- partitions (built on the driver, run on the workers) --------------------------------------

@dataclass(frozen=True, slots=True)
class Files:
    """Whole files, each loaded by its stock loader."""

    paths: tuple[str, ...]

    def load(self, max_bytes: int) -> Iterator[Item]:
        return iter_pages(self.paths, max_bytes=max_bytes)

    def where(self) -> list[str]:
        return list(self.paths)


@dataclass(frozen=True, slots=True)
class WarcRange:
    """Bytes ``start`` to ``end`` (None: the end of the file) of a WARC, at record boundaries."""

    path: str
    start: int
    end: int | None

    def load(self, max_bytes: int) -> Iterator[Item]:
        return load_warc(_WarcSlice(self.path, self.start, self.end), max_bytes=max_bytes)

    def where(self) -> list[str]:
        return [self.path]


@dataclass(frozen=True, slots=True)
class Items:
    """Pages already loaded (by the driver, or handed in)."""

    items: tuple[Item, ...]

    def load(self, max_bytes: int) -> Iterator[Item]:
        return iter(self.items)

    def where(self) -> list[str]:
        return [item.source_uri for item in self.items]


Partition = Files | WarcRange | Items


class _Window(io.RawIOBase):
    """A read-only view of bytes ``start`` to ``end`` of an open binary file."""

    def __init__(self, raw: io.BufferedReader, start: int, end: int | None) -> None:
        raw.seek(start)
        self.raw, self.pos = raw, 0
        self.left = None if end is None else end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        n = len(buf) if self.left is None else min(len(buf), self.left)
        data = self.raw.read(n) if n else b""
        buf[: len(data)] = data
        self.pos += len(data)
        if self.left is not None:
            self.left -= len(data)
        return len(data)

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        self.raw.close()
        super().close()


class _WarcSlice(type(Path())):
    """The path of a WARC that ``open("rb")`` reads only from ``start`` to ``end``.

    This lets the stock ``load_warc`` load a record range: it reads the file only through
    ``path.open("rb")`` (``stat`` and ``str(path)`` are the real file's), so pages, source URIs
    and errors are exactly its own. ``tests/test_dask.py`` checks ranges against whole files.
    """

    def __new__(cls, path: str, start: int, end: int | None) -> _WarcSlice:
        self = super().__new__(cls, path)
        self._range = (start, end)
        return self

    def __init__(self, path: str, start: int = 0, end: int | None = None) -> None:
        if sys.version_info >= (3, 12):  # PurePath.__init__ takes the path from 3.12 on
            super().__init__(path)

    def open(self, mode: str = "r", *args: Any, **kwargs: Any):
        if mode != "rb" or args or kwargs:
            return super().open(mode, *args, **kwargs)
        start, end = self._range
        return io.BufferedReader(_Window(super().open("rb"), start, end))


def _stub(item: Item) -> Item:
    return replace(item, body="") if isinstance(item, RawPage) else item


Pair = tuple[Item, Result]  # (the loaded item without its body, its result)


def _clean_items(items: Iterable[Item], config: CleanConfig, keep_bodies: bool) -> list[Pair]:
    out = []
    for item in items:
        result = item if isinstance(item, PageError) else clean_one(item, config)
        if not keep_bodies and isinstance(result, Cleaned):
            result = Cleaned(_stub(result.page), result.docs)
        out.append((_stub(item), result))
    return out


def run_partition(part: Partition, config: CleanConfig, max_bytes: int, keep_bodies: bool) -> list[Pair]:
    """The task: load the partition's pages and clean them, in order."""
    return _clean_items(part.load(max_bytes), config, keep_bodies)


def load_partition(part: Partition, max_bytes: int) -> list[Item]:
    """Load only (to redo a partition page by page after it killed workers)."""
    return list(part.load(max_bytes))


def clean_alone(item: Item, config: CleanConfig, keep_bodies: bool) -> list[Pair]:
    return _clean_items([item], config, keep_bodies)


# --- partitioning ------------------------------------------------------------------------------

def partitions(inputs: Iterable[str | Path | Item], *, max_bytes: int = DEFAULT_MAX_BYTES,
               pages_per_task: int = PAGES_PER_TASK, split_bytes: int = SPLIT_BYTES) -> Iterator[Partition]:
    """The inputs (paths, directories, loaded items) as partitions, lazily, in input order."""
    files: list[str] = []
    group_bytes = 0
    items: list[Item] = []
    for entry in inputs:
        if isinstance(entry, (RawPage, PageError)):
            if files:
                yield Files(tuple(files))
                files, group_bytes = [], 0
            items.append(entry)
            if len(items) >= pages_per_task:
                yield Items(tuple(items))
                items = []
            continue
        if items:
            yield Items(tuple(items))
            items = []
        for path in iter_input_files([entry]):
            size = _file_size(path)
            warc = size > 0 and loader_for(path) is load_warc
            if not warc and size <= split_bytes:
                files.append(str(path))
                group_bytes += size
                if len(files) >= pages_per_task or group_bytes >= GROUP_BYTES:
                    yield Files(tuple(files))
                    files, group_bytes = [], 0
                continue
            if files:
                yield Files(tuple(files))
                files, group_bytes = [], 0
            if warc:
                yield from warc_ranges(path, pages_per_task)
            else:
                for chunk in _chunks(iter_pages([path], max_bytes=max_bytes), pages_per_task):
                    yield Items(tuple(chunk))
    if files:
        yield Files(tuple(files))
    if items:
        yield Items(tuple(items))


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def warc_ranges(path: Path, pages_per_task: int) -> Iterator[WarcRange]:
    """Ranges of about ``pages_per_task`` response records each; the last one is open-ended.

    One pass over the record headers (bodies are skipped, gzip members inflated). A range
    starts only where a record starts with a WARC header (or, in ``.gz``, a gzip member), read
    back from the file; at the first oddity the pass stops and the rest is one range, for
    ``load_warc`` to read and report as it always does.
    """
    magic = b"\x1f\x8b" if path.name.lower().endswith(".gz") else b"WARC/"
    start, responses = 0, 0
    try:
        with path.open("rb") as f, path.open("rb") as probe:
            records = ArchiveIterator(f)
            for record in records:
                if record.format != "warc":
                    break
                offset = records.get_record_offset()  # reads this record to its end
                if responses >= pages_per_task and offset > start:
                    probe.seek(offset)
                    if probe.read(len(magic)) == magic:
                        yield WarcRange(str(path), start, offset)
                        start, responses = offset, 0
                if record.rec_type == "response":
                    responses += 1
    except Exception:  # noqa: BLE001, S110 - any parse problem: leave the rest to load_warc
        pass
    yield WarcRange(str(path), start, None)


# --- the stream --------------------------------------------------------------------------------

def dask_clean_stream(
    inputs: Iterable[str | Path | Item],
    config: CleanConfig,
    address: str | None = None,
    *,
    workers: int | None = None,
    client: Client | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    keep_bodies: bool = True,
    tap_loaded: Callable[[Iterator[Item]], Iterator[Item]] | None = None,
    retries: int = RETRIES,
    pages_per_task: int = PAGES_PER_TASK,
    split_bytes: int = SPLIT_BYTES,
) -> Iterator[Result]:
    """Load and clean ``inputs`` on a Dask cluster, yielding results in input order.

    ``inputs`` mixes paths (files or directories, expanded as ``iter_pages`` does) and loaded
    items. ``client`` reuses a connected client (``address``/``workers`` are then ignored).
    ``keep_bodies=False`` returns pages with an empty ``body`` (ingest never reads it after
    cleaning), which halves what travels back to the driver.

    ``tap_loaded`` sees the loaded items on the driver, as if it wrapped the page stream of
    ``clean_stream``: a generator function yielding each item it is given (e.g. ingest's
    ``lambda pages: _count_loaded(pages, state)``). It is fed each loaded item, its ``body``
    emptied, just before that item's result is yielded.
    """
    parts = partitions(inputs, max_bytes=max_bytes, pages_per_task=pages_per_task, split_bytes=split_bytes)
    if client is not None:
        client.register_plugin(WarmCleaner())
        yield from _tapped(_Stream(client, config, max_bytes, keep_bodies, retries).run(parts), tap_loaded)
        return
    with dask_client(address, workers) as own:
        yield from _tapped(_Stream(own, config, max_bytes, keep_bodies, retries).run(parts), tap_loaded)


def _tapped(pairs: Iterator[Pair], tap: Callable[[Iterator[Item]], Iterator[Item]] | None) -> Iterator[Result]:
    if tap is None:
        for _, result in pairs:
            yield result
        return
    feed: deque[Item] = deque()
    tapped = tap(_drain(feed))
    for item, result in pairs:
        feed.append(item)
        next(tapped)  # the tap takes the item and hands it on: one in, one out
        if feed:
            raise RuntimeError("tap_loaded must yield each item it is given, one at a time")
        yield result


def _drain(feed: deque[Item]) -> Iterator[Item]:
    while feed:
        yield feed.popleft()


class _Stream:
    """A bounded window of partition tasks, gathered in submission order."""

    def __init__(self, client: Client, config: CleanConfig, max_bytes: int, keep_bodies: bool, retries: int) -> None:
        self.client, self.config, self.max_bytes = client, config, max_bytes
        self.keep_bodies, self.retries = keep_bodies, retries
        self.window = max(4, 3 * sum(client.nthreads().values()))
        self.token = uuid.uuid4().hex[:8]
        self.n = 0

    def _submit(self, fn, *args: Any):
        self.n += 1
        return self.client.submit(fn, *args, key=f"wirewash-{fn.__name__}-{self.token}-{self.n}",
                                  retries=self.retries)

    def run(self, parts: Iterable[Partition]) -> Iterator[Pair]:
        pending: deque = deque()
        try:
            for part in parts:
                pending.append((part, self._submit(run_partition, part, self.config, self.max_bytes, self.keep_bodies)))
                while len(pending) >= self.window:
                    yield from self._collect(*pending.popleft())
            while pending:
                yield from self._collect(*pending.popleft())
        finally:
            for _, future in pending:
                future.cancel()

    def _collect(self, part: Partition, future) -> list[Pair]:
        try:
            return future.result()
        except KilledWorker:
            return self._one_by_one(part)
        finally:
            future.release()

    def _one_by_one(self, part: Partition) -> list[Pair]:
        """Redo a partition that killed its workers: load it, then clean each page alone."""
        try:
            items = self._result(self._submit(load_partition, part, self.max_bytes))
        except KilledWorker:
            errors = [PageError(where, "load", "worker_crashed", "the loading process died on this input")
                      for where in part.where()]
            return [(e, e) for e in errors]
        results: list[Pair] = []
        for item in items:
            if isinstance(item, PageError):
                results.append((item, item))
                continue
            try:
                results.extend(self._result(self._submit(clean_alone, item, self.config, self.keep_bodies)))
            except KilledWorker:
                error = PageError(item.source_uri, "clean", "worker_crashed", "the cleaner process died on this page")
                results.append((_stub(item), error))
        return results

    @staticmethod
    def _result(future):
        try:
            return future.result()
        finally:
            future.release()
