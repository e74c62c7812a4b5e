"""A `DiffResult` as JSON, as rich text for the terminal, or through the md/html templates."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from . import german
from .dates import PartialDate
from .diff import Change, DiffResult, FieldChange, delta
from .render import Format, render
from .textdiff import Segment

if TYPE_CHECKING:
    from rich.console import RenderableType

JSON_VERSION: Final = 1


def _plain(value: Any) -> Any:
    """Model values as JSON: numbers stay numbers, dates and partial dates become strings."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return {k: _plain(v) for k, v in value.model_dump().items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    return value


def _field_json(item: FieldChange) -> dict[str, Any]:
    record: dict[str, Any] = {"field": item.field, "old": _plain(item.old), "new": _plain(item.new)}
    if item.words:
        record["words"] = [{"op": s.op, "text": s.text, "space": s.space} for s in item.words]
    if item.added or item.removed:
        record["added"], record["removed"] = list(item.added), list(item.removed)
    if item.field.startswith("budget."):
        record["delta"] = _plain(delta(item))
    return record


def as_json(result: DiffResult) -> str:
    """The documented shape (docs/diff.md); stable keys, stable order."""
    payload = {
        "version": JSON_VERSION,
        "old": result.old,
        "new": result.new,
        "compared_measures": result.compared_measures,
        "summary": [
            {"entity": entity, "kind": kind, "title": title, "count": count}
            for (entity, kind), title, count in result.counts()
        ],
        "changes": [
            {
                "entity": c.entity,
                "kind": c.kind,
                "id": c.id,
                "title": c.title,
                "owner": c.owner,
                "related": list(c.related),
                "fields": [_field_json(f) for f in c.fields],
            }
            for c in result.changes
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def as_document(result: DiffResult, fmt: Format, templates: Path | None = None) -> str:
    return render(f"diff.{fmt}.j2", fmt, {"diff": result}, templates)


def as_rich(result: DiffResult, *, markers: bool = False) -> RenderableType:
    """For the terminal; `markers` adds [-old-]{+new+} for output without colour."""
    from rich.console import Group
    from rich.text import Text

    from .reporters import visible

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

    from .reporters import visible

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

    from .reporters import visible

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
