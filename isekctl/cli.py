"""The command line: parse arguments, call the core, print, choose the exit code.

This is the only module that prints or exits. Core modules are imported inside
the commands, so `isekctl --help` loads no YAML, template or git library.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime
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


class RevisionState(StrEnum):
    beschlossen = "beschlossen"
    entwurf = "entwurf"


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
        except (typer.Exit, typer.Abort, typer.BadParameter):
            raise
        except KeyboardInterrupt:
            _console(stderr=True).print("Abgebrochen.")
            raise typer.Exit(130) from None
        except Exception as exc:
            from .diagnostics import IsekError

            if isinstance(exc, IsekError):
                _print_stop(exc.finding)
                usage = exc.finding.code == "ISEK094"  # an unusable argument is a usage error
                raise typer.Exit(2 if usage else 1) from None
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


class _LateProgress:
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

            self.bar = Progress(console=_console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("Dateien lesen und prüfen", total=total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _load(
    repo: Path | None, *, no_cache: bool, need_project: bool = True, jobs: int | None = None
) -> Outcome:
    source, _ = _open(repo)
    return _load_outcome(source, no_cache=no_cache, need_project=need_project, jobs=jobs)


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


class DiffFormat(StrEnum):
    text = "text"
    md = "md"
    html = "html"
    json = "json"


Templates = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        help="Eigene Vorlagen (Standard: templates/ im Datenrepository).",
        file_okay=False,
    ),
]


@app.command()
@guarded
def diff(
    old: Annotated[
        str, typer.Argument(help="Revision (2020), git:<ref> oder Verzeichnis.", show_default=False)
    ],
    new: Annotated[
        str | None, typer.Argument(help="Wie OLD; Standard: der Arbeitsstand.", show_default=False)
    ] = None,
    fmt: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="Ausgabeformat.")
    ] = DiffFormat.text,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="In diese Datei schreiben.", dir_okay=False)
    ] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit-Code 1, wenn sich etwas geändert hat.")
    ] = False,
    templates: Templates = None,
    repo: Repo = None,
    no_cache: NoCache = False,
    debug: Debug = False,
) -> None:
    """Zwei Stände des Zielsystems semantisch vergleichen (Synopse)."""
    del debug
    from . import diffview, sides
    from .diff import compare

    source, _ = _open(repo)
    working = _load_outcome(source, no_cache=no_cache)
    left = sides.resolve(old, source.root, working, use_cache=not no_cache)
    right = (
        sides.working_side(working)
        if new is None
        else sides.resolve(new, source.root, working, use_cache=not no_cache)
    )
    for side in (left, right):
        if side.errors:
            _console(stderr=True).print(
                f"Hinweis: {side.side.label} hat {side.errors} Fehler; verglichen wird, was sich lesen ließ "
                "(Details: isekctl validate).", markup=False, style="yellow",
            )  # fmt: skip
    result = compare(left.side, right.side)
    if fmt is DiffFormat.text and out is None:
        console = _console()
        console.print(diffview.as_rich(result, markers=console.no_color or not console.is_terminal))
    else:
        text = diffview.as_json(result) if fmt is DiffFormat.json else (
            diffview.as_document(result, fmt.value, templates or _repo_templates(source.root))  # type: ignore[arg-type]
            if fmt is not DiffFormat.text else _plain_text(diffview.as_rich(result, markers=True))
        )  # fmt: skip
        _emit(text, out)
    raise typer.Exit(1 if exit_code and not result.empty else 0)


def _plain_text(renderable: object) -> str:
    from rich.console import Console

    console = Console(width=120, no_color=True, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


def _repo_templates(root: Path) -> Path | None:
    folder = root / "templates"
    return folder if folder.is_dir() else None


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    from .storage import write_text

    write_text(out, text, overwrite=True)
    _console(stderr=True).print(f"geschrieben: {out}", markup=False)


def _load_outcome(
    source: Directory, *, no_cache: bool, need_project: bool = True, jobs: int | None = None
) -> Outcome:
    from .engine import load

    progress = _LateProgress()
    try:
        return load(
            source, use_cache=not no_cache, need_project=need_project, jobs=jobs, progress=progress
        )
    finally:
        progress.close()


revision_app = typer.Typer(
    help="Revisionen (beschlossene Stände des Zielsystems).", no_args_is_help=True
)
app.add_typer(revision_app, name="revision")


@revision_app.command("freeze")
@guarded
def revision_freeze(
    revision_id: Annotated[
        str, typer.Argument(metavar="ID", help="ID der Revision, z. B. 2022.", show_default=False)
    ],
    title: Annotated[
        str | None, typer.Option("--title", help="Titel (Standard: ISEK-Zielsystem ID).")
    ] = None,
    decided_by: Annotated[
        str | None, typer.Option("--decided-by", help="Gremium, z. B. Ratsversammlung.")
    ] = None,
    decided_on: Annotated[
        datetime | None,
        typer.Option("--decided-on", formats=["%Y-%m-%d"], help="Beschlussdatum JJJJ-MM-TT."),
    ] = None,
    resolution: Annotated[
        str | None, typer.Option("--resolution", help="Drucksache, z. B. 0503/2018/DS.")
    ] = None,
    budget_years: Annotated[
        str | None, typer.Option("--budget-years", help="Haushaltsjahre, z. B. 2023,2024.")
    ] = None,
    state: Annotated[
        RevisionState, typer.Option("--state", help="beschlossen oder entwurf.")
    ] = None,  # type: ignore[assignment]
    force: Annotated[
        bool, typer.Option("--force", help="Eine vorhandene Revision überschreiben.")
    ] = False,
    repo: Repo = None,
    debug: Debug = False,
) -> None:
    """Die Ziele aus data/goals/ als Revision einfrieren (data/revisions/ID.yaml)."""
    del debug
    from .diagnostics import Severity, stop
    from .engine import load
    from .revisions import freeze, target

    source, embedded = _open(repo)
    if embedded:
        raise stop(
            "ISEK090",
            "Im mitgelieferten Beispiel wird nichts geschrieben.",
            "Mit --repo auf Ihr Datenrepository zeigen.",
        )
    years = _years(budget_years)
    outcome = load(source, use_cache=True)
    blocking = [
        f
        for f in outcome.findings
        if f.severity is Severity.ERROR and f.location.path.startswith("data/goals/")
    ]
    if blocking:
        _print_findings(blocking, outcome.files, FindingFormat.text)
        raise stop(
            "ISEK013", "Die Ziele enthalten Fehler; eingefroren wird nur ein gültiger Stand."
        )
    assert outcome.project is not None
    chosen = state.value if state else ("beschlossen" if decided_on else "entwurf")
    text = freeze(
        outcome.project, revision_id, title=title, state=chosen, decided_by=decided_by,
        decided_on=decided_on.date() if decided_on else None, resolution=resolution, budget_years=years,
    )  # fmt: skip
    path = target(source.root, revision_id)
    from .storage import write_text

    write_text(path, text, overwrite=force)
    typer.echo(
        f"geschrieben: {path.relative_to(source.root)} ({len(outcome.project.goals)} Ziele, {chosen})"
    )
    after = load(source, use_cache=True, need_project=False)
    mine = [
        f for f in after.findings if f.location.path == path.relative_to(source.root).as_posix()
    ]
    if mine:
        _print_findings(mine, 1, FindingFormat.text)
        raise typer.Exit(1)


def _years(text: str | None) -> list[int] | None:
    from .diagnostics import stop

    if not text:
        return None
    try:
        return [int(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError:
        raise stop(
            "ISEK094", f"`{text}` sind keine Haushaltsjahre.", "z. B. --budget-years 2023,2024"
        ) from None


class ReportKind(StrEnum):
    zielsystem = "zielsystem"
    stadtentwicklungsbericht = "stadtentwicklungsbericht"
    haushaltsbericht = "haushaltsbericht"
    massnahmenliste = "massnahmenliste"
    all = "all"


class ReportFormat(StrEnum):
    md = "md"
    html = "html"


@app.command()
@guarded
def report(
    kind: Annotated[
        ReportKind, typer.Option("--kind", "-k", help="Welcher Bericht.")
    ] = ReportKind.all,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Markdown oder HTML.")
    ] = ReportFormat.html,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Zielverzeichnis.", file_okay=False)
    ] = Path("berichte"),
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="Änderungen gegenüber dieser Revision markieren (Zielsystem)."
        ),
    ] = None,
    stichtag: Annotated[
        datetime | None,
        typer.Option(
            "--stichtag",
            formats=["%Y-%m-%d"],
            help="Bezugstag (Standard: Datum des Commits bzw. des neuesten Statusberichts).",
        ),
    ] = None,
    templates: Templates = None,
    repo: Repo = None,
    no_cache: NoCache = False,
    debug: Debug = False,
) -> None:
    """Berichte schreiben: Zielsystem, Stadtentwicklungs-, Haushaltsbericht, Maßnahmenliste."""
    del debug
    from .diagnostics import Severity, stop
    from .reports import KINDS, DataVersion, report_text
    from .storage import git_version, write_text

    source, _ = _open(repo)
    outcome = _load_outcome(source, no_cache=no_cache)
    project = outcome.project
    assert project is not None
    if project.config is None:
        raise stop(
            "ISEK044",
            "isek.yaml ist ungültig; ohne Konfiguration entstehen keine Berichte.",
            "isekctl validate zeigt, was fehlt.",
        )
    errors = [f for f in outcome.findings if f.severity is Severity.ERROR]
    if errors:
        _console(stderr=True).print(
            f"Hinweis: die Daten enthalten {len(errors)} Fehler (isekctl validate); "
            "die Berichte zeigen, was sich lesen ließ.", markup=False, style="yellow",
        )  # fmt: skip
    since_revision = None
    if since is not None:
        found = project.revision(since)
        if found is None:
            from .sides import revision_side

            revision_side(project, since)  # raises with the list of known revisions
        else:
            since_revision = found.model
    found_version = git_version(source.root)
    version = DataVersion(*found_version) if found_version else DataVersion()
    from .reports import stichtag as default_day

    day = stichtag.date() if stichtag else default_day(project, version)
    kinds = KINDS if kind is ReportKind.all else (kind.value,)
    for name in kinds:
        text = report_text(
            name, fmt.value, project, version, day,
            since=since_revision, templates=templates or _repo_templates(source.root),
        )  # fmt: skip
        target = out / f"{name}.{fmt.value}"
        write_text(target, text, overwrite=True)
        typer.echo(f"geschrieben: {target}")


@app.command()
@guarded
def fmt(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Dateien oder Ordner (Standard: alle Datendateien).", show_default=False
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Nur prüfen: Dateien nennen, die sich ändern würden (Exit-Code 1)."
        ),
    ] = False,
    repo: Repo = None,
    debug: Debug = False,
) -> None:
    """Dateien einheitlich formatieren; Kommentare und Inhalt bleiben erhalten."""
    del debug
    from .diagnostics import stop
    from .formatting import format_bytes
    from .storage import SUFFIXES, replace_if_unchanged

    source, embedded = _open(repo)
    if embedded and not check:
        raise stop(
            "ISEK090",
            "Im mitgelieferten Beispiel wird nichts geschrieben.",
            "Mit --repo auf Ihr Datenrepository zeigen.",
        )
    root = source.root
    if paths:
        files = sorted(
            {
                f
                for p in paths
                for f in ([p] if p.is_file() else [q for q in p.rglob("*") if q.suffix in SUFFIXES])
            }
        )
    else:
        files = [root / entry.path for entry in source.entries()]
    console = _console(stderr=True)
    changed = problems = 0
    for path in files:
        shown = _shown(path, root)
        raw = source.read(shown) if not paths else _read_any(path)
        if not isinstance(raw, bytes):
            _print_stop(raw)
            problems += 1
            continue
        result = format_bytes(shown, raw)
        if result.problem is not None:
            _print_stop(result.problem)
            problems += 1
        elif result.changed:
            changed += 1
            if check:
                typer.echo(f"würde geändert: {shown}")
            elif result.output is not None and replace_if_unchanged(path, raw, result.output):
                typer.echo(f"formatiert: {shown}")
            else:
                console.print(
                    f"{shown}: während des Formatierens geändert – unverändert gelassen.",
                    markup=False,
                )
                problems += 1
    verb = "würden geändert" if check else "formatiert"
    console.print(
        f"{changed} von {len(files)} Dateien {verb}"
        + (f", {problems} mit Problemen." if problems else "."),
        markup=False,
    )
    raise typer.Exit(1 if problems or (check and changed) else 0)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _read_any(path: Path) -> bytes | Finding:
    from .storage import Directory

    return Directory(path.parent).read(path.name)


new_app = typer.Typer(
    help="Neue Maßnahme oder neues Ziel anlegen (gültig ab dem ersten Speichern).",
    no_args_is_help=True,
)
app.add_typer(new_app, name="new")


def _ask(
    value: str | None, prompt: str, interactive: bool, option: str, default: str | None = None
) -> str:
    """An option's value, asked for on a terminal when it is missing."""
    if value:
        return value
    if interactive:
        answer: str = typer.prompt(prompt, default=default) if default else typer.prompt(prompt)
        return answer.strip()
    raise typer.BadParameter(
        f"{option} fehlt (oder ohne Optionen im Terminal aufrufen, dann fragt isekctl nach).",
        param_hint=option,
    )


