"""Find credit lines and wire markers in article text, and resolve them to outlets.

A credit is how a copy names where it came from: "Source: X", "Source of information and images
'X'", "via X", "Courtesy X", "(With inputs from PTI)", or a wire dateline such as
"ISLAMABAD (Reuters) -", or prose that attributes the story to an outlet ("As Reuters reported",
"The Economic Times reported on Tuesday"; kind ``reported``). Credits are short lines,
parentheticals, datelines or such attributions; prose that merely mentions a source ("the source
said", "joined via a video link", "as police reported") is not a credit. Pure Python.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from provenance.models import Credit
from provenance.urls import split_url

__all__ = [
    "find_credits",
    "resolve_outlet",
    "outlet_matches",
    "OUTLET_ALIASES",
    "KNOWN_WIRES",
    "CREDIT_LINE_MAX_WORDS",
]

#: Outlets that copies commonly credit, by normalised alias (casefolded, a leading "the" and
#: "www." dropped, only letters, digits and dots kept) → (display name, host). Small on purpose:
#: the wires and the outlets our seeds credit; anything else resolves to its own name or host.
OUTLET_ALIASES: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        ("economictimes.indiatimes", "economictimes", "et", "economictimes.com"),
        ("The Economic Times", "economictimes.indiatimes.com"),
    ),
    **dict.fromkeys(("timesofindia", "toi", "timesofindia.indiatimes"),
                    ("The Times of India", "timesofindia.indiatimes.com")),
    **dict.fromkeys(("hindustantimes", "ht", "hindustantimes.com"), ("Hindustan Times", "hindustantimes.com")),
    **dict.fromkeys(("indianexpress", "indianexpress.com"), ("The Indian Express", "indianexpress.com")),
    **dict.fromkeys(("expresstribune", "tribune.com.pk"), ("The Express Tribune", "tribune.com.pk")),
    **dict.fromkeys(("aljazeera", "aljazeera.com"), ("Al Jazeera", "aljazeera.com")),
    **dict.fromkeys(("hindu",), ("The Hindu", "thehindu.com")),
    **dict.fromkeys(("ndtv",), ("NDTV", "ndtv.com")),
    **dict.fromkeys(("dawn",), ("Dawn", "dawn.com")),
    **dict.fromkeys(("geonews", "geo", "geo.tv", "geotv"), ("Geo News", "geo.tv")),
    **dict.fromkeys(("bbc", "bbcnews", "bbc.com"), ("BBC", "bbc.co.uk")),
    **dict.fromkeys(("pti", "presstrustofindia"), ("Press Trust of India", "ptinews.com")),
    **dict.fromkeys(("reuters", "thomsonreuters"), ("Reuters", "reuters.com")),
    **dict.fromkeys(("ap", "associatedpress", "apnews"), ("Associated Press", "apnews.com")),
    **dict.fromkeys(("afp", "agencefrancepresse"), ("Agence France-Presse", "afp.com")),
    **dict.fromkeys(("ani", "asiannewsinternational"), ("ANI", "aninews.in")),
    **dict.fromkeys(("ians", "indoasiannewsservice"), ("IANS", "ianslive.in")),
    **dict.fromkeys(("uni", "unitednewsofindia"), ("United News of India", "uniindia.com")),
    **dict.fromkeys(("dpa", "deutschepresseagentur"), ("dpa", "dpa.com")),
    **dict.fromkeys(("xinhua", "xinhuanewsagency"), ("Xinhua", "xinhuanet.com")),
    **dict.fromkeys(("bloomberg", "bloombergnews"), ("Bloomberg", "bloomberg.com")),
    **dict.fromkeys(("efe", "agenciaefe"), ("EFE", "efe.com")),
    **dict.fromkeys(("ansa",), ("ANSA", "ansa.it")),
    **dict.fromkeys(("kyodo", "kyodonews"), ("Kyodo News", "kyodonews.net")),
    **dict.fromkeys(("yonhap", "yonhapnews", "yonhapnewsagency"), ("Yonhap", "yna.co.kr")),
    **dict.fromkeys(("tass",), ("TASS", "tass.com")),
    # national agencies whose copy Asian and Gulf outlets run under their datelines
    **dict.fromkeys(("app", "associatedpressofpakistan"), ("Associated Press of Pakistan", "app.com.pk")),
    **dict.fromkeys(("bss", "bangladeshsangbadsangstha"), ("BSS", "bssnews.net")),
    **dict.fromkeys(("unb", "unitednewsofbangladesh"), ("UNB", "unb.com.bd")),
    **dict.fromkeys(("bernama",), ("Bernama", "bernama.com")),
    **dict.fromkeys(("vna", "vietnamnewsagency", "vietnamplus"), ("Vietnam News Agency", "vietnamplus.vn")),
    **dict.fromkeys(("anadolu", "anadoluagency", "aa.com.tr"), ("Anadolu Agency", "aa.com.tr")),
    **dict.fromkeys(("wam", "emiratesnewsagency"), ("WAM", "wam.ae")),
    **dict.fromkeys(("kuna", "kuwaitnewsagency"), ("KUNA", "kuna.net.kw")),
    **dict.fromkeys(("qna", "qatarnewsagency"), ("QNA", "qna.org.qa")),
    **dict.fromkeys(("irna",), ("IRNA", "irna.ir")),
    **dict.fromkeys(("antara", "antaranews"), ("Antara", "antaranews.com")),
    **dict.fromkeys(("interfax",), ("Interfax", "interfax.com")),
}

#: Wire-agency names as they appear in bylines and datelines. Case-sensitive on purpose: "AP" and
#: "UNI" are wires, "ap" and "uni" are not.
KNOWN_WIRES = (
    "PTI", "Press Trust of India", "Reuters", "REUTERS", "AP", "Associated Press", "AFP",
    "Agence France-Presse", "Agence France Presse", "ANI", "IANS", "UNI", "dpa", "DPA", "Xinhua",
    "XINHUA", "Bloomberg", "EFE", "ANSA", "Kyodo News", "Kyodo", "Yonhap", "TASS", "Tass",
    "APP", "Associated Press of Pakistan", "BSS", "UNB", "Bernama", "BERNAMA", "VNA", "Vietnam News Agency",
    "Anadolu Agency", "Anadolu", "WAM", "KUNA", "QNA", "IRNA", "Antara", "ANTARA", "Interfax",
)

#: A credit standing on its own line is short: a byline-sized line, not a sentence of prose.
CREDIT_LINE_MAX_WORDS = 12
#: An outlet name is a few words; longer captures are prose, not names.
OUTLET_NAME_MAX_WORDS = 8
#: Words that credit news agencies in general, not an outlet ("With inputs from agencies").
GENERIC_AGENCY_WORDS = frozenset({"agencies", "agency", "wires", "wire", "news agencies", "agency inputs"})
#: Small words left out of a name's acronym ("Press Trust of India" is PTI).
ACRONYM_SKIP_WORDS = frozenset({"the", "of", "and", "for", "de", "la", "le", "der", "die", "das"})
#: All-caps words in a dateline's parentheses that are labels, not outlets.
NOT_OUTLETS = frozenset({"UPDATE", "UPDATED", "VIDEO", "PHOTO", "PHOTOS", "LIVE", "PDF", "WATCH", "AUDIO", "FILE"})

_WIRE = "|".join(re.escape(w) for w in sorted(KNOWN_WIRES, key=len, reverse=True))
_LEAD = r"^[\s•·*\-–—>|]*"  # bullets and markup residue before a credit line
_LEAD_CHARS = " \t•·*-–—>|"
_QUOTE_OPEN = "“\"'‘«„"
_QUOTE_CLOSE = "”\"'’»“"
_NAME = r"(?P<name>[^\n]{1,120}?)"
_END = r"[\s.)\]]*$"
# "Source of information and images", the aggregator credit formula, and its variants.
_SOURCE_OF = r"Source of (?:the )?(?:information|info|news|content)(?: and (?:the )?(?:images|photos|pictures))?"

# (pattern, kind, scope, needles): scope "line" patterns run per line and need a short line; "text"
# ones run over the whole text (parentheticals and explicit phrases that cannot be prose); "line_end"
# ones run on the lines that end with a wire name. A pattern runs only when one of its needles (plain
# substrings, a cheap C test) occurs in the text: most articles carry no credit at all.
_SOURCE_NEEDLES = ("Source", "SOURCE")
_INPUT_NEEDLES = ("nput",)
_VIA_NEEDLES = ("via", "Via", "VIA")
_COURTESY_NEEDLES = ("ourtesy", "OURTESY")
_PAREN_NEEDLES = ("(",)
# Datelines: "ISLAMABAD (Reuters) -", "NEW DELHI, March 3 (PTI) -", "Dhaka, Apr 2 (MPA):".
_DATELINE = re.compile(r"^[ \t•·*]*(?P<city>[A-Z][\w'.\-]*(?:[ /][A-Z][\w'.\-]*){0,3})"
                       r"(?:[ \t]*,[ \t]*[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}(?:,?[ \t]+\d{4})?)?"
                       rf"[ \t]*\((?P<name>{_WIRE}|[A-Z]{{2,6}})\)[ \t]*[-–—:]", re.M)
_PATTERNS: tuple[tuple[re.Pattern[str], str, str, tuple[str, ...]], ...] = (
    (re.compile(_SOURCE_OF + rf"\s*[:\-–]?\s*[{_QUOTE_OPEN}]\s*(?P<name>[^\n{_QUOTE_CLOSE}]{{1,80}}?)\s*[{_QUOTE_CLOSE}]"),
     "source_line", "text", ("Source of",)),
    (re.compile(_LEAD + _SOURCE_OF + r"\s*[:\-–]?\s*" + _NAME + _END), "source_line", "line", ("Source of",)),
    (re.compile(_LEAD + r"\(?(?:Sources?|SOURCES?)\s*[:\-–—]\s*" + _NAME + _END), "source_line", "line", _SOURCE_NEEDLES),
    (re.compile(r"\((?:Sources?|SOURCES?)\s*:\s*(?P<name>[^)\n]{1,80})\)"), "source_line", "text", _SOURCE_NEEDLES),
    (re.compile(r"\(\s*(?:[Ww]ith\s+)?(?:additional\s+)?[Ii]nputs?\s+from\s+(?P<name>[^)\n]{1,80}?)\s*\)"),
     "agencies", "text", _INPUT_NEEDLES),
    (re.compile(r"\(\s*[Ww]ith\s+(?P<name>[^)\n]{1,40}?)\s+inputs?\s*\)"), "agencies", "text", _INPUT_NEEDLES),
    (re.compile(_LEAD + r"(?:[Ww]ith\s+)?(?:additional\s+)?[Ii]nputs?\s+from\s+" + _NAME + _END), "agencies", "line",
     _INPUT_NEEDLES),
    (re.compile(r"\(\s*[Vv]ia\s+(?P<name>[^)\n]{1,60}?)\s*\)"), "via", "text", _VIA_NEEDLES),
    (re.compile(_LEAD + r"(?:[Vv]ia|VIA)\s*:?\s+" + _NAME + _END), "via", "line", _VIA_NEEDLES),
    (re.compile(r"\(\s*(?:(?:Story|Article|Content|Text|News|Report)\s+)?[Cc]ourtesy(?:\s*:|\s+of)?\s+"
                r"(?P<name>[^)\n]{1,60}?)\s*\)"), "courtesy", "text", _COURTESY_NEEDLES),
    (re.compile(_LEAD + r"(?:(?:Story|Article|Content|Text|News|Report)\s+)?(?:[Cc]ourtesy|COURTESY)"
                r"(?:\s*:|\s+of)?\s+" + _NAME + _END), "courtesy", "line", _COURTESY_NEEDLES),
    (_DATELINE, "wire", "text", _PAREN_NEEDLES),
    # "… (PTI)" / "(AP)" after a sentence or as a dateline: known wires only.
    (re.compile(rf"\((?P<name>{_WIRE})\)"), "wire", "text", _PAREN_NEEDLES),
    # "— AFP" closing a line, "By Reuters" / "Reuters" / "PTI ABC DEF" standing alone.
    (re.compile(rf"(?:^|(?<=\s))[—–-]\s*(?:[Ww]ith\s+)?(?P<name>(?:{_WIRE})(?:\s*/\s*(?:{_WIRE}))*)\s*\.?\s*$"),
     "wire", "line_end", ()),
    (re.compile(_LEAD + rf"(?:By\s+)?(?P<name>(?:{_WIRE})(?:\s*(?:/|,|&|and)\s*(?:{_WIRE}))*)"
                r"(?:\s+(?:Staff|staff|Wire|News)|(?:\s+[A-Z]{2,4})+)?\s*\.?\s*$"), "wire", "line", ()),
)
# Lines that can close with a wire name (the "line_end" scope): a C-level endswith test first.
_WIRE_ENDINGS = tuple(KNOWN_WIRES)
# A dateline's closing parenthesis and dash: the cheap test before the dateline pattern.
_DATELINE_NEEDLE = re.compile(r"\)[ \t]*[-–—:]")

# The credited name after "via": capitalised words or a host, closing the line.
_VIA_NAME = (
    r"(?P<name>(?:@?[A-Z][\w&'.\-]*|[a-z0-9\-]+(?:\.[a-z0-9\-]+)+)(?:\s+(?:[A-Z][\w&'.\-]*|of|the|and|&))*)"
    r"\s*[)\].]?\s*$"
)
# In a long line "via X" counts only after a sentence break, a parenthesis or a dash ("… said. Via
# Reuters"), so "spoke via Zoom." in prose is not a credit…
_VIA_AT_LINE_END = re.compile(r"(?:^|(?<=[.!?:;(\[—–-])|(?<=[.!?:;(\[—–-]\s))\s*[Vv]ia\s+" + _VIA_NAME)
# …while on a short line ("Story shared via The Hindu") any "via X" ending it is.
_VIA_AT_SHORT_LINE_END = re.compile(r"(?:^|(?<=\s)|(?<=[(\[]))[Vv]ia\s+" + _VIA_NAME)
# Prose that attributes the story to an outlet: "As Reuters reported", "as first reported by The
# Hindu", "The Economic Times reported on Tuesday". Only outlets count (see _is_outlet_name):
# "as police reported" is not a credit.
_OUTLET_WORDS = r"(?:[Tt]he\s+)?[A-Z][\w&.'\-]*(?:\s+(?:of\s+)?[A-Z][\w&.'\-]*){0,4}"
_DAYS = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|"
         r"August|September|October|November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|"
         r"Dec\.?|\d{1,2}(?:st|nd|rd|th)?\b|today|yesterday|earlier|last)")
_REPORTED_PATTERNS = (
    re.compile(r"\b[Aa]s\s+(?:first\s+|earlier\s+|previously\s+|exclusively\s+)?reported\s+(?:by|in)\s+"
               rf"(?P<name>{_OUTLET_WORDS})"),
    re.compile(rf"\b[Aa]s\s+(?P<name>{_OUTLET_WORDS})\s+(?:first\s+|earlier\s+|previously\s+|has\s+|had\s+)?"
               r"reported\b"),
    re.compile(rf"(?:^|(?<=[.!?]\s)|(?<=\n))(?P<name>{_OUTLET_WORDS})\s+(?:first\s+|earlier\s+)?reported\s+"
               rf"(?:on|this|last|late|early)?\s*{_DAYS}", re.M),
)
#: Words that end an outlet's name ("Geo News", "The Washington Post"): a capitalised name without
#: one must be a known outlet or a host to count in prose.
OUTLET_NAME_ENDINGS = frozenset({"news", "times", "post", "herald", "tribune", "journal", "express", "telegraph",
                                 "guardian", "gazette", "daily", "today", "chronicle", "observer", "standard",
                                 "mail", "mirror", "star", "sun", "review", "magazine", "network", "tv", "radio",
                                 "agency", "press", "wire", "online", "media", "report", "reporter", "insider",
                                 "monitor", "bulletin", "dispatch", "inquirer", "independent", "economist",
                                 "bloomberg", "reuters", "politico", "axios"})
_SPLIT_NAMES = re.compile(r"(?:,|;|/|&|\+|\band\b)\s*")  # parts are trimmed: no leading \s* (quadratic)
_HOST_LIKE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?\.)+[a-z]{2,6}$")
_ANY_HOST = re.compile(r"^[a-z0-9\-]+(?:\.[a-z0-9\-]+)+$")
_STRIP_CHARS = " \t\"'“”‘’«»„()[]{}<>.,;:!?*•·-–—|"


def _alias_key(name: str) -> str:
    key = name.casefold().strip()
    key = re.sub(r"^(?:https?://)?(?:www\.)?", "", key)
    key = re.sub(r"^the\s+", "", key)
    return re.sub(r"[^\w.]|_", "", key).strip(".")


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(_STRIP_CHARS)
    return re.sub(r"^(?:https?://)?(?:www\.)", "", name, flags=re.I).rstrip("/")


def resolve_outlet(name: str) -> tuple[str, str | None]:
    """Resolve a credited name to ``(display name, host or None)``.

    Known aliases (:data:`OUTLET_ALIASES`) give their outlet; a name that looks like a host gives
    itself without ``www.``; anything else (a bare word such as "callowcourier") gives its cleaned
    name and no host.
    """
    cleaned = _clean_name(name)
    key = _alias_key(cleaned)
    if key in OUTLET_ALIASES:
        return OUTLET_ALIASES[key]
    if key in GENERIC_AGENCY_WORDS or cleaned.casefold() in GENERIC_AGENCY_WORDS:
        return "agencies", None
    host = cleaned.casefold()
    if _HOST_LIKE.match(host):
        for display, known_host in OUTLET_ALIASES.values():
            if known_host == host:
                return display, host
        return host, host
    return cleaned, None


def _is_known(name: str) -> bool:
    key = _alias_key(_clean_name(name))
    return key in OUTLET_ALIASES or key in GENERIC_AGENCY_WORDS or bool(_HOST_LIKE.match(key))


def _outlet_names(raw: str) -> list[str]:
    """One credited phrase → its outlet names ("PTI and Reuters" → two; "Ministry of X and Y" → one)."""
    whole = _clean_name(raw)
    parts = [p for p in (_clean_name(x) for x in _SPLIT_NAMES.split(whole)) if p]
    if len(parts) > 1 and any(_is_known(p) for p in parts):
        return parts
    return [whole] if whole else []


def _plausible_name(name: str) -> bool:
    words = name.split()
    return 0 < len(words) <= OUTLET_NAME_MAX_WORDS and any(ch.isalnum() for ch in name)


def _lines(text: str):
    for line in re.finditer(r"[^\n]+", text):
        yield line.start(), line.group(0)


def find_credits(text: str) -> tuple[Credit, ...]:
    """Every credit line and wire marker in ``text``, in text order, with offsets into ``text``."""
    found: list[tuple[int, int, str, str]] = []  # start, end, kind, credited phrase
    # The spans claimed so far, apart and sorted: whether a span overlaps one is a bisection (a scan
    # of them all was quadratic in a text of many credit markers).
    taken_starts: list[int] = []
    taken_ends: list[int] = []

    def add(start: int, end: int, kind: str, name: str) -> None:
        before = bisect_left(taken_starts, end)  # the claimed spans that start before this one ends
        if before and taken_ends[before - 1] > start:
            return  # a stronger pattern already claimed this span
        names = [n for n in _outlet_names(name) if _plausible_name(n)]
        if not names:
            return
        at = bisect_left(taken_starts, start)
        taken_starts.insert(at, start)
        taken_ends.insert(at, end)
        found.extend((start, end, kind, n) for n in names)

    lines = list(_lines(text))
    short_lines = [(start, line) for start, line in lines if len(line.split()) <= CREDIT_LINE_MAX_WORDS]
    names_a_wire = any(wire in text for wire in KNOWN_WIRES)  # the wire patterns' needles
    has_dateline = _DATELINE_NEEDLE.search(text) is not None
    for pattern, kind, scope, needles in _PATTERNS:
        if needles and not any(needle in text for needle in needles):
            continue
        if not needles and not names_a_wire:
            continue
        if pattern is _DATELINE and not has_dateline:
            continue
        if scope == "text":
            for match in pattern.finditer(text):
                name = match.group("name")
                if kind == "wire" and name in NOT_OUTLETS:
                    continue
                if kind == "wire" and _defines_abbreviation(text, match.start(), name):
                    continue
                add(match.start(), _trim_end(text, match.start(), match.end()), kind, name)
            continue
        if scope == "line_end":
            for line_start, line in lines:
                if line.rstrip(" \t.").endswith(_WIRE_ENDINGS):
                    match = pattern.search(line)
                    if match:
                        add(line_start + match.start(), _trim_end(text, line_start, line_start + match.end()), kind,
                            match.group("name"))
            continue
        for line_start, line in short_lines:
            match = pattern.match(line)
            if match:
                start = line_start + match.start() + (len(match.group(0)) - len(match.group(0).lstrip(_LEAD_CHARS)))
                add(start, _trim_end(text, start, line_start + match.end()), kind, match.group("name"))
    if any(needle in text for needle in _VIA_NEEDLES):
        for line_start, line in lines:  # "… via Reuters" closing a line
            if "via" not in line and "Via" not in line:
                continue
            pattern = _VIA_AT_SHORT_LINE_END if len(line.split()) <= CREDIT_LINE_MAX_WORDS else _VIA_AT_LINE_END
            match = pattern.search(line)
            if match:
                start = line_start + match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
                add(start, _trim_end(text, start, line_start + match.end()), "via", match.group("name"))

    if "reported" in text:
        for pattern in _REPORTED_PATTERNS:
            for match in pattern.finditer(text):
                name = _outlet_in_prose(match.group("name"))
                if name:
                    add(match.start(), _trim_end(text, match.start(), match.end()), "reported", name)

    found.sort(key=lambda item: (item[0], item[1]))
    credits = []
    for start, end, kind, name in found:
        outlet, host = resolve_outlet(name)
        credits.append(Credit(phrase=text[start:end], outlet=outlet, host=host, kind=kind, start=start, end=end))
    return tuple(credits)


def _outlet_in_prose(name: str) -> str | None:
    """The outlet a run of capitalised words in prose names, or None: the longest known tail
    ("On Monday Reuters" → "Reuters"), else the whole run when it ends like an outlet's name."""
    words = _clean_name(name).split()
    for start in range(len(words)):
        tail = " ".join(words[start:])
        if _is_known(tail):
            return tail
    if words and words[-1].casefold() in OUTLET_NAME_ENDINGS:
        return " ".join(words)
    return None


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _defines_abbreviation(text: str, start: int, name: str) -> bool:
    """Whether "(AP)" follows its own full name ("the Associated Press (AP)"): a mention, not a credit."""
    before = text[max(0, start - 40) : start].casefold()
    display = resolve_outlet(name)[0].casefold()
    return before.rstrip().endswith(display) and display != name.casefold()


