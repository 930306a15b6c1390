"""``wirewash crawl``: fetch the sources of a sources file into raw WARC segments, cleaning them
as they are fetched.

Under the corpus lock, from start to commit:

1. Leftovers of a killed crawl are taken over: its WARC part file is renamed
   (``crawl-<id>-<seq>-salvaged.warc.gz``; a cut-off tail is detected by the loader), and its
   whole segments, like any ``crawl-*.warc.gz`` in ``<corpus>/_raw`` that no committed run
   ingested, are ingested now; their URLs count as fetched and are not fetched again.
2. The crawl runs in a subprocess (``python -m crawler.runner``; a Twisted reactor cannot
   restart in one process), with ``JOBDIR=<corpus>/_jobs/<source>`` so a stopped crawl resumes.
   Spiders only fetch; article responses go to ``<corpus>/_raw/crawl-<id>-00001.warc.gz``,
   ``-00002`` ... (``crawler.archive``: a segment is renamed into place once complete).
3. Meanwhile ``pipelines.run.ingest(pages=...)`` is fed the pages of each finished segment as it
   appears, so the clean stage's worker processes clean while Scrapy fetches; when the runner
   has exited and its last segment is read, ingest deduplicates and commits. The fetched URLs
   (``_state/urls``), the ingested segments (``_state/crawl_segments``) and the crawl report go
   into the same atomic commit: a URL counts as fetched only once its documents are in the
   corpus, and a segment is taken over by the next run unless it was committed.

The segments are the raw archive: ``wirewash ingest <corpus>/_raw`` re-cleans everything without
the network. Exit codes: 0 ok; 3 committed, but some source failed, did not finish or some pages
became error records; 1 failed, nothing committed; 75 another run holds the corpus lock.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

import crawler
from crawler.archive import segment_glob
from crawler.loaders import input_fingerprint, iter_pages
from crawler.record import PageError, RawPage
from crawler.sources import load_sources
from output.lock import corpus_lock
from output.store import read_state, write_json
from pipelines.config import RunConfig
from pipelines.lifetime import die_with_parent
from pipelines.run import EXIT_INPUT_ERRORS, INPUTS_STATE, SEGMENTS_STATE, ingest

EXIT_PARTIAL = EXIT_INPUT_ERRORS  # 3
URLS_STATE = "urls"
RAW, JOBS, CRAWLS = "_raw", "_jobs", "_crawls"
URLS_SCHEMA = pa.schema([
    pa.field("url", pa.string(), nullable=False),
    pa.field("requested_url", pa.string(), nullable=False),
    pa.field("source", pa.string()),
    pa.field("crawl_id", pa.string(), nullable=False),
    pa.field("run_id", pa.string(), nullable=False),
])


SEGMENTS_SCHEMA = pa.schema([
    pa.field("path", pa.string(), nullable=False),
    pa.field("fingerprint", pa.string(), nullable=False),
    pa.field("crawl_id", pa.string(), nullable=False),
    pa.field("run_id", pa.string(), nullable=False),
])


class CrawlFailed(RuntimeError):
    """The crawl could not run at all (bad sources file, runner could not start)."""


def known_urls(out: Path) -> set[str]:
    """Article URLs (requested and final) that earlier crawls of this corpus fetched."""
    urls: set[str] = set()
    for table in read_state(out, URLS_STATE):
        urls.update(table.column("url").to_pylist())
        urls.update(table.column("requested_url").to_pylist())
    return urls


def warc_urls(paths: list[Path]) -> set[str]:
    """The page URLs in WARC files (read with the same loader that ingests them)."""
    return {page.url for page in iter_pages(paths) if isinstance(page, RawPage) and page.url}


def salvage_parts(raw: Path) -> list[Path]:
    """WARC part files of killed crawls, renamed so they can be ingested (cut-off tails are detected)."""
    saved = []
    for part in sorted(raw.glob(".crawl-*.warc.gz.part")):
        target = raw / part.name[1:].removesuffix(".warc.gz.part")
        target = target.with_name(f"{target.name}-salvaged.warc.gz")
        os.replace(part, target)
        saved.append(target)
    return saved


def crawl(
    sources_file: Path,
    out: Path,
    config: RunConfig | None = None,
    *,
    only: list[str] | None = None,
    settings: dict[str, Any] | None = None,
    timeout: float | None = None,
    on_page=None,
) -> dict[str, Any]:
    """Crawl ``sources_file`` (all sources, or ``only`` these) into the corpus at ``out``.

    ``settings`` overrides Scrapy settings (e.g. ``{"LOG_LEVEL": "WARNING"}``). Returns the
    ingest manifest with ``command = "crawl"`` and a ``crawl`` section; ``exit_code`` is 0 or 3.
    Raises ``CorpusLocked`` (exit 75) and ``CrawlFailed`` / ``SourcesError`` (exit 1 / 2).
    """
    sources_file, out = Path(sources_file).resolve(), Path(out).resolve()
    config = config or RunConfig()
    spec = load_sources(sources_file)  # fail early, with the source and key named
    for name in only or []:
        spec.get(name)
    started = dt.datetime.now(dt.timezone.utc)
    crawl_id = f"{started:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    raw, jobs, logs = out / RAW, out / JOBS, out / CRAWLS
    warc = raw / f"crawl-{crawl_id}.warc.gz"  # the crawl's name; its segments are crawl-<id>-NNNNN.warc.gz
    report_path = logs / f"{crawl_id}.report.json"
    log_path = logs / f"{crawl_id}.log"

    with corpus_lock(out):
        for d in (raw, jobs, logs):
            d.mkdir(parents=True, exist_ok=True)
        salvage_parts(raw)
        leftovers = uncommitted_segments(raw, out)  # includes the salvaged part files
        if leftovers:  # a crawl was killed: its JOBDIRs' requests.seen outlived their queues
            for job in jobs.iterdir():
                if job.is_dir():
                    shutil.rmtree(job, ignore_errors=True)
        leftover_urls = sorted(warc_urls(leftovers))  # fetched by the killed run: not again
        known = jobs / "known-urls.txt"
        known.write_text("".join(f"{u}\n" for u in sorted(known_urls(out) | set(leftover_urls))), encoding="utf-8")
        cmd = [sys.executable, "-m", "crawler.runner", "--sources", str(sources_file), "--warc", str(warc),
               "--report", str(report_path), "--known", str(known), "--jobs", str(jobs)]
        for name in only or []:
            cmd += ["--source", name]
        for key, value in (settings or {}).items():
            cmd += ["--set", f"{key}={json.dumps(value)}"]
        env = dict(os.environ)
        root = str(Path(crawler.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        extra_manifest: dict[str, Any] = {"command": "crawl"}  # completed when the stream ends
        with log_path.open("wb") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, preexec_fn=die_with_parent)
            feed = _Feed(proc, warc, leftovers, config.max_input_bytes, timeout)
            try:
                def finish() -> None:  # the runner has exited and every segment has been read
                    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else None
                    section = _crawl_section(crawl_id, feed.returncode, report, feed.segments, log_path, started,
                                             feed.exited_at)
                    extra_manifest.update({"crawl": section}, **({"exit_code": EXIT_PARTIAL} if section["problems"] else {}))
                    feed.report = report

                feed.on_end = finish

                def state_rows(run_id: str) -> dict[str, pa.Table]:
                    assert feed.done, "ingest commits only after the crawl's page stream has ended"
                    return {URLS_STATE: _url_rows(feed, leftover_urls, crawl_id, run_id),
                            SEGMENTS_STATE: _segment_rows(feed.segments, crawl_id, run_id)}

                # same lock, same atomic commit: the fetched URLs are recorded only with their documents
                manifest = ingest([], out, config, on_page=on_page, pages=feed, locked=True,
                                  extra_state=state_rows, extra_manifest=extra_manifest)
            finally:
                feed.stop()
        write_json(manifest["crawl"], logs / f"{manifest['run_id']}.json")
    return manifest


class _Feed:
    """The pages of a crawl's WARC segments, as they are finished, until the runner has exited.

    Leftover segments of a killed crawl come first. Then the runner's finished segments are
    polled (sorted by name = written order); once the runner has exited, a last look picks up
    what it finished before exiting, and a part file it left (it died) is salvaged and read too.
    """

    POLL_S = 0.1

    def __init__(self, proc: subprocess.Popen, warc: Path, leftovers: list[Path], max_bytes: int,
                 timeout: float | None) -> None:
        self.proc, self.warc, self.leftovers, self.max_bytes = proc, warc, leftovers, max_bytes
        self.deadline = time.monotonic() + timeout if timeout else None
        self.exited_at = dt.datetime.now(dt.timezone.utc)
        self.returncode: int | None = None
        self.segments: list[Path] = []  # every segment read, in order
        self.own_salvaged: list[Path] = []
        self.urls: set[str] = set()  # page URLs of this run's own segments
        self.report: dict[str, Any] | None = None
        self.done = False
        self.on_end = lambda: None

    def _read(self, path: Path, own: bool) -> Iterator[RawPage | PageError]:
        path = path.resolve()  # as ``ingest`` resolves its paths: the same source_uri, the same doc ids
        self.segments.append(path)
        for page in iter_pages([path], max_bytes=self.max_bytes):
            if own and isinstance(page, RawPage) and page.url:
                self.urls.add(page.url)
            yield page

    def _exited(self) -> bool:
        if self.returncode is not None:
            return True
        code = self.proc.poll()
        if code is None and self.deadline is not None and time.monotonic() > self.deadline:
            self.proc.kill()
            self.proc.wait()
            code = -1  # as a timed-out subprocess.run reported it
        if code is not None:
            self.returncode = code
            self.exited_at = dt.datetime.now(dt.timezone.utc)
        return code is not None

    def __iter__(self) -> Iterator[RawPage | PageError]:
        for path in self.leftovers:
            yield from self._read(path, own=False)
        pattern, read = segment_glob(self.warc), set()
        while True:
            exited = self._exited()  # before looking: a segment finished before the exit is seen below
            new = [p for p in sorted(self.warc.parent.glob(pattern)) if p.name not in read]
            for path in new:
                read.add(path.name)
                yield from self._read(path, own=True)
            if exited and not new:
                break
            if not new:
                time.sleep(self.POLL_S)
        self.own_salvaged = [p for p in salvage_parts(self.warc.parent) if p.name.startswith(self.warc.name.removesuffix(".warc.gz"))]
        for path in self.own_salvaged:  # the runner died: the records it wrote are kept
            yield from self._read(path, own=True)
        self.done = True
        self.on_end()

    def stop(self) -> None:
        """Ingest failed or was interrupted: the runner must not outlive the crawl."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def uncommitted_segments(raw: Path, out: Path) -> list[Path]:
    """WARC files of crawls in ``raw`` that no committed run ingested (a killed crawl's), by name."""
    committed = {Path(p).name for table in read_state(out, SEGMENTS_STATE) for p in table.column("path").to_pylist()}
    committed |= {Path(p).name for table in read_state(out, INPUTS_STATE) for p in table.column("path").to_pylist()}
    return [p for p in sorted(raw.glob("crawl-*.warc.gz")) if p.name not in committed]


