"""Extract an :class:`Article` (metadata and article text) from a :class:`RawDocument`.

HTML is parsed with selectolax (lexbor); this is the only module that imports it. Metadata comes
from Open Graph / JSON-LD / meta tags; the body from the main article container, chosen by
semantic markup (``<article>``, ``itemprop=articleBody``, ``<main>``) or, failing that, by
paragraph-text score. Plain text and Markdown are split into paragraphs at blank lines; single
newlines inside a paragraph are kept as they are. Elements that are furniture by tag or class
(nav, footer, share bars, comment sections …) are dropped; credit and furniture lines that remain in
the article text stay there and are marked (``Article.credits`` / ``Article.furniture``).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from provenance.credits import find_credits, resolve_outlet
from provenance.decode import decode_bytes, looks_like_html
from provenance.errors import ExtractionError, InputError
from provenance.furniture import find_furniture
from provenance.models import Article, Credit, RawDocument
from provenance.settings import DEFAULT_SETTINGS, Settings

__all__ = ["extract_article", "extract_html", "extract_text", "parse_datetime"]

#: Elements whose content is never article text.
DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "button", "select", "textarea",
             "input", "object", "embed", "canvas")
#: Page-structure elements that are furniture, unless one holds most of the page's text (ASP.NET
#: pages wrap the whole page in a <form>; some sites put the whole article in a <header>).
STRUCTURE_TAGS = ("nav", "header", "footer", "aside", "form", "dialog", "menu")
#: class/id words (split at "-", "_" and spaces) that mark page furniture containers. A word
#: matches when it equals one of these, or starts with one longer than three letters
#: ("sharedaddy", "comments"); "ad" and "nav" only match whole words ("header", "canvas").
BOILERPLATE_WORDS = ("menu", "nav", "navbar", "navigation", "share", "sharing", "social", "cookie", "newsletter",
                     "subscribe", "subscription", "comment", "related", "sidebar", "advert", "ad", "ads",
                     "adsense", "breadcrumb", "promo", "popup", "modal", "disqus", "outbrain", "taboola",
                     "recommended", "trending", "widget", "signup", "paywall", "toolbar", "caption", "gallery",
                     "slideshow", "carousel", "byline", "timestamp", "hidden", "sronly", "screenreader", "visually")
#: class/id words that start like a furniture word but name article content.
NOT_BOILERPLATE_WORDS = frozenset({"commentary", "commentaries", "shared"})
#: Furniture suspects whose text share is checked at most (each check walks the suspect's subtree).
FURNITURE_MAX_CHECKS = 400
#: class words after which a furniture word describes the page layout, not the element.
LAYOUT_MODIFIERS = frozenset({"has", "with", "w", "no", "without", "and", "show", "hide", "is"})
#: A furniture-looking container that holds more than this share of the page's paragraph text is
#: the article itself wearing an unlucky class ("content has-sidebar", id="main-comments-wrap").
BOILERPLATE_MAX_TEXT_SHARE = 0.4
#: Tags that break text into blocks; everything else is inline.
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr",
    "td", "th", "figure", "figcaption", "hr", "address", "details", "summary", "center", "caption",
    "aside", "nav", "body", "html",
})
#: Blocks not emitted as article text: the headline (kept as title) and captions of pictures.
SKIP_BLOCK_TAGS = frozenset({"h1", "figcaption", "figure", "caption"})
#: How much a block's text counts when it votes for its container, by tag: list items and table
#: cells are mostly teaser lists and data, headings are not prose. Other blocks count fully.
BLOCK_VOTE_WEIGHTS = {"li": 0.3, "dd": 0.3, "dt": 0.0, "td": 0.5, "th": 0.0, "h1": 0.0, "h2": 0.0, "h3": 0.0,
                      "h4": 0.0, "h5": 0.0, "h6": 0.0}
#: A block ending in an ellipsis is a teaser of another article, not this one's prose.
TEASER_VOTE_WEIGHT = 0.2
#: A text block shorter than this many characters does not vote for its container (labels, dates).
MIN_SCORED_BLOCK_CHARS = 25
#: A semantic container (<article>, <main> …) is trusted when it holds at least this share of the
#: paragraph text of the best-scored container; teaser <article>s on index pages hold far less.
SEMANTIC_MIN_SHARE = 0.5
#: Semantic containers compared at most (an index page can hold thousands of teaser <article>s).
SEMANTIC_MAX_CANDIDATES = 200
#: Among nested semantic containers, the innermost one holding this share of the largest one's
#: paragraph text wins (articleBody inside article inside main).
NESTED_KEEP_SHARE = 0.85
#: Elements that microdata marks as the article (or its body).
ARTICLE_MICRODATA = ('[itemprop="articleBody"], [itemtype*="Article"], [itemtype*="BlogPosting"], '
                     '[itemprop="blogPost"]')
#: A microdata-marked container wins over unmarked ones when it holds at least this share of the
#: largest one's text (index pages repeat teasers in plain <article>s).
MARKED_MIN_SHARE = 0.3
#: A block whose characters are mostly link text is a list of links (related stories, tags).
LINK_BLOCK_MAX_DENSITY = 0.7
#: A title is at most this many words (a first line longer than that is a paragraph).
TITLE_MAX_WORDS = 25
#: Separators between a headline and the site name in <title>.
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ", " · ")
#: A trailing <title> segment this short is a site name, not part of the headline.
TITLE_SUFFIX_MAX_WORDS = 5
#: A byline is at most this many words ("By Jane Doe and John Roe").
BYLINE_MAX_WORDS = 8
#: Byline elements read at most (a page may tag every comment with class "author").
BYLINE_MAX_NODES = 50
#: JSON-LD types that describe the article itself.
ARTICLE_TYPES = frozenset({"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                           "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "techarticle",
                           "scholarlyarticle", "socialmediaposting", "liveblogposting", "posting", "report"})
#: Meta tags that carry the publication time, strongest first. Modification times are never used.
PUBLISHED_META = (
    ("property", "article:published_time"), ("property", "og:published_time"),
    ("itemprop", "datepublished"), ("name", "article:published_time"), ("name", "pubdate"),
    ("name", "publishdate"), ("name", "publish-date"), ("name", "publish_date"), ("name", "date"),
    ("name", "dc.date.issued"), ("name", "sailthru.date"), ("name", "parsely-pub-date"),
    ("property", "rnews:datepublished"), ("name", "citation_publication_date"),
)  # names casefolded, as _meta_index stores them

_WS = re.compile(r"[^\S\n]+")
_WORD = re.compile(r"\w+")
_BYLINE_PREFIX = re.compile(r"^\s*(?:(?:written|posted|reported|story)\s+)?(?:by|von|par|por|di)\s*:?\s+", re.I)
_BULLET_LINE = re.compile(r"^[ \t]*(?:[•●▪◦·■□➢►‣⁃]|[-*+](?=\s))[ \t]*", re.M)
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", re.M)
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.M)


# --------------------------------------------------------------------------------------------------
# entry point


def extract_article(raw: RawDocument, settings: Settings = DEFAULT_SETTINGS) -> Article:
    """Extract the article of ``raw``. Raises :class:`InputError` for empty or binary input and
    :class:`ExtractionError` when fewer than ``settings.min_article_words`` words of text remain."""
    if isinstance(raw.content, bytes):
        if len(raw.content) > settings.max_input_bytes:
            raise InputError(raw.origin, f"input larger than {settings.max_input_bytes} bytes")
        if not raw.content.strip():
            raise InputError(raw.origin, "empty file")
        content, _ = decode_bytes(raw.content, raw.content_type, origin=raw.origin)
    else:
        content = raw.content.replace("\r\n", "\n").replace("\r", "\n")
    content = content.lstrip("\ufeff")
    if not content.strip():
        raise InputError(raw.origin, "empty document")

    hint = (raw.format_hint or "").strip().lower()
    is_html = hint == "html" if hint in ("html", "text", "txt", "markdown", "md") else looks_like_html(content)
    article = extract_html(content, raw.url) if is_html else extract_text(content, raw.url)

    article = _with_overrides(article, raw)
    words = len(_WORD.findall(article.body))
    if words < settings.min_article_words:
        raise ExtractionError(raw.origin, f"no article text found ({words} words)")
    return article


def _with_overrides(article: Article, raw: RawDocument) -> Article:
    """Facts the input declares (a JSON record's site/title/published) win over extracted ones."""
    published = article.published_at
    if raw.published is not None:
        published = _as_utc(raw.published)
    return replace(
        article,
        site=raw.site or article.site,
        title=raw.title or article.title,
        published_at=published,
        fetched_at=raw.fetched,
    )


# --------------------------------------------------------------------------------------------------
# plain text and Markdown


def extract_text(content: str, url: str) -> Article:
    """An :class:`Article` from plain text or Markdown.

    Paragraphs are blocks separated by blank lines; single newlines inside a paragraph are kept.
    The first line is the title when it looks like a headline; a one-word section label above it
    ("Military") stays in the text, marked as furniture.
    """
    content = _MD_HEADING.sub(r"\1", content)
    content = _MD_QUOTE.sub("", content)
    content = _MD_LINK.sub(r"\1", content)
    content = _MD_EMPHASIS.sub(r"\2", content)
    content = _BULLET_LINE.sub("", content)
    blocks = []
    for block in re.split(r"\n[ \t]*\n", content):
        lines = [_WS.sub(" ", line).strip() for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            blocks.append(lines)

    title = None
    title_index = 0
    if len(blocks) > 1 and len(blocks[0]) == 1 and _is_section_label(blocks[0][0]):
        title_index = 1
    if title_index < len(blocks) and _looks_like_headline(blocks[title_index][0]) and (
        len(blocks[title_index]) > 1 or title_index + 1 < len(blocks)
    ):
        title = blocks[title_index][0]
        del blocks[title_index][0]
        if not blocks[title_index]:
            del blocks[title_index]
    text = "\n\n".join("\n".join(lines) for lines in blocks)
    return Article(
        url=url,
        text=text,
        format="text",
        title=title,
        credits=find_credits(text),
        furniture=find_furniture(text),
    )


def _is_section_label(line: str) -> bool:
    return len(line.split()) == 1 and line[:1].isupper() and line[-1].isalnum()


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    return 1 < len(words) <= TITLE_MAX_WORDS and not line.endswith((".", ":", ";", ","))


# --------------------------------------------------------------------------------------------------
# HTML


def extract_html(html: str, url: str) -> Article:
    """An :class:`Article` from an HTML page (metadata and main-container text)."""
    tree = LexborHTMLParser(html)
    metas = _meta_index(tree)
    ld_objects = _json_ld_objects(tree)
    ld_article = _ld_article(ld_objects)
    page_is_web = urlsplit(url).scheme in ("http", "https")

    canonical = _canonical_url(tree, metas, url if page_is_web else None)
    site = _first(metas.get(("property", "og:site_name")), _ld_name(ld_article.get("publisher")),
                  _ld_name(_ld_find(ld_objects, ("newsmediaorganization", "organization"), "name")))
    if not site:
        site = _host(canonical) or (_host(url) if page_is_web else None)
    published = _published_at(tree, metas, ld_article, ld_objects)
    authors = _authors(tree, metas, ld_article)
    h1 = tree.css_first("h1")
    h1_text = _collapse(h1.text()) if h1 is not None else ""
    title = _first(metas.get(("property", "og:title")), metas.get(("name", "og:title")),
                   _ld_text(ld_article.get("headline")), h1_text, _page_title(tree, site))
    title = _without_site_suffix(title, site) if title else None

    body = tree.body
    text = ""
    if body is not None:
        tree.strip_tags(list(DROP_TAGS), recursive=True)
        _drop_furniture_containers(body)
        container = _main_container(body)
        blocks = _blocks(container)
        if blocks and title and _same_text(blocks[0], title):
            blocks = blocks[1:]
        text = "\n\n".join(blocks)

    credits = list(find_credits(text))
    page_host = _host(url) if page_is_web else None
    canonical_host = _host(canonical)
    if page_host and canonical_host and canonical_host != page_host:
        outlet, host = resolve_outlet(canonical_host)
        credits.append(Credit(phrase=canonical, outlet=outlet, host=host or canonical_host, kind="canonical",
                              start=-1, end=-1))
    for key in (("name", "syndication-source"), ("name", "original-source")):
        value = metas.get(key)
        if value:
            outlet, host = resolve_outlet(_host(value) or value)
            credits.append(Credit(phrase=value, outlet=outlet, host=host, kind="meta", start=-1, end=-1))
    return Article(
        url=url,
        text=text,
        format="html",
        title=title or None,
        canonical_url=canonical,
        site=site or None,
        published_at=published,
        authors=authors,
        credits=tuple(credits),
        furniture=find_furniture(text),
    )


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return _collapse(value)
    return None


def _same_text(a: str, b: str) -> bool:
    return _WORD.findall(a.casefold()) == _WORD.findall(b.casefold())


def _host(url: str | None) -> str | None:
    if not url or "://" not in url:
        return None
    host = (urlsplit(url).hostname or "").casefold()
    host = host[4:] if host.startswith("www.") else host
    return host or None


def _meta_index(tree: LexborHTMLParser) -> dict[tuple[str, str], str]:
    """First content of each meta tag by (attribute kind, casefolded name): ("property", "og:title")."""
    index: dict[tuple[str, str], str] = {}
    for meta in tree.css("meta"):
        attrs = meta.attributes
        content = attrs.get("content")
        if content is None:
            continue
        for kind in ("property", "name", "itemprop"):
            key = attrs.get(kind)
            if key:
                index.setdefault((kind, key.strip().casefold()), content)
    return index


# ---- JSON-LD


def _json_ld_objects(tree: LexborHTMLParser) -> list[dict]:
    """Every JSON object in the page's JSON-LD scripts, flattened (lists and @graph)."""
    objects: list[dict] = []
    for script in tree.css('script[type="application/ld+json"]'):
        raw = script.text() or ""
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            # Pages often leave a trailing comma or an HTML comment around the JSON.
            try:
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw.strip().strip("<!->")), strict=False)
            except ValueError:
                continue
        pending = [data]
        while pending and len(objects) < 500:
            item = pending.pop()
            if isinstance(item, list):
                pending.extend(reversed(item))
            elif isinstance(item, dict):
                objects.append(item)
                graph = item.get("@graph")
                if isinstance(graph, (list, dict)):
                    pending.append(graph)
                main = item.get("mainEntity")
                if isinstance(main, (list, dict)):
                    pending.append(main)
    return objects


