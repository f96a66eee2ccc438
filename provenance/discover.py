"""Discovery for the crawler: what a site says about itself, and which of its URLs to follow.

Pure functions over bytes and strings already fetched (no network, no store): robots.txt rules
(:func:`parse_robots`), sitemaps and sitemap indexes (:func:`parse_sitemap`), RSS/Atom/RDF feeds
(:func:`parse_feed`), a heuristic for article-looking URLs (:func:`looks_like_article`) and the
frontier's URL spelling (:func:`normalize_url`). Links in HTML pages are :mod:`provenance.extract.links`'
job (it parses HTML, which belongs to the extraction side).

Errors: :func:`parse_robots` never raises (a robots.txt we cannot read allows everything, as Google
treats a 4xx); :func:`parse_sitemap` and :func:`parse_feed` raise :class:`InputError` naming the URL
when the bytes are no sitemap or feed at all (garbage, HTML, a DOCTYPE in a sitemap, over the size
cap), and return what they read when a document breaks off part way. Nothing else escapes.

Choices, measured by ``benchmarks/discover_choices.py``:

* robots.txt: protego (Scrapy's parser): Google's longest-match Allow/Disallow, wildcards matched
  without regexes (a 200 KB ``*a*a*…`` line parses in ~1 ms), Crawl-delay and Request-rate.
* sitemaps: our own streaming expat reader. ultimate-sitemap-parser (usp) parses a string only
  through its fetcher classes, which import requests and fetch an index's sub-sitemaps with their
  own HTTP client (ours is httpx, owned by fetch.py). Measured on a 1M-entry (142 MB) urlset: usp
  1.2x slower and 1.6 GB peak, ours 190 MB; on 1M-entry hostile files (entity bomb, quadratic
  blow-up, external entity: 26-44 MB) usp reads the whole file and returns an empty sitemap with
  no error, ours refuses with an InputError in under a millisecond: the DOCTYPE handler raises at
  the first event, so no entity is ever declared, expanded or loaded, and parsing in 64 KB chunks
  stops there (pyexpat reports a handler's exception only after the whole buffer it was given).
  defusedxml's iterparse refuses them as fast and counts entries 4x faster, but ElementTree
  builds elements we would read back; the cost per entry is mostly URL checks and dates anyway.
* feeds: fastfeedparser (lxml, ``resolve_entities=False``): 10-80x faster than feedparser (a
  2,000-item RSS: 5-11 ms against 350-880 ms), an entity bomb in 0.07 ms where feedparser's
  fallback parser spends 0.5-0.9 s, RDF's dc:date read as the publication date (feedparser puts
  it in ``updated``), dates given in UTC, and the same items from a truncated feed. It raises
  ValueError on non-feeds (we turn that into InputError); feedparser returns an empty result,
  and would open bytes that name a file (``b"/etc/passwd"``) as a path.
* URL normalisation: our own few lines, 3x faster than either library. w3lib's
  ``canonicalize_url`` sorts the query and keeps tracking parameters and default ports (``:443``);
  courlan's ``normalize_url(strict=True)`` drops the whole query (an ``?id=`` is some sites'
  article identity); both raise ValueError on some malformed URLs and pass javascript: through.
"""

from __future__ import annotations

import html
import math
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import quote
from xml.parsers import expat

from provenance.errors import InputError
from provenance.pages import host_of
from provenance.settings import DEFAULT_SETTINGS
from provenance.urls import join_url, split_url

__all__ = [
    "Robots",
    "parse_robots",
    "SitemapEntry",
    "Sitemap",
    "parse_sitemap",
    "FeedEntry",
    "parse_feed",
    "looks_like_article",
    "normalize_url",
    "absolute_web_url",
    "TRACKING_PARAMS",
]

_WEB = ("http", "https")


