"""Extract an :class:`Article` (metadata and article text) from a :class:`RawDocument`.

HTML is parsed with selectolax (lexbor); this is the only module that imports it. One depth-first
pass over the tree (:func:`_scan`) collects everything: meta tags, JSON-LD, <title>, <h1>, <time>,
microdata, bylines, and the body cut into *pieces* (the text between block boundaries) with each
element's range of pieces. The body is then chosen by arithmetic on those ranges: furniture
containers (page-structure tags, furniture-classed elements) are dropped unless they hold much of
the page's text; the main container is a semantic one (``itemprop=articleBody``, ``<article>``,
``<main>``) with enough text, else the best paragraph-scored one. Metadata takes the more reliable
sources first (JSON-LD, meta, microdata, <time>, URL, text). UTF-8 HTML goes to the parser as bytes.

Plain text and Markdown are split into paragraphs at blank lines; single newlines inside a
paragraph are kept as they are. Credit and furniture lines that remain in the article text stay
there and are marked (``Article.credits`` / ``Article.furniture``).
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from itertools import accumulate, islice

from selectolax.lexbor import LexborHTMLParser, LexborNode

from provenance.credits import find_credits, resolve_outlet
from provenance.decode import decode_bytes, looks_like_html
from provenance.errors import ExtractionError, InputError
from provenance.furniture import find_furniture
from provenance.jsonld import article_object, json_ld_objects, ld_find, ld_name, ld_resolve, ld_text, ld_types
from provenance.models import Article, Credit, RawDocument
from provenance.nesting import bounded_nesting
from provenance.pages import host_of
from provenance.settings import DEFAULT_SETTINGS, Settings
from provenance.text import replace_surrogates
from provenance.urls import join_url, split_url, url_problem

__all__ = ["PageMetadata", "extract_article", "extract_metadata", "extract_html", "extract_text", "parse_datetime"]

#: Elements whose content is never article text (an ld+json <script> is read for metadata).
DROP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "button", "select",
                       "textarea", "input", "object", "embed", "canvas", "math", "video", "audio", "map"})
#: Elements read for metadata only.
HEAD_TAGS = frozenset({"meta", "link", "title", "base"})
#: Elements that have no content (a <br> is a line break; <meta> and <link> are read for metadata).
VOID_TAGS = frozenset({"br", "img", "hr", "wbr", "source", "track", "area", "col", "param", "meta", "link",
                       "base", "picture"})
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
#: A furniture-looking container that holds more than this share of the page's paragraph text is
#: the article itself wearing an unlucky class ("content has-sidebar", id="main-comments-wrap").
BOILERPLATE_MAX_TEXT_SHARE = 0.4
#: Tags that break text into blocks; everything else is inline.
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr",
    "td", "th", "figure", "figcaption", "hr", "address", "details", "summary", "center", "caption",
    "aside", "nav", "body", "html", "form",
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
#: Bytes of the input on which the decoding decision is taken: every sniffing step of
#: decode_bytes (BOM, binary check, <meta charset>) looks at no more than this.
HEAD_SNIFF_BYTES = 8192
#: Format hints a record may give (anything else: detect from the content).
FORMAT_HINTS = ("html", "text", "txt", "markdown", "md")
#: A title is at most this many words (a first line longer than that is a paragraph).
TITLE_MAX_WORDS = 25
#: An <h1> shorter than this many words confirms a declared title only when it equals it ("News"
#: is in many titles; a three-word run of the title is the headline).
TITLE_MIN_MATCH_WORDS = 3
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
#: Separators between a headline and the site name in <title>.
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ", " · ", " / ", " : ")
#: A trailing <title> segment this short is a site name, not part of the headline.
TITLE_SUFFIX_MAX_WORDS = 5
#: A byline is at most this many words ("By Jane Doe and John Roe").
BYLINE_MAX_WORDS = 8
#: Byline elements read at most (a page may tag every comment with class "author").
BYLINE_MAX_NODES = 50
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
#: A furniture block holding more <time>s than this is a list (related articles, comments); up to
#: this many are an article's own "published … updated …" line.
MAX_TIMES_PER_META_BLOCK = 2
#: <script> elements kept for the last-resort date search.
MAX_SCRIPTS = 100
#: <time> elements read at most.
MAX_TIMES = 50
#: Strings longer than this are not a date value.
DATE_MAX_CHARS = 64
#: Years outside this range are not a publication date of a web page (0001-01-01 placeholders,
#: far-future event dates).
MIN_YEAR, MAX_YEAR = 1995, 2035
#: The article's head, where its date and byline stand: this many pieces before the main container
#: (the header with headline, byline and date) and its first ones (a dateline, "Date 23.05.2011"
#: under a lead); and its last ones (blog footers: "Posted by Benni, 10. September 2017").
ARTICLE_HEAD_PIECES_BEFORE = 12
ARTICLE_HEAD_PIECES_AFTER = 15
ARTICLE_TAIL_PIECES = 2
#: …and around the headline <h1>: the pieces just above it (kicker, date) and below it (byline, date).
HEADLINE_PIECES_BEFORE = 3
HEADLINE_PIECES_AFTER = 10
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
#: RDFa properties (on any element, after their vocabulary prefix) that carry the publication time.
RDFA_DATE_PROPERTIES = ("datepublished", "datecreated", "dc:date", "dc:created", "dcterms:created", "dcterms:issued")
#: Meta tags that carry the modification time (stored apart, never taken as the publication).
MODIFIED_META = (("property", "article:modified_time"), ("property", "og:updated_time"),
                 ("itemprop", "datemodified"), ("name", "last-modified"), ("name", "dcterms.modified"))
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

_WS = re.compile(r"[^\S\n]+")
_WORD = re.compile(r"\w+")
# Cheap first test for furniture class/id words: a long word starting a name part, or a short one
# standing alone; at the start, or after a separator. Two patterns, not one with "(?:^|[\s_\-])": a
# pattern opening with a character class is scanned for quickly, an alternation is tried everywhere.
_FURNITURE_WORD = r"(?:" + "|".join(LONG_BOILERPLATE_WORDS) + r"|(?:nav|ads?)(?=$|[\s_\-]))"
_FURNITURE_HINT_AT_START = re.compile(_FURNITURE_WORD)
_FURNITURE_HINT_AFTER_SEPARATOR = re.compile(r"[\s_\-]" + _FURNITURE_WORD)
_TEASER_ENDS = ("...", "…")
_KICKER_CLASS = re.compile("|".join(KICKER_CLASS_WORDS))
_HIDDEN_CLASS = re.compile("|".join(HIDDEN_CLASS_WORDS))
_NON_UTF8_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
_SPACE_BEFORE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\d)")
_YMD = re.compile(r"\b((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_DMY_NUMERIC = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>(?:19|20)\d{2})(?!\d)")
# "23.09.22" under a headline (a two-digit year: this century); not a version number or a time.
_DMY_SHORT_YEAR = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{2})(?![\d.:])")
_SCRIPT_DATE = re.compile(r'"(?:datePublished|published_at|publishedDate|publishDate|publish_date|date_published|'
                          r'pubDate)"\s*:\s*"([^"]{8,40})"')
_TWO_DIGITS = re.compile(r"\d\d")
_SLASH_DATE = re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>(?:19|20)\d{2})(?![\d/])")
_MONTH_WORD = r"(?P<mon>[^\W\d_]{3,9}\.?)"
_DMY_WORDS = re.compile(r"(?<!\d)(?P<d>\d{1,2})(?:\.\s*|(?:st|nd|rd|th)?\s+)(?:de\s+)?" + _MONTH_WORD
                        + r",?\s+(?:de\s+)?(?P<y>(?:19|20)\d{2})(?!\d)")
_MDY_WORDS = re.compile(_MONTH_WORD + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})(?!\d)")
# Lines whose date is not the article's: a forum member's registration, the clock of the page.
_NOT_PUBLISHED_WORDS = re.compile(r"\b(?:registriert|registered|joined|member since|mitglied seit|"
                                  r"aktuelle zeit|current time|it is currently)\b", re.I)
_MODIFIED_WORDS = re.compile(r"\b(?:updated?|modified|aktualisiert|geändert|(?:letzte )?änderung|zuletzt|"
                             r"mis à jour|actualizado|aggiornato|bijgewerkt|обновлено)\b", re.I)
_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<sep>[/\-_]?)(?P<m>0[1-9]|1[0-2])(?P=sep)(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)
_URL_DATE_DAY_FIRST = re.compile(
    r"(?<![\d])(?P<d>0[1-9]|[12]\d|3[01])(?P<sep>[\-_.])(?P<m>0[1-9]|1[0-2])(?P=sep)(?P<y>(?:19|20)\d{2})(?!\d)")
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
_BULLET_LINE = re.compile(r"^[ \t]*(?:[•●▪◦·■□➢►‣⁃]|[-*+](?=\s))[ \t]*", re.M)
# Markdown, each pattern linear in a line of any length: a heading's closing #s are stripped by
# rstrip (a lazy group before [ \t#]*$ was quadratic in trailing spaces); link text holds no "[" and
# a link's URL at most one level of parentheses (each "[" or "(" scanned to the end of the line
# before); emphasis holds no delimiter of its own kind (a run of unclosed "**" scanned the line each).
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*)$", re.M)
_MD_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1")
_MD_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.M)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What an HTML page says about itself, more reliable sources first.

    ``published_at`` is UTC; ``published_date`` is the calendar day the page states (the same
    instant in the page's own UTC offset: "2024-03-05T01:30+05:30" is 5 March, though 4 March in
    UTC). ``modified_at`` is kept apart and never used as the publication time.
    """

    title: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    published_at: datetime | None = None
    published_date: date | None = None
    modified_at: datetime | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None


