"""``provenance sql`` (a query or a .sql file; table, CSV, JSON, Parquet), ``provenance export`` and
``provenance graph``, read back the way their users read them (pyarrow, networkx, csv, json)."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from provenance.cli import app
from provenance.store import Store
from provenance.store.schema import ANALYSIS_VIEWS



@pytest.fixture
def db(corpus_db):
    return corpus_db


def run(db, *args):
    return CliRunner().invoke(app, [*args, "--db", str(db)])


def stored(db, sql):
    with Store(db, read_only=True) as store:
        columns, rows = store.query(sql)
    return columns, rows


def test_sql_reads_a_sql_file_and_prints_csv_and_json(db, tmp_path):
    query = tmp_path / "pairs.sql"
    query.write_text("-- who copies whom\nSELECT source_site, copy_site, copies\nFROM site_pairs\n"
                     "ORDER BY source_site, copy_site\n", encoding="utf-8")
    _, expected = stored(db, query.read_text(encoding="utf-8"))
    as_csv = run(db, "sql", str(query), "--csv")
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["source_site", "copy_site", "copies"]
    assert [tuple(r[:2]) + (int(r[2]),) for r in rows[1:]] == expected
    as_json = json.loads(run(db, "sql", str(query), "--json").stdout)
    assert [(r["source_site"], r["copy_site"], r["copies"]) for r in as_json] == expected
    missing = run(db, "sql", str(tmp_path / "nope.sql"))
    assert missing.exit_code == 2 and "nope.sql" in missing.stderr and "Traceback" not in missing.output
    both = run(db, "sql", "SELECT 1", "--csv", "--json")
    assert both.exit_code == 2 and "choose one output" in both.stderr


def test_sql_writes_parquet_with_the_rows_the_query_returns(db, tmp_path):
    out = tmp_path / "edges.parquet"
    sql = "SELECT edge_id, relation, credited, lag, source_site FROM copy_edges ORDER BY edge_id"
    result = run(db, "sql", sql, "--parquet", str(out))
    assert result.exit_code == 0, result.output
    _, expected = stored(db, sql)
    table = pq.read_table(out)
    assert table.column_names == ["edge_id", "relation", "credited", "lag", "source_site"]
    assert table.column("edge_id").to_pylist() == [r[0] for r in expected]  # 64-bit ids kept exactly
    assert table.column("relation").to_pylist() == [r[1] for r in expected]
    assert table.column("lag").to_pylist() == [r[3].total_seconds() for r in expected]  # INTERVAL → seconds
    assert f"wrote {len(expected)} rows" in result.stdout


@pytest.mark.parametrize("sql", ["DELETE FROM documents", "COPY documents TO 'stolen.parquet'",
                                 "SELECT * FROM read_csv('/etc/passwd')", "SELECT * FROM read_text('/etc/hostname')"])
def test_sql_to_parquet_stays_read_only_and_sandboxed(db, tmp_path, sql, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "x.parquet"
    result = run(db, "sql", sql, "--parquet", str(out))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert not out.exists() and not (tmp_path / "stolen.parquet").exists()
    assert list(tmp_path.iterdir()) == []  # not even a half-written temporary file
    assert stored(db, "SELECT count(*) FROM documents")[1] == [(6,)]


def test_sql_to_parquet_failures_are_one_line_errors(db, tmp_path):
    unwritable = run(db, "sql", "FROM stories", "--parquet", str(tmp_path / "missing-dir" / "x.parquet"))
    assert unwritable.exit_code == 2 and "missing-dir" in unwritable.stderr and "cannot write Parquet" in unwritable.stderr
    failing = run(db, "sql", "SELECT CAST(site AS INTEGER) FROM documents", "--parquet", str(tmp_path / "y.parquet"))
    assert failing.exit_code == 2 and "query failed: Conversion Error" in failing.stderr
    for result in (unwritable, failing):
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
    assert run(db, "sql", "FROM stories", "--parquet", str(tmp_path / "z.parquet")).exit_code == 0  # store still usable


def test_export_writes_every_table_and_view_with_all_its_rows(db, tmp_path):
    out = tmp_path / "export"
    result = run(db, "export", str(out), "--json")
    assert result.exit_code == 0, result.output
    files = {f["name"]: f for f in json.loads(result.stdout)["files"]}
    _, relations = stored(db, "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()"
                              " WHERE NOT internal")
    assert set(files) == {name for (name,) in relations} and set(ANALYSIS_VIEWS) <= set(files)
    assert {"documents", "edges", "diffs", "passages"} <= set(files)
    for name, entry in files.items():
        (count,), = stored(db, f'SELECT count(*) FROM "{name}"')[1]
        table = pq.read_table(out / f"{name}.parquet")
        assert table.num_rows == entry["rows"] == count, name
    _, edge_ids = stored(db, "SELECT edge_id FROM edges ORDER BY edge_id")
    assert sorted(pq.read_table(out / "edges.parquet").column("edge_id").to_pylist()) == [e for (e,) in edge_ids]
    stories = pq.read_table(out / "stories.parquet").to_pylist()
    assert len(stories) == 1 and len(stories[0]["doc_ids"]) == 5


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_graph_writes_the_site_network(db, tmp_path, suffix):
    out = tmp_path / f"sites{suffix}"
    result = run(db, "graph", "--out", str(out))
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(out) if suffix == ".graphml" else nx.read_gexf(out)
    _, sites = stored(db, "SELECT DISTINCT site FROM documents")
    assert set(graph.nodes) == {s for (s,) in sites}
    # corpus README: the paper copies the wire and credits it; the blog excerpts it without credit
    paper = graph.edges["mpa-wire.example", "callowcourier.example"]
    assert paper["copies"] == 1 and paper["credited_share"] == 1.0
    assert graph.edges["mpa-wire.example", "shippingledger.example"]["credited_share"] == 0.0
    assert not graph.has_edge("callowcourier.example", "mpa-wire.example")  # directed: source → copy
    assert graph.nodes["harbourtimes.example"]["documents"] == 1


def test_graph_writes_the_document_lineage_graph(db, tmp_path):
    out = tmp_path / "docs.graphml"
    result = run(db, "graph", "--out", str(out), "--documents", "--json")
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(out)
    _, edges = stored(db, "SELECT source_id, copy_id, relation, credited FROM edges"
                          " WHERE relation IN (SELECT relation FROM copy_relations)")
    assert {(str(s), str(c)) for s, c, _, _ in edges} == set(graph.edges)
    for s, c, relation, credited in edges:
        assert graph.edges[str(s), str(c)]["relation"] == relation
        assert graph.edges[str(s), str(c)]["credited"] == credited
    assert all(graph.nodes[n]["doc_id"] == n and graph.nodes[n]["site"] for n in graph.nodes)
    assert len({graph.nodes[n]["story_id"] for n in graph.nodes}) == 1
    bad = run(db, "graph", "--out", str(tmp_path / "docs.png"))
    assert bad.exit_code == 2 and ".graphml or .gexf" in bad.stderr and not (tmp_path / "docs.png").exists()
