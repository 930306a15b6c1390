"""Text features for dedup, computed for a whole batch of documents at once, outside the interpreter.

Per-document Python tokenisation was the floor of dedup speed (~0.3 ms/doc, see the shared notes),
and a numpy version (dozens of whole-buffer passes) still cost ~55 us/doc, so the batch is
NFKC-normalised (C, and skipped for ASCII documents), lower-cased by
``pyarrow.compute.utf8_lower`` into one UTF-8 byte buffer, and tokenised by one compiled (numba)
loop per document (:func:`_scan`, ~7 ns/byte) by byte classes:

* word bytes: ASCII letters, digits, ``_`` and every byte of a non-ASCII character, except
* punctuation and spaces of Latin-1 (U+0080-U+00BF) and General Punctuation (U+2000-U+206F),
  U+2212 and U+3000, which separate words like ASCII punctuation does;
* invisibles (zero-width space/joiners U+200B-U+200D, U+2060, U+FEFF, soft hyphen) and a comma
  between two digits join: they vanish from the token (``1,250`` -> ``1250``); a dot between two
  digits stays (``3.5``). Each document is tokenised on its own: a neighbour in the batch never
changes its tokens.

Instead of materialising token strings, each token is hashed in place with a polynomial over its
visible bytes, finished by the MurmurHash3 64-bit mixer: :func:`token_hash` is the scalar
definition, and :func:`shingle_hash` (the hash a stock ``datasketch.MinHash`` is given as
``hashfunc`` to reproduce :func:`shingle_hashes`) combines the token hashes of a word k-gram. Equal tokens get equal hashes, so no dictionary is needed.

The entity fingerprint answers a different question. A templated story (same skeleton, other
names and numbers: earnings, sports results, weather) shares most word shingles with another
story, yet it is a different story; a true copy keeps its source's names and numbers. Names are
the tokens whose first character is upper case in the ORIGINAL text (the lower-cased bytes line
up with the original ones), except the first token of a text, line or sentence (after ``.!?:;-``
or a dash followed by white space): grammar capitalises those. Numbers are all-digit tokens.

Changing anything here changes every hash: bump :data:`NORMALISATION_VERSION` so that persisted
dedup indexes built with the old rules are refused instead of silently mismatched.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numba import njit

NORMALISATION_VERSION = 2

_M64 = (1 << 64) - 1
_P = 0x100000001B3  # byte polynomial base (odd, so it has an inverse mod 2^64)
_Q = 0x9E3779B97F4A7C15  # token polynomial base for shingles
_R = 0xC2B2AE3D27D4EB4F  # token polynomial base for the exact-text key


def fmix64(h: int) -> int:
    """MurmurHash3's 64-bit finaliser (the compiled kernels use :func:`_fmix64_one`)."""
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _M64
    return h ^ (h >> 33)


def token_hash(token: bytes) -> int:
    """The hash of one token's visible (lower-cased, NFKC) UTF-8 bytes: the scalar definition."""
    h, power = 0, 1
    for byte in token:
        h = (h + byte * power) & _M64
        power = (power * _P) & _M64
    return fmix64(h)


def shingle_hash(shingle: bytes) -> int:
    """32-bit hash of a shingle given as its tokens joined by single spaces: usable as a
    ``datasketch.MinHash`` ``hashfunc`` and equal to what :func:`shingle_hashes` computes."""
    h = 0
    for token in shingle.split(b" "):
        h = (h * _Q + token_hash(token)) & _M64
    return fmix64(h) & 0xFFFFFFFF


@dataclass(frozen=True)
class Ragged:
    """Rows of variable length: row ``i`` is ``values[offsets[i]:offsets[i + 1]]``."""

    offsets: np.ndarray  # int64[n + 1]
    values: np.ndarray

    def row(self, i: int) -> np.ndarray:
        return self.values[self.offsets[i] : self.offsets[i + 1]]

    def __len__(self) -> int:
        return len(self.offsets) - 1


