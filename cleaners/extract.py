"""HTML page -> article text and metadata, with the furniture the DOM rules removed.

One lxml parse. Metadata is read from that tree before anything is pruned (title, date and site
live in <head> and JSON-LD, which pruning leaves alone, but reading first keeps it independent of
the DOM rules); pruning a copy instead would add a deep copy, ~0.5 ms a devset page. The pruned
tree then goes to trafilatura, which copies it once more for its own cleaning.
"""
from __future__ import annotations

import re
import unicodedata
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from htmldate import find_date
from lxml.etree import LxmlError, XPath
from lxml.html import HtmlElement
from trafilatura import bare_extraction, load_html
from trafilatura.metadata import examine_meta, extract_meta_json, extract_sitename, extract_title
from trafilatura.settings import Document, set_date_params

from .config import CleanConfig
from .dom_rules import prune_furniture
from .model import Removal

# htmldate returns the day only unless asked for the time; with %z an offset is kept when given.
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
# Dates from markup meant to carry them (meta tags, JSON-LD, <time>, the URL), not htmldate's
# extensive search: on the devset that search costs ~6 ms a page (a third of trafilatura's own
# extraction time) and its extra finds are mostly guesses, e.g. January 1st of a copyright year.
EXTENSIVE_DATE_SEARCH = False
# A publication moment the page states with its time of day: htmldate's pick is often the day
# only, or another date of the page (on ~1 in 4 devset pages that state one). When the markup
# states one, it is taken as is and htmldate is not asked (which also saves its cost).
_STATED_TIME = XPath(
    "//meta[@property='article:published_time' or @name='article:published_time'"
    " or @itemprop='datePublished' or @property='og:published_time']/@content"
    " | //script[@type='application/ld+json'][contains(., 'datePublished')]/text()",
    smart_strings=False,
)
_JSON_LD_PUBLISHED = re.compile(r'"datePublished"\s*:\s*"([^"]{10,40})"')
_HAS_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(slots=True)
class ExtractedPage:
    """One page's article text (paragraphs separated by newlines) and what came with it."""

    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None  # timezone-aware UTC; midnight when only the day is known
    site: str | None = None
    removals: list[Removal] = field(default_factory=list)


def extract_html(html: str, url: str | None = None, config: CleanConfig = CleanConfig()) -> ExtractedPage:
    """Article text and metadata of `html`. Never raises on bad markup: a page with no
    article (empty, only scripts, unparseable) gives text="" and whatever metadata it had."""
    try:
        tree = load_html(html)
    except (LxmlError, ValueError, TypeError):  # load_html already catches most parser errors
        tree = None
    if tree is None:
        return ExtractedPage(text="")
    metadata = read_metadata(tree, url)
    removals = prune_furniture(tree) if config.dom_rules else []
    document = bare_extraction(tree, url=url, include_comments=False)
    text = (document.text or "") if document is not None else ""
    return ExtractedPage(
        text=unicodedata.normalize("NFC", text),  # as trafilatura's extract() returns it
        title=metadata.title or None,
        authors=split_authors(metadata.author),
        published_at=parse_date(metadata.date),
        site=metadata.sitename or _host(url),
        removals=removals,
    )


def read_metadata(tree: HtmlElement, url: str | None) -> Document:
    """trafilatura's extract_metadata, less what costs most and serves the cleaners least.

    Left out, measured on the devset: the byline search in the body (~6 ms on the 55% of pages
    whose meta tags and JSON-LD name no author; about half of a sample of its finds were not names:
    "Name", "User", "Article by"), categories and tags (~2 ms), the licence, and htmldate's
    extensive date search (see EXTENSIVE_DATE_SEARCH). What remains costs ~2 ms a page.
    """
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # as trafilatura: one word is a handle or a desk, not a byline
    with suppress(Exception):  # as trafilatura does: JSON-LD in the wild breaks its parser in many ways
        metadata = extract_meta_json(tree, metadata)
    metadata.title = metadata.title or extract_title(tree)
    metadata.sitename = (metadata.sitename or extract_sitename(tree) or "").lstrip("@") or None
    stated = stated_published_time(tree)
    if stated is not None:
        metadata.date = stated.isoformat()
    else:
        date_params = set_date_params(EXTENSIVE_DATE_SEARCH) | {"outputformat": DATE_FORMAT}
        metadata.date = find_date(tree, url=url, **date_params)
    metadata.clean_and_trim()
    return metadata


def stated_published_time(tree: HtmlElement) -> datetime | None:
    """The first publication moment with a time of day that the page's markup states
    (article:published_time and kin, JSON-LD datePublished), as written (offset kept)."""
    for value in _STATED_TIME(tree):
        candidates = _JSON_LD_PUBLISHED.findall(value) if value.lstrip().startswith(("{", "[")) else [value]
        for candidate in candidates:
            candidate = candidate.strip()
            if not _HAS_TIME.match(candidate):
                continue
            try:
                moment = datetime.fromisoformat(candidate)
            except ValueError:
                continue
            if 1990 <= moment.year <= 2100:
                return moment
    return None


def _host(url: str | None) -> str | None:
    try:
        return urlsplit(url).hostname if url else None
    except ValueError:  # e.g. an unbalanced "[" in the netloc
        return None


def split_authors(value: str | None) -> list[str]:
    """trafilatura already splits bylines on "and", "&", "," and "/" and joins names with "; "."""
    if not value:
        return []
    return list(dict.fromkeys(name.strip() for name in value.split(";") if name.strip()))


def parse_date(value: str | None) -> datetime | None:
    """A date string in DATE_FORMAT as UTC; a time without offset is taken to be UTC already."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
