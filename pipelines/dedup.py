"""The dedup stage: collapse copies of one wire story to one row, keep different stories apart.

How
    1. Exact: documents whose normalised text (:func:`pipelines.shingles.normalize`) hashes the same
       are one cluster.
    2. Near: word-shingle MinHash signatures (datasketch ``MinHash.update_batch`` with xxh32, scheme
       ``affine32`` stated explicitly) go into a ``MinHashLSH``; every LSH candidate pair is VERIFIED
       before it links anything: estimated Jaccard >= ``min_jaccard``, or estimated containment of
       the shorter in the longer >= ``min_containment`` (truncated copies), AND entity agreement
       (shared names/numbers, :func:`pipelines.shingles.entity_fingerprint`) >=
       ``min_entity_agreement`` (refuses templated look-alikes: same skeleton, other names).
    3. All documents -- not only the ones kept so far -- are clustered by union-find over verified
       pairs: streaming keep-first compares a late copy only with the representative and misses
       copies that are close to a sibling but not to it.
    4. In each cluster the ``keep`` policy picks the representative; the others are dropped with
       ``duplicate_of`` and their estimated Jaccard to the representative (which may be below
       ``min_jaccard`` when a copy joined through a closer sibling).

Why these defaults (``python -m benchmarks.dedup_quality``: 400 synthetic stories x 5 variants,
107 follow-ups, 107 template look-alikes, 2,614 docs of 1.6 KB, seed 11; pairwise F1)
    k=4, LSH 0.3, min Jaccard 0.3, min containment 0.6, min entity agreement 0.5: F1 1.000 exact,
    1.000 furniture, 1.000 light, 0.998 medium, 0.933 heavy, 0.983 all pairs (P 1.000, R 0.967);
    0/107 follow-ups and 0/107 look-alikes merged (seed 23: F1 0.988, also 0 merged).
    - LSH threshold is the recall gate: at 0.4 heavy F1 falls to 0.81, at 0.5 to 0.59. Going down
      to 0.2 buys +0.007 F1 for 13x the LSH candidates from unrelated stories (2.26 vs 0.18 per
      doc per 1,000 indexed), work that grows with the index; k=3 at 0.3 (F1 0.994) costs 9x.
      k=5 at 0.3 is cheaper (0.10) but loses heavy copies (F1 0.973 overall).
    - min Jaccard 0.4 / 0.5: F1 0.977 / 0.976, nothing gained in precision.
    - min containment 0.5 measured +0.006 F1, but the synthetic follow-ups reuse only two
      sentences; 0.6 keeps a margin for real follow-ups that repeat more background.
    - The entity check is what keeps template look-alikes apart: without it 90/107 merge (P 0.916);
      any agreement in 0.4-0.6 merges none and loses no recall; 0.7 starts to lose heavy copies.
    - Stock datasketch keep-first at LSH 0.3, no verification: F1 0.835, 86/107 look-alikes merged.
    Speed (one core, CPU time): ~2,000 docs/s, on a par with that stock baseline (1.0x) while
    also hashing exact text, extracting entities, indexing every document and verifying pairs.
    Per-document Python tokenisation is the floor (see shared notes); a later issue vectorises.

Incremental runs
    :class:`DedupIndex` holds the fingerprints of documents from earlier runs (all of them,
    duplicates included, for the same recall reason as step 3). A new document that matches an
    earlier one joins that document's cluster -- ``cluster_id`` unchanged -- and becomes a duplicate
    of that cluster's kept representative. A later, "better" copy (earlier timestamp, longer) never
    replaces a row already published, and two earlier clusters are never merged after the fact: if
    a new document bridges several, it joins the one whose representative the keep policy prefers.
    Same inputs, same index, same config -> same outcomes, whatever the input order.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Literal

import numpy as np
import pyarrow as pa
import xxhash
from datasketch import LeanMinHash, MinHash, MinHashLSH

from pipelines.shingles import NORMALISATION_VERSION, entity_fingerprint, normalize, shingles, tokenize

KEEP_RULES = ("earliest_published", "longest", "smallest_id")
_SCHEME = "affine32"  # datasketch 2.0 default, stated so signatures never silently change scheme
_SIGNATURE_DTYPE = np.dtype("<u4")
_ENTITY_DTYPE = np.dtype("<u8")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)

INDEX_SCHEMA = pa.schema(
    [
        pa.field("doc_id", pa.string(), nullable=False),
        pa.field("cluster_id", pa.string(), nullable=False),
        pa.field("kept", pa.bool_(), nullable=False),
        pa.field("published_at", pa.timestamp("us", tz="UTC")),
        pa.field("n_shingles", pa.int64(), nullable=False),
        pa.field("signature", pa.binary(), nullable=False),  # little-endian uint32 MinHash values
        pa.field("exact_hash", pa.binary(), nullable=False),  # xxh3-128 of the normalised text
        pa.field("name_hashes", pa.binary(), nullable=False),  # sorted little-endian xxh3-64 values
        pa.field("number_hashes", pa.binary(), nullable=False),  # likewise
        pa.field("sketch", pa.string(), nullable=False),  # DedupConfig.sketch: what makes rows comparable
    ]
)


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

    @property
    def sketch(self) -> str:
        """Everything that must match for two signatures to be comparable."""
        return (
            f"{_SCHEME}/xxh32/k={self.shingle_size}/perm={self.num_perm}/seed={self.seed}"
            f"/norm={NORMALISATION_VERSION}"
        )


@dataclass
class DedupInput:
    doc_id: str
    text: str
    published_at: datetime | None  # timezone-aware


@dataclass
class DedupOutcome:
    doc_id: str
    cluster_id: str  # the representative's doc_id when the cluster was created
    kept: bool
    duplicate_of: str | None  # the representative's doc_id, for dropped docs
    similarity: float | None  # estimated Jaccard to the representative (1.0 for exact), dropped docs
    match: Literal["exact", "near"] | None  # "exact": same normalised text as the representative


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What dedup needs to know about one document, in this run or an earlier one."""

    doc_id: str
    published_us: int | None  # microseconds since the epoch, UTC
    n_shingles: int
    signature: np.ndarray  # uint32[num_perm]
    exact_hash: bytes
    names: frozenset[int]  # xxh3-64 of the entity fingerprint's names ...
    numbers: frozenset[int]  # ... and numbers


