"""The semantic diff of two states of the goal system: what changed, in words.

Goals, indicators and measures are matched by their stable id. A new goal whose
`replaces` names a goal that is gone continues it (renumbered, merged or split), and
so does, read backwards, a goal that is gone and names the new one in its own
`replaces`: the relation is the same in both directions, which keeps the mirror law
(`compare(a, b)` and `compare(b, a)` report the same changes, old and new swapped).
A removed and an added goal with nearly the same wording are a probable renumbering.
Every continued or renumbered goal is compared with the goal it continues, and the
indicators it carries over with their old values.

Texts count as equal when only whitespace or the Unicode normalisation differ
(`words.same_text`). Changes are data (`Change`, `FieldChange`); `output.py` writes them
as JSON, `publishing.synopse` as a document and `terminal.diff` as text. A side without
measures (a revision frozen with `--goals-only`) compares goals only.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Final, Literal

from ..dates import PartialDate
from ..model import BudgetLine, Config, Goal, Indicator, Measure, Revision, StatusReport
from .words import Segment, normalize, same_text, similarity, tokens, word_diff

Entity = Literal["revision", "setting", "goal", "indicator", "measure"]
SideKind = Literal["revision", "git", "directory", "working"]

# (entity, kind) in the order reports and the JSON list them, with the German section titles
CLASSES: Final[dict[tuple[str, str], str]] = {
    # first: what decides how everything else reads (a changed decision above all)
    ("revision", "changed"): "Geänderte Beschlussstände und Entwürfe",
    ("revision", "removed"): "Entfernte Beschlussstände und Entwürfe",
    ("revision", "added"): "Neue Beschlussstände und Entwürfe",
    ("setting", "changed"): "Geänderte Einstellungen (isek.yaml)",
    ("goal", "added"): "Neue Ziele",
    ("goal", "removed"): "Entfallene Ziele",
    ("goal", "continued"): "Fortgeführte Ziele (neue ID)",
    ("goal", "renumbered"): "Vermutlich umnummerierte Ziele",
    ("goal", "reworded"): "Umformulierte Ziele",
    ("goal", "moved"): "Verschobene Ziele (Ebene, Produktbereich, übergeordnetes Ziel)",
    ("goal", "relinked"): "Neu verknüpfte Ziele (Beiträge, Themen, SDGs)",
    ("goal", "described"): "Geänderte Zielbeschreibungen und Begründungen",
    ("indicator", "added"): "Neue Kennzahlen",
    ("indicator", "removed"): "Entfallene Kennzahlen",
    ("indicator", "changed"): "Geänderte Kennzahlen",
    ("measure", "added"): "Neue Maßnahmen",
    ("measure", "removed"): "Entfallene Maßnahmen",
    ("measure", "reworded"): "Umbenannte Maßnahmen",
    ("measure", "status"): "Maßnahmen: Status und Ampel",
    ("measure", "dates"): "Maßnahmen: Zeitraum",
    ("measure", "budget"): "Maßnahmen: Haushaltsansätze",
    ("measure", "goals"): "Maßnahmen: Zielzuordnung",
    ("measure", "department"): "Maßnahmen: federführender Fachdienst",
    ("measure", "reports"): "Maßnahmen: Statusberichte",
    ("measure", "details"): "Maßnahmen: weitere Angaben",
}
CLASS_ORDER: Final = {key: i for i, key in enumerate(CLASSES)}
SIMILAR_ENOUGH: Final = 0.6

# the fields of a goal that each class compares; `title` belongs to reworded/continued
MOVED: Final = ("level", "product_area", "parent")
RELINKED: Final = ("contributes_to", "replaces", "themes", "sdgs")
DESCRIBED: Final = ("description", "rationale")
GOAL_SUMMARY: Final = (*MOVED, "contributes_to", "replaces", *DESCRIBED, "sdgs", "themes")
INDICATOR_TEXTS: Final = ("name", "unit", "definition", "source", "sdg_indicator")
INDICATOR_SUMMARY: Final = (
    *INDICATOR_TEXTS[1:], "baseline", "target", "target_path", "values",
)  # fmt: skip
MEASURE_SUMMARY: Final = (
    "goals", "department", "decided_by", "status", "rating", "rating_reason", "term", "start",
    "end", "description", "product_area", "product", "budget", "resolutions", "sdgs", "themes",
    "reports",
)  # fmt: skip
MEASURE_TEXTS: Final = ("title", "rating_reason", "description", "product")
SETS: Final = (
    "contributes_to",
    "replaces",
    "themes",
    "sdgs",
    "goals",
    "resolutions",
    "assumptions",
)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field that differs; `words` for wordings, `added`/`removed` for sets.

    `old` is None for what only the new side has, `new` None for what only the old has.
    """

    field: str
    old: Any = None
    new: Any = None
    words: tuple[Segment, ...] = ()
    added: tuple[Any, ...] = ()
    removed: tuple[Any, ...] = ()
    # a status that turned done after the planned end: (planned end, day reported done)
    late: tuple[PartialDate, date] | None = None


