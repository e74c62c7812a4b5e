from __future__ import annotations

import json
from pathlib import Path

import yaml

from ..conftest import Run


def test_freeze_writes_a_valid_revision_and_diff_is_empty(example: Path, run: Run) -> None:
    result = run(
        "revision", "freeze", "2022", "--repo", example, "--title", "ISEK-Zielsystem 2022",
        "--decided-by", "Ratsversammlung", "--decided-on", "2022-03-15", "--resolution", "0100/2022/DS",
        "--budget-years", "2023,2024",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    target = example / "data" / "revisions" / "2022.yaml"
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/revision.schema.json\n")
    data = yaml.safe_load(text)
    assert (data["id"], data["state"], data["budget_years"]) == (
        "2022",
        "beschlossen",
        [2023, 2024],
    )
    assert str(data["decided_on"]) == "2022-03-15"
    assert len(data["goals"]) == 31
    validated = run("validate", "--repo", example, "--format", "json")
    assert validated.exit_code == 0
    # the new decided revision covers 2023/2024: the 2021/2022 budget lines are now outside
    assert {f["code"] for f in json.loads(validated.stdout)["findings"]} == {"ISEK055"}
    assert run("diff", "2022", "--repo", example, "--exit-code").exit_code == 0
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")], (
        "no temp file left behind"
    )


def test_freeze_refuses_an_existing_revision_without_force(example: Path, run: Run) -> None:
    before = (example / "data" / "revisions" / "2020.yaml").read_bytes()
    result = run("revision", "freeze", "2020", "--repo", example)
    assert result.exit_code == 1
    assert "ISEK093" in result.stderr and "--force" in result.stderr
    assert (example / "data" / "revisions" / "2020.yaml").read_bytes() == before
    forced = run("revision", "freeze", "2020", "--repo", example, "--force")
    assert forced.exit_code == 0
    assert run("diff", "2020", "--repo", example, "--exit-code").exit_code == 0


def test_freeze_refuses_bad_ids_and_arguments(example: Path, run: Run) -> None:
    for bad in ["../../evil", "CON", "a/b", ".versteckt"]:
        result = run("revision", "freeze", bad, "--repo", example)
        assert result.exit_code == 2, bad
    assert not list(example.rglob("evil*"))
    assert (
        run("revision", "freeze", "2024", "--repo", example, "--budget-years", "zwei").exit_code
        == 2
    )
    assert (
        run("revision", "freeze", "2024", "--repo", example, "--decided-on", "15.03.2024").exit_code
        == 2
    )


def test_freeze_refuses_invalid_goals(example: Path, run: Run) -> None:
    goals = example / "data" / "goals" / "gesamtstaedtisch.yaml"
    goals.write_text(
        goals.read_text(encoding="utf-8").replace("level: gesamtstaedtisch", "level: 7", 1),
        encoding="utf-8",
    )
    result = run("revision", "freeze", "2024", "--repo", example)
    assert result.exit_code == 1
    assert not (example / "data" / "revisions" / "2024.yaml").exists()


def test_freeze_does_not_write_into_the_bundled_example(
    tmp_path: Path, run: Run, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("revision", "freeze", "2030", "--example")
    assert result.exit_code == 2
    assert "In das mitgelieferte Beispiel wird nichts geschrieben" in result.stderr
