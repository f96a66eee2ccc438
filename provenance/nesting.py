"""Keep hostile HTML from making the tree builder slow or huge, before lexbor parses it.

lexbor's tree builder walks its stack of open elements for many start and end tags, so its time
grows with the square of the nesting depth (120,000 ``<div/>`` took 42 s); it rebuilds every
"active formatting element" (``<b>``, ``<font>`` …) that a block closed into each following
paragraph (90 KB of them took 13 s and 3.6 GB); and it compares each attribute of a tag with the
tag's earlier ones (80,000 attributes took 25 s). Real pages nest a few dozen elements deep (52 at
most in the 681 benchmark pages), rebuild a few dozen elements and carry a few dozen attributes.

:func:`bounded_nesting` guards in three steps, cheapest first:

1. A tag with more than ``max_attributes`` attributes is cut after them (numpy finds the few "<"
   whose next ">" is far enough to allow that many; one regex reads their attributes).
2. A page with few tags (:func:`cannot_be_costly`: at most ``free_tags`` "<", and few formatting
   tags that could pile up) cannot be costly however it nests: it is parsed as it is.
3. Any other page is read tag by tag by a model of the HTML standard's tree construction, close
   enough to know the depth of every start tag: void elements, raw text (``<script>``,
   ``<style>``, ``<title>`` …) and comments, ``/>`` honoured in ``<svg>``/``<math>`` content only
   (``<div/>`` opens a div), the elements that close others (``<p>``, ``<li>``, cells, rows …),
   scopes, table modes, the special elements that stop an end tag, the adoption agency, and the
   active formatting elements with their reconstruction. Where the standard does something the
   model does not follow, the model keeps more elements open than the parser does, never fewer.
   A start tag that would open an element deeper than ``max_depth`` is removed (its text stays);
   a page that would make the parser rebuild more than ``max_rebuilt`` formatting elements is
   refused. The work per tag is constant (amortised), so a page costs time linear in its size.
"""

from __future__ import annotations

import re
from bisect import bisect_right, insort
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from provenance.errors import InputError

__all__ = ["bounded_nesting", "cannot_be_costly", "nesting_depth"]

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


def _start_kinds() -> dict[str, int]:
    kinds = dict.fromkeys("area base basefont bgsound br col embed hr image img input keygen link meta param "
                          "source track wbr".split(), _VOID)
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
# Per type of input: the tag or comment at a "<"; the end of a comment; a font breaking out of
# SVG; a self-closing "/" that ends clean attributes (an unquoted value may end in "/": a=b/> is no
# self-closing tag, and a quoted ">" may have ended the match early).
_PATTERNS = {
    kind: tuple(re.compile(cast(pattern), re.I) for pattern in (
        r"<(?:(!--)|(/?)([A-Za-z][^\t\n\f\r />]*)([^>]*)>)",
        r"--!?>",
        r"\s(?:color|face|size)\s*=",
        r"(?:\s++[^\s\"'>/=]++(?:\s*+=\s*+(?:\"[^\"]*+\"|'[^']*+'|[^\s\"'=<>`/]++(?=\s)))?+)*+\s*+/",
    ))
    for kind, cast in ((str, str), (bytes, lambda p: p.encode("ascii")))
}
_RAW_ENDS: dict[tuple[type, str], re.Pattern] = {}


def _raw_end(kind: type, name: str) -> re.Pattern:
    """The end tag of raw text element ``name`` ("</script" then a space, "/" or ">")."""
    key = (kind, name)
    if key not in _RAW_ENDS:
        pattern = rf"</{name}[\t\n\f\r />]"
        _RAW_ENDS[key] = re.compile(pattern.encode("ascii") if kind is bytes else pattern, re.I)
    return _RAW_ENDS[key]


class _Entry:
    """An entry of the list of active formatting elements (or a marker, name None)."""

    __slots__ = ("name", "key", "state", "position", "seq")

    def __init__(self, name: str | None, key, seq: int) -> None:
        self.name, self.key, self.seq = name, key, seq
        self.state = _ON  # on the stack
        self.position = -1


_ON, _STALE, _GONE = 0, 1, 2  # STALE: closed by a block but still active, rebuilt at the next text


