"""The scale benchmark (issue 8): ingest, recall/precision, trace latency, memory and store size at
10k, 100k and 1M documents, with a plain datasketch baseline in the same run.

    /work/main/.venv/bin/python benchmarks/scale.py --sizes 10000 100000 1000000 [--seed 8]
        [--measure N] [--max-minutes M] [--cli-measure N] [--probes 200] [--html-docs 500]
        [--fresh] [--only-baseline] [--skip-baseline] [--skip-html] [--keep-stores]

Corpora: ``benchmarks/scale_corpus.py`` (real Reuters-21578 text recombined, then Markov text from
it; ~25 % planted reposts of earlier documents, spread uniformly; JSON Lines text records of ~500
words), cached in ``benchmarks/.data/`` (git-ignored) by size and seed.

Per size N, with M = ``--measure`` (default 10 % of N, at most 5,000):

* **ingest**: the first N - M documents are ingested (the *prefill*: library ``ingest`` in a child
  process, timed apart) into a store cached in ``benchmarks/.data/`` by corpus, prefill size and a
  hash of ``provenance/*.py``, so reruns of the same code reuse it (``--fresh`` rebuilds; a prefill
  stopped by ``--max-minutes`` is resumed by the next run). A copy then ingests the last M documents:
  docs/s of that chunk is the rate "at N - M already stored", end to end (JSON Lines file to
  committed store, default settings: ``workers=2``). The CLI ``provenance ingest CHUNK --db COPY -q``
  is timed on another copy (first ``--cli-measure`` documents of the chunk, wall-clock with start-up).
  ``--max-minutes`` caps each ingest run; when the prefill does not finish, the row reports what was
  stored, the prefill's rate over its last documents, and everything else at that store size.
* **baseline**: datasketch ``MinHash(num_perm=128)`` over word 5-grams (``\\w+`` of the lowercased
  text; ``update_batch``, datasketch defaults otherwise), ``MinHashLSH(threshold=0.5)``: query then
  insert per text, in memory, over the same texts: the same number of documents is inserted first,
  then the next M are timed (texts already in memory). Also: how many planted sources it returns.
* **recall / precision** from the store's ``edges``: a planted (source, copy) pair is found when an
  edge other than ``shares_source`` has the source upstream of the copy (also printed: any
  relation, either direction). An edge is false when it joins documents of different planted
  families (connected components of planted pairs, so a repost of a repost linked to the first
  source is right); precision = 1 - false / edges, without and with ``shares_source`` edges.
* **trace**: ``pipeline.trace(store, file)`` on ``--probes`` text files not in the store (half
  planted copies of stored documents, half new originals), p50/p99 ms after one warm-up call, in a
  child process (a copy that differs from its source only by furniture and credit lines is answered
  from the store as that text, without matching: counted apart, with the p50 of the others);
  ``provenance trace FILE --db STORE`` wall-clock, median of 10, against ``provenance --version``
  (median of 10, interleaved).
* **memory**: peak RSS of the ingest and trace child processes (the main process: extraction workers
  are forked from a fork server, so their memory is not counted).
* **store**: bytes (DuckDB file + WAL after CHECKPOINT) per document and / the stored texts' bytes
  (also the bytes of the blocks in use: DuckDB keeps freed blocks in the file); index keys
  (``bands`` rows) per document.

Once per run (``--skip-html`` to leave out): ``--html-docs`` of the first corpus's documents as
HTML pages (publisher template with nav, sidebar and footer) ingested into an empty store with
``workers=1`` and ``workers=2``, and extraction + fingerprinting alone (``prepare_within_budget``,
after a warm-up, best of 3) with each and with ``workers=0`` (in process): the two-core speed-up.

Results: ``benchmarks/results/scale.json`` and ``scale.md`` (overwritten by each run).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import scale_corpus as C  # noqa: E402
from scale_report import markdown, targets  # noqa: E402

CACHE = ROOT / "benchmarks" / ".data"
RESULTS = ROOT / "benchmarks" / "results"
_WORD = re.compile(r"\w+")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- child processes -----------------------------------------------------------------------------

class _Stop(BaseException):
    """Raised from the progress callback when an ingest's time is up (not an Exception, so nothing
    in the pipeline takes it for a document's failure)."""


