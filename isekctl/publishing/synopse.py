"""The Synopse: a `DiffResult` as the appendix of a council paper (Markdown or HTML).

`context` turns the result into plain data (dicts, lists, strings, numbers) for the
templates `diff.md.j2` and `diff.html.j2`; nothing in it has methods. Two forms:

* the full Synopse (default): a header with the municipality, what is compared and the
  date; every goal in the order of the goal system (level, product area, file order),
  each labelled with level, product area and title, in three columns *bisherige
  Fassung | neue Fassung | Begründung* ("unverändert" where nothing changed); then the
  Schlüsselmaßnahmen where both sides have them; then the editorial changes
  (descriptions, SDGs, themes, Kennzahlen), which are not part of the decided wording;
* the compact form (`changes_only`): only the changes, one section per class, as the
  pull-request comment shows them.

The goal-system context (municipality, levels, product areas, statuses, themes) comes
from the caller as plain data too (`goal_system`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final, Literal

from ..comparing.semantic import Change, DiffResult, FieldChange, Side, delta, goal_order
from ..comparing.words import Segment
from ..dates import PartialDate, format_date, months_between, months_german
from ..model import BudgetLine, Config, Goal, Observation, Resolution, StatusReport
from . import german
from .jinja import Format, render

LABELS: Final = {
    "rationale": "Begründung",
    "definition": "Definition",
    "source": "Quelle",
    "sdg_indicator": "SDG-Indikator",
    "decided_by": "beschlossen durch",
    "product": "Produkt",
    "product_area": "Produktbereich",
    "reports": "Statusbericht",
    "goal": "Ziel",
    "budget": "Haushaltsansätze",
    "values": "Messwerte",
    "target_path": "Soll-Werte",
    "replaces": "führt fort",
    "assumptions": "als Annahme markiert",
    # revisions
    "state": "Stand",
    "decided_on": "beschlossen am",
    "resolution": "Drucksache",
    "budget_years": "Haushaltsjahre",
    "measures": "Maßnahmen",
    # isek.yaml
    "municipality": "Kommune (municipality)",
    "levels": "Ebenen (levels)",
    "product_areas": "Produktbereiche (product_areas)",
    "departments": "Fachdienste (departments)",
    "department_areas": "Produktbereiche der Fachdienste (department_areas)",
    "statuses": "Status (statuses)",
    "done_statuses": "Status für erledigt (done_statuses)",
    "resolution_pattern": "Muster der Drucksachennummern (resolution_pattern)",
    "resolution_url": "Adresse der Drucksachen (resolution_url)",
    "stale_after_months": "Frist für Statusberichte in Monaten (stale_after_months)",
    "planning_horizon": "Planungshorizont (planning_horizon)",
    "open_data": "Offene Daten (open_data)",
    "publish": "Veröffentlichung (publish)",
    "checks": "Prüfungen (checks)",
}
SUBJECTS: Final = {
    "revision": "Stand", "setting": "Datei", "goal": "Ziel", "indicator": "Kennzahl",
    "measure": "Maßnahme",
}  # fmt: skip
DECIDED_FIELDS: Final = ("title", "level", "product_area", "parent", "contributes_to", "replaces")
EDITORIAL_FIELDS: Final = ("description", "sdgs", "themes")
HINTS: Final = {
    ("revision", "changed"): "Ein Beschlussstand hält fest, was beschlossen wurde; geändert wird "
    "er nur, wenn er falsch erfasst war. Die Berichte nennen den neuesten beschlossenen Stand "
    "als Beschlusslage.",
    ("revision", "added"): "Der neueste Stand mit „state: beschlossen“ ist in allen Berichten die "
    "Beschlusslage: Gremium, Datum und Drucksache mit dem Beschluss vergleichen.",
    ("setting", "changed"): "Die Einstellungen bestimmen, was als erledigt gilt, welche Prüfungen "
    "laufen und was veröffentlicht wird.",
    ("goal", "renumbered"): "Ein entfallenes und ein neues Ziel mit fast gleichem Wortlaut. "
    "Wenn das neue Ziel das alte fortführt, beim neuen Ziel „replaces: [alte ID]“ eintragen.",
}


# --- the goal system, as plain data ------------------------------------------------------


def goal_system(config: Config) -> dict[str, Any]:
    """What the Synopse needs of isek.yaml, as plain data."""
    return {
        "municipality": config.municipality,
        "levels": {level.id: level.name for level in config.levels},
        "areas": dict(config.product_areas),
        "statuses": {s: config.status_name(s) for s in config.status_ids()},
        "themes": dict(config.themes.items) if config.themes else {},
        "themes_name": config.themes.name if config.themes else "Themen",
    }


# --- fields in German --------------------------------------------------------------------


def label(name: str) -> str:
    parts = name.split(".")
    if parts[0] == "budget" and len(parts) >= 3:
        kind = german.BUDGET_KINDS.get(parts[2], parts[2])
        return f"{'Ist' if parts[-1] == 'actual' else 'Haushaltsansatz'} {parts[1]} ({kind})"
    if parts[0] == "target_path" and len(parts) == 2:
        return f"Soll {parts[1]}"
    if parts[0] == "values" and len(parts) == 2:
        return f"Messwert {parts[1]}"
    if parts[0] in ("goals", "measures") and len(parts) >= 2:  # an item of a revision
        return f"{'Ziel' if parts[0] == 'goals' else 'Maßnahme'} {name.split('.', 1)[1]}"
    return LABELS.get(name) or german.label(name)


def _area(key: Any, system: Mapping[str, Any]) -> str:
    name = system.get("areas", {}).get(str(key))
    return f"{key} {name}" if name else str(key)


def value(name: str, item: Any, system: Mapping[str, Any]) -> str:
    """One value of a field, the way a council paper prints it."""
    base = name.split(".")[0]
    if item is None or item == () or item == []:
        return "–"
    if base == "budget_years" and isinstance(item, tuple | list):
        return ", ".join(str(year) for year in item)
    if isinstance(item, tuple | list):
        separator = "; " if base in ("budget", "reports", "values", "target_path") else ", "
        return separator.join(value(name, v, system) for v in item)
    if base == "status":
        return str(system.get("statuses", {}).get(str(item), german.value("status", item)))
    if base == "rating":
        return str(german.RATINGS.get(str(item), item))
    if base == "level":
        return str(system.get("levels", {}).get(str(item), item))
    if base == "product_area":
        return _area(item, system)
    if base == "themes":
        return str(system.get("themes", {}).get(str(item), item))
    if isinstance(item, StatusReport):
        status = system.get("statuses", {}).get(item.status, item.status)
        return f"{format_date(item.date)} ({status}): {' '.join(item.text.split())}"
    if isinstance(item, BudgetLine):
        kind = german.BUDGET_KINDS.get(item.kind, item.kind)
        actual = f", Ist {german.money(item.actual)}" if item.actual is not None else ""
        return f"{item.year} {kind}: {german.money(item.amount)}{actual}"
    if isinstance(item, Observation) and base in ("values", "target_path"):
        return f"{item.year}: {german.number(item.value)}"
    if isinstance(item, Resolution):
        return str(item)
    if isinstance(item, PartialDate):
        return item.german()
    if isinstance(item, str):
        return " ".join(item.split())
    return german.value(base, item)


def describe(item: FieldChange, system: Mapping[str, Any], *, summary: bool = False) -> str:
    """One changed field as a line: 'Status: laufend → verzögert', 'SDGs: + 15'.

    `summary`: a field of an added or removed item, shown with its one value.
    """
    name = label(item.field)
    if summary:
        return f"{name}: {value(item.field, item.new if item.old is None else item.old, system)}"
    if item.field == "reports":
        if item.old is None:
            return f"neuer Statusbericht {value('reports', item.new, system)}"
        if item.new is None:
            return f"entfallener Statusbericht {value('reports', item.old, system)}"
        old_report, new_report = item.old, item.new
        head = f"Statusbericht vom {format_date(old_report.date)}"
        parts = []
        if old_report.date != new_report.date:
            parts.append(f"Datum → {format_date(new_report.date)}")
        if old_report.status != new_report.status:
            statuses = system.get("statuses", {})
            parts.append(
                f"Status {statuses.get(old_report.status, old_report.status)} → "
                f"{statuses.get(new_report.status, new_report.status)}"
            )
        if " ".join(old_report.text.split()) != " ".join(new_report.text.split()):
            parts.append(
                f"„{' '.join(old_report.text.split())}“ → „{' '.join(new_report.text.split())}“"
            )
        return f"{head} geändert: {'; '.join(parts)}"
    if item.added or item.removed:
        parts = [f"+ {value(item.field, v, system)}" for v in item.added]
        parts += [f"− {value(item.field, v, system)}" for v in item.removed]
        return f"{name}: {', '.join(parts)}"
    old, new = value(item.field, item.old, system), value(item.field, item.new, system)
    if item.field.startswith("budget."):
        return f"{name}: {old} → {new} ({german.signed_money(delta(item))})"
    if item.late:
        return f"{name}: {old} → {new} – {late_note(item.late)}"
    return f"{name}: {old} → {new}"


def late_note(late: tuple[PartialDate, date]) -> str:
    """'1 Jahr und 7 Monate später als geplant (Ende 3. Quartal 2021; erledigt laut …)'."""
    end, finished = late
    months = months_between(end.last, finished)
    span = f"{months_german(months)} " if months >= 1 else ""
    return (
        f"{span}später als geplant (Ende {end.german()}; erledigt laut Statusbericht vom "
        f"{format_date(finished)})"
    )


def segments(words: Iterable[Segment]) -> list[dict[str, Any]]:
    return [{"op": s.op, "text": s.text, "space": s.space} for s in words]


def _plain_words(text: str, op: str) -> list[dict[str, Any]]:
    return [{"op": op, "text": " ".join(text.split()), "space": False}]


ASSUMED: Final = " (Annahme)"


def assumed(item: Any, field: str) -> bool:
    """The new side's value of `field` is marked in the data as an illustrative assumption."""
    return field.split(".")[0] in (getattr(item, "assumptions", None) or ())


