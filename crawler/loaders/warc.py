"""``*.warc`` / ``*.warc.gz``: the HTML responses in a web archive.

Only ``response`` records with an HTML content type become pages; requests, metadata, images
and the like are skipped. warcio reads a cut-off file without complaint, so truncation is
detected here (the record's block ends before its declared length) and reported once for the
file, which stops there; earlier pages have already been yielded.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataException
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from crawler.loaders.charset import decode_html
from crawler.loaders.checks import body_problem, file_problem, load_error
from crawler.loaders.timestamps import to_utc
from crawler.record import PageError, RawPage

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
READ_CHUNK = 1 << 20
CORRUPT_ARCHIVE = (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, zlib.error, ValueError)


def _content_type(record: ArcWarcRecord) -> str | None:
    """The HTTP Content-Type of a response, or None when it has no HTTP headers (e.g. DNS)."""
    return record.http_headers.get_header("Content-Type") if record.http_headers else None


def _is_html(content_type: str | None) -> bool:
    return content_type is not None and content_type.split(";")[0].strip().lower() in HTML_TYPES


def _cut_off(record: ArcWarcRecord) -> bool:
    """True when the file ends inside this record's block (warcio itself stays silent)."""
    while record.raw_stream.read(READ_CHUNK):
        pass
    return record.raw_stream.limit > 0


def _status(record: ArcWarcRecord) -> int | None:
    code = record.http_headers.get_statuscode()
    return int(code) if code and code.isdigit() else None


def _to_page(record: ArcWarcRecord, data: bytes, *, source_uri: str, max_bytes: int) -> RawPage | PageError:
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
            for record in ArchiveIterator(f):
                if record.rec_type is None:
                    yield load_error(path, "corrupt", f"{path}: record without WARC headers")
                    return
                if record.rec_type != "response" or not _is_html(_content_type(record)):
                    continue
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                source_uri = f"{path}#record={record_id}"
                try:
                    data = record.content_stream().read(max_bytes + 1)
                except ChunkedDataException as exc:
                    yield load_error(source_uri, "corrupt", f"record {record_id}: bad chunked encoding: {exc}")
                    continue
                if _cut_off(record):
                    yield load_error(path, "corrupt", f"{path}: file ends inside record {record_id}")
                    return
                yield _to_page(record, data, source_uri=source_uri, max_bytes=max_bytes)
    except CORRUPT_ARCHIVE as exc:
        yield load_error(path, "corrupt", f"{path}: not a readable WARC: {exc}")
    except OSError as exc:
        yield load_error(path, "unreadable", f"{path}: {exc.strerror or exc}")
