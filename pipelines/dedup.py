"""The dedup stage: collapse copies of one wire story to one row, keep different stories apart.

How
    1. Exact: documents with the same token sequence (:mod:`pipelines.shingles`: NFKC, lower
       case, punctuation and invisibles ignored; one 64-bit key) are one cluster.
    2. Near: word-shingle MinHash signatures, computed for the whole batch by compiled loops
       (:mod:`pipelines.signatures`: equal to datasketch ``MinHash.update_batch`` with
       :func:`pipelines.shingles.shingle_hash`, scheme ``affine32`` stated explicitly), banded
       as datasketch ``MinHashLSH`` bands them; candidates are documents sharing a band key:
       runs of the batch's sorted keys, and binary searches in the index's sorted band table
       (sorted once per index). Every candidate pair is VERIFIED before it links anything
       (:mod:`pipelines.linking`): estimated Jaccard >= ``min_jaccard``, or estimated
       containment of the shorter in the longer >= ``min_containment`` (truncated copies), AND
       entity agreement (shared names/numbers) >= ``min_entity_agreement`` (refuses templated
       look-alikes: same skeleton, other names); a pair already connected is skipped.
    3. All documents -- not only the ones kept so far -- are clustered by union-find over verified
       pairs: streaming keep-first compares a late copy only with the representative and misses
       copies that are close to a sibling but not to it.
    4. In each cluster the ``keep`` policy picks the representative; the others are dropped with
       ``duplicate_of`` and their estimated Jaccard to the representative (which may be below
       ``min_jaccard`` when a copy joined through a closer sibling).

Why these defaults (``python -m benchmarks.dedup_quality``: 400 synthetic stories x 5 variants,
107 follow-ups, 107 template look-alikes, 2,614 docs of 1.6 KB, seed 11; pairwise F1)
    k=4, LSH 0.3, min Jaccard 0.3, min containment 0.6, min entity agreement 0.5: F1 1.000 exact,
    1.000 furniture, 1.000 light, 0.999 medium, 0.926 heavy; 1.000 over furniture+light+medium,
    0.979 all pairs (P 1.000, R 0.959), ARI 0.979; 0/107 follow-ups and 0/107 look-alikes merged.
    - LSH threshold is the recall gate: at 0.4 heavy F1 falls to 0.85, at 0.5 to 0.63. Going down
      to 0.2 buys +0.012 F1 for 40x the LSH candidates from unrelated stories (5.9 vs 0.14 per
      doc per 1,000 indexed), work that grows with the index; k=3 at 0.3 (F1 0.993) costs 3x.
    - min Jaccard 0.4 / 0.5: F1 0.973 / 0.973, nothing gained in precision.
    - min containment 0.5 measured +0.005 F1, but the synthetic follow-ups reuse only two
      sentences; 0.6 keeps a margin for real follow-ups that repeat more background.
    - The entity check is what keeps template look-alikes apart: without it 92/107 merge (P 0.914);
      any agreement in 0.4-0.6 merges none and loses no recall.
    - Stock datasketch keep-first at LSH 0.3, no verification: F1 0.835, 86/107 look-alikes merged.
    Speed (``python -m benchmarks.dedup_scale``, end to end, one core, medians of 3): 38.7k docs/s
    vs stock datasketch's 2.04k at 10k documents (18.9x), 34.0k vs 1.94k at 100k (17.6x).

Retention
    ``retention_days`` > 0 stops earlier documents older than that (by ``retention_by``:
    published date, else when seen; or when seen = fetched, else deduplicated) from being matched.
    They keep their rows and clusters. A run loads only what can still matter (:func:`load_index`:
    the window, plus the representatives of clusters that reach into it), so its memory follows
    the window; the state files themselves are kept (they are the lineage), read one at a time.

Incremental runs
    :class:`DedupIndex` holds the fingerprints of documents from earlier runs (all of them,
    duplicates included, for the same recall reason as step 3). A new document that matches an
    earlier one joins that document's cluster -- ``cluster_id`` unchanged -- and becomes a duplicate
    of that cluster's kept representative. A later, "better" copy (earlier timestamp, longer) never
    replaces a row already published, and two earlier clusters are never merged after the fact: if
    a new document bridges several, it joins the one whose representative the keep policy prefers.
    Same inputs, same index, same config -> same outcomes, whatever the input order.

Shared index on Redis (``DedupConfig.redis_url``)
    For crawlers that run at the same time, the earlier documents live in one Redis index
    (:mod:`pipelines.lsh_redis`: datasketch ``MinHashLSH`` buckets in datasketch's Redis layout,
    plus each document's packed fingerprint, cluster and kept flag). The local ``index`` argument is
    then only checked (sketch, doc ids); :func:`seed_shared_index` copies an existing local index
    into Redis once. Each :func:`deduplicate` call is one commit: fingerprints are computed without
    coordination, then, holding the index lock, the bucket neighbours and exact-key matches of the
    batch and their representatives are read, linked and clustered by exactly the code above, and
    the batch is written by one server-side script that refuses to run if the lock expired.
    Policy, across processes:
    * commits are serialised, so the outcomes are exactly those of ONE process ingesting the same
      batches in commit order with a local index (tested, two processes);
    * a cluster's id is its representative's doc_id, fixed by the commit that created it; the first
      committed batch holding a copy publishes the representative (the keep policy picks within
      that batch), and a later-committed copy -- even an earlier-published or longer one -- joins as
      a duplicate; clusters published by different commits are never merged (a bridging document
      joins the one the keep policy prefers). So clusters equal one process's whenever no document
      bridges clusters published by different commits; on the synthetic corpus with heavy variants,
      1,000-doc batches place 3-4% of documents differently from one single batch (pair F1 0.973 vs
      0.982): bigger batches, fewer bridges.
    * with ``retention_days``, each commit first deletes the clusters whose newest document left
      the window (:meth:`pipelines.lsh_redis.RedisIndex.prune`), so Redis memory follows the window;
      outcomes do not change (tested against the local index, day after day). Bucket neighbours
      are read with the last committed exact copy of each, which may be inside the window when
      the banded one is not. Not covered: an exact copy committed later but PUBLISHED earlier than
      another one that is still in the window (retention_by="published"); "seen" has no such case.
"""
from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from itertools import pairwise
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.linking import jaccards, link
from pipelines.shingles import NORMALISATION_VERSION, Ragged, shingle_hashes, tokenize_batch
from pipelines.signatures import SCHEME, band_keys, lsh_bands, minhash_batch

