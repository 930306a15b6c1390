"""One JSONL object or Parquet row to a :class:`RawPage`: both formats share the same fields.

Fields: ``id``, ``url``, ``html`` or ``text`` (``html`` wins when both are set), and optional
ISO 8601 ``fetched_at`` / ``published_at``. Bodies may be strings or, from Parquet binary
columns, raw bytes that still need decoding.
"""
from __future__ import annotations

from collections.abc import Mapping

from crawler.loaders.charset import decode_html, decode_text
from crawler.loaders.checks import body_problem, load_error
from crawler.loaders.timestamps import to_utc
from crawler.record import PageError, PageKind, RawPage

ROW_FIELDS = ("id", "url", "html", "text", "fetched_at", "published_at")
BODY_FIELDS: tuple[PageKind, ...] = ("html", "text")
DATE_FIELDS = ("fetched_at", "published_at")


def row_to_page(
    row: Mapping[str, object], *, source_uri: str, label: str, source: str, max_bytes: int
) -> RawPage | PageError:
    """Build the page for one row, or the error that refuses it.

    ``label`` ("line 7", "row 3") starts every error detail so a human can find the record.
    """
    kind = next((name for name in BODY_FIELDS if row.get(name) is not None), None)
    if kind is None:
        return load_error(source_uri, "missing_body", f"{label}: neither 'html' nor 'text' is set")
    body = row[kind]
    if isinstance(body, str):
        # surrogatepass: a lone surrogate from JSON "\ud800" must not raise; it decodes to U+FFFD.
        raw = body.encode("utf-8", "surrogatepass")
    elif isinstance(body, bytes):
        raw = body
    else:
        return load_error(
            source_uri, "missing_body", f"{label}: '{kind}' is {type(body).__name__}, not a string"
        )
    url = row.get("url")
    if url is not None and not isinstance(url, str):
        kind_name = type(url).__name__
        return load_error(source_uri, "bad_field", f"{label}: 'url' is {kind_name}, not a string")
    problem = body_problem(raw, max_bytes)
    if problem:
        reason, detail = problem
        return load_error(source_uri, reason, f"{label}: '{kind}' has {detail}")
    dates = {}
    for field in DATE_FIELDS:
        try:
            dates[field] = to_utc(row.get(field))
        except ValueError as exc:
            return load_error(source_uri, "bad_date", f"{label}: '{field}': {exc}")
    if isinstance(body, str):
        text, encoding = raw.decode("utf-8", "replace"), "utf-8"
    else:
        text, encoding = decode_html(raw) if kind == "html" else decode_text(raw)
    record_id = row.get("id")
    return RawPage(
        source_uri=source_uri,
        body=text,
        kind=kind,
        source=source,
        url=url or None,
        encoding=encoding,
        record_id=None if record_id is None else str(record_id),
        **dates,
    )