class _Tree:
    """The stack of open elements and the list of active formatting elements, as the model keeps them.

    Besides the stack, the positions of elements by name and by category are kept as stacks, so
    every "is X in scope", "is there a special element above" question is one comparison.
    """

    def __init__(self, max_depth: int, max_rebuilt: int) -> None:
        self.max_depth, self.max_rebuilt = max_depth, max_rebuilt
        self.names: list[str] = []
        self.flags: list[int] = []
        self.where: dict[str, list[int]] = {}
        self.special: list[int] = [-1]
        self.strict: list[int] = [-1]
        self.scope: list[int] = [-1]
        self.button: list[int] = [-1]
        self.lists: list[int] = [-1]
        self.table_scope: list[int] = [-1]
        self.tablewise: list[int] = [-1]
        self.cellwise: list[int] = [-1]
        self.foreign: list[tuple[int, int]] = []  # (position, position of the nearest HTML element below)
        self.entries: dict[int, _Entry] = {}  # stack position → its active formatting entry
        self.active: list[_Entry] = []
        self.by_name: dict[str, list[_Entry]] = {}
        self.ark: dict[tuple, list[_Entry]] = {}
        self.markers: list[int] = [-1]  # seq of each open marker
        self.seq = 0
        self.gone = 0  # entries of self.active that are _GONE (dropped lazily, in bulk)
        self.stale = 0
        self.rebuilt = 0
        self.uncertain = False  # lost track of foreign content: honour no "/>" and no raw text there
        self.deepest = 0

    # ---- the stack

    def push(self, name: str, flags: int) -> None:
        position = len(self.names)
        self.names.append(name)
        self.flags.append(flags)
        positions = self.where.get(name)
        if positions is None:
            self.where[name] = [position]
        else:
            positions.append(position)
        if flags:
            if flags & _SPECIAL:
                self.special.append(position)
                if flags & _STRICT:
                    self.strict.append(position)
            if flags & _SCOPE:
                self.scope.append(position)
                if flags & _TABLE_SCOPE:
                    self.table_scope.append(position)
            if flags & (_BUTTON | _LIST):
                (self.button if flags & _BUTTON else self.lists).append(position)
            if flags & _FOREIGN:
                below = self.foreign[-1][1] if self.foreign and self.foreign[-1][0] == position - 1 else position - 1
                self.foreign.append((position, below))
            if flags & _MARKER:
                self.markers.append(self.seq)
                self.seq += 1
            if flags & (_TABLEWISE | _CELLWISE):
                (self.tablewise if flags & _TABLEWISE else self.cellwise).append(position)
        if position >= self.deepest:
            self.deepest = position + 1

    def pop_to(self, position: int) -> None:
        """Pop every element down to and including the one at ``position``."""
        names, flags = self.names, self.flags
        while len(names) > position:
            top = len(names) - 1
            name, flag = names.pop(), flags.pop()
            self.where[name].pop()
            if flag:
                if flag & _SPECIAL:
                    self.special.pop()
                    if flag & _STRICT:
                        self.strict.pop()
                if flag & _SCOPE:
                    self.scope.pop()
                    if flag & _TABLE_SCOPE:
                        self.table_scope.pop()
                if flag & (_BUTTON | _LIST):
                    (self.button if flag & _BUTTON else self.lists).pop()
                if flag & _FOREIGN:
                    self.foreign.pop()
                    if not self.foreign:
                        self.uncertain = False
                if flag & _FORMATTING:
                    entry = self.entries.pop(top, None)
                    if entry is not None and entry.state == _ON:
                        entry.state = _STALE  # closed by something else: the parser rebuilds it
                        self.stale += 1
                if flag & _MARKER:
                    self._clear_to_marker()
                if flag & (_TABLEWISE | _CELLWISE):
                    (self.tablewise if flag & _TABLEWISE else self.cellwise).pop()

    def in_table_mode(self) -> bool:
        """Whether the parser is in a table insertion mode: the nearest table part is no cell.
        (Elements foster-parented out of a table sit above it without changing that.)"""
        return self.tablewise[-1] > self.cellwise[-1]

    def top_is_foreign(self) -> bool:
        return bool(self.foreign) and self.foreign[-1][0] == len(self.names) - 1

    def highest(self, *names: str) -> int:
        return max((self.where[name][-1] for name in names if self.where.get(name)), default=-1)

    def bury(self, position: int) -> None:
        """The parser removed the HTML element at ``position`` from the middle of its stack: keep it
        for depth, but as nothing an end tag can find or a scope can stop at."""
        name, flag = self.names[position], self.flags[position]
        _remove(self.where[name], position)
        for stack, bit in ((self.special, _SPECIAL), (self.strict, _STRICT), (self.scope, _SCOPE),
                           (self.table_scope, _TABLE_SCOPE), (self.button, _BUTTON), (self.lists, _LIST),
                           (self.tablewise, _TABLEWISE), (self.cellwise, _CELLWISE)):
            if flag & bit:
                _remove(stack, position)
        entry = self.entries.pop(position, None)
        if entry is not None:
            self.forget(entry)
        self.names[position] = _DEAD
        self.flags[position] = 0
        insort(self.where.setdefault(_DEAD, []), position)

    # ---- active formatting elements

    def add_formatting(self, name: str, key) -> None:
        """Push formatting element ``name`` (attributes ``key``) and put it on the active list; a
        fourth identical one after the last marker drops the earliest (the standard's Noah's Ark)."""
        same = [entry for entry in self.ark.get(key, ()) if entry.state != _GONE and entry.seq > self.markers[-1]]
        if len(same) >= 3:
            self.forget(same[0])
        self.ark[key] = same[-3:]
        entry = _Entry(name, key, self.seq)
        self.seq += 1
        self.push(name, _FLAGS[name])
        entry.position = len(self.names) - 1
        self.entries[entry.position] = entry
        self.active.append(entry)
        self.by_name.setdefault(name, []).append(entry)
        self.ark[key].append(entry)

    def forget(self, entry: _Entry) -> None:
        if entry.state == _GONE:
            return
        if entry.state == _STALE:
            self.stale -= 1
        elif entry.state == _ON:
            self.entries.pop(entry.position, None)
        entry.state = _GONE
        self.gone += 1
        if self.gone > 32 and self.gone * 2 > len(self.active):
            # Entries forgotten mid-list would be walked at every rebuild: drop them in bulk.
            self.active = [kept for kept in self.active if kept.state != _GONE]
            self.gone = 0

    def latest(self, name: str) -> _Entry | None:
        """The last active entry named ``name`` after the last marker."""
        entries = self.by_name.get(name)
        while entries and entries[-1].state == _GONE:
            entries.pop()
        if entries and entries[-1].seq > self.markers[-1]:
            return entries[-1]
        return None

    def _clear_to_marker(self) -> None:
        marker, active = self.markers.pop(), self.active
        while active and active[-1].seq > marker:
            entry = active.pop()
            if entry.state == _GONE:
                self.gone -= 1
                continue
            if entry.state == _STALE:
                self.stale -= 1
            else:
                self.entries.pop(entry.position, None)
            entry.state = _GONE

    def rebuild(self) -> None:
        """Reconstruct the active formatting elements closed since (text or an element follows)."""
        active, pending = self.active, []
        index = len(active) - 1
        while index >= 0:
            entry = active[index]
            if entry.seq <= self.markers[-1] or entry.state == _ON:
                break
            if entry.state == _STALE:
                pending.append(entry)
            index -= 1
        while active and active[-1].state == _GONE:
            active.pop()
            self.gone -= 1
        if not pending:
            return
        self.rebuilt += len(pending)
        if self.rebuilt > self.max_rebuilt:
            raise _TooManyRebuilt
        for entry in reversed(pending):
            self.push(entry.name, _FLAGS[entry.name])
            entry.state, entry.position = _ON, len(self.names) - 1
            self.entries[entry.position] = entry
            self.stale -= 1

    def adoption(self, name: str) -> bool:
        """The end tag of formatting element ``name`` (the standard's adoption agency algorithm).
        False when there is no such active element (the end tag is then an ordinary one)."""
        entry = self.latest(name)
        if entry is None:
            return False
        if entry.state == _STALE:
            self.forget(entry)
            return True
        position = entry.position
        if position <= self.scope[-1]:
            return True  # not in scope: ignored
        if self.special[-1] > position:
            # A block opened inside it (a "furthest block"): the parser takes the element and the
            # non-formatting elements between the two off its stack and puts a copy of the element,
            # still active, above the block. The model keeps them all for depth, out of reach of end
            # tags, and has the copy rebuilt with the next text (no shallower than the parser).
            furthest = self.special[bisect_right(self.special, position)]
            for between in range(furthest - 1, position, -1):
                if self.flags[between] & _FOREIGN:
                    self.uncertain = True
                elif not self.flags[between] & _FORMATTING and self.names[between] != _DEAD:
                    self.bury(between)
            self.entries.pop(position, None)
            self.bury(position)
            entry.state = _STALE
            self.stale += 1
            return True
        self.forget(entry)
        self.pop_to(position)
        return True


