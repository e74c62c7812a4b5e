"""The one canonical YAML layout of the data files, for every command that writes them.

Keys in the order of the spec (the model's field order), two-space indentation,
lists of scalars and short records (budget lines, indicator values) in flow
style, long text as block scalars, and quotes only where a value would otherwise
be read as something else, by YAML 1.2 or by a YAML 1.1 tool (`no`, `0503`).
This module uses ruamel.yaml's round-trip machinery, which keeps comments.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from pydantic import BaseModel

from ..dates import PartialDate
from ..model import BudgetLine, Observation, Target, plain_number

if TYPE_CHECKING:
    from ruamel.yaml import YAML

WIDTH: Final = 100  # longest line; longer single-line text is folded at word boundaries
FLOW_RECORDS: Final = (BudgetLine, Observation, Target)
# strings that some YAML reader would not read as text; written in quotes
_AMBIGUOUS: Final = re.compile(
    r"(?i:y|yes|n|no|true|false|on|off|null|~)|[-+]?(\d[\d_]*(\.\d*)?([eE][-+]?\d+)?|\.\d+|0[xob][\da-fA-F_]+)"
    r"|\d+(:[0-5]?\d)+(\.\d*)?|\.(?i:inf|nan)|-?\.(?i:inf)|\d{4}-\d\d?-\d\d?([Tt ].*)?|=|<<"
)


def yaml_reader() -> YAML:
    """ruamel's round-trip loader, which keeps comments and quoting (only for writers)."""
    from ruamel.yaml import YAML

    reader = YAML(typ="rt")
    reader.preserve_quotes = True
    return reader


def yaml_writer() -> YAML:
    from ruamel.yaml import YAML

    writer = YAML(typ="rt")
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.width = 4096  # lines are wrapped by us, at word boundaries, not by the emitter
    writer.preserve_quotes = True
    writer.allow_unicode = True
    return writer


def needs_quotes(text: str) -> bool:
    return bool(_AMBIGUOUS.fullmatch(text))


def scalar(text: str, key_column: int = 0, key: str = "") -> Any:
    """A string in its canonical style: literal block, folded block, quoted or plain.

    `key_column` and `key` tell where the value starts, to decide whether it fits.
    """
    from ruamel.yaml.scalarstring import (
        FoldedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    if "\n" in text:  # kept exactly, final newline or not (| or |-)
        return LiteralScalarString(text)
    fits = key_column + len(key) + 2 + len(text) <= WIDTH
    if key and not fits and " " in text and text == text.strip() and "  " not in text:
        folded = FoldedScalarString(text)
        folded.fold_pos = fold_positions(text, WIDTH - key_column - 2)
        return folded
    if not text or needs_quotes(text):  # an empty plain scalar would be null
        return SingleQuotedScalarString(text)
    return text


def fold_positions(text: str, width: int) -> list[int]:
    """Indexes of the blanks where a folded scalar breaks its lines."""
    positions, line_start, last_blank = [], 0, -1
    for index, char in enumerate(text):
        if char == " ":
            if index - line_start > width and last_blank > line_start:
                positions.append(last_blank)
                line_start = last_blank + 1
            last_blank = index
    if len(text) - line_start > width and last_blank > line_start:
        positions.append(last_blank)
    return positions


def _key_value(text: str) -> Any:
    """Product area keys: `5` stays a number in the file, `"05"` keeps its quotes."""
    return (
        int(text) if text.isdigit() and (text == "0" or not text.startswith("0")) else scalar(text)
    )


def to_node(value: Any, *, indent: int = -2, field: str = "") -> Any:
    """Model data to ruamel round-trip nodes in canonical style.

    `indent` is the column of the key `field` the value belongs to (-2 for a whole file).
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, BaseModel):
        node = CommentedMap()
        for name in type(value).model_fields:
            item = getattr(value, name)
            default = type(value).model_fields[name].default
            if item is None or (item == default and name not in _ALWAYS):
                continue
            node[name] = to_node(item, indent=indent + 2, field=name)
        if isinstance(value, FLOW_RECORDS):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list | tuple):
        seq = CommentedSeq([to_node(v, indent=indent + 2, field=field) for v in value])
        if all(not isinstance(v, BaseModel | dict | list) for v in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[_key_value(key) if field in _NUMERIC_KEYS else key] = to_node(
                item, indent=indent + 2, field=key
            )
        return node
    if isinstance(value, bool | int | date) or value is None:
        return value
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, PartialDate):
        if value.precision in ("year", "day"):  # plain 2021 and 2021-09-30, as people write them
            return value.first.year if value.precision == "year" else value.first
        return str(value)
    if isinstance(value, str):
        return _key_value(value) if field == "product_area" else scalar(value, indent, field)
    return value


_ALWAYS: Final = {"id", "title", "state", "goals", "level", "status", "department"}
_NUMERIC_KEYS: Final = {"product_areas"}


def dump(node: Any, *, schema: str | None = None, comment: str | None = None) -> str:
    """Text of a whole file: the editor's schema line, an optional comment, the data."""
    stream = io.StringIO()
    yaml_writer().dump(node, stream)
    header = [f"# yaml-language-server: $schema={schema}"] if schema else []
    if comment:
        header.extend(f"# {line}".rstrip() for line in comment.splitlines())
    return "".join(f"{line}\n" for line in header) + stream.getvalue()


def model_text(model: BaseModel, *, schema: str | None = None, comment: str | None = None) -> str:
    return dump(to_node(model), schema=schema, comment=comment)
