"""File results as plain data (lists, strings, numbers, None) and back, without validation.

The cache keeps every file's result as JSON, and worker processes hand theirs to the
main process the same way, so neither carries anything that could run code when read
(unlike pickle). A model becomes a row: its field values in declaration order, each
converted to plain data where it is no JSON value itself (Decimal -> "12.50", date ->
"2021-09-30", partial date -> "2021-Q3", a nested model -> its row), followed by a
bit mask of the fields the file set. Rebuilding a model from a row runs no validator:
the data were validated when the file was read, and the row is only ever read back by
the same tool version (the cache is keyed by it). That takes a few microseconds a
model, five to ten times less than validating again or unpickling models.

How each field converts is derived once per model class from its annotations, so a
new field of a known type needs nothing here; a type this module does not know makes
`codec()` raise, which the tests notice at once.
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Final, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from ..dates import PartialDate
from ..findings import finding_of_row, finding_row
from ..kinds import FileKind
from ..model import Id, Key, Model, model_of
from ..project import FileResult, PathKey, Position, Positions

Row = list[Any]
Convert = Callable[[Any], Any]
_set = object.__setattr__
_new = object.__new__
_SCALARS: Final = (str, int, bool, type(None))


def _bare(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    return annotation


def _plain(annotation: Any) -> bool:
    """Whether values of this type are JSON values that read back as themselves."""
    annotation = _bare(annotation)
    return annotation in _SCALARS or get_origin(annotation) is Literal


def _word(annotation: Any) -> bool:
    """Ids, keys and fixed words: a few distinct values, each repeated in many files."""
    if any(annotation == word for word in (Id, Key)):
        return True
    return get_origin(annotation) is Literal and all(
        isinstance(a, str) for a in get_args(annotation)
    )


def _same(value: Any) -> Any:
    return value


def _plans(annotation: Any) -> tuple[Convert, Convert] | None:
    """(to plain, from plain) for values of `annotation`; None when no conversion is needed."""
    # Every value is made anew, as validation makes it: shared objects would, for one,
    # come out of the YAML writer as anchors and aliases. Only words are shared (one
    # string for every "laufend" or goal id read back: 17 MB of 20,000 measures' models).
    if _word(annotation):
        return _same, sys.intern
    annotation = _bare(annotation)
    origin = get_origin(annotation)
    if _plain(annotation):
        return None
    if annotation is Decimal:
        return str, Decimal
    if annotation is date:
        return date.isoformat, date.fromisoformat
    if annotation is PartialDate:
        return str, _partial_date
    if isinstance(annotation, type) and issubclass(annotation, Model):
        model_codec = codec(annotation)
        return model_codec.encode, model_codec.decode
    if origin is Union or origin is types.UnionType:
        return _union(get_args(annotation))
    if origin is list:
        (item,) = get_args(annotation)
        plans = _plans(item)
        if plans is None:
            return None
        encode, decode = plans
        return (lambda v: [encode(x) for x in v]), (lambda v: list(map(decode, v)))
    if origin is dict:
        key, item = get_args(annotation)
        if not _plain(key):
            raise TypeError(f"plain: keys of type {key} are not supported")
        plans = _plans(item)
        if plans is None:
            return None
        encode, decode = plans
        return (
            (lambda v: {k: encode(x) for k, x in v.items()}),
            (lambda v: {k: decode(x) for k, x in v.items()}),
        )
    raise TypeError(f"plain: no conversion for {annotation!r}")


_PARTIAL_DATES: dict[str, tuple[date, date, Any]] = {}
_PARTIAL_DATES_KEPT: Final = 4096


def _partial_date(text: str) -> PartialDate:
    """`PartialDate.parse`, remembering what the first few thousand texts mean: a few
    hundred distinct dates recur in thousands of files. Each value is a new object, as
    validation makes it."""
    parts = _PARTIAL_DATES.get(text)
    if parts is None:
        parsed = PartialDate.parse(text)
        parts = (parsed.first, parsed.last, parsed.precision)
        if len(_PARTIAL_DATES) < _PARTIAL_DATES_KEPT:
            _PARTIAL_DATES[text] = parts
    return PartialDate(parts[0], parts[1], text, parts[2])


def _union(members: tuple[Any, ...]) -> tuple[Convert, Convert] | None:
    """A union of types that need no conversion and at most one that does.

    None always stays None. A model's row is a list, so a model may be joined by any
    member whose plain form is no list; any other converted type only by None.
    """
    plans = [(member, _plans(member)) for member in members]
    converted = [(member, found) for member, found in plans if found is not None]
    if len(converted) > 1:  # beside a type that is converted, words stay as they are read
        converted = [(member, found) for member, found in converted if not _word(member)]
    if not converted:
        return None
    if len(converted) > 1:
        raise TypeError(f"plain: a union of {[m for m, _ in converted]} cannot be told apart")
    ((other, (encode, decode)),) = converted
    rest = [_bare(member) for member in members if member is not other]
    bare = _bare(other)
    if isinstance(bare, type) and issubclass(bare, Model):
        if any(member is list or get_origin(member) is list for member in rest):
            raise TypeError(f"plain: {other!r} joined by a list cannot be told apart")
        return (
            lambda v: encode(v) if isinstance(v, BaseModel) else v,
            lambda v: decode(v) if type(v) is list else v,
        )
    if any(member is not type(None) for member in rest):
        raise TypeError(f"plain: {other!r} joined by other types cannot be told apart")
    return (lambda v: None if v is None else encode(v)), (
        lambda v: None if v is None else decode(v)
    )


def _optional(annotation: Any) -> Any:
    """`X | None` as X: a field's None is left as it is before any conversion is asked."""
    bare = _bare(annotation)
    if get_origin(bare) in (Union, types.UnionType):
        members = [m for m in get_args(bare) if m is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


class Codec:
    """Rows of one model class: field values in declaration order, then the set-fields mask."""

    def __init__(self, cls: type[Model]) -> None:
        self.cls = cls
        self.names = tuple(cls.model_fields)
        self.width = len(self.names)
        # (position, to plain, from plain) of the fields that need converting
        self.converted: list[tuple[int, str, Convert, Convert]] = []
        self._decoders: tuple[tuple[str, Convert], ...] = ()  # (name, from plain) of those
        self._fields_set: dict[int, set[str]] = {}

    def _setup(self) -> None:
        hints = typing.get_type_hints(self.cls, include_extras=True)
        for i, name in enumerate(self.names):
            plans = _plans(_optional(hints[name]))
            if plans is not None:
                self.converted.append((i, name, *plans))
        self._decoders = tuple((name, decode) for _, name, _, decode in self.converted)

    def encode(self, model: Any) -> Row:
        values = model.__dict__
        row = [values[name] for name in self.names]
        for i, _, encode, _ in self.converted:
            value = row[i]
            if value is not None:
                row[i] = encode(value)
        given = model.__pydantic_fields_set__
        row.append(sum(1 << i for i, name in enumerate(self.names) if name in given))
        return row

    def decode(self, row: Row) -> Any:
        if len(row) != self.width + 1:
            raise ValueError(f"a row of {self.cls.__name__} has {len(row)} values")
        values = dict(zip(self.names, row, strict=False))
        for name, decode in self._decoders:
            value = values[name]
            if value is not None:
                values[name] = decode(value)
        mask = row[-1]
        given = self._fields_set.get(mask)
        if given is None:
            given = self._fields_set[mask] = {
                name for i, name in enumerate(self.names) if mask >> i & 1
            }
        model = _new(self.cls)
        _set(model, "__dict__", values)
        # one set for all models with the same fields given (a set per model is a fifth of
        # their memory): the models are frozen, and pydantic copies the set for model_copy
        _set(model, "__pydantic_fields_set__", given)
        _set(model, "__pydantic_extra__", None)
        _set(model, "__pydantic_private__", None)
        return model


_CODECS: dict[type[Model], Codec] = {}


def codec(cls: type[Model]) -> Codec:
    found = _CODECS.get(cls)
    if found is None:
        found = _CODECS[cls] = Codec(cls)
        try:
            found._setup()
        except BaseException:
            del _CODECS[cls]
            raise
    return found


# --- findings and file results -----------------------------------------------------------


def _table_rows(table: dict[PathKey, Position] | None) -> Row | None:
    return None if table is None else [[line, col, *key] for key, (line, col) in table.items()]


def _table(rows: Row | None) -> dict[PathKey, Position] | None:
    return None if rows is None else {tuple(row[2:]): (row[0], row[1]) for row in rows}


_KINDS: Final = {kind.key: kind for kind in FileKind}


def result_row(result: FileResult) -> Row:
    """One file's result as plain data: [kind, model, findings, complete, values, keys]."""
    model = None
    if result.model is not None:
        model_class = model_of(result.kind)
        if type(result.model) is not model_class:  # pragma: no cover - read_file makes these
            raise TypeError(f"a {result.kind.key} file holds a {type(result.model).__name__}")
        model = codec(model_class).encode(result.model)
    positions = result.positions
    return [
        result.kind.key,
        model,
        [finding_row(item, result.path) for item in result.findings],
        result.complete,
        _table_rows(positions.values),
        _table_rows(positions.keys),
    ]


def result(path: str, row: Row) -> FileResult:
    """The file result a `result_row` describes (ValueError/KeyError/TypeError when it is no such row)."""
    key, model_row, findings, complete, values, keys = row
    kind = _KINDS[key]
    model = None if model_row is None else codec(model_of(kind)).decode(model_row)
    return FileResult(
        path,
        kind,
        model,
        Positions(path, _table(values), _table(keys)),
        [finding_of_row(item, path) for item in findings],
        bool(complete),
    )