@dataclass(frozen=True, slots=True)
class Change:
    entity: Entity
    kind: str
    id: str
    title: str
    fields: tuple[FieldChange, ...] = ()
    related: tuple[str, ...] = ()  # continued/renumbered and what comes with them: the old id
    owner: str | None = None  # indicators: the goal they belong to

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
    """One side of a comparison: goals always, measures only where the source has them.

    `label` names the side for a reader ("Beschluss der Ratsversammlung vom 18.02.2020",
    "Stand vom 27.11.2026"); `source` is what was given on the command line.
    """

    label: str
    goals: tuple[Goal, ...]
    measures: tuple[Measure, ...] | None = None
    source: str = ""
    kind: SideKind = "working"
    short: str = ""  # the side as the subject of a sentence: "der Beschlussstand 2020"
    done: tuple[str, ...] = ()  # the statuses that mean done (isek.yaml)
    # a repository state's decisions and settings (None for a revision, which has neither):
    # compared whenever both sides have them, so no pull request rewrites them unseen
    revisions: tuple[Revision, ...] | None = None
    config: Config | None = None
    errors: int = 0  # findings of severity error: what could not be read is left out


@dataclass(slots=True)
class DiffResult:
    old: Side
    new: Side
    changes: list[Change] = field(default_factory=list)
    compared_measures: bool = False

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def measures_note(self) -> str | None:
        """Why measures were not compared: one plain German sentence, or None."""
        if self.compared_measures:
            return None
        lacking = list(dict.fromkeys(s.short or s.label for s in (self.old, self.new)
                                     if s.measures is None))  # fmt: skip
        subjects = " und ".join(lacking)
        verb = "enthalten" if len(lacking) > 1 else "enthält"
        return f"Maßnahmen werden nicht verglichen, weil {subjects} nur die Ziele {verb}."

    def counts(self) -> list[tuple[tuple[str, str], str, int]]:
        """(class, German title, number) for every class that occurs, in report order."""
        counter: Counter[tuple[str, str]] = Counter((c.entity, c.kind) for c in self.changes)
        return [(key, title, counter[key]) for key, title in CLASSES.items() if counter[key]]


