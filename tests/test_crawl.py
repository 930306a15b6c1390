"""Live crawling: spider callbacks offline, then two real crawls of the bundled demo web.

The offline tests call spider callbacks on hand-made responses (no reactor). The crawl tests
start the demo web (a threaded server on 127.0.0.1) in this process and run ``crawl()``, which
runs Scrapy in a subprocess and ingests the WARC here.
"""
from __future__ import annotations

import datetime as dt
import gzip
import re
import time

import duckdb
import pytest
from scrapy.http import HtmlResponse, Request, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.demo_site import DemoWeb, demo_sources
from crawler.safety import ARTICLE, PrivateAddressMiddleware, PrivateAddressRefused
from crawler.sources import Source, SourcesError, parse_sources
from crawler.spiders.feeds import FeedsSpider, feed_entries
from crawler.spiders.news_sitemap import NewsSitemapSpider, sitemap_entries
from crawler.spiders.site import SiteSpider
from pipelines.config import RunConfig
from output.store import read_state
from pipelines.crawl import SEGMENTS_STATE, crawl, known_urls

SINCE = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/world/new-story</loc>
  <news:news><news:publication><news:name>N</news:name><news:language>en</news:language></news:publication>
  <news:publication_date>2026-11-20T08:15:00Z</news:publication_date><news:title>New</news:title></news:news></url>
<url><loc>https://news.example/world/old-story</loc><lastmod>2026-11-21</lastmod>
  <news:news><news:publication_date>2026-10-02</news:publication_date></news:news></url>
<url><loc>https://news.example/world/lastmod-only</loc><lastmod>2026-11-03T10:00:00+01:00</lastmod></url>
<url><loc>https://news.example/world/undated</loc></url>
<url><loc>https://news.example/live/blog</loc><lastmod>2026-11-20</lastmod></url>
</urlset>"""
INDEX = b"""<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example/sitemap-news.xml</loc><lastmod>2026-11-21</lastmod></sitemap>
<sitemap><loc>https://news.example/sitemap-2019.xml</loc><lastmod>2019-12-31</lastmod></sitemap>
<sitemap><loc>https://news.example/sitemap-undated.xml</loc></sitemap></sitemapindex>"""


def source(kind="sitemap", **kw) -> Source:
    urls = kw.pop("urls", ("https://news.example/robots.txt",))
    return Source("test", kind, urls, ("news.example",), since=kw.pop("since", SINCE), **kw)


def spider_for(cls, src):
    crawler = get_crawler(cls)
    spider = cls.from_crawler(crawler, source=src)
    crawler.spider = spider
    return spider


def test_news_sitemap_filters_by_publication_date_lastmod_and_patterns():
    spider = spider_for(NewsSitemapSpider, source(deny=("/live/",)))
    requests = list(spider._parse_sitemap(XmlResponse("https://news.example/sitemap-news.xml", body=NEWS)))
    assert [r.url.rsplit("/", 1)[1] for r in requests] == ["new-story", "lastmod-only", "undated"]
    assert all(r.meta[ARTICLE] and r.callback == spider.parse_article for r in requests)
    assert spider.crawler.stats.get_value("wirewash/filtered_old") == 1  # publication_date beats lastmod
    assert spider.crawler.stats.get_value("wirewash/filtered_pattern") == 1


def test_sitemap_index_skips_old_sitemaps_and_robots_lists_sitemaps():
    spider = spider_for(NewsSitemapSpider, source())
    subs = list(spider._parse_sitemap(XmlResponse("https://news.example/sitemap_index.xml", body=INDEX)))
    assert [r.url for r in subs] == ["https://news.example/sitemap-news.xml", "https://news.example/sitemap-undated.xml"]
    assert not any(r.meta.get(ARTICLE) for r in subs)
    robots = TextResponse("https://news.example/robots.txt", body=b"User-agent: *\nDisallow: /x\nSitemap: /sitemap_index.xml\n"
                          b"sitemap: https://news.example/news.xml\n")
    assert [r.url for r in spider._parse_sitemap(robots)] == ["https://news.example/sitemap_index.xml",
                                                              "https://news.example/news.xml"]
    kind, entries = sitemap_entries(gzip.decompress(gzip.compress(NEWS)))
    assert kind == "urlset" and entries[0].title == "New" and entries[0].published.day == 20


