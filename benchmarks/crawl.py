"""Crawl throughput on a local news site: fetch-only vs cleaning inline vs wirewash's crawl.

    python -m benchmarks.crawl [--pages 2000] [--seed 7] [--repeats 3]

Generates ``--pages`` article pages (60-120 KB news HTML from :mod:`benchmarks.htmlgen`), serves
them from a threaded HTTP server on 127.0.0.1 (``request_queue_size`` 1024, daemon threads) with a
``robots.txt`` and one ``sitemap.xml``, and crawls that site four ways, each in its own subprocess
into a fresh output directory, ``--repeats`` times (figures are medians):

a. ``fetch-only``: a plain Scrapy spider that fetches the sitemap's pages and does nothing with them;
b. ``inline``: the same spider, with ``cleaners.clean.clean_page`` in an item pipeline (on the
   reactor thread), then nothing else;
c. ``wirewash fetch phase``: ``python -m crawler.runner`` alone -- wirewash's spiders, middlewares
   and WARC segment writer, no cleaning;
d. ``wirewash end to end``: ``pipelines.crawl.crawl(sources, out, RunConfig())`` -- the runner
   fetches into WARC segments while the clean stage's worker processes clean each finished
   segment, then dedup and one commit. Its "runner exit" column is when fetching ended.

pages/s = pages / wall seconds of that design, process start-up included (Scrapy start-up is
≈ 1-2 s of each figure). CPU s = user+system CPU of every process of the design (the subprocess
and its descendants, sampled from /proc every 0.1 s: ≈, a process's last < 0.1 s may be missed);
CPU/wall is how many cores it kept busy. The machine is shared: compare CPU s when wall times are
noisy. Scrapy settings are the same for all: no delay, no AutoThrottle, 32 concurrent requests
(32 per domain), LOG_LEVEL WARNING, robots.txt obeyed (it allows all).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
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


# -- measuring a process tree ---------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _proc_table() -> dict[int, tuple[int, int, float]]:
    """pid -> (ppid, start time, user+system CPU seconds) of every process."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()  # after "pid (comm) "
        table[int(entry.name)] = (int(fields[1]), int(fields[19]), (int(fields[11]) + int(fields[12])) / _TICK)
    return table


def measured(cmd: list[str], ok: tuple[int, ...] = (0,), **kwargs) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``cmd``; (completed process, wall s, CPU s of it and all its descendants)."""
    t0 = time.perf_counter()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, **kwargs)
    cpu: dict[tuple[int, int], float] = {}
    out = err = None
    while True:
        table = _proc_table()
        tree, frontier = set(), {proc.pid}
        while frontier:
            tree |= frontier
            frontier = {pid for pid, (ppid, _, _) in table.items() if ppid in frontier and pid not in tree}
        for pid in tree:
            if pid in table:
                cpu[(pid, table[pid][1])] = table[pid][2]
        try:
            out, err = proc.communicate(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            continue
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)  # the waited-for part of the tree
    completed = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if proc.returncode not in ok:
        raise subprocess.CalledProcessError(proc.returncode, cmd, out, err)
    return completed, wall, max(sum(cpu.values()), waited)


# -- the four designs -----------------------------------------------------------------------------

def bench_spider(kind: str, base: str, work: Path) -> dict:
    stats = work / f"{kind}.json"
    _, wall, cpu = measured([sys.executable, "-m", "benchmarks.crawl", "--spider", kind, "--base", base,
                             "--stats", str(stats)], cwd=ROOT, env=_env())
    s = json.loads(stats.read_text())
    return {"pages": s["pages"], "wall": wall, "cpu": cpu}


def _sources(base: str, work: Path) -> Path:
    sources = work / "sources.toml"
    sources.write_text(f'[[source]]\nname = "bench"\nkind = "sitemap"\nsitemaps = ["{base}/robots.txt"]\n'
                       f'allow_private = ["127.0.0.1"]\n')
    return sources


def bench_fetch_phase(base: str, work: Path) -> dict:
    """wirewash's runner alone: spiders, middlewares and the WARC segment writer; no cleaning."""
    report = work / "report.json"
    (work / "known.txt").write_text("")
    cmd = [sys.executable, "-m", "crawler.runner", "--sources", str(_sources(base, work)),  # as crawl() runs it
           "--warc", str(work / "raw" / "crawl-bench.warc.gz"), "--report", str(report),
           "--known", str(work / "known.txt"), "--jobs", str(work / "jobs")]
    cmd += [a for k, v in SETTINGS.items() for a in ("--set", f"{k}={json.dumps(v)}")]
    _, wall, cpu = measured(cmd, ok=(0, 3), cwd=ROOT, env=_env())
    r = json.loads(report.read_text())
    pages = sum(len(s["archived"]) for s in r["sources"])
    return {"pages": pages, "wall": wall, "cpu": cpu, "segments": len(r["segments"])}


