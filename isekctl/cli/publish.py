"""Commands that publish: report and export."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    Debug,
    NoCache,
    Repo,
    Templates,
    app,
    console_for,
    data_version,
    guarded,
    load_outcome,
    open_repo,
    repo_templates,
    usable_project,
)


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
    from ..diagnostics import Severity
    from ..reports import KINDS, report_text
    from ..storage import write_text

    source, _ = open_repo(repo)
    outcome = load_outcome(source, no_cache=no_cache)
    project = usable_project(outcome, "ohne Konfiguration entstehen keine Berichte.")
    errors = [f for f in outcome.findings if f.severity is Severity.ERROR]
    if errors:
        console_for(stderr=True).print(
            f"Hinweis: die Daten enthalten {len(errors)} Fehler (isekctl validate); "
            "die Berichte zeigen, was sich lesen ließ.", markup=False, style="yellow",
        )  # fmt: skip
    since_revision = None
    if since is not None:
        found = project.revision(since)
        if found is None:
            from ..sides import revision_side

            revision_side(project, since)  # raises with the list of known revisions
        else:
            since_revision = found.model
    version, day = data_version(source.root, project, stichtag.date() if stichtag else None)
    kinds = KINDS if kind is ReportKind.all else (kind.value,)
    for name in kinds:
        text = report_text(
            name, fmt.value, project, version, day,
            since=since_revision, templates=templates or repo_templates(source.root),
        )  # fmt: skip
        target = out / f"{name}.{fmt.value}"
        write_text(target, text, overwrite=True)
        typer.echo(f"geschrieben: {target}")


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
    from ..export import export_files
    from ..storage import write_text

    source, _ = open_repo(repo)
    project = usable_project(
        load_outcome(source, no_cache=no_cache), "exportiert wird nur ein gültiger Stand."
    )
    _, day = data_version(source.root, project)
    for name, text in export_files(project, fmt.value, day).items():
        write_text(out / name, text, overwrite=True)
        typer.echo(f"geschrieben: {out / name}")
