"""Kennzahlen: Soll and Ist per year, trend, degree of achievement and a progress status.

The progress status follows Open SDG's progress measure for indicators with a
quantitative target (the method of Statistics Canada, docs/kennzahlen.md): the growth
observed from the first value (the Ausgangswert, else the earliest Messwert) to the
latest Messwert is compared with the growth that would reach the target in its year.

* The latest value meets the target (`comparison`): **Ziel erreicht**.
* Otherwise R = observed growth / required growth, both per year: compound annual
  growth rates when every value involved is positive, else the linear change per year
  (a rate from or to zero or across zero means nothing). R ≥ 0.95 **auf Kurs**,
  0.6 ≤ R < 0.95 **Fortschritt, Beschleunigung nötig**, 0 ≤ R < 0.6 **geringer
  Fortschritt**, R < 0 **Verschlechterung**.
* The first value already met the target and the latest does not: **Verschlechterung**.
* No target, fewer than two values in different years, a target year not after the
  first value's year: **keine Bewertung möglich**, with the reason.

Everything returned is plain data for the templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from ..model import Indicator, Target
from . import german
from .charts import as_plain, line_chart

ON_TRACK: Final = 0.95  # thresholds on R, as Open SDG's defaults for a quantitative target
ACCELERATION: Final = 0.6


@dataclass(frozen=True, slots=True)
class Progress:
    status: str  # a key of german.PROGRESS
    reason: str = ""  # why, in German: the ratio, or why there is none
    ratio: float | None = None


def observations(indicator: Indicator) -> list[tuple[int, Decimal]]:
    """The Ist series: the Ausgangswert and the Messwerte by year (a Messwert wins)."""
    series: dict[int, Decimal] = {}
    if indicator.baseline:
        series[indicator.baseline.year] = indicator.baseline.value
    for value in indicator.values:
        series[value.year] = value.value
    return sorted(series.items())


def meets(value: Decimal, target: Target) -> bool:
    return {
        ">=": value >= target.value,
        "<=": value <= target.value,
        "=": value == target.value,
        ">": value > target.value,
        "<": value < target.value,
    }[target.comparison]


def _growth(start: Decimal, end: Decimal, years: int, compound: bool) -> float:
    if compound:
        return float((float(end) / float(start)) ** (1 / years) - 1)
    return float(end - start) / years


def progress(series: list[tuple[int, Decimal]], target: Target | None) -> Progress:
    """The progress status of an Ist series towards `target` (rule in the module docstring)."""
    if target is None:
        return Progress("not_available", "kein Zielwert")
    if not series:
        return Progress("not_available", "noch keine Messwerte")
    (first_year, first), (year, latest) = series[0], series[-1]
    if meets(latest, target):
        return Progress("target_achieved", f"{german.number(latest)} ({year}) erfüllt den Zielwert")
    if len(series) < 2:
        return Progress("not_available", "erst ein Wert")
    if target.year <= first_year:
        return Progress("not_available", "das Zieljahr liegt nicht nach dem ersten Wert")
    if meets(first, target):
        return Progress(
            "deterioration",
            f"{first_year} war der Zielwert erfüllt, {year} nicht mehr",
        )
    compound = first > 0 and latest > 0 and target.value > 0
    observed = _growth(first, latest, year - first_year, compound)
    required = _growth(first, target.value, target.year - first_year, compound)
    if required == 0:  # the target equals the first value, which did not meet it ('<', '>')
        return Progress("limited_progress" if observed == 0 else "deterioration", "")
    ratio = observed / required
    if ratio >= ON_TRACK:
        status = "on_track"
    elif ratio >= ACCELERATION:
        status = "needs_acceleration"
    elif ratio >= 0:
        status = "limited_progress"
    else:
        status = "deterioration"
    how = "jährliche Wachstumsrate" if compound else "jährliche Veränderung"
    return Progress(
        status,
        f"{how} {first_year}–{year}: {german.percent(ratio * 100)} der nötigen",
        ratio,
    )


def achievement(series: list[tuple[int, Decimal]], target: Target | None) -> Decimal | None:
    """Degree of target achievement in percent: how much of the way from the first value
    to the target the latest value has come; None without a target or a way to go."""
    if target is None or len(series) < 2 or target.value == series[0][1]:
        return None
    first, latest = series[0][1], series[-1][1]
    return (latest - first) / (target.value - first) * 100


def trend(series: list[tuple[int, Decimal]], target: Target | None) -> str:
    """'steigend (2023 → 2024: +15), in Zielrichtung' – the last change, judged by the target."""
    if len(series) < 2:
        return ""
    (before_year, before), (year, latest) = series[-2], series[-1]
    change = latest - before
    word = "steigend" if change > 0 else ("fallend" if change < 0 else "gleichbleibend")
    text = f"{word} ({before_year} → {year}: {german.signed_number(change)})"
    if target is None or change == 0:
        return text
    if target.comparison in (">=", ">"):
        towards = change > 0
    elif target.comparison in ("<=", "<"):
        towards = change < 0
    else:
        towards = abs(target.value - latest) < abs(target.value - before)
    return f"{text}, {'in' if towards else 'gegen die'} Zielrichtung"


def view(indicator: Indicator) -> dict[str, Any]:
    """Everything a report shows of one Kennzahl, as plain data."""
    series = observations(indicator)
    target = indicator.target
    soll = {o.year: o.value for o in indicator.target_path}
    if target is not None and target.year not in soll:
        soll[target.year] = target.value
    ist = dict(series)
    rows = []
    for year in sorted(set(soll) | set(ist)):
        notes = []
        if (
            indicator.baseline
            and year == indicator.baseline.year
            and year not in {v.year for v in indicator.values}
        ):
            notes.append("Ausgangswert")
        if target is not None and year == target.year:
            notes.append(f"Zielwert ({german.COMPARISONS[target.comparison]})")
        planned, measured = soll.get(year), ist.get(year)
        rows.append({
            "year": year,
            "soll": planned,
            "ist": measured,
            "deviation": measured - planned if planned is not None and measured is not None else None,
            "deviation_text": german.signed_number(measured - planned)
            if planned is not None and measured is not None else "–",
            "note": ", ".join(notes),
            "soll_field": "target" if target is not None and year == target.year and
                          year not in {o.year for o in indicator.target_path} else "target_path",
            "ist_field": "baseline" if "Ausgangswert" in notes else "values",
        })  # fmt: skip
    state = progress(series, target)
    degree = achievement(series, target)
    chart = None
    if len(series) >= 2:
        chart = as_plain(
            line_chart(series, sorted(soll.items()) if indicator.target_path else [],
                       (target.year, target.value) if target else None)
        )  # fmt: skip
    latest = series[-1] if series else None
    return {
        "id": indicator.id,
        "name": indicator.name,
        "unit": indicator.unit or "",
        "definition": (indicator.definition or "").strip(),
        "source": indicator.source or "",
        "sdg_indicator": indicator.sdg_indicator or "",
        "baseline": {"year": indicator.baseline.year, "value": indicator.baseline.value}
        if indicator.baseline else None,
        "values": [{"year": v.year, "value": v.value} for v in indicator.values],
        "target": {"year": target.year, "value": target.value, "comparison": target.comparison,
                   "comparison_name": german.COMPARISONS[target.comparison]}
        if target else None,
        "latest": {"year": latest[0], "value": latest[1]} if latest else None,
        "rows": rows,
        "has_soll": bool(soll),
        "trend": trend(series, target),
        "achievement": degree,
        "achievement_text": german.percent(degree) if degree is not None else "",
        "progress": {
            "status": state.status,
            "name": german.PROGRESS[state.status],
            "symbol": german.PROGRESS_SYMBOLS[state.status],
            "reason": state.reason,
        },
        "chart": chart,
        "assumed": list(indicator.assumptions),
    }  # fmt: skip
