"""How values cross into and out of DuckDB: times as naive UTC, band keys as unsigned 64-bit."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ..models import StoredDocument

if TYPE_CHECKING:
    import numpy as np

__all__ = ["to_db_time", "from_db_time", "utc_now", "u64", "u64_array", "key_arrays", "placeholders", "stored_form"]

_U64_MASK = (1 << 64) - 1


def to_db_time(value: datetime | None) -> datetime | None:
    """An aware datetime as naive UTC; a naive one is taken to be UTC already."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def from_db_time(value: datetime | None) -> datetime | None:
    """A naive UTC TIMESTAMP from the database as an aware UTC datetime."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc)


def utc_now() -> datetime:
    """The current time as naive UTC (the store's time representation)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def u64(key: int) -> int:
    """A band key as unsigned 64-bit (two's complement of a negative signed key)."""
    return int(key) & _U64_MASK


def u64_array(keys) -> "np.ndarray":
    """Band keys (ints, a signed 64-bit view allowed) as a uint64 array, converted in C when they
    are all non-negative already (as fingerprints make them)."""
    import numpy as np

    keys = list(keys)
    try:
        return np.array(keys, dtype=np.uint64)
    except OverflowError:
        return np.array([u64(k) for k in keys], dtype=np.uint64)


def key_arrays(fingerprint) -> tuple["np.ndarray", "np.ndarray"]:
    """A fingerprint's index keys as (int16 band numbers, uint64 keys)."""
    import numpy as np

    if fingerprint.key_arrays is not None:
        return fingerprint.key_arrays
    keys = u64_array(key for _, key in fingerprint.band_keys)
    return np.array([band for band, _ in fingerprint.band_keys], dtype=np.int16), keys


def placeholders(count: int) -> str:
    return ", ".join("?" * count)


def stored_form(doc: StoredDocument, now: datetime) -> StoredDocument:
    """``doc`` as the store gives it back once written at ``now`` (naive UTC): times as aware UTC,
    ``first_seen`` defaulting to ``now``. Batch ingest links later documents of a batch against
    this form, so a batch decides exactly what a document-by-document ingest would."""
    import dataclasses

    art = doc.article
    article = dataclasses.replace(
        art, format=art.format or "", authors=tuple(art.authors or ()),
        published_at=from_db_time(to_db_time(art.published_at)),
        fetched_at=from_db_time(to_db_time(art.fetched_at)))
    return dataclasses.replace(doc, article=article,
                               first_seen=from_db_time(to_db_time(doc.first_seen) or now))
