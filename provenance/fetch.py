"""Fetch over HTTP(S): one request's every outcome as a :class:`FetchResult`, or a page as a
:class:`~provenance.models.RawDocument`.

This is the only module that imports httpx (and httpcore). Every httpx exception is translated
here: :meth:`Fetcher.get` turns it into a :class:`FetchResult` with an ``error`` reason of one
short line, :meth:`Fetcher.fetch` into a :class:`~provenance.errors.FetchError`, so no caller
ever sees an httpx type. The body is kept as bytes: decoding (BOM, header charset, ``<meta>``,
detection) is :mod:`provenance.decode`'s job, which is why ``content_type`` is passed along.

What a request may cost is bounded: a connect, a read and a total timeout; a body cap
(``max_input_bytes``) checked against ``Content-Length`` before reading and while reading; gzip
and deflate decoded here within the same cap and a compression-ratio cap
(:mod:`provenance.inflate`), so a decompression bomb is refused without inflating it; a redirect
limit with loop detection; a content-type filter applied before the body is read.

Internal addresses are refused by policy (:class:`~provenance.netguard.AddressPolicy`, from
``Settings.allow_private_addresses`` and ``Settings.allowed_networks``): a URL we are handed must
not make us read a router page, a local admin port or a cloud metadata service. The address is
checked where the connection is made (:class:`GuardedTransport`), after DNS and for every redirect
hop, so a name that resolves to an internal address, or re-resolves to one, is refused too; a
literal address or ``localhost`` is refused before any I/O. The policy itself is pure and lives in
:mod:`provenance.netguard` (re-exported here); the transport that applies it needs httpx, so it
stays here.

Tests and callers can inject an httpx transport (``transport=``) instead of the network.
"""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Iterable, Literal
from urllib.parse import urlsplit

import httpcore
import httpx

from .errors import BlockedAddressError, FetchError, InputError, ProvenanceError
from .inflate import Inflater
from .models import RawDocument
from .netguard import AddressPolicy, address_refusal, refused
from .politeness import parse_retry_after
from .settings import DEFAULT_SETTINGS, Settings

__all__ = ["Fetcher", "FetchResult", "FetchKind", "fetch_url", "is_url", "user_agent", "URL_SCHEMES",
           "PAGE_TYPES", "FEED_TYPES", "SITEMAP_TYPES", "ROBOTS_TYPES", "AddressPolicy", "GuardedTransport",
           "address_refusal"]

#: URL prefixes we fetch. Anything else (file:, ftp:, data: …) is refused before any I/O, so a
#: target string is either a URL we can fetch or a local path, never something in between.
URL_SCHEMES = ("http://", "https://")

#: Media types of an article page (``accept=`` of :meth:`Fetcher.get`): HTML, XHTML, plain text.
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
#: …of a feed: RSS, Atom, RDF, and the generic XML types servers label them with.
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")
#: …of a sitemap: XML, plain-text URL lists, and gzip files (``sitemap.xml.gz``, kept compressed:
#: :func:`provenance.inflate.gunzip` opens it within the same budget).
SITEMAP_TYPES = ("application/xml", "text/xml", "text/plain", "application/gzip", "application/x-gzip")
#: …of robots.txt.
ROBOTS_TYPES = ("text/plain",)

#: Sent as ``Accept`` when any type is taken (:meth:`Fetcher.fetch`): we want the article page,
#: not a JSON API or an image variant of it.
ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
#: Only what :class:`~provenance.inflate.Inflater` decodes within a budget; httpx would add br
#: and zstd when their packages are installed, and decode them unbounded.
ACCEPT_ENCODING = "gzip, deflate"

#: Reasons are shown to users on one line; long library messages (whole URLs, nested causes)
#: are cut here so one failed URL never floods a batch report.
MAX_REASON_CHARS = 200