@dataclass(frozen=True)
class TokenBatch:
    """Tokens of a batch of documents, as hashes, and what dedup derives from them per document."""

    tokens: Ragged  # uint64 token hashes per document, in text order
    exact: np.ndarray  # uint64 per document: same key = same token sequence
    names: Ragged  # sorted distinct uint32 name hashes per document
    numbers: Ragged  # sorted distinct uint32 number hashes per document


@lru_cache(maxsize=1)
def _nfkc_stable() -> np.ndarray:
    """bool per BMP code point: whether NFKC leaves the character alone next to any other such
    character -- its own NFKC form, a starter (combining class 0), and never the second character
    of a canonical composition (nothing before it can absorb it). A text of ASCII and these
    characters is in NFKC (the normalisation quick check's "yes") without asking Python. U+00A0
    is let through too: NFKC makes it a space, and the tokeniser treats it as one (_space_at).
    Built once per process (~20 ms)."""
    seconds = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V/T jamo compose by rule
    for cp in range(0x10000):
        mapping = unicodedata.decomposition(chr(cp)).split()
        if len(mapping) == 2 and not mapping[0].startswith("<"):
            seconds.add(int(mapping[1], 16))
    stable = np.zeros(0x10000, np.bool_)
    for cp in range(0x80, 0x10000):
        char = chr(cp)
        stable[cp] = (cp not in seconds and not unicodedata.combining(char)
                      and not 0xD800 <= cp < 0xE000 and unicodedata.normalize("NFKC", char) == char)
    stable[0xA0] = True
    return stable


@njit(cache=True, nogil=True)
def _needs_nfkc(data: np.ndarray, words: np.ndarray, offsets: np.ndarray, stable: np.ndarray) -> np.ndarray:
    """Per document of a UTF-8 buffer: does it hold a character outside ASCII and ``stable``?
    ``words``: the buffer's whole 8-byte words, to step over ASCII runs a word at a time."""
    high = np.uint64(0x8080808080808080)
    needs = np.zeros(len(offsets) - 1, np.bool_)
    for d in range(len(offsets) - 1):
        p, hi = offsets[d], offsets[d + 1]
        while p < hi:
            if p % 8 == 0 and p + 8 <= hi and not words[p // 8] & high:
                p += 8
                continue
            byte = data[p]
            if byte < 0x80:
                p += 1
                continue
            if byte >= 0xF0 or (byte >= 0xE0 and p + 2 >= hi) or p + 1 >= hi:  # beyond the BMP
                needs[d] = True
                break
            if byte >= 0xE0:
                cp = ((byte & 0x0F) << 12) | ((data[p + 1] & 0x3F) << 6) | (data[p + 2] & 0x3F)
                p += 3
            else:
                cp = ((byte & 0x1F) << 6) | (data[p + 1] & 0x3F)
                p += 2
            if not stable[cp]:
                needs[d] = True
                break
    return needs


def _arrow_strings(texts: list[str]) -> pa.Array:
    """The texts as one Arrow string array, through temporary ``bytes``: ``pa.array(texts)`` would
    make CPython cache a UTF-8 copy inside every non-ASCII ``str`` (~1.6 KB per news text) for as
    long as the caller keeps its documents."""
    encoded = [text.encode() for text in texts]
    offsets = np.zeros(len(texts) + 1, np.int64)
    np.cumsum([len(data) for data in encoded], out=offsets[1:])
    return pa.Array.from_buffers(pa.large_string(), len(texts),
                                 [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))])


