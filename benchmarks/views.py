"""How long the analysis views (docs/views.md) take on a large synthetic copy graph.

    python benchmarks/views.py [--documents 200000] [--story 40] [--chain 3000]

The views' SQL is the store's own (``provenance.store.schema``), created over bare tables in an
in-memory DuckDB holding only the columns the views read: ``--documents`` documents on 500 sites,
in stories of ``--story`` documents each (document j of a story copies document (j - 1) // 2 of it:
a tree, so there are copies of copies), one edge in three credited. Then the worst shape for the
``stories`` view's label propagation: one chain of ``--chain`` documents whose least id is at one
end (the label must travel the whole length). Prints each view's rows and seconds.

Results (two runs on 2 shared cores): 200,000 documents, 195,000 edges: copy_edges 0.05–0.08 s,
site_pairs 0.16–0.29 s, lineage (715,000 rows) 0.21–0.25 s, stories (5,000) 0.69–1.43 s,
daily_copying 0.13–0.46 s; a 3,000-document chain: stories 1.9–4.1 s.
"""

from __future__ import annotations

import argparse
import time

import duckdb

from provenance.store import schema

VIEWS = {"copy_edges": schema._COPY_EDGES_VIEW, "site_pairs": schema._SITE_PAIRS_VIEW,
         "lineage": schema._LINEAGE_VIEW, "stories": schema._STORIES_VIEW,
         "daily_copying": schema._DAILY_COPYING_VIEW}

TABLES = (
    "CREATE TABLE documents (doc_id BIGINT, site VARCHAR, site_name VARCHAR, title VARCHAR, url VARCHAR,"
    " published_at TIMESTAMP, fetched_at TIMESTAMP, first_seen TIMESTAMP)",
    "CREATE TABLE edges (edge_id BIGINT, source_id BIGINT, copy_id BIGINT, relation VARCHAR, containment DOUBLE,"
    " copy_containment DOUBLE, jaccard DOUBLE, confidence DOUBLE, direction_confidence DOUBLE, credited BOOLEAN)",
    "CREATE TABLE diffs (edge_id BIGINT, op_no INTEGER, kind VARCHAR)",
    "CREATE TABLE copy_relations (relation VARCHAR)",
    "INSERT INTO copy_relations VALUES ('copy'), ('excerpt'), ('rewrite'), ('version')",
)


def _database() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for statement in TABLES:
        con.execute(statement)
    return con


def _time(con: duckdb.DuckDBPyConnection, view: str) -> None:
    start = time.perf_counter()
    (rows,) = con.execute(f"SELECT count(*) FROM {view}").fetchone()
    print(f"  {view:14} {rows:>9,} rows  {time.perf_counter() - start:6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--story", type=int, default=40)
    parser.add_argument("--chain", type=int, default=3000)
    args = parser.parse_args()

    con = _database()
    n, k = args.documents, args.story
    con.execute(f"INSERT INTO documents SELECT i, 'site' || (i % 500) || '.example', NULL, 't', 'u',"
                f" TIMESTAMP '2026-01-01' + to_minutes(i::INTEGER), NULL, now() FROM range({n}) t(i)")
    con.execute(f"INSERT INTO edges SELECT i, (i // {k}) * {k} + ((i % {k}) - 1) // 2, i, 'copy', 0.9, 0.9, 0.8,"
                f" 0.9, 0.9, i % 3 = 0 FROM range({n}) t(i) WHERE i % {k} <> 0")
    for statement in VIEWS.values():
        con.execute(statement)
    print(f"{n:,} documents in stories of {k}:")
    for view in VIEWS:
        _time(con, view)

    con = _database()
    m = args.chain
    con.execute(f"INSERT INTO documents SELECT i, 's.example', NULL, 't', 'u', TIMESTAMP '2026-01-01', NULL, now()"
                f" FROM range({m}) t(i)")
    con.execute(f"INSERT INTO edges SELECT i, {m} - i, {m} - i - 1, 'copy', 0.9, 0.9, 0.8, 0.9, 0.9, false"
                f" FROM range(1, {m}) t(i)")
    con.execute(VIEWS["copy_edges"])
    con.execute(VIEWS["stories"])
    print(f"one chain of {m:,} documents:")
    _time(con, "stories")


if __name__ == "__main__":
    main()
