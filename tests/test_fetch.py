"""provenance.fetch against a real HTTP server on 127.0.0.1 (no internet, no mocks of fetch)."""

from __future__ import annotations

import dataclasses
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from http.server import ThreadingHTTPServer
from urllib.parse import quote, unquote

import httpx
import pytest

from provenance.errors import BlockedAddressError, FetchError, InputError, ProvenanceError
from provenance.fetch import AddressPolicy, Fetcher, GuardedTransport, address_refusal, fetch_url, is_url
from provenance.settings import DEFAULT_SETTINGS, Settings

from conftest import QuietHandler

PAGE = "<html><head><title>Caf\u00e9</title></head><body><p>\u201cQuoted\u201d news</p></body></html>"
PAGE_BYTES = PAGE.encode("windows-1252")
BIG_BYTES = b"<p>" + b"x" * 5000 + b"</p>"
#: The test server's address let through by allowed_networks: the guard stays on for every other
#: address, so these tests also run the guarded connection path.
LOCAL = dataclasses.replace(DEFAULT_SETTINGS, allowed_networks=("127.0.0.1/32",))
#: The whole policy lifted (--allow-private): httpx's own transport.
ALLOW_PRIVATE = dataclasses.replace(DEFAULT_SETTINGS, allow_private_addresses=True)
SMALL = dataclasses.replace(LOCAL, max_input_bytes=1000)


class Handler(QuietHandler):
    """Routes: /page /redirect /redirect2 /missing /teapot /big /big-unsized /slow /trickle /redirect-to?url=URL."""

    seen_headers: list[dict[str, str]] = []  # request headers of /page, for the header test
    #: (server address, path) of every request: a refused fetch must leave no trace here
    requests: list[tuple[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        Handler.requests.append((self.server.server_address[0], self.path))
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
        elif self.path.startswith("/redirect-to?url="):  # to another server
            self._redirect(unquote(self.path.partition("=")[2]))
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




@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment must not intercept loopback requests."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


class IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


@contextmanager
def serving(host: str) -> Iterator[int]:
    """A threaded HTTP server on ``host`` (an OS-chosen port, yielded), shut down after.

    Skips the test when this machine cannot listen there (no IPv6 loopback, no 127.0.0.2).
    """
    server_class = IPv6Server if ":" in host else ThreadingHTTPServer
    try:
        httpd = server_class((host, 0), Handler)
    except OSError as exc:
        pytest.skip(f"cannot listen on {host} here: {exc}")
    httpd.daemon_threads = True  # slow handlers must not hold up shutdown
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """Base URL of a threaded HTTP server on 127.0.0.1."""
    with serving("127.0.0.1") as port:
        yield f"http://127.0.0.1:{port}"


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


# --- the address policy: internal addresses are refused unless allowed -----------------------------

LOOPBACK_PHRASE = "a loopback address"


@pytest.mark.parametrize(("address", "phrase"), [
    ("127.0.0.1", LOOPBACK_PHRASE),
    ("127.255.255.254", LOOPBACK_PHRASE),
    (2130706433, LOOPBACK_PHRASE),
    (ipaddress.IPv4Address("127.0.0.1"), LOOPBACK_PHRASE),
    ("::1", LOOPBACK_PHRASE),
    ("0:0:0:0:0:0:0:1", LOOPBACK_PHRASE),
    ("0.0.0.0", "an unspecified address"),
    ("::", "an unspecified address"),
    ("169.254.169.254", "a link-local address"),
    ("fe80::1", "a link-local address"),
    ("fe80::1%eth0", "a link-local address"),
    ("febf:ffff::1", "a link-local address"),
    ("10.0.0.1", "a private address"),
    ("10.255.255.255", "a private address"),
    ("172.16.0.1", "a private address"),
    ("172.31.255.254", "a private address"),
    ("192.168.1.1", "a private address"),
    ("100.64.0.1", "a shared address (carrier-grade NAT)"),
    ("100.127.255.254", "a shared address (carrier-grade NAT)"),
    ("fc00::1", "a private (unique local) address"),
    ("fd00:ec2::254", "a private (unique local) address"),
    ("fec0::1", "a site-local address"),
    ("224.0.0.1", "a multicast address"),
    ("239.255.255.250", "a multicast address"),
    ("ff02::1", "a multicast address"),
    ("ff0e::1", "a multicast address"),
    ("240.0.0.1", "a reserved address"),
    ("255.255.255.255", "a reserved address"),
    ("192.0.2.1", "a special-purpose address (not globally routable)"),
    ("198.18.0.1", "a special-purpose address (not globally routable)"),
    ("0.1.2.3", "a special-purpose address (not globally routable)"),
    ("2001:db8::1", "a special-purpose address (not globally routable)"),
    ("::ffff:127.0.0.1", "the IPv4-mapped form of 127.0.0.1, a loopback address"),
    ("::FFFF:7F00:1", "the IPv4-mapped form of 127.0.0.1, a loopback address"),
    ("0:0:0:0:0:ffff:a9fe:a9fe", "the IPv4-mapped form of 169.254.169.254, a link-local address"),
    ("::ffff:10.1.2.3", "the IPv4-mapped form of 10.1.2.3, a private address"),
    ("::127.0.0.1", "the IPv4-compatible form of 127.0.0.1, a loopback address"),
    ("::192.168.0.1", "the IPv4-compatible form of 192.168.0.1, a private address"),
    ("64:ff9b::127.0.0.1", "the NAT64 form of 127.0.0.1, a loopback address"),
    ("64:ff9b::a9fe:a9fe", "the NAT64 form of 169.254.169.254, a link-local address"),
    ("2002:7f00:1::", "the 6to4 form of 127.0.0.1, a loopback address"),
    ("2002:c0a8:101::1", "the 6to4 form of 192.168.1.1, a private address"),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "the Teredo form of 127.0.0.1, a loopback address"),
])
def test_address_refusal_names_the_kind_of_internal_address(address: object, phrase: str) -> None:
    assert address_refusal(address) == phrase


@pytest.mark.parametrize("address", [
    "93.184.215.14", "8.8.8.8", "1.1.1.1", "11.0.0.1", "100.63.255.255", "100.128.0.1", "172.15.255.255",
    "172.32.0.1", "192.167.255.255", "192.169.0.1", "223.255.255.254", "2606:4700:4700::1111",
    "2a00:1450:4001:800::200e", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1",
])
def test_address_refusal_lets_public_addresses_through(address: str) -> None:
    assert address_refusal(address) is None


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "0X7F000001", "0177.0.0.1", "017700000001", "127.1",
                                  "0x7f.1", "0177.0.0.01", "2130706433."])
