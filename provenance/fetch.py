"""Fetch a web page over HTTP(S) into a :class:`~provenance.models.RawDocument`.

This is the only module that imports httpx. Every httpx exception is translated here into a
:class:`~provenance.errors.FetchError` whose ``reason`` is one short line, so no caller ever sees
an httpx type. The body is kept as bytes: decoding (BOM, header charset, ``<meta>``, detection)
is a later stage's job, which is why ``content_type`` is passed along untouched.

Tests and callers can inject an httpx transport (``transport=``) instead of the network.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from types import TracebackType

import httpx

from .errors import FetchError
from .models import RawDocument
from .settings import DEFAULT_SETTINGS, Settings

__all__ = ["Fetcher", "fetch_url", "is_url", "URL_SCHEMES"]

#: URL prefixes we fetch. Anything else (file:, ftp:, data: …) is refused before any I/O, so a
#: target string is either a URL we can fetch or a local path, never something in between.
URL_SCHEMES = ("http://", "https://")

#: Sent as ``Accept``: we want the article page, not a JSON API or an image variant of it.
ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"

#: Reasons are shown to users on one line; long library messages (whole URLs, nested causes)
#: are cut here so one failed URL never floods a batch report.
MAX_REASON_CHARS = 200


def is_url(target: str) -> bool:
    """True if ``target`` starts with ``http://`` or ``https://`` (case-insensitive)."""
    return target[:8].lower().startswith(URL_SCHEMES)


class Fetcher:
    """A reusable HTTP client for pages (connection pooling across many URLs).

    Use as a context manager, or call :meth:`close` when done::

        with Fetcher(settings) as fetcher:
            doc = fetcher.fetch("https://example.com/news/1")

    ``transport`` replaces httpx's network transport (e.g. ``httpx.MockTransport``) for tests or
    custom routing; ``None`` uses the network (honouring the usual proxy environment variables).
    """

    def __init__(
        self,
        settings: Settings = DEFAULT_SETTINGS,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=True,
            timeout=httpx.Timeout(settings.fetch_timeout_seconds),
            headers={"User-Agent": settings.user_agent, "Accept": ACCEPT},
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
        an HTTP status >= 400, or a body larger than ``settings.max_input_bytes``.
        """
        if not is_url(url):
            raise FetchError(url, "not an http:// or https:// URL")
        limit = self.settings.max_input_bytes
        timeout = self.settings.fetch_timeout_seconds
        deadline = time.monotonic() + timeout
        try:
            if not httpx.URL(url).host:  # "http://" or "http:///x": httpx's own message misleads
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
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, httpx.CookieConflict) as exc:
            raise FetchError(url, _exception_reason(exc, timeout)) from exc


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
