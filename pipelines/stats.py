"""The corpus in figures: the one place they are computed, for ``wirewash stats`` and the HTML report.

Everything is read from the committed files (and ``_runs/*.json``), never from a run's memory,
so the figures stay true after later runs, compaction, or a copy of the corpus to another
machine. Row and file counts are :func:`output.card.dataset_counts`, the card's own. Only pyarrow
is used: it is a core dependency, and it leaves DuckDB free to serve as an independent check in
the tests.

A *document* is a row of ``articles`` (kept) or ``duplicates`` (a dropped copy); both were
extracted, so extraction health counts both. A *domain* is the host of the row's URL without
``www.`` (the ``site`` column holds display names such as "The Harbour Ledger", which errors do
not carry). An error is attributed to a domain only when its ``source_uri`` is a URL (a crawl);
errors of file inputs are counted as unattributed.
"""
from __future__ import annotations

import datetime as dt
import json
import statistics
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
from rich.console import Console
from rich.table import Table

from output.card import dataset_counts, dataset_files
from output.schema import DATASETS, PARTITION_COLUMN, SCHEMA_VERSION
from output.store import iter_manifests
from pipelines.clock import utc_now

NO_DOMAIN = "(no url)"
EMPTY_BODY_REASONS = ("empty", "no_text")  # load: empty page; clean: nothing left after extraction
_HOST = r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(?P<host>[^/:?#]+)"
_DOC_COLUMNS = ["doc_id", "cluster_id", "url", "site", "title", "authors", "published_at", "text_chars",
                "chars_removed", "removals", PARTITION_COLUMN]


def read_dataset(corpus: Path, dataset: str, columns: list[str]) -> pa.Table:
    """``columns`` of one dataset with ``crawl_date`` as a string, read with the explicit schema (empty if absent)."""
    schema = DATASETS[dataset].append(pa.field(PARTITION_COLUMN, pa.string()))
    files = dataset_files(corpus, dataset)
    if not files:
        return schema.empty_table().select(columns)
    partitioning = ds.partitioning(pa.schema([pa.field(PARTITION_COLUMN, pa.string())]), flavor="hive")
    data = ds.dataset([str(p) for p in files], schema=schema, format="parquet", partitioning=partitioning,
                      partition_base_dir=str(corpus / dataset))
    return data.to_table(columns=columns)


def stats(corpus: Path, top: int = 10, now: dt.datetime | None = None) -> dict[str, Any]:
    """Every figure about the corpus at ``corpus``, as plain JSON-able data; ``top`` bounds the story
    list, ``now`` (default: :func:`pipelines.clock.utc_now`) is the figures' ``generated_at``."""
    corpus = Path(corpus).resolve()
    docs = _documents(corpus)
    errors = read_dataset(corpus, "errors", ["source_uri", "stage", "reason", PARTITION_COLUMN])
    errors = errors.append_column("domain", _host(errors.column("source_uri")))
    return {
        "corpus": str(corpus),
        "generated_at": (now or utc_now()).isoformat(timespec="seconds"),
        "schema_version": SCHEMA_VERSION,
        "datasets": dataset_counts(corpus),
        "per_day": _per_day(docs, errors),
        "per_domain": _per_domain(docs),
        "duplicates": _duplicates(docs, top),
        "removals": _removals(docs),
        "health": _health(docs, errors),
        "errors": _errors(errors),
        "runs": _runs(corpus),
    }


def to_json(figures: dict[str, Any]) -> str:
    """What ``wirewash stats --json`` prints."""
    return json.dumps(figures, indent=2, ensure_ascii=False)


def _documents(corpus: Path) -> pa.Table:
    """Articles and duplicates in one table, with ``kept``, ``match``, ``domain`` and fill flags added."""
    articles = read_dataset(corpus, "articles", _DOC_COLUMNS)
    articles = (articles.append_column("match", pa.nulls(articles.num_rows, pa.string()))
                .append_column("kept", pa.repeat(True, articles.num_rows)))
    duplicates = read_dataset(corpus, "duplicates", [*_DOC_COLUMNS, "match"])
    duplicates = duplicates.append_column("kept", pa.repeat(False, duplicates.num_rows))
    docs = pa.concat_tables([articles, duplicates], promote_options="permissive")
    domain = pc.coalesce(_host(docs.column("url")), pc.fill_null(docs.column("site"), NO_DOMAIN))
    return (docs.append_column("domain", domain)
            .append_column("has_title", pc.fill_null(pc.greater(pc.utf8_length(docs.column("title")), 0), False))
            .append_column("has_date", pc.is_valid(docs.column("published_at")))
            .append_column("has_author", pc.fill_null(pc.greater(pc.list_value_length(docs.column("authors")), 0), False)))


def _host(uris: pa.ChunkedArray) -> pa.ChunkedArray:
    """Lower-cased host without ``www.`` of each URL; null for anything that is not a URL (a file path)."""
    text = pc.fill_null(uris, "")
    host = pc.if_else(pc.match_substring_regex(text, _HOST), pc.struct_field(pc.extract_regex(text, _HOST), "host"), None)
    return pc.replace_substring_regex(pc.utf8_lower(host), r"^www\.", "")


def _count(table: pa.Table, keys: list[str]) -> dict[tuple, int]:
    grouped = table.group_by(keys).aggregate([([], "count_all")])
    return {tuple(r[k] for k in keys): r["count_all"] for r in grouped.to_pylist()}


def _per_day(docs: pa.Table, errors: pa.Table) -> list[dict[str, Any]]:
    kept = _count(docs, [PARTITION_COLUMN, "kept"])
    failed = _count(errors, [PARTITION_COLUMN])
    days = sorted({k[0] for k in kept} | {k[0] for k in failed})
    return [{"crawl_date": d, "articles": kept.get((d, True), 0), "duplicates": kept.get((d, False), 0),
             "errors": failed.get((d,), 0)} for d in days]


def _per_domain(docs: pa.Table) -> list[dict[str, Any]]:
    kept = _count(docs, ["domain", "kept"])
    site: dict[str, tuple[int, str]] = {}  # the domain's most frequent display name
    for (domain, name), n in _count(docs, ["domain", "site"]).items():
        if name and (n, name) > site.get(domain, (0, "")):
            site[domain] = (n, name)
    rows = [{"domain": domain, "site": site[domain][1] if domain in site else None,
             "articles": kept.get((domain, True), 0), "duplicates": kept.get((domain, False), 0)}
            for domain in {k[0] for k in kept}]
    return sorted(rows, key=lambda r: (-(r["articles"] + r["duplicates"]), r["domain"]))


def _duplicates(docs: pa.Table, top: int) -> dict[str, Any]:
    """Dropped copies by match kind, cluster sizes (kept row + its copies), the most copied stories."""
    sizes = {cid: n for (cid,), n in _count(docs, ["cluster_id"]).items()}
    histogram: dict[int, int] = {}
    for n in sizes.values():
        histogram[n] = histogram.get(n, 0) + 1
    biggest = sorted(((n, cid) for cid, n in sizes.items() if n > 1), key=lambda t: (-t[0], t[1]))[:top]
    wanted = docs.filter(pc.is_in(docs.column("cluster_id"), pa.array([cid for _, cid in biggest], pa.string())))
    members: dict[str, list[dict]] = {}
    for row in wanted.select(["cluster_id", "doc_id", "kept", "title", "domain", "published_at"]).to_pylist():
        members.setdefault(row["cluster_id"], []).append(row)
    stories = []
    for copies, cid in biggest:
        group = sorted(members[cid], key=lambda r: (r["doc_id"] != cid, not r["kept"], r["doc_id"]))  # kept first
        dates = [r["published_at"] for r in group if r["published_at"]]
        stories.append({"cluster_id": cid, "title": next((r["title"] for r in group if r["title"]), None),
                        "copies": copies, "domains": sorted({r["domain"] for r in group}),
                        "first_published": min(dates).isoformat() if dates else None})
    by_match = _count(docs.filter(pc.invert(docs.column("kept"))), ["match"])
    return {
        "by_match": {m: n for (m,), n in sorted(by_match.items())},
        "clusters": len(sizes),
        "cluster_sizes": [{"size": n, "clusters": histogram[n]} for n in sorted(histogram)],
        "top_stories": stories,
    }


def _removals(docs: pa.Table) -> list[dict[str, Any]]:
    """Furniture removed per cleaning rule: documents touched and characters removed, most characters first.

    A row's ``removals`` hold one total per rule, so entries per rule count documents.
    """
    flat = pc.list_flatten(docs.column("removals"))
    table = pa.table({"rule": pc.struct_field(flat, "rule"), "chars": pc.struct_field(flat, "chars").cast(pa.int64())})
    grouped = table.group_by("rule").aggregate([([], "count_all"), ("chars", "sum")]).to_pylist()
    rows = [{"rule": r["rule"], "documents": r["count_all"], "chars": r["chars_sum"]} for r in grouped]
    return sorted(rows, key=lambda r: (-r["chars"], r["rule"]))


def _health(docs: pa.Table, errors: pa.Table) -> list[dict[str, Any]]:
    """Extraction health per domain: error and empty-body rates, text length, share removed, field fill rates."""
    grouped = docs.group_by("domain").aggregate([
        ([], "count_all"), ("text_chars", "list"), ("chars_removed", "sum"), ("text_chars", "sum"),
        ("has_title", "sum"), ("has_date", "sum"), ("has_author", "sum"),
    ]).to_pylist()
    failed = _count(errors.filter(pc.is_valid(errors.column("domain"))), ["domain"])
    empty = _count(errors.filter(pc.and_(pc.is_valid(errors.column("domain")),
                                         pc.is_in(errors.column("reason"), pa.array(EMPTY_BODY_REASONS)))), ["domain"])
    by_domain = {g["domain"]: g for g in grouped}
    rows = []
    for domain in sorted(set(by_domain) | {k[0] for k in failed}):
        g = by_domain.get(domain)
        n = g["count_all"] if g else 0
        n_err = failed.get((domain,), 0)
        removed = g["chars_removed_sum"] if g else 0
        total_chars = removed + (g["text_chars_sum"] if g else 0)
        rows.append({
            "domain": domain, "documents": n, "errors": n_err,
            "error_rate": _ratio(n_err, n + n_err), "empty_body_rate": _ratio(empty.get((domain,), 0), n + n_err),
            "median_text_chars": statistics.median(g["text_chars_list"]) if g else None,
            "share_removed": _ratio(removed, total_chars),
            "title_fill": _ratio(g["has_title_sum"], n) if g else None,
            "date_fill": _ratio(g["has_date_sum"], n) if g else None,
            "author_fill": _ratio(g["has_author_sum"], n) if g else None,
        })
    return sorted(rows, key=lambda r: (-r["documents"], r["domain"]))


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _errors(errors: pa.Table) -> dict[str, Any]:
    by_reason = [{"stage": s, "reason": r, "count": n} for (s, r), n in _count(errors, ["stage", "reason"]).items()]
    return {
        "total": errors.num_rows,
        "unattributed": errors.num_rows - pc.count(errors.column("domain")).as_py(),
        "by_stage_reason": sorted(by_reason, key=lambda e: (-e["count"], e["stage"], e["reason"])),
    }


def _runs(corpus: Path) -> list[dict[str, Any]]:
    """One line per committed run manifest, oldest first."""
    runs = []
    for m in iter_manifests(corpus):
        counts = m.get("counts", {})
        started, finished = m.get("started_at"), m.get("finished_at")
        seconds = (dt.datetime.fromisoformat(finished) - dt.datetime.fromisoformat(started)).total_seconds() \
            if started and finished else None
        runs.append({
            "run_id": m.get("run_id"), "command": m.get("command"), "started_at": started,
            "duration_s": round(seconds, 3) if seconds is not None else None,
            "inputs_new": counts.get("inputs_new", 0), "documents": counts.get("documents", 0),
            "articles_written": counts.get("articles_written", 0),
            "duplicates_written": counts.get("duplicates_written", 0),
            "errors": m.get("errors", {}).get("total", 0), "exit_code": m.get("exit_code"),
        })
    return runs


def render(figures: dict[str, Any], console: Console) -> None:
    """The figures as rich tables, for ``wirewash stats`` in a terminal."""
    console.print(f"[bold]{figures['corpus']}[/]  schema v{figures['schema_version']}  {len(figures['runs'])} runs")
    console.print(_table("datasets", ["dataset", "rows", "files", "partitions", "first day", "last day"],
                         [[name, *c.values()] for name, c in figures["datasets"].items()]))
    console.print(_table("per day", ["crawl_date", "articles", "duplicates", "errors"],
                         [list(r.values()) for r in figures["per_day"]]))
    console.print(_table("per domain", ["domain", "site", "articles", "duplicates"],
                         [list(r.values()) for r in figures["per_domain"]]))
    dup = figures["duplicates"]
    console.print(_table(f"most copied stories ({dup['clusters']} clusters; dropped copies: "
                         + (", ".join(f"{n} {m}" for m, n in dup["by_match"].items()) or "none") + ")",
                         ["copies", "title", "domains"],
                         [[s["copies"], s["title"], ", ".join(s["domains"])] for s in dup["top_stories"]]))
    console.print(_table("furniture removed", ["rule", "documents", "chars"],
                         [list(r.values()) for r in figures["removals"]]))
    console.print(_table("extraction health", ["domain", "docs", "errors", "error rate", "empty body", "median chars",
                                               "removed", "title fill", "date fill", "author fill"],
                         [[h["domain"], h["documents"], h["errors"], *map(_pct, [h["error_rate"], h["empty_body_rate"]]),
                           h["median_text_chars"], *map(_pct, [h["share_removed"], h["title_fill"], h["date_fill"],
                                                               h["author_fill"]])] for h in figures["health"]]))
    errs = figures["errors"]
    console.print(_table(f"errors ({errs['total']}, {errs['unattributed']} from file inputs)", ["stage", "reason", "count"],
                         [list(e.values()) for e in errs["by_stage_reason"]]))
    console.print(_table("runs", ["run", "command", "started", "seconds", "new inputs", "documents", "articles",
                                  "duplicates", "errors", "exit"], [list(r.values()) for r in figures["runs"]]))


def _table(title: str, headers: list[str], rows: list[list[Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i == 0 or header in ("site", "title", "domains", "command") else "right")
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    if not rows:
        table.caption = "none"
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _pct(value: float | None) -> str | None:
    return None if value is None else f"{value:.0%}"
