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
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from .batch import BatchView, SiteLines
from .errors import BudgetError, InputError, InternalError, StoreBusyError
from .linking import MAX_CHAIN_DEPTH, ShingleCache, link_and_store
from .models import Edge, RawDocument
from .prepare import Job, KnownInput, PreparedDocument, input_key, prepared_or_error, with_learned_furniture
from .settings import DEFAULT_SETTINGS, Settings
from .store import Store
from .store.bulk import CandidateRule
from .store.convert import utc_now
from .workers import CRASH, MEMORY, TIME, BudgetedPool, Outcome

__all__ = ["IngestReport", "IngestProgress", "ingest_items", "prepare_within_budget"]


@dataclass(frozen=True, slots=True)
class IngestReport:
    added: int  # documents committed to the store by this ingest
    unchanged: int  # already in the store: nothing to do
    errors: tuple[InputError, ...]
    edges: tuple[Edge, ...]  # links made by this ingest
    documents: tuple[int, ...]  # ids of the documents read and stored (added or unchanged), in input order
    interrupted: bool = False  # stopped before the end (Ctrl-C): what it counts is committed and kept
    skipped: int = 0  # WARC records read past as not documents (requests, metadata, non-HTML, non-200)
    #: Files a directory walk passed over, by reason (a suffix such as ".png", "hidden name",
    #: "not a regular file"), most first.
    skipped_files: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """Where an ingest stands, sent after every committed batch and every refused input."""

    read: int  # inputs done (added, unchanged or refused)
    added: int
    unchanged: int
    errors: int
    links: int
    total: int | None  # inputs expected, when the targets tell (see inputs.count_inputs)
    committed: tuple[str, ...] = ()  # origins of the documents just committed
    error: InputError | None = None  # the input just refused


def prepare_within_budget(items: Iterable[RawDocument | InputError | Job | KnownInput],
                          settings: Settings = DEFAULT_SETTINGS
                          ) -> Iterator[PreparedDocument | InputError | KnownInput]:
    """Extract and fingerprint each input in worker processes, each under the per-document
    budgets (``settings.workers``, ``document_seconds``, ``document_memory_bytes``), in input
    order. Whatever goes wrong with one input comes out as an :class:`InputError` for that input:
    our own refusal, :class:`BudgetError` when it overran, :class:`InternalError` for anything
    else. Nothing raised by one input stops the others."""
    stage = functools.partial(prepared_or_error, settings=settings)
    jobs = (Job(item, datetime.now(timezone.utc)) if isinstance(item, RawDocument) else item for item in items)
    with BudgetedPool(stage, workers=settings.workers, seconds=settings.document_seconds,
                      memory_bytes=settings.document_memory_bytes) as pool:
        for item, outcome in pool.map(jobs, passthrough=_nothing_to_extract):
            yield _outcome_result(item.raw if isinstance(item, Job) else item, outcome, settings)


def _nothing_to_extract(item: object) -> bool:
    return isinstance(item, (InputError, KnownInput))


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
                 progress: Callable[[IngestProgress], None] | None = None, batched: bool = True,
                 total: int | None = None) -> IngestReport:
    """Prepare, link and store ``items`` in batches (see the module's docstring). ``batched=False``
    links and stores one document at a time against the store itself: the reference that a
    batch must agree with (and the path a batch falls back to when its write fails).

    Inputs stored before (same :func:`~provenance.prepare.input_key`) are counted unchanged
    without being extracted. Between batches the store is let go of, so other processes can
    read it while the next batch is extracted. Interrupted (Ctrl-C), it returns what it committed,
    marked ``interrupted``: a rerun resumes where it stopped."""
    tally = _Tally(progress, total)
    cache = ShingleCache(settings)
    known = _KnownInputs(*store.input_keys())
    producer = _Producer(items, settings, known)
    interrupted = False
    try:
        for batch, errors, unchanged in _batches(producer.results(), settings):
            for position, found in unchanged:
                tally.known(position, found.doc_id)
            tally.refused(errors)
            store.reacquire()
            if batched:
                _ingest_batch(store, batch, errors, cache, settings, tally)
            else:
                fresh = _unchanged_left_out(store, batch, tally)
                _ingest_one_by_one(store, fresh, errors, [], cache, settings, tally)
            for position, prepared in batch:
                if prepared.input_key is not None and tally.has(position):
                    known.add(prepared.input_key, prepared.document.doc_id)
            if not batched or tally.fell_back:
                store.record_inputs([(p.input_key, p.document.doc_id) for position, p in batch
                                     if p.input_key is not None and tally.has(position)])
                tally.fell_back = False
            tally.batch_done()
            store.release()
            time.sleep(settings.reader_grace_seconds)  # a waiting reader gets the file now
    except KeyboardInterrupt:
        interrupted = True  # the batch in hand was rolled back; every earlier one is committed
    finally:
        producer.stop()
        store.reacquire()
    return tally.report(interrupted)


