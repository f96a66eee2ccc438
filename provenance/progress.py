"""How a long ingest shows where it stands: a progress bar on a terminal, a plain line now and then
otherwise (a log file, a cron job's mail). Each refused input is shown once, as it happens."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from .crawl import CrawlProgress
from .ingest import IngestProgress

__all__ = ["IngestDisplay", "CrawlDisplay", "PLAIN_EVERY_SECONDS"]

#: Without a terminal, a status line at most this often (and one at the end).
PLAIN_EVERY_SECONDS = 10.0


class IngestDisplay:
    """Receives :class:`IngestProgress` events (``display.update``) and shows them on ``stream``."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True) -> None:
        self._stream = stream or sys.stderr
        self._enabled = enabled
        self._started = time.monotonic()
        self._last_plain = 0.0
        self._last: IngestProgress | None = None
        self._printed: IngestProgress | None = None
        self._bar: Progress | None = None
        self._task = None
        self.errors_shown = False

    def __enter__(self) -> IngestDisplay:
        if self._enabled and self._stream.isatty():
            console = Console(file=self._stream)
            self._bar = Progress(TextColumn("ingest"), BarColumn(bar_width=24), MofNCompleteColumn(),
                                 TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                                 TextColumn("{task.fields[counts]}"), console=console, transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task("ingest", total=None, rate="", counts="")
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc_info)
        elif self._enabled and self._last is not None and self._last is not self._printed:
            self._plain(self._last)

    def update(self, event: IngestProgress) -> None:
        if not self._enabled:
            return
        self._last = event
        if event.error is not None:
            self._say(f"error: {event.error}")
            self.errors_shown = True
        if self._bar is not None:
            self._bar.update(self._task, completed=event.read, total=event.total, rate=self._rate(event),
                             counts=_counts(event))
        elif time.monotonic() - self._last_plain >= PLAIN_EVERY_SECONDS and event.error is None:
            self._plain(event)

    def _say(self, line: str) -> None:
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False)
        else:
            print(line, file=self._stream, flush=True)

    def _rate(self, event: IngestProgress) -> str:
        seconds = max(time.monotonic() - self._started, 1e-9)
        return f"{event.read / seconds:,.0f} docs/s"

    def _plain(self, event: IngestProgress) -> None:
        self._last_plain, self._printed = time.monotonic(), event
        done = f"{event.read:,}" + (f" of {event.total:,}" if event.total else "")
        print(f"ingest: {done} inputs, {_counts(event)}, {self._rate(event)}", file=self._stream, flush=True)


def _counts(event: IngestProgress) -> str:
    return (f"{event.added:,} added, {event.unchanged:,} unchanged, {event.errors:,} errors, "
            f"{event.links:,} links")


class CrawlDisplay:
    """Receives :class:`CrawlProgress` events: a live status line on a terminal (a crawl has no
    known total to draw a bar against), a plain line at most every :data:`PLAIN_EVERY_SECONDS`
    otherwise."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True) -> None:
        self._stream = stream or sys.stderr
        self._enabled = enabled
        self._started = time.monotonic()
        self._last = 0.0
        self._status = None

    def __enter__(self) -> CrawlDisplay:
        if self._enabled and self._stream.isatty():
            self._status = Console(file=self._stream).status("crawl: starting")
            self._status.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._status is not None:
            self._status.__exit__(*exc_info)
            self._status = None

    def update(self, event: CrawlProgress) -> None:
        if not self._enabled:
            return
        now = time.monotonic()
        line = (f"crawl: {now - self._started:.0f} s, {event.requests} requests, {event.pages} new pages,"
                f" {event.new_documents} documents and {event.new_edges} links added, {event.errors} failed")
        if self._status is not None:
            self._status.update(line + (f" · {event.last_url}" if event.last_url else ""))
        elif now - self._last >= PLAIN_EVERY_SECONDS:
            self._last = now
            print(line, file=self._stream, flush=True)
