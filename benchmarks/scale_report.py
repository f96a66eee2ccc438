"""Targets and the Markdown table of the scale benchmark (``benchmarks/scale.py``)."""

from __future__ import annotations

import json

__all__ = ["targets", "markdown"]


def _f(x, fmt: str = "{:,.1f}") -> str:
    return "—" if x is None else fmt.format(x)


def _dig(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _met(value, ok) -> str:
    return "—" if value is None else ("yes" if ok else "no")


def targets(rows: list[dict], html: dict | None) -> list[tuple[str, str, str]]:
    """(target, measured, met) for each target of issue 8 this run can say something about."""
    by = {r["size"]: r for r in rows}
    out = []
    r100, partial = _dig(by.get(100_000), "ratio"), _dig(by.get(100_000), "ingest", "partial")
    out.append(("ingest ≥ 2× baseline docs/s at 100k",
                _f(r100, "{:.3f}×") + (" (prefill not finished)" if partial else ""),
                _met(r100, r100 is not None and r100 >= 2 and not partial)))
    for n in sorted(by):
        q = by[n].get("quality")
        if q:
            out.append((f"recall and precision ≥ 0.99 at {n:,}",
                        f"{q['recall']:.4f} / {q['precision']:.4f} (recall of direct pairs "
                        f"{q['by_kind']['direct']['recall']:.4f}; chain copies linked to the original counted: "
                        f"{q['recall_chains_to_original_ok']:.4f})",
                        _met(1, q["recall"] >= 0.99 and q["precision"] >= 0.99)))
    p10, p1m = _dig(by.get(10_000), "trace", "p50_ms"), _dig(by.get(1_000_000), "trace", "p50_ms")
    ratio = p1m / p10 if p1m and p10 else None
    out.append(("trace p50 at 1M ≤ 2× at 10k", _f(ratio, "{:.2f}×"), _met(ratio, ratio is not None and ratio <= 2)))
    c1m = _dig(by.get(1_000_000), "trace", "cli", "ratio")
    out.append(("`provenance trace` at 1M ≤ 3× `--version`", _f(c1m, "{:.2f}×"),
                _met(c1m, c1m is not None and c1m <= 3)))
    for n in sorted(by):
        s = by[n].get("store")
        if s:
            out.append((f"store ≤ 3× raw text at {n:,}", f"{s['ratio_to_text']:.1f}×",
                        _met(1, s["ratio_to_text"] <= 3)))
    m100, m1m = _dig(by.get(100_000), "ingest", "peak_rss_mb"), _dig(by.get(1_000_000), "ingest", "peak_rss_mb")
    ratio = m1m / m100 if m1m and m100 else None
    out.append(("ingest peak RSS flat 100k → 1M (≤ 1.1×)", _f(ratio, "{:.2f}×"),
                _met(ratio, ratio is not None and ratio <= 1.1)))
    if html:
        out.append(("HTML ingest, workers=2 ≥ 1.7× workers=1",
                    f"{html['ingest_speedup']:.2f}× (extraction + fingerprint alone {html['prepare_speedup']:.2f}×)",
                    _met(1, html["ingest_speedup"] >= 1.7)))
    return out


def _rows(rows: list[dict]) -> list[str]:
    lines = []

    def line(name: str, fn) -> None:
        cells = []
        for r in rows:
            try:
                cells.append(fn(r))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")

    def recall_of(q: dict, key: str) -> str:
        return f"{q['by_kind'][key]['recall']:.4f} of {q['by_kind'][key]['pairs']:,}"

    line("prefill: documents / seconds over all sessions",
         lambda r: f"{r['prefill']['stored']:,} / {r['prefill']['seconds_total']:,.0f}"
                   + ("" if r["prefill"]["complete"] else " (not finished)"))
    line("prefill docs/s by documents stored (every ~5,000)", lambda r: ", ".join(
        f"{n:,}: {v:.1f}" for n, v in r["prefill"]["docs_per_s_by_stored"] if n % 5000 < 1000))
    line("documents stored when measured", lambda r: f"{r['ingest']['at_stored']:,}"
         + (" (prefill not finished)" if r["ingest"].get("partial") else ""))
    line("ingest docs/s (library, end to end)", lambda r: _f(r["ingest"]["docs_per_s"]))
    line("ingest docs/s (CLI `provenance ingest -q`)",
         lambda r: f"{r['ingest']['cli']['docs_per_s']:.1f} ({r['ingest']['cli']['documents']:,} docs)")
    line("datasketch baseline docs/s",
         lambda r: f"{r['baseline']['docs_per_s']:,.0f} (at {r['baseline']['at_stored']:,})")
    line("ratio ingest / baseline", lambda r: f"{r['ratio']:.4f}")
    line("planted-repost recall (source upstream, not shares_source)",
         lambda r: f"{r['quality']['recall']:.4f} of {r['quality']['pairs']:,}")
    line("recall, any relation / either direction",
         lambda r: f"{r['quality']['recall_any_relation']:.4f} / {r['quality']['recall_either_direction']:.4f}")
    line("recall: direct pairs / chains (repost of a repost) / copies in the timed chunk",
         lambda r: f"{recall_of(r['quality'], 'direct')} / {recall_of(r['quality'], 'chain')} / "
                   + (f"{r['quality']['recall_chunk']:.4f} of {r['quality']['chunk_pairs']:,}"
                      if r["quality"]["chunk_pairs"] else "—"))
    line("chain copies with a copy-like edge from their family's original",
         lambda r: f"{r['quality']['chains_linked_to_first_source']:.4f}")
    line("recall, a chain copy linked to its family's original counted as found",
         lambda r: f"{r['quality']['recall_chains_to_original_ok']:.4f}")
    line("recall by kind", lambda r: ", ".join(f"{k} {v['recall']:.3f}" for k, v in r["quality"]["by_kind"].items()
                                              if k not in ("direct", "chain")))
    line("precision (copy-like edges) / with shares_source",
         lambda r: f"{r['quality']['precision']:.4f} ({r['quality']['false_edges']} of "
                   f"{r['quality']['copy_like_edges']:,} false) / {r['quality']['precision_with_shares_source']:.4f}")
    line("baseline: planted sources returned by its LSH query", lambda r: f"{r['baseline']['recall_all']:.3f}")
    line("trace p50 / p99 ms (in process)", lambda r: f"{r['trace']['p50_ms']:.0f} / {r['trace']['p99_ms']:.0f}")
    line("trace p50 ms of probes matched against the store / probes answered as a stored text",
         lambda r: f"{r['trace']['p50_ms_matched']:.0f} / {r['trace']['stored_twins']} of {r['trace']['probes']}")
    line("trace probes right: copies with their source upstream, related or as the stored text; originals unlinked",
         lambda r: ", ".join(f"{k} {v}" for k, v in r["trace"]["right"].items()))
    line("`provenance trace` / `--version` ms (median of 10)",
         lambda r: f"{r['trace']['cli']['trace_ms']:.0f} / {r['trace']['cli']['version_ms']:.0f} "
                   f"= {r['trace']['cli']['ratio']:.2f}×")
    line("peak RSS MB: ingest / trace", lambda r: f"{r['ingest']['peak_rss_mb']:.0f} / {r['trace']['peak_rss_mb']:.0f}")
    line("store bytes per doc / ÷ raw text bytes (blocks in use only)",
         lambda r: f"{r['store']['bytes_per_doc']:,.0f} / {r['store']['ratio_to_text']:.1f}× "
                   f"({r['store']['used_ratio_to_text']:.1f}×)")
    line("index keys per document", lambda r: f"{r['store']['index_keys_per_doc']:.0f}")
    line("time, s: prefill (this run) / chunk / CLI chunk / trace / baseline", lambda r: " / ".join(
        _f(r["phases_s"].get(k), "{:.0f}") for k in ("prefill", "ingest_chunk", "ingest_cli", "trace", "baseline")))
    return lines


def markdown(result: dict) -> str:
    rows, m = result["sizes"], result["machine"]
    head = "| | " + " | ".join(f"{r['size']:,}" for r in rows) + " |\n|---|" + "---|" * len(rows)
    text = (f"# Scale benchmark (issue 8)\n\n{result['date']} · git `{result['git']}` · provenance code hash "
            f"`{result['provenance_rev']}` · {m['cpus']} CPUs, {m['memory_gb']} GB, Python {m['python']}, "
            f"DuckDB {m['duckdb']}, {m['platform']} · {result['seconds'] / 60:.0f} min · load average at start / "
            f"end {m['load_at_start'][0]:.1f} / {m['load_at_end'][0]:.1f} (a shared machine)\n\n"
            f"Command: `{result['command']}`\n\n" + head + "\n" + "\n".join(_rows(rows)) + "\n")
    if result.get("html"):
        h = result["html"]
        text += (f"\nHTML pages ({h['pages']}), empty store: ingest {h['ingest_w1_docs_per_s']:.1f} docs/s with "
                 f"workers=1, {h['ingest_w2_docs_per_s']:.1f} with workers=2 ({h['ingest_speedup']:.2f}×); "
                 f"extraction + fingerprint alone {h['prepare_w1_docs_per_s']:.0f} / {h['prepare_w2_docs_per_s']:.0f} "
                 f"docs/s ({h['prepare_speedup']:.2f}×; in process, workers=0: {h['prepare_w0_docs_per_s']:.0f}).\n")
    text += "\n| target | measured | met |\n|---|---|---|\n"
    text += "\n".join(f"| {a} | {b} | {c} |" for a, b, c in result["targets"]) + "\n"
    for r in rows:
        notes = [r["ingest"]["note"]] if _dig(r, "ingest", "note") else []
        q = r.get("quality", {})
        notes += [f"missed: `{json.dumps(x)}`" for x in q.get("miss_examples", [])]
        notes += [f"false: `{json.dumps(x)}`" for x in q.get("false_examples", [])]
        if notes:
            text += f"\n{r['size']:,} (documents are named by their index in the corpus):\n"
            text += "\n".join(f"- {n}" for n in notes) + "\n"
    return text
