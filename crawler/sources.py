"""The sources file: one TOML file listing what to crawl.

Example::

    [crawl]                         # optional; politeness overrides for every source
    user_agent = "wirewash/0.1 (+mailto:news-team@example.org)"
    concurrent_requests_per_domain = 4
    download_delay = 0.25
    autothrottle = true

    [[source]]
    name = "harbourledger"
    kind = "sitemap"                # sitemap | feed | site
    sitemaps = ["https://www.harbourledger.example/robots.txt"]   # robots.txt, index or urlset
    allow = ['/world/', '/local/']  # article URL regexes (empty = every URL)
    deny = ['/live/']
    since = "2026-11-01"            # skip sitemap/feed entries older than this
    max_pages = 500

    [[source]]
    name = "midlandcourier"
    kind = "feed"
    feeds = ["https://midlandcourier.example/rss.xml"]

    [[source]]
    name = "northgatepost"
    kind = "site"
    start_urls = ["https://northgatepost.example/"]
    allow = ['/\\d{4}/\\d{2}/']     # pages to archive
    follow = ['/section/']          # pages only to follow links from (default: any page)
    allowed_domains = ["northgatepost.example"]   # default: the hosts of the start URLs

Errors name the source and the key (``sources.toml: source "harbourledger": since: ...``).
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

KINDS = {"sitemap": "sitemaps", "feed": "feeds", "site": "start_urls"}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class SourcesError(ValueError):
    """The sources file is invalid; the message names the source and the key."""


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    urls: tuple[str, ...]  # sitemaps, feeds or start URLs, by kind
    allowed_domains: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()
    max_pages: int = 0  # 0 = no limit
    since: dt.datetime | None = None  # timezone-aware UTC
    allow_private: bool | tuple[str, ...] = False

    def wants(self, url: str) -> bool:
        """True when ``url`` is an article URL of this source (allow/deny patterns)."""
        if any(re.search(p, url) for p in self.deny):
            return False
        return not self.allow or any(re.search(p, url) for p in self.allow)

    def is_recent(self, moment: dt.datetime | None) -> bool:
        """False only when a date is known and older than ``since``."""
        return self.since is None or moment is None or moment >= self.since


@dataclass(frozen=True)
class CrawlOptions:
    user_agent: str | None = None
    concurrent_requests_per_domain: int | None = None
    download_delay: float | None = None
    autothrottle: bool | None = None

    def scrapy_settings(self) -> dict[str, Any]:
        s: dict[str, Any] = {}
        if self.user_agent:
            s["USER_AGENT"] = self.user_agent
        if self.concurrent_requests_per_domain is not None:
            s["CONCURRENT_REQUESTS_PER_DOMAIN"] = self.concurrent_requests_per_domain
        if self.download_delay is not None:
            s["DOWNLOAD_DELAY"] = self.download_delay
        if self.autothrottle is not None:
            s["AUTOTHROTTLE_ENABLED"] = self.autothrottle
        return s


@dataclass(frozen=True)
class SourcesFile:
    sources: tuple[Source, ...]
    options: CrawlOptions = field(default_factory=CrawlOptions)

    def get(self, name: str) -> Source:
        for s in self.sources:
            if s.name == name:
                return s
        raise SourcesError(f"no source named {name!r}; known: {', '.join(s.name for s in self.sources)}")


SOURCE_KEYS = {"name", "kind", "sitemaps", "feeds", "start_urls", "allowed_domains", "allow", "deny",
               "follow", "max_pages", "since", "allow_private"}


def load_sources(path: Path) -> SourcesFile:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SourcesError(f"{path}: {exc}") from exc
    return parse_sources(data, str(path))


def parse_sources(data: dict[str, Any], where: str = "sources") -> SourcesFile:
    unknown = sorted(set(data) - {"source", "crawl"})
    if unknown:
        raise SourcesError(f"{where}: unknown top-level key(s) {', '.join(unknown)}; expected [[source]] and [crawl]")
    options = _options(data.get("crawl", {}), where)
    raw = data.get("source", [])
    if not isinstance(raw, list) or not raw:
        raise SourcesError(f"{where}: no [[source]] entries")
    sources, names = [], set()
    for i, entry in enumerate(raw):
        src = _source(entry, f"{where}: source #{i + 1}", where)
        if src.name in names:
            raise SourcesError(f"{where}: source {src.name!r}: name: used twice")
        names.add(src.name)
        sources.append(src)
    return SourcesFile(tuple(sources), options)


def _options(raw: Any, where: str) -> CrawlOptions:
    if not isinstance(raw, dict):
        raise SourcesError(f"{where}: [crawl] must be a table")
    known = {f for f in CrawlOptions.__dataclass_fields__}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SourcesError(f"{where}: [crawl]: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    types = {"user_agent": str, "concurrent_requests_per_domain": int, "download_delay": (int, float), "autothrottle": bool}
    for k, v in raw.items():
        if not isinstance(v, types[k]) or (k != "autothrottle" and isinstance(v, bool)):
            raise SourcesError(f"{where}: [crawl]: {k}: wrong type {type(v).__name__}")
    return CrawlOptions(**raw)


def _source(entry: Any, label: str, where: str) -> Source:
    if not isinstance(entry, dict):
        raise SourcesError(f"{label}: must be a table")
    name = entry.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise SourcesError(f"{label}: name: required, lower-case letters, digits, '_', '-', '.' (got {name!r})")
    label = f"{where}: source {name!r}"

    def fail(key: str, msg: str) -> SourcesError:
        return SourcesError(f"{label}: {key}: {msg}")

    unknown = sorted(set(entry) - SOURCE_KEYS)
    if unknown:
        raise fail(unknown[0], f"unknown key (known: {', '.join(sorted(SOURCE_KEYS))})")
    kind = entry.get("kind")
    if kind not in KINDS:
        raise fail("kind", f"must be one of {', '.join(KINDS)} (got {kind!r})")
    url_key = KINDS[kind]
    for other in set(KINDS.values()) - {url_key}:
        if other in entry:
            raise fail(other, f"not used by kind {kind!r} (use {url_key})")
    urls = _strings(entry, url_key, fail)
    if not urls:
        raise fail(url_key, f"required for kind {kind!r}: a non-empty list of URLs")
    for u in urls:
        parts = urlsplit(u)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise fail(url_key, f"not an http(s) URL: {u!r}")
    patterns = {}
    for key in ("allow", "deny", "follow"):
        patterns[key] = _strings(entry, key, fail)
        for p in patterns[key]:
            try:
                re.compile(p)
            except re.error as exc:
                raise fail(key, f"bad regular expression {p!r}: {exc}") from None
    domains = _strings(entry, "allowed_domains", fail) or tuple(dict.fromkeys(urlsplit(u).hostname for u in urls))
    max_pages = entry.get("max_pages", 0)
    if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 0:
        raise fail("max_pages", f"must be a whole number >= 0 (got {max_pages!r})")
    allow_private = entry.get("allow_private", False)
    if isinstance(allow_private, list):
        if not all(isinstance(x, str) for x in allow_private):
            raise fail("allow_private", "must be true/false or a list of hosts/networks")
        allow_private = tuple(allow_private)
    elif not isinstance(allow_private, bool):
        raise fail("allow_private", "must be true/false or a list of hosts/networks")
    return Source(name, kind, urls, domains, patterns["allow"], patterns["deny"], patterns["follow"],
                  max_pages, _since(entry.get("since"), fail), allow_private)


def _strings(entry: dict, key: str, fail) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise fail(key, "must be a list of non-empty strings")
    return tuple(value)


def _since(value: Any, fail) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise fail("since", f"not an ISO date or date-time: {value!r}") from None
    else:
        raise fail("since", f"must be a date (got {type(value).__name__})")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def parse_date(value: str | None) -> dt.datetime | None:
    """A sitemap/feed date (W3C/ISO 8601 or RFC 822) as aware UTC, or None when unparseable."""
    if not value:
        return None
    value = value.strip()
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        from email.utils import parsedate_to_datetime
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)
