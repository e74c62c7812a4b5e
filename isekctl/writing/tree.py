"""A data file as a tree that keeps its comments, for the commands that write files.

The tree is built from libyaml's event stream (the same C parser `reading/yaml.py`
uses) plus one scan of the text for what the events leave out: comments and blank
lines. Every `#` outside the span of a scalar starts a comment, so nothing between
the scalars can hide one. Each comment is attached to the place it belongs to:

* `before`: full-line comments (and blank lines, as "") above a mapping entry (kept on
  its key), a sequence item, or the whole document;
* `head`: the end-of-line comment of the line that opens a node (`key:   # …` above a
  nested block, `- # …`, a block scalar's `|- # …`, `[ # …`);
* `trail`: the end-of-line comment after a scalar or a flow collection;
* `after`: full-line comments below the last entry or item of a collection, indented
  at least as deep as its entries (the last comment of a file belongs to the root);
* `inner`: comments inside a flow collection after its last item, before `]` or `}`.

A file whose comments can't be placed unambiguously raises `Unsafe`; the writer then
leaves it as it is. No round-trip loader is involved: parsing is the C parser plus a
Python loop over its events, a few microseconds per value.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any, Final

SCALAR: Final = 0
MAPPING: Final = 1
SEQUENCE: Final = 2

# Scalar styles in the tree. PLAIN: written without quotes, so what it means to other
# YAML tools depends on the text (`2021` is a number there). TEXT: quoted, a string for
# every reader. TAGGED: without quotes after the non-specific tag `!`, a string by the
# spec, but read as a number by some tools: always written as it was (`! 2020`).
# LITERAL, FOLDED: block scalars.
PLAIN: Final = ""
TEXT: Final = "'"
TAGGED: Final = "!"
LITERAL: Final = "|"
FOLDED: Final = ">"

NULLS: Final = frozenset(("", "~", "null", "Null", "NULL"))
_BLOCK_HEADER: Final = re.compile(r"[|>]([1-9+-]?)([1-9+-]?)")
_BLANK_LINE: Final = re.compile(r"^[ \t]*$", re.MULTILINE)


class Unsafe(Exception):
    """The file's comments cannot be kept in place; it is left as it is."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line  # 1-based
        self.message = message


class TooLarge(Exception):
    """More values than any data file may hold (the loader's item limit)."""


class Node:
    """One value of the file with the comments around it.

    `value` is the text as isekctl reads it (None for null) for scalars, a list of
    (key, value) pairs for mappings, a list of nodes for sequences.
    """

    __slots__ = (
        "after",
        "before",
        "flow",
        "form",
        "head",
        "inner",
        "kind",
        "line",
        "source",
        "style",
        "trail",
        "value",
    )  # fmt: skip

    def __init__(
        self, kind: int, value: Any, style: str = PLAIN, *, flow: bool = False, line: int = 0
    ) -> None:
        self.kind = kind
        self.value = value
        self.style = style
        self.source: Any = None  # null: the text written; folded: (chomping, content lines)
        self.flow = flow
        self.before: list[str] | None = None
        self.head: str | None = None
        self.trail: str | None = None
        self.after: list[str] | None = None
        self.inner: list[str] | None = None  # flow collections: comments before `]` or `}`
        self.line = line  # 1-based line where the node starts (0: made, not read)
        self.form: tuple[str, ...] = ()  # scalars: how the canonical layout writes it (style.py)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Node({self.kind}, {self.value!r}, {self.style!r})"

    # --- mappings -------------------------------------------------------------------

    def get(self, key: str) -> Node | None:
        for name, value in self.value:
            if name.value == key:
                return value  # type: ignore[no-any-return]
        return None

    def names(self) -> list[str]:
        return [str(name.value) for name, _ in self.value]

    def put(self, key: str, value: Node, order: list[str] | None = None) -> None:
        """Set `key` to `value`: in place when present, else at its place in `order`."""
        for index, (name, old) in enumerate(self.value):
            if name.value == key:
                value.trail = value.trail or old.trail
                value.head = value.head or old.head
                self.value[index] = (name, value)
                return
        position = len(self.value)
        if order and key in order:
            rank = order.index(key)
            for index, (name, _) in enumerate(self.value):
                if name.value in order and order.index(name.value) > rank:
                    position = index
                    break
        self.value.insert(position, (Node(SCALAR, key, TEXT), value))


