"""Batch ingest: a batch decides exactly what storing its documents one by one decides, whatever
the batch size and wherever a copy and its source fall, in either order."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest

from provenance.ingest import ingest_items
from provenance.inputs import read_inputs
from provenance.settings import DEFAULT_SETTINGS
from provenance.store import Store

from textgen import article

START = datetime(2026, 5, 4, 8, tzinfo=UTC)


def _family_records() -> list[dict]:
    """Wire stories, a paper running each, an aggregator reposting the paper (credited) and a
    mirror reposting the aggregator (a chain four deep), a blog
    excerpting the wire, a second version of one paper page, and unrelated stories: chains,
    excerpts, versions and relinking all happen. Times make the lineage independent of order."""
    records = []
    for story in range(5):
        wire = article(500 + story, 5, 50)
        paras = wire.split("\n\n")
        t = START + timedelta(hours=6 * story)
        records.append({"url": f"https://wire.example/{story}", "site": "wire.example", "published": t.isoformat(),
                        "text": wire})
        paper = "\n\n".join(paras[:4] + ["(With inputs from Wire)"])
        records.append({"url": f"https://paper.example/{story}", "site": "paper.example",
                        "published": (t + timedelta(hours=1)).isoformat(), "text": paper})
        records.append({"url": f"https://agg.example/{story}", "site": "agg.example",
                        "published": (t + timedelta(hours=3)).isoformat(),
                        "text": "Follow us for more.\n\n" + "\n\n".join(paras[:3]) + "\n\nSource: paper.example"})
        records.append({"url": f"https://mirror.example/{story}", "site": "mirror.example",
                        "published": (t + timedelta(hours=5)).isoformat(),
                        "text": records[-1]["text"] + "\n\nVia agg.example"})
        records.append({"url": f"https://blog.example/{story}", "site": "blog.example",
                        "published": (t + timedelta(hours=2)).isoformat(),
                        "text": article(900 + story, 2, 40) + "\n\n" + paras[1] + "\n\n" + paras[2]})
        records.append({"url": f"https://other.example/{story}", "site": "other.example",
                        "published": t.isoformat(), "text": article(700 + story, 4, 50)})
    records.append({"url": "https://paper.example/2", "site": "paper.example",
                    "published": (START + timedelta(hours=15)).isoformat(),
                    "text": records[13]["text"] + "\n\nUpdated with a new paragraph of reporting here today."})
    for r in records:  # seen when published: no wall-clock time in any decision or reason
        r["fetched"] = r["published"]
    return records


def _ingest_rows(tmp_path, records, batch: int, name: str, *, batched: bool = True):
    path = tmp_path / f"{name}.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    settings = dataclasses.replace(DEFAULT_SETTINGS, commit_every_documents=batch, commit_every_seconds=600)
    with Store(tmp_path / f"{name}.duckdb") as store:
        report = ingest_items(store, read_inputs([str(path)], settings=settings), settings=settings,
                              batched=batched)
        assert not report.errors and report.added == len(records)
        _, edges = store.query(
            "SELECT s.url, c.url, e.relation, round(e.confidence, 6), e.credited, e.reasons,"
            " (SELECT list([p.source_start, p.source_end, p.copy_start, p.copy_end] ORDER BY p.passage_no)"
            "  FROM passages p WHERE p.edge_id = e.edge_id),"
            " (SELECT count(*) FROM diffs d WHERE d.edge_id = e.edge_id)"
            " FROM edges e JOIN documents s ON s.doc_id = e.source_id JOIN documents c ON c.doc_id = e.copy_id")
        _, furniture = store.query("SELECT d.url, f.start, f.\"end\", f.reason FROM furniture f JOIN documents d USING (doc_id)")
        assert all(n == 0 for _, n in store.integrity_problems())
    return sorted(map(repr, edges)), sorted(map(repr, furniture))


@pytest.mark.parametrize("order", ["sources first", "copies first"])
def test_every_batch_size_gives_the_lineage_of_one_document_at_a_time(tmp_path, order):
    records = _family_records()
    if order == "copies first":
        records = records[::-1]
    one_by_one = _ingest_rows(tmp_path, records, 1, "one", batched=False)
    edges, _ = one_by_one
    assert len(edges) >= 15  # chains, excerpts and the version are all there
    for size in (1, 4, 7, 1000):
        assert _ingest_rows(tmp_path, records, size, f"batch{size}") == one_by_one, size


@pytest.mark.parametrize("batch", [1, 2, 100])
@pytest.mark.parametrize("copy_first", [False, True])
def test_a_copy_and_its_source_are_linked_in_the_same_batch_or_across_batches(tmp_path, batch, copy_first):
    source = {"url": "https://paper.example/a", "site": "paper.example", "published": START.isoformat(),
              "text": article(11, 4, 50)}
    copy = {"url": "https://agg.example/a", "site": "agg.example",
            "published": (START + timedelta(hours=2)).isoformat(), "text": "Read more here.\n\n" + source["text"]}
    records = [copy, source] if copy_first else [source, copy]
    edges, _ = _ingest_rows(tmp_path, records, batch, "pair")
    assert len(edges) == 1
    source_url, copy_url, relation = eval(edges[0])[:3]  # noqa: S307 - our own repr of a row
    assert (source_url, copy_url, relation) == (source["url"], copy["url"], "copy")


@pytest.mark.shared
def test_batches_agree_with_one_at_a_time_on_the_repost_simulator(tmp_path):
    import simulator as S
    from conftest import shared_path

    stories = S.read_reuters(shared_path("reuters21578"), max_files=4)
    sim = S.simulate(None, n_sources=56, seed=21, stories=stories, n_independent=6, n_earnings=12, n_results=4)
    targets, _ = sim.write(tmp_path / "in", order="shuffled")

    def rows(batched: bool, size: int):
        settings = dataclasses.replace(DEFAULT_SETTINGS, commit_every_documents=size, commit_every_seconds=600)
        with Store(tmp_path / f"{batched}{size}.duckdb") as store:
            report = ingest_items(store, read_inputs(targets, settings=settings), settings=settings, batched=batched)
            assert not report.errors
            _, edges = store.query(
                "SELECT s.url, c.url, e.relation, round(e.confidence, 6), e.via_id IS NULL, e.reasons"
                " FROM edges e JOIN documents s ON s.doc_id = e.source_id JOIN documents c ON c.doc_id = e.copy_id")
            return sorted(map(repr, edges))

    reference = rows(False, 1000)
    assert len(reference) >= 50
    assert rows(True, 25) == reference


def test_a_rerun_extracts_nothing_and_adds_nothing(tmp_path):
    records = _family_records()
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as store:
        first = ingest_items(store, read_inputs([str(path)]))
        assert first.added == len(records)
        counts = store.counts()
        # a budget no extraction can meet: any input extracted again would be refused
        hurried = dataclasses.replace(DEFAULT_SETTINGS, document_seconds=0.0001)
        again = ingest_items(store, read_inputs([str(path)], settings=hurried), settings=hurried)
        assert (again.added, again.unchanged, again.errors) == (0, len(records), ())
        assert again.documents == first.documents
        assert store.counts() == counts


def test_readers_get_in_between_batches_while_an_ingest_writes(tmp_path):
    import subprocess
    import sys
    import time

    from conftest import ROOT

    records = [{"url": f"https://paper.example/{i}", "site": "paper.example", "text": article(3000 + i, 3, 40)}
               for i in range(240)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    Store(db).close()
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import dataclasses, sys\n"
         "from provenance.pipeline import ingest\nfrom provenance.settings import DEFAULT_SETTINGS\n"
         "from provenance.store import Store\n"
         "s = dataclasses.replace(DEFAULT_SETTINGS, commit_every_documents=10)\n"
         "with Store(sys.argv[1], settings=s, wait=60) as store:\n    ingest(store, [sys.argv[2]], settings=s)\n",
         str(db), str(path)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    seen = []
    try:
        while writer.poll() is None and len(seen) < 200:
            with Store(db, read_only=True, wait=30) as reader:  # waits for the writer, never fails
                seen.append(reader.counts()["documents"])
            time.sleep(0.05)
    finally:
        _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err
    assert seen == sorted(seen)  # whole batches appear, in order
    assert any(0 < n < len(records) for n in seen), seen  # read while the ingest was under way
    with Store(db, read_only=True) as reader:
        assert reader.counts()["documents"] == len(records)
