"""Numbers, money, dates and field names the way German administrations print them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Final

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
# The two parts of the doppischer Haushalt a budget kind belongs to, and what each sums.
PLANS: Final = ("Ergebnisplan", "Finanzplan")
PLAN_CONTENTS: Final = {
    "Ergebnisplan": "Aufwendungen",
    "Finanzplan": "Auszahlungen für Investitionen",
}
BOTH_PLANS: Final = "Aufwendungen und Investitionsauszahlungen zusammen"
NOT_BUDGETED: Final = "nicht beziffert"
# Where a year stands relative to the Beschlussstand's budget years.
YEAR_ROLES: Final = {
    "haushalt": "Haushalt",
    "finanzplanung": "Finanzplanung",
    "frueher": "früherer Haushalt",
    "spaeter": "nach der Finanzplanung",
    "": "",
}
AREA_SOURCES: Final = {
    "measure": "eigene Angabe",
    "product": "aus dem Produkt",
    "department": "aus dem Fachdienst",
    "goal": "aus dem Ziel",
    "": "",
}
# The 17 Sustainable Development Goals with the German short titles the Federal Government
# uses (Agenda 2030, "17 Ziele für nachhaltige Entwicklung").
SDG_TITLES: Final = {
    1: "Keine Armut",
    2: "Kein Hunger",
    3: "Gesundheit und Wohlergehen",
    4: "Hochwertige Bildung",
    5: "Geschlechtergleichheit",
    6: "Sauberes Wasser und Sanitäreinrichtungen",
    7: "Bezahlbare und saubere Energie",
    8: "Menschenwürdige Arbeit und Wirtschaftswachstum",
    9: "Industrie, Innovation und Infrastruktur",
    10: "Weniger Ungleichheiten",
    11: "Nachhaltige Städte und Gemeinden",
    12: "Nachhaltige/r Konsum und Produktion",
    13: "Maßnahmen zum Klimaschutz",
    14: "Leben unter Wasser",
    15: "Leben an Land",
    16: "Frieden, Gerechtigkeit und starke Institutionen",
    17: "Partnerschaften zur Erreichung der Ziele",
}
SDG_LINKS: Final = {
    "beschlossen": "beschlossen",
    "redaktionell": "redaktionell",
}
SDG_LINK_MEANINGS: Final = {
    "beschlossen": "Die Zuordnung ist Teil des Ratsbeschlusses (Beschlussstand).",
    "redaktionell": "Die Verwaltung hat zugeordnet; beschlossen ist die Zuordnung nicht.",
}
# Progress of a Kennzahl towards its target (the categories of Open SDG's progress
# measure, after Statistics Canada; see docs/kennzahlen.md), with a symbol so that the
# status never rests on colour alone.
PROGRESS: Final = {
    "target_achieved": "Ziel erreicht",
    "on_track": "auf Kurs",
    "needs_acceleration": "Fortschritt, Beschleunigung nötig",
    "limited_progress": "geringer Fortschritt",
    "deterioration": "Verschlechterung",
    "not_available": "keine Bewertung möglich",
}
PROGRESS_SYMBOLS: Final = {
    "target_achieved": "★",
    "on_track": "●",
    "needs_acceleration": "◐",
    "limited_progress": "○",
    "deterioration": "▼",
    "not_available": "–",
}
PROGRESS_MEANINGS: Final = {
    "target_achieved": "der letzte Messwert erfüllt den Zielwert",
    "on_track": "die bisherige Entwicklung reicht, um den Zielwert rechtzeitig zu erreichen "
    "(mindestens 95 % des nötigen Tempos)",
    "needs_acceleration": "Entwicklung in Zielrichtung mit 60 bis 95 % des nötigen Tempos",
    "limited_progress": "Entwicklung in Zielrichtung mit weniger als 60 % des nötigen Tempos",
    "deterioration": "Entwicklung gegen die Zielrichtung",
    "not_available": "ohne Zielwert oder mit weniger als zwei Werten",
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
    if amount == amount.to_integral_value():
        if -_WHOLE < amount < _WHOLE:  # most amounts; a page may hold 100,000 of them
            return f"{int(amount):,} €".replace(",", ".")
        return f"{number(amount, 0)} €"
    return f"{number(amount, 2)} €"


# below Decimal's 28 digits of precision an int writes a whole amount as `number` does
_WHOLE: Final = Decimal(10) ** 28


def signed_money(value: Decimal) -> str:
    return ("+" if value > 0 else "") + money(value).replace("-", "−")


def signed_number(value: Decimal | int) -> str:
    """'+15', '−2,5', '0': a change or deviation."""
    return ("+" if value > 0 else "") + number(value).replace("-", "−")


def percent(value: Decimal | float | None) -> str:
    """62.4 -> '62 %' (whole percent, German spacing); None -> '–'."""
    if value is None:
        return "–"
    return f"{number(Decimal(str(round(value))))} %".replace("-", "−")


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
    if field.startswith("budget"):
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
