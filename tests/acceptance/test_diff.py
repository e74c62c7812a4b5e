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
    result = run(
        "diff", "old", "new", "--repo", "new", "-f", fmt, "--changes-only", "--stichtag", DAY
    )
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
    result = run(
        "diff", "2020", "--repo", ROOT, "--format", "md", "--changes-only", "--stichtag", DAY
    )
    golden(GOLDEN / "diff-2020.changes-only.md", result.stdout)


def test_an_assumed_new_wording_says_so_in_every_form(example: Path, run: Run) -> None:
    """Seed 000 prints TEILHABE's two wordings into each other; the proposal is inferred."""
    note = "Annahme – aus den Unterlagen erschlossen, nicht wörtlich übernommen"
    for args in (
        ["--format", "md"],
        ["--format", "html"],
        ["--format", "md", "--changes-only"],
        [],
    ):
        shown = run("diff", "2020", "--repo", example, *args).stdout
        teilhabe = shown[shown.index("TEILHABE") :]
        assert note in teilhabe[: teilhabe.index("KLIMA")], args
    goals = example / "data" / "goals" / "gesamtstaedtisch.yaml"
    text = goals.read_text(encoding="utf-8")
    goals.write_text(text.replace("assumptions: [title, sdgs]", "assumptions: [sdgs]"), "utf-8")
    assert note not in run("diff", "2020", "--repo", example, "--format", "md").stdout


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
    revision = change("revision", "changed", "2024")
    assert {f["field"]: (f["old"], f["new"]) for f in revision["fields"]}["decided_on"] == (
        "2024-02-20", "2024-02-21",
    )  # fmt: skip
    assert "goals.L1" in {f["field"] for f in revision["fields"]}, "a decided wording rewritten"
    assert field(change("revision", "added", "2026"), "goals")["new"] == ["L1"]
    assert field(change("revision", "removed", "2022"), "state")["old"] == "entwurf"
    assert field(change("setting", "changed", "isek.yaml"), "stale_after_months")["new"] == "12"
    names = {f["field"] for c in changes for f in c["fields"]}
    assert "budget_total" not in names
    from isekctl.model import Config, Goal, Indicator, Measure, Revision

    data_format = set(Goal.model_fields) | set(Indicator.model_fields) | set(Measure.model_fields)
    data_format |= set(Revision.model_fields) | set(Config.model_fields)
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
    # each row under the heading of its level (and product area), which places it
    assert "## Leitbildziele\n" in full or "### Leitbildziele\n" in full
    assert "| **LB-1** | Lebenswerte Gemeinde für alle Generationen | *unverändert* |" in full
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


def test_a_pull_request_cannot_write_its_own_review(history: Path, run: Run) -> None:
    """Templates of the compared repository only with --templates; a notice says so."""
    own = history / "templates"
    own.mkdir()
    for kind in ("md", "html"):
        (own / f"diff.{kind}.j2").write_text("Keine Änderungen.\n", encoding="utf-8")
    result = run("diff", "git:v1", "--repo", history, "--format", "md", "--changes-only")
    assert "Neue Beschlussstände und Entwürfe" in result.stdout
    assert "gelten für diff nur mit --templates templates" in result.stderr
    asked = run("diff", "git:v1", "--repo", history, "--format", "md", "--templates", own)
    assert asked.stdout == "Keine Änderungen.\n"


def test_unreadable_files_are_named_in_the_synopse(history: Path, run: Run) -> None:
    measure = history / "data" / "measures" / "M-1.yaml"
    measure.write_text(measure.read_text(encoding="utf-8") + "foo: [\n", encoding="utf-8")
    for fmt in ("md", "html"):
        shown = run("diff", "git:v2", "--repo", history, "--format", fmt, "--changes-only").stdout
        assert "Arbeitsstand (Fortschreibungsvorschlag der Verwaltung) hat 1 Fehler" in shown
        assert "Entfallene Maßnahmen" in shown  # what could not be read, named as such above


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


# --- differential test: random edits of the shipped example --------------------------------
#
# Each case applies 1–5 random semantic edits and 1–4 edits of form to a copy of the shipped
# example, builds the expected change list from the edits alone, and compares it with
# `diff --format json` in the directory, git and two-ref forms and with the mirror `diff B A`.


