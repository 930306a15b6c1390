"""Scale-out crawling: two runner processes share one frontier in Redis (scrapy-redis).

A redis-server is started by the test (free 127.0.0.1 port, temp dir, no persistence) and stopped
after; the test is skipped when redis-server is not installed. The demo web runs in this process
with a hit log and slightly slow article responses, so both runners take part. A single-process
crawl and ``crawl(..., redis=URL, processes=2)`` into fresh corpora must produce the same
articles and duplicates, and no article page may be fetched twice.
"""
from __future__ import annotations

import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from crawler.demo_site import DemoWeb, demo_sources
from output.store import read_state
from pipelines.config import RunConfig
from benchmarks.redis_server import temporary_server
from pipelines.crawl import SEGMENTS_STATE, crawl, default_redis_prefix, known_urls

REDIS_SERVER = shutil.which("redis-server")
DELAY = 0.3  # seconds per article response: the crawl lasts long enough for both runners to fetch
SETTINGS = {"LOG_LEVEL": "INFO", "CONCURRENT_REQUESTS": 1}  # one request in flight per source and process


@pytest.fixture(scope="module")
def redis_url():
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    with temporary_server() as url:
        yield url


class SlowWeb(DemoWeb):
    """DemoWeb whose article responses take DELAY seconds."""

    def start(self, port: int = 0) -> str:
        base = super().start(port)
        web, plain = self, self.server.RequestHandlerClass

        class Slow(plain):
            def do_GET(self) -> None:
                if self.path.split("?", 1)[0] in {web.url_path(a) for a in web.live()}:
                    time.sleep(DELAY)
                super().do_GET()

        self.server.RequestHandlerClass = Slow
        return base


def rows(corpus: Path, dataset: str) -> list[dict]:
    rel = duckdb.sql(f"select * from read_parquet('{corpus}/{dataset}/**/*.parquet', hive_partitioning=true)")
    return [dict(zip(rel.columns, r)) for r in rel.fetchall()]


def corpus_view(corpus: Path) -> tuple[set, set]:
    """(articles as (url, title), duplicates as (url, title, url of the kept copy)): no ids, no paths."""
    arts = rows(corpus, "articles")
    url_of = {a["doc_id"]: a["url"] for a in arts}
    return ({(a["url"], a["title"]) for a in arts},
            {(d["url"], d["title"], url_of.get(d["duplicate_of"])) for d in rows(corpus, "duplicates")})


@pytest.fixture(scope="module")
def runs(tmp_path_factory, redis_url):
    import redis

    tmp = tmp_path_factory.mktemp("scaleout")
    web = SlowWeb()
    web.start()
    try:
        sources = tmp / "sources.toml"
        sources.write_text(demo_sources(web.base))
        single = crawl(sources, tmp / "single", RunConfig(workers=2), settings=SETTINGS)
        single_hits = web.article_hits()
        web.hits.clear()
        t0 = time.monotonic()
        shared = crawl(sources, tmp / "shared", RunConfig(workers=2), settings=SETTINGS, redis=redis_url, processes=2)
        took = time.monotonic() - t0
        shared_hits = web.article_hits()
        leftover_keys = redis.Redis.from_url(redis_url).keys("wirewash:*")
    finally:
        web.stop()
    return {"tmp": tmp, "single": single, "shared": shared, "single_hits": single_hits,
            "shared_hits": shared_hits, "took": took, "leftover_keys": leftover_keys}


def test_two_processes_on_a_redis_frontier_build_the_same_corpus(runs):
    single, shared, tmp = runs["single"], runs["shared"], runs["tmp"]
    assert single["exit_code"] == 0, single["crawl"]["problems"]
    assert shared["exit_code"] == 0, shared["crawl"]["problems"] or shared["errors"]
    articles, dups = corpus_view(tmp / "single")
    assert len(articles) == 5 and len(dups) == 2
    assert corpus_view(tmp / "shared") == (articles, dups)
    assert shared["counts"]["documents"] == single["counts"]["documents"] == 7
    assert shared["crawl"]["pages"] == 7 and shared["crawl"]["redis"]["processes"] == 2
    assert known_urls(tmp / "shared") == known_urls(tmp / "single")  # fetched URLs recorded in the commit
    assert runs["took"] < 40


