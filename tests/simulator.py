"""A repost simulator: real Reuters-21578 stories turned into what aggregators publish, with ground truth.

Issue 4, items 5 and 6. Everything is deterministic for a given seed. The Reuters files are read in
place (``../shared/data/reuters21578``) and nothing of them is written into the project.

What it makes, per *family* (one source story and one derived document):

* the **source**: a Reuters story (body of at least ``MIN_SOURCE_WORDS`` words, at least
  ``MIN_PARAGRAPHS`` paragraphs) as a JSON Lines text record of site "Reuters";
* the **copy**, an aggregator page built by one transformation (:data:`KINDS`), always wrapped in
  that aggregator's HTML template (header, nav, footer) with in-body furniture lines ("Follow us on
  …", "Related Articles" and three link titles, "Subscribe now …"):

  ``full``            the whole text, no credit;
  ``credit_bottom``   the whole text and a credit line at the end ("Source: Reuters",
                      "(With inputs from Reuters)", "Source of information and images “Reuters”");
  ``credit_top``      the same credit line moved to the top of the body;
  ``headline``        a new headline;
  ``truncate_ge50``   the first N paragraphs, N chosen so that 50 % to 99 % of the words are kept;
  ``truncate_lt50``   the first N paragraphs keeping less than 50 % (but at least 60 words);
  ``drop_paragraphs`` one or two paragraphs after the first left out (at least 50 % kept);
  ``reorder``         two later paragraphs moved (an aggregator's re-edit);
  ``word_swap``       "said" → "stated" (up to four times), "Mr."/"Ms."/"Mrs." dropped;
  ``reencode_cp1252`` the whole text on a windows-1252 page (curly quotes, dashes, ©), given as bytes;
  ``reencode_latin1`` the whole text on an iso-8859-1 page (guillemets, accented furniture), as bytes;
  ``combo``           first N paragraphs (≥ 50 %), word swaps, a new headline and a credit line;
  ``embed``           2–4 consecutive paragraphs (≥ 80 words) of the source inside another,
                      unrelated Reuters story (the host), which is not itself in the corpus.

Kinds other than ``full`` and the ``credit_*`` ones carry a credit line with probability 1/2.

Two **conditions** alternate over the families of each kind: ``times`` (the source's JSON record
and the copy — in its JSON record and its ``article:published_time`` meta — carry publication
times, the source's earlier) and ``content`` (no ``published`` nor ``fetched`` on either side, no
date metadata: the copy must be told from credits and content).

**Negatives** (item 6), which must not be linked to anything:

* ``independent``: pairs of reports of one invented event on two sites, sharing only the names,
  the numbers and one quotation of at most 25 words (a real sentence of a third Reuters story,
  in quotation marks), their prose taken from two different Reuters stories;
* ``templated``: the reports of *different* events above written by one template (the "a" leads
  share "… mln dlrs in its latest quarter, up … pct, on sales of …", the "b" leads another), with
  different names, numbers and prose;
* ``earnings``: Reuters' own templated earnings briefs ("Shr 1.25 dlrs vs 1.10 dlrs / Net …"),
  one per company, different companies;
* ``results``: sports results tables (fixtures and standings) of one invented league on
  consecutive match days — same team names and layout, different numbers.

All Reuters stories used (sources, hosts, prose of negatives, quotes) are chosen so that no two
share a run of text (``_Deduper``): Reuters re-sends stories, and a hidden duplicate would count as
a false link.

Usage::

    sim = simulate(reuters_dir, n_sources=210, seed=4)
    targets, urls = sim.write(tmp_dir, order="sources_first")   # or "shuffled"
    ingest(store, targets)
    result = measure(store, sim, stored_ids(store, urls))
"""

from __future__ import annotations

import html
import json
import math
import random
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from reutersdata import WORD, Story, read_reuters, words

__all__ = [
    "Story", "SimDoc", "Family", "NegativePair", "Simulation", "Measurement", "KindRow",
    "read_reuters", "simulate", "measure", "stored_ids", "KINDS", "KEEPS_HALF", "format_table",
]

MIN_SOURCE_WORDS = 150
MIN_PARAGRAPHS = 4
MIN_EMBED_WORDS = 80
MAX_QUOTE_WORDS = 25
#: Earnings briefs shorter than this are refused by extraction as empty pages (min_article_words).
MIN_BRIEF_WORDS = 30

#: The transformations, in table order. ``embed`` appears twice in the round robin (more cases
#: for its own bar).
KINDS = ("full", "credit_bottom", "credit_top", "headline", "truncate_ge50", "drop_paragraphs", "reorder",
         "word_swap", "reencode_cp1252", "reencode_latin1", "combo", "truncate_lt50", "embed")
_ROUND_ROBIN = KINDS + ("embed",)
#: Kinds whose copy keeps at least half of the source (the issue's first bar).
KEEPS_HALF = frozenset(KINDS) - {"truncate_lt50", "embed"}

