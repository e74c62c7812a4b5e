"""New and changed items that are valid from the first save: `new measure`, `new goal`,
`new report`, and a new department in isek.yaml.

Every answer can be checked on its own (`check_*`, `choose`), so the command line can
ask again at once; the builders check everything again together. Files that exist are
edited on the comment-keeping tree (`tree.py`): comments, byte order mark and line
ends stay, and the file is written in the canonical layout, as `isekctl fmt` would.
Nothing is returned for writing unless the new file reads back valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ValidationError

from ..dates import PartialDate, parse_date
from ..findings import E, Finding, IsekError, Rule
from ..kinds import FileKind
from ..model import ID_PATTERN, BudgetLine, Config, Goal, GoalsFile, Measure, StatusReport, model_of
from ..project import Project
from ..text import did_you_mean, reserved_file_name
from .atomic import EXISTS, data_target
from .choices import Option, find, fold
from .fmt import Layout, text_of
from .style import canonical, emit, model_text, to_node
from .tree import MAPPING, SEQUENCE, Node, Unsafe, read

INVALID_ARGUMENT = Rule("ISEK094", "invalid-argument", E, "Ein Argument ist unzulässig.",
                        "Argument korrigieren.",
                        switchable=False, stops=True)  # fmt: skip

MEASURE_SCHEMA: Final = "../../schemas/measure.schema.json"
GOALS_SCHEMA: Final = "../../schemas/goals.schema.json"
_ID: Final = re.compile(ID_PATTERN)
# statuses after which the office is asked about the Ampel (ids and names, folded)
BAD_STATUS_WORDS: Final = ("verzoeger", "zurueckgestellt", "gestoppt", "abgebrochen", "gefaehrdet")
RATINGS: Final = [Option("gruen", "grün"), Option("gelb", "gelb"), Option("rot", "rot")]
KINDS: Final = [
    Option("investition", "Investition"),
    Option("aufwand", "Aufwand"),
    Option("personal", "Personal"),
]
LABELS: Final = {
    "id": "ID", "title": "Titel", "goals": "Ziele", "department": "Fachdienst",
    "status": "Status", "start": "Beginn", "end": "Ende", "budget": "Haushaltsansatz",
    "year": "Jahr", "kind": "Art", "amount": "Betrag", "date": "Datum", "text": "Text",
    "rating": "Ampel", "rating_reason": "Begründung der Ampel", "level": "Ebene",
    "product_area": "Produktbereich", "parent": "übergeordnetes Ziel",
}  # fmt: skip


def _stop(message: str, hint: str | None = None) -> IsekError:
    return INVALID_ARGUMENT.stop(message, hint, usage=True)


def file_stem(identifier: str) -> str:
    """An id that is safe as a file name everywhere, or a stop error."""
    if reserved_file_name(identifier):
        raise _stop(f"`{identifier}` taugt nicht als Dateiname.", "Eine andere ID wählen.")
    return identifier


def validated(model: type[Any], data: dict[str, Any]) -> Any:
    """`data` as `model`, or a stop naming the first field in error (in German)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = " › ".join(
            LABELS.get(str(p), f"Nr. {p + 1}" if isinstance(p, int) else str(p))
            for p in first["loc"]
        )
        message = str(first["msg"])
        end = "" if message.endswith((".", "?", "!")) else "."
        raise _stop(f"Ungültige Angabe für {field}: {message}{end}") from None


# --- one answer at a time ------------------------------------------------------------


def goal_options(project: Project) -> list[Option]:
    return [Option(g.model.id, g.model.title) for g in project.goals]


def measure_options(project: Project) -> list[Option]:
    return [Option(m.model.id, m.model.title) for m in project.measures]


def department_options(config: Config) -> list[Option]:
    return [Option(key, name) for key, name in (config.departments or {}).items()]


def area_options(config: Config) -> list[Option]:
    return [Option(key, name) for key, name in config.product_areas.items()]


def level_options(config: Config) -> list[Option]:
    return [Option(level.id, level.name) for level in config.levels]


