"""`isekctl history ID`: a goal's or measure's wording through every revision, oldest first."""

from __future__ import annotations

from pathlib import Path

from ..conftest import Run, write_tree


def test_goal_history_oldest_first_with_body_date_and_paper(example: Path, run: Run) -> None:
    result = run("history", "KLIMA", "--repo", example, "--format", "md")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")][1:]
    assert rows[0].startswith(
        "| Beschlussstand ISEK-Zielsystem 2020 | Ratsversammlung, 18.02.2020, Drucksache 0503/2018/DS "
        "| Klimaschutz aktiv gestalten | Gesamtstädtische Ziele | ältester erfasster Stand |"
    )
    assert rows[1] == (
        "| Arbeitsstand | Entwurf – Fortschreibungsvorschlag der Verwaltung, nicht beschlossen | "
        "~~Klimaschutz aktiv gestalten~~ **Natürliche Lebensgrundlage sichern und klimaneutral werden** "
        "| Gesamtstädtische Ziele | Wortlaut geändert |"
    )
    terminal = run("history", "KLIMA", "--repo", example)
    assert terminal.exit_code == 0
    text = terminal.stdout
    assert text.index("Beschlussstand ISEK-Zielsystem 2020") < text.index("Arbeitsstand")
    assert "[-Klimaschutz aktiv gestalten-] {+Natürliche Lebensgrundlage" in text


def test_history_follows_every_revision_and_renumbered_goals(example: Path, run: Run) -> None:
    write_tree(example, {"data/revisions/2022.yaml": (
        "id: '2022'\ntitle: ISEK-Zielsystem 2022\nstate: beschlossen\ndecided_by: Ratsversammlung\n"
        "decided_on: 2022-03-15\nresolution: 0100/2022/DS\ngoals:\n"
        "  - {id: KLIMA, title: Klimaschutz aktiv gestalten, level: gesamtstaedtisch}\n"
        "  - {id: PB5-MOBILITAET, title: Radverkehr stärken, level: produktbereich, product_area: 4}\n"
    )})  # fmt: skip
    goals = example / "data" / "goals" / "produktbereich-5.yaml"
    goals.write_text(
        goals.read_text(encoding="utf-8").replace(
            "  - id: PB5-MOBILITAET\n", "  - id: PB5-MOBIL\n    replaces: [PB5-MOBILITAET]\n"
        ),
        encoding="utf-8",
    )
    assert run("validate", "--repo", example).exit_code == 0
    md = run("history", "PB5-MOBIL", "--repo", example, "-f", "md").stdout
    rows = [line for line in md.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == 3, md
    assert (
        "2020" in rows[0]
        and "`PB5-MOBILITAET`" in rows[0]
        and "ältester erfasster Stand" in rows[0]
    )
    assert "2022" in rows[1] and "0100/2022/DS" in rows[1] and "Produktbereich 4" in rows[1]
    assert "Wortlaut geändert, Einordnung geändert" in rows[1]
    assert "~~und ÖPNV~~" in rows[1]
    assert rows[2].startswith("| Arbeitsstand") and "Produktbereich 5" in rows[2]
    assert "neue ID (führt PB5-MOBILITAET fort), Wortlaut geändert, Einordnung geändert" in rows[2]
    klima = run("history", "KLIMA", "--repo", example, "-f", "md").stdout
    assert klima.count("| unverändert |") == 1, "2022 confirmed the 2020 wording"


def test_measure_history_says_what_it_cannot_show(example: Path, run: Run) -> None:
    result = run("history", "DIGI-DMS", "--repo", example, "-f", "md")
    assert result.exit_code == 0
    assert "Keine Revision enthält Maßnahmen" in result.stdout
    assert "| Arbeitsstand | kein Beschluss angegeben | Dokumentenmanagementsystem" in result.stdout


def test_history_of_an_unknown_id(example: Path, run: Run, tmp_path: Path) -> None:
    result = run("history", "KLIMAA", "--repo", example)
    assert result.exit_code == 2 and "ISEK088" in result.stderr and "`KLIMA`" in result.stderr
    out = tmp_path / "h.md"
    assert run("history", "KLIMA", "--repo", example, "--out", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Fortschreibungshistorie")
