"""The shared dedup index on Redis: same outcomes as the local index, datasketch's layout, and
concurrent crawlers that agree on clusters. Each test module run starts its own redis-server."""
from __future__ import annotations

import random
import shutil
import threading
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from benchmarks.corpusgen import make_corpus, make_story, make_template_lookalike, make_variant
from benchmarks.dedup_scale import concurrent_ingest, partition, replay_in_commit_order
from pipelines.dedup import DedupConfig, DedupIndex, DedupInput, deduplicate, fingerprints, seed_shared_index
from pipelines.signatures import lean_minhash

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")

NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def server():
    from benchmarks.redis_server import temporary_server
    with temporary_server() as url:
        yield url


@pytest.fixture
def config(server, request):
    from pipelines.lsh_redis import redis_index
    config = DedupConfig(redis_url=server, redis_basename=f"t-{request.node.name}")
    redis_index(server, config.redis_basename, config.threshold, config.num_perm).clear()
    return config


def corpus_docs(n_stories: int, seed: int) -> list[DedupInput]:
    return [DedupInput(d.doc_id, d.text, d.published_at) for d in make_corpus(n_stories, 5, seed)]


def test_shared_index_gives_the_outcomes_of_the_local_index_batch_after_batch(config):
    docs = corpus_docs(60, 5)
    random.Random(1).shuffle(docs)
    tables = []
    for start in range(0, len(docs), 70):
        batch = docs[start : start + 70]
        shared, rows = deduplicate(batch, DedupIndex.empty(), config, now=NOW)
        local, local_rows = deduplicate(batch, DedupIndex.from_tables(tables), DedupConfig(), now=NOW)
        tables.append(local_rows)
        assert shared == local
        assert rows.drop_columns(["seen_at"]).equals(local_rows.drop_columns(["seen_at"]))


def test_buckets_are_datasketchs_redis_layout(config):
    from datasketch import MinHashLSH
    from pipelines.lsh_redis import redis_index
    docs = corpus_docs(12, 6)
    deduplicate(docs, DedupIndex.empty(), config, now=NOW)
    store = redis_index(config.redis_url, config.redis_basename, config.threshold, config.num_perm)
    kwargs = store.client.connection_pool.connection_kwargs
    lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm, prepickle=False,
                     storage_config={"type": "redis", "basename": config.redis_basename.encode(),
                                     "redis": {"host": kwargs["host"], "port": kwargs["port"]}})
    fp = fingerprints(docs, config, NOW)
    banded = set(m.decode() for m in lsh.keys.keys())
    assert banded and banded <= {d.doc_id for d in docs}
    from pipelines.lsh_redis import band_bytes
    found = store.candidates(band_bytes(fp.signatures, store.bands), np.zeros(len(docs), np.uint64))
    for i in range(len(docs)):
        stock = {k.decode() for k in lsh.query(lean_minhash(fp.signatures[i], config.seed))}
        assert stock == set(found[i])
        if docs[i].doc_id in banded:
            assert docs[i].doc_id in stock