def status_options(config: Config) -> list[Option]:
    return [Option(status, config.status_name(status)) for status in config.status_ids()]


def choose(answer: str, options: list[Option], what: str, several: str) -> str:
    """The id `answer` means (its id, or a unique part of its name), or a stop that says
    what it could mean. `what` names one ("Das Ziel"), `several` many ("Zielen")."""
    found = find(answer, options)
    if len(found) == 1:
        return found[0].id
    if found:
        shown = "; ".join(o.label() for o in found[:8]) + (" …" if len(found) > 8 else "")
        raise _stop(f"„{answer}“ passt zu mehreren {several}: {shown}.", "Die ID angeben.")
    listed = did_you_mean(answer, {o.id: o.name for o in options})
    raise _stop(f"{what} „{answer}“ gibt es nicht.", listed)


def check_new_id(project: Project, answer: str) -> str:
    """A free id for a new goal or measure."""
    identifier = answer.strip()
    if not _ID.match(identifier) or ".." in identifier:
        raise _stop(
            f"„{identifier}“ ist keine gültige ID.",
            "Buchstaben, Ziffern, `-`, `_` und `.`, am Anfang und Ende ein Buchstabe oder eine "
            "Ziffer, z. B. DIGI-WLAN.",
        )
    file_stem(identifier)
    taken = {fold(i) for i in _known_ids(project)}
    if fold(identifier) in taken:
        raise EXISTS.stop(
            f"Die ID `{identifier}` ist schon vergeben.",
            "IDs sind dauerhaft eindeutig; eine neue ID wählen.",
        )
    return identifier


def check_title(answer: str) -> str:
    title = " ".join(answer.split())
    if not title:
        raise _stop("Der Titel fehlt.")
    return title


def check_partial_date(answer: str, what: str) -> str | None:
    """A start or end (2025, 2025-Q3, 2025-09-30 …) as written; None when left empty."""
    text = answer.strip()
    if not text:
        return None
    german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if german:
        text = f"{german[3]}-{int(german[2]):02d}-{int(german[1]):02d}"
    try:
        PartialDate.parse(text)
    except ValueError as exc:
        raise _stop(f"{what}: {exc}.") from None
    return text


def check_day(answer: str, today: date) -> date:
    """The day of a status report: JJJJ-MM-TT or TT.MM.JJJJ, not in the future."""
    text = answer.strip()
    german = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if german:
        text = f"{german[3]}-{int(german[2]):02d}-{int(german[1]):02d}"
    try:
        day = parse_date(text)
    except ValueError as exc:
        raise _stop(f"Datum: {exc}.", "Zum Beispiel 2026-11-27 oder 27.11.2026.") from None
    if day > today:
        raise _stop(
            f"Der {day:%d.%m.%Y} liegt in der Zukunft.",
            "Ein Statusbericht trägt den Tag, an dem berichtet wurde.",
        )
    return day


def check_budget_line(answer: str) -> dict[str, Any]:
    """`2025 investition 50000` (the kind may be shortened: inv, auf, pers) as a budget line."""
    parts = answer.replace(";", " ").split()
    if len(parts) != 3:
        raise _stop(
            f"„{answer}“ ist kein Haushaltsansatz.",
            "Jahr, Art und Betrag in Euro, z. B. 2025 investition 50000.",
        )
    year, kind, amount = parts
    kinds = [o for o in KINDS if o.id.startswith(fold(kind)) or fold(o.name).startswith(fold(kind))]
    if len(kinds) != 1:
        raise _stop(f"Art „{kind}“ gibt es nicht.", "investition, aufwand oder personal.")
    line = {"year": year, "kind": kinds[0].id, "amount": amount}
    validated(BudgetLine, line)
    return line


def is_bad(status: str, config: Config) -> bool:
    """Does this status call for a look at the Ampel (verzögert, zurückgestellt …)?"""
    words = f"{fold(status)} {fold(config.status_name(status))}"
    return any(word in words for word in BAD_STATUS_WORDS)


