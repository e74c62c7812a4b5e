"""Commands that compare states of the goal system: diff and revision freeze."""

from __future__ import annotations

import os
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    FindingFormat,
    NoCache,
    Repo,
    app,
    command,
    console_for,
    emit,
    load_outcome,
    notice,
    open_repo,
    print_findings,
    repo_templates,
)


class DiffFormat(StrEnum):
    text = "text"
    md = "md"
    html = "html"
    json = "json"
    pdf = "pdf"
    docx = "docx"


@command(app)
def diff(
    old: Annotated[
        str,
        typer.Argument(
            help="Beschlussstand (ID einer Revision, z. B. 2020), git:<ref> oder Verzeichnis.",
            show_default=False,
        ),
    ],
    new: Annotated[
        str | None, typer.Argument(help="Wie OLD; Standard: der Arbeitsstand.", show_default=False)
    ] = None,
    fmt: Annotated[
        DiffFormat,
        typer.Option(
            "--format",
            "-f",
            help="Ausgabeformat; pdf (A4 quer, getaggt) und docx für die Ratsvorlage brauchen "
            "--out und pip install 'isekctl[pdf]'.",
        ),
    ] = DiffFormat.text,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="In diese Datei schreiben.", dir_okay=False)
    ] = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit-Code 1, wenn sich etwas geändert hat.")
    ] = False,
    changes_only: Annotated[
        bool,
        typer.Option(
            "--changes-only",
            help="md/html: nur die Änderungen nach Art (kurz, für Pull-Request-Kommentare) "
            "statt der vollständigen Synopse.",
        ),
    ] = False,
    stichtag: Annotated[
        datetime | None,
        typer.Option(
            "--stichtag",
            formats=["%Y-%m-%d"],
            help="Datum der Synopse (JJJJ-MM-TT); Standard: heute.",
        ),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="Eigene Vorlagen diff.md.j2/diff.html.j2 (Standard: die von isekctl; "
            "templates/ des Datenrepositorys nur, wenn hier angegeben).",
            file_okay=False,
        ),
    ] = None,
    repo: Repo = None,
    no_cache: NoCache = False,
) -> None:
    """Zwei Stände des Zielsystems semantisch vergleichen (Synopse)."""
    from ..comparing import output, sides
    from ..comparing.semantic import compare
    from ..publishing.synopse import as_document, goal_system
    from ..terminal.diff import as_rich

    if fmt in (DiffFormat.pdf, DiffFormat.docx) and out is None:
        raise typer.BadParameter(
            f"{fmt.value.upper()} ist eine Datei: mit --out angeben, wohin (z. B. --out synopse.{fmt.value}).",
            param_hint="--out",
        )
    source, _ = open_repo(repo)
    working = load_outcome(source, no_cache=no_cache)
    left = sides.resolve(old, source.root, working, use_cache=not no_cache)
    right = (
        sides.working_side(working)
        if new is None
        else sides.resolve(new, source.root, working, use_cache=not no_cache)
    )
    for side in (left, right):
        if side.errors:
            console_for(stderr=True).print(
                f"Hinweis: {side.side.label} hat {side.errors} Fehler; verglichen wird, was sich lesen ließ "
                "(Details: isekctl validate).", markup=False, style="yellow",
            )  # fmt: skip
    result = compare(left.side, right.side)
    own = repo_templates(source.root)
    written = fmt in (DiffFormat.md, DiffFormat.html, DiffFormat.pdf)
    if (
        templates is None
        and own is not None
        and written
        and any((own / f"diff.{kind}.j2").exists() for kind in ("md", "html"))
    ):  # a pull request's templates would write that pull request's review
        notice(
            f"Hinweis: eigene Vorlagen in {own.name}/ gelten für diff nur mit --templates {own.name}."
        )
    config = right.config or left.config or (working.project.config if working.project else None)
    system = goal_system(config) if config is not None else {}
    if fmt is DiffFormat.text and out is None:
        console = console_for()
        console.print(as_rich(result, system, markers=console.no_color or not console.is_terminal))
    elif fmt is DiffFormat.json:
        emit(output.as_json(result), out)
    elif fmt is DiffFormat.text:
        emit(_plain_text(as_rich(result, system, markers=True)), out)
    elif fmt in (DiffFormat.pdf, DiffFormat.docx) and out is not None:
        from ..publishing.synopse import binary_document
        from ..writing.atomic import write_bytes

        day = stichtag.date() if stichtag else date.today()
        data = binary_document(
            result, fmt.value, system, day, changes_only=changes_only,  # type: ignore[arg-type]
            templates=templates,
        )  # fmt: skip
        write_bytes(out, data, overwrite=True)
        notice(f"geschrieben: {out}")
    else:
        day = stichtag.date() if stichtag else date.today()
        emit(
            as_document(
                result, fmt.value, system, day, changes_only=changes_only,  # type: ignore[arg-type]
                templates=templates,
            ),
            out,
        )  # fmt: skip
    raise typer.Exit(1 if exit_code and not result.empty else 0)


