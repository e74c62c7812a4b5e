"""A `DiffResult` as rich text for the terminal (and as plain text with [-…-]{+…+} marks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..comparing.semantic import DiffResult
from ..publishing.synopse import compact
from ..text import one_line

if TYPE_CHECKING:
    from rich.console import RenderableType


def as_rich(
    result: DiffResult, system: Mapping[str, Any], *, markers: bool = False
) -> RenderableType:
    """For the terminal; `markers` adds [-old-]{+new+} for output without colour."""
    from rich.console import Group
    from rich.text import Text

    lines: list[Text] = [
        Text(f"Vergleich {one_line(result.old.label)} → {one_line(result.new.label)}", style="bold")
    ]
    note = result.measures_note
    if note:
        lines.append(Text(note, style="dim"))
    if result.empty:
        lines.append(Text("Keine Änderungen.", style="green"))
        return Group(*lines)
    for group in compact(result, system):
        lines.append(Text(""))
        lines.append(Text(f"{group['title']} ({group['count']})", style="bold underline"))
        if group["hint"]:
            lines.append(Text(f"  {group['hint']}", style="dim"))
        for change in group["changes"]:
            lines.extend(_change_lines(change, markers))
    lines.append(Text(""))
    summary = "; ".join(f"{title.split(' (')[0]}: {count}" for _, title, count in result.counts())
    total = len(result.changes)
    lines.append(
        Text(f"{total} {'Änderung' if total == 1 else 'Änderungen'} – {summary}.", style="bold")
    )
    return Group(*lines)


def _words(words: list[dict[str, Any]], markers: bool) -> Any:
    from rich.text import Text

    out = Text()
    for i, word in enumerate(words):
        style = {"=": "", "-": "red strike", "+": "green underline"}[word["op"]]
        text = one_line(word["text"])
        if markers and word["op"] != "=":
            text = f"[-{text}-]" if word["op"] == "-" else f"{{+{text}+}}"
        out.append((" " if word["space"] and i else "") + text, style=style)
    return out


def _change_lines(change: dict[str, Any], markers: bool) -> list[Any]:
    from rich.text import Text

    head = Text("  ")
    head.append(one_line(change["id"]), style="cyan")
    if change["owner"]:
        head.append(f" (Ziel {one_line(change['owner'])})", style="dim")
    if change["related"]:
        head.append(f" ← {', '.join(one_line(r) for r in change['related'])}", style="dim")
    head.append("  ")
    head.append_text(
        _words(change["words"], markers) if change["words"] else Text(one_line(change["title"]))
    )
    lines = [head]
    for item in change["lines"]:
        if item["words"]:
            line = Text(f"      {item['label']}: ", style="dim")
            line.append_text(_words(item["words"], markers))
            lines.append(line)
        else:
            lines.append(Text(f"      {one_line(item['line'])}", style="dim"))
    return lines
