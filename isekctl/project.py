"""A loaded data set in memory: its configuration, goals, measures and revisions.

Every item remembers its file and where it sits in it, so checks can point at the
exact line without touching YAML again. The position tables of a file are only
built when a finding needs them (see `Positions`): clean files, the vast majority,
never pay for them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from .findings import Finding, Location
from .kinds import FileKind
from .model import (
    AreaSource,
    Config,
    Goal,
    Measure,
    Model,
    Revision,
    goal_area,
    measure_area,
)

T = TypeVar("T")

PathKey = tuple[str | int, ...]
Position = tuple[int, int]
Tables = tuple[dict[PathKey, Position], dict[PathKey, Position]]


def locate(
    values: dict[PathKey, Position],
    keys: dict[PathKey, Position],
    path: PathKey,
    *,
    key: bool = False,
) -> Position:
    """Where `path` is written, or the deepest existing part of it when it is not."""
    if key and path in keys:
        return keys[path]
    for end in range(len(path), -1, -1):
        found = values.get(path[:end])
        if found:
            return found
    return (1, 1) if values else (0, 0)


@dataclass(slots=True)
class Positions:
    """Where each value and key of one file is written (1-based).

    The tables are filled on first use by `reader` (which parses the file again).
    """

    path: str
    values: dict[PathKey, Position] | None = None
    keys: dict[PathKey, Position] | None = None
    reader: Callable[[], Tables] | None = field(default=None, repr=False, compare=False)

    def tables(self) -> Tables:
        if self.values is None or self.keys is None:
            self.values, self.keys = self.reader() if self.reader is not None else ({}, {})
        return self.values, self.keys

    def at(self, *sub: str | int, key: bool = False) -> Location:
        values, keys = self.tables()
        return Location(self.path, *locate(values, keys, sub, key=key))

    def detached(self) -> Positions:
        """A copy without the reader, fit for pickling (cache, worker processes)."""
        return Positions(self.path, self.values, self.keys)


@dataclass(slots=True)
class FileResult:
    """What reading one file produced: its model (if valid), positions and findings."""

    path: str
    kind: FileKind
    model: Model | None
    positions: Positions
    findings: list[Finding]
    complete: bool = True  # False: unreadable, or fields in error were left out of the model


@dataclass(frozen=True, slots=True)
class Item(Generic[T]):
    """A model with the place it was read from; `base` is its path inside the file."""

    model: T
    positions: Positions
    base: PathKey = ()

    @property
    def path(self) -> str:
        return self.positions.path

    def at(self, *sub: str | int, key: bool = False) -> Location:
        return self.positions.at(*self.base, *sub, key=key)


@dataclass(slots=True)
class Project:
    """A whole data set: configuration, working goals, measures and revisions."""

    label: str
    config: Config
    config_item: Item[Config] | None = None  # None: no isek.yaml, the default setup applies
    goals: list[Item[Goal]] = field(default_factory=list)
    measures: list[Item[Measure]] = field(default_factory=list)
    revisions: list[Item[Revision]] = field(default_factory=list)
    unreadable_measures: int = 0  # measure files that could not (fully) be read

    def goal_index(self) -> dict[str, Item[Goal]]:
        return {item.model.id: item for item in reversed(self.goals)}

    def revision(self, revision_id: str) -> Item[Revision] | None:
        return next((r for r in self.revisions if r.model.id == revision_id), None)

    def current_revision(self) -> Revision | None:
        """The latest decided revision: the one budget years and reports refer to."""
        decided = [r.model for r in self.revisions if r.model.state == "beschlossen"]
        if not decided:
            return None
        return max(decided, key=lambda r: (r.decided_on or date.min, r.id))

    def served_goals(self, also: Iterable[Goal] = ()) -> set[str]:
        """Goals served by a measure directly or through a goal below or contributing to them.

        A goal served through its sub-goals counts as served at every level above. The
        links are those of the working goals, and of `also` (e.g. a decided revision's goals).
        """
        links: dict[str, list[str]] = defaultdict(list)
        for goal in [item.model for item in self.goals] + list(also):
            links[goal.id].extend(([goal.parent] if goal.parent else []) + goal.contributes_to)
        served: set[str] = set()
        stack = [goal for m in self.measures for goal in m.model.goals]
        while stack:
            goal_id = stack.pop()
            if goal_id not in served:
                served.add(goal_id)
                stack.extend(links.get(goal_id, ()))
        return served

    def measure_area(self, measure: Measure) -> tuple[str | None, AreaSource]:
        """The product area of a measure (see `model.measure_area`), by the working goals."""
        goals = {goal_id: item.model for goal_id, item in self.goal_index().items()}
        return measure_area(self.config, measure, lambda g: goal_area(goals.get, g))
