"""``site``: follow links from start pages; pages matching ``allow`` (and not ``deny``) are
articles and are archived, pages matching ``follow`` (default: any other page on the allowed
domains) are only read for links."""
from __future__ import annotations

from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule

from crawler.safety import ARTICLE
from crawler.spiders import SOURCE_META, SourceMixin


class SiteSpider(SourceMixin, CrawlSpider):
    name = "site"

    def __init__(self, source=None, sources=None, **kwargs):
        self._init_source(source, sources)
        self.start_urls = list(self.source.urls)
        s = self.source
        self.rules = (
            Rule(LinkExtractor(allow=s.allow, deny=s.deny), callback="parse_article", follow=True,
                 process_request="mark_article", errback="fetch_failed"),
            Rule(LinkExtractor(allow=s.follow, deny=s.deny), follow=True),
        )
        super().__init__(**kwargs)

    def mark_article(self, request, response):
        request.meta[ARTICLE] = True
        request.meta[SOURCE_META] = self.source.name
        return request
