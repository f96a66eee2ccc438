"""The pipeline: read → extract → fingerprint → match → lineage → store, as library functions.

The CLI calls exactly one of these per command. Every stage's output is persisted by the store
(documents, credits, furniture, band keys, edges, passages, diffs), so a rerun skips what is
already stored and SQL can inspect each step.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from .errors import InputError
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

__all__ = [
    "PreparedDocument",
    "ShingleCache",
    "IngestReport",
    "Hop",
    "TraceResult",
    "prepare_document",
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
#: Ingested documents are committed every this many documents or seconds, whichever comes first.
COMMIT_EVERY_DOCUMENTS = 200
COMMIT_EVERY_SECONDS = 5.0
#: Shingled texts of stored documents kept in memory while linking a batch (most recent used).
SHINGLE_CACHE_SIZE = 2048


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A document through extraction and fingerprinting, ready to match."""

    document: StoredDocument
    shingled: Shingled
    fingerprint: Fingerprint


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
    return PreparedDocument(doc, shingled, fp)


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
    return PreparedDocument(dataclasses.replace(prepared.document, article=article), shingled, fp)


def extract_input(target: str, *, settings: Settings = DEFAULT_SETTINGS, stdin: BinaryIO | None = None,
                  fetcher: Fetcher | None = None, store: Store | None = None) -> Article:
    """What the extractor sees of one input (for ``provenance extract``); with a store, the lines
    its site repeats on other stored pages are marked as furniture too."""
    prepared = prepare_document(_single_input(target, settings, stdin, fetcher), settings)
    if store is not None:
        prepared = with_site_furniture(store, prepared, settings)
    return prepared.document.article


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

    Documents are committed in groups (see :class:`_CommitWindow`); a bad input is reported and
    skipped and never loses the rest of the batch. Adding a document that is already stored
    changes nothing.
    """
    return _ingest_items(store, read_inputs(targets, settings=settings, stdin=stdin, fetcher=fetcher),
                         settings=settings, progress=progress)


class _CommitWindow:
    """Commits ingested documents in groups: a commit costs milliseconds, so one per document
    halves ingest speed. An interrupted ingest loses at most the open group, which a rerun adds
    again (ingest is idempotent); reads inside the group see its documents, so they link."""

    def __init__(self, store: Store, every: int, seconds: float) -> None:
        self._store, self._every, self._seconds = store, every, seconds
        self._tx = None
        self._count = 0
        self._opened = 0.0

    def __enter__(self) -> _CommitWindow:
        self._open()
        return self

    def _open(self) -> None:
        self._tx = self._store.transaction()
        self._tx.__enter__()
        self._count, self._opened = 0, time.monotonic()

    def stored_one(self) -> None:
        self._count += 1
        if self._count >= self._every or time.monotonic() - self._opened >= self._seconds:
            self._tx.__exit__(None, None, None)  # commit
            self._open()

    def __exit__(self, *exc_info) -> bool | None:
        return self._tx.__exit__(*exc_info)


def _ingest_items(store: Store, items: Iterable[RawDocument | InputError], *, settings: Settings,
                  progress: Callable[[str], None] | None) -> IngestReport:
    cache = ShingleCache(settings)
    added = unchanged = 0
    errors: list[InputError] = []
    edges: list[Edge] = []
    ids: list[int] = []
    with _CommitWindow(store, COMMIT_EVERY_DOCUMENTS, COMMIT_EVERY_SECONDS) as window:
        for item in items:
            if isinstance(item, InputError):
                errors.append(item)
                if progress:
                    progress(f"error: {item}")
                continue
            try:
                prepared = prepare_document(item, settings)
            except InputError as exc:
                errors.append(exc)
                if progress:
                    progress(f"error: {exc}")
                continue
            doc = prepared.document
            ids.append(doc.doc_id)
            if store.has_document(doc.doc_id):
                unchanged += 1
                continue
            prepared = with_site_furniture(store, prepared, settings)
            new_edges, copies = _find_links(store, prepared, cache, settings)
            store.add_document(prepared.document, prepared.fingerprint)
            store.add_edges(new_edges)
            new_edges += _relink_copies(store, doc, copies, cache, settings)
            window.stored_one()
            added += 1
            edges += new_edges
            if progress:
                progress(f"added {item.origin} ({len(new_edges)} links)")
    return IngestReport(added, unchanged, tuple(errors), tuple(edges), tuple(ids))


# --- trace -------------------------------------------------------------------------------------

def trace(store: Store, target: str, *, settings: Settings = DEFAULT_SETTINGS, stdin: BinaryIO | None = None,
          fetcher: Fetcher | None = None, save: bool = False, cache: ShingleCache | None = None) -> TraceResult:
    """The lineage of one document: its upstream chain, its known downstream copies, and the
    texts it shares a source with. The document need not be in the store; ``save`` adds it."""
    prepared = with_site_furniture(store, prepare_document(_single_input(target, settings, stdin, fetcher), settings),
                                   settings)
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

