"""Extraction health: per-domain figures in each manifest, and drift of a domain against its own history."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from rich.console import Console

from crawler.record import RawPage
from pipelines.config import RunConfig
from pipelines.health import EXIT_DRIFT, EXIT_HEALTHY, Drift, HealthCollector, health, health_table
from pipelines.run import ingest

WORDS = ("river council harbour bridge school market budget station festival library ferry museum farmers "
         "teachers residents engineers voters nurses drivers officials volunteers tourists approved delayed "
         "reopened expanded questioned repaired funded opposed welcomed measured").split()
MENU = ["Home", "News", "Sport", "Weather", "Sign in", "Search this site"]
APPEAL = "Readers keep the {} going: a monthly gift of any size pays for our reporting on the valley."
KESTREL, OTTER = "kestrelchronicle.example", "otterbayecho.example"


def page(domain: str, n: int, day: int, *, broken: str = "") -> RawPage:
    """An article page of ``domain``; ``broken``: after a redesign the scraper gets only the site's
    furniture ("furniture") or that and the teaser paragraph ("teaser")."""
    rng = random.Random(f"{domain}{n}")
    own = [" ".join(" ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + "." for _ in range(3)) for _ in range(5)]
    appeal = APPEAL.format(domain)  # each site its own: one shared by two sites would be syndication
    lines = [f"Story {n} from {domain.split('.')[0]}", *own[:3], appeal, *own[3:]]
    if broken:
        lines = [*MENU, *own[:1], appeal] if broken == "teaser" else [*MENU, appeal]
    when = dt.datetime(2026, 3, day, 9, tzinfo=dt.timezone.utc)
    return RawPage(f"mem://{domain}/{n}", "\n\n".join(lines), "text", "test", url=f"https://{domain}/{n}",
                   fetched_at=when, published_at=when)


def run(corpus: Path, day: int, broken: dict[str, str] | None = None) -> dict:
    pages = [page(d, day * 10 + n, day, broken=(broken or {}).get(d, "")) for d in (KESTREL, OTTER) for n in range(4)]
    return ingest([], corpus, RunConfig(workers=1), pages=pages)


def test_collector_figures():
    c = HealthCollector()
    row = {"source_uri": "a", "text_chars": 300, "removals": [{"rule": "share", "chars": 100}], "title": "T",
           "published_at": None, "authors": ["X"]}
    c.doc("a.example", row)
    c.doc("a.example", row | {"source_uri": "b", "text_chars": 500, "removals": [], "title": None})
    c.empty_page("a.example", "c")
    c.empty_page(None, "d")  # no known domain: not counted anywhere
    assert c.figures() == {"a.example": {
        "pages": 3, "empty_pages": 1, "empty_rate": 0.3333, "docs": 2, "median_chars": 400,
        "removed_share": {"share": 0.1111}, "title_fill": 0.5, "date_fill": 0.0, "author_fill": 1.0}}


def test_drift_rules():
    assert Drift("median_chars", "ratio", 0.5).check(400, 1000) and not Drift("median_chars", "ratio", 0.5).check(600, 1000)
    assert Drift("empty_rate", "rise", 0.25).check(0.5, 0.1) and not Drift("empty_rate", "rise", 0.25).check(0.3, 0.1)
    assert Drift("title_fill", "drop", 0.3).check(0.5, 0.9) and not Drift("title_fill", "drop", 0.3).check(0.7, 0.9)
    assert Drift("title_fill", "drop", 0.3).check(None, 0.9) is None  # nothing to compare


@pytest.mark.parametrize(("broken", "flag"), [("furniture", "empty_rate"), ("teaser", "median_chars")])
def test_a_redesign_that_leaves_only_furniture_is_flagged_and_stable_sites_are_not(tmp_path, broken, flag):
    corpus = tmp_path / "corpus"
    for day in (1, 2, 3):
        manifest = run(corpus, day)
    figures = manifest["health"]["domains"]
    assert set(figures) == {KESTREL, OTTER} and figures[KESTREL]["pages"] == 4
    assert figures[KESTREL]["removed_share"]["learned_furniture"] > 0  # the appeal is learned by now
    report = health(corpus)
    assert report.exit_code == EXIT_HEALTHY and [d.history_runs for d in report.domains] == [2, 2]

    run(corpus, 4, broken={KESTREL: broken})
    report = health(corpus)
    assert report.exit_code == EXIT_DRIFT
    assert [d.domain for d in report.drifted] == [KESTREL]
    assert [f.split()[0] for f in report.drifted[0].flags] == [flag]

    console = Console(record=True, width=200)
    console.print(health_table(report))
    shown = console.export_text()
    assert KESTREL in shown and OTTER in shown and "1 of 2 domains drifted" in shown


def test_an_empty_corpus_is_healthy(tmp_path):
    assert health(tmp_path).exit_code == EXIT_HEALTHY and health(tmp_path).domains == ()