class _KnownInputs:
    """Input keys already stored, with their documents: loaded once, grown as batches are written."""

    def __init__(self, keys: np.ndarray, doc_ids: np.ndarray) -> None:
        self._keys, self._ids = keys, doc_ids
        self._added: dict[int, int] = {}

    def get(self, key: int) -> int | None:
        found = self._added.get(key)
        if found is not None or not len(self._keys):
            return found
        at = int(np.searchsorted(self._keys, np.uint64(key)))
        return int(self._ids[at]) if at < len(self._keys) and int(self._keys[at]) == key else None

    def add(self, key: int, doc_id: int) -> None:
        self._added[key] = doc_id


#: Prepared documents waiting for the linking stage, in batches: room for the next batch to be
#: extracted while this one is linked, and no more (memory stays bounded by the batch size).
QUEUED_BATCHES = 2


class _Producer:
    """Reads the inputs, skips known ones, and extracts the rest in worker processes, in a thread
    of its own, so extraction goes on while the main thread links and writes a batch."""

    _END = object()

    def __init__(self, items: Iterable[RawDocument | InputError], settings: Settings, known: _KnownInputs) -> None:
        self._items, self._settings, self._known = items, settings, known
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUED_BATCHES * max(1, settings.commit_every_documents))
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="provenance-extract", daemon=True)
        self._thread.start()

    def _jobs(self) -> Iterator[Job | InputError | KnownInput]:
        for item in self._items:
            if self._stopping.is_set():
                return
            if isinstance(item, InputError):
                yield item
                continue
            key = input_key(item)
            doc_id = self._known.get(key)
            if doc_id is not None:
                yield KnownInput(item.origin, doc_id, key)
            else:
                yield Job(item, datetime.now(timezone.utc), key)

    def _run(self) -> None:
        try:
            for result in prepare_within_budget(self._jobs(), self._settings):
                if not self._put(result):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which raises it
            self._put(_Failed(exc))
        finally:
            self._put(self._END)

    def _put(self, item: object) -> bool:
        while not self._stopping.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def results(self) -> Iterator[PreparedDocument | InputError | KnownInput]:
        while True:
            item = self._queue.get()
            if item is self._END:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)


@dataclass(frozen=True, slots=True)
class _Failed:
    exc: BaseException


class _Tally:
    """What an ingest did so far, for its report and progress events."""

    def __init__(self, progress: Callable[[IngestProgress], None] | None, total: int | None) -> None:
        self._progress, self._total = progress, total
        self.added = self.unchanged = 0
        self.errors: list[InputError] = []
        self.edges: list[Edge] = []
        self.ids: list[tuple[int, int]] = []  # (input position, doc id)
        self._positions: set[int] = set()
        self._committed: list[str] = []
        self.fell_back = False  # the last batch was stored one by one

    def _event(self, **extra) -> IngestProgress:
        return IngestProgress(self.added + self.unchanged + len(self.errors), self.added, self.unchanged,
                              len(self.errors), len(self.edges), self._total, **extra)

    def refused(self, errors: Iterable[InputError]) -> None:
        for error in errors:
            self.errors.append(error)
            if self._progress:
                self._progress(self._event(error=error))

    def stored(self, position: int, prepared: PreparedDocument, edges: list[Edge]) -> None:
        self._positions.add(position)
        self.added += 1
        self.edges += edges
        self.ids.append((position, prepared.document.doc_id))
        self._committed.append(prepared.origin)

    def already(self, position: int, prepared: PreparedDocument) -> None:
        self.unchanged += 1
        self.ids.append((position, prepared.document.doc_id))
        self._positions.add(position)

    def known(self, position: int, doc_id: int) -> None:
        self.unchanged += 1
        self.ids.append((position, doc_id))

    def has(self, position: int) -> bool:
        """Whether the input at ``position`` was stored (or found stored)."""
        return position in self._positions

    def batch_done(self) -> None:
        """A batch is committed: tell the caller what is now kept."""
        if self._progress:
            self._progress(self._event(committed=tuple(self._committed)))
        self._committed = []

    def report(self, interrupted: bool = False) -> IngestReport:
        return IngestReport(self.added, self.unchanged, tuple(self.errors), tuple(self.edges),
                            tuple(doc_id for _, doc_id in sorted(self.ids)), interrupted)