def _remove(positions: list[int], position: int) -> None:
    """Remove ``position`` from a sorted list of positions."""
    del positions[bisect_right(positions, position) - 1]


class _TooManyRebuilt(Exception):
    pass


# ---- what the page's tags are, counted with numpy ------------------------------------------------
# For each "<", the 8 bytes after it lowercased (| 0x20 lowercases letters and leaves "!", "-", "/"
# and ">" as they are) as one integer, the length of the tag name in them, and the byte ending it.

_KEY_BYTES = 8
_KEY_OFFSETS = np.arange(1, _KEY_BYTES + 1)
_ENDS_NAME = np.zeros(256, dtype=bool)  # space, tab, LF, FF, CR, "/", ">" lowercased ("-" is CR's: a few more)
_ENDS_NAME[[byte | 0x20 for byte in (0x09, 0x0A, 0x0C, 0x0D, 0x20, 0x2F, 0x3E)]] = True
_NAME_MASKS = np.array([(1 << (8 * length)) - 1 for length in range(_KEY_BYTES)] + [(1 << 64) - 1], dtype=np.uint64)


def _key(name: bytes) -> int:
    return int.from_bytes(name[:_KEY_BYTES].ljust(_KEY_BYTES, b"\0"), "little")


_OPENS = np.zeros(256, dtype=bool)  # what follows the "<" of a start tag or a comment
_OPENS[list(range(0x41, 0x5B)) + list(range(0x61, 0x7B)) + [0x21]] = True


