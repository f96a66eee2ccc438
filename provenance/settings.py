"""Named settings with documented defaults: every threshold of the pipeline lives here.

Stages take a :class:`Settings` argument (no globals); ``Settings()`` gives the defaults and
``dataclasses.replace(settings, ...)`` a variant. Changing a fingerprint setting (shingle size,
permutations, bands, windows) changes the band keys: the store records the fingerprint settings it
was built with and refuses to mix them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

__all__ = ["Settings", "DEFAULT_SETTINGS"]


@dataclass(frozen=True, slots=True)
class Settings:
    # --- fingerprint -------------------------------------------------------------------------
    #: Words per shingle. 5 is the usual text-reuse choice (passim, PAN systems): long enough that
    #: independent texts rarely share one by chance, short enough to survive light edits.
    shingle_words: int = 5
    #: Characters per shingle for scripts written without spaces (CJK, Thai …), tokenised by character.
    shingle_chars: int = 4
    #: MinHash permutations for the whole-text signature (Jaccard estimate, near-duplicate LSH).
    num_perm: int = 128
    #: Whole-text LSH bands of the MinHash signature as index keys (rows = num_perm / doc_bands);
    #: 0: none. Measured against the pairs the exact verification accepts (800 Reuters-based news
    #: texts, 3,000 scale-benchmark texts, PAN-13, Clough & Stevenson): passage and phrase keys
    #: alone find every one of them and the same candidates, so the 32 band keys a document cost
    #: (12 % of its keys) bought nothing. The signature is still computed and stored.
    doc_bands: int = 0
    #: Seed of the MinHash permutations (part of the fingerprint: changing it changes every key).
    seed: int = 1
    #: Words per short shingle: seeds of revised text, where edits break most 5-grams but 3-grams
    #: survive between them. Used by the window index and to measure how much a rewrite reuses.
    short_shingle_words: int = 3
    #: Winnowing windows of the passage and phrase indexes (see :mod:`provenance.fingerprint`).
    #: A shared run of passage_winnow + 4 words always gives two texts a common passage key, and
    #: about 2 / (window + 1) of the n-grams become keys. Chosen on the texts each index must
    #: find (offline, against the pairs the exact verification accepts): passage 12 with phrase
    #: 4 kept every verified pair of 800 Reuters-based news texts, PAN-13 (631 documents) and
    #: Clough & Stevenson (100 answers and sources) as a candidate, with 2.4-5x fewer keys and
    #: 2-9x fewer candidates than the window-MinHash index it replaced (phrase 6 lost 3 of
    #: Clough's revisions; passage 16 lost 2 PAN-13 pairs).
    passage_winnow: int = 12
    phrase_winnow: int = 4
    #: Texts of at most this many words keep every 5-gram and informative 3-gram as keys (no
    #: winnowing): Reuters' corrected briefs change a figure every few words, leaving shared runs
    #: shorter than a window, and a brief costs ~100 keys even so. A winnowed key of a longer
    #: text is a key of the short one too (the minimum of a window is the minimum of every
    #: smaller window inside it), so short and long texts still meet.
    short_text_words: int = 150

    # --- candidates and verification ---------------------------------------------------------
    #: Verify at most this many candidates per document, best LSH hit counts first.
    max_candidates: int = 50
    #: A candidate needs at least this many shared whole-text band or passage keys, or
    #: min_phrase_hits shared phrase keys, to be verified. Phrases (3-grams) recur across
    #: unrelated texts far more than passages: with 2, 800 Reuters-based texts gave 20,086
    #: candidate pairs for 421 verified ones; with 3, 5,635 and the same 421 (4 lost one of
    #: Clough's revisions).
    min_band_hits: int = 2
    min_phrase_hits: int = 3
    #: A key held by more than this many stored documents is common (stock phrases, a template's
    #: wording) and does not count towards min_band_hits or min_phrase_hits; a document sharing
    #: min_shared_keys keys of any kind is a candidate all the same (a copy of a story copied
    #: everywhere shares dozens). Measured against the pairs the exact verification accepts: on
    #: 10,000 scale-benchmark texts, 231,173 candidate pairs without this rule, 11,861 with it,
    #: the same 3,565 verified; none lost on 800 Reuters-based texts (20 lost 6 of them: real
    #: Reuters duplicates recur in clusters), PAN-13, Clough & Stevenson or 3,000 scale texts.
    rare_key_documents: int = 50
    min_shared_keys: int = 12
    #: A key held by more than this many stored documents is ignored altogether (passim drops
    #: n-grams above a document frequency too; its default is 100): it identifies nothing, and
    #: at 95,000 scale-benchmark texts the 236 keys above 1,000 holders made 70 % of the
    #: (document, candidate) pairs a batch had to count (10.5M of 14.9M per 500 documents).
    #: None: no limit.
    max_key_documents: int | None = 1_000

    # --- alignment ---------------------------------------------------------------------------
    #: Seeds (shared shingles) closer than this many words in both texts join one passage.
    max_gap_words: int = 25
    #: Passages shorter than this many aligned words are dropped as chance overlap.
    min_passage_words: int = 15
    #: A shingle occurring more often than this in either text is not used as a seed (boilerplate).
    max_seed_repeats: int = 8
    #: Aligned words outside quotations needed to call two texts a copy. Independent reports of one
    #: event share names and quotes; a copy shares prose.
    min_evidence_words: int = 30
    #: Between texts shorter than min_evidence_words (wire briefs), this share of the shorter text
    #: aligned is enough (never under min_passage_words).
    short_text_evidence_share: float = 0.7
    #: Each aligned word inside a quotation (in both texts) counts this much towards the evidence:
    #: a long quotation copied with the prose around it is still reuse; a shared quote alone is not.
    quoted_word_weight: float = 0.25

    #: A pair without enough verbatim passages is still linked as a revision (``rewrite``) when the
    #: informative 3-grams they share cover at least this share of one text's words outside
    #: quotations, and at least min_evidence_words words. Chosen on Clough & Stevenson (2011):
    #: independent answers on the same topic reach at most 0.14; 16 of 19 heavy revisions 0.20+.
    rewrite_min_coverage: float = 0.19
    #: Only 3-grams holding a word of at least this many letters count as evidence of revision:
    #: short-word phrases ("mln dlrs in", "pct from a year") recur across unrelated wire stories.
    rewrite_min_word_chars: int = 6
    #: ... and when its dense revised passages hold at least this many aligned words of prose: outside
    #: quotations, and not names (capitalised inside a sentence) or figures. Reports of one event
    #: share names, titles and phrases all over their texts, and a quoted statement or an agency's
    #: stock sentence in one place. Chosen between the classes of the tuning data: independent
    #: reports linked this way in the real-news dev part (benchmarks/realnews.py, s01-s23) have 0
    #: (three pairs sharing only a quotation), 11, 14, 15 and 15 such words; Clough & Stevenson's
    #: revisions linked this way have 17 or more (17, 19, 20, 23, 24, 25 ...), but one Reuters
    #: correction has 15 (benchmarks/reuters.py: 32 -> 31 of 34 at 16; real-news dev false links
    #: 6 -> 4 of 430). Judged afterwards on the real-news check part (s24-s33): 5 -> 4 of 288.
    min_rewrite_prose_words: int = 16

    #: Texts filled in from one template (earnings briefs, bond announcements, market reports)
    #: share their wording and differ in the figures; a copy repeats its source's figures. When
    #: at least template_min_changed_figures figures of the aligned passages (counted on the side
    #: with fewer) have no counterpart in the other text, and fewer than min_figure_agreement of
    #: them agree, the shared wording is a template, not reuse. Reuters-21578: re-issued and
    #: corrected stories change at most 2 figures and keep 0.67-1.0 of them; treasury balances,
    #: hog prices, convertible-debt and eurobond announcements of different issuers keep 0-0.71.
    template_min_changed_figures: int = 3
    min_figure_agreement: float = 0.75
    #: ... or when at least this many of those figures changed and more changed than were kept:
    #: UNB's daily dengue bulletins (benchmarks/realnews, s15) share their sentences day after day
    #: with 2 of 3 figures new; a re-issued or corrected Reuters story keeps 0.67-1.0 of its figures.
    template_mostly_changed_figures: int = 2

    # --- relation ----------------------------------------------------------------------------
    #: A copy that carries at least this share of its source's text is a ``copy``; less is ``excerpt``.
    #: Measured as the larger of the shared 5-gram shingles' share and the share of the source's
    #: words they cover: a light edit costs five shingles a word but only that word. Real-news set:
    #: wire copies stored as ``copy`` 4 -> 9 of 25 (the rest go from the longer text to the shorter);
    #: simulator copies keeping >= 50 %: relation right 0.988 -> 1.000 (one copy keeping < 50 % of
    #: a heavily quoted story now reads as ``copy``: 1.000 -> 0.933 of 15).
    copy_min_containment: float = 0.8
    #: A reuse is verbatim (``copy`` or ``excerpt``) when the words its 5-gram shingles cover are at
    #: least this share of the words its 3-gram shingles cover; below, edits between the shared
    #: phrases make it a ``rewrite``. Clough & Stevenson: near copies score 0.86–1.0, most light and
    #: heavy revisions below 0.88.
    verbatim_min_share: float = 0.88

    #: How sure a ``rewrite`` link with fewer than strong_evidence_words aligned words is that the
    #: two texts are a reuse pair at all: such an edge's confidence is this times its direction's
    #: (other edges: the direction's). Short texts built from one template (bond announcements,
    #: market reports) share that much wording with no reuse. benchmarks/calibration.py, labelled
    #: sets: these weak rewrite links are 82 of 88 right overall but 6 of 12 among Reuters' short
    #: news stories; stronger rewrites 226 of 226, copies and excerpts 412 of 413.
    rewrite_pair_confidence: float = 0.7
    #: Source choice, "shared innovations" (siblings.sibling_checks): a candidate source B whose
    #: passages with a new text are partly held by earlier texts it matches is its direct source only
    #: if the new text carries at least this many words of B's changes to the earlier wording (words
    #: whose 5-grams it shares with B and none of the earlier texts, lying inside the wording it
    #: shares with them), or as many of B's added text when evidence (not the storage order) puts B
    #: first, or B's headline, or a credit naming B; otherwise the two share a source. One changed
    #: word breaks up to five 5-grams (about nine words), so 24 is about three separate edits.
    #: Sweep (12, 18, 24, 36), every text in one store, tuned on the tuning halves: PAN-13
    #: (benchmarks/pan13.py --siblings, halves by SHA-1 of the suspicious file name) suspicious ->
    #: suspicious copy edges 13, 10, 8, 8 of ~400 and gold pairs linked directly 269, 272, 275, 275
    #: of 279; Clough & Stevenson (benchmarks/clough.py, SHA-1 of the file name) 47 of 50 at each.
    #: The smallest value of the plateau was taken. Held-out halves at 24: PAN 13 of 357 and 220 of
    #: 221, Clough 43 of 45; benchmarks/realnews.py is the same from 12 up. Neither set holds a true
    #: intermediary whose edits a copy repeats, so nothing here argues for a lower value:
    #: tests/test_lineage.py pins that one edit is too few and an edit in each of seven paragraphs
    #: names the intermediary.
    min_shared_innovation_words: int = 24
    #: Two texts that nothing orders (no dates or first-seen times, credits, canonical link, wire
    #: origin or containment asymmetry) and that are both composites — at least this share of each
    #: is text of its other stored sources (of the new text: its other candidate sources; of the
    #: stored one: its stored copy-like edges) — share a source instead of one copying the other: a
    #: passage two composites (aggregator pages, plagiarised essays) share beyond their stored
    #: sources is likelier from a text the store lacks; a genuine source is no composite.
    #: PAN-13, every text in one store (benchmarks/pan13.py --siblings), tuning half: the gold
    #: sources carry at most 0.054 of stored sources' text (most none), the suspicious documents
    #: linked to another suspicious one 0.046-0.65 (the smaller of the two shares). Sweep 0.06,
    #: 0.10, 0.13: suspicious -> suspicious copy edges 1, 2, 2 of ~394 (7 without the rule), gold
    #: linked directly 275 of 279 at each; the middle of the plateau above the gold sources was
    #: taken. Held-out half at 0.10: 2 of 349 (13 of 357 without), gold 220 of 221. Plagdet,
    #: Clough, the simulator and Reuters unchanged; real news: dev part unchanged, one check-part
    #: rewrite pair (linked the wrong way before) is stored as shares_source.
    composite_min_explained_share: float = 0.1
    strong_evidence_words: int = 60

    # --- direction (log-odds weights of each piece of evidence) ------------------------------
    weight_canonical: float = 4.0
    weight_credit: float = 3.0
    weight_published: float = 2.0
    weight_first_seen: float = 0.8
    weight_containment: float = 0.6
    #: A story on a news agency's own site (Reuters, PTI, AP …) is where wire copy starts; so is a
    #: text under an agency's byline ("By ANI") beside one "(With ANI inputs)", written from it.
    weight_wire_origin: float = 1.0
    #: A text under an agency's dateline beside one that credits no one: alone it passes
    #: min_direction_confidence (0.65), and a publication time (2.0) or a credit (3.0) outweighs it.
    weight_wire_dateline: float = 0.6
    #: Publication times closer than this many minutes are too close to tell who was first.
    min_time_gap_minutes: float = 5.0
    #: A direction with confidence below this is reported as unknown, and two texts that both carry
    #: another outlet's wire or credit marker are called ``shares_source``.
    min_direction_confidence: float = 0.6

    # --- extraction --------------------------------------------------------------------------
    #: A page whose article text has fewer words than this is refused as empty.
    min_article_words: int = 20

    # --- input limits: what hostile or broken input may cost ---------------------------------
    #: Bytes read at most from a file, an HTTP body or a JSON Lines line. The 681 benchmark pages are
    #: at most 1.6 MB; at the old 20 MB an 18 MB single-article page took 17 s and 1.4 GB (now refused
    #: by max_article_chars in 0.4 s), and 18 MB of plain text still costs 2 s and 330 MB to refuse.
    max_input_bytes: int = 5_000_000
    #: On pages the nesting model checks (see nesting_free_tags), elements nested deeper than this are
    #: flattened before parsing (start tags removed, text kept): lexbor's tree builder walks its stack
    #: for most tags, so its time grows with depth × tags. The 681 benchmark pages nest at most 52
    #: levels in lexbor's trees (49 below <body>, as the model counts); libxml2 stops HTML at 256 too.
    #: At 256, a 2.8 MB page of block tags parses in 0.3 s instead of 0.1 s flat (at 1,000: 0.9 s).
    max_nesting_depth: int = 256
    #: A page whose markup would make the parser rebuild more than this many closed formatting
    #: elements (<b>, <font> … reopened in every following paragraph) is refused. The benchmark pages
    #: rebuild at most 59; 90 KB of such markup made lexbor build 10 million elements (13 s, 3.6 GB).
    max_rebuilt_formatting: int = 10_000
    #: Pages with at most this many "<" are parsed without the nesting model (which costs about 4×
    #: the parse): beyond linear, lexbor's time is at most tags × depth ≤ tags², and the worst such
    #: page (4,990 unclosed <ul>) parses in 40 ms here. p95 of the 681 benchmark pages is 3,276.
    nesting_free_tags: int = 5_000
    #: …and whose formatting list entries × tags stay under this (3 entries per plain <b>-like name,
    #: one per such tag with attributes): a bound on the elements the parser can rebuild, 250,000
    #: elements being ~90 MB. 180 of the 181 extraction benchmark pages (657 of all 681) pass both.
    nesting_free_rebuilds: int = 250_000

    #: HTML with more "<" than this is refused: the 681 benchmark pages have at most 19,437, and the
    #: nesting model and the extractor's walk cost a few microseconds per tag in Python (a fuzzed
    #: 2 MB page of 600,000 tags took 8 s).
    max_html_tags: int = 150_000
    #: Attributes of one tag beyond this many are dropped before parsing: lexbor compares each
    #: attribute with the tag's earlier ones (16,000 took 0.45 s; a fuzzed page with 80,000, 25 s).
    #: Real tags carry a few dozen at most; 256 keeps a 5 MB page of them under ~1 s.
    max_tag_attributes: int = 256
    #: An extracted article text longer than this is refused (ExtractionError): the longest real
    #: texts we have are 80,616 characters (PAN-13 sources; the extraction benchmark's 55,754), and
    #: a 5 MB text took 13 s and 1 GB to fingerprint (a million LSH keys).
    max_article_chars: int = 500_000

    #: A short line found on at least this many distinct pages of one site is that site's
    #: furniture (subscribe boxes, "For more: <site> website", share bars), learned from the store.
    site_furniture_min_pages: int = 3

    # --- per-document budgets -----------------------------------------------------------------
    #: Processes that extract and fingerprint documents during ingest (0: in this process, with
    #: no time or memory budget). Two keeps both cores of a small machine busy while the main
    #: process links and stores.
    workers: int = 2
    #: Seconds one document may take to extract and fingerprint before its worker is stopped and
    #: the document refused. The 681 benchmark pages (article-extraction and metadata sets) take
    #: 2-60 ms each and the largest real page ~0.5 s; hostile pages took 20-40 s before the
    #: guards, so 5 s refuses only what no guard foresaw, even on a loaded machine.
    document_seconds: float = 5.0
    #: Memory a worker may allocate beyond what it holds at start (its address-space cap): a
    #: 20 MB page extracts in well under 1 GB; an allocation past the cap fails in that worker.
    document_memory_bytes: int = 2 << 30

    #: Ingested documents are committed every this many documents or seconds, whichever comes
    #: first: a commit costs milliseconds (one per document halved ingest speed), and a killed
    #: ingest loses at most the open group, which a rerun adds again.
    commit_every_documents: int = 500
    commit_every_seconds: float = 5.0
    #: Between batches an ingest lets go of the store for at least this long: a reader polling
    #: for it (every 10-50 ms) gets in, and the writer then waits for the reader to finish.
    reader_grace_seconds: float = 0.05

    # --- fetch -------------------------------------------------------------------------------
    #: The whole exchange of one fetch (redirects, headers and body): a server trickling bytes
    #: fast enough for every read is still cut off here. Checked between reads, so a stalled read
    #: ends at the earlier of this deadline and fetch_read_timeout_seconds.
    fetch_timeout_seconds: float = 20.0
    user_agent: str = "provenance/0.1 (+https://example.invalid/provenance)"

    # --- fetch: address policy ----------------------------------------------------------------
    #: Fetch private, loopback, link-local, multicast, unspecified and reserved addresses too. Off:
    #: a URL handed in by someone else (a feed, a pasted link, a redirect) must not make us read a
    #: router page, a local admin port or a cloud metadata service and show what it said.
    allow_private_addresses: bool = False
    #: Networks (CIDR, e.g. "10.20.0.0/16"; a bare address is a /32 or /128) fetched despite the
    #: policy: an intranet news archive, or a test server on one loopback address, without lifting
    #: the guard for every other internal address.
    allowed_networks: tuple[str, ...] = ()

    # --- WARC ----------------------------------------------------------------------------------
    #: A WARC file being written (``crawl --warc DIR``) is closed and the next one begun once it
    #: holds this many bytes: 1 GB, the size Common Crawl and most archiving crawlers roll at, keeps
    #: a night's crawl in a few files that tools can still copy and index one by one. Reading is
    #: bounded per record by max_input_bytes, not by file size.
    warc_file_bytes: int = 1_000_000_000

    # --- crawl: HTTP and politeness -------------------------------------------------------------
    #: Where a site owner reads who crawls them and how to reach us; sent as the ``(+URL)`` of the
    #: User-Agent (replacing the one in user_agent). Empty: user_agent as it is. Set it for crawls.
    crawl_contact_url: str = ""
    #: Seconds to open a connection (DNS, TCP, TLS), and to wait for any one read of a response.
    #: Both are cut to what is left of fetch_timeout_seconds.
    fetch_connect_timeout_seconds: float = 10.0
    fetch_read_timeout_seconds: float = 15.0
    #: Redirects followed per fetch; a URL met twice in one chain is a loop, refused at once.
    #: Browsers allow 20; news URLs need 1-3 (http -> https -> canonical, a tracking hop).
    max_redirects: int = 10
    #: A gzip/deflate body that inflates more than this many times its compressed size is refused as
    #: a decompression bomb once it passes 1 MB decompressed (max_input_bytes caps it regardless).
    #: The 681 shared benchmark pages gzip (level 6) at most 18.5:1, median 4.5:1; zeros at ~1,000:1.
    max_compression_ratio: float = 100.0
    #: Seconds between two requests to one host (fundus' default is 1 s), raised to the robots.txt
    #: Crawl-delay of the host, which counts up to crawl_max_delay_seconds (a longer one is cut there).
    crawl_host_delay_seconds: float = 1.0
    crawl_max_delay_seconds: float = 60.0
    #: Requests in flight at once per host.
    crawl_host_concurrency: int = 1
    #: A 429 or 503 with Retry-After pauses its host that long, up to this cap; a URL whose
    #: Retry-After exceeds it is not retried in this run.
    crawl_max_retry_after_seconds: float = 900.0
    #: Attempts per URL (the first included) on 5xx, 429, timeouts and connection errors.
    crawl_max_attempts: int = 4
    #: Exponential backoff with full jitter: the n-th retry waits a uniform random time in
    #: [0, min(max, base * 2**(n-1))]. A failing host is also held back that long (at least its delay).
    crawl_backoff_base_seconds: float = 2.0
    crawl_backoff_max_seconds: float = 300.0
    #: Circuit breaker: after this many consecutive failures (5xx, 429, timeouts, connection errors)
    #: a host is paused for crawl_breaker_pause_seconds, then one probe request decides: a success
    #: closes the breaker, a failure pauses the host again.
    crawl_breaker_failures: int = 5
    crawl_breaker_pause_seconds: float = 600.0

    # --- crawl: discovery ----------------------------------------------------------------------
    #: Bytes of a robots.txt read at most; the rest is ignored, as Google does past 500 KiB.
    robots_max_bytes: int = 500_000
    #: Bytes of a sitemap read at most after gunzipping: the sitemap protocol's own limit is 50 MB
    #: uncompressed. A larger (or gzip-bombed) sitemap is refused, not truncated.
    sitemap_max_bytes: int = 50_000_000
    #: Entries read at most from one sitemap (the protocol allows 50,000); the rest is dropped and
    #: the sitemap marked truncated. A bound on time and memory: the reader takes 25-40 µs per
    #: entry on a busy two-core machine (50,000 in 1.3-2 s; a million held 190 MB).
    sitemap_max_entries: int = 50_000
    #: Links kept at most from one HTML page (in page order): a news home page has a few hundred.
    page_max_links: int = 2_000
    #: Pages fetched per site per crawl run when a corpus file gives no page_budget.
    crawl_page_budget: int = 200
    # (a site's delay when its corpus file gives none is crawl_host_delay_seconds)
    #: No corpus file may ask for less than this between two requests to one site: politeness is
    #: not a per-file choice.
    crawl_min_delay_seconds: float = 1.0

    # --- crawl: schedule -------------------------------------------------------------------------
    #: An article is fetched again when the time since its last fetch reaches this share of its
    #: age (publication, else discovery): news changes most in its first hours (NewsDiffs and
    #: diffengine see most edits within a day), so a 2-hour-old story is checked after 24 min and
    #: a month-old one after six days, within the bounds below.
    crawl_recheck_factor: float = 0.2
    crawl_min_recheck_seconds: float = 3_600.0
    crawl_max_recheck_seconds: float = 30 * 86_400.0
    #: Home pages, feeds and sitemaps list what is new: asked again after this long (an unchanged
    #: one costs a 304 when the server keeps validators).
    crawl_listing_recheck_seconds: float = 3_600.0
    #: robots.txt is read again after this long (a nightly run re-reads it each night).
    crawl_robots_recheck_seconds: float = 20 * 3_600.0
    #: A URL that failed for good (404, refused, retries used up) is tried again after this long.
    crawl_failure_recheck_seconds: float = 86_400.0
    #: How far a crawl walks from a home page: 1 follows its article-looking links, no further
    #: (article pages are not walked: feeds and sitemaps list a site's articles).
    crawl_max_depth: int = 1
    #: Requests in flight at once across hosts (one per host: crawl_host_concurrency).
    crawl_concurrency: int = 8
    #: URLs taken from the frontier per round; each round's pages are ingested as one batch.
    crawl_round_urls: int = 200
    #: When nothing is due but a retry or a host's delay falls due within this many seconds, the
    #: run waits for it; later ones are left to the next run.
    crawl_max_wait_seconds: float = 120.0

    def fingerprint_key(self) -> dict[str, int]:
        """The settings that determine band keys; stored with the index so it is never mixed."""
        keys = ("shingle_words", "shingle_chars", "short_shingle_words", "num_perm", "doc_bands", "seed",
                "passage_winnow", "phrase_winnow", "short_text_words", "rewrite_min_word_chars")
        values = asdict(self)
        return {k: values[k] for k in keys}


DEFAULT_SETTINGS = Settings()
