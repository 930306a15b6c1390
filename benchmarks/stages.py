"""Stage speed beside plain baselines, on a generated corpus: ``python -m benchmarks.stages``.

Clean: wirewash's clean stage (:func:`pipelines.clean.clean_stream` with the default
:class:`CleanConfig`, 1 worker and one per core) against bare ``trafilatura.extract(html,
include_comments=False)`` in a loop on one core, over the same news-like pages
(:mod:`benchmarks.htmlgen`: 60-150 KB each, a 400-900-word article in furniture). Pages per
second of wall time and per CPU-second (for the pool: this process plus its workers, read from
the forkserver's reaped-children times).

Dedup: :func:`pipelines.dedup.deduplicate` against stock datasketch keep-first
(:func:`benchmarks.dedup_quality.run_baseline`: per-doc MinHash + update_batch, MinHashLSH query
then insert) with the same shingle size, permutations and LSH threshold, end to end including
normalisation and shingling, on article-length wire copy (:func:`benchmarks.htmlgen.make_articles`).

Every figure is the median of ``--repeat`` runs, the order of the contenders rotated each
repeat; the spread (min-max) is printed too because the machine is shared. The pool is built
anew by every ``clean_stream`` call, so the all-core figure includes the pool's start-up
(forkserver, worker imports, language model load), as a real run pays it once.

Heavy imports (trafilatura, datasketch, numpy, pyarrow) stay inside functions: forkserver
workers import this module as ``__mp_main__``, and must not pay for what they never use.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from benchmarks.htmlgen import make_articles, make_pages

NOISE_NOTE = "machine is shared and noisy: medians of repeats, spread shown as min-max"


# --- CPU accounting ----------------------------------------------------------------------------

def _forkserver_pid() -> int | None:
    from multiprocessing import forkserver

    return getattr(forkserver._forkserver, "_forkserver_pid", None)  # noqa: SLF001 - no public accessor


def _proc_cpu(pid: int | None) -> float:
    """utime + stime + cutime + cstime of ``pid`` (its reaped children included), in seconds."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


class _Clock:
    """Wall time and CPU time of this process plus the forkserver and its (reaped) workers."""

    def __enter__(self) -> _Clock:
        self.fs_pid = _forkserver_pid()
        self.fs_cpu = _proc_cpu(self.fs_pid)
        self.cpu = time.process_time()
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        pid = _forkserver_pid()
        self.cpu += _proc_cpu(pid) - (self.fs_cpu if pid == self.fs_pid else 0.0)


class Runs:
    """Per-contender wall/CPU seconds over repeats."""

    def __init__(self, label: str, items: int) -> None:
        self.label, self.items = label, items
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.note = ""

    def rate(self) -> float:
        return self.items / statistics.median(self.wall)

    def cpu_rate(self) -> float:
        return self.items / statistics.median(self.cpu)

    def spread(self) -> str:
        return f"{self.items / max(self.wall):,.1f}-{self.items / min(self.wall):,.1f}"


def _timed(runs: Runs, fn: Callable[[], object]) -> object:
    with _Clock() as clock:
        result = fn()
    runs.wall.append(clock.wall)
    runs.cpu.append(clock.cpu)
    return result


def _rotated(contenders: list, r: int) -> list:
    k = r % len(contenders)
    return contenders[k:] + contenders[:k]


# --- clean stage -------------------------------------------------------------------------------

