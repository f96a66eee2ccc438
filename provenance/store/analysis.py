"""Reading a store out whole: a user's read-only query as Arrow record batches (``provenance sql
--parquet``), every table and view for ``provenance export``, and the site and document networks
for ``provenance graph`` (from the analysis views of migration 13, docs/views.md).

Results leave as Arrow record batches, streamed: the store's connection has external access off, so
DuckDB cannot write a Parquet file itself (``COPY … TO`` is refused like any file access), and a
batch at a time keeps a large table (``raw_pages``, ``bands``) out of memory as a whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

from ..errors import QueryError, StoreError
from .connection import _first_line
from .readonly import check_read_query
from .schema import MIN_CONFIDENCE_VARIABLE

__all__ = ["AnalysisMixin", "ARROW_BATCH_ROWS"]

#: Rows per Arrow record batch streamed out of the store.
ARROW_BATCH_ROWS = 65_536

_SITE_NODES = """
SELECT site, any_value(site_name ORDER BY site_name NULLS LAST) AS site_name, count(*) AS documents,
       min(published_at) AS first_published, max(published_at) AS last_published
FROM documents WHERE site IS NOT NULL GROUP BY site ORDER BY site"""

_SITE_EDGES = """
SELECT source_site, copy_site, edges, copies, credited_share, median_lag_hours, p90_lag_hours,
       mean_containment, changed_share
FROM site_pairs WHERE source_site IS NOT NULL AND copy_site IS NOT NULL ORDER BY source_site, copy_site"""

_DOCUMENT_NODES = """
WITH members AS (SELECT unnest(doc_ids) AS doc_id, story_id FROM stories)
SELECT d.doc_id, d.site, d.site_name, d.title, d.url, d.published_at, d.first_seen, m.story_id
FROM documents d LEFT JOIN members m USING (doc_id)
WHERE d.doc_id IN (SELECT source_id FROM copy_edges UNION SELECT copy_id FROM copy_edges)
ORDER BY d.doc_id"""

_DOCUMENT_EDGES = """
SELECT source_id, copy_id, edge_id, relation, containment, copy_containment, confidence, credited,
       lag_seconds / 3600 AS lag_hours, changed, editorial_ops
FROM copy_edges ORDER BY source_id, copy_id"""


class AnalysisMixin:
    """Whole-store reads of :class:`~provenance.store.Store`: Arrow streams and network rows."""

    _views_min_confidence: float = 0.0

    def set_min_confidence(self, value: float) -> None:
        """Leave edges below confidence ``value`` out of the analysis views (``copy_edges``,
        ``site_pairs``, ``lineage``, ``stories``, ``daily_copying``) in this store's later reads;
        the tables keep every edge."""
        self._views_min_confidence = float(value)

    def _reading_cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for a whole-store read, its session set as :meth:`set_min_confidence` asked
        (a DuckDB variable lives in one cursor's session)."""
        cursor = self._connection().cursor()
        cursor.execute(f"SET VARIABLE {MIN_CONFIDENCE_VARIABLE} = ?", [self._views_min_confidence])
        return cursor

    @contextmanager
    def query_batches(self, sql: str) -> Iterator[Any]:
        """A user's read query (the rules of :meth:`query`) as a ``pyarrow.RecordBatchReader``,
        read inside the block, in a transaction that is always rolled back."""
        con = self._connection()
        try:
            check_read_query(con, sql)
        except duckdb.Error as exc:
            raise QueryError(_first_line(exc)) from None
        with self._arrow_reader(sql, QueryError) as reader:
            yield reader

    def relation_names(self) -> list[str]:
        """Every table and view of the store (not DuckDB's own), tables first, each by name."""
        return [name for (name,) in self._fetch(
            "SELECT name FROM (SELECT table_name AS name, 0 AS kind FROM duckdb_tables()"
            "  WHERE database_name = current_database() AND schema_name = 'main'"
            " UNION ALL SELECT view_name, 1 FROM duckdb_views()"
            "  WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal)"
            " ORDER BY kind, name")]

    @contextmanager
    def relation_batches(self, name: str) -> Iterator[Any]:
        """All rows of one table or view (a name :meth:`relation_names` gives) as a
        ``pyarrow.RecordBatchReader``, read inside the block."""
        if name not in self.relation_names():
            raise StoreError(f"no table or view {name!r} in the store")
        with self._arrow_reader(f'SELECT * FROM "{name}"', StoreError) as reader:
            yield reader

    def site_network(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The sites (with their name, documents and first and last publication) and who copies
        whom (``site_pairs``): ``(nodes, edges)`` as dicts. Documents with no site are left out."""
        return self._dicts(_SITE_NODES), self._dicts(_SITE_EDGES)

    def document_network(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The documents joined by copy-like edges (with their story) and those edges
        (``copy_edges``): ``(nodes, edges)`` as dicts."""
        return self._dicts(_DOCUMENT_NODES), self._dicts(_DOCUMENT_EDGES)

    # --- internals ------------------------------------------------------------------------

    def _dicts(self, sql: str) -> list[dict[str, Any]]:
        try:
            cursor = self._reading_cursor()
            try:
                cursor.execute(sql)
                columns = [d[0] for d in cursor.description]
                return [dict(zip(columns, row)) for row in cursor.fetchall()]
            finally:
                cursor.close()
        except duckdb.Error as exc:
            raise StoreError(f"{self._path}: {_first_line(exc)}") from None

    @contextmanager
    def _arrow_reader(self, sql: str, error: type[Exception]) -> Iterator[Any]:
        """``sql``'s rows as a RecordBatchReader in a transaction rolled back after the block; the
        reader is closed first (DuckDB refuses a statement while a result is still open), and a
        DuckDB error, on opening or while the block reads, becomes ``error`` with its first line."""
        cursor = self._reading_cursor()
        reader = None
        try:
            try:
                cursor.execute("BEGIN TRANSACTION")
                relation = cursor.sql(sql)
                if relation is None:  # not a query (check_read_query lets none through)
                    raise error("the statement returns no rows")
                # DuckDB 2 names it to_arrow_reader; 1.x record_batch
                reader = (getattr(relation, "to_arrow_reader", None) or relation.record_batch)(ARROW_BATCH_ROWS)
                yield reader
            except duckdb.Error as exc:
                raise error(_first_line(exc)) from None
        finally:
            if reader is not None:
                reader.close()
            try:
                cursor.execute("ROLLBACK")
            except duckdb.Error:
                pass  # nothing was written; the error that ended the block is what matters
            try:
                cursor.close()
            except duckdb.Error:
                pass
