"""Converting option values without pydantic, for the plain types isekctl's options have.

From 0.29 on, Typer converts every parameter of the invoked command through a
pydantic `TypeAdapter` built on first use, given or not: importing pydantic and
building the adapters is a third of a warm `validate` (about 0.1 s of 0.3 s), and a
warm `validate` needs pydantic for nothing else. isekctl's options are texts, paths,
lists of them and choices (enums); for those this module converts the value the way
Typer's adapters do, with the same error texts (German through `german_error`). An
option that is not given is `None` without any conversion; any other type, given a
value, goes to Typer's own conversion.

This reaches into Typer: `_TyperParameter._runtime_param`, the slot Typer fills
lazily. `install` does nothing when a Typer release does not have that slot or the
helpers below (0.26–0.28 convert through click's types, without pydantic), and Typer
converts on its own (same results); the tests run every option type through both paths.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final, get_args, get_origin

import typer

try:  # Typer's own helpers, so paths and choices are checked by its rules and words
    from typer._coercion import build_runtime_param
    from typer._param_types import coerce_cli_choice, coerce_cli_path, routes_to_path
except ImportError:  # a Typer without them (before 0.29) converts on its own
    build_runtime_param = None  # type: ignore[assignment]

Convert = Callable[[Any, Any, typer.Context], Any]

# what pydantic puts before a validator's ValueError; german_error removes it again
_VALUE_ERROR: Final = "Value error, "


def _text(value: Any, _param: Any, _ctx: typer.Context) -> Any:
    if isinstance(value, bytes):  # click hands over str; bytes only from direct calls
        return value.decode("utf-8", "replace")
    return str(value)


def _path_converter(info: Any, path_type: type[Any]) -> Convert:
    def convert(value: Any, param: Any, ctx: typer.Context) -> Any:
        if not isinstance(value, path_type):
            value = path_type(value)
        return coerce_cli_path(value, info, path_type=path_type, param=param, ctx=ctx)

    return convert


def _choice_converter(info: Any, choices: tuple[Any, ...]) -> Convert:
    def convert(value: Any, _param: Any, ctx: typer.Context) -> Any:
        return coerce_cli_choice(
            value, choices=choices, case_sensitive=info.case_sensitive, ctx=ctx
        )

    return convert


def _leaf(annotation: Any, info: Any) -> Convert | None:
    if getattr(info, "parser", None) is not None:
        return None
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _choice_converter(info, tuple(annotation))
    if annotation is str:
        return _text
    is_path = isinstance(annotation, type) and issubclass(annotation, Path)
    if is_path and routes_to_path(annotation, info) and info.path_type in (None, annotation):
        return _path_converter(info, annotation)
    return None


def _converter(annotation: Any, info: Any) -> Convert | None:
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        each = _leaf(item, info)
        if each is None:
            return None

        def convert(value: Any, param: Any, ctx: typer.Context) -> Any:
            items = value if isinstance(value, list | tuple) else [value]
            return [each(one, param, ctx) for one in items]

        return convert
    return _leaf(annotation, info)


class PlainParam:
    """Stands in Typer's slot for one parameter's conversion (see the module's docstring)."""

    def __init__(self, descriptor: Any, convert: Convert | None) -> None:
        self._descriptor = descriptor
        self._convert = convert
        self._typer: Any = None

    def coerce(self, value: Any, param: Any, ctx: typer.Context) -> Any:
        multiple = param.multiple or param.nargs == -1
        if value is None:
            return () if multiple else None
        if self._convert is None:  # a type of Typer's own: build its adapter now
            if self._typer is None:
                self._typer = build_runtime_param(self._descriptor)
            return self._typer.coerce(value, param=param, ctx=ctx)
        if multiple and isinstance(value, str):
            raise typer.BadParameter("Value must be an iterable.", ctx=ctx, param=param)
        try:
            return self._convert(value, param, ctx)
        except (ValueError, TypeError) as error:  # as pydantic reports a validator's error
            raise typer.BadParameter(f"{_VALUE_ERROR}{error}", ctx=ctx, param=param) from None


def install(params: Iterable[Any]) -> None:
    """Give each parameter the conversion above, where Typer has the slot for it."""
    if build_runtime_param is None:  # pragma: no cover
        return
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", False) is not None:
            continue
        if descriptor.file_annotation is not None:
            continue  # file objects: Typer's own conversion, which needs no pydantic
        convert = _converter(descriptor.annotation, descriptor.parameter_info)
        param._runtime_param = PlainParam(descriptor, convert)
