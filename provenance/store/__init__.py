"""The lineage store: documents, their LSH band keys, and lineage edges in one DuckDB file.

This package is the only one that imports :mod:`duckdb`, and it holds all of the project's SQL.
Every DuckDB exception is translated into :class:`~provenance.errors.StoreError` (or
:class:`~provenance.errors.QueryError` for a user's SQL) with a one-line message.

The schema is a public contract: researchers query it with SQL (``provenance sql``).

* ``documents`` — one row per stored document (the extracted article, its identity and
  fingerprint summary). ``site`` is the normalised host (:func:`provenance.pages.site_of`; NULL
  when the input had no web host), ``site_name`` the display name the page or record gave. ``text`` is ``Article.text``; every character offset elsewhere is a
  half-open ``[start, end)`` into it, so SQL's ``substr(text, start + 1, "end" - start)`` is a span.
* ``bands`` — the LSH index: one row per distinct (band, key) of a document. A key already mixes
  in its band number, so a lookup matches on ``key`` alone.
* ``edges`` with ``passages`` and ``diffs`` — lineage: ``copy_id`` reused text of ``source_id``.
* ``credits`` and ``furniture`` — credit lines and page-furniture spans of a document's text.
* ``meta`` — key/value facts about the store (``fingerprint_settings``: the JSON of
  :meth:`Settings.fingerprint_key`, so band keys built with other settings are never mixed in).
* ``schema_version`` — the applied :data:`MIGRATIONS`.
* the analysis views ``copy_edges``, ``site_pairs``, ``lineage``, ``stories`` and ``daily_copying``
  (``docs/views.md``), over ``copy_relations``: the copy-like relations, kept equal to
  :data:`provenance.models.LINEAGE_RELATIONS`.

Times are stored as naive UTC ``TIMESTAMP`` values: an aware datetime is converted to UTC on
write, a naive one is taken to be UTC already; reads return aware UTC datetimes.

Band keys are unsigned 64-bit (``UBIGINT``); a negative key (a signed 64-bit view of the same
bits) is stored as its two's complement, consistently on write and lookup.

A :class:`Store` wraps one DuckDB connection and is not safe to share between threads. Its methods
come by job from this package's modules (see :mod:`~provenance.store.core`): ``connection``,
``migrate``, ``keysync``, ``reads``, ``writes``, ``checks`` and ``bulk``; ``schema`` holds the DDL,
``keyindex`` the key index's files, ``convert`` the value conversions, ``readonly`` the SQL check,
``reportdata`` the HTML report's queries (functions of a store, returning frozen dataclasses).
"""

from __future__ import annotations

from . import schema
from .connection import CONNECTION_CONFIG, INDEXED_LOOKUP_MAX_KEYS
from .core import Store
from .schema import (COUNTED_TABLES, FINGERPRINT_SETTINGS_KEY, INTEGRITY_CHECKS, MIGRATIONS, SCHEMA_VERSION,
                     Migration)
from .writes import SMALL_INSERT_MAX_ROWS

__all__ = [
    "Store",
    "Migration",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "COUNTED_TABLES",
    "INTEGRITY_CHECKS",
    "FINGERPRINT_SETTINGS_KEY",
    "INDEXED_LOOKUP_MAX_KEYS",
    "SMALL_INSERT_MAX_ROWS",
    "CONNECTION_CONFIG",
    "schema",
]
