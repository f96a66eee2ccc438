"""Crash safety: an ingest killed with SIGKILL at random points leaves a store that passes every
integrity check, and rerunning it to completion gives the same rows as a run never interrupted.

A longer campaign: ``PROVENANCE_TEST_KILLS=12 PROVENANCE_TEST_KILL_SEED=N python -m pytest tests/test_crash.py``
for several N (each kill lands after a random number of stored documents, at a random moment)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from provenance.store import Store

from conftest import ROOT
from textgen import article

KILLS = int(os.environ.get("PROVENANCE_TEST_KILLS", "4"))
#: A run commits groups of 7 before it is killed: enough documents that the last kill still lands
#: before the end (a longer campaign needs a longer batch).
DOCUMENTS = max(160, 16 * KILLS)
SEED = int(os.environ.get("PROVENANCE_TEST_KILL_SEED", "12"))

#: The ingest run in a child process, committing in small groups so that kills land between and
#: inside commits.
INGEST = """
import dataclasses, sys
from provenance.pipeline import ingest
from provenance.settings import DEFAULT_SETTINGS
from provenance.store import Store
settings = dataclasses.replace(DEFAULT_SETTINGS, commit_every_documents=7, commit_every_seconds=0.5)
with Store(sys.argv[1], settings=settings) as store:
    ingest(store, [sys.argv[2]], settings=settings,
           progress=lambda event: [print("added", origin, flush=True) for origin in event.committed])
"""


def _batch(path) -> None:
    """Stories, with every third one copied later by an aggregator (furniture around, last
    paragraph cut): so the store gets edges, passages and diffs. Times are given, so the lineage
    does not depend on when a record was read."""
    start = datetime(2026, 3, 1, 6, tzinfo=UTC)
    records = []
    for i in range(DOCUMENTS):
        when = (start + timedelta(minutes=37 * i)).isoformat()
        if i % 3 == 2:
            source = records[i - 2]["text"].split("\n\n")
            text = "\n\n".join(["Follow us for more news."] + source[:-1] + ["Source: the daily paper"])
            records.append({"url": f"https://aggregator.example/{i}", "site": "aggregator.example",
                            "published": when, "fetched": when, "text": text})
        else:
            records.append({"url": f"https://paper.example/{i}", "site": "paper.example",
                            "published": when, "fetched": when, "text": article(900 + i, 4, 45)})
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def _run_ingest(db, batch, kill_at: tuple[int, float] | None = None) -> tuple[int, list[str]]:
    """Run the ingest in a child process (its own process group, workers included). With
    ``kill_at = (n, seconds)``: SIGKILL the whole group ``seconds`` after it reports its n-th added
    document (or when it ends first). Returns the exit code and the inputs it reported added."""
    proc = subprocess.Popen([sys.executable, "-c", INGEST, str(db), str(batch)], cwd=ROOT, text=True,
                            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if kill_at is None:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        return 0, [line.split()[1] for line in out.splitlines() if line.startswith("added ")]
    added, delay = [], kill_at[1]
    for line in proc.stdout:
        if line.startswith("added "):
            added.append(line.split()[1])
        if len(added) >= kill_at[0]:
            time.sleep(delay)
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return proc.returncode, added


def _rows(db):
    """Everything an ingest decides, without the wall-clock times it records."""
    with Store(db, read_only=True) as store:
        queries = {
            "documents": "SELECT doc_id, url, title, published_at, text, content_hash FROM documents",
            "bands": "SELECT doc_id, band, key FROM bands",
            "edges": "SELECT edge_id, source_id, copy_id, relation, round(confidence, 6), credited, via_id,"
                     " reasons FROM edges",
            "passages": "SELECT * FROM passages",
            "diffs": "SELECT * FROM diffs",
            "credits": "SELECT * FROM credits",
            "furniture": "SELECT * FROM furniture",
        }
        return {name: sorted(map(repr, store.query(sql)[1])) for name, sql in queries.items()}


def _integrity(db):
    with Store(db, read_only=True) as store:
        return {name: n for name, n in store.integrity_problems() if n}


def test_killed_ingests_leave_a_sound_store_and_a_rerun_ends_where_a_clean_run_does(tmp_path):
    batch = tmp_path / "batch.jsonl"
    _batch(batch)
    clean = tmp_path / "clean.duckdb"
    _run_ingest(clean, batch)
    expected = _rows(clean)
    assert len(expected["documents"]) == DOCUMENTS and expected["edges"] and expected["diffs"]

    killed = tmp_path / "killed.duckdb"
    rng = random.Random(SEED)
    stored_after_kills = []
    urls = [json.loads(line)["url"] for line in batch.read_text().splitlines()]
    for _ in range(KILLS):
        code, added = _run_ingest(killed, batch, kill_at=(rng.randint(3, max(4, DOCUMENTS // KILLS)),
                                                          rng.uniform(0, 0.05)))
        assert code == -signal.SIGKILL
        if killed.exists():
            assert _integrity(killed) == {}
            stored = _rows(killed)["documents"]
            stored_after_kills.append(len(stored))
            # what the ingest said it added before it was killed is kept
            reported = {urls[int(origin.rsplit(":", 1)[1]) - 1] for origin in added}
            assert all(any(repr(url) in row for row in stored) for url in reported)
    # each kill lost at most the open group, and the store grew between kills
    assert stored_after_kills == sorted(stored_after_kills) and 0 < stored_after_kills[-1] < DOCUMENTS, \
        stored_after_kills

    _run_ingest(killed, batch)
    assert _integrity(killed) == {}
    assert _rows(killed) == expected
