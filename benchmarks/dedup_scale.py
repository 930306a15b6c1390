"""Dedup at scale: ``python -m benchmarks.dedup_scale``.

1. End to end (shingling included), one process, CPU time: :func:`pipelines.dedup.deduplicate`
   against stock datasketch keep-first (:func:`benchmarks.dedup_quality.run_baseline`) on the same
   generated corpus of 10k and 100k documents, with the pairwise F1 of each.
2. The persistent index: generated signatures for 10k, 100k and 1M earlier documents, written as
   one state table (Parquet), then read back (``DedupIndex.from_tables``), its LSH band table built,
   and 1,000 new documents deduplicated against it: seconds for each step and bytes per document.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from benchmarks.corpusgen import make_corpus
from benchmarks.dedup_quality import ACCEPTANCE_TIERS, run_baseline, score
from pipelines.dedup import DedupConfig, DedupIndex, DedupInput, DedupOutcome, Fingerprints, _index_table, deduplicate
from pipelines.shingles import Ragged
from pipelines.signatures import lsh_bands


def end_to_end(n_docs: int, seed: int) -> None:
    corpus = make_corpus(n_docs // 6 + 1, 5, seed)[:n_docs]
    config = DedupConfig()
    docs = [DedupInput(d.doc_id, d.text, d.published_at) for d in corpus]
    start = time.process_time()
    outcomes, _ = deduplicate(docs, DedupIndex.empty(), config)
    ours = time.process_time() - start
    start = time.process_time()
    stock = run_baseline(corpus, config.shingle_size, config.min_jaccard)
    theirs = time.process_time() - start
    m_ours = score(corpus, {o.doc_id: o.cluster_id for o in outcomes})
    m_stock = score(corpus, stock)
    print(f"{len(corpus):>8,} docs: wirewash {len(corpus) / ours:>8,.0f} docs/s, stock {len(corpus) / theirs:>6,.0f} "
          f"docs/s, ratio {theirs / ours:5.1f}x | pair F1 all {m_ours['all'][2]:.3f} vs {m_stock['all'][2]:.3f}, "
          f"{'+'.join(ACCEPTANCE_TIERS)} {m_ours['acceptance'][2]:.3f} vs {m_stock['acceptance'][2]:.3f}, "
          f"ARI {m_ours['ari']:.3f} vs {m_stock['ari']:.3f}, hard-negative merges {m_ours['merged']} vs "
          f"{m_stock['merged']}")


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
    index.band_table(lsh_bands(config.threshold, config.num_perm))
    banded = time.perf_counter() - start
    start = time.perf_counter()
    deduplicate(new_docs, index, config, now=datetime(2026, 11, 22, tzinfo=timezone.utc))
    query = time.perf_counter() - start
    print(f"{n:>9,} earlier docs: build+write {built:6.2f} s, load {loaded:6.2f} s, band table {banded:6.2f} s, "
          f"1,000 new docs against it {query:5.2f} s, {path.stat().st_size / n:,.0f} bytes/doc on disk")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--index-sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    print("end to end, one process, CPU time (wirewash: batch numpy signatures, band-key join, verification; "
          "stock: datasketch MinHash.update_batch + MinHashLSH keep-first, no verification)")
    for n in args.sizes:
        end_to_end(n, args.seed)
    print("persistent index (wall time)")
    new = [DedupInput(d.doc_id, d.text, d.published_at) for d in make_corpus(170, 5, args.seed + 1)[:1000]]
    with tempfile.TemporaryDirectory() as folder:
        for n in args.index_sizes:
            persistent_index(n, new, Path(folder))


if __name__ == "__main__":
    main()
