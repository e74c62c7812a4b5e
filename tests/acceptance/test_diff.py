"""`isekctl diff`: goldens of every change class, the JSON contract, git sources, the Synopse."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import git
import pytest

from ..conftest import ROOT, TESTS, Golden, Run

CASES = TESTS / "diff_cases"
EVERY = CASES / "every-class"
CONTINUATION = CASES / "continuation"
COSMETIC = CASES / "cosmetic"
GOLDEN = TESTS / "golden"
SUFFIX = {"text": "txt", "md": "md", "html": "html", "json": "json"}
DAY = "2026-03-12"


@cache
def schema_validator() -> Any:
    """The JSON Schema stated in docs/diff.md."""
    import jsonschema

    text = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")
    block = re.search(r"## JSON-Schema\n.*?```json\n(.*?)```", text, re.DOTALL)
    assert block, "docs/diff.md states the JSON Schema under '## JSON-Schema'"
    schema = json.loads(block.group(1))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def checked(output: str) -> dict[str, Any]:
    """The JSON of `diff --format json`, validated against the documented schema."""
    payload = json.loads(output)
    errors = sorted(schema_validator().iter_errors(payload), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:5]]
    return payload


def diff_json(run: Run, *args: str | Path) -> dict[str, Any]:
    result = run("diff", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return checked(result.stdout)


@pytest.fixture
def in_every(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the case folder, so directory labels are `old` and `new` wherever the checkout is."""
    monkeypatch.chdir(EVERY)


# --- goldens -----------------------------------------------------------------------------


@pytest.mark.usefixtures("in_every")
@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_every_change_class_golden(fmt: str, run: Run, golden: Golden) -> None:
    result = run("diff", "old", "new", "--repo", "new", "--format", fmt, "--stichtag", DAY)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        checked(result.stdout)
    golden(EVERY / f"expected.{SUFFIX[fmt]}", result.stdout)


@pytest.mark.usefixtures("in_every")
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_change_class_compact_golden(fmt: str, run: Run, golden: Golden) -> None:
    result = run("diff", "old", "new", "--repo", "new", "-f", fmt, "--changes-only")
    assert result.exit_code == 0, result.output
    golden(EVERY / f"expected.changes-only.{fmt}", result.stdout)


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_continuations_golden(
    fmt: str, run: Run, golden: Golden, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CONTINUATION)
    result = run("diff", "2023", "--repo", "new", "--format", fmt, "--stichtag", DAY)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        checked(result.stdout)
    golden(CONTINUATION / f"expected.{SUFFIX[fmt]}", result.stdout)


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_shipped_example_against_2020_golden(fmt: str, run: Run, golden: Golden) -> None:
    """Regenerate with `pytest --update-goldens` when the shipped example changes."""
    result = run("diff", "2020", "--repo", ROOT, "--format", fmt, "--stichtag", DAY)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        checked(result.stdout)
    golden(GOLDEN / f"diff-2020.{SUFFIX[fmt]}", result.stdout)


def test_shipped_example_compact_golden(run: Run, golden: Golden) -> None:
    result = run("diff", "2020", "--repo", ROOT, "--format", "md", "--changes-only")
    golden(GOLDEN / "diff-2020.changes-only.md", result.stdout)


def test_every_class_is_covered_by_the_hand_written_trees(run: Run) -> None:
    from isekctl.comparing.semantic import CLASSES

    payload = diff_json(run, EVERY / "old", EVERY / "new", "--repo", EVERY / "new")
    seen = {(c["entity"], c["kind"]) for c in payload["changes"]}
    assert seen == set(CLASSES)


# --- what counts as a change -------------------------------------------------------------


def test_edits_of_form_alone_are_no_change(run: Run) -> None:
    """Re-wrapping, blanks, tabs, NBSP, NFD, quoting, flow style, comments, CRLF, key and goal
    order, moved files, 575.0, `01` for `1`, reordered lists: nothing to report."""
    for old, new in ((COSMETIC / "old", COSMETIC / "new"), (COSMETIC / "new", COSMETIC / "old")):
        result = run("diff", old, new, "--repo", new, "--exit-code")
        assert result.exit_code == 0, result.stdout
        assert "Keine Änderungen." in result.stdout
        assert diff_json(run, old, new, "--repo", new)["changes"] == []


