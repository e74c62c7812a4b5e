"""The office finds goals and measures by title and sees at a glance what is overdue."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import CASES, Run, build_repo
from .test_diff import checked


@pytest.mark.parametrize(
    "words", [["Bürgerportal"], ["buergerportal"], ["BÜRGERPORTAL"], ["digi-buergerportal"]]
)
def test_show_finds_a_measure_by_part_of_its_title_or_its_id_in_any_case(
    example: Path, run: Run, words: list[str]
) -> None:
    result = run("show", *words, "--repo", example)
    assert result.exit_code == 0, result.output
    assert "Bürgerportal als Vertriebsplattform für Verwaltungsleistungen" in result.stdout
    assert "(DIGI-BUERGERPORTAL)" in result.stdout
    if words != ["digi-buergerportal"]:
        assert "Weitere Treffer für „" in result.stdout and "DIGI-FACHVERFAHREN" in result.stdout


def test_show_takes_a_title_of_several_words_without_quotes(example: Path, run: Run) -> None:
    result = run("show", "digitale", "Terminvergabe", "--repo", example)
    assert result.exit_code == 0
    assert "Digitale Terminvergabe (DIGI-TERMINVERGABE)" in result.stdout
    assert "Weitere Treffer" not in result.stdout


def test_show_lists_the_hits_when_several_titles_fit(example: Path, run: Run) -> None:
    result = run("show", "digital", "--repo", example)
    assert result.exit_code == 0
    assert "15 Treffer für „digital“ – eines anzeigen: isekctl show ID" in result.stdout
    for found in ("PB1-DIGITALISIERUNG", "DIGI-DIGITALLABOR", "DIGI-PROJEKTLEITUNG"):
        assert found in result.stdout
    assert "laufend – Bericht veraltet" in result.stdout


def test_show_without_hits_names_the_nearest_or_says_where_to_look(example: Path, run: Run) -> None:
    typo = run("show", "Bürgerportall", "--repo", example)
    assert typo.exit_code == 2 and "ISEK099" in typo.stderr
    assert "Ähnliche Titel: `DIGI-BUERGERPORTAL` (Bürgerportal als" in typo.stderr
    misspelt_id = run("show", "DIGI-BURGERPORTAL", "--repo", example)
    assert "Meinten Sie `DIGI-BUERGERPORTAL` (Bürgerportal als" in misspelt_id.stderr
    nothing = run("show", "Schwimmbad", "--repo", example)
    assert nothing.exit_code == 2
    assert "„Schwimmbad“ im Titel" in nothing.stderr and "isekctl tree" in nothing.stderr
    other_number = run("show", "Fachdienst", "5", "--repo", example)
    assert other_number.exit_code == 2, "„Fachdienst 5“ is not „Fachdienst 53“"
    assert run("show", "Fachdienst", "53", "--repo", example).exit_code == 0
    near_number = run("show", "PB7-DIGITALISIERUNG", "--repo", example)
    assert "Meinten Sie" not in near_number.stderr, "another product area is another goal"


def test_show_reflows_a_description_as_markdown_reads_it(
    example: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    measure = example / "data" / "measures" / "DIGI-PROJEKTLEITUNG.yaml"
    text = measure.read_text(encoding="utf-8")
    text = text.replace(
        "  2025 hinaus.\n", "  2025 hinaus.\n\n  - erster Punkt\n  - zweiter\n    Punkt\n"
    )
    measure.write_text(text, encoding="utf-8")
    shown = run("show", "DIGI-PROJEKTLEITUNG", "--repo", example).stdout
    assert "Umsetzungsfahrpläne und die Weiterentwicklung" in shown  # one line in the file
    lines = [line.strip() for line in shown.splitlines()]
    assert "- erster Punkt" in lines and "- zweiter Punkt" in lines


def test_tree_and_show_mark_late_and_stale_measures(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "r", CASES / "ISEK072-late-measure" / "fail")
    tree = run("tree", "--repo", repo)
    assert tree.exit_code == 0
    assert "F1 Digitalisierung gestalten (1 Maßnahme: 1 laufend; 1 überfällig)" in tree.stdout
    assert "Überfällig (1): M-1" in tree.stdout
    shown = run("show", "M-1", "--repo", repo)
    assert "Termin" in shown.stdout and "Überfällig: geplantes Ende 3. Quartal 2021" in shown.stdout
    goal = run("show", "F1", "--repo", repo)
    assert "laufend – überfällig" in goal.stdout


def test_marks_follow_the_switches_of_isek_yaml(repo: Path, run: Run) -> None:
    measure = repo / "data" / "measures" / "M-1.yaml"
    measure.write_text(
        measure.read_text(encoding="utf-8").replace("end: 2026", "end: 2021"), encoding="utf-8"
    )
    assert "überfällig" not in run("tree", "--repo", repo).stdout.lower(), "ISEK072 is off here"


def test_tree_wraps_long_titles_instead_of_cutting_them(
    example: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def words(columns: int) -> list[str]:
        monkeypatch.setenv("COLUMNS", str(columns))
        result = run("tree", "--repo", example)
        assert result.exit_code == 0
        assert all(len(line) <= columns for line in result.stdout.splitlines())
        return [w for w in result.stdout.split() if w.strip("│├└─")]

    assert words(60) == words(250)


def test_the_synopse_shows_how_late_a_measure_was_closed(tmp_path: Path, run: Run) -> None:
    before = build_repo(tmp_path / "vorher", CASES / "ISEK072-late-measure" / "fail")
    after = build_repo(tmp_path / "nachher", CASES / "ISEK072-late-measure" / "pass")
    note = (
        "1 Jahr und 7 Monate später als geplant "
        "(Ende 3. Quartal 2021; erledigt laut Statusbericht vom 10.05.2023)"
    )
    text = run("diff", before, "--repo", after)
    assert f"Status: laufend → abgeschlossen – {note}" in text.stdout
    full = run("diff", before, "--repo", after, "--format", "md")
    assert f"| Status | Status: ~~laufend~~ | Status: **abgeschlossen** – *{note}* |" in full.stdout
    compact = run("diff", before, "--repo", after, "--format", "md", "--changes-only")
    assert f"  - Status: laufend → abgeschlossen – {note}" in compact.stdout
    html = run("diff", before, "--repo", after, "--format", "html")
    assert f'<p class="note">{note}</p>' in html.stdout
    backwards = run("diff", after, "--repo", before)
    assert "Status: abgeschlossen → laufend\n" in backwards.stdout, "reopening is no delay"
    data = checked(run("diff", before, "--repo", after, "--format", "json").stdout)
    status = [f for c in data["changes"] for f in c["fields"] if f["field"] == "status"]
    assert [f.get("late") for f in status] == [{"planned_end": "2021-Q3", "finished": "2023-05-10"}]
    data = checked(run("diff", after, "--repo", before, "--format", "json").stdout)
    assert [f for c in data["changes"] for f in c["fields"] if "late" in f] == []


def test_closing_on_time_or_without_a_dated_report_adds_no_note(tmp_path: Path, run: Run) -> None:
    before = build_repo(tmp_path / "vorher", CASES / "ISEK072-late-measure" / "fail")
    after = build_repo(tmp_path / "nachher", CASES / "ISEK072-late-measure" / "pass")
    measure = after / "data" / "measures" / "M-1.yaml"
    text = measure.read_text(encoding="utf-8")
    measure.write_text(text.replace("2023-05-10", "2021-09-30"), encoding="utf-8")
    on_time = run("diff", before, "--repo", after)
    assert "Status: laufend → abgeschlossen\n" in on_time.stdout
    measure.write_text(
        text.replace("status: abgeschlossen, text: In", "status: laufend, text: In"),
        encoding="utf-8",
    )
    unreported = run("diff", before, "--repo", after)
    assert "Status: laufend → abgeschlossen\n" in unreported.stdout
