"""Every goal should be served by at least one measure, directly or through a sub-goal."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Rule, W
from .registry import Context, project_check

GOAL_WITHOUT_MEASURE = Rule("ISEK070", "goal-without-measure", W, "Diesem Ziel dient keine Maßnahme.",
                            "Maßnahme anlegen oder zuordnen (oder in `isek.yaml` `checks: {ISEK070: 'off'}`).")  # fmt: skip


@project_check(GOAL_WITHOUT_MEASURE)
def check_coverage(ctx: Context) -> Iterator[Finding]:
    if ctx.project.unreadable_measures:
        return  # a measure that could not be read may serve any goal: no guessing
    served = ctx.project.served_goals()
    for item in ctx.project.goals:
        if item.model.id not in served:
            yield GOAL_WITHOUT_MEASURE.at(
                item.at("id"),
                f"Dem Ziel `{item.model.id}` dient keine Maßnahme.",
                "Eine Maßnahme mit `goals: [" + item.model.id + "]` anlegen oder zuordnen.",
            )
