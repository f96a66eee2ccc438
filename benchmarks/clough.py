"""Clough & Stevenson (2011) short-answer reuse corpus: are reused answers linked to their source,
graded right, and independent answers left alone?

Ingests the five Wikipedia source texts into a fresh store, traces each of the 95 answers, and
compares with the gold category (cut = near copy, light / heavy = revision, non = independent):

    python benchmarks/clough.py [--data ../shared/data/clough-stevenson] [--json]

Grades map to relations as: cut → copy or excerpt (verbatim reuse, whole or part of the source),
light and heavy → rewrite, non → none (not linked).

Then, with the sources and every answer ingested into one store (:func:`run_siblings`): answers
linked directly to their own task's source (independent ones: not linked), reused answers linked
only to another student's answer, independent answers linked — for all answers and for the two
halves split by a hash of the file name (tuning half / held-out half).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from provenance.pipeline import ShingleCache, ingest, trace
from provenance.store import Store

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "clough-stevenson"
EXPECTED = {"cut": "verbatim", "light": "rewrite", "heavy": "rewrite", "non": "none"}
VERBATIM = {"copy", "excerpt"}


@dataclass
class CloughResult:
    outcomes: list[tuple[str, str, str, str]] = field(default_factory=list)  # file, gold, predicted, linked task

    def _count(self, keep) -> tuple[int, int]:
        rows = [o for o in self.outcomes if keep(o)]
        return sum(1 for o in rows if EXPECTED[o[1]] == o[2]), len(rows)

    @property
    def reuse_accuracy(self) -> float:
        """Reused (cut/light/heavy) vs independent (non), linked or not."""
        ok = sum(1 for _, gold, pred, _ in self.outcomes if (gold == "non") == (pred == "none"))
        return ok / len(self.outcomes)

    @property
    def grade_accuracy(self) -> float:
        ok, n = self._count(lambda o: True)
        return ok / n

    @property
    def independent_linked(self) -> int:
        return sum(1 for _, gold, pred, _ in self.outcomes if gold == "non" and pred != "none")

    @property
    def wrong_task(self) -> int:
        return sum(1 for f, _, pred, task in self.outcomes if pred != "none" and task != _task(f))

    def confusion(self) -> dict[str, dict[str, int]]:
        table: dict[str, Counter] = {g: Counter() for g in EXPECTED}
        for _, gold, pred, _ in self.outcomes:
            table[gold][pred] += 1
        return {g: dict(c) for g, c in table.items()}


def _task(name: str) -> str:
    return Path(name).stem.rsplit("task", 1)[-1]


def run(data: Path = DEFAULT_DATA) -> CloughResult:
    rows = [r for r in csv.DictReader((data / "file_information.csv").open(encoding="utf-8"))
            if r["Category"] in EXPECTED]
    result = CloughResult()
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "clough.duckdb") as store:
        sources = sorted(str(p) for p in data.glob("orig_task*.txt"))
        report = ingest(store, sources)
        task_of = {doc_id: _task(path) for doc_id, path in zip(report.documents, sources)}
        cache = ShingleCache()
        for row in rows:
            traced = trace(store, str(data / row["File"]), cache=cache)
            direct = [h for h in traced.upstream + traced.downstream if h.depth == 1]
            if not direct:
                result.outcomes.append((row["File"], row["Category"], "none", ""))
                continue
            best = max(direct, key=lambda h: h.edge.copy_containment + h.edge.containment)
            other = best.source if best.copy.doc_id == traced.document.doc_id else best.copy
            relation = "verbatim" if best.edge.relation in VERBATIM else best.edge.relation
            result.outcomes.append((row["File"], row["Category"], relation, task_of.get(other.doc_id, "?")))
    return result


# --- siblings: every answer in one store (issue 10, item 1) --------------------------------------

COPY_LIKE = frozenset({"copy", "excerpt", "rewrite"})


def half_of(name: str) -> int:
    """0 or 1 by a hash of an answer's file name: the tuning half (0) and the held-out half (1)."""
    import hashlib
    return hashlib.sha1(Path(name).name.encode()).digest()[0] & 1


@dataclass
class SiblingResult:
    """With the sources and then every answer (sorted by name) ingested into one store: an answer
    is right when a reused one has a copy-like edge from its own task's source and an independent
    one has no copy-like edge into it; "only another answer" counts reused answers whose copy-like
    edges all come from other answers (a sibling taken for the source)."""

    answers: int = 0
    right: int = 0
    only_another_answer: list[str] = field(default_factory=list)
    independent: int = 0
    independent_linked: int = 0  # to a source text
    independent_linked_to_answer: int = 0  # to another (independent) answer only

    @property
    def direct_share(self) -> float:
        return self.right / self.answers if self.answers else 0.0

    def figures(self) -> dict:
        return {"answers": self.answers, "linked_directly_to_own_source_or_left_alone": self.right,
                "share": round(self.direct_share, 4), "independent": self.independent,
                "independent_linked": self.independent_linked,
                "independent_linked_to_another_answer": self.independent_linked_to_answer,
                "reused_linked_only_to_another_answer": len(self.only_another_answer),
                "examples": self.only_another_answer[:10]}


def run_siblings(data: Path = DEFAULT_DATA) -> dict[str, SiblingResult]:
    """Returns the figures for "all", "tune" (half 0) and "held_out" (half 1), halves by answer name."""
    rows = [r for r in csv.DictReader((data / "file_information.csv").open(encoding="utf-8"))
            if r["Category"] in EXPECTED]
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "clough-all.duckdb") as store:
        sources = sorted(str(p) for p in data.glob("orig_task*.txt"))
        answers = sorted(str(data / r["File"]) for r in rows)
        ingest(store, sources + answers)
        _, docs = store.query("SELECT doc_id, url FROM documents")
        _, edges = store.query("SELECT source_id, copy_id, relation FROM edges")
    name = {doc_id: Path(url).name for doc_id, url in docs}
    into: dict[str, list[str]] = {}
    for s, c, relation in edges:
        if relation in COPY_LIKE:
            into.setdefault(name[c], []).append(name[s])
    out = {k: SiblingResult() for k in ("all", "tune", "held_out")}
    for r in rows:
        f, gold = r["File"], r["Category"]
        sources_of = into.get(f, [])
        own = f"orig_task{_task(f)}.txt"
        if gold == "non":
            right = not any(s.startswith("orig_") for s in sources_of)
        else:
            right = own in sources_of
        sibling = gold != "non" and bool(sources_of) and all(not s.startswith("orig_") for s in sources_of)
        for key in ("all", "tune" if half_of(f) == 0 else "held_out"):
            res = out[key]
            res.answers += 1
            res.right += right
            res.independent += gold == "non"
            res.independent_linked += gold == "non" and not right
            res.independent_linked_to_answer += gold == "non" and right and bool(sources_of)
            if sibling:
                res.only_another_answer.append(f"{Path(f).stem} <- {', '.join(Path(s).stem for s in sources_of)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no Clough & Stevenson data at {args.data} (it lives in ../shared/data, beside the project)")
    r = run(args.data)
    figures = {"answers": len(r.outcomes), "reuse_accuracy": round(r.reuse_accuracy, 4),
               "independent_linked": r.independent_linked, "grade_accuracy": round(r.grade_accuracy, 4),
               "linked_to_wrong_task": r.wrong_task, "confusion (gold -> predicted)": r.confusion(),
               "one_store (sources + answers ingested)": {k: v.figures() for k, v in run_siblings(args.data).items()}}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for k, v in figures.items():
            print(f"{k:32} {v}")


if __name__ == "__main__":
    main()
