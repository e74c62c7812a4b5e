from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from ..conftest import TESTS, Golden, Run, build_repo, write_tree

GOLDEN = TESTS / "golden" / "reports"
KINDS = [
    "zielsystem",
    "stadtentwicklungsbericht",
    "haushaltsbericht",
    "massnahmenliste",
    "nachhaltigkeitsbericht",
]
PUBLIC = [k for k in KINDS if k != "haushaltsbericht"]  # what `--kind all` publishes
STICHTAG = "2024-06-30"  # a fixed reference day: the goldens must not age
DRAFT = "Entwurf – Fortschreibungsvorschlag der Verwaltung, nicht beschlossen"


def _reports(run: Run, repo: Path, out: Path, *args: str) -> dict[str, str]:
    """Every page written (the site's pages of goals and measures too), by path in `out`."""
    result = run("report", "--repo", repo, "--out", out, "--stichtag", STICHTAG, *args)
    assert result.exit_code == 0, result.output
    return {
        p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(out.rglob("*"))
        if p.suffix in (".html", ".md")
    }


# --- goldens, one set per basis ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("basis", ["beschlossen", "arbeitsstand"])
def test_every_kind_golden_on_the_shipped_example(
    example: Path, tmp_path: Path, run: Run, golden: Golden, fmt: str, basis: str
) -> None:
    texts = _reports(run, example, tmp_path / "out", "--format", fmt, "--basis", basis)
    pages = [f"{k}.{fmt}" for k in PUBLIC] + (["index.html"] if fmt == "html" else [])
    assert sorted(t for t in texts if "/" not in t) == sorted(pages)
    internal = _reports(run, example, tmp_path / "intern", "-f", fmt, "--basis", basis,
                        "-k", "haushaltsbericht")  # fmt: skip
    texts.update(internal)
    for name in [*pages, f"haushaltsbericht.{fmt}"]:
        golden(GOLDEN / basis / name, texts[name])
    if fmt == "html":  # one page of a goal and one of a measure stand for the rest
        for name in ("ziele/KLIMA.html", "massnahmen/DIGI-DMS.html"):
            golden(GOLDEN / basis / name, texts[name])


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_zielsystem_since_2020_golden(
    example: Path, tmp_path: Path, run: Run, golden: Golden, fmt: str
) -> None:
    texts = _reports(
        run, example, tmp_path / "out", "-k", "zielsystem", "-f", fmt, "--since", "2020"
    )
    text = texts[f"zielsystem.{fmt}"]
    golden(GOLDEN / f"zielsystem-since-2020.{fmt}", text)
    if fmt == "html":
        assert "<del>Klimaschutz aktiv gestalten</del>" in text
        assert "<ins>Natürliche Lebensgrundlage sichern und klimaneutral werden</ins>" in text
        assert "Lesehilfe" in text and f"<title>{DRAFT}:" in text
    else:
        assert (
            "~~Klimaschutz aktiv gestalten~~ **Natürliche Lebensgrundlage sichern und klimaneutral werden**"
            in text
        )
        assert "Änderungen an 3 Zielen" in text


# --- the basis: never a proposal under a decision's name -------------------------------------


def _decided_and_working(example: Path) -> tuple[dict[str, str], dict[str, str]]:
    decided = yaml.safe_load((example / "data/revisions/2020.yaml").read_text(encoding="utf-8"))
    working = {}
    for path in sorted((example / "data/goals").glob("*.yaml")):
        for goal in yaml.safe_load(path.read_text(encoding="utf-8"))["goals"]:
            working[goal["id"]] = " ".join(goal["title"].split())
    return {g["id"]: " ".join(g["title"].split()) for g in decided["goals"]}, working


