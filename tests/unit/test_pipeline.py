from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from isekctl.findings import Finding
from isekctl.reading.pipeline import load
from isekctl.reading.sources import Directory

from ..conftest import ROOT

# What the example shows against today: measures past their end, old Statusberichte
OVERDUE = {"ISEK072", "ISEK073"}


def _beyond_overdue(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code not in OVERDUE]


def test_cache_serves_unchanged_runs_and_notices_every_change(
    example: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    source = Directory(example)
    cold = load(source, cache_root=cache, need_project=False)
    warm = load(source, cache_root=cache, need_project=False)
    assert not cold.from_cache and warm.from_cache
    assert warm.findings == cold.findings
    assert _beyond_overdue(cold.findings) == []

    measure = example / "data" / "measures" / "DIGI-WLAN.yaml"
    measure.write_text(
        measure.read_text(encoding="utf-8").replace("status: geplant", "status: unklar"),
        encoding="utf-8",
    )
    changed = load(source, cache_root=cache, need_project=False)
    assert not changed.from_cache
    assert [f.code for f in _beyond_overdue(changed.findings)] == ["ISEK042"]

    config = example / "isek.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("zurueckgestellt]", "zurueckgestellt, unklar]"),
        encoding="utf-8",
    )
    assert _beyond_overdue(load(source, cache_root=cache, need_project=False).findings) == []


