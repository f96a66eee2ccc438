"""Keep hostile HTML from making the tree builder slow or huge, before lexbor parses it.

lexbor's tree builder walks its stack of open elements for many start and end tags, so its time
grows with the square of the nesting depth (120,000 ``<div/>`` took 42 s); it rebuilds every
"active formatting element" (``<b>``, ``<font>`` …) that a block closed into each following
paragraph (90 KB of them took 13 s and 3.6 GB); and it compares each attribute of a tag with the
tag's earlier ones (80,000 attributes took 25 s). Real pages nest a few dozen elements deep (52 at
most in the 681 benchmark pages), rebuild a few dozen elements and carry a few dozen attributes.

:func:`bounded_nesting` guards in three steps, cheapest first:

1. A tag with more than ``max_attributes`` attributes is cut after them (numpy finds the few "<"
   whose next ">" is far enough to allow that many; one regex reads their attributes).
2. A page with few tags (:func:`cannot_be_costly`: at most ``free_tags`` "<", and few formatting
   tags that could pile up) cannot be costly however it nests: it is parsed as it is.
3. Any other page is read tag by tag by a model of the HTML standard's tree construction, close
   enough to know the depth of every start tag: void elements, raw text (``<script>``,
   ``<style>``, ``<title>`` …) and comments, ``/>`` honoured in ``<svg>``/``<math>`` content only
   (``<div/>`` opens a div), the elements that close others (``<p>``, ``<li>``, cells, rows …),
   scopes, table modes, the special elements that stop an end tag, the adoption agency, and the
   active formatting elements with their reconstruction. Where the standard does something the
   model does not follow, the model keeps more elements open than the parser does, never fewer.
   A start tag that would open an element deeper than ``max_depth`` is removed (its text stays);
   a page that would make the parser rebuild more than ``max_rebuilt`` formatting elements is
   refused. The work per tag is constant (amortised), so a page costs time linear in its size.

The guard is split by job (a package, not ``nesting_*.py`` modules beside it: the parts are private
to the guard and import one another, and one folder keeps them under the one public name):

* :mod:`~provenance.nesting.guard` — the entry points (:func:`bounded_nesting`,
  :func:`cannot_be_costly`, :func:`nesting_depth`) and the cheap "too small to be costly" test;
* :mod:`~provenance.nesting.attributes` — step 1, the cut of attributes beyond ``max_attributes``;
* :mod:`~provenance.nesting.scan` — the tag scanner: the regexes that read a tag or comment and
  find the end of raw text, and the numpy count of a page's "<" and their tag names;
* :mod:`~provenance.nesting.elements` — the HTML standard's element categories and what each
  start tag does;
* :mod:`~provenance.nesting.tree` — the stack of open elements and the list of active formatting
  elements (scopes, the adoption agency, reconstruction and its refusal past ``max_rebuilt``);
* :mod:`~provenance.nesting.model` — the tree construction model that reads a page tag by tag and
  finds the start tags to cut at ``max_depth``.
"""

from __future__ import annotations

from .guard import bounded_nesting, cannot_be_costly, nesting_depth

__all__ = ["bounded_nesting", "cannot_be_costly", "nesting_depth"]
