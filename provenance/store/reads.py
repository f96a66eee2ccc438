"""Reads of one document or edge at a time: documents by id, content hash or URL, a site's recurring
lines, candidates sharing band keys, the edges around a document and the lineage graph, rejects."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence

import numpy as np

from ..errors import NotFoundError
from ..models import Article, Credit, DiffOp, Edge, Fingerprint, Furniture, Passage, StoredDocument
from ..pages import page_key
from .bulk import CandidateRule, rank_candidates
from .convert import from_db_time, key_arrays
from .schema import DOCUMENT_READ_COLUMNS

__all__ = ["ReadsMixin", "EDGE_READ_COLUMNS"]

#: The columns of ``edges`` an :class:`~provenance.models.Edge` is read from, in this order.
EDGE_READ_COLUMNS = ("edge_id", "source_id", "copy_id", "relation", "jaccard", "containment", "copy_containment",
                     "confidence", "reasons", "credited", "via_id", "direction_confidence")


class ReadsMixin:
    """Point reads of :class:`~provenance.store.Store` (they use its connection helpers)."""

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
             text, content_hash, fmt, authors, published_offset, site_name) in sorted(rows, key=lambda row: row[0]):
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
                published_offset=published_offset,
                site_name=site_name,
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

    def rejects(self) -> list[tuple[str, str, str, int]]:
        """(origin, stage, reason, attempts) of every refused input, most recent first."""
        return [tuple(row) for row in self._fetch(
            "SELECT origin, stage, reason, attempts FROM rejects ORDER BY last_seen DESC, origin")]

    def _edges_where(self, column: str, doc_id: int) -> list[Edge]:
        rows = self._fetch(
            f"SELECT {', '.join(EDGE_READ_COLUMNS)} FROM edges"
            f" WHERE {column} = ? ORDER BY confidence DESC, edge_id",
            [doc_id],
        )
        return self._edges_from_rows(rows)

    def _edges_from_rows(self, rows: list[tuple]) -> list[Edge]:
        """Edges, with their passages and diffs, from rows of :data:`EDGE_READ_COLUMNS` (in their order)."""
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
