"""One text of a side-by-side view as HTML: copied passages, the diff, furniture and credit lines marked.

Every character of the page-derived text goes through :func:`markupsafe.escape`; only the tags
written here are markup. Marks nest in one fixed order (credit or furniture line, copied passage,
insertion or deletion), closed at the end of each run of text, so the HTML is always well formed
however the spans overlap. None of the marks relies on colour alone: copied passages are
``<mark>`` (a background), insertions ``<ins>`` (underlined), deletions ``<del>`` (struck through),
furniture a dashed outline, credit lines a solid outline, and each says what it is in its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..models import Article, Edge

__all__ = ["Span", "mark_text", "source_spans", "copy_spans", "MAX_TEXT_CHARS"]

#: Characters of one text shown in a side-by-side view at most (the rest is said to be left out).
MAX_TEXT_CHARS = 20_000
#: Order of nesting, outermost first, and the element of each layer.
_LAYERS = ("line", "copied", "change")
_SNIP = 80


@dataclass(frozen=True, slots=True)
class Span:
    """A marked span ``[start, end)`` of a text: its layer (``line``: a credit or furniture line;
    ``copied``; ``change``: an insertion or deletion), its element, CSS class and title."""

    start: int
    end: int
    layer: str
    tag: str
    css: str
    title: str


def _kind_class(kind: str) -> str:
    return "k-" + (re.sub(r"[^a-z0-9_-]", "", kind.lower()) or "other")


def _snip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _SNIP else flat[: _SNIP - 1] + "…"


def _own_lines(article: Article) -> list[Span]:
    spans = [Span(c.start, c.end, "line", "span", "credit", f"credit line → {c.outlet}")
             for c in article.credits if 0 <= c.start < c.end]
    spans += [Span(f.start, f.end, "line", "span", "furniture", f"page furniture ({f.reason})")
              for f in article.furniture if f.start < f.end]
    return spans


def source_spans(edge: Edge, source: Article) -> list[Span]:
    """The source's marks: what was copied, what the copy cut or changed, its own credit and furniture lines."""
    spans = _own_lines(source)
    spans += [Span(p.source_start, p.source_end, "copied", "mark", "copied", f"copied passage ({p.words} words)")
              for p in edge.passages if p.source_start < p.source_end]
    for d in edge.diff:
        if d.op in ("delete", "replace") and d.source_start < d.source_end:
            title = (f"changed in the copy ({d.kind}) to “{_snip(d.text)}”" if d.op == "replace"
                     else f"not in the copy ({d.kind})")
            spans.append(Span(d.source_start, d.source_end, "change", "del", _kind_class(d.kind), title))
    return spans


def copy_spans(edge: Edge, copy: Article) -> list[Span]:
    """The copy's marks: what it copied, what it added or changed, its own credit and furniture lines."""
    spans = _own_lines(copy)
    spans += [Span(p.copy_start, p.copy_end, "copied", "mark", "copied", f"copied passage ({p.words} words)")
              for p in edge.passages if p.copy_start < p.copy_end]
    for d in edge.diff:
        if d.op in ("insert", "replace") and d.copy_start < d.copy_end:
            title = (f"changed ({d.kind}); the source had “{_snip(d.source_text)}”" if d.op == "replace"
                     else f"added by the copy ({d.kind})")
            spans.append(Span(d.copy_start, d.copy_end, "change", "ins", _kind_class(d.kind), title))
    return spans


def mark_text(text: str, spans: list[Span], limit: int = MAX_TEXT_CHARS) -> Markup:
    """``text`` (its first ``limit`` characters) as escaped HTML with ``spans`` marked."""
    shown = text[:limit]
    n = len(shown)
    spans = [s for s in spans if s.start < n and s.end > 0 and s.start < s.end]
    cuts = sorted({0, n} | {max(0, min(n, s.start)) for s in spans} | {max(0, min(n, s.end)) for s in spans})
    out: list[str] = []
    for a, b in zip(cuts, cuts[1:]):
        if a >= b:
            continue
        active: dict[str, Span] = {}
        for s in spans:  # per layer the span that starts last (the innermost) wins
            if s.start <= a and s.end >= b and (s.layer not in active or s.start >= active[s.layer].start):
                active[s.layer] = s
        layers = [active[layer] for layer in _LAYERS if layer in active]
        piece = str(escape(shown[a:b]))
        for s in reversed(layers):
            piece = f'<{s.tag} class="{s.css}" title="{escape(s.title)}">{piece}</{s.tag}>'
        out.append(piece)
    if len(text) > n:
        out.append(f'<span class="cut-note">… {len(text) - n:,} more characters not shown</span>')
    return Markup("".join(out))
