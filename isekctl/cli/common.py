"""Shared pieces of the command line: the app, common options, the error guard, loading.

The CLI is the only layer that prints or exits. Core modules are imported inside
the commands, so `isekctl --help` loads no YAML, template or git library.
"""

from __future__ import annotations

import contextvars
import errno
import functools
import inspect
import io
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from ..findings import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_USAGE
from .german import GermanGroup

if TYPE_CHECKING:
    from datetime import date

    from rich.console import Console

    from ..findings import Finding, IsekError
    from ..project import Project
    from ..publishing.reports import DataVersion
    from ..reading.pipeline import Outcome
    from ..reading.sources import Directory


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"isekctl {__version__}")
        raise typer.Exit()


# --- output settings: --color and --quiet, set once per run by the app's callback ---------


class Color(StrEnum):
    auto = "auto"
    always = "always"
    never = "never"


@dataclass(slots=True)
class OutputSettings:
    color: Color = Color.auto
    quiet: bool = False


OUTPUT = OutputSettings()


def _color_options() -> dict[str, Any]:
    """rich.Console arguments for --color (auto: rich decides, honouring NO_COLOR)."""
    if OUTPUT.color is Color.always:
        return {"force_terminal": True, "no_color": False}
    if OUTPUT.color is Color.never:
        return {"no_color": True, "color_system": None}
    return {}


def notice(message: str, style: str | None = None) -> None:
    """Something the user may like to know (a file written, a fallback taken): on stderr,
    so it never mixes with results on stdout; nothing with --quiet."""
    if not OUTPUT.quiet:
        console_for(stderr=True).print(message, markup=False, style=style)


def ci_format() -> FindingFormat:
    """The findings format for where isekctl runs: annotations in GitHub Actions and
    GitLab CI (their own environment variables), text elsewhere."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return FindingFormat.github
    if os.environ.get("GITLAB_CI") == "true":
        return FindingFormat.gitlab
    return FindingFormat.text


# ------------------------------------------------------------------------------------------

app = typer.Typer(
    name="isekctl",
    cls=GermanGroup,  # German help and usage errors (cli/german.py)
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
    color: Annotated[
        Color,
        typer.Option(
            "--color",
            help="Farben: auto (nur im Terminal, nicht mit NO_COLOR), always oder never.",
        ),
    ] = Color.auto,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Nur Ergebnisse und Fehler ausgeben, keine Hinweise."),
    ] = False,
) -> None:
    """Das ISEK-Zielsystem als YAML-Dateien in git: prüfen, vergleichen, berichten."""
    del version  # handled by its callback
    OUTPUT.color, OUTPUT.quiet = color, quiet


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

Example = Annotated[
    bool,
    typer.Option(
        "--example",
        help="Das mitgelieferte Beispiel der Stadt Neumünster verwenden (nur lesend).",
    ),
]
_EXAMPLE: contextvars.ContextVar[bool] = contextvars.ContextVar("example", default=False)

Templates = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        help="Eigene Vorlagen (Standard: templates/ im Datenrepository).",
        file_okay=False,
    ),
]


def _output_folder(value: Path) -> Path:
    if str(value) == "-":  # the usual "standard output", which a folder of files can't be
        raise typer.BadParameter(
            "Hier entstehen mehrere Dateien; bitte ein Verzeichnis angeben (z. B. -o berichte).",
            param_hint="--out",
        )
    return value


OutFolder = Annotated[
    Path,
    typer.Option("--out", "-o", help="Zielverzeichnis.", file_okay=False, callback=_output_folder),
]


class FindingFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    gitlab = "gitlab"


def console_for(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True, **_color_options())


def command(group: typer.Typer, name: str | None = None) -> Callable[[F], F]:
    """Register a command of `group` with the shared `--debug` option and the error guard."""

    def register(function: F) -> F:
        signature = inspect.signature(function, eval_str=True)
        extra = [
            inspect.Parameter(
                "debug", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Debug
            )
        ]
        if "repo" in signature.parameters:  # a command that reads a data repository
            extra.append(
                inspect.Parameter(
                    "example", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Example
                )
            )
        wrapper = _guarded(function)
        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*signature.parameters.values(), *extra]
        )
        group.command(name)(wrapper)
        return function

    return register


def _guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """Map stop conditions to exit 1 (2 for unusable arguments), Ctrl-C to 130, bugs to 3."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = bool(kwargs.pop("debug", False)) or os.environ.get("ISEKCTL_DEBUG") == "1"
        example = _EXAMPLE.set(bool(kwargs.pop("example", False)))
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except KeyboardInterrupt:
            console_for(stderr=True).print("Abgebrochen.")
            raise typer.Exit(130) from None
        except BrokenPipeError:  # the reader of our output has gone (`| head`): nothing to say
            _silence(sys.stdout)
            raise typer.Exit(EXIT_FINDINGS) from None
        except Exception as exc:
            from ..findings import IsekError

            if isinstance(exc, IsekError):
                print_stop(exc)
                raise typer.Exit(EXIT_USAGE if exc.usage else EXIT_FINDINGS) from None
            if debug:
                raise
            if isinstance(exc, OSError) and exc.filename:  # no permission, disk full …: not a bug
                from ..text import one_line

                console_for(stderr=True).print(
                    f"Fehler: {one_line(str(exc.filename))}: {exc.strerror or exc}.",
                    markup=False,
                    style="bold red",
                )
                raise typer.Exit(EXIT_FINDINGS) from None
            console_for(stderr=True).print(
                f"Interner Fehler ({type(exc).__name__}). Das ist ein Fehler in isekctl, nicht in Ihren "
                "Daten – bitte mit der Ausgabe von --debug melden.",
                markup=False,
            )
            raise typer.Exit(EXIT_INTERNAL) from None
        finally:
            _EXAMPLE.reset(example)

    return wrapper


