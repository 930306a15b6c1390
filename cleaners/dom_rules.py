"""Named tables of DOM furniture markers, and the pruning that applies them before extraction.

Rules are data: each table below names one kind of furniture, and that name is what the removal
report shows. A marker is a run of whole tokens of an element's class, id, role, aria-label or
data-* values, where values are split on spaces, "-", "_" and camelCase humps and lower-cased:
"most read" matches class="most-read", id="mostRead" and data-block="MOST_READ", while "share"
does not match class="shared-content" and "comment" does not match id="commentary-section".
(trafilatura's own discard xpaths match substrings; whole tokens let these tables name kinds of
furniture that substrings could not name safely, and report what they removed.)

Token policy for mixed names: an element whose names also name the article body
("article-related-content-body", "entry-content share-enabled") is content that carries a
furniture word, not furniture: CONTENT_MARKERS vetoes it. A marker right after a state word
("no-share", "isPaywall") describes the element, not its kind: STATE_WORDS vetoes that marker.
"""
from __future__ import annotations

import re
import unicodedata
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
        "appstore", "appstores", "app store", "get the app",
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
        "adslot", "adunit", "dfp", "sponsored", "affiliate", "anzeige", "werbung",
    )),
)

# Names that call an element the article body: they veto a furniture marker on the same element.
CONTENT_MARKERS: tuple[str, ...] = (
    "body", "articlebody", "storybody", "article content", "entry content", "post content",
    "story content", "main content", "article text",
)

# "no-share", "non-paywall", "isPaywall", "has-comments": found on article containers.
STATE_WORDS = frozenset({"no", "non", "not", "is", "has", "with", "without"})

# Never removed, whatever their names: the article itself and the page's frame.
PROTECTED_TAGS = frozenset({"html", "body", "article", "main"})

# Inline elements inside a paragraph are part of its sentence (a link with aria-label="Share",
# <span class="credit"> in running text): dropping them would cut the sentence, not furniture.
INLINE_TAGS = frozenset({
    "a", "abbr", "b", "cite", "code", "em", "i", "mark", "q", "s", "small", "span", "strong",
    "sub", "sup", "time", "u",
})

# The article is never furniture, whatever its names. A match is taken for the article when it
# holds more than this share of the page's text, or of its paragraph text (<p>, where the
# article's sentences are); and a rule is taken to describe the content itself (a forum's
# comments, a gallery's captions, a product test split into "--Ads" sections) when its matches
# together hold more than this share of the page's text.
MAX_TEXT_SHARE = 0.4

# A caption that reads as article text is the article's (a video page's description, a lead
# photo's long caption inside the story): it stays when it is named a caption (not a credit or a
# copyright line) and either its paragraphs hold DESCRIPTION_SENTENCES sentences or more, or it
# stands inside the article (the element holding most of the page's <p> text) with a sentence
# of more than LONG_SENTENCE_WORDS words. Captions proper are a line or two of short sentences.
CAPTION_NAMES = frozenset({"caption", "captions", "figcaption", "bildunterschrift", "didascalia", "dida"})
DESCRIPTION_SENTENCES = 3
LONG_SENTENCE_WORDS = 25
_SENTENCE = re.compile(r"[^.!?]+[.!?]")

NAMING_ATTRIBUTES = frozenset({"class", "id", "role", "aria-label"})
# data-* values are names only when short identifiers; URLs, JSON and prose are not.
_DATA_NAME = re.compile(r"[A-Za-z][\w -]{0,39}")
_TOKEN = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")  # camelCase humps, runs of letters/digits
_SEPARATOR = ("|",)  # between attribute values, so no marker spans two of them

_VISIBLE_TEXT = XPath(
    ".//text()[not(parent::script or parent::style or parent::template)]", smart_strings=False
)
# The elements _rule_for can name, in document order. Selecting them in C skips building a
# Python proxy for each of the many unnamed elements (~0.5 ms a devset page).
_NAMED = XPath(
    "descendant-or-self::*[@class or @id or @role or @aria-label"
    " or @*[starts-with(name(), 'data-')] or self::figcaption]"
)
_TEXT_LENGTH = XPath("string-length(normalize-space(.))")
_INVISIBLE_TAGS = ("script", "style", "template")

Index = dict[str, list[tuple[tuple[str, ...], int]]]


def _index(markers: tuple[str, ...], payload: int) -> Index:
    """First token -> (marker tokens, payload): a match test is one dict lookup per token."""
    index: Index = {}
    for marker in markers:
        words = tuple(marker.split())
        index.setdefault(words[0], []).append((words, payload))
    return index


def _rule_index() -> Index:
    """One index over all tables; the payload is the table's position, i.e. its precedence."""
    index: Index = {}
    for position, rule in enumerate(DOM_RULES):
        for first, entries in _index(rule.markers, position).items():
            index.setdefault(first, []).extend(entries)
    return index


_RULE_INDEX = _rule_index()
_CONTENT_INDEX = _index(CONTENT_MARKERS, 0)
_TAG_RULE: dict[str, DomRule] = {tag: rule for rule in DOM_RULES for tag in rule.tags}