def test_two_processes_ingesting_halves_agree_on_clusters(config):
    """Two crawlers ingest interleaved halves at once. Commits are serialised by the index lock, so
    the outcomes are exactly those of one process ingesting the same batches in commit order; with
    copies that do not bridge clusters across batches the clusters equal one process's, and every
    cluster has one representative whose doc_id is the cluster id."""
    url, base = config.redis_url, config.redis_basename
    two, _ = concurrent_ingest(url, base, 600, 9, batch=60)
    docs = [DedupInput(d.doc_id, d.text, d.published_at) for d in make_corpus(600 // 6 + 1, 5, 9)[:600]]
    replay = {o.doc_id: o for o in replay_in_commit_order(url, base, docs)}
    assert {o.doc_id: o for o in two} == replay
    for cluster in partition(two):
        kept = [o for o in two if o.doc_id in cluster and o.kept]
        assert len(kept) == 1 and all(
            o.cluster_id == kept[0].doc_id and (o.kept or o.duplicate_of == kept[0].doc_id)
            for o in two if o.doc_id in cluster)


def test_concurrent_writers_of_bridge_free_copies_get_one_process_clusters(config):
    rng = random.Random(4)
    docs = []
    for s in range(25):
        story = make_story(rng, f"s{s}")
        docs.append(DedupInput(f"s{s}-0", story.text, NOW))
        docs += [DedupInput(f"s{s}-{v}", make_variant(rng, story, tier), NOW)
                 for v, tier in enumerate(("exact", "furniture", "light", "light"), 1)]
        docs.append(DedupInput(f"s{s}-t", make_template_lookalike(rng, story, f"t{s}").text, NOW))
    single = partition(deduplicate(docs, DedupIndex.empty(), DedupConfig(), now=NOW)[0])
    halves = [docs[0::2], docs[1::2]]
    results: list = [[], []]

    def crawl(part: int) -> None:
        for start in range(0, len(halves[part]), 10):
            results[part] += deduplicate(halves[part][start : start + 10], DedupIndex.empty(), config, now=NOW)[0]

    threads = [threading.Thread(target=crawl, args=(p,)) for p in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    both = results[0] + results[1]
    assert partition(both) == single
    assert sum(o.kept for o in both) == len(single)


def test_a_later_better_copy_never_replaces_the_published_representative(config):
    story = make_story(random.Random(3), "s")
    late = DedupInput("b-late", story.text, datetime(2026, 11, 20, tzinfo=timezone.utc))
    early = DedupInput("a-early", story.text + " Extra line.", datetime(2026, 11, 1, tzinfo=timezone.utc))
    first, _ = deduplicate([late], DedupIndex.empty(), config, now=NOW)
    second, _ = deduplicate([early], DedupIndex.empty(), config, now=NOW)
    assert first[0].kept and first[0].cluster_id == "b-late"
    assert (second[0].kept, second[0].cluster_id, second[0].duplicate_of) == (False, "b-late", "b-late")


def test_refusals_name_the_problem(config):
    docs = corpus_docs(2, 8)[:3]
    deduplicate(docs, DedupIndex.empty(), config, now=NOW)
    with pytest.raises(ValueError, match="already in the shared dedup index"):
        deduplicate(docs[:1], DedupIndex.empty(), config, now=NOW)
    from dataclasses import replace
    with pytest.raises(ValueError, match="holds sketch"):
        deduplicate(corpus_docs(1, 9)[:1], DedupIndex.empty(), replace(config, shingle_size=5), now=NOW)


def test_a_commit_whose_lock_expired_writes_nothing(config):
    import redis
    from pipelines.lsh_redis import redis_index
    store = redis_index(config.redis_url, config.redis_basename, config.threshold, config.num_perm)
    with store.locked():
        store.client.delete(store.key("lock"))  # as if it had expired
        with pytest.raises(redis.exceptions.ResponseError, match="lock lost"):
            store.commit(["x"], [b"blob"], np.zeros(1, np.uint64), np.zeros((1, store.width * len(store.bands)),
                         np.uint8), np.ones(1, bool), ["x"], np.zeros((1, 2), np.int64))
    assert store.client.hlen(store.key("docs")) == 0


def test_a_local_index_seeds_the_shared_one(config):
    docs = corpus_docs(20, 10)
    earlier, later = docs[: len(docs) // 2], docs[len(docs) // 2 :]
    _, rows = deduplicate(earlier, DedupIndex.empty(), DedupConfig(), now=NOW)
    index = DedupIndex.from_tables([rows])
    seed_shared_index(index, config)
    shared, _ = deduplicate(later, DedupIndex.empty(), config, now=NOW)
    local, _ = deduplicate(later, index, DedupConfig(), now=NOW)
    assert shared == local


def test_retention_prunes_clusters_that_left_the_window_and_outcomes_stay_the_local_ones(config):
    """Eleven daily commits with a 5-day window: clusters whose newest document left the window are
    deleted from Redis (documents, buckets, exact keys), and every day's outcomes equal the local
    index's. A wire story seen on day 0 and copied on day 4 and day 8 keeps its day-0
    representative, whose cluster still reaches into the window."""
    from dataclasses import replace

    from pipelines.lsh_redis import band_bytes, redis_index
    rng = random.Random(12)
    wire = make_story(rng, "wire")

    def day(n: float) -> datetime:
        return datetime(2026, 11, 1, tzinfo=timezone.utc) + timedelta(days=n)

    docs = [(0, DedupInput("wire-day0", wire.text, day(0))),
            (4, DedupInput("copy-day4", make_variant(rng, wire, "light"), day(4))),
            (8, DedupInput("copy-day8", make_variant(rng, wire, "light"), day(8)))]
    docs += [(n % 11, DedupInput(d.doc_id, d.text, day(n % 11))) for n, d in enumerate(corpus_docs(20, 11))]
    shared_config, local_config = replace(config, retention_days=5), DedupConfig(retention_days=5)
    store = redis_index(config.redis_url, config.redis_basename, config.threshold, config.num_perm)
    tables, outcomes = [], {}
    for n in range(11):
        batch = [d for when, d in docs if when == n]
        now = day(n + 0.05)
        shared, _ = deduplicate(batch, DedupIndex.empty(), shared_config, now=now)
        local, rows = deduplicate(batch, DedupIndex.from_tables(tables), local_config, now=now)
        assert shared == local, n
        tables.append(rows)
        outcomes.update((o.doc_id, o) for o in shared)
    assert outcomes["copy-day8"].duplicate_of == "wire-day0"
    kept_ids = {m.decode() for m in store.client.hkeys(store.key("docs"))}
    assert "wire-day0" in kept_ids and len(kept_ids) < len(docs) - len([d for when, d in docs if when == 10])
    gone = [d for when, d in docs if when <= 3 and d.doc_id not in kept_ids]
    assert gone  # whole clusters older than the window were deleted ...
    fp = fingerprints([d for d in gone], config, NOW)
    found = store.candidates(band_bytes(fp.signatures, store.bands), fp.exact)
    assert not {i for row in found for i in row} & {d.doc_id for d in gone}  # ... from the buckets and exact keys too
