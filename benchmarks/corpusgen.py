"""Seeded synthetic wire stories, their republished variants, and hard negatives, with ground truth.

Dedup quality cannot be judged on real pages without labels, and shared data must not leak into
tests, so this module invents news: names and places from syllables, sentences from a templated
grammar whose word slots are filled from pools large enough that unrelated stories share little
text. Only the stdlib ``random`` is used so a seed reproduces a corpus on any machine.

A story is a *skeleton* (sentences whose lexical words are fixed and whose names/numbers are
slots) rendered with a *cast* (the names, places, organisations, numbers and day). That split is
what makes the two hard negatives honest:

* ``template``: the same skeleton rendered with another cast -- a different story that shares
  every non-entity word (the earnings-report / sports-result problem);
* ``followup``: a new skeleton with the same cast plus a couple of the original's sentences as
  background -- a different story about the same event.

Variant tiers model what outlets do to one wire story: ``exact`` (typography only: quotes, NBSP,
zero-width characters, dashes, re-wrapping), ``furniture`` (leftover outlet lines the cleaner
missed), ``light`` (headline rewrite, dateline restyle, typos, house-style substitutions, plus
typography), ``medium`` (light + one of: paragraph dropped, paragraph added, reorder, truncation
to the first ~60%), ``heavy`` (light + furniture + two or three of those).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

VARIANT_TIERS = ("exact", "furniture", "light", "medium", "heavy")
HARD_NEGATIVE_TIERS = ("followup", "template")
START = datetime(2026, 11, 1, tzinfo=timezone.utc)  # the generated stories are published over 30 days from here
NOW = datetime(2026, 12, 15, tzinfo=timezone.utc)  # the moment the generated corpus is deduplicated

# --- vocabulary --------------------------------------------------------------------------------

_ONSETS = "b d f g h k l m n p r s t v z br dr kr st tr sh ch th gl pl".split()
_VOWELS = "a e i o u ai ei ou ia".split()
_CODAS = ["", "", "n", "r", "l", "s", "k", "m", "th", "nd"]
_PLACE_SUFFIXES = ["", "", "ford", "grad", "ton", "ville", "heim", "port", "stad", "abad", "mouth"]
_ORG_FORMS = [
    "{S} Holdings", "{C} Energy", "Ministry of {Noun}", "{C} City Council", "National {Noun} Agency",
    "{S} Group", "{C} Port Authority", "{X}", "{C} Rail", "{S} Capital", "{C} Water Board",
]
_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTHS = "January February March April May June July August September October November December".split()
_AGENCIES = ["WNS", "GPA", "Interwire", "NewsLink"]

_NOUNS = """budget plan project contract program tariff bridge pipeline port school hospital reservoir
factory vaccine permit loan fund tax levy road dam reactor farm mine licence ban deal merger strike
protest audit reform election council court ruling verdict sanction quota grant bond rate price wage
pension payment shipment harvest flood storm fire outbreak shortage surplus deficit tunnel airport
station terminal warehouse clinic market exchange currency turbine grid network satellite rocket drone
vessel tanker crop herd forest river coast border checkpoint visa passport treaty summit ceasefire
convoy ration curfew lockdown recall refund tender bid offer share dividend profit loss bonus salary
union worker driver farmer nurse teacher pilot miner tenant student voter passenger investor supplier
retailer exporter landlord contractor inspector regulator lender""".split()
_VERBS = """approve:approved delay:delayed reject:rejected expand:expanded review:reviewed
suspend:suspended announce:announced extend:extended reduce:reduced increase:increased
cancel:cancelled postpone:postponed defend:defended question:questioned fund:funded restore:restored
replace:replaced secure:secured block:blocked welcome:welcomed oppose:opposed adopt:adopted
revise:revised upgrade:upgraded inspect:inspected evacuate:evacuated close:closed open:opened
double:doubled halve:halved restrict:restricted challenge:challenged complete:completed sign:signed
draft:drafted audit:audited monitor:monitored test:tested trim:trimmed boost:boosted
relocate:relocated rename:renamed reopen:reopened tighten:tightened ease:eased raise:raised
lower:lowered track:tracked target:targeted clear:cleared report:reported protect:protected
support:supported limit:limited merge:merged""".split()
_ADJECTIVES = """new controversial long-awaited costly temporary regional national sweeping modest
ambitious emergency revised disputed landmark overdue record fragile unexpected preliminary final
joint local rural coastal northern southern eastern western annual quarterly major minor significant
limited broad narrow urgent historic bitter cautious stalled private public federal municipal
industrial agricultural digital financial medical military civilian""".split()

# Entity slots are upper case ({P} full name, {S} surname, {C} place, {O} organisation, {N} number,
# {D} the story's day); word slots are lower case and fixed when the skeleton is built.
_LEADS = [
    "{O} {verbed} its {adj} {noun} on {D}, a move that {P} said would {verb} {nouns} across {C}.",
    "Officials in {C} {verbed} a {adj} {noun} on {D} after {N} {nouns} were reported near the {adj} {noun}.",
    "{P} on {D} {verbed} a {adj} plan to {verb} the {noun} in {C}, ending months of {adj} talks with {O}.",
    "{O} said on {D} it would {verb} {N} {nouns} in {C} as a {adj} {noun} {verbs} the {adj} {noun}.",
]
_BODY = [
    '"We will {verb} every {noun} we can," {P} said in a statement.',
    "{S} told reporters the {noun} had {verbed} by {N} percent since {month}.",
    "The {noun} is expected to {verb} about {N} {nouns}, according to {O}.",
    "Critics said the {adj} {noun} would {verb} {nouns} in {C} and {C}.",
    "{O} did not respond to a request for comment.",
    "Last year, {N} {nouns} were {verbed} in the region, up from {N} the year before.",
    "The announcement came {N} days after {O} {verbed} a {adj} {noun} in {C}.",
    '{S}, who has led {O} since {N}, said the {noun} was "{adj} but {adj}".',
    "Analysts at {O} estimated the {noun} could cost as much as ${N} million.",
    "Residents of {C} have {verbed} the {noun} for months, saying it {verbs} {adj} {nouns}.",
    "It was not immediately clear how many {nouns} would be {verbed}.",
    "The {adj} {noun} will be {verbed} by a panel of {N} {nouns} from {C}.",
    "{P}, a {adj} {noun} at {O}, said the {nouns} had been {verbed} for years.",
    "Shares of {O} {verbed} {N} percent to ${N} in {C} trading on {D}.",
    "Police in {C} said {N} people were {verbed} and {N} others were {verbed}.",
    "The {noun} follows a {adj} {noun} in {month} that left {N} {nouns} without a {noun}.",
    "In a statement, {O} said it would {verb} its {nouns} and {verb} the {noun} by {month}.",
    "{S} is due to meet {P} in {C} on {D} to discuss the {adj} {noun}.",
    "Under the plan, {nouns} earning less than ${N} a year would {verb} a {adj} {noun}.",
    '"This is a {adj} day for {C}," said {P}, who {verbed} the {noun} last {month}.',
    "The {noun} in {C} has {verbed} {N} percent over the past {N} years.",
    'Opposition leader {P} called the {noun} "{adj}" and said {O} should {verb} it.',
    'A spokesperson for {O} said the {nouns} would be {verbed} "as soon as possible".',
    "The {adj} {nouns} are scheduled to {verb} in {C} next {month}.",
    "{O} has {verbed} {N} {nouns} since {month}, more than any other {noun} in {C}.",
    "According to {O}, the {adj} {noun} could {verb} as many as {N} {nouns} by {month}.",
    "{S} said {nouns} in {C} would {verb} the {noun} before a {adj} {noun} in {month}.",
    "The {noun} was first {verbed} in {N}, when {O} {verbed} the {adj} {noun} near {C}.",
    "Both {P} and {P} declined to say whether the {noun} would be {verbed}.",
    "Independent {nouns} warned that the {adj} {noun} might {verb} {nouns} in {C}.",
    # Entity-free sentences: what makes two stories of one template share text.
    "It was not immediately clear whether the {adj} {noun} would {verb} the {nouns} or the {noun}.",
    "The {adj} {noun} has been {verbed} several times over the past decade, most recently last {month}.",
    "Such {nouns} are rarely {verbed} before the {adj} {noun} has been {verbed} by the {nouns}.",
    "Experts say the {noun} could {verb} {adj} {nouns} for years if the {noun} is not {verbed}.",
    "The {nouns} were {verbed} under a {adj} {noun} that also {verbs} the {adj} {nouns}.",
    "A final decision on the {adj} {noun} is not expected until {month}, officials said.",
]
_HEADLINES = [
    "{O} to {verb} {adj} {noun} in {C}",
    "{S} says {noun} will {verb} {nouns}",
    "{C} {nouns} {verbed} as {noun} {verbs}",
    "{adj} {noun} {verbed} after {N} {nouns} reported in {C}",
    "{O} {verbs} {noun} amid {adj} {noun}",
]
_HOUSE_STYLE = [
    (" percent", " per cent"), (" percent", "%"), ("about ", "around "), ("more than ", "over "),
    ("spokesperson", "spokesman"), ("according to", "citing"), ("as many as", "up to"),
    (" said ", " says "), (" would ", " will "), (" on Monday", ""), (" on Tuesday", ""),
    (" on Wednesday", ""), (" on Thursday", ""), (" on Friday", ""),
]
_FURNITURE = [
    "Read more: {C} {nouns} {verbed} as {noun} {verbs}",
    "Download the {outlet} app for breaking news alerts.",
    "Photo: {P} / {agency}",
    "Sign up for the {outlet} morning newsletter.",
    "Copyright {N} {agency}. All rights reserved.",
    "Follow {outlet} for the latest updates.",
]
_SLOT = re.compile(r"\{(\w+)\}")
_ENTITY_REF = re.compile(r"\{([PSCOND])(\d*)\}")


class CorpusDoc(NamedTuple):
    """One labelled document. Docs with the same ``story_id`` are copies of one story;
    a hard negative has its own ``story_id`` and names the story it imitates in ``related_story``."""

    doc_id: str
    text: str
    published_at: datetime | None
    story_id: str
    tier: str  # "original", a VARIANT_TIERS entry, or a HARD_NEGATIVE_TIERS entry
    related_story: str | None


@dataclass(frozen=True)
class Cast:
    """The names and numbers a skeleton is rendered with."""

    people: tuple[str, ...]
    places: tuple[str, ...]
    orgs: tuple[str, ...]
    numbers: tuple[str, ...]
    day: str


@dataclass(frozen=True)
class Story:
    """A skeleton (paragraphs of sentence templates with entity slots) and the cast that fills it."""

    story_id: str
    headline: str  # template, like the sentences
    skeleton: tuple[tuple[str, ...], ...]
    cast: Cast
    agency: str

    @property
    def paragraphs(self) -> list[str]:
        return [" ".join(_render(s, self.cast) for s in para) for para in self.skeleton]

    @property
    def text(self) -> str:
        return _join(_render(self.headline, self.cast), _with_dateline(self.paragraphs, self))


# --- building ----------------------------------------------------------------------------------

def _name(rng: random.Random, syllables: int) -> str:
    parts = (rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))
    return "".join(parts).capitalize()


def _number(rng: random.Random) -> str:
    form = rng.randrange(4)
    if form == 0:
        return str(rng.randint(2, 999))
    if form == 1:
        return f"{rng.randint(1, 99)}.{rng.randint(1, 9)}"
    if form == 2:
        return f"{rng.randint(1000, 99999):,}"
    return str(rng.randint(1990, 2026))


def make_cast(rng: random.Random) -> Cast:
    """Three people, three places, two organisations, twelve numbers and a weekday, all fresh."""
    people = tuple(f"{_name(rng, rng.randint(1, 2))} {_name(rng, rng.randint(2, 3))}" for _ in range(3))
    places = tuple(_name(rng, 2) + rng.choice(_PLACE_SUFFIXES) for _ in range(3))
    orgs = tuple(
        rng.choice(_ORG_FORMS).format(
            S=_name(rng, 2), C=_name(rng, 2), Noun=rng.choice(_NOUNS).capitalize(),
            X="".join(rng.choice("ABCDEFGHKLMNPRSTVW") for _ in range(3)),
        )
        for _ in range(2)
    )
    return Cast(people, places, orgs, tuple(_number(rng) for _ in range(12)), rng.choice(_DAYS))


def _fill_words(rng: random.Random, pattern: str) -> str:
    """Fix a pattern's word slots and number its entity slots, leaving a skeleton sentence."""
    numbers = iter(rng.sample(range(12), 12))

    def fill(m: re.Match[str]) -> str:
        slot = m.group(1)
        if slot in ("P", "S", "C"):
            return "{%s%d}" % (slot, rng.randrange(3))
        if slot == "O":
            return "{O%d}" % rng.randrange(2)
        if slot == "N":
            return "{N%d}" % next(numbers)
        if slot == "D":
            return "{D}"
        verb, verbed = rng.choice(_VERBS).split(":")
        noun = rng.choice(_NOUNS)
        return {
            "verb": verb, "verbed": verbed, "verbs": verb + "s", "noun": noun, "nouns": _plural(noun),
            "adj": rng.choice(_ADJECTIVES), "month": rng.choice(_MONTHS),
        }[slot]

    text = _SLOT.sub(fill, pattern)
    return text[0].upper() + text[1:]


