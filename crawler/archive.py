"""The raw archive: every article response of a crawl goes into gzip WARC segments.

``WarcArchive`` is an extension listening to ``response_received``, so raw bytes never travel
in items (they would break Scrapy's JSON exporters) and the spider callback does no work for
it. Only requests flagged as articles (``crawler.safety.ARTICLE``) with a 2xx status are
archived, as a ``response`` record plus a ``request`` record (``WARC-Concurrent-To``);
robots.txt, sitemaps, feeds and hub pages are not, so the files hold exactly the pages to clean.

Segments. ``WIREWASH_WARC_PATH=<dir>/crawl-<id>.warc.gz`` names the crawl; the records go to
``<dir>/crawl-<id>-00001.warc.gz``, ``-00002`` ... A segment is written as the hidden
``.<name>.part`` (``wirewash ingest`` skips it) and closed -- flushed, fsynced, renamed to its
final name -- once it holds ``WIREWASH_WARC_SEGMENT_PAGES`` responses, once it is
``WIREWASH_WARC_SEGMENT_SECONDS`` old, and when the last crawler of the process closes. A
finished segment never changes again, so ``pipelines.crawl`` cleans it while the crawl goes on.
No empty segment is ever created.

Writing is off the reactor thread: ``response_received`` only queues the response (bounded
queue, so a slow disk slows the crawl down instead of filling memory) and one writer thread
builds the records (by hand: warcio's writer took ~0.5 ms a page of Python), hashes them
(``WARC-Block-Digest``, ``WARC-Payload-Digest``) and compresses each record as its own gzip
member at ``WIREWASH_WARC_COMPRESSLEVEL`` (default 1: ~0.8 ms per 100 KB page; warcio's level 9
took ~3 ms for 17 % smaller files). zlib and hashlib release the GIL, so most of this runs
next to the reactor. Each record is written and flushed whole, so a part file left by a killed
process holds every record written before it died (``crawler.loaders.warc`` stops at a cut-off
record), and ``pipelines.crawl`` salvages it on the next run. Records still queued when the
process is killed are lost; their URLs were never reported as archived, and the next run
fetches them again. A page counts as ``archived`` (in the runner's report) only once its
records are in a segment file.

Several crawlers in one process (one per source) share one set of segments. Several processes
(``wirewash crawl --processes N``, or extra runners on other machines writing to a shared
``_raw/``) each get their own WARC name, e.g. ``crawl-<id>-p1.warc.gz`` / ``crawl-<id>-<host>-<pid>.warc.gz``,
so their segments never collide. The writer holds an exclusive ``flock`` on the part file it is
writing, so ``part_is_live`` tells a live part file (another process is writing it) from the
part file of a killed process, which alone may be salvaged.
"""
from __future__ import annotations

import base64
import datetime as dt
import fcntl
import hashlib
import logging
import os
import queue
import threading
import time
import uuid
import zlib
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from crawler.safety import is_article

logger = logging.getLogger(__name__)

DROP_HEADERS = {b"content-encoding", b"transfer-encoding", b"content-length"}  # the body is stored decoded
SUFFIX = ".warc.gz"
QUEUE_SIZE = 256  # responses waiting for the writer thread (~25 MB of 100 KB pages)
_STOP = object()


def part_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.part")


