"""The :class:`Store`: one DuckDB connection, and every query and write of the project."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from ..errors import InputError, NotFoundError, QueryError, StoreBusyError, StoreError
from ..models import (
    Article,
    Credit,
    DiffOp,
    Edge,
    Fingerprint,
    Furniture,
    Passage,
    StoredDocument,
)
from ..settings import DEFAULT_SETTINGS, Settings
from ..pages import page_key
from . import schema
from .bulk import BulkMixin, CandidateRule, rank_candidates
from .crawlstate import CrawlStateMixin
from .keyindex import KeyIndex, postings_lookup
from .convert import from_db_time, key_arrays, placeholders, to_db_time, utc_now
from .readonly import check_read_query
from .schema import (REGISTER_FUNCTIONS, COUNTED_TABLES, FINGERPRINT_SETTINGS_KEY, INTEGRITY_CHECKS, SCHEMA_VERSION_DDL, CREDIT_COLUMNS,
                     DIFF_COLUMNS, DOCUMENT_COLUMNS, DOCUMENT_READ_COLUMNS, EDGE_COLUMNS, FURNITURE_COLUMNS,
                     PASSAGE_COLUMNS, SITE_LINE_COLUMNS)

__all__ = ["Store", "KEY_INDEX_CHECK", "CONNECTION_CONFIG", "INDEXED_LOOKUP_MAX_KEYS", "SMALL_INSERT_MAX_ROWS", "LOCK_POLL_SECONDS"]


#: DuckDB turns ``key = ANY(?)`` into a semi-join whose build side becomes an IN filter (and so an
#: index scan on ``bands_key``) only up to ``dynamic_or_filter_threshold`` values (default 50);
#: above it, every band lookup is a full table scan. The store raises the threshold on its own
#: connection so a document's whole key list (hundreds to a few thousand keys) uses the index.
INDEXED_LOOKUP_MAX_KEYS = 4096

#: Up to this many rows, a bulk insert binds a VALUES list of placeholders; above it, one list
#: parameter per column zipped by ``unnest`` (cheaper to bind and parse for many rows).
SMALL_INSERT_MAX_ROWS = 16

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

#: The integrity check of the key index (run in Python: the index is not in the database).
KEY_INDEX_CHECK = "the key index holds every band key"

#: The ``meta`` key counting the commits that added band keys: what the key index must hold.
KEY_INDEX_GENERATION_KEY = "key_index_generation"

#: How often a process waiting for the store tries again (growing to the maximum): short, because
#: a writer lets go only between batches.
LOCK_POLL_SECONDS = 0.01
LOCK_POLL_MAX_SECONDS = 0.05
#: How long a writer that let go of the store between batches waits to take it back.
REACQUIRE_WAIT_SECONDS = 600.0

#: DuckDB's message when another process holds the file ("Could not set lock on file …").
_LOCK_CONFLICT = re.compile(r"Could not set lock on file|Conflicting lock is held", re.I)
_LOCK_HOLDER = re.compile(r"\(PID (\d+)\)")

#: Name of the connection-local view through which band rows are inserted from numpy arrays.
_BANDS_INPUT_VIEW = "_provenance_bands_input"

_SMALLINT_MAX = 2**15 - 1

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


# --- the store ------------------------------------------------------------------------------


class Store(BulkMixin, CrawlStateMixin):
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

    @contextmanager
    def released(self) -> Iterator[None]:
        """The store let go of during the block, taken again after it."""
        self.release()
        try:
            yield
        finally:
            self.reacquire()

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
        con, self._con = self._con, None
        if con is not None:
            try:
                con.close()
            except duckdb.Error as exc:
                raise StoreError(f"cannot close store {self._path}: {_first_line(exc)}") from None

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

    # --- documents ------------------------------------------------------------------------

    def has_document(self, doc_id: int) -> bool:
        """Whether a document with this id is stored."""
        rows = self._fetch("SELECT 1 FROM documents WHERE doc_id = ? LIMIT 1", [doc_id])
        return bool(rows)

    def find_by_content_hash(self, content_hash: str) -> list[int]:
        """Ids of documents with this content hash, oldest ``first_seen`` first."""
        rows = self._fetch(
            "SELECT doc_id FROM documents WHERE content_hash = ? ORDER BY first_seen, doc_id",
            [content_hash],
        )
        return [doc_id for (doc_id,) in rows]

    def find_by_url(self, url: str) -> list[StoredDocument]:
        """Documents whose URL or canonical URL is ``url``, compared as page keys (scheme, "www.",
        trailing slash and fragment ignored), oldest ``first_seen`` first."""
        rows = self._fetch(
            "SELECT doc_id FROM documents WHERE url_key = ?"
            " UNION SELECT doc_id FROM documents WHERE canonical_key = ?",
            [page_key(url), page_key(url)],
        )
        found = self.get_documents([doc_id for (doc_id,) in rows])
        return sorted(found.values(), key=lambda d: (d.first_seen, d.doc_id))

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
            fingerprint.signature, now,
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
            if article.site and fingerprint.line_signatures:
                page = article.canonical_url or article.url
                self._insert_rows("site_lines", SITE_LINE_COLUMNS,
                                  [(article.site, page, sig) for sig in sorted(set(fingerprint.line_signatures))])
        return True

    def recurring_lines(self, site: str, min_pages: int) -> dict[int, int]:
        """Line signatures found on at least ``min_pages`` distinct pages of ``site``, with their
        page counts: the site's learned furniture."""
        rows = self._fetch(
            "SELECT line_hash, count(DISTINCT page) FROM site_lines WHERE site = ?"
            " GROUP BY line_hash HAVING count(DISTINCT page) >= ?",
            [site, min_pages],
        )
        return {int(h): int(n) for h, n in rows}

    def get_document(self, doc_id: int) -> StoredDocument:
        """The stored document; :class:`NotFoundError` if there is none with this id."""
        found = self.get_documents([doc_id])
        if doc_id not in found:
            raise NotFoundError(f"no document {doc_id} in the store")
        return found[doc_id]

    def get_documents(self, ids: Iterable[int]) -> dict[int, StoredDocument]:
        """The stored documents among ``ids`` (missing ids are left out), one query per table."""
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return {}
        rows = self._fetch(
            f"SELECT {', '.join(DOCUMENT_READ_COLUMNS)} FROM documents"
            " WHERE doc_id = ANY(?::BIGINT[])",
            [wanted],
        )
        credits: dict[int, list[Credit]] = {}
        for doc_id, phrase, outlet, host, kind, start, end in self._fetch(
            'SELECT doc_id, phrase, outlet, host, kind, start, "end" FROM credits'
            " WHERE doc_id = ANY(?::BIGINT[]) ORDER BY doc_id, rowid",
            [wanted],
        ):
            credits.setdefault(doc_id, []).append(Credit(phrase, outlet, host, kind, start, end))
        furniture: dict[int, list[Furniture]] = {}
        for doc_id, start, end, reason in self._fetch(
            'SELECT doc_id, start, "end", reason FROM furniture'
            " WHERE doc_id = ANY(?::BIGINT[]) ORDER BY doc_id, rowid",
            [wanted],
        ):
            furniture.setdefault(doc_id, []).append(Furniture(start, end, reason))
        result: dict[int, StoredDocument] = {}
        # ascending id: callers iterate the result, and their ties must not hang on storage order
        for (doc_id, url, canonical_url, site, title, published_at, first_seen, fetched_at,
             text, content_hash, fmt, authors) in sorted(rows, key=lambda row: row[0]):
            article = Article(
                url=url,
                text=text,
                format=fmt or "",
                title=title,
                canonical_url=canonical_url,
                site=site,
                published_at=from_db_time(published_at),
                authors=tuple(authors or ()),
                credits=tuple(credits.get(doc_id, ())),
                furniture=tuple(furniture.get(doc_id, ())),
                fetched_at=from_db_time(fetched_at),
            )
            result[doc_id] = StoredDocument(
                doc_id=doc_id,
                article=article,
                content_hash=content_hash,
                first_seen=from_db_time(first_seen),
            )
        return result

    def all_document_ids(self) -> list[int]:
        """Every stored document id, ascending."""
        return [doc_id for (doc_id,) in self._fetch("SELECT doc_id FROM documents ORDER BY doc_id")]

    # --- candidates -----------------------------------------------------------------------

    def find_candidates(self, band_keys: Sequence[tuple[int, int]], rule: CandidateRule = CandidateRule(), *,
                        exclude: Collection[int] = ()) -> list[tuple[int, int]]:
        """Documents sharing index keys with ``band_keys`` that ``rule`` makes candidates:
        ``(doc_id, keys shared)``, most first, ties by ascending id, those in ``exclude`` left out,
        at most ``rule.limit`` (see :class:`~provenance.store.bulk.CandidateRule`)."""
        bands, keys = key_arrays(Fingerprint("", 0, 0, b"", tuple(band_keys)))
        keys, first = np.unique(keys, return_index=True)
        if not len(keys) or rule.limit <= 0:
            return []
        excluded = {int(doc_id) for doc_id in exclude}
        wider = dataclasses.replace(rule, limit=rule.limit + len(excluded))
        (found,), _ = rank_candidates(self._postings, [keys], [bands[first]], wider)
        return [(doc_id, hits) for doc_id, hits in found if doc_id not in excluded][:rule.limit]

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

    def lineage_pairs(self, doc_ids: Sequence[int], *,
                      depth: int = 8) -> list[tuple[int, int, str, list[tuple[int, int]]]]:
        """The lineage graph around ``doc_ids``: (source_id, copy_id, relation, copy-side passage
        spans) of every edge that touches them or their ancestors up to ``depth`` hops."""
        ids = sorted({int(i) for i in doc_ids})
        if not ids:
            return []
        rows = self._fetch(
            "WITH RECURSIVE up(doc_id, hops) AS ("
            "  SELECT unnest(?::BIGINT[]), 0"
            "  UNION"
            "  SELECT e.source_id, up.hops + 1 FROM edges e JOIN up ON e.copy_id = up.doc_id"
            "  WHERE up.hops < ? AND e.relation <> 'shares_source'"
            "), near AS ("
            "  SELECT DISTINCT e.edge_id, e.source_id, e.copy_id, e.relation FROM edges e"
            "  WHERE e.copy_id IN (SELECT doc_id FROM up) OR e.source_id IN (SELECT doc_id FROM up)"
            ")"
            " SELECT n.source_id, n.copy_id, n.relation,"
            "        list([p.copy_start, p.copy_end] ORDER BY p.passage_no)"
            "          FILTER (WHERE p.copy_start IS NOT NULL)"
            " FROM near n LEFT JOIN passages p ON p.edge_id = n.edge_id"
            " GROUP BY n.source_id, n.copy_id, n.relation ORDER BY 1, 2",
            [ids, depth],
        )
        return [(int(s), int(c), str(r), [(int(a), int(b)) for a, b in (spans or [])]) for s, c, r, spans in rows]

    def upstream_edges(self, doc_id: int) -> list[Edge]:
        """Edges where ``doc_id`` is the copy (its sources), most confident first."""
        return self._edges_where("copy_id", doc_id)

    def downstream_edges(self, doc_id: int) -> list[Edge]:
        """Edges where ``doc_id`` is the source (its copies), most confident first."""
        return self._edges_where("source_id", doc_id)

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

    def rejects(self) -> list[tuple[str, str, str, int]]:
        """(origin, stage, reason, attempts) of every refused input, most recent first."""
        return [tuple(row) for row in self._fetch(
            "SELECT origin, stage, reason, attempts FROM rejects ORDER BY last_seen DESC, origin")]

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
            cursor = con.cursor()
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

    def _edges_where(self, column: str, doc_id: int) -> list[Edge]:
        rows = self._fetch(
            "SELECT edge_id, source_id, copy_id, relation, jaccard, containment,"
            " copy_containment, confidence, reasons, credited, via_id, direction_confidence FROM edges"
            f" WHERE {column} = ? ORDER BY confidence DESC, edge_id",
            [doc_id],
        )
        if not rows:
            return []
        ids = [row[0] for row in rows]
        passages: dict[int, list[Passage]] = {}
        for edge_id, s_start, s_end, c_start, c_end, words in self._fetch(
            "SELECT edge_id, source_start, source_end, copy_start, copy_end, words FROM passages"
            " WHERE edge_id = ANY(?::BIGINT[]) ORDER BY edge_id, passage_no",
            [ids],
        ):
            passages.setdefault(edge_id, []).append(Passage(s_start, s_end, c_start, c_end, words))
        diffs: dict[int, list[DiffOp]] = {}
        for edge_id, op, s_start, s_end, c_start, c_end, text, kind, source_text in self._fetch(
            "SELECT edge_id, op, source_start, source_end, copy_start, copy_end, text, kind,"
            " source_text FROM diffs WHERE edge_id = ANY(?::BIGINT[]) ORDER BY edge_id, op_no",
            [ids],
        ):
            diffs.setdefault(edge_id, []).append(
                DiffOp(op, s_start, s_end, c_start, c_end, text, kind, source_text or "")
            )
        return [
            Edge(
                source_id=source_id,
                copy_id=copy_id,
                relation=relation,
                jaccard=jaccard,
                containment=containment,
                copy_containment=copy_containment,
                confidence=confidence,
                reasons=tuple(reasons or ()),
                credited=bool(credited),
                passages=tuple(passages.get(edge_id, ())),
                diff=tuple(diffs.get(edge_id, ())),
                via_id=via_id,
                direction_confidence=direction_confidence,
            )
            for (edge_id, source_id, copy_id, relation, jaccard, containment, copy_containment,
                 confidence, reasons, credited, via_id, direction_confidence) in rows
        ]

    def _user_tables(self) -> set[str]:
        """Names of the tables and views in the main schema of the open database."""
        rows = self._fetch(
            "SELECT table_name FROM duckdb_tables()"
            " WHERE database_name = current_database() AND schema_name = 'main'"
            " UNION SELECT view_name FROM duckdb_views()"
            " WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal"
        )
        return {name for (name,) in rows}

    def _register_functions(self) -> None:
        """Make :func:`provenance.pages.page_key` callable from SQL as ``page_key(url)`` (once)."""
        if self._functions_registered:
            return
        if self._fetch("SELECT 1 FROM duckdb_functions() WHERE function_name = 'page_key'"
                       " AND function_type = 'macro' LIMIT 1"):
            return  # a schema older than migration 6 still has its SQL macro of that name
        try:
            self._connection().create_function("page_key", page_key, [duckdb.sqltype("VARCHAR")],
                                               duckdb.sqltype("VARCHAR"), null_handling="special",
                                               side_effects=False)
        except duckdb.Error as exc:
            raise StoreError(f"{self._path}: {_first_line(exc)}") from None
        self._functions_registered = True

    def _applied_versions(self) -> set[int]:
        return {v for (v,) in self._fetch("SELECT version FROM schema_version")}

    def _check_version_not_newer(self, applied: set[int]) -> None:
        newest, supported = max(applied, default=0), schema.MIGRATIONS[-1].version
        if newest > supported:
            raise StoreError(
                f"store {self._path} has schema version {newest}, newer than this provenance"
                f" supports ({supported}); upgrade provenance"
            )

    def _migrate(self) -> None:
        """Create ``schema_version`` and apply the missing migrations (inside a transaction)."""
        tables = self._user_tables()
        if "schema_version" not in tables and tables:
            raise StoreError(f"{self._path} is a DuckDB database but not a provenance store")
        self._run(SCHEMA_VERSION_DDL)
        applied = self._applied_versions()
        self._check_version_not_newer(applied)
        for migration in schema.MIGRATIONS:
            if migration.version in applied:
                continue
            for statement in migration.statements:
                if statement == REGISTER_FUNCTIONS:
                    self._register_functions()
                else:
                    self._run(statement)
            self._run(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                [migration.version, migration.description, utc_now()],
            )

    def _check_schema_read_only(self) -> None:
        """A read-only store must already be at this code's schema version."""
        if "schema_version" not in self._user_tables():
            raise StoreError(f"{self._path} is not a provenance store")
        applied = self._applied_versions()
        self._check_version_not_newer(applied)
        missing = [m.version for m in schema.MIGRATIONS if m.version not in applied]
        if missing:
            raise StoreError(
                f"store {self._path} needs schema migration {missing[0]}; open it read-write once"
            )

    def _check_fingerprint_settings(self) -> None:
        """Record the fingerprint settings on first open; refuse a store built with others."""
        wanted = self._settings.fingerprint_key()
        rows = self._fetch("SELECT value FROM meta WHERE key = ?", [FINGERPRINT_SETTINGS_KEY])
        if not rows:
            if not self._read_only:
                self._run(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [FINGERPRINT_SETTINGS_KEY, json.dumps(wanted, sort_keys=True)],
                )
            return
        try:
            stored = json.loads(rows[0][0])
        except (TypeError, ValueError):
            raise StoreError(f"store {self._path} has unreadable fingerprint settings") from None
        if stored != wanted:
            names = sorted(set(stored) | set(wanted))
            diffs = ", ".join(
                f"{n} {stored.get(n)} (store) vs {wanted.get(n)} (now)"
                for n in names
                if stored.get(n) != wanted.get(n)
            )
            raise StoreError(f"store was built with different fingerprint settings: {diffs}")