def _ld_types(obj: dict) -> set[str]:
    types = obj.get("@type")
    if isinstance(types, str):
        types = [types]
    return {str(t).casefold() for t in types} if isinstance(types, list) else set()


def _ld_article(objects: list[dict]) -> dict:
    for obj in objects:
        if _ld_types(obj) & ARTICLE_TYPES:
            return obj
    for obj in objects:
        if "headline" in obj or "articleBody" in obj:
            return obj
    return {}


def _ld_find(objects: list[dict], types: tuple[str, ...], field: str):
    for obj in objects:
        if _ld_types(obj) & set(types) and obj.get(field):
            return obj.get(field)
    return None


def _ld_text(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    return value if isinstance(value, str) else None


def _ld_name(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and value.strip() and "://" not in value:
        return value
    return None


# ---- title, canonical URL, date, authors


def _page_title(tree: LexborHTMLParser, site: str | None) -> str | None:
    node = tree.css_first("title")
    title = _collapse(node.text()) if node is not None else ""
    if not title:
        return None
    for separator in TITLE_SEPARATORS:
        if separator in title:
            head, _, tail = title.rpartition(separator)
            is_site = site and _WORD.findall(tail.casefold()) == _WORD.findall(site.casefold())
            if head and (is_site or len(tail.split()) <= TITLE_SUFFIX_MAX_WORDS):
                return head.strip()
    return title


def _without_site_suffix(title: str, site: str | None) -> str:
    """"Headline | Site" → "Headline" when the tail names the site (og:title often carries it)."""
    if not site:
        return title
    site_words = _WORD.findall(site.casefold())
    for separator in TITLE_SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and head.strip() and _WORD.findall(tail.casefold()) == site_words:
            return head.strip()
    return title


def _canonical_url(tree: LexborHTMLParser, metas: dict[tuple[str, str], str], base: str | None) -> str | None:
    href = None
    for link in tree.css("link[rel][href]"):
        if "canonical" in (link.attributes.get("rel") or "").casefold().split():
            href = link.attributes.get("href")
            break
    href = (href or metas.get(("property", "og:url")) or "").strip()
    if not href:
        return None
    if base:
        href = urljoin(base, href)
    return href if urlsplit(href).scheme in ("http", "https") else None


def parse_datetime(value: str | None) -> datetime | None:
    """A timezone-aware UTC datetime from an ISO 8601, RFC 2822 or bare YYYY-MM-DD string (naive
    times are taken as UTC); None when the string is not a date."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if not value:
        return None
    candidate = value.replace("Z", "+00:00").replace("z", "+00:00")
    candidate = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", candidate)  # +0530 → +05:30
    candidate = re.sub(r"^(\d{4}-\d{2}-\d{2}) (\d)", r"\1T\2", candidate)
    for attempt in (candidate, candidate[:25], candidate[:19], candidate[:10]):
        try:
            return _as_utc(datetime.fromisoformat(attempt))
        except ValueError:
            continue
    try:
        return _as_utc(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        pass
    match = re.search(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b", value)
    if match:
        try:
            return datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=timezone.utc)
        except ValueError:
            return None
    return None


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _published_at(
    tree: LexborHTMLParser, metas: dict[tuple[str, str], str], ld_article: dict, ld_objects: list[dict]
) -> datetime | None:
    candidates = [_ld_text(ld_article.get("datePublished"))]
    candidates += [_ld_text(obj.get("datePublished")) for obj in ld_objects if obj is not ld_article]
    candidates += [metas.get(key) for key in PUBLISHED_META]
    for node in tree.css('[itemprop="datePublished"]'):
        candidates.append(node.attributes.get("content") or node.attributes.get("datetime") or node.text())
    container = tree.css_first("article") or tree.body
    if container is not None:
        for node in container.css("time[datetime]"):
            candidates.append(node.attributes.get("datetime"))
            break
    for candidate in candidates:
        moment = parse_datetime(candidate)
        if moment is not None:
            return moment
    return None


def _authors(tree: LexborHTMLParser, metas: dict[tuple[str, str], str], ld_article: dict) -> tuple[str, ...]:
    """Author names: JSON-LD and meta tags when they name anyone, else bylines in the page."""
    names: list[str] = []
    authors = ld_article.get("author")
    for author in authors if isinstance(authors, list) else [authors]:
        names.append(_ld_name(author) or "")
    for key in (("name", "author"), ("property", "article:author"), ("name", "article:author")):
        names.append(metas.get(key) or "")
    cleaned = [name for name in map(_clean_author, names) if name]
    if not cleaned:
        # Page bylines are noisier (dates, job titles, "Biography" links): only as a fallback.
        for node in tree.css('[rel~="author"], [itemprop="author"], [class*="byline"], [class*="author"]')[
            :BYLINE_MAX_NODES
        ]:
            inner = node.css_first('[itemprop="name"]')
            name = _clean_author((inner or node).text())
            if name:
                cleaned.append(name)
    unique: list[str] = []
    for name in cleaned:
        folded = name.casefold()
        # "Roger Gonzalez CBS Sports Writer" after "Roger Gonzalez" is the same person.
        if not any(folded == kept.casefold() or folded.startswith(kept.casefold() + " ") for kept in unique):
            unique.append(name)
    return tuple(unique)


def _clean_author(value: str | None) -> str | None:
    """A person's name from a byline string, or None when it is not one (a date, a URL, a handle)."""
    name = _collapse(value)
    name = _BYLINE_PREFIX.sub("", name)
    name = re.split(r"\s+(?:\||•|·|–|—|-)\s+|,\s*(?=[A-Z][\w ]*(?:Writer|Editor|Reporter|Correspondent|Staff))",
                    name)[0]
    name = name.strip(" ,;:|")
    if not name or len(name.split()) > BYLINE_MAX_WORDS or any(ch.isdigit() for ch in name):
        return None
    if "://" in name or "@" in name or not name[0].isalpha():
        return None
    if name.casefold() in {"biography", "author", "authors", "staff", "admin", "by"}:
        return None
    return name


# ---- body


def _class_words(node: LexborNode) -> list[str]:
    """The words of the class and id, without those that describe the layout around the element
    ("has-sidebar", "and-w-sidebar", "no-comments" name a page that has one, not the element)."""
    attrs = node.attributes
    words = []
    for token in f"{attrs.get('class') or ''} {attrs.get('id') or ''}".casefold().split():
        parts = [part for part in re.split(r"[_\-]+", token) if part]
        words.extend(part for index, part in enumerate(parts) if index == 0 or parts[index - 1] not in LAYOUT_MODIFIERS)
    return words


def _is_boilerplate_container(node: LexborNode) -> bool:
    attrs = node.attributes
    if attrs.get("hidden") is not None or attrs.get("aria-hidden") == "true":
        return True
    style = (attrs.get("style") or "").replace(" ", "").casefold()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    if (attrs.get("role") or "").casefold() in ("navigation", "banner", "contentinfo", "complementary"):
        return True
    for word in _class_words(node):
        if word in NOT_BOILERPLATE_WORDS:
            continue
        for marker in BOILERPLATE_WORDS:
            # Short markers ("ad", "nav") only as whole words: "header" and "canvas" are not ads.
            if word == marker or (len(marker) > 3 and word.startswith(marker)):
                return True
    return False


def _content_chars(node: LexborNode) -> int:
    """Characters of paragraph-like text under ``node``: text runs of at least
    MIN_SCORED_BLOCK_CHARS, whatever element holds them (menus and link lists are short runs)."""
    total = 0.0
    for run in (node.text(separator="\x00") or "").split("\x00"):
        run = run.strip()
        if len(run) >= MIN_SCORED_BLOCK_CHARS:
            total += len(run) * (TEASER_VOTE_WEIGHT if run.endswith(("...", "…")) else 1.0)
    return int(total)


def _drop_furniture_containers(body: LexborNode) -> None:
    """Drop page-structure and furniture-classed elements in place.

    One depth-first pass that does not descend into a dropped element; the text-share guard (a
    subtree walk) runs for at most FURNITURE_MAX_CHECKS suspects, so nested furniture-classed
    wrappers cannot make the pass quadratic. All removals happen after the pass.
    """
    total = _content_chars(body) or 1
    chosen: list[LexborNode] = []
    checks = 0
    stack = list(reversed(list(body.iter())))
    while stack:
        node = stack.pop()
        suspect = node.tag not in ("article", "main") and (
            node.tag in STRUCTURE_TAGS or (bool(node.attributes) and _is_boilerplate_container(node))
        )
        if suspect and checks < FURNITURE_MAX_CHECKS:
            checks += 1
            holds_article = node.css_first('[itemprop="articleBody"]') is not None
            if not holds_article and _content_chars(node) <= BOILERPLATE_MAX_TEXT_SHARE * total:
                chosen.append(node)
                continue
        stack.extend(reversed(list(node.iter())))
    for node in chosen:
        node.decompose()


def _main_container(body: LexborNode) -> LexborNode:
    """The element holding the article: a semantic container with enough text, else the best-scored one."""
    scored = _best_scored(body)
    scored_chars = _content_chars(scored) if scored is not None else 0
    semantic = []
    for node in body.css(f'[itemprop="articleBody"], article, [role="main"], main, {ARTICLE_MICRODATA}')[
        :SEMANTIC_MAX_CANDIDATES
    ]:
        chars = _content_chars(node)
        if chars:
            semantic.append((chars, node))
    if semantic:
        most = max(chars for chars, _ in semantic)
        # Microdata that says "this is the article" beats a bigger block of teaser <article>s.
        marked = [(chars, node) for chars, node in semantic
                  if chars >= MARKED_MIN_SHARE * most and node.css_matches(ARTICLE_MICRODATA)]
        if marked:
            semantic = marked
            most = max(chars for chars, _ in semantic)
        if most >= SEMANTIC_MIN_SHARE * scored_chars:
            # The innermost of the containers that hold (nearly) all of it: the tightest fit.
            fitting = [node for chars, node in semantic if chars >= NESTED_KEEP_SHARE * most]
            return min(fitting, key=lambda n: len(n.text() or ""))
    return scored if scored is not None else body


def _best_scored(body: LexborNode) -> LexborNode | None:
    """Readability-style scoring: each paragraph-like block votes its text length for its parent
    (and half for its grandparent); link-dense candidates are penalised."""
    direct_chars: dict[int, int] = {}
    teasers: set[int] = set()
    lineage: dict[int, tuple[LexborNode | None, LexborNode | None, str]] = {}
    stack: list[tuple[LexborNode, bool]] = [(body, False)]
    open_blocks: list[LexborNode] = []
    while stack:
        node, leaving = stack.pop()
        if leaving:
            open_blocks.pop()
            continue
        if node.is_text_node:
            if open_blocks:
                block_id = open_blocks[-1].mem_id
                value = (node.text_content or "").strip()
                if value:
                    direct_chars[block_id] = direct_chars.get(block_id, 0) + len(value)
                    if value.endswith(("...", "…")):
                        teasers.add(block_id)
                    else:
                        teasers.discard(block_id)
            continue
        if not node.is_element_node:
            continue
        if node.tag in BLOCK_TAGS:
            parent = node.parent
            lineage[node.mem_id] = (parent, parent.parent if parent is not None else None, node.tag)
            open_blocks.append(node)
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    for block_id, chars in direct_chars.items():
        if chars < MIN_SCORED_BLOCK_CHARS:
            continue
        parent, grandparent, tag = lineage[block_id]
        vote = chars * BLOCK_VOTE_WEIGHTS.get(tag, 1.0) * (TEASER_VOTE_WEIGHT if block_id in teasers else 1.0)
        for ancestor, weight in ((parent, 1.0), (grandparent, 0.5)):
            if vote and ancestor is not None and ancestor.is_element_node:
                scores[ancestor.mem_id] = scores.get(ancestor.mem_id, 0.0) + weight * vote
                nodes[ancestor.mem_id] = ancestor
    if not scores:
        return None
    top = sorted(scores, key=scores.get, reverse=True)[:5]
    return max((nodes[i] for i in top), key=lambda n: scores[n.mem_id] * (1 - _link_density(n)))


def _link_density(node: LexborNode) -> float:
    total = len(_collapse(node.text()))
    if not total:
        return 1.0
    links = sum(len(_collapse(a.text())) for a in node.css("a"))
    return min(1.0, links / total)


def _blocks(container: LexborNode) -> list[str]:
    """Block texts of ``container`` in document order, inline whitespace collapsed (a <br> is a newline)."""
    blocks: list[str] = []
    pieces: list[str] = []
    counts = {"link": 0}
    link_depth = 0

    def flush() -> None:
        text = "".join(pieces)
        pieces.clear()
        link_chars = counts["link"]
        counts["link"] = 0
        lines = [_WS.sub(" ", line).strip() for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if not text:
            return
        if link_chars > LINK_BLOCK_MAX_DENSITY * len(text):
            return
        blocks.append(text)

    stack: list[tuple[LexborNode, bool]] = [(container, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            if node.tag == "a":
                link_depth -= 1
            elif node.tag in BLOCK_TAGS:
                flush()
            continue
        if node.is_text_node:
            value = (node.text_content or "").replace("\n", " ")
            pieces.append(value)
            if link_depth:
                counts["link"] += len(value.strip())
            continue
        if not node.is_element_node:
            continue
        tag = node.tag
        if tag in SKIP_BLOCK_TAGS:
            continue
        if tag == "br":
            pieces.append("\n")
            continue
        if tag in BLOCK_TAGS:
            flush()
        elif tag == "a":
            link_depth += 1
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
    flush()
    return blocks
