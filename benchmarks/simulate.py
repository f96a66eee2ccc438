"""The repost simulator's full table (issue 4, items 5 and 6): real Reuters-21578 stories turned into
aggregator copies (tests/simulator.py), ingested with the real pipeline, compared with ground truth.

    python benchmarks/simulate.py [--data ../shared/data/reuters21578] [--sources 210] [--seed 4]
                                  [--order sources_first shuffled] [--misses]

Per transformation: n, recall (an edge other than shares_source between source and copy), direction
accuracy among found pairs (edge.source_id is the true source), "decided" (right and not the "stored
first" fallback), relation agreement; then the issue's groups, direction per condition (times /
credits and content alone, credited or not), precision over all edges between simulated documents,
and negatives linked. ``--misses`` lists missed pairs, wrong directions and false edges.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import simulator as S  # noqa: E402
from provenance.pipeline import ingest  # noqa: E402
from provenance.store import Store  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "reuters21578"
BARS = (("recall, copies keeping >= 50%", 0.98), ("precision", 0.99), ("recall, embedded excerpts >= 80 words", 0.90),
        ("direction with times", 0.95), ("direction, credits and content alone", 0.80))


def run(sim: S.Simulation, order: str) -> tuple[S.Measurement, float]:
    with tempfile.TemporaryDirectory() as tmp:
        targets, urls = sim.write(Path(tmp) / "in", order=order)
        start = time.perf_counter()
        with Store(Path(tmp) / "sim.duckdb") as store:
            report = ingest(store, targets)
            seconds = time.perf_counter() - start
            for err in report.errors:
                print(f"  input error: {err}")
            m = S.measure(store, sim, S.stored_ids(store, urls), order=order)
    return m, seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--sources", type=int, default=210)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--order", nargs="+", default=["sources_first", "shuffled"], choices=["sources_first", "shuffled"])
    ap.add_argument("--misses", action="store_true")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"Reuters-21578 not found at {args.data}", file=sys.stderr)
        return 2
    sim = S.simulate(args.data, n_sources=args.sources, seed=args.seed)
    roles = {r: sum(d.role == r for d in sim.docs.values()) for r in ("source", "copy", "negative")}
    print(f"simulated {len(sim.docs)} documents ({roles}), seed {args.seed}")
    for order in args.order:
        m, seconds = run(sim, order)
        print()
        print(S.format_table(m))
        print(f"ingest: {seconds:.1f} s")
        figures = (m.keeps_half.recall, m.precision, m.embed_80.recall, m.by_condition["times"].direction,
                   m.by_condition["content"].direction)
        for (name, bar), value in zip(BARS, figures):
            print(f"  {'ok  ' if value >= bar else 'FAIL'} {name}: {value:.3f} (bar {bar})")
        linked = {k: v for k, v in m.negatives_linked.items() if v}
        print(f"  {'FAIL' if linked else 'ok  '} negatives not linked: {linked or 'none linked'}")
        if args.misses:
            for f, why in m.misses:
                print(f"  miss: {f.source} -> {f.copy} ({f.kind}, {f.condition}, kept {f.kept_share}): {why}")
            for f, reasons in m.wrong_direction:
                print(f"  wrong direction: {f.source} -> {f.copy} ({f.kind}, {f.condition}): {list(reasons)}")
            for src, cpy, rel in m.false_edges:
                print(f"  false edge: {src} -> {cpy} ({rel})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
