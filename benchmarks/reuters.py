"""Reuters-21578 "CORRECTED - …" re-issues (issue 4, item 4): is each correction linked to its first
issue, with the earlier story as upstream? And how many distinct stories do the near-duplicate
clusters of the ingested set hold?

    python benchmarks/reuters.py [--data ../shared/data/reuters21578] [--distractors 1200] [--seed 21578]
                                 [--order shuffled|chronological] [--json] [--misses]

**Which corrections have their first issue in the collection** (derived here, no gold exists). A
correction is a story whose title starts with ``CORRECTED`` or ``(CORRECTED)`` followed by a dash
(46 such titles, 40 of them with a body; titles that only say "… CORRECTS …" are left out). An
*earlier issue* of correction C is a story E with

* ``E.date < C.date`` and ``C.date - E.date <= 7 days`` (Reuters corrects within hours; the
  longest gap found is 2 days 18 h), and
* either a **near-identical body** (at least 80 % of the smaller body's word 5-grams are in the
  other) or **the same headline and a shared body**: at least half of the shorter headline's
  words (minus "CORRECTED", tickers like ``<GM>``, compared on their first five letters) are in
  the other headline, and at least 20 % of the smaller body's word 5-grams are shared.

The *first issue* is the earliest earlier issue. Reviewed by hand (titles, bodies, and the
correction notes such as "corrects … in item appearing March 17"): 34 corrections qualify, all
correct; two have two earlier issues (2249 PEGASUS GOLD: the 3rd-quarter item 2016 and the 4th-quarter
re-send 2188; 8899 MANHATTAN NATIONAL: 8457 and the first correction 8580) and one corrects a
correction whose own first issue is absent (550 corrects 505). Left out, rightly: 170, 505, 615,
4169, 6739 (their first issue is not in the collection) and 7167, which corrects 6741 but restates
a 20-word dividend brief in another notation ("17.5 cts" for "17-1/2 cts"), sharing no 5-gram
with it; the rules' only alternative for 7167 would be another company's dividend brief.

**What is ingested** (runtime: ingest runs at ~15-30 short stories per second): the 40 corrections,
their earlier issues, and ``--distractors`` other stories drawn with a seeded RNG from the rest
of the collection (default 1,000, so the whole run stays under ~90 s; the distractors are
mostly one-paragraph earnings and dividend briefs built from one template, the hardest case for
false links). Each story is one JSON Lines record ``{"url": "https://reuters.example/<NEWID>",
"site": "Reuters", "published": <DATE, ISO 8601 UTC, to the second>, "title", "text"}``; ``text`` is
the body as the wire printed it (dateline first). The ``shuffled`` order (default) ingests in a
seeded random order, so "stored first" gives direction no help; ``chronological`` is wire order.

**Measured**: the share of qualifying corrections with an edge (any relation) between them and
their first issue whose ``source_id`` is the first issue (bar >= 0.90); the same for "any earlier
issue"; the relations of those edges; and the connected components over copy / version / excerpt /
rewrite edges of the ingested set (documents in clusters, clusters = distinct stories they hold).
Used by tests/test_reuters.py with the same bar.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import simulator as S  # noqa: E402  (read_reuters: the collection's parser, shared with the simulator)
from provenance.pipeline import ingest  # noqa: E402
from provenance.store import Store  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "reuters21578"
BAR = 0.90
DEFAULT_DISTRACTORS = 1000
DEFAULT_SEED = 21578
#: Relations that make two texts one story (shares_source is not a near-duplicate claim).
CLUSTER_RELATIONS = ("copy", "version", "excerpt", "rewrite")

CORRECTED = re.compile(r"^\(?CORRECTED\)?\s*-\s*", re.I)
MAX_GAP = timedelta(days=7)
NEAR_IDENTICAL = 0.80  # share of the smaller body's word 5-grams in the other
SHARED_BODY = 0.20
SAME_HEADLINE = 0.50  # share of the shorter headline's words in the other
_WORD = re.compile(r"\w+")
_TICKER = re.compile(r"<[A-Z0-9.]{1,8}>")


def url_of(newid: int) -> str:
    return f"https://reuters.example/{newid}"


def record(story: S.Story) -> dict:
    return {"url": url_of(story.newid), "site": "Reuters", "published": story.date.isoformat(),
            "title": story.title, "text": story.text}


def body_grams(story: S.Story, n: int = 5) -> set[tuple[str, ...]]:
    w = [x.lower() for x in _WORD.findall("\n".join(story.paragraphs))]
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def headline_words(title: str) -> set[str]:
    title = _TICKER.sub(" ", CORRECTED.sub("", title)).replace("<", " ").replace(">", " ")
    return {w[:5] for w in _WORD.findall(title.lower()) if w != "corrected"}


def containment(a: set, b: set) -> float:
    return len(a & b) / max(1, min(len(a), len(b)))


def is_correction(story: S.Story) -> bool:
    return bool(CORRECTED.match(story.title))


@dataclass(frozen=True)
class Correction:
    newid: int
    earlier: tuple[int, ...]  # earlier issues, oldest first; earlier[0] is the first issue

    @property
    def first(self) -> int:
        return self.earlier[0]


def derive_corrections(stories: list[S.Story]) -> tuple[list[int], list[Correction]]:
    """(every correction's NEWID, the corrections whose first issue is in the collection)."""
    corrections = [s for s in stories if is_correction(s)]
    cgrams = {c.newid: body_grams(c) for c in corrections}
    owners: dict[tuple[str, ...], list[int]] = defaultdict(list)  # a correction's 5-gram -> corrections
    for newid, grams in cgrams.items():
        for g in grams:
            owners[g].append(newid)
    earlier: dict[int, list[S.Story]] = defaultdict(list)
    for e in stories:
        grams = body_grams(e)
        for cid in {cid for g in grams if g in owners for cid in owners[g]} - {e.newid}:
            c = next(x for x in corrections if x.newid == cid)
            if not (e.date < c.date and c.date - e.date <= MAX_GAP):
                continue
            body = containment(grams, cgrams[cid])
            head = containment(headline_words(e.title), headline_words(c.title))
            if body >= NEAR_IDENTICAL or (head >= SAME_HEADLINE and body >= SHARED_BODY):
                earlier[cid].append(e)
    found = [Correction(c.newid, tuple(e.newid for e in sorted(earlier[c.newid], key=lambda e: (e.date, e.newid))))
             for c in corrections if earlier[c.newid]]
    return [c.newid for c in corrections], found


@dataclass
class ReutersResult:
    corrections: int  # stories titled CORRECTED with a body
    qualifying: list[Correction]
    ingested: int  # stories fed to ingest
    distractors: int
    order: str
    linked_first: list[int] = field(default_factory=list)  # linked to the first issue, earlier upstream
    linked_any: list[int] = field(default_factory=list)  # ... to any earlier issue
    relations: Counter = field(default_factory=Counter)  # relation of the edge to the first issue
    misses: dict[int, str] = field(default_factory=dict)  # correction -> what the store has
    clusters: list[list[int]] = field(default_factory=list)  # NEWIDs per near-duplicate component
    edges: list[tuple[int, int, str, float]] = field(default_factory=list)  # (source, copy) NEWIDs
    direction_confidence: dict[tuple[int, int], float] = field(default_factory=dict)  # by (source, copy)
    seconds: float = 0.0
    stored: int = 0  # stories stored (very short briefs are refused as empty pages)
    refused: list[str] = field(default_factory=list)
    refused_ids: list[int] = field(default_factory=list)  # NEWIDs not stored

    @property
    def share_first(self) -> float:
        return len(self.linked_first) / len(self.qualifying) if self.qualifying else float("nan")

    @property
    def share_any(self) -> float:
        return len(self.linked_any) / len(self.qualifying) if self.qualifying else float("nan")

    @property
    def clustered_documents(self) -> int:
        return sum(len(c) for c in self.clusters)

    @property
    def distinct_stories(self) -> int:
        """Distinct stories among the stored documents: singletons plus one per cluster."""
        return self.stored - self.clustered_documents + len(self.clusters)


def choose_set(stories: list[S.Story], qualifying: list[Correction], correction_ids: list[int],
               distractors: int, seed: int) -> list[S.Story]:
    """The corrections, their earlier issues and ``distractors`` other stories (seeded), by NEWID."""
    wanted = set(correction_ids) | {e for c in qualifying for e in c.earlier}
    rest = [s for s in stories if s.newid not in wanted]
    picked = random.Random(seed).sample(rest, min(distractors, len(rest)))
    return sorted([s for s in stories if s.newid in wanted] + picked, key=lambda s: s.newid)


def _components(nodes: set[int], pairs: list[tuple[int, int]]) -> list[list[int]]:
    parent = {n: n for n in nodes}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for n in nodes:
        groups[find(n)].append(n)
    return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def run(data: Path = DEFAULT_DATA, *, distractors: int = DEFAULT_DISTRACTORS, seed: int = DEFAULT_SEED,
        order: str = "shuffled", stories: list[S.Story] | None = None, db: Path | None = None) -> ReutersResult:
    stories = stories if stories is not None else S.read_reuters(data)
    correction_ids, qualifying = derive_corrections(stories)
    chosen = choose_set(stories, qualifying, correction_ids, distractors, seed)
    if order == "shuffled":
        random.Random(seed + 1).shuffle(chosen)
    elif order == "chronological":
        chosen.sort(key=lambda s: (s.date, s.newid))
    else:
        raise ValueError(order)
    result = ReutersResult(len(correction_ids), qualifying, len(chosen), len(chosen) - len(correction_ids)
                           - len({e for c in qualifying for e in c.earlier} - set(correction_ids)), order)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reuters.jsonl"
        path.write_text("".join(json.dumps(record(s), ensure_ascii=False) + "\n" for s in chosen), encoding="utf-8")
        with Store(db or Path(tmp) / "reuters.duckdb") as store:
            t0 = time.perf_counter()
            report = ingest(store, [str(path)])
            result.seconds = time.perf_counter() - t0
            result.refused = [str(e) for e in report.errors]  # very short briefs: "no article text found"
            _, rows = store.query("SELECT doc_id, url FROM documents")
            newid = {doc_id: int(url.rsplit("/", 1)[1]) for doc_id, url in rows}
            _, rows = store.query("SELECT source_id, copy_id, relation, confidence, direction_confidence FROM edges")
    result.stored = len(newid)
    result.refused_ids = sorted({s.newid for s in chosen} - set(newid.values()))
    result.edges = [(newid[s], newid[c], r, float(conf)) for s, c, r, conf, _ in rows if s in newid and c in newid]
    result.direction_confidence = {(newid[s], newid[c]): d for s, c, _, _, d in rows if s in newid and c in newid}
    between: dict[frozenset, list[tuple[int, int, str, float]]] = defaultdict(list)
    for e in result.edges:
        between[frozenset(e[:2])].append(e)
    for c in qualifying:
        first = [e for e in between.get(frozenset((c.first, c.newid)), []) if e[0] == c.first]
        if first:
            result.linked_first.append(c.newid)
            result.relations[first[0][2]] += 1
        if any(e[0] == x for x in c.earlier for e in between.get(frozenset((x, c.newid)), [])):
            result.linked_any.append(c.newid)
        if not first:
            have = between.get(frozenset((c.first, c.newid)))
            refused = [n for n in (c.first, c.newid) if n in result.refused_ids]
            result.misses[c.newid] = (f"{have[0][2]} edge {have[0][0]} -> {have[0][1]} ({have[0][3]:.2f}): wrong "
                                      "direction" if have else f"not stored: {refused} refused as empty"
                                      if refused else "no edge")
    result.clusters = _components(set(newid.values()),
                                  [(s, c) for s, c, r, _ in result.edges if r in CLUSTER_RELATIONS])
    return result


def figures(r: ReutersResult) -> dict:
    return {
        "corrections (titles CORRECTED - / (CORRECTED) -, with a body)": r.corrections,
        "with their first issue in the collection": len(r.qualifying),
        "fed to ingest": f"{r.ingested} ({r.distractors} distractors, order {r.order}); stored {r.stored}, "
                         f"refused as empty {len(r.refused)}",
        "qualifying corrections or first issues refused": sorted(
            n for c in r.qualifying for n in (c.newid, c.first) if n in set(r.refused_ids)),
        "linked to the first issue, earlier upstream": f"{len(r.linked_first)}/{len(r.qualifying)} = "
                                                       f"{r.share_first:.3f} (bar {BAR})",
        "linked to an earlier issue, earlier upstream": f"{len(r.linked_any)}/{len(r.qualifying)} = {r.share_any:.3f}",
        "relations of those edges": dict(r.relations.most_common()),
        "near-duplicate clusters (copy/version/excerpt/rewrite components)": len(r.clusters),
        "documents in them": r.clustered_documents,
        "distinct stories among the stored documents": f"{r.distinct_stories} of {r.stored}",
        "edges, by relation": dict(Counter(e[2] for e in r.edges).most_common()),
        "ingest seconds": round(r.seconds, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--distractors", type=int, default=DEFAULT_DISTRACTORS)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--order", choices=("shuffled", "chronological"), default="shuffled")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--misses", action="store_true", help="list the misses and the clusters")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"Reuters-21578 not found at {args.data} (it lives in ../shared/data, beside the project)",
              file=sys.stderr)
        return 2
    r = run(args.data, distractors=args.distractors, seed=args.seed, order=args.order)
    figs = figures(r)
    if args.json:
        print(json.dumps(figs, indent=2))
    else:
        for k, v in figs.items():
            print(f"{k:66} {v}")
    if args.misses:
        for c in r.qualifying:
            if c.newid in r.misses:
                print(f"  miss: correction {c.newid}, first issue {c.first} (earlier: {list(c.earlier)}): "
                      f"{r.misses[c.newid]}")
        for cluster in r.clusters:
            print(f"  cluster: {cluster}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
