"""Commands for the daily work of the office: new, init, show, tree."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    Repo,
    app,
    command,
    console_for,
    load_outcome,
    notice,
    open_repo,
    open_writable,
)

new_app = typer.Typer(
    help="Neue Maßnahme oder neues Ziel anlegen (gültig ab dem ersten Speichern).",
    no_args_is_help=True,
)
app.add_typer(new_app, name="new")


def at_terminal() -> bool:
    """Someone types the answers: ask for missing fields instead of failing."""
    return sys.stdin.isatty()


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


@command(new_app, "measure")
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
) -> None:
    """Neue Schlüsselmaßnahme als data/measures/ID.yaml anlegen."""
    from ..writing.atomic import write_text
    from ..writing.scaffold import new_measure as build

    source, project = open_writable(repo)
    interactive = at_terminal() and not (title or goal or department)
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
    notice(f"angelegt: {path}")


@command(new_app, "goal")
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
) -> None:
    """Neues Ziel in einer Zieldatei anlegen (Kommentare der Datei bleiben)."""
    from ..writing.atomic import EXISTS, replace_if_unchanged, write_text
    from ..writing.scaffold import new_goal as build

    source, project = open_writable(repo)
    interactive = at_terminal() and not (title or level)
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
        raise EXISTS.stop(f"{placement.path} wurde währenddessen geändert; nichts geschrieben.")
    notice(f"angelegt: {identifier} in {placement.path}")


class CiChoice(StrEnum):
    gitlab = "gitlab"
    github = "github"
    none = "none"


@command(app)
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
    isekctl: Annotated[
        str | None,
        typer.Option(
            "--isekctl",
            help="Woher CI und pre-commit isekctl installieren, mit fester Version: "
            "'isekctl==0.1.0' oder 'isekctl @ git+https://…@v0.1.0' (Standard: diese Version).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Neues Datenrepository für eine Kommune anlegen (isek.yaml, Ordner, CI, Editor-Einstellungen)."""
    from ..publishing.schemas import write_schemas
    from ..writing.atomic import EXISTS, write_text
    from ..writing.init import init_config, init_files

    if (directory / "isek.yaml").exists() or (directory / "data").exists():
        raise EXISTS.stop(
            f"{directory} enthält schon ein Datenrepository.",
            "Ein leeres oder neues Verzeichnis angeben.",
        )
    files = init_files(municipality.strip(), ci.value, isekctl)
    for relative, text in files.items():
        write_text(directory / relative, text, overwrite=False)
    write_schemas(directory / "schemas", init_config(files))
    notice(
        f"angelegt: {directory} ({len(files) + 4} Dateien). Weiter mit: cd {directory} && isekctl validate"
    )


@command(app)
def show(
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="ID|TEXT",
            help="ID eines Ziels oder einer Maßnahme, oder ein Teil des Titels "
            "(Groß-/Kleinschreibung und ä/ae egal), z. B. `Bürgerportal`.",
            show_default=False,
        ),
    ],
    repo: Repo = None,
) -> None:
    """Ein Ziel oder eine Maßnahme mit allem, was dazugehört; gesucht nach ID oder Titel."""
    from datetime import date

    from ..checks.schedule import marks
    from ..terminal.views import show as view

    source, _ = open_repo(repo)
    project = load_outcome(source, no_cache=False).require_project("nichts anzuzeigen.")
    overdue = marks(project, date.today())
    console_for().print(view(project, " ".join(words), overdue), soft_wrap=False)


@command(app)
def tree(repo: Repo = None) -> None:
    """Die Zielhierarchie mit Anzahl und Stand der Maßnahmen; was davon überfällig ist."""
    from datetime import date

    from ..checks.schedule import marks
    from ..terminal.views import tree as view

    source, _ = open_repo(repo)
    project = load_outcome(source, no_cache=False).require_project("nichts anzuzeigen.")
    console_for().print(view(project, marks(project, date.today())), soft_wrap=False)
