"""``<corpus>/README.md``: the dataset card, rewritten after every run so it never describes an older corpus.

An analyst handed only the directory should learn from it what the columns mean and how to read
them, without this repository. The column types come from ``output.schema`` itself and the counts
from the Parquet footers (cheap, no data pages read), so the card cannot drift from the files.
This module is also the corpus inventory (which files, how many rows) that ``pipelines.stats``
and ``output.compact`` use, so every count in the project is taken the same way.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from output.schema import DATASETS, PARTITION_COLUMN, SCHEMA_VERSION
from output.store import iter_manifests, write_text

CARD = "README.md"

DATASET_MEANING = {
    "articles": "one row per kept article: the version analysts should use",
    "duplicates": "every dropped copy of a story, with the kept row it copies (`duplicate_of`)",
    "errors": "inputs or pages that could not become articles, with the stage and a stable reason code",
}

COLUMN_MEANING = {
    "doc_id": "stable id of one article of one input page (same input, same id, in every run)",
    "cluster_id": "id of the story this row belongs to: the `doc_id` of the kept copy; equal across all copies",
    "source_uri": "where the bytes came from: a file path, `path#line=N` (JSONL), `path#record=ID` (WARC), "
                  "`path#row=N` (Parquet) or the URL of a crawl",
    "source": "the loader or spider that produced the page (`html`, `txt`, `jsonl`, `warc`, `parquet`, spider name)",
    "url": "the page's final URL, where known",
    "site": "the outlet's display name (`og:site_name`), else the URL host",
    "title": "headline",
    "authors": "bylines, in page order (null when none was found)",
    "published_at": "publication time given by the input or found in the page, UTC",
    "fetched_at": "when the page was fetched, UTC (the `crawl_date` partition is its UTC date)",
    "language": "ISO 639-1 code of the text (py3langid)",
    "wire_source": "wire agency the story is credited to (e.g. `AP`, `AFP`, `Reuters`), when the page credits one",
    "text": "the cleaned article text, one paragraph per line",
    "text_chars": "characters in `text`",
    "chars_removed": "characters of page furniture removed from the extracted text",
    "removals": "characters removed per cleaning rule (`rule`, `chars`), one entry per rule that fired",
    "part": "index of the article within its page (pages with several stacked stories are split)",
    "http_status": "HTTP status of the fetch, where known",
    "content_type": "HTTP Content-Type of the fetch, where known",
    "run_id": "the run that wrote the row; its manifest is `_runs/<run_id>.json`",
    "duplicate_of": "`doc_id` of the kept article this row copies",
    "similarity": "estimated Jaccard similarity to the kept article (1.0 for exact copies)",
    "match": "`exact` (same normalised text) or `near` (MinHash candidate, verified)",
    "stage": "where it failed: `load`, `clean`, `dedup`, `write` or `fetch`",
    "reason": "short stable code: `binary`, `too_large`, `empty`, `bad_json`, `no_text`, `http_error`, ...",
    "detail": "human-readable explanation",
    "at": "when the error was recorded, UTC (a keyword in DuckDB: quote it, `\"at\"`)",
}


def parquet_files(folder: Path) -> list[Path]:
    """The visible Parquet files of one folder in name order (a writer's hidden ``.name.tmp`` excluded)."""
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith("."))


def dataset_files(corpus: Path, dataset: str) -> list[Path]:
    """Every visible Parquet file of one dataset, over all its ``crawl_date`` partitions."""
    return [f for d in sorted((corpus / dataset).glob(f"{PARTITION_COLUMN}=*")) for f in parquet_files(d)]


def dataset_counts(corpus: Path) -> dict[str, dict[str, Any]]:
    """Rows, files, partitions and day range per dataset, read from the Parquet footers only."""
    counts = {}
    for dataset in DATASETS:
        files = dataset_files(corpus, dataset)
        days = sorted({p.parent.name.split("=", 1)[1] for p in files})
        counts[dataset] = {
            "rows": sum(pq.read_metadata(p).num_rows for p in files),
            "files": len(files),
            "partitions": len(days),
            "first_day": days[0] if days else None,
            "last_day": days[-1] if days else None,
        }
    return counts


def write_card(corpus: Path, now: dt.datetime) -> Path:
    """Write ``<corpus>/README.md`` atomically (readers see the old card or the new one), as of
    ``now`` (its "last updated" line); returns its path."""
    corpus = Path(corpus).resolve()
    path = corpus / CARD
    write_text(render_card(corpus, now), path)
    return path