@dataclass(frozen=True, slots=True)
class _Tags:
    """The "<" of a page (positions of all, and of those that open a start tag or a comment) and
    the byte after each."""

    every: np.ndarray
    opening: np.ndarray  # not "</" …: half as many
    first: np.ndarray  # the lowercased byte after each of ``opening``
    closing: np.ndarray  # every ">", and the page's length as a ">" never found

    @staticmethod
    def of(array: np.ndarray) -> "_Tags":
        brackets = np.flatnonzero((array == 0x3C) | (array == 0x3E))  # one pass for both
        is_opening = array[brackets] == 0x3C
        every = brackets[is_opening]
        after = array[np.minimum(every + 1, len(array) - 1)]
        opens = _OPENS[after]
        return _Tags(every, every[opens], after[opens] | 0x20, np.append(brackets[~is_opening], len(array)))

    def named(self, array: np.ndarray, names: np.ndarray, first_letters: np.ndarray,
              attributes: bool = False) -> np.ndarray:
        """The positions of the "<" that open a tag (or comment) of one of ``names`` (keys of
        :func:`_key`, starting with one of ``first_letters``), only those written with attributes
        (a separator after the name, not ">") if ``attributes``. Read for those "<" alone."""
        opening = self.opening[first_letters[self.first]]
        window = array[np.minimum(opening[:, None] + _KEY_OFFSETS, len(array) - 1)] | 0x20
        ends = _ENDS_NAME[window]
        length = np.where(ends.any(axis=1), ends.argmax(axis=1), _KEY_BYTES)
        keys = np.ascontiguousarray(window).view(np.uint64).ravel() & _NAME_MASKS[length]
        match = np.isin(keys, names)
        if attributes:
            match &= (length < _KEY_BYTES) & (window[np.arange(len(window)), np.minimum(length, _KEY_BYTES - 1)] != 0x3E)
        return opening[match]


def _first_letters(names: tuple[bytes, ...]) -> np.ndarray:
    letters = np.zeros(256, dtype=bool)
    letters[[name[0] | 0x20 for name in names]] = True
    return letters


# ---- pages too small to be costly ----------------------------------------------------------------
# Formatting elements that can pile up on the active list (an <a> closes the <a> before it).
_PILING_NAMES = (b"b", b"big", b"code", b"em", b"font", b"i", b"nobr", b"s", b"small", b"strike", b"strong", b"tt", b"u")
_PILING = np.array([_key(name) for name in _PILING_NAMES], dtype=np.uint64)
_PILING_FIRST = _first_letters(_PILING_NAMES)
#: Identical formatting elements (same name and attributes) the active list holds at most after its
#: last marker (the standard's "Noah's Ark" clause).
_IDENTICAL_ON_LIST = 3


def cannot_be_costly(html: str | bytes, free_tags: int, free_rebuilds: int) -> bool:
    """Whether ``html`` is too small to make the tree builder slow or huge, however it nests.

    Beyond linear, its time is at most the tags times the depth, and the depth at most about the
    number of tags: a page of ``free_tags`` "<" cannot cost more than that squared. Each rebuild of
    closed formatting elements follows a tag and rebuilds at most the list's entries after its last
    marker: 3 for each formatting name written plain (``<b>``: identical ones stay 3 on the list) and
    one per formatting tag with attributes. Counted with numpy, in a fraction of the parse's time.
    """
    array = np.frombuffer(_as_bytes(html), dtype=np.uint8)
    return _small_enough(array, _Tags.of(array), free_tags, free_rebuilds)


def _small_enough(array: np.ndarray, tags: _Tags, free_tags: int, free_rebuilds: int) -> bool:
    """:func:`cannot_be_costly` on the page's tags."""
    count = len(tags.every)
    if count > free_tags:
        return False
    if count * count <= free_rebuilds:
        return True  # the list can hold no more entries than there are tags
    with_attributes = len(tags.named(array, _PILING, _PILING_FIRST, attributes=True))
    return (_IDENTICAL_ON_LIST * len(_PILING) + with_attributes) * count <= free_rebuilds


