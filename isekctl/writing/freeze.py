"""`revision freeze`: the working goals and measures, frozen as a decided (or draft) revision.

The goals keep their `rationale` (the Begründung of the change the council decided); the
measures are snapshotted as the council confirmed them with the goal system, so a later
`diff` compares them too. `goals_only` keeps the older form with goals alone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Final

from ..model import Revision
from ..project import Project
from ..reading.yaml import load as load_yaml
from .scaffold import file_stem, validated
from .style import model_text

SCHEMA: Final = "../../schemas/revision.schema.json"


def freeze(
    project: Project,
    revision_id: str,
    *,
    title: str | None = None,
    state: str = "entwurf",
    decided_by: str | None = None,
    decided_on: date | None = None,
    resolution: str | None = None,
    budget_years: list[int] | None = None,
    goals_only: bool = False,
) -> str:
    """The text of `data/revisions/<id>.yaml`, checked to read back as the same revision."""
    revision: Revision = validated(
        Revision,
        {
            "id": revision_id,
            "title": title or f"ISEK-Zielsystem {revision_id}",
            "state": state,
            "decided_by": decided_by,
            "decided_on": decided_on,
            "resolution": resolution,
            "budget_years": budget_years or [],
            "goals": [item.model for item in project.goals],
            "measures": None if goals_only else [item.model for item in project.measures],
        },
    )
    file_stem(revision.id)
    comment = f"Revision {revision.id}, eingefroren aus den Zielen in data/goals/" + (
        "." if goals_only else " und den Maßnahmen in data/measures/."
    )
    text = model_text(revision, schema=SCHEMA, comment=comment)
    document, findings = load_yaml(text.encode("utf-8"), "revision")
    reread = Revision.model_validate(document.data) if document is not None else None
    if (
        reread != revision or findings
    ):  # like black's safe mode: never write what reads back differently
        raise RuntimeError("the frozen revision does not read back identically")
    return text


def target(root: Path, revision_id: str) -> Path:
    return root / "data" / "revisions" / f"{file_stem(revision_id)}.yaml"
