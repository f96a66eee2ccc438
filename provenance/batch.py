"""The store as one batch of new documents sees it: read once, linked in memory, written once.

Linking a document reads the store many times (candidates, pages, documents, the lineage graph
around its matches, the edges of copies to relink) and writes a few rows. Done per document that
is tens of point queries each, and DuckDB is slow at point queries. :class:`BatchView` reads what
a whole batch needs in a few set-at-a-time queries (:meth:`BatchView.prefetch`), answers the
linking stage's reads from memory, merges in what earlier documents of the batch added, and keeps
every write for one transaction (:meth:`BatchView.write`).

It offers the same methods as :class:`~provenance.store.Store` that linking uses, with the same
answers that store would give after the batch's earlier documents were written one by one, so a
batch decides exactly what a document-by-document ingest decides. When a read reaches past what
was prefetched (a relinked copy's far ancestors), the view asks the store and remembers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

import numpy as np

from .fingerprint import PHRASE_BAND
from .models import Edge, Fingerprint, StoredDocument
from .pages import page_key
from .store import Store
from .store.bulk import CandidateRule, is_candidate
from .store.convert import key_arrays, stored_form

__all__ = ["BatchView", "SiteLines"]


class SiteLines:
    """How many distinct pages of a site each short line is on: the store's counts for the lines
    of a batch, plus the batch's own pages as they are added in order."""

    def __init__(self, counts: dict[tuple[str, int], int], present: set[tuple[str, int, str]]) -> None:
        self._counts = dict(counts)
        self._present = set(present)

    @classmethod
    def for_documents(cls, store: Store, docs: Sequence[tuple[StoredDocument, Fingerprint]]) -> SiteLines:
        lines, pages = set(), set()
        for doc, fp in docs:
            site = doc.article.furniture_site
            if site and fp.line_signatures:
                page = doc.article.canonical_url or doc.article.url
                for sig in fp.line_signatures:
                    lines.add((site, sig))
                    pages.add((site, sig, page))
        return cls(*store.site_line_counts(lines, pages))

    def recurring(self, site: str, signatures: Iterable[int], min_pages: int) -> dict[int, int]:
        """Of ``signatures``, those on at least ``min_pages`` pages of ``site``, with their counts."""
        out = {}
        for sig in signatures:
            n = self._counts.get((site, sig), 0)
            if n >= min_pages:
                out[sig] = n
        return out

    def add(self, doc: StoredDocument, fp: Fingerprint) -> None:
        site = doc.article.furniture_site
        if not (site and fp.line_signatures):
            return
        page = doc.article.canonical_url or doc.article.url
        for sig in set(fp.line_signatures):
            if (site, sig, page) not in self._present:
                self._present.add((site, sig, page))
                self._counts[(site, sig)] = self._counts.get((site, sig), 0) + 1


