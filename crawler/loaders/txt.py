"""``*.txt`` files: page text someone already extracted (title, byline, paragraphs, furniture).

They still carry boilerplate lines, so they go through the text rules like any page.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from crawler.loaders.charset import decode_text
from crawler.loaders.pagefile import load_page_file
from crawler.record import PageError, RawPage


def load_txt(path: Path, *, max_bytes: int) -> Iterator[RawPage | PageError]:
    """Yield the text in ``path``; ``fetched_at`` is the file's mtime, as for HTML files."""
    return load_page_file(path, max_bytes, kind="text", source="txt", decode=decode_text)
