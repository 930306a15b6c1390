"""MinHash signatures and LSH band keys for a whole batch, in numpy, defined by datasketch.

The signature of a document is exactly what ``datasketch.MinHash(num_perm, seed, scheme="affine32",
hashfunc=pipelines.shingles.shingle_hash).update_batch(shingles)`` computes (tested): the same
permutations (taken from a datasketch ``MinHash``), the same MurmurHash3 32-bit pre-mix, the same
``a * h + b mod 2^32`` and minimum. Only the loop is different: the permutations of all shingles of
a group of documents are one ``(num_perm, n)`` array, reduced per document with ``minimum.reduceat``.
A document without shingles keeps datasketch's empty value (all ``2^32 - 1``).

Band keys follow ``datasketch.MinHashLSH``: its ``b`` and ``r`` for the threshold (its
false-positive/false-negative optimisation), and its band ranges. Where datasketch keys a bucket by
the band's bytes, a band key here is a 64-bit hash of the band's values, so that a whole index is
one sortable uint64 array; two documents share a key exactly when datasketch would put them in one
bucket (up to 64-bit collisions, which only add candidates that verification then refuses).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from pipelines.shingles import Ragged

SCHEME = "affine32"  # datasketch 2.0 default, stated so signatures never silently change scheme
_U32 = np.uint32
_GROUP = 8192  # shingles permuted per step: (num_perm x 8192) uint32 stays in cache


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> np.ndarray:
    """datasketch's affine32 permutations ``(a, b)`` for ``num_perm`` and ``seed``: shape (2, num_perm)."""
    return MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _U32(16))
    h *= _U32(0x85EBCA6B)
    h ^= h >> _U32(13)
    h *= _U32(0xC2B2AE35)
    return h ^ (h >> _U32(16))


def minhash_batch(shingles: Ragged, num_perm: int, seed: int) -> np.ndarray:
    """uint32 signatures, shape (documents, num_perm), of each document's shingle hashes."""
    a, b = (p[:, None] for p in permutations(num_perm, seed))
    offsets, values = shingles.offsets, _fmix32(shingles.values.astype(_U32))
    n_docs = len(offsets) - 1
    signatures = np.full((n_docs, num_perm), np.iinfo(_U32).max, _U32)
    nonempty = np.flatnonzero(np.diff(offsets) > 0)
    # Groups of whole documents holding about _GROUP shingles each.
    cuts = np.searchsorted(offsets[nonempty], np.arange(0, offsets[-1], _GROUP), "left")
    cuts = np.unique(np.append(cuts, len(nonempty)))
    buffer = np.empty((num_perm, _GROUP), _U32)
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        docs = nonempty[lo:hi]
        first, last = offsets[docs[0]], offsets[docs[-1] + 1]
        width = last - first
        block = buffer[:, :width] if width <= _GROUP else np.empty((num_perm, width), _U32)
        np.multiply(a, values[None, first:last], out=block)
        block += b
        signatures[docs] = np.minimum.reduceat(block, offsets[docs] - first, axis=1).T
    return signatures


@lru_cache(maxsize=8)
def lsh_bands(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    """datasketch ``MinHashLSH.hashranges`` for this threshold: the (start, end) of each band."""
    return tuple(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)


def band_keys(signatures: np.ndarray, bands: tuple[tuple[int, int], ...]) -> np.ndarray:
    """uint64 key per document and band, shape (documents, bands); keys of different bands differ."""
    keys = np.empty((len(signatures), len(bands)), np.uint64)
    for n, (start, end) in enumerate(bands):
        h = np.full(len(signatures), np.uint64((n + 1) * 0x9E3779B97F4A7C15 % (1 << 64)))
        for column in range(start, end):
            h = (h ^ signatures[:, column].astype(np.uint64)) * np.uint64(0x100000001B3)
            h ^= h >> np.uint64(29)
        keys[:, n] = h
    return keys


def lean_minhash(signature: np.ndarray, seed: int) -> LeanMinHash:
    """A datasketch sketch of a stored signature (for datasketch indexes, e.g. on Redis)."""
    return LeanMinHash(seed=seed, hashvalues=signature, scheme=SCHEME)
