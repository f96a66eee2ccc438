"""End to end over the bundled corpus: the lineage the corpus README describes, idempotent ingest,
bad inputs, and tracing documents that are not in the store."""

from __future__ import annotations

import dataclasses
import json

from provenance.errors import BudgetError, StoreError
from provenance.pipeline import ingest, open_store, trace
from provenance.settings import DEFAULT_SETTINGS
from provenance.store import Store

from conftest import CORPUS, ROOT

SEED = ROOT / "seeds" / "elrisala-pakistan-bangladesh.txt"


def _records():
    return [json.loads(line) for line in (CORPUS / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]


def _site_edges(store):
    _, rows = store.query(
        "SELECT s.site, c.site, e.relation FROM edges e JOIN documents s ON s.doc_id = e.source_id "
        "JOIN documents c ON c.doc_id = e.copy_id")
    return {(s, c, r) for s, c, r in rows}


def test_corpus_lineage_matches_the_corpus_readme(corpus_store):
    edges = _site_edges(corpus_store)
    # the copy chain: newspile ← callowcourier ← mpa-wire
    assert ("mpa-wire.example", "callowcourier.example", "copy") in edges
    assert ("callowcourier.example", "newspile.example", "copy") in edges
    # the excerpt is found by containment, from the wire
    assert ("mpa-wire.example", "shippingledger.example", "excerpt") in edges
    # the update is a version of the paper's article
    assert ("callowcourier.example", "callowcourier.example", "version") in edges
    # the independent report shares names and quotes only: never linked
    assert not any("harbourtimes.example" in (s, c) for s, c, _ in edges)
    # no direct link from the wire to the aggregator: it reached it through the paper
    assert not any(s == "mpa-wire.example" and c == "newspile.example" for s, c, _ in edges)


def test_trace_of_the_aggregator_file_names_the_chain_with_direction_and_diff(corpus_store):
    result = trace(corpus_store, str(CORPUS / "newspile-repost.html"))
    chain = [(h.source.article.site, h.copy.article.site, h.depth) for h in result.upstream]
    assert chain[:2] == [("callowcourier.example", "newspile.example", 1),
                         ("mpa-wire.example", "callowcourier.example", 2)]
    first = result.upstream[0].edge
    assert first.confidence >= 0.9 and first.credited
    kinds = {d.kind for d in first.diff if d.op == "insert"}
    assert {"furniture", "credit"} <= kinds
    inserted = " ".join(d.text for d in first.diff if d.op == "insert")
    assert "Source of information and images" in inserted and "For more: NewsPile Daily website" in inserted
    # the paper's last paragraph, which the aggregator dropped, shows as truncation
    assert any(d.kind == "truncation" and d.op == "delete" for d in first.diff)
    # the passage offsets point at the same words in both texts
    p = first.passages[0]
    src = result.upstream[0].source.article.text[p.source_start:p.source_end]
    cpy = result.upstream[0].copy.article.text[p.copy_start:p.copy_end]
    assert src.split()[:8] == cpy.split()[:8]


def test_trace_of_the_seed_reports_its_credit_furniture_and_no_upstream(corpus_store):
    result = trace(corpus_store, str(SEED))
    assert not result.upstream and not result.downstream
    hosts = {c.host for c in result.document.article.credits}
    assert "economictimes.indiatimes.com" in hosts
    furniture = " ".join(result.document.article.text[f.start:f.end] for f in result.document.article.furniture)
    for line in ("Related Articles", "Leave a Reply", "Subscribe now"):
        assert line in furniture


def test_ingesting_twice_changes_no_row_counts(corpus_store):
    before = corpus_store.counts()
    report = ingest(corpus_store, [str(CORPUS / "corpus.jsonl")])
    assert report.added == 0 and report.unchanged == 6 and not report.edges
    assert corpus_store.counts() == before


def test_bad_inputs_get_one_line_errors_and_the_rest_of_the_batch_is_kept(store, tmp_path):
    records = _records()
    lines = [json.dumps(records[0]), "{not json", json.dumps({"url": "https://x.example/no-text"}),
             json.dumps(records[1])]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    report = ingest(store, [str(batch), str(empty), str(binary), str(tmp_path / "missing.html")])
    assert report.added == 2
    assert len(report.errors) == 5
    for err in report.errors:
        assert "\n" not in str(err)
    origins = {e.origin for e in report.errors}
    assert f"{batch}:2" in origins and f"{batch}:3" in origins
    assert str(empty) in origins and str(binary) in origins
    assert len(report.edges) == 1  # the paper was linked to the wire inside the same batch


def test_trace_does_not_store_unless_asked(corpus_store, tmp_path):
    page = tmp_path / "rewrite.txt"
    wire = _records()[0]["text"]
    page.write_text("Local angle: the strike hit our town hard.\n\n" + wire + "\n\nSource: MPA", encoding="utf-8")
    before = corpus_store.counts()
    result = trace(corpus_store, str(page))
    assert [h.source.article.site for h in result.upstream if h.depth == 1] == ["mpa-wire.example"]
    assert corpus_store.counts() == before
    saved = trace(corpus_store, str(page), save=True)
    assert saved.stored_as is not None
    assert corpus_store.counts()["documents"] == before["documents"] + 1


def test_a_new_store_is_filled_with_the_bundled_corpus_only_when_asked(tmp_path):
    store, notes = open_store(tmp_path / "a.duckdb", load_bundled=True)
    with store:
        assert store.counts()["documents"] == 6 and notes
    store, notes = open_store(tmp_path / "b.duckdb")
    with store:
        assert store.counts()["documents"] == 0 and not notes


def test_ingest_order_does_not_link_the_independent_report(tmp_path):
    from provenance.store import Store
    reverse = tmp_path / "reverse.jsonl"
    reverse.write_text("\n".join(json.dumps(r) for r in reversed(_records())) + "\n", encoding="utf-8")
    with Store(tmp_path / "r.duckdb") as store:
        ingest(store, [str(reverse)])
        edges = _site_edges(store)
    assert ("mpa-wire.example", "callowcourier.example", "copy") in edges
    assert not any("harbourtimes.example" in (s, c) for s, c, _ in edges)


def _site_page(i, body_seed, footer):
    from textgen import article
    return {"url": f"https://daily.example/story-{i}", "site": "Daily Example",
            "text": article(body_seed, paragraphs=4) + "\n\n" + footer}


FOOTER = ("Brought to you by the Daily Example night desk in Port Callow and its small team of editors\n\n"
          "Our reporters work around the clock on the harbour beat for readers like you every day\n\n"
          "Tips and corrections are welcome at the front desk of the old customs house on Quay Street")


def test_site_furniture_is_learned_from_the_store_and_kept_out_of_matching(store, tmp_path):
    from provenance.pipeline import extract_input
    batch = tmp_path / "site.jsonl"
    batch.write_text("\n".join(json.dumps(_site_page(i, 500 + i, FOOTER)) for i in range(4)) + "\n",
                     encoding="utf-8")
    report = ingest(store, [str(batch)])
    assert report.added == 4
    # the first pages share a 50-word footer: before it is learned (three pages), it links them;
    # once three pages carry it, it is furniture, and a new page of the site is not linked by it
    assert {e.copy_id for e in report.edges} <= set(report.documents[1:3]) and report.edges
    page = tmp_path / "page.jsonl"
    page.write_text(json.dumps(_site_page(9, 600, FOOTER)) + "\n", encoding="utf-8")
    later = ingest(store, [str(page)])
    assert later.added == 1 and not later.edges
    article = extract_input(str(page), store=store)
    learned = [f for f in article.furniture if "recurs on" in f.reason]
    texts = {article.text[f.start:f.end] for f in learned}
    assert texts == set(FOOTER.split("\n\n"))
    assert all("Daily Example" in f.reason for f in learned)


def test_learned_furniture_does_not_change_a_documents_identity(store, tmp_path):
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps(_site_page(0, 700, FOOTER)) + "\n", encoding="utf-8")
    ingest(store, [str(first)])
    others = tmp_path / "others.jsonl"
    others.write_text("\n".join(json.dumps(_site_page(i, 700 + i, FOOTER)) for i in range(1, 4)) + "\n",
                      encoding="utf-8")
    ingest(store, [str(others)])
    again = ingest(store, [str(first)])  # the footer is now learned furniture
    assert again.added == 0 and again.unchanged == 1


