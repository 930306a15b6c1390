"""The shared path of the one-page-per-file formats (HTML, text): guard, decode, one record."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from crawler.loaders.checks import read_page_file
from crawler.record import PageError, PageKind, RawPage


def load_page_file(
    path: Path,
    max_bytes: int,
    *,
    kind: PageKind,
    source: str,
    decode: Callable[[bytes], tuple[str, str]],
    url_of: Callable[[str], str | None] = lambda body: None,
) -> Iterator[RawPage | PageError]:
    """Yield the page in ``path``; ``fetched_at`` is the file's mtime (the best date a file has)."""
    read = read_page_file(path, max_bytes)
    if isinstance(read, PageError):
        yield read
        return
    data, mtime = read
    body, encoding = decode(data)
    yield RawPage(source_uri=str(path), body=body, kind=kind, source=source, url=url_of(body),
                  fetched_at=mtime, encoding=encoding)
