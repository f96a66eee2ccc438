"""Dates written in strings: declared values (ISO 8601, RFC 2822), dates in a line of text
("5. Mai 2023", "March 5, 2024", "05/03/2024") and in a URL's path. Nothing here knows the page."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from provenance.urls import split_url

__all__ = ["parse_datetime", "parse_moment", "first_date", "as_utc", "url_date", "dateline_date", "date_in_text", "MONTHS",
           "publication_problem", "MIN_YEAR", "MAX_YEAR"]

#: Strings longer than this are not a date value.
DATE_MAX_CHARS = 64
#: Years outside this range are not a publication date (0001-01-01 placeholders, far-future event
#: dates). The same for every input format (:func:`publication_problem`): a digitised 1962 article
#: is dated 1962 whether it comes as a page or a JSON record.
MIN_YEAR, MAX_YEAR = 1800, 2035
#: Times systems write when they have no date: the Unix epoch's first instant and day zero of
#: 1900, at midnight (UTC, or on the clock the value states).
PLACEHOLDER_DAYS = ((1970, 1, 1), (1900, 1, 1))
#: Month names (and abbreviations) of English, German, French, Spanish, Italian, Portuguese, Dutch,
#: Russian and Ukrainian pages (Slavic names in the genitive, as dates write them: "15 августа 2016").
MONTHS = {
    name: number for number, names in enumerate((
        ("january", "jan", "januar", "jänner", "janvier", "enero", "gennaio", "janeiro", "januari", "января", "січня"),
        ("february", "feb", "februar", "février", "febrero", "febbraio", "fevereiro", "februari", "февраля", "лютого"),
        ("march", "mar", "märz", "maerz", "mars", "marzo", "março", "maart", "марта", "березня"),
        ("april", "apr", "avril", "abril", "aprile", "апреля", "квітня"),
        ("may", "mai", "mayo", "maggio", "maio", "mei", "мая", "травня"),
        ("june", "jun", "juni", "juin", "junio", "giugno", "junho", "июня", "червня"),
        ("july", "jul", "juli", "juillet", "julio", "luglio", "julho", "июля", "липня"),
        ("august", "aug", "août", "agosto", "augustus", "августа", "серпня"),
        ("september", "sep", "sept", "septembre", "septiembre", "settembre", "setembro", "сентября", "вересня"),
        ("october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "outubro", "октября", "жовтня"),
        ("november", "nov", "novembre", "noviembre", "novembro", "ноября", "листопада"),
        ("december", "dec", "dezember", "dez", "décembre", "diciembre", "dicembre", "dezembro", "декабря", "грудня"),
    ), start=1) for name in names
}

_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
_SPACE_BEFORE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\d)")
_YMD = re.compile(r"\b((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_DMY_NUMERIC = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>(?:19|20)\d{2})(?!\d)")
# "23.09.22" under a headline (a two-digit year: this century); not a version number or a time.
_DMY_SHORT_YEAR = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{2})(?![\d.:])")
_TWO_DIGITS = re.compile(r"\d\d")
_SLASH_DATE = re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>(?:19|20)\d{2})(?![\d/])")
_MONTH_WORD = r"(?P<mon>[^\W\d_]{3,9}\.?)"
_DMY_WORDS = re.compile(r"(?<!\d)(?P<d>\d{1,2})(?:\.\s*|(?:st|nd|rd|th)?\s+)(?:de\s+)?" + _MONTH_WORD
                        + r",?\s+(?:de\s+)?(?P<y>(?:19|20)\d{2})(?!\d)")
_MDY_WORDS = re.compile(_MONTH_WORD + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})(?!\d)")
# A day is followed by no letter or digit: "/2024/10/23rd-summit/" is a month and a slug, not the 23rd.
_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<sep>[/\-_]?)(?P<m>0[1-9]|1[0-2])(?P=sep)(?P<d>0[1-9]|[12]\d|3[01])(?![^\W_])"
)
_URL_DATE_DAY_FIRST = re.compile(
    r"(?<![\d])(?P<d>0[1-9]|[12]\d|3[01])(?P<sep>[\-_.])(?P<m>0[1-9]|1[0-2])(?P=sep)(?P<y>(?:19|20)\d{2})(?!\d)")
# A year and month in a URL's path without a day: WordPress's /2024/10/slug/.
_URL_YEAR_MONTH = re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>0[1-9]|1[0-2])/")
# The day a dateline gives: "ISLAMABAD, Oct 16 (APP):", "NEW DELHI, March 3, 2024 (PTI) -".
_DATELINE_DAY = re.compile(r",[ \t]*" + _MONTH_WORD + r"[ \t]+(?P<d>\d{1,2})(?:,?[ \t]+(?P<y>(?:19|20)\d{2}))?[ \t]*\(")


def parse_datetime(value: str | None) -> datetime | None:
    """A timezone-aware UTC datetime from an ISO 8601, RFC 2822 or bare YYYY-MM-DD string (naive
    times are taken as UTC); None when the string is not a date."""
    moment = parse_moment(value)
    return as_utc(moment) if moment is not None else None


def parse_moment(value: str | None) -> datetime | None:
    """Like :func:`parse_datetime`, but in the offset the string states (its calendar day is the
    page's own); naive times get UTC."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > DATE_MAX_CHARS:
        return None
    candidate = value.replace("Z", "+00:00").replace("z", "+00:00")
    candidate = _COMPACT_OFFSET.sub(r"\1:\2", candidate)  # +0530 → +05:30
    candidate = _SPACE_BEFORE_TIME.sub(r"\1T\2", candidate)
    for attempt in (candidate, candidate[:25], candidate[:19], candidate[:10]):
        try:
            return _with_zone(datetime.fromisoformat(attempt))
        except ValueError:
            continue
    try:
        return _with_zone(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        pass
    match = _YMD.search(value)
    if match:
        return _checked_date(int(match[1]), int(match[2]), int(match[3]))
    return None


def publication_problem(moment: datetime) -> str | None:
    """Why ``moment`` cannot be a publication time, or None when it can: the one rule for every
    input format (a page's metadata, text and URL; a JSON record's ``published``)."""
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return f"year {moment.year} is outside {MIN_YEAR}–{MAX_YEAR}"
    instants = [moment] + ([as_utc(moment)] if moment.tzinfo is not None else [])
    for t in instants:
        if (t.year, t.month, t.day) in PLACEHOLDER_DAYS and (t.hour, t.minute, t.second) == (0, 0, 0):
            return f"{t:%Y-%m-%d} 00:00 is a placeholder systems write for no date"
    return None


def _with_zone(moment: datetime) -> datetime | None:
    if publication_problem(moment) is not None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _checked_date(year: int, month: int, day: int) -> datetime | None:
    if not MIN_YEAR <= year <= MAX_YEAR or (year, month, day) in PLACEHOLDER_DAYS:
        return None
    try:
        return datetime(year, month, day, tzinfo=timezone.utc)
    except ValueError:
        return None


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def first_date(candidates) -> datetime | None:
    for candidate in candidates:
        moment = parse_moment(candidate)
        if moment is not None:
            return moment
    return None


def url_date(url: str) -> datetime | None:
    """A full date in the URL's path: /2024/03/05/, 20240305, or a day-first 05-03-2024."""
    parts = split_url(url) if url else None
    path = parts.path if parts else ""
    match = _URL_DATE.search(path)
    if match:
        return _checked_date(int(match["y"]), int(match["m"]), int(match["d"]))
    match = _URL_DATE_DAY_FIRST.search(path)
    if match:
        return _checked_date(int(match["y"]), int(match["m"]), int(match["d"]))
    return None


def dateline_date(dateline: str, url: str | None, seen: datetime | None) -> datetime | None:
    """The day a wire dateline gives ("ISLAMABAD, Oct 16 (APP):"), a bare date. A dateline seldom
    writes its year: it is the year of the URL's /YYYY/MM/ when that month is the dateline's, else
    the year in which that day last fell on or before ``seen`` (when the page was fetched); with
    neither, None."""
    match = _DATELINE_DAY.search(dateline)
    month = MONTHS.get(match["mon"].casefold().rstrip(".")) if match else None
    if not month:
        return None
    day = int(match["d"])
    if match["y"]:
        return _checked_date(int(match["y"]), month, day)
    parts = split_url(url) if url else None
    in_url = _URL_YEAR_MONTH.search(parts.path) if parts else None
    if in_url and int(in_url["m"]) == month:
        return _checked_date(int(in_url["y"]), month, day)
    if seen is None:
        return None
    # the latest such day up to a day after the fetch (the dateline's zone may be a day ahead of UTC)
    latest = as_utc(seen) + timedelta(days=1)
    for year in (latest.year, latest.year - 1):
        moment = _checked_date(year, month, day)
        if moment is not None and moment <= latest:
            return moment
    return None


def date_in_text(text: str, month_first: bool = False) -> datetime | None:
    """The first date written in ``text``; "03/05/2022" is read as month first only when the page's
    language writes dates that way (unless one of the numbers cannot be a month)."""
    if not _TWO_DIGITS.search(text):
        return None  # every date form below has a year of two digits or more: one search, not six
    match = _DMY_NUMERIC.search(text)
    if match:
        return _checked_date(int(match["y"]), int(match["m"]), int(match["d"]))
    match = _DMY_SHORT_YEAR.search(text)
    if match:
        return _checked_date(2000 + int(match["y"]), int(match["m"]), int(match["d"]))
    match = _SLASH_DATE.search(text)
    if match:
        first, second, year = int(match["a"]), int(match["b"]), int(match["y"])
        if first > 12 or (second <= 12 and not month_first):
            return _checked_date(year, second, first)
        return _checked_date(year, first, second)
    match = _YMD.search(text)
    if match:
        return _checked_date(int(match[1]), int(match[2]), int(match[3]))
    match = _DMY_WORDS.search(text)
    if match:
        month = MONTHS.get(match["mon"].casefold().rstrip("."))
        if month:
            return _checked_date(int(match["y"]), month, int(match["d"]))
    match = _MDY_WORDS.search(text)
    if match:
        month = MONTHS.get(match["mon"].casefold().rstrip("."))
        if month:
            return _checked_date(int(match["y"]), month, int(match["d"]))
    return None
