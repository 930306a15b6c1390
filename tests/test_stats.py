"""``wirewash stats``: every figure equals a DuckDB query over the committed files.

Also home of :func:`sample_corpus`, the corpus the report, card and compaction tests share: three
runs over the bundled samples plus bad input, so partitions hold several files and the errors
dataset holds both file-input errors and errors of crawled URLs (which have a domain).
"""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from crawler.record import PageError, RawPage
from output.store import iter_manifests
from pipelines.config import RunConfig
from pipelines.run import ingest
from pipelines.stats import render, stats, to_json

SAMPLES = Path(__file__).parents[1] / "samples"
CRAWLED = "https://www.caddonbaytimes.example"
_built: dict[Path, Path] = {}


def sample_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared test corpus, built once per session; copy it before changing it."""
    base = tmp_path_factory.getbasetemp()
    if base not in _built:
        root = tmp_path_factory.mktemp("sample")
        bad = root / "bad"
        bad.mkdir()
        (bad / "feed.jsonl").write_text(
            json.dumps({"id": "menu-only", "url": "https://www.emptysite.example/a",
                        "html": "<html><body><nav><a href='/'>Home</a></nav></body></html>"}) + "\n{not json\n",
            encoding="utf-8")
        (bad / "scan.html").write_bytes(b"%PDF-1.7\n%binary\n")
        corpus = root / "corpus"
        config = RunConfig(workers=1)
        ingest([SAMPLES / "feeds", bad], corpus, config)
        ingest([SAMPLES / "html"], corpus, config)
        crawled = [  # as a crawl reports them: source_uri is the URL
            PageError(f"{CRAWLED}/gone", "fetch", "http_error", "HTTP 503"),
            RawPage(f"{CRAWLED}/blank", "<html><body><nav><a href='/'>Menu</a></nav></body></html>", "html", "site",
                    url=f"{CRAWLED}/blank"),
        ]
        ingest([SAMPLES / "text"], corpus, config, pages=crawled)
        _built[base] = corpus
    return _built[base]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return sample_corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def figures(corpus) -> dict:
    return json.loads(to_json(stats(corpus)))  # exactly what `stats --json` prints


def q(corpus: Path, sql: str) -> list[tuple]:
    """Run ``sql`` with views articles, duplicates, documents (both) and errors over the corpus files."""
    con = duckdb.connect()
    for name in ("articles", "duplicates", "errors"):
        con.execute(f"create view {name} as select * replace (crawl_date::varchar as crawl_date) from "
                    f"read_parquet('{corpus}/{name}/**/*.parquet', hive_partitioning = true)")
    host = r"nullif(regexp_replace(lower(regexp_extract({}, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/:?#]+)', 1)), '^www\.', ''), '')"
    con.execute(f"""create view documents as
        select *, coalesce({host.format('url')}, site, '(no url)') as domain from (
            select *, true as kept from articles
            union all by name select * exclude (duplicate_of, similarity, match), false as kept from duplicates)""")
    con.execute(f"create view errors_d as select *, {host.format('source_uri')} as domain from errors")
    return con.execute(sql).fetchall()


def test_the_sample_corpus_has_what_the_figures_need(corpus, figures):
    assert figures["datasets"]["articles"]["files"] > figures["datasets"]["articles"]["partitions"]
    assert figures["datasets"]["duplicates"]["rows"] > 0
    assert figures["errors"]["unattributed"] > 0 and figures["errors"]["total"] > figures["errors"]["unattributed"]


def check_counts(corpus: Path, figures: dict) -> None:
    """Per-day and per-domain counts, and the articles row count, equal DuckDB's."""
    per_day = q(corpus, """
        select crawl_date, count(*) filter (kept), count(*) filter (not kept), 0 from documents group by all
        union all select crawl_date, 0, 0, count(*) from errors group by all""")
    expected: dict[str, list[int]] = {}
    for day, *counts in per_day:
        expected[day] = [a + b for a, b in zip(expected.get(day, [0, 0, 0]), counts)]
    assert {r["crawl_date"]: [r["articles"], r["duplicates"], r["errors"]] for r in figures["per_day"]} == expected
    per_domain = q(corpus, "select domain, count(*) filter (kept), count(*) filter (not kept) from documents group by all")
    assert {(r["domain"], r["articles"], r["duplicates"]) for r in figures["per_domain"]} == set(per_domain)
    for name in ("articles", "duplicates", "errors"):
        assert figures["datasets"][name]["rows"] == q(corpus, f"select count(*) from {name}")[0][0], name
    assert figures["datasets"]["articles"]["rows"] == sum(r["articles"] for r in figures["per_day"])


