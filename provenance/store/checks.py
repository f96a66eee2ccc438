"""Looking at a store as a whole: its integrity checks (what ``provenance check`` runs), row counts,
applied schema versions, and a user's read-only SQL (``provenance sql``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from ..errors import QueryError
from .connection import _first_line
from .readonly import check_read_query
from .schema import COUNTED_TABLES, INTEGRITY_CHECKS

__all__ = ["InspectionMixin", "KEY_INDEX_CHECK"]


#: The integrity check of the key index (run in Python: the index is not in the database).
KEY_INDEX_CHECK = "the key index holds every band key"


class InspectionMixin:
    """Checks, counts and user queries of :class:`~provenance.store.Store`."""

    # --- inspection -----------------------------------------------------------------------

    def integrity_problems(self) -> list[tuple[str, int]]:
        """Each integrity check of :data:`INTEGRITY_CHECKS` with the number of rows that break it
        (0: holds). What ``provenance check`` runs; a store left by a killed process must pass."""
        selects = ", ".join(f"({query})" for _, query in INTEGRITY_CHECKS)
        (row,) = self._fetch(f"SELECT {selects}, (SELECT count(*) FROM bands)")
        problems = [(name, int(count)) for (name, _), count in zip(INTEGRITY_CHECKS, row)]
        bands = int(row[-1])
        indexed = self._key_index.pairs if self._key_index_usable() else 0
        return problems + [(KEY_INDEX_CHECK, abs(bands - indexed))]

    def counts(self) -> dict[str, int]:
        """Rows per table (documents, bands, edges, passages, diffs, credits, furniture)."""
        selects = ", ".join(f"(SELECT count(*) FROM {t})" for t in COUNTED_TABLES)
        (row,) = self._fetch(f"SELECT {selects}")
        return dict(zip(COUNTED_TABLES, row))

    def schema_versions(self) -> list[int]:
        """The applied migration versions, ascending."""
        return [v for (v,) in self._fetch("SELECT version FROM schema_version ORDER BY version")]

    def query(self, sql: str, params: Sequence[Any] | None = None) -> tuple[list[str], list[tuple]]:
        """Run one read query of a user's (``provenance sql``): ``(column names, rows)``.

        Accepted: a single SELECT (including WITH, FROM-first, VALUES, SHOW, DESCRIBE,
        SUMMARIZE) or an EXPLAIN of one. Anything that writes (INSERT, DROP, COPY, ATTACH, SET,
        PRAGMA, CALL, a data-modifying CTE …) is refused. The query runs in its own transaction
        that is always rolled back, so even a missed write would not persist. Errors raise
        :class:`QueryError` with DuckDB's first message line.
        """
        con = self._connection()
        try:
            check_read_query(con, sql)
            cursor = self._reading_cursor()
        except duckdb.Error as exc:
            raise QueryError(_first_line(exc)) from None
        try:
            cursor.execute("BEGIN TRANSACTION")
            try:
                cursor.execute(sql, list(params) if params is not None else None)
                columns = [d[0] for d in cursor.description or ()]
                rows = cursor.fetchall() if cursor.description else []
            finally:
                cursor.execute("ROLLBACK")
        except duckdb.Error as exc:
            raise QueryError(_first_line(exc)) from None
        finally:
            try:
                cursor.close()
            except duckdb.Error:
                pass
        return columns, rows
