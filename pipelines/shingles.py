"""Text features for dedup, computed for a whole batch of documents at once in numpy.

Per-document Python tokenisation was the floor of dedup speed (~0.3 ms/doc, see the shared notes),
so nothing here loops over documents or tokens in Python. The batch is NFKC-normalised (C, and
skipped for ASCII documents), lower-cased by ``pyarrow.compute.utf8_lower``, concatenated into
one UTF-8 byte buffer and tokenised by byte classes:

* word bytes: ASCII letters, digits, ``_`` and every byte of a non-ASCII character, except
* punctuation and spaces of Latin-1 (U+0080-U+00BF) and General Punctuation (U+2000-U+206F),
  U+2212 and U+3000, which separate words like ASCII punctuation does;
* invisibles (zero-width space/joiners U+200B-U+200D, U+2060, U+FEFF, soft hyphen) and a comma
  between two digits join: they vanish from the token (``1,250`` -> ``1250``); a dot between two
  digits stays (``3.5``).

Instead of materialising token strings, each token is hashed in place with a polynomial over its
visible bytes (prefix sums, so the cost is per byte, not per token), finished by the MurmurHash3
64-bit mixer: :func:`token_hash` is the scalar definition, and :func:`shingle_hash` (the hash a
stock ``datasketch.MinHash`` is given as ``hashfunc`` to reproduce :func:`shingle_hashes`) combines
the token hashes of a word k-gram. Equal tokens get equal hashes, so no dictionary is needed.

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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

NORMALISATION_VERSION = 2

_M64 = (1 << 64) - 1
_P = 0x100000001B3  # byte polynomial base (odd, so it has an inverse mod 2^64)
_P_INV = pow(_P, -1, 1 << 64)
_Q = 0x9E3779B97F4A7C15  # token polynomial base for shingles
_R = 0xC2B2AE3D27D4EB4F  # token polynomial base for the exact-text key
_U64 = np.uint64


def fmix64(h: int) -> int:
    """MurmurHash3's 64-bit finaliser, scalar (see :func:`_fmix64` for arrays)."""
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _M64
    return h ^ (h >> 33)


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _U64(33))
    h *= _U64(0xFF51AFD7ED558CCD)
    h ^= h >> _U64(33)
    h *= _U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> _U64(33))


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