# --------------------------------------------------------------------------------------------------
# entry points


def extract_article(raw: RawDocument, settings: Settings = DEFAULT_SETTINGS) -> Article:
    """Extract the article of ``raw``. Raises :class:`InputError` for empty or binary input and
    :class:`ExtractionError` when fewer than ``settings.min_article_words`` words of text remain."""
    content, is_html = _checked_content(raw, settings)
    if is_html:
        article = extract_html(content, raw.url, settings, origin=raw.origin)
    else:
        article = extract_text(content, raw.url, declared_title=raw.title, settings=settings, origin=raw.origin)
    article = _with_overrides(article, raw)
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
    tree = _parsed(content, settings, raw.origin)
    scan = _scan(tree)
    return _page_metadata(scan, raw.url, _choose_body(scan))


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


def _with_overrides(article: Article, raw: RawDocument) -> Article:
    """Facts the input declares (a JSON record's site/title/published) win over extracted ones."""
    published = article.published_at
    if raw.published is not None:
        published = _as_utc(raw.published)
    return replace(
        article,
        site=replace_surrogates(raw.site) if raw.site else article.site,
        title=replace_surrogates(raw.title) if raw.title else article.title,
        published_at=published,
        fetched_at=raw.fetched,
    )


def _parsed(html: str | bytes, settings: Settings, origin: str) -> LexborHTMLParser:
    """The page parsed by lexbor, its nesting bounded first (see :mod:`provenance.nesting`)."""
    return LexborHTMLParser(bounded_nesting(
        html, max_depth=settings.max_nesting_depth, max_rebuilt=settings.max_rebuilt_formatting,
        free_tags=settings.nesting_free_tags, free_rebuilds=settings.nesting_free_rebuilds,
        max_attributes=settings.max_tag_attributes, max_tags=settings.max_html_tags, origin=origin))


