"""Ingest: inputs in, documents linked and stored, in batches, with nothing lost to one bad input.

Inputs are read lazily and extracted and fingerprinted in worker processes under per-document
budgets (:func:`prepare_within_budget`). The prepared documents are gathered into batches (of
``settings.commit_every_documents``, or what arrived within ``commit_every_seconds``); each batch
is linked against one :class:`~provenance.batch.BatchView` of the store and written in one
transaction, so a killed ingest loses at most the batch in hand and a rerun adds it again.

When something fails inside a batch, only that document is refused: a document whose linking
raises is left out and the batch linked again without it; a batch whose write fails is stored
again document by document (:class:`_CommitGroup`), which isolates the one that cannot be stored.
Every refused input is named in the report and kept in the store's ``rejects`` table.
"""

from __future__ import annotations

import functools
import time
from datetime import datetime, timezone
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .batch import BatchView, SiteLines
from .errors import BudgetError, InputError, InternalError, StoreBusyError
from .linking import MAX_CHAIN_DEPTH, ShingleCache, link_and_store
from .models import Edge, RawDocument
from .prepare import PreparedDocument, prepared_or_error, with_learned_furniture
from .settings import DEFAULT_SETTINGS, Settings
from .store import Store
from .store.convert import utc_now
from .workers import CRASH, MEMORY, TIME, BudgetedPool, Outcome

__all__ = ["IngestReport", "ingest_items", "prepare_within_budget"]


@dataclass(frozen=True, slots=True)
class IngestReport:
    added: int
    unchanged: int  # already in the store: nothing to do
    errors: tuple[InputError, ...]
    edges: tuple[Edge, ...]  # links made by this ingest
    documents: tuple[int, ...]  # ids of the documents read and stored (added or unchanged), in input order


def prepare_within_budget(items: Iterable[RawDocument | InputError], settings: Settings = DEFAULT_SETTINGS
                          ) -> Iterator[PreparedDocument | InputError]:
    """Extract and fingerprint each input in worker processes, each under the per-document
    budgets (``settings.workers``, ``document_seconds``, ``document_memory_bytes``), in input
    order. Whatever goes wrong with one input comes out as an :class:`InputError` for that input:
    our own refusal, :class:`BudgetError` when it overran, :class:`InternalError` for anything
    else. Nothing raised by one input stops the others."""
    stage = functools.partial(prepared_or_error, settings=settings)
    stamped = ((item, datetime.now(timezone.utc)) for item in items)
    with BudgetedPool(stage, workers=settings.workers, seconds=settings.document_seconds,
                      memory_bytes=settings.document_memory_bytes) as pool:
        for (item, _), outcome in pool.map(stamped):
            yield _outcome_result(item, outcome, settings)


def _outcome_result(item: RawDocument | InputError, outcome: Outcome,
                    settings: Settings) -> PreparedDocument | InputError:
    if outcome.value is not None:
        return outcome.value
    origin = item.origin
    if outcome.overrun == TIME:
        return BudgetError(origin, f"refused: extraction took over {settings.document_seconds:g} s"
                                   " (settings.document_seconds)")
    if outcome.overrun == MEMORY:
        return BudgetError(origin, f"refused: extraction needed over {settings.document_memory_bytes >> 20} MB"
                                   " of memory (settings.document_memory_bytes)")
    if outcome.overrun == CRASH:
        return InternalError(origin, "internal error: the extraction process died")
    if isinstance(outcome.error, InputError):
        return outcome.error
    return InternalError(origin, f"internal error while extracting: {_exception_line(outcome.error)}")


def _exception_line(exc: BaseException | None) -> str:
    detail = " ".join(str(exc).split())[:200] if exc is not None else ""
    name = type(exc).__name__ if exc is not None else "unknown error"
    return f"{name}: {detail}" if detail else name


def ingest_items(store: Store, items: Iterable[RawDocument | InputError], *, settings: Settings = DEFAULT_SETTINGS,
                 progress: Callable[[str], None] | None = None, batched: bool = True) -> IngestReport:
    """Prepare, link and store ``items`` in batches (see the module's docstring). ``batched=False``
    links and stores one document at a time against the store itself: the reference that a
    batch must agree with (and the path a batch falls back to when its write fails)."""
    tally = _Tally(progress)
    cache = ShingleCache(settings)
    for batch, errors in _batches(prepare_within_budget(items, settings), settings):
        tally.refused(errors)
        if batched:
            _ingest_batch(store, batch, errors, cache, settings, tally)
        else:
            fresh = _unchanged_left_out(store, batch, tally)
            _ingest_one_by_one(store, fresh, errors, [], cache, settings, tally)
    return tally.report()