# ---- tags with too many attributes ---------------------------------------------------------------
# lexbor compares each attribute of a tag with those before it: time grows with the square of their
# number (16,000 took 0.45 s, a fuzzed page with 80,000, 25 s). Only a "<" whose next ">" is far,
# with many separators between, can open such a tag, and one outside a script, a style or a comment
# (text to the parser); one regex then reads its attributes in C and fails at a real tag's ">". A
# tag that hides its length behind ">" inside quoted values is not found: there the ingest worker's
# time limit is the guard.

# One attribute as the HTML tokenizer reads it: separators, a name, maybe "=" and a value.
_ATTRIBUTE = rb"""[\s/]*+[^\s/>][^\s/>=]*+(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?+"""
_ATTRIBUTES_LEFT = re.compile(rb"(?:" + _ATTRIBUTE + rb")*+")
_TAG_NAME = re.compile(rb"<[A-Za-z][^\s/>]*+")
# Bytes that can separate attributes (a tag has at most one attribute more than it has of these).
_NOT_SEPARATOR = bytes(byte for byte in range(256) if byte not in b"\t\n\x0c\r /\"'")
_SEPARATOR = np.zeros(256, dtype=bool)
_SEPARATOR[list(b"\t\n\x0c\r /\"'")] = True
_LETTER = np.zeros(256, dtype=bool)
_LETTER[list(range(0x41, 0x5B)) + list(range(0x61, 0x7B))] = True
# Openings of a comment and of the elements whose content the parser reads as text.
_TEXT_OPENING_NAMES = (b"!--", b"script", b"style", b"textarea", b"title", b"xmp", b"iframe", b"noembed", b"noframes",
                       b"plaintex")
_TEXT_OPENINGS = np.array([_key(name) for name in _TEXT_OPENING_NAMES], dtype=np.uint64)
_TEXT_FIRST = _first_letters(_TEXT_OPENING_NAMES)


_TEXT_ELEMENT_NAMES = frozenset({b"script", b"style", b"textarea", b"title", b"xmp", b"iframe", b"noembed", b"noframes"})


@lru_cache(maxsize=4)
def _first_attributes(count: int) -> re.Pattern:
    """``count`` attributes in a row (possessive: linear, and failing fast at a real tag's ">")."""
    return re.compile(rb"(?:" + _ATTRIBUTE + rb"){%d}" % count)


def _attribute_cuts(data: bytes, array: np.ndarray, tags: _Tags, max_attributes: int) -> list[tuple[int, int]]:
    """The spans of attributes beyond the first ``max_attributes`` of any tag."""
    opening = tags.opening
    if not len(opening):
        return []
    closing = tags.closing
    ends = closing[np.searchsorted(closing, opening)]
    long = (ends - opening > 2 * max_attributes) & (tags.first != 0x21)  # not "<!…"
    starts, stops = opening[long], ends[long]
    if int((stops - starts).sum()) <= 4 * len(data):
        suspects = [start for start, end in zip(starts.tolist(), stops.tolist())
                    if len(data[start:end].translate(None, _NOT_SEPARATOR)) >= max_attributes]
    else:  # many "<" reaching one far ">" (a page without ">"): count the separators once
        separators = np.concatenate(([0], np.cumsum(_SEPARATOR[array], dtype=np.int64)))
        suspects = starts[separators[stops] - separators[starts] >= max_attributes].tolist()
    if not suspects:
        return []
    text_starts, text_ends = _text_spans(data, tags.named(array, _TEXT_OPENINGS, _TEXT_FIRST).tolist())
    too_many, allowed = _first_attributes(max_attributes + 1), _first_attributes(max_attributes)
    cuts, covered = [], -1
    for start in suspects:
        span = bisect_right(text_starts, start) - 1
        if start < covered or (span >= 0 and start < text_ends[span]):
            continue  # inside a tag already read, or text of a script, a style, a comment …
        name = _TAG_NAME.match(data, start)
        if name is None or not too_many.match(data, name.end()):
            continue
        position = allowed.match(data, name.end()).end()
        covered = _ATTRIBUTES_LEFT.match(data, position).end()
        cuts.append((position, covered))
    return cuts


def _text_spans(data: bytes, text_openings: list[int]) -> tuple[list[int], list[int]]:
    """Starts and ends of the comments and script, style … elements, in order: each opening found
    by numpy is read unless it lies in the span before it (so each byte is searched once)."""
    starts, ends, reached = [], [], -1
    for opened in text_openings:
        if opened < reached:
            continue
        if data.startswith(b"<!--", opened):
            closed = data.find(b"-->", opened + 2)
            end = closed + 3 if closed >= 0 else len(data)
        else:
            name = _TAG_NAME.match(data, opened)
            tag = name.group()[1:].lower() if name else b""
            if tag == b"plaintext":
                end = len(data)
            elif tag in _TEXT_ELEMENT_NAMES:
                closed = _raw_end(bytes, tag.decode("latin-1")).search(data, name.end())
                end = closed.end() if closed is not None else len(data)
            else:
                continue  # a longer name that starts like one ("<scripts")
        starts.append(opened)
        ends.append(end)
        reached = end
    return starts, ends


