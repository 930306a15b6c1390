"""The analysts' side, end to end on the demo corpus, through the ``wirewash`` command line.

The corpus: ``demo(second_wave=True)`` (two crawls of the bundled mini news web, the second
finding new pages and a fourth outlet's copy of the AP story), then a third run, an ``ingest``
of the crawls' own WARCs (every record already known) plus a WARC cut off mid-record and a
binary file posing as HTML, so the errors dataset and its chart have something to show. On it:
``report`` renders in headless Chromium with every chart drawn; ``stats --json`` figures equal
DuckDB queries over the files; ``compact`` keeps the rows and doc ids and drops the file count.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_compact import snapshot
from test_report import CHARTS, SECTIONS, assert_every_chart_draws
from test_stats import DUCKDB_CHECKS, q

from output.card import dataset_files
from output.schema import DATASETS
from pipelines.cli import main
from pipelines.config import RunConfig
from pipelines.demo import demo
from pipelines.run import ingest


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The demo corpus after three runs (two crawls, one ingest); copy it before changing it."""
    out = tmp_path_factory.mktemp("demo") / "corpus"
    config = RunConfig(workers=1)
    crawls = demo(out, config, second_wave=True)
    assert [m["exit_code"] for m in crawls] == [0, 0]
    bad = out.parent / "bad"
    bad.mkdir()
    warc = sorted((out / "_raw").glob("*.warc.gz"))[-1].read_bytes()
    (bad / "cut.warc.gz").write_bytes(warc[: len(warc) // 2])
    (bad / "scan.html").write_bytes(b"%PDF-1.7\n%binary\n")
    third = ingest([out / "_raw", bad], out, config)
    known = third["counts"].get("docs_skipped_known", 0) + third["counts"].get("inputs_skipped_known", 0)
    assert third["exit_code"] == 3 and known > 0  # the archive was ingested already; committed, with error records
    return out


def cli(*args: str) -> str:
    """Run ``wirewash ARGS`` in-process; returns what it printed on stdout."""
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def stats_json(corpus: Path) -> dict:
    return json.loads(cli("stats", "--json", str(corpus)))


def doc_ids(corpus: Path) -> dict[str, list[str]]:
    return {name: sorted(i for (i,) in q(corpus, f"select doc_id from {name}")) for name in ("articles", "duplicates")}


def test_the_demo_corpus_has_what_the_figures_need(corpus):
    figures = stats_json(corpus)
    assert [r["command"] for r in figures["runs"]] == ["crawl", "crawl", "ingest"]
    d = figures["datasets"]
    assert d["articles"]["files"] > d["articles"]["partitions"] and d["duplicates"]["rows"] > 0
    assert d["errors"]["rows"] > 0 and figures["duplicates"]["top_stories"][0]["copies"] >= 4  # the AP story


def test_stats_json_equals_duckdb(corpus):
    figures = stats_json(corpus)
    assert figures["corpus"] == str(corpus.resolve())
    for check in DUCKDB_CHECKS:
        check(corpus, figures)


def test_report_renders_every_chart_in_headless_chromium(corpus, tmp_path):
    page = tmp_path / "report.html"
    cli("report", str(corpus), "--out", str(page))
    html = page.read_text(encoding="utf-8")
    assert all(f"<h2>{title}</h2>" in html for title in SECTIONS) and html.count("<svg") == CHARTS
    assert_every_chart_draws(page, tmp_path, CHARTS)


def test_compact_keeps_rows_and_doc_ids_and_drops_files(corpus, tmp_path):
    copy = tmp_path / "corpus"
    shutil.copytree(corpus, copy)
    before, ids, figures = snapshot(copy), doc_ids(copy), stats_json(copy)
    files = sum(len(dataset_files(copy, d)) for d in DATASETS)
    cli("compact", str(copy))
    assert sum(len(dataset_files(copy, d)) for d in DATASETS) < files
    assert doc_ids(copy) == ids and sum(map(len, ids.values())) == (
        figures["datasets"]["articles"]["rows"] + figures["datasets"]["duplicates"]["rows"])
    assert snapshot(copy) == before  # every row of every dataset, not only the counts
    after = stats_json(copy)
    assert {d: c["rows"] for d, c in after["datasets"].items()} == {d: c["rows"] for d, c in figures["datasets"].items()}
    for key in ("per_day", "per_domain", "duplicates", "removals", "health", "errors", "runs"):
        assert after[key] == figures[key], key  # compaction changes no figure, only the file count