def comments(node: Node | None) -> list[str]:
    """Every comment of the tree, in document order (for the before/after comparison)."""
    found: list[str] = []

    def walk(item: Node | None) -> None:
        if item is None:
            return
        found.extend(c.strip() for c in item.before or () if c)
        found.extend(single.strip() for single in (item.head, item.trail) if single)
        if item.kind == MAPPING:
            for key, value in item.value:
                walk(key)
                walk(value)
        elif item.kind == SEQUENCE:
            for value in item.value:
                walk(value)
        found.extend(c.strip() for c in (*(item.inner or ()), *(item.after or ())) if c)

    walk(node)
    return found


def _event_source(text: str) -> tuple[Callable[[], Any], Callable[[], None]]:
    try:
        from _ruamel_yaml_clibz import CParser  # libyaml, as in reading/yaml.py
    except ImportError:  # pragma: no cover - platforms without the wheel
        from ruamel.yaml import YAML

        stream = iter(YAML(typ="safe", pure=True).parse(text))
        return (lambda: next(stream, None)), (lambda: None)
    parser = CParser(text)
    return parser.get_event, parser.dispose


_S, _MS, _SS, _ME, _SE, _OTHER = range(6)


def _read_events(text: str) -> list[tuple[Any, ...]]:
    """(kind, value, style, tagged, flow, start index, start line, start column, end index,
    end line) of every event that matters."""
    from ruamel.yaml import events as ev

    kinds = {
        ev.ScalarEvent: _S,
        ev.MappingStartEvent: _MS,
        ev.SequenceStartEvent: _SS,
        ev.MappingEndEvent: _ME,
        ev.SequenceEndEvent: _SE,
    }
    from ..reading.yaml import MAX_NODES

    next_event, release = _event_source(text)
    found: list[tuple[Any, ...]] = []
    nodes = 0
    try:
        while (event := next_event()) is not None:
            kind = kinds.get(type(event), _OTHER)
            if kind == _OTHER:
                continue
            if kind <= _SS:
                nodes += 1
                if nodes > MAX_NODES:
                    raise TooLarge
            start, end = event.start_mark, event.end_mark
            found.append((
                kind, getattr(event, "value", None), getattr(event, "style", None),
                getattr(event, "tag", None) is not None, getattr(event, "flow_style", None),
                start.index, start.line, start.column, end.index, end.line,
            ))  # fmt: skip
    finally:
        release()
    return found


class _Frame:
    __slots__ = ("key", "key_comment", "node", "threshold")

    def __init__(self, node: Node, threshold: int) -> None:
        self.node = node
        self.threshold = threshold  # comments below the last entry this deep belong to it
        self.key: Node | None = None
        self.key_comment: str | None = None


def parse(text: str) -> Node | None:
    """The tree of `text` (line feeds only, no BOM); None for a file without content."""
    return read(text)[0]


