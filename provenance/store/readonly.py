"""Which of a user's SQL statements may run: one read statement, nothing that writes."""

from __future__ import annotations

import json
import re
from typing import Any

import duckdb

from ..errors import QueryError

__all__ = ["check_read_query"]

#: Statement types :meth:`Store.query` accepts (``SHOW``, ``DESCRIBE``, ``SUMMARIZE``, ``FROM``
#: and ``VALUES`` all parse as SELECT). EXPLAIN is accepted when the statement it explains is.
_READ_STATEMENT = "SELECT"
_EXPLAIN_STATEMENT = "EXPLAIN"
#: Query-node types a read query may contain. A SELECT can still write through a data-modifying
#: CTE (``WITH x AS (DELETE … RETURNING …) SELECT …``), whose node is an INSERT/UPDATE/DELETE
#: node: any ``*_NODE`` type outside this set is refused.
_READ_QUERY_NODES = frozenset(
    {"SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE", "BOUND_SUBQUERY_NODE"}
)
_LEADING_COMMENTS = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.S)
_EXPLAIN_PREFIX = re.compile(
    r"EXPLAIN\b\s*(?:ANALY[SZ]E\b\s*|\((?:[^()']|'[^']*')*\)\s*)?", re.I
)


def check_read_query(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but one read statement (raises QueryError or duckdb.Error)."""
    statements = con.extract_statements(sql)
    if len(statements) != 1:
        raise QueryError(f"expected exactly one SQL statement, got {len(statements)}")
    statement = statements[0]
    kind = statement.type.name
    text = statement.query
    if kind == _EXPLAIN_STATEMENT:
        body = text[_LEADING_COMMENTS.match(text).end():]
        prefix = _EXPLAIN_PREFIX.match(body)
        inner = con.extract_statements(body[prefix.end():]) if prefix else []
        if len(inner) != 1 or inner[0].type.name != _READ_STATEMENT:
            raise QueryError("only read-only queries are allowed: EXPLAIN must explain a SELECT")
        kind, text = _READ_STATEMENT, inner[0].query
    if kind != _READ_STATEMENT:
        raise QueryError(f"only read-only queries are allowed, not {kind}")
    (tree,) = con.execute("SELECT json_serialize_sql(?)", [text]).fetchone()
    parsed = json.loads(tree)
    if parsed.get("error") or not _is_read_tree(parsed):
        raise QueryError("only read-only queries are allowed: the query writes")


def _is_read_tree(tree: Any) -> bool:
    """True if a ``json_serialize_sql`` tree holds only read query nodes."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            kind = node.get("type")
            if isinstance(kind, str) and kind.endswith("_NODE") and kind not in _READ_QUERY_NODES:
                return False
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True
