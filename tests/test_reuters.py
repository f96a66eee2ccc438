"""Reuters-21578 "CORRECTED - …" re-issues (issue 4, item 4; real data in ../shared): each correction
whose first issue is in the collection is linked to it, with the earlier story as upstream.

benchmarks/reuters.py derives the corrections and their first issues (no gold exists; the rules
and the hand review are in its docstring), ingests the corrections, their earlier issues and
1,000 seeded distractor stories in a shuffled order (ingest runs at ~15-30 short stories per
second, so the whole test takes ~60-90 s), and measures. ``python benchmarks/reuters.py --misses``
prints the full figures, the misses and the near-duplicate clusters.

A bar the current pipeline misses is marked ``xfail(strict=True)`` with the measured figure: the
bar is never lowered, and the mark must go when the pipeline meets it.
"""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT, shared_path

sys.path.insert(0, str(ROOT / "benchmarks"))
import reuters  # noqa: E402
import simulator as S  # noqa: E402,I001

#: Issue 4's bar.
MIN_LINKED_TO_FIRST_ISSUE = 0.90

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def stories():
    return S.read_reuters(shared_path("reuters21578"))


@pytest.fixture(scope="module")
def result(stories):
    r = reuters.run(shared_path("reuters21578"), stories=stories)
    print()
    for k, v in reuters.figures(r).items():
        print(f"{k}: {v}")
    return r


def test_corrections_and_their_first_issues_are_derived_as_reviewed(stories):
    ids, qualifying = reuters.derive_corrections(stories)
    by_id = {s.newid: s for s in stories}
    assert len(ids) == 40
    assert len(qualifying) == 34
    left_out = set(ids) - {c.newid for c in qualifying}
    assert left_out == {170, 505, 615, 4169, 6739, 7167}  # first issue absent (7167: see the benchmark)
    for c in qualifying:
        assert all(by_id[e].date < by_id[c.newid].date for e in c.earlier)
        assert list(c.earlier) == sorted(c.earlier, key=lambda n: by_id[n].date)
    first = {c.newid: c.first for c in qualifying}
    assert first[2249] == 2016 and first[8899] == 8457 and first[550] == 505 and first[6741] == 6154


def test_corrections_are_linked_to_their_first_issue_as_upstream(result):
    assert len(result.qualifying) == 34
    assert result.share_first >= MIN_LINKED_TO_FIRST_ISSUE, result.misses


def test_near_duplicate_clusters_are_counted(result):
    # every linked correction is in a cluster with its first issue; the count is reported
    assert result.clusters
    cluster_of = {n: i for i, c in enumerate(result.clusters) for n in c}
    for newid in result.linked_first:
        c = next(c for c in result.qualifying if c.newid == newid)
        rel = [e[2] for e in result.edges if {e[0], e[1]} == {c.first, newid}]
        if set(rel) & set(reuters.CLUSTER_RELATIONS):
            assert cluster_of[newid] == cluster_of[c.first]
    assert result.distinct_stories == result.stored - result.clustered_documents + len(result.clusters)
