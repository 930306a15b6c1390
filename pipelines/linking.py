"""The dedup link step as one compiled (numba) loop: LSH candidate pairs, verification, union-find.

Candidate pairs come from band-key runs: documents of the batch whose keys are equal (a run of
the batch's sorted keys) and earlier documents whose key equals a new document's (a binary search
in the index's sorted band table). A copy shares many bands with its source, so the same pair
turns up in many runs (10 raw pairs per distinct pair on the synthetic corpus): a pair whose ends
are already connected is skipped before any work, which also makes a separate de-duplication of
pairs unnecessary. Any other pair is verified -- the policy is in :mod:`pipelines.dedup`:

* estimated Jaccard (share of equal MinHash values) >= ``min_jaccard``, or estimated containment
  of the smaller set in the larger >= ``min_containment``; and
* entity agreement >= ``min_entity_agreement`` (:func:`_agreement`).

Skipping connected pairs cannot change the result: the components are those of the graph of
verified pairs, whatever order the pairs come in. Per-pair Python (set intersections, a dict
union-find) and a numpy pair table cost more than the rest of dedup together before this.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _overlap(x: np.ndarray, y: np.ndarray) -> float:
    """|X & Y| / min(|X|, |Y|) of two sorted distinct arrays; -1.0 if either is empty."""
    smaller = min(len(x), len(y))
    if smaller == 0:
        return -1.0
    i = j = shared = 0
    while i < len(x) and j < len(y):
        if x[i] < y[j]:
            i += 1
        elif x[i] > y[j]:
            j += 1
        else:
            shared += 1
            i += 1
            j += 1
    return shared / smaller


@njit(cache=True, nogil=True)
def _agreement(names_a: np.ndarray, names_b: np.ndarray, numbers_a: np.ndarray, numbers_b: np.ndarray) -> float:
    """The mean over names and numbers of the share of the smaller set found in the other one
    (truncation drops entities, it does not change them). A kind missing on either side is no
    evidence and is left out; with no evidence at all the answer is 1.0.

    Names and numbers are averaged rather than pooled because a template look-alike shares its
    capitalised boilerplate (months, titles, home city) yet almost none of its numbers: pooled,
    the boilerplate can outvote the numbers."""
    total, kinds = 0.0, 0
    for share in (_overlap(names_a, names_b), _overlap(numbers_a, numbers_b)):
        if share >= 0.0:
            total += share
            kinds += 1
    return total / kinds if kinds else 1.0


@njit(cache=True, nogil=True)
def _row(offsets: np.ndarray, values: np.ndarray, i: int) -> np.ndarray:
    return values[offsets[i] : offsets[i + 1]]


@njit(cache=True, nogil=True)
def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal MinHash values: the unbiased Jaccard estimate (datasketch ``MinHash.jaccard``)."""
    equal = 0
    for p in range(len(a)):
        equal += a[p] == b[p]
    return equal / len(a)


@njit(cache=True, nogil=True)
def jaccards(a: np.ndarray, rows_a: np.ndarray, b: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard of signature rows ``a[rows_a[k]]`` and ``b[rows_b[k]]``, without gathering them."""
    out = np.empty(len(rows_a), np.float64)
    for k in range(len(rows_a)):
        out[k] = _jaccard(a[rows_a[k]], b[rows_b[k]])
    return out


@njit(cache=True, nogil=True)
def _verified(a, i: int, b, j: int, limits) -> bool:
    """Whether row ``i`` of side ``a`` and row ``j`` of side ``b`` are copies. A side is the tuple
    (signatures, n_shingles, name offsets, name values, number offsets, number values)."""
    min_jaccard, min_containment, min_agreement = limits
    jaccard = _jaccard(a[0][i], b[0][j])
    n_a, n_b = a[1][i], b[1][j]
    smaller = min(n_a, n_b)
    containment = min(1.0, jaccard * (n_a + n_b) / ((1.0 + jaccard) * smaller)) if smaller > 0 else 0.0
    if jaccard < min_jaccard and containment < min_containment:
        return False
    return _agreement(_row(a[2], a[3], i), _row(b[2], b[3], j),
                      _row(a[4], a[5], i), _row(b[4], b[5], j)) >= min_agreement


@njit(cache=True, nogil=True)
def _find(parent: np.ndarray, i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:  # path compression
        parent[i], i = root, parent[i]
    return root


@njit(cache=True, nogil=True)
def _union(parent: np.ndarray, i: int, j: int) -> None:
    """Join the components of roots ``i`` and ``j``: the smaller node is the root."""
    parent[max(i, j)] = min(i, j)


@njit(cache=True, nogil=True)
def link(n_earlier: int, leaders: np.ndarray, new_nodes: np.ndarray, keys: np.ndarray, batch_table: np.ndarray,
         batch_rows: np.ndarray, index_table: np.ndarray, index_rows: np.ndarray, index_shift: int,
         matchable: np.ndarray, earlier, new, limits) -> np.ndarray:
    """Each node's component root (its smallest node id): nodes ``0..n_earlier-1`` are the index
    rows, then the batch's documents.

    ``leaders``: each new document's exact-copy leader (linked unconditionally). ``new_nodes``:
    the node ids of the new documents taking part in LSH, with their band ``keys`` (one row each),
    sorted as ``batch_table``/``batch_rows`` (see ``pipelines.dedup._sorted_keys``).
    ``index_table``/``index_rows``/``index_shift``: the index's sorted band table. ``matchable``:
    which index rows may still be matched (retention, exact-copy leaders). ``earlier``/``new``:
    the two sides' data for :func:`_verified`; ``limits``: its thresholds.
    """
    parent = np.arange(n_earlier + len(leaders))
    for k in range(len(leaders)):
        ra, rb = _find(parent, leaders[k]), _find(parent, n_earlier + k)
        if ra != rb:
            _union(parent, ra, rb)
    start = 0
    while start < len(batch_table):  # within the batch: every pair of a run of equal keys
        end = start + 1
        while end < len(batch_table) and batch_table[end] == batch_table[start]:
            end += 1
        for x in range(start, end - 1):
            u = new_nodes[batch_rows[x]]
            for y in range(x + 1, end):
                v = new_nodes[batch_rows[y]]
                ru, rv = _find(parent, u), _find(parent, v)
                if ru != rv and _verified(new, u - n_earlier, new, v - n_earlier, limits):
                    _union(parent, ru, rv)
        start = end
    if len(index_table):  # against the index: earlier rows holding one of a new document's keys
        shift = np.uint64(index_shift)
        for q in range(keys.shape[0]):
            v = new_nodes[q]
            for band in range(keys.shape[1]):
                key = keys[q, band] >> shift
                k = np.searchsorted(index_table, key)
                while k < len(index_table) and index_table[k] == key:
                    u = index_rows[k]
                    k += 1
                    if not matchable[u]:
                        continue
                    ru, rv = _find(parent, u), _find(parent, v)
                    if ru != rv and _verified(earlier, u, new, v - n_earlier, limits):
                        _union(parent, ru, rv)
    for i in range(len(parent)):
        parent[i] = _find(parent, i)
    return parent
