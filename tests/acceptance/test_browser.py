"""The published HTML in a real browser: axe-core finds no WCAG 2.1 AA violation, filters work.

Runs in headless Chromium (Debian's package, driven by Playwright). Where no Chromium
is installed the tests are skipped and say so; `.ci/run` installs it.
"""

from __future__ import annotations

import os
import shutil
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


def axe_violations(page, url: str | None = None) -> list[dict]:
    """axe-core's WCAG 2.1 AA violations of `url`, or of the page as it is now."""
    import axe_playwright_python

    if url is not None:
        page.goto(url)
    script = (
        Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text(encoding="utf-8")
    )
    page.evaluate(script)
    result = page.evaluate(
        # no preload: axe would fetch the stylesheet itself, which the pages' CSP forbids
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, preload: false})",
        WCAG,
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["html"][:160] for n in v["nodes"][:3]]}
        for v in result["violations"]
    ]


def _example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ..conftest import ROOT

    example = tmp_path_factory.mktemp("example")
    shutil.copy2(ROOT / "isek.yaml", example / "isek.yaml")
    shutil.copytree(ROOT / "data", example / "data")
    return example


def _cli(*args: str | Path) -> None:
    from typer.testing import CliRunner

    from isekctl.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of the shipped example on each basis, its Synopse and open data, a page alone,
    the internal report, and a site with ratings and errors."""
    from ..conftest import build_repo, write_tree

    example = _example(tmp_path_factory)
    out = tmp_path_factory.mktemp("html")
    day = ["--stichtag", "2024-06-30"]
    _cli("diff", "2020", "--repo", example, "-f", "html", "-o", out / "site" / "synopse.html")
    _cli("export", "--repo", example, "--out", out / "site" / "opendata")
    _cli("report", "--repo", example, "--out", out / "site", *day)
    _cli(
        "report", "--repo", example, "--out", out / "arbeitsstand", *day, "--basis", "arbeitsstand"
    )
    _cli(
        "report",
        "--repo",
        example,
        "--out",
        out / "alone",
        *day,
        "-k",
        "zielsystem",
        "--since",
        "2020",
    )
    _cli("report", "--repo", example, "--out", out / "alone", *day, "-k", "haushaltsbericht")
    _cli("report", "--repo", example, "--out", out / "alone", *day, "-k", "massnahmenliste")
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
    _cli("report", "--repo", rated, "--out", out / "rated", *day, "--allow-errors")
    four = TESTS / "repos" / "vier-ebenen"  # charts, actuals, four levels, 17 product areas
    _cli("report", "--repo", four, "--out", out / "vier", "--stichtag", "2026-01-15")
    _cli("report", "--repo", four, "--out", out / "vier", "--stichtag", "2026-01-15",
         "-k", "haushaltsbericht")  # fmt: skip
    return out


WIDTHS = (1280, 390)

# What a reader on a phone must be able to read: no text cut off in its box, a table's caption
# within the part of the table in view, column headings that may wrap (one that may not pushes
# the numbers out of sight), and a first column kept in view that leaves room for the others.
CUTS = r"""() => {
  const found = [];
  const name = el => el.tagName.toLowerCase() + " „" + el.textContent.trim().replace(/\s+/g, " ").slice(0, 60) + "“";
  const hidden = el => {
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clipPath !== "none" || style.display === "none") { return true; }
    }
    return !el.getClientRects().length;
  };
  for (const el of document.querySelectorAll("caption, th, td, h1, h2, h3, h4, p, li, dt, dd, figcaption, label")) {
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && !hidden(el)) {
      found.push(`${name(el)} is cut: ${el.scrollWidth} px of text in ${el.clientWidth} px`);
    }
  }
  for (const wrap of document.querySelectorAll(".table-wrap")) {
    const table = wrap.querySelector("table");
    if (!table || hidden(wrap)) { continue; }
    const box = wrap.getBoundingClientRect();
    if (table.caption && !hidden(table.caption)) {
      const range = document.createRange();
      range.selectNodeContents(table.caption);
      const past = range.getBoundingClientRect().right - box.right;
      if (past > 1) { found.push(`${name(table.caption)} runs ${Math.round(past)} px past the table in view`); }
    }
    for (const th of table.querySelectorAll("thead th")) {
      if (/nowrap|pre/.test(getComputedStyle(th).whiteSpace) && /\s/.test(th.textContent.trim()) && !hidden(th)) {
        found.push(`${name(th)}: a column heading that cannot wrap`);
      }
    }
    const left = table.getBoundingClientRect().left;
    for (const cell of table.querySelectorAll("th, td")) {
      if (getComputedStyle(cell).position !== "sticky" || hidden(cell)) { continue; }
      const r = cell.getBoundingClientRect();
      if (r.left > left + 1) {
        found.push(`${name(cell)} is kept in view, but is not in the first column`);
      } else if (wrap.scrollWidth > wrap.clientWidth && r.width > 0.42 * wrap.clientWidth) {
        found.push(`${name(cell)} is kept in view and takes ${Math.round(100 * r.width / wrap.clientWidth)} % of the width`);
      }
    }
  }
  return found;
}"""


def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: $ISEKCTL_SCREENSHOTS (CI keeps them), else pytest's tmp."""
    folder = os.environ.get("ISEKCTL_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _check_site(browser, root: Path, names: list[str], shots: Path | None, prefix: str) -> None:  # type: ignore[no-untyped-def]
    """Every page at every width: no WCAG violation, no sideways scrolling, nothing loaded
    from the network, no script error; a screenshot of each."""
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    problems = []
    for name in names:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            violations = axe_violations(page, (root / name).as_uri())
            if violations:
                problems.append((name, width, violations))
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append((name, width, f"scrolls sideways: {scroll} px wide"))
            cuts = page.evaluate(CUTS)
            if cuts:
                problems.append((name, width, cuts[:5]))
            if shots is not None:
                height = min(page.evaluate("document.documentElement.scrollHeight"), 12_000)
                target = shots / f"{prefix}{name.replace('/', '_')}-{width}.png"
                page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": width, "height": height},
                                full_page=True)  # fmt: skip
    page.close()
    assert problems == []
    assert [r for r in requests if not r.startswith("file:")] == []
    assert errors == []  # a CSP violation would show up here


