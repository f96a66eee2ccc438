"""The headline of an HTML page: an <h1> of the article that its declared titles agree with, else a
declared title without the site's name."""

from __future__ import annotations

import html
import re

from provenance.extract.htmlbody import ARTICLE_HEAD_PIECES_BEFORE, Body
from provenance.extract.htmlscan import PageScan
from provenance.jsonld import ld_text
from provenance.extract.metadata.site import joined_words, url_host
from provenance.extract.plaintext import TITLE_MAX_WORDS

__all__ = ["page_title"]

#: An <h1> shorter than this many words confirms a declared title only when it equals it ("News"
#: is in many titles; a three-word run of the title is the headline).
TITLE_MIN_MATCH_WORDS = 3
#: Separators between a headline and the site name in <title>.
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ", " · ", " / ", " : ")
#: A trailing <title> segment this short is a site name, not part of the headline.
TITLE_SUFFIX_MAX_WORDS = 5

_WORD = re.compile(r"\w+")


def page_title(scan: PageScan, metas: dict[tuple[str, str], str], ld_article: dict, site: str | None,
               body: Body, url: str) -> str | None:
    """The on-page headline: an <h1> of the article that the page's declared titles agree with;
    else the declared title without its " | Site" part; else the article's <h1>; else <title>.

    An <h1> that only repeats the site's name (a logo) is never the headline.
    """
    declared = [" ".join(_unescaped(t).split()) for t in (
        ld_text(ld_article.get("headline")), metas.get(("property", "og:title")), metas.get(("name", "og:title")),
        metas.get(("name", "twitter:title")), metas.get(("property", "twitter:title"))) if t and t.strip()]
    title_tag = _unescaped(scan.title_tag or "")
    site_names = {joined_words(name) for name in (site, url_host(url), (url_host(url) or "").rpartition(".")[0])
                  if name}
    declared_words = [_WORD.findall(t.casefold()) for t in (*declared, title_tag) if t]
    headings = [(text, position) for text, position, _ in scan.h1s
                if text and len(text.split()) <= TITLE_MAX_WORDS and joined_words(text) not in site_names]
    in_article = [text for text, position in headings
                  if body.start - ARTICLE_HEAD_PIECES_BEFORE <= position <= body.end]
    headline_words = [(t, _WORD.findall(t.casefold())) for t in declared]
    tag_words = declared_words[len(declared):]
    for text in in_article + [text for text, _ in headings]:
        words = _WORD.findall(text.casefold())
        if not words:
            continue
        # "Headline | Site" and "Section: Headline" both carry the headline as a run of words.
        if any(_contains_run(d, words) for _, d in headline_words):
            return text
        for declared_text, declared_run in headline_words:
            size = len(declared_run)
            if TITLE_MIN_MATCH_WORDS <= size < len(words):
                # "Kicker Headline" (or "Headline | Site") in the <h1> where the page declares
                # only "Headline": the kicker (the site's name) is extra.
                if words[-size:] == declared_run or (words[:size] == declared_run
                                                     and "".join(words[size:]) in site_names):
                    return declared_text
        for _, run in headline_words:
            # "Site | Headline" declared for a headline too short to be matched as a run.
            if len(run) > len(words) and ("".join(run[len(words):]) in site_names and run[:len(words)] == words
                                          or "".join(run[:-len(words)]) in site_names and run[-len(words):] == words):
                return text
        if any(_contains_run(d, words) for d in tag_words):
            return text
    for title in (*declared, title_tag):
        if title:
            stripped = _without_site_suffix(title, site_names, title_tag if title is not title_tag else "")
            if joined_words(stripped) not in site_names:
                if in_article and title is title_tag:
                    return in_article[0]
                return stripped
    if in_article:
        return in_article[0]
    return headings[0][0] if headings else None


def _unescaped(text: str) -> str:
    """A declared title with the entities a CMS escaped twice ("Thermen- &#038; Vulkanland")."""
    return html.unescape(text) if "&" in text else text


def _contains_run(words: list[str], run: list[str]) -> bool:
    if len(run) > len(words):
        return False
    if len(run) < TITLE_MIN_MATCH_WORDS and words != run:
        return False
    first = run[0]
    for index in range(len(words) - len(run) + 1):
        if words[index] == first and words[index : index + len(run)] == run:
            return True
    return False


def _without_site_suffix(title: str, site_names: set[str], title_tag: str) -> str:
    """"Headline | Site" → "Headline" (and "Site | Headline" → "Headline") when that part names
    the site, or when <title> ends with the same part (the site's suffix on every page)."""
    for separator in TITLE_SEPARATORS:
        if separator not in title:
            continue
        head, _, tail = title.rpartition(separator)
        if head.strip() and (joined_words(tail) in site_names
                             or (title_tag and title_tag != title and title_tag.endswith(separator + tail))):
            return head.strip()
        head, _, tail = title.partition(separator)
        if tail.strip() and joined_words(head) in site_names:
            return tail.strip()
    if not title_tag:  # <title> itself: a short last part is the site's name
        for separator in TITLE_SEPARATORS:
            head, found, tail = title.rpartition(separator)
            if found and head.strip() and len(tail.split()) <= TITLE_SUFFIX_MAX_WORDS and \
                    len(head.split()) >= len(tail.split()):
                return head.strip()
    return title
