"""The authors of an HTML page: JSON-LD persons, meta tags, the byline of the article's head, or the
publishing organisation; names cleaned of prefixes, roles, dates and handles."""

from __future__ import annotations

import re

from provenance.extract.htmlbody import ArticleHead, head_indices
from provenance.extract.htmlscan import PageScan
from provenance.jsonld import ld_name, ld_resolve, ld_types
from provenance.extract.metadata.dates import MONTHS
from provenance.extract.metadata.site import joined_words

__all__ = ["page_authors"]

#: A byline is at most this many words ("By Jane Doe and John Roe").
BYLINE_MAX_WORDS = 8
#: A byline element with more text than this is a container (a <body class="single-author">, an
#: author box with a biography), not the byline itself.
BYLINE_NODE_MAX_CHARS = 200
#: Characters of one author string read (a name is far shorter; the byline patterns, some of which
#: scan a string once per word, then never see a page-sized "name"), and names read from one list.
AUTHOR_MAX_CHARS = 300
AUTHOR_LIST_MAX_NAMES = 100
#: A line of the article's head longer than this is prose, not a byline ("Von Jane Roe, 5. Mai").
BYLINE_LINE_MAX_CHARS = 120
#: Words before the "by"/"von" of a byline line at most ("Veröffentlicht am 13. März 2019 von …",
#: "Posted in News by …"); more is a sentence.
BYLINE_LEAD_MAX_WORDS = 6
#: Words of one personal name at most in a byline line ("José Miguel de la Cruz").
NAME_MAX_WORDS = 5
#: Meta tags that name the author, strongest first.
AUTHOR_META = (("name", "author"), ("property", "article:author"), ("name", "article:author"),
               ("property", "og:article:author"),
               ("name", "dc.creator"), ("name", "dcterms.creator"), ("name", "parsely-author"),
               ("name", "sailthru.author"), ("property", "author"), ("name", "byl"), ("itemprop", "author"))
#: Strings that bylines hold but that are no one's name.
NOT_AUTHOR_WORDS = frozenset({"biography", "author", "authors", "staff", "admin", "by", "editor", "editorial",
                              "anonymous", "unknown", "guest", "autor", "autorin", "autoren", "auteurs", "gast",
                              "name", "posted", "published", "veröffentlicht", "publiziert", "kommentare",
                              "comments", "share", "teilen", "website", "instagram", "twitter", "facebook", "email",
                              "e-mail",
                              "phd", "ph.d.", "ph.d", "md", "m.d."})  # degrees split off by a comma
#: JSON-LD types of an organisation: a publisher named as author, used only when no person is named.
ORGANISATION_TYPES = frozenset({"organization", "newsmediaorganization", "corporation", "organisation"})
#: Words of a company's or association's legal form: an author name holding one is the publisher's.
LEGAL_FORM_WORDS = frozenset({"gmbh", "mbh", "ag", "e.v.", "inc", "inc.", "ltd", "ltd.", "llc", "corp", "corp.",
                              "kg", "plc", "s.a.", "gbr", "ug"})
#: An author name containing the site's host label of at least this many characters is the site's
#: own ("Die FURCHE" on furche.at); shorter labels match inside ordinary names.
SITE_LABEL_MIN_CHARS = 4

_WORD = re.compile(r"\w+")
# No leading \s*: it made a split quadratic in a long run of spaces (names are trimmed afterwards).
_AUTHOR_SEPARATORS = re.compile(r"(?:,|;|\||\band\b|\bund\b|&)\s*")
_BYLINE_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|reported|story|text|ein beitrag|veröffentlicht|geschrieben|artikel|beitrag|"
    r"zeige alle beiträge|alle beiträge|publié|publicado|escrito|eingestellt|erstellt|verfasst)\s+)?"
    r"(?:(?:by|von|vom|par|por|di|from)\b\s*:?\s*|(?:autor(?:in)?|author|auteur|redakteur(?:in)?|interview|"
    r"text und fotos?|text|quelle|source)\s*:\s*)", re.I)
