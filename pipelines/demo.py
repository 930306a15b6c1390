"""``wirewash demo``: crawl the bundled mini news web into a corpus, with the real spiders.

Starts ``crawler.demo_site.DemoWeb`` on a free port of 127.0.0.1, writes a sources file for it
next to the corpus (``<corpus>/_demo/sources.toml``), runs :func:`pipelines.crawl.crawl`
(fetch into a WARC, then clean, deduplicate and commit), stops the server and returns the
manifest. With ``second_wave=True`` the demo then publishes new articles (and a fourth outlet
republishing the AP story) and crawls again: only the new pages are fetched, and the new AP
copy is recorded as a duplicate of the row the first crawl kept.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.demo_site import DemoWeb, demo_sources
from pipelines.config import RunConfig
from pipelines.crawl import crawl

QUIET = {"LOG_LEVEL": "INFO"}


def demo(out: Path, config: RunConfig | None = None, *, second_wave: bool = False, port: int = 0) -> list[dict[str, Any]]:
    """Crawl the demo web into ``out``; returns one manifest per crawl (one, or two with ``second_wave``)."""
    out = Path(out)
    manifests = []
    web = DemoWeb()
    web.start(port)
    try:
        sources = out / "_demo" / "sources.toml"
        sources.parent.mkdir(parents=True, exist_ok=True)
        sources.write_text(demo_sources(web.base), encoding="utf-8")
        manifests.append(_tag(crawl(sources, out, config, settings=QUIET), web))
        if second_wave:
            web.publish_second_wave()
            manifests.append(_tag(crawl(sources, out, config, settings=QUIET), web))
    finally:
        web.stop()
    return manifests


def _tag(manifest: dict[str, Any], web: DemoWeb) -> dict[str, Any]:
    manifest["demo"] = {"base_url": web.base, "requests_served": len(web.hits),
                        "article_requests": len(web.article_hits())}
    web.hits.clear()
    return manifest