def _rss() -> dict:
    import resource
    return {"self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_ingest(a: dict) -> dict:
    from provenance.pipeline import ingest
    from provenance.settings import DEFAULT_SETTINGS
    from provenance.store import Store

    settings = dataclasses.replace(DEFAULT_SETTINGS, workers=a["workers"])
    marks, added, t0 = [], 0, time.perf_counter()

    def progress(event) -> None:  # an IngestProgress after each committed batch (and each error)
        nonlocal added
        if not event.committed:
            return
        added = event.added
        elapsed = time.perf_counter() - t0
        marks.append((round(elapsed, 2), added))
        print(f"    {added:,} documents, {elapsed:.0f} s", file=sys.stderr, flush=True)
        if a.get("max_seconds") and elapsed > a["max_seconds"]:
            raise _Stop

    with Store(a["db"], settings=settings) as store:
        stopped, errors = False, 0
        try:
            errors = len(ingest(store, [a["input"]], settings=settings, progress=progress).errors)
        except _Stop:
            stopped = True
        elapsed = time.perf_counter() - t0
        stored = store.counts()["documents"]
    return {"seconds": elapsed, "added": added, "stored": stored, "stopped": stopped, "errors": errors,
            "marks": marks, **_rss()}


def child_prepare(a: dict) -> dict:
    from provenance.errors import InputError
    from provenance.inputs import read_inputs
    from provenance.pipeline import prepare_within_budget
    from provenance.settings import DEFAULT_SETTINGS

    settings = dataclasses.replace(DEFAULT_SETTINGS, workers=a["workers"])
    items = list(read_inputs([a["input"]], settings=settings))
    for _ in prepare_within_budget(items[:10], settings):  # warm-up: the fork server's start is not extraction
        pass
    t0 = time.perf_counter()
    done = sum(not isinstance(r, InputError) for r in prepare_within_budget(items, settings))
    return {"seconds": time.perf_counter() - t0, "documents": done, **_rss()}


def child_trace(a: dict) -> dict:
    from provenance.pipeline import trace
    from provenance.store import Store

    from provenance.errors import ProvenanceError

    probes, times, twins, found, errors = a["probes"], [], [], {}, []
    with Store(a["db"], read_only=True) as store:
        t0 = time.perf_counter()
        try:
            trace(store, probes[0]["path"])
        except ProvenanceError as exc:  # e.g. the first document's budget spent starting the workers
            errors.append(f"warm-up: {exc}")
        warmup = time.perf_counter() - t0
        for p in probes:
            t0 = time.perf_counter()
            try:
                result = trace(store, p["path"])
            except ProvenanceError as exc:
                errors.append(str(exc))
                continue
            times.append((time.perf_counter() - t0) * 1000)
            # a copy whose text minus furniture and credit lines is its source's is answered as that
            # stored document ("the same text is stored as …"): right when it is the source
            twin = result.stored_as is not None
            twins.append(twin)
            urls = {h.source.article.url for h in result.upstream + result.related}
            if twin:
                urls.add(result.document.article.url)
            hit = (p["source_url"] in urls) if p["source_url"] else not (result.upstream or result.related or twin)
            n, k = found.get(p["kind"], (0, 0))
            found[p["kind"]] = (n + 1, k + hit)
    return {"ms": times, "twins": twins, "warmup_ms": warmup * 1000, "right": found, "errors": errors, **_rss()}


def child_baseline(a: dict) -> dict:
    from datasketch import MinHash, MinHashLSH

    planted = {}
    for line in open(Path(a["corpus"]) / "planted.jsonl"):
        p = json.loads(line)
        planted[p["copy"]] = (p["source"], p["kind"])

    def signature(text: str) -> MinHash:
        w = _WORD.findall(text.lower())
        m = MinHash(num_perm=128)
        m.update_batch([" ".join(w[i:i + 5]).encode() for i in range(max(1, len(w) - 4))])
        return m

    lsh, hits, candidates = MinHashLSH(threshold=0.5, num_perm=128), {}, 0

    def step(i: int, text: str) -> None:
        nonlocal candidates
        m = signature(text)
        got = lsh.query(m)
        lsh.insert(i, m)
        candidates += len(got)
        if i in planted:
            source, kind = planted[i]
            n, k = hits.get(kind, (0, 0))
            hits[kind] = (n + 1, k + (source in got))

    prefill, measure = a["prefill"], a["measure"]
    records = C.LineFile(Path(a["corpus"]) / "corpus.jsonl", prefill + measure)
    t0 = time.perf_counter()
    for i in range(prefill):
        step(i, records[i]["text"])
    prefill_s = time.perf_counter() - t0
    chunk = [records[i]["text"] for i in range(prefill, prefill + measure)]
    t0 = time.perf_counter()
    for i, text in enumerate(chunk, prefill):
        step(i, text)
    seconds = time.perf_counter() - t0
    return {"prefill": prefill, "prefill_seconds": prefill_s, "measure": measure, "seconds": seconds,
            "docs_per_s": measure / seconds, "found": hits, "candidates_per_doc": candidates / (prefill + measure),
            **_rss()}


CHILDREN = {"ingest": child_ingest, "prepare": child_prepare, "trace": child_trace, "baseline": child_baseline}


def run_child(role: str, args: dict) -> dict:
    """Run ``role`` in a fresh interpreter; its JSON result, with the peak RSS of its process tree."""
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as out:
        path = out.name
    proc = subprocess.Popen([sys.executable, __file__, "--child", role, json.dumps(args), path], cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"child {role} failed with exit code {proc.returncode}")
    result = json.loads(Path(path).read_text())
    os.unlink(path)
    result["tree_peak_mb"] = usage.ru_maxrss / 1024
    return result


# --- helpers -------------------------------------------------------------------------------------

def provenance_rev() -> str:
    h = hashlib.sha1()
    for p in sorted((ROOT / "provenance").rglob("*.py")):
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()[:10]


def git_rev() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + ("-dirty" if git("status", "--porcelain", "provenance") else "")


def cli(*args: str) -> list[str]:
    exe = Path(sys.executable).parent / "provenance"
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "provenance.cli", *args]


