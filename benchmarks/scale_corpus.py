"""Corpora for the scale benchmark (issue 8): real Reuters-21578 text recombined, then text generated
from it, with a known ~25 % of planted reposts. Used by ``benchmarks/scale.py``.

**Originals** (~75 %, ~500 words each, 40-90-word paragraphs) are built from a stream of *units*:

1. first the **real pool**: every Reuters-21578 body paragraph that reads as prose (12-120 words,
   mostly letters, few digits: no earnings tables) and shares **no word 8-gram** with a paragraph
   kept before it (Reuters re-sends, corrects and repeats boilerplate; those repeats are dropped),
   shuffled by the seed and each used **once per corpus**; an original draws ~20 of them from as
   many stories;
2. once the pool is used up (after ~4,000 originals), **sentences of an order-2 word Markov chain**
   trained on the pool's sentences. Where a two-word context has a single continuation in the
   training text the chain backs off to the one-word context, so it does not replay long runs of
   one training sentence; ``overlap_audit`` measures what chance overlap remains (shared word
   8-grams between originals, generated vs real).

**Planted reposts** (~25 %): each is a copy of an *earlier* document (at least ``MIN_SOURCE_GAP``
documents, i.e. 10 minutes, before it), chosen uniformly among the earlier originals (90 %) or
among earlier reposts (10 %: chains, a repost of a repost), spread uniformly over the corpus. Kinds,
in equal shares:

* ``furniture`` the whole text wrapped in an aggregator's furniture lines ("Follow … on …",
  "Related Articles" and three other stories' titles, "Subscribe now …"), no credit;
* ``credit``    the same with a credit line ``Source: <source site>``;
* ``cut``       the first paragraphs only (40-90 % of the words, at least 100), furniture;
* ``swap``      the whole text with 3-6 words swapped ("said" -> "stated" …), furniture;
* ``excerpt``   80-150 consecutive words of the source (from a paragraph start) inside 250-420
  words of new text on a publisher's site.

``cut``, ``swap`` and ``excerpt`` carry a credit line with probability 1/2. Records are JSON Lines
``{"url", "site", "published", "title", "text"}``, ``published`` one minute apart in corpus order
(a source is always published before its reposts). The planted pairs go to ``planted.jsonl``.

Everything is deterministic from the seed, and the corpus of size N is the first N documents of
the corpus of any larger size (generated in blocks of ``BLOCK`` documents with per-block random
streams), so results at different sizes share their first documents.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import html as htmllib
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "reuters21578"
CORPUS_VERSION = 1
KINDS = ("furniture", "credit", "cut", "swap", "excerpt")
REPOST_SHARE = 0.25
CHAIN_SHARE = 0.10
MIN_SOURCE_GAP = 10
BLOCK = 10_000
STEP = timedelta(minutes=1)
START = datetime(2024, 1, 2, tzinfo=timezone.utc)
DEDUP_N = 8

_WORD = re.compile(r"\w+")
_SENT = re.compile(r'(?<=[a-z0-9%)"][.!?])\s+(?=[A-Z"])')
_REUTERS = re.compile(r"<REUTERS\b[^>]*>(.*?)</REUTERS>", re.S)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.S)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)

_PUB_A = ("Harbour", "Northern", "Valley", "Coastal", "Capital", "Prairie", "Lakeside", "Mountain", "River", "Central")
_PUB_B = ("Gazette", "Herald", "Times", "Post", "Chronicle", "Tribune", "Courier", "Ledger")
PUBLISHERS = tuple(f"{a} {b}" for a in _PUB_A for b in _PUB_B)[::2]  # 40 outlets
_AGG_A = ("Daily", "Global", "Market", "Newsroom", "World", "Metro", "Trade", "Open")
_AGG_B = ("Digest", "Bulletin", "Pulse", "Roundup", "Monitor")
AGGREGATORS = tuple(f"{a} {b}" for a in _AGG_A for b in _AGG_B)[::2]  # 20 aggregators
_FOLLOW = ("Follow {s} on Facebook and Twitter for the latest updates",
           "Follow us on Telegram for breaking news from {s}",
           "Follow {s} on Google News and never miss a story", "Join {s} on WhatsApp for market alerts")
_SUBSCRIBE = ("Subscribe now to keep reading {s} and get the full archive.",
              "Subscribe now to the free {s} newsletter, delivered every morning.",
              "Subscribe now for unlimited access to {s} premium.")
SWAPS = {"said": "stated", "company": "firm", "shares": "stock", "expected": "anticipated", "increase": "rise",
         "reported": "posted", "government": "administration", "officials": "authorities", "announced": "unveiled",
         "profit": "earnings", "agreed": "consented", "major": "leading", "total": "overall", "sales": "revenues",
         "told": "informed", "added": "continued", "would": "will", "about": "around", "also": "further"}
_SWAP_RE = re.compile(r"\b(" + "|".join(SWAPS) + r")\b")


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


# --- the real pool and the Markov chain --------------------------------------------------------

def _gram_hashes(text: str, n: int = DEDUP_N) -> set[int]:
    w = [x.lower() for x in _WORD.findall(text)]
    return {hash(tuple(w[i:i + n])) for i in range(len(w) - n + 1)}


def _prose(p: str) -> bool:
    n = len(p.split())
    if not 12 <= n <= 120:
        return False
    letters = sum(c.isalpha() for c in p)
    digits = sum(c.isdigit() for c in p)
    return letters >= 0.7 * len(p) and digits <= 0.06 * len(p) and p[-1] in '.!?"'


def real_pool(data_dir: Path) -> list[tuple[str, str]]:
    """(paragraph, story title) of every prose paragraph of the collection that shares no word
    8-gram with one kept before it, in NEWID order."""
    seen: set[int] = set()
    out: list[tuple[str, str]] = []
    for path in sorted(Path(data_dir).glob("reut2-*.sgm.gz")):
        raw = gzip.decompress(path.read_bytes()).decode("latin-1")
        for m in _REUTERS.finditer(raw):
            block = m.group(1)
            body = _BODY.search(block)
            if not body:
                continue
            title = " ".join(htmllib.unescape((_TITLE.search(block) or [None, ""])[1]).split())
            text = htmllib.unescape(body.group(1)).replace("\x03", "").replace("\x02", "")
            text = re.sub(r"\s*\bREUTER\s*$|\s*\bReuter\s*$", "", text.rstrip())
            for p in re.split(r"\n(?= {2,}\S)|\n\s*\n", text):
                p = " ".join(p.split())
                if not _prose(p):
                    continue
                grams = _gram_hashes(p)
                if grams & seen:
                    continue
                seen |= grams
                out.append((p, title))
    return out


class Markov:
    """Order-2 word Markov chain with back-off to order 1 where a two-word context has a single
    continuation; sentences generated for many chains at once (numpy)."""

    START, END = 0, 1

    def __init__(self, sentences: list[str]) -> None:
        vocab: dict[str, int] = {"<s>": 0, "</s>": 1}
        triples: list[int] = []
        for s in sentences:
            ids = [0, 0] + [vocab.setdefault(w, len(vocab)) for w in s.split()] + [1]
            triples.extend(ids)
            triples.append(-1)
        self.words = np.array(list(vocab), dtype=object)
        v = self.V = len(vocab)
        seq = np.array(triples, dtype=np.int64)
        a, b, c = seq[:-2], seq[1:-1], seq[2:]
        ok = (a >= 0) & (b >= 0) & (c >= 0) & (b != 1) & ~((a == 1))
        a, b, c = a[ok], b[ok], c[ok]
        self.o2 = self._table(a * v + b, c)
        self.o1 = self._table(b, c)

    def _table(self, ctx: np.ndarray, nxt: np.ndarray):
        keys, counts = np.unique(ctx * self.V + nxt, return_counts=True)
        ctx_of = keys // self.V
        ctx_keys, start, distinct = np.unique(ctx_of, return_index=True, return_counts=True)
        cum = np.cumsum(counts)
        cum0 = np.concatenate(([0], cum))
        return ctx_keys, start, start + distinct, distinct, cum, cum0, keys % self.V

    def _sample(self, table, idx: np.ndarray, u: np.ndarray) -> np.ndarray:
        _, start, end, _, cum, cum0, nxt = table
        lo, hi = cum0[start[idx]], cum0[end[idx]]
        r = lo + np.floor(u * (hi - lo)).astype(np.int64)
        return nxt[np.searchsorted(cum, r, side="right")]

    def sentences(self, rng: np.random.Generator, streams: int = 20_000, steps: int = 400,
                  min_words: int = 6, max_words: int = 60) -> list[str]:
        a = np.zeros(streams, dtype=np.int64)
        b = np.zeros(streams, dtype=np.int64)
        out = np.empty((steps, streams), dtype=np.int64)
        k2, _, _, d2, *_ = self.o2
        k1 = self.o1[0]
        for step in range(steps):
            key = a * self.V + b
            i2 = np.minimum(np.searchsorted(k2, key), len(k2) - 1)
            use2 = (k2[i2] == key) & (d2[i2] >= 2)
            u = rng.random(streams)
            nxt = np.empty(streams, dtype=np.int64)
            if use2.any():
                nxt[use2] = self._sample(self.o2, i2[use2], u[use2])
            rest = ~use2
            if rest.any():
                nxt[rest] = self._sample(self.o1, np.searchsorted(k1, b[rest]), u[rest])
            out[step] = nxt
            end = nxt == self.END
            a = np.where(end, 0, b)
            b = np.where(end, 0, nxt)
        words = self.words
        result: list[str] = []
        for col in out.T:
            ends = np.flatnonzero(col == self.END)
            prev = 0
            for e in ends:
                if min_words <= e - prev <= max_words:  # quotation marks left unbalanced by the chain: dropped
                    result.append(" ".join(words[col[prev:e]]).replace('"', ""))
                prev = e + 1
        return result


# --- the document stream -----------------------------------------------------------------------

@dataclass
class Doc:
    index: int
    url: str
    site: str
    title: str
    text: str
    kind: str  # "real", "markov" (originals) or a planted kind
    source: int = -1
    credited: bool = False
    chain: bool = False

    def record(self) -> dict:
        return {"url": self.url, "site": self.site, "published": (START + self.index * STEP).isoformat()
                .replace("+00:00", "Z"), "title": self.title, "text": self.text}


class Units:
    """The stream of text units originals are made of: the shuffled real pool once, then Markov
    sentences generated in batches (each batch from its own random stream)."""

    def __init__(self, data_dir: Path, seed: int) -> None:
        pool = real_pool(data_dir)
        order = np.random.default_rng([seed, 7]).permutation(len(pool))
        self.pool = [pool[i] for i in order]
        self.pos = 0
        self.seed = seed
        self.batch_no = 0
        self.batch: list[str] = []
        self.bpos = 0
        self._markov: Markov | None = None
        self._sentences = [s for p, _ in pool for s in _SENT.split(p)]

    @property
    def markov(self) -> Markov:
        if self._markov is None:
            self._markov = Markov(self._sentences)
        return self._markov

    def take(self) -> tuple[str, str | None, bool]:
        """(unit text, its story's title or None, is real text)."""
        if self.pos < len(self.pool):
            p, title = self.pool[self.pos]
            self.pos += 1
            return p, title, True
        if self.bpos >= len(self.batch):
            self.batch = self.markov.sentences(np.random.default_rng([self.seed, 1, self.batch_no]))
            self.batch_no += 1
            self.bpos = 0
        self.bpos += 1
        return self.batch[self.bpos - 1], None, False

    def paragraphs(self, rng: np.random.Generator, words: int) -> tuple[list[str], str, bool]:
        """Paragraphs of 40-90 words until ``words`` words; the first unit's title; real text?"""
        paras: list[str] = []
        cur: list[str] = []
        cur_words = total = 0
        target = int(rng.integers(40, 91))
        title, real = None, True
        while total < words:
            unit, t, is_real = self.take()
            title = title or t or _headline(unit)
            real = real and is_real
            cur.append(unit)
            n = len(unit.split())
            cur_words += n
            total += n
            if cur_words >= target:
                paras.append(" ".join(cur))
                cur, cur_words, target = [], 0, int(rng.integers(40, 91))
        if cur:
            paras.append(" ".join(cur))
        return paras, title, real


def _headline(sentence: str) -> str:
    return " ".join(sentence.split()[:7]).rstrip(".,;:").upper()


def _furnish(paras: list[str], agg: str, related: list[str], credit: str | None, rng: np.random.Generator) -> str:
    out = list(paras)
    follow = _FOLLOW[int(rng.integers(len(_FOLLOW)))].format(s=agg)
    out.insert(min(len(out), 2), follow)
    if credit:
        out.append(credit)
    out += ["Related Articles", *related, _SUBSCRIBE[int(rng.integers(len(_SUBSCRIBE)))].format(s=agg)]
    return "\n\n".join(out)


def _swap(text: str, rng: np.random.Generator, vocab: list[str]) -> str:
    want = int(rng.integers(3, 7))
    spots = [m.span() for m in _SWAP_RE.finditer(text)]
    if len(spots) < want:  # too few swappable words: replace other words of 5+ letters
        spots += [m.span() for m in re.finditer(r"\b[a-z]{5,}\b", text) if m.group() not in SWAPS]
    chosen = sorted(rng.choice(len(spots), size=min(want, len(spots)), replace=False))
    for i in reversed(chosen):
        s, e = spots[i]
        word = text[s:e]
        text = text[:s] + SWAPS.get(word, vocab[int(rng.integers(len(vocab)))]) + text[e:]
    return text


class CorpusWriter:
    """Generates the documents in order and writes ``corpus.jsonl``, ``planted.jsonl``, ``meta.json``."""

    def __init__(self, data_dir: Path, seed: int) -> None:
        self.seed = seed
        self.units = Units(data_dir, seed)
        self.docs_text: list[str] = []  # every text so far (sources of reposts)
        self.titles: list[str] = []
        self.sites: list[str] = []
        self.originals: list[int] = []
        self.reposts: list[int] = []
        self.real_until = -1
        self.swap_vocab = ["statement", "market", "analysts", "reported", "officials", "trading", "quarter"]

    def build(self, size: int, out_dir: Path, log=print) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = out_dir / "corpus.jsonl.part"
        started, kinds = time.perf_counter(), {}
        words = text_bytes = 0
        with open(tmp, "w", encoding="utf-8") as corpus, open(out_dir / "planted.jsonl", "w") as planted:
            for block_start in range(0, size, BLOCK):
                rng = np.random.default_rng([self.seed, 0, block_start // BLOCK])
                for i in range(block_start, min(size, block_start + BLOCK)):
                    doc = self._doc(i, rng)
                    kinds[doc.kind] = kinds.get(doc.kind, 0) + 1
                    words += len(doc.text.split())
                    text_bytes += len(doc.text.encode())
                    corpus.write(json.dumps(doc.record(), ensure_ascii=False) + "\n")
                    if doc.source >= 0:
                        planted.write(json.dumps({"copy": i, "source": doc.source, "kind": doc.kind,
                                                  "credited": doc.credited, "chain": doc.chain}) + "\n")
                log(f"  corpus: {min(size, block_start + BLOCK):,} of {size:,} documents "
                    f"({time.perf_counter() - started:.0f} s)")
        os.replace(tmp, out_dir / "corpus.jsonl")
        meta = {"version": CORPUS_VERSION, "size": size, "seed": self.seed, "kinds": kinds, "words": words,
                "text_bytes": text_bytes, "real_until": self.real_until if self.real_until >= 0 else size,
                "seconds": round(time.perf_counter() - started, 1)}
        (out_dir / "meta.json").write_text(json.dumps(meta, indent=1))

    def _doc(self, i: int, rng: np.random.Generator) -> Doc:
        repost = i > MIN_SOURCE_GAP and rng.random() < REPOST_SHARE
        if repost:
            chain = bool(self.reposts and rng.random() < CHAIN_SHARE)
            pool = self.reposts if chain else self.originals
            hi = bisect.bisect_right(pool, i - MIN_SOURCE_GAP)
            if hi > 0:
                doc = self.repost(i, pool[int(rng.integers(hi))], KINDS[int(rng.integers(len(KINDS)))], rng)
                doc.chain = chain
                self._keep(doc)
                self.reposts.append(i)
                return doc
        paras, title, real = self.units.paragraphs(rng, int(rng.integers(420, 581)))
        if not real and self.real_until < 0:
            self.real_until = i
        site = PUBLISHERS[int(rng.integers(len(PUBLISHERS)))]
        doc = Doc(i, f"https://{slug(site)}.example/news/{i:07d}", site, title, "\n\n".join(paras),
                  "real" if real else "markov")
        self._keep(doc)
        self.originals.append(i)
        return doc

    def _keep(self, doc: Doc) -> None:
        self.docs_text.append(doc.text)
        self.titles.append(doc.title)
        self.sites.append(doc.site)

    def repost(self, i: int, source: int, kind: str, rng: np.random.Generator, url: str | None = None) -> Doc:
        """Document ``i``: a planted copy of ``source`` made by ``kind``."""
        src_text, src_site = self.docs_text[source], self.sites[source]
        paras = src_text.split("\n\n")
        credited = kind == "credit" or (kind != "furniture" and rng.random() < 0.5)
        credit = f"Source: {src_site}" if credited else None
        agg = AGGREGATORS[int(rng.integers(len(AGGREGATORS)))]
        related = [self.titles[int(rng.integers(i))].title() for _ in range(3)]
        if kind in ("furniture", "credit"):
            text = _furnish(paras, agg, related, credit, rng)
        elif kind == "cut":
            counts = np.cumsum([len(p.split()) for p in paras])
            ok = [n for n in range(1, len(paras)) if 0.4 <= counts[n - 1] / counts[-1] < 0.9 and counts[n - 1] >= 100]
            n = ok[int(rng.integers(len(ok)))] if ok else max(1, len(paras) - 1)
            text = _furnish(paras[:n], agg, related, credit, rng)
        elif kind == "swap":
            text = _furnish(_swap(src_text, rng, self.swap_vocab).split("\n\n"), agg, related, credit, rng)
        else:  # excerpt: 80-150 source words from a body paragraph's start, inside new text
            body = [p.split() for p in paras if len(p.split()) >= 25]
            starts = [sum(len(b) for b in body[:k]) for k in range(len(body))]
            flat = [w for b in body for w in b]
            starts = [s for s in starts if len(flat) - s >= 80] or [0]
            s = starts[int(rng.integers(len(starts)))]
            excerpt = " ".join(flat[s:s + int(rng.integers(80, 151))])
            new, _, _ = self.units.paragraphs(rng, int(rng.integers(250, 421)))
            new.insert(int(rng.integers(1, min(3, len(new)) + 1)), excerpt)
            if credit:
                new.append(f"(With inputs from {src_site})")
            site = PUBLISHERS[int(rng.integers(len(PUBLISHERS)))]
            return Doc(i, url or f"https://{slug(site)}.example/news/{i:07d}", site, _headline(new[0]),
                       "\n\n".join(new), kind, source, credited)
        url = url or f"https://{slug(agg)}.example/{i:07d}"
        return Doc(i, url, agg, self.titles[source], text, kind, source, credited)


# --- cache, probes, HTML -----------------------------------------------------------------------

def generator_rev() -> str:
    """A hash of this file: a corpus cached by another version of the generator is not reused."""
    return hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:8]


def corpus_dir(cache: Path, size: int, seed: int) -> Path:
    return cache / f"corpus-v{CORPUS_VERSION}-{generator_rev()}-s{seed}-n{size}"


def ensure_corpus(data_dir: Path, cache: Path, size: int, seed: int, log=print) -> Path:
    """The cached corpus of ``size`` documents for ``seed`` (built if missing)."""
    out = corpus_dir(cache, size, seed)
    if (out / "meta.json").exists():
        return out
    log(f"building corpus of {size:,} documents (seed {seed}) in {out}")
    CorpusWriter(data_dir, seed).build(size, out, log)
    return out


def read_records(path: Path, start: int = 0, stop: int | None = None) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if stop is not None and i >= stop:
                break
            if i >= start:
                out.append(json.loads(line))
    return out


def write_records(records: list[dict], path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


class LineFile:
    """Random access to the records of a JSON Lines file (one pass for the offsets), so a 1M
    corpus need not be held in memory. ``field(name)`` is a read-only sequence of one field."""

    def __init__(self, path: Path, stop: int | None = None) -> None:
        self.path = path
        offsets, pos = [], 0
        with open(path, "rb") as f:
            for line in f:
                if stop is not None and len(offsets) >= stop:
                    break
                offsets.append(pos)
                pos += len(line)
        self.offsets = offsets
        self._f = open(path, "rb")

    def __len__(self) -> int:
        return len(self.offsets)

    def __getitem__(self, i: int) -> dict:
        self._f.seek(self.offsets[i])
        return json.loads(self._f.readline())

    def field(self, name: str):
        outer = self

        class _Field:
            def __len__(self) -> int:
                return len(outer)

            def __getitem__(self, i: int):
                return outer[i][name]

        return _Field()


def make_probes(data_dir: Path, records: LineFile, seed: int, n: int, out_dir: Path) -> list[dict]:
    """``n`` documents to trace, not in the store, as text files: half planted copies (kinds in
    turn) of stored documents (``records``), half new originals from the corpus's unit stream
    past the real pool (generated text, from a random stream the corpus does not use)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    w = CorpusWriter(data_dir, seed)
    w.docs_text, w.titles, w.sites = records.field("text"), records.field("title"), records.field("site")
    w.units.pos = len(w.units.pool)
    w.units.batch_no = 10_000
    rng = np.random.default_rng([seed, 3])
    probes = []
    for k in range(n):
        if k % 2 == 0:
            source = int(rng.integers(len(records)))
            doc = w.repost(len(records), source, KINDS[(k // 2) % len(KINDS)], rng, url=f"probe:{k}")
            info = {"kind": doc.kind, "source_url": records[source]["url"]}
        else:
            paras, _, _ = w.units.paragraphs(rng, int(rng.integers(420, 581)))
            doc = Doc(len(records), f"probe:{k}", "", "", "\n\n".join(paras), "original")
            info = {"kind": "original", "source_url": None}
        path = out_dir / f"probe-{k:03d}.txt"
        path.write_text(doc.text, encoding="utf-8")
        probes.append({"path": str(path), **info})
    return probes


def html_page(record: dict) -> str:
    """A publisher's page around a record's text: header, nav, article, sidebar, footer."""
    site, e = record["site"], htmllib.escape
    nav = "".join(f'<li><a href="/{s.lower()}">{s}</a></li>' for s in ("Home", "World", "Business", "Contact"))
    body = "\n".join(f"<p>{e(p)}</p>" for p in record["text"].split("\n\n"))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{e(record["title"])} | {e(site)}'
            f'</title><meta property="og:site_name" content="{e(site)}">'
            f'<meta property="article:published_time" content="{record["published"]}">'
            f'<link rel="canonical" href="{record["url"]}"></head>\n<body>\n<header><div class="logo">{e(site)}</div>'
            f"<nav><ul>{nav}</ul></nav></header>\n<main><article><h1>{e(record['title'])}</h1>\n"
            f'<div class="entry-content">\n{body}\n</div></article>\n<aside class="sidebar"><h3>Most read</h3><ul>'
            f"<li>Markets close higher</li><li>Weather warning for the coast</li></ul></aside></main>\n"
            f"<footer><p>\u00a9 2024 {e(site)}. All rights reserved.</p><ul><li><a href=\"/about\">About</a></li>"
            f'<li><a href="/privacy">Privacy</a></li></ul></footer>\n</body></html>\n')


def overlap_audit(records: list[dict], kinds: list[str], n: int = DEDUP_N, sample: int = 2000) -> dict:
    """Chance overlap between originals: for up to ``sample`` real and ``sample`` generated
    originals, the share of each one's word n-grams that occur in another original of the same
    sample (mean, and the share of originals with 15+ such n-grams)."""
    out = {}
    for kind in ("real", "markov"):
        idx = [i for i, k in enumerate(kinds) if k == kind][:sample]
        if len(idx) < 2:
            continue
        grams = {i: _gram_hashes(records[i]["text"], n) for i in idx}
        counts: dict[int, int] = {}
        for i in idx:
            for g in grams[i]:
                counts[g] = counts.get(g, 0) + 1
        shared = {i: sum(counts[g] > 1 for g in grams[i]) for i in idx}
        out[kind] = {"docs": len(idx),
                     "mean_shared_share": round(float(np.mean([shared[i] / max(1, len(grams[i])) for i in idx])), 5),
                     "docs_with_15_shared": sum(v >= 15 for v in shared.values())}
    return out


if __name__ == "__main__":  # python benchmarks/scale_corpus.py SIZE [SEED]: build (cached) and audit
    size, seed = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 8
    d = ensure_corpus(DEFAULT_DATA, ROOT / "benchmarks" / ".data", size, seed)
    print(json.loads((d / "meta.json").read_text()))
    kinds = ["real"] * size
    for line in open(d / "planted.jsonl"):
        kinds[json.loads(line)["copy"]] = "repost"
    meta = json.loads((d / "meta.json").read_text())
    kinds = [k if k == "repost" else ("real" if i < meta["real_until"] else "markov") for i, k in enumerate(kinds)]
    print(overlap_audit(read_records(d / "corpus.jsonl"), kinds))
