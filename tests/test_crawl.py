"""Crawls of a small web on loopback (tests/crawlworld.py): discovery, politeness, linking,
incremental reruns, a changed article, resumption after a kill."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from crawlworld import CRAWL_DELAY, REPOSTED, STORIES, World
from provenance.crawl import CrawlOptions, crawl, next_fetch_time, plan_targets, start_kind
from provenance.errors import InputError
from provenance.models import FrontierEntry, FrontierState
from provenance.settings import Settings
from provenance.store import Store

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
SETTINGS = Settings(allow_private_addresses=True, crawl_host_delay_seconds=0.05, crawl_backoff_base_seconds=0.1,
                    crawl_backoff_max_seconds=0.5, crawl_max_wait_seconds=5.0, workers=0, fetch_read_timeout_seconds=1.0,
                    crawl_max_attempts=2)


@pytest.fixture
def world():
    w = World()
    yield w
    w.stop()


def run(store, world, at, **options):
    return crawl(store, [world.publisher.base + "/", world.aggregator.base + "/"], settings=SETTINGS,
                 options=CrawlOptions(**options), clock=lambda: at)


def docs_by_url(store):
    return {url: doc_id for doc_id, url in store.query("SELECT doc_id, url FROM documents")[1]}


def test_a_first_crawl_discovers_fetches_politely_and_links_reposts(world, tmp_path):
    with Store(tmp_path / "c.duckdb") as store:
        report = run(store, world, T0)
        assert report.status == "done"
        requested = [(r.host, r.path) for r in world.requests()]
        # never a disallowed path; robots.txt of each host asked before anything else there
        assert not any(path.startswith("/private/") for _, path in requested)
        for host in ("127.0.0.1", "127.0.0.2"):
            paths = [p for h, p in requested if h == host]
            assert paths[0] == "/robots.txt"
        # the publisher's Crawl-delay kept between its requests
        times = [r.at for r in world.publisher.log]
        assert min(b - a for a, b in zip(times, times[1:])) >= CRAWL_DELAY * 0.95
        # discovered from robots -> sitemap index -> news sitemap, the feed and the home pages
        stored = docs_by_url(store)
        for i in range(STORIES):
            assert world.publisher.base + world.story_path(i) in stored
        for i in REPOSTED:
            assert world.aggregator.base + world.repost_path(i) in stored
        assert world.aggregator.base + world.own_path(0) in stored  # after its 429 and Retry-After
        assert report.disallowed == 1 and report.new_documents == STORIES + len(REPOSTED) + 3
        # every repost linked to its publisher article, the publisher upstream
        edges = store.query("SELECT s.url, c.url, e.relation FROM edges e JOIN documents s ON s.doc_id = e.source_id"
                            " JOIN documents c ON c.doc_id = e.copy_id")[1]
        for i in REPOSTED:
            assert (world.publisher.base + world.story_path(i), world.aggregator.base + world.repost_path(i), "copy") \
                in edges
        # every URL's outcome recorded: each frontier URL asked (or refused by robots) has a fetch row
        unfetched = store.query("SELECT url FROM frontier WHERE last_fetch_at IS NULL")[1]
        assert unfetched == []
        outcomes = dict(store.query("SELECT url, max(coalesce(error, '')) FROM fetches GROUP BY url")[1])
        assert "redirect loop" in outcomes[world.aggregator.base + "/posts/2026/11/29/300-looping-story-link-here"]
        assert "content type" in outcomes[world.aggregator.base + "/posts/2026/11/29/301-picture-of-the-day-here"]
        assert outcomes[world.publisher.base + "/private/2026/11/29/secret-draft-story-page"] == \
            "disallowed by robots.txt"
        agg = world.aggregator.base + "/posts/2026/11/29/"
        assert "timed out" in outcomes[agg + "302-slow-story-page-here"]
        assert "larger than" in outcomes[agg + "303-huge-story-page-here"]
        assert "decompress" in outcomes[agg + "304-bomb-story-page-here"] or \
            "larger than" in outcomes[agg + "304-bomb-story-page-here"]
        # a page whose header names the wrong charset is still read right
        (text,) = store.query("SELECT text FROM documents WHERE url = ?", [agg + "305-wrong-charset-story-here"])[1][0]
        assert "café on the quay served crème brûlée" in text
        assert store.integrity_problems() == [(name, 0) for name, _ in store.integrity_problems()]


def test_a_second_run_downloads_nothing_unchanged_and_a_changed_article_becomes_one_version(world, tmp_path):
    with Store(tmp_path / "c.duckdb") as store:
        run(store, world, T0)
        counts = store.counts()
        before = len(world.requests())
        second = run(store, world, T0 + timedelta(minutes=20))
        bodies = [r for r in world.requests()[before:] if r.status == 200 and r.body_bytes and "/20" in r.path]
        assert bodies == [] and second.new_documents == 0
        assert {k: v for k, v in store.counts().items() if k not in ("fetches", "crawl_runs")} == \
            {k: v for k, v in counts.items() if k not in ("fetches", "crawl_runs")}

        # one article changes and the news sitemap says so
        world.build(changed={1: T0 + timedelta(hours=1)})
        before = len(world.requests())
        third = run(store, world, T0 + timedelta(hours=2))
        assert third.new_documents == 1 and third.new_versions == 1
        asked = [r.path for r in world.requests()[before:] if r.status == 200 and r.body_bytes]
        assert world.story_path(1) in asked
        assert not any(world.story_path(i) in asked for i in range(STORIES) if i != 1)
        # robots.txt was not due again: its kept body still kept the private page unasked
        assert not any(r.path.startswith("/private/") for r in world.requests())
        versions = store.query("SELECT count(*) FROM edges WHERE relation = 'version'")[1]
        assert versions == [(1,)]
        runs = store.query("SELECT run_id, status, new_documents, new_versions FROM crawl_runs ORDER BY 1")[1]
        assert runs == [(1, "done", STORIES + len(REPOSTED) + 3, 0), (2, "done", 0, 0), (3, "done", 1, 1)]


def test_a_page_budget_stops_a_run_and_the_next_run_goes_on(world, tmp_path):
    with Store(tmp_path / "c.duckdb") as store:
        first = run(store, world, T0, max_pages=2)
        assert first.status == "budget" and first.new_documents <= 2
        second = run(store, world, T0 + timedelta(minutes=1))
        total = first.new_documents + second.new_documents
        assert total == STORIES + len(REPOSTED) + 3


def test_pages_fetched_and_not_ingested_are_ingested_by_the_next_run_without_a_request(world, tmp_path):
    from provenance.fetch import Fetcher
    from provenance.models import FetchRecord

    url = world.publisher.base + world.story_path(0)
    with Store(tmp_path / "c.duckdb") as store, Fetcher(SETTINGS) as fetcher:
        # a killed run's state: fetched and recorded, never ingested
        result = fetcher.get(url)
        store.add_to_frontier([FrontierEntry(url, "127.0.0.1", "page", "127.0.0.1")], T0)
        store.record_fetches([FetchRecord(url, result.fetched_at, T0 + timedelta(days=1), final_url=result.final_url,
                                          status=200, content_hash=result.content_hash, bytes=result.bytes,
                                          content=result.content, content_type=result.content_type)])
        before = len(world.requests())
        report = crawl(store, [world.publisher.base + "/news-sitemap.xml"], settings=SETTINGS, clock=lambda: T0)
        assert url in docs_by_url(store) and report.new_documents >= 1
        assert [r for r in world.requests()[before:] if r.path == world.story_path(0)] == []
        assert store.pending_pages() == []


def test_targets_are_urls_or_corpus_files(tmp_path):
    sites, entries = plan_targets(["https://www.Paper.example/", "https://paper.example/feed.xml"])
    assert list(sites) == ["paper.example"] and sites["paper.example"].hosts == frozenset({"paper.example"})
    assert [(e.url, e.kind) for e in entries] == [("https://www.paper.example/", "home"),
                                                  ("https://www.paper.example/robots.txt", "robots"),
                                                  ("https://paper.example/feed.xml", "feed"),
                                                  ("https://paper.example/robots.txt", "robots")]
    corpus = tmp_path / "c.toml"
    corpus.write_text('name = "c"\n[[sites]]\nname = "Paper"\nrole = "publisher"\n'
                      'start = ["https://paper.example/sitemap.xml"]\n')
    sites, entries = plan_targets([str(corpus)])
    assert list(sites) == ["Paper"] and [e.kind for e in entries] == ["sitemap", "robots"]
    with pytest.raises(InputError, match="not an http"):
        plan_targets(["ftp://x.example/"])


@pytest.mark.parametrize("url, kind", [
    ("https://x.example/", "home"), ("https://x.example/robots.txt", "robots"),
    ("https://x.example/sitemap_index.xml", "sitemap"), ("https://x.example/news.xml.gz", "sitemap"),
    ("https://x.example/feed/", "feed"), ("https://x.example/rss", "feed"), ("https://x.example/world", "home"),
])
def test_start_kind(url, kind):
    assert start_kind(url) == kind


def test_recheck_schedule_follows_the_age_of_an_article():
    s = Settings()
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)

    def state(published):
        return FrontierState(FrontierEntry("https://x.example/a", "x.example", "page", published=published), now)

    hours = lambda t: round((t - now).total_seconds() / 3600, 2)  # noqa: E731
    assert hours(next_fetch_time(state(now - timedelta(hours=2)), now, failed=False, retry_in=None)) == 1.0  # min
    assert hours(next_fetch_time(state(now - timedelta(days=5)), now, failed=False, retry_in=None)) == 24.0
    assert hours(next_fetch_time(state(now - timedelta(days=900)), now, failed=False, retry_in=None)) == 720.0
    assert hours(next_fetch_time(state(None), now, failed=True, retry_in=None)) == \
        s.crawl_failure_recheck_seconds / 3600
    assert (next_fetch_time(state(None), now, failed=True, retry_in=3.0) - now).total_seconds() == 3.0


CRAWLER = """
import dataclasses, sys
from datetime import datetime, UTC
from provenance.crawl import crawl
from provenance.settings import Settings
from provenance.store import Store
settings = Settings(allow_private_addresses=True, crawl_host_delay_seconds=0.05, crawl_backoff_base_seconds=0.1,
                    crawl_backoff_max_seconds=0.5, crawl_max_wait_seconds=5.0, workers=0, crawl_round_urls=3,
                    fetch_read_timeout_seconds=1.0, crawl_max_attempts=2)