# --- robots.txt ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Robots:
    """The rules of one robots.txt. ``sitemaps`` are absolute http(s) URLs, in file order."""

    url: str
    sitemaps: tuple[str, ...] = ()
    _rules: object = field(default=None, repr=False, compare=False)  # a protego.Protego, or None
    _refuse_all: bool = field(default=False, repr=False)

    @classmethod
    def allow_all(cls, robots_url: str) -> Robots:
        """No rules: what a missing robots.txt (404, any 4xx) means."""
        return cls(robots_url)

    @classmethod
    def disallow_all(cls, robots_url: str) -> Robots:
        """Nothing allowed: what a robots.txt that fails to load (5xx) means until it loads."""
        return cls(robots_url, _refuse_all=True)

    def allowed(self, url: str, user_agent: str) -> bool:
        """Whether ``user_agent`` may fetch ``url`` (a full URL on this robots.txt's host)."""
        if self._refuse_all:
            return False
        if self._rules is None:
            return True
        try:
            return bool(self._rules.can_fetch(url, user_agent))
        except Exception:  # protego on a URL it cannot split: no rule can apply to it
            return True

    def crawl_delay(self, user_agent: str) -> float | None:
        """Seconds to wait between requests: the longer of Crawl-delay and Request-rate's
        seconds per request, or None when the group for ``user_agent`` says neither."""
        if self._rules is None:
            return None
        delays = []
        try:
            delay = self._rules.crawl_delay(user_agent)
            rate = self._rules.request_rate(user_agent)
        except Exception:
            return None
        if delay is not None:
            delays.append(float(delay))
        if rate is not None and rate.requests > 0:
            delays.append(rate.seconds / rate.requests)
        delays = [d for d in delays if math.isfinite(d) and d >= 0]
        return max(delays) if delays else None


def parse_robots(text: str | bytes, robots_url: str, *, max_bytes: int = DEFAULT_SETTINGS.robots_max_bytes) -> Robots:
    """The rules of a robots.txt body. Never raises: what cannot be read allows everything."""
    from protego import Protego  # imported here: only crawling needs it

    if isinstance(text, (bytes, bytearray)):
        text = bytes(text[:max_bytes]).decode("utf-8", errors="replace")
    elif isinstance(text, str):
        text = text[:max_bytes]
    else:
        return Robots.allow_all(robots_url)
    text = text.lstrip("\ufeff")
    try:
        rules = Protego.parse(text)
        listed = list(rules.sitemaps)
    except Exception:  # protego is lenient; this is for what it was never shown
        return Robots.allow_all(robots_url)
    sitemaps: dict[str, None] = {}
    for value in listed:
        absolute = join_url(robots_url, str(value).strip()) if isinstance(value, str) else None
        parts = split_url(absolute) if absolute else None
        if parts is not None and parts.scheme in _WEB and parts.hostname:
            sitemaps.setdefault(absolute, None)
    return Robots(robots_url, tuple(sitemaps), rules)


# --- dates -----------------------------------------------------------------------------------

_COMPACT_OFFSET = re.compile(r"([+-]\d\d)(\d\d)$")


def _moment(value: str | None) -> datetime | None:
    """A UTC datetime from a W3C/ISO 8601 date (sitemaps, Atom) or an RFC 822 one (RSS); naive
    times are taken as UTC; None for anything else."""
    if not value:
        return None
    value = value.strip()
    if not value or len(value) > 64:
        return None
    candidate = value[:-1] + "+00:00" if value[-1] in "Zz" else value
    candidate = _COMPACT_OFFSET.sub(r"\1:\2", candidate)
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if not 1990 <= moment.year <= 2200:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


