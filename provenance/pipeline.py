"""The pipeline: read → extract → fingerprint → match → lineage → store, as library functions.

The CLI calls exactly one of these per command. Every stage's output is persisted by the store
(documents, credits, furniture, band keys, edges, passages, diffs), so a rerun skips what is
already stored and SQL can inspect each step.
"""

from __future__ import annotations

import dataclasses
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .crawl import CrawlOptions, CrawlProgress, CrawlReport, crawl
from .errors import InputError, NotFoundError, StoreError
from .fetch import Fetcher, is_url
from .ingest import IngestProgress, IngestReport, ingest_items, prepare_within_budget
from .inputs import count_inputs, read_inputs
from .linking import MAX_CHAIN_DEPTH, ShingleCache, find_links, relink_copies
from .models import Article, Edge, RawDocument, StoredDocument
from .pages import page_key
from .prepare import PreparedDocument, prepare_document, prepared_or_error, with_learned_furniture
from .settings import DEFAULT_SETTINGS, Settings
from .store import Store
from .store.crawlstate import crawl_lock

__all__ = [
    "PreparedDocument",
    "ShingleCache",
    "IngestReport",
    "IngestProgress",
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
    "crawl_store",
    "ReextractReport",
    "reextract",
    "trace",
    "open_store",
    "open_existing_store",
    "bundled_corpus_dir",
    "QueryResult",
    "query_store",
    "query_text",
    "ExportReport",
    "export_store",
    "GraphReport",
    "graph_store",
    "default_db_path",
    "DB_ENV_VAR",
    "DEFAULT_DB_NAME",
]

DB_ENV_VAR = "PROVENANCE_DB"
DEFAULT_DB_NAME = "provenance.duckdb"
CORPUS_ENV_VAR = "PROVENANCE_CORPUS"


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


def open_existing_store(path: str | os.PathLike | None = None, *, settings: Settings = DEFAULT_SETTINGS,
                        wait: float = 0.0, on_wait: Callable[[str], None] | None = None) -> Store | None:
    """The store at ``path`` (default: :func:`default_db_path`) opened read-only, or None if there
    is none yet: for commands that can use a store but do not need one."""
    db = Path(path) if path is not None else default_db_path()
    return Store(db, read_only=True, settings=settings, wait=wait, on_wait=on_wait) if db.exists() else None


def open_store(path: str | os.PathLike | None = None, *, read_only: bool = False, load_bundled: bool = False,
               settings: Settings = DEFAULT_SETTINGS, wait: float = 0.0,
               on_wait: Callable[[str], None] | None = None) -> tuple[Store, list[str]]:
    """Open (or create) a store, waiting up to ``wait`` seconds while another process holds it.
    With ``load_bundled``, a store created now is filled with the bundled example corpus, so the
    main command works on a fresh clone (a store that does not exist yet is then created, even
    when ``read_only`` is asked); ``provenance trace`` asks for it only when the user named no
    store (no ``--db``, no ``$PROVENANCE_DB``): the fictional example never enters a store the
    user named. A ``read_only`` open of a store that does not exist is a :class:`StoreError`
    that says how to make one. Returns notes to show."""
    db = Path(path) if path is not None else default_db_path()
    notes: list[str] = []
    created = not db.exists()
    if created and load_bundled:
        read_only = False
    if created and read_only:
        raise StoreError(f"no store at {db}: add documents to it first (provenance ingest FILES --db {db})")
    store = Store(db, read_only=read_only, settings=settings, wait=wait, on_wait=on_wait)
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


def check_store(path: str | os.PathLike | None = None, *, settings: Settings = DEFAULT_SETTINGS,
                wait: float = 0.0, on_wait: Callable[[str], None] | None = None) -> CheckReport:
    """Run the store's integrity checks (read-only). A store left by a killed ingest must pass:
    each batch of documents is committed whole or not at all."""
    db = Path(path) if path is not None else default_db_path()
    with Store(db, read_only=True, settings=settings, wait=wait, on_wait=on_wait) as store:
        return CheckReport(db, tuple(store.integrity_problems()), store.counts())


# --- queries and exports ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class QueryResult:
    """What :func:`query_store` returned: the columns and rows, or (with ``parquet``) the rows
    written there (``rows`` is then empty)."""

    columns: tuple[str, ...]
    rows: list[tuple]
    written: int | None = None  # rows written to the Parquet file, when one was asked for
    parquet: Path | None = None


