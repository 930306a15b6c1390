"""Learned per-domain furniture: thresholds on a bare table, then end to end through ``ingest`` on synthetic pages."""
from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import duckdb
import pytest

from crawler.record import RawPage
from output.store import read_state
from pipelines.config import RunConfig
from pipelines.furniture import LINES_STATE, PAGES_STATE, RULE, FurnitureConfig, FurnitureTable, Page, line_hash
from pipelines.run import ingest

WORDS = ("river council harbour bridge school market budget station festival library ferry museum farmers "
         "teachers residents engineers voters nurses drivers officials volunteers tourists approved delayed "
         "reopened expanded questioned repaired funded opposed welcomed measured").split()
APPEAL = ("Readers keep the Kestrel Valley Chronicle going: a monthly gift of any size pays for our reporting "
          "on the valley and its towns.")
NEWSLETTER = "The Chronicle's Friday letter gathers the week's valley stories in one place for readers."
QUOTE = '"We will rebuild the Mill Lane bridge before the spring floods come," the council leader told reporters.'
WIRE = ("Reporting on rural transport by the Meridian News Service is shared with partner papers across the "
        "northern counties.")
KESTREL, OTTER, HERON = "kestrelchronicle.example", "otterbayecho.example", "heronfieldpost.example"


def paragraph(rng: random.Random) -> str:
    return " ".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(9, 16))).capitalize() + "."
                    for _ in range(3))


def page(domain: str, n: int, day: int, *extra: str) -> RawPage:
    """A text page of ``domain`` with its own four paragraphs and ``extra`` ones in the middle."""
    rng = random.Random(f"{domain}{n}")
    own = [paragraph(rng) for _ in range(4)]
    body = "\n\n".join([f"Story {n} from {domain.split('.')[0]} about the valley", *own[:2], *extra, *own[2:]])
    when = dt.datetime(2026, 3, day, 9, tzinfo=dt.timezone.utc)
    return RawPage(f"mem://{domain}/{n}", body, "text", "test", url=f"https://www.{domain}/story-{n}",
                   fetched_at=when, published_at=when)


def run(corpus: Path, pages: list[RawPage]) -> dict:
    return ingest([], corpus, RunConfig(workers=1), pages=pages)


def texts(corpus: Path, domain: str) -> dict[str, dict]:
    """The written documents (articles and duplicates) of ``domain``, by URL."""
    rel = duckdb.sql(f"select * from read_parquet('{corpus}/*/*/*.parquet', union_by_name=true) "
                     f"where url like '%{domain}%'")
    return {row[rel.columns.index("url")]: dict(zip(rel.columns, row)) for row in rel.fetchall()}


# -- the table alone ----------------------------------------------------------------------------


def pages_of(domain: str, days: list[int], line: str, start: int = 0) -> list[Page]:
    return [Page(domain, f"{domain}/{start + i}", dt.date(2026, 3, d), (line, f"own text of page {start + i} {domain}"))
            for i, d in enumerate(days)]


@pytest.mark.parametrize(("days", "others", "furniture"), [
    ([1, 1, 2, 2, 3], 0, True),  # five pages over three days
    ([1, 1, 2, 2], 0, False),  # four pages: could be a quote in follow-ups
    ([1, 1, 1, 1, 1, 1], 0, False),  # one day: a story told over a day repeats itself
    ([1, 1, 2, 2, 3], 30, False),  # 5 of 35 pages: a sliver of a big site
])
def test_thresholds(days, others, furniture):
    table = FurnitureTable()
    table.learn(pages_of("a.example", days, APPEAL) + pages_of("a.example", [4] * others, "x" * 40, start=100), "r1")
    assert table.is_furniture("a.example", line_hash(APPEAL)) is furniture


def test_a_line_on_two_domains_is_syndication_not_furniture():
    table = FurnitureTable()
    table.learn(pages_of("a.example", [1, 1, 2, 2, 3], WIRE), "r1")
    assert table.is_furniture("a.example", line_hash(WIRE))
    table.learn(pages_of("b.example", [5], WIRE), "r2")  # known hash: stored even when seen once
    assert not table.is_furniture("a.example", line_hash(WIRE))


def test_state_round_trip_merges_counts_and_skips_refetched_pages():
    first = FurnitureTable()
    state1 = first.learn(pages_of("a.example", [1, 2, 3], APPEAL) + pages_of("a.example", [1], "a paragraph seen on one page only", start=50), "r1")
    assert state1[LINES_STATE].num_rows == 1  # the single-page line is not stored
    again = FurnitureTable.from_state([state1[LINES_STATE]], [state1[PAGES_STATE]])
    state2 = again.learn(pages_of("a.example", [3], APPEAL)  # page 0 again (re-fetched): not counted
                         + pages_of("a.example", [4, 5], APPEAL, start=10), "r2")
    assert state2[PAGES_STATE].num_rows == 2
    merged = FurnitureTable.from_state([state1[LINES_STATE], state2[LINES_STATE]],
                                       [state1[PAGES_STATE], state2[PAGES_STATE]])
    line = merged.lines[("a.example", line_hash(APPEAL))]
    assert (line.pages, line.first, line.last, line.text) == (5, dt.date(2026, 3, 1), dt.date(2026, 3, 5), APPEAL)
    assert merged.domain_pages["a.example"] == 6 and merged.is_furniture("a.example", line_hash(APPEAL))


