"""``*.warc`` / ``*.warc.gz``: the HTML responses in a web archive.

Only ``response`` records with an HTML content type become pages; requests, metadata, images
and the like are skipped. warcio reads a cut-off file without complaint, so truncation is
detected here (the record's block ends before its declared length) and reported once for the
file, which stops there; earlier pages have already been yielded.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataException
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord

from crawler.loaders.charset import decode_html
from crawler.loaders.checks import body_problem, file_problem, load_error
from crawler.loaders.timestamps import to_utc
from crawler.record import PageError, RawPage

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
READ_CHUNK = 1 << 20


def _records(path: Path, f: BinaryIO) -> Iterator[ArcWarcRecord | PageError]:
    """The file's WARC records; a parse failure ends them with one ``corrupt`` error.

    On malformed input warcio raises whatever its parser trips over (ArchiveLoadFailed, but
    also AttributeError, ValueError, zlib.error), so here, around warcio's own parsing and
    nowhere else, any exception means a broken file. warcio also reads some junk as old-style
    ARC records, which a ``.warc`` file must not contain.
    """
    records = ArchiveIterator(f)
    while True:
        try:
            record = next(records, None)
        except OSError:
            raise
        except Exception as exc:  # deliberately broad: see the docstring
            detail = f"{path}: not a readable WARC: {type(exc).__name__}: {exc}"
            yield load_error(path, "corrupt", detail)
            return
        if record is None:
            return
        if record.format != "warc" or record.rec_type is None:
            yield load_error(path, "corrupt", f"{path}: not a readable WARC: a headerless record")
            return
        yield record


def _content_type(record: ArcWarcRecord) -> str | None:
    """The HTTP Content-Type of a response, or None when it has no HTTP headers (e.g. DNS)."""
    return record.http_headers.get_header("Content-Type") if record.http_headers else None


def _is_html(content_type: str | None) -> bool:
    return content_type is not None and content_type.split(";")[0].strip().lower() in HTML_TYPES


def _cut_off(record: ArcWarcRecord) -> bool:
    """True when the file ends inside this record's block (warcio itself stays silent)."""
    block = record.raw_stream
    while block.read(READ_CHUNK):
        pass
    # Without a Content-Length, warcio reads to the end of the file and nothing can be missing.
    return isinstance(block, LimitReader) and block.limit > 0


def _status(record: ArcWarcRecord) -> int | None:
    code = record.http_headers.get_statuscode()
    return int(code) if code and code.isdigit() else None


def _to_page(
    record: ArcWarcRecord, data: bytes, *, source_uri: str, max_bytes: int
) -> RawPage | PageError:
    label = f"record {record.rec_headers.get_header('WARC-Record-ID')}"
    problem = body_problem(data, max_bytes)
    if problem:
        reason, detail = problem
        return load_error(source_uri, reason, f"{label}: body has {detail}")
    try:
        fetched_at = to_utc(record.rec_headers.get_header("WARC-Date"))
    except ValueError as exc:
        return load_error(source_uri, "bad_date", f"{label}: WARC-Date: {exc}")
    content_type = _content_type(record)
    body, encoding = decode_html(data, content_type)
    return RawPage(
        source_uri=source_uri,
        body=body,
        kind="html",
        source="warc",
        url=record.rec_headers.get_header("WARC-Target-URI"),
        fetched_at=fetched_at,
        http_status=_status(record),
        content_type=content_type,
        encoding=encoding,
        record_id=record.rec_headers.get_header("WARC-Record-ID"),
    )


def load_warc(path: Path, *, max_bytes: int) -> Iterator[RawPage | PageError]:
    """Yield a page or error per HTML response; ``max_bytes`` limits each body, not the file."""
    problem = file_problem(path)
    if problem:
        yield problem
        return
    try:
        with path.open("rb") as f:
            for record in _records(path, f):
                if isinstance(record, PageError):
                    yield record
                    continue
                if record.rec_type != "response" or not _is_html(_content_type(record)):
                    continue
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                source_uri = f"{path}#record={record_id}"
                try:
                    data = record.content_stream().read(max_bytes + 1)
                except ChunkedDataException as exc:
                    detail = f"record {record_id}: bad chunked encoding: {exc}"
                    yield load_error(source_uri, "corrupt", detail)
                    continue
                if _cut_off(record):
                    detail = f"{path}: the file ends inside record {record_id}"
                    yield load_error(path, "corrupt", detail)
                    return
                yield _to_page(record, data, source_uri=source_uri, max_bytes=max_bytes)
    except OSError as exc:
        yield load_error(path, "unreadable", f"{path}: {exc.strerror or exc}")
