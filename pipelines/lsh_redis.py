"""A dedup index shared by concurrent crawlers: datasketch ``MinHashLSH`` buckets on Redis.

Layout (``basename`` = ``DedupConfig.redis_basename``, bytes)
    * the LSH itself is datasketch's Redis layout, unchanged: for band ``i`` the hash
      ``basename + b"_bucket_" + >H(i)`` maps the band's big-endian bytes ``H`` to the set key
      ``<that name> + H``, whose members are the doc ids (UTF-8, ``prepickle=False``); the hash
      ``basename + b"_keys"`` maps a doc id to a list of its ``H`` values. So
      ``MinHashLSH(threshold, num_perm, storage_config={"type": "redis", "basename": basename,
      "redis": {...}}, prepickle=False).query(LeanMinHash(seed, hashvalues, scheme="affine32"))``
      answers from the same data (tested). Only documents that are not exact copies of an indexed
      document are put in buckets: an exact copy is found through the exact-key map instead.
    * ``basename + b"_docs"``: doc id -> packed metadata (:func:`pack_doc`): cluster id, kept,
      published/seen microseconds, shingle count, exact key, commit number, signature, name and
      number hashes: everything verification and clustering need, so no other store is read.
    * ``basename + b"_exact"``: exact key (8 bytes) -> the last committed doc id with it.
    * ``basename + b"_meta"``: ``sketch`` (refuses a config whose signatures are not comparable)
      and ``commits`` (the commit counter).
    * ``basename + b"_clusters_published"`` / ``b"_clusters_seen"``: sorted sets scoring each
      cluster id by its newest document's date (published, else seen; or seen), and
      ``basename + b"_members_" + cluster id``: the set of its doc ids. :meth:`RedisIndex.prune`
      deletes whole clusters that left the retention window (~2% more memory per document).

Writes go through Lua scripts (one ``EVALSHA`` per batch): datasketch's ``insertion_session``
sends ~2 commands per band and document through redis-py (76 at 37 bands), a few hundred
documents a second; a script does the same writes server-side. Queries are one script call
returning each new document's bucket neighbours plus its exact-key match.

Concurrency: see :func:`pipelines.dedup.deduplicate`. A commit (read candidates, verify,
cluster, write) holds the lock ``basename + b"_lock"``; the write script refuses to run if the
lock is no longer held by this commit (expired), so a commit is applied whole or not at all.
"""
from __future__ import annotations

import contextlib
import os
import struct
import uuid
from typing import NamedTuple

import numpy as np
import redis
from datasketch import MinHashLSH


LOCK_TIMEOUT_S = 120.0  # a crashed commit frees the index after this long
_HEADER = struct.Struct("<qqqQIH?H")  # published, seen, n_shingles, exact, commit, num_perm, kept, len(cluster id)
_COUNTS = struct.Struct("<HH")  # names, numbers

_PRELUDE = """
local LOCK_LOST = 'wirewash dedup: commit lock lost (expired?); nothing written'
local function bucket_names(base, nbands)  -- datasketch's hash name of each band
  local names = {}
  for i = 0, nbands - 1 do names[i] = base .. '_bucket_' .. string.char(math.floor(i / 256), i % 256) end
  return names
end
"""

_QUERY = _PRELUDE + """
local base, nbands, width = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local bands, exacts = ARGV[4], ARGV[5]
local names = bucket_names(base, nbands)
local out = {}
local row = nbands * width
for d = 0, #exacts / 8 - 1 do
  local seen, found = {}, {}
  for i = 0, nbands - 1 do
    local at = d * row + i * width + 1
    for _, m in ipairs(redis.call('SMEMBERS', names[i] .. string.sub(bands, at, at + width - 1))) do
      if not seen[m] then seen[m] = true; found[#found + 1] = m end
    end
  end
  local exact = redis.call('HGET', base .. '_exact', string.sub(exacts, d * 8 + 1, d * 8 + 8))
  if exact and not seen[exact] then found[#found + 1] = exact end
  out[#out + 1] = found
end
return out
"""