def read(text: str) -> tuple[Node | None, list[str]]:
    """The tree of `text` and every comment found in it (stripped, in order).

    Raises `Unsafe` for comments that have no unambiguous place, and whatever the
    parser raises for text that is not YAML (callers read the file with the checking
    loader first).
    """
    events = _read_events(text)
    spans: list[tuple[int, int]] = []
    folded: dict[int, tuple[str, list[str]]] = {}
    for kind, _, style, _, _, start, _, _, end, _ in events:
        if kind != _S:
            continue
        if style in ("|", ">"):
            header_end = text.find("\n", start)
            header_end = len(text) if header_end < 0 else header_end
            content_end = end
            match = _BLOCK_HEADER.match(text, start)
            chomping = "".join(c for c in (match.groups() if match else ()) if c in "+-")
            if chomping != "+":  # trailing blank lines are not content: keep them as blank lines
                content_end = max(header_end, len(text[:end].rstrip(" \t\n")))
            spans.append((header_end + 1, content_end))
            if style == ">":
                indicator = match.group(0) if match else ">"
                lines = text[header_end + 1 : content_end].split("\n")
                folded[start] = (indicator, lines)
        elif end > start:
            spans.append((start, end))
    builder = _Builder(text, events, spans, folded)
    found = [body.strip() for _, _, _, body, _ in builder.trivia if body]
    return builder.build(), found


class _Builder:
    def __init__(
        self,
        text: str,
        events: list[tuple[Any, ...]],
        spans: list[tuple[int, int]],
        folded: dict[int, tuple[str, list[str]]],
    ) -> None:
        self.text = text
        self.events = events
        self.folded = folded
        self.trivia = _trivia(text, spans)
        self.next_trivia = 0
        self.pending: list[tuple[int, str]] = []  # (column, comment) and (-1, "") for blank lines
        self.pending_head: str | None = None
        self.anchor: tuple[int, Any, str] | None = None  # (line, object, slot) of the last token
        self.stack: list[_Frame] = []

    def build(self) -> Node | None:
        root: Node | None = None
        stack = self.stack
        for kind, value, style, tagged, flow, start, line, column, _end, end_line in self.events:
            if kind in (_S, _MS, _SS):
                self._consume(start)
                if kind == _S:
                    node = self._scalar(value, style, tagged, start, line)
                else:
                    node = Node(
                        MAPPING if kind == _MS else SEQUENCE, [], flow=bool(flow), line=line + 1
                    )
                if not stack:
                    root = node
                    node.before = self._take()
                    node.head = self._take_head()
                else:
                    frame = stack[-1]
                    parent = frame.node
                    if parent.kind == MAPPING and frame.key is None:  # a key
                        if kind != _S:
                            raise Unsafe(line + 1, "Ein Feldname ist kein einfacher Text.")
                        node.before = self._take()
                        head = self._take_head()
                        if head:
                            node.before = [*(node.before or []), head.strip()]
                        frame.key = node
                        self.anchor = (end_line, frame, "key_comment")
                        continue
                    if parent.kind == MAPPING:  # the value of frame.key
                        key = frame.key
                        assert key is not None
                        if kind == _S and self.pending:  # comment between key and value: above
                            key.before = [*(key.before or []), *self._take()]
                        node.head = _join(frame.key_comment, self._take_head(), line)
                        frame.key_comment = None
                        frame.key = None
                        parent.value.append((key, node))
                    else:
                        node.before = self._take()
                        node.head = self._take_head()
                        parent.value.append(node)
                if kind == _S:
                    if style in ("|", ">"):
                        self.anchor = (line, node, "head")
                    else:
                        self.anchor = (end_line, node, "trail")
                else:
                    threshold = column
                    if stack and stack[-1].node.kind == MAPPING and not node.flow:
                        threshold = max(column, stack[-1].threshold + 1)
                    stack.append(_Frame(node, threshold))
                    if node.flow:
                        self.anchor = (line, node, "head")
            elif kind in (_ME, _SE):
                self._consume(start)
                frame = stack.pop()
                node = frame.node
                if node.flow:
                    inside = self._take()
                    head = self._take_head()
                    if head:
                        inside.append(head.strip())
                    node.inner = inside or None
                    self.anchor = (end_line, node, "trail")
                else:
                    node.after = self._take_deeper(frame.threshold)
        self._consume(len(self.text) + 1)
        if root is not None:
            rest = self._take()
            head = self._take_head()
            if head:
                rest.append(head.strip())
            if rest:
                root.after = [*(root.after or []), *rest]
        return root

    def _scalar(self, value: str, style: str | None, tagged: bool, start: int, line: int) -> Node:
        if style in ("", None):
            if value in NULLS:
                node = Node(SCALAR, None, TAGGED if tagged else PLAIN, line=line + 1)
                node.source = value
                return node
            return Node(SCALAR, value, TAGGED if tagged else PLAIN, line=line + 1)
        if style == "|":
            return Node(SCALAR, value, LITERAL, line=line + 1)
        if style == ">":
            node = Node(SCALAR, value, FOLDED, line=line + 1)
            node.source = self.folded.get(start)
            return node
        return Node(SCALAR, value, TEXT, line=line + 1)

    def _consume(self, upto: int) -> None:
        trivia = self.trivia
        while self.next_trivia < len(trivia) and trivia[self.next_trivia][0] < upto:
            _, line, column, body, end_of_line = trivia[self.next_trivia]
            self.next_trivia += 1
            if not end_of_line:
                self.pending.append((column, body))
                continue
            anchor = self.anchor
            if anchor is not None and anchor[0] == line:
                holder, slot = anchor[1], anchor[2]
                if getattr(holder, slot):
                    raise Unsafe(line + 1, "Zwei Kommentare gehören an dieselbe Stelle.")
                setattr(holder, slot, body)
            elif self.pending_head is None:
                self.pending_head = body
            else:
                raise Unsafe(line + 1, "Zwei Kommentare gehören an dieselbe Stelle.")

    def _take(self) -> list[str]:
        taken = [body for _, body in self.pending]
        self.pending.clear()
        return taken

    def _take_head(self) -> str | None:
        head, self.pending_head = self.pending_head, None
        return head

    def _take_deeper(self, threshold: int) -> list[str] | None:
        """The leading comments indented at least `threshold` (blank lines between them too)."""
        last = 0
        for count, (column, body) in enumerate(self.pending, 1):
            if body and column < threshold:
                break
            if body:
                last = count
        if not last:
            return None
        taken = [body for _, body in self.pending[:last]]
        del self.pending[:last]
        return taken


