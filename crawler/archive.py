"""The raw archive: every article response of a crawl goes into one gzip WARC file.

``WarcArchive`` is an extension listening to ``response_received``, so raw bytes never travel
in items (they would break Scrapy's JSON exporters) and the spider callback does no work for
it. Only requests flagged as articles (``crawler.safety.ARTICLE``) with a 2xx status are
archived, as a ``request`` record plus a ``response`` record (``WARC-Concurrent-To``); robots.txt,
sitemaps, feeds and hub pages are not, so the file holds exactly the pages to clean.

The file is written as ``.<name>.part`` (hidden: ``wirewash ingest`` skips it) in the same
directory and renamed to ``<name>`` when the last crawler of the process closes; an empty
archive is deleted. Each record is flushed as its own gzip member, so a part file left by a
killed process holds every record written before it died (``crawler.loaders.warc`` stops at a
cut-off record), and ``pipelines.crawl`` salvages it on the next run. Several crawlers in one
process (one per source) share one file.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from io import BytesIO
from pathlib import Path
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.safety import is_article

logger = logging.getLogger(__name__)

DROP_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}  # the body is stored decoded


def part_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.part")


class _SharedWarc:
    """One open WARC file shared by the crawlers of a process (they all run on the reactor thread)."""

    registry: dict[str, _SharedWarc] = {}

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = part_path(path).open("wb")
        self.writer = WARCWriter(self.fh, gzip=True)
        self.users = 0
        self.records = 0
        info = self.writer.create_warcinfo_record(path.name, {"software": "wirewash/0.1 (scrapy)", "format": "WARC File Format 1.0"})
        self.writer.write_record(info)

    @classmethod
    def acquire(cls, path: Path) -> _SharedWarc:
        shared = cls.registry.get(str(path))
        if shared is None:
            shared = cls.registry[str(path)] = cls(path)
        shared.users += 1
        return shared

    def release(self) -> None:
        self.users -= 1
        if self.users > 0:
            return
        del self.registry[str(self.path)]
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        part = part_path(self.path)
        if self.records:
            os.replace(part, self.path)
            logger.info("Archived %d responses to %s", self.records, self.path)
        else:
            part.unlink(missing_ok=True)

    def write(self, request: Request, response: Response, source: str) -> None:
        now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        url = response.url
        req_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in request.headers.items() for v in vs]
        target = request.url.split("://", 1)[-1].partition("/")
        req_line = f"{request.method} /{target[2]} HTTP/1.1"
        req_http = StatusAndHeaders(req_line, req_headers, protocol="HTTP/1.1", is_http_request=True)
        req_rec = self.writer.create_warc_record(
            request.url, "request", payload=BytesIO(request.body or b""), http_headers=req_http,
            warc_headers_dict={"WARC-Date": now})
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs
                   if k.decode("latin-1").lower() not in DROP_HEADERS]
        headers.append(("Content-Length", str(len(response.body))))
        reason = _REASONS.get(response.status, "")
        http = StatusAndHeaders(f"{response.status} {reason}".strip(), headers, protocol="HTTP/1.1")
        resp_rec = self.writer.create_warc_record(
            url, "response", payload=BytesIO(response.body), http_headers=http,
            warc_headers_dict={"WARC-Date": now, "WARC-Wirewash-Source": source})
        self.writer.write_record(resp_rec)
        req_rec.rec_headers.add_header("WARC-Concurrent-To", resp_rec.rec_headers.get_header("WARC-Record-ID"))
        self.writer.write_record(req_rec)
        self.fh.flush()
        self.records += 1


_REASONS = {200: "OK", 201: "Created", 203: "Non-Authoritative Information", 206: "Partial Content"}


class WarcArchive:
    """Writes article responses to ``WIREWASH_WARC_PATH``; remembers what it archived."""

    def __init__(self, crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        self.shared: _SharedWarc | None = None
        self.archived: list[dict[str, Any]] = []  # {url, requested_url, status, source}
        self.http_errors: list[dict[str, Any]] = []
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
        self.shared = _SharedWarc.acquire(self.path)

    def spider_closed(self, spider, reason) -> None:
        if self.shared is not None:
            self.shared.release()
            self.shared = None

    def response_received(self, response: Response, request: Request, spider) -> None:
        if not is_article(request) or self.shared is None:
            return
        if not 200 <= response.status < 300:
            return  # retried, or reported by the spider's errback as http_error
        source = request.meta.get("wirewash_source") or spider.name
        self.shared.write(request, response, source)
        redirects = request.meta.get("redirect_urls")
        self.archived.append({"url": response.url, "requested_url": redirects[0] if redirects else request.url,
                              "status": response.status, "source": source})
        self.crawler.stats.inc_value("wirewash/archived")
