from __future__ import annotations

import json
import shutil
from pathlib import Path

import git
import pytest

from ..conftest import ROOT, TESTS, Golden, Run

EVERY = TESTS / "diff_cases" / "every-class"
GOLDEN = TESTS / "golden"
SUFFIX = {"text": "txt", "md": "md", "html": "html", "json": "json"}


@pytest.fixture
def in_every(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the case folder, so directory labels are `old` and `new` wherever the checkout is."""
    monkeypatch.chdir(EVERY)


@pytest.mark.usefixtures("in_every")
@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_every_change_class_golden(fmt: str, run: Run, golden: Golden) -> None:
    result = run("diff", "old", "new", "--repo", "new", "--format", fmt)
    assert result.exit_code == 0, result.output
    golden(EVERY / f"expected.{SUFFIX[fmt]}", result.stdout)


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_shipped_example_against_2020_golden(fmt: str, run: Run, golden: Golden) -> None:
    result = run("diff", "2020", "--repo", ROOT, "--format", fmt)
    assert result.exit_code == 0, result.output
    golden(GOLDEN / f"diff-2020.{SUFFIX[fmt]}", result.stdout)


def test_every_class_is_covered_by_the_hand_written_trees(run: Run) -> None:
    from isekctl.comparing.semantic import CLASSES

    result = run("diff", EVERY / "old", EVERY / "new", "--repo", EVERY / "new", "--format", "json")
    seen = {(c["entity"], c["kind"]) for c in json.loads(result.stdout)["changes"]}
    assert seen == set(CLASSES)


def test_json_shape(run: Run) -> None:
    payload = json.loads(run("diff", "2020", "--repo", ROOT, "--format", "json").stdout)
    assert payload["version"] == 1
    assert (payload["old"], payload["new"], payload["compared_measures"]) == (
        "Revision 2020",
        "Arbeitsstand",
        False,
    )
    klima = next(c for c in payload["changes"] if c["id"] == "KLIMA" and c["kind"] == "reworded")
    words = klima["fields"][0]["words"]
    assert [w["op"] for w in words] == ["-", "+"]
    assert words[0]["text"] == "Klimaschutz aktiv gestalten"


def test_budget_delta_is_in_json(run: Run) -> None:
    payload = json.loads(
        run("diff", EVERY / "old", EVERY / "new", "--repo", EVERY / "new", "-f", "json").stdout
    )
    budget = next(c for c in payload["changes"] if c["kind"] == "budget")
    assert [(f["field"], f["old"], f["new"], f["delta"]) for f in budget["fields"]] == [
        ("budget.2026.aufwand", 15000, 20000, 5000),
        ("budget.2026.personal", None, 45000, 45000),
    ]


def test_exit_code_like_git(run: Run, tmp_path: Path) -> None:
    assert run("diff", "2020", "--repo", ROOT, "--exit-code").exit_code == 1
    assert (
        run("diff", EVERY / "new", EVERY / "new", "--repo", EVERY / "new", "--exit-code").exit_code
        == 0
    )
    same = run("diff", EVERY / "new", EVERY / "new", "--repo", EVERY / "new")
    assert "Keine Änderungen." in same.stdout
    del tmp_path


def test_unknown_revision_names_the_known_ones(run: Run) -> None:
    result = run("diff", "2019", "--repo", ROOT)
    assert result.exit_code == 1
    assert "ISEK092" in result.stderr and "2019" in result.stderr and "2020" in result.stderr


def test_html_is_a_synopse_with_del_and_ins(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "synopse.html"
    result = run("diff", "2020", "--repo", ROOT, "--format", "html", "--out", out)
    assert result.exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert '<html lang="de">' in html
    assert "<del>Klimaschutz aktiv gestalten</del>" in html
    assert "<ins>Natürliche Lebensgrundlage sichern und klimaneutral werden</ins>" in html
    assert "bisher (Revision 2020)" in html and "neu (Arbeitsstand)" in html
    assert "http" not in html.split("<body>")[0].replace("http-equiv", ""), "no network requests"


# --- git sources ---------------------------------------------------------------------------


def _commit_tree(repo: git.Repo, tree: Path, message: str) -> None:
    work = Path(repo.working_tree_dir or ".")
    for child in work.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(tree, work, dirs_exist_ok=True, symlinks=True)
    repo.git.add(A=True)
    repo.index.commit(
        message,
        author=git.Actor("Test", "t@example.invalid"),
        committer=git.Actor("Test", "t@example.invalid"),
    )


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A git repository: commit 1 = old tree, commit 2 (tag v2) = new tree."""
    work = tmp_path / "repo"
    work.mkdir()
    repo = git.Repo.init(work)
    _commit_tree(repo, EVERY / "old", "alt")
    repo.create_tag("v1")
    _commit_tree(repo, EVERY / "new", "neu")
    repo.create_tag("v2")
    return work


def test_git_ref_equals_directory_diff(history: Path, run: Run) -> None:
    from_dirs = run(
        "diff", EVERY / "old", EVERY / "new", "--repo", EVERY / "new", "-f", "json"
    ).stdout
    from_git = run("diff", "git:v1", "git:HEAD", "--repo", history, "-f", "json").stdout
    assert json.loads(from_git)["changes"] == json.loads(from_dirs)["changes"]
    assert json.loads(from_git)["old"] == "git:v1"


def test_git_ref_against_working_tree_with_uncommitted_changes(history: Path, run: Run) -> None:
    measure = history / "data" / "measures" / "M-3.yaml"
    measure.write_text(
        measure.read_text(encoding="utf-8").replace("geplant", "laufend"), encoding="utf-8"
    )
    result = run("diff", "git:HEAD", "--repo", history, "-f", "json")
    changes = json.loads(result.stdout)["changes"]
    assert [(c["id"], c["kind"]) for c in changes] == [("M-3", "status")]
    assert git.Repo(history).is_dirty(), "nothing was checked out or reset"


def test_git_diff_reads_objects_not_the_work_tree(history: Path, run: Run) -> None:
    """With the work tree emptied and a broken file in it, two refs still compare as committed."""
    shutil.rmtree(history / "data" / "measures")
    (history / "data" / "goals" / "ziele.yaml").write_text("goals: [kaputt\n", encoding="utf-8")
    from_git = run("diff", "git:v1", "git:v2", "--repo", history, "-f", "json")
    from_dirs = run("diff", EVERY / "old", EVERY / "new", "--repo", EVERY / "new", "-f", "json")
    assert from_git.exit_code == 0 and "Fehler" not in from_git.stderr
    assert json.loads(from_git.stdout)["changes"] == json.loads(from_dirs.stdout)["changes"]
    assert any(c["entity"] == "measure" for c in json.loads(from_git.stdout)["changes"])


@pytest.mark.parametrize(
    "ref", ["--output=pwned.txt", "-O.git/config", "--upload-pack=touch pwned.txt", "", "a\nb"]
)
def test_option_like_refs_are_refused_as_usage_errors(history: Path, run: Run, ref: str) -> None:
    result = run("diff", f"git:{ref}", "--repo", history)
    assert result.exit_code == 2
    assert "keine gültige git-Revision" in result.stderr
    assert not list(history.parent.rglob("pwned*")) and not (Path.cwd() / "pwned.txt").exists()


@pytest.mark.parametrize(
    "ref", ["gibtsnicht", "HEAD:../../etc/passwd", "refs/heads/../../config", "v9"]
)
def test_unknown_refs_name_the_ref(history: Path, run: Run, ref: str) -> None:
    result = run("diff", f"git:{ref}", "--repo", history)
    assert result.exit_code == 1
    assert f"`{ref}`" in result.stderr and "ISEK091" in result.stderr
    assert "fetch-depth" in result.stderr


def test_committed_symlink_is_not_followed(history: Path, run: Run) -> None:
    repo = git.Repo(history)
    link = history / "data" / "measures" / "M-9.yaml"
    link.symlink_to("/etc/passwd")
    repo.git.add(A=True)
    repo.index.commit(
        "symlink", author=git.Actor("T", "t@x.invalid"), committer=git.Actor("T", "t@x.invalid")
    )
    result = run("diff", "git:HEAD", "git:HEAD", "--repo", history)
    assert result.exit_code == 0
    assert "1 Fehler" in result.stderr


def test_not_a_git_repository(tmp_path: Path, run: Run) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(EVERY / "new", plain)
    result = run("diff", "git:HEAD", "--repo", plain)
    assert result.exit_code == 1
    assert "kein git-Repository" in result.stderr
