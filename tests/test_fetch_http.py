"""Fetcher.get against real faulty servers on 127.0.0.1: timeouts, retries, throttling, redirects,
size and decompression caps, content types, wrong charsets, conditional GET (no internet)."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import random
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from conftest import QuietHandler, loopback_server
from provenance.decode import decode_bytes
from provenance.errors import BlockedAddressError, FetchError, InputError
from provenance.fetch import FEED_TYPES, PAGE_TYPES, Fetcher, FetchResult, fetch_url, user_agent
from provenance.inflate import Inflater, gunzip
from provenance.politeness import Outcome, RetryPolicy
from provenance.settings import DEFAULT_SETTINGS, Settings

LOCAL = dataclasses.replace(DEFAULT_SETTINGS, allow_private_addresses=True)
PAGE_TEXT = "<html><head><title>Nachrichten</title></head><body><p>Größte Überraschung für Köln – „Zitat“</p></body></html>"
PAGE = PAGE_TEXT.encode("utf-8")
ETAG = '"v1-abc"'
LAST_MODIFIED = "Wed, 01 Jul 2026 10:00:00 GMT"
SERVER_DATE = datetime(2026, 7, 1, 12, 0, 0, tzinfo=UTC)
FIFTY_MB = 50 * 1024 * 1024
RUSSIAN = ("Вчера вечером мы с друзьями долго гуляли по старому парку в центре города. Деревья уже начали "
           "желтеть, и под ногами тихо шуршали опавшие листья.")
RUSSIAN_PAGE = f"<html><head><title>Новости</title></head><body><p>{RUSSIAN}</p></body></html>"


def _bomb(decoded_bytes: int) -> bytes:
    """gzip of ``decoded_bytes`` zeros, built without holding them in memory."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    parts = [compressor.compress(block) for _ in range(decoded_bytes >> 20)]
    return b"".join(parts) + compressor.flush()


BOMB = _bomb(200 << 20)  # 200 MB of zeros: ~200 KB on the wire