def query_text(query: str) -> str:
    """The SQL a ``provenance sql`` argument stands for: the contents of a ``.sql`` file it names
    (one word ending in .sql), else the argument itself."""
    candidate = query.strip()
    if candidate.lower().endswith(".sql") and not any(c.isspace() for c in candidate):
        try:
            return Path(candidate).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(candidate, f"cannot read the SQL file: {getattr(exc, 'strerror', None) or exc}") from None
    return query


def query_store(db: str | os.PathLike | None, query: str, *, parquet: str | os.PathLike | None = None,
                min_confidence: float = 0.0, settings: Settings = DEFAULT_SETTINGS, wait: float = 0.0,
                on_wait: Callable[[str], None] | None = None) -> QueryResult:
    """Run one read-only query (or the ``.sql`` file it names, :func:`query_text`) on the store;
    with ``parquet``, stream the result into that Parquet file instead of returning the rows. The
    analysis views leave out edges below ``min_confidence``."""
    sql = query_text(query)
    store, _ = open_store(db, read_only=True, settings=settings, wait=wait, on_wait=on_wait)
    with store:
        store.set_min_confidence(min_confidence)
        if parquet is None:
            columns, rows = store.query(sql)
            return QueryResult(tuple(columns), rows)
        from .parquet import write_parquet

        with store.query_batches(sql) as batches:
            columns = tuple(batches.schema.names)
            written = write_parquet(batches, parquet)
    return QueryResult(columns, [], written, Path(parquet))


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What :func:`export_store` wrote: each table and view with its file and row count."""

    directory: Path
    files: tuple[tuple[str, Path, int], ...]  # (table or view, file, rows)


def export_store(db: str | os.PathLike | None, directory: str | os.PathLike, *, min_confidence: float = 0.0,
                 settings: Settings = DEFAULT_SETTINGS, wait: float = 0.0,
                 on_wait: Callable[[str], None] | None = None) -> ExportReport:
    """Write every table and view of the store as ``DIRECTORY/NAME.parquet`` (the directory is
    created if needed; files of the same names are replaced), read-only, a batch at a time; the
    views leave out edges below ``min_confidence`` (the tables keep them all)."""
    from .parquet import write_parquet

    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "exists and is not a directory")
    store, _ = open_store(db, read_only=True, settings=settings, wait=wait, on_wait=on_wait)
    files = []
    with store:
        store.set_min_confidence(min_confidence)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(str(out), f"cannot create the directory: {exc.strerror or exc}") from None
        for name in store.relation_names():
            path = out / f"{name}.parquet"
            with store.relation_batches(name) as batches:
                files.append((name, path, write_parquet(batches, path)))
    return ExportReport(out, tuple(files))


@dataclass(frozen=True, slots=True)
class GraphReport:
    """What :func:`graph_store` wrote."""

    path: Path
    format: str  # "graphml" or "gexf"
    kind: str  # "sites" or "documents"
    nodes: int
    edges: int


def graph_store(db: str | os.PathLike | None, out: str | os.PathLike, *, documents: bool = False,
                min_confidence: float = 0.0, settings: Settings = DEFAULT_SETTINGS, wait: float = 0.0,
                on_wait: Callable[[str], None] | None = None) -> GraphReport:
    """Write the site network (who copies whom, from ``site_pairs``), or with ``documents`` the
    document lineage graph (``copy_edges``), as GraphML or GEXF by ``out``'s suffix, from the
    edges at ``min_confidence`` or above."""
    from .graphs import document_graph, graph_format, site_graph, write_graph

    fmt = graph_format(out)  # refuse a wrong suffix before opening the store
    store, _ = open_store(db, read_only=True, settings=settings, wait=wait, on_wait=on_wait)
    with store:
        store.set_min_confidence(min_confidence)
        graph = document_graph(*store.document_network()) if documents else site_graph(*store.site_network())
    write_graph(graph, out)
    return GraphReport(Path(out), fmt, "documents" if documents else "sites", graph.number_of_nodes(),
                       graph.number_of_edges())


# --- stages ------------------------------------------------------------------------------------

def with_site_furniture(store: Store, prepared: PreparedDocument,
                        settings: Settings = DEFAULT_SETTINGS) -> PreparedDocument:
    """Mark the lines this document's site repeats on other stored pages as furniture, and
    fingerprint again without them (see :func:`~provenance.prepare.with_learned_furniture`)."""
    article = prepared.document.article
    if not article.furniture_site:
        return prepared
    return with_learned_furniture(prepared, store.recurring_lines(article.furniture_site, settings.site_furniture_min_pages),
                                  settings)


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


def ingest(store: Store, targets: Sequence[str], *, settings: Settings = DEFAULT_SETTINGS,
           stdin: BinaryIO | None = None, fetcher: Fetcher | None = None,
           progress: Callable[[IngestProgress], None] | None = None) -> IngestReport:
    """Add documents to the store and link each to the corpus (incremental), a batch at a time.

    A bad input is reported and skipped and never loses the rest of the batch (see
    :mod:`provenance.ingest`). Adding a document that is already stored changes nothing.
    ``progress`` is sent an :class:`~provenance.ingest.IngestProgress` after each committed batch
    and each refused input, with the number of inputs expected when the targets tell.
    """
    total = count_inputs(targets) if progress is not None else None
    skipped: Counter[str] = Counter()  # WARC records that are not documents, by reason
    skipped_files: Counter[str] = Counter()  # files a directory walk passed over, by reason
    report = ingest_items(store, read_inputs(targets, settings=settings, stdin=stdin, fetcher=fetcher,
                                             skipped=skipped, skipped_files=skipped_files),
                          settings=settings, progress=progress, total=total)
    files = tuple(sorted(((reason, n) for reason, n in skipped_files.items() if n), key=lambda x: (-x[1], x[0])))
    return dataclasses.replace(report, skipped=skipped.total(), skipped_files=files)


def crawl_store(db: str | os.PathLike | None, targets: Sequence[str], *, settings: Settings = DEFAULT_SETTINGS,
                options: CrawlOptions = CrawlOptions(), progress: Callable[[CrawlProgress], None] | None = None,
                wait: float = 0.0, on_wait: Callable[[str], None] | None = None) -> CrawlReport:
    """Crawl ``targets`` into the store at ``db`` (created if needed) under the store's crawl
    lock: a second crawl of the same store is refused at once (:class:`StoreBusyError`) while
    readers and ingests may still open it between batches."""
    path = Path(db) if db is not None else default_db_path()
    with crawl_lock(path):
        with Store(path, settings=settings, wait=wait, on_wait=on_wait) as store:
            return crawl(store, targets, settings=settings, options=options, progress=progress)


@dataclass(frozen=True, slots=True)
class ReextractReport:
    """What :func:`reextract` did: pages replayed, what the new store gained, what was left."""

    pages: int  # distinct page bodies kept in the old store, replayed
    ingest: IngestReport
    left_out: int  # documents of the old store with no page kept (ingested from files): not in the new one
    copied: dict[str, int]  # crawl-state rows copied, by table


def reextract(source: str | os.PathLike | None, target: str | os.PathLike, *, settings: Settings = DEFAULT_SETTINGS,
              progress: Callable[[IngestProgress], None] | None = None, wait: float = 0.0,
              on_wait: Callable[[str], None] | None = None) -> ReextractReport:
    """Build a new store at ``target`` from the pages a crawl kept in ``source``, through today's
    extractor, without fetching anything: every distinct body in the order it was fetched
    (versions included), linked afresh; then the crawl state (frontier, fetches, raw pages, runs)
    is copied over, so crawling goes on from the new store. ``target`` must not exist yet."""
    source, target = (Path(source) if source is not None else default_db_path()), Path(target)
    if target.exists():
        raise InputError(str(target), "exists already: reextract builds a new store (choose another --out)")
    with Store(source, read_only=True, settings=settings, wait=wait, on_wait=on_wait) as old:
        (documents,) = old.query("SELECT count(*) FROM documents")[1][0]

        replayed = 0

        def pages():
            nonlocal replayed
            after = None
            while rows := old.fetched_pages(500, after=after):
                for fetched_at, url, digest, final_url, content_type, body in rows:
                    replayed += 1
                    yield RawDocument(url=final_url or url, content=body, origin=url, content_type=content_type,
                                      fetched=fetched_at)
                after = rows[-1][:3]

        with Store(target, settings=settings) as new:
            report = ingest_items(new, pages(), settings=settings, progress=progress)
            with new.transaction():
                copied = old.copy_crawl_state(new)
    return ReextractReport(replayed, report, max(0, int(documents) - len(set(report.documents))), copied)


# --- trace -------------------------------------------------------------------------------------

def trace(store: Store, target: str, *, settings: Settings = DEFAULT_SETTINGS, stdin: BinaryIO | None = None,
          fetcher: Fetcher | None = None, save: bool = False, refresh: bool = False,
          cache: ShingleCache | None = None, min_confidence: float = 0.0) -> TraceResult:
    """The lineage of one document: its upstream chain, its known downstream copies, and the
    texts it shares a source with. ``target`` is a file, ``-`` (``stdin``), a URL or a stored
    document's id. A URL the store holds (as a page's URL or canonical URL) and an id are traced
    as stored, with no fetch; ``refresh`` fetches the URL again. The document need not be in the
    store; ``save`` adds it. Links below ``min_confidence`` are left out of the result (and the
    chains past them), not out of the store; a note counts them."""
    notes: list[str] = []
    stored = None if refresh else _stored_target(store, target)
    if stored is not None:
        subject = twin = stored
        notes.append(f"traced as stored: document {stored.doc_id}"
                     + (" (--refresh fetches it again)" if is_url(target) else ""))
    else:
        prepared = with_site_furniture(store, _prepare_single(target, settings, stdin, fetcher), settings)
        subject = prepared.document
        twin = _stored_twin(store, prepared)
        if twin is not None and twin.doc_id != subject.doc_id:
            notes.append(f"the same text is stored as document {twin.doc_id} ({twin.article.url})")
    if twin is not None:
        subject = twin
        direct = store.upstream_edges(twin.doc_id) + store.downstream_edges(twin.doc_id)
    else:
        cache = cache or ShingleCache(settings)
        direct, copies = find_links(store, prepared, cache, settings)
        if save:
            with store.transaction():
                store.add_document(subject, prepared.fingerprint)
                store.add_edges(direct)
                relink_copies(store, subject, copies, cache, settings)
            notes.append(f"saved as document {subject.doc_id}")
    docs: dict[int, StoredDocument] = {subject.doc_id: subject}
    upstream = _walk(store, subject.doc_id, [e for e in direct if e.copy_id == subject.doc_id], docs, up=True,
                     min_confidence=min_confidence)
    downstream = _walk(store, subject.doc_id, [e for e in direct if e.source_id == subject.doc_id], docs, up=False,
                       min_confidence=min_confidence)
    hidden = sum(e.confidence < min_confidence for e in direct)
    if hidden:
        notes.append(f"{hidden} direct link{'s' if hidden > 1 else ''} below confidence {min_confidence:g} hidden"
                     " (--min-confidence 0 shows them)")
    related = tuple(h for h in upstream + downstream if h.edge.relation == "shares_source")
    upstream = tuple(h for h in upstream if h.edge.relation != "shares_source")
    downstream = tuple(h for h in downstream if h.edge.relation != "shares_source")
    stored_as = twin.doc_id if twin is not None else (subject.doc_id if save else None)
    return TraceResult(subject, stored_as, upstream, downstream, related, tuple(notes))


def _stored_target(store: Store, target: str) -> StoredDocument | None:
    """The stored document a target names: a document id, or a URL the store holds (the latest
    version stored at that URL, else the latest page naming it as canonical)."""
    if target.isdigit():
        found = store.get_documents([int(target)])
        if found:
            return found[int(target)]
        if not Path(target).exists():
            raise NotFoundError(f"no document {target} in the store")
        return None
    if not is_url(target):
        return None
    pages = store.find_by_url(target)
    if not pages:
        return None
    at_url = [d for d in pages if page_key(d.article.url) == page_key(target)]
    return max(at_url or pages, key=lambda d: (d.first_seen, -d.doc_id))


def _stored_twin(store: Store, prepared: PreparedDocument) -> StoredDocument | None:
    """The stored document with this exact content, preferring the same URL."""
    if store.has_document(prepared.document.doc_id):
        return store.get_document(prepared.document.doc_id)
    ids = store.find_by_content_hash(prepared.document.content_hash)
    return store.get_document(ids[0]) if ids else None


def _walk(store: Store, start: int, first: list[Edge], docs: dict[int, StoredDocument], *, up: bool,
          min_confidence: float = 0.0) -> list[Hop]:
    """Follow edges from ``start`` up (towards sources) or down (towards copies), breadth first,
    through edges of at least ``min_confidence`` only (a chain past a weak edge is hidden with it)."""
    hops: list[Hop] = []
    seen_edges: set[int] = set()
    seen_docs = {start}
    frontier = [(e, 1) for e in first]
    while frontier:
        edge, depth = frontier.pop(0)
        if edge.edge_id in seen_edges or edge.confidence < min_confidence:
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

