"""Metadata accuracy (publication date, title, author) on the 500 pages of metadata-evaldata.

    python benchmarks/metadata.py [--data ../shared/data/metadata-evaldata] [--trafilatura] [--misses FIELD]

Each page is ``html/<file>.gz``, read as bytes into ``RawDocument(url=<the evaldata URL>, ...)``
and run through :func:`provenance.extract.extract_metadata` (the same code that fills
``Article.title``, ``Article.authors`` and ``Article.published_at``). Only pages whose gold has a
value for a field count for that field.

How each field is compared:

- **date**: the calendar day *as the page states it*. ``Article.published_at`` is UTC, and turning
  "2024-03-05T01:30:00+05:30" into UTC gives 4 March although the page (and the gold, and every
  reader) says 5 March. So the day compared is ``PageMetadata.published_date``: the date part of the
  chosen timestamp in the page's own UTC offset (for a timestamp without an offset, its date as
  written). Same instant as ``published_at``, never a different source.
- **title**: equal after casefolding and keeping only ``\\w+`` tokens (the gold is the on-page
  headline, without a " - Site name" suffix).
- **author**: the same *set* of casefolded ``\\w+`` tokens over all named authors.

``--trafilatura`` also scores trafilatura's ``extract_metadata`` the same way (optional bench extra);
``--misses date`` lists the pages a field gets wrong, to study general failure modes.

The pages are split in two halves by a hash of their URL (:func:`half_of`): rules are to be studied
and tuned on the ``tune`` half only (``--misses`` lists that half's misses), and the ``held-out``
half is what a change is judged on. The figures are printed for all pages and for each half.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from provenance.extract import extract_metadata
from provenance.extract.metadata.page import PageMetadata
from provenance.models import RawDocument

__all__ = ["Gold", "Guess", "half_of", "load_gold", "same_title", "same_author", "same_date", "evaluate", "ours", "main"]

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "metadata-evaldata"
FIELDS = ("date", "title", "author")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Gold:
    url: str
    file: str
    date: str
    title: str
    author: str


@dataclass(frozen=True)
class Guess:
    date: str | None  # YYYY-MM-DD as the page states it
    title: str | None
    author: str | None  # all named authors, joined


def load_gold(data: Path) -> list[Gold]:
    items = json.loads((data / "evaldata.json").read_text(encoding="utf-8"))
    return [Gold(url, item["file"], _text(item.get("date")), _text(item.get("title")), _text(item.get("author")))
            for url, item in items.items()]


def half_of(url: str) -> str:
    """``tune`` or ``held-out``: a stable split of the pages by a hash of their URL."""
    import hashlib

    return "tune" if hashlib.blake2b(url.encode("utf-8"), digest_size=1).digest()[0] % 2 == 0 else "held-out"


def _text(value: str | list[str] | None) -> str:
    """A gold value as one string (one page lists its two authors)."""
    if isinstance(value, list):
        value = "; ".join(value)
    return (value or "").strip()


def read_page(data: Path, gold: Gold) -> bytes:
    return gzip.decompress((data / "html" / f"{gold.file}.gz").read_bytes())


def _tokens(text: str | None) -> list[str]:
    return _WORD.findall((text or "").casefold())


def same_title(gold: str, guess: str | None) -> bool:
    return _tokens(gold) == _tokens(guess)


def same_author(gold: str, guess: str | None) -> bool:
    return set(_tokens(gold)) == set(_tokens(guess))


def same_date(gold: str, guess: str | None) -> bool:
    return bool(guess) and gold[:10] == guess[:10]


def ours(url: str, content: bytes, origin: str) -> Guess:
    meta: PageMetadata = extract_metadata(RawDocument(url=url, content=content, origin=origin))
    day = meta.published_date.isoformat() if meta.published_date else None
    return Guess(day, meta.title, "; ".join(meta.authors) or None)


def _trafilatura() -> Callable[[str, bytes, str], Guess] | None:
    try:
        from trafilatura import extract_metadata as their_metadata
        from trafilatura.utils import load_html
    except ImportError:
        return None

    def run(url: str, content: bytes, origin: str) -> Guess:
        tree = load_html(content)
        found = their_metadata(tree, default_url=url) if tree is not None else None
        if found is None:
            return Guess(None, None, None)
        return Guess(found.date, found.title, found.author)

    return run


def evaluate(data: Path, extract: Callable[[str, bytes, str], Guess], half: str | None = None):
    """(accuracy per field, pages counted per field, misses per field, seconds), over the pages of
    one ``half`` (see :func:`half_of`) or all of them."""
    golds = [gold for gold in load_gold(data) if half is None or half_of(gold.url) == half]
    pages = [(gold, read_page(data, gold)) for gold in golds]
    started = time.perf_counter()
    guesses = [extract(gold.url, content, gold.file) for gold, content in pages]
    seconds = time.perf_counter() - started
    checks = {"date": same_date, "title": same_title, "author": same_author}
    accuracy, counted, misses = {}, {}, {}
    for field in FIELDS:
        rows = [(gold, guess) for gold, guess in zip(golds, guesses) if getattr(gold, field)]
        good = [checks[field](getattr(gold, field), getattr(guess, field)) for gold, guess in rows]
        counted[field] = len(rows)
        accuracy[field] = sum(good) / len(rows) if rows else 0.0
        misses[field] = [(gold.file, getattr(gold, field), getattr(guess, field))
                         for (gold, guess), ok in zip(rows, good) if not ok]
    return accuracy, counted, misses, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--trafilatura", action="store_true", help="also score trafilatura's extract_metadata")
    parser.add_argument("--misses", choices=FIELDS, help="list the pages this field gets wrong")
    args = parser.parse_args(argv)
    if not (args.data / "evaldata.json").is_file():
        print(f"metadata data not found at {args.data} (../shared is absent in a fresh clone)", file=sys.stderr)
        return 2
    runs: dict[str, Callable[[str, bytes, str], Guess]] = {"provenance": ours}
    if args.trafilatura:
        theirs = _trafilatura()
        if theirs is None:
            print("note: trafilatura is not importable (pip install -e .[bench]); only our figures are shown")
        else:
            runs["trafilatura"] = theirs
    for half in (None, "tune", "held-out"):
        results = {name: evaluate(args.data, run, half) for name, run in runs.items()}
        counted = next(iter(results.values()))[1]
        print(f"metadata-evaldata, {half or 'all pages'}: "
              + ", ".join(f"{field} over {counted[field]} pages" for field in FIELDS))
        print(f"{'extractor':<14}" + "".join(f"{field:>9}" for field in FIELDS) + f"{'pages/s':>10}")
        for name, (accuracy, _, _, seconds) in results.items():
            pages = sum(1 for gold in load_gold(args.data) if half is None or half_of(gold.url) == half)
            print(f"{name:<14}" + "".join(f"{accuracy[field]:>9.3f}" for field in FIELDS) + f"{pages / seconds:>10.1f}")
        if args.misses and half == "tune":  # study the tune half only: the held-out half judges
            for file, gold, guess in results["provenance"][2][args.misses]:
                print(f"{file}\n    gold:  {gold!r}\n    ours:  {guess!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