def bench_clean(pages: list[tuple[str, str]], repeat: int, workers: int) -> dict[str, Runs]:
    import trafilatura

    from cleaners.config import CleanConfig
    from crawler.record import PageError, RawPage
    from pipelines.clean import clean_one, clean_stream

    config = CleanConfig()
    raw = [RawPage(source_uri=url, body=body, kind="html", source="html", url=url) for url, body in pages]
    htmls = [body for _, body in pages]

    # Warm both contenders in this process (lazy imports of trafilatura, the py3langid model): the
    # 1-core figures are steady state. Pool workers start cold; see the overhead note below.
    clean_one(raw[0], config)
    trafilatura.extract(htmls[0], include_comments=False)

    bare = Runs("bare trafilatura.extract, 1 core", len(pages))
    one = Runs("wirewash clean_stream, 1 worker", len(pages))
    many = Runs(f"wirewash clean_stream, {workers} workers", len(pages))
    outcome: dict[str, tuple[int, int]] = {}

    def run_bare() -> None:
        texts = [trafilatura.extract(h, include_comments=False) for h in htmls]
        outcome[bare.label] = (sum(1 for t in texts if t), sum(1 for t in texts if not t))

    def run_ww(runs: Runs, w: int) -> Callable[[], None]:
        def run() -> None:
            results = list(clean_stream(raw, config, workers=w))
            errors = sum(isinstance(r, PageError) for r in results)
            outcome[runs.label] = (len(results) - errors, errors)
        return run

    contenders = [(bare, run_bare), (one, run_ww(one, 1)), (many, run_ww(many, workers))]
    for r in range(repeat):
        for runs, fn in _rotated(contenders, r):
            _timed(runs, fn)
    for runs in (bare, one, many):
        ok, bad = outcome[runs.label]
        runs.note = f"{ok} ok / {bad} empty" if runs is bare else f"{ok} ok / {bad} errors"
    overhead = (statistics.median(many.cpu) - statistics.median(one.cpu)) / workers
    many.note += (f"; pool overhead {overhead:.2f} CPU-s per worker (start-up, imports, language model, "
                  f"IPC) = {overhead * one.cpu_rate():.0f} pages of 1-worker work, paid on every clean_stream call")
    return {"bare": bare, "one": one, "many": many}


# --- dedup stage -------------------------------------------------------------------------------

def bench_dedup(docs: list, repeat: int) -> tuple[dict[str, Runs], dict[str, str]]:
    from benchmarks.corpusgen import NOW
    from benchmarks.dedup_quality import run_baseline, score
    from pipelines.dedup import DedupConfig, DedupIndex, DedupInput, deduplicate

    config = DedupConfig()
    inputs = [DedupInput(d.doc_id, d.text, d.published_at) for d in docs]
    ours = Runs("wirewash deduplicate", len(docs))
    stock = Runs(f"stock datasketch keep-first (lsh={config.threshold})", len(docs))
    clusters: dict[str, dict[str, str]] = {}

    def run_ours() -> None:
        outcomes, _ = deduplicate(inputs, DedupIndex.empty(), config, now=NOW)
        clusters["ours"] = {o.doc_id: o.cluster_id for o in outcomes}

    def run_stock() -> None:
        clusters["stock"] = run_baseline(docs, config.shingle_size, config.threshold, config.num_perm)

    contenders = [(ours, run_ours), (stock, run_stock)]
    for r in range(repeat):
        for runs, fn in _rotated(contenders, r):
            _timed(runs, fn)
    n_stories = len({d.story_id for d in docs})
    quality = {}
    for key, runs in (("ours", ours), ("stock", stock)):
        metrics = score(docs, clusters[key])
        merged = metrics["merged"]
        runs.note = (f"{len(set(clusters[key].values()))} clusters (truth {n_stories}), "
                     f"pairwise F1 {metrics['all'][2]:.3f}, hard negatives merged "
                     f"{sum(merged.values())}/{sum(d.related_story is not None for d in docs)}")
        quality[key] = runs.note
    return {"ours": ours, "stock": stock}, quality


# --- report ------------------------------------------------------------------------------------

def _table(title: str, unit: str, rows: list[Runs]) -> None:
    print(f"\n{title:<40} {unit + '/s':>10} {'min-max':>15} {unit + '/CPU-s':>13} {'wall s':>7} {'cores':>5}  notes")
    for runs in rows:
        wall, cpu = statistics.median(runs.wall), statistics.median(runs.cpu)
        print(f"{runs.label:<40} {runs.rate():>10,.1f} {runs.spread():>15} {runs.cpu_rate():>13,.1f} "
              f"{wall:>7.2f} {cpu / wall:>5.2f}  {runs.note}")


