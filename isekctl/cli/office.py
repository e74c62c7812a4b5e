"""Commands for the daily work of the office: new, init, show, tree."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .common import Debug, Repo, app, console_for, guarded, load_outcome, open_repo, open_writable

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
    from ..scaffold import new_measure as build
    from ..storage import write_text

    source, outcome = open_writable(repo)
    project = outcome.project
    assert project is not None and project.config is not None
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
    from ..diagnostics import stop
    from ..scaffold import new_goal as build
    from ..storage import replace_if_unchanged, write_text

    source, outcome = open_writable(repo)
    project = outcome.project
    assert project is not None and project.config is not None
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
    from ..diagnostics import stop
    from ..scaffold import init_files
    from ..schemas import write_schemas
    from ..storage import write_text

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
    from ..diagnostics import stop
    from ..views import show as view
    from ..views import unknown_hint

    source, _ = open_repo(repo)
    project = load_outcome(source, no_cache=False).project
    assert project is not None and project.config is not None
    try:
        console_for().print(view(project, identifier))
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
    from ..views import tree as view

    source, _ = open_repo(repo)
    project = load_outcome(source, no_cache=False).project
    assert project is not None and project.config is not None
    console_for().print(view(project))
