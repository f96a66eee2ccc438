"""The metadata of an HTML page from its scan (:class:`PageMetadata`), more reliable sources first:
JSON-LD, meta tags, microdata, <time>, the URL, then the text of the article's head."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from provenance.extract.htmlbody import ArticleHead, Body
from provenance.extract.htmlscan import PageScan
from provenance.jsonld import article_object, json_ld_objects, ld_find, ld_name, ld_resolve, ld_text
from provenance.extract.metadata.authors import page_authors
from provenance.extract.metadata.dates import as_utc, first_date
from provenance.extract.metadata.published import page_published
from provenance.extract.metadata.site import canonical_url, is_web, site_labels, url_host
from provenance.extract.metadata.title import page_title

__all__ = ["utc_offset_minutes", "PageMetadata", "page_metadata"]

#: Meta tags that carry the modification time (stored apart, never taken as the publication).
MODIFIED_META = (("property", "article:modified_time"), ("property", "og:updated_time"),
                 ("itemprop", "datemodified"), ("name", "last-modified"), ("name", "dcterms.modified"))


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What an HTML page says about itself, more reliable sources first.

    ``published_at`` is UTC; ``published_date`` is the calendar day the page states (the same
    instant in the page's own UTC offset: "2024-03-05T01:30+05:30" is 5 March, though 4 March in
    UTC). ``modified_at`` is kept apart and never used as the publication time.
    """

    title: str | None = None
    canonical_url: str | None = None
    site: str | None = None  # the site's name, else its host (as titles and bylines are compared with)
    site_name: str | None = None  # the name the page gives its site (og:site_name, JSON-LD), if any
    published_at: datetime | None = None
    published_date: date | None = None
    published_offset: int | None = None  # minutes east of UTC the page gave with the time
    modified_at: datetime | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None


def page_metadata(scan: PageScan, url: str, body: Body) -> PageMetadata:
    ld_objects = json_ld_objects(scan.ld_texts)
    by_id = {obj["@id"]: obj for obj in ld_objects if isinstance(obj.get("@id"), str)}
    ld_article = article_object(ld_objects)
    metas = scan.metas
    page_is_web = is_web(url)

    canonical = canonical_url(scan.canonical, metas, url if page_is_web else None)
    site = _first(metas.get(("property", "og:site_name")),
                  ld_name(ld_resolve(ld_article.get("publisher"), by_id)),
                  ld_name(ld_find(ld_objects, ("newsmediaorganization", "organization"), "name")),
                  ld_name(ld_find(ld_objects, ("website",), "name")))
    site_name = site or None
    if not site:
        site = url_host(canonical) or (url_host(url) if page_is_web else None)
    title = page_title(scan, metas, ld_article, site, body, url)
    # Where the headline stands: the date and byline are next to it.
    anchor = next((position for text, position, _ in scan.h1s if text == title), None)
    zone = ArticleHead(body.start, body.end, anchor)
    published, stated = page_published(scan, metas, ld_article, ld_objects, url, body, zone)
    modified = first_date([ld_text(ld_article.get("dateModified"))]
                          + [metas.get(key) for key in MODIFIED_META])
    return PageMetadata(
        title=title,
        canonical_url=canonical,
        site=site or None,
        site_name=site_name,
        published_at=as_utc(published) if published else None,
        published_date=stated,
        published_offset=utc_offset_minutes(published),
        modified_at=as_utc(modified) if modified else None,
        authors=page_authors(scan, metas, ld_article, by_id, zone, site_labels(site, url)),
        language=_language(scan, metas, ld_article),
    )


def utc_offset_minutes(value: datetime | None) -> int | None:
    """The UTC offset a stated time carries, in minutes (None for a naive time or none)."""
    offset = value.utcoffset() if value is not None else None
    return None if offset is None else int(offset.total_seconds() // 60)


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return " ".join(value.split())
    return None


def _language(scan: PageScan, metas: dict[tuple[str, str], str], ld_article: dict) -> str | None:
    value = _first(scan.language, metas.get(("property", "og:locale")), ld_text(ld_article.get("inLanguage")),
                   metas.get(("http-equiv", "content-language")))
    if not value:
        return None
    value = value.replace("_", "-").split(",")[0].strip()
    return value or None
