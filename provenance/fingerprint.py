"""Fingerprint stage: shingles, MinHash signatures and LSH band keys (the one datasketch user).

A text is tokenised (:mod:`provenance.text`), its furniture and credit lines are masked out, and
its content tokens are shingled into word n-grams (character n-grams for scripts without spaces),
hashed in a vectorised pass. Three families of index keys surface candidates:

* whole-text bands of a 128-permutation MinHash (bands 0..31): near-duplicates and reposts;
* winnowed word 5-grams (band :data:`PASSAGE_BAND`): of every ``passage_winnow`` consecutive
  5-gram hashes the smallest is a key (Schleimer, Wilkerson and Aiken's winnowing, as in MOSS),
  so any passage of ``passage_winnow + 4`` words that two texts share gives both the same key,
  while only about 2 / (``passage_winnow`` + 1) of the 5-grams are kept: excerpts and passages
  embedded in longer texts, which whole-text Jaccard misses;
* winnowed informative 3-grams (band :data:`PHRASE_BAND`, 3-grams holding a long word): revisions,
  where edits break most 5-grams but short phrases survive between them.

A stored text is a candidate when it shares at least ``min_band_hits`` uncommon passage keys, or
``min_phrase_hits`` uncommon phrase keys (phrases recur across unrelated texts more often than
passages do), or ``min_shared_keys`` keys of any kind: the store's ``CandidateRule``. Keys never decide anything by themselves: every
candidate is verified exactly by :mod:`provenance.match` on the shingles.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from .models import Article, Fingerprint
from .settings import DEFAULT_SETTINGS, Settings
from .text import (TRAIT_ALPHA, TRAIT_DIGITS, TRAIT_HAS_DIGIT, TRAIT_LENGTH_SHIFT, Tokens, mix64, name_mask, ngram_hashes,
                   quoted_spans, span_mask, token_hashes, token_traits, tokenize)

__all__ = ["Shingled", "shingle_article", "fingerprint_article", "PASSAGE_BAND", "PHRASE_BAND",
           "estimate_jaccard", "winnow"]

#: The band number of winnowed 5-gram keys (whole-text bands are 0 .. doc_bands - 1).
PASSAGE_BAND = 2000
#: The band number of winnowed informative 3-gram keys.
PHRASE_BAND = 3000
_SCHEME = "affine32"
_U64 = np.uint64
_LOW32 = _U64(0xFFFFFFFF)


@dataclass(frozen=True, slots=True, eq=False)
class Shingled:
    """A text ready for fingerprinting and exact comparison.

    ``content`` indexes the tokens that are article content (not furniture or credit lines);
    ``shingles[i]`` is the hash of the n-gram that starts at content token ``content[i]``;
    ``quoted[i]`` says whether content token i is inside a quotation.
    """

    tokens: Tokens
    content: np.ndarray
    shingles: np.ndarray
    quoted: np.ndarray
    n: int
    short_shingles: np.ndarray  # hashes of the short n-grams (``short_n`` tokens) at each position
    short_n: int
    shingle_set: np.ndarray  # sorted distinct values of ``shingles`` (for fast exact comparison)
    short_set: np.ndarray  # sorted distinct values of ``short_shingles``
    informative: np.ndarray  # per short shingle: holds a long word, so it is not a banal phrase
    figures: np.ndarray  # per content token: holds a digit (part of a figure: "3.879", "7-1/4")
    named: np.ndarray  # per content token: capitalised inside a sentence (a name: "Coast Guard", "ISRO")

    @property
    def num_content_tokens(self) -> int:
        return len(self.content)

    def char_span(self, first: int, last: int) -> tuple[int, int]:
        """Character span from content token ``first`` to content token ``last`` (inclusive)."""
        return int(self.tokens.starts[self.content[first]]), int(self.tokens.ends[self.content[last]])


def shingle_article(article: Article, settings: Settings = DEFAULT_SETTINGS) -> Shingled:
    """Tokenise an article's text, mask furniture and credit lines, and hash its shingles."""
    tokens = tokenize(article.text)
    masked = [(f.start, f.end) for f in article.furniture]
    masked += [(c.start, c.end) for c in article.credits if c.start >= 0]
    excluded = span_mask(tokens, masked) if masked else np.zeros(len(tokens), dtype=bool)
    content = np.flatnonzero(~excluded)
    quoted = span_mask(tokens, quoted_spans(article.text))[content]
    n = settings.shingle_chars if tokens.unspaced else settings.shingle_words
    short_n = max(2, n - (settings.shingle_words - settings.short_shingle_words))
    hashes = token_hashes(tokens.words)[content]
    traits = token_traits(tokens.words)[content]
    if 0 < len(hashes) < n:
        n = len(hashes)  # a very short text is one shingle
    short_n = min(short_n, n)
    shingles, short = ngram_hashes(hashes, n), ngram_hashes(hashes, short_n)
    informative = _informative(tokens.unspaced, traits, short_n, len(short), settings.rewrite_min_word_chars)
    figures = (traits & TRAIT_ALPHA == 0) & (traits & TRAIT_HAS_DIGIT != 0)
    named = name_mask(article.text, tokens)[content]
    return Shingled(tokens, content, shingles, quoted, n, short, short_n, np.unique(shingles), np.unique(short),
                    informative, figures, named)