KEEP_RULES = ("earliest_published", "longest", "smallest_id")
RETENTION_DATES = ("published", "seen")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
_UNDATED = np.iinfo(np.int64).max  # sorts after every date: "undated ranks after dated"
_BATCH_CHARS = 4_000_000  # text fingerprinted per pass: bounds the per-byte and per-token work arrays

INDEX_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("cluster_id", pa.string(), nullable=False),
        pa.field("kept", pa.bool_(), nullable=False),
        pa.field("published_at", pa.timestamp("us", tz="UTC")),
        pa.field("seen_at", pa.timestamp("us", tz="UTC"), nullable=False),  # fetched, else deduplicated
        pa.field("n_shingles", pa.int64(), nullable=False),
        pa.field("signature", pa.binary(), nullable=False),  # little-endian uint32 MinHash values
        pa.field("exact_hash", pa.binary(), nullable=False),  # little-endian uint64 key of the token sequence
        pa.field("name_hashes", pa.binary(), nullable=False),  # sorted little-endian uint32 token hashes
        pa.field("number_hashes", pa.binary(), nullable=False),  # likewise
        pa.field("sketch", pa.string(), nullable=False),  # DedupConfig.sketch: what makes rows comparable
    ]
)
_WIDTHS = {"signature": np.dtype("<u4"), "exact_hash": np.dtype("<u8"), "name_hashes": np.dtype("<u4"),
           "number_hashes": np.dtype("<u4")}
# Loaded with 64-bit offsets: one binary column of a large index passes 2 GiB (4.2M signatures).
_LOADED_SCHEMA = pa.schema([f.with_type(pa.large_binary()) if f.name in _WIDTHS else f for f in INDEX_SCHEMA])
_MAX_CHUNK_BYTES = 2**31 - 1  # a written binary chunk stays addressable by 32-bit offsets


@dataclass(frozen=True)
class DedupConfig:
    """Dedup settings; the defaults are the measured best (see the module docstring)."""

    shingle_size: int = 4  # words per shingle
    num_perm: int = 128  # MinHash permutations
    threshold: float = 0.3  # MinHashLSH threshold: how similar a pair must look to be a candidate
    min_jaccard: float = 0.3  # verified if estimated Jaccard reaches this ...
    min_containment: float = 0.6  # ... or the shorter text is this much inside the longer one
    min_entity_agreement: float = 0.5  # and names/numbers agree this much (see entity_agreement)
    seed: int = 1  # MinHash permutation seed
    # Representative choice, first rule first; ties left after the listed rules go to the smallest id.
    keep: tuple[str, ...] = ("earliest_published", "longest", "smallest_id")
    # Earlier documents older than this many days (before the run) are no longer matched; 0 = all.
    retention_days: float = 0.0
    retention_by: str = "published"  # "published" (undated: when seen) or "seen" (fetched/ingested)
    # Shared index for concurrent crawlers (see "Shared index on Redis"), e.g. "redis://127.0.0.1:6379/0";
    # None: the local DedupIndex only.
    redis_url: str | None = None
    redis_basename: str = "wirewash"  # key prefix of the index on that server

    def __post_init__(self) -> None:
        if self.shingle_size < 1:
            raise ValueError(f"DedupConfig.shingle_size must be >= 1, got {self.shingle_size}")
        if self.num_perm < 2:
            raise ValueError(f"DedupConfig.num_perm must be >= 2, got {self.num_perm}")
        for name in ("threshold", "min_jaccard", "min_containment", "min_entity_agreement"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"DedupConfig.{name} must be within [0, 1], got {value}")
        unknown = [rule for rule in self.keep if rule not in KEEP_RULES]
        if unknown or len(set(self.keep)) != len(self.keep):
            raise ValueError(f"DedupConfig.keep must name distinct rules from {KEEP_RULES}, got {self.keep}")
        if self.retention_days < 0 or self.retention_by not in RETENTION_DATES:
            raise ValueError(
                f"DedupConfig.retention_days must be >= 0 and retention_by one of {RETENTION_DATES}, "
                f"got {self.retention_days}, {self.retention_by!r}"
            )

    @property
    def sketch(self) -> str:
        """Everything that must match for two signatures to be comparable."""
        return (
            f"{SCHEME}/poly64/k={self.shingle_size}/perm={self.num_perm}/seed={self.seed}"
            f"/norm={NORMALISATION_VERSION}"
        )


