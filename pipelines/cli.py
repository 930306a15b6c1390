"""The ``wirewash`` command line.

Exit codes are meant for schedulers: 0 all good; 3 the run committed but some inputs or pages
became error records (see the ``errors`` dataset); 1 the run failed and committed nothing;
2 bad usage; 75 (EX_TEMPFAIL) another run holds the corpus lock, try again later.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cleaners.model import CleanDoc
from crawler.loaders import iter_pages
from crawler.sources import SourcesError
from output.card import write_card
from output.compact import CompactionUnsupported, compact
from crawler.record import PageError
from output.lock import CorpusLocked
from pipelines.clean import Cleaned, clean_stream
from pipelines.clock import utc_now
from pipelines.config import RunConfig, load_config, parse_engine
from pipelines.crawl import crawl
from pipelines.demo import demo
from pipelines.health import health, health_table
from pipelines.report import report
from pipelines.stats import render, stats, to_json
from pipelines.run import EXIT_FAILED, ingest

EXIT_LOCKED = 75
CORPUS = click.Path(exists=True, file_okay=False, path_type=Path)

err = Console(stderr=True)


def _config(config_path: Path | None, workers: int | None, engine: str | None = None) -> RunConfig:
    try:
        config = load_config(config_path, workers=workers, engine=engine)
        parse_engine(config.engine)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    return config


@contextmanager
def _exit_codes(what: str) -> Iterator[None]:
    """Turn a run's failure into a message and the exit code a scheduler reads."""
    try:
        yield
    except CorpusLocked as exc:
        err.print(f"[yellow]wirewash: {exc}[/]")
        sys.exit(EXIT_LOCKED)
    except click.ClickException:
        raise
    except Exception as exc:  # noqa: BLE001 - report, tell the scheduler
        err.print(f"[red]wirewash: {what} failed: {type(exc).__name__}: {exc}[/]")
        sys.exit(EXIT_FAILED)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="wirewash")
