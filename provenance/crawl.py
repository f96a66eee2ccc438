"""Crawling: from sites' home pages, feeds, sitemaps or a corpus file to linked documents.

A run works in rounds. Each round takes the URLs due in the store's frontier (robots.txt first,
then sitemaps and feeds, home pages, articles), fetches them across hosts at once but politely
(:class:`~provenance.politeness.HostGate`: one request per host at a time, its delay or its
robots.txt Crawl-delay between two, Retry-After and backoff after failures, a circuit breaker),
records every outcome and what it discovered in the store in one transaction, and then ingests
the round's new article pages through the same batch pipeline as ``ingest``.

What survives a kill at any point: a fetch is recorded (with its body, compressed) before its
page is ingested, and the page stays ``pending`` until the ingest commits; the next run ingests
pending pages from the store without fetching them again, and the store's known inputs keep a
page stored once. Unchanged pages cost nothing: an article is due again only when the time since
its last fetch reaches a share of its age (``crawl_recheck_factor``) or when a sitemap's
``lastmod`` or a feed says it changed, and then it is asked with its ETag / Last-Modified.

Only :mod:`provenance.fetch` talks HTTP and only the store does I/O on the store; this module
decides what to ask, when, and what the answers mean.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .corpus import SiteSpec, load_corpus
from .discover import Robots, looks_like_article, normalize_url, parse_feed, parse_robots, parse_sitemap
from .errors import InputError, ProvenanceError
from .fetch import FEED_TYPES, PAGE_TYPES, ROBOTS_TYPES, SITEMAP_TYPES, FetchResult, Fetcher, user_agent
from .ingest import ingest_items
from .extract.links import page_links
from .models import FetchRecord, FrontierEntry, FrontierState, RawDocument
from .pages import host_of
from .politeness import HostGate, Outcome, RetryPolicy
from .settings import DEFAULT_SETTINGS, Settings
from .store import Store
from .urls import split_url

__all__ = ["crawl", "CrawlOptions", "CrawlReport", "CrawlProgress", "plan_targets", "next_fetch_time",
           "start_kind"]

#: What each kind of frontier URL may be answered with (anything else is refused unread).
_ACCEPT = {"robots": ROBOTS_TYPES, "sitemap": SITEMAP_TYPES, "feed": FEED_TYPES + ("text/html",),
           "home": PAGE_TYPES, "page": PAGE_TYPES}


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """Limits of one run: pages fetched in all (``max_pages``), seconds (``max_seconds``; the
    round in progress is finished and ingested), entries of feeds and sitemaps older than
    ``since`` left out, and a folder to write what was fetched as WARC files (``warc_dir``)."""

    max_pages: int | None = None
    max_seconds: float | None = None
    since: datetime | None = None
    warc_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class CrawlReport:
    """What a run did. ``requests`` counts HTTP requests made (``not_modified`` of them answered
    304); ``disallowed`` URLs robots.txt kept us from asking; ``errors`` failed fetches and
    listings that could not be read; ``refused`` the pages the ingest refused."""

    run_id: int
    status: str  # done | budget | interrupted
    requests: int
    not_modified: int
    errors: int
    disallowed: int
    pages: int  # article pages fetched with new content
    new_documents: int
    new_versions: int
    new_edges: int
    discovered: int  # URLs added to the frontier
    seconds: float
    refused: tuple[InputError, ...] = ()
    failures: tuple[str, ...] = ()  # one line per failed fetch or unreadable listing


@dataclass(frozen=True, slots=True)
class CrawlProgress:
    """Where a run stands, sent after each fetch and each ingested round."""

    requests: int
    pages: int
    new_documents: int
    new_edges: int
    errors: int
    last_url: str | None = None


@dataclass(frozen=True, slots=True)
class _Site:
    """One site of this run: its name, its hosts (from its start URLs) and its corpus spec."""

    name: str
    hosts: frozenset[str]
    budget: int
    delay: float
    spec: SiteSpec | None = None

    def wants(self, url: str) -> bool:
        return host_of(url) in self.hosts and (self.spec is None or self.spec.wants(url))


def start_kind(url: str) -> str:
    """What a start URL is, by its path: robots.txt, a sitemap, a feed, else a home page."""
    parts = split_url(url)
    path = (parts.path if parts else "").lower()
    if path.endswith("/robots.txt"):
        return "robots"
    if "sitemap" in path:
        return "sitemap"
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if any(word in last for word in ("feed", "rss", "atom")) or "/feeds/" in path:
        return "feed"
    if path.endswith((".xml.gz", ".xml")):
        return "sitemap"  # a sitemap that does not say so (a feed given as one is read as a feed too)
    return "home"


def _robots_url(url: str) -> str | None:
    parts = split_url(url)
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def plan_targets(targets: Sequence[str], settings: Settings = DEFAULT_SETTINGS,
                 *, corpus_dir: str | Path = "corpora") -> tuple[dict[str, _Site], list[FrontierEntry]]:
    """The sites of a run and the frontier entries it starts from: each target is a URL (home,
    feed, sitemap or robots.txt; its site is its host) or a corpus file (``.toml`` path or name).
    Every start host also gets its robots.txt. Raises :class:`InputError` for a target that is
    neither."""
    sites: dict[str, _Site] = {}
    entries: list[FrontierEntry] = []

    def add_site(name: str, starts: Sequence[str], budget: int, delay: float, spec: SiteSpec | None) -> None:
        normalized = [u for u in (normalize_url(s) for s in starts) if u]
        hosts = frozenset(h for h in (host_of(u) for u in normalized) if h)
        if not hosts:
            raise InputError(name, "no http(s) start URL")
        old = sites.get(name)
        if old is not None:
            hosts |= old.hosts
        sites[name] = _Site(name, hosts, budget, delay, spec)
        for url in normalized:
            entries.append(FrontierEntry(url, host_of(url) or "", start_kind(url), name))
            robots = _robots_url(url)
            if robots:
                entries.append(FrontierEntry(robots, host_of(robots) or "", "robots", name))

    for target in targets:
        if target.lower().startswith(("http://", "https://")):
            if normalize_url(target) is None:
                raise InputError(target, "not a URL a crawl can start from")
            host = host_of(target) or target
            add_site(host, [target], settings.crawl_page_budget, settings.crawl_host_delay_seconds, None)
        elif target.endswith(".toml") or Path(target).is_file() or (Path(corpus_dir) / f"{target}.toml").is_file():
            corpus = load_corpus(target, directory=corpus_dir, settings=settings)
            for spec in corpus.sites:
                add_site(spec.name, spec.start, spec.page_budget, spec.delay_seconds, spec)
        else:
            raise InputError(target, "not an http(s) URL or a corpus file")
    return sites, list({e.url: e for e in entries}.values())


def next_fetch_time(state: FrontierState, now: datetime, *, failed: bool, retry_in: float | None,
                    settings: Settings = DEFAULT_SETTINGS) -> datetime:
    """When a URL is due again after a fetch at ``now``: after ``retry_in`` seconds when it is
    to be retried in this run; after ``crawl_failure_recheck_seconds`` when it failed for good;
    robots.txt and listings after their fixed periods; an article after ``crawl_recheck_factor``
    of its age (since publication, else since the last change a sitemap gave, else since it was
    found), bounded by the min and max recheck settings."""
    if retry_in is not None:
        return now + timedelta(seconds=retry_in)
    if failed:
        return now + timedelta(seconds=settings.crawl_failure_recheck_seconds)
    kind = state.entry.kind
    if kind == "robots":
        return now + timedelta(seconds=settings.crawl_robots_recheck_seconds)
    if kind != "page":
        return now + timedelta(seconds=settings.crawl_listing_recheck_seconds)
    born = state.entry.published or state.entry.lastmod or state.discovered_at or now
    age = max(0.0, (now - born).total_seconds())
    interval = min(max(settings.crawl_recheck_factor * age, settings.crawl_min_recheck_seconds),
                   settings.crawl_max_recheck_seconds)
    return now + timedelta(seconds=interval)


def crawl(store: Store, targets: Sequence[str], *, settings: Settings = DEFAULT_SETTINGS,
          options: CrawlOptions = CrawlOptions(), fetcher: Fetcher | None = None,
          progress: Callable[[CrawlProgress], None] | None = None,
          clock: Callable[[], datetime] | None = None, corpus_dir: str | Path = "corpora") -> CrawlReport:
    """Crawl ``targets`` (URLs or corpus files) into ``store``: discover, fetch politely, record
    every fetch, ingest and link new articles and new versions (see the module docstring).
    ``clock`` gives the time the schedule is reckoned in (default: now, UTC); the spacing of
    requests always runs on the real monotonic clock. The caller holds the crawl lock."""
    sites, starts = plan_targets(targets, settings, corpus_dir=corpus_dir)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    run = _Run(store, sites, settings, options, fetcher, progress, clock or (lambda: datetime.now(UTC)))
    try:
        return run.run(targets, starts)
    finally:
        if own_fetcher:
            fetcher.close()


@dataclass
class _Tally:
    requests: int = 0
    not_modified: int = 0
    errors: int = 0
    disallowed: int = 0
    pages: int = 0
    new_documents: int = 0
    new_versions: int = 0
    new_edges: int = 0
    discovered: int = 0
    refused: list[InputError] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class _Run:
    """One crawl run's state: robots rules, host gates, attempts and budgets in memory; all that
    must outlive the run in the store."""

    def __init__(self, store: Store, sites: dict[str, _Site], settings: Settings, options: CrawlOptions,
                 fetcher: Fetcher, progress: Callable[[CrawlProgress], None] | None,
                 clock: Callable[[], datetime]) -> None:
        self.store, self.sites, self.settings, self.options = store, sites, settings, options
        self.fetcher, self.progress, self.clock = fetcher, progress, clock
        self.gate = HostGate(settings)
        self.retry = RetryPolicy.from_settings(settings)
        self.robots: dict[str, Robots] = {}
        self.robots_unread: dict[str, str] = {}  # host -> why its robots.txt could not be read
        self.attempts: Counter[str] = Counter()
        self.pages_by_site: Counter[str] = Counter()
        self.tally = _Tally()
        self.started = time.monotonic()
        self.agent = user_agent(settings)
        self.hosts = sorted({h for s in sites.values() for h in s.hosts})
        self.site_of_host = {h: s for s in sites.values() for h in s.hosts}
        self.clock0 = clock()
        for site in sites.values():
            for host in site.hosts:
                self.gate.set_crawl_delay(host, site.delay if site.delay > settings.crawl_host_delay_seconds else None)
        self.warc = None

    # --- the run ----------------------------------------------------------------------------

    def run(self, targets: Sequence[str], starts: list[FrontierEntry]) -> CrawlReport:
        store = self.store
        with store.transaction():
            run_id = store.start_crawl_run(targets, self.now())
            self.tally.discovered += store.add_to_frontier(starts, self.now())
        status = "failed"  # until the rounds end: an error escaping them leaves the run marked so
        try:
            if self.options.warc_dir is not None:
                from .warc import WarcWriter  # only a run that writes WARC needs it

                self.warc = WarcWriter(self.options.warc_dir, settings=self.settings)
                self.warc.__enter__()
            self._ingest_pending()  # what a killed run fetched and did not ingest
            status = self._rounds()
        except KeyboardInterrupt:
            status = "interrupted"
        finally:
            if self.warc is not None:
                self.warc.__exit__(None, None, None)
            t = self.tally
            counts = {"requests": t.requests, "not_modified": t.not_modified, "errors": t.errors,
                      "new_documents": t.new_documents, "new_versions": t.new_versions, "new_edges": t.new_edges}
            store.reacquire()
            with store.transaction():
                store.finish_crawl_run(run_id, status, counts, self.now())
        t = self.tally
        return CrawlReport(run_id, status, t.requests, t.not_modified, t.errors, t.disallowed, t.pages,
                           t.new_documents, t.new_versions, t.new_edges, t.discovered,
                           round(time.monotonic() - self.started, 3), tuple(t.refused), tuple(t.failures))

    def _out_of_time(self) -> bool:
        limit = self.options.max_seconds
        return limit is not None and time.monotonic() - self.started >= limit

    def _out_of_pages(self) -> bool:
        limit = self.options.max_pages
        return limit is not None and sum(self.pages_by_site.values()) >= limit

    def _rounds(self) -> str:
        while True:
            if self._out_of_time() or self._out_of_pages():
                return "budget"
            self.store.reacquire()
            now = self.now()
            listed = self.store.due_urls(now, self.settings.crawl_round_urls, hosts=self.hosts)
            due = [s for s in listed if not self._page_budget_spent(s)]
            if listed and not due:
                return "budget"  # what is due is beyond its site's page budget: the next run's
            if not due:
                nxt = self.store.next_due_at(hosts=self.hosts)
                wait_for = None if nxt is None else (nxt - now).total_seconds()
                if wait_for is None or wait_for > self.settings.crawl_max_wait_seconds:
                    return "done"
                time.sleep(max(0.01, wait_for))
                continue
            results = self._fetch_round(due)
            if not results:
                return "budget"  # stopped by the time budget before a request
            self._record(results)
            self._ingest_pending()

    def _site(self, entry: FrontierEntry) -> _Site | None:
        """The run's site of a frontier URL: by the name it was found under, else by its host."""
        return self.sites.get(entry.site or "") or self.site_of_host.get(entry.host)

    def now(self) -> datetime:
        """The schedule's time: the clock's reading at the start, moved on by the real time since
        (so a test's fixed clock still sees retries fall due)."""
        return self.clock0 + timedelta(seconds=time.monotonic() - self.started)

    def _page_budget_spent(self, state: FrontierState) -> bool:
        if state.entry.kind != "page":
            return False
        site = self._site(state.entry)
        return site is not None and self.pages_by_site[site.name] >= site.budget

    # --- fetching ---------------------------------------------------------------------------

    def _fetch_round(self, due: list[FrontierState]) -> list[tuple[FrontierState, FetchResult | None]]:
        """Fetch the due URLs (robots.txt of their hosts first); a URL robots.txt disallows comes
        back with ``None`` (no request made)."""
        results = self._fetch_all([s for s in due if s.entry.kind == "robots"], on_result=self._learn_robots)
        others = [s for s in due if s.entry.kind != "robots"]
        missing = sorted({s.entry.host for s in others} - set(self.robots))
        if missing:
            results += self._fetch_stored_or_new_robots(missing)
        allowed, disallowed = [], []
        for state in others:
            rules = self.robots.get(state.entry.host)
            (allowed if rules is None or rules.allowed(state.entry.url, self.agent) else disallowed).append(state)
        self.tally.disallowed += len(disallowed)
        return results + self._fetch_all(allowed) + [(s, None) for s in disallowed]

    def _fetch_stored_or_new_robots(self, hosts: list[str]) -> list[tuple[FrontierState, FetchResult | None]]:
        """Rules for hosts whose robots.txt is not due: from the body kept in the store, else
        (never fetched: a crawl from an older store) fetched now."""
        states = self.store.frontier_of_kind("robots", hosts)
        fetched_now = []
        for host in hosts:
            state = next((s for s in states if s.entry.host == host and s.content_hash), None) or \
                next((s for s in states if s.entry.host == host), None)
            kept = self.store.raw_page(state.content_hash) if state is not None and state.content_hash else None
            if kept is not None:
                self.robots[host] = parse_robots(kept[1], state.entry.url, max_bytes=self.settings.robots_max_bytes)
            elif state is not None:
                fetched_now.append(state)
            else:
                self.robots[host] = Robots.allow_all(f"https://{host}/robots.txt")
        return self._fetch_all(fetched_now, on_result=self._learn_robots)

    def _learn_robots(self, state: FrontierState, result: FetchResult | None) -> None:
        host, url = state.entry.host, state.entry.url
        if result is None:
            return
        if result.ok and result.content is not None:
            rules = parse_robots(result.content, url, max_bytes=self.settings.robots_max_bytes)
        elif result.not_modified and state.content_hash:
            kept = self.store.raw_page(state.content_hash)
            rules = parse_robots(kept[1], url) if kept else Robots.allow_all(url)
        elif result.status is not None and 400 <= result.status < 500:
            rules = Robots.allow_all(url)  # no robots.txt: everything is allowed (RFC 9309)
        else:
            rules = Robots.disallow_all(url)  # unreachable: assume everything is disallowed for now
            self.robots_unread[host] = result.error or f"HTTP {result.status}"
        self.robots[host] = rules
        delay = rules.crawl_delay(self.agent)
        site = self._site(state.entry)
        wanted = max(delay or 0.0, site.delay if site else 0.0)
        self.gate.set_crawl_delay(host, wanted or None)

    def _fetch_all(self, states: Iterable[FrontierState],
                   on_result: Callable[[FrontierState, FetchResult], None] | None = None,
                   ) -> list[tuple[FrontierState, FetchResult | None]]:
        """Fetch across hosts at once, each host's requests spaced by its gate. ``on_result`` sees
        each result before its host's slot is handed back (robots.txt sets the host's delay there,
        so the very next request keeps it)."""
        queues: dict[str, deque[FrontierState]] = defaultdict(deque)
        for state in states:
            queues[state.entry.host].append(state)
        out: list[tuple[FrontierState, FetchResult | None]] = []
        if not queues:
            return out
        in_flight: dict[Future, tuple[str, FrontierState]] = {}
        with ThreadPoolExecutor(max_workers=max(1, self.settings.crawl_concurrency)) as pool:
            while queues or in_flight:
                now = time.monotonic()
                stop = self._out_of_time()
                for host in list(queues):
                    queue = queues[host]
                    while queue and not stop and len(in_flight) < self.settings.crawl_concurrency:
                        state = queue[0]
                        if state.entry.kind == "page" and (self._page_budget_spent(state) or self._out_of_pages()):
                            queue.popleft()  # left due: the next run takes it
                            continue
                        if not self.gate.acquire(host, now):
                            break
                        queue.popleft()
                        if state.entry.kind == "page":
                            site = self._site(state.entry)
                            self.pages_by_site[site.name if site else ""] += 1
                        in_flight[pool.submit(self._get, state)] = (host, state)
                    if not queue or stop:
                        del queues[host]
                if not in_flight:
                    if not queues:
                        break
                    ready = min(self.gate.ready_at(h) for h in queues)
                    time.sleep(min(max(0.0, ready - time.monotonic()), 1.0) if math.isfinite(ready) else 0.05)
                    continue
                ready = min((self.gate.ready_at(h) for h in queues), default=math.inf)
                timeout = None if not math.isfinite(ready) else max(0.0, min(ready - time.monotonic(), 1.0))
                done, _ = wait(in_flight, timeout=timeout, return_when=FIRST_COMPLETED)
                for future in done:
                    host, state = in_flight.pop(future)
                    result = future.result()
                    if on_result is not None:
                        on_result(state, result)
                    self.gate.release(host, time.monotonic(), Outcome.of(result))
                    self._count(result)
                    out.append((state, result))
        return out

    def _get(self, state: FrontierState) -> FetchResult:
        return self.fetcher.get(state.entry.url, etag=state.etag, last_modified=state.last_modified,
                                accept=_ACCEPT.get(state.entry.kind, PAGE_TYPES))

    def _count(self, result: FetchResult) -> None:
        t = self.tally
        if result.kind not in ("blocked", "invalid") or result.status is not None:
            t.requests += 1
        t.not_modified += result.not_modified
        if result.error is not None:
            t.errors += 1
            t.failures.append(f"{result.url}: {result.error}")
        if self.progress is not None:
            self.progress(CrawlProgress(t.requests, t.pages, t.new_documents, t.new_edges, t.errors, result.url))

    # --- recording and discovery ------------------------------------------------------------

    def _record(self, results: list[tuple[FrontierState, FetchResult | None]]) -> None:
        """Every outcome and what the listings named, in one transaction."""
        now = self.now()
        found: list[FrontierEntry] = []
        for state, result in results:  # first what the listings say: it dates the pages fetched beside them
            if result is None:
                continue
            if _changed(state, result) and state.entry.kind in ("sitemap", "feed", "home"):
                found += self._discover(state, result)
            elif state.entry.kind == "robots" and state.entry.host in self.robots:
                site = self._site(state.entry)
                found += [FrontierEntry(url, host_of(url) or "", "sitemap", site.name if site else None, 0, state.entry.url)
                          for url in map(normalize_url, self.robots[state.entry.host].sitemaps)
                          if url and (site is None or site.wants(url))]
        dated = {e.url: e for e in found if e.lastmod or e.published}
        records: list[FetchRecord] = []
        for state, result in results:
            listed = dated.get(state.entry.url)
            if listed is not None:
                state = replace(state, entry=replace(state.entry, lastmod=state.entry.lastmod or listed.lastmod,
                                                     published=state.entry.published or listed.published))
            if result is None:  # disallowed: no request, due again after the failure period
                records.append(FetchRecord(state.entry.url, now, next_fetch_time(state, now, failed=True, retry_in=None,
                                                                                   settings=self.settings),
                                           error=self._not_asked(state.entry.host)))
                continue
            retry_in = None
            failed = result.error is not None
            if failed:
                self.attempts[state.entry.url] += 1
                retry_in = self.retry.next_attempt(self.attempts[state.entry.url], Outcome.of(result))
            keep = state.entry.kind in ("page", "robots") and result.ok and result.content is not None
            if state.entry.kind == "page" and _changed(state, result):
                self.tally.pages += 1
            if self.warc is not None and result.ok and result.content is not None:
                self.warc.write_response(result.final_url, result.status or 200,
                                         {"Content-Type": result.content_type or "application/octet-stream"},
                                         result.content, result.fetched_at)
            records.append(FetchRecord(
                state.entry.url, now,  # the schedule's clock, which lastmod and next_fetch_at are compared with
                next_fetch_time(state, now, failed=failed, retry_in=retry_in, settings=self.settings),
                final_url=result.final_url, status=result.status, etag=result.etag, last_modified=result.last_modified,
                content_hash=result.content_hash, bytes=result.bytes, error=result.error,
                content=result.content if keep else None, content_type=result.content_type))
        self.store.reacquire()
        with self.store.transaction():
            self.store.record_fetches(records)
            self.tally.discovered += self.store.add_to_frontier(found, now)

    def _not_asked(self, host: str) -> str:
        unread = self.robots_unread.get(host)
        return "disallowed by robots.txt" if unread is None else f"not asked: its robots.txt could not be read ({unread})"

    def _discover(self, state: FrontierState, result: FetchResult) -> list[FrontierEntry]:
        """The URLs a sitemap, feed or home page names, normalised, kept to the site."""
        entry, content, base = state.entry, result.content or b"", result.final_url or state.entry.url
        site = self._site(entry)
        if site is None:
            return []
        since = self.options.since
        found: list[FrontierEntry] = []

        def add(url: str | None, kind: str, depth: int, lastmod=None, published=None) -> None:
            url = normalize_url(url) if url else None
            if url is None or not site.wants(url):
                return
            if since is not None and kind == "page" and (published or lastmod) and (published or lastmod) < since:
                return
            found.append(FrontierEntry(url, host_of(url) or "", kind, site.name, depth, entry.url, lastmod, published))

        try:
            if entry.kind == "sitemap" or (entry.kind == "feed" and _looks_like_sitemap(content)):
                sitemap = parse_sitemap(content, base, max_bytes=self.settings.sitemap_max_bytes,
                                        max_entries=self.settings.sitemap_max_entries)
                for item in sitemap.entries:
                    kind = "sitemap" if sitemap.kind == "index" else "page"
                    add(item.url, kind, entry.depth, item.lastmod, item.news_published)
            elif entry.kind == "feed":
                for item in parse_feed(content, base, max_bytes=self.settings.max_input_bytes):
                    add(item.url, "page", entry.depth, item.updated, item.published)
            else:  # a home page: its feeds, and its article-looking links one level down
                links = page_links(content, base, max_links=self.settings.page_max_links, settings=self.settings)
                for feed in links.feeds:
                    add(feed, "feed", entry.depth)
                if entry.depth < self.settings.crawl_max_depth:
                    for link in links.links:
                        if looks_like_article(link):
                            add(link, "page", entry.depth + 1)
        except InputError as exc:
            self.tally.errors += 1
            self.tally.failures.append(f"{entry.url}: {exc.reason}")
        except ProvenanceError as exc:  # a parser's refusal of its own kind: that listing only
            self.tally.errors += 1
            self.tally.failures.append(f"{entry.url}: {exc}")
        return found

    # --- ingest -------------------------------------------------------------------------------

    def _ingest_pending(self) -> None:
        """Ingest the pages fetched and not yet ingested (this round's, or a killed run's), then
        mark them done: stored, unchanged or refused."""
        while True:
            self.store.reacquire()
            pending = self.store.pending_pages(self.settings.crawl_round_urls)
            if not pending:
                return
            items = [RawDocument(url=state.final_url or state.entry.url, content=body, origin=state.entry.url,
                                 content_type=content_type, fetched=state.last_fetch_at)
                     for state, content_type, body in pending]
            report = ingest_items(self.store, items, settings=self.settings)
            t = self.tally
            t.new_documents += report.added
            t.new_edges += sum(e.relation != "version" for e in report.edges)
            t.new_versions += sum(e.relation == "version" for e in report.edges)
            t.refused += list(report.errors)
            if report.interrupted:
                raise KeyboardInterrupt
            self.store.reacquire()
            with self.store.transaction():
                self.store.mark_ingested([state.entry.url for state, _, _ in pending])
            if self.progress is not None:
                self.progress(CrawlProgress(t.requests, t.pages, t.new_documents, t.new_edges, t.errors))


def _changed(state: FrontierState, result: FetchResult) -> bool:
    """Whether a fetch brought a body other than the one the frontier knows."""
    return result.ok and result.content is not None and result.content_hash != state.content_hash


def _looks_like_sitemap(content: bytes) -> bool:
    head = content[:512].lstrip()
    return b"<urlset" in head or b"<sitemapindex" in head
