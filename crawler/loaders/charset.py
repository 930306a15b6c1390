"""Bytes to text for every loader: one decoding policy, so a page decodes the same from any source.

HTML follows the browser order (BOM, then the HTTP ``Content-Type`` charset, then ``<meta>``/XML
declarations, then detection) via w3lib; already-extracted text has no markup to declare a
charset, so it is BOM, then UTF-8, then detection. Decoding never fails: bytes that do not fit
the chosen encoding become U+FFFD, and the encoding actually used is returned with the text.
"""
from __future__ import annotations

import codecs

import charset_normalizer
from w3lib.encoding import html_to_unicode, read_bom, to_unicode


def detect_encoding(data: bytes) -> str | None:
    """Guess the encoding of undeclared bytes, or None if nothing fits.

    Valid UTF-8 is almost never another encoding by accident and the check is a cheap scan,
    so it is tried first; charset-normalizer is slower and can misread short UTF-8 pages.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data).best()
        return codecs.lookup(best.encoding).name if best else None
    return "utf-8"


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an HTML page; ``content_type`` is the HTTP header value when there was one.

    Returns ``(text, encoding)``.
    """
    encoding, text = html_to_unicode(content_type, data, auto_detect_fun=detect_encoding)
    return text, encoding


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode already-extracted page text. Returns ``(text, encoding)``."""
    bom_encoding, bom = read_bom(data)
    if bom_encoding:
        return to_unicode(data[len(bom):], bom_encoding), bom_encoding
    encoding = detect_encoding(data) or "utf-8"
    return to_unicode(data, encoding), encoding