def _writable(repo: Path | None) -> tuple[Directory, Outcome]:
    from .diagnostics import stop
    from .engine import load

    source, embedded = _open(repo)
    if embedded:
        raise stop(
            "ISEK090",
            "Im mitgelieferten Beispiel wird nichts geschrieben.",
            "Mit --repo auf Ihr Datenrepository zeigen.",
        )
    outcome = load(source)
    assert outcome.project is not None
    if outcome.project.config is None:
        raise stop(
            "ISEK044", "isek.yaml ist ungültig.", "Erst `isekctl validate` und die Befunde beheben."
        )
    return source, outcome


@new_app.command("measure")
@guarded
def new_measure(
    identifier: Annotated[
        str | None,
        typer.Argument(metavar="ID", help="ID der Maßnahme, z. B. DIGI-WLAN.", show_default=False),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Titel.")] = None,
    goal: Annotated[
        list[str] | None, typer.Option("--goal", help="Ziel-ID (mehrfach möglich).")
    ] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="Federführender Fachdienst.")
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="Status (Standard: der erste aus isek.yaml).")
    ] = None,
    repo: Repo = None,
    debug: Debug = False,
) -> None:
    """Neue Schlüsselmaßnahme als data/measures/ID.yaml anlegen."""
    del debug
    from .scaffold import new_measure as build
    from .storage import write_text

    source, outcome = _writable(repo)
    project = outcome.project
    assert project is not None and project.config is not None
    interactive = sys.stdin.isatty() and not (title or goal or department)
    identifier = _ask(identifier, "ID der Maßnahme", interactive, "ID")
    title = _ask(title, "Titel", interactive, "--title")
    goals = goal or [
        g.strip()
        for g in _ask(None, "Ziele (IDs, mit Komma getrennt)", interactive, "--goal").split(",")
        if g.strip()
    ]
    departments = list(project.config.departments or {})
    department = _ask(
        department,
        "Federführender Fachdienst" + (f" ({', '.join(departments)})" if departments else ""),
        interactive,
        "--department",
    )
    path, text = build(
        project, identifier, title=title, goals=goals, department=department, status=status
    )
    write_text(source.root / path, text, overwrite=False)
    typer.echo(f"angelegt: {path}")


