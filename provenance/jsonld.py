"""JSON-LD of a page (``<script type="application/ld+json">``): parsed leniently, walked without recursion.

Pages hold JSON-LD as written by hand or by plugins: trailing commas, HTML comments around it, a
``@graph`` of objects that refer to one another by ``@id``. Any of it may also be hostile: nested
thousands of levels deep, lists of millions of items, ``@id`` or ``@type`` that are objects. Every
walk here is iterative or depth-bounded and every value is type-checked, so nothing but a result
leaves these functions; a script that does not parse (or nests deeper than Python's JSON parser
goes) is skipped.
"""

from __future__ import annotations

import json
import re

__all__ = ["ARTICLE_TYPES", "json_ld_objects", "ld_types", "article_object", "ld_find", "ld_resolve", "ld_text",
           "ld_name"]

#: JSON-LD objects read at most from one page.
LD_MAX_OBJECTS = 500
#: Items of one JSON-LD list read at most (authors, publishers); real pages name a handful.
LD_MAX_LIST_ITEMS = 100
#: Lists inside lists resolved at most this deep ([[{"@id": …}]] occurs; deeper is not data).
LD_MAX_LIST_NESTING = 4
#: JSON-LD types that describe the article itself.
ARTICLE_TYPES = frozenset({"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                           "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "techarticle",
                           "scholarlyarticle", "socialmediaposting", "liveblogposting", "posting", "report",
                           "review", "creativework", "webpage", "medicalwebpage", "itempage", "discussionforumposting",
                           "qapage", "howto", "recipe", "event", "videoobject"})

_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _parse(raw: str):
    """One script's JSON, or None. RecursionError is json's answer to deep nesting (it parses
    recursively in C); a script nested that deep is not metadata."""
    try:
        return json.loads(raw, strict=False)
    except (ValueError, RecursionError):
        pass
    # Pages often leave a trailing comma or an HTML comment around the JSON.
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", raw.strip().strip("<!->")), strict=False)
    except (ValueError, RecursionError):
        return None


def json_ld_objects(texts: list[str]) -> list[dict]:
    """Every JSON object in the page's JSON-LD scripts, flattened (lists, @graph, mainEntity)."""
    objects: list[dict] = []
    for raw in texts:
        data = _parse(raw)
        if data is None:
            continue
        pending = [data]
        while pending and len(objects) < LD_MAX_OBJECTS:
            item = pending.pop()
            if isinstance(item, list):
                pending.extend(reversed(item))
            elif isinstance(item, dict):
                objects.append(item)
                for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                    nested = item.get(key)
                    if isinstance(nested, (list, dict)):
                        pending.append(nested)
    return objects


def ld_types(obj: dict) -> set[str]:
    """The object's @type names, casefolded, without a vocabulary URL ("https://schema.org/Article")."""
    types = obj.get("@type")
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list):
        return set()
    return {t.casefold().rpartition("/")[2] for t in types[:LD_MAX_LIST_ITEMS] if isinstance(t, str)}


def article_object(objects: list[dict]) -> dict:
    """The JSON-LD object describing the article: an article type with a date or headline first."""
    articles = [obj for obj in objects if ld_types(obj) & ARTICLE_TYPES]
    for obj in articles:
        if obj.get("datePublished") or obj.get("headline"):
            return obj
    if articles:
        return articles[0]
    for obj in objects:
        if "headline" in obj or "articleBody" in obj:
            return obj
    return {}


def ld_find(objects: list[dict], types: tuple[str, ...], field_name: str):
    """The ``field_name`` value of the first object of one of ``types`` that has one."""
    for obj in objects:
        if ld_types(obj) & set(types) and obj.get(field_name):
            return obj.get(field_name)
    return None


def ld_resolve(value, by_id: dict[str, dict], depth: int = 0):
    """A {"@id": …} reference replaced by the object it names (in @graph pages); lists resolved
    item by item (their first LD_MAX_LIST_ITEMS, LD_MAX_LIST_NESTING lists deep)."""
    if isinstance(value, list):
        if depth >= LD_MAX_LIST_NESTING:
            return value
        return [ld_resolve(item, by_id, depth + 1) for item in value[:LD_MAX_LIST_ITEMS]]
    if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
        ref = value.get("@id")
        if isinstance(ref, str) and ref in by_id:
            return by_id[ref]
    return value


def ld_text(value) -> str | None:
    """A string value, or the @value / name of an object, or the first of a list; else None."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    return value if isinstance(value, str) else None


def ld_name(value) -> str | None:
    """The name of a person or organisation (a string, an object's name, the first of a list)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and value.strip() and "://" not in value:
        return value
    return None
