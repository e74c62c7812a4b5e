"""The semantic diff of two states of the goal system: what changed, in words.

Goals are matched by their stable id; a goal that lists an old id in `replaces`
continues it. Changes are data (`Change`, `FieldChange`); `output.py` writes them
as JSON, `publishing.synopse` as Markdown or HTML and `terminal.diff` as text. A
side without measures (a revision) compares goals only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal

from ..model import BudgetLine, Goal, Indicator, Measure
from .words import Segment, similarity, word_diff

Entity = Literal["goal", "indicator", "measure"]

# (entity, kind) in the order reports list them, with the German section titles
CLASSES: Final[dict[tuple[str, str], str]] = {
    ("goal", "added"): "Neue Ziele",
    ("goal", "removed"): "Entfallene Ziele",
    ("goal", "continued"): "Fortgeführte Ziele (neue ID)",
    ("goal", "renumbered"): "Vermutlich umnummerierte Ziele",
    ("goal", "reworded"): "Umformulierte Ziele",
    ("goal", "moved"): "Verschobene Ziele (Ebene, Produktbereich, übergeordnetes Ziel)",
    ("goal", "relinked"): "Neu verknüpfte Ziele (Beiträge, Themen, SDGs)",
    ("goal", "described"): "Geänderte Zielbeschreibungen",
    ("indicator", "added"): "Neue Kennzahlen",
    ("indicator", "removed"): "Entfallene Kennzahlen",
    ("indicator", "changed"): "Geänderte Kennzahlen (Ausgangswert, Zielwert, Messwerte)",
    ("measure", "added"): "Neue Maßnahmen",
    ("measure", "removed"): "Entfallene Maßnahmen",
    ("measure", "reworded"): "Umbenannte Maßnahmen",
    ("measure", "status"): "Maßnahmen: Status und Ampel",
    ("measure", "dates"): "Maßnahmen: Zeitraum",
    ("measure", "budget"): "Maßnahmen: Haushaltsansätze",
    ("measure", "goals"): "Maßnahmen: Zielzuordnung",
    ("measure", "department"): "Maßnahmen: federführender Fachdienst",
    ("measure", "reports"): "Maßnahmen: neue Statusberichte",
    ("measure", "details"): "Maßnahmen: weitere Angaben",
}
SIMILAR_ENOUGH: Final = 0.6


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field that differs; `words` for wordings, `added`/`removed` for sets and lists."""

    field: str
    old: Any = None
    new: Any = None
    words: tuple[Segment, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    entity: Entity
    kind: str
    id: str
    title: str
    fields: tuple[FieldChange, ...] = ()
    related: tuple[str, ...] = ()  # continued: the old ids; renumbered: the probable old id
    owner: str | None = None  # indicators: the goal they belong to

    @property
    def section(self) -> str:
        return CLASSES[(self.entity, self.kind)]

    @property
    def wording(self) -> FieldChange | None:
        """The word diff of the title, when the title changed."""
        return next((f for f in self.fields if f.field == "title" and f.words), None)

    @property
    def details(self) -> tuple[FieldChange, ...]:
        """Every changed field except the title's word diff."""
        wording = self.wording
        return tuple(f for f in self.fields if f is not wording)


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a comparison: goals always, measures only where the source has them."""

    label: str
    goals: tuple[Goal, ...]
    measures: tuple[Measure, ...] | None = None


@dataclass(slots=True)
class DiffResult:
    old: str
    new: str
    changes: list[Change] = field(default_factory=list)
    compared_measures: bool = False
    status_names: dict[str, str] = field(default_factory=dict)  # for display only

    @property
    def empty(self) -> bool:
        return not self.changes

    def counts(self) -> list[tuple[tuple[str, str], str, int]]:
        """(class, German title, number) for every class that occurs, in report order."""
        counter: Counter[tuple[str, str]] = Counter((c.entity, c.kind) for c in self.changes)
        return [(key, title, counter[key]) for key, title in CLASSES.items() if counter[key]]

    def by_class(self) -> list[tuple[str, list[Change]]]:
        return [
            (title, [c for c in self.changes if (c.entity, c.kind) == key])
            for key, title, _ in self.counts()
        ]


def compare(old: Side, new: Side) -> DiffResult:
    result = DiffResult(old.label, new.label)
    result.changes.extend(_goal_changes(old.goals, new.goals))
    if old.measures is not None and new.measures is not None:
        result.compared_measures = True
        result.changes.extend(_measure_changes(old.measures, new.measures))
    return result


# --- goals -------------------------------------------------------------------------------


def _goal_changes(old: Iterable[Goal], new: Iterable[Goal]) -> Iterator[Change]:
    before = {g.id: g for g in old}
    after = {g.id: g for g in new}
    continued: dict[str, list[str]] = {}  # new id -> old ids it continues (that are gone)
    for goal in after.values():
        gone = [r for r in goal.replaces if r in before and r not in after]
        if gone and goal.id not in before:
            continued[goal.id] = gone
    consumed = {old_id for ids in continued.values() for old_id in ids}
    removed = [g for i, g in before.items() if i not in after and i not in consumed]
    added = [g for i, g in after.items() if i not in before and i not in continued]

    for goal in added:
        yield Change("goal", "added", goal.id, goal.title, _goal_summary(goal))
    for goal in removed:
        yield Change("goal", "removed", goal.id, goal.title, _goal_summary(goal))
    for new_id, old_ids in continued.items():
        goal = after[new_id]
        first = before[old_ids[0]]
        words = () if first.title == goal.title else tuple(word_diff(first.title, goal.title))
        fields = (FieldChange("title", first.title, goal.title, words),) if words else ()
        yield Change("goal", "continued", goal.id, goal.title, fields, tuple(old_ids))
    yield from _probable_renumberings(removed, added)
    for goal_id, goal in after.items():
        if goal_id in before:
            yield from _goal_field_changes(before[goal_id], goal)
    for goal_id, goal in after.items():
        old_goal = before.get(goal_id)
        yield from _indicator_changes(
            goal, old_goal.indicators if old_goal else [], goal.indicators
        )
    for goal_id, goal in before.items():
        if goal_id not in after:
            yield from _indicator_changes(goal, goal.indicators, [])


def _goal_summary(goal: Goal) -> tuple[FieldChange, ...]:
    where = [("level", goal.level)]
    if goal.product_area is not None:
        where.append(("product_area", goal.product_area))
    if goal.parent:
        where.append(("parent", goal.parent))
    return tuple(FieldChange(name, new=value) for name, value in where)


def _probable_renumberings(removed: list[Goal], added: list[Goal]) -> Iterator[Change]:
    """A removed and an added goal with nearly the same wording, and no `replaces` saying so."""
    taken: set[str] = set()
    for old_goal in removed:
        scored = [
            (similarity(old_goal.title, g.title), g.id, g) for g in added if g.id not in taken
        ]
        if not scored:
            continue
        score, _, best = max(scored, key=lambda s: (s[0], s[1]))
        if score >= SIMILAR_ENOUGH:
            taken.add(best.id)
            words = tuple(word_diff(old_goal.title, best.title))
            yield Change(
                "goal", "renumbered", best.id, best.title,
                (FieldChange("title", old_goal.title, best.title, words),), (old_goal.id,),
            )  # fmt: skip


def _set_change(name: str, old: Iterable[Any], new: Iterable[Any]) -> FieldChange | None:
    before, after = [str(v) for v in old], [str(v) for v in new]
    added = tuple(v for v in after if v not in before)
    removed = tuple(v for v in before if v not in after)
    if not added and not removed:
        return None
    return FieldChange(name, tuple(before), tuple(after), added=added, removed=removed)


def _goal_field_changes(old: Goal, new: Goal) -> Iterator[Change]:
    if old.title != new.title:
        words = tuple(word_diff(old.title, new.title))
        yield Change(
            "goal",
            "reworded",
            new.id,
            new.title,
            (FieldChange("title", old.title, new.title, words),),
        )
    moved = tuple(
        FieldChange(name, getattr(old, name), getattr(new, name))
        for name in ("level", "product_area", "parent")
        if getattr(old, name) != getattr(new, name)
    )
    if moved:
        yield Change("goal", "moved", new.id, new.title, moved)
    relinked = tuple(
        change
        for name in ("contributes_to", "themes", "sdgs")
        if (change := _set_change(name, getattr(old, name), getattr(new, name)))
    )
    if relinked:
        yield Change("goal", "relinked", new.id, new.title, relinked)
    if (old.description or "").strip() != (new.description or "").strip():
        words = tuple(word_diff(old.description or "", new.description or ""))
        yield Change(
            "goal", "described", new.id, new.title,
            (FieldChange("description", old.description, new.description, words),),
        )  # fmt: skip


def _indicator_changes(goal: Goal, old: list[Indicator], new: list[Indicator]) -> Iterator[Change]:
    before = {i.id: i for i in old}
    after = {i.id: i for i in new}
    for indicator in new:
        previous = before.get(indicator.id)
        if previous is None:
            yield Change(
                "indicator",
                "added",
                indicator.id,
                indicator.name,
                _indicator_summary(indicator),
                owner=goal.id,
            )
            continue
        fields = [
            FieldChange(name, getattr(previous, name), getattr(indicator, name))
            for name in ("name", "unit", "baseline", "target")
            if getattr(previous, name) != getattr(indicator, name)
        ]
        old_values = {v.year: v.value for v in previous.values}
        new_values = {v.year: v.value for v in indicator.values}
        fields.extend(
            FieldChange(f"values.{year}", old_values.get(year), new_values.get(year))
            for year in sorted(set(old_values) | set(new_values))
            if old_values.get(year) != new_values.get(year)
        )
        if fields:
            yield Change(
                "indicator", "changed", indicator.id, indicator.name, tuple(fields), owner=goal.id
            )
    for indicator in old:
        if indicator.id not in after:
            yield Change("indicator", "removed", indicator.id, indicator.name, owner=goal.id)


def _indicator_summary(indicator: Indicator) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, new=getattr(indicator, name))
        for name in ("baseline", "target")
        if getattr(indicator, name) is not None
    )


# --- measures ----------------------------------------------------------------------------


def _measure_changes(old: Iterable[Measure], new: Iterable[Measure]) -> Iterator[Change]:
    before = {m.id: m for m in old}
    after = {m.id: m for m in new}
    for measure_id, measure in after.items():
        if measure_id not in before:
            yield Change("measure", "added", measure.id, measure.title, _measure_summary(measure))
    for measure_id, measure in before.items():
        if measure_id not in after:
            yield Change("measure", "removed", measure.id, measure.title, _measure_summary(measure))
    for measure_id, measure in after.items():
        if measure_id in before:
            yield from _measure_field_changes(before[measure_id], measure)


def _measure_summary(measure: Measure) -> tuple[FieldChange, ...]:
    fields = [
        FieldChange("department", new=measure.department),
        FieldChange("status", new=measure.status),
    ]
    total = sum((line.amount for line in measure.budget), Decimal(0))
    if total:
        fields.append(FieldChange("budget_total", new=total))
    return tuple(fields)


def _measure_field_changes(old: Measure, new: Measure) -> Iterator[Change]:
    def plain(*names: str) -> tuple[FieldChange, ...]:
        return tuple(
            FieldChange(name, getattr(old, name), getattr(new, name))
            for name in names
            if getattr(old, name) != getattr(new, name)
        )

    if old.title != new.title:
        words = tuple(word_diff(old.title, new.title))
        yield Change(
            "measure",
            "reworded",
            new.id,
            new.title,
            (FieldChange("title", old.title, new.title, words),),
        )
    groups: list[tuple[str, tuple[FieldChange, ...]]] = [
        ("status", plain("status", "rating", "rating_reason")),
        ("dates", plain("start", "end", "term")),
        ("budget", _budget_changes(old.budget, new.budget)),
        ("goals", tuple(c for c in [_set_change("goals", old.goals, new.goals)] if c)),
        ("department", plain("department")),
        ("reports", _report_changes(old, new)),
        ("details", _detail_changes(old, new)),
    ]
    for kind, fields in groups:
        if fields:
            yield Change("measure", kind, new.id, new.title, fields)


def _budget_changes(old: list[BudgetLine], new: list[BudgetLine]) -> tuple[FieldChange, ...]:
    """One field per year and kind that changed, with old and new sum (delta = new - old)."""

    def sums(lines: list[BudgetLine]) -> dict[tuple[int, str], Decimal]:
        totals: dict[tuple[int, str], Decimal] = {}
        for line in lines:
            totals[(line.year, line.kind)] = (
                totals.get((line.year, line.kind), Decimal(0)) + line.amount
            )
        return totals

    before, after = sums(old), sums(new)
    return tuple(
        FieldChange(f"budget.{year}.{kind}", before.get((year, kind)), after.get((year, kind)))
        for year, kind in sorted(set(before) | set(after))
        if before.get((year, kind)) != after.get((year, kind))
    )


def _report_changes(old: Measure, new: Measure) -> tuple[FieldChange, ...]:
    known = {(r.date, r.text) for r in old.reports}
    return tuple(
        FieldChange("report", new=report)
        for report in new.reports
        if (report.date, report.text) not in known
    )


def _detail_changes(old: Measure, new: Measure) -> tuple[FieldChange, ...]:
    fields = []
    if (old.description or "").strip() != (new.description or "").strip():
        words = tuple(word_diff(old.description or "", new.description or ""))
        fields.append(FieldChange("description", old.description, new.description, words))
    for name in ("resolutions", "sdgs", "themes"):
        change = _set_change(name, getattr(old, name), getattr(new, name))
        if change:
            fields.append(change)
    return tuple(fields)


def delta(change: FieldChange) -> Decimal:
    """new - old for a budget field (missing counts as 0)."""
    return Decimal(change.new or 0) - Decimal(change.old or 0)
