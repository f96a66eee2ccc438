"""Match stage: exact verification of LSH candidates and passage alignment.

LSH only proposes; this module decides. Two shingled texts are compared exactly on their shingle
hashes (Jaccard and containment both ways), then aligned PAN-style — seed, extend, filter:

* seeds are shingles the texts share (a shingle repeated too often in either text is boilerplate
  and not a seed);
* seeds whose positions lie within ``max_gap_words`` of each other in both texts chain into one
  passage (gaps are edits, insertions or furniture);
* passages with fewer than ``min_passage_words`` aligned words are dropped as chance overlap.

Words inside quotations count little as evidence of copying (``quoted_word_weight``):
independent reports of one event share quotes, a copy shares prose.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .fingerprint import Shingled
from .models import Alignment, Passage
from .settings import DEFAULT_SETTINGS, Settings

__all__ = ["REWRITE_GAP_FACTOR", "TokenPassage", "align_texts", "is_copy_evidence", "is_template_fill",
           "required_evidence"]

#: Revisions are aligned on 3-word shingles with gaps this many times wider and passages this
#: many times shorter than verbatim copies: edits leave only short shared phrases, farther apart.
REWRITE_GAP_FACTOR = 2
#: A revised passage keeps at least this share of its span in shared informative 3-grams; chance
#: phrases strung over a long stretch of unrelated text cover less. (Clough & Stevenson's heavy
#: revisions run at 0.25-0.5; 0.5 lost four of them.)
REWRITE_MIN_DENSITY = 0.2
#: A passage whose span lies at least this much inside a longer passage's span, in either text,
#: is dropped: it aligns the same words a second time against a repeat in the other text.
REDUNDANT_OVERLAP_SHARE = 0.5
# Stand-ins for banal 3-grams when seeding a revision: distinct per position and per side.
_SENTINEL_A = np.uint64(1 << 63)
_SENTINEL_B = np.uint64(3 << 62)


@dataclass(frozen=True, slots=True)
class TokenPassage:
    """A passage in content-token positions (inclusive), with the aligned token positions."""

    a_first: int
    a_last: int
    b_first: int
    b_last: int
    a_covered: np.ndarray  # content-token positions of a covered by seeds
    b_covered: np.ndarray


def _seed_pairs(a: np.ndarray, b: np.ndarray, max_repeats: int) -> tuple[np.ndarray, np.ndarray]:
    """Position pairs (i in a, j in b) of shared shingles, skipping shingles repeated too often."""
    shared = np.intersect1d(a, b, assume_unique=False)
    if len(shared) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    a_pos = np.flatnonzero(_member(a, shared))
    b_pos = np.flatnonzero(_member(b, shared))
    # group positions by hash
    a_order = a_pos[np.argsort(a[a_pos], kind="stable")]
    b_order = b_pos[np.argsort(b[b_pos], kind="stable")]
    a_keys, a_starts, a_counts = np.unique(a[a_order], return_index=True, return_counts=True)
    b_keys, b_starts, b_counts = np.unique(b[b_order], return_index=True, return_counts=True)
    # a_keys and b_keys are both exactly `shared`, in the same sorted order
    ok = (a_counts <= max_repeats) & (b_counts <= max_repeats)
    single = ok & (a_counts == 1) & (b_counts == 1)
    ii = [a_order[a_starts[single]]]
    jj = [b_order[b_starts[single]]]
    for k in np.flatnonzero(ok & ~single):  # the rare repeated shingles: all pairings
        ia = a_order[a_starts[k] : a_starts[k] + a_counts[k]]
        jb = b_order[b_starts[k] : b_starts[k] + b_counts[k]]
        ii.append(np.repeat(ia, len(jb)))
        jj.append(np.tile(jb, len(ia)))
    i = np.concatenate(ii)
    j = np.concatenate(jj)
    order = np.lexsort((j, i))
    return i[order], j[order]


def _chain(i: np.ndarray, j: np.ndarray, n: int, max_gap: int) -> list[tuple[list[int], list[int]]]:
    """Chain seed pairs (sorted by i) into passages: a seed extends the open passage whose last seed
    is closest before it in both texts, within ``max_gap`` words and a similar diagonal."""
    open_chains: list[tuple[list[int], list[int]]] = []
    closed: list[tuple[list[int], list[int]]] = []
    recent: tuple[list[int], list[int]] | None = None  # the chain the previous seed went to
    for a_pos, b_pos in zip(i.tolist(), j.tolist()):
        if recent is not None and recent[0][-1] == a_pos - 1 and recent[1][-1] == b_pos - 1:
            # the next seed on the same diagonal: the cheapest extension there is (most seeds of
            # a copy); chains left behind are closed at the next seed that needs the full search
            recent[0].append(a_pos)
            recent[1].append(b_pos)
            continue
        best, best_cost = -1, None
        still_open = []
        for chain in open_chains:
            last_a, last_b = chain[0][-1], chain[1][-1]
            if a_pos - last_a > max_gap + n:
                closed.append(chain)
                continue
            still_open.append(chain)
        open_chains = still_open
        for idx, chain in enumerate(open_chains):
            last_a, last_b = chain[0][-1], chain[1][-1]
            da, db = a_pos - last_a, b_pos - last_b
            # strictly forward in both texts: a repeated phrase must not pull a chain off its diagonal
            if da <= 0 or db <= 0 or db > max_gap + n or abs(da - db) > max_gap:
                continue
            cost = (abs(da - db), max(da, db))
            if best_cost is None or cost < best_cost:
                best, best_cost = idx, cost
        if best >= 0:
            recent = open_chains[best]
            recent[0].append(a_pos)
            recent[1].append(b_pos)
        else:
            recent = ([a_pos], [b_pos])
            open_chains.append(recent)
    return closed + open_chains


def _covered(starts: list[int], n: int) -> np.ndarray:
    """Token positions covered by shingles starting at ``starts``."""
    s = np.asarray(starts, dtype=np.int64)
    return np.unique((s[:, None] + np.arange(n)[None, :]).ravel())


def _token_passages(a: Shingled, b: Shingled, settings: Settings, *, short: bool = False) -> list[TokenPassage]:
    if short:  # a revision is seeded by informative 3-grams only; the rest can never match
        a_sh = np.where(a.informative, a.short_shingles, _SENTINEL_A + np.arange(len(a.short_shingles), dtype=np.uint64))
        b_sh = np.where(b.informative, b.short_shingles, _SENTINEL_B + np.arange(len(b.short_shingles), dtype=np.uint64))
        n = a.short_n
    else:
        a_sh, b_sh, n = a.shingles, b.shingles, a.n
    i, j = _seed_pairs(a_sh, b_sh, settings.max_seed_repeats)
    if len(i) == 0:
        return []
    # a revision's shared phrases are short and far apart: chain them across wider gaps
    max_gap = settings.max_gap_words * (REWRITE_GAP_FACTOR if short else 1)
    min_words = settings.min_passage_words // (REWRITE_GAP_FACTOR if short else 1)
    passages = []
    for a_seeds, b_seeds in _chain(i, j, n, max_gap):
        a_cov = _covered(a_seeds, n)
        b_cov = _covered(b_seeds, n)
        if min(len(a_cov), len(b_cov)) < min_words:
            continue
        if short and min(len(a_cov) / (a_cov[-1] - a_cov[0] + 1), len(b_cov) / (int(b_cov.max()) - int(b_cov.min()) + 1)) \
                < REWRITE_MIN_DENSITY:
            continue  # common phrases scattered over unrelated texts, not a revised passage
        passages.append(TokenPassage(int(a_cov[0]), int(a_cov[-1]), int(min(b_cov)), int(max(b_cov)), a_cov, b_cov))
    # A passage lying mostly over a longer one in either text is the same words aligned a second
    # time against a repeat elsewhere (a sentence that occurs twice): one place explains them.
    passages.sort(key=lambda p: (-(len(p.a_covered)), p.a_first))
    kept: list[TokenPassage] = []
    for p in passages:
        if any(_overlap_share(p.a_first, p.a_last, k.a_first, k.a_last) >= REDUNDANT_OVERLAP_SHARE
               or _overlap_share(p.b_first, p.b_last, k.b_first, k.b_last) >= REDUNDANT_OVERLAP_SHARE
               for k in kept):
            continue
        kept.append(p)
    kept.sort(key=lambda p: (p.b_first, p.a_first))
    return kept


def _overlap_share(first: int, last: int, other_first: int, other_last: int) -> float:
    """Share of the span [first, last] that lies inside [other_first, other_last]."""
    inside = min(last, other_last) - max(first, other_first) + 1
    return max(0, inside) / (last - first + 1)


def align_texts(a_id: int, a: Shingled, b_id: int, b: Shingled, settings: Settings = DEFAULT_SETTINGS) -> Alignment:
    """Compare two shingled texts exactly: Jaccard, containment both ways and copied passages.

    Passages are reported with ``a`` as "source" and ``b`` as "copy"; lineage orients them.
    """
    a_set, b_set = a.shingle_set, b.shingle_set
    shared = _shared_count(a_set, b_set)
    union = len(a_set) + len(b_set) - shared
    jaccard = shared / union if union else 0.0
    a_in_b = shared / len(a_set) if len(a_set) else 0.0
    b_in_a = shared / len(b_set) if len(b_set) else 0.0
    if shared * a.n < settings.min_passage_words and _revision_words_at_most(a, b) < settings.min_evidence_words:
        # No verbatim passage can reach min_passage_words (shared n-grams cover fewer words), and
        # no revision min_evidence_words (shared informative 3-grams cover fewer in one text):
        # no evidence either way, so skip the alignment (most candidates end here).
        return Alignment(a_id, b_id, int(shared), round(float(jaccard), 4), round(float(a_in_b), 4),
                         round(float(b_in_a), 4), (), 0, a_words=len(a.content), b_words=len(b.content))
    a5 = _cover(a, _member(a.shingles, b_set), a.n)
    b5 = _cover(b, _member(b.shingles, a_set), b.n)
    a_short_hit, b_short_hit = _member(a.short_shingles, b.short_set), _member(b.short_shingles, a.short_set)
    a3, b3 = _cover(a, a_short_hit, a.short_n), _cover(b, b_short_hit, b.short_n)
    # revision evidence counts informative 3-grams only (banal phrases recur everywhere)
    ai = _cover(a, a_short_hit & a.informative, a.short_n)
    bi = _cover(b, b_short_hit & b.informative, b.short_n)
    rewrite_words = min(ai[1], bi[1])
    rewrite_share = max(ai[0], bi[0])
    comparable = a.n == b.n and a.short_n == b.short_n
    token_passages = _token_passages(a, b, settings) if shared and comparable else []
    if comparable and not token_passages and _is_rewrite(rewrite_share, rewrite_words, settings):
        token_passages = _token_passages(a, b, settings, short=True)  # a revision: align on 3-grams
    passages = []
    evidence = 0.0
    prose = 0
    a_plain, b_plain = ~(a.quoted | a.named | a.figures), ~(b.quoted | b.named | b.figures)
    a_figures: Counter[tuple[str, ...]] = Counter()
    b_figures: Counter[tuple[str, ...]] = Counter()
    for p in token_passages:
        a_start, a_end = a.char_span(p.a_first, p.a_last)
        b_start, b_end = b.char_span(p.b_first, p.b_last)
        passages.append(Passage(a_start, a_end, b_start, b_end, words=len(p.b_covered)))
        unquoted = min(np.count_nonzero(~a.quoted[p.a_covered]), np.count_nonzero(~b.quoted[p.b_covered]))
        evidence += unquoted + settings.quoted_word_weight * (len(p.b_covered) - unquoted)
        prose += min(np.count_nonzero(a_plain[p.a_covered]), np.count_nonzero(b_plain[p.b_covered]))
        a_figures.update(_figures(a, p.a_first, p.a_last))
        b_figures.update(_figures(b, p.b_first, p.b_last))
    return Alignment(
        a_id=a_id,
        b_id=b_id,
        shared_shingles=int(shared),
        jaccard=round(float(jaccard), 4),
        a_in_b=round(float(a_in_b), 4),
        b_in_a=round(float(b_in_a), 4),
        passages=tuple(passages),
        evidence_words=int(evidence),
        a_cover5=round(a5[0], 4),
        b_cover5=round(b5[0], 4),
        a_cover3=round(a3[0], 4),
        b_cover3=round(b3[0], 4),
        rewrite_words=int(rewrite_words),
        rewrite_share=round(float(rewrite_share), 4),
        a_words=len(a.content),
        b_words=len(b.content),
        a_figures=a_figures.total(),
        b_figures=b_figures.total(),
        shared_figures=(a_figures & b_figures).total(),
        prose_words=int(prose),
    )


def _figures(x: Shingled, first: int, last: int) -> list[tuple[str, ...]]:
    """The figures among content tokens ``first``..``last``: runs of tokens holding a digit that are
    joined by one character each ("3.879", "7-1/4", "1987-03-09"), as tuples of their tokens."""
    at = np.flatnonzero(x.figures[first:last + 1]) + first  # content positions of digit tokens
    if not len(at):
        return []
    token = x.content[at]
    starts, ends, words = x.tokens.starts, x.tokens.ends, x.tokens.words
    # a figure goes on to the next token when it follows at once: next in the content, next in the
    # text, one character after (a "." or "-" or "/")
    joined = (at[1:] == at[:-1] + 1) & (token[1:] == token[:-1] + 1) & (starts[token[1:]] == ends[token[:-1]] + 1)
    return [tuple(words[t] for t in run.tolist()) for run in np.split(token, np.flatnonzero(~joined) + 1)]


def is_template_fill(alignment: Alignment, settings: Settings = DEFAULT_SETTINGS) -> bool:
    """Whether the aligned passages hold figures in both texts but mostly different ones: two
    texts filled in from one template (earnings briefs, bond announcements), not a copy."""
    fewer = min(alignment.a_figures, alignment.b_figures)
    changed, kept = fewer - alignment.shared_figures, alignment.shared_figures
    return (changed >= settings.template_min_changed_figures and kept < settings.min_figure_agreement * fewer) \
        or (changed >= settings.template_mostly_changed_figures and changed > kept)


def _shared_count(a_set: np.ndarray, b_set: np.ndarray) -> int:
    """How many values two sorted, distinct arrays share (binary searches of the shorter)."""
    small, large = (a_set, b_set) if len(a_set) <= len(b_set) else (b_set, a_set)
    return int(np.count_nonzero(_member(small, large))) if len(small) and len(large) else 0


def _revision_words_at_most(a: Shingled, b: Shingled) -> int:
    """An upper bound of the words a revision's evidence can count (``rewrite_words``, the fewer
    of the two texts' words covered by shared informative 3-grams): each such 3-gram covers at
    most its 3 words, counted in the text with fewer of them."""
    counts = []
    for x, other in ((a, b), (b, a)):
        hit = _member(x.short_shingles[x.informative], other.short_set)
        counts.append(int(np.count_nonzero(hit)) * x.short_n)
    return min(counts)


def member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is in ``sorted_set`` (sorted, distinct)."""
    return _member(values, sorted_set)


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is in ``sorted_set`` (sorted, distinct): a binary search per
    value, where ``np.isin`` would sort both arrays again on every call."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_set, values)
    at[at == len(sorted_set)] = 0
    return sorted_set[at] == values