def nesting_depth(html: str | bytes) -> int:
    """The deepest nesting of ``html`` as :func:`bounded_nesting` counts it (for measurements)."""
    tree = _model(html, 10**9, 10**9)[0]
    return tree.deepest


def bounded_nesting(html: str | bytes, *, max_depth: int, max_rebuilt: int, free_tags: int, free_rebuilds: int,
                    max_attributes: int, max_tags: int, origin: str = "") -> str | bytes:
    """``html`` without the attributes of a tag beyond its first ``max_attributes`` and without the
    start tags that would nest deeper than ``max_depth`` (their text is kept); as UTF-8 bytes when
    anything was cut, else as it came.

    A page of at most ``free_tags`` tags whose formatting start tags times tags is at most
    ``free_rebuilds`` is not modelled (:func:`cannot_be_costly`). Raises :class:`InputError` for a
    page with more than ``max_tags`` "<", and for one whose markup would make the parser rebuild
    more than ``max_rebuilt`` formatting elements (a handful on real pages).
    """
    data = _as_bytes(html)
    array = np.frombuffer(data, dtype=np.uint8)
    tags = _Tags.of(array)
    if len(tags.every) > max_tags:
        raise InputError(origin, f"HTML with {len(tags.every):,} tags, over the {max_tags:,} a page can have")
    attribute_cuts = _attribute_cuts(data, array, tags, max_attributes)
    if attribute_cuts:
        data = _without(data, attribute_cuts)
    elif _small_enough(array, tags, free_tags, free_rebuilds):
        return html
    if attribute_cuts and cannot_be_costly(data, free_tags, free_rebuilds):
        return data
    try:
        tree, cuts = _model(data, max_depth, max_rebuilt)
    except _TooManyRebuilt:
        raise InputError(origin, f"pathological HTML: closed formatting elements (<b>, <font> …) would be rebuilt "
                                 f"more than {max_rebuilt} times") from None
    if cuts:
        return _without(data, cuts)
    return data if attribute_cuts else html


def _as_bytes(html: str | bytes) -> bytes:
    """The page as UTF-8 bytes, which lexbor parses as it parses the same str."""
    return html if isinstance(html, bytes) else html.encode("utf-8", "surrogatepass")


def _without(data: bytes, cuts: list[tuple[int, int]]) -> bytes:
    """``data`` without the spans ``cuts`` (in order, apart)."""
    out, last = [], 0
    for start, end in cuts:
        out.append(data[last:start])
        last = end
    out.append(data[last:])
    return b"".join(out)


