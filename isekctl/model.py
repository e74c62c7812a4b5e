"""The file formats as pydantic models; field order is the canonical key order.

The loader hands every scalar over as the text that was written, so these types
decide what a value means, not YAML's implicit typing: `id: 2020` is the id
"2020", `amount: 1.500` is refused instead of becoming 1.5 €, and `no` is never
False. Custom types raise `PydanticCustomError`s with types of their own
(`isek_date`, `isek_amount` …), so the reader can report them under the right rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Final, Literal, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from .dates import DAY_PATTERN, FORMS_PATTERN, PartialDate, parse_date
from .kinds import FileKind

ID_PATTERN: Final = r"^[0-9A-Za-zÄÖÜäöüß](?:[0-9A-Za-zÄÖÜäöüß_.-]{0,78}[0-9A-Za-zÄÖÜäöüß])?$"
_ID: Final = re.compile(ID_PATTERN)
DEFAULT_STATUSES: Final = ("geplant", "laufend", "abgeschlossen", "verzoegert", "zurueckgestellt")
DEFAULT_RESOLUTION_PATTERN: Final = r"^\d{4}/\d{4}/[A-Za-z]+$"


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise PydanticCustomError(
        "string_type", "Text erwartet, gefunden: {kind}", {"kind": _kind(value)}
    )


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "eine Zuordnung (Feld: Wert)"
    if isinstance(value, list):
        return "eine Liste"
    if value is None:
        return "nichts (leerer Wert)"
    return f"`{value}`"


def _single_line(value: Any) -> str:
    text = _text(value)
    if "\n" in text.rstrip("\n"):
        raise PydanticCustomError("single_line", "Dieses Feld muss einzeilig sein")
    return text.rstrip("\n")


def _title(value: Any) -> str:
    text = _single_line(value)
    if not text.strip():
        raise PydanticCustomError("empty_text", "Der Titel darf nicht leer sein")
    return text


def _id(value: Any) -> str:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else _text(value)
    if not _ID.match(text) or ".." in text:
        raise PydanticCustomError(
            "isek_id",
            "`{id}` ist keine gültige ID: erlaubt sind Buchstaben, Ziffern, `-`, `_` und `.`, "
            "am Anfang und Ende ein Buchstabe oder eine Ziffer",
            {"id": text},
        )
    return text


def _key(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _single_line(value)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise PydanticCustomError(
        "bool_type", "Nur `true` oder `false` erlaubt, gefunden: {kind}", {"kind": _kind(value)}
    )


def _ascii_digits(text: str, error_type: str) -> None:
    """Refuse digits other than 0–9 (Arabic-Indic `٢٠٢٠`, full-width `２０２０` …).

    Python reads them as numbers (`int("٢٠٢٠") == 2020`), other tools and readers of
    the file don't; the error names the number as it should be written.
    """
    if text.isascii():
        return
    fixed = "".join(
        c if c.isascii() or unicodedata.decimal(c, None) is None else str(unicodedata.decimal(c))
        for c in text
    )
    if fixed != text:
        raise PydanticCustomError(
            error_type,
            "`{v}` enthält Ziffern, die nicht die gewöhnlichen Ziffern 0–9 sind (etwa "
            "arabisch-indische oder Vollbreiten-Ziffern) – gemeint ist wohl {fix}",
            {"v": text, "fix": fixed},
        )


def _integer(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        _ascii_digits(value, "int_type")
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,9}", value):
        return int(value)
    raise PydanticCustomError(
        "int_type", "Ganze Zahl erwartet, gefunden: {kind}", {"kind": _kind(value)}
    )


def _year(value: Any) -> int:
    year = _integer(value)
    if not 1900 <= year <= 2200:
        raise PydanticCustomError("year_range", "`{year}` ist kein plausibles Jahr", {"year": year})
    return year


def _sdg(value: Any) -> int:
    number = _integer(value)
    if not 1 <= number <= 17:
        raise PydanticCustomError(
            "isek_sdg",
            "SDG {n} gibt es nicht: die Nachhaltigkeitsziele sind 1 bis 17",
            {"n": number},
        )
    return number


def _number(value: Any) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    text = _text(value)
    _ascii_digits(text, "decimal_type")
    if re.fullmatch(r"-?[0-9]{1,15}(\.[0-9]{1,6})?", text):
        return Decimal(text)
    if re.fullmatch(r"-?[0-9]+,[0-9]+", text):
        raise PydanticCustomError(
            "decimal_type",
            "`{v}`: Dezimalpunkt statt Komma schreiben ({fix})",
            {"v": text, "fix": text.replace(",", ".")},
        )
    raise PydanticCustomError(
        "decimal_type", "Zahl erwartet, gefunden: {kind}", {"kind": _kind(value)}
    )


def _amount(value: Any) -> Decimal:
    """Euros: whole numbers or at most two decimals; `1.500` is refused, not read as 1,50 €."""
    if (isinstance(value, int) and not isinstance(value, bool)) or isinstance(value, Decimal):
        text = str(value)
    else:
        text = _text(value).strip()
    _ascii_digits(text, "isek_amount")
    negative = text.startswith("-")
    digits = text.lstrip("-")
    if re.fullmatch(r"[0-9]{1,12}(\.[0-9]{1,2})?", digits):
        if negative:
            raise PydanticCustomError("isek_negative", "Der Betrag {v} € ist negativ", {"v": text})
        return Decimal(digits)
    if re.fullmatch(r"[0-9]{1,3}([.,' _][0-9]{3})+([,.][0-9]{1,2})?", digits) or re.fullmatch(
        r"[0-9]+,[0-9]{1,2}", digits
    ):
        whole = re.sub(r"[.,' _]([0-9]{3})", r"\1", digits).replace(",", ".")
        raise PydanticCustomError(
            "isek_amount",
            "`{v}` ist kein Betrag in Euro: Tausenderpunkte weglassen, Cent mit Punkt – meinten Sie {fix}?",
            {"v": text, "fix": whole},
        )
    raise PydanticCustomError(
        "isek_amount", "`{v}` ist kein Betrag in Euro (z. B. 25000)", {"v": text}
    )


def _partial_date(value: Any) -> PartialDate:
    if isinstance(value, PartialDate):
        return value
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else _text(value)
    _ascii_digits(text, "isek_date")
    try:
        return PartialDate.parse(text)
    except ValueError as exc:
        raise PydanticCustomError("isek_date", str(exc)) from None


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    _ascii_digits(_text(value), "isek_date")
    try:
        return parse_date(_text(value))
    except ValueError as exc:
        raise PydanticCustomError("isek_date", str(exc)) from None


def plain_number(value: Decimal) -> int | float:
    """A Decimal as the JSON/YAML number a reader expects: 25000, not 25000.00 or "25000"."""
    return int(value) if value == value.to_integral_value() else float(value)


_ID_SCHEMA: Final = {"anyOf": [{"type": "string", "pattern": ID_PATTERN}, {"type": "integer"}]}
_KEY_SCHEMA: Final = {"anyOf": [{"type": "string"}, {"type": "integer"}]}

Text = Annotated[str, BeforeValidator(_text)]
SingleLine = Annotated[str, BeforeValidator(_single_line)]
Title = Annotated[
    str,
    BeforeValidator(_title),
    WithJsonSchema({"type": "string", "minLength": 1, "pattern": r"\S"}),
]
Id = Annotated[str, BeforeValidator(_id), WithJsonSchema(_ID_SCHEMA)]
Key = Annotated[str, BeforeValidator(_key), WithJsonSchema(_KEY_SCHEMA)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Year = Annotated[
    int,
    BeforeValidator(_year),
    WithJsonSchema({"type": "integer", "minimum": 1900, "maximum": 2200}),
]
Sdg = Annotated[
    int, BeforeValidator(_sdg), WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 17})
]
Number = Annotated[
    Decimal,
    BeforeValidator(_number),
    PlainSerializer(plain_number),
    WithJsonSchema({"type": "number"}),
]
Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    PlainSerializer(plain_number),
    WithJsonSchema({"type": "number", "minimum": 0, "multipleOf": 0.01}),
]
Partial = Annotated[
    PartialDate,
    BeforeValidator(_partial_date),
    PlainSerializer(str),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": FORMS_PATTERN}, {"type": "integer"}]}),
]
Date = Annotated[
    date,
    BeforeValidator(_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]


# Which of an item's values are illustrative assumptions rather than taken from a source
# (`assumptions: [sdgs, contributes_to]`): the reports mark those values as such.
ConfigField = Literal[
    "municipality", "product_areas", "departments", "department_areas", "themes", "open_data"
]
IndicatorField = Literal[
    "name",
    "unit",
    "definition",
    "source",
    "sdg_indicator",
    "baseline",
    "target",
    "target_path",
    "values",
]
GoalField = Literal[
    "title",
    "level",
    "product_area",
    "parent",
    "contributes_to",
    "replaces",
    "description",
    "rationale",
    "sdgs",
    "themes",
]
MeasureField = Literal[
    "title",
    "goals",
    "department",
    "decided_by",
    "status",
    "rating",
    "rating_reason",
    "term",
    "start",
    "end",
    "description",
    "product_area",
    "product",
    "budget",
    "resolutions",
    "sdgs",
    "themes",
    "reports",
]


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, strict=True, arbitrary_types_allowed=True
    )


# --- isek.yaml ---------------------------------------------------------------------------


class Level(Model):
    """A level of the goal system, top first (gesamtstädtisch, Produktbereich …)."""

    id: Id
    name: SingleLine
    requires_product_area: Flag = False


class Themes(Model):
    """An extra classification such as Handlungsfelder or Aktionsräume."""

    name: SingleLine
    items: dict[Key, SingleLine]


class Status(Model):
    id: Key
    name: SingleLine


class License(NamedTuple):
    """An open licence: its id in the dcat-ap.de vocabulary, German name, URL of the text."""

    vocabulary: str  # http://dcat-ap.de/def/licenses/<vocabulary>
    name: str
    url: str


# The licences of the official vocabulary (http://dcat-ap.de/def/licenses/) that suit open
# data, by the short id `open_data.license` uses (the vocabulary's own ids work too).
LICENSES: Final[dict[str, License]] = {
    "dl-de/by-2-0": License("dl-by-de/2.0", "Datenlizenz Deutschland – Namensnennung – Version 2.0",
                            "https://www.govdata.de/dl-de/by-2-0"),
    "dl-de/zero-2-0": License("dl-zero-de/2.0", "Datenlizenz Deutschland – Zero – Version 2.0",
                              "https://www.govdata.de/dl-de/zero-2-0"),
    "cc-by-4.0": License("cc-by/4.0", "Creative Commons Namensnennung 4.0 International",
                         "https://creativecommons.org/licenses/by/4.0/"),
    "cc-by-sa-4.0": License("cc-by-sa/4.0", "Creative Commons Namensnennung – Weitergabe unter "
                            "gleichen Bedingungen 4.0 International",
                            "https://creativecommons.org/licenses/by-sa/4.0/"),
    "cc-zero": License("cc-zero", "Creative Commons CC Zero 1.0 Universell",
                       "https://creativecommons.org/publicdomain/zero/1.0/"),
    "odbl": License("odbl", "Open Data Commons Open Database License (ODbL)",
                    "https://opendatacommons.org/licenses/odbl/1-0/"),
    "amtliches-werk": License("officialWork", "Amtliches Werk, lizenzfrei nach § 5 Abs. 1 UrhG",
                              "https://www.gesetze-im-internet.de/urhg/__5.html"),
}  # fmt: skip


def license_of(license_id: str) -> License | None:
    """The licence `open_data.license` names: a short id or the vocabulary's own id."""
    return LICENSES.get(license_id) or next(
        (item for item in LICENSES.values() if item.vocabulary == license_id), None
    )


