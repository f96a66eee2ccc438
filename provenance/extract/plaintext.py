"""Plain text and Markdown to an :class:`Article`.

Paragraphs are split at blank lines; single newlines inside a paragraph are kept as they are.
Markdown markup (headings, quotes, links, emphasis, bullets) is reduced to its text. Credit and
furniture lines that remain in the article text stay there and are marked (``Article.credits`` /
``Article.furniture``).
"""

from __future__ import annotations

import re

from provenance.credits import find_credits
from provenance.errors import ExtractionError
from provenance.furniture import find_furniture
from provenance.models import Article
from provenance.pages import site_of
from provenance.settings import DEFAULT_SETTINGS, Settings

__all__ = ["extract_text", "check_length", "TITLE_MAX_WORDS"]

#: A title is at most this many words (a first line longer than that is a paragraph).
TITLE_MAX_WORDS = 25
_WS = re.compile(r"[^\S\n]+")
_BULLET_LINE = re.compile(r"^[ \t]*(?:[•●▪◦·■□➢►‣⁃]|[-*+](?=\s))[ \t]*", re.M)
# Markdown, each pattern linear in a line of any length: a heading's closing #s are stripped by
# rstrip (a lazy group before [ \t#]*$ was quadratic in trailing spaces); link text holds no "[" and
# a link's URL at most one level of parentheses (each "[" or "(" scanned to the end of the line
# before); emphasis holds no delimiter of its own kind (a run of unclosed "**" scanned the line each).
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*)$", re.M)
_MD_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)((?:(?!\1).)+?)(?<=\S)\1")
_MD_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?", re.M)


def extract_text(content: str, url: str, *, declared_title: str | None = None, settings: Settings = DEFAULT_SETTINGS,
                 origin: str | None = None) -> Article:
    """An :class:`Article` from plain text or Markdown.

    Paragraphs are blocks separated by blank lines; single newlines inside a paragraph are kept.
    The first line is the title when it looks like a headline; a one-word section label above it
    ("Military") stays in the text, marked as furniture. When the input declares its title (a JSON
    record's ``title``), the first line is the title only if it says the same: a record's text
    often starts with its dateline or lead ("MONTVALE, N.J., March 17 - Qtly div …").
    """
    content = _MD_HEADING.sub(lambda heading: heading[1].rstrip(" \t#"), content)
    content = _MD_QUOTE.sub("", content)
    content = _MD_LINK.sub(r"\1", content)
    content = _MD_EMPHASIS.sub(r"\2", content)
    content = _BULLET_LINE.sub("", content)
    blocks = []
    for block in re.split(r"\n[ \t]*\n", content):
        lines = [_WS.sub(" ", line).strip() for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            blocks.append(lines)

    title = None
    title_index = 0
    if len(blocks) > 1 and len(blocks[0]) == 1 and _is_section_label(blocks[0][0]):
        title_index = 1
    first = blocks[title_index][0] if title_index < len(blocks) else ""
    is_title = (_same_words(first, declared_title) if declared_title
                else _looks_like_headline(first))
    if title_index < len(blocks) and is_title and (len(blocks[title_index]) > 1 or title_index + 1 < len(blocks)):
        title = blocks[title_index][0]
        del blocks[title_index][0]
        if not blocks[title_index]:
            del blocks[title_index]
    text = "\n\n".join("\n".join(lines) for lines in blocks)
    check_length(text, settings, origin or url)
    credits = find_credits(text)
    return Article(
        url=url,
        text=text,
        format="text",
        title=title,
        site=site_of(url),
        credits=credits,
        furniture=find_furniture(text, credits),
    )


def check_length(text: str, settings: Settings, origin: str) -> None:
    """Refuse an article text longer than ``settings.max_article_chars``: no article is that long,
    and credits, furniture and fingerprints of it would cost seconds and gigabytes."""
    if len(text) > settings.max_article_chars:
        raise ExtractionError(origin, f"article text of {len(text):,} characters, over the "
                                      f"{settings.max_article_chars:,} an article can have")


def _same_words(a: str, b: str) -> bool:
    return re.findall(r"\w+", a.casefold()) == re.findall(r"\w+", b.casefold())


def _is_section_label(line: str) -> bool:
    return len(line.split()) == 1 and line[:1].isupper() and line[-1].isalnum()


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    if not (1 < len(words) <= TITLE_MAX_WORDS) or line.endswith((".", ":", ";", ",")):
        return False
    return not find_credits(line)  # "Source: Reuters" on the first line is a credit, not a title
