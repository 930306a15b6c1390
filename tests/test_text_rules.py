"""Every text rule removes its furniture and leaves its look-alike in the article.

All texts here are synthetic: a made-up flood story with made-up outlets.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import pytest

from cleaners.clean import clean_page
from cleaners.config import CleanConfig
from cleaners.model import Removal
from cleaners.rules import RULE_NAMES
from cleaners.split import split_stacked
from cleaners.text import TextResult, apply_text_rules, normalise_lines

CONFIG = CleanConfig(detect_language=False)

TITLE = "Flood waters force hundreds from valley homes"
P1 = ("The river authority said water levels in the northern valley rose by two metres overnight, "
      "forcing hundreds of residents from their homes.")
P2 = ("Emergency crews worked through the night to shore up the embankments along the eastern bank, "
      "the authority said in a statement.")
P3 = ("Officials expect the water to recede by the end of the week if the forecast holds, though more "
      "rain is expected on Thursday.")
P4 = ("Farmers in the lower valley said their fields had been under water since Monday and that the "
      "spring planting would be delayed.")
P5 = ("The regional government has promised emergency payments to households forced to leave, and "
      "schools will stay closed until Friday.")
ARTICLE = (P1, P2, P3, P4)


def rules_on(*lines: str, title: str | None = None) -> TextResult:
    return apply_text_rules(normalise_lines("\n".join(lines)), title)


def removed_by(result: TextResult, rule: str) -> list[str]:
    return [r.text for r in result.removals if r.rule == rule]


@dataclass(frozen=True)
class Case:
    """`snippet` in `lines` is removed by `rule` (removed=True) or stays in the text (removed=False)."""

    rule: str
    lines: tuple[str, ...]
    snippet: str
    removed: bool
    title: str | None = None

    def __str__(self) -> str:
        return f"{self.rule}:{'+' if self.removed else '-'}:{self.snippet[:30]}"


def furniture(rule: str, *lines: str, snippet: str | None = None, title: str | None = None) -> Case:
    return Case(rule, lines, snippet or next(line for line in lines if line not in (TITLE, *ARTICLE, P5)), True, title)


def stays(rule: str, *lines: str, snippet: str | None = None, title: str | None = None) -> Case:
    return Case(rule, lines, snippet or next(line for line in lines if line not in (TITLE, *ARTICLE, P5)), False, title)


GALLERY = (TITLE, P1, "A flooded street with parked cars.", "4", "Water filled the main street on MondayCredit: Example Photos",
           "Volunteers carrying sandbags.", "4", "Volunteers worked through the night", P2, P3)
TEASERS = ("Valley farmers count the cost of spring floods", "Example Daily", "3 hours ago",
           "Rain returns to the hills as the reservoir fills", "Example Daily", "5 hours ago")

CASES = [
    furniture("advertisement", TITLE, P1, "- Advertisement -", P2, P3),
    furniture("advertisement", TITLE, P1, "Anzeige", P2, P3),
    stays("advertisement", TITLE, P1, "Advertisement revenue at the paper fell by a third last year, its owners said in a filing.", P2),
    furniture("app_promo", *ARTICLE, "DOWNLOAD THE APP"),
    furniture("app_promo", *ARTICLE, "Love local news? Download the Example app today from your preferred app store and start reading."),
    furniture("app_promo", *ARTICLE, "app-storeplay-store"),
    furniture("app_promo", *ARTICLE, "For the latest flood news download the Example apps for iOS and Android."),
    stays("app_promo", TITLE, P1, "Residents can download the flood app for iOS and Android, the authority said on Monday.", P2),
    stays("app_promo", TITLE, P1, "Users can download the app from the App Store, the company said, but not yet in Europe.", P2),
    furniture("promo", *ARTICLE, "Try Our AI Features"),
    furniture("promo", *ARTICLE, "Explore what Example AI can do for you:"),
    stays("promo", TITLE, P1, "Try the soup first, the chef said, and then tell me it is not worth the long wait outside in the cold.", P2),
    furniture("newsletter", TITLE, P1, "Sign up for our daily flood-watch newsletter", P2, P3),
    furniture("newsletter", *ARTICLE, "Subscribe now to our weekend edition for the full story."),
    furniture("newsletter", *ARTICLE, "Zum Newsletter anmelden"),
    furniture("newsletter", TITLE, P1, P2, "Subscribe", P3),
    stays("newsletter", TITLE, P1, "More than 40,000 readers signed up for the council's flood newsletter in the first week, officials said.", P2),
    furniture("newsletter", *ARTICLE, "Never miss a flood warning again by signing up to our alerts newsletter."),
    stays("newsletter", TITLE, P1, "Subscribers to the council's flood alerts received a warning on Monday night, hours before the levee broke.", P2),
    furniture("social_follow", *ARTICLE, "Follow Example News on Twitter and Instagram @examplenews and on Facebook."),
    furniture("social_follow", *ARTICLE, "Folgen Sie uns auf Instagram!"),
    stays("social_follow", TITLE, P1, "Residents who follow the river authority on Twitter saw the warning an hour before the sirens.", P2),
    stays("social_follow", TITLE, P1, "Join the volunteers on the eastern bank, the mayor wrote on Facebook, and bring a shovel.", P2),
    furniture("donation", *ARTICLE, "Consider supporting independent local news."),
    furniture("donation", *ARTICLE, "Hazte miembro y disfruta de beneficios exclusivos"),
    stays("donation", TITLE, P1, "Residents asked the council to consider supporting the bid for a new flood barrier on the eastern bank.", P2),
    furniture("paywall", *ARTICLE, "Subscribers only"),
    furniture("paywall", *ARTICLE, "To read the full story, please subscribe to the Example Times or log in."),
    stays("paywall", TITLE, P1, "The minister said the new reservoir would not be for subscribers only but for every household in the valley.", P2),
    furniture("ad_disclosure", *ARTICLE, "*Werbung. Dieser Beitrag enthält Werbung für Example-Gummistiefel."),
    furniture("ad_disclosure", *ARTICLE, "This post contains affiliate links."),
    stays("ad_disclosure", TITLE, P1, "The regulator said this post contains affiliate links that were not disclosed to readers.", P2),
    furniture("cookie_banner", *ARTICLE, "This website uses cookies to improve your experience. You can opt-out if you wish. Accept Read More"),
    furniture("cookie_banner", *ARTICLE, "Accept all cookies"),
    stays("cookie_banner", TITLE, P1, "This website uses cookies to track readers, the regulator said in its report on Tuesday.", P2),
    furniture("embed_placeholder", TITLE, P1, "Externer Inhalt", P2, P3),
    furniture("embed_placeholder", TITLE, P1, "Video überspringen Hinweis: Wenn Sie dieses Video abspielen, werden Daten an "
              "Example Video übertragen.", P2, P3),
    furniture("embed_placeholder", TITLE, P1, "Click to load the video from Example Tube.", P2, P3),
    stays("embed_placeholder", TITLE, P1, "The council said the video from the eastern bank would be shown at the town hall "
          "on Friday, when residents can load their questions onto the agenda.", P2),
    furniture("media_availability", TITLE, P1, "Video verfügbar bis 28.02.2031", P2, P3),
    furniture("media_availability", TITLE, P1, "Available until 12 March 2031", P2, P3),
    stays("media_availability", TITLE, P1, "Sandbags are available until 12 March 2031 at the town hall, the council said.", P2),
    furniture("share", TITLE, P1, "Share this article", P2, P3),
    furniture("share", TITLE, P1, "Facebook Twitter Email Copy link", P2, P3),
    stays("share", TITLE, P1, "Share prices of the water company fell by four percent after the flood warnings were issued.", P2),
    furniture("separator", TITLE, P1, P2, "_____", P3),
    furniture("separator", TITLE, P1, P2, "* * *", P3),
    stays("separator", TITLE, P1, "Water levels – and the damage – rose again on Tuesday, the authority said in its update.", P2),
    furniture("feed_footer", *ARTICLE, "The post Flood waters force hundreds from valley homes appeared first on Example News."),
    furniture("feed_footer", *ARTICLE, "Source link"),
    stays("feed_footer", TITLE, P1, "The post office in the lower valley appeared first on the list of buildings to be evacuated.", P2),
    furniture("relative_time", TITLE, "2 hours ago", P1, P2),
    furniture("relative_time", TITLE, "time38 minutes ago", P1, P2),
    stays("relative_time", TITLE, P1, "The levee broke 2 hours ago, residents said, and water reached the main square within minutes.", P2),
    furniture("read_more_link", TITLE, P1, "Read more: Valley farmers count the cost of spring floods", P2, P3),
    furniture("read_more_link", TITLE, P1, "Lea también: Las lluvias vuelven al valle", P2, P3),
    furniture("read_more_link", TITLE, P1, "LESEN SIE AUCH: Hochwasser im Tal: Was Anwohner jetzt wissen müssen", P2, P3),
    furniture("read_more_link", TITLE, P1, "À lire aussi : Les crues de printemps dans la vallée", P2, P3),
    # After a label, a sentence with its full stop is article text; "Lea" and "Mira" are also names.
    stays("read_more_link", TITLE, P1, "Mehr dazu: Die Regierung will das Gesetz noch im Herbst ändern.", P2),
    stays("read_more_link", TITLE, P1, "Lea: Ich habe das Wasser zuerst im Keller gesehen, dann auf der Straße", P2),
    stays("read_more_link", TITLE, P1, "Read more carefully, the judge told the lawyers, and you will see the contract says no such thing.", P2),
    furniture("related_heading", *ARTICLE, "Related Articles", *TEASERS),
    stays("related_heading", TITLE, P1, "Related articles published by the agency last year described similar flooding in the south.", P2),
    furniture("related_heading", *ARTICLE, "Das könnte Sie auch interessieren:", *TEASERS),
    furniture("related_heading", *ARTICLE, "Notas relacionadas", *TEASERS),
    furniture("related_teasers", *ARTICLE, "Related Articles", *TEASERS, snippet=TEASERS[3]),
    furniture("tags_heading", *ARTICLE, "Schlagwörter", "Hochwasser", "Valleytown", "Wetter"),
    stays("tags_heading", TITLE, P1, "Tags on the sandbags showed which village had sent them, the volunteers said.", P2),
    furniture("tag_list", *ARTICLE, "Tags", "floods", "Valleytown", "weather", snippet="Valleytown"),
    # A tag heading mid-article, with paragraphs under it, cuts nothing but itself.
    stays("tag_list", TITLE, P1, "Tags", P2, P3, P4, P5, snippet=P4),
    # A heading mid-article, followed by paragraphs, cuts nothing but itself.
    stays("related_teasers", TITLE, P1, "Related", P2, P3, P4, P5, snippet=P4),
    furniture("comments_heading", *ARTICLE, "No comments yet..."),
    furniture("comments_heading", *ARTICLE, "Verraten Sie gerne in den Kommentaren: Wie schützen Sie Ihr Haus?"),
    stays("comments_heading", TITLE, P1, "Comments from residents at the meeting were mostly angry, the mayor's spokeswoman said.", P2),
    furniture("comments", *ARTICLE, "Leave a Reply", "Your email address will not be published.", "Name", "Email",
              snippet="Your email address will not be published."),
    stays("comments", TITLE, P1, "Comments", P2, P3, P4, P5, snippet=P5),
    furniture("copyright", *ARTICLE, "© 2025 Example Agency"),
    furniture("copyright", *ARTICLE, "Copyright (C) 2025, Example Content Agency, LLC. All rights reserved."),
    furniture("copyright", *ARTICLE, "This material may not be published, broadcast, rewritten or redistributed."),
    stays("copyright", TITLE, P1, "A copyright dispute between the two broadcasters over the flood footage went to court in 2024.", P2),
    stays("copyright", TITLE, P1, "Copyright lawyers said the 2025 ruling would change how such footage is licensed in future.", P2),
    stays("copyright", TITLE, P1, "The label said all rights reserved by the estate would pass to the singer's children.", P2),
    furniture("footer", *ARTICLE, "© 2025 Example Agency", "Orange background", "Try Our AI Features", *TEASERS,
              snippet="Orange background"),
    # A copyright line before any paragraph is not a footer: the article follows it.
    stays("footer", "© 2025 Example Agency", TITLE, P1, P2, snippet=P2),
    furniture("wire_credit", *ARTICLE, "(AFP)"),
    furniture("wire_credit", *ARTICLE, "— Reuters"),
    stays("wire_credit", TITLE, P1, "AFP reporters saw water reach the first floor of several houses on the main street.", P2),
    furniture("tag_line", *ARTICLE, "Tags: floods, Valleytown, weather"),
    furniture("tag_line", *ARTICLE, "Kategorie: Nachrichten"),
    # Mid-article a "Themen:" line introduces content.
    stays("tag_line", TITLE, P1, "Themen: Deiche, Pumpen, Versicherungen", P2, P3),
    furniture("source_line", *ARTICLE, "Quelle: Landesamt für Umwelt"),
    stays("source_line", TITLE, P1, "Source: a senior official said the dam was never inspected", P2, P3),
    furniture("photo_label", TITLE, P1, "Titelbild: Example Photos", P2, P3),
    furniture("photo_label", TITLE, P1, "Symbolbild", P2, P3),
    stays("photo_label", TITLE, P1, "Photo finish: the rowing race on the flooded lake was decided by a hundredth of a second.", P2),
    furniture("author_bio", *ARTICLE, "About the author", "Jane Roe", "Jane covers climate and water for Example News.",
              snippet="Jane covers climate and water for Example News."),
    # An "About the author" heading mid-article, with paragraphs under it, cuts nothing but itself.
    stays("author_bio", TITLE, P1, "About the author", P2, P3, P4, P5, snippet=P4),
    furniture("author_heading", *ARTICLE, "About the author", "Jane Roe", "Jane covers climate and water for Example News."),
    stays("author_heading", TITLE, P1, "About the author of the report, the ministry said little beyond her name.", P2),
    furniture("byline", TITLE, "By Jane Roe", *ARTICLE),
    furniture("byline", *ARTICLE, "Edited By John Doe"),
    stays("byline", TITLE, "By the end of the day the water had reached the town hall, where volunteers stacked sandbags.", *ARTICLE),
    furniture("date_line", TITLE, "Example News 2404-03-2025", *ARTICLE),
    furniture("date_line", TITLE, "Updated March 4, 2025 10:32", *ARTICLE),
    # A date in the body is content (a timeline entry), only near the top is it furniture.
    stays("date_line", TITLE, P1, "March 4, 2025", P2, P3),
    furniture("time_line", TITLE, "3:59 PM", *ARTICLE),
    furniture("time_line", *ARTICLE, "19:49"),
    # Mid-article a time alone is content: a timeline's entry.
    stays("time_line", TITLE, P1, "19:49", P2, P3),
    furniture("dateline", TITLE, "VALLEYTOWN (AP) —", *ARTICLE),
    stays("dateline", TITLE, "VALLEYTOWN (AP) — " + P1, P2, P3),
    furniture("breadcrumb", "Home » News » Weather", TITLE, *ARTICLE),
    stays("breadcrumb", "Valley floods › what we know so far", *ARTICLE, snippet=P1),
    furniture("title", TITLE, *ARTICLE, snippet=TITLE),
    stays("title", *ARTICLE, snippet=P1),
    furniture("title_repeat", TITLE, TITLE, *ARTICLE, snippet=TITLE),
    furniture("title_repeat", TITLE, *ARTICLE, snippet=TITLE, title=TITLE + " | The Valley Post"),
    stays("title_repeat", TITLE, TITLE + ", the authority warned on Monday, as the river kept rising past the old mill.", P1,
          snippet=TITLE + ", the authority warned"),
    furniture("masthead", "logo", TITLE, *ARTICLE),
    stays("masthead", TITLE, P1, "Sandbags arrive", P2, P3),
    # Once the article has started (a dek under the headline), short lines are its subheads.
    stays("masthead", TITLE, "Water levels rose again overnight in the north of the valley", "Timeline", P1, P2,
          snippet="Timeline"),
    stays("masthead", TITLE, "Dear readers,", P1, P2, snippet="Dear readers,"),
    # Two words right above the first paragraph are its subhead; one word there is a section name.
    stays("masthead", "Early years", P1, P2, snippet="Early years", title=TITLE),
    furniture("masthead", "Politics", P1, P2, snippet="Politics", title=TITLE),
    # Chinese, Japanese and Korean are not written with spaces: a short line is a whole phrase.
    stays("masthead", TITLE, "洪水警報が続く", P1, P2, snippet="洪水警報が続く"),
    furniture("image_counter", TITLE, "0", "133", *ARTICLE, snippet="133"),
    furniture("image_counter", *GALLERY, snippet="4"),
    stays("image_counter", TITLE, P1, "Residents should:", "1", "Move valuables upstairs", "2", "Switch off the power", "3",
          "Leave early", P2, snippet="2"),
    furniture("image_alt", *GALLERY, snippet="Volunteers carrying sandbags."),
    # Quantities on lines of their own, every other line, are a list (a recipe), not a gallery.
    stays("image_alt", TITLE, P1, "1", "cup of flour", "1", "egg", "1", "pinch of salt", P2, snippet="egg"),
    # A one-off counter (a share count) takes nothing with it.
    stays("image_alt", TITLE, P1, "7", P2, P3, snippet=P1),
    furniture("image_caption", *GALLERY, snippet="Volunteers worked through the night"),
    furniture("image_caption", TITLE, P1, "Volunteers on the eastern bank (Photo by Jane Roe/Getty Images)", P2,
              snippet="Volunteers on the eastern bank"),
    # A picture without a caption: the paragraph after its counter is the article going on.
    stays("image_caption", TITLE, P1, "A map of the valley.", "3", P2, "Another map.", "3", P3, snippet=P2),
    furniture("photo_credit", *GALLERY, snippet="Credit: Example Photos"),
    furniture("photo_credit", TITLE, P1, "(Jane Roe / Associated Press)", P2),
    furniture("photo_credit", TITLE, P1, "© Example Agency | Jane Roe", P2, P3),
    # A picture's copyright mid-article ends nothing: the article goes on under it.
    stays("footer", TITLE, P1, P2, P3, "©iStock", P4, P5, snippet=P5),
    stays("photo_credit", TITLE, P1, "Support for the new barrier stands at 40 percent (Example/Ipsos poll).", P2),
    stays("photo_credit", TITLE, P1, "Households have cut spending, he said. Credit: card debt rose 5% in March.", P2),
    furniture("inline_related", TITLE, P1, P2, "Valley farmers count the cost of spring floods as insurers refuse to pay out claims",
              P3, P4),
    stays("inline_related", TITLE, P1, "Sandbags arrive in the valley", P2, P3),
    # A paragraph the scraper broke mid-sentence: its next line goes on in lower case.
    stays("inline_related", TITLE, P1, P2, "If you would like to volunteer on the eastern bank this weekend, you can email",
          "volunteers@example.org and the council will send you a place and a time.", P3),
    stays("inline_related", TITLE, P1, P2, "The mayor said on Monday: “We will rebuild every house that was lost in this valley",
          P3, P4),
    # A short bracketed suffix is still a headline's; a bracketed aside of several words, or an
    # emoji at the end, is a blogger's prose.
    furniture("inline_related", TITLE, P1, P2, "Valley farmers count the cost of spring floods as insurers refuse claims (Video)",
              P3, P4),
    stays("inline_related", TITLE, P1, P2, "And sorry again for the small mix-up with the river names last week (if you noticed it at all 😉 )",
          P3, P4),
    stays("inline_related", TITLE, P1, P2, "We finally got the last of the sandbags onto the truck before the rain came back 🎉",
          P3, P4),
    furniture("tail_fragment", *ARTICLE, "Edited by John Doe", "Example Times – Monitoring.", "banner",
              snippet="Example Times – Monitoring."),
    furniture("tail_fragment", *ARTICLE, "banner"),
    stays("tail_fragment", *ARTICLE, "“Next time,” he said."),
    stays("tail_fragment", *ARTICLE, "Euer Jan"),
    # Three or more short lines in a row after the last paragraph are a list or a fact box.
    stays("tail_fragment", *ARTICLE, "Key facts", "Length: 120 km", "Basin: 4,000 square km", "Mouth: Example Bay",
          snippet="Length: 120 km"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule(case: Case) -> None:
    result = rules_on(*case.lines, title=case.title)
    removed = " ".join(removed_by(result, case.rule))
    if case.removed:
        assert case.snippet in removed
        assert case.snippet not in result.lines
    else:
        assert case.snippet not in removed
        assert any(case.snippet in line for line in result.lines)


def test_every_rule_has_both_cases() -> None:
    """short_fragment is the top level's rule: tested with clean_page below."""
    assert {c.rule for c in CASES if c.removed} | {"short_fragment"} == RULE_NAMES
    assert {c.rule for c in CASES if not c.removed} | {"short_fragment"} == RULE_NAMES


