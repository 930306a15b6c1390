"""Wire credits: which agency (AFP, AP, Reuters, …) an article comes from.

The agency is read from credit removals (a copyright line, a standalone "(AFP)", a dateline
above the lede) and from article text that names it in a fixed form: a dateline opening a
paragraph ("Aug. 19 (UPI) — …"), a byline sentence ("X writes for the Associated Press.").
Those sentences are article text and stay; the credit lines were removed by the text rules.
Photo credits never count: an agency photo does not make the story a wire story.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from cleaners.model import Removal
from cleaners.rules import (
    WIRE_AGENCIES, WIRE_CREDIT_RULES, WIRE_DATELINE, WIRE_SIGNOFF, WIRE_SIGNOFF_CHARS, WIRE_TEXT_LINES,
)

_AGENCY = re.compile("|".join(rf"(?P<a{i}>\b(?:{alias})\b)" for i, (_, alias) in enumerate(WIRE_AGENCIES)))
_DATELINE = re.compile(WIRE_DATELINE)
_SIGNOFF = re.compile(WIRE_SIGNOFF)


def agency_in(text: str) -> str | None:
    """The canonical name of the first wire agency named in `text`."""
    m = _AGENCY.search(text)
    return WIRE_AGENCIES[int(m.lastgroup[1:])][0] if m and m.lastgroup else None


def detect_wire(lines: Sequence[str], removals: Sequence[Removal]) -> str | None:
    """The article's wire source: credit removals first, then datelines and sign-off sentences."""
    for removal in removals:
        if removal.rule in WIRE_CREDIT_RULES and (agency := agency_in(removal.text)):
            return agency
    found = [_DATELINE.match(line) for line in lines[:WIRE_TEXT_LINES]]
    found += [_SIGNOFF.search(line, max(0, len(line) - WIRE_SIGNOFF_CHARS)) for line in lines[-WIRE_TEXT_LINES:]]
    return next((agency_in(m.group()) for m in found if m), None)
