"""Commands for the daily work of the office: new, init, show, tree."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .asking import ask, at_terminal, confirm, pick_many, pick_one, say
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

if TYPE_CHECKING:
    from ..writing.scaffold import Edit

new_app = typer.Typer(
    help="Neue Maßnahme, neues Ziel oder neuer Statusbericht (gültig ab dem ersten Speichern).",
    no_args_is_help=True,
)
app.add_typer(new_app, name="new")


def _missing(*pairs: tuple[str, object]) -> None:
    """Without a terminal, every required option must be given."""
    absent = [option for option, value in pairs if not value]
    if absent:
        what = (
            f"{absent[0]} fehlt"
            if len(absent) == 1
            else f"{', '.join(absent[:-1])} und {absent[-1]} fehlen"
        )
        raise typer.BadParameter(
            f"{what} (oder im Terminal aufrufen, dann fragt isekctl nach).", param_hint=absent[0]
        )


def _write(root: Path, edit: Edit) -> None:
    from ..writing.atomic import EXISTS, replace_data, write_data

    if edit.original is None:
        write_data(root, edit.path, edit.data)
    elif not replace_data(root, edit.path, edit.original, edit.data):
        raise EXISTS.stop(f"{edit.path} wurde währenddessen geändert; nichts geschrieben.")


@command(new_app, "measure")
def new_measure(
    identifier: Annotated[
        str | None,
        typer.Argument(metavar="ID", help="ID der Maßnahme, z. B. DIGI-WLAN.", show_default=False),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Titel.")] = None,
    goal: Annotated[
        list[str] | None,
        typer.Option("--goal", help="Ziel: ID oder Teil des Titels (mehrfach möglich)."),
    ] = None,
    department: Annotated[
        str | None,
        typer.Option(
            "--department", help="Federführender Fachdienst: Kürzel oder Teil des Namens."
        ),
    ] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="Status (Standard: der erste aus isek.yaml).")
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="Beginn, z. B. 2025, 2025-Q3 oder 2025-09-30.")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Ende, wie --start.")] = None,
    budget: Annotated[
        list[str] | None,
        typer.Option(
            "--budget", help='Haushaltsansatz "Jahr Art Betrag", z. B. "2025 investition 50000".'
        ),
    ] = None,
    repo: Repo = None,
) -> None:
    """Neue Schlüsselmaßnahme als data/measures/ID.yaml anlegen.

    Im Terminal ohne Optionen fragt isekctl jede Angabe einzeln ab und prüft sie sofort;
    Ziele und Fachdienste lassen sich auch über einen Teil ihres Namens wählen.
    """
    from ..writing import scaffold as s

    source, project = open_writable(repo)
    config = project.config
    interactive = at_terminal()
    if not interactive:
        _missing(
            ("ID", identifier), ("--title", title), ("--goal", goal), ("--department", department)
        )
    ask_all = interactive and not any((title, goal, department, status, start, end, budget))
    added: dict[str, str] = {}
    identifier = identifier or ask(
        "ID der Maßnahme (z. B. DIGI-WLAN)", lambda a: s.check_new_id(project, a)
    )
    title = title or ask("Titel", s.check_title)
    goals = goal or pick_many(
        "Ziele (ID oder Teil des Titels, mehrere mit Komma; ? = Liste)",
        s.goal_options(project),
        what="Das Ziel",
    )
    if department is None and config.departments is None:
        department = ask("Federführender Fachdienst", s.check_title)
    elif department is None:

        def offer(answer: str) -> str | None:
            if not confirm(
                f"  Den Fachdienst „{answer}“ gibt es in isek.yaml nicht. Neu eintragen?"
            ):
                return None
            added[answer] = ask(f"  Name des Fachdienstes „{answer}“", s.check_title)
            return answer

        department = pick_one(
            "Federführender Fachdienst (Kürzel oder Teil des Namens; ? = Liste)",
            s.department_options(config),
            what="Den Fachdienst",
            other=offer,
        )
    lines = [s.check_budget_line(line) for line in budget or ()]
    if ask_all:
        status = pick_one("Status", s.status_options(config), what="Den Status",
                          default=config.status_ids()[0])  # fmt: skip
        start = ask(
            "Beginn (z. B. 2025, 2025-Q3 oder 2025-09-30; leer = offen)",
            lambda a: s.check_partial_date(a, "Beginn"),
            default="",
        )
        end = ask("Ende (leer = offen)", lambda a: _end_after(s, start, a), default="")
        while line := ask(
            "Haushaltsansatz (Jahr Art Betrag, z. B. 2025 investition 50000; leer = fertig)",
            lambda a: s.check_budget_line(a) if a else None,
            default="",
        ):
            lines.append(line)
    else:
        start = s.check_partial_date(start or "", "Beginn")
        end = s.check_partial_date(end or "", "Ende")
    assert identifier and title and department
    edit = s.new_measure(
        project, identifier, title=title, goals=goals, department=department, status=status,
        start=start, end=end, budget=lines, new_departments=added,
    )  # fmt: skip
    for key, name in added.items():
        _write(source.root, s.add_department(source.root, key, name))
        notice(f"eingetragen: Fachdienst {key} ({name}) in isek.yaml")
    _write(source.root, edit)
    notice(f"angelegt: {edit.path}")


def _end_after(s: Any, start: str | None, answer: str) -> str | None:
    end: str | None = s.check_partial_date(answer, "Ende")
    if start and end:
        from ..dates import PartialDate

        if PartialDate.parse(start).first > PartialDate.parse(end).last:
            raise s.INVALID_ARGUMENT.stop(f"Das Ende {end} liegt vor dem Beginn {start}.")
    return end


@command(new_app, "goal")
def new_goal(
    identifier: Annotated[
        str | None, typer.Argument(metavar="ID", help="ID des Ziels.", show_default=False)
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Wortlaut.")] = None,
    level: Annotated[
        str | None, typer.Option("--level", help="Ebene: ID oder Name aus isek.yaml.")
    ] = None,
    product_area: Annotated[
        str | None,
        typer.Option("--product-area", help="Produktbereich: Schlüssel oder Teil des Namens."),
    ] = None,
    parent: Annotated[
        str | None,
        typer.Option("--parent", help="Übergeordnetes Ziel: ID oder Teil des Wortlauts."),
    ] = None,
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            help="Zieldatei in data/goals/ (Standard: passend zu Ebene und Produktbereich).",
        ),
    ] = None,
    repo: Repo = None,
) -> None:
    """Neues Ziel in einer Zieldatei anlegen (Kommentare der Datei bleiben).

    Im Terminal ohne Optionen fragt isekctl jede Angabe einzeln ab und prüft sie sofort.
    """
    from ..writing import scaffold as s

    source, project = open_writable(repo)
    config = project.config
    interactive = at_terminal()
    if not interactive:
        _missing(("ID", identifier), ("--title", title), ("--level", level))
    ask_all = interactive and not any((title, level, product_area, parent, file))
    identifier = identifier or ask("ID des Ziels", lambda a: s.check_new_id(project, a))
    title = title or ask("Wortlaut", s.check_title)
    level = level or pick_one(
        "Ebene (? = Liste)", s.level_options(config), what="Die Ebene", default=config.levels[0].id
    )
    chosen = config.level(s.choose(level or "", s.level_options(config), "Die Ebene", "Ebenen"))
    needs_area = bool(chosen and chosen.requires_product_area)
    if product_area is None and interactive and needs_area:
        product_area = pick_one(
            "Produktbereich (Schlüssel oder Teil des Namens; ? = Liste)",
            s.area_options(config),
            what="Den Produktbereich",
        )
    if parent is None and ask_all and project.goals:
        parent = pick_one(
            "Übergeordnetes Ziel (ID oder Teil des Wortlauts; leer = keins)",
            s.goal_options(project),
            what="Das Ziel",
            optional=True,
        )
    assert identifier and title and level
    edit = s.new_goal(
        project, source.root, identifier, title=title, level=level,
        product_area=product_area, parent=parent, file=file,
    )  # fmt: skip
    _write(source.root, edit)
    notice(f"angelegt: {identifier} in {edit.path}")


@command(new_app, "report")
def new_report(
    measure: Annotated[
        str | None,
        typer.Argument(
            metavar="MASSNAHME",
            help="Die Maßnahme: ID oder Teil des Titels.",
            show_default=False,
        ),
    ] = None,
    text: Annotated[
        str | None, typer.Option("--text", help="Text des Statusberichts (Sachstand).")
    ] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="Status: ID oder Name, z. B. laufend oder verzögert (Standard: wie bisher).",
        ),
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--date", help="Tag des Berichts, JJJJ-MM-TT oder TT.MM.JJJJ (Standard: heute)."
        ),
    ] = None,
    rating: Annotated[
        str | None, typer.Option("--rating", help="Ampel: grün, gelb oder rot.")
    ] = None,
    rating_reason: Annotated[
        str | None, typer.Option("--rating-reason", help="Begründung der Ampel (bei gelb und rot).")
    ] = None,
    repo: Repo = None,
) -> None:
    """Einen Statusbericht zu einer Maßnahme ergänzen und ihren Status mitführen.

    Der Bericht bekommt das heutige Datum (oder --date), den Status (ID oder Name, Umlaute
    erlaubt) und den Text; der Status der Maßnahme wird auf den des Berichts gesetzt. Wird
    er schlechter (z. B. verzögert), fragt isekctl im Terminal nach Ampel und Begründung.
    Kommentare und Aufbau der Datei bleiben erhalten.
    """
    from datetime import date

    from ..writing import scaffold as s
    from ..writing.choices import find

    source, project = open_writable(repo)
    config = project.config
    interactive = at_terminal()
    if not interactive:
        _missing(("MASSNAHME", measure), ("--text", text))
    options = s.measure_options(project)
    if measure is None:
        measure = pick_one(
            "Maßnahme (ID oder Teil des Titels; ? = Liste)", options, what="Die Maßnahme"
        )
    elif interactive and len(find(measure, options)) != 1:
        say(f"„{measure}“ bestimmt keine Maßnahme eindeutig.")
        measure = pick_one("Maßnahme (Nummer, ID oder Teil des Titels)", options,
                           what="Die Maßnahme", shown=find(measure, options) or None)  # fmt: skip
    measure_id = s.choose(measure or "", options, "Die Maßnahme", "Maßnahmen")
    current = next(m.model for m in project.measures if m.model.id == measure_id)
    today = date.today()
    ask_all = interactive and text is None
    if day is not None:
        when = s.check_day(day, today)
    elif ask_all:
        when = ask("Datum des Berichts", lambda a: s.check_day(a, today), default=today.isoformat())
    else:
        when = today
    if status is None and ask_all:
        status = pick_one("Status", s.status_options(config), what="Den Status",
                          default=current.status)  # fmt: skip
    status = s.choose(status or current.status, s.status_options(config), "Den Status", "Status")
    if text is None:
        text = ask("Text (Sachstand, eine Zeile)", s.check_title)
    turns_bad = s.is_bad(status, config) and (
        status != current.status or current.rating in (None, "gruen")
    )
    if turns_bad and rating is None and interactive:
        now = config_rating(current.rating)
        rating = pick_one(
            f"Ampel (grün, gelb oder rot; leer = {now})", s.RATINGS, what="Die Ampel", optional=True
        )
    bad_rating = rating and s.choose(rating, s.RATINGS, "Die Ampel", "Ampeln") != "gruen"
    if bad_rating and rating_reason is None and interactive:
        rating_reason = ask("Begründung der Ampel", s.check_title,
                                default=current.rating_reason or None)  # fmt: skip
    edit = s.new_report(
        project, source.root, measure_id, day=when, status=status, text=text,
        rating=rating, rating_reason=rating_reason,
    )  # fmt: skip
    _write(source.root, edit)
    notice(
        f"Statusbericht vom {when:%d.%m.%Y} ergänzt: {edit.path} "
        f"(Status: {config.status_name(status)})"
    )
    if turns_bad and rating is None:
        notice(
            f"Hinweis: Status „{config.status_name(status)}“, die Ampel steht auf "
            f"{config_rating(current.rating)}; mit --rating und --rating-reason anpassen."
        )


def config_rating(rating: str | None) -> str:
    return {"gruen": "grün", "gelb": "gelb", "rot": "rot"}.get(rating or "", "keiner Farbe")


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
    from ..kinds import FileKind
    from ..publishing.schemas import write_schemas
    from ..writing.atomic import refuse_occupied, write_data, write_text
    from ..writing.init import init_config, init_files, unreachable

    files = init_files(municipality.strip(), ci.value, isekctl)
    refuse_occupied(directory, [*files, *(f"schemas/{kind.schema_file}" for kind in FileKind)])
    for relative, text in files.items():
        if relative == "isek.yaml":
            write_data(directory, relative, text.encode("utf-8"))
        else:
            write_text(directory / relative, text, overwrite=False)
    write_schemas(directory / "schemas", init_config(files))
    notice(
        f"angelegt: {directory} ({len(files) + 4} Dateien). Weiter mit: cd {directory} && isekctl validate"
    )
    requirement = next(
        line for line in files["requirements.txt"].splitlines() if line.startswith("isekctl")
    )
    if unreachable(requirement):
        notice(
            f"Achtung: requirements.txt nennt „{requirement}“, eine Platzhalter-Adresse; die CI "
            "kann isekctl daraus nicht installieren. Mit --isekctl die Quelle angeben, aus der "
            "Ihre Verwaltung isekctl bezieht, oder die Zeile in requirements.txt und "
            ".pre-commit-config.yaml ändern.",
            style="yellow",
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
