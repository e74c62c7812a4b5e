"""Measures against the rest of the project: goals, reports, the budget years."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import E, Finding, Rule, W
from ..model import budget_name
from ..text import suggest
from .goals import GOAL_LIST
from .registry import Context, project_check

UNKNOWN_GOAL = Rule(
    "ISEK021",
    "unknown-goal",
    E,
    "Eine Maßnahme verweist auf ein unbekanntes Ziel.",
    "ID eines vorhandenen Ziels eintragen.",
)
REPORT_IN_FUTURE = Rule(
    "ISEK053",
    "report-in-future",
    E,
    "Ein Statusbericht ist in die Zukunft datiert.",
    "Datum des Berichtstags eintragen.",
)
BUDGET_YEAR = Rule(
    "ISEK055",
    "budget-year",
    W,
    "Ein Haushaltsjahr liegt hinter der Finanzplanung des Beschlussstands.",
    "Ansatz in die nächste Fortschreibung verschieben oder Jahre der Revision prüfen.",
)
REPORT_STATUS = Rule("ISEK071", "report-status", W, "Der Status des letzten Statusberichts weicht ab.",
                     "Status und letzten Statusbericht angleichen.")  # fmt: skip


@project_check(UNKNOWN_GOAL)
def check_goal_links(ctx: Context) -> Iterator[Finding]:
    goals = ctx.project.goal_index()
    titles = {goal_id: goal.model.title for goal_id, goal in goals.items()}
    for item in ctx.project.measures:
        for i, goal in enumerate(item.model.goals):
            if goal not in goals:
                yield UNKNOWN_GOAL.at(
                    item.at("goals", i),
                    f"Das Ziel `{goal}` gibt es nicht.",
                    suggest(goal, titles, advice=GOAL_LIST),
                )


@project_check(REPORT_IN_FUTURE, REPORT_STATUS)
def check_reports(ctx: Context) -> Iterator[Finding]:
    for item in ctx.project.measures:
        measure = item.model
        for i, report in enumerate(measure.reports):
            if report.date > ctx.today:
                yield REPORT_IN_FUTURE.at(
                    item.at("reports", i, "date"),
                    f"Der Statusbericht ist auf den {report.date:%d.%m.%Y} datiert, also in die Zukunft.",
                    "Das Datum ist der Tag, an dem berichtet wurde.",
                )
        if measure.reports and measure.reports[-1].status != measure.status:
            yield REPORT_STATUS.at(
                item.at("status"),
                f"Der Status ist `{measure.status}`, der letzte Statusbericht sagt `{measure.reports[-1].status}`.",
                "Status und letzten Statusbericht angleichen.",
            )


@project_check(BUDGET_YEAR)
def check_budget_years(ctx: Context) -> Iterator[Finding]:
    """Years after the revision's budget years plus the Finanzplanung (isek.yaml
    `planning_horizon`) belong to a later Fortschreibung; earlier years are history."""
    current = ctx.project.current_revision()
    if current is None or not current.budget_years:
        return
    horizon = ctx.project.config.planning_horizon
    last = max(current.budget_years) + horizon
    plan = f"Finanzplanung bis {last}" if horizon else "ohne Finanzplanung"
    where = f"{budget_name(current.budget_years)}, {plan}"
    for item in ctx.project.measures:
        for i, line in enumerate(item.model.budget):
            if line.year > last:
                yield BUDGET_YEAR.at(
                    item.at("budget", i, "year"),
                    f"Das Haushaltsjahr {line.year} liegt hinter der Finanzplanung des "
                    f"Beschlussstands {current.id} ({where}).",
                    "Ansätze späterer Jahre gehören in die nächste Fortschreibung.",
                )