def _host_of(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if "://" in value:
        parts = split_url(value)
        host = (parts.hostname if parts else None) or ""
    else:
        host = value.casefold().split("/")[0]
    host = host.casefold().rstrip(".")
    host = re.sub(r"^(?:www\d?|m|amp|mobile)\.", "", host)
    # Lenient on purpose (any dotted name): URLs of test and intranet hosts have unusual TLDs.
    return host if _ANY_HOST.match(host) else None


def _same_or_subdomain(a: str, b: str) -> bool:
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def _label_run_prefix(word: str, host: str) -> bool:
    """Whether a bare credit word ("callowcourier", "economictimes.indiatimes") starts ``host``'s
    labels, or a single word starts its first label's hyphenated parts ("mpa" → mpa-wire.example)."""
    run = [label for label in word.casefold().split(".") if label]
    labels = host.split(".")
    if run and len(run) < len(labels) and labels[: len(run)] == run:
        return True
    parts = labels[0].split("-")
    return len(run) == 1 and len(parts) > 1 and parts[0] == run[0]


def _initials(name: str) -> set[str]:
    """Acronyms of a multi-word name, with and without its small words ("Press Trust of India" → pti, ptoi)."""
    words = re.findall(r"[^\W_]+", name.casefold())
    if len(words) < 2:
        return set()
    content_words = [w for w in words if w not in ACRONYM_SKIP_WORDS]
    return {"".join(w[0] for w in words), "".join(w[0] for w in content_words)} - {""}


def _name_key(name: str) -> str:
    key = re.sub(r"^the\s+", "", name.casefold().strip())
    return re.sub(r"[\W_]", "", key)


def outlet_matches(credit: Credit, site: str | None, url: str | None) -> bool:
    """Whether ``credit`` names the outlet of ``site`` (a display name or host) or ``url``'s host.

    Hosts compare without ``www.`` as equal or subdomain; a bare credited word matches a host
    whose leading labels it spells; names compare casefolded without spaces, punctuation and a
    leading "the", after alias resolution (so "ET" matches "The Economic Times").
    """
    if credit.outlet == "agencies" and not credit.host:
        return False
    site_outlet, site_alias_host = resolve_outlet(site) if site else (None, None)
    hosts = {h for h in (_host_of(url), _host_of(site), site_alias_host) if h}
    credit_host = _host_of(credit.host) if credit.host else None
    if credit_host and any(_same_or_subdomain(credit_host, h) for h in hosts):
        return True
    if not credit_host:
        word = _clean_name(credit.outlet).casefold()
        if re.fullmatch(r"[a-z0-9\-]+(?:\.[a-z0-9\-]+)*", word) and any(_label_run_prefix(word, h) for h in hosts):
            return True
    if site:
        site_keys = {_name_key(site), _name_key(site_outlet or "")} - {""}
        credit_keys = {_name_key(credit.outlet)} - {""}
        if site_keys & credit_keys:
            return True
        # "(With inputs from MPA)" credits "Meridian Press Agency": an all-caps acronym of the site name.
        acronym = credit.outlet
        site_initials = _initials(site) | _initials(site_outlet or "")
        if re.fullmatch(r"[A-Z]{2,8}", acronym) and acronym.casefold() in site_initials:
            return True
    return False
