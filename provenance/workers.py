"""Run a pure stage over a stream of items in worker processes, each item under a time and memory budget.

A hostile page can make a parser or a regular expression run for minutes, or allocate gigabytes,
inside C code that no Python signal can interrupt. The only budget that always holds is a
separate process: :class:`BudgetedPool` sends each item to a worker, and a worker that overruns
its item's time is killed (and replaced) while the run goes on; a worker's address space is
capped, so a runaway allocation fails in that worker. Each item comes back as an
:class:`Outcome`, in input order.

Workers are forked from a fork server (``forkserver``, where the platform has one) that has the
pipeline's modules imported already: a worker starts in milliseconds, and no worker inherits the
parent's threads or open store.
"""

from __future__ import annotations

import importlib.machinery
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["Outcome", "BudgetedPool", "start_early", "TIME", "MEMORY", "CRASH"]

T = TypeVar("T")
R = TypeVar("R")

#: Why a worker stopped on an item (``Outcome.overrun``).
TIME, MEMORY, CRASH = "time", "memory", "crash"

#: Modules the fork server imports once, so every worker forked from it starts with them loaded.
PRELOAD = ("provenance.prepare",)

#: Items sent ahead to each worker: enough to keep it busy while the parent works, few enough to
#: bound memory (and what an interrupted run has read but not stored).
ITEMS_AHEAD_PER_WORKER = 4


@dataclass(frozen=True, slots=True)
class Outcome(Generic[R]):
    """What became of one item: ``value`` when the function returned, ``error`` when it raised
    (the exception, carried back from the worker), ``overrun`` (TIME, MEMORY or CRASH) when the
    worker had to be stopped or died; ``seconds`` is how long the item took."""

    value: R | None = None
    error: BaseException | None = None
    overrun: str | None = None
    seconds: float = 0.0


_preloaded = False


def _context() -> multiprocessing.context.BaseContext:
    global _preloaded
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    if not _preloaded:
        ctx.set_forkserver_preload(list(PRELOAD))
        _preloaded = True
    return ctx


def start_early() -> None:
    """Start the fork server now, in the background: its imports (~0.7 s) then overlap with the
    caller's own start-up instead of delaying the first document."""
    ctx = _context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _cap_memory(memory_bytes: int | None) -> None:
    """Cap this process's address space at what it uses now plus ``memory_bytes``."""
    if not memory_bytes:
        return
    try:
        import resource

        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = used + memory_bytes
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass  # no /proc or no rlimits (not Linux): the time budget still holds


def _worker_main(conn: multiprocessing.connection.Connection, fn: Callable[[Any], Any],
                 memory_bytes: int | None) -> None:
    """A worker's loop: receive an item, send back ("ok", value) or ("error", exception)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _cap_memory(memory_bytes)
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        started = time.monotonic()
        try:
            reply: tuple[str, Any, float] = ("ok", fn(item), 0.0)
        except MemoryError:
            reply = ("memory", None, 0.0)
        except BaseException as exc:  # noqa: BLE001 - carried back to the parent, which decides
            reply = ("error", exc, 0.0)
        # the worker's own time: the parent may read the reply late, which is no fault of the item's
        reply = (reply[0], reply[1], time.monotonic() - started)
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None, reply[2]))
        except Exception as exc:  # an unpicklable result or exception
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}"), reply[2]))
        if reply[0] == "memory":
            return  # a heap that ran out is not worth reusing


@contextmanager
def _main_module_as_this_one() -> Iterator[None]:
    """While a worker starts, present ``__main__`` as this module. A fork-server or spawned child
    re-imports the parent's main module; for a caller's script without an ``if __name__ ==
    "__main__"`` guard that would run the whole script again in every worker. The child imports
    an empty module of ours instead."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    missing = object()
    spec = getattr(main, "__spec__", missing)
    main.__spec__ = importlib.machinery.ModuleSpec("provenance._worker_main", None)
    try:
        yield
    finally:
        if spec is missing:
            del main.__spec__
        else:
            main.__spec__ = spec


class _Worker:
    def __init__(self, ctx: multiprocessing.context.BaseContext, fn: Callable[[Any], Any],
                 memory_bytes: int | None) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker_main, args=(child, fn, memory_bytes), daemon=True)
        with _main_module_as_this_one():
            self.process.start()
        child.close()
        self.index: int | None = None  # the item it is working on
        self.started = 0.0

    def give(self, index: int, item: Any) -> None:
        self.index, self.started = index, time.monotonic()
        self.conn.send(item)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


