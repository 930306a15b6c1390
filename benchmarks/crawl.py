"""Crawl throughput on a local news site: fetch-only vs cleaning inline vs wirewash's fetch-then-clean.

    python -m benchmarks.crawl [--pages 2000] [--seed 7]

Generates ``--pages`` article pages (60-120 KB news HTML from :mod:`benchmarks.htmlgen`), serves
them from a threaded HTTP server on 127.0.0.1 (``request_queue_size`` 1024, daemon threads) with a
``robots.txt`` and one ``sitemap.xml``, and crawls that site with Scrapy three ways, each in its own
subprocess into a fresh output directory:

a. ``fetch-only``: a spider that fetches the sitemap's pages and does nothing with them;
b. ``inline``: the same spider, with ``cleaners.clean.clean_page`` in an item pipeline (on the
   reactor thread), then nothing else;
c. ``wirewash``: ``pipelines.crawl.crawl(sources, out, RunConfig())`` -- fetch into a WARC (runner
   subprocess), then clean in worker processes, dedup and commit. Reported twice: its fetch phase
   (crawl start to runner exit) and end to end (including the ingest).

pages/s = pages / wall seconds of that phase, process start-up included (Scrapy start-up is
≈ 1-2 s of each figure). Scrapy settings are the same for all three: no delay, no AutoThrottle,
32 concurrent requests (32 per domain), LOG_LEVEL WARNING, robots.txt obeyed (it allows all).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
}
OUTLETS = ["The Harbour Ledger", "Midland Courier", "Northgate Daily Post", "The Bayside Gazette",
           "Valley Record", "Eurofront Business", "The Atlantic Standard", "Caddon Bay Times"]


# -- the site -------------------------------------------------------------------------------------

def build_site(n_pages: int, seed: int) -> dict[str, bytes]:
    """path -> page bytes: ``n_pages`` articles under /news/<doc_id> (base URL filled in at serve time)."""
    from benchmarks.htmlgen import make_articles, make_page, split_text

    rng = random.Random(seed)
    pages: dict[str, bytes] = {}
    for doc in make_articles(n_pages, seed):
        title, _ = split_text(doc.text)
        path = f"/news/{doc.doc_id}"
        pages[path] = make_page(rng, doc.text, title, rng.choice(OUTLETS), published_at=doc.published_at,
                                url=f"http://site.invalid{path}").encode()
    return pages


class SiteServer(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True


def serve(pages: dict[str, bytes]) -> tuple[SiteServer, str]:
    holder: dict[str, dict[str, tuple[bytes, str]]] = {}

    class Handler(BaseHTTPRequestHandler):
        server_version = "bench-news/1.0"
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802
            page = holder["pages"].get(self.path.split("?", 1)[0])
            body, ctype, status = (*page, 200) if page else (b"not found", "text/plain", 404)
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args) -> None:
            pass

    server = SiteServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    html_t = "text/html; charset=utf-8"
    served = {p: (b.replace(b"http://site.invalid", base.encode()), html_t) for p, b in pages.items()}
    locs = "".join(f"<url><loc>{base}{p}</loc></url>\n" for p in pages)
    served["/sitemap.xml"] = (('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                               f'schemas/sitemap/0.9">\n{locs}</urlset>\n').encode(), "application/xml")
    served["/robots.txt"] = (f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n".encode(), "text/plain")
    holder["pages"] = served
    threading.Thread(target=server.serve_forever, name="bench-site", daemon=True).start()
    return server, base


# -- designs (a) and (b): a plain Scrapy spider, run as `python -m benchmarks.crawl --spider ...` ----

def run_spider(kind: str, base: str, stats_path: Path) -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess

    class Clean:
        """Cleans each page on the reactor thread; keeps only a count."""

        def open_spider(self) -> None:
            from cleaners.clean import clean_page
            self.clean_page = clean_page
            self.docs = 0

        def process_item(self, item):
            self.docs += len(self.clean_page(item["html"], "html", item["url"]))
            return {"url": item["url"]}

    class Bench(scrapy.Spider):
        name = f"bench_{kind}"

        async def start(self):
            yield scrapy.Request(f"{base}/sitemap.xml", callback=self.parse_sitemap)

        def parse_sitemap(self, response):
            for loc in re.findall(r"<loc>([^<]+)</loc>", response.text):
                yield scrapy.Request(loc, callback=self.parse_page)

        def parse_page(self, response):
            if kind == "inline":
                yield {"url": response.url, "html": response.text}

    settings = dict(SETTINGS, ROBOTSTXT_OBEY=True, TELNETCONSOLE_ENABLED=False,
                    TWISTED_REACTOR="twisted.internet.asyncioreactor.AsyncioSelectorReactor",
                    ITEM_PIPELINES={Clean: 100} if kind == "inline" else {})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(Bench)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    pages = stats.get("downloader/response_status_count/200", 0) - 2  # robots.txt, sitemap
    stats_path.write_text(json.dumps({"pages": pages, "elapsed": stats.get("elapsed_time_seconds"),
                                      "items": stats.get("item_scraped_count", 0)}))


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))


def bench_spider(kind: str, base: str, work: Path) -> dict:
    stats = work / f"{kind}.json"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "benchmarks.crawl", "--spider", kind, "--base", base, "--stats", str(stats)],
                   cwd=ROOT, env=_env(), check=True)
    wall = time.perf_counter() - t0
    s = json.loads(stats.read_text())
    return {"pages": s["pages"], "wall": wall, "scrapy": s["elapsed"]}


# -- design (c): wirewash, in a subprocess too (its runner is a grandchild) -----------------------

WIREWASH = """
import json, sys, time
from pathlib import Path
t0 = time.time()
from pipelines.config import RunConfig
from pipelines.crawl import crawl
m = crawl(Path(sys.argv[1]), Path(sys.argv[2]), RunConfig(), settings=json.loads(sys.argv[3]))
print(json.dumps({"t0": t0, "t1": time.time(), "exit_code": m["exit_code"], "crawl": m["crawl"],
                  "documents": m.get("counts", {}).get("documents")}))
