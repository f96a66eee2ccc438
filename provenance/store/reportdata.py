"""What ``provenance report`` shows, read from the store: every query of the HTML report is here.

The report's aggregates are over *copy-like* edges (``copy``, ``excerpt``, ``rewrite``): one site
took another's text. ``version`` edges (a page's revisions) and ``shares_source`` edges (two texts
with a common origin, no direction) appear in the side-by-side views and the lineage trees, never
in "who copies whom". A document's site is the store's ``site`` (the normalised host, which migration 12
set on every stored row), else its file name; a document's time is the analysis views'
(:data:`~provenance.store.schema.DOCUMENT_TIME`: its publication time, a bare date counting as when it
was fetched that day), so the report's lags are the views'; an edge's lag is the copy's time minus
the source's.

Everything returned is a frozen dataclass (or a :class:`~provenance.models.Edge` /
:class:`~provenance.models.StoredDocument`), so the rendering never sees the database. The
queries read the base tables: the report names a site even when the store has none (a file's name)
and leaves ``version`` edges out of its aggregates, where the analysis views keep both as stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..models import SITE_COPY_RELATIONS, Edge, StoredDocument
from .convert import from_db_time
from .reads import EDGE_READ_COLUMNS
from .schema import DOCUMENT_TIME

__all__ = [
    "COPY_RELATIONS", "ReportQuery", "ReportData", "Summary", "SiteLink", "SiteRow", "TimeBucket", "LagBucket",
    "TreeDocument", "TreeEdge", "load_report_data",
]

#: Relations where one site took another's text: what the network, tables and charts count.
COPY_RELATIONS = tuple(sorted(SITE_COPY_RELATIONS))
#: Lag buckets of the lag chart: (label, upper bound in seconds, exclusive).
LAG_BUCKETS = (("under 1 h", 3600), ("1–6 h", 6 * 3600), ("6–24 h", 24 * 3600), ("1–3 days", 3 * 86400),
               ("over 3 days", None))
#: Directed edges read for the lineage trees at most (a wire story copied everywhere stays light).
MAX_TREE_EDGES = 5000
#: Hops followed up and down from the side-by-side pairs' documents for the lineage trees.
TREE_DEPTH = 8

# A document's site (see the module doc): SQL over an alias ``d`` of documents.
_SITE = "coalesce(nullif(trim(d.site), ''), nullif(regexp_extract(d.url, '[^/\\\\]+$'), ''), d.url)"
# A document's time: the analysis views' rule (schema.DOCUMENT_TIME), so the report's lags are the views'.
_TIME = DOCUMENT_TIME.format(d="d")
_RELATIONS = ", ".join(f"'{r}'" for r in COPY_RELATIONS)
# every copy-like edge at or above the confidence asked (parameter 1), with both sites and times
_COPY_EDGES = f"""WITH doc AS (
    SELECT d.doc_id, {_SITE} AS site, {_TIME} AS t FROM documents d
), ce AS (
    SELECT e.edge_id, e.source_id, e.copy_id, e.relation, e.confidence, coalesce(e.credited, false) AS credited,
           e.containment, s.site AS source_site, c.site AS copy_site, c.t AS copy_time,
           epoch(c.t) - epoch(s.t) AS lag_s
    FROM edges e JOIN doc s ON s.doc_id = e.source_id JOIN doc c ON c.doc_id = e.copy_id
    WHERE e.relation IN ({_RELATIONS}) AND e.confidence >= ?
)"""
_BUCKET_UNITS = ("hour", "day", "week", "month")


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """What to read: links below ``min_confidence`` are left out everywhere; ``max_pairs`` edges
    get a side-by-side view (copy-like first, then versions, then shared sources, most confident
    first); ``max_sites`` sites are drawn in the network; ``max_rows`` rows per table."""

    min_confidence: float = 0.0
    max_pairs: int = 50
    max_sites: int = 40
    max_rows: int = 20


@dataclass(frozen=True, slots=True)
class Summary:
    documents: int
    sites: int
    links: tuple[tuple[str, int], ...]  # (relation, edges) at or above the confidence asked, most first
    copies: int  # copy-like edges
    cross_site: int  # copy-like edges between two different sites
    credited: int  # copy-like edges whose copy credits its source
    median_lag_s: float | None
    first: datetime | None  # earliest and latest copy time
    last: datetime | None


@dataclass(frozen=True, slots=True)
class SiteLink:
    """Copies from one site to another (copy-like edges between different sites)."""

    source_site: str
    copy_site: str
    copies: int
    credited: int
    mean_containment: float
    median_lag_s: float | None


@dataclass(frozen=True, slots=True)
class SiteRow:
    """One site in a table: as a copier (``copies`` taken from ``others`` sites) or as a source
    (``copies`` made of it by ``others`` sites); ``credited`` of them credit the source."""

    site: str
    copies: int
    credited: int
    others: int
    median_lag_s: float | None
    documents: int


@dataclass(frozen=True, slots=True)
class TimeBucket:
    start: datetime
    copies: int
    credited: int
    documents: int


@dataclass(frozen=True, slots=True)
class LagBucket:
    label: str
    copies: int


@dataclass(frozen=True, slots=True)
class TreeDocument:
    doc_id: int
    site: str
    title: str | None
    url: str
    time: datetime | None


@dataclass(frozen=True, slots=True)
class TreeEdge:
    edge_id: int
    source_id: int
    copy_id: int
    relation: str
    confidence: float
    credited: bool


@dataclass(frozen=True, slots=True)
class ReportData:
    query: ReportQuery
    summary: Summary
    site_links: tuple[SiteLink, ...]  # the most copies first (every pair of sites)
    site_documents: dict[str, int]  # documents per site, for the sites in site_links
    copiers: tuple[SiteRow, ...]
    sources: tuple[SiteRow, ...]
    bucket_unit: str  # hour, day, week or month
    over_time: tuple[TimeBucket, ...]
    lags: tuple[LagBucket, ...]
    pairs: tuple[Edge, ...]  # the edges shown side by side, in the order shown
    pair_documents: dict[int, StoredDocument]  # both documents of every pair, with text
    tree_edges: tuple[TreeEdge, ...]  # directed edges around the pairs' documents (not shares_source)
    tree_documents: dict[int, TreeDocument]
    pairs_total: int  # edges that could have been shown side by side


def _count(value) -> int:
    return int(value or 0)


def _lag(value) -> float | None:
    return None if value is None else float(value)


def _bucket_unit(first: datetime | None, last: datetime | None) -> str:
    """Hours for a span of up to three days, days up to four months, weeks up to two years, months beyond."""
    if first is None or last is None:
        return "day"
    days = (last - first).total_seconds() / 86400
    return "hour" if days <= 3 else "day" if days <= 120 else "week" if days <= 730 else "month"


def load_report_data(store, query: ReportQuery = ReportQuery()) -> ReportData:
    """Everything the HTML report shows, from ``store`` (a :class:`~provenance.store.Store`)."""
    fetch = store._fetch
    minc = float(query.min_confidence)
    summary = _summary(fetch, minc)
    site_links = tuple(
        SiteLink(str(s), str(c), _count(n), _count(k), float(m or 0.0), _lag(lag))
        for s, c, n, k, m, lag in fetch(
            f"{_COPY_EDGES} SELECT source_site, copy_site, count(*), count(*) FILTER (WHERE credited),"
            " avg(containment), median(lag_s) FROM ce WHERE source_site <> copy_site"
            " GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2", [minc]))
    sites = sorted({link.source_site for link in site_links} | {link.copy_site for link in site_links})
    site_documents = {str(site): _count(n) for site, n in fetch(
        f"SELECT site, count(*) FROM (SELECT {_SITE} AS site FROM documents d) WHERE site = ANY(?::VARCHAR[])"
        " GROUP BY 1",
        [sites])} if sites else {}
    copiers, sources = (tuple(
        SiteRow(str(site), _count(n), _count(k), _count(others), _lag(lag), site_documents.get(str(site), 0))
        for site, n, k, others, lag in fetch(
            f"{_COPY_EDGES} SELECT {me}, count(*), count(*) FILTER (WHERE credited), count(DISTINCT {them}),"
            f" median(lag_s) FROM ce WHERE source_site <> copy_site GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
            [minc, query.max_rows]))
        for me, them in (("copy_site", "source_site"), ("source_site", "copy_site")))
    unit = _bucket_unit(summary.first, summary.last)
    assert unit in _BUCKET_UNITS
    over_time = tuple(
        TimeBucket(from_db_time(b), _count(n), _count(k), _count(docs)) for b, n, k, docs in fetch(
            f"{_COPY_EDGES}, copies AS (SELECT date_trunc('{unit}', copy_time) AS b, count(*) AS n,"
            " count(*) FILTER (WHERE credited) AS k FROM ce WHERE copy_time IS NOT NULL GROUP BY 1),"
            f" published AS (SELECT date_trunc('{unit}', t) AS b, count(*) AS docs FROM doc"
            "  WHERE t BETWEEN (SELECT min(b) FROM copies) AND (SELECT max(copy_time) FROM ce) GROUP BY 1)"
            " SELECT b, coalesce(n, 0), coalesce(k, 0), coalesce(docs, 0)"
            " FROM copies FULL JOIN published USING (b) ORDER BY b", [minc]))
    lags = _lags(fetch, minc)
    pairs, pairs_total = _pairs(store, minc, query.max_pairs)
    pair_documents = store.get_documents({i for e in pairs for i in (e.source_id, e.copy_id)})
    tree_edges, tree_documents = _trees(fetch, sorted(pair_documents), minc)
    return ReportData(query, summary, site_links, site_documents, copiers, sources, unit, over_time, lags,
                      pairs, pair_documents, tree_edges, tree_documents, pairs_total)


def _summary(fetch, minc: float) -> Summary:
    ((documents, sites),) = fetch(f"SELECT count(*), count(DISTINCT {_SITE}) FROM documents d")
    links = tuple((str(r), _count(n)) for r, n in fetch(
        "SELECT relation, count(*) FROM edges WHERE confidence >= ? GROUP BY 1 ORDER BY 2 DESC, 1", [minc]))
    ((copies, cross, credited, lag, first, last),) = fetch(
        f"{_COPY_EDGES} SELECT count(*), count(*) FILTER (WHERE source_site <> copy_site),"
        " count(*) FILTER (WHERE credited), median(lag_s), min(copy_time), max(copy_time) FROM ce", [minc])
    return Summary(_count(documents), _count(sites), links, _count(copies), _count(cross), _count(credited),
                   _lag(lag), from_db_time(first), from_db_time(last))


def _lags(fetch, minc: float) -> tuple[LagBucket, ...]:
    cases, low = [], None
    for label, high in LAG_BUCKETS:
        cond = " AND ".join(c for c in (f"lag_s >= {low}" if low is not None else "lag_s >= 0",
                                        f"lag_s < {high}" if high is not None else "") if c)
        cases.append(f"count(*) FILTER (WHERE {cond})")
        low = high
    cases.append("count(*) FILTER (WHERE lag_s IS NULL OR lag_s < 0)")
    (row,) = fetch(f"{_COPY_EDGES} SELECT {', '.join(cases)} FROM ce", [minc])
    labels = [label for label, _ in LAG_BUCKETS] + ["unknown, or the copy dated first"]
    return tuple(LagBucket(label, _count(n)) for label, n in zip(labels, row))


def _pairs(store, minc: float, limit: int) -> tuple[tuple[Edge, ...], int]:
    order = (f"CASE WHEN relation IN ({_RELATIONS}) THEN 0 WHEN relation = 'version' THEN 1 ELSE 2 END,"
             " confidence DESC, edge_id")
    rows = store._fetch(f"SELECT {', '.join(EDGE_READ_COLUMNS)} FROM edges WHERE confidence >= ?"
                        f" ORDER BY {order} LIMIT ?", [minc, max(0, int(limit))])
    ((total,),) = store._fetch("SELECT count(*) FROM edges WHERE confidence >= ?", [minc])
    return tuple(store._edges_from_rows(rows)), _count(total)


def _trees(fetch, doc_ids: Sequence[int], minc: float) -> tuple[tuple[TreeEdge, ...], dict[int, TreeDocument]]:
    """Directed edges (not shares_source) of the lineage around ``doc_ids``: up to their first
    publishers and down from those to every copy, :data:`TREE_DEPTH` hops each way at most."""
    if not doc_ids:
        return (), {}
    edges = tuple(TreeEdge(int(i), int(s), int(c), str(r), float(conf), bool(k)) for i, s, c, r, conf, k in fetch(
        "WITH RECURSIVE de AS (SELECT edge_id, source_id, copy_id, relation, confidence, credited FROM edges"
        "  WHERE relation <> 'shares_source' AND confidence >= ?),"
        " up(doc_id, hops) AS (SELECT unnest(?::BIGINT[]), 0 UNION"
        "  SELECT de.source_id, up.hops + 1 FROM de JOIN up ON de.copy_id = up.doc_id WHERE up.hops < ?),"
        " down(doc_id, hops) AS (SELECT DISTINCT doc_id, 0 FROM up UNION"
        "  SELECT de.copy_id, down.hops + 1 FROM de JOIN down ON de.source_id = down.doc_id WHERE down.hops < ?),"
        " near AS (SELECT DISTINCT doc_id FROM down)"
        " SELECT edge_id, source_id, copy_id, relation, confidence, coalesce(credited, false) FROM de"
        " WHERE source_id IN (SELECT doc_id FROM near) AND copy_id IN (SELECT doc_id FROM near)"
        " ORDER BY confidence DESC, edge_id LIMIT ?",
        [minc, list(doc_ids), TREE_DEPTH, TREE_DEPTH, MAX_TREE_EDGES]))
    ids = sorted({i for e in edges for i in (e.source_id, e.copy_id)} | set(doc_ids))
    documents = {int(i): TreeDocument(int(i), str(site), title, str(url), from_db_time(t)) for i, site, title, url, t in fetch(
        f"SELECT d.doc_id, {_SITE}, d.title, d.url, {_TIME} FROM documents d"
        " WHERE d.doc_id = ANY(?::BIGINT[])", [ids])}
    return edges, documents
