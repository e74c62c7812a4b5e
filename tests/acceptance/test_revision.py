from __future__ import annotations

import json
import re
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
    assert len(data["goals"]) == len(list(_goal_ids(example)))
    assert [m["id"] for m in data["measures"]] == sorted(
        p.stem for p in (example / "data" / "measures").glob("*.yaml")
    ), "the measures are frozen with the goals"
    assert "Maßnahmen" in result.stderr
    validated = run("validate", "--repo", example, "--format", "json")
    assert validated.exit_code == 0
    # the new decided revision covers 2023/2024 and its Finanzplanung to 2027: the 2021/2022
    # budget lines are history and the 2025 ones are inside, so nothing to warn about but
    # what is overdue today (late measures, old Statusberichte)
    codes = {f["code"] for f in json.loads(validated.stdout)["findings"]}
    assert codes <= {"ISEK072", "ISEK073"}
    assert run("diff", "2022", "--repo", example, "--exit-code").exit_code == 0
    compared = json.loads(run("diff", "2022", "--repo", example, "-f", "json").stdout)
    assert compared["compared_measures"] is True and compared["changes"] == []
    assert compared["old"]["label"] == (
        "Beschluss der Ratsversammlung vom 15.03.2022, Drucksache 0100/2022/DS"
    )
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")], (
        "no temp file left behind"
    )


def _goal_ids(repo: Path) -> list[str]:
    return [
        goal["id"]
        for path in sorted((repo / "data" / "goals").glob("*.yaml"))
        for goal in yaml.safe_load(path.read_text(encoding="utf-8"))["goals"]
    ]


def test_freeze_then_diff_round_trip_with_measures(example: Path, run: Run) -> None:
    """Freeze, change a goal and a measure, and the diff against the frozen state shows exactly
    those changes; the goals keep their Begründung (rationale)."""
    goals = example / "data" / "goals" / "gesamtstaedtisch.yaml"
    first = _goal_ids(example)[0]
    text = goals.read_text(encoding="utf-8")
    text = text.replace(f"  - id: {first}\n", f"  - id: {first}\n    rationale: Begründung.\n", 1)
    goals.write_text(text, encoding="utf-8")
    frozen = run("revision", "freeze", "2024", "--repo", example, "--decided-on", "2024-02-20",
                 "--decided-by", "Ratsversammlung", "--resolution", "0100/2024/DS")  # fmt: skip
    assert frozen.exit_code == 0, frozen.output
    revision = yaml.safe_load((example / "data" / "revisions" / "2024.yaml").read_text("utf-8"))
    assert revision["goals"][0]["rationale"] == "Begründung."
    assert run("diff", "2024", "--repo", example, "--exit-code").exit_code == 0

    measure = sorted((example / "data" / "measures").glob("*.yaml"))[0]
    data = measure.read_text(encoding="utf-8")
    status = re.search(r"^status: (\S+)$", data, re.MULTILINE)
    assert status
    other = "geplant" if status.group(1) != "geplant" else "laufend"
    measure.write_text(data.replace(status.group(0), f"status: {other}", 1), encoding="utf-8")
    text = re.sub(r"(\n    title: )(.*)\n", r"\1\2 und mehr\n", text, count=1)
    goals.write_text(text, encoding="utf-8")
    payload = json.loads(run("diff", "2024", "--repo", example, "-f", "json").stdout)
    assert [(c["entity"], c["kind"], c["id"]) for c in payload["changes"]] == [
        ("goal", "reworded", first),
        ("measure", "status", measure.stem),
    ]


def test_freeze_goals_only_keeps_the_old_form(example: Path, run: Run) -> None:
    result = run("revision", "freeze", "2024", "--repo", example, "--goals-only")
    assert result.exit_code == 0, result.output
    revision = yaml.safe_load((example / "data" / "revisions" / "2024.yaml").read_text("utf-8"))
    assert "measures" not in revision
    payload = json.loads(run("diff", "2024", "--repo", example, "-f", "json").stdout)
    assert payload["compared_measures"] is False and payload["changes"] == []
    assert payload["measures_note"] == (
        "Maßnahmen werden nicht verglichen, weil der Fortschreibungsentwurf 2024 nur die Ziele "
        "enthält."
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
    for years in ["zwei", "２０２５", "2025,٢٠٢٦", "25"]:
        freeze = run("revision", "freeze", "2024", "--repo", example, "--budget-years", years)
        assert freeze.exit_code == 2, years
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
