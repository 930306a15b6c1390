"""MinHash signatures and LSH band keys for a whole batch, in numpy, defined by datasketch.

The signature of a document is exactly what ``datasketch.MinHash(num_perm, seed, scheme="affine32",
hashfunc=pipelines.shingles.shingle_hash).update_batch(shingles)`` computes (tested): the same
permutations (taken from a datasketch ``MinHash``), the same MurmurHash3 32-bit pre-mix, the same
``a * h + b mod 2^32`` and minimum. Only the loop is different: one compiled (numba) loop over all
shingles of the batch, the permutations innermost so that the compiler vectorises them.
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
from numba import njit

from pipelines.shingles import Ragged

SCHEME = "affine32"  # datasketch 2.0 default, stated so signatures never silently change scheme


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> np.ndarray:
    """datasketch's affine32 permutations ``(a, b)`` for ``num_perm`` and ``seed``: shape (2, num_perm)."""
    return MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations


@njit(cache=True, nogil=True)
def _minhash(values: np.ndarray, offsets: np.ndarray, a: np.ndarray, b: np.ndarray, signatures: np.ndarray) -> None:
    mask = np.uint64(0xFFFFFFFF)
    for d in range(len(offsets) - 1):
        row = signatures[d]
        row[:] = np.uint32(0xFFFFFFFF)
        for s in range(offsets[d], offsets[d + 1]):
            v = np.uint64(values[s])  # MurmurHash3's 32-bit finaliser, as datasketch pre-mixes
            v ^= v >> np.uint64(16)
            v = (v * np.uint64(0x85EBCA6B)) & mask
            v ^= v >> np.uint64(13)
            v = (v * np.uint64(0xC2B2AE35)) & mask
            v = np.uint32(v ^ (v >> np.uint64(16)))
            for p in range(len(a)):  # contiguous over permutations: vectorised by the compiler
                row[p] = min(row[p], np.uint32(a[p] * v + b[p]))


def minhash_batch(shingles: Ragged, num_perm: int, seed: int, out: np.ndarray | None = None) -> np.ndarray:
    """uint32 signatures, shape (documents, num_perm), of each document's shingle hashes; written
    into ``out`` (e.g. rows of a larger array) when given."""
    a, b = permutations(num_perm, seed)
    if out is None:
        out = np.empty((len(shingles), num_perm), np.uint32)
    _minhash(shingles.values.astype(np.uint32, copy=False), shingles.offsets, a, b, out)
    return out


@lru_cache(maxsize=8)
def lsh_bands(threshold: float, num_perm: int) -> tuple[tuple[int, int], ...]:
    """datasketch ``MinHashLSH.hashranges`` for this threshold: the (start, end) of each band."""
    return tuple(MinHashLSH(threshold=threshold, num_perm=num_perm).hashranges)


@njit(cache=True, nogil=True)
def _band_keys(signatures: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    keys = np.empty((len(signatures), len(starts)), np.uint64)
    for d in range(len(signatures)):
        for n in range(len(starts)):
            h = np.uint64(n + 1) * np.uint64(0x9E3779B97F4A7C15)
            for column in range(starts[n], ends[n]):
                h = (h ^ np.uint64(signatures[d, column])) * np.uint64(0x100000001B3)
                h ^= h >> np.uint64(29)
            keys[d, n] = h
    return keys


def band_keys(signatures: np.ndarray, bands: tuple[tuple[int, int], ...]) -> np.ndarray:
    """uint64 key per document and band, shape (documents, bands); keys of different bands differ."""
    starts = np.array([start for start, _ in bands], np.int64)
    ends = np.array([end for _, end in bands], np.int64)
    return _band_keys(signatures, starts, ends)


def lean_minhash(signature: np.ndarray, seed: int) -> LeanMinHash:
    """A datasketch sketch of a stored signature (for datasketch indexes, e.g. on Redis)."""
    return LeanMinHash(seed=seed, hashvalues=signature, scheme=SCHEME)
