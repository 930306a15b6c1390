"""One clock: a run pinned to a moment is pinned everywhere (run id, times, the day of undated rows)."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from pipelines.clock import OFFSET_ENV, utc_now
from pipelines.config import RunConfig
from pipelines.run import ingest

MOMENT = dt.datetime(2029, 2, 3, 4, 5, 6, tzinfo=dt.UTC)


def test_the_offset_moves_the_clock_and_a_bad_offset_is_named(monkeypatch):
    monkeypatch.setenv(OFFSET_ENV, str(86400 * 1000))
    assert utc_now() - dt.datetime.now(dt.UTC) > dt.timedelta(days=999)
    monkeypatch.setenv(OFFSET_ENV, "next tuesday")
    with pytest.raises(ValueError, match=OFFSET_ENV):
        utc_now()


def test_a_run_at_a_given_moment_is_dated_by_it(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.jsonl").write_text("{not json\n", encoding="utf-8")  # an error row: filed under the run's day
    manifest = ingest([tmp_path / "in"], tmp_path / "corpus", RunConfig(workers=1), now=MOMENT)
    assert manifest["run_id"].startswith("20290203T040506")
    assert manifest["started_at"] == MOMENT.isoformat()
    assert dt.timedelta(0) <= dt.datetime.fromisoformat(manifest["finished_at"]) - MOMENT < dt.timedelta(minutes=5)
    assert [p.name for p in (tmp_path / "corpus" / "errors").iterdir()] == ["crawl_date=2029-02-03"]
    card = (tmp_path / "corpus" / "README.md").read_text(encoding="utf-8")
    assert "last updated 2029-02-03 04:" in card
    saved = json.loads((tmp_path / "corpus" / "_runs" / f"{manifest['run_id']}.json").read_text(encoding="utf-8"))
    assert saved["started_at"] == MOMENT.isoformat()


def test_only_the_clock_module_reads_the_wall_clock_for_a_result():
    """A new ``datetime.now()`` elsewhere would let a result depend on the day the code runs, which
    the pinned clock and the calendar guard in .ci/run cannot see. Two exceptions read real time
    for what it is: a WARC record's WARC-Date is when the bytes were fetched (a fact), and the
    shared frontier's heartbeats compare moments of processes on several machines (an elapsed time)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    reads = re.compile(r"\b(?:datetime\.now|datetime\.utcnow|date\.today|time\.time)\(")
    allowed = {Path("pipelines/clock.py"), Path("crawler/archive.py"), Path("crawler/frontier.py")}
    found = [f"{path.relative_to(root)}:{n}" for package in ("crawler", "cleaners", "pipelines", "output")
             for path in sorted((root / package).rglob("*.py")) if path.relative_to(root) not in allowed
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if reads.search(line)]
    assert not found, f"wall-clock reads outside pipelines/clock.py: {found}"
