"""Dedup at scale: ``python -m benchmarks.dedup_scale``.

1. End to end (shingling included), one process, CPU time: :func:`pipelines.dedup.deduplicate`
   against stock datasketch keep-first (:func:`benchmarks.dedup_quality.run_baseline`) on the same
   generated corpus of 10k and 100k documents, with the pairwise F1 of each; median of
   ``--repeats`` interleaved runs. The numba kernels are loaded first and the time is printed: it
   is paid once per process (plus a one-off compile of ~7 s on a fresh checkout, cached on disk).
2. The persistent index: generated signatures for 10k, 100k and 1M earlier documents, written as
   one state table (Parquet), then read back (``DedupIndex.from_tables``), its LSH band table built,
   and 1,000 new documents deduplicated against it: seconds for each step and bytes per document;
   then the same history loaded with a 7-day retention window (dates spread over 60 days).
3. ``--redis`` (a throwaway ``redis-server`` on loopback, or ``--redis-url``): the shared index.
   Insert+query rate of the Redis stage (candidates, verification, clustering, commit; fingerprints
   precomputed) and end to end, in batches; two processes ingesting halves concurrently (wall rate,
   and whether the clusters equal one process's); the corpus as daily batches with a 5-day
   retention window (documents and memory Redis keeps); Redis ``used_memory`` per indexed document
   on the corpus and on random signatures (every bucket a singleton: the worst case), per million docs.
"""
from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from benchmarks.corpusgen import make_corpus
from benchmarks.dedup_quality import ACCEPTANCE_TIERS, run_baseline, score
from pipelines.dedup import (DedupConfig, DedupIndex, DedupInput, DedupOutcome, Fingerprints, _deduplicate_shared,
                             _index_table, deduplicate, fingerprints, load_index, seed_shared_index)
from pipelines.shingles import Ragged
from pipelines.signatures import lsh_bands


def warm_up() -> float:
    """Load (or, on a fresh checkout, compile) the numba kernels once per process: seconds."""
    start = time.perf_counter()
    docs = [DedupInput(d.doc_id, d.text, d.published_at) for d in make_corpus(4, 2, 1)]
    _, rows = deduplicate(docs[:4], DedupIndex.empty(), now=NOW)
    deduplicate(docs[4:], DedupIndex.from_tables([rows]), now=NOW)
    return time.perf_counter() - start