def test_a_late_source_is_linked_to_a_copy_its_other_source_does_not_explain(store, tmp_path):
    from textgen import article
    p1, p2, p3, extra = (article(800 + i, paragraphs=2) for i in range(4))
    records = [
        {"url": "https://wire.example/w", "site": "Wire", "published": "2026-01-01T06:00:00+00:00",
         "text": p1 + "\n\n" + p3},
        {"url": "https://agg.example/a", "site": "Agg", "published": "2026-01-01T12:00:00+00:00",
         "text": p1 + "\n\n" + p2 + "\n\n" + extra},
        # arrives last but was published before the aggregator: the aggregator's p2 comes from it
        {"url": "https://paper.example/p", "site": "Paper", "published": "2026-01-01T08:00:00+00:00",
         "text": p1 + "\n\n" + p2},
    ]
    batch = tmp_path / "late.jsonl"
    batch.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    ingest(store, [str(batch)])
    edges = _site_edges(store)
    assert ("paper.example", "agg.example", "copy") in edges  # sites are hosts; "Paper" is the site_name
    assert ("wire.example", "paper.example", "excerpt") in edges or ("wire.example", "paper.example", "copy") in edges


def test_templated_data_lines_are_not_learned_as_furniture(store, tmp_path):
    # earnings briefs share their row labels but not their numbers: the rows are the content
    from provenance.pipeline import extract_input
    briefs = []
    for i in range(5):
        rows = "\n\n".join(f"{label} {1 + i}.{10 + k} dlrs vs {2 + k}.{20 + i} dlrs"
                           for k, label in enumerate(("Shr", "Net", "Revs", "Avg shrs", "Nine mths shr")))
        briefs.append({"url": f"https://wire.example/earn-{i}", "site": "Wire",
                       "text": f"Company {i} reported results for the quarter ended in March.\n\n" + rows +
                               "\n\nThe company said results included a one-time gain on the sale of a unit."})
    batch = tmp_path / "earn.jsonl"
    batch.write_text("\n".join(json.dumps(b) for b in briefs) + "\n", encoding="utf-8")
    ingest(store, [str(batch)])
    page = tmp_path / "earn5.jsonl"
    page.write_text(json.dumps(dict(briefs[0], url="https://wire.example/earn-new")) + "\n", encoding="utf-8")
    article = extract_input(str(page), store=store)
    learned = [article.text[f.start:f.end] for f in article.furniture if "recurs on" in f.reason]
    assert not any("dlrs" in line for line in learned)