class OpenData(Model):
    """Metadata for `export` (DCAT-AP.de)."""

    publisher: SingleLine | None = None
    publisher_url: SingleLine | None = None
    contact_email: SingleLine | None = None
    license: SingleLine = "dl-de/by-2-0"
    ars: SingleLine | None = None  # amtlicher Regionalschlüssel, for the geocoding URI
    base_url: SingleLine | None = None  # where the published export lives (absolute access URLs)
    contributor_id: SingleLine | None = None  # dcatde:contributorID of the publishing body


class Publish(Model):
    """What `report --kind all` puts on the public site."""

    internal_reports: Flag = False  # also publish reports meant for the administration


_STATUS_LABELS: Final = {
    "verzoegert": "verzögert",
    "zurueckgestellt": "zurückgestellt",
}
# Words that mean "done" in the status vocabularies of German administrations.
DONE_WORDS: Final = ("abgeschlossen", "erledigt", "umgesetzt", "beendet", "fertiggestellt")


class Config(Model):
    """`isek.yaml`: everything municipal that the tool must not hard-code."""

    municipality: SingleLine
    levels: Annotated[list[Level], Field(min_length=1)]
    product_areas: dict[Key, SingleLine] = {}
    departments: dict[Key, SingleLine] | None = None
    themes: Themes | None = None
    statuses: Annotated[list[Key | Status], Field(min_length=1)] = list(DEFAULT_STATUSES)
    done_statuses: list[Key] | None = None  # None: inferred from `statuses` (see `done`)
    department_areas: dict[Key, Key] = {}  # department -> product area of its measures
    resolution_pattern: SingleLine = DEFAULT_RESOLUTION_PATTERN
    resolution_url: SingleLine | None = None
    stale_after_months: Annotated[int, BeforeValidator(_integer), Field(ge=1, le=120)] = 6
    planning_horizon: Annotated[int, BeforeValidator(_integer), Field(ge=0, le=20)] = 3
    open_data: OpenData = OpenData()
    publish: Publish = Publish()
    checks: dict[Key, Literal["error", "warning", "off"]] = {}
    assumptions: list[ConfigField] = []  # settings that are illustrative, not from a source

    def status_ids(self) -> list[str]:
        return [item if isinstance(item, str) else item.id for item in self.statuses]

    def done(self) -> list[str]:
        """The statuses that count as done: as configured, else the well-known words present."""
        if self.done_statuses is not None:
            return list(self.done_statuses)
        return [s for s in self.status_ids() if s.casefold() in DONE_WORDS]

    def status_name(self, status: str) -> str:
        for item in self.statuses:
            if isinstance(item, Status) and item.id == status:
                return item.name
        return _STATUS_LABELS.get(status, status)

    def level(self, level_id: str) -> Level | None:
        return next((level for level in self.levels if level.id == level_id), None)

    def level_rank(self, level_id: str) -> int:
        """0 for the top level; larger is lower; -1 for an unknown level."""
        return next((i for i, level in enumerate(self.levels) if level.id == level_id), -1)

    def product_area_key(self, key: str | None) -> str | None:
        """The configured key meant by `key`: `12` matches "12", `1` matches "01"."""
        if key is None:
            return None
        if key in self.product_areas:
            return key
        if key.isascii() and key.isdigit():  # `١٢` is no product area 12
            return next(
                (
                    k
                    for k in self.product_areas
                    if k.isascii() and k.isdigit() and int(k) == int(key)
                ),
                None,
            )
        return None

    def product_area_of_product(self, product: str | None) -> str | None:
        """The configured product area a Produkt number of the Produktrahmen belongs to.

        The number's leading segments (split at `.`), read with and without the dots,
        are tried longest first against the configured keys (`product_area_key`, so "1"
        also finds "01"): `1.1.1.01` (Schleswig-Holstein) tries "1.1.1.01", "11101",
        "1.1.1", "111", "1.1", "11", "1"; `11.01.02` (NRW) tries … "11.01", "1101", "11";
        `51.10.01` finds a key "51.10". A number without dots (`11101`) belongs to the
        longest configured key it begins with, written exactly so.
        """
        if not product or not self.product_areas:
            return None
        text = product.strip()
        segments = text.split(".")
        if len(segments) > 1 and all(segments):
            for end in range(len(segments), 0, -1):
                for candidate in (".".join(segments[:end]), "".join(segments[:end])):
                    found = self.product_area_key(candidate)
                    if found is not None:
                        return found
            return None
        starts = [k for k in self.product_areas if text.startswith(k)]
        return max(starts, key=len) if starts else None


