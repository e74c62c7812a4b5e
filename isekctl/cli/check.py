"""Commands that check and tidy the files: validate, fmt, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    FindingFormat,
    NoCache,
    OutFolder,
    Repo,
    app,
    command,
    load_findings,
    load_outcome,
    notice,
    open_repo,
    print_findings,
    print_stop,
)


@command(app)
def validate(
    fmt: Annotated[
        FindingFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Ausgabeformat (Standard: text; in GitHub Actions github, in GitLab CI gitlab).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Auch Warnungen führen zu Exit-Code 1.")
    ] = False,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Parallele Prozesse.")
    ] = None,
    repo: Repo = None,
    no_cache: NoCache = False,
) -> None:
    """Alle Dateien prüfen: Syntax, Felder, Verweise, Vokabular, Daten, Haushalt."""
    from ..findings import exit_code

    outcome = load_findings(repo, no_cache=no_cache, need_project=False, jobs=jobs)
    print_findings(outcome.findings, outcome.files, fmt)
    raise typer.Exit(exit_code(outcome.findings, strict=strict))


@command(app)
def fmt(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="PFADE",
            help="Datendateien oder Ordner (Standard: alle Datendateien). Andere Dateien "
            "werden nicht angefasst.",
            show_default=False,
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Nur prüfen: Dateien nennen, die sich ändern würden (Exit-Code 1)."
        ),
    ] = False,
    repo: Repo = None,
) -> None:
    """Datendateien einheitlich formatieren; Kommentare und Inhalt bleiben erhalten."""
    from ..writing.atomic import clean_leftovers, replace_data
    from ..writing.fmt import format_files, select
    from ..writing.known import Known

    source, _ = open_repo(repo, writing=not check)
    root = source.root
    entries = [entry.path for entry in source.entries()]
    files, refused = select(root, entries, paths) if paths else (entries, [])
    for problem in refused:
        print_stop(problem)
    if not check:
        for folder in {str(Path(name).parent) for name in files}:
            clean_leftovers(root / folder)
    readable: list[tuple[str, bytes]] = []
    problems = len(refused)
    for name in files:
        raw = source.read(name)
        if isinstance(raw, bytes):
            readable.append((name, raw))
        else:
            print_stop(raw)
            problems += 1
    results = format_files(readable, None, Known.open(root))
    changed = 0
    for result in results:
        if result.problem is not None:
            print_stop(result.problem)
            problems += 1
        elif result.changed and result.output is not None:
            if check:
                changed += 1
                typer.echo(f"würde geändert: {result.path}")
            elif replace_data(root, result.path, result.original, result.output):
                changed += 1
                notice(f"formatiert: {result.path}")
            else:
                typer.echo(
                    f"{result.path}: während des Formatierens geändert – unverändert gelassen.",
                    err=True,
                )
                problems += 1
    total = len(files) + len(refused)
    verb = "würden geändert" if check else "formatiert"
    typer.echo(
        f"{changed} von {total} Dateien {verb}"
        + (f", {problems} nicht formatiert (siehe oben)." if problems else "."),
        err=True,
    )
    raise typer.Exit(1 if problems or (check and changed) else 0)


@command(app)
def schema(
    out: OutFolder = Path("schemas"),
    repo: Annotated[
        Path | None,
        typer.Option(
            "--repo",
            help="Datenrepository, dessen Ebenen, Produktbereiche, Themen, Fachdienste und "
            "Status die Schemas zur Auswahl anbieten (ohne: allgemeine Schemas).",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
) -> None:
    """JSON Schemas aller Dateiarten schreiben (für Editoren wie VS Code)."""
    from ..publishing.schemas import write_schemas

    config = None
    if repo is not None:
        source, _ = open_repo(repo)
        config = (
            load_outcome(source, no_cache=False)
            .require_project("ohne gültige isek.yaml keine Schemas mit ihren Begriffen.")
            .config
        )
    for path in write_schemas(out, config):
        notice(f"geschrieben: {path}")