def compare(old: Side, new: Side) -> DiffResult:
    result = DiffResult(old, new)
    order = goal_order(old.goals, new.goals)
    # which values are marked as assumptions, between two repository states (a revision
    # marks nothing: against it, every mark would count as a change)
    marks = old.config is not None and new.config is not None
    changes = list(_goal_changes(old.goals, new.goals, marks))
    if old.revisions is not None and new.revisions is not None:
        changes.extend(_revision_changes(old.revisions, new.revisions))
    if old.config is not None and new.config is not None:
        changes.extend(_setting_changes(old.config, new.config))
    if old.measures is not None and new.measures is not None:
        result.compared_measures = True
        changes.extend(_measure_changes(old.measures, new.measures, new.done or old.done, marks))
    measure_ids = [m.id for m in new.measures or ()] + sorted(m.id for m in old.measures or ())
    measure_order = {m: i for i, m in reversed(list(enumerate(measure_ids)))}

    def position(change: Change) -> int:
        """Changes of one class in reading order: goals (and their indicators) as the goal
        system lists them, measures by the new side's order; ties keep the order found."""
        if change.entity in ("revision", "setting"):
            return 0  # in the order found: revisions by id
        if change.entity == "measure":
            return measure_order.get(change.id, 0)
        if change.entity == "indicator":
            return order.get(change.owner or "", 0)
        return order.get(change.id, 0)

    indexed = list(enumerate(changes))
    indexed.sort(key=lambda p: (CLASS_ORDER[(p[1].entity, p[1].kind)], position(p[1]), p[0]))
    result.changes = [c for _, c in indexed]
    return result


def goal_order(old: Iterable[Goal], new: Iterable[Goal]) -> dict[str, int]:
    """Every goal id of both sides in reading order: the new side's, with goals only the old
    side has placed after the goal that preceded them there."""
    new_ids = list(dict.fromkeys(g.id for g in new))
    at = {goal_id: i for i, goal_id in enumerate(new_ids)}
    keys: dict[str, tuple[int, int, int]] = {goal_id: (i, 0, 0) for goal_id, i in at.items()}
    anchor, offset = -1, 0
    for goal in old:
        if goal.id in at:
            anchor, offset = at[goal.id], 0
        elif goal.id not in keys:
            offset += 1
            keys[goal.id] = (anchor, 1, offset)
    return {goal_id: i for i, goal_id in enumerate(sorted(keys, key=keys.__getitem__))}


# --- goals -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Links:
    """How the goals of two states correspond."""

    continued: list[tuple[str, str]]  # (old id, new id) through `replaces`
    renumbered: list[tuple[str, str]]  # (old id, new id), probable
    removed: list[str]
    added: list[str]

    def pairs(self, before: dict[str, Goal], after: dict[str, Goal]) -> set[tuple[str, str]]:
        """Every (old, new) pair that is the same goal: same id, continued or renumbered."""
        same = {(i, i) for i in before if i in after}
        return same | set(self.continued) | set(self.renumbered)


def match_goals(before: dict[str, Goal], after: dict[str, Goal]) -> Links:
    gone = [i for i in before if i not in after]
    fresh = [i for i in after if i not in before]
    links: list[tuple[str, str]] = []
    for new_id in fresh:
        links.extend((r, new_id) for r in after[new_id].replaces if r in before and r not in after)
    for old_id in gone:
        links.extend((old_id, r) for r in before[old_id].replaces if r in after and r not in before)
    continued = list(dict.fromkeys(links))
    removed = [i for i in gone if all(x != i for x, _ in continued)]
    added = [i for i in fresh if all(y != i for _, y in continued)]
    renumbered = _probable_renumberings(
        [before[i] for i in removed], [after[i] for i in added]
    )  # fmt: skip
    removed = [i for i in removed if all(x != i for x, _ in renumbered)]
    added = [i for i in added if all(y != i for _, y in renumbered)]
    return Links(continued, renumbered, removed, added)


def _goal_changes(
    old: Iterable[Goal], new: Iterable[Goal], marks: bool = False
) -> Iterator[Change]:
    before = {g.id: g for g in reversed(list(old))}  # the first of duplicate ids wins
    after = {g.id: g for g in reversed(list(new))}
    links = match_goals(before, after)
    for goal_id in links.added:
        goal = after[goal_id]
        yield Change("goal", "added", goal.id, goal.title, _summary(goal, GOAL_SUMMARY, "new"))
    for goal_id in links.removed:
        goal = before[goal_id]
        yield Change("goal", "removed", goal.id, goal.title, _summary(goal, GOAL_SUMMARY, "old"))
    for kind, pairs in (("continued", links.continued), ("renumbered", links.renumbered)):
        for old_id, new_id in pairs:
            old_goal, new_goal = before[old_id], after[new_id]
            title = _text_change("title", old_goal.title, new_goal.title)
            yield Change("goal", kind, new_id, new_goal.title, (title,) if title else (), (old_id,))
            yield from _goal_field_changes(old_goal, new_goal, (old_id,), marks)
    for goal_id, goal in after.items():
        if goal_id in before:
            old_goal = before[goal_id]
            title = _text_change("title", old_goal.title, goal.title)
            if title:
                yield Change("goal", "reworded", goal.id, goal.title, (title,))
            yield from _goal_field_changes(old_goal, goal, (), marks)
    yield from _indicator_changes(before, after, links.pairs(before, after), marks)