# --- goals -------------------------------------------------------------------------------


class Observation(Model):
    year: Year
    value: Number


class Target(Model):
    year: Year
    value: Number
    comparison: Literal["<=", ">=", "=", "<", ">"] = ">="


class Indicator(Model):
    """A Kennzahl: baseline, target, the planned value per year (Soll) and measured values (Ist)."""

    id: Id
    name: SingleLine
    unit: SingleLine | None = None
    definition: Text | None = None
    source: SingleLine | None = None
    sdg_indicator: SingleLine | None = None  # id in the "SDG-Indikatoren für Kommunen" portal
    baseline: Observation | None = None
    target: Target | None = None
    target_path: list[Observation] = []  # Soll per year on the way to the target
    values: list[Observation] = []
    assumptions: list[IndicatorField] = []


class Goal(Model):
    id: Id
    title: Title
    level: Id
    product_area: Key | None = None
    parent: Id | None = None
    contributes_to: list[Id] = []
    replaces: list[Id] = []
    description: Text | None = None
    rationale: Text | None = None  # the administration's Begründung of a proposed change
    sdgs: list[Sdg] = []
    themes: list[Key] = []
    indicators: list[Indicator] = []
    assumptions: list[GoalField] = []


class GoalsFile(Model):
    goals: list[Goal]


