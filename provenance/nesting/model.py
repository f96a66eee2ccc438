"""The tree construction model: a page read tag by tag (comments, raw text, SVG/MathML content, end
tags, start tags by what they do) into the model's tree, with the start tags that would nest
deeper than ``max_depth`` collected as spans to cut. Constant work per tag (amortised)."""

from __future__ import annotations

from .elements import (_A, _BREAKOUT, _BUTTON_TAG, _CELL, _CLOSES_P, _CLOSING_KINDS, _DD_DT, _FLAGS, _FOREIGN,
                       _FOREIGN_ROOT, _FORMAT, _FORMATTING, _HEADING, _HEADINGS, _HEADROOM, _HTML_POINT,
                       _IGNORED, _LI, _MATH, _MERGED_TAGS, _NO_REBUILD, _NOBR, _OPEN, _OPTGROUP, _OPTION,
                       _PLAINTEXT, _RAW, _ROW, _SCOPE, _SECTION, _SPECIAL, _START_KINDS, _STRICT, _SVG,
                       _TABLE, _TABLE_PARTS, _TABLE_PARTS_ONLY, _TABLE_SCOPE, _TEXT_POINT, _VOID)
from .scan import _PATTERNS, _raw_end
from .tree import _ON, _Tree

__all__ = ["_model"]