#: Orders of the corpus checked by the next test (a seeded sample keeps it quick).
ORDERS_CHECKED = 20


def test_the_order_of_ingest_does_not_change_the_lineage(tmp_path):
    # A crawl meets copies before their sources as often as after: an aggregator's page found
    # before the paper it credits, an update before the first version. Whatever the order, the
    # lineage (copy, excerpt, rewrite and version edges) must be the one a chronological ingest
    # gives. (shares_source notes may differ: a text that shares a source with a page's first
    # version may or may not also be noted beside its update.)
    import itertools
    import random

    from provenance.store import Store

    records = _records()

    def lineage(order, name):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("".join(json.dumps(records[i]) + "\n" for i in order), encoding="utf-8")
        with Store(tmp_path / f"{name}.duckdb") as store:
            ingest(store, [str(path)])
            _, rows = store.query(
                "SELECT s.url, c.url, e.relation, s.title, c.title FROM edges e"
                " JOIN documents s ON s.doc_id = e.source_id JOIN documents c ON c.doc_id = e.copy_id"
                " WHERE e.relation <> 'shares_source'")
        return sorted(rows)

    chronological = lineage(range(len(records)), "chronological")
    orders = list(itertools.permutations(range(len(records))))
    for k, order in enumerate(random.Random(720).sample(orders, ORDERS_CHECKED) + [orders[-1]]):
        assert lineage(order, f"order{k}") == chronological, order