def cli_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def copy_store(src: Path, dst: Path) -> None:
    drop_store(dst)
    for suffix in ("", ".wal"):
        if Path(str(src) + suffix).exists():
            shutil.copyfile(str(src) + suffix, str(dst) + suffix)
    if Path(str(src) + ".keys").is_dir():  # the key index beside the store (provenance/store/keyindex.py)
        shutil.copytree(str(src) + ".keys", str(dst) + ".keys")


def drop_store(path: Path) -> None:
    for suffix in ("", ".wal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.rmtree(str(path) + ".keys", ignore_errors=True)


def key_index_bytes(db: Path) -> int:
    folder = Path(str(db) + ".keys")
    return sum(f.stat().st_size for f in folder.glob("*") if f.is_file()) if folder.is_dir() else 0


def doc_index(url: str) -> int:
    return int(url.rsplit("/", 1)[1])


def tail_rate(marks: list, last: int) -> float | None:
    """docs/s over the last ``last`` documents of an ingest's progress marks."""
    if len(marks) < 2:
        return None
    end_t, end_n = marks[-1]
    start = next((m for m in marks if m[1] >= end_n - last), marks[0])
    if start[1] == end_n:
        start = marks[-2]
    return (end_n - start[1]) / max(1e-9, end_t - start[0])


# --- measurements on a store ----------------------------------------------------------------------

def store_facts(db: Path) -> dict:
    import duckdb
    con = duckdb.connect(str(db))
    con.execute("CHECKPOINT")
    docs, text_bytes, bands, edges = con.execute(
        "SELECT (SELECT count(*) FROM documents), (SELECT sum(strlen(text)) FROM documents),"
        " (SELECT count(*) FROM bands), (SELECT count(*) FROM edges)").fetchone()
    rows = con.execute("SELECT s.url, c.url, e.relation, e.confidence FROM edges e JOIN documents s"
                       " ON s.doc_id = e.source_id JOIN documents c ON c.doc_id = e.copy_id").fetchall()
    urls = [u for (u,) in con.execute("SELECT url FROM documents").fetchall()]
    cur = con.execute("PRAGMA database_size")
    info = dict(zip([d[0] for d in cur.description], cur.fetchone()))
    con.close()
    index = key_index_bytes(db)
    size = sum(Path(str(db) + s).stat().st_size for s in ("", ".wal") if Path(str(db) + s).exists()) + index
    return {"documents": docs, "text_bytes": int(text_bytes or 0), "store_bytes": size, "bands": bands,
            "used_bytes": info["block_size"] * info["used_blocks"] + index, "key_index_bytes": index,
            "edges": edges, "edge_rows": rows, "stored": {doc_index(u) for u in urls}}


def quality(facts: dict, planted: list[dict], kinds: dict[int, str], chunk_from: int, examples: int = 5) -> dict:
    stored = facts["stored"]
    pairs = [p for p in planted if p["copy"] in stored and p["source"] in stored]
    parent = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for p in pairs:
        parent[find(p["copy"])] = find(p["source"])
    edges: dict[tuple[int, int], list] = {}
    for s, c, rel, conf in facts["edge_rows"]:
        edges.setdefault((doc_index(s), doc_index(c)), []).append((rel, conf))
    by_kind: dict[str, list[int]] = {}
    found = anyrel = either = 0
    misses = []
    for p in pairs:
        s, c = p["source"], p["copy"]
        fwd = [r for r, _ in edges.get((s, c), [])]
        back = [r for r, _ in edges.get((c, s), [])]
        ok = any(r != "shares_source" for r in fwd)
        found += ok
        anyrel += bool(fwd)
        either += bool(fwd or back)
        for key in (p["kind"], "chain" if p["chain"] else "direct"):
            by_kind.setdefault(key, [0, 0])
            by_kind[key][0] += 1
            by_kind[key][1] += ok
        if not ok and len(misses) < examples:
            linked = sorted({(k, r) for (a, b), v in edges.items() for r, _ in v for k in (a, b)
                             if c in (a, b) and k != c})
            misses.append({"kind": p["kind"], "source": s, "copy": c, "source_kind": kinds.get(s, "?"),
                           "edges_between": fwd + [f"reversed {r}" for r in back], "copy_linked_to": linked[:6]})
    false_edges, copy_like, shares, false_shares = [], 0, 0, 0
    for (s, c), v in edges.items():
        for rel, conf in v:
            wrong = find(s) != find(c)
            if rel == "shares_source":
                shares += 1
                false_shares += wrong
                continue
            copy_like += 1
            if wrong:
                false_edges.append({"relation": rel, "confidence": round(conf, 3), "source": s, "copy": c,
                                    "kinds": [kinds.get(s, "?"), kinds.get(c, "?")]})
    chains = [p for p in pairs if p["chain"]]
    first = {}  # each family's earliest document: the original the chain started from
    for p in pairs:
        for x in (p["source"], p["copy"]):
            first[find(x)] = min(first.get(find(x), x), x)
    def linked(a: int, b: int) -> bool:
        return any(r != "shares_source" for r, _ in edges.get((a, b), []))

    chain_to_first = sum(linked(first[find(p["copy"])], p["copy"]) for p in chains)
    lenient = found + sum(not linked(p["source"], p["copy"]) and linked(first[find(p["copy"])], p["copy"])
                          for p in chains)
    n = max(1, len(pairs))
    late = [p for p in pairs if p["copy"] >= chunk_from]
    late_found = sum(any(r != "shares_source" for r, _ in edges.get((p["source"], p["copy"]), [])) for p in late)
    return {"pairs": len(pairs), "recall": found / n, "chunk_pairs": len(late),
            "recall_chunk": late_found / max(1, len(late)),
            "chains_linked_to_first_source": chain_to_first / max(1, len(chains)),
            "recall_chains_to_original_ok": lenient / n,
            "recall_any_relation": anyrel / n, "recall_either_direction": either / n,
            "by_kind": {k: {"pairs": v[0], "recall": v[1] / max(1, v[0])} for k, v in sorted(by_kind.items())},
            "copy_like_edges": copy_like, "false_edges": len(false_edges),
            "precision": 1 - len(false_edges) / max(1, copy_like),
            "shares_source_edges": shares, "precision_with_shares_source":
                1 - (len(false_edges) + false_shares) / max(1, copy_like + shares),
            "miss_examples": misses, "false_examples": false_edges[:examples]}


def cli_trace_times(db: Path, probe: str, runs: int = 10) -> dict:
    env, trace_s, version_s = cli_env(), [], []
    for _ in range(runs):
        for cmd, out in ((cli("--version"), version_s), (cli("trace", probe, "--db", str(db)), trace_s)):
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True)
            out.append(time.perf_counter() - t0)
    t, v = statistics.median(trace_s), statistics.median(version_s)
    return {"trace_ms": t * 1000, "version_ms": v * 1000, "ratio": t / v}


