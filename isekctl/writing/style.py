"""The one canonical YAML layout of the data files, for every command that writes them.

Keys in the order of the spec (the model's field order, unknown keys last), two-space
indentation, lists of scalars and short records (budget lines, indicator values) in
flow style, comments where they were. Text a clerk can read and edit:

* a text without line break stays on one line, however long, without quotes where
  YAML allows it and in quotes where a YAML tool would read it as something else
  (`no`, `0503`, `2021-09-30`, a leading `-`, `: ` inside …);
* a text with line breaks becomes a literal block (`|`), never a folded one (`>`);
  a folded block the author wrote with line breaks in its value stays as written;
* what is written without quotes stays without quotes (`2021` stays a number for other
  YAML tools), and what is quoted stays a text for every reader.

The writer is our own (`emit`), on the comment-keeping tree of `tree.py`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any, Final

from pydantic import BaseModel

from ..dates import PartialDate
from ..model import BudgetLine, Observation, Target, model_in, plain_number
from .tree import FOLDED, MAPPING, PLAIN, SCALAR, SEQUENCE, TAGGED, TEXT, Node, Unsafe, read

FLOW_RECORDS: Final = (BudgetLine, Observation, Target)
# strings that some YAML reader would not read as text; written in quotes
_AMBIGUOUS: Final = re.compile(
    r"(?i:y|yes|n|no|true|false|on|off|null|~)|[-+]?(\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|\.\d+|0[xob][\da-fA-F_]+)"
    r"|\d+(:[0-5]?\d)+(\.\d*)?|[-+]?\.(?i:inf|nan)|\d{4}-\d\d?-\d\d?([Tt ].*)?|=|<<"
)
_INDICATORS: Final = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_UNSAFE: Final = re.compile(r"[,\[\]{}:#]")
_BREAKS: Final = re.compile("[\n\r\x85\u2028\u2029]")
# what YAML cannot hold unescaped (c-printable), and the BOM
_UNPRINTABLE: Final = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|\ufeff"
)
_ESCAPES: Final = {
    "\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
    "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N", "\u2028": "\\L",
    "\u2029": "\\P",
}  # fmt: skip


def needs_quotes(text: str) -> bool:
    """Would some YAML reader take this text, written without quotes, for something else?"""
    return bool(_AMBIGUOUS.fullmatch(text))


def nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def plain_ok(text: str, *, flow: bool = False) -> bool:
    """Can `text` be written without quotes and read back as the same text?"""
    if not text or text[0] in " \t" or text[-1] in " \t":
        return False
    if text[0] in _INDICATORS:
        # `-`, `?` and `:` may start a plain text when a non-blank follows (`-5`, `:x`)
        if text[0] not in "-?:" or len(text) < 2 or text[1] in " \t":
            return False
        if flow and text[1] in ",[]{}":
            return False
    if text.startswith(("---", "...")) or text.endswith(":"):
        return False
    if ": " in text or ":\t" in text or " #" in text or "\t#" in text:
        return False
    if _BREAKS.search(text) or _UNPRINTABLE.search(text):
        return False
    return not (flow and _FLOW_UNSAFE.search(text))


def quoted(text: str) -> str:
    """Single quotes where they can hold the text, else double quotes with escapes."""
    if not _BREAKS.search(text) and not _UNPRINTABLE.search(text):
        return "'" + text.replace("'", "''") + "'"
    return '"' + "".join(_escape(c) for c in text) + '"'


def _escape(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if _UNPRINTABLE.match(char):
        code = ord(char)
        return (
            f"\\x{code:02x}"
            if code < 0x100
            else f"\\u{code:04x}"
            if code < 0x10000
            else f"\\U{code:08x}"
        )
    return char


def literal(text: str) -> tuple[str, list[str]] | None:
    """Header and unindented lines of `text` as a literal block, if it can be one exactly."""
    body = text[:-1] if text.endswith("\n") else text
    if not body or body.endswith("\n") or body.startswith("\n"):
        return None  # leading or several trailing line breaks: only quotes keep them exactly
    if "\r" in body or "\x85" in body or "\u2028" in body or "\u2029" in body:
        return None
    if _UNPRINTABLE.search(body.replace("\n", "")):
        return None
    lines = body.split("\n")
    for line in lines:
        if line and (line[-1] in " \t" or not line.strip(" \t") or line[0] == "\t"):
            return None  # blanks at the end are invisible and often stripped; a tab first
            # would look like indentation
    header = "|" + ("2" if lines[0].startswith(" ") else "") + ("" if text.endswith("\n") else "-")
    return header, lines


def _folded_source(node: Node) -> tuple[str, list[str]] | None:
    """The author's folded block, re-indented, when it can be kept exactly as written."""
    if not node.source:
        return None
    indicator, lines = node.source
    if any(c.isdigit() or c == "+" for c in indicator):
        return None
    if "-" not in indicator and not str(node.value).endswith("\n"):
        return None  # the block ends the file without a line break: only `|-` says so
    content = [line for line in lines if line.strip(" \t")]
    if not content:
        return None
    indent = len(content[0]) - len(content[0].lstrip(" "))
    kept: list[str] = []
    for line in lines:
        if not line.strip(" \t"):
            if len(line) > indent:
                return None  # blanks that are content
            kept.append("")
        elif line[:indent].strip(" "):
            return None
        else:
            kept.append(line[indent:])
    return (indicator, kept) if _reads_as(indicator, kept, node.value) else None