def _probable_renumberings(removed: list[Goal], added: list[Goal]) -> list[tuple[str, str]]:
    """Removed and added goals with nearly the same wording, and no `replaces` saying so.

    The best-matching pairs are taken first; ties are broken by the pair of ids regardless
    of direction, so reading the states backwards pairs the same goals.
    """

    def words(goal: Goal) -> Counter[str]:
        return Counter(t.casefold() for t, _ in tokens(goal.title))

    def promising(a: Counter[str], b: Counter[str]) -> bool:
        """The bound 2·shared/(len a + len b) ≥ ratio: skips hopeless pairs cheaply."""
        total = a.total() + b.total()
        return bool(total) and 2 * (a & b).total() / total >= SIMILAR_ENOUGH

    new_words = [(new, words(new)) for new in added]
    scored = [
        (score, old.id, new.id)
        for old, old_words in ((g, words(g)) for g in removed)
        for new, candidate in new_words
        if promising(old_words, candidate)
        and (score := similarity(old.title, new.title)) >= SIMILAR_ENOUGH
    ]
    scored.sort(key=lambda s: (-s[0], min(s[1], s[2]), max(s[1], s[2])))
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    pairs = []
    for _, old_id, new_id in scored:
        if old_id not in taken_old and new_id not in taken_new:
            taken_old.add(old_id)
            taken_new.add(new_id)
            pairs.append((old_id, new_id))
    return pairs


def _goal_field_changes(
    old: Goal, new: Goal, related: tuple[str, ...], marks: bool = False
) -> Iterator[Change]:
    """moved, relinked, described: the fields of two goals that are the same goal."""
    groups: list[tuple[str, tuple[str, ...]]] = [
        ("moved", MOVED),
        ("relinked", RELINKED if not related else tuple(n for n in RELINKED if n != "replaces")),
        ("described", (*DESCRIBED, "assumptions") if marks else DESCRIBED),
    ]
    for kind, names in groups:
        fields = tuple(c for name in names if (c := _field_change(name, old, new)))
        if fields:
            yield Change("goal", kind, new.id, new.title, fields, related)


def _indicator_changes(
    before: dict[str, Goal], after: dict[str, Goal], same: set[tuple[str, str]], marks: bool
) -> Iterator[Change]:
    """Indicators are matched by their id wherever they are; one carried over by a
    continued or renumbered goal is compared with its old values."""

    def index(goals: dict[str, Goal]) -> dict[str, tuple[str, Indicator]]:
        found: dict[str, tuple[str, Indicator]] = {}
        for goal in goals.values():
            for indicator in goal.indicators:
                found.setdefault(indicator.id, (goal.id, indicator))
        return found

    old, new = index(before), index(after)
    for indicator_id, (owner, indicator) in new.items():
        if indicator_id not in old:
            summary = _summary(indicator, INDICATOR_SUMMARY, "new")
            yield Change("indicator", "added", indicator_id, indicator.name, summary, owner=owner)
            continue
        old_owner, previous = old[indicator_id]
        fields = list(_indicator_fields(previous, indicator, marks))
        if (old_owner, owner) not in same:
            fields.insert(0, FieldChange("goal", old_owner, owner))
        if fields:
            yield Change(
                "indicator", "changed", indicator_id, indicator.name, tuple(fields), owner=owner
            )
    for indicator_id, (owner, indicator) in old.items():
        if indicator_id not in new:
            summary = _summary(indicator, INDICATOR_SUMMARY, "old")
            yield Change("indicator", "removed", indicator_id, indicator.name, summary, owner=owner)