def part_is_live(part: Path) -> bool:
    """True while a writer (any process on this host, or on an NFS client with lock support) holds the part file."""
    try:
        fd = os.open(part, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the probe's own lock
    return False


def segment_path(base: Path, seq: int) -> Path:
    """``<dir>/crawl-<id>.warc.gz`` -> ``<dir>/crawl-<id>-<seq:05d>.warc.gz``."""
    return base.with_name(f"{base.name.removesuffix(SUFFIX)}-{seq:05d}{SUFFIX}")


def segment_glob(base: Path) -> str:
    """The glob matching the finished segments of ``base`` (sorted by name = in write order)."""
    return f"{base.name.removesuffix(SUFFIX)}-[0-9][0-9][0-9][0-9][0-9]{SUFFIX}"


def gzip_member(data: bytes, level: int) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return c.compress(data) + c.flush()


def _digest(data) -> bytes:
    return b"sha1:" + base64.b32encode(hashlib.sha1(data).digest())


def warc_record(rec_type: str, url: str | None, date: str, content_type: str, head: bytes, body: bytes = b"",
                extra: tuple[tuple[str, str], ...] = (), record_id: str | None = None) -> tuple[str, bytes]:
    """(record id, one uncompressed WARC/1.0 record) with ``head + body`` as its block.

    Records are written here rather than with warcio's writer, which costs more than the
    compression itself; warcio (``crawler.loaders.warc``) reads them, digests included.
    """
    record_id = record_id or f"<urn:uuid:{uuid.uuid4()}>"
    length = len(head) + len(body)
    block = hashlib.sha1(head)
    block.update(body)
    lines = [f"WARC-Type: {rec_type}", f"WARC-Record-ID: {record_id}"]
    if url is not None:
        lines.append(f"WARC-Target-URI: {url}")
    lines.append(f"WARC-Date: {date}")
    lines += [f"{k}: {v}" for k, v in extra]
    header = ("WARC/1.0\r\n" + "\r\n".join(lines) + "\r\n").encode()
    if rec_type in ("response", "request"):
        header += b"WARC-Payload-Digest: " + _digest(body) + b"\r\n"
    header += b"WARC-Block-Digest: sha1:" + base64.b32encode(block.digest()) + b"\r\n"
    header += f"Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n".encode()
    return record_id, b"".join((header, head, body, b"\r\n\r\n"))


def _http_head(first_line: bytes, headers: list[tuple[bytes, bytes]]) -> bytes:
    return first_line + b"\r\n" + b"".join(k + b": " + v + b"\r\n" for k, v in headers) + b"\r\n"


class _Segments:
    """The open segment and its rollover; used only by the writer thread."""

    def __init__(self, base: Path, max_pages: int, max_seconds: float, level: int) -> None:
        self.base, self.max_pages, self.max_seconds, self.level = base, max_pages, max_seconds, level
        self.seq = 0
        self.fh = None
        self.path: Path | None = None
        self.pages = 0
        self.opened = 0.0
        self.finished: list[Path] = []

    def _open(self) -> None:
        self.seq += 1
        self.path = segment_path(self.base, self.seq)
        part = part_path(self.path)
        fresh = part.with_name(f"{part.name}.new")  # locked before it gets the name salvage looks for
        self.fh = fresh.open("wb")
        fcntl.flock(self.fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # live: not to be salvaged by others
        os.replace(fresh, part)
        self.pages = 0
        self.opened = time.monotonic()
        now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields = b"software: wirewash/0.1 (scrapy)\r\nformat: WARC File Format 1.0\r\n"
        _, info = warc_record("warcinfo", None, now, "application/warc-fields", fields,
                              extra=(("WARC-Filename", self.path.name),))
        self.fh.write(gzip_member(info, self.level))

    def write(self, item: tuple) -> None:
        if self.fh is None:
            self._open()
        now, req_url, method, req_headers, req_body, url, status, headers, body, source = item
        resp_head = _http_head(f"HTTP/1.1 {status} {_REASONS.get(status, '')}".strip().encode(), headers)
        resp_id, resp = warc_record("response", url, now, "application/http; msgtype=response", resp_head, body,
                                    extra=(("WARC-Wirewash-Source", source),))
        target = req_url.split("://", 1)[-1].partition("/")[2]
        req_head = _http_head(f"{method} /{target} HTTP/1.1".encode(), req_headers)
        _, req = warc_record("request", req_url, now, "application/http; msgtype=request", req_head, req_body,
                             extra=(("WARC-Concurrent-To", resp_id),))
        # one gzip member per record, written at once: a killed process leaves whole records
        self.fh.write(gzip_member(resp, self.level) + gzip_member(req, self.level))
        self.fh.flush()
        self.pages += 1
        if self.pages >= self.max_pages:
            self.close()

    def idle(self) -> None:
        if self.fh is not None and time.monotonic() - self.opened >= self.max_seconds:
            self.close()

    def timeout(self) -> float:
        if self.fh is None:
            return 3600.0
        return max(0.05, self.opened + self.max_seconds - time.monotonic())

    def close(self) -> None:
        if self.fh is None:
            return
        self.fh.flush()
        os.fsync(self.fh.fileno())
        os.replace(part_path(self.path), self.path)  # still locked while renamed: never seen unlocked as a part
        self.fh.close()
        self.fh = None
        self.finished.append(self.path)


class _SharedWarc:
    """The segments shared by the crawlers of a process, written by one writer thread."""

    registry: dict[str, _SharedWarc] = {}

    def __init__(self, path: Path, max_pages: int, max_seconds: float, level: int) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.segments = _Segments(path, max_pages, max_seconds, level)
        self.queue: queue.Queue = queue.Queue(QUEUE_SIZE)
        self.users = 0
        self.records = 0
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="wirewash-warc-writer", daemon=True)
        self.thread.start()

    @classmethod
    def acquire(cls, path: Path, settings) -> _SharedWarc:
        shared = cls.registry.get(str(path))
        if shared is None:
            shared = cls.registry[str(path)] = cls(
                path, max(1, settings.getint("WIREWASH_WARC_SEGMENT_PAGES", 250)),
                settings.getfloat("WIREWASH_WARC_SEGMENT_SECONDS", 30.0),
                settings.getint("WIREWASH_WARC_COMPRESSLEVEL", 1))
        shared.users += 1
        return shared

    def _run(self) -> None:
        segs = self.segments
        while True:
            try:
                item = self.queue.get(timeout=segs.timeout())
            except queue.Empty:
                if self.error is None:
                    self._guard(segs.idle)
                continue
            if item is _STOP:
                if self.error is None:
                    self._guard(segs.close)
                return
            record, done = item
            if self.error is None and self._guard(segs.write, record):
                self.records += 1
                done()

    def _guard(self, fn, *args) -> bool:
        try:
            fn(*args)
            return True
        except BaseException as exc:  # noqa: BLE001 - reported by the reactor side, see failed
            self.error = exc
            logger.error("Writing the WARC failed, archiving stops: %s: %s", type(exc).__name__, exc)
            return False

    def submit(self, record: tuple, done) -> None:
        self.queue.put((record, done))  # blocks (the reactor) only when the writer is far behind

    def release(self) -> None:
        self.users -= 1
        if self.users > 0:
            return
        del self.registry[str(self.path)]
        self.queue.put(_STOP)
        self.thread.join()
        if self.segments.finished:
            logger.info("Archived %d responses to %d segment(s) %s", self.records, len(self.segments.finished),
                        segment_glob(self.path))


_REASONS = {200: "OK", 201: "Created", 203: "Non-Authoritative Information", 206: "Partial Content"}


class WarcArchive:
    """Writes article responses to the segments of ``WIREWASH_WARC_PATH``; remembers what it archived."""

    def __init__(self, crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        self.shared: _SharedWarc | None = None
        self.archived: list[dict[str, Any]] = []  # {url, requested_url, status, source}, once written
        self.http_errors: list[dict[str, Any]] = []
        self.failed: str | None = None  # why archiving stopped (the crawl is then closed)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.response_received, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("WIREWASH_WARC_PATH")
        if not path:
            raise NotConfigured("WIREWASH_WARC_PATH is not set")
        ext = cls(crawler, Path(path))
        crawler.wirewash_archive = ext  # the runner reads .archived after the crawl
        return ext

    def spider_opened(self, spider) -> None:
        self.shared = _SharedWarc.acquire(self.path, self.crawler.settings)

    def spider_closed(self, spider, reason) -> None:
        if self.shared is not None:
            shared, self.shared = self.shared, None
            shared.release()
            if shared.error is not None and self.failed is None:
                self.failed = f"{type(shared.error).__name__}: {shared.error}"

    def response_received(self, response: Response, request: Request, spider) -> None:
        if not is_article(request) or self.shared is None:
            return
        if not 200 <= response.status < 300:
            return  # retried, or reported by the spider's errback as http_error
        if self.shared.error is not None:
            if self.failed is None:
                self.failed = f"{type(self.shared.error).__name__}: {self.shared.error}"
                self.crawler.stats.set_value("wirewash/archive_failed", self.failed)
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="warc_write_failed"))
            return
        source = request.meta.get("wirewash_source") or spider.name
        now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        req_headers = [(k, v) for k, vs in request.headers.items() for v in vs]
        headers = [(k, v) for k, vs in response.headers.items() for v in vs if k.lower() not in DROP_HEADERS]
        headers.append((b"Content-Length", str(len(response.body)).encode()))
        redirects = request.meta.get("redirect_urls")
        entry = {"url": response.url, "requested_url": redirects[0] if redirects else request.url,
                 "status": response.status, "source": source}
        record = (now, request.url, request.method, req_headers, request.body or b"", response.url,
                  response.status, headers, response.body, source)
        self.shared.submit(record, lambda: self.archived.append(entry))  # list.append: thread-safe
        self.crawler.stats.inc_value("wirewash/archived")