def extract_html(html: str | bytes, url: str, settings: Settings = DEFAULT_SETTINGS, *,
                 origin: str | None = None) -> Article:
    """An :class:`Article` from an HTML page (metadata and main-container text); bytes are UTF-8.
    Raises :class:`InputError` (naming ``origin``, else ``url``) for pathological markup."""
    tree = _parsed(html, settings, origin or url)
    scan = _scan(tree)
    body = _choose_body(scan)
    meta = _page_metadata(scan, url, body)
    blocks = body.blocks
    if blocks and meta.title and _same_text(blocks[0], meta.title):
        blocks = blocks[1:]
    text = "\n\n".join(blocks)
    _check_length(text, settings, origin or url)

    credits = list(find_credits(text))
    page_is_web = _is_web(url)
    page_host = _host(url) if page_is_web else None
    canonical, canonical_host = meta.canonical_url, _host(meta.canonical_url)
    if page_host and canonical_host and canonical_host != page_host:
        outlet, host = resolve_outlet(canonical_host)
        credits.append(Credit(phrase=canonical, outlet=outlet, host=host or canonical_host, kind="canonical",
                              start=-1, end=-1))
    for key in (("name", "syndication-source"), ("name", "original-source")):
        value = scan.metas.get(key)
        if value:
            outlet, host = resolve_outlet(_host(value) or value)
            credits.append(Credit(phrase=value, outlet=outlet, host=host, kind="meta", start=-1, end=-1))
    return Article(
        url=url,
        text=text,
        format="html",
        title=meta.title or None,
        canonical_url=canonical,
        site=meta.site,
        published_at=meta.published_at,
        authors=meta.authors,
        credits=tuple(credits),
        furniture=find_furniture(text, credits),
    )