def end_to_end(n_docs: int, seed: int, repeats: int) -> None:
    """Docs per CPU-second of each side, median of ``repeats`` interleaved runs."""
    corpus = make_corpus(n_docs // 6 + 1, 5, seed)[:n_docs]
    config = DedupConfig()
    docs = [DedupInput(d.doc_id, d.text, d.published_at) for d in corpus]
    ours_s, stock_s = [], []
    for _ in range(repeats):
        start = time.process_time()
        outcomes, _ = deduplicate(docs, DedupIndex.empty(), config, now=NOW)
        ours_s.append(time.process_time() - start)
        start = time.process_time()
        stock = run_baseline(corpus, config.shingle_size, config.min_jaccard)
        stock_s.append(time.process_time() - start)
    ours, theirs = statistics.median(ours_s), statistics.median(stock_s)
    m_ours = score(corpus, {o.doc_id: o.cluster_id for o in outcomes})
    m_stock = score(corpus, stock)
    print(f"{len(corpus):>8,} docs: wirewash {len(corpus) / ours:>8,.0f} docs/s, stock {len(corpus) / theirs:>6,.0f} "
          f"docs/s, ratio {theirs / ours:5.1f}x (median of {repeats}; per run {_ratios(stock_s, ours_s)}) | pair F1 "
          f"all {m_ours['all'][2]:.3f} vs {m_stock['all'][2]:.3f}, "
          f"{'+'.join(ACCEPTANCE_TIERS)} {m_ours['acceptance'][2]:.3f} vs {m_stock['acceptance'][2]:.3f}, "
          f"ARI {m_ours['ari']:.3f} vs {m_stock['ari']:.3f}, hard-negative merges {m_ours['merged']} vs "
          f"{m_stock['merged']}")


def _ratios(stock_s: list[float], ours_s: list[float]) -> str:
    return " ".join(f"{t / o:.1f}x" for t, o in zip(stock_s, ours_s))


def synthetic_rows(n: int, config: DedupConfig, rng: np.random.Generator):
    """Index rows for ``n`` earlier documents: random signatures, ~30 names, ~10 numbers each."""
    def ragged(per_doc: int) -> Ragged:
        return Ragged(np.arange(n + 1, dtype=np.int64) * per_doc,
                      np.sort(rng.integers(0, 2**32, (n, per_doc), dtype=np.uint32), axis=1).ravel())

    now = 1_790_000_000_000_000
    fp = Fingerprints(
        doc_ids=[f"old-{i:09d}" for i in range(n)],
        published_us=now - rng.integers(0, 86_400_000_000 * 60, n),
        seen_us=np.full(n, now),
        n_shingles=rng.integers(100, 400, n),
        signatures=rng.integers(0, 2**32, (n, config.num_perm), dtype=np.uint32),
        exact=rng.integers(0, 2**63, n).astype(np.uint64),
        names=ragged(30),
        numbers=ragged(10),
    )
    outcomes = [DedupOutcome(i, i, True, None, None, None) for i in fp.doc_ids]
    return _index_table(fp, outcomes, config)


def persistent_index(n: int, new_docs: list[DedupInput], folder: Path) -> None:
    config = DedupConfig()
    start = time.perf_counter()
    table = synthetic_rows(n, config, np.random.default_rng(n))
    path = folder / f"run-{n}.parquet"
    pq.write_table(table, path)
    built = time.perf_counter() - start
    del table
    start = time.perf_counter()
    index = DedupIndex.from_tables([pq.read_table(path)])
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    band_table = index.band_table(lsh_bands(config.threshold, config.num_perm))
    banded = time.perf_counter() - start
    start = time.perf_counter()
    deduplicate(new_docs, index, config, now=datetime(2026, 11, 22, tzinfo=timezone.utc))
    query = time.perf_counter() - start
    memory, band_bytes = index_bytes(index), sum(a.nbytes for a in band_table[:2])
    del index, band_table
    start = time.perf_counter()
    windowed = load_index(lambda columns: [pq.read_table(path, columns=columns)], replace(config, retention_days=7),
                          datetime.fromtimestamp(1_790_000_000, timezone.utc))
    windowed.band_table(lsh_bands(config.threshold, config.num_perm))
    window_s = time.perf_counter() - start
    print(f"{n:>9,} earlier docs: build+write {built:6.2f} s, load {loaded:6.2f} s, band table {banded:6.2f} s, "
          f"1,000 new docs against it {query:5.2f} s | {path.stat().st_size / n:,.0f} bytes/doc on disk, in memory "
          f"{memory / n:,.0f} bytes/doc + band table {band_bytes / n:,.0f} | 7 of 60 days kept (retention_days=7): "
          f"{len(windowed):,} rows loaded and banded in {window_s:.2f} s")


def index_bytes(index: DedupIndex) -> int:
    """Memory held by a loaded index: its arrays, and its Python strings (ids) with their list slots."""
    fp = index.fingerprints
    arrays = [fp.published_us, fp.seen_us, fp.n_shingles, fp.signatures, fp.exact, fp.names.offsets, fp.names.values,
              fp.numbers.offsets, fp.numbers.values, index.cluster_of, index.kept, index.representative]
    strings = fp.doc_ids + index.cluster_ids
    return sum(a.nbytes for a in arrays) + sum(sys.getsizeof(x) + 8 for x in strings)


NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)


