"""The guard's entry points: :func:`bounded_nesting` (attribute cuts, the cheap "too small to be
costly" test, then the model's depth cuts, or refusal of a reconstruction bomb), with
:func:`cannot_be_costly` and :func:`nesting_depth`. See :mod:`provenance.nesting` for the steps."""

from __future__ import annotations

import numpy as np

from provenance.errors import InputError

from .attributes import _attribute_cuts
from .model import _model
from .scan import _first_letters, _key, _Tags
from .tree import _TooManyRebuilt

__all__ = ["bounded_nesting", "cannot_be_costly", "nesting_depth"]

# ---- pages too small to be costly ----------------------------------------------------------------
# Formatting elements that can pile up on the active list (an <a> closes the <a> before it).
_PILING_NAMES = (b"b", b"big", b"code", b"em", b"font", b"i", b"nobr", b"s", b"small", b"strike", b"strong", b"tt", b"u")
_PILING = np.array([_key(name) for name in _PILING_NAMES], dtype=np.uint64)
_PILING_FIRST = _first_letters(_PILING_NAMES)
#: Identical formatting elements (same name and attributes) the active list holds at most after its
#: last marker (the standard's "Noah's Ark" clause).
_IDENTICAL_ON_LIST = 3


def cannot_be_costly(html: str | bytes, free_tags: int, free_rebuilds: int) -> bool:
    """Whether ``html`` is too small to make the tree builder slow or huge, however it nests.

    Beyond linear, its time is at most the tags times the depth, and the depth at most about the
    number of tags: a page of ``free_tags`` "<" cannot cost more than that squared. Each rebuild of
    closed formatting elements follows a tag and rebuilds at most the list's entries after its last
    marker: 3 for each formatting name written plain (``<b>``: identical ones stay 3 on the list) and
    one per formatting tag with attributes. Counted with numpy, in a fraction of the parse's time.
    """
    array = np.frombuffer(_as_bytes(html), dtype=np.uint8)
    return _small_enough(array, _Tags.of(array), free_tags, free_rebuilds)


def _small_enough(array: np.ndarray, tags: _Tags, free_tags: int, free_rebuilds: int) -> bool:
    """:func:`cannot_be_costly` on the page's tags."""
    count = len(tags.every)
    if count > free_tags:
        return False
    if count * count <= free_rebuilds:
        return True  # the list can hold no more entries than there are tags
    with_attributes = len(tags.named(array, _PILING, _PILING_FIRST, attributes=True))
    return (_IDENTICAL_ON_LIST * len(_PILING) + with_attributes) * count <= free_rebuilds


def nesting_depth(html: str | bytes) -> int:
    """The deepest nesting of ``html`` as :func:`bounded_nesting` counts it (for measurements)."""
    tree = _model(html, 10**9, 10**9)[0]
    return tree.deepest


def bounded_nesting(html: str | bytes, *, max_depth: int, max_rebuilt: int, free_tags: int, free_rebuilds: int,
                    max_attributes: int, max_tags: int, origin: str = "") -> str | bytes:
    """``html`` without the attributes of a tag beyond its first ``max_attributes`` and without the
    start tags that would nest deeper than ``max_depth`` (their text is kept); as UTF-8 bytes when
    anything was cut, else as it came.

    A page of at most ``free_tags`` tags whose formatting start tags times tags is at most
    ``free_rebuilds`` is not modelled (:func:`cannot_be_costly`). Raises :class:`InputError` for a
    page with more than ``max_tags`` "<", and for one whose markup would make the parser rebuild
    more than ``max_rebuilt`` formatting elements (a handful on real pages).
    """
    data = _as_bytes(html)
    array = np.frombuffer(data, dtype=np.uint8)
    tags = _Tags.of(array)
    if len(tags.every) > max_tags:
        raise InputError(origin, f"HTML with {len(tags.every):,} tags, over the {max_tags:,} a page can have")
    attribute_cuts = _attribute_cuts(data, array, tags, max_attributes)
    if attribute_cuts:
        data = _without(data, attribute_cuts)
    elif _small_enough(array, tags, free_tags, free_rebuilds):
        return html
    if attribute_cuts and cannot_be_costly(data, free_tags, free_rebuilds):
        return data
    try:
        tree, cuts = _model(data, max_depth, max_rebuilt)
    except _TooManyRebuilt:
        raise InputError(origin, f"pathological HTML: closed formatting elements (<b>, <font> …) would be rebuilt "
                                 f"more than {max_rebuilt} times") from None
    if cuts:
        return _without(data, cuts)
    return data if attribute_cuts else html


def _as_bytes(html: str | bytes) -> bytes:
    """The page as UTF-8 bytes, which lexbor parses as it parses the same str."""
    return html if isinstance(html, bytes) else html.encode("utf-8", "surrogatepass")


def _without(data: bytes, cuts: list[tuple[int, int]]) -> bytes:
    """``data`` without the spans ``cuts`` (in order, apart)."""
    out, last = [], 0
    for start, end in cuts:
        out.append(data[last:start])
        last = end
    out.append(data[last:])
    return b"".join(out)
