"""The HTML report: one self-contained file (inline CSS and SVG, no script, nothing from the network).

``provenance report`` writes the store's picture (:func:`write_report`): summary figures, the
network of sites, top copiers and sources, copying over time, lineage trees and side-by-side
views of the most confident links; ``provenance trace --html`` writes one document's lineage and
side-by-side views (:func:`write_trace_html`). This package is the only one that uses jinja2.

Every page-derived string (titles, URLs, site names, texts, reasons) reaches the page through
jinja2's autoescaping or :func:`markupsafe.escape`; links are written only for http and https
URLs; a Content-Security-Policy forbids scripts and every load from outside the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from ..errors import InputError
from ..pipeline import TraceResult
from ..store.reportdata import ReportData, ReportQuery, TreeEdge, load_report_data
from .charts import CREDIT_COLOURS, MAX_LABEL_CHARS, MAX_LABELLED_LINKS, PALETTE, draw_lags, draw_network, draw_over_time
from .views import build_trees, doc_view, forest_size, pair_view, tree_document

__all__ = ["ReportQuery", "ReportStats", "render_report", "write_report", "render_trace_html", "write_trace_html",
           "http_url"]


@dataclass(frozen=True, slots=True)
class ReportStats:
    """What a written report holds."""

    path: Path
    bytes: int
    documents: int
    links: int
    copies: int
    sites_drawn: int
    pairs_shown: int
    pairs_total: int


def http_url(url: object) -> str | None:
    """``url`` when it is an absolute http or https URL fit for a link, else None (shown as text)."""
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _when(t: datetime | None) -> str:
    if t is None:
        return "—"
    t = t.astimezone(timezone.utc) if t.tzinfo else t
    if (t.hour, t.minute, t.second) == (0, 0, 0):
        return f"{t:%Y-%m-%d}"
    return f"{t:%Y-%m-%d %H:%M} UTC"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = abs(seconds)
    text = (f"{s / 60:.0f} min" if s < 3600 else f"{int(s // 3600)} h {int(s % 3600 // 60)} min" if s < 86400
            else f"{s / 86400:.1f} days")
    return text if seconds >= 0 else f"−{text}"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("provenance.htmlreport", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(http_url=http_url, when=_when, duration=_duration, pct=_pct)
    env.globals.update(palette=PALETTE, credit_colours=CREDIT_COLOURS, max_label_chars=MAX_LABEL_CHARS,
                       max_labelled_links=MAX_LABELLED_LINKS)
    return env


_ENV: jinja2.Environment | None = None


def _render(template: str, **context: object) -> str:
    global _ENV
    if _ENV is None:
        _ENV = _environment()
    return _ENV.get_template(template).render(**context)


def _report_context(data: ReportData) -> dict[str, object]:
    docs = data.pair_documents
    pairs = [pair_view(e, docs[e.source_id], docs[e.copy_id]) for e in data.pairs
             if e.source_id in docs and e.copy_id in docs]
    shown = {e.edge_id for e in data.pairs}
    trees = build_trees(data.tree_edges, data.tree_documents, shown)
    return dict(data=data, summary=data.summary, pairs=pairs,
                network=draw_network(data.site_links, data.site_documents, data.query.max_sites),
                over_time=draw_over_time(data.over_time, data.bucket_unit), lags=draw_lags(data.lags),
                trees=trees, trees_size=forest_size(trees),
                trees_total=len({i for e in data.tree_edges for i in (e.source_id, e.copy_id)}))


def render_report(data: ReportData, *, title: str = "Copying report", generated: datetime | None = None) -> str:
    """The report page for ``data`` (see :func:`~provenance.store.reportdata.load_report_data`)."""
    return _render("report.html.j2", title=title, generated=generated or datetime.now(timezone.utc),
                   **_report_context(data))


def _write(path: Path, html: str) -> int:
    path = Path(path)
    if path.parent and not path.parent.is_dir():
        raise InputError(str(path), f"folder {path.parent} does not exist")
    if path.is_dir():
        raise InputError(str(path), "is a folder; give the file to write")
    data = html.encode("utf-8")
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(str(path), f"cannot write: {exc.strerror or exc}") from None
    return len(data)


def write_report(store, out: str | os.PathLike, query: ReportQuery = ReportQuery(), *,
                 title: str = "Copying report") -> ReportStats:
    """Read the report's data from ``store`` and write the page to ``out``."""
    data = load_report_data(store, query)
    context = _report_context(data)
    html = _render("report.html.j2", title=title, generated=datetime.now(timezone.utc), **context)
    size = _write(Path(out), html)
    network = context["network"]
    return ReportStats(Path(out), size, data.summary.documents, sum(n for _, n in data.summary.links),
                       data.summary.copies, len(network.nodes), len(data.pairs), data.pairs_total)


def render_trace_html(result: TraceResult, *, generated: datetime | None = None) -> str:
    """One traced document's page: its lineage tree and a side-by-side view of every link found."""
    hops = result.upstream + result.downstream + result.related
    pairs = [pair_view(h.edge, h.source, h.copy) for h in hops]
    directed = result.upstream + result.downstream
    documents = {d.doc_id: tree_document(d) for h in hops for d in (h.source, h.copy)}
    documents[result.document.doc_id] = tree_document(result.document)
    edges = tuple(TreeEdge(h.edge.edge_id, h.edge.source_id, h.edge.copy_id, h.edge.relation, h.edge.confidence,
                           h.edge.credited) for h in directed)
    trees = build_trees(edges, documents, {h.edge.edge_id for h in hops}, highlight=result.document.doc_id)
    return _render("trace.html.j2", doc=doc_view(result.document), article=result.document.article, result=result,
                   pairs=pairs, trees=trees, generated=generated or datetime.now(timezone.utc))


def write_trace_html(result: TraceResult, out: str | os.PathLike) -> int:
    """Write :func:`render_trace_html` of ``result`` to ``out``; returns the bytes written."""
    return _write(Path(out), render_trace_html(result))