def test_no_article_page_is_fetched_twice(runs):
    hits = runs["shared_hits"]
    assert Counter(hits).most_common(1)[0][1] == 1, Counter(hits)
    assert sorted(hits) == sorted(runs["single_hits"])  # and every article was fetched


def test_each_process_writes_its_own_segments_into_one_commit(runs):
    tmp, shared = runs["tmp"], runs["shared"]
    segments = sorted((tmp / "shared" / "_raw").glob("crawl-*.warc.gz"))
    cid = shared["crawl"]["crawl_id"]
    assert segments and all(p.name.startswith((f"crawl-{cid}-p1-", f"crawl-{cid}-p2-")) for p in segments), segments
    committed = {p for t in read_state(tmp / "shared", SEGMENTS_STATE) for p in t.column("path").to_pylist()}
    assert committed == {str(p) for p in segments} == set(shared["crawl"]["warcs"])
    assert not list((tmp / "shared" / "_raw").glob(".*"))  # no part file left
    assert {p.name[len(f"crawl-{cid}-"):][:2] for p in segments} == {"p1", "p2"}  # both runners fetched pages
    assert runs["leftover_keys"] == []  # the frontier's keys are deleted after the run
    log = Path(shared["crawl"]["log"]).read_text()
    assert "-m crawler.runner" in log and default_redis_prefix(tmp / "shared") in log  # how to join from elsewhere


def test_a_runner_refuses_to_join_when_no_crawl_is_active(redis_url, tmp_path):
    from crawler.runner import main

    sources = tmp_path / "sources.toml"
    sources.write_text(demo_sources("http://127.0.0.1:9"))
    code = main(["--sources", str(sources), "--warc", str(tmp_path / "crawl-x-h1.warc.gz"), "--report",
                 str(tmp_path / "r.json"), "--redis", redis_url, "--redis-prefix", "wirewash:nobody"])
    assert code == 1 and not (tmp_path / "r.json").exists()


def test_salvage_skips_part_files_a_live_process_is_writing(tmp_path):
    """A runner on another machine may be writing into the shared _raw/ while a crawl starts or ends."""
    from crawler.archive import _SharedWarc, part_is_live, part_path, segment_path
    from pipelines.crawl import salvage_parts

    class Settings(dict):
        def getint(self, key, default=None):
            return int(self.get(key, default))

        def getfloat(self, key, default=None):
            return float(self.get(key, default))

    raw = tmp_path / "_raw"
    base = raw / "crawl-20261122T010000Z-abcdef-otherhost-42.warc.gz"
    shared = _SharedWarc.acquire(base, Settings(WIREWASH_WARC_SEGMENT_PAGES=100, WIREWASH_WARC_SEGMENT_SECONDS=60))
    body = b"<html><body><p>" + b"text " * 300 + b"</p></body></html>"
    item = ("2026-11-22T01:00:00.000000Z", "http://news.example/a", "GET", [], b"", "http://news.example/a", 200,
            [(b"Content-Type", b"text/html")], body, "test")
    written = threading.Event()
    shared.submit(item, written.set)
    assert written.wait(10)
    part = part_path(segment_path(base, 1))
    assert part.exists() and part_is_live(part)
    assert salvage_parts(raw) == [] and part.exists()  # live: left alone
    shared.release()
    assert segment_path(base, 1).exists() and not part.exists()
    dead = raw / ".crawl-20261122T000000Z-123456-00001.warc.gz.part"  # a killed process's: nobody holds it
    dead.write_bytes(b"")
    assert not part_is_live(dead)
    assert [p.name for p in salvage_parts(raw)] == ["crawl-20261122T000000Z-123456-00001-salvaged.warc.gz"]
