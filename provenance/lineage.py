"""Lineage stage: who copied whom, how (relation), with what confidence and why.

Input: a new document and its verified matches against the corpus (alignments from
:mod:`provenance.match`), plus the part of the stored lineage graph around those matches. Output:
the edges to record. No I/O here: the pipeline fetches the graph from the store.

Direction comes from evidence, each weighted in :class:`~provenance.settings.Settings`: a
canonical URL pointing at the other page, a credit line naming the other's outlet, publication
times, first-seen times, and containment asymmetry. The weights add up to log-odds; the
confidence is their logistic. A document that matches several upstream texts gets its *direct*
sources chosen passim-style — the text that explains most of what it copied (credited ones first,
the earliest among equals) — and the rest are either ancestors of those (left to the chain) or
texts that share a source with it (``shares_source``), never guessed as a direct copy.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from .credits import KNOWN_WIRES, outlet_matches, resolve_outlet
from .diff import diff_copy
from .fingerprint import Shingled
from .match import is_copy_evidence, member
from .models import Alignment, Credit, Edge, Passage, StoredDocument
from .pages import host_of, page_key, same_page_keys
from .settings import DEFAULT_SETTINGS, Settings
from .text import span_mask

__all__ = ["Direction", "LineageGraph", "Match", "derived_documents", "derives_from", "display_name",
           "infer_direction", "is_link", "link_document", "orient_passages", "same_page"]

#: A candidate whose coverage of the copy is at least this share of the best candidate's is "as good"
#: when choosing a direct source; among such, the credited, then the earliest, wins.
TIE_COVERAGE_SHARE = 0.95
#: A further upstream text is a direct source too only if it explains this many more copied words.
MIN_NEW_COVERAGE_WORDS = 30
#: Share of a copy's overlap with X that another source Y must also explain for X to be "explained".
EXPLAINED_SHARE = 0.9
#: Relations that make one document an ancestor of another in the graph.
LINEAGE_RELATIONS = frozenset({"copy", "excerpt", "rewrite", "version"})


@dataclass(frozen=True, slots=True)
class Direction:
    """Which of two documents is upstream: ``upstream_id`` (None when evidence is too weak)."""

    upstream_id: int | None
    confidence: float
    reasons: tuple[str, ...]
    score: float  # log-odds that the first document is upstream


@dataclass(frozen=True, slots=True)
class Match:
    """A verified match of the new document with a stored one: ``alignment`` has the stored
    document as ``a`` and the new one as ``b``."""

    other: StoredDocument
    alignment: Alignment
    #: The stored document's shingled text, when the caller has it: lets source choice tell which
    #: of the shared text is the other's own (see :func:`_siblings`).
    shingled: Shingled | None = None


@dataclass
class LineageGraph:
    """The stored edges around the matches, as (source_id, copy_id, relation), with the copy-side
    character spans of each edge's passages where known (to tell how much of a copy an edge explains)."""

    edges: list[tuple[int, int, str]] = field(default_factory=list)
    copy_spans: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: list[tuple[int, int, str, list[tuple[int, int]]]]) -> LineageGraph:
        graph = cls()
        for source_id, copy_id, relation, spans in rows:
            graph.add(source_id, copy_id, relation, spans)
        return graph

    def add(self, source_id: int, copy_id: int, relation: str,
            spans: list[tuple[int, int]] | None = None) -> None:
        self.edges.append((source_id, copy_id, relation))
        if spans is not None:
            self.copy_spans[(source_id, copy_id)] = list(spans)

    def explains(self, source_id: int, copy_id: int, target: list[tuple[int, int]]) -> bool:
        """Whether the edge source → copy covers at least EXPLAINED_SHARE of ``target`` (spans in the
        copy). An edge whose passages are not known is taken to cover it."""
        spans = self.copy_spans.get((source_id, copy_id))
        if spans is None:
            return True
        return _covered_share(spans, target) >= EXPLAINED_SHARE

    def upstream(self, doc_id: int) -> set[int]:
        return {s for s, c, r in self.edges if c == doc_id and r in LINEAGE_RELATIONS}

    def ancestors(self, doc_id: int, limit: int = 50) -> set[int]:
        seen: set[int] = set()
        frontier = [doc_id]
        while frontier and len(seen) < limit:
            node = frontier.pop()
            for s in self.upstream(node):
                if s not in seen and s != doc_id:
                    seen.add(s)
                    frontier.append(s)
        return seen

    def versions(self, doc_id: int) -> set[int]:
        return {c if s == doc_id else s for s, c, r in self.edges if r == "version" and doc_id in (s, c)}