def _plural(noun: str) -> str:
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def _render(template: str, cast: Cast) -> str:
    def entity(m: re.Match[str]) -> str:
        kind, index = m.group(1), int(m.group(2) or 0)
        if kind == "P":
            return cast.people[index]
        if kind == "S":
            return cast.people[index].split()[-1]
        if kind == "C":
            return cast.places[index]
        if kind == "O":
            return cast.orgs[index]
        if kind == "N":
            return cast.numbers[index]
        return cast.day

    return _ENTITY_REF.sub(entity, template)


def _body_paragraph(rng: random.Random) -> tuple[str, ...]:
    return tuple(_fill_words(rng, rng.choice(_BODY)) for _ in range(rng.choice((1, 1, 2, 2, 3))))


def make_story(rng: random.Random, story_id: str, cast: Cast | None = None) -> Story:
    """A fresh story of 8-12 paragraphs (about 1-2 KB); ``cast`` defaults to a fresh one."""
    lead = (_fill_words(rng, rng.choice(_LEADS)),)
    body = tuple(_body_paragraph(rng) for _ in range(rng.randint(7, 11)))
    return Story(story_id, _fill_words(rng, rng.choice(_HEADLINES)), (lead, *body),
                 cast or make_cast(rng), rng.choice(_AGENCIES))


