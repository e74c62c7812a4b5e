"""Ids are unique forever: across goals, indicators and measures, and within a revision.

An id is also a file name (data/measures/ID.yaml, the site's massnahmen/ID.html and
ziele/ID.html), so ids must stay apart where names ignore case (Windows, macOS) and
must not be names Windows keeps for devices (`AUX`, `CON` …).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from ..findings import E, Finding, Rule
from ..project import Item
from ..text import reserved_file_name
from .registry import Context, project_check

DUPLICATE_ID = Rule("ISEK020", "duplicate-id", E, "Eine ID ist mehrfach vergeben.",
                    "Neue, noch nicht vergebene ID wählen.")  # fmt: skip
CASE_DUPLICATE_ID = Rule("ISEK025", "id-case", E,
                         "Zwei IDs unterscheiden sich nur in Groß-/Kleinschreibung.",
                         "Eine der beiden IDs ändern; unter Windows und macOS wären ihre Dateien "
                         "und Seiten dieselben.")  # fmt: skip
RESERVED_ID = Rule("ISEK026", "reserved-id", E,
                   "Eine ID ist ein unter Windows reservierter Gerätename (CON, AUX, NUL …).",
                   "Eine andere ID wählen, etwa mit Präfix (`DIGI-AUX`).")  # fmt: skip


@project_check(DUPLICATE_ID, CASE_DUPLICATE_ID, RESERVED_ID)
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
    folded: dict[tuple[bool, str], tuple[str, str, Item[Any], tuple[str | int, ...]]] = {}
    for identifier, what, item, where in labelled:
        if reserved_file_name(identifier):
            yield RESERVED_ID.at(
                item.at(*where),
                f"Die ID `{identifier}` ist unter Windows ein reservierter Gerätename; eine Datei "
                "oder Seite dieses Namens lässt sich dort nicht anlegen oder auschecken.",
                RESERVED_ID.fix,
            )
        namespace = (what == "Revision", identifier)  # revision ids have their own namespace
        key = (namespace[0], unicodedata.normalize("NFC", identifier).casefold())
        if namespace not in first and key in folded:
            other_id, other_what, other, other_where = folded[key]
            yield CASE_DUPLICATE_ID.at(
                item.at(*where),
                f"Die ID `{identifier}` unterscheidet sich von `{other_id}` ({other_what}, "
                f"{other.at(*other_where)}) nur in Groß-/Kleinschreibung.",
                CASE_DUPLICATE_ID.fix,
            )
        folded.setdefault(key, (identifier, what, item, where))
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