# A role or link label after the name ("Christoph Hein Chefredakteur", "Grant Tinsley, PhD",
# "Johanna Kropfitsch Alle Artikel", "Steven Salentin Mitglied der … Redaktion").
# Each role after a separator (a comma, spaces, or both); possessive and only from the end of a word,
# so a long run of spaces or roles is scanned once (a trailing \s* inside the loop made it quadratic).
_BYLINE_ROLE = re.compile(
    r"(?<![\s,])(?:(?:\s*+,)?\s++(?:chefredakteur(?:in)?|redakteur(?:in)?|redaktionsleiter(?:in)?|volontär(?:in)?|"
    r"mitglied der\b.*|alle artikel|alle beiträge|mehr artikel|more articles|ph\.?\s?d\.?|m\.d\.|"
    r"fr\b|freie[rn]? (?:autor(?:in)?|journalist(?:in)?)|(?:[\w-]+\s+)?staff(?:\s+(?:writer|reporter))?))++\s*+$",
    re.I)
# A verb that comment bylines put after the name ("Karoline sagt", "Anna says").
_BYLINE_VERB = re.compile(r"(?<!\s)\s+(?:sagt|says|said|schreibt|writes|meint|dit)\s*:?$", re.I)
# A byline line of the article's head: "By Jane Roe", "Veröffentlicht am 5. Mai 2023 von Jane Roe",
# "Auteur : Jane Roe", "| By Jane Roe | April 13, 2020" (the name is validated after it).
# "ByJane Roe" (a "By" glued to the name by the markup) counts as well.
_TEXT_BYLINE = re.compile(
    r"(?:^|(?<=[\s|·•,:–—-]))(?:by|von|par|por|door|escrito por|escribe|"
    r"(?:autor(?:in)?|author|auteur|autore|text|texto|redaktion)\s*:)\s+(?=\S)"
    r"|^(?-i:(?:By|Von|Par|Por)(?=[A-Z]))", re.IGNORECASE)
# A byline label standing alone, the names in the next piece ("Auteur" / "Jane Roe", "By" / "Jane Roe").
_BYLINE_LABEL = re.compile(
    r"^(?:by|von|par|por|door|escrito por|escribe|autor(?:in)?|author|auteur|autore|text|texto)\s*:?$",
    re.IGNORECASE)
# Credits after the author's name end it ("Text von Jane Roe Illustration von John Doe").
_CREDIT_WORDS = frozenset({"foto", "fotos", "photo", "photos", "bild", "bilder", "illustration", "illustrationen",
                           "grafik", "video", "kamera"})
# What may stand before the "by"/"von" of a byline line: nothing but a date and separators, or a
# verb or noun of publishing ("Posted in News by …", "Veröffentlicht am 5. Mai von …", "Eine
# Kolumne von …"). Anything else is a sentence ("Die Leiche von …") or a credit for a photo.
_BYLINE_LEAD = re.compile(
    r"^[\W\d_]*(?:(?:posted|written|published|filed|reported|veröffentlicht|publiziert|gespeichert|geschrieben|"
    r"erstellt|eingestellt|verfasst|publié|publicado|escrito|pubblicato|scritto)\b.*|"
    r"(?:(?:a|an|ein|eine|un|une|una)\s+)?(?:(?:blog|gast|online)[- ]?)?(?:beitrag|artikel|kolumne|kommentar|"
    r"interview|text|bericht|story|article|post|column|report|essay|analyse|analysis|rede|speech|podcast|"
    r"gespräch|chronique|tribune|entretien|columna|entrevista)\s*)?$", re.IGNORECASE)
# What may follow a name in a byline line: a separator, a date or time, or a short connector
# ("Jane Roe am 5. Mai", "Jane Roe on August 3", "Jane Roe | April 13", "Jane Roe (Pressesprecher)").
_NAME_TAIL = re.compile(
    r"^(?:[|·•»«/(\[–—\-,:;@†]|\d|"
    r"(?:am|um|on|at|le|el|il|den|hace|vor|in|im|en|für|for|mit|with|from|aus)\b)", re.IGNORECASE)
