"""The JSON Schemas an editor uses: they refuse what `validate` refuses and know the
repository's words (`isekctl schema --repo`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ..conftest import Run

MEASURE: dict[str, Any] = {
    "id": "M-1",
    "title": "WLAN in Schulen",
    "goals": ["F1"],
    "department": "FD 32",
    "status": "geplant",
}


def _errors(schema: dict[str, Any], data: dict[str, Any]) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema", reason="pip install jsonschema")
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [error.message for error in validator.iter_errors(data)]


def _as_editor_reads(path: Path) -> Any:
    """YAML 1.2 as the editor's language server reads it: dates stay text."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regex) for tag, regex in resolvers if not tag.endswith(":timestamp")]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def _schemas(run: Run, out: Path, *options: str | Path) -> dict[str, dict[str, Any]]:
    result = run("schema", "--out", out, *options)
    assert result.exit_code == 0, result.output
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}


@pytest.mark.parametrize(
    ("field", "value"),
    [("start", "2021-13"), ("end", "2021-00"), ("start", "2021-09-32"), ("start", "2021-1")],
)
def test_schema_refuses_impossible_months_and_days(
    field: str, value: str, tmp_path: Path, run: Run
) -> None:
    schema = _schemas(run, tmp_path)["measure.schema.json"]
    assert _errors(schema, {**MEASURE, "start": "2021-Q3", "end": "2022-12-31"}) == []
    assert _errors(schema, {**MEASURE, field: value})


def test_schema_refuses_month_13_in_report_dates(tmp_path: Path, run: Run) -> None:
    schema = _schemas(run, tmp_path)["measure.schema.json"]
    report = {"date": "2024-02-29", "status": "laufend", "text": "Begonnen."}
    assert _errors(schema, {**MEASURE, "reports": [report]}) == []
    assert _errors(schema, {**MEASURE, "reports": [{**report, "date": "2024-13-01"}]})


@pytest.mark.parametrize("title", ["", "   "])
def test_empty_title_is_refused_by_schema_and_validate(
    title: str, repo: Path, tmp_path: Path, run: Run
) -> None:
    schema = _schemas(run, tmp_path / "schemas")["measure.schema.json"]
    assert _errors(schema, {**MEASURE, "title": title})
    (repo / "data" / "measures" / "M-9.yaml").write_text(
        f"id: M-9\ntitle: '{title}'\ngoals: [F1]\ndepartment: FD 32\nstatus: geplant\n",
        encoding="utf-8",
    )
    result = run("validate", "--repo", repo, "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    (empty,) = [f for f in findings if f["code"] == "ISEK013"]
    assert (empty["path"], empty["line"]) == ("data/measures/M-9.yaml", 2)
    assert "Titel darf nicht leer sein" in empty["message"]
    assert {f["code"] for f in findings} <= {"ISEK013", "ISEK061"}  # 061: the blanks


def test_schema_for_a_repository_offers_its_words(repo: Path, tmp_path: Path, run: Run) -> None:
    generic = _schemas(run, tmp_path / "generic")
    specific = _schemas(run, tmp_path / "specific", "--repo", repo)
    measure, goals = specific["measure.schema.json"], specific["goals.schema.json"]
    props = measure["properties"]
    assert props["department"]["enum"] == ["FD 10", "FD 32"]
    assert props["status"]["enum"] == ["geplant", "laufend", "abgeschlossen"]
    assert props["themes"]["items"]["enum"] == ["klima"]
    assert (
        measure["$defs"]["StatusReport"]["properties"]["status"]["enum"] == props["status"]["enum"]
    )
    assert props["department"]["description"].startswith("Federführender Fachdienst")
    goal = goals["$defs"]["Goal"]["properties"]
    assert goal["level"]["enum"] == ["leitziel", "fachziel"]
    # product areas `1` and `'02'`: as written, and as the numbers YAML makes of them
    (area_values, _) = goal["product_area"]["anyOf"]
    assert area_values["anyOf"] == [
        {"type": "string", "enum": ["1", "02"]},
        {"type": "integer", "enum": [1, 2]},
    ]
    typo = {**MEASURE, "department": "FD 23", "status": "geplannt"}
    assert len(_errors(measure, typo)) == 2
    assert _errors(generic["measure.schema.json"], typo) == []
    assert _errors(measure, {**MEASURE, "product_area": 2, "themes": ["klima"]}) == []
    # the words are what validate accepts: the base repository is clean against them
    for path in sorted((repo / "data" / "measures").glob("*.yaml")):
        assert _errors(measure, _as_editor_reads(path)) == [], path
    # revisions keep the words of their day; isek.yaml is the same as the generic one
    assert specific["revision.schema.json"] == generic["revision.schema.json"]
    assert specific["isek.schema.json"] == generic["isek.schema.json"]


def test_schema_for_a_repository_with_a_broken_config_stops(tmp_path: Path, run: Run) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "isek.yaml").write_text("municipality: [\n", encoding="utf-8")
    result = run("schema", "--out", tmp_path / "s", "--repo", tmp_path / "repo")
    assert result.exit_code == 1
    assert not (tmp_path / "s").exists()
