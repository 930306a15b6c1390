"""``feeds``: article URLs from RSS 2.0, RSS 1.0 (RDF) and Atom feeds, parsed with lxml,
filtered by the source's allow/deny patterns and ``since`` date."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.etree
from scrapy import Request, Spider

from crawler.sources import parse_date
from crawler.spiders import SourceMixin
from crawler.spiders.news_sitemap import _PARSER_OPTS, _local

DATE_TAGS = ("pubDate", "published", "date", "issued", "updated", "modified")


@dataclass(frozen=True)
class FeedEntry:
    link: str
    date: dt.datetime | None = None
    title: str | None = None


def feed_entries(body: bytes, base_url: str = "") -> list[FeedEntry]:
    """The entries of an RSS/Atom feed, links made absolute against ``base_url``."""
    try:
        root = lxml.etree.fromstring(body, parser=lxml.etree.XMLParser(**_PARSER_OPTS))
    except lxml.etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    entries = []
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        link, title, dates = None, None, {}
        for child in item:
            name = _local(child.tag)
            if name == "link":
                if child.get("href") is not None:  # Atom: rel="alternate" or no rel
                    if child.get("rel", "alternate") == "alternate" and link is None:
                        link = child.get("href")
                elif child.text and child.text.strip():
                    link = child.text.strip()
            elif name == "guid" and link is None and child.get("isPermaLink", "true") == "true" and child.text:
                link = child.text.strip()
            elif name == "title" and child.text:
                title = child.text.strip()
            elif name in DATE_TAGS and child.text:
                dates.setdefault(name, child.text)
        if link:
            date = next((parse_date(dates[t]) for t in DATE_TAGS if t in dates), None)
            entries.append(FeedEntry(urljoin(base_url, link), date, title))
    return entries


class FeedsSpider(SourceMixin, Spider):
    name = "feeds"

    def __init__(self, source=None, sources=None, **kwargs):
        self._init_source(source, sources)
        super().__init__(**kwargs)

    async def start(self):
        for url in self.source.urls:
            yield Request(url, callback=self.parse_feed, errback=self.fetch_failed)

    def parse_feed(self, response):
        entries = feed_entries(response.body, response.url)
        if not entries:
            self.fetch_errors.append({"url": response.url, "reason": "bad_feed", "detail": "no feed entries"})
        for e in entries:
            if not self.source.wants(e.link):
                self.crawler.stats.inc_value("wirewash/filtered_pattern")
            elif not self.source.is_recent(e.date):
                self.crawler.stats.inc_value("wirewash/filtered_old")
            else:
                yield self.article_request(e.link)
