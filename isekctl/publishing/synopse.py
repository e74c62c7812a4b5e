"""The Synopse: a `DiffResult` as a Markdown or HTML document, through the templates."""

from __future__ import annotations

from pathlib import Path

from ..comparing.semantic import DiffResult
from .jinja import Format, render


def as_document(result: DiffResult, fmt: Format, templates: Path | None = None) -> str:
    return render(f"diff.{fmt}.j2", fmt, {"diff": result}, templates)
