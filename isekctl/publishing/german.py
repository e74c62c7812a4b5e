"""Numbers, money, dates and field names the way German administrations print them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final

from ..comparing.semantic import delta
from ..dates import PartialDate, format_date

FIELD_LABELS: Final = {
    "title": "Wortlaut",
    "level": "Ebene",
    "product_area": "Produktbereich",
    "parent": "übergeordnetes Ziel",
    "contributes_to": "trägt bei zu",
    "replaces": "führt fort",
    "themes": "Themen",
    "sdgs": "SDGs",
    "description": "Beschreibung",
    "status": "Status",
    "rating": "Ampel",
    "rating_reason": "Begründung der Ampel",
    "start": "Beginn",
    "end": "Ende",
    "term": "Fristigkeit",
    "department": "federführender Fachdienst",
    "goals": "Ziele",
    "resolutions": "Drucksachen",
    "name": "Name",
    "unit": "Einheit",
    "baseline": "Ausgangswert",
    "target": "Zielwert",
    "report": "Statusbericht",
    "budget_total": "Haushaltsansätze insgesamt",
}
# Doppik: what each budget kind is called in the Haushaltsplan, and in which part it stands.
BUDGET_KINDS: Final = {
    "personal": "Personalaufwendungen",
    "aufwand": "Aufwendungen für Sach- und Dienstleistungen",
    "investition": "Auszahlungen für Investitionen",
}
BUDGET_PLANS: Final = {
    "personal": "Ergebnisplan",
    "aufwand": "Ergebnisplan",
    "investition": "Finanzplan",
}
RATINGS: Final = {"gruen": "grün", "gelb": "gelb", "rot": "rot"}
RATING_SYMBOLS: Final = {"gruen": "●", "gelb": "▲", "rot": "■"}
RATING_MEANINGS: Final = {
    "gruen": "planmäßig",
    "gelb": "Abweichung vom Plan, die Fachdienst und Verwaltung steuern",
    "rot": "erhebliche Abweichung: Ziel, Zeit oder Budget der Maßnahme gefährdet",
}
DECIDERS: Final = {
    "selbstverwaltung": "Selbstverwaltung (Rat und Ausschüsse)",
    "verwaltung": "Verwaltung",
}
DRAFT_LABEL: Final = "Entwurf – Fortschreibungsvorschlag der Verwaltung, nicht beschlossen"
# Nouns a report counts, singular and plural ("1 Maßnahme", "2 Maßnahmen").
NOUNS: Final = {
    "Maßnahme": "Maßnahmen",
    "Schlüsselmaßnahme": "Schlüsselmaßnahmen",
    "Ziel": "Ziele",
    "Änderung": "Änderungen",
    "Fehler": "Fehler",
    "Monat": "Monate",
    "Statusbericht": "Statusberichte",
}
COMPARISONS: Final = {
    "<=": "höchstens",
    ">=": "mindestens",
    "=": "genau",
    "<": "unter",
    ">": "über",
}


def number(value: Decimal | int | float, places: int | None = None) -> str:
    """1557500 -> '1.557.500', 7.9 -> '7,9'."""
    amount = Decimal(str(value))
    if places is not None:
        amount = round(amount, places)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0") if places is None else fraction
    groups: list[str] = []
    while len(whole) > 3:
        whole, tail = whole[:-3], whole[-3:]
        groups.insert(0, tail)
    grouped = ".".join([whole, *groups])
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def money(value: Decimal | int | None) -> str:
    """1557500 -> '1.557.500 €'; cents only where there are any."""
    if value is None:
        return "–"
    amount = Decimal(value)
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{number(amount, places)} €"


def signed_money(value: Decimal) -> str:
    return ("+" if value > 0 else "") + money(value).replace("-", "−")


def count(number: int, singular: str, plural: str | None = None) -> str:
    """'1 Maßnahme', '2 Maßnahmen', '0 Maßnahmen' (German uses the plural for zero)."""
    many = plural or NOUNS.get(singular, singular)
    return f"{number} {singular if number == 1 else many}"


def day(value: date | None) -> str:
    return format_date(value) if value else "–"


def label(field: str) -> str:
    if field.startswith("budget."):
        _, year, kind = field.split(".")
        return f"Haushaltsansatz {year} ({BUDGET_KINDS.get(kind, kind)})"
    if field.startswith("values."):
        return f"Messwert {field.split('.')[1]}"
    return FIELD_LABELS.get(field, field)


def value(field: str, item: Any, names: Mapping[str, str] | None = None) -> str:
    """Any field value of the models as a German reader expects it.

    `names` are the display names of statuses from isek.yaml ('verzoegert' -> 'verzögert').
    """
    if item is None or item == () or item == []:
        return "–"
    if field == "status" and names:
        return names.get(str(item), str(item))
    if field.startswith("budget") or field == "budget_total":
        return money(item)
    if field == "rating":
        return str(RATINGS.get(item, item))
    if isinstance(item, PartialDate):
        return item.german()
    if isinstance(item, date):
        return format_date(item)
    if isinstance(item, Decimal | int) and not isinstance(item, bool):
        return number(item)
    if isinstance(item, tuple | list):
        return ", ".join(value(field, v) for v in item)
    if hasattr(item, "year") and hasattr(item, "value"):  # Observation, Target
        comparison = getattr(item, "comparison", None)
        prefix = f"{COMPARISONS[comparison]} " if comparison else ""
        return f"{prefix}{number(item.value)} ({item.year})"
    if hasattr(item, "date") and hasattr(item, "text"):  # StatusReport
        return f"{format_date(item.date)}: {item.text.strip()}"
    return str(item)


def budget_delta(item: Any) -> str:
    """The change of a budget field (a `diff.FieldChange`) as signed money: '+5.000 €'."""
    return signed_money(delta(item))


def describe(item: Any, names: Mapping[str, str] | None = None) -> str:
    """One changed field (a `diff.FieldChange`) as a line: 'Status: laufend → abgeschlossen'."""
    name = label(item.field)
    if item.field == "report":
        return f"neuer Statusbericht {value('report', item.new)}"
    if item.added or item.removed:
        parts = [f"+ {v}" for v in item.added] + [f"− {v}" for v in item.removed]
        return f"{name}: {', '.join(parts)}"
    if item.field.startswith("budget."):
        return f"{name}: {value(item.field, item.old)} → {value(item.field, item.new)} ({budget_delta(item)})"
    if item.old is None:
        return f"{name}: {value(item.field, item.new, names)}"
    return f"{name}: {value(item.field, item.old, names)} → {value(item.field, item.new, names)}"