# --- one size --------------------------------------------------------------------------------------

def prefill_store(args, corpus: Path, n: int, tmp: Path) -> tuple[Path, dict]:
    """The cached store holding the first ``n`` documents (resumed or built within --max-minutes)."""
    db = CACHE / f"prefill-{corpus.name}-p{n}-{provenance_rev()}.duckdb"
    meta_path = Path(str(db) + ".json")
    if args.fresh:
        drop_store(db)
        meta_path.unlink(missing_ok=True)
    meta = json.loads(meta_path.read_text()) if meta_path.exists() and db.exists() else None
    if meta is None:  # start from the largest smaller complete prefill of this seed and code: a prefix of this one
        meta = {"stored_until": 0, "seconds": 0.0, "complete": n == 0, "sessions": []}
        pattern = re.compile(rf"prefill-corpus-v{C.CORPUS_VERSION}-{C.generator_rev()}-s{args.seed}-n\d+-p(\d+)"
                             rf"-{provenance_rev()}\.duckdb\.json")
        smaller = [(int(m.group(1)), p) for p in CACHE.glob("prefill-*.json") if (m := pattern.fullmatch(p.name))]
        smaller = [(m, p) for m, p in smaller if m < n and json.loads(p.read_text())["complete"]]
        if smaller and not args.fresh:
            m, p = max(smaller)
            copy_store(Path(str(p)[:-5]), db)
            meta.update(stored_until=m, seconds=json.loads(p.read_text())["seconds"], seeded_from=p.name[:-5])
            log(f"  prefill: starting from the cached prefill of {m:,} documents ({p.name[:-5]})")
    if meta["complete"]:
        log(f"  prefill: cached, {n:,} documents ({db.name})")
        return db, meta
    start = meta["stored_until"]
    chunk = C.write_records(C.read_records(corpus / "corpus.jsonl", start, n), tmp / "prefill.jsonl")
    log(f"  prefill: ingesting documents {start:,}..{n:,} (library, workers={args.workers})")
    r = run_child("ingest", {"db": str(db), "input": str(chunk), "workers": args.workers,
                             "max_seconds": args.max_minutes * 60 if args.max_minutes else None})
    facts = store_facts(db)
    until = max(facts["stored"], default=-1) + 1
    meta["sessions"].append({"from": start, "to": until, "seconds": round(r["seconds"], 1), "stopped": r["stopped"],
                             "rate_last": tail_rate(r["marks"], 1000), "self_mb": r["self_mb"],
                             "marks": r["marks"][::10]})
    meta.update(stored_until=until, seconds=meta["seconds"] + r["seconds"], complete=until >= n)
    meta_path.write_text(json.dumps(meta))
    log(f"  prefill: {until:,} of {n:,} stored in {r['seconds']:.0f} s this session"
        f"{' (stopped by --max-minutes)' if r['stopped'] else ''}")
    return db, meta