# --- sitemaps --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One ``<url>`` of a urlset or ``<sitemap>`` of an index. ``news_*`` come from a Google News
    sitemap's ``<news:news>`` block (None elsewhere)."""

    url: str
    lastmod: datetime | None = None
    news_published: datetime | None = None
    news_title: str | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: ``kind`` "index" lists sitemaps, "urlset" lists pages. ``truncated``:
    entries beyond ``max_entries`` were dropped, or the document broke off part way."""

    url: str
    kind: Literal["index", "urlset"]
    entries: tuple[SitemapEntry, ...]
    truncated: bool = False


_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 16
_MAX_FIELD_CHARS = 4096  # a <loc> or title longer than this is no real one: stop collecting it


def _gunzipped(data: bytes, url: str, max_bytes: int) -> bytes:
    """``data`` decompressed (every gzip member), refused once past ``max_bytes`` (a gzip bomb
    inflates 1,000-fold) or when corrupt."""
    out = bytearray()
    while data:
        inflater = zlib.decompressobj(wbits=31)
        try:
            out += inflater.decompress(data, max_bytes + 1 - len(out))
            if len(out) > max_bytes:
                raise InputError(url, f"sitemap over {max_bytes:,} bytes once decompressed")
            if not inflater.eof:
                break  # a truncated gzip stream: keep what it gave
            data = inflater.unused_data.lstrip(b"\x00")
        except zlib.error as exc:
            if not out:
                raise InputError(url, f"corrupt gzip ({exc})") from None
            break
    return bytes(out)


class _Refused(Exception):
    """The sitemap holds something we will not parse (a DOCTYPE, entities)."""


class _Enough(Exception):
    """max_entries reached: stop parsing."""


class _SitemapReader:
    """Expat handlers that collect entries by local element names: sites put sitemaps in the
    wrong namespace (Google's old 0.84, none at all) often enough that names are what counts."""

    def __init__(self, url: str, max_entries: int) -> None:
        self.url = url
        self.max_entries = max_entries
        self.root: str | None = None
        self.path: list[str] = []
        self.depth = 0
        self.entries: list[SitemapEntry] = []
        self.seen: set[str] = set()
        self.record: dict[str, str] | None = None
        self.text: list[str] | None = None
        self.text_chars = 0

    def start(self, name: str, attrs) -> None:
        local = name.rpartition(" ")[2]
        self.depth += 1
        if self.root is None:
            self.root = local
            if local not in ("urlset", "sitemapindex"):
                raise _Refused(local)
        if self.depth <= 8:  # sitemap fields sit at depth 3-4; deeper is no field of ours
            self.path.append(local)
        if self.depth == 2 and local in ("url", "sitemap"):
            self.record = {}
        elif self.record is not None and self._field(local) is not None:
            self.text, self.text_chars = [], 0

    def _field(self, local: str) -> str | None:
        if self.depth == 3 and local in ("loc", "lastmod"):
            return local
        if self.depth == 4 and len(self.path) >= 3 and self.path[2] == "news" and local in ("publication_date", "title"):
            return "news_" + local
        return None

    def chars(self, data: str) -> None:
        if self.text is not None and self.text_chars < _MAX_FIELD_CHARS:
            self.text.append(data)
            self.text_chars += len(data)

    def end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if self.record is not None:
            key = self._field(local)
            if key is not None and self.text is not None:
                self.record.setdefault(key, "".join(self.text).strip())
                self.text = None
            elif self.depth == 2:
                self._add(self.record)
                self.record = None
        if self.depth <= 8:
            self.path.pop()
        self.depth -= 1

    def _add(self, record: dict[str, str]) -> None:
        absolute = absolute_web_url(self.url, record.get("loc"))
        if absolute is None or absolute in self.seen:
            return
        if len(self.entries) >= self.max_entries:
            raise _Enough
        self.seen.add(absolute)
        title = record.get("news_title")
        self.entries.append(SitemapEntry(
            absolute, _moment(record.get("lastmod")), _moment(record.get("news_publication_date")),
            " ".join(title.split()) or None if title else None))


_BAD_HOST_CHAR = re.compile(r'[\x00-\x20\x7f<>"`{}|\\^]')


def absolute_web_url(base: str, href: str | None) -> str | None:
    """``href`` (from a page, feed or sitemap) as an absolute http(s) URL with a plausible host,
    resolved against ``base`` when relative; None for anything else (javascript:, mailto:,
    malformed, a host with spaces). The fragment is kept."""
    if not isinstance(href, str) or not href.strip():
        return None
    href = href.strip()
    # most hrefs of sitemaps and feeds are absolute already: urljoin costs as much as the rest,
    # and an absolute href needs no base (which may itself be malformed)
    absolute = href if href[:8].lower().startswith(("http://", "https://")) else join_url(base, href)
    parts = split_url(absolute) if absolute else None
    if parts is None or parts.scheme not in _WEB or not parts.hostname or _BAD_HOST_CHAR.search(parts.hostname):
        return None
    return absolute


def _refuse_doctype(name, *_args) -> None:
    raise _Refused(f"DOCTYPE {name}")


def _refuse_entity(*_args) -> None:
    raise _Refused("DOCTYPE entity")


def _xml_sitemap(data: bytes, url: str, max_entries: int) -> Sitemap:
    reader = _SitemapReader(url, max_entries)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.chars
    # A sitemap has no DTD: refusing the DOCTYPE at its first byte means no entity is ever
    # declared, so none can be expanded (billion laughs) or loaded (external entities).
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_entity
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    truncated = False
    try:
        # In chunks: pyexpat reports a handler's exception only when Parse returns, after expat
        # has read the rest of the buffer it was given (a refused DOCTYPE would still cost the
        # whole file).
        for start in range(0, len(data), _CHUNK):
            parser.Parse(data[start:start + _CHUNK], False)
        parser.Parse(b"", True)
    except _Refused as refused:
        what = str(refused)
        if what.lower() == "doctype html":
            raise InputError(url, "not a sitemap (an HTML page)") from None
        if what in ("rss", "feed", "RDF", "DOCTYPE rss"):  # RSS 0.91 declares Netscape's DTD
            return _feed_as_sitemap(data, url, max_entries)
        if what.startswith("DOCTYPE"):
            raise InputError(url, "sitemap with a DOCTYPE (refused: sitemaps declare no entities)") from None
        raise InputError(url, f"not a sitemap (root element <{what[:40]}>)") from None
    except _Enough:
        truncated = True
    except expat.ExpatError as exc:
        if not reader.entries:
            raise InputError(url, f"not a sitemap (XML error: {expat.ErrorString(exc.code)}, line {exc.lineno})") from None
        truncated = True  # a sitemap cut off mid-transfer: keep what came before the break
    except RecursionError:
        raise InputError(url, "not a sitemap (nested too deep)") from None
    kind: Literal["index", "urlset"] = "index" if reader.root == "sitemapindex" else "urlset"
    return Sitemap(url, kind, tuple(reader.entries), truncated)


def _feed_as_sitemap(data: bytes, url: str, max_entries: int) -> Sitemap:
    # Google accepts RSS and Atom feeds as sitemaps; robots.txt Sitemap: lines do point at them.
    entries = [SitemapEntry(e.url, e.updated or e.published, e.published, e.title)
               for e in parse_feed(data, url)]
    return Sitemap(url, "urlset", tuple(entries[:max_entries]), len(entries) > max_entries)


def _text_sitemap(data: bytes, url: str, max_entries: int) -> Sitemap:
    entries: list[SitemapEntry] = []
    seen: set[str] = set()
    for line in data.decode("utf-8-sig", errors="replace").splitlines():
        line = line.strip()
        parts = split_url(line) if line else None
        if parts is None or parts.scheme.lower() not in _WEB or not parts.hostname or line in seen:
            continue
        if len(entries) >= max_entries:
            return Sitemap(url, "urlset", tuple(entries), True)
        seen.add(line)
        entries.append(SitemapEntry(line))
    if not entries:
        raise InputError(url, "not a sitemap (neither XML nor lines of http(s) URLs)")
    return Sitemap(url, "urlset", tuple(entries))


def _listing_bytes(content: bytes | str, url: str, max_bytes: int, what: str) -> bytes:
    """A sitemap's or feed's bytes, gunzipped when they are gzip (by magic bytes), at most ``max_bytes``."""
    if isinstance(content, str):
        content = content.encode("utf-8", errors="replace")
    data = bytes(content)
    if data[:2] == _GZIP_MAGIC:
        data = _gunzipped(data, url, max_bytes)
    if len(data) > max_bytes:
        raise InputError(url, f"{what} over {max_bytes:,} bytes")
    return data


def parse_sitemap(content: bytes, url: str, *, max_bytes: int = DEFAULT_SETTINGS.sitemap_max_bytes,
                  max_entries: int = DEFAULT_SETTINGS.sitemap_max_entries) -> Sitemap:
    """The entries of a sitemap: an XML urlset (Google News sitemaps included), a sitemap index,
    a plain-text list of URLs, or an RSS/Atom feed (which Google accepts as a sitemap).

    Gzip is recognised by its magic bytes, not the name: a ``.xml.gz`` is often served already
    decompressed. At most ``max_bytes`` (after decompression) and ``max_entries`` entries
    (duplicates and non-http(s) ``<loc>`` skipped; relative ones resolved against ``url``).
    Raises :class:`InputError` when the content is no sitemap, is too large, or has a DOCTYPE.
    """
    data = _listing_bytes(content, url, max_bytes, "sitemap")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise InputError(url, "empty sitemap")
    if head[:1] == b"<" or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _xml_sitemap(data, url, max_entries)
    return _text_sitemap(data, url, max_entries)


# --- feeds -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of an RSS/Atom/RDF feed: its link (absolute http(s)), dates in UTC, title."""

    url: str
    published: datetime | None = None
    updated: datetime | None = None
    title: str | None = None


_TAG = re.compile(r"<[^<>]{0,2000}>")


def _clean_title(title) -> str | None:
    if not isinstance(title, str):
        return None
    # an Atom title of type="html" arrives as markup: its text is what a reader sees
    text = " ".join(html.unescape(_TAG.sub(" ", title[:_MAX_FIELD_CHARS])).split())
    return text or None


def parse_feed(content: bytes, url: str, *, max_bytes: int = DEFAULT_SETTINGS.max_input_bytes) -> list[FeedEntry]:
    """The items of an RSS 0.9x/2.0, RSS 1.0 (RDF), Atom or JSON feed, in feed order; items
    without an http(s) link are skipped, relative links resolved against ``url``, duplicates
    dropped. Raises :class:`InputError` when the content is no feed (garbage, HTML, empty) or over
    ``max_bytes``; a feed that breaks off part way gives the items before the break."""
    import fastfeedparser  # imported here: only crawling needs it (and lxml behind it)

    data = _listing_bytes(content, url, max_bytes, "feed")
    if not data.strip():
        raise InputError(url, "empty feed")
    try:
        # bytes, never str: fastfeedparser fetches a str that starts with http(s)://
        parsed = fastfeedparser.parse(data, include_content=False, include_tags=False, include_media=False,
                                      include_enclosures=False)
        items = list(parsed.get("entries") or ())
    except Exception as exc:  # ValueError for non-feeds; anything else is still this input's fault
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputError(url, f"not a feed ({reason})") from None
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for item in items:
        link = item.get("link") if isinstance(item, dict) else None
        absolute = absolute_web_url(url, link)
        if absolute is None or absolute in seen:
            continue
        seen.add(absolute)
        published, updated = item.get("published"), item.get("updated")
        entries.append(FeedEntry(
            absolute, _moment(published) if isinstance(published, str) else None,
            _moment(updated) if isinstance(updated, str) else None, _clean_title(item.get("title"))))
    return entries


# --- which URLs to follow ----------------------------------------------------------------------

#: Query parameters that say where a click came from, not which page it is.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "cmpid", "ocid",
    "ito", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "wt.mc_id", "spm",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def _tracking(piece: str) -> bool:
    key = piece.partition("=")[0].lower()
    return key in TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)


