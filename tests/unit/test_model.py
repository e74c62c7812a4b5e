from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from isekctl.dates import PartialDate
from isekctl.model import BudgetLine, Config, Goal, Level, Measure


@pytest.mark.parametrize(
    ("text", "first", "last", "german"),
    [
        ("2021", date(2021, 1, 1), date(2021, 12, 31), "2021"),
        ("2021-09", date(2021, 9, 1), date(2021, 9, 30), "September 2021"),
        ("2021-Q3", date(2021, 7, 1), date(2021, 9, 30), "3. Quartal 2021"),
        ("2021-H1", date(2021, 1, 1), date(2021, 6, 30), "1. Halbjahr 2021"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "Februar 2024"),
        ("2021-12-31", date(2021, 12, 31), date(2021, 12, 31), "31.12.2021"),
    ],
)
def test_partial_dates(text: str, first: date, last: date, german: str) -> None:
    parsed = PartialDate.parse(text)
    assert (parsed.first, parsed.last, parsed.german(), str(parsed)) == (first, last, german, text)


@pytest.mark.parametrize(
    "text",
    ["2021-13", "2021-Q5", "2021-H3", "2021-02-30", "21", "2021/09", "Q3 2021", "31.12.2021"],
)
def test_malformed_partial_dates(text: str) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(text)


def test_order_across_forms() -> None:
    q3 = PartialDate.parse("2021-Q3")
    assert not q3.is_after(PartialDate.parse("2021-09")), "overlapping intervals are not 'after'"
    assert not q3.is_after(PartialDate.parse("2021"))
    assert q3.is_after(PartialDate.parse("2021-H1"))
    assert PartialDate.parse("2022").is_after(PartialDate.parse("2021-12-31"))
    assert (
        sorted(map(PartialDate.parse, ["2022", "2021-H2", "2021-Q1", "2021"]))[0].text == "2021-Q1"
    )


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_every_form_of_a_day_contains_it(day: date) -> None:
    forms = [f"{day.year}", f"{day.year}-{day.month:02d}", f"{day.year}-Q{(day.month + 2) // 3}",
             f"{day.year}-H{(day.month + 5) // 6}", day.isoformat()]  # fmt: skip
    for form in forms:
        parsed = PartialDate.parse(form)
        assert parsed.first <= day <= parsed.last


@pytest.mark.parametrize(
    ("written", "euros"),
    [
        ("25000", Decimal(25000)),
        ("0", Decimal(0)),
        ("1500.5", Decimal("1500.5")),
        (25000, Decimal(25000)),
    ],
)
def test_amounts(written: object, euros: Decimal) -> None:
    assert (
        BudgetLine.model_validate({"year": "2021", "kind": "aufwand", "amount": written}).amount
        == euros
    )


@pytest.mark.parametrize(
    ("written", "error"),
    [
        ("1.500", "isek_amount"),
        ("1.557.500", "isek_amount"),
        ("1,50", "isek_amount"),
        ("25 000", "isek_amount"),
        ("-5", "isek_negative"),
        ("viel", "isek_amount"),
        ("1e3", "isek_amount"),
        (True, "string_type"),
    ],
)
def test_amounts_refused(written: object, error: str) -> None:
    with pytest.raises(ValidationError) as caught:
        BudgetLine.model_validate({"year": "2021", "kind": "aufwand", "amount": written})
    assert [e["type"] for e in caught.value.errors()] == [error]
    if error == "isek_amount" and written in ("1.500", "1.557.500"):
        assert "meinten Sie" in caught.value.errors()[0]["msg"]


def test_text_fields_never_accept_booleans_or_numbers_silently() -> None:
    base = {"id": "M", "title": "T", "goals": ["G"], "department": "FD 1", "status": "laufend"}
    with pytest.raises(ValidationError):
        Measure.model_validate({**base, "title": True})
    with pytest.raises(ValidationError):
        Measure.model_validate({**base, "goals": "G"})
    assert Measure.model_validate({**base, "id": 2020}).id == "2020"


def test_product_area_keys_match_numerically() -> None:
    config = Config(
        municipality="X",
        levels=[Level(id="a", name="A")],
        product_areas={"01": "Eins", "12": "Zwölf"},
    )
    assert config.product_area_key("12") == "12"
    assert config.product_area_key("1") == "01"
    assert config.product_area_key("01") == "01"
    assert config.product_area_key("3") is None


def test_goal_with_umlauts_in_ids() -> None:
    assert Goal.model_validate({"id": "GRÜN-ß", "title": "Grün", "level": "a"}).id == "GRÜN-ß"
    with pytest.raises(ValidationError):
        Goal.model_validate({"id": "../etc", "title": "x", "level": "a"})


@pytest.mark.parametrize(
    ("field", "written", "meant"),
    [("start", "15.03.2024", "2024-03-15"), ("end", "1.7.2025", "2025-07-01")],
)
def test_a_german_date_gets_its_iso_form_suggested(field: str, written: str, meant: str) -> None:
    base = {"id": "M", "title": "T", "goals": ["G"], "department": "FD 1", "status": "laufend"}
    with pytest.raises(ValidationError) as caught:
        Measure.model_validate({**base, field: written})
    assert f"meinten Sie {meant}?" in caught.value.errors()[0]["msg"]
