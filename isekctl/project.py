"""One file to a validated model, and all files to a `Project`.

Schema errors from pydantic become findings at the line and column of the key or
value they concern, in German, with a "did you mean" hint where a typo is likely.
Every item of the project remembers its file and where it sits in it, so the
cross-file checks can point at the exact line without touching YAML again.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .diagnostics import Finding, Location, finding
from .german import without_umlauts
from .model import (
    ERROR_CODES,
    FILE_MODELS,
    Config,
    Goal,
    GoalsFile,
    Measure,
    Model,
    Revision,
    model_in,
)
from .yamlio import Document, PathKey, Position, locate
from .yamlio import load as load_yaml

T = TypeVar("T")

KIND_NAMES: Final = {
    "config": "Konfiguration",
    "goals": "Zieldatei",
    "measure": "Maßnahme",
    "revision": "Revision",
}
_ROOT_HINTS: Final = {
    "config": "isek.yaml beginnt mit `municipality: …` und `levels:`.",
    "goals": "Eine Zieldatei beginnt mit `goals:`; die Ziele stehen eingerückt darunter als Liste.",
    "measure": "Eine Maßnahmendatei beginnt mit `id: …`, `title: …` (eine Maßnahme je Datei).",
    "revision": "Eine Revisionsdatei beginnt mit `id: …`, `title: …`, `state: …`.",
}


@dataclass(slots=True)
class Positions:
    """Where each value and key of one file is written (1-based).

    The tables are filled on first use by parsing the file again: clean files,
    the vast majority, never need them, so they are neither built nor cached.
    """

    path: str
    values: dict[PathKey, Position] | None = None
    keys: dict[PathKey, Position] | None = None
    reader: Callable[[], bytes | Finding] | None = field(default=None, repr=False, compare=False)

    def tables(self) -> tuple[dict[PathKey, Position], dict[PathKey, Position]]:
        if self.values is None or self.keys is None:
            self.values, self.keys = {}, {}
            raw = self.reader() if self.reader is not None else None
            if isinstance(raw, bytes):
                document, _ = load_yaml(raw, self.path)
                if document is not None:
                    self.values, self.keys = document.values, document.keys
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
    kind: str
    model: Model | None
    positions: Positions
    findings: list[Finding]


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
    config: Config | None
    config_item: Item[Config] | None = None
    goals: list[Item[Goal]] = field(default_factory=list)
    measures: list[Item[Measure]] = field(default_factory=list)
    revisions: list[Item[Revision]] = field(default_factory=list)
    default_config: bool = False
    unreadable_measures: int = 0

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


def read_file(path: str, kind: str, data: Any, positions: Positions) -> FileResult:
    """Validate one file's data against the model of its kind.

    A file with schema errors still takes part in the cross-file checks when the
    fields in error are optional: they are left out of its model (and reported
    once, here), so one run shows every problem instead of one at a time.
    """
    model_class = FILE_MODELS[kind]
    try:
        model = model_class.model_validate(data)
    except ValidationError as exc:
        document = Document(data, *positions.tables())
        partial = _without_errors(model_class, data, exc)
        return FileResult(
            path, kind, partial, positions, schema_findings(exc, document, path, kind)
        )
    return FileResult(path, kind, model, positions, [])


def _without_errors(model_class: type[Model], data: Any, exc: ValidationError) -> Model | None:
    """The model of `data` with every optional field in error removed, or None."""
    import copy

    trimmed = copy.deepcopy(data)
    for error in exc.errors(include_url=False, include_input=False):
        if not _remove_optional(model_class, trimmed, tuple(error["loc"])):
            return None  # a required field is wrong: there is no sensible partial model
    try:
        return model_class.model_validate(trimmed)
    except ValidationError:
        return None


def _remove_optional(model: Any, node: Any, loc: PathKey) -> bool:
    """Delete the outermost optional field on `loc`; False when only required ones lead there."""
    for step in loc:
        if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            continue
        if not (
            isinstance(node, dict) and isinstance(model, type) and issubclass(model, BaseModel)
        ):
            return False
        fields = model.model_fields
        if step not in fields:  # an unknown key: drop it
            node.pop(step, None)
            return True
        if not fields[step].is_required():
            node.pop(step, None)
            return True
        if step not in node:
            return False
        node, model = node[step], model_in(fields[step].annotation)
    return False


def schema_findings(
    exc: ValidationError, document: Document, path: str, kind: str
) -> list[Finding]:
    found: dict[tuple[Location, str], Finding] = {}
    model_class = FILE_MODELS[kind]
    errors = exc.errors(include_url=False, include_context=True, include_input=True)
    # a typo (`titel`) also makes its field (`title`) missing: report the typo only
    meant = {
        (*error["loc"][:-1], closest)
        for error in errors
        if error["type"] == "extra_forbidden"
        and (
            closest := _closest(
                str(error["loc"][-1]), _fields_at(model_class, tuple(error["loc"][:-1]))
            )
        )
    }
    for error in errors:
        if error["type"] == "missing" and tuple(error["loc"]) in meant:
            continue
        item = _schema_finding(error, document, path, kind, model_class)
        found.setdefault((item.location, item.code), item)
    return list(found.values())


def _schema_finding(
    error: Any, document: Document, path: str, kind: str, model_class: type[BaseModel]
) -> Finding:
    loc: PathKey = tuple(error["loc"])
    data_loc = _data_path(document.data, loc)
    kind_of_error: str = error["type"]
    code = ERROR_CODES.get(kind_of_error, "ISEK013")
    if not data_loc and kind_of_error in ("model_attributes_type", "model_type", "dict_type"):
        found = "eine Liste" if isinstance(document.data, list) else "ein einzelner Wert"
        return finding(
            "ISEK014",
            Location(path, 1, 1),
            f"Die {KIND_NAMES[kind]} muss aus Feldern bestehen (`feld: wert`), sie ist {found}.",
            _ROOT_HINTS[kind],
        )
    if kind_of_error == "extra_forbidden":
        name = str(loc[-1])
        line, col = document.position(data_loc, key=True)
        allowed = list(_fields_at(model_class, loc[:-1]))
        return finding(
            code,
            Location(path, line, col),
            f"Unbekanntes Feld `{name}`.",
            _did_you_mean(name, allowed),
        )
    line, col = document.position(data_loc)
    if kind_of_error == "missing":
        name = str(loc[-1])
        return finding(
            code,
            Location(path, line, col),
            f"Pflichtfeld `{name}` fehlt.",
            f"Ergänzen: `{name}: …`.",
        )
    field_name = next(
        (str(p) for p in reversed(loc) if isinstance(p, str) and not p.startswith("[")), ""
    )
    where = f"`{field_name}`: " if field_name else ""
    message, hint = _describe(error, kind_of_error)
    return finding(code, Location(path, line, col), f"{where}{message}", hint)


def _data_path(data: Any, loc: PathKey) -> PathKey:
    """The part of a pydantic `loc` that exists in the data (drops union tags, missing keys)."""
    node, steps = data, []
    for step in loc:
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if in_list or (isinstance(node, dict) and step in node):
            node = node[step]
            steps.append(step)
    return tuple(steps)


def _fields_at(model_class: type[BaseModel], loc: PathKey) -> list[str]:
    """The field names allowed at `loc`, found by walking the model's annotations."""
    current: Any = model_class
    for part in loc:
        if isinstance(part, int):
            continue
        if (
            isinstance(current, type)
            and issubclass(current, BaseModel)
            and part in current.model_fields
        ):
            current = model_in(current.model_fields[part].annotation)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _closest(value: str, options: list[str]) -> str | None:
    """The option `value` was probably meant to be (umlauts and case forgiven)."""
    close = difflib.get_close_matches(without_umlauts(value), options, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(value.lower(), options, n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(value: str, options: list[str]) -> str | None:
    """A "Meinten Sie …?" for a near miss; the full list only when it is short."""
    if not options:
        return None
    closest = _closest(value, options)
    if closest:
        return f"Meinten Sie `{closest}`?"
    if len(options) > 12:
        return None
    return "Erlaubt sind: " + ", ".join(f"`{o}`" for o in options) + "."


def suggest(value: str, options: list[str]) -> str | None:
    """A "did you mean" hint for a value that should be one of `options`."""
    return _did_you_mean(value, sorted(options))


_MESSAGES: Final = {
    "list_type": (
        "Liste erwartet.",
        "Mehrere Werte als Liste schreiben: [A, B] oder je Zeile `- A`.",
    ),
    "dict_type": ("Zuordnung mit Feldern erwartet (`feld: wert`).", None),
    "model_type": ("Zuordnung mit Feldern erwartet (`feld: wert`).", None),
    "model_attributes_type": ("Zuordnung mit Feldern erwartet (`feld: wert`).", None),
    "too_short": ("Hier ist mindestens ein Eintrag nötig.", None),
    "greater_than_equal": ("Der Wert ist zu klein.", None),
    "less_than_equal": ("Der Wert ist zu groß.", None),
    "single_line": ("Der Text muss einzeilig sein.", "Zeilenumbrüche entfernen."),
}


def _describe(error: Any, kind_of_error: str) -> tuple[str, str | None]:
    if kind_of_error == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", ""))
        options = [
            o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",") if o.strip()
        ]
        value = error.get("input")
        shown = f"`{value}`" if isinstance(value, str) else "Dieser Wert"
        hint = _did_you_mean(value, options) if isinstance(value, str) else None
        return f"{shown} ist nicht erlaubt; erlaubt sind: {', '.join(options)}.", hint
    if kind_of_error in _MESSAGES:
        return _MESSAGES[kind_of_error]
    message = str(error.get("msg", "ungültiger Wert"))
    return (message if message.endswith((".", "?")) else message + "."), None


def assemble(label: str, results: list[FileResult], default_config: Config | None) -> Project:
    """Put the valid parts of all files together; invalid files were already reported."""
    project = Project(label, default_config, default_config=True)
    for result in results:
        model = result.model
        if result.kind == "measure" and any(f.code < "ISEK020" for f in result.findings):
            project.unreadable_measures += 1  # unread or partly read: its goal links are uncertain
        if model is None:
            if result.kind == "config":
                project.config, project.default_config = None, False
            continue
        if isinstance(model, Config):
            project.config, project.default_config = model, False
            project.config_item = Item(model, result.positions)
        elif isinstance(model, GoalsFile):
            project.goals.extend(
                Item(g, result.positions, ("goals", i)) for i, g in enumerate(model.goals)
            )
        elif isinstance(model, Measure):
            project.measures.append(Item(model, result.positions))
        elif isinstance(model, Revision):
            project.revisions.append(Item(model, result.positions))
    return project
