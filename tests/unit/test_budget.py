"""Where a measure belongs in the budget, what a Haushalt is called, how a Kennzahl progresses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from isekctl.model import Config, Goal, Measure, Target, budget_name, goal_area, measure_area
from isekctl.publishing import indicators
from isekctl.publishing.charts import line_chart

SH = {str(k): f"PB {k}" for k in range(1, 7)}  # Schleswig-Holstein: Hauptproduktbereiche 1–6
NRW = {f"{k:02d}": f"PB {k:02d}" for k in range(1, 18)}  # NRW: Produktbereiche 01–17


def config(areas: dict[str, str], **more: object) -> Config:
    return Config.model_validate(
        {"municipality": "X", "levels": [{"id": "z", "name": "Ziele"}], "product_areas": areas,
         **more}, strict=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("areas", "product", "expected"),
    [
        (SH, "1.1.1.01", "1"),  # Produkt 01 of Produktgruppe 111 in Produktbereich 11 of HPB 1
        (SH, "5.5.1.01", "5"),
        (SH, "11101", "1"),  # without dots: the longest key it begins with
        (NRW, "11.01.02", "11"),
        (NRW, "01.01.02", "01"),
        ({"11": "Innere Verwaltung", "12": "Sicherheit"}, "1.2.2.01", "12"),  # SH Produktbereiche
        ({"1": "Zentrale Verwaltung"}, "01.1", "1"),  # "01" is the key "1", as for goals
        (NRW, "18.01", None),  # no Produktbereich 18, and "1" is not a segment of "18"
        (NRW, "1801", None),
        ({"51": "A", "51.10": "B"}, "51.10.01", "51.10"),  # the longest key wins
        ({"51": "A", "51.10": "B"}, "51.20.01", "51"),
        (SH, "", None),
        ({}, "1.1.1.01", None),
    ],
)
def test_the_product_area_of_a_produkt_number(
    areas: dict[str, str], product: str, expected: str | None
) -> None:
    assert config(areas).product_area_of_product(product) == expected


def test_a_measures_area_comes_from_itself_its_produkt_its_department_then_its_goals() -> None:
    setup = config(
        NRW, departments={"53": "Gesundheit", "70": "Abfall"}, department_areas={"53": "07"}
    )
    goals = {
        "Z": Goal(id="Z", title="Ziel", level="z", product_area="02"),
        "OZ": Goal(id="OZ", title="Operatives Ziel", level="z", parent="Z"),
        "L": Goal(id="L", title="Leitbild", level="z"),
    }

    def area(**fields: object) -> tuple[str | None, str]:
        measure = Measure.model_validate(
            {"id": "M", "title": "M", "goals": ["L", "OZ"], "department": "70", "status": "offen",
             **fields}, strict=False,
        )  # fmt: skip
        return measure_area(setup, measure, lambda g: goal_area(goals.get, g))

    assert area(product_area="4", product="11.01", department="53") == ("04", "measure")
    assert area(product="11.01", department="53") == ("11", "product")
    assert area(product="99.01", department="53") == ("07", "department")
    assert area() == ("02", "goal"), "L has none; OZ inherits Z's area"
    assert area(goals=["L"]) == (None, "")


def test_a_parent_cycle_does_not_hang_the_area_lookup() -> None:
    goals = {
        "A": Goal(id="A", title="A", level="z", parent="B"),
        "B": Goal(id="B", title="B", level="z", parent="A"),
    }
    assert goal_area(goals.get, "A") is None


@pytest.mark.parametrize(
    ("years", "name"),
    [
        ([2026], "Haushalt 2026"),
        ([2026, 2025], "Doppelhaushalt 2025/2026"),
        ([2025, 2026, 2027], "Haushalte 2025–2027"),
        ([2024, 2026], "Haushaltsjahre 2024, 2026"),
        ([], ""),
    ],
)
def test_what_a_haushalt_is_called(years: list[int], name: str) -> None:
    assert budget_name(years) == name


# --- Kennzahlen ----------------------------------------------------------------------------


def series(*points: tuple[int, float]) -> list[tuple[int, Decimal]]:
    return [(year, Decimal(str(value))) for year, value in points]


def test_progress_the_worked_example_of_the_documentation() -> None:
    # docs/kennzahlen.md: 8,0 t (2020) → 7,0 t (2024), target at most 4,0 t in 2030.
    # observed (7/8)^(1/4) − 1 = −3.28 % a year, required (4/8)^(1/10) − 1 = −6.70 % a year,
    # R = 0.49: below 60 % of the required pace.
    data = series((2020, 8.0), (2022, 7.6), (2024, 7.0))
    target = Target(year=2030, value=Decimal(4), comparison="<=")
    result = indicators.progress(data, target)
    assert result.status == "limited_progress"
    assert result.ratio == pytest.approx(0.4894, abs=1e-3)
    assert indicators.achievement(data, target) == Decimal(25)
    assert indicators.trend(data, target) == "fallend (2022 → 2024: −0,6), in Zielrichtung"


@pytest.mark.parametrize(
    ("points", "target", "status"),
    [
        (((2020, 20), (2025, 45)), (2030, 100, ">="), "on_track"),  # R = 1.39
        (((2020, 20), (2025, 35)), (2030, 100, ">="), "needs_acceleration"),  # R = 0.66
        (((2020, 20), (2025, 22)), (2030, 100, ">="), "limited_progress"),
        (((2020, 20), (2025, 18)), (2030, 100, ">="), "deterioration"),
        (((2020, 20), (2025, 100)), (2030, 100, ">="), "target_achieved"),
        (((2025, 120),), (2030, 100, ">="), "target_achieved"),  # one value that meets it
        (((2020, 90), (2025, 110)), (2030, 100, "<="), "deterioration"),  # met at first, lost
        (((2020, 0), (2025, 50)), (2030, 100, ">="), "on_track"),  # from zero: linear, R = 1
        (((2020, -10), (2025, -5)), (2030, 0, ">="), "on_track"),  # negative: linear
        (((2020, 20),), (2030, 100, ">="), "not_available"),  # one value
        (((2020, 20), (2025, 40)), None, "not_available"),  # no target
        (((2020, 20), (2025, 40)), (2020, 100, ">="), "not_available"),  # target year too early
        ((), (2030, 100, ">="), "not_available"),
    ],
)
def test_progress_status(
    points: tuple[tuple[int, float], ...],
    target: tuple[int, float, str] | None,
    status: str,
) -> None:
    goal = (
        Target(year=target[0], value=Decimal(str(target[1])), comparison=target[2])  # type: ignore[arg-type]
        if target
        else None
    )
    result = indicators.progress(series(*points), goal)
    assert result.status == status
    assert result.status == "target_achieved" or result.reason  # every status but one says why


def test_a_chart_needs_two_values_and_its_legend_names_what_is_drawn() -> None:
    assert line_chart(series((2020, 5)), [], (2030, Decimal(9))) is None
    chart = line_chart(series((2020, 5), (2022, 6)), series((2024, 7)), (2030, Decimal(9)))
    assert chart is not None
    assert [e.kind for e in chart.legend] == ["ist", "soll", "ziel"]
    assert len(chart.points) == 2 and len(chart.soll) == 1 and chart.target is not None
    bare = line_chart(series((2020, 5), (2022, 6)), [], None)
    assert bare is not None and [e.kind for e in bare.legend] == ["ist"]
    starts = [e.x for e in chart.legend]
    assert starts == sorted(starts) and len(set(starts)) == 3, "entries side by side"


def test_product_area_keys_of_any_form_survive_fmt() -> None:
    """'01' and '51.10' stay text (quoted), 5 stays a number, in isek.yaml and measures."""
    from isekctl.reading.yaml import load
    from isekctl.writing.style import model_text

    setup = config({"01": "A", "51.10": "B", "5": "C"}, departments={"10": "X"},
                   department_areas={"10": "51.10"})  # fmt: skip
    text = model_text(setup)
    assert "'01': A\n" in text and "'51.10': B\n" in text and "\n  5: C\n" in text
    assert "'10': '51.10'" in text
    measure = Measure.model_validate(
        {"id": "M", "title": "T", "goals": ["G"], "department": "10", "status": "offen",
         "product_area": "01", "product": "01.01.02"}, strict=False,
    )  # fmt: skip
    written = model_text(measure)
    assert "product_area: '01'\n" in written
    document, findings = load(written.encode(), "M.yaml")
    assert document is not None and findings == []
    again = Measure.model_validate(document.data)
    assert (again.product_area, again.product) == ("01", "01.01.02")
    assert setup.product_area_key("1") == "01" and setup.product_area_key("51.10") == "51.10"


def test_the_bar_chart_is_wide_enough_for_its_legend() -> None:
    from isekctl.publishing.charts import bar_chart

    years = {year: Decimal(1000) for year in range(2021, 2026)}
    chart = bar_chart({"1": years}, {"1": "PB 1"})  # one group, five years in the legend
    assert chart is not None and len(chart.legend) == 5
    assert 72 + 70 * 4 + 16 + 6 * len("2025") <= chart.width, "the last legend entry is inside"
