"""The one raw-page record that every source produces (file loaders and spiders alike).

Everything downstream (cleaning, dedup, the Parquet sink) reads only this record, so a page
fetched by a spider and the same page loaded from a WARC file take exactly the same path.
Records are plain, picklable dataclasses: the clean stage ships them to worker processes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

PageKind = Literal["html", "text"]


@dataclass(frozen=True, slots=True)
class RawPage:
    """One fetched or loaded page, decoded to text.

    ``source_uri`` names where the bytes came from: a file path, ``path#line=N`` for a JSONL
    line, ``path#record=ID`` for a WARC record, ``path#row=N`` for a Parquet row, or the requested URL for a crawl.
    ``body`` is already decoded (``encoding`` says how); ``kind`` says whether it is HTML or
    already-extracted page text.
    """

    source_uri: str
    body: str
    kind: PageKind
    source: str  # loader or spider name: "html", "txt", "jsonl", "warc", "parquet", spider name
    url: str | None = None  # final URL where known
    fetched_at: datetime | None = None  # timezone-aware UTC
    http_status: int | None = None
    content_type: str | None = None
    encoding: str | None = None
    record_id: str | None = None  # the input's own id (JSONL "id", WARC-Record-ID)
    published_at: datetime | None = None  # given by the input, e.g. JSONL "published_at"


@dataclass(frozen=True, slots=True)
class PageError:
    """A page that could not be turned into a :class:`RawPage` or into documents.

    Bad input never stops a run: it becomes one of these, is counted, and is written to the
    run's ``errors`` dataset. ``reason`` is a short stable code (``binary``, ``too_large``,
    ``empty``, ``bad_json``, ``undecodable``, ``http_error`` …); ``detail`` is for humans.
    """

    source_uri: str
    stage: str  # "load", "clean", "dedup", "write", "fetch"
    reason: str
    detail: str = ""
