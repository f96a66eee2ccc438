"""What a crawl keeps in the store: the frontier, every fetch, the raw pages and a row per run.

A crawl's state lives in the store so that a run killed at any point resumes where it stood: a
URL's validators (ETag, Last-Modified) and content hash make an unchanged page cost a conditional
request; a page fetched but not yet ingested stays ``pending`` with its raw body kept, so the next
run ingests it from ``raw_pages`` without fetching it again. Every method works on a batch of rows
(one statement each), never a row at a time.
"""

from __future__ import annotations

import fcntl
import os
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from ..errors import StoreBusyError, StoreError
from ..models import FRONTIER_KINDS, FetchRecord, FrontierEntry, FrontierState
from .convert import from_db_time, to_db_time, utc_now

__all__ = ["CrawlStateMixin", "RAW_CODEC", "crawl_lock"]

#: How raw pages are compressed (zlib level 6: ~5x on HTML, in the standard library, and a page
#: is read back only when it is ingested after a crash or re-extracted).
RAW_CODEC = "zlib"

_KIND_ORDER = "CASE kind " + " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(FRONTIER_KINDS)) + " END"

_FRONTIER_READ = ("url, host, kind, site, depth, discovered_from, lastmod, published_at, next_fetch_at,"
                  " last_fetch_at, last_status, etag, last_modified, content_hash, failures, discovered_at, final_url")
_FRONTIER_COLUMNS = len(_FRONTIER_READ.split(","))