with Store(sys.argv[1], settings=settings) as store:
    crawl(store, sys.argv[2:], settings=settings, clock=lambda: datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
"""


def _rows(store):
    return {
        "documents": sorted(store.query("SELECT url, content_hash FROM documents")[1]),
        "edges": sorted(store.query("SELECT s.url, c.url, e.relation FROM edges e JOIN documents s ON"
                                    " s.doc_id = e.source_id JOIN documents c ON c.doc_id = e.copy_id")[1]),
    }


@pytest.mark.parametrize("kill_after", [6, 11])
def test_a_killed_crawl_resumes_to_the_rows_of_a_clean_one(world, tmp_path, kill_after):
    import signal
    import subprocess
    import sys
    import time

    from conftest import ROOT

    targets = [world.publisher.base + "/", world.aggregator.base + "/"]
    with Store(tmp_path / "clean.duckdb") as store:
        crawl(store, targets, settings=SETTINGS, clock=lambda: T0)
        expected = _rows(store)
    world.build()  # the faults again
    killed = tmp_path / "killed.duckdb"
    seen = len(world.requests())
    proc = subprocess.Popen([sys.executable, "-c", CRAWLER, str(killed), *targets], cwd=ROOT,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(world.requests()) - seen < kill_after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(killed) as store:
        assert store.integrity_problems() == [(name, 0) for name, _ in store.integrity_problems()]
        stored_before = {url for url, _ in _rows(store)["documents"]}
        asked_before = {r.path for r in world.requests()[seen:] if r.status == 200 and r.body_bytes}
        resumed_from = len(world.requests())
        crawl(store, targets, settings=SETTINGS, clock=lambda: T0)
        assert _rows(store) == expected
        # nothing stored before the kill is fetched again
        again = {r.path for r in world.requests()[resumed_from:] if r.status == 200 and r.body_bytes}
        stored_paths = {url.split(":", 2)[2].split("/", 1)[1] for url in stored_before}
        assert not {p.lstrip("/") for p in again} & stored_paths
        assert asked_before  # the kill landed after some pages came


def test_the_cli_crawls_reports_json_and_refuses_a_second_crawl_of_a_store(world, tmp_path):
    import json

    from typer.testing import CliRunner

    from provenance.cli import app
    from provenance.store.crawlstate import crawl_lock

    db = tmp_path / "cli.duckdb"
    runner = CliRunner()
    targets = [world.publisher.base + "/", world.aggregator.base + "/"]
    result = runner.invoke(app, ["crawl", *targets, "--db", str(db), "--allow-private", "--json", "--max-pages", "3"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    article_requests = [r for r in world.requests() if "/2026/" in r.path]
    assert report["status"] == "budget" and len(article_requests) == 3
    assert report["new_documents"] == report["pages"] == len([r for r in article_requests if r.status == 200])
    # the contact URL is sent in the User-Agent
    result = runner.invoke(app, ["crawl", *targets, "--db", str(db), "--allow-private", "-q", "--max-pages", "1",
                                 "--contact", "https://example.org/our-crawler"])
    assert result.exit_code == 0, result.output
    assert "crawl run 2" in result.stdout
    assert "+https://example.org/our-crawler" in world.requests()[-1].agent
    with crawl_lock(db):
        result = runner.invoke(app, ["crawl", *targets, "--db", str(db), "--allow-private"])
    assert result.exit_code == 75 and "another crawl of this store is running" in result.output
    result = runner.invoke(app, ["crawl", "--since", "yesterday", *targets, "--db", str(db), "--allow-private"])
    assert result.exit_code == 2 and "--since" in result.output
    # without --allow-private, loopback addresses are refused: recorded, never asked
    before = len(world.requests())
    result = runner.invoke(app, ["crawl", world.publisher.base + "/news-sitemap.xml", "--db", str(tmp_path / "b.duckdb"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    assert len(world.requests()) == before and json.loads(result.stdout)["errors"] >= 1
    with Store(tmp_path / "b.duckdb", read_only=True) as store:
        errors = [e for (e,) in store.query("SELECT error FROM fetches")[1]]
    assert errors and all("127.0.0.1 is a loopback address" in e for e in errors), errors
    # --warc writes what was fetched, readable as input
    from provenance.warc import read_warc

    warc_dir = tmp_path / "warc"
    result = runner.invoke(app, ["crawl", world.publisher.base + "/news-sitemap.xml", "--db", str(tmp_path / "w.duckdb"),
                                 "--allow-private", "-q", "--warc", str(warc_dir)])
    assert result.exit_code == 0, result.output
    urls = {doc.url for path in warc_dir.iterdir() for doc in read_warc(path)}
    assert world.publisher.base + world.story_path(0) in urls


def test_reextract_rebuilds_a_store_from_kept_pages_without_fetching(world, tmp_path):
    from provenance.pipeline import reextract

    old, new = tmp_path / "old.duckdb", tmp_path / "new.duckdb"
    with Store(old) as store:
        run(store, world, T0)
        world.build(changed={1: T0 + timedelta(hours=1)})
        run(store, world, T0 + timedelta(hours=2))  # a second version of story 1
        expected = _rows(store)
        crawl_rows = {t: store.query(f"SELECT count(*) FROM {t}")[1][0][0]
                      for t in ("frontier", "fetches", "raw_pages", "crawl_runs")}
    world.stop()  # nothing may be fetched
    report = reextract(old, new, settings=SETTINGS)
    assert report.left_out == 0 and report.copied == crawl_rows
    with Store(new) as store:
        assert _rows(store) == expected
        assert store.query("SELECT count(*) FROM edges WHERE relation = 'version'")[1] == [(1,)]
    with pytest.raises(InputError, match="exists already"):
        reextract(old, new, settings=SETTINGS)
