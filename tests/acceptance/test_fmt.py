"""`isekctl fmt` as the office and the pre-commit hook run it."""

from __future__ import annotations

import re
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


def test_fmt_touches_nothing_but_data_files(tmp_path: Path, run: Run, monkeypatch) -> None:
    repo = build_repo(tmp_path / "repo")
    notes = tmp_path / "notes.txt"
    notes.write_text("Zeile eins\nZeile zwei: mit Doppelpunkt\n", encoding="utf-8")
    workflow = repo / ".github" / "workflows" / "isek.yml"
    venv = repo / ".venv" / "lib" / "x.yaml"
    stray = repo / "data" / "notizen" / "x.yaml"
    for path in (workflow, venv, stray):
        path.parent.mkdir(parents=True)
        path.write_text("b:   1\na:    [ 1,2 ]\n", encoding="utf-8")
    untouched = {p: p.read_bytes() for p in (notes, workflow, venv, stray)}
    result = run("fmt", notes, workflow, stray, "--repo", repo)
    assert result.exit_code == 1
    assert "außerhalb des Datenrepositorys" in result.stderr and "ISEK095" in result.stderr
    assert "isek.yml ist keine Datendatei" in result.stderr
    assert "0 von 3 Dateien formatiert, 3 nicht formatiert" in result.stderr
    monkeypatch.chdir(repo)
    assert run("fmt", ".").exit_code == 0
    assert {p: p.read_bytes() for p in untouched} == untouched


def test_fmt_continues_past_refused_files_with_right_counts_on_both_cores(
    tmp_path: Path, run: Run, monkeypatch
) -> None:
    import isekctl.reading.pipeline

    outcomes = {}
    for jobs in (1, 2):
        repo = build_repo(tmp_path / f"repo-{jobs}")
        measures = repo / "data" / "measures"
        for i in range(250):
            (measures / f"M-{i:03d}.yaml").write_text(
                f"status: laufend\nid: M-{i:03d}\ntitle: 'Maßnahme {i}'\ngoals: [F1]\n"
                "department: FD 10\n",
                encoding="utf-8",
            )
        (measures / "M-000.yaml").unlink()
        (measures / "M-000.yaml").symlink_to(tmp_path / "elsewhere.yaml")
        (tmp_path / "elsewhere.yaml").write_text("id: x\n", encoding="utf-8")
        (measures / "M-001.yaml").write_text("id: M-001\ntitle: Ziel: kaputt\n", encoding="utf-8")
        monkeypatch.setattr(isekctl.reading.pipeline, "default_jobs", lambda jobs=jobs: jobs)
        result = run("fmt", "--repo", repo)
        assert result.exit_code == 1
        lines = [line for line in result.stderr.splitlines() if line.startswith("formatiert: ")]
        assert "formatiert: data/measures/M-249.yaml" in lines
        assert len([line for line in lines if re.search(r"/M-\d{3}\.yaml", line)]) == 248
        assert "ISEK010" in result.stderr and "ISEK001" in result.stderr
        total = len(list(repo.rglob("*.yaml")))
        outcomes[jobs] = result.stderr.splitlines()[-1]
        assert outcomes[jobs] == (
            f"{len(lines)} von {total} Dateien formatiert, 2 nicht formatiert (siehe oben)."
        )
        assert (tmp_path / "elsewhere.yaml").read_text(encoding="utf-8") == "id: x\n"
        assert run("fmt", "--check", "--repo", repo).stderr.splitlines()[-1] == (
            f"0 von {total} Dateien würden geändert, 2 nicht formatiert (siehe oben)."
        )
    assert outcomes[1] == outcomes[2]


def test_leftover_temp_files_of_a_killed_run_are_ignored_and_cleaned_up(
    tmp_path: Path, run: Run
) -> None:
    import os

    repo = build_repo(tmp_path / "repo")
    folder = repo / "data" / "measures"
    leftover = folder / ".M-1.yaml.k3j4h5g6.tmp"
    leftover.write_text("id: M-1\ntitle: halb gesch", encoding="utf-8")
    assert run("validate", "--repo", repo).exit_code == 0, "never read as data"
    assert run("fmt", "--repo", repo).exit_code == 0
    assert leftover.exists(), "a young temp file may belong to a running writer"
    os.utime(leftover, (1_000_000_000, 1_000_000_000))
    assert run("fmt", "--repo", repo).exit_code == 0
    assert not leftover.exists()