def test_continued_goals_are_compared_with_the_goals_they_continue(run: Run) -> None:
    payload = diff_json(
        run, CONTINUATION / "old", CONTINUATION / "new", "--repo", CONTINUATION / "new"
    )
    found = [(c["kind"], c["id"], c["related"], [f["field"] for f in c["fields"]])
             for c in payload["changes"] if c["entity"] != "measure"]  # fmt: skip
    assert found == [
        ("continued", "S-WOHNEN", ["S-ALT"], ["title"]),
        ("continued", "S-SICHER", ["S-ORDNUNG"], ["title"]),
        ("continued", "S-SICHER", ["S-BRAND"], ["title"]),
        ("continued", "S-DIGITAL-INNEN", ["S-DIGITAL"], ["title"]),
        ("continued", "S-DIGITAL-AUSSEN", ["S-DIGITAL"], ["title"]),
        ("moved", "S-WOHNEN", ["S-ALT"], ["product_area"]),
        ("relinked", "S-WOHNEN", ["S-ALT"], ["sdgs"]),
        ("described", "S-WOHNEN", ["S-ALT"], ["description", "rationale"]),
        ("described", "S-SICHER", ["S-ORDNUNG"], ["rationale"]),
        ("described", "S-SICHER", ["S-BRAND"], ["rationale"]),
        ("changed", "S-WOHN", [], ["target", "values.2024"]),
        ("changed", "S-DIGITAL-ONLINE", [], ["values.2024"]),
    ]
    wohnen = payload["changes"][0]["fields"][0]["words"]
    assert wohnen == [
        {"op": "-", "text": "Wohnstandort", "space": False},
        {"op": "=", "text": "für alle attraktiv gestalten", "space": True},
    ], "deleting the first word keeps the blank after it"
    carried = next(c for c in payload["changes"] if c["id"] == "S-WOHN")
    assert carried["owner"] == "S-WOHNEN"
    assert carried["fields"][1] == {"field": "values.2024", "old": None, "new": 95}
    reports = next(c for c in payload["changes"] if c["kind"] == "reports")
    (report,) = reports["fields"]
    assert report["old"]["status"] == "laufend" and report["new"]["status"] == "erledigt"


def test_a_revision_with_measures_compares_them(run: Run) -> None:
    from_revision = diff_json(run, "2023", "--repo", CONTINUATION / "new")
    from_tree = diff_json(
        run, CONTINUATION / "old", CONTINUATION / "new", "--repo", CONTINUATION / "new"
    )
    assert from_revision["compared_measures"] and from_revision["measures_note"] is None
    assert from_revision["changes"] == from_tree["changes"]
    assert from_revision["old"] == {
        "source": "2023", "kind": "revision", "measures": True,
        "label": "Beschluss der Gemeindevertretung vom 14.03.2023, Drucksache 0042/2023/BV",
    }  # fmt: skip


# --- the JSON contract -------------------------------------------------------------------


def test_json_shape(run: Run) -> None:
    from isekctl.comparing.semantic import CLASSES

    payload = diff_json(run, EVERY / "old", EVERY / "new", "--repo", EVERY / "new")
    assert payload["version"] == 2
    assert payload["old"]["kind"] == payload["new"]["kind"] == "directory"
    assert payload["compared_measures"] is True and payload["measures_note"] is None
    changes = payload["changes"]
    order = list(CLASSES)
    positions = [order.index((c["entity"], c["kind"])) for c in changes]
    assert positions == sorted(positions), "changes come in the documented class order"
    assert [(s["entity"], s["kind"], s["count"]) for s in payload["summary"]] == [
        (e, k, sum(1 for c in changes if (c["entity"], c["kind"]) == (e, k)))
        for e, k in order
        if any((c["entity"], c["kind"]) == (e, k) for c in changes)
    ]

    def change(entity: str, kind: str, ident: str) -> dict[str, Any]:
        return next(
            c for c in changes if (c["entity"], c["kind"], c["id"]) == (entity, kind, ident)
        )

    def field(c: dict[str, Any], name: str) -> dict[str, Any]:
        return next(f for f in c["fields"] if f["field"] == name)

    sdgs = field(change("goal", "relinked", "L1"), "sdgs")
    assert (sdgs["old"], sdgs["new"], sdgs["added"], sdgs["removed"]) == ([16], [16, 9], [9], [])
    moved = field(change("goal", "moved", "F1"), "product_area")
    assert (moved["old"], moved["new"]) == (1, "02"), "product-area keys as isek.yaml writes them"
    assert not any(c["id"] == "F2" and c["kind"] == "moved" for c in changes), "`01` is area 1"
    removed = change("goal", "removed", "F5")
    assert all(f["new"] is None and f["old"] is not None for f in removed["fields"])
    assert field(removed, "product_area")["old"] == "02"
    gone = change("measure", "removed", "M-2")
    assert {f["field"]: f["old"] for f in gone["fields"]} == {
        "goals": ["F2"], "department": "FD 10", "status": "abgeschlossen", "end": "2024",
    }  # fmt: skip
    added = change("measure", "added", "M-3")
    assert field(added, "budget")["new"] == [{"year": 2026, "kind": "investition", "amount": 80000}]
    indicator = change("indicator", "added", "F1-QUOTE")
    assert {f["field"]: f["new"] for f in indicator["fields"]} == {
        "unit": "%", "target": {"year": 2025, "value": 60, "comparison": ">="},
    }  # fmt: skip
    renumbered = [c for c in changes if "F4" in c["related"] or c["id"] in ("F4", "F40")]
    assert [(c["kind"], c["id"], c["related"]) for c in renumbered] == [
        ("renumbered", "F40", ["F4"])
    ], "a renumbering is one change"
    carried = change("indicator", "changed", "F3-WLAN")
    assert carried["owner"] == "F30" and carried["fields"] == [
        {"field": "values.2022", "old": None, "new": 9}
    ]
    names = {f["field"] for c in changes for f in c["fields"]}
    assert "budget_total" not in names
    from isekctl.model import Goal, Indicator, Measure

    data_format = set(Goal.model_fields) | set(Indicator.model_fields) | set(Measure.model_fields)
    assert {n.split(".")[0] for n in names} <= data_format