@dataclass
class DedupInput:
    doc_id: str
    text: str
    published_at: datetime | None  # timezone-aware
    fetched_at: datetime | None = None  # timezone-aware; for retention_by="seen" (else: the run's time)


@dataclass
class DedupOutcome:
    doc_id: str
    cluster_id: str  # the representative's doc_id when the cluster was created
    kept: bool
    duplicate_of: str | None  # the representative's doc_id, for dropped docs
    similarity: float | None  # estimated Jaccard to the representative (1.0 for exact), dropped docs
    match: Literal["exact", "near"] | None  # "exact": same token sequence as the representative


@dataclass(frozen=True)
class Fingerprints:
    """What dedup needs to know about documents, one array row per document."""

    doc_ids: list[str]
    published_us: np.ndarray  # int64 microseconds since the epoch, UTC; _UNDATED if unknown
    seen_us: np.ndarray  # int64: fetched, else when deduplicated
    n_shingles: np.ndarray  # int64 shingle positions (word count - k + 1; repeats are rare in prose)
    signatures: np.ndarray  # uint32 (documents, num_perm)
    exact: np.ndarray  # uint64
    names: Ragged  # sorted uint32 token hashes of names ...
    numbers: Ragged  # ... and of numbers

    def __len__(self) -> int:
        return len(self.doc_ids)



def _ragged_concat(parts: list[Ragged], dtype: np.dtype) -> Ragged:
    offsets, values, base = [np.zeros(1, np.int64)], [np.zeros(0, dtype)], 0
    for part in parts:
        offsets.append(part.offsets[1:] + base)
        values.append(part.values)
        base += int(part.offsets[-1])
    return Ragged(np.concatenate(offsets), np.concatenate(values))


class DedupIndex:
    """Fingerprints of documents deduplicated by earlier runs, with their clusters, as arrays.

    Built from the tables :func:`deduplicate` returned (e.g. read back from Parquet); rows are
    held sorted by doc_id so the order the tables come in never changes an outcome. The LSH band
    table is derived from the stored signatures on first use (a sort of documents x bands keys):
    cheaper than storing it, and a changed threshold needs no rebuild.
    """

    def __init__(self, fingerprints: Fingerprints, cluster_ids: list[str], cluster_of: np.ndarray,
                 kept: np.ndarray, sketches: set[str]) -> None:
        self.fingerprints = fingerprints
        self.cluster_ids = cluster_ids  # distinct cluster ids; row i is in cluster_ids[cluster_of[i]]
        self.cluster_of = cluster_of
        self.kept = kept
        self.sketches = sketches
        self.representative = np.full(len(cluster_ids), -1, np.int64)  # cluster -> its kept row
        self.representative[cluster_of[kept]] = np.flatnonzero(kept)
        orphans = [cluster_ids[c] for c in np.flatnonzero(self.representative < 0)[:5]]
        if orphans:
            raise ValueError(f"dedup index has no kept row for cluster(s) {orphans}: are tables missing?")
        self._bands: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

    def __len__(self) -> int:
        return len(self.fingerprints)

    @cached_property
    def doc_ids(self) -> frozenset[str]:
        return frozenset(self.fingerprints.doc_ids)

    @classmethod
    def empty(cls) -> DedupIndex:
        return cls.from_tables([INDEX_SCHEMA.empty_table()])

    @classmethod
    def from_tables(cls, tables: list[pa.Table]) -> DedupIndex:
        """Load the index rows of earlier runs; every table must have the :data:`INDEX_SCHEMA` columns."""
        conformed = [_LOADED_SCHEMA.empty_table()]
        for n, table in enumerate(tables):
            missing = [name for name in INDEX_SCHEMA.names if name not in table.column_names]
            if missing:
                raise ValueError(f"dedup index table #{n} lacks column(s) {missing}")
            try:
                conformed.append(table.select(INDEX_SCHEMA.names).cast(INDEX_SCHEMA).cast(_LOADED_SCHEMA))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
                raise ValueError(f"dedup index table #{n} does not fit INDEX_SCHEMA: {err}") from err
        table = pa.concat_tables(conformed).combine_chunks()
        ids = table["doc_id"]
        if len(ids) > 1 and pc.any(pc.less(ids[1:], ids[:-1])).as_py():  # already sorted: no string sort
            table = table.sort_by("doc_id").combine_chunks()
            ids = table["doc_id"]
        if len(ids) > 1 and pc.any(pc.equal(ids[1:], ids[:-1])).as_py():
            repeated = pc.filter(ids[1:], pc.equal(ids[1:], ids[:-1]))[0].as_py()
            raise ValueError(f"dedup index holds doc_id {repeated!r} more than once")
        signatures = _fixed(table["signature"], "signature")
        clusters = table["cluster_id"].dictionary_encode().combine_chunks()
        fingerprints = Fingerprints(
            doc_ids=ids.to_pylist(),
            published_us=_microseconds(table["published_at"]),
            seen_us=_microseconds(table["seen_at"]),
            n_shingles=table["n_shingles"].to_numpy(),
            signatures=signatures.reshape(len(table), -1) if len(table) else np.zeros((0, 0), np.uint32),
            exact=_fixed(table["exact_hash"], "exact_hash"),
            names=_ragged(table["name_hashes"], "name_hashes"),
            numbers=_ragged(table["number_hashes"], "number_hashes"),
        )
        return cls(fingerprints, clusters.dictionary.to_pylist(), clusters.indices.to_numpy(),
                   table["kept"].to_numpy(), set(pc.unique(table["sketch"]).to_pylist()))

    def band_table(self, bands: tuple[tuple[int, int], ...]) -> tuple[np.ndarray, np.ndarray, int]:
        """(sorted band keys, their rows, key shift) of every row, for ``bands``; computed once per
        index. Keys are ``band_keys >> shift`` (see :func:`_sorted_keys`)."""
        if bands not in self._bands:
            self._bands[bands] = _sorted_keys(band_keys(self.fingerprints.signatures, bands))
        return self._bands[bands]