def _model(html: str | bytes, max_depth: int, max_rebuilt: int) -> tuple[_Tree, list[tuple[int, int]]]:
    """Run the tree construction model over ``html``; the tree, and the spans of start tags to cut."""
    kind = type(html)
    token, comment_end, font_breaks_out, self_closing = _PATTERNS[kind]
    end = html.rfind(b">" if kind is bytes else ">") + 1  # no tag ends after the last ">"
    tree = _Tree(max_depth, max_rebuilt)
    cuts: list[tuple[int, int]] = []
    cap = max_depth - _HEADROOM  # for elements that close nothing (see _CLOSING_KINDS)
    merged: dict[str, int] = {}  # <html>, <body> … tags seen
    canonical: dict[str | bytes, str] = {}
    start_kinds, html_flags = _START_KINDS, _FLAGS
    names, flag_list, where = tree.names, tree.flags, tree.where
    position, last_end = 0, 0
    while position < end:
        resume = None
        for match in token.finditer(html, position, end):
            start, stop = match.span()
            if start != last_end and tree.stale and (not tree.in_table_mode()
                                                     or not html[last_end:start].isspace()):
                tree.rebuild()  # text between tags (whitespace in a table is no text of the body)
            last_end = stop
            comment, closing, raw_name, rest = match.groups()
            if comment:
                found = comment_end.search(html, start + 2, len(html))  # "<!-->" and "<!--->" end at once
                if found is None:
                    return tree, cuts  # the rest of the page is a comment
                resume = last_end = found.end()
                break
            name = canonical.get(raw_name)
            if name is None:
                name = canonical[raw_name] = (raw_name.decode("latin-1") if kind is bytes else raw_name).lower()
            if tree.foreign and tree.top_is_foreign():
                # ---- SVG and MathML content
                top_flags = tree.flags[-1]
                if closing:
                    if name in ("br", "p"):
                        _leave_foreign(tree)
                    else:
                        found_at = max(where[prefix + name][-1] if where.get(prefix + name) else -1
                                       for prefix in (_SVG, _MATH))
                        if found_at > tree.foreign[-1][1]:
                            tree.pop_to(found_at)
                            continue
                elif not (top_flags & _HTML_POINT or (top_flags & _TEXT_POINT and name not in ("mglyph", "malignmark"))
                          or (names[-1] == _MATH + "annotation-xml" and name == "svg")):
                    if name in _BREAKOUT or (name == "font" and font_breaks_out.search(rest)):
                        _leave_foreign(tree)
                    else:
                        if len(names) >= cap:
                            cuts.append((start, last_end))
                            continue
                        prefix = _SVG if names[-1][0] == _SVG else _MATH
                        tree.push(prefix + name, _foreign_flags(prefix, name))
                        if name == "annotation-xml":
                            tree.uncertain = True  # an HTML point only with an encoding attribute
                        if not tree.uncertain and rest.endswith(b"/" if kind is bytes else "/") \
                                and self_closing.fullmatch(rest):
                            tree.pop_to(len(names) - 1)
                        continue
            if closing:
                if names and names[-1] == name:  # the current element's own end tag: the commonest case
                    if not flag_list[-1]:
                        names.pop()
                        flag_list.pop()
                        where[name].pop()
                        continue
                    if not flag_list[-1] & _FORMATTING:
                        tree.pop_to(len(names) - 1)
                        continue
                _end_tag(tree, name)
                continue
            # ---- HTML start tags
            start_kind = start_kinds.get(name, _OPEN)
            if tree.stale and name not in _NO_REBUILD:
                tree.rebuild()
            if start_kind == _OPEN:
                if len(names) >= cap:
                    cuts.append((start, last_end))
                    continue
                flags = html_flags.get(name, 0)
                if flags:
                    tree.push(name, flags)
                    continue
                names.append(name)  # an element of no category (span, custom elements): push inline
                flag_list.append(0)
                positions = where.get(name)
                if positions is None:
                    where[name] = [len(names) - 1]
                else:
                    positions.append(len(names) - 1)
                if len(names) > tree.deepest:
                    tree.deepest = len(names)
            elif start_kind == _CLOSES_P:
                if len(names) >= (max_depth if name == "p" else cap):
                    cuts.append((start, last_end))
                    continue
                positions = where.get("p")
                if positions and positions[-1] > tree.scope[-1] and positions[-1] > tree.button[-1]:
                    tree.pop_to(positions[-1])
                tree.push(name, html_flags[name])
            elif start_kind == _VOID:
                pass
            elif start_kind == _RAW or start_kind == _PLAINTEXT:
                if tree.uncertain or (where.get("select") and name != "script"):
                    if len(names) >= cap:  # raw text the parser may read as markup: an element
                        cuts.append((start, last_end))
                    else:
                        tree.push(name, html_flags.get(name, 0))
                    continue
                if start_kind == _PLAINTEXT:
                    return tree, cuts  # the rest of the page is text
                if name == "xmp":
                    _close_p(tree)
                    if tree.stale:
                        tree.rebuild()
                found = _raw_end(kind, name).search(html, last_end)
                if found is None:
                    return tree, cuts  # the rest of the page is this element's text
                resume = last_end = found.start()
                break
            elif start_kind == _IGNORED:
                # Their attributes go to the one <html> or <body> element: lexbor compares each with
                # those it has, so thousands of such tags cost as one tag with thousands of attributes.
                merged[name] = merged.get(name, 0) + 1
                if merged[name] > _MERGED_TAGS and rest.strip():
                    cuts.append((start, last_end))
            elif name in _TABLE_PARTS_ONLY and not (where.get("table") or where.get("template")):
                continue  # a cell, row, section or caption outside any table: the parser ignores it
            else:
                if len(names) >= (max_depth if start_kind in _CLOSING_KINDS else cap):
                    cuts.append((start, last_end))
                    continue
                _start_tag(tree, name, start_kind, rest)
                if start_kind == _FOREIGN_ROOT and not tree.uncertain \
                        and rest.endswith(b"/" if kind is bytes else "/") and self_closing.fullmatch(rest):
                    tree.pop_to(len(names) - 1)
        if resume is None:
            break
        position = resume
    return tree, cuts


def _foreign_flags(prefix: str, name: str) -> int:
    if prefix == _SVG and name in ("foreignobject", "desc", "title"):
        return _FOREIGN | _SPECIAL | _STRICT | _SCOPE | _HTML_POINT
    if prefix == _MATH and name in ("mi", "mo", "mn", "ms", "mtext"):
        return _FOREIGN | _SPECIAL | _STRICT | _SCOPE | _TEXT_POINT
    if prefix == _MATH and name == "annotation-xml":
        return _FOREIGN | _SPECIAL | _STRICT | _SCOPE
    return _FOREIGN