class DedupIndex:
    """Fingerprints of documents deduplicated by earlier runs, with their clusters.

    Built from the tables :func:`deduplicate` returned (e.g. read back from Parquet); rows are
    held sorted by doc_id so the order the tables come in never changes an outcome.
    """

    def __init__(
        self, fingerprints: list[Fingerprint], cluster_ids: list[str], kept: list[bool], sketches: set[str]
    ) -> None:
        self.fingerprints = fingerprints
        self.cluster_ids = cluster_ids
        self.kept = kept
        self.sketches = sketches
        self.doc_ids = frozenset(fp.doc_id for fp in fingerprints)
        self.representative: dict[str, int] = {}  # cluster_id -> position of its kept row
        for i, (cluster_id, is_kept) in enumerate(zip(cluster_ids, kept)):
            if is_kept:
                self.representative[cluster_id] = i
        orphans = sorted(set(cluster_ids) - self.representative.keys())
        if orphans:
            raise ValueError(f"dedup index has no kept row for cluster(s) {orphans[:5]}: are tables missing?")

    def __len__(self) -> int:
        return len(self.fingerprints)

    @classmethod
    def empty(cls) -> DedupIndex:
        return cls([], [], [], set())

    @classmethod
    def from_tables(cls, tables: list[pa.Table]) -> DedupIndex:
        """Load the index rows of earlier runs; every table must have the :data:`INDEX_SCHEMA` columns."""
        if not tables:
            return cls.empty()
        conformed = []
        for n, table in enumerate(tables):
            missing = [name for name in INDEX_SCHEMA.names if name not in table.column_names]
            if missing:
                raise ValueError(f"dedup index table #{n} lacks column(s) {missing}")
            try:
                conformed.append(table.select(INDEX_SCHEMA.names).cast(INDEX_SCHEMA))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
                raise ValueError(f"dedup index table #{n} does not fit INDEX_SCHEMA: {err}") from err
        table = pa.concat_tables(conformed).sort_by("doc_id")
        rows = table.to_pydict()
        fingerprints = [
            Fingerprint(
                doc_id=doc_id,
                published_us=published_us,
                n_shingles=n_shingles,
                signature=np.frombuffer(signature, _SIGNATURE_DTYPE).astype(np.uint32),
                exact_hash=exact_hash,
                names=_unpack_hashes(names),
                numbers=_unpack_hashes(numbers),
            )
            for doc_id, published_us, n_shingles, signature, exact_hash, names, numbers in zip(
                rows["doc_id"], table["published_at"].cast(pa.int64()).to_pylist(), rows["n_shingles"],
                rows["signature"], rows["exact_hash"], rows["name_hashes"], rows["number_hashes"],
            )
        ]
        for previous, current in zip(fingerprints, fingerprints[1:]):
            if previous.doc_id == current.doc_id:
                raise ValueError(f"dedup index holds doc_id {current.doc_id!r} more than once")
        return cls(fingerprints, rows["cluster_id"], rows["kept"], set(rows["sketch"]))