def _first(*values: str | None) -> str | None:
    for value in values:
        if value and value.strip():
            return " ".join(value.split())
    return None


def _same_text(a: str, b: str) -> bool:
    return _WORD.findall(a.casefold()) == _WORD.findall(b.casefold())


def _is_web(url: str) -> bool:
    parts = split_url(url)
    return parts is not None and parts.scheme in ("http", "https")


def _host(url: str | None) -> str | None:
    """The host of an absolute URL by the one same-host rule (pages.host_of); None for relative ones."""
    return host_of(url) if url and "://" in url else None


# --------------------------------------------------------------------------------------------------
# plain text and Markdown

def extract_text(content: str, url: str, *, declared_title: str | None = None, settings: Settings = DEFAULT_SETTINGS,
                 origin: str | None = None) -> Article:
    """An :class:`Article` from plain text or Markdown.

    Paragraphs are blocks separated by blank lines; single newlines inside a paragraph are kept.
    The first line is the title when it looks like a headline; a one-word section label above it
    ("Military") stays in the text, marked as furniture. When the input declares its title (a JSON
    record's ``title``), the first line is the title only if it says the same: a record's text
    often starts with its dateline or lead ("MONTVALE, N.J., March 17 - Qtly div …").
    """
    content = _MD_HEADING.sub(lambda heading: heading[1].rstrip(" \t#"), content)
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
    first = blocks[title_index][0] if title_index < len(blocks) else ""
    is_title = (_same_words(first, declared_title) if declared_title
                else _looks_like_headline(first))
    if title_index < len(blocks) and is_title and (len(blocks[title_index]) > 1 or title_index + 1 < len(blocks)):
        title = blocks[title_index][0]
        del blocks[title_index][0]
        if not blocks[title_index]:
            del blocks[title_index]
    text = "\n\n".join("\n".join(lines) for lines in blocks)
    _check_length(text, settings, origin or url)
    credits = find_credits(text)
    return Article(
        url=url,
        text=text,
        format="text",
        title=title,
        credits=credits,
        furniture=find_furniture(text, credits),
    )


def _check_length(text: str, settings: Settings, origin: str) -> None:
    """Refuse an article text longer than ``settings.max_article_chars``: no article is that long,
    and credits, furniture and fingerprints of it would cost seconds and gigabytes."""
    if len(text) > settings.max_article_chars:
        raise ExtractionError(origin, f"article text of {len(text):,} characters, over the "
                                      f"{settings.max_article_chars:,} an article can have")


def _same_words(a: str, b: str) -> bool:
    return re.findall(r"\w+", a.casefold()) == re.findall(r"\w+", b.casefold())


def _is_section_label(line: str) -> bool:
    return len(line.split()) == 1 and line[:1].isupper() and line[-1].isalnum()


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    if not (1 < len(words) <= TITLE_MAX_WORDS) or line.endswith((".", ":", ";", ",")):
        return False
    return not find_credits(line)  # "Source: Reuters" on the first line is a credit, not a title


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


# --------------------------------------------------------------------------------------------------
# HTML: one pass over the tree


@dataclass(slots=True)
class _Scan:
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
_TEXT, _IGNORE, _BREAK, _HEAD, _DROP, _SKIP = 3, 4, 5, 6, 7, 8


def _tag_kinds() -> dict[str | None, int]:
    kinds: dict[str | None, int] = dict.fromkeys(BLOCK_TAGS, 1)
    kinds["a"] = 2
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