def test_title_is_metadata_not_text() -> None:
    result = rules_on("logo", TITLE, TITLE, *ARTICLE)
    assert result.title == TITLE
    assert result.lines == list(ARTICLE)
    assert [r.rule for r in result.removals] == ["masthead", "title", "title_repeat"]


def test_removals_in_page_order_and_text_accounted() -> None:
    lines = (TITLE, "2 hours ago", P1, "- Advertisement -", P2, "Share this article", P3, "© 2025 Example Agency", *TEASERS)
    result = rules_on(*lines)
    assert [r.rule for r in result.removals] == [
        "title", "relative_time", "advertisement", "share", "copyright", "footer"]
    pieces = [r.text for r in result.removals] + result.lines
    assert sorted("\n".join(pieces).split("\n")) == sorted(lines)


def test_wire_source_from_credit_dateline_and_signoff() -> None:
    def wire(*lines: str) -> str | None:
        return clean_page("\n".join(lines), "text", config=CONFIG)[0].wire_source

    assert wire(TITLE, *ARTICLE, "© 2025 Agence France-Presse") == "AFP"
    assert wire(TITLE, *ARTICLE, "Copyright (C) 2025, Tribune Content Agency, LLC.") == "Tribune Content Agency"
    assert wire(TITLE, "Aug. 19 (UPI) — " + P1, P2, P3) == "UPI"
    signoff = "Roe writes for the Associated Press."
    docs = clean_page("\n".join((TITLE, *ARTICLE, signoff)), "text", config=CONFIG)
    assert docs[0].wire_source == "AP" and signoff in docs[0].text  # a byline sentence stays
    assert wire(TITLE, *GALLERY[1:], P4) is None  # a photo credit is no wire credit
    assert wire(TITLE, P1, "Credit: AFP", P2, P3) is None
    assert wire(TITLE, *ARTICLE) is None


