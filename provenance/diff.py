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

__all__ = ["diff_copy", "MAX_DIFF_WORDS", "CONTEXT_MIN_WORDS"]

#: Aligned regions longer than this (in words, per side) are diffed passage by passage instead of
#: as one region, to keep the quadratic worst case of sequence matching bounded.
MAX_DIFF_WORDS = 6000
#: An insertion inside the aligned region at least this long is the copy's own text around or
#: between copied passages ("context"), not an edit of the source.
CONTEXT_MIN_WORDS = 40


_WORD_RE = re.compile(r"\w")


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


def _outside_ops(copy: Article, start: int, end: int, source_at: int, credits, furniture) -> list[DiffOp]:
    """Insert ops for the copy's text outside the aligned region, one per run of same-kind lines."""
    ops: list[DiffOp] = []
    for s, e in _paragraph_spans(copy.text, start, end):
        if not _WORD_RE.search(copy.text, s, e):
            continue  # a stray full stop at the region's edge is not a change
        kind = _kind_for_copy_span(s, e, credits, furniture, "context")
        if ops and ops[-1].kind == kind:
            last = ops[-1]
            ops[-1] = DiffOp("insert", source_at, source_at, last.copy_start, e, copy.text[last.copy_start:e], kind)
        else:
            ops.append(DiffOp("insert", source_at, source_at, s, e, copy.text[s:e], kind))
    return ops


def _truncation(source: Article, start: int, end: int, copy_at: int) -> list[DiffOp]:
    text = source.text[start:end]
    if not _WORD_RE.search(text):
        return []
    s = start + (len(text) - len(text.lstrip()))
    e = start + len(text.rstrip())
    return [DiffOp("delete", s, e, copy_at, copy_at, source.text[s:e], "truncation")]


def _region_tokens(tokens: Tokens, start: int, end: int) -> tuple[int, int]:
    lo = int(np.searchsorted(tokens.starts, start, side="left"))
    hi = int(np.searchsorted(tokens.ends, end, side="right"))
    return lo, hi


def _word_ops(source: Article, s_tok: Tokens, s_lo: int, s_hi: int,
              copy: Article, c_tok: Tokens, c_lo: int, c_hi: int, credits, furniture) -> list[DiffOp]:
    """Word-level diff of source tokens [s_lo, s_hi) against copy tokens [c_lo, c_hi)."""
    a = s_tok.words[s_lo:s_hi]
    b = c_tok.words[c_lo:c_hi]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        i1, i2, j1, j2 = i1 + s_lo, i2 + s_lo, j1 + c_lo, j2 + c_lo
        s_start = int(s_tok.starts[i1]) if i1 < i2 else (int(s_tok.ends[i1 - 1]) if i1 > 0 else 0)
        s_end = int(s_tok.ends[i2 - 1]) if i1 < i2 else s_start
        c_start = int(c_tok.starts[j1]) if j1 < j2 else (int(c_tok.ends[j1 - 1]) if j1 > 0 else 0)
        c_end = int(c_tok.ends[j2 - 1]) if j1 < j2 else c_start
        if tag == "delete":
            ops.append(DiffOp("delete", s_start, s_end, c_start, c_end, source.text[s_start:s_end], "editorial"))
            continue
        default = "context" if tag == "insert" and j2 - j1 >= CONTEXT_MIN_WORDS else "editorial"
        kind = _kind_for_copy_span(c_start, c_end, credits, furniture, default)
        ops.append(DiffOp(tag, s_start, s_end, c_start, c_end, copy.text[c_start:c_end], kind,
                          source_text=source.text[s_start:s_end] if tag == "replace" else ""))
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
    ops: list[DiffOp] = []
    ops += _truncation(source, 0, s_start, c_start)
    ops += _outside_ops(copy, 0, c_start, s_start, credits, furniture)
    s_lo, s_hi = _region_tokens(s_tok, s_start, s_end)
    c_lo, c_hi = _region_tokens(c_tok, c_start, c_end)
    if max(s_hi - s_lo, c_hi - c_lo) <= MAX_DIFF_WORDS:
        ops += _word_ops(source, s_tok, s_lo, s_hi, copy, c_tok, c_lo, c_hi, credits, furniture)
    else:
        for p in sorted(passages, key=lambda p: p.copy_start):
            ps_lo, ps_hi = _region_tokens(s_tok, p.source_start, p.source_end)
            pc_lo, pc_hi = _region_tokens(c_tok, p.copy_start, p.copy_end)
            ops += _word_ops(source, s_tok, ps_lo, ps_hi, copy, c_tok, pc_lo, pc_hi, credits, furniture)
    ops += _outside_ops(copy, c_end, len(copy.text), s_end, credits, furniture)
    ops += _truncation(source, s_end, len(source.text), c_end)
    return tuple(ops)

