"""One pass over a parsed HTML page: everything the extractor reads of it, in a :class:`PageScan`.

HTML is parsed with selectolax (lexbor); this is the only module that imports it. One depth-first
pass over the tree (:func:`scan_page`) collects everything: meta tags, JSON-LD, <title>, <h1>, <time>,
microdata, bylines, and the body cut into *pieces* (the text between block boundaries) with each
element's range of pieces, and the elements suspected of being page furniture by their tag, role,
class or id. Choosing the body (:mod:`provenance.extract.htmlbody`) and the metadata
(:mod:`provenance.extract.metadata`) is arithmetic on the scan, without the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from provenance.extract.metadata.dates import date_in_text
from provenance.nesting import bounded_nesting
from provenance.nesting.elements import VOID_ELEMENTS
from provenance.settings import Settings

__all__ = ["PageScan", "parse_page", "scan_page"]

#: Elements whose content is never article text (an ld+json <script> is read for metadata).
DROP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "button", "select",
                       "textarea", "input", "object", "embed", "canvas", "math", "video", "audio", "map"})
#: Elements read for metadata only.
HEAD_TAGS = frozenset({"meta", "link", "title", "base"})
#: Elements with no article text of their own (a <br> is a line break; <meta> and <link> are read for
#: metadata): the void elements, and <picture>, whose <source>s and <img> hold no text either.
VOID_TAGS = (VOID_ELEMENTS - DROP_TAGS) | {"picture"}
#: Distinct class/id strings whose verdict is remembered (pages and sites repeat them).
NAMES_CACHE_SIZE = 8192
#: ARIA roles of page furniture.
FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary"})
#: Page-structure elements that are furniture, unless one holds most of the page's text (ASP.NET
#: pages wrap the whole page in a <form>; some sites put the whole article in a <header>).
STRUCTURE_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "dialog", "menu"})
#: class/id words (split at "-", "_" and spaces) that mark page furniture containers when a word
#: equals one of them ("ad" and "nav" only as whole words: "header" and "canvas" are not ads)…
SHORT_BOILERPLATE_WORDS = frozenset({"nav", "ad", "ads"})
#: …or starts with one of these ("sharedaddy", "comments").
LONG_BOILERPLATE_WORDS = (
    "menu", "navbar", "navigation", "share", "sharing", "social", "cookie", "newsletter", "subscribe",
    "subscription", "comment", "related", "sidebar", "advert", "adsense", "breadcrumb", "promo", "popup",
    "modal", "disqus", "outbrain", "taboola", "recommended", "trending", "widget", "signup", "paywall",
    "toolbar", "caption", "gallery", "slideshow", "carousel", "byline", "timestamp", "hidden", "sronly",
    "screenreader", "visually",
)
#: class/id words that start like a furniture word but name article content.
NOT_BOILERPLATE_WORDS = frozenset({"commentary", "commentaries", "shared"})
#: class words after which a furniture word describes the page layout, not the element.
LAYOUT_MODIFIERS = frozenset({"has", "with", "w", "no", "without", "and", "show", "hide", "is"})
#: Tags that break text into blocks; everything else is inline.
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr",
    "td", "th", "figure", "figcaption", "hr", "address", "details", "summary", "center", "caption",
    "aside", "nav", "body", "html", "form",
})
#: Blocks not emitted as article text: the headline (kept as title) and captions of pictures.
SKIP_BLOCK_TAGS = frozenset({"h1", "figcaption", "figure", "caption"})
#: <h1> elements read at most (index pages repeat them per teaser).
MAX_H1S = 20
#: class/id words of a kicker (the topic line above or before a headline) inside an <h1>.
KICKER_CLASS_WORDS = ("kicker", "overline", "topline", "supertitle", "dachzeile", "roofline", "eyebrow",
                      "spitzmarke")
#: class/id words of an element only screen readers see.
HIDDEN_CLASS_WORDS = ("visually-hidden", "visuallyhidden", "sr-only", "screen-reader", "screenreader",
                      "hiddendash", "hidden")
#: Elements of an <h1> that are not headline text (ruby annotations, scripts).
HEADLINE_SKIP_TAGS = frozenset({"rt", "rp", "script", "style", "noscript", "template", "svg", "button"})
#: Separator characters left at the ends of a headline once its kicker is removed ("Kicker : Headline").
HEADLINE_STRIP_CHARS = " :|–—-·•/"
#: Byline elements read at most (a page may tag every comment with class "author").
BYLINE_MAX_NODES = 50
#: <script> elements kept for the last-resort date search.
MAX_SCRIPTS = 100
#: <time> elements read at most.
MAX_TIMES = 50
#: RDFa properties (on any element, after their vocabulary prefix) that carry the publication time.
RDFA_DATE_PROPERTIES = ("datepublished", "datecreated", "dc:date", "dc:created", "dcterms:created", "dcterms:issued")

_WORD = re.compile(r"\w+")
# Cheap first test for furniture class/id words: a long word starting a name part, or a short one
# standing alone; at the start, or after a separator. Two patterns, not one with "(?:^|[\s_\-])": a
# pattern opening with a character class is scanned for quickly, an alternation is tried everywhere.
_FURNITURE_WORD = r"(?:" + "|".join(LONG_BOILERPLATE_WORDS) + r"|(?:nav|ads?)(?=$|[\s_\-]))"
_FURNITURE_HINT_AT_START = re.compile(_FURNITURE_WORD)
_FURNITURE_HINT_AFTER_SEPARATOR = re.compile(r"[\s_\-]" + _FURNITURE_WORD)
_KICKER_CLASS = re.compile("|".join(KICKER_CLASS_WORDS))
_HIDDEN_CLASS = re.compile("|".join(HIDDEN_CLASS_WORDS))


def parse_page(html: str | bytes, settings: Settings, origin: str) -> LexborHTMLParser:
    """The page parsed by lexbor, its nesting bounded first (see :mod:`provenance.nesting`)."""
    return LexborHTMLParser(bounded_nesting(
        html, max_depth=settings.max_nesting_depth, max_rebuilt=settings.max_rebuilt_formatting,
        free_tags=settings.nesting_free_tags, free_rebuilds=settings.nesting_free_rebuilds,
        max_attributes=settings.max_tag_attributes, max_tags=settings.max_html_tags, origin=origin))


@dataclass(slots=True)
class PageScan:
    """What one depth-first pass over the parsed page collects.

    The body is cut into *pieces*: the text between two block boundaries, attributed to the
    innermost open block element. Every element gets its half-open range of piece indices, so the
    text share of any element (furniture suspects, scored and semantic containers) is a difference
    of prefix sums instead of a walk over its subtree.
    """

    metas: dict[tuple[str, str], str] = field(default_factory=dict)
    canonical: str | None = None
    title_tag: str | None = None
    language: str | None = None
    ld_texts: list[str] = field(default_factory=list)
    h1s: list[tuple[str, int, tuple[int, ...]]] = field(default_factory=list)  # (text, piece index, suspects around)
    times: list[tuple[str, int, tuple[int, ...]]] = field(default_factory=list)  # (datetime, piece index, suspects)
    date_props: list[str] = field(default_factory=list)  # itemprop=datePublished values
    bylines: list[tuple[LexborNode, bool, int]] = field(default_factory=list)  # (node, microdata?, piece index)
    pieces: list[str] = field(default_factory=list)
    piece_links: list[int] = field(default_factory=list)
    piece_blocks: list[tuple[int, str, int, int]] = field(default_factory=list)  # block, tag, parent, grandparent
    ranges: dict[int, tuple[int, int]] = field(default_factory=dict)
    suspects: list[int] = field(default_factory=list)  # furniture-suspect element ids, document order
    holds_article: set[int] = field(default_factory=set)  # suspects around an itemprop=articleBody
    semantic: list[tuple[int, bool]] = field(default_factory=list)  # (element id, marked by microdata)
    body_id: int = -1
    scripts: list[LexborNode] = field(default_factory=list)  # other <script>s, read only as a last resort


# What the scan does with a node, by its tag (elements not listed: 0, inline and descended into).
#: Flags of an element the scan descends into: a block, a link, a furniture suspect. A tag's kind
#: (below) starts its flags: an inline element 0, a block BLOCK, a link LINK.
BLOCK, LINK, SUSPECT = 1, 2, 4
BLOCK_OR_SUSPECT = BLOCK | SUSPECT  # either ends the piece of text before it
#: What a class or id string says (_name_verdict).
FURNITURE_NAME, BYLINE_NAME = 1, 2
_TEXT, _IGNORE, _BREAK, _HEAD, _DROP, _SKIP = 3, 4, 5, 6, 7, 8


def _tag_kinds() -> dict[str | None, int]:
    kinds: dict[str | None, int] = dict.fromkeys(BLOCK_TAGS, BLOCK)
    kinds["a"] = LINK
    kinds.update(dict.fromkeys(HEAD_TAGS, _HEAD))  # before the void ones: <title> has content
    kinds.update(dict.fromkeys(SKIP_BLOCK_TAGS, _SKIP))
    kinds.update(dict.fromkeys(DROP_TAGS, _DROP))
    kinds.update({tag: _HEAD if tag in HEAD_TAGS else _IGNORE for tag in VOID_TAGS})
    kinds["br"] = _BREAK
    kinds.update({"-text": _TEXT, "-comment": _IGNORE, "-doctype": _IGNORE, "-document": _IGNORE, None: _IGNORE})
    return kinds


_TAG_KINDS = _tag_kinds()


def _probe_tag_ids() -> tuple[int, int]:
    """lexbor's tag ids of text nodes and of <time>, read from the parser itself (they differ
    between lexbor versions)."""
    time = LexborHTMLParser("<time>x</time>").css_first("time")
    return time.first_child.tag_id, time.tag_id


_TEXT_TAG_ID, _TIME_TAG_ID = _probe_tag_ids()


def scan_page(tree: LexborHTMLParser) -> PageScan:
    scan = PageScan()
    pieces, piece_links, piece_blocks, ranges = scan.pieces, scan.piece_links, scan.piece_blocks, scan.ranges
    parts: list[str] = []
    link_chars = 0
    link_depth = 0
    # Open elements we descended into: (node, element id, flags, first piece index).
    frames: list[tuple[LexborNode, int, int, int]] = []
    blocks: list[tuple[int, str, int, int]] = [(-1, "body", -1, -1)]
    open_suspects: list[int] = []
    next_id = 0
    tag_kinds, structure_tags, attr_tags, name_verdict = (_TAG_KINDS.get, STRUCTURE_TAGS, _ATTRIBUTE_READ_TAGS,
                                                          _name_verdict)
    plain_attrs = _SPECIAL_ATTRIBUTES.isdisjoint

    def flush() -> None:
        nonlocal link_chars
        text = "".join(parts)
        parts.clear()
        if not text.isspace():
            if "\n" in text:  # a <br> inside: keep its line breaks
                text = "\n".join(line for line in [" ".join(line.split()) for line in text.split("\n")] if line)
            else:
                text = " ".join(text.split())
            if text:
                pieces.append(text)
                piece_links.append(link_chars)
                piece_blocks.append(blocks[-1])
        link_chars = 0

    # (tag, kind) by lexbor tag id, filled as ids are met: ``node.tag_id`` is cheaper than ``node.tag``,
    # which builds the name's string each time. Per page: custom elements' ids are only valid in one.
    tags_by_id: dict[int, tuple[str | None, int]] = {}
    node: LexborNode | None = tree.root
    while node is not None:
        tag_id = node.tag_id
        if tag_id == _TEXT_TAG_ID:
            kind = _TEXT
        else:
            entry = tags_by_id.get(tag_id)
            if entry is None:
                tag = node.tag
                entry = tags_by_id[tag_id] = (tag, tag_kinds(tag, 0))
            tag, kind = entry  # kind: 0 inline element, BLOCK, LINK, or one of _TEXT … _SKIP
        if kind == _TEXT:
            # Leading whitespace of a piece is nothing: the whitespace between blocks (most text
            # nodes) is told apart in C, without building its string.
            if parts or not node.is_empty_text_node:
                value = node.text_content
                if value and (parts or not value.isspace()):
                    parts.append(value.replace("\n", " ") if "\n" in value else value)
                    if link_depth:
                        link_chars += len(value.strip())
        elif kind < _TEXT:  # elements we descend into
            element_id = next_id
            next_id += 1
            flags = kind
            attrs = node.attributes
            if not attrs:
                if tag in structure_tags:
                    flags |= SUSPECT
                    scan.suspects.append(element_id)
            elif plain_attrs(attrs) and tag not in attr_tags:
                # Only class, id and the like (most elements): what the names say, cached.
                if len(attrs) > 1 or "href" not in attrs:
                    classes, name = attrs.get("class"), attrs.get("id")
                    verdict = name_verdict(classes) if classes else 0
                    if name:
                        verdict |= name_verdict(name)
                    if verdict & BYLINE_NAME and len(scan.bylines) < BYLINE_MAX_NODES:
                        scan.bylines.append((node, False, len(pieces)))
                    if verdict & FURNITURE_NAME or tag in structure_tags:
                        flags |= SUSPECT
                        scan.suspects.append(element_id)
            else:
                flags |= _read_attrs(scan, node, attrs, tag, element_id, open_suspects)
                if tag == "html":
                    scan.language = attrs.get("lang") or attrs.get("xml:lang")
            if tag == "body":
                scan.body_id = element_id
            if flags:
                if flags & BLOCK_OR_SUSPECT and parts:
                    flush()
                if flags & BLOCK:
                    blocks.append((element_id, tag, frames[-1][1] if frames else -1,
                                   frames[-2][1] if len(frames) > 1 else -1))
                if flags & LINK:
                    link_depth += 1
                if flags & SUSPECT:
                    open_suspects.append(element_id)
            child = node.first_child
            if child is not None:
                frames.append((node, element_id, flags, len(pieces)))
                node = child
                continue
            # An empty element: entered and left at once.
            if flags:
                if flags & BLOCK:
                    blocks.pop()
                if flags & LINK:
                    link_depth -= 1
                if flags & SUSPECT:
                    open_suspects.pop()
            ranges[element_id] = (len(pieces), len(pieces))
        elif kind == _BREAK:
            parts.append("\n")
        elif kind == _HEAD:
            _read_head_tag(scan, node, tag)
        elif kind == _DROP:
            if tag == "script":
                if "ld+json" in (node.attrs.get("type") or ""):
                    scan.ld_texts.append(node.text() or "")
                elif len(scan.scripts) < MAX_SCRIPTS:
                    scan.scripts.append(node)
        elif kind == _SKIP:
            if parts:
                flush()
            if tag == "h1" and len(scan.h1s) < MAX_H1S:
                headline, kicker = _headline_text(node)
                scan.h1s.append((headline, len(pieces), tuple(open_suspects)))
                # A date line built into the headline: a <time>, or a date as its kicker.
                # time[datetime] by a walk: a CSS query costs far more on a small subtree.
                values = [inner.attributes["datetime"] or "" for inner in node.traverse()
                          if inner.tag_id == _TIME_TAG_ID and "datetime" in inner.attributes]
                kicker_date = date_in_text(kicker) if kicker else None
                if kicker_date is not None:
                    values.append(kicker_date.date().isoformat())
                for value in values[: MAX_TIMES - len(scan.times)]:
                    scan.times.append((value, len(pieces), tuple(open_suspects)))
        # the next node in document order, leaving the elements we finish
        following = node.next
        while following is None and frames:
            node, element_id, flags, start = frames.pop()
            if flags:
                if flags & BLOCK_OR_SUSPECT and parts:
                    flush()
                if flags & BLOCK:
                    blocks.pop()
                if flags & LINK:
                    link_depth -= 1
                if flags & SUSPECT:
                    open_suspects.pop()
            ranges[element_id] = (start, len(pieces))
            following = node.next
        node = following
    if parts:
        flush()
    return scan


def _headline_text(h1: LexborNode) -> tuple[str, str]:
    """The headline an <h1> shows, without its kicker; and the kicker's text.

    Headlines are often built from spans: a kicker ("Klimaschutz", a section, a date), a separator
    that only screen readers see (": ", " – "), then the headline. The kicker is an element whose
    class says so (KICKER_CLASS_WORDS), a leading <small> before a line break, or everything before
    a hidden separator; it is left out. Ruby annotations (<rt>) are not part of the text.
    """
    segments: list[list[str]] = [[]]
    kickers: list[str] = []
    # Depth first without recursion (a hostile <h1> may nest thousands of elements): each entry is
    # the next child to read at one level and whether that element has shown no text yet (a
    # <small> there is a kicker).
    pending: list[tuple[LexborNode | None, bool]] = [(h1.child, True)]
    while pending:
        child, leading = pending.pop()
        while child is not None:
            tag = child.tag
            if tag == "-text":
                value = child.text_content or ""
                segments[-1].append(value)
                leading = leading and value.isspace()
            elif tag == "br":
                segments[-1].append(" ")
            elif tag in HEADLINE_SKIP_TAGS or not tag or tag[0] == "-":
                pass
            else:
                attrs = child.attributes
                names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".casefold() if attrs else ""
                if names and _KICKER_CLASS.search(names) or (
                        leading and tag == "small" and child.next is not None and child.next.tag == "br"):
                    kickers.append(child.text() or "")
                elif attrs and (attrs.get("aria-hidden") == "true" or _HIDDEN_CLASS.search(names)) \
                        and not _WORD.search(child.text() or ""):
                    segments.append([])  # a separator only screen readers see: the kicker was before it
                else:
                    pending.append((child.next, False))  # back here after the element's own children
                    child, leading = child.child, True
                    continue
            child = child.next
    text = " ".join("".join(segments[-1]).split()).strip(HEADLINE_STRIP_CHARS)
    if not text and len(segments) > 1:  # nothing after the separator: keep the whole
        text = " ".join(" ".join("".join(part) for part in segments).split()).strip(HEADLINE_STRIP_CHARS)
    else:
        kickers.extend("".join(part) for part in segments[:-1])
    return text, " ".join(" ".join(kickers).split())


def _read_head_tag(scan: PageScan, node: LexborNode, tag: str) -> None:
    if tag == "meta":
        attrs = node.attributes
        content = attrs.get("content")
        if content is None:
            return
        for kind in ("property", "name", "itemprop"):
            key = attrs.get(kind)
            if key:
                scan.metas.setdefault((kind, key.strip().casefold()), content)
                if kind == "itemprop" and key.strip().casefold() == "datepublished":
                    scan.date_props.append(content)
    elif tag == "link":
        attrs = node.attributes
        rel = (attrs.get("rel") or "").casefold().split()
        if "canonical" in rel and scan.canonical is None:
            scan.canonical = attrs.get("href")
    elif tag == "title":
        if scan.title_tag is None:
            scan.title_tag = " ".join((node.text() or "").split())


#: Attributes that :func:`_read_attrs` reads besides class and id; an element without any of them
#: (and not of a tag it reads) is judged by its class and id alone.
_SPECIAL_ATTRIBUTES = frozenset({"itemprop", "itemtype", "property", "role", "rel", "hidden", "aria-hidden",
                                 "style"})
_ATTRIBUTE_READ_TAGS = frozenset({"time", "article", "main", "html"})


def _read_attrs(scan: PageScan, node: LexborNode, attrs: dict, tag: str, element_id: int,
                open_suspects: list[int]) -> int:
    """Metadata and structure an element's attributes say; the block/suspect flags they add."""
    flags = 0
    if len(attrs) == 1 and "href" in attrs:
        return 0  # the commonest case by far: a plain link
    itemprop = attrs.get("itemprop")
    if itemprop:
        itemprop = itemprop.casefold()
        if "articlebody" in itemprop:
            scan.holds_article.update(open_suspects)
            scan.semantic.append((element_id, True))
            flags |= BLOCK
        elif "datepublished" in itemprop:
            value = attrs.get("content") or attrs.get("datetime") or node.text()
            if value:
                scan.date_props.append(value)
        elif "author" in itemprop and len(scan.bylines) < BYLINE_MAX_NODES:
            scan.bylines.append((node, True, len(scan.pieces)))
        elif itemprop == "blogpost":
            scan.semantic.append((element_id, True))
        itemtype = attrs.get("itemtype")
        if itemtype and ("Article" in itemtype or "BlogPosting" in itemtype):
            scan.semantic.append((element_id, True))
    elif "itemtype" in attrs:
        itemtype = attrs.get("itemtype") or ""
        if "Article" in itemtype or "BlogPosting" in itemtype:
            scan.semantic.append((element_id, True))
    elif "property" in attrs and "content" in attrs:  # RDFa: property="schema:datePublished" content="…"
        prop = (attrs.get("property") or "").casefold()
        if prop.endswith(RDFA_DATE_PROPERTIES):
            scan.date_props.append(attrs.get("content") or "")
    if tag == "time":
        value = attrs.get("datetime")
        if value and len(scan.times) < MAX_TIMES:
            scan.times.append((value, len(scan.pieces), tuple(open_suspects)))
    if tag == "article" or tag == "main":
        scan.semantic.append((element_id, False))
        return flags | BLOCK
    role = attrs.get("role")
    if role:
        role = role.casefold()
        if role == "main":
            scan.semantic.append((element_id, False))
        elif role in FURNITURE_ROLES:
            scan.suspects.append(element_id)
            return flags | SUSPECT
    classes, element_id_attr = attrs.get("class"), attrs.get("id")
    verdict = _names_verdict(classes, element_id_attr) if classes or element_id_attr else 0
    if verdict & BYLINE_NAME or "rel" in attrs and "author" in (attrs.get("rel") or ""):
        if len(scan.bylines) < BYLINE_MAX_NODES:
            scan.bylines.append((node, False, len(scan.pieces)))
    if tag in STRUCTURE_TAGS or verdict & FURNITURE_NAME or _is_hidden(attrs):
        scan.suspects.append(element_id)
        flags |= SUSPECT
    return flags


