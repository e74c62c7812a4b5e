"""The office's workflow: new, init, export, show, tree, and the pre-commit hooks."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import yaml

from ..conftest import ROOT, Run


def test_new_measure_writes_a_valid_formatted_file(repo: Path, run: Run) -> None:
    result = run("new", "measure", "M-2", "--title", "WLAN in Schulen", "--goal", "F1", "--goal", "L1",
                 "--department", "FD 32", "--repo", repo)  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (repo / "data" / "measures" / "M-2.yaml").read_text(encoding="utf-8")
    assert text == (
        "# yaml-language-server: $schema=../../schemas/measure.schema.json\n"
        "id: M-2\ntitle: WLAN in Schulen\ngoals: [F1, L1]\ndepartment: FD 32\nstatus: geplant\n"
    )
    assert run("validate", "--repo", repo, "--strict").exit_code == 0
    assert (
        run("fmt", "--check", repo / "data" / "measures" / "M-2.yaml", "--repo", repo).exit_code
        == 0
    )


def test_new_measure_refuses_taken_ids_and_suggests_the_nearest(repo: Path, run: Run) -> None:
    taken = run(
        "new",
        "measure",
        "F1",
        "--title",
        "x",
        "--goal",
        "F1",
        "--department",
        "FD 10",
        "--repo",
        repo,
    )
    assert taken.exit_code == 1 and "ISEK093" in taken.stderr
    typo = run(
        "new",
        "measure",
        "M-2",
        "--title",
        "x",
        "--goal",
        "F1",
        "--department",
        "FD 3",
        "--repo",
        repo,
    )
    assert typo.exit_code == 2 and "`FD 10` (Organisation), `FD 32` (Ordnung" in typo.stderr
    goal = run(
        "new",
        "measure",
        "M-2",
        "--title",
        "x",
        "--goal",
        "L2",
        "--department",
        "FD 10",
        "--repo",
        repo,
    )
    assert goal.exit_code == 2 and "L1" in goal.stderr
    bad = run(
        "new",
        "measure",
        "../evil",
        "--title",
        "x",
        "--goal",
        "F1",
        "--department",
        "FD 10",
        "--repo",
        repo,
    )
    assert bad.exit_code == 2
    assert not (repo / "data" / "measures" / "M-2.yaml").exists()
    assert not list(repo.parent.rglob("evil*"))


def test_new_measure_without_options_and_without_terminal_is_a_usage_error(
    repo: Path, run: Run
) -> None:
    result = run("new", "measure", "M-2", "--repo", repo)
    assert result.exit_code == 2
    assert "--title, --goal und --department fehlen" in result.output


def test_new_goal_appends_and_keeps_comments(repo: Path, run: Run) -> None:
    goals = repo / "data" / "goals" / "ziele.yaml"
    goals.write_text(
        "# Ziele der Teststadt\n" + goals.read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = run("new", "goal", "F2", "--title", "Bildung stärken", "--level", "fachziel", "--product-area", "2",
                 "--parent", "L1", "--repo", repo)  # fmt: skip
    assert result.exit_code == 0, result.output
    text = goals.read_text(encoding="utf-8")
    assert text.startswith("# Ziele der Teststadt\n")
    assert text.endswith(  # the product area as isek.yaml writes it
        "  - id: F2\n    title: Bildung stärken\n    level: fachziel\n    product_area: '02'\n    parent: L1\n"
    )
    validated = run("validate", "--repo", repo, "--format", "json")
    assert [f["code"] for f in json.loads(validated.stdout)["findings"]] == ["ISEK070"]


def test_new_goal_checks_level_product_area_and_parent(repo: Path, run: Run) -> None:
    missing_area = run("new", "goal", "F2", "--title", "x", "--level", "fachziel", "--repo", repo)
    assert missing_area.exit_code == 2 and "Produktbereich" in missing_area.stderr
    level = run(
        "new",
        "goal",
        "F2",
        "--title",
        "x",
        "--level",
        "fachzeil",
        "--product-area",
        "1",
        "--repo",
        repo,
    )
    assert level.exit_code == 2 and "Meinten Sie `fachziel` (Fachziele)?" in level.stderr
    parent = run(
        "new", "goal", "F2", "--title", "x", "--level", "leitziel", "--parent", "L9", "--repo", repo
    )
    assert parent.exit_code == 2


def test_new_goal_into_a_new_file(repo: Path, run: Run) -> None:
    result = run(
        "new",
        "goal",
        "L2",
        "--title",
        "Klima schützen",
        "--level",
        "leitziel",
        "--file",
        "klima",
        "--repo",
        repo,
    )
    assert result.exit_code == 0
    assert (
        (repo / "data" / "goals" / "klima.yaml")
        .read_text(encoding="utf-8")
        .endswith("goals:\n  - id: L2\n    title: Klima schützen\n    level: leitziel\n")
    )


def test_init_creates_a_repository_that_validates(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "stadt"
    result = run("init", target, "--municipality", "Hansestadt Lübeck", "--ci", "gitlab")
    assert result.exit_code == 0, result.output
    names = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert names == [
        ".gitattributes", ".gitignore", ".gitlab-ci.yml", ".pre-commit-config.yaml", ".vscode/extensions.json",
        ".vscode/settings.json", "README.md", "data/goals/.gitkeep", "data/measures/.gitkeep",
        "data/revisions/.gitkeep", "docs/pruefungen.md", "isek.yaml", "requirements.txt",
        "schemas/goals.schema.json", "schemas/isek.schema.json", "schemas/measure.schema.json",
        "schemas/revision.schema.json", "templates/.gitkeep",
    ]  # fmt: skip
    assert run("validate", "--repo", target, "--strict").exit_code == 0
    config = (target / "isek.yaml").read_text(encoding="utf-8")
    assert "municipality: Hansestadt Lübeck\n" in config and config.count("#") > 20
    assert run("fmt", "--check", "--repo", target).exit_code == 0, (
        "the commented isek.yaml is already canonical"
    )
    settings = json.loads((target / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"]["./schemas/measure.schema.json"] == "data/measures/*.yaml"
    assert "Merge Request" in (target / "README.md").read_text(encoding="utf-8")
    again = run("init", target, "--municipality", "x")
    assert again.exit_code == 1 and "ISEK093" in again.stderr


def test_init_with_github_and_a_then_usable_repository(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "dorf"
    assert (
        run("init", target, "--municipality", "Gemeinde Süderbrarup", "--ci", "github").exit_code
        == 0
    )
    assert (target / ".github" / "workflows" / "isek.yml").is_file()
    assert (
        run(
            "new",
            "goal",
            "Z1",
            "--title",
            "Ortskern beleben",
            "--level",
            "gesamtstaedtisch",
            "--repo",
            target,
        ).exit_code
        == 0
    )
    assert (
        run(
            "new",
            "measure",
            "M-1",
            "--title",
            "Dorfplatz",
            "--goal",
            "Z1",
            "--department",
            "FD 10",
            "--repo",
            target,
        ).exit_code
        == 0
    )
    assert run("validate", "--repo", target, "--strict").exit_code == 0
    assert run("report", "--repo", target, "--out", tmp_path / "berichte").exit_code == 0


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_export_csv_rows_columns_and_datapackage(example: Path, tmp_path: Path, run: Run) -> None:
    out = tmp_path / "od"
    base = "https://isek.example/opendata/"
    assert run("export", "--repo", example, "--out", out, "--base-url", base).exit_code == 0
    goals, measures = _csv(out / "goals.csv"), _csv(out / "measures.csv")
    budget, values = _csv(out / "budget.csv"), _csv(out / "indicator_values.csv")
    assert (len(goals), len(measures), len(budget), len(values)) == (31, 40, 39, 2)
    assert list(budget[0]) == ["measure_id", "year", "kind", "amount"]
    # seed 003: 881.900 € Personalaufwendungen 2021–2025, Sachmittel and Investitionen 2021/2022
    assert sum(float(row["amount"]) for row in budget) == 5 * 881_900 + 750_000 + 350_000
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["name"] == "isek-stadt-neumuenster"
    assert package["licenses"][0]["name"] == "dl-de/by-2-0"
    for resource in package["resources"]:
        header = (out / resource["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == [field["name"] for field in resource["schema"]["fields"]], resource["name"]
    # the DCAT-AP.de metadata: checked as RDF in test_open_data.py
    nodes = json.loads((out / "dcat.jsonld").read_text(encoding="utf-8"))["@graph"]
    by_type = {node["@type"][0]: node for node in nodes}
    assert by_type["foaf:Agent"]["foaf:name"] == [{"@value": "Stadt Neumünster", "@language": "de"}]
    assert by_type["dcat:Dataset"]["dcatde:politicalGeocodingURI"][0]["@id"].endswith(
        "/010040000000"
    )
    assert {d["dct:license"][0]["@id"] for d in nodes if d["@type"] == ["dcat:Distribution"]} == {
        "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    }


def test_export_json_is_the_same_data(example: Path, tmp_path: Path, run: Run) -> None:
    assert run("export", "--repo", example, "--out", tmp_path / "c").exit_code == 0
    assert (
        run("export", "--repo", example, "--format", "json", "--out", tmp_path / "j").exit_code == 0
    )
    rows = json.loads((tmp_path / "j" / "budget.json").read_text(encoding="utf-8"))
    assert len(rows) == len(_csv(tmp_path / "c" / "budget.csv"))
    assert rows[0] == {
        "measure_id": "DIGI-BUERGERPORTAL",
        "year": 2021,
        "kind": "aufwand",
        "amount": 50000,
    }


def test_show_goal_and_measure(example: Path, run: Run) -> None:
    goal = run("show", "KLIMA", "--repo", example)
    assert goal.exit_code == 0
    assert "Natürliche Lebensgrundlage sichern und klimaneutral werden" in goal.stdout
    assert "Beschlussstand 2020" in goal.stdout and "Klimaschutz aktiv gestalten" in goal.stdout
    assert "nicht beschlossen" in goal.stdout and "isekctl history KLIMA" in goal.stdout
    measure = run("show", "DIGI-PROJEKTLEITUNG", "--repo", example)
    assert "Haushaltsansätze" in measure.stdout and "504.000 €" in measure.stdout
    assert "0121/2018/MV (Ratsversammlung, 18.06.2019" in measure.stdout
    assert "28.10.2020" in measure.stdout
    unknown = run("show", "KLIMAA", "--repo", example)
    assert unknown.exit_code == 2 and "Meinten Sie `KLIMA` (Natürliche" in unknown.stderr


def test_tree_shows_hierarchy_and_counts(example: Path, run: Run) -> None:
    result = run("tree", "--repo", example)
    assert result.exit_code == 0
    assert "Produktbereich 1: Zentrale Verwaltung" in result.stdout
    assert "PB1-DIGITALISIERUNG Digitalisierung gestalten (28 Maßnahmen" in result.stdout
    assert "31 Ziele, 40 Maßnahmen" in result.stdout


def test_pre_commit_hook_manifest() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"isekctl-validate", "isekctl-fmt"}
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["entry"].split()[0] == "isekctl"
    assert by_id["isekctl-validate"]["pass_filenames"] is False


def test_ci_templates_parse_and_fetch_the_target_branch() -> None:
    github = yaml.safe_load((ROOT / "ci" / "github-workflow.yml").read_text(encoding="utf-8"))
    steps = github["jobs"]["pruefen"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert any("diff" in step.get("run", "") for step in steps)
    gitlab = yaml.safe_load((ROOT / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["synopse"]["variables"]["GIT_DEPTH"] == "0"
    assert (
        gitlab["validate"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    )
    assert any("--format md" in line for line in gitlab["synopse"]["script"])


def test_new_measure_asks_for_each_field_on_a_terminal(repo: Path, run: Run, monkeypatch) -> None:
    import isekctl.cli.office

    monkeypatch.setattr(isekctl.cli.office, "at_terminal", lambda: True)
    answers = "\n".join([
        "F1",  # taken: asked again
        "M-7",
        "Bürgerbüro digital",
        "F9, Digitalisierung",  # unknown goal: the list, asked again
        "digitalisierung, zukunftsfähig",  # goals by part of their title
        "Ordnung",  # department by part of its name
        "",  # status: the default
        "2025-13",  # not a date: asked again
        "2025-Q3",
        "2024",  # end before start: asked again
        "2027",
        "2025 investition 1.500.000",  # thousands dots: asked again
        "2025 inv 1500000",
        "2026 aufwand 20000",
        "",
    ]) + "\n"  # fmt: skip
    result = run("new", "measure", "--repo", repo, input=answers)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Die ID `F1` ist schon vergeben." in out
    assert (
        "Das Ziel „F9“ gibt es nicht." in out
        and "  1) L1 – Verwaltung zukunftsfähig gestalten" in out
    )
    assert "→ FD 32 – Ordnung und Sicherheit" in out
    assert "Beginn: `2025-13`: Monat 13 gibt es nicht." in out
    assert "Das Ende 2024 liegt vor dem Beginn 2025-Q3." in out
    assert "meinten Sie 1500000?" in out
    text = (repo / "data" / "measures" / "M-7.yaml").read_text(encoding="utf-8")
    assert text.endswith(
        "id: M-7\ntitle: Bürgerbüro digital\ngoals: [F1, L1]\ndepartment: FD 32\nstatus: geplant\n"
        "start: 2025-Q3\nend: 2027\nbudget:\n"
        "  - {year: 2025, kind: investition, amount: 1500000}\n"
        "  - {year: 2026, kind: aufwand, amount: 20000}\n"
    )
    assert run("validate", "--repo", repo).exit_code == 0


def test_new_measure_offers_to_add_an_unknown_department(repo: Path, run: Run, monkeypatch) -> None:
    import isekctl.cli.office

    config = repo / "isek.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "departments:", "# die Fachdienste\ndepartments:"
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(isekctl.cli.office, "at_terminal", lambda: True)
    answers = "M-8\nSchulhof\nF1\nFD 40\nj\nSchule: Bau und Betrieb\n\n\n\n\n"
    result = run("new", "measure", "--repo", repo, input=answers)
    assert result.exit_code == 0, result.output
    assert "Den Fachdienst „FD 40“ gibt es in isek.yaml nicht. Neu eintragen?" in result.output
    text = config.read_text(encoding="utf-8")
    assert "# die Fachdienste\ndepartments:\n" in text
    assert "  FD 32: Ordnung und Sicherheit\n  FD 40: 'Schule: Bau und Betrieb'\n" in text
    assert "department: FD 40\n" in (repo / "data" / "measures" / "M-8.yaml").read_text(
        encoding="utf-8"
    )
    assert run("validate", "--repo", repo).exit_code == 0


def test_new_measure_options_take_names_too(repo: Path, run: Run) -> None:
    result = run("new", "measure", "M-9", "--title", "x", "--goal", "Digitalisierung",
                 "--department", "ordnung", "--budget", "2025 personal 3000", "--repo", repo)  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (repo / "data" / "measures" / "M-9.yaml").read_text(encoding="utf-8")
    assert "goals: [F1]\ndepartment: FD 32\n" in text
    assert "  - {year: 2025, kind: personal, amount: 3000}\n" in text
    several = run("new", "measure", "M-10", "--title", "x", "--goal", "gestalten",
                  "--department", "FD 10", "--repo", repo)  # fmt: skip
    assert several.exit_code == 2
    assert "„gestalten“ passt zu mehreren Zielen: L1 – Verwaltung zukunftsfähig gestalten; F1" in (
        several.stderr
    )


def test_new_goal_asks_for_the_product_area_when_the_level_needs_one(
    repo: Path, run: Run, monkeypatch
) -> None:
    import isekctl.cli.office

    monkeypatch.setattr(isekctl.cli.office, "at_terminal", lambda: True)
    answers = "F5\nSchulen sanieren\nFachziele\n7\nschule\nverwaltung\n"
    result = run("new", "goal", "--repo", repo, input=answers)
    assert result.exit_code == 0, result.output
    assert "Den Produktbereich „7“ gibt es nicht." in result.output
    text = (repo / "data" / "goals" / "ziele.yaml").read_text(encoding="utf-8")
    assert text.endswith(
        "  - id: F5\n    title: Schulen sanieren\n    level: fachziel\n    product_area: '02'\n"
        "    parent: L1\n"
    )


def test_new_report_adds_a_status_report_and_keeps_the_file(repo: Path, run: Run) -> None:
    measure = repo / "data" / "measures" / "M-1.yaml"
    run("fmt", measure, "--repo", repo)
    measure.write_text("# Maßnahme M-1\n" + measure.read_text(encoding="utf-8"), encoding="utf-8")
    before = measure.read_text(encoding="utf-8")
    text = "live gegangen: 40 Leistungen, #1 im Land, \"digital first\" – 'sofort'"
    result = run("new", "report", "m-1", "--text", text, "--date", "27.11.2025",
                 "--status", "Abgeschlossen", "--repo", repo)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Statusbericht vom 27.11.2025 ergänzt: data/measures/M-1.yaml" in result.stderr
    after = measure.read_text(encoding="utf-8")
    assert after.startswith("# Maßnahme M-1\n")
    assert after == before.replace("status: laufend\n", "status: abgeschlossen\n", 1) + (
        "  - date: 2025-11-27\n    status: abgeschlossen\n"
        "    text: 'live gegangen: 40 Leistungen, #1 im Land, \"digital first\" – ''sofort'''\n"
    )
    import yaml

    assert yaml.safe_load(after)["reports"][-1]["text"] == text
    assert run("validate", "--repo", repo, "--strict").exit_code == 0


def test_new_report_by_status_name_with_umlauts_and_the_ampel(example: Path, run: Run) -> None:
    result = run("new", "report", "Bürgerportal", "--text", "Ausschreibung gescheitert.",
                 "--status", "verzögert", "--date", "2024-05-02", "--rating", "rot",
                 "--rating-reason", "Neue Ausschreibung nötig", "--repo", example)  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (example / "data" / "measures" / "DIGI-BUERGERPORTAL.yaml").read_text(encoding="utf-8")
    assert "\nstatus: verzoegert\nrating: rot\nrating_reason: Neue Ausschreibung nötig\n" in text
    assert (
        "  - date: 2024-05-02\n    status: verzoegert\n    text: Ausschreibung gescheitert.\n"
        in text
    )
    missing = run("new", "report", "DIGI-WLAN", "--text", "x", "--status", "verzögert",
                  "--rating", "gelb", "--repo", example)  # fmt: skip
    assert missing.exit_code == 2 and "Die Ampel gelb braucht eine Begründung." in missing.stderr
    hint = run("new", "report", "DIGI-WLAN", "--text", "Lieferverzug.", "--status", "verzoegert",
               "--repo", example)  # fmt: skip
    assert hint.exit_code == 0 and "mit --rating und --rating-reason anpassen" in hint.stderr


def test_new_report_refuses_what_would_be_wrong(repo: Path, run: Run) -> None:
    measure = repo / "data" / "measures" / "M-1.yaml"
    before = measure.read_bytes()
    future = run("new", "report", "M-1", "--text", "x", "--date", "2999-01-01", "--repo", repo)
    assert future.exit_code == 2 and "liegt in der Zukunft" in future.stderr
    unknown = run("new", "report", "M-1", "--text", "x", "--status", "fertig", "--repo", repo)
    assert unknown.exit_code == 2 and "Den Status „fertig“ gibt es nicht." in unknown.stderr
    nothing = run("new", "report", "Z-9", "--text", "x", "--repo", repo)
    assert nothing.exit_code == 2 and "Die Maßnahme „Z-9“ gibt es nicht." in nothing.stderr
    no_text = run("new", "report", "M-1", "--repo", repo)
    assert no_text.exit_code == 2 and "--text fehlt" in no_text.output
    assert measure.read_bytes() == before


def test_new_report_in_date_order_asks_about_the_ampel_on_a_terminal(
    repo: Path, run: Run, monkeypatch
) -> None:
    import isekctl.cli.office

    base = repo / "isek.yaml"
    base.write_text(
        base.read_text(encoding="utf-8").replace("abgeschlossen]", "abgeschlossen, verzoegert]"),
        encoding="utf-8",
    )
    monkeypatch.setattr(isekctl.cli.office, "at_terminal", lambda: True)
    answers = "\n".join(["2025-01-15", "verzögert", "Lieferengpass: Geräte fehlen",
                         "lila", "gelb", "Lieferung im März erwartet"]) + "\n"  # fmt: skip
    result = run("new", "report", "Terminvergabe", "--repo", repo, input=answers)
    assert result.exit_code == 0, result.output
    assert "Ampel (grün, gelb oder rot; leer = keiner Farbe)" in result.output
    assert "Die Ampel „lila“ gibt es nicht." in result.output
    text = (repo / "data" / "measures" / "M-1.yaml").read_text(encoding="utf-8")
    assert "status: verzoegert\nrating: gelb\nrating_reason: Lieferung im März erwartet\n" in text
    reports = text.split("reports:\n", 1)[1]
    assert reports.index("2025-01-15") < reports.index("2025-03-01"), "reports stay in date order"
    assert "text: 'Lieferengpass: Geräte fehlen'" in reports


def test_init_checks_its_target_before_writing_anything(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "geklont"
    (target / ".git").mkdir(parents=True)
    (target / "README.md").write_text("# Projekt aus GitLab\n", encoding="utf-8")
    result = run("init", target, "--municipality", "Stadt Kiel")
    assert result.exit_code == 1 and "ISEK093" in result.stderr
    assert "gibt es schon: README.md. Es wurde nichts geschrieben." in result.stderr
    assert "--force" not in result.stderr
    assert sorted(p.name for p in target.iterdir()) == [".git", "README.md"]
    (target / "README.md").unlink()
    assert run("init", target, "--municipality", "Stadt Kiel").exit_code == 0, (
        "a .git folder is fine"
    )
    file = tmp_path / "datei"
    file.write_text("x", encoding="utf-8")
    assert run("init", file, "--municipality", "x").exit_code in (1, 2)
    assert file.read_text(encoding="utf-8") == "x"


def test_the_fmt_hook_passes_only_data_files() -> None:
    import re

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    pattern = re.compile(next(h for h in hooks if h["id"] == "isekctl-fmt")["files"])
    assert pattern.search("isek.yaml") and pattern.search("data/measures/M-1.yaml")
    for other in ("data/notizen/x.yaml", ".github/workflows/isek.yml", "templates/a.yaml"):
        assert not pattern.search(other), other
