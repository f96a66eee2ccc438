"""provenance.politeness with a fake clock: plain numbers for "now", a seeded RNG, no sleeping."""

from __future__ import annotations

import dataclasses
import math
import random
from datetime import UTC, datetime

import pytest

from provenance.errors import ProvenanceError
from provenance.politeness import HostGate, Outcome, RetryPolicy, backoff_delay, host_key, parse_retry_after
from provenance.settings import DEFAULT_SETTINGS

SETTINGS = dataclasses.replace(
    DEFAULT_SETTINGS, crawl_host_delay_seconds=1.0, crawl_max_delay_seconds=30.0, crawl_backoff_base_seconds=2.0,
    crawl_backoff_max_seconds=100.0, crawl_breaker_failures=3, crawl_breaker_pause_seconds=600.0,
    crawl_max_retry_after_seconds=900.0,
)
OK = Outcome(status=200)
SERVER_ERROR = Outcome(status=500, error="HTTP 500 Internal Server Error")
TIMEOUT = Outcome(error="read timed out after 15 s", transient=True)


def test_default_delay_is_at_least_a_second() -> None:
    assert DEFAULT_SETTINGS.crawl_host_delay_seconds >= 1.0
    assert DEFAULT_SETTINGS.crawl_host_concurrency == 1


def test_one_request_in_flight_and_a_delay_between_two() -> None:
    gate = HostGate(SETTINGS)
    assert gate.acquire("a.example", 100.0)
    assert gate.ready_at("a.example") == math.inf  # busy until released
    assert not gate.acquire("a.example", 100.5)
    gate.release("a.example", 102.0, OK)  # the response took 2 s: the delay counts from its end
    assert gate.ready_at("a.example") == 103.0
    assert not gate.acquire("a.example", 102.9)
    assert gate.acquire("a.example", 103.0)


def test_crawl_delay_raises_the_delay_and_is_capped() -> None:
    gate = HostGate(SETTINGS)
    gate.set_crawl_delay("slow.example", 5.0)
    gate.set_crawl_delay("tiny.example", 0.1)  # asking for less than the default gets the default
    gate.set_crawl_delay("greedy.example", 86400.0)
    gate.set_crawl_delay("broken.example", float("nan"))
    assert gate.delay("slow.example") == 5.0
    assert gate.delay("tiny.example") == 1.0
    assert gate.delay("greedy.example") == 30.0
    assert gate.delay("broken.example") == 1.0
    assert gate.acquire("slow.example", 0.0)
    gate.release("slow.example", 0.5, OK)
    assert gate.ready_at("slow.example") == 5.5


def test_two_hosts_proceed_in_parallel() -> None:
    gate = HostGate(SETTINGS)
    assert gate.acquire("a.example", 10.0)
    assert gate.acquire("b.example", 10.0)  # a's request in flight does not hold b up
    gate.release("a.example", 10.2, OK)
    assert gate.ready_at("b.example") == math.inf and gate.ready_at("a.example") == pytest.approx(11.2)


def test_more_than_one_in_flight_when_allowed_still_spaces_the_starts() -> None:
    gate = HostGate(dataclasses.replace(SETTINGS, crawl_host_concurrency=2))
    assert gate.acquire("a.example", 0.0)
    assert not gate.acquire("a.example", 0.5)
    assert gate.acquire("a.example", 1.0)
    assert gate.ready_at("a.example") == math.inf


def test_retry_after_pauses_the_host() -> None:
    gate = HostGate(SETTINGS, rng=random.Random(3))
    gate.acquire("a.example", 0.0)
    gate.release("a.example", 1.0, Outcome(status=429, retry_after=120.0))
    assert gate.ready_at("a.example") == 121.0
    gate.acquire("a.example", 121.0)
    gate.release("a.example", 122.0, Outcome(status=503, retry_after=10_000.0))  # capped
    assert gate.ready_at("a.example") == 122.0 + 900.0