def _covered_share(cover: list[tuple[int, int]], target: list[tuple[int, int]]) -> float:
    """Share of the characters of ``target`` spans that lie inside ``cover`` spans."""
    total = sum(e - s for s, e in target)
    if total <= 0:
        return 1.0
    inside = 0
    for ts, te in target:
        marks = bytearray(te - ts)
        for cs, ce in cover:
            lo, hi = max(cs, ts), min(ce, te)
            if hi > lo:
                marks[lo - ts: hi - ts] = b"\x01" * (hi - lo)
        inside += sum(marks)
    return inside / total


# --- names and pages -------------------------------------------------------------------------

def display_name(doc: StoredDocument) -> str:
    """How to name a document in reasons: its site, else its host, else its file name."""
    art = doc.article
    if art.site:
        return art.site
    host = host_of(art.canonical_url) or host_of(art.url)
    if host:
        return host
    return art.url.rsplit("/", 1)[-1] or art.url


def same_page(a: StoredDocument, b: StoredDocument) -> bool:
    """Whether two documents are the same article page (same URL or canonical URL): versions."""
    return same_page_keys((a.article.url, a.article.canonical_url), (b.article.url, b.article.canonical_url))


def is_link(other: StoredDocument, doc: StoredDocument, alignment: Alignment,
            settings: Settings = DEFAULT_SETTINGS) -> bool:
    """Whether two texts are linked at all, once aligned: the one rule ingest, relinking and
    ``provenance eval`` apply. The same text (same content hash) is linked wherever it was
    aligned, whatever the evidence threshold says; otherwise reuse evidence
    (:func:`~provenance.match.is_copy_evidence`) or the same page (a version) links them. The
    same text of the same page is one document seen twice, never a link."""
    if other.content_hash == doc.content_hash:
        return bool(alignment.passages) and not same_page(other, doc)
    return is_copy_evidence(alignment, settings) or same_page(other, doc)


def _points_to(doc: StoredDocument, other: StoredDocument) -> bool:
    """Whether ``doc`` names ``other``'s page as canonical (and is not itself that page)."""
    target = page_key(doc.article.canonical_url)
    if not target or target == page_key(doc.article.url):
        return False
    return target in {page_key(other.article.url), page_key(other.article.canonical_url)}


def _credits_naming(doc: StoredDocument, other: StoredDocument) -> list[str]:
    other_site, other_url = other.article.site, other.article.canonical_url or other.article.url
    return [c.phrase for c in doc.article.credits
            if c.kind != "canonical" and (outlet_matches(c, other_site, other_url)
                                          or outlet_matches(c, None, other.article.url))]


_WIRE_HOSTS = frozenset(h for h in (resolve_outlet(w)[1] for w in KNOWN_WIRES) if h)


def _is_wire_page(doc: StoredDocument) -> bool:
    """Whether the document is on a news agency's own site (by its site name or host)."""
    art = doc.article
    if art.site and (art.site in KNOWN_WIRES or resolve_outlet(art.site)[1] in _WIRE_HOSTS):
        return True
    host = host_of(art.canonical_url) or host_of(art.url)
    return bool(host) and any(host == w or host.endswith("." + w) for w in _WIRE_HOSTS)


def _outlet_key(c: Credit) -> str:
    return (c.host or c.outlet).casefold()


def _adapted_from_wire_of(adapted: StoredDocument, bylined: StoredDocument) -> str | None:
    """The news agency whose byline or dateline ``bylined`` carries (its story as issued) and
    whose "inputs" ``adapted`` says it was written with ("(With ANI inputs)"), if any."""
    wires = {_outlet_key(c): c.outlet for c in bylined.article.credits if c.kind == "wire"}
    if not wires:
        return None
    inputs = {_outlet_key(c) for c in adapted.article.credits if c.kind == "agencies"}
    inputs -= {_outlet_key(c) for c in adapted.article.credits if c.kind == "wire"}
    common = sorted(set(wires) & inputs)
    return wires[common[0]] if common else None


def _credited_outlets(doc: StoredDocument) -> set[str]:
    return {_outlet_key(c) for c in doc.article.credits if c.kind != "canonical"}


# --- time ------------------------------------------------------------------------------------

