"""Normalising and tokenising text, keeping every token's character offsets in the original.

Tokens are ``\\w+`` runs, Unicode NFKC-normalised and casefolded, so punctuation, case and
compatibility forms never hide a copy. Characters of scripts written without spaces (CJK, Thai,
Lao, Khmer, Myanmar) are tokens of their own. Furniture and credit spans are masked out of the
"content" tokens that fingerprints and alignments use; quotation spans are marked, because two
independent reports may share a quote but not the prose around it.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable

import numpy as np

__all__ = ["Tokens", "tokenize", "name_mask", "remember_tokens", "quoted_spans", "token_hashes", "ngram_hashes", "token_traits", "mix64", "replace_surrogates"]

# Scripts without word spaces: one token per character (shingled by Settings.shingle_chars).
_UNSPACED = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
)


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD.

    A lone surrogate is no character (JSON's ``"\\ud800"`` decodes to one; bytes never do with our
    decoders): it cannot be encoded as UTF-8, so it would break hashing, the store and printing.
    """
    if text.isascii() or _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text)


def _combining_marks() -> str:
    """A regex character class body of the combining marks (categories Mn, Mc, Me) of the Basic
    Multilingual Plane. Python's ``\\w`` leaves them out, which would split Indic words into bare
    consonants and decomposed (NFD) Latin letters into pieces."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x0300, 0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


_MARKS = _combining_marks()
_TOKEN_RE = re.compile(rf"[{_UNSPACED}]|(?:(?![{_UNSPACED}])[\w{_MARKS}])+")

# Opening → closing quotation marks. A quotation longer than this many characters is more likely an
# unbalanced mark than a quote, so it is not masked.
_QUOTE_PAIRS = {"“": "”", "„": "“", "«": "»", "‘": "’", '"': '"', "‹": "›", "「": "」", "『": "』"}
_MAX_QUOTE_CHARS = 600

_U64 = np.uint64

#: Texts whose tokens are remembered (the returned Tokens are shared: never modify them).
TOKENIZE_CACHE_SIZE = 256


_RECENT: OrderedDict[str, "Tokens"] = OrderedDict()


@dataclass(frozen=True, slots=True, eq=False)
class Tokens:
    """A text's tokens: normalised strings and half-open character offsets into the original."""

    words: tuple[str, ...]
    starts: np.ndarray  # int64, character offsets
    ends: np.ndarray
    unspaced: bool  # mostly characters of scripts without spaces

    def __len__(self) -> int:
        return len(self.words)


def tokenize(text: str) -> Tokens:
    """Split ``text`` into normalised tokens with their offsets. The latest texts' tokens are
    remembered (see :func:`remember_tokens`): linking shingles a text and then diffs it."""
    found = _RECENT.get(text)
    if found is not None:
        _RECENT.move_to_end(text)
        return found
    tokens = _tokenize(text)
    remember_tokens(text, tokens)
    return tokens


def remember_tokens(text: str, tokens: Tokens) -> None:
    """Keep ``tokens`` as the tokens of ``text`` (made elsewhere, e.g. in a worker process)."""
    _RECENT[text] = tokens
    _RECENT.move_to_end(text)
    if len(_RECENT) > TOKENIZE_CACHE_SIZE:
        _RECENT.popitem(last=False)


