"""The command that shows a goal's or measure's path through the revisions: history."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .common import NoCache, Repo, app, command, console_for, emit, load_outcome, open_repo


class HistoryFormat(StrEnum):
    text = "text"
    md = "md"


@command(app)
def history(
    identifier: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="ID eines Ziels oder einer Maßnahme.", show_default=False
        ),
    ],
    fmt: Annotated[
        HistoryFormat, typer.Option("--format", "-f", help="Terminal oder Markdown.")
    ] = HistoryFormat.text,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="In diese Datei schreiben.", dir_okay=False)
    ] = None,
    repo: Repo = None,
    no_cache: NoCache = False,
) -> None:
    """Fortschreibungshistorie: Wortlaut und Einordnung eines Ziels durch alle Revisionen."""
    from ..publishing.history import as_markdown
    from ..publishing.history import history as find_history

    source, _ = open_repo(repo)
    project = load_outcome(source, no_cache=no_cache).require_project(
        "ohne Konfiguration gibt es keine Historie."
    )
    found = find_history(project, identifier)
    if fmt is HistoryFormat.md or out is not None:
        emit(as_markdown(found), out)
        return
    from ..terminal.history import as_rich

    console = console_for()
    console.print(as_rich(found, markers=console.no_color or not console.is_terminal))