def load_index(read: Callable[[list[str] | None], Iterable[pa.Table]], config: DedupConfig,
               now: datetime) -> DedupIndex:
    """The index a run at ``now`` needs, from the state tables ``read(columns)`` yields (one
    earlier run at a time; ``columns=None``: whole rows).

    Without ``retention_days`` that is every row. With it, only the rows inside the window and the
    representatives of clusters that have one: memory follows the window, not the history (a
    1M-row index takes ~1.5 KB per row once banded). Outcomes are the same as against every row:
    a row outside the window is never matched, and matters only as the representative a match
    inside its cluster points to. The first pass reads three columns; the second filters each
    run's rows as they are read."""
    if not config.retention_days:
        return DedupIndex.from_tables(list(read(None)))
    cutoff = pa.scalar(now - timedelta(days=config.retention_days), INDEX_SCHEMA.field("seen_at").type)

    def inside(table: pa.Table) -> pa.Array:
        dates = table["seen_at"] if config.retention_by == "seen" else pc.coalesce(table["published_at"], table["seen_at"])
        return pc.greater_equal(dates.cast(cutoff.type), cutoff)

    live = [pc.unique(pc.filter(t["cluster_id"], inside(t))) for t in read(["cluster_id", "published_at", "seen_at"])]
    live_clusters = pa.chunked_array(live, pa.string()).combine_chunks() if live else pa.array([], pa.string())
    return DedupIndex.from_tables([
        t.filter(pc.or_(inside(t), pc.and_(t["kept"], pc.is_in(t["cluster_id"], value_set=live_clusters))))
        for t in read(None)
    ])