def main() -> None:
    """wirewash: news pages in, clean deduplicated Parquet out."""


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Corpus directory.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TOML settings.")
@click.option("--workers", type=int, default=None, help="Clean-stage processes (default: one per core).")
@click.option("--engine", default=None, metavar="local|dask[=ADDRESS]",
              help="Clean stage on local processes (default), a Dask LocalCluster, or a Dask scheduler.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
def ingest_cmd(paths: tuple[Path, ...], out: Path, config_path: Path | None, workers: int | None, engine: str | None,
               progress: bool | None) -> None:
    """Load, clean and deduplicate PATHS (files or directories) into the corpus at --out."""
    config = _config(config_path, workers, engine)
    show = err.is_terminal if progress is None else progress
    bar = Progress(SpinnerColumn(), TextColumn("cleaning"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("pages"), TimeElapsedColumn(), console=err, disable=not show, transient=True)
    with _exit_codes("run"), bar:
        task = bar.add_task("clean", total=None)
        manifest = ingest(paths, out, config, on_page=lambda n: bar.advance(task, n))
    _summary(manifest, out)
    sys.exit(manifest["exit_code"])


def _summary(manifest: dict, out: Path) -> None:
    c = manifest["counts"]
    table = Table(title=f"run {manifest['run_id']} -> {out}", show_header=True)
    table.add_column("stage")
    table.add_column("count", justify="right")
    for label, key in [
        ("new input files", "inputs_new"), ("input files already ingested", "inputs_skipped_known"),
        ("pages loaded", "pages_loaded"), ("pages cleaned", "pages_cleaned"),
        ("documents", "documents"), ("documents already in corpus", "docs_skipped_known"),
        ("exact duplicates", "exact_duplicates"), ("near duplicates", "near_duplicates"),
        ("articles written", "articles_written"), ("duplicates written", "duplicates_written"),
    ]:
        table.add_row(label, str(c.get(key, 0)))
    errors = manifest["errors"]
    table.add_row("errors", f"[red]{errors['total']}[/]" if errors["total"] else "0")
    err.print(table)
    for e in errors["by_reason"]:
        err.print(f"  error {e['stage']}/{e['reason']}: {e['count']}")
    top = sorted(manifest["removals"].items(), key=lambda kv: -kv[1]["chars"])[:8]
    if top:
        err.print("  removed: " + ", ".join(f"{rule} {v['chars']:,} chars" for rule, v in top))


@main.command("crawl")
@click.argument("sources", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Corpus directory.")
@click.option("--source", "only", multiple=True, help="Only these sources (repeatable).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TOML settings.")
@click.option("--workers", type=int, default=None, help="Clean-stage processes (default: one per core).")
@click.option("--redis", "redis_url", default=None, metavar="URL",
              help="Share the crawl frontier (queue + seen URLs) through Redis, redis://HOST:PORT/DB (scrapy-redis).")
@click.option("--processes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Crawler processes sharing the --redis frontier; their segments go into one ingest and one commit.")
@click.option("--redis-prefix", default=None, metavar="PREFIX",
              help="Redis key prefix of this corpus (default: wirewash:<corpus dir>-<path hash>).")
def crawl_cmd(sources: Path, out: Path, only: tuple[str, ...], config_path: Path | None, workers: int | None,
              redis_url: str | None, processes: int, redis_prefix: str | None) -> None:
    """Fetch SOURCES (a sources TOML) into <out>/_raw/*.warc.gz, cleaning while fetching; dedup and commit.

    With --redis URL [--processes N], N crawler processes share one frontier in Redis, so no page is
    fetched twice; more runners on other machines may join (the command is in <out>/_crawls/<id>.log).
    """
    if processes > 1 and not redis_url:
        raise click.UsageError("--processes N > 1 needs --redis URL")
    config = _config(config_path, workers)
    with _exit_codes("crawl"):
        try:
            manifest = crawl(sources, out, config, only=list(only) or None, redis=redis_url, processes=processes,
                             redis_prefix=redis_prefix)
        except SourcesError as exc:
            raise click.UsageError(str(exc)) from exc
    _crawl_summary(manifest, out)
    sys.exit(manifest["exit_code"])


@main.command("demo")
@click.option("--out", "out", default="demo-corpus", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--second-wave", is_flag=True, help="Then publish new pages and crawl again (incremental + cross-run dedup).")
@click.option("--workers", type=int, default=None, help="Clean-stage processes (default: one per core).")
def demo_cmd(out: Path, second_wave: bool, workers: int | None) -> None:
    """Serve a bundled mini news web on 127.0.0.1, crawl it with the real spiders, print the summary."""
    with _exit_codes("demo"):
        manifests = demo(out, _config(None, workers), second_wave=second_wave)
    for manifest in manifests:
        _crawl_summary(manifest, out)
    sys.exit(max(m["exit_code"] for m in manifests))


def _crawl_summary(manifest: dict, out: Path) -> None:
    _summary(manifest, out)
    warcs = manifest["crawl"]["warcs"]
    err.print(f"  crawled {manifest['crawl']['pages']} pages into {len(warcs)} WARC segment(s) in {out / '_raw'}")
    for problem in manifest["crawl"]["problems"][:20]:
        err.print(f"  [yellow]crawl: {problem}[/]", markup=True, highlight=False)


@main.command("stats")
@click.argument("corpus", type=CORPUS)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON instead of tables.")
def stats_cmd(corpus: Path, as_json: bool) -> None:
    """Figures of the corpus: per day and domain, duplicates, furniture removed, extraction health, errors, runs."""
    figures = stats(corpus)
    if as_json:
        click.echo(to_json(figures))
    else:
        render(figures, Console())


@main.command("report")
@click.argument("corpus", type=CORPUS)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="HTML file (default: CORPUS/report.html).")
def report_cmd(corpus: Path, out: Path | None) -> None:
    """Write a self-contained HTML report of the corpus (inline SVG charts, no network)."""
    err.print(f"report: {report(corpus, out)}")


@main.command("health")
@click.argument("corpus", type=CORPUS)
def health_cmd(corpus: Path) -> None:
    """Per-domain extraction health: each domain's latest run against its own history; exit 3 on drift."""
    found = health(corpus)
    Console().print(health_table(found))
    sys.exit(found.exit_code)


@main.command("compact")
@click.argument("corpus", type=CORPUS)
def compact_cmd(corpus: Path) -> None:
    """Merge each partition's small files into few, atomically, while readers keep reading."""
    with _exit_codes("compaction"):
        try:
            summary = compact(corpus, utc_now())
        except CompactionUnsupported as exc:
            raise click.ClickException(str(exc)) from exc
    err.print(f"compacted {len(summary['partitions'])} partitions: {summary['files_before']} -> "
              f"{summary['files_after']} files, {summary['rows']:,} rows")


@main.command("card")
@click.argument("corpus", type=CORPUS)
def card_cmd(corpus: Path) -> None:
    """Rewrite CORPUS/README.md, the dataset card (runs do this themselves after every commit)."""
    err.print(f"card: {write_card(corpus, utc_now())}")


@main.command("clean")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--explain", is_flag=True, help="Also show each removed span with the rule that removed it.")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), help="Write one <id>.txt per input page here.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TOML settings.")
@click.option("--workers", type=int, default=1, show_default=True, help="Clean-stage processes.")
def clean_cmd(paths: tuple[Path, ...], explain: bool, out: Path | None, config_path: Path | None, workers: int) -> None:
    """Clean PATHS and print the kept text (nothing is written to a corpus)."""
    config = _config(config_path, workers)
    failed = 0
    pages = iter_pages(list(paths), max_bytes=config.max_input_bytes)
    for result in clean_stream(pages, config.clean, config.worker_count):
        if isinstance(result, PageError):
            failed += 1
            err.print(f"[red]{result.source_uri}: {result.stage}/{result.reason}: {result.detail}[/]")
            continue
        if out is not None:
            _write_txt(result, out)
        if out is None or explain:
            _print(result, explain)
    sys.exit(3 if failed else 0)


def page_name(result: Cleaned) -> str:
    """``<id>.txt``: the input's own id (JSONL ``id``) if it has one, else the file's stem."""
    page = result.page
    name = page.record_id or Path(page.source_uri.split("#", 1)[0]).stem
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "page"


def _write_txt(result: Cleaned, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{page_name(result)}.txt").write_text("\n\n".join(d.text for d in result.docs) + "\n", encoding="utf-8")


def _print(result: Cleaned, explain: bool) -> None:
    out = Console(highlight=False, soft_wrap=True)
    for doc in result.docs:
        out.print(f"[bold]# {doc.title or '(untitled)'}[/]  [dim]{result.page.source_uri} part {doc.part}"
                  f"{' wire=' + doc.wire_source if doc.wire_source else ''}{' lang=' + doc.language if doc.language else ''}[/]",
                  markup=True)
        out.print(doc.text, markup=False)
        if explain:
            _explain(doc, out)
        out.print()


def _explain(doc: CleanDoc, out: Console) -> None:
    out.print(f"[dim]-- removed {doc.chars_removed} characters in {len(doc.removals)} spans --[/]")
    for r in doc.removals:
        span = r.text if len(r.text) <= 160 else r.text[:150] + f"… (+{len(r.text) - 150} chars)"
        out.print(f"[red]- {escape(f'[{r.rule}]')}[/] ", end="")
        out.print(span.replace("\n", " ⏎ "), markup=False)


if __name__ == "__main__":
    main()