def _leave_foreign(tree: _Tree) -> None:
    """Pop SVG/MathML elements until an HTML element or an integration point is current."""
    while tree.top_is_foreign() and not tree.flags[-1] & (_HTML_POINT | _TEXT_POINT):
        tree.pop_to(len(tree.names) - 1)


def _close_p(tree: _Tree) -> None:
    """Close a <p> in button scope, as block start tags do."""
    positions = tree.where.get("p")
    if positions and positions[-1] > tree.scope[-1] and positions[-1] > tree.button[-1]:
        tree.pop_to(positions[-1])


def _start_tag(tree: _Tree, name: str, kind: int, rest) -> None:
    """An HTML start tag that opens an element (kinds other than _OPEN, _VOID, _RAW, _IGNORED)."""
    names = tree.names
    if kind == _CLOSES_P:
        _close_p(tree)
    elif kind == _HEADING:
        _close_p(tree)
        if names and names[-1] in _HEADINGS:
            tree.pop_to(len(names) - 1)
    elif kind == _LI or kind == _DD_DT:
        found = tree.highest("li") if kind == _LI else tree.highest("dd", "dt")
        if found >= 0 and found == tree.strict[-1]:  # no other special element above it
            tree.pop_to(found)
        _close_p(tree)
    elif kind == _BUTTON_TAG:
        found = tree.highest("button")
        if found > tree.scope[-1]:
            tree.pop_to(found)
        if tree.stale:
            tree.rebuild()
    elif kind == _FORMAT:
        tree.add_formatting(name, (name, rest.strip()))
        return
    elif kind == _A:
        entry = tree.latest("a")
        if entry is not None:  # an open <a> is closed first (links do not nest)
            tree.adoption("a")
            if entry.state == _ON:
                tree.bury(entry.position)  # the parser removes it from the stack wherever it is
            tree.forget(entry)
        if tree.stale:
            tree.rebuild()
        tree.add_formatting(name, (name, rest.strip()))
        return
    elif kind == _NOBR:
        if tree.highest("nobr") > tree.scope[-1]:
            tree.adoption("nobr")
            if tree.stale:
                tree.rebuild()
        tree.add_formatting(name, (name, rest.strip()))
        return
    elif kind == _TABLE:
        if tree.in_table_mode():
            found = tree.highest("table")
            if found >= 0 and found >= tree.table_scope[-1]:
                tree.pop_to(found)  # a table in a table (not in a cell) closes it
    elif kind == _CELL or kind == _ROW or kind == _SECTION:
        # A cell closes the open cell, a row the open row (or cell), a section the open section (…)
        # of the same table.
        for group in _TABLE_PARTS[kind]:
            found = tree.highest(*group)
            if found > tree.table_scope[-1]:
                tree.pop_to(found)
                break
    elif kind == _OPTION or kind == _OPTGROUP:
        if names and names[-1] == "option":
            tree.pop_to(len(names) - 1)
        if kind == _OPTGROUP and names and names[-1] == "optgroup":
            tree.pop_to(len(names) - 1)
        if tree.stale:
            tree.rebuild()
    elif kind == _FOREIGN_ROOT:
        prefix = _SVG if name == "svg" else _MATH
        tree.push(prefix + name, _FOREIGN)
        return
    tree.push(name, _FLAGS.get(name, 0))


def _end_tag(tree: _Tree, name: str) -> None:
    """An HTML end tag."""
    where, flags = tree.where, _FLAGS.get(name, 0)
    if name in ("html", "head", "body"):
        return
    if name == "br":  # </br> is <br>
        if tree.stale:
            tree.rebuild()
        return
    if flags & _FORMATTING and tree.adoption(name):
        return
    if name == "form":
        found = tree.highest("form")
        if found > tree.scope[-1]:
            tree.bury(found)  # the parser removes the form alone, leaving what it holds open
        return
    if not flags & _SPECIAL:  # any other end tag: the nearest such element, unless a special one is nearer
        positions = where.get(name)
        if positions and positions[-1] > tree.special[-1]:
            tree.pop_to(positions[-1])
        return
    if name in _HEADINGS:
        found = tree.highest(*_HEADINGS)
    else:
        positions = where.get(name)
        found = positions[-1] if positions else -1
    if found < 0:
        return
    if name == "p":
        boundary = max(tree.scope[-1], tree.button[-1])
    elif name == "li":
        boundary = max(tree.scope[-1], tree.lists[-1])
    elif name in ("table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "colgroup"):
        boundary = tree.table_scope[-1]
    else:
        boundary = tree.scope[-1]
    # An element that bounds the scope is itself in scope.
    if found > boundary or (found == boundary and flags & (_SCOPE | _TABLE_SCOPE)):
        tree.pop_to(found)
