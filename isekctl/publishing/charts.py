"""Geometry of the small inline SVG charts; the templates draw them (`_charts.html.j2`).

Charts are computed here and drawn there, so a municipality can restyle them in its
own templates. Every chart comes with a title and a data table in the report, so
no information is only in the picture. The templates get each chart as plain data
(`as_plain`): dicts of numbers and strings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Final

from . import german

PALETTE: Final = (
    "#0a4f9e",
    "#b35c00",
    "#1d6b2f",
    "#6b2d8f",
    "#8c1d1d",
    "#00606b",
)  # ≥ 3:1 on white


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    label: str  # the value as text, for the tooltip and the reader


@dataclass(frozen=True, slots=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True, slots=True)
class LegendEntry:
    kind: str  # "ist", "soll", "ziel": which symbol the template draws
    label: str
    x: float  # where the entry starts in the legend row


@dataclass(frozen=True, slots=True)
class LineChart:
    width: int
    height: int
    points: tuple[Point, ...]  # Ist: the Ausgangswert and the Messwerte
    soll: tuple[Point, ...]  # the Soll path, drawn dashed
    target: Point | None
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    legend: tuple[LegendEntry, ...]  # one entry for every kind of mark that is drawn
    legend_y: float

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def soll_path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.soll)


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    label: str


@dataclass(frozen=True, slots=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    groups: tuple[Tick, ...]  # one label per group (product area) on the x axis
    legend: tuple[tuple[str, str], ...]  # (colour, series name)
    y_ticks: tuple[Tick, ...]


def as_plain(chart: LineChart | BarChart | None) -> dict[str, Any] | None:
    """A chart as the plain data templates get (the polyline's points included)."""
    if chart is None:
        return None
    plain = asdict(chart)
    if isinstance(chart, LineChart):
        plain["path"] = chart.path
        plain["soll_path"] = chart.soll_path
    return plain


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def line_chart(
    series: list[tuple[int, Decimal]],
    soll: list[tuple[int, Decimal]],
    target: tuple[int, Decimal] | None,
) -> LineChart | None:
    """Measured values (Ist) over the years, the Soll path and the target as a marker.

    Only for at least two measured values: one value is a dot on an axis, and the
    report shows the numbers instead. The legend names exactly what is drawn.
    """
    points = list(series)
    if len(points) < 2:
        return None
    width, left, right, top, plot_height = 420, 56, 16, 14, 136
    height = top + plot_height + 52
    years = [y for y, _ in points] + [y for y, _ in soll] + ([target[0]] if target else [])
    values = (
        [float(v) for _, v in points]
        + [float(v) for _, v in soll]
        + ([float(target[1])] if target else [])
    )
    first, last = min(years), max(years)
    span = max(last - first, 1)
    high = _nice_max(max([*values, 0.0]))
    low = min(0.0, min(values))

    def x(year: int) -> float:
        return float(left + (year - first) / span * (width - left - right))

    def y(value: float) -> float:
        return float(top + (high - value) / ((high - low) or 1) * plot_height)

    chart_points = tuple(
        Point(x(year), y(float(v)), f"Ist {year}: {german.number(v)}") for year, v in points
    )
    soll_points = tuple(
        Point(x(year), y(float(v)), f"Soll {year}: {german.number(v)}") for year, v in soll
    )
    marker = (
        Point(x(target[0]), y(float(target[1])), f"Zielwert {target[0]}: {german.number(target[1])}")
        if target else None
    )  # fmt: skip
    x_ticks = tuple(Tick(x(year), str(year)) for year in sorted(set(years)))
    y_ticks = tuple(
        Tick(y(low + (high - low) * i / 4), german.number(round(low + (high - low) * i / 4, 2)))
        for i in range(5)
    )
    entries = [("ist", "Ist")]
    if soll_points:
        entries.append(("soll", "Soll"))
    if marker:
        entries.append(("ziel", "Zielwert"))
    legend, at = [], float(left)
    for kind, label in entries:
        legend.append(LegendEntry(kind, label, at))
        at += 28 + 6 * len(label) + 18  # symbol, text at about 6 px a character, gap
    return LineChart(width, height, chart_points, soll_points, marker, x_ticks, y_ticks,
                     tuple(legend), float(height - 12))  # fmt: skip


def bar_chart(data: dict[str, dict[int, Decimal]], names: dict[str, str]) -> BarChart | None:
    """Grouped bars: one group per key (product area), one bar per year."""
    years = sorted({year for per_year in data.values() for year in per_year})
    if not data or not years:
        return None
    group_width, bar_gap, left, top, bottom = 26 * len(years) + 24, 2, 72, 12, 46
    width = max(left + group_width * len(data) + 12, left + 70 * len(years) + 12)  # legend fits
    height = 240
    high = _nice_max(float(max(v for per_year in data.values() for v in per_year.values())))
    plot = height - top - bottom
    bars, groups = [], []
    for index, (key, per_year) in enumerate(data.items()):
        start = left + index * group_width + 12
        groups.append(Tick(start + (26 * len(years)) / 2, names.get(key, key)))
        for offset, year in enumerate(years):
            amount = per_year.get(year, Decimal(0))
            bar_height = float(amount) / high * plot if high else 0
            bars.append(
                Bar(start + offset * 26, top + plot - bar_height, 26 - bar_gap, bar_height,
                    PALETTE[offset % len(PALETTE)], f"{names.get(key, key)} {year}: {german.money(amount)}")
            )  # fmt: skip
    y_ticks = tuple(
        Tick(top + plot - plot * i / 4, german.money(Decimal(int(high * i / 4)))) for i in range(5)
    )
    legend = tuple((PALETTE[i % len(PALETTE)], str(year)) for i, year in enumerate(years))
    return BarChart(width, height, tuple(bars), tuple(groups), legend, y_ticks)