def test_schema_refuses_what_the_contract_forbids(run: Run) -> None:
    import copy

    payload = diff_json(run, EVERY / "old", EVERY / "new", "--repo", EVERY / "new")

    def refused(mutate: Any) -> bool:
        broken = copy.deepcopy(payload)
        mutate(broken)
        return any(True for _ in schema_validator().iter_errors(broken))

    def first(p: dict[str, Any], entity: str, kind: str) -> dict[str, Any]:
        return next(c for c in p["changes"] if (c["entity"], c["kind"]) == (entity, kind))

    def sdgs_as_text(p: dict[str, Any]) -> None:
        first(p, "goal", "relinked")["fields"][0]["new"] = ["16", "9"]
        first(p, "goal", "relinked")["fields"][0]["field"] = "sdgs"

    def removed_under_new(p: dict[str, Any]) -> None:
        item = first(p, "goal", "removed")["fields"][0]
        item["old"], item["new"] = None, item["old"]

    def invented_field(p: dict[str, Any]) -> None:
        first(p, "measure", "added")["fields"].append(
            {"field": "budget_total", "old": None, "new": 1}
        )

    for mutate in (sdgs_as_text, removed_under_new, invented_field):
        assert refused(mutate), mutate.__name__


def test_exit_code_like_git(run: Run) -> None:
    assert run("diff", "2020", "--repo", ROOT, "--exit-code").exit_code == 1
    same = run("diff", EVERY / "new", EVERY / "new", "--repo", EVERY / "new", "--exit-code")
    assert same.exit_code == 0 and "Keine Änderungen." in same.stdout
    assert run("diff", EVERY / "old", EVERY / "new", "--repo", EVERY / "new").exit_code == 0


def test_unknown_revision_names_the_known_ones(run: Run) -> None:
    result = run("diff", "2019", "--repo", ROOT)
    assert result.exit_code == 1
    assert "ISEK092" in result.stderr and "2019" in result.stderr and "2020" in result.stderr


def test_a_revision_without_measures_gets_one_sentence(run: Run) -> None:
    payload = diff_json(run, "2020", "--repo", ROOT)
    assert payload["compared_measures"] is False
    assert payload["measures_note"] == (
        "Maßnahmen werden nicht verglichen, weil der Beschlussstand 2020 nur die Ziele enthält."
    )
    assert payload["old"]["label"] == (
        "Beschluss der Ratsversammlung vom 18.02.2020, Drucksache 0503/2018/DS"
    )
    assert payload["new"]["label"] == "Arbeitsstand (Fortschreibungsvorschlag der Verwaltung)"


# --- the Synopse -------------------------------------------------------------------------


