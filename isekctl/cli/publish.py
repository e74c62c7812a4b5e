"""Commands that publish: report and export."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import (
    NoCache,
    OutFolder,
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

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..project import Project
    from ..reading.pipeline import Outcome


class ReportKind(StrEnum):
    zielsystem = "zielsystem"
    stadtentwicklungsbericht = "stadtentwicklungsbericht"
    haushaltsbericht = "haushaltsbericht"
    massnahmenliste = "massnahmenliste"
    nachhaltigkeitsbericht = "nachhaltigkeitsbericht"
    all = "all"


class ReportFormat(StrEnum):
    md = "md"
    html = "html"
    pdf = "pdf"


class ReportBasis(StrEnum):
    beschlossen = "beschlossen"
    arbeitsstand = "arbeitsstand"


AllowErrors = Annotated[
    bool,
    typer.Option(
        "--allow-errors",
        help="Auch bei Fehlern in den Daten schreiben; jede Seite sagt dann, dass die Daten Fehler enthalten.",
    ),
]


@command(app)
def report(
    kind: Annotated[
        ReportKind, typer.Option("--kind", "-k", help="Welcher Bericht.")
    ] = ReportKind.all,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            "-f",
            help="Markdown, HTML (mit --kind all eine Website mit Startseite index.html) oder "
            "PDF (A4, barrierefrei getaggt; braucht pip install 'isekctl[pdf]').",
        ),
    ] = ReportFormat.html,
    out: OutFolder = Path("berichte"),
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Änderungen des Arbeitsstands gegenüber dieser Revision markieren (Zielsystem); "
            "die Berichte sind dann als Fortschreibungsvorschlag gekennzeichnet.",
        ),
    ] = None,
    basis: Annotated[
        ReportBasis | None,
        typer.Option(
            "--basis",
            help="Welche Ziele: beschlossen (Standard: die zuletzt beschlossene Revision) oder "
            "arbeitsstand (data/goals/, als Entwurf gekennzeichnet).",
            show_default=False,
        ),
    ] = None,
    stichtag: Annotated[
        datetime | None,
        typer.Option(
            "--stichtag",
            formats=["%Y-%m-%d"],
            help="Bezugstag für überfällige Maßnahmen und veraltete Statusberichte (Standard: heute).",
        ),
    ] = None,
    allow_errors: AllowErrors = False,
    templates: Templates = None,
    repo: Repo = None,
    no_cache: NoCache = False,
) -> None:
    """Berichte schreiben: Zielsystem, Stadtentwicklungs-, Haushalts-, Nachhaltigkeitsbericht,
    Maßnahmenliste.

    Mit --kind all entstehen nur die öffentlichen Berichte (der Haushaltsbericht ist intern;
    isek.yaml `publish: {internal_reports: true}` nimmt ihn auf), als HTML eine Website.
    """
    from ..publishing import site
    from ..publishing.reports import report_text
    from ..writing.atomic import write_bytes, write_pieces

    if since is not None and basis is ReportBasis.beschlossen:
        raise typer.BadParameter(
            "--since zeigt die Änderungen des Arbeitsstands; mit --basis beschlossen geht das nicht.",
            param_hint="--basis",
        )
    source, _ = open_repo(repo)
    outcome = load_outcome(source, no_cache=no_cache)
    project, errors = _valid_or_allowed(outcome, allow_errors, "Berichte")
    since_revision = None
    if since is not None:
        found = project.revision(since)
        if found is None:
            from ..comparing.sides import revision_side

            revision_side(project, since)  # raises with the list of known revisions
        else:
            since_revision = found.model
    version, day = data_version(source.root, project, stichtag.date() if stichtag else None)
    chosen = basis.value if basis else "beschlossen"
    folder = templates or repo_templates(source.root)
    kinds = site.public_kinds(project, folder) if kind is ReportKind.all else [kind.value]
    request = site.SiteRequest(chosen, since_revision, errors, folder)  # type: ignore[arg-type]
    if fmt is ReportFormat.html and kind is ReportKind.all:
        files = site.build_site(
            project, version, day, site.SiteRequest(
                chosen, since_revision, errors, folder, site.find_extras(out)  # type: ignore[arg-type]
            ),
        )  # fmt: skip
        site.write_site(out, files)
        notice(f"geschrieben: Website mit {len(files)} Dateien, Startseite {out / 'index.html'}")
        return
    if fmt is ReportFormat.pdf:
        from ..publishing.pdf import html_to_pdf

        if kind is ReportKind.massnahmenliste:
            raise typer.BadParameter(
                "die Maßnahmenliste gibt es nicht als PDF (sie kann sehr lang sein): als HTML "
                "schreiben und aus dem Browser drucken, oder die offenen Daten nutzen.",
                param_hint="--format",
            )
        kinds = [name for name in kinds if name != "massnahmenliste"]

        pdfs = {
            name: html_to_pdf(site.single_page(name, project, version, day, request))
            for name in kinds
        }
        for name, data in pdfs.items():  # written only when every report could be rendered
            write_bytes(out / f"{name}.pdf", data, overwrite=True)
            notice(f"geschrieben: {out / f'{name}.pdf'}")
        return
    pages: dict[Path, Iterable[str]] = {}
    for name in kinds:  # rendered while written, each file in place only when all succeeded
        pages[out / f"{name}.{fmt.value}"] = (
            site.single_page_pieces(name, project, version, day, request)
            if fmt is ReportFormat.html
            else [
                report_text(
                    name, "md", project, version, day, basis=chosen,  # type: ignore[arg-type]
                    since=since_revision, errors=errors, templates=folder,
                )
            ]
        )  # fmt: skip
    write_pieces(pages, overwrite=True)
    for target in pages:
        notice(f"geschrieben: {target}")


def _valid_or_allowed(outcome: Outcome, allow_errors: bool, what: str) -> tuple[Project, int]:
    """The project when the data is valid (or errors are allowed), with the number of errors."""
    if not allow_errors:
        project = outcome.require_valid(
            f"Die Daten enthalten Fehler; {what} werden nur aus gültigen Daten geschrieben.",
        )
        return project, 0
    project = outcome.require_project(f"ohne Konfiguration entstehen keine {what}.")
    errors = len(outcome.errors())
    if errors:
        console_for(stderr=True).print(
            f"Warnung: die Daten enthalten {errors} Fehler (isekctl validate); geschrieben wird "
            "trotzdem, jede Seite sagt es.", markup=False, style="yellow",
        )  # fmt: skip
    return project, errors


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


@command(app)
def export(
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="CSV oder JSON.")
    ] = ExportFormat.csv,
    out: OutFolder = Path("opendata"),
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="Adresse, unter der der Export veröffentlicht wird (Standard: "
            "open_data.base_url in isek.yaml); nötig für die DCAT-AP.de-Metadaten.",
            show_default=False,
        ),
    ] = None,
    allow_errors: AllowErrors = False,
    repo: Repo = None,
    no_cache: NoCache = False,
) -> None:
    """Offene Daten exportieren: Tabellen, Excel-Kopie, datapackage.json, DCAT-AP.de, ZIP."""
    from ..publishing.export import export_files
    from ..writing.atomic import write_bytes

    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise typer.BadParameter("eine Adresse mit https:// angeben.", param_hint="--base-url")
    source, _ = open_repo(repo)
    project, errors = _valid_or_allowed(
        load_outcome(source, no_cache=no_cache), allow_errors, "offene Daten"
    )
    _, day = data_version(source.root, project)
    files = export_files(project, fmt.value, day, base_url, errors=errors)
    for name, data in files.items():
        write_bytes(out / name, data, overwrite=True)
    notice(f"geschrieben: {len(files)} Dateien nach {out}")
    if "dcat.ttl" not in files:
        notice(
            "Hinweis: ohne Adresse der Veröffentlichung keine DCAT-AP.de-Metadaten – "
            "`open_data.base_url` in isek.yaml setzen oder --base-url angeben.",
            style="yellow",
        )
