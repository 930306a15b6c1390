"""One explicit, versioned Arrow schema per dataset.

Every file of every run is written with exactly these schemas: if a later run's types differed,
pyarrow, DuckDB and pandas would silently drop the column and Polars would fail. Timestamps are
microseconds UTC (Spark cannot read nanoseconds); there are no unsigned integers (Spark reads
uint64 as decimal(20,0)). The hive partition column ``crawl_date`` lives in the directory names,
not in the files, so it is not part of these schemas.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

SCHEMA_VERSION = 1
PARTITION_COLUMN = "crawl_date"

TIMESTAMP = pa.timestamp("us", tz="UTC")
_META = {b"wirewash.schema_version": str(SCHEMA_VERSION).encode()}

REMOVAL = pa.struct([pa.field("rule", pa.string()), pa.field("chars", pa.int32())])

_ARTICLE_FIELDS = [
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("cluster_id", pa.string(), nullable=False),
    pa.field("source_uri", pa.string(), nullable=False),
    pa.field("source", pa.string()),
    pa.field("url", pa.string()),
    pa.field("site", pa.string()),
    pa.field("title", pa.string()),
    pa.field("authors", pa.list_(pa.string())),
    pa.field("published_at", TIMESTAMP),
    pa.field("fetched_at", TIMESTAMP),
    pa.field("language", pa.string()),
    pa.field("wire_source", pa.string()),
    pa.field("text", pa.string(), nullable=False),
    pa.field("text_chars", pa.int32(), nullable=False),
    pa.field("chars_removed", pa.int32(), nullable=False),
    pa.field("removals", pa.list_(REMOVAL)),
    pa.field("part", pa.int32(), nullable=False),
    pa.field("http_status", pa.int32()),
    pa.field("content_type", pa.string()),
    pa.field("run_id", pa.string(), nullable=False),
]

ARTICLES = pa.schema(_ARTICLE_FIELDS, metadata=_META)

DUPLICATES = pa.schema(
    _ARTICLE_FIELDS
    + [
        pa.field("duplicate_of", pa.string(), nullable=False),
        pa.field("similarity", pa.float64()),
        pa.field("match", pa.string(), nullable=False),  # "exact" | "near"
    ],
    metadata=_META,
)

ERRORS = pa.schema(
    [
        pa.field("source_uri", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string()),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("at", TIMESTAMP, nullable=False),
    ],
    metadata=_META,
)

DATASETS: Mapping[str, pa.Schema] = {"articles": ARTICLES, "duplicates": DUPLICATES, "errors": ERRORS}


def to_table(rows: Iterable[Mapping[str, Any]], schema: pa.Schema) -> pa.Table:
    """Build a table with exactly ``schema`` from row dicts (missing keys become nulls).

    Raises ``ValueError`` naming the column and the offending row's ``doc_id``/``source_uri``
    when a value cannot take the column's type, instead of letting Arrow guess another type.
    """
    rows = list(rows)
    columns = {}
    for field in schema:
        values = [row.get(field.name) for row in rows]
        try:
            columns[field.name] = pa.array(values, type=field.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError) as exc:
            bad = next((r for r, v in zip(rows, values) if _fails(v, field.type)), {})
            who = bad.get("doc_id") or bad.get("source_uri") or "?"
            raise ValueError(f"column {field.name!r} of row {who!r}: {exc}") from exc
    return pa.Table.from_pydict(columns, schema=schema)


def _fails(value: Any, type_: pa.DataType) -> bool:
    try:
        pa.array([value], type=type_)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        return True
    return False


def partition_value(moment: dt.datetime | None, default: dt.date) -> str:
    """The ``crawl_date`` partition of a row: the UTC date it was fetched, else the run's date."""
    if moment is None:
        return default.isoformat()
    return moment.astimezone(dt.timezone.utc).date().isoformat()
