"""The store's side of the key index (the index itself is :mod:`~provenance.store.keyindex`): opened
or rebuilt from ``bands`` when it lags the store, keys written in an open transaction kept searchable
until the commit adds them, and posting lookups that fall back to ``bands`` while the index lags."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import StoreError
from .keyindex import KeyIndex, postings_lookup

__all__ = ["KeyIndexMixin", "KEY_INDEX_GENERATION_KEY"]


#: The ``meta`` key counting the commits that added band keys: what the key index must hold.
KEY_INDEX_GENERATION_KEY = "key_index_generation"


class KeyIndexMixin:
    """The key index of a :class:`~provenance.store.Store` kept in step with its ``bands`` table."""

    # --- the key index (see keyindex.py) ----------------------------------------------------

    @property
    def key_index_path(self) -> Path:
        """The folder of the key index beside the store file."""
        return self._path.with_name(self._path.name + ".keys")

    def _index_generation(self) -> int:
        rows = self._fetch("SELECT value FROM meta WHERE key = ?", [KEY_INDEX_GENERATION_KEY])
        return int(rows[0][0]) if rows else 0

    def _open_key_index(self) -> None:
        """Load the key index; rebuild it from ``bands`` when it lags the store (read-write)."""
        self._key_index = KeyIndex(self.key_index_path)
        generation = self._index_generation()
        if self._key_index.generation != generation and not self._read_only:
            columns = self._fetch_numpy("SELECT doc_id, key FROM bands")
            self._key_index.rebuild(columns["doc_id"].astype(np.int64), columns["key"].astype(np.uint64), generation)
        self._key_index_fresh = self._key_index.generation == generation

    def _key_index_usable(self) -> bool:
        return self._key_index is not None and self._key_index_fresh

    def _keys_written(self, doc_ids: np.ndarray, keys: np.ndarray) -> None:
        """Band keys written in the open transaction: searchable now, indexed at commit."""
        if len(keys):
            self._pending_keys.append((doc_ids, keys))

    def _postings(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(positions into ``keys``, documents, committed?) of the pairs holding them: from the key
        index and the keys written in the open transaction, or, while the index lags (a store
        opened read-only after a crash), from the ``bands`` table."""
        if self._key_index_usable():
            found = [(*self._key_index.lookup(keys), True)]
        else:
            rows = self._fetch_numpy("SELECT key, doc_id FROM bands WHERE key = ANY(?::UBIGINT[])", [keys])
            held = rows["key"].astype(np.uint64)
            found = [(np.searchsorted(keys, held), rows["doc_id"].astype(np.int64), True)]
        for doc_ids, pending in self._pending_keys:
            order = np.argsort(pending, kind="stable")
            found.append((*postings_lookup(pending[order], doc_ids[order], keys), False))
        found = [f for f in found if len(f[0])]
        if not found:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=bool)
        return (np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found]),
                np.concatenate([np.full(len(f[0]), f[2]) for f in found]))

    def _commit_key_index(self) -> None:
        """After a commit: the keys it wrote go into the key index, as the generation it recorded."""
        pending, self._pending_keys = self._pending_keys, []
        if not pending or self._key_index is None:
            return
        generation = self._index_generation()
        if self._key_index.generation != generation - 1:
            self._open_key_index()  # it lagged already: rebuilt from bands, which hold these keys
            return
        try:
            self._key_index.add(np.concatenate([d for d, _ in pending]), np.concatenate([k for _, k in pending]),
                                generation)
        except OSError as exc:
            self._key_index_fresh = False  # bands hold the keys; the index is rebuilt on the next open
            raise StoreError(f"cannot write the key index {self.key_index_path}: {exc}") from None
