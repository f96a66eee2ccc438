"""The publication date of an HTML page, and the calendar day the page states, from its scan.

Declared dates (JSON-LD, meta, microdata) first, arbitrated by the date the page shows beside its
headline; then a <time> of the article's head, a date in the URL, a date line of the head or tail,
and the page's own data in a script. Modification dates are never used.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from provenance.extract.htmlbody import ArticleHead, Body, head_indices
from provenance.extract.htmlscan import PageScan
from provenance.jsonld import ld_text
from provenance.extract.metadata.dates import date_in_text, first_date, parse_moment, url_date

__all__ = ["page_published"]

#: A furniture block holding more <time>s than this is a list (related articles, comments); up to
#: this many are an article's own "published … updated …" line.
MAX_TIMES_PER_META_BLOCK = 2
#: A piece longer than this is prose, whose dates are events, not the publication…
TEXT_DATE_MAX_CHARS = 160
#: …except a dateline opening it, within this many characters ("(21. November 2022) Energie…",
#: "Pressemitteilung vom 25. Januar 2022 | Berlin – …").
DATELINE_MAX_CHARS = 40
#: A UTC timestamp exactly on the hour from this hour on is a date-only value stored as local
#: midnight east of Greenwich (UTC+1 … UTC+4: "2022-11-06T23:00:00Z" is 7 November in Berlin);
#: articles are rarely stamped on the second at that hour.
LOCAL_MIDNIGHT_MIN_UTC_HOUR = 20
#: A short date line this close to the headline (in pieces; to the main container's start when
#: there is no headline) is the date the page shows for the article: it wins over declared dates
#: that the article's head shows nowhere (a CMS creation date, a stale JSON-LD block).
SHOWN_DATE_MAX_DISTANCE = 5
#: …when the line is at most this long: a date line ("Berlin, 28.10.2021"), not prose that
#: mentions a date ("Wir suchen zum 1. April 2016 …").
SHOWN_DATE_LINE_MAX_CHARS = 80
#: Languages (html lang) whose pages write numeric dates month first ("05/10/2022" is 10 May elsewhere).
MONTH_FIRST_LANGUAGES = frozenset({"en", "en-us"})
#: The furthest UTC offsets of inhabited time zones (UTC−12 … UTC+14): a UTC timestamp can be shown
#: as the next day only from hour 24 − 14 on, and as the day before only before hour 12.
MAX_EAST_OFFSET_HOURS, MAX_WEST_OFFSET_HOURS = 14, 12
#: Meta tags that carry the publication time, strongest first. Modification times are never used.
PUBLISHED_META = (
    ("property", "article:published_time"), ("property", "og:published_time"),
    ("property", "og:article:published_time"), ("itemprop", "datepublished"),
    ("name", "article:published_time"), ("name", "article.published"), ("name", "pubdate"),
    ("name", "publishdate"), ("name", "publish-date"), ("name", "publish_date"), ("name", "published_date"),
    ("name", "publication_date"), ("name", "date_published"), ("name", "datepublished"),
    ("name", "dc.date.issued"), ("name", "dcterms.issued"), ("name", "dc.date.created"),
    ("name", "dcterms.created"), ("name", "dc.date"), ("name", "dcterms.date"), ("name", "date"),
    ("name", "sailthru.date"), ("name", "parsely-pub-date"), ("property", "rnews:datepublished"),
    ("name", "citation_publication_date"), ("name", "citation_date"), ("name", "originalpublicationdate"),
    ("itemprop", "datecreated"), ("name", "created"),
)  # names casefolded, as the scan stores them

_SCRIPT_DATE = re.compile(r'"(?:datePublished|published_at|publishedDate|publishDate|publish_date|date_published|'
                          r'pubDate)"\s*:\s*"([^"]{8,40})"')
# Lines whose date is not the article's: a forum member's registration, the clock of the page.
_NOT_PUBLISHED_WORDS = re.compile(r"\b(?:registriert|registered|joined|member since|mitglied seit|"
                                  r"aktuelle zeit|current time|it is currently)\b", re.I)
_MODIFIED_WORDS = re.compile(r"\b(?:updated?|modified|aktualisiert|geändert|(?:letzte )?änderung|zuletzt|"
                             r"mis à jour|actualizado|aggiornato|bijgewerkt|обновлено)\b", re.I)


def page_published(scan: PageScan, metas: dict[tuple[str, str], str], ld_article: dict, ld_objects: list[dict],
                   url: str, body: Body, zone: ArticleHead) -> tuple[datetime | None, date | None]:
    """The publication time, strongest source first, and the calendar day the page states.

    Declared dates (JSON-LD, meta, microdata) first; then a <time> in the article's head (the
    pieces just before and at the start of the main container, where the byline stands); then a
    full date in the URL path; then a date written in a short line of the article's head or tail.
    Dates elsewhere (related-article lists, comments, sidebars) and modification dates are never used.

    The date the page shows beside its headline arbitrates between declared dates: when it differs
    from the first declared one but another declared source gives the same day, that source is the
    one the page stands by (a stale JSON-LD block, a CMS "created" date). A UTC timestamp one day
    off the shown day is the same instant seen from the page's own time zone.
    """
    declared = [ld_text(ld_article.get("datePublished"))]
    declared += [metas.get(key) for key in PUBLISHED_META]
    declared += scan.date_props
    declared += [ld_text(obj.get("datePublished")) for obj in ld_objects if obj is not ld_article]
    declared += [ld_text(ld_article.get("dateCreated"))]
    moments = [moment for moment in map(parse_moment, filter(None, declared)) if moment is not None]
    lines = _text_dates(scan, zone)  # read once, used by the three below
    shown = _shown_date(scan, zone, lines)
    if moments:
        displayed = _displayed_date(scan, zone, {moment.date() for moment in moments}, lines)
        if displayed is not None:
            return displayed, displayed.date()
        moment = moments[0]
        stated = moment.date()
        if shown is not None and shown.date() != stated:
            agreeing = next((m for m in moments if m.date() == shown.date()), None)
            if agreeing is not None:
                return agreeing, agreeing.date()
        # A UTC timestamp does not say which day it was where the page was published; the day
        # the page shows beside its headline (or in its URL) does (23:00Z on the 4th is the 5th in Berlin).
        if moment.utcoffset() == timedelta(0):
            for local in (shown, url_date(url)):
                if local is not None and _is_zone_shift(moment, local.date()):
                    return moment, local.date()
            if moment.hour >= LOCAL_MIDNIGHT_MIN_UTC_HOUR and not (moment.minute or moment.second
                                                                    or moment.microsecond):
                # "2022-11-06T23:00:00Z": a date without a time, stored as midnight in Berlin.
                return moment, stated + timedelta(days=1)
        return moment, stated
    moment = first_date(_head_times(scan, body, zone))
    if moment is None:  # a <time> anywhere in the article, outside dropped furniture
        moment = first_date(value for value, position, _ in scan.times
                            if body.start <= position < body.end and not body.dropped[position])
    if moment is None:
        moment = url_date(url)
    if moment is None:
        moment = _text_date(lines)
    if moment is None:  # the page's own data in a script ({"published_at": "…"})
        moment = first_date(match[1] for node in scan.scripts
                            for match in [_SCRIPT_DATE.search(node.text() or "")] if match)
    if moment is None:
        return None, None
    return moment, moment.date()


def _is_zone_shift(moment: datetime, day: date) -> bool:
    """Whether the UTC ``moment`` can fall on ``day`` in some time zone (UTC−12 … UTC+14)."""
    hours = moment.hour + moment.minute / 60
    if day == moment.date() + timedelta(days=1):
        return hours >= 24 - MAX_EAST_OFFSET_HOURS
    if day == moment.date() - timedelta(days=1):
        return hours < MAX_WEST_OFFSET_HOURS
    return False


def _shown_date(scan: PageScan, zone: ArticleHead, lines: list[tuple[int, int, datetime]]) -> datetime | None:
    """The date the page shows nearest to its headline: a <time> of the article's head or a date
    in a short line there (``lines``, as :func:`_text_dates` gives them; nearest first; a <time>
    before a line at the same distance)."""
    anchor = zone.anchor if zone.anchor is not None else zone.start
    best: tuple[int, int, datetime] | None = None
    for value, position, suspects in scan.times:
        if zone.holds(position):
            moment = parse_moment(value)
            if moment is not None and (best is None or abs(position - anchor) < best[0]):
                best = (abs(position - anchor), 0, moment)
    for distance, _, moment in lines:
        if best is None or (distance, 1) < best[:2]:
            best = (distance, 1, moment)
        break
    return best[2] if best else None


def _head_times(scan: PageScan, body: Body, zone: ArticleHead) -> list[str]:
    """The <time> values in the article's head, nearest to the headline first; never one of a
    dropped furniture block that holds several (a list of related articles, comments)."""
    per_block: dict[int, int] = {}
    for _, _, suspects in scan.times:
        if suspects:
            per_block[suspects[-1]] = per_block.get(suspects[-1], 0) + 1
    found = []
    for value, position, suspects in scan.times:
        if not zone.holds(position):
            continue
        if suspects and per_block[suspects[-1]] > MAX_TIMES_PER_META_BLOCK and _is_dropped(body, position):
            continue
        distance = abs(position - zone.anchor) if zone.anchor is not None else 0
        found.append((distance, value))
    found.sort(key=lambda item: item[0])
    return [value for _, value in found]


def _is_dropped(body: Body, position: int) -> bool:
    """Whether piece ``position`` (or the one before it, for an element without text) was dropped."""
    dropped = body.dropped
    return (0 <= position < len(dropped) and dropped[position]) or (0 < position <= len(dropped)
                                                                   and dropped[position - 1])


def _text_date(lines: list[tuple[int, int, datetime]]) -> datetime | None:
    """A date written in a short line of the article's head or tail ("Published 5 March 2024",
    "Benni, 10. September 2017"), nearest to the headline; never in a line that says it is an
    update. ``lines`` as :func:`_text_dates` gives them."""
    return next((moment for _, _, moment in lines), None)


def _displayed_date(scan: PageScan, zone: ArticleHead, declared: set[date],
                    lines: list[tuple[int, int, datetime]]) -> datetime | None:
    """The date of a short date line right by the headline (``lines``, as :func:`_text_dates`
    gives them), when the article's head shows none of the ``declared`` days (neither in a line
    nor in a <time>): the page's own date then wins."""
    pieces = scan.pieces
    # Never a date under an "Aktualisiert:" / "Updated" label of its own.
    nearest = next((moment for distance, index, moment in lines if distance <= SHOWN_DATE_MAX_DISTANCE
                    and len(pieces[index]) <= SHOWN_DATE_LINE_MAX_CHARS
                    and not (index and len(pieces[index - 1]) <= SHOWN_DATE_LINE_MAX_CHARS
                             and _MODIFIED_WORDS.search(pieces[index - 1]))), None)
    if nearest is None or any(moment.date() in declared for _, _, moment in lines):
        return None
    for value, position, _ in scan.times:
        if zone.holds(position):
            moment = parse_moment(value)
            if moment is not None and moment.date() in declared:
                return None
    # Prose of the head may state it too ("Der Beitrag wurde am 27. November 2019 veröffentlicht").
    month_first = (scan.language or "").strip().casefold() in MONTH_FIRST_LANGUAGES
    for index in head_indices(scan, zone):
        for line in pieces[index].split("\n"):
            moment = date_in_text(line, month_first)
            if moment is not None and moment.date() in declared:
                return None
    return nearest


def _text_dates(scan: PageScan, zone: ArticleHead) -> list[tuple[int, int, datetime]]:
    """(distance to the headline, piece index, date) of the dates in short lines of the article's
    head and tail, nearest first (the distance to the main container's start without a headline)."""
    anchor = zone.anchor if zone.anchor is not None else zone.start
    found = []
    month_first = (scan.language or "").strip().casefold() in MONTH_FIRST_LANGUAGES
    for index in head_indices(scan, zone):
        text = scan.pieces[index]
        if len(text) > TEXT_DATE_MAX_CHARS:
            text = text[:DATELINE_MAX_CHARS]  # prose: only a dateline opening it ("31. Oktober 2023. Die …")
        for line in text.split("\n"):  # "Last change: 31.10.2023<br>Published: 01.11.2023"
            # The date first: most lines have none, and then the (slower) word tests are not needed.
            moment = date_in_text(line, month_first)
            if moment is None or _MODIFIED_WORDS.search(line) or _NOT_PUBLISHED_WORDS.search(line):
                continue
            found.append((abs(index - anchor), index, moment))
            break
    found.sort(key=lambda item: item[:2])
    return found
