"""URL parsing that never raises on what pages and records contain.

``urllib.parse`` refuses some strings with ``ValueError``: an unclosed IPv6 bracket
(``http://[::1``), a bracketed host that is no address (``http://[abc]/``), a host with characters
that NFKC normalisation turns into URL separators (``http://a＃b/``). A URL read from a page
(canonical link, og:url, a meta tag) that urllib refuses is no URL: these helpers say None, and the
caller ignores it.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urljoin, urlsplit

__all__ = ["split_url", "join_url", "url_problem"]


def split_url(url: str) -> SplitResult | None:
    """``urlsplit(url)``, or None when urllib refuses the URL."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def join_url(base: str, href: str) -> str | None:
    """``urljoin(base, href)`` when urllib can split the result (and both inputs), else None."""
    try:
        joined = urljoin(base, href)
        urlsplit(joined)
    except ValueError:
        return None
    return joined


def url_problem(url: str) -> str | None:
    """Why urllib refuses ``url`` ("Invalid IPv6 URL" …), or None when it splits it."""
    try:
        urlsplit(url)
    except ValueError as exc:
        return str(exc)
    return None
