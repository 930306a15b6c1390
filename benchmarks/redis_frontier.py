"""Redis memory per URL of the shared crawl frontier (scrapy-redis), for the README's sizing section.

    python -m benchmarks.redis_frontier [--urls 100000] [--redis redis://127.0.0.1:PORT/0]

Without ``--redis`` a private redis-server is started (free 127.0.0.1 port, temp dir, no
persistence) and stopped. Synthetic article requests (``https://<outlet>.example/<section>/
2026/11/<slug>-<n>``, ~70-character URLs, with the meta wirewash puts on an article request) go
through scrapy-redis' own classes, as a crawl's scheduler uses them:

- dupefilter: ``RFPDupeFilter.request_seen`` -> ``SADD <prefix>:<source>:dupefilter <sha1 hex>``;
- queue: ``PriorityQueue.push`` -> ``ZADD <prefix>:<source>:requests -priority <pickled request dict>``.

Memory is ``INFO memory`` ``used_memory`` after minus before (each structure in its own key, the
other one deleted), divided by the number of URLs; printed as bytes/URL and GiB per million URLs.
Requests are pushed in pipelined batches (one round trip per batch) so the run takes seconds.
"""
from __future__ import annotations

import argparse
import contextlib
import shutil
import time

from scrapy import Request, Spider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

from benchmarks.redis_server import temporary_server
from crawler.frontier import connect, redis_settings
from crawler.safety import ARTICLE
from crawler.spiders import SOURCE_META

GIB = 1024 ** 3
SECTIONS = ("world", "politics", "business", "local", "sport", "culture", "science", "opinion")


class BenchSpider(Spider):
    name = "bench"

    def parse_article(self, response):  # the callback a pickled article request names
        pass

    def fetch_failed(self, failure):
        pass


def synthetic_url(i: int) -> str:
    return (f"https://outlet{i % 997}.example/{SECTIONS[i % len(SECTIONS)]}/2026/11/"
            f"water-rationing-story-number-{i:08d}")


def used_memory(client) -> int:
    return int(client.info("memory")["used_memory"])


class _Batched:
    """Redis client stand-in handing scrapy-redis' calls to a pipeline (flushed every ``size``)."""

    def __init__(self, client, size: int = 2000) -> None:
        self.client, self.size = client, size
        self.pipe = client.pipeline(transaction=False)
        self.pending = 0

    def _count(self):
        self.pending += 1
        if self.pending >= self.size:
            self.flush()

    def sadd(self, key, value):
        self.pipe.sadd(key, value)
        self._count()
        return 1  # "new": every synthetic URL is distinct

    def execute_command(self, *args):
        self.pipe.execute_command(*args)
        self._count()

    def flush(self):
        self.pipe.execute()
        self.pending = 0


def measure(url: str, n: int) -> dict[str, dict[str, float]]:
    client = connect(url)
    settings = redis_settings(url, "wirewash:bench", "outlet")
    qkey, dkey = settings["SCHEDULER_QUEUE_KEY"], settings["SCHEDULER_DUPEFILTER_KEY"]
    client.delete(qkey, dkey)
    spider = BenchSpider()
    requests = (Request(synthetic_url(i), callback=spider.parse_article, errback=spider.fetch_failed,
                        meta={ARTICLE: True, SOURCE_META: "outlet", "depth": 1}) for i in range(n))
    results = {}

    batched = _Batched(client)
    dupefilter = RFPDupeFilter(batched, key=dkey)
    before, t0 = used_memory(client), time.perf_counter()
    for request in requests:
        dupefilter.request_seen(request)
    batched.flush()
    assert client.scard(dkey) == n
    results["dupefilter (SET of sha1 hex fingerprints)"] = _figures(used_memory(client) - before, n, time.perf_counter() - t0)
    client.delete(dkey)

    batched = _Batched(client)
    queue = PriorityQueue(batched, spider, qkey)
    requests = (Request(synthetic_url(i), callback=spider.parse_article, errback=spider.fetch_failed,
                        meta={ARTICLE: True, SOURCE_META: "outlet", "depth": 1}, priority=-(i % 3)) for i in range(n))
    before, t0 = used_memory(client), time.perf_counter()
    for request in requests:
        queue.push(request)
    batched.flush()
    assert client.zcard(qkey) == n
    sample = client.zrange(qkey, 0, 0)[0]
    results["queue (ZSET of pickled requests)"] = {**_figures(used_memory(client) - before, n, time.perf_counter() - t0),
                                                   "payload_bytes": len(sample)}
    client.delete(qkey)
    return results


def _figures(delta: int, n: int, seconds: float) -> dict[str, float]:
    per = delta / n
    return {"bytes_per_url": per, "gib_per_million": per * 1e6 / GIB, "seconds": seconds}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.redis_frontier", description=__doc__.split("\n\n")[0])
    ap.add_argument("--urls", type=int, default=100_000)
    ap.add_argument("--redis", help="an existing Redis (its db is used for two temporary keys)")
    args = ap.parse_args(argv)
    if args.redis is None and shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not installed (Debian: apt-get install redis-server), or pass --redis URL")
    with contextlib.nullcontext(args.redis) if args.redis else temporary_server() as url:
        version = connect(url).info("server")["redis_version"]
        print(f"Redis {version}, {args.urls:,} synthetic article requests (URL ~{len(synthetic_url(1))} chars)")
        results = measure(url, args.urls)
        total = 0.0
        for name, r in results.items():
            extra = f", pickled request {r['payload_bytes']} B" if "payload_bytes" in r else ""
            print(f"  {name:45s} {r['bytes_per_url']:7.1f} B/URL  {r['gib_per_million']:.3f} GiB per million URLs"
                  f"  ({r['seconds']:.1f} s{extra})")
            total += r["bytes_per_url"]
        print(f"  {'both (every URL seen and still queued)':45s} {total:7.1f} B/URL  {total * 1e6 / GIB:.3f} GiB per million URLs")


if __name__ == "__main__":
    main()
