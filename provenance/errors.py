"""The one error tree of provenance.

Every module that owns a third-party dependency translates that library's exceptions into one of
these, so callers (and the CLI, which alone turns them into a message and an exit code) never see
httpx, duckdb or selectolax errors.
"""

from __future__ import annotations

__all__ = [
    "ProvenanceError",
    "InputError",
    "FetchError",
    "BlockedAddressError",
    "ExtractionError",
    "BudgetError",
    "InternalError",
    "StoreError",
    "StoreBusyError",
    "QueryError",
    "NotFoundError",
]


class ProvenanceError(Exception):
    """Base of every error provenance raises on purpose."""


class InputError(ProvenanceError):
    """A bad input: missing path, empty or binary file, malformed JSON line, undecodable bytes.

    The message names the input (path, URL, ``file.jsonl:12``) and the reason in one line.
    ``stage`` names the pipeline stage that refused it (kept with the error record in the store).
    """

    stage = "read"

    def __init__(self, origin: str, reason: str) -> None:
        self.origin = origin
        self.reason = reason
        super().__init__(f"{origin}: {reason}")

    def __reduce__(self):
        # rebuilt from (origin, reason), so the error survives the trip back from a worker process
        return (type(self), (self.origin, self.reason))


class FetchError(InputError):
    """A URL could not be fetched (network error, HTTP error status, too large, timeout)."""

    stage = "fetch"


class BlockedAddressError(FetchError):
    """A URL, or a redirect hop of it, leads to an internal address that the fetch policy refuses.

    Private, loopback, link-local, multicast, unspecified and reserved addresses are refused unless
    ``Settings.allow_private_addresses`` (``--allow-private``) or ``Settings.allowed_networks`` say
    otherwise. The reason names the refused hop and the address, on one line.
    """


class ExtractionError(InputError):
    """The page was read but held no article text worth keeping."""

    stage = "extract"


class BudgetError(InputError):
    """A document needed more time or memory than its budget (settings ``document_seconds``,
    ``document_memory_bytes``): refused, so one hostile page never hangs or sinks a run."""

    stage = "budget"


class InternalError(InputError):
    """Something went wrong inside provenance on one document (a bug): that document is refused
    with the error named, and the run goes on."""

    def __init__(self, origin: str, reason: str, stage: str = "extract") -> None:
        super().__init__(origin, reason)
        self.stage = stage

    def __reduce__(self):
        return (type(self), (self.origin, self.reason, self.stage))


class StoreError(ProvenanceError):
    """The lineage store could not be opened, migrated, read or written."""


class StoreBusyError(StoreError):
    """Another process holds the store file (DuckDB lets one writer hold it, with no readers
    meanwhile). Worth retrying later, so the CLI gives it an exit code of its own."""


class QueryError(StoreError):
    """A user's SQL was rejected (syntax error, unknown table, or an attempt to write)."""


class NotFoundError(ProvenanceError):
    """Something the user asked about does not exist (a document id, an empty result)."""