"""


def bench_wirewash(base: str, work: Path) -> dict:
    import datetime as dt

    sources = work / "sources.toml"
    sources.write_text(f'[[source]]\nname = "bench"\nkind = "sitemap"\nsitemaps = ["{base}/robots.txt"]\n'
                       f'allow_private = ["127.0.0.1"]\n')
    out = work / "corpus"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", WIREWASH, str(sources), str(out), json.dumps(SETTINGS)],
                          cwd=ROOT, env=_env(), check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    c = r["crawl"]
    fetch = (dt.datetime.fromisoformat(c["finished_at"]) - dt.datetime.fromisoformat(c["started_at"])).total_seconds()
    elapsed = [s["stats"].get("elapsed_time_seconds") for s in c["sources"]]
    return {"pages": c["pages"], "wall": wall, "fetch": fetch, "scrapy": elapsed[0] if elapsed else None,
            "exit_code": r["exit_code"], "documents": r["documents"], "problems": c["problems"][:3]}


# -- main -------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.crawl", description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--spider", choices=["fetch", "inline"], help=argparse.SUPPRESS)
    ap.add_argument("--base", help=argparse.SUPPRESS)
    ap.add_argument("--stats", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.spider:
        run_spider(args.spider, args.base, args.stats)
        return 0

    t0 = time.perf_counter()
    pages = build_site(args.pages, args.seed)
    sizes = [len(b) for b in pages.values()]
    print(f"site: {len(pages)} article pages, {min(sizes) / 1e3:.0f}-{max(sizes) / 1e3:.0f} KB "
          f"(median {statistics.median(sizes) / 1e3:.0f} KB), generated in {time.perf_counter() - t0:.1f} s; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (shared, noisy machine: one run each)")
    server, base = serve(pages)
    work = Path(tempfile.mkdtemp(prefix="wirewash-bench-crawl-"))
    try:
        results = {}
        for kind in ("fetch", "inline"):
            (work / kind).mkdir()
            results[kind] = bench_spider(kind, base, work / kind)
            print(f"  {kind}: {results[kind]['pages']} pages in {results[kind]['wall']:.1f} s", flush=True)
        (work / "wirewash").mkdir()
        results["wirewash"] = ww = bench_wirewash(base, work / "wirewash")
        print(f"  wirewash: {ww['pages']} pages, {ww['documents']} documents, exit {ww['exit_code']}, "
              f"fetch {ww['fetch']:.1f} s, total {ww['wall']:.1f} s", flush=True)
        if ww["problems"]:
            print(f"  wirewash problems: {ww['problems']}")
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(work, ignore_errors=True)

    base_rate = results["fetch"]["pages"] / results["fetch"]["wall"]
    rows = [
        ("(a) fetch-only spider", results["fetch"]["pages"], results["fetch"]["wall"], results["fetch"]["scrapy"]),
        ("(b) inline clean_page in item pipeline", results["inline"]["pages"], results["inline"]["wall"],
         results["inline"]["scrapy"]),
        ("(c) wirewash crawl: fetch phase (to WARC)", ww["pages"], ww["fetch"], ww["scrapy"]),
        ("(c) wirewash crawl: end to end (+ clean, dedup, commit)", ww["pages"], ww["wall"], None),
    ]
    print(f"\n{'design':<56} {'pages':>6} {'wall s':>7} {'pages/s':>8} {'vs (a)':>7} {'scrapy-only pages/s':>20}")
    for name, n, secs, scrapy_secs in rows:
        rate = n / secs if secs else 0.0
        inner = f"{n / scrapy_secs:.0f}" if scrapy_secs else "-"
        print(f"{name:<56} {n:>6} {secs:>7.1f} {rate:>8.1f} {rate / base_rate:>6.2f}x {inner:>20}")
    print("\nwall s includes process start-up (imports, reactor); 'scrapy-only' uses Scrapy's elapsed_time_seconds.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
