"""What the four reports show, computed from a `Project`; the templates only lay it out.

* Zielsystem – the goal system like the council's document, optionally with the
  changes since a revision marked (new wording <ins>, old wording <del>).
* Stadtentwicklungsbericht (public) – per goal: description, SDGs, indicators with
  trend, the measures serving it; and which goals no measure serves yet.
* Haushaltsbericht (internal) – budgets per year and kind, per goal, product area
  and department; late measures and stale status reports.
* Maßnahmenliste (public) – every measure in one filterable table, with its
  status report history.

**Basis.** The goals are those the council decided – the latest revision with
`state: beschlossen` (the Beschlussstand) – unless the reader asks for the working
state (`arbeitsstand`) or for the changes since a revision; then, and when nothing
has been decided yet, every page is labelled as the administration's proposal
(`german.DRAFT_LABEL`). Measures and status reports are facts and always come from
the working files; so do the measured values of indicators.

Contexts are plain data (dicts, lists, str, int, Decimal, date, bool, None): the
templates run in a sandbox that reads nothing else (see `jinja`). Everything is
deterministic: sorted, and dated by a reference day (Stichtag) that is an input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from ..comparing.words import word_diff
from ..model import Config, Goal, Indicator, Measure, Resolution, Revision
from ..project import Project
from . import german
from .charts import as_plain, bar_chart, line_chart
from .jinja import Format, render, resolution_url, safe_url, slug

KINDS: Final = ("zielsystem", "stadtentwicklungsbericht", "haushaltsbericht", "massnahmenliste")
TITLES: Final = {
    "zielsystem": "ISEK-Zielsystem",
    "stadtentwicklungsbericht": "Stadtentwicklungsbericht",
    "haushaltsbericht": "Haushaltsbericht",
    "massnahmenliste": "Maßnahmenliste",
}
# Reports for the administration: `report --kind all` leaves them out of the public site
# unless isek.yaml says `publish: {internal_reports: true}`. A template can mark its report
# internal too (`INTERNAL_MARK`, see `site.internal_kinds`).
INTERNAL_KINDS: Final = frozenset({"haushaltsbericht"})
NO_AREA: Final = "–"
Basis = Literal["beschlossen", "arbeitsstand"]
BASES: Final = ("beschlossen", "arbeitsstand")
CONFIG_FIELDS: Final = {
    "municipality": "Name der Kommune",
    "product_areas": "Namen der Produktbereiche",
    "departments": "Namen der Fachdienste",
    "themes": "Themen",
    "open_data": "Angaben für die offenen Daten",
}
Plain = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DataVersion:
    """Where the data comes from: a commit and its date, or not versioned."""

    commit: str | None = None
    committed_on: date | None = None
    dirty: bool = False

    def plain(self) -> Plain:
        """For the footer ('Datenstand') and the page's <meta>; the commit is not for citizens."""
        return {
            "date": self.committed_on,
            "dirty": self.dirty,  # the data differ from that commit: the date is not the whole story
            "commit": (self.commit or "") + (" (mit nicht eingecheckten Änderungen)" if self.dirty else ""),
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Request:
    """What the reader asked for beyond kind and format."""

    basis: Basis = "beschlossen"
    since: Revision | None = None  # mark the working state's changes against this revision
    errors: int = 0  # errors `validate` found (rendered anyway with --allow-errors)


def stichtag(project: Project, version: DataVersion) -> date:  # noqa: ARG001
    """The day a report speaks of unless the reader fixes one: the day of rendering.

    Late measures and stale status reports are judged against it, so a report
    printed today says what is overdue today (`--stichtag` reproduces an old one).
    """
    return date.today()


def _months_between(earlier: date, later: date) -> int:
    return (
        (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)
    )


def revision_text(revision: Revision) -> str:
    """'ISEK-Zielsystem 2020, Beschluss der Ratsversammlung vom 18.02.2020, Drucksache …'."""
    parts = [revision.title]
    if revision.decided_by and revision.decided_on:
        parts.append(f"Beschluss der {revision.decided_by} vom {german.day(revision.decided_on)}")
    elif revision.decided_on:
        parts.append(f"Beschluss vom {german.day(revision.decided_on)}")
    if revision.resolution:
        parts.append(f"Drucksache {revision.resolution}")
    return ", ".join(parts)


class Builder:
    """Shared lookups for one project, reference day and request."""

    def __init__(self, project: Project, day: date, request: Request) -> None:
        self.project = project
        self.config: Config = project.config
        self.day = day
        self.request = request
        self.decided = project.current_revision()
        self.working = {g.model.id: g.model for g in reversed(project.goals)}
        self.draft = (
            request.since is not None or request.basis == "arbeitsstand" or not self.decided
        )
        if self.draft or self.decided is None:
            self.basis_goals = [g.model for g in project.goals]
        else:
            self.basis_goals = list(self.decided.goals)
        self.goals = {g.id: g for g in reversed(self.basis_goals)}
        self.area_names = {str(k): v for k, v in self.config.product_areas.items()}
        self.statuses = {s: self.config.status_name(s) for s in self.config.status_ids()}
        self.departments = dict(self.config.departments or {})
        self.themes = dict(self.config.themes.items) if self.config.themes else {}
        self.done = set(self.config.done())
        self._measures: list[Plain] | None = None

    # --- lookups ---

    def goal(self, goal_id: str) -> Goal | None:
        return self.goals.get(goal_id) or self.working.get(goal_id)

    def area_of(self, goal: Goal) -> str:
        return self.config.product_area_key(goal.product_area) or (goal.product_area or NO_AREA)

    def area_name(self, key: str) -> str:
        if key == NO_AREA:
            return "ohne Produktbereich"
        return f"Produktbereich {key}: {self.area_names.get(key, key)}"

    def status_name(self, status: str) -> str:
        return self.statuses.get(status) or self.config.status_name(status)

    def department_name(self, department: str) -> str:
        return self.departments.get(department, department)

    # --- the basis: what the goals of this report are ---

    def basis(self) -> Plain:
        decided = self.decided
        decided_plain = None
        if decided is not None:
            decided_plain = {
                "id": decided.id,
                "title": decided.title,
                "text": revision_text(decided),
                "body": decided.decided_by or "",
                "date": decided.decided_on,
                "resolution": decided.resolution or "",
                "link": self.paper_link(decided.resolution) if decided.resolution else "",
            }
        if not self.draft and decided_plain is not None:
            return {
                "draft": False,
                "label": "Beschlussstand",
                "text": f"Beschlussstand: {decided_plain['text']}",
                "note": "",
                "decided": decided_plain,
            }
        if decided_plain is not None:
            note = (
                "Die Ziele in diesem Bericht sind der Arbeitsstand der Verwaltung, ein Vorschlag zur "
                "Fortschreibung des Zielsystems; beschlossen ist er nicht. Zuletzt beschlossen: "
                f"{decided_plain['text']}."
            )
        else:
            note = (
                "Die Ziele in diesem Bericht sind der Arbeitsstand der Verwaltung; ein Beschluss "
                "des Zielsystems liegt noch nicht vor."
            )
        return {
            "draft": True,
            "label": german.DRAFT_LABEL,
            "text": german.DRAFT_LABEL,
            "note": note,
            "decided": decided_plain,
        }

    def paper_link(self, number: str) -> str:
        template = self.config.resolution_url
        return resolution_url(template, number) if template else ""

    def resolution(self, item: str | Resolution) -> Plain:
        """A council decision: how it is cited, what else is known, where it can be read."""
        if isinstance(item, str):
            return {"label": item, "detail": "", "number": item, "body": "", "date": None,
                    "title": "", "url": self.paper_link(item)}  # fmt: skip
        url = (
            safe_url(item.url)
            if item.url
            else (self.paper_link(item.number) if item.number else "")
        )
        said = [item.body or "", german.day(item.date) if item.date else ""] if item.number else []
        detail = ", ".join(p for p in said if p)
        if item.title:
            detail = f"{detail}: {item.title}" if detail else item.title
        return {"label": str(item), "detail": detail, "number": item.number or "",
                "body": item.body or "", "date": item.date, "title": item.title or "", "url": url}  # fmt: skip

    # --- measures ---

    def measure(self, measure: Measure) -> Plain:
        done = measure.status in self.done
        latest = measure.reports[-1] if measure.reports else None
        goals = []
        for goal_id in measure.goals:
            goal = self.goal(goal_id)
            goals.append({
                "id": goal_id,
                "title": goal.title if goal else goal_id,
                "in_basis": goal_id in self.goals,
            })  # fmt: skip
        areas = [
            self.area_of(goal)
            for goal in (self.goal(g) for g in measure.goals)
            if goal is not None and goal.product_area
        ]
        area = areas[0] if areas else NO_AREA
        late = bool(measure.end and measure.end.last < self.day and not done)
        months = self.config.stale_after_months
        stale = not done and (latest is None or _months_between(latest.date, self.day) >= months)
        flags = []
        if late and measure.end:
            flags.append(f"überfällig: geplantes Ende {measure.end.german()}, nicht abgeschlossen")
        if stale:
            flags.append(
                "noch kein Statusbericht"
                if latest is None
                else f"Statusbericht veraltet: älter als {german.count(months, 'Monat')}"
            )
        budget = [
            {"year": line.year, "kind": line.kind, "kind_name": german.BUDGET_KINDS[line.kind],
             "plan": german.BUDGET_PLANS[line.kind], "amount": line.amount, "actual": line.actual}
            for line in sorted(measure.budget, key=lambda b: (b.year, list(german.BUDGET_KINDS).index(b.kind)))
        ]  # fmt: skip
        area_name = self.area_name(area)
        return {
            "id": measure.id,
            "title": measure.title,
            "department": measure.department,
            "department_name": self.department_name(measure.department),
            "status": measure.status,
            "status_name": self.status_name(measure.status),
            "done": done,
            "rating": measure.rating,
            "rating_reason": (measure.rating_reason or "").strip(),
            "period": _period(measure),
            "start": measure.start.german() if measure.start else "",
            "end": measure.end.german() if measure.end else "",
            "goals": goals,
            "area": area,
            "area_name": area_name,
            "area_short": area_name.removeprefix("Produktbereich ").replace(":", "", 1),
            "latest": {
                "date": latest.date,
                "status": latest.status,
                "status_name": self.status_name(latest.status),
                "text": latest.text.strip(),
            } if latest else None,
            "reports": [
                {"date": r.date, "status": r.status, "status_name": self.status_name(r.status),
                 "text": r.text.strip()}
                for r in reversed(measure.reports)
            ],
            "late": late,
            "stale": stale,
            "flags": flags,
            "description": measure.description or "",
            "resolutions": [self.resolution(r) for r in measure.resolutions],
            "decided_by": measure.decided_by or "",
            "decided_by_name": german.DECIDERS.get(measure.decided_by or "", ""),
            "budget": budget,
            "budget_total": sum((line.amount for line in measure.budget), Decimal(0)),
            "themes": [self.themes.get(t, t) for t in measure.themes],
            "assumed": list(measure.assumptions),
            "filter": {
                "department": slug(measure.department),
                "area": slug(area),
                "goal": " ".join(slug(g) for g in measure.goals),
                "status": slug(measure.status),
                "decided_by": slug(measure.decided_by or "offen"),
            },
        }  # fmt: skip

    @property
    def measures(self) -> list[Plain]:
        if self._measures is None:
            self._measures = [
                self.measure(m)
                for m in sorted((item.model for item in self.project.measures), key=lambda m: m.id)
            ]
        return self._measures

    # --- goals ---

    def goal_view(self, goal: Goal) -> Plain:
        level = self.config.level(goal.level)
        area = self.area_of(goal)
        return {
            "id": goal.id,
            "title": goal.title,
            "level": goal.level,
            "level_name": level.name if level else goal.level,
            "area": area,
            "area_name": self.area_name(area),
            "description": goal.description or "",
            "sdgs": list(goal.sdgs),
            "themes": [self.themes.get(t, t) for t in goal.themes],
            "assumed": list(goal.assumptions),
            "change": "",
            "words": [],
            "measures": [],
            "indicators": [],
            "served": True,
        }

    def levels(self, goals: list[Plain]) -> list[Plain]:
        sections = []
        for level in self.config.levels:
            members = [g for g in goals if g["level"] == level.id]
            section: Plain = {"id": level.id, "name": level.name,
                              "by_area": level.requires_product_area, "goals": [], "columns": []}  # fmt: skip
            if level.requires_product_area:
                keys = list(self.area_names) + sorted(
                    {g["area"] for g in members} - set(self.area_names)
                )
                section["columns"] = [
                    {"key": key, "name": self.area_names.get(key, key),
                     "goals": [g for g in members if g["area"] == key]}
                    for key in keys
                ]  # fmt: skip
            else:
                section["goals"] = members
            sections.append(section)
        unknown = [g for g in goals if self.config.level(g["level"]) is None]
        if unknown:
            sections.append({"id": "", "name": "Weitere Ziele", "by_area": False,
                             "goals": unknown, "columns": []})  # fmt: skip
        return sections


def _period(measure: Measure) -> str:
    start, end = measure.start, measure.end
    if start and end:
        first, last = start.german(), end.german()
        return first if first == last else f"{first} bis {last}"
    if end:
        return f"bis {end.german()}"
    if start:
        return f"ab {start.german()}"
    return "–"


def common(builder: Builder, version: DataVersion, kind: str) -> Plain:
    """What every page shows: title, basis, Stichtag, Datenstand, warnings, legends."""
    basis = builder.basis()
    municipality = builder.config.municipality
    errors = builder.request.errors
    page_title = f"{TITLES[kind]} – {municipality}"
    if basis["draft"]:
        page_title = f"{german.DRAFT_LABEL}: {page_title}"
    if errors:
        page_title = f"Daten mit Fehlern – {page_title}"
    config_assumptions = [CONFIG_FIELDS.get(f, f) for f in builder.config.assumptions]
    return {
        "kind": kind,
        "site": None,  # the published site's navigation and links (`site.py`), else a lone page
        "title": TITLES[kind],
        "page_title": page_title,
        "municipality": municipality,
        "stichtag": builder.day,
        "data": version.plain(),
        "basis": basis,
        "draft_label": german.DRAFT_LABEL,
        "errors": errors,
        "error_text": (
            f"Die Daten enthalten Fehler ({german.count(errors, 'Fehler')}): dieser Bericht kann "
            "unvollständig oder falsch sein. Die Fehler zeigt „isekctl validate“."
        ) if errors else "",
        "config_assumptions": config_assumptions,
        "statuses": dict(builder.statuses),
        "stale_months": builder.config.stale_after_months,
        "rating_legend": [
            {"id": key, "symbol": german.RATING_SYMBOLS[key], "name": german.RATINGS[key],
             "meaning": german.RATING_MEANINGS[key]}
            for key in german.RATINGS
        ],
    }  # fmt: skip


def _uses_assumptions(goals: Iterable[Plain], measures: Iterable[Plain]) -> bool:
    return any(g["assumed"] for g in goals) or any(m["assumed"] for m in measures)


# --- Zielsystem --------------------------------------------------------------------------


def zielsystem(builder: Builder, version: DataVersion) -> Plain:
    since = builder.request.since
    views = [builder.goal_view(g) for g in builder.basis_goals]
    if since is not None:
        before = {g.id: g for g in since.goals}
        continued = {old for g in builder.basis_goals for old in g.replaces}
        for view, goal in zip(views, builder.basis_goals, strict=True):
            old = before.get(goal.id) or next(
                (before[r] for r in goal.replaces if r in before), None
            )
            if old is None:
                view["change"] = "neu"
            elif old.title != goal.title:
                view["change"] = "geändert"
                view["words"] = [
                    {"op": s.op, "text": s.text, "space": s.space}
                    for s in word_diff(old.title, goal.title)
                ]
        current = {g.id for g in builder.basis_goals}
        for goal in since.goals:
            if goal.id not in current and goal.id not in continued:
                dropped = builder.goal_view(goal)
                dropped["change"] = "entfällt"
                views.append(dropped)
    context = common(builder, version, "zielsystem")
    changed = sum(1 for v in views if v["change"])
    context.update(
        levels=builder.levels(views),
        goal_count=sum(1 for v in views if v["change"] != "entfällt"),
        since={
            "id": since.id,
            "title": since.title,
            "text": revision_text(since),
            "decided": since.state == "beschlossen",
            "changed": changed,
            "changed_text": german.count(changed, "Ziel", "Zielen"),
        } if since is not None else None,
        assumptions=_uses_assumptions(views, []),
    )  # fmt: skip
    return context


# --- Stadtentwicklungsbericht --------------------------------------------------------------


def _indicator_view(indicator: Indicator) -> Plain:
    series = []
    if indicator.baseline:
        series.append((indicator.baseline.year, indicator.baseline.value))
    series.extend((v.year, v.value) for v in indicator.values)
    series = sorted(dict(series).items())
    target = (indicator.target.year, indicator.target.value) if indicator.target else None
    return {
        "id": indicator.id,
        "name": indicator.name,
        "unit": indicator.unit or "",
        "definition": (indicator.definition or "").strip(),
        "source": indicator.source or "",
        "baseline": {"year": indicator.baseline.year, "value": indicator.baseline.value}
        if indicator.baseline else None,
        "values": [{"year": v.year, "value": v.value} for v in indicator.values],
        "target": {"year": indicator.target.year, "value": indicator.target.value,
                   "comparison": indicator.target.comparison,
                   "comparison_name": german.COMPARISONS[indicator.target.comparison]}
        if indicator.target else None,
        "chart": as_plain(line_chart(series, target)) if series else None,
        "assumed": list(indicator.assumptions),
    }  # fmt: skip


def stadtentwicklungsbericht(builder: Builder, version: DataVersion) -> Plain:
    served = _served(builder)
    by_goal: dict[str, list[Plain]] = defaultdict(list)
    for measure in builder.measures:
        for goal_id in measure["goals"]:
            by_goal[goal_id["id"]].append(measure)
    views = []
    for goal in builder.basis_goals:
        view = builder.goal_view(goal)
        view["measures"] = by_goal.get(goal.id, [])
        # measured values are facts: they come from the working goal of the same id
        source = builder.working.get(goal.id) if not goal.indicators else goal
        view["indicators"] = [_indicator_view(i) for i in (source.indicators if source else [])]
        view["served"] = goal.id in served
        views.append(view)
    outside = [m for m in builder.measures if not any(g["in_basis"] for g in m["goals"])]
    context = common(builder, version, "stadtentwicklungsbericht")
    unserved = [v for v in views if not v["measures"]]
    measures = builder.measures
    context.update(
        levels=builder.levels(views),
        goal_count=len(views),
        measure_count=len(measures),
        status_counts=_status_counts(builder),
        unserved=unserved,
        unserved_indirect=[v for v in unserved if v["served"]],
        outside=outside,
        late=[m for m in measures if m["late"]],
        stale=[m for m in measures if m["stale"] and not m["late"]],
        rated=any(m["rating"] for m in measures),
        assumptions=_uses_assumptions(views, measures)
        or any(i["assumed"] for v in views for i in v["indicators"]),
    )
    return context


def _served(builder: Builder) -> set[str]:
    """Basis goals served by a measure directly or through a goal below or contributing."""
    links: dict[str, list[str]] = defaultdict(list)
    for goal in builder.basis_goals:
        links[goal.id].extend(([goal.parent] if goal.parent else []) + goal.contributes_to)
    served: set[str] = set()
    stack = [goal for m in builder.project.measures for goal in m.model.goals]
    while stack:
        goal_id = stack.pop()
        if goal_id not in served:
            served.add(goal_id)
            stack.extend(links.get(goal_id, ()))
    return served


def _status_counts(builder: Builder) -> list[Plain]:
    counts: dict[str, int] = defaultdict(int)
    for measure in builder.measures:
        counts[measure["status"]] += 1
    order = builder.config.status_ids()
    return [
        {"name": builder.status_name(s), "count": counts[s]}
        for s in order + sorted(set(counts) - set(order))
        if counts[s]
    ]


# --- Haushaltsbericht ----------------------------------------------------------------------


def _budget_rows(measures: list[Plain], key_of: Any, name_of: Any, years: list[int]) -> list[Plain]:
    rows: dict[str, Plain] = {}
    for measure in measures:
        for key in key_of(measure):
            row = rows.setdefault(key, {"key": key, "name": name_of(key),
                                        "years": dict.fromkeys(years, Decimal(0)),
                                        "total": Decimal(0), "measures": 0})  # fmt: skip
            row["measures"] += 1
            for line in measure["budget"]:
                row["years"][line["year"]] += line["amount"]
                row["total"] += line["amount"]
    return sorted(rows.values(), key=lambda r: (-r["total"], r["key"]))


def haushaltsbericht(builder: Builder, version: DataVersion) -> Plain:
    measures = builder.measures
    lines = [line for m in measures for line in m["budget"]]
    years = sorted({line["year"] for line in lines})
    kinds = [k for k in german.BUDGET_KINDS if any(line["kind"] == k for line in lines)]
    cells = {year: dict.fromkeys(kinds, Decimal(0)) for year in years}
    for line in lines:
        cells[line["year"]][line["kind"]] += line["amount"]
    totals = {
        "cells": cells,
        "years": {y: sum(cells[y].values(), Decimal(0)) for y in years},
        "kinds": {k: sum((cells[y][k] for y in years), Decimal(0)) for k in kinds},
        "total": sum((line["amount"] for line in lines), Decimal(0)),
    }
    by_area = _budget_rows(measures, lambda m: [m["area"]], builder.area_name, years)
    by_goal = _budget_rows(
        measures,
        lambda m: [g["id"] for g in m["goals"]],
        lambda g: f"{g}: {goal.title}" if (goal := builder.goal(g)) else g,
        years,
    )
    by_department = _budget_rows(
        measures,
        lambda m: [m["department"]],
        lambda d: f"{d}: {builder.departments[d]}" if d in builder.departments else d,
        years,
    )
    chart_data = {
        row["key"]: dict(row["years"])
        for row in sorted(by_area, key=lambda r: r["key"])
        if row["total"]
    }
    context = common(builder, version, "haushaltsbericht")
    context.update(
        years=years,
        kinds=[{"id": k, "name": german.BUDGET_KINDS[k], "plan": german.BUDGET_PLANS[k]} for k in kinds],
        totals=totals,
        by_area=by_area,
        by_goal=by_goal,
        by_department=by_department,
        chart=as_plain(bar_chart(
            chart_data, {k: (f"PB {k}" if k != NO_AREA else "ohne PB") for k in chart_data}
        )),
        chart_rows=[
            {"name": builder.area_name(k), "amounts": [v.get(y, Decimal(0)) for y in years]}
            for k, v in chart_data.items()
        ],
        late=[m for m in measures if m["late"]],
        stale=[m for m in measures if m["stale"] and not m["late"]],
        measure_count=len(measures),
        assumptions=any("budget" in m["assumed"] for m in measures),
    )  # fmt: skip
    return context


# --- Maßnahmenliste -------------------------------------------------------------------------


def area_order(key: str) -> tuple[int, int, str]:
    """Product areas in reading order: 1, 2, … 10 (not 1, 10, 2), named keys after, none last."""
    if key == NO_AREA:
        return (2, 0, "")
    if key.isascii() and key.isdigit():
        return (0, int(key), key)
    return (1, 0, key.casefold())


def german_key(text: str) -> str:
    """Sort German text as a reader would: Ä with A, ß as ss, regardless of case."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def list_order(measure: Plain) -> tuple[Any, ...]:
    """The Maßnahmenliste's order: product area, then title, then id."""
    return (area_order(measure["area"]), german_key(measure["title"]), measure["id"])


HINTS: Final = {"ueberfaellig": "überfällig", "veraltet": "Statusbericht veraltet oder fehlt"}


def _list_row(measure: Plain) -> Plain:
    """A measure as the list shows it: its view plus the keys the filters compare."""
    hints = (["ueberfaellig"] if measure["late"] else []) + (
        ["veraltet"] if measure["stale"] else []
    )
    papers = [r["number"] or r["label"] for r in measure["resolutions"]]
    return {
        **measure,
        "filter": {
            **measure["filter"],
            "rating": measure["rating"] or "ohne",
            "hint": " ".join(hints),
        },
        "papers": papers,  # the free-text search finds council papers too
    }


def massnahmenliste(builder: Builder, version: DataVersion) -> Plain:
    measures = [_list_row(m) for m in sorted(builder.measures, key=list_order)]
    context = common(builder, version, "massnahmenliste")
    departments = builder.departments
    used_departments = sorted({m["department"] for m in measures})
    deciders = sorted({m["decided_by"] for m in measures})
    served = {g["id"] for m in measures for g in m["goals"]}
    ratings = {m["rating"] for m in measures}
    context.update(
        measures=measures,
        measure_count=len(measures),
        late_count=sum(1 for m in measures if m["late"]),
        stale_count=sum(1 for m in measures if m["stale"]),
        filter_departments=[{"key": d, "name": f"{d} – {departments[d]}" if d in departments else d}
                            for d in used_departments],
        filter_areas=[{"key": k, "name": builder.area_name(k)}
                      for k in sorted({m["area"] for m in measures}, key=area_order)],
        filter_goals=[{"key": g.id, "name": f"{g.title} ({g.id})"} for g in builder.basis_goals
                      if g.id in served],
        filter_statuses=[{"key": s, "name": builder.status_name(s)} for s in builder.config.status_ids()
                         if any(m["status"] == s for m in measures)],
        filter_deciders=[{"key": d or "offen", "name": german.DECIDERS.get(d, "nicht angegeben")}
                         for d in deciders] if any(deciders) else [],
        filter_ratings=([{"key": k, "name": f"{german.RATING_SYMBOLS[k]} {german.RATINGS[k]}"}
                         for k in german.RATINGS if k in ratings]
                        + ([{"key": "ohne", "name": "nicht bewertet"}] if "" in ratings or None in ratings else []))
                       if ratings - {"", None} else [],
        filter_hints=[{"key": k, "name": v} for k, v in HINTS.items()
                      if any(k in m["filter"]["hint"] for m in measures)],
        rated=any(m["rating"] for m in measures),
        assumptions=_uses_assumptions([], measures),
    )  # fmt: skip
    return context


BUILDERS: Final = {
    "zielsystem": zielsystem,
    "stadtentwicklungsbericht": stadtentwicklungsbericht,
    "haushaltsbericht": haushaltsbericht,
    "massnahmenliste": massnahmenliste,
}


def report_context(
    kind: str,
    project: Project,
    version: DataVersion,
    day: date,
    *,
    basis: Basis = "beschlossen",
    since: Revision | None = None,
    errors: int = 0,
) -> Plain:
    """The plain data one report's template gets."""
    builder = Builder(project, day, Request(basis, since, errors))
    return BUILDERS[kind](builder, version)


def report_text(
    kind: str,
    fmt: Format,
    project: Project,
    version: DataVersion,
    day: date,
    *,
    basis: Basis = "beschlossen",
    since: Revision | None = None,
    errors: int = 0,
    templates: Path | None = None,
) -> str:
    """One report as Markdown or HTML text."""
    context = report_context(kind, project, version, day, basis=basis, since=since, errors=errors)
    return render(f"{kind}.{fmt}.j2", fmt, context, templates)
