"""What the five reports show, computed from a `Project`; the templates only lay it out.

* Zielsystem – the goal system like the council's document, optionally with the
  changes since a revision marked (new wording <ins>, old wording <del>).
* Stadtentwicklungsbericht (public) – per goal: description, SDGs, indicators with
  trend, the measures serving it; and which goals no measure serves yet.
* Haushaltsbericht (internal) – the Ergebnisplan (Personal- and Sachaufwand) and the
  Finanzplan (Investitionsauszahlungen) of the measures, never added up unlabelled:
  per year (budget years and Finanzplanung marked), per measure grouped by product
  area and department with subtotals, per product area, primary goal and department;
  Ansatz, Ist and Abweichung where an Ist is known; late measures, stale reports.
* Maßnahmenliste (public) – every measure in one filterable table, with its
  status report history.
* Nachhaltigkeitsbericht (public) – the 17 SDGs: which goals and measures serve each
  (council-decided links told apart from editorial ones), their budgets, Kennzahlen.

A measure's product area is its own, else its Produkt's, else its department's
(`department_areas`), else its first goal's with one (`model.measure_area`).

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

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from ..checks.schedule import judge
from ..comparing.words import same_text, word_diff
from ..memory import collector_paused
from ..model import (
    Config,
    Goal,
    Measure,
    Resolution,
    Revision,
    budget_name,
    goal_area,
    measure_area,
)
from ..project import Project
from . import german, indicators
from .charts import as_plain, bar_chart
from .jinja import Format, render, resolution_url, safe_url, slug

KINDS: Final = (
    "zielsystem",
    "stadtentwicklungsbericht",
    "haushaltsbericht",
    "massnahmenliste",
    "nachhaltigkeitsbericht",
)
TITLES: Final = {
    "zielsystem": "ISEK-Zielsystem",
    "stadtentwicklungsbericht": "Stadtentwicklungsbericht",
    "haushaltsbericht": "Haushaltsbericht",
    "massnahmenliste": "Maßnahmenliste",
    "nachhaltigkeitsbericht": "Nachhaltigkeitsbericht",
}
# Reports for the administration: `report --kind all` leaves them out of the public site
# unless isek.yaml says `publish: {internal_reports: true}`. A template can mark its report
# internal too (`INTERNAL_MARK`, see `site.internal_kinds`).
INTERNAL_KINDS: Final = frozenset({"haushaltsbericht"})
NO_AREA: Final = "–"
_KIND_ORDER: Final = {kind: i for i, kind in enumerate(german.BUDGET_KINDS)}
_ZERO: Final = Decimal(0)
Basis = Literal["beschlossen", "arbeitsstand"]
BASES: Final = ("beschlossen", "arbeitsstand")
CONFIG_FIELDS: Final = {
    "municipality": "Name der Kommune",
    "product_areas": "Namen der Produktbereiche",
    "departments": "Namen der Fachdienste",
    "department_areas": "Produktbereiche der Fachdienste",
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


# Council bodies that take "der" in the genitive (Ratsversammlung, Gemeindevertretung), as
# comparing.sides decides it for the Synopse.
_FEMININE: Final = re.compile(r"(ung|schaft|heit|keit|ion|kammer|konferenz)$")


def revision_text(revision: Revision) -> str:
    """'ISEK-Zielsystem 2020, Beschluss der Ratsversammlung vom 18.02.2020, Drucksache …'."""
    parts = [revision.title]
    body = revision.decided_by
    if body and revision.decided_on and _FEMININE.search(body.split()[-1]):
        parts.append(f"Beschluss der {body} vom {german.day(revision.decided_on)}")
    elif revision.decided_on:  # "des Kreistags", "des Rates": say it without the article
        parts.append(
            f"Beschluss vom {german.day(revision.decided_on)}" + (f" ({body})" if body else "")
        )
    elif body:
        parts.append(f"Beschluss: {body}")
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
        # the Haushalt the reports speak of: the budget years of the latest decision
        self.budget_years = sorted(set(self.decided.budget_years)) if self.decided else []
        self.plan_end = (
            max(self.budget_years) + self.config.planning_horizon if self.budget_years else None
        )
        self._measures: list[Plain] | None = None
        self._views_at: dict[int, Plain] = {}  # full views made one by one (see view_at)
        self._area_name_of: dict[str, str] = {}
        self._area_short_of: dict[str, str] = {}

    # --- lookups ---

    def goal(self, goal_id: str) -> Goal | None:
        return self.goals.get(goal_id) or self.working.get(goal_id)

    def area_of(self, goal: Goal) -> str:
        return self.config.product_area_key(goal.product_area) or (goal.product_area or NO_AREA)

    def area_name(self, key: str) -> str:
        name = self._area_name_of.get(key)  # one string per area, not one per measure
        if name is None:
            name = self._area_name_of[key] = (
                "ohne Produktbereich"
                if key == NO_AREA
                else f"Produktbereich {key}: {self.area_names.get(key, key)}"
            )
        return name

    def area_short(self, key: str) -> str:
        """The area's name without "Produktbereich", for the list's narrow column."""
        short = self._area_short_of.get(key)
        if short is None:
            short = self._area_short_of[key] = (
                self.area_name(key).removeprefix("Produktbereich ").replace(":", "", 1)
            )
        return short

    def area_order(self, key: str) -> tuple[int, int, str]:
        """Configured areas in their order, then others, "ohne Produktbereich" last."""
        keys = list(self.area_names)
        if key in keys:
            return (0, keys.index(key), key)
        return (1 if key != NO_AREA else 2, 0, key)

    def department_order(self, key: str) -> tuple[int, int, str]:
        keys = list(self.departments)
        return (0, keys.index(key), key) if key in keys else (1, 0, key)

    def measure_area(self, measure: Measure) -> tuple[str, str]:
        """The measure's product area (key or NO_AREA) and where it comes from, in German."""

        def area_of_goal(goal_id: str) -> str | None:
            return goal_area(self.goal, goal_id)

        key, source = measure_area(self.config, measure, area_of_goal)
        if key is None:
            return NO_AREA, ""
        detail = {
            "measure": "eigene Angabe der Maßnahme",
            "product": f"aus dem Produkt {measure.product}",
            "department": f"aus dem Fachdienst {measure.department}",
            "goal": "aus dem Ziel "
            + next((g for g in measure.goals if area_of_goal(g) is not None), ""),
        }[source]
        return key, detail

    def year(self, year: int) -> Plain:
        """A year with its place in the Haushalt: budget year, Finanzplanung, earlier, later."""
        role = ""
        if self.budget_years and self.plan_end is not None:
            if year in self.budget_years:
                role = "haushalt"
            elif year < min(self.budget_years):
                role = "frueher"
            elif year <= self.plan_end:
                role = "finanzplanung"
            else:
                role = "spaeter"
        return {"year": year, "role": role, "label": german.YEAR_ROLES[role]}

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

    def goal_refs(self, measure: Measure) -> list[Plain]:
        refs = []
        for goal_id in measure.goals:
            goal = self.goal(goal_id)
            refs.append({
                "id": goal_id,
                "title": goal.title if goal else goal_id,
                "in_basis": goal_id in self.goals,
            })  # fmt: skip
        return refs

    @staticmethod
    def budget_lines(measure: Measure) -> list[Plain]:
        return [
            {"year": line.year, "kind": line.kind, "kind_name": german.BUDGET_KINDS[line.kind],
             "plan": german.BUDGET_PLANS[line.kind], "amount": line.amount, "actual": line.actual,
             "deviation": line.actual - line.amount if line.actual is not None else None}
            for line in sorted(measure.budget, key=lambda b: (b.year, _KIND_ORDER[b.kind]))
        ]  # fmt: skip

    def measure(self, measure: Measure) -> Plain:
        base = self.budget_view(measure)
        done = measure.status in self.done
        latest = measure.reports[-1] if measure.reports else None
        goals = [base["primary_goal"], *base["other_goals"]]
        area, late, stale, budget = base["area"], base["late"], base["stale"], base["budget"]
        months = self.config.stale_after_months
        flags = []
        if late and measure.end:
            flags.append(f"überfällig: geplantes Ende {measure.end.german()}, nicht abgeschlossen")
        if stale:
            flags.append(
                "noch kein Statusbericht"
                if latest is None
                else f"Statusbericht veraltet: älter als {german.count(months, 'Monat')}"
            )
        plan_totals = {
            plan: sum((b["amount"] for b in budget if b["plan"] == plan), Decimal(0))
            for plan in german.PLANS
            if any(b["plan"] == plan for b in budget)
        }
        area_name = self.area_name(area)
        return {
            **base,
            "department_name": self.department_name(measure.department),
            "status": measure.status,
            "done": done,
            "rating": measure.rating,
            "rating_reason": (measure.rating_reason or "").strip(),
            "period": _period(measure),
            "start": measure.start.german() if measure.start else "",
            "end": measure.end.german() if measure.end else "",
            "goals": goals,
            "area_name": area_name,
            "area_short": self.area_short(area),
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
            "flags": flags,
            "description": measure.description or "",
            "resolutions": [self.resolution(r) for r in measure.resolutions],
            "decided_by": measure.decided_by or "",
            "decided_by_name": german.DECIDERS.get(measure.decided_by or "", ""),
            "plan_totals": [{"plan": plan, "total": total} for plan, total in plan_totals.items()],
            "themes": [self.themes.get(t, t) for t in measure.themes],
            "filter": {
                "department": slug(measure.department),
                "area": slug(area),
                "goal": " ".join(slug(g) for g in measure.goals),
                "status": slug(measure.status),
                "decided_by": slug(measure.decided_by or "offen"),
            },
        }  # fmt: skip

    @functools.cached_property
    def measure_models(self) -> list[Measure]:
        return sorted((item.model for item in self.project.measures), key=lambda m: m.id)

    @property
    def measures(self) -> list[Plain]:
        if self._measures is None:
            self._measures = [self.measure(m) for m in self.measure_models]
        return self._measures

    def budget_view(self, measure: Measure) -> Plain:
        """The part of a measure's view that the Haushaltsbericht's tables use, and the
        start of its full view (`measure`).

        Made alone, without status reports, resolutions and texts, when the full views are
        not made anyway: a third of the work for a page of 20,000 measures.
        """
        goals = self.goal_refs(measure)
        area, area_source = self.measure_area(measure)
        # the same judgement as validate's warnings (checks.schedule), whatever their switches
        verdict = judge(measure, self.config, self.day, switches=False)
        budget = self.budget_lines(measure)
        return {
            "id": measure.id,
            "title": measure.title,
            "department": measure.department,
            "status_name": self.status_name(measure.status),
            "primary_goal": goals[0],  # a budget counts once, under the measure's first goal
            "other_goals": goals[1:],  # "dient außerdem"
            "area": area,
            "area_source": area_source,
            "product": measure.product or "",
            "late": bool(verdict.late),
            "stale": bool(verdict.stale),
            "budget": budget,
            "budgeted": bool(budget),  # False: "nicht beziffert", not 0 €
            "assumed": list(measure.assumptions),
        }  # fmt: skip

    @property
    def budget_views(self) -> list[Plain]:
        """Every measure's `budget_view` (or its full view, when those were made), by id."""
        if self._measures is not None:
            return self._measures
        return [self.budget_view(m) for m in self.measure_models]

    def view_at(self, index: int) -> Plain:
        """The full view of the measure at `index` of `measure_models`, made once."""
        if self._measures is not None:
            return self._measures[index]
        view = self._views_at.get(index)
        if view is None:
            view = self._views_at[index] = self.measure(self.measure_models[index])
        return view

    def flagged(self, views: list[Plain]) -> dict[str, list[Plain]]:
        """The full views of the late measures, and of those whose status report is stale
        but that are not late (one flag a measure); `views` in the order of
        `measure_models` (`measures` or `budget_views`)."""
        return {
            "late": [self.view_at(i) for i, m in enumerate(views) if m["late"]],
            "stale": [self.view_at(i) for i, m in enumerate(views) if m["stale"] and not m["late"]],
        }

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
            elif not same_text(old.title, goal.title):
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
        # the Zielsystem shows wordings only: the legend where one of them is assumed
        assumptions=any("title" in v["assumed"] for v in views),
    )  # fmt: skip
    return context