def _indicator_fields(old: Indicator, new: Indicator, marks: bool) -> Iterator[FieldChange]:
    for name in (*INDICATOR_TEXTS, "baseline", "target", *(("assumptions",) if marks else ())):
        change = _field_change(name, old, new)
        if change:
            yield change
    for name in ("target_path", "values"):
        before = {v.year: v.value for v in getattr(old, name)}
        after = {v.year: v.value for v in getattr(new, name)}
        for year in sorted(set(before) | set(after)):
            if before.get(year) != after.get(year):
                yield FieldChange(f"{name}.{year}", before.get(year), after.get(year))


# --- measures ----------------------------------------------------------------------------


def _measure_changes(
    old: Iterable[Measure], new: Iterable[Measure], done: tuple[str, ...] = (), marks: bool = False
) -> Iterator[Change]:
    before = {m.id: m for m in reversed(list(old))}
    after = {m.id: m for m in reversed(list(new))}
    for measure_id, measure in after.items():
        if measure_id not in before:
            fields = _summary(measure, MEASURE_SUMMARY, "new")
            yield Change("measure", "added", measure.id, measure.title, fields)
    for measure_id, measure in before.items():
        if measure_id not in after:
            fields = _summary(measure, MEASURE_SUMMARY, "old")
            yield Change("measure", "removed", measure.id, measure.title, fields)
    for measure_id, measure in after.items():
        if measure_id in before:
            yield from _measure_field_changes(before[measure_id], measure, done, marks)


def finished_late(
    old: Measure, new: Measure, done: tuple[str, ...]
) -> tuple[PartialDate, date] | None:
    """(planned end, day) when `new` is done, `old` was not, and the Statusbericht that
    reports it done (the first of the done ones at the end) is dated after the planned end."""
    if new.status not in done or old.status in done or new.end is None:
        return None
    finished = None
    for report in reversed(new.reports):
        if report.status not in done:
            break
        finished = report.date
    if finished is None or finished <= new.end.last:
        return None
    return new.end, finished


def _measure_field_changes(
    old: Measure, new: Measure, done: tuple[str, ...], marks: bool = False
) -> Iterator[Change]:
    def plain(*names: str) -> tuple[FieldChange, ...]:
        return tuple(c for name in names if (c := _field_change(name, old, new)))

    groups: list[tuple[str, tuple[FieldChange, ...]]] = [
        ("reworded", plain("title")),
        ("status", plain("status", "rating", "rating_reason")),
        ("dates", plain("start", "end", "term")),
        ("budget", _budget_changes(old.budget, new.budget)),
        ("goals", plain("goals")),
        ("department", plain("department")),
        ("reports", _report_changes(old.reports, new.reports)),
        ("details", plain("description", "decided_by", "product_area", "product",
                          "resolutions", "sdgs", "themes", *(("assumptions",) if marks else ()))),
    ]  # fmt: skip
    late = finished_late(old, new, done)
    for kind, fields in groups:
        if kind == "status" and late:
            fields = tuple(
                dataclasses.replace(f, late=late) if f.field == "status" else f for f in fields
            )
        if fields:
            yield Change("measure", kind, new.id, new.title, fields)


def _budget_changes(old: list[BudgetLine], new: list[BudgetLine]) -> tuple[FieldChange, ...]:
    """One field per year and kind whose sum changed (`budget.<year>.<kind>`), and one per
    year and kind whose Ist changed (`budget.<year>.<kind>.actual`)."""

    def sums(lines: list[BudgetLine]) -> dict[tuple[int, str, str], Decimal]:
        totals: dict[tuple[int, str, str], Decimal] = {}
        for line in lines:
            key = (line.year, line.kind, "")
            totals[key] = totals.get(key, Decimal(0)) + line.amount
            if line.actual is not None:
                key = (line.year, line.kind, ".actual")
                totals[key] = totals.get(key, Decimal(0)) + line.actual
        return totals

    before, after = sums(old), sums(new)
    return tuple(
        FieldChange(f"budget.{year}.{kind}{suffix}", before.get(key), after.get(key))
        for key in sorted(set(before) | set(after))
        for year, kind, suffix in [key]
        if before.get(key) != after.get(key)
    )