def _url_rows(feed: _Feed, leftover_urls: list[str], crawl_id: str, run_id: str) -> pa.Table:
    rows = [{"url": a["url"], "requested_url": a["requested_url"], "source": a["source"],
             "crawl_id": crawl_id, "run_id": run_id}
            for s in (feed.report or {}).get("sources", []) for a in s["archived"]]
    listed = {r["url"] for r in rows}
    if feed.report is None or feed.own_salvaged:  # the runner died: what it archived is in its segments
        leftover_urls = sorted(set(leftover_urls) | feed.urls)
    rows += [{"url": u, "requested_url": u, "source": None, "crawl_id": crawl_id, "run_id": run_id}
             for u in leftover_urls if u not in listed]
    return pa.Table.from_pylist(rows, schema=URLS_SCHEMA)


def _segment_rows(segments: list[Path], crawl_id: str, run_id: str) -> pa.Table:
    rows = [{"path": str(p), "fingerprint": input_fingerprint(p), "crawl_id": crawl_id, "run_id": run_id}
            for p in segments]
    return pa.Table.from_pylist(rows, schema=SEGMENTS_SCHEMA)


def _crawl_section(crawl_id, returncode, report, warcs, log_path, started, finished) -> dict[str, Any]:
    problems = []
    sources = []
    if report is None:
        problems.append(f"the crawler exited with status {returncode} and wrote no report; see {log_path}")
    for s in (report or {}).get("sources", []):
        if not s["complete"]:
            problems.append(f"source {s['name']}: finished with {s['finish_reason']} (rerun to resume)")
        for e in s["errors"]:
            problems.append(f"source {s['name']}: {e['reason']}: {e['url']} {e['detail']}")
        sources.append({"name": s["name"], "kind": s["kind"], "finish_reason": s["finish_reason"],
                        "pages": len(s["archived"]), "errors": s["errors"], "stats": s["stats"]})
    return {
        "crawl_id": crawl_id,
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),  # the runner's exit; cleaning went on meanwhile
        "runner_exit": returncode,
        "warcs": [str(w) for w in warcs],
        "log": str(log_path),
        "sources": sources,
        "pages": sum(s["pages"] for s in sources),
        "problems": problems,
    }