# --- Stadtentwicklungsbericht --------------------------------------------------------------


def _indicator_source(builder: Builder, goal: Goal) -> list[Plain]:
    """A goal's Kennzahlen; measured values are facts: from the working goal of the same id."""
    source = builder.working.get(goal.id) if not goal.indicators else goal
    return [indicators.view(i) for i in (source.indicators if source else [])]


def _served_through(builder: Builder, served: set[str]) -> dict[str, list[Plain]]:
    """Per goal, the served goals below it or contributing to it (how it is served)."""
    through: dict[str, list[Plain]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for goal in builder.basis_goals + list(builder.working.values()):
        if goal.id not in served:
            continue
        for upper in ([goal.parent] if goal.parent else []) + goal.contributes_to:
            if (upper, goal.id) not in seen:
                seen.add((upper, goal.id))
                shown = builder.goal(goal.id)
                through[upper].append({"id": goal.id, "title": shown.title if shown else goal.id})
    return through


def stadtentwicklungsbericht(builder: Builder, version: DataVersion) -> Plain:
    served = builder.project.served_goals(builder.basis_goals)
    through = _served_through(builder, served)
    by_goal: dict[str, list[Plain]] = defaultdict(list)
    for measure in builder.measures:
        for goal_id in measure["goals"]:
            by_goal[goal_id["id"]].append(measure)
    views = []
    for goal in builder.basis_goals:
        view = builder.goal_view(goal)
        view["measures"] = by_goal.get(goal.id, [])
        view["indicators"] = _indicator_source(builder, goal)
        view["served"] = goal.id in served
        view["through"] = [] if view["measures"] else through.get(goal.id, [])
        views.append(view)
    outside = [m for m in builder.measures if not any(g["in_basis"] for g in m["goals"])]
    context = common(builder, version, "stadtentwicklungsbericht")
    measures = builder.measures
    context.update(
        levels=builder.levels(views),
        goal_count=len(views),
        measure_count=len(measures),
        status_counts=_status_counts(builder),
        unserved=[v for v in views if not v["served"]],  # served through sub-goals is served
        served_indirect=[v for v in views if v["served"] and not v["measures"]],
        outside=outside,
        **builder.flagged(measures),
        rated=any(m["rating"] for m in measures),
        progress_legend=_progress_legend(),
        has_indicators=any(v["indicators"] for v in views),
        assumptions=_uses_assumptions(views, measures)
        or any(i["assumed"] for v in views for i in v["indicators"]),
    )
    return context


def _progress_legend() -> list[Plain]:
    return [
        {"id": key, "symbol": german.PROGRESS_SYMBOLS[key], "name": name,
         "meaning": german.PROGRESS_MEANINGS[key]}
        for key, name in german.PROGRESS.items()
    ]  # fmt: skip


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


def _add(cell: Decimal | None, amount: Decimal) -> Decimal:
    return (cell or _ZERO) + amount


class _Sums:
    """Per plan (Ergebnisplan, Finanzplan) the amounts per year and in total.

    A year without any budget line is None ("–"), never 0 €: 0 € is a written zero. The
    sums are exact in any order: an amount has at most 12 digits and 2 decimals, so even
    a million of them stay far inside Decimal's 28 digits.
    """

    __slots__ = ("cells", "totals")

    def __init__(self, plans: list[str], years: list[int]) -> None:
        self.cells: dict[str, dict[int, Decimal | None]] = {p: dict.fromkeys(years) for p in plans}
        self.totals: dict[str, Decimal | None] = dict.fromkeys(plans)

    def add(self, lines: Iterable[tuple[str, int, Decimal]]) -> None:
        """Add (plan, year, amount) lines; a plan not asked for is left out."""
        cells, totals = self.cells, self.totals
        for plan, year, amount in lines:
            own = cells.get(plan)
            if own is None:
                continue
            if year in own:  # `_add`, written out: a page of 20,000 measures adds 70,000
                own[year] = (own[year] or _ZERO) + amount
            totals[plan] = (totals[plan] or _ZERO) + amount

    def merge(self, other: _Sums) -> None:
        """Add the sums of `other` (made for the same plans and years)."""
        for plan, cells in other.cells.items():
            own = self.cells[plan]
            for year, amount in cells.items():
                if amount is not None:
                    own[year] = _add(own[year], amount)
            total = other.totals[plan]
            if total is not None:
                self.totals[plan] = _add(self.totals[plan], total)

    def rows(self, *, budgeted_only: bool = False) -> list[Plain]:
        return [
            {"plan": plan, "contents": german.PLAN_CONTENTS[plan], "years": cells,
             "total": self.totals[plan]}
            for plan, cells in self.cells.items()
            if not budgeted_only or self.totals[plan] is not None
        ]  # fmt: skip


def _triples(lines: Iterable[Plain]) -> list[tuple[str, int, Decimal]]:
    return [(line["plan"], line["year"], line["amount"]) for line in lines]


def _plan_rows(lines: Iterable[Plain], plans: list[str], years: list[int]) -> list[Plain]:
    """Per plan the amounts per year and in total (see `_Sums`)."""
    sums = _Sums(plans, years)
    sums.add(_triples(lines))
    return sums.rows()


def _sums_by(
    measures: list[Plain], keys: list[Callable[[Plain], Any]], plans: list[str], years: list[int]
) -> list[dict[Any, _Sums]]:
    """For each way of grouping the measures (`keys`), every group's sums.

    Every budget line is added once, to the group of measures that agree in all keys (a
    page of 20,000 measures has 70,000 lines, in a few hundred such groups); each table's
    groups are then made of those."""
    finest: dict[tuple[Any, ...], _Sums] = {}
    for measure in measures:
        if not measure["budget"]:
            continue
        key = tuple(key_of(measure) for key_of in keys)
        sums = finest.get(key)
        if sums is None:
            sums = finest[key] = _Sums(plans, years)
        sums.add(_triples(measure["budget"]))
    found: list[dict[Any, _Sums]] = [{} for _ in keys]
    for key, sums in finest.items():
        for groups, part in zip(found, key, strict=True):
            group = groups.get(part)
            if group is None:
                group = groups[part] = _Sums(plans, years)
            group.merge(sums)
    return found


def _kind_rows(lines: list[Plain], years: list[int]) -> list[Plain]:
    """One row per budget kind a measure has, with its amounts per year."""
    rows: dict[str, Plain] = {}
    for line in lines:
        kind, year, amount = line["kind"], line["year"], line["amount"]
        row = rows.get(kind)
        if row is None:
            row = rows[kind] = {"kind": kind, "kind_name": german.BUDGET_KINDS[kind],
                                "plan": german.BUDGET_PLANS[kind], "years": dict.fromkeys(years),
                                "total": Decimal(0)}  # fmt: skip
        cells = row["years"]
        cells[year] = (cells[year] or _ZERO) + amount
        row["total"] += amount
    return [rows[kind] for kind in german.BUDGET_KINDS if kind in rows]


def _groups(
    measures: list[Plain],
    key_of: Callable[[Plain], str],
    sums: dict[Any, _Sums],
    name_of: Callable[[str], str],
    order: Callable[[str], Any],
    serving_too: Counter[str] | None = None,
) -> list[Plain]:
    """Measures grouped by `key_of`, each group with its plan rows (`sums`, from
    `_sums_by` with the same key): every measure once.

    `serving_too` counts, per key, the measures of other groups that serve it as well; a
    key served only that way gets a group without measures.
    """
    members: dict[str, list[Plain]] = defaultdict(list)
    for measure in measures:
        members[key_of(measure)].append(measure)
    for key in serving_too or ():
        members.setdefault(key, [])
    return [
        {"key": key, "name": name_of(key),
         # none: the group's measures are not budgeted
         "plans": sums[key].rows(budgeted_only=True) if key in sums else [],
         "measures": len(group), "unbudgeted": sum(1 for m in group if not m["budgeted"]),
         "also": serving_too[key] if serving_too else 0}
        for key, group in sorted(members.items(), key=lambda item: order(item[0]))
    ]  # fmt: skip


def _subtotal(measures: list[Plain], sums: _Sums | None) -> list[Plain]:
    """The plan rows of a group with at least two budgeted measures (else nothing to add)."""
    if sums is None or sum(1 for m in measures if m["budgeted"]) < 2:
        return []
    return sums.rows(budgeted_only=True)


def _budget_measure(measure: Plain, years: list[int]) -> Plain:
    return {
        "id": measure["id"],
        "title": measure["title"],
        "status_name": measure["status_name"],
        "primary_goal": measure["primary_goal"],
        "other_goals": measure["other_goals"],
        "area_source": measure["area_source"],
        "product": measure["product"],
        "budgeted": measure["budgeted"],
        "rows": _kind_rows(measure["budget"], years),
        "assumed": measure["assumed"],
    }


def _actuals(measures: list[Plain], plans: list[str]) -> Plain | None:
    """Ansatz, Ist and Abweichung for every budget line with an Ist, and their sums."""
    rows = [
        {"id": m["id"], "title": m["title"], **line,
         "percent_text": german.percent(line["deviation"] / line["amount"] * 100) if line["amount"] else "–"}
        for m in measures
        for line in m["budget"]
        if line["actual"] is not None
    ]  # fmt: skip
    if not rows:
        return None
    grouped: dict[tuple[str, int], list[Plain]] = defaultdict(list)
    for row in rows:
        grouped[(row["plan"], row["year"])].append(row)
    sums = []
    for plan in plans:
        for year in sorted(y for p, y in grouped if p == plan):
            own = grouped[(plan, year)]
            amount = sum((r["amount"] for r in own), Decimal(0))
            actual = sum((r["actual"] for r in own), Decimal(0))
            sums.append({"plan": plan, "year": year, "amount": amount, "actual": actual,
                         "deviation": actual - amount, "lines": len(own),
                         "percent_text": german.percent((actual - amount) / amount * 100) if amount else "–"})  # fmt: skip
    rows.sort(key=lambda r: (plans.index(r["plan"]), r["year"], r["id"], r["kind"]))
    return {"rows": rows, "sums": sums}


def haushaltsbericht(builder: Builder, version: DataVersion) -> Plain:
    measures = builder.budget_views
    lines = [line for m in measures for line in m["budget"]]
    years = sorted({line["year"] for line in lines})
    plans = [p for p in german.PLANS if any(line["plan"] == p for line in lines)]
    kinds = [k for k in german.BUDGET_KINDS if any(line["kind"] == k for line in lines)]

    # The sums per year and kind, per kind, per year and in all, from one pass over the
    # lines: each adds its lines in their order, as a pass per sum would.
    by_year_kind: dict[tuple[int, str], Decimal] = {}
    by_kind: dict[str, Decimal] = {}
    by_year: dict[int, Decimal] = {}
    total = Decimal(0)
    for line in lines:
        year, kind, amount = line["year"], line["kind"], line["amount"]
        by_year_kind[(year, kind)] = _add(by_year_kind.get((year, kind)), amount)
        by_kind[kind] = by_kind.get(kind, Decimal(0)) + amount
        by_year[year] = by_year.get(year, Decimal(0)) + amount
        total += amount

    # the two Teilpläne per year, each with its kinds, and what both come to together
    plan_tables = []
    for plan in plans:
        plan_kinds = [k for k in kinds if german.BUDGET_PLANS[k] == plan]
        rows = []
        for year in years:
            cells: dict[str, Decimal | None] = {k: by_year_kind.get((year, k)) for k in plan_kinds}
            present = [v for v in cells.values() if v is not None]
            rows.append({**builder.year(year), "cells": cells,
                         "total": sum(present, Decimal(0)) if present else None})  # fmt: skip
        kind_totals = {k: by_kind[k] for k in plan_kinds}
        plan_tables.append({
            "plan": plan,
            "contents": german.PLAN_CONTENTS[plan],
            "kinds": [{"id": k, "name": german.BUDGET_KINDS[k]} for k in plan_kinds],
            "rows": rows,
            "kind_totals": kind_totals,
            "total": sum(kind_totals.values(), Decimal(0)),
        })  # fmt: skip
    # every group's sums at once: overall, per area, per department within an area, per
    # main goal, per department
    overall_sums, area_sums, section_sums, goal_sums, department_sums = _sums_by(
        measures,
        [lambda _: "", lambda m: m["area"], lambda m: (m["area"], m["department"]),
         lambda m: m["primary_goal"]["id"], lambda m: m["department"]],
        plans, years,
    )  # fmt: skip
    overall = overall_sums[""].rows() if overall_sums else []
    together = [
        {**builder.year(year),
         "plans": [row["years"][year] for row in overall],
         "total": by_year[year]}
        for year in years
    ]  # fmt: skip

    def department_name(key: str) -> str:
        return f"{key}: {builder.departments[key]}" if key in builder.departments else key

    def goal_name(goal_id: str) -> str:
        goal = builder.goal(goal_id)
        return f"{goal_id}: {goal.title}" if goal else goal_id

    basis_order = {g.id: i for i, g in enumerate(builder.basis_goals)}

    # per measure, grouped by product area and department, with subtotals
    sections: list[Plain] = []
    by_area: dict[str, list[Plain]] = defaultdict(list)
    for measure in measures:
        by_area[measure["area"]].append(measure)
    for area in sorted(by_area, key=builder.area_order):
        members = by_area[area]
        by_department: dict[str, list[Plain]] = defaultdict(list)
        for measure in members:
            by_department[measure["department"]].append(measure)
        departments = [
            {"key": key, "name": department_name(key),
             "measures": [_budget_measure(m, years) for m in by_department[key]],
             "subtotal": _subtotal(by_department[key], section_sums.get((area, key))),
             "unbudgeted": sum(1 for m in by_department[key] if not m["budgeted"])}
            for key in sorted(by_department, key=builder.department_order)
        ]  # fmt: skip
        sections.append({
            "key": area, "name": builder.area_name(area), "departments": departments,
            "subtotal": _subtotal(members, area_sums.get(area)),
            "measures": len(members), "unbudgeted": sum(1 for m in members if not m["budgeted"]),
        })  # fmt: skip

    by_area_rows = _groups(measures, lambda m: m["area"], area_sums, builder.area_name,
                           builder.area_order)  # fmt: skip
    chart_data = {
        group["key"]: {
            year: sum((r["years"][year] or Decimal(0) for r in group["plans"]), Decimal(0))
            for year in years
        }
        for group in by_area_rows
        if any(r["total"] for r in group["plans"])
    }
    # Which other goals a measure serves stands at the measure ("dient außerdem"); the goal
    # table says how many measures counted under another goal serve each goal as well.
    serving_too = Counter(
        goal_id
        for m in measures
        for goal_id in {g["id"] for g in m["other_goals"]} - {m["primary_goal"]["id"]}
    )
    by_goal = _groups(measures, lambda m: m["primary_goal"]["id"], goal_sums, goal_name,
                      lambda g: (basis_order.get(g, len(basis_order)), g), serving_too)  # fmt: skip
    context = common(builder, version, "haushaltsbericht")
    # the lists of measures get their full views, as in the other reports
    unbudgeted = [builder.view_at(i) for i, m in enumerate(measures) if not m["budgeted"]]
    context.update(
        years=[builder.year(y) for y in years],
        year_ids=years,
        budget_name=budget_name(builder.budget_years),
        budget_years=builder.budget_years,
        plan_end=builder.plan_end,
        horizon=builder.config.planning_horizon,
        decided_id=builder.decided.id if builder.decided else "",
        plans=plans,
        plan_tables=plan_tables,
        overall=overall,
        together=together,
        total=total,
        both_plans=german.BOTH_PLANS,
        sections=sections,
        by_area=by_area_rows,
        by_goal=by_goal,
        by_department=_groups(measures, lambda m: m["department"], department_sums,
                              department_name, builder.department_order),
        actuals=_actuals(measures, plans),
        unbudgeted=unbudgeted,
        not_budgeted=german.NOT_BUDGETED,
        chart=as_plain(bar_chart(
            chart_data, {k: (f"PB {k}" if k != NO_AREA else "ohne PB") for k in chart_data}
        )) if chart_data else None,
        chart_rows=[
            {"name": builder.area_name(k), "amounts": [v[y] for y in years]}
            for k, v in chart_data.items()
        ],
        **builder.flagged(measures),
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
    # one flag a measure, as tree, validate and the reports count them: a late measure's
    # stale report is part of its being late
    hints = ["ueberfaellig"] if measure["late"] else ["veraltet"] if measure["stale"] else []
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
        stale_count=sum(1 for m in measures if m["stale"] and not m["late"]),
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


# --- Nachhaltigkeitsbericht -----------------------------------------------------------------


def _link(decided: bool, assumed: bool) -> Plain:
    kind = "beschlossen" if decided else "redaktionell"
    return {"link": kind, "link_name": german.SDG_LINKS[kind], "decided": decided,
            "assumed": ["sdgs"] if assumed and not decided else []}  # fmt: skip


def nachhaltigkeitsbericht(builder: Builder, version: DataVersion) -> Plain:
    """The 17 SDGs: the goals and measures that serve each, their budgets and Kennzahlen.

    An SDG link is *beschlossen* when the Beschlussstand's goal (or measure, where the
    revision confirms measures) names that SDG and does not mark it as an assumption;
    every other link – from the working goals and measure files – is *redaktionell*.
    A measure serves an SDG by its own `sdgs` or through a goal it serves.
    """
    decided = builder.decided
    decided_goals = {g.id: g for g in decided.goals} if decided else {}
    decided_measures = {m.id: m for m in (decided.measures or [])} if decided else {}

    def decided_link(item: Goal | Measure | None, number: int) -> bool:
        return item is not None and number in item.sdgs and "sdgs" not in item.assumptions

    goals_of: dict[int, list[Plain]] = defaultdict(list)
    goal_sdgs: dict[str, list[tuple[int, bool, bool]]] = defaultdict(list)
    for goal in builder.basis_goals:
        known = [g for g in (goal, decided_goals.get(goal.id), builder.working.get(goal.id)) if g]
        level = builder.config.level(goal.level)
        for number in sorted({n for g in known for n in g.sdgs}):
            is_decided = decided_link(decided_goals.get(goal.id), number)
            assumed = any(number in g.sdgs and "sdgs" in g.assumptions for g in known)
            goal_sdgs[goal.id].append((number, is_decided, assumed))
            goals_of[number].append({
                "id": goal.id, "title": goal.title,
                "level_name": level.name if level else goal.level,
                "indicators": _indicator_source(builder, goal),
                **_link(is_decided, assumed),
            })  # fmt: skip

    measures_of: dict[int, list[Plain]] = defaultdict(list)
    for measure, model in zip(
        builder.measures,
        sorted((i.model for i in builder.project.measures), key=lambda m: m.id),
        strict=True,
    ):
        links: dict[int, Plain] = {}
        for number in model.sdgs:
            links[number] = {"own": True, "via": [],
                             **_link(decided_link(decided_measures.get(model.id), number),
                                     "sdgs" in model.assumptions)}  # fmt: skip
        via_assumed: dict[int, list[bool]] = defaultdict(list)
        for goal_id in model.goals:
            for number, is_decided, assumed in goal_sdgs.get(goal_id, []):
                entry = links.setdefault(number, {"own": False, "via": [], **_link(False, False)})
                entry["via"].append(goal_id)
                via_assumed[number].append(assumed)
                if is_decided and not entry["decided"]:
                    entry.update(_link(True, False))
        for number, marks in via_assumed.items():
            entry = links[number]
            if not entry["own"] and not entry["decided"] and all(marks):
                entry.update(_link(False, True))  # every goal it serves this SDG through assumes it
        for number, entry in links.items():
            measures_of[number].append({
                "id": measure["id"], "title": measure["title"],
                "status_name": measure["status_name"],
                "department_name": measure["department_name"],
                "budgeted": measure["budgeted"], "plan_totals": measure["plan_totals"],
                **entry,
            })  # fmt: skip

    lines_of = {m["id"]: m["budget"] for m in builder.measures}
    plans = [
        p
        for p in german.PLANS
        if any(line["plan"] == p for m in builder.measures for line in m["budget"])
    ]
    sdgs: list[Plain] = []
    for number, title in german.SDG_TITLES.items():
        goals, measures = goals_of.get(number, []), measures_of.get(number, [])
        totals = {row["plan"]: row["total"] for row in _plan_rows(
            (line for m in measures for line in lines_of[m["id"]]), plans, [])}  # fmt: skip
        sdgs.append({
            "number": number,
            "title": title,
            "goals": goals,
            "decided_goals": sum(1 for g in goals if g["decided"]),
            "measures": measures,
            "plans": [{"plan": p, "total": totals[p]} for p in plans],
            "unbudgeted": sum(1 for m in measures if not m["budgeted"]),
            "indicators": [dict(i, goal_id=g["id"], goal_title=g["title"])
                           for g in goals for i in g["indicators"]],
            "served": bool(goals or measures),
        })  # fmt: skip
    context = common(builder, version, "nachhaltigkeitsbericht")
    context.update(
        sdgs=sdgs,
        plans=plans,
        served_count=sum(1 for item in sdgs if item["served"]),
        measure_count=len(builder.measures),
        link_legend=[{"id": k, "name": v, "meaning": german.SDG_LINK_MEANINGS[k]}
                     for k, v in german.SDG_LINKS.items()],
        progress_legend=_progress_legend(),
        has_indicators=any(item["indicators"] for item in sdgs),
        assumptions=any(g["assumed"] for item in sdgs for g in item["goals"] + item["measures"]),
    )  # fmt: skip
    return context


BUILDERS: Final = {
    "zielsystem": zielsystem,
    "stadtentwicklungsbericht": stadtentwicklungsbericht,
    "haushaltsbericht": haushaltsbericht,
    "massnahmenliste": massnahmenliste,
    "nachhaltigkeitsbericht": nachhaltigkeitsbericht,
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
    with collector_paused():
        context = report_context(
            kind, project, version, day, basis=basis, since=since, errors=errors
        )
        return render(f"{kind}.{fmt}.j2", fmt, context, templates)
