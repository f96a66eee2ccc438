"""What the templates show, built from the store's report data or from one trace: side-by-side
pairs and lineage trees. Pure functions of frozen records."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from ..lineage import display_name
from ..models import Edge, StoredDocument
from ..store.reportdata import TreeDocument, TreeEdge
from .marks import copy_spans, mark_text, source_spans

__all__ = ["DocView", "PairView", "TreeNode", "pair_view", "build_trees", "forest_size", "tree_document",
           "MAX_TREE_NODES", "MAX_FOREST_NODES"]

#: Documents drawn in one lineage tree at most, and in all of a page's trees together.
MAX_TREE_NODES = 200
MAX_FOREST_NODES = 600


@dataclass(frozen=True, slots=True)
class DocView:
    doc_id: int
    site: str
    title: str
    url: str
    published: datetime | None
    first_seen: datetime | None
    words: int
    authors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Change:
    op: str
    kind: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class PairView:
    anchor: str
    relation: str
    directed: bool
    confidence: float
    direction_confidence: float | None
    credited: bool
    jaccard: float
    containment: float
    copy_containment: float
    reasons: tuple[str, ...]
    source: DocView
    copy: DocView
    source_html: Markup
    copy_html: Markup
    passages: int
    words: int
    kinds: tuple[tuple[str, int], ...]
    changes: tuple[Change, ...]


def doc_view(doc: StoredDocument) -> DocView:
    art = doc.article
    return DocView(doc.doc_id, display_name(doc), art.title or "(no title)", art.url, art.published_at,
                   art.fetched_at or doc.first_seen, len(art.body.split()), art.authors)


def pair_anchor(edge_id: int) -> str:
    return f"pair-{edge_id}"


#: Changes listed under a side-by-side view at most (all are marked in the texts).
MAX_CHANGES = 12


def pair_view(edge: Edge, source: StoredDocument, copy: StoredDocument) -> PairView:
    """One edge side by side: the source's text and the copy's, each with its marks."""
    changes = tuple(Change(d.op, d.kind, d.source_text if d.op == "replace" else (d.text if d.op == "delete" else ""),
                           d.text if d.op != "delete" else "")
                    for d in edge.diff[:MAX_CHANGES])
    return PairView(
        anchor=pair_anchor(edge.edge_id), relation=edge.relation, directed=edge.relation != "shares_source",
        confidence=edge.confidence, direction_confidence=edge.direction_confidence, credited=edge.credited,
        jaccard=edge.jaccard, containment=edge.containment, copy_containment=edge.copy_containment,
        reasons=edge.reasons, source=doc_view(source), copy=doc_view(copy),
        source_html=mark_text(source.article.text, source_spans(edge, source.article)),
        copy_html=mark_text(copy.article.text, copy_spans(edge, copy.article)),
        passages=len(edge.passages), words=sum(p.words for p in edge.passages),
        kinds=tuple(Counter(d.kind for d in edge.diff).most_common()), changes=changes)


@dataclass(frozen=True, slots=True)
class TreeNode:
    doc: TreeDocument
    relation: str | None  # of the edge from its parent (None for a root)
    confidence: float | None
    credited: bool | None
    anchor: str | None  # the side-by-side view of that edge, when the page has it
    children: tuple[TreeNode, ...]
    highlight: bool = False


def tree_document(doc: StoredDocument) -> TreeDocument:
    return TreeDocument(doc.doc_id, display_name(doc), doc.article.title, doc.article.url,
                        doc.article.published_at or doc.first_seen)


def build_trees(edges: tuple[TreeEdge, ...], documents: dict[int, TreeDocument], shown: set[int],
                highlight: int | None = None) -> tuple[TreeNode, ...]:
    """The lineage forest: each document under the source of its most confident incoming edge,
    the first publishers as roots (earliest first), each tree with at most :data:`MAX_TREE_NODES`
    documents. ``shown``: edge ids with a side-by-side view on the page (linked from the tree)."""
    parent: dict[int, TreeEdge] = {}
    for e in sorted(edges, key=lambda e: (-e.confidence, e.edge_id)):
        if e.copy_id not in parent and e.source_id in documents and e.copy_id in documents:
            parent[e.copy_id] = e
    # break any cycle: a document whose parent chain comes back to it becomes a root
    for start in list(parent):
        seen, at = {start}, start
        while at in parent:
            at = parent[at].source_id
            if at in seen:
                parent.pop(at, None)
                break
            seen.add(at)
    children: dict[int, list[int]] = {}
    for child, e in parent.items():
        children.setdefault(e.source_id, []).append(child)
    involved = {i for e in edges for i in (e.source_id, e.copy_id)} & set(documents)

    def when(i: int) -> tuple:
        t = documents[i].time
        return (t is None, t.timestamp() if t else 0.0, i)

    def node(i: int, budget: list[int]) -> TreeNode:
        budget[0] -= 1
        e = parent.get(i)
        kids = []
        for c in sorted(children.get(i, ()), key=when):
            if budget[0] <= 0:
                break
            kids.append(node(c, budget))
        return TreeNode(documents[i], e.relation if e else None, e.confidence if e else None,
                        e.credited if e else None, pair_anchor(e.edge_id) if e and e.edge_id in shown else None,
                        tuple(kids), i == highlight)

    roots = sorted((i for i in involved if i not in parent), key=when)
    forest, left = [], MAX_FOREST_NODES
    for r in roots:
        if left <= 0:
            break
        budget = [min(MAX_TREE_NODES, left)]
        forest.append(node(r, budget))
        left -= min(MAX_TREE_NODES, left) - budget[0]
    return tuple(forest)


def forest_size(trees: tuple[TreeNode, ...]) -> int:
    """Documents in the trees."""
    return sum(1 + forest_size(t.children) for t in trees)