def _flat(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def test_no_report_shows_working_wording_under_a_decision(
    example: Path, tmp_path: Path, run: Run
) -> None:
    decided, working = _decided_and_working(example)
    proposals = {i: t for i, t in working.items() if decided.get(i) != t}
    assert set(proposals) == {"TEILHABE", "KLIMA", "VERWALTUNG"}, "the 2022 proposals of seed 000"
    for fmt in ("md", "html"):
        texts = _reports(run, example, tmp_path / fmt, "-f", fmt)
        for name, text in texts.items():
            flat = _flat(text)
            assert "Beschlussstand: ISEK-Zielsystem 2020" in flat, name
            assert DRAFT not in flat and "Entwurf" not in flat, name
            for goal_id, title in proposals.items():
                assert title not in flat, f"{name} shows the proposal for {goal_id} as decided"
            if name.startswith(("zielsystem", "stadtentwicklungsbericht")):
                assert decided["KLIMA"] in flat and decided["TEILHABE"] in flat, name


def test_every_page_of_the_working_state_says_it_is_a_proposal(
    example: Path, tmp_path: Path, run: Run
) -> None:
    for args in (["--basis", "arbeitsstand"], ["--since", "2020"]):
        for fmt in ("md", "html"):
            texts = _reports(run, example, tmp_path / f"{fmt}{len(args[1])}", "-f", fmt, *args)
            for name, text in texts.items():
                if fmt == "html":
                    title = re.search(r"<title>(.*?)</title>", text, re.S)
                    assert title and DRAFT in title.group(1), name
                    assert re.search(
                        rf'class="banner banner-draft"[^>]*>\s*<p><strong>{DRAFT}\.', text
                    ), name
                    footer = text.split('<footer class="page">')[1]
                    assert DRAFT in footer, name
                else:
                    lines = text.splitlines()
                    assert lines[0].startswith("# ") and DRAFT in lines[0], name
                    assert any(line.startswith(f"> **{DRAFT}.**") for line in lines), name
                    assert DRAFT in lines[-1], name
                assert "Zuletzt beschlossen: ISEK-Zielsystem 2020" in _flat(text), name


def test_a_repository_without_a_decision_is_labelled_a_proposal(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    (repo / "data" / "revisions" / "2024.yaml").unlink()
    texts = _reports(run, repo, tmp_path / "out")
    for name, text in texts.items():
        assert f"<title>{DRAFT}:" in text, name
        assert "ein Beschluss des Zielsystems liegt noch nicht vor" in text, name
        if name.startswith(("zielsystem", "stadtentwicklungsbericht")):
            assert "Verwaltung zukunftsfähig gestalten" in text, name


def test_since_and_basis_beschlossen_contradict(example: Path, tmp_path: Path, run: Run) -> None:
    result = run(
        "report", "--repo", example, "--since", "2020", "--basis", "beschlossen", "--out", tmp_path
    )
    assert result.exit_code == 2 and "--since" in result.output


def test_decided_basis_takes_the_latest_decided_revision(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    write_tree(repo, {"data/revisions/2026.yaml": (
        "id: '2026'\ntitle: Zielsystem 2026\nstate: entwurf\n"
        "goals:\n  - {id: L1, title: Entwurf ohne Beschluss, level: leitziel}\n"
    )})  # fmt: skip
    text = _reports(run, repo, tmp_path / "out", "-k", "zielsystem", "-f", "md")["zielsystem.md"]
    assert "Verwaltung stetig modernisieren" in text  # the decided 2024 wording
    assert "Entwurf ohne Beschluss" not in text and "Verwaltung zukunftsfähig gestalten" not in text
    assert "Beschlussstand: Zielsystem 2024, Beschluss der Ratsversammlung vom 20.02.2024" in text


# --- invalid data is never published --------------------------------------------------------


def _break(repo: Path) -> None:
    write_tree(repo, {"data/measures/M-2.yaml": (
        "id: M-2\ntitle: Kaputt\ngoals: [F1]\ndepartment: FD 10\nstatus: laufend\nbudget: drei\n"
    )})  # fmt: skip


@pytest.mark.parametrize("command", ["report", "export"])
def test_invalid_data_writes_nothing(tmp_path: Path, run: Run, command: str) -> None:
    repo = build_repo(tmp_path / "repo")
    _break(repo)
    out = tmp_path / "out"
    result = run(command, "--repo", repo, "--out", out)
    assert result.exit_code == 1, result.output
    assert "ISEK098" in result.stderr and "M-2.yaml" in result.stderr
    assert not out.exists()


def test_allow_errors_renders_and_every_page_says_so(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    _break(repo)
    for fmt in ("html", "md"):
        out = tmp_path / fmt
        result = run("report", "--repo", repo, "--out", out, "-f", fmt, "--allow-errors")
        assert result.exit_code == 0, result.output
        assert "Warnung" in result.stderr
        for path in [*out.rglob("*.html"), *out.rglob("*.md")]:
            text = path.read_text(encoding="utf-8")
            assert "Die Daten enthalten Fehler (1 Fehler)" in text, path.name
            if fmt == "html":
                assert 'class="banner banner-error" role="alert"' in text
                assert "<title>Daten mit Fehlern" in text
    out = tmp_path / "od"
    assert run("export", "--repo", repo, "--out", out, "--allow-errors").exit_code == 0
    assert "Die Daten enthalten Fehler" in (out / "datapackage.json").read_text(encoding="utf-8")


def test_warnings_do_not_stop_a_report(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    write_tree(repo, {"data/measures/M-1.yaml": (
        "id: M-1\ntitle: Digitale Terminvergabe\ngoals: [F1]\ndepartment: FD 10\nstatus: laufend\n"
        "reports:\n  - {date: 2025-03-01, status: geplant, text: Freigeschaltet.}\n"
    )})  # fmt: skip
    assert "ISEK071" in run("validate", "--repo", repo).stdout
    result = run("report", "--repo", repo, "--out", tmp_path / "out")
    assert result.exit_code == 0 and "Fehler" not in (
        tmp_path / "out" / "zielsystem.html"
    ).read_text(encoding="utf-8")


# --- time, ratings and German --------------------------------------------------------------


def test_stichtag_defaults_to_the_day_of_rendering(example: Path, tmp_path: Path, run: Run) -> None:
    run("report", "--repo", example, "-k", "massnahmenliste", "-f", "md", "--out", tmp_path)
    text = (tmp_path / "massnahmenliste.md").read_text(encoding="utf-8")
    assert f"Stichtag {date.today():%d.%m.%Y}" in text


def test_public_reports_flag_late_measures_and_stale_reports(
    example: Path, tmp_path: Path, run: Run
) -> None:
    texts = _reports(run, example, tmp_path / "out", "-f", "md")
    liste, bericht = texts["massnahmenliste.md"], texts["stadtentwicklungsbericht.md"]
    portal = next(line for line in liste.splitlines() if "`DIGI-BUERGERPORTAL`" in line)
    assert "1. Halbjahr 2021 – **überfällig**" in portal and "28.10.2020 – **veraltet**" in portal
    assert (
        "`DIGI-BUERGERPORTAL`: überfällig: geplantes Ende 1. Halbjahr 2021, nicht abgeschlossen; "
        "Statusbericht veraltet: älter als 6 Monate" in bericht
    )
    early = _reports(run, example, tmp_path / "early", "-f", "md", "--stichtag", "2020-11-01")
    assert "überfällig" not in early["massnahmenliste.md"].split("## Sachstand")[0]


def test_the_reason_is_shown_wherever_a_rating_is(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    write_tree(repo, {"data/measures/M-1.yaml": (
        "id: M-1\ntitle: Digitale Terminvergabe\ngoals: [F1]\ndepartment: FD 10\nstatus: laufend\n"
        "rating: gelb\nrating_reason: Lieferant hat die Schnittstelle verschoben.\n"
    )})  # fmt: skip
    texts = _reports(run, repo, tmp_path / "out")
    for name in ("massnahmenliste.html", "stadtentwicklungsbericht.html"):
        shown = re.findall(
            r'<(?:td|dd)[^>]*><span class="rating rating-gelb">.*?</(?:td|dd)>',
            texts[name],
            re.S,
        )
        assert len(shown) == (2 if name.startswith("massnahmen") else 1), name
        assert all("Begründung: Lieferant hat die Schnittstelle verschoben." in c for c in shown), (
            name
        )
        assert "<strong>Ampel:</strong>" in texts[name], "an Ampel legend"


def test_german_formats_labels_and_numbers(example: Path, tmp_path: Path, run: Run) -> None:
    texts = _reports(run, example, tmp_path / "out")
    budget = _reports(run, example, tmp_path / "intern", "-k", "haushaltsbericht")[
        "haushaltsbericht.html"
    ]
    assert "1.381.900 €" in budget, "2021: 881.900 + 350.000 + 150.000 € (seed 003)"
    assert "5.509.500 €" in budget, "2021–2025 as seed 003's tables split them"
    for label in ("Personalaufwendungen", "Aufwendungen für Sach- und Dienstleistungen",
                  "Auszahlungen für Investitionen", "Ergebnisplan", "Finanzplan"):  # fmt: skip
        assert label in budget
    liste = texts["massnahmenliste.html"]
    assert "3. Quartal 2021" in liste and "1. Halbjahr 2021" in liste
    assert "federführender Fachdienst" in liste and "Stichtag 30.06.2024" in liste
    for text in texts.values():
        assert "Commit" not in text and "Erstellt mit isekctl" not in text
        assert not re.search(r"\b1 (Maßnahmen|Ziele|Monate|Zielen)\b", _flat(text))


def test_the_commit_goes_into_a_meta_element_only(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    git = ["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    texts = _reports(run, repo, tmp_path / "out")
    for text in texts.values():
        meta = re.search(r'<meta name="isekctl-commit" content="([0-9a-f]{10})">', text)
        assert meta, "the commit is in the page's metadata"
        assert meta.group(1) not in text.split("<body", 1)[1]
        assert f"Datenstand {date.today():%d.%m.%Y}" in text


def test_singular_and_plural(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    texts = _reports(run, repo, tmp_path / "out", "-f", "md")
    assert "1 Schlüsselmaßnahme." in texts["massnahmenliste.md"]
    assert (
        "2 Ziele; 1 Schlüsselmaßnahme dient ihrer Umsetzung" in texts["stadtentwicklungsbericht.md"]
    )
    none = "Keinem der 17 SDGs ist bisher ein Ziel oder eine Schlüsselmaßnahme des ISEK zugeordnet."
    assert none in texts["nachhaltigkeitsbericht.md"]
    goals = repo / "data" / "goals" / "ziele.yaml"
    text = goals.read_text(encoding="utf-8")
    goals.write_text(
        text.replace("  - id: F1\n", "  - id: F1\n    sdgs: [11]\n", 1), encoding="utf-8"
    )
    texts = _reports(run, repo, tmp_path / "one", "-f", "md")
    one = (
        "Einem der 17 SDGs ist mindestens ein Ziel oder eine Schlüsselmaßnahme des ISEK zugeordnet."
    )
    assert one in texts["nachhaltigkeitsbericht.md"]


def test_wording_fits_any_department_name_and_the_doppik(
    example: Path, tmp_path: Path, run: Run
) -> None:
    """A department may be a Fachdienst, a project or a staff unit: no report puts "Fachdienst"
    before its name. The doppischer Haushalt has Ergebnisplan and Finanzplan, whose Teilpläne
    are per product area: no report calls the two plans Teilpläne."""
    config = yaml.safe_load((example / "isek.yaml").read_text(encoding="utf-8"))
    departments = config["departments"]
    assert "Projekt Digitalisierung" in departments.values(), "the example has a project"
    texts = {}
    for fmt in ("md", "html"):
        texts.update(_reports(run, example, tmp_path / fmt, "-f", fmt))
        texts.update(_reports(run, example, tmp_path / f"intern-{fmt}", "-f", fmt,
                              "-k", "haushaltsbericht"))  # fmt: skip
    for name, text in texts.items():
        words = " ".join(text.split())  # the markup stays: a label and its value are not a phrase
        assert "Teilplan" not in words, name
        for key, department in departments.items():
            assert f"Fachdienst {department}" not in words, (name, department)
            assert f"Fachdienst {key}" not in words, (name, key)
    budget = _flat(texts["haushaltsbericht.html"])
    assert "getrennt nach Ergebnisplan und Finanzplan des doppischen Haushalts" in budget
    assert "Digitalisierung: Projekt Digitalisierung (federführend)" in budget
    page = _flat(texts["massnahmen/DIGI-DMS.html"])
    assert "Weitere Maßnahmen – federführend: Projekt Digitalisierung" in page
    sdgs = _flat(texts["nachhaltigkeitsbericht.html"])
    assert re.search(r"\b\d+ der 17 SDGs ist mindestens ein Ziel oder eine Schlüsselmaßnahme", sdgs)


def test_numbers_and_their_units_stay_together(example: Path, tmp_path: Path, run: Run) -> None:
    texts = _reports(run, example, tmp_path / "out")
    legend = texts["stadtentwicklungsbericht.html"]
    assert "95\u00a0% des nötigen Tempos" in legend and "95 %" not in legend
    budget = _reports(run, example, tmp_path / "intern", "-k", "haushaltsbericht")
    assert "0&nbsp;€ steht nur" in budget["haushaltsbericht.html"]


# --- council decisions, who decided, assumptions ---------------------------------------------


def test_resolutions_link_from_their_record_or_the_url_template(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    config = (repo / "isek.yaml").read_text(encoding="utf-8")
    write_tree(repo, {
        "isek.yaml": config + "resolution_url: 'https://ratsinfo.example/vorlage?nr={resolution}'\n",
        "data/measures/M-1.yaml": (
            "id: M-1\ntitle: Digitale Terminvergabe\ngoals: [F1]\ndepartment: FD 10\n"
            "decided_by: selbstverwaltung\nstatus: laufend\nresolutions:\n"
            "  - 0121/2018/MV\n"
            "  - {number: 0047/2018/An, body: Ratsversammlung, date: 2018-12-11, title: Antrag Digitalisierung,\n"
            "     url: 'https://oparl.example/paper/47'}\n"
            "  - {body: Hauptausschuss, date: 2023-11-14, title: Handlungsplan}\n"
            "  - {number: 0001/2024/DS, body: Rat, date: 2024-01-01, url: 'javascript:alert(1)'}\n"
        ),
        "data/measures/M-2.yaml": (
            "id: M-2\ntitle: Intranet\ngoals: [F1]\ndepartment: FD 10\ndecided_by: verwaltung\nstatus: laufend\n"
        ),
    })  # fmt: skip
    checked = run("validate", "--repo", repo)  # the javascript: link is refused (ISEK046) …
    assert checked.exit_code == 1 and "ISEK046" in checked.output
    texts = _reports(run, repo, tmp_path / "out", "--allow-errors")  # … and never rendered
    html = texts["massnahmenliste.html"]
    assert '<a href="https://ratsinfo.example/vorlage?nr=0121%2F2018%2FMV">0121/2018/MV</a>' in html
    assert (
        '<a href="https://oparl.example/paper/47">0047/2018/An</a> (Ratsversammlung, 11.12.2018: '
        "Antrag Digitalisierung)" in html
    )
    assert "Hauptausschuss, 14.11.2023 (Handlungsplan)" in html
    assert "javascript:" not in html and ">0001/2024/DS</a>" not in html
    assert "beschlossen von: Selbstverwaltung (Rat und Ausschüsse)" in html
    assert '<select name="decided_by">' in html and '<option value="verwaltung">' in html
    md = _reports(run, repo, tmp_path / "md", "-f", "md", "-k", "massnahmenliste", "--allow-errors")
    assert "[0047/2018/An](https://oparl.example/paper/47)" in md["massnahmenliste.md"]


def test_assumptions_are_marked_in_the_reports(example: Path, tmp_path: Path, run: Run) -> None:
    texts = _reports(run, example, tmp_path / "out", "--basis", "arbeitsstand")
    bericht = _flat(texts["stadtentwicklungsbericht.html"])
    assert "Nachhaltigkeitsziele (SDG): 13, 15 (Annahme)" in bericht
    assert "2020 330 (Annahme) Ausgangswert" in bericht  # Jahr, Ist, Anmerkung
    liste = _flat(texts["massnahmenliste.html"])
    assert "laufend (Annahme)" in liste  # SICH-IRIS: the status is not in the source
    assert (
        "Zur Veranschaulichung angenommen (nicht aus den Quellen): Namen der Fachdienste" in liste
    )


# --- behaviour that stays ------------------------------------------------------------------


def test_output_is_byte_identical_across_runs(example: Path, tmp_path: Path, run: Run) -> None:
    for name in ("a", "b"):
        for fmt in ("html", "md"):
            args = ("--stichtag", STICHTAG, "-f", fmt, "--no-cache")
            assert run("report", "--repo", example, "--out", tmp_path / name, *args).exit_code == 0
    written = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*"))
    assert written == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*"))
    for name in written:
        path = tmp_path / "a" / name
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_html_is_self_contained(example: Path, tmp_path: Path, run: Run) -> None:
    """A page alone carries its style; the site's pages share one stylesheet beside them."""
    for kind in KINDS:
        html = _reports(run, example, tmp_path / kind, "-k", kind)[f"{kind}.html"]
        assert html.startswith('<!DOCTYPE html>\n<html lang="de">')
        assert "Content-Security-Policy" in html and "@media print" in html
        assert not re.search(r"""(src|href)=["'](https?:)?//""", html), kind
        assert "<link" not in html, kind
    site = tmp_path / "site"
    texts = _reports(run, example, site)
    assert "@media print" in (site / "isek.css").read_text(encoding="utf-8")
    for name, html in texts.items():
        assert html.startswith('<!DOCTYPE html>\n<html lang="de">')
        assert "Content-Security-Policy" in html and "style-src 'self';" in html
        assert not re.search(r"""(src|href)=["'](https?:)?//""", html), (
            f"{name} loads something from the network"
        )
        links = re.findall(r"<link [^>]*>", html)
        root = "../" * name.count("/")
        assert links == [f'<link rel="stylesheet" href="{root}isek.css">'], name


def test_traffic_light_is_never_colour_alone(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    write_tree(repo, {"data/measures/M-1.yaml": (
        "id: M-1\ntitle: Terminvergabe\ngoals: [F1]\ndepartment: FD 10\nstatus: laufend\nrating: rot\n"
        "rating_reason: Verzug.\n"
    )})  # fmt: skip
    html = _reports(run, repo, tmp_path / "out")["massnahmenliste.html"]
    found = re.findall(
        r'<span class="rating rating-(\w+)"><span aria-hidden="true">(.)</span> (\w+)</span>', html
    )
    assert ("rot", "■", "rot") in found and len(found) >= 4  # the row, the details, the legend
    for key, _, word in found:
        assert key[:3] == word.replace("ü", "ue")[:3]


HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": '<img src=x onerror="alert(2)">',
    "markup": "[bold red]rot[/bold red] {{ 7*7 }} {% for x in range(9) %}x{% endfor %}",
    "md": "| a | b |\n# Überschrift\n<!-- versteckt",
    "link": "[klick](javascript:alert(3)) und [ok](https://example.org)",
}


def test_hostile_text_in_every_field_is_rendered_harmless(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    text = HOSTILE
    write_tree(repo, {
        "data/measures/M-1.yaml": (
            "id: M-1\n"
            f"title: '{text['script']} {text['markup']}'\n"
            "goals: [F1]\ndepartment: FD 10\nstatus: laufend\nrating: rot\n"
            f"rating_reason: '{text['img']}'\n"
            f"description: |\n  {text['link']}\n  <iframe src=x></iframe>\n  # Titel im Text\n"
            "reports:\n"
            f"  - {{date: 2025-03-01, status: laufend, text: '{text['img']} | x |'}}\n"
        ),
    })  # fmt: skip
    assert run("validate", "--repo", repo).exit_code == 0, "the hostile file must be valid data"
    out = tmp_path / "out"
    assert run("report", "--repo", repo, "--out", out).exit_code == 0
    assert run("report", "--repo", repo, "--out", out, "-f", "md").exit_code == 0
    for path in out.glob("*.html"):
        html = path.read_text(encoding="utf-8")
        body = html.split("<body", 1)[1].rsplit("<script>", 1)[0]
        assert "<script>alert" not in body and "<img" not in body and "<iframe" not in body
        assert 'href="javascript' not in body.lower(), (
            "a javascript: link may stay visible text, never a link"
        )
    liste = (out / "massnahmenliste.html").read_text(encoding="utf-8")
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; [bold red]rot[/bold red] {{ 7*7 }} {% for x in range(9) %}x{% endfor %}"
        in liste
    )
    assert '<a href="https://example.org" rel="noopener noreferrer">ok</a>' in liste
    assert "<h1>Titel im Text</h1>" not in liste
    md = (out / "massnahmenliste.md").read_text(encoding="utf-8")
    table_rows = [line for line in md.splitlines() if line.startswith("| [")]
    assert len(table_rows) == 1 and table_rows[0].count(" | ") == 7, "no injected table cells"
    assert "\\<script\\>" in md and "<script>" not in md
    assert "](javascript:" not in md.replace("\\[klick\\]", ""), (
        "no live javascript: link in Markdown"
    )


def test_repository_templates_override_packaged_ones(
    example: Path, tmp_path: Path, run: Run
) -> None:
    write_tree(
        example, {"templates/zielsystem.md.j2": "# Eigene Vorlage für {{ municipality | md }}\n"}
    )
    out = tmp_path / "out"
    assert (
        run("report", "--repo", example, "-k", "zielsystem", "-f", "md", "--out", out).exit_code
        == 0
    )
    assert (out / "zielsystem.md").read_text(
        encoding="utf-8"
    ) == "# Eigene Vorlage für Stadt Neumünster\n"
    assert (
        run(
            "report", "--repo", example, "-k", "massnahmenliste", "-f", "md", "--out", out
        ).exit_code
        == 0
    )
    assert (out / "massnahmenliste.md").read_text(encoding="utf-8").startswith("# Maßnahmenliste")


def test_a_broken_repository_template_is_the_users_error(
    example: Path, tmp_path: Path, run: Run
) -> None:
    write_tree(example, {"templates/zielsystem.md.j2": "Zeile 1\n{{ levels | nosuchfilter }}\n"})
    result = run("report", "--repo", example, "-k", "zielsystem", "-f", "md", "--out", tmp_path)
    assert result.exit_code == 1 and "ISEK089" in result.stderr
    assert "templates/zielsystem.md.j2:2" in result.stderr and "Traceback" not in result.output


def test_since_unknown_revision(example: Path, tmp_path: Path, run: Run) -> None:
    result = run("report", "--repo", example, "--since", "2019", "--out", tmp_path)
    assert result.exit_code == 1 and "ISEK092" in result.stderr


def test_stichtag_option_changes_late_measures(example: Path, tmp_path: Path, run: Run) -> None:
    def late(day: str) -> str:
        out = tmp_path / day
        run("report", "--repo", example, "-k", "haushaltsbericht", "-f", "md", "--out", out,
            "--stichtag", day)  # fmt: skip
        text = (out / "haushaltsbericht.md").read_text(encoding="utf-8")
        return text.split("## Überfällige Maßnahmen")[1].split("##")[0]

    early, later = late("2021-01-15"), late("2023-06-30")
    assert "DIGI-STELLENBESETZUNG" in early and "DIGI-OZG-UMSETZUNG" not in early
    assert "DIGI-OZG-UMSETZUNG" in later


def test_since_ignores_a_change_of_blanks_alone(example: Path, tmp_path: Path, run: Run) -> None:
    """Re-typing a title with a double blank or a tab is no new wording for the council."""

    def proposal(out: Path) -> str:
        result = run(
            "report", "--repo", example, "-k", "zielsystem", "--since", "2020", "--out", out,
            "--stichtag", "2026-01-15",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        return (out / "zielsystem.html").read_text(encoding="utf-8")

    before = proposal(tmp_path / "before")
    goals = example / "data" / "goals" / "gesamtstaedtisch.yaml"
    text = goals.read_text(encoding="utf-8")
    assert "title: Finanzpolitisch nachhaltig handeln" in text
    goals.write_text(
        text.replace(
            "title: Finanzpolitisch nachhaltig handeln",
            "title: 'Finanzpolitisch  nachhaltig\thandeln'",
        ),
        encoding="utf-8",
    )
    after = proposal(tmp_path / "after")
    count = re.compile(r"schlägt die Verwaltung Änderungen an (.*?) vor")
    assert count.findall(after) == count.findall(before)
    assert after.count('class="change-geaendert"') == before.count('class="change-geaendert"')
