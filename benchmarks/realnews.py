"""Real-news development set (issue 10, "Attribution you can cite"): are real syndicated copies,
excerpts and rewrites linked, in the right family and direction, and are independent reports of the
same event left apart?

    PYTHONPATH=. python benchmarks/realnews.py [--order shuffled|manifest] [--seed 10] [--orders 5] [--misses]
                                               [--part all|dev|check] [--out benchmarks/results/realnews.md]

The set is ``benchmarks/realnews/manifest.json`` (stories, articles, a label for every pair of
articles within a story; see ``benchmarks/realnews/README.md``). The article texts are not in git:
they live in ``benchmarks/realnews/texts/<article id>.txt`` (first line the URL, a blank line, then
the text). Without them the script says so and exits 0.

Each story is ingested on its own into a fresh temporary store, one JSON Lines record per article
``{"url", "site", "text", "published"?}`` (``published`` only when the page showed a date), in a
seeded random order (``--order shuffled``, default) so "stored first" gives direction no help, or in
manifest order. Then every labelled pair is looked up among the store's edges:

* positive pairs (``copy`` / ``excerpt`` / ``rewrite``): linked at all (any edge, shares_source
  included), linked by a lineage edge (copy, version, excerpt, rewrite), of the right family
  (copy ↔ copy or version; excerpt ↔ excerpt; rewrite ↔ rewrite), and, where the manifest names an
  ``upstream``, whether the lineage edge's source is that article;
* ``shares_source`` pairs: linked at all, linked as shares_source, linked by a lineage edge;
* ``none`` pairs: linked at all (false links), by relation.

Direction is scored twice: in the one order of ``--seed`` and pooled over ``--orders`` shuffled
orders, since a pair that no evidence orders follows the storage order (its direction confidence is
0.5 and its reasons say so) and one order can be lucky; "decided by evidence" counts only edges
whose direction confidence is above 0.5.

The set has two parts: ``dev`` (the first 15 stories; issue 10's rules were studied on them) and
``check`` (stories added later, ``"part": "check"`` in the manifest, never tuned on). The headline
figures are printed for each part as well.

Prints a table and writes it, with the per-story figures and (``--misses``) the misses, to
``benchmarks/results/realnews.md``.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "benchmarks" / "realnews"
MANIFEST = SET / "manifest.json"
TEXTS = SET / "texts"
OUT = ROOT / "benchmarks" / "results" / "realnews.md"

POSITIVE = ("copy", "excerpt", "rewrite")
LINEAGE = frozenset({"copy", "version", "excerpt", "rewrite"})
#: Which stored relations count as the right family for a labelled relation.
FAMILY = {"copy": {"copy", "version"}, "excerpt": {"excerpt"}, "rewrite": {"rewrite"}}


@dataclass
class PairResult:
    story: str
    a: str
    b: str
    label: str
    upstream: str | None
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (relation, source, copy) article ids
    confidences: list[float] = field(default_factory=list)  # of each of ``relations``
    direction_confidences: list[float] = field(default_factory=list)  # of each of ``relations``

    @property
    def linked(self) -> bool:
        return bool(self.relations)

    @property
    def lineage(self) -> list[tuple[str, str, str]]:
        return [r for r in self.relations if r[0] in LINEAGE]

    @property
    def right_family(self) -> bool:
        return any(r[0] in FAMILY.get(self.label, ()) for r in self.relations)

    @property
    def right_direction(self) -> bool | None:
        """None when there is no upstream to check or no lineage edge to check it on."""
        if self.upstream is None or not self.lineage:
            return None
        return self.lineage[0][1] == self.upstream

    @property
    def direction_by_evidence(self) -> bool:
        """Whether the lineage edge's direction rests on evidence (above 0.5), not on which text
        happened to be stored first."""
        lineage = [d for r, d in zip(self.relations, self.direction_confidences) if r[0] in LINEAGE]
        return bool(lineage) and lineage[0] > 0.5

    def shown(self) -> str:
        have = ", ".join(f"{r} {s}->{c}" for r, s, c in self.relations) or "no edge"
        up = f", upstream {self.upstream}" if self.upstream else ""
        return f"{self.a} ~ {self.b} [{self.label}{up}]: {have}"


def read_text(article_id: str) -> tuple[str, str] | None:
    path = TEXTS / f"{article_id}.txt"
    if not path.is_file():
        return None
    url, _, text = path.read_text(encoding="utf-8").partition("\n\n")
    return url.strip(), text


def run_story(story: dict, *, order: str, seed: int) -> tuple[list[PairResult], list[str], float]:
    """Ingest one story into a fresh store; (pair results, refused inputs, ingest seconds)."""
    from provenance.pipeline import ingest, open_store

    articles = list(story["articles"])
    if order == "shuffled":
        random.Random(f"{seed}:{story['id']}").shuffle(articles)
    records, by_url = [], {}
    for art in articles:
        url, text = read_text(art["id"])
        record = {"url": url, "site": art["outlet"], "text": text}
        if art.get("published") and len(art["published"]) >= len("2023-12-01"):
            record["published"] = art["published"]  # a month alone ("2023-12") is no publication time
        records.append(record)
        by_url[url] = art["id"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "story.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        store, _ = open_store(Path(tmp) / "story.duckdb")
        with store:
            t0 = time.perf_counter()
            report = ingest(store, [str(path)])
            seconds = time.perf_counter() - t0
            _, docs = store.query("SELECT doc_id, url FROM documents")
            _, edges = store.query("SELECT source_id, copy_id, relation, confidence, direction_confidence "
                                   "FROM edges ORDER BY edge_id")
    article_of = {doc_id: by_url[url] for doc_id, url in docs if url in by_url}
    between: dict[frozenset, list[tuple[str, str, str, float, float]]] = defaultdict(list)
    for s, c, rel, conf, dconf in edges:
        if s in article_of and c in article_of:
            between[frozenset((article_of[s], article_of[c]))].append((rel, article_of[s], article_of[c], conf, dconf))
    results = []
    for p in story["pairs"]:
        found = between.get(frozenset((p["a"], p["b"])), [])
        results.append(PairResult(story["id"], p["a"], p["b"], p["label"], p.get("upstream"),
                                  [x[:3] for x in found], [x[3] for x in found], [x[4] for x in found]))
    refused = [str(e) for e in report.errors]
    return results, refused, seconds


#: The set's parts: ``dev`` (the first 15 stories, which the rules of issue 10 were studied on)
#: and ``check`` (stories added afterwards and never tuned on; a story's ``part`` in the manifest).
PARTS = ("dev", "check")


def part_of(story: dict) -> str:
    return story.get("part", "dev")


def part_summary(results: list[PairResult]) -> list[tuple[str, str]]:
    """The headline figures of one part: copy/excerpt linked, independent pairs linked, direction."""
    verbatim = [r for r in results if r.label in ("copy", "excerpt")]
    none = [r for r in results if r.label == "none"]
    directed = [r for r in results if r.label in POSITIVE and r.right_direction is not None]
    evidenced = [r for r in directed if r.direction_by_evidence]
    return [("stories / pairs", f"{len({r.story for r in results})} / {len(results)}"),
            ("copy+excerpt linked", ratio(sum(r.linked for r in verbatim), len(verbatim))),
            ("none linked (false links)", ratio(sum(r.linked for r in none), len(none))),
            ("right direction (upstream known)", ratio(sum(bool(r.right_direction) for r in directed), len(directed))),
            ("  of which decided by evidence", ratio(sum(bool(r.right_direction) for r in evidenced), len(evidenced))),
            ("  left to storage order (no evidence)", str(len(directed) - len(evidenced)))]


def edge_right(r: PairResult, relation: str, source: str) -> tuple[bool, str]:
    """Whether one stored edge of a labelled pair is right, and why not (calibration): a
    ``shares_source`` edge is right between texts that share a source, and between a copy pair
    whose upstream is unknown (two outlets running one wire story); a lineage edge is right
    between a positive pair, from the upstream when it is known; any edge between two
    independent reports is wrong."""
    if r.label == "none":
        return False, "false pair"
    if relation == "shares_source":
        if r.label == "shares_source" or r.upstream is None:
            return True, "right"
        return False, "shares_source"
    if r.label == "shares_source":
        return False, "lineage between siblings"
    if r.upstream is not None and source != r.upstream:
        return False, "wrong direction"
    return True, "right"


def load_stories() -> list[dict] | None:
    """The manifest's stories, or None when the article texts are not here."""
    stories = json.loads(MANIFEST.read_text(encoding="utf-8"))["stories"]
    if any(read_text(a["id"]) is None for s in stories for a in s["articles"]):
        return None
    return stories