def _pages(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html"))


def test_every_page_of_the_site_at_every_width(  # type: ignore[no-untyped-def]
    browser, published: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    names = _pages(published / "site")
    assert "index.html" in names and "synopse.html" in names and len(names) > 70
    _check_site(browser, published / "site", names, screenshots(tmp_path_factory), "")


@pytest.mark.parametrize("variant", ["arbeitsstand", "alone", "rated", "vier"])
def test_every_other_variant_at_every_width(  # type: ignore[no-untyped-def]
    browser, published: Path, tmp_path_factory: pytest.TempPathFactory, variant: str
) -> None:
    root = published / variant
    names = [n for n in _pages(root) if "/" not in n]  # the reports; one goal and measure page:
    names += (
        sorted(n for n in _pages(root) if "/" in n)[:1]
        + sorted(n for n in _pages(root) if "/" in n)[-1:]
    )
    _check_site(browser, root, names, screenshots(tmp_path_factory), f"{variant}-")


@pytest.fixture(scope="module")
def synopses(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Synopse of the shipped example against 2020, and of every change class."""
    example = _example(tmp_path_factory)
    out = tmp_path_factory.mktemp("synopse")
    _cli("diff", "2020", "--repo", example, "-f", "html", "-o", out / "synopse.html")
    every = EVERY_DIFF_CASE
    _cli("diff", every / "old", every / "new", "--repo", every / "new", "-f", "html",
         "-o", out / "synopse-alle.html")  # fmt: skip
    return out


SYNOPSES = ["synopse.html", "synopse-alle.html"]


@pytest.mark.parametrize("name", SYNOPSES)
def test_synopses_are_accessible_and_self_contained(browser, synopses: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    _check_site(browser, synopses, [name], None, "")


# --- the Maßnahmenliste as the public portal ----------------------------------------------------


def _shown(page) -> int:  # type: ignore[no-untyped-def]
    return page.locator("#massnahmen tbody tr:not([hidden])").count()


def test_filters_live_in_the_address_and_the_back_button_works(browser, published: Path) -> None:  # type: ignore[no-untyped-def]
    url = (published / "site" / "massnahmenliste.html").as_uri()
    page = browser.new_page()
    page.goto(url)
    total = _shown(page)
    assert total == 40 and page.locator("#treffer").inner_text() == "40 von 40 Maßnahmen"
    page.select_option("select[name=department]", "FD 32")
    fd32 = _shown(page)
    assert 0 < fd32 < total
    assert page.locator("#treffer").inner_text() == f"{fd32} von {total} Maßnahmen"
    assert "?fachdienst=FD+32" in page.url
    page.select_option("select[name=status]", "geplant")
    both = _shown(page)
    assert 0 < both < fd32 and "stand=geplant" in page.url
    # the details follow the filter, and the rows the script built are as accessible
    visible = page.locator("#sachstand article.measure:not([hidden])").count()
    assert visible == both
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 900})
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    shared = page.url
    page.go_back()
    page.wait_for_function(
        f"() => document.querySelectorAll('#massnahmen tbody tr').length === {fd32}"
    )
    assert page.locator("select[name=status]").input_value() == ""
    page.go_back()
    page.wait_for_function(
        f"() => document.querySelectorAll('#massnahmen tbody tr').length === {total}"
    )
    assert page.locator("#sachstand article.measure:not([hidden])").count() == total
    # a shared address opens the same view
    other = browser.new_page()
    other.goto(shared)
    assert _shown(other) == both
    assert other.locator("select[name=department]").input_value() == "FD 32"
    other.close()
    # the search finds department ids and council papers, and the reset button clears all
    page.fill("input[name=text]", "FD 32")
    assert _shown(page) == fd32
    page.fill("input[name=text]", "0121/2018/MV")
    assert 0 < _shown(page) < total
    page.fill("input[name=text]", "Klosterinsel")
    assert _shown(page) == 1
    page.click("button[type=reset]")
    page.wait_for_function(
        f"() => document.querySelectorAll('#massnahmen tbody tr').length === {total}"
    )
    assert page.url == url
    page.close()


def test_goal_filter_offers_only_goals_with_measures(browser, published: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto((published / "site" / "massnahmenliste.html").as_uri())
    options = page.locator("select[name=goal] option").evaluate_all("os => os.map(o => o.value)")
    assert options[0] == "" and len(options) > 2
    for value in options[1:]:
        page.select_option("select[name=goal]", value)
        assert _shown(page) > 0, value
    page.close()


def test_the_ampel_filter_is_there_before_any_rating_and_lives_in_the_address(  # type: ignore[no-untyped-def]
    browser, published: Path
) -> None:
    """The start page promises a filter by Ampel; every measure falls under exactly one choice."""
    index = (published / "site" / "index.html").read_text(encoding="utf-8")
    tiles = index.split('<ul class="tiles">')[1]
    assert "Ampel" in tiles.split('href="massnahmenliste.html"')[1].split("</li>")[0]
    url = (published / "site" / "massnahmenliste.html").as_uri()
    page = browser.new_page()
    page.goto(url)
    total = _shown(page)
    column = "#massnahmen tbody tr > :nth-child(6)"
    unrated = sum("nicht bewertet" in r for r in page.locator(column).all_inner_texts())
    options = page.locator("select[name=rating] option").evaluate_all("os => os.map(o => o.value)")
    assert options[0] == "" and "ohne" in options and len(options) > 2
    found = 0
    for value in options[1:]:
        page.select_option("select[name=rating]", value)
        assert f"ampel={value}" in page.url
        ratings = page.locator(column).all_inner_texts()
        wanted = "nicht bewertet" if value == "ohne" else value.replace("ue", "ü")
        assert all(wanted in r.lower() for r in ratings), (value, ratings)
        found += len(ratings)
    assert found == total
    other = browser.new_page()
    other.goto(url + "?ampel=ohne")
    assert other.locator("select[name=rating]").input_value() == "ohne"
    assert _shown(other) == unrated
    other.close()
    page.close()


def test_columns_sort_and_the_default_is_product_area_then_title(browser, published: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto((published / "site" / "massnahmenliste.html").as_uri())

    def column(index: int) -> list[str]:
        return page.locator(f"#massnahmen tbody tr > :nth-child({index})").evaluate_all(
            "cells => cells.map(c => c.firstChild.textContent.trim())"
        )

    from isekctl.publishing.reports import german_key

    titles, areas = column(1), column(3)
    assert len(set(areas)) > 1, "the example's measures lie in several product areas"
    first_seen = list(dict.fromkeys(areas))
    assert areas == sorted(areas, key=first_seen.index), "grouped by product area"
    for area in first_seen:
        within = [t for t, a in zip(titles, areas, strict=True) if a == area]
        assert within == sorted(within, key=german_key), f"product area {area}: by title"
    page.click("th[data-sort=title] button")
    assert "sortierung=titel" in page.url
    assert page.locator("th[data-sort=title]").get_attribute("aria-sort") == "ascending"
    by_title = column(1)
    assert by_title == sorted(titles, key=german_key)
    page.click("th[data-sort=title] button")
    assert column(1) == by_title[::-1]
    page.click("th[data-sort=latest] button")
    dates = [d for d in column(8) if d[:1].isdigit()]
    assert [d[6:] + d[3:5] + d[:2] for d in dates] == sorted(d[6:] + d[3:5] + d[:2] for d in dates)
    page.close()


def test_the_list_is_complete_without_javascript(browser, published: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto((published / "site" / "massnahmenliste.html").as_uri())
    assert plain.locator("#filter").is_hidden(), "without JavaScript the filter form stays hidden"
    assert plain.locator("#massnahmen tbody tr:visible").count() == 40
    assert plain.locator("#sachstand article.measure").count() == 40
    context.close()


def _big_site(tmp_path_factory: pytest.TempPathFactory, measures: int) -> Path:
    import sys

    from ..conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import make_repository  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "bench"))
    repo = make_repository(tmp_path_factory.mktemp("big") / "repo", measures)
    out = tmp_path_factory.mktemp("bigsite")
    _cli("report", "--repo", repo, "--out", out, "--stichtag", "2024-06-30")
    # on the working state every goal of the generated tree lists its measures
    _cli("report", "--repo", repo, "--out", out / "arbeitsstand", "--stichtag", "2024-06-30",
         "--basis", "arbeitsstand", "-k", "stadtentwicklungsbericht")  # fmt: skip
    return out


# first contentful paint and the end of the load event, in ms after navigation started
PAINT_AND_LOAD = """() => new Promise(done => {
  const load = () => performance.getEntriesByType('navigation')[0].loadEventEnd;
  new PerformanceObserver((list, observer) => {
    const paint = list.getEntriesByName('first-contentful-paint')[0];
    if (paint) { observer.disconnect(); done([paint.startTime, load()]); }
  }).observe({type: 'paint', buffered: true});
  setTimeout(() => done([-1, load()]), 5000);
})"""


@pytest.mark.large
def test_twenty_thousand_measures_load_fast_and_filter_across_pages(  # type: ignore[no-untyped-def]
    browser, tmp_path_factory: pytest.TempPathFactory
) -> None:
    site = _big_site(tmp_path_factory, 20_000)
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    assert len(sizes) > 20_000
    biggest = max(sizes, key=sizes.__getitem__)
    assert sizes[biggest] <= 2 * 1024 * 1024, f"{biggest}: {sizes[biggest]} bytes"
    for name in ("massnahmenliste.html", "massnahmenliste-40.html", "index.html",
                 "stadtentwicklungsbericht.html", "massnahmen/M-12345.html"):  # fmt: skip
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((site / name).as_uri(), timeout=60_000)
        paint, load = page.evaluate(PAINT_AND_LOAD)
        page.close()
        print(f"{name}: {sizes[name] / 1e6:.2f} MB, first paint {paint:.0f} ms, load {load:.0f} ms")
        assert 0 <= paint < 1000 and load < 2000, (name, paint, load)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((site / "massnahmenliste.html").as_uri())
    started = page.evaluate("performance.now()")
    page.select_option("select[name=department]", "FD 32")
    page.wait_for_function(
        "() => document.querySelector('#treffer').textContent.includes(' von 20000')"
    )
    elapsed = page.evaluate("performance.now()") - started
    text = page.locator("#treffer").inner_text()
    found = int(text.split(" ")[0])
    assert 2000 < found < 6000 and text.endswith("die ersten 200 angezeigt")
    assert page.locator("#seiten").is_hidden() and _shown(page) == 200
    print(f"first filter over 20,000 measures (loading their data): {elapsed:.0f} ms")
    assert elapsed < 3000
    started = page.evaluate("performance.now()")
    page.fill("input[name=text]", "M-19999")
    page.wait_for_function("() => /^[01] von/.test(document.querySelector('#treffer').textContent)")
    assert page.evaluate("performance.now()") - started < 1000
    page.close()


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
