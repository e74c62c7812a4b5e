"""A data repository prepared by someone else: its git configuration, its file names, a
shallow CI checkout, and the streams the output goes to must neither run anything,
crash nor mislead (issue 9)."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import git
import pytest

from ..conftest import CASES, ROOT, Run, build_repo

ACTOR = git.Actor("Test", "t@example.invalid")


def _commit(repo: git.Repo, message: str) -> None:
    repo.git.add(A=True)
    repo.index.commit(message, author=ACTOR, committer=ACTOR)


def _python_env(**extra: str) -> dict[str, str]:
    """The environment for `python -m isekctl` that imports this checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "ISEKCTL_DEBUG")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


# --- the repository's git configuration is never executed -----------------------------------


@pytest.fixture
def armed(tmp_path: Path) -> tuple[Path, Path]:
    """A data repository whose git configuration runs a command wherever git allows one.

    Every such command appends to the marker file. Two commits (HEAD~1 exists), a
    filter and a diff driver for every YAML file, and an uncommitted change in the work
    tree, so `git status` would consult the fsmonitor and run the clean filter.
    """
    work = build_repo(tmp_path / "repo")
    repo = git.Repo.init(work)
    _commit(repo, "eins")
    measure = work / "data" / "measures" / "M-1.yaml"
    measure.write_text(measure.read_text(encoding="utf-8") + "description: zwei\n", "utf-8")
    _commit(repo, "zwei")
    marker = tmp_path / "marker"
    script = tmp_path / "evil.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> {marker}\ncat\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in ("pre-commit", "post-checkout", "post-index-change", "reference-transaction",
                 "fsmonitor-watchman", "pre-auto-gc", "post-rewrite"):  # fmt: skip
        shutil.copy(script, hooks / hook)
    included = tmp_path / "included.gitconfig"
    included.write_text(f"[core]\n\tpager = {script} pager\n", encoding="utf-8")
    with repo.config_writer() as config:
        config.set_value("core", "fsmonitor", f"{script} fsmonitor")
        config.set_value("core", "hooksPath", str(hooks))
        config.set_value("core", "pager", f"{script} pager")
        config.set_value("core", "sshCommand", f"{script} ssh")
        config.set_value("core", "editor", f"{script} editor")
        config.set_value("diff", "external", f"{script} external")
        config.set_value('filter "evil"', "clean", f"{script} clean")
        config.set_value('filter "evil"', "smudge", f"{script} smudge")
        config.set_value('filter "evil"', "process", f"{script} process")
        config.set_value('diff "evil"', "textconv", f"{script} textconv")
        config.set_value("pager", "status", f"{script} pager-status")
        config.set_value("include", "path", str(included))
    (work / ".gitattributes").write_text("* filter=evil diff=evil\n", encoding="utf-8")
    measure.write_text(measure.read_text(encoding="utf-8") + "product: 1.1.1.01\n", "utf-8")
    return work, marker