def _join(first: str | None, second: str | None, line: int) -> str | None:
    if first and second:
        raise Unsafe(line + 1, "Zwei Kommentare gehören an dieselbe Stelle.")
    return first or second


def _trivia(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, int, str, bool]]:
    """(index, line, column, text, end of line?) of every comment and blank line outside scalars.

    Comments are kept with the blanks before the `#` when they end a line (to keep the gap).
    """
    line_starts = [0]
    position = text.find("\n")
    while position >= 0:
        line_starts.append(position + 1)
        position = text.find("\n", position + 1)
    candidates: list[tuple[int, bool]] = []  # (index, blank line?)
    position = text.find("#")
    while position >= 0:
        candidates.append((position, False))
        position = text.find("#", position + 1)
    candidates.extend(
        (m.start(), True) for m in _BLANK_LINE.finditer(text) if m.start() < len(text)
    )
    candidates.sort()
    found: list[tuple[int, int, int, str, bool]] = []
    span = 0
    skip_to = -1
    for index, blank in candidates:
        if index < skip_to:
            continue
        while span < len(spans) and spans[span][1] <= index:
            span += 1
        if span < len(spans) and spans[span][0] <= index < spans[span][1]:
            continue
        line = bisect.bisect_right(line_starts, index) - 1
        line_start = line_starts[line]
        if blank:
            found.append((index, line, 0, "", False))
            continue
        line_end = line_starts[line + 1] - 1 if line + 1 < len(line_starts) else len(text)
        skip_to = line_end  # the rest of the line is this comment
        before = text[line_start:index]
        body = text[index:line_end].rstrip()
        if before.strip():
            gap = len(before) - len(before.rstrip(" \t"))
            found.append((index, line, index - line_start, " " * max(gap, 1) + body, True))
        else:
            found.append((index, line, index - line_start, body, False))
    return found
