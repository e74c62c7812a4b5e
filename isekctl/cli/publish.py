"""Commands that publish: report and export."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .common import (
    NoCache,
    Repo,
    Templates,
    app,
    command,
    console_for,
    data_version,
    load_outcome,
    notice,
    open_repo,
    repo_templates,
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


@command(app)
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
) -> None:
    """Berichte schreiben: Zielsystem, Stadtentwicklungs-, Haushaltsbericht, Maßnahmenliste."""
    from ..publishing.reports import KINDS, report_text
    from ..writing.atomic import write_text

    source, _ = open_repo(repo)
    outcome = load_outcome(source, no_cache=no_cache)
    project = outcome.require_project("ohne Konfiguration entstehen keine Berichte.")
    errors = outcome.errors()
    if errors:
        console_for(stderr=True).print(
            f"Hinweis: die Daten enthalten {len(errors)} Fehler (isekctl validate); "
            "die Berichte zeigen, was sich lesen ließ.", markup=False, style="yellow",
        )  # fmt: skip
    since_revision = None
    if since is not None:
        found = project.revision(since)
        if found is None:
            from ..comparing.sides import revision_side

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
        notice(f"geschrieben: {target}")


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


@command(app)
def export(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="CSV oder JSON.")
    ] = ExportFormat.csv,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Zielverzeichnis.", file_okay=False)
    ] = Path("opendata"),
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Adresse, unter der der Export veröffentlicht wird (Standard: "
            "open_data.base_url in isek.yaml); nötig für die DCAT-AP.de-Metadaten.",
            show_default=False,
        ),
    ] = None,
    repo: Repo = None,
    no_cache: NoCache = False,
) -> None:
    """Offene Daten exportieren: Tabellen, Excel-Kopie, datapackage.json, DCAT-AP.de, ZIP."""
    from ..publishing.export import export_files
    from ..writing.atomic import write_bytes

    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise typer.BadParameter("eine Adresse mit https:// angeben.", param_hint="--base-url")
    source, _ = open_repo(repo)
    project = load_outcome(source, no_cache=no_cache).require_project(
        "exportiert wird nur ein gültiger Stand."
    )
    _, day = data_version(source.root, project)
    files = export_files(project, fmt.value, day, base_url)
    for name, data in files.items():
        write_bytes(out / name, data, overwrite=True)
    notice(f"geschrieben: {len(files)} Dateien nach {out}")
    if "dcat.ttl" not in files:
        notice(
            "Hinweis: ohne Adresse der Veröffentlichung keine DCAT-AP.de-Metadaten – "
            "`open_data.base_url` in isek.yaml setzen oder --base-url angeben.",
            style="yellow",
        )