def normalize_url(url: str) -> str | None:
    """The frontier's spelling of ``url``: scheme and host lower case (IDN hosts in punycode), no
    default port, no user info, no fragment, no tracking parameters (utm_*, fbclid, gclid …),
    the other query parameters kept in their order, spaces and non-ASCII percent-encoded
    (existing escapes kept), an empty path as "/". None for non-http(s) or malformed URLs."""
    if not isinstance(url, str):
        return None
    parts = split_url(url.strip())
    if parts is None or parts.scheme.lower() not in _WEB:
        return None
    scheme = parts.scheme.lower()
    try:
        host = parts.hostname
        port = parts.port
    except ValueError:  # a port out of range or not a number
        return None
    if not host or _BAD_HOST_CHAR.search(host):
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = quote(parts.path, safe=_PATH_SAFE) or "/"
    pieces = [p for p in parts.query.split("&") if p and not _tracking(p)]
    query = quote("&".join(pieces), safe=_QUERY_SAFE)
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


_ASSET = re.compile(
    r"\.(?:jpe?g|png|gif|webp|avif|svg|ico|bmp|tiff?|css|js|mjs|map|json|xml|rss|atom|txt|pdf|zip|gz|rar|7z|"
    r"mp3|mp4|m4a|m4v|webm|ogg|wav|mov|avi|woff2?|ttf|eot|otf|apk|exe|dmg|csv|xlsx?|docx?|pptx?)$")