def _fmt_time(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC")


def _fmt_gap(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} days"


def _day_only(t: datetime) -> bool:
    """A time of exactly midnight UTC is, in practice, a date without a time of day (a URL's
    /2026/03/14/, a date-only meta tag): it orders days, not hours."""
    return t.hour == 0 and t.minute == 0 and t.second == 0 and t.microsecond == 0


def _time_gap(ta: datetime, tb: datetime) -> float | None:
    """Seconds from ``ta`` to ``tb``; None when one is a bare date and both fall on the same day."""
    if _day_only(ta) or _day_only(tb):
        if ta.date() == tb.date():
            return None
        return (tb.date() - ta.date()).total_seconds()
    return (tb - ta).total_seconds()


def _seen(doc: StoredDocument) -> datetime | None:
    """When the document is known to have existed, without its own claim of publication."""
    times = [t for t in (doc.article.fetched_at, doc.first_seen) if t is not None]
    return min(times) if times else None


def _seen_that_day(doc: StoredDocument) -> datetime | None:
    """When the document was seen, as evidence of when it appeared: for a document that gives only
    its day of publication, only a sighting on that day (one on a later day says nothing of the hour)."""
    seen, t = _seen(doc), doc.article.published_at
    if t is not None and _day_only(t) and seen is not None and seen.date() != t.date():
        return None
    return seen


# --- direction -------------------------------------------------------------------------------

#: Containment evidence: at most this many words of the outer text before the shared region count
#: as "starting at the top"; at least this many words before or after count as "more text".
CONTAINMENT_EDGE_WORDS = 15
CONTAINMENT_MORE_WORDS = 30
_WORD = re.compile(r"\w+")


def _word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


def infer_direction(a: StoredDocument, b: StoredDocument, alignment: Alignment,
                    settings: Settings = DEFAULT_SETTINGS) -> Direction:
    """Weigh the evidence for ``a`` upstream of ``b`` (positive score) or the reverse."""
    score = 0.0
    reasons: list[str] = []
    name_a, name_b = display_name(a), display_name(b)

    for doc, other, sign in ((b, a, 1.0), (a, b, -1.0)):
        if _points_to(doc, other):
            score += sign * settings.weight_canonical
            reasons.append(f"{display_name(doc)} declares {display_name(other)}'s page as canonical")
        phrases = _credits_naming(doc, other)
        if phrases:
            score += sign * settings.weight_credit
            reasons.append(f"{display_name(doc)} credits {display_name(other)}: \u201c{phrases[0]}\u201d")

    ta, tb = a.article.published_at, b.article.published_at
    min_gap = settings.min_time_gap_minutes * 60
    if ta and tb and _time_gap(ta, tb) is None:
        reasons.append("published the same day (one date has no time of day)")
        # the day cannot order them: fall back on what is known to the hour, a publication time
        # or else when each was first seen, as when a date is missing
        ta = ta if not _day_only(ta) else None
        tb = tb if not _day_only(tb) else None
    if ta and tb:
        gap = _time_gap(ta, tb)
        if abs(gap) >= min_gap:
            first, second = (name_a, name_b) if gap > 0 else (name_b, name_a)
            t_first = ta if gap > 0 else tb
            score += math.copysign(settings.weight_published, gap)
            reasons.append(f"{first} was published {_fmt_gap(gap)} earlier ({_fmt_time(t_first)}) than {second}")
        else:
            reasons.append(f"published within {settings.min_time_gap_minutes:g} min of each other")
    else:
        # one side has no publication date: compare what is known of each (claimed or seen)
        ea = ta or _seen_that_day(a)
        eb = tb or _seen_that_day(b)
        gap = _time_gap(ea, eb) if ea and eb else None
        if gap is not None and abs(gap) >= min_gap:
            first, second = (name_a, name_b) if gap > 0 else (name_b, name_a)
            how = "published" if (ta if gap > 0 else tb) else "first seen"
            score += math.copysign(settings.weight_first_seen, gap)
            reasons.append(f"{first} was {how} {_fmt_gap(gap)} before {second} was first seen or published")

    for doc, other, sign in ((a, b, 1.0), (b, a, -1.0)):
        adapted = _adapted_from_wire_of(other, doc)
        if adapted:
            score += sign * settings.weight_wire_origin
            reasons.append(f"{display_name(doc)} runs {adapted}'s story under its byline; {display_name(other)} "
                           f"says it was written with {adapted}'s inputs")

    wire_a, wire_b = _is_wire_page(a), _is_wire_page(b)
    if wire_a != wire_b:
        wire, other_doc = (a, b) if wire_a else (b, a)
        score += settings.weight_wire_origin * (1.0 if wire_a else -1.0)
        reasons.append(f"{display_name(wire)} is a news agency: its own story is where copies like "
                       f"{display_name(other_doc)}'s start")

    # containment: where a text lies wholly inside the other tells how the other was made
    for inner, outer, sign in ((a, b, 1.0), (b, a, -1.0)):
        inner_in_outer = alignment.a_in_b if inner is a else alignment.b_in_a
        outer_in_inner = alignment.b_in_a if inner is a else alignment.a_in_b
        if inner_in_outer < 0.9 or outer_in_inner > 0.7:
            continue
        spans = [(p.copy_start, p.copy_end) if outer is b else (p.source_start, p.source_end)
                 for p in alignment.passages]
        if not spans:
            continue
        before = _word_count(outer.article.text[: min(s for s, _ in spans)])
        after = _word_count(outer.article.text[max(e for _, e in spans):])
        if before <= CONTAINMENT_EDGE_WORDS and after >= CONTAINMENT_MORE_WORDS:
            # the inner text is the outer's beginning and stops early: a truncated copy
            score -= sign * settings.weight_containment
            reasons.append(f"{display_name(inner)}'s text is the first part of {display_name(outer)}'s, "
                           "cut short (a truncated copy)")
        elif before >= CONTAINMENT_MORE_WORDS:
            # the outer text wraps the whole inner one in its own text: it was built on it
            score += sign * settings.weight_containment
            reasons.append(f"{display_name(outer)} contains all of {display_name(inner)}'s text "
                           "inside its own")

    confidence = 1.0 / (1.0 + math.exp(-abs(score)))
    if confidence < settings.min_direction_confidence:
        upstream = None
    else:
        upstream = a.doc_id if score > 0 else b.doc_id
    return Direction(upstream, round(confidence, 3), tuple(reasons), score)


def orient_passages(alignment: Alignment, source_is_a: bool) -> tuple[Passage, ...]:
    """The alignment's passages with the chosen upstream as "source"."""
    if source_is_a:
        return alignment.passages
    return tuple(Passage(p.copy_start, p.copy_end, p.source_start, p.source_end, p.words)
                 for p in alignment.passages)


# --- relations and edges ---------------------------------------------------------------------

def _relation(containment: float, verbatim: float, settings: Settings) -> str:
    if verbatim < settings.verbatim_min_share:
        return "rewrite"
    return "copy" if containment >= settings.copy_min_containment else "excerpt"


def _verbatim_share(alignment: Alignment, copy_is_b: bool) -> float:
    """How verbatim the reuse is: the copy's words covered by shared 5-grams over those covered by
    shared 3-grams (1.0 for a verbatim copy; edits between shared phrases lower it)."""
    c5, c3 = (alignment.b_cover5, alignment.b_cover3) if copy_is_b else (alignment.a_cover5, alignment.a_cover3)
    return min(1.0, c5 / c3) if c3 else 1.0


def _edge(source: StoredDocument, copy: StoredDocument, alignment: Alignment,
          relation: str | None, direction: Direction, settings: Settings, *, via_id: int | None = None,
          extra_reasons: tuple[str, ...] = ()) -> Edge:
    source_is_a = alignment.a_id == source.doc_id
    passages = orient_passages(alignment, source_is_a)
    containment = alignment.a_in_b if source_is_a else alignment.b_in_a
    copy_containment = alignment.b_in_a if source_is_a else alignment.a_in_b
    verbatim = _verbatim_share(alignment, copy_is_b=source_is_a)
    if relation is None:
        relation = _relation(containment, verbatim, settings)
    credited = bool(_credits_naming(copy, source))
    weak = relation == "rewrite" and alignment.evidence_words < settings.strong_evidence_words
    pair = settings.rewrite_pair_confidence if weak else 1.0
    if weak:
        extra_reasons += (f"a revision with only {alignment.evidence_words} words aligned: text built from the "
                          f"same template shares as much, so the pair itself is less certain (x{pair:g})",)
    return Edge(
        source_id=source.doc_id,
        copy_id=copy.doc_id,
        relation=relation,
        jaccard=alignment.jaccard,
        containment=round(containment, 4),
        copy_containment=round(copy_containment, 4),
        confidence=round(direction.confidence * pair, 3),
        reasons=tuple(extra_reasons) + direction.reasons,
        credited=credited,
        passages=passages,
        diff=diff_copy(source.article, copy.article, passages) if relation != "shares_source" else (),
        via_id=via_id,
        direction_confidence=direction.confidence,
    )


def _coverage(doc_shingled: Shingled, alignment: Alignment) -> np.ndarray:
    """Mask of the new document's tokens (it is ``b``) covered by the match's passages."""
    return span_mask(doc_shingled.tokens, [(p.copy_start, p.copy_end) for p in alignment.passages])


def _version_time(doc: StoredDocument) -> float:
    """Versions of one page are ordered by when they were seen (a later crawl, a later version)."""
    t = _seen(doc) or doc.article.published_at
    return t.timestamp() if t else math.inf


def _time_key(doc: StoredDocument) -> float:
    """When the document is known to have existed, for "earliest first": its publication time;
    for a bare date, the hour it was first seen that day (midnight would put it before every text
    of its day)."""
    t, seen = doc.article.published_at, _seen(doc)
    if t is not None and _day_only(t) and seen is not None and seen.date() == t.date():
        t = seen
    t = t or seen
    return t.timestamp() if t else math.inf


def derives_from(other: StoredDocument, doc: StoredDocument, alignment: Alignment,
                 settings: Settings = DEFAULT_SETTINGS) -> bool:
    """Whether the stored ``other`` was made from ``doc``: a copy of it (by the direction's
    evidence) or a later version of its page. Such a document's sources are worth choosing again
    once ``doc`` is stored."""
    if same_page(other, doc):
        return _version_time(doc) < _version_time(other)
    return infer_direction(other, doc, alignment, settings).upstream_id == doc.doc_id


def derived_documents(doc: StoredDocument, matches: list[Match], graph: LineageGraph,
                      settings: Settings = DEFAULT_SETTINGS) -> list[StoredDocument]:
    """The matched stored documents made from ``doc`` (see :func:`derives_from`), each after its
    own ancestors among them and otherwise earliest first: the order to choose their sources again."""
    return _in_lineage_order([m.other for m in matches if derives_from(m.other, doc, m.alignment, settings)],
                             graph)


def link_document(doc: StoredDocument, doc_shingled: Shingled, matches: list[Match], graph: LineageGraph,
                  settings: Settings = DEFAULT_SETTINGS) -> list[Edge]:
    """Edges between a new document and the stored documents it matches (``doc_shingled`` is
    the new document's shingled text). The returned edges are also added to ``graph``."""
    edges: list[Edge] = []
    upstream: list[tuple[Match, Direction, np.ndarray]] = []
    downstream: list[tuple[Match, Direction]] = []
    for m in matches:
        other, al = m.other, m.alignment
        if same_page(other, doc):
            older, newer = sorted((other, doc), key=_version_time)
            when = [f"{display_name(d)} seen {_fmt_time(_seen(d))}" for d in (older, newer) if _seen(d)]
            reason = ("same article page (URL or canonical URL): a later version",) + tuple(when)
            direction = Direction(older.doc_id, 0.99, reason, 5.0)
            edges.append(_edge(older, newer, al, "version", direction, settings))
            continue
        direction = infer_direction(other, doc, al, settings)
        if direction.upstream_id == doc.doc_id:
            downstream.append((m, direction))
        else:
            upstream.append((m, direction, _coverage(doc_shingled, al)))

    version_ids = {e.source_id if e.copy_id == doc.doc_id else e.copy_id for e in edges}
    # text an earlier version of this page has is explained by that version's sources
    version_cover = np.zeros(len(doc_shingled.tokens), dtype=bool)
    for m in matches:
        if m.other.doc_id in version_ids and _version_time(m.other) < _version_time(doc):
            version_cover |= _coverage(doc_shingled, m.alignment)
    edges += _choose_sources(doc, doc_shingled, upstream, graph, version_ids, version_cover, settings)
    for e in edges:
        graph.add(e.source_id, e.copy_id, e.relation, [(p.copy_start, p.copy_end) for p in e.passages])
    # copies before the copies made of them (then the earliest first), each added to the graph at
    # once: a later copy of a copy is then recognised as explained by the chain instead of linked
    # to this document directly
    by_id = {m.other.doc_id: (m, direction) for m, direction in downstream}
    for other in _in_lineage_order([m.other for m, _ in downstream], graph):
        m, direction = by_id[other.doc_id]
        other = m.other
        overlap = [(p.source_start, p.source_end) for p in m.alignment.passages]  # in the stored copy
        explained, via = _explained_downstream(other, doc, graph, version_ids, overlap)
        if explained and via is None:
            continue
        if explained:
            older, newer = sorted((doc, other), key=_time_key)
            shared = Direction(None, direction.confidence, direction.reasons, direction.score)
            edge = _edge(older, newer, m.alignment, "shares_source", shared, settings, via_id=via,
                         extra_reasons=(f"both carry text of {_name_of(via, matches)}",))
        else:
            edge = _edge(doc, other, m.alignment, None, direction, settings)
        edges.append(edge)
        graph.add(edge.source_id, edge.copy_id, edge.relation, [(p.copy_start, p.copy_end) for p in edge.passages])
    return edges


def _in_lineage_order(docs: list[StoredDocument], graph: LineageGraph) -> list[StoredDocument]:
    """``docs`` with each after its own stored ancestors among them, and otherwise earliest first
    (a publication date without a time of day says little about the order within its day, so the
    known chain goes first)."""
    pending = sorted(docs, key=lambda d: (_time_key(d), _version_time(d)))
    ids = {d.doc_id for d in pending}
    ancestors = {d.doc_id: graph.ancestors(d.doc_id) & ids for d in pending}
    ordered: list[StoredDocument] = []
    placed: set[int] = set()
    while pending:
        # the earliest whose ancestors are all placed; a cycle (never expected) falls back on time
        index = next((k for k, d in enumerate(pending) if ancestors[d.doc_id] <= placed), 0)
        ordered.append(pending.pop(index))
        placed.add(ordered[-1].doc_id)
    return ordered


def _choose_sources(doc: StoredDocument, doc_shingled: Shingled,
                    candidates: list[tuple[Match, Direction, np.ndarray]], graph: LineageGraph,
                    version_ids: set[int], version_cover: np.ndarray, settings: Settings) -> list[Edge]:
    """Pick the direct sources of ``doc`` among upstream (or undirected) matches. Text that an
    earlier version of the same page already explains needs no other source."""
    if not candidates:
        return []
    by_id = {m.other.doc_id: (m, d, cov) for m, d, cov in candidates}
    checks = _sibling_checks(doc, doc_shingled, candidates, graph, settings)
    siblings = {i: c for i, c in checks.items() if c.sibling}

    chosen: list[int] = []
    covered = version_cover.copy()
    remaining = {i: c for i, c in by_id.items() if i not in siblings}
    while remaining:
        gains = {i: int(np.count_nonzero(cov & ~covered)) for i, (_, _, cov) in remaining.items()}
        best_gain = max(gains.values())
        if (chosen or version_ids) and best_gain < MIN_NEW_COVERAGE_WORDS:
            break
        near = [i for i, g in gains.items() if g >= TIE_COVERAGE_SHARE * best_gain]
        # an earlier text whose passages this one has through a later one carrying its own
        # changes (shared innovations) came through that later one: it is not the pick
        superseded = {c.via for i, c in checks.items() if i in near and not c.sibling}
        near = [i for i in near if i not in superseded] or near
        # among near-equal explanations: a credited source, then a version of this page's
        # lineage, then the earliest (the origin, as passim picks), then most shared text
        pick = min(near, key=lambda i: (not _has_direct_evidence(doc, remaining[i][0].other),
                                        _time_key(remaining[i][0].other),
                                        -remaining[i][0].alignment.shared_shingles, i))
        chosen.append(pick)
        covered |= remaining.pop(pick)[2]

    edges: list[Edge] = []
    # the chosen sources, their ancestors and other versions (another version of a source is not
    # a separate source), and theirs in turn: the text they explain needs no edge of its own
    chosen_lineage = set(chosen) | version_ids
    frontier = set(chosen_lineage)
    while frontier:
        reached = set().union(*(graph.ancestors(i) | graph.versions(i) for i in frontier)) - chosen_lineage
        chosen_lineage |= reached
        frontier = reached
    for i in chosen:
        m, direction, _ = by_id[i]
        passed = [display_name(by_id[b][0].other) for b, sib in siblings.items() if sib.via == i]
        extra = (f"the direct source rather than {', '.join(sorted(passed))}, which carr"
                 f"{'ies' if len(passed) == 1 else 'y'} the same passages of it later with none of "
                 "their own changes in this text",) if passed else ()
        edges.append(_oriented_edge(doc, m, direction, settings, extra=extra + _innovation_reason(checks.get(i))))
    for i, (m, direction, cov) in by_id.items():
        if i in chosen:
            continue
        if i in siblings:
            sib = siblings[i]
            sd = Direction(None, direction.confidence, direction.reasons, direction.score)
            older, newer = sorted((m.other, doc), key=_time_key)
            edges.append(_edge(older, newer, m.alignment, "shares_source", sd, settings, via_id=sib.via,
                               extra_reasons=(sib.why,)))
            continue
        if i in chosen_lineage:
            continue  # an ancestor of a direct source: the chain shows it
        via = _common_source(i, chosen, graph)
        if via is not None or not _has_direct_evidence(doc, m.other):
            extra = (f"both carry text of {_name_of(via, [c[0] for c in candidates])}" if via is not None else
                     "the shared text is explained by this document's other sources",)
            sd = Direction(None, direction.confidence, direction.reasons, direction.score)
            older, newer = sorted((m.other, doc), key=_time_key)
            edges.append(_edge(older, newer, m.alignment, "shares_source", sd, settings,
                               via_id=via, extra_reasons=extra))
    return edges


@dataclass(frozen=True, slots=True)
class SiblingCheck:
    """What tells a candidate source B apart from the earlier text ``via`` that holds the same
    passages: the words of the new text it shares with B alone (shared innovations), split into
    ``changes`` (inside the stretches the earlier texts explain: B's edits to their wording, its
    cuts) and ``added`` (outside them: text of B's own, or of a text the store does not hold);
    whether the new text has B's headline; whether evidence (not the storage order) puts B
    before it. ``sibling``: nothing does, so B is no direct source."""

    via: int
    changes: int
    added: int
    headline: bool
    directed: bool
    sibling: bool
    #: Which evidence decided, in words (for the edge's reasons).
    why: str = ""


def _sibling_checks(doc: StoredDocument, doc_shingled: Shingled,
                    candidates: list[tuple[Match, Direction, np.ndarray]], graph: LineageGraph,
                    settings: Settings) -> dict[int, SiblingCheck]:
    """For each candidate source B whose passages with the new text are partly held by earlier
    candidates (B's ancestors, or texts stored or published before it), whether the new text
    carries anything of B's own (the textual critic's shared innovations): B's headline, a credit
    or canonical link naming B, at least min_shared_innovation_words words whose n-grams it shares
    with B and none of the earlier texts inside the stretches those explain (B's changes to their
    wording), or as many outside them (B's added text) when evidence says B came first. Shared
    text outside the origin's with no evidence of order is no innovation of B's: either text may
    have it from the other, or both from a text the store lacks. When nothing tells them apart, B
    shares a source with the new text (the earliest explains the same passages) and is no direct
    source. Oldest first, so an explanation is never itself a sibling set aside."""
    order = sorted(candidates, key=lambda c: (_time_key(c[0].other), c[0].other.doc_id))
    content = doc_shingled.content
    checks: dict[int, SiblingCheck] = {}
    kept: list[tuple[Match, np.ndarray]] = []
    for m, direction, cov in order:
        b = m.other
        ancestors = graph.ancestors(b.doc_id)
        earlier = [(a, acov) for a, acov in kept
                   if (a.other.doc_id in ancestors or _time_key(a.other) < _time_key(b)) and (acov & cov).any()]
        if earlier and not _has_direct_evidence(doc, b):
            in_b = cov[content]
            if m.shingled is not None and all(a.shingled is not None for a, _ in earlier):
                changed, own = _innovations(doc_shingled, m.shingled, [a.shingled for a, _ in earlier])
                changed &= in_b
                own &= in_b & ~changed
            else:  # texts not at hand: B's passages outside every earlier one's are its added text
                changed = np.zeros(len(content), dtype=bool)
                own = in_b & ~np.logical_or.reduce([acov for _, acov in earlier])[content]
            changes = int(np.count_nonzero(changed))
            added = int(np.count_nonzero(own))
            directed = direction.upstream_id == b.doc_id
            headline = _same_headline(doc, b) and not any(_same_headline(doc, a.other) for a, _ in earlier)
            origin = max(earlier, key=lambda e: int(np.count_nonzero(e[1] & cov)))[0].other
            least = settings.min_shared_innovation_words
            sibling = not headline and changes < least and (added < least or not directed)
            why = _sibling_why(doc, b, origin, changes, added, headline, directed, least)
            checks[b.doc_id] = SiblingCheck(origin.doc_id, changes, added, headline, directed, sibling, why)
            if sibling:
                continue
        kept.append((m, cov))
    return checks


def _innovations(x: Shingled, b: Shingled, earlier: list[Shingled]) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the content tokens of ``x`` covered by word n-grams that ``x`` shares with ``b``
    and with none of ``earlier``: (those inside the wording ``x`` shares with the earlier texts,
    i.e. b's changes to it; all of them). Inside means the whole n-gram lies in that wording (the
    words of their common n-grams, gaps shorter than an n-gram closed: a replaced, added or dropped
    word breaks the common n-grams around it and leaves at most such a gap); an n-gram reaching
    into text beside it is b's added text, or text of another source. Long n-grams only: texts on
    one topic share informative 3-grams that none of them took from another (Clough & Stevenson's
    independent answers share up to ~35 words of them)."""
    size = len(x.content)
    if len(x.shingles) == 0:
        return np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    in_earlier = np.logical_or.reduce([member(x.shingles, e.shingle_set) for e in earlier])
    hit = member(x.shingles, b.shingle_set) & ~in_earlier
    wording = _spread(np.flatnonzero(in_earlier), x.n, size)
    words = np.flatnonzero(wording)
    gaps = np.diff(words)
    for k in np.flatnonzero((gaps > 1) & (gaps <= x.n)):
        wording[words[k]:words[k + 1]] = True
    starts = np.flatnonzero(hit)
    inside = np.concatenate(([0], np.cumsum(wording)))
    ends = np.minimum(starts + x.n, size)
    within = inside[ends] - inside[starts] == ends - starts
    return _spread(starts[within], x.n, size), _spread(starts, x.n, size)


def _spread(starts: np.ndarray, n: int, size: int) -> np.ndarray:
    """Mask of the tokens covered by the n-grams starting at ``starts``."""
    covered = np.zeros(size, dtype=bool)
    for k in range(n):
        covered[np.minimum(starts + k, size - 1)] = True
    return covered


_HEADLINE_WORDS = 4


def _same_headline(x: StoredDocument, y: StoredDocument) -> bool:
    """Whether two texts run the same headline (of at least a few words, case and punctuation aside)."""
    tx, ty = x.article.title, y.article.title
    if not tx or not ty:
        return False
    wx, wy = _WORD.findall(tx.casefold()), _WORD.findall(ty.casefold())
    return len(wx) >= _HEADLINE_WORDS and wx == wy


def _sibling_why(doc: StoredDocument, b: StoredDocument, origin: StoredDocument, changes: int, added: int,
                 headline: bool, directed: bool, least: int) -> str:
    """The evidence that decided whether ``doc`` copied ``b`` or shares ``origin``'s text with it."""
    x, nb, no = display_name(doc), display_name(b), display_name(origin)
    found = []
    if headline:
        found.append(f"{nb}'s headline")
    if changes >= least:
        found.append(f"{changes} words of {nb}'s changes to {no}'s wording")
    if added >= least and directed:
        found.append(f"{added} words of {nb}'s own text that {no} lacks ({nb} is earlier by evidence)")
    if found:
        return f"{x} carries {' and '.join(found)}: it copied {nb}, not {no} directly"
    why = (f"{x} carries none of {nb}'s changes to {no}'s wording ({changes} words shared only with it "
           f"inside {no}'s text, {least} needed) nor its headline")
    if added >= least:
        why += (f"; the {added} words it shares with {nb} alone lie outside {no}'s text and no evidence says "
                f"which of the two came first, so either may have them from the other or both from a text "
                "not stored")
    return why + f": both carry text of {no}"


def _innovation_reason(check: SiblingCheck | None) -> tuple[str, ...]:
    if check is None or check.sibling:
        return ()
    return (check.why or "a credit or canonical link names it: the direct source",)


def _oriented_edge(doc: StoredDocument, m: Match, direction: Direction, settings: Settings,
                   extra: tuple[str, ...] = ()) -> Edge:
    """The edge ``m.other`` → ``doc``; with too little evidence of direction, two texts that both
    credit the same third outlet share a source instead."""
    if direction.upstream_id is None:
        common = (_credited_outlets(doc) & _credited_outlets(m.other))
        if common:
            reason = f"both credit {sorted(common)[0]} and neither is earlier by evidence"
            older, newer = sorted((m.other, doc), key=_time_key)
            return _edge(older, newer, m.alignment, "shares_source", direction, settings,
                         extra_reasons=(reason,))
    extra += () if direction.upstream_id is not None else (
        f"no evidence says which came first (confidence {direction.confidence:.2f}); "
        f"{display_name(m.other)} is shown as upstream because it was stored first",)
    return _edge(m.other, doc, m.alignment, None, direction, settings, extra_reasons=extra)


def _has_direct_evidence(doc: StoredDocument, other: StoredDocument) -> bool:
    return bool(_credits_naming(doc, other)) or _points_to(doc, other)


def _common_source(doc_id: int, chosen: list[int], graph: LineageGraph) -> int | None:
    """A chosen source (or an ancestor of one) that is also an ancestor of ``doc_id``."""
    theirs = graph.ancestors(doc_id)
    for c in chosen:
        if c in theirs:
            return c
        common = theirs & graph.ancestors(c)
        if common:
            return min(common)
    return None


def _explained_downstream(copy: StoredDocument, new: StoredDocument, graph: LineageGraph,
                          version_ids: set[int], overlap: list[tuple[int, int]]) -> tuple[bool, int | None]:
    """Whether a stored copy's reuse of ``new`` (``overlap``: spans in the copy) is explained by
    sources it already has, each of which must cover most of that overlap.

    Returns (True, None) when the edge adds nothing (it copied an earlier version of ``new``, or a
    copy of ``new``: the chain shows it), (True, via) when the copy and ``new`` both derive from
    ``via`` (shares_source), and (False, None) when ``new`` is a source of its own.
    """
    sources = [s for s in sorted(graph.upstream(copy.doc_id)) if graph.explains(s, copy.doc_id, overlap)]
    if any(s in version_ids for s in sources):
        return True, None
    if any(new.doc_id == s or new.doc_id in graph.ancestors(s) for s in sources):
        return True, None
    new_lineage = graph.ancestors(new.doc_id)
    for s in sources:
        if s in new_lineage:
            return True, s
    return False, None


def _name_of(doc_id: int | None, matches: list[Match]) -> str:
    for m in matches:
        if m.other.doc_id == doc_id:
            return display_name(m.other)
    return f"document {doc_id}"
