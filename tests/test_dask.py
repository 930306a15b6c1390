"""The Dask engine (``pipelines.engine_dask``) against the single-process clean stage.

Every test runs on a real 2-worker LocalCluster (processes, 127.0.0.1, no dashboard): results
must equal ``clean_stream(iter_pages(...))`` item for item, an ingest through the engine must
write the same rows and counts, and a worker killed mid-run must cost no row and duplicate none.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
from io import BytesIO
from itertools import chain
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
import dask

from cleaners.config import CleanConfig
from crawler.loaders import iter_pages
from crawler.loaders.warc import load_warc
from crawler.record import PageError, RawPage
from pipelines.clean import Cleaned, clean_stream
from pipelines.config import Engine, RunConfig, parse_engine
from pipelines.engine_dask import dask_clean_stream, dask_client, warc_ranges

SAMPLES = Path(__file__).parents[1] / "samples"
CONFIG = CleanConfig()
CRASH_MARK = "WIREWASH-TEST-CRASH-THE-WORKER"


def write_warc(path: Path, pages: list[tuple[str, str]], *, gz: bool) -> Path:
    """request + response per page, plus one image response (skipped by the loader)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "wirewash tests"}))
        for i, (url, body) in enumerate(pages):
            request = BytesIO(f"GET {url} HTTP/1.1\r\n\r\n".encode())
            writer.write_record(writer.create_warc_record(url, "request", payload=request))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=BytesIO(body.encode()), http_headers=headers,
                warc_headers_dict={"WARC-Date": f"2026-11-0{1 + i % 9}T10:00:00Z"}))
            if i == 3:
                png = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record(
                    url + ".png", "response", payload=BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(64)), http_headers=png))
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Samples, generated news pages as .warc.gz / .warc (one cut off), a JSONL with a bad line."""
    from benchmarks.htmlgen import make_articles, make_pages

    root = tmp_path_factory.mktemp("inputs")
    shutil.copytree(SAMPLES, root / "samples")
    pages = make_pages(make_articles(44, seed=3), seed=3)
    write_warc(root / "a-news.warc.gz", pages[:24], gz=True)
    plain = write_warc(root / "b-news.warc", pages[24:36], gz=False)
    cut = root / "c-cut.warc"
    cut.write_bytes(plain.read_bytes()[:-300])
    lines = [json.dumps({"id": f"j{i}", "url": url, "html": body}) for i, (url, body) in enumerate(pages[36:])]
    lines.insert(3, "{not json")
    (root / "d-feed.jsonl").write_text("\n".join(lines) + "\n")
    return root


@pytest.fixture(scope="module")
def client():
    with dask_client(workers=2) as c:
        yield c


def single(inputs) -> list:
    return list(clean_stream(iter_pages(inputs), CONFIG, 1))


@pytest.fixture(scope="module")
def baseline(corpus) -> list:
    return single([corpus])


def test_parse_engine():
    assert parse_engine(None) == parse_engine("local") == Engine("local")
    assert parse_engine("dask") == Engine("dask", None)
    assert parse_engine("dask=tcp://127.0.0.1:8786") == Engine("dask", "tcp://127.0.0.1:8786")
    for bad in ("dask=", "spark", "Dask"):
        with pytest.raises(ValueError):
            parse_engine(bad)


@pytest.mark.parametrize("name", ["a-news.warc.gz", "b-news.warc", "c-cut.warc"])
def test_warc_ranges_load_what_the_whole_file_loads(corpus, name):
    path = corpus / name
    whole = list(load_warc(path, max_bytes=20_000_000))
    ranges = list(warc_ranges(path, 5))
    assert len(ranges) > 1 and ranges[-1].end is None
    assert [item for r in ranges for item in r.load(20_000_000)] == whole
    if name == "c-cut.warc":
        assert whole[-1].reason == "corrupt"


def test_same_results_as_single_process(client, corpus, baseline):
    kinds = {type(r).__name__ for r in baseline} | {r.reason for r in baseline if isinstance(r, PageError)}
    assert {"Cleaned", "PageError", "bad_json", "corrupt"} <= kinds
    # defaults (files grouped; nothing here is big enough to split) and forced splitting
    assert list(dask_clean_stream([corpus], CONFIG, client=client)) == baseline
    split = list(dask_clean_stream([corpus], CONFIG, client=client, pages_per_task=3, split_bytes=1))
    assert split == baseline


def test_paths_and_loaded_pages_mixed(client, corpus):
    extra = [RawPage(f"crawl://{i}", f"<html><body><article><h1>T{i}</h1><p>{'Some news text here. ' * 30}</p>"
                     f"</article></body></html>", "html", "spider", url=f"https://e.example/{i}") for i in range(5)]
    extra.insert(2, PageError("crawl://bad", "fetch", "http_error", "503"))
    inputs = [corpus / "b-news.warc", *extra, SAMPLES / "html", corpus / "missing.html"]
    expected = list(clean_stream(chain(iter_pages([inputs[0]]), extra, iter_pages(inputs[-2:])), CONFIG, 1))
    assert list(dask_clean_stream(inputs, CONFIG, client=client, pages_per_task=2, split_bytes=1)) == expected
    assert expected[-1].reason == "unreadable"


def test_without_bodies_only_the_bodies_differ(client, corpus, baseline):
    got = list(dask_clean_stream([corpus], CONFIG, client=client, keep_bodies=False, split_bytes=1))
    assert [r.page.body for r in got if isinstance(r, Cleaned)] == [""] * sum(isinstance(r, Cleaned) for r in baseline)
    stripped = [Cleaned(r.page.__class__(**{**_fields(r.page), "body": ""}), r.docs) if isinstance(r, Cleaned) else r
                for r in baseline]
    assert got == stripped


def _fields(page: RawPage) -> dict:
    return {name: getattr(page, name) for name in page.__slots__}


# --- ingest through the engine setting -------------------------------------------------------

def _rows(corpus_dir: Path, dataset: str) -> list[dict]:
    import duckdb

    rel = duckdb.connect().sql(f"select * from read_parquet('{corpus_dir}/{dataset}/**/*.parquet', hive_partitioning=true)")
    drop = {"run_id", "at"}
    rows = [{k: v for k, v in zip(rel.columns, row) if k not in drop} for row in rel.fetchall()]
    return sorted(rows, key=lambda r: (r["source_uri"], r.get("part") or 0, r.get("reason") or ""))


def test_ingest_through_dask_writes_what_single_process_writes(client, corpus, tmp_path):
    from pipelines.run import ingest

    single_out, dask_out = tmp_path / "single", tmp_path / "dask"
    expected = ingest([corpus], single_out, RunConfig(workers=1))
    got = ingest([corpus], dask_out, RunConfig(workers=2, engine=f"dask={client.scheduler.address}"))
    assert got["counts"] == expected["counts"]
    assert expected["counts"]["near_duplicates"] + expected["counts"].get("exact_duplicates", 0) > 0
    for key in set(expected) - {"run_id", "started_at", "finished_at", "timings", "inputs", "recovered", "config"}:
        assert got[key] == expected[key], key
    assert [i["fingerprint"] for i in got["inputs"]["ingested"]] == [i["fingerprint"] for i in expected["inputs"]["ingested"]]
    for dataset in ("articles", "duplicates", "errors"):
        assert _rows(dask_out, dataset) == _rows(single_out, dataset), dataset


# --- failures ----------------------------------------------------------------------------------

def test_a_killed_worker_loses_and_duplicates_nothing(corpus, baseline):
    """SIGKILL a worker while it runs a task: its tasks are rerun elsewhere, results stay exact."""
    with dask_client(workers=2) as c:
        results, killed = [], None
        for result in dask_clean_stream([corpus], CONFIG, client=c, pages_per_task=2, split_bytes=1):
            results.append(result)
            if len(results) == 4:
                busy = [w for w, keys in c.processing().items() if keys]
                assert busy, "no task in flight to lose"
                pid = c.run(os.getpid, workers=[busy[0]])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed = (busy[0], pid)
        assert killed is not None
        assert results == baseline
        cleaned = [r.page.source_uri for r in results if isinstance(r, Cleaned)]
        assert len(cleaned) == len(set(cleaned)) > 40
        c.wait_for_workers(2, timeout=60)
        assert killed[1] not in c.run(os.getpid).values()  # the nanny replaced the killed process


class CrashOnMark(distributed.WorkerPlugin):
    """Makes a worker's cleaner die (as a C-level crash would) on a page holding CRASH_MARK."""

    name = "wirewash-test-crash-on-mark"

    def setup(self, worker) -> None:
        import pipelines.engine_dask as engine

        real = engine.clean_one

        def clean_one(page, config):
            if CRASH_MARK in page.body:
                os._exit(70)
            return real(page, config)

        engine.clean_one = clean_one


def test_a_page_that_kills_its_worker_becomes_worker_crashed(tmp_path):
    pages = [tmp_path / f"p{i}.html" for i in range(6)]
    for i, path in enumerate(pages):
        mark = CRASH_MARK if i == 2 else ""
        path.write_text(f"<html><body><article><h1>Title {i}</h1><p>{mark} {'Plenty of words for a story. ' * 20}"
                        f"</p></article></body></html>")
    expected = single([tmp_path])
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), dask_client(workers=2) as c:
        c.register_plugin(CrashOnMark())
        got = list(dask_clean_stream([tmp_path], CONFIG, client=c, pages_per_task=3))
    assert got[2] == PageError(str(pages[2]), "clean", "worker_crashed", "the cleaner process died on this page")
    assert got[:2] + got[3:] == expected[:2] + expected[3:]
