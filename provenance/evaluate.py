"""Evaluation on labelled pairs: how right are the links, relations and directions?

For users with their own labelled data (``provenance eval PAIRS.jsonl``). Each line of the pairs
file is one JSON object::

    {"source": "a.html", "copy": "b.html", "label": "excerpt", "upstream": "source"}

``source`` and ``copy`` are each a path (relative paths resolve against the pairs file's folder),
an http(s) URL, or a stored document id (a JSON integer, or a string of digits that names no
file; it needs a store). A URL is the stored document at that URL when a store holds one (the
latest version), else the page fetched. ``label`` is the gold relation — ``copy``, ``excerpt``,
``rewrite`` or ``none`` (not reused) — and ``upstream`` (optional, default ``unknown``) says which
side was written first: ``source``, ``copy`` or ``unknown``.

Each pair is judged on its own, exactly as lineage judges a pair with no other context: both
texts are shingled and aligned (the source as ``a``), linked when :func:`~provenance.match.
is_copy_evidence` holds (or when they are the same page, or the same text, as ingest links them),
and then :func:`~provenance.lineage.link_document` names the relation and the direction. The
store's linking (candidates, chains, other sources) plays no part: the evaluation is of the pair.

Predicted label: ``copy`` for the relations copy, version and shares_source; ``excerpt``;
``rewrite``; ``none`` when not linked. Predicted upstream: the side the edge puts upstream, or
``unknown`` for shares_source and for a direction confidence below
:attr:`~provenance.settings.Settings.min_direction_confidence`.

Scores: precision, recall and F1 per relation (copy, excerpt, rewrite) and for "linked" (any
reuse vs none); direction accuracy over the linked pairs whose gold upstream is known (an
``unknown`` answer counts as wrong); a confusion table gold label x predicted label. A bad line
(malformed JSON, missing field, bad label, unreadable document) is reported with its line number
and the rest are still evaluated.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import InputError, ProvenanceError
from .fetch import Fetcher, is_url
from .fingerprint import Shingled, shingle_article
from .lineage import LineageGraph, Match, is_link, link_document
from .match import align_texts
from .pages import page_key
from .models import StoredDocument
from .pipeline import _single_input, prepare_document
from .settings import DEFAULT_SETTINGS, Settings
from .store import Store

__all__ = [
    "LABELS",
    "RELATION_LABELS",
    "UPSTREAMS",
    "Scores",
    "DirectionScore",
    "PairOutcome",
    "LineError",
    "EvalReport",
    "evaluate_pairs",
    "score_outcomes",
    "eval_report_to_dict",
    "render_eval",
]

#: Gold and predicted labels, in the order of the confusion table.
LABELS = ("copy", "excerpt", "rewrite", "none")
#: The labels scored one by one (``none`` is the negative class of "linked").
RELATION_LABELS = ("copy", "excerpt", "rewrite")
#: Gold ``upstream`` values.
UPSTREAMS = ("source", "copy", "unknown")
#: How each edge relation counts as a label.
RELATION_TO_LABEL = {"copy": "copy", "version": "copy", "shares_source": "copy",
                     "excerpt": "excerpt", "rewrite": "rewrite"}
#: Longest pairs-file line read (a line is a small record, never a document).
MAX_LINE_BYTES = 100_000
#: Misses listed in text output (JSON lists every pair).
MAX_MISSES_SHOWN = 20

_DIGITS = re.compile(r"\d{1,19}")


# --- records -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and F1 of one class over the evaluated pairs (None when undefined: no
    prediction of the class for precision, no gold instance for recall)."""

    label: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def gold(self) -> int:
        return self.true_positives + self.false_negatives

    @property
    def predicted(self) -> int:
        return self.true_positives + self.false_positives

    @property
    def precision(self) -> float | None:
        return self.true_positives / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class DirectionScore:
    """Direction over the linked pairs whose gold upstream is ``source`` or ``copy``."""

    pairs: int
    correct: int
    wrong: int  # the other side named upstream
    unknown: int  # no side named (too little evidence, or shares_source)

    @property
    def accuracy(self) -> float | None:
        """Correct / pairs: an ``unknown`` answer counts as wrong."""
        return self.correct / self.pairs if self.pairs else None

    @property
    def decided_accuracy(self) -> float | None:
        """Correct / (correct + wrong): accuracy when a side was named."""
        decided = self.correct + self.wrong
        return self.correct / decided if decided else None