def _batches(results: Iterable[PreparedDocument | InputError | KnownInput], settings: Settings
             ) -> Iterator[tuple[list[tuple[int, PreparedDocument]], list[InputError], list[tuple[int, KnownInput]]]]:
    """Prepared documents (with their input positions), refusals and known inputs, a batch at a
    time: at most ``commit_every_documents`` documents, or what arrived within
    ``commit_every_seconds``."""
    batch: list[tuple[int, PreparedDocument]] = []
    errors: list[InputError] = []
    known: list[tuple[int, KnownInput]] = []
    opened = time.monotonic()
    for position, result in enumerate(results):
        if isinstance(result, InputError):
            errors.append(result)
        elif isinstance(result, KnownInput):
            known.append((position, result))
        else:
            batch.append((position, result))
        if (len(batch) >= settings.commit_every_documents
                or time.monotonic() - opened >= settings.commit_every_seconds):
            yield batch, errors, known
            batch, errors, known, opened = [], [], [], time.monotonic()
    if batch or errors or known:
        yield batch, errors, known


def _ingest_batch(store: Store, batch: list[tuple[int, PreparedDocument]], errors: list[InputError],
                  cache: ShingleCache, settings: Settings, tally: _Tally) -> None:
    """Link a batch in memory and write it in one transaction with the batch's refusals."""
    fresh = _unchanged_left_out(store, batch, tally)
    refused: list[InputError] = []
    failed: set[int] = set()
    while True:
        try:
            view, linked = _link_in_memory(store, fresh, cache, settings)
        except _DocumentFailed as failure:
            refused.append(failure.error)
            failed.add(failure.prepared.document.doc_id)
            fresh = [(pos, p) for pos, p in fresh if p is not failure.prepared]
            continue
        break
    try:
        with store.transaction():
            view.write()
            store.record_inputs(_input_rows(batch, failed))
            store.record_rejects(errors + refused)
            store.clear_rejects([p.origin for _, p in fresh if p.origin])
    except StoreBusyError:
        raise
    except Exception:  # noqa: BLE001 - a write DuckDB refused: find the document, keep the others
        tally.fell_back = True
        _ingest_one_by_one(store, fresh, errors + refused, refused, cache, settings, tally)
        return
    tally.refused(refused)
    for (position, prepared), edges in zip(fresh, linked):
        tally.stored(position, prepared, edges)


def _input_rows(batch: list[tuple[int, PreparedDocument]], left_out: set[int]) -> list[tuple[int, int]]:
    """(input key, document) of each input of the batch that is now stored (added or found)."""
    return [(p.input_key, p.document.doc_id) for _, p in batch
            if p.input_key is not None and p.document.doc_id not in left_out]


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
        if article.furniture_site:
            signatures = prepared.fingerprint.line_signatures
            prepared = with_learned_furniture(
                prepared, lines.recurring(article.furniture_site, signatures, settings.site_furniture_min_pages), settings)
        lines.add(prepared.document, prepared.fingerprint)
        furnished.append(prepared)
    view = BatchView(store, depth=MAX_CHAIN_DEPTH, now=utc_now())
    view.prefetch([(p.document, p.fingerprint) for p in furnished], CandidateRule.from_settings(settings))
    linked = []
    for (_, original), prepared in zip(fresh, furnished):
        cache.put(prepared.document.doc_id, prepared.shingled, prepared.document.article.text)
        try:
            edges = link_and_store(view, prepared, cache, settings)
        except StoreBusyError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bug met on one document: refuse it, keep the rest
            raise _DocumentFailed(original, _storing_error(prepared, exc, stage="link")) from exc
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
        if not article.furniture_site:
            return prepared
        return with_learned_furniture(
            prepared, self._store.recurring_lines(article.furniture_site, self._settings.site_furniture_min_pages), self._settings)

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
