"""Extraction health per domain: each run's figures in its manifest, drift against each domain's history.

A site redesign rarely makes extraction fail loudly: pages still "clean", but into the site's
menus and appeals instead of its articles, or into nothing. Each run's manifest therefore
carries, per domain, the figures that move when that happens (:class:`HealthCollector`), and
:func:`health` compares each domain's latest run with its own earlier runs — domains differ
too much (a wire feed's length is not a magazine's) for one corpus-wide threshold. The drift
tests are data (:data:`DRIFTS`); the history value of a figure is its median over earlier runs,
so one odd run in the past neither raises nor hides an alarm.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rich.markup import escape
from rich.table import Table

from output.store import iter_manifests

MANIFEST_KEY = "health"
EXIT_HEALTHY = 0
EXIT_DRIFT = 3
MIN_PAGES = 3  # a domain's run of fewer pages is noise: neither judged nor used as history


@dataclass(frozen=True, slots=True)
class Drift:
    """One test of a figure against its history.

    ``ratio``: drift when current < limit * history; ``rise``: when current - history > limit;
    ``drop``: when history - current > limit.
    """

    figure: str
    kind: Literal["ratio", "rise", "drop"]
    limit: float

    def check(self, current: float | None, history: float | None) -> str | None:
        """A description of the drift, or None when there is none (or nothing to compare)."""
        if current is None or history is None:
            return None
        if self.kind == "ratio" and current < self.limit * history:
            return f"{self.figure} {current:,.0f} < {self.limit:.0%} of usual {history:,.0f}"
        if self.kind == "rise" and current - history > self.limit:
            return f"{self.figure} rose {history:.0%} -> {current:.0%}"
        if self.kind == "drop" and history - current > self.limit:
            return f"{self.figure} fell {history:.0%} -> {current:.0%}"
        return None


DRIFTS = (
    Drift("median_chars", "ratio", 0.5),  # the article shrank to a teaser or to furniture
    Drift("empty_rate", "rise", 0.25),  # pages stopped giving any text
    Drift("title_fill", "drop", 0.3),
    Drift("date_fill", "drop", 0.3),
    Drift("author_fill", "drop", 0.3),
)


@dataclass
class _Domain:
    pages: set[str] = field(default_factory=set)
    empty: set[str] = field(default_factory=set)
    chars: list[int] = field(default_factory=list)
    removed: Counter = field(default_factory=Counter)
    titles: int = 0
    dates: int = 0
    authors: int = 0


class HealthCollector:
    """Collects one run's per-domain figures as pages finish, for the run manifest."""

    def __init__(self) -> None:
        self._domains: dict[str, _Domain] = defaultdict(_Domain)

    def empty_page(self, domain: str | None, source_uri: str) -> None:
        """A page that gave no document: an error, or nothing left after cleaning."""
        if domain is not None:
            self._domains[domain].pages.add(source_uri)
            self._domains[domain].empty.add(source_uri)

    def doc(self, domain: str | None, row: dict[str, Any]) -> None:
        """One document as it will be written (``text``, ``removals``, title, date, authors)."""
        if domain is None:
            return
        d = self._domains[domain]
        d.pages.add(row["source_uri"])
        d.chars.append(row["text_chars"])
        d.removed.update({r["rule"]: r["chars"] for r in row["removals"] or ()})
        d.titles += bool(row["title"])
        d.dates += row["published_at"] is not None
        d.authors += bool(row["authors"])

    def figures(self) -> dict[str, dict[str, Any]]:
        """``{domain: figures}``: what goes into the manifest's ``health.domains``."""
        out = {}
        for name, d in sorted(self._domains.items()):
            docs = len(d.chars)
            total = sum(d.chars) + sum(d.removed.values())
            out[name] = {
                "pages": len(d.pages),
                "empty_pages": len(d.empty),
                "empty_rate": round(len(d.empty) / len(d.pages), 4),
                "docs": docs,
                "median_chars": statistics.median(d.chars) if docs else None,
                "removed_share": {rule: round(n / total, 4) for rule, n in sorted(d.removed.items())} if total else {},
                "title_fill": round(d.titles / docs, 4) if docs else None,
                "date_fill": round(d.dates / docs, 4) if docs else None,
                "author_fill": round(d.authors / docs, 4) if docs else None,
            }
        return out


@dataclass(frozen=True, slots=True)
class DomainHealth:
    domain: str
    run_id: str  # the domain's latest run, the one judged
    current: dict[str, Any]
    history: dict[str, float | None]  # per figure, the median over earlier runs
    history_runs: int
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HealthReport:
    domains: tuple[DomainHealth, ...]

    @property
    def drifted(self) -> list[DomainHealth]:
        return [d for d in self.domains if d.flags]

    @property
    def exit_code(self) -> int:
        return EXIT_DRIFT if self.drifted else EXIT_HEALTHY


def health(corpus: Path, drifts: Iterable[Drift] = DRIFTS, min_pages: int = MIN_PAGES) -> HealthReport:
    """Judge each domain's latest run against its earlier runs (runs of < ``min_pages`` pages ignored).

    Reads only committed manifests, so it needs no lock; runs from before health figures
    existed are skipped.
    """
    drifts = tuple(drifts)
    runs: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for manifest in iter_manifests(corpus):
        for domain, figures in (manifest.get(MANIFEST_KEY) or {}).get("domains", {}).items():
            if figures["pages"] >= min_pages:
                runs[domain].append((manifest["run_id"], figures))
    report = []
    for domain, history in sorted(runs.items()):
        (run_id, current), earlier = history[-1], [f for _, f in history[:-1]]
        usual = {d.figure: _median(f.get(d.figure) for f in earlier) for d in drifts}
        flags = tuple(msg for d in drifts if (msg := d.check(current.get(d.figure), usual[d.figure])))
        report.append(DomainHealth(domain, run_id, current, usual, len(earlier), flags))
    return HealthReport(tuple(report))


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def health_table(report: HealthReport) -> Table:
    """The report as a rich table, drifted domains first (for ``wirewash health``)."""
    table = Table(title=f"extraction health: {len(report.drifted)} of {len(report.domains)} domains drifted")
    table.add_column("domain", no_wrap=True)
    for column in ("pages", "empty", "median chars", "title/date/author", "runs before"):
        table.add_column(column, justify="right")
    table.add_column("drift")
    for d in sorted(report.domains, key=lambda d: (not d.flags, d.domain)):
        c, h = d.current, d.history
        table.add_row(
            escape(d.domain),
            str(c["pages"]),
            f"{c['empty_rate']:.0%} ({_pct(h.get('empty_rate'))})",
            f"{_num(c.get('median_chars'))} ({_num(h.get('median_chars'))})",
            " / ".join(_pct(c.get(k)) for k in ("title_fill", "date_fill", "author_fill")),
            str(d.history_runs),
            "[red]" + "; ".join(d.flags) + "[/]" if d.flags else "[green]ok[/]",
        )
    table.caption = "current (usual): usual = median over the domain's earlier runs"
    return table


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"
