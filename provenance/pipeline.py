"""The pipeline: read → extract → fingerprint → match → lineage → store, as library functions.

The CLI calls exactly one of these per command. Every stage's output is persisted by the store
(documents, credits, furniture, band keys, edges, passages, diffs), so a rerun skips what is
already stored and SQL can inspect each step.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from .errors import BudgetError, InputError, InternalError, StoreBusyError
from .extract import extract_article
from .fetch import Fetcher
from .fingerprint import Shingled, fingerprint_article, shingle_article
from .furniture import learned_furniture, line_signatures
from .inputs import read_inputs
from .lineage import LineageGraph, Match, derived_documents, link_document, same_page
from .match import align_texts, is_copy_evidence
from .models import Article, Edge, Fingerprint, RawDocument, StoredDocument, document_id, edge_id_for
from .settings import DEFAULT_SETTINGS, Settings
from .store import Store
from .workers import CRASH, MEMORY, TIME, BudgetedPool, Outcome

__all__ = [
    "PreparedDocument",
    "ShingleCache",
    "IngestReport",
    "CheckReport",
    "check_store",
    "Hop",
    "TraceResult",
    "prepare_document",
    "prepared_or_error",
    "prepare_within_budget",
    "extract_input",
    "with_site_furniture",
    "ingest",
    "trace",
    "open_store",
    "open_existing_store",
    "bundled_corpus_dir",
    "default_db_path",
    "DB_ENV_VAR",
    "DEFAULT_DB_NAME",
]

DB_ENV_VAR = "PROVENANCE_DB"
DEFAULT_DB_NAME = "provenance.duckdb"
CORPUS_ENV_VAR = "PROVENANCE_CORPUS"
#: How far lineage chains are followed up- and downstream (a guard against pathological graphs).
MAX_CHAIN_DEPTH = 8
#: Shingled texts of stored documents kept in memory while linking a batch (most recent used).
SHINGLE_CACHE_SIZE = 2048


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A document through extraction and fingerprinting, ready to match."""

    document: StoredDocument
    shingled: Shingled
    fingerprint: Fingerprint
    origin: str = ""  # the input it came from, for messages (a path, URL or file.jsonl:12)


@dataclass(frozen=True, slots=True)
class IngestReport:
    added: int
    unchanged: int  # already in the store: nothing to do
    errors: tuple[InputError, ...]
    edges: tuple[Edge, ...]  # links made by this ingest
    documents: tuple[int, ...]  # ids of the documents read (added or unchanged), in input order


@dataclass(frozen=True, slots=True)
class Hop:
    """One edge of a lineage chain, with both documents and its depth from the traced document."""

    edge: Edge
    source: StoredDocument
    copy: StoredDocument
    depth: int


@dataclass(frozen=True, slots=True)
class TraceResult:
    document: StoredDocument
    stored_as: int | None  # the id of the same text in the store, if it is there (or was saved)
    upstream: tuple[Hop, ...]
    downstream: tuple[Hop, ...]
    related: tuple[Hop, ...]  # shares_source edges: same origin, no direction
    notes: tuple[str, ...] = ()


# --- paths -------------------------------------------------------------------------------------

def default_db_path() -> Path:
    """``$PROVENANCE_DB`` or ``provenance.duckdb`` in the working directory."""
    return Path(os.environ.get(DB_ENV_VAR) or DEFAULT_DB_NAME)


def bundled_corpus_dir() -> Path | None:
    """The bundled example corpora (``corpora/`` beside the package in a checkout), if present.

    Each corpus is a folder with a ``corpus.jsonl``; other files there (examples to trace, notes)
    are not loaded."""
    env = os.environ.get(CORPUS_ENV_VAR)
    path = Path(env) if env else Path(__file__).resolve().parent.parent / "corpora"
    return path if path.is_dir() else None


def open_existing_store(path: str | os.PathLike | None = None, *,
                        settings: Settings = DEFAULT_SETTINGS) -> Store | None:
    """The store at ``path`` (default: :func:`default_db_path`) opened read-only, or None if there
    is none yet: for commands that can use a store but do not need one."""
    db = Path(path) if path is not None else default_db_path()
    return Store(db, read_only=True, settings=settings) if db.exists() else None


