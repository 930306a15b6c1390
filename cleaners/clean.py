"""Top level: one raw page in, its clean articles out — one CleanDoc per article, in page order."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from cleaners.config import CleanConfig
from cleaners.model import CleanDoc, Removal
from cleaners.split import split_stacked
from cleaners.text import TextResult, apply_text_rules, normalise_lines
from cleaners.wire import detect_wire


def clean_page(
    body: str,
    kind: Literal["html", "text"],
    url: str | None = None,
    config: CleanConfig = CleanConfig(),
    *,
    title_hint: str | None = None,
) -> list[CleanDoc]:
    """Clean one page into its articles.

    html: extract_html, then the text rules with the extracted title; text: the text rules,
    which take the title from the page. `title_hint` (e.g. a feed's title) wins over both: a
    page's own <title> often carries the site name. A stacked page gives one doc per article
    (the hint and the page's authors and date go to the first), each with its wire source and
    language. Empty, blank or oversized bodies give []; odd characters are normalised away,
    never raised on.

    Short texts: config.min_article_chars only applies to the pieces of a SPLIT page. A piece
    shorter than that is a fragment, not an article: its text and removals are recorded on the
    article before it (or after, if none is before) as removals, so nothing the page held goes
    unaccounted. A page that is one article keeps its text however short (a poem, a brief, a
    gallery with two captions), as long as something is left after the rules; when every piece of
    a split page is short, the longest is the page's article.
    """
    if kind not in ("html", "text"):
        raise ValueError(f"kind must be 'html' or 'text', not {kind!r}")
    if len(body) > config.max_body_chars or not body.strip():
        return []
    text, title = body, title_hint
    page_removals: list[Removal] = []
    authors: list[str] = []
    published_at: datetime | None = None
    site: str | None = None
    if kind == "html":
        # Imported here: trafilatura takes ~0.5 s to import, which text-only callers never need.
        from cleaners.extract import extract_html

        page = extract_html(body, url=url, config=config)
        text, title = page.text, title_hint or page.title
        page_removals, authors, published_at, site = list(page.removals), list(page.authors), page.published_at, page.site
    lines = normalise_lines(text)
    pieces = split_stacked(lines) if config.split_stacked else [lines]
    docs: list[CleanDoc] = []
    for i, piece in enumerate(pieces):
        piece_title = title if i == 0 else None
        result = apply_text_rules(piece, piece_title) if config.text_rules else TextResult(piece_title, piece)
        docs.append(CleanDoc(
            text=result.text, title=result.title, site=site, removals=result.removals,
            wire_source=detect_wire(result.lines, result.removals),
        ))
    if docs:
        docs[0].removals[:0] = page_removals
    kept = _drop_short(docs, config.min_article_chars)
    if kept:  # the page's byline and date belong to its first article, even when a fragment led
        kept[0].authors, kept[0].published_at = authors, published_at
    for part, doc in enumerate(kept):
        doc.part = part
        if config.detect_language:
            doc.language = _language(doc.text)
    return kept


def _drop_short(docs: list[CleanDoc], min_chars: int) -> list[CleanDoc]:
    """Keep the docs of at least min_chars (or, when none is, the longest non-empty one); record
    each other one on its neighbour. A page's only doc is kept when it is not empty."""
    if len(docs) == 1:
        min_chars = 1
    long = [len(doc.text) >= min_chars for doc in docs]
    if docs and not any(long):
        longest = max(range(len(docs)), key=lambda i: len(docs[i].text))
        long[longest] = bool(docs[longest].text)
    kept: list[CleanDoc] = []
    orphans: list[Removal] = []  # from short pieces before the first kept doc
    for doc, keep in zip(docs, long):
        if keep:
            doc.removals[:0] = orphans
            orphans = []
            kept.append(doc)
            continue
        lost = doc.removals + ([Removal("short_fragment", doc.text)] if doc.text else [])
        (kept[-1].removals if kept else orphans).extend(lost)
    return kept


def _language(text: str) -> str | None:
    # Imported here: py3langid and numpy take ~0.16 s to import; callers with detect_language off skip it.
    from cleaners.language import detect_language

    return detect_language(text)
