"""``wirewash ingest``: inputs -> load -> clean -> learned furniture -> dedup -> one atomic commit.

The run holds the corpus lock throughout, first finishes or undoes any run that was killed
mid-commit, then reads the state earlier runs left (the inputs they ingested, the dedup index,
the per-domain furniture table), so a second run over the same inputs adds nothing and a new
copy of an old story is recorded as a duplicate of the row analysts already have.

Learned furniture (``pipelines.furniture``) runs after the clean stage, over the whole run: it
needs every page of the run to count recurring paragraphs, and it runs before dedup so that two
copies of a story differing only in their site's furniture are compared on their text alone.
Every manifest carries per-domain extraction health figures (``pipelines.health``).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import platform
import secrets
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa

from crawler.loaders import input_fingerprint, iter_input_files, iter_pages
from crawler.record import PageError, RawPage
from output.card import write_card
from output.lock import corpus_lock
from output.schema import ARTICLES, DUPLICATES, ERRORS, SCHEMA_VERSION, partition_value, to_table
from output.store import RunWriter, iter_state, read_state, recover
from pipelines.clean import Cleaned, clean_stream
from pipelines.clock import utc_now
from pipelines.config import RunConfig, config_to_dict, parse_engine
from pipelines.dedup import DedupInput, deduplicate, load_index
from pipelines.furniture import LINES_STATE, PAGES_STATE, RULE, FurnitureTable, Page
from pipelines.health import MANIFEST_KEY, HealthCollector

EXIT_OK = 0
EXIT_FAILED = 1  # the run stopped; nothing was committed
EXIT_INPUT_ERRORS = 3  # the run committed, but some inputs or pages became error records

INPUTS_STATE = "inputs"
SEGMENTS_STATE = "crawl_segments"  # WARC segments a crawl fed in as pages: inputs already ingested too
DEDUP_STATE = "dedup"
INPUTS_SCHEMA = pa.schema(
    [
        pa.field("path", pa.string(), nullable=False),
        pa.field("fingerprint", pa.string(), nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
    ]
)
VERSIONED = ("wirewash", "trafilatura", "datasketch", "pyarrow", "scrapy", "lxml", "py3langid")


def new_run_id(now: dt.datetime) -> str:
    """Sortable by start time (to the millisecond), unique across machines: ``20261122T013000123Z-3f9a1c``."""
    return f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z-{secrets.token_hex(3)}"


def doc_id(source_uri: str, part: int) -> str:
    """Stable id of one article of one input page (the same input always gives the same id)."""
    return hashlib.sha1(f"{source_uri}#{part}".encode()).hexdigest()[:20]


@dataclass
class RunState:
    """Counters and rows one run accumulates before it commits."""

    run_id: str
    started: dt.datetime  # the run's "now": anchors the retention window, run id and undated pages' day
    counts: Counter = field(default_factory=Counter)
    removals: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    docs: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    inputs: list[dict[str, str]] = field(default_factory=list)
    # source_uri -> URL host of each loaded page, so a page that fails to clean still counts for its
    # domain's health; a page without a URL that fails cannot be attributed to a site.
    page_domains: dict[str, str | None] = field(default_factory=dict)
    health: HealthCollector = field(default_factory=HealthCollector)
    furniture: dict[str, Any] = field(default_factory=dict)  # the manifest's "furniture" section
    state_tables: dict[str, pa.Table] = field(default_factory=dict)  # extra state rows this run commits
    t0: float = field(default_factory=time.perf_counter)

    def error(self, err: PageError) -> None:
        self.counts[f"{err.stage}_errors"] += 1
        self.errors.append(
            {"source_uri": err.source_uri, "stage": err.stage, "reason": err.reason, "detail": err.detail,
             "run_id": self.run_id, "at": self.now()}
        )

    def now(self) -> dt.datetime:
        """The run's clock: ``started`` plus the time elapsed since (so a pinned start pins it all)."""
        return self.started + dt.timedelta(seconds=time.perf_counter() - self.t0)


