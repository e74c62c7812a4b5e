"""The published HTML in a real browser: axe-core finds no WCAG 2.1 AA violation, filters work.

Runs in headless Chromium (Debian's package, driven by Playwright). Where no Chromium
is installed the tests are skipped and say so; `.ci/run` installs it.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from ..conftest import EVERY_DIFF_CASE, TESTS

CHROMIUM = next(
    (
        p
        for p in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
        if p and Path(p).exists()
    ),
    None,
)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium installed (Debian: apt-get install chromium; .ci/run does it)",
    ),
]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def axe_violations(page, url: str) -> list[dict]:
    import axe_playwright_python

    page.goto(url)
    script = (
        Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text(encoding="utf-8")
    )
    page.evaluate(script)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
        for v in result["violations"]
    ]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every HTML report of the shipped example on each basis, and one with ratings and errors."""
    from typer.testing import CliRunner

    from isekctl.cli import app

    from ..conftest import ROOT, build_repo, write_tree

    example = tmp_path_factory.mktemp("example")
    shutil.copy2(ROOT / "isek.yaml", example / "isek.yaml")
    shutil.copytree(ROOT / "data", example / "data")
    out = tmp_path_factory.mktemp("html")
    runner = CliRunner()
    day = ["--stichtag", "2024-06-30"]
    for folder, args in (
        (out, []),
        (out / "since", ["-k", "zielsystem", "--since", "2020"]),
        (out / "arbeitsstand", ["--basis", "arbeitsstand"]),
    ):
        result = runner.invoke(
            app, ["report", "--repo", str(example), "--out", str(folder), *day, *args]
        )
        assert result.exit_code == 0, result.output
    rated = build_repo(tmp_path_factory.mktemp("rated") / "repo")
    write_tree(rated, {
        "data/measures/M-1.yaml": (
            "id: M-1\ntitle: Terminvergabe\ngoals: [F1]\ndepartment: FD 10\ndecided_by: verwaltung\n"
            "status: laufend\nrating: rot\nrating_reason: Der Anbieter liefert später.\nend: 2024\n"
            "resolutions: [{body: Rat, date: 2023-11-14, title: Beschluss, url: 'https://example.org/1'}]\n"
            "assumptions: [department]\n"
        ),
        "data/measures/M-2.yaml": "id: M-2\ntitle: Kaputt\ngoals: [F1]\ndepartment: FD 10\nstatus: 3\n",
    })  # fmt: skip
    result = runner.invoke(
        app, ["report", "--repo", str(rated), "--out", str(out / "rated"), *day, "--allow-errors"]
    )
    assert result.exit_code == 0, result.output
    four = TESTS / "repos" / "vier-ebenen"  # charts, actuals, four levels, 17 product areas
    result = runner.invoke(app, ["report", "--repo", str(four), "--out", str(out / "vier"),
                                 "--stichtag", "2026-01-15"])  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def synopses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Synopse of the shipped example against 2020, and of every change class."""
    from typer.testing import CliRunner

    from isekctl.cli import app

    from ..conftest import ROOT

    example = tmp_path_factory.mktemp("example")
    shutil.copy2(ROOT / "isek.yaml", example / "isek.yaml")
    shutil.copytree(ROOT / "data", example / "data")
    out = tmp_path_factory.mktemp("synopse")
    runner = CliRunner()
    assert (
        runner.invoke(
            app,
            ["diff", "2020", "--repo", str(example), "-f", "html", "-o", str(out / "synopse.html")],
        ).exit_code
        == 0
    )
    every = EVERY_DIFF_CASE
    assert (
        runner.invoke(
            app,
            [
                "diff",
                str(every / "old"),
                str(every / "new"),
                "--repo",
                str(every / "new"),
                "-f",
                "html",
                "-o",
                str(out / "synopse-alle.html"),
            ],
        ).exit_code
        == 0
    )
    return out


REPORTS = [
    "zielsystem.html",
    "stadtentwicklungsbericht.html",
    "haushaltsbericht.html",
    "massnahmenliste.html",
    "nachhaltigkeitsbericht.html",
]
PAGES = [
    *REPORTS, "since/zielsystem.html", *(f"arbeitsstand/{p}" for p in REPORTS), *(f"rated/{p}" for p in REPORTS),
    "vier/stadtentwicklungsbericht.html", "vier/haushaltsbericht.html", "vier/nachhaltigkeitsbericht.html",
]  # fmt: skip
SYNOPSES = ["synopse.html", "synopse-alle.html"]


def _check_page(browser, path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    violations = axe_violations(page, path.as_uri())
    page.close()
    assert violations == [], violations
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r, seen=requests: seen.append(r.url))
    page.on("console", lambda m, seen=errors: seen.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    page.close()
    assert [r for r in requests if not r.startswith("file:")] == []
    assert errors == []  # a CSP violation would show up here


@pytest.mark.parametrize("name", PAGES)
def test_reports_are_accessible_and_self_contained(browser, published: Path, name: str) -> None:
    _check_page(browser, published / name)


@pytest.mark.parametrize("name", SYNOPSES)
def test_synopses_are_accessible_and_self_contained(browser, synopses: Path, name: str) -> None:
    _check_page(browser, synopses / name)


def test_filters_work_and_the_table_works_without_javascript(browser, published: Path) -> None:
    url = (published / "massnahmenliste.html").as_uri()
    page = browser.new_page()
    page.goto(url)
    rows = page.locator("#massnahmen tbody tr")
    total = rows.count()
    page.select_option("select[name=department]", "FD_32")
    shown = page.locator("#massnahmen tbody tr:not([hidden])").count()
    assert 0 < shown < total
    assert page.locator("#treffer").inner_text() == f"{shown} von {total} Maßnahmen"
    page.select_option("select[name=status]", "geplant")
    both = page.locator("#massnahmen tbody tr:not([hidden])").count()
    assert 0 < both < shown
    page.fill("input[name=text]", "Klosterinsel")
    assert page.locator("#massnahmen tbody tr:not([hidden])").count() == 1
    page.click("button[type=reset]")
    page.wait_for_function(
        f"document.querySelectorAll('#massnahmen tbody tr:not([hidden])').length === {total}"
    )
    page.close()
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(url)
    assert plain.locator("#filter").is_hidden(), "without JavaScript the filter form stays hidden"
    assert plain.locator("#massnahmen tbody tr:visible").count() == total
    context.close()


def test_filtering_twenty_thousand_rows_does_not_freeze_the_page(browser, tmp_path: Path) -> None:
    from isekctl.model import Config, Goal, Level, Measure
    from isekctl.project import Item, Positions, Project
    from isekctl.publishing.reports import DataVersion, report_text

    config = Config(
        municipality="Großstadt", levels=[Level(id="z", name="Ziele", requires_product_area=True)],
        product_areas={str(i): f"Bereich {i}" for i in range(1, 7)}, departments={f"FD {i}": f"Fachdienst {i}" for i in range(10, 30)},
    )  # fmt: skip
    goals = [
        Goal(id=f"Z{i}", title=f"Ziel Nummer {i}", level="z", product_area=str(i % 6 + 1))
        for i in range(60)
    ]
    statuses = ["geplant", "laufend", "abgeschlossen", "verzoegert"]
    measures = [
        Measure.model_validate(
            {
                "id": f"M-{i:05d}",
                "title": f"Maßnahme {i} zur Straßenbeleuchtung im Quartier",
                "goals": [f"Z{i % 60}"],
                "department": f"FD {10 + i % 20}",
                "status": statuses[i % 4],
                "rating": "gelb",
                "rating_reason": "Verzug.",
                "reports": [
                    {
                        "date": "2025-03-01",
                        "status": statuses[i % 4],
                        "text": "Sachstand zum Frühjahr.",
                    }
                ],
            }
        )
        for i in range(20_000)
    ]
    positions = Positions("x")
    project = Project(
        "x",
        config,
        goals=[Item(g, positions) for g in goals],
        measures=[Item(m, positions) for m in measures],
    )
    page_file = tmp_path / "gross.html"
    page_file.write_text(
        report_text("massnahmenliste", "html", project, DataVersion(), date(2025, 6, 1)),
        encoding="utf-8",
    )
    page = browser.new_page()
    page.goto(page_file.as_uri(), timeout=120_000)
    assert (
        page.locator("#treffer").inner_text()
        == "20000 von 20000 Maßnahmen, die ersten 250 angezeigt"
    )
    # time from the change event to the first frame painted after it (script, style and layout)
    elapsed_ms = page.evaluate(
        """() => new Promise(done => {
             const s = document.querySelector('select[name=department]'); s.value = 'FD_12';
             const t = performance.now(); s.dispatchEvent(new Event('change', {bubbles: true}));
             requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t)));
           })"""
    )
    assert (
        page.locator("#treffer").inner_text()
        == "1000 von 20000 Maßnahmen, die ersten 250 angezeigt"
    )
    page.click("#mehr")
    assert page.locator("#massnahmen tbody tr:not([hidden])").count() == 1000
    assert page.locator("#mehr").is_hidden()
    page.close()
    print(f"filtering 20,000 rows: {elapsed_ms:.0f} ms until the next frame")
    assert elapsed_ms < 500, f"filtering took {elapsed_ms:.0f} ms; the page would feel frozen"


# --- the Synopse: every form, on a phone ---------------------------------------------------


@pytest.fixture(scope="module")
def synopsen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Synopse in its other forms: continued, merged and split goals with measures from a
    revision, and the compact form of a pull-request comment."""
    from typer.testing import CliRunner

    from isekctl.cli import app

    from ..conftest import TESTS

    out = tmp_path_factory.mktemp("synopsen")
    runner = CliRunner()
    continuation = TESTS / "diff_cases" / "continuation" / "new"
    every = EVERY_DIFF_CASE
    for name, args in (
        ("fortgefuehrt.html", ["2023", "--repo", str(continuation)]),
        ("kurz.html", [str(every / "old"), str(every / "new"), "--repo", str(every / "new"),
                       "--changes-only"]),
        ("alle.html", [str(every / "old"), str(every / "new"), "--repo", str(every / "new")]),
    ):  # fmt: skip
        result = runner.invoke(app, ["diff", *args, "-f", "html", "-o", str(out / name)])
        assert result.exit_code == 0, result.output
    return out


