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

import numpy as np

from .diff import diff_copy
from .evidence import (EXPLAINED_SHARE, adapted_from_wire_of, credited_outlets, credits_naming, day_only, display_name,
                       fmt_gap, fmt_time, has_direct_evidence, is_link, is_wire_page, points_to, same_page, seen_that_day,
                       seen_time, time_gap, time_key, version_time, wire_story_of)
from .fingerprint import Shingled
from .models import LINEAGE_RELATIONS, SITE_COPY_RELATIONS, Alignment, Edge, Passage, StoredDocument
from .settings import DEFAULT_SETTINGS, Settings
from .siblings import innovation_reason, sibling_checks
from .text import span_mask

__all__ = ["Direction", "LineageGraph", "Match", "derived_documents", "derives_from", "display_name",
           "infer_direction", "is_link", "link_document", "orient_passages", "same_page"]

#: A candidate whose coverage of the copy is at least this share of the best candidate's is "as good"
#: when choosing a direct source; among such, the credited, then the earliest, wins.
TIE_COVERAGE_SHARE = 0.95
#: A further upstream text is a direct source too only if it explains this many more copied words.
MIN_NEW_COVERAGE_WORDS = 30


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
        if points_to(doc, other):
            score += sign * settings.weight_canonical
            reasons.append(f"{display_name(doc)} declares {display_name(other)}'s page as canonical")
        phrases = credits_naming(doc, other)
        if phrases:
            score += sign * settings.weight_credit
            reasons.append(f"{display_name(doc)} credits {display_name(other)}: \u201c{phrases[0]}\u201d")

    ta, tb = a.article.published_at, b.article.published_at
    min_gap = settings.min_time_gap_minutes * 60
    if ta and tb and time_gap(ta, tb) is None:
        reasons.append("published the same day (one date has no time of day)")
        # the day cannot order them: fall back on what is known to the hour, a publication time
        # or else when each was first seen, as when a date is missing
        ta = ta if not day_only(ta) else None
        tb = tb if not day_only(tb) else None
    if ta and tb:
        gap = time_gap(ta, tb)
        if abs(gap) >= min_gap:
            first, second = (name_a, name_b) if gap > 0 else (name_b, name_a)
            t_first = ta if gap > 0 else tb
            score += math.copysign(settings.weight_published, gap)
            reasons.append(f"{first} was published {fmt_gap(gap)} earlier ({fmt_time(t_first)}) than {second}")
        else:
            reasons.append(f"published within {settings.min_time_gap_minutes:g} min of each other")
    else:
        # one side has no publication date: compare what is known of each (claimed or seen)
        ea = ta or seen_that_day(a)
        eb = tb or seen_that_day(b)
        gap = time_gap(ea, eb) if ea and eb else None
        if gap is not None and abs(gap) >= min_gap:
            first, second = (name_a, name_b) if gap > 0 else (name_b, name_a)
            how = "published" if (ta if gap > 0 else tb) else "first seen"
            score += math.copysign(settings.weight_first_seen, gap)
            reasons.append(f"{first} was {how} {fmt_gap(gap)} before {second} was first seen or published")

    for doc, other, sign in ((a, b, 1.0), (b, a, -1.0)):
        adapted = adapted_from_wire_of(other, doc)
        if adapted:
            score += sign * settings.weight_wire_origin
            reasons.append(f"{display_name(doc)} runs {adapted}'s story under its byline; {display_name(other)} "
                           f"says it was written with {adapted}'s inputs")

    wire_a, wire_b = is_wire_page(a), is_wire_page(b)
    for doc, other, sign in ((a, b, 1.0), (b, a, -1.0)) if not (wire_a or wire_b) else ():
        agency = wire_story_of(doc, other)
        if agency:
            score += sign * settings.weight_wire_dateline
            reasons.append(f"{display_name(doc)} runs {agency}'s story under its dateline; {display_name(other)} "
                           "credits no one (reworked wire copy drops the dateline)")

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
        # how much of the source the copy carries, in words: a light edit costs a shingle
        # containment five 5-grams a word, the words' coverage only the word
        carried = alignment.a_cover5 if source_is_a else alignment.b_cover5
        relation = _relation(max(containment, carried), verbatim, settings)
    credited = bool(credits_naming(copy, source))
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