def ingest(
    paths: Iterable[Path],
    out: Path,
    config: RunConfig | None = None,
    on_page: Callable[[int], None] | None = None,
    *,
    pages: Iterable[RawPage | PageError] = (),
    locked: bool = False,
    extra_state: Callable[[str], dict[str, pa.Table]] | None = None,
    extra_manifest: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Ingest ``paths`` (files or directories) into the corpus at ``out``; returns the manifest.

    ``pages`` adds already-loaded pages (e.g. a crawl's, as they are fetched) after those of
    ``paths``. ``on_page(n)`` is called as pages finish cleaning (for a progress bar). Raises
    ``output.lock.CorpusLocked`` when another run holds the corpus. A caller that already holds
    the lock (the crawl) passes ``locked=True``, and commits its own state tables and manifest
    section in the same atomic step with ``extra_state(run_id) -> {name: table}`` and
    ``extra_manifest``. ``now`` (default: :func:`pipelines.clock.utc_now`) is the run's start: its
    id, the retention window's anchor and the partition of pages that carry no fetch time.
    """
    config = config or RunConfig()
    out = out.resolve()
    if not locked:
        with corpus_lock(out):
            return ingest(paths, out, config, on_page, pages=pages, locked=True, extra_state=extra_state,
                          extra_manifest=extra_manifest, now=now)
    started = now or utc_now()
    state = RunState(new_run_id(started), started)
    recovered = recover(out)
    writer = RunWriter(out, state.run_id)
    try:
        manifest = _run(paths, pages, out, config, state, writer, on_page)
        for name, table in (extra_state(state.run_id) if extra_state else {}).items():
            writer.add_state(name, table)
        manifest |= extra_manifest or {}
        manifest["recovered"] = recovered
        writer.commit(manifest)
    except BaseException:
        writer.abort()
        raise
    write_card(out, state.now())  # after the commit, still under the lock: the card describes what was just committed
    return manifest


def _run(paths, extra_pages, out, config, state, writer, on_page) -> dict[str, Any]:
    t0 = time.perf_counter()
    seen_inputs = {fp for name in (INPUTS_STATE, SEGMENTS_STATE) for table in read_state(out, name)
                   for fp in table.column("fingerprint").to_pylist()}
    now = state.started  # one moment for the retention window: loading and dedup
    index = load_index(lambda columns: iter_state(out, DEDUP_STATE, columns), config.dedup, now)
    known = index.doc_ids if not config.dedup.retention_days else frozenset(
        doc for table in iter_state(out, DEDUP_STATE, ["doc_id"]) for doc in table.column("doc_id").to_pylist())
    furniture = FurnitureTable.from_state(read_state(out, LINES_STATE), read_state(out, PAGES_STATE),
                                          config.furniture)
    state.timings["read_state_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    files = list(_new_inputs(paths, seen_inputs, state))
    for result in _clean_results(files, extra_pages, config, state):
        if isinstance(result, PageError):
            state.error(result)
            state.health.empty_page(state.page_domains.get(result.source_uri) or _host(result.source_uri),
                                    result.source_uri)
        else:
            _add_docs(result, state, known)
        if on_page:
            on_page(1)
    state.timings["load_clean_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    emptied = _learned_furniture(state, furniture, config.clean.min_article_chars) if furniture.config.enabled else []
    _collect_health(state, emptied)
    state.timings["furniture_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    outcomes, index_rows = deduplicate(
        [DedupInput(d["doc_id"], d["text"], d["published_at"], d["fetched_at"]) for d in state.docs], index, config.dedup,
        now=now,
    )
    state.timings["dedup_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    files_written = _write(state, outcomes, index_rows, writer)
    state.timings["write_s"] = time.perf_counter() - t0
    return _manifest(state, config, paths, files_written)


def _clean_results(files: list[Path], extra_pages, config: RunConfig, state: RunState) -> Iterator[Cleaned | PageError]:
    """The clean stage on the configured engine: local worker processes, or Dask tasks."""
    engine = parse_engine(config.engine)
    if engine.kind == "dask":
        from pipelines.engine_dask import dask_clean_stream  # dask is the optional [scale] extra

        return dask_clean_stream(chain(files, extra_pages), config.clean, engine.address,
                                 workers=config.worker_count, max_bytes=config.max_input_bytes,
                                 keep_bodies=False, tap_loaded=lambda pages: _count_loaded(pages, state))
    pages = chain(iter_pages(files, max_bytes=config.max_input_bytes), extra_pages)
    return clean_stream(_count_loaded(pages, state), config.clean, config.worker_count)


def _new_inputs(paths: Iterable[Path], seen: set[str], state: RunState) -> Iterator[Path]:
    """Input files not ingested by an earlier run (same bytes = same input, wherever it lies)."""
    for path in iter_input_files([Path(p).resolve() for p in paths]):
        try:
            fingerprint = input_fingerprint(path)
        except OSError as exc:
            state.error(PageError(str(path), "load", "unreadable", str(exc)))
            continue
        if fingerprint in seen:
            state.counts["inputs_skipped_known"] += 1
            continue
        seen.add(fingerprint)
        state.counts["inputs_new"] += 1
        state.inputs.append({"path": str(path), "fingerprint": fingerprint, "run_id": state.run_id})
        yield path


def _count_loaded(pages: Iterable[RawPage | PageError], state: RunState) -> Iterator[RawPage | PageError]:
    for page in pages:
        if isinstance(page, RawPage):
            state.counts["pages_loaded"] += 1
            state.page_domains[page.source_uri] = _host(page.url)
        else:
            state.counts["pages_unloadable"] += 1
        yield page


def _add_docs(result: Cleaned, state: RunState, known: frozenset[str]) -> None:
    """Queue the documents of a cleaned page; ``known``: doc ids already in the corpus."""
    page = result.page
    state.counts["pages_cleaned"] += 1
    for doc in result.docs:
        did = doc_id(page.source_uri, doc.part)
        if did in known:
            state.counts["docs_skipped_known"] += 1
            continue
        for removal in doc.removals:
            state.removals[removal.rule]["count"] += 1
            state.removals[removal.rule]["chars"] += removal.chars
        state.counts["documents"] += 1
        state.docs.append(
            {
                "doc_id": did,
                "source_uri": page.source_uri,
                "source": page.source,
                "url": page.url,
                "site": doc.site or _host(page.url),
                "title": doc.title,
                "authors": doc.authors or None,
                "published_at": page.published_at or doc.published_at,  # an explicit input date beats extraction
                "fetched_at": page.fetched_at,
                "language": doc.language,
                "wire_source": doc.wire_source,
                "text": doc.text,
                "text_chars": len(doc.text),
                "chars_removed": doc.chars_removed,
                "removals": _removal_totals(doc.removals),
                "part": doc.part,
                "http_status": page.http_status,
                "content_type": page.content_type,
                "run_id": state.run_id,
            }
        )


def _domain(doc: dict[str, Any]) -> str | None:
    """The site a document belongs to: its URL's host, else the site name extraction found."""
    return _host(doc["url"]) or doc["site"]


def _learned_furniture(state: RunState, table: FurnitureTable, min_chars: int) -> list[dict[str, Any]]:
    """Learn from this run's pages, then drop each domain's furniture paragraphs from its documents.

    A document that learned furniture cut below an article's length (``min_chars``) held
    nothing but furniture: it becomes an ``only_furniture`` error record instead, and is
    returned for the health figures. A short article learned furniture did not touch stays
    (the cleaners keep short one-article pages).
    """
    pages: dict[str, Page] = {}
    for doc in state.docs:
        if (domain := _domain(doc)) is None:
            continue
        when = doc["published_at"] or doc["fetched_at"] or state.started
        page = pages.get(doc["source_uri"])
        lines = tuple(doc["text"].split("\n"))
        pages[doc["source_uri"]] = Page(domain, doc["url"] or doc["source_uri"],
                                        when.astimezone(dt.timezone.utc).date(),
                                        page.lines + lines if page else lines)
    state.state_tables |= table.learn(pages.values(), state.run_id)
    kept, emptied, removed_lines = [], [], 0
    for doc in state.docs:
        text, removals = table.strip(_domain(doc), doc["text"])
        if removals:
            removed_lines += len(removals)
            chars = sum(r.chars for r in removals)
            state.removals[RULE]["count"] += len(removals)
            state.removals[RULE]["chars"] += chars
            totals = Counter({r["rule"]: r["chars"] for r in doc["removals"]}) + Counter({RULE: chars})
            doc.update(text=text, text_chars=len(text), chars_removed=doc["chars_removed"] + chars,
                       removals=[{"rule": rule, "chars": n} for rule, n in sorted(totals.items())])
        if not removals or len(text) >= min_chars:
            kept.append(doc)
            continue
        emptied.append(doc)
        state.counts["documents"] -= 1
        state.error(PageError(doc["source_uri"], "clean", "only_furniture",
                              f"part {doc['part']}: {len(text)} characters left after removing learned furniture"))
    state.docs = kept
    state.furniture = {
        "pages_counted": state.state_tables[PAGES_STATE].num_rows,
        "lines_stored": state.state_tables[LINES_STATE].num_rows,
        "furniture_lines": table.furniture_lines(),
        "lines_removed": removed_lines,
        "config": dataclasses.asdict(table.config),
    }
    return emptied


def _collect_health(state: RunState, emptied: list[dict[str, Any]]) -> None:
    """Per-domain health figures of the documents this run writes (error pages were added as they came).

    A page counts as empty when furniture removal ``emptied`` all its documents.
    """
    for doc in state.docs:
        state.health.doc(_domain(doc), doc)
    with_docs = {doc["source_uri"] for doc in state.docs}
    for doc in emptied:
        if doc["source_uri"] not in with_docs:
            state.health.empty_page(_domain(doc), doc["source_uri"])


def _host(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _removal_totals(removals) -> list[dict[str, Any]]:
    totals: Counter = Counter()
    for r in removals:
        totals[r.rule] += r.chars
    return [{"rule": rule, "chars": chars} for rule, chars in sorted(totals.items())]


def _write(state: RunState, outcomes, index_rows: pa.Table, writer: RunWriter) -> int:
    by_id = {d["doc_id"]: d for d in state.docs}
    articles, duplicates = defaultdict(list), defaultdict(list)
    today = state.started.date()
    for o in outcomes:
        row = by_id[o.doc_id] | {"cluster_id": o.cluster_id}
        part = partition_value(row["fetched_at"], today)
        if o.kept:
            articles[part].append(row)
        else:
            duplicates[part].append(row | {"duplicate_of": o.duplicate_of, "similarity": o.similarity, "match": o.match})
            state.counts[f"{o.match}_duplicates"] += 1
    for dataset, schema, groups in (("articles", ARTICLES, articles), ("duplicates", DUPLICATES, duplicates)):
        for part in sorted(groups):
            rows = sorted(groups[part], key=lambda r: r["doc_id"])
            writer.add_rows(dataset, to_table(rows, schema), part)
            state.counts[f"{dataset}_written"] += len(rows)
    if state.errors:
        writer.add_rows("errors", to_table(state.errors, ERRORS), today.isoformat())
    writer.add_state(DEDUP_STATE, index_rows)
    writer.add_state(INPUTS_STATE, pa.Table.from_pylist(state.inputs, schema=INPUTS_SCHEMA))
    for name, table in state.state_tables.items():
        if table.num_rows:
            writer.add_state(name, table)
    return len(writer.files)


def _manifest(state: RunState, config: RunConfig, paths, files_written: int) -> dict[str, Any]:
    errors = Counter((e["stage"], e["reason"]) for e in state.errors)
    return {
        "run_id": state.run_id,
        "command": "ingest",
        "schema_version": SCHEMA_VERSION,
        "started_at": state.started.isoformat(),
        "finished_at": state.now().isoformat(),
        "inputs": {"requested": [str(p) for p in paths], "ingested": state.inputs},
        "counts": dict(sorted(state.counts.items())),
        "removals": {rule: dict(c) for rule, c in sorted(state.removals.items())},
        "errors": {
            "total": len(state.errors),
            "by_reason": [{"stage": s, "reason": r, "count": n} for (s, r), n in sorted(errors.items())],
            "examples": [{k: e[k] for k in ("source_uri", "stage", "reason", "detail")} for e in state.errors[:20]],
        },
        "furniture": state.furniture,
        MANIFEST_KEY: {"domains": state.health.figures()},
        "timings": {k: round(v, 3) for k, v in state.timings.items()},
        "versions": _versions(),
        "config": config_to_dict(config),
        "files_written": files_written,
        "exit_code": EXIT_INPUT_ERRORS if state.errors else EXIT_OK,
    }


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found
