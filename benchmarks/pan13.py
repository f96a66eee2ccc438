"""PAN-13 text alignment (no-obfuscation part): are the gold source documents found, and do the
reported passages cover the gold passages?

Ingests every ``src/`` document into a fresh store, traces every ``susp/`` document, and compares
the upstream edges with the 500 gold (susp, src) pairs and their passages (character offsets).

    python benchmarks/pan13.py [--data ../shared/data/pan13-verbatim] [--json]

Prints pair recall and precision, the share of gold passage characters covered by reported
passages (in both documents), PAN's plagdet against the stated gold offsets and against the gold
re-anchored onto this copy's text (see :func:`anchored_gold`: the stated offsets are off the
words in most cases), and the time spent. Used by tests/test_pan13.py with the same bars.

Then, with every ``src/`` and ``susp/`` document ingested into one store (:func:`run_siblings`,
alone with ``--siblings``): copy-like edges into suspicious documents, how many of them name
another suspicious document as the source (never right: they took passages from the same source
documents), and gold pairs linked directly — for all suspicious documents and for the two halves
split by a hash of their names (tuning half / held-out half).
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from pathlib import Path

from provenance.pipeline import ShingleCache, ingest, trace
from provenance.store import Store

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pan13-verbatim"
_FEATURE = re.compile(r"<feature\b[^>]*>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


@dataclass
class Pan13Result:
    gold_pairs: int
    found_pairs: int
    reported_pairs: int
    correct_pairs: int
    susp_coverage: float  # share of gold passage characters (in susp) inside reported passages
    src_coverage: float
    ingest_seconds: float
    trace_seconds: float
    plagdet: float = 0.0  # PAN's measure over the gold pairs (see plagdet())
    char_precision: float = 0.0
    char_recall: float = 0.0
    granularity: float = 0.0
    # the same against the gold cases re-anchored onto this copy's text (see anchored_gold())
    anchored_plagdet: float = 0.0
    anchored_char_precision: float = 0.0
    anchored_char_recall: float = 0.0
    anchored_granularity: float = 0.0
    # what reporting exactly the re-anchored cases scores against the stated offsets: roughly
    # the ceiling for a detector that reports where the words really are
    anchored_cases_plagdet: float = 0.0

    @property
    def recall(self) -> float:
        return self.found_pairs / self.gold_pairs if self.gold_pairs else 0.0

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.reported_pairs if self.reported_pairs else 0.0


def _read_raw(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""


def read_gold(data: Path) -> dict[tuple[str, str], list[tuple[int, int, int, int]]]:
    """(susp file, src file) → [(this_offset, this_length, source_offset, source_length)]."""
    gold: dict[tuple[str, str], list[tuple[int, int, int, int]]] = defaultdict(list)
    for xml in sorted((data / "gold").glob("*.xml")):
        text = xml.read_text(encoding="utf-8")
        susp = re.search(r'<document reference="([^"]+)"', text).group(1)
        for feature in _FEATURE.findall(text):
            a = dict(_ATTR.findall(feature))
            if a.get("name") != "plagiarism":
                continue
            gold[(susp, a["source_reference"])].append(
                (int(a["this_offset"]), int(a["this_length"]), int(a["source_offset"]), int(a["source_length"])))
    return dict(gold)


#: Characters of context searched on each side of a gold case when moving it onto the text.
ANCHOR_MARGIN_CHARS = 300
#: Matching word runs this close (in words, both texts) belong to one re-anchored case: the
#: transcoded characters break a word here and there inside a verbatim passage.
ANCHOR_MAX_GAP_WORDS = 3


def anchored_gold(data: Path, gold: dict) -> dict[tuple[str, str], list[tuple[int, int, int, int]]]:
    """The gold cases moved onto the text of this copy of the corpus.

    The gold offsets count characters of the original files, which had non-ASCII characters
    that this copy spells differently ("Bachelor’s" is "BachelorCls" in one file and
    "BachelorUs" in the other), so most offsets are a few to ~100 characters off the words
    they name, differently in the two files. Each case is re-anchored where its words really
    are: the two texts are aligned word by word around the stated offsets, and the case becomes
    the run of matching words (small breaks allowed) around the longest match. Cases whose
    words cannot be found keep their stated offsets."""
    import difflib
    moved: dict[tuple[str, str], list[tuple[int, int, int, int]]] = {}
    for (susp, src), features in gold.items():
        susp_raw, src_raw = _read_raw(data / "susp" / susp), _read_raw(data / "src" / src)
        cases = []
        for this_off, this_len, src_off, src_len in features:
            s_words = _words_near(src_raw, src_off, src_len)
            t_words = _words_near(susp_raw, this_off, this_len)
            blocks = [b for b in difflib.SequenceMatcher(
                None, [w for _, _, w in s_words], [w for _, _, w in t_words], autojunk=False).get_matching_blocks()
                if b.size]
            if not blocks:
                cases.append((this_off, this_len, src_off, src_len))
                continue
            first = last = max(range(len(blocks)), key=lambda k: blocks[k].size)
            while first > 0 and _close(blocks[first - 1], blocks[first]):
                first -= 1
            while last + 1 < len(blocks) and _close(blocks[last], blocks[last + 1]):
                last += 1
            a0, a1 = s_words[blocks[first].a][0], s_words[blocks[last].a + blocks[last].size - 1][1]
            b0, b1 = t_words[blocks[first].b][0], t_words[blocks[last].b + blocks[last].size - 1][1]
            cases.append((b0, b1 - b0, a0, a1 - a0))
        moved[(susp, src)] = cases
    return moved


def _words_near(text: str, offset: int, length: int) -> list[tuple[int, int, str]]:
    lo, hi = max(0, offset - ANCHOR_MARGIN_CHARS), offset + length + ANCHOR_MARGIN_CHARS
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, lo, hi)]


def _close(before, after) -> bool:
    return (after.a - (before.a + before.size) <= ANCHOR_MAX_GAP_WORDS
            and after.b - (before.b + before.size) <= ANCHOR_MAX_GAP_WORDS)


def _covered(intervals: list[tuple[int, int]], start: int, length: int) -> int:
    """Characters of [start, start + length) inside the union of ``intervals``."""
    marks = bytearray(length)
    for s, e in intervals:
        lo, hi = max(s, start), min(e, start + length)
        if hi > lo:
            marks[lo - start: hi - start] = b"\x01" * (hi - lo)
    return sum(marks)


_TOKEN = re.compile(r"\w+")


def raw_offset_map(extracted: str, raw: str):
    """A function from offsets in ``extracted`` (the stored text: whitespace folded, a title line
    taken out) to offsets in ``raw`` (the file, which PAN's gold offsets count in). Words are
    matched in order; the raw words may have a few extra at the start (the title line)."""
    e = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(extracted)]
    r = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(raw)]
    words_e = [w for _, _, w in e]
    shift = next((k for k in range(0, min(200, len(r) - len(e) + 1))
                  if [w for _, _, w in r[k:k + len(e)]] == words_e), None)
    if shift is None:  # words differ: map through a sequence alignment of the words
        import difflib
        pairs = {}
        for block in difflib.SequenceMatcher(None, words_e, [w for _, _, w in r], autojunk=False).get_matching_blocks():
            for k in range(block.size):
                pairs[block.a + k] = block.b + k
        index = [pairs.get(i) for i in range(len(e))]
    else:
        index = [i + shift for i in range(len(e))]
    starts = [s for s, _, _ in e]

    def to_raw(offset: int) -> int:
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0 or index[i] is None:
            return offset
        delta = offset - e[i][0]
        rs, re_, _ = r[index[i]]
        return rs + delta if delta <= re_ - rs else re_ + (delta - (e[i][1] - e[i][0]))
    return to_raw


def _raw_passages(passages, copy_text: str, copy_raw: str, source_text: str, source_raw: str) -> list:
    """Passages with their offsets moved from the stored texts to the raw files."""
    c, s = raw_offset_map(copy_text, copy_raw), raw_offset_map(source_text, source_raw)
    return [SimpleNamespace(copy_start=c(p.copy_start), copy_end=c(p.copy_end - 1) + 1,
                            source_start=s(p.source_start), source_end=s(p.source_end - 1) + 1) for p in passages]


def run(data: Path = DEFAULT_DATA, db: Path | None = None) -> Pan13Result:
    gold = read_gold(data)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(db or Path(tmp) / "pan13.duckdb")
        with store:
            t0 = time.perf_counter()
            report = ingest(store, [str(data / "src")])
            ingest_seconds = time.perf_counter() - t0
            if report.errors:
                raise SystemExit(f"ingest errors: {report.errors[:3]}")
            src_name = {doc_id: None for doc_id in report.documents}
            for doc_id in report.documents:
                src_name[doc_id] = Path(store.get_document(doc_id).article.url).name
            found: dict[tuple[str, str], list] = {}
            cache = ShingleCache()
            t0 = time.perf_counter()
            for susp_path in sorted((data / "susp").glob("*.txt")):
                result = trace(store, str(susp_path), cache=cache)
                for hop in result.upstream:
                    if hop.depth != 1:
                        continue
                    name = src_name.get(hop.source.doc_id, "?")
                    # stored offsets count in the extracted text; PAN's count in the raw files
                    found[(susp_path.name, name)] = _raw_passages(
                        hop.edge.passages, hop.copy.article.text, _read_raw(susp_path),
                        hop.source.article.text, _read_raw(data / "src" / name))
            trace_seconds = time.perf_counter() - t0
    found_pairs = sum(1 for k in gold if k in found)
    correct = sum(1 for k in found if k in gold)
    susp_total = susp_hit = src_total = src_hit = 0
    for key, features in gold.items():
        passages = found.get(key, [])
        for this_off, this_len, src_off, src_len in features:
            susp_total += this_len
            src_total += src_len
            susp_hit += _covered([(p.copy_start, p.copy_end) for p in passages], this_off, this_len)
            src_hit += _covered([(p.source_start, p.source_end) for p in passages], src_off, src_len)
    prec, rec, gran, score = plagdet(gold, found)
    moved = anchored_gold(data, gold)
    a_prec, a_rec, a_gran, a_score = plagdet(moved, found)
    as_found = {key: [SimpleNamespace(copy_start=to, copy_end=to + tl, source_start=so, source_end=so + sl)
                      for to, tl, so, sl in cases] for key, cases in moved.items()}
    return Pan13Result(len(gold), found_pairs, len(found), correct, susp_hit / susp_total, src_hit / src_total,
                       ingest_seconds, trace_seconds, score, prec, rec, gran, a_score, a_prec, a_rec, a_gran,
                       plagdet(gold, as_found)[3])


def plagdet(gold: dict, found: dict) -> tuple[float, float, float, float]:
    """PAN's plagdet over the gold pairs (the text-alignment protocol: each pair is given, so only
    detections for gold pairs count). A case and a detection are character sets in both documents;
    a detection detects a case when they overlap in both. Returns (precision, recall, granularity,
    plagdet = F1 / log2(1 + granularity))."""
    cases = [(key, (to, to + tl), (so, so + sl)) for key, feats in gold.items() for to, tl, so, sl in feats]
    dets = [(key, (p.copy_start, p.copy_end), (p.source_start, p.source_end))
            for key, passages in found.items() if key in gold for p in passages]

    def inter(x, y):
        return max(0, min(x[1], y[1]) - max(x[0], y[0]))

    def detects(c, d):
        return c[0] == d[0] and inter(c[1], d[1]) > 0 and inter(c[2], d[2]) > 0

    rec_sum, detected, gran_sum = 0.0, 0, 0
    for c in cases:
        ds = [d for d in dets if detects(c, d)]
        if not ds:
            continue
        detected += 1
        gran_sum += len(ds)
        covered = _covered([d[1] for d in ds], c[1][0], c[1][1] - c[1][0]) + \
            _covered([d[2] for d in ds], c[2][0], c[2][1] - c[2][0])
        rec_sum += covered / ((c[1][1] - c[1][0]) + (c[2][1] - c[2][0]))
    prec_sum = 0.0
    for d in dets:
        cs = [c for c in cases if detects(c, d)]
        size = (d[1][1] - d[1][0]) + (d[2][1] - d[2][0])
        if cs and size:
            prec_sum += (_covered([c[1] for c in cs], d[1][0], d[1][1] - d[1][0])
                         + _covered([c[2] for c in cs], d[2][0], d[2][1] - d[2][0])) / size
    recall = rec_sum / len(cases) if cases else 0.0
    precision = prec_sum / len(dets) if dets else 0.0
    granularity = gran_sum / detected if detected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, granularity, f1 / math.log2(1 + granularity)


# --- siblings: every document in one store (issue 10, item 1) ------------------------------------

#: Copy-like relations: an edge that says its copy took text from its source.
COPY_LIKE = frozenset({"copy", "excerpt", "rewrite"})


def half_of(name: str) -> int:
    """0 or 1 by a hash of a document's file name: the tuning half (0) and the held-out half (1)."""
    import hashlib
    return hashlib.sha1(Path(name).name.encode()).digest()[0] & 1