def test_no_command_runs_the_repositorys_git_configuration(
    armed: tuple[Path, Path], run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work, marker = armed
    monkeypatch.chdir(work)
    out = tmp_path / "out"
    commands = [
        ("validate",),
        ("diff", "git:HEAD~1"),
        ("diff", "git:HEAD~1", "--format", "md"),
        ("diff", "git:HEAD~1", "git:HEAD", "--format", "html", "--out", out / "synopse.html"),
        ("diff", "git:HEAD", "--format", "json"),
        ("report", "--format", "md", "--out", out / "md"),
        ("report", "--format", "html", "--out", out / "html"),
        ("export", "--out", out / "csv"),
        ("export", "--format", "json", "--out", out / "json"),
        ("show", "M-1"),
        ("tree",),
        ("fmt", "--check"),
        ("fmt",),
        ("new", "measure", "M-9", "--title", "Neu", "--goal", "F1", "--department", "FD 10"),
        ("new", "goal", "L9", "--title", "Neu", "--level", "leitziel"),
        ("revision", "freeze", "2031"),
        ("schema", "--out", out / "schemas"),
        ("init", work / "neu", "--municipality", "Teststadt"),
    ]
    for args in commands:
        result = run(*args)
        assert result.exit_code in (0, 1), (args, result.output)
        assert "Interner Fehler" not in result.output, args
        assert not marker.exists(), f"{args} ran: {marker.read_text(encoding='utf-8')}"
    assert (out / "md" / "zielsystem.md").is_file() and (out / "csv" / "measures.csv").is_file()
    assert "nicht eingecheckten" in (out / "md" / "zielsystem.md").read_text(encoding="utf-8")
    # the same as a real process (GitPython is imported afresh there)
    for args in (("report", "--out", out / "p"), ("diff", "git:HEAD~1", "--format", "md")):
        done = subprocess.run(
            [sys.executable, "-m", "isekctl", *map(str, args)],
            cwd=work, env=_python_env(), capture_output=True, text=True,
        )  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
    assert not marker.exists(), marker.read_text(encoding="utf-8")
    # the trap is real: git itself runs it
    subprocess.run(["git", "status"], cwd=work, capture_output=True, check=False)
    assert marker.exists(), "the configuration did not arm git; the test proves nothing"


def test_the_work_tree_state_is_seen_without_git(armed: tuple[Path, Path]) -> None:
    """Uncommitted data changes are found by hashing the files (CRLF checkouts count as clean)."""
    from isekctl.reading.sources import git_version

    work, marker = armed
    found = git_version(work)
    assert found is not None and found[2] is True
    git.Repo(work).git.checkout("--", "data")  # run by the test, not by isekctl
    marker.unlink(missing_ok=True)
    assert git_version(work) == (found[0], found[1], False)
    measure = work / "data" / "measures" / "M-1.yaml"
    measure.write_bytes(measure.read_bytes().replace(b"\n", b"\r\n"))
    assert git_version(work) == (found[0], found[1], False)
    (work / "data" / "measures" / "M-2.yaml").write_text("id: M-2\n", encoding="utf-8")
    assert git_version(work) == (found[0], found[1], True)
    assert not marker.exists()


def test_shallow_clone_names_the_fetch_depth(tmp_path: Path, run: Run) -> None:
    origin = build_repo(tmp_path / "origin")
    repo = git.Repo.init(origin)
    _commit(repo, "eins")
    (origin / "data" / "measures" / "M-1.yaml").write_text("id: M-1\n", encoding="utf-8")
    _commit(repo, "zwei")
    shallow = tmp_path / "shallow"
    git.Repo.clone_from(origin.as_uri(), shallow, depth=1)
    for ref in ("HEAD~1", "HEAD~2"):
        result = run("diff", f"git:{ref}", "--repo", shallow)
        assert result.exit_code == 2, result.output
        assert "flach" in result.stderr and "fetch-depth: 0" in result.stderr
        assert "Interner Fehler" not in result.stderr
    assert run("diff", "git:HEAD", "--repo", shallow).exit_code == 0


# --- no silent fallback to the bundled example ----------------------------------------------

READ_COMMANDS = [
    ("validate",),
    ("report", "--out", "berichte"),
    ("export", "--out", "opendata"),
    ("diff", "2020"),
    ("show", "M-1"),
    ("tree",),
    ("fmt", "--check"),
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: a[0])
def test_an_empty_git_repository_is_not_a_data_repository(
    args: tuple[str, ...], tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    git.Repo.init(tmp_path)
    (tmp_path / "data" / "bilder").mkdir(parents=True)  # a data/ folder of another project
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "kein ISEK-Datenrepository" in result.stderr
    assert "--example" in result.stderr and "--repo" in result.stderr
    assert not (tmp_path / "src" / "berichte").exists()
    assert not (tmp_path / "src" / "opendata").exists()


def test_ci_outside_a_git_repository_is_refused_too(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CI", "true")
    result = run("validate")
    assert result.exit_code == 2 and "kein ISEK-Datenrepository" in result.stderr
    assert "Keine Befunde" not in result.stdout


def test_repo_option_must_point_at_a_data_repository(tmp_path: Path, run: Run) -> None:
    result = run("validate", "--repo", tmp_path)
    assert result.exit_code == 2 and "kein ISEK-Datenrepository" in result.stderr
    missing = run("validate", "--repo", tmp_path / "fehlt")
    assert missing.exit_code == 2 and "gibt es nicht" in missing.stderr


def test_example_flag_reads_the_example_and_never_writes_it(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("report", "--example", "--format", "md", "--kind", "zielsystem")
    assert result.exit_code == 0, result.output
    assert "Neumünster" in (tmp_path / "berichte" / "zielsystem.md").read_text(encoding="utf-8")
    assert "mitgelieferte Beispiel" in result.stderr
    for args in (("fmt",), ("new", "measure", "X-1", "--title", "x", "--goal", "a",
                            "--department", "b")):  # fmt: skip
        refused = run(*args, "--example")
        assert refused.exit_code == 2 and "nichts geschrieben" in refused.stderr
    both = run("validate", "--example", "--repo", ROOT)
    assert both.exit_code == 2


def test_a_fresh_clone_of_this_repository_is_a_data_repository(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's quick start runs `isekctl validate` in the clone's root."""
    monkeypatch.chdir(ROOT)
    result = run("validate")
    assert result.exit_code == 0 and "mitgelieferte Beispiel" not in result.stderr


# --- file names ---------------------------------------------------------------------------


@pytest.fixture
def odd_names(tmp_path: Path) -> Path:
    """A repository with a file name that is not UTF-8 and one that contains a line break."""
    work = build_repo(tmp_path / "repo")
    measures = os.fsencode(work / "data" / "measures")
    for name in (b"caf\xe9.yaml", "x\n✔ Keine Befunde – 9 Dateien geprüft.yaml".encode()):
        with open(os.path.join(measures, name), "wb") as handle:
            handle.write(b"id: M-7\n")
    return work


@pytest.mark.parametrize(
    "args",
    [*READ_COMMANDS, ("diff", "2024"), ("fmt",), ("revision", "freeze", "2031"),
     ("new", "goal", "L7", "--title", "x", "--level", "leitziel")],
    ids=lambda a: "-".join(a[:3]),
)  # fmt: skip
def test_odd_file_names_are_findings_not_crashes(
    args: tuple[str, ...], odd_names: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(odd_names)
    result = run(*args)
    assert result.exit_code in (0, 1), result.output
    assert "Interner Fehler" not in result.output


def test_odd_file_names_are_shown_escaped(odd_names: Path, run: Run) -> None:
    result = run("validate", "--repo", odd_names)
    assert result.exit_code == 1
    assert "data/measures/caf\\xe9.yaml" in result.stdout
    assert "data/measures/x\\n✔ Keine Befunde – 9 Dateien geprüft.yaml" in result.stdout
    assert not [line for line in result.stdout.splitlines() if line.lstrip().startswith("✔")]
    assert result.stdout.count("ISEK016") == 2


def test_odd_file_names_in_a_commit(odd_names: Path, run: Run) -> None:
    git.Repo.init(odd_names)
    for command in (
        ["add", "-A"],
        ["-c", "user.name=T", "-c", "user.email=t@x", "commit", "-qm", "1"],
    ):
        subprocess.run(["git", *command], cwd=odd_names, check=True)  # GitPython's index can't
    result = run("diff", "git:HEAD", "--repo", odd_names, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "Interner Fehler" not in result.stderr


# --- output streams ---------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_output_encodings_that_lack_characters(encoding: str, tmp_path: Path) -> None:
    clean = build_repo(tmp_path / "clean")
    broken = build_repo(tmp_path / "broken", CASES / "ISEK012-unknown-key" / "fail")
    for repo, code in ((clean, 0), (broken, 1)):
        done = subprocess.run(
            [sys.executable, "-m", "isekctl", "validate", "--repo", str(repo)],
            env=_python_env(PYTHONIOENCODING=encoding), capture_output=True,
        )  # fmt: skip
        assert done.returncode == code, done.stderr
        assert b"Interner Fehler" not in done.stderr
        if code == 0:
            assert done.stdout.startswith(b"? Keine Befunde"), done.stdout


def _closed_pipe(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run with stdout connected to a pipe whose reader has gone (`| head -c0`)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "isekctl", *args],
            cwd=cwd, env=_python_env(), stdout=write, stderr=subprocess.PIPE,
        )  # fmt: skip
    finally:
        os.close(write)


def test_a_closed_pipe_is_a_quiet_exit_and_all_files_are_written(tmp_path: Path) -> None:
    clean = build_repo(tmp_path / "clean")
    done = _closed_pipe(["report", "--format", "md", "--out", "berichte"], clean)
    assert done.returncode == 0, done.stderr
    assert b"Fehler" not in done.stderr  # notices ("geschrieben: …") go to stderr
    assert len(list((clean / "berichte").glob("*.md"))) == 4, (
        "the public reports (the Haushaltsbericht is internal)"
    )
    done = _closed_pipe(["export", "--out", "opendata"], clean)
    assert done.returncode == 0 and b"Fehler" not in done.stderr
    assert (clean / "opendata" / "datapackage.json").is_file()
    broken = build_repo(tmp_path / "broken", CASES / "ISEK012-unknown-key" / "fail")
    for args, code in ((["validate"], 1), (["diff", "2024"], 0), (["tree"], 0)):
        done = _closed_pipe(args, broken)
        assert done.returncode == code, (args, done.stderr)
        assert b"Interner Fehler" not in done.stderr and b"Traceback" not in done.stderr


# --- the YAML test suite through the commands -------------------------------------------

SUITE = Path(__file__).resolve().parent.parent / "yaml_suite"


def test_no_yaml_suite_case_crashes_a_read_only_command(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All 402 cases as measure files of one repository: validate, diff and report."""
    suite = build_repo(tmp_path / "suite")
    invalid, originals = set(), {}
    for case in sorted(p.parent for p in SUITE.glob("**/in.yaml")):
        name = case.relative_to(SUITE).as_posix().replace("/", "-")
        target = suite / "data" / "measures" / f"Y-{name}.yaml"
        shutil.copyfile(case / "in.yaml", target)
        originals[target] = target.read_bytes()
        if (case / "error").exists():
            invalid.add(f"data/measures/Y-{name}.yaml")
    monkeypatch.chdir(suite)
    result = run("validate", "--format", "json", "--no-cache")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    with_errors = {f["path"] for f in findings if f["severity"] == "error"}
    assert invalid <= with_errors, sorted(invalid - with_errors)
    for args in (
        ("diff", "2024"),
        ("diff", "2024", "--format", "md"),
        ("diff", str(tmp_path / "suite"), str(build_repo(tmp_path / "base")), "--format", "json"),
        ("report", "--format", "md", "--out", str(tmp_path / "berichte")),
        ("export", "--out", str(tmp_path / "opendata")),
        ("tree",),
    ):
        done = run(*args)
        assert done.exit_code in (0, 1), (args, done.output[-2000:])
        assert "Interner Fehler" not in done.output
    assert all(path.read_bytes() == raw for path, raw in originals.items())


def test_a_goal_cycle_is_reported_at_the_link_that_closes_it(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    (repo / "data" / "goals" / "ziele.yaml").write_text(
        "goals:\n"
        "  - id: L1\n    title: Verwaltung zukunftsfähig gestalten\n    level: leitziel\n"
        "  - id: F1\n    title: Digitalisierung gestalten\n    level: fachziel\n"
        "    product_area: 1\n    parent: F2\n"
        "  - id: F2\n    title: Klima schützen\n    level: fachziel\n"
        "    product_area: 1\n    parent: L1\n    contributes_to: [L1, F1]\n",
        encoding="utf-8",
    )
    result = run("validate", "--repo", repo, "--format", "json")
    cycles = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "ISEK030"]
    assert [(f["line"], f["col"]) for f in cycles] == [(15, 26)], cycles  # the `F1` of F2
    assert "F1 → F2 → F1" in cycles[0]["message"]


def test_a_file_of_one_megabyte_is_refused_by_the_documented_limit(
    tmp_path: Path, run: Run
) -> None:
    repo = build_repo(tmp_path / "repo")
    big = repo / "data" / "goals" / "gross.yaml"
    big.write_text("goals: [" + "F1," * 333_332 + "F1]\n", encoding="utf-8")
    assert big.stat().st_size >= 1_000_000
    for args in (("validate", "--format", "json"), ("fmt", "--check")):
        started = time.perf_counter()
        result = run(*args, "--repo", repo)
        assert time.perf_counter() - started < 10
        assert result.exit_code == 1
        assert "data/goals/gross.yaml" in result.output and "ISEK007" in result.output
        assert "512 KiB" in result.output


# --- data that tries to reach the reader of a report ------------------------------------------


def _measure_with(work: Path, **fields: str) -> Path:
    """The base measure M-1 with extra top-level fields (values written as YAML literals)."""
    measure = work / "data" / "measures" / "M-1.yaml"
    extra = "".join(f"{key}: {value}\n" for key, value in fields.items())
    measure.write_text(measure.read_text(encoding="utf-8") + extra, "utf-8")
    return measure


def test_markdown_report_drops_images_and_script_links(tmp_path: Path, run: Run) -> None:
    work = build_repo(tmp_path / "repo")
    _measure_with(
        work,
        description="|\n  Plan ![Karte](https://evil.example/p.png) ansehen [hier][1].\n\n"
        "  [1]: javascript:alert(8)\n",
    )
    out = tmp_path / "out"
    result = run("report", "--repo", work, "--kind", "massnahmenliste", "--format", "md",
                 "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (out / "massnahmenliste.md").read_text(encoding="utf-8")
    assert "Plan Karte ansehen" in text
    assert "evil.example" not in text
    assert "[1]: javascript" not in text


# --- links inside the repository do not redirect writes -----------------------------------------


@pytest.fixture
def workflows_behind_revisions(tmp_path: Path) -> Path:
    """data/revisions is a link to .github/workflows: inside the repository, yet a trap."""
    work = build_repo(tmp_path / "repo")
    workflows = work / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("on: push\njobs: {a: {runs-on: x}}\n", encoding="utf-8")
    shutil.rmtree(work / "data" / "revisions")
    (work / "data" / "revisions").symlink_to(Path("..") / ".github" / "workflows")
    return work


def test_writers_refuse_a_data_folder_linked_inside_the_repository(
    workflows_behind_revisions: Path, run: Run
) -> None:
    work = workflows_behind_revisions
    workflows = work / ".github" / "workflows"
    before = (workflows / "ci.yml").read_bytes()
    run("fmt", "--repo", work)
    assert (workflows / "ci.yml").read_bytes() == before, "fmt reformatted the workflow"
    result = run("revision", "freeze", "2030", "--repo", work)
    assert result.exit_code == 1 and "ISEK095" in result.stderr
    assert "data/revisions ist ein symbolischer Link" in result.stderr
    assert "geschrieben" not in result.stderr
    assert sorted(p.name for p in workflows.iterdir()) == ["ci.yml"]
    validate = run("validate", "--repo", work)
    assert validate.exit_code == 1 and "ISEK010" in validate.output
    assert "Der Ordner data/revisions ist ein symbolischer Link" in validate.output


def test_new_refuses_a_linked_measures_folder(tmp_path: Path, run: Run) -> None:
    work = build_repo(tmp_path / "repo")
    (work / "elsewhere").mkdir()
    for item in (work / "data" / "measures").iterdir():
        shutil.move(item, work / "elsewhere" / item.name)
    (work / "data" / "measures").rmdir()
    (work / "data" / "measures").symlink_to(Path("..") / "elsewhere")
    result = run("new", "measure", "M-2", "--title", "Neu", "--goal", "F1", "--department",
                 "FD 10", "--repo", work)  # fmt: skip
    assert result.exit_code == 1 and "ISEK095" in result.stderr, result.output
    assert not (work / "elsewhere" / "M-2.yaml").exists()


@pytest.mark.parametrize("linked", [".github", "data", "docs", "schemas"])
def test_init_does_not_write_through_a_linked_folder(tmp_path: Path, run: Run, linked: str) -> None:
    target, away = tmp_path / "neu", tmp_path / "away"
    target.mkdir()
    away.mkdir()
    (target / linked).symlink_to(away)
    result = run("init", target, "--municipality", "Musterstadt", "--ci", "github")
    assert result.exit_code == 1 and "ISEK095" in result.stderr, result.output
    assert f"{linked} ist ein symbolischer Link" in result.stderr
    assert list(away.iterdir()) == []
    assert sorted(p.name for p in target.iterdir()) == [linked], "nothing written at all"


# --- data cannot write lines of its own into a CI log --------------------------------------------

COMMAND = "::warning file=isek.yaml,line=1::Alle Daten geprüft"


def _no_command_lines(output: str) -> None:
    commands = [line for line in output.splitlines() if line.lstrip().startswith("::")]
    assert commands == [], "a line of the output reads as a CI workflow command"


def test_line_breaks_from_the_data_cannot_start_a_workflow_command(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = build_repo(tmp_path / "repo")
    repo = git.Repo.init(work)
    _commit(repo, "eins")
    payload = json.dumps(f"VERWALTUNG\n{COMMAND}")
    measure = work / "data" / "measures" / "M-1.yaml"
    text = measure.read_text(encoding="utf-8").replace("goals: [F1]", f"goals: [F1, {payload}]")
    text = text.replace("title: Digitale Terminvergabe", "title: Termine online")
    text = text.replace(
        "department: FD 10", f"department: {json.dumps('FD 10' + chr(0x2028) + COMMAND)}"
    )
    measure.write_text(text + f"description: {payload}\n", encoding="utf-8")
    for columns in ("80", "200"):
        monkeypatch.setenv("COLUMNS", columns)  # wrapped lines must not start with `::` either
        result = run("validate", "--repo", work, "--format", "text")
        assert result.exit_code == 1 and "VERWALTUNG\\n" in result.output
        _no_command_lines(result.output)
        assert "::warning" not in result.output, "a wrapped line could start with it"
    valid = measure.read_text(encoding="utf-8").replace(f"goals: [F1, {payload}]", "goals: [F1]")
    measure.write_text(valid, encoding="utf-8")
    for columns in ("80", "200"):
        monkeypatch.setenv("COLUMNS", columns)
        diff = run("diff", "git:HEAD", "--repo", work, "--format", "text")
        assert "Termine" in diff.output
        _no_command_lines(diff.output)
        assert "::warning" not in diff.output, "a wrapped line could start with it"
    measure.write_text(text + f"description: {payload}\n", encoding="utf-8")
    github = run("validate", "--repo", work, "--format", "github")
    commands = [line for line in github.output.splitlines() if line.startswith("::")]
    assert commands and all(
        re.match(
            r"::(error|warning) file=data/measures/M-1\.yaml,line=\d+,col=\d+,title=ISEK\d{3}::", c
        )
        for c in commands
    ), "every workflow command is one of isekctl's findings, none comes from the data"


def test_a_stop_prints_its_location_on_one_line(tmp_path: Path, run: Run) -> None:
    work = build_repo(tmp_path / "repo")
    name = f"x\n{COMMAND}.md.j2"
    (work / "templates").mkdir()
    (work / "templates" / "zielsystem.md.j2").write_text(
        f"{{% include {json.dumps(name)} %}}\n", encoding="utf-8"
    )
    (work / "templates" / name).write_text("{{ nichts.da }}\n", encoding="utf-8")
    result = run("report", "--repo", work, "-k", "zielsystem", "-f", "md", "-o", tmp_path / "o")
    assert result.exit_code == 1 and "ISEK089" in result.stderr
    _no_command_lines(result.stderr)


# --- data is never read as terminal markup -------------------------------------------------------

MARKUP = "[link=https://evil.example]Klick[/link] [reverse]X[/reverse]"


@pytest.mark.parametrize(
    "args", [["show", "M-1"], ["show", "F1"], ["show", "Klick"], ["tree"]], ids=" ".join
)
def test_rich_markup_in_the_data_is_shown_as_text(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    work = build_repo(tmp_path / "repo")
    goals = work / "data" / "goals" / "ziele.yaml"
    goals.write_text(
        goals.read_text(encoding="utf-8").replace(
            "title: Digitalisierung gestalten", f"title: {json.dumps('Digital ' + MARKUP)}"
        ),
        encoding="utf-8",
    )
    measure = work / "data" / "measures" / "M-1.yaml"
    text = measure.read_text(encoding="utf-8")
    text = text.replace("title: Digitale Terminvergabe", f"title: {json.dumps(MARKUP)}")
    text = text.replace(
        "text: Freigeschaltet.", 'text: "[bold red]Rot[/] [link=https://x.example]L[/link]"'
    )
    measure.write_text(text + f"description: {json.dumps(MARKUP)}\n", encoding="utf-8")
    result = run("--color", "always", *args, "--repo", work)
    assert result.exit_code == 0, result.output
    assert "\x1b[" in result.output, "colours are on"
    assert "\x1b]8;" not in result.output, "an OSC 8 hyperlink from the data"
    assert "\x1b[7m" not in result.output, "reverse video from the data"
    if args != ["tree"]:
        assert "[link=https://evil.example]Klick[/link]" in result.output
    if args == ["show", "M-1"]:
        assert "[bold red]Rot[/]" in result.output


def test_script_links_stop_the_open_data_export(tmp_path: Path, run: Run) -> None:
    work = build_repo(tmp_path / "repo")
    _measure_with(work, resolutions="\n  - {number: 0503/2018/DS, url: 'javascript:alert(8)'}")
    config = work / "isek.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "open_data:\n  publisher_url: 'javascript:alert(3)'\n",
        encoding="utf-8",
    )
    out = tmp_path / "opendata"
    result = run("export", "--repo", work, "-o", out)
    assert result.exit_code == 1
    assert "ISEK046" in result.stderr and "ISEK045" in result.stderr
    assert not out.exists() or not any(out.rglob("*"))


@pytest.mark.parametrize(
    "args",
    [["report", "-k", "zielsystem", "-f", "md"], ["export"], ["report", "-k", "all"]],
    ids=lambda a: " ".join(a),
)
def test_outputs_do_not_go_through_a_linked_folder_of_the_repository(
    tmp_path: Path, run: Run, args: list[str]
) -> None:
    """A pull request can commit `public` → somewhere in the runner's home."""
    work = build_repo(tmp_path / "repo")
    away = tmp_path / "away"
    away.mkdir()
    (work / "public").symlink_to(away)
    result = run(*args, "--repo", work, "-o", work / "public" / "out")
    assert result.exit_code == 1 and "ISEK095" in result.stderr, result.output
    assert "public ist ein symbolischer Link" in result.stderr
    assert list(away.iterdir()) == []