# --- measures ----------------------------------------------------------------------------


class BudgetLine(Model):
    """A Haushaltsansatz of one year and kind, with the Ist where it is known."""

    year: Year
    kind: Literal["investition", "aufwand", "personal"]
    amount: Amount
    actual: Amount | None = None


def _resolution_record(value: Any) -> Any:
    if (
        isinstance(value, dict)
        and not value.get("number")
        and not (value.get("body") and value.get("date"))
    ):
        raise PydanticCustomError(
            "isek_resolution",
            "Ein Beschluss ohne Drucksachennummer braucht `body` (Gremium) und `date`",
        )
    return value


class Resolution(Model):
    """A council decision as a record: a paper number, or the body and date that decided."""

    number: SingleLine | None = None
    body: SingleLine | None = None
    date: Date | None = None
    title: SingleLine | None = None
    url: SingleLine | None = None

    def __str__(self) -> str:
        """The paper number, else 'Ratsversammlung, 14.11.2023' (how a paper is cited)."""
        if self.number:
            return self.number
        day = f"{self.date.day:02d}.{self.date.month:02d}.{self.date.year}" if self.date else ""
        return ", ".join(part for part in (self.body, day) if part)


class StatusReport(Model):
    date: Date
    status: Key
    text: Text


class Measure(Model):
    id: Id
    title: Title
    goals: Annotated[list[Id], Field(min_length=1)]
    department: Key
    decided_by: Literal["selbstverwaltung", "verwaltung"] | None = None
    status: Key
    rating: Literal["gruen", "gelb", "rot"] | None = None
    rating_reason: Text | None = None
    term: Literal["kurzfristig", "mittelfristig", "langfristig"] | None = None
    start: Partial | None = None
    end: Partial | None = None
    description: Text | None = None
    product_area: Key | None = None  # overrides the area found from product, department, goal
    product: SingleLine | None = None  # Produkt number of the Produktrahmen, e.g. 1.1.1.01
    budget: list[BudgetLine] = []
    resolutions: list[SingleLine | Annotated[Resolution, BeforeValidator(_resolution_record)]] = []
    sdgs: list[Sdg] = []
    themes: list[Key] = []
    reports: list[StatusReport] = []
    assumptions: list[MeasureField] = []