def test_policy_reads_every_numeric_spelling_of_an_ipv4_address(host: str) -> None:
    """What the resolver reads as a number (inet_aton) is judged as the address it spells."""
    assert AddressPolicy().host_refusal(host) == f"{host} is 127.0.0.1, a loopback address"


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "localhost.", "news.localhost"])
def test_policy_refuses_localhost_names_before_resolving(host: str) -> None:
    assert AddressPolicy().host_refusal(host) == f"{host} is a loopback name"


@pytest.mark.parametrize("host", ["example.com", "localhost.example.com", "8.8.8.8", "134744072", "2606:4700::1111"])
def test_policy_leaves_names_and_public_literals_to_resolution(host: str) -> None:
    assert AddressPolicy().host_refusal(host) is None


def test_policy_exceptions_from_settings() -> None:
    intranet = AddressPolicy.from_settings(dataclasses.replace(DEFAULT_SETTINGS, allowed_networks=("10.20.0.0/16",)))
    assert intranet.refusal("10.20.3.4") is None
    assert intranet.refusal("::ffff:10.20.3.4") is None  # an IPv6 form of an allowed IPv4 address
    assert intranet.refusal("10.21.0.1") == "a private address"
    assert intranet.host_refusal("localhost") == "localhost is a loopback name"
    loopback = AddressPolicy.from_settings(dataclasses.replace(DEFAULT_SETTINGS, allowed_networks=("127.0.0.0/8",)))
    assert loopback.host_refusal("localhost") is None  # left to what it resolves to
    everything = AddressPolicy.from_settings(ALLOW_PRIVATE)
    assert everything.refusal("169.254.169.254") is None and everything.host_refusal("localhost") is None
    with pytest.raises(ProvenanceError, match="allowed_networks: 'intranet' is not an IP network"):
        AddressPolicy.from_settings(dataclasses.replace(DEFAULT_SETTINGS, allowed_networks=("intranet",)))


def _requests_to(address: str) -> list[str]:
    return [path for host, path in Handler.requests if host == address]


