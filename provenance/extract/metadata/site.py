"""The site a page belongs to: whether its URL is a web page's, its host, its canonical URL, and
the site's names as joined words (as titles and bylines are compared with them)."""

from __future__ import annotations

import re

from provenance.pages import host_of
from provenance.urls import join_url, split_url

__all__ = ["is_web", "url_host", "canonical_url", "joined_words", "site_labels"]

_WORD = re.compile(r"\w+")


def is_web(url: str) -> bool:
    parts = split_url(url)
    return parts is not None and parts.scheme in ("http", "https")


def url_host(url: str | None) -> str | None:
    """The host of an absolute URL by the one same-host rule (pages.host_of); None for relative ones."""
    return host_of(url) if url and "://" in url else None


def canonical_url(href: str | None, metas: dict[tuple[str, str], str], base: str | None) -> str | None:
    href = (href or metas.get(("property", "og:url")) or "").strip()
    if not href:
        return None
    if base:
        href = join_url(base, href)  # None when the page's URL is malformed ("http://[::1")
    return href if href and is_web(href) else None


def joined_words(text: str | None) -> str:
    return "".join(_WORD.findall((text or "").casefold()))


def site_labels(site: str | None, url: str) -> set[str]:
    """The site's name and its host's labels, as joined words ("furche.at" → "furcheat", "furche")."""
    host = url_host(url) or ""
    labels = {joined_words(site), joined_words(host), joined_words(host.rpartition(".")[0])}
    parts = host.split(".")
    if len(parts) >= 2:
        labels.add(joined_words(parts[-2]))
    labels.discard("")
    return labels