@dataclass(frozen=True, slots=True)
class PairOutcome:
    """One evaluated pair: the gold labels, what was predicted, and the measurements behind it."""

    line: int
    source: str  # as written in the pairs file
    copy: str
    gold_label: str
    gold_upstream: str
    predicted_label: str
    predicted_upstream: str | None  # source, copy or unknown; None when not linked
    relation: str | None  # the edge relation lineage chose; None when not linked
    confidence: float | None  # the edge's confidence (pair and direction)
    jaccard: float
    source_in_copy: float  # share of the source's shingles found in the copy
    copy_in_source: float
    evidence_words: int
    reasons: tuple[str, ...] = ()

    @property
    def label_correct(self) -> bool:
        return self.predicted_label == self.gold_label

    @property
    def direction_scored(self) -> bool:
        return self.gold_upstream in ("source", "copy") and self.predicted_label != "none"

    @property
    def direction_correct(self) -> bool | None:
        """Whether the predicted upstream is the gold one; None when direction is not scored."""
        return self.predicted_upstream == self.gold_upstream if self.direction_scored else None


@dataclass(frozen=True, slots=True)
class LineError:
    """A line of the pairs file that could not be evaluated, and why (one line)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class EvalReport:
    path: str
    pairs: tuple[PairOutcome, ...]
    errors: tuple[LineError, ...]
    relations: tuple[Scores, ...]  # one per RELATION_LABELS, in that order
    linked: Scores  # any reuse (copy, excerpt or rewrite) vs none
    direction: DirectionScore
    confusion: tuple[tuple[int, ...], ...]  # confusion[gold][predicted], both indexed by LABELS

    @property
    def accuracy(self) -> float | None:
        """Share of pairs whose predicted label is the gold one."""
        return sum(p.label_correct for p in self.pairs) / len(self.pairs) if self.pairs else None

    def scores(self, label: str) -> Scores:
        return self.linked if label == "linked" else self.relations[RELATION_LABELS.index(label)]


# --- scoring -----------------------------------------------------------------------------------

def _scores(label: str, outcomes: list[PairOutcome], is_positive) -> Scores:
    tp = sum(1 for o in outcomes if is_positive(o.gold_label) and is_positive(o.predicted_label))
    fp = sum(1 for o in outcomes if not is_positive(o.gold_label) and is_positive(o.predicted_label))
    fn = sum(1 for o in outcomes if is_positive(o.gold_label) and not is_positive(o.predicted_label))
    return Scores(label, tp, fp, fn)


def score_outcomes(path: str, outcomes: list[PairOutcome] | tuple[PairOutcome, ...],
                   errors: list[LineError] | tuple[LineError, ...] = ()) -> EvalReport:
    """The report of a list of pair outcomes: per-relation and linked scores, direction, confusion."""
    outcomes = list(outcomes)
    relations = tuple(_scores(label, outcomes, lambda x, label=label: x == label) for label in RELATION_LABELS)
    linked = _scores("linked", outcomes, lambda x: x != "none")
    scored = [o for o in outcomes if o.direction_scored]
    correct = sum(1 for o in scored if o.direction_correct)
    unknown = sum(1 for o in scored if o.predicted_upstream == "unknown")
    direction = DirectionScore(len(scored), correct, len(scored) - correct - unknown, unknown)
    confusion = tuple(tuple(sum(1 for o in outcomes if o.gold_label == g and o.predicted_label == p)
                            for p in LABELS) for g in LABELS)
    return EvalReport(path, tuple(outcomes), tuple(errors), relations, linked, direction, confusion)


# --- reading the pairs file ------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Pair:
    line: int
    source: str | int
    copy: str | int
    label: str
    upstream: str


def _parse_line(raw: bytes, line: int) -> _Pair:
    """One pairs-file record, or ValueError with the reason."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"malformed JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    missing = [k for k in ("source", "copy", "label") if k not in record]
    if missing:
        raise ValueError(f"missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    sides = []
    for key in ("source", "copy"):
        value = record[key]
        if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
            raise ValueError(f"{key} must be a path, a URL or a document id, not {json.dumps(value)}")
        sides.append(value)
    label = record["label"]
    if label not in LABELS:
        raise ValueError(f"label must be one of {', '.join(LABELS)}, not {json.dumps(label)}")
    upstream = record.get("upstream", "unknown")
    if upstream is None:
        upstream = "unknown"
    if upstream not in UPSTREAMS:
        raise ValueError(f"upstream must be one of {', '.join(UPSTREAMS)}, not {json.dumps(upstream)}")
    return _Pair(line, sides[0], sides[1], label, upstream)


def _read_lines(path: Path) -> list[tuple[int, bytes]]:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        reason = exc.strerror.lower() if exc.strerror else type(exc).__name__
        raise InputError(str(path), reason) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return [(n, line.strip()) for n, line in enumerate(data.split(b"\n"), 1) if line.strip()]


# --- resolving documents ---------------------------------------------------------------------------

class _Resolver:
    """Turns a pair's ``source``/``copy`` into a document and its shingled text (cached: a
    document named on many lines is read once)."""

    def __init__(self, base: Path, store: Store | None, settings: Settings, fetcher: Fetcher | None) -> None:
        self._base = base
        self._store = store
        self._settings = settings
        self._fetcher = fetcher
        self._own_fetcher: Fetcher | None = None
        # documents read now all get one first-seen time: reading them now says nothing of which is older
        self._read_at = datetime.now(timezone.utc)
        self._cache: dict[tuple[str, Any], tuple[StoredDocument, Shingled] | ProvenanceError] = {}

    def close(self) -> None:
        if self._own_fetcher is not None:
            self._own_fetcher.close()

    def resolve(self, spec: str | int) -> tuple[StoredDocument, Shingled]:
        key = self._key(spec)
        if key not in self._cache:
            try:
                self._cache[key] = self._load(key)
            except ProvenanceError as exc:
                self._cache[key] = exc
        found = self._cache[key]
        if isinstance(found, ProvenanceError):
            raise found
        return found

    def _key(self, spec: str | int) -> tuple[str, Any]:
        if isinstance(spec, int):
            return ("id", spec)
        if is_url(spec):
            return ("url", spec)
        if spec == "-":
            raise InputError("-", "standard input cannot be named in a pairs file")
        path = Path(os.path.expanduser(spec))
        if not path.is_absolute():
            path = self._base / path
        if _DIGITS.fullmatch(spec) and not path.exists():
            return ("id", int(spec))
        return ("path", str(path))

    def _load(self, key: tuple[str, Any]) -> tuple[StoredDocument, Shingled]:
        kind, value = key
        if kind == "id":
            if self._store is None:
                raise InputError(str(value), "a document id needs a store, and there is none "
                                             "(give --db, or ingest the documents first)")
            doc = self._store.get_document(value)
            return doc, shingle_article(doc.article, self._settings)
        if kind == "url" and self._store is not None:
            # the latest version stored at that URL (not a page naming it as canonical)
            at_url = [d for d in self._store.find_by_url(value) if page_key(d.article.url) == page_key(value)]
            if at_url:
                doc = max(at_url, key=lambda d: (d.first_seen, -d.doc_id))
                return doc, shingle_article(doc.article, self._settings)
        if kind == "url" and self._fetcher is None:
            self._fetcher = self._own_fetcher = Fetcher(self._settings)
        raw = _single_input(value, self._settings, None, self._fetcher)
        prepared = prepare_document(raw, self._settings)
        doc = prepared.document
        if raw.fetched is None:
            doc = dataclasses.replace(doc, first_seen=self._read_at)
        return doc, prepared.shingled


# --- judging one pair ----------------------------------------------------------------------------

def _judge(pair: _Pair, source: tuple[StoredDocument, Shingled], copy: tuple[StoredDocument, Shingled],
           settings: Settings) -> PairOutcome:
    source_doc, source_sh = source
    copy_doc, copy_sh = copy
    if source_doc.doc_id == copy_doc.doc_id:
        raise InputError(str(pair.copy), "source and copy are the same document")
    alignment = align_texts(source_doc.doc_id, source_sh, copy_doc.doc_id, copy_sh, settings)
    linked = is_link(source_doc, copy_doc, alignment, settings)  # as ingest decides it
    measures = dict(jaccard=alignment.jaccard, source_in_copy=alignment.a_in_b, copy_in_source=alignment.b_in_a,
                    evidence_words=alignment.evidence_words)
    base = dict(line=pair.line, source=str(pair.source), copy=str(pair.copy), gold_label=pair.label,
                gold_upstream=pair.upstream)
    if not linked:
        return PairOutcome(**base, predicted_label="none", predicted_upstream=None, relation=None,
                           confidence=None, **measures)
    edges = link_document(copy_doc, copy_sh, [Match(source_doc, alignment)], LineageGraph(), settings)
    edge = next((e for e in edges if {e.source_id, e.copy_id} == {source_doc.doc_id, copy_doc.doc_id}), None)
    if edge is None:  # lineage declined the link (it never does for a lone pair; be safe)
        return PairOutcome(**base, predicted_label="none", predicted_upstream=None, relation=None,
                           confidence=None, **measures)
    direction = edge.direction_confidence if edge.direction_confidence is not None else edge.confidence
    if edge.relation == "shares_source" or direction < settings.min_direction_confidence:
        upstream = "unknown"
    else:
        upstream = "source" if edge.source_id == source_doc.doc_id else "copy"
    return PairOutcome(**base, predicted_label=RELATION_TO_LABEL.get(edge.relation, "copy"),
                       predicted_upstream=upstream, relation=edge.relation, confidence=edge.confidence,
                       reasons=edge.reasons, **measures)


def evaluate_pairs(pairs_path: str | os.PathLike[str], *, store: Store | None = None,
                   settings: Settings = DEFAULT_SETTINGS, fetcher: Fetcher | None = None) -> EvalReport:
    """Evaluate linking on a labelled pairs file (see the module docstring for its format).

    ``store`` resolves document ids (and URLs it holds); without one, ids are line errors. A bad
    line is reported in ``errors`` and never stops the rest. Raises :class:`InputError` only when
    the pairs file itself cannot be read.
    """
    path = Path(pairs_path)
    lines = _read_lines(path)
    resolver = _Resolver(path.resolve().parent, store, settings, fetcher)
    outcomes: list[PairOutcome] = []
    errors: list[LineError] = []
    try:
        for number, raw in lines:
            if len(raw) > MAX_LINE_BYTES:
                errors.append(LineError(number, f"line longer than {MAX_LINE_BYTES} bytes"))
                continue
            try:
                pair = _parse_line(raw, number)
            except ValueError as exc:
                errors.append(LineError(number, str(exc)))
                continue
            try:
                source = resolver.resolve(pair.source)
                copy = resolver.resolve(pair.copy)
                outcomes.append(_judge(pair, source, copy, settings))
            except ProvenanceError as exc:
                errors.append(LineError(number, str(exc)))
    finally:
        resolver.close()
    return score_outcomes(str(pairs_path), outcomes, errors)


# --- output ------------------------------------------------------------------------------------

def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _scores_dict(s: Scores) -> dict[str, Any]:
    return {"precision": _r(s.precision), "recall": _r(s.recall), "f1": _r(s.f1), "gold": s.gold,
            "predicted": s.predicted, "true_positives": s.true_positives,
            "false_positives": s.false_positives, "false_negatives": s.false_negatives}


def _pair_dict(o: PairOutcome) -> dict[str, Any]:
    return {"line": o.line, "source": o.source, "copy": o.copy, "gold_label": o.gold_label,
            "gold_upstream": o.gold_upstream, "predicted_label": o.predicted_label,
            "predicted_upstream": o.predicted_upstream, "relation": o.relation, "confidence": o.confidence,
            "label_correct": o.label_correct, "direction_correct": o.direction_correct,
            "jaccard": o.jaccard, "source_in_copy": o.source_in_copy, "copy_in_source": o.copy_in_source,
            "evidence_words": o.evidence_words, "reasons": list(o.reasons)}


def eval_report_to_dict(report: EvalReport) -> dict[str, Any]:
    """The report as one JSON-ready object."""
    d = report.direction
    return {
        "pairs_file": report.path,
        "evaluated": len(report.pairs),
        "bad_lines": len(report.errors),
        "accuracy": _r(report.accuracy),
        "relations": {s.label: _scores_dict(s) for s in report.relations},
        "linked": _scores_dict(report.linked),
        "direction": {"pairs": d.pairs, "correct": d.correct, "wrong": d.wrong, "unknown": d.unknown,
                      "accuracy": _r(d.accuracy), "decided_accuracy": _r(d.decided_accuracy)},
        "confusion": {"labels": list(LABELS),
                      "counts": {g: {p: report.confusion[i][j] for j, p in enumerate(LABELS)}
                                 for i, g in enumerate(LABELS)}},
        "pairs": [_pair_dict(o) for o in report.pairs],
        "errors": [{"line": e.line, "message": e.message} for e in report.errors],
    }


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
            for r in rows]