@pytest.mark.parametrize(("host", "detail"), [
    ("127.0.0.1", "127.0.0.1 is a loopback address"),
    ("localhost", "localhost is a loopback name"),
    ("LocalHost.", "localhost. is a loopback name"),
    ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is the IPv4-mapped form of 127.0.0.1, a loopback address"),
    ("2130706433", "2130706433 is 127.0.0.1, a loopback address"),
    ("0x7f000001", "0x7f000001 is 127.0.0.1, a loopback address"),
    ("0177.0.0.1", "0177.0.0.1 is 127.0.0.1, a loopback address"),
    ("127.1", "127.1 is 127.0.0.1, a loopback address"),
    ("0.0.0.0", "0.0.0.0 is an unspecified address"),  # Linux connects it to this host
])
def test_default_policy_refuses_every_spelling_of_the_local_server(server: str, host: str, detail: str) -> None:
    url = server.replace("127.0.0.1", host) + "/page"
    Handler.requests.clear()
    with pytest.raises(BlockedAddressError) as info:
        fetch_url(url)
    assert info.value.origin == url
    assert info.value.reason == f"refused: {detail} (use --allow-private to fetch internal addresses)"
    assert str(info.value) == f"{url}: {info.value.reason}" and "\n" not in str(info.value)
    assert isinstance(info.value, FetchError)
    assert Handler.requests == []  # nothing reached the server


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "2130706433", "0x7f000001", "127.1",
                                  "0.0.0.0"])
def test_allow_private_fetches_the_local_server(server: str, host: str) -> None:
    assert fetch_url(server.replace("127.0.0.1", host) + "/page", ALLOW_PRIVATE).content == PAGE_BYTES


