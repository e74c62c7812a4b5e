"""Values that must not change meaning unseen (issue 9): digits outside 0–9, exact amounts."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from isekctl.dates import PartialDate, parse_date
from isekctl.model import BudgetLine, Config, Observation, StatusReport

ARABIC_INDIC = "٢٠٢٥"  # 2025
FULL_WIDTH = "２０２５"
DEVANAGARI = "२०२५"


@pytest.mark.parametrize("year", [ARABIC_INDIC, FULL_WIDTH, DEVANAGARI, "2０25"])
def test_years_numbers_and_amounts_only_take_digits_0_to_9(year: str) -> None:
    with pytest.raises(ValidationError) as refused:
        BudgetLine.model_validate({"year": year, "kind": "aufwand", "amount": "100"})
    assert "gemeint ist wohl 2025" in str(refused.value)
    with pytest.raises(ValidationError, match="gemeint ist wohl 2025"):
        BudgetLine.model_validate({"year": "2025", "kind": "aufwand", "amount": year})
    with pytest.raises(ValidationError, match="gemeint ist wohl 2025"):
        Observation.model_validate({"year": "2020", "value": year})
    with pytest.raises(ValidationError):
        StatusReport.model_validate({"date": f"{year}-01-01", "status": "x", "text": "t"})
    with pytest.raises(ValueError):
        PartialDate.parse(year)
    with pytest.raises(ValueError):
        parse_date(f"{year}-01-01")


def test_the_error_types_keep_their_rules() -> None:
    """Dates stay ISEK050, amounts ISEK058, years ISEK013 (schema.RULES_BY_ERROR)."""
    with pytest.raises(ValidationError) as refused:
        BudgetLine.model_validate({"year": ARABIC_INDIC, "kind": "aufwand", "amount": FULL_WIDTH})
    assert sorted(e["type"] for e in refused.value.errors()) == ["int_type", "isek_amount"]
    with pytest.raises(ValidationError) as refused:
        StatusReport.model_validate({"date": f"{ARABIC_INDIC}-01-01", "status": "x", "text": "t"})
    assert [e["type"] for e in refused.value.errors()] == ["isek_date"]


def test_a_product_area_key_in_other_digits_is_no_number() -> None:
    config = Config.model_validate(
        {"municipality": "X", "levels": [{"id": "a", "name": "A"}], "product_areas": {"12": "B"}}
    )
    assert config.product_area_key("12") == "12"
    assert config.product_area_key("١٢") is None
    assert config.product_area_key("１２") is None


def test_export_keeps_amounts_and_values_exact(tmp_path: Path) -> None:
    from datetime import date

    from isekctl.publishing.export import export_files
    from isekctl.reading.pipeline import load
    from isekctl.reading.sources import Directory

    from ..conftest import build_repo, write_tree

    repo = build_repo(tmp_path / "repo")
    write_tree(repo, {
        "data/measures/M-1.yaml": (
            "id: M-1\ntitle: T\ngoals: [F1]\ndepartment: FD 10\nstatus: laufend\nbudget:\n"
            "  - {year: 2025, kind: investition, amount: 123456789012.34}\n"
            "  - {year: 2026, kind: investition, amount: 876543210987.67}\n"
            "  - {year: 2027, kind: aufwand, amount: 25000}\n"
            "  - {year: 2028, kind: aufwand, amount: 0.10}\n"
        ),
        "data/goals/ziele.yaml": (
            "goals:\n  - id: L1\n    title: Verwaltung zukunftsfähig gestalten\n    level: leitziel\n"
            "    indicators:\n      - id: K1\n        name: Kennzahl\n"
            "        baseline: {year: 2020, value: 1234567890123.123456}\n"
            "  - id: F1\n    title: Digitalisierung gestalten\n    level: fachziel\n"
            "    product_area: 1\n    parent: L1\n"
        ),
    })  # fmt: skip
    project = load(Directory(repo), use_cache=False).require_valid("test")
    for fmt in ("csv", "json"):
        files = {
            name: content.decode("utf-8")
            for name, content in export_files(project, fmt, date(2026, 1, 1)).items()
            if name.endswith((".csv", ".json"))
        }
        if fmt == "csv":
            amounts = [r["amount"] for r in csv.DictReader(io.StringIO(files["budget.csv"]))]
            row = next(csv.DictReader(io.StringIO(files["measures.csv"])))
            total = (row["budget_ergebnisplan"], row["budget_finanzplan"])
            value = next(csv.DictReader(io.StringIO(files["indicator_values.csv"])))["value"]
        else:
            records = json.loads(files["budget.json"], parse_float=Decimal)
            assert all(isinstance(r["amount"], int | Decimal) for r in records), "numbers, not text"
            amounts = [str(r["amount"]) for r in records]
            record = json.loads(files["measures.json"], parse_float=Decimal)[0]
            total = (str(record["budget_ergebnisplan"]), str(record["budget_finanzplan"]))
            value = str(json.loads(files["indicator_values.json"], parse_float=Decimal)[0]["value"])
        assert amounts == ["123456789012.34", "876543210987.67", "25000", "0.1"]
        assert total == ("25000.1", "1000000000000.01"), "the two Teilpläne, never added"
        assert value == "1234567890123.123456", "a float would make it …123.1235"
