"""Extract an :class:`Article` (metadata and article text) from a :class:`RawDocument`.

The extraction package: the only code that parses HTML (selectolax, in :mod:`.htmlscan` and
:mod:`.links`). This module holds the entry points; it decides what the input is and hands it on: plain text and Markdown to
:mod:`provenance.extract.plaintext`; HTML to :mod:`provenance.extract.htmlscan` (the one pass over the parsed page),
:mod:`provenance.extract.htmlbody` (the article's container and text) and :mod:`provenance.extract.metadata` (title,
dates, authors, site). It then assembles the :class:`Article`: the page's credits and furniture, and
the facts the input declares (a JSON record's site, title, published), which win over extracted ones.
UTF-8 HTML goes to the parser as bytes.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import replace
from datetime import datetime
from itertools import islice

from provenance.credits import find_credits, resolve_outlet
from provenance.decode import decode_bytes, looks_like_html
from provenance.errors import ExtractionError, InputError
from provenance.furniture import find_furniture
from provenance.extract.htmlbody import choose_body
from provenance.extract.htmlscan import parse_page, scan_page
from provenance.extract.metadata.dates import as_utc, dateline_date, url_date
from provenance.extract.metadata.page import PageMetadata, page_metadata, utc_offset_minutes
from provenance.extract.metadata.site import is_web, url_host
from provenance.models import Article, Credit, RawDocument
from provenance.pages import host_name, site_of
from provenance.extract.plaintext import check_length, extract_text
from provenance.settings import DEFAULT_SETTINGS, Settings
from provenance.text import replace_surrogates
from provenance.urls import url_problem

__all__ = ["extract_article", "extract_metadata", "extract_html"]

#: Bytes of the input on which the decoding decision is taken: every sniffing step of
#: decode_bytes (BOM, binary check, <meta charset>) looks at no more than this.
HEAD_SNIFF_BYTES = 8192
#: Format hints a record may give (anything else: detect from the content).
FORMAT_HINTS = ("html", "text", "txt", "markdown", "md")
#: A wire dateline opens the story: one further down the text (a related story's) dates another text.
DATELINE_MAX_START = 400
_WORD = re.compile(r"\w+")
_NON_UTF8_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def extract_article(raw: RawDocument, settings: Settings = DEFAULT_SETTINGS) -> Article:
    """Extract the article of ``raw``. Raises :class:`InputError` for empty or binary input and
    :class:`ExtractionError` when fewer than ``settings.min_article_words`` words of text remain."""
    content, is_html = _checked_content(raw, settings)
    if is_html:
        article = extract_html(content, raw.url, settings, origin=raw.origin)
    else:
        article = extract_text(content, raw.url, declared_title=raw.title, settings=settings, origin=raw.origin)
    article = _with_overrides(article, raw)
    if article.published_at is None:
        article = replace(article, published_at=_undeclared_date(article, is_html, raw.fetched))
    # Counted only up to the minimum: the whole count matters only when there are fewer.
    words = sum(1 for _ in islice(_WORD.finditer(article.body), settings.min_article_words))
    if words < settings.min_article_words:
        raise ExtractionError(raw.origin, f"no article text found ({words} words)")
    return article


def extract_metadata(raw: RawDocument, settings: Settings = DEFAULT_SETTINGS) -> PageMetadata:
    """The metadata of ``raw`` (title, canonical URL, site, dates, authors, language) without
    requiring an article body. Plain text gives its title only."""
    content, is_html = _checked_content(raw, settings)
    if not is_html:
        return PageMetadata(title=extract_text(content, raw.url, settings=settings, origin=raw.origin).title)
    tree = parse_page(content, settings, raw.origin)
    scan = scan_page(tree)
    return page_metadata(scan, raw.url, choose_body(scan))


def _checked_content(raw: RawDocument, settings: Settings) -> tuple[str | bytes, bool]:
    # The URL is the document's identity, split by every later stage (inputs refuses such records).
    problem = "a lone surrogate" if replace_surrogates(raw.url) != raw.url else url_problem(raw.url)
    if problem:
        raise InputError(raw.origin, f"malformed URL ({problem}): {raw.url[:80]!r}")
    if len(raw.content) > settings.max_input_bytes:  # characters of a str (a caller's, not a record's line)
        raise InputError(raw.origin, f"input larger than {settings.max_input_bytes} bytes")
    if isinstance(raw.content, bytes) and not raw.content.strip():
        raise InputError(raw.origin, "empty file")
    return _html_or_text(raw)


def _undeclared_date(article: Article, is_html: bool, fetched: datetime | None) -> datetime | None:
    """A bare date for an article that declares none: its URL's (a page's metadata already read
    it), else its opening wire dateline's day ("ISLAMABAD, Oct 16 (APP):")."""
    if not is_html:
        moment = url_date(article.url)
        if moment is not None:
            return moment
    for credit in article.credits:
        if credit.kind == "wire" and 0 <= credit.start < DATELINE_MAX_START:
            moment = dateline_date(credit.phrase, article.url, fetched)
            if moment is not None:
                return moment
    return None


