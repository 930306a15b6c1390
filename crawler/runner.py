"""Run the sources of a sources file in one Scrapy process; meant to be a subprocess.

    python -m crawler.runner --sources sources.toml --warc DIR/crawl-ID.warc.gz --report report.json \
        [--known known-urls.txt] [--jobs JOBS_DIR] [--source NAME ...] [--set SETTING=JSON ...] \
        [--redis redis://HOST:PORT/DB --redis-prefix PREFIX]

Each source gets its own crawler (and, with ``--jobs``, its own ``JOBDIR=<jobs>/<name>``, so a
crawl stopped by SIGINT/SIGTERM — or killed — resumes where it stopped on the next run; the
job directory is removed once a source finishes). All crawlers share one set of WARC segments,
``DIR/crawl-ID-00001.warc.gz`` ... (see ``crawler.archive``), each renamed into place when it is
complete, so a caller may read finished segments while the crawl runs. The report (JSON) lists
the segments and, per source, its finish reason, archived pages, fetch errors and stats.
Exit status: 0 all sources finished, 3 some source did not finish or had fetch errors, 1 no
active crawl on the given Redis frontier.

With ``--redis``, the frontier (request queue and seen-request set, per source) lives in Redis
(``crawler.frontier``) and is shared with every other runner on the same URL and prefix, on this
machine or others; ``--jobs`` is then ignored (Redis holds the queue). Extra runners on other
machines join the crawl that the lock-holding ``wirewash crawl --redis URL`` is running: give each
its own ``--warc`` name in the corpus's shared ``_raw/`` (the ``wirewash crawl`` log prints the
command), e.g. ``--warc /shared/corpus/_raw/crawl-<crawl id>-$(hostname)-$$.warc.gz``. Only the
lock holder ingests and commits; it reads its own runners' segments during the run, and the next
``wirewash crawl`` takes over the other machines' segments (as a killed crawl's), URLs included.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawler import frontier
from crawler.archive import segment_glob
from crawler.sources import Source, load_sources
from crawler.spiders.feeds import FeedsSpider
from crawler.spiders.news_sitemap import NewsSitemapSpider
from crawler.spiders.site import SiteSpider

SPIDERS = {"sitemap": NewsSitemapSpider, "feed": FeedsSpider, "site": SiteSpider}
COMPLETE = {"finished", "closespider_itemcount"}
KEPT_STATS = ("downloader/request_count", "downloader/response_count", "wirewash/archived", "wirewash/skipped_known",
              "wirewash/filtered_old", "wirewash/filtered_pattern", "wirewash/refused_private",
              "robotstxt/forbidden", "offsite/filtered", "retry/count", "retry/max_reached", "item_scraped_count",
              "elapsed_time_seconds")


def base_settings(overrides: dict[str, Any] | None = None) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run(sources: list[Source], settings: Settings, jobs: Path | None,
        redis: tuple[str, str] | None = None) -> list[dict[str, Any]]:
    """Crawl ``sources``; ``redis=(url, prefix)`` puts their frontiers in Redis (then no JOBDIR)."""
    process = CrawlerProcess(settings)
    crawlers = []
    if redis is not None:
        jobs = None
    for i, src in enumerate(sources):
        s = settings.copy()
        if jobs is not None:
            s.set("JOBDIR", str(jobs / src.name), priority="cmdline")
        if redis is not None:
            for key, value in frontier.redis_settings(redis[0], redis[1], src.name).items():
                s.set(key, value, priority="cmdline")
            s.set("EXTENSIONS", {**s.getdict("EXTENSIONS"), "crawler.frontier.SharedFrontier": 90}, priority="cmdline")
        if src.max_pages:
            s.set("CLOSESPIDER_ITEMCOUNT", src.max_pages, priority="cmdline")
        crawler = Crawler(SPIDERS[src.kind], s, init_reactor=(i == 0))
        crawlers.append((src, crawler))
        process.crawl(crawler, source=src)
    process.start()
    results = []
    for src, crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        reason = stats.get("finish_reason", "not_started")
        archive = getattr(crawler, "wirewash_archive", None)
        spider = getattr(crawler, "spider", None)
        failed = archive.failed if archive else None
        if jobs is not None and (reason in COMPLETE or failed):
            # after an archive failure requests.seen holds URLs that are in no segment: start afresh
            shutil.rmtree(jobs / src.name, ignore_errors=True)
        results.append({
            "name": src.name,
            "kind": src.kind,
            "finish_reason": reason,
            "complete": reason in COMPLETE,
            "archived": archive.archived if archive else [],
            "errors": list(getattr(spider, "fetch_errors", []))
                      + ([{"url": "", "reason": "archive_failed", "detail": failed}] if failed else []),
            "stats": {k: stats[k] for k in KEPT_STATS if k in stats},
        })
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m crawler.runner", description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", required=True, type=Path)
    ap.add_argument("--warc", required=True, type=Path, help="the crawl's WARC name (.warc.gz); segments get -NNNNN")
    ap.add_argument("--report", required=True, type=Path)
    ap.add_argument("--known", type=Path, help="article URLs not to fetch again, one per line")
    ap.add_argument("--jobs", type=Path, help="JOBDIR root (one directory per source)")
    ap.add_argument("--source", action="append", default=[], help="only these sources (repeatable)")
    ap.add_argument("--set", action="append", default=[], metavar="SETTING=JSON", help="Scrapy setting override")
    ap.add_argument("--redis", metavar="URL", help="share the frontier through Redis (redis://HOST:PORT/DB)")
    ap.add_argument("--redis-prefix", metavar="PREFIX", help="the corpus's key prefix (printed by wirewash crawl)")
    args = ap.parse_args(argv)
    redis = None
    if args.redis:
        if not args.redis_prefix:
            ap.error("--redis needs --redis-prefix")
        active = frontier.active_crawl(frontier.connect(args.redis), args.redis_prefix)
        if active is None:
            print(f"no wirewash crawl is active on {args.redis} prefix {args.redis_prefix!r}: nothing to join",
                  file=sys.stderr)
            return 1
        redis = (args.redis, args.redis_prefix)

    spec = load_sources(args.sources)
    sources = [spec.get(n) for n in args.source] if args.source else list(spec.sources)
    overrides: dict[str, Any] = spec.options.scrapy_settings()
    for item in args.set:
        key, _, value = item.partition("=")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    overrides["WIREWASH_WARC_PATH"] = str(args.warc)
    overrides["WIREWASH_KNOWN_URLS"] = str(args.known or "")
    overrides["WIREWASH_PROCESS_TOKEN"] = f"{frontier.process_token()}-{args.warc.name}"
    results = run(sources, base_settings(overrides), args.jobs, redis)
    segments = sorted(args.warc.parent.glob(segment_glob(args.warc)))
    report = {"segments": [str(p) for p in segments], "sources": results}
    tmp = args.report.with_name(f".{args.report.name}.tmp")
    tmp.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, args.report)
    ok = all(r["complete"] and not r["errors"] for r in results)
    return 0 if ok else 3


if __name__ == "__main__":
    sys.exit(main())