def _utf8(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(original bytes, lower-cased bytes, doc byte offsets) of the NFKC-normalised texts.
    The few characters whose lower case has another UTF-8 length are left as they are, so that
    both buffers line up byte for byte."""
    original = _arrow_strings(texts)
    normal = texts
    offsets = np.frombuffer(original.buffers()[1], np.int64)[: len(texts) + 1]
    if offsets[-1]:
        data = np.frombuffer(original.buffers()[2], np.uint8, int(offsets[-1]))
        needs = _needs_nfkc(data, data[: len(data) // 8 * 8].view(np.uint64), offsets, _nfkc_stable())
        changed = {int(i): unicodedata.normalize("NFKC", texts[i]) for i in np.flatnonzero(needs)
                   if not unicodedata.is_normalized("NFKC", texts[i])}
        if changed:
            normal = [changed.get(i, text) for i, text in enumerate(texts)]
            original = _arrow_strings(normal)
    lower = pc.utf8_lower(original)
    offsets = np.frombuffer(original.buffers()[1], np.int64)[: len(texts) + 1]
    lower_offsets = np.frombuffer(lower.buffers()[1], np.int64)[: len(texts) + 1]
    if not np.array_equal(offsets, lower_offsets):
        lowered = lower.to_pylist()
        for i in np.flatnonzero(np.diff(offsets) != np.diff(lower_offsets)):
            lowered[i] = "".join(c.lower() if len(c.lower().encode()) == len(c.encode()) else c for c in normal[i])
        lower = _arrow_strings(lowered)
    total = int(offsets[-1])

    def data(array: pa.Array) -> np.ndarray:
        buffer = array.buffers()[2]
        return np.frombuffer(buffer, np.uint8, total) if total else np.zeros(0, np.uint8)

    return data(original), data(lower), offsets


# Byte classes of the lower-cased text (ASCII; every byte >= 0x80 is a word byte unless the
# rules for the special lead bytes in _classify say otherwise).
_WORD_BYTE = np.zeros(256, np.bool_)
_WORD_BYTE[list(b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")] = True
_WORD_BYTE[0x80:] = True
_SPECIAL = np.zeros(256, np.bool_)
_SPECIAL[[0xC2, 0xE2, 0xEF, 0xE3, ord(","), ord(".")]] = True
_DIGIT = np.zeros(256, np.bool_)
_DIGIT[list(b"0123456789")] = True
_NUMERIC = _DIGIT.copy()
_NUMERIC[ord(".")] = True
_SPACE = np.zeros(256, np.bool_)
_SPACE[list(b" \t\n\r\x0b\x0c")] = True
_BREAK_MARK = np.zeros(256, np.bool_)
_BREAK_MARK[list(b".!?:;-")] = True
_MAY_BREAK = _BREAK_MARK.copy()
_MAY_BREAK[[ord("\n"), 0xE2]] = True
_CHAR_LEN = np.ones(256, np.int64)
_CHAR_LEN[0xC0:], _CHAR_LEN[0xE0:], _CHAR_LEN[0xF0:] = 2, 3, 4
_SEPARATOR, _WORD, _JOINER = 0, 1, 2


@njit(cache=True, nogil=True)
def _fmix64_one(h: np.uint64) -> np.uint64:
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


@njit(cache=True, nogil=True)
def _classify(x: np.ndarray, out: np.ndarray) -> int:
    """Separator / word / joiner per byte of one document's lower-cased bytes ``x``; returns the
    number of joiner bytes."""
    n = len(x)
    joiners = 0
    i = 0
    while i < n:
        byte = x[i]
        if not _SPECIAL[byte]:
            out[i] = _WORD if _WORD_BYTE[byte] else _SEPARATOR
            i += 1
            continue
        width, kind = 1, _WORD if _WORD_BYTE[byte] else _SEPARATOR
        if byte == 0xC2 and i + 1 < n:  # U+0080-U+00BF: Latin-1 punctuation; U+00AD soft hyphen joins
            width, kind = 2, _JOINER if x[i + 1] == 0xAD else _SEPARATOR
        elif byte == 0xE2 and i + 2 < n:
            a, b = x[i + 1], x[i + 2]
            if a == 0x80 or (a == 0x81 and b < 0xB0) or (a == 0x88 and b == 0x92):  # U+2000-U+206F, U+2212
                width = 3  # U+200B-U+200D and U+2060 join
                kind = _JOINER if (a == 0x80 and 0x8B <= b <= 0x8D) or (a == 0x81 and b == 0xA0) else _SEPARATOR
        elif byte == 0xEF and i + 2 < n and x[i + 1] == 0xBB and x[i + 2] == 0xBF:  # U+FEFF
            width, kind = 3, _JOINER
        elif byte == 0xE3 and i + 2 < n and x[i + 1] == 0x80 and x[i + 2] == 0x80:  # U+3000
            width, kind = 3, _SEPARATOR
        elif byte < 0x80 and 0 < i < n - 1 and _DIGIT[x[i - 1]] and _DIGIT[x[i + 1]]:  # , or . between digits
            kind = _JOINER if byte == ord(",") else _WORD  # 1,250 -> 1250; 3.5 stays
        for j in range(i, i + width):
            out[j] = kind
        if kind == _JOINER:
            joiners += width
        i += width
    return joiners


@njit(cache=True, nogil=True)
def _space_at(o: np.ndarray, q: int, n: int) -> bool:
    """White space at byte ``q``: ASCII, or U+00A0 (left in texts that need no other NFKC change)."""
    return q < n and (_SPACE[o[q]] or (o[q] == 0xC2 and q + 1 < n and o[q + 1] == 0xA0))


@njit(cache=True, nogil=True)
def _is_break(o: np.ndarray, p: int, n: int) -> bool:
    """A sentence break at byte ``p`` of the (joiner-free) original bytes ``o``: a line break, or
    ``.!?:;-`` or a dash (U+2010-U+2015, U+2212) followed by white space."""
    byte = o[p]
    if byte == 10:
        return True
    if _BREAK_MARK[byte]:
        return _space_at(o, p + 1, n)
    if byte == 0xE2 and p + 3 < n:
        a, b = o[p + 1], o[p + 2]
        return ((a == 0x80 and 0x90 <= b <= 0x95) or (a == 0x88 and b == 0x92)) and _space_at(o, p + 3, n)
    return False


@njit(cache=True, nogil=True)
def _scan(original: np.ndarray, lower: np.ndarray, offsets: np.ndarray):
    """One pass per document: token hashes, exact keys, and each document's sorted distinct name
    and number hashes (their low 32 bits)."""
    n_docs = len(offsets) - 1
    total = offsets[-1]
    hashes = np.empty(total // 2 + n_docs + 1, np.uint64)  # an upper bound on the token count
    names = np.empty(len(hashes), np.uint32)
    numbers = np.empty(len(hashes), np.uint32)
    name_offsets = np.zeros(n_docs + 1, np.int64)
    number_offsets = np.zeros(n_docs + 1, np.int64)
    token_offsets = np.zeros(n_docs + 1, np.int64)
    exact = np.empty(n_docs, np.uint64)
    longest = 0
    for d in range(n_docs):
        longest = max(longest, offsets[d + 1] - offsets[d])
    classes = np.empty(longest + 1, np.uint8)
    o_visible = np.empty(longest + 1, np.uint8)
    x_visible = np.empty(longest + 1, np.uint8)
    t = n_names = n_numbers = 0
    for d in range(n_docs):
        lo, hi = offsets[d], offsets[d + 1]
        if _classify(lower[lo:hi], classes):  # cut the joiners out: every token byte is then visible
            n = 0
            for i in range(hi - lo):
                if classes[i] != _JOINER:
                    o_visible[n], x_visible[n], classes[n] = original[lo + i], lower[lo + i], classes[i]
                    n += 1
            o, x = o_visible, x_visible
        else:
            n = hi - lo
            o, x = original[lo:hi], lower[lo:hi]
        classes[n] = _SEPARATOR
        key = np.uint64(0)
        power = np.uint64(1)
        first = t
        opens = True  # the text's first token opens a sentence
        p = 0
        while p < n:
            if classes[p] == _SEPARATOR:
                if _MAY_BREAK[o[p]] and _is_break(o, p, n):
                    opens = True
                p += 1
                continue
            start = p
            h = np.uint64(0)
            scale = np.uint64(1)
            while classes[p] == _WORD:
                h += np.uint64(x[p]) * scale
                scale *= np.uint64(_P)
                p += 1
            h = _fmix64_one(h)
            number = _DIGIT[x[start]]
            if number:
                for j in range(start + 1, p):
                    number &= _NUMERIC[x[j]]
            capital = o[start] != x[start]
            if _CHAR_LEN[o[start]] > 1:  # a multi-byte first character: any of its bytes
                for j in range(1, min(_CHAR_LEN[o[start]], p - start)):
                    capital |= o[start + j] != x[start + j]
            hashes[t] = h
            names[n_names] = numbers[n_numbers] = np.uint32(h & np.uint64(0xFFFFFFFF))
            n_names += capital & (not opens)  # bitwise: no branch to mispredict
            n_numbers += number
            key += h * power
            power *= np.uint64(_R)
            opens = False
            t += 1
        token_offsets[d + 1] = t
        exact[d] = _fmix64_one(key + np.uint64(t - first) * np.uint64(_Q))
        n_names = name_offsets[d] + _sorted_distinct(names[name_offsets[d] : n_names])
        n_numbers = number_offsets[d] + _sorted_distinct(numbers[number_offsets[d] : n_numbers])
        name_offsets[d + 1], number_offsets[d + 1] = n_names, n_numbers
    return (hashes[:t].copy(), token_offsets, exact, name_offsets, names[:n_names].copy(), number_offsets,
            numbers[:n_numbers].copy())


@njit(cache=True, nogil=True)
def _sorted_distinct(values: np.ndarray) -> int:
    """Sort ``values`` in place and move its distinct values to the front; returns their count.
    Insertion sort: a document holds a few dozen names or numbers."""
    for i in range(1, len(values)):
        value, j = values[i], i - 1
        while j >= 0 and values[j] > value:
            values[j + 1] = values[j]
            j -= 1
        values[j + 1] = value
    kept = min(len(values), 1)
    for i in range(1, len(values)):
        if values[i] != values[kept - 1]:
            values[kept] = values[i]
            kept += 1
    return kept


def tokenize_batch(texts: list[str]) -> TokenBatch:
    """Token hashes, exact-text keys and entity fingerprints of ``texts`` (see the module doc)."""
    hashes, token_offsets, exact, name_offsets, names, number_offsets, numbers = _scan(*_utf8(texts))
    return TokenBatch(tokens=Ragged(token_offsets, hashes), exact=exact, names=Ragged(name_offsets, names),
                      numbers=Ragged(number_offsets, numbers))


@njit(cache=True, nogil=True)
def _shingles(th: np.ndarray, offsets: np.ndarray, k: int):
    n_docs = len(offsets) - 1
    out_offsets = np.zeros(n_docs + 1, np.int64)
    for d in range(n_docs):
        n = offsets[d + 1] - offsets[d]
        out_offsets[d + 1] = out_offsets[d] + (n - k + 1 if n >= k else min(n, 1))
    out = np.empty(out_offsets[-1], np.uint32)
    q = np.uint64(_Q)
    for d in range(n_docs):
        lo, hi = offsets[d], offsets[d + 1]
        width = min(k, hi - lo)
        for s in range(out_offsets[d + 1] - out_offsets[d]):
            h = np.uint64(0)
            for j in range(lo + s, lo + s + width):
                h = h * q + th[j]
            out[out_offsets[d] + s] = np.uint32(_fmix64_one(h) & np.uint64(0xFFFFFFFF))
    return out_offsets, out


def shingle_hashes(tokens: Ragged, k: int) -> Ragged:
    """32-bit hashes of each document's word k-grams, in text order (duplicates kept; MinHash
    ignores them). A text shorter than ``k`` words has one shingle of all its words, so a short
    text still has a fingerprint; an empty text has none. Equals :func:`shingle_hash` per shingle."""
    if k < 1:
        raise ValueError(f"shingle size must be >= 1, got {k}")
    return Ragged(*_shingles(tokens.values, tokens.offsets, k))
