"""New files that are valid from the first save: `new measure`, `new goal`, `init`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError

from ..findings import E, IsekError, Rule
from ..model import Goal, GoalsFile, Measure
from ..project import Project
from ..text import suggest
from .atomic import EXISTS
from .fmt import Layout, format_bytes, text_of
from .style import canonical, emit, model_text, to_node
from .tree import parse

INVALID_ARGUMENT = Rule("ISEK094", "invalid-argument", E, "Ein Argument ist unzulässig.",
                        "Argument korrigieren.",
                        switchable=False, stops=True)  # fmt: skip

MEASURE_SCHEMA: Final = "../../schemas/measure.schema.json"
GOALS_SCHEMA: Final = "../../schemas/goals.schema.json"
_RESERVED: Final = re.compile(r"(?i)(con|prn|aux|nul|com\d|lpt\d)(\..*)?")


def file_stem(identifier: str) -> str:
    """An id that is safe as a file name everywhere, or a stop error."""
    if _RESERVED.fullmatch(identifier) or identifier.startswith("."):
        raise INVALID_ARGUMENT.stop(
            f"`{identifier}` taugt nicht als Dateiname.", "Eine andere ID wählen.", usage=True
        )
    return identifier


def validated(model: type[Any], data: dict[str, Any]) -> Any:
    """`data` as `model`, or a stop naming the first field in error."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in first["loc"])
        raise INVALID_ARGUMENT.stop(
            f"Ungültige Angabe für `{field}`: {first['msg']}", usage=True
        ) from None


def _known_ids(project: Project) -> set[str]:
    ids = {g.model.id for g in project.goals} | {m.model.id for m in project.measures}
    ids |= {i.id for g in project.goals for i in g.model.indicators}
    return ids


def _refuse_taken(project: Project, identifier: str) -> None:
    if identifier in _known_ids(project):
        raise EXISTS.stop(
            f"Die ID `{identifier}` ist schon vergeben.",
            "IDs sind dauerhaft eindeutig; eine neue ID wählen.",
        )


def _must_exist(value: str, options: list[str], what: str) -> None:
    if value not in options:
        raise INVALID_ARGUMENT.stop(
            f"{what} `{value}` gibt es nicht.", suggest(value, options), usage=True
        )


def new_measure(
    project: Project,
    identifier: str,
    *,
    title: str,
    goals: list[str],
    department: str,
    status: str | None = None,
) -> tuple[str, str]:
    """(relative path, file text) of a new measure; every reference checked first."""
    config = project.config
    measure: Measure = validated(
        Measure,
        {"id": identifier, "title": title, "goals": goals, "department": department,
         "status": status or config.status_ids()[0]},
    )  # fmt: skip
    file_stem(measure.id)
    _refuse_taken(project, measure.id)
    known_goals = [g.model.id for g in project.goals]
    for goal in measure.goals:
        _must_exist(goal, known_goals, "Das Ziel")
    if config.departments is not None:
        _must_exist(measure.department, list(config.departments), "Den Fachdienst")
    _must_exist(measure.status, config.status_ids(), "Den Status")
    return f"data/measures/{measure.id}.yaml", model_text(measure, schema=MEASURE_SCHEMA)


@dataclass(frozen=True, slots=True)
class GoalPlacement:
    path: str  # relative path of the goals file
    text: str  # its complete new text
    original: bytes | None  # its bytes before, None for a new file
    data: bytes = b""  # its complete new bytes (byte order mark and line ends as before)


def new_goal(
    project: Project,
    root: Path,
    identifier: str,
    *,
    title: str,
    level: str,
    product_area: str | None = None,
    parent: str | None = None,
    file: str | None = None,
) -> GoalPlacement:
    """The goals file that gets the new goal, appended at its end, comments kept."""
    config = project.config
    goal: Goal = validated(
        Goal,
        {
            "id": identifier,
            "title": title,
            "level": level,
            "product_area": product_area,
            "parent": parent,
        },
    )
    _refuse_taken(project, goal.id)
    _must_exist(goal.level, [lv.id for lv in config.levels], "Die Ebene")
    chosen = config.level(goal.level)
    if chosen and chosen.requires_product_area and goal.product_area is None:
        raise INVALID_ARGUMENT.stop(
            f"Die Ebene „{chosen.name}“ verlangt einen Produktbereich.",
            "--product-area angeben.",
            usage=True,
        )
    if goal.product_area is not None and config.product_area_key(goal.product_area) is None:
        _must_exist(goal.product_area, list(config.product_areas), "Den Produktbereich")
    if goal.parent is not None:
        _must_exist(goal.parent, [g.model.id for g in project.goals], "Das übergeordnete Ziel")
    target = _goals_file(project, goal, file)
    path = root / target
    if not path.exists():
        return GoalPlacement(target, model_text(GoalsFile(goals=[goal]), schema=GOALS_SCHEMA), None)
    original = path.read_bytes()
    tree = parse(text_of(original))
    assert tree is not None
    tree.get("goals").value.append(to_node(goal))  # type: ignore[union-attr]
    canonical(tree, GoalsFile)
    formatted = format_bytes(target, Layout.of(original).encode(emit(tree)))
    if formatted.output is None:
        raise IsekError(formatted.problem) if formatted.problem else RuntimeError(target)
    return GoalPlacement(target, formatted.output.decode("utf-8-sig"), original, formatted.output)


def _goals_file(project: Project, goal: Goal, file: str | None) -> str:
    if file:
        name = file if file.endswith((".yaml", ".yml")) else f"{file}.yaml"
        if "/" in name or "\\" in name or name.startswith("."):
            raise INVALID_ARGUMENT.stop(f"`{file}` ist kein Dateiname in data/goals/.", usage=True)
        return f"data/goals/{name}"
    same_place = [
        g.path
        for g in project.goals
        if g.model.level == goal.level and g.model.product_area == goal.product_area
    ]
    same_level = [g.path for g in project.goals if g.model.level == goal.level]
    for candidates in (same_place, same_level):
        if candidates:
            return candidates[0]
    return "data/goals/ziele.yaml"