def _model(html: str | bytes, max_depth: int, max_rebuilt: int) -> tuple[_Tree, list[tuple[int, int]]]:
    """Run the tree construction model over ``html``; the tree, and the spans of start tags to cut."""
    kind = type(html)
    token, comment_end, font_breaks_out, self_closing = _PATTERNS[kind]
    end = html.rfind(b">" if kind is bytes else ">") + 1  # no tag ends after the last ">"
    tree = _Tree(max_depth, max_rebuilt)
    cuts: list[tuple[int, int]] = []
    cap = max_depth - _HEADROOM  # for elements that close nothing (see _CLOSING_KINDS)
    merged: dict[str, int] = {}  # <html>, <body> … tags seen
    canonical: dict[str | bytes, str] = {}
    start_kinds, html_flags = _START_KINDS, _FLAGS
    names, flag_list, where = tree.names, tree.flags, tree.where
    position, last_end = 0, 0
    while position < end:
        resume = None
        for match in token.finditer(html, position, end):
            start, stop = match.span()
            if start != last_end and tree.stale and (not tree.in_table_mode()
                                                     or not html[last_end:start].isspace()):
                tree.rebuild()  # text between tags (whitespace in a table is no text of the body)
            last_end = stop
            comment, closing, raw_name, rest = match.groups()
            if comment:
                found = comment_end.search(html, start + 2, len(html))  # "<!-->" and "<!--->" end at once
                if found is None:
                    return tree, cuts  # the rest of the page is a comment
                resume = last_end = found.end()
                break
            name = canonical.get(raw_name)
            if name is None:
                name = canonical[raw_name] = (raw_name.decode("latin-1") if kind is bytes else raw_name).lower()
            if tree.foreign and tree.top_is_foreign():
                # ---- SVG and MathML content
                top_flags = tree.flags[-1]
                if closing:
                    if name in ("br", "p"):
                        _leave_foreign(tree)
                    else:
                        found_at = max(where[prefix + name][-1] if where.get(prefix + name) else -1
                                       for prefix in (_SVG, _MATH))
                        if found_at > tree.foreign[-1][1]:
                            tree.pop_to(found_at)
                            continue
                elif not (top_flags & _HTML_POINT or (top_flags & _TEXT_POINT and name not in ("mglyph", "malignmark"))
                          or (names[-1] == _MATH + "annotation-xml" and name == "svg")):
                    if name in _BREAKOUT or (name == "font" and font_breaks_out.search(rest)):
                        _leave_foreign(tree)
                    else:
                        if len(names) >= cap:
                            cuts.append((start, last_end))
                            continue
                        prefix = _SVG if names[-1][0] == _SVG else _MATH
                        tree.push(prefix + name, _foreign_flags(prefix, name))
                        if name == "annotation-xml":
                            tree.uncertain = True  # an HTML point only with an encoding attribute
                        if not tree.uncertain and rest.endswith(b"/" if kind is bytes else "/") \
                                and self_closing.fullmatch(rest):
                            tree.pop_to(len(names) - 1)
                        continue
            if closing:
                if names and names[-1] == name:  # the current element's own end tag: the commonest case
                    if not flag_list[-1]:
                        names.pop()
                        flag_list.pop()
                        where[name].pop()
                        continue
                    if not flag_list[-1] & _FORMATTING:
                        tree.pop_to(len(names) - 1)
                        continue
                _end_tag(tree, name)
                continue
            # ---- HTML start tags
            start_kind = start_kinds.get(name, _OPEN)
            if tree.stale and name not in _NO_REBUILD:
                tree.rebuild()
            if start_kind == _OPEN:
                if len(names) >= cap:
                    cuts.append((start, last_end))
                    continue
                flags = html_flags.get(name, 0)
                if flags:
                    tree.push(name, flags)
                    continue
                names.append(name)  # an element of no category (span, custom elements): push inline
                flag_list.append(0)
                positions = where.get(name)
                if positions is None:
                    where[name] = [len(names) - 1]
                else:
                    positions.append(len(names) - 1)
                if len(names) > tree.deepest:
                    tree.deepest = len(names)
            elif start_kind == _CLOSES_P:
                if len(names) >= (max_depth if name == "p" else cap):
                    cuts.append((start, last_end))
                    continue
                positions = where.get("p")
                if positions and positions[-1] > tree.scope[-1] and positions[-1] > tree.button[-1]:
                    tree.pop_to(positions[-1])
                tree.push(name, html_flags[name])
            elif start_kind == _VOID:
                pass
            elif start_kind == _RAW or start_kind == _PLAINTEXT:
                if tree.uncertain or (where.get("select") and name != "script"):
                    if len(names) >= cap:  # raw text the parser may read as markup: an element
                        cuts.append((start, last_end))
                    else:
                        tree.push(name, html_flags.get(name, 0))
                    continue
                if start_kind == _PLAINTEXT:
                    return tree, cuts  # the rest of the page is text
                if name == "xmp":
                    _close_p(tree)
                    if tree.stale:
                        tree.rebuild()
                found = _raw_end(kind, name).search(html, last_end)
                if found is None:
                    return tree, cuts  # the rest of the page is this element's text
                resume = last_end = found.start()
                break
            elif start_kind == _IGNORED:
                # Their attributes go to the one <html> or <body> element: lexbor compares each with
                # those it has, so thousands of such tags cost as one tag with thousands of attributes.
                merged[name] = merged.get(name, 0) + 1
                if merged[name] > _MERGED_TAGS and rest.strip():
                    cuts.append((start, last_end))
            elif name in _TABLE_PARTS_ONLY and not (where.get("table") or where.get("template")):
                continue  # a cell, row, section or caption outside any table: the parser ignores it
            else:
                if len(names) >= (max_depth if start_kind in _CLOSING_KINDS else cap):
                    cuts.append((start, last_end))
                    continue
                _start_tag(tree, name, start_kind, rest)
                if start_kind == _FOREIGN_ROOT and not tree.uncertain \
                        and rest.endswith(b"/" if kind is bytes else "/") and self_closing.fullmatch(rest):
                    tree.pop_to(len(names) - 1)
        if resume is None:
            break
        position = resume
    return tree, cuts


def _foreign_flags(prefix: str, name: str) -> int:
    if prefix == _SVG and name in ("foreignobject", "desc", "title"):
        return _FOREIGN | _SPECIAL | _STRICT | _SCOPE | _HTML_POINT
    if prefix == _MATH and name in ("mi", "mo", "mn", "ms", "mtext"):
        return _FOREIGN | _SPECIAL | _STRICT | _SCOPE | _TEXT_POINT
    if prefix == _MATH and name == "annotation-xml":
        return _FOREIGN | _SPECIAL | _STRICT | _SCOPE
    return _FOREIGN


def _leave_foreign(tree: _Tree) -> None:
    """Pop SVG/MathML elements until an HTML element or an integration point is current."""
    while tree.top_is_foreign() and not tree.flags[-1] & (_HTML_POINT | _TEXT_POINT):
        tree.pop_to(len(tree.names) - 1)


def _close_p(tree: _Tree) -> None:
    """Close a <p> in button scope, as block start tags do."""
    positions = tree.where.get("p")
    if positions and positions[-1] > tree.scope[-1] and positions[-1] > tree.button[-1]:
        tree.pop_to(positions[-1])


