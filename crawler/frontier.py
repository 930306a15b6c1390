"""A crawl frontier shared by several Scrapy processes through Redis (scrapy-redis).

``wirewash crawl --redis redis://HOST:PORT/DB --processes N`` (and extra runners on other
machines, ``python -m crawler.runner ... --redis URL --redis-prefix PREFIX``) run every source in
every process; the processes share, per source,

- the request queue: ``<prefix>:<source>:requests`` (``scrapy_redis.queue.PriorityQueue``, a
  sorted set of pickled requests), and
- the seen-request set: ``<prefix>:<source>:dupefilter`` (``scrapy_redis.dupefilter.RFPDupeFilter``,
  SHA-1 hex fingerprints of method + canonical URL + body; it ignores Scrapy's
  ``REQUEST_FINGERPRINTER_CLASS``). ``SADD`` is atomic, so a URL is scheduled once by all the
  processes together; whichever process pops it fetches it.

The keys are per source (spider classes are shared between sources, so scrapy-redis'
``%(spider)s`` keys would mix two sitemap sources' requests). ``<prefix>`` is per corpus
(``wirewash:<corpus name>-<hash>`` unless given); ``<prefix>:run`` names the active crawl, set by
the ``wirewash crawl`` holding the corpus lock, which deletes all ``<prefix>:*`` keys before it
starts its runners and after they have exited (a fresh frontier each run: sitemaps and feeds are
re-read every run anyway, and URLs already in the corpus are skipped by ``KnownUrlMiddleware``).
A runner refuses to start when no crawl is active.

Stopping. A process whose own work is done would close its spider as soon as the shared queue is
empty, while another process is still parsing a sitemap that will add hundreds of requests. So
each process registers in ``<prefix>:<source>:busy`` (a hash: process token -> time of its last
busy heartbeat, written every ``TICK`` seconds while it has requests in flight, 0 once it is
idle) and an idle spider stays open (``DontCloseSpider``) while another process was busy less than
``WIREWASH_FRONTIER_GRACE`` seconds ago. The last process to go idle sees an empty queue and
nobody busy, so no request is left in the queue; a process that stops early only loses
parallelism, never a request. While waiting, the spider looks at the queue every ``TICK`` seconds
instead of Scrapy's 5 s heartbeat.
"""
from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

logger = logging.getLogger(__name__)

TICK = 0.2  # seconds between heartbeats / queue looks
SCHEDULER = "scrapy_redis.scheduler.Scheduler"
DUPEFILTER = "scrapy_redis.dupefilter.RFPDupeFilter"


class NoActiveCrawl(RuntimeError):
    """A runner was pointed at a frontier no ``wirewash crawl`` is running."""


def safe_key(part: str) -> str:
    """scrapy-redis applies ``key % {"spider": ...}`` (twice): no ``%`` may be left in a key."""
    return part.replace("%", "_")


def source_key(prefix: str, source: str) -> str:
    return f"{safe_key(prefix)}:{safe_key(source)}"


def process_token() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def redis_settings(url: str, prefix: str, source: str) -> dict[str, Any]:
    """The Scrapy settings that put one source's crawler on the shared frontier."""
    key = source_key(prefix, source)
    return {
        "SCHEDULER": SCHEDULER,
        "DUPEFILTER_CLASS": DUPEFILTER,
        "SCHEDULER_PERSIST": True,  # one process closing must not clear the others' queue and seen set
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": f"{key}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{key}:dupefilter",
        "REDIS_URL": url,
        "WIREWASH_FRONTIER_KEY": key,
    }


def connect(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=30)


def frontier_keys(client, prefix: str) -> list[bytes]:
    return list(client.scan_iter(match=f"{safe_key(prefix)}:*", count=1000))


def reset(client, prefix: str, crawl_id: str | None = None) -> None:
    """Delete every key of ``prefix``; with ``crawl_id``, then mark that crawl active."""
    keys = frontier_keys(client, prefix)
    if keys:
        client.delete(*keys)
    if crawl_id is not None:
        client.set(f"{safe_key(prefix)}:run", crawl_id)


def active_crawl(client, prefix: str) -> str | None:
    value = client.get(f"{safe_key(prefix)}:run")
    return value.decode() if isinstance(value, bytes) else value


class SharedFrontier:
    """Keeps an idle spider open while another process sharing its frontier is still busy."""

    def __init__(self, crawler, key: str, token: str, grace: float) -> None:
        self.crawler = crawler
        self.busy_key = f"{key}:busy"
        self.queue_key = f"{key}:requests"
        self.token = token
        self.grace = grace
        self.client = connect(crawler.settings.get("REDIS_URL"))
        self.loop = None
        self.busy = True
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        key = crawler.settings.get("WIREWASH_FRONTIER_KEY")
        if not key:
            raise NotConfigured("no shared frontier")
        return cls(crawler, key, crawler.settings.get("WIREWASH_PROCESS_TOKEN") or process_token(),
                   crawler.settings.getfloat("WIREWASH_FRONTIER_GRACE", 5.0))

    def spider_opened(self, spider) -> None:
        from twisted.internet.task import LoopingCall

        self.client.hset(self.busy_key, self.token, time.time())  # busy: its start requests are coming
        self.loop = LoopingCall(self.tick)
        self.loop.start(TICK, now=False)

    def _busy_here(self) -> bool:
        engine = self.crawler.engine
        slot = engine.scraper.slot
        return bool(engine.downloader.active) or (slot is not None and not slot.is_idle()) or engine._start is not None

    def tick(self) -> None:
        engine = self.crawler.engine
        try:
            if self._busy_here():
                self.busy = True
                self.client.hset(self.busy_key, self.token, time.time())
            else:
                self._mark_idle()  # pick up requests others queued (or notice everyone is done) without waiting 5 s
                slot = getattr(engine, "_slot", None)
                if slot is not None and slot.closing is None:
                    slot.nextcall.schedule()
        except Exception as exc:  # noqa: BLE001 - a Redis hiccup must not kill the loop
            logger.warning("shared frontier heartbeat failed: %s: %s", type(exc).__name__, exc)

    def _mark_idle(self) -> None:
        if self.busy:
            self.busy = False
            self.client.hset(self.busy_key, self.token, 0)  # others need not wait out the grace period

    def others_busy(self) -> bool:
        now = time.time()
        seen = self.client.hgetall(self.busy_key)
        return any(tok.decode() != self.token and now - float(ts) < self.grace for tok, ts in seen.items())

    def spider_idle(self, spider) -> None:
        self._mark_idle()
        if self.client.zcard(self.queue_key) or self.others_busy():
            raise DontCloseSpider

    def spider_closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        try:
            self.client.hdel(self.busy_key, self.token)
        except Exception as exc:  # noqa: BLE001
            logger.warning("shared frontier: could not deregister: %s", exc)