def corpus_docs(n_docs: int, seed: int) -> list[DedupInput]:
    return [DedupInput(d.doc_id, d.text, d.published_at) for d in make_corpus(n_docs // 6 + 1, 5, seed)[:n_docs]]


def ingest_part(url: str, basename: str, n_docs: int, seed: int, part: int, parts: int, batch: int,
                start_at: float) -> tuple[list[DedupOutcome], float, float]:
    """One crawler: ingest every ``parts``-th document (from ``part``) of the corpus into the shared
    index, ``batch`` at a time, from wall time ``start_at`` on; returns the outcomes and when it
    started and ended. Module level so that a spawned process can run it."""
    docs = corpus_docs(n_docs, seed)[part::parts]
    config = DedupConfig(redis_url=url, redis_basename=basename)
    deduplicate([], DedupIndex.empty(), config, now=NOW)  # connect and load scripts before the clock starts
    time.sleep(max(0.0, start_at - time.time()))
    began = time.time()
    outcomes: list[DedupOutcome] = []
    for start in range(0, len(docs), batch):
        outcomes.extend(deduplicate(docs[start : start + batch], DedupIndex.empty(), config, now=NOW)[0])
    return outcomes, began, time.time()


def concurrent_ingest(url: str, basename: str, n_docs: int, seed: int, batch: int,
                      parts: int = 2) -> tuple[list[DedupOutcome], float]:
    """``parts`` processes ingesting interleaved parts of the corpus at the same time: (outcomes, wall s)."""
    with ProcessPoolExecutor(parts, mp_context=multiprocessing.get_context("spawn")) as pool:
        start_at = time.time() + 3.0 + n_docs / 5_000  # after every worker has generated its corpus
        futures = [pool.submit(ingest_part, url, basename, n_docs, seed, p, parts, batch, start_at)
                   for p in range(parts)]
        results = [f.result() for f in futures]
    return [o for r in results for o in r[0]], max(r[2] for r in results) - min(r[1] for r in results)


def replay_in_commit_order(url: str, basename: str, docs: list[DedupInput]) -> list[DedupOutcome]:
    """The outcomes one process gets by ingesting, with a local index, the batches the shared index
    committed, in its commit order: what the shared index promises to equal."""
    from pipelines.lsh_redis import redis_index
    config = DedupConfig()
    store = redis_index(url, basename, config.threshold, config.num_perm)
    stored = store.fetch([d.doc_id for d in docs], config.num_perm)
    by_commit: dict[int, list[DedupInput]] = {}
    for doc in docs:
        by_commit.setdefault(stored[doc.doc_id].commit, []).append(doc)
    tables, outcomes = [], []
    for number in sorted(by_commit):
        out, rows = deduplicate(by_commit[number], DedupIndex.from_tables(tables), config, now=NOW)
        tables.append(rows)
        outcomes.extend(out)
    return outcomes


def moved(a: list[DedupOutcome], b: list[DedupOutcome]) -> int:
    """Documents whose cluster (as a set of doc ids) differs between two outcome lists."""
    def members(outcomes: list[DedupOutcome]) -> dict[str, frozenset[str]]:
        groups: dict[str, set[str]] = {}
        for o in outcomes:
            groups.setdefault(o.cluster_id, set()).add(o.doc_id)
        return {o.doc_id: frozenset(groups[o.cluster_id]) for o in outcomes}
    ma, mb = members(a), members(b)
    return sum(ma[d] != mb[d] for d in ma)


def partition(outcomes: list[DedupOutcome]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for o in outcomes:
        groups.setdefault(o.cluster_id, set()).add(o.doc_id)
    return {frozenset(g) for g in groups.values()}


def redis_benchmark(url: str | None, n_docs: int, seed: int, batch: int, memory_docs: int) -> None:
    from benchmarks.redis_server import temporary_server
    from pipelines.lsh_redis import redis_index
    with (temporary_server() if url is None else _given(url)) as url:
        config = DedupConfig(redis_url=url, redis_basename="bench")
        store = redis_index(url, "bench", config.threshold, config.num_perm)
        store.clear()
        docs = corpus_docs(n_docs, seed)
        before = store.used_memory()
        stage = fingerprinting = 0.0
        outcomes: list[DedupOutcome] = []
        for start in range(0, len(docs), batch):
            part = sorted(docs[start : start + batch], key=lambda d: d.doc_id)
            t0 = time.perf_counter()
            new = fingerprints(part, config, NOW)
            t1 = time.perf_counter()
            outcomes.extend(_deduplicate_shared(new, config, NOW))
            t2 = time.perf_counter()
            fingerprinting += t1 - t0
            stage += t2 - t1
        used = store.used_memory() - before
        single = {o.doc_id: o for o in deduplicate(docs, DedupIndex.empty(), DedupConfig(), now=NOW)[0]}
        m = score(make_corpus(n_docs // 6 + 1, 5, seed)[:n_docs], {o.doc_id: o.cluster_id for o in outcomes})
        print(f"{len(docs):,} docs, batches of {batch}, one process: Redis stage (query+verify+cluster+insert) "
              f"{len(docs) / stage:,.0f} docs/s, end to end {len(docs) / (stage + fingerprinting):,.0f} docs/s, "
              f"pair F1 {m['all'][2]:.3f}; same clusters as one local batch: "
              f"{partition(outcomes) == partition(list(single.values()))} "
              f"({moved(outcomes, list(single.values()))} docs placed differently)")
        print(f"  Redis used_memory: {used / len(docs):,.0f} bytes/doc on the corpus "
              f"({n_docs:,} docs, {sum(o.kept for o in outcomes):,} clusters) -> {used / len(docs) * 1e6 / 2**30:.2f} GiB "
              f"per million docs")
        store.clear()
        two, wall = concurrent_ingest(url, "bench", n_docs, seed, batch)
        replay = {o.doc_id: o for o in replay_in_commit_order(url, "bench", docs)}
        commits = store.commits()
        print(f"  two processes, halves interleaved, concurrently: {len(docs) / wall:,.0f} docs/s wall (2 cores), "
              f"{commits} commits; equal to a replay in commit order: {all(replay[o.doc_id] == o for o in two)}; "
              f"same clusters as one process: {partition(two) == partition(outcomes)} (batched) / "
              f"{partition(two) == partition(list(single.values()))} (one batch), docs placed differently "
              f"{moved(two, outcomes)} / {moved(two, list(single.values()))}; "
              f"one kept per cluster: {sum(o.kept for o in two) == len(partition(two))}")
        store.clear()
        retention_window(store, replace(config, retention_days=5), docs, batch)
        store.clear()
        rows = synthetic_rows(memory_docs, DedupConfig(), np.random.default_rng(7))
        index = DedupIndex.from_tables([rows])
        before = store.used_memory()
        t0 = time.perf_counter()
        seed_shared_index(index, config)
        seconds = time.perf_counter() - t0
        used = store.used_memory() - before
        print(f"  {memory_docs:,} random-signature docs (worst case: no shared buckets) seeded in {seconds:.1f} s "
              f"({memory_docs / seconds:,.0f} docs/s): {used / memory_docs:,.0f} bytes/doc -> "
              f"{used / memory_docs * 1e6 / 2**30:.2f} GiB per million docs")
        store.clear()


def retention_window(store, config: DedupConfig, docs: list[DedupInput], per_day: int) -> None:
    """The corpus as one batch a day (``per_day`` documents, published that day) with a 5-day
    window: documents Redis holds and its memory at the end, against the same days without it."""
    def ingest(config: DedupConfig) -> tuple[int, int, float]:
        store.clear()
        before, seconds = store.used_memory(), 0.0
        for day, start in enumerate(range(0, len(docs), per_day)):
            when = NOW + timedelta(days=day)
            part = [replace(d, published_at=when) for d in docs[start : start + per_day]]
            t0 = time.perf_counter()
            deduplicate(part, DedupIndex.empty(), config, now=when + timedelta(hours=1))
            seconds += time.perf_counter() - t0
        return store.client.hlen(store.key("docs")), store.used_memory() - before, seconds

    days = -(-len(docs) // per_day)
    held, memory, seconds = ingest(config)
    all_held, all_memory, all_seconds = ingest(replace(config, retention_days=0))
    print(f"  {days} daily batches of {per_day:,}, retention_days={config.retention_days:g}: Redis holds {held:,} docs, "
          f"{memory / 2**20:,.0f} MiB ({len(docs) / seconds:,.0f} docs/s); without retention {all_held:,} docs, "
          f"{all_memory / 2**20:,.0f} MiB ({len(docs) / all_seconds:,.0f} docs/s)")


class _given:
    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--index-sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--repeats", type=int, default=3, help="end-to-end runs per size (median)")
    parser.add_argument("--redis", action="store_true", help="benchmark the shared Redis index only")
    parser.add_argument("--redis-url", default=None, help="an existing server (default: a throwaway one)")
    parser.add_argument("--redis-docs", type=int, default=20_000)
    parser.add_argument("--redis-batch", type=int, default=1_000)
    parser.add_argument("--memory-docs", type=int, default=100_000)
    args = parser.parse_args()
    if args.redis:
        redis_benchmark(args.redis_url, args.redis_docs, args.seed, args.redis_batch, args.memory_docs)
        return
    print(f"numba kernels loaded (compiled on a fresh checkout, cached after) in {warm_up():.2f} s, once per process")
    print("end to end, one process, CPU time (wirewash: compiled batch tokenising, MinHash, band-key join, "
          "verification, clustering; stock: datasketch MinHash.update_batch + MinHashLSH keep-first, no verification)")
    for n in args.sizes:
        end_to_end(n, args.seed, args.repeats)
    print("persistent index (wall time)")
    new = [DedupInput(d.doc_id, d.text, d.published_at) for d in make_corpus(170, 5, args.seed + 1)[:1000]]
    with tempfile.TemporaryDirectory() as folder:
        for n in args.index_sizes:
            persistent_index(n, new, Path(folder))


if __name__ == "__main__":
    main()
