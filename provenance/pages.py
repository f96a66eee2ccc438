"""What counts as the same page: one rule for the store's URL keys and lineage's versions.

Two documents are versions of one article page when a URL or canonical URL of one has the same
:func:`page_key` as a URL or canonical URL of the other. The store keeps the key of each
document's URL and canonical URL (``documents.url_key``, ``canonical_key``) and looks pages up by
it; lineage decides ``version`` edges with :func:`same_page_keys`. Both call this module, so they
cannot disagree.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

__all__ = ["page_key", "page_keys", "same_page_keys", "host_of", "host_name", "site_of"]


def host_of(url: str | None) -> str | None:
    """The host of an http(s) URL, lower case, without "www." (None when there is none)."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # a malformed URL ("http://[::1") names no host
        return None
    return host[4:] if host.startswith("www.") else (host or None)


#: A bare host name as a record may declare it for its site ("www.Example.com", "example.com:8080").
_HOST_NAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]\.?(?::\d{1,5})?")


def host_name(text: str | None) -> str | None:
    """``text`` as a normalised host when it is one (a bare host or an http(s) URL), else None:
    "www.Example.com" → "example.com"; "Oil News Daily" → None."""
    if not text:
        return None
    value = text.strip().lower()
    if "://" in value:
        return host_of(value) if value.startswith(("http://", "https://")) else None
    if not _HOST_NAME.fullmatch(value):
        return None
    value = value.split(":", 1)[0].rstrip(".")
    return value[4:] if value.startswith("www.") else value


def site_of(url: str | None, canonical_url: str | None = None, declared: str | None = None) -> str | None:
    """The site of a document, as ``documents.site`` keeps it: the normalised host (lower case,
    without "www.") of the page's own URL; for an input with no web URL (a local file, stdin), the
    host of its canonical URL, else the host its record declares as ``site``; else None (no host is
    known: the document belongs to no site). A display name ("Oil News Daily") is never a site: it
    is kept as ``site_name``."""
    for candidate in (url, canonical_url):
        if candidate and candidate.lower().startswith(("http://", "https://")):
            host = host_of(candidate)
            if host:
                return host
    return host_name(declared)


@lru_cache(maxsize=65536)
def page_key(url: str | None) -> str | None:
    """The identity of the page at ``url``, or None when it has none.

    For http(s): the host (lower case, without "www." and the scheme: http and https serve one
    page), the path with trailing slashes removed (its case kept: paths are case-sensitive, and
    ``/Story`` and ``/story`` may be two articles), and the query; the fragment is dropped (it
    points inside the page). A ``file:`` URL is its own key (the same file, edited, is a new
    version of that file). Anything else (``stdin:…``) has no page identity beyond its text.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme == "file":
        return url
    if scheme not in ("http", "https"):
        return None
    host = host_of(url)
    if not host:
        return None
    port = f":{parts.port}" if _explicit_port(parts) else ""
    path = parts.path.rstrip("/") or "/"
    return f"{host}{port}{path}{'?' + parts.query if parts.query else ''}"


def _explicit_port(parts) -> bool:
    try:
        port = parts.port
    except ValueError:
        return False
    return port is not None and port not in (80, 443)


def page_keys(url: str | None, canonical_url: str | None) -> set[str]:
    """The page keys a document stands for: its URL's and its canonical URL's, except a canonical
    that is just a site's home page (it says nothing about the article)."""
    keys = {page_key(url)}
    canonical = page_key(canonical_url)
    if canonical is not None and not canonical.endswith("/"):
        keys.add(canonical)
    return keys - {None}


def same_page_keys(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
    """Whether two documents, given as (url, canonical_url), are the same article page."""
    return bool(page_keys(*a) & page_keys(*b))
