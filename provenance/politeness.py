"""Politeness and retries for crawling, as pure logic: who may be asked what, and when.

Nothing here does I/O or sleeps: every method takes the current time (``now``, seconds on any
monotonic clock the caller chooses) and answers with times and delays, so one crawl loop can
schedule many hosts at once and tests can drive it with a fake clock.

- :class:`HostGate` spaces requests per host: ``crawl_host_concurrency`` in flight (1 by
  default), ``crawl_host_delay_seconds`` between them (raised to the host's robots.txt
  Crawl-delay, up to ``crawl_max_delay_seconds``), a 429/503's ``Retry-After`` honoured (up to
  ``crawl_max_retry_after_seconds``), exponential backoff with full jitter after failures, and a
  circuit breaker: after ``crawl_breaker_failures`` consecutive failures the host is paused for
  ``crawl_breaker_pause_seconds``, then one probe request decides whether it closes again.
- :class:`RetryPolicy` says whether and when one URL is tried again.
- :func:`parse_retry_after` reads the header (seconds or an HTTP-date; anything else is ignored).

Why not stamina or tenacity: both are built to run the call themselves and sleep between
attempts (decorators and retry contexts); tenacity's wait strategies want its call-state object
and draw from the global ``random``. A non-blocking scheduler needs the delay as a number, from
an RNG it can seed: full jitter is one line (:func:`backoff_delay`), kept here.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal, Protocol
from urllib.parse import urlsplit

from .errors import ProvenanceError
from .settings import DEFAULT_SETTINGS, Settings

__all__ = ["Outcome", "HostGate", "HostStatus", "RetryPolicy", "BreakerState", "RETRY_STATUSES",
           "parse_retry_after", "backoff_delay", "host_key"]

#: Statuses worth another attempt later: timeout, throttling, and the server errors that pass.
#: (501 Not Implemented, 505 and the like will say the same next time.)
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Retry-After values longer than this many characters are not read (a header is not a document).
_MAX_RETRY_AFTER_CHARS = 64
_SECONDS = re.compile(r"\d{1,12}(?:\.\d{1,6})?")

BreakerState = Literal["closed", "open", "half-open"]


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from ``now`` that a ``Retry-After`` header asks for; ``None`` when absent
    or unreadable.

    RFC 9110 allows delay-seconds (``120``) or an HTTP-date (``Wed, 21 Oct 2026 07:28:00 GMT``);
    a date in the past means 0. Garbage, negative numbers and overlong values are ignored rather
    than guessed at. ``now`` should be the response's own ``Date`` when it has one, so that the
    server's clock, not ours, measures a date it wrote::

        >>> parse_retry_after("120", now=datetime(2026, 1, 1, tzinfo=UTC))
        120.0
        >>> parse_retry_after("Thu, 01 Jan 2026 00:01:00 GMT", now=datetime(2026, 1, 1, tzinfo=UTC))
        60.0
        >>> parse_retry_after("soon", now=datetime(2026, 1, 1, tzinfo=UTC)) is None
        True
    """
    if value is None:
        return None
    text = value.strip()
    if not text or len(text) > _MAX_RETRY_AFTER_CHARS:
        return None
    if _SECONDS.fullmatch(text):
        return float(text)
    if text[0] in "+-":  # "-5": not a delay, and not a date either
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # RFC 850 / asctime forms carry no zone: HTTP dates are GMT
        when = when.replace(tzinfo=UTC)
    reference = now if now.tzinfo else now.replace(tzinfo=UTC)
    return max(0.0, (when - reference).total_seconds())


