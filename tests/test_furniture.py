"""Page furniture: share prompts, related lists, comment prompts, section labels …"""

from __future__ import annotations

import time
from pathlib import Path

from provenance.credits import find_credits
from provenance.furniture import find_furniture

SEED = Path(__file__).resolve().parents[1] / "seeds" / "elrisala-pakistan-bangladesh.txt"

PARAGRAPH = (
    "Asif was speaking at a reception to celebrate the National Day as the chief guest in Islamabad on "
    "Friday, and said the army plans to enhance its ties with training and joint exercises next year."
)


def furniture_lines(text: str) -> dict[str, str]:
    spans = find_furniture(text)
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        assert span.reason
    return {text[span.start : span.end]: span.reason for span in spans}


def test_seed_furniture():
    text = SEED.read_text(encoding="utf-8")
    lines = furniture_lines(text)
    expected_starts = [
        "Military",
        "For more: Elrisala website",
        "Related Articles",
        "Leave a Reply",
        "Back to top button",
        "Discover more from Elrisala",
        "Subscribe now to keep reading",
        "Continue reading",
    ]
    for start in expected_starts:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert lines["Military"] == "section label"
    # The credit line and the article's paragraphs are not furniture.
    assert not any("Source of information" in line for line in lines)
    assert not any("Islamabad sought" in line for line in lines)
    assert not any("Pakistan Defence Minister" in line for line in lines)


def test_related_list_after_heading_is_furniture_until_prose_resumes():
    text = "\n\n".join([
        PARAGRAPH,
        "Related Articles",
        "Pakistan army chief visits Dhaka",
        "India reacts to the visit of the minister",
        PARAGRAPH,
    ])
    lines = furniture_lines(text)
    assert lines == {
        "Related Articles": "related-articles heading",
        "Pakistan army chief visits Dhaka": "related-articles list",
        "India reacts to the visit of the minister": "related-articles list",
    }


def test_common_furniture_lines():
    text = "\n\n".join([
        PARAGRAPH,
        "Share Facebook Twitter Email",
        "Advertisement",
        "Also read: Pakistan and Bangladesh sign trade pact",
        "Click here to download our app",
        "We use cookies to improve your experience. Accept",
        "Follow us on Twitter and Instagram",
        "3 Comments",
        PARAGRAPH,
    ])
    lines = furniture_lines(text)
    assert set(lines) == {
        "Share Facebook Twitter Email",
        "Advertisement",
        "Also read: Pakistan and Bangladesh sign trade pact",
        "Click here to download our app",
        "We use cookies to improve your experience. Accept",
        "Follow us on Twitter and Instagram",
        "3 Comments",
    }


def test_short_prose_and_credit_lines_are_not_furniture():
    text = "\n\n".join([
        "Share prices fell sharply on Monday.",
        PARAGRAPH,
        "Comments by the minister drew criticism.",
        "Related to this, the ministry said nothing.",
        "Source: Reuters",
        PARAGRAPH,
    ])
    assert find_furniture(text) == ()


def test_long_lines_are_never_furniture():
    long_line = "Subscribe " + " ".join(["word"] * 40)
    assert find_furniture(PARAGRAPH + "\n\n" + long_line) == ()


def test_section_label_only_at_the_top():
    text = "Military\n\n" + PARAGRAPH + "\n\nMilitary\n\n" + PARAGRAPH
    spans = find_furniture(text)
    assert [(s.start, s.reason) for s in spans] == [(0, "section label")]


def test_credits_found_by_the_caller_are_reused():
    from provenance.credits import find_credits
    text = "Subscribe to our newsletter\n\nThe harbour strike went on.\n\nSource: Reuters"
    credits = find_credits(text)
    assert find_furniture(text, credits) == find_furniture(text)


def test_furniture_beside_many_credit_lines_is_found_in_linear_time():
    text = "Source: Reuters\nFollow us on Twitter\n" * 20_000
    credits = find_credits(text)
    started = time.process_time()
    furniture = find_furniture(text, credits)
    assert time.process_time() - started < 2.0
    assert len(furniture) == 20_000 and {f.reason for f in furniture} == {"share/subscribe line"}