class CrawlStateMixin:
    """Crawl methods of :class:`~provenance.store.Store` (they use its connection helpers)."""

    # --- frontier ---------------------------------------------------------------------------

    def add_to_frontier(self, entries: Iterable[FrontierEntry], now: datetime | None = None) -> int:
        """Add URLs a crawl found; returns how many were new. A known URL keeps its state, except
        that a later ``lastmod`` (a sitemap or feed saying it changed since it was fetched) makes
        it due at once, and a ``published`` time fills in when it had none."""
        rows: dict[str, FrontierEntry] = {}
        for e in entries:  # duplicates within the call: the first's place, the latest lastmod, a known date
            first = rows.get(e.url)
            if first is None:
                rows[e.url] = e
            else:
                lastmod = max((t for t in (first.lastmod, e.lastmod) if t is not None), default=None)
                rows[e.url] = replace(first, lastmod=lastmod, published=first.published or e.published)
        if not rows:
            return 0
        now = to_db_time(now) or utc_now()
        columns = list(zip(*[(e.url, e.host, e.kind, e.site, e.depth, e.discovered_from,
                              to_db_time(e.lastmod), to_db_time(e.published)) for e in rows.values()]))
        (before,) = self._fetch("SELECT count(*) FROM frontier")[0]
        self._run(
            "INSERT INTO frontier (url, host, kind, site, depth, discovered_from, lastmod, published_at,"
            " discovered_at, next_fetch_at)"
            " SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
            " unnest(?::INTEGER[]), unnest(?::VARCHAR[]), unnest(?::TIMESTAMP[]), unnest(?::TIMESTAMP[]), ?, ?"
            " ON CONFLICT (url) DO UPDATE SET"
            " lastmod = greatest(frontier.lastmod, excluded.lastmod),"
            " published_at = coalesce(frontier.published_at, excluded.published_at),"
            " next_fetch_at = CASE WHEN excluded.lastmod > coalesce(frontier.last_fetch_at, TIMESTAMP '0001-01-01')"
            " AND excluded.lastmod > coalesce(frontier.lastmod, TIMESTAMP '0001-01-01')"
            " THEN least(frontier.next_fetch_at, excluded.next_fetch_at) ELSE frontier.next_fetch_at END",
            [*(list(c) for c in columns), now, now],
        )
        (after,) = self._fetch("SELECT count(*) FROM frontier")[0]
        return int(after - before)

    def due_urls(self, now: datetime | None = None, limit: int = 1000, *,
                 hosts: Sequence[str] | None = None) -> list[FrontierState]:
        """URLs due for a fetch (``next_fetch_at`` passed), robots.txt first, then sitemaps and
        feeds, home pages and pages; earliest due first within a kind. ``hosts`` narrows them."""
        now = to_db_time(now) or utc_now()
        where, params = "next_fetch_at <= ?", [now]
        if hosts is not None:
            where += " AND host = ANY(?::VARCHAR[])"
            params.append(sorted(set(hosts)))
        rows = self._fetch(f"SELECT {_FRONTIER_READ} FROM frontier WHERE {where}"
                           f" ORDER BY {_KIND_ORDER}, next_fetch_at, url LIMIT ?", [*params, int(limit)])
        return [_state(row) for row in rows]

    def frontier_states(self, urls: Iterable[str]) -> dict[str, FrontierState]:
        """What the frontier holds of these URLs, by URL (absent ones are left out)."""
        wanted = sorted(set(urls))
        if not wanted:
            return {}
        rows = self._fetch(f"SELECT {_FRONTIER_READ} FROM frontier WHERE url = ANY(?::VARCHAR[])", [wanted])
        return {row[0]: _state(row) for row in rows}

    def frontier_of_kind(self, kind: str, hosts: Iterable[str]) -> list[FrontierState]:
        """The frontier URLs of one kind on these hosts (e.g. their robots.txt, whatever the port)."""
        wanted = sorted(set(hosts))
        if not wanted:
            return []
        rows = self._fetch(f"SELECT {_FRONTIER_READ} FROM frontier WHERE kind = ? AND host = ANY(?::VARCHAR[])"
                           " ORDER BY url", [kind, wanted])
        return [_state(row) for row in rows]

    def next_due_at(self, *, hosts: Sequence[str] | None = None) -> datetime | None:
        """When the next frontier URL (of ``hosts``) falls due (None: there is none)."""
        if hosts is None:
            (value,) = self._fetch("SELECT min(next_fetch_at) FROM frontier")[0]
        else:
            (value,) = self._fetch("SELECT min(next_fetch_at) FROM frontier WHERE host = ANY(?::VARCHAR[])",
                                   [sorted(set(hosts))])[0]
        return from_db_time(value)

    # --- fetches and raw pages --------------------------------------------------------------

    def record_fetches(self, records: Sequence[FetchRecord], run_id: int | None = None) -> None:
        """Keep each request's outcome, the bodies (compressed, once per content hash) and the
        frontier's new state: validators, content hash, failures in a row, the next fetch time,
        and ``pending`` when a page came back with content the store has not ingested."""
        if not records:
            return
        self._run(
            "INSERT INTO fetches (run_id, url, final_url, status, fetched_at, etag, last_modified, content_hash,"
            " bytes, error) SELECT ?, unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::INTEGER[]),"
            " unnest(?::TIMESTAMP[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
            " unnest(?::BIGINT[]), unnest(?::VARCHAR[])",
            [run_id, [r.url for r in records], [r.final_url for r in records], [r.status for r in records],
             [to_db_time(r.fetched_at) for r in records], [r.etag for r in records],
             [r.last_modified for r in records], [r.content_hash for r in records],
             [r.bytes for r in records], [r.error for r in records]],
        )
        bodies = {r.content_hash: r for r in records if r.content is not None and r.content_hash}
        if bodies:
            self._run(
                "INSERT INTO raw_pages (content_hash, content_type, codec, bytes, body)"
                " SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), ?, unnest(?::BIGINT[]), unnest(?::BLOB[])"
                " ON CONFLICT (content_hash) DO NOTHING",
                [list(bodies), [r.content_type for r in bodies.values()], RAW_CODEC,
                 [len(r.content) for r in bodies.values()], [zlib.compress(r.content, 6) for r in bodies.values()]],
            )
        latest = {r.url: r for r in sorted(records, key=lambda r: r.fetched_at)}
        rows = list(latest.values())
        self._run(
            "WITH f AS (SELECT unnest(?::VARCHAR[]) AS url, unnest(?::INTEGER[]) AS status,"
            " unnest(?::TIMESTAMP[]) AS fetched_at, unnest(?::TIMESTAMP[]) AS next_fetch_at,"
            " unnest(?::VARCHAR[]) AS etag, unnest(?::VARCHAR[]) AS last_modified,"
            " unnest(?::VARCHAR[]) AS content_hash, unnest(?::BOOLEAN[]) AS failed,"
            " unnest(?::VARCHAR[]) AS final_url, unnest(?::BOOLEAN[]) AS kept)"
            " UPDATE frontier SET last_fetch_at = f.fetched_at, last_status = f.status,"
            " final_url = coalesce(f.final_url, frontier.final_url),"
            " next_fetch_at = f.next_fetch_at,"
            # a 304 keeps the validators and content of the fetch it confirmed
            " etag = CASE WHEN f.status = 304 THEN coalesce(f.etag, frontier.etag) ELSE f.etag END,"
            " last_modified = CASE WHEN f.status = 304 THEN coalesce(f.last_modified, frontier.last_modified)"
            " ELSE f.last_modified END,"
            " content_hash = coalesce(f.content_hash, frontier.content_hash),"
            " failures = CASE WHEN f.failed THEN frontier.failures + 1 ELSE 0 END,"
            " pending = frontier.pending OR (frontier.kind = 'page' AND f.kept"
            " AND f.content_hash IS DISTINCT FROM frontier.content_hash)"
            " FROM f WHERE frontier.url = f.url",
            [[r.url for r in rows], [r.status for r in rows], [to_db_time(r.fetched_at) for r in rows],
             [to_db_time(r.next_fetch_at) for r in rows], [r.etag for r in rows], [r.last_modified for r in rows],
             [r.content_hash for r in rows], [r.error is not None for r in rows],
             [r.final_url for r in rows], [r.content is not None and r.content_hash is not None for r in rows]],
        )

    def pending_pages(self, limit: int = 1000) -> list[tuple[FrontierState, str | None, bytes]]:
        """Pages fetched whose content is not ingested yet (a run stopped between the two), with
        the content type and body kept for them: ingested from here, not fetched again."""
        rows = self._fetch(
            f"SELECT {', '.join('f.' + c.strip() for c in _FRONTIER_READ.split(','))}, r.content_type, r.codec, r.body"
            " FROM frontier f JOIN raw_pages r ON r.content_hash = f.content_hash"
            " WHERE f.pending ORDER BY f.last_fetch_at, f.url LIMIT ?", [int(limit)])
        n = _FRONTIER_COLUMNS
        return [(_state(row[:n]), row[n], _decompress(row[n + 1], row[n + 2])) for row in rows]

    def mark_ingested(self, urls: Iterable[str]) -> None:
        """The pages' current content is stored (or refused for good): no longer pending."""
        wanted = sorted(set(urls))
        if wanted:
            self._run("UPDATE frontier SET pending = false WHERE url = ANY(?::VARCHAR[])", [wanted])

    def raw_page(self, content_hash: str) -> tuple[str | None, bytes] | None:
        """(content type, body) of a raw page kept under this hash, or None."""
        rows = self._fetch("SELECT content_type, codec, body FROM raw_pages WHERE content_hash = ?", [content_hash])
        if not rows:
            return None
        content_type, codec, body = rows[0]
        return content_type, _decompress(codec, body)

    def fetched_pages(self, limit: int = 500, *, after: tuple[datetime, str, str] | None = None
                      ) -> list[tuple[datetime, str, str, str | None, str | None, bytes]]:
        """Every distinct page body fetched and kept, oldest first, ``limit`` at a time (pass the
        last row's ``(fetched_at, url, content_hash)`` as ``after`` for the next ones): rows of
        (fetched_at, url asked, content hash, final URL, content type, body). What
        ``reextract`` replays through today's extractor, versions included."""
        where, params = "", []
        if after is not None:
            where = "WHERE (fetched_at, url, content_hash) > (?, ?, ?)"
            params = [to_db_time(after[0]), after[1], after[2]]
        rows = self._fetch(
            "WITH firsts AS (SELECT min(fetched_at) AS fetched_at, url, content_hash, arg_min(final_url, fetched_at)"
            " AS final_url FROM fetches f WHERE content_hash IS NOT NULL AND EXISTS (SELECT 1 FROM frontier"
            " WHERE frontier.url = f.url AND frontier.kind = 'page') GROUP BY url, content_hash)"
            " SELECT p.fetched_at, p.url, p.content_hash, p.final_url, r.content_type, r.codec, r.body"
            f" FROM (SELECT * FROM firsts {where}) p JOIN raw_pages r USING (content_hash)"
            " ORDER BY p.fetched_at, p.url, p.content_hash LIMIT ?", [*params, int(limit)])
        return [(from_db_time(t), url, digest, final, ctype, _decompress(codec, body))
                for t, url, digest, final, ctype, codec, body in rows]

    def copy_crawl_state(self, target: "CrawlStateMixin", batch: int = 500) -> dict[str, int]:
        """Copy the frontier, fetches, raw pages and runs into ``target`` (an empty store), so a
        store rebuilt by ``reextract`` crawls on where this one stood. Returns rows per table."""
        copied: dict[str, int] = {}
        order = {"frontier": "url", "fetches": "fetched_at, url, run_id", "crawl_runs": "run_id",
                 "raw_pages": "content_hash"}
        for table in order:
            columns = [name for (name,) in self._fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table])]
            names = ", ".join(columns)
            (total,) = self._fetch(f"SELECT count(*) FROM {table}")[0]
            for offset in range(0, int(total), batch):
                rows = self._fetch(f"SELECT {names} FROM {table} ORDER BY {order[table]} LIMIT ? OFFSET ?", [batch, offset])
                if rows:
                    marks = ", ".join("?" * len(columns))
                    target._run(f"INSERT INTO {table} ({names}) SELECT * FROM (VALUES "
                                + ", ".join(f"({marks})" for _ in rows) + ")", [v for row in rows for v in row])
            copied[table] = int(total)
        return copied

    # --- runs -------------------------------------------------------------------------------

    def start_crawl_run(self, targets: Sequence[str], now: datetime | None = None) -> int:
        """A new row in ``crawl_runs`` (status ``running``); returns its id."""
        (next_id,) = self._fetch("SELECT coalesce(max(run_id), 0) + 1 FROM crawl_runs")[0]
        self._run("INSERT INTO crawl_runs (run_id, started_at, targets, status) VALUES (?, ?, ?, 'running')",
                  [int(next_id), to_db_time(now) or utc_now(), " ".join(targets)])
        return int(next_id)

    def finish_crawl_run(self, run_id: int, status: str, counts: dict[str, int],
                         now: datetime | None = None) -> None:
        """Close a run's row with its status (``done``, ``interrupted``, ``budget``) and counts
        (``requests``, ``not_modified``, ``errors``, ``new_documents``, ``new_versions``, ``new_edges``)."""
        names = ("requests", "not_modified", "errors", "new_documents", "new_versions", "new_edges")
        self._run(
            f"UPDATE crawl_runs SET ended_at = ?, status = ?, {', '.join(f'{n} = ?' for n in names)} WHERE run_id = ?",
            [to_db_time(now) or utc_now(), status, *(int(counts.get(n, 0)) for n in names), run_id],
        )

    def crawl_lock(self):
        """:func:`crawl_lock` of this store."""
        return crawl_lock(self.database_path)


