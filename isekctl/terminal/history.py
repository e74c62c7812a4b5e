"""`history ID` in the terminal: one goal's or measure's wording through every revision."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..publishing.history import History
from ..text import one_line

if TYPE_CHECKING:
    from rich.console import RenderableType


def _wording(entry: dict[str, Any], markers: bool) -> Any:
    """The wording, the changes against the state before marked (colour, or [-…-]/{+…+})."""
    from rich.text import Text

    if not entry["present"]:
        return Text("–", style="dim")
    if not entry["words"]:
        return Text(one_line(entry["title"]))
    text = Text()
    for segment in entry["words"]:
        if segment["space"]:
            text.append(" ")
        part = one_line(segment["text"])
        if markers and segment["op"] != "=":
            part = ("[-{}-]" if segment["op"] == "-" else "{{+{}+}}").format(part)
        style = {"=": "", "-": "strike red", "+": "underline blue"}[segment["op"]]
        text.append(part, style="" if markers else style)
    return text


def as_rich(found: History, *, markers: bool = False) -> RenderableType:
    """One block per state of the goal system, the oldest first; narrow terminals welcome."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    heading = Text(f"Fortschreibungshistorie – {found.kind} {one_line(found.id)}: ", style="bold")
    heading.append(one_line(found.title))
    parts: list[Any] = [heading]
    if found.note:
        parts.append(Text(one_line(found.note), style="dim"))
    for entry in found.entries:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        wording = _wording(entry, markers)
        if entry["present"] and entry["id"] != found.id:
            wording.append(f" ({one_line(entry['id'])})", style="cyan")
        grid.add_row("  Beschluss", one_line(entry["decision"]))
        grid.add_row("  Wortlaut", wording)
        grid.add_row("  Einordnung", one_line(entry["placement"]) or "–")
        grid.add_row("  Änderung", one_line(entry["change"]))
        parts.extend([Text(""), Text(one_line(entry["label"]), style="bold"), grid])
    return Group(*parts)