def test_sitemap_parser_refuses_entities():
    evil = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.example/&x;</loc></url></urlset>"""
    _, entries = sitemap_entries(evil)
    assert all("root:" not in e.loc for e in entries)


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>A</title><link>https://news.example/a</link><pubDate>Fri, 20 Nov 2026 08:15:00 +0000</pubDate></item>
<item><title>Old</title><link>https://news.example/old</link><pubDate>Mon, 05 Oct 2026 08:15:00 GMT</pubDate></item>
<item><title>Rel</title><link>/relative</link></item>
<item><title>Deny</title><link>https://news.example/live/x</link></item></channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>E1</title><link rel="alternate" href="https://news.example/e1"/><link rel="edit" href="https://news.example/edit"/>
<updated>2026-11-21T10:00:00Z</updated></entry>
<entry><title>E2</title><link href="https://news.example/e2"/><published>2026-01-01T00:00:00Z</published></entry></feed>"""


def test_feed_spider_reads_rss_and_atom_with_since_and_deny():
    spider = spider_for(FeedsSpider, source("feed", urls=("https://news.example/rss.xml",), deny=("/live/",)))
    rss = list(spider.parse_feed(XmlResponse("https://news.example/rss.xml", body=RSS)))
    assert [r.url for r in rss] == ["https://news.example/a", "https://news.example/relative"]
    atom = list(spider.parse_feed(XmlResponse("https://news.example/atom.xml", body=ATOM)))
    assert [r.url for r in atom] == ["https://news.example/e1"]
    assert all(r.meta[ARTICLE] for r in rss + atom)
    assert feed_entries(b"not a feed") == []


def test_site_spider_marks_articles_and_applies_deny():
    src = source("site", urls=("https://news.example/",), allow=(r"/\d{4}/\d{2}/",), deny=("/live/",), follow=("/section/",))
    spider = spider_for(SiteSpider, src)
    page = HtmlResponse("https://news.example/", body=b"""<html><body>
        <a href="/2026/11/story-one">1</a><a href="/live/2026/11/blog">live</a><a href="/section/world/">hub</a>
        <a href="/about">about</a><a href="https://elsewhere.example/2026/11/x">off</a></body></html>""",
        request=Request("https://news.example/"))
    requests = list(spider._requests_to_follow(page))
    by_url = {r.url: r for r in requests}
    assert by_url["https://news.example/2026/11/story-one"].meta[ARTICLE] is True
    assert ARTICLE not in by_url["https://news.example/section/world/"].meta
    assert "https://news.example/live/2026/11/blog" not in by_url and "https://news.example/about" not in by_url


@pytest.mark.parametrize("url,allow,refused", [
    ("http://127.0.0.1:8080/x", False, True),
    ("http://localhost/x", False, True),
    ("http://10.1.2.3/x", False, True),
    ("http://169.254.169.254/latest/meta-data/", False, True),
    ("http://[::1]/x", False, True),
    ("http://[::ffff:192.168.0.1]/x", False, True),
    ("http://93.184.216.34/x", False, False),
    ("http://127.0.0.1:8080/x", ("127.0.0.1",), False),
    ("http://10.1.2.3/x", ("127.0.0.1",), True),
    ("http://10.1.2.3/x", True, False),
])
def test_private_addresses_are_refused_unless_allowed(url, allow, refused):
    spider = spider_for(FeedsSpider, source("feed", urls=("https://news.example/rss.xml",), allow_private=allow))
    mw = PrivateAddressMiddleware.from_crawler(spider.crawler)
    if refused:
        with pytest.raises(PrivateAddressRefused):
            mw.process_request(Request(url))
    else:
        assert mw.process_request(Request(url)) is None


