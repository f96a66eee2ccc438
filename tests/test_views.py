"""The analysis views (migration 13, docs/views.md): on the bundled corpus, whose lineage its README
describes, and on small hand-built graphs whose answers are worked out here by hand."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta, timezone

import pytest

from provenance.models import LINEAGE_RELATIONS, Article, DiffOp, Edge, Fingerprint, StoredDocument, document_id
from provenance.store import Store
from provenance.store.schema import ANALYSIS_VIEWS

T0 = datetime(2026, 3, 14, 6, 0, tzinfo=timezone.utc)


def _doc(store: Store, name: str, site: str, at: datetime | None, *, site_name: str | None = None) -> int:
    url = f"https://{site}/{name}"
    article = Article(url=url, text=f"Story {name}. " * 20, format="text", title=f"Story {name}", site=site,
                      site_name=site_name, published_at=at)
    doc = StoredDocument(document_id(url, name), article, name, at)
    store.add_document(doc, Fingerprint(name, 40, 38, bytes(16), ((0, len(name) * 7919 + ord(name[-1])),)))
    return doc.doc_id


def _edge(source: int, copy: int, relation: str = "copy", *, credited: bool = False, containment: float = 0.9,
          diff_kinds: tuple[str, ...] = ()) -> Edge:
    diff = tuple(DiffOp("insert", 0, 0, 0, 1, "x", kind) for kind in diff_kinds)
    return Edge(source, copy, relation, 0.8, containment, 0.8, 0.9, ("test",), credited, diff=diff)


def _rows(store: Store, sql: str) -> list[dict]:
    columns, rows = store.query(sql)
    return [dict(zip(columns, row)) for row in rows]


def test_every_view_exists_and_copy_relations_is_the_lineage_rule(store):
    names = {r["name"] for r in _rows(store, "SELECT view_name AS name FROM duckdb_views() WHERE NOT internal")}
    assert set(ANALYSIS_VIEWS) <= names
    assert {r["relation"] for r in _rows(store, "FROM copy_relations")} == set(LINEAGE_RELATIONS)


def test_views_on_the_bundled_corpus(corpus_store):
    edges = _rows(corpus_store, "FROM copy_edges")
    # corpus README: two copies (wire → paper → aggregator), one excerpt (wire → blog), one version
    assert sorted((e["source_site"], e["copy_site"], e["relation"]) for e in edges) == [
        ("callowcourier.example", "callowcourier.example", "version"),
        ("callowcourier.example", "newspile.example", "copy"),
        ("mpa-wire.example", "callowcourier.example", "copy"),
        ("mpa-wire.example", "shippingledger.example", "excerpt")]
    paper = next(e for e in edges if e["copy_site"] == "callowcourier.example" and e["relation"] == "copy")
    # corpus.jsonl: the wire published at 06:05, the paper at 07:40; the paper credits the wire
    assert paper["lag"] == timedelta(hours=1, minutes=35) and paper["lag_seconds"] == 5700
    assert paper["credited"] and paper["editorial_ops"] >= 1 and paper["changed"]
    aggregator = next(e for e in edges if e["copy_site"] == "newspile.example")
    # the aggregator gives a date without a time (2026-03-14): it counts as fetched, 11:00
    assert aggregator["lag"] == timedelta(hours=3, minutes=20)

    chain = _rows(corpus_store, "SELECT a.site, l.depth FROM lineage l JOIN documents d ON d.doc_id = l.doc_id"
                                " JOIN documents a ON a.doc_id = l.ancestor_id"
                                " WHERE d.site = 'newspile.example' ORDER BY l.depth")
    assert [(r["site"], r["depth"]) for r in chain] == [("callowcourier.example", 1), ("mpa-wire.example", 2)]

    (story,) = _rows(corpus_store, "FROM stories")  # the independent report shares no text: not in it
    assert story["documents"] == 5 and story["first_site"] == "mpa-wire.example"
    assert story["site_list"] == ["callowcourier.example", "mpa-wire.example", "newspile.example",
                                  "shippingledger.example"]
    assert story["time_span"] == timedelta(hours=9, minutes=25)  # 06:05 wire → 15:30 blog

    daily = {r["site"]: r for r in _rows(corpus_store, "FROM daily_copying WHERE day = DATE '2026-03-14'")}
    assert (daily["callowcourier.example"]["documents"], daily["callowcourier.example"]["copies"],
            daily["callowcourier.example"]["credited_copies"]) == (2, 2, 1)  # its copy and its version
    assert (daily["harbourtimes.example"]["documents"], daily["harbourtimes.example"]["copies"]) == (1, 0)


def test_site_pairs_aggregates_lags_credit_containment_and_changes(store):
    wire = [_doc(store, f"w{i}", "wire.example", T0 + timedelta(days=i)) for i in range(3)]
    lags = [1, 2, 10]
    copies = [_doc(store, f"p{i}", "paper.example", T0 + timedelta(days=i, hours=h), site_name="The Paper")
              for i, h in enumerate(lags)]
    store.add_edges([
        _edge(wire[0], copies[0], credited=True, containment=0.5, diff_kinds=("credit", "furniture")),
        _edge(wire[1], copies[1], credited=True, containment=0.7, diff_kinds=("editorial",)),
        _edge(wire[2], copies[2], "excerpt", containment=0.9, diff_kinds=("truncation",)),
        _edge(copies[0], wire[1], "shares_source"),  # not copy-like: left out
    ])
    (pair,) = _rows(store, "FROM site_pairs")
    assert (pair["source_site"], pair["copy_site"], pair["edges"], pair["copies"]) == (
        "wire.example", "paper.example", 3, 3)
    assert pair["credited_share"] == pytest.approx(2 / 3)
    assert pair["median_lag_hours"] == pytest.approx(statistics.median(lags))
    assert pair["p90_lag_hours"] == pytest.approx(2 + 0.8 * (10 - 2))  # linear between the 2nd and 3rd
    assert pair["mean_containment"] == pytest.approx(0.7)
    assert pair["changed_share"] == pytest.approx(2 / 3)  # credit and furniture lines alone are no change
    (named,) = _rows(store, "SELECT DISTINCT copy_site_name FROM copy_edges")
    assert named["copy_site_name"] == "The Paper"


def test_stories_are_connected_components_however_long_the_chain(store):
    chain = [_doc(store, f"c{i}", f"s{i}.example", T0 + timedelta(hours=i)) for i in range(8)]
    pair = [_doc(store, f"q{i}", "other.example", T0 + timedelta(days=1, hours=i)) for i in range(2)]
    lone = _doc(store, "lone", "alone.example", T0)
    # a path, its edges pointing either way, so a label must travel up to seven hops
    store.add_edges([_edge(a, b) if i % 2 else _edge(b, a, "excerpt") for i, (a, b) in enumerate(zip(chain, chain[1:]))]
                    + [_edge(pair[0], pair[1], "rewrite"), _edge(chain[0], lone, "shares_source")])
    stories = {frozenset(r["doc_ids"]): r for r in _rows(store, "FROM stories")}
    assert set(stories) == {frozenset(chain), frozenset(pair)}
    story = stories[frozenset(chain)]
    assert story["story_id"] == min(chain) and story["documents"] == 8 and story["sites"] == 8
    assert story["first_doc_id"] == chain[0] and story["doc_ids"] == chain  # in time order
    assert story["time_span"] == timedelta(hours=7)


def test_lineage_follows_every_path_upstream_and_stops_at_a_cycle(store):
    a, b, c, d = (_doc(store, n, f"{n}.example", T0 + timedelta(hours=i)) for i, n in enumerate("abcd"))
    store.add_edges([_edge(a, b), _edge(b, c), _edge(a, c, "excerpt"), _edge(c, d, "version")])
    rows = _rows(store, f"SELECT ancestor_id, depth, via_id FROM lineage WHERE doc_id = {d} ORDER BY depth, ancestor_id")
    assert sorted((r["ancestor_id"], r["depth"]) for r in rows) == sorted([(c, 1), (a, 2), (b, 2), (a, 3)])
    assert {r["via_id"] for r in rows if r["depth"] == 1} == {d}
    # a cycle (e copies g copies f copies e) ends: no path visits a document twice
    e, f, g = (_doc(store, n, f"{n}.example", T0) for n in "efg")
    store.add_edges([_edge(e, f), _edge(f, g), _edge(g, e)])
    rows = _rows(store, f"SELECT doc_id, depth FROM lineage WHERE doc_id IN ({e}, {f}, {g})")
    assert sorted(r["depth"] for r in rows) == [1, 1, 1, 2, 2, 2]


def test_min_confidence_leaves_weak_links_out_of_the_views_not_the_tables(store):
    from dataclasses import replace
    a, b, c = (_doc(store, n, f"{n}.example", T0 + timedelta(hours=i)) for i, n in enumerate("abc"))
    store.add_edges([_edge(a, b), replace(_edge(b, c, "rewrite"), confidence=0.4)])
    assert len(_rows(store, "FROM copy_edges")) == 2 and len(_rows(store, f"FROM lineage WHERE doc_id = {c}")) == 2
    store.set_min_confidence(0.5)
    assert [(r["source_id"], r["copy_id"]) for r in _rows(store, "FROM copy_edges")] == [(a, b)]
    assert not _rows(store, f"FROM lineage WHERE doc_id = {c}")
    assert [sorted(r["doc_ids"]) for r in _rows(store, "FROM stories")] == [sorted([a, b])]
    assert len(_rows(store, "FROM edges")) == 2  # the tables keep every link
    (nodes, edges) = store.site_network()
    assert [(e["source_site"], e["copy_site"]) for e in edges] == [("a.example", "b.example")]