# --- output streams ------------------------------------------------------------------------


class _PipeSafe(io.RawIOBase):
    """A standard stream's byte buffer that ignores a closed pipe (`isekctl … | head`).

    Once the reader has gone, output is dropped and the command still finishes: every
    file is written, and the exit code is the one the command chose.
    """

    def __init__(self, target: Any) -> None:
        super().__init__()
        self._target = target
        self.broken = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        size = len(memoryview(data))
        if not self.broken:
            try:
                self._target.write(data)
                self._target.flush()
            except OSError as exc:
                # EPIPE; Windows reports a pipe closed by its reader as EINVAL
                if not isinstance(exc, BrokenPipeError) and exc.errno != errno.EINVAL:
                    raise
                self.broken = True
                _silence(self._target)
        return size

    def fileno(self) -> int:
        return int(self._target.fileno())

    def isatty(self) -> bool:
        return bool(self._target.isatty())


def _silence(stream: Any) -> None:
    """Point a broken stream's file descriptor at /dev/null, so a later flush can't fail."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def safe_streams() -> None:
    """stdout and stderr that neither crash on characters their encoding lacks nor on a closed pipe.

    A Windows console or redirect in cp1252, or PYTHONIOENCODING=ascii, gets `?` for
    ✔ and other characters it can't show; the exit code is unchanged.
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        buffer = getattr(stream, "buffer", None)
        if buffer is None or not isinstance(stream, io.TextIOWrapper):
            continue  # not a real console stream (a test runner's, an IDE's): leave it
        stream.flush()
        wrapped = io.TextIOWrapper(
            io.BufferedWriter(_PipeSafe(buffer)),
            encoding=stream.encoding,
            errors="replace" if name == "stdout" else "backslashreplace",
            line_buffering=stream.line_buffering,
            write_through=True,
        )
        setattr(sys, name, wrapped)


def print_stop(error: IsekError | Finding) -> None:
    """A stop condition on stderr: the findings that explain it, then the reason."""
    from ..findings import Finding
    from ..terminal.findings import text
    from ..text import one_line

    console = console_for(stderr=True)
    item = error if isinstance(error, Finding) else error.finding
    details = [] if isinstance(error, Finding) else error.details
    if details:
        console.print(text(details, None))
    # one line each, whatever the data held (a template name with a line break, say)
    where = f"{one_line(str(item.location))}: " if item.location.path else ""
    console.print(
        f"{where}Fehler {item.code}: {one_line(item.message)}", markup=False, style="bold red"
    )
    if item.hint:
        console.print(f"  → {one_line(item.hint)}", markup=False)


