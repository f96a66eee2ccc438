"""provenance.fetch against a real HTTP server on 127.0.0.1 (no internet, no mocks of fetch)."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from provenance.errors import FetchError, InputError
from provenance.fetch import Fetcher, fetch_url, is_url
from provenance.settings import DEFAULT_SETTINGS, Settings

PAGE = "<html><head><title>Caf\u00e9</title></head><body><p>\u201cQuoted\u201d news</p></body></html>"
PAGE_BYTES = PAGE.encode("windows-1252")
BIG_BYTES = b"<p>" + b"x" * 5000 + b"</p>"
#: The test server's address let through by allowed_networks: the guard stays on for every other
#: address, so these tests also run the guarded connection path.
LOCAL = dataclasses.replace(DEFAULT_SETTINGS, allowed_networks=("127.0.0.1/32",))
#: The whole policy lifted (--allow-private): httpx's own transport.
ALLOW_PRIVATE = dataclasses.replace(DEFAULT_SETTINGS, allow_private_addresses=True)
SMALL = dataclasses.replace(LOCAL, max_input_bytes=1000)


class Handler(BaseHTTPRequestHandler):
    """Routes: /page /redirect /redirect2 /missing /teapot /big /big-unsized /slow /trickle."""

    seen_headers: list[dict[str, str]] = []  # request headers of /page, for the header test

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout and size tests): expected

    def _route(self) -> None:
        if self.path == "/page":
            Handler.seen_headers.append(dict(self.headers.items()))
            self._send(200, PAGE_BYTES, "text/html; charset=windows-1252")
        elif self.path == "/redirect":
            self._redirect("/redirect2")
        elif self.path == "/redirect2":
            self._redirect("/page")
        elif self.path == "/missing":
            self._send(404, b"<h1>gone</h1>", "text/html")
        elif self.path == "/teapot":
            self._send(418, b"", "text/plain")
        elif self.path == "/big":
            self._send(200, BIG_BYTES, "text/html")
        elif self.path == "/big-unsized":  # no Content-Length: only streaming can stop it
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(BIG_BYTES)
        elif self.path == "/slow":
            time.sleep(1.0)
            self._send(200, b"late", "text/plain")
        elif self.path == "/trickle":  # each read is quick, the whole body is not
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"x" * 10)
                self.wfile.flush()
                time.sleep(0.05)
        else:
            self._send(500, b"unknown route", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # keep test output clean


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment must not intercept loopback requests."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """Base URL of a threaded HTTP server on 127.0.0.1 (an OS-chosen port), shut down after."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True  # slow handlers must not hold up shutdown
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_fetch_page_keeps_bytes_and_content_type(server: str) -> None:
    with Fetcher(LOCAL) as fetcher:
        doc = fetcher.fetch(f"{server}/page")
    assert doc.content == PAGE_BYTES  # undecoded: decoding is a later stage's job
    assert doc.content_type == "text/html; charset=windows-1252"
    assert doc.url == f"{server}/page"
    assert doc.origin == f"{server}/page"
    assert doc.fetched is not None and doc.fetched.tzinfo is not None
    assert doc.fetched.utcoffset() == UTC.utcoffset(None)
    assert doc.format_hint is None


def test_fetch_sends_user_agent_and_accept(server: str) -> None:
    Handler.seen_headers.clear()
    settings = dataclasses.replace(LOCAL, user_agent="provenance-test/1")
    fetch_url(f"{server}/page", settings)
    headers = {k.lower(): v for k, v in Handler.seen_headers[-1].items()}
    assert headers["user-agent"] == "provenance-test/1"
    assert headers["accept"].startswith("text/html")


def test_redirects_are_followed_and_final_url_recorded(server: str) -> None:
    doc = fetch_url(f"{server}/redirect", LOCAL)
    assert doc.content == PAGE_BYTES
    assert doc.url == f"{server}/page"
    assert doc.origin == f"{server}/redirect"


@pytest.mark.parametrize(("path", "reason"), [("/missing", "HTTP 404 Not Found"), ("/teapot", "HTTP 418")])
def test_http_error_status(server: str, path: str, reason: str) -> None:
    with pytest.raises(FetchError) as info:
        fetch_url(server + path, LOCAL)
    assert info.value.origin == server + path
    assert info.value.reason.startswith(reason)
    assert isinstance(info.value, InputError)  # callers may catch input errors as one family


@pytest.mark.parametrize("path", ["/big", "/big-unsized"])
def test_body_larger_than_limit(server: str, path: str) -> None:
    with pytest.raises(FetchError) as info:
        fetch_url(server + path, SMALL)
    assert info.value.reason == "larger than 1000 bytes"


def test_body_at_limit_is_accepted(server: str) -> None:
    settings = dataclasses.replace(LOCAL, max_input_bytes=len(BIG_BYTES))
    assert fetch_url(f"{server}/big-unsized", settings).content == BIG_BYTES


def test_slow_server_times_out(server: str) -> None:
    settings = dataclasses.replace(LOCAL, fetch_timeout_seconds=0.2)
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch_url(f"{server}/slow", settings)
    assert info.value.reason == "timed out after 0.2 s"
    assert time.monotonic() - started < 0.9


def test_trickling_body_hits_the_overall_deadline(server: str) -> None:
    settings = dataclasses.replace(LOCAL, fetch_timeout_seconds=0.3)
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch_url(f"{server}/trickle", settings)
    assert "timed out" in info.value.reason
    assert time.monotonic() - started < 1.5  # the body alone takes 2 s


@pytest.mark.parametrize("settings", [LOCAL, ALLOW_PRIVATE], ids=["allowed-network", "allow-private"])
def test_connection_refused(settings: Settings) -> None:
    with socket.socket() as sock:  # find a free port, then close it: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    with pytest.raises(FetchError) as info:
        fetch_url(url, settings)
    assert info.value.origin == url
    assert info.value.reason.startswith("connection failed")
    assert "\n" not in info.value.reason


@pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/passwd", "example.com/a", ""])
def test_non_http_schemes_are_refused(url: str) -> None:
    with pytest.raises(FetchError) as info:
        fetch_url(url)
    assert "http" in info.value.reason


@pytest.mark.parametrize("url", ["http://", "http:///path", "https://[::1/", "http://[zz::1]/"])
def test_invalid_urls_become_fetch_errors(url: str) -> None:
    with pytest.raises(FetchError) as info:
        fetch_url(url)
    assert info.value.reason and "\n" not in info.value.reason


def test_is_url() -> None:
    assert is_url("http://example.com")
    assert is_url("HTTPS://example.com/a")
    assert not is_url("ftp://example.com")
    assert not is_url("example.com")
    assert not is_url("./http:/x")
    assert not is_url("")


# --- the transport seam (MockTransport only proves the seam is honoured) ---------------------------


def test_transport_seam_is_used() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"<p>hi</p>", headers={"Content-Type": "text/html"})

    with Fetcher(DEFAULT_SETTINGS, transport=httpx.MockTransport(handler)) as fetcher:
        doc = fetcher.fetch("https://news.invalid/a")
    assert doc.content == b"<p>hi</p>"
    assert doc.url == "https://news.invalid/a"
    assert seen[0].headers["User-Agent"] == DEFAULT_SETTINGS.user_agent


def test_transport_errors_are_translated() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset by peer", request=request)

    with pytest.raises(FetchError) as info:
        fetch_url("https://news.invalid/a", transport=httpx.MockTransport(handler))
    assert info.value.reason == "network error: connection reset by peer"