@dataclass
class SiblingResult:
    """Figures of one half (or all) of the suspicious documents, all ingested into one store with
    the sources: copy-like edges into them, those whose source is another suspicious document
    (never right: they took passages from the same sources), and gold pairs linked directly."""

    copy_edges_into_susp: int = 0
    susp_to_susp: int = 0
    gold_pairs: int = 0
    gold_direct: int = 0

    @property
    def susp_to_susp_share(self) -> float:
        return self.susp_to_susp / self.copy_edges_into_susp if self.copy_edges_into_susp else 0.0

    @property
    def direct_share(self) -> float:
        return self.gold_direct / self.gold_pairs if self.gold_pairs else 0.0

    def figures(self) -> dict:
        return {"copy_edges_into_susp": self.copy_edges_into_susp, "susp_to_susp": self.susp_to_susp,
                "susp_to_susp_share": round(self.susp_to_susp_share, 4), "gold_pairs": self.gold_pairs,
                "gold_linked_directly": self.gold_direct, "gold_direct_share": round(self.direct_share, 4)}


def run_siblings(data: Path = DEFAULT_DATA, db: Path | None = None) -> dict[str, SiblingResult]:
    """Ingest ``src/`` then ``susp/`` (sorted, one ingest) into one store and read the edges.
    Returns the figures for "all", "tune" (half 0) and "held_out" (half 1), halves by susp name."""
    gold = read_gold(data)
    with tempfile.TemporaryDirectory() as tmp:
        with Store(db or Path(tmp) / "pan13-all.duckdb") as store:
            report = ingest(store, [str(data / "src"), str(data / "susp")])
            if report.errors:
                raise SystemExit(f"ingest errors: {report.errors[:3]}")
            _, docs = store.query("SELECT doc_id, url FROM documents")
            _, edges = store.query("SELECT source_id, copy_id, relation FROM edges")
    name = {doc_id: Path(url).name for doc_id, url in docs}
    is_susp = {doc_id: n.startswith("suspicious") for doc_id, n in name.items()}
    out = {k: SiblingResult() for k in ("all", "tune", "held_out")}
    direct = set()
    for s, c, relation in edges:
        if relation not in COPY_LIKE or not is_susp.get(c):
            continue
        half = "tune" if half_of(name[c]) == 0 else "held_out"
        for key in ("all", half):
            out[key].copy_edges_into_susp += 1
            out[key].susp_to_susp += bool(is_susp.get(s))
        direct.add((name[c], name.get(s)))
    for susp, src in gold:
        half = "tune" if half_of(susp) == 0 else "held_out"
        for key in ("all", half):
            out[key].gold_pairs += 1
            out[key].gold_direct += (susp, src) in direct
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--siblings", action="store_true",
                        help="only the all-in-one-store figures (susp→susp copy edges, gold pairs linked directly)")
    args = parser.parse_args()
    if not args.data.is_dir():
        sys.exit(f"no PAN-13 data at {args.data} (it lives in ../shared/data, beside the project)")
    siblings = {k: v.figures() for k, v in run_siblings(args.data).items()}
    if args.siblings:
        print(json.dumps(siblings, indent=2))
        return
    r = run(args.data)
    figures = {"gold_pairs": r.gold_pairs, "found_pairs": r.found_pairs, "recall": round(r.recall, 4),
               "reported_pairs": r.reported_pairs, "precision": round(r.precision, 4),
               "susp_passage_coverage": round(r.susp_coverage, 4), "src_passage_coverage": round(r.src_coverage, 4),
               "plagdet": round(r.plagdet, 4), "char_precision": round(r.char_precision, 4),
               "char_recall": round(r.char_recall, 4), "granularity": round(r.granularity, 4),
               "anchored_plagdet": round(r.anchored_plagdet, 4),
               "anchored_char_precision": round(r.anchored_char_precision, 4),
               "anchored_char_recall": round(r.anchored_char_recall, 4),
               "anchored_granularity": round(r.anchored_granularity, 4),
               "anchored_cases_vs_stated_plagdet": round(r.anchored_cases_plagdet, 4),
               "ingest_seconds": round(r.ingest_seconds, 1), "trace_seconds": round(r.trace_seconds, 1),
               "one_store (src + susp ingested)": siblings}
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for k, v in figures.items():
            print(f"{k:24} {v}")


if __name__ == "__main__":
    main()