def open_store(path: str | os.PathLike | None = None, *, read_only: bool = False, load_bundled: bool = False,
               settings: Settings = DEFAULT_SETTINGS) -> tuple[Store, list[str]]:
    """Open (or create) a store. With ``load_bundled``, a store created now is filled with the
    bundled example corpus, so the main command works on a fresh clone. Returns notes to show."""
    db = Path(path) if path is not None else default_db_path()
    notes: list[str] = []
    created = not db.exists()
    store = Store(db, read_only=read_only, settings=settings)
    if created and load_bundled and not read_only:
        corpus = bundled_corpus_dir()
        files = sorted(str(p) for p in corpus.glob("*/corpus.jsonl")) if corpus is not None else []
        if files:
            report = ingest(store, files, settings=settings)
            notes.append(f"created {db} with the bundled example corpus ({report.added} documents, "
                         f"{len(report.edges)} links)")
    return store, notes


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What :func:`check_store` found: each integrity check with the rows that break it, the
    store's row counts and how many inputs are recorded as refused."""

    path: Path
    checks: tuple[tuple[str, int], ...]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return not any(count for _, count in self.checks)


def check_store(path: str | os.PathLike | None = None, *, settings: Settings = DEFAULT_SETTINGS) -> CheckReport:
    """Run the store's integrity checks (read-only). A store left by a killed ingest must pass:
    each group of documents is committed whole or not at all."""
    db = Path(path) if path is not None else default_db_path()
    with Store(db, read_only=True, settings=settings) as store:
        return CheckReport(db, tuple(store.integrity_problems()), store.counts())


# --- stages ------------------------------------------------------------------------------------

def prepare_document(raw: RawDocument, settings: Settings = DEFAULT_SETTINGS) -> PreparedDocument:
    """Extract and fingerprint one input (pure: no store)."""
    article = extract_article(raw, settings)
    shingled = shingle_article(article, settings)
    fp = fingerprint_article(shingled, settings)
    fp = dataclasses.replace(fp, line_signatures=tuple(sig for _, _, sig in line_signatures(article.text)))
    doc = StoredDocument(
        doc_id=document_id(article.url, fp.content_hash),
        article=article,
        content_hash=fp.content_hash,
        first_seen=raw.fetched or datetime.now(timezone.utc),
    )
    return PreparedDocument(doc, shingled, fp, raw.origin)


def with_site_furniture(store: Store, prepared: PreparedDocument,
                        settings: Settings = DEFAULT_SETTINGS) -> PreparedDocument:
    """Mark the lines this document's site repeats on other pages (learned from the store) as
    furniture, and fingerprint again without them. The document's identity (content hash, id)
    does not change: it is what was extracted, whatever the store has learned since."""
    article = prepared.document.article
    if not article.site:
        return prepared
    recurring = store.recurring_lines(article.site, settings.site_furniture_min_pages)
    extra = (learned_furniture(article.text, recurring, article.site, article.furniture, article.credits)
             if recurring else ())
    if not extra:
        return prepared
    article = dataclasses.replace(article, furniture=tuple(sorted(article.furniture + extra,
                                                                  key=lambda f: f.start)))
    shingled = shingle_article(article, settings)
    fp = dataclasses.replace(fingerprint_article(shingled, settings), content_hash=prepared.fingerprint.content_hash,
                             line_signatures=prepared.fingerprint.line_signatures)
    return PreparedDocument(dataclasses.replace(prepared.document, article=article), shingled, fp, prepared.origin)


def extract_input(target: str, *, settings: Settings = DEFAULT_SETTINGS, stdin: BinaryIO | None = None,
                  fetcher: Fetcher | None = None, store: Store | None = None) -> Article:
    """What the extractor sees of one input (for ``provenance extract``); with a store, the lines
    its site repeats on other stored pages are marked as furniture too."""
    prepared = _prepare_single(target, settings, stdin, fetcher)
    if store is not None:
        prepared = with_site_furniture(store, prepared, settings)
    return prepared.document.article


def _prepare_single(target: str, settings: Settings, stdin: BinaryIO | None, fetcher: Fetcher | None
                    ) -> PreparedDocument:
    """One input through extraction and fingerprinting, under the per-document budgets."""
    (result,) = prepare_within_budget([_single_input(target, settings, stdin, fetcher)], settings)
    if isinstance(result, InputError):
        raise result
    return result