def ratio(k: int, n: int) -> str:
    return f"{k}/{n} = {k / n:.2f}" if n else "0/0"


def summarize(results: list[PairResult]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    pos = [r for r in results if r.label in POSITIVE]
    for label in (*POSITIVE, "all positive"):
        group = pos if label == "all positive" else [r for r in pos if r.label == label]
        if not group:
            continue
        directed = [r for r in group if r.right_direction is not None]
        with_up = [r for r in group if r.upstream]
        rows += [
            (f"{label}: linked (any edge)", ratio(sum(r.linked for r in group), len(group))),
            (f"{label}: linked by a lineage edge", ratio(sum(bool(r.lineage) for r in group), len(group))),
            (f"{label}: right relation family", ratio(sum(r.right_family for r in group), len(group))),
            (f"{label}: right direction (upstream known, lineage edge)",
             f"{ratio(sum(bool(r.right_direction) for r in directed), len(directed))}"
             f" (of {len(with_up)} with an upstream)"),
        ]
    ss = [r for r in results if r.label == "shares_source"]
    rows += [
        ("shares_source: linked (any edge)", ratio(sum(r.linked for r in ss), len(ss))),
        ("shares_source: linked as shares_source",
         ratio(sum(any(x[0] == "shares_source" for x in r.relations) for r in ss), len(ss))),
        ("shares_source: linked by a lineage edge", ratio(sum(bool(r.lineage) for r in ss), len(ss))),
    ]
    none = [r for r in results if r.label == "none"]
    false_rel = Counter(x[0] for r in none for x in r.relations[:1])
    rows += [
        ("none: linked (false links)", ratio(sum(r.linked for r in none), len(none))),
        ("none: false links by relation", json.dumps(dict(false_rel.most_common())) if false_rel else "-"),
    ]
    confusion = Counter((r.label, r.relations[0][0] if r.relations else "-") for r in results)
    rows.append(("label -> stored relation (first edge)",
                 ", ".join(f"{lab}->{rel}: {n}" for (lab, rel), n in sorted(confusion.items()))))
    return rows


def commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--order", choices=("shuffled", "manifest"), default="shuffled")
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--orders", type=int, default=5,
                    help="also score direction over this many shuffled ingest orders (seeds SEED..SEED+N-1): "
                         "pairs no evidence orders follow the storage order, so one order can be lucky")
    ap.add_argument("--misses", action="store_true", help="list missed positives and false links")
    ap.add_argument("--part", choices=("all", *PARTS), default="all",
                    help="score one part of the set: dev (rules were studied on it) or check (added later, "
                         "never tuned on)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    stories = [s for s in manifest["stories"] if args.part in ("all", part_of(s))]
    missing = [a["id"] for s in stories for a in s["articles"] if read_text(a["id"]) is None]
    if missing:
        print(f"The article texts are not here ({len(missing)} of "
              f"{sum(len(s['articles']) for s in stories)} missing under {TEXTS.relative_to(ROOT)}/, "
              f"e.g. {missing[0]}.txt). They are not in git; see benchmarks/realnews/README.md. Nothing scored.")
        return 0

    results: list[PairResult] = []
    part_of_story = {s["id"]: part_of(s) for s in stories}
    per_story: list[tuple[str, int, str, str, str, float]] = []
    refused: list[str] = []
    total_seconds = 0.0
    results_by_story: dict[str, list[PairResult]] = {}
    for story in stories:
        res, ref, seconds = run_story(story, order=args.order, seed=args.seed)
        results_by_story[story["id"]] = res
        results += res
        refused += [f"{story['id']}: {e}" for e in ref]
        total_seconds += seconds
        pos = [r for r in res if r.label in POSITIVE]
        ss = [r for r in res if r.label == "shares_source"]
        none = [r for r in res if r.label == "none"]
        per_story.append((story["id"], len(story["articles"]),
                          ratio(sum(r.linked for r in pos), len(pos)),
                          ratio(sum(r.linked for r in ss), len(ss)),
                          ratio(sum(r.linked for r in none), len(none)), seconds))

    n_art = sum(len(s["articles"]) for s in stories)
    outlets = len({a["outlet"] for s in stories for a in s["articles"]})
    labels = Counter(r.label for r in results)
    head = [("stories / articles / outlets", f"{len(stories)} / {n_art} / {outlets}"),
            ("pairs by label", json.dumps(dict(sorted(labels.items())))),
            ("ingest order", f"{args.order} (seed {args.seed})" if args.order == "shuffled" else args.order),
            ("inputs refused", str(len(refused))),
            ("ingest seconds (all stories)", f"{total_seconds:.1f}")]
    table = head + summarize(results)
    parts = sorted({part_of_story[r.story] for r in results})
    if len(parts) > 1:
        for part in parts:
            table += [(f"[{part}] {k}", v) for k, v in part_summary([r for r in results if part_of_story[r.story] == part])]
    if args.order == "shuffled" and args.orders > 1:
        seeds = range(args.seed, args.seed + args.orders)
        pooled: dict[str, list[PairResult]] = defaultdict(list)  # directed pairs of every order, by part
        for seed in seeds:
            for story in stories:
                res = results_by_story[story["id"]] if seed == args.seed else \
                    run_story(story, order="shuffled", seed=seed)[0]
                pooled[part_of_story[story["id"]]] += [r for r in res
                                                       if r.label in POSITIVE and r.right_direction is not None]
        for part, directed in sorted(pooled.items()):
            evidenced = [r for r in directed if r.direction_by_evidence]
            table += [(f"[{part}] right direction over {args.orders} orders (seeds {seeds[0]}-{seeds[-1]})",
                       ratio(sum(bool(r.right_direction) for r in directed), len(directed))),
                      (f"[{part}]   of which decided by evidence",
                       ratio(sum(bool(r.right_direction) for r in evidenced), len(evidenced)))]
    width = max(len(k) for k, _ in table)
    lines = [f"{k:<{width}}  {v}" for k, v in table]
    print("\n".join(lines))

    story_lines = [f"{'story':<32} {'n':>3}  {'positives linked':<16}  {'shares_source linked':<20}  "
                   f"{'none linked':<14}  s"]
    story_lines += [f"{sid:<32} {n:>3}  {p:<16}  {s:<20}  {z:<14}  {sec:.1f}" for sid, n, p, s, z, sec in per_story]
    print()
    print("\n".join(story_lines))

    miss_lines: list[str] = []
    for r in results:
        if r.label in POSITIVE and (not r.lineage or not r.right_family or r.right_direction is False):
            miss_lines.append("positive  " + r.shown())
        elif r.label == "shares_source" and r.lineage:
            miss_lines.append("ss-lineage " + r.shown())
        elif r.label == "none" and r.linked:
            miss_lines.append("false     " + r.shown())
    miss_lines += [f"refused   {e}" for e in refused]
    if args.misses:
        print()
        print("\n".join(miss_lines) or "no misses")

    md = [
        "# Real-news development set",
        "",
        f"`PYTHONPATH=. python benchmarks/realnews.py` (provenance code at {commit()}, this machine; texts from the stored "
        "web corpus as described in `benchmarks/realnews/README.md`):",
        "",
        "```",
        *lines,
        "```",
        "",
        "Per story (each ingested into its own fresh store):",
        "",
        "```",
        *story_lines,
        "```",
        "",
        "Misses (positives without a lineage edge of the right family and direction; shares_source pairs "
        "linked as lineage; none pairs linked; refused inputs):",
        "",
        "```",
        *(miss_lines or ["none"]),
        "```",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(md), encoding="utf-8")
    print(f"\nwritten {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