AreaSource = Literal["measure", "product", "department", "goal", ""]


def goal_area(lookup: Callable[[str], Goal | None], goal_id: str) -> str | None:
    """A goal's product area: its own, else that of the nearest goal above it with one
    (an operative goal below a Produktbereichsziel belongs to that area)."""
    seen: set[str] = set()
    goal = lookup(goal_id)
    while goal is not None and goal.id not in seen:  # a parent cycle is reported elsewhere
        if goal.product_area is not None:
            return goal.product_area
        seen.add(goal.id)
        goal = lookup(goal.parent) if goal.parent else None
    return None


def measure_area(
    config: Config, measure: Measure, goal_area: Callable[[str], str | None]
) -> tuple[str | None, AreaSource]:
    """The product area a measure belongs to in the budget, and where that comes from.

    Its own `product_area`, else the area of its Produkt (`Config.product_area_of_product`),
    else its department's (`department_areas` in isek.yaml), else the area of the first
    of its goals that has one (`goal_area` gives it by id, e.g. with `model.goal_area`).
    """
    if measure.product_area is not None:
        return config.product_area_key(measure.product_area) or measure.product_area, "measure"
    found = config.product_area_of_product(measure.product)
    if found is not None:
        return found, "product"
    mapped = config.department_areas.get(measure.department)
    if mapped is not None:
        return config.product_area_key(mapped) or mapped, "department"
    for goal_id in measure.goals:
        area = goal_area(goal_id)
        if area is not None:
            return config.product_area_key(area) or area, "goal"
    return None, ""