def _with_overrides(article: Article, raw: RawDocument) -> Article:
    """Facts the input declares (a JSON record's site/title/published) win over extracted ones."""
    published, offset = article.published_at, article.published_offset
    if raw.published is not None:
        published, offset = as_utc(raw.published), utc_offset_minutes(raw.published)
    declared = replace_surrogates(raw.site) if raw.site else None
    declared_host = host_name(declared)
    return replace(
        article,
        site=site_of(article.url, article.canonical_url, declared_host),
        # a record that names its site (by name or by host) is believed over the page's own name
        site_name=(None if declared_host else declared) if declared else article.site_name,
        title=replace_surrogates(raw.title) if raw.title else article.title,
        published_at=published,
        published_offset=offset,
        fetched_at=raw.fetched,
    )


def extract_html(html: str | bytes, url: str, settings: Settings = DEFAULT_SETTINGS, *,
                 origin: str | None = None) -> Article:
    """An :class:`Article` from an HTML page (metadata and main-container text); bytes are UTF-8.
    Raises :class:`InputError` (naming ``origin``, else ``url``) for pathological markup."""
    tree = parse_page(html, settings, origin or url)
    scan = scan_page(tree)
    body = choose_body(scan)
    meta = page_metadata(scan, url, body)
    blocks = body.blocks
    if blocks and meta.title and _same_text(blocks[0], meta.title):
        blocks = blocks[1:]
    text = "\n\n".join(blocks)
    check_length(text, settings, origin or url)

    credits = list(find_credits(text))
    page_is_web = is_web(url)
    page_host = url_host(url) if page_is_web else None
    canonical, canonical_host = meta.canonical_url, url_host(meta.canonical_url)
    if page_host and canonical_host and canonical_host != page_host:
        outlet, host = resolve_outlet(canonical_host)
        credits.append(Credit(phrase=canonical, outlet=outlet, host=host or canonical_host, kind="canonical",
                              start=-1, end=-1))
    for key in (("name", "syndication-source"), ("name", "original-source")):
        value = scan.metas.get(key)
        if value:
            outlet, host = resolve_outlet(url_host(value) or value)
            credits.append(Credit(phrase=value, outlet=outlet, host=host, kind="meta", start=-1, end=-1))
    return Article(
        url=url,
        text=text,
        format="html",
        title=meta.title or None,
        canonical_url=canonical,
        site=site_of(url, canonical),
        site_name=meta.site_name,
        published_at=meta.published_at,
        published_offset=meta.published_offset,
        authors=meta.authors,
        credits=tuple(credits),
        furniture=find_furniture(text, credits),
    )


def _same_text(a: str, b: str) -> bool:
    return _WORD.findall(a.casefold()) == _WORD.findall(b.casefold())


# HTML: decoding fast path


def _html_or_text(raw: RawDocument) -> tuple[str | bytes, bool]:
    """The content to extract and whether it is HTML, decoded as :func:`decode_bytes` would.

    HTML that decodes as UTF-8 goes to the parser as the very bytes it came in: lexbor reads UTF-8
    itself and normalises newlines as the HTML standard says, so decoding to str (and lexbor
    encoding it back) would only cost time. The decision is :func:`decode_bytes`'s own, taken on
    the first HEAD_SNIFF_BYTES (every sniffing step of it looks no further), so both paths agree.
    """
    content = raw.content
    hint = (raw.format_hint or "").strip().lower()
    declared_html = hint == "html" if hint in FORMAT_HINTS else None
    if isinstance(content, bytes) and not content.startswith(_NON_UTF8_BOMS):
        data = content[3:] if content.startswith(codecs.BOM_UTF8) else content
        head = data[:HEAD_SNIFF_BYTES]
        if len(data) > HEAD_SNIFF_BYTES:
            head = _utf8_prefix(head)
        head_text, encoding = decode_bytes(head, raw.content_type, origin=raw.origin)
        is_html = declared_html if declared_html is not None else looks_like_html(head_text.lstrip("\ufeff"))
        if is_html and encoding == "utf-8" and head_text.strip():
            if data.isascii():
                return data, True
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                return data, True
    if isinstance(content, bytes):
        text, _ = decode_bytes(content, raw.content_type, origin=raw.origin)
    else:  # a str from a JSON record or a caller: lone surrogates cannot be encoded later
        text = replace_surrogates(content.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError(raw.origin, "empty document")
    is_html = declared_html if declared_html is not None else looks_like_html(text)
    return text, is_html


def _utf8_prefix(head: bytes) -> bytes:
    """``head`` without a UTF-8 character cut at its end (continuation bytes and their lead byte)."""
    end = len(head)
    while end > 0 and len(head) - end < 4 and 0x80 <= head[end - 1] < 0xC0:
        end -= 1
    if end > 0 and head[end - 1] >= 0xC0:
        end -= 1
    return head[:end]
