"""Find page furniture in article text: the lines a site wraps around every article.

Share and follow prompts, "Related Articles" lists, comment prompts, "Back to top", subscription
walls, cookie notices, advertisement labels, section labels above the headline. Furniture is
line-level and short (a sentence of prose never is), and is marked, not removed, so a diff can show
what a copy added. Credit lines are not furniture: :mod:`provenance.credits` marks those. Pure Python.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from itertools import accumulate
from collections.abc import Mapping, Sequence

from provenance.credits import find_credits
from provenance.models import Credit, Furniture

__all__ = ["find_furniture", "line_signatures", "learned_furniture", "FURNITURE_MAX_WORDS", "RELATED_LIST_MAX_WORDS", "SECTION_LABEL_MAX_WORDS"]

#: Furniture lines are short: a prompt or a label, never a paragraph of the article.
FURNITURE_MAX_WORDS = 25
#: Link titles in a related-articles list are headline-sized; a longer line means the article
#: (or another block) resumes and the list has ended.
RELATED_LIST_MAX_WORDS = 20
#: A section label above the headline is one word ("Military"), at most two ("World News").
SECTION_LABEL_MAX_WORDS = 2

_BULLETS = " \t•·*-–—>|»›"

# Headings that open a list of links to other articles.
_RELATED_HEADING = (
    r"(?:related(?: articles?| posts?| stories| news| content| reading| coverage| topics?| links)?|"
    r"(?:you )?(?:may|might) also (?:like|enjoy|be interested in)|also read|read also|read more|read next|"
    r"see also|more (?:stories|news|articles|from [\w .'-]+)|recommended(?: for you| stories| articles)?|"
    r"trending(?: now| stories)?|most (?:read|popular|viewed|shared)|popular (?:posts|stories)|"
    r"latest (?:news|stories|posts)|top stories|what to read next|don'?t miss|in other news)"
)
# Words of a row of share buttons ("Share Facebook Twitter Email").
_SHARE_BUTTONS = (
    r"(?:share(?: this(?: article| story| post)?| on| via)?|tweet|pin it|email|e-mail|print|whatsapp|facebook|"
    r"twitter|x|linkedin|telegram|reddit|pinterest|messenger|copy link|copy|link|sms)"
)

# (reason, pattern searched in the stripped line, case-insensitive). The first rule that matches gives
# the reason. Rules are anchored (whole line, or a prompt at its start) so that a short line of prose
# ("Share prices fell", "Comments by the minister …") is not caught.
_LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.I))
    for reason, pattern in (
        ("related-articles heading", rf"^{_RELATED_HEADING}\s*[:.!»›]*$"),
        ("related-article link", r"^(?:also read|read also|read more|read next|related|see also)\s*[:|»›\-–—]\s*\S"),
        ("subscription prompt",
         r"^(?:discover more from|subscribe now to|subscribe to (?:continue|keep) reading|"
         r"to continue reading|already a subscriber|sign in to (?:continue|read))\b"),
        ("share/subscribe line", rf"^(?:{_SHARE_BUTTONS}[\s,:|/·•]*)+$"),
        ("share/subscribe line",
         r"^(?:share (?:this|on|via|the (?:article|story))|follow us|follow \w+ on|like us on|join us on|"
         r"join our (?:newsletter|channel|community|whatsapp|telegram)|sign up (?:for|to) (?:our|the) |"
         r"subscribe(?: to| for| now|$)|newsletter$|download (?:our|the) app|get (?:the )?latest (?:news|updates)|"
         r"for more\s*:|stay (?:updated|connected|informed))"),
        ("share/subscribe line",
         r"\b(?:follow us on|like us on|join us on|subscribe to our (?:newsletter|channel)|"
         r"sign up for our|for social networking)\b"),
        ("comments prompt",
         r"^(?:leave a (?:reply|comment)|post a comment|add a comment|cancel reply|view comments|show comments|"
         r"join the (?:discussion|conversation)|you must be logged in to post a comment|"
         r"your email address will not be published)\b|^(?:\d+\s+)?comments?(?:\s*\(\d+\))?\s*:?$"),
        ("back-to-top link", r"^back to top(?: button)?\b"),
        ("continue-reading link", r"^(?:continue reading|keep reading|read the full (?:story|article))\b"),
        ("cookie notice",
         # From the first "cookie" only (atomic): from each one it was quadratic in a line of them.
         r"^(?>.*?\bcookies?\b).*\b(?:accept|consent|privacy|policy|settings|preferences|browsing experience)\b|"
         r"^(?:we use|this (?:site|website) uses) cookies"),
        ("advertisement label",
         r"^(?:advertisement|advertisements|advert|sponsored(?: content)?|"
         r"story continues below(?: this)? advertisement|scroll to continue(?: with content)?)"
         r"(?:\s*[-–—:|]\s*(?:continue reading below|story continues below))?\s*$"),
        ("click-here link", r"^click here\b"),
        ("copyright line", r"^(?:copyright\s*(?:©|\(c\)|\d{4})|©|\(c\)\s*\d{4})|all rights reserved"),
        ("tags line", r"^(?:tags|tagged|filed under|posted in|categories)\s*:"),
    )
)
# Only a bare heading opens a list of link titles ("Read more: <title>" is a single link).
_RELATED_REASON = "related-articles heading"


def _lines(text: str) -> list[tuple[int, int, str]]:
    """Non-blank lines as (start, end, stripped content) with bullets and surrounding space trimmed."""
    lines = []
    for match in re.finditer(r"[^\n]+", text):
        raw = match.group(0)
        content = raw.strip(_BULLETS)
        if not content:
            continue
        lead = len(raw) - len(raw.lstrip(_BULLETS))
        start = match.start() + lead
        lines.append((start, start + len(content), content))
    return lines


def _classify(content: str) -> str | None:
    if len(content.split()) > FURNITURE_MAX_WORDS:
        return None
    for reason, pattern in _LINE_RULES:
        if pattern.search(content):
            return reason
    return None


def _looks_like_section_label(content: str, following: str | None) -> bool:
    words = content.split()
    return (
        following is not None
        and 0 < len(words) <= SECTION_LABEL_MAX_WORDS
        and content[-1].isalnum()
        and all(word[0].isupper() for word in words)
    )


def _overlap_test(spans: list[tuple[int, int]]):
    """A test whether a span overlaps any of ``spans``, by bisection over them sorted by start with
    their running furthest end (a scan of all credits per line was quadratic in many credits)."""
    spans = sorted(spans)
    starts = [start for start, _ in spans]
    furthest = list(accumulate((end for _, end in spans), max))

    def overlaps(start: int, end: int) -> bool:
        before = bisect_left(starts, end)  # the spans that start before this one ends
        return before > 0 and furthest[before - 1] > start

    return overlaps


def find_furniture(text: str, credits: Sequence[Credit] | None = None) -> tuple[Furniture, ...]:
    """Every furniture line of ``text`` as a span with a short reason, in text order.

    ``credits`` are the credit lines already found in ``text`` (:func:`find_credits`), when the
    caller has them: finding them again costs as much as the rest of this function.
    """
    lines = _lines(text)
    if credits is None:
        credits = find_credits(text)
    is_credit = _overlap_test([(c.start, c.end) for c in credits if c.start >= 0])

    spans: list[Furniture] = []
    in_related_list = False
    for index, (start, end, content) in enumerate(lines):
        if is_credit(start, end):
            in_related_list = False
            continue
        reason = _classify(content)
        if reason is None and index == 0:
            following = lines[1][2] if len(lines) > 1 else None
            if _looks_like_section_label(content, following):
                reason = "section label"
        # Link titles are headlines; a sentence (final period) means prose has resumed.
        if (reason is None and in_related_list and len(content.split()) <= RELATED_LIST_MAX_WORDS
                and not content.endswith(".")):
            reason = "related-articles list"
        if reason is None:
            in_related_list = False
            continue
        if reason == _RELATED_REASON:
            in_related_list = True
        spans.append(Furniture(start=start, end=end, reason=reason))
    return tuple(spans)


# --- furniture learned from a site's other pages ---------------------------------------------

_SIGNATURE_WORD = re.compile(r"\w+")


def _signature(content: str) -> int | None:
    """A line's identity across pages: its casefolded words. Digits are kept: a line that differs
    only in its numbers ("Shr 1.25 dlrs vs 1.10 dlrs") is templated data, not furniture."""
    words = _SIGNATURE_WORD.findall(content.casefold())
    if not words:
        return None
    digest = hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1  # positive 63-bit: fits a BIGINT column


def line_signatures(text: str) -> list[tuple[int, int, int]]:
    """(start, end, signature) of each short line of ``text``: the lines that may be a site's
    furniture. Counted per site in the store; lines on many pages of one site are furniture."""
    out = []
    for start, end, content in _lines(text):
        if len(content.split()) > FURNITURE_MAX_WORDS:
            continue
        sig = _signature(content)
        if sig is not None:
            out.append((start, end, sig))
    return out


def learned_furniture(text: str, recurring: Mapping[int, int], site: str,
                      known: tuple[Furniture, ...] = (), credits: tuple[Credit, ...] | None = None
                      ) -> tuple[Furniture, ...]:
    """Furniture spans for the short lines of ``text`` that recur on other pages of ``site``
    (``recurring`` maps a line signature to the number of pages it is on), besides ``known``.
    ``credits`` are the text's credit lines when already found (else they are looked for)."""
    taken = {(f.start, f.end) for f in known}
    is_credit = _overlap_test([(c.start, c.end) for c in (find_credits(text) if credits is None else credits)])
    found = []
    for start, end, sig in line_signatures(text):
        pages = recurring.get(sig)
        if not pages or (start, end) in taken:
            continue
        if is_credit(start, end):
            continue  # a recurring credit line is still a credit line
        found.append(Furniture(start=start, end=end, reason=f"recurs on {pages} pages of {site}"))
    return tuple(found)