def budget_name(years: list[int]) -> str:
    """'Haushalt 2026', 'Doppelhaushalt 2025/2026', 'Haushalte 2025–2027' – what the years are."""
    ordered = sorted(set(years))
    if not ordered:
        return ""
    if len(ordered) == 1:
        return f"Haushalt {ordered[0]}"
    if len(ordered) == 2 and ordered[1] == ordered[0] + 1:
        return f"Doppelhaushalt {ordered[0]}/{ordered[1]}"
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"Haushalte {ordered[0]}–{ordered[-1]}"
    return "Haushaltsjahre " + ", ".join(str(y) for y in ordered)


# --- revisions ---------------------------------------------------------------------------


class Revision(Model):
    """A decided state of the goal system, frozen with who decided it and when."""

    id: Id
    title: Title
    state: Literal["beschlossen", "entwurf"]
    decided_by: SingleLine | None = None
    decided_on: Date | None = None
    resolution: SingleLine | None = None
    budget_years: list[Year] = []
    goals: list[Goal] = []
    measures: list[Measure] | None = None  # the measures confirmed with the goal system


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside a field's annotation (`list[Goal] | None` -> Goal), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = model_in(arg)
        if found:
            return found
    return None


MODELS: Final[dict[FileKind, type[Model]]] = {
    FileKind.CONFIG: Config,
    FileKind.GOALS: GoalsFile,
    FileKind.MEASURE: Measure,
    FileKind.REVISION: Revision,
}


def model_of(kind: FileKind) -> type[Model]:
    """The model class of one kind of file."""
    return MODELS[kind]