_WHERE_TO_LOOK = (
    "Im Datenrepository aufrufen oder mit --repo DIR darauf zeigen; `isekctl init DIR` legt "
    "ein neues an, `--example` zeigt das mitgelieferte Beispiel der Stadt Neumünster."
)


def repository(repo: Path | None) -> tuple[Path, bool]:
    """The data repository to work on, and whether it is the bundled example.

    Never silently the example: a CI job or a typo in the working directory must not
    validate or publish Neumünster's data in place of the repository's own.
    """
    from ..reading.sources import NO_REPOSITORY, is_data_repository

    if _EXAMPLE.get():
        if repo is not None:
            raise NO_REPOSITORY.stop(
                "--example und --repo schließen sich aus.", "Eines von beiden angeben.", usage=True
            )
        from ..resources import example_dir

        return example_dir(), True
    if repo is not None:
        if repo.is_dir() and not is_data_repository(repo):
            raise NO_REPOSITORY.stop(
                f"{repo} ist kein ISEK-Datenrepository: es fehlen isek.yaml und die Ordner "
                "data/goals, data/measures, data/revisions.",
                _WHERE_TO_LOOK,
                str(repo),
                usage=True,
            )
        return repo, False
    here = Path.cwd()
    for candidate in (here, *here.parents):
        if is_data_repository(candidate):
            return candidate, False
        if (candidate / ".git").exists():
            break
    raise NO_REPOSITORY.stop(
        f"Hier ist kein ISEK-Datenrepository: weder in {here} noch darüber gibt es isek.yaml "
        "oder die Ordner data/goals, data/measures, data/revisions.",
        _WHERE_TO_LOOK,
        usage=True,
    )


def open_repo(repo: Path | None, *, writing: bool = False) -> tuple[Directory, bool]:
    """The data repository; the bundled example only when asked for, and only for reading."""
    from ..reading.sources import NO_REPOSITORY, open_directory

    path, embedded = repository(repo)
    if embedded and writing:
        raise NO_REPOSITORY.stop(
            "In das mitgelieferte Beispiel wird nichts geschrieben.",
            "Ohne --example im eigenen Datenrepository aufrufen (oder mit --repo darauf zeigen).",
            usage=True,
        )
    if embedded:
        notice(
            "Hinweis: das mitgelieferte Beispiel der Stadt Neumünster wird verwendet (--example).",
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
    from ..reading.pipeline import load

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


def print_findings(findings: list[Finding], checked: int, fmt: FindingFormat | None) -> None:
    """Findings in `fmt`; without one, as `ci_format()` chooses (then also as text on stderr,
    so the CI log stays readable)."""
    from ..terminal import findings as reporters

    chosen = fmt or ci_format()
    if chosen is FindingFormat.text:
        if findings or not OUTPUT.quiet:
            console_for().print(reporters.text(findings, checked))
        return
    sys.stdout.write(reporters.MACHINE_REPORTERS[chosen.value](findings, checked))
    if fmt is None and not OUTPUT.quiet:
        console_for(stderr=True).print(reporters.text(findings, checked))


def emit(text: str, out: Path | None) -> None:
    """Write `text` to the file `out`, or to standard output (no file, or `-`)."""
    if out is None or str(out) == "-":
        sys.stdout.write(text)
        return
    from ..writing.atomic import write_text

    write_text(out, text, overwrite=True)
    notice(f"geschrieben: {out}")


def repo_templates(root: Path) -> Path | None:
    folder = root / "templates"
    return folder if folder.is_dir() else None


def open_writable(repo: Path | None) -> tuple[Directory, Project]:
    """A repository to add files to, loaded, with a usable isek.yaml."""
    from ..reading.pipeline import load

    source, _ = open_repo(repo, writing=True)
    project = load(source).require_project("erst die Befunde von `isekctl validate` beheben.")
    return source, project


def data_version(
    root: Path, project: Project, override: date | None = None
) -> tuple[DataVersion, date]:
    """Where the data comes from (commit or not versioned) and the reference day of outputs."""
    from ..publishing.reports import DataVersion, stichtag
    from ..reading.sources import git_version

    found = git_version(root)
    version = DataVersion(*found) if found else DataVersion()
    return version, override or stichtag(project, version)
