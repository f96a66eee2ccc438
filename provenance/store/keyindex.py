"""The index of the store's band keys: sorted arrays of keys and the documents holding them.

DuckDB keeps every key in the ``bands`` table, where SQL can read them; but its ART index over
them costs ~38 bytes a key on disk (three times the text a store holds) and a batch join without
it scans every key. This index keeps the same (key, document) pairs as sorted numpy arrays in
segment files beside the store (``<store>.keys/``), looked up by binary search (memory-mapped, so
a lookup reads a few pages): new keys written as a small segment after each commit, segments
merged as they accumulate (a log-structured merge), never beyond :data:`MAX_MERGED_PAIRS` pairs
so that a merge's memory stays bounded.

A pair costs 8 bytes: the key's low 32 bits and the document's position in its segment's list of
documents. Two different keys with the same low 32 bits are taken for one: with a million
documents (~230 million keys) a document's lookup meets ~10 such strangers, each one key shared
with some document, far from the two passage keys or three phrase keys a candidate needs; and a
candidate only ever costs a verification, which decides.

The ``bands`` table is the truth: the store records in ``meta`` how many commits added keys
(``key_index_generation``), the index records the generation it holds, and a store opened for
writing rebuilds the index from ``bands`` when they differ (after a crash between a commit and
the index write, or for a store built before this index existed).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["KeyIndex", "postings_lookup", "MAX_MERGED_PAIRS", "MERGE_AT_SEGMENTS"]

#: Segments are merged when there are more than this many of them.
MERGE_AT_SEGMENTS = 8
#: A merge never produces a segment of more than this many (key, document) pairs (~256 MB).
MAX_MERGED_PAIRS = 16_000_000

_MANIFEST = "manifest.json"


class KeyIndex:
    """Sorted (key, document) segments in one folder; see the module docstring."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.generation = -1  # no index yet
        self._segments: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]] = []
        self._load()

    # --- reading ---------------------------------------------------------------------------

    def _load(self) -> None:
        path = self.directory / _MANIFEST
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            segments = []
            for name in manifest["segments"]:
                keys = np.load(self.directory / f"{name}.keys.npy", mmap_mode="r")
                docs = np.load(self.directory / f"{name}.docs.npy", mmap_mode="r")
                ids = np.load(self.directory / f"{name}.ids.npy", mmap_mode="r")
                if len(keys) != len(docs):
                    raise ValueError(name)
                segments.append((name, keys, docs, ids))
        except (OSError, ValueError, KeyError, TypeError):
            self.generation, self._segments = -1, []  # missing or damaged: rebuilt from the store
            return
        self.generation, self._segments = int(manifest["generation"]), segments

    @property
    def pairs(self) -> int:
        return sum(len(keys) for _, keys, _, _ in self._segments)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For sorted distinct ``keys`` (uint64): (positions into ``keys``, documents) of every
        stored pair holding one of them (by the keys' low 32 bits: see the module docstring)."""
        short = _low32(keys)
        found = []
        for _, seg_keys, seg_docs, seg_ids in self._segments:
            positions, local = postings_lookup(seg_keys, seg_docs, short)
            found.append((positions, np.asarray(seg_ids)[local]))
        return _joined(found)

    # --- writing ---------------------------------------------------------------------------

    def add(self, doc_ids: np.ndarray, keys: np.ndarray, generation: int) -> None:
        """Add (key, document) pairs as a new segment, now holding ``generation``."""
        names = [name for name, _, _, _ in self._segments]
        if len(keys):
            name = f"g{generation:012d}"
            self._write_segment(name, keys, doc_ids)
            names.append(name)
        self._write_manifest(names, generation)
        self._load()
        if len(self._segments) > MERGE_AT_SEGMENTS:
            self._merge(generation)

    def rebuild(self, doc_ids: np.ndarray, keys: np.ndarray, generation: int) -> None:
        """Replace the whole index by these pairs (from the store's ``bands``)."""
        if self.directory.exists():
            shutil.rmtree(self.directory)
        self._segments = []
        chunks = range(0, len(keys), MAX_MERGED_PAIRS) if len(keys) else []
        names = []
        for n, start in enumerate(chunks):
            name = f"r{generation:012d}-{n:04d}"
            self._write_segment(name, keys[start:start + MAX_MERGED_PAIRS], doc_ids[start:start + MAX_MERGED_PAIRS])
            names.append(name)
        self._write_manifest(names, generation)
        self._load()

    def _merge(self, generation: int) -> None:
        """Merge the smallest segments into one, up to MAX_MERGED_PAIRS pairs."""
        by_size = sorted(self._segments, key=lambda s: len(s[1]))
        chosen, total = [], 0
        for segment in by_size:
            if len(chosen) >= 2 and total + len(segment[1]) > MAX_MERGED_PAIRS:
                break
            chosen.append(segment)
            total += len(segment[1])
        if len(chosen) < 2:
            return
        keys = np.concatenate([np.asarray(k) for _, k, _, _ in chosen])
        docs = np.concatenate([np.asarray(ids)[np.asarray(d)] for _, _, d, ids in chosen])
        name = f"m{generation:012d}"
        self._write_segment(name, keys, docs, short=True)
        kept = [n for n, _, _, _ in self._segments if n not in {c[0] for c in chosen}]
        self._write_manifest(kept + [name], generation)
        old = [c[0] for c in chosen]
        self._load()
        for stale in old:  # readers map segments only while holding the store, which a writer holds now
            for suffix in (".keys.npy", ".docs.npy", ".ids.npy"):
                try:
                    (self.directory / f"{stale}{suffix}").unlink()
                except OSError:
                    pass

    def _write_segment(self, name: str, keys: np.ndarray, doc_ids: np.ndarray, *, short: bool = False) -> None:
        """Write pairs as a segment: keys by their low 32 bits (``short``: already), sorted, and
        each document as its position in the segment's own list of documents."""
        keys = np.asarray(keys, dtype=np.uint32) if short else _low32(keys)
        order = np.argsort(keys, kind="stable")
        ids, local = np.unique(np.asarray(doc_ids, dtype=np.int64), return_inverse=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        _atomic_save(self.directory / f"{name}.ids.npy", ids)
        _atomic_save(self.directory / f"{name}.docs.npy", local.astype(np.int32)[order])
        _atomic_save(self.directory / f"{name}.keys.npy", keys[order])

    def _write_manifest(self, names: Sequence[str], generation: int) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"generation": generation, "segments": list(names)}).encode()
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".manifest-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.directory / _MANIFEST)


def postings_lookup(sorted_keys: np.ndarray, docs: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions into ``keys``, documents) of the pairs of one sorted posting array holding them."""
    if not len(sorted_keys) or not len(keys):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    lo = np.searchsorted(sorted_keys, keys, side="left")
    hi = np.searchsorted(sorted_keys, keys, side="right")
    counts = hi - lo
    hit = np.flatnonzero(counts)
    if not len(hit):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    reps = counts[hit]
    starts = np.repeat(lo[hit], reps)
    offsets = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    return np.repeat(hit, reps), np.asarray(docs[starts + offsets], dtype=np.int64)


def _joined(found: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    found = [f for f in found if len(f[0])]
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found])


def _low32(keys: np.ndarray) -> np.ndarray:
    return (np.asarray(keys, dtype=np.uint64) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def _atomic_save(path: Path, array: np.ndarray) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".seg-", suffix=".npy")
    with os.fdopen(fd, "wb") as handle:
        np.save(handle, array)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
