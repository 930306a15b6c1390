"""Text features for dedup: normalised text, word tokens, word k-shingles, entity fingerprints.

Two copies of one wire story differ in ways a reader does not see (curly or straight quotes,
NBSP, zero-width characters, dash style, case, line wrapping); :func:`normalize` erases exactly
those so the exact hash and the shingles compare content, not typography.

The entity fingerprint answers a different question. A templated story (same skeleton, other
names and numbers: earnings, sports results, weather) can share most of its word shingles with
another story, yet it is a different story; a true copy keeps its source's names and numbers.
So the fingerprint is taken from the ORIGINAL text, where capitalisation still marks names.

Changing anything here changes every shingle: bump :data:`NORMALISATION_VERSION` so that
persisted dedup indexes built with the old rules are refused instead of silently mismatched.
"""
from __future__ import annotations

import re
import unicodedata

NORMALISATION_VERSION = 1

# After NFKC (which already maps NBSP, thin spaces and full-width forms to ASCII), these remain.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
    }
)
_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?:;])\s+|\n+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def normalize(text: str) -> str:
    """Fold typography and case away: NFKC, drop invisibles, unify quotes/dashes, casefold,
    collapse whitespace (line breaks included: re-wrapping is not an edit)."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_TYPOGRAPHY)
    return _WHITESPACE.sub(" ", text.casefold()).strip()


def tokenize(normalized: str) -> list[str]:
    """Word tokens (``\\w+``): punctuation never decides whether two texts match."""
    return _WORD.findall(normalized)


def shingles(tokens: list[str], k: int) -> list[str]:
    """Word k-grams joined by a space, in text order (duplicates kept; callers make sets).

    A text shorter than ``k`` words yields one shingle of all its words, so a short text still
    has a fingerprint; an empty text yields none.
    """
    if k < 1:
        raise ValueError(f"shingle size must be >= 1, got {k}")
    if len(tokens) <= k:
        return [" ".join(tokens)] if tokens else []
    return [" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]


def entity_fingerprint(text: str) -> frozenset[str]:
    """Numbers and capitalised words of the original text, normalised (``"1,250"`` -> ``"1250"``,
    ``"LONDON"`` -> ``"london"``).

    The first word of each sentence or line is skipped: it is capitalised by grammar, not because
    it is a name, and counting it would make any two stories of one template agree. Names that
    only ever open a sentence are lost; in news prose they reappear mid-sentence.
    """
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_TYPOGRAPHY)
    found: set[str] = set()
    for sentence in _SENTENCE_BREAK.split(text):
        found.update(n.replace(",", "") for n in _NUMBER.findall(sentence))
        for position, word in enumerate(_WORD.findall(sentence)):
            if position and word[0].isupper():
                found.add(word.casefold())
    return frozenset(found)