def _sorted_keys(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Band keys (documents x bands) sorted as one ``np.sort`` of uint64 (no argsort): each key's
    low ``shift`` bits are replaced by its row number, so a sorted value gives both the key
    (``value >> shift``) and the row. Dropping those bits keeps >= 32 bits of key below 2^32
    rows: an unrelated match costs one extra candidate, which verification refuses. Sorts
    ``keys`` in place (an index's table is large: no copy)."""
    n, n_bands = keys.shape
    shift = max(1, int(n).bit_length())
    if shift > 32:
        raise ValueError(f"dedup index of {n} rows is too large for one band table")
    packed = keys.reshape(-1)
    packed >>= np.uint64(shift)
    packed <<= np.uint64(shift)
    packed |= np.repeat(np.arange(n, dtype=np.uint64), n_bands)
    packed.sort()
    rows = (packed & np.uint64((1 << shift) - 1)).astype(np.int64)
    packed >>= np.uint64(shift)
    return packed, rows, shift


def _microseconds(column: pa.ChunkedArray) -> np.ndarray:
    return column.cast(pa.int64()).fill_null(_UNDATED).to_numpy()


def _ragged(column: pa.ChunkedArray, name: str) -> Ragged:
    array = column.combine_chunks() if column.num_chunks else pa.array([], pa.large_binary())
    width = _WIDTHS[name].itemsize
    offsets = np.frombuffer(array.buffers()[1], np.int64, len(array) + 1, array.offset * 8)
    data = array.buffers()[2]
    values = np.frombuffer(data, _WIDTHS[name], (offsets[-1] - offsets[0]) // width, offsets[0]) \
        if data is not None and offsets[-1] > offsets[0] else np.zeros(0, _WIDTHS[name])
    if np.any((offsets % width) != 0):
        raise ValueError(f"dedup index column {name} holds values of the wrong width")
    return Ragged((offsets - offsets[0]) // width, values.astype(_WIDTHS[name].newbyteorder("="), copy=False))


def _fixed(column: pa.ChunkedArray, name: str) -> np.ndarray:
    ragged = _ragged(column, name)
    lengths = np.diff(ragged.offsets)
    if len(lengths) and np.any(lengths != lengths[0]):
        raise ValueError(f"dedup index column {name} holds values of different lengths")
    return ragged.values


def _binary(ragged: Ragged, dtype: np.dtype) -> pa.ChunkedArray:
    """Each row's values as one binary value, in chunks under 2 GiB (binary offsets are 32-bit);
    the bytes are shared with the numpy array, not copied."""
    byte_offsets = ragged.offsets * dtype.itemsize
    data = np.ascontiguousarray(ragged.values, dtype).view(np.uint8)
    bounds = [0]
    while bounds[-1] < len(ragged):
        fits = int(np.searchsorted(byte_offsets, byte_offsets[bounds[-1]] + _MAX_CHUNK_BYTES, "right")) - 1
        bounds.append(min(max(fits, bounds[-1] + 1), len(ragged)))
    chunks = [
        pa.Array.from_buffers(pa.binary(), hi - lo, [
            None, pa.py_buffer((byte_offsets[lo : hi + 1] - byte_offsets[lo]).astype(np.int32)),
            pa.py_buffer(data[byte_offsets[lo] : byte_offsets[hi]])])
        for lo, hi in pairwise(bounds)
    ]
    return pa.chunked_array(chunks, pa.binary())


# --- fingerprints ------------------------------------------------------------------------------

def _us(moment: datetime | None, doc_id: str, what: str) -> int | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError(f"doc {doc_id!r}: {what} {moment} has no timezone")
    return (moment - _EPOCH) // _MICROSECOND


def _batches(lengths: list[int]) -> list[tuple[int, int]]:
    """(start, end) of consecutive runs of documents, each closed by the first document that takes
    its text to ``_BATCH_CHARS`` characters (so every run holds at least one); one empty run for
    no documents."""
    ends = np.cumsum(lengths, dtype=np.int64)
    bounds, start = [0], 0
    while start < len(lengths):
        base = ends[start - 1] if start else 0
        start = min(int(np.searchsorted(ends, base + _BATCH_CHARS)) + 1, len(lengths))
        bounds.append(start)
    return list(pairwise(bounds)) or [(0, 0)]


def fingerprints(docs: list[DedupInput], config: DedupConfig, now: datetime) -> Fingerprints:
    """Everything dedup compares about each doc, computed about ``_BATCH_CHARS`` characters at a
    time (:func:`pipelines.shingles.tokenize_batch`, :func:`pipelines.signatures.minhash_batch`)."""
    now_us = _us(now, "-", "now")
    published = [_us(d.published_at, d.doc_id, "published_at") for d in docs]
    seen = [_us(d.fetched_at, d.doc_id, "fetched_at") for d in docs]
    signatures = np.empty((len(docs), config.num_perm), np.uint32)
    n_shingles, exact, names, numbers = [], [], [], []
    for start, end in _batches([len(doc.text) for doc in docs]):  # token and shingle hashes are dropped batch by batch
        tokens = tokenize_batch([doc.text for doc in docs[start:end]])
        shingles = shingle_hashes(tokens.tokens, config.shingle_size)
        minhash_batch(shingles, config.num_perm, config.seed, out=signatures[start:end])
        n_shingles.append(np.diff(shingles.offsets))
        exact.append(tokens.exact)
        names.append(tokens.names)
        numbers.append(tokens.numbers)
    return Fingerprints(
        doc_ids=[d.doc_id for d in docs],
        published_us=np.array([_UNDATED if p is None else p for p in published], np.int64),
        seen_us=np.array([now_us if s is None else s for s in seen], np.int64),
        n_shingles=np.concatenate(n_shingles),
        signatures=signatures,
        exact=np.concatenate(exact),
        names=_ragged_concat(names, np.dtype(np.uint32)),
        numbers=_ragged_concat(numbers, np.dtype(np.uint32)),
    )


# --- linking -----------------------------------------------------------------------------------

class _Nodes:
    """Index rows (0 .. n_earlier-1) followed by the new documents, without copying the index."""

    def __init__(self, index: DedupIndex, new: Fingerprints) -> None:
        self.earlier, self.new, self.n_earlier = index.fingerprints, new, len(index)

    def column(self, name: str, nodes: np.ndarray) -> np.ndarray:
        earlier, new = getattr(self.earlier, name), getattr(self.new, name)
        is_new = nodes >= self.n_earlier
        out = np.empty((len(nodes), *new.shape[1:]), new.dtype)
        if len(self.earlier):
            out[~is_new] = earlier[nodes[~is_new]]
        out[is_new] = new[nodes[is_new] - self.n_earlier]
        return out


    def doc_id(self, node: int) -> str:
        return self.new.doc_ids[node - self.n_earlier] if node >= self.n_earlier else self.earlier.doc_ids[node]


# --- candidates --------------------------------------------------------------------------------

def _exact_leaders(nodes: _Nodes, active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(leader per new doc, node ids of all LSH participants). A new doc with the same exact key
    as an earlier node is linked to the first such node and skips LSH: they are identical."""
    ids = np.concatenate((np.flatnonzero(active), nodes.n_earlier + np.arange(len(nodes.new))))
    keys = nodes.column("exact", ids)
    order = np.argsort(keys, kind="stable")
    first = np.ones(len(ids), bool)
    first[1:] = keys[order][1:] != keys[order][:-1]
    leader_sorted = ids[order][np.maximum.accumulate(np.where(first, np.arange(len(ids)), 0))]
    leader = np.empty(len(ids), np.int64)
    leader[order] = leader_sorted
    participants = ids[(leader == ids) & (nodes.column("n_shingles", ids) > 0)]
    return leader[-len(nodes.new):] if len(nodes.new) else leader[:0], participants


# --- clustering --------------------------------------------------------------------------------

def _side(fp: Fingerprints) -> tuple:
    """What :func:`pipelines.linking.link` verifies pairs with, for one side (index or batch)."""
    return (fp.signatures, fp.n_shingles, fp.names.offsets, fp.names.values, fp.numbers.offsets, fp.numbers.values)


def _link(index: DedupIndex, nodes: _Nodes, active: np.ndarray, config: DedupConfig) -> tuple[np.ndarray, np.ndarray]:
    """(component root of every node, each new document's exact leader): components over exact
    matches and verified LSH candidates involving a new document (:mod:`pipelines.linking`).
    Pairs of earlier documents are never examined: their clusters are settled."""
    leaders, participants = _exact_leaders(nodes, active)
    bands = lsh_bands(config.threshold, config.num_perm)
    new = participants[participants >= nodes.n_earlier]
    keys = band_keys(nodes.new.signatures[new - nodes.n_earlier], bands)
    batch_table, batch_rows, _ = _sorted_keys(keys.copy())
    if len(index):
        index_table, index_rows, shift = index.band_table(bands)
    else:
        index_table, index_rows, shift = np.zeros(0, np.uint64), np.zeros(0, np.int64), 0
    matchable = np.zeros(nodes.n_earlier, bool)
    matchable[participants[participants < nodes.n_earlier]] = True
    batch = _side(nodes.new)
    root = link(nodes.n_earlier, leaders, new, keys, batch_table, batch_rows, index_table, index_rows, shift,
                matchable, _side(nodes.earlier) if len(index) else batch,  # no index: never read
                batch, (config.min_jaccard, config.min_containment, config.min_entity_agreement))
    return root, leaders


def _keep_ranks(nodes: _Nodes, candidates: np.ndarray, rules: tuple[str, ...]) -> np.ndarray:
    """Rank of each candidate node under the keep policy (0 = the best representative).
    Undated documents rank after dated ones; the doc_id breaks remaining ties. Candidates only
    compete with their own kind (earlier representatives, or new members of a fresh cluster), and
    within a kind node order is doc_id order (index rows and the batch are each sorted by
    doc_id), so the node id stands for the doc_id."""
    columns = {
        "earliest_published": nodes.column("published_us", candidates),
        "longest": -nodes.column("n_shingles", candidates),  # shingles: the content measure dedup already has
        "smallest_id": candidates,
    }
    order = np.lexsort([candidates] + [columns[rule] for rule in reversed(rules)])
    rank = np.empty(len(candidates), np.int64)
    rank[order] = np.arange(len(candidates))
    return rank


def _best_per_group(groups: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each distinct group, the position of its best-ranked member)."""
    order = np.lexsort((rank, groups))
    first = np.ones(len(order), bool)
    first[1:] = groups[order][1:] != groups[order][:-1]
    return groups[order][first], order[first]


def deduplicate(
    docs: list[DedupInput], index: DedupIndex, config: DedupConfig = DedupConfig(), *, now: datetime
) -> tuple[list[DedupOutcome], pa.Table]:
    """Cluster ``docs`` among themselves and against ``index``; return one outcome per doc (in
    input order) and the index rows to persist for them (:data:`INDEX_SCHEMA`, sorted by doc_id,
    the order :meth:`DedupIndex.from_tables` keeps rows in).

    ``now`` (the run's moment; no default, so no result depends on the day it is computed) anchors
    ``config.retention_days``: earlier documents dated before ``now - retention_days`` are not
    matched (they stay in their clusters), and is the ``seen_at`` of documents without a fetch time.
    """
    _check_inputs(docs, index, config)
    with _cyclic_gc_paused():
        by_id = sorted(range(len(docs)), key=lambda i: docs[i].doc_id)
        new = fingerprints([docs[i] for i in by_id], config, now)
        if config.redis_url:
            outcomes = _deduplicate_shared(new, config, now)
        else:
            nodes = _Nodes(index, new)
            outcomes = _outcomes(nodes, _link(index, nodes, _active(index, config, now), config)[0], index, config)
        return [outcomes[i] for i in np.argsort(by_id).tolist()], _index_table(new, outcomes, config)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector. Dedup allocates one outcome object per document
    and no reference cycles; with 100k documents the collections that these allocations trigger
    re-scan every live object of the caller (its documents) and cost ~10% of dedup's time.
    Reference counting still frees everything; the collector resumes as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _deduplicate_shared(new: Fingerprints, config: DedupConfig, now: datetime) -> list[DedupOutcome]:
    """:func:`deduplicate` against the Redis index (``new`` sorted by doc_id): the earlier documents
    that can matter -- bucket neighbours, exact-key matches and their clusters' representatives --
    are read into a small :class:`DedupIndex`, and the local code links and picks as it would
    against an index holding every earlier document. All of it under the commit lock."""
    from pipelines.lsh_redis import band_bytes, pack_doc, redis_index

    store = redis_index(config.redis_url, config.redis_basename, config.threshold, config.num_perm)
    store.check_sketch(config.sketch)
    if not len(new):
        return []
    keys = band_bytes(new.signatures, store.bands)
    with store.locked():
        if config.retention_days:
            store.prune(_cutoff_us(config, now), config.retention_by)
        taken = store.existing(new.doc_ids)
        if taken:
            raise ValueError(f"doc_id {taken[0]!r} is already in the shared dedup index")
        found = sorted({doc_id for row in store.candidates(keys, new.exact) for doc_id in row})
        stored = store.fetch(found, config.num_perm)
        # A bucket holds one document per exact text; its later exact copies may be the ones still
        # inside the retention window (the local index would match through them): fetch those too.
        twins = sorted(set(store.last_with_exact(sorted({d.exact for d in stored.values()}))) - stored.keys())
        stored.update(store.fetch(twins, config.num_perm))
        missing = sorted({d.cluster_id for d in stored.values()} - stored.keys())
        stored.update(store.fetch(missing, config.num_perm))
        earlier = _stored_index(stored, config)
        nodes = _Nodes(earlier, new)
        root, leaders = _link(earlier, nodes, _active(earlier, config, now), config)
        outcomes = _outcomes(nodes, root, earlier, config)
        number = store.commits() + 1
        blobs = [pack_doc(o.cluster_id, o.kept, int(new.published_us[i]), int(new.seen_us[i]), int(new.n_shingles[i]),
                          int(new.exact[i]), number, new.signatures[i], new.names.row(i), new.numbers.row(i))
                 for i, o in enumerate(outcomes)]
        banded = (leaders == len(earlier) + np.arange(len(new))) & (new.n_shingles > 0)
        store.commit([o.doc_id for o in outcomes], blobs, new.exact, keys, banded, [o.cluster_id for o in outcomes],
                     _window_dates(new))
    return outcomes


def _stored_index(stored: dict, config: DedupConfig) -> DedupIndex:
    """A :class:`DedupIndex` of documents read from Redis (rows sorted by doc_id)."""
    ids = sorted(stored)
    docs = [stored[i] for i in ids]
    missing = sorted({d.cluster_id for d in docs} - set(ids))
    if missing:
        raise ValueError(f"shared dedup index lacks the representative(s) {missing[:5]}")

    def ragged(rows: list[np.ndarray]) -> Ragged:
        offsets = np.zeros(len(rows) + 1, np.int64)
        np.cumsum([len(r) for r in rows], out=offsets[1:])
        return Ragged(offsets, np.concatenate(rows).astype(np.uint32) if rows else np.zeros(0, np.uint32))

    fp = Fingerprints(
        doc_ids=ids,
        published_us=np.array([d.published_us for d in docs], np.int64),
        seen_us=np.array([d.seen_us for d in docs], np.int64),
        n_shingles=np.array([d.n_shingles for d in docs], np.int64),
        signatures=np.array([d.signature for d in docs], np.uint32).reshape(len(docs), config.num_perm),
        exact=np.array([d.exact for d in docs], np.uint64),
        names=ragged([d.names for d in docs]),
        numbers=ragged([d.numbers for d in docs]),
    )
    cluster_ids = sorted({d.cluster_id for d in docs})
    position = {c: n for n, c in enumerate(cluster_ids)}
    return DedupIndex(fp, cluster_ids, np.array([position[d.cluster_id] for d in docs], np.int64),
                      np.array([d.kept for d in docs], bool), {config.sketch})


def seed_shared_index(index: DedupIndex, config: DedupConfig, chunk: int = 5_000) -> int:
    """Copy a local index (earlier runs' state) into the Redis index named by ``config``, e.g. when
    switching a deployment to ``redis_url``; returns the commit number. Exact copies of an earlier
    row (in doc_id order) are not put in buckets, as :func:`deduplicate` would not have."""
    from pipelines.lsh_redis import band_bytes, pack_doc, redis_index

    _check_inputs([], index, config)
    store = redis_index(config.redis_url, config.redis_basename, config.threshold, config.num_perm)
    store.check_sketch(config.sketch)
    fp = index.fingerprints
    _, first = np.unique(fp.exact, return_index=True)
    leader = np.zeros(len(index), bool)
    leader[first] = True
    number = 0
    with store.locked():
        commit = store.commits() + 1
        for start in range(0, len(index), chunk):
            rows = np.arange(start, min(start + chunk, len(index)))
            blobs = [pack_doc(index.cluster_ids[index.cluster_of[i]], bool(index.kept[i]), int(fp.published_us[i]),
                              int(fp.seen_us[i]), int(fp.n_shingles[i]), int(fp.exact[i]), commit, fp.signatures[i],
                              fp.names.row(i), fp.numbers.row(i)) for i in rows.tolist()]
            number = store.commit([fp.doc_ids[i] for i in rows.tolist()], blobs, fp.exact[rows],
                                  band_bytes(fp.signatures[rows], store.bands), leader[rows] & (fp.n_shingles[rows] > 0),
                                  [index.cluster_ids[c] for c in index.cluster_of[rows].tolist()],
                                  _window_dates(fp)[rows], new_commit=start == 0)
    return number


def _active(index: DedupIndex, config: DedupConfig, now: datetime) -> np.ndarray:
    """Which earlier rows may still be matched under the retention window."""
    if not config.retention_days:
        return np.ones(len(index), bool)
    dates = _window_dates(index.fingerprints)
    return dates[:, 1 if config.retention_by == "seen" else 0] >= _cutoff_us(config, now)


def _window_dates(fp: Fingerprints) -> np.ndarray:
    """Per row, the dates retention goes by: (published, else seen; seen), int64 microseconds."""
    return np.stack((np.where(fp.published_us == _UNDATED, fp.seen_us, fp.published_us), fp.seen_us), 1)


def _cutoff_us(config: DedupConfig, now: datetime) -> int:
    return _us(now - timedelta(days=config.retention_days), "-", "now")


def _check_inputs(docs: list[DedupInput], index: DedupIndex, config: DedupConfig) -> None:
    foreign = sorted(index.sketches - {config.sketch})
    if foreign:
        raise ValueError(
            f"dedup index was built with sketch {foreign}, config gives {config.sketch!r}: rebuild it"
        )
    ids = [doc.doc_id for doc in docs]
    if len(set(ids)) < len(ids):
        repeated = next(doc_id for doc_id, count in Counter(ids).items() if count > 1)
        raise ValueError(f"doc_id {repeated!r} appears more than once in the input")
    known = index.doc_ids.intersection(ids) if len(index) else ()
    if known:
        raise ValueError(f"doc_id {next(i for i in ids if i in known)!r} is already in the dedup index (an earlier run)")


def _outcomes(nodes: _Nodes, root: np.ndarray, index: DedupIndex, config: DedupConfig) -> list[DedupOutcome]:
    """One outcome per new node, in node order, from each node's component ``root`` (its smallest
    node): pick each cluster's representative. A component holding earlier rows (its root is one)
    was published before: the best of its earlier clusters' representatives stays, every new
    document in it drops."""
    n_earlier, n_new = nodes.n_earlier, len(nodes.new)
    new_root = root[n_earlier:]
    # Candidates: the representatives of the earlier clusters a component reaches, else its new members.
    earlier = np.flatnonzero(root[:n_earlier] != np.arange(n_earlier))
    earlier = np.union1d(earlier, new_root[new_root < n_earlier])
    earlier = earlier[np.isin(root[earlier], new_root)]
    fresh = new_root >= n_earlier
    groups = np.concatenate((root[earlier], new_root[fresh]))
    candidates = np.concatenate((index.representative[index.cluster_of[earlier]], n_earlier + np.flatnonzero(fresh)))
    roots, best = _best_per_group(groups, _keep_ranks(nodes, candidates, config.keep))
    rep = candidates[best][np.searchsorted(roots, new_root)]
    new = nodes.n_earlier + np.arange(n_new)
    dropped = np.flatnonzero(rep != new)
    exact = nodes.column("exact", new[dropped]) == nodes.column("exact", rep[dropped])
    similarity = np.ones(n_new)
    reps = rep[dropped]
    for side, is_side, first in ((nodes.earlier, reps < n_earlier, 0), (nodes.new, reps >= n_earlier, n_earlier)):
        if is_side.any():
            similarity[dropped[is_side]] = jaccards(nodes.new.signatures, dropped[is_side], side.signatures,
                                                    reps[is_side] - first)
    similarity[dropped[exact]] = 1.0
    is_exact = np.zeros(n_new, bool)
    is_exact[dropped] = exact
    earlier_rep = rep < nodes.n_earlier
    cluster_ids = [index.cluster_ids[c] for c in index.cluster_of[rep[earlier_rep]].tolist()]
    rep_ids = [nodes.doc_id(r) for r in rep.tolist()]
    cluster_of = iter(cluster_ids)
    outcomes = []
    for i, (doc_id, rep_id, old, sim, ex) in enumerate(zip(nodes.new.doc_ids, rep_ids, earlier_rep.tolist(),
                                                          similarity.tolist(), is_exact.tolist())):
        cluster_id = next(cluster_of) if old else rep_id
        if rep_id == doc_id:
            outcomes.append(DedupOutcome(doc_id, cluster_id, True, None, None, None))
        else:
            outcomes.append(DedupOutcome(doc_id, cluster_id, False, rep_id, sim, "exact" if ex else "near"))
    return outcomes


def _index_table(fp: Fingerprints, outcomes: list[DedupOutcome], config: DedupConfig) -> pa.Table:
    n = len(fp)
    timestamp = INDEX_SCHEMA.field("published_at").type
    published = pa.array(fp.published_us, pa.int64(), mask=fp.published_us == _UNDATED).cast(timestamp)
    return pa.table(
        {
            "doc_id": pa.array(fp.doc_ids, pa.string()),
            "cluster_id": [o.cluster_id for o in outcomes],
            "kept": [o.kept for o in outcomes],
            "published_at": published,
            "seen_at": pa.array(fp.seen_us, pa.int64()).cast(timestamp),
            "n_shingles": pa.array(fp.n_shingles, pa.int64()),
            "signature": _binary(Ragged(np.arange(n + 1, dtype=np.int64) * fp.signatures.shape[1],
                                        fp.signatures.ravel()), _WIDTHS["signature"]),
            "exact_hash": _binary(Ragged(np.arange(n + 1, dtype=np.int64), fp.exact), _WIDTHS["exact_hash"]),
            "name_hashes": _binary(fp.names, _WIDTHS["name_hashes"]),
            "number_hashes": _binary(fp.numbers, _WIDTHS["number_hashes"]),
            "sketch": pa.array([config.sketch] * n, pa.string()),
        },
        schema=INDEX_SCHEMA,
    )