class BudgetedPool(Generic[T, R]):
    """``fn`` over items in ``workers`` processes, each item under ``seconds`` and ``memory_bytes``.

    ``workers=0`` runs ``fn`` in this process (no time or memory budget; exceptions are still
    caught per item). ``fn`` must be picklable (a module-level function or a ``functools.partial``
    of one). Use as a context manager; leaving it stops every worker.
    """

    def __init__(self, fn: Callable[[T], R], *, workers: int, seconds: float,
                 memory_bytes: int | None = None) -> None:
        self._fn, self._workers, self._seconds, self._memory = fn, max(0, workers), seconds, memory_bytes
        self._ctx = _context() if self._workers else None
        self._pool: list[_Worker] = []

    def __enter__(self) -> BudgetedPool[T, R]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        pool, self._pool = self._pool, []
        for worker in pool:
            worker.stop()

    def map(self, items: Iterable[T], *, passthrough: Callable[[T], bool] | None = None
            ) -> Iterator[tuple[T, Outcome[R]]]:
        """Each item with its outcome, in input order. Items are read lazily, a few ahead. An item
        for which ``passthrough`` is true is its own value: never sent to a worker, never timed."""
        if not self._workers:
            yield from self._map_here(items, passthrough)
            return
        while len(self._pool) < self._workers:
            self._pool.append(_Worker(self._ctx, self._fn, self._memory))
        source = iter(items)
        waiting: deque[tuple[int, T]] = deque()  # read, not yet given to a worker
        items_by_index: dict[int, T] = {}
        done: dict[int, Outcome[R]] = {}
        next_index = next_out = 0
        exhausted = False
        ahead = ITEMS_AHEAD_PER_WORKER * self._workers
        while True:
            while not exhausted and next_index - next_out < ahead:
                try:
                    item = next(source)
                except StopIteration:
                    exhausted = True
                    break
                if passthrough is not None and passthrough(item):
                    done[next_index] = Outcome(value=item)
                else:
                    waiting.append((next_index, item))
                items_by_index[next_index] = item
                next_index += 1
            for slot, worker in enumerate(self._pool):
                if worker.index is None and waiting:
                    index, item = waiting.popleft()
                    try:
                        worker.give(index, item)
                    except (OSError, ValueError):  # it died between items: replace it, try again
                        worker.stop()
                        self._pool[slot] = worker = _Worker(self._ctx, self._fn, self._memory)
                        worker.give(index, item)
            while next_out in done:
                yield items_by_index.pop(next_out), done.pop(next_out)
                next_out += 1
            busy = [w for w in self._pool if w.index is not None]
            if not busy:
                if exhausted and not waiting:
                    return
                continue
            self._collect(busy, done)

    def _collect(self, busy: list[_Worker], done: dict[int, Outcome[R]]) -> None:
        """Wait for a reply or the first deadline; record what finished, stop what overran."""
        now = time.monotonic()
        timeout = max(0.0, min(w.started + self._seconds for w in busy) - now)
        ready = multiprocessing.connection.wait(
            [w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
        now = time.monotonic()
        for worker in busy:
            index, elapsed = worker.index, now - worker.started
            outcome: Outcome[R] | None = None
            replied = worker.conn in ready
            if replied:
                try:
                    kind, payload, spent = worker.conn.recv()
                except (EOFError, OSError):
                    kind, payload, spent = CRASH, None, elapsed
                if kind in ("ok", "error") and spent > self._seconds:
                    outcome = Outcome(overrun=TIME, seconds=spent)  # finished, but over its budget
                elif kind == "ok":
                    outcome = Outcome(value=payload, seconds=spent)
                elif kind == "error":
                    outcome = Outcome(error=payload, seconds=spent)
                else:
                    outcome = Outcome(overrun=MEMORY if kind == "memory" else CRASH, seconds=elapsed)
            elif worker.process.sentinel in ready:
                outcome = Outcome(overrun=CRASH, seconds=elapsed)
            elif elapsed >= self._seconds:
                outcome = Outcome(overrun=TIME, seconds=elapsed)
            if outcome is None:
                continue
            done[index] = outcome
            worker.index = None
            if outcome.overrun is not None and not (replied and outcome.overrun == TIME):
                slot = self._pool.index(worker)
                worker.stop()
                self._pool[slot] = _Worker(self._ctx, self._fn, self._memory)

    def _map_here(self, items: Iterable[T], passthrough: Callable[[T], bool] | None
                  ) -> Iterator[tuple[T, Outcome[R]]]:
        for item in items:
            if passthrough is not None and passthrough(item):
                yield item, Outcome(value=item)
                continue
            started = time.monotonic()
            try:
                outcome: Outcome[R] = Outcome(value=self._fn(item))
            except MemoryError:
                outcome = Outcome(overrun=MEMORY)
            except Exception as exc:  # noqa: BLE001 - the caller decides what an item's error means
                outcome = Outcome(error=exc)
            yield item, Outcome(outcome.value, outcome.error, outcome.overrun, time.monotonic() - started)