def make_template_lookalike(rng: random.Random, story: Story, story_id: str) -> Story:
    """The same skeleton and headline with another cast but the same dateline city: a different
    story from the same template (the local weather, crime or earnings brief)."""
    cast = make_cast(rng)
    cast = replace(cast, places=(story.cast.places[0], *cast.places[1:]))
    return replace(story, story_id=story_id, cast=cast)


def make_followup(rng: random.Random, story: Story, story_id: str) -> Story:
    """A new story about the same event: same people/places/organisations, new numbers and text,
    and two of the original's sentences kept as background."""
    cast = replace(story.cast, numbers=make_cast(rng).numbers, day=rng.choice(_DAYS))
    fresh = make_story(rng, story_id, cast)
    background = rng.sample([s for para in story.skeleton[1:] for s in para], 2)
    # Background sentences keep the original numbers: render them now, with the original cast.
    background_para = tuple(_render(s, story.cast) for s in background)
    skeleton = list(fresh.skeleton)
    skeleton.insert(rng.randint(2, len(skeleton)), background_para)
    return replace(fresh, skeleton=tuple(skeleton))


# --- variants ----------------------------------------------------------------------------------

def _join(headline: str, paragraphs: list[str]) -> str:
    return "\n\n".join([headline, *paragraphs])