def _report_changes(old: list[StatusReport], new: list[StatusReport]) -> tuple[FieldChange, ...]:
    """Status reports paired as the same report: equal ones first, then those of the same
    date (status or text changed), then those of the same text (date changed); the rest
    are added or removed. Each pairing takes the k-th of one side with the k-th of the
    other, so reading backwards pairs the same reports."""
    left: list[StatusReport | None] = list(old)
    right: list[StatusReport | None] = list(new)
    pairs: list[tuple[StatusReport | None, StatusReport | None]] = []
    keys: list[Callable[[StatusReport], Any]] = [
        lambda r: (r.date, r.status, normalize(r.text)),
        lambda r: r.date,
        lambda r: normalize(r.text),
    ]
    for key in keys:
        for i, report in enumerate(left):
            if report is None:
                continue
            j = next(
                (j for j, other in enumerate(right) if other and key(other) == key(report)), None
            )
            if j is not None:
                pairs.append((report, right[j]))
                left[i] = right[j] = None
    pairs.extend((None, r) for r in right if r is not None)
    pairs.extend((r, None) for r in left if r is not None)
    changed = [
        (a, b)
        for a, b in pairs
        if a is None
        or b is None
        or (a.date, a.status, normalize(a.text)) != (b.date, b.status, normalize(b.text))
    ]
    changed.sort(key=lambda p: ((p[1] or p[0]).date, p[1] is None))  # type: ignore[union-attr]
    return tuple(FieldChange("reports", a, b) for a, b in changed)


# --- decisions and settings ---------------------------------------------------------------

REVISION_FIELDS: Final = (
    "title",
    "state",
    "decided_by",
    "decided_on",
    "resolution",
    "budget_years",
)


def _revision_changes(old: Iterable[Revision], new: Iterable[Revision]) -> Iterator[Change]:
    """Revisions matched by id: a decided state that is added, removed or rewritten is
    what a reviewer must see first, since reports name the latest one as the decision."""
    before = {r.id: r for r in sorted(old, key=lambda r: r.id)}
    after = {r.id: r for r in sorted(new, key=lambda r: r.id)}
    for revision_id, revision in before.items():
        if revision_id in after:
            fields = tuple(_revision_fields(revision, after[revision_id]))
            if fields:
                yield Change("revision", "changed", revision_id, after[revision_id].title, fields)
    for revision_id, revision in before.items():
        if revision_id not in after:
            yield Change("revision", "removed", revision_id, revision.title,
                         _revision_summary(revision, "old"))  # fmt: skip
    for revision_id, revision in after.items():
        if revision_id not in before:
            yield Change("revision", "added", revision_id, revision.title,
                         _revision_summary(revision, "new"))  # fmt: skip


def _revision_summary(revision: Revision, side: str) -> tuple[FieldChange, ...]:
    found = list(_summary(revision, REVISION_FIELDS[1:], side))
    for name, items in (("goals", revision.goals), ("measures", revision.measures)):
        if items:
            ids = tuple(i.id for i in items)
            found.append(
                FieldChange(name, new=ids) if side == "new" else FieldChange(name, old=ids)
            )
    return tuple(found)


def _revision_fields(old: Revision, new: Revision) -> Iterator[FieldChange]:
    for name in REVISION_FIELDS:
        change = _field_change(name, old, new)
        if change:
            yield change
    for name in ("goals", "measures"):
        before = {i.id: i for i in reversed(getattr(old, name) or [])}
        after = {i.id: i for i in reversed(getattr(new, name) or [])}
        if (getattr(old, name) is None) != (getattr(new, name) is None) or set(before) != set(
            after
        ):
            change = _set_change(name, before, after)
            yield change or FieldChange(name, tuple(before), tuple(after))
        for item_id, item in after.items():
            if item_id in before and before[item_id] != item:
                old_text, new_text = _outline(before[item_id]), _outline(item)
                yield FieldChange(f"{name}.{item_id}", old_text, new_text,
                                  tuple(word_diff(old_text, new_text)))  # fmt: skip


