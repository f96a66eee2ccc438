"""BatchView answers every read of linking as the store itself would after the same writes."""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import timedelta

from provenance.batch import BatchView
from provenance.ingest import ingest_items
from provenance.inputs import read_inputs
from provenance.models import edge_id_for
from provenance.prepare import prepare_document
from provenance.store import Store
from provenance.store.bulk import CandidateRule
from provenance.store.convert import utc_now

from test_ingest import START, _family_records


def _stored(tmp_path, records):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "base.duckdb"
    with Store(db) as store:
        assert not ingest_items(store, read_inputs([str(path)])).errors
    return db


def _answers(store, ids, urls):
    out = {}
    for doc_id in sorted(ids):
        out[("up", doc_id)] = [(e.edge_id, e.relation, e.passages) for e in store.upstream_edges(doc_id)]
        out[("down", doc_id)] = [(e.edge_id, e.relation, e.passages) for e in store.downstream_edges(doc_id)]
        out[("lineage", doc_id)] = store.lineage_pairs([doc_id], depth=8)
        out[("lineage2", doc_id)] = store.lineage_pairs([doc_id], depth=2)
    out["all lineage"] = store.lineage_pairs(sorted(ids), depth=8)
    out["docs"] = {i: (d.article, d.first_seen, d.content_hash) for i, d in store.get_documents(ids).items()}
    for url in urls:
        out[("url", url)] = [d.doc_id for d in store.find_by_url(url)]
    return out


def test_the_view_reads_what_the_store_reads_after_the_same_writes(tmp_path):
    records = _family_records()
    db = _stored(tmp_path, records[:-8])
    twin = tmp_path / "twin.duckdb"
    shutil.copy(db, twin)
    new_raw = [r for r in read_inputs([str(tmp_path / "in.jsonl")])][-2:]  # two stored ones, re-read
    extra = dataclasses.replace(new_raw[0], url="https://late.example/x", origin="late",
                                published=START + timedelta(days=3))
    prepared = prepare_document(extra)
    doc, fp = prepared.document, prepared.fingerprint

    with Store(db) as store, Store(twin) as base:
        view = BatchView(base, depth=8, now=utc_now())
        view.prefetch([(doc, fp)], CandidateRule(limit=50, min_hits=2))
        ids = [i for (i,) in store.query("SELECT doc_id FROM documents")[1]]
        upstream = store.upstream_edges(ids[3]) + store.downstream_edges(ids[3])
        removed = [e.edge_id for e in upstream[:1]]
        added = [dataclasses.replace(upstream[0], relation="excerpt", passages=upstream[0].passages[:1], diff=())] \
            if upstream else []
        new_edge = dataclasses.replace(upstream[0], source_id=ids[3], copy_id=doc.doc_id, diff=()) if upstream else None
        for target in (store, view):
            target.add_document(doc, fp)
            target.remove_edges(removed)
            target.add_edges(added + ([new_edge] if new_edge else []))
        urls = [r["url"] for r in records[:8]] + ["https://late.example/x", "http://www.late.example/x/"]
        every = ids + [doc.doc_id]
        expected, got = _answers(store, every, urls), _answers(view, every, urls)
        for key in expected:
            if key == "docs":
                assert got[key].keys() == expected[key].keys()
                for i in expected[key]:
                    assert got[key][i] == expected[key][i], i
            else:
                assert got[key] == expected[key], key
        assert view.has_document(doc.doc_id) and store.has_document(doc.doc_id)
        assert edge_id_for(ids[3], doc.doc_id) in {e.edge_id for e in view.downstream_edges(ids[3])}