@new_app.command("goal")
@guarded
def new_goal(
    identifier: Annotated[
        str | None, typer.Argument(metavar="ID", help="ID des Ziels.", show_default=False)
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Wortlaut.")] = None,
    level: Annotated[str | None, typer.Option("--level", help="Ebene (ID aus isek.yaml).")] = None,
    product_area: Annotated[
        str | None, typer.Option("--product-area", help="Produktbereich (Schlüssel aus isek.yaml).")
    ] = None,
    parent: Annotated[str | None, typer.Option("--parent", help="Übergeordnetes Ziel.")] = None,
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            help="Zieldatei in data/goals/ (Standard: passend zu Ebene und Produktbereich).",
        ),
    ] = None,
    repo: Repo = None,
    debug: Debug = False,
) -> None:
    """Neues Ziel in einer Zieldatei anlegen (Kommentare der Datei bleiben)."""
    del debug
    from .diagnostics import stop
    from .scaffold import new_goal as build
    from .storage import replace_if_unchanged, write_text

    source, outcome = _writable(repo)
    project = outcome.project
    assert project is not None and project.config is not None
    interactive = sys.stdin.isatty() and not (title or level)
    identifier = _ask(identifier, "ID des Ziels", interactive, "ID")
    title = _ask(title, "Wortlaut", interactive, "--title")
    levels = [lv.id for lv in project.config.levels]
    level = _ask(level, f"Ebene ({', '.join(levels)})", interactive, "--level", default=levels[0])
    chosen = project.config.level(level)
    if product_area is None and interactive and chosen and chosen.requires_product_area:
        product_area = _ask(
            None,
            f"Produktbereich ({', '.join(project.config.product_areas)})",
            True,
            "--product-area",
        )
    placement = build(
        project,
        source.root,
        identifier,
        title=title,
        level=level,
        product_area=product_area,
        parent=parent,
        file=file,
    )
    target = source.root / placement.path
    if placement.original is None:
        write_text(target, placement.text, overwrite=False)
    elif not replace_if_unchanged(target, placement.original, placement.text.encode("utf-8")):
        raise stop("ISEK093", f"{placement.path} wurde währenddessen geändert; nichts geschrieben.")
    typer.echo(f"angelegt: {identifier} in {placement.path}")


