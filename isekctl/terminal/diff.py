"""A `DiffResult` as rich text for the terminal (and as plain text with [-…-]{+…+} marks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..comparing.semantic import Change, DiffResult
from ..comparing.words import Segment
from ..publishing import german
from ..text import visible

if TYPE_CHECKING:
    from rich.console import RenderableType


def as_rich(result: DiffResult, *, markers: bool = False) -> RenderableType:
    """For the terminal; `markers` adds [-old-]{+new+} for output without colour."""
    from rich.console import Group
    from rich.text import Text

    lines: list[Text] = [
        Text(f"Vergleich {visible(result.old)} → {visible(result.new)}", style="bold")
    ]
    if result.empty:
        lines.append(Text("Keine Änderungen.", style="green"))
        return Group(*lines)
    for title, changes in result.by_class():
        lines.append(Text(""))
        lines.append(Text(f"{title} ({len(changes)})", style="bold underline"))
        for change in changes:
            lines.extend(_change_lines(change, markers, result.status_names))
    lines.append(Text(""))
    summary = "; ".join(f"{title.split(' (')[0]}: {count}" for _, title, count in result.counts())
    total = len(result.changes)
    lines.append(
        Text(f"{total} {'Änderung' if total == 1 else 'Änderungen'} – {summary}.", style="bold")
    )
    return Group(*lines)


def _words(segments: tuple[Segment, ...], markers: bool) -> Any:
    from rich.text import Text

    out = Text()
    for segment in segments:
        style = {"=": "", "-": "red strike", "+": "green underline"}[segment.op]
        text = visible(segment.text)
        if markers and segment.op != "=":
            text = f"[-{text}-]" if segment.op == "-" else f"{{+{text}+}}"
        out.append((" " if segment.space else "") + text, style=style)
    return out


def _change_lines(change: Change, markers: bool, names: dict[str, str]) -> list[Any]:
    from rich.text import Text

    head = Text("  ")
    head.append(visible(change.id), style="cyan")
    if change.owner:
        head.append(f" (Ziel {visible(change.owner)})", style="dim")
    if change.related:
        head.append(f" ← {', '.join(visible(r) for r in change.related)}", style="dim")
    head.append("  ")
    head.append_text(
        _words(change.wording.words, markers) if change.wording else Text(visible(change.title))
    )
    lines = [head]
    for item in change.details:
        if item.field == "description":
            line = Text("      Beschreibung: ", style="dim")
            line.append_text(_words(item.words, markers))
            lines.append(line)
        else:
            lines.append(Text(f"      {visible(german.describe(item, names))}", style="dim"))
    return lines