class _Tally:
    """What an ingest did so far, for its report and progress lines."""

    def __init__(self, progress: Callable[[str], None] | None) -> None:
        self._progress = progress
        self.added = self.unchanged = 0
        self.errors: list[InputError] = []
        self.edges: list[Edge] = []
        self.ids: list[tuple[int, int]] = []  # (input position, doc id)

    def refused(self, errors: Iterable[InputError]) -> None:
        for error in errors:
            self.errors.append(error)
            if self._progress:
                self._progress(f"error: {error}")

    def stored(self, position: int, prepared: PreparedDocument, edges: list[Edge]) -> None:
        self.added += 1
        self.edges += edges
        self.ids.append((position, prepared.document.doc_id))
        if self._progress:
            self._progress(f"added {prepared.origin} ({len(edges)} links)")

    def already(self, position: int, prepared: PreparedDocument) -> None:
        self.unchanged += 1
        self.ids.append((position, prepared.document.doc_id))

    def report(self) -> IngestReport:
        return IngestReport(self.added, self.unchanged, tuple(self.errors), tuple(self.edges),
                            tuple(doc_id for _, doc_id in sorted(self.ids)))


def _batches(results: Iterable[PreparedDocument | InputError], settings: Settings
             ) -> Iterator[tuple[list[tuple[int, PreparedDocument]], list[InputError]]]:
    """Prepared documents (with their input positions) and refusals, a batch at a time: at most
    ``commit_every_documents`` documents, or what arrived within ``commit_every_seconds``."""
    batch: list[tuple[int, PreparedDocument]] = []
    errors: list[InputError] = []
    opened = time.monotonic()
    for position, result in enumerate(results):
        if isinstance(result, InputError):
            errors.append(result)
        else:
            batch.append((position, result))
        if (len(batch) >= settings.commit_every_documents
                or time.monotonic() - opened >= settings.commit_every_seconds):
            yield batch, errors
            batch, errors, opened = [], [], time.monotonic()
    if batch or errors:
        yield batch, errors


def _ingest_batch(store: Store, batch: list[tuple[int, PreparedDocument]], errors: list[InputError],
                  cache: ShingleCache, settings: Settings, tally: _Tally) -> None:
    """Link a batch in memory and write it in one transaction with the batch's refusals."""
    fresh = _unchanged_left_out(store, batch, tally)
    refused: list[InputError] = []
    while True:
        try:
            view, linked = _link_in_memory(store, fresh, cache, settings)
        except _DocumentFailed as failed:
            refused.append(failed.error)
            fresh = [(pos, p) for pos, p in fresh if p is not failed.prepared]
            continue
        break
    try:
        with store.transaction():
            view.write()
            store.record_rejects(errors + refused)
            store.clear_rejects([p.origin for _, p in fresh if p.origin])
    except StoreBusyError:
        raise
    except Exception:  # noqa: BLE001 - a write DuckDB refused: find the document, keep the others
        _ingest_one_by_one(store, fresh, errors + refused, refused, cache, settings, tally)
        return
    tally.refused(refused)
    for (position, prepared), edges in zip(fresh, linked):
        tally.stored(position, prepared, edges)


def _unchanged_left_out(store: Store, batch: list[tuple[int, PreparedDocument]],
                        tally: _Tally) -> list[tuple[int, PreparedDocument]]:
    """The batch without documents stored already (or earlier in the batch): counted unchanged."""
    known = store.stored_ids(p.document.doc_id for _, p in batch)
    fresh: list[tuple[int, PreparedDocument]] = []
    for position, prepared in batch:
        if prepared.document.doc_id in known:
            tally.already(position, prepared)
        else:
            known.add(prepared.document.doc_id)
            fresh.append((position, prepared))
    return fresh


class _DocumentFailed(Exception):
    def __init__(self, prepared: PreparedDocument, error: InputError) -> None:
        super().__init__(str(error))
        self.prepared, self.error = prepared, error


def _link_in_memory(store: Store, fresh: list[tuple[int, PreparedDocument]], cache: ShingleCache,
                    settings: Settings) -> tuple[BatchView, list[list[Edge]]]:
    """Learned furniture, then each document linked in input order against a view of the store
    that holds the earlier ones: what storing them one by one would decide."""
    lines = SiteLines.for_documents(store, [(p.document, p.fingerprint) for _, p in fresh])
    furnished = []
    for _, prepared in fresh:
        article = prepared.document.article
        if article.site:
            signatures = prepared.fingerprint.line_signatures
            prepared = with_learned_furniture(
                prepared, lines.recurring(article.site, signatures, settings.site_furniture_min_pages), settings)
        lines.add(prepared.document, prepared.fingerprint)
        furnished.append(prepared)
    view = BatchView(store, depth=MAX_CHAIN_DEPTH, now=utc_now())
    view.prefetch([(p.document, p.fingerprint) for p in furnished], limit=settings.max_candidates,
                  min_hits=settings.min_band_hits, min_phrase_hits=settings.min_phrase_hits)
    linked = []
    for (_, original), prepared in zip(fresh, furnished):
        try:
            edges = link_and_store(view, prepared, cache, settings)
        except StoreBusyError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug met on one document: refuse it, keep the rest
            raise _DocumentFailed(original, _storing_error(prepared, exc, stage="link")) from exc
        cache.put(prepared.document.doc_id, prepared.shingled)
        linked.append(edges)
    return view, linked


