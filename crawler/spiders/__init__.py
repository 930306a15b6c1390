"""wirewash spiders: they only fetch. Article responses are archived to WARC segments by
:class:`crawler.archive.WarcArchive`; ``pipelines.crawl`` cleans each finished segment in worker
processes while the crawl goes on.

Every spider takes a :class:`crawler.sources.Source` (``source=``), or, from the ``scrapy crawl``
command line, ``-a sources=sources.toml -a source=NAME``.
"""
from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.safety import ARTICLE, PrivateAddressRefused
from crawler.sources import Source, load_sources

SOURCE_META = "wirewash_source"


class SourceMixin:
    """What all wirewash spiders share: the source, the article requests, fetch errors."""

    source: Source
    allow_private: Any = False

    def _init_source(self, source: Source | str | None, sources: str | None) -> None:
        if isinstance(source, str):
            if not sources:
                raise ValueError("give -a sources=FILE together with -a source=NAME")
            source = load_sources(sources).get(source)
        if source is None:
            raise ValueError(f"{type(self).__name__} needs a source")
        self.source = source
        self.allowed_domains = list(source.allowed_domains)
        self.allow_private = source.allow_private
        self.fetch_errors: list[dict[str, Any]] = []

    def article_request(self, url: str, **kwargs: Any) -> Request:
        meta = {ARTICLE: True, SOURCE_META: self.source.name, **kwargs.pop("meta", {})}
        return Request(url, callback=self.parse_article, errback=self.fetch_failed, meta=meta, **kwargs)

    def parse_article(self, response):
        """Articles are archived by the WARC extension; the item is a small str/int summary."""
        redirects = response.request.meta.get("redirect_urls") if response.request else None
        yield {
            "source": self.source.name,
            "url": response.url,
            "requested_url": redirects[0] if redirects else response.url,
            "status": response.status,
            "bytes": len(response.body),
        }

    def fetch_failed(self, failure) -> None:
        """Errback: record real fetch failures; policy skips (robots, known, offsite) are not errors."""
        exc = failure.value
        request = getattr(failure, "request", None)
        if isinstance(exc, HttpError):
            url, reason, detail = exc.response.url, "http_error", f"HTTP {exc.response.status}"
        elif isinstance(exc, PrivateAddressRefused):
            url, reason, detail = request.url if request else "?", "refused_private", str(exc)
        elif isinstance(exc, IgnoreRequest):
            return
        else:
            url, reason, detail = request.url if request else "?", "fetch_failed", f"{type(exc).__name__}: {exc}"
        self.crawler.stats.inc_value(f"wirewash/errors/{reason}")
        self.logger.warning("fetch error %s: %s %s", url, reason, detail)
        self.fetch_errors.append({"url": url, "reason": reason, "detail": detail[:500]})