def test_stacked_page_splits_and_single_article_does_not() -> None:
    second = "Rain returns to the hills as the reservoir fills"
    page = "\n".join((TITLE, P1, P2, "Source link", second, P3, P4,
                      f"The post {second} appeared first on Example News.", "Source link"))
    docs = clean_page(page, "text", config=CONFIG)
    assert [(d.title, d.part) for d in docs] == [(TITLE, 0), (second, 1)]
    assert docs[1].text == f"{P3}\n{P4}"
    assert [r.rule for r in docs[1].removals] == ["title", "feed_footer", "feed_footer"]
    single = "\n".join((TITLE, *ARTICLE, "Source link", "Related", "Example Daily"))
    assert len(clean_page(single, "text", config=CONFIG)) == 1
    assert split_stacked(normalise_lines(single)) == [normalise_lines(single)]


def test_short_fragment_recorded_on_neighbour() -> None:
    short = "The river authority said the levels fell by a metre overnight in the valley."
    page = "\n".join((TITLE, *ARTICLE, "Source link", "Levels fall in the valley", short, "Source link"))
    docs = clean_page(page, "text", config=CONFIG)
    assert len(docs) == 1 and docs[0].title == TITLE
    assert Removal("short_fragment", short) in docs[0].removals
    assert not any(r.rule == "short_fragment" for r in clean_page("\n".join((TITLE, *ARTICLE)), "text", config=CONFIG)[0].removals)