def test_backoff_grows_and_is_jittered_within_bounds() -> None:
    rng = random.Random(42)
    draws = {attempt: [backoff_delay(attempt, base=2.0, cap=100.0, rng=rng) for _ in range(400)]
             for attempt in (1, 2, 3, 4, 8)}
    for attempt, ceiling in ((1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (8, 100.0)):
        values = draws[attempt]
        assert all(0.0 <= v <= ceiling for v in values)
        assert max(values) > 0.9 * ceiling and min(values) < 0.1 * ceiling  # full jitter: the whole range
        assert len(set(values)) == len(values)  # jittered, not a fixed step
    means = [sum(draws[a]) / 400 for a in (1, 2, 3, 4)]
    assert means == sorted(means) and means[3] > 3 * means[0]  # grows about 2x a step


def test_host_backoff_after_failures_follows_the_seeded_draws() -> None:
    gate = HostGate(SETTINGS, rng=random.Random(5))
    expected = random.Random(5)
    now = 0.0
    for failures in (1, 2):
        gate.acquire("a.example", now)
        gate.release("a.example", now, SERVER_ERROR)
        pause = max(1.0, expected.uniform(0.0, 2.0 * 2 ** (failures - 1)))
        assert gate.ready_at("a.example") == pytest.approx(now + pause)
        now = gate.ready_at("a.example")
    assert gate.status("a.example").failures == 2 and gate.status("a.example").breaker == "closed"


def test_circuit_breaker_opens_after_n_failures_and_half_opens_after_t() -> None:
    gate = HostGate(SETTINGS, rng=random.Random(0))
    now = 0.0
    for _ in range(3):
        assert gate.acquire("a.example", now)
        gate.release("a.example", now, TIMEOUT)
        now = gate.ready_at("a.example")
    status = gate.status("a.example")
    assert status.breaker == "open" and status.failures == 3
    opened = now - 600.0  # the third failure's time: paused for crawl_breaker_pause_seconds
    assert not gate.acquire("a.example", opened + 599.0)
    assert gate.acquire("a.example", opened + 600.0)  # the probe
    assert gate.status("a.example").breaker == "half-open"
    gate.release("a.example", opened + 601.0, SERVER_ERROR)  # probe failed: open again for T
    assert gate.status("a.example").breaker == "open"
    assert gate.ready_at("a.example") == opened + 601.0 + 600.0
    assert gate.acquire("a.example", opened + 1201.0)
    gate.release("a.example", opened + 1202.0, OK)  # probe succeeded: closed, counters reset
    status = gate.status("a.example")
    assert status.breaker == "closed" and status.failures == 0 and status.ready_at == opened + 1203.0


def test_a_404_or_a_refusal_is_not_a_host_failure() -> None:
    gate = HostGate(SETTINGS)
    gate.acquire("a.example", 0.0)
    gate.release("a.example", 0.0, SERVER_ERROR)
    gate.acquire("a.example", 100.0)
    gate.release("a.example", 100.0, Outcome(status=404, error="HTTP 404 Not Found"))
    assert gate.status("a.example").failures == 0


def test_release_without_acquire_is_a_bug() -> None:
    with pytest.raises(ProvenanceError):
        HostGate(SETTINGS).release("a.example", 0.0, OK)


# --- retry policy -------------------------------------------------------------------------------------------


def test_retry_policy_retries_transient_failures_only() -> None:
    policy = RetryPolicy(max_attempts=3, backoff_base=2.0, backoff_max=60.0, rng=random.Random(9))
    expected = random.Random(9)
    assert policy.next_attempt(1, SERVER_ERROR) == expected.uniform(0.0, 2.0)
    assert policy.next_attempt(2, TIMEOUT) == expected.uniform(0.0, 4.0)
    assert policy.next_attempt(3, TIMEOUT) is None  # attempts used up
    for lasting in (OK, Outcome(status=404), Outcome(status=501), Outcome(error="content type image/png")):
        assert policy.next_attempt(1, lasting) is None


def test_retry_policy_honours_retry_after() -> None:
    policy = RetryPolicy(max_retry_after=900.0, rng=random.Random(1))
    assert policy.next_attempt(1, Outcome(status=429, retry_after=30.0)) == 30.0
    assert policy.next_attempt(1, Outcome(status=503, retry_after=3600.0)) is None  # come back tomorrow
    assert policy.next_attempt(1, Outcome(status=429)) is not None  # no header: backoff
    assert RetryPolicy.from_settings(SETTINGS).max_attempts == SETTINGS.crawl_max_attempts


NOW = datetime(2026, 7, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), (" 5 ", 5.0), ("0", 0.0),
    ("Wed, 01 Jul 2026 12:02:00 GMT", 120.0),  # IMF-fixdate
    ("Wednesday, 01-Jul-26 12:00:30 GMT", 30.0),  # RFC 850
    ("Wed Jul  1 12:01:00 2026", 60.0),  # asctime
    ("Wed, 01 Jul 2026 11:00:00 GMT", 0.0),  # in the past: now
    ("-5", None), ("soon", None), ("", None), ("1e3", None), ("120 seconds", None), ("9" * 80, None),
    ("Wed, 45 Foo 2026 99:00:00 GMT", None), (None, None),
])
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


def test_host_key() -> None:
    assert host_key("https://News.Example.com/a?b") == "news.example.com"
    assert host_key("http://news.example.com:8080/") == "news.example.com:8080"
    assert host_key("not a url") == ""