# Words that join names in a byline ("Jane Roe und John Doe", "Caro, Latorre y Wilson").
_NAME_JOINERS = frozenset({"and", "und", "&", "y", "et", "e"})
# A role before the name ("FOCUS-Online-Experte Jane Roe", "Chefredakteur Jane Roe").
_ROLE_BEFORE_NAME = re.compile(
    r"^\S*(?:experte|expertin|redakteur|redakteurin|korrespondent|korrespondentin|kolumnist|kolumnistin|"
    r"reporter|reporterin)\s+(?=\S+\s+\S)", re.IGNORECASE)
# Lower-case words inside personal names ("Ursula von der Leyen", "Jose de la Cruz").
_NAME_PARTICLES = frozenset({"von", "van", "der", "den", "de", "da", "di", "du", "del", "della", "la", "le", "los",
                             "bin", "al", "ter", "zu", "dos", "das"})
# Weekday names, which end a name as a date does ("Fabian am Dienstag, 6. Mai").
_WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue",
                       "wed", "thu", "fri", "sat", "sun", "montag", "dienstag", "mittwoch", "donnerstag", "freitag",
                       "samstag", "sonntag", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
                       "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"})
# A domain name in an author field ("Deutsche Welle (www.dw.com)", "JuraForum.de-Redaktion"); the
# top-level domain in lower case, as written ("St.Pauli" is no domain).
_DOMAIN = re.compile(r"(?<![\w-])[\w-]+\.[a-z]{2,6}\b")  # from a word's start: linear
# Month and weekday names, left out of the words before a byline's "by" ("8. Januar 2020 · by …").
_DATE_WORDS = re.compile(r"\b(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + "|"
                         + "|".join(sorted(_WEEKDAYS, key=len, reverse=True)) + r")\b\.?", re.IGNORECASE)
# A user's handle with a number ("Marianne1", "happyface313"): letters first, digits last.
_HANDLE_WITH_NUMBER = re.compile(r"[^\W\d_]{2}[\w.-]*\d")  # fullmatch; {2,}…*?\d+ backtracked cubically
_BYLINE_TAIL = re.compile(
    r"(?<!\s)\s+(?:\||•|·|–|—|-)\s+|,\s*(?=[A-Z][\w ]*(?:Writer|Editor|Reporter|Correspondent|Staff))")


def page_authors(scan: PageScan, metas: dict[tuple[str, str], str], ld_article: dict, by_id: dict[str, dict],
                 zone: ArticleHead, site_labels: set[str]) -> tuple[str, ...]:
    """Author names: JSON-LD persons, then meta tags, then the byline in the article's head, then
    organisations (JSON-LD ones, and declared authors that name the site or a company). One source
    only: mixing them mixes people up."""
    people: list[str] = []
    organisations: list[str] = []
    authors = ld_resolve(ld_article.get("author") or ld_article.get("creator"), by_id)
    for author in authors if isinstance(authors, list) else [authors]:
        name = _clean_author(ld_name(author))
        if name:
            is_organisation = (isinstance(author, dict) and ld_types(author) & ORGANISATION_TYPES
                               or _is_organisation_name(name, site_labels))
            (organisations if is_organisation else people).append(name)
    cleaned = people
    if not cleaned:
        for key in AUTHOR_META:
            value = metas.get(key)
            cleaned = [name for name in map(_clean_author, _split_names(value)) if name]
            if cleaned and _is_organisation_name(value, site_labels):
                # The site's own name as author ("Die FURCHE"): a byline on the page names the person.
                organisations = organisations or cleaned
                cleaned = []
            if cleaned:
                break
    if not cleaned:
        cleaned = _byline(scan, zone) or _text_byline(scan, zone)
        if cleaned and organisations:
            # "Pamela" in the byline where the site declares "Pamela Anderson": the same one, in full.
            declared = set(_WORD.findall(" ".join(organisations).casefold()))
            if all(set(_WORD.findall(name.casefold())) <= declared for name in cleaned):
                cleaned = organisations
    elif len(cleaned) == 1 and " " not in cleaned[0]:
        # "Nils" declared, "Eine Kolumne von Nils Pickert" shown: the same person, in full.
        first = cleaned[0].casefold() + " "
        cleaned = next(([name] for name in _byline(scan, zone) + _text_byline(scan, zone)
                        if name.casefold().startswith(first)), cleaned)
    if not cleaned:
        cleaned = organisations
    if any(" " in name for name in cleaned):
        # "Rob Picheta, CNN": an agency's or outlet's acronym beside a person's name is no author.
        cleaned = [name for name in cleaned if " " in name or not name.isupper()]
    unique: list[str] = []
    for name in cleaned:
        folded = name.casefold()
        # "Roger Gonzalez CBS Sports Writer" after "Roger Gonzalez" is the same person.
        if not any(folded == kept.casefold() or folded.startswith(kept.casefold() + " ") for kept in unique):
            unique.append(name)
    return tuple(unique)