def _single_input(target: str, settings: Settings, stdin: BinaryIO | None, fetcher: Fetcher | None) -> RawDocument:
    items = list(read_inputs([target], settings=settings, stdin=stdin, fetcher=fetcher))
    for item in items:
        if isinstance(item, InputError):
            raise item
    if len(items) != 1:
        raise InputError(target, f"holds {len(items)} documents; this command takes one (use `provenance ingest`)")
    return items[0]


class ShingleCache:
    """Shingled texts of stored documents, so a batch (or a caller tracing many documents) does not
    re-tokenise the same sources. Most recently used kept."""

    def __init__(self, settings: Settings = DEFAULT_SETTINGS, size: int = SHINGLE_CACHE_SIZE) -> None:
        self._settings = settings
        self._size = size
        self._items: OrderedDict[int, Shingled] = OrderedDict()

    def get(self, doc: StoredDocument) -> Shingled:
        item = self._items.get(doc.doc_id)
        if item is None:
            item = shingle_article(doc.article, self._settings)
            self._items[doc.doc_id] = item
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(doc.doc_id)
        return item


def _find_links(store: Store, prepared: PreparedDocument, cache: ShingleCache,
                settings: Settings) -> tuple[list[Edge], list[StoredDocument]]:
    """Candidates from the band index and same-page lookups, verified, then linked. Returns the
    edges and the stored documents found to be copies of this one (whose sources may change)."""
    doc = prepared.document
    candidates = store.find_candidates(prepared.fingerprint.band_keys, exclude={doc.doc_id},
                                       limit=settings.max_candidates, min_hits=settings.min_band_hits)
    ids = [doc_id for doc_id, _ in candidates]
    for url in {doc.article.url, doc.article.canonical_url} - {None}:
        ids += [d.doc_id for d in store.find_by_url(url) if d.doc_id != doc.doc_id]
    if not ids:
        return [], []
    others = store.get_documents(list(dict.fromkeys(ids)))
    matches: list[Match] = []
    for other in others.values():
        twin = other.content_hash == doc.content_hash
        if twin and same_page(other, doc):
            continue  # the same text of the same page: nothing to link
        alignment = align_texts(other.doc_id, cache.get(other), doc.doc_id, prepared.shingled, settings)
        # the same text at another URL is a copy whatever the evidence threshold says
        if bool(alignment.passages) if twin else (is_copy_evidence(alignment, settings) or same_page(other, doc)):
            matches.append(Match(other, alignment))
    if not matches:
        return [], []
    graph = LineageGraph.from_rows(store.lineage_pairs([m.other.doc_id for m in matches], depth=MAX_CHAIN_DEPTH))
    edges = link_document(doc, prepared.shingled, matches, graph, settings)
    return edges, derived_documents(doc, matches, graph, settings)


#: Edges through which a stored document took text from another: what is chosen again when an
#: earlier source of it arrives (with the other versions of its page, which stay versions).
RELINKED_RELATIONS = frozenset({"copy", "excerpt", "rewrite", "shares_source"})


def _relink_copies(store: Store, source: StoredDocument, copies: list[StoredDocument], cache: ShingleCache,
                   settings: Settings) -> list[Edge]:
    """Choose the sources of stored documents again now that ``source`` (just stored) turns out to
    be upstream of them, among the documents each was linked to and ``source``: as if ``source``
    had been stored when they arrived, so the order of ingest does not change the lineage.
    Returns the edges written."""
    written: list[Edge] = []
    for copy in copies:
        # what it took text from (a shares_source edge points from the older text to the newer),
        # and the other versions of its page, which decide what needs a source of its own
        upstream, downstream = store.upstream_edges(copy.doc_id), store.downstream_edges(copy.doc_id)
        linked = {e.source_id for e in upstream if e.relation in RELINKED_RELATIONS}
        linked |= {e.source_id if e.copy_id == copy.doc_id else e.copy_id for e in upstream + downstream
                   if e.relation == "version"}
        linked = (linked | {source.doc_id}) - {copy.doc_id}
        others = list(store.get_documents(linked).values())
        copy_shingled = cache.get(copy)
        matches = []
        for other in others:
            alignment = align_texts(other.doc_id, cache.get(other), copy.doc_id, copy_shingled, settings)
            if is_copy_evidence(alignment, settings) or (other.content_hash == copy.content_hash and alignment.passages):
                matches.append(Match(other, alignment))
        rows = store.lineage_pairs([o.doc_id for o in others], depth=MAX_CHAIN_DEPTH)
        graph = LineageGraph.from_rows([r for r in rows if copy.doc_id not in (r[0], r[1])])
        chosen = [e for e in link_document(copy, copy_shingled, matches, graph, settings)
                  if copy.doc_id in (e.source_id, e.copy_id)]
        other_ids = {o.doc_id for o in others}
        before = {(e.source_id, e.copy_id, e.relation) for e in upstream + downstream
                  if (e.copy_id if e.source_id == copy.doc_id else e.source_id) in other_ids}
        if before == {(e.source_id, e.copy_id, e.relation) for e in chosen}:
            continue
        store.remove_edges([edge_id_for(copy.doc_id, o.doc_id) for o in others])
        store.add_edges(chosen)
        written += chosen
    return written


