"""The small frozen records that flow between the pipeline's stages.

fetch/read → :class:`RawDocument` → extract → :class:`Article` → fingerprint → :class:`Fingerprint`
→ match → :class:`Alignment` → lineage → :class:`Edge` (with :class:`Passage` and :class:`DiffOp`)
→ store → :class:`StoredDocument` → report.

Character offsets are always half-open ``[start, end)`` into ``Article.text`` (= ``documents.text``
in the store), so ``text[start:end]`` is the span and SQL's ``substr(text, start + 1, end - start)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

__all__ = [
    "RawDocument",
    "Credit",
    "Furniture",
    "Article",
    "Fingerprint",
    "Passage",
    "Alignment",
    "DiffOp",
    "Edge",
    "StoredDocument",
    "FrontierEntry",
    "FrontierState",
    "FetchRecord",
    "FRONTIER_KINDS",
    "document_id",
    "edge_id_for",
    "RELATIONS",
    "DIFF_KINDS",
    "LINEAGE_RELATIONS",
    "SITE_COPY_RELATIONS",
]

#: Edge relations. ``copy``: near-verbatim, whole or most of the source; ``excerpt``: a part of the
#: source inside a longer or shorter text; ``rewrite``: a revised copy; ``shares_source``: both
#: derive from a third text and neither is upstream by evidence; ``version``: the same article
#: updated at the same URL or canonical URL.
RELATIONS = ("copy", "excerpt", "rewrite", "shares_source", "version")

#: What a diff segment is, when it can be told: ``furniture`` (page furniture the copy added),
#: ``credit`` (a credit line), ``truncation`` (source text the copy left off at its start or end),
#: ``context`` (the copy's own text around an embedded excerpt), ``editorial`` (a change inside
#: the copied text).
DIFF_KINDS = ("furniture", "credit", "truncation", "context", "editorial")

#: Copy-like relations: those that make one document an ancestor of another in the lineage graph
#: (``shares_source`` has no direction). Lineage walks them, and the store's analysis views read
#: them from its ``copy_relations`` table, which the store keeps equal to this set.
LINEAGE_RELATIONS = frozenset({"copy", "excerpt", "rewrite", "version"})
#: Of those, where one site took another's text: what the report's network, tables and charts count
#: (a ``version`` is a page's own revision).
SITE_COPY_RELATIONS = LINEAGE_RELATIONS - {"version"}


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One input as read (the fetch stage's output), before extraction.

    ``content`` is bytes for files and HTTP bodies (decoded later, by BOM / header / meta /
    detection) and str for JSON Lines records. ``url`` is the final URL of a fetched page, the
    ``file://`` URI of a local file, the ``url`` of a JSON record, or ``stdin:<hash of the bytes>``
    for standard input.
    """

    url: str
    content: bytes | str
    origin: str  # for messages: a path, a URL, "stdin" or "file.jsonl:12"
    content_type: str | None = None  # HTTP Content-Type, the charset hint of last resort
    format_hint: str | None = None  # "html" or "text" when the input says so (JSON record field)
    site: str | None = None
    title: str | None = None
    published: datetime | None = None  # publication time the input declares (JSON record)
    fetched: datetime | None = None  # when it was fetched or first seen