def test_html_synopse_is_a_council_paper_appendix(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "synopse.html"
    result = run(
        "diff", "2023", "--repo", CONTINUATION / "new", "-f", "html", "-o", out, "--stichtag", DAY
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert '<html lang="de">' in html
    assert "Gemeinde Fortschreibung" in html and "Stand</dt><dd>12.03.2026" in html
    assert "Beschluss der Gemeindevertretung vom 14.03.2023, Drucksache 0042/2023/BV" in html
    assert "Arbeitsstand (Fortschreibungsvorschlag der Verwaltung)" in html
    for column in ("bisherige Fassung", "neue Fassung", "Begründung"):
        assert f'<th scope="col">{column}</th>' in html
    assert "<del>Wohnstandort</del> für alle attraktiv gestalten" in html
    assert "Wohnen ist Querschnittsaufgabe der Verwaltungsspitze." in html
    assert '<p class="meta">unverändert</p>' in html
    # goal-system order: the Leitbild level first, then the strategic goals by product area
    order = [html.index(f'<span class="id">{i}</span>') for i in
             ("LB-1", "LB-2", "S-WOHNEN", "S-DIGITAL-INNEN", "S-SICHER")]  # fmt: skip
    assert order == sorted(order)
    assert (
        html.index("Ziele: Wortlaut und Zuordnung")
        < html.index("Schlüsselmaßnahmen")
        < html.index("Redaktionelle Änderungen")
    )
    assert "text-decoration: none; font-weight: 700" in html, "insertions are not underlined"
    assert "http" not in html.split("<body")[0].replace("http-equiv", ""), "no network requests"
    assert "git:" not in html and "isekctl diff" not in html


def test_md_synopse_rows_and_compact_form(run: Run) -> None:
    full = run("diff", "2023", "--repo", CONTINUATION / "new", "-f", "md", "--stichtag", DAY).stdout
    assert "| Ziel | bisherige Fassung | neue Fassung | Begründung |" in full
    assert (
        "| **LB-1**<br>Leitbildziele | Lebenswerte Gemeinde für alle Generationen | *unverändert* |"
        in full
    )
    assert "S-ORDNUNG: Ordnung im öffentlichen Raum sichern<br>S-BRAND: Brandschutz" in full
    compact = run(
        "diff", "2023", "--repo", CONTINUATION / "new", "-f", "md", "--changes-only"
    ).stdout
    assert compact.startswith("## ISEK-Änderungen: Beschluss der Gemeindevertretung")
    assert "| Fortgeführte Ziele (neue ID) | 5 |" in compact
    assert "unverändert" not in compact


# --- git sources ---------------------------------------------------------------------------


def _commit_tree(repo: git.Repo, tree: Path, message: str, day: str = "2026-11-27") -> None:
    work = Path(repo.working_tree_dir or ".")
    for child in work.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(tree, work, dirs_exist_ok=True, symlinks=True)
    repo.git.add(A=True)
    when = datetime.fromisoformat(f"{day}T10:00:00").replace(tzinfo=UTC)
    actor = git.Actor("Test", "t@example.invalid")
    repo.index.commit(message, author=actor, committer=actor, author_date=when, commit_date=when)


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """A git repository: commit 1 (tag v1) = old tree, commit 2 (tag v2) = new tree."""
    work = tmp_path / "repo"
    work.mkdir()
    repo = git.Repo.init(work)
    _commit_tree(repo, EVERY / "old", "alt", "2025-11-20")
    repo.create_tag("v1")
    _commit_tree(repo, EVERY / "new", "neu")
    repo.create_tag("v2")
    return work


def test_git_ref_equals_directory_diff(history: Path, run: Run) -> None:
    from_dirs = diff_json(run, EVERY / "old", EVERY / "new", "--repo", EVERY / "new")
    from_git = diff_json(run, "git:v1", "git:HEAD", "--repo", history)
    assert from_git["changes"] == from_dirs["changes"]
    assert from_git["old"] == {
        "source": "git:v1", "kind": "git", "label": "Version „v1“ (Stand vom 20.11.2025)", "measures": True,
    }  # fmt: skip
    assert from_git["new"]["label"] == "Stand vom 27.11.2026"
    branch = git.Repo(history).active_branch.name
    assert diff_json(run, f"git:{branch}", "--repo", history)["old"]["label"] == (
        f"Branch „{branch}“ (Stand vom 27.11.2026)"
    )
    text = run("diff", "git:HEAD~1", "--repo", history).stdout
    assert text.startswith("Vergleich Stand vom 20.11.2025 → Arbeitsstand") and "git:" not in text


def test_git_ref_against_working_tree_with_uncommitted_changes(history: Path, run: Run) -> None:
    measure = history / "data" / "measures" / "M-3.yaml"
    measure.write_text(
        measure.read_text(encoding="utf-8").replace("geplant", "laufend"), encoding="utf-8"
    )
    changes = diff_json(run, "git:HEAD", "--repo", history)["changes"]
    assert [(c["id"], c["kind"]) for c in changes] == [("M-3", "status")]
    assert git.Repo(history).is_dirty(), "nothing was checked out or reset"


def test_git_diff_reads_objects_not_the_work_tree(history: Path, run: Run) -> None:
    """With the work tree emptied and a broken file in it, two refs still compare as committed."""
    shutil.rmtree(history / "data" / "measures")
    (history / "data" / "goals" / "ziele.yaml").write_text("goals: [kaputt\n", encoding="utf-8")
    from_git = run("diff", "git:v1", "git:v2", "--repo", history, "-f", "json")
    from_dirs = diff_json(run, EVERY / "old", EVERY / "new", "--repo", EVERY / "new")
    assert from_git.exit_code == 0 and "Fehler" not in from_git.stderr
    assert checked(from_git.stdout)["changes"] == from_dirs["changes"]
    assert any(c["entity"] == "measure" for c in from_dirs["changes"])


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
