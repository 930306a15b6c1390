"""Clean-stage scaling on Dask: ``python -m benchmarks.dask_scaling``.

Cleans one generated ``.warc.gz`` of ``--pages`` news-like pages (:mod:`benchmarks.htmlgen`, a
request + response record per page, as the crawler archives them) with
:func:`pipelines.engine_dask.dask_clean_stream` on a LocalCluster of 1 and of 2 worker processes,
and with the single-process :func:`pipelines.clean.clean_stream` (``workers=1``) for reference.
Every contender loads and cleans the whole file (WARC parsing and charset decoding included)
and must give the same results. Figures are pages per second of wall time, medians of
``--repeat`` runs with the order rotated each repeat.

Clusters are started (and their workers warmed: trafilatura, language model) before timing, so
the figures are the steady state; the start-up cost is printed separately. "cores" is the CPU
time the contender obtained (this process plus its Dask workers) per second of wall time: on a
shared machine it shows how much of the 2 cores other load left. Dask runs use
``keep_bodies=False``, as ingest would. The machine may be shared: the load average is printed
and the spread of the repeats too.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from io import BytesIO
from pathlib import Path


def make_warc(path: Path, n_pages: int, seed: int) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from benchmarks.htmlgen import make_articles, make_pages

    pages = make_pages(make_articles(n_pages, seed), seed)
    part = path.with_name(path.name + ".part")
    with part.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "wirewash benchmarks"}))
        for url, body in pages:
            request = BytesIO(f"GET {url} HTTP/1.1\r\n\r\n".encode())
            writer.write_record(writer.create_warc_record(url, "request", payload=request))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body.encode()),
                                                          http_headers=headers))
    part.rename(path)
    return path


def _worker_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pages-per-task", type=int, default=None, help="default: the engine's")
    parser.add_argument("--warc", type=Path, default=None, help="cache file (default: in the temp dir)")
    args = parser.parse_args()

    from cleaners.config import CleanConfig
    from crawler.loaders import iter_pages
    from crawler.record import PageError
    from pipelines.clean import Cleaned, clean_one, clean_stream
    from pipelines.engine_dask import PAGES_PER_TASK, dask_clean_stream, dask_client

    warc = args.warc or Path(tempfile.gettempdir()) / f"wirewash-bench-{args.pages}-{args.seed}.warc.gz"
    if not warc.exists():
        t = time.perf_counter()
        make_warc(warc, args.pages, args.seed)
        print(f"generated {warc} in {time.perf_counter() - t:.0f} s")
    print(f"{warc}: {args.pages} pages, {warc.stat().st_size / 1e6:.0f} MB gzipped; {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f} at start; medians of {args.repeat}, order rotated")
    config = CleanConfig()
    per_task = args.pages_per_task or PAGES_PER_TASK
    first = next(p for p in iter_pages([warc]) if not isinstance(p, PageError))
    clean_one(first, config)  # warm this process (imports, language model) like the workers

    def summary(results) -> tuple:
        return tuple((r.page.source_uri, tuple(d.text for d in r.docs)) if isinstance(r, Cleaned) else r for r in results)

    outcomes: dict[str, tuple] = {}
    walls: dict[str, list[float]] = {}
    cores: dict[str, list[float]] = {}  # CPU-s obtained per wall-s (driver + its workers): < n = others took the CPU

    def cpu(client) -> float:
        own = os.times()
        workers = sum(client.run(_worker_cpu).values()) if client is not None else 0.0
        return own.user + own.system + workers
    with dask_client(workers=1) as one, dask_client(workers=2) as two:
        t = time.perf_counter()
        with dask_client(workers=2):
            pass
        print(f"LocalCluster start-up + worker warm-up (2 workers): {time.perf_counter() - t:.1f} s, paid once per run")

        def dask_run(client):
            return lambda: list(dask_clean_stream([warc], config, client=client, keep_bodies=False,
                                                  pages_per_task=per_task))

        contenders = {
            "clean_stream, 1 process": (None, lambda: list(clean_stream(iter_pages([warc]), config, 1))),
            "dask, 1 worker": (one, dask_run(one)),
            "dask, 2 workers": (two, dask_run(two)),
        }
        names = list(contenders)
        for r in range(args.repeat):
            for name in names[r % len(names):] + names[: r % len(names)]:
                client, run = contenders[name]
                c0, t = cpu(client), time.perf_counter()
                results = run()
                wall = time.perf_counter() - t
                walls.setdefault(name, []).append(wall)
                cores.setdefault(name, []).append((cpu(client) - c0) / wall)
                outcomes[name] = summary(results)
                print(f"  repeat {r + 1}: {name}: {args.pages / wall:.1f} pages/s, {cores[name][-1]:.2f} cores obtained, "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
    assert len(set(outcomes.values())) == 1, "contenders disagree"
    ok = sum(isinstance(r, tuple) for r in next(iter(outcomes.values())))

    print(f"\n{'contender':<26} {'pages/s':>8} {'min-max':>13} {'wall s':>7} {'cores':>6} {'pages/CPU-s':>11}   ({ok} cleaned pages, identical results)")
    rate = {}
    for name in names:
        rates = sorted(args.pages / w for w in walls[name])
        rate[name] = statistics.median(rates)
        print(f"{name:<26} {rate[name]:>8.1f} {rates[0]:>6.1f}-{rates[-1]:<6.1f} {statistics.median(walls[name]):>7.1f} "
              f"{statistics.median(cores[name]):>6.2f} {statistics.median(args.pages / w / c for w, c in zip(walls[name], cores[name])):>11.1f}")
    speedup = rate["dask, 2 workers"] / rate["dask, 1 worker"]
    per_cpu = {n: statistics.median(args.pages / w / c for w, c in zip(walls[n], cores[n])) for n in names}
    print(f"CPU efficiency 2 vs 1 workers: {per_cpu['dask, 2 workers'] / per_cpu['dask, 1 worker']:.2f} "
          f"(x2 = the speedup 2 free cores would give: {2 * per_cpu['dask, 2 workers'] / per_cpu['dask, 1 worker']:.2f}x)")
    print(f"\nspeedup 2 vs 1 Dask workers: {speedup:.2f}x (target >= 1.7); 2 workers vs single process: "
          f"{rate['dask, 2 workers'] / rate['clean_stream, 1 process']:.2f}x; "
          f"load average {os.getloadavg()[0]:.2f} at end")


if __name__ == "__main__":
    main()