def test_sources_errors_name_the_source_and_key():
    good = {"name": "a", "kind": "feed", "feeds": ["https://a.example/rss"]}
    assert parse_sources({"source": [good]}).sources[0].allowed_domains == ("a.example",)
    cases = [
        ({**good, "kind": "blog"}, "source 'a': kind"),
        ({**good, "since": "yesterday"}, "source 'a': since"),
        ({**good, "deny": ["("]}, "source 'a': deny"),
        ({**good, "max_pages": -1}, "source 'a': max_pages"),
        ({**good, "feeds": ["ftp://x"]}, "source 'a': feeds"),
        ({**good, "sitemaps": ["https://a.example/s.xml"]}, "source 'a': sitemaps"),
        ({**good, "allowed_domain": ["x"]}, "source 'a': allowed_domain"),
        ({"name": "a", "kind": "site"}, "source 'a': start_urls"),
    ]
    for entry, message in cases:
        with pytest.raises(SourcesError, match=message.replace("(", r"\(")):
            parse_sources({"source": [entry]}, "s.toml")


# --- two real crawls of the demo web -------------------------------------------------------

def rows(corpus, dataset):
    rel = duckdb.sql(f"select * from read_parquet('{corpus}/{dataset}/**/*.parquet', hive_partitioning=true)")
    return [dict(zip(rel.columns, r)) for r in rel.fetchall()]


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    web = DemoWeb()
    web.start()
    try:
        sources = corpus.parent / "sources.toml"
        sources.write_text(demo_sources(web.base))
        first = crawl(sources, corpus, RunConfig(workers=2))
        hits1 = list(web.hits)
        first_articles, first_dups = rows(corpus, "articles"), rows(corpus, "duplicates")
        web.hits.clear()
        web.publish_second_wave()
        second = crawl(sources, corpus, RunConfig(workers=2))
        hits2 = list(web.hits)
    finally:
        web.stop()
    return dict(corpus=corpus, first=first, second=second, hits1=hits1, hits2=hits2, first_articles=first_articles, first_dups=first_dups)


def test_first_crawl_archives_cleans_and_collapses_the_wire_story(demo_runs):
    first, corpus = demo_runs["first"], demo_runs["corpus"]
    assert first["exit_code"] == 0, first["crawl"]["problems"] or first["errors"]
    assert first["crawl"]["pages"] == 7 and first["counts"]["documents"] == 7
    arts, dups = demo_runs["first_articles"], demo_runs["first_dups"]
    assert len(arts) == 5 and len(dups) == 2
    ap = [r for r in arts if "Portugal" in (r["title"] or "") and "almond" not in r["title"]]
    assert len(ap) == 1, [r["title"] for r in arts]
    assert {d["duplicate_of"] for d in dups} == {ap[0]["doc_id"]}
    assert {d["url"].split("/")[3] for d in dups} | {ap[0]["url"].split("/")[3]} == {
        "harbourledger", "midlandcourier", "northgatepost"}
    titles = " ".join(r["title"] for r in arts)
    assert "Vila Serrada" in titles or "Algarve town" in titles  # same event, own words: kept apart
    assert "almond" in titles
    for r in arts:  # furniture is gone
        assert "cookies" not in r["text"] and "Download our app" not in r["text"], r["url"]
    hits = demo_runs["hits1"]
    assert "/northgatepost/premium/2026/11/water-investigation" not in hits  # robots.txt
    assert "/northgatepost/live/2026/11/drought-live" not in hits  # deny pattern
    assert "/harbourledger/sitemap-2026-09.xml" not in hits  # index lastmod older than since
    assert "/harbourledger/local/harbour-wall-repairs-finished" not in hits
    assert hits.count("/robots.txt") >= 1 and not (corpus / "_jobs" / "harbourledger").exists()
    assert first["crawl"]["warcs"] and all(w.endswith(".warc.gz") for w in first["crawl"]["warcs"])