def ingest(store: Store, targets: Sequence[str], *, settings: Settings = DEFAULT_SETTINGS,
           stdin: BinaryIO | None = None, fetcher: Fetcher | None = None,
           progress: Callable[[str], None] | None = None) -> IngestReport:
    """Add documents to the store and link each to the corpus as it arrives (incremental).

    Documents are committed in groups (see :class:`_CommitGroup`); a bad input is reported and
    skipped and never loses the rest of the batch. Adding a document that is already stored
    changes nothing.
    """
    return _ingest_items(store, read_inputs(targets, settings=settings, stdin=stdin, fetcher=fetcher),
                         settings=settings, progress=progress)


def prepared_or_error(item: RawDocument | InputError, settings: Settings = DEFAULT_SETTINGS
                      ) -> PreparedDocument | InputError:
    """The stage a worker runs: :func:`prepare_document`, passing a reader's error through."""
    return item if isinstance(item, InputError) else prepare_document(item, settings)


def prepare_within_budget(items: Iterable[RawDocument | InputError], settings: Settings = DEFAULT_SETTINGS
                          ) -> Iterator[PreparedDocument | InputError]:
    """Extract and fingerprint each input in worker processes, each under the per-document
    budgets (``settings.workers``, ``document_seconds``, ``document_memory_bytes``), in input
    order. Whatever goes wrong with one input comes out as an :class:`InputError` for that input:
    our own refusal, :class:`BudgetError` when it overran, :class:`InternalError` for anything
    else. Nothing raised by one input stops the others."""
    stage = functools.partial(prepared_or_error, settings=settings)
    with BudgetedPool(stage, workers=settings.workers, seconds=settings.document_seconds,
                      memory_bytes=settings.document_memory_bytes) as pool:
        for item, outcome in pool.map(items):
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

    def reject(self, error: InputError) -> None:
        self._rejects.append(error)

    def add(self, prepared: PreparedDocument) -> list[Edge] | InputError:
        """Link and store one document; its new edges, or why it was refused."""
        try:
            edges = _link_and_store(self._store, prepared, self._cache, self._settings)
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
                    edges = _link_and_store(self._store, prepared, self._cache, self._settings)
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


def _storing_error(prepared: PreparedDocument, exc: BaseException) -> InputError:
    origin = prepared.origin or prepared.document.article.url
    return InternalError(origin, f"could not be stored: {_exception_line(exc)}", stage="store")


def _link_and_store(store: Store, prepared: PreparedDocument, cache: ShingleCache, settings: Settings) -> list[Edge]:
    """Link one new document to the store, store it with its edges, and relink stored documents
    that turn out to be its copies. Returns every edge written."""
    prepared = with_site_furniture(store, prepared, settings)
    new_edges, copies = _find_links(store, prepared, cache, settings)
    store.add_document(prepared.document, prepared.fingerprint)
    store.add_edges(new_edges)
    return new_edges + _relink_copies(store, prepared.document, copies, cache, settings)