_COMMIT = _PRELUDE + """
local base, token, nbands, width, bump = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local banded, exacts, bands = ARGV[6], ARGV[7], ARGV[8]
if redis.call('GET', base .. '_lock') ~= token then return redis.error_reply(LOCK_LOST) end
local names = bucket_names(base, nbands)
local keys, docs, exact_map = base .. '_keys', base .. '_docs', base .. '_exact'
local row, b = nbands * width, 0
for d = 0, #banded - 1 do
  local id, cluster = ARGV[9 + 5 * d], ARGV[11 + 5 * d]
  redis.call('HSET', docs, id, ARGV[10 + 5 * d])
  redis.call('HSET', exact_map, string.sub(exacts, d * 8 + 1, d * 8 + 8), id)
  redis.call('ZADD', base .. '_clusters_published', 'GT', ARGV[12 + 5 * d], cluster)
  redis.call('ZADD', base .. '_clusters_seen', 'GT', ARGV[13 + 5 * d], cluster)
  redis.call('SADD', base .. '_members_' .. cluster, id)
  if string.byte(banded, d + 1) == 49 then
    local hs = {}
    for i = 0, nbands - 1 do
      local at = b * row + i * width + 1
      local h = string.sub(bands, at, at + width - 1)
      redis.call('HSET', names[i], h, names[i] .. h)
      redis.call('SADD', names[i] .. h, id)
      hs[i + 1] = h
    end
    redis.call('HSET', keys, id, keys .. id)
    redis.call('RPUSH', keys .. id, unpack(hs))
    b = b + 1
  end
end
if bump == '1' then return redis.call('HINCRBY', base .. '_meta', 'commits', 1) end
return tonumber(redis.call('HGET', base .. '_meta', 'commits') or '0')
"""


_PRUNE = _PRELUDE + """
local base, token, nbands, nclusters = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
if redis.call('GET', base .. '_lock') ~= token then return redis.error_reply(LOCK_LOST) end
local names = bucket_names(base, nbands)
local keys, docs, exact_map = base .. '_keys', base .. '_docs', base .. '_exact'
for c = 1, nclusters do
  local cluster = ARGV[4 + c]
  redis.call('ZREM', base .. '_clusters_published', cluster)
  redis.call('ZREM', base .. '_clusters_seen', cluster)
  redis.call('DEL', base .. '_members_' .. cluster)
end
for at = 5 + nclusters, #ARGV, 2 do
  local id, exact = ARGV[at], ARGV[at + 1]
  for i, h in ipairs(redis.call('LRANGE', keys .. id, 0, -1)) do
    local bucket = names[i - 1] .. h
    redis.call('SREM', bucket, id)
    if redis.call('SCARD', bucket) == 0 then
      redis.call('DEL', bucket)
      redis.call('HDEL', names[i - 1], h)
    end
  end
  redis.call('DEL', keys .. id)
  redis.call('HDEL', keys, id)
  redis.call('HDEL', docs, id)
  if redis.call('HGET', exact_map, exact) == id then redis.call('HDEL', exact_map, exact) end
end
return (#ARGV - 4 - nclusters) / 2
"""


class StoredDoc(NamedTuple):
    """One document read back from Redis."""

    cluster_id: str
    kept: bool
    commit: int  # number of the commit that wrote it (1, 2, ...)
    published_us: int
    seen_us: int
    n_shingles: int
    exact: int
    signature: np.ndarray  # uint32[num_perm]
    names: np.ndarray  # uint32, sorted
    numbers: np.ndarray  # uint32, sorted


def pack_doc(cluster_id: str, kept: bool, published_us: int, seen_us: int, n_shingles: int, exact: int,
             commit: int, signature: np.ndarray, names: np.ndarray, numbers: np.ndarray) -> bytes:
    cid = cluster_id.encode()
    return b"".join((
        _HEADER.pack(published_us, seen_us, n_shingles, exact, commit, len(signature), kept, len(cid)), cid,
        _COUNTS.pack(len(names), len(numbers)), signature.astype("<u4").tobytes(),
        names.astype("<u4").tobytes(), numbers.astype("<u4").tobytes(),
    ))


def band_bytes(signatures: np.ndarray, bands: tuple[tuple[int, int], ...]) -> np.ndarray:
    """datasketch's bucket keys (``MinHashLSH._H``: the band's values as big-endian uint32 bytes),
    as a uint8 array (documents, bands x band bytes); row ``d`` band ``i`` is bytes
    ``[i * w, (i + 1) * w)`` with ``w`` = 4 x rows per band (datasketch's bands are equal)."""
    widths = {end - start for start, end in bands}
    if len(widths) != 1 or bands[0][0] != 0 or any(b[0] != a[1] for a, b in zip(bands, bands[1:])):
        raise ValueError(f"expected equal, contiguous bands from 0, got {bands}")
    used = signatures[:, : bands[-1][1]].astype(">u4")
    return np.ascontiguousarray(used).view(np.uint8).reshape(len(signatures), 4 * bands[-1][1])