def _is_hidden(attrs: dict) -> bool:
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    if style:
        style = style.replace(" ", "").casefold()
        return "display:none" in style or "visibility:hidden" in style
    return False


def _names_verdict(classes: str | None, element_id: str | None) -> int:
    """What an element's class and id say: FURNITURE_NAME, BYLINE_NAME. Each is judged on its own (no
    word spans the two), so the verdict of a class string is shared by every element wearing it."""
    return (_name_verdict(classes) if classes else 0) | (_name_verdict(element_id) if element_id else 0)


@lru_cache(maxsize=NAMES_CACHE_SIZE)
def _name_verdict(names: str) -> int:
    """What a class or id string says: FURNITURE_NAME, BYLINE_NAME (cached: pages and sites repeat them)."""
    names = names.casefold()
    verdict = BYLINE_NAME if "author" in names or "byline" in names else 0
    if _is_furniture_name(names):
        verdict |= FURNITURE_NAME
    return verdict


def _is_furniture_name(names: str) -> bool:
    """Whether a furniture word is among the words of ``names`` (class and id, casefolded)."""
    if not (_FURNITURE_HINT_AT_START.match(names) or _FURNITURE_HINT_AFTER_SEPARATOR.search(names)):
        return False  # the cheap test first: no furniture word starts anywhere in the names
    for token in names.split():
        previous = ""  # the part before, in this token ("has" in "has-sidebar")
        for word in token.replace("_", "-").split("-"):
            if not word:
                continue
            # "has-sidebar": the page has one, this element is not it.
            if (previous not in LAYOUT_MODIFIERS and word not in NOT_BOILERPLATE_WORDS
                    and (word in SHORT_BOILERPLATE_WORDS or word.startswith(LONG_BOILERPLATE_WORDS))):
                return True
            previous = word
    return False
