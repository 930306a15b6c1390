"""The guards every loader applies before trusting bytes: size, emptiness, binary content.

A loader must never raise on bad input, so each problem becomes a :class:`PageError` with a
stable ``reason`` (``unreadable``, ``too_large``, ``empty``, ``binary``) that the run counts.
The same checks run on whole files (HTML, text) and on single records inside JSONL, WARC and
Parquet files, so one bad record is refused without losing the rest of its file.
"""
from __future__ import annotations

import codecs
import os
from datetime import UTC, datetime
from pathlib import Path

from crawler.record import PageError

SNIFF_BYTES = 8192
# Formats that turn up where a page was expected (a PDF saved as .html, a gzipped body).
BINARY_MAGIC = (
    b"%PDF-",
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"PK\x03\x04",  # ZIP, DOCX, EPUB
    b"\x1f\x8b",  # gzip
    b"PAR1",  # Parquet
    b"\x7fELF",
)
# UTF-16/32 text is full of NUL bytes, but with a BOM it is still text.
UNICODE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)


def load_error(source_uri: str | Path, reason: str, detail: str = "") -> PageError:
    """A load-stage error; every loader reports through this."""
    return PageError(source_uri=str(source_uri), stage="load", reason=reason, detail=detail)


def looks_binary(head: bytes) -> bool:
    """True for content that is not text: a NUL byte in the first 8 KB, or a known binary magic."""
    if head.startswith(UNICODE_BOMS):
        return False
    return head.startswith(BINARY_MAGIC) or b"\x00" in head[:SNIFF_BYTES]


def body_problem(data: bytes, max_bytes: int) -> tuple[str, str] | None:
    """``(reason, detail)`` refusing one page body, or None if it may be decoded."""
    if len(data) > max_bytes:
        return "too_large", f"more than {max_bytes} bytes"
    if not data or data.isspace():
        return "empty", "no content"
    if looks_binary(data[:SNIFF_BYTES]):
        return "binary", "NUL byte or binary file signature in the first 8 KB"
    return None


def file_problem(path: Path, max_bytes: int | None = None) -> PageError | None:
    """Checks that need only ``stat``: unreadable, empty, and (for one-page files) too_large.

    Container files (JSONL, WARC, Parquet) pass no ``max_bytes``: they are streamed and the
    limit applies to each record, so a large archive is not refused as a whole.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        return load_error(path, "unreadable", f"{path}: {exc.strerror or exc}")
    if size == 0:
        return load_error(path, "empty", f"{path} is empty")
    if max_bytes is not None and size > max_bytes:
        return load_error(path, "too_large", f"{path} is {size} bytes, limit {max_bytes}")
    return None


def read_page_file(path: Path, max_bytes: int) -> tuple[bytes, datetime] | PageError:
    """Read a one-page file after the checks; returns its bytes and its mtime as aware UTC.

    The read stops at ``max_bytes + 1`` so a file that grew after ``stat`` is still refused
    without being read whole.
    """
    problem = file_problem(path, max_bytes)
    if problem:
        return problem
    try:
        with path.open("rb") as f:
            mtime = datetime.fromtimestamp(os.fstat(f.fileno()).st_mtime, UTC)
            data = f.read(max_bytes + 1)
    except OSError as exc:
        return load_error(path, "unreadable", f"{path}: {exc.strerror or exc}")
    problem = body_problem(data, max_bytes)
    if problem:
        reason, detail = problem
        return load_error(path, reason, f"{path}: {detail}")
    return data, mtime
