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


@pytest.mark.shared
def test_pan13_gold_sources_are_found_with_their_passages():
    result = pan13.run(shared_path("pan13-verbatim"))
    print(f"PAN-13: recall {result.recall:.3f} ({result.found_pairs}/{result.gold_pairs}), "
          f"passage coverage susp {result.susp_coverage:.3f} src {result.src_coverage:.3f}")
    assert result.gold_pairs == 500
    assert result.recall >= MIN_PAIR_RECALL
    assert result.src_coverage >= MIN_SRC_COVERAGE
    assert result.susp_coverage >= MIN_SUSP_COVERAGE
