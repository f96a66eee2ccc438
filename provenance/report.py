"""Report stage: trace results, articles and ingest summaries as JSON-ready dicts and as text.

Pure functions: no I/O. The CLI prints what these return.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from datetime import datetime
from typing import Any

from .lineage import display_name
from .models import Article, Credit, DiffOp, Edge, StoredDocument
from .crawl import CrawlReport
from .pipeline import CheckReport, Hop, IngestReport, TraceResult

__all__ = [
    "json_id",
    "row_to_json",
    "article_to_dict",
    "document_to_dict",
    "edge_to_dict",
    "trace_to_dict",
    "ingest_to_dict",
    "render_article",
    "render_trace",
    "render_ingest",
    "check_to_dict",
    "render_check",
    "crawl_to_dict",
    "render_crawl",
]

#: Longest excerpt of a diff segment or passage shown in text output (JSON has everything).
SNIPPET_CHARS = 160
#: Diff segments shown per hop in text output.
MAX_DIFF_LINES = 12
_OP_MARK = {"insert": "+", "delete": "-", "replace": "~"}


def _iso(t: datetime | None) -> str | None:
    return t.isoformat() if t else None


def json_id(value: int | None) -> str | None:
    """An id as JSON output gives it: a string, because ids are 64-bit and JSON numbers past 2^53
    (jq, JavaScript) are rounded (``…060030`` would read back as ``…060000``)."""
    return None if value is None else str(value)


#: The largest integer a JSON reader is sure to keep exactly (an IEEE double's 53-bit mantissa).
JSON_SAFE_INTEGER = 2**53 - 1


def row_to_json(columns: list[str], row: tuple) -> dict[str, Any]:
    """One row of a user's query as a JSON object: the integers of columns named ``id``, ``…_id``
    or ``…_ids`` are strings (as ids are everywhere in JSON output), lists of them included, and so
    is any other integer past 2^53 (a band key)."""
    return {column: _json_value(value, column == "id" or column.endswith(("_id", "_ids")))
            for column, value in zip(columns, row)}


def _json_value(value: Any, is_id: bool) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and (is_id or abs(value) > JSON_SAFE_INTEGER):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_json_value(v, is_id) for v in value]
    return value


def _credit_dict(c: Credit) -> dict[str, Any]:
    return {"phrase": c.phrase, "outlet": c.outlet, "host": c.host, "kind": c.kind, "start": c.start, "end": c.end}


def article_to_dict(article: Article, *, with_text: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "site": article.site,
        "site_name": article.site_name,
        "title": article.title,
        "published_at": _iso(article.published_at),
        "published_local": article.published_local.isoformat() if article.published_local else None,
        "fetched_at": _iso(article.fetched_at),
        "authors": list(article.authors),
        "format": article.format,
        "credits": [_credit_dict(c) for c in article.credits],
        "furniture": [{"start": f.start, "end": f.end, "reason": f.reason, "text": article.text[f.start:f.end]}
                      for f in article.furniture],
        "words": len(article.body.split()),
    }
    if with_text:
        out["body"] = article.body
        out["text"] = article.text
    return out


def document_to_dict(doc: StoredDocument, *, with_text: bool = False) -> dict[str, Any]:
    out = {"doc_id": json_id(doc.doc_id), "content_hash": doc.content_hash, "first_seen": _iso(doc.first_seen)}
    out.update(article_to_dict(doc.article, with_text=with_text))
    return out


def _diff_dict(d: DiffOp) -> dict[str, Any]:
    out = {"op": d.op, "kind": d.kind, "source_start": d.source_start, "source_end": d.source_end,
           "copy_start": d.copy_start, "copy_end": d.copy_end, "text": d.text}
    if d.op == "replace":
        out["source_text"] = d.source_text
    return out


def edge_to_dict(edge: Edge) -> dict[str, Any]:
    return {
        "edge_id": json_id(edge.edge_id),
        "source_id": json_id(edge.source_id),
        "copy_id": json_id(edge.copy_id),
        "relation": edge.relation,
        "jaccard": edge.jaccard,
        "containment": edge.containment,
        "copy_containment": edge.copy_containment,
        "confidence": edge.confidence,
        "direction_confidence": edge.direction_confidence,
        "credited": edge.credited,
        "reasons": list(edge.reasons),
        "via_id": json_id(edge.via_id),
        "passages": [{"source_start": p.source_start, "source_end": p.source_end, "copy_start": p.copy_start,
                      "copy_end": p.copy_end, "words": p.words} for p in edge.passages],
        "diff": [_diff_dict(d) for d in edge.diff],
    }


def _hop_dict(h: Hop) -> dict[str, Any]:
    return {"depth": h.depth, "source": document_to_dict(h.source), "copy": document_to_dict(h.copy),
            **edge_to_dict(h.edge)}


def trace_to_dict(result: TraceResult) -> dict[str, Any]:
    return {
        "document": document_to_dict(result.document, with_text=True),
        "stored_as": json_id(result.stored_as),
        "upstream": [_hop_dict(h) for h in result.upstream],
        "downstream": [_hop_dict(h) for h in result.downstream],
        "shares_source": [_hop_dict(h) for h in result.related],
        "found": bool(result.upstream or result.downstream or result.related),
        "notes": list(result.notes),
    }


def ingest_to_dict(report: IngestReport) -> dict[str, Any]:
    return {
        "added": report.added,
        "unchanged": report.unchanged,
        "errors": [{"input": e.origin, "stage": e.stage, "reason": e.reason} for e in report.errors],
        "links": [{k: v for k, v in edge_to_dict(e).items() if k not in ("passages", "diff")} for e in report.edges],
        "documents": [json_id(d) for d in report.documents],
        "interrupted": report.interrupted,
        "skipped": report.skipped,
        "skipped_files": dict(report.skipped_files),
    }


# --- text ----------------------------------------------------------------------------------------

def _snip(text: str, limit: int = SNIPPET_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _published(t: datetime) -> str:
    # midnight UTC exactly is a date without a time of day (a URL's /2026/03/14/): say only the day
    if (t.hour, t.minute, t.second, t.microsecond) == (0, 0, 0, 0):
        return f"published {t:%Y-%m-%d} (no time of day)"
    return f"published {t:%Y-%m-%d %H:%M} UTC"


def _when(doc: StoredDocument) -> str:
    art = doc.article
    parts = [_published(art.published_at) if art.published_at else "no publication date"]
    seen = art.fetched_at or doc.first_seen
    if seen:
        parts.append(f"first seen {seen:%Y-%m-%d %H:%M} UTC")
    return " · ".join(parts)


def _credit_line(c: Credit) -> str:
    target = c.outlet + (f" ({c.host})" if c.host and c.host != c.outlet else "")
    where = "" if c.start >= 0 else " [page metadata]"
    return f"\u201c{_snip(c.phrase, 90)}\u201d → {target}{where}"


def _header(doc: StoredDocument) -> list[str]:
    art = doc.article
    lines = [f"{display_name(doc)} — {art.title or '(no title)'}", f"  {art.url}"]
    if art.canonical_url and art.canonical_url != art.url:
        lines.append(f"  canonical: {art.canonical_url}")
    lines.append(f"  {_when(doc)} · {len(art.body.split())} words")
    if art.authors:
        lines.append(f"  by {', '.join(art.authors)}")
    return lines


def render_article(article: Article, *, show_body: bool = True) -> str:
    lines = [f"title:      {article.title or '-'}", f"url:        {article.url}"]
    lines += [f"canonical:  {article.canonical_url or '-'}", f"site:       {article.site or '-'}" + (f" ({article.site_name})" if article.site_name else ""),
              f"published:  {_iso(article.published_at) or '-'}",
              f"authors:    {', '.join(article.authors) or '-'}", f"format:     {article.format}"]
    lines.append(f"credits:    {len(article.credits) or 'none'}")
    lines += [f"  - {_credit_line(c)} [{c.kind}]" for c in article.credits]
    lines.append(f"furniture:  {len(article.furniture) or 'none'}")
    lines += [f"  - {_snip(article.text[f.start:f.end], 80)}  ({f.reason})" for f in article.furniture]
    if show_body:
        lines += ["", "body:", "", article.body]
    return "\n".join(lines)


def _hop_lines(h: Hop, index: int, up: bool) -> list[str]:
    e = h.edge
    other = h.source if up else h.copy
    arrow = "←" if up else "→"
    via = ""
    if up and h.depth > 1:
        via = f" (copied by {display_name(h.copy)})"
    if not up and h.depth > 1:
        via = f" (from {display_name(h.source)})"
    direction = e.direction_confidence
    shown = f"confidence {e.confidence:.2f}" + (
        f" (direction {direction:.2f})" if direction is not None and abs(direction - e.confidence) >= 0.005 else "")
    lines = [f"{index}. {arrow} {display_name(other)}{via}  [{e.relation}, {shown}]",
             f"     {other.article.title or '(no title)'}", f"     {other.article.url}", f"     {_when(other)}"]
    lines.append(f"     similarity: Jaccard {e.jaccard:.2f} · {e.containment:.0%} of the source is in the copy · "
                 f"{e.copy_containment:.0%} of the copy comes from the source")
    if e.relation != "version":
        credit = "yes" if e.credited else "no"
        lines.append(f"     credit: {credit} — {display_name(h.copy)} {'credits' if e.credited else 'does not credit'} "
                     f"{display_name(h.source)}")
    for r in e.reasons:
        lines.append(textwrap.fill(r, width=100, initial_indent="     why: ", subsequent_indent="          "))
    if e.passages:
        words = sum(p.words for p in e.passages)
        lines.append(f"     copied passages: {len(e.passages)} ({words} words)")
        for p in e.passages[:4]:
            text = h.copy.article.text[p.copy_start:p.copy_end]
            lines.append(f"       copy {p.copy_start}–{p.copy_end} ← source {p.source_start}–{p.source_end}: "
                         f"\u201c{_snip(text, 90)}\u201d")
        if len(e.passages) > 4:
            lines.append(f"       … {len(e.passages) - 4} more (see --json)")
    if e.diff:
        kinds = Counter(d.kind for d in e.diff)
        summary = ", ".join(f"{n} {k}" for k, n in kinds.most_common())
        lines.append(f"     diff ({summary}):")
        for d in e.diff[:MAX_DIFF_LINES]:
            if d.op == "replace":
                body = f"\u201c{_snip(d.source_text, 70)}\u201d → \u201c{_snip(d.text, 70)}\u201d"
            else:
                body = f"\u201c{_snip(d.text, 140)}\u201d"
            lines.append(f"       {_OP_MARK[d.op]} [{d.kind}] {body}")
        if len(e.diff) > MAX_DIFF_LINES:
            lines.append(f"       … {len(e.diff) - MAX_DIFF_LINES} more segments (see --json)")
    return lines


def render_trace(result: TraceResult) -> str:
    doc = result.document
    art = doc.article
    lines = _header(doc)
    for note in result.notes:
        lines.append(f"  note: {note}")
    if art.credits:
        lines.append("  credit lines:")
        lines += [f"    - {_credit_line(c)}" for c in art.credits]
    if art.furniture:
        reasons = Counter(f.reason for f in art.furniture)
        lines.append(f"  page furniture ({len(art.furniture)} lines, left out of matching): "
                     + ", ".join(f"{n}× {r}" for r, n in reasons.most_common()))
    lines.append("")
    lines.append("Upstream — where this text came from:")
    if result.upstream:
        for i, h in enumerate(result.upstream, 1):
            lines += _hop_lines(h, i, up=True)
    else:
        lines.append("  No upstream copy of this text is in the corpus.")
        named = [c for c in art.credits if c.kind != "canonical" or c.host]
        if named:
            outlets = ", ".join(sorted({c.host or c.outlet for c in named}))
            lines.append(f"  It credits {outlets}: that source is not in the store "
                         "(ingest it to compare the texts).")
    lines.append("")
    lines.append("Downstream — known copies of this text:")
    if result.downstream:
        for i, h in enumerate(result.downstream, 1):
            lines += _hop_lines(h, i, up=False)
    else:
        lines.append("  None in the corpus.")
    if result.related:
        lines.append("")
        lines.append("Shares a source with (same origin, no direct copy either way):")
        for h in result.related:
            other = h.copy if h.source.doc_id == doc.doc_id else h.source
            lines.append(f"  - {display_name(other)}: {other.article.title or other.article.url}")
            for r in h.edge.reasons[:2]:
                lines.append(f"      why: {r}")
    return "\n".join(lines)


def render_ingest(report: IngestReport, *, errors_shown: bool = False) -> str:
    """The summary of an ingest; each error on its own line unless they were shown as they came."""
    lines = [f"added {report.added} documents, {report.unchanged} already stored, "
             f"{len(report.errors)} errors" + (" (shown above)" if errors_shown and report.errors else "")
             + f", {len(report.edges)} new links"
             + (f", {report.skipped} WARC records skipped (not HTML or text 200 responses)" if report.skipped else "")
             + _skipped_files(report.skipped_files)]
    if not errors_shown:
        lines += [f"error: {e}" for e in report.errors]
    rel = Counter(e.relation for e in report.edges)
    if rel:
        lines.append("links: " + ", ".join(f"{n} {r}" for r, n in rel.most_common()))
    return "\n".join(lines)


def _skipped_files(skipped: tuple[tuple[str, int], ...]) -> str:
    """", 3 files skipped (2 .png, 1 .pdf: not HTML, text, JSON Lines or WARC)" or ""."""
    if not skipped:
        return ""
    total = sum(n for _, n in skipped)
    by_suffix = [f"{n} {reason or '(no suffix)'}" for reason, n in skipped if reason.startswith(".")]
    other = [f"{n} {reason}" for reason, n in skipped if not reason.startswith(".")]
    parts = ([", ".join(by_suffix) + ": not HTML, text, JSON Lines or WARC"] if by_suffix else []) + other
    return f", {total} file{'s' if total != 1 else ''} in directories skipped ({'; '.join(parts)})"


def check_to_dict(report: CheckReport) -> dict[str, Any]:
    return {
        "store": str(report.path),
        "ok": report.ok,
        "checks": [{"check": name, "violations": count} for name, count in report.checks],
        "counts": dict(report.counts),
    }


def render_check(report: CheckReport) -> str:
    lines = [f"{'ok  ' if not count else 'FAIL'}  {name}" + (f" ({count} rows)" if count else "")
             for name, count in report.checks]
    failed = sum(1 for _, count in report.checks if count)
    counts = ", ".join(f"{n} {table}" for table, n in report.counts.items())
    lines.append(f"{report.path}: {counts}")
    lines.append(f"{len(report.checks) - failed} of {len(report.checks)} checks hold"
                 + ("" if not failed else f"; {failed} fail"))
    return "\n".join(lines)


def crawl_to_dict(report: CrawlReport) -> dict[str, Any]:
    return {
        "run": json_id(report.run_id),
        "status": report.status,
        "requests": report.requests,
        "not_modified": report.not_modified,
        "errors": report.errors,
        "disallowed": report.disallowed,
        "pages": report.pages,
        "new_documents": report.new_documents,
        "new_versions": report.new_versions,
        "new_edges": report.new_edges,
        "discovered": report.discovered,
        "seconds": report.seconds,
        "failures": list(report.failures),
        "refused": [{"input": e.origin, "stage": e.stage, "reason": e.reason} for e in report.refused],
    }


def render_crawl(report: CrawlReport, *, failures_shown: int = 10) -> str:
    """The summary of a crawl run: what was asked, what came back, what the store gained."""
    how = {"done": "done", "budget": "stopped at its budget (the next run goes on)",
           "interrupted": "interrupted (the next run goes on)"}.get(report.status, report.status)
    lines = [f"crawl run {report.run_id} {how} in {report.seconds:.0f} s: {report.requests} requests "
             f"({report.not_modified} not modified, {report.errors} failed, {report.disallowed} disallowed by"
             f" robots.txt), {report.discovered} URLs discovered",
             f"{report.pages} pages with new content: {report.new_documents} new documents "
             f"({report.new_versions} new versions), {report.new_edges} new links"]
    lines += [f"failed: {line}" for line in report.failures[:failures_shown]]
    if len(report.failures) > failures_shown:
        lines.append(f"… and {len(report.failures) - failures_shown} more (SELECT * FROM fetches WHERE error IS NOT NULL)")
    lines += [f"refused: {e}" for e in report.refused]
    return "\n".join(lines)