@contextmanager
def crawl_lock(database: str | Path) -> Iterator[None]:
    """Held for a whole crawl of the store at ``database``: a second crawl of it is refused at
    once (the store's own lock is let go between batches, so it cannot tell two crawls apart).
    Taken before the store is opened, so the second crawl never waits for the store."""
    path = Path(f"{database}.crawl.lock")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot create the crawl lock {path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreBusyError(f"{database}: another crawl of this store is running (lock {path})") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock; the file stays (removing it would race)


def _state(row: tuple) -> FrontierState:
    (url, host, kind, site, depth, discovered_from, lastmod, published, next_fetch_at, last_fetch_at,
     last_status, etag, last_modified, content_hash, failures, discovered_at, final_url) = row
    entry = FrontierEntry(url, host, kind, site, int(depth), discovered_from, from_db_time(lastmod),
                          from_db_time(published))
    return FrontierState(entry, from_db_time(next_fetch_at), from_db_time(last_fetch_at),
                         None if last_status is None else int(last_status), etag, last_modified, content_hash,
                         int(failures), from_db_time(discovered_at), final_url)


def _decompress(codec: str, body: bytes) -> bytes:
    if codec != RAW_CODEC:
        raise StoreError(f"raw page stored with an unknown codec {codec!r}")
    try:
        return zlib.decompress(body)
    except zlib.error as exc:
        raise StoreError(f"raw page cannot be decompressed: {exc}") from None
