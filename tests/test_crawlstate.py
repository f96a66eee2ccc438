"""The crawl's state in the store: frontier, fetches, raw pages, runs, the crawl lock."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from provenance.errors import StoreBusyError
from provenance.models import FetchRecord, FrontierEntry
from provenance.store import Store

T0 = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "crawl.duckdb") as s:
        yield s


def page(url: str, **fields) -> FrontierEntry:
    return FrontierEntry(url, "paper.example", fields.pop("kind", "page"), **fields)


def fetched(url: str, at: datetime, *, body: bytes | None = b"<p>story</p>", status: int = 200, digest: str = "h1",
            **fields) -> FetchRecord:
    return FetchRecord(url, at, at + 24 * HOUR, status=status, content=body,
                       content_hash=digest if body is not None else fields.pop("content_hash", None),
                       bytes=len(body or b""), content_type="text/html", **fields)


def test_new_urls_are_added_once_and_due_in_kind_order(store):
    assert store.add_to_frontier([page("https://paper.example/a"), page("https://paper.example/robots.txt", kind="robots"),
                                  page("https://paper.example/feed", kind="feed"), page("https://paper.example/a")], T0) == 3
    assert store.add_to_frontier([page("https://paper.example/a")], T0) == 0
    due = [s.entry.url for s in store.due_urls(T0)]
    assert due == ["https://paper.example/robots.txt", "https://paper.example/feed", "https://paper.example/a"]
    assert store.due_urls(T0 - HOUR) == []  # nothing is due before it was found


def test_a_fetch_sets_validators_schedule_and_pending_content(store):
    url = "https://paper.example/a"
    store.add_to_frontier([page(url)], T0)
    store.record_fetches([fetched(url, T0, etag='"v1"', last_modified="Mon, 30 Nov 2026 05:00:00 GMT")], run_id=1)
    state = store.frontier_states([url])[url]
    assert (state.etag, state.last_modified, state.content_hash, state.last_status) == \
        ('"v1"', "Mon, 30 Nov 2026 05:00:00 GMT", "h1", 200)
    assert state.next_fetch_at == T0 + 24 * HOUR and store.due_urls(T0 + HOUR) == []
    [(pending, content_type, body)] = store.pending_pages()
    assert (pending.entry.url, content_type, body) == (url, "text/html", b"<p>story</p>")
    store.mark_ingested([url])
    assert store.pending_pages() == []
    assert store.query("SELECT run_id, url, status, bytes FROM fetches")[1] == [(1, url, 200, 12)]


def test_a_304_keeps_the_validators_and_content_and_is_not_pending(store):
    url = "https://paper.example/a"
    store.add_to_frontier([page(url)], T0)
    store.record_fetches([fetched(url, T0, etag='"v1"')])
    store.mark_ingested([url])
    store.record_fetches([fetched(url, T0 + 30 * HOUR, body=None, status=304)])
    state = store.frontier_states([url])[url]
    assert (state.etag, state.content_hash, state.last_status) == ('"v1"', "h1", 304)
    assert store.pending_pages() == []


def test_unchanged_content_is_not_pending_again_but_changed_content_is(store):
    url = "https://paper.example/a"
    store.add_to_frontier([page(url)], T0)
    store.record_fetches([fetched(url, T0)])
    store.mark_ingested([url])
    store.record_fetches([fetched(url, T0 + 30 * HOUR)])  # same bytes, no validators
    assert store.pending_pages() == []
    store.record_fetches([fetched(url, T0 + 60 * HOUR, body=b"<p>story, updated</p>", digest="h2")])
    [(state, _, body)] = store.pending_pages()
    assert state.content_hash == "h2" and body == b"<p>story, updated</p>"
    # each body is kept once, compressed
    assert store.query("SELECT content_hash, bytes FROM raw_pages ORDER BY 1")[1] == [("h1", 12), ("h2", 21)]
    assert store.raw_page("h1") == ("text/html", b"<p>story</p>")


def test_failures_count_up_in_a_row_and_reset_on_success(store):
    url = "https://paper.example/a"
    store.add_to_frontier([page(url)], T0)
    for i in range(3):
        store.record_fetches([fetched(url, T0 + i * HOUR, body=None, status=503, error="HTTP 503")])
    assert store.frontier_states([url])[url].failures == 3
    store.record_fetches([fetched(url, T0 + 5 * HOUR)])
    assert store.frontier_states([url])[url].failures == 0


def test_a_later_lastmod_makes_a_fetched_url_due_at_once(store):
    url = "https://paper.example/a"
    store.add_to_frontier([page(url)], T0)
    store.record_fetches([fetched(url, T0)])  # next fetch a day later
    store.add_to_frontier([page(url, lastmod=T0 - HOUR)], T0 + 2 * HOUR)  # changed before the fetch: no
    assert store.due_urls(T0 + 2 * HOUR) == []
    store.add_to_frontier([page(url, lastmod=T0 + HOUR)], T0 + 2 * HOUR)  # changed after it: due now
    assert [s.entry.url for s in store.due_urls(T0 + 2 * HOUR)] == [url]
    assert store.frontier_states([url])[url].entry.lastmod == T0 + HOUR


def test_runs_are_numbered_and_closed_with_their_counts(store):
    first = store.start_crawl_run(["https://paper.example/"], T0)
    store.finish_crawl_run(first, "done", {"requests": 7, "not_modified": 2, "new_documents": 3}, T0 + HOUR)
    second = store.start_crawl_run(["corpora/x.toml"], T0 + 2 * HOUR)
    assert (first, second) == (1, 2)
    assert store.query("SELECT run_id, status, requests, not_modified, new_documents, new_edges FROM crawl_runs"
                       " ORDER BY 1")[1] == [(1, "done", 7, 2, 3, 0), (2, "running", 0, 0, 0, 0)]


def test_a_second_crawl_of_a_store_is_refused_while_one_runs(store, tmp_path):
    code = ("import sys\nfrom provenance.store.crawlstate import crawl_lock\nfrom provenance.errors import StoreBusyError\n"
            "try:\n    crawl_lock(sys.argv[1]).__enter__()\nexcept StoreBusyError as e:\n    print('busy:', e); sys.exit(75)\n")
    with store.crawl_lock():
        with pytest.raises(StoreBusyError, match="another crawl"):
            with store.crawl_lock():
                pass
        other = subprocess.run([sys.executable, "-c", code, str(tmp_path / "crawl.duckdb")], capture_output=True,
                               text=True)
    assert other.returncode == 75 and "another crawl of this store is running" in other.stdout
    with store.crawl_lock():  # released at the end of the block
        pass


def test_duplicates_in_one_call_keep_the_latest_lastmod_and_a_known_date(store):
    url = "https://paper.example/a"
    store.add_to_frontier([page(url), page(url, lastmod=T0 - HOUR), page(url, lastmod=T0 - 2 * HOUR, published=T0 - 9 * HOUR)],
                          T0)
    state = store.frontier_states([url])[url]
    assert (state.entry.lastmod, state.entry.published) == (T0 - HOUR, T0 - 9 * HOUR)
