"""Body extraction on the 181-page article-extraction benchmark: our extractor against trafilatura,
on the same pages in the same process.

    python benchmarks/extraction.py [--data ../shared/data/article-extraction-benchmark] [--rounds 3]

Loads every page once (gzip-decompressed bytes in memory), then times ``rounds`` interleaved
rounds (ours over all pages, then trafilatura's default ``extract()`` over all pages, and again),
so both see the same machine state; the best round of each gives pages/s. Quality uses the
benchmark metric of ../shared/README.md: word 4-gram multisets per page, precision and recall
averaged over pages, F1 of the two means. trafilatura is an optional benchmark extra
(``pip install -e .[bench]``); without it only our figures are printed, with a note.

``--floors`` also times what any extractor built on the same parser pays before doing any work:
lexbor's parse alone, and the parse plus a bare walk over every node (selectolax's C-level
``traverse``). They bound how fast a node-by-node extractor over this parser can be.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from provenance.errors import ProvenanceError
from provenance.extract import extract_article
from provenance.models import RawDocument

__all__ = ["Page", "Score", "load_pages", "score", "time_rounds", "ours", "main"]

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "article-extraction-benchmark"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    content: bytes
    truth: str


@dataclass(frozen=True)
class Score:
    f1: float
    precision: float
    recall: float


def load_pages(data: Path) -> list[Page]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(key, item["url"], gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()), item["articleBody"])
        for key, item in sorted(truth.items())
    ]


def _four_grams(text: str) -> Counter:
    words = _WORD.findall(text)
    return Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))


def score(pairs: list[tuple[str, str]]) -> Score:
    """The benchmark metric over (true text, predicted text) pairs."""
    precisions, recalls = [], []
    for expected, predicted in pairs:
        true, pred = _four_grams(expected), _four_grams(predicted)
        tp = sum((true & pred).values())
        fp, fn = sum(pred.values()) - tp, sum(true.values()) - tp
        precisions.append(tp / (tp + fp) if tp + fp else (1.0 if not true else 0.0))
        recalls.append(tp / (tp + fn) if tp + fn else 1.0)
    precision, recall = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(f1, precision, recall)


def ours(page: Page) -> str:
    try:
        return extract_article(RawDocument(url=page.url, content=page.content, origin=page.key)).body
    except ProvenanceError:
        return ""


def _trafilatura() -> Callable[[Page], str] | None:
    try:
        import trafilatura
    except ImportError:
        return None

    def run(page: Page) -> str:
        return trafilatura.extract(page.content, url=page.url) or ""

    return run


def _floors() -> dict[str, Callable[[Page], str]]:
    # The parser itself is measured here, not through provenance.extract: these rows are the
    # library's cost, the floor under any extractor built on it.
    from selectolax.lexbor import LexborHTMLParser

    def parse_only(page: Page) -> str:
        LexborHTMLParser(page.content)
        return ""

    def parse_and_walk(page: Page) -> str:
        for _node in LexborHTMLParser(page.content).root.traverse(include_text=True):
            pass
        return ""

    return {"floor: parse": parse_only, "floor: +walk": parse_and_walk}


def time_rounds(extractors: dict[str, Callable[[Page], str]], pages: list[Page], rounds: int):
    """Best pages/s of each extractor over interleaved rounds, and its output from the last round."""
    best = dict.fromkeys(extractors, 0.0)
    outputs: dict[str, list[str]] = {}
    for _ in range(rounds):
        for name, extract in extractors.items():
            started = time.perf_counter()
            outputs[name] = [extract(page) for page in pages]
            best[name] = max(best[name], len(pages) / (time.perf_counter() - started))
    return best, outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds (best one counts)")
    parser.add_argument("--floors", action="store_true", help="also time the parser alone and parser + bare walk")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").is_file():
        print(f"benchmark data not found at {args.data} (../shared is absent in a fresh clone)", file=sys.stderr)
        return 2
    pages = load_pages(args.data)
    extractors: dict[str, Callable[[Page], str]] = {"provenance": ours}
    theirs = _trafilatura()
    if theirs is not None:
        extractors["trafilatura"] = theirs
    floors = _floors() if args.floors else {}
    speeds, outputs = time_rounds(extractors | floors, pages, args.rounds)
    scores = {name: score([(p.truth, text) for p, text in zip(pages, out)]) for name, out in outputs.items()
              if name not in floors}

    print(f"article-extraction-benchmark: {len(pages)} pages, best of {args.rounds} interleaved rounds")
    print(f"{'extractor':<14}{'pages/s':>10}{'F1':>8}{'P':>8}{'R':>8}")
    for name in extractors:
        s = scores[name]
        print(f"{name:<14}{speeds[name]:>10.1f}{s.f1:>8.3f}{s.precision:>8.3f}{s.recall:>8.3f}")
    if theirs is None:
        print("note: trafilatura is not importable (pip install -e .[bench]); only our figures are shown")
    else:
        print(f"speed ratio provenance / trafilatura: {speeds['provenance'] / speeds['trafilatura']:.1f}x")
    for name in floors:
        ratio = f"  ({speeds[name] / speeds['trafilatura']:.1f}x trafilatura)" if theirs is not None else ""
        print(f"{name:<14}{speeds[name]:>10.1f}  {1000 / speeds[name]:.2f} ms/page{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
