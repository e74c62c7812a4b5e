"""What the four reports show, computed from a `Project`; the templates only lay it out.

* Zielsystem – the goal system like the council's document, optionally with the
  changes since a revision marked (new wording <ins>, old wording <del>).
* Stadtentwicklungsbericht (public) – per goal: description, SDGs, indicators with
  trend, the measures serving it; and which goals no measure serves yet.
* Haushaltsbericht (internal) – budgets per year and kind, per goal, product area
  and department; late measures and stale status reports.
* Maßnahmenliste (public) – every measure in one filterable table, with its
  status report history.

Everything here is deterministic: sorted, and dated by a reference day
(Stichtag) that is an input, never the wall clock.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from ..comparing.words import Segment, word_diff
from ..model import Config, Goal, Indicator, Measure, Revision, StatusReport
from ..project import Project
from . import german
from .charts import LineChart, bar_chart, line_chart
from .jinja import Format, render, slug

KINDS: Final = ("zielsystem", "stadtentwicklungsbericht", "haushaltsbericht", "massnahmenliste")
TITLES: Final = {
    "zielsystem": "ISEK-Zielsystem",
    "stadtentwicklungsbericht": "Stadtentwicklungsbericht",
    "haushaltsbericht": "Haushaltsbericht",
    "massnahmenliste": "Maßnahmenliste",
}
NO_AREA: Final = "–"


@dataclass(frozen=True, slots=True)
class DataVersion:
    """Where the data comes from, for the footer: a commit, or 'nicht versioniert'."""

    commit: str | None = None
    committed_on: date | None = None
    dirty: bool = False

    @property
    def text(self) -> str:
        if not self.commit:
            return "nicht versioniert"
        text = f"Commit {self.commit} vom {german.day(self.committed_on)}"
        return text + " (mit nicht eingecheckten Änderungen)" if self.dirty else text


@dataclass(slots=True)
class MeasureView:
    measure: Measure
    status_name: str
    done: bool
    goal_titles: list[tuple[str, str]]
    area: str  # product area key of the first goal that has one, else NO_AREA
    area_name: str
    department_name: str
    latest: StatusReport | None
    late: bool
    stale: bool

    def filter_values(self) -> dict[str, str]:
        """The tokens the Maßnahmenliste filters on (blank-separated, see render.slug)."""
        return {
            "department": slug(self.measure.department),
            "area": slug(self.area),
            "goal": " ".join(slug(g) for g in self.measure.goals),
            "status": slug(self.measure.status),
        }

    @property
    def area_short(self) -> str:
        return self.area_name.removeprefix("Produktbereich ").replace(":", "", 1)

    @property
    def budget_total(self) -> Decimal:
        return sum((line.amount for line in self.measure.budget), Decimal(0))

    @property
    def period(self) -> str:
        start, end = self.measure.start, self.measure.end
        if start and end:
            return f"{start.german()} bis {end.german()}"
        if end:
            return f"bis {end.german()}"
        if start:
            return f"ab {start.german()}"
        return "–"


@dataclass(slots=True)
class IndicatorView:
    indicator: Indicator
    series: list[tuple[int, Decimal]]
    chart: LineChart | None


@dataclass(slots=True)
class GoalView:
    goal: Goal
    level_name: str
    area: str
    area_name: str
    measures: list[MeasureView] = field(default_factory=list)
    indicators: list[IndicatorView] = field(default_factory=list)
    change: str | None = None  # with --since: "neu", "geändert" or "entfällt"
    words: list[Segment] = field(default_factory=list)
    served: bool = True


@dataclass(slots=True)
class AreaColumn:
    key: str
    name: str
    goals: list[GoalView]


@dataclass(slots=True)
class LevelSection:
    """One level of the goal system: a list, or columns per product area."""

    id: str
    name: str
    by_area: bool
    goals: list[GoalView] = field(default_factory=list)
    columns: list[AreaColumn] = field(default_factory=list)


def stichtag(project: Project, version: DataVersion) -> date:
    """The day the report speaks of: the commit date, else the newest status report.

    Only an unversioned data set without any status report falls back to today
    (a fixed placeholder day would print a Stichtag nobody chose).
    """
    if version.committed_on:
        return version.committed_on
    dates = [r.date for m in project.measures for r in m.model.reports]
    return max(dates) if dates else date.today()


def _months_between(earlier: date, later: date) -> int:
    return (
        (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)
    )


class Builder:
    """Shared lookups for one project and reference day."""

    def __init__(self, project: Project, day: date) -> None:
        self.project = project
        self.config: Config = project.config
        self.day = day
        self.goals = {g.model.id: g.model for g in project.goals}
        self.area_names = dict(self.config.product_areas)
        self._measures: list[MeasureView] | None = None

    def area_of(self, goal: Goal) -> str:
        return self.config.product_area_key(goal.product_area) or (goal.product_area or NO_AREA)

    def area_name(self, key: str) -> str:
        if key == NO_AREA:
            return "ohne Produktbereich"
        return f"Produktbereich {key}: {self.area_names.get(key, key)}"

    def measure_view(self, measure: Measure) -> MeasureView:
        done = measure.status in self.config.done()
        latest = measure.reports[-1] if measure.reports else None
        areas = [
            self.area_of(self.goals[g])
            for g in measure.goals
            if g in self.goals and self.goals[g].product_area
        ]
        area = areas[0] if areas else NO_AREA
        late = bool(measure.end and measure.end.last < self.day and not done)
        stale = not done and (
            latest is None
            or _months_between(latest.date, self.day) >= self.config.stale_after_months
        )
        departments = self.config.departments or {}
        return MeasureView(
            measure, self.config.status_name(measure.status), done,
            [(g, self.goals[g].title if g in self.goals else g) for g in measure.goals],
            area, self.area_name(area), departments.get(measure.department, measure.department),
            latest, late, stale,
        )  # fmt: skip

    @property
    def measures(self) -> list[MeasureView]:
        if self._measures is None:
            self._measures = sorted(
                (self.measure_view(m.model) for m in self.project.measures),
                key=lambda v: v.measure.id,
            )
        return self._measures

    def goal_view(self, goal: Goal) -> GoalView:
        level = self.config.level(goal.level)
        area = self.area_of(goal)
        return GoalView(goal, level.name if level else goal.level, area, self.area_name(area))

    def levels(self, goals: list[GoalView]) -> list[LevelSection]:
        sections = []
        for level in self.config.levels:
            members = [g for g in goals if g.goal.level == level.id]
            section = LevelSection(level.id, level.name, level.requires_product_area)
            if level.requires_product_area:
                keys = list(self.config.product_areas) + sorted(
                    {g.area for g in members} - set(self.config.product_areas)
                )
                section.columns = [
                    AreaColumn(
                        key, self.area_names.get(key, key), [g for g in members if g.area == key]
                    )
                    for key in keys
                ]
            else:
                section.goals = members
            sections.append(section)
        unknown = [g for g in goals if self.config.level(g.goal.level) is None]
        if unknown:
            sections.append(LevelSection("", "Weitere Ziele", False, unknown))
        return sections


def common(project: Project, version: DataVersion, day: date, kind: str) -> dict[str, Any]:
    revision = project.current_revision()
    return {
        "kind": kind,
        "title": TITLES[kind],
        "municipality": project.config.municipality,
        "config": project.config,
        "version": version,
        "stichtag": day,
        "revision": revision,
        "revision_text": _revision_text(revision),
        "resolution_url": project.config.resolution_url,
    }


def _revision_text(revision: Revision | None) -> str:
    if revision is None:
        return "keine beschlossene Revision"
    parts = [f"Revision {revision.id}"]
    if revision.decided_by and revision.decided_on:
        parts.append(f"Beschluss der {revision.decided_by} vom {german.day(revision.decided_on)}")
    if revision.resolution:
        parts.append(f"Drucksache {revision.resolution}")
    return ", ".join(parts)


# --- Zielsystem --------------------------------------------------------------------------


def zielsystem(
    project: Project, version: DataVersion, day: date, since: Revision | None = None
) -> dict[str, Any]:
    builder = Builder(project, day)
    views = [builder.goal_view(g.model) for g in project.goals]
    if since is not None:
        before = {g.id: g for g in since.goals}
        continued = {old for g in project.goals for old in g.model.replaces}
        for view in views:
            old = before.get(view.goal.id) or next(
                (before[r] for r in view.goal.replaces if r in before), None
            )
            if old is None:
                view.change = "neu"
            elif old.title != view.goal.title:
                view.change = "geändert"
                view.words = word_diff(old.title, view.goal.title)
        current = {g.model.id for g in project.goals}
        for goal in since.goals:
            if goal.id not in current and goal.id not in continued:
                dropped = builder.goal_view(goal)
                dropped.change = "entfällt"
                views.append(dropped)
    context = common(project, version, day, "zielsystem")
    context.update(
        levels=builder.levels(views), since=since, changed=sum(1 for v in views if v.change)
    )
    return context


# --- Stadtentwicklungsbericht --------------------------------------------------------------


def _indicator_view(indicator: Indicator) -> IndicatorView:
    series = []
    if indicator.baseline:
        series.append((indicator.baseline.year, indicator.baseline.value))
    series.extend((v.year, v.value) for v in indicator.values)
    series = sorted(dict(series).items())
    target = (indicator.target.year, indicator.target.value) if indicator.target else None
    return IndicatorView(indicator, series, line_chart(series, target) if series else None)


def stadtentwicklungsbericht(project: Project, version: DataVersion, day: date) -> dict[str, Any]:
    builder = Builder(project, day)
    served = project.served_goals()
    by_goal: dict[str, list[MeasureView]] = defaultdict(list)
    for measure_view in builder.measures:
        for goal_id in measure_view.measure.goals:
            by_goal[goal_id].append(measure_view)
    views = []
    for item in project.goals:
        view = builder.goal_view(item.model)
        view.measures = by_goal.get(item.model.id, [])
        view.indicators = [_indicator_view(i) for i in item.model.indicators]
        view.served = item.model.id in served
        views.append(view)
    context = common(project, version, day, "stadtentwicklungsbericht")
    unserved = [v for v in views if not v.measures]
    context.update(
        levels=builder.levels(views),
        goals=views,
        unserved=unserved,
        measure_count=len(builder.measures),
        status_counts=_status_counts(builder),
    )
    return context


def _status_counts(builder: Builder) -> list[tuple[str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for view in builder.measures:
        counts[view.measure.status] += 1
    order = builder.config.status_ids()
    return [
        (builder.config.status_name(s), counts[s])
        for s in order + sorted(set(counts) - set(order))
        if counts[s]
    ]


# --- Haushaltsbericht ----------------------------------------------------------------------


@dataclass(slots=True)
class BudgetRow:
    key: str
    name: str
    cells: dict[tuple[int, str], Decimal]  # (year, kind) -> amount
    measures: int = 0

    def total(self, year: int | None = None) -> Decimal:
        return sum((v for (y, _), v in self.cells.items() if year is None or y == year), Decimal(0))

    def kind_total(self, kind: str) -> Decimal:
        return sum((v for (_, k), v in self.cells.items() if k == kind), Decimal(0))


def _budget_rows(views: list[MeasureView], key_of: Any, name_of: Any) -> list[BudgetRow]:
    rows: dict[str, BudgetRow] = {}
    for view in views:
        for key in key_of(view):
            row = rows.setdefault(key, BudgetRow(key, name_of(key), defaultdict(Decimal)))
            row.measures += 1
            for line in view.measure.budget:
                row.cells[(line.year, line.kind)] += line.amount
    return sorted(rows.values(), key=lambda r: (-r.total(), r.key))


def haushaltsbericht(project: Project, version: DataVersion, day: date) -> dict[str, Any]:
    builder = Builder(project, day)
    views = builder.measures
    years = sorted({line.year for v in views for line in v.measure.budget})
    kinds = [
        k
        for k in german.BUDGET_KINDS
        if any(line.kind == k for v in views for line in v.measure.budget)
    ]
    totals = BudgetRow("", "Summe", defaultdict(Decimal))
    for view in views:
        for line in view.measure.budget:
            totals.cells[(line.year, line.kind)] += line.amount
    departments = builder.config.departments or {}
    by_area = _budget_rows(views, lambda v: [v.area], builder.area_name)
    by_goal = _budget_rows(
        views,
        lambda v: v.measure.goals,
        lambda g: f"{g}: {builder.goals[g].title}" if g in builder.goals else g,
    )
    by_department = _budget_rows(
        views,
        lambda v: [v.measure.department],
        lambda d: f"{d}: {departments.get(d, d)}" if d in departments else d,
    )
    chart_data = {
        row.key: {y: row.total(y) for y in years}
        for row in sorted(by_area, key=lambda r: r.key)
        if row.total()
    }
    context = common(project, version, day, "haushaltsbericht")
    context.update(
        years=years,
        kinds=kinds,
        totals=totals,
        by_area=by_area,
        by_goal=by_goal,
        by_department=by_department,
        chart=bar_chart(
            chart_data, {k: (f"PB {k}" if k != NO_AREA else "ohne PB") for k in chart_data}
        ),
        chart_rows=[
            (builder.area_name(k), [v.get(y, Decimal(0)) for y in years])
            for k, v in chart_data.items()
        ],
        late=[v for v in views if v.late],
        stale=[v for v in views if v.stale and not v.late],
        stale_months=builder.config.stale_after_months,
        measure_count=len(views),
    )
    return context


# --- Maßnahmenliste -------------------------------------------------------------------------


def massnahmenliste(project: Project, version: DataVersion, day: date) -> dict[str, Any]:
    builder = Builder(project, day)
    views = builder.measures
    context = common(project, version, day, "massnahmenliste")
    departments = builder.config.departments or {}
    used_departments = sorted({v.measure.department for v in views})
    context.update(
        measures=views,
        filter_departments=[(d, f"{d} – {departments[d]}" if d in departments else d) for d in used_departments],
        filter_areas=[(k, builder.area_name(k)) for k in sorted({v.area for v in views})],
        filter_goals=[(g.model.id, f"{g.model.id}: {g.model.title}") for g in project.goals],
        filter_statuses=[(s, builder.config.status_name(s)) for s in builder.config.status_ids()
                         if any(v.measure.status == s for v in views)],
    )  # fmt: skip
    return context


def report_text(
    kind: str,
    fmt: Format,
    project: Project,
    version: DataVersion,
    day: date,
    *,
    since: Revision | None = None,
    templates: Path | None = None,
) -> str:
    """One report as Markdown or HTML text."""
    if kind == "zielsystem":
        context = zielsystem(project, version, day, since)
    else:
        context = BUILDERS[kind](project, version, day)
    return render(f"{kind}.{fmt}.j2", fmt, context, templates)


BUILDERS: Final = {
    "zielsystem": zielsystem,
    "stadtentwicklungsbericht": stadtentwicklungsbericht,
    "haushaltsbericht": haushaltsbericht,
    "massnahmenliste": massnahmenliste,
}