def present(
    item: FieldChange,
    system: Mapping[str, Any],
    *,
    summary: bool = False,
    assumption: bool = False,
) -> dict[str, Any]:
    """A changed field as plain data: its label, a one-line description, the word diff
    (wordings) or the old and new values marked as kept (=), removed (-) or added (+).

    `assumption`: the new value is an illustrative assumption, not from a source; the
    label says so, as the reports do."""
    old: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    if item.added or item.removed:
        before = item.old if isinstance(item.old, tuple | list) else ()
        after = item.new if isinstance(item.new, tuple | list) else ()
        old = [{"op": "-" if v in item.removed else "=", "text": value(item.field, v, system)}
               for v in before]  # fmt: skip
        new = [{"op": "+" if v in item.added else "=", "text": value(item.field, v, system)}
               for v in after]  # fmt: skip
    elif not item.words:
        if item.old is not None:
            old = [{"op": "-", "text": value(item.field, item.old, system)}]
        if item.new is not None:
            new = [{"op": "+", "text": value(item.field, item.new, system)}]
    mark = ASSUMED if assumption else ""
    return {
        "field": item.field,
        "label": label(item.field) + mark,
        "line": (describe(item, system, summary=summary) if not item.words else label(item.field))
        + mark,
        "words": segments(item.words) if item.words else None,
        "old": old,
        "new": new,
        # a side with nothing to show (a text that only one side has)
        "empty_old": not old and not any(s.op != "+" for s in item.words),
        "empty_new": not new and not any(s.op != "-" for s in item.words),
        "delta": german.signed_money(delta(item)) if item.field.startswith("budget.") else None,
        "late": late_note(item.late) if item.late else None,
    }


