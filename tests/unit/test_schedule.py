"""Late measures and stale Statusberichte, on fixed days (the cases in tests/cases cannot fix one)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from isekctl.checks import project_findings
from isekctl.checks.schedule import judge, marks
from isekctl.dates import months_between, months_german
from isekctl.model import Config, Measure
from isekctl.project import Item, Positions, Project

CONFIG = Config.model_validate(
    {
        "municipality": "Teststadt",
        "levels": [{"id": "z", "name": "Ziele"}],
        "statuses": ["geplant", "laufend", "abgeschlossen", "verzoegert", "zurueckgestellt"],
        "stale_after_months": 6,
    }
)


def measure(**fields: Any) -> Measure:
    data = {"id": "M-1", "title": "Terminvergabe", "goals": ["Z1"], "department": "FD 32"}
    return Measure.model_validate({**data, "status": "laufend", **fields})


def report(day: str, status: str = "laufend") -> dict[str, str]:
    return {"date": day, "status": status, "text": "Stand."}


def test_late_from_the_day_after_the_last_day_of_the_planned_end() -> None:
    m = measure(end="2021-Q3", reports=[report("2021-09-01")])
    assert not judge(m, CONFIG, date(2021, 9, 30)).late
    verdict = judge(m, CONFIG, date(2021, 10, 1))
    assert verdict.late == (
        "geplantes Ende 3. Quartal 2021, Status „laufend“; letzter Statusbericht vom 01.09.2021."
    )
    assert verdict.short() == "überfällig"


@pytest.mark.parametrize("status", ["geplant", "verzoegert", "zurueckgestellt"])
def test_every_status_but_done_can_be_late(status: str) -> None:
    assert judge(measure(status=status, end="2020"), CONFIG, date(2026, 1, 1)).late


def test_a_done_measure_is_never_late_or_stale_however_late_it_was_closed() -> None:
    m = measure(status="abgeschlossen", end="2020", reports=[report("2020-02-01", "abgeschlossen")])
    assert judge(m, CONFIG, date(2030, 1, 1)) == judge(m, CONFIG, date(2020, 3, 1))
    assert not judge(m, CONFIG, date(2030, 1, 1)).short()


def test_stale_after_stale_after_months_to_the_day() -> None:
    m = measure(reports=[report("2024-01-31")])
    assert not judge(m, CONFIG, date(2024, 7, 30)).stale
    verdict = judge(m, CONFIG, date(2024, 7, 31))
    assert verdict.stale == "Der letzte Statusbericht ist vom 31.01.2024, älter als 6 Monate."
    assert verdict.stale_where == ("reports", 0, "date")
    longer = CONFIG.model_copy(update={"stale_after_months": 12})
    assert not judge(m, longer, date(2024, 7, 31)).stale


@pytest.mark.parametrize("status", ["geplant", "zurueckgestellt"])
def test_a_waiting_measure_needs_no_report(status: str) -> None:
    assert not judge(measure(status=status), CONFIG, date(2030, 1, 1)).stale


def test_waiting_is_known_by_the_display_name_too() -> None:
    named = Config.model_validate(
        {
            "municipality": "Teststadt",
            "levels": [{"id": "z", "name": "Ziele"}],
            "statuses": [{"id": "z1", "name": "Zurückgestellt"}, {"id": "l", "name": "läuft"}],
        }
    )
    assert not judge(measure(status="z1"), named, date(2030, 1, 1)).stale
    assert judge(measure(status="l"), named, date(2030, 1, 1)).stale


def test_without_reports_a_running_measure_is_stale_from_its_start_on() -> None:
    m = measure(start="2024-01")
    assert not judge(m, CONFIG, date(2023, 12, 1)).stale, "not begun"
    assert not judge(m, CONFIG, date(2024, 6, 30)).stale
    assert judge(m, CONFIG, date(2024, 7, 1)).stale == (
        "Die Maßnahme hat seit ihrem Beginn (Januar 2024) keinen Statusbericht."
    )
    assert judge(measure(), CONFIG, date(2024, 1, 1)).stale == (
        "Die Maßnahme ist „laufend“, hat aber noch keinen Statusbericht."
    )


def test_late_says_it_all_unless_switched_off() -> None:
    m = measure(end="2021", reports=[report("2021-03-01")])
    today = date(2023, 1, 1)
    assert judge(m, CONFIG, today).late and not judge(m, CONFIG, today).stale
    late_off = CONFIG.model_copy(update={"checks": {"ISEK072": "off"}})
    assert not judge(m, late_off, today).late and judge(m, late_off, today).stale
    both_off = CONFIG.model_copy(update={"checks": {"ISEK072": "off", "ISEK073": "off"}})
    assert judge(m, both_off, today).short() == ""


def _project(*measures: Measure) -> Project:
    project = Project("test", CONFIG)
    for m in measures:
        project.measures.append(Item(m, Positions(f"data/measures/{m.id}.yaml")))
    return project


def test_findings_and_marks_agree() -> None:
    late = measure(id="M-1", end="2021", reports=[report("2021-03-01")])
    stale = measure(id="M-2", reports=[report("2022-01-01")])
    fresh = measure(id="M-3", reports=[report("2022-12-01")])
    project = _project(late, stale, fresh)
    today = date(2023, 1, 1)
    found = [f for f in project_findings(project, today) if f.code in ("ISEK072", "ISEK073")]
    assert [(f.location.path, f.code) for f in found] == [
        ("data/measures/M-1.yaml", "ISEK072"),
        ("data/measures/M-2.yaml", "ISEK073"),
    ]
    assert "isekctl new report M-1" in (found[0].hint or "")
    assert {k: v[0] for k, v in marks(project, today).items()} == {
        "M-1": "überfällig",
        "M-2": "Bericht veraltet",
    }


@pytest.mark.parametrize(
    ("months", "text"),
    [(0, "0 Monate"), (1, "1 Monat"), (12, "1 Jahr"), (25, "2 Jahre und 1 Monat"), (59, "4 Jahre und 11 Monate")],
)  # fmt: skip
def test_spans_in_words(months: int, text: str) -> None:
    assert months_german(months) == text
    assert months_between(date(2020, 1, 31), date(2020, 2, 29)) == 0
    assert months_between(date(2020, 1, 31), date(2020, 3, 1)) == 1
