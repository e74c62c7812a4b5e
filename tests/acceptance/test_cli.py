from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

import isekctl.reading.pipeline

from ..conftest import CASES, ROOT, Run, build_repo


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A repository with one error (unknown key) and one warning (goal without measure)."""
    return build_repo(tmp_path / "broken", CASES / "ISEK012-unknown-key" / "fail")


def test_validate_clean_text(repo: Path, run: Run) -> None:
    result = run("validate", "--repo", repo)
    assert result.exit_code == 0
    assert result.stdout.strip() == "✔ Keine Befunde – 4 Dateien geprüft."


def test_validate_text_groups_by_file_with_position_code_and_hint(broken: Path, run: Run) -> None:
    result = run("validate", "--repo", broken)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    header = lines.index("data/measures/M-1.yaml")
    assert lines[header + 1].split() == [
        "7:1",
        "Fehler",
        "ISEK012",
        "Unbekanntes",
        "Feld",
        "`titel`.",
    ]
    assert lines[header + 2].strip() == "→ Meinten Sie `title` (Titel)?"
    assert lines[-1] == "✖ 1 Fehler in 1 Datei (4 geprüft)."


def test_errors_come_last_and_the_summary_names_their_files(example: Path, run: Run) -> None:
    """The example warns about 27 late or stale measures; an error must not drown in them."""
    measure = example / "data" / "measures" / "DIGI-AKTENPLAN.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(text.replace("status: laufend", "status: laufen", 1), encoding="utf-8")
    result = run("validate", "--repo", example)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    headers = [line for line in lines if line.startswith("data/")]
    assert headers[-1] == "data/measures/DIGI-AKTENPLAN.yaml" and len(headers) > 20
    assert lines[-1].endswith("Fehler in data/measures/DIGI-AKTENPLAN.yaml.")
    assert lines[-1].startswith("✖ 1 Fehler und ")


def test_validate_json_shape(broken: Path, run: Run) -> None:
    result = run("validate", "--repo", broken, "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["version"] == 1
    assert payload["checked_files"] == 4
    assert payload["summary"] == {"errors": 1, "warnings": 0, "files": 1}
    assert payload["findings"] == [
        {
            "path": "data/measures/M-1.yaml",
            "line": 7,
            "col": 1,
            "code": "ISEK012",
            "severity": "error",
            "message": "Unbekanntes Feld `titel`.",
            "hint": "Meinten Sie `title` (Titel)?",
        }
    ]


def test_validate_github_annotations_are_escaped(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "r", CASES / "ISEK001-yaml-syntax" / "fail")
    result = run("validate", "--repo", repo, "--format", "github")
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=data/measures/M-1.yaml,line=2,col=12,title=ISEK001::")
    assert "%0A" not in first and "\n" not in first
    assert first.count("::") == 2, "the message must not contain another workflow command"
    assert result.stdout.splitlines()[-1].startswith("✖ ")


def test_github_escapes_data_and_properties() -> None:
    from isekctl.findings import Finding, Location
    from isekctl.terminal.findings import github

    item = Finding(Location("data/a,b:c.yaml", 3, 4), "ISEK012", "zwei\nZeilen 100%\r::warning::x")
    line = github([item], 1).splitlines()[0]
    assert line == (
        "::error file=data/a%2Cb%3Ac.yaml,line=3,col=4,title=ISEK012::zwei%0AZeilen 100%25%0D::warning::x"
    )


def test_validate_gitlab_code_quality(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "r", CASES / "ISEK071-report-status" / "fail")
    (repo / "data" / "measures" / "M-2.yaml").write_text(
        (repo / "data" / "measures" / "M-1.yaml").read_text(encoding="utf-8").replace("M-1", "M-2"),
        encoding="utf-8",
    )
    result = run("validate", "--repo", repo, "--format", "gitlab")
    assert result.exit_code == 0  # warnings only
    report = json.loads(result.stdout)
    assert [r["check_name"] for r in report] == ["ISEK071", "ISEK071"]
    assert report[0]["severity"] == "minor"
    assert report[0]["location"] == {"path": "data/measures/M-1.yaml", "lines": {"begin": 5}}
    assert len({r["fingerprint"] for r in report}) == 2


def test_strict_turns_warnings_into_exit_1(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "r", CASES / "ISEK070-goal-without-measure" / "fail")
    assert run("validate", "--repo", repo).exit_code == 0
    assert run("validate", "--repo", repo, "--strict").exit_code == 1


def test_usage_errors_exit_2(repo: Path, run: Run) -> None:
    assert run("validate", "--repo", repo, "--format", "xml").exit_code == 2
    assert run("validate", "--no-such-option").exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_missing_repository_is_a_finding_not_a_traceback(tmp_path: Path, run: Run) -> None:
    result = run("validate", "--repo", tmp_path / "nirgends")
    assert result.exit_code == 2  # an unusable argument, like a folder that is no repository
    assert "ISEK090" in result.stderr
    assert "Traceback" not in result.output


def test_internal_error_is_one_line_and_exit_3(
    repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object, **__: object) -> None:
        raise RuntimeError("kaputt")

    monkeypatch.setattr(isekctl.reading.pipeline, "load", explode)
    result = run("validate", "--repo", repo)
    assert result.exit_code == 3
    assert "Interner Fehler (RuntimeError)" in result.stderr
    assert "--debug" in result.stderr
    assert "Traceback" not in result.output
    with pytest.raises(RuntimeError, match="kaputt"):
        run("validate", "--repo", repo, "--debug")


def test_the_bundled_example_runs_only_when_asked_for(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("validate", "--example")
    assert result.exit_code == 0
    assert "mitgelieferte Beispiel" in result.stderr
    assert "ISEK072" in result.stdout and "Fehler" not in result.stdout


def test_repository_is_found_from_a_subfolder(
    repo: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "data" / "measures")
    result = run("validate")
    assert result.exit_code == 0
    assert "4 Dateien" in result.stdout


def test_shipped_example_has_no_findings_but_what_is_overdue_today(run: Run) -> None:
    """The example is true to its sources of 2020 and 2024: measured against today, some of
    its measures are past their end and its Statusberichte old. validate says so (and only
    that), so --strict fails on it."""
    result = run("validate", "--repo", ROOT, "--no-cache", "--format", "json")
    assert result.exit_code == 0, result.stdout
    codes = Counter(f["code"] for f in json.loads(result.stdout)["findings"])
    assert set(codes) == {"ISEK072", "ISEK073"}, codes
    assert codes["ISEK072"] >= 10, "ends in 2020-2025 that the sources do not report as reached"
    assert run("validate", "--repo", ROOT, "--strict", "--no-cache").exit_code == 1


def test_terminal_output_neutralises_control_sequences_and_markup(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "r")
    measure = repo / "data" / "measures" / "M-1.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(text + '"\\e[2J[bold red]x[/bold red]": 1\n', encoding="utf-8")
    result = run("validate", "--repo", repo)
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout
    assert "\\x1b[2J[bold red]x[/bold red]" in result.stdout


def test_schema_command_writes_one_schema_per_kind(tmp_path: Path, run: Run) -> None:
    result = run("schema", "--out", tmp_path / "s")
    assert result.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert names == [
        "goals.schema.json",
        "isek.schema.json",
        "measure.schema.json",
        "revision.schema.json",
    ]
    measure = json.loads((tmp_path / "s" / "measure.schema.json").read_text(encoding="utf-8"))
    assert measure["required"] == ["id", "title", "goals", "department", "status"]
    assert measure["additionalProperties"] is False
    assert "Fachdienst" in measure["properties"]["department"]["description"]


def test_shipped_schemas_are_current_and_referenced(tmp_path: Path, run: Run) -> None:
    run("schema", "--out", tmp_path)
    for generated in tmp_path.iterdir():
        shipped = ROOT / "schemas" / generated.name
        assert shipped.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8"), (
            "schemas/ is stale: run `isekctl schema --out schemas`"
        )
    for path in [ROOT / "isek.yaml", *sorted((ROOT / "data").rglob("*.yaml"))]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=")[1]).resolve()
        assert target.is_file(), f"{path}: {target}"


def test_no_write_outside_out_dir_and_no_data_change(example: Path, run: Run) -> None:
    before = {p: p.read_bytes() for p in example.rglob("*") if p.is_file()}
    run("validate", "--repo", example)
    after = {p: p.read_bytes() for p in example.rglob("*") if p.is_file()}
    assert before == after
    assert not list(example.glob(".isekctl*"))
    assert os.environ["ISEKCTL_CACHE_DIR"]


@pytest.mark.parametrize("command", [["report"], ["export"], ["schema"]])
def test_a_dash_is_no_output_folder(
    example: Path, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    result = run(*command, "--repo", example, "--out", "-")
    assert result.exit_code == 2
    assert "Verzeichnis angeben" in result.stderr
    assert list((tmp_path / "cwd").iterdir()) == []


def test_a_dash_as_output_file_is_standard_output(
    example: Path, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    result = run("diff", "2020", "--repo", example, "--format", "md", "--out", "-")
    assert result.exit_code == 0
    assert "# " in result.stdout
    assert list((tmp_path / "cwd").iterdir()) == []


def test_unwritable_output_is_a_plain_error(
    example: Path, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import isekctl.writing.atomic

    def refuse(target: Path, *_: object, **__: object) -> None:
        raise PermissionError(13, "Keine Berechtigung", str(target))

    monkeypatch.setattr(isekctl.writing.atomic, "write_pieces", refuse)
    result = run("report", "--repo", example, "-k", "zielsystem", "--out", tmp_path / "berichte")
    assert result.exit_code == 1
    assert "Fehler:" in result.stderr and "Keine Berechtigung" in result.stderr
    assert "Interner Fehler" not in result.stderr
    # the site is staged file by file beside its folder
    monkeypatch.setattr(Path, "write_bytes", refuse)
    result = run("report", "--repo", example, "--out", tmp_path / "site")
    assert result.exit_code == 1
    assert "Fehler:" in result.stderr and "Keine Berechtigung" in result.stderr
    assert "Interner Fehler" not in result.stderr
    assert [p.name for p in (tmp_path / "site").iterdir()] == [], "nothing half-written stays"


@pytest.mark.parametrize("command", [["tree"], ["show", "F1"], ["report"], ["export"]])
def test_commands_needing_the_configuration_stop_with_its_findings(
    repo: Path, tmp_path: Path, run: Run, command: list[str]
) -> None:
    (repo / "isek.yaml").write_text(
        (repo / "isek.yaml").read_text(encoding="utf-8") + "levels: 3\n", encoding="utf-8"
    )
    out = ["--out", str(tmp_path / "out")] if command[0] in ("report", "export") else []
    result = run(*command, "--repo", repo, *out)
    assert result.exit_code == 1
    assert "ISEK006" in result.stderr and "ISEK096" in result.stderr
    assert "Interner Fehler" not in result.output
    assert not (tmp_path / "out").exists()
