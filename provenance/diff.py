"""Word-level diff of a copy against its source, with each segment classified.

Inside the aligned region (from the first to the last copied passage, in both texts) the two
texts are diffed word by word; outside it, what only the copy has is its own furniture, credit
lines or surrounding text, and what only the source has was cut (truncation).
"""

from __future__ import annotations

import difflib
import re

import numpy as np

from .models import Article, DiffOp, Passage
from .text import Tokens, tokenize

__all__ = ["diff_copy", "MAX_DIFF_WORDS", "MAX_UNIT_WORDS", "CONTEXT_MIN_WORDS"]

#: A block of differing sentences longer than this (in words, per side) becomes one op instead of
#: a word-level diff, whose worst case is quadratic.
MAX_DIFF_WORDS = 2000
#: A sentence longer than this many words is cut into units of this size for the coarse diff.
MAX_UNIT_WORDS = 40
#: An insertion inside the aligned region at least this long is the copy's own text around or
#: between copied passages ("context"), not an edit of the source.
CONTEXT_MIN_WORDS = 40


_WORD_RE = re.compile(r"\w")
_SENTENCE_END = re.compile(r"[.!?\n]")


_CLOSING_PUNCTUATION = set(".,;:!?…)]}”’»\"'")
_OPENING_PUNCTUATION = set("([{“‘«\"'")


def _extend_right(text: str, end: int) -> int:
    while end < len(text) and text[end] in _CLOSING_PUNCTUATION:
        end += 1
    return end


def _extend_left(text: str, start: int) -> int:
    while start > 0 and text[start - 1] in _OPENING_PUNCTUATION:
        start -= 1
    return start


def _spans_of(article: Article) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    credits = [(c.start, c.end) for c in article.credits if c.start >= 0]
    furniture = [(f.start, f.end) for f in article.furniture]
    return credits, furniture


def _kind_for_copy_span(start: int, end: int, credits, furniture, default: str) -> str:
    """Classify a span of the copy by what it overlaps most: a credit line, furniture, or neither."""
    def overlap(spans) -> int:
        return sum(max(0, min(end, e) - max(start, s)) for s, e in spans)

    credit, furn = overlap(credits), overlap(furniture)
    if credit and credit >= furn:
        return "credit"
    if furn * 2 >= (end - start) or (furn and furn >= credit and furn * 4 >= end - start):
        return "furniture"
    return default