def _plain_text(renderable: object) -> str:
    from rich.console import Console

    console = Console(width=120, no_color=True, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


class RevisionState(StrEnum):
    beschlossen = "beschlossen"
    entwurf = "entwurf"


revision_app = typer.Typer(
    help="Beschlussstände und Fortschreibungsentwürfe des Zielsystems (data/revisions/).",
    no_args_is_help=True,
)
app.add_typer(revision_app, name="revision")


@command(revision_app, "freeze")
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
    goals_only: Annotated[
        bool,
        typer.Option("--goals-only", help="Nur die Ziele einfrieren, ohne die Maßnahmen."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Eine vorhandene Revision überschreiben.")
    ] = False,
    repo: Repo = None,
) -> None:
    """Ziele und Maßnahmen als Beschlussstand oder Entwurf einfrieren (data/revisions/ID.yaml)."""
    from ..reading.pipeline import load
    from ..writing.atomic import write_data
    from ..writing.freeze import freeze, target

    source, _ = open_repo(repo, writing=True)
    years = _years(budget_years)
    outcome = load(source, use_cache=True)
    project = outcome.require_valid(
        "Die Ziele enthalten Fehler; eingefroren wird nur ein gültiger Stand.", "data/goals/"
    )
    chosen = state.value if state else ("beschlossen" if decided_on else "entwurf")
    text = freeze(
        project, revision_id, title=title, state=chosen, decided_by=decided_by,
        decided_on=decided_on.date() if decided_on else None, resolution=resolution, budget_years=years,
        goals_only=goals_only,
    )  # fmt: skip
    path = target(source.root, revision_id)
    relative = path.relative_to(source.root).as_posix()
    write_data(source.root, relative, text.encode("utf-8"), overwrite=force, force=True)
    goals = f"{len(project.goals)} {'Ziel' if len(project.goals) == 1 else 'Ziele'}"
    count = len(project.measures)
    measures = "" if goals_only else f", {count} {'Maßnahme' if count == 1 else 'Maßnahmen'}"
    notice(f"geschrieben: {path.relative_to(source.root)} ({goals}{measures}, {chosen})")
    after = load(source, use_cache=True, need_project=False)
    mine = [
        f for f in after.findings if f.location.path == path.relative_to(source.root).as_posix()
    ]
    if mine:
        print_findings(mine, 1, FindingFormat.text)
        raise typer.Exit(1)


def _years(text: str | None) -> list[int] | None:
    if not text:
        return None
    parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    # four digits 0-9 only: int() would also take "٢٠٢٥" or "２０２５" (see test_values)
    if not parts or not all(len(part) == 4 and part.isascii() and part.isdigit() for part in parts):
        raise typer.BadParameter(
            f"`{text}` sind keine Haushaltsjahre (z. B. --budget-years 2023,2024).",
            param_hint="--budget-years",
        )
    return [int(part) for part in parts]