def test_strip_is_blind_to_case_and_spacing_and_names_its_rule():
    table = FurnitureTable(FurnitureConfig(min_pages=2, min_span_days=0))
    table.learn(pages_of("a.example", [1, 1], APPEAL), "r1")
    text, removals = table.strip("a.example", f"Kept paragraph.\n{APPEAL.upper().replace(' ', '  ')}")
    assert text == "Kept paragraph." and [r.rule for r in removals] == [RULE]
    assert table.strip("b.example", APPEAL) == (APPEAL, []) and table.strip(None, APPEAL) == (APPEAL, [])


# -- end to end ---------------------------------------------------------------------------------


def test_ingest_learns_each_sites_furniture_and_keeps_quotes_and_wire_text(tmp_path):
    corpus = tmp_path / "corpus"
    first = [page(KESTREL, n, 1 + n % 3, APPEAL, *([QUOTE] if n in (1, 2) else []), *([NEWSLETTER] if n < 3 else []))
             for n in range(6)]
    first += [page(d, n, 1 + n % 3, WIRE) for d in (OTTER, HERON) for n in range(6)]
    manifest = run(corpus, first)
    assert manifest["exit_code"] == 0, manifest["errors"]

    kestrel = texts(corpus, KESTREL)
    assert len(kestrel) == 6
    assert not [r for r in kestrel.values() if APPEAL in r["text"]]  # on every page of one site: removed
    assert all({"rule": RULE, "chars": len(APPEAL)} in r["removals"] for r in kestrel.values())
    assert sum(QUOTE in r["text"] for r in kestrel.values()) == 2  # in two articles: stays
    assert sum(NEWSLETTER in r["text"] for r in kestrel.values()) == 3  # three pages: not yet furniture
    wire = [r for d in (OTTER, HERON) for r in texts(corpus, d).values()]
    assert len(wire) == 12 and all(WIRE in r["text"] for r in wire)  # on two sites: syndication, stays
    assert manifest["removals"][RULE] == {"count": 6, "chars": 6 * len(APPEAL)}
    assert manifest["furniture"]["lines_removed"] == 6

    # the next run counts into the stored table: the newsletter now stands on 6 pages over 4 days
    second = [page(KESTREL, n, 4, APPEAL, NEWSLETTER) for n in range(6, 9)]
    manifest = run(corpus, second)
    assert manifest["removals"][RULE]["count"] == 6
    new = [r for url, r in texts(corpus, KESTREL).items() if int(url.rsplit("-", 1)[1]) >= 6]
    assert len(new) == 3 and not [r for r in new if APPEAL in r["text"] or NEWSLETTER in r["text"]]
    table = FurnitureTable.from_state(read_state(corpus, LINES_STATE), read_state(corpus, PAGES_STATE))
    appeal = table.lines[(KESTREL, line_hash(APPEAL))]
    assert (appeal.pages, appeal.last) == (9, dt.date(2026, 3, 4))
    assert table.domain_pages == {KESTREL: 9, OTTER: 6, HERON: 6}
    assert len(list((corpus / "_state" / LINES_STATE).glob("*.parquet"))) == 2
    manifests = [json.loads(p.read_text()) for p in sorted((corpus / "_runs").glob("*.json"))]
    assert [m["furniture"]["pages_counted"] for m in manifests] == [18, 3]


def test_a_document_of_nothing_but_furniture_becomes_an_error_record(tmp_path):
    corpus = tmp_path / "corpus"
    run(corpus, [page(KESTREL, n, 1 + n % 3, APPEAL) for n in range(6)])
    bare = RawPage(f"mem://{KESTREL}/bare", f"Support the Chronicle\n\n{APPEAL}\n\nThank you.", "text", "test",
                   url=f"https://{KESTREL}/bare")
    manifest = run(corpus, [bare])
    assert manifest["exit_code"] == 3
    assert [(e["source_uri"], e["reason"]) for e in manifest["errors"]["examples"]] == [(bare.source_uri, "only_furniture")]
    assert manifest["counts"]["documents"] == 0
    assert manifest["health"]["domains"][KESTREL] | {"removed_share": None} == {
        "pages": 1, "empty_pages": 1, "empty_rate": 1.0, "docs": 0, "median_chars": None, "removed_share": None,
        "title_fill": None, "date_fill": None, "author_fill": None}