#: Which ASCII bytes are word characters: for an ASCII text the token pattern is plain [A-Za-z0-9_]+
#: (no marks, no unspaced scripts), so offsets come from the edges of runs of these, in numpy.
_ASCII_WORD = np.zeros(256, dtype=np.int8)
_ASCII_WORD[[ord(c) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"]] = 1


def _tokenize(text: str) -> Tokens:
    if text.isascii():
        lowered = text.lower()  # same length as text, so offsets stay valid
        words = tuple(_TOKEN_RE.findall(lowered))
        edges = np.diff(_ASCII_WORD[np.frombuffer(lowered.encode("ascii"), dtype=np.uint8)], prepend=0, append=0)
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        return Tokens(words, starts.astype(np.int64), ends.astype(np.int64), False)
    matches = list(_TOKEN_RE.finditer(text))
    words = tuple(_normalise(m.group()) for m in matches)
    starts = np.fromiter((m.start() for m in matches), dtype=np.int64, count=len(matches))
    ends = np.fromiter((m.end() for m in matches), dtype=np.int64, count=len(matches))
    unspaced = bool(words) and sum(1 for w in words if len(w) == 1 and not w.isascii()) * 2 > len(words)
    return Tokens(words, starts, ends, unspaced)


#: What ends a sentence or opens a quotation or a line: a capital right after one is no name.
_SENTENCE_BREAKS = ".!?:;\n\"([|-\u201c\u2018\u00ab\u2013\u2014"
_IS_BREAK = np.zeros(max(map(ord, _SENTENCE_BREAKS)) + 2, dtype=bool)  # by code point; the last: any above
_IS_BREAK[[ord(c) for c in _SENTENCE_BREAKS]] = True


def name_mask(text: str, tokens: Tokens) -> np.ndarray:
    """Whether each token is capitalised inside a sentence: a name, a title, an acronym ("Coast
    Guard", "Prime Minister", "ISRO"). Reports of one event share their names; that is not copying."""
    if tokens.unspaced or not len(tokens):
        return np.zeros(len(tokens), dtype=bool)
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # one per character
    first = points[tokens.starts]
    capital = (first >= 65) & (first <= 90)
    for i in np.flatnonzero(first > 127).tolist():  # rare: a capital outside ASCII ("Émile", "Øresund")
        capital[i] = text[int(tokens.starts[i])].isupper()
    is_break = _IS_BREAK[np.minimum(points, len(_IS_BREAK) - 1)]
    seen = np.concatenate(([0], np.cumsum(is_break)))  # breaks before each offset
    previous_end = np.concatenate(([0], tokens.ends[:-1]))
    after_break = seen[tokens.starts] > seen[previous_end]
    after_break[0] = True
    return capital & ~after_break


def _normalise(token: str) -> str:
    return unicodedata.normalize("NFKC", token).casefold()


_CLOSING_MARKS = frozenset(_QUOTE_PAIRS.values())
_QUOTE_MARKS_RE = re.compile("[" + re.escape("".join(set(_QUOTE_PAIRS) | set(_QUOTE_PAIRS.values()))) + "]")


def _inside_word(text: str, i: int) -> bool:
    """Whether the mark at ``i`` sits between two letters: an apostrophe (Pakistan’s), not a quote."""
    return 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of direct quotations (between matching quotation marks, within a paragraph)."""
    marks = [(m.start(), m.group()) for m in _QUOTE_MARKS_RE.finditer(text)]
    # The marks that can close a quotation, by kind (an apostrophe inside a word cannot): each
    # opening mark finds its closing one by bisection, not by a walk over the marks after it
    # (quadratic in a text dense with marks).
    closers: dict[str, list[int]] = {}
    for index, (position, mark) in enumerate(marks):
        if mark in _CLOSING_MARKS and not (mark == "’" and _inside_word(text, position)):
            closers.setdefault(mark, []).append(index)
    spans: list[tuple[int, int]] = []
    k = 0
    while k < len(marks):
        start, mark = marks[k]
        closing = _QUOTE_PAIRS.get(mark)
        match = None
        if closing is not None and not (closing == "’" and _inside_word(text, start)):
            candidates = closers.get(closing, ())
            following = bisect_right(candidates, k)
            if following < len(candidates) and marks[candidates[following]][0] - start <= _MAX_QUOTE_CHARS:
                match = candidates[following]
        if match is not None:
            end = marks[match][0]
            if "\n\n" not in text[start:end]:  # a quotation does not run across paragraphs
                spans.append((start, end + 1))
                k = match + 1
                continue
        k += 1
    return spans


def span_mask(tokens: Tokens, spans: Iterable[tuple[int, int]]) -> np.ndarray:
    """Boolean mask of the tokens that lie inside any of ``spans``."""
    mask = np.zeros(len(tokens), dtype=bool)
    for start, end in spans:
        if end <= start:
            continue
        lo = np.searchsorted(tokens.starts, start, side="left")
        hi = np.searchsorted(tokens.ends, end, side="right")
        if hi > lo:
            mask[lo:hi] = True
    return mask


#: Hashes of the words seen lately, shared by every text: a vocabulary is small next to the tokens
#: of a batch, so most words are hashed once per process (2.5× faster than hashing per text).
_WORD_HASHES: dict[str, int] = {}
_WORD_HASHES_MAX = 1_000_000


def _per_word(words: tuple[str, ...] | list[str], memo: dict[str, int], compute, dtype) -> np.ndarray:
    """``compute(word)`` for each of ``words``, remembered in ``memo`` across texts (cleared when
    it would pass _WORD_HASHES_MAX words)."""
    new = set(words).difference(memo)
    if new:
        if len(memo) + len(new) > _WORD_HASHES_MAX:
            memo.clear()
            new = set(words)
        for w in new:
            memo[w] = compute(w)
    return np.fromiter(map(memo.__getitem__, words), dtype=dtype, count=len(words))


def _word_hash(w: str) -> int:
    b = w.encode("utf-8", "surrogatepass")
    return (zlib.crc32(b) << 32) | zlib.crc32(b, 0x9E3779B9)


def token_hashes(words: Iterable[str]) -> np.ndarray:
    """A stable 64-bit hash per token (two CRC-32s: fast, in C, and identical across processes)."""
    return _per_word(words if isinstance(words, (tuple, list)) else list(words), _WORD_HASHES, _word_hash, _U64)


#: Bits of :func:`token_traits`: the token is all digits / holds a digit / is all letters; its
#: length is the value shifted right by TRAIT_LENGTH_SHIFT.
TRAIT_DIGITS, TRAIT_HAS_DIGIT, TRAIT_ALPHA, TRAIT_LENGTH_SHIFT = 1, 2, 4, 3
_WORD_TRAITS: dict[str, int] = {}


def _traits(w: str) -> int:
    return (len(w) << TRAIT_LENGTH_SHIFT | (TRAIT_DIGITS if w.isdigit() else 0)
            | (TRAIT_HAS_DIGIT if any(ch.isdigit() for ch in w) else 0) | (TRAIT_ALPHA if w.isalpha() else 0))


def token_traits(words: tuple[str, ...] | list[str]) -> np.ndarray:
    """Per token, its length and whether it is digits, holds a digit, is letters (bits above),
    read once per word a process sees (shingling asks per token of every text)."""
    return _per_word(words, _WORD_TRAITS, _traits, np.int64)


def mix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: spreads bits so that combined hashes look uniform."""
    x = x.astype(_U64, copy=True)
    with np.errstate(over="ignore"):
        x ^= x >> _U64(30)
        x *= _U64(0xBF58476D1CE4E5B9)
        x ^= x >> _U64(27)
        x *= _U64(0x94D049BB133111EB)
        x ^= x >> _U64(31)
    return x


_NGRAM_MULTIPLIER = _U64(0x100000001B3)


def ngram_hashes(hashes: np.ndarray, n: int) -> np.ndarray:
    """64-bit hashes of every run of ``n`` consecutive token hashes (vectorised, no Python loop
    over shingles). Empty when there are fewer than ``n`` tokens."""
    count = len(hashes) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=_U64)
    acc = np.zeros(count, dtype=_U64)
    with np.errstate(over="ignore"):
        for k in range(n):  # n is small (≤ 8): a loop over offsets, not over shingles
            acc = acc * _NGRAM_MULTIPLIER + hashes[k : k + count]
    return mix64(acc)
