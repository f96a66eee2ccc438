"""PAN-13 text alignment gold (real data in ../shared): tracing each suspicious document finds its
gold source documents, and the reported passages lie on the gold passages."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT, shared_path

sys.path.insert(0, str(ROOT / "benchmarks"))
import pan13  # noqa: E402

#: Issue 2's bar: at least 95 % of the 500 gold (susp, src) pairs found as upstream sources.
MIN_PAIR_RECALL = 0.95
#: Reported passages must cover most gold passage characters in both documents. (Some gold
#: offsets in this copy of the data are shifted by up to ~100 characters in the suspicious
#: documents, so full coverage is not reachable there.)
MIN_SRC_COVERAGE = 0.90
MIN_SUSP_COVERAGE = 0.80
#: Issue 4's bar: PAN's plagdet over the 500 gold pairs.
MIN_PLAGDET = 0.95
#: Measured against the stated offsets (benchmarks/pan13.py); reporting exactly the re-anchored
#: cases scores 0.933 against them, so this copy's offsets cap any text-based detector below the bar.
MEASURED_STATED_PLAGDET = 0.924


@pytest.fixture(scope="module")
def result():
    return pan13.run(shared_path("pan13-verbatim"))


@pytest.mark.shared
def test_pan13_gold_sources_are_found_with_their_passages(result):
    print(f"PAN-13: recall {result.recall:.3f} ({result.found_pairs}/{result.gold_pairs}), "
          f"passage coverage susp {result.susp_coverage:.3f} src {result.src_coverage:.3f}")
    assert result.gold_pairs == 500
    assert result.recall >= MIN_PAIR_RECALL
    assert result.src_coverage >= MIN_SRC_COVERAGE
    assert result.susp_coverage >= MIN_SUSP_COVERAGE


@pytest.mark.shared
def test_plagdet_against_the_gold_cases_where_their_words_are(result):
    print(f"PAN-13 plagdet (re-anchored gold): {result.anchored_plagdet:.3f} "
          f"P {result.anchored_char_precision:.3f} R {result.anchored_char_recall:.3f} "
          f"granularity {result.anchored_granularity:.3f}")
    assert result.anchored_plagdet >= MIN_PLAGDET


@pytest.mark.shared
@pytest.mark.xfail(strict=True, reason=f"measured {MEASURED_STATED_PLAGDET}: the stated offsets are off the words "
                                       "(re-anchored cases themselves score 0.933 against them)")
def test_plagdet_against_the_stated_gold_offsets(result):
    print(f"PAN-13 plagdet (stated offsets): {result.plagdet:.3f}; "
          f"re-anchored cases against them: {result.anchored_cases_plagdet:.3f}")
    assert result.plagdet >= MIN_PLAGDET


@pytest.mark.shared
def test_the_stated_offsets_are_what_caps_the_stated_plagdet(result):
    # Reporting exactly where each gold case's words are cannot reach the bar against the stated
    # offsets; if this ever fails, the data was fixed and the stated figure is the one to meet.
    assert result.anchored_cases_plagdet < MIN_PLAGDET
    assert result.plagdet <= result.anchored_cases_plagdet + 0.01


def test_anchored_gold_moves_cases_onto_their_words(tmp_path):
    # A corpus whose offsets count an original with one more character per line before the
    # passage than this copy has: the cases must land on the copied words.
    words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november".split()
    passage = " ".join(words * 3)
    src_text = "Opening line of the source.\nSecond line.\n" + passage + "\nClosing remarks of the source."
    susp_text = "A different host text starts here and goes on for a while.\n" + passage + "\nThe end."
    (tmp_path / "src").mkdir()
    (tmp_path / "susp").mkdir()
    (tmp_path / "src" / "s.txt").write_text(src_text)
    (tmp_path / "susp" / "t.txt").write_text(susp_text)
    src_at, susp_at = src_text.index(passage), susp_text.index(passage)
    gold = {("t.txt", "s.txt"): [(susp_at + 9, len(passage), src_at - 5, len(passage))]}
    moved = pan13.anchored_gold(tmp_path, gold)
    assert moved == {("t.txt", "s.txt"): [(susp_at, len(passage), src_at, len(passage))]}


# --- every document in one store (issue 10, item 1) -----------------------------------------------

#: Issue 10's bars: suspicious documents never copy each other (they took passages from source
#: documents), so at most 2 % of the copy-like edges into them may come from another suspicious
#: document; and 95 % of the gold pairs must be linked directly.
MAX_SUSP_TO_SUSP_SHARE = 0.02
MIN_GOLD_DIRECT = 0.95
#: Measured with benchmarks/pan13.py --siblings: 20 of 756 (0.026) before two undated composites
#: sharing text beyond their stored sources were taken to share a source (settings
#: composite_min_explained_share), 4 of 743 (0.005) after.
MEASURED_SUSP_TO_SUSP = "4 of 743 (0.005)"


@pytest.fixture(scope="module")
def one_store():
    return pan13.run_siblings(shared_path("pan13-verbatim"))["all"]


@pytest.mark.shared
def test_gold_pairs_are_linked_directly_with_every_document_in_one_store(one_store):
    print(f"PAN-13 one store: gold pairs linked directly {one_store.gold_direct}/{one_store.gold_pairs}")
    assert one_store.gold_pairs == 500
    assert one_store.direct_share >= MIN_GOLD_DIRECT


@pytest.mark.shared
def test_suspicious_documents_are_seldom_linked_to_each_other(one_store):
    print(f"PAN-13 one store: {one_store.susp_to_susp} of {one_store.copy_edges_into_susp} copy-like edges "
          "into suspicious documents come from another suspicious document")
    assert one_store.susp_to_susp_share <= MAX_SUSP_TO_SUSP_SHARE
