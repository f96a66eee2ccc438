"""Evidence about two documents that the lineage stage weighs: how to name them, whether they
are one page, whether they are linked at all, what their credits and canonical links say of each
other, and when each is known to have existed (publication, first sighting). No I/O.
"""

from __future__ import annotations

import math
from datetime import datetime

from .credits import KNOWN_WIRES, outlet_matches, resolve_outlet
from .match import is_copy_evidence
from .models import Alignment, Credit, StoredDocument
from .pages import host_of, page_key, same_page_keys
from .settings import DEFAULT_SETTINGS, Settings

__all__ = ["EXPLAINED_SHARE", "display_name", "same_page", "is_link", "points_to", "credits_naming", "is_wire_page",
           "adapted_from_wire_of", "wire_story_of", "credited_outlets", "fmt_time", "fmt_gap", "day_only", "time_gap", "seen_time",
           "seen_that_day", "version_time", "time_key", "has_direct_evidence"]

#: Share of a copy's overlap with X that other texts must also hold for X to be "explained": by a
#: source's stored edge (lineage), or by texts stored before a candidate source (siblings).
EXPLAINED_SHARE = 0.9

# --- names and pages -------------------------------------------------------------------------

def display_name(doc: StoredDocument) -> str:
    """How to name a document in reasons: its site's name, else its site (host), else its URL's
    host, else its file name."""
    art = doc.article
    if art.site_name or art.site:
        return art.site_name or art.site
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


def points_to(doc: StoredDocument, other: StoredDocument) -> bool:
    """Whether ``doc`` names ``other``'s page as canonical (and is not itself that page)."""
    target = page_key(doc.article.canonical_url)
    if not target or target == page_key(doc.article.url):
        return False
    return target in {page_key(other.article.url), page_key(other.article.canonical_url)}


def credits_naming(doc: StoredDocument, other: StoredDocument) -> list[str]:
    art = other.article
    other_url = art.canonical_url or art.url
    return [c.phrase for c in doc.article.credits
            if c.kind != "canonical" and (outlet_matches(c, art.site_name or art.site, other_url)
                                          or (art.site_name is not None and outlet_matches(c, art.site, other_url))
                                          or outlet_matches(c, None, art.url))]


_WIRE_HOSTS = frozenset(h for h in (resolve_outlet(w)[1] for w in KNOWN_WIRES) if h)


def is_wire_page(doc: StoredDocument) -> bool:
    """Whether the document is on a news agency's own site (by its site name or host)."""
    art = doc.article
    for site in (art.site_name, art.site):
        if site and (site in KNOWN_WIRES or resolve_outlet(site)[1] in _WIRE_HOSTS):
            return True
    host = host_of(art.canonical_url) or host_of(art.url)
    return bool(host) and any(host == w or host.endswith("." + w) for w in _WIRE_HOSTS)


def _outlet_key(c: Credit) -> str:
    return (c.host or c.outlet).casefold()


def adapted_from_wire_of(adapted: StoredDocument, bylined: StoredDocument) -> str | None:
    """The news agency whose byline or dateline ``bylined`` carries (its story as issued) and
    whose "inputs" ``adapted`` says it was written with ("(With ANI inputs)"), if any."""
    wires = {_outlet_key(c): c.outlet for c in bylined.article.credits if c.kind == "wire"}
    if not wires:
        return None
    inputs = {_outlet_key(c) for c in adapted.article.credits if c.kind == "agencies"}
    inputs -= {_outlet_key(c) for c in adapted.article.credits if c.kind == "wire"}
    common = sorted(set(wires) & inputs)
    return wires[common[0]] if common else None


def wire_story_of(bylined: StoredDocument, other: StoredDocument) -> str | None:
    """The news agency whose dateline or byline ``bylined`` carries (its story as issued) when
    ``other`` credits no one at all: outlets that rework wire copy drop the dateline, while a text
    of an outlet's own seldom gains an agency's. (Beside an agency's own page the wire-page rule
    decides instead: the caller knows which pages those are.)"""
    if any(c.kind != "canonical" for c in other.article.credits):
        return None
    return next((c.outlet for c in bylined.article.credits if c.kind == "wire"), None)


def credited_outlets(doc: StoredDocument) -> set[str]:
    return {_outlet_key(c) for c in doc.article.credits if c.kind != "canonical"}


# --- time ------------------------------------------------------------------------------------

def fmt_time(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC")


def fmt_gap(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} days"


def day_only(t: datetime) -> bool:
    """A time of exactly midnight UTC is, in practice, a date without a time of day (a URL's
    /2026/03/14/, a date-only meta tag): it orders days, not hours."""
    return t.hour == 0 and t.minute == 0 and t.second == 0 and t.microsecond == 0


def time_gap(ta: datetime, tb: datetime) -> float | None:
    """Seconds from ``ta`` to ``tb``; None when one is a bare date and both fall on the same day."""
    if day_only(ta) or day_only(tb):
        if ta.date() == tb.date():
            return None
        return (tb.date() - ta.date()).total_seconds()
    return (tb - ta).total_seconds()


def seen_time(doc: StoredDocument) -> datetime | None:
    """When the document is known to have existed, without its own claim of publication."""
    times = [t for t in (doc.article.fetched_at, doc.first_seen) if t is not None]
    return min(times) if times else None


def seen_that_day(doc: StoredDocument) -> datetime | None:
    """When the document was seen, as evidence of when it appeared: for a document that gives only
    its day of publication, only a sighting on that day (one on a later day says nothing of the hour)."""
    seen, t = seen_time(doc), doc.article.published_at
    if t is not None and day_only(t) and seen is not None and seen.date() != t.date():
        return None
    return seen


def version_time(doc: StoredDocument) -> float:
    """Versions of one page are ordered by when they were seen (a later crawl, a later version)."""
    t = seen_time(doc) or doc.article.published_at
    return t.timestamp() if t else math.inf


def time_key(doc: StoredDocument) -> float:
    """When the document is known to have existed, for "earliest first": its publication time;
    for a bare date, the hour it was first seen that day (midnight would put it before every text
    of its day)."""
    t, seen = doc.article.published_at, seen_time(doc)
    if t is not None and day_only(t) and seen is not None and seen.date() == t.date():
        t = seen
    t = t or seen
    return t.timestamp() if t else math.inf


def has_direct_evidence(doc: StoredDocument, other: StoredDocument) -> bool:
    return bool(credits_naming(doc, other)) or points_to(doc, other)