def run_size(args, size: int, tmp: Path) -> dict:
    t_size = time.perf_counter()
    phases: dict[str, float] = {}
    corpus = C.ensure_corpus(args.data, CACHE, size, args.seed, log=log)
    meta = json.loads((corpus / "meta.json").read_text())
    measure = args.measure or min(5000, size // 10)
    row: dict = {"size": size, "measure": measure, "corpus": {k: meta[k] for k in ("kinds", "words", "text_bytes",
                                                                                   "real_until")}}
    planted = [json.loads(line) for line in open(corpus / "planted.jsonl")]
    kinds = {i: ("real" if i < meta["real_until"] else "markov") for i in range(size)}
    kinds.update({p["copy"]: p["kind"] for p in planted})
    row["corpus"]["chance_overlap_8grams"] = C.overlap_audit(C.LineFile(corpus / "corpus.jsonl"),
                                                             [kinds[i] for i in range(size)])
    at = size - measure
    if not args.only_baseline:
        t0 = time.perf_counter()
        prefill_db, pmeta = prefill_store(args, corpus, size - measure, tmp)
        phases["prefill"] = time.perf_counter() - t0
        curve = [(sess["from"] + b[1], round((b[1] - a[1]) / max(1e-9, b[0] - a[0]), 1))  # (stored, docs/s)
                 for sess in pmeta["sessions"] for a, b in zip([(0, 0)] + sess["marks"], sess["marks"])]
        row["prefill"] = {"seconds_total": round(pmeta["seconds"], 1), "complete": pmeta["complete"],
                          "docs_per_s_by_stored": curve,
                          "stored": pmeta["stored_until"], "sessions": [{k: v for k, v in s.items() if k != "marks"}
                                                                        for s in pmeta["sessions"]]}
        work = tmp / "work.duckdb"
        copy_store(prefill_db, work)
        if pmeta["complete"]:
            chunk = C.write_records(C.read_records(corpus / "corpus.jsonl", size - measure, size), tmp / "chunk.jsonl")
            t0 = time.perf_counter()
            log(f"  ingest: measured chunk of {measure:,} documents at {size - measure:,} stored (library)")
            r = run_child("ingest", {"db": str(work), "input": str(chunk), "workers": args.workers,
                                     "max_seconds": args.max_minutes * 60 if args.max_minutes else None})
            phases["ingest_chunk"] = time.perf_counter() - t0
            row["ingest"] = {"at_stored": size - measure, "documents": r["added"], "seconds": r["seconds"],
                             "docs_per_s": r["added"] / r["seconds"], "stopped": r["stopped"], "errors": r["errors"],
                             "peak_rss_mb": r["self_mb"]}
            n_cli = min(measure, args.cli_measure)
            if n_cli:
                cli_db = tmp / "cli.duckdb"
                copy_store(prefill_db, cli_db)
                part = C.write_records(C.read_records(chunk, 0, n_cli), tmp / "cli-chunk.jsonl")
                log(f"  ingest: CLI on {n_cli:,} documents")
                t0 = time.perf_counter()
                done = subprocess.run(cli("ingest", str(part), "--db", str(cli_db), "-q"), env=cli_env(), cwd=ROOT,
                                      capture_output=True)
                seconds = time.perf_counter() - t0
                phases["ingest_cli"] = seconds
                row["ingest"]["cli"] = {"documents": n_cli, "seconds": seconds, "docs_per_s": n_cli / seconds,
                                        "exit_code": done.returncode}
                drop_store(cli_db)
        else:
            s = pmeta["sessions"][-1]
            at = pmeta["stored_until"]
            row["ingest"] = {"at_stored": at, "partial": True, "docs_per_s": s["rate_last"],
                             "note": f"prefill stopped by --max-minutes at {at:,} of {size - measure:,}: rate of its "
                                     f"last 1,000 documents", "peak_rss_mb": s["self_mb"]}
        t0 = time.perf_counter()
        facts = store_facts(work)
        row["store"] = {"documents": facts["documents"], "bytes": facts["store_bytes"],
                        "bytes_per_doc": facts["store_bytes"] / max(1, facts["documents"]),
                        "text_bytes": facts["text_bytes"],
                        "ratio_to_text": facts["store_bytes"] / max(1, facts["text_bytes"]),
                        "used_ratio_to_text": facts["used_bytes"] / max(1, facts["text_bytes"]),
                        "index_keys_per_doc": facts["bands"] / max(1, facts["documents"]), "edges": facts["edges"]}
        row["quality"] = quality(facts, planted, kinds, size - measure)
        phases["quality"] = time.perf_counter() - t0
        q = row["quality"]
        log(f"  quality: recall {q['recall']:.4f} ({q['pairs']:,} pairs), precision {q['precision']:.4f} "
            f"({q['false_edges']} false of {q['copy_like_edges']:,})")
        t0 = time.perf_counter()
        stored_docs = C.LineFile(corpus / "corpus.jsonl", max(facts["stored"]) + 1)
        probes = C.make_probes(args.data, stored_docs, args.seed, args.probes, tmp / "probes")
        log(f"  trace: {len(probes)} probes in process")
        r = run_child("trace", {"db": str(work), "probes": probes})
        ms = sorted(r["ms"])
        matched = [t for t, twin in zip(r["ms"], r["twins"]) if not twin]
        row["trace"] = {"probes": len(ms), "p50_ms": statistics.median(ms),
                        "p99_ms": ms[min(len(ms) - 1, int(0.99 * len(ms)))], "errors": r["errors"],
                        "stored_twins": sum(r["twins"]), "p50_ms_matched": statistics.median(matched or [0]),
                        "warmup_ms": r["warmup_ms"], "peak_rss_mb": r["self_mb"],
                        "right": {k: f"{v[1]}/{v[0]}" for k, v in sorted(r["right"].items())}}
        log("  trace: CLI, 10 runs against provenance --version")
        row["trace"]["cli"] = cli_trace_times(work, probes[0]["path"])
        phases["trace"] = time.perf_counter() - t0
        if args.keep_stores:
            copy_store(work, CACHE / f"measured-{corpus.name}-{provenance_rev()}.duckdb")
        drop_store(work)
    if not args.skip_baseline:
        t0 = time.perf_counter()
        log(f"  baseline: datasketch, {at:,} inserted then {measure:,} timed")
        r = run_child("baseline", {"corpus": str(corpus), "prefill": at, "measure": measure})
        phases["baseline"] = time.perf_counter() - t0
        row["baseline"] = {"at_stored": at, "docs_per_s": r["docs_per_s"], "prefill_seconds": r["prefill_seconds"],
                           "candidates_per_doc": r["candidates_per_doc"], "peak_rss_mb": r["self_mb"],
                           "recall": {k: f"{v[1]}/{v[0]}" for k, v in sorted(r["found"].items())},
                           "recall_all": sum(v[1] for v in r["found"].values())
                           / max(1, sum(v[0] for v in r["found"].values()))}
        if row.get("ingest", {}).get("docs_per_s"):
            row["ratio"] = row["ingest"]["docs_per_s"] / r["docs_per_s"]
    row["phases_s"] = {k: round(v, 1) for k, v in phases.items()}
    row["seconds"] = round(time.perf_counter() - t_size, 1)
    return row


def html_workers(args, size: int, tmp: Path) -> dict:
    corpus = C.ensure_corpus(args.data, CACHE, size, args.seed, log=log)
    pages = [{"url": r["url"], "site": r["site"], "published": r["published"], "html": C.html_page(r)}
             for r in C.read_records(corpus / "corpus.jsonl", 0, args.html_docs)]
    path = C.write_records(pages, tmp / "pages.jsonl")
    out = {"pages": len(pages)}
    for w in (1, 2):
        db = tmp / f"html-{w}.duckdb"
        log(f"html: ingest of {len(pages)} pages, workers={w}")
        r = run_child("ingest", {"db": str(db), "input": str(path), "workers": w, "max_seconds": None})
        drop_store(db)
        out[f"ingest_w{w}_docs_per_s"] = r["added"] / r["seconds"]
    for w in (0, 1, 2):
        log(f"html: extraction + fingerprint alone, workers={w}, best of 3")
        runs = [run_child("prepare", {"input": str(path), "workers": w}) for _ in range(3)]
        out[f"prepare_w{w}_docs_per_s"] = max(r["documents"] / r["seconds"] for r in runs)
    out["ingest_speedup"] = out["ingest_w2_docs_per_s"] / out["ingest_w1_docs_per_s"]
    out["prepare_speedup"] = out["prepare_w2_docs_per_s"] / out["prepare_w1_docs_per_s"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--data", type=Path, default=C.DEFAULT_DATA)
    ap.add_argument("--measure", type=int, default=None,
                    help="documents in the timed chunk (default 10%% of N, at most 5,000)")
    ap.add_argument("--cli-measure", type=int, default=1000,
                    help="documents of the chunk also timed with the CLI (0: skip)")
    ap.add_argument("--max-minutes", type=float, default=None, help="cap on each ingest run")
    ap.add_argument("--workers", type=int, default=2, help="settings.workers for the ingest runs")
    ap.add_argument("--probes", type=int, default=200)
    ap.add_argument("--html-docs", type=int, default=500)
    ap.add_argument("--fresh", action="store_true", help="rebuild cached prefill stores")
    ap.add_argument("--only-baseline", action="store_true")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--skip-html", action="store_true")
    ap.add_argument("--keep-stores", action="store_true", help="keep each measured store in benchmarks/.data/")
    ap.add_argument("--report-only", action="store_true", help="rewrite scale.md from scale.json, measure nothing")
    args = ap.parse_args(argv)
    if args.report_only:
        result = json.loads((RESULTS / "scale.json").read_text())
        result["targets"] = targets(result["sizes"], result.get("html"))
        (RESULTS / "scale.md").write_text(markdown(result))
        return 0
    if not args.data.is_dir():
        print(f"no Reuters-21578 data at {args.data}", file=sys.stderr)
        return 2
    CACHE.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started, load_at_start = time.perf_counter(), os.getloadavg()
    rows, html = [], None
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        for size in args.sizes:
            log(f"size {size:,}")
            rows.append(run_size(args, size, Path(tmp)))
            log(f"size {size:,} done in {rows[-1]['seconds']:.0f} s")
        if not (args.skip_html or args.only_baseline):
            html = html_workers(args, min(args.sizes), Path(tmp))
    import duckdb
    result = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "git": git_rev(),
              "provenance_rev": provenance_rev(),
              "command": "python benchmarks/scale.py " + " ".join(sys.argv[1:] if argv is None else argv),
              "machine": {"cpus": os.cpu_count(),
                          "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
                          "python": platform.python_version(), "platform": platform.platform(),
                          "duckdb": duckdb.__version__,
                          "load_at_start": load_at_start, "load_at_end": os.getloadavg()},
              "seconds": round(time.perf_counter() - started, 1), "sizes": rows, "html": html}
    result["targets"] = targets(rows, html)
    (RESULTS / "scale.json").write_text(json.dumps(result, indent=1, default=str) + "\n")
    (RESULTS / "scale.md").write_text(markdown(result))
    print(markdown(result))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        role, params, out_path = sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
        Path(out_path).write_text(json.dumps(CHILDREN[role](params)))
        sys.exit(0)
    sys.exit(main())