def _outline(item: Goal | Measure) -> str:
    """An item of a revision on one line, so a word diff shows what was rewritten: its
    wording and placement, and the names of any other fields that differ from nothing."""
    if isinstance(item, Goal):
        parts = [item.title, f"Ebene {item.level}"]
        if item.product_area is not None:
            parts.append(f"Produktbereich {item.product_area}")
        if item.parent:
            parts.append(f"übergeordnet {item.parent}")
        shown = {"id", "title", "level", "product_area", "parent"}
    else:
        parts = [item.title, f"Status {item.status}", f"Ziele {', '.join(item.goals)}"]
        shown = {"id", "title", "status", "goals"}
    rest = item.model_dump(mode="json", exclude=shown, exclude_defaults=True)
    parts.extend(f"{key} {json.dumps(value, ensure_ascii=False)}" for key, value in rest.items())
    return " · ".join(parts)


def setting_text(value: Any) -> str:
    """A setting of isek.yaml written as in the file's flow style: `{internal_reports: true}`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {setting_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(setting_text(v) for v in value) + "]"
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _setting_changes(old: Config, new: Config) -> Iterator[Change]:
    """isek.yaml by setting: vocabularies, what counts as done, what is published."""
    before, after = old.model_dump(mode="json"), new.model_dump(mode="json")
    fields = []
    for name in after:
        if before.get(name) != after[name]:
            old_text, new_text = setting_text(before.get(name)), setting_text(after[name])
            fields.append(
                FieldChange(name, old_text, new_text, tuple(word_diff(old_text, new_text)))
            )
    if fields:
        yield Change("setting", "changed", "isek.yaml", "Einstellungen", tuple(fields))


# --- fields ------------------------------------------------------------------------------


def _text_change(name: str, old: str | None, new: str | None) -> FieldChange | None:
    if same_text(old, new):
        return None
    return FieldChange(name, old, new, tuple(word_diff(old or "", new or "")))


def _distinct(values: Iterable[Any]) -> list[Any]:
    found: list[Any] = []
    for value in values:
        if value not in found:
            found.append(value)
    return found


def _set_change(name: str, old: Iterable[Any], new: Iterable[Any]) -> FieldChange | None:
    before, after = _distinct(old), _distinct(new)
    added = tuple(v for v in after if v not in before)
    removed = tuple(v for v in before if v not in after)
    if not added and not removed:
        return None
    return FieldChange(name, tuple(before), tuple(after), added=added, removed=removed)


TEXT_FIELDS: Final = {*DESCRIBED, "title", *INDICATOR_TEXTS, *MEASURE_TEXTS}


def _field_change(name: str, old: Any, new: Any) -> FieldChange | None:
    before, after = getattr(old, name), getattr(new, name)
    if name in SETS:
        return _set_change(name, before, after)
    if name in TEXT_FIELDS:
        return _text_change(name, before, after)
    if before == after:
        return None
    return FieldChange(name, before, after)


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == () or (isinstance(value, str) and not value)


def _summary(item: Any, names: tuple[str, ...], side: str) -> tuple[FieldChange, ...]:
    """The fields an added (side "new") or removed ("old") item has, as field changes."""
    found = []
    for name in names:
        value = getattr(item, name)
        if _empty(value):
            continue
        if isinstance(value, list):
            value = tuple(value)
        found.append(
            FieldChange(name, new=value) if side == "new" else FieldChange(name, old=value)
        )
    return tuple(found)


def delta(change: FieldChange) -> Decimal:
    """new - old for a budget field (missing counts as 0)."""
    return Decimal(change.new or 0) - Decimal(change.old or 0)