def _scan(tree: LexborHTMLParser) -> _Scan:
    scan = _Scan()
    pieces, piece_links, piece_blocks, ranges = scan.pieces, scan.piece_links, scan.piece_blocks, scan.ranges
    parts: list[str] = []
    link_chars = 0
    link_depth = 0
    # Open elements we descended into: (node, element id, flags, first piece index).
    # Flags: 1 block, 2 link, 4 furniture suspect.
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
            tag, kind = entry  # kind: 0 inline element, 1 block, 2 link; the others see _TAG_KINDS
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
                    flags |= 4
                    scan.suspects.append(element_id)
            elif plain_attrs(attrs) and tag not in attr_tags:
                # Only class, id and the like (most elements): what the names say, cached.
                if len(attrs) > 1 or "href" not in attrs:
                    classes, name = attrs.get("class"), attrs.get("id")
                    verdict = name_verdict(classes) if classes else 0
                    if name:
                        verdict |= name_verdict(name)
                    if verdict & 2 and len(scan.bylines) < BYLINE_MAX_NODES:
                        scan.bylines.append((node, False, len(pieces)))
                    if verdict & 1 or tag in structure_tags:
                        flags |= 4
                        scan.suspects.append(element_id)
            else:
                flags |= _read_attrs(scan, node, attrs, tag, element_id, open_suspects)
                if tag == "html":
                    scan.language = attrs.get("lang") or attrs.get("xml:lang")
            if tag == "body":
                scan.body_id = element_id
            if flags:
                if flags & 5 and parts:
                    flush()
                if flags & 1:
                    blocks.append((element_id, tag, frames[-1][1] if frames else -1,
                                   frames[-2][1] if len(frames) > 1 else -1))
                if flags & 2:
                    link_depth += 1
                if flags & 4:
                    open_suspects.append(element_id)
            child = node.first_child
            if child is not None:
                frames.append((node, element_id, flags, len(pieces)))
                node = child
                continue
            # An empty element: entered and left at once.
            if flags:
                if flags & 1:
                    blocks.pop()
                if flags & 2:
                    link_depth -= 1
                if flags & 4:
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
                kicker_date = _date_in_text(kicker) if kicker else None
                if kicker_date is not None:
                    values.append(kicker_date.date().isoformat())
                for value in values[: MAX_TIMES - len(scan.times)]:
                    scan.times.append((value, len(pieces), tuple(open_suspects)))
        # the next node in document order, leaving the elements we finish
        following = node.next
        while following is None and frames:
            node, element_id, flags, start = frames.pop()
            if flags:
                if flags & 5 and parts:
                    flush()
                if flags & 1:
                    blocks.pop()
                if flags & 2:
                    link_depth -= 1
                if flags & 4:
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


def _read_head_tag(scan: _Scan, node: LexborNode, tag: str) -> None:
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