# --- one document's failure costs that document only ---------------------------------------------

def _write_batch(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=True) + "\n" for r in records), encoding="utf-8")


def _good_records(n):
    from textgen import article
    return [{"url": f"https://news.example/{i}", "text": article(7000 + i, 3, 40)} for i in range(n)]


class _StoreFailingOn(Store):
    """A store whose write of one URL fails after part of it is written, as a write DuckDB
    refuses halfway would (fault injection into the pipeline's collaborator)."""

    def __init__(self, path, failing_url):
        super().__init__(path)
        self.failing_url = failing_url

    def add_document(self, doc, fingerprint):
        written = super().add_document(doc, fingerprint)
        if doc.article.url == self.failing_url:
            raise StoreError("Constraint Error: simulated refusal after a partial write")
        return written

    def write_batch(self, documents, edges, removed_edge_ids, *, now):
        super().write_batch(documents, edges, removed_edge_ids, now=now)
        if any(doc.article.url == self.failing_url for doc, _ in documents):
            raise StoreError("Constraint Error: simulated refusal after a partial write")


def test_a_document_that_cannot_be_stored_is_refused_and_the_rest_of_its_group_kept(tmp_path):
    records = _good_records(30)
    batch = tmp_path / "batch.jsonl"
    _write_batch(batch, records)
    failing = records[17]["url"]
    with _StoreFailingOn(tmp_path / "s.duckdb", failing) as store:
        report = ingest(store, [str(batch)])
        assert report.added == 29 and len(report.errors) == 1
        (error,) = report.errors
        assert error.origin == f"{batch}:18" and error.stage == "store" and "simulated refusal" in error.reason
        _, rows = store.query("SELECT url FROM documents")
        assert {u for (u,) in rows} == {r["url"] for r in records} - {failing}  # no partial write left
        assert [(o, s) for o, s, _, _ in store.rejects()] == [(f"{batch}:18", "store")]
        assert all(n == 0 for _, n in store.integrity_problems())


def test_a_document_over_its_time_budget_is_refused_and_recorded_not_waited_for(tmp_path):
    batch = tmp_path / "batch.jsonl"
    _write_batch(batch, _good_records(3))
    hurried = dataclasses.replace(DEFAULT_SETTINGS, document_seconds=0.001)
    with Store(tmp_path / "s.duckdb") as store:
        report = ingest(store, [str(batch)], settings=hurried)
        assert report.added == 0 and len(report.errors) == 3, report
        assert {type(e) for e in report.errors} == {BudgetError}
        assert all("document_seconds" in e.reason for e in report.errors)
        assert {stage for _, stage, _, _ in store.rejects()} == {"budget"}
        # a rerun with the default budget stores them and forgets the refusals
        report = ingest(store, [str(batch)])
        assert report.added == 3 and not report.errors and store.rejects() == []


def test_one_bad_record_among_good_ones_costs_that_record_only(tmp_path):
    records = _good_records(40)
    batch = tmp_path / "batch.jsonl"
    lines = [json.dumps(r) for r in records]
    lines.insert(10, json.dumps({"url": "http://[::1", "text": records[0]["text"] + " Extra words here."}))
    lines.insert(20, '{"url": "https://x.example/s", "title": "\\ud800", "text": "'
                 + records[1]["text"].replace("\n", "\\n") + ' more \\ud800 text"}')
    lines.insert(30, '{"text": 12}')
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        report = ingest(store, [str(batch)])
        _, rows = store.query("SELECT url FROM documents")
        assert {r["url"] for r in records} <= {u for (u,) in rows}
        for error in report.errors:  # each error names its line
            assert error.origin.startswith(f"{batch}:")
        assert f"{batch}:31" in {e.origin for e in report.errors}