#: What became of a request (see :class:`FetchResult`).
FetchKind = Literal["ok", "not-modified", "http", "timeout", "network", "blocked", "refused", "invalid"]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """Every outcome of one GET (redirects followed), as :meth:`Fetcher.get` returns it.

    ``kind`` says what happened: ``ok`` (a body, status < 400), ``not-modified`` (304 to a
    conditional GET: ``content`` is ``None``, the stored copy stands), ``http`` (status >= 400:
    ``error`` is ``HTTP 503 Service Unavailable``; the body is not read), ``timeout`` and
    ``network`` (no complete response: worth retrying), ``blocked`` (an internal address, see
    :class:`~provenance.netguard.AddressPolicy`), ``refused`` (content type, size, decompression
    bomb, redirect loop or limit: retrying gives the same), ``invalid`` (not a URL we fetch).

    ``url`` is the URL asked for, ``final_url`` the last one requested (after redirects),
    ``redirects`` each URL that answered with a redirect, in order. ``content_hash`` is the
    sha256 (hex) of ``content``; ``bytes`` its length, ``wire_bytes`` what came over the wire
    (compressed). ``retry_after`` is the ``Retry-After`` header in seconds (a date is counted
    from the server's ``Date``, else from ``fetched_at``), ``None`` when absent or unreadable.
    """

    url: str
    final_url: str
    kind: FetchKind
    status: int | None = None
    content: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime = datetime.min.replace(tzinfo=UTC)
    content_hash: str | None = None
    bytes: int = 0
    wire_bytes: int = 0
    retry_after: float | None = None
    error: str | None = None
    redirects: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """A body was read (status < 400, every check passed)."""
        return self.kind == "ok"

    @property
    def not_modified(self) -> bool:
        """304 to a conditional GET: what was stored before is still current."""
        return self.kind == "not-modified"

    def raise_for_error(self) -> FetchResult:
        """``self`` when ``ok`` or ``not-modified``; else :class:`BlockedAddressError` (``blocked``)
        or :class:`FetchError` with ``error`` as the reason and ``url`` as the origin."""
        if self.kind in ("ok", "not-modified"):
            return self
        if self.kind == "blocked":
            raise BlockedAddressError(self.url, self.error or "refused")
        raise FetchError(self.url, self.error or self.kind)


def user_agent(settings: Settings) -> str:
    """The ``User-Agent`` sent: ``settings.user_agent``, with ``crawl_contact_url`` as its
    ``(+URL)`` comment when set (replacing one already there), so a site owner knows who crawls
    and where to write::

        >>> user_agent(Settings(user_agent="provenance/0.1", crawl_contact_url="https://ex.org/bot"))
        'provenance/0.1 (+https://ex.org/bot)'
    """
    agent = settings.user_agent.strip()
    contact = settings.crawl_contact_url.strip()
    if not contact or contact in agent:
        return agent
    head, found, tail = agent.rpartition(" (+")
    if found and tail.endswith(")"):
        agent = head
    return f"{agent} (+{contact})"


def _accept_header(accept: Collection[str] | None) -> str:
    if accept is None:
        return ACCEPT
    return ",".join(accept) + ",*/*;q=0.01"  # a server may still say 406 rather than guess


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _accepted(content_type: str | None, accept: Collection[str] | None) -> bool:
    """Whether a response's type is one of ``accept`` (``type/*`` entries match a whole type).

    A response without a Content-Type is taken: decoding judges the bytes themselves.
    """
    media = _media_type(content_type)
    if accept is None or not media:
        return True
    return any(media == entry or (entry.endswith("/*") and media.startswith(entry[:-1])) for entry in accept)