def _paragraph_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-blank lines of ``text[start:end]`` as spans (furniture and credits are line-level)."""
    spans, pos = [], start
    for line in text[start:end].split("\n"):
        s = pos + (len(line) - len(line.lstrip()))
        e = pos + len(line.rstrip())
        if e > s:
            spans.append((s, e))
        pos += len(line) + 1
    return spans


def _edge_ops(article: Article, start: int, end: int, other_at: int, credits, furniture, *,
              in_copy: bool) -> list[DiffOp]:
    """Ops for text outside the aligned region, one per run of same-kind lines: in the copy,
    inserts (its furniture, credit lines or own text: "context"); in the source, deletes (what the
    copy cut: "truncation", or the source's own furniture and credit lines)."""
    ops: list[DiffOp] = []
    default = "context" if in_copy else "truncation"
    for s, e in _paragraph_spans(article.text, start, end):
        if not _WORD_RE.search(article.text, s, e):
            continue  # a stray full stop at the region's edge is not a change
        kind = _kind_for_copy_span(s, e, credits, furniture, default)
        if ops and ops[-1].kind == kind:
            s = ops.pop().copy_start if in_copy else ops.pop().source_start
        if in_copy:
            ops.append(DiffOp("insert", other_at, other_at, s, e, article.text[s:e], kind))
        else:
            ops.append(DiffOp("delete", s, e, other_at, other_at, article.text[s:e], kind))
    return ops


def _region_tokens(tokens: Tokens, start: int, end: int) -> tuple[int, int]:
    lo = int(np.searchsorted(tokens.starts, start, side="left"))
    hi = int(np.searchsorted(tokens.ends, end, side="right"))
    return lo, hi


def _op(tag: str, source: Article, s_tok: Tokens, i1: int, i2: int, copy: Article, c_tok: Tokens, j1: int,
        j2: int, credits, furniture) -> DiffOp:
    """One diff op for source tokens [i1, i2) against copy tokens [j1, j2)."""
    s_start = int(s_tok.starts[i1]) if i1 < i2 else (int(s_tok.ends[i1 - 1]) if i1 > 0 else 0)
    s_end = int(s_tok.ends[i2 - 1]) if i1 < i2 else s_start
    c_start = int(c_tok.starts[j1]) if j1 < j2 else (int(c_tok.ends[j1 - 1]) if j1 > 0 else 0)
    c_end = int(c_tok.ends[j2 - 1]) if j1 < j2 else c_start
    if tag == "delete":
        return DiffOp("delete", s_start, s_end, c_start, c_end, source.text[s_start:s_end], "editorial")
    default = "context" if tag == "insert" and j2 - j1 >= CONTEXT_MIN_WORDS else "editorial"
    kind = _kind_for_copy_span(c_start, c_end, credits, furniture, default)
    return DiffOp(tag, s_start, s_end, c_start, c_end, copy.text[c_start:c_end], kind,
                  source_text=source.text[s_start:s_end] if tag == "replace" else "")


def _word_ops(source: Article, s_tok: Tokens, s_lo: int, s_hi: int,
              copy: Article, c_tok: Tokens, c_lo: int, c_hi: int, credits, furniture) -> list[DiffOp]:
    """Word-level diff of source tokens [s_lo, s_hi) against copy tokens [c_lo, c_hi)."""
    matcher = difflib.SequenceMatcher(None, s_tok.words[s_lo:s_hi], c_tok.words[c_lo:c_hi], autojunk=False)
    return [_op(tag, source, s_tok, i1 + s_lo, i2 + s_lo, copy, c_tok, j1 + c_lo, j2 + c_lo, credits, furniture)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _units(tokens: Tokens, text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Token ranges of the sentences (or lines) in tokens [lo, hi): the coarse level of the diff."""
    units, start = [], lo
    for k in range(lo, hi):
        gap = text[tokens.ends[k]: tokens.starts[k + 1]] if k + 1 < hi else ""
        if k + 1 == hi or _SENTENCE_END.search(gap) or k + 1 - start >= MAX_UNIT_WORDS:
            units.append((start, k + 1))
            start = k + 1
    return units


def _region_ops(source: Article, s_tok: Tokens, s_lo: int, s_hi: int,
                copy: Article, c_tok: Tokens, c_lo: int, c_hi: int, credits, furniture) -> list[DiffOp]:
    """Diff of the aligned region in two levels: sentences first, then words inside the sentences
    that differ. Linear in practice on long texts, where one word-level pass is quadratic."""
    s_units = _units(s_tok, source.text, s_lo, s_hi)
    c_units = _units(c_tok, copy.text, c_lo, c_hi)
    s_keys = [s_tok.words[a:b] for a, b in s_units]
    c_keys = [c_tok.words[a:b] for a, b in c_units]
    ops: list[DiffOp] = []
    matcher = difflib.SequenceMatcher(None, s_keys, c_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a_lo = s_units[i1][0] if i1 < len(s_units) else s_hi
        a_hi = s_units[i2 - 1][1] if i2 > i1 else a_lo
        b_lo = c_units[j1][0] if j1 < len(c_units) else c_hi
        b_hi = c_units[j2 - 1][1] if j2 > j1 else b_lo
        if max(a_hi - a_lo, b_hi - b_lo) <= MAX_DIFF_WORDS:
            ops += _word_ops(source, s_tok, a_lo, a_hi, copy, c_tok, b_lo, b_hi, credits, furniture)
        else:  # a huge rewritten block: one op, not a quadratic word diff
            ops.append(_op(tag, source, s_tok, a_lo, a_hi, copy, c_tok, b_lo, b_hi, credits, furniture))
    return ops


def diff_copy(source: Article, copy: Article, passages: tuple[Passage, ...]) -> tuple[DiffOp, ...]:
    """The classified word-level diff of ``copy`` against ``source`` given their copied passages."""
    if not passages:
        return ()
    credits, furniture = _spans_of(copy)
    # passages run from the first to the last aligned word: take in the punctuation that closes or
    # opens those sentences, so no segment outside starts with a stray full stop
    s_start = _extend_left(source.text, min(p.source_start for p in passages))
    s_end = _extend_right(source.text, max(p.source_end for p in passages))
    c_start = _extend_left(copy.text, min(p.copy_start for p in passages))
    c_end = _extend_right(copy.text, max(p.copy_end for p in passages))
    s_tok, c_tok = tokenize(source.text), tokenize(copy.text)
    s_credits, s_furniture = _spans_of(source)
    ops: list[DiffOp] = []
    ops += _edge_ops(source, 0, s_start, c_start, s_credits, s_furniture, in_copy=False)
    ops += _edge_ops(copy, 0, c_start, s_start, credits, furniture, in_copy=True)
    s_lo, s_hi = _region_tokens(s_tok, s_start, s_end)
    c_lo, c_hi = _region_tokens(c_tok, c_start, c_end)
    ops += _region_ops(source, s_tok, s_lo, s_hi, copy, c_tok, c_lo, c_hi, credits, furniture)
    ops += _edge_ops(copy, c_end, len(copy.text), s_end, credits, furniture, in_copy=True)
    ops += _edge_ops(source, s_end, len(source.text), c_end, s_credits, s_furniture, in_copy=False)
    return tuple(ops)