class _Powers:
    """Grow-only tables of base**i mod 2^64 (computing them per batch cost more than hashing)."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.table = np.ones(1, _U64)

    def __call__(self, n: int) -> np.ndarray:
        if len(self.table) < n:
            size = max(n, 2 * len(self.table))
            table = np.full(size, _U64(self.base))
            table[0] = 1
            np.multiply.accumulate(table, out=table)
            self.table = table
        return self.table[:n]


_POW_P, _POW_P_INV, _POW_R = _Powers(_P), _Powers(_P_INV), _Powers(_R)

_WORD_BYTE = np.zeros(256, bool)
for _c in b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_":
    _WORD_BYTE[_c] = True
_WORD_BYTE[0x80:] = True
_DIGIT = np.zeros(256, bool)
_DIGIT[list(b"0123456789")] = True
_SPACE = np.zeros(256, bool)
_SPACE[list(b" \t\n\r\x0b\x0c")] = True
_BREAK_MARK = np.zeros(256, bool)
_BREAK_MARK[list(b".!?:;-")] = True
_CHAR_LEN = np.ones(256, np.int8)
_CHAR_LEN[0xC0:], _CHAR_LEN[0xE0:], _CHAR_LEN[0xF0:] = 2, 3, 4


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, faster for news text. NFKC composes the
    compatibility decomposition, so replacing a character by its compatibility decomposition first
    never changes the result; U+00A0 (the only common one in news) becomes a space by a fast
    ``str.replace``, after which most texts pass the (cheap) normal-form check as they are."""
    text = text.replace("\u00a0", " ")
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _utf8(texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(original bytes, lower-cased bytes, doc byte offsets), both buffers padded by 4 zero bytes.
    The few characters whose lower case has another UTF-8 length are left as they are."""
    normal = [t if t.isascii() else _nfkc(t) for t in texts]
    original = pa.array(normal, pa.large_string())
    lower = pc.utf8_lower(original)
    offsets = np.frombuffer(original.buffers()[1], np.int64)[: len(texts) + 1]
    lower_offsets = np.frombuffer(lower.buffers()[1], np.int64)[: len(texts) + 1]
    if not np.array_equal(offsets, lower_offsets):
        lowered = lower.to_pylist()
        for i in np.flatnonzero(np.diff(offsets) != np.diff(lower_offsets)):
            lowered[i] = "".join(c.lower() if len(c.lower().encode()) == len(c.encode()) else c for c in normal[i])
        lower = pa.array(lowered, pa.large_string())
    total = int(offsets[-1])
    buffers = []
    for array in (original, lower):
        padded = np.zeros(total + 4, np.uint8)
        if total:
            padded[:total] = np.frombuffer(array.buffers()[2], np.uint8, total)
        buffers.append(padded)
    return buffers[0], buffers[1], offsets.copy()


def _mark(mask: np.ndarray, starts: np.ndarray, width: int, value: bool) -> None:
    for j in range(width):
        mask[starts + j] = value


def _table(mask: np.ndarray) -> bytes:
    """A ``bytes.translate`` table mapping each byte to 1 where ``mask`` holds, else 0: a byte
    class lookup at C speed (several times faster than ``mask[x]`` fancy indexing)."""
    return mask.astype(np.uint8).tobytes()


def _lookup(x: np.ndarray, table: bytes) -> np.ndarray:
    """``mask[x]`` for a uint8 array ``x``, as a writable bool array, through ``bytes.translate``."""
    return np.frombuffer(bytearray(x.tobytes()).translate(table), bool)


_WORD_TABLE = _table(_WORD_BYTE)
_BREAK_CANDIDATE = _BREAK_MARK.copy()
_BREAK_CANDIDATE[[ord("\n"), 0xE2]] = True
_BREAK_CANDIDATE_TABLE = _table(_BREAK_CANDIDATE)


def _is_digit(v: np.ndarray) -> np.ndarray:
    return (v >= ord("0")) & (v <= ord("9"))


def _classes(x: np.ndarray, total: int) -> tuple[np.ndarray, np.ndarray]:
    """(word-or-joiner, visible) per byte of the lower-cased buffer ``x`` (padded)."""
    word = _lookup(x, _WORD_TABLE)
    join = np.zeros(len(x), bool)
    x0, x1, x2 = x[:total], x[1 : total + 1], x[2 : total + 2]
    latin1 = np.flatnonzero(x0 == 0xC2)
    _mark(word, latin1, 2, False)
    _mark(join, latin1[x1[latin1] == 0xAD], 2, True)
    e2 = np.flatnonzero(x0 == 0xE2)
    a, b = x1[e2], x2[e2]
    general = e2[(a == 0x80) | ((a == 0x81) & (b < 0xB0)) | ((a == 0x88) & (b == 0x92))]
    _mark(word, general, 3, False)
    a, b = x1[general], x2[general]
    _mark(join, general[((a == 0x80) & (b >= 0x8B) & (b <= 0x8D)) | ((a == 0x81) & (b == 0xA0))], 3, True)
    ef = np.flatnonzero((x0 == 0xEF) & (x1 == 0xBB) & (x2 == 0xBF))
    _mark(join, ef, 3, True)
    e3 = np.flatnonzero((x0 == 0xE3) & (x1 == 0x80) & (x2 == 0x80))
    _mark(word, e3, 3, False)
    # A comma or dot between two ASCII digits (only commas and dots need the test: sparse).
    punct = np.flatnonzero((x0 == ord(",")) | (x0 == ord(".")))
    punct = punct[punct >= 1]
    punct = punct[_is_digit(x[punct - 1]) & _is_digit(x[punct + 1])]
    comma = punct[x[punct] == ord(",")]
    join[comma] = True
    word[punct] = True
    word |= join
    return word, word & ~join


def _breaks(x: np.ndarray, total: int) -> np.ndarray:
    """Positions of sentence breaks in the original buffer: a line break, or ``.!?:;-`` or a dash
    followed by white space."""
    at = np.flatnonzero(_lookup(x[:total], _BREAK_CANDIDATE_TABLE))
    v, v1, v2, v3 = x[at], x[at + 1], x[at + 2], x[at + 3]
    brk = (v == ord("\n")) | (_BREAK_MARK[v] & _SPACE[v1])
    dash = (v == 0xE2) & (((v1 == 0x80) & (v2 >= 0x90) & (v2 <= 0x95)) | ((v1 == 0x88) & (v2 == 0x92)))
    brk |= dash & _SPACE[v3]
    return at[brk]


def _per_doc_sets(doc: np.ndarray, hashes: np.ndarray, n_docs: int) -> Ragged:
    keys = np.unique((doc.astype(_U64) << _U64(32)) | (hashes & _U64(0xFFFFFFFF)))
    offsets = np.searchsorted(keys >> _U64(32), np.arange(n_docs + 1, dtype=_U64)).astype(np.int64)
    return Ragged(offsets, (keys & _U64(0xFFFFFFFF)).astype(np.uint32))


def _segment_sums(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Sums mod 2^64 of ``values[offsets[i]:offsets[i+1]]`` (empty segments sum to 0)."""
    sums = np.zeros(len(values) + 1, _U64)
    np.cumsum(values, out=sums[1:])
    return sums[offsets[1:]] - sums[offsets[:-1]]


def tokenize_batch(texts: list[str]) -> TokenBatch:
    """Token hashes, exact-text keys and entity fingerprints of ``texts`` (see the module doc)."""
    original, x, byte_offsets = _utf8(texts)
    n_docs, total = len(texts), int(byte_offsets[-1])
    word, visible = _classes(x, total)
    word[total:] = False
    joiners = np.flatnonzero(word & ~visible)
    if len(joiners):  # cut them out: every token byte is then visible, and positions are ranks
        kept = np.ones(len(x), bool)
        kept[joiners] = False
        original, x, word = original[kept], x[kept], word[kept]
        byte_offsets = byte_offsets - np.searchsorted(joiners, byte_offsets)
        total = int(byte_offsets[-1])
    doc_start = np.zeros(len(x), bool)
    doc_start[byte_offsets[:-1][byte_offsets[:-1] < total]] = True
    before = np.concatenate(([False], word[:-1])) & ~doc_start
    after = np.concatenate((word[1:], [False])) & ~np.roll(doc_start, -1)
    starts, ends = np.flatnonzero(word & ~before), np.flatnonzero(word & ~after) + 1

    prefix = np.empty(len(x) + 1, _U64)
    prefix[0] = 0
    np.multiply(x, _POW_P(len(x)), out=prefix[1:])
    np.cumsum(prefix[1:], out=prefix[1:])
    hashes = prefix[ends]
    hashes -= prefix[starts]
    hashes *= _POW_P_INV(len(x))[starts]
    hashes = _fmix64(hashes)

    token_offsets = np.searchsorted(starts, byte_offsets).astype(np.int64)  # tokens start inside their doc
    doc = np.repeat(np.arange(n_docs), np.diff(token_offsets))
    position = np.arange(len(starts)) - token_offsets[doc]
    n_tokens = np.diff(token_offsets).astype(_U64)
    exact = _fmix64(_segment_sums(hashes * _POW_R(int(position.max(initial=0)) + 1)[position], token_offsets)
                    + n_tokens * _U64(_Q))

    breaks = _breaks(original, total)
    # A token opens a sentence when a break lies in [previous token's end, its start): for each
    # break only the first token starting after it can qualify (searching the few breaks among the
    # many tokens, not the reverse).
    opens = position == 0
    after_break = np.searchsorted(starts, breaks, "right")
    inside = after_break < len(starts)
    after_break, breaks = after_break[inside], breaks[inside]
    previous_end = ends[np.maximum(after_break - 1, 0)]
    previous_end[after_break == 0] = 0
    opens[after_break[previous_end <= breaks]] = True
    differs = original != x
    length = _CHAR_LEN[original[starts]]
    capital = differs[starts].copy()
    for j in range(1, 4):
        capital |= (length > j) & differs[starts + j]
    number = np.zeros(len(starts), bool)
    digit_first = np.flatnonzero(_DIGIT[x[starts]])
    if len(digit_first):
        lengths = ends[digit_first] - starts[digit_first]
        segments = np.zeros(len(digit_first), np.int64)
        np.cumsum(lengths[:-1], out=segments[1:])
        at = np.repeat(starts[digit_first] - segments, lengths) + np.arange(lengths.sum())
        number[digit_first] = np.logical_and.reduceat(_DIGIT[x[at]] | (x[at] == ord(".")), segments)
    names = capital & ~opens
    return TokenBatch(
        tokens=Ragged(token_offsets, hashes),
        exact=exact,
        names=_per_doc_sets(doc[names], hashes[names], n_docs),
        numbers=_per_doc_sets(doc[number], hashes[number], n_docs),
    )


def shingle_hashes(tokens: Ragged, k: int) -> Ragged:
    """32-bit hashes of each document's word k-grams, in text order (duplicates kept; MinHash
    ignores them). A text shorter than ``k`` words has one shingle of all its words, so a short
    text still has a fingerprint; an empty text has none. Equals :func:`shingle_hash` per shingle."""
    if k < 1:
        raise ValueError(f"shingle size must be >= 1, got {k}")
    th, offsets = tokens.values, tokens.offsets
    n = np.diff(offsets)
    counts = np.where(n >= k, n - k + 1, np.minimum(n, 1))
    out_offsets = np.zeros(len(n) + 1, np.int64)
    np.cumsum(counts, out=out_offsets[1:])
    doc = np.repeat(np.arange(len(n)), counts)
    first = offsets[:-1][doc] + (np.arange(out_offsets[-1]) - out_offsets[:-1][doc])
    # Full k-grams: Horner over contiguous slices of all tokens at once, then the k-grams that
    # start a shingle are picked; only texts shorter than k words need the masked loop.
    full = np.zeros(len(th) + 1, _U64)  # full[p]: hash of tokens p..p+k-1 (garbage near the end)
    full[: len(th)] = th
    for j in range(1, k):
        full[: len(th) - j] *= _U64(_Q)
        full[: len(th) - j] += th[j:]
    h = full[first]
    short = np.flatnonzero(n[doc] < k)
    if len(short):
        width = n[doc[short]]
        hs = np.zeros(len(short), _U64)
        padded = np.concatenate((th, np.zeros(k, _U64)))
        for j in range(k):
            hs = np.where(j < width, hs * _U64(_Q) + padded[first[short] + j], hs)
        h[short] = hs
    return Ragged(out_offsets, (_fmix64(h) & _U64(0xFFFFFFFF)).astype(np.uint32))
