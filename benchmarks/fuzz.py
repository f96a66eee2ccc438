"""A fuzz campaign over the pure stages (read → decode → extract → fingerprint): nothing but
InputError may escape, and nothing may take long or huge memory.

    python benchmarks/fuzz.py --inputs 100000 --seed 1 [--workers 2] [--scale 1.0] [--timeout 60]
                              [--kinds mutation,structure,random,codec,jsonl] [--out benchmarks/fuzz-findings]
                              [--shrink-seconds 120]

Input ``i`` of a campaign is generated from ``(seed, i)`` alone by ``tests/fuzzgen.py`` (the
generators that ``tests/test_fuzz.py`` runs in CI at a smaller scale), in worker processes (one per
core by default). Each input runs through :func:`fuzzgen.exercise` under a time limit. The report
gives the inputs run per kind, the exceptions that escaped by type (each saved with a reproducer,
shrunk by delta debugging, under ``--out``, which git ignores), the slowest inputs (time, size,
kind), the inputs that raised a worker's peak memory, and the peak memory itself. A
``summary.json`` with the same figures is written to ``--out``. Re-run one input with
``--only INDEX``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import signal
import sys
import time
import traceback
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import fuzzgen  # noqa: E402  (the generators, shared with tests/test_fuzz.py)

DEFAULT_OUT = ROOT / "benchmarks" / "fuzz-findings"
#: Share of each kind in a campaign.
WEIGHTS = {"mutation": 0.4, "structure": 0.3, "random": 0.1, "codec": 0.1, "jsonl": 0.1}
SLOWEST_KEPT = 15
SHRINK_SECONDS = 120


class FuzzTimeout(Exception):
    """An input ran past the time limit (raised by SIGALRM between two Python steps)."""


def generate(seed: int, index: int, scale: float, kinds: list[str]) -> fuzzgen.FuzzInput:
    import random

    rng = random.Random(seed * 1_000_003 + index)
    weights = [WEIGHTS[kind] for kind in kinds]
    kind = rng.choices(kinds, weights)[0]
    return fuzzgen.GENERATORS[kind](rng, scale)


def _alarm(signum, frame):
    raise FuzzTimeout


def run_one(task: tuple[int, int, float, list[str], int]) -> dict:
    seed, index, scale, kinds, timeout = task
    item = generate(seed, index, scale, kinds)
    signal.signal(signal.SIGALRM, _alarm)
    started = time.perf_counter()
    error = None
    signal.alarm(timeout)
    try:
        fuzzgen.exercise(item)
    except FuzzTimeout:
        error = ("Timeout", f"over {timeout} s", "")
    except BaseException as exc:  # the finding: anything that escapes the stages
        where = traceback.extract_tb(exc.__traceback__)[-1]
        error = (type(exc).__name__, str(exc)[:300], f"{Path(where.filename).name}:{where.lineno} {where.name}")
    finally:
        signal.alarm(0)
    return {"index": index, "kind": item.kind, "label": item.label, "size": item.size,
            "seconds": time.perf_counter() - started, "error": error,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _fails(item: fuzzgen.FuzzInput, error_type: str) -> bool:
    try:
        fuzzgen.exercise(item)
    except BaseException as exc:
        return type(exc).__name__ == error_type
    return False


def _with_data(item: fuzzgen.FuzzInput, data: bytes) -> fuzzgen.FuzzInput:
    if item.jsonl is not None:
        return replace(item, jsonl=data)
    content = data if isinstance(item.raw.content, bytes) else data.decode("utf-8", "surrogatepass")
    return replace(item, raw=replace(item.raw, content=content))


def shrink(item: fuzzgen.FuzzInput, error_type: str, seconds: float = SHRINK_SECONDS) -> bytes:
    """The smallest input data delta debugging finds (within ``seconds``) that still lets
    ``error_type`` escape."""
    data, chunks, deadline = item.data(), 2, time.monotonic() + seconds
    while len(data) > 1 and time.monotonic() < deadline:
        size = max(1, len(data) // chunks)
        for start in range(0, len(data), size):
            candidate = data[:start] + data[start + size:]
            try:
                if _fails(_with_data(item, candidate), error_type):
                    data, chunks = candidate, max(chunks - 1, 2)
                    break
            except UnicodeDecodeError:
                continue
            if time.monotonic() > deadline:
                break
        else:
            if size == 1:
                break
            chunks = min(len(data), chunks * 2)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--scale", type=float, default=1.0, help="input sizes (1.0: up to the input size limit)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds an input may run")
    parser.add_argument("--kinds", default=",".join(WEIGHTS))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--shrink-seconds", type=float, default=SHRINK_SECONDS,
                        help="delta debugging per escape (0: save each reproducer as generated)")
    parser.add_argument("--only", type=int, help="run input INDEX alone, in this process, and show its traceback")
    args = parser.parse_args(argv)
    kinds = args.kinds.split(",")
    if args.only is not None:
        item = generate(args.seed, args.only, args.scale, kinds)
        print(f"input {args.only}: {item.kind} {item.label} ({item.size:,} bytes)")
        started = time.perf_counter()
        fuzzgen.exercise(item)
        print(f"no escape, {time.perf_counter() - started:.2f} s")
        return 0

    started = time.perf_counter()
    per_kind: Counter[str] = Counter()
    escapes: dict[tuple[str, str], list[dict]] = {}
    slowest: list[dict] = []
    memory: list[dict] = []
    peak_rss = 0.0
    tasks = ((args.seed, index, args.scale, kinds, args.timeout) for index in range(args.inputs))
    with multiprocessing.Pool(args.workers, maxtasksperchild=2000) as pool:
        for done, result in enumerate(pool.imap_unordered(run_one, tasks, chunksize=4), start=1):
            per_kind[result["kind"]] += 1
            if result["error"] is not None:
                key = (result["error"][0], result["error"][2])
                escapes.setdefault(key, []).append(result)
            slowest = sorted(slowest + [result], key=lambda r: -r["seconds"])[:SLOWEST_KEPT]
            if result["rss_mb"] > peak_rss:
                peak_rss = result["rss_mb"]
                memory.append(result)
            if done % 1000 == 0:
                print(f"  {done:,} inputs, {sum(map(len, escapes.values()))} escapes, "
                      f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started

    args.out.mkdir(parents=True, exist_ok=True)
    saved = []
    for (error_type, where), results in sorted(escapes.items()):
        first = min(results, key=lambda r: r["size"])
        item = generate(args.seed, first["index"], args.scale, kinds)
        data = shrink(item, error_type, args.shrink_seconds) if error_type != "Timeout" and args.shrink_seconds \
            else item.data()
        path = args.out / f"{error_type}-{first['index']}.{'jsonl' if item.jsonl is not None else 'bin'}"
        path.write_bytes(data)
        saved.append(str(path))

    print(f"fuzz campaign: seed {args.seed}, scale {args.scale}, {args.workers} workers, {elapsed:.0f} s")
    print(f"inputs run: {sum(per_kind.values()):,} ({', '.join(f'{k} {n:,}' for k, n in per_kind.most_common())})")
    escaped = sum(len(results) for results in escapes.values())
    print(f"escaped exceptions: {escaped}")
    for (error_type, where), results in sorted(escapes.items(), key=lambda kv: -len(kv[1])):
        print(f"  {len(results):5} {error_type} at {where}: {results[0]['error'][1][:100]}")
    for path in saved:
        print(f"  reproducer: {path}")
    print("slowest inputs:")
    for result in slowest:
        print(f"  {result['seconds']:7.2f} s  {result['size']:>10,} bytes  {result['kind']:<9} "
              f"#{result['index']} {result['label'][:60]}")
    print(f"peak memory of a worker: {peak_rss:.0f} MB, reached by:")
    for result in memory[-5:]:
        print(f"  {result['rss_mb']:7.0f} MB  {result['size']:>10,} bytes  {result['kind']:<9} "
              f"#{result['index']} {result['label'][:60]}")
    summary = {"seed": args.seed, "scale": args.scale, "inputs": dict(per_kind), "seconds": elapsed,
               "escaped": {f"{t} at {w}": len(r) for (t, w), r in escapes.items()}, "reproducers": saved,
               "slowest": slowest, "peak_rss_mb": peak_rss, "memory_records": memory[-5:]}
    (args.out / "summary.json").write_text(json.dumps(summary, indent=1, default=str), encoding="utf-8")
    return 1 if escaped else 0


if __name__ == "__main__":
    sys.exit(main())