def _start_tag(tree: _Tree, name: str, kind: int, rest) -> None:
    """An HTML start tag that opens an element (kinds other than _OPEN, _VOID, _RAW, _IGNORED)."""
    names = tree.names
    if kind == _CLOSES_P:
        _close_p(tree)
    elif kind == _HEADING:
        _close_p(tree)
        if names and names[-1] in _HEADINGS:
            tree.pop_to(len(names) - 1)
    elif kind == _LI or kind == _DD_DT:
        found = tree.highest("li") if kind == _LI else tree.highest("dd", "dt")
        if found >= 0 and found == tree.strict[-1]:  # no other special element above it
            tree.pop_to(found)
        _close_p(tree)
    elif kind == _BUTTON_TAG:
        found = tree.highest("button")
        if found > tree.scope[-1]:
            tree.pop_to(found)
        if tree.stale:
            tree.rebuild()
    elif kind == _FORMAT:
        tree.add_formatting(name, (name, rest.strip()))
        return
    elif kind == _A:
        entry = tree.latest("a")
        if entry is not None:  # an open <a> is closed first (links do not nest)
            tree.adoption("a")
            if entry.state == _ON:
                tree.bury(entry.position)  # the parser removes it from the stack wherever it is
            tree.forget(entry)
        if tree.stale:
            tree.rebuild()
        tree.add_formatting(name, (name, rest.strip()))
        return
    elif kind == _NOBR:
        if tree.highest("nobr") > tree.scope[-1]:
            tree.adoption("nobr")
            if tree.stale:
                tree.rebuild()
        tree.add_formatting(name, (name, rest.strip()))
        return
    elif kind == _TABLE:
        if tree.in_table_mode():
            found = tree.highest("table")
            if found >= 0 and found >= tree.table_scope[-1]:
                tree.pop_to(found)  # a table in a table (not in a cell) closes it
    elif kind == _CELL or kind == _ROW or kind == _SECTION:
        # A cell closes the open cell, a row the open row (or cell), a section the open section (…)
        # of the same table.
        for group in _TABLE_PARTS[kind]:
            found = tree.highest(*group)
            if found > tree.table_scope[-1]:
                tree.pop_to(found)
                break
    elif kind == _OPTION or kind == _OPTGROUP:
        if names and names[-1] == "option":
            tree.pop_to(len(names) - 1)
        if kind == _OPTGROUP and names and names[-1] == "optgroup":
            tree.pop_to(len(names) - 1)
        if tree.stale:
            tree.rebuild()
    elif kind == _FOREIGN_ROOT:
        prefix = _SVG if name == "svg" else _MATH
        tree.push(prefix + name, _FOREIGN)
        return
    tree.push(name, _FLAGS.get(name, 0))


def _end_tag(tree: _Tree, name: str) -> None:
    """An HTML end tag."""
    where, flags = tree.where, _FLAGS.get(name, 0)
    if name in ("html", "head", "body"):
        return
    if name == "br":  # </br> is <br>
        if tree.stale:
            tree.rebuild()
        return
    if flags & _FORMATTING and tree.adoption(name):
        return
    if name == "form":
        found = tree.highest("form")
        if found > tree.scope[-1]:
            tree.bury(found)  # the parser removes the form alone, leaving what it holds open
        return
    if not flags & _SPECIAL:  # any other end tag: the nearest such element, unless a special one is nearer
        positions = where.get(name)
        if positions and positions[-1] > tree.special[-1]:
            tree.pop_to(positions[-1])
        return
    if name in _HEADINGS:
        found = tree.highest(*_HEADINGS)
    else:
        positions = where.get(name)
        found = positions[-1] if positions else -1
    if found < 0:
        return
    if name == "p":
        boundary = max(tree.scope[-1], tree.button[-1])
    elif name == "li":
        boundary = max(tree.scope[-1], tree.lists[-1])
    elif name in ("table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "colgroup"):
        boundary = tree.table_scope[-1]
    else:
        boundary = tree.scope[-1]
    # An element that bounds the scope is itself in scope.
    if found > boundary or (found == boundary and flags & (_SCOPE | _TABLE_SCOPE)):
        tree.pop_to(found)