# --- building and editing files --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Edit:
    """A data file to write: its path, its bytes before (None: a new file) and after."""

    path: str
    original: bytes | None
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8-sig")


def new_measure(
    project: Project,
    identifier: str,
    *,
    title: str,
    goals: list[str],
    department: str,
    status: str | None = None,
    start: str | None = None,
    end: str | None = None,
    budget: list[dict[str, Any]] | None = None,
    new_departments: dict[str, str] | None = None,
) -> Edit:
    """A new measure file; every reference checked, goals and department also by name."""
    config = project.config
    identifier = check_new_id(project, identifier)
    goal_ids = [choose(g, goal_options(project), "Das Ziel", "Zielen") for g in goals]
    if not goal_ids:
        raise _stop("Mindestens ein Ziel angeben.")
    departments = [
        *department_options(config),
        *(Option(k, n) for k, n in (new_departments or {}).items()),
    ]
    if config.departments is not None:
        department = choose(department, departments, "Den Fachdienst", "Fachdiensten")
    chosen = choose(status, status_options(config), "Den Status", "Status") if status else None
    measure: Measure = validated(
        Measure,
        {"id": identifier, "title": check_title(title), "goals": goal_ids, "department": department,
         "status": chosen or config.status_ids()[0], "start": start, "end": end,
         "budget": budget or []},
    )  # fmt: skip
    if measure.start and measure.end and measure.start.first > measure.end.last:
        raise _stop(f"Der Beginn {measure.start} liegt nach dem Ende {measure.end}.")
    path = f"data/measures/{measure.id}.yaml"
    return Edit(path, None, model_text(measure, schema=MEASURE_SCHEMA).encode("utf-8"))


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
) -> Edit:
    """The goals file that gets the new goal, appended at its end, comments kept."""
    config = project.config
    identifier = check_new_id(project, identifier)
    level = choose(level, level_options(config), "Die Ebene", "Ebenen")
    chosen = config.level(level)
    if product_area is not None:
        product_area = config.product_area_key(product_area) or choose(
            product_area, area_options(config), "Den Produktbereich", "Produktbereichen"
        )
    if chosen and chosen.requires_product_area and product_area is None:
        raise _stop(
            f"Die Ebene „{chosen.name}“ verlangt einen Produktbereich.", "--product-area angeben."
        )
    if parent is not None:
        parent = choose(parent, goal_options(project), "Das übergeordnete Ziel", "Zielen")
    goal: Goal = validated(
        Goal,
        {"id": identifier, "title": check_title(title), "level": level,
         "product_area": product_area, "parent": parent},
    )  # fmt: skip
    target = _goals_file(project, goal, file)
    if not (root / target).exists():
        text = model_text(GoalsFile(goals=[goal]), schema=GOALS_SCHEMA)
        return Edit(target, None, text.encode("utf-8"))

    def append(tree: Node) -> None:
        goals = tree.get("goals")
        if goals is None or goals.kind != SEQUENCE:
            raise _stop(f"{target} hat keine Liste `goals:`.")
        goals.value.append(to_node(goal))

    return edit_file(root, target, append)


def _goals_file(project: Project, goal: Goal, file: str | None) -> str:
    if file:
        name = file if file.endswith((".yaml", ".yml")) else f"{file}.yaml"
        if "/" in name or "\\" in name or name.startswith("."):
            raise _stop(f"`{file}` ist kein Dateiname in data/goals/.")
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


