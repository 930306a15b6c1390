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

Scale-out (``--redis redis://HOST:PORT/DB --processes N``): N runner subprocesses share one
frontier -- per source a request queue and a seen-request set in Redis (``crawler.frontier``,
scrapy-redis), so no URL is scheduled twice -- each writing its own segments
(``crawl-<id>-p1-00001.warc.gz``, ``crawl-<id>-p2-...``); all of them feed the one ingest and the
one commit. The keys ``<prefix>:*`` (per corpus) are reset before the runners start and deleted
after they exit. Runners on other machines may join while the crawl runs (the command is in
``_crawls/<id>.log``); they write into the shared ``_raw/`` and the next run takes their segments
over as leftovers. Part files that a live process is writing (``flock``) are never salvaged.
The near-duplicate index can live in Redis too (``[dedup] redis_url``, ``pipelines.lsh_redis``).

The segments are the raw archive: ``wirewash ingest <corpus>/_raw`` re-cleans everything without
the network. Exit codes: 0 ok; 3 committed, but some source failed, did not finish or some pages
became error records; 1 failed, nothing committed; 75 another run holds the corpus lock.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

import crawler
from crawler import frontier
from crawler.archive import part_is_live, segment_glob
from crawler.loaders import input_fingerprint, iter_pages
from crawler.record import PageError, RawPage
from crawler.sources import load_sources
from output.lock import corpus_lock
from output.store import read_state, write_json
from pipelines.clock import utc_now
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


def salvage_parts(raw: Path, prefixes: tuple[str, ...] = ("crawl-",)) -> list[Path]:
    """WARC part files of killed crawls, renamed so they can be ingested (cut-off tails are detected).

    Only part files whose segment name starts with one of ``prefixes``, and never one that a live
    process (here or on another machine sharing ``raw``) is still writing.
    """
    saved = []
    for part in sorted(raw.glob(".crawl-*.warc.gz.part")):
        if not part.name[1:].startswith(prefixes) or part_is_live(part):
            continue
        target = raw / part.name[1:].removesuffix(".warc.gz.part")
        target = target.with_name(f"{target.name}-salvaged.warc.gz")
        os.replace(part, target)
        saved.append(target)
    return saved


def default_redis_prefix(out: Path) -> str:
    """The per-corpus key prefix: ``wirewash:<corpus dir name>-<hash of its path>``."""
    out = Path(out).resolve()
    return f"wirewash:{out.name}-{hashlib.sha1(str(out).encode()).hexdigest()[:8]}"


def crawl(
    sources_file: Path,
    out: Path,
    config: RunConfig | None = None,
    *,
    only: list[str] | None = None,
    settings: dict[str, Any] | None = None,
    timeout: float | None = None,
    on_page=None,
    redis: str | None = None,
    processes: int = 1,
    redis_prefix: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Crawl ``sources_file`` (all sources, or ``only`` these) into the corpus at ``out``.

    ``settings`` overrides Scrapy settings (e.g. ``{"LOG_LEVEL": "WARNING"}``). With ``redis``
    (a ``redis://`` URL), ``processes`` runners share the frontier there under ``redis_prefix``
    (default: ``default_redis_prefix(out)``). Returns the ingest manifest with
    ``command = "crawl"`` and a ``crawl`` section; ``exit_code`` is 0 or 3. ``now`` (default:
    :func:`pipelines.clock.utc_now`) is the crawl's start; its times and the ingest's follow from it.
    Raises ``CorpusLocked`` (exit 75) and ``CrawlFailed`` / ``SourcesError`` (exit 1 / 2).
    """
    sources_file, out = Path(sources_file).resolve(), Path(out).resolve()
    config = config or RunConfig()
    if processes < 1 or (processes > 1 and not redis):
        raise CrawlFailed("--processes N > 1 needs --redis URL (the processes share their frontier there)")
    prefix = redis_prefix or default_redis_prefix(out)
    spec = load_sources(sources_file)  # fail early, with the source and key named
    for name in only or []:
        spec.get(name)
    started, t0 = now or utc_now(), time.monotonic()

    def clock() -> dt.datetime:
        return started + dt.timedelta(seconds=time.monotonic() - t0)

    crawl_id = f"{started:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    raw, jobs, logs = out / RAW, out / JOBS, out / CRAWLS
    if redis:  # one WARC name per runner: crawl-<id>-p<k>-NNNNN.warc.gz
        warcs = [raw / f"crawl-{crawl_id}-p{k}.warc.gz" for k in range(1, processes + 1)]
        reports = [logs / f"{crawl_id}-p{k}.report.json" for k in range(1, processes + 1)]
    else:  # the crawl's name; its segments are crawl-<id>-NNNNN.warc.gz
        warcs, reports = [raw / f"crawl-{crawl_id}.warc.gz"], [logs / f"{crawl_id}.report.json"]
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
        common = ["--sources", str(sources_file), "--known", str(known)]
        for name in only or []:
            common += ["--source", name]
        for key, value in (settings or {}).items():
            common += ["--set", f"{key}={json.dumps(value)}"]
        if redis:
            common += ["--redis", redis, "--redis-prefix", prefix]
        env = dict(os.environ)
        root = str(Path(crawler.__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        extra_manifest: dict[str, Any] = {"command": "crawl"}  # completed when the stream ends
        client = frontier.connect(redis) if redis else None
        if client is not None:
            try:
                frontier.reset(client, prefix, crawl_id)  # a fresh frontier; runners may join this crawl
            except Exception as exc:  # redis.ConnectionError and friends
                raise CrawlFailed(f"cannot use the Redis frontier at {redis}: {type(exc).__name__}: {exc}") from exc
        with log_path.open("wb") as log:
            if client is not None:
                log.write((f"wirewash crawl {crawl_id}: shared frontier {redis} prefix {prefix!r}; to add a runner on "
                           f"another machine (sharing {raw}):\n  {sys.executable} -m crawler.runner "
                           + " ".join(shlex.quote(c) for c in common)
                           + f" --warc {raw}/crawl-{crawl_id}-$(hostname)-$$.warc.gz"
                           f" --report {logs}/{crawl_id}-$(hostname)-$$.report.json\n").encode())
                log.flush()
            procs = []
            feed = None
            try:
                for warc, report_path in zip(warcs, reports):
                    cmd = [sys.executable, "-m", "crawler.runner", *common, "--warc", str(warc), "--report", str(report_path)]
                    if not redis:
                        cmd += ["--jobs", str(jobs)]
                    procs.append(subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                                  preexec_fn=die_with_parent))
                feed = _Feed(procs, warcs, leftovers, config.max_input_bytes, timeout, clock)

                def finish() -> None:  # the runners have exited and every segment has been read
                    found = [json.loads(r.read_text(encoding="utf-8")) for r in reports if r.exists()]
                    report = merge_reports(found) if found else None
                    section = _crawl_section(crawl_id, feed.returncode, report, feed.segments, log_path, started,
                                             feed.exited_at)
                    if found and len(found) < len(reports):
                        section["problems"].append(f"{len(reports) - len(found)} of {len(reports)} runners exited "
                                                   f"with no report; see {log_path}")
                        feed.missing_report = True
                    if redis:
                        section["redis"] = {"url": redis, "prefix": prefix, "processes": processes}
                    extra_manifest.update({"crawl": section}, **({"exit_code": EXIT_PARTIAL} if section["problems"] else {}))
                    feed.report = report

                feed.on_end = finish

                def state_rows(run_id: str) -> dict[str, pa.Table]:
                    assert feed.done, "ingest commits only after the crawl's page stream has ended"
                    return {URLS_STATE: _url_rows(feed, leftover_urls, crawl_id, run_id),
                            SEGMENTS_STATE: _segment_rows(feed.segments, crawl_id, run_id)}

                # same lock, same atomic commit: the fetched URLs are recorded only with their documents
                manifest = ingest([], out, config, on_page=on_page, pages=feed, locked=True,
                                  extra_state=state_rows, extra_manifest=extra_manifest, now=clock())
            finally:
                if feed is not None:
                    feed.stop()
                for proc in procs:
                    if proc.poll() is None:
                        proc.kill()
                    proc.wait()
                if client is not None:
                    try:
                        frontier.reset(client, prefix)  # nothing of this crawl is left in Redis
                    except Exception as exc:  # noqa: BLE001
                        log.write(f"could not delete the frontier keys {prefix}:*: {exc}\n".encode())
        write_json(manifest["crawl"], logs / f"{manifest['run_id']}.json")
    return manifest


class _Feed:
    """The pages of a crawl's WARC segments, as they are finished, until its runners have exited.

    Leftover segments of a killed crawl come first. Then the runners' finished segments are
    polled (sorted by name = written order, per runner); once every runner has exited, a last look
    picks up what they finished before exiting, and part files they left (one died) are salvaged
    and read too. ``proc``/``warc`` are one runner and its WARC name, or lists of them.
    """

    POLL_S = 0.1

    def __init__(self, proc, warc, leftovers: list[Path], max_bytes: int, timeout: float | None,
                 clock: Callable[[], dt.datetime]) -> None:
        self.procs = list(proc) if isinstance(proc, (list, tuple)) else [proc]
        self.warcs = list(warc) if isinstance(warc, (list, tuple)) else [warc]
        self.proc, self.warc = self.procs[0], self.warcs[0]
        self.leftovers, self.max_bytes = leftovers, max_bytes
        self.deadline = time.monotonic() + timeout if timeout else None
        self.clock = clock
        self.exited_at = clock()
        self.returncode: int | None = None
        self.segments: list[Path] = []  # every segment read, in order
        self.own_salvaged: list[Path] = []
        self.urls: set[str] = set()  # page URLs of this run's own segments
        self.report: dict[str, Any] | None = None
        self.missing_report = False  # some runner (of several) wrote no report
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
        codes = [proc.poll() for proc in self.procs]
        if None in codes and self.deadline is not None and time.monotonic() > self.deadline:
            for i, proc in enumerate(self.procs):
                if codes[i] is None:
                    proc.kill()
                    proc.wait()
                    codes[i] = -1  # as a timed-out subprocess.run reported it
        if None in codes:
            return False
        self.returncode = next((c for c in codes if c), 0)
        self.exited_at = self.clock()
        return True

    def __iter__(self) -> Iterator[RawPage | PageError]:
        for path in self.leftovers:
            yield from self._read(path, own=False)
        raw, read = self.warc.parent, set()
        patterns = [segment_glob(w) for w in self.warcs]
        while True:
            exited = self._exited()  # before looking: a segment finished before the exit is seen below
            new = sorted({p for pattern in patterns for p in raw.glob(pattern) if p.name not in read})
            for path in new:
                read.add(path.name)
                yield from self._read(path, own=True)
            if exited and not new:
                break
            if not new:
                time.sleep(self.POLL_S)
        own = tuple(f"{w.name.removesuffix('.warc.gz')}-" for w in self.warcs)
        self.own_salvaged = salvage_parts(raw, own)
        for path in self.own_salvaged:  # a runner died: the records it wrote are kept
            yield from self._read(path, own=True)
        self.done = True
        self.on_end()

    def stop(self) -> None:
        """Ingest failed or was interrupted: no runner may outlive the crawl."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
        for proc in self.procs:
            proc.wait()


def merge_reports(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One report of several runners that crawled the same sources off one shared frontier."""
    if len(reports) == 1:
        return reports[0]
    merged: dict[str, dict[str, Any]] = {}
    for report in reports:
        for s in report["sources"]:
            m = merged.get(s["name"])
            if m is None:
                merged[s["name"]] = {**s, "archived": list(s["archived"]), "errors": list(s["errors"]),
                                     "stats": dict(s["stats"])}
                continue
            m["archived"] += s["archived"]
            m["errors"] += s["errors"]
            if m["complete"] and not s["complete"]:  # the worst runner's outcome is the source's
                m["complete"], m["finish_reason"] = False, s["finish_reason"]
            for k, v in s["stats"].items():
                if isinstance(v, (int, float)):
                    m["stats"][k] = max(m["stats"].get(k, 0), v) if k == "elapsed_time_seconds" else m["stats"].get(k, 0) + v
    return {"segments": [seg for r in reports for seg in r["segments"]], "sources": list(merged.values())}


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
    if feed.report is None or feed.own_salvaged or feed.missing_report:  # a runner died: what it archived is in its segments
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
