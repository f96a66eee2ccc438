"""Set-at-a-time reads and writes for batch ingest: what a batch of new documents needs from the
store in a few queries, and one write of everything it decided.

DuckDB answers a join over a whole batch in about the time of one point query, so a batch of a
thousand documents costs a handful of round trips instead of tens of thousands.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from ..fingerprint import PHRASE_BAND
from ..models import Edge, Fingerprint, Passage, StoredDocument
from ..pages import page_key
from .convert import to_db_time
from .schema import CREDIT_COLUMNS, DOCUMENT_COLUMNS, FURNITURE_COLUMNS, SITE_LINE_COLUMNS

__all__ = ["BulkMixin", "CandidateRule", "is_candidate", "phrase_threshold", "rank_candidates"]

_EDGE_READ = ("edge_id, source_id, copy_id, relation, jaccard, containment, copy_containment, confidence,"
              " reasons, credited, via_id, direction_confidence")


@dataclass(frozen=True, slots=True)
class CandidateRule:
    """Which stored documents sharing index keys with a new one are worth verifying, and how many.

    A key held by more than ``rare_documents`` stored documents is common (a stock phrase, a
    template's wording: passim drops such n-grams too) and is not evidence on its own. A document
    is a candidate when it shares ``min_hits`` uncommon keys other than phrase keys, or
    ``min_phrase_hits`` uncommon phrase keys (None: never on phrases alone), or ``min_shared`` keys
    of any kind (a copy of a story copied everywhere, whose keys are all common). A key held by
    more than ``max_documents`` is not counted at all. Candidates are ranked by keys shared, most
    first, ties by ascending id; at most ``limit``.
    """

    limit: int = 200
    min_hits: int = 1
    min_phrase_hits: int | None = None
    rare_documents: int | None = None  # None: every key counts as uncommon
    min_shared: int | None = None
    max_documents: int | None = None  # a key held by more is ignored altogether; None: no limit

    @classmethod
    def from_settings(cls, settings) -> CandidateRule:
        return cls(settings.max_candidates, settings.min_band_hits, settings.min_phrase_hits,
                   settings.rare_key_documents, settings.min_shared_keys, settings.max_key_documents)

    def ignores(self, holders: int) -> bool:
        """Whether a key held by ``holders`` committed documents is left out of every count."""
        return self.max_documents is not None and holders > self.max_documents


def rank_candidates(lookup, key_lists: Sequence[np.ndarray], band_lists: Sequence[np.ndarray],
                    rule: CandidateRule) -> tuple[list[list[tuple[int, int]]], list[np.ndarray]]:
    """The rule over posting lists: for each list of sorted distinct keys (with their band numbers),
    its candidates as (doc_id, keys shared); and for each list, how many committed documents hold
    each key (what "common" is judged on). ``lookup(sorted distinct keys)`` gives (positions into
    them, documents, committed?) of every pair holding one of them."""
    out: list[list[tuple[int, int]]] = [[] for _ in key_lists]
    counts = [np.zeros(len(k), dtype=np.int64) for k in key_lists]
    if not key_lists or rule.limit <= 0:
        return out, counts
    owners = np.concatenate([np.full(len(k), i, dtype=np.int64) for i, k in enumerate(key_lists)])
    keys = np.concatenate([np.asarray(k, dtype=np.uint64) for k in key_lists])
    bands = np.concatenate([np.asarray(b, dtype=np.int64) for b in band_lists])
    if not len(keys):
        return out, counts
    distinct, entry_key = np.unique(keys, return_inverse=True)
    positions, documents, committed = lookup(distinct)
    df = np.bincount(positions[committed], minlength=len(distinct)) if len(positions) else \
        np.zeros(len(distinct), dtype=np.int64)
    bounds = np.cumsum([0] + [len(k) for k in key_lists])
    counts = [df[entry_key[a:b]] for a, b in zip(bounds[:-1], bounds[1:])]
    if not len(positions):
        return out, counts
    order = np.argsort(positions, kind="stable")
    positions, documents = positions[order], documents[order]
    held, documents = np.unique(documents, return_inverse=True)  # documents as dense ranks: packable
    first = np.searchsorted(positions, np.arange(len(distinct)), side="left")
    holders = np.searchsorted(positions, np.arange(len(distinct)), side="right") - first
    per_entry = holders[entry_key]  # documents holding each queried key
    if rule.max_documents is not None:
        per_entry = np.where(df[entry_key] > rule.max_documents, 0, per_entry)
    entry = np.repeat(np.arange(len(keys)), per_entry)
    offsets = np.arange(int(per_entry.sum())) - np.repeat(np.cumsum(per_entry) - per_entry, per_entry)
    doc = documents[np.repeat(first[entry_key], per_entry) + offsets]
    phrase = bands[entry] == PHRASE_BAND
    rare = np.ones(len(entry), dtype=bool) if rule.rare_documents is None else \
        df[entry_key[entry]] <= rule.rare_documents
    # One int64 per (list, document, key): the pair in the high bits, two flags in the low ones, so
    # a plain sort groups the pairs (a lexsort of a million pairs took 3x as long).
    packed = (owners[entry] * len(held) + doc) << 2 | (rare & phrase).astype(np.int64) << 1 | (rare & ~phrase)
    packed.sort()
    pair = packed >> 2
    starts = np.ones(len(pair), dtype=bool)
    starts[1:] = pair[1:] != pair[:-1]
    at = np.flatnonzero(starts)
    hits = np.diff(np.append(at, len(pair)))
    rare_phrases = np.add.reduceat(packed >> 1 & 1, at)
    rare_passages = np.add.reduceat(packed & 1, at)
    owner, doc = np.divmod(pair[at], len(held))
    doc = held[doc]
    keep = (rare_passages >= max(1, rule.min_hits)) | (rare_phrases >= phrase_threshold(rule.min_phrase_hits))
    if rule.min_shared:
        keep |= hits >= rule.min_shared
    owner, doc, hits = owner[keep], doc[keep], hits[keep]
    order = np.lexsort((doc, -hits, owner))
    for o, d, h in zip(owner[order].tolist(), doc[order].tolist(), hits[order].tolist()):
        if len(out[o]) < rule.limit:
            out[o].append((d, h))
    return out, counts


def is_candidate(passages: int, phrases: int, shared: int, rule: CandidateRule) -> bool:
    """The rule for one pair, given the uncommon passage and phrase keys and all keys it shares."""
    return (passages >= max(1, rule.min_hits) or phrases >= phrase_threshold(rule.min_phrase_hits)
            or bool(rule.min_shared and shared >= rule.min_shared))


#: Larger than any document's number of keys: "never on phrase keys alone".
_NEVER = 2**31 - 1


def phrase_threshold(min_phrase_hits: int | None) -> int:
    return _NEVER if min_phrase_hits is None else max(1, min_phrase_hits)


class BulkMixin:
    """Batch methods of :class:`~provenance.store.Store` (they use its connection helpers)."""

    def stored_ids(self, ids: Iterable[int]) -> set[int]:
        """Which of ``ids`` are stored documents."""
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return set()
        rows = self._fetch("SELECT doc_id FROM documents WHERE doc_id = ANY(?::BIGINT[])", [wanted])
        return {int(doc_id) for (doc_id,) in rows}

    def batch_candidates(self, key_lists: Sequence[np.ndarray], band_lists: Sequence[np.ndarray],
                         rule: CandidateRule) -> tuple[list[list[tuple[int, int]]], list[np.ndarray]]:
        """For each list of sorted distinct index keys (uint64) with their band numbers, what
        :meth:`Store.find_candidates` gives for it, for the whole batch at once; and for each list,
        how many committed documents hold each key (see :func:`rank_candidates`)."""
        return rank_candidates(self._postings, key_lists, band_lists, rule)

    def documents_by_page(self, keys: Collection[str]) -> dict[str, set[int]]:
        """Stored documents whose URL or canonical URL has one of these page keys, by key."""
        wanted = sorted(set(keys))
        found: dict[str, set[int]] = {}
        if not wanted:
            return found
        rows = self._fetch(
            "SELECT url_key, doc_id FROM documents WHERE url_key = ANY(?::VARCHAR[])"
            " UNION ALL SELECT canonical_key, doc_id FROM documents WHERE canonical_key = ANY(?::VARCHAR[])",
            [wanted, wanted],
        )
        for key, doc_id in rows:
            found.setdefault(key, set()).add(int(doc_id))
        return found

    def site_line_counts(self, lines: Collection[tuple[str, int]],
                         pages: Collection[tuple[str, int, str]]) -> tuple[dict[tuple[str, int], int],
                                                                          set[tuple[str, int, str]]]:
        """For (site, line signature) pairs: on how many distinct stored pages of the site each is;
        and which of the (site, signature, page) triples are stored already."""
        counts: dict[tuple[str, int], int] = {}
        present: set[tuple[str, int, str]] = set()
        if lines:
            sites, hashes = zip(*sorted(set(lines)))
            for site, line_hash, n in self._fetch(
                "WITH q AS (SELECT unnest(?::VARCHAR[]) AS site, unnest(?::BIGINT[]) AS line_hash)"
                " SELECT s.site, s.line_hash, count(DISTINCT s.page) FROM site_lines s"
                " JOIN q ON q.site = s.site AND q.line_hash = s.line_hash GROUP BY 1, 2",
                [list(sites), list(hashes)],
            ):
                counts[(site, int(line_hash))] = int(n)
        if pages:
            sites, hashes, urls = zip(*sorted(set(pages)))
            for site, line_hash, page in self._fetch(
                "WITH q AS (SELECT unnest(?::VARCHAR[]) AS site, unnest(?::BIGINT[]) AS line_hash,"
                " unnest(?::VARCHAR[]) AS page)"
                " SELECT DISTINCT s.site, s.line_hash, s.page FROM site_lines s"
                " JOIN q ON q.site = s.site AND q.line_hash = s.line_hash AND q.page = s.page",
                [list(sites), list(hashes), list(urls)],
            ):
                present.add((site, int(line_hash), page))
        return counts, present

    def lineage_neighbourhood(self, doc_ids: Iterable[int], *, depth: int) -> tuple[set[int], list[Edge]]:
        """The documents ``doc_ids`` and their ancestors up to ``depth`` hops (through edges other
        than ``shares_source``), and every edge touching one of them, with its passages (no diff):
        all that :meth:`Store.lineage_pairs` and the edge lookups of linking read about them."""
        ids = sorted({int(i) for i in doc_ids})
        if not ids:
            return set(), []
        up = {int(d) for (d,) in self._fetch(
            "WITH RECURSIVE up(doc_id, hops) AS ("
            "  SELECT unnest(?::BIGINT[]), 0"
            "  UNION"
            "  SELECT e.source_id, up.hops + 1 FROM edges e JOIN up ON e.copy_id = up.doc_id"
            "  WHERE up.hops < ? AND e.relation <> 'shares_source'"
            ") SELECT DISTINCT doc_id FROM up",
            [ids, depth],
        )}
        return up, self.edges_touching(up)

    def edges_touching(self, doc_ids: Iterable[int]) -> list[Edge]:
        """Every edge with one of ``doc_ids`` as source or copy, with its passages (no diff)."""
        ids = sorted({int(i) for i in doc_ids})
        if not ids:
            return []
        rows = self._fetch(
            f"SELECT {_EDGE_READ} FROM edges WHERE source_id = ANY(?::BIGINT[])"
            f" UNION SELECT {_EDGE_READ} FROM edges WHERE copy_id = ANY(?::BIGINT[])",
            [ids, ids],
        )
        if not rows:
            return []
        passages: dict[int, list[Passage]] = {}
        for edge_id, s_start, s_end, c_start, c_end, words in self._fetch(
            "SELECT edge_id, source_start, source_end, copy_start, copy_end, words FROM passages"
            " WHERE edge_id = ANY(?::BIGINT[]) ORDER BY edge_id, passage_no",
            [[row[0] for row in rows]],
        ):
            passages.setdefault(edge_id, []).append(Passage(s_start, s_end, c_start, c_end, words))
        return [
            Edge(source_id=source_id, copy_id=copy_id, relation=relation, jaccard=jaccard,
                 containment=containment, copy_containment=copy_containment, confidence=confidence,
                 reasons=tuple(reasons or ()), credited=bool(credited),
                 passages=tuple(passages.get(edge_id, ())), diff=(), via_id=via_id,
                 direction_confidence=direction_confidence)
            for (edge_id, source_id, copy_id, relation, jaccard, containment, copy_containment,
                 confidence, reasons, credited, via_id, direction_confidence) in rows
        ]

    def input_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Every known input's key (uint64, ascending) and its document id (aligned)."""
        keys = self._fetch_numpy("SELECT input_key, doc_id FROM inputs ORDER BY input_key")
        return keys["input_key"].astype(np.uint64), keys["doc_id"].astype(np.int64)

    def record_inputs(self, rows: Collection[tuple[int, int]]) -> None:
        """Remember (input key, document id) pairs (duplicates of known pairs are skipped)."""
        pairs = sorted({(int(k) & 0xFFFFFFFFFFFFFFFF, int(d)) for k, d in rows})
        if pairs:
            keys, ids = zip(*pairs)
            self._run(
                "INSERT INTO inputs SELECT k, d FROM (SELECT unnest(?::UBIGINT[]) AS k, unnest(?::BIGINT[]) AS d) q"
                " WHERE NOT EXISTS (SELECT 1 FROM inputs i WHERE i.input_key = q.k AND i.doc_id = q.d)",
                [np.array(keys, dtype=np.uint64), list(ids)],
            )

    def write_batch(self, documents: Sequence[tuple[StoredDocument, Fingerprint]], edges: Sequence[Edge],
                    removed_edge_ids: Collection[int], *, now: datetime) -> None:
        """Write a batch's decisions in one transaction: new documents (with credits, furniture,
        band keys and site lines), edges replaced or added (with passages and diffs), and edges
        removed. Documents must not be stored yet (the batch checked)."""
        with self.transaction():
            doc_rows, credit_rows, furniture_rows, line_rows = [], [], [], []
            band_docs, band_numbers, band_keys = [], [], []
            for doc, fp in documents:
                art = doc.article
                doc_rows.append((
                    doc.doc_id, art.url, art.canonical_url, art.site, art.title, to_db_time(art.published_at),
                    to_db_time(doc.first_seen) or now, to_db_time(art.fetched_at), art.text, doc.content_hash,
                    art.format, list(art.authors), fp.num_tokens, fp.num_shingles, fp.signature, now,
                    art.published_offset, art.site_name, page_key(art.url), page_key(art.canonical_url),
                ))
                credit_rows += [(doc.doc_id, c.phrase, c.outlet, c.host, c.kind, c.start, c.end) for c in art.credits]
                furniture_rows += [(doc.doc_id, f.start, f.end, f.reason) for f in art.furniture]
                bands, keys = self._band_arrays(fp)
                self._keys_written(np.full(len(keys), doc.doc_id, dtype=np.int64), keys)
                band_docs.append(np.full(len(keys), doc.doc_id, dtype=np.int64))
                band_numbers.append(bands)
                band_keys.append(keys)
                if art.furniture_site and fp.line_signatures:
                    page = art.canonical_url or art.url
                    line_rows += [(art.furniture_site, page, sig) for sig in sorted(set(fp.line_signatures))]
            columns = tuple((name, sql_type) for name, sql_type in zip(
                DOCUMENT_COLUMNS + ("url_key", "canonical_key"), _DOCUMENT_TYPES + ("VARCHAR", "VARCHAR")))
            self._insert_rows("documents", columns, doc_rows)
            self._insert_rows("credits", CREDIT_COLUMNS, credit_rows)
            self._insert_rows("furniture", FURNITURE_COLUMNS, furniture_rows)
            if band_keys:
                self._insert_band_arrays(np.concatenate(band_docs), np.concatenate(band_numbers),
                                         np.concatenate(band_keys))
            self._insert_rows("site_lines", SITE_LINE_COLUMNS, line_rows)
            self.remove_edges(sorted(set(removed_edge_ids) | {e.edge_id for e in edges}))
            self._insert_edge_rows(edges, now)


#: SQL types of DOCUMENT_COLUMNS, in order (for the bulk insert's typed unnest).
_DOCUMENT_TYPES = ("BIGINT", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "TIMESTAMP", "TIMESTAMP", "TIMESTAMP",
                   "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR[]", "INTEGER", "INTEGER", "BLOB", "TIMESTAMP",
                   "SMALLINT", "VARCHAR")
assert len(_DOCUMENT_TYPES) == len(DOCUMENT_COLUMNS)
