"""Where the article stands on a scanned page: its main container and text, and its head.

The body is chosen by arithmetic on the piece ranges of a :class:`~provenance.extract.htmlscan.PageScan`:
furniture containers (page-structure tags, furniture-classed elements) are dropped unless they hold
much of the page's text; the main container is a semantic one (``itemprop=articleBody``,
``<article>``, ``<main>``) with enough text, else the best paragraph-scored one. The article's head
(:class:`ArticleHead`) is where the page states its date and byline, around the headline and the
main container's edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from provenance.extract.htmlscan import PageScan

__all__ = ["Body", "choose_body", "ArticleHead", "head_indices", "ARTICLE_HEAD_PIECES_BEFORE"]

#: A furniture-looking container that holds more than this share of the page's paragraph text is
#: the article itself wearing an unlucky class ("content has-sidebar", id="main-comments-wrap").
BOILERPLATE_MAX_TEXT_SHARE = 0.4
#: How much a block's text counts when it votes for its container, by tag: list items and table
#: cells are mostly teaser lists and data, headings are not prose. Other blocks count fully.
BLOCK_VOTE_WEIGHTS = {"li": 0.3, "dd": 0.3, "dt": 0.0, "td": 0.5, "th": 0.0, "h1": 0.0, "h2": 0.0, "h3": 0.0,
                      "h4": 0.0, "h5": 0.0, "h6": 0.0}
#: A block ending in an ellipsis is a teaser of another article, not this one's prose.
TEASER_VOTE_WEIGHT = 0.2
#: A text block shorter than this many characters does not vote for its container (labels, dates).
MIN_SCORED_BLOCK_CHARS = 25
#: Best-scored containers compared again with their link density (a link list can outscore prose).
SCORED_CANDIDATES = 5
#: A semantic container (<article>, <main> …) is trusted when it holds at least this share of the
#: paragraph text of the best-scored container; teaser <article>s on index pages hold far less.
SEMANTIC_MIN_SHARE = 0.5
#: Among nested semantic containers, the innermost one holding this share of the largest one's
#: paragraph text wins (articleBody inside article inside main).
NESTED_KEEP_SHARE = 0.85
#: A microdata-marked container wins over unmarked ones when it holds at least this share of the
#: largest one's text (index pages repeat teasers in plain <article>s).
MARKED_MIN_SHARE = 0.3
#: A block whose characters are mostly link text is a list of links (related stories, tags).
LINK_BLOCK_MAX_DENSITY = 0.7
#: The article's head, where its date and byline stand: this many pieces before the main container
#: (the header with headline, byline and date) and its first ones (a dateline, "Date 23.05.2011"
#: under a lead); and its last ones (blog footers: "Posted by Benni, 10. September 2017").
ARTICLE_HEAD_PIECES_BEFORE = 12
ARTICLE_HEAD_PIECES_AFTER = 15
ARTICLE_TAIL_PIECES = 2
#: …and around the headline <h1>: the pieces just above it (kicker, date) and below it (byline, date).
HEADLINE_PIECES_BEFORE = 3
HEADLINE_PIECES_AFTER = 10
_TEASER_ENDS = ("...", "…")


@dataclass(slots=True)
class Body:
    """The body chosen from a scan: its blocks, and which pieces are furniture or outside it."""

    blocks: list[str]
    start: int  # piece range of the main container
    end: int
    dropped: bytearray  # 1 for pieces inside dropped furniture containers


def choose_body(scan: PageScan) -> Body:
    pieces, ranges = scan.pieces, scan.ranges
    count = len(pieces)
    # Content characters per piece: paragraph-sized text only, teasers of other articles discounted.
    weights = [0.0] * count
    for index, text in enumerate(pieces):
        size = len(text)
        if size >= MIN_SCORED_BLOCK_CHARS:
            weights[index] = size * (TEASER_VOTE_WEIGHT if text.endswith(_TEASER_ENDS) else 1.0)
    before = _prefix(weights)
    total = before[-1] or 1.0

    # Furniture containers: dropped unless they hold much of the page's text (the article wearing an
    # unlucky class) or the itemprop=articleBody.
    dropped = bytearray(count)
    for element_id in scan.suspects:
        if element_id in scan.holds_article or element_id not in ranges:
            continue
        start, end = ranges[element_id]
        if start < end and before[end] - before[start] <= BOILERPLATE_MAX_TEXT_SHARE * total:
            dropped[start:end] = b"\x01" * (end - start)

    if any(dropped):
        kept = [0.0 if gone else w for gone, w in zip(dropped, weights)]
        sizes = _prefix([0 if gone else len(t) for gone, t in zip(dropped, pieces)])
        links = _prefix([0 if gone else n for gone, n in zip(dropped, scan.piece_links)])
    else:
        kept = weights
        sizes = _prefix(map(len, pieces))
        links = _prefix(scan.piece_links)
    content = _prefix(kept)

    def chars(element_id: int) -> float:
        start, end = ranges.get(element_id, (0, 0))
        return content[end] - content[start]

    # Readability-style votes: each paragraph-sized piece for its block's parent (and half for the
    # grandparent), weighted by the block's tag.
    scores: dict[int, float] = {}
    for index, (block_id, tag, parent, grandparent) in enumerate(scan.piece_blocks):
        weight = kept[index]
        if not weight:
            continue
        vote = weight * BLOCK_VOTE_WEIGHTS.get(tag, 1.0)
        if vote:
            if parent >= 0:
                scores[parent] = scores.get(parent, 0.0) + vote
            if grandparent >= 0:
                scores[grandparent] = scores.get(grandparent, 0.0) + 0.5 * vote

    def link_density(element_id: int) -> float:
        start, end = ranges.get(element_id, (0, 0))
        size = sizes[end] - sizes[start]
        return min(1.0, (links[end] - links[start]) / size) if size else 1.0

    container = scan.body_id
    if scores:
        top = sorted(scores, key=scores.__getitem__, reverse=True)[:SCORED_CANDIDATES]
        container = max(top, key=lambda i: scores[i] * (1 - link_density(i)))
    scored_chars = chars(container) if scores else 0.0

    semantic = [(chars(i), i, marked) for i, marked in scan.semantic if i in ranges]
    semantic = [item for item in semantic if item[0] > 0]
    if semantic:
        most = max(item[0] for item in semantic)
        # Microdata that says "this is the article" beats a bigger block of teaser <article>s.
        marked = [item for item in semantic if item[2] and item[0] >= MARKED_MIN_SHARE * most]
        if marked:
            semantic = marked
            most = max(item[0] for item in semantic)
        if most >= SEMANTIC_MIN_SHARE * scored_chars:
            # The innermost of the containers that hold (nearly) all of it: the tightest fit.
            fitting = [i for c, i, _ in semantic if c >= NESTED_KEEP_SHARE * most]
            container = min(fitting, key=lambda i: sizes[ranges[i][1]] - sizes[ranges[i][0]])

    start, end = ranges.get(container, (0, count))
    blocks = [pieces[i] for i in range(start, end)
              if not dropped[i] and scan.piece_links[i] <= LINK_BLOCK_MAX_DENSITY * len(pieces[i])]
    return Body(blocks, start, end, dropped)


def _prefix(values: list[float]) -> list[float]:
    return list(accumulate(values, initial=0.0))


@dataclass(frozen=True, slots=True)
class ArticleHead:
    """Where an article states its date and byline, in piece indices: around its headline <h1>,
    just before its main container, in the container's first pieces, and in its last ones (blog
    footers). Dates and names elsewhere belong to teasers, sidebars and comments."""

    start: int  # the main container's piece range
    end: int
    anchor: int | None  # the piece index where the headline <h1> stood

    def holds(self, position: int) -> bool:
        start, end, anchor = self.start, self.end, self.anchor
        if anchor is not None and anchor - HEADLINE_PIECES_BEFORE <= position <= anchor + HEADLINE_PIECES_AFTER:
            return True
        return (start - ARTICLE_HEAD_PIECES_BEFORE <= position <= min(end, start + ARTICLE_HEAD_PIECES_AFTER)
                or max(start, end - ARTICLE_TAIL_PIECES) <= position <= end)


def head_indices(scan: PageScan, zone: ArticleHead) -> list[int]:
    """The piece indices of the article's head and tail, in document order."""
    low = min(zone.start - ARTICLE_HEAD_PIECES_BEFORE,
              zone.anchor - HEADLINE_PIECES_BEFORE if zone.anchor is not None else zone.start)
    high = min(len(scan.pieces), max(zone.end, zone.anchor or 0) + HEADLINE_PIECES_AFTER)
    # Only the three windows that holds() accepts can hold one: test those, not the whole body.
    windows = [range(zone.start - ARTICLE_HEAD_PIECES_BEFORE, zone.start + ARTICLE_HEAD_PIECES_AFTER + 1),
               range(zone.end - ARTICLE_TAIL_PIECES, zone.end + 1)]
    if zone.anchor is not None:
        windows.append(range(zone.anchor - HEADLINE_PIECES_BEFORE, zone.anchor + HEADLINE_PIECES_AFTER + 1))
    low = max(0, low)
    return [index for index in sorted(set().union(*windows)) if low <= index < high and zone.holds(index)]
