"""Bringing a store's schema up to this code's: the missing :data:`~provenance.store.schema.MIGRATIONS`
applied on a read-write open (a read-only open refuses a store that needs one), SQL functions
registered on the connection, and the fingerprint settings recorded or checked."""

from __future__ import annotations

import json

import duckdb

from ..errors import StoreError
from ..pages import page_key, site_of
from . import schema
from .connection import _first_line
from .convert import utc_now
from ..models import LINEAGE_RELATIONS
from .schema import FINGERPRINT_SETTINGS_KEY, REGISTER_FUNCTIONS, SCHEMA_VERSION_DDL, SYNC_COPY_RELATIONS

__all__ = ["MigrationMixin"]


class MigrationMixin:
    """Schema upkeep of :class:`~provenance.store.Store` (``schema.MIGRATIONS`` is read at each use,
    so a test can swap it)."""

    def _user_tables(self) -> set[str]:
        """Names of the tables and views in the main schema of the open database."""
        rows = self._fetch(
            "SELECT table_name FROM duckdb_tables()"
            " WHERE database_name = current_database() AND schema_name = 'main'"
            " UNION SELECT view_name FROM duckdb_views()"
            " WHERE database_name = current_database() AND schema_name = 'main' AND NOT internal"
        )
        return {name for (name,) in rows}

    def _register_functions(self) -> None:
        """Make :func:`provenance.pages.page_key` callable from SQL as ``page_key(url)``, and
        :func:`provenance.pages.site_of` as ``page_site(url, canonical_url, declared)`` (once)."""
        if self._functions_registered:
            return
        if self._fetch("SELECT 1 FROM duckdb_functions() WHERE function_name = 'page_key'"
                       " AND function_type = 'macro' LIMIT 1"):
            return  # a schema older than migration 6 still has its SQL macro of that name
        try:
            varchar = duckdb.sqltype("VARCHAR")
            self._connection().create_function("page_key", page_key, [varchar], varchar, null_handling="special",
                                               side_effects=False)
            self._connection().create_function("page_site", site_of, [varchar] * 3, varchar,
                                               null_handling="special", side_effects=False)
        except duckdb.Error as exc:
            raise StoreError(f"{self._path}: {_first_line(exc)}") from None
        self._functions_registered = True

    def _applied_versions(self) -> set[int]:
        return {v for (v,) in self._fetch("SELECT version FROM schema_version")}

    def _check_version_not_newer(self, applied: set[int]) -> None:
        newest, supported = max(applied, default=0), schema.MIGRATIONS[-1].version
        if newest > supported:
            raise StoreError(
                f"store {self._path} has schema version {newest}, newer than this provenance"
                f" supports ({supported}); upgrade provenance"
            )

    def _migrate(self) -> None:
        """Create ``schema_version`` and apply the missing migrations (inside a transaction)."""
        tables = self._user_tables()
        if "schema_version" not in tables and tables:
            raise StoreError(f"{self._path} is a DuckDB database but not a provenance store")
        self._run(SCHEMA_VERSION_DDL)
        applied = self._applied_versions()
        self._check_version_not_newer(applied)
        for migration in schema.MIGRATIONS:
            if migration.version in applied:
                continue
            for statement in migration.statements:
                if statement == REGISTER_FUNCTIONS:
                    self._register_functions()
                elif statement == SYNC_COPY_RELATIONS:
                    self._sync_copy_relations()
                else:
                    self._run(statement)
            self._run(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                [migration.version, migration.description, utc_now()],
            )
        if "copy_relations" in self._user_tables():
            self._sync_copy_relations()

    def _sync_copy_relations(self) -> None:
        """Make ``copy_relations`` hold :data:`~provenance.models.LINEAGE_RELATIONS` (the one rule
        of what is copy-like; the analysis views read it from there)."""
        stored = {r for (r,) in self._fetch("SELECT relation FROM copy_relations")}
        if stored != LINEAGE_RELATIONS:
            self._run("DELETE FROM copy_relations")
            self._run("INSERT INTO copy_relations SELECT unnest(?::VARCHAR[])", [sorted(LINEAGE_RELATIONS)])

    def _check_schema_read_only(self) -> None:
        """A read-only store must already be at this code's schema version."""
        if "schema_version" not in self._user_tables():
            raise StoreError(f"{self._path} is not a provenance store")
        applied = self._applied_versions()
        self._check_version_not_newer(applied)
        missing = [m.version for m in schema.MIGRATIONS if m.version not in applied]
        if missing:
            raise StoreError(
                f"store {self._path} needs schema migration {missing[0]}; open it read-write once"
            )

    def _check_fingerprint_settings(self) -> None:
        """Record the fingerprint settings on first open; refuse a store built with others."""
        wanted = self._settings.fingerprint_key()
        rows = self._fetch("SELECT value FROM meta WHERE key = ?", [FINGERPRINT_SETTINGS_KEY])
        if not rows:
            if not self._read_only:
                self._run(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [FINGERPRINT_SETTINGS_KEY, json.dumps(wanted, sort_keys=True)],
                )
            return
        try:
            stored = json.loads(rows[0][0])
        except (TypeError, ValueError):
            raise StoreError(f"store {self._path} has unreadable fingerprint settings") from None
        if stored != wanted:
            names = sorted(set(stored) | set(wanted))
            diffs = ", ".join(
                f"{n} {stored.get(n)} (store) vs {wanted.get(n)} (now)"
                for n in names
                if stored.get(n) != wanted.get(n)
            )
            raise StoreError(f"store was built with different fingerprint settings: {diffs}")
