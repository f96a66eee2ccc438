"""The store's DuckDB connection: opened sandboxed, waited for while another process holds the file,
let go of between an ingest's batches and taken again, and the few helpers every statement of ours
goes through (DuckDB errors become :class:`~provenance.errors.StoreError`)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from ..errors import StoreBusyError, StoreError

__all__ = ["ConnectionMixin", "CONNECTION_CONFIG", "INDEXED_LOOKUP_MAX_KEYS", "LOCK_POLL_SECONDS",
           "LOCK_POLL_MAX_SECONDS", "REACQUIRE_WAIT_SECONDS", "_LOCK_CONFLICT", "_first_line", "_busy_message"]


#: DuckDB turns ``key = ANY(?)`` into a semi-join whose build side becomes an IN filter (and so an
#: index scan on ``bands_key``) only up to ``dynamic_or_filter_threshold`` values (default 50);
#: above it, every band lookup is a full table scan. The store raises the threshold on its own
#: connection so a document's whole key list (hundreds to a few thousand keys) uses the index.
INDEXED_LOOKUP_MAX_KEYS = 4096

#: Every connection is opened with these settings, locked for its lifetime. The store never needs
#: a file, URL or extension outside its own database, so a query (``provenance sql``) cannot read
#: ``/etc/passwd`` through ``read_csv``, list directories with ``glob``, reach the network through
#: ``read_text('http://…')`` or install an extension: it sees the store's tables and views only.
#: Python objects registered on the connection (bulk inserts from numpy) still work.
CONNECTION_CONFIG: tuple[tuple[str, object], ...] = (
    ("enable_external_access", False),
    ("autoinstall_known_extensions", False),
    ("autoload_known_extensions", False),
    ("dynamic_or_filter_threshold", INDEXED_LOOKUP_MAX_KEYS),
    ("lock_configuration", True),
)

#: How often a process waiting for the store tries again (growing to the maximum): short, because
#: a writer lets go only between batches.
LOCK_POLL_SECONDS = 0.01
LOCK_POLL_MAX_SECONDS = 0.05
#: How long a writer that let go of the store between batches waits to take it back.
REACQUIRE_WAIT_SECONDS = 600.0

#: DuckDB's message when another process holds the file ("Could not set lock on file …").
_LOCK_CONFLICT = re.compile(r"Could not set lock on file|Conflicting lock is held", re.I)
_LOCK_HOLDER = re.compile(r"\(PID (\d+)\)")

# --- small helpers --------------------------------------------------------------------------


def _first_line(exc: BaseException) -> str:
    """The first non-empty line of an exception's message (DuckDB adds context lines)."""
    for line in str(exc).splitlines():
        if line.strip():
            return line.strip()
    return type(exc).__name__


def _busy_message(path: Path, detail: str) -> str:
    holder = _LOCK_HOLDER.search(detail)
    who = f"process {holder.group(1)}" if holder else "another process"
    return (f"store {path} is busy: {who} is using it (one process at a time can open a store"
            " while it is written); try again when it is done")


class ConnectionMixin:
    """Opening, letting go of and taking back the connection of a :class:`~provenance.store.Store`,
    and running statements on it."""

    def _connect(self, wait: float | None = None) -> duckdb.DuckDBPyConnection:
        """A connection to the file, waiting up to ``wait`` seconds (default: the store's) while
        another process holds it."""
        wait = self._wait if wait is None else wait
        deadline = time.monotonic() + wait
        pause, told = LOCK_POLL_SECONDS, False
        while True:
            try:
                return duckdb.connect(str(self._path), read_only=self._read_only, config=dict(CONNECTION_CONFIG))
            except duckdb.Error as exc:
                if not _LOCK_CONFLICT.search(str(exc)):
                    raise StoreError(f"cannot open store {self._path}: {_first_line(exc)}") from None
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreBusyError(_busy_message(self._path, str(exc))) from None
                if not told and self._on_wait is not None:
                    holder = _LOCK_HOLDER.search(str(exc))
                    who = f"process {holder.group(1)}" if holder else "another process"
                    self._on_wait(f"waiting for {self._path}: {who} is using it (up to {wait:g} s)")
                    told = True
                time.sleep(min(pause, left))
                pause = min(pause * 1.5, LOCK_POLL_MAX_SECONDS)

    def release(self) -> None:
        """Let go of the file (between an ingest's batches), so other processes can read it."""
        if self._in_transaction:
            raise StoreError("cannot release the store inside a transaction")
        self._drop_connection()

    def _drop_connection(self) -> None:
        """Close the connection, if open (functions are registered again on the next one)."""
        con, self._con = self._con, None
        self._functions_registered = False
        if con is not None:
            try:
                con.close()
            except duckdb.Error as exc:
                raise StoreError(f"cannot close store {self._path}: {_first_line(exc)}") from None

    def reacquire(self) -> None:
        """Take the file again after :meth:`release`, waiting for readers that got in meanwhile
        (at least :data:`REACQUIRE_WAIT_SECONDS`: a reader's query must not end a long ingest)."""
        if self._con is None:
            self._con = self._connect(max(self._wait, REACQUIRE_WAIT_SECONDS))
            self._register_functions()
            self._open_key_index()

    @contextmanager
    def released(self) -> Iterator[None]:
        """The store let go of during the block, taken again after it."""
        self.release()
        try:
            yield
        finally:
            self.reacquire()

    # --- internals ------------------------------------------------------------------------

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError(f"store {self._path} is closed")
        return self._con

    def _run(self, sql: str, params: Sequence[Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Execute one statement of ours, translating DuckDB errors into StoreError."""
        con = self._connection()
        try:
            return con.execute(sql, params)
        except duckdb.Error as exc:
            raise StoreError(f"{self._path}: {_first_line(exc)}") from None

    def _fetch_numpy(self, sql: str, params: Sequence[Any] | None = None) -> dict[str, np.ndarray]:
        """Execute one query of ours and fetch its columns as numpy arrays."""
        con = self._connection()
        try:
            return con.execute(sql, params).fetchnumpy()
        except duckdb.Error as exc:
            raise StoreError(f"{self._path}: {_first_line(exc)}") from None

    def _fetch(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        """Execute one query of ours and fetch all rows (DuckDB errors → StoreError)."""
        con = self._connection()
        try:
            return con.execute(sql, params).fetchall()
        except duckdb.Error as exc:
            raise StoreError(f"{self._path}: {_first_line(exc)}") from None

    def _rollback_quietly(self) -> None:
        if self._con is None:
            return
        try:
            self._con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # the transaction is already gone; the original error is what matters
