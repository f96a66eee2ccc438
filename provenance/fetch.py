"""Fetch a web page over HTTP(S) into a :class:`~provenance.models.RawDocument`.

This is the only module that imports httpx. Every httpx exception is translated here into a
:class:`~provenance.errors.FetchError` whose ``reason`` is one short line, so no caller ever sees
an httpx type. The body is kept as bytes: decoding (BOM, header charset, ``<meta>``, detection)
is a later stage's job, which is why ``content_type`` is passed along untouched.

Internal addresses are refused by policy (:class:`AddressPolicy`, from
``Settings.allow_private_addresses`` and ``Settings.allowed_networks``): a URL we are handed must
not make us read a router page, a local admin port or a cloud metadata service. The address is
checked where the connection is made (:class:`GuardedTransport`), after DNS and for every redirect
hop, so a name that resolves to an internal address, or re-resolves to one, is refused too; a
literal address or ``localhost`` is refused before any I/O. :func:`address_refusal` is the pure
check, for anything else (a crawler) that must apply the same rule.

Tests and callers can inject an httpx transport (``transport=``) instead of the network.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Iterable
from urllib.parse import unquote, urlsplit

import httpcore
import httpx

from .errors import BlockedAddressError, FetchError, ProvenanceError
from .models import RawDocument
from .settings import DEFAULT_SETTINGS, Settings

__all__ = ["Fetcher", "fetch_url", "is_url", "URL_SCHEMES", "AddressPolicy", "GuardedTransport",
           "address_refusal"]

#: URL prefixes we fetch. Anything else (file:, ftp:, data: …) is refused before any I/O, so a
#: target string is either a URL we can fetch or a local path, never something in between.
URL_SCHEMES = ("http://", "https://")

#: Sent as ``Accept``: we want the article page, not a JSON API or an image variant of it.
ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"

#: Reasons are shown to users on one line; long library messages (whole URLs, nested causes)
#: are cut here so one failed URL never floods a batch report.
MAX_REASON_CHARS = 200

#: Ends every refusal: the one way to lift the policy, named where the user meets it.
ALLOW_HINT = "use --allow-private to fetch internal addresses"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# Ranges whose kind ipaddress has no property for, or lumps in with others under is_private.
_PRIVATE_V4 = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_SHARED_V4 = ipaddress.IPv4Network("100.64.0.0/10")  # RFC 6598, carrier-grade NAT
_UNIQUE_LOCAL_V6 = ipaddress.IPv6Network("fc00::/7")
_NAT64_V6 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix: IPv4 in the low 32 bits
_COMPATIBLE_V6 = ipaddress.IPv6Network("::/96")  # deprecated IPv4-compatible form ::a.b.c.d

#: Numbers that the C resolver (inet_aton) reads as an IPv4 address: 2130706433, 0x7f000001,
#: 0177.0.0.1, 127.1. getaddrinfo turns them into an address without DNS, so they are literals.
_LEGACY_IPV4 = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}", re.IGNORECASE)


def address_refusal(address: str | int | IPAddress) -> str | None:
    """Why ``address`` must not be fetched by default, as a noun phrase; ``None`` when it may be.

    Refused: unspecified, loopback, link-local, multicast, private (RFC 1918, unique local
    fc00::/7, site-local fec0::/10), shared (100.64.0.0/10), reserved and other special-purpose
    addresses that are not globally routable. An IPv6 address that carries an IPv4 one
    (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4, Teredo's client) is judged by the
    IPv4 address it leads to::

        >>> address_refusal("127.0.0.1")
        'a loopback address'
        >>> address_refusal("::ffff:10.0.0.1")
        'the IPv4-mapped form of 10.0.0.1, a private address'
        >>> address_refusal("93.184.215.14") is None
        True

    ``address`` is an :mod:`ipaddress` address, an int, or a standard spelling (``ValueError``
    otherwise). This is the policy alone; :class:`AddressPolicy` adds the settings' exceptions.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str | int) else address
    if isinstance(ip, ipaddress.IPv4Address):
        return _ipv4_refusal(ip)
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        form, ipv4 = embedded
        inner = _ipv4_refusal(ipv4)
        return None if inner is None else f"the {form} form of {ipv4}, {inner}"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_site_local:
        return "a site-local address"
    if ip in _UNIQUE_LOCAL_V6:
        return "a private (unique local) address"
    return _unrouted_refusal(ip)


def _ipv4_refusal(ip: ipaddress.IPv4Address) -> str | None:
    if ip.is_unspecified:  # connecting to 0.0.0.0 reaches this very host
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:  # 169.254.169.254 is the cloud metadata service
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip in _SHARED_V4:
        return "a shared address (carrier-grade NAT)"
    if any(ip in network for network in _PRIVATE_V4):
        return "a private address"
    return _unrouted_refusal(ip)


def _unrouted_refusal(ip: IPAddress) -> str | None:
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:  # documentation, benchmarking, 0.0.0.0/8, discard-only …
        return "a special-purpose address (not globally routable)"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address an IPv6 one leads to, with the name of the form, when ipaddress can tell."""
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped", ip.ipv4_mapped
    if ip in _NAT64_V6:
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return "6to4", ip.sixtofour
    if ip.teredo is not None:
        return "Teredo", ip.teredo[1]  # (server, client): the client is the host reached
    if ip in _COMPATIBLE_V6:  # :: and ::1 were judged before
        return "IPv4-compatible", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _literal_address(host: str) -> tuple[IPAddress, bool] | None:
    """The address a URL host spells as a number, and whether it is a standard spelling.

    ``None`` for a name. Legacy IPv4 spellings (decimal, octal, hex, shortened) count: the
    resolver reads them as addresses, so they must be judged as addresses.
    """
    host = unquote(host).strip("[]").rstrip(".")  # "%25" zone separator, "127.0.0.1." is 127.0.0.1
    try:
        return ipaddress.ip_address(host), True
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host)), False
        except OSError:  # out of range: not an address (and no resolver will read it as one)
            return None
    return None


def _is_localhost(host: str) -> bool:
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")  # RFC 6761: always loopback


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses may be fetched: :func:`address_refusal`, minus the settings' exceptions.

    ``allow_private`` lifts the policy; ``allowed_networks`` lets chosen networks through (an
    intranet, a test server). An IPv6 form of an IPv4 address (e.g. IPv4-mapped) is let through
    when the IPv4 address is. Methods return the refusal as one line, or ``None`` when allowed.
    """

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> AddressPolicy:
        """The policy of ``settings``; :class:`ProvenanceError` for an allowed network that is not one."""
        networks = []
        for cidr in settings.allowed_networks:
            try:
                networks.append(ipaddress.ip_network(cidr))
            except ValueError:
                raise ProvenanceError(f"allowed_networks: {cidr!r} is not an IP network like 10.1.0.0/16") from None
        return cls(settings.allow_private_addresses, tuple(networks))

    def refusal(self, address: str | int | IPAddress) -> str | None:
        """Why ``address`` is refused (a noun phrase as :func:`address_refusal`), or ``None``."""
        if self.allow_private:
            return None
        ip = ipaddress.ip_address(address) if isinstance(address, str | int) else address
        candidates = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and (embedded := _embedded_ipv4(ip)) is not None:
            candidates.append(embedded[1])
        if any(candidate in network for candidate in candidates for network in self.allowed_networks):
            return None
        return address_refusal(ip)

    def host_refusal(self, host: str) -> str | None:
        """Why a URL's ``host`` is refused before any I/O: a literal address (any spelling) or localhost.

        ``None`` for any other name: its addresses are judged when it is resolved.
        """
        if self.allow_private:
            return None
        if _is_localhost(host):
            if self.refusal(ipaddress.IPv4Address("127.0.0.1")) and self.refusal(ipaddress.IPv6Address("::1")):
                return f"{host} is a loopback name"
            return None  # loopback is allowed by allowed_networks: the resolved addresses decide
        literal = _literal_address(host)
        if literal is None:
            return None
        ip, standard = literal
        phrase = self.refusal(ip)
        if phrase is None:
            return None
        return f"{host} is {phrase}" if standard else f"{host} is {ip}, {phrase}"

    def resolved_refusal(self, host: str, address: str) -> str | None:
        """Why connecting to ``address``, which ``host`` resolved to, is refused; or ``None``."""
        phrase = self.refusal(address)
        if phrase is None:
            return None
        if _literal_address(host) is not None and (literal := self.host_refusal(host)) is not None:
            return literal  # a number, not a name: say what it spells, as before any I/O
        return f"{host} resolves to {ipaddress.ip_address(address)}, {phrase}"


def _refused(detail: str) -> str:
    return f"refused: {detail} ({ALLOW_HINT})"


class _GuardedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, resolving the host itself and connecting only to vetted addresses.

    The addresses judged are the ones connected to (no second DNS lookup that could answer
    differently). A name with any refused address is refused outright: mixing public and internal
    answers is how DNS rebinding works, and no news site needs it.
    """

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:  # unknown name: the error httpcore's own backend would give
            raise httpcore.ConnectError(str(exc)) from exc
        addresses = list(dict.fromkeys(info[4][0] for info in found))
        for address in addresses:
            detail = self._policy.resolved_refusal(host, address)
            if detail is not None:
                raise BlockedAddressError(host, _refused(detail))
        error: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in addresses:  # numeric now: connecting resolves nothing again
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc  # try the next address, as socket.create_connection does
        raise error


class GuardedTransport(httpx.HTTPTransport):
    """httpx's network transport, connecting only to addresses ``policy`` allows.

    Every connection (the first request and each redirect hop) resolves its host once, refuses it
    with :class:`BlockedAddressError` (origin: the request's URL) when any address is refused,
    and connects to the vetted address; TLS SNI and ``Host`` still carry the name. It connects
    directly, never through a proxy: a proxy would resolve and connect where we cannot vet.
    """

    def __init__(self, policy: AddressPolicy, *, verify: bool = True, trust_env: bool = True,
                 limits: httpx.Limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)) -> None:
        super().__init__(verify=verify, trust_env=trust_env, limits=limits)
        # httpx takes no network backend, so its pool is replaced by an equal one that has ours.
        # Fail loudly if httpx stops keeping it there: silently unguarded is the one bad outcome.
        if not isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool):
            raise ProvenanceError(f"httpx {httpx.__version__} changed its transport: cannot guard addresses")
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=trust_env),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(policy),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except BlockedAddressError as exc:  # the backend knows the host; name the whole URL
            raise BlockedAddressError(str(request.url), exc.reason) from None


def is_url(target: str) -> bool:
    """True if ``target`` starts with ``http://`` or ``https://`` (case-insensitive)."""
    return target[:8].lower().startswith(URL_SCHEMES)


class Fetcher:
    """A reusable HTTP client for pages (connection pooling across many URLs).

    Use as a context manager, or call :meth:`close` when done::

        with Fetcher(settings) as fetcher:
            doc = fetcher.fetch("https://example.com/news/1")

    Internal addresses are refused (:class:`BlockedAddressError`) unless
    ``settings.allow_private_addresses`` or ``settings.allowed_networks`` let them through: a
    literal address or ``localhost`` in the URL or in any redirect before any I/O, and every
    resolved address where the connection is made (:class:`GuardedTransport`).

    Proxies: under the policy, proxy environment variables (``HTTP_PROXY`` …) are ignored, since
    a proxy resolves and connects where the addresses cannot be vetted. With
    ``allow_private_addresses`` they are honoured, as httpx does by default.

    ``transport`` replaces the network transport (e.g. ``httpx.MockTransport``) for tests or
    custom routing; the URL checks before I/O still apply, but where it connects is its own
    business.
    """

    def __init__(
        self,
        settings: Settings = DEFAULT_SETTINGS,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.policy = AddressPolicy.from_settings(settings)
        guarded = transport is None and not self.policy.allow_private
        self._client = httpx.Client(
            transport=GuardedTransport(self.policy) if guarded else transport,
            trust_env=not guarded,  # no environment proxies under the policy (see above)
            follow_redirects=True,
            timeout=httpx.Timeout(settings.fetch_timeout_seconds),
            headers={"User-Agent": settings.user_agent, "Accept": ACCEPT},
            event_hooks={"request": [self._refuse_literal_host]},  # runs for every redirect hop too
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying connections. Idempotent."""
        self._client.close()

    def fetch(self, url: str) -> RawDocument:
        """GET ``url`` (following redirects) and return its body as a :class:`RawDocument`.

        ``RawDocument.url`` is the final URL after redirects, ``origin`` the URL asked for.
        Raises :class:`FetchError` for a non-http(s) URL, an invalid URL, a connection error, a
        timeout (per operation, and for the whole body: a server trickling bytes is cut off too),
        an HTTP status >= 400, or a body larger than ``settings.max_input_bytes``; and its
        subclass :class:`BlockedAddressError` when the URL or a redirect hop leads to an address
        the policy refuses (the reason names the hop).
        """
        if not is_url(url):
            raise FetchError(url, "not an http:// or https:// URL")
        self._refuse_literal_url(url)
        limit = self.settings.max_input_bytes
        timeout = self.settings.fetch_timeout_seconds
        deadline = time.monotonic() + timeout
        requested = ""  # httpx's spelling of url, to tell a refused redirect hop from url itself
        try:
            parsed = httpx.URL(url)
            requested = str(parsed)
            if not parsed.host:  # "http://" or "http:///x": httpx's own message misleads
                raise FetchError(url, "invalid URL: no host")
            with self._client.stream("GET", url) as response:
                if response.status_code >= 400:
                    raise FetchError(url, _status_reason(response))
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FetchError(url, f"larger than {limit} bytes")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:  # decoded size: also stops gzip bombs
                        raise FetchError(url, f"larger than {limit} bytes")
                    if time.monotonic() > deadline:
                        raise FetchError(url, f"timed out after {timeout:g} s")
                    chunks.append(chunk)
                return RawDocument(
                    url=str(response.url),
                    content=b"".join(chunks),
                    origin=url,
                    content_type=response.headers.get("Content-Type"),
                    fetched=datetime.now(UTC),
                )
        except BlockedAddressError as exc:  # origin: the refused request's URL, maybe a redirect hop
            if exc.origin == requested:
                raise BlockedAddressError(url, exc.reason) from None
            raise BlockedAddressError(url, f"redirect to {exc.origin}: {exc.reason}") from None
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, httpx.CookieConflict) as exc:
            raise FetchError(url, _exception_reason(exc, timeout)) from exc

    def _refuse_literal_url(self, url: str) -> None:
        """Refuse a literal internal address in ``url`` before httpx parses it.

        httpx rejects some spellings the resolver accepts (``0177.0.0.1``) as invalid URLs; the
        user should hear the real reason. The request hook checks httpx's own reading as well.
        """
        try:
            host = urlsplit(url).hostname
        except ValueError:  # malformed: httpx says why
            return
        detail = self.policy.host_refusal(host) if host else None
        if detail is not None:
            raise BlockedAddressError(url, _refused(detail))

    def _refuse_literal_host(self, request: httpx.Request) -> None:
        detail = self.policy.host_refusal(request.url.host)
        if detail is not None:
            raise BlockedAddressError(str(request.url), _refused(detail))


def fetch_url(
    url: str,
    settings: Settings = DEFAULT_SETTINGS,
    *,
    transport: httpx.BaseTransport | None = None,
) -> RawDocument:
    """Fetch one URL with a short-lived :class:`Fetcher` (see :meth:`Fetcher.fetch`)."""
    with Fetcher(settings, transport=transport) as fetcher:
        return fetcher.fetch(url)


def _status_reason(response: httpx.Response) -> str:
    """``HTTP 404 Not Found`` (or ``HTTP 599`` when the status has no standard phrase)."""
    phrase = response.reason_phrase
    return f"HTTP {response.status_code} {phrase}".strip()


def _exception_reason(exc: Exception, timeout: float) -> str:
    """A short, one-line reason for an httpx exception."""
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, httpx.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, httpx.UnsupportedProtocol):
        prefix = "unsupported URL"
    elif isinstance(exc, httpx.InvalidURL):
        prefix = "invalid URL"
    elif isinstance(exc, httpx.ConnectError):
        prefix = "connection failed"
    elif isinstance(exc, httpx.RemoteProtocolError):
        prefix = "bad HTTP response"
    elif isinstance(exc, httpx.DecodingError):
        prefix = "could not decode the response body"
    elif isinstance(exc, httpx.TransportError):
        prefix = "network error"
    else:
        prefix = type(exc).__name__
    detail = " ".join(str(exc).split())  # one line, whatever the library put in
    reason = f"{prefix}: {detail}" if detail else prefix
    if len(reason) > MAX_REASON_CHARS:
        reason = reason[: MAX_REASON_CHARS - 1] + "…"
    return reason