def _ingest_one_by_one(store: Store, fresh: list[tuple[int, PreparedDocument]], rejects: list[InputError],
                       newly_refused: list[InputError], cache: ShingleCache, settings: Settings,
                       tally: _Tally) -> None:
    """The batch stored a document per step (the fallback when its one write failed): a document
    that cannot be stored is refused, the others are kept. ``rejects`` are recorded with it."""
    tally.refused(newly_refused)
    with _CommitGroup(store, cache, settings, every=settings.commit_every_documents,
                      seconds=settings.commit_every_seconds) as group:
        for error in rejects:
            group.reject(error)
        for position, prepared in fresh:
            stored = group.add(prepared)
            if isinstance(stored, InputError):
                tally.refused([stored])
            else:
                tally.stored(position, prepared, stored)


class _CommitGroup:
    """Links and stores documents in groups of one transaction each: a commit costs milliseconds,
    so one per document halves ingest speed. An interrupted ingest loses at most the open group,
    which a rerun adds again (ingest is idempotent); reads inside the group see its documents,
    so they link.

    When storing one document fails (a bug, or a write DuckDB refuses, which aborts the whole
    transaction), the group is rolled back and stored again without it: that document is
    refused with the reason, the others are kept. Refused inputs are recorded in the store
    (``rejects``) with the group that follows them."""

    def __init__(self, store: Store, cache: ShingleCache, settings: Settings, *, every: int, seconds: float) -> None:
        self._store, self._cache, self._settings = store, cache, settings
        self._every, self._seconds = every, seconds
        self._documents: list[PreparedDocument] = []
        self._edges: list[list[Edge]] = []
        self._rejects: list[InputError] = []
        self._opened = 0.0
        self.added = 0
        self.edges: list[Edge] = []

    def __enter__(self) -> _CommitGroup:
        self._begin()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self._store.rollback()

    def _begin(self) -> None:
        self._store.begin()
        self._documents, self._edges, self._rejects = [], [], []
        self._opened = time.monotonic()

    def _furnished(self, prepared: PreparedDocument) -> PreparedDocument:
        article = prepared.document.article
        if not article.site:
            return prepared
        return with_learned_furniture(
            prepared, self._store.recurring_lines(article.site, self._settings.site_furniture_min_pages), self._settings)

    def reject(self, error: InputError) -> None:
        self._rejects.append(error)

    def add(self, prepared: PreparedDocument) -> list[Edge] | InputError:
        """Link and store one document; its new edges, or why it was refused."""
        try:
            edges = link_and_store(self._store, self._furnished(prepared), self._cache, self._settings)
        except StoreBusyError:
            raise
        except Exception as exc:  # noqa: BLE001 - one document's failure must not lose the group
            error = _storing_error(prepared, exc)
            self._replay()
            self._rejects.append(error)
            return error
        self._documents.append(prepared)
        self._edges.append(edges)
        if len(self._documents) >= self._every or time.monotonic() - self._opened >= self._seconds:
            self.commit()
            self._begin()
        return edges

    def commit(self) -> None:
        self._store.record_rejects(self._rejects)
        self._store.clear_rejects([p.origin for p in self._documents if p.origin])
        self._store.commit()
        self.added += len(self._documents)
        self.edges += [edge for edges in self._edges for edge in edges]
        self._documents, self._edges, self._rejects = [], [], []

    def _replay(self) -> None:
        """Roll the group back and store its documents again, dropping any that fail again."""
        documents, rejects = self._documents, self._rejects
        while True:
            self._store.rollback()
            self._store.begin()
            self._documents, self._edges = [], []
            for prepared in documents:
                try:
                    edges = link_and_store(self._store, self._furnished(prepared), self._cache, self._settings)
                except StoreBusyError:
                    raise
                except Exception as exc:  # noqa: BLE001
                    rejects.append(_storing_error(prepared, exc))
                    documents = [d for d in documents if d is not prepared]
                    break
                self._documents.append(prepared)
                self._edges.append(edges)
            else:
                self._rejects = rejects
                return


def _storing_error(prepared: PreparedDocument, exc: BaseException, stage: str = "store") -> InputError:
    origin = prepared.origin or prepared.document.article.url
    verb = "linked" if stage == "link" else "stored"
    return InternalError(origin, f"could not be {verb}: {_exception_line(exc)}", stage=stage)