@dataclass(frozen=True, slots=True)
class Credit:
    """A credit line or syndication marker, resolved to an outlet where possible.

    ``kind`` is one of: ``source_line`` ("Source: X", "Source of information and images 'X'"),
    ``via``, ``courtesy``, ``agencies`` ("(With inputs from agencies)"), ``wire`` (a wire byline or
    dateline such as "ISLAMABAD (Reuters) -" or "(PTI)"), ``reported`` (a prose credit: "As Reuters
    reported"), ``canonical`` (rel=canonical / og:url to
    another host), ``meta`` (syndication-source / original-source meta). Offsets are into
    ``Article.text``; both are -1 for markers that are not in the text (canonical, meta).
    """

    phrase: str
    outlet: str
    host: str | None
    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Furniture:
    """A span of ``Article.text`` that is page furniture, not article content, and why."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True, slots=True)
class Article:
    """What extraction keeps of a page: metadata and the article text, paragraphs split by blank lines.

    ``text`` keeps in-body furniture lines and credit lines (so a diff can show them); they are
    marked by ``furniture`` and ``credits`` and left out of fingerprints.
    """

    url: str
    text: str
    format: str  # "html" or "text"
    title: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    published_at: datetime | None = None
    authors: tuple[str, ...] = ()
    credits: tuple[Credit, ...] = ()
    furniture: tuple[Furniture, ...] = ()
    fetched_at: datetime | None = None
    #: The UTC offset, in minutes, of the clock the page (or record) gave its publication time in:
    #: ``published_at`` is UTC, and this keeps the page's own calendar (an evening story in
    #: Karachi, +300, is dated the next day in UTC). 0 for a time given without an offset (read as
    #: UTC, so its day is the day as written); None when there is no publication time.
    published_offset: int | None = None
    #: The site's display name as the page or record gives it (og:site_name, JSON-LD publisher,
    #: a JSON record's non-host ``site``: "Oil News Daily"); ``site`` is always the normalised host
    #: (:func:`provenance.pages.site_of`), None when the input has no web host.
    site_name: str | None = None

    @property
    def furniture_site(self) -> str | None:
        """Whose pages this page's repeated lines are compared with (learned furniture): its
        site (host), else the site name it gives (a saved page without a web URL)."""
        return self.site or self.site_name

    @property
    def published_local(self) -> datetime | None:
        """The publication time on the page's own clock (aware, in its offset), when it gave one."""
        if self.published_at is None or self.published_offset is None:
            return None
        return self.published_at.astimezone(timezone(timedelta(minutes=self.published_offset)))

    @property
    def body(self) -> str:
        """The text without furniture spans: what a reader would call the article."""
        if not self.furniture:
            return self.text
        pieces, last = [], 0
        for span in sorted(self.furniture, key=lambda f: f.start):
            if span.start > last:
                pieces.append(self.text[last : span.start])
            last = max(last, span.end)
        pieces.append(self.text[last:])
        return "\n\n".join(p.strip() for p in pieces if p.strip())


@dataclass(frozen=True, slots=True, eq=False)
class Fingerprint:
    """The fingerprint stage's output for one text.

    ``signature`` is the whole-text MinHash (uint32 values, serialised little-endian) and
    ``band_keys`` the 64-bit LSH keys of the text and of its overlapping windows, ready for the
    store's band index. ``content_hash`` identifies the normalised content (idempotent ingest).
    """

    content_hash: str
    num_tokens: int
    num_shingles: int
    signature: bytes
    band_keys: tuple[tuple[int, int], ...]  # (band number, key): the index keys of each family
    line_signatures: tuple[int, ...] = ()  # short lines, counted per site to learn site furniture
    #: ``band_keys`` as numpy arrays (int16 bands, uint64 keys), when the fingerprint stage made them:
    #: converting hundreds of 64-bit Python ints back costs more than the rest of storing a document
    key_arrays: object = None


@dataclass(frozen=True, slots=True)
class Passage:
    """A copied passage: ``[source_start, source_end)`` in the source's text is reused at
    ``[copy_start, copy_end)`` in the copy's text. ``words`` counts the aligned words."""

    source_start: int
    source_end: int
    copy_start: int
    copy_end: int
    words: int = 0


