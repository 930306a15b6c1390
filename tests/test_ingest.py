"""End to end: ``wirewash ingest`` on the bundled samples and on bad input, read back by DuckDB and Polars."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipelines.cli import main

ROOT = Path(__file__).parents[1]
SAMPLES = ROOT / "samples"
AP_COPIES = {  # hand-listed in samples/README.md: one AP story republished four times
    "harbourledger-portugal-water-rationing", "midlandcourier-portugal-drought-cuts",
    "northgatepost-portugal-nightly-water-cuts", "feed-valleyrecord-portugal-water",
}
SAME_EVENT_OWN_WORDS = {"atlanticstandard-vila-serrada-dry-taps", "eurofront-portugal-almond-citrus-exports"}


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def articles(corpus: Path, dataset: str = "articles") -> list[dict]:
    con = duckdb.connect()
    rel = con.sql(f"select * from read_parquet('{corpus}/{dataset}/**/*.parquet', hive_partitioning=true)")
    return [dict(zip(rel.columns, row)) for row in rel.fetchall()]


def stem(uri: str) -> str:
    return Path(uri.split("#")[0]).name.split(".")[0]


def name_of(row: dict) -> str:
    uri = row["source_uri"]
    return _jsonl_id(uri) if "#line=" in uri else stem(uri)


def _jsonl_id(uri: str) -> str:
    path, line = uri.split("#line=")
    return json.loads(Path(path).read_text().splitlines()[int(line) - 1])["id"]


@pytest.fixture(scope="module")
def sample_corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    code, output = run_cli("ingest", str(SAMPLES), "--out", str(out), "--workers", "2")
    assert code == 0, output
    return out


def test_samples_collapse_the_wire_story_and_keep_other_reports(sample_corpus):
    kept = articles(sample_corpus)
    dups = articles(sample_corpus, "duplicates")
    assert len(kept) + len(dups) == 12
    assert {name_of(r) for r in dups} < AP_COPIES and len(dups) == 3
    reps = [r for r in kept if name_of(r) in AP_COPIES]
    assert len(reps) == 1
    rep = reps[0]
    assert {d["duplicate_of"] for d in dups} == {rep["doc_id"]}
    assert {d["cluster_id"] for d in dups} == {rep["cluster_id"]}
    assert all(d["match"] in {"exact", "near"} and 0 < d["similarity"] <= 1 for d in dups)
    # keep policy: earliest published, then longest text
    cluster = [rep, *dups]
    earliest = min(r["published_at"] for r in cluster)
    assert rep["published_at"] == earliest
    assert rep["text_chars"] == max(r["text_chars"] for r in cluster if r["published_at"] == earliest)
    others = [r for r in kept if name_of(r) in SAME_EVENT_OWN_WORDS]
    assert len(others) == 2 and len({r["cluster_id"] for r in others} | {rep["cluster_id"]}) == 3


def test_samples_are_clean_and_carry_metadata(sample_corpus):
    rows = {name_of(r): r for r in articles(sample_corpus) + articles(sample_corpus, "duplicates")}
    text = "\n".join(r["text"] for r in rows.values())
    for furniture in ("Download our app", "Leave a comment", "cookies", "Advertisement"):
        assert furniture not in text, furniture
    cp1252 = rows["baysidegazette-bakery-harbour-street-cp1252"]
    assert "Renée Glück" in cp1252["text"] and "\ufffd" not in cp1252["text"]
    assert rows["kreisbote-oberwendel-radbruecke"]["language"] == "de"
    assert rows["harbourledger-portugal-water-rationing"]["language"] == "en"
    assert rows["harbourledger-portugal-water-rationing"]["wire_source"] == "AP"
    assert all(r["chars_removed"] > 0 for r in rows.values())
    assert all(r["removals"] for r in rows.values())


def test_readers_agree_on_rows_and_types(sample_corpus):
    con = duckdb.connect()
    described = con.sql(f"describe select * from read_parquet('{sample_corpus}/articles/**/*.parquet', "
                        "hive_partitioning=true)").fetchall()
    types = {name: type_ for name, type_, *_ in described}
    assert types["published_at"] == "TIMESTAMP WITH TIME ZONE"
    assert types["crawl_date"] == "DATE"
    assert types["authors"] == "VARCHAR[]"
    frame = pl.scan_parquet(f"{sample_corpus}/articles/**/*.parquet", hive_partitioning=True).collect()
    assert frame.height == len(articles(sample_corpus))
    assert frame.schema["published_at"] == pl.Datetime("us", "UTC")
    assert frame.schema["crawl_date"] == pl.Date


def test_manifest_records_the_run(sample_corpus):
    manifest = json.loads(next((sample_corpus / "_runs").glob("*.json")).read_text())
    assert manifest["counts"]["documents"] == 12
    assert manifest["counts"]["articles_written"] == 9
    assert manifest["errors"]["total"] == 0
    assert manifest["removals"] and all(v["chars"] > 0 for v in manifest["removals"].values())
    assert {"trafilatura", "datasketch", "pyarrow"} <= set(manifest["versions"])
    assert manifest["config"]["dedup"]["num_perm"] > 0
    assert set(manifest["timings"]) >= {"load_clean_s", "furniture_s", "dedup_s", "write_s"}
    health = manifest["health"]["domains"]
    assert health["midlandcourier.example"]["pages"] == 2 and health["harbourledger.example"]["title_fill"] == 1.0
    assert sum(d["docs"] for d in health.values()) == 11  # the plain-text page names no site
    assert manifest["furniture"]["pages_counted"] == 11
    assert manifest["furniture"]["lines_removed"] == 0 and "learned_furniture" not in manifest["removals"]


def test_second_run_skips_known_inputs_and_links_new_copies_to_the_first(sample_corpus, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(sample_corpus, corpus)
    before = articles(corpus)
    code, _ = run_cli("ingest", str(SAMPLES), "--out", str(corpus), "--workers", "1")
    assert code == 0
    assert len(articles(corpus)) == len(before)
    runs = sorted((corpus / "_runs").glob("*.json"))
    assert json.loads(runs[-1].read_text())["counts"]["inputs_skipped_known"] == 10  # 8 html + 1 txt + 1 jsonl

    fifth = tmp_path / "new" / "fifthoutlet-water.html"
    fifth.parent.mkdir()
    page = (SAMPLES / "html" / "midlandcourier-portugal-drought-cuts.html").read_text(encoding="utf-8")
    fifth.write_text(page.replace("Midland Courier", "Fifth Outlet Weekly"), encoding="utf-8")
    code, _ = run_cli("ingest", str(fifth.parent), "--out", str(corpus), "--workers", "1")
    assert code == 0
    rep = next(r for r in before if name_of(r) in AP_COPIES)
    new = [d for d in articles(corpus, "duplicates") if "fifthoutlet" in d["source_uri"]]
    assert len(new) == 1
    assert new[0]["duplicate_of"] == rep["doc_id"] and new[0]["cluster_id"] == rep["cluster_id"]
    schemas = {pq.read_schema(p) for p in (corpus / "duplicates").rglob("*.parquet")}
    assert len({s.to_string() for s in schemas}) == 1


def test_bad_input_becomes_error_records_and_the_run_finishes(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    good = (SAMPLES / "html" / "atlanticstandard-vila-serrada-dry-taps.html").read_bytes()
    (inputs / "good.html").write_bytes(good)
    (inputs / "binary.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (inputs / "empty.html").write_bytes(b"")
    (inputs / "broken.html").write_bytes(b"<html><body><div><p>unclosed <b>tags <table><tr><td>" * 50)
    (inputs / "undecodable.html").write_bytes(good.replace(b"</p>", b" \xff\xfe\xfa broken bytes</p>", 1))
    with open(inputs / "huge.html", "wb") as f:
        f.write(b"<html><body>" + b"<p>" + b"x" * (50 * 1024 * 1024) + b"</p></body></html>")
    (inputs / "feed.jsonl").write_text('{"id": "a", "text": "' + "A plain sentence about nothing. " * 20 + '"}\n'
                                       '{"id": "b", "html": \n not json at all\n', encoding="utf-8")
    corpus = tmp_path / "corpus"
    code, output = run_cli("ingest", str(inputs), "--out", str(corpus), "--workers", "1")
    assert code == 3, output  # committed, but with errors: a scheduler can tell
    errors = [(stem(r["source_uri"]), r["stage"], r["reason"]) for r in articles(corpus, "errors")]
    assert ("binary", "load", "binary") in errors
    assert ("empty", "load", "empty") in errors
    assert ("huge", "load", "too_large") in errors
    assert sum(1 for e in errors if e[0] == "feed" and e[2] == "bad_json") == 2
    names = {stem(r["source_uri"]) for r in articles(corpus) + articles(corpus, "duplicates")}
    assert {"good", "undecodable"} <= names


def test_clean_command_explains_and_writes_one_file_per_page(tmp_path):
    txt = SAMPLES / "text" / "nordvik-kveldstad-battery-plant-delay.txt"
    code, output = run_cli("clean", str(txt), "--explain")
    assert code == 0
    assert "[copyright]" in output and "[title_repeat]" in output
    assert "Related Articles" in output.split("-- removed")[1]  # shown as removed, not as kept text
    code, _ = run_cli("clean", str(txt), str(SAMPLES / "feeds" / "items.jsonl"), "--out", str(tmp_path))
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["nordvik-kveldstad-battery-plant-delay.txt", "feed-caddon-ferry-fares.txt",
         "feed-valleyrecord-portugal-water.txt", "feed-brannock-library-reopens.txt"])
    assert "Related Articles" not in (tmp_path / "nordvik-kveldstad-battery-plant-delay.txt").read_text()


def test_a_run_killed_midway_commits_nothing_and_the_next_run_completes(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(60):
        shutil.copy(SAMPLES / "html" / "atlanticstandard-vila-serrada-dry-taps.html", inputs / f"p{i:03d}.html")
        (inputs / f"p{i:03d}.html").write_text((inputs / f"p{i:03d}.html").read_text().replace("</p>", f" {i}</p>", 1))
    corpus = tmp_path / "corpus"
    cmd = [sys.executable, "-m", "pipelines.cli", "ingest", str(inputs), "--out", str(corpus), "--workers", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    visible = list((corpus / "articles").rglob("*")) if (corpus / "articles").exists() else []
    assert not [p for p in visible if p.is_file()] or (corpus / "_runs").exists()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = articles(corpus) + articles(corpus, "duplicates")
    assert len(rows) == 60 and len({r["doc_id"] for r in rows}) == 60
    assert not list(corpus.rglob(".*.tmp")) and not (corpus / "_staging").exists() or not any((corpus / "_staging").iterdir())


SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed pages not found at {SEEDS} (../shared is absent)")
def test_ingesting_the_seeds_keeps_four_reports_of_one_event_and_splits_the_tag_page(tmp_path):
    expectations = json.loads((SEEDS / "expectations.json").read_text())["files"]
    code, output = run_cli("ingest", str(SEEDS), "--out", str(tmp_path / "corpus"), "--workers", "2")
    assert code == 0, output
    kept = articles(tmp_path / "corpus")
    assert not (tmp_path / "corpus" / "duplicates").exists()  # none of 000-003 merged, no article of 004 either
    by_file: dict[str, list[dict]] = {}
    for row in sorted(kept, key=lambda r: r["part"]):
        by_file.setdefault(Path(row["source_uri"]).name, []).append(row)
    for name, exp in expectations.items():
        rows = by_file[name]
        titles = [r["title"] for r in rows]
        assert titles == exp.get("article_titles", [exp.get("title")]), name
        text = " ".join(" ".join(r["text"].split()) for r in rows)
        assert all(" ".join(s.split()) in text for s in exp["must_keep"]), name
        assert not [s for s in exp["must_drop"] if " ".join(s.split()) in text], name
    assert by_file["000_872bf22b5036eed3.txt"][0]["wire_source"] == "AFP"


def test_an_overlapping_run_exits_75_and_touches_nothing(tmp_path):
    from output.lock import corpus_lock

    corpus = tmp_path / "corpus"
    with corpus_lock(corpus):
        code, output = run_cli("ingest", str(SAMPLES / "text"), "--out", str(corpus), "--workers", "1")
    assert code == 75
    assert "locked by another wirewash run" in " ".join(output.split())
    assert not (corpus / "_runs").exists() and not (corpus / "articles").exists()


def test_with_a_retention_window_a_changed_old_page_is_still_known_and_not_added_twice(tmp_path):
    """With retention the dedup index holds only the window (the samples are older than one day),
    yet a re-fetched page whose document is already in the corpus must not get a second row."""
    inputs, corpus, config = tmp_path / "in", tmp_path / "corpus", tmp_path / "wirewash.toml"
    shutil.copytree(SAMPLES / "html", inputs)
    config.write_text("[dedup]\nretention_days = 1\n", encoding="utf-8")
    assert run_cli("ingest", str(inputs), "--out", str(corpus), "--workers", "1", "--config", str(config))[0] == 0
    rows = len(articles(corpus)) + len(articles(corpus, "duplicates"))
    page = inputs / "midlandcourier-portugal-drought-cuts.html"
    page.write_text(page.read_text(encoding="utf-8") + "\n<!-- fetched again -->\n", encoding="utf-8")
    assert run_cli("ingest", str(inputs), "--out", str(corpus), "--workers", "1", "--config", str(config))[0] == 0
    counts = json.loads(sorted((corpus / "_runs").glob("*.json"))[-1].read_text())["counts"]
    assert counts["docs_skipped_known"] == 1 and counts.get("documents", 0) == 0
    ids = [r["doc_id"] for r in articles(corpus) + articles(corpus, "duplicates")]
    assert len(ids) == rows == len(set(ids))
