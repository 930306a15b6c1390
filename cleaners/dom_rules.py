"""Named tables of DOM furniture markers, and the pruning that applies them before extraction.

Rules are data: each table below names one kind of furniture, and that name is what the removal
report shows. A marker is a run of whole tokens of an element's class, id, role, aria-label or
data-* values, where values are split on spaces, "-", "_" and camelCase humps and lower-cased:
"read more" matches class="read-more", id="readMore" and data-block="READ_MORE", while the
marker "share" does not match class="shared-content" and "comments" does not match
id="commentary-section". Substring matching would hit both; trafilatura's own discard xpaths
already do that, so these tables add only what whole tokens can say safely.

Token policy for mixed names: an element whose names also name the article body
("article-related-content-body", "entry-content share-enabled") is content that carries a
furniture word, not furniture; the CONTENT_MARKERS table vetoes it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml.etree import XPath
from lxml.html import HtmlElement

from .model import Removal


@dataclass(frozen=True, slots=True)
class DomRule:
    """Furniture of one kind: any marker (a space-separated run of whole tokens) names it.

    `tags` are elements that are this furniture whatever their attributes (<figcaption>).
    """

    name: str
    markers: tuple[str, ...]
    tags: tuple[str, ...] = ()


# Order is precedence: an element named by two tables is reported under the first.
DOM_RULES: tuple[DomRule, ...] = (
    DomRule("cookie_banner", (
        "cookie", "cookies", "cookiebanner", "cookienotice", "cookieconsent", "cookielaw",
        "consent", "gdpr", "onetrust", "usercentrics", "didomi", "borlabs", "cookiefirst",
        "qc cmp", "sp message",
    )),
    DomRule("comments", (
        "comment", "comments", "commentlist", "kommentar", "kommentare", "leserkommentare",
        "disqus", "respond",
    )),
    DomRule("share", (
        "share", "shares", "sharing", "sharer", "sharebar", "sharebox", "sharedaddy",
        "shareaholic", "sharethis", "addthis", "addtoany", "shariff",
        "social share", "social icons", "social buttons", "social links", "social media",
    )),
    DomRule("related", (
        "related", "relatedposts", "relacionadas", "relacionados", "recommended",
        "recommendations", "most read", "mostread", "most popular", "mostpopular",
        "popular posts", "more stories", "more articles", "more news", "also read", "see also",
        "further reading", "read next", "up next", "you may like", "taboola", "outbrain",
        "plista", "yarpp", "recirculation", "recirc", "lesetipps", "lesetipp", "mehr zum thema",
    )),
    DomRule("newsletter_promo", (
        "newsletter", "newsletters", "mailchimp", "mc embed signup", "mailing list",
        "email signup", "optin",
    )),
    DomRule("subscription_promo", ("subscribe", "subscription", "subscriptions", "abo teaser")),
    DomRule("paywall_promo", ("paywall", "regwall")),
    DomRule("app_promo", (
        "app promo", "app banner", "app download", "app teaser", "smart banner", "smartbanner",
        "appstore", "app store", "get the app",
    )),
    DomRule("donation_promo", ("donate", "donation", "donations", "support us", "contributions")),
    DomRule("caption", (
        "caption", "captions", "figcaption", "credit", "credits", "copyright", "photographer",
        "bildunterschrift", "didascalia", "dida",
    ), tags=("figcaption",)),
    DomRule("tags", (
        "tags", "taglist", "tag list", "tag links", "tagcloud", "tag cloud", "tagged",
        "keywords", "schlagworte",
    )),
    DomRule("author_box", (
        "author box", "authorbox", "author bio", "author info", "author card", "author details",
        "author profile", "author description", "about author", "about the author",
        "entry author", "autorenbox", "autor box", "bio", "biography",
    )),
    DomRule("ad", (
        "ad", "ads", "advert", "adverts", "advertisement", "advertising", "adsbygoogle",
        "adslot", "adunit", "dfp", "sponsored", "promoted", "anzeige", "werbung",
    )),
)

# Names that call an element the article body: they veto a furniture marker on the same element.
CONTENT_MARKERS: tuple[str, ...] = (
    "body", "articlebody", "storybody", "article content", "entry content", "post content",
    "story content", "main content", "article text",
)

# Never removed, whatever their names: the article itself and the page's frame.
PROTECTED_TAGS = frozenset({"html", "body", "article", "main"})

# Inline elements inside a paragraph are part of its sentence (a link with aria-label="Share",
# <span class="credit"> in running text): dropping them would cut the sentence, not furniture.
INLINE_TAGS = frozenset({
    "a", "abbr", "b", "cite", "code", "em", "i", "mark", "q", "s", "small", "span", "strong",
    "sub", "sup", "time", "u",
})

# A match holding more than this share of the page's text is the article, whatever its names.
MAX_TEXT_SHARE = 0.4

NAMING_ATTRIBUTES = ("class", "id", "role", "aria-label")
# data-* values are names only when short identifiers; URLs, JSON and prose are not.
_DATA_NAME = re.compile(r"[A-Za-z][\w -]{0,39}")
_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")  # camelCase humps, runs of letters/digits
_SEPARATOR = ("|",)  # between attribute values, so no marker spans two of them

_VISIBLE_TEXT = XPath(".//text()[not(parent::script or parent::style or parent::template)]")


def _tokens(value: str) -> tuple[str, ...]:
    return tuple(token.lower() for token in _TOKEN.findall(value))


def _index(markers: tuple[str, ...], payload: int) -> dict[str, list[tuple[tuple[str, ...], int]]]:
    """First token -> (marker tokens, payload): a match test is one dict lookup per token."""
    index: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for marker in markers:
        words = tuple(marker.split())
        index.setdefault(words[0], []).append((words, payload))
    return index


_RULE_INDEX: dict[str, list[tuple[tuple[str, ...], int]]] = {}
for _position, _rule in enumerate(DOM_RULES):
    for _first, _entries in _index(_rule.markers, _position).items():
        _RULE_INDEX.setdefault(_first, []).extend(_entries)
_CONTENT_INDEX = _index(CONTENT_MARKERS, 0)
_TAG_RULE: dict[str, int] = {tag: i for i, rule in enumerate(DOM_RULES) for tag in rule.tags}


def _hits(tokens: tuple[str, ...], index: dict[str, list[tuple[tuple[str, ...], int]]]) -> list[int]:
    return [
        payload
        for i, token in enumerate(tokens)
        for words, payload in index.get(token, ())
        if tokens[i : i + len(words)] == words
    ]


@lru_cache(maxsize=65_536)
def rule_for_names(values: tuple[str, ...]) -> DomRule | None:
    """The furniture rule these attribute values name, or None. Sites repeat their class
    names on every page, so the answer is cached on the values themselves."""
    tokens: tuple[str, ...] = ()
    for value in values:
        tokens += _tokens(value) + _SEPARATOR
    hits = _hits(tokens, _RULE_INDEX)
    if not hits or _hits(tokens, _CONTENT_INDEX):
        return None
    return DOM_RULES[min(hits)]


def _names(element: HtmlElement) -> tuple[str, ...]:
    values = []
    for key, value in element.items():
        if key in NAMING_ATTRIBUTES or (key.startswith("data-") and _DATA_NAME.fullmatch(value)):
            values.append(value)
    return tuple(values)


def _rule_for(element: HtmlElement) -> DomRule | None:
    tag = element.tag
    if not isinstance(tag, str) or tag in PROTECTED_TAGS:
        return None
    if tag in _TAG_RULE:
        return DOM_RULES[_TAG_RULE[tag]]
    names = _names(element)
    rule = rule_for_names(names) if names else None
    if rule is not None and tag in INLINE_TAGS and next(element.iterancestors("p"), None) is not None:
        return None
    return rule


def _text(element: HtmlElement) -> str:
    return " ".join(" ".join(_VISIBLE_TEXT(element)).split())


def _text_length(element: HtmlElement) -> int:
    return sum(len(piece.strip()) for piece in _VISIBLE_TEXT(element))


def prune_furniture(tree: HtmlElement) -> list[Removal]:
    """Drop the furniture elements of `tree` in place (tails kept) and report what went.

    Elements are matched first and dropped after, outermost first; one whose text exceeds
    MAX_TEXT_SHARE of the page's text stays (its inner furniture can still go).
    """
    body = tree.find("body")
    scope = body if body is not None else tree
    matches = [(element, rule) for element in scope.iter() if (rule := _rule_for(element)) is not None]
    if not matches:
        return []
    limit = MAX_TEXT_SHARE * _text_length(scope)
    removals = []
    for element, rule in matches:
        if element.getroottree().getroot() is not tree or _text_length(element) > limit:
            continue  # inside furniture already dropped, or the article itself
        text = _text(element)
        element.drop_tree()
        if text:
            removals.append(Removal(rule.name, text))
    return removals