def backoff_delay(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base · 2^(attempt-1))].

    Full jitter (rather than a fixed doubling) keeps many URLs that failed together from all
    coming back at the same instant. ``attempt`` counts from 1.
    """
    ceiling = min(cap, base * 2.0 ** min(max(attempt, 1) - 1, 60))
    return rng.uniform(0.0, ceiling)


def host_key(url: str) -> str:
    """The politeness key of ``url``: its host, lowercased, with the port when one is given.

    ``http://Example.com/a`` and ``https://example.com/b`` share a key (one server, one budget);
    ``example.com:8080`` is another. ``""`` for a URL without a host.
    """
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or ""), parts.port
    except ValueError:
        return ""
    return f"{host}:{port}" if host and port else host


class _ResultLike(Protocol):
    status: int | None
    retry_after: float | None
    error: str | None
    kind: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a finished request tells the politeness logic.

    ``transient`` is a failure without a usable response (timeout, connection error). Build one
    from a :class:`~provenance.fetch.FetchResult` with :meth:`of`.
    """

    status: int | None = None
    retry_after: float | None = None
    error: str | None = None
    transient: bool = False

    @classmethod
    def of(cls, result: _ResultLike) -> Outcome:
        """The outcome of a :class:`~provenance.fetch.FetchResult` (or anything with its fields)."""
        return cls(result.status, result.retry_after, result.error, result.kind in ("timeout", "network"))

    @property
    def failure(self) -> bool:
        """Whether this counts against the host: a 5xx, a 429, a timeout or connection error.

        A 404 or a refused content type is the page's business; the server answered fine.
        """
        return self.transient or (self.status is not None and (self.status >= 500 or self.status == 429))

    @property
    def retryable(self) -> bool:
        """Whether the same request may succeed later (see :data:`RETRY_STATUSES`)."""
        return self.transient or self.status in RETRY_STATUSES

    @property
    def throttled(self) -> bool:
        """A 429 or 503 that says when to come back."""
        return self.status in (429, 503) and self.retry_after is not None


@dataclass(frozen=True, slots=True)
class HostStatus:
    """A snapshot of one host in a :class:`HostGate` (for reports and tests)."""

    host: str
    delay: float
    in_flight: int
    ready_at: float
    failures: int
    breaker: BreakerState


@dataclass(slots=True)
class _Host:
    crawl_delay: float | None = None
    in_flight: int = 0
    next_at: float = -math.inf  # earliest start of the next request
    failures: int = 0  # consecutive
    breaker: BreakerState = "closed"


