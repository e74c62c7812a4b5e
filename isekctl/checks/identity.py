"""Ids are unique forever: across goals, indicators and measures, and within a revision."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..findings import E, Finding, Rule
from ..project import Item
from .registry import Context, project_check

DUPLICATE_ID = Rule("ISEK020", "duplicate-id", E, "Eine ID ist mehrfach vergeben.",
                    "Neue, noch nicht vergebene ID wählen.")  # fmt: skip


@project_check(DUPLICATE_ID)
def check_unique_ids(ctx: Context) -> Iterator[Finding]:
    # (id, what, item, path inside the item); locations are only looked up for duplicates
    labelled: list[tuple[str, str, Item[Any], tuple[str | int, ...]]] = []
    for goal in ctx.project.goals:
        labelled.append((goal.model.id, "Ziel", goal, ("id",)))
        labelled.extend(
            (ind.id, "Kennzahl", goal, ("indicators", i, "id"))
            for i, ind in enumerate(goal.model.indicators)
        )
    labelled.extend((m.model.id, "Maßnahme", m, ("id",)) for m in ctx.project.measures)
    labelled.extend((r.model.id, "Revision", r, ("id",)) for r in ctx.project.revisions)
    first: dict[tuple[bool, str], tuple[str, Item[Any], tuple[str | int, ...]]] = {}
    for identifier, what, item, where in labelled:
        namespace = (what == "Revision", identifier)  # revision ids have their own namespace
        if namespace in first:
            other_what, other, other_where = first[namespace]
            yield DUPLICATE_ID.at(
                item.at(*where),
                f"Die ID `{identifier}` ist schon vergeben ({other_what}, {other.at(*other_where)}).",
                "IDs sind dauerhaft eindeutig; eine neue ID wählen.",
            )
        else:
            first[namespace] = (what, item, where)
    for revision in ctx.project.revisions:
        seen: set[str] = set()
        for i, snapshot_goal in enumerate(revision.model.goals):
            if snapshot_goal.id in seen:
                yield DUPLICATE_ID.at(
                    revision.at("goals", i, "id"),
                    f"Die ID `{snapshot_goal.id}` steht zweimal in der Revision {revision.model.id}.",
                )
            seen.add(snapshot_goal.id)
