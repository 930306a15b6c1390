"""Downloader middlewares that keep a crawl safe and incremental.

``PrivateAddressMiddleware`` refuses requests to private, loopback, link-local, multicast and
reserved addresses (a sitemap or a redirect pointing at ``http://169.254.169.254/`` or
``http://localhost:6379/`` must not be fetched). Redirects become new requests that pass
through downloader middlewares again, so a redirect to such an address is refused as well.
A source may allow them with ``allow_private = true`` or a list of hosts/networks
(``allow_private = ["127.0.0.1"]``), which the demo and the tests do.

``KnownUrlMiddleware`` drops article requests for URLs already in the corpus; sitemaps, feeds
and hub pages are always re-read. ``BackoffRetryMiddleware`` is Scrapy's retry with an
exponential delay before each retry.
"""
from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.task import deferLater

logger = logging.getLogger(__name__)

ARTICLE = "wirewash_article"  # request.meta flag: this request fetches an article page

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class PrivateAddressRefused(IgnoreRequest):
    """The request's host is (or resolves to) an address the source may not reach."""


def is_article(request: Request) -> bool:
    return bool(request.meta.get(ARTICLE))


def is_public(addr: Address) -> bool:
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return not (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_multicast
                or addr.is_reserved or addr.is_unspecified)


@lru_cache(maxsize=4096)
def resolve(host: str) -> tuple[Address, ...]:
    """The addresses ``host`` stands for (a literal IP is its own address); () if unresolvable."""
    try:
        return (ipaddress.ip_address(host.strip("[]")),)
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return ()  # the download itself will fail with a DNS error
    return tuple(dict.fromkeys(ipaddress.ip_address(i[4][0].split("%")[0]) for i in infos))


def allowed_networks(allow_private: bool | Iterable[str]) -> tuple[Network, ...] | bool:
    """``True`` (everything allowed), or the networks a source may reach besides public ones."""
    if allow_private is True:
        return True
    if not allow_private:
        return ()
    nets = []
    for item in allow_private:
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            nets.extend(ipaddress.ip_network(a) for a in resolve(item))
    return tuple(nets)


def refusal(host: str, allow: tuple[Network, ...] | bool) -> str | None:
    """Why ``host`` may not be fetched, or None when it may."""
    if allow is True:
        return None
    if host.lower() in {"localhost", "localhost.localdomain"} or host.lower().endswith(".localhost"):
        addrs = resolve(host) or (ipaddress.ip_address("127.0.0.1"),)
    else:
        addrs = resolve(host)
    for addr in addrs:
        if not is_public(addr) and not any(addr in net for net in allow):
            return f"{host} resolves to non-public address {addr}"
    return None


class PrivateAddressMiddleware:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _allow(self, spider: Spider | None):
        return allowed_networks(getattr(spider, "allow_private", False))

    def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        reason = refusal(host, self._allow(self.crawler.spider))
        if reason:
            self.stats.inc_value("wirewash/refused_private")
            logger.warning("Refused %s: %s (set allow_private on the source to allow it)", request.url, reason)
            raise PrivateAddressRefused(reason)


class KnownUrlMiddleware:
    """Skips article requests whose URL an earlier run already fetched (``WIREWASH_KNOWN_URLS``)."""

    def __init__(self, crawler, known: set[str]) -> None:
        self.stats = crawler.stats
        self.known = known

    @classmethod
    def from_crawler(cls, crawler):
        path = crawler.settings.get("WIREWASH_KNOWN_URLS")
        known = set()
        if path and Path(path).is_file():
            known = {line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()}
        return cls(crawler, known)

    def process_request(self, request: Request) -> None:
        if is_article(request) and request.url in self.known:
            self.stats.inc_value("wirewash/skipped_known")
            raise IgnoreRequest(f"already in the corpus: {request.url}")


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry (``RETRY_TIMES``, ``RETRY_HTTP_CODES``) after ``RETRY_BACKOFF_BASE ** n`` seconds."""

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def process_request(self, request: Request) -> None:
        wait = min(request.meta.get("wirewash_retry_at", 0) - time.monotonic(), self.cap)
        if wait > 0:
            from twisted.internet import reactor  # the installed one (asyncio): import late

            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))

    def _retry(self, request, reason):
        retry = super()._retry(request, reason)
        if retry is not None:
            n = retry.meta.get("retry_times", 1)
            retry.meta["wirewash_retry_at"] = time.monotonic() + min(self.base ** (n - 1), self.cap)
        return retry