def side_data(side: Side) -> dict[str, Any]:
    return {"label": side.label, "source": side.source, "kind": side.kind}


# --- the compact form --------------------------------------------------------------------


ASSUMED_WORDING: Final = "Annahme – aus den Unterlagen erschlossen, nicht wörtlich übernommen"


def _wording_note(label_text: str) -> dict[str, Any]:
    """A line saying that a new wording is an illustrative assumption (shaped like `present`)."""
    return {
        "label": label_text, "line": f"{label_text}: {ASSUMED_WORDING}", "words": None,
        "old": [], "new": [ASSUMED_WORDING], "empty_old": True, "empty_new": False,
        "delta": None, "late": None,
    }  # fmt: skip


def _change_data(change: Change, system: Mapping[str, Any], item: Any) -> dict[str, Any]:
    """One change; `item` is the changed goal, measure or indicator on the new side."""
    wording = change.wording
    notes = (
        [_wording_note(label(wording.field))]
        if wording is not None and change.kind != "added" and assumed(item, wording.field)
        else []
    )
    return {
        "entity": change.entity,
        "kind": change.kind,
        "id": change.id,
        "title": " ".join(change.title.split()),
        "owner": change.owner,
        "related": list(change.related),
        "words": segments(wording.words) if wording else None,
        "lines": [
            present(
                f,
                system,
                summary=change.kind in ("added", "removed"),
                assumption=assumed(item, f.field),
            )
            for f in change.details
        ]
        + notes,
    }