class Tree:
    """A data repository as the loader reads it: every file as plain data (scalars as text)."""

    def __init__(self, root: Path) -> None:
        from isekctl.reading.yaml import load

        self.files: dict[str, Any] = {}
        self.style: dict[str, dict[str, Any]] = {}
        paths = [root / "isek.yaml", *sorted((root / "data").glob("*/*.yaml"))]
        for path in paths:
            rel = path.relative_to(root).as_posix()
            document, _ = load(path.read_bytes(), rel)
            assert document is not None, rel
            self.files[rel] = document.data
        self.counter = 0

    @property
    def config(self) -> dict[str, Any]:
        return dict(self.files["isek.yaml"])

    def goal_files(self) -> list[str]:
        return [p for p in self.files if p.startswith("data/goals/")]

    def goals(self) -> list[dict[str, Any]]:
        return [g for p in self.goal_files() for g in self.files[p]["goals"]]

    def file_of(self, goal: dict[str, Any]) -> list[dict[str, Any]]:
        return next(
            self.files[p]["goals"]
            for p in self.goal_files()
            if any(g is goal for g in self.files[p]["goals"])
        )

    def measures(self) -> list[str]:
        return [p for p in self.files if p.startswith("data/measures/")]

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"

    def write(self, root: Path) -> None:
        import yaml

        class Dumper(yaml.SafeDumper):
            def ignore_aliases(self, _data: Any) -> bool:
                return True

        for rel, data in self.files.items():
            style = self.style.get(rel, {})
            text = yaml.dump(
                data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=100,
                default_flow_style=style.get("flow", False), default_style=style.get("quote"),
            )  # fmt: skip
            if style.get("comment"):
                text = f"# Kommentar am Anfang\n{text}# Kommentar am Ende\n"
            if style.get("crlf"):
                text = text.replace("\n", "\r\n")
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))


Expected = tuple[str, str, str, tuple[str, ...], frozenset[str] | None]


def norm(text: Any) -> str:
    import unicodedata

    return " ".join(unicodedata.normalize("NFC", str(text or "")).split())


def area(value: Any) -> Any:
    return int(value) if str(value).isdigit() else value


def pair_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Expected]:
    """An independent oracle for what comparing two goals that are the same goal reports
    besides the title: moved, relinked (without replaces) and described."""
    related = (old["id"],)
    found: list[Expected] = []
    moved = {n for n in ("level", "parent") if (old.get(n) or None) != (new.get(n) or None)}
    if area(old.get("product_area")) != area(new.get("product_area")):
        moved.add("product_area")
    linked = {
        n for n in ("contributes_to", "themes", "sdgs")
        if set(map(str, old.get(n) or [])) != set(map(str, new.get(n) or []))
    }  # fmt: skip
    described = {n for n in ("description", "rationale") if norm(old.get(n)) != norm(new.get(n))}
    if set(old.get("assumptions") or []) != set(new.get("assumptions") or []):
        described.add("assumptions")  # both sides are trees, which mark their assumptions
    for kind, fields in (("moved", moved), ("relinked", linked), ("described", described)):
        if fields:
            found.append(("goal", kind, new["id"], related, frozenset(fields)))
    return found


