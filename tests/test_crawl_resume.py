"""A crawl killed (SIGKILL) in the middle of fetching, then run again, ends with the same corpus as an
uninterrupted crawl: nothing lost, nothing twice, no partial files, no crawler left behind.

The demo web runs in this process with a slow article handler (one article at a time per source,
``DELAY`` seconds each), so the kill lands while pages are being fetched and archived. The crawl
runs in a subprocess (``pipelines.crawl.crawl``, as ``wirewash crawl`` does), which starts the
Scrapy runner as its own child; killing the parent must take the runner down too (PDEATHSIG).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from crawler.demo_site import DemoWeb, demo_sources
from pipelines.config import RunConfig
from pipelines.crawl import crawl

ROOT = Path(__file__).resolve().parents[1]
DELAY = 0.8  # seconds per article response while `slow` is set
SETTINGS = {"CONCURRENT_REQUESTS": 1, "LOG_LEVEL": "WARNING"}
SCRIPT = ("import sys, json, pathlib; from pipelines.crawl import crawl; from pipelines.config import RunConfig; "
          "m = crawl(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), RunConfig(workers=2), "
          "settings=json.loads(sys.argv[3])); sys.exit(m['exit_code'])")


class SlowWeb(DemoWeb):
    """DemoWeb whose article responses take DELAY seconds (while ``slow`` is set); counts completed ones."""

    def start(self, port: int = 0) -> str:
        base = super().start(port)
        web, plain = self, self.server.RequestHandlerClass
        self.slow = threading.Event()
        self.served: list[str] = []

        class Slow(plain):
            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                article = path in {web.url_path(a) for a in web.live()}
                if article and web.slow.is_set():
                    time.sleep(DELAY)
                try:
                    super().do_GET()
                except (BrokenPipeError, ConnectionResetError):
                    return  # the killed crawler hung up
                if article:
                    with web._lock:
                        web.served.append(path)

        self.server.RequestHandlerClass = Slow
        return base


def rows(corpus: Path, dataset: str) -> list[dict]:
    files = list((corpus / dataset).rglob("*.parquet"))
    if not files:
        return []
    rel = duckdb.sql(f"select * from read_parquet('{corpus}/{dataset}/**/*.parquet', hive_partitioning=true)")
    return [dict(zip(rel.columns, r)) for r in rel.fetchall()]


def runner_pids(corpus: Path) -> list[int]:
    """Processes whose command line mentions the corpus (the crawl and its Scrapy runner)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = next((line for line in (entry / "status").read_text().splitlines() if line.startswith("State:")), "")
        except OSError:
            continue
        if str(corpus) in cmd and "zombie" not in state:
            pids.append(int(entry.name))
    return pids


def sharing_stdout(proc: subprocess.Popen) -> dict[int, str]:
    """pid -> command line of the processes writing to ``proc``'s stdout pipe: the crawl and every
    process it started that kept that stdout (the clean stage's forkserver and workers)."""
    pipe = f"pipe:[{os.fstat(proc.stdout.fileno()).st_ino}]"
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if os.readlink(entry / "fd" / "1") == pipe:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
    return found


def stray_cleaners(proc: subprocess.Popen, wait: float = 3.0) -> list[str]:
    """Processes of a killed crawl still alive after ``wait`` s; stopped here, returned for the record.

    The Scrapy runner dies with its parent (``runner_pids`` checks it). The clean stage's
    forkserver workers (``pipelines.clean``) do not notice a SIGKILLed parent yet; they are
    stopped here by pid.
    """
    deadline = time.monotonic() + wait
    while sharing_stdout(proc) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = sharing_stdout(proc)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return list(left.values())


def start_crawl(sources: Path, corpus: Path, settings: dict = SETTINGS) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(sources), str(corpus), json.dumps(settings)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.fixture()
def web():
    w = SlowWeb()
    w.start()
    yield w
    w.stop()


