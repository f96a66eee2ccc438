"""The model's tree: the stack of open elements and the list of active formatting elements, with
scopes, the adoption agency and the reconstruction of formatting elements (refused past
``max_rebuilt`` with :class:`_TooManyRebuilt`). Every question of it costs constant time."""

from __future__ import annotations

from bisect import bisect_right, insort

from .elements import (_BUTTON, _CELLWISE, _DEAD, _FLAGS, _FOREIGN, _FORMATTING, _LIST, _MARKER, _SCOPE, _SPECIAL,
                       _STRICT, _TABLE_SCOPE, _TABLEWISE)

__all__ = ["_Entry", "_ON", "_STALE", "_GONE", "_Tree", "_TooManyRebuilt"]


class _Entry:
    """An entry of the list of active formatting elements (or a marker, name None)."""

    __slots__ = ("name", "key", "state", "position", "seq")

    def __init__(self, name: str | None, key, seq: int) -> None:
        self.name, self.key, self.seq = name, key, seq
        self.state = _ON  # on the stack
        self.position = -1


_ON, _STALE, _GONE = 0, 1, 2  # STALE: closed by a block but still active, rebuilt at the next text


class _Tree:
    """The stack of open elements and the list of active formatting elements, as the model keeps them.

    Besides the stack, the positions of elements by name and by category are kept as stacks, so
    every "is X in scope", "is there a special element above" question is one comparison.
    """

    def __init__(self, max_depth: int, max_rebuilt: int) -> None:
        self.max_depth, self.max_rebuilt = max_depth, max_rebuilt
        self.names: list[str] = []
        self.flags: list[int] = []
        self.where: dict[str, list[int]] = {}
        self.special: list[int] = [-1]
        self.strict: list[int] = [-1]
        self.scope: list[int] = [-1]
        self.button: list[int] = [-1]
        self.lists: list[int] = [-1]
        self.table_scope: list[int] = [-1]
        self.tablewise: list[int] = [-1]
        self.cellwise: list[int] = [-1]
        self.foreign: list[tuple[int, int]] = []  # (position, position of the nearest HTML element below)
        self.entries: dict[int, _Entry] = {}  # stack position → its active formatting entry
        self.active: list[_Entry] = []
        self.by_name: dict[str, list[_Entry]] = {}
        self.ark: dict[tuple, list[_Entry]] = {}
        self.markers: list[int] = [-1]  # seq of each open marker
        self.seq = 0
        self.gone = 0  # entries of self.active that are _GONE (dropped lazily, in bulk)
        self.stale = 0
        self.rebuilt = 0
        self.uncertain = False  # lost track of foreign content: honour no "/>" and no raw text there
        self.deepest = 0

    # ---- the stack

    def push(self, name: str, flags: int) -> None:
        position = len(self.names)
        self.names.append(name)
        self.flags.append(flags)
        positions = self.where.get(name)
        if positions is None:
            self.where[name] = [position]
        else:
            positions.append(position)
        if flags:
            if flags & _SPECIAL:
                self.special.append(position)
                if flags & _STRICT:
                    self.strict.append(position)
            if flags & _SCOPE:
                self.scope.append(position)
                if flags & _TABLE_SCOPE:
                    self.table_scope.append(position)
            if flags & (_BUTTON | _LIST):
                (self.button if flags & _BUTTON else self.lists).append(position)
            if flags & _FOREIGN:
                below = self.foreign[-1][1] if self.foreign and self.foreign[-1][0] == position - 1 else position - 1
                self.foreign.append((position, below))
            if flags & _MARKER:
                self.markers.append(self.seq)
                self.seq += 1
            if flags & (_TABLEWISE | _CELLWISE):
                (self.tablewise if flags & _TABLEWISE else self.cellwise).append(position)
        if position >= self.deepest:
            self.deepest = position + 1

    def pop_to(self, position: int) -> None:
        """Pop every element down to and including the one at ``position``."""
        names, flags = self.names, self.flags
        while len(names) > position:
            top = len(names) - 1
            name, flag = names.pop(), flags.pop()
            self.where[name].pop()
            if flag:
                if flag & _SPECIAL:
                    self.special.pop()
                    if flag & _STRICT:
                        self.strict.pop()
                if flag & _SCOPE:
                    self.scope.pop()
                    if flag & _TABLE_SCOPE:
                        self.table_scope.pop()
                if flag & (_BUTTON | _LIST):
                    (self.button if flag & _BUTTON else self.lists).pop()
                if flag & _FOREIGN:
                    self.foreign.pop()
                    if not self.foreign:
                        self.uncertain = False
                if flag & _FORMATTING:
                    entry = self.entries.pop(top, None)
                    if entry is not None and entry.state == _ON:
                        entry.state = _STALE  # closed by something else: the parser rebuilds it
                        self.stale += 1
                if flag & _MARKER:
                    self._clear_to_marker()
                if flag & (_TABLEWISE | _CELLWISE):
                    (self.tablewise if flag & _TABLEWISE else self.cellwise).pop()

    def in_table_mode(self) -> bool:
        """Whether the parser is in a table insertion mode: the nearest table part is no cell.
        (Elements foster-parented out of a table sit above it without changing that.)"""
        return self.tablewise[-1] > self.cellwise[-1]

    def top_is_foreign(self) -> bool:
        return bool(self.foreign) and self.foreign[-1][0] == len(self.names) - 1

    def highest(self, *names: str) -> int:
        return max((self.where[name][-1] for name in names if self.where.get(name)), default=-1)

    def bury(self, position: int) -> None:
        """The parser removed the HTML element at ``position`` from the middle of its stack: keep it
        for depth, but as nothing an end tag can find or a scope can stop at."""
        name, flag = self.names[position], self.flags[position]
        _remove(self.where[name], position)
        for stack, bit in ((self.special, _SPECIAL), (self.strict, _STRICT), (self.scope, _SCOPE),
                           (self.table_scope, _TABLE_SCOPE), (self.button, _BUTTON), (self.lists, _LIST),
                           (self.tablewise, _TABLEWISE), (self.cellwise, _CELLWISE)):
            if flag & bit:
                _remove(stack, position)
        entry = self.entries.pop(position, None)
        if entry is not None:
            self.forget(entry)
        self.names[position] = _DEAD
        self.flags[position] = 0
        insort(self.where.setdefault(_DEAD, []), position)

    # ---- active formatting elements

    def add_formatting(self, name: str, key) -> None:
        """Push formatting element ``name`` (attributes ``key``) and put it on the active list; a
        fourth identical one after the last marker drops the earliest (the standard's Noah's Ark)."""
        same = [entry for entry in self.ark.get(key, ()) if entry.state != _GONE and entry.seq > self.markers[-1]]
        if len(same) >= 3:
            self.forget(same[0])
        self.ark[key] = same[-3:]
        entry = _Entry(name, key, self.seq)
        self.seq += 1
        self.push(name, _FLAGS[name])
        entry.position = len(self.names) - 1
        self.entries[entry.position] = entry
        self.active.append(entry)
        self.by_name.setdefault(name, []).append(entry)
        self.ark[key].append(entry)

    def forget(self, entry: _Entry) -> None:
        if entry.state == _GONE:
            return
        if entry.state == _STALE:
            self.stale -= 1
        elif entry.state == _ON:
            self.entries.pop(entry.position, None)
        entry.state = _GONE
        self.gone += 1
        if self.gone > 32 and self.gone * 2 > len(self.active):
            # Entries forgotten mid-list would be walked at every rebuild: drop them in bulk.
            self.active = [kept for kept in self.active if kept.state != _GONE]
            self.gone = 0

    def latest(self, name: str) -> _Entry | None:
        """The last active entry named ``name`` after the last marker."""
        entries = self.by_name.get(name)
        while entries and entries[-1].state == _GONE:
            entries.pop()
        if entries and entries[-1].seq > self.markers[-1]:
            return entries[-1]
        return None

    def _clear_to_marker(self) -> None:
        marker, active = self.markers.pop(), self.active
        while active and active[-1].seq > marker:
            entry = active.pop()
            if entry.state == _GONE:
                self.gone -= 1
                continue
            if entry.state == _STALE:
                self.stale -= 1
            else:
                self.entries.pop(entry.position, None)
            entry.state = _GONE

    def rebuild(self) -> None:
        """Reconstruct the active formatting elements closed since (text or an element follows)."""
        active, pending = self.active, []
        index = len(active) - 1
        while index >= 0:
            entry = active[index]
            if entry.seq <= self.markers[-1] or entry.state == _ON:
                break
            if entry.state == _STALE:
                pending.append(entry)
            index -= 1
        while active and active[-1].state == _GONE:
            active.pop()
            self.gone -= 1
        if not pending:
            return
        self.rebuilt += len(pending)
        if self.rebuilt > self.max_rebuilt:
            raise _TooManyRebuilt
        for entry in reversed(pending):
            self.push(entry.name, _FLAGS[entry.name])
            entry.state, entry.position = _ON, len(self.names) - 1
            self.entries[entry.position] = entry
            self.stale -= 1

    def adoption(self, name: str) -> bool:
        """The end tag of formatting element ``name`` (the standard's adoption agency algorithm).
        False when there is no such active element (the end tag is then an ordinary one)."""
        entry = self.latest(name)
        if entry is None:
            return False
        if entry.state == _STALE:
            self.forget(entry)
            return True
        position = entry.position
        if position <= self.scope[-1]:
            return True  # not in scope: ignored
        if self.special[-1] > position:
            # A block opened inside it (a "furthest block"): the parser takes the element and the
            # non-formatting elements between the two off its stack and puts a copy of the element,
            # still active, above the block. The model keeps them all for depth, out of reach of end
            # tags, and has the copy rebuilt with the next text (no shallower than the parser).
            furthest = self.special[bisect_right(self.special, position)]
            for between in range(furthest - 1, position, -1):
                if self.flags[between] & _FOREIGN:
                    self.uncertain = True
                elif not self.flags[between] & _FORMATTING and self.names[between] != _DEAD:
                    self.bury(between)
            self.entries.pop(position, None)
            self.bury(position)
            entry.state = _STALE
            self.stale += 1
            return True
        self.forget(entry)
        self.pop_to(position)
        return True


def _remove(positions: list[int], position: int) -> None:
    """Remove ``position`` from a sorted list of positions."""
    del positions[bisect_right(positions, position) - 1]


class _TooManyRebuilt(Exception):
    pass
