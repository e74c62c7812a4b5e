"""Fortschreibungshistorie: one goal's or measure's wording and placement through every revision.

The question a council member asks first – "what did we decide about this goal
before?" – answered from the revision files, oldest first, with the deciding body,
date and paper of each, and the working state (the administration's proposal) last.
An id that continues others (`replaces`) takes their history along. `entries` is
plain data for the terminal view (`terminal/history.py`); `as_markdown` writes it
for a wiki or a council paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from ..comparing.words import word_diff
from ..findings import E, Rule
from ..model import Config, Goal, Measure, Revision
from ..project import Project
from ..text import suggest
from . import german
from .jinja import md, words_md
from .synopse import ASSUMED_WORDING

UNKNOWN_ITEM = Rule("ISEK088", "unknown-history-id", E, "Zu dieser ID gibt es weder ein Ziel noch eine Maßnahme, auch in keiner Revision.",
                    "ID prüfen; `isekctl tree` zeigt die Ziele des Arbeitsstands.", switchable=False, stops=True)  # fmt: skip

WORKING: Final = "arbeitsstand"


@dataclass(frozen=True, slots=True)
class History:
    """The history of one id: what it is, and one entry per state of the goal system."""

    id: str
    kind: str  # "Ziel" or "Maßnahme"
    title: str  # the newest wording
    entries: list[dict[str, Any]]
    municipality: str
    note: str = ""  # what the history cannot show, in one German sentence


def _placement(config: Config, goal: Goal) -> str:
    level = config.level(goal.level)
    text = level.name if level else goal.level
    if goal.product_area:
        key = config.product_area_key(goal.product_area) or goal.product_area
        text += f", Produktbereich {key}: {config.product_areas.get(key, key)}"
    if goal.parent:
        text += f", unter {goal.parent}"
    return text


def _measure_placement(config: Config, measure: Measure) -> str:
    return f"Ziele {', '.join(measure.goals)}; {config.status_name(measure.status)}"


def _where(config: Config, item: Goal | Measure) -> str:
    if isinstance(item, Measure):
        return _measure_placement(config, item)
    return _placement(config, item)


def _decision(revision: Revision) -> str:
    parts = []
    if revision.state == "beschlossen":
        who = revision.decided_by or "beschlossen"
        parts.append(f"{who}, {german.day(revision.decided_on)}" if revision.decided_on else who)
    else:
        parts.append("Entwurf, nicht beschlossen")
    if revision.resolution:
        parts.append(f"Drucksache {revision.resolution}")
    return ", ".join(parts)


def _ordered(project: Project) -> list[Revision]:
    revisions = [item.model for item in project.revisions]
    return sorted(revisions, key=lambda r: (r.decided_on or date.max, r.id))


def _lineage(project: Project, identifier: str) -> set[str]:
    """The id and every id it continues (through `replaces`, transitively)."""
    goals: dict[str, list[str]] = {}
    for item in project.goals:
        goals.setdefault(item.model.id, []).extend(item.model.replaces)
    for revision in project.revisions:
        for goal in revision.model.goals:
            goals.setdefault(goal.id, []).extend(goal.replaces)
    found, stack = set(), [identifier]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(goals.get(current, []))
    return found


def history(project: Project, identifier: str) -> History:
    """The history of a goal or measure; a stop when no state of the goal system knows it."""
    config = project.config
    ids = _lineage(project, identifier)
    states: list[tuple[str, str, str, Goal | Measure | None]] = []
    is_measure = any(m.model.id == identifier for m in project.measures) or any(
        identifier in {m.id for m in (r.model.measures or [])} for r in project.revisions
    )
    for revision in _ordered(project):
        if is_measure:
            if revision.measures is None:
                continue  # a revision without measures says nothing about one
            found: Goal | Measure | None = next(
                (m for m in revision.measures if m.id == identifier), None
            )
        else:
            found = next((g for g in revision.goals if g.id in ids), None)
        label = (
            "Beschlussstand " if revision.state == "beschlossen" else "Entwurf "
        ) + revision.title
        states.append((revision.id, label, _decision(revision), found))
    working: Goal | Measure | None
    if is_measure:
        working = next((m.model for m in project.measures if m.model.id == identifier), None)
    else:
        working = next(
            (g.model for g in project.goals if g.model.id in ids and g.model.id == identifier), None
        )
        working = working or next((g.model for g in project.goals if g.model.id in ids), None)
    if isinstance(working, Measure):
        papers = ", ".join(str(r) for r in working.resolutions)
        states.append((WORKING, "Arbeitsstand", papers or "kein Beschluss angegeben", working))
    else:
        states.append((WORKING, "Arbeitsstand", german.DRAFT_LABEL, working))
    if all(item is None for *_, item in states):
        known = [g.model.id for g in project.goals] + [m.model.id for m in project.measures]
        known += [g.id for r in project.revisions for g in r.model.goals]
        raise UNKNOWN_ITEM.stop(
            f"Zu `{identifier}` gibt es weder ein Ziel noch eine Maßnahme, auch in keiner Revision.",
            suggest(identifier, sorted(set(known))),
            usage=True,
        )
    entries: list[dict[str, Any]] = []
    previous: Goal | Measure | None = None  # the item in the state before, None if absent there
    seen = False
    for state, label, decision, item in states:
        entry: dict[str, Any] = {
            "state": state, "label": label, "decision": decision, "present": item is not None,
            "id": item.id if item else "", "title": item.title if item else "",
            "placement": "", "change": "", "words": [],
        }  # fmt: skip
        if item is None:
            entry["change"] = "entfällt" if previous is not None else "nicht enthalten"
        else:
            entry["placement"] = _where(config, item)
            if previous is None:
                # the oldest state on record, not necessarily the first decision ever
                entry["change"] = "wieder enthalten" if seen else "ältester erfasster Stand"
            else:
                changes = []
                if previous.id != item.id:
                    changes.append(f"neue ID (führt {previous.id} fort)")
                if previous.title != item.title:
                    assumed = "title" in (item.assumptions or ())
                    changes.append(
                        "Wortlaut geändert" + (f" ({ASSUMED_WORDING})" if assumed else "")
                    )
                    entry["words"] = [
                        {"op": s.op, "text": s.text, "space": s.space}
                        for s in word_diff(previous.title, item.title)
                    ]
                if _where(config, previous) != entry["placement"]:
                    changes.append("Einordnung geändert")
                entry["change"] = ", ".join(changes) or "unverändert"
            seen = True
        previous = item
        entries.append(entry)
    newest = next((e["title"] for e in reversed(entries) if e["present"]), identifier)
    note = ""
    if is_measure and all(r.model.measures is None for r in project.revisions):
        note = (
            "Keine Revision enthält Maßnahmen; ihren Stand hält erst eine Revision mit "
            "`measures:` fest."
        )
    return History(identifier, "Maßnahme" if is_measure else "Ziel", newest, entries,
                   config.municipality, note)  # fmt: skip


def as_markdown(found: History) -> str:
    """The history as a Markdown table, oldest first (for a wiki or a council paper)."""
    lines = [
        f"# Fortschreibungshistorie: {md(found.title)} `{found.id}`",
        "",
        f"{md(found.municipality)} – {found.kind} `{found.id}` in jedem Stand des Zielsystems, "
        "der älteste zuerst. ~~Durchgestrichen~~: bisheriger Wortlaut, **fett**: neuer Wortlaut.",
        "",
        "| Stand | Beschluss | Wortlaut | Einordnung | Änderung |",
        "|---|---|---|---|---|",
    ]
    if found.note:
        lines[3:3] = [f"*{md(found.note)}*", ""]
    for entry in found.entries:
        wording = (
            words_md(entry["words"])
            if entry["words"]
            else (md(entry["title"]) if entry["present"] else "–")
        )
        if entry["present"] and entry["id"] != found.id:
            wording += f" `{entry['id']}`"
        lines.append(
            f"| {md(entry['label'])} | {md(entry['decision'])} | {wording} | "
            f"{md(entry['placement']) or '–'} | {md(entry['change'])} |"
        )
    return "\n".join(lines) + "\n"