def derives_from(other: StoredDocument, doc: StoredDocument, alignment: Alignment,
                 settings: Settings = DEFAULT_SETTINGS) -> bool:
    """Whether the stored ``other`` was made from ``doc``: a copy of it (by the direction's
    evidence) or a later version of its page. Such a document's sources are worth choosing again
    once ``doc`` is stored."""
    if same_page(other, doc):
        return version_time(doc) < version_time(other)
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
            older, newer = sorted((other, doc), key=version_time)
            when = [f"{display_name(d)} seen {fmt_time(seen_time(d))}" for d in (older, newer) if seen_time(d)]
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
        if m.other.doc_id in version_ids and version_time(m.other) < version_time(doc):
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
            older, newer = sorted((doc, other), key=time_key)
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
    pending = sorted(docs, key=lambda d: (time_key(d), version_time(d)))
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
    checks = sibling_checks(doc, doc_shingled, candidates, graph, settings)
    siblings = {i: c for i, c in checks.items() if c.sibling}
    composites = _composite_pairs(doc, doc_shingled, by_id, siblings, graph, settings)

    chosen: list[int] = []
    covered = version_cover.copy()
    remaining = {i: c for i, c in by_id.items() if i not in siblings and i not in composites}
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
        pick = min(near, key=lambda i: (not has_direct_evidence(doc, remaining[i][0].other),
                                        time_key(remaining[i][0].other),
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
        edges.append(_oriented_edge(doc, m, direction, settings, extra=extra + innovation_reason(checks.get(i))))
    for i, (m, direction, cov) in by_id.items():
        if i in chosen:
            continue
        if i in siblings:
            sib = siblings[i]
            sd = Direction(None, direction.confidence, direction.reasons, direction.score)
            older, newer = sorted((m.other, doc), key=time_key)
            edges.append(_edge(older, newer, m.alignment, "shares_source", sd, settings, via_id=sib.via,
                               extra_reasons=(sib.why,)))
            continue
        if i in composites:
            sd = Direction(None, direction.confidence, direction.reasons, direction.score)
            older, newer = sorted((m.other, doc), key=time_key)
            edges.append(_edge(older, newer, m.alignment, "shares_source", sd, settings,
                               extra_reasons=(composites[i],)))
            continue
        if i in chosen_lineage:
            continue  # an ancestor of a direct source: the chain shows it
        via = _common_source(i, chosen, graph)
        if via is not None or not has_direct_evidence(doc, m.other):
            extra = (f"both carry text of {_name_of(via, [c[0] for c in candidates])}" if via is not None else
                     "the shared text is explained by this document's other sources",)
            sd = Direction(None, direction.confidence, direction.reasons, direction.score)
            older, newer = sorted((m.other, doc), key=time_key)
            edges.append(_edge(older, newer, m.alignment, "shares_source", sd, settings,
                               via_id=via, extra_reasons=extra))
    return edges


def _no_direction_evidence(direction: Direction) -> bool:
    """Whether nothing at all bears on which of two texts came first: no dates or first-seen
    times, credits, canonical links, wire origin or containment asymmetry."""
    return direction.upstream_id is None and direction.score == 0.0 and not direction.reasons


def _stored_copy_share(other: StoredDocument, graph: LineageGraph) -> float:
    """Share of a stored text's characters inside the passages of its stored copy-like sources."""
    text = other.article.text
    if not text:
        return 0.0
    sources = {s for s, c, r in graph.edges if c == other.doc_id and r in SITE_COPY_RELATIONS}
    mask = np.zeros(len(text) + 1, dtype=np.int32)
    for source_id in sources:
        for start, end in graph.copy_spans.get((source_id, other.doc_id), ()):
            mask[min(len(text), max(0, start))] += 1
            mask[min(len(text), max(0, end))] -= 1
    return float(np.count_nonzero(np.cumsum(mask)[:len(text)])) / len(text)


def _composite_pairs(doc: StoredDocument, doc_shingled: Shingled,
                     by_id: dict[int, tuple[Match, Direction, np.ndarray]], siblings: dict,
                     graph: LineageGraph, settings: Settings) -> dict[int, str]:
    """Candidates that share a source with ``doc`` rather than gave it text: nothing at all says
    which of the two came first, and each is a composite — at least composite_min_explained_share
    of it is text of its other stored sources (``doc``: its other candidates' passages; the stored
    text: its stored copy-like edges), as of an aggregator page or a plagiarised essay, where a
    genuine source has little or none. What two composites share beyond their stored sources is
    likelier from a text the store lacks than one's from the other (PAN-13's suspicious documents
    never copy each other). Returns candidate id -> the reason."""
    least = settings.composite_min_explained_share
    out: dict[int, str] = {}
    content = doc_shingled.content
    for i, (m, direction, cov) in by_id.items():
        if i in siblings or not _no_direction_evidence(direction):
            continue
        others = [c for j, (_, _, c) in by_id.items() if j != i]
        x_share = (float(np.count_nonzero(np.logical_or.reduce(others)[content])) / max(1, len(content))
                   if others else 0.0)
        y_share = _stored_copy_share(m.other, graph)
        if x_share >= least and y_share >= least:
            out[i] = (f"no evidence says which came first, and both are composites: {x_share:.0%} of "
                      f"{display_name(doc)} and {y_share:.0%} of {display_name(m.other)} is text of their "
                      "other stored sources, so the text they share is likelier from a source not stored "
                      "than one's from the other")
    return out


def _oriented_edge(doc: StoredDocument, m: Match, direction: Direction, settings: Settings,
                   extra: tuple[str, ...] = ()) -> Edge:
    """The edge ``m.other`` → ``doc``; with too little evidence of direction, two texts that both
    credit the same third outlet share a source instead."""
    if direction.upstream_id is None:
        common = (credited_outlets(doc) & credited_outlets(m.other))
        if common:
            reason = f"both credit {sorted(common)[0]} and neither is earlier by evidence"
            older, newer = sorted((m.other, doc), key=time_key)
            return _edge(older, newer, m.alignment, "shares_source", direction, settings,
                         extra_reasons=(reason,))
    extra += () if direction.upstream_id is not None else (
        f"no evidence says which came first (confidence {direction.confidence:.2f}); "
        f"{display_name(m.other)} is shown as upstream because it was stored first",)
    return _edge(m.other, doc, m.alignment, None, direction, settings, extra_reasons=extra)



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