WIREWASH = """
import json, sys, time
from pathlib import Path
from pipelines.config import RunConfig
from pipelines.crawl import crawl
m = crawl(Path(sys.argv[1]), Path(sys.argv[2]), RunConfig(), settings=json.loads(sys.argv[3]))
print(json.dumps({"exit_code": m["exit_code"], "crawl": m["crawl"], "documents": m.get("counts", {}).get("documents")}))
"""


def bench_wirewash(base: str, work: Path) -> dict:
    import datetime as dt

    started = time.time()
    proc, wall, cpu = measured([sys.executable, "-c", WIREWASH, str(_sources(base, work)), str(work / "corpus"),
                                json.dumps(SETTINGS)], cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    c = r["crawl"]
    fetched = dt.datetime.fromisoformat(c["finished_at"]).timestamp() - started  # the runner's exit
    return {"pages": c["pages"], "wall": wall, "cpu": cpu, "fetched": fetched, "exit_code": r["exit_code"],
            "documents": r["documents"], "segments": len(c["warcs"]), "problems": c["problems"][:3]}


# -- main -------------------------------------------------------------------------------------

DESIGNS = [
    ("fetch", "(a) fetch-only spider"),
    ("inline", "(b) inline clean_page in item pipeline"),
    ("phase", "(c) wirewash fetch phase (runner -> WARC segments)"),
    ("wirewash", "(d) wirewash end to end (fetch || clean, dedup, commit)"),
]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.crawl", description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeats", type=int, default=3)
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
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (shared machine)", flush=True)
    server, base = serve(pages)
    work = Path(tempfile.mkdtemp(prefix="wirewash-bench-crawl-"))
    results: dict[str, list[dict]] = {key: [] for key, _ in DESIGNS}
    runners = {"fetch": lambda w: bench_spider("fetch", base, w), "inline": lambda w: bench_spider("inline", base, w),
               "phase": lambda w: bench_fetch_phase(base, w), "wirewash": lambda w: bench_wirewash(base, w)}
    try:
        for rep in range(args.repeats):
            line = []
            for key, _ in DESIGNS:
                d = work / f"{key}-{rep}"
                d.mkdir()
                r = runners[key](d)
                results[key].append(r)
                shutil.rmtree(d, ignore_errors=True)
                line.append(f"{key} {r['pages']} p {r['wall']:.1f} s {r['cpu']:.1f} CPU-s")
                if key == "wirewash":
                    line[-1] += (f" (runner exit {r['fetched']:.1f} s, {r['segments']} segments, "
                                 f"{r['documents']} docs, exit {r['exit_code']})")
                    if r["problems"]:
                        line.append(f"problems: {r['problems']}")
            print(f"  run {rep + 1}/{args.repeats} (load {os.getloadavg()[0]:.1f}): " + "; ".join(line), flush=True)
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(work, ignore_errors=True)

    def med(key: str, field: str) -> float:
        return statistics.median(r[field] for r in results[key])

    base_rate = med("fetch", "pages") / med("fetch", "wall")
    inline_rate = med("inline", "pages") / med("inline", "wall")
    print(f"\nmedians of {args.repeats} run(s)")
    print(f"{'design':<56} {'pages':>6} {'wall s':>7} {'pages/s':>8} {'vs (a)':>7} {'vs (b)':>7} {'CPU s':>6} "
          f"{'CPU/wall':>8} {'CPU ms/page':>11}")
    for key, name in DESIGNS:
        n, wall, cpu = med(key, "pages"), med(key, "wall"), med(key, "cpu")
        rate = n / wall if wall else 0.0
        print(f"{name:<56} {n:>6.0f} {wall:>7.1f} {rate:>8.1f} {rate / base_rate:>6.2f}x {rate / inline_rate:>6.2f}x "
              f"{cpu:>6.1f} {cpu / wall:>8.2f} {1e3 * cpu / n if n else 0:>11.1f}")
    print(f"\n(d) runner exit (end of fetching, while cleaning): median {med('wirewash', 'fetched'):.1f} s after start")
    print("wall s includes process start-up (imports, reactor, clean workers).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
