"""Apply the text rules of rules.py to one article's lines: what stays, what goes, and why.

The cleaner works on non-blank, stripped lines (a scraper's paragraphs). Most rules are one
regex per line, combined per zone so that a line costs one match. The rest need a line's
neighbours — the title, gallery counters, tail headings — and are plain functions over the
marks left by the line rules. Every removed span becomes Removal(rule, text) with a name from
rules.py, in page order.

Policy for fact boxes and "key points" lists: they are article content and stay. A run of short
lines (bullets, "Key: value" lines, an address, ingredients, specifications) says what the
article is about in the outlet's own words, and a reader who sees the page sees it; dropping it
would lose facts the paragraphs do not repeat. So short lines are only taken as furniture when
a rule names them (a related heading, a share bar) or when they stand alone: three or more kept
short lines in a row after the last paragraph are a list (_LIST_RUN), and masthead fragments are
only looked for above the article's first line. Lists of links to other stories are furniture
through their heading ("Related", "Lesen Sie auch", "Notas relacionadas"), not their shape.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cleaners.model import Removal
from cleaners.rules import CAPTION_CREDIT, COUNTER, COUNTER_OF, LINE_RULES, SHORT_LINE, LineRule

# Lines longer than this are paragraphs: no rule applies, which also keeps one giant line cheap.
MAX_RULE_LINE = max(r.max_chars for r in LINE_RULES)
# A tail heading ends the article when it stands in its last third...
_TAIL_POSITION = 2 / 3
# ...or when at least this share of the lines under it look like furniture (teasers).
_TAIL_FURNITURE_SHARE = 0.5
# Masthead and tail fragments (1-2 words) are at most this long.
_MAX_FRAGMENT = 40
# Gallery alt texts and captions are at most this long (agency captions run to ~350 chars).
_MAX_CAPTION = 400
# This many kept lines in a row after the last paragraph are a list or a fact box, not furniture.
_LIST_RUN = 3

_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’»)\]]*$")
_SPEECH = re.compile(r'[:"“”„«»]')
_SENTENCE_BREAK = re.compile(r"\w[.!?] +[A-ZÄÖÜÀ-Ý]")
# A line ending in a bracketed aside of several words ("(if you noticed it at all 😉 )") or in an
# emoji is a blogger's prose, not a headline: headline suffixes in brackets are one or two words
# ("(Video)", "[Update]"), and headlines end in a word.
_PROSE_ENDING = re.compile(r"[(\[][^()\[\]\s]*(?:\s+[^()\[\]\s]+){3,}\s*[)\]]\W*$|[\U0001F000-\U0001FAFF\u2600-\u27BF]\W*$")
# Sign-off words of letters and blogs, followed by a name ("Best" and "Love" left out: they also
# start names and headings, "Best Western", "Love Island").
_SIGN_OFF = re.compile(
    r"(?:x+o*|xoxo|cheers|regards|euer|eure|lg|liebe grüße|viele grüße|herzlichst"
    r"|saludos|besos|bises|amitiés)\b[,!]?\s*\w", re.IGNORECASE)
_BULLET = re.compile(r"(?:[-•*–—·▪►]|\d{1,2}[.)])\s")
_COUNTER = re.compile(COUNTER)
_COUNTER_OF = re.compile(COUNTER_OF, re.IGNORECASE)
_CAPTION_CREDIT = re.compile(CAPTION_CREDIT)
_TITLE_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|::)\s+")
_WORD = re.compile(r"\w+")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")

# Control characters go, line-like separators become newlines, odd spaces become spaces. A regex
# finds them: str.translate with a dict costs ~100x more on non-ASCII text.
_ODD_CHAR = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\xa0\xad\u200b-\u200d\u2028\u2029\u2060\ufeff]")
_ODD_CHAR_AS = {"\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n", "\xa0": " ", "\t": " "}


def combine(rules: Iterable[LineRule]) -> re.Pattern[str]:
    """One regex for several line rules; `match.lastgroup` names the rule that matched."""
    return re.compile("|".join(
        f"(?P<{r.name}>{'(?i:' if r.ignore_case else '(?:'}{r.pattern}))" for r in rules
    ))


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Line rules compiled for one zone.

    Most lines of a page are paragraphs longer than any furniture line, so they are tried
    against the few rules that allow long lines only, and the longest not at all.
    """

    short: re.Pattern[str]
    long: re.Pattern[str]
    max_chars: dict[str, int]
    longest: int

    @classmethod
    def of(cls, rules: Iterable[LineRule]) -> RuleSet:
        rules = list(rules)
        max_chars = {r.name: r.max_chars for r in rules}
        return cls(combine(rules), combine(r for r in rules if r.max_chars > SHORT_LINE),
                   max_chars, max(max_chars.values(), default=0))

    def match(self, line: str) -> str | None:
        """The name of the rule that matches the whole line, if any."""
        if len(line) > self.longest:
            return None
        m = (self.short if len(line) <= SHORT_LINE else self.long).fullmatch(line)
        return m.lastgroup if m and m.lastgroup and len(line) <= self.max_chars[m.lastgroup] else None


