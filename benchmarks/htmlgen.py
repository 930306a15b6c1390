"""Seeded, news-like HTML pages around :mod:`benchmarks.corpusgen` wire copy, for speed benchmarks.

A real news page is 60-150 KB of which the article is 3-6 KB: a <head> full of meta tags, preload
links, inline CSS and analytics/config scripts with JSON blobs (a framework's hydration state
often repeats the teasers of the whole front page), an SVG-laden header and a mega-menu, then the
article (headline, byline, lead image with caption and credit, share bar, in-article ad and
newsletter slots, "Read more" links, tags) and around it the furniture: related and most-read
asides, newsletter box, cookie/consent banner, comments, a long footer and trailing scripts.
:func:`make_page` builds one such page; each outlet gets its own, stable house style (class
naming convention, which furniture it has, how big its scripts are), so the cleaner meets both
class names its DOM rules know and ones they do not.

:func:`make_articles` is :func:`benchmarks.corpusgen.make_corpus` with article-length stories
(400-900 words instead of 150-300): originals, republished variants of every tier and hard
negatives, with ground truth, so a dedup benchmark on these texts faces real wire-copy structure.

Only the stdlib ``random`` drives choices: the same seed gives the same bytes on any machine.
"""
from __future__ import annotations

import html
import json
import random
import re
import zlib
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from benchmarks.corpusgen import (
    HARD_NEGATIVE_TIERS, VARIANT_TIERS, CorpusDoc, Story, make_followup, make_story,
    make_template_lookalike, make_variant,
)

__all__ = ["make_articles", "make_page", "make_pages", "split_text", "HARD_NEGATIVE_TIERS", "VARIANT_TIERS"]

_SECTIONS = ["World", "Politics", "Business", "Markets", "Technology", "Science", "Health", "Climate",
             "Sport", "Culture", "Opinion", "Travel", "Education", "Local", "Weather", "Money"]
_SUBSECTIONS = ["Europe", "Americas", "Asia", "Africa", "Middle East", "Economy", "Companies",
                "Energy", "Football", "Tennis", "Books", "Film", "Music", "Property", "Jobs",
                "Elections", "Courts", "Transport", "Housing", "Food", "Podcasts", "Video", "Live"]
_FIRST = "Anna Ben Carla David Elena Farid Grace Hugo Ines Jonas Kira Leo Maya Nils Olga Pavel Rosa Sami Tara Ugo".split()
_LAST = "Adler Brandt Costa Duarte Eriksen Fischer Garcia Hansen Ivanova Jensen Keller Lindqvist Moreau Novak Okafor Petrov Quinn Rossi".split()
_COMMENT_LINES = [
    "This is exactly what everyone predicted months ago.",
    "Who is going to pay for all of this in the end? Us, as usual.",
    "Great reporting, thank you for covering this properly.",
    "I live nearby and nobody asked the residents what they think.",
    "The numbers in the third paragraph do not add up.",
    "Typical. Announce now, cancel later.",
    "Finally some good news for a change.",
    "Does anyone know when the consultation closes?",
    "Same story every year and nothing changes.",
    "My brother works there and says the real situation is worse.",
]
_CSS_PROPS = ["margin", "padding", "color", "background", "font-size", "line-height", "border",
              "display", "grid-template-columns", "gap", "max-width", "letter-spacing", "transition"]