def _cover(x: Shingled, hit: np.ndarray, n: int) -> tuple[float, int]:
    """(share, count) of x's words outside quotations covered by the shingles marked in ``hit``
    (those the other text also has), each shingle covering its ``n`` words."""
    unquoted = int(np.count_nonzero(~x.quoted))
    if len(hit) == 0 or unquoted == 0:
        return 0.0, 0
    starts = np.flatnonzero(hit)
    covered = np.zeros(len(x.content), dtype=bool)
    for k in range(n):  # n is small: mark each shingle's n words
        covered[np.minimum(starts + k, len(covered) - 1)] = True
    count = int(np.count_nonzero(covered & ~x.quoted))
    return count / unquoted, count


def _is_rewrite(share: float, words: int, settings: Settings) -> bool:
    return share >= settings.rewrite_min_coverage and words >= settings.min_evidence_words


def _is_revised_passage_evidence(alignment: Alignment, settings: Settings) -> bool:
    """Whether a revision's dense passages hold at least one passage's worth of prose outside
    quotations, names and figures: independent reports share names and phrases all over, and a
    quoted statement or an official's title in one place."""
    return alignment.prose_words >= settings.min_rewrite_prose_words


def is_copy_evidence(alignment: Alignment, settings: Settings = DEFAULT_SETTINGS) -> bool:
    """Whether an alignment shows reuse: enough aligned prose outside quotations, verbatim, or
    revised (informative 3-grams covering a good share of one text, in dense passages) — and not
    the same template filled in with other figures."""
    if not alignment.passages or is_template_fill(alignment, settings):
        return False
    return alignment.evidence_words >= required_evidence(alignment, settings) or (
        _is_rewrite(alignment.rewrite_share, alignment.rewrite_words, settings)
        and _is_revised_passage_evidence(alignment, settings))


def required_evidence(alignment: Alignment, settings: Settings = DEFAULT_SETTINGS) -> int:
    """Aligned words needed to call two texts a copy: ``min_evidence_words``, or for a text shorter
    than that (a wire brief of 30 words) most of it — a copy cannot share more than it has."""
    shorter = min(alignment.a_words, alignment.b_words) or settings.min_evidence_words
    needed = math.ceil(settings.short_text_evidence_share * shorter)
    return max(settings.min_passage_words, min(settings.min_evidence_words, needed))
