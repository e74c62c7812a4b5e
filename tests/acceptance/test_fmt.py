"""`isekctl fmt` as the office and the pre-commit hook run it."""

from __future__ import annotations

from pathlib import Path

from ..conftest import Run, build_repo


def test_fmt_check_lists_and_writes_nothing(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    measure = repo / "data" / "measures" / "M-1.yaml"
    messy = "status: laufend\ngoals:\n- F1\nid: M-1\ntitle: 'Digitale Terminvergabe'\ndepartment: FD 10\n"
    measure.write_text(messy, encoding="utf-8")
    result = run("fmt", "--check", "--repo", repo)
    assert result.exit_code == 1
    assert "würde geändert: data/measures/M-1.yaml" in result.stdout
    assert measure.read_text(encoding="utf-8") == messy
    result = run("fmt", "--repo", repo)
    assert result.exit_code == 0
    assert measure.read_text(encoding="utf-8").startswith(
        "id: M-1\ntitle: Digitale Terminvergabe\ngoals: [F1]\n"
    )
    assert run("fmt", "--check", "--repo", repo).exit_code == 0
    assert not [p for p in measure.parent.iterdir() if p.name.startswith(".")]


def test_unparseable_file_is_reported_and_left_alone(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    broken = repo / "data" / "measures" / "M-2.yaml"
    broken.write_text("id: M-2\ntitle: Ziel: kaputt\n", encoding="utf-8")
    result = run("fmt", "--repo", repo)
    assert result.exit_code == 1
    assert "ISEK001" in result.stderr
    assert broken.read_text(encoding="utf-8") == "id: M-2\ntitle: Ziel: kaputt\n"


def test_fmt_single_paths(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    goals = repo / "data" / "goals" / "ziele.yaml"
    goals.write_text(
        goals.read_text(encoding="utf-8").replace("themes: [klima]", "themes:\n      - klima"),
        encoding="utf-8",
    )
    assert run("fmt", str(goals), "--repo", repo).exit_code == 0
    assert "themes: [klima]" in goals.read_text(encoding="utf-8")
