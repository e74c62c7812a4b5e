"""Commands that check and tidy the files: validate, fmt, schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .common import (
    FindingFormat,
    NoCache,
    Repo,
    app,
    command,
    console_for,
    load_findings,
    load_outcome,
    notice,
    open_repo,
    print_findings,
    print_stop,
)

if TYPE_CHECKING:
    from ..findings import Finding


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
) -> None:
    """Dateien einheitlich formatieren; Kommentare und Inhalt bleiben erhalten."""
    from ..reading.pipeline import default_jobs
    from ..reading.sources import SUFFIXES
    from ..writing.atomic import replace_if_unchanged
    from ..writing.fmt import format_many

    source, _ = open_repo(repo, writing=not check)
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
    console = console_for(stderr=True)
    changed = problems = 0
    readable: list[tuple[Path, str, bytes]] = []
    for path in files:
        shown = _shown(path, root)
        raw = source.read(shown) if not paths else _read_any(path)
        if isinstance(raw, bytes):
            readable.append((path, shown, raw))
        else:
            print_stop(raw)
            problems += 1
    results = format_many([(shown, raw) for _, shown, raw in readable], default_jobs())
    for (path, shown, raw), result in zip(readable, results, strict=True):
        if result.problem is not None:
            print_stop(result.problem)
            problems += 1
        elif result.changed:
            changed += 1
            if check:
                typer.echo(f"würde geändert: {shown}")
            elif result.output is not None and replace_if_unchanged(path, raw, result.output):
                notice(f"formatiert: {shown}")
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
    from ..reading.sources import Directory

    return Directory(path.parent).read(path.name)


@command(app)
def schema(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Zielverzeichnis.", file_okay=False)
    ] = Path("schemas"),
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
