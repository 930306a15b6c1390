"""The Parquet sink: explicit schema, atomic commits, recovery after a kill, one run at a time."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from output.lock import CorpusLocked, corpus_lock
from output.schema import ARTICLES, ERRORS, to_table
from output.store import RunWriter, iter_manifests, read_state, recover

UTC = dt.timezone.utc


def _row(i: int, run_id: str = "r1") -> dict:
    return {
        "doc_id": f"d{i:04d}", "cluster_id": f"d{i:04d}", "source_uri": f"/in/{i}.html", "text": f"text {i}",
        "text_chars": 6, "chars_removed": 0, "part": 0, "run_id": run_id,
        "published_at": dt.datetime(2026, 11, 20, 8, 15, 0, 123456, tzinfo=UTC),
        "authors": ["A. Writer"], "removals": [{"rule": "cookie_banner", "chars": 42}],
    }


def test_schema_has_no_unsigned_or_nanosecond_types():
    for field in ARTICLES:
        t = field.type
        assert not pa.types.is_unsigned_integer(t), field.name
        if pa.types.is_timestamp(t):
            assert t.unit == "us" and t.tz == "UTC", field.name


def test_to_table_names_the_bad_row_and_column():
    bad = _row(7) | {"text_chars": "many"}
    with pytest.raises(ValueError, match=r"text_chars.*d0007"):
        to_table([_row(1), bad], ARTICLES)


def test_commit_makes_files_visible_with_exact_schema(tmp_path):
    w = RunWriter(tmp_path, "r1")
    w.add_rows("articles", to_table([_row(i) for i in range(3)], ARTICLES), "2026-11-20")
    w.add_state("dedup", pa.table({"x": [1, 2]}))
    assert not (tmp_path / "articles").exists()  # nothing visible before the commit
    w.commit({"run_id": "r1"})
    table = ds.dataset(tmp_path / "articles", partitioning="hive", format="parquet").to_table()
    assert table.num_rows == 3
    assert table.schema.field("published_at").type == pa.timestamp("us", tz="UTC")
    assert table.column("published_at")[0].as_py().microsecond == 123456
    assert [m["run_id"] for m in iter_manifests(tmp_path)] == ["r1"]
    assert [t.num_rows for t in read_state(tmp_path, "dedup")] == [2]
    assert not (tmp_path / "_staging" / "r1").exists()


def test_writer_refuses_a_table_in_another_schema(tmp_path):
    w = RunWriter(tmp_path, "r1")
    with pytest.raises(ValueError, match="articles"):
        w.add_rows("articles", pa.table({"doc_id": ["x"]}), "2026-11-20")


def test_recover_discards_a_run_killed_before_its_journal(tmp_path):
    w = RunWriter(tmp_path, "dead")
    w.add_rows("articles", to_table([_row(1)], ARTICLES), "2026-11-20")
    assert recover(tmp_path) == ["discarded the uncommitted files of interrupted run dead"]
    assert not (tmp_path / "articles").exists() and not list(iter_manifests(tmp_path))


def test_recover_completes_a_run_killed_after_its_journal(tmp_path):
    w = RunWriter(tmp_path, "half")
    w.add_rows("articles", to_table([_row(1)], ARTICLES), "2026-11-20")
    w.add_rows("errors", to_table([{"source_uri": "x", "stage": "load", "reason": "binary", "run_id": "half",
                                     "at": dt.datetime.now(UTC)}], ERRORS), "2026-11-20")
    # simulate a kill after the journal and the first rename
    manifest_rel = "_runs/half.json"
    (w.stage / "_runs").mkdir(parents=True)
    (w.stage / manifest_rel).write_text('{"run_id": "half"}')
    (w.stage / "COMMIT.json").write_text(json.dumps({"run_id": "half", "files": [*w.files, manifest_rel]}))
    first = w.files[0]
    (tmp_path / first).parent.mkdir(parents=True)
    os.replace(w.stage / first, tmp_path / first)
    assert recover(tmp_path) == ["completed the commit of interrupted run half"]
    assert all((tmp_path / rel).exists() for rel in w.files)
    assert [m["run_id"] for m in iter_manifests(tmp_path)] == ["half"]


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, datetime as dt
    from pathlib import Path
    from output.schema import ARTICLES, to_table
    from output.store import RunWriter
    root = Path(sys.argv[1])
    rows = [{"doc_id": f"d{i}", "cluster_id": f"d{i}", "source_uri": "u", "text": "x" * 2000, "text_chars": 2000,
             "chars_removed": 0, "part": 0, "run_id": "k"} for i in range(4000)]
    for n in range(40):
        w = RunWriter(root, f"k{n:03d}")
        for p in range(5):
            w.add_rows("articles", to_table(rows, ARTICLES), f"2026-11-{p + 1:02d}")
        w.commit({"run_id": f"k{n:03d}"})
    """
)


@pytest.mark.parametrize("delay", [0.6, 1.1, 1.7])
def test_sigkill_mid_write_leaves_no_partial_or_uncommitted_file_visible(tmp_path, delay):
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(tmp_path)], cwd=Path(__file__).parents[1])
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    recover(tmp_path)
    committed = {m["run_id"] for m in iter_manifests(tmp_path)}
    visible = list((tmp_path / "articles").rglob("*")) if (tmp_path / "articles").exists() else []
    files = [p for p in visible if p.is_file()]
    assert all(p.suffix == ".parquet" and not p.name.startswith(".") for p in files)
    runs_on_disk = {p.name.split("-")[1] for p in files}
    assert runs_on_disk == committed  # every visible file belongs to a committed run, and vice versa
    if files:
        assert ds.dataset(tmp_path / "articles", partitioning="hive").count_rows() == 4000 * 5 * len(committed)


def test_lock_refuses_a_second_holder_and_frees_on_exit(tmp_path):
    with corpus_lock(tmp_path):
        with pytest.raises(CorpusLocked, match=str(os.getpid())):
            with corpus_lock(tmp_path):
                pass
    with corpus_lock(tmp_path):
        pass
