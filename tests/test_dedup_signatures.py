"""The batch signatures are datasketch's: same shingles, same hash family, same permutations."""
from __future__ import annotations

import re
import unicodedata

import numpy as np
from datasketch import MinHash, MinHashLSH

from benchmarks.corpusgen import make_corpus
from pipelines.shingles import shingle_hash, shingle_hashes, token_hash, tokenize_batch
from pipelines.signatures import SCHEME, band_keys, lean_minhash, lsh_bands, minhash_batch


def reference_tokens(text: str) -> list[str]:
    """The tokenizer's rules restated with ``re`` for the ASCII-plus-typography text of the corpus."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text)
    text = re.sub(r"(?<=\d),(?=\d)", "", text)
    return re.findall(r"\w+(?:\.\d+)*", text)


TEXTS = [d.text for d in make_corpus(12, 5, seed=3)] + [
    "", "one", "Two words", "zero\u200bwidth 1,250 3.5",
    # NFKC at work: decomposed accents, ligatures, fractions, no-break spaces, Hangul jamo, full width.
    "Cafe\u0301 \u00a0e\u0301clair \ufb01nance \u00bd Caf\u00e9 \u1100\u1161 \uff21\uff22 \u2122",
    # Text NFKC leaves alone except for no-break spaces (the tokeniser's fast path).
    "\u201cCaf\u00e9,\u201d said \u00a0M\u00fcller \u2014 \u00c9cole\u00a0\u0416\u0443\u043a \u4e2d\u6587",
]


def test_tokens_and_signatures_equal_stock_datasketch_update_batch():
    tokens = tokenize_batch(TEXTS)
    shingles = shingle_hashes(tokens.tokens, 4)
    signatures = minhash_batch(shingles, 128, 1)
    for i, text in enumerate(TEXTS):
        words = reference_tokens(text)
        assert tokens.tokens.row(i).tolist() == [token_hash(w.encode()) for w in words]
        grams = [" ".join(words[j : j + 4]).encode() for j in range(max(1, len(words) - 3))] if words else []
        stock = MinHash(num_perm=128, seed=1, hashfunc=shingle_hash, scheme=SCHEME)
        stock.update_batch(grams)
        assert np.array_equal(stock.hashvalues, signatures[i]), i
    assert reference_tokens("zero\u200bwidth 1,250 3.5") == ["zerowidth", "1250", "3.5"]


def test_band_keys_give_the_candidates_of_minhashlsh():
    signatures = minhash_batch(shingle_hashes(tokenize_batch(TEXTS).tokens, 4), 128, 1)
    lsh = MinHashLSH(threshold=0.3, num_perm=128)
    for i, signature in enumerate(signatures):
        lsh.insert(i, lean_minhash(signature, 1))
    keys = band_keys(signatures, lsh_bands(0.3, 128))
    for i, signature in enumerate(signatures):
        shared = {j for j in range(len(signatures)) if np.intersect1d(keys[i], keys[j]).size}
        assert shared == set(lsh.query(lean_minhash(signature, 1)))


def test_a_no_break_space_ends_a_sentence_like_a_space():
    names = tokenize_batch(["Officials said. Smith met Jones.", "Officials said.\u00a0Smith met Jones."]).names
    assert names.row(0).tolist() == names.row(1).tolist() == [token_hash(b"jones") & 0xFFFFFFFF]


def test_entities_skip_sentence_openers_and_keep_numbers_whole():
    batch = tokenize_batch(["Officials said. Smith met Jones in PARIS on 1,250 days \u2014 Later news"])
    names = set(batch.names.row(0).tolist())
    expected = {token_hash(w.encode()) & 0xFFFFFFFF for w in ("jones", "paris")}
    assert names == expected
    assert set(batch.numbers.row(0).tolist()) == {token_hash(b"1250") & 0xFFFFFFFF}
