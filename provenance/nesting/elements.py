"""The HTML standard's tree construction as tables: each element's categories (bit flags: special,
scope bounds, formatting, foreign …), what each start tag does beyond opening an element, and the
name sets the model consults. Data only; the model reads them (:mod:`~provenance.nesting.model`)."""

from __future__ import annotations

__all__ = ["VOID_ELEMENTS", "_SPECIAL", "_STRICT", "_SCOPE", "_BUTTON", "_LIST", "_TABLE_SCOPE", "_FORMATTING", "_MARKER", "_FOREIGN",
           "_HTML_POINT", "_TEXT_POINT", "_TABLEWISE", "_CELLWISE", "_FLAGS", "_OPEN", "_VOID", "_RAW", "_PLAINTEXT",
           "_IGNORED", "_CLOSES_P", "_HEADING", "_LI", "_DD_DT", "_BUTTON_TAG", "_FORMAT", "_A", "_NOBR", "_TABLE",
           "_CELL", "_ROW", "_SECTION", "_OPTION", "_OPTGROUP", "_FOREIGN_ROOT", "_START_KINDS", "_HEADINGS",
           "_NO_REBUILD", "_CLOSING_KINDS", "_HEADROOM", "_TABLE_PARTS_ONLY", "_MERGED_TAGS", "_TABLE_PARTS",
           "_BREAKOUT", "_SVG", "_MATH", "_DEAD"]

# ---- element categories (bit flags, per the HTML standard's tree construction) ------------------

_SPECIAL = 1  # an end tag of another name stops at it
_STRICT = 2  # special, but not address/div/p: <li>, <dd>, <dt> stop there when closing their kind
_SCOPE = 4  # bounds "in scope" (applet, caption, html, table, td, th, marquee, object, template, foreign points)
_BUTTON = 8  # bounds button scope as well
_LIST = 16  # bounds list item scope as well (ol, ul)
_TABLE_SCOPE = 32  # bounds table scope (html, table, template)
_FORMATTING = 64  # is put on the list of active formatting elements
_MARKER = 128  # puts a marker on that list
_FOREIGN = 256  # an SVG or MathML element
_HTML_POINT = 512  # an HTML integration point (svg foreignObject, desc, title): start tags there are HTML
_TEXT_POINT = 1024  # a MathML text integration point (mi, mo, mn, ms, mtext)
_TABLEWISE = 2048  # table, tbody, thead, tfoot, tr: inside the nearest of them the parser is in a table mode
_CELLWISE = 4096  # td, th, caption, template: …and inside these in body mode again

_SPECIAL_TAGS = (
    "address applet area article aside base basefont bgsound blockquote body br button caption center col "
    "colgroup dd details dir div dl dt embed fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 "
    "h6 head header hgroup hr html iframe img input keygen li link listing main marquee menu meta nav noembed "
    "noframes noscript object ol p param plaintext pre script search section select source style summary table "
    "tbody td template textarea tfoot th thead title tr track ul wbr xmp").split()
_SCOPE_TAGS = "applet caption html table td th marquee object template".split()
_FORMATTING_TAGS = "a b big code em font i nobr s small strike strong tt u".split()
_MARKER_TAGS = "applet marquee object template td th caption".split()


def _html_flags() -> dict[str, int]:
    flags: dict[str, int] = {}
    for tag in _SPECIAL_TAGS:
        flags[tag] = _SPECIAL | (0 if tag in ("address", "div", "p") else _STRICT)
    for tag in _SCOPE_TAGS:
        flags[tag] |= _SCOPE
    flags["button"] |= _BUTTON
    for tag in ("ol", "ul"):
        flags[tag] |= _LIST
    for tag in ("html", "table", "template"):
        flags[tag] |= _TABLE_SCOPE
    for tag in _FORMATTING_TAGS:
        flags[tag] = _FORMATTING
    for tag in _MARKER_TAGS:
        flags[tag] |= _MARKER
    for tag in ("table", "tbody", "thead", "tfoot", "tr"):
        flags[tag] |= _TABLEWISE
    for tag in ("td", "th", "caption", "template"):
        flags[tag] |= _CELLWISE
    return flags


_FLAGS = _html_flags()