def test_a_single_short_article_is_kept() -> None:
    """min_article_chars sorts the pieces of a split page; a page that is one article keeps its
    text however short, and only a page left empty by the rules gives no document."""
    short = "The river authority said the levels fell by a metre overnight in the valley."
    docs = clean_page("\n".join((TITLE, short)), "text", config=CONFIG)
    assert [(d.title, d.text, d.part) for d in docs] == [(TITLE, short, 0)]
    assert clean_page("\n".join((TITLE, "Share this article", "- Advertisement -")), "text", config=CONFIG) == []


def test_a_split_page_of_short_pieces_keeps_the_longest() -> None:
    shorter = "The river authority said the levels fell overnight in the valley today."
    longer = "The river authority said the levels fell by a metre overnight in the valley and the lower town."
    page = "\n".join((TITLE, shorter, "Source link", "Levels fall in the valley", longer, "Source link"))
    docs = clean_page(page, "text", config=CONFIG)
    assert [d.text for d in docs] == [longer]
    assert Removal("short_fragment", shorter) in docs[0].removals


@pytest.mark.parametrize("body", [
    "", "   \n\t\n ", "\x00\x01\x1b[0m\x7f", "\u2028\u2029\x85" * 50, "x" * 1_000_000, "word " * 200_000,
    "\r\n".join(["Share this article", "Comments", "logo", "0"] * 100),
])
def test_odd_input_never_raises(body: str) -> None:
    docs = clean_page(body, "text", config=CONFIG)
    assert len(docs) <= 1 and all(d.text.strip() for d in docs)


