"""Report contexts are plain data, and the sandbox lets templates reach nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from isekctl.publishing.jinja import ConfinedLoader, TemplateRefused, environment, plain_problems
from isekctl.publishing.reports import KINDS, DataVersion, report_context
from isekctl.reading.pipeline import load
from isekctl.reading.sources import open_directory

from ..conftest import ROOT


@pytest.fixture(scope="module")
def project():  # type: ignore[no-untyped-def]
    outcome = load(open_directory(ROOT), use_cache=False)
    assert outcome.project is not None
    return outcome.project


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("basis", ["beschlossen", "arbeitsstand", "since"])
def test_every_context_is_plain_data(project, kind: str, basis: str) -> None:  # type: ignore[no-untyped-def]
    since = project.revision("2020").model if basis == "since" else None
    context = report_context(
        kind, project, DataVersion("1a2b3c4d5e", date(2024, 1, 1), True), date(2024, 6, 30),
        basis="beschlossen" if basis == "since" else basis, since=since, errors=2,  # type: ignore[arg-type]
    )  # fmt: skip
    assert list(plain_problems(context)) == []


def test_plain_problems_names_the_place() -> None:
    problems = list(plain_problems({"a": [1, {"b": object()}], "c": Path("x")}))
    assert problems[0].startswith("context.a[1].b is a builtins.object")
    assert "context.c is a pathlib" in problems[1]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ d.items }}", "1"),  # a key wins over the dict method of the same name
        ("{{ d.get('items') }}", "1"),
        ("{% for k, v in e.items() %}{{ k }}={{ v }}{% endfor %}", "x=2"),
        ("{{ s.upper() }}|{{ s.startswith('a') }}", "ABC|True"),
        ("{{ l | length }}", "2"),
    ],
)
def test_plain_data_stays_usable(source: str, expected: str) -> None:
    env = environment("md")
    out = env.from_string(source).render(d={"items": 1}, e={"x": 2}, s="abc", l=[1, 2])
    assert out == expected


@pytest.mark.parametrize(
    "source",
    [
        "{{ s.format(s) }}",
        "{{ s.__class__ }}",
        "{{ d.__class__ }}",
        "{{ d.pop('a') }}",
        "{{ d.update({}) }}",
        "{{ l.append(1) }}",
        "{{ n.real }}",
        "{{ dt.replace(year=1) }}",
        "{{ (s | attr('format'))('{0.__class__}') }}",
        "{{ s.encode() }}",
    ],
)
def test_everything_else_is_refused(source: str) -> None:
    from jinja2.exceptions import SecurityError, UndefinedError

    env = environment("md")
    with pytest.raises((SecurityError, UndefinedError)):
        env.from_string(source).render(s="abc", d={"a": 1}, l=[], n=5, dt=date(2024, 1, 1))


def test_the_loader_confines_names_to_their_folder(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "ok.j2").write_text("ok", encoding="utf-8")
    (tmp_path / "secret").write_text("geheim", encoding="utf-8")
    (folder / "link.j2").symlink_to(tmp_path / "secret")
    loader = ConfinedLoader(folder, trusted=False)
    found = loader.load("sub/ok.j2")
    assert found is not None and found[0] == "ok" and found[2]()
    assert loader.load("missing.j2") is None
    for name in ("link.j2", "../secret", "/etc/passwd", "sub/../link.j2", "sub/./ok.j2", "a\x00b"):
        with pytest.raises(TemplateRefused):
            loader.load(name)


@pytest.mark.parametrize("basis", ["beschlossen", "arbeitsstand"])
def test_every_page_of_the_site_gets_plain_data(project, basis: str) -> None:  # type: ignore[no-untyped-def]
    from isekctl.publishing.site import SiteRequest, site_contexts

    extras = ({"href": "synopse.html", "nav": "synopse.html", "title": "Synopse", "text": "x",
               "files": []},)  # fmt: skip
    pages, _ = site_contexts(
        project, DataVersion("1a2b3c4d5e", date(2024, 1, 1), False), date(2024, 6, 30),
        SiteRequest(basis, None, 0, None, extras),  # type: ignore[arg-type]
    )  # fmt: skip
    assert {"index.html", "massnahmenliste.html", "ziele/KLIMA.html"} <= set(pages)
    for name, (_, context) in pages.items():
        assert list(plain_problems(context, name)) == []


@pytest.mark.parametrize("repo", [ROOT, ROOT / "tests" / "repos" / "vier-ebenen"])
@pytest.mark.parametrize("day", [date(2024, 6, 30), date(2031, 1, 1)])
def test_the_haushaltsbericht_is_the_same_whether_full_views_were_made_or_not(
    repo: Path, day: date
) -> None:
    """Alone it makes only the budget's part of each measure; on the site, after the other
    reports, it takes the full views: the same report either way."""
    from isekctl.publishing.reports import Builder, Request, haushaltsbericht

    outcome = load(open_directory(repo), use_cache=False)
    assert outcome.project is not None
    version = DataVersion("1a2b3c4d5e", date(2024, 1, 1), False)
    alone = Builder(outcome.project, day, Request("beschlossen", None, 0))
    after = Builder(outcome.project, day, Request("beschlossen", None, 0))
    assert after.measures  # the full views, as the site's other reports make them first
    assert alone._measures is None
    context = haushaltsbericht(alone, version)
    assert alone._measures is None  # and the report alone did not make them all
    assert context == haushaltsbericht(after, version)
    if repo == ROOT and day.year == 2031:  # the example's running measures are late by then
        assert context["late"] and all("reports" in m for m in context["late"])  # full views
