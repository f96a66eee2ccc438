"""Source choice among siblings (issue 10, item 1): when a candidate source's passages with a new
text are also held by an earlier text, is the candidate the new text's source, or do the two only
share that origin? The textual critic's rule of shared innovations decides: the new text copied
the candidate only if it carries something of the candidate's own. No I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .evidence import EXPLAINED_SHARE, has_direct_evidence, time_key, display_name
from .fingerprint import Shingled
from .match import member
from .models import StoredDocument
from .settings import Settings

if TYPE_CHECKING:
    from .lineage import Direction, LineageGraph, Match

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class SiblingCheck:
    """What tells a candidate source B apart from the earlier text ``via`` that holds the same
    passages: the words of the new text it shares with B alone (shared innovations), split into
    ``changes`` (inside the wording the new text shares with the earlier texts: B's edits to it,
    its cuts) and ``added`` (outside it: text of B's own, or of a text the store does not hold);
    whether the new text has B's headline; whether evidence (not the storage order) puts B
    before it. ``sibling``: nothing does, so B is no direct source."""

    via: int
    changes: int
    added: int
    headline: bool
    directed: bool
    sibling: bool
    #: Which evidence decided, in words (for the edge's reasons).
    why: str = ""


def sibling_checks(doc: StoredDocument, doc_shingled: Shingled,
                   candidates: list[tuple[Match, Direction, np.ndarray]], graph: LineageGraph,
                   settings: Settings) -> dict[int, SiblingCheck]:
    """For each candidate source B whose passages with the new text earlier candidates explain (see
    :func:`_explanations`: B's own upstream, or texts before it holding the same passages), whether
    the new text carries anything of B's own (the textual critic's shared innovations): B's
    headline, a credit or canonical link naming B, at least min_shared_innovation_words words whose
    n-grams it shares with B and none of the earlier texts inside the wording it shares with those
    (B's changes to it), or as many outside it (B's added text) when evidence says B came first.
    Shared text outside the origin's with no evidence of order is no innovation of B's: either text
    may have it from the other, or both from a text the store lacks. When nothing tells them apart,
    B shares a source with the new text (the earliest explains the same passages) and is no direct
    source. Oldest first, so an explanation is never itself a sibling set aside."""
    order = sorted(candidates, key=lambda c: (time_key(c[0].other), c[0].other.doc_id))
    content = doc_shingled.content
    shares = {m.other.doc_id: member(doc_shingled.shingles, m.shingled.shingle_set)
              for m, _, _ in candidates if m.shingled is not None}
    checks: dict[int, SiblingCheck] = {}
    kept: list[tuple[Match, np.ndarray]] = []
    for m, direction, cov in order:
        b = m.other
        earlier = _explanations(b, cov, kept, graph)
        if earlier and not has_direct_evidence(doc, b):
            in_b = cov[content]
            olds = [shares.get(a.other.doc_id) for a, _ in earlier]
            if b.doc_id in shares and all(o is not None for o in olds):
                changed, own = _innovations(doc_shingled, shares[b.doc_id], np.logical_or.reduce(olds))
                changed &= in_b
                own &= in_b & ~changed
            else:  # texts not at hand: B's passages outside every earlier one's are its added text
                changed = np.zeros(len(content), dtype=bool)
                own = in_b & ~np.logical_or.reduce([acov for _, acov in earlier])[content]
            changes = int(np.count_nonzero(changed))
            added = int(np.count_nonzero(own))
            directed = direction.upstream_id == b.doc_id
            headline = _same_headline(doc, b) and not any(_same_headline(doc, a.other) for a, _ in earlier)
            origin = max(earlier, key=lambda e: int(np.count_nonzero(e[1] & cov)))[0].other
            least = settings.min_shared_innovation_words
            sibling = not headline and changes < least and (added < least or not directed)
            why = _sibling_why(doc, b, origin, changes, added, headline, directed, least)
            checks[b.doc_id] = SiblingCheck(origin.doc_id, changes, added, headline, directed, sibling, why)
            if sibling:
                continue
        kept.append((m, cov))
    return checks


def _explanations(b: StoredDocument, cov: np.ndarray, kept: list[tuple[Match, np.ndarray]],
                  graph: LineageGraph) -> list[tuple[Match, np.ndarray]]:
    """The earlier candidates that explain candidate ``b``'s passages with the new text (``cov``):
    its own upstream texts (``b`` is known to be their copy) whose passages with the new text meet
    its, and, when together they hold at least EXPLAINED_SHARE of ``b``'s passages, texts stored or
    published before it (a text that merely shares a little of ``b``'s wording, or lies beside it,
    explains nothing of what ``b`` gave the new text)."""
    ancestors = graph.ancestors(b.doc_id)
    meeting = [(a, acov) for a, acov in kept if (acov & cov).any()]
    upstream = [(a, acov) for a, acov in meeting if a.other.doc_id in ancestors]
    before = [(a, acov) for a, acov in meeting
              if a.other.doc_id not in ancestors and time_key(a.other) < time_key(b)]
    if before:
        held = np.logical_or.reduce([acov for _, acov in before]) & cov
        if np.count_nonzero(held) >= EXPLAINED_SHARE * np.count_nonzero(cov):
            return upstream + before
    return upstream


def _innovations(x: Shingled, b_shares: np.ndarray, earlier_shares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the content tokens of ``x`` covered by word n-grams that ``x`` shares with ``b``
    (``b_shares``, per n-gram of ``x``) and with none of the earlier texts (``earlier_shares``):
    (those inside the wording ``x`` shares with the earlier texts, i.e. b's changes to it; all of
    them). Inside means the whole n-gram lies in that wording (the words of their common n-grams,
    gaps shorter than an n-gram closed: a replaced, added or dropped word breaks the common n-grams
    around it and leaves at most such a gap); an n-gram reaching into text beside it is b's added
    text, or text of another source. Long n-grams only: texts on one topic share informative
    3-grams that none of them took from another (Clough & Stevenson's independent answers share up
    to ~35 words of them)."""
    size = len(x.content)
    if len(x.shingles) == 0:
        return np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    hit = b_shares & ~earlier_shares
    wording = _spread(np.flatnonzero(earlier_shares), x.n, size)
    words = np.flatnonzero(wording)
    gaps = np.diff(words)
    for k in np.flatnonzero((gaps > 1) & (gaps <= x.n)):
        wording[words[k]:words[k + 1]] = True
    starts = np.flatnonzero(hit)
    inside = np.concatenate(([0], np.cumsum(wording)))
    ends = np.minimum(starts + x.n, size)
    within = inside[ends] - inside[starts] == ends - starts
    return _spread(starts[within], x.n, size), _spread(starts, x.n, size)


def _spread(starts: np.ndarray, n: int, size: int) -> np.ndarray:
    """Mask of the tokens covered by the n-grams starting at ``starts``."""
    covered = np.zeros(size, dtype=bool)
    for k in range(n):
        covered[np.minimum(starts + k, size - 1)] = True
    return covered


_HEADLINE_WORDS = 4


def _same_headline(x: StoredDocument, y: StoredDocument) -> bool:
    """Whether two texts run the same headline (of at least a few words, case and punctuation aside)."""
    tx, ty = x.article.title, y.article.title
    if not tx or not ty:
        return False
    wx, wy = _WORD.findall(tx.casefold()), _WORD.findall(ty.casefold())
    return len(wx) >= _HEADLINE_WORDS and wx == wy


def _sibling_why(doc: StoredDocument, b: StoredDocument, origin: StoredDocument, changes: int, added: int,
                 headline: bool, directed: bool, least: int) -> str:
    """The evidence that decided whether ``doc`` copied ``b`` or shares ``origin``'s text with it."""
    x, nb, no = display_name(doc), display_name(b), display_name(origin)
    found = []
    if headline:
        found.append(f"{nb}'s headline")
    if changes >= least:
        found.append(f"{changes} words of {nb}'s changes to {no}'s wording")
    if added >= least and directed:
        found.append(f"{added} words of {nb}'s own text that {no} lacks ({nb} is earlier by evidence)")
    if found:
        return f"{x} carries {' and '.join(found)}: it copied {nb}, not {no} directly"
    why = (f"{x} carries none of {nb}'s changes to {no}'s wording ({changes} words shared only with it "
           f"inside {no}'s text, {least} needed) nor its headline")
    if added >= least:
        why += (f"; the {added} words it shares with {nb} alone lie outside {no}'s text and no evidence says "
                f"which of the two came first, so either may have them from the other or both from a text "
                "not stored")
    return why + f": both carry text of {no}"


def innovation_reason(check: SiblingCheck | None) -> tuple[str, ...]:
    if check is None or check.sibling:
        return ()
    return (check.why or "a credit or canonical link names it: the direct source",)
