"""Tests of the DuckDB lineage store (provenance.store).

Every expectation is built by hand here (articles, fingerprints, edges, expected counts), never
read back from the store and compared with itself.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from provenance import store as store_module
from provenance.errors import NotFoundError, QueryError, StoreError
from provenance.models import (
    Article,
    Credit,
    DiffOp,
    Edge,
    Fingerprint,
    Furniture,
    Passage,
    StoredDocument,
    document_id,
    edge_id_for,
)
from provenance.settings import Settings
from provenance.store import MIGRATIONS, Migration, Store
from provenance.store.bulk import CandidateRule

IST = timezone(timedelta(hours=5, minutes=30))
UTC = timezone.utc


def make_doc(
    n: int,
    keys: tuple[tuple[int, int], ...] = (),
    *,
    url: str | None = None,
    canonical_url: str | None = None,
    first_seen: datetime | None = None,
    credits: tuple[Credit, ...] = (),
    furniture: tuple[Furniture, ...] = (),
) -> tuple[StoredDocument, Fingerprint]:
    """A small hand-built document number ``n`` and its fingerprint with ``keys``."""
    url = url or f"https://site{n}.example/news/{n}"
    content_hash = f"hash-{n}"
    article = Article(
        url=url,
        text=f"Story number {n}. " * 20,
        format="html",
        title=f"Story {n}",
        canonical_url=canonical_url,
        site=f"site{n}.example",
        credits=credits,
        furniture=furniture,
    )
    doc = StoredDocument(document_id(url, content_hash), article, content_hash, first_seen)
    fingerprint = Fingerprint(content_hash, 60, 56, bytes(range(16)), keys)
    return doc, fingerprint


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "lineage.duckdb") as s:
        yield s


# --- documents ------------------------------------------------------------------------------


def test_document_round_trip_keeps_credits_furniture_authors_and_utc_times(store):
    text = "Source: Reuters\n\nSHARE THIS\n\nThe minister said on Monday that prices would rise."
    credits = (
        Credit("Source: Reuters", "Reuters", "reuters.com", "source_line", 0, 15),
        Credit("https://wire.example/a", "Wire", "wire.example", "canonical", -1, -1),
    )
    furniture = (Furniture(17, 27, "share widget"),)
    article = Article(
        url="https://paper.example/a/1",
        text=text,
        format="html",
        title="Prices to rise",
        canonical_url="https://wire.example/a",
        site="paper.example",
        published_at=datetime(2024, 3, 1, 12, 0, tzinfo=IST),
        authors=("Asha Rao", "Ben Li"),
        credits=credits,
        furniture=furniture,
        fetched_at=datetime(2024, 3, 2, 8, 15, tzinfo=UTC),
    )
    doc = StoredDocument(
        document_id(article.url, "h1"), article, "h1", datetime(2024, 3, 1, 20, 0, tzinfo=IST)
    )
    assert store.add_document(doc, Fingerprint("h1", 12, 8, b"\x01\x02", ((0, 11), (1, 22))))

    got = store.get_document(doc.doc_id)
    # Times come back aware, in UTC: 12:00 at +05:30 is 06:30 UTC.
    assert got.article.published_at == datetime(2024, 3, 1, 6, 30, tzinfo=UTC)
    assert got.article.published_at.utcoffset() == timedelta(0)
    assert got.first_seen == datetime(2024, 3, 1, 14, 30, tzinfo=UTC)
    assert got.first_seen.tzinfo is not None and got.first_seen.utcoffset() == timedelta(0)
    assert got.article.fetched_at == datetime(2024, 3, 2, 8, 15, tzinfo=UTC)
    assert got.article.authors == ("Asha Rao", "Ben Li")
    assert got.article.credits == credits
    assert got.article.furniture == furniture
    assert got.article == article
    assert got.content_hash == "h1"
    # Stored as naive UTC for SQL users.
    _, rows = store.query(
        "SELECT published_at, authors, substr(text, start + 1, \"end\" - start) "
        "FROM documents JOIN credits USING (doc_id) WHERE kind = 'source_line'"
    )
    assert rows == [(datetime(2024, 3, 1, 6, 30), ["Asha Rao", "Ben Li"], "Source: Reuters")]


def test_first_seen_defaults_to_now(store):
    doc, fp = make_doc(1, ((0, 1),))
    before = datetime.now(UTC)
    store.add_document(doc, fp)
    after = datetime.now(UTC)
    first_seen = store.get_document(doc.doc_id).first_seen
    assert before - timedelta(seconds=1) <= first_seen <= after + timedelta(seconds=1)


def test_add_document_is_idempotent(store):
    keys = ((0, 100), (1, 200), (1, 200), (2, 300))  # one duplicate pair
    furniture = (Furniture(0, 5, "nav"),)
    credits = (Credit("(PTI)", "PTI", None, "wire", 6, 11), Credit("via X", "X", None, "via", 12, 17))
    doc, fp = make_doc(1, keys, credits=credits, furniture=furniture)
    expected = {"documents": 1, "bands": 3, "edges": 0, "passages": 0, "diffs": 0,
                "credits": 2, "furniture": 1, "site_lines": 0, "rejects": 0, "inputs": 0,
                "frontier": 0, "fetches": 0, "raw_pages": 0, "crawl_runs": 0}

    assert store.add_document(doc, fp) is True
    assert store.counts() == expected
    assert store.add_document(doc, fp) is False
    assert store.counts() == expected
    changed = dataclasses.replace(doc, article=dataclasses.replace(doc.article, title="Other"))
    assert store.add_document(changed, fp) is False
    assert store.get_document(doc.doc_id).article.title == "Story 1"


def test_lookups_by_id_hash_and_url(store):
    old, fp_old = make_doc(1, url="https://a.example/x",
                           first_seen=datetime(2024, 1, 1, tzinfo=UTC))
    new, fp_new = make_doc(2, url="https://b.example/y", canonical_url="https://a.example/x",
                           first_seen=datetime(2023, 1, 1, tzinfo=UTC))
    other, fp_other = make_doc(3)
    for doc, fp in ((old, fp_old), (new, fp_new), (other, fp_other)):
        store.add_document(doc, fp)

    assert store.has_document(old.doc_id)
    assert not store.has_document(12345)
    assert store.find_by_content_hash("hash-2") == [new.doc_id]
    assert store.find_by_content_hash("nope") == []
    # url or canonical_url matches; the older first_seen comes first
    assert [d.doc_id for d in store.find_by_url("https://a.example/x")] == [new.doc_id, old.doc_id]
    assert store.find_by_url("https://nowhere.example/") == []
    assert store.all_document_ids() == sorted([old.doc_id, new.doc_id, other.doc_id])
    got = store.get_documents([old.doc_id, other.doc_id, 999])
    assert set(got) == {old.doc_id, other.doc_id}
    assert got[other.doc_id].article == other.article
    with pytest.raises(NotFoundError):
        store.get_document(999)


# --- candidates -----------------------------------------------------------------------------


def test_find_candidates_ranks_excludes_and_filters(store):
    a, fp_a = make_doc(1, ((0, 10), (1, 11), (2, 12), (3, 13)))
    b, fp_b = make_doc(2, ((0, 10), (5, 99)))
    c, fp_c = make_doc(3, ((1, 11), (2, 12), (3, 13)))
    d, fp_d = make_doc(4, ((7, 70), (8, 80)))
    for doc, fp in ((a, fp_a), (b, fp_b), (c, fp_c), (d, fp_d)):
        store.add_document(doc, fp)
    query = ((0, 10), (1, 11), (2, 12), (3, 13), (4, 14))

    assert store.find_candidates(query) == [(a.doc_id, 4), (c.doc_id, 3), (b.doc_id, 1)]
    assert store.find_candidates(query, exclude={a.doc_id}) == [(c.doc_id, 3), (b.doc_id, 1)]
    assert store.find_candidates(query, CandidateRule(min_hits=2)) == [(a.doc_id, 4), (c.doc_id, 3)]
    assert store.find_candidates(query, CandidateRule(limit=1), exclude=[a.doc_id]) == [(c.doc_id, 3)]
    assert store.find_candidates(((0, 999),)) == []
    assert store.find_candidates(()) == []


def test_phrase_keys_make_a_candidate_only_in_numbers_and_batches_choose_as_one_query_does(store):
    import numpy as np

    from provenance.fingerprint import PASSAGE_BAND, PHRASE_BAND

    two_phrases, fp2 = make_doc(1, ((PHRASE_BAND, 1), (PHRASE_BAND, 2)))
    three_phrases, fp3 = make_doc(2, ((PHRASE_BAND, 1), (PHRASE_BAND, 2), (PHRASE_BAND, 3)))
    passages, fpp = make_doc(3, ((PASSAGE_BAND, 7), (0, 8), (PHRASE_BAND, 1)))
    mixed, fpm = make_doc(4, ((PASSAGE_BAND, 7), (PHRASE_BAND, 2)))
    for doc, fp in ((two_phrases, fp2), (three_phrases, fp3), (passages, fpp), (mixed, fpm)):
        store.add_document(doc, fp)
    query = ((PHRASE_BAND, 1), (PHRASE_BAND, 2), (PHRASE_BAND, 3), (PASSAGE_BAND, 7), (0, 8))
    found = store.find_candidates(query, CandidateRule(min_hits=2, min_phrase_hits=3))
    assert found == sorted([(passages.doc_id, 3), (three_phrases.doc_id, 3)])  # equal hits: by id
    # without a phrase threshold, phrases alone never make a candidate
    assert store.find_candidates(query, CandidateRule(min_hits=2)) == [(passages.doc_id, 3)]
    queries = [query, ((PHRASE_BAND, 1), (PHRASE_BAND, 2)), ((PASSAGE_BAND, 7),), ()]
    keys = [np.array(sorted({k & (2**64 - 1) for _, k in q}), dtype=np.uint64) for q in queries]
    bands = [np.array([dict((k & (2**64 - 1), b) for b, k in q)[key] for key in ks.tolist()], dtype=np.int64)
             for q, ks in zip(queries, keys)]
    for limit in (1, 50):
        rule = CandidateRule(limit=limit, min_hits=1, min_phrase_hits=3)
        batched, _ = store.batch_candidates(keys, bands, rule)
        assert batched == [store.find_candidates(q, rule) for q in queries]


def test_common_keys_do_not_count_unless_many_are_shared(store):
    from provenance.fingerprint import PASSAGE_BAND

    boiler = tuple((PASSAGE_BAND, 100 + k) for k in range(3))  # stock phrases on every page
    pages = [make_doc(n, boiler + ((PASSAGE_BAND, 1000 * n + 1), (PASSAGE_BAND, 1000 * n + 2)))
             for n in range(1, 8)]
    for doc, fp in pages:
        store.add_document(doc, fp)
    rule = CandidateRule(min_hits=2, rare_documents=5, min_shared=4)
    # a new page with the stock phrases only: held by 7 documents, they are common
    assert store.find_candidates(boiler, rule) == []
    assert {d for d, _ in store.find_candidates(boiler, CandidateRule(min_hits=2))} == {d.doc_id for d, _ in pages}
    # sharing two uncommon keys, or many keys of any kind, still makes a candidate
    own = ((PASSAGE_BAND, 3001), (PASSAGE_BAND, 3002))
    assert store.find_candidates(boiler + own, rule) == [(pages[2][0].doc_id, 5)]
    assert store.find_candidates(boiler + own[:1], rule) == [(pages[2][0].doc_id, 4)]
    # keys held by more than max_documents are not counted at all, not even towards min_shared
    capped = CandidateRule(min_hits=2, rare_documents=5, min_shared=4, max_documents=6)
    assert store.find_candidates(boiler + own, capped) == [(pages[2][0].doc_id, 2)]
    assert store.find_candidates(boiler + own[:1], capped) == []
    at_limit = store.find_candidates(boiler + own[:1], CandidateRule(min_hits=1, max_documents=7))  # 7 is not over 7
    assert at_limit[0] == (pages[2][0].doc_id, 4) and len(at_limit) == 7


def test_find_candidates_breaks_ties_by_doc_id_and_handles_64_bit_keys(store):
    big = 2**64 - 5
    docs = [make_doc(n, ((0, big), (1, 7))) for n in range(1, 4)]
    for doc, fp in docs:
        store.add_document(doc, fp)
    expected = sorted(doc.doc_id for doc, _ in docs)
    assert store.find_candidates(((0, big), (1, 7))) == [(i, 2) for i in expected]
    # A signed view of the same 64 bits finds the same key.
    assert store.find_candidates(((0, big - 2**64),)) == [(i, 1) for i in expected]


# --- edges ----------------------------------------------------------------------------------


def make_edge(source: int, copy: int, *, relation: str = "copy", n_passages: int = 2,
              n_diffs: int = 3, confidence: float = 0.9) -> Edge:
    passages = tuple(Passage(10 * i, 10 * i + 8, 20 * i, 20 * i + 8, 8) for i in range(n_passages))
    diff = tuple(
        DiffOp("replace", i, i + 1, i, i + 2, f"new{i}", "editorial", f"old{i}")
        for i in range(n_diffs)
    )
    return Edge(source, copy, relation, 0.75, 0.9, 0.6, confidence, ("published earlier",
                "credits the source"), True, passages, diff, None)


def test_edges_upsert_replaces_passages_and_diffs(store):
    first = make_edge(1, 2, n_passages=2, n_diffs=3)
    store.add_edges([first])
    assert store.counts()["edges"] == 1
    assert (store.counts()["passages"], store.counts()["diffs"]) == (2, 3)

    # The same pair, other direction: same edge_id, so it replaces the first edge entirely.
    second = dataclasses.replace(make_edge(2, 1, relation="excerpt", n_passages=1, n_diffs=1),
                                 via_id=7, credited=False)
    assert second.edge_id == first.edge_id
    store.add_edges([second])
    counts = store.counts()
    assert (counts["edges"], counts["passages"], counts["diffs"]) == (1, 1, 1)
    assert store.downstream_edges(2) == [second]
    assert store.upstream_edges(1) == [second]
    assert store.downstream_edges(1) == []
    _, rows = store.query("SELECT edge_id, relation, via_id, credited FROM edges")
    assert rows == [(edge_id_for(1, 2), "excerpt", 7, False)]


def test_upstream_and_downstream_edges_load_passages_and_diffs_in_order(store):
    a_to_b = make_edge(1, 2, n_passages=3, n_diffs=4, confidence=0.7)
    a_to_c = make_edge(1, 3, n_passages=0, n_diffs=0, confidence=0.95)
    d_to_b = make_edge(4, 2, relation="rewrite", n_passages=1, n_diffs=2, confidence=0.99)
    store.add_edges([a_to_b, a_to_c, d_to_b])

    assert store.upstream_edges(2) == [d_to_b, a_to_b]  # most confident first
    assert store.downstream_edges(1) == [a_to_c, a_to_b]
    assert store.upstream_edges(1) == []
    assert store.downstream_edges(3) == []
    assert store.upstream_edges(2)[1].passages == a_to_b.passages
    assert [op.text for op in store.upstream_edges(2)[1].diff] == ["new0", "new1", "new2", "new3"]


def test_many_rows_round_trip_through_the_bulk_insert_path(store):
    # More rows than SMALL_INSERT_MAX_ROWS take the unnest path; mix empty and non-empty lists
    # and NULL and non-NULL values in one batch.
    n = store_module.SMALL_INSERT_MAX_ROWS + 5
    edges = [
        dataclasses.replace(make_edge(100, 200 + i, n_passages=i % 3, n_diffs=i % 4),
                            reasons=() if i % 2 else ("credits the source",),
                            via_id=None if i % 3 else 999)
        for i in range(n)
    ]
    store.add_edges(edges)
    assert set(store.downstream_edges(100)) == set(edges)
    furniture = tuple(Furniture(i, i + 1, f"line {i}") for i in range(n))
    credits = tuple(Credit(f"via {i}", f"O{i}", None if i % 2 else f"o{i}.example", "via", i, i + 1)
                    for i in range(n))
    doc, fp = make_doc(1, tuple((i % 16, 1000 + i) for i in range(n)),
                       credits=credits, furniture=furniture)
    store.add_document(doc, fp)
    got = store.get_document(doc.doc_id).article
    assert (got.furniture, got.credits) == (furniture, credits)
    assert store.counts()["bands"] == n


# --- transactions ---------------------------------------------------------------------------


def test_transaction_rollback_leaves_no_partial_rows(store):
    doc, fp = make_doc(1, ((0, 1), (1, 2)), credits=(Credit("via X", "X", None, "via", 0, 5),))
    with pytest.raises(RuntimeError, match="boom"):
        with store.transaction():
            assert store.add_document(doc, fp)
            store.add_edges([make_edge(doc.doc_id, 2)])
            assert store.has_document(doc.doc_id)  # visible inside the transaction
            raise RuntimeError("boom")
    assert store.counts() == dict.fromkeys(store_module.COUNTED_TABLES, 0)
    assert not store.has_document(doc.doc_id)
    # The store is usable afterwards and commits normally.
    with store.transaction():
        store.add_document(doc, fp)
    assert store.counts()["documents"] == 1


def test_a_failed_nested_block_rolls_back_the_outer_transaction(store):
    first, fp_first = make_doc(1, ((0, 1),))
    second, fp_second = make_doc(2, ((0, 2),))
    with pytest.raises(StoreError, match="nested block failed"):
        with store.transaction():
            store.add_document(first, fp_first)
            try:
                with store.transaction():
                    store.add_document(second, fp_second)
                    raise ValueError("caught by the caller")
            except ValueError:
                pass
    assert store.counts() == dict.fromkeys(store_module.COUNTED_TABLES, 0)
    assert store.add_document(first, fp_first)  # the store works afterwards


# --- user queries ---------------------------------------------------------------------------


def test_query_runs_read_queries_with_params(store):
    for n in (1, 2, 3):
        store.add_document(*make_doc(n))
    columns, rows = store.query(
        "WITH t AS (SELECT title FROM documents WHERE title <> ?) SELECT title FROM t ORDER BY 1",
        ["Story 2"],
    )
    assert columns == ["title"]
    assert rows == [("Story 1",), ("Story 3",)]
    columns, rows = store.query("SELECT count(*) AS n FROM documents")
    assert (columns, rows) == (["n"], [(3,)])
    _, rows = store.query("DESCRIBE documents")
    assert rows[0][:2] == ("doc_id", "BIGINT")
    _, rows = store.query("EXPLAIN SELECT * FROM edges")
    assert rows


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO meta VALUES ('x', 'y')",
        "DROP TABLE documents",
        "DELETE FROM documents",
        "UPDATE documents SET title = 'x'",
        "CREATE TABLE t (x INTEGER)",
        "WITH gone AS (DELETE FROM documents RETURNING doc_id) SELECT count(*) FROM gone",
        "EXPLAIN ANALYZE DELETE FROM documents",
        "SELECT 1; DELETE FROM documents",
        "COPY documents TO 'out.csv'",
        "ATTACH 'other.duckdb' AS other",
        "PRAGMA table_info('documents')",
        "SET threads = 1",
        "CHECKPOINT",
    ],
)
def test_query_refuses_writes(store, sql):
    store.add_document(*make_doc(1))
    with pytest.raises(QueryError):
        store.query(sql)
    assert store.counts()["documents"] == 1
    assert store.query("SELECT title FROM documents")[1] == [("Story 1",)]


def test_query_errors_become_query_errors(store):
    with pytest.raises(QueryError, match=r"^Parser Error"):
        store.query("SELEC * FROM documents")
    with pytest.raises(QueryError, match=r"^Catalog Error") as info:
        store.query("SELECT * FROM no_such_table")
    assert "\n" not in str(info.value)
    with pytest.raises(QueryError):
        store.query("")


def test_read_only_store_queries_and_refuses_writes(tmp_path):
    path = tmp_path / "s.duckdb"
    doc, fp = make_doc(1, ((0, 5),))
    with Store(path) as s:
        s.add_document(doc, fp)
    with Store(path, read_only=True) as ro:
        assert ro.query("SELECT title FROM documents") == (["title"], [("Story 1",)])
        assert ro.get_document(doc.doc_id).article == doc.article
        with pytest.raises(QueryError):
            ro.query("DELETE FROM documents")
        with pytest.raises(StoreError):
            ro.add_document(*make_doc(2))
    with Store(path) as s:
        assert s.counts()["documents"] == 1


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('{secret}', header=false)",
        "SELECT * FROM read_csv_auto('{secret}')",
        "SELECT * FROM read_text('{secret}')",
        "SELECT * FROM read_blob('{secret}')",
        "SELECT * FROM read_json_auto('{secret}')",
        "SELECT * FROM read_parquet('{secret}')",
        "SELECT * FROM sniff_csv('{secret}')",
        "SELECT * FROM '{secret}'",
        "SELECT * FROM glob('{folder}/*')",
        "SELECT * FROM read_text('http://127.0.0.1:9/x')",
        "SELECT * FROM read_csv('https://example.com/x.csv')",
        "SELECT * FROM query('SELECT * FROM read_csv(''{secret}'')')",
        "SELECT current_setting('enable_external_access') AND false FROM read_text('{secret}')",
    ],
)
def test_query_sees_the_store_only_no_files_network_or_extensions(tmp_path, sql):
    secret = tmp_path / "secret.csv"
    secret.write_text("name,password\nroot,hunter2\n")
    path = tmp_path / "s.duckdb"
    with Store(path) as s:
        s.add_document(*make_doc(1))
    for read_only in (True, False):
        with Store(path, read_only=read_only) as s:
            with pytest.raises(QueryError) as info:
                s.query(sql.format(secret=secret, folder=tmp_path))
            assert "hunter2" not in str(info.value)


def test_the_sandbox_cannot_be_lifted_from_inside(store):
    for sql in ("SET enable_external_access = true", "RESET enable_external_access",
                "SELECT * FROM duckdb_settings() WHERE name = 'x'; SET lock_configuration = false"):
        with pytest.raises(QueryError):
            store.query(sql)
    _, rows = store.query("SELECT current_setting('enable_external_access'), current_setting('lock_configuration')")
    assert rows == [(False, True)]
    # the store's own work still runs: bulk inserts go through registered numpy arrays
    store.add_document(*make_doc(1, ((0, 1), (1, 2))))
    assert store.counts()["bands"] == 2


def _hold_store(path, ready, release):
    """In another process: open the store for writing and keep it until told to let go."""
    with Store(path):
        ready.set()
        release.wait(60)


def test_a_store_held_by_another_process_is_busy_not_broken(tmp_path):
    import multiprocessing

    from provenance.errors import StoreBusyError

    path = tmp_path / "s.duckdb"
    Store(path).close()
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_store, args=(path, ready, release))
    holder.start()
    try:
        assert ready.wait(60)
        for read_only in (True, False):
            with pytest.raises(StoreBusyError) as info:
                Store(path, read_only=read_only)
            message = str(info.value)
            assert "busy" in message and str(holder.pid) in message and "\n" not in message
    finally:
        release.set()
        holder.join(60)
    Store(path, read_only=True).close()  # free again


def test_rejects_are_kept_with_stage_and_reason_and_counted_again_not_duplicated(store):
    from provenance.errors import BudgetError, ExtractionError, InputError

    errors = [InputError("a.html", "empty file"), ExtractionError("b.jsonl:3", "no article text"),
              BudgetError("c.html", "refused: extraction took over 5 s")]
    with store.transaction():
        store.record_rejects(errors)
    with store.transaction():
        store.record_rejects(errors[:1])
    assert sorted(store.rejects()) == [("a.html", "read", "empty file", 2),
                                       ("b.jsonl:3", "extract", "no article text", 1),
                                       ("c.html", "budget", "refused: extraction took over 5 s", 1)]
    store.clear_rejects(["a.html"])
    assert {origin for origin, *_ in store.rejects()} == {"b.jsonl:3", "c.html"}


def _sound_store(path):
    first, second = make_doc(1, ((0, 1),)), make_doc(2, ((0, 2),))
    with Store(path) as s:
        s.add_document(*first)
        s.add_document(*second)
        s.add_edges([make_edge(first[0].doc_id, second[0].doc_id)])
        assert [n for _, n in s.integrity_problems()] == [0] * (len(store_module.INTEGRITY_CHECKS) + 1)
    return first[0].doc_id


@pytest.mark.parametrize("damage, broken", [
    ("DELETE FROM documents WHERE doc_id = {first}",
     {"edges join stored documents, never a document to itself",
      "credits, furniture and band keys belong to stored documents"}),
    ("UPDATE passages SET copy_end = 100000", {"passages lie inside both texts"}),
    ("DELETE FROM edges", {"passages and diffs belong to stored edges"}),
    ("DELETE FROM bands WHERE doc_id = {first}", {"every stored document has band keys",
                                                   "the key index holds every band key"}),
    ("UPDATE edges SET confidence = 1.5", {"edges have a known relation and a confidence in [0, 1]"}),
    ("DELETE FROM meta", {"the fingerprint settings are recorded", "the key index holds every band key"}),
])
def test_integrity_checks_hold_on_a_sound_store_and_name_what_breaks(tmp_path, damage, broken):
    import duckdb

    path = tmp_path / "s.duckdb"
    first = _sound_store(path)
    con = duckdb.connect(str(path))  # damage it behind the store's back
    con.execute(damage.format(first=first))
    con.close()
    with Store(path, read_only=True) as s:
        assert {name for name, n in s.integrity_problems() if n} == broken


# --- opening, settings, migrations ----------------------------------------------------------


def test_read_only_on_a_missing_file_is_a_store_error(tmp_path):
    path = tmp_path / "missing.duckdb"
    with pytest.raises(StoreError, match="no store at"):
        Store(path, read_only=True)
    assert not path.exists()


@pytest.mark.parametrize("content", [b"", b"this is not a database\n" * 400])
def test_a_non_duckdb_file_is_a_store_error(tmp_path, content):
    path = tmp_path / "junk.duckdb"
    path.write_bytes(content)
    with pytest.raises(StoreError) as info:
        Store(path)
    assert "\n" not in str(info.value)


def test_reopening_with_other_fingerprint_settings_is_refused(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    Store(path).close()  # same settings: fine
    with pytest.raises(StoreError, match="different fingerprint settings: .*num_perm"):
        Store(path, settings=Settings(num_perm=64))
    with pytest.raises(StoreError, match="different fingerprint settings"):
        Store(path, read_only=True, settings=Settings(shingle_words=7))
    # A setting outside the fingerprint does not matter.
    Store(path, settings=Settings(max_candidates=5)).close()


def test_migrations_are_recorded_and_applied_once(tmp_path, monkeypatch):
    path = tmp_path / "s.duckdb"
    versions = [m.version for m in MIGRATIONS]
    assert versions == list(range(1, len(MIGRATIONS) + 1))  # numbered in order, none skipped
    with Store(path) as s:
        assert s.schema_versions() == versions
        _, rows = s.query("SELECT version, description FROM schema_version ORDER BY version")
        assert rows == [(m.version, m.description) for m in MIGRATIONS]
        s.add_document(*make_doc(1))

    nxt = versions[-1] + 1
    upgraded = MIGRATIONS + (
        Migration(nxt, "test: an extra table", ("CREATE TABLE extra (x INTEGER)",)),
    )
    monkeypatch.setattr(store_module.schema, "MIGRATIONS", upgraded)
    with Store(path) as s:
        assert s.schema_versions() == versions + [nxt]
        assert s.query("SELECT count(*) FROM extra")[1] == [(0,)]
        assert s.counts()["documents"] == 1  # migration kept the data
    with Store(path) as s:  # nothing left to apply: reopening does not fail
        assert s.schema_versions() == versions + [nxt]

    monkeypatch.setattr(store_module.schema, "MIGRATIONS", MIGRATIONS)
    with pytest.raises(StoreError, match=f"schema version {nxt}, newer"):
        Store(path)
    with pytest.raises(StoreError, match="newer"):
        Store(path, read_only=True)


def test_failed_migration_rolls_back(tmp_path, monkeypatch):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    versions = [m.version for m in MIGRATIONS]
    broken = MIGRATIONS + (
        Migration(versions[-1] + 1, "test: broken", ("CREATE TABLE half (x INTEGER)", "NOT SQL AT ALL")),
    )
    monkeypatch.setattr(store_module.schema, "MIGRATIONS", broken)
    with pytest.raises(StoreError):
        Store(path)
    monkeypatch.setattr(store_module.schema, "MIGRATIONS", MIGRATIONS)
    with Store(path) as s:
        assert s.schema_versions() == versions
        assert s.query("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'half'")[1] == [(0,)]


def test_a_store_from_an_older_schema_is_migrated_in_place(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    monkeypatch.setattr(store_module.schema, "MIGRATIONS", MIGRATIONS[:1])
    Store(path).close()
    monkeypatch.setattr(store_module.schema, "MIGRATIONS", MIGRATIONS)
    with Store(path) as s:
        assert s.schema_versions() == [m.version for m in MIGRATIONS]
        s.add_document(*make_doc(1, url="https://www.site.example/story/"))
        assert s.counts()["documents"] == 1 and s.counts()["site_lines"] == 0


@pytest.mark.parametrize("spelling", ["https://www.site.example/story/", "http://site.example/story",
                                      "https://site.example/story#comments", "HTTPS://Site.example/story/"])
def test_find_by_url_ignores_scheme_www_trailing_slash_and_fragment(store, spelling):
    doc, fp = make_doc(1, url="https://site.example/story")
    store.add_document(doc, fp)
    store.add_document(*make_doc(2, url="https://site.example/other-story"))
    assert [d.doc_id for d in store.find_by_url(spelling)] == [doc.doc_id]


def test_recurring_lines_count_distinct_pages_of_one_site(store):
    def doc(i, url, site, sigs):
        d, fp = make_doc(i, url=url)
        d = dataclasses.replace(d, article=dataclasses.replace(d.article, site=site))
        return d, dataclasses.replace(fp, line_signatures=sigs)

    store.add_document(*doc(1, "https://g.example/1", "G", (7, 8)))
    store.add_document(*doc(2, "https://g.example/2", "G", (7, 9)))
    store.add_document(*doc(3, "https://g.example/2", "G", (7, 9)))  # the same page again
    store.add_document(*doc(4, "https://h.example/1", "H", (7,)))
    assert store.recurring_lines("G", 2) == {7: 2}
    assert store.recurring_lines("G", 3) == {}
    assert store.recurring_lines("H", 1) == {7: 1}


def test_closed_store_raises_store_error(tmp_path):
    s = Store(tmp_path / "s.duckdb")
    assert s.database_path == tmp_path / "s.duckdb"
    s.close()
    s.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        s.counts()


def test_edges_keep_their_direction_confidence_and_older_stores_gain_it(tmp_path, monkeypatch):
    path = tmp_path / "s.duckdb"
    edge = dataclasses.replace(make_edge(1, 2, relation="rewrite", confidence=0.56), direction_confidence=0.8)
    with Store(path) as s:
        s.add_edges([edge])
        assert s.upstream_edges(2) == [edge]

    # A store written before migration 4, when an edge's confidence was its direction's.
    older = tmp_path / "old.duckdb"
    monkeypatch.setattr(store_module.schema, "MIGRATIONS", MIGRATIONS[:3])
    with Store(older) as s:
        s._connection().execute(
            "INSERT INTO edges (edge_id, source_id, copy_id, relation, jaccard, containment, copy_containment,"
            " confidence, reasons, credited) VALUES (?, 1, 2, 'copy', 0.9, 0.9, 0.9, 0.83, ['x'], true)",
            [edge.edge_id])
    monkeypatch.setattr(store_module.schema, "MIGRATIONS", MIGRATIONS)
    with Store(older) as s:
        (upgraded,) = s.upstream_edges(2)
        assert (upgraded.confidence, upgraded.direction_confidence) == (0.83, 0.83)


def test_page_keys_are_the_one_rule_of_provenance_pages_and_older_stores_are_rekeyed(tmp_path, monkeypatch):
    from provenance.pages import page_key

    path = tmp_path / "s.duckdb"
    doc, fp = make_doc(1, url="https://www.site1.example/News/Story-1/",
                       canonical_url="https://site1.example/News/Story-1")
    monkeypatch.setattr(store_module.schema, "MIGRATIONS", MIGRATIONS[:5])  # before migration 6
    with Store(path):
        pass
    import duckdb

    con = duckdb.connect(str(path))  # a document as a schema-5 store held it, keyed by its SQL macro
    con.execute("INSERT INTO documents (doc_id, url, canonical_url, text, content_hash, first_seen, ingested_at)"
                " VALUES (?, ?, ?, ?, ?, now(), now())",
                [doc.doc_id, doc.article.url, doc.article.canonical_url, doc.article.text, doc.content_hash])
    con.execute("INSERT INTO bands VALUES (?, 0, 1)", [doc.doc_id])
    con.execute("UPDATE documents SET url_key = page_key(url), canonical_key = page_key(canonical_url)")
    assert con.execute("SELECT url_key FROM documents").fetchall() == [("site1.example/news/story-1",)]
    con.close()
    monkeypatch.setattr(store_module.schema, "MIGRATIONS", MIGRATIONS)
    with Store(path) as s:
        _, rows = s.query("SELECT url_key, canonical_key, page_key('HTTP://Site1.example/News/Story-1#x')"
                          " FROM documents")
        assert rows == [(page_key(doc.article.url), page_key(doc.article.canonical_url), "site1.example/News/Story-1")]
        assert rows[0][0] == "site1.example/News/Story-1"
        assert [d.doc_id for d in s.find_by_url("http://site1.example/News/Story-1")] == [doc.doc_id]
        assert s.find_by_url("http://site1.example/news/story-1") == []


def test_the_key_index_answers_as_the_bands_table_and_is_rebuilt_when_it_lags(tmp_path, monkeypatch):
    import shutil

    from provenance.store import keyindex

    monkeypatch.setattr(keyindex, "MERGE_AT_SEGMENTS", 2)  # merge early, so merging is tested too
    path = tmp_path / "s.duckdb"
    docs = [make_doc(n, tuple((band, 1000 * (n % 4) + band) for band in range(5)) + ((9, 50_000 + n),))
            for n in range(1, 13)]
    with Store(path) as s:
        for doc, fp in docs[:6]:
            s.add_document(doc, fp)  # a commit each: several segments, merged
        with s.transaction():  # one commit for several documents
            for doc, fp in docs[6:]:
                s.add_document(doc, fp)
            # keys written in the open transaction are searched too
            assert {d for d, _ in s.find_candidates(docs[-1][1].band_keys, CandidateRule(min_hits=1))} >= {docs[-1][0].doc_id}
        assert len(list(s.key_index_path.glob("*.keys.npy"))) <= 3
        query = tuple((band, 1000 + band) for band in range(5))
        expected = s.find_candidates(query, CandidateRule(min_hits=2))
        assert expected and all(n == 5 for _, n in expected)
        assert [n for _, n in s.integrity_problems()][-1] == 0
    index = path.with_name(path.name + ".keys")
    shutil.rmtree(index)  # as if a crash came between a commit and the index write
    with Store(path, read_only=True) as ro:  # a reader cannot rebuild it: it asks the table
        assert ro.find_candidates(query, CandidateRule(min_hits=2)) == expected
    with Store(path) as s:  # a writer rebuilds it from the bands table
        assert index.exists() and s.find_candidates(query, CandidateRule(min_hits=2)) == expected
        assert [n for _, n in s.integrity_problems()][-1] == 0


def test_the_page_offset_round_trips_through_both_writes(tmp_path):
    import dataclasses

    when = datetime(2024, 3, 4, 20, 0, tzinfo=timezone.utc)
    one, fp_one = make_doc(1, ((0, 1),))
    two, fp_two = make_doc(2, ((0, 2),))
    one = dataclasses.replace(one, article=dataclasses.replace(one.article, published_at=when, published_offset=330))
    two = dataclasses.replace(two, article=dataclasses.replace(two.article, published_at=when, published_offset=-300))
    with Store(tmp_path / "s.duckdb") as s:
        s.add_document(one, fp_one)
        s.write_batch([(two, fp_two)], [], [], now=datetime(2026, 11, 30))
        got = s.get_documents([one.doc_id, two.doc_id])
        assert got[one.doc_id].article.published_local.isoformat() == "2024-03-05T01:30:00+05:30"
        assert got[two.doc_id].article.published_offset == -300
        assert s.query("SELECT (published_at + to_minutes(published_offset))::DATE::VARCHAR FROM documents"
                       " ORDER BY published_offset")[1] == [("2024-03-04",), ("2024-03-05",)]


def test_migration_12_makes_site_the_host_and_keeps_the_display_name_apart(tmp_path, monkeypatch):
    """Stored rows from before: site held a display name, a host or a declared host in any case."""
    path = tmp_path / "old.duckdb"
    monkeypatch.setattr(store_module.schema, "MIGRATIONS", MIGRATIONS[:11])
    old_rows = [  # (doc_id, url, canonical_url, site as stored before) → (site, site_name) after
        ((1, "https://www.oilnews.example/a", None, "Oil News Daily"), ("oilnews.example", "Oil News Daily")),
        ((2, "https://oilnews.example/b", None, "oilnews.example"), ("oilnews.example", None)),
        ((3, "file:///saved/c.html", "https://WWW.Wire.example/c", "Wire.example"), ("wire.example", None)),
        ((4, "file:///saved/d.html", None, "Port News"), (None, "Port News")),
        ((5, "file:///saved/e.html", None, "WWW.Paper.example"), ("paper.example", None)),
        ((6, "stdin:abc", None, None), (None, None)),
    ]
    with Store(path) as s:
        for (doc_id, url, canonical, site), _ in old_rows:
            s._run("INSERT INTO documents (doc_id, url, canonical_url, site, text, content_hash, first_seen,"
                   " ingested_at) VALUES (?, ?, ?, ?, 'text', 'h', now(), now())", [doc_id, url, canonical, site])
        s._run("INSERT INTO site_lines VALUES ('Oil News Daily', 'https://www.oilnews.example/a', 7),"
               " ('Port News', 'file:///saved/d.html', 8)")
    monkeypatch.setattr(store_module.schema, "MIGRATIONS", MIGRATIONS)
    with Store(path) as s:
        _, rows = s.query("SELECT doc_id, site, site_name FROM documents ORDER BY doc_id")
        assert rows == [(row[0], *after) for row, after in old_rows]
        assert sorted(s.query("SELECT site, line_hash FROM site_lines")[1]) == [("Port News", 8),
                                                                               ("oilnews.example", 7)]
        assert s.get_documents([1])[1].article.site_name == "Oil News Daily"
        assert s.query("SELECT count(*) FROM copy_edges")[1] == [(0,)]  # migration 13's views over old rows