# House styles: how an outlet names its furniture. Some names are ones wirewash's DOM rules know
# ("related-articles"), some are not ("c-rail", "promo-slot") -- as on the web.
_STYLES = {
    "bem": {
        "header": "c-site-header", "nav": "c-nav__menu", "article": "c-article", "body": "c-article__body",
        "byline": "c-article__byline", "share": "c-share-bar", "related": "c-related-articles",
        "mostread": "c-most-read", "newsletter": "c-newsletter-signup", "cookie": "c-cookie-banner",
        "comments": "c-comments", "footer": "c-site-footer", "ad": "c-ad-slot", "tags": "c-article__tags",
        "promo": "c-promo-box",
    },
    "camel": {
        "header": "siteHeader", "nav": "mainNav", "article": "storyContainer", "body": "storyBody",
        "byline": "storyByline", "share": "socialShare", "related": "relatedStories",
        "mostread": "mostPopular", "newsletter": "newsletterOptin", "cookie": "consentBanner",
        "comments": "commentList", "footer": "siteFooter", "ad": "adUnit", "tags": "tagList",
        "promo": "inlinePromo",
    },
    "opaque": {  # hashed CSS-module names: only ids, roles and aria labels say what is what
        "header": "hd-x9f2a", "nav": "nv-3kq1", "article": "ar-77bz", "body": "bd-k2m1",
        "byline": "by-0aa1", "share": "sb-h71", "related": "c-rail", "mostread": "c-rail-list",
        "newsletter": "promo-slot", "cookie": "cmp-wrap", "comments": "ugc-thread",
        "footer": "ft-91za", "ad": "slot-300x250", "tags": "tp-1z", "promo": "promo-slot",
    },
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def _house(outlet: str) -> random.Random:
    """An outlet's stable house style: seeded by its name, not by the page."""
    return random.Random(zlib.crc32(outlet.encode()))


def split_text(text: str) -> tuple[str, list[str]]:
    """A corpusgen text (headline, blank line, paragraphs) as (headline, paragraphs)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    return (blocks[0] if blocks else ""), blocks[1:]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _words(rng: random.Random, n: int) -> str:
    pool = ("the council market plan new report says after week officials city rail energy water "
            "price budget court vote talks deal warns record school health storm local shares").split()
    return " ".join(rng.choice(pool) for _ in range(n)).capitalize()


def _headline_like(rng: random.Random) -> str:
    return _words(rng, rng.randint(6, 12))


def _svg(rng: random.Random, name: str) -> str:
    points = " ".join(f"{rng.randint(0, 24)}.{rng.randint(0, 99)},{rng.randint(0, 24)}.{rng.randint(0, 99)}"
                      for _ in range(rng.randint(12, 40)))
    return (f'<svg class="icon icon-{name}" viewBox="0 0 24 24" aria-hidden="true" focusable="false">'
            f'<path d="M{points}Z"/></svg>')


def _css(rng: random.Random, prefix: str, n_rules: int) -> str:
    rules = []
    for i in range(n_rules):
        props = ";".join(
            f"{p}:{rng.choice(['0', '1rem', '12px', '#%06x' % rng.getrandbits(24), 'auto', 'none', '1.4', 'grid'])}"
            for p in rng.sample(_CSS_PROPS, rng.randint(2, 6))
        )
        rules.append(f".{prefix}-{i:x}{rng.choice(['', ':hover', ' > a', '__item', '--active'])}{{{props}}}")
    return "\n".join(rules)


def _state_blob(rng: random.Random, outlet: str, title: str, paragraphs: list[str], size: int) -> str:
    """A hydration/config blob as frameworks embed it: teasers, ad config, experiment flags."""
    teasers = []
    while sum(len(t["headline"]) + 160 for t in teasers) < size:
        teasers.append({
            "id": f"{rng.getrandbits(64):016x}", "headline": _headline_like(rng),
            "url": f"/{_slug(rng.choice(_SECTIONS))}/{rng.getrandbits(32):08x}",
            "image": {"src": f"https://img.example/{rng.getrandbits(48):012x}.jpg", "w": 640, "h": 360},
            "section": rng.choice(_SECTIONS), "premium": rng.random() < 0.2,
        })
    state = {
        "site": outlet, "page": {"type": "article", "title": title, "paywall": rng.random() < 0.3},
        "flags": {f"exp_{i}": rng.random() < 0.5 for i in range(rng.randint(10, 40))},
        "ads": {"slots": [f"div-gpt-ad-{rng.getrandbits(32):08x}" for _ in range(8)], "lazy": True},
        "teasers": teasers,
    }
    if rng.random() < 0.5:  # some frameworks ship the article body again in their state
        state["article"] = {"body": [{"type": "paragraph", "text": p} for p in paragraphs]}
    return json.dumps(state, separators=(",", ":"))


def make_page(
    rng: random.Random, text: str, title: str, outlet: str, *,
    published_at: datetime | None = None, url: str | None = None,
) -> str:
    """One news page: ``title`` as headline, ``text``'s paragraphs (separated by blank lines; a
    corpusgen text's leading headline is dropped when it equals ``title``) in ``<article><p>``,
    around them the page furniture of ``outlet``'s house style. Deterministic in ``rng``."""
    head_line, paragraphs = split_text(text)
    if head_line and head_line != title:
        paragraphs = [head_line, *paragraphs]
    house = _house(outlet)
    style = _STYLES[house.choice(sorted(_STYLES))]
    has = {"comments": True, "cookie": True, "newsletter": True, "state": True, "mostread": house.random() < 0.7}
    css_rules = house.randint(200, 450)
    host = _slug(outlet).replace("-", "") + ".example"
    section = rng.choice(_SECTIONS)
    published_at = published_at or datetime(2026, 11, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randrange(43200))
    url = url or f"https://{host}/{_slug(section)}/{published_at:%Y/%m/%d}/{_slug(title)}"
    author = _person(rng)
    e = html.escape
    iso = published_at.isoformat()
    description = paragraphs[0][:200] if paragraphs else title
    out: list[str] = []
    w = out.append

    # --- head -----------------------------------------------------------------------------------
    w('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w(f"<title>{e(title)} | {e(outlet)}</title>")
    for name, value in (
        ("description", description), ("author", author), ("robots", "max-image-preview:large"),
        ("news_keywords", ", ".join(rng.sample(_SUBSECTIONS, 5))),
    ):
        w(f'<meta name="{name}" content="{e(value)}">')
    for prop, value in (
        ("og:type", "article"), ("og:title", title), ("og:description", description), ("og:url", url),
        ("og:site_name", outlet), ("og:image", f"https://img.{host}/{rng.getrandbits(64):016x}.jpg"),
        ("article:published_time", iso), ("article:section", section),
        ("twitter:card", "summary_large_image"), ("twitter:site", "@" + _slug(outlet).replace("-", "")),
    ):
        w(f'<meta property="{prop}" content="{e(value)}">')
    w(f'<link rel="canonical" href="{url}">')
    for _ in range(rng.randint(4, 10)):
        w(f'<link rel="preload" as="script" href="https://cdn.{host}/_next/static/chunks/{rng.getrandbits(64):016x}.js">')
    w(f"<style>{_css(house, style['body'][:4], css_rules)}</style>")
    w("<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
      f"gtag('js',new Date());gtag('config','G-{rng.getrandbits(32):08X}',{{anonymize_ip:true}});</script>")
    ld = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
        "datePublished": iso, "dateModified": (published_at + timedelta(minutes=rng.randint(5, 300))).isoformat(),
        "author": [{"@type": "Person", "name": author}],
        "publisher": {"@type": "Organization", "name": outlet, "logo": {"@type": "ImageObject", "url": f"https://{host}/logo.png"}},
        "mainEntityOfPage": url, "articleSection": section,
    }
    w(f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    w("</head>")

    # --- header and navigation ------------------------------------------------------------------
    w(f'<body class="article-page theme-{house.randint(1, 9)}">')
    w(f'<a class="skip-link" href="#main">Skip to content</a><header class="{style["header"]}" role="banner">')
    w(f'<a class="logo" href="/" aria-label="{e(outlet)} home">{_svg(house, "logo")}</a>')
    w(f'<nav class="{style["nav"]}" aria-label="Main"><ul>')
    for sec in _SECTIONS:
        w(f'<li class="nav-item"><a href="/{_slug(sec)}">{sec}</a><ul class="nav-sub">')
        for sub in house.sample(_SUBSECTIONS, house.randint(3, 8)):
            w(f'<li><a href="/{_slug(sec)}/{_slug(sub)}">{sub}</a></li>')
        w("</ul></li>")
    w("</ul></nav>")
    w(f'<div class="header-actions"><button class="search-toggle" aria-label="Search">{_svg(house, "search")}</button>'
      '<a class="btn-subscribe" href="/subscribe">Subscribe</a><a class="login" href="/login">Sign in</a></div>')
    w("</header>")
    if rng.random() < 0.4:
        w(f'<div class="breaking-ticker" role="marquee"><strong>Breaking</strong> <a href="/live">{e(_headline_like(rng))}</a></div>')
    w(f'<div class="{style["ad"]} ad-leaderboard" data-slot="leaderboard" data-size="728x90"></div>')

    # --- article --------------------------------------------------------------------------------
    w(f'<main id="main"><article class="{style["article"]}" itemscope itemtype="https://schema.org/NewsArticle">')
    w(f'<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">Home</a> &rsaquo; '
      f'<a href="/{_slug(section)}">{section}</a></nav>')
    w(f'<h1 itemprop="headline">{e(title)}</h1>')
    w(f'<div class="{style["byline"]}">By <a rel="author" href="/authors/{_slug(author)}">{e(author)}</a> '
      f'<time datetime="{iso}">{published_at:%d %B %Y, %H:%M}</time></div>')
    share = (f'<div class="{style["share"]}" aria-label="Share this article">'
             + "".join(f'<a class="share-{n}" href="https://{n}.example/share?u={url}">{_svg(house, n)}<span>{n.title()}</span></a>'
                       for n in ("facebook", "x", "whatsapp", "linkedin", "email"))
             + '<button class="copy-link">Copy link</button></div>')
    w(share)
    w(f'<figure class="lead-image"><img src="https://img.{host}/{rng.getrandbits(64):016x}.jpg" '
      f'srcset="{", ".join(f"https://img.{host}/{rng.getrandbits(32):08x}-{px}.jpg {px}w" for px in (320, 640, 1024, 1600))}" '
      f'alt="{e(_words(rng, 8))}"><figcaption>{e(_words(rng, rng.randint(8, 18)))}. '
      f'<span class="credit">Photo: {e(_person(rng))} / {e(outlet)}</span></figcaption></figure>')
    w(f'<div class="{style["body"]}" itemprop="articleBody">')
    n = len(paragraphs)
    ad_at = {rng.randint(2, max(2, n - 1))} | ({rng.randint(4, max(4, n - 1))} if n > 8 else set())
    promo_at = rng.randint(3, max(3, n - 1))
    readmore_at = rng.randint(1, max(1, n - 1)) if rng.random() < 0.7 else -1
    for i, para in enumerate(paragraphs):
        w(f"<p>{e(para)}</p>")
        if i in ad_at:
            w(f'<div class="{style["ad"]} ad-inarticle" data-slot="mid-{i}"><span class="ad-label">Advertisement</span></div>')
        if i == readmore_at:
            w(f'<p class="read-more"><strong>Read more:</strong> <a href="/{_slug(section)}/{rng.getrandbits(32):08x}">'
              f"{e(_headline_like(rng))}</a></p>")
        if i == promo_at and has["newsletter"]:
            w(f'<aside class="{style["promo"]}"><p>Get the {e(outlet)} briefing in your inbox every morning.</p>'
              '<a href="/newsletters">Sign up</a></aside>')
    w("</div>")
    w(f'<ul class="{style["tags"]}">' + "".join(
        f'<li><a href="/topic/{_slug(t)}">{t}</a></li>' for t in rng.sample(_SUBSECTIONS, rng.randint(3, 7))) + "</ul>")
    w(share)
    if has["comments"]:
        w(f'<section class="{style["comments"]}" id="comments"><h2>Comments ({rng.randint(3, 400)})</h2>')
        for _ in range(rng.randint(3, 20)):
            w(f'<div class="comment"><span class="comment-author">{e(_person(rng))}</span>'
              f'<time>{rng.randint(1, 59)} min ago</time><p>{e(" ".join(rng.sample(_COMMENT_LINES, rng.randint(1, 3))))}</p>'
              '<button class="reply">Reply</button> <button class="like">Like</button></div>')
        w("</section>")
    w("</article>")

    # --- asides ---------------------------------------------------------------------------------
    w(f'<aside class="{style["related"]}" aria-label="Related"><h2>Related</h2><ul>')
    for _ in range(rng.randint(6, 12)):
        w(f'<li><a href="/{_slug(rng.choice(_SECTIONS))}/{rng.getrandbits(32):08x}">'
          f'<img loading="lazy" src="https://img.{host}/{rng.getrandbits(48):012x}.jpg" alt="">'
          f"<h3>{e(_headline_like(rng))}</h3><p>{e(_words(rng, rng.randint(12, 25)))}.</p></a></li>")
    w("</ul></aside>")
    if has["mostread"]:
        w(f'<aside class="{style["mostread"]}"><h2>Most read</h2><ol>' + "".join(
            f'<li><a href="/{rng.getrandbits(32):08x}">{e(_headline_like(rng))}</a></li>' for _ in range(rng.randint(5, 10)))
          + "</ol></aside>")
    if has["newsletter"]:
        w(f'<section class="{style["newsletter"]}"><h2>Sign up to our newsletter</h2>'
          f"<p>The day's most important stories from {e(outlet)}, every weekday morning.</p>"
          '<form action="/newsletter/subscribe" method="post"><input type="email" name="email" placeholder="Email address">'
          '<button type="submit">Sign up</button></form><p class="small">You can unsubscribe at any time. '
          "See our privacy policy.</p></section>")
    w("</main>")

    # --- footer, consent banner, trailing scripts -----------------------------------------------
    w(f'<footer class="{style["footer"]}" role="contentinfo"><div class="footer-cols">')
    for sec in _SECTIONS:
        w(f"<ul><li><strong>{sec}</strong></li>" + "".join(
            f'<li><a href="/{_slug(sec)}/{_slug(s)}">{s}</a></li>' for s in house.sample(_SUBSECTIONS, 4)) + "</ul>")
    w("</div><ul class=\"legal\">" + "".join(f'<li><a href="/{_slug(x)}">{x}</a></li>' for x in (
        "About us", "Contact", "Careers", "Advertise", "Privacy policy", "Cookie settings", "Terms of use",
        "Accessibility", "Corrections")) + f"</ul><p>&copy; 2026 {e(outlet)}. All rights reserved.</p></footer>")
    if has["cookie"]:
        w(f'<div class="{style["cookie"]}" role="dialog" aria-label="Cookie consent"><p>We use cookies and similar '
          "technologies to personalise content and ads, to provide social media features and to analyse our traffic. "
          "We also share information about your use of our site with our partners.</p>"
          '<button class="accept">Accept all</button><button class="reject">Reject</button>'
          '<a href="/cookie-settings">Manage preferences</a></div>')
    if has["state"]:
        size = house.randint(8_000, 60_000)
        w(f'<script id="__APP_STATE__" type="application/json">{_state_blob(rng, outlet, title, paragraphs, size)}</script>')
    for _ in range(rng.randint(3, 8)):
        w(f'<script async src="https://cdn.{host}/static/{rng.getrandbits(64):016x}.js"></script>')
    w("<script>(function(){var s=document.createElement('script');s.src='https://ads.example/tag.js';"
      "s.async=true;document.head.appendChild(s);" + "".join(
          f"window.__cfg{i}={{id:'{rng.getrandbits(64):016x}',v:{rng.random():.6f}}};" for i in range(house.randint(20, 120)))
      + "})();</script>")
    w("</body></html>")
    return "\n".join(out)


# --- article-length corpus ---------------------------------------------------------------------

def _lengthen(rng: random.Random, story: Story, words: int) -> Story:
    """``story`` with extra body paragraphs (same cast) until its text has about ``words`` words."""
    skeleton = list(story.skeleton)
    while len(replace(story, skeleton=tuple(skeleton)).text.split()) < words:
        extra = make_story(rng, story.story_id, story.cast).skeleton[1:]
        for para in extra:
            skeleton.append(para)
            if len(replace(story, skeleton=tuple(skeleton)).text.split()) >= words:
                break
    return replace(story, skeleton=tuple(skeleton))


def make_articles(n_docs: int, seed: int, copies: int = 5, hard_negative_rate: float = 0.3,
                  words: tuple[int, int] = (400, 900)) -> list[CorpusDoc]:
    """About ``n_docs`` article-length docs (exactly ``n_docs``: the last story's set is cut):
    originals of ``words`` words, ``copies`` variants of each (tiers uniform), hard negatives for
    a ``hard_negative_rate`` share of stories; shuffled, as :func:`corpusgen.make_corpus`."""
    rng = random.Random(seed)
    outlets = ["The Harbour Ledger", "Midland Courier", "Northgate Daily Post", "The Bayside Gazette",
               "Valley Record", "Eurofront Business", "The Atlantic Standard", "Caddon Bay Times"]
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    docs: list[CorpusDoc] = []
    n = 0
    while len(docs) < n_docs:
        story = _lengthen(rng, make_story(rng, f"s{n:05d}"), rng.randint(*words))
        n += 1
        published = start + timedelta(minutes=rng.randrange(60 * 24 * 30))
        docs.append(CorpusDoc(f"doc-{rng.getrandbits(48):012x}", story.text, published, story.story_id, "original", None))
        for _ in range(copies):
            when = None if rng.random() < 0.1 else published + timedelta(minutes=rng.randint(5, 36 * 60))
            tier = rng.choice(VARIANT_TIERS)
            text = make_variant(rng, story, tier, rng.choice(outlets))
            docs.append(CorpusDoc(f"doc-{rng.getrandbits(48):012x}", text, when, story.story_id, tier, None))
        if rng.random() < hard_negative_rate:
            follow = _lengthen(rng, make_followup(rng, story, f"{story.story_id}-followup"), rng.randint(*words))
            docs.append(CorpusDoc(f"doc-{rng.getrandbits(48):012x}", follow.text,
                                  published + timedelta(hours=rng.randint(6, 72)), follow.story_id, "followup", story.story_id))
            look = make_template_lookalike(rng, story, f"{story.story_id}-template")
            docs.append(CorpusDoc(f"doc-{rng.getrandbits(48):012x}", look.text,
                                  start + timedelta(minutes=rng.randrange(60 * 24 * 30)), look.story_id, "template", story.story_id))
    docs = docs[:n_docs]
    if len({d.doc_id for d in docs}) != len(docs):  # 48-bit ids: a clash is ~1e-7 at 10k docs
        raise RuntimeError("doc id clash; pick another seed")
    rng.shuffle(docs)
    return docs


def make_pages(docs: list[CorpusDoc], seed: int) -> list[tuple[str, str]]:
    """(url, html) for each doc, on outlets drawn per page; deterministic in ``seed``."""
    rng = random.Random(seed)
    outlets = ["The Harbour Ledger", "Midland Courier", "Northgate Daily Post", "The Bayside Gazette",
               "Valley Record", "Eurofront Business", "The Atlantic Standard", "Caddon Bay Times",
               "Kreisbote Lahnfeld", "Nordvik Financial Times", "Brannock Herald", "Eastport Observer"]
    pages = []
    for doc in docs:
        title, _ = split_text(doc.text)
        outlet = rng.choice(outlets)
        host = _slug(outlet).replace("-", "") + ".example"
        url = f"https://{host}/news/{doc.doc_id}"
        pages.append((url, make_page(rng, doc.text, title, outlet, published_at=doc.published_at, url=url)))
    return pages