def _ingest_items(store: Store, items: Iterable[RawDocument | InputError], *, settings: Settings,
                  progress: Callable[[str], None] | None) -> IngestReport:
    cache = ShingleCache(settings)
    unchanged = 0
    errors: list[InputError] = []
    ids: list[int] = []
    with _CommitGroup(store, cache, settings, every=settings.commit_every_documents,
                      seconds=settings.commit_every_seconds) as group:
        for result in prepare_within_budget(items, settings):
            if isinstance(result, InputError):
                errors.append(result)
                group.reject(result)
                if progress:
                    progress(f"error: {result}")
                continue
            doc = result.document
            if store.has_document(doc.doc_id):
                ids.append(doc.doc_id)
                unchanged += 1
                continue
            stored = group.add(result)
            if isinstance(stored, InputError):
                errors.append(stored)
                if progress:
                    progress(f"error: {stored}")
                continue
            ids.append(doc.doc_id)
            if progress:
                progress(f"added {result.origin} ({len(stored)} links)")
    return IngestReport(group.added, unchanged, tuple(errors), tuple(group.edges), tuple(ids))


# --- trace -------------------------------------------------------------------------------------

def trace(store: Store, target: str, *, settings: Settings = DEFAULT_SETTINGS, stdin: BinaryIO | None = None,
          fetcher: Fetcher | None = None, save: bool = False, cache: ShingleCache | None = None) -> TraceResult:
    """The lineage of one document: its upstream chain, its known downstream copies, and the
    texts it shares a source with. The document need not be in the store; ``save`` adds it."""
    prepared = with_site_furniture(store, _prepare_single(target, settings, stdin, fetcher), settings)
    doc = prepared.document
    notes: list[str] = []
    twin = _stored_twin(store, prepared)
    if twin is not None:
        if twin.doc_id != doc.doc_id:
            notes.append(f"the same text is stored as document {twin.doc_id} ({twin.article.url})")
        direct = store.upstream_edges(twin.doc_id) + store.downstream_edges(twin.doc_id)
        subject = twin
    else:
        cache = cache or ShingleCache(settings)
        direct, copies = _find_links(store, prepared, cache, settings)
        subject = doc
        if save:
            with store.transaction():
                store.add_document(doc, prepared.fingerprint)
                store.add_edges(direct)
                _relink_copies(store, doc, copies, cache, settings)
            notes.append(f"saved as document {doc.doc_id}")
    docs: dict[int, StoredDocument] = {subject.doc_id: subject}
    upstream = _walk(store, subject.doc_id, [e for e in direct if e.copy_id == subject.doc_id], docs, up=True)
    downstream = _walk(store, subject.doc_id, [e for e in direct if e.source_id == subject.doc_id], docs, up=False)
    related = tuple(h for h in upstream + downstream if h.edge.relation == "shares_source")
    upstream = tuple(h for h in upstream if h.edge.relation != "shares_source")
    downstream = tuple(h for h in downstream if h.edge.relation != "shares_source")
    stored_as = twin.doc_id if twin is not None else (doc.doc_id if save else None)
    return TraceResult(subject, stored_as, upstream, downstream, related, tuple(notes))


def _stored_twin(store: Store, prepared: PreparedDocument) -> StoredDocument | None:
    """The stored document with this exact content, preferring the same URL."""
    if store.has_document(prepared.document.doc_id):
        return store.get_document(prepared.document.doc_id)
    ids = store.find_by_content_hash(prepared.document.content_hash)
    return store.get_document(ids[0]) if ids else None


def _walk(store: Store, start: int, first: list[Edge], docs: dict[int, StoredDocument], *, up: bool) -> list[Hop]:
    """Follow edges from ``start`` up (towards sources) or down (towards copies), breadth first."""
    hops: list[Hop] = []
    seen_edges: set[int] = set()
    seen_docs = {start}
    frontier = [(e, 1) for e in first]
    while frontier:
        edge, depth = frontier.pop(0)
        if edge.edge_id in seen_edges:
            continue
        seen_edges.add(edge.edge_id)
        missing = [i for i in (edge.source_id, edge.copy_id) if i not in docs]
        if missing:
            docs.update(store.get_documents(missing))
        if edge.source_id not in docs or edge.copy_id not in docs:
            continue
        hops.append(Hop(edge, docs[edge.source_id], docs[edge.copy_id], depth))
        nxt = edge.source_id if up else edge.copy_id
        if edge.relation == "shares_source" or nxt in seen_docs or depth >= MAX_CHAIN_DEPTH:
            continue
        seen_docs.add(nxt)
        more = store.upstream_edges(nxt) if up else store.downstream_edges(nxt)
        frontier += [(e, depth + 1) for e in more if e.relation != "shares_source"]
    return hops