class HostGate:
    """Per-host admission for a crawl loop: when each host may be sent its next request.

    ``acquire(host, now)`` claims a slot when the host is ready (``ready_at(host) <= now``) and
    returns whether it did; ``release(host, now, outcome)`` hands it back with what happened,
    which sets the next ready time:

    - success (anything but a failure, see :attr:`Outcome.failure`): ``now + delay``;
    - failure: ``now +`` the longest of the delay, ``Retry-After`` (a 429/503 that gives one,
      capped) or a full-jitter backoff on the consecutive failures;
    - the ``crawl_breaker_failures``-th consecutive failure opens the breaker: the host waits
      ``crawl_breaker_pause_seconds``, then its next request is a probe (``half-open``); a
      successful probe closes the breaker, a failed one opens it again.

    The delay is ``crawl_host_delay_seconds``, or the host's robots.txt Crawl-delay when larger
    (:meth:`set_crawl_delay`, capped at ``crawl_max_delay_seconds``), and is also kept between
    the starts of requests when more than one may be in flight. Not thread-safe: the crawl loop
    that owns it schedules from one thread.
    """

    def __init__(self, settings: Settings = DEFAULT_SETTINGS, *, rng: random.Random | None = None) -> None:
        self.settings = settings
        self.rng = rng if rng is not None else random.Random()
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host()
        return state

    def set_crawl_delay(self, host: str, seconds: float | None) -> None:
        """The Crawl-delay robots.txt gives for ``host`` (``None``: none given). It can only raise
        the delay (a site asking for 0.1 s still gets the default), up to ``crawl_max_delay_seconds``."""
        if seconds is not None and not (isinstance(seconds, int | float) and math.isfinite(seconds) and seconds >= 0):
            seconds = None  # a parser's garbage is no reason to hammer or to stall a host
        self._host(host).crawl_delay = seconds

    def delay(self, host: str) -> float:
        """Seconds kept between two requests to ``host``."""
        base = self.settings.crawl_host_delay_seconds
        asked = self._host(host).crawl_delay
        if asked is None:
            return base
        return max(base, min(asked, self.settings.crawl_max_delay_seconds))

    def ready_at(self, host: str) -> float:
        """Earliest time ``host`` may be sent a request (``-math.inf`` for a host never asked);
        ``math.inf`` while its slots are taken (it changes at the next :meth:`release`)."""
        state = self._host(host)
        limit = 1 if state.breaker == "half-open" else max(1, self.settings.crawl_host_concurrency)
        if state.in_flight >= limit:
            return math.inf
        return state.next_at

    def acquire(self, host: str, now: float) -> bool:
        """Claim a request slot of ``host`` at ``now``: ``True`` if it was ready (then call
        :meth:`release` when the request ends), ``False`` if not (ask :meth:`ready_at` when)."""
        if self.ready_at(host) > now:
            return False
        state = self._host(host)
        if state.breaker == "open":
            state.breaker = "half-open"  # this request is the probe
        state.in_flight += 1
        state.next_at = now + self.delay(host)  # spacing between starts, for concurrency > 1
        return True

    def release(self, host: str, now: float, outcome: Outcome) -> None:
        """Hand back a slot of ``host`` at ``now`` with the request's ``outcome`` (see the class)."""
        state = self._host(host)
        if state.in_flight <= 0:
            raise ProvenanceError(f"HostGate.release({host!r}) without a matching acquire")
        state.in_flight -= 1
        settings = self.settings
        pause = self.delay(host)
        if not outcome.failure:
            state.failures = 0
            state.breaker = "closed"
        else:
            state.failures += 1
            if outcome.throttled:
                pause = max(pause, min(outcome.retry_after or 0.0, settings.crawl_max_retry_after_seconds))
            else:
                pause = max(pause, backoff_delay(state.failures, base=settings.crawl_backoff_base_seconds,
                                                 cap=settings.crawl_backoff_max_seconds, rng=self.rng))
            if state.breaker == "half-open" or state.failures >= settings.crawl_breaker_failures:
                state.breaker = "open"
                pause = max(pause, settings.crawl_breaker_pause_seconds)
        state.next_at = max(state.next_at, now + pause)

    def status(self, host: str) -> HostStatus:
        """A snapshot of ``host``."""
        state = self._host(host)
        return HostStatus(host, self.delay(host), state.in_flight, self.ready_at(host), state.failures,
                          state.breaker)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Whether, and after how long, one URL is tried again.

    :meth:`next_attempt` gives the delay: a 429/503's ``Retry-After`` as asked (no retry in
    this run when it exceeds ``max_retry_after``), else a full-jitter backoff drawn from ``rng``
    (seed it in tests). The host's own spacing is :class:`HostGate`'s business: the crawl loop
    waits for both.
    """

    max_attempts: int = DEFAULT_SETTINGS.crawl_max_attempts
    backoff_base: float = DEFAULT_SETTINGS.crawl_backoff_base_seconds
    backoff_max: float = DEFAULT_SETTINGS.crawl_backoff_max_seconds
    max_retry_after: float = DEFAULT_SETTINGS.crawl_max_retry_after_seconds
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings, *, rng: random.Random | None = None) -> RetryPolicy:
        """The policy of ``settings`` (``crawl_max_attempts``, ``crawl_backoff_*``, ``crawl_max_retry_after_seconds``)."""
        return cls(settings.crawl_max_attempts, settings.crawl_backoff_base_seconds,
                   settings.crawl_backoff_max_seconds, settings.crawl_max_retry_after_seconds,
                   rng if rng is not None else random.Random())

    def next_attempt(self, attempt: int, outcome: Outcome) -> float | None:
        """Seconds to wait before trying again after attempt number ``attempt`` (from 1) ended in
        ``outcome``; ``None``: do not retry (success, a lasting error, attempts used up, or a
        Retry-After beyond ``max_retry_after``)."""
        if not outcome.retryable or attempt >= self.max_attempts:
            return None
        if outcome.throttled:
            assert outcome.retry_after is not None
            return outcome.retry_after if outcome.retry_after <= self.max_retry_after else None
        return backoff_delay(attempt, base=self.backoff_base, cap=self.backoff_max, rng=self.rng)