def test_control_characters_are_normalised_away() -> None:
    docs = clean_page(f"\x07{TITLE}\x00\r\n{P1}\u200b\r{P2}\x0c{P3}", "text", config=CONFIG)
    assert docs[0].title == TITLE
    assert docs[0].text == f"{P1}\n{P2}\n{P3}"


def test_oversized_body_is_refused() -> None:
    config = CleanConfig(detect_language=False, max_body_chars=1000)
    assert clean_page("\n".join((TITLE, *ARTICLE * 10)), "text", config=config) == []


def test_switches() -> None:
    page = "\n".join((TITLE, *ARTICLE, "Source link", "Rain returns to the hills as the reservoir fills", P5, P1))
    assert len(clean_page(page, "text", config=CleanConfig(detect_language=False, split_stacked=False))) == 1
    raw = clean_page(page, "text", config=CleanConfig(detect_language=False, text_rules=False))
    assert raw[0].removals == [] and raw[0].text.startswith(TITLE)


def test_title_hint_wins() -> None:
    docs = clean_page("\n".join((TITLE, *ARTICLE)), "text", config=CONFIG, title_hint=TITLE + " | The Valley Post")
    assert docs[0].title == TITLE + " | The Valley Post"
    assert TITLE not in docs[0].text


def test_html_page() -> None:
    pytest.importorskip("trafilatura")
    html = (f"<html><head><title>{TITLE} | The Valley Post</title></head><body><article><h1>{TITLE}</h1>"
            f"<p>By Jane Roe</p><p>March 4, 2025</p><p>{P1}</p><p>{P2}</p><p>Advertisement</p><p>{P3}</p>"
            f"<p>© 2025 Example Agency (AFP)</p></article></body></html>")
    docs = clean_page(html, "html", url="https://example.org/flood", config=CONFIG)
    assert [d.title for d in docs] == [TITLE]
    assert docs[0].text == f"{P1}\n{P2}\n{P3}"
    assert docs[0].wire_source == "AFP"
    assert {"title_repeat", "byline", "date_line", "advertisement", "copyright"} <= {r.rule for r in docs[0].removals}
    assert clean_page("", "html", config=CONFIG) == [] and clean_page("<html></html>", "html", config=CONFIG) == []


def test_language_per_doc() -> None:
    pytest.importorskip("py3langid")
    docs = clean_page("\n".join((TITLE, *ARTICLE)), "text")
    assert docs[0].language == "en"


def test_text_rules_are_cheap() -> None:
    """~20 KB of text with furniture between paragraphs: well under trafilatura's ~30-50 ms per page."""
    block = (P1, "Share this article", P2, "- Advertisement -", P3, "4", P4, "Sandbags arrive", P5)
    page = "\n".join((TITLE, *block * 32))
    assert 19_000 < len(page) < 23_000
    lines = normalise_lines(page)
    timings = []
    for _ in range(15):
        start = time.perf_counter()
        apply_text_rules(lines)
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.010  # aim ~1-2 ms; generous for a loaded CI machine