def _reads_as(header: str, lines: list[str], value: str) -> bool:
    """Does this block scalar, written on its own, hold exactly `value`? (for kept blocks)"""
    body = "".join(f"  {line}\n" if line else "\n" for line in lines)
    try:
        tree, _ = read(f"x: {header}\n{body}")
    except Exception:
        return False
    return tree is not None and tree.value[0][1].value == value


# --- the canonical layout of a tree ----------------------------------------------------


def canonical(node: Node, model: type[BaseModel] | None) -> None:
    """Bring a tree into the canonical layout, in place: order, styles, the form of each text.

    Raises `Unsafe` where comments would have no place in that layout.
    """
    if node.head:  # `--- # note`: a line of its own above the data
        node.before, node.head = [*(node.before or []), node.head.strip()], None
    _lift(node)
    if node.kind != SCALAR and node.trail:  # `{…} # note` as the whole file
        node.after, node.trail = [node.trail.strip(), *(node.after or [])], None
    _canonical(node, model, flow=False, key=False, root=True)
    if node.kind == SCALAR and node.form[0] == "b" and node.trail:  # a text block as the file
        node.before, node.trail = [*(node.before or []), node.trail.strip()], None


def _lift(node: Node) -> None:
    """Comments above the first entry of a list item go above the item (`- key: …`), from
    the deepest level up, so that nested items need no line of their own."""
    if node.kind == SCALAR:
        return
    children = [v for _, v in node.value] if node.kind == MAPPING else node.value
    for child in children:
        _lift(child)
    if node.kind == SEQUENCE:
        for item in node.value:
            if item.kind != SCALAR and item.value:
                first = item.value[0][0] if item.kind == MAPPING else item.value[0]
                if first.before:
                    item.before = [*(item.before or []), *first.before]
                    first.before = None


def _canonical(
    node: Node, model: type[BaseModel] | None, *, flow: bool, key: bool, root: bool = False
) -> None:
    if node.kind == SCALAR:
        form = _scalar_form(node, flow=flow, key=key)
        if form is None:  # only asked in flow context after _flowable said yes
            raise Unsafe(node.line, "Ein Wert lässt sich in dieser Form nicht schreiben.")
        node.form = form
        if node.head and node.trail:
            raise Unsafe(node.line, "Zwei Kommentare gehören an dieselbe Stelle.")
        return
    if node.kind == MAPPING:
        if model is not None:
            fields = list(model.model_fields)
            rank = {name: index for index, name in enumerate(fields)}
            node.value.sort(key=lambda pair: rank.get(pair[0].value, len(rank)))
        node.flow = (
            flow
            or not node.value
            or (model is not None and issubclass(model, FLOW_RECORDS) and _flowable(node, root))
        )
        for name, value in node.value:
            _one_comment_per_line(value, name)
            _canonical(name, None, flow=node.flow, key=True)
            _canonical(value, _field_model(model, name.value), flow=node.flow, key=False)
    else:
        scalars = all(item.kind == SCALAR for item in node.value)
        node.flow = flow or not node.value or (scalars and _flowable(node, root))
        for item in node.value:
            _one_comment_per_line(item, item)
            _canonical(item, model, flow=node.flow, key=False)
    if node.flow and node.head:
        if node.trail:
            raise Unsafe(node.line, "Zwei Kommentare gehören an dieselbe Stelle.")
        node.trail, node.head = node.head, None
    elif not node.flow and node.trail:  # `{…} # note` written as a block: the note opens it
        if node.head:
            node.after = [node.trail.strip(), *(node.after or [])]
        else:
            node.head = node.trail
        node.trail = None


