"""``news_sitemap``: article URLs from sitemaps — robots.txt ``Sitemap:`` lines, sitemap indexes,
urlsets and Google News sitemaps — filtered by the source's allow/deny patterns and its
``since`` date (``<news:publication_date>``, else ``<lastmod>``; undated entries are kept).

Scrapy's own ``Sitemap`` parser drops nested elements such as ``<news:news>``, so urlsets and
indexes are parsed here (entities are never resolved, nothing is fetched from the network).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import lxml.etree
from scrapy import Request
from scrapy.spiders import SitemapSpider

from crawler.sources import parse_date
from crawler.spiders import SourceMixin

_PARSER_OPTS = dict(recover=True, resolve_entities=False, no_network=True, remove_comments=True,
                    remove_pis=True, huge_tree=False)


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: dt.datetime | None = None
    published: dt.datetime | None = None  # <news:publication_date>
    title: str | None = None  # <news:title>

    @property
    def date(self) -> dt.datetime | None:
        return self.published or self.lastmod


def _local(tag) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def sitemap_entries(body: bytes) -> tuple[str, list[SitemapEntry]]:
    """``("urlset" | "sitemapindex" | other, entries)`` of a sitemap document."""
    try:
        root = lxml.etree.fromstring(body, parser=lxml.etree.XMLParser(**_PARSER_OPTS))
    except lxml.etree.XMLSyntaxError:
        return "invalid", []
    if root is None:
        return "invalid", []
    kind = _local(root.tag)
    entries = []
    for el in root:
        if _local(el.tag) not in ("url", "sitemap"):
            continue
        fields: dict[str, str] = {}
        for child in el.iter():
            name = _local(child.tag)
            if name in ("loc", "lastmod", "publication_date", "title") and child.text and name not in fields:
                fields[name] = child.text.strip()
        if fields.get("loc"):
            entries.append(SitemapEntry(fields["loc"], parse_date(fields.get("lastmod")),
                                        parse_date(fields.get("publication_date")), fields.get("title")))
    return kind, entries


class NewsSitemapSpider(SourceMixin, SitemapSpider):
    name = "news_sitemap"

    def __init__(self, source=None, sources=None, **kwargs):
        self._init_source(source, sources)
        self.sitemap_urls = list(self.source.urls)
        super().__init__(**kwargs)

    async def start(self):
        for url in self.sitemap_urls:
            yield Request(url, callback=self._parse_sitemap, errback=self.fetch_failed)

    def _parse_sitemap(self, response):
        stats = self.crawler.stats
        if response.url.endswith("/robots.txt"):
            for request in super()._parse_sitemap(response):
                yield request.replace(errback=self.fetch_failed)
            return
        body = self._get_sitemap_body(response)
        kind, entries = sitemap_entries(body) if body else ("invalid", [])
        if kind == "sitemapindex":
            for e in entries:
                if self.source.is_recent(e.lastmod):
                    yield Request(e.loc, callback=self._parse_sitemap, errback=self.fetch_failed)
                else:
                    stats.inc_value("wirewash/sitemaps_too_old")
        elif kind == "urlset":
            for e in entries:
                if not self.source.wants(e.loc):
                    stats.inc_value("wirewash/filtered_pattern")
                elif not self.source.is_recent(e.date):
                    stats.inc_value("wirewash/filtered_old")
                else:
                    yield self.article_request(e.loc)
        else:
            self.logger.warning("Ignoring invalid sitemap: %s", response)
            self.fetch_errors.append({"url": response.url, "reason": "bad_sitemap", "detail": "not a sitemap"})