def test_second_crawl_fetches_only_new_pages_and_links_the_new_wire_copy(demo_runs):
    second, corpus = demo_runs["second"], demo_runs["corpus"]
    assert second["exit_code"] == 0, second["crawl"]["problems"] or second["errors"]
    article_paths = {"/harbourledger/local/ferry-fares-frozen", "/midlandcourier/news/library-reopens-after-flood-repairs",
                     "/valleyrecord/w/2026/11/20/portugal-overnight-water-cuts"}
    fetched = [h for h in demo_runs["hits2"] if h.count("/") >= 3 and not h.endswith((".xml", ".txt", "/"))]
    assert sorted(fetched) == sorted(article_paths)  # old articles are not fetched again
    assert "/harbourledger/sitemap.xml" in demo_runs["hits2"] and "/midlandcourier/rss.xml" in demo_runs["hits2"]
    assert second["counts"]["documents"] == 3
    first_ids = {r["doc_id"] for r in demo_runs["first_articles"]}
    valley = [d for d in rows(corpus, "duplicates") if d["url"].endswith("portugal-overnight-water-cuts")]
    assert len(valley) == 1 and valley[0]["duplicate_of"] in first_ids
    assert len(rows(corpus, "articles")) == 7
    assert len(known_urls(corpus)) == 10
    segments = sorted((corpus / "_raw").glob("crawl-*.warc.gz"))  # the raw archive: segments of two crawls
    assert all(re.fullmatch(r"crawl-\d{8}T\d{6}Z-[0-9a-f]{6}-\d{5}\.warc\.gz", p.name) for p in segments), segments
    assert len({p.name.rsplit("-", 1)[0] for p in segments}) == 2
    assert [str(p) for p in segments] == sorted(demo_runs["first"]["crawl"]["warcs"] + second["crawl"]["warcs"])
    assert not list((corpus / "_raw").glob(".*"))  # no part file left
    committed = {p for t in read_state(corpus, SEGMENTS_STATE) for p in t.column("path").to_pylist()}
    assert committed == {str(p) for p in segments}


def test_crawl_refuses_a_locked_corpus(tmp_path):
    from output.lock import CorpusLocked, corpus_lock
    sources = tmp_path / "sources.toml"
    sources.write_text(demo_sources("http://127.0.0.1:9"))
    with corpus_lock(tmp_path / "corpus"), pytest.raises(CorpusLocked):
        crawl(sources, tmp_path / "corpus")
    assert not (tmp_path / "corpus" / "_raw").exists()


# --- the WARC segment writer, offline ------------------------------------------------------

class _Settings(dict):
    def getint(self, key, default=None):
        return int(self.get(key, default))

    def getfloat(self, key, default=None):
        return float(self.get(key, default))


def _archive_item(i: int, body: bytes) -> tuple:
    url = f"http://news.example/a/{i}"
    return ("2026-11-22T01:00:00.000000Z", url, "GET", [(b"User-Agent", b"t")], b"", url, 200,
            [(b"Content-Type", b"text/html; charset=utf-8"), (b"Content-Length", str(len(body)).encode())], body, "test")