def test_killed_crawl_resumes_to_the_same_corpus(web, tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text(demo_sources(web.base))
    corpus = tmp_path / "corpus"

    # 1. start, and SIGKILL the crawl once a couple of articles are served (more are still to come)
    web.slow.set()
    proc = start_crawl(sources, corpus)
    deadline = time.monotonic() + 20
    while len(web.served) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.15)  # let the runner write the served responses to its WARC part file
    assert proc.poll() is None, f"the crawl ended before it could be killed:\n{proc.stdout.read().decode()}"
    served_before_kill = len(web.served)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert served_before_kill < 7, "the kill landed after every article was fetched"

    # the runner child dies with its parent (PDEATHSIG)
    deadline = time.monotonic() + 5
    while runner_pids(corpus) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert runner_pids(corpus) == [], "a crawler process outlived the killed crawl"
    stray_cleaners(proc)
    assert list((corpus / "_raw").glob(".crawl-*.warc.gz.part")), "expected a WARC part file from the killed runner"

    # 2. run again to completion
    web.slow.clear()
    rerun = start_crawl(sources, corpus)
    out, _ = rerun.communicate(timeout=60)
    assert rerun.returncode in (0, 3), out.decode()
    assert runner_pids(corpus) == []

    # no partial files where readers look
    for dataset in ("articles", "duplicates"):
        for p in (corpus / dataset).rglob("*"):
            assert not p.name.startswith("."), p
            assert not p.name.endswith((".tmp", ".part")), p

    # 3. an uninterrupted crawl into a fresh corpus
    reference = tmp_path / "reference"
    manifest = crawl(sources, reference, RunConfig(workers=1), settings=SETTINGS)
    assert manifest["exit_code"] == 0, manifest["crawl"]["problems"]

    got = rows(corpus, "articles") + rows(corpus, "duplicates")
    want = rows(reference, "articles") + rows(reference, "duplicates")
    assert len(want) == 7
    assert {(r["url"], r["title"]) for r in got} == {(r["url"], r["title"]) for r in want}
    assert sorted(r["url"] for r in rows(corpus, "articles")) == sorted(r["url"] for r in rows(reference, "articles"))
    doc_ids = [r["doc_id"] for r in got]
    assert len(doc_ids) == len(set(doc_ids)), "duplicate doc_ids"
    assert not list((corpus / "_raw").glob(".crawl-*.part")), "a part file was left unsalvaged"
    by_url: dict[str, list[dict]] = {}
    for r in got:
        by_url.setdefault(r["url"], []).append(r)
    twice = {u: rs for u, rs in by_url.items() if len(rs) > 1}
    assert not twice, "a URL is in the corpus twice"


def test_killed_crawl_with_a_flushed_jobdir_still_fetches_every_page(tmp_path):
    """Bigger crawl: by the kill, Scrapy's JOBDIR ``requests.seen`` is flushed to disk (8 KB buffer) while
    its disk queue's state (written only on a clean close) is not; the rerun must still fetch every page."""
    from benchmarks.crawl import build_site, serve

    n = 250
    server, base = serve(build_site(n, seed=11))
    served: list[str] = []
    plain = server.RequestHandlerClass

    class Slow(plain):
        def do_GET(self) -> None:  # noqa: N802
            if self.path.startswith("/news/"):
                time.sleep(0.03)
            super().do_GET()
            if self.path.startswith("/news/"):
                served.append(self.path)

    server.RequestHandlerClass = Slow
    try:
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[source]]\nname = "bench"\nkind = "sitemap"\nsitemaps = ["{base}/robots.txt"]\n'
                           f'allow_private = ["127.0.0.1"]\n')
        corpus = tmp_path / "corpus"
        fast = dict(SETTINGS, CONCURRENT_REQUESTS=8, CONCURRENT_REQUESTS_PER_DOMAIN=8, DOWNLOAD_DELAY=0,
                    AUTOTHROTTLE_ENABLED=False,  # this sources file has no [crawl] table
                    WIREWASH_WARC_SEGMENT_PAGES=15)  # whole segments, being cleaned, when the kill lands
        proc = start_crawl(sources, corpus, fast)
        deadline = time.monotonic() + 20
        while len(served) < 60 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.poll() is None, proc.stdout.read().decode()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        time.sleep(0.2)
        print("stopped after the kill:", len(stray_cleaners(proc)), "clean-stage processes")
        seen = corpus / "_jobs" / "bench" / "requests.seen"
        assert seen.exists() and seen.stat().st_size > 0, "precondition: fingerprints reached the disk"
        whole = list((corpus / "_raw").glob("crawl-*.warc.gz"))
        assert whole, "precondition: the killed crawl left whole segments"
        assert len(list((corpus / "_raw").glob(".crawl-*.part"))) <= 1
        assert not (corpus / "articles").exists(), "the killed crawl committed nothing"

        served.clear()
        rerun = start_crawl(sources, corpus, fast)
        out, _ = rerun.communicate(timeout=90)
        assert rerun.returncode in (0, 3), out.decode()
        assert runner_pids(corpus) == []
    finally:
        server.shutdown()
        server.server_close()

    urls = [r["url"] for r in rows(corpus, "articles") + rows(corpus, "duplicates")]
    missing = n - len({u.split("/", 3)[3] for u in urls})
    assert missing == 0, f"{missing} of {n} pages never reached the corpus"
    assert len(urls) == len(set(urls)), "a page is in the corpus twice"
    assert set(whole) <= set((corpus / "_raw").glob("crawl-*.warc.gz"))  # the killed run's segments were kept
    assert not list((corpus / "_raw").glob(".crawl-*.part"))
