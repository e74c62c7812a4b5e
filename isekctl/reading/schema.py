"""pydantic's schema errors as findings: German, at the key or value they concern.

A "did you mean" hint is given where a typo is likely; the model's custom types
raise errors whose type names the rule (`isek_date` -> ISEK050 …), so a bad date
is reported as a date problem, not as a generic wrong value.
"""

from __future__ import annotations

import copy
from typing import Any, Final

from pydantic import BaseModel, ValidationError

from ..findings import E, Finding, Location, Rule
from ..kinds import FileKind
from ..model import Model, model_in, model_of
from ..project import FileResult, PathKey, Positions
from ..text import closest, did_you_mean
from .yaml import Document

MISSING_FIELD = Rule(
    "ISEK011", "missing-field", E, "Ein Pflichtfeld fehlt.", "Feld ergänzen.", switchable=False
)
UNKNOWN_KEY = Rule(
    "ISEK012",
    "unknown-key",
    E,
    "Unbekanntes Feld (Tippfehler?).",
    "Feldnamen korrigieren (Vorschlag im Hinweis).",
    switchable=False,
)
WRONG_TYPE = Rule(
    "ISEK013",
    "wrong-type",
    E,
    "Falscher Typ oder ungültiger Wert.",
    "Wert in der erwarteten Form schreiben (Hinweis nennt die erlaubten Werte).",
    switchable=False,
)
WRONG_ROOT = Rule(
    "ISEK014",
    "wrong-root",
    E,
    "Die Datei hat nicht die erwartete Grundform.",
    "Maßnahme/Revision: `feld: wert`-Zeilen; Zieldatei: Liste unter `goals:`.",
    switchable=False,
)
INVALID_ID = Rule(
    "ISEK015",
    "invalid-id",
    E,
    "Eine ID enthält unzulässige Zeichen.",
    "Nur Buchstaben, Ziffern, `-`, `_`, `.`.",
    switchable=False,
)
INVALID_DATE = Rule(
    "ISEK050",
    "invalid-date",
    E,
    "Ein Datum ist nicht wohlgeformt.",
    "`2021`, `2021-09`, `2021-Q3`, `2021-H1` oder `2021-09-30` schreiben.",
)
NEGATIVE_AMOUNT = Rule(
    "ISEK054", "negative-amount", E, "Ein Haushaltsansatz ist negativ.", "Betrag ≥ 0 eintragen."
)
SDG_RANGE = Rule(
    "ISEK057",
    "sdg-range",
    E,
    "Ein SDG liegt nicht zwischen 1 und 17.",
    "SDG-Nummer 1–17 verwenden.",
)
AMOUNT_FORMAT = Rule("ISEK058", "amount-format", E, "Ein Betrag ist nicht als ganze Euro geschrieben.",
                     "Ganze Euro ohne Tausenderpunkte (`1500`), Cent mit Punkt (`1500.50`).")  # fmt: skip

# pydantic error type (the model's custom types name theirs) -> rule; anything else is ISEK013
RULES_BY_ERROR: Final = {
    "missing": MISSING_FIELD,
    "extra_forbidden": UNKNOWN_KEY,
    "isek_id": INVALID_ID,
    "isek_date": INVALID_DATE,
    "isek_amount": AMOUNT_FORMAT,
    "isek_negative": NEGATIVE_AMOUNT,
    "isek_sdg": SDG_RANGE,
}


