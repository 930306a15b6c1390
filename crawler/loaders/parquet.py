"""``*.parquet``: page rows with the JSONL fields (see :mod:`crawler.loaders.rows`), in batches.

Batches keep memory bounded by a few rows (plus pyarrow's row-group buffers) however large the
file is, and the size limit applies to each row's body.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from crawler.loaders.checks import file_problem, load_error
from crawler.loaders.rows import BODY_FIELDS, ROW_FIELDS, row_to_page
from crawler.record import PageError, RawPage

BATCH_ROWS = 64


def _microsecond_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` with nanosecond timestamps as microseconds.

    pyarrow refuses to turn nanosecond values into ``datetime`` (pandas writes ns by default);
    the lost nanoseconds mean nothing for a fetch or publication time.
    """
    return pa.schema(
        pa.field(f.name, pa.timestamp("us", f.type.tz)) if pa.types.is_timestamp(f.type) else f
        for f in schema
    )


def load_parquet(path: Path, *, max_bytes: int) -> Iterator[RawPage | PageError]:
    """Yield a page or error per row; ``source_uri`` is ``path#row=N``, 1-based like JSONL lines."""
    problem = file_problem(path)
    if problem:
        yield problem
        return
    try:
        with pq.ParquetFile(path) as parquet:
            columns = [name for name in ROW_FIELDS if name in parquet.schema_arrow.names]
            if not set(BODY_FIELDS) & set(columns):
                yield load_error(path, "missing_body", f"{path}: no 'html' or 'text' column")
                return
            number = 0
            for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=columns):
                for row in batch.cast(_microsecond_schema(batch.schema), safe=False).to_pylist():
                    number += 1
                    yield row_to_page(
                        row,
                        source_uri=f"{path}#row={number}",
                        label=f"row {number}",
                        source="parquet",
                        max_bytes=max_bytes,
                    )
    except (PermissionError, FileNotFoundError) as exc:
        yield load_error(path, "unreadable", f"{path}: {exc.strerror or exc}")
    except (pa.ArrowException, OSError) as exc:
        yield load_error(path, "corrupt", f"{path}: not a readable Parquet file: {exc}")
