"""The published site: what `report --kind all --format html` writes, and what it leaves out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ..conftest import Run, build_repo, write_tree

STICHTAG = "2024-06-30"
PUBLIC = [
    "zielsystem.html",
    "stadtentwicklungsbericht.html",
    "massnahmenliste.html",
    "nachhaltigkeitsbericht.html",
]


def _site(run: Run, repo: Path, out: Path, *args: str) -> Path:
    result = run("report", "--repo", repo, "--out", out, "--stichtag", STICHTAG, *args)
    assert result.exit_code == 0, result.output
    return out


def _nav(html: str) -> list[str]:
    nav = re.search(r'<nav class="site" aria-label="Website">(.*?)</nav>', html, re.S)
    assert nav, "every page has the site's navigation"
    return re.findall(r">([^<]+)</a>", nav.group(1))


# --- public means public -------------------------------------------------------------------------


def test_kind_all_leaves_internal_reports_out(example: Path, tmp_path: Path, run: Run) -> None:
    site = _site(run, example, tmp_path / "site")
    assert not (site / "haushaltsbericht.html").exists()
    html = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert "haushaltsbericht" not in html.lower() and "Haushaltsansätze nach" not in html
    md = _site(run, example, tmp_path / "md", "-f", "md")
    assert sorted(p.name for p in md.iterdir()) == sorted(n.replace(".html", ".md") for n in PUBLIC)
    # asked for by name, the internal report is still written (for the office, not the site)
    alone = _site(run, example, tmp_path / "alone", "-k", "haushaltsbericht")
    assert (alone / "haushaltsbericht.html").is_file()


def test_the_data_repository_can_publish_its_internal_reports(
    example: Path, tmp_path: Path, run: Run
) -> None:
    config = example / "isek.yaml"
    config.write_text(
        config.read_text(encoding="utf-8") + "publish:\n  internal_reports: true\n", "utf-8"
    )
    assert run("validate", "--repo", example).exit_code == 0
    site = _site(run, example, tmp_path / "site")
    assert (site / "haushaltsbericht.html").is_file()
    assert "Haushaltsbericht" in _nav((site / "index.html").read_text(encoding="utf-8"))


def test_a_template_can_mark_its_report_internal(example: Path, tmp_path: Path, run: Run) -> None:
    site = _site(run, example, tmp_path / "site")
    assert (site / "massnahmenliste.html").is_file()
    packaged = Path(__file__).resolve().parents[2] / "templates" / "massnahmenliste.html.j2"
    write_tree(example, {
        "templates/massnahmenliste.html.j2": "{# isekctl: intern #}\n" + packaged.read_text("utf-8"),
    })  # fmt: skip
    _site(run, example, site)
    assert not (site / "massnahmenliste.html").exists(), "a page no longer public is removed"
    assert not (site / "massnahmen").exists(), "and so are the pages of the measures"
    assert "Maßnahmenliste" not in _nav((site / "index.html").read_text(encoding="utf-8"))
    assert "massnahmen/" not in (site / "stadtentwicklungsbericht.html").read_text("utf-8")


def test_a_stale_internal_page_does_not_stay_on_the_site(
    example: Path, tmp_path: Path, run: Run
) -> None:
    site = tmp_path / "site"
    _site(run, example, site, "-k", "haushaltsbericht")  # e.g. an earlier run for the office
    (site / "massnahmenliste-7.html").write_text("alt", encoding="utf-8")
    (site / "eigene.html").write_text("bleibt", encoding="utf-8")
    _site(run, example, site)
    assert not (site / "haushaltsbericht.html").exists()
    assert not (site / "massnahmenliste-7.html").exists()
    assert (site / "eigene.html").read_text(encoding="utf-8") == "bleibt"


# --- the start page, navigation, permanent addresses ------------------------------------------------


def test_the_start_page_says_what_is_here(example: Path, tmp_path: Path, run: Run) -> None:
    site = tmp_path / "site"
    assert run("export", "--repo", example, "--out", site / "opendata").exit_code == 0
    (site / "synopse.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    _site(run, example, site)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>Integriertes Stadtentwicklungskonzept (ISEK) – Stadt Neumünster</title>" in index
    assert "Stichtag 30.06.2024" in index
    assert "Beschlussstand: ISEK-Zielsystem 2020, Beschluss der Ratsversammlung" in index
    for page in PUBLIC:
        assert f'<a href="{page}">' in index
    assert '<a href="synopse.html">Synopse</a>' in index
    assert '<a href="opendata/measures.csv">measures.csv</a>' in index
    assert re.search(r'<a href="opendata/isek-[\w-]+\.zip">', index)
    assert _nav(index) == ["Start", "ISEK-Zielsystem", "Stadtentwicklungsbericht", "Maßnahmenliste",
                           "Nachhaltigkeitsbericht", "Synopse", "Offene Daten"]  # fmt: skip
    # Leichte Sprache: short sentences, one a line
    part = index.split('id="leichte-sprache"')[1]
    assert "Hier steht ein Plan.<br>\nDer Plan ist von: Stadt Neumünster.<br>" in part
    assert "Ein Ziel sagt:<br>" in part


def test_the_leichte_sprache_text_comes_from_the_repository_if_it_has_one(
    example: Path, tmp_path: Path, run: Run
) -> None:
    write_tree(
        example, {"templates/leichte-sprache.md": "Hier plant {kommune}.\n<script>x</script>\n"}
    )
    site = _site(run, example, tmp_path / "site")
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Hier plant Stadt Neumünster." in index
    assert "<script>x" not in index


def test_every_page_has_the_same_navigation(example: Path, tmp_path: Path, run: Run) -> None:
    site = _site(run, example, tmp_path / "site")
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 60
    expected = _nav((site / "index.html").read_text(encoding="utf-8"))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert _nav(html) == expected, page
        root = "../" * (len(page.relative_to(site).parts) - 1)
        assert f'href="{root}index.html"' in html, page
        assert len(re.findall(r"<h1>", html)) == 1, page


def test_every_goal_and_measure_has_a_permanent_page(
    example: Path, tmp_path: Path, run: Run
) -> None:
    site = _site(run, example, tmp_path / "site")
    measures = sorted(p.stem for p in (example / "data" / "measures").glob("*.yaml"))
    assert sorted(p.stem for p in (site / "massnahmen").iterdir()) == measures
    page = (site / "massnahmen" / "DIGI-DMS.html").read_text(encoding="utf-8")
    assert "<title>Maßnahme: Dokumentenmanagementsystem mit 750 Lizenzen" in page
    assert '<a href="../ziele/PB1-DIGITALISIERUNG.html">Digitalisierung gestalten</a>' in page
    assert "Statusberichte" in page
    goal = (site / "ziele" / "PB1-DIGITALISIERUNG.html").read_text(encoding="utf-8")
    assert '<a href="../massnahmen/DIGI-DMS.html">' in goal, "goal ↔ measure"
    assert '<a href="../stadtentwicklungsbericht.html#ziel-PB1-DIGITALISIERUNG">' in goal
    assert '<a href="../massnahmenliste.html?ziel=PB1-DIGITALISIERUNG">' in goal
    # the reports link into the pages: a measure listed under several goals is one page
    report = (site / "stadtentwicklungsbericht.html").read_text(encoding="utf-8")
    assert report.count('<a href="massnahmen/DIGI-DMS.html">') >= 2
    assert '<a href="ziele/PB1-DIGITALISIERUNG.html">' in report
    assert '<a href="ziele/KLIMA.html">' in (site / "zielsystem.html").read_text(encoding="utf-8")
    # regenerated without a measure: the other addresses stay, the deleted one is gone
    (example / "data" / "measures" / "DIGI-WLAN.yaml").unlink()
    _site(run, example, site)
    assert not (site / "massnahmen" / "DIGI-WLAN.html").exists()
    assert (site / "massnahmen" / "DIGI-DMS.html").read_text(encoding="utf-8") == page


def test_long_pages_have_a_table_of_contents(example: Path, tmp_path: Path, run: Run) -> None:
    site = _site(run, example, tmp_path / "site")
    for name in ("stadtentwicklungsbericht.html", "massnahmenliste.html", "zielsystem.html"):
        html = (site / name).read_text(encoding="utf-8")
        toc = re.search(r'<nav class="toc".*?</nav>', html, re.S)
        assert toc, name
        for target in re.findall(r'href="#([^"]+)"', toc.group(0)):
            assert f'id="{target}"' in html, (name, target)


def test_a_one_year_period_reads_as_one_year(tmp_path: Path, run: Run) -> None:
    repo = build_repo(tmp_path / "repo")
    write_tree(repo, {"data/measures/M-1.yaml": (
        "id: M-1\ntitle: Terminvergabe\ngoals: [F1]\ndepartment: FD 10\nstatus: laufend\n"
        "start: 2021\nend: 2021\n"
    )})  # fmt: skip
    site = _site(run, repo, tmp_path / "site")
    page = (site / "massnahmen" / "M-1.html").read_text(encoding="utf-8")
    assert "<dd>2021</dd>" in page and "2021 bis 2021" not in page


# --- a long list in pages -----------------------------------------------------------------------


def _many(repo: Path, count: int) -> None:
    write_tree(repo, {
        f"data/measures/M-{i:03d}.yaml": (
            f"id: M-{i:03d}\ntitle: Maßnahme {i:03d}\ngoals: [F1]\ndepartment: FD 10\nstatus: laufend\n"
            f"resolutions: ['{i:04d}/2024/DS']\n"
        )
        for i in range(count)
    })  # fmt: skip


def test_a_long_list_comes_in_pages_with_its_data_beside_them(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isekctl.publishing import site as site_module

    monkeypatch.setattr(site_module, "PAGE_SIZE", 10)
    repo = build_repo(tmp_path / "repo")
    _many(repo, 25)
    site = _site(run, repo, tmp_path / "site")
    pages = ["massnahmenliste.html", "massnahmenliste-2.html", "massnahmenliste-3.html"]
    assert sorted(p.name for p in site.glob("massnahmenliste*.html")) == sorted(pages)
    first = (site / pages[0]).read_text(encoding="utf-8")
    assert first.count("<tr>") == 1 + 10 and 'id="sachstand"' not in first
    assert '<a href="massnahmenliste-2.html" rel="next">' in first
    assert "script-src 'sha256-" in first and " 'self';" in first
    assert 'data-src="massnahmen-daten.js"' in first
    last = (site / pages[2]).read_text(encoding="utf-8")
    assert '<a href="massnahmenliste-2.html" rel="prev">' in last and "<tr>" in last
    script = (site / "massnahmen-daten.js").read_text(encoding="utf-8")
    assert script.startswith("window.ISEK_MASSNAHMEN = ") and script.endswith(";\n")
    data = json.loads(script.removeprefix("window.ISEK_MASSNAHMEN = ").removesuffix(";\n"))
    assert len(data["measures"]) == 26  # the base repository brings one
    row = dict(zip(data["fields"], data["measures"][1], strict=True))
    assert row["papers"] == "0000/2024/DS" and row["department"] == "FD 10", "for the search"
    # fewer measures again: the pages beyond the last and the data are removed
    for path in (repo / "data" / "measures").glob("M-0*.yaml"):
        path.unlink()
    _site(run, repo, site)
    assert [p.name for p in site.glob("massnahmenliste*")] == ["massnahmenliste.html"]
    assert not (site / "massnahmen-daten.js").exists()
