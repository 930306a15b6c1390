"""The dedup stage on synthetic stories: what must collapse, what must stay apart, and runs over time."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from benchmarks.corpusgen import make_corpus, make_followup, make_story, make_template_lookalike, make_variant
from pipelines.dedup import INDEX_SCHEMA, DedupConfig, DedupIndex, DedupInput, DedupOutcome, deduplicate
from pipelines.shingles import tokenize_batch

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def run(docs: list[DedupInput], index: DedupIndex | None = None, now: datetime = T0, **config) -> dict[str, DedupOutcome]:
    outcomes, _ = deduplicate(docs, index or DedupIndex.empty(), DedupConfig(**config), now=now)
    return {o.doc_id: o for o in outcomes}


def clusters(outcomes: dict[str, DedupOutcome]) -> set[frozenset[str]]:
    grouped: dict[str, set[str]] = {}
    for o in outcomes.values():
        grouped.setdefault(o.cluster_id, set()).add(o.doc_id)
    return {frozenset(members) for members in grouped.values()}


def story(seed: int = 1):
    return make_story(random.Random(seed), f"story-{seed}")


def test_exact_copies_collapse_across_typography_and_whitespace():
    text = story().text
    retyped = (
        text.replace('"', "\u201c", 1).replace("\u2014", "-").replace(" the ", " the\u00a0", 3)
        .replace("\n\n", "\n \n").replace(".", ".\u200b", 2)
    )
    assert retyped != text
    out = run([
        DedupInput("a", text, hours(0)),
        DedupInput("b", retyped, hours(1)),
        DedupInput("c", "  " + text.upper().replace(" ", "   ") + "\n", hours(2)),
    ])
    assert clusters(out) == {frozenset("abc")}
    assert out["a"] == DedupOutcome("a", "a", True, None, None, None)
    for doc_id in "bc":
        assert (out[doc_id].kept, out[doc_id].duplicate_of, out[doc_id].match) == (False, "a", "exact")
        assert out[doc_id].similarity == 1.0


def test_light_and_medium_variants_collapse_and_the_earliest_is_kept():
    source = story(2)
    rng = random.Random(2)
    docs = [DedupInput("z-wire", source.text, hours(0))]
    docs += [DedupInput(f"light-{n}", make_variant(rng, source, "light"), hours(1 + n)) for n in range(4)]
    docs += [DedupInput(f"medium-{n}", make_variant(rng, source, "medium"), hours(5 + n)) for n in range(4)]
    out = run(docs)
    assert clusters(out) == {frozenset(d.doc_id for d in docs)}
    assert [o.doc_id for o in out.values() if o.kept] == ["z-wire"]  # earliest, despite the largest id
    for o in out.values():
        if not o.kept:
            assert (o.cluster_id, o.duplicate_of, o.match) == ("z-wire", "z-wire", "near")
            assert 0.0 < o.similarity < 1.0


def _wire_and_truncated_copy(wire_at: datetime | None, copy_at: datetime | None) -> list[DedupInput]:
    source = story(3)
    paragraphs = source.text.split("\n\n")
    truncated = "\n\n".join(paragraphs[: len(paragraphs) * 3 // 5])
    return [DedupInput("b-wire", source.text, wire_at), DedupInput("a-short", truncated, copy_at)]


def test_keep_policy_earliest_then_longest_then_smallest_id():
    # Earliest wins even when shorter.
    out = run(_wire_and_truncated_copy(hours(1), hours(0)))
    assert out["a-short"].kept and out["b-wire"].duplicate_of == "a-short"
    # Same time: the longer wins over the smaller id.
    out = run(_wire_and_truncated_copy(hours(0), hours(0)))
    assert out["b-wire"].kept and out["a-short"].duplicate_of == "b-wire"
    # Same time, same text: the smallest id.
    text = story(4).text
    out = run([DedupInput(doc_id, text, hours(0)) for doc_id in ("m", "c", "x")])
    assert [o.doc_id for o in out.values() if o.kept] == ["c"]
    # An undated document never counts as the earliest.
    out = run(_wire_and_truncated_copy(None, hours(5)))
    assert out["a-short"].kept


def test_a_truncated_copy_is_caught_by_containment_when_jaccard_is_low():
    source = story(10)
    paragraphs = source.text.split("\n\n")
    docs = [
        DedupInput("wire", source.text, hours(0)),
        DedupInput("brief", "\n\n".join(paragraphs[: len(paragraphs) * 2 // 5]), hours(1)),
    ]
    out = run(docs, threshold=0.2, min_jaccard=0.6)
    assert out["brief"].duplicate_of == "wire" and out["brief"].similarity < 0.6
    # An estimate of containment can reach 1.0 for an exact prefix, so "off" is shown on a brief
    # with an outlet's own closing paragraph: still mostly inside the wire, but not entirely.
    docs[1].text += "\n\n" + story(12).text.split("\n\n")[1]
    assert run(docs, threshold=0.2, min_jaccard=0.6)["brief"].duplicate_of == "wire"
    assert run(docs, threshold=0.2, min_jaccard=0.6, min_containment=1.0)["brief"].kept


def test_keep_policy_order_is_configurable():
    docs = _wire_and_truncated_copy(hours(1), hours(0))
    assert run(docs, keep=("longest", "earliest_published"))["b-wire"].kept
    assert run(docs, keep=("smallest_id",))["a-short"].kept
    docs = [DedupInput("a", story(5).text, hours(0)), DedupInput("b", story(5).text, None)]
    assert run(docs, keep=("longest",))["a"].kept  # full tie: the smallest id decides
    with pytest.raises(ValueError, match="newest"):
        DedupConfig(keep=("newest",))


def test_a_follow_up_on_the_same_event_stays_apart():
    source = story(6)
    follow = make_followup(random.Random(6), source, "follow-up")
    names = tokenize_batch([source.text, follow.text]).names
    assert len(set(names.row(0).tolist()) & set(names.row(1).tolist())) >= 8  # same people, places, organisations: only the text tells them apart
    out = run([DedupInput("wire", source.text, hours(0)), DedupInput("follow", follow.text, hours(8))])
    assert out["wire"].kept and out["follow"].kept
    assert out["wire"].cluster_id != out["follow"].cluster_id


def test_a_templated_look_alike_stays_apart_because_its_entities_differ():
    rng = random.Random(7)  # a template pair sharing ~0.55 of its shingles: text alone merges it
    source = make_story(rng, "wire")
    look_alike = make_template_lookalike(rng, source, "other")
    docs = [DedupInput("wire", source.text, hours(0)), DedupInput("other", look_alike.text, hours(1))]
    assert len(clusters(run(docs))) == 2
    assert len(clusters(run(docs, min_entity_agreement=0.0))) == 1


def test_same_inputs_in_any_order_give_the_same_outcomes_and_index_rows():
    corpus = make_corpus(30, 3, seed=5)
    docs = [DedupInput(d.doc_id, d.text, d.published_at) for d in corpus]
    outcomes, table = deduplicate(docs, DedupIndex.empty(), now=T0)  # seen_at of undated fetches
    shuffled = list(docs)
    random.Random(1).shuffle(shuffled)
    outcomes_2, table_2 = deduplicate(shuffled, DedupIndex.empty(), now=T0)
    assert sorted(outcomes, key=lambda o: o.doc_id) == sorted(outcomes_2, key=lambda o: o.doc_id)
    assert table.sort_by("doc_id").equals(table_2.sort_by("doc_id"))
    assert [o.doc_id for o in outcomes_2] == [d.doc_id for d in shuffled]  # outcomes follow the input
    # And the corpus is deduplicated as labelled: one cluster per story.
    story_of = {d.doc_id: d.story_id for d in corpus}
    assert {frozenset(story_of[i] for i in c) for c in clusters({o.doc_id: o for o in outcomes})} == {
        frozenset([s]) for s in story_of.values()
    }


def test_incremental_run_joins_the_earlier_cluster_and_never_replaces_its_representative(tmp_path):
    story_a, story_b = story(8), story(9)
    rng = random.Random(8)
    run_1, index_rows = deduplicate([DedupInput("a-wire", story_a.text, hours(2))], DedupIndex.empty(), now=T0)
    assert run_1 == [DedupOutcome("a-wire", "a-wire", True, None, None, None)]
    pq.write_table(index_rows, tmp_path / "run-1.parquet")
    index = DedupIndex.from_tables([pq.read_table(tmp_path / "run-1.parquet")])

    # The copy is published earlier and is longer (an outlet added a paragraph): it still loses.
    copy = make_variant(rng, story_a, "light") + "\n\nAn outlet's own closing paragraph, written locally."
    docs = [DedupInput("a-copy", copy, hours(0)), DedupInput("b-wire", story_b.text, hours(3))]
    out, rows_2 = deduplicate(docs, index, now=T0)
    assert (out[0].cluster_id, out[0].kept, out[0].duplicate_of) == ("a-wire", False, "a-wire")
    assert out[0].match == "near"
    assert out[1] == DedupOutcome("b-wire", "b-wire", True, None, None, None)
    assert rows_2.schema == INDEX_SCHEMA and rows_2.column("doc_id").to_pylist() == ["a-copy", "b-wire"]

    # Run 3 sees both earlier runs; a copy of the run-2 duplicate still lands in cluster a-wire.
    index = DedupIndex.from_tables([rows_2, index_rows])
    out, _ = deduplicate([DedupInput("a-copy-2", copy, hours(9))], index, now=T0)
    assert (out[0].cluster_id, out[0].duplicate_of) == ("a-wire", "a-wire")


def test_a_new_doc_bridging_two_earlier_clusters_joins_the_preferred_one_without_merging_them():
    paragraphs = story(11).text.split("\n\n")
    half = len(paragraphs) // 2
    first, second = "\n\n".join(paragraphs[:half]), "\n\n".join(paragraphs[half:])
    run_1, rows = deduplicate(
        [DedupInput("second-half", second, hours(0)), DedupInput("first-half", first, hours(1))],
        DedupIndex.empty(), now=T0)
    assert all(o.kept for o in run_1)  # disjoint halves: two clusters
    full = DedupInput("full", "\n\n".join(paragraphs), hours(2))
    out, _ = deduplicate([full], DedupIndex.from_tables([rows]), now=T0)
    assert (out[0].cluster_id, out[0].duplicate_of) == ("second-half", "second-half")  # the earlier one


def test_empty_input_and_empty_index():
    outcomes, table = deduplicate([], DedupIndex.empty(), now=T0)
    assert outcomes == [] and table.num_rows == 0 and table.schema == INDEX_SCHEMA
    assert len(DedupIndex.from_tables([table])) == 0
    out = run([DedupInput("only", "", None), DedupInput("blank", " \u200b\n", None)])
    assert clusters(out) == {frozenset(["only", "blank"])}  # both normalise to the empty text


def test_index_schema_is_portable():
    for field in INDEX_SCHEMA:
        assert not pa.types.is_unsigned_integer(field.type), field.name
    assert INDEX_SCHEMA.field("published_at").type == pa.timestamp("us", tz="UTC")


def test_bad_input_is_refused_with_its_name():
    doc = DedupInput("dup", "some text here", hours(0))
    with pytest.raises(ValueError, match="'dup'"):
        deduplicate([doc, doc], DedupIndex.empty(), now=T0)
    with pytest.raises(ValueError, match="'naive'.*timezone"):
        deduplicate([DedupInput("naive", "text", datetime(2026, 11, 2))], DedupIndex.empty(), now=T0)
    _, rows = deduplicate([doc], DedupIndex.empty(), now=T0)
    with pytest.raises(ValueError, match="already in the dedup index"):
        deduplicate([doc], DedupIndex.from_tables([rows]), now=T0)
    with pytest.raises(ValueError, match="k=5"):
        deduplicate([], DedupIndex.from_tables([rows]), replace(DedupConfig(), shingle_size=5), now=T0)
    with pytest.raises(ValueError, match="#0 lacks column"):
        DedupIndex.from_tables([rows.drop_columns(["signature"])])
    with pytest.raises(ValueError, match="min_jaccard"):
        DedupConfig(min_jaccard=1.5)


def test_retention_window_forgets_old_documents_but_keeps_their_clusters():
    source = story(13)
    copy = make_variant(random.Random(13), source, "light")
    _, rows = deduplicate([DedupInput("wire", source.text, hours(0))], DedupIndex.empty(), now=hours(0))
    index = DedupIndex.from_tables([rows])
    late = [DedupInput("copy", copy, hours(24 * 10))]
    assert run(late, index, now=hours(24 * 10), retention_days=30)["copy"].duplicate_of == "wire"
    out, _ = deduplicate(late, index, DedupConfig(retention_days=7), now=hours(24 * 10))
    assert out[0].kept  # the wire is 10 days old: outside a 7-day window
    # By "seen": the wire was ingested at hours(0), so a 7-day window forgets it just the same.
    out, _ = deduplicate(late, index, DedupConfig(retention_days=7, retention_by="seen"), now=hours(24 * 10))
    assert out[0].kept
    with pytest.raises(ValueError, match="retention"):
        DedupConfig(retention_by="crawl")


def test_index_round_trips_through_parquet_as_arrays(tmp_path):
    corpus = make_corpus(20, 3, seed=9)
    docs = [DedupInput(d.doc_id, d.text, d.published_at) for d in corpus]
    first, rows = deduplicate(docs, DedupIndex.empty(), now=T0)
    pq.write_table(rows, tmp_path / "run-1.parquet")
    index = DedupIndex.from_tables([pq.read_table(tmp_path / "run-1.parquet")])
    assert len(index) == len(docs) and index.doc_ids == {d.doc_id for d in docs}
    assert index.fingerprints.signatures.shape == (len(docs), DedupConfig().num_perm)
    # A second copy of each earlier document joins its cluster; a copy of a kept one is exact.
    again = [DedupInput(f"again-{d.doc_id}", d.text, d.published_at) for d in docs]
    out, _ = deduplicate(again, index, now=T0)
    for earlier, o in zip(first, out):
        assert not o.kept and o.cluster_id == earlier.cluster_id
        if earlier.kept:
            assert (o.duplicate_of, o.match, o.similarity) == (earlier.doc_id, "exact", 1.0)


def test_index_columns_past_2_gib_are_written_in_chunks_and_load_back_whole(tmp_path, monkeypatch):
    """Binary columns have 32-bit offsets: one run's 512-byte signatures pass 2 GiB at 4.2M
    documents. Shrinking the chunk limit makes a small run take the same path."""
    from pipelines import dedup

    docs = [DedupInput(d.doc_id, d.text, d.published_at) for d in make_corpus(8, 3, seed=4)]
    _, whole = deduplicate(docs, DedupIndex.empty(), now=T0)
    monkeypatch.setattr(dedup, "_MAX_CHUNK_BYTES", 1_000)  # one signature per chunk
    _, chunked = deduplicate(docs, DedupIndex.empty(), now=T0)
    assert chunked["signature"].num_chunks == len(docs) and whole["signature"].num_chunks == 1
    pq.write_table(chunked, tmp_path / "run.parquet")
    loaded, expected = DedupIndex.from_tables([pq.read_table(tmp_path / "run.parquet")]), DedupIndex.from_tables([whole])
    for name in ("signatures", "exact", "n_shingles"):
        assert (getattr(loaded.fingerprints, name) == getattr(expected.fingerprints, name)).all(), name
    for name in ("names", "numbers"):
        assert getattr(loaded.fingerprints, name).values.tolist() == getattr(expected.fingerprints, name).values.tolist()
        assert getattr(loaded.fingerprints, name).offsets.tolist() == getattr(expected.fingerprints, name).offsets.tolist()
    assert loaded.fingerprints.doc_ids == expected.fingerprints.doc_ids == sorted(d.doc_id for d in docs)


def test_a_windowed_index_holds_only_what_can_matter_and_gives_the_same_outcomes():
    """With retention, a run loads the rows inside the window and the representatives of clusters
    that have one. A wire story first seen on day 0, copied on day 4, copied again on day 8:
    with a 5-day window the day-8 copy still joins the day-0 cluster, through the day-4 copy."""
    from pipelines.dedup import load_index

    rng = random.Random(12)
    wire = story(21)
    docs = [(0, DedupInput("wire-day0", wire.text, hours(0))),
            (4, DedupInput("copy-day4", make_variant(rng, wire, "light"), hours(4 * 24))),
            (8, DedupInput("copy-day8", make_variant(rng, wire, "light"), hours(8 * 24)))]
    for n, d in enumerate(make_corpus(30, 2, seed=6)):  # background traffic over ten days
        docs.append((n % 11, DedupInput(d.doc_id, d.text, hours((n % 11) * 24))))
    config = DedupConfig(retention_days=5)
    tables: list[pa.Table] = []
    seen: dict[str, DedupOutcome] = {}
    for day in range(11):
        batch = [d for when, d in docs if when == day]
        now = hours(day * 24 + 1)
        full = DedupIndex.from_tables(tables)
        window = load_index(lambda columns: [t.select(columns) if columns else t for t in tables], config, now)
        outcomes, rows = deduplicate(batch, full, config, now=now)
        assert deduplicate(batch, window, config, now=now)[0] == outcomes, day
        tables.append(rows)
        seen.update((o.doc_id, o) for o in outcomes)
    assert len(window) < len(full)  # the history is not loaded: rows in the window, or representatives
    cutoff = (now - timedelta(days=5) - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1)
    inside = window.fingerprints.published_us >= cutoff
    assert (inside | window.kept).all() and not inside.all()
    assert seen["copy-day8"].cluster_id == "wire-day0" and seen["copy-day8"].duplicate_of == "wire-day0"
    assert "wire-day0" in window.doc_ids  # outside the window, kept as its cluster's representative
    everything = DedupIndex.from_tables(tables).doc_ids
    assert load_index(lambda columns: tables, DedupConfig(), now).doc_ids == everything  # no retention: all
