"""The Haushaltsbericht, Kennzahlen, the Nachhaltigkeitsbericht and a second municipality's setup.

The sums of the shipped example are checked against figures computed by hand from seed 003
(Sachstandsbericht Projekt Digitalisierung, 28.10.2020); the four-level repository in
tests/repos/vier-ebenen/ is a district with a different setup in every respect.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from isekctl.publishing.reports import DataVersion, report_context
from isekctl.reading.pipeline import load
from isekctl.reading.sources import open_directory

from ..conftest import ROOT, TESTS, Golden, Run, build_repo, write_tree

FOUR_LEVELS = TESTS / "repos" / "vier-ebenen"
GOLDEN = TESTS / "golden" / "reports" / "vier-ebenen"
STICHTAG = "2026-01-15"


def _context(repo: Path, kind: str, basis: str = "beschlossen") -> dict:  # type: ignore[type-arg]
    project = load(open_directory(repo), use_cache=False).project
    assert project is not None
    return report_context(kind, project, DataVersion(), date(2024, 6, 30), basis=basis)  # type: ignore[arg-type]


def _flat(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


@pytest.fixture
def four(tmp_path: Path) -> Path:
    target = tmp_path / "vier-ebenen"
    shutil.copytree(FOUR_LEVELS, target)
    return target


# --- the shipped example against seed 003 -----------------------------------------------------


def test_ergebnisplan_and_finanzplan_sums_match_seed_003() -> None:
    """Seed 003, 'Finanzielle Auswirkungen' and tables 5.2/5.3, computed by hand:

    Ergebnisplan = Personalaufwendungen + Sachmittelaufwendungen
      Personalaufwendungen 2021–2025: 881.900 € a year ("haushaltswirksame Kosten" of 5.2)
      Sachmittelaufwendungen ("Aufwand im Ergebnisplan", 5.3): 350.000 € (2021), 400.000 € (2022)
      2021: 881.900 + 350.000 = 1.231.900 €;  2022: 881.900 + 400.000 = 1.281.900 €;
      2023, 2024, 2025: 881.900 € each;  total 5 × 881.900 + 750.000 = 5.159.500 €
    Finanzplan = Investitionsauszahlungen ("Investitionen im Finanzplan", 5.3):
      2021: 150.000 €;  2022: 200.000 €;  total 350.000 €
    (2026 ff., 539.800 € a year, lies after the Finanzplanung of the Doppelhaushalt 2021/2022
    and is not in the example.)
    """
    context = _context(ROOT, "haushaltsbericht")
    overall = {row["plan"]: row for row in context["overall"]}
    euro = Decimal
    assert overall["Ergebnisplan"]["years"] == {
        2021: euro(1231900), 2022: euro(1281900), 2023: euro(881900), 2024: euro(881900),
        2025: euro(881900),
    }  # fmt: skip
    assert overall["Ergebnisplan"]["total"] == euro(5159500)
    assert overall["Finanzplan"]["years"] == {
        2021: euro(150000), 2022: euro(200000), 2023: None, 2024: None, 2025: None,
    }  # fmt: skip
    assert overall["Finanzplan"]["total"] == euro(350000)
    kinds = {t["plan"]: t["kind_totals"] for t in context["plan_tables"]}
    assert kinds["Ergebnisplan"] == {"personal": euro(4409500), "aufwand": euro(750000)}
    assert kinds["Finanzplan"] == {"investition": euro(350000)}
    # every grouping counts each measure once: its totals are the plan totals
    for table in ("by_area", "by_goal", "by_department"):
        for plan in ("Ergebnisplan", "Finanzplan"):
            total = sum(
                (p["total"] for g in context[table] for p in g["plans"] if p["plan"] == plan),
                Decimal(0),
            )
            assert total == overall[plan]["total"], (table, plan)
        assert sum(g["measures"] for g in context[table]) == context["measure_count"] == 40


def test_the_haushaltsbericht_names_plans_years_and_what_is_not_budgeted(
    example: Path, tmp_path: Path, run: Run
) -> None:
    result = run("report", "--repo", example, "-k", "haushaltsbericht", "-f", "md", "--out",
                 tmp_path, "--stichtag", "2024-06-30")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = (tmp_path / "haushaltsbericht.md").read_text(encoding="utf-8")
    assert "| **Summe Ergebnisplan** | **4.409.500 €** | **750.000 €** | **5.159.500 €** |" in text
    assert "| **Summe Finanzplan** | **350.000 €** |" in text
    assert "Aufwendungen und Investitionsauszahlungen zusammen |" in text, (
        "the grand total says what it is"
    )
    assert (
        "| **Summe** |"
        not in text.split("## Ergebnisplan und Finanzplan zusammen")[0].split(
            "## Ergebnisplan: Aufwendungen"
        )[1]
    ), "no unlabelled sum across the two plans"
    assert "| 2021 (Haushalt) |" in text and "| 2023 (Finanzplanung) |" in text
    assert (
        "Haushaltsjahre: Doppelhaushalt 2021/2022 (Beschlussstand 2020); die Jahre danach bis 2025"
        in text
    )
    wlan = next(
        line for line in text.splitlines() if "`DIGI-WLAN`" in line and "Finanzplan" in line
    )
    assert "| 10.000 € | 0 € | – | – | – |" in wlan, "a written zero is 0 €, a missing year –"
    kod = next(line for line in text.splitlines() if "`SICH-KOD`" in line)
    assert "*nicht beziffert*" in kod and "0 €" not in kod
    assert (
        "PB1-SICHERHEIT: Sicherheit, Ordnung und Sauberkeit in der Stadt gewährleisten | *nicht beziffert* |"
        in text
    )
    # FD 53 and FD 70 measures are in their departments' product areas (isek.yaml, an assumption)
    assert "### Produktbereich 4: Gesundheit und Sport" in text
    assert "### Produktbereich 5: Gestaltung der Umwelt" in text
    telearbeit = next(line for line in text.splitlines() if "`DIGI-TELEARBEIT` –" in line)
    assert (
        "– Hauptziel: Digitalisierung gestalten; dient außerdem: Verwaltung stetig modernisieren, "
        "Stadtverwaltung als Arbeitgeber attraktiver machen |" in telearbeit
    ), "counted once under its first goal, the others as 'dient außerdem'"
    by_goal = text.split("### Nach Hauptziel")[1].split("###")[0]
    # the 28 PB1-DIGITALISIERUNG measures serve VERWALTUNG too, DIGI-TELEARBEIT PB1-ARBEITGEBER
    assert (
        "| VERWALTUNG: Verwaltung stetig modernisieren | *nur weiteres Ziel von Maßnahmen – "
        "Ansätze bei deren Hauptziel* | | | | | | | 0 (28 weitere Maßnahmen dienen ihm außerdem, "
        "gezählt bei ihrem Hauptziel) |" in by_goal
    )
    assert "| PB1-DIGITALISIERUNG: Digitalisierung gestalten | Ergebnisplan |" in by_goal
    assert "| 28 (davon 13 nicht beziffert) |" in by_goal
    assert (
        "0 (1 weitere Maßnahme dient ihm außerdem, gezählt bei ihrem Hauptziel) |"
        in (by_goal.split("PB1-ARBEITGEBER")[1])
    )
    assert "dient außerdem" not in by_goal, "each measure's other goals stand once, at the measure"


def test_the_massnahmenliste_filters_by_the_derived_product_area(example: Path) -> None:
    context = _context(example, "massnahmenliste")
    areas = {item["key"]: item["name"] for item in context["filter_areas"]}
    assert areas == {
        "1": "Produktbereich 1: Zentrale Verwaltung",
        "4": "Produktbereich 4: Gesundheit und Sport",
        "5": "Produktbereich 5: Gestaltung der Umwelt",
    }
    fd53 = next(m for m in context["measures"] if m["id"] == "DIGI-PANDEMIE-FD53")
    assert (fd53["area"], fd53["area_name"]) == ("4", "Produktbereich 4: Gesundheit und Sport")
    assert fd53["area_source"] == "aus dem Fachdienst FD 53"


# --- the four-level repository of another municipality ---------------------------------------


def test_the_four_level_repository_validates_clean(four: Path, run: Run) -> None:
    result = run("validate", "--repo", four, "--strict", "--no-cache", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"findings": []' in result.stdout
    tree = run("tree", "--repo", four).stdout
    assert "keine Maßnahme" not in tree
    assert "LB Ein lebenswerter Kreis für alle Generationen (indirekt bedient)" in tree


@pytest.mark.parametrize(
    "name",
    [
        "haushaltsbericht.md", "haushaltsbericht.html", "nachhaltigkeitsbericht.md",
        "nachhaltigkeitsbericht.html", "stadtentwicklungsbericht.md", "stadtentwicklungsbericht.html",
    ],
)  # fmt: skip
def test_four_level_reports_golden(
    four: Path, tmp_path: Path, run: Run, golden: Golden, name: str
) -> None:
    kind, fmt = name.split(".")
    result = run("report", "--repo", four, "-k", kind, "-f", fmt, "--out", tmp_path,
                 "--stichtag", STICHTAG)  # fmt: skip
    assert result.exit_code == 0, result.output
    golden(GOLDEN / name, (tmp_path / name).read_text(encoding="utf-8"))


def test_a_leitbild_served_through_its_sub_goals_counts_as_served(four: Path) -> None:
    context = _context(four, "stadtentwicklungsbericht")
    assert context["unserved"] == []
    indirect = {v["id"]: [g["id"] for g in v["through"]] for v in context["served_indirect"]}
    assert indirect == {
        "LB": ["HF-VERWALTUNG", "HF-LEBEN"],
        "HF-VERWALTUNG": ["Z-DIGITAL"],
        "HF-LEBEN": ["Z-SICHER", "Z-GESUND", "Z-ABFALL"],
    }


def test_budget_years_finanzplanung_history_and_actuals(four: Path) -> None:
    context = _context(four, "haushaltsbericht")
    roles = {y["year"]: y["label"] for y in context["years"]}
    assert roles == {2025: "früherer Haushalt", 2026: "Haushalt", 2027: "Finanzplanung",
                     2028: "Finanzplanung", 2029: "Finanzplanung"}  # fmt: skip
    assert context["budget_name"] == "Haushalt 2026"
    rows = {(r["id"], r["year"], r["kind"]): r for r in context["actuals"]["rows"]}
    portal = rows["M-PORTAL", 2025, "personal"]
    assert (portal["amount"], portal["actual"], portal["deviation"]) == (
        Decimal(80000), Decimal(76500), Decimal(-3500),
    )  # fmt: skip
    assert portal["percent_text"] == "−4 %"
    sums = {(s["plan"], s["year"]): s for s in context["actuals"]["sums"]}
    # 2025 Ergebnisplan lines with an Ist: 80.000 + 40.000 + 15.000 = 135.000 € Ansatz,
    # 76.500 + 43.250,50 + 15.000 = 134.750,50 € Ist, Abweichung −249,50 €
    assert sums["Ergebnisplan", 2025]["actual"] == Decimal("134750.50")
    assert sums["Ergebnisplan", 2025]["deviation"] == Decimal("-249.50")
    areas = {s["key"]: [d["key"] for d in s["departments"]] for s in context["sections"]}
    assert areas == {"01": ["10"], "02": ["32"], "07": ["53"], "11": ["70"]}, (
        "product number 01.01.02, goal parent Z-SICHER, own field 07, department 70 → 11"
    )


def test_one_budget_year_is_a_haushalt_not_a_doppelhaushalt(four: Path, run: Run) -> None:
    portal = four / "data/measures/M-PORTAL.yaml"
    portal.write_text(
        portal.read_text(encoding="utf-8").replace("{year: 2029,", "{year: 2030,"), encoding="utf-8"
    )
    result = run("validate", "--repo", four, "--no-cache")
    assert "ISEK055" in result.stdout
    assert "(Haushalt 2026, Finanzplanung bis 2029)" in result.stdout
    assert "Doppelhaushalt" not in result.stdout


def test_department_areas_and_measure_areas_must_be_configured(four: Path, run: Run) -> None:
    config = (four / "isek.yaml").read_text(encoding="utf-8")
    write_tree(four, {"isek.yaml": config.replace("'70': '11'", "'70': '18'\n  '99': '01'")})
    impfen = four / "data/measures/M-IMPFEN.yaml"
    impfen.write_text(
        impfen.read_text(encoding="utf-8").replace("product_area: '07'", "product_area: '7.1'"),
        encoding="utf-8",
    )
    result = run("validate", "--repo", four, "--no-cache", "--format", "json")
    assert result.exit_code == 1
    found = {(f["path"], f["code"], f["message"]) for f in json.loads(result.stdout)["findings"]}
    assert found == {
        ("isek.yaml", "ISEK040", "Den Produktbereich `18` gibt es in isek.yaml nicht."),
        ("isek.yaml", "ISEK041", "Den Fachdienst `99` gibt es in isek.yaml nicht."),
        (
            "data/measures/M-IMPFEN.yaml",
            "ISEK040",
            "Den Produktbereich `7.1` gibt es in isek.yaml nicht.",
        ),
    }


def test_the_custom_done_status_counts_as_done(four: Path) -> None:
    context = _context(four, "massnahmenliste")
    impfen = next(m for m in context["measures"] if m["id"] == "M-IMPFEN")
    assert impfen["done"] and impfen["status_name"] == "erledigt"


# --- Kennzahlen in the reports -----------------------------------------------------------------


def test_indicators_show_soll_ist_and_a_chart_only_with_two_values(
    four: Path, tmp_path: Path, run: Run
) -> None:
    result = run("report", "--repo", four, "-k", "stadtentwicklungsbericht", "--out", tmp_path,
                 "--stichtag", STICHTAG)  # fmt: skip
    assert result.exit_code == 0, result.output
    html = (tmp_path / "stadtentwicklungsbericht.html").read_text(encoding="utf-8")
    charts = re.findall(r'<svg role="img" aria-labelledby="k-([^"]+)-t".*?</svg>', html, re.S)
    assert charts == ["Z-DIGITAL-ONLINE", "Z-ABFALL-RESTMUELL"], "Z-SICHER-STREIFEN has one value"
    digital = re.search(r'aria-labelledby="k-Z-DIGITAL-ONLINE-t".*?</svg>', html, re.S)
    assert digital is not None
    svg = digital.group(0)
    for label in ("Ist", "Soll", "Zielwert"):  # each legend entry has a drawn symbol before it
        assert re.search(rf"/>\s*<text [^>]*>{label}</text>", svg), label
    assert svg.count('stroke-dasharray="6 4"') == 2, "the Soll path and its legend symbol"
    restmuell = re.search(r'aria-labelledby="k-Z-ABFALL-RESTMUELL-t".*?</svg>', html, re.S)
    assert restmuell is not None and ">Soll</text>" not in restmuell.group(0), "no Soll, no entry"
    flat = _flat(html)
    assert "Bewertung: ● auf Kurs (jährliche Wachstumsrate 2022–2025: 139 % der nötigen)" in flat
    assert (
        "▼ Verschlechterung" in flat
        and "Trend: steigend (2023 → 2025: +7), gegen die Zielrichtung" in flat
    )
    assert "2024 40 35 −5" in flat, "Soll, Ist and Abweichung of 2024"


# --- the Nachhaltigkeitsbericht ---------------------------------------------------------------


SDG_TITLES = [
    "Keine Armut", "Kein Hunger", "Gesundheit und Wohlergehen", "Hochwertige Bildung",
    "Geschlechtergleichheit", "Sauberes Wasser und Sanitäreinrichtungen",
    "Bezahlbare und saubere Energie", "Menschenwürdige Arbeit und Wirtschaftswachstum",
    "Industrie, Innovation und Infrastruktur", "Weniger Ungleichheiten",
    "Nachhaltige Städte und Gemeinden", "Nachhaltige/r Konsum und Produktion",
    "Maßnahmen zum Klimaschutz", "Leben unter Wasser", "Leben an Land",
    "Frieden, Gerechtigkeit und starke Institutionen", "Partnerschaften zur Erreichung der Ziele",
]  # fmt: skip


def test_the_nachhaltigkeitsbericht_tells_decided_links_from_editorial_ones(four: Path) -> None:
    context = _context(four, "nachhaltigkeitsbericht")
    assert [s["title"] for s in context["sdgs"]] == SDG_TITLES
    by_number = {s["number"]: s for s in context["sdgs"]}
    goals3 = {g["id"]: (g["link"], g["assumed"]) for g in by_number[3]["goals"]}
    assert goals3 == {"HF-LEBEN": ("redaktionell", ["sdgs"]), "Z-GESUND": ("beschlossen", [])}
    measures16 = {m["id"]: (m["link"], m["via"]) for m in by_number[16]["measures"]}
    assert measures16 == {
        "M-PORTAL": ("beschlossen", ["Z-DIGITAL"]),
        "M-STREIFE": ("redaktionell", ["OZ-STREIFE"]),
    }
    impfen4 = by_number[4]["measures"][0]
    assert (impfen4["id"], impfen4["own"], impfen4["link"]) == ("M-IMPFEN", True, "redaktionell")
    assert [p["total"] for p in by_number[12]["plans"]] == [None, Decimal(370000)]


def test_the_example_has_no_council_decided_sdg_link(example: Path) -> None:
    """The 2020 decision names no SDGs (seed 000): every link is editorial and assumed."""
    context = _context(example, "nachhaltigkeitsbericht")
    links = [g for s in context["sdgs"] for g in s["goals"] + s["measures"]]
    assert links and all(not item["decided"] for item in links)
    assert all(item["assumed"] for item in links)


def test_kind_all_writes_the_nachhaltigkeitsbericht(
    example: Path, tmp_path: Path, run: Run
) -> None:
    result = run("report", "--repo", example, "--out", tmp_path, "--stichtag", "2024-06-30")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "nachhaltigkeitsbericht.html").read_text(encoding="utf-8")
    for number, title in enumerate(SDG_TITLES, 1):
        assert f'<span class="sdg-number">{number}</span>' in html and title in html


def test_an_unknown_body_is_not_given_a_wrong_article(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    revision = repo / "data/revisions/2024.yaml"
    revision.write_text(
        revision.read_text(encoding="utf-8").replace("Ratsversammlung", "Kreistag"),
        encoding="utf-8",
    )
    result = run("report", "--repo", repo, "-k", "zielsystem", "-f", "md", "--out", tmp_path / "o")
    text = (tmp_path / "o" / "zielsystem.md").read_text(encoding="utf-8")
    assert result.exit_code == 0 and "Beschluss vom 20.02.2024 (Kreistag)" in text
    assert "der Kreistag" not in text


def test_show_prints_budget_by_plan_and_kennzahl_status(four: Path, run: Run) -> None:
    measure = run("show", "M-PORTAL", "--repo", four).stdout
    assert "01: Innere Verwaltung (aus dem Produkt)" in measure
    assert "−3.500 €" in measure and "+3.250,50 €" in measure, "Abweichung = Ist − Ansatz"
    assert "485.000 €" in measure and "Summe" in measure
    goal = run("show", "Z-DIGITAL", "--repo", four).stdout
    assert "Soll 40, Ist 35, Abweichung −5" in goal
    assert "● auf Kurs" in goal and "Zielerreichung" in goal
    bare = run("show", "M-STREIFE", "--repo", four).stdout
    assert "Haushaltsansätze: nicht beziffert" in bare
    assert "02: Sicherheit und Ordnung (aus dem Ziel)" in bare