class BatchView:
    """Duck-types the reads and writes of :class:`~provenance.store.Store` that linking uses."""

    def __init__(self, store: Store, *, depth: int, now: datetime) -> None:
        self._store = store
        self._depth = depth
        self._now = now
        self._docs: dict[int, StoredDocument] = {}
        self._absent: set[int] = set()
        self._edges: dict[int, Edge] = {}
        self._edges_of: dict[int, set[int]] = {}
        self._complete: set[int] = set()  # documents whose every edge is in _edges
        self._candidates: dict[tuple, list[tuple[int, int]]] = {}  # stored candidates, by band keys
        self._key_arrays: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}  # the same keys, distinct, as arrays
        self._holders: dict[tuple, np.ndarray] = {}  # committed documents holding each of those keys
        self._pages: dict[str, set[int]] = {}  # page key -> documents (stored ones prefetched)
        self._paged: set[str] = set()  # page keys whose stored documents are known
        self._batch_keys: dict[int, set[int]] = {}  # band key -> batch documents holding it
        self._batch_docs: set[int] = set()
        # what the batch writes
        self.documents: list[tuple[StoredDocument, Fingerprint]] = []
        self.upserted: dict[int, Edge] = {}
        self.removed: set[int] = set()

    # --- prefetch ---------------------------------------------------------------------------

    def prefetch(self, batch: Sequence[tuple[StoredDocument, Fingerprint]], rule: CandidateRule) -> None:
        """Read what linking ``batch`` will ask for: candidates of each document, stored documents
        on the same pages, those documents, and the lineage graph around them."""
        key_lists, band_lists = [], []
        for _, fp in batch:
            bands, keys = key_arrays(fp)
            keys, first = np.unique(keys, return_index=True)
            self._key_arrays[fp.band_keys] = (bands[first], keys)
            key_lists.append(keys)
            band_lists.append(bands[first])
        found, holders = self._store.batch_candidates(key_lists, band_lists, rule)
        for (_, fp), candidates, held in zip(batch, found, holders):
            self._candidates[fp.band_keys] = candidates
            self._holders[fp.band_keys] = held
        keys = {key for doc, _ in batch for key in (page_key(doc.article.url), page_key(doc.article.canonical_url))
                if key is not None}
        for key, ids in self._store.documents_by_page(keys).items():
            self._pages.setdefault(key, set()).update(ids)
        self._paged |= keys
        self._absent |= {doc.doc_id for doc, _ in batch}  # the batch checked: none is stored yet
        wanted = {i for c in found for i, _ in c} | {i for ids in self._pages.values() for i in ids}
        self._fetch_documents(wanted)
        up, edges = self._store.lineage_neighbourhood(wanted, depth=self._depth)
        self._learn_edges(up, edges)

    def _fetch_documents(self, ids: Iterable[int]) -> None:
        missing = {int(i) for i in ids} - self._docs.keys() - self._absent
        if not missing:
            return
        found = self._store.get_documents(missing)
        self._docs.update(found)
        self._absent |= missing - found.keys()

    def _learn_edges(self, complete_for: Collection[int], edges: Iterable[Edge]) -> None:
        """Stored edges: kept unless the batch removed or replaced them; ``complete_for`` are the
        documents all of whose edges are among them."""
        for edge in edges:
            edge_id = edge.edge_id
            if edge_id in self.removed or edge_id in self.upserted or edge_id in self._edges:
                continue
            self._add_edge(edge)
        self._complete |= set(complete_for)

    def _add_edge(self, edge: Edge) -> None:
        self._edges[edge.edge_id] = edge
        for doc_id in (edge.source_id, edge.copy_id):
            self._edges_of.setdefault(doc_id, set()).add(edge.edge_id)

    def _ensure_complete(self, doc_ids: Iterable[int]) -> None:
        missing = {int(i) for i in doc_ids} - self._complete - self._batch_docs
        if missing:
            self._learn_edges(missing, self._store.edges_touching(missing))

    # --- reads, as Store answers them -------------------------------------------------------

    def has_document(self, doc_id: int) -> bool:
        if doc_id in self._batch_docs or doc_id in self._docs:
            return True
        self._fetch_documents([doc_id])
        return doc_id in self._docs

    def recurring_lines(self, site: str, min_pages: int) -> dict[int, int]:
        raise NotImplementedError("site furniture is applied before a batch is linked")

    def find_candidates(self, band_keys: tuple[tuple[int, int], ...], rule: CandidateRule, *,
                        exclude: Collection[int] = ()) -> list[tuple[int, int]]:
        """Stored candidates (prefetched for these keys) and earlier batch documents, chosen and
        ranked as :meth:`Store.find_candidates` does: whether a key is common is judged on the
        documents committed before the batch, as the store judges it while the batch is open."""
        if band_keys not in self._candidates:
            return self._store.find_candidates(band_keys, rule, exclude=exclude)
        stored = self._candidates[band_keys]
        bands, keys = self._key_arrays[band_keys]
        held = self._holders[band_keys]
        rare_at = None if rule.rare_documents is None else rule.rare_documents
        counts: dict[int, list[int]] = {}  # other batch document -> [uncommon passages, uncommon phrases, all]
        if self._batch_keys:
            for band, key, n in zip(bands.tolist(), keys.tolist(), held.tolist()):
                holders = self._batch_keys.get(key)
                if not holders or rule.ignores(n):
                    continue
                slot = 1 if band == PHRASE_BAND else 0
                rare = rare_at is None or n <= rare_at
                for other in holders:
                    c = counts.setdefault(other, [0, 0, 0])
                    c[2] += 1
                    if rare:
                        c[slot] += 1
        ranked = list(stored)
        for other, (passages, phrases, shared) in counts.items():
            if is_candidate(passages, phrases, shared, rule):
                ranked.append((other, shared))
        ranked.sort(key=lambda row: (-row[1], row[0]))
        excluded = {int(i) for i in exclude}
        return [row for row in ranked if row[0] not in excluded][:rule.limit]

    def find_by_url(self, url: str) -> list[StoredDocument]:
        key = page_key(url)
        if key is None:
            return []
        if key not in self._paged:
            for k, ids in self._store.documents_by_page([key]).items():
                self._pages.setdefault(k, set()).update(ids)
            self._paged.add(key)
        ids = self._pages.get(key, set())
        self._fetch_documents(ids)
        found = [self._docs[i] for i in ids if i in self._docs]
        return sorted(found, key=lambda d: (d.first_seen, d.doc_id))

    def get_documents(self, ids: Iterable[int]) -> dict[int, StoredDocument]:
        wanted = sorted({int(i) for i in ids})
        self._fetch_documents(wanted)
        return {i: self._docs[i] for i in wanted if i in self._docs}

    def lineage_pairs(self, doc_ids: Sequence[int], *,
                      depth: int = 8) -> list[tuple[int, int, str, list[tuple[int, int]]]]:
        """As :meth:`Store.lineage_pairs`, over the stored edges and the batch's changes."""
        up: dict[int, int] = {}
        frontier = deque((int(i), 0) for i in sorted(set(doc_ids)))
        while frontier:
            doc_id, hops = frontier.popleft()
            if doc_id in up and up[doc_id] <= hops:
                continue
            up[doc_id] = hops
            if hops >= depth:
                continue
            self._ensure_complete([doc_id])
            for edge_id in self._edges_of.get(doc_id, ()):
                edge = self._edges[edge_id]
                if edge.copy_id == doc_id and edge.relation != "shares_source":
                    frontier.append((edge.source_id, hops + 1))
        self._ensure_complete(up)
        near = {edge_id for doc_id in up for edge_id in self._edges_of.get(doc_id, ())}
        rows = []
        for edge_id in near:
            e = self._edges[edge_id]
            rows.append((e.source_id, e.copy_id, e.relation, [(p.copy_start, p.copy_end) for p in e.passages]))
        return sorted(rows, key=lambda row: (row[0], row[1]))

    def upstream_edges(self, doc_id: int) -> list[Edge]:
        return self._edges_where(doc_id, upstream=True)

    def downstream_edges(self, doc_id: int) -> list[Edge]:
        return self._edges_where(doc_id, upstream=False)

    def _edges_where(self, doc_id: int, *, upstream: bool) -> list[Edge]:
        self._ensure_complete([doc_id])
        edges = [self._edges[i] for i in self._edges_of.get(doc_id, ())]
        edges = [e for e in edges if (e.copy_id if upstream else e.source_id) == doc_id]
        return sorted(edges, key=lambda e: (-e.confidence, e.edge_id))

    # --- writes, kept for one transaction ---------------------------------------------------

    def add_document(self, doc: StoredDocument, fingerprint: Fingerprint) -> bool:
        if self.has_document(doc.doc_id):
            return False
        stored = stored_form(doc, self._now)
        self._docs[doc.doc_id] = stored
        self._batch_docs.add(doc.doc_id)
        self._absent.discard(doc.doc_id)
        self._complete.add(doc.doc_id)
        for key in set(key_arrays(fingerprint)[1].tolist()):
            self._batch_keys.setdefault(key, set()).add(doc.doc_id)
        for key in {page_key(doc.article.url), page_key(doc.article.canonical_url)} - {None}:
            self._pages.setdefault(key, set()).add(doc.doc_id)
        self.documents.append((doc, fingerprint))
        return True

    def add_edges(self, edges: Sequence[Edge]) -> None:
        for edge in {e.edge_id: e for e in edges}.values():
            self._drop_edge(edge.edge_id)
            self._add_edge(edge)
            self.upserted[edge.edge_id] = edge
            self.removed.discard(edge.edge_id)

    def remove_edges(self, edge_ids: Sequence[int]) -> None:
        for edge_id in {int(i) for i in edge_ids}:
            self._drop_edge(edge_id)
            self.upserted.pop(edge_id, None)
            self.removed.add(edge_id)  # deleting an id the store never had costs nothing

    def _drop_edge(self, edge_id: int) -> None:
        edge = self._edges.pop(edge_id, None)
        if edge is not None:
            for doc_id in (edge.source_id, edge.copy_id):
                self._edges_of.get(doc_id, set()).discard(edge_id)

    def write(self) -> None:
        """Everything the batch decided, in one transaction."""
        self._store.write_batch(self.documents, list(self.upserted.values()), self.removed, now=self._now)