def _hits(tokens: tuple[str, ...], index: Index) -> list[int]:
    return [
        payload
        for i, token in enumerate(tokens)
        for words, payload in index.get(token, ())
        if tokens[i : i + len(words)] == words and (i == 0 or tokens[i - 1] not in STATE_WORDS)
    ]


@lru_cache(maxsize=65_536)
def rule_for_names(values: tuple[str, ...]) -> DomRule | None:
    """The furniture rule these attribute values name, or None. Sites repeat their class
    names on every page, so the answer is cached on the values themselves."""
    tokens: tuple[str, ...] = ()
    for value in values:
        tokens += tuple(token.lower() for token in _TOKEN.findall(value)) + _SEPARATOR
    hits = _hits(tokens, _RULE_INDEX)
    if not hits or _hits(tokens, _CONTENT_INDEX):
        return None
    return DOM_RULES[min(hits)]


def _rule_for(element: HtmlElement) -> DomRule | None:
    """The rule naming one element of _NAMED (an element with a naming attribute, or a
    <figcaption>); None when its names name no furniture."""
    tag = element.tag
    if tag in _TAG_RULE:
        return _TAG_RULE[tag]
    items = element.items()
    if not items or tag in PROTECTED_TAGS:
        return None
    names = tuple(
        value
        for key, value in items
        if key in NAMING_ATTRIBUTES or (key.startswith("data-") and _DATA_NAME.fullmatch(value))
    )
    rule = rule_for_names(names) if names else None
    if rule is not None and tag in INLINE_TAGS and next(element.iterancestors("p"), None) is not None:
        return None
    return rule


def _text(element: HtmlElement) -> str:
    return unicodedata.normalize("NFC", " ".join(" ".join(_VISIBLE_TEXT(element)).split()))


def _text_length(element: HtmlElement) -> float:
    """Visible characters, whitespace collapsed: inline scripts (JSON-LD, ad code) can outweigh
    the article and would loosen the text-share guards."""
    hidden = sum(_TEXT_LENGTH(node) for node in element.iter(*_INVISIBLE_TAGS))
    return _TEXT_LENGTH(element) - hidden


def _paragraph_length(element: HtmlElement) -> float:
    return sum(_TEXT_LENGTH(paragraph) for paragraph in element.iter("p"))


def _outermost(matches: dict[HtmlElement, DomRule]) -> list[HtmlElement]:
    return [e for e in matches if not any(a in matches for a in e.iterancestors())]


def _sentence_words(text: str) -> list[int]:
    """Word counts of the finished sentences of `text`."""
    return [len(sentence.split()) for sentence in _SENTENCE.findall(text)]


def _is_article_text(element: HtmlElement, page_paragraphs: float) -> bool:
    """Whether a caption match reads as article text (see CAPTION_NAMES)."""
    if element.tag != "figcaption":
        tokens = {t.lower() for key in ("class", "id") for t in _TOKEN.findall(element.get(key) or "")}
        if not tokens & CAPTION_NAMES:
            return False  # a credit or a copyright line
    paragraphs = " ".join(_text(p) for p in element.iter("p"))
    if sum(words >= 5 for words in _sentence_words(paragraphs)) >= DESCRIPTION_SENTENCES:
        return True
    if max(_sentence_words(_text(element)), default=0) <= LONG_SENTENCE_WORDS:
        return False
    for ancestor in element.iterancestors():
        if ancestor.tag in ("body", "html"):
            return False
        if _paragraph_length(ancestor) > page_paragraphs / 2:
            return True
    return False


def prune_furniture(tree: HtmlElement) -> list[Removal]:
    """Drop the furniture elements of `tree` in place (tails kept) and report what went.

    Matches that MAX_TEXT_SHARE says are the article stay (their inner furniture can still go);
    of the rest only the outermost are dropped, each reported once with its rule's name.
    """
    body = tree.find("body")
    scope = body if body is not None else tree
    matches = {e: rule for e in _NAMED(scope) if (rule := _rule_for(e)) is not None}
    if not matches:
        return []
    text_limit = MAX_TEXT_SHARE * _text_length(scope)
    paragraph_limit = MAX_TEXT_SHARE * _paragraph_length(scope)
    lengths: dict[HtmlElement, float] = {}
    for element in list(matches):
        lengths[element] = _text_length(element)
        if lengths[element] > text_limit or _paragraph_length(element) > paragraph_limit > 0:
            del matches[element]
    per_rule: dict[str, float] = {}
    for element in _outermost(matches):
        per_rule[matches[element].name] = per_rule.get(matches[element].name, 0) + lengths[element]
    content_rules = {name for name, length in per_rule.items() if length > text_limit}
    matches = {e: rule for e, rule in matches.items() if rule.name not in content_rules}
    for element in _outermost(matches):
        if matches[element].name == "caption" and _is_article_text(element, paragraph_limit / MAX_TEXT_SHARE):
            del matches[element]  # its inner furniture (a credit line) can still go
    removals = []
    for element in _outermost(matches):
        text = _text(element)
        element.drop_tree()
        if text:
            removals.append(Removal(matches[element].name, text))
    return removals