def render_eval(report: EvalReport) -> str:
    """The report as a compact text table: scores, direction, confusion, then misses and errors."""
    n = len(report.pairs)
    lines = [f"{report.path}: {n} pair{'s' if n != 1 else ''} evaluated, {len(report.errors)} bad "
             f"line{'s' if len(report.errors) != 1 else ''}"]
    if n:
        lines.append("")
        rows = [["relation", "precision", "recall", "F1", "gold", "predicted"]]
        for s in report.relations + (report.linked,):
            name = "linked (any)" if s.label == "linked" else s.label
            rows.append([name, _fmt(s.precision), _fmt(s.recall), _fmt(s.f1), str(s.gold), str(s.predicted)])
        lines += _table(rows, right={1, 2, 3, 4, 5})
        lines.append(f"  label accuracy {_fmt(report.accuracy)} ({sum(p.label_correct for p in report.pairs)} of {n})")
        d = report.direction
        lines.append("")
        if d.pairs:
            lines.append(f"direction: {d.correct} of {d.pairs} correct ({_fmt(d.accuracy)}); "
                         f"{d.wrong} wrong, {d.unknown} unknown")
        else:
            lines.append("direction: no linked pair with a known upstream")
        lines.append("")
        lines.append("confusion (rows: gold, columns: predicted):")
        rows = [["gold \\ predicted", *LABELS]]
        rows += [[g, *(str(c) for c in report.confusion[i])] for i, g in enumerate(LABELS)]
        lines += _table(rows, right=set(range(1, len(LABELS) + 1)))
        misses = [o for o in report.pairs if not o.label_correct or o.direction_correct is False]
        if misses:
            lines.append("")
            lines.append(f"misses ({len(misses)}):")
            for o in misses[:MAX_MISSES_SHOWN]:
                got = o.predicted_label if o.relation in (None, o.predicted_label) else f"{o.predicted_label} ({o.relation})"
                up = ""
                if o.direction_scored:
                    up = f"; upstream {o.gold_upstream}, predicted {o.predicted_upstream}"
                lines.append(f"  line {o.line}: {o.source} → {o.copy}: gold {o.gold_label}, predicted {got}{up} "
                             f"(Jaccard {o.jaccard:.2f}, {o.evidence_words} evidence words)")
            if len(misses) > MAX_MISSES_SHOWN:
                lines.append(f"  … {len(misses) - MAX_MISSES_SHOWN} more (see --json)")
    if report.errors:
        lines.append("")
        lines += [f"error: {e}" for e in report.errors]
    return "\n".join(lines)