def compact(result: DiffResult, system: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The changes by class, in the documented order."""
    items = _new_items(result)
    classes = []
    for (entity, kind), title, _ in result.counts():
        changes = [c for c in result.changes if (c.entity, c.kind) == (entity, kind)]
        classes.append(
            {
                "entity": entity,
                "kind": kind,
                "title": title,
                "count": len(changes),
                "hint": HINTS.get((entity, kind)),
                "subject": SUBJECTS[entity],
                "changes": [_change_data(c, system, items.get((c.entity, c.id))) for c in changes],
            }
        )
    return classes


def _new_items(result: DiffResult) -> dict[tuple[str, str], Any]:
    """(entity, id) -> the goal, indicator or measure as the new side has it."""
    items: dict[tuple[str, str], Any] = {}
    for goal in reversed(result.new.goals):
        items[("goal", goal.id)] = goal
        for indicator in goal.indicators:
            items[("indicator", indicator.id)] = indicator
    for measure in result.new.measures or ():
        items[("measure", measure.id)] = measure
    return items


# --- the full Synopse --------------------------------------------------------------------


def _rank(goal: Goal, system: Mapping[str, Any]) -> tuple[int, int]:
    levels = list(system.get("levels", {}))
    areas = [str(k) for k in system.get("areas", {})]
    level = levels.index(goal.level) if goal.level in levels else len(levels)
    if goal.product_area is None:
        return (level, -1)
    area = str(goal.product_area)
    return (level, areas.index(area) if area in areas else len(areas))


def _block(
    goal_id: str, words: list[dict[str, Any]], lines: list[dict[str, Any]]
) -> dict[str, Any]:
    return {"id": goal_id, "words": words, "lines": lines}


def _rows(result: DiffResult, system: Mapping[str, Any]) -> list[dict[str, Any]]:
    before = {g.id: g for g in reversed(result.old.goals)}
    after = {g.id: g for g in reversed(result.new.goals)}
    order = goal_order(result.old.goals, result.new.goals)
    goal_changes = [c for c in result.changes if c.entity == "goal"]
    # (new id or removed id) -> predecessors -> changes about that pairing
    by_row: dict[str, dict[str, list[Change]]] = {}
    for change in goal_changes:
        predecessor = change.related[0] if change.related else change.id
        by_row.setdefault(change.id, {}).setdefault(predecessor, []).append(change)

    rows = []
    for goal_id in sorted(order, key=order.__getitem__):
        goal = after.get(goal_id) or before[goal_id]
        found = by_row.get(goal_id, {})
        kinds = {c.kind for cs in found.values() for c in cs}
        predecessors = [p for p in found if p != goal_id] or (
            [goal_id] if goal_id in before else []
        )
        row: dict[str, Any] = {
            "id": goal_id,
            "title": " ".join(goal.title.split()),
            "rank": _rank(goal, system),
            "order": order[goal_id],
            "rationale": goal.rationale if goal_id in after else None,
            "note": None,
        }
        if goal_id not in after:  # removed (a continued or renumbered one has no row)
            if "removed" not in kinds:
                continue
            row.update(state="entfällt", old=[_block(goal_id, _plain_words(goal.title, "-"), [])],
                       new=None)  # fmt: skip
        elif "added" in kinds:
            row.update(state="neu", old=[], new=_block(goal_id, _plain_words(goal.title, "+"), []))
        else:
            olds, new_lines, new_words = [], [], None
            single = len(predecessors) == 1
            for predecessor in predecessors:
                changes = found.get(predecessor, [])
                decided = [
                    present(f, system, assumption=assumed(after.get(goal_id), f.field))
                    for c in changes
                    for f in c.fields
                    if f.field in DECIDED_FIELDS and f.field != "title"
                ]
                title = next((f for c in changes for f in c.fields if f.field == "title"), None)
                old_goal = before[predecessor]
                if title and single:
                    words = segments(title.words)
                    new_words = [w for w in words if w["op"] != "-"]
                    old_words = [w for w in words if w["op"] != "+"]
                else:
                    old_words = _plain_words(old_goal.title, "=")
                olds.append(_block(predecessor, old_words, [
                    {"label": d["label"], "items": d["old"]} for d in decided if d["old"]
                ]))  # fmt: skip
                if single:
                    new_lines = [
                        {"label": d["label"], "items": d["new"]} for d in decided if d["new"]
                    ]
            changed = bool(
                new_words
                or new_lines
                or len(predecessors) > 1
                or kinds & {"continued", "renumbered"}
            )
            if not changed:
                row.update(state="unverändert", old=olds, new=None)
            else:
                row.update(state="geändert", old=olds,
                           new=_block(goal_id, new_words or _plain_words(goal.title, "="), new_lines))  # fmt: skip
            if "continued" in kinds:
                row["note"] = (
                    f"führt {' und '.join(predecessors)} fort"
                    if len(predecessors) > 1 or predecessors[0] != goal_id
                    else None
                )
            elif "renumbered" in kinds:
                row["note"] = (
                    f"vermutlich umnummeriert aus {predecessors[0]}; wenn das zutrifft, "
                    f"beim Ziel „replaces: [{predecessors[0]}]“ eintragen"
                )
            if new_words and assumed(after.get(goal_id), "title"):
                notes = [row["note"], f"Neue Fassung: {ASSUMED_WORDING}"]
                row["note"] = "; ".join(n for n in notes if n)
        rows.append(row)
    rows.sort(key=lambda r: (r["rank"], r["order"]))
    return rows


def _sections(rows: list[dict[str, Any]], system: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows grouped by level and product area, each group with its headings."""
    sections: list[dict[str, Any]] = []
    levels = system.get("levels", {})
    for row in rows:
        level_key, area_key = row["rank"]
        if not sections or sections[-1]["rank"] != row["rank"]:
            level_names = list(levels.values())
            level = level_names[level_key] if level_key < len(level_names) else "Weitere Ziele"
            areas = list(system.get("areas", {}).items())
            area = None
            if area_key >= 0:
                area = (
                    f"Produktbereich {areas[area_key][0]}: {areas[area_key][1]}"
                    if area_key < len(areas)
                    else "Weitere Produktbereiche"
                )
            new_level = not sections or sections[-1]["rank"][0] != level_key
            sections.append({"rank": row["rank"], "level": level, "area": area,
                             "new_level": new_level, "rows": []})  # fmt: skip
        sections[-1]["rows"].append(row)
    for section in sections:
        del section["rank"]
        for row in section["rows"]:
            del row["rank"], row["order"]
    return sections


def _editorial(result: DiffResult, system: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Descriptions, SDGs, themes and Kennzahlen per goal, in the order of the goal system.

    Each goal has groups: first its own fields (`subject` None), then one per Kennzahl.
    """
    after = {g.id: g for g in reversed(result.new.goals)}
    before = {g.id: g for g in reversed(result.old.goals)}
    items = _new_items(result)
    order = goal_order(result.old.goals, result.new.goals)
    entries: dict[str, list[dict[str, Any]]] = {}
    for change in result.changes:
        if change.entity == "goal" and change.kind != "removed":
            lines = [
                present(
                    f,
                    system,
                    summary=change.kind == "added",
                    assumption=assumed(after.get(change.id), f.field),
                )
                for f in change.fields
                if f.field in EDITORIAL_FIELDS
            ]
            if lines:
                groups = entries.setdefault(change.id, [])
                if not groups or groups[0]["subject"] is not None:
                    groups.insert(0, {"subject": None, "lines": []})
                groups[0]["lines"].extend(lines)
        elif change.entity == "indicator" and change.owner:
            state = {"added": "neu", "removed": "entfällt", "changed": "geändert"}[change.kind]
            entries.setdefault(change.owner, []).append(
                {
                    "subject": f"Kennzahl „{' '.join(change.title.split())}“ ({change.id}): {state}",
                    "lines": [
                        present(
                            f,
                            system,
                            summary=change.kind != "changed",
                            assumption=assumed(items.get(("indicator", change.id)), f.field),
                        )
                        for f in change.fields
                    ],
                }
            )
    found: list[dict[str, Any]] = []
    for goal_id, groups in entries.items():
        goal = after.get(goal_id) or before.get(goal_id)
        found.append(
            {
                "id": goal_id,
                "title": " ".join(goal.title.split()) if goal else goal_id,
                "rank": (_rank(goal, system) if goal else (99, 99), order.get(goal_id, 0)),
                "groups": groups,
            }
        )
    found.sort(key=lambda e: e["rank"])
    for entry in found:
        del entry["rank"]
    return found


def _measures(result: DiffResult, system: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = _new_items(result)
    grouped: dict[str, dict[str, Any]] = {}
    for change in result.changes:
        if change.entity != "measure":
            continue
        entry = grouped.setdefault(
            change.id,
            {"id": change.id, "title": " ".join(change.title.split()), "state": "geändert",
             "words": None, "lines": []},
        )  # fmt: skip
        if change.kind in ("added", "removed"):
            entry["state"] = "neu" if change.kind == "added" else "entfällt"
        if change.wording:
            entry["words"] = segments(change.wording.words)
        summary = change.kind in ("added", "removed")
        measure = items.get(("measure", change.id))
        entry["lines"].extend(
            present(f, system, summary=summary, assumption=assumed(measure, f.field))
            for f in change.details
        )
    ids = [m.id for m in result.new.measures or ()] + sorted(
        m.id for m in result.old.measures or ()
    )
    order = {measure_id: i for i, measure_id in reversed(list(enumerate(ids)))}
    return sorted(grouped.values(), key=lambda m: order.get(m["id"], len(order)))


def context(
    result: DiffResult,
    system: Mapping[str, Any],
    day: date,
    *,
    changes_only: bool = False,
) -> dict[str, Any]:
    """Everything the templates show, as plain data."""
    total = len(result.changes)
    rows = _rows(result, system)
    classes = compact(result, system)
    measures = _measures(result, system) if result.compared_measures else []
    unchanged_measures = (
        len({m.id for m in result.new.measures or ()} - {m["id"] for m in measures})
        if result.compared_measures
        else 0
    )
    return {
        "municipality": system.get("municipality", ""),
        "old": side_data(result.old),
        "new": side_data(result.new),
        "date": format_date(day),
        "changes_only": changes_only,
        "empty": result.empty,
        "total": total,
        "total_text": f"{total} {'Änderung' if total == 1 else 'Änderungen'}",
        "summary": [{"title": title, "count": count} for _, title, count in result.counts()],
        "compared_measures": result.compared_measures,
        "measures_note": result.measures_note,
        # a side with unreadable files: what is missing there may show as removed or added
        "unreadable": [
            f"{side.label} hat {german.count(side.errors, 'Fehler', 'Fehler')}: was sich dort "
            "nicht lesen ließ, fehlt im Vergleich und kann als entfallen oder neu erscheinen "
            "(Details: isekctl validate)."
            for side in (result.old, result.new)
            if side.errors
        ],
        "classes": classes,
        # decisions and settings: above the goals in the full form
        "setup": [c for c in classes if c["entity"] in ("revision", "setting")],
        "sections": _sections(rows, system),
        "goals_total": len(rows),
        "goals_unchanged": sum(1 for r in rows if r["state"] == "unverändert"),
        "editorial": _editorial(result, system),
        "measures": measures,
        "measures_unchanged": unchanged_measures,
        "assumptions": _marks_assumptions(result),
    }


def _marks_assumptions(result: DiffResult) -> bool:
    """Some value shown as new is an illustrative assumption (the legend then explains it)."""
    items = _new_items(result)
    return any(
        assumed(items.get((c.entity, c.id)), f.field) for c in result.changes for f in c.fields
    )


def as_document(
    result: DiffResult,
    fmt: Format,
    system: Mapping[str, Any],
    day: date,
    *,
    changes_only: bool = False,
    templates: Path | None = None,
) -> str:
    data = context(result, system, day, changes_only=changes_only)
    return render(f"diff.{fmt}.j2", fmt, {"synopse": data}, templates)


def binary_document(
    result: DiffResult,
    fmt: Literal["pdf", "docx"],
    system: Mapping[str, Any],
    day: date,
    *,
    changes_only: bool = False,
    templates: Path | None = None,
) -> bytes:
    """The Synopse as PDF (the HTML form, A4 landscape, tagged) or as DOCX."""
    if fmt == "docx":
        from .docx import synopse_docx

        return synopse_docx(context(result, system, day, changes_only=changes_only))
    from .pdf import html_to_pdf

    return html_to_pdf(as_document(result, "html", system, day, changes_only=changes_only,
                                   templates=templates))  # fmt: skip