#: Path segments of listing, account and utility pages.
_NON_ARTICLE_SEGMENTS = frozenset({
    "tag", "tags", "topic", "topics", "category", "categories", "section", "sections", "author", "authors",
    "writer", "writers", "columnist", "columnists", "profile", "search", "page", "pages", "feed", "feeds", "rss",
    "login", "logout", "signin", "sign-in", "signup", "sign-up", "register", "subscribe", "subscription",
    "account", "my-account", "user", "users", "newsletter", "newsletters", "about", "about-us", "contact",
    "contact-us", "privacy", "privacy-policy", "terms", "terms-of-use", "terms-and-conditions", "cookie-policy",
    "advertise", "careers", "sitemap", "archive", "archives", "wp-admin", "wp-login.php", "wp-json",
    "wp-content", "wp-includes", "static", "assets", "cdn-cgi", "cart", "checkout", "shop", "epaper", "e-paper",
    "photos", "photo-gallery", "gallery", "galleries", "slideshow", "videos", "live-tv", "podcasts",
    "articlelist", "latest-news", "most-read", "trending", "share", "print", "comments", "amp-stories",
    "web-stories", "weather", "horoscope", "crossword", "games", "jobs", "classifieds", "obituaries",
})
_NON_ARTICLE_QUERY = re.compile(r"(?:^|&)(?:s|q|query|search|page|paged|tag|cat|category|author|replytocom|share)=",
                                re.IGNORECASE)