def profile_one_worker(pages: list[tuple[str, str]], top: int = 25) -> None:
    """cProfile of the 1-worker clean stage (warm), top functions by cumulative and by own time."""
    import cProfile
    import pstats

    from cleaners.config import CleanConfig
    from crawler.record import RawPage
    from pipelines.clean import clean_one, clean_stream

    raw = [RawPage(source_uri=url, body=body, kind="html", source="html", url=url) for url, body in pages]
    clean_one(raw[0], CleanConfig())
    profiler = cProfile.Profile()
    profiler.enable()
    list(clean_stream(raw, CleanConfig(), workers=1))
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="HTML pages for the clean stage")
    parser.add_argument("--docs", type=int, default=5000, help="documents for the dedup stage")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per contender; medians reported")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="workers for the all-core run")
    parser.add_argument("--profile", action="store_true", help="only cProfile the 1-worker clean stage")
    args = parser.parse_args()

    start = time.perf_counter()
    docs = make_articles(max(args.docs, args.pages), args.seed)
    pages = make_pages(docs[: args.pages], args.seed)
    docs = docs[: args.docs]
    generated = time.perf_counter() - start
    if args.profile:
        profile_one_worker(pages)
        return

    sizes = sorted(len(body.encode()) for _, body in pages)
    words = sorted(len(d.text.split()) for d in docs)
    load = os.getloadavg()
    print(f"corpus (seed {args.seed}, generated in {generated:.1f} s): {len(pages)} pages, "
          f"{sizes[0] / 1e3:.0f}-{sizes[-1] / 1e3:.0f} KB (median {statistics.median(sizes) / 1e3:.0f} KB); "
          f"{len(docs):,} docs for dedup, {words[0]}-{words[-1]} words (median {statistics.median(words):.0f}), "
          f"{len({d.story_id for d in docs}):,} stories")
    print(f"{os.cpu_count()} CPUs, load average {load[0]:.2f} at start; medians of {args.repeat} repeats, "
          f"order rotated each repeat; {NOISE_NOTE}")
    print("'cores' = CPU-s / wall-s actually obtained: below 1 per process means other load took the CPU")

    clean = bench_clean(pages, args.repeat, args.workers)
    _table("clean stage (one process unless noted)", "pages", [clean["bare"], clean["one"], clean["many"]])
    dedup, _ = bench_dedup(docs, args.repeat)
    _table("dedup stage (one core, end to end)", "docs", [dedup["stock"], dedup["ours"]])
    print("  (stock baseline: NFKC+lower \\w+ word shingles of the configured size, sha1, no verification; "
          "wirewash: folded text, compiled batch token hashing and MinHash, verified pairs, union-find)")
    print(f"\nload average {os.getloadavg()[0]:.2f} at end; total {time.perf_counter() - start:.0f} s")

    bare, one, many = clean["bare"].rate(), clean["one"].rate(), clean["many"].rate()
    print(f"clean: wirewash 1 core = {one:,.1f} pages/s, {args.workers} cores = {many:,.1f} pages/s, "
          f"bare trafilatura = {bare:,.1f} pages/s (ratios {one / bare:.2f}, {many / bare:.2f}); "
          f"per CPU-s {clean['one'].cpu_rate():,.1f} / {clean['many'].cpu_rate():,.1f} / {clean['bare'].cpu_rate():,.1f}")
    ours, stock = dedup["ours"].rate(), dedup["stock"].rate()
    print(f"dedup: wirewash = {ours:,.0f} docs/s, stock datasketch = {stock:,.0f} docs/s (ratio {ours / stock:.2f})")


if __name__ == "__main__":
    main()
