"""``*.html`` / ``*.htm`` files: one saved page each."""
from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

from crawler.loaders.charset import decode_html
from crawler.loaders.pagefile import load_page_file
from crawler.record import PageError, RawPage

# Canonical links live in <head>; scanning a bounded prefix keeps huge pages cheap.
HEAD_CHARS = 65_536
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_TAG = re.compile(r"<(link|meta)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def _attributes(text: str) -> dict[str, str]:
    return {
        m[1].lower(): unescape(next(v for v in m.groups()[1:] if v is not None))
        for m in _ATTR.finditer(text)
    }


def declared_url(page: str) -> str | None:
    """The page's own URL from ``<link rel="canonical">``, else ``og:url``.

    A saved file does not know where it came from, but publishers state it here, and dedup and
    per-site rules need a URL. Only absolute http(s) URLs count: a relative one has no base.
    """
    head = _HEAD_END.split(page[:HEAD_CHARS], maxsplit=1)[0]
    canonical = og_url = None
    for tag, attr_text in _TAG.findall(head):
        attrs = _attributes(attr_text)
        if tag.lower() == "link" and "canonical" in attrs.get("rel", "").lower().split():
            canonical = canonical or attrs.get("href")
        elif tag.lower() == "meta" and (attrs.get("property") or attrs.get("name")) == "og:url":
            og_url = og_url or attrs.get("content")
    url = (canonical or og_url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def load_html(path: Path, *, max_bytes: int) -> Iterator[RawPage | PageError]:
    """Yield the page in ``path``, with the canonical URL it declares (if any)."""
    return load_page_file(path, max_bytes, kind="html", source="html", decode=decode_html, url_of=declared_url)
