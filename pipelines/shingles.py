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
from typing import NamedTuple

NORMALISATION_VERSION = 1

# After NFKC (which already maps NBSP, thin spaces and full-width forms to ASCII), these remain.
_FOLDS = {
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
}
# A regex, not str.translate: translate with non-ASCII keys walks the text in Python-level steps
# and cost more than everything else in dedup put together.
_FOLDABLE = re.compile("[" + "".join(_FOLDS) + "]")
_WHITESPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
# Words, plus the marks after which the next word opens a sentence (or a dateline's dash).
_WORD_OR_BREAK = re.compile(r"[.!?:;-](?=\s)|\n|\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE_MARKS = frozenset(".!?:;-\n")


def _fold_typography(text: str) -> str:
    return _FOLDABLE.sub(lambda m: _FOLDS[m.group()], unicodedata.normalize("NFKC", text))


def normalize(text: str) -> str:
    """Fold typography and case away: NFKC, drop invisibles, unify quotes/dashes, casefold,
    collapse whitespace (line breaks included: re-wrapping is not an edit)."""
    return _WHITESPACE.sub(" ", _fold_typography(text).casefold()).strip()


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
    return list(map(" ".join, zip(*(tokens[i:] for i in range(k)))))  # 2x a slice-and-join loop


class Entities(NamedTuple):
    names: frozenset[str]  # capitalised words, casefolded
    numbers: frozenset[str]  # thousands separators removed


def entity_fingerprint(text: str) -> Entities:
    """Numbers and capitalised words of the original text, normalised (``"1,250"`` -> ``"1250"``,
    ``"LONDON"`` -> ``"london"``), kept apart because they fail differently: a template shares
    its capitalised boilerplate (months, titles, the home city) but never all of its numbers.

    The first word of each sentence, line, or text after a dateline dash is skipped: grammar
    capitalises it, and counting it would make any two stories of one template agree. Names that
    only ever open a sentence are lost; in news prose they reappear mid-sentence.
    """
    text = _fold_typography(text)
    names = set()
    opens_sentence = True
    for token in _WORD_OR_BREAK.findall(text):
        if token in _SENTENCE_MARKS:
            opens_sentence = True
            continue
        if not opens_sentence and token[0].isupper():
            names.add(token.casefold())
        opens_sentence = False
    return Entities(frozenset(names), frozenset(n.replace(",", "") for n in _NUMBER.findall(text)))