def check_duplicates(corpus: Path, figures: dict) -> None:
    """Dropped copies by match, cluster sizes and the most copied stories equal DuckDB's."""
    dup = figures["duplicates"]
    assert dup["by_match"] == dict(q(corpus, "select match, count(*) from duplicates group by all"))
    sizes = q(corpus, "select n, count(*) from (select cluster_id, count(*) n from documents group by all) group by all")
    assert {(s["size"], s["clusters"]) for s in dup["cluster_sizes"]} == set(sizes)
    top = q(corpus, """select cluster_id, count(*), list(distinct domain order by domain) from documents
                       group by all having count(*) > 1 order by 2 desc, 1""")
    assert [(s["cluster_id"], s["copies"], s["domains"]) for s in dup["top_stories"]] == [tuple(t) for t in top]
    kept_titles = dict(q(corpus, "select doc_id, title from articles"))
    assert all(s["title"] == kept_titles[s["cluster_id"]] for s in dup["top_stories"])


def check_errors(corpus: Path, figures: dict) -> None:
    """Errors by stage and reason, and the unattributed count, equal DuckDB's."""
    errs = figures["errors"]
    assert {(e["stage"], e["reason"], e["count"]) for e in errs["by_stage_reason"]} == set(
        q(corpus, "select stage, reason, count(*) from errors group by all"))
    assert errs["unattributed"] == q(corpus, "select count(*) from errors_d where domain is null")[0][0]


def check_removals_and_health(corpus: Path, figures: dict) -> None:
    """Furniture removed per rule and the per-domain health figures equal DuckDB's."""
    removals = q(corpus, """select r.rule, count(*), sum(r.chars) from (select unnest(removals) r from documents)
                            group by all""")
    assert {(r["rule"], r["documents"], r["chars"]) for r in figures["removals"]} == set(removals)
    health = q(corpus, """select domain, count(*), median(text_chars),
                                 round(sum(chars_removed) / sum(chars_removed + text_chars), 4),
                                 round(avg((coalesce(length(title), 0) > 0)::int), 4),
                                 round(avg((published_at is not null)::int), 4),
                                 round(avg((coalesce(len(authors), 0) > 0)::int), 4)
                          from documents group by all""")
    got = {(h["domain"], h["documents"], h["median_text_chars"], h["share_removed"], h["title_fill"], h["date_fill"],
            h["author_fill"]) for h in figures["health"] if h["documents"]}
    assert got == set(health)


def check_runs(corpus: Path, figures: dict) -> None:
    """The run history is the committed manifests, oldest first."""
    manifests = list(iter_manifests(corpus))
    assert [r["run_id"] for r in figures["runs"]] == [m["run_id"] for m in manifests]
    assert [r["errors"] for r in figures["runs"]] == [m["errors"]["total"] for m in manifests]
    assert sum(r["articles_written"] for r in figures["runs"]) == figures["datasets"]["articles"]["rows"]


DUCKDB_CHECKS = (check_counts, check_duplicates, check_errors, check_removals_and_health, check_runs)


def test_counts_per_day_and_per_domain_equal_duckdb(corpus, figures):
    check_counts(corpus, figures)


def test_duplicate_figures_equal_duckdb(corpus, figures):
    check_duplicates(corpus, figures)


def test_error_figures_equal_duckdb(corpus, figures):
    check_errors(corpus, figures)
    crawled = next(h for h in figures["health"] if h["domain"] == "caddonbaytimes.example")
    assert (crawled["documents"], crawled["errors"]) == (1, 2)
    assert crawled["error_rate"] == round(2 / 3, 4) and crawled["empty_body_rate"] == round(1 / 3, 4)


def test_removals_and_health_equal_duckdb(corpus, figures):
    check_removals_and_health(corpus, figures)


def test_run_history_comes_from_the_manifests(corpus, figures):
    check_runs(corpus, figures)
    assert len(figures["runs"]) == 3


def test_terminal_rendering_shows_the_figures(figures):
    console = Console(record=True, width=200)
    render(figures, console)
    text = console.export_text()
    for needle in ("per day", "caddonbaytimes.example", "http_error", "cookie_banner", figures["runs"][0]["run_id"]):
        assert needle in text