def read_file(path: str, kind: FileKind, data: Any, positions: Positions) -> FileResult:
    """Validate one file's data against the model of its kind.

    A file with schema errors still takes part in the cross-file checks when the
    fields in error are optional: they are left out of its model (and reported
    once, here), so one run shows every problem instead of one at a time.
    """
    model_class = model_of(kind)
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
    exc: ValidationError, document: Document, path: str, kind: FileKind
) -> list[Finding]:
    found: dict[tuple[Location, str], Finding] = {}
    model_class = model_of(kind)
    errors = exc.errors(include_url=False, include_context=True, include_input=True)
    # a typo (`titel`) also makes its field (`title`) missing: report the typo only
    meant = {
        (*error["loc"][:-1], meant_field)
        for error in errors
        if error["type"] == "extra_forbidden"
        and (
            meant_field := closest(
                str(error["loc"][-1]),
                _fields_at(model_class, tuple(error["loc"][:-1])),
                FIELD_NAMES,
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
    error: Any, document: Document, path: str, kind: FileKind, model_class: type[BaseModel]
) -> Finding:
    loc: PathKey = tuple(error["loc"])
    data_loc = _data_path(document.data, loc)
    kind_of_error: str = error["type"]
    rule = RULES_BY_ERROR.get(kind_of_error, WRONG_TYPE)
    if not data_loc and kind_of_error in ("model_attributes_type", "model_type", "dict_type"):
        found = "eine Liste" if isinstance(document.data, list) else "ein einzelner Wert"
        return WRONG_ROOT.at(
            Location(path, 1, 1),
            f"Die {kind.german} muss aus Feldern bestehen (`feld: wert`), sie ist {found}.",
            kind.root_hint,
        )
    if kind_of_error == "extra_forbidden":
        name = str(loc[-1])
        line, col = document.position(data_loc, key=True)
        allowed = {field: FIELD_NAMES.get(field, "") for field in _fields_at(model_class, loc[:-1])}
        return rule.at(
            Location(path, line, col),
            f"Unbekanntes Feld `{name}`.",
            did_you_mean(name, allowed, limit=25),
        )
    line, col = document.position(data_loc)
    if kind_of_error == "missing":
        name = str(loc[-1])
        return rule.at(
            Location(path, line, col),
            f"Pflichtfeld `{name}` fehlt.",
            f"Ergänzen: `{name}: …`.",
        )
    field_name = next(
        (str(p) for p in reversed(loc) if isinstance(p, str) and not p.startswith("[")), ""
    )
    where = f"`{field_name}`: " if field_name else ""
    message, hint = _describe(error, kind_of_error)
    return rule.at(Location(path, line, col), f"{where}{message}", hint)


# The German words for the field names, so that a hint can list them with their meaning
# and `beschreibung:` is recognised as `description:`.
FIELD_NAMES: Final = {
    "id": "Kennung", "title": "Titel", "goals": "Ziele", "department": "Fachdienst",
    "decided_by": "beschlossen von", "status": "Umsetzungsstand", "rating": "Ampel",
    "rating_reason": "Begründung der Ampel", "term": "Fristigkeit", "start": "Beginn", "end": "Ende",
    "description": "Beschreibung", "product_area": "Produktbereich", "product": "Produkt",
    "budget": "Haushaltsansätze", "resolutions": "Beschlüsse", "sdgs": "Nachhaltigkeitsziele",
    "themes": "Themen", "reports": "Statusberichte", "assumptions": "Annahmen", "level": "Ebene",
    "parent": "übergeordnetes Ziel", "contributes_to": "trägt bei zu", "replaces": "führt fort",
    "rationale": "Begründung", "indicators": "Kennzahlen", "state": "Stand",
    "decided_on": "beschlossen am", "resolution": "Drucksache", "budget_years": "Haushaltsjahre",
    "measures": "Maßnahmen", "year": "Jahr", "kind": "Art", "amount": "Betrag", "actual": "Ist",
    "date": "Datum", "text": "Sachstand", "name": "Name", "unit": "Einheit",
    "source": "Quelle", "baseline": "Ausgangswert", "target": "Zielwert",
    "target_path": "Sollwerte", "values": "Messwerte", "value": "Wert", "comparison": "Vergleich",
    "municipality": "Kommune", "levels": "Zielebenen", "product_areas": "Produktbereiche",
    "departments": "Fachdienste", "statuses": "Status-Vokabular",
    "done_statuses": "Status, die erledigt bedeuten", "stale_after_months": "Berichtsfrist in Monaten",
    "checks": "Prüfungen", "items": "Einträge", "number": "Nummer", "body": "Gremium",
}  # fmt: skip


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
        meant = closest(value, options) if isinstance(value, str) else None
        hint = f"Meinten Sie `{meant}`?" if meant else None
        return f"{shown} ist nicht erlaubt; erlaubt sind: {', '.join(options)}.", hint
    if kind_of_error in _MESSAGES:
        return _MESSAGES[kind_of_error]
    message = str(error.get("msg", "ungültiger Wert"))
    return (message if message.endswith((".", "?")) else message + "."), None