def _read_attrs(scan: _Scan, node: LexborNode, attrs: dict, tag: str, element_id: int,
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
            flags |= 1
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
        return flags | 1
    role = attrs.get("role")
    if role:
        role = role.casefold()
        if role == "main":
            scan.semantic.append((element_id, False))
        elif role in FURNITURE_ROLES:
            scan.suspects.append(element_id)
            return flags | 4
    classes, element_id_attr = attrs.get("class"), attrs.get("id")
    verdict = _names_verdict(classes, element_id_attr) if classes or element_id_attr else 0
    if verdict & 2 or "rel" in attrs and "author" in (attrs.get("rel") or ""):
        if len(scan.bylines) < BYLINE_MAX_NODES:
            scan.bylines.append((node, False, len(scan.pieces)))
    if tag in STRUCTURE_TAGS or verdict & 1 or _is_hidden(attrs):
        scan.suspects.append(element_id)
        flags |= 4
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
    """What an element's class and id say: 1 furniture, 2 byline. Each is judged on its own (no
    word spans the two), so the verdict of a class string is shared by every element wearing it."""
    return (_name_verdict(classes) if classes else 0) | (_name_verdict(element_id) if element_id else 0)


@lru_cache(maxsize=NAMES_CACHE_SIZE)
def _name_verdict(names: str) -> int:
    """What a class or id string says: 1 furniture, 2 byline (cached: pages and sites repeat them)."""
    names = names.casefold()
    verdict = 2 if "author" in names or "byline" in names else 0
    if _is_furniture_name(names):
        verdict |= 1
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


# --------------------------------------------------------------------------------------------------
# HTML: the body from the scan


@dataclass(slots=True)
class _Body:
    """The body chosen from a scan: its blocks, and which pieces are furniture or outside it."""

    blocks: list[str]
    start: int  # piece range of the main container
    end: int
    dropped: bytearray  # 1 for pieces inside dropped furniture containers


def _choose_body(scan: _Scan) -> _Body:
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
    return _Body(blocks, start, end, dropped)


def _prefix(values: list[float]) -> list[float]:
    return list(accumulate(values, initial=0.0))


# --------------------------------------------------------------------------------------------------
# HTML: metadata from the scan


def _page_metadata(scan: _Scan, url: str, body: _Body) -> PageMetadata:
    ld_objects = json_ld_objects(scan.ld_texts)
    by_id = {obj["@id"]: obj for obj in ld_objects if isinstance(obj.get("@id"), str)}
    ld_article = article_object(ld_objects)
    metas = scan.metas
    page_is_web = _is_web(url)

    canonical = _canonical_url(scan.canonical, metas, url if page_is_web else None)
    site = _first(metas.get(("property", "og:site_name")),
                  ld_name(ld_resolve(ld_article.get("publisher"), by_id)),
                  ld_name(ld_find(ld_objects, ("newsmediaorganization", "organization"), "name")),
                  ld_name(ld_find(ld_objects, ("website",), "name")))
    if not site:
        site = _host(canonical) or (_host(url) if page_is_web else None)
    title = _title(scan, metas, ld_article, site, body, url)
    # Where the headline stands: the date and byline are next to it.
    anchor = next((position for text, position, _ in scan.h1s if text == title), None)
    zone = _ArticleHead(body.start, body.end, anchor)
    published, stated = _published(scan, metas, ld_article, ld_objects, url, body, zone)
    modified = _first_date([ld_text(ld_article.get("dateModified"))]
                           + [metas.get(key) for key in MODIFIED_META])
    return PageMetadata(
        title=title,
        canonical_url=canonical,
        site=site or None,
        published_at=_as_utc(published) if published else None,
        published_date=stated,
        modified_at=_as_utc(modified) if modified else None,
        authors=_authors(scan, metas, ld_article, by_id, zone, _site_labels(site, url)),
        language=_language(scan, metas, ld_article),
    )


def _site_labels(site: str | None, url: str) -> set[str]:
    """The site's name and its host's labels, as joined words ("furche.at" → "furcheat", "furche")."""
    host = _host(url) or ""
    labels = {_joined_words(site), _joined_words(host), _joined_words(host.rpartition(".")[0])}
    parts = host.split(".")
    if len(parts) >= 2:
        labels.add(_joined_words(parts[-2]))
    labels.discard("")
    return labels


def _language(scan: _Scan, metas: dict[tuple[str, str], str], ld_article: dict) -> str | None:
    value = _first(scan.language, metas.get(("property", "og:locale")), ld_text(ld_article.get("inLanguage")),
                   metas.get(("http-equiv", "content-language")))
    if not value:
        return None
    value = value.replace("_", "-").split(",")[0].strip()
    return value or None


# ---- title


def _title(scan: _Scan, metas: dict[tuple[str, str], str], ld_article: dict, site: str | None,
           body: _Body, url: str) -> str | None:
    """The on-page headline: an <h1> of the article that the page's declared titles agree with;
    else the declared title without its " | Site" part; else the article's <h1>; else <title>.

    An <h1> that only repeats the site's name (a logo) is never the headline.
    """
    declared = [" ".join(_unescaped(t).split()) for t in (
        ld_text(ld_article.get("headline")), metas.get(("property", "og:title")), metas.get(("name", "og:title")),
        metas.get(("name", "twitter:title")), metas.get(("property", "twitter:title"))) if t and t.strip()]
    title_tag = _unescaped(scan.title_tag or "")
    site_names = {_joined_words(name) for name in (site, _host(url), (_host(url) or "").rpartition(".")[0]) if name}
    declared_words = [_WORD.findall(t.casefold()) for t in (*declared, title_tag) if t]
    headings = [(text, position) for text, position, _ in scan.h1s
                if text and len(text.split()) <= TITLE_MAX_WORDS and _joined_words(text) not in site_names]
    in_article = [text for text, position in headings
                  if body.start - ARTICLE_HEAD_PIECES_BEFORE <= position <= body.end]
    headline_words = [(t, _WORD.findall(t.casefold())) for t in declared]
    tag_words = declared_words[len(declared):]
    for text in in_article + [text for text, _ in headings]:
        words = _WORD.findall(text.casefold())
        if not words:
            continue
        # "Headline | Site" and "Section: Headline" both carry the headline as a run of words.
        if any(_contains_run(d, words) for _, d in headline_words):
            return text
        for declared_text, declared_run in headline_words:
            size = len(declared_run)
            if TITLE_MIN_MATCH_WORDS <= size < len(words):
                # "Kicker Headline" (or "Headline | Site") in the <h1> where the page declares
                # only "Headline": the kicker (the site's name) is extra.
                if words[-size:] == declared_run or (words[:size] == declared_run
                                                     and "".join(words[size:]) in site_names):
                    return declared_text
        for _, run in headline_words:
            # "Site | Headline" declared for a headline too short to be matched as a run.
            if len(run) > len(words) and ("".join(run[len(words):]) in site_names and run[:len(words)] == words
                                          or "".join(run[:-len(words)]) in site_names and run[-len(words):] == words):
                return text
        if any(_contains_run(d, words) for d in tag_words):
            return text
    for title in (*declared, title_tag):
        if title:
            stripped = _without_site_suffix(title, site_names, title_tag if title is not title_tag else "")
            if _joined_words(stripped) not in site_names:
                if in_article and title is title_tag:
                    return in_article[0]
                return stripped
    if in_article:
        return in_article[0]
    return headings[0][0] if headings else None


def _unescaped(text: str) -> str:
    """A declared title with the entities a CMS escaped twice ("Thermen- &#038; Vulkanland")."""
    return html.unescape(text) if "&" in text else text


def _joined_words(text: str | None) -> str:
    return "".join(_WORD.findall((text or "").casefold()))


def _contains_run(words: list[str], run: list[str]) -> bool:
    if len(run) > len(words):
        return False
    if len(run) < TITLE_MIN_MATCH_WORDS and words != run:
        return False
    first = run[0]
    for index in range(len(words) - len(run) + 1):
        if words[index] == first and words[index : index + len(run)] == run:
            return True
    return False


def _without_site_suffix(title: str, site_names: set[str], title_tag: str) -> str:
    """"Headline | Site" → "Headline" (and "Site | Headline" → "Headline") when that part names
    the site, or when <title> ends with the same part (the site's suffix on every page)."""
    for separator in TITLE_SEPARATORS:
        if separator not in title:
            continue
        head, _, tail = title.rpartition(separator)
        if head.strip() and (_joined_words(tail) in site_names
                             or (title_tag and title_tag != title and title_tag.endswith(separator + tail))):
            return head.strip()
        head, _, tail = title.partition(separator)
        if tail.strip() and _joined_words(head) in site_names:
            return tail.strip()
    if not title_tag:  # <title> itself: a short last part is the site's name
        for separator in TITLE_SEPARATORS:
            head, found, tail = title.rpartition(separator)
            if found and head.strip() and len(tail.split()) <= TITLE_SUFFIX_MAX_WORDS and \
                    len(head.split()) >= len(tail.split()):
                return head.strip()
    return title


def _canonical_url(href: str | None, metas: dict[tuple[str, str], str], base: str | None) -> str | None:
    href = (href or metas.get(("property", "og:url")) or "").strip()
    if not href:
        return None
    if base:
        href = join_url(base, href)  # None when the page's URL is malformed ("http://[::1")
    return href if href and _is_web(href) else None


# ---- dates


def parse_datetime(value: str | None) -> datetime | None:
    """A timezone-aware UTC datetime from an ISO 8601, RFC 2822 or bare YYYY-MM-DD string (naive
    times are taken as UTC); None when the string is not a date."""
    moment = _parse_moment(value)
    return _as_utc(moment) if moment is not None else None


def _parse_moment(value: str | None) -> datetime | None:
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


def _with_zone(moment: datetime) -> datetime | None:
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _checked_date(year: int, month: int, day: int) -> datetime | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return datetime(year, month, day, tzinfo=timezone.utc)
    except ValueError:
        return None


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _first_date(candidates) -> datetime | None:
    for candidate in candidates:
        moment = _parse_moment(candidate)
        if moment is not None:
            return moment
    return None


def _published(scan: _Scan, metas: dict[tuple[str, str], str], ld_article: dict, ld_objects: list[dict],
               url: str, body: _Body, zone: _ArticleHead) -> tuple[datetime | None, date | None]:
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
    moments = [moment for moment in map(_parse_moment, filter(None, declared)) if moment is not None]
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
            for local in (shown, _url_date(url)):
                if local is not None and _is_zone_shift(moment, local.date()):
                    return moment, local.date()
            if moment.hour >= LOCAL_MIDNIGHT_MIN_UTC_HOUR and not (moment.minute or moment.second
                                                                    or moment.microsecond):
                # "2022-11-06T23:00:00Z": a date without a time, stored as midnight in Berlin.
                return moment, stated + timedelta(days=1)
        return moment, stated
    moment = _first_date(_head_times(scan, body, zone))
    if moment is None:  # a <time> anywhere in the article, outside dropped furniture
        moment = _first_date(value for value, position, _ in scan.times
                             if body.start <= position < body.end and not body.dropped[position])
    if moment is None:
        moment = _url_date(url)
    if moment is None:
        moment = _text_date(lines)
    if moment is None:  # the page's own data in a script ({"published_at": "…"})
        moment = _first_date(match[1] for node in scan.scripts
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


def _shown_date(scan: _Scan, zone: _ArticleHead, lines: list[tuple[int, int, datetime]]) -> datetime | None:
    """The date the page shows nearest to its headline: a <time> of the article's head or a date
    in a short line there (``lines``, as :func:`_text_dates` gives them; nearest first; a <time>
    before a line at the same distance)."""
    anchor = zone.anchor if zone.anchor is not None else zone.start
    best: tuple[int, int, datetime] | None = None
    for value, position, suspects in scan.times:
        if zone.holds(position):
            moment = _parse_moment(value)
            if moment is not None and (best is None or abs(position - anchor) < best[0]):
                best = (abs(position - anchor), 0, moment)
    for distance, _, moment in lines:
        if best is None or (distance, 1) < best[:2]:
            best = (distance, 1, moment)
        break
    return best[2] if best else None


def _head_times(scan: _Scan, body: _Body, zone: _ArticleHead) -> list[str]:
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


def _is_dropped(body: _Body, position: int) -> bool:
    """Whether piece ``position`` (or the one before it, for an element without text) was dropped."""
    dropped = body.dropped
    return (0 <= position < len(dropped) and dropped[position]) or (0 < position <= len(dropped)
                                                                   and dropped[position - 1])


@dataclass(frozen=True, slots=True)
class _ArticleHead:
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


def _url_date(url: str) -> datetime | None:
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


def _text_date(lines: list[tuple[int, int, datetime]]) -> datetime | None:
    """A date written in a short line of the article's head or tail ("Published 5 March 2024",
    "Benni, 10. September 2017"), nearest to the headline; never in a line that says it is an
    update. ``lines`` as :func:`_text_dates` gives them."""
    return next((moment for _, _, moment in lines), None)


def _displayed_date(scan: _Scan, zone: _ArticleHead, declared: set[date],
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
            moment = _parse_moment(value)
            if moment is not None and moment.date() in declared:
                return None
    # Prose of the head may state it too ("Der Beitrag wurde am 27. November 2019 veröffentlicht").
    month_first = (scan.language or "").strip().casefold() in MONTH_FIRST_LANGUAGES
    for index in _head_indices(scan, zone):
        for line in pieces[index].split("\n"):
            moment = _date_in_text(line, month_first)
            if moment is not None and moment.date() in declared:
                return None
    return nearest


def _head_indices(scan: _Scan, zone: _ArticleHead) -> list[int]:
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


def _text_dates(scan: _Scan, zone: _ArticleHead) -> list[tuple[int, int, datetime]]:
    """(distance to the headline, piece index, date) of the dates in short lines of the article's
    head and tail, nearest first (the distance to the main container's start without a headline)."""
    anchor = zone.anchor if zone.anchor is not None else zone.start
    found = []
    month_first = (scan.language or "").strip().casefold() in MONTH_FIRST_LANGUAGES
    for index in _head_indices(scan, zone):
        text = scan.pieces[index]
        if len(text) > TEXT_DATE_MAX_CHARS:
            text = text[:DATELINE_MAX_CHARS]  # prose: only a dateline opening it ("31. Oktober 2023. Die …")
        for line in text.split("\n"):  # "Last change: 31.10.2023<br>Published: 01.11.2023"
            # The date first: most lines have none, and then the (slower) word tests are not needed.
            moment = _date_in_text(line, month_first)
            if moment is None or _MODIFIED_WORDS.search(line) or _NOT_PUBLISHED_WORDS.search(line):
                continue
            found.append((abs(index - anchor), index, moment))
            break
    found.sort(key=lambda item: item[:2])
    return found


def _date_in_text(text: str, month_first: bool = False) -> datetime | None:
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


# ---- authors


def _authors(scan: _Scan, metas: dict[tuple[str, str], str], ld_article: dict, by_id: dict[str, dict],
             zone: _ArticleHead, site_labels: set[str]) -> tuple[str, ...]:
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


def _byline(scan: _Scan, zone: _ArticleHead) -> list[str]:
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
    joined = _joined_words(value)
    return bool(joined) and any(joined == label or (len(label) >= SITE_LABEL_MIN_CHARS and label in joined)
                                for label in site_labels)


def _text_byline(scan: _Scan, zone: _ArticleHead) -> list[str]:
    """The names of a byline written as a line of the article's head, nearest to the headline
    first ("By Jane Roe", "Veröffentlicht am 5. Mai 2023 von Jane Roe", "Auteur : Jane Roe"): many
    pages mark no element of it as the author's."""
    anchor = zone.anchor if zone.anchor is not None else zone.start
    pieces = scan.pieces
    for index in sorted(_head_indices(scan, zone), key=lambda index: abs(index - anchor)):
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