def new_report(
    project: Project,
    root: Path,
    measure: str,
    *,
    day: date,
    status: str,
    text: str,
    rating: str | None = None,
    rating_reason: str | None = None,
) -> Edit:
    """The measure's file with a new Statusbericht (in date order), its status set to the
    report's, and the Ampel changed when asked; comments and layout kept."""
    config = project.config
    measure_id = choose(measure, measure_options(project), "Die Maßnahme", "Maßnahmen")
    item = next(m for m in project.measures if m.model.id == measure_id)
    status = choose(status, status_options(config), "Den Status", "Status")
    body = text.strip()
    if not body:
        raise _stop("Der Text des Statusberichts fehlt.")
    report: StatusReport = validated(StatusReport, {"date": day, "status": status, "text": body})
    if rating is not None:
        rating = choose(rating, RATINGS, "Die Ampel", "Ampeln")
        reason = rating_reason or item.model.rating_reason
        if rating in ("gelb", "rot") and not (reason or "").strip():
            raise _stop(f"Die Ampel {rating} braucht eine Begründung.", "--rating-reason angeben.")

    def add(tree: Node) -> None:
        if tree.kind != MAPPING:
            raise _stop(f"{item.path} ist keine Maßnahme.")
        order = list(Measure.model_fields)
        reports = tree.get("reports")
        if reports is None or reports.kind != SEQUENCE:
            reports = Node(SEQUENCE, [])
            tree.put("reports", reports, order)
        position = len(reports.value)
        for index, existing in enumerate(item.model.reports):
            if existing.date > report.date and index < len(reports.value):
                position = index
                break
        reports.value.insert(position, to_node(report))
        tree.put("status", to_node(status, field="status"), order)
        if rating is not None:
            tree.put("rating", to_node(rating), order)
        if rating_reason:
            tree.put("rating_reason", to_node(rating_reason.strip()), order)

    return edit_file(root, item.path, add)


def add_department(root: Path, key: str, name: str) -> Edit:
    """isek.yaml with a new department (key and name) at the end of `departments:`."""
    key, name = " ".join(key.split()), " ".join(name.split())
    if not key or not name:
        raise _stop("Kürzel und Name des Fachdienstes angeben.")

    def add(tree: Node) -> None:
        departments = tree.get("departments")
        if departments is None or departments.kind != MAPPING:
            departments = Node(MAPPING, [])
            tree.put("departments", departments, list(Config.model_fields))
        if any(fold(k) == fold(key) for k in departments.names()):
            raise _stop(f"Den Fachdienst `{key}` gibt es schon.")
        departments.put(key, to_node(name))

    return edit_file(root, "isek.yaml", add)


def edit_file(root: Path, relative: str, change: Callable[[Node], None]) -> Edit:
    """Apply `change` to the tree of a data file; the new bytes, checked to read back valid."""
    kind = FileKind.of_path(relative)
    target = data_target(root, relative)
    original = target.read_bytes()
    text = text_of(original)
    try:
        tree, found = read(text)
        if tree is None:
            raise _stop(f"{relative} ist leer.")
        change(tree)
        canonical(tree, model_of(kind) if kind else None)
    except Unsafe as exc:
        raise _stop(
            f"{relative}, Zeile {exc.line}: {exc.message} Die Datei bleibt unverändert.",
            "Die Stelle mit `isekctl fmt` prüfen oder den Kommentar in eine eigene Zeile setzen.",
        ) from None
    output = emit(tree)
    data = Layout.of(original).encode(output)
    _refuse_invalid(relative, data, kind)
    if sorted(read(output)[1]) != sorted(found):
        raise _stop(f"Ein Kommentar in {relative} ginge verloren; die Datei bleibt unverändert.")
    return Edit(relative, original, data)


def _refuse_invalid(relative: str, data: bytes, kind: FileKind | None) -> None:
    from ..reading.pipeline import process_file

    if kind is None:
        raise _stop(f"{relative} ist keine Datendatei.")
    result = process_file(relative, kind, data)
    errors: list[Finding] = [f for f in result.findings if f.severity is E]
    if errors or not isinstance(result.model, BaseModel):
        raise INVALID_ARGUMENT.stop(
            f"Nach der Änderung wäre {relative} ungültig; die Datei bleibt unverändert.",
            path=relative,
            details=errors,
            usage=True,
        )


def _known_ids(project: Project) -> set[str]:
    ids = {g.model.id for g in project.goals} | {m.model.id for m in project.measures}
    ids |= {i.id for g in project.goals for i in g.model.indicators}
    return ids