def test_cached_project_equals_fresh_project(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load(Directory(example), cache_root=cache)
    second = load(Directory(example), cache_root=cache)
    assert first.project is not None and second.project is not None
    assert [m.model for m in first.project.measures] == [m.model for m in second.project.measures]
    assert [g.model for g in first.project.goals] == [g.model for g in second.project.goals]


def test_today_is_part_of_the_run(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    now = load(Directory(example), cache_root=cache, need_project=False)
    assert _beyond_overdue(now.findings) == []
    past = load(Directory(example), cache_root=cache, need_project=False, today=date(2021, 1, 1))
    late = [f for f in past.findings if f.code == "ISEK072"]
    assert 0 < len(late) < sum(f.code == "ISEK072" for f in now.findings)
    assert {f.code for f in _beyond_overdue(past.findings)} == {"ISEK053"}, (
        "reports after 2021-01-01 are in that day's future"
    )


def test_parallel_and_serial_loading_agree(tmp_path: Path) -> None:
    repo = tmp_path / "many"
    shutil.copytree(ROOT / "data", repo / "data")
    shutil.copy2(ROOT / "isek.yaml", repo / "isek.yaml")
    template = (repo / "data" / "measures" / "DIGI-WLAN.yaml").read_text(encoding="utf-8")
    for i in range(450):
        text = template.replace("DIGI-WLAN", f"X-{i:04d}")
        if i % 97 == 0:
            text = text.replace("status: geplant", "status: offen")
        (repo / "data" / "measures" / f"X-{i:04d}.yaml").write_text(text, encoding="utf-8")
    serial = load(Directory(repo), use_cache=False, jobs=1)
    parallel = load(Directory(repo), use_cache=False, jobs=2)
    assert serial.findings == parallel.findings
    assert len(_beyond_overdue(serial.findings)) == 5
    assert serial.project is not None and parallel.project is not None
    assert [m.model.id for m in serial.project.measures] == [
        m.model.id for m in parallel.project.measures
    ]


def test_a_file_with_schema_errors_still_gets_its_cross_file_checks(tmp_path: Path) -> None:
    from ..conftest import build_repo, write_tree

    repo = build_repo(tmp_path / "repo")
    write_tree(repo, {"data/measures/M-1.yaml": (
        "id: M-1\ntitle: Terminvergabe\ngoals: [F9]\ndepartment: FD 10\nstatus: Laufend\n"
        "rating: grün\nbudget:\n  - {year: 2025, kind: aufwand, amount: 5.000}\n"
    )})  # fmt: skip
    outcome = load(Directory(repo), use_cache=False, need_project=False)
    assert [f.code for f in outcome.findings] == ["ISEK021", "ISEK042", "ISEK013", "ISEK058"]


def test_a_required_field_in_error_keeps_the_file_out(tmp_path: Path) -> None:
    from ..conftest import build_repo, write_tree

    repo = build_repo(tmp_path / "repo")
    write_tree(
        repo,
        {
            "data/measures/M-1.yaml": "id: M-1\ntitle: x\ngoals: F9\ndepartment: FD 10\nstatus: Laufend\n"
        },
    )
    outcome = load(Directory(repo), use_cache=False)
    assert [f.code for f in outcome.findings] == ["ISEK013"]
    assert outcome.project is not None and outcome.project.measures == []


def test_links_and_special_files_are_never_followed(tmp_path: Path) -> None:
    import os

    from ..conftest import build_repo

    outside = tmp_path / "geheim"
    (outside / "data" / "measures").mkdir(parents=True)
    (outside / "data" / "measures" / "X.yaml").write_text("id: X\n", encoding="utf-8")
    repo = build_repo(tmp_path / "repo")
    shutil.rmtree(repo / "data" / "revisions")
    (repo / "data" / "revisions").symlink_to(
        outside / "data" / "measures", target_is_directory=True
    )
    (repo / "data" / "measures" / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(repo / "data" / "measures" / "pipe.yaml")
    outcome = load(Directory(repo), use_cache=False)
    codes = {(f.location.path, f.code) for f in outcome.findings}
    assert ("data/revisions", "ISEK010") in codes
    assert ("data/measures/zero.yaml", "ISEK010") in codes
    assert ("data/measures/pipe.yaml", "ISEK010") in codes
    assert outcome.project is not None and outcome.project.revisions == []


def test_a_goal_twice_in_a_revision_is_reported(tmp_path: Path) -> None:
    from ..conftest import build_repo

    repo = build_repo(tmp_path / "repo")
    revision = repo / "data" / "revisions" / "2024.yaml"
    text = revision.read_text(encoding="utf-8")
    revision.write_text(
        text + "  - id: L1\n    title: Doppelt\n    level: leitziel\n", encoding="utf-8"
    )
    outcome = load(Directory(repo), use_cache=False, need_project=False)
    assert [(f.code, f.location.line, f.message) for f in outcome.findings] == [
        ("ISEK020", 17, "Die ID `L1` steht zweimal in der Revision 2024.")
    ]


def many_measures(tmp_path: Path, count: int = 450) -> Path:
    repo = tmp_path / "many"
    shutil.copytree(ROOT / "data", repo / "data")
    shutil.copy2(ROOT / "isek.yaml", repo / "isek.yaml")
    template = (repo / "data" / "measures" / "DIGI-WLAN.yaml").read_text(encoding="utf-8")
    for i in range(count):
        text = template.replace("DIGI-WLAN", f"X-{i:04d}")
        if i % 97 == 0:
            text = text.replace("status: geplant", "status: offen")
        (repo / "data" / "measures" / f"X-{i:04d}.yaml").write_text(text, encoding="utf-8")
    return repo


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_workers_agree_with_one_process(
    method: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows and macOS start workers with `spawn` (a fresh interpreter, arguments pickled)."""
    import multiprocessing
    import time

    from isekctl.reading import pipeline

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} on this platform")
    repo = many_measures(tmp_path)
    serial = load(Directory(repo), use_cache=False, jobs=1)
    monkeypatch.setattr(pipeline, "START_METHOD", method)
    monkeypatch.setattr(pipeline, "FILES_PER_SPAWN", 100)
    real_work = pipeline._work
    mine: list[str] = []

    def slow_work(source: object, task: tuple[str, object, object]) -> object:
        mine.append(task[0])  # only in this process: the worker's tasks are not counted here
        time.sleep(0.004)  # leaves the worker tasks even when it starts late (spawn)
        return real_work(source, task)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_work", slow_work)
    parallel = load(Directory(repo), cache_root=tmp_path / "cache", jobs=2)
    assert 0 < len(mine) < len(serial.project.measures if serial.project else []), (
        "both processes took tasks"
    )
    assert parallel.findings == serial.findings
    assert [f.code for f in serial.findings].count("ISEK042") == 5
    assert [(f.location, f.message) for f in parallel.findings] == [
        (f.location, f.message) for f in serial.findings
    ]
    assert serial.project is not None and parallel.project is not None
    assert [m.model for m in parallel.project.measures] == [
        m.model for m in serial.project.measures
    ]


def test_a_worker_that_dies_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from isekctl.reading import pipeline

    repo = many_measures(tmp_path)
    serial = load(Directory(repo), use_cache=False, jobs=1)
    pid = os.getpid()

    def dying(*args: object) -> None:
        if os.getpid() != pid:  # in the forked worker: take tasks, then die before sending
            for _ in pipeline._claims(args[2], len(args[0]), 8):  # type: ignore[arg-type]
                pass
            os._exit(1)

    if pipeline._start_method() != "fork":
        pytest.skip("replacing the worker needs fork")
    monkeypatch.setattr(pipeline, "_child", dying)
    survived = load(Directory(repo), use_cache=False, jobs=2)
    assert survived.findings == serial.findings
    assert survived.project is not None and serial.project is not None
    assert len(survived.project.measures) == len(serial.project.measures)


def test_a_one_command_process_keeps_what_it_loaded_and_a_library_caller_does_not(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line ends with os._exit, so the data it loaded need not be taken apart
    when a command returns; a longer-lived caller must get its memory back."""
    from isekctl import memory

    kept: list[object] = []
    monkeypatch.setattr(memory, "_KEPT", kept)
    outcome = load(Directory(example), cache_root=tmp_path)
    assert kept == []
    monkeypatch.setattr(memory, "ONE_COMMAND", True)
    outcome = load(Directory(example), cache_root=tmp_path)
    assert len(kept) == 1 and kept[0] is outcome