def test_warc_segments_roll_by_pages_and_age_and_are_whole_when_renamed(tmp_path):
    from crawler.archive import _SharedWarc, part_path, segment_glob, segment_path
    from crawler.loaders import iter_pages
    from crawler.record import RawPage

    base = tmp_path / "crawl-x.warc.gz"
    shared = _SharedWarc.acquire(base, _Settings(WIREWASH_WARC_SEGMENT_PAGES=3, WIREWASH_WARC_SEGMENT_SECONDS=0.3))
    written: list[int] = []
    body = lambda i: f"<html><body><p>story {i} {'x' * 2000}</p></body></html>".encode()  # noqa: E731
    for i in range(7):
        shared.submit(_archive_item(i, body(i)), lambda i=i: written.append(i))
    deadline = time.monotonic() + 10
    while not segment_path(base, 3).exists() and time.monotonic() < deadline:  # 3 + 3 by count, 1 by age
        time.sleep(0.02)
    assert segment_path(base, 3).exists() and not part_path(segment_path(base, 3)).exists()
    assert written == list(range(7))  # archived only once written
    shared.submit(_archive_item(7, body(7)), lambda: written.append(7))
    shared.release()  # the last user: closes the open segment
    assert _SharedWarc.registry == {}
    segments = sorted(tmp_path.glob(segment_glob(base)))
    assert [p.name for p in segments] == [f"crawl-x-{n:05d}.warc.gz" for n in (1, 2, 3, 4)]
    assert not list(tmp_path.glob(".*"))
    pages = [p for p in iter_pages(segments) if isinstance(p, RawPage)]
    assert [p.url for p in pages] == [f"http://news.example/a/{i}" for i in range(8)]
    assert all(f"story {i}" in p.body for i, p in enumerate(pages))
    per_file = [sum(1 for p in iter_pages([s]) if isinstance(p, RawPage)) for s in segments]
    assert per_file == [3, 3, 1, 1]
    from warcio.archiveiterator import ArchiveIterator
    with segments[0].open("rb") as f:  # standard WARC: one gzip member per record, digests that check
        it = ArchiveIterator(f, check_digests="raise")
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Concurrent-To"), r.rec_headers.get_header("WARC-Record-ID"),
                    r.content_stream().read()) for r in it]
        assert it.member_info is not None
    assert [r[0] for r in records] == ["warcinfo"] + ["response", "request"] * 3
    assert records[2][1] == records[1][2] and records[1][3] == body(0) and records[2][3] == b""


def test_uncommitted_segments_of_a_killed_crawl_are_taken_over(tmp_path):
    from crawler.archive import _SharedWarc
    from pipelines.crawl import _Feed, uncommitted_segments

    raw = tmp_path / "corpus" / "_raw"
    base = raw / "crawl-20261122T010000Z-abcdef.warc.gz"
    shared = _SharedWarc.acquire(base, _Settings(WIREWASH_WARC_SEGMENT_PAGES=2, WIREWASH_WARC_SEGMENT_SECONDS=60))
    for i in range(5):
        shared.submit(_archive_item(i, f"<html><body><p>{'text ' * 300}{i}</p></body></html>".encode()), lambda: None)
    shared.release()
    found = uncommitted_segments(raw, tmp_path / "corpus")
    assert [p.name for p in found] == [f"crawl-20261122T010000Z-abcdef-{n:05d}.warc.gz" for n in (1, 2, 3)]

    class Done:  # a runner that has exited without writing anything
        pid, returncode = 0, 0

        def poll(self):
            return 0

        def wait(self):
            return 0

    feed = _Feed(Done(), raw / "crawl-20261122T020000Z-123456.warc.gz", found, 1_000_000, None,
                 clock=lambda: dt.datetime(2026, 11, 22, 2, tzinfo=dt.UTC))
    pages = list(feed)
    assert feed.done and [p.url for p in pages] == [f"http://news.example/a/{i}" for i in range(5)]
    assert feed.segments == [p.resolve() for p in found] and not feed.urls  # leftovers: URLs come from the caller


def test_raw_segments_reingest_without_the_network(demo_runs, tmp_path):
    """``wirewash ingest <corpus>/_raw`` re-cleans every crawled page; into the same corpus it adds nothing."""
    from pipelines.run import ingest

    corpus = demo_runs["corpus"]
    fresh = ingest([corpus / "_raw"], tmp_path / "recleaned", RunConfig(workers=1))
    assert fresh["counts"]["pages_loaded"] == 10 and fresh["counts"]["documents"] == 10
    assert len(rows(tmp_path / "recleaned", "articles")) == 7
    again = ingest([corpus / "_raw"], corpus, RunConfig(workers=1))
    assert again["counts"].get("documents", 0) == 0 and again["counts"].get("articles_written", 0) == 0
