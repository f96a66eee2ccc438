"""The budgeted worker pool: outcomes in input order, and a worker that overruns its time, its
memory or dies is stopped and replaced while the other items go on."""

from __future__ import annotations

import os
import signal
import time

import pytest

from provenance.errors import InputError
from provenance.workers import CRASH, MEMORY, TIME, BudgetedPool


def behave(item: str) -> str:
    """Stand-in stage whose items say how to misbehave (module level: workers must import it)."""
    if item == "hang":
        time.sleep(60)
    elif item == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    elif item == "hog":
        blocks = [bytearray(64 << 20) for _ in range(64)]  # 4 GiB, far over the budget
        return str(len(blocks))
    elif item == "refuse":
        raise InputError("doc.html", "no article text")
    elif item == "bug":
        raise ValueError("Invalid IPv6 URL")
    return item.upper()


ITEMS = ["a", "hang", "b", "crash", "c", "hog", "d", "refuse", "e", "bug", "f"]


@pytest.mark.parametrize("workers", [1, 2])
def test_each_item_gets_its_outcome_in_input_order_and_misbehaviour_costs_only_its_item(workers):
    started = time.monotonic()
    with BudgetedPool(behave, workers=workers, seconds=2.0, memory_bytes=256 << 20) as pool:
        results = list(pool.map(ITEMS))
    assert [item for item, _ in results] == ITEMS
    outcomes = dict(results)
    assert [outcomes[x].value for x in "abcdef"] == list("ABCDEF")
    assert outcomes["hang"].overrun == TIME and outcomes["hang"].seconds >= 2.0
    assert outcomes["crash"].overrun == CRASH
    assert outcomes["hog"].overrun == MEMORY
    refused = outcomes["refuse"].error
    assert isinstance(refused, InputError) and (refused.origin, refused.reason) == ("doc.html", "no article text")
    assert isinstance(outcomes["bug"].error, ValueError) and "IPv6" in str(outcomes["bug"].error)
    # the hanging item cost its budget, not the 60 s it asked for
    assert time.monotonic() - started < 30


def test_a_worker_stopped_for_one_item_is_replaced_for_the_next():
    with BudgetedPool(behave, workers=1, seconds=1.0) as pool:
        results = list(pool.map(["hang", "hang", "x", "crash", "y"]))
    assert [o.overrun for _, o in results] == [TIME, TIME, None, CRASH, None]
    assert [o.value for _, o in results] == [None, None, "X", None, "Y"]


def test_items_are_read_lazily_a_few_ahead():
    read: list[int] = []

    def source():
        for i in range(100):
            read.append(i)
            yield str(i)

    with BudgetedPool(behave, workers=2, seconds=5.0) as pool:
        stream = pool.map(source())
        first = next(stream)
        assert first[1].value == "0"
        assert len(read) < 20  # not all 100 read before the first result
        rest = list(stream)
    assert len(rest) == 99


def test_without_workers_items_run_here_and_errors_are_still_per_item():
    with BudgetedPool(behave, workers=0, seconds=1.0) as pool:
        results = dict(pool.map(["a", "refuse", "bug", "b"]))
    assert results["a"].value == "A" and results["b"].value == "B"
    assert isinstance(results["refuse"].error, InputError)
    assert isinstance(results["bug"].error, ValueError)