# --- fingerprints ------------------------------------------------------------------------------

def _published_us(doc: DedupInput) -> int | None:
    if doc.published_at is None:
        return None
    if doc.published_at.tzinfo is None:
        raise ValueError(f"doc {doc.doc_id!r}: published_at {doc.published_at} has no timezone")
    return (doc.published_at - _EPOCH) // _MICROSECOND


@lru_cache(maxsize=8)
def _minhash_template(config: DedupConfig) -> MinHash:
    """Building a MinHash draws its permutations (~0.2 ms); copying a template does not."""
    return MinHash(
        num_perm=config.num_perm, seed=config.seed, hashfunc=xxhash.xxh32_intdigest, scheme=_SCHEME
    )


def fingerprint(doc: DedupInput, config: DedupConfig) -> Fingerprint:
    """Everything dedup compares about ``doc``: exact hash, MinHash signature, entity hashes."""
    normalized = normalize(doc.text)
    shingle_set = {s.encode() for s in shingles(tokenize(normalized), config.shingle_size)}
    minhash = _minhash_template(config).copy()
    minhash.update_batch(shingle_set)
    entities = entity_fingerprint(doc.text)
    return Fingerprint(
        doc_id=doc.doc_id,
        published_us=_published_us(doc),
        n_shingles=len(shingle_set),
        signature=minhash.hashvalues,
        exact_hash=xxhash.xxh3_128_digest(normalized.encode()),
        names=_hash_all(entities.names),
        numbers=_hash_all(entities.numbers),
    )


def _hash_all(strings: frozenset[str]) -> frozenset[int]:
    return frozenset(xxhash.xxh3_64_intdigest(s.encode()) for s in strings)


def _pack_hashes(hashes: frozenset[int]) -> bytes:
    return np.array(sorted(hashes), _ENTITY_DTYPE).tobytes()


def _unpack_hashes(packed: bytes) -> frozenset[int]:
    return frozenset(np.frombuffer(packed, _ENTITY_DTYPE).tolist())


# --- verification ------------------------------------------------------------------------------

