"""The benchmark's data shapes are valid repositories: its figures compare reading and
checking, never the reporting of findings, and its reports get every section."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from isekctl.publishing.reports import DataVersion, report_context
from isekctl.reading.pipeline import load
from isekctl.reading.sources import Directory

from ..conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import generate


@pytest.mark.parametrize("shape", list(generate.SHAPES))
def test_every_shape_is_a_repository_without_findings(tmp_path: Path, shape: str) -> None:
    root = generate.make_shape(tmp_path / shape, shape, 40)
    outcome = load(Directory(root), use_cache=False, today=generate.TODAY)
    assert [f"{f.location.path}: {f.code} {f.message}" for f in outcome.findings] == []


def test_the_budget_shape_has_what_a_haushalt_has(tmp_path: Path) -> None:
    root = generate.make_shape(tmp_path / "budgets", "budgets", 200)
    outcome = load(Directory(root), use_cache=False, today=generate.TODAY)
    assert outcome.project is not None
    budgets = [m.model.budget for m in outcome.project.measures]
    assert any(not lines for lines in budgets)  # "nicht beziffert"
    assert any(len({line.year for line in lines}) == 1 for lines in budgets if lines)
    assert {line.year for lines in budgets for line in lines} == set(range(2021, 2026))
    assert {line.kind for lines in budgets for line in lines} == {
        "investition",
        "aufwand",
        "personal",
    }
    version = DataVersion("1a2b3c4d5e", generate.TODAY, False)
    context = report_context("haushaltsbericht", outcome.project, version, generate.TODAY)
    assert context["actuals"] and context["unbudgeted"]
    assert [y["year"] for y in context["years"]] == [2021, 2022, 2023, 2024, 2025]
