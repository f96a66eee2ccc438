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
    "StoreError",
    "QueryError",
    "NotFoundError",
]


class ProvenanceError(Exception):
    """Base of every error provenance raises on purpose."""


class InputError(ProvenanceError):
    """A bad input: missing path, empty or binary file, malformed JSON line, undecodable bytes.

    The message names the input (path, URL, ``file.jsonl:12``) and the reason in one line.
    """

    def __init__(self, origin: str, reason: str) -> None:
        self.origin = origin
        self.reason = reason
        super().__init__(f"{origin}: {reason}")


class FetchError(InputError):
    """A URL could not be fetched (network error, HTTP error status, too large, timeout)."""


class BlockedAddressError(FetchError):
    """A URL, or a redirect hop of it, leads to an internal address that the fetch policy refuses.

    Private, loopback, link-local, multicast, unspecified and reserved addresses are refused unless
    ``Settings.allow_private_addresses`` (``--allow-private``) or ``Settings.allowed_networks`` say
    otherwise. The reason names the refused hop and the address, on one line.
    """


class ExtractionError(InputError):
    """The page was read but held no article text worth keeping."""


class StoreError(ProvenanceError):
    """The lineage store could not be opened, migrated, read or written."""


class QueryError(StoreError):
    """A user's SQL was rejected (syntax error, unknown table, or an attempt to write)."""


class NotFoundError(ProvenanceError):
    """Something the user asked about does not exist (a document id, an empty result)."""