def _informative(unspaced: bool, traits: np.ndarray, n: int, count: int, min_chars: int) -> np.ndarray:
    """Whether each n-gram holds a word of at least ``min_chars`` letters: "pct from a year" and
    "mln dlrs in" recur across unrelated wire stories; "the class hierarchy" says something."""
    if unspaced:
        return np.ones(count, dtype=bool)  # one character a token: word length says nothing
    long_word = (traits >> TRAIT_LENGTH_SHIFT >= min_chars) & (traits & TRAIT_DIGITS == 0)
    out = np.zeros(count, dtype=bool)
    for k in range(n):  # n is small
        out |= long_word[k: k + count]
    return out


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> np.ndarray:
    """datasketch's permutation parameters, built once per (num_perm, seed) and shared."""
    return MinHash(num_perm=num_perm, seed=seed, scheme=_SCHEME).permutations


def _minhash(values: np.ndarray, num_perm: int, seed: int) -> MinHash:
    """A datasketch MinHash of 32-bit input hashes (one batch update; ``int`` is the hash function
    because the inputs are hashes already)."""
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=int, permutations=_permutations(num_perm, seed),
                scheme=_SCHEME)
    if len(values):
        m.update_batch(values.tolist())
    return m


def winnow(hashes: np.ndarray, window: int) -> np.ndarray:
    """The distinct values that are the smallest of some ``window`` consecutive ``hashes`` (all of
    them when there are fewer): a run of ``window`` hashes two sequences share yields a value
    both keep."""
    if len(hashes) == 0:
        return hashes[:0]
    if len(hashes) <= window:
        return np.unique(hashes[[int(np.argmin(hashes))]])
    windows = np.lib.stride_tricks.sliding_window_view(hashes, window)
    picked = windows.argmin(axis=1) + np.arange(len(windows))
    return np.unique(hashes[picked])


def fingerprint_article(shingled: Shingled, settings: Settings = DEFAULT_SETTINGS) -> Fingerprint:
    """The fingerprint of a shingled text: content hash, MinHash signature and LSH band keys."""
    words = shingled.tokens.words
    content_words = "\x1f".join(words[i] for i in shingled.content)
    content_hash = hashlib.blake2b(content_words.encode("utf-8"), digest_size=16).hexdigest()
    inputs = np.unique(shingled.shingles & _LOW32)  # affine32 MinHash takes 32-bit input hashes
    signature = _minhash(inputs, settings.num_perm, settings.seed).hashvalues
    families: list[tuple[np.ndarray, np.ndarray]] = []
    if len(inputs):
        if settings.doc_bands:
            families.append(_band_keys(signature[None, :], settings.doc_bands, 0))
        # a short text (a brief, a correction) keeps every n-gram: a changed figure every few words
        # leaves runs too short for a winnowing window, and it costs few keys
        short = len(shingled.shingles) <= settings.short_text_words
        passage_window, phrase_window = (1, 1) if short else (settings.passage_winnow, settings.phrase_winnow)
        families.append(_family_keys(winnow(shingled.shingles, passage_window), PASSAGE_BAND))
        phrases = shingled.short_shingles[shingled.informative]
        families.append(_family_keys(winnow(phrases, phrase_window), PHRASE_BAND))
    bands = np.concatenate([b for b, _ in families]) if families else np.zeros(0, dtype=np.int16)
    keys = np.concatenate([k for _, k in families]) if families else np.zeros(0, dtype=_U64)
    order = np.lexsort((keys, bands))  # by band, then key; distinct pairs (families never share a band)
    bands, keys = bands[order], keys[order]
    distinct = np.ones(len(keys), dtype=bool)
    distinct[1:] = (keys[1:] != keys[:-1]) | (bands[1:] != bands[:-1])
    bands, keys = bands[distinct], keys[distinct]
    return Fingerprint(
        content_hash=content_hash,
        num_tokens=len(words),
        num_shingles=int(len(inputs)),
        signature=signature.astype("<u4").tobytes(),
        band_keys=tuple(zip(bands.tolist(), keys.tolist())),
        key_arrays=(bands, keys),
    )


def _family_keys(hashes: np.ndarray, band: int) -> tuple[np.ndarray, np.ndarray]:
    """Index keys of one family (band numbers, keys): each hash mixed with the family's band number."""
    keys = mix64(hashes.astype(_U64) ^ mix64(np.array([band], dtype=_U64)))
    return np.full(len(keys), band, dtype=np.int16), keys


def _band_keys(signatures: np.ndarray, bands: int, first_band: int) -> tuple[np.ndarray, np.ndarray]:
    """64-bit LSH keys of the bands of each signature (rows of ``signatures``), with their band
    numbers; each key mixes in its band number, so one index holds every band family."""
    count, num_perm = signatures.shape
    rows = num_perm // bands
    table = signatures[:, : rows * bands].astype(_U64).reshape(count, bands, rows)
    band_numbers = np.arange(first_band, first_band + bands, dtype=_U64)
    acc = np.broadcast_to(mix64(band_numbers), (count, bands))
    for j in range(rows):
        acc = mix64(acc ^ table[:, :, j])
    return np.broadcast_to(band_numbers, (count, bands)).ravel().astype(np.int16), acc.ravel()


def estimate_jaccard(signature_a: bytes, signature_b: bytes) -> float:
    """Jaccard estimate from two stored signatures (same settings)."""
    a = np.frombuffer(signature_a, dtype="<u4")
    b = np.frombuffer(signature_b, dtype="<u4")
    if len(a) != len(b) or len(a) == 0:
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)