def _one_comment_per_line(value: Node, above: Node) -> None:
    """`key:   # a` with the value and `# b` on the next line: `# a` goes above the entry."""
    if value.kind == SCALAR and value.head and value.trail:
        above.before, value.head = [*(above.before or []), value.head.strip()], None


def _flowable(node: Node, root: bool) -> bool:
    """Can this collection be written on one line without losing a comment or a meaning?

    (The comments after the root are written below it, whatever its style.)
    """
    if any(node.inner or ()) or (node.head and node.trail) or (not root and any(node.after or ())):
        return False
    children = (
        [part for pair in node.value for part in pair] if node.kind == MAPPING else node.value
    )
    for child in children:
        if child.kind != SCALAR or any(child.before or ()) or child.head or child.trail:
            return False
        if child.value is None and not child.source:
            return False  # `actual:` with nothing: block style keeps it as written
        if _scalar_form(child, flow=True, key=False) is None:
            return False
    return True


def _field_model(model: type[BaseModel] | None, name: Any) -> type[BaseModel] | None:
    if model is None or not isinstance(name, str):
        return None
    return _field_model_of(model, name)


@functools.cache
def _field_model_of(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    if name not in model.model_fields:
        return None
    return model_in(model.model_fields[name].annotation)


Form = tuple[str, ...]  # ("i", text) on the line, or ("b", header, *lines) as a block


def _scalar_form(node: Node, *, flow: bool, key: bool) -> Form | None:
    value = node.value
    if node.style == TAGGED:  # kept exactly: tools disagree on what `! 2020` is
        text = nfc(value) if value is not None else node.source or ""
        if flow and (not text or not plain_ok(text, flow=True)):
            return None
        return ("i", f"! {text}" if text else "!")
    if value is None:
        written = node.source if isinstance(node.source, str) else ""
        if not written and (key or flow):
            return ("i", "~") if key else None
        return ("i", written)
    text = nfc(value)
    if "\n" in text or _BREAKS.search(text):
        if flow or key:
            return None if flow else ("i", quoted(text))
        if node.style == FOLDED and "\n" in text:
            kept = _folded_source(node)
            if kept is not None:
                return ("b", kept[0], *kept[1])
        block = literal(text)
        return ("b", block[0], *block[1]) if block else ("i", quoted(text))
    if node.style == PLAIN:  # stays without quotes where it can
        if plain_ok(text, flow=flow):
            return ("i", text)
        if not needs_quotes(text):  # a text for every reader: quotes change nothing
            return ("i", quoted(text))
        return None if flow else ("i", text)
    if plain_ok(text, flow=flow) and not needs_quotes(text):
        return ("i", text)
    return ("i", quoted(text))


# --- writing a tree as text --------------------------------------------------------------


def emit(root: Node) -> str:
    """The text of a tree in canonical layout (after `canonical`), line feeds only."""
    out: list[str] = []
    _comment_lines(out, root.before, 0)
    if root.kind == MAPPING and not root.flow:
        _mapping(out, root, 0)  # with the comments after it
    elif root.kind == SEQUENCE and not root.flow:
        _sequence(out, root, 0)
    else:
        _value(out, "", root, 2)
        _comment_lines(out, root.after, 0)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def _comment_lines(out: list[str], lines: list[str] | None, indent: int) -> None:
    for line in lines or ():
        if line:
            out.append(" " * indent + line.strip())
        elif out and out[-1]:  # one blank line at most, none at the start
            out.append("")


def _mapping(out: list[str], node: Node, indent: int) -> None:
    for name, value in node.value:
        _comment_lines(out, name.before, indent)
        _value(out, " " * indent + name.form[1] + ":", value, indent + 2)
    _comment_lines(out, node.inner, indent)
    _comment_lines(out, node.after, indent)


def _sequence(out: list[str], node: Node, indent: int) -> None:
    for item in node.value:
        _comment_lines(out, item.before, indent)
        _value(out, " " * indent + "-", item, indent + 2)
    _comment_lines(out, node.inner, indent)
    _comment_lines(out, node.after, indent)


def _value(out: list[str], prefix: str, node: Node, indent: int) -> None:
    """`node` after `prefix` (`key:`, `-` or nothing); its own lines indented by `indent`."""
    space = " " if prefix else ""
    if node.kind == SCALAR:
        form = node.form
        comment = node.head or node.trail or ""
        if form[0] == "i":
            out.append(prefix + (space + form[1] if form[1] else "") + comment)
        else:
            out.append(prefix + space + form[1] + comment)
            out.extend(" " * indent + line if line else "" for line in form[2:])
        return
    if node.flow:
        out.append(prefix + space + _flow(node) + (node.trail or ""))
        return
    first = node.value[0][0] if node.kind == MAPPING else node.value[0]
    if prefix.endswith("-") and not node.head and not first.before:  # compact: `- key: value`
        start = len(out)
        (_mapping if node.kind == MAPPING else _sequence)(out, node, indent)
        first = out[start]
        out[start] = prefix + " " + first[indent:]
        return
    out.append(prefix + (node.head or ""))
    (_mapping if node.kind == MAPPING else _sequence)(out, node, indent)


def _flow(node: Node) -> str:
    if node.kind == SEQUENCE:
        return "[" + ", ".join(_flow_item(item) for item in node.value) + "]"
    return "{" + ", ".join(f"{k.form[1]}: {_flow_item(v)}" for k, v in node.value) + "}"


def _flow_item(node: Node) -> str:
    return node.form[1] if node.kind == SCALAR else _flow(node)


# --- models to trees ----------------------------------------------------------------------

_ALWAYS: Final = {"id", "title", "state", "goals", "level", "status", "department"}
_NUMERIC_KEYS: Final = {"product_areas"}


def _area_key(text: str) -> Node:
    """Product area keys: `5` stays a number in the file, `"05"` keeps its quotes."""
    plain = text.isdigit() and (text == "0" or not text.startswith("0"))
    return Node(SCALAR, text, PLAIN if plain else TEXT)


def to_node(value: Any, *, field: str = "") -> Node:
    """Model data as a tree (fields at their defaults left out, except the essential ones)."""
    if isinstance(value, BaseModel):
        node = Node(MAPPING, [])
        fields = type(value).model_fields
        for name in fields:
            item = getattr(value, name)
            if item is None or (item == fields[name].default and name not in _ALWAYS):
                continue
            node.value.append((Node(SCALAR, name, TEXT), to_node(item, field=name)))
        return node
    if isinstance(value, list | tuple):
        return Node(SEQUENCE, [to_node(v, field=field) for v in value])
    if isinstance(value, dict):
        node = Node(MAPPING, [])
        for key, item in value.items():
            label = _area_key(str(key)) if field in _NUMERIC_KEYS else Node(SCALAR, str(key), TEXT)
            node.value.append((label, to_node(item, field=str(key))))
        return node
    if value is None:
        return Node(SCALAR, None, PLAIN)
    if isinstance(value, bool):
        return Node(SCALAR, "true" if value else "false", PLAIN)
    if isinstance(value, int | date):
        return Node(SCALAR, str(value) if isinstance(value, int) else value.isoformat(), PLAIN)
    if isinstance(value, Decimal):
        return Node(SCALAR, str(plain_number(value)), PLAIN)
    if isinstance(value, PartialDate):
        if value.precision == "year":
            return Node(SCALAR, str(value.first.year), PLAIN)
        if value.precision == "day":
            return Node(SCALAR, value.first.isoformat(), PLAIN)
        return Node(SCALAR, str(value), TEXT)
    if isinstance(value, str):
        return _area_key(value) if field == "product_area" else Node(SCALAR, value, TEXT)
    raise TypeError(f"no YAML form for {type(value).__name__}")


def header(schema: str | None = None, comment: str | None = None) -> list[str]:
    """The first lines of a new file: the editor's schema line and an optional comment."""
    lines = [f"# yaml-language-server: $schema={schema}"] if schema else []
    if comment:
        lines.extend(f"# {line}".rstrip() for line in comment.splitlines())
    return lines


def model_text(model: BaseModel, *, schema: str | None = None, comment: str | None = None) -> str:
    """The text of a whole new file holding `model`, in canonical layout."""
    root = to_node(model)
    root.before = header(schema, comment) or None
    canonical(root, type(model))
    return emit(root)