class _Timer:
    """The timeouts of one :meth:`Fetcher.get`: connect and read per operation, and a total
    deadline for the whole exchange, redirects and body included."""

    __slots__ = ("connect", "read", "total", "deadline", "connect_bound", "read_bound")

    def __init__(self, settings: Settings) -> None:
        self.connect = settings.fetch_connect_timeout_seconds
        self.read = settings.fetch_read_timeout_seconds
        self.total = settings.fetch_timeout_seconds
        self.deadline = time.monotonic() + self.total
        # whether the deadline, not the connect / read setting, set the last request's timeouts
        self.connect_bound = self.read_bound = False

    def for_request(self) -> httpx.Timeout:
        """httpx's per-request timeouts, none beyond the deadline."""
        remaining = max(self.deadline - time.monotonic(), 0.001)
        self.connect_bound, self.read_bound = remaining < self.connect, remaining < self.read
        connect, read = min(self.connect, remaining), min(self.read, remaining)
        return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)

    def expired(self) -> bool:
        return time.monotonic() > self.deadline

    def reason(self, exc: httpx.TimeoutException | None = None) -> str:
        """``timed out after 20 s`` (the total), or ``connect``/``read timed out after 5 s``."""
        connecting = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
        if exc is None or (self.connect_bound if connecting else self.read_bound):
            return f"timed out after {self.total:g} s"
        if connecting:
            return f"connect timed out after {self.connect:g} s"
        return f"read timed out after {self.read:g} s"


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
                raise BlockedAddressError(host, refused(detail))
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
    """A reusable HTTP client (connection pooling across many URLs).

    Use as a context manager, or call :meth:`close` when done::

        with Fetcher(settings) as fetcher:
            doc = fetcher.fetch("https://example.com/news/1")               # a page, or FetchError
            result = fetcher.get(url, etag=stored_etag, accept=FEED_TYPES)  # any outcome, no raise

    Internal addresses are refused unless ``settings.allow_private_addresses`` or
    ``settings.allowed_networks`` let them through: a literal address or ``localhost`` in the URL
    or in any redirect before any I/O, and every resolved address where the connection is made
    (:class:`GuardedTransport`).

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
            follow_redirects=False,  # followed by get(): loop detection, limit, the chain recorded
            timeout=httpx.Timeout(settings.fetch_timeout_seconds),
            headers={"User-Agent": user_agent(settings), "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING},
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
        """GET ``url`` (following redirects, any content type) and return its body as a :class:`RawDocument`.

        ``RawDocument.url`` is the final URL after redirects, ``origin`` the URL asked for.
        Raises :class:`FetchError` for every outcome :meth:`get` does not call ``ok``: a
        non-http(s) or invalid URL, a connection error, a timeout (connect, read, and for the
        whole exchange: a server trickling bytes is cut off too), an HTTP status >= 400, a body
        larger than ``settings.max_input_bytes`` (decompressed too), a redirect loop or too many
        redirects; and its subclass :class:`BlockedAddressError` when the URL or a redirect hop
        leads to an address the policy refuses (the reason names the hop).
        """
        result = self.get(url, accept=None).raise_for_error()
        if result.content is None:  # a 304 without a conditional request: nothing to return
            raise FetchError(url, f"HTTP {result.status} without a body")
        return RawDocument(
            url=result.final_url,
            content=result.content,
            origin=url,
            content_type=result.content_type,
            fetched=result.fetched_at,
        )

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: Collection[str] | None = PAGE_TYPES,
    ) -> FetchResult:
        """GET ``url`` for a crawler: every outcome comes back as a :class:`FetchResult`, none raises.

        A crawler records each outcome (a 404, a timeout, a refused bomb) and schedules the next
        step from it, so HTTP errors, network failures and refusals are values here, not
        exceptions; :meth:`FetchResult.raise_for_error` turns one into :class:`FetchError` when
        that suits the caller better. Only a bug could raise (a :class:`ProvenanceError`).

        ``etag`` / ``last_modified`` (the validators of the stored copy) make it a conditional
        GET (``If-None-Match`` / ``If-Modified-Since``, sent on every redirect hop): a 304 is a
        normal ``not-modified`` result. ``accept`` lists the media types taken (``type/*`` for a
        whole type, ``None`` for any); a response of another type is ``refused`` ("content type
        image/png") before its body is read. Redirects are followed up to
        ``settings.max_redirects``; a URL met twice in one chain is a ``redirect loop``.
        """
        fetched_at = datetime.now(UTC)
        chain: list[str] = []
        current = url

        def outcome(kind: FetchKind, error: str | None = None, **fields: object) -> FetchResult:
            return FetchResult(url=url, final_url=current, kind=kind, error=error, fetched_at=fetched_at,
                               redirects=tuple(chain), **fields)  # type: ignore[arg-type]

        if not is_url(url):
            return outcome("invalid", "not an http:// or https:// URL")
        literal = self._literal_refusal(url)
        if literal is not None:
            return outcome("blocked", literal)
        timer = _Timer(self.settings)
        headers = {"Accept": _accept_header(accept)}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        requested = ""  # httpx's spelling of url, to tell a refused redirect hop from url itself
        try:
            parsed = httpx.URL(url)
            requested = str(parsed)
            if not parsed.host:  # "http://" or "http:///x": httpx's own message misleads
                return outcome("invalid", "invalid URL: no host")
            request = self._client.build_request("GET", url, headers=headers, timeout=timer.for_request())
            while True:
                response = self._client.send(request, stream=True)
                try:
                    current = str(response.url)
                    if response.next_request is None:
                        return self._read(response, timer, accept, outcome)
                    chain.append(current)
                    request = response.next_request
                    target = str(request.url)
                    if target in chain:
                        loop = " → ".join([*chain[chain.index(target):], target])
                        return outcome("refused", _cut(f"redirect loop: {loop}"), status=response.status_code)
                    if len(chain) > self.settings.max_redirects:
                        return outcome("refused", f"more than {self.settings.max_redirects} redirects",
                                       status=response.status_code)
                    request.extensions["timeout"] = timer.for_request().as_dict()
                finally:
                    response.close()
        except BlockedAddressError as exc:  # origin: the refused request's URL, maybe a redirect hop
            if exc.origin == requested:
                return outcome("blocked", exc.reason)
            current = exc.origin
            return outcome("blocked", f"redirect to {exc.origin}: {exc.reason}")
        except httpx.TimeoutException as exc:
            return outcome("timeout", timer.reason(exc))
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            return outcome("invalid", _exception_reason(exc))
        except (httpx.HTTPError, httpx.StreamError, httpx.CookieConflict) as exc:
            return outcome("network", _exception_reason(exc))

    def _read(self, response: httpx.Response, timer: _Timer, accept: Collection[str] | None,
              outcome) -> FetchResult:  # noqa: ANN001 (get's closure)
        """The result of a final (non-redirect) response: headers always, the body when wanted."""
        headers = response.headers
        fields: dict[str, object] = {
            "status": response.status_code,
            "content_type": headers.get("Content-Type"),
            "etag": headers.get("ETag"),
            "last_modified": headers.get("Last-Modified"),
            "retry_after": parse_retry_after(headers.get("Retry-After"), now=_server_date(headers)),
        }
        if response.status_code == 304:
            return outcome("not-modified", **fields)
        if response.status_code >= 400:
            return outcome("http", _status_reason(response), **fields)
        if not _accepted(fields["content_type"], accept):  # type: ignore[arg-type]
            return outcome("refused", _cut(f"content type {_media_type(headers.get('Content-Type'))}"), **fields)
        limit = self.settings.max_input_bytes
        declared = headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:  # wire bytes: decoded are at least as many
            return outcome("refused", f"larger than {limit} bytes", **fields)
        chunks: list[bytes] = []
        try:
            # A transport that hands over a body already read (httpx.MockTransport with content=)
            # has it decoded by httpx: nothing is left to stream, and nothing to inflate.
            preloaded = response.is_stream_consumed
            inflater = Inflater(None if preloaded else headers.get("Content-Encoding"), max_bytes=limit,
                                max_ratio=self.settings.max_compression_ratio, origin=str(response.url))
            for raw in [response.content] if preloaded else response.iter_raw():  # chunks as they come
                chunks.append(inflater.feed(raw))
                if timer.expired():
                    return outcome("timeout", timer.reason(), wire_bytes=response.num_bytes_downloaded, **fields)
            chunks.append(inflater.finish())
        except InputError as exc:  # too large, a bomb, an encoding we do not decode, corrupt data
            return outcome("refused", _cut(exc.reason), wire_bytes=response.num_bytes_downloaded, **fields)
        content = b"".join(chunks)
        return outcome("ok", content=content, content_hash=hashlib.sha256(content).hexdigest(), bytes=len(content),
                       wire_bytes=response.num_bytes_downloaded, **fields)

    def _literal_refusal(self, url: str) -> str | None:
        """Why a literal internal address in ``url`` is refused, before httpx parses it.

        httpx rejects some spellings the resolver accepts (``0177.0.0.1``) as invalid URLs; the
        user should hear the real reason. The request hook checks httpx's own reading as well.
        """
        try:
            host = urlsplit(url).hostname
        except ValueError:  # malformed: httpx says why
            return None
        detail = self.policy.host_refusal(host) if host else None
        return None if detail is None else refused(detail)

    def _refuse_literal_host(self, request: httpx.Request) -> None:
        detail = self.policy.host_refusal(request.url.host)
        if detail is not None:
            raise BlockedAddressError(str(request.url), refused(detail))


def fetch_url(
    url: str,
    settings: Settings = DEFAULT_SETTINGS,
    *,
    transport: httpx.BaseTransport | None = None,
) -> RawDocument:
    """Fetch one URL with a short-lived :class:`Fetcher` (see :meth:`Fetcher.fetch`)."""
    with Fetcher(settings, transport=transport) as fetcher:
        return fetcher.fetch(url)


def _server_date(headers: httpx.Headers) -> datetime:
    """The response's ``Date`` (a Retry-After date is the server's clock), else our clock."""
    try:
        date = parsedate_to_datetime(headers.get("Date", ""))
    except (TypeError, ValueError, IndexError, OverflowError):
        return datetime.now(UTC)
    return date if date.tzinfo else date.replace(tzinfo=UTC)


def _status_reason(response: httpx.Response) -> str:
    """``HTTP 404 Not Found`` (or ``HTTP 599`` when the status has no standard phrase)."""
    phrase = response.reason_phrase
    return f"HTTP {response.status_code} {phrase}".strip()


def _cut(reason: str) -> str:
    return reason if len(reason) <= MAX_REASON_CHARS else reason[: MAX_REASON_CHARS - 1] + "…"


def _exception_reason(exc: Exception) -> str:
    """A short, one-line reason for an httpx exception (timeouts are the timer's to name)."""
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
    return _cut(f"{prefix}: {detail}" if detail else prefix)
