"""The tag scanner: the regexes that read a tag or comment at a "<" and find where raw text ends
(for str and bytes pages), and the numpy count of a page's "<" with the tag names after them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["_PATTERNS", "_raw_end", "_key", "_Tags", "_first_letters"]

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
