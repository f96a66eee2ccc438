"""Metadata accuracy on the 500 real pages of ../shared/data/metadata-evaldata (skipped when absent).

The figures come from benchmarks/metadata.py (same comparison rules, documented there): date = the
calendar day the page states, title = casefolded \\w+ tokens equal, author = same set of tokens.
trafilatura 2.3.1 measures 0.872 / 0.628 / 0.600 on these pages with the same rules.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import shared_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import metadata as bench  # noqa: E402  (benchmarks/ is not a package)

#: The goals of issue 3 (date ≥ 0.90, title ≥ 0.85, author ≥ 0.75), for the record.
METADATA_TARGETS = {"date": 0.90, "title": 0.85, "author": 0.75}
#: The floors this suite enforces: what the extractor reaches now (date 0.908, title 0.870,
#: author 0.762), rounded down, so that a regression fails. Raise them towards the targets as
#: the extractor improves; they must never be lowered to make a change pass.
METADATA_FLOORS = {"date": 0.90, "title": 0.865, "author": 0.76}


@pytest.fixture(scope="module")
def accuracy():
    data = shared_path("metadata-evaldata")
    result, counted, _, _ = bench.evaluate(data, bench.ours)
    assert counted == {"date": 500, "title": 499, "author": 345}
    return result


#: Measured today (benchmarks/metadata.py): the bars these miss are marked xfail(strict) with the
#: figure, so the test fails below the issue's bar and reports when a bar is reached.
MEASURED = {"date": 0.908, "title": 0.870, "author": 0.762}


@pytest.mark.shared
@pytest.mark.parametrize("field", [
    pytest.param(f, marks=pytest.mark.xfail(strict=True, reason=f"measured {MEASURED[f]:.3f} < target {METADATA_TARGETS[f]}"))
    if MEASURED[f] < METADATA_TARGETS[f] else f
    for f in bench.FIELDS
])
def test_metadata_accuracy_reaches_the_issue_bar(accuracy, field):
    print(f"\nmetadata-evaldata {field}: {accuracy[field]:.3f} (target {METADATA_TARGETS[field]:.2f})")
    assert accuracy[field] >= METADATA_TARGETS[field], f"{field} accuracy {accuracy[field]:.3f}"


@pytest.mark.shared
@pytest.mark.parametrize("field", bench.FIELDS)
def test_metadata_accuracy_does_not_regress(accuracy, field):
    assert accuracy[field] >= METADATA_FLOORS[field], f"{field} accuracy {accuracy[field]:.3f}"


def test_comparison_rules():
    assert bench.same_title("Größtes Kraftwerk der Welt", "größtes kraftwerk — der Welt!")
    assert not bench.same_title("Harbour strike", "Harbour strike | Port News")
    assert bench.same_author("Jane Roe; John Doe", "John Doe, Jane Roe")
    assert not bench.same_author("Jane Roe", "Jane Roe; Port News")
    assert bench.same_date("2024-03-05", "2024-03-05")
    assert not bench.same_date("2024-03-05", None)


#: Issue 10, item 5: the date on the held-out half of the pages (benchmarks/metadata.py's URL-hash
#: split; rules are studied on the tune half only), the page's own calendar day.
HELD_OUT_DATE_TARGET = 0.90


@pytest.mark.shared
def test_publication_date_generalises_to_the_held_out_half():
    data = shared_path("metadata-evaldata")
    result, counted, _, _ = bench.evaluate(data, bench.ours, half="held-out")
    assert 200 <= counted["date"] <= 300  # about half of the 500 pages
    print(f"\nheld-out date: {result['date']:.3f} over {counted['date']} pages")
    assert result["date"] >= HELD_OUT_DATE_TARGET, f"held-out date accuracy {result['date']:.3f}"
