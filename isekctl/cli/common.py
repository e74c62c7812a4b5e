"""Shared pieces of the command line: the app, common options, the error guard, loading.

The CLI is the only layer that prints or exits. Core modules are imported inside
the commands, so `isekctl --help` loads no YAML, template or git library.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from datetime import date

    from rich.console import Console

    from ..diagnostics import Finding
    from ..engine import Outcome
    from ..project import Project
    from ..reports import DataVersion
    from ..storage import Directory


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"isekctl {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="isekctl",
    help="Das ISEK-Zielsystem als YAML-Dateien in git: prüfen, vergleichen, berichten.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Version anzeigen und beenden."
        ),
    ] = False,
) -> None:
    """Das ISEK-Zielsystem als YAML-Dateien in git: prüfen, vergleichen, berichten."""


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

Templates = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        help="Eigene Vorlagen (Standard: templates/ im Datenrepository).",
        file_okay=False,
    ),
]


class FindingFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    gitlab = "gitlab"


def console_for(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def guarded(command: F) -> F:
    """Map stop conditions to exit 1, Ctrl-C to 130 and bugs to one line and exit 3."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs.get("debug")) or os.environ.get("ISEKCTL_DEBUG") == "1"
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except KeyboardInterrupt:
            console_for(stderr=True).print("Abgebrochen.")
            raise typer.Exit(130) from None
        except Exception as exc:
            from ..diagnostics import IsekError

            if isinstance(exc, IsekError):
                print_stop(exc.finding)
                usage = exc.finding.code == "ISEK094"  # an unusable argument is a usage error
                raise typer.Exit(2 if usage else 1) from None
            if debug:
                raise
            if isinstance(exc, OSError) and exc.filename:  # no permission, disk full …: not a bug
                console_for(stderr=True).print(
                    f"Fehler: {exc.filename}: {exc.strerror or exc}.",
                    markup=False,
                    style="bold red",
                )
                raise typer.Exit(1) from None
            console_for(stderr=True).print(
                f"Interner Fehler ({type(exc).__name__}). Das ist ein Fehler in isekctl, nicht in Ihren "
                "Daten – bitte mit der Ausgabe von --debug melden.",
                markup=False,
            )
            raise typer.Exit(3) from None

    return wrapper  # type: ignore[return-value]


def print_stop(item: Finding) -> None:
    from ..reporters import visible

    console = console_for(stderr=True)
    where = f"{item.location}: " if item.location.path else ""
    console.print(
        f"{where}Fehler {item.code}: {visible(item.message)}", markup=False, style="bold red"
    )
    if item.hint:
        console.print(f"  → {visible(item.hint)}", markup=False)


def repository(repo: Path | None) -> tuple[Path, bool]:
    """The data repository to work on, and whether it is the bundled example."""
    from ..storage import is_data_repository

    if repo is not None:
        return repo, False
    here = Path.cwd()
    for candidate in (here, *here.parents):
        if is_data_repository(candidate):
            return candidate, False
        if (candidate / ".git").exists():
            break
    from ..resources import example_dir

    return example_dir(), True


def open_repo(repo: Path | None, *, writing: bool = False) -> tuple[Directory, bool]:
    """The data repository; the bundled example only for reading, never for writing."""
    from ..diagnostics import stop
    from ..engine import open_directory

    path, embedded = repository(repo)
    if embedded and writing:
        raise stop(
            "ISEK090",
            "Kein Datenrepository gefunden; ins mitgelieferte Beispiel wird nichts geschrieben.",
            "Im Datenrepository aufrufen oder mit --repo darauf zeigen.",
        )
    if embedded:
        console_for(stderr=True).print(
            "Hinweis: kein Datenrepository gefunden – es wird das mitgelieferte Beispiel "
            "(Stadt Neumünster) verwendet. Mit --repo auf Ihre Daten zeigen.",
            markup=False,
            style="dim",
        )
    return open_directory(path), embedded


class LateProgress:
    """A progress bar on the terminal that only appears when reading takes over a second."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.started < 1 or not sys.stderr.isatty():
                return
            from rich.progress import Progress

            self.bar = Progress(console=console_for(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("Dateien lesen und prüfen", total=total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def load_outcome(
    source: Directory, *, no_cache: bool, need_project: bool = True, jobs: int | None = None
) -> Outcome:
    from ..engine import load

    progress = LateProgress()
    try:
        return load(
            source, use_cache=not no_cache, need_project=need_project, jobs=jobs, progress=progress
        )
    finally:
        progress.close()


def load_findings(
    repo: Path | None, *, no_cache: bool, need_project: bool = True, jobs: int | None = None
) -> Outcome:
    source, _ = open_repo(repo)
    return load_outcome(source, no_cache=no_cache, need_project=need_project, jobs=jobs)


def print_findings(findings: list[Finding], checked: int, fmt: FindingFormat) -> None:
    from .. import reporters

    if fmt is FindingFormat.text:
        console_for().print(reporters.text(findings, checked))
    else:
        sys.stdout.write(reporters.MACHINE_REPORTERS[fmt.value](findings, checked))


def emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    from ..storage import write_text

    write_text(out, text, overwrite=True)
    console_for(stderr=True).print(f"geschrieben: {out}", markup=False)


def repo_templates(root: Path) -> Path | None:
    folder = root / "templates"
    return folder if folder.is_dir() else None


def open_writable(repo: Path | None) -> tuple[Directory, Outcome]:
    """A repository to add files to, loaded, with a usable isek.yaml."""
    from ..engine import load

    source, _ = open_repo(repo, writing=True)
    outcome = load(source)
    usable_project(outcome, "erst die Befunde von `isekctl validate` beheben.")
    return source, outcome


def usable_project(outcome: Outcome, why: str) -> Project:
    """The loaded project, or a stop when isek.yaml itself is invalid."""
    from ..diagnostics import stop

    project = outcome.project
    assert project is not None
    if project.config is None:
        raise stop(
            "ISEK044", f"isek.yaml ist ungültig; {why}", "isekctl validate zeigt, was fehlt."
        )
    return project


def data_version(
    root: Path, project: Project, override: date | None = None
) -> tuple[DataVersion, date]:
    """Where the data comes from (commit or not versioned) and the reference day of outputs."""
    from ..reports import DataVersion, stichtag
    from ..storage import git_version

    found = git_version(root)
    version = DataVersion(*found) if found else DataVersion()
    return version, override or stichtag(project, version)
