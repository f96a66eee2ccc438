"""The :class:`Store`: one DuckDB connection, opened, migrated and closed, and its transactions.

Its queries and writes are mixed in by job, each from its own module of this package:
:mod:`~provenance.store.connection` (the sandboxed connection, waiting for a busy file, release and
reacquire), :mod:`~provenance.store.migrate` (schema migrations, fingerprint settings),
:mod:`~provenance.store.keysync` (the key index kept in step), :mod:`~provenance.store.reads`,
:mod:`~provenance.store.writes`, :mod:`~provenance.store.checks` (integrity checks, counts, user SQL),
:mod:`~provenance.store.bulk` (batch ingest) and :mod:`~provenance.store.analysis` (Arrow streams
for Parquet, the site and document networks). The constants once defined here are re-exported.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np

from ..errors import StoreBusyError, StoreError
from ..settings import DEFAULT_SETTINGS, Settings
from .analysis import AnalysisMixin
from .bulk import BulkMixin
from .checks import KEY_INDEX_CHECK, InspectionMixin
from .crawlstate import CrawlStateMixin
from .connection import (CONNECTION_CONFIG, INDEXED_LOOKUP_MAX_KEYS, LOCK_POLL_SECONDS, _LOCK_CONFLICT,
                         ConnectionMixin, _busy_message, _first_line)
from .keyindex import KeyIndex
from .keysync import KEY_INDEX_GENERATION_KEY, KeyIndexMixin
from .migrate import MigrationMixin
from .reads import ReadsMixin
from .writes import SMALL_INSERT_MAX_ROWS, WritesMixin

__all__ = ["Store", "KEY_INDEX_CHECK", "CONNECTION_CONFIG", "INDEXED_LOOKUP_MAX_KEYS", "SMALL_INSERT_MAX_ROWS", "LOCK_POLL_SECONDS"]


class Store(ConnectionMixin, MigrationMixin, KeyIndexMixin, ReadsMixin, WritesMixin, InspectionMixin, BulkMixin,
            CrawlStateMixin, AnalysisMixin):
    """A lineage store in one DuckDB file.

    Opening read-write creates the file if needed, applies missing :data:`MIGRATIONS` and records
    the fingerprint settings (or refuses a store built with different ones). Use it as a context
    manager, or call :meth:`close`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        settings: Settings = DEFAULT_SETTINGS,
        wait: float = 0.0,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        """``wait``: seconds to wait for the file while another process holds it (DuckDB lets one
        writer hold it, and no reader meanwhile) before :class:`StoreBusyError`; ``on_wait`` is told
        once, in one line, that the store is being waited for."""
        self._path = Path(path)
        self._read_only = read_only
        self._settings = settings
        self._wait, self._on_wait = wait, on_wait
        self._in_transaction = False
        self._rollback_only = False
        self._functions_registered = False
        self._pending_keys: list[tuple[np.ndarray, np.ndarray]] = []  # written, not yet committed
        self._key_index: KeyIndex | None = None
        self._key_index_fresh = False
        if read_only and not self._path.exists():
            raise StoreError(f"no store at {self._path}")
        self._con: duckdb.DuckDBPyConnection | None = self._connect()
        try:
            if read_only:
                self._check_schema_read_only()
            else:
                with self.transaction():
                    self._migrate()
            self._register_functions()
            self._check_fingerprint_settings()
            self._open_key_index()
        except BaseException:
            self.close()
            raise

    # --- lifecycle ------------------------------------------------------------------------

    @property
    def database_path(self) -> Path:
        """The path of the DuckDB file, as given."""
        return self._path

    @property
    def read_only(self) -> bool:
        """Whether the store was opened read-only."""
        return self._read_only

    def close(self) -> None:
        """Close the connection (idempotent). Later calls raise :class:`StoreError`."""
        self._drop_connection()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self._read_only else "read-write"
        state = "closed" if self._con is None else mode
        return f"Store({str(self._path)!r}, {state})"

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN … COMMIT around the block; ROLLBACK and re-raise if it raises.

        Nested use joins the outer transaction (DuckDB has no savepoints): if a nested block
        raises, the whole transaction is rolled back at the outer block's end, even when the
        exception was caught in between (then the outer block raises :class:`StoreError`).
        """
        if self._in_transaction:
            try:
                yield
            except BaseException:
                self._rollback_only = True
                raise
            return
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit()

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open (see :meth:`begin`)."""
        return self._in_transaction

    def begin(self) -> None:
        """Open a transaction that :meth:`commit` or :meth:`rollback` ends (for callers that
        commit in groups; :meth:`transaction` is the block form)."""
        if self._in_transaction:
            raise StoreError("a transaction is already open")
        self._run("BEGIN TRANSACTION")
        self._in_transaction, self._rollback_only = True, False

    def commit(self) -> None:
        """Commit the open transaction; if a nested block failed in it, roll back and raise."""
        if not self._in_transaction:
            raise StoreError("no transaction is open")
        self._in_transaction = False
        if self._rollback_only:
            self._rollback_quietly()
            raise StoreError("transaction rolled back: a nested block failed")
        try:
            if self._pending_keys:  # the commit records that the key index must grow with it
                self._connection().execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                    [KEY_INDEX_GENERATION_KEY, str(self._index_generation() + 1)])
            self._connection().execute("COMMIT")
        except duckdb.Error as exc:
            self._rollback_quietly()
            self._pending_keys = []
            if _LOCK_CONFLICT.search(str(exc)):
                raise StoreBusyError(_busy_message(self._path, str(exc))) from None
            raise StoreError(f"commit failed: {_first_line(exc)}") from None
        self._commit_key_index()

    def rollback(self) -> None:
        """Undo the open transaction (if any): everything written since :meth:`begin`."""
        self._in_transaction = self._rollback_only = False
        self._pending_keys = []
        self._rollback_quietly()
