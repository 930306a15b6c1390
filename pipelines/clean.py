"""The clean stage: raw pages -> clean documents, on every core, never stopped by one page.

Cleaning is CPU-bound (trafilatura alone takes 20-50 ms a page), so pages are cleaned in
worker processes in chunks while the caller keeps reading input. Output keeps input order, so a
run is deterministic whatever the number of workers. A page that makes the cleaner raise becomes
a ``PageError``; a page that kills its worker process (a C-level crash, the OOM killer) is
retried alone in a fresh pool and, if it kills that one too, becomes a ``worker_crashed`` error;
a page whose cleaning runs past ``CleanConfig.page_timeout_s`` becomes a ``timeout`` error.
"""
from __future__ import annotations

import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice

from cleaners.clean import clean_page
from cleaners.config import CleanConfig
from cleaners.model import CleanDoc
from crawler.record import PageError, RawPage
from pipelines.lifetime import die_with_parent

CHUNK = 8  # pages per task: amortises inter-process overhead, small enough to keep order cheap


@dataclass(slots=True)
class Cleaned:
    page: RawPage
    docs: list[CleanDoc]


Item = RawPage | PageError
Result = Cleaned | PageError


def clean_one(page: RawPage, config: CleanConfig) -> Result:
    """Clean one page; every failure becomes a ``PageError`` naming the page."""
    if page.http_status is not None and page.http_status >= 400:  # an error page is not an article
        return PageError(page.source_uri, "fetch", "http_error", f"HTTP {page.http_status} for {page.url}")
    if len(page.body) > config.max_body_chars:
        return PageError(page.source_uri, "clean", "too_large", f"{len(page.body)} characters > {config.max_body_chars}")
    try:
        with _time_limit(config.page_timeout_s):
            docs = clean_page(page.body, page.kind, page.url, config)
    except PageTimeout:
        return PageError(page.source_uri, "clean", "timeout", f"cleaning took over {config.page_timeout_s:g} s")
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
        return PageError(page.source_uri, "clean", "exception", f"{type(exc).__name__}: {exc}")
    if not docs:
        return PageError(page.source_uri, "clean", "no_text", "no article text left after extraction and cleaning")
    return Cleaned(page, docs)


class PageTimeout(Exception):
    """Raised inside a page's cleaning when it runs past ``CleanConfig.page_timeout_s``."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (SIGALRM), so a pathological page cannot hang a run.

    Signals reach only the main thread: elsewhere (Dask worker threads) the block runs unlimited.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise PageTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _clean_chunk(items: list[Item], config: CleanConfig) -> list[Result]:
    return [item if isinstance(item, PageError) else clean_one(item, config) for item in items]


def clean_stream(items: Iterable[Item], config: CleanConfig, workers: int = 1) -> Iterator[Result]:
    """Clean a stream of loaded pages (load errors pass through), yielding results in order."""
    if workers <= 1:
        for chunk in _chunks(items, CHUNK):
            yield from _clean_chunk(chunk, config)
        return
    yield from _Parallel(config, workers).run(items)


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class _Parallel:
    """A bounded window of chunk tasks over a process pool that survives crashed workers."""

    def __init__(self, config: CleanConfig, workers: int) -> None:
        self.config = config
        self.workers = workers
        self.window = workers * 4
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["pipelines.worker_preload"])
        return ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=die_with_parent)

    def run(self, items: Iterable[Item]) -> Iterator[Result]:
        pending: deque[tuple[list[Item], Future, ProcessPoolExecutor]] = deque()
        chunks = _chunks(items, CHUNK)
        try:
            for chunk in chunks:
                pending.append((chunk, self.pool.submit(_clean_chunk, chunk, self.config), self.pool))
                while len(pending) >= self.window:
                    yield from self._collect(*pending.popleft())
            while pending:
                yield from self._collect(*pending.popleft())
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _collect(self, chunk: list[Item], future: Future, pool: ProcessPoolExecutor) -> list[Result]:
        try:
            return future.result()
        except BrokenProcessPool:
            if pool is self.pool:  # chunks of an already replaced pool need no second restart
                self._restart()
            return [self._alone(item) for item in chunk]

    def _alone(self, item: Item) -> Result:
        """Retry one page in a fresh pool, so one crashing page cannot take its chunk with it."""
        if isinstance(item, PageError):
            return item
        try:
            return self.pool.submit(clean_one, item, self.config).result()
        except BrokenProcessPool:
            self._restart()
            return PageError(item.source_uri, "clean", "worker_crashed", "the cleaner process died on this page")

    def _restart(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = self._new_pool()
