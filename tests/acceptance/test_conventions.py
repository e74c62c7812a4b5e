"""Conventions every command keeps: German throughout (the library's own words too),
results on stdout and notices on stderr, --color, --quiet, annotations in CI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from isekctl.cli import app

from ..conftest import CASES, Run, build_repo

# English the command-line library would write if it were not translated
ENGLISH = re.compile(
    r"\b(Usage|Options|Arguments|Commands|Show this message|default:|required|Error|Try '|"
    r"Possible options|No such|Missing|Invalid value|Did you mean|Aborted|is not one of|"
    r"does not match|not in the range|Input should|requires an argument|current shell)\b"
)


def _command_paths() -> list[list[str]]:
    """Every command and group of the tree, as the words one types."""
    import typer.main

    paths: list[list[str]] = [[]]

    def walk(command: object, prefix: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            paths.append([*prefix, name])
            walk(sub, [*prefix, name])

    walk(typer.main.get_command(app), [])
    return paths


@pytest.mark.parametrize("words", _command_paths(), ids=lambda w: " ".join(w) or "isekctl")
def test_help_is_german(words: list[str], run: Run) -> None:
    result = run(*words, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Aufruf: ")
    assert "Optionen:" in result.stdout and "Diese Hilfe anzeigen und beenden." in result.stdout
    assert not ENGLISH.search(result.stdout), ENGLISH.search(result.stdout)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate", "--bogus"], "Fehler: Diese Option gibt es nicht: --bogus"),
        (["validate", "--format", "xml"], "'xml' ist nicht erlaubt; möglich sind: 'text'"),
        (["validate", "--jobs", "x"], "Ungültiger Wert für '--jobs' / '-j': "),
        (["validate", "--jobs", "0"], "Ungültiger Wert für '--jobs' / '-j': "),
        (["diff"], "Fehler: Das Argument 'old' fehlt."),
        (["bogus"], "Fehler: Den Befehl 'bogus' gibt es nicht."),
        (["new", "measure", "M-1", "--title"], "Fehler: Die Option '--title' braucht einen Wert."),
        (
            ["report", "--stichtag", "2020-13-01"],
            "'2020-13-01' ist kein Datum der Form JJJJ-MM-TT.",
        ),
        (["validate", "extra"], "Fehler: Unerwartete weitere Angaben: extra"),
        (["export", "--repo", "/gibt/es/nicht/datei.txt", "--format", "csv"], "Fehler"),
    ],
)
def test_usage_errors_are_german_and_exit_2(args: list[str], expected: str, run: Run) -> None:
    result = run(*args)
    assert expected.lower() in result.stderr.lower(), result.stderr  # OLD or old: Typer's choice
    assert not ENGLISH.search(result.stderr), result.stderr
    assert result.exit_code in (1, 2)
    if args[0] != "export":
        assert result.exit_code == 2


def test_a_usage_error_shows_the_german_usage_line_and_where_help_is(run: Run) -> None:
    result = run("validate", "--bogus")
    assert result.stderr.splitlines()[:2] == [
        "Aufruf: isekctl validate [OPTIONEN]",
        "Hilfe: isekctl validate -h",
    ]
    assert result.stdout == ""


def test_without_arguments_the_help_is_shown(run: Run) -> None:
    result = run()
    assert "Aufruf: isekctl [OPTIONEN] BEFEHL [ARGUMENTE]..." in result.output
    assert "Befehle:" in result.output and not ENGLISH.search(result.output)


# --- stdout for results, stderr for notices, --quiet --------------------------------------


def test_writing_commands_notify_on_stderr_only(example: Path, tmp_path: Path, run: Run) -> None:
    for args in (
        ["report", "--repo", example, "--out", tmp_path / "r", "--kind", "zielsystem"],
        ["export", "--repo", example, "--out", tmp_path / "e", "--base-url", "https://x.example/"],
        ["schema", "--out", tmp_path / "s"],
        ["diff", "2020", "--repo", example, "--format", "md", "--out", tmp_path / "d.md"],
        ["init", tmp_path / "neu", "--municipality", "Gemeinde Test", "--ci", "none"],
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)
        assert result.stdout == "", (args, result.stdout)
        assert re.search(r"^(geschrieben|angelegt): ", result.stderr, re.M), (args, result.stderr)


def test_quiet_leaves_out_notices_but_not_results_or_errors(
    example: Path, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run("-q", "report", "--repo", example, "--out", tmp_path / "r", "--kind", "zielsystem")
    assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
    assert (tmp_path / "r" / "zielsystem.html").is_file()
    clean = run("-q", "validate", "--repo", build_repo(tmp_path / "clean"))
    assert clean.exit_code == 0 and clean.stdout == "" and clean.stderr == ""
    broken = build_repo(tmp_path / "broken", CASES / "ISEK041-unknown-department" / "fail")
    found = run("--quiet", "validate", "--repo", broken)
    assert found.exit_code == 1 and "ISEK041" in found.stdout
    stop = run("-q", "validate", "--repo", tmp_path / "gibt-es-nicht")
    assert stop.exit_code == 2 and "ISEK090" in stop.stderr
    # the bundled example's notice is a notice too
    (tmp_path / "leer").mkdir()
    monkeypatch.chdir(tmp_path / "leer")
    assert "Hinweis" not in run("-q", "tree", "--example").stderr
    assert "Hinweis" in run("tree", "--example").stderr


# --- colours ---------------------------------------------------------------------------


def test_color_always_never_and_auto(tmp_path: Path, run: Run) -> None:
    broken = build_repo(tmp_path / "broken", CASES / "ISEK041-unknown-department" / "fail")
    always = run("--color", "always", "validate", "--repo", broken)
    assert "\x1b[" in always.stdout, "--color always wins over NO_COLOR and a pipe"
    never = run("--color", "never", "validate", "--repo", broken)
    auto = run("validate", "--repo", broken)
    assert "\x1b[" not in never.stdout and "\x1b[" not in auto.stdout
    assert never.stdout == auto.stdout
    bad = run("--color", "bunt", "validate")
    assert bad.exit_code == 2 and "'bunt' ist nicht erlaubt" in bad.stderr


# --- annotations in CI ------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for variable in ("GITHUB_ACTIONS", "GITLAB_CI"):
        monkeypatch.delenv(variable, raising=False)
    return build_repo(tmp_path / "broken", CASES / "ISEK041-unknown-department" / "fail")


def test_github_actions_gets_annotations_without_asking(
    broken: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run("validate", "--repo", broken)
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=data/measures/M-1.yaml,line=")
    assert "ISEK041" in result.stderr, "the log keeps the readable text"
    text = run("validate", "--repo", broken, "--format", "text")
    assert text.stdout.startswith("data/measures/M-1.yaml") and "::error" not in text.stdout


def test_gitlab_ci_gets_code_quality_without_asking(
    broken: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITLAB_CI", "true")
    result = run("validate", "--repo", broken)
    assert result.exit_code == 1
    (entry,) = json.loads(result.stdout)
    assert (
        entry["check_name"] == "ISEK041" and entry["location"]["path"] == "data/measures/M-1.yaml"
    )
    assert "ISEK041" in result.stderr


def test_outside_ci_the_text_format_stays(broken: Path, run: Run) -> None:
    result = run("validate", "--repo", broken)
    assert result.stdout.startswith("data/measures/M-1.yaml") and result.stderr == ""
