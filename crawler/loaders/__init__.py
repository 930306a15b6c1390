"""File loaders: pages from local files, as :class:`RawPage` records (or :class:`PageError`).

``iter_pages`` walks the given files and directories (``iter_input_files``) and picks a
loader by file suffix (``LOADERS``). Bad input never raises: every problem becomes a
``PageError`` with stage ``"load"`` and one of these reasons:

``unsupported`` (a named file no loader reads), ``unreadable``, ``empty``, ``too_large``,
``binary``, ``corrupt`` (truncated or malformed WARC, gzip or Parquet), ``bad_json``,
``missing_body``, ``bad_field``, ``bad_date``.

``max_bytes`` limits one page: a whole HTML or text file, or one JSONL line / WARC body /
Parquet row. JSONL, WARC and Parquet files are streamed, so their size is not limited.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from crawler.loaders.checks import load_error
from crawler.loaders.html import load_html
from crawler.loaders.jsonl import load_jsonl
from crawler.loaders.parquet import load_parquet
from crawler.loaders.txt import load_txt
from crawler.loaders.warc import load_warc
from crawler.record import PageError, RawPage


class Loader(Protocol):
    """A file loader: a generator that never raises on bad input."""

    def __call__(self, path: Path, *, max_bytes: int) -> Iterator[RawPage | PageError]: ...


# Suffix (lower case) -> loader. Two-part suffixes are matched before one-part ones.
LOADERS: dict[str, Loader] = {
    ".html": load_html,
    ".htm": load_html,
    ".txt": load_txt,
    ".jsonl": load_jsonl,
    ".jsonl.gz": load_jsonl,
    ".warc": load_warc,
    ".warc.gz": load_warc,
    ".parquet": load_parquet,
}


def loader_for(path: Path) -> Loader | None:
    """The loader for ``path``'s suffix, or None when no loader reads it."""
    suffixes = [s.lower() for s in path.suffixes]
    return LOADERS.get("".join(suffixes[-2:])) or LOADERS.get("".join(suffixes[-1:]))


def _walk(directory: Path) -> Iterator[Path]:
    """Loadable files under ``directory`` in sorted order, depth first, hidden entries skipped.

    Sorting makes runs reproducible (same inputs, same record order, same output files).
    Symlinked directories are not followed, so a link loop cannot trap the walk. A directory
    that cannot be listed is yielded itself, for the load stage to report as unreadable.
    """
    try:
        entries = sorted(directory.iterdir())
    except OSError:
        yield directory
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry)
        elif entry.is_file() and loader_for(entry):
            yield entry


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files ``iter_pages(paths)`` reads, in the same order.

    The run fingerprints these to skip inputs it has already ingested, then passes the rest
    to ``iter_pages``. Directories are expanded; any other path is passed through as given
    (even if missing or unsupported) so that loading reports it.
    """
    for path in map(Path, paths):
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _load(path: Path, max_bytes: int) -> Iterator[RawPage | PageError]:
    if not path.is_file():
        if path.is_dir():
            detail = "directory cannot be listed"
        else:
            detail = "not a regular file" if path.exists() else "no such file"
        yield load_error(path, "unreadable", f"{path}: {detail}")
    elif (loader := loader_for(path)) is None:
        known = ", ".join(LOADERS)
        yield load_error(path, "unsupported", f"{path}: no loader for this file type ({known})")
    else:
        yield from loader(path, max_bytes=max_bytes)


def iter_pages(
    paths: Iterable[str | Path], *, max_bytes: int = 20_000_000
) -> Iterator[RawPage | PageError]:
    """Every page in ``paths`` (files and directories, recursively), in a deterministic order.

    Inside directories, files no loader reads are skipped silently (READMEs, images); a file
    named explicitly that no loader reads is reported as ``unsupported``, since the caller
    asked for it.
    """
    for path in iter_input_files(paths):
        yield from _load(path, max_bytes)


def input_fingerprint(path: str | Path) -> str:
    """SHA-1 hex digest of the file's bytes, read in chunks.

    It identifies content, not a name or mtime, so a renamed or re-copied input is still
    recognised as already ingested. Raises OSError (naming the path) if the file cannot be read.
    """
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha1").hexdigest()