class CiChoice(StrEnum):
    gitlab = "gitlab"
    github = "github"
    none = "none"


@app.command()
@guarded
def init(
    directory: Annotated[
        Path,
        typer.Argument(
            help="Verzeichnis des neuen Datenrepositorys.", file_okay=False, show_default=False
        ),
    ],
    municipality: Annotated[
        str, typer.Option("--municipality", help="Name der Kommune.", prompt="Name der Kommune")
    ] = "",
    ci: Annotated[
        CiChoice, typer.Option("--ci", help="CI-Vorlage: GitLab, GitHub oder keine.")
    ] = CiChoice.gitlab,
    debug: Debug = False,
) -> None:
    """Neues Datenrepository für eine Kommune anlegen (isek.yaml, Ordner, CI, Editor-Einstellungen)."""
    del debug
    from .diagnostics import stop
    from .scaffold import init_files
    from .schemas import write_schemas
    from .storage import write_text

    if (directory / "isek.yaml").exists() or (directory / "data").exists():
        raise stop(
            "ISEK093",
            f"{directory} enthält schon ein Datenrepository.",
            "Ein leeres oder neues Verzeichnis angeben.",
        )
    files = init_files(municipality.strip(), ci.value)
    for relative, text in files.items():
        write_text(directory / relative, text, overwrite=False)
    write_schemas(directory / "schemas")
    typer.echo(
        f"angelegt: {directory} ({len(files) + 4} Dateien). Weiter mit: cd {directory} && isekctl validate"
    )


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


