"""Linking one new document: candidates, verification, lineage edges, and relinking the stored
copies it turns out to be the source of.

Every function here takes a *store*: the :class:`~provenance.store.Store` itself (one document at
a time, as ``trace --save`` does) or a :class:`~provenance.batch.BatchView` over it (a batch of
documents linked in memory and written at once). Both answer the same reads the same way, so the
decisions do not depend on which one is used.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from .fingerprint import Shingled, shingle_article
from .text import remember_tokens
from .lineage import LineageGraph, Match, derived_documents, is_link, link_document, same_page
from .match import align_texts
from .models import Edge, StoredDocument, edge_id_for
from .prepare import PreparedDocument
from .settings import DEFAULT_SETTINGS, Settings
from .store import Store
from .store.bulk import CandidateRule

if TYPE_CHECKING:
    from .batch import BatchView

__all__ = ["ShingleCache", "find_links", "relink_copies", "link_and_store", "MAX_CHAIN_DEPTH",
           "RELINKED_RELATIONS"]

#: How far lineage chains are followed up- and downstream (a guard against pathological graphs).
MAX_CHAIN_DEPTH = 8
#: Shingled texts of stored documents kept in memory while linking (most recently used).
SHINGLE_CACHE_SIZE = 4096


class ShingleCache:
    """Shingled texts of stored documents, so a batch (or a caller tracing many documents) does not
    re-tokenise the same sources. Most recently used kept."""

    def __init__(self, settings: Settings = DEFAULT_SETTINGS, size: int = SHINGLE_CACHE_SIZE) -> None:
        self._settings = settings
        self._size = size
        self._items: OrderedDict[int, Shingled] = OrderedDict()

    def put(self, doc_id: int, shingled: Shingled, text: str | None = None) -> None:
        """Remember a text shingled already (a new document's, from the prepare stage)."""
        if text is not None:
            remember_tokens(text, shingled.tokens)
        self._items[doc_id] = shingled
        self._items.move_to_end(doc_id)
        if len(self._items) > self._size:
            self._items.popitem(last=False)

    def get(self, doc: StoredDocument) -> Shingled:
        item = self._items.get(doc.doc_id)
        if item is None:
            item = shingle_article(doc.article, self._settings)
            self._items[doc.doc_id] = item
            if len(self._items) > self._size:
                self._items.popitem(last=False)
        else:
            self._items.move_to_end(doc.doc_id)
            remember_tokens(doc.article.text, item.tokens)  # a diff against it may follow
        return item


def find_links(store: Store | BatchView, prepared: PreparedDocument, cache: ShingleCache,
                settings: Settings) -> tuple[list[Edge], list[StoredDocument]]:
    """Candidates from the band index and same-page lookups, verified, then linked. Returns the
    edges and the stored documents found to be copies of this one (whose sources may change)."""
    doc = prepared.document
    candidates = store.find_candidates(prepared.fingerprint.band_keys, CandidateRule.from_settings(settings),
                                       exclude={doc.doc_id})
    ids = [doc_id for doc_id, _ in candidates]
    for url in {doc.article.url, doc.article.canonical_url} - {None}:
        ids += [d.doc_id for d in store.find_by_url(url) if d.doc_id != doc.doc_id]
    if not ids:
        return [], []
    others = store.get_documents(list(dict.fromkeys(ids)))
    matches: list[Match] = []
    for other in others.values():
        if other.content_hash == doc.content_hash and same_page(other, doc):
            continue  # the same text of the same page: nothing to align
        alignment = align_texts(other.doc_id, cache.get(other), doc.doc_id, prepared.shingled, settings)
        if is_link(other, doc, alignment, settings):
            matches.append(Match(other, alignment, cache.get(other)))
    if not matches:
        return [], []
    graph = LineageGraph.from_rows(store.lineage_pairs([m.other.doc_id for m in matches], depth=MAX_CHAIN_DEPTH))
    edges = link_document(doc, prepared.shingled, matches, graph, settings)
    return edges, derived_documents(doc, matches, graph, settings)


#: Edges through which a stored document took text from another: what is chosen again when an
#: earlier source of it arrives (with the other versions of its page, which stay versions).
RELINKED_RELATIONS = frozenset({"copy", "excerpt", "rewrite", "shares_source"})


def relink_copies(store: Store | BatchView, source: StoredDocument, copies: list[StoredDocument], cache: ShingleCache,
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
            if is_link(other, copy, alignment, settings):
                matches.append(Match(other, alignment, cache.get(other)))
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


def link_and_store(store: Store | BatchView, prepared: PreparedDocument, cache: ShingleCache, settings: Settings) -> list[Edge]:
    """Link one new document (its site's learned furniture applied) to the store, store it with its
    edges, and relink stored documents that turn out to be its copies. Returns every edge written."""
    new_edges, copies = find_links(store, prepared, cache, settings)
    store.add_document(prepared.document, prepared.fingerprint)
    store.add_edges(new_edges)
    return new_edges + relink_copies(store, prepared.document, copies, cache, settings)
