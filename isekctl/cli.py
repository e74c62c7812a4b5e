"""The command line: parse arguments, call the core, print, choose the exit code.

This is the only module that prints or exits. Core modules are imported inside
the commands, so `isekctl --help` loads no YAML, template or git library.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from .diagnostics import Finding
    from .engine import Outcome
    from .storage import Directory

app = typer.Typer(
    name="isekctl",
    help="Das ISEK-Zielsystem als YAML-Dateien in git: prüfen, vergleichen, berichten.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])

Repo = Annotated[
    Path | None,
    typer.Option(
        "--repo",
        help="Datenrepository (Standard: aktuelles Verzeichnis oder darüber).",
        file_okay=False,
        show_default=False,
    ),
]
Debug = Annotated[
    bool, typer.Option("--debug", help="Bei internen Fehlern den Python-Traceback zeigen.")
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Den Zwischenspeicher nicht benutzen.")]


class FindingFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    gitlab = "gitlab"


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def guarded(command: F) -> F:
    """Map stop conditions to exit 1, Ctrl-C to 130 and bugs to one line and exit 3."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs.get("debug")) or os.environ.get("ISEKCTL_DEBUG") == "1"
        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except KeyboardInterrupt:
            _console(stderr=True).print("Abgebrochen.")
            raise typer.Exit(130) from None
        except Exception as exc:
            from .diagnostics import IsekError

            if isinstance(exc, IsekError):
                _print_stop(exc.finding)
                raise typer.Exit(1) from None
            if debug:
                raise
            _console(stderr=True).print(
                f"Interner Fehler ({type(exc).__name__}). Das ist ein Fehler in isekctl, nicht in Ihren "
                "Daten – bitte mit der Ausgabe von --debug melden.",
                markup=False,
            )
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


def _print_stop(item: Finding) -> None:
    from .reporters import visible

    console = _console(stderr=True)
    where = f"{item.location}: " if item.location.path else ""
    console.print(
        f"{where}Fehler {item.code}: {visible(item.message)}", markup=False, style="bold red"
    )
    if item.hint:
        console.print(f"  → {visible(item.hint)}", markup=False)


def _repository(repo: Path | None) -> tuple[Path, bool]:
    """The data repository to work on, and whether it is the bundled example."""
    from .storage import is_data_repository

    if repo is not None:
        return repo, False
    here = Path.cwd()
    for candidate in (here, *here.parents):
        if is_data_repository(candidate):
            return candidate, False
        if (candidate / ".git").exists():
            break
    from .resources import example_dir

    return example_dir(), True


def _open(repo: Path | None) -> tuple[Directory, bool]:
    from .engine import open_directory

    path, embedded = _repository(repo)
    if embedded:
        _console(stderr=True).print(
            "Hinweis: kein Datenrepository gefunden – es wird das mitgelieferte Beispiel "
            "(Stadt Neumünster) verwendet. Mit --repo auf Ihre Daten zeigen.",
            markup=False,
            style="dim",
        )
    return open_directory(path), embedded


def _load(
    repo: Path | None, *, no_cache: bool, need_project: bool = True, jobs: int | None = None
) -> Outcome:
    from .engine import load

    source, _ = _open(repo)
    return load(source, use_cache=not no_cache, need_project=need_project, jobs=jobs)


@app.command()
@guarded
def validate(
    fmt: Annotated[
        FindingFormat, typer.Option("--format", "-f", help="Ausgabeformat.")
    ] = FindingFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Auch Warnungen führen zu Exit-Code 1.")
    ] = False,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Parallele Prozesse.")
    ] = None,
    repo: Repo = None,
    no_cache: NoCache = False,
    debug: Debug = False,
) -> None:
    """Alle Dateien prüfen: Syntax, Felder, Verweise, Vokabular, Daten, Haushalt."""
    del debug
    from .diagnostics import exit_code

    outcome = _load(repo, no_cache=no_cache, need_project=False, jobs=jobs)
    _print_findings(outcome.findings, outcome.files, fmt)
    raise typer.Exit(exit_code(outcome.findings, strict=strict))


def _print_findings(findings: list[Finding], checked: int, fmt: FindingFormat) -> None:
    from . import reporters

    if fmt is FindingFormat.text:
        _console().print(reporters.text(findings, checked))
    else:
        sys.stdout.write(reporters.MACHINE_REPORTERS[fmt.value](findings, checked))


@app.command()
@guarded
def schema(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Zielverzeichnis.", file_okay=False)
    ] = Path("schemas"),
    debug: Debug = False,
) -> None:
    """JSON Schemas aller Dateiarten schreiben (für Editoren wie VS Code)."""
    del debug
    from .schemas import write_schemas

    for path in write_schemas(out):
        typer.echo(str(path))


def main() -> None:
    app()