# What a start tag does, beyond opening an element (by name; others: _OPEN).
_OPEN, _VOID, _RAW, _PLAINTEXT, _IGNORED, _CLOSES_P, _HEADING, _LI, _DD_DT, _BUTTON_TAG, _FORMAT, _A, _NOBR, \
    _TABLE, _CELL, _ROW, _SECTION, _OPTION, _OPTGROUP, _FOREIGN_ROOT = range(20)


#: Elements that never have content: the HTML standard's void elements, legacy ones included (the
#: one list of them; the extractor's reading of tags starts from it too).
VOID_ELEMENTS = frozenset("area base basefont bgsound br col embed hr image img input keygen link meta param "
                          "source track wbr".split())


def _start_kinds() -> dict[str, int]:
    kinds = dict.fromkeys(sorted(VOID_ELEMENTS), _VOID)
    kinds.update(dict.fromkeys("script style xmp iframe noembed noframes textarea title".split(), _RAW))
    kinds.update(dict.fromkeys("html head body frameset frame".split(), _IGNORED))
    kinds.update(dict.fromkeys(
        "address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer form "
        "header hgroup main menu nav ol p search section summary ul pre listing".split(), _CLOSES_P))
    kinds.update(dict.fromkeys("h1 h2 h3 h4 h5 h6".split(), _HEADING))
    kinds.update(dict.fromkeys("b big code em font i s small strike strong tt u".split(), _FORMAT))
    kinds.update(dict.fromkeys(("td", "th"), _CELL))
    kinds.update(dict.fromkeys(("tbody", "thead", "tfoot"), _SECTION))
    kinds.update({"plaintext": _PLAINTEXT, "li": _LI, "dd": _DD_DT, "dt": _DD_DT, "button": _BUTTON_TAG, "a": _A,
                  "nobr": _NOBR, "table": _TABLE, "tr": _ROW, "option": _OPTION, "optgroup": _OPTGROUP,
                  "svg": _FOREIGN_ROOT, "math": _FOREIGN_ROOT})
    return kinds


_START_KINDS = _start_kinds()
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Start tags before which the parser does not rebuild closed formatting elements (where it rebuilds
# decides what they nest under, so the model follows it exactly): blocks, lists, headings, table
# parts, head and raw text elements, and the voids that are no phrasing; <a>, <button>, <option>,
# <optgroup> and <xmp> rebuild only after closing what they close (see _start_tag).
_NO_REBUILD = frozenset(
    name for name, kind in _START_KINDS.items()
    if kind in (_CLOSES_P, _HEADING, _LI, _DD_DT, _TABLE, _CELL, _ROW, _SECTION, _RAW, _PLAINTEXT, _IGNORED,
                _A, _BUTTON_TAG, _OPTION, _OPTGROUP)
) | frozenset("hr param source track base basefont bgsound link meta col caption colgroup template rb rp rt rtc"
              .split())
# Start tags that close the element before them of their kind (an <li> the <li> before it, a cell
# the cell before it …): cut only at max_depth itself, while other elements are cut _HEADROOM below
# it, so that a list or a table at the bound keeps its items (a tag is cut before it closes anything).
_CLOSING_KINDS = frozenset({_LI, _DD_DT, _HEADING, _CELL, _ROW, _SECTION, _OPTION, _OPTGROUP})
_HEADROOM = 8
# Start tags the parser ignores outside a table (the model must not take them for open cells).
_TABLE_PARTS_ONLY = frozenset("caption col colgroup tbody td tfoot th thead tr".split())
# <html> and <body> tags (with attributes) kept after the first: real pages repeat them a few times.
_MERGED_TAGS = 8
_TABLE_PARTS = {_CELL: (("td", "th"),), _ROW: (("tr",), ("td", "th")),
                _SECTION: (("tbody", "thead", "tfoot"), ("tr",), ("td", "th"))}
# Start tags that leave SVG/MathML content for HTML ("font" only with color, face or size).
_BREAKOUT = frozenset(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img li listing menu "
    "meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var".split())
_SVG, _MATH = "\x01", "\x02"  # prefixes that keep foreign names apart from HTML ones on the stack
_DEAD = "\x00"  # an element the parser took off the stack from the middle; it still counts for depth
