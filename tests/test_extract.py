"""extract_html, the DOM furniture rules and language detection, on synthetic pages."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml.html import document_fromstring

from cleaners.config import CleanConfig
from cleaners.dom_rules import DOM_RULES, prune_furniture, rule_for_names
from cleaners.extract import ExtractedPage, extract_html
from cleaners.language import detect_language

ARTICLE_SENTENCES = [
    ("The harbour bridge reopened to traffic on Tuesday morning after eight months of repairs "
     "to its steel deck, its cables and the two approach ramps on the northern bank."),
    ("City engineers said the work had cost slightly less than the budget set last spring, "
     "because the weather allowed crews to work through most of the winter without pauses."),
    ("Commuters who had used the ferry since the closure queued at the ramps before dawn, "
     "and the first buses crossed the river shortly after six o'clock in light rain."),
    ("Residents who baked cookies for the repair crews during the winter were invited to the "
     "ceremony, and a local bakery handed out more of them to everyone who walked across."),
    ("The city's new parking app, the council said, will show the bridge's traffic in real time; "
     "a newsletter for commuters and related matters such as tolls will be discussed next month."),
    ("The mayor thanked the engineers and said the next project would be the old tunnel, whose "
     "lighting and ventilation date from the nineteen sixties and fail every second winter."),
]
LOOKALIKES = ARTICLE_SENTENCES[3:5]  # talk about cookies, an app, a newsletter, "related" matters

FURNITURE = {
    "cookie_banner": "We use cookies to give you the best experience. Accept all cookies",
    "share": "Share on Facebook Share on X Send by email",
    "caption": "The bridge at dawn. Photo: Max Mustermann / Example Agency",
    "newsletter_promo": "Get our morning briefing in your inbox every weekday",
    "related": "Ferry fares to rise in spring Tunnel closure planned for May",
    "comments": "Finally! It took them long enough to fix it.",
}

# Named only by a data-* attribute that trafilatura's own discard rules do not read: it keeps it.
IN_ARTICLE_PROMO = "Sign up for The Gazette Morning, delivered to your inbox before seven on every weekday."

P = "".join(f"<p>{sentence}</p>\n" for sentence in ARTICLE_SENTENCES[:2])
REST = "".join(f"<p>{sentence}</p>\n" for sentence in ARTICLE_SENTENCES[2:])
ARTICLE_HTML = f"""<!DOCTYPE html>
<html lang="en"><head>
<title>Harbour bridge reopens after repairs - Example Gazette</title>
<meta property="og:title" content="Harbour bridge reopens after repairs">
<meta property="og:site_name" content="Example Gazette">
<meta name="author" content="Jane Doe and John Roe">
<meta property="article:published_time" content="2024-03-05T14:30:00+01:00">
</head><body>
<div id="cookie-consent" class="cookieBanner"><p>{FURNITURE["cookie_banner"]}</p></div>
<nav><a href="/">Home</a> <a href="/city">City</a></nav>
<main><article>
<h1>Harbour bridge reopens after repairs</h1>
<div class="share-bar" aria-label="Share this article"><a href="#">Share on Facebook</a>
<a href="#">Share on X</a> <a href="#">Send by email</a></div>
{P}
<figure><img src="bridge.jpg" alt=""><figcaption>{FURNITURE["caption"]}</figcaption></figure>
<div class="newsletter-signup"><h3>Get our morning briefing</h3>
<p>in your inbox every weekday</p></div>
{REST}
<div class="inline-box" data-module="NewsletterPromo"><p>{IN_ARTICLE_PROMO}</p></div>
<aside class="related-links"><h3>Related</h3><ul><li><a href="/a">Ferry fares to rise in spring</a></li>
<li><a href="/b">Tunnel closure planned for May</a></li></ul></aside>
</article></main>
<section id="comments"><h2>2 comments</h2>
<div class="comment"><p>{FURNITURE["comments"]}</p></div></section>
</body></html>"""


def collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def page() -> ExtractedPage:
    return extract_html(ARTICLE_HTML, url="https://gazette.example/city/bridge")


def test_article_sentences_stay(page: ExtractedPage) -> None:
    for sentence in ARTICLE_SENTENCES:
        assert sentence in page.text


def test_paragraphs_are_separated_by_newlines(page: ExtractedPage) -> None:
    assert f"{ARTICLE_SENTENCES[0]}\n{ARTICLE_SENTENCES[1]}" in page.text


@pytest.mark.parametrize("rule", sorted(FURNITURE))
def test_furniture_is_gone_and_reported_under_its_rule(page: ExtractedPage, rule: str) -> None:
    furniture = FURNITURE[rule]
    assert furniture not in collapse(page.text)
    assert any(r.rule == rule and furniture in r.text for r in page.removals), page.removals


def test_lookalike_paragraphs_are_not_reported(page: ExtractedPage) -> None:
    assert not any(sentence in r.text for r in page.removals for sentence in LOOKALIKES)


def test_metadata(page: ExtractedPage) -> None:
    assert page.title == "Harbour bridge reopens after repairs"
    assert page.authors == ["Jane Doe", "John Roe"]
    assert page.published_at == datetime(2024, 3, 5, 13, 30, tzinfo=UTC)
    assert page.site == "Example Gazette"


def test_date_without_offset_is_utc_and_site_falls_back_to_the_host() -> None:
    html = ARTICLE_HTML.replace("2024-03-05T14:30:00+01:00", "2024-03-05").replace(
        '<meta property="og:site_name" content="Example Gazette">', ""
    ).replace(" - Example Gazette", "")
    page = extract_html(html, url="https://gazette.example/city/bridge")
    assert page.published_at == datetime(2024, 3, 5, tzinfo=UTC)
    assert page.site == "gazette.example"


def test_dom_rules_remove_what_trafilatura_keeps(page: ExtractedPage) -> None:
    unpruned = extract_html(ARTICLE_HTML, config=CleanConfig(dom_rules=False))
    assert unpruned.removals == []
    assert IN_ARTICLE_PROMO in unpruned.text
    assert IN_ARTICLE_PROMO not in page.text
    assert any(r.rule == "newsletter_promo" and r.text == IN_ARTICLE_PROMO for r in page.removals)


# Token policy: markers are whole tokens of class/id/role/aria-label/data-* values.
@pytest.mark.parametrize(
    ("names", "rule"),
    [
        (("related-content",), "related"),
        (("mostRead",), "related"),
        (("shareBar",), "share"),
        (("BorlabsCookie",), "cookie_banner"),
        (("newsletterSignup",), "newsletter_promo"),
        (("div-gpt-ad-1234",), "ad"),
        (("wp-caption-text",), "caption"),
        (("comment-list",), "comments"),
        (("post-tags",), "tags"),
        (("about-the-author",), "author_box"),
        (("Share this article",), "share"),  # an aria-label
        (("article-body",), None),
        (("shared-content",), None),  # "shared" is not "share"
        (("commentary-section",), None),  # "commentary" is not "comment"
        (("headline", "loader"), None),  # "ad" inside a word is no token
        (("article-related-content-body",), None),  # names the body: content, not furniture
        (("entry-content share-enabled",), None),
        (("no-share post-123",), None),  # states, not kinds
        (("isPaywall",), None),
        (("read", "more"),  None),  # separate attribute values never form a marker together
    ],
)
def test_token_policy(names: tuple[str, ...], rule: str | None) -> None:
    found = rule_for_names(names)
    assert (found.name if found else None) == rule


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in DOM_RULES]
    assert len(names) == len(set(names))


def _prune(body: str) -> tuple[str, list[str]]:
    tree = document_fromstring(f"<html><body>{body}</body></html>")
    removals = prune_furniture(tree)
    return collapse(tree.text_content()), [r.rule for r in removals]


LONG = " ".join(ARTICLE_SENTENCES)


def test_article_and_main_are_never_dropped() -> None:
    text, rules = _prune(f'<article class="related"><p>{LONG}</p></article><main class="ads"><p>x</p></main>')
    assert LONG in text and rules == []


def test_a_match_holding_most_of_the_text_is_the_article() -> None:
    body = f'<div class="comments"><p>{LONG}</p></div><div class="share">Share</div>'
    text, rules = _prune(body)
    assert LONG in text and rules == ["share"]


def test_inline_element_in_a_paragraph_stays_with_its_sentence() -> None:
    body = f'<p>Seen from the <span class="credit">north bank</span> it looks new.</p><p>{LONG}</p>'
    text, rules = _prune(body)
    assert "Seen from the north bank it looks new." in text and rules == []


def test_data_attributes_name_only_as_identifiers() -> None:
    body = (
        f'<p>{LONG}</p><div data-component="share-bar">Share this</div>'
        '<div data-url="https://x.example/share?u=1">Kept text</div>'
    )
    text, rules = _prune(body)
    assert "Share this" not in text and "Kept text" in text and rules == ["share"]


def test_tail_text_after_a_dropped_element_stays() -> None:
    text, _ = _prune(f'<div><p>{LONG}</p><div class="ad">Advertisement</div>tail words</div>')
    assert "tail words" in text and "Advertisement" not in text


DESCRIPTION = (
    "The ferry crews talk about eight months on the river. They crossed more than four thousand times. "
    "Most passengers were commuters on their way to the northern bank."
)
LONG_CAPTION = (
    "Crews lift the last of the new steel deck plates into place over the river on a cold morning in "
    "February, three weeks before the harbour bridge was opened again to cars, buses and cyclists."
)


def test_a_caption_that_holds_a_description_stays() -> None:
    body = f'<div class="video"><p>{LONG}</p><div class="item-caption"><p>{DESCRIPTION}</p></div></div>'
    text, rules = _prune(body)
    assert DESCRIPTION in text and rules == []


def test_a_long_caption_inside_the_article_stays() -> None:
    body = (
        f'<div class="story"><p>{LONG}</p><figure><figcaption>{LONG_CAPTION}</figcaption></figure>'
        f'<p>{LONG}</p></div>'
    )
    text, rules = _prune(body)
    assert LONG_CAPTION in text and rules == []


@pytest.mark.parametrize(
    "body",
    [
        # a caption proper: short sentences
        (f'<div class="story"><p>{LONG}</p><figure><figcaption>The bridge at dawn. Photo: Max Mustermann'
         f'</figcaption></figure><p>{LONG}</p></div>'),
        # a long caption outside the article (a sidebar teaser's picture)
        (f'<div class="story"><p>{LONG}</p><p>{LONG}</p></div><aside><figure><figcaption>{LONG_CAPTION}'
         '</figcaption></figure></aside>'),
        # sentences under a credit or copyright name are the footer's, not a description
        f'<div class="story"><p>{LONG}</p><p>{LONG}</p></div><div class="copyright"><p>{DESCRIPTION}</p></div>',
    ],
)
def test_lookalike_captions_still_go(body: str) -> None:
    text, rules = _prune(body)
    assert rules == ["caption"] and LONG in text


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<script>document.write('hello')</script>",
        "<html><body><div><p>unclosed <b>bold <table><tr><td>cell</div></body>",
        "<<<>>> &&& </p></p></div>",
        "\x00\x01\x02 binary junk \xff",
        "<div " + " ".join(f'data-x{i}="{"y" * 40}"' for i in range(3000)) + ">soup</div>",
        "<div>" * 3000 + "deep" + "</div>" * 3000,
        f'<html><body><div class="comments"><p>{LONG}</p></div></body></html>',
    ],
)
def test_bad_input_does_not_raise(html: str) -> None:
    page = extract_html(html, url="http://[unbalanced/")
    assert isinstance(page.text, str)


def test_page_with_nothing_to_extract_gives_empty_text() -> None:
    assert extract_html("<html><head><script>var a = 1;</script></head><body></body></html>").text == ""


def test_language_english_and_german() -> None:
    assert detect_language(" ".join(ARTICLE_SENTENCES[:2])) == "en"
    german = (
        "Die Hafenbrücke ist am Dienstagmorgen nach acht Monaten Bauzeit wieder für den Verkehr "
        "freigegeben worden, teilte die Stadtverwaltung mit."
    )
    assert detect_language(german) == "de"


def test_language_of_short_text_is_unknown() -> None:
    assert detect_language("Hallo Welt") is None
    assert detect_language("") is None


@pytest.mark.parametrize("stated", [
    '<meta property="article:published_time" content="2024-03-05T23:30:00-05:00">',
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Harbour bridge reopens",'
    ' "datePublished": "2024-03-05T23:30:00-05:00", "dateModified": "2024-03-07T08:00:00Z"}</script>',
    '<meta itemprop="datePublished" content="2024-03-06T04:30:00Z">',
])
def test_stated_publication_time_and_zone_are_kept(stated: str) -> None:
    """Same-day copies are ordered by time: the stated moment wins over a day-only date (here the
    URL's, a day earlier in the page's zone) and keeps its offset, converted to UTC."""
    html = ARTICLE_HTML.replace('<meta property="article:published_time" content="2024-03-05T14:30:00+01:00">', stated)
    page = extract_html(html, url="https://gazette.example/2024/03/05/bridge")
    assert page.published_at == datetime(2024, 3, 6, 4, 30, tzinfo=UTC)


def test_a_stated_date_without_time_falls_back_to_the_date_search() -> None:
    html = ARTICLE_HTML.replace("2024-03-05T14:30:00+01:00", "2024-03-05").replace(
        "</head>", '<script type="application/ld+json">{"datePublished": "not a date"}</script></head>')
    assert extract_html(html).published_at == datetime(2024, 3, 5, tzinfo=UTC)