def _with_dateline(paragraphs: list[str], story: Story, style: int = 0) -> list[str]:
    place = story.cast.places[0]
    dateline = [
        f"{place.upper()} ({story.agency}) \u2014 ",
        f"{place}, {story.cast.day} ({story.agency}) - ",
        f"{place.upper()} -- ",
        "",
    ][style]
    return [dateline + paragraphs[0], *paragraphs[1:]]


def _typography(rng: random.Random, text: str) -> str:
    """Edits a reader cannot see: curly quotes, NBSP, zero-width characters, dashes, re-wrapping."""
    if rng.random() < 0.7:
        parts = text.split('"')
        quoted = (p + ("\u201c" if i % 2 == 0 else "\u201d") for i, p in enumerate(parts[:-1]))
        text = "".join(quoted) + parts[-1]
        text = text.replace("'", "\u2019")
    if rng.random() < 0.5:
        text = text.replace("\u2014", "-")
    words = text.split(" ")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(words))
        words[i] = words[i] + rng.choice(["\u200b", "\u00a0", "\ufeff", "  ", " \n"])
    text = " ".join(words)
    return text.replace("\n\n", "\n \n") if rng.random() < 0.3 else text


def _typos(rng: random.Random, paragraphs: list[str]) -> list[str]:
    out = list(paragraphs)
    for _ in range(rng.randint(1, 4)):
        p = rng.randrange(len(out))
        words = out[p].split(" ")
        long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
        if long_words:
            i = rng.choice(long_words)
            w = words[i]
            j = rng.randrange(1, len(w) - 2)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
            out[p] = " ".join(words)
    return out


def _house_style(rng: random.Random, paragraphs: list[str]) -> list[str]:
    rules = rng.sample(_HOUSE_STYLE, rng.randint(3, 5))
    out = []
    for para in paragraphs:
        for old, new in rules:
            para = para.replace(old, new)
        out.append(para)
    return out


