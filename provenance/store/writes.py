"""Writes of one document or a few edges at a time: a document with its credits, furniture, site lines
and band keys; edges with their passages and diffs; rejected inputs. (Batch ingest writes through
:mod:`~provenance.store.bulk`, with the insert helpers here.)"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

import duckdb
import numpy as np

from ..errors import InputError, StoreError
from ..models import Edge, Fingerprint, StoredDocument
from ..pages import page_key
from .connection import _first_line
from .convert import key_arrays, placeholders, to_db_time, utc_now
from .schema import (CREDIT_COLUMNS, DIFF_COLUMNS, DOCUMENT_COLUMNS, EDGE_COLUMNS, FURNITURE_COLUMNS,
                     PASSAGE_COLUMNS, SITE_LINE_COLUMNS)

__all__ = ["WritesMixin", "SMALL_INSERT_MAX_ROWS"]


#: Up to this many rows, a bulk insert binds a VALUES list of placeholders; above it, one list
#: parameter per column zipped by ``unnest`` (cheaper to bind and parse for many rows).
SMALL_INSERT_MAX_ROWS = 16

#: Name of the connection-local view through which band rows are inserted from numpy arrays.
_BANDS_INPUT_VIEW = "_provenance_bands_input"

_SMALLINT_MAX = 2**15 - 1


class WritesMixin:
    """Inserts and deletes of :class:`~provenance.store.Store` (they use its connection helpers)."""

    # --- documents ------------------------------------------------------------------------

    def add_document(self, doc: StoredDocument, fingerprint: Fingerprint) -> bool:
        """Store a document with its credits, furniture and distinct band keys.

        ``first_seen`` is ``doc.first_seen`` or now. Returns False, changing nothing, when a
        document with ``doc.doc_id`` is already stored (ingest is idempotent).
        """
        article = doc.article
        bands, keys = self._band_arrays(fingerprint)
        now = utc_now()
        row = (
            doc.doc_id, article.url, article.canonical_url, article.site, article.title,
            to_db_time(article.published_at), to_db_time(doc.first_seen) or now,
            to_db_time(article.fetched_at), article.text, doc.content_hash, article.format,
            list(article.authors), fingerprint.num_tokens, fingerprint.num_shingles,
            fingerprint.signature, now, article.published_offset, article.site_name,
        )
        with self.transaction():
            if self.has_document(doc.doc_id):
                return False
            self._run(
                f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)}, url_key, canonical_key)"
                f" VALUES ({placeholders(len(DOCUMENT_COLUMNS) + 2)})",
                row + (page_key(article.url), page_key(article.canonical_url)),
            )
            self._insert_rows(
                "credits",
                CREDIT_COLUMNS,
                [(doc.doc_id, c.phrase, c.outlet, c.host, c.kind, c.start, c.end)
                 for c in article.credits],
            )
            self._insert_rows(
                "furniture",
                FURNITURE_COLUMNS,
                [(doc.doc_id, f.start, f.end, f.reason) for f in article.furniture],
            )
            self._insert_band_arrays(np.full(len(keys), doc.doc_id, dtype=np.int64), bands, keys)
            self._keys_written(np.full(len(keys), doc.doc_id, dtype=np.int64), keys)
            if article.furniture_site and fingerprint.line_signatures:
                page = article.canonical_url or article.url
                self._insert_rows("site_lines", SITE_LINE_COLUMNS,
                                  [(article.furniture_site, page, sig) for sig in sorted(set(fingerprint.line_signatures))])
        return True

    # --- edges ----------------------------------------------------------------------------

    def add_edges(self, edges: Sequence[Edge]) -> None:
        """Insert or replace edges by ``edge_id``, each with its passages and diff.

        Replacing an edge replaces its row, passages and diffs. When ``edges`` holds the same
        edge_id twice, the last one wins.
        """
        by_id = {edge.edge_id: edge for edge in edges}
        if not by_id:
            return
        with self.transaction():
            self.remove_edges(sorted(by_id))
            self._insert_edge_rows(list(by_id.values()), utc_now())

    def _insert_edge_rows(self, edges: Sequence[Edge], now: datetime) -> None:
        """Insert edges (not stored yet) with their passages and diffs, in three statements."""
        edge_rows, passage_rows, diff_rows = [], [], []
        for e in edges:
            edge_id = e.edge_id
            edge_rows.append((
                edge_id, e.source_id, e.copy_id, e.relation, e.jaccard, e.containment,
                e.copy_containment, e.confidence, list(e.reasons), e.credited, e.via_id, now,
                e.direction_confidence,
            ))
            passage_rows.extend(
                (edge_id, n, p.source_start, p.source_end, p.copy_start, p.copy_end, p.words)
                for n, p in enumerate(e.passages)
            )
            diff_rows.extend(
                (edge_id, n, d.op, d.source_start, d.source_end, d.copy_start, d.copy_end,
                 d.text, d.kind, d.source_text)
                for n, d in enumerate(e.diff)
            )
        self._insert_rows("edges", EDGE_COLUMNS, edge_rows)
        self._insert_rows("passages", PASSAGE_COLUMNS, passage_rows)
        self._insert_rows("diffs", DIFF_COLUMNS, diff_rows)

    def remove_edges(self, edge_ids: Sequence[int]) -> None:
        """Delete these edges (ids missing from the store are ignored) with their passages and diffs."""
        ids = sorted({int(i) for i in edge_ids})
        if not ids:
            return
        with self.transaction():
            for table in ("passages", "diffs", "edges"):
                self._run(f"DELETE FROM {table} WHERE edge_id = ANY(?::BIGINT[])", [ids])

    # --- rejects --------------------------------------------------------------------------

    def record_rejects(self, errors: Sequence[InputError]) -> None:
        """Keep the inputs that could not be stored, with stage and reason; an input refused again
        for the same reason counts another attempt instead of another row."""
        rows = {(e.origin, e.stage, e.reason): None for e in errors}
        if not rows:
            return
        now = utc_now()
        origins, stages, reasons = (list(column) for column in zip(*rows))
        self._run(
            "INSERT INTO rejects (origin, stage, reason, first_seen, last_seen, attempts)"
            " SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), ?, ?, 1"
            " ON CONFLICT (origin, stage, reason) DO UPDATE"
            " SET last_seen = excluded.last_seen, attempts = rejects.attempts + 1",
            [origins, stages, reasons, now, now],
        )

    def clear_rejects(self, origins: Collection[str]) -> None:
        """Forget earlier refusals of inputs that have now been stored."""
        if origins:
            self._run("DELETE FROM rejects WHERE origin = ANY(?::VARCHAR[])", [sorted(set(origins))])

    # --- insert helpers -------------------------------------------------------------------

    def _insert_rows(
        self, table: str, columns: Sequence[tuple[str, str]], rows: Sequence[tuple]
    ) -> None:
        """Insert rows in one statement: a VALUES list of placeholders for a few rows, else one
        list parameter per column, zipped by ``unnest`` (a statement per row is ~100x slower)."""
        if not rows:
            return
        names = ", ".join(name for name, _ in columns)
        if len(rows) <= SMALL_INSERT_MAX_ROWS:
            values = ", ".join([f"({placeholders(len(columns))})"] * len(rows))
            self._run(
                f"INSERT INTO {table} ({names}) VALUES {values}",
                [value for row in rows for value in row],
            )
            return
        unnests = ", ".join(f"unnest(?::{sql_type}[])" for _, sql_type in columns)
        self._run(
            f"INSERT INTO {table} ({names}) SELECT {unnests}",
            [list(column) for column in zip(*rows)],
        )

    def _insert_band_arrays(self, doc_ids: np.ndarray, bands: np.ndarray, keys: np.ndarray) -> None:
        """Insert band rows in one statement from numpy arrays registered on the connection.

        Measured per document of 500 keys (ingest of 1,000+ documents, median of 6 rounds): a
        registered numpy relation 12.9 ms/doc all in, ``unnest`` of numpy or list parameters
        14.4-14.7, a literal VALUES list 37, ``executemany`` ~700 ms for the bands alone.
        """
        if not len(keys):
            return
        con = self._connection()
        relation = {"doc_id": np.asarray(doc_ids, dtype=np.int64), "band": bands, "key": keys}
        try:
            con.register(_BANDS_INPUT_VIEW, relation)
            try:
                con.execute(f"INSERT INTO bands SELECT doc_id, band, key FROM {_BANDS_INPUT_VIEW}")
            finally:
                con.unregister(_BANDS_INPUT_VIEW)
        except duckdb.Error as exc:
            raise StoreError(f"{self._path}: {_first_line(exc)}") from None

    @staticmethod
    def _band_arrays(fingerprint: Fingerprint) -> tuple[np.ndarray, np.ndarray]:
        """A fingerprint's distinct (band, key) pairs as int16 bands and uint64 keys."""
        if fingerprint.key_arrays is not None:
            bands, keys = fingerprint.key_arrays  # distinct already
        else:
            raw_bands, raw_keys = key_arrays(fingerprint)
            if len(raw_keys):
                pairs = np.unique(np.stack([raw_keys, raw_bands.astype(np.int64).astype(np.uint64)], axis=1), axis=0)
                bands, keys = pairs[:, 1].astype(np.int64), pairs[:, 0]
            else:
                bands, keys = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
        if len(bands) and not 0 <= int(np.min(bands)) <= int(np.max(bands)) <= _SMALLINT_MAX:
            raise StoreError(f"cannot store band numbers outside 0..{_SMALLINT_MAX}")
        return np.asarray(bands, dtype=np.int16), np.asarray(keys, dtype=np.uint64)