def test_ipv6_loopback_is_refused_and_allowed_on_request() -> None:
    with serving("::1") as port:
        url = f"http://[::1]:{port}/page"
        Handler.requests.clear()
        with pytest.raises(BlockedAddressError) as info:
            fetch_url(url)
        assert info.value.reason.startswith("refused: ::1 is a loopback address")
        assert Handler.requests == []
        assert fetch_url(url, ALLOW_PRIVATE).content == PAGE_BYTES
        assert fetch_url(url, dataclasses.replace(DEFAULT_SETTINGS, allowed_networks=("::1",))).content == PAGE_BYTES


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every socket connect attempt, recorded and failed at once (there is no network to reach)."""
    attempts: list[object] = []

    def connect(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise ConnectionRefusedError(111, "connection refused (test: no network)")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    return attempts


@pytest.mark.parametrize(("host", "detail"), [
    ("169.254.169.254", "169.254.169.254 is a link-local address"),
    ("0.0.0.0", "0.0.0.0 is an unspecified address"),
    ("10.0.0.1", "10.0.0.1 is a private address"),
    ("10.255.255.254", "10.255.255.254 is a private address"),
    ("172.16.0.1", "172.16.0.1 is a private address"),
    ("172.31.255.254", "172.31.255.254 is a private address"),
    ("192.168.0.1", "192.168.0.1 is a private address"),
    ("100.64.0.1", "100.64.0.1 is a shared address (carrier-grade NAT)"),
    ("[fc00::1]", "fc00::1 is a private (unique local) address"),
    ("[fd00:ec2::254]", "fd00:ec2::254 is a private (unique local) address"),
    ("[fe80::1]", "fe80::1 is a link-local address"),
    ("[fe80::1%25eth0]", "fe80::1%25eth0 is a link-local address"),
    ("224.0.0.1", "224.0.0.1 is a multicast address"),
    ("239.255.255.250", "239.255.255.250 is a multicast address"),
    ("[ff02::1]", "ff02::1 is a multicast address"),
    ("[ff0e::1]", "ff0e::1 is a multicast address"),
    ("[::ffff:169.254.169.254]", "::ffff:169.254.169.254 is the IPv4-mapped form of 169.254.169.254, "
                                 "a link-local address"),
    ("[64:ff9b::a9fe:a9fe]", "64:ff9b::a9fe:a9fe is the NAT64 form of 169.254.169.254, a link-local address"),
    ("2852039166", "2852039166 is 169.254.169.254, a link-local address"),
])
def test_internal_addresses_are_refused_before_any_connection(no_connections: list[object], host: str,
                                                              detail: str) -> None:
    url = f"http://{host}/latest/meta-data/"
    settings = dataclasses.replace(DEFAULT_SETTINGS, fetch_timeout_seconds=5.0)
    started = time.monotonic()
    with pytest.raises(BlockedAddressError) as info:
        fetch_url(url, settings)
    assert time.monotonic() - started < 0.5  # a fraction of the timeout: no connection was waited for
    assert no_connections == []
    assert str(info.value) == f"{url}: refused: {detail} (use --allow-private to fetch internal addresses)"


def test_allowed_internal_address_is_connected_to(no_connections: list[object]) -> None:
    """The control for the test above: lifting the policy does reach the socket."""
    with pytest.raises(FetchError) as info:
        fetch_url("http://169.254.169.254/latest/meta-data/", ALLOW_PRIVATE)
    assert not isinstance(info.value, BlockedAddressError)
    assert no_connections == [("169.254.169.254", 80)]


@pytest.fixture(scope="module")
def second_server() -> Iterator[str]:
    """Base URL of a server on 127.0.0.2: made "public" by allowed_networks in the redirect tests."""
    with serving("127.0.0.2") as port:
        yield f"http://127.0.0.2:{port}"


SECOND_ONLY = dataclasses.replace(DEFAULT_SETTINGS, allowed_networks=("127.0.0.2/32",))


@pytest.mark.parametrize("target", ["{server}/page", "{localhost}/page", "{mapped}/page"])
def test_redirect_to_an_internal_address_is_refused_and_named(server: str, second_server: str, target: str) -> None:
    port = server.rsplit(":", 1)[1]
    hop = target.format(server=server, localhost=f"http://localhost:{port}", mapped=f"http://[::ffff:127.0.0.1]:{port}")
    url = f"{second_server}/redirect-to?url={quote(hop, safe='')}"
    Handler.requests.clear()
    with pytest.raises(BlockedAddressError) as info:
        fetch_url(url, SECOND_ONLY)
    assert info.value.origin == url  # the URL asked for, as every fetch error
    assert info.value.reason.startswith(f"redirect to {hop}: refused: ")
    assert info.value.reason.endswith("(use --allow-private to fetch internal addresses)")
    assert "\n" not in str(info.value)
    assert _requests_to("127.0.0.2") == [url.removeprefix(second_server)]
    assert _requests_to("127.0.0.1") == []  # the internal page was never asked for, let alone returned


def test_redirect_to_the_internal_server_is_followed_when_allowed(server: str, second_server: str) -> None:
    url = f"{second_server}/redirect-to?url={quote(server + '/page', safe='')}"
    for settings in (ALLOW_PRIVATE, dataclasses.replace(DEFAULT_SETTINGS, allowed_networks=("127.0.0.0/8",))):
        doc = fetch_url(url, settings)
        assert doc.content == PAGE_BYTES and doc.url == f"{server}/page"


def test_redirects_within_an_allowed_server_still_work(second_server: str) -> None:
    doc = fetch_url(f"{second_server}/redirect", SECOND_ONLY)
    assert doc.content == PAGE_BYTES and doc.url == f"{second_server}/page"


def test_a_name_that_resolves_to_loopback_is_refused_after_resolution(server: str) -> None:
    """The connection-level guard alone (no literal-host check before it): it judges what DNS said."""
    port = server.rsplit(":", 1)[1]
    url = f"http://localhost:{port}/page"
    Handler.requests.clear()
    with httpx.Client(transport=GuardedTransport(AddressPolicy())) as client:
        with pytest.raises(BlockedAddressError) as info:
            client.get(url)
    assert info.value.origin == url
    assert info.value.reason.startswith("refused: localhost resolves to ")
    assert "a loopback address" in info.value.reason
    assert Handler.requests == []
    loopback = AddressPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1")))
    with httpx.Client(transport=GuardedTransport(loopback)) as client:
        response = client.get(url)
    assert response.content == PAGE_BYTES
    assert Handler.seen_headers[-1]["Host"] == f"localhost:{port}"  # the name is still what the server sees


def test_fetcher_lets_a_name_through_when_its_addresses_are_allowed(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    settings = dataclasses.replace(DEFAULT_SETTINGS, allowed_networks=("127.0.0.0/8", "::1"))
    assert fetch_url(f"http://localhost:{port}/page", settings).content == PAGE_BYTES


def test_the_policy_ignores_environment_proxies(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy would resolve and connect where we cannot vet: under the policy it is not used."""
    with socket.socket() as sock:  # a proxy address nobody listens on: using it would fail
        sock.bind(("127.0.0.1", 0))
        proxy = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("http_proxy", proxy)
    monkeypatch.setenv("NO_PROXY", "")
    assert fetch_url(f"{server}/page", LOCAL).content == PAGE_BYTES
    with pytest.raises(FetchError, match="connection failed"):  # with the policy lifted, httpx's default
        fetch_url(f"{server}/page", ALLOW_PRIVATE)
