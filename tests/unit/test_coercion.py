"""Option values converted without pydantic come out as Typer's own conversion makes them."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command

from isekctl.cli import app
from isekctl.cli.coercion import PlainParam, _converter

try:
    from typer._coercion import build_runtime_param
except ImportError:  # Typer before 0.29 converts through click's types: nothing is replaced
    build_runtime_param = None

REPLACES = pytest.mark.skipif(
    build_runtime_param is None, reason="this Typer converts options without pydantic"
)


def _parameters() -> Iterator[tuple[str, Any, Any]]:
    """(command path, click command, parameter) for every parameter of the command tree."""
    stack: list[tuple[str, Any]] = [("isekctl", get_command(app))]
    while stack:
        path, command = stack.pop()
        for param in command.params:
            yield f"{path} {param.name}", command, param
        for name, sub in getattr(command, "commands", {}).items():
            stack.append((f"{path} {name}", sub))


def _samples(annotation: Any, tmp_path: Path) -> list[Any]:
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        values = [m.value for m in annotation]
        return [*values, values[0].upper(), next(iter(annotation)), "bogus", ""]
    if annotation is str:
        return ["Text", "Straßen und Ämter", "", "  ", "-"]
    folder = tmp_path / "Ordner mit Ä"
    folder.mkdir(exist_ok=True)
    file = folder / "datei.yaml"
    file.write_text("a: 1\n", encoding="utf-8")
    return [str(file), str(folder), str(tmp_path / "fehlt"), "-", ".", file, "a\0b"]


def _outcome(runtime: Any, value: Any, param: Any, ctx: typer.Context) -> tuple[str, Any]:
    try:
        return "value", runtime.coerce(value, param=param, ctx=ctx)
    except typer.BadParameter as error:
        return "error", error.format_message()


CASES = [
    (name, command, param)
    for name, command, param in (_parameters() if build_runtime_param else ())
    if _converter(param.type_descriptor.annotation, param.type_descriptor.parameter_info)
]


@REPLACES
def test_the_plain_conversion_covers_the_option_types_of_the_hot_commands() -> None:
    names = {name for name, _, _ in CASES}
    assert {"isekctl validate repo", "isekctl validate fmt", "isekctl report kind"} <= names
    assert len(CASES) >= 50, len(CASES)


@REPLACES
@pytest.mark.parametrize(("name", "command", "param"), CASES, ids=[c[0] for c in CASES])
def test_plain_conversion_equals_typers(
    name: str, command: Any, param: Any, tmp_path: Path
) -> None:
    descriptor = param.type_descriptor
    annotation = descriptor.annotation
    is_list = getattr(annotation, "__origin__", None) is list
    leaf = annotation.__args__[0] if is_list else annotation
    samples = _samples(leaf, tmp_path)
    if is_list:
        samples = [tuple(samples[:2]), tuple(samples), (), [samples[0]]]
    ctx = typer.Context(command)
    plain = PlainParam(descriptor, _converter(annotation, descriptor.parameter_info))
    typers = build_runtime_param(descriptor)
    for value in [None, *samples]:
        ours = _outcome(plain, value, param, ctx)
        theirs = _outcome(typers, value, param, ctx)
        assert ours == theirs, (name, value)


def test_a_type_of_typers_own_is_converted_by_typer_when_given(run: Any, repo: Path) -> None:
    """`--jobs` (a number with a minimum) keeps Typer's own conversion and its German error."""
    for wrong in ("0", "zwei"):
        result = run("validate", "--repo", repo, "--jobs", wrong)
        assert result.exit_code == 2, wrong
        assert "Fehler: Ungültiger Wert für '--jobs' / '-j': " in result.output
        assert "Traceback" not in result.output
    assert run("validate", "--repo", repo, "--jobs", "2").exit_code == 0


def test_a_file_where_a_folder_belongs_is_named_in_german(run: Any, repo: Path) -> None:
    result = run("validate", "--repo", repo / "isek.yaml")
    assert result.exit_code == 2
    assert f"'{repo / 'isek.yaml'}' ist eine Datei, kein Ordner." in result.output
    quoted = repo / "it's.yaml"  # repr() quotes it with "
    quoted.write_text("a: 1\n", encoding="utf-8")
    result = run("validate", "--repo", quoted)
    assert f'"{quoted}" ist eine Datei, kein Ordner.' in result.output


@REPLACES
@pytest.mark.parametrize("value", [[None], 12, b"\xff"])
def test_values_that_are_no_text_end_as_a_usage_error(value: object) -> None:
    """Only direct calls pass such values; they get an error, never a traceback."""
    (name, command, param) = next(c for c in CASES if c[0] == "isekctl fmt paths")
    plain = PlainParam(param.type_descriptor, _converter(
        param.type_descriptor.annotation, param.type_descriptor.parameter_info))  # fmt: skip
    with pytest.raises(typer.BadParameter) as error:
        plain.coerce(value, param, typer.Context(command))
    assert "PFADE" in error.value.format_message(), name