def render_card(corpus: Path, now: dt.datetime) -> str:
    """The card's Markdown for the corpus at ``corpus`` (an absolute path: the snippets are meant to be pasted)."""
    counts = dataset_counts(corpus)
    runs = list(iter_manifests(corpus))
    last = runs[-1] if runs else {}
    lines = [
        f"# wirewash corpus: {corpus.name}",
        "",
        "News articles extracted from web pages, cleaned of page furniture (navigation, cookie banners,",
        "newsletter and app promos, related links, captions, comments) and deduplicated across outlets and runs.",
        f"Written by wirewash, schema version {SCHEMA_VERSION}. This file is rewritten after every run;",
        f"last updated {now.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
        + (f" after run `{last.get('run_id')}`." if last else "."),
        "",
        "## Contents",
        "",
        "| dataset | rows | files | partitions | days | what a row is |",
        "|---|---:|---:|---:|---|---|",
    ]
    for name, c in counts.items():
        days = f"{c['first_day']} .. {c['last_day']}" if c["first_day"] else "-"
        lines.append(f"| `{name}/` | {c['rows']:,} | {c['files']:,} | {c['partitions']:,} | {days} | {DATASET_MEANING[name]} |")
    lines += [
        "",
        f"{len(runs)} committed run(s); each has a manifest in `_runs/<run_id>.json` (inputs, counts per stage,",
        "removals per rule, errors, timings, versions, configuration).",
        "",
        "## Layout and partitioning",
        "",
        "```",
        f"{corpus}/<dataset>/{PARTITION_COLUMN}=YYYY-MM-DD/part-*.parquet",
        "```",
        "",
        f"`{PARTITION_COLUMN}` is a hive partition: it lives in the directory names, not in the files. It is the",
        "UTC date the page was fetched (else the date of the run); errors are filed under the date of the run.",
        "Read it with hive partitioning on: DuckDB, Polars and Spark type it as a DATE, pyarrow and pandas as a",
        "string (pandas: categorical). File names are not stable (`part-<run_id>-<n>`, or `part-compact-<id>-<n>`",
        "after compaction): always read whole directories or globs, never a file list you saved.",
        "",
        "A run's files appear all at once when it commits; compaction swaps a partition's files in one atomic",
        "step, so a query sees a consistent corpus. `_runs/`, `_state/`, `_staging/` and `_raw/` are wirewash's",
        "own and are not datasets.",
        "",
        "Types are the same in every file: timestamps are `timestamp[us, tz=UTC]` (microseconds, UTC), there are",
        "no unsigned integers, and files are zstd-compressed Parquet.",
        "",
    ]
    for name, schema in DATASETS.items():
        lines += [f"## Columns of `{name}/`", "", "| column | type | nullable | meaning |", "|---|---|---|---|"]
        for field in schema:
            lines.append(f"| `{field.name}` | `{_type(field.type)}` | {'yes' if field.nullable else 'no'} | "
                         f"{COLUMN_MEANING[field.name]} |")
        lines.append(f"| `{PARTITION_COLUMN}` | date (directory name) | no | hive partition, see above |")
        lines.append("")
    lines += _snippets(corpus)
    return "\n".join(lines) + "\n"


def _type(type_: pa.DataType) -> str:
    return str(type_).replace("item: ", "")


def _snippets(corpus: Path) -> list[str]:
    articles = f"{corpus}/articles"
    return [
        "## Reading it",
        "",
        "DuckDB:",
        "",
        "```python",
        "import duckdb",
        f"duckdb.sql(\"\"\"select {PARTITION_COLUMN}, site, count(*) as n",
        f"              from read_parquet('{articles}/**/*.parquet', hive_partitioning = true)",
        "              group by all order by all\"\"\").show()",
        "```",
        "",
        "Polars:",
        "",
        "```python",
        "import polars as pl",
        f"articles = pl.scan_parquet('{articles}/**/*.parquet', hive_partitioning=True)",
        f"articles.group_by('{PARTITION_COLUMN}').len().sort('{PARTITION_COLUMN}').collect()",
        "```",
        "",
        "pandas:",
        "",
        "```python",
        "import pandas as pd",
        f"articles = pd.read_parquet('{articles}', columns=['doc_id', 'title', 'published_at', '{PARTITION_COLUMN}'])",
        "```",
        "",
        "Spark (keep the session in UTC so timestamps print as stored):",
        "",
        "```python",
        "from pyspark.sql import SparkSession",
        "spark = SparkSession.builder.config('spark.sql.session.timeZone', 'UTC').getOrCreate()",
        f"articles = spark.read.parquet('{articles}')",
        f"articles.groupBy('{PARTITION_COLUMN}').count().orderBy('{PARTITION_COLUMN}').show()",
        "```",
        "",
        "Every copy of a story, kept row first:",
        "",
        "```sql",
        f"select cluster_id, doc_id, site, title, null as duplicate_of from read_parquet('{articles}/**/*.parquet')",
        "union all",
        f"select cluster_id, doc_id, site, title, duplicate_of from read_parquet('{corpus}/duplicates/**/*.parquet')",
        "order by cluster_id, duplicate_of nulls first",
        "```",
    ]