def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal MinHash values: the unbiased Jaccard estimate (as ``MinHash.jaccard``)."""
    return float(np.count_nonzero(a == b)) / len(a)


def estimated_containment(jaccard: float, n_a: int, n_b: int) -> float:
    """|A ∩ B| / min(|A|, |B|) from a Jaccard estimate and the set sizes: a copy truncated to 60%
    has Jaccard 0.6 with its source but containment 1.0."""
    if min(n_a, n_b) == 0:
        return 0.0
    return min(1.0, jaccard * (n_a + n_b) / ((1.0 + jaccard) * min(n_a, n_b)))


def entity_agreement(a: Fingerprint, b: Fingerprint) -> float:
    """Mean over names and numbers of the share of the smaller set found in the other one
    (truncation drops entities, it does not change them). A kind missing on either side is no
    evidence and is left out; with no evidence at all the answer is 1.0.

    Names and numbers are averaged rather than pooled because a template look-alike shares its
    capitalised boilerplate (months, titles, home city) yet almost none of its numbers: pooled,
    the boilerplate can outvote the numbers.
    """
    pairs = ((a.names, b.names), (a.numbers, b.numbers))
    shares = [len(x & y) / min(len(x), len(y)) for x, y in pairs if x and y]
    return sum(shares) / len(shares) if shares else 1.0


def is_duplicate(a: Fingerprint, b: Fingerprint, config: DedupConfig) -> bool:
    """The verification an LSH candidate pair must pass before it links two documents."""
    jaccard = estimated_jaccard(a.signature, b.signature)
    similar = jaccard >= config.min_jaccard or (
        estimated_containment(jaccard, a.n_shingles, b.n_shingles) >= config.min_containment
    )
    return similar and entity_agreement(a, b) >= config.min_entity_agreement


# --- clustering --------------------------------------------------------------------------------

class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def _keep_key(fp: Fingerprint, rules: tuple[str, ...]) -> tuple:
    """Sort key: the representative is the smallest. Undated documents rank after dated ones."""
    key: list = []
    for rule in rules:
        if rule == "earliest_published":
            key += [fp.published_us is None, fp.published_us or 0]
        elif rule == "longest":
            key.append(-fp.n_shingles)  # distinct shingles: the content measure dedup already has
        else:
            key.append(fp.doc_id)
    return (*key, fp.doc_id)


def lsh_index(
    fingerprints: dict[int, Fingerprint], config: DedupConfig
) -> tuple[MinHashLSH, dict[int, LeanMinHash]]:
    """A ``MinHashLSH`` over the fingerprints (keyed as given) and the sketches to query it with."""
    lsh = MinHashLSH(threshold=config.threshold, num_perm=config.num_perm)
    sketches = {}
    for key, fp in fingerprints.items():
        sketches[key] = LeanMinHash(seed=config.seed, hashvalues=fp.signature, scheme=_SCHEME)
        lsh.insert(key, sketches[key], check_duplication=False)
    return lsh, sketches


def _link(nodes: list[Fingerprint], n_earlier: int, config: DedupConfig) -> _UnionFind:
    """Union-find over exact matches and verified LSH candidates involving a new document.

    Only one document per exact hash (its first node) goes through LSH: the others are identical
    to it. Pairs of earlier documents are never re-examined: their clusters are settled.
    """
    links = _UnionFind(len(nodes))
    leader_of: dict[bytes, int] = {}
    leaders = []
    for i, fp in enumerate(nodes):
        leader = leader_of.setdefault(fp.exact_hash, i)
        if leader != i:
            links.union(leader, i)
        elif fp.n_shingles:
            leaders.append(i)
    lsh, sketches = lsh_index({i: nodes[i] for i in leaders}, config)
    for i in leaders:
        if i < n_earlier:
            continue
        for j in sorted(lsh.query(sketches[i])):
            # A pair of new leaders is seen from both sides; examine it once, from the smaller.
            if j != i and (j < n_earlier or j > i) and is_duplicate(nodes[i], nodes[j], config):
                links.union(i, j)
    return links


def deduplicate(
    docs: list[DedupInput], index: DedupIndex, config: DedupConfig = DedupConfig()
) -> tuple[list[DedupOutcome], pa.Table]:
    """Cluster ``docs`` among themselves and against ``index``; return one outcome per doc (in
    input order) and the index rows to persist for them (:data:`INDEX_SCHEMA`, same order)."""
    _check_inputs(docs, index, config)
    new = sorted((fingerprint(doc, config) for doc in docs), key=lambda fp: fp.doc_id)
    nodes = index.fingerprints + new
    by_id = _outcomes(nodes, _link(nodes, len(index), config), index, config)
    outcomes = [by_id[doc.doc_id] for doc in docs]
    fingerprints = {fp.doc_id: fp for fp in new}
    return outcomes, _index_table([fingerprints[doc.doc_id] for doc in docs], outcomes, config)


def _check_inputs(docs: list[DedupInput], index: DedupIndex, config: DedupConfig) -> None:
    foreign = sorted(index.sketches - {config.sketch})
    if foreign:
        raise ValueError(
            f"dedup index was built with sketch {foreign}, config gives {config.sketch!r}: rebuild it"
        )
    seen: set[str] = set()
    for doc in docs:
        if doc.doc_id in seen:
            raise ValueError(f"doc_id {doc.doc_id!r} appears more than once in the input")
        if doc.doc_id in index.doc_ids:
            raise ValueError(f"doc_id {doc.doc_id!r} is already in the dedup index (an earlier run)")
        seen.add(doc.doc_id)


def _outcomes(
    nodes: list[Fingerprint], links: _UnionFind, index: DedupIndex, config: DedupConfig
) -> dict[str, DedupOutcome]:
    """One outcome per new node (``nodes[len(index):]``): pick each cluster's representative."""
    n_earlier = len(index)
    clusters: dict[int, list[int]] = {}
    for i in range(n_earlier, len(nodes)):
        clusters.setdefault(links.find(i), []).append(i)
    earlier_reps: dict[int, set[int]] = {}  # root -> kept rows of the earlier clusters it reaches
    for i in range(n_earlier):
        root = links.find(i)
        if root in clusters:
            earlier_reps.setdefault(root, set()).add(index.representative[index.cluster_ids[i]])
    by_id: dict[str, DedupOutcome] = {}
    for root, members in clusters.items():
        if root in earlier_reps:  # published before: its representative stays, every new doc drops
            rep = min(earlier_reps[root], key=lambda i: _keep_key(nodes[i], config.keep))
            cluster_id, dropped = index.cluster_ids[rep], members
        else:
            rep = min(members, key=lambda i: _keep_key(nodes[i], config.keep))
            cluster_id, dropped = nodes[rep].doc_id, [i for i in members if i != rep]
            by_id[cluster_id] = DedupOutcome(nodes[rep].doc_id, cluster_id, True, None, None, None)
        for i in dropped:
            exact = nodes[i].exact_hash == nodes[rep].exact_hash
            by_id[nodes[i].doc_id] = DedupOutcome(
                doc_id=nodes[i].doc_id,
                cluster_id=cluster_id,
                kept=False,
                duplicate_of=nodes[rep].doc_id,
                similarity=1.0 if exact else estimated_jaccard(nodes[i].signature, nodes[rep].signature),
                match="exact" if exact else "near",
            )
    return by_id


def _index_table(
    fingerprints: list[Fingerprint], outcomes: list[DedupOutcome], config: DedupConfig
) -> pa.Table:
    return pa.table(
        {
            "doc_id": [fp.doc_id for fp in fingerprints],
            "cluster_id": [o.cluster_id for o in outcomes],
            "kept": [o.kept for o in outcomes],
            "published_at": pa.array([fp.published_us for fp in fingerprints], pa.int64()).cast(
                INDEX_SCHEMA.field("published_at").type
            ),
            "n_shingles": [fp.n_shingles for fp in fingerprints],
            "signature": [fp.signature.astype(_SIGNATURE_DTYPE).tobytes() for fp in fingerprints],
            "exact_hash": [fp.exact_hash for fp in fingerprints],
            "name_hashes": [_pack_hashes(fp.names) for fp in fingerprints],
            "number_hashes": [_pack_hashes(fp.numbers) for fp in fingerprints],
            "sketch": [config.sketch] * len(fingerprints),
        },
        schema=INDEX_SCHEMA,
    )