_WORD = WORD


class _Deduper:
    """Keeps chosen texts apart: a text sharing more than ``limit`` word 6-grams with the texts
    already chosen is refused (Reuters re-sends and corrects its stories)."""

    def __init__(self, n: int = 6, limit: int = 4) -> None:
        self.n, self.limit = n, limit
        self.seen: set[int] = set()

    def grams(self, text: str) -> set[int]:
        w = [x.lower() for x in _WORD.findall(text)]
        return {hash(tuple(w[i:i + self.n])) for i in range(max(0, len(w) - self.n + 1))}

    def take(self, text: str) -> bool:
        g = self.grams(text)
        if len(g & self.seen) > self.limit:
            return False
        self.seen |= g
        return True


# --- documents and ground truth -------------------------------------------------------------------

@dataclass(frozen=True)
class SimDoc:
    """One document to ingest. ``html`` is the page as text; with ``charset`` it is written as a
    byte file in that charset (otherwise it goes in a JSON Lines record, or ``text`` does)."""

    key: str
    url: str
    site: str
    title: str
    text: str | None = None
    html: str | None = None
    charset: str | None = None
    published: datetime | None = None
    role: str = "source"  # source | copy | negative

    def record(self) -> dict:
        rec: dict = {"url": self.url, "site": self.site, "title": self.title}
        if self.html is not None:
            rec["html"] = self.html
        else:
            rec["text"] = self.text
        if self.published is not None:
            rec["published"] = self.published.isoformat()
        return rec


@dataclass(frozen=True)
class Family:
    """Ground truth of one source and the document derived from it."""

    source: str  # SimDoc keys
    copy: str
    kind: str
    condition: str  # "times" | "content"
    expected: tuple[str, ...]  # acceptable relations
    kept_share: float  # share of the source's words the copy keeps
    copied_words: int
    credited: bool
    upstream: str = "source"


@dataclass(frozen=True)
class NegativePair:
    a: str
    b: str
    kind: str  # independent | earnings | results