SYNOPSEN = ["fortgefuehrt.html", "kurz.html", "alle.html"]


@pytest.mark.parametrize("name", SYNOPSEN)
@pytest.mark.parametrize("width", [1280, 390])
def test_synopse_is_accessible_at_every_width(
    browser, synopsen: Path, name: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    violations = axe_violations(page, (synopsen / name).as_uri())
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.close()
    assert violations == [], violations
    assert overflow <= 0, f"{name} scrolls sideways at {width} px"


def test_synopse_marks_insertions_unlike_links_and_stacks_on_phones(
    browser, synopsen: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((synopsen / "alle.html").as_uri())
    style = page.evaluate(
        """() => { const s = getComputedStyle(document.querySelector('td ins'));
                   return [s.textDecorationLine, s.fontWeight, s.backgroundColor]; }"""
    )
    assert style[0] == "none" and int(style[1]) >= 700 and style[2] not in ("", "rgba(0, 0, 0, 0)")
    assert page.locator(".legend ins").count() == 1, "the legend explains the cue"

    def columns(p) -> list[tuple[float, float]]:
        cells = p.locator("table.synopse tbody tr").nth(1).locator("td")
        return [
            (cells.nth(i).bounding_box()["x"], cells.nth(i).bounding_box()["y"]) for i in range(2)
        ]

    (old_x, old_y), (new_x, new_y) = columns(page)
    assert new_x > old_x and abs(new_y - old_y) < 2, "side by side on a wide screen"
    page.set_viewport_size({"width": 390, "height": 900})
    (old_x, old_y), (new_x, new_y) = columns(page)
    assert new_y > old_y and abs(new_x - old_x) < 2, "old above new on a phone"
    assert page.locator("table.synopse tbody tr").nth(1).locator(".cell-label").first.is_visible()
    page.close()