@dataclass(frozen=True, slots=True)
class Alignment:
    """Exact comparison of two texts ``a`` and ``b`` (match stage; no direction yet).

    ``a_in_b`` is the share of a's shingles found in b (containment of a in b); ``b_in_a`` the
    reverse. Passages are given with a as "source" and b as "copy"; lineage orients them.
    """

    a_id: int
    b_id: int
    shared_shingles: int
    jaccard: float
    a_in_b: float
    b_in_a: float
    passages: tuple[Passage, ...]
    evidence_words: int  # aligned words, quoted ones discounted: what counts as copy evidence
    # share of each text's words outside quotations covered by the 5-word and by the 3-word
    # shingles the two share: how much is reused, and how verbatim (a revision keeps 3-grams)
    a_cover5: float = 0.0
    b_cover5: float = 0.0
    a_cover3: float = 0.0
    b_cover3: float = 0.0
    rewrite_words: int = 0  # words outside quotations covered by shared informative 3-grams (smaller side)
    rewrite_share: float = 0.0  # the larger side's share of words covered by them
    a_words: int = 0  # content words (outside furniture and credit lines) of each text
    b_words: int = 0
    # figures (numbers, prices, dates' digits) inside the aligned passages of each text, and how
    # many of them the two have in common: a copy repeats its source's figures, a text filled in
    # from the same template (earnings briefs, bond announcements) does not
    a_figures: int = 0
    b_figures: int = 0
    shared_figures: int = 0
    # aligned words outside quotations, names and figures (the fewer of the two texts'): what two
    # independent reports of one event do not share much of, and a revision does
    prose_words: int = 0


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One segment of the word-level diff of a copy against its source.

    ``op`` is ``insert`` (only in the copy), ``delete`` (only in the source) or ``replace``;
    ``text`` is the copy's text for insert/replace and the source's for delete; ``kind`` is one
    of :data:`DIFF_KINDS`.
    """

    op: str
    source_start: int
    source_end: int
    copy_start: int
    copy_end: int
    text: str
    kind: str
    source_text: str = ""  # for replace: what the source said


@dataclass(frozen=True, slots=True)
class Edge:
    """A lineage edge: ``copy_id`` reused text of ``source_id`` (the upstream document).

    ``containment`` is the share of the source's text found in the copy (how much was taken);
    ``copy_containment`` the share of the copy that comes from the source (how much of the copy
    is borrowed). ``confidence`` is the confidence that the link is right: that the two texts are
    a reuse pair *and* that ``source_id`` is upstream; ``direction_confidence`` is the second part
    alone (None on edges stored before it was recorded). ``reasons`` says why in words.
    """

    source_id: int
    copy_id: int
    relation: str
    jaccard: float
    containment: float
    copy_containment: float
    confidence: float
    reasons: tuple[str, ...]
    credited: bool  # the copy credits the source's site or outlet
    passages: tuple[Passage, ...] = ()
    diff: tuple[DiffOp, ...] = ()
    via_id: int | None = None  # for shares_source: the common upstream, when it is in the store
    direction_confidence: float | None = None

    @property
    def edge_id(self) -> int:
        return edge_id_for(self.source_id, self.copy_id)


def edge_id_for(source_id: int, copy_id: int) -> int:
    """A deterministic 63-bit id for the edge between two documents (order-independent), so reruns
    and parallel engines agree on it."""
    import hashlib

    lo, hi = sorted((source_id, copy_id))
    digest = hashlib.blake2b(f"{lo}:{hi}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document as the store holds it: the extracted article plus its identity and ingest facts.

    ``doc_id`` is :func:`document_id` of the URL and content hash, so the same input always gets
    the same id (idempotent ingest, and parallel engines agree). ``first_seen`` is when the store
    first saw this content at this URL: the weakest evidence of age, used when no date is known.
    """

    doc_id: int
    article: Article
    content_hash: str
    first_seen: datetime | None = None


def document_id(url: str, content_hash: str) -> int:
    """A deterministic positive 63-bit id for a document (its URL and its content)."""
    import hashlib

    digest = hashlib.blake2b(f"{url}\n{content_hash}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


# --- crawling ------------------------------------------------------------------------------------

#: What a frontier URL is, in the order a crawl fetches them when several are due: robots.txt
#: first (it decides what else may be fetched), then the sitemaps and feeds that list articles,
#: then home pages (a shallow walk), then pages (articles, or article-looking links).
FRONTIER_KINDS = ("robots", "sitemap", "feed", "home", "page")


@dataclass(frozen=True, slots=True)
class FrontierEntry:
    """A URL a crawl has found and may fetch. ``url`` is normalised (the frontier's key);
    ``lastmod`` and ``published`` are what a sitemap or feed said of it (a ``lastmod`` after the
    last fetch makes it due at once; ``published`` ages it for the recheck schedule)."""

    url: str
    host: str
    kind: str
    site: str | None = None
    depth: int = 0
    discovered_from: str | None = None
    lastmod: datetime | None = None
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class FrontierState:
    """A frontier URL with what the store knows from its last fetch (validators for a
    conditional request, its content hash, how many failures in a row)."""

    entry: FrontierEntry
    next_fetch_at: datetime
    last_fetch_at: datetime | None = None
    last_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    failures: int = 0
    discovered_at: datetime | None = None
    final_url: str | None = None  # where the last fetch ended, after redirects


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """One request's outcome as the store keeps it (``fetches`` table). ``content`` is the body to
    keep (None for a 304, an error, or a body not kept: ``content_hash`` still says what came);
    ``next_fetch_at`` is when the crawl wants the URL again. A record with neither status nor
    error-free content (``status`` None) stands for a request not made (robots.txt refused it)."""

    url: str
    fetched_at: datetime
    next_fetch_at: datetime
    final_url: str | None = None
    status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    bytes: int = 0
    error: str | None = None
    content: bytes | None = None
    content_type: str | None = None