def _furniture_lines(rng: random.Random, story: Story, outlet: str) -> list[str]:
    lines = rng.sample(_FURNITURE, rng.randint(1, 2))
    return [
        _render(_fill_words(rng, line.replace("{outlet}", outlet).replace("{agency}", story.agency)),
                story.cast)
        for line in lines
    ]


def _with_furniture(rng: random.Random, paragraphs: list[str], story: Story, outlet: str) -> list[str]:
    out = list(paragraphs)
    for line in _furniture_lines(rng, story, outlet):
        out.insert(rng.choice([1, len(out) // 2, len(out)]), line)
    return out


def _structural_edit(rng: random.Random, paragraphs: list[str], story: Story, op: str) -> list[str]:
    out = list(paragraphs)
    if op == "drop" and len(out) > 3:
        del out[rng.randrange(1, len(out))]
    elif op == "add":
        out.insert(rng.randint(1, len(out)), " ".join(_render(s, story.cast) for s in _body_paragraph(rng)))
    elif op == "reorder" and len(out) > 3:
        i, j = rng.sample(range(1, len(out)), 2)
        out[i], out[j] = out[j], out[i]
    elif op == "truncate":
        out = out[: max(2, round(len(out) * rng.uniform(0.55, 0.65)))]
    return out


def make_variant(rng: random.Random, story: Story, tier: str, outlet: str = "Daily Courier") -> str:
    """The text of one outlet's republication of ``story`` with edits of the given tier."""
    if tier not in VARIANT_TIERS:
        raise ValueError(f"unknown variant tier {tier!r}; expected one of {VARIANT_TIERS}")
    headline = _render(story.headline, story.cast)
    paragraphs = story.paragraphs
    dateline = 0
    if tier in ("light", "medium", "heavy"):
        headline = _render(_fill_words(rng, rng.choice(_HEADLINES)), story.cast)
        dateline = rng.randrange(4)
        paragraphs = _house_style(rng, _typos(rng, paragraphs))
    ops = {"medium": 1, "heavy": rng.randint(2, 3)}.get(tier, 0)
    for op in rng.sample(["drop", "add", "reorder", "truncate"], ops):
        paragraphs = _structural_edit(rng, paragraphs, story, op)
    paragraphs = _with_dateline(paragraphs, story, dateline)
    if tier in ("furniture", "heavy"):
        paragraphs = _with_furniture(rng, paragraphs, story, outlet)
    return _typography(rng, _join(headline, paragraphs))


# --- corpus ------------------------------------------------------------------------------------

def make_corpus(n_stories: int, copies: int, seed: int, hard_negative_rate: float = 0.3) -> list[CorpusDoc]:
    """``n_stories`` originals, ``copies`` variants of each (tiers drawn uniformly), and for a
    ``hard_negative_rate`` share of stories a follow-up and a template look-alike, shuffled.

    Variants are published 5 minutes to 36 hours after their original; one in ten has no date.
    Doc ids are random hex, so "smallest id" says nothing about which doc is the original.
    """
    rng = random.Random(seed)
    kinds = ("Herald", "Times", "Post", "Courier", "Gazette", "Daily")
    outlets = [f"The {_name(rng, 2)} {kind}" for kind in kinds]
    start = START
    used_ids: set[str] = set()

    def new_id() -> str:
        while (doc_id := f"doc-{rng.getrandbits(48):012x}") in used_ids:
            pass
        used_ids.add(doc_id)
        return doc_id

    docs: list[CorpusDoc] = []
    for n in range(n_stories):
        story = make_story(rng, f"s{n:05d}")
        published = start + timedelta(minutes=rng.randrange(60 * 24 * 30))
        docs.append(CorpusDoc(new_id(), story.text, published, story.story_id, "original", None))
        for _ in range(copies):
            tier = rng.choice(VARIANT_TIERS)
            when = None if rng.random() < 0.1 else published + timedelta(minutes=rng.randint(5, 36 * 60))
            text = make_variant(rng, story, tier, rng.choice(outlets))
            docs.append(CorpusDoc(new_id(), text, when, story.story_id, tier, None))
        if rng.random() < hard_negative_rate:
            follow = make_followup(rng, story, f"{story.story_id}-followup")
            when = published + timedelta(hours=rng.randint(6, 72))
            docs.append(CorpusDoc(new_id(), follow.text, when, follow.story_id, "followup", story.story_id))
            look = make_template_lookalike(rng, story, f"{story.story_id}-template")
            when = start + timedelta(minutes=rng.randrange(60 * 24 * 30))
            docs.append(CorpusDoc(new_id(), look.text, when, look.story_id, "template", story.story_id))
    rng.shuffle(docs)
    return docs