class Edits:
    """The semantic edits; each changes the tree and returns the changes it must cause, or
    None where it does not apply (then another edit is drawn)."""

    def __init__(self, tree: Tree, rng: Any) -> None:
        self.t, self.rng = tree, rng
        self.claimed: set[str] = set()

    def goal(self, where: Any = lambda _: True) -> dict[str, Any] | None:
        found = [g for g in self.t.goals() if g["id"] not in self.claimed and where(g)]
        if not found:
            return None
        carrying = [g for g in found if g.get("indicators")]
        if carrying and self.rng.random() < 0.5:  # indicators make continuations interesting
            found = carrying
        chosen: dict[str, Any] = self.rng.choice(found)
        self.claimed.add(chosen["id"])
        return chosen

    def measure(self, where: Any = lambda _: True) -> dict[str, Any] | None:
        found = [p for p in self.t.measures() if p not in self.claimed and where(self.t.files[p])]
        if not found:
            return None
        path = self.rng.choice(found)
        self.claimed.add(path)
        return dict(self.t.files[path]) and self.t.files[path]

    def other_area(self, key: Any) -> str | None:
        keys = [k for k in self.t.config.get("product_areas", {}) if area(k) != area(key)]
        return self.rng.choice(keys) if keys else None

    # goals
    def reword(self) -> list[Expected] | None:
        g = self.goal()
        if g is None:
            return None
        words = g["title"].split(" ")
        words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(
            ["ausdrücklich", "gemeinsam", "Bürger/innen", "Klima-Anpassung", "– vorrangig –"]))  # fmt: skip
        g["title"] = " ".join(words)
        return [("goal", "reworded", g["id"], (), frozenset({"title"}))]

    def drop_first_word(self) -> list[Expected] | None:
        g = self.goal(lambda g: len(g["title"].split()) > 2)
        if g is None:
            return None
        g["title"] = g["title"].split(" ", 1)[1]
        return [("goal", "reworded", g["id"], (), frozenset({"title"}))]

    def describe(self) -> list[Expected] | None:
        g = self.goal()
        if g is None:
            return None
        g["description"] = (g.get("description") or "") + "\nErgänzt in der Fortschreibung.\n"
        return [("goal", "described", g["id"], (), frozenset({"description"}))]

    def justify(self) -> list[Expected] | None:
        g = self.goal()
        if g is None:
            return None
        g["rationale"] = (g.get("rationale") or "") + " Begründung der Verwaltung."
        return [("goal", "described", g["id"], (), frozenset({"rationale"}))]

    def move_area(self) -> list[Expected] | None:
        g = self.goal(lambda g: g.get("product_area") is not None)
        if g is None or (key := self.other_area(g["product_area"])) is None:
            return None
        g["product_area"] = key
        return [("goal", "moved", g["id"], (), frozenset({"product_area"}))]

    def reparent(self) -> list[Expected] | None:
        top = self.t.config["levels"][0]["id"]
        parents = [g["id"] for g in self.t.goals() if g["level"] == top]
        g = self.goal(lambda g: g["level"] != top)
        if g is None:
            return None
        choices = [p for p in parents if p != g.get("parent")]
        g["parent"] = self.rng.choice(choices)
        return [("goal", "moved", g["id"], (), frozenset({"parent"}))]

    def relink(self) -> list[Expected] | None:
        g = self.goal()
        if g is None:
            return None
        sdgs = list(g.get("sdgs") or [])
        if sdgs and self.rng.random() < 0.4:
            sdgs.remove(self.rng.choice(sdgs))
        else:
            sdgs.append(str(self.rng.choice([n for n in range(1, 18) if str(n) not in sdgs])))
        g["sdgs"] = sdgs
        return [("goal", "relinked", g["id"], (), frozenset({"sdgs"}))]

    def contribute(self) -> list[Expected] | None:
        g = self.goal()
        if g is None:
            return None
        links = list(g.get("contributes_to") or [])
        links.append(
            self.rng.choice([x["id"] for x in self.t.goals() if x["id"] not in (*links, g["id"])])
        )
        g["contributes_to"] = links
        return [("goal", "relinked", g["id"], (), frozenset({"contributes_to"}))]

    def add_goal(self) -> list[Expected] | None:
        level = self.rng.choice(self.t.config["levels"])
        goal: dict[str, Any] = {"id": self.t.fresh("NEU-ZIEL"), "title": f"Probeziel Kranich Wiesel {self.t.counter}", "level": level["id"]}  # fmt: skip
        if level.get("requires_product_area") in ("true", True):
            goal["product_area"] = self.rng.choice(list(self.t.config["product_areas"]))
        goals = self.t.files[self.rng.choice(self.t.goal_files())]["goals"]
        goals.insert(self.rng.randrange(len(goals) + 1), goal)
        self.claimed.add(goal["id"])
        return [("goal", "added", goal["id"], (), None)]

    def remove_goal(self) -> list[Expected] | None:
        g = self.goal()
        if g is None:
            return None
        self.t.file_of(g).remove(g)
        return [("goal", "removed", g["id"], (), None)] + [
            ("indicator", "removed", i["id"], (), None) for i in g.get("indicators") or []
        ]

    def renumber(self, *, replaces: bool = True, extras: bool = False) -> list[Expected] | None:
        import copy

        g = self.goal(lambda g: not g.get("replaces"))
        if g is None:
            return None
        new = copy.deepcopy(g)
        new["id"] = f"{g['id']}-NEU"
        kind = "continued" if replaces else "renumbered"
        if replaces:
            new["replaces"] = [g["id"]]
        if extras:
            if new.get("product_area") is not None and (
                key := self.other_area(new["product_area"])
            ):
                new["product_area"] = key
            new["sdgs"] = [
                *(new.get("sdgs") or []),
                *[str(n) for n in range(1, 18) if str(n) not in (new.get("sdgs") or [])][:1],
            ]
            new["description"] = (new.get("description") or "") + " Neu nummeriert."
        goals = self.t.file_of(g)
        goals[goals.index(g)] = new
        self.claimed.add(new["id"])
        return [("goal", kind, new["id"], (g["id"],), frozenset()), *pair_changes(g, new)]

    def renumber_with_extras(self) -> list[Expected] | None:
        return self.renumber(extras=True)

    def renumber_without_replaces(self) -> list[Expected] | None:
        return self.renumber(replaces=False)

    def merge(self) -> list[Expected] | None:
        import copy

        a = self.goal()
        if a is None:
            return None
        b = self.goal(lambda g: g["level"] == a["level"])
        if b is None:
            return None
        merged = copy.deepcopy(a)
        merged.update(id=f"{a['id']}-UND-{b['id']}", title=f"{a['title']} sowie {b['title']}",
                      replaces=[a["id"], b["id"]],
                      indicators=copy.deepcopy((a.get("indicators") or []) + (b.get("indicators") or [])))  # fmt: skip
        goals = self.t.file_of(a)
        goals[goals.index(a)] = merged
        self.t.file_of(b).remove(b)
        self.claimed.add(merged["id"])
        return [
            ("goal", "continued", merged["id"], (a["id"],), frozenset({"title"})),
            ("goal", "continued", merged["id"], (b["id"],), frozenset({"title"})),
            *pair_changes(a, merged),
            *pair_changes(b, merged),
        ]

    def split(self) -> list[Expected] | None:
        import copy

        a = self.goal()
        if a is None:
            return None
        parts = [copy.deepcopy(a), copy.deepcopy(a)]
        for part, suffix, where in zip(
            parts, ("A", "B"), ("im Kernbereich", "in den Stadtteilen"), strict=True
        ):
            part.update(id=f"{a['id']}-{suffix}", title=f"{a['title']} {where}", replaces=[a["id"]])
            self.claimed.add(part["id"])
        parts[1]["indicators"] = []
        goals = self.t.file_of(a)
        goals[goals.index(a) : goals.index(a) + 1] = parts
        return [("goal", "continued", p["id"], (a["id"],), frozenset({"title"})) for p in parts]

    # indicators
    def indicator(
        self, where: Any = lambda _: True
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        g = self.goal(lambda g: any(where(i) for i in g.get("indicators") or []))
        if g is None:
            return None
        return g, self.rng.choice([i for i in g["indicators"] if where(i)])

    def measured_value(self) -> list[Expected] | None:
        found = self.indicator()
        if found is None:
            return None
        _, indicator = found
        values = list(indicator.get("values") or [])
        year = str(max([2030, *(int(v["year"]) + 1 for v in values)]))
        indicator["values"] = [*values, {"year": year, "value": "7"}]
        return [("indicator", "changed", indicator["id"], (), frozenset({f"values.{year}"}))]

    def target(self) -> list[Expected] | None:
        found = self.indicator()
        if found is None:
            return None
        _, indicator = found
        target = indicator.get("target") or {"year": "2035", "value": "1"}
        indicator["target"] = {**target, "value": str(float(target["value"]) + 1)}
        return [("indicator", "changed", indicator["id"], (), frozenset({"target"}))]

    def add_indicator(self) -> list[Expected] | None:
        g = self.goal()
        if g is None:
            return None
        ident = self.t.fresh("NEU-KENNZAHL")
        g["indicators"] = [*(g.get("indicators") or []), {"id": ident, "name": "Probekennzahl", "values": [{"year": "2024", "value": "3"}]}]  # fmt: skip
        return [("indicator", "added", ident, (), None)]

    def remove_indicator(self) -> list[Expected] | None:
        found = self.indicator()
        if found is None:
            return None
        g, indicator = found
        g["indicators"] = [i for i in g["indicators"] if i is not indicator]
        return [("indicator", "removed", indicator["id"], (), None)]

    # measures
    def measure_change(
        self, kind: str, field: str, change: Any, where: Any = lambda _: True
    ) -> list[Expected] | None:
        m = self.measure(where)
        if m is None:
            return None
        change(m)
        return [("measure", kind, m["id"], (), frozenset({field}))]

    def add_measure(self) -> list[Expected] | None:
        ident = self.t.fresh("NEU-MASSNAHME")
        config = self.t.config
        self.t.files[f"data/measures/{ident}.yaml"] = {
            "id": ident, "title": "Probemaßnahme Kranich", "goals": [self.t.goals()[0]["id"]],
            "department": next(iter(config.get("departments") or {"FD 1": ""})),
            "status": config["statuses"][0] if isinstance(config["statuses"][0], str) else config["statuses"][0]["id"],
        }  # fmt: skip
        self.claimed.add(f"data/measures/{ident}.yaml")
        return [("measure", "added", ident, (), None)]

    def remove_measure(self) -> list[Expected] | None:
        found = [p for p in self.t.measures() if p not in self.claimed]
        if not found:
            return None
        path = self.rng.choice(found)
        return [("measure", "removed", self.t.files.pop(path)["id"], (), None)]

    def statuses(self) -> list[str]:
        return [s if isinstance(s, str) else s["id"] for s in self.t.config["statuses"]]

    def measure_edits(self) -> list[Any]:
        rng = self.rng

        def other(values: list[str], current: Any) -> str:
            return str(rng.choice([v for v in values if v != current]))

        def reports(m: dict[str, Any]) -> list[dict[str, Any]]:
            m["reports"] = [dict(r) for r in m.get("reports") or []]
            return m["reports"]

        def report_status(m: dict[str, Any]) -> None:
            r = rng.choice(reports(m))
            r["status"] = other(self.statuses(), r["status"])

        def report_text(m: dict[str, Any]) -> None:
            rng.choice(reports(m))["text"] += " Ergänzt."

        def budget_amount(m: dict[str, Any]) -> None:
            line = rng.choice(m["budget"])
            line["amount"] = str(int(float(line["amount"])) + 1000)
            return None

        departments = list(self.t.config.get("departments") or {"FD 1": "", "FD 2": ""})
        return [
            lambda: self.measure_change("reworded", "title", lambda m: m.update(title=m["title"] + " (erweitert)")),
            lambda: self.measure_change("status", "status", lambda m: m.update(status=other(self.statuses(), m["status"]))),
            lambda: self.measure_change("dates", "end", lambda m: m.update(end="2031-12-31"), lambda m: m.get("end") != "2031-12-31"),
            lambda: self.measure_change("goals", "goals", lambda m: m.update(goals=[*m["goals"], next(g["id"] for g in self.t.goals() if g["id"] not in m["goals"])])),
            lambda: self.measure_change("department", "department", lambda m: m.update(department=other(departments, m["department"]))),
            lambda: self.measure_change("reports", "reports", lambda m: reports(m).append({"date": "2031-01-15", "status": m["status"], "text": "Probebericht."})),
            lambda: self.measure_change("reports", "reports", lambda m: reports(m).pop(rng.randrange(len(m["reports"]))), lambda m: m.get("reports")),
            lambda: self.measure_change("reports", "reports", report_status, lambda m: m.get("reports")),
            lambda: self.measure_change("reports", "reports", report_text, lambda m: m.get("reports")),
            lambda: self.measure_change("budget", f"budget.{2031}.aufwand", lambda m: m.update(budget=[*(m.get("budget") or []), {"year": "2031", "kind": "aufwand", "amount": "5000"}])),
            lambda: self.measure_change("details", "description", lambda m: m.update(description=(m.get("description") or "") + " Neu beschrieben.")),
            lambda: self.measure_change("details", "resolutions", lambda m: m.update(resolutions=[*(m.get("resolutions") or []), "9999/2031/DS"])),
            lambda: self.measure_change("details", "sdgs", lambda m: m.update(sdgs=[*(m.get("sdgs") or []), *[str(n) for n in range(1, 18) if str(n) not in (m.get("sdgs") or [])][:1]])),
            self.budget_amount_edit,
            self.rating_edit,
        ]  # fmt: skip

    def budget_amount_edit(self) -> list[Expected] | None:
        m = self.measure(lambda m: m.get("budget"))
        if m is None:
            return None
        m["budget"] = [dict(line) for line in m["budget"]]
        line = self.rng.choice(m["budget"])
        line["amount"] = str(int(float(line["amount"])) + 1000)
        field = f"budget.{line['year']}.{line['kind']}"
        return [("measure", "budget", m["id"], (), frozenset({field}))]

    def rating_edit(self) -> list[Expected] | None:
        m = self.measure()
        if m is None:
            return None
        m["rating"] = self.rng.choice([r for r in ("gruen", "gelb", "rot") if r != m.get("rating")])
        m["rating_reason"] = f"Probebegründung {self.t.fresh('AMPEL')}."
        return [("measure", "status", m["id"], (), frozenset({"rating", "rating_reason"}))]

    def all(self) -> list[Any]:
        goal_edits = [self.reword, self.drop_first_word, self.describe, self.justify, self.move_area,
                      self.reparent, self.relink, self.contribute, self.add_goal, self.remove_goal,
                      self.renumber, self.renumber_with_extras, self.renumber_without_replaces,
                      self.merge, self.split, self.measured_value, self.target, self.add_indicator,
                      self.remove_indicator, self.add_measure, self.remove_measure]  # fmt: skip
        return goal_edits + self.measure_edits()


FORMS = ["quote", "flow", "comment", "crlf", "keys", "order", "move", "blank", "nfd", "wrap",
         "sdgs", "budget", "number", "area"]  # fmt: skip


def form_edits(tree: Tree, rng: Any, count: int, first: str) -> list[str]:
    """Edits that change how the files are written, never what they mean."""
    import unicodedata

    done = []
    goal_files = tree.goal_files()
    areas = tree.config.get("product_areas", {})

    def texts() -> list[tuple[dict[str, Any], str]]:
        items = [*tree.goals(), *(tree.files[p] for p in tree.measures())]
        return [(i, k) for i in items for k in ("title", "description") if i.get(k)]

    for i in range(count):
        kind = first if i == 0 else rng.choice(FORMS)
        path = rng.choice(list(tree.files))
        if kind in ("quote", "flow", "comment", "crlf"):
            tree.style.setdefault(path, {})[kind] = {"quote": '"', "flow": True}.get(kind, True)
        elif kind == "keys":
            for item in (
                tree.goals() if rng.random() < 0.5 else [tree.files[p] for p in tree.measures()]
            ):
                items = list(item.items())
                item.clear()
                item.update(reversed(items))
        elif kind == "order":
            rng.shuffle(tree.files[rng.choice(goal_files)]["goals"])
        elif kind == "move":
            goal = rng.choice(tree.goals())
            tree.file_of(goal).remove(goal)
            tree.files.setdefault("data/goals/zz-verschoben.yaml", {"goals": []})["goals"].append(
                goal
            )
        elif kind == "blank":
            item, key = rng.choice(texts())
            item[key] = (
                item[key].replace(" ", rng.choice(["  ", "\t", "\u00a0", " \u00a0"]), 1) + " "
            )
        elif kind == "nfd":
            item, key = rng.choice(texts())
            item[key] = unicodedata.normalize("NFD", item[key])
        elif kind == "wrap":
            item, key = rng.choice(texts())
            if key == "description":
                item[key] = "\n".join(item[key].split(" "))
        elif kind == "sdgs":
            for item in tree.goals():
                if item.get("sdgs"):
                    item["sdgs"] = list(reversed(item["sdgs"]))
        elif kind == "budget":
            for p in tree.measures():
                if tree.files[p].get("budget"):
                    tree.files[p]["budget"] = list(reversed(tree.files[p]["budget"]))
        elif kind == "number":
            for p in tree.measures():
                for line in tree.files[p].get("budget") or []:
                    if line["amount"].isdigit():
                        line["amount"] += ".00"
            for goal in tree.goals():
                for indicator in goal.get("indicators") or []:
                    for part in ("target", "baseline"):
                        if indicator.get(part) and str(indicator[part]["value"]).isdigit():
                            indicator[part] = {
                                **indicator[part],
                                "value": indicator[part]["value"] + ".0",
                            }
        elif kind == "area":
            for goal in tree.goals():
                key = goal.get("product_area")
                if key and key.isdigit() and "0" + key not in areas:
                    goal["product_area"] = "0" + key
        done.append(kind)
    return done


def canonical(words: list[dict[str, Any]] | None, *, swap: bool = False) -> Any:
    """(op, text) pairs with - and + swapped if asked, each changed run as - before +."""
    if not words:
        return None
    out: list[tuple[str, str]] = []
    run: list[tuple[str, str]] = []
    for word in words:
        op = {"-": "+", "+": "-"}.get(word["op"], "=") if swap else word["op"]
        if op == "=":
            out += [*sorted(run), (op, word["text"])]
            run = []
        else:
            run.append((op, word["text"]))
    return out + sorted(run)


def as_is(change: dict[str, Any], *, mirror: bool = False) -> str:
    """A JSON change as comparable text; `mirror`: as `diff B A` must report it."""
    ident, related = change["id"], change["related"]
    kind = change["kind"]
    if mirror:
        kind = {"added": "removed", "removed": "added"}.get(kind, kind)
        if related:
            ident, related = related[0], [change["id"]]
    fields = sorted(
        json.dumps(
            [f["field"], *((f["new"], f["old"]) if mirror else (f["old"], f["new"])),
             canonical(f.get("words"), swap=mirror),
             *((f.get("removed"), f.get("added")) if mirror else (f.get("added"), f.get("removed")))],
            sort_keys=True, ensure_ascii=False,
        )
        for f in change["fields"]
    )  # fmt: skip
    return json.dumps([change["entity"], kind, ident, related, fields])


def mirrored(change: dict[str, Any]) -> str:
    return as_is(change, mirror=True)


def compare_expected(expected: list[Expected], changes: list[dict[str, Any]]) -> list[str]:
    actual = [
        (c["entity"], c["kind"], c["id"], tuple(c["related"]), frozenset(f["field"] for f in c["fields"]))
        for c in changes
    ]  # fmt: skip
    problems = []
    for entity, kind, ident, related, fields in expected:
        match = next(
            (a for a in actual if a[:4] == (entity, kind, ident, related) and (fields is None or a[4] == fields)),
            None,
        )  # fmt: skip
        if match is None:
            problems.append(f"missing: {entity}/{kind} {ident} {related} {sorted(fields or [])}")
        else:
            actual.remove(match)
    problems += [f"unexpected: {a[0]}/{a[1]} {a[2]} {a[3]} {sorted(a[4])}" for a in actual]
    return problems


# one case per edit kind, each as the first of its case (so every kind is applied)
DIFFERENTIAL_CASES = 36


@pytest.mark.parametrize("seed", range(DIFFERENTIAL_CASES))
def test_differential_random_edits_of_the_shipped_example(
    seed: int, run: Run, tmp_path: Path
) -> None:
    import random

    rng = random.Random(seed)
    old = tmp_path / "old"
    old.mkdir()
    shutil.copy2(ROOT / "isek.yaml", old / "isek.yaml")
    shutil.copytree(ROOT / "data", old / "data")
    tree = Tree(old)
    edits = Edits(tree, rng)
    expected: list[Expected] = []
    applied: list[str] = []
    wanted = rng.randint(1, 5)
    candidates = edits.all()
    assert len(candidates) == DIFFERENTIAL_CASES
    first = candidates.pop(seed % len(candidates))
    while len(applied) < wanted and (first or candidates):
        edit = first or candidates.pop(rng.randrange(len(candidates)))
        found = edit()
        if edit is first:
            assert found is not None, f"edit kind {seed} does not apply to the shipped example"
            first = None
        if found is not None:
            expected += found
            applied.append(getattr(edit, "__name__", "measure edit"))
    form = form_edits(tree, rng, rng.randint(1, 4), FORMS[seed % len(FORMS)])
    new = tmp_path / "new"
    tree.write(new)
    story = f"seed {seed}: edits {applied}, form {form}"

    result = run("diff", old, new, "--repo", new, "-f", "json", "--exit-code")
    payload = checked(result.stdout)
    assert result.exit_code == (1 if payload["changes"] else 0), story
    problems = compare_expected(expected, payload["changes"])
    assert not problems, f"{story}\n" + "\n".join(problems)

    backward = diff_json(run, new, old, "--repo", new)
    assert sorted(map(mirrored, payload["changes"])) == sorted(map(as_is, backward["changes"])), (
        story
    )

    repo = git.Repo.init(tmp_path / "repo")
    _commit_tree(repo, old, "alt", "2026-01-05")
    _commit_tree(repo, new, "neu")
    from_git = diff_json(run, "git:HEAD~1", "--repo", tmp_path / "repo")
    two_refs = diff_json(run, "git:HEAD~1", "git:HEAD", "--repo", tmp_path / "repo")
    assert from_git["changes"] == payload["changes"] == two_refs["changes"], story
    assert two_refs["old"]["label"] == "Stand vom 05.01.2026"