_YEAR = re.compile(r"(?:199\d|20\d\d)")
_MONTH = re.compile(r"(?:0?[1-9]|1[0-2])")
_DAY = re.compile(r"(?:0?[1-9]|[12]\d|3[01])")
#: An article id in the query (WordPress's ?p=123, older CMSs' story.php?id=…).
_ID_QUERY = re.compile(r"(?:^|&)(?:p|id|aid|sid|nid|storyid|story_id|articleid|article_id|newsid|news_id)=\d{3,}(?:&|$)",
                       re.IGNORECASE)
_LONG_ID = re.compile(r"(?<!\d)\d{6,}(?!\d)")
_WORD_SPLIT = re.compile(r"[-_]+")


def _is_slug(segment: str) -> bool:
    # "pakistan-defence-minister-seeks-deeper-ties": several words, mostly letters
    words = [w for w in _WORD_SPLIT.split(segment.rsplit(".", 1)[0]) if w]
    return len(words) >= 4 and sum(1 for w in words if any(c.isalpha() for c in w)) >= 3


def _dated(segments: list[str]) -> bool:
    # /2025/04/21/some-story or /2025/04/story: a date then more path; /2025/04/ and
    # /2025/04/21/ alone are the archive pages of a month and a day
    for i in range(len(segments) - 2):
        if _YEAR.fullmatch(segments[i]) and _MONTH.fullmatch(segments[i + 1]):
            rest = segments[i + 2:]
            if rest and _DAY.fullmatch(rest[0]):
                rest = rest[1:]
            return bool(rest)
    return False


def looks_like_article(url: str) -> bool:
    """Whether ``url`` looks like one article's page, for a shallow walk of a site's links: a
    slug of several hyphenated words, a long numeric id or a /YYYY/MM/ date followed by more
    path; never a listing (tag, category, author, search, page …), account or utility page, a
    feed, or a static file. Whether the URL is on the right site is the caller's check."""
    parts = split_url(url) if isinstance(url, str) else None
    if parts is None or parts.scheme.lower() not in _WEB or host_of(url) is None:
        return False
    path = parts.path.lower()
    segments = [s for s in path.split("/") if s]
    if _ASSET.search(path) or not (segments or parts.query):
        return False
    if any(s in _NON_ARTICLE_SEGMENTS for s in segments):
        return False
    if _NON_ARTICLE_QUERY.search(parts.query):
        return False
    if _dated(segments) or _ID_QUERY.search(parts.query):
        return True
    return any(_is_slug(s) or _LONG_ID.search(s) for s in segments)