@app.command()
@guarded
def export(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="CSV oder JSON.")
    ] = ExportFormat.csv,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Zielverzeichnis.", file_okay=False)
    ] = Path("opendata"),
    repo: Repo = None,
    no_cache: NoCache = False,
    debug: Debug = False,
) -> None:
    """Offene Daten exportieren: Tabellen, datapackage.json (Frictionless) und DCAT-AP.de."""
    del debug
    from .diagnostics import stop
    from .export import export_files
    from .reports import DataVersion, stichtag
    from .storage import git_version, write_text

    source, _ = _open(repo)
    outcome = _load_outcome(source, no_cache=no_cache)
    project = outcome.project
    assert project is not None
    if project.config is None:
        raise stop("ISEK044", "isek.yaml ist ungültig; exportiert wird nur ein gültiger Stand.")
    found = git_version(source.root)
    day = stichtag(project, DataVersion(*found) if found else DataVersion())
    for name, text in export_files(project, fmt.value, day).items():
        write_text(out / name, text, overwrite=True)
        typer.echo(f"geschrieben: {out / name}")


@app.command()
@guarded
def show(
    identifier: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="ID eines Ziels oder einer Maßnahme.", show_default=False
        ),
    ],
    repo: Repo = None,
    debug: Debug = False,
) -> None:
    """Ein Ziel oder eine Maßnahme mit allem, was dazugehört."""
    del debug
    from .diagnostics import stop
    from .views import show as view
    from .views import unknown_hint

    source, _ = _open(repo)
    project = _load_outcome(source, no_cache=False).project
    assert project is not None and project.config is not None
    try:
        _console().print(view(project, identifier))
    except LookupError:
        raise stop(
            "ISEK094",
            f"Ein Ziel oder eine Maßnahme `{identifier}` gibt es nicht.",
            unknown_hint(project, identifier),
        ) from None


@app.command()
@guarded
def tree(repo: Repo = None, debug: Debug = False) -> None:
    """Die Zielhierarchie mit Anzahl und Stand der Maßnahmen."""
    del debug
    from .views import tree as view

    source, _ = _open(repo)
    project = _load_outcome(source, no_cache=False).project
    assert project is not None and project.config is not None
    _console().print(view(project))


def main() -> None:
    app()
