"""Step 1 of the guard: the spans of attributes beyond the first ``max_attributes`` of a tag, found
among the few "<" whose next ">" is far enough (numpy), outside comments and raw text."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

import numpy as np

from .scan import _first_letters, _key, _raw_end, _Tags

__all__ = ["_attribute_cuts"]

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
