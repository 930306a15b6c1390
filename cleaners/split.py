"""Stacked pages: a tag or feed page that carries several complete articles becomes one per article.

Boundary: a run of feed-footer lines ("Source link", "The post … appeared first on …"), which
aggregators append to every article they repost — so they mark where one article ends. The
footer lines stay at the end of their article, where the feed_footer text rule removes and
records them. A piece without a body paragraph (a footer's furniture, a lone teaser) is not an
article: it joins its neighbour, so a single article that ends in a feed footer is never split.
"""
from __future__ import annotations

from collections.abc import Sequence

from cleaners.rules import LINE_RULES, SPLIT_BOUNDARY_RULES
from cleaners.text import RuleSet, is_body

_BOUNDARY = RuleSet.of(r for r in LINE_RULES if r.name in SPLIT_BOUNDARY_RULES)


def split_stacked(lines: Sequence[str]) -> list[list[str]]:
    """Cut a page's lines after each run of boundary lines; pieces without a paragraph join a neighbour."""
    boundary = [_BOUNDARY.match(line) is not None for line in lines] + [False]
    pieces: list[list[str]] = [[]]
    for i, line in enumerate(lines):
        pieces[-1].append(line)
        if boundary[i] and not boundary[i + 1]:
            pieces.append([])
    articles: list[list[str]] = []
    pending: list[str] = []  # furniture before the first article joins that article
    for piece in pieces:
        if any(is_body(line) for line in piece):
            articles.append(pending + piece)
            pending = []
        elif articles:
            articles[-1].extend(piece)
        else:
            pending.extend(piece)
    return articles or ([pending] if pending else [])