_ANY = RuleSet.of(r for r in LINE_RULES if r.zone == "any")
_HEAD = RuleSet.of(r for r in LINE_RULES if r.zone in ("head", "edge"))
_TAIL = RuleSet.of(r for r in LINE_RULES if r.zone == "edge")
_THEN = {r.name: r.then for r in LINE_RULES if r.then}


@dataclass(slots=True)
class TextResult:
    """One article after the text rules: its title, kept lines and removals in page order."""

    title: str | None
    lines: list[str]
    removals: list[Removal] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def normalise_lines(text: str) -> list[str]:
    """Split a page into stripped, non-blank lines: no control characters, words single-spaced."""
    text = _ODD_CHAR.sub(lambda m: _ODD_CHAR_AS.get(m.group(), ""), text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (raw.strip() for raw in text.split("\n"))
    return [" ".join(line.split()) if "  " in line else line for line in lines if line]


def word_count(line: str) -> int:
    """Words in a normalised line (single spaces, see normalise_lines)."""
    return line.count(" ") + 1


def ends_sentence(line: str) -> bool:
    """Ends like a finished sentence: . ! ? or …, maybe followed by closing quotes or brackets."""
    return _ENDS_SENTENCE.search(line[-8:]) is not None


def is_body(line: str) -> bool:
    """A paragraph of article text: long enough, and a finished sentence unless very long."""
    return word_count(line) >= 12 and (len(line) >= 200 or ends_sentence(line))


def is_headline(line: str) -> bool:
    """Shaped like a headline: a few words, not a paragraph, no closing full stop."""
    return word_count(line) >= 3 and len(line) <= 300 and not line.endswith(".") and not is_body(line)


def _credit(line: str) -> re.Match[str] | None:
    """The photo credit ending a line; only the line's end is searched, where credits stand.

    Every credit form ends in a bracket or holds "Credit" or a "/": lines without are skipped cheaply.
    """
    if len(line) > MAX_RULE_LINE:
        return None
    start = max(0, len(line) - 160)
    if not (line.endswith((")", "]")) or "Credit" in line[start:] or "/" in line[start:]):
        return None
    return _CAPTION_CREDIT.search(line, start)


def has_credit(line: str) -> bool:
    """Ends in a photo credit ("…Credit: AFP", "(AP Photo/…)", "REUTERS/…")."""
    return _credit(line) is not None


class _Article:
    """An article's lines with what the rules decided about each (None = kept so far)."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)
        self.marks: list[tuple[Removal, ...] | None] = [None] * len(self.lines)
        self.body = [is_body(line) for line in self.lines]
        self.end = len(self.lines)  # lines from `end` on are tail furniture...
        self.tail_rule: str | None = None  # ...recorded under this name

    def mark(self, i: int, rule: str) -> None:
        self.marks[i] = (Removal(rule, self.lines[i]),)

    def mark_caption(self, i: int, rule: str) -> None:
        """Mark a caption or alt line, splitting off a photo credit at its end."""
        m = _credit(self.lines[i])
        if m is None:
            self.mark(i, rule)
            return
        caption = self.lines[i][: m.start()].strip()
        credit = Removal("photo_credit", m.group("credit"))
        self.marks[i] = (Removal(rule, caption), credit) if caption else (credit,)

    def kept(self, start: int, stop: int) -> Iterable[int]:
        """Indexes in [start, stop) of the lines no rule has taken so far."""
        return (j for j in range(start, stop) if self.marks[j] is None)

    def body_span(self) -> tuple[int, int]:
        """Indexes of the first and last kept body paragraphs (end, -1 when there is none)."""
        body = [i for i in self.kept(0, self.end) if self.body[i]]
        return (body[0], body[-1]) if body else (self.end, -1)


def apply_text_rules(lines: Sequence[str], title: str | None = None) -> TextResult:
    """Remove the furniture from one article's lines.

    `title` is the known title (from HTML metadata or a feed); when None, the first
    headline-like line is taken as the title, as a plain-text page carries it in its text.
    """
    a = _Article(lines)
    for i, line in enumerate(a.lines):
        if rule := _ANY.match(line):
            a.mark(i, rule)
    _cut_tail(a)
    first, last = a.body_span()
    for i in a.kept(0, a.end):
        if i < first or i > last:
            if rule := (_HEAD if i < first else _TAIL).match(a.lines[i]):
                a.mark(i, rule)
    _mark_counters(a)
    _mark_captions(a)
    first, last = a.body_span()  # again: an agency caption can look like a paragraph
    title = _mark_head(a, first, title)
    _mark_inline_related(a, first, last)
    _mark_tail_fragments(a, last)
    return _assemble(a, title)


def _cut_tail(a: _Article) -> None:
    """End the article at the first tail heading (related, comments, copyright) that closes it.

    It closes the article when a paragraph stands before it and it stands in the article's last
    third or over lines that look like teasers. A heading that does not close the article was
    still removed as a line by its own rule: it is furniture wherever it stands.
    """
    chars = [len(line) for line in a.lines]
    total = sum(chars)
    before = 0
    seen_body = False
    for i, marks in enumerate(a.marks):
        if marks and marks[0].rule in _THEN and seen_body:
            if before >= _TAIL_POSITION * total or _looks_like_furniture(a, i + 1):
                a.end, a.tail_rule = i + 1, _THEN[marks[0].rule]
                return
        seen_body = seen_body or (marks is None and a.body[i])
        before += chars[i]


def _looks_like_furniture(a: _Article, start: int) -> bool:
    """Whether the lines from `start` on are mostly teasers, widgets and outlet names."""
    rest = a.lines[start:]
    if not rest:
        return True
    counts = Counter(rest)
    furniture = sum(
        1 for j, line in enumerate(rest, start)
        if a.marks[j] or counts[line] > 1 or word_count(line) <= 4
        or (word_count(line) <= 20 and not ends_sentence(line))
    )
    return furniture >= _TAIL_FURNITURE_SHARE * len(rest)


def _mark_counters(a: _Article) -> None:
    """Standalone numbers are image or share counters unless they count up like a list.

    A counter whose value recurs ("6" under each of six pictures) belongs to a gallery laid out
    as alt text / counter / caption: its two neighbours go too. A one-off number next to a
    paragraph ("0" and "133" share counts above the lede) takes nothing with it.
    """
    numbers = [(i, int(a.lines[i])) for i in a.kept(0, a.end)
               if a.lines[i][0].isdigit() and _COUNTER.fullmatch(a.lines[i])]
    values = Counter(v for _, v in numbers)
    number_lines = {i for i, _ in numbers}
    for k, (i, v) in enumerate(numbers):
        listed = (k > 0 and numbers[k - 1][1] == v - 1) or (k + 1 < len(numbers) and numbers[k + 1][1] == v + 1)
        # Quantities and their items ("1" / "cup brown sugar" / "2" / "eggs"): numbers every other
        # line, with a short line between, are a list. A gallery puts alt text and a caption
        # between two counters.
        paired = (i - 2 in number_lines and not a.body[i - 1]) or (i + 2 in number_lines and not a.body[i + 1])
        if listed or paired:
            continue
        a.mark(i, "image_counter")
        if values[v] < 2 or i == 0 or i + 1 >= a.end or {i - 1, i + 1} & number_lines:
            continue
        if a.marks[i - 1] is None and len(a.lines[i - 1]) <= _MAX_CAPTION:
            a.mark_caption(i - 1, "image_alt")
        # Every picture has its alt text, not every one a caption: a finished paragraph after
        # the counter is the article going on, unless a photo credit ends it.
        nxt = a.lines[i + 1]
        if a.marks[i + 1] is None and len(nxt) <= _MAX_CAPTION and (not a.body[i + 1] or has_credit(nxt)):
            a.mark_caption(i + 1, "image_caption")
    for i in a.kept(0, a.end):
        if a.lines[i][0].isdigit() and _COUNTER_OF.fullmatch(a.lines[i]):
            a.mark(i, "image_counter")


def _mark_captions(a: _Article) -> None:
    """Any line that ends in a photo credit is a caption (or, alone, a credit)."""
    for i in a.kept(0, a.end):
        if has_credit(a.lines[i]):
            a.mark_caption(i, "image_caption")


def _title_keys(line: str) -> set[str]:
    """Comparable forms of a title (case, punctuation and quotes ignored): the whole, and either
    side of a site-name separator ("Headline | Site", "Site - Headline"); of 3 words or more."""
    parts = _TITLE_SEPARATOR.split(line)
    keys = {" ".join(_WORD.findall(p.casefold())) for p in (line, parts[0], parts[-1])}
    return {k for k in keys if k.count(" ") >= 2}


def _is_fragment(line: str) -> bool:
    """One or two words, no sentence: alt text ("logo"), a section or outlet name.

    A line ending in a comma goes on in the next one (a letter's salutation, "Dear readers,").
    Chinese, Japanese and Korean text is not split into words by spaces: a short line of it can
    be a whole phrase, so it is never a fragment by word count.
    """
    return (word_count(line) <= 2 and len(line) <= _MAX_FRAGMENT and not ends_sentence(line)
            and not line.endswith(",") and not _CJK.search(line))


def _mark_head(a: _Article, first: int, title: str | None) -> str | None:
    """Title, repeated title and masthead fragments: the lines before the first paragraph.

    Masthead fragments (logo alt text, a section name) stand above the article's first line of
    its own: once a kept line starts the article (a headline, a dek, a subhead), later short
    lines are its subheads and list items, not the page's masthead. Two words right above the
    first paragraph are its subhead ("Early years"); one word there is still a section name.
    """
    keys = _title_keys(title) if title else set()
    started = False
    for i in a.kept(0, min(first, a.end)):
        line = a.lines[i]
        if title is None and is_headline(line):
            title, keys = line, _title_keys(line)
            a.mark(i, "title")
        elif keys and len(line) <= 2 * len(title or "") + 40 and _title_keys(line) & keys:
            a.mark(i, "title_repeat")
        elif not started and _is_fragment(line) and not (i == first - 1 and word_count(line) == 2):
            a.mark(i, "masthead")
        else:
            started = True
    return title


def _mark_inline_related(a: _Article, first: int, last: int) -> None:
    """A headline-like line between two finished paragraphs is a link to another story.

    Subheads are shorter (3-9 words) and captions were taken by the gallery rules already. A
    line with a colon or a double quote is reported speech running on (a quote opened with “
    whose paragraph the scraper broke), not a headline; so is a line with a sentence break
    inside it, or one whose next line goes on in lower case: a paragraph the scraper broke. A
    line ending in an emoji or in a bracketed aside of several words is a blogger's prose.
    """
    kept = list(a.kept(first, last + 1))
    for prev, i, nxt in zip(kept, kept[1:], kept[2:]):
        line = a.lines[i]
        if (10 <= word_count(line) <= 30 and not ends_sentence(line) and not _SPEECH.search(line)
                and not _BULLET.match(line) and not _SENTENCE_BREAK.search(line) and not _PROSE_ENDING.search(line)
                and not a.lines[nxt][0].islower()
                and ends_sentence(a.lines[prev]) and ends_sentence(a.lines[nxt])):
            a.mark(i, "inline_related")


def _mark_tail_fragments(a: _Article, last: int) -> None:
    """After the last paragraph: 1-2 word lines, and short lines that follow other furniture.

    Only lines standing alone or in pairs: _LIST_RUN or more kept lines in a row are a list or
    a fact box (specifications, an address, ingredients, key facts), which stays whole. An
    author's sign-off ("Euer Jan", "x Anna", "Cheers, Sam") is the author's text, not furniture.
    """
    run: list[int] = []
    for i in range(last + 1, a.end + 1):
        if i < a.end and a.marks[i] is None:
            run.append(i)
            continue
        if len(run) < _LIST_RUN:
            for j in run:
                line = a.lines[j]
                after_furniture = j > last + 1 and a.marks[j - 1] is not None
                short = _is_fragment(line) or (after_furniture and word_count(line) <= 8 and len(line) <= SHORT_LINE)
                if short and not _SIGN_OFF.match(line):
                    a.mark(j, "tail_fragment")
        run = []


def _assemble(a: _Article, title: str | None) -> TextResult:
    result = TextResult(title, [])
    for i in range(a.end):
        marks = a.marks[i]
        if marks is None:
            result.lines.append(a.lines[i])
        else:
            result.removals.extend(marks)
    if a.tail_rule and a.end < len(a.lines):
        result.removals.append(Removal(a.tail_rule, "\n".join(a.lines[a.end:])))
    return result
