"""The links of an HTML page, for the crawler: its feeds and the http(s) pages it links to.

Part of the extraction side: it parses HTML with selectolax (lexbor), behind the same nesting and
size guards as :mod:`provenance.extract` (:func:`provenance.nesting.bounded_nesting`), so a hostile
page costs what it costs there. Pure: no network, no store. Deciding which links to follow
(same site, article-looking) is the caller's job, with :mod:`provenance.discover`.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from provenance.discover import absolute_web_url
from provenance.errors import InputError
from provenance.nesting import bounded_nesting
from provenance.settings import DEFAULT_SETTINGS, Settings
from provenance.urls import split_url

__all__ = ["PageLinks", "page_links", "FEED_TYPES"]

#: ``<link rel="alternate" type=…>`` types that announce a feed.
FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
    "application/x-rss+xml", "application/x-atom+xml", "text/rss+xml", "text/atom+xml",
})


@dataclass(frozen=True, slots=True)
class PageLinks:
    """Absolute http(s) URLs without fragments, deduplicated, in page order."""

    feeds: tuple[str, ...]
    links: tuple[str, ...]


def _absolute(base: str, href: str | None) -> str | None:
    url = absolute_web_url(base, href)  # None for javascript:, mailto:, tel:, data:, malformed
    if url is None or "#" not in url:
        return url
    parts = split_url(url)
    return parts._replace(fragment="").geturl() if parts is not None else None


def page_links(html: str | bytes, base_url: str, *, max_links: int = DEFAULT_SETTINGS.page_max_links,
               settings: Settings = DEFAULT_SETTINGS) -> PageLinks:
    """The feeds a page announces (``<link rel="alternate" type="application/rss+xml" …>``) and
    the pages it links to (``<a href>``, ``<area href>``), resolved against the page's
    ``<base href>`` when it has one, else ``base_url``; at most ``max_links`` of each.

    Raises :class:`InputError` only for a page the HTML guards refuse (over ``max_html_tags``
    tags, pathological formatting markup), as extraction would."""
    try:
        bounded = bounded_nesting(
            html, max_depth=settings.max_nesting_depth, max_rebuilt=settings.max_rebuilt_formatting,
            free_tags=settings.nesting_free_tags, free_rebuilds=settings.nesting_free_rebuilds,
            max_attributes=settings.max_tag_attributes, max_tags=settings.max_html_tags, origin=base_url)
        tree = LexborHTMLParser(bounded)
    except InputError:
        raise
    except Exception as exc:  # lexbor refusing input (it takes str or bytes) is this page's fault
        raise InputError(base_url, f"HTML the parser refused ({type(exc).__name__})") from None
    base = base_url
    for node in tree.css("base[href]"):  # the first <base href> counts, as in browsers
        resolved = _absolute(base_url, node.attributes.get("href"))
        if resolved:
            base = resolved
        break
    feeds: dict[str, None] = {}
    for node in tree.css("link[href][type]"):
        attrs = node.attributes
        rel = (attrs.get("rel") or "").lower().split()
        kind = (attrs.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES and len(feeds) < max_links:
            url = _absolute(base, attrs.get("href"))
            if url:
                feeds.setdefault(url, None)
    links: dict[str, None] = {}
    for node in tree.css("a[href], area[href]"):
        if len(links) >= max_links:
            break
        url = _absolute(base, node.attributes.get("href"))
        if url:
            links.setdefault(url, None)
    return PageLinks(tuple(feeds), tuple(links))
