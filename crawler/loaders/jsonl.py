"""``*.jsonl`` / ``*.jsonl.gz``: one page object per line (fields in :mod:`crawler.loaders.rows`).

A broken line becomes an error naming the line and the loader goes on with the next one: one
bad record in a dump of a million must not cost the other 999,999.
"""
from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from crawler.loaders.checks import SNIFF_BYTES, file_problem, load_error, looks_binary
from crawler.loaders.rows import row_to_page
from crawler.record import PageError, RawPage

READ_CHUNK = 1 << 20


def _lines(f: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """Each line, or None for a line over ``limit`` bytes (skipped without holding it whole)."""
    while line := f.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := f.readline(READ_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _line_to_page(
    line: bytes | None, *, source_uri: str, label: str, max_bytes: int
) -> RawPage | PageError | None:
    """The page or error for one line; None for a blank line, which holds no record."""
    if line is None:
        return load_error(source_uri, "too_large", f"{label}: longer than {max_bytes} bytes")
    # JSON Lines is UTF-8; bad bytes become U+FFFD rather than losing the record.
    text = line.decode("utf-8", "replace").lstrip("\ufeff")
    if not text.strip():
        return None
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return load_error(source_uri, "bad_json", f"{label}: {exc}")
    if not isinstance(obj, dict):
        kind = type(obj).__name__
        return load_error(source_uri, "bad_json", f"{label}: a JSON {kind}, not an object")
    return row_to_page(obj, source_uri=source_uri, label=label, source="jsonl", max_bytes=max_bytes)


def load_jsonl(path: Path, *, max_bytes: int) -> Iterator[RawPage | PageError]:
    """Yield one page or error per non-blank line; ``max_bytes`` limits each line, not the file."""
    problem = file_problem(path)
    if problem:
        yield problem
        return
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            if looks_binary(f.read(SNIFF_BYTES)):
                detail = f"{path}: NUL byte or binary file signature, not JSON Lines"
                yield load_error(path, "binary", detail)
                return
            f.seek(0)
            for number, line in enumerate(_lines(f, max_bytes), start=1):
                source_uri, label = f"{path}#line={number}", f"line {number}"
                item = _line_to_page(line, source_uri=source_uri, label=label, max_bytes=max_bytes)
                if item is not None:
                    yield item
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield load_error(path, "corrupt", f"{path}: broken gzip stream: {exc}")
    except OSError as exc:
        yield load_error(path, "unreadable", f"{path}: {exc.strerror or exc}")