class Handler(QuietHandler):
    counters: dict[str, int] = {}
    headers_seen: list[dict[str, str]] = []
    written: dict[str, int] = {}  # bytes of body a route managed to write before the client left

    def do_GET(self) -> None:  # noqa: N802
        Handler.headers_seen.append({k.lower(): v for k, v in self.headers.items()})
        try:
            self._route(self.path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client refused the rest: expected in the cap tests

    def _route(self, path: str) -> None:
        if path == "/page":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif path == "/etag":
            if self.headers.get("If-None-Match") == ETAG:
                self._send(304, b"", None, {"ETag": ETAG})
            else:
                self._send(200, PAGE, "text/html; charset=utf-8", {"ETag": ETAG})
        elif path == "/lastmod":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self._send(304, b"", None, {"Last-Modified": LAST_MODIFIED})
            else:
                self._send(200, PAGE, "text/html; charset=utf-8", {"Last-Modified": LAST_MODIFIED})
        elif path == "/slow-headers":
            time.sleep(1.0)
            self._send(200, b"late", "text/plain")
        elif path == "/trickle":
            self._head(200, "text/plain")
            for _ in range(40):
                self.wfile.write(b"x" * 10)
                self.wfile.flush()
                time.sleep(0.05)
        elif path == "/flaky":
            count = Handler.counters["flaky"] = Handler.counters.get("flaky", 0) + 1
            if count == 1:
                self._send(500, b"oops", "text/plain")
            else:
                self._send(200, PAGE, "text/html")
        elif path == "/throttle-seconds":
            self._send(429, b"slow down", "text/plain", {"Retry-After": "7"})
        elif path == "/throttle-date":
            retry_at = format_datetime(SERVER_DATE + timedelta(seconds=120), usegmt=True)
            self._send(503, b"", "text/plain", {"Retry-After": retry_at})
        elif path == "/throttle-garbage":
            self._send(429, b"", "text/plain", {"Retry-After": "in a while"})
        elif path.startswith("/loop-"):
            self._redirect("/loop-b" if path == "/loop-a" else "/loop-a")
        elif path.startswith("/chain/"):
            left = int(path.rsplit("/", 1)[1])
            if left:
                self._redirect(f"/chain/{left - 1}")
            else:
                self._send(200, PAGE, "text/html")
        elif path == "/redirect":
            self._redirect("/page")
        elif path in ("/huge", "/huge-unsized", "/image"):
            kind = "image/png" if path == "/image" else "text/html"
            extra = {} if path == "/huge-unsized" else {"Content-Length": str(FIFTY_MB)}
            self._head(200, kind, extra)
            block = b"<p>" + b"x" * 65530 + b"</p>"[:3]
            Handler.written[path] = 0
            while Handler.written[path] < FIFTY_MB:
                self.wfile.write(block)
                Handler.written[path] += len(block)
        elif path == "/bomb":
            self._send(200, BOMB, "text/html", {"Content-Encoding": "gzip"})
        elif path == "/gzip":
            self._send(200, gzip.compress(PAGE), "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
        elif path == "/deflate-raw":
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            self._send(200, packer.compress(PAGE) + packer.flush(), "text/html", {"Content-Encoding": "deflate"})
        elif path == "/br":
            self._send(200, b"\x0b\x02\x80hello\x03", "text/html", {"Content-Encoding": "br"})
        elif path == "/utf8-as-latin1":
            self._send(200, PAGE, "text/html; charset=iso-8859-1")
        elif path == "/cp1252-as-utf8":
            self._send(200, PAGE_TEXT.replace("„", '"').replace("“", '"').encode("cp1252"), "text/html; charset=utf-8")
        elif path == "/cp1251-undeclared":
            self._send(200, RUSSIAN_PAGE.encode("cp1251"), "text/html")
        elif path == "/missing":
            self._send(404, b"<h1>gone</h1>", "text/html")
        elif path == "/feed":
            self._send(200, b"<rss version='2.0'><channel></channel></rss>", "application/rss+xml")
        else:
            self._send(500, b"unknown route", "text/plain")

    def _head(self, status: int, content_type: str | None, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def _send(self, status: int, body: bytes, content_type: str | None, extra: dict[str, str] | None = None) -> None:
        self.send_response_only(status)
        self.send_header("Date", format_datetime(SERVER_DATE, usegmt=True))  # fixed: Retry-After dates count from it
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)




@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with loopback_server(Handler) as base:
        yield base


def get(url: str, settings: Settings = LOCAL, **kwargs: object) -> FetchResult:
    with Fetcher(settings) as fetcher:
        return fetcher.get(url, **kwargs)  # type: ignore[arg-type]


# --- a plain page: every field -----------------------------------------------------------------


def test_ok_result_carries_every_field(server: str) -> None:
    before = datetime.now(UTC)
    result = get(f"{server}/page")
    assert result.kind == "ok" and result.ok and result.error is None
    assert result.status == 200
    assert result.content == PAGE
    assert result.content_hash == hashlib.sha256(PAGE).hexdigest()
    assert result.bytes == len(PAGE) == result.wire_bytes
    assert result.content_type == "text/html; charset=utf-8"
    assert result.url == result.final_url == f"{server}/page"
    assert result.redirects == ()
    assert before <= result.fetched_at <= datetime.now(UTC) and result.fetched_at.tzinfo is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = 500  # type: ignore[misc]


def test_final_url_and_chain_after_redirects(server: str) -> None:
    result = get(f"{server}/chain/3")
    assert result.ok and result.content == PAGE
    assert result.final_url == f"{server}/chain/0"
    assert result.redirects == (f"{server}/chain/3", f"{server}/chain/2", f"{server}/chain/1")
    doc = fetch_url(f"{server}/redirect", LOCAL)  # fetch() on top of get()
    assert doc.url == f"{server}/page" and doc.origin == f"{server}/redirect" and doc.content == PAGE


def test_user_agent_names_the_contact_and_accept_lists_the_types(server: str) -> None:
    settings = dataclasses.replace(LOCAL, crawl_contact_url="https://news.example/crawler")
    Handler.headers_seen.clear()
    get(f"{server}/page", settings, accept=FEED_TYPES)
    headers = Handler.headers_seen[-1]
    assert headers["user-agent"] == "provenance/0.1 (+https://news.example/crawler)"
    assert headers["accept"].startswith("application/rss+xml,application/atom+xml,")
    assert headers["accept-encoding"] == "gzip, deflate"  # only what we decode within a budget
    assert user_agent(dataclasses.replace(DEFAULT_SETTINGS, user_agent="bot/2")) == "bot/2"
    assert user_agent(dataclasses.replace(DEFAULT_SETTINGS, user_agent="bot/2", crawl_contact_url="https://a.b/c")) \
        == "bot/2 (+https://a.b/c)"


# --- conditional GET --------------------------------------------------------------------------------


def test_etag_then_304(server: str) -> None:
    first = get(f"{server}/etag")
    assert first.ok and first.etag == ETAG
    second = get(f"{server}/etag", etag=first.etag)
    assert second.kind == "not-modified" and second.not_modified and second.status == 304
    assert second.content is None and second.content_hash is None and second.error is None
    assert Handler.headers_seen[-1]["if-none-match"] == ETAG
    assert get(f"{server}/etag", etag='"stale"').ok  # a changed page comes back whole


def test_last_modified_then_304(server: str) -> None:
    first = get(f"{server}/lastmod")
    assert first.ok and first.last_modified == LAST_MODIFIED
    second = get(f"{server}/lastmod", last_modified=first.last_modified)
    assert second.not_modified and second.content is None
    assert second.raise_for_error() is second  # a normal result, not an error


# --- timeouts -----------------------------------------------------------------------------------------


def test_read_timeout(server: str) -> None:
    settings = dataclasses.replace(LOCAL, fetch_read_timeout_seconds=0.2, fetch_timeout_seconds=5.0)
    started = time.monotonic()
    result = get(f"{server}/slow-headers", settings)
    assert result.kind == "timeout" and result.status is None
    assert result.error == "read timed out after 0.2 s"
    assert time.monotonic() - started < 0.9
    assert Outcome.of(result).transient


def test_total_timeout_cuts_a_trickling_server(server: str) -> None:
    settings = dataclasses.replace(LOCAL, fetch_read_timeout_seconds=5.0, fetch_timeout_seconds=0.3)
    started = time.monotonic()
    result = get(f"{server}/trickle", settings)
    assert result.kind == "timeout" and result.error == "timed out after 0.3 s"
    assert time.monotonic() - started < 1.0  # the body alone takes 2 s; every read is quick


# --- errors, retries, throttling -------------------------------------------------------------------


def test_http_error_is_a_result_not_an_exception(server: str) -> None:
    result = get(f"{server}/missing")
    assert result.kind == "http" and result.status == 404 and result.error == "HTTP 404 Not Found"
    assert result.content is None
    with pytest.raises(FetchError, match="HTTP 404 Not Found"):
        result.raise_for_error()


def test_500_then_success_with_the_policys_delay(server: str) -> None:
    Handler.counters.pop("flaky", None)
    policy = RetryPolicy(max_attempts=3, backoff_base=2.0, backoff_max=60.0, rng=random.Random(11))
    first = get(f"{server}/flaky")
    assert first.kind == "http" and first.status == 500
    delay = policy.next_attempt(1, Outcome.of(first))
    assert delay == random.Random(11).uniform(0.0, 2.0)  # full jitter over [0, base]: the seeded draw
    second = get(f"{server}/flaky")  # the crawl loop would send it `delay` later; no sleeping here
    assert second.ok and second.content == PAGE
    assert policy.next_attempt(2, Outcome.of(second)) is None


def test_429_retry_after_seconds(server: str) -> None:
    result = get(f"{server}/throttle-seconds")
    assert result.status == 429 and result.retry_after == 7.0
    assert RetryPolicy(rng=random.Random(1)).next_attempt(1, Outcome.of(result)) == 7.0


def test_503_retry_after_http_date_counts_from_the_servers_date(server: str) -> None:
    result = get(f"{server}/throttle-date")
    assert result.status == 503 and result.retry_after == 120.0  # server clock: 12:00 -> 12:02
    assert RetryPolicy(max_retry_after=60.0).next_attempt(1, Outcome.of(result)) is None  # too far: not tonight


def test_garbage_retry_after_is_ignored(server: str) -> None:
    result = get(f"{server}/throttle-garbage")
    assert result.status == 429 and result.retry_after is None


# --- redirects -------------------------------------------------------------------------------------


def test_redirect_loop_is_named(server: str) -> None:
    result = get(f"{server}/loop-a")
    assert result.kind == "refused"
    assert result.error == f"redirect loop: {server}/loop-a → {server}/loop-b → {server}/loop-a"
    assert result.redirects == (f"{server}/loop-a", f"{server}/loop-b")
    assert not Outcome.of(result).retryable


def test_redirect_chain_over_the_limit(server: str) -> None:
    settings = dataclasses.replace(LOCAL, max_redirects=3)
    assert get(f"{server}/chain/3", settings).ok
    result = get(f"{server}/chain/4", settings)
    assert result.kind == "refused" and result.error == "more than 3 redirects"
    assert len(result.redirects) == 4
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch_url(f"{server}/chain/4", settings)


# --- size, compression and content type caps -----------------------------------------------------------


def test_fifty_megabytes_declared_are_refused_before_reading(server: str) -> None:
    started = time.monotonic()
    result = get(f"{server}/huge")
    assert result.kind == "refused" and result.error == f"larger than {DEFAULT_SETTINGS.max_input_bytes} bytes"
    assert result.wire_bytes == 0 and result.content is None
    assert time.monotonic() - started < 2.0


def test_fifty_megabytes_unsized_stop_at_the_cap_with_little_memory(server: str) -> None:
    settings = dataclasses.replace(LOCAL, max_input_bytes=1_000_000)
    tracemalloc.start()
    try:
        result = get(f"{server}/huge-unsized", settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.kind == "refused" and result.error == "larger than 1000000 bytes"
    assert result.wire_bytes < 1_200_000  # stopped within a chunk of the cap, not at 50 MB
    assert peak < 8_000_000


def test_gzip_bomb_is_refused_without_inflating_it(server: str) -> None:
    tracemalloc.start()
    try:
        result = get(f"{server}/bomb")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.kind == "refused"
    assert result.error == "compressed more than 100:1 (a decompression bomb)"
    assert result.wire_bytes < len(BOMB)  # not even all of its ~200 KB was read
    assert peak < 6_000_000  # 200 MB inflated would show; the refusal comes at ~1 MB


def test_decompressed_size_cap_without_the_ratio_rule(server: str) -> None:
    settings = dataclasses.replace(LOCAL, max_compression_ratio=1e9, max_input_bytes=3_000_000)
    result = get(f"{server}/bomb", settings)
    assert result.kind == "refused" and result.error == "larger than 3000000 bytes decompressed"


def test_gzip_and_raw_deflate_pages_decode(server: str) -> None:
    for path in ("/gzip", "/deflate-raw"):
        result = get(server + path)
        assert result.ok and result.content == PAGE, path
        assert result.wire_bytes != result.bytes
        assert result.content_hash == hashlib.sha256(PAGE).hexdigest()  # of the decoded body


def test_brotli_is_refused_undecoded(server: str) -> None:
    result = get(f"{server}/br")
    assert result.kind == "refused" and result.error == "content encoding br not supported"


def test_non_html_content_type_refused_without_reading_the_body(server: str) -> None:
    started = time.monotonic()
    result = get(f"{server}/image")
    assert result.kind == "refused" and result.error == "content type image/png"
    assert result.status == 200 and result.wire_bytes == 0 and result.content is None
    assert time.monotonic() - started < 2.0
    assert get(f"{server}/feed", accept=FEED_TYPES).ok
    assert get(f"{server}/feed", accept=PAGE_TYPES).error == "content type application/rss+xml"
    assert get(f"{server}/feed", accept=("application/*",)).ok


# --- charsets: the bytes are kept; decode.py gets the text right despite the header ---------------------


@pytest.mark.parametrize(("path", "expected"), [
    ("/utf8-as-latin1", "Größte Überraschung für Köln – „Zitat“"),
    ("/cp1252-as-utf8", "Größte Überraschung für Köln – \"Zitat\""),
    ("/cp1251-undeclared", RUSSIAN),
])
def test_wrong_or_missing_charset_is_decoded_right(server: str, path: str, expected: str) -> None:
    result = get(server + path)
    text, _ = decode_bytes(result.content or b"", result.content_type)
    assert expected in text


# --- the address guard still applies ----------------------------------------------------------------


def test_get_reports_a_blocked_address_as_a_result(server: str) -> None:
    result = get(f"{server}/page", DEFAULT_SETTINGS)
    assert result.kind == "blocked"
    assert result.error == "refused: 127.0.0.1 is a loopback address (use --allow-private to fetch internal addresses)"
    with pytest.raises(BlockedAddressError):
        result.raise_for_error()


@pytest.mark.parametrize(("url", "kind"), [("ftp://example.com/", "invalid"), ("http:///x", "invalid")])
def test_invalid_urls_are_results(url: str, kind: str) -> None:
    result = get(url, DEFAULT_SETTINGS)
    assert result.kind == kind and result.error


# --- the inflater alone ---------------------------------------------------------------------------------


def test_gunzip_opens_a_sitemap_gz_within_the_budget() -> None:
    data = b"<urlset>" + b"<url><loc>https://news.example/a</loc></url>" * 100 + b"</urlset>"
    assert gunzip(gzip.compress(data), max_bytes=10_000, max_ratio=100) == data
    assert gunzip(gzip.compress(data[:50]) + gzip.compress(data[50:]), max_bytes=10_000, max_ratio=100) == data
    with pytest.raises(InputError, match="larger than 1000 bytes decompressed"):
        gunzip(gzip.compress(data), max_bytes=1000, max_ratio=100)
    with pytest.raises(InputError, match="cut short"):
        gunzip(gzip.compress(data)[:-12], max_bytes=10_000, max_ratio=100)
    with pytest.raises(InputError, match="could not decode"):
        gunzip(b"not gzip at all", max_bytes=10_000, max_ratio=100)


def test_inflater_never_holds_more_than_a_step_beyond_the_cap() -> None:
    inflater = Inflater("gzip", max_bytes=2_000_000, max_ratio=1e9)
    produced = 0
    with pytest.raises(InputError):
        for start in range(0, len(BOMB), 4096):
            produced += len(inflater.feed(BOMB[start : start + 4096]))
    assert produced <= 2_000_000 and inflater.decoded <= 2_000_001