@dataclass
class Simulation:
    docs: dict[str, SimDoc]
    families: list[Family]
    negatives: list[NegativePair]
    seed: int
    negative_groups: dict[str, list[str]] = field(default_factory=dict)

    def family_of(self) -> dict[str, int]:
        out = {}
        for i, f in enumerate(self.families):
            out[f.source] = i
            out[f.copy] = i
        return out

    def write(self, directory: Path, order: str = "sources_first") -> tuple[list[str], dict[str, str]]:
        """Write the documents under ``directory`` for ``ingest``; returns (targets, urls): the
        URL each document is stored under, by key (see :func:`stored_ids`). ``order``: ``sources_first`` (sources, then copies,
        then negatives) or ``shuffled`` (all documents in a seeded random order)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        sources = [k for k, d in self.docs.items() if d.role == "source"]
        copies = [k for k, d in self.docs.items() if d.role == "copy"]
        negatives = [k for k, d in self.docs.items() if d.role == "negative"]
        if order == "sources_first":
            keys = sources + copies + negatives
        elif order == "shuffled":
            keys = sources + copies + negatives
            random.Random(self.seed * 7919 + 1).shuffle(keys)
        else:
            raise ValueError(order)
        targets: list[str] = []
        batch: list[str] = []
        urls: dict[str, str] = {}

        def flush() -> None:
            if batch:
                path = directory / f"batch-{len(targets):04d}.jsonl"
                path.write_text("\n".join(json.dumps(self.docs[k].record(), ensure_ascii=False) for k in batch)
                                + "\n", encoding="utf-8")
                targets.append(str(path))
                batch.clear()

        for k in keys:
            doc = self.docs[k]
            if doc.charset:
                flush()
                path = directory / f"page-{len(targets):04d}-{doc.charset}.html"
                path.write_bytes(doc.html.encode(doc.charset))
                targets.append(str(path))
                urls[k] = path.resolve().as_uri()
            else:
                batch.append(k)
                urls[k] = doc.url
        flush()
        return targets, urls


def stored_ids(store, urls: dict[str, str]) -> dict[str, int]:
    """Document ids by simulation key, from the URLs the documents were stored under (documents
    that failed to ingest are left out)."""
    _, rows = store.query("SELECT url, doc_id FROM documents")
    by_url = dict(rows)
    return {k: by_url[u] for k, u in urls.items() if u in by_url}


# --- aggregator sites -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Site:
    name: str
    host: str
    follow: str
    subscribe: str
    footer: str
    nav: tuple[str, ...]
    lang: str = "en"


SITES = (
    _Site("Daily Bulletin", "dailybulletin.example", "Follow us on Facebook and Twitter for the latest updates",
          "Subscribe now to keep reading and get access to the full archive.",
          "Daily Bulletin is an independent news service.", ("Home", "World", "Business", "Markets", "Contact")),
    _Site("Globe Digest", "globedigest.example", "Follow us on Telegram and WhatsApp for breaking news",
          "Subscribe now to our free newsletter, delivered every morning.",
          "All content on Globe Digest is for information only.", ("Home", "News", "Economy", "Opinion")),
    _Site("Market Pulse", "marketpulse.example", "Follow us on LinkedIn for more market stories",
          "Subscribe now for unlimited access to Market Pulse premium.",
          "Market Pulse does not give investment advice.", ("Markets", "Stocks", "Commodities", "Forex")),
    _Site("Newsroom 24", "newsroom24.example", "Follow us on Google News and never miss a story",
          "Subscribe now and get the top stories in your inbox.",
          "Newsroom 24 brings you news from around the world.", ("Top stories", "Business", "Tech", "Sport")),
    _Site("Le Fil Économique", "lefil-eco.example", "Suivez-nous sur Facebook et X pour les dernières nouvelles",
          "Abonnez-vous dès maintenant à notre lettre quotidienne.",
          "Le Fil Économique : l'actualité économique du monde entier.", ("Accueil", "Économie", "Marchés"), "fr"),
    _Site("Noticias Rápidas", "noticiasrapidas.example", "Síguenos en Facebook para más noticias",
          "Suscríbete ahora a nuestro boletín gratuito.",
          "Noticias Rápidas — información económica al día.", ("Inicio", "Economía", "Mercados"), "es"),
)
_EN_SITES = SITES[:4]
_CREDITS = ("Source: Reuters", "(With inputs from Reuters)", "Source of information and images \u201cReuters\u201d")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _page(site: _Site, url: str, title: str, paragraphs: list[str], related: list[str], *,
          published: datetime | None, charset: str = "utf-8", rng: random.Random) -> str:
    """An aggregator page: header/nav/footer, the paragraphs, in-body furniture lines."""
    body: list[str] = []
    follow_at = min(len(paragraphs), 2 + rng.randint(0, 1))
    for i, p in enumerate(paragraphs):
        if i == follow_at:
            body.append(f'<p class="follow"><em>{_esc(site.follow)}</em></p>')
        body.append(f"<p>{_esc(p)}</p>")
    if follow_at >= len(paragraphs):
        body.append(f'<p class="follow"><em>{_esc(site.follow)}</em></p>')
    body.append("<p><strong>Related Articles</strong></p>")
    body.append("<ul>" + "".join(f'<li><a href="https://{site.host}/news/{zlib.crc32(t.encode()) % 10**6}">{_esc(t)}</a></li>'
                                 for t in related) + "</ul>")
    body.append(f"<p>{_esc(site.subscribe)}</p>")
    meta_time = (f'<meta property="article:published_time" content="{published.isoformat()}">'
                 if published else "")
    nav = "".join(f'<li><a href="https://{site.host}/{n.lower().replace(" ", "-")}">{_esc(n)}</a></li>'
                  for n in site.nav)
    charset_decl = (f'<meta charset="{charset}">' if charset != "iso-8859-1"
                    else f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">')
    return (f'<!DOCTYPE html>\n<html lang="{site.lang}"><head>{charset_decl}'
            f"<title>{_esc(title)} | {_esc(site.name)}</title>"
            f'<meta property="og:site_name" content="{_esc(site.name)}">'
            f'<meta property="og:title" content="{_esc(title)}">'
            f'<link rel="canonical" href="{url}">{meta_time}</head>\n<body>\n'
            f'<header><div class="logo"><a href="https://{site.host}/">{_esc(site.name)}</a></div>'
            f"<nav><ul>{nav}</ul></nav></header>\n"
            f'<main><article><h1>{_esc(title)}</h1>\n<div class="entry-content">\n' + "\n".join(body)
            + "\n</div></article>\n"
            f'<aside class="sidebar"><h3>Most read</h3><ul><li>{_esc(related[0])}</li></ul></aside></main>\n'
            f"<footer><p>\u00a9 2024 {_esc(site.name)}. {_esc(site.footer)}</p>"
            f'<ul><li><a href="https://{site.host}/about">About</a></li>'
            f'<li><a href="https://{site.host}/privacy">Privacy</a></li></ul></footer>\n</body></html>\n')


# --- transformations ------------------------------------------------------------------------------

_SAID = re.compile(r"\bsaid\b")
_HONORIFIC = re.compile(r"\b(?:Mr|Mrs|Ms)\. ")


def _swap_words(paragraphs: list[str], rng: random.Random, limit: int = 4) -> list[str]:
    spots = [(i, m.start()) for i, p in enumerate(paragraphs) for m in _SAID.finditer(p)]
    chosen = set(rng.sample(spots, min(limit, len(spots))))
    out = []
    for i, p in enumerate(paragraphs):
        starts = sorted(s for j, s in chosen if j == i)
        for s in reversed(starts):
            p = p[:s] + "stated" + p[s + 4:]
        out.append(_HONORIFIC.sub("", p))
    return out


def _new_headline(title: str, rng: random.Random) -> str:
    base = title.title().replace("'S", "'s")
    pattern = rng.choice(("{t}: what we know", "Report: {t}", "{t} - here is why it matters", "Explained: {t}"))
    return pattern.format(t=base)


def _curly(text: str, charset: str) -> str:
    """Typographic quotes and dashes as a windows-1252 page would have them, or guillemets on an
    iso-8859-1 page (which has no curly quotes)."""
    if charset == "iso-8859-1":
        return re.sub(r'"([^"\n]{1,400})"', "\u00ab\\1\u00bb", text)  # latin-1 has no dashes either
    text = re.sub(r'"([^"\n]{1,400})"', "\u201c\\1\u201d", text)
    text = re.sub(r"(\w)'(\w)", "\\1\u2019\\2", text)
    return text.replace(" - ", " \u2013 ")


def _first_n(paragraphs: list[str], lo: float, hi: float, rng: random.Random, min_words: int = 0) -> int | None:
    total = sum(words(p) for p in paragraphs)
    ok = []
    for n in range(1, len(paragraphs)):
        share = sum(words(p) for p in paragraphs[:n]) / total
        if lo <= share < hi and sum(words(p) for p in paragraphs[:n]) >= min_words:
            ok.append(n)
    return rng.choice(ok) if ok else None


# --- negatives ------------------------------------------------------------------------------------

_FIRST = ("Anna", "Peter", "Maria", "John", "Hiroshi", "Elena", "David", "Sofia", "Karl", "Laura", "James", "Ines")
_LAST = ("Keller", "Morgan", "Tanaka", "Rossi", "Novak", "Fischer", "Lindqvist", "Brennan", "Okafor", "Duarte")
_CORP_A = ("Harbor", "Northgate", "Pacific", "Allied", "Summit", "Orion", "Westfield", "Crescent", "Delta", "Redwood",
           "Granite", "Lakeside", "Meridian", "Beacon", "Frontier", "Highland", "Keystone")
_CORP_B = ("Steel", "Energy", "Grain", "Textile", "Chemicals", "Shipping", "Mining", "Foods", "Cable", "Paper", "Glass")
_CORP_C = ("Corp", "Inc", "Co", "Ltd", "Group")
_ROLES = ("chief executive", "chairman", "finance director", "president", "spokesman")
_TEAMS = ("Arsenal", "Aston Villa", "Charlton", "Chelsea", "Coventry", "Everton", "Leicester", "Liverpool",
          "Luton", "Manchester City", "Manchester United", "Newcastle", "Norwich", "Nottingham Forest",
          "Oxford", "Queens Park Rangers", "Sheffield Wednesday", "Southampton", "Tottenham", "Watford",
          "West Ham", "Wimbledon")


def _independent_pair(i: int, prose_a: Story, prose_b: Story, quote: str, rng: random.Random,
                      when: datetime) -> tuple[SimDoc, SimDoc]:
    person = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    corp = f"{_CORP_A[i % len(_CORP_A)]} {_CORP_B[(i * 7) % len(_CORP_B)]} {_CORP_C[i % len(_CORP_C)]}"
    role = rng.choice(_ROLES)
    net, sales, pct, shr = (rng.randint(11, 480), rng.randint(500, 9000), rng.randint(3, 40),
                            f"{rng.randint(0, 4)}.{rng.randint(10, 99)}")
    ticker = "".join(w[0] for w in corp.split()).upper() + chr(65 + i % 26)
    # the leads share the event's names and numbers, never a run of five words of their own
    lead_a = (f"{corp} <{ticker}> earned {net} mln dlrs in its latest quarter, up {pct} pct, on sales of "
              f"{sales} mln dlrs or {shr} dlrs a share, {role} {person} announced.")
    lead_b = (f"Sales at {corp} reached {sales} mln dlrs and net income {net} mln, a gain of {pct} pct "
              f"({shr} dlrs per share), according to {person}.")
    quote_a = f"\u201c{quote}\u201d {person} said in a statement."
    quote_b = f"{person} added: \u201c{quote}\u201d"
    pa = [lead_a, quote_a] + list(prose_a.paragraphs[:4])
    pb = [lead_b] + list(prose_b.paragraphs[:3]) + [quote_b]
    site_a, site_b = _EN_SITES[i % 4], _EN_SITES[(i + 1) % 4]
    title = f"{corp} profit up {pct} pct"
    docs = []
    for tag, site, paras, delay in (("a", site_a, pa, 0), ("b", site_b, pb, 40)):
        url = f"https://{site.host}/business/{corp.lower().replace(' ', '-')}-{i}-{tag}"
        t = when + timedelta(minutes=delay)
        page = _page(site, url, title if tag == "a" else f"{corp} earnings climb", paras,
                     ["Oil prices steady", "Dollar firms in Tokyo", "Grain exports rise"], published=t, rng=rng)
        docs.append(SimDoc(f"neg-ind-{i}-{tag}", url, site.name, title, html=page, published=t, role="negative"))
    return docs[0], docs[1]


def _results_table(round_no: int, standings: dict[str, list[int]], rng: random.Random) -> str:
    teams = list(_TEAMS)
    rng.shuffle(teams)
    lines = [f"Results of English first division soccer matches played on Saturday (round {round_no}):"]
    for home, away in zip(teams[0::2], teams[1::2]):
        hg, ag = rng.randint(0, 4), rng.randint(0, 3)
        lines.append(f"{home} {hg} {away} {ag}")
        for team, f_, a_ in ((home, hg, ag), (away, ag, hg)):
            row = standings[team]
            row[0] += 1
            row[1 if f_ > a_ else 2 if f_ == a_ else 3] += 1
            row[4] += f_
            row[5] += a_
            row[6] += 3 if f_ > a_ else 1 if f_ == a_ else 0
    lines.append("Standings (tabulate under played, won, drawn, lost, goals for, against, points):")
    for team, row in sorted(standings.items(), key=lambda kv: (-kv[1][6], -(kv[1][4] - kv[1][5]), kv[0])):
        lines.append(f"{team} {' '.join(str(x) for x in row)}")
    return "\n\n".join(lines)


_EARN = re.compile(r"^(?:Shr|Oper shr|Shr loss|Qtly div)\b", re.I)
_COMPANY = re.compile(r"^(.*?)(?:<|\s+\b(?:1ST|2ND|3RD|4TH|YEAR|QTR|NINE|SIX|FIRST|SECOND|THIRD|FOURTH)\b)")


def _earnings_briefs(stories: list[Story], n: int, rng: random.Random) -> list[Story]:
    """Reuters earnings briefs ("Shr … vs …" tables), one per company and never two with one body."""
    pool = [s for s in stories if "earn" in s.topics and s.paragraphs and _EARN.match(s.paragraphs[0])
            and len(s.paragraphs) >= 3 and s.words >= MIN_BRIEF_WORDS and s.title and not s.title.startswith("CORRECTED")]
    rng.shuffle(pool)
    seen_companies: set[str] = set()
    seen_bodies: set[str] = set()
    out = []
    for s in pool:
        m = _COMPANY.match(s.title)
        company = (m.group(1) if m else s.title).strip().upper()
        body = "\n".join(s.paragraphs)
        if not company or company in seen_companies or body in seen_bodies:
            continue
        seen_companies.add(company)
        seen_bodies.add(body)
        out.append(s)
        if len(out) == n:
            break
    return out


# --- the simulation ----------------------------------------------------------------------------

def _feasible(story: Story, kind: str) -> bool:
    paras = list(story.paragraphs)
    if kind == "truncate_lt50":
        return _first_n(paras, 0.0, 0.5, random.Random(0), min_words=60) is not None
    if kind in ("truncate_ge50", "combo"):
        return _first_n(paras, 0.5, 0.99, random.Random(0)) is not None
    if kind == "embed":
        return any(sum(words(p) for p in paras[a:b]) >= MIN_EMBED_WORDS
                   for a in range(len(paras)) for b in range(a + 2, min(a + 4, len(paras)) + 1))
    return True


def _assign(pool: list[Story], kinds: list[str]) -> tuple[list[Story], list[Story]]:
    """A story for each kind, in order: the first unused one the kind can be applied to."""
    free = list(pool)
    out = []
    for kind in kinds:
        j = next((j for j, s in enumerate(free) if _feasible(s, kind)), None)
        if j is None:
            raise ValueError(f"no story left for {kind}")
        out.append(free.pop(j))
    return out, free

def simulate(data_dir: Path, n_sources: int = 210, seed: int = 4, *, n_independent: int = 20,
             n_earnings: int = 40, n_results: int = 10, stories: list[Story] | None = None) -> Simulation:
    """Build the families and negatives from the Reuters collection at ``data_dir``."""
    rng = random.Random(seed)
    stories = stories if stories is not None else read_reuters(data_dir)
    eligible = [s for s in stories if s.words >= MIN_SOURCE_WORDS and len(s.paragraphs) >= MIN_PARAGRAPHS
                and s.title and not s.title.upper().startswith("CORRECTED")]
    rng.shuffle(eligible)
    dedupe = _Deduper()
    kinds = [_ROUND_ROBIN[i % len(_ROUND_ROBIN)] for i in range(n_sources)]
    n_hosts = kinds.count("embed")
    picked: list[Story] = []
    need = n_sources + 40 + n_hosts + 3 * n_independent + 40
    for s in eligible:
        if dedupe.take(s.text):
            picked.append(s)
            if len(picked) == need:
                break
    if len(picked) < need:
        raise ValueError(f"only {len(picked)} distinct stories of {need} needed")
    sources, rest = _assign(picked[:n_sources + 40], kinds)
    rest += picked[n_sources + 40:]
    hosts, rest = rest[:n_hosts], rest[n_hosts:]
    prose, rest = rest[:2 * n_independent], rest[2 * n_independent:]
    quote_pool, related_pool = rest[:n_independent], rest[n_independent:]
    related_titles = [s.title.title() for s in related_pool] or ["Markets in brief"]

    docs: dict[str, SimDoc] = {}
    families: list[Family] = []
    condition_count: dict[str, int] = defaultdict(int)
    for i, (story, kind) in enumerate(zip(sources, kinds)):
        condition = ("times", "content")[condition_count[kind] % 2]
        condition_count[kind] += 1
        src_key = f"src-{story.newid}"
        src_time = story.date if condition == "times" else None
        docs[src_key] = SimDoc(src_key, f"https://www.reuters.com/article/id{story.newid}", "Reuters", story.title,
                               text=story.text, published=src_time, role="source")
        frng = random.Random(seed * 1_000_003 + story.newid)
        paragraphs = list(story.paragraphs)
        dateline = story.dateline
        title = story.title.title()
        credited = kind in ("credit_bottom", "credit_top", "combo") or (kind != "full" and frng.random() < 0.5)
        credit = frng.choice(_CREDITS)
        credit_top = kind == "credit_top" or (kind not in ("credit_bottom",) and frng.random() < 0.3)
        charset = "utf-8"
        expected: tuple[str, ...] = ("copy",)
        total = story.words
        kept_words = total
        if kind == "headline":
            title = _new_headline(story.title, frng)
        elif kind in ("truncate_ge50", "combo"):
            n = _first_n(paragraphs, 0.5, 0.99, frng) or len(paragraphs) - 1
            paragraphs = paragraphs[:n]
            if kind == "combo":
                paragraphs = _swap_words(paragraphs, frng)
                title = _new_headline(story.title, frng)
        elif kind == "truncate_lt50":
            n = _first_n(paragraphs, 0.0, 0.5, frng, min_words=60) or 1
            paragraphs = paragraphs[:n]
        elif kind == "drop_paragraphs":
            for _ in range(2):
                cand = [j for j in range(1, len(paragraphs))
                        if sum(words(p) for k, p in enumerate(paragraphs) if k != j) >= 0.5 * total]
                if cand and (len(paragraphs) > 4 or _ == 0):
                    paragraphs.pop(frng.choice(cand))
        elif kind == "reorder":
            j = frng.randrange(1, len(paragraphs) - 1)
            p = paragraphs.pop(j)
            paragraphs.insert(frng.choice([k for k in range(1, len(paragraphs) + 1) if k != j]), p)
            if len(paragraphs) > 4:
                a = frng.randrange(1, len(paragraphs) - 1)
                paragraphs[a], paragraphs[a + 1] = paragraphs[a + 1], paragraphs[a]
        elif kind == "word_swap":
            paragraphs = _swap_words(paragraphs, frng)
            expected = ("copy", "rewrite")
        elif kind.startswith("reencode"):
            charset = "windows-1252" if kind == "reencode_cp1252" else "iso-8859-1"
        if kind == "combo":
            expected = ("copy", "excerpt", "rewrite")
        kept_words = sum(words(p) for p in paragraphs)
        if kind in ("truncate_ge50", "drop_paragraphs", "combo"):
            expected = tuple(dict.fromkeys(expected + (("copy",) if kept_words >= 0.8 * total else ("excerpt",))))
        if kind == "truncate_lt50":
            expected = ("excerpt",)

        # paragraphs of the page: the dateline stays on the first kept paragraph if it is the source's first
        page_paras = list(paragraphs)
        if page_paras and page_paras[0] == story.paragraphs[0] and dateline:
            page_paras[0] = f"{dateline} - {page_paras[0]}"
        copied_words = kept_words
        if kind == "embed":
            host = hosts.pop()
            ok = [(a, b) for a in range(len(story.paragraphs)) for b in range(a + 2, min(a + 4, len(story.paragraphs)) + 1)
                  if sum(words(p) for p in story.paragraphs[a:b]) >= MIN_EMBED_WORDS]
            a, b = frng.choice(ok) if ok else (0, len(story.paragraphs))
            excerpt = list(story.paragraphs[a:b])
            host_paras = list(host.paragraphs)
            at = frng.randint(1, max(1, len(host_paras) - 1))
            page_paras = ([f"{host.dateline} - {host_paras[0]}" if host.dateline else host_paras[0]]
                          + host_paras[1:at] + excerpt + host_paras[at:])
            title = host.title.title()
            copied_words = sum(words(p) for p in excerpt)
            kept_words = copied_words
            expected = ("excerpt",)
        if credited:
            page_paras = [credit] + page_paras if credit_top else page_paras + [credit]
        if charset != "utf-8":
            page_paras = [_curly(p, charset) for p in page_paras]
        site = (SITES[4] if charset == "iso-8859-1" else SITES[4 + (i % 2)] if charset == "windows-1252"
                else _EN_SITES[i % 4])
        if charset == "iso-8859-1":
            page_paras = [p.replace("\u201c", "\u00ab").replace("\u201d", "\u00bb") for p in page_paras]
        copy_time = story.date + timedelta(minutes=frng.randint(20, 360)) if condition == "times" else None
        url = f"https://{site.host}/{frng.choice(('news', 'business', 'world'))}/{story.newid}-{kind.replace('_', '-')}"
        related = frng.sample(related_titles, 3)
        page = _page(site, url, title, page_paras, related, published=copy_time, charset=charset, rng=frng)
        copy_key = f"copy-{story.newid}-{kind}"
        docs[copy_key] = SimDoc(copy_key, url, site.name, title, html=page,
                                charset=None if charset == "utf-8" else charset, published=copy_time, role="copy")
        families.append(Family(src_key, copy_key, kind, condition, expected, round(kept_words / total, 3),
                               copied_words, credited))

    negatives: list[NegativePair] = []
    groups: dict[str, list[str]] = defaultdict(list)
    # independent reports of one event
    base = datetime(1987, 4, 7, 9, 0, tzinfo=timezone.utc)
    for i in range(n_independent):
        sentences = [s for p in quote_pool[i].paragraphs for s in re.split(r"(?<=\.)\s+", p)
                     if 12 <= words(s) <= MAX_QUOTE_WORDS and '"' not in s]
        quote = sentences[0] if sentences else " ".join(quote_pool[i].paragraphs[0].split()[:20])
        quote = " ".join(quote.split()[:MAX_QUOTE_WORDS]).rstrip(".,") + "."
        a, b = _independent_pair(i, prose[2 * i], prose[2 * i + 1], quote, random.Random(seed + 17 * i),
                                 base + timedelta(days=i))
        docs[a.key], docs[b.key] = a, b
        negatives.append(NegativePair(a.key, b.key, "independent"))
        groups["independent"] += [a.key, b.key]
    # the reports of different events: each site's lead follows one template (names and numbers
    # differ, some template words are shared) and the prose differs
    for tag in ("a", "b"):
        keys = [f"neg-ind-{i}-{tag}" for i in range(n_independent)]
        negatives += [NegativePair(x, y, "templated") for j, x in enumerate(keys) for y in keys[j + 1:]]
    # templated earnings briefs of different companies
    briefs = _earnings_briefs(stories, n_earnings, random.Random(seed + 1))
    for s in briefs:
        key = f"neg-earn-{s.newid}"
        docs[key] = SimDoc(key, f"https://www.reuters.com/article/id{s.newid}", "Reuters", s.title,
                           text=s.text, published=s.date, role="negative")
        groups["earnings"].append(key)
    for x in range(len(briefs)):
        for y in range(x + 1, len(briefs)):
            negatives.append(NegativePair(groups["earnings"][x], groups["earnings"][y], "earnings"))
    # results tables of one league on consecutive match days
    trng = random.Random(seed + 2)
    standings = {t: [0] * 7 for t in _TEAMS}
    for r in range(n_results):
        # tables start from round 5: by then the standings rows differ from day to day only in numbers
        for _ in range(4 if r == 0 else 0):
            _results_table(0, standings, trng)
        key = f"neg-results-{r + 5}"
        docs[key] = SimDoc(key, f"https://sportsdesk.example/soccer/results-round-{r + 5}", "Sports Desk",
                           f"Soccer - English first division results and standings (round {r + 5})",
                           text=_results_table(r + 5, standings, trng),
                           published=datetime(1987, 3, 7, 18, 0, tzinfo=timezone.utc) + timedelta(days=7 * r),
                           role="negative")
        groups["results"].append(key)
    for x in range(len(groups["results"])):
        for y in range(x + 1, len(groups["results"])):
            negatives.append(NegativePair(groups["results"][x], groups["results"][y], "results"))
    return Simulation(docs, families, negatives, seed, dict(groups))


# --- measuring -------------------------------------------------------------------------------------

@dataclass
class KindRow:
    kind: str
    n: int = 0
    found: int = 0
    direction_ok: int = 0
    direction_decided_ok: int = 0  # right and not the "stored first" fallback
    relation_ok: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.n if self.n else math.nan

    @property
    def direction(self) -> float:
        return self.direction_ok / self.found if self.found else math.nan


@dataclass
class Measurement:
    order: str
    rows: dict[str, KindRow]
    keeps_half: KindRow
    embed_80: KindRow
    by_condition: dict[str, KindRow]
    by_condition_credit: dict[tuple[str, bool], KindRow]
    edges_total: int
    edges_true: int
    shares_source_true: int  # shares_source edges between a source and its copy (not counted as found)
    false_edges: list[tuple[str, str, str]]
    negatives_linked: dict[str, int]
    negatives_pairs: dict[str, int]
    misses: list[tuple[Family, str]]  # (family, what the store has between them)
    wrong_direction: list[tuple[Family, tuple[str, ...]]]

    @property
    def precision(self) -> float:
        return self.edges_true / self.edges_total if self.edges_total else 1.0


_FALLBACK = "no evidence says which came first"


def measure(store, sim: Simulation, ids: dict[str, int], order: str = "") -> Measurement:
    """Compare the store's edges with the simulation's ground truth. ``ids`` maps keys to doc ids."""
    by_id = {v: k for k, v in ids.items()}
    _, rows = store.query("SELECT source_id, copy_id, relation, confidence, reasons FROM edges")
    pairs: dict[frozenset, list[tuple]] = defaultdict(list)
    for source_id, copy_id, relation, confidence, reasons in rows:
        if source_id in by_id and copy_id in by_id:
            pairs[frozenset((by_id[source_id], by_id[copy_id]))].append(
                (by_id[source_id], by_id[copy_id], relation, confidence, tuple(reasons or ())))
    family = sim.family_of()
    edges_total = edges_true = shares_true = 0
    false_edges = []
    for pair, edges in pairs.items():
        a, b = tuple(pair)
        for src, cpy, relation, _, _ in edges:
            edges_total += 1
            same = a in family and b in family and family[a] == family[b]
            if same:
                edges_true += 1
                shares_true += relation == "shares_source"
            else:
                false_edges.append((src, cpy, relation))

    rows_by_kind = {k: KindRow(k) for k in KINDS}
    keeps_half, embed_80 = KindRow("copies keeping >= 50%"), KindRow("embedded excerpts >= 80 words")
    by_condition = {c: KindRow(f"direction, {c}") for c in ("times", "content")}
    by_cc = {(c, cr): KindRow(f"{c}, {'credited' if cr else 'uncredited'}")
             for c in ("times", "content") for cr in (True, False)}
    misses, wrong = [], []
    for f in sim.families:
        edges = [e for e in pairs.get(frozenset((f.source, f.copy)), []) if e[2] != "shares_source"]
        groups = [rows_by_kind[f.kind], by_condition[f.condition], by_cc[(f.condition, f.credited)]]
        if f.kind in KEEPS_HALF and f.kept_share >= 0.5:
            groups.append(keeps_half)
        if f.kind == "embed" and f.copied_words >= MIN_EMBED_WORDS:
            groups.append(embed_80)
        for g in groups:
            g.n += 1
        if not edges:
            have = pairs.get(frozenset((f.source, f.copy)))
            misses.append((f, have[0][2] if have else "no edge"))
            continue
        src, _, relation, _, reasons = edges[0]
        right = src == f.source
        decided = right and not any(r.startswith(_FALLBACK) for r in reasons)
        if not right:
            wrong.append((f, reasons))
        for g in groups:
            g.found += 1
            g.direction_ok += right
            g.direction_decided_ok += decided
            g.relation_ok += relation in f.expected

    neg_linked = defaultdict(int)
    neg_pairs = defaultdict(int)
    for p in sim.negatives:
        neg_pairs[p.kind] += 1
        if frozenset((p.a, p.b)) in pairs:
            neg_linked[p.kind] += 1
    # a negative linked to anything at all (a source, a copy, another negative) is a false link too
    for src, cpy, _ in false_edges:
        for k in (src, cpy):
            if sim.docs[k].role == "negative":
                neg_linked["any edge touching a negative"] += 1
                break
    return Measurement(order, rows_by_kind, keeps_half, embed_80, by_condition, by_cc, edges_total, edges_true,
                       shares_true, false_edges, dict(neg_linked), dict(neg_pairs), misses, wrong)


def _f(x: float) -> str:
    return "  -  " if isinstance(x, float) and math.isnan(x) else f"{x:.3f}"


def format_table(m: Measurement) -> str:
    out = [f"order: {m.order}",
           f"{'transformation':<30} {'n':>4} {'recall':>7} {'direction':>9} {'decided':>8} {'relation':>8}"]

    def line(r: KindRow) -> str:
        dec = r.direction_decided_ok / r.found if r.found else math.nan
        rel = r.relation_ok / r.found if r.found else math.nan
        return f"{r.kind:<30} {r.n:>4} {_f(r.recall):>7} {_f(r.direction):>9} {_f(dec):>8} {_f(rel):>8}"

    out += [line(r) for r in m.rows.values()]
    out.append("-" * 72)
    out += [line(m.keeps_half), line(m.embed_80)]
    out += [line(r) for r in m.by_condition.values()]
    out += [line(r) for r in m.by_condition_credit.values()]
    out.append(f"precision: {m.edges_true}/{m.edges_total} = {_f(m.precision)} "
               f"(shares_source between a source and its copy: {m.shares_source_true})")
    neg = ", ".join(f"{k} {m.negatives_linked.get(k, 0)}/{n} pairs" for k, n in m.negatives_pairs.items())
    out.append(f"negatives linked: {neg}; edges touching a negative: "
               f"{m.negatives_linked.get('any edge touching a negative', 0)}")
    return "\n".join(out)