def _byline(scan: PageScan, zone: ArticleHead) -> list[str]:
    """The names of the first byline in the article's head (microdata first); bylines elsewhere
    belong to comments, teasers and author boxes of other articles."""
    candidates = [item for item in scan.bylines if zone.holds(item[2])]
    for node, is_microdata, _ in sorted(candidates, key=lambda item: not item[1]):
        inner = node.css_first('[itemprop="name"]') if is_microdata else None
        target = inner or node
        text = " ".join((target.attributes.get("content") or target.text(separator=" ")).split())
        if len(text) > BYLINE_NODE_MAX_CHARS and not is_microdata:
            continue  # a container that holds a byline somewhere (<body class="single-author">), a biography
        parts = _split_names(text)
        names = [name for name in map(_clean_author, parts) if name]
        if len(names) < len(parts):
            # "By Jane Roe Feb 21, 2020", "Jane Roe, John Doe y Ann Poe Hace 13 horas": the names
            # before the date, when they are more than the parts that read as names on their own.
            leading = _leading_names(_BYLINE_PREFIX.sub("", text))
            if len(leading) > len(names):
                names = leading
        if names:
            return names
    return []


def _is_organisation_name(value: str | None, site_labels: set[str]) -> bool:
    """Whether a declared author is the site or a company rather than a person: it holds a
    domain name or a legal form ("… GmbH", "… e.V."), or the site's name or host label."""
    value = value or ""
    if _DOMAIN.search(value) or not LEGAL_FORM_WORDS.isdisjoint(value.casefold().split()):
        return True
    joined = joined_words(value)
    return bool(joined) and any(joined == label or (len(label) >= SITE_LABEL_MIN_CHARS and label in joined)
                                for label in site_labels)


def _text_byline(scan: PageScan, zone: ArticleHead) -> list[str]:
    """The names of a byline written as a line of the article's head, nearest to the headline
    first ("By Jane Roe", "Veröffentlicht am 5. Mai 2023 von Jane Roe", "Auteur : Jane Roe"): many
    pages mark no element of it as the author's."""
    anchor = zone.anchor if zone.anchor is not None else zone.start
    pieces = scan.pieces
    for index in sorted(head_indices(scan, zone), key=lambda index: abs(index - anchor)):
        for line in pieces[index].split("\n"):
            if len(line) <= BYLINE_LINE_MAX_CHARS:
                names = _byline_line_names(line)
                if not names and _BYLINE_LABEL.match(line) and index + 1 < len(pieces):
                    names = _leading_names(pieces[index + 1].split("\n")[0][:BYLINE_LINE_MAX_CHARS])
                if names:
                    return names
    return []


