"""``wirewash crawl``: fetch the sources of a sources file into a raw WARC, then ingest it.

1. Under the corpus lock: salvage WARC part files a killed crawl left in ``<corpus>/_raw``,
   read the article URLs earlier crawls fetched (``_state/urls``), and run the crawl in a
   subprocess (``python -m crawler.runner``; a Twisted reactor cannot restart in one process).
   Each source has ``JOBDIR=<corpus>/_jobs/<source>``, so a stopped or killed crawl resumes.
   Spiders only fetch; article responses go to ``<corpus>/_raw/crawl-<id>.warc.gz``.
2. Still under the lock, ``pipelines.run.ingest`` loads, cleans, deduplicates and commits that
   WARC, and the fetched URLs (``_state/urls``) and the crawl report go into the same atomic
   commit: a URL counts as fetched only once its documents are in the corpus.

Re-cleaning later needs no network: ``wirewash ingest <corpus>/_raw``.
Exit codes: 0 ok; 3 committed, but some source failed, did not finish or some pages became
error records; 1 failed, nothing committed; 75 another run holds the corpus lock.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa

import crawler
from crawler.loaders import iter_pages
from crawler.record import RawPage
from crawler.sources import load_sources
from output.lock import corpus_lock
from output.store import read_state, write_json
from pipelines.config import RunConfig
from pipelines.run import EXIT_INPUT_ERRORS, ingest

EXIT_PARTIAL = EXIT_INPUT_ERRORS  # 3
PR_SET_PDEATHSIG = 1  # linux/prctl.h
URLS_STATE = "urls"
RAW, JOBS, CRAWLS = "_raw", "_jobs", "_crawls"
URLS_SCHEMA = pa.schema([
    pa.field("url", pa.string(), nullable=False),
    pa.field("requested_url", pa.string(), nullable=False),
    pa.field("source", pa.string()),
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
    spec = load_sources(sources_file)  # fail early, with the source and key named
    for name in only or []:
        spec.get(name)
    started = dt.datetime.now(dt.timezone.utc)
    crawl_id = f"{started:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    raw, jobs, logs = out / RAW, out / JOBS, out / CRAWLS
    warc = raw / f"crawl-{crawl_id}.warc.gz"
    report_path = logs / f"{crawl_id}.report.json"
    log_path = logs / f"{crawl_id}.log"

    with corpus_lock(out):
        for d in (raw, jobs, logs):
            d.mkdir(parents=True, exist_ok=True)
        salvaged = salvage_parts(raw)
        if salvaged:  # the runner was killed: its JOBDIRs' requests.seen outlived their queues
            for job in jobs.iterdir():
                if job.is_dir():
                    shutil.rmtree(job, ignore_errors=True)
        salvaged_urls = sorted(warc_urls(salvaged))  # fetched by the killed run: not again
        known = jobs / "known-urls.txt"
        known.write_text("".join(f"{u}\n" for u in sorted(known_urls(out) | set(salvaged_urls))), encoding="utf-8")
        cmd = [sys.executable, "-m", "crawler.runner", "--sources", str(sources_file), "--warc", str(warc),
               "--report", str(report_path), "--known", str(known), "--jobs", str(jobs)]
        for name in only or []:
            cmd += ["--source", name]
        for key, value in (settings or {}).items():
            cmd += ["--set", f"{key}={json.dumps(value)}"]
        env = dict(os.environ)
        root = str(Path(crawler.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        with log_path.open("wb") as log:
            try:
                proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, timeout=timeout,
                                      check=False, preexec_fn=_die_with_parent)
                returncode = proc.returncode
            except subprocess.TimeoutExpired:
                returncode = -1
        report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else None
        salvaged += salvage_parts(raw)  # a runner that died leaves its part file
        warcs = ([warc] if warc.exists() else []) + salvaged
        crawl_section = _crawl_section(crawl_id, returncode, report, warcs, log_path, started)

        def url_rows(run_id: str) -> dict[str, pa.Table]:
            rows = [{"url": a["url"], "requested_url": a["requested_url"], "source": a["source"],
                     "crawl_id": crawl_id, "run_id": run_id}
                    for s in (report or {}).get("sources", []) for a in s["archived"]]
            rows += [{"url": u, "requested_url": u, "source": None, "crawl_id": crawl_id, "run_id": run_id}
                     for u in salvaged_urls]
            return {URLS_STATE: pa.Table.from_pylist(rows, schema=URLS_SCHEMA)}

        # same lock, same atomic commit: the fetched URLs are recorded only with their documents
        manifest = ingest(warcs, out, config, on_page=on_page, locked=True, extra_state=url_rows,
                          extra_manifest={"command": "crawl", "crawl": crawl_section}
                          | ({"exit_code": EXIT_PARTIAL} if crawl_section["problems"] else {}))
        write_json(crawl_section, logs / f"{manifest['run_id']}.json")
    return manifest


def _die_with_parent() -> None:
    """In the runner child: get SIGKILL when the parent dies, so a killed run leaves no crawler behind."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _crawl_section(crawl_id, returncode, report, warcs, log_path, started) -> dict[str, Any]:
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
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "runner_exit": returncode,
        "warcs": [str(w) for w in warcs],
        "log": str(log_path),
        "sources": sources,
        "pages": sum(s["pages"] for s in sources),
        "problems": problems,
    }