class RedisIndex:
    """One shared dedup index on a Redis server (see the module doc)."""

    def __init__(self, url: str, basename: str, threshold: float, num_perm: int) -> None:
        self.client = redis.Redis.from_url(url)
        self.basename = basename.encode()
        kwargs = self.client.connection_pool.connection_kwargs
        self.lsh = MinHashLSH(  # datasketch's layout and band ranges (no connection is opened here)
            threshold=threshold, num_perm=num_perm, prepickle=False,
            storage_config={"type": "redis", "basename": self.basename,
                            "redis": {k: kwargs[k] for k in ("host", "port", "db", "password") if kwargs.get(k)}},
        )
        self.bands = tuple(tuple(r) for r in self.lsh.hashranges)
        self._query = self.client.register_script(_QUERY)
        self._commit = self.client.register_script(_COMMIT)
        self._prune = self.client.register_script(_PRUNE)
        self._token: str | None = None

    def key(self, suffix: str) -> bytes:
        return self.basename + b"_" + suffix.encode()

    def check_sketch(self, sketch: str) -> None:
        self.client.hsetnx(self.key("meta"), "sketch", sketch)
        stored = self.client.hget(self.key("meta"), "sketch").decode()
        if stored != sketch:
            raise ValueError(f"Redis dedup index {self.basename.decode()!r} holds sketch {stored!r}, "
                             f"config gives {sketch!r}: use another redis_basename or rebuild it")

    @contextlib.contextmanager
    def locked(self, timeout: float = LOCK_TIMEOUT_S):
        """Hold the commit lock (blocking): one commit at a time per index."""
        token = uuid.uuid4().hex
        lock = self.client.lock(self.key("lock").decode(), timeout=timeout, thread_local=False)
        lock.acquire(blocking=True, token=token)
        self._token = token
        try:
            yield
        finally:
            self._token = None
            with contextlib.suppress(redis.exceptions.LockError):
                lock.release()

    @property
    def width(self) -> int:
        return 4 * (self.bands[0][1] - self.bands[0][0])

    def candidates(self, keys: np.ndarray, exact: np.ndarray) -> list[list[str]]:
        """Per document (``keys`` from :func:`band_bytes`): the ids sharing a bucket with it, then
        the exact-key match if not among them."""
        if not len(keys):
            return []
        found = self._query(args=[self.basename, len(self.bands), self.width, keys.tobytes(),
                                  exact.astype("<u8").tobytes()])
        return [[m.decode() for m in row] for row in found]

    def fetch(self, doc_ids: list[str], num_perm: int) -> dict[str, StoredDoc]:
        """The stored documents among ``doc_ids`` (missing ids are left out)."""
        blobs = self.client.hmget(self.key("docs"), doc_ids) if doc_ids else []
        out: dict[str, StoredDoc] = {}
        for doc_id, blob in zip(doc_ids, blobs):
            if blob is None:
                continue
            pub, seen, n, exact, commit, perm, kept, n_cid = _HEADER.unpack_from(blob)
            if perm != num_perm:
                raise ValueError(f"Redis dedup doc {doc_id!r} has {perm} permutations, config {num_perm}")
            at = _HEADER.size
            cid = blob[at : at + n_cid].decode()
            at += n_cid
            n_names, n_numbers = _COUNTS.unpack_from(blob, at)
            values = np.frombuffer(blob, "<u4", perm + n_names + n_numbers, at + _COUNTS.size).astype(np.uint32)
            out[doc_id] = StoredDoc(cid, kept, commit, pub, seen, n, exact, values[:perm],
                                    values[perm : perm + n_names], values[perm + n_names :])
        return out

    def last_with_exact(self, exact: list[int]) -> list[str]:
        """For each exact key, the last committed doc id with it (if any is stored)."""
        if not exact:
            return []
        found = self.client.hmget(self.key("exact"), [struct.pack("<Q", e) for e in exact])
        return [f.decode() for f in found if f is not None]

    def existing(self, doc_ids: list[str]) -> list[str]:
        if not doc_ids:
            return []
        pipe = self.client.pipeline(transaction=False)
        for doc_id in doc_ids:
            pipe.hexists(self.key("docs"), doc_id)
        return [d for d, hit in zip(doc_ids, pipe.execute()) if hit]

    def commits(self) -> int:
        return int(self.client.hget(self.key("meta"), "commits") or 0)

    def commit(self, doc_ids: list[str], blobs: list[bytes], exact: np.ndarray, keys: np.ndarray,
               banded: np.ndarray, clusters: list[str], dates: np.ndarray, chunk: int = 5_000,
               new_commit: bool = True) -> int:
        """Write documents (packed by :func:`pack_doc`; bucket keys from :func:`band_bytes` are
        used where ``banded``) under the held lock; returns the commit number (``new_commit``:
        count a new one, else add to the current one). Chunks are applied in order under the lock.
        ``clusters`` and ``dates`` (microseconds: published else seen, and seen) date each cluster
        by its newest document, for :meth:`prune`."""
        if self._token is None:
            raise RuntimeError("RedisIndex.commit needs the lock (use `with index.locked():`)")
        number = 0
        for start in range(0, max(len(doc_ids), 1), chunk):
            part = slice(start, start + chunk)
            flags = banded[part]
            args: list = [self.basename, self._token, len(self.bands), self.width,
                          b"1" if new_commit and start == 0 else b"0",
                          np.where(flags, 49, 48).astype(np.uint8).tobytes(), exact[part].astype("<u8").tobytes(),
                          np.ascontiguousarray(keys[part][flags]).tobytes()]
            for doc_id, blob, cluster, (published, seen) in zip(doc_ids[part], blobs[part], clusters[part],
                                                                dates[part].tolist()):
                args.extend((doc_id, blob, cluster, published, seen))
            number = self._commit(args=args)
        return int(number)

    def prune(self, cutoff_us: int, by: str, chunk: int = 1_000) -> int:
        """Delete, under the held lock, every cluster whose newest document (``by``: "published",
        published else seen; or "seen") is older than ``cutoff_us``: its documents, their bucket
        entries, band lists and exact keys. None of them can be matched any more (see
        ``DedupConfig.retention_days``) nor be the representative a match points to, so outcomes
        do not change; Redis memory follows the retention window. Returns documents deleted."""
        if self._token is None:
            raise RuntimeError("RedisIndex.prune needs the lock (use `with index.locked():`)")
        deleted = 0
        while clusters := self.client.zrangebyscore(self.key(f"clusters_{by}"), "-inf", f"({cutoff_us}", 0, chunk):
            pipe = self.client.pipeline(transaction=False)
            for cluster in clusters:
                pipe.smembers(self.key("members_") + cluster)
            ids = sorted({m.decode() for members in pipe.execute() for m in members})
            blobs = self.client.hmget(self.key("docs"), ids) if ids else []
            args: list = [self.basename, self._token, len(self.bands), len(clusters), *clusters]
            for doc_id, blob in zip(ids, blobs):
                if blob is not None:
                    args.extend((doc_id, struct.pack("<Q", _HEADER.unpack_from(blob)[3])))
            deleted += int(self._prune(args=args))
        return deleted

    def used_memory(self) -> int:
        return int(self.client.info("memory")["used_memory"])

    def clear(self) -> None:
        """Delete every key of this index (tests and benchmarks), 10,000 keys a call: an index of
        random signatures has a bucket key per document and band."""
        batch: list[bytes] = []
        for key in self.client.scan_iter(match=self.basename + b"_*", count=10_000):
            batch.append(key)
            if len(batch) == 10_000:
                self.client.unlink(*batch)
                batch.clear()
        if batch:
            self.client.unlink(*batch)


_CACHE: dict[tuple, RedisIndex] = {}


def redis_index(url: str, basename: str, threshold: float, num_perm: int) -> RedisIndex:
    """A cached :class:`RedisIndex` per process (clients are thread-safe; the lock is not shared
    between threads because each commit takes a fresh token)."""
    key = (url, basename, threshold, num_perm, os.getpid())
    if key not in _CACHE:
        _CACHE[key] = RedisIndex(url, basename, threshold, num_perm)
    return _CACHE[key]
