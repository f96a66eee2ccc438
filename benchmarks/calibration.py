"""Is ``confidence`` calibrated (issue 4, item 2: "among edges reported at >= 0.9, at least 90 % are
right")? Edges with their confidence and a correctness label, from every evaluation set where the
direction is known, and a reliability table.

    python benchmarks/calibration.py [--sets simulator reuters pan13 clough realnews] [--wrong]

An edge is **right** when its two documents are a true pair AND its ``source_id`` is the true
upstream. A ``shares_source`` edge ("both derive from a third, direction unknown") between a true
pair counts as wrong: in these sets the direction is known and it is not a third-party case.

The sets and their labels:

* ``simulator`` — the repost simulator run of tests/test_simulator.py (same stories, size, seed,
  shuffled ingest order): every edge between simulated documents. True pairs are a source and
  its derived copy (upstream: the source); any other edge (two families, or touching a negative:
  independent reports, templated leads, earnings briefs, results tables) is a false pair.
* ``reuters`` — the corrections run of benchmarks/reuters.py. A correction and its earlier issues
  are one story with a known order (upstream: the earlier ``<DATE>``); an edge inside such a group
  is a true pair. An edge whose two bodies share less than 20 % of the smaller body's word
  5-grams, and which is not inside a group, is a false pair (no Reuters re-send is that different).
  Other edges (two stories of the sample that are near-duplicates with no known relation, such as
  a re-send) have no label and are left out; their number is printed.
* ``pan13`` — benchmarks/pan13.py's run: every ``src/`` document ingested, every ``susp/`` document
  traced; the direct edges of each trace. Only the gold (susp, src) pairs are labelled (upstream:
  the source document). Other edges are left out with their number printed: the suspicious
  documents also reuse passages under PAN's other obfuscations (random, summary …), from the same
  sources, which this no-obfuscation gold does not list (checked by hand: the non-gold edges at
  confidence 0.5 are such obfuscated passages or shared web boilerplate like "Jump to: navigation,
  search"), so they are neither known right nor known wrong; edges between two source documents
  likewise.
* ``clough`` — benchmarks/clough.py's run: the 5 Wikipedia sources ingested, the 95 answers traced.
  True pairs are a reused answer (cut / light / heavy) and its own task's source (upstream: the
  source); a linked independent ("non") answer or another task's source is a false pair.
* ``realnews`` — benchmarks/realnews.py's run (real news stories, each ingested into its own
  store; only when the article texts are present, they are not in git): every edge between two
  articles of a story, judged by the pair's label (:func:`realnews.edge_right`): any edge between
  independent reports is wrong; a lineage edge between two texts that only share a source is
  wrong; ``shares_source`` is right between such texts and between two runs of one wire story
  whose upstream is unknown; a lineage edge of a positive pair is right from its known upstream.

The reliability table buckets confidence as [0, 0.5), [0.5, 0.6), …, [0.8, 0.9), [0.9, 1.0] and
prints count and share right per bucket, per set and over all sets, then the headline
"edges at >= 0.9: N, right: share". Used by tests/test_calibration.py (simulator set alone).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import simulator as S  # noqa: E402
import clough  # noqa: E402
import pan13  # noqa: E402
import realnews  # noqa: E402
import reuters  # noqa: E402
from provenance.pipeline import ShingleCache, ingest, trace  # noqa: E402
from provenance.store import Store  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
BAR = 0.90
HIGH = 0.9
#: Bucket lower bounds; the last bucket is [0.9, 1.0] (closed).
BUCKETS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)
SETS = ("simulator", "reuters", "pan13", "clough", "realnews")

#: The simulator run of tests/test_simulator.py (keep in step with its fixtures).
SIM_SOURCES, SIM_SEED, SIM_MAX_FILES = 140, 4, 8
SIM_KWARGS = {"n_independent": 12, "n_earnings": 24, "n_results": 8}
SIM_ORDER = "shuffled"

#: Reuters: below this share of shared word 5-grams two bodies are not one story.
REUTERS_FALSE_PAIR = 0.20


@dataclass(frozen=True)
class LabelledEdge:
    dataset: str
    source: str
    copy: str
    relation: str
    confidence: float
    right: bool
    why: str  # right | wrong direction | false pair | shares_source
    discounted: bool = False  # confidence below the direction's: a weak rewrite link


def _label(dataset: str, src: str, cpy: str, relation: str, confidence: float, true_upstream: str | None,
           true_pair: bool, direction_confidence: float | None = None) -> LabelledEdge:
    if not true_pair:
        why = "false pair"
    elif relation == "shares_source":
        why = "shares_source"
    elif src != true_upstream:
        why = "wrong direction"
    else:
        why = "right"
    discounted = direction_confidence is not None and confidence < direction_confidence - 1e-9
    return LabelledEdge(dataset, src, cpy, relation, float(confidence), why == "right", why, discounted)


# --- the sets ----------------------------------------------------------------------------------------

def simulator_edges(stories: list[S.Story] | None = None, data: Path = SHARED / "reuters21578") -> list[LabelledEdge]:
    stories = stories if stories is not None else S.read_reuters(data, max_files=SIM_MAX_FILES)
    sim = S.simulate(None, n_sources=SIM_SOURCES, seed=SIM_SEED, stories=stories, **SIM_KWARGS)
    family = sim.family_of()
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        targets, urls = sim.write(Path(tmp) / "in", order=SIM_ORDER)
        with Store(Path(tmp) / "sim.duckdb") as store:
            ingest(store, targets)
            key_of = {v: k for k, v in S.stored_ids(store, urls).items()}
            _, rows = store.query("SELECT source_id, copy_id, relation, confidence, direction_confidence FROM edges")
    for s, c, relation, conf, direction in rows:
        src, cpy = key_of.get(s, f"?{s}"), key_of.get(c, f"?{c}")
        fam = family.get(src)
        true_pair = fam is not None and family.get(cpy) == fam
        out.append(_label("simulator", src, cpy, relation, conf,
                          sim.families[fam].source if true_pair else None, true_pair, direction))
    return out


def reuters_edges(stories: list[S.Story] | None = None, data: Path = SHARED / "reuters21578", *,
                  distractors: int = reuters.DEFAULT_DISTRACTORS) -> tuple[list[LabelledEdge], int]:
    """(labelled edges, edges left without a label)."""
    stories = stories if stories is not None else S.read_reuters(data)
    result = reuters.run(data, distractors=distractors, stories=stories)
    by_id = {s.newid: s for s in stories}
    # a correction and its earlier issues are one story; groups sharing a story (8457) merge
    merged: dict[int, int] = {}
    for cluster in reuters._components({n for c in result.qualifying for n in (c.newid,) + c.earlier},
                                       [(c.newid, e) for c in result.qualifying for e in c.earlier]):
        merged.update({n: cluster[0] for n in cluster})
    out, unlabelled = [], 0
    for s, c, relation, conf in result.edges:
        a, b = by_id[s], by_id[c]
        direction = result.direction_confidence.get((s, c))
        if s in merged and c in merged and merged[s] == merged[c]:
            upstream = s if (a.date, a.newid) < (b.date, b.newid) else c
            out.append(_label("reuters", str(s), str(c), relation, conf, str(upstream), True, direction))
        elif reuters.containment(reuters.body_grams(a), reuters.body_grams(b)) < REUTERS_FALSE_PAIR:
            out.append(_label("reuters", str(s), str(c), relation, conf, None, False, direction))
        else:
            unlabelled += 1
    return out, unlabelled


def pan13_edges(data: Path = SHARED / "pan13-verbatim") -> tuple[list[LabelledEdge], int, int]:
    """(labelled edges of the traces, non-gold edges of the traces, edges between two source
    documents): the last two are left without a label."""
    gold = pan13.read_gold(data)
    out = []
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "pan13.duckdb") as store:
        report = ingest(store, [str(data / "src")])
        name = {doc_id: Path(store.get_document(doc_id).article.url).name for doc_id in report.documents}
        _, (row,) = store.query("SELECT count(*) FROM edges")
        src_src = int(row[0])
        cache = ShingleCache()
        non_gold = 0
        for susp in sorted((data / "susp").glob("*.txt")):
            traced = trace(store, str(susp), cache=cache)
            me = traced.document.doc_id
            for hop in traced.upstream + traced.downstream + traced.related:
                if hop.depth != 1:
                    continue
                e = hop.edge
                other = e.source_id if e.copy_id == me else e.copy_id
                other_name = name.get(other, f"?{other}")
                src = susp.name if e.source_id == me else other_name
                cpy = susp.name if e.copy_id == me else other_name
                if (susp.name, other_name) not in gold:
                    non_gold += 1
                    continue
                out.append(_label("pan13", src, cpy, e.relation, e.confidence, other_name, True,
                                  e.direction_confidence))
    return out, non_gold, src_src


def clough_edges(data: Path = SHARED / "clough-stevenson") -> list[LabelledEdge]:
    rows = [r for r in csv.DictReader((data / "file_information.csv").open(encoding="utf-8"))
            if r["Category"] in clough.EXPECTED]
    out = []
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "clough.duckdb") as store:
        sources = sorted(str(p) for p in data.glob("orig_task*.txt"))
        report = ingest(store, sources)
        source_of = {doc_id: Path(path).name for doc_id, path in zip(report.documents, sources)}
        cache = ShingleCache()
        for row in rows:
            traced = trace(store, str(data / row["File"]), cache=cache)
            me = traced.document.doc_id
            own = f"orig_task{clough._task(row['File'])}.txt"
            for hop in traced.upstream + traced.downstream + traced.related:
                if hop.depth != 1:
                    continue
                e = hop.edge
                other = source_of.get(e.source_id if e.copy_id == me else e.copy_id, "?")
                src = row["File"] if e.source_id == me else other
                cpy = row["File"] if e.copy_id == me else other
                true_pair = row["Category"] != "non" and other == own
                out.append(_label("clough", src, cpy, e.relation, e.confidence, own, true_pair,
                                  e.direction_confidence))
    return out


def realnews_edges(stories: list[dict]) -> list[LabelledEdge]:
    """Labelled edges of the real-news set: dataset ``realnews`` for its dev part (the stories the
    rules were studied on), ``realnews-check`` for its check part (never tuned on)."""
    out = []
    for story in stories:
        dataset = "realnews" if realnews.part_of(story) == "dev" else "realnews-check"
        results, _, _ = realnews.run_story(story, order="shuffled", seed=10)
        for r in results:
            for (relation, src, cpy), conf in zip(r.relations, r.confidences):
                right, why = realnews.edge_right(r, relation, src)
                out.append(LabelledEdge(dataset, src, cpy, relation, float(conf), right, why))
    return out


# --- the table -------------------------------------------------------------------------------------

def bucket(confidence: float) -> float:
    return max(b for b in BUCKETS if confidence >= b)


def _name(b: float) -> str:
    return "[0.9, 1.0]" if b == BUCKETS[-1] else f"[{b:.1f}, {BUCKETS[BUCKETS.index(b) + 1]:.1f})"


def high_confidence(edges: list[LabelledEdge], at: float = HIGH) -> tuple[int, int]:
    """(edges at >= ``at``, right among them)."""
    high = [e for e in edges if e.confidence >= at]
    return len(high), sum(e.right for e in high)


def reliability(edges: list[LabelledEdge]) -> list[tuple[str, int, int]]:
    """(bucket, edges, right) per confidence bucket."""
    count: Counter = Counter()
    right: Counter = Counter()
    for e in edges:
        b = bucket(e.confidence)
        count[b] += 1
        right[b] += e.right
    return [(_name(b), count[b], right[b]) for b in BUCKETS]


def format_table(edges: list[LabelledEdge], sets: list[str]) -> str:
    by_set = {s: [e for e in edges if e.dataset == s] for s in sets}
    cols = sets + ["all"]
    lines = [f"{'confidence':<12}" + "".join(f"{c:>20}" for c in cols)]

    def cell(n: int, r: int) -> str:
        return f"{r:>5}/{n:<5} {r / n:5.3f}" if n else f"{'-':>17}"

    tables = [reliability(by_set[s]) for s in sets] + [reliability(edges)]
    for i, b in enumerate(BUCKETS):
        lines.append(f"{tables[0][i][0]:<12}" + "".join(f"{cell(t[i][1], t[i][2]):>20}" for t in tables))
    lines.append(f"{'all':<12}" + "".join(
        f"{cell(len(x), sum(e.right for e in x)):>20}" for x in [by_set[s] for s in sets] + [edges]))
    for name, x in [(s, by_set[s]) for s in sets] + [("all sets", edges)]:
        n, r = high_confidence(x)
        share = f"{r / n:.3f}" if n else "-"
        lines.append(f"{name}: edges at >= {HIGH}: {n}, right: {share} ({r}/{n})"
                     + ("" if not n or r / n >= BAR else f"  BELOW THE BAR {BAR}"))
    wrong = Counter((e.dataset, e.why, e.relation) for e in edges if not e.right)
    if wrong:
        lines.append("wrong edges by set, cause and relation: "
                     + ", ".join(f"{d}/{w}/{r} {n}" for (d, w, r), n in sorted(wrong.items())))
    return "\n".join(lines)


def format_relations(edges: list[LabelledEdge]) -> str:
    """Labelled edges right / all by relation and set: how sure each kind of link is, whatever
    its confidence says."""
    counts: Counter = Counter()
    right: Counter = Counter()
    for e in edges:
        kind = f"{e.relation} (weak)" if e.discounted else e.relation
        counts[kind, e.dataset] += 1
        right[kind, e.dataset] += e.right
    lines = ["right by relation:"]
    for relation in sorted({r for r, _ in counts}):
        datasets = list(dict.fromkeys(e.dataset for e in edges))
        cells = [f"{d} {right[relation, d]}/{counts[relation, d]}" for d in datasets if counts[relation, d]]
        total, ok = sum(counts[relation, d] for d in datasets), sum(right[relation, d] for d in datasets)
        lines.append(f"  {relation:<16} {ok}/{total}  ({', '.join(cells)})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    ap.add_argument("--wrong", action="store_true", help="list the wrong edges at >= 0.9")
    args = ap.parse_args(argv)
    edges: list[LabelledEdge] = []
    notes = []
    stories = None
    for name in args.sets:
        t0 = time.perf_counter()
        if name in ("simulator", "reuters") and not (SHARED / "reuters21578").is_dir():
            notes.append(f"{name}: skipped, no Reuters-21578 at {SHARED / 'reuters21578'}")
            continue
        if name == "simulator":
            edges += simulator_edges()
        elif name == "reuters":
            stories = stories or S.read_reuters(SHARED / "reuters21578")
            got, unlabelled = reuters_edges(stories)
            edges += got
            notes.append(f"reuters: {unlabelled} edges between near-duplicate stories of unknown relation "
                         "left without a label")
        elif name == "pan13":
            if not (SHARED / "pan13-verbatim").is_dir():
                notes.append("pan13: skipped, no data")
                continue
            got, non_gold, src_src = pan13_edges()
            edges += got
            notes.append(f"pan13: {non_gold} edges of traces to sources outside the gold pairs and {src_src} "
                         "edges between two source documents left without a label")
        elif name == "clough":
            if not (SHARED / "clough-stevenson").is_dir():
                notes.append("clough: skipped, no data")
                continue
            edges += clough_edges()
        elif name == "realnews":
            stories_rn = realnews.load_stories()
            if stories_rn is None:
                notes.append("realnews: skipped, the article texts are not in benchmarks/realnews/texts")
                continue
            edges += realnews_edges(stories_rn)
        notes.append(f"{name}: {sum(e.dataset.startswith(name) for e in edges)} labelled edges, "
                     f"{time.perf_counter() - t0:.0f} s")
    print(format_table(edges, list(dict.fromkeys(e.dataset for e in edges))))
    print(format_relations(edges))
    for n in notes:
        print(f"  {n}")
    if args.wrong:
        for e in sorted(edges, key=lambda e: -e.confidence):
            if e.confidence >= HIGH and not e.right:
                print(f"  wrong at {e.confidence:.3f}: {e.dataset} {e.source} -> {e.copy} ({e.relation}): {e.why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