def _byline_line_names(line: str) -> list[str]:
    """The names after the "by"/"von" of a byline line; [] when the line is a sentence or a credit
    for something else (a photo, a theme)."""
    for match in _TEXT_BYLINE.finditer(line):
        lead = _DATE_WORDS.sub(" ", line[: match.start()])
        if len(lead.split()) > BYLINE_LEAD_MAX_WORDS or not _BYLINE_LEAD.match(lead):
            continue
        names = _leading_names(line[match.end():])
        if names:
            return names
    return []


def _leading_names(text: str) -> list[str]:
    """The personal names that open ``text`` when only a separator, a date or a short connector
    follows them ("Jane Roe und John Doe am 5. Mai 2023" → Jane Roe, John Doe); [] when the text
    goes on as prose ("Bundespräsident Johannes Rau beim Konvent …")."""
    names: list[list[str]] = []
    current: list[str] = []
    tail = ""
    text = text.replace("/", " / ")  # "Jane Roe/dpa", "Jane Roe / John Doe": names apart
    tokens = list(re.finditer(r"\S+", text))
    for position, token in enumerate(tokens):
        word = token[0]
        core = word.rstrip(",;/")
        folded = core.casefold()
        following = tokens[position + 1][0] if position + 1 < len(tokens) else ""
        if (folded in _NAME_JOINERS or not core) and current:  # "Roe und Doe", "Roe , Doe"
            names.append(current)
            current = []
            continue
        # "Feb 21", "Dienstag", "Hace 13 horas", "am 5. Mai": a date starts, the names end.
        is_date = folded in _WEEKDAYS or (following[:1].isdigit() and (folded.rstrip(".") in MONTHS
                                                                       or _NAME_TAIL.match(folded)))
        if folded in _CREDIT_WORDS and current:  # "Jane Roe Illustration von John Doe"
            tail = "|"
            break
        if core and not is_date and (core[0].isupper() or (current and folded in _NAME_PARTICLES)
                                     or (not names and not current and core.isalnum() and core.islower())):
            current.append(core)
            if word != core:  # "Roe," ends a name
                names.append(current)
                current = []
            continue
        tail = text[token.start():]
        break
    while current and current[-1].casefold() in _NAME_PARTICLES:  # "Matthieu Hy le 7 mai"
        current.pop()
    if current:
        names.append(current)
    if not names or (tail and not _NAME_TAIL.match(tail)):
        return []
    if len(names) == 1 and len(names[0]) == 1 and tail.startswith(","):
        return []  # one word before a comma: "par exemple, …"
    if any(len(name) > NAME_MAX_WORDS or (len(name) > 1 and name[0].islower()) for name in names):
        return []
    return [name for name in map(_clean_author, (" ".join(name) for name in names)) if name]


def _split_names(value: str | None) -> list[str]:
    if not value:
        return []
    parts = [part for part in _AUTHOR_SEPARATORS.split(value, AUTHOR_LIST_MAX_NAMES) if part.strip()]
    return parts[:AUTHOR_LIST_MAX_NAMES]


def _clean_author(value: str | None) -> str | None:
    """A person's name from a byline string, or None when it is not one (a date, a URL, a handle,
    a form label)."""
    name = " ".join((value or "")[:AUTHOR_MAX_CHARS].split())
    name = _BYLINE_PREFIX.sub("", name)
    name = _BYLINE_TAIL.split(name)[0]
    name = _BYLINE_VERB.sub("", name)
    name = _BYLINE_ROLE.sub("", name)
    name = _ROLE_BEFORE_NAME.sub("", name)
    name = name.strip(" ,;:|*()")
    if not name or len(name.split()) > BYLINE_MAX_WORDS:
        return None
    if any(ch.isdigit() for ch in name) and not _HANDLE_WITH_NUMBER.fullmatch(name):
        return None  # a date or a time; but "Marianne1" is a user's handle
    if "://" in name or "@" in name or not name[0].isalpha():
        return None
    folded = name.casefold()
    if folded in NOT_AUTHOR_WORDS or folded.split()[0] in NOT_AUTHOR_WORDS or folded in _WEEKDAYS:
        return None
    return name