def test_outputs_never_overwrite_data_files(example: Path, run: Run) -> None:
    before = (example / "isek.yaml").read_bytes()
    result = run(
        "diff", "2020", "--format", "md", "--out", example / "isek.yaml", "--repo", example
    )
    assert result.exit_code == 1 and "ISEK095" in result.stderr
    assert "Ausgaben überschreiben keine Daten" in result.stderr
    assert (example / "isek.yaml").read_bytes() == before
    target = example / "data" / "measures" / "neu.yaml"
    result = run("diff", "2020", "--format", "json", "--out", target, "--repo", example)
    assert result.exit_code == 1 and not target.exists()


def test_fmt_check_remembers_canonical_contents_in_the_user_cache(
    tmp_path: Path, run: Run, monkeypatch
) -> None:
    repo = build_repo(tmp_path / "repo")
    cache = tmp_path / "cache"
    monkeypatch.setenv("ISEKCTL_CACHE_DIR", str(cache))
    assert run("fmt", "--repo", repo).exit_code == 0
    assert run("fmt", "--check", "--repo", repo).exit_code == 0
    known = cache / "fmt-canonical.bin"
    assert known.is_file() and known.stat().st_mode & 0o077 == 0
    import isekctl.writing.fmt

    calls: list[str] = []
    original = isekctl.writing.fmt.format_bytes
    monkeypatch.setattr(
        isekctl.writing.fmt,
        "format_bytes",
        lambda path, raw: calls.append(path) or original(path, raw),
    )
    assert run("fmt", "--check", "--repo", repo).exit_code == 0
    assert calls == [], "unchanged, already formatted files are not formatted again"
    measure = repo / "data" / "measures" / "M-1.yaml"
    measure.write_text(measure.read_text(encoding="utf-8").replace("id: M-1", "id:   M-1"))
    result = run("fmt", "--check", "--repo", repo)
    assert result.exit_code == 1 and calls == ["data/measures/M-1.yaml"]
    monkeypatch.setenv("ISEKCTL_CACHE_DIR", str(repo / ".cache"))
    assert run("fmt", "--check", "--repo", repo).exit_code == 1
    assert not (repo / ".cache").exists(), "no cache inside the data repository"


def test_new_goal_keeps_bom_and_crlf(repo: Path, run: Run) -> None:
    goals = repo / "data" / "goals" / "ziele.yaml"
    text = goals.read_text(encoding="utf-8")
    goals.write_bytes(b"\xef\xbb\xbf" + ("# Ziele\n" + text).replace("\n", "\r\n").encode())
    result = run("new", "goal", "L2", "--title", "Klima schützen", "--level", "leitziel",
                 "--repo", repo)  # fmt: skip
    assert result.exit_code == 0, result.output
    raw = goals.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf# Ziele\r\n")
    assert raw.count(b"\r\n") == raw.count(b"\n") and b"\r\r" not in raw
    assert raw.endswith(
        "  - id: L2\r\n    title: Klima schützen\r\n    level: leitziel\r\n".encode()
    )


def test_writers_refuse_data_folders_that_lead_out_of_the_repository(
    tmp_path: Path, run: Run
) -> None:
    repo = build_repo(tmp_path / "repo")
    outside = tmp_path / "outside"
    outside.mkdir()
    import shutil

    shutil.rmtree(repo / "data" / "revisions", ignore_errors=True)
    (repo / "data" / "revisions").symlink_to(outside, target_is_directory=True)
    result = run("revision", "freeze", "2026", "--repo", repo)
    assert result.exit_code == 1 and "ISEK095" in result.stderr
    assert "führt aus dem Repository hinaus" in result.stderr
    assert list(outside.iterdir()) == []
