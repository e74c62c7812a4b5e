"""A data repository's own templates cannot run code, read files or leave their folder.

Every known escape is tried through the templates that CI renders for a pull request:
the reports (`report`) and the Synopse (`diff --format md|html`), each overridden by
a file in the repository's `templates/`. Each must stop with ISEK089 (exit 1), run
nothing, print no secret and write no output file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ..conftest import Run, write_tree

MARKER = "isekctl-pwned"
# pickle of os.system("touch <marker>") – what pydantic's deprecated parse_raw would unpickle
PICKLE = "cos\\nsystem\\n(S'touch {marker}'\\ntR."

ESCAPES = {
    "pickle-config": '{{ config.parse_raw("%s", content_type="application/pickle", allow_pickle=True) }}',
    "pickle-any": '{{ %s.parse_raw("%s", content_type="application/pickle", allow_pickle=True) }}',
    "class-mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "class-item": "{{ ''['__class__'] }}",
    "globals": "{{ %s.__init__.__globals__ }}",
    "attr-filter": "{{ %s | attr('__class__') }}",
    "attr-format": "{{ (%s | attr('format'))('{0.__class__}') }}",
    "format-walk": "{{ '{0.__class__.__mro__}'.format(%s) }}",
    "format-map": "{{ '{x.__class__}'.format_map({'x': %s}) }}",
    "namespace": "{{ namespace.__init__.__globals__ }}",
    "range-self": "{{ range.__self__ }}",
    "self-globals": "{{ self.__init__.__globals__ }}",
    "loop-class": "{% for x in [1] %}{{ loop.__class__.__init__.__globals__ }}{% endfor %}",
    "map-attribute": "{{ [%s] | map(attribute='__class__') | list }}",
    "lipsum": "{{ lipsum.__globals__ }}",
    "cycler": "{{ cycler.__init__.__globals__ }}",
    "repeat-bomb": "{{ 'x' * 100000000 }}",
    "power-bomb": "{{ 2 ** 100000000 }}",
    # recursion and memory: RecursionError/MemoryError ended as "Interner Fehler" (exit 3)
    "recursive-macro": "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "self-include": "{% include '%t' %}",
    "center-bomb": "{{ %s | string | center(1500000000) }}",
    "indent-bomb": "{{ 'a\\nb' | indent(1500000000) }}",
    "wordwrap-bomb": "{{ 'a b' | wordwrap(1500000000) }}",
    "format-bomb": "{{ '%1500000000s' | format('x') }}",
    "format-star": "{{ '%*s' | format(1500000000, 'x') }}",
    "batch-bomb": "{{ [1] | batch(1500000000, 'x') | list }}",
    "concat-loop": "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(40) %}"
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
    "plus-loop": "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(40) %}"
    "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}",
    "block-loop": "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(40) %}"
    "{% set s %}{{ ns.s }}{{ ns.s }}{% endset %}{% set ns.s = s %}{% endfor %}",
    "join-bomb": "{{ (['x' * 1000000] * 100000) | join }}",
    "output-bomb": "{% set s = 'x' * 1000000 %}{% for i in range(100000) %}{{ s }}{% endfor %}",
    # texts a thousand times their input, made before anything measured them
    "replace-method": "{% set t = ('x' * 1000000).replace('x', 'y' * 1000) %}{{ t | length }}",
    "replace-filter": "{% set t = ('x' * 1000000) | replace('x', 'y' * 1000) %}{{ t | length }}",
    "replace-keywords": "{% set t = ('x' * 1000000) | replace(old='x', new='y' * 1000) %}"
    "{{ t | length }}",
    "list-as-text": "{% set t = (['x' * 1000000] * 1000000) | string %}{{ t | length }}",
    "list-as-json": "{% set t = (['x' * 1000000] * 1000000) | tojson %}{{ t | length }}",
    "list-concat": "{% set t = (['x' * 1000000] * 1000000) ~ '' %}{{ t | length }}",
    "replace-markup": "{% set t = (('x' * 1000000) | e).replace('x', '\"' * 33) %}{{ t | length }}",
    "replace-list": "{{ ('x' * 1000000) | replace('x', ['y' * 2000]) | length }}",
    "namespace-text": "{% set ns = namespace(s='x' * 1000000) %}{{ ([ns] * 1000000) | string }}",
    "dict-view": "{{ dict(a=['x' * 1000000] * 1000000).items() }}",
    "percent-width": "{{ ('%1500000000s' % 'x') | length }}",
    "percent-list": "{{ ('%s' % (['x' * 1000000] * 1000000)) | length }}",
    "format-key-width": "{{ '%(a)1500000000s' | format(a='x') | length }}",
    "join-generator": "{{ (['x' * 1000000] * 2000) | map('string') | join | length }}",
    "join-separator": "{{ ([''] * 2000) | join('x' * 1000000) | length }}",
    "join-nested": "{{ ([['x' * 1000000]] * 1000000) | join | length }}",
    "tojson-indent": "{{ (range(2000) | list) | tojson(indent=1000000) | length }}",
    "int-product": "{% set ns = namespace(n=10 ** 64) %}{% for i in range(24) %}"
    "{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n > 0 }}",
    "lone-surrogate": "eine Zeile\n{{ '\\ud800' }}",
    "sum-of-lists": "{% set l = [[1]] * 1000000 %}{{ (l | sum(start=[])) | length }}",
    # Python's own errors in a template's expressions ended as "Interner Fehler" (exit 3)
    "divide-by-zero": "{{ 1 / 0 }}",
    "int-overflow": "{{ (1e308 * 10) | int }}",
    "filter-assertion": "{{ 'x' | truncate(1, end='yyyy') }}",
    "filter-type": "{{ 40 | join }}",
}
TARGETS = {  # what a template of each kind gets: the name of a value in its context
    ("report", "zielsystem.md.j2"): "municipality",
    ("report", "zielsystem.html.j2"): "municipality",  # rendered while it is written
    ("diff", "diff.md.j2"): "diff",
    ("diff", "diff.html.j2"): "diff",
}


def _payload(name: str, value: str, marker: Path) -> str:
    template = ESCAPES[name]
    pickle = PICKLE.format(marker=marker)
    if name == "pickle-config":
        return template % pickle
    if name == "pickle-any":
        return template % (value, pickle)
    if name.startswith("format-"):
        return template
    return template.replace("%s", value)


def _render(run: Run, repo: Path, out: Path, command: str, template: str) -> object:
    fmt = template.split(".")[1]
    if command == "report":
        return run("report", "--repo", repo, "-k", "zielsystem", "-f", fmt, "--out", out)
    templates = repo / "templates"  # diff takes a repository's templates only when asked to
    return run("diff", "2020", "--repo", repo, "-f", fmt, "-o", out / f"synopse.{fmt}",
               "--templates", templates)  # fmt: skip


@pytest.mark.parametrize("target", list(TARGETS), ids=lambda t: f"{t[0]}-{t[1]}")
@pytest.mark.parametrize("escape", list(ESCAPES))
def test_known_escapes_stop_with_a_template_finding(
    example: Path, tmp_path: Path, run: Run, escape: str, target: tuple[str, str]
) -> None:
    command, template = target
    marker = tmp_path / MARKER
    payload = _payload(escape, TARGETS[target], marker).replace("%t", template)
    write_tree(example, {f"templates/{template}": payload + "\n"})
    out = tmp_path / "out"
    result = _render(run, example, out, command, template)
    assert result.exit_code == 1, (escape, result.output)  # type: ignore[attr-defined]
    assert "ISEK089" in result.stderr  # type: ignore[attr-defined]
    assert f"templates/{template}" in result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.output and "Interner Fehler" not in result.output  # type: ignore[attr-defined]
    assert not marker.exists(), "the template ran a command"
    assert not out.exists() or not any(out.iterdir()), "nothing is written"


SECRET = "token-4711-do-not-print"


@pytest.mark.parametrize("target", list(TARGETS), ids=lambda t: f"{t[0]}-{t[1]}")
@pytest.mark.parametrize(
    "how", ["symlink-file", "symlink-folder", "parent", "absolute", "symlink-templates"]
)
def test_includes_read_only_regular_files_inside_templates(
    example: Path, tmp_path: Path, run: Run, how: str, target: tuple[str, str]
) -> None:
    command, template = target
    (example / ".git").mkdir()
    (example / ".git" / "config").write_text(
        f"[http]\n\textraheader = {SECRET}\n", encoding="utf-8"
    )
    templates = example / "templates"
    templates.mkdir()
    include = {
        "symlink-file": "x.j2",
        "symlink-folder": "sub/config",
        "parent": "../.git/config",
        "absolute": str(example / ".git" / "config"),
        "symlink-templates": "x.j2",
    }[how]
    if how == "symlink-file":
        (templates / "x.j2").symlink_to(Path("..") / ".git" / "config")
    elif how == "symlink-folder":
        (templates / "sub").symlink_to(example / ".git")
    elif how == "symlink-templates":
        templates.rmdir()
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / "x.j2").write_text(SECRET, encoding="utf-8")
        (elsewhere / template).write_text("{% include 'x.j2' %}\n", encoding="utf-8")
        templates.symlink_to(elsewhere)
    if how != "symlink-templates":
        (templates / template).write_text(f"{{% include '{include}' %}}\n", encoding="utf-8")
    out = tmp_path / "out"
    result = _render(run, example, out, command, template)
    assert result.exit_code == 1, (how, result.output)  # type: ignore[attr-defined]
    assert "ISEK089" in result.stderr  # type: ignore[attr-defined]
    assert SECRET not in result.output  # type: ignore[attr-defined]
    assert not out.exists() or not any(out.iterdir())


def test_a_template_that_is_a_link_is_refused_not_followed(
    example: Path, tmp_path: Path, run: Run
) -> None:
    (example / "templates").mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    (example / "templates" / "zielsystem.md.j2").symlink_to(secret)
    out = tmp_path / "out"
    result = run("report", "--repo", example, "-k", "zielsystem", "-f", "md", "--out", out)
    assert result.exit_code == 1 and "ISEK089" in result.stderr
    assert "symbolischer Link" in result.stderr and SECRET not in result.output


def test_legitimate_template_features_still_work(example: Path, tmp_path: Path, run: Run) -> None:
    write_tree(example, {
        "templates/teile/kopf.j2": "{% macro kopf(t) %}## {{ t | upper }}{% endmacro %}",
        "templates/zielsystem.md.j2": (
            "{% from 'teile/kopf.j2' import kopf %}{{ kopf(municipality) }}\n"
            "{% set ns = namespace(n=0) %}"
            "{% for level in levels %}{% set ns.n = ns.n + 1 %}"
            "{{ loop.index }}. {{ level.name }}{% if level.name.startswith('Gesamt') %} (oben){% endif %}\n"
            "{% endfor %}"
            "{% for key, value in basis.items() | sort %}{{ key }} {% endfor %}\n"
            "{{ ns.n }} Ebenen, {{ range(3) | list | length }}, {{ statuses.get('laufend') }}\n"
        ),
    })  # fmt: skip
    out = tmp_path / "out"
    result = run("report", "--repo", example, "-k", "zielsystem", "-f", "md", "--out", out)
    assert result.exit_code == 0, result.output
    text = (out / "zielsystem.md").read_text(encoding="utf-8")
    assert text.startswith(
        "## STADT NEUMÜNSTER\n1. Gesamtstädtische Ziele (oben)2. Produktbereichsziele"
    )
    assert "decided draft label note text" in text and "2 Ebenen, 3, laufend" in text


def test_templates_are_not_read_from_a_named_pipe(example: Path, tmp_path: Path, run: Run) -> None:
    (example / "templates").mkdir()
    os.mkfifo(example / "templates" / "zielsystem.md.j2")
    result = run("report", "--repo", example, "-k", "zielsystem", "-f", "md", "--out", tmp_path)
    assert result.exit_code == 1 and "keine reguläre Datei" in result.stderr


def test_a_page_that_fails_while_it_is_written_leaves_the_old_one(
    example: Path, tmp_path: Path, run: Run
) -> None:
    out = tmp_path / "out"
    assert run("report", "--repo", example, "-k", "zielsystem", "--out", out).exit_code == 0
    page = out / "zielsystem.html"
    before = page.read_bytes()
    failing = "{% for i in range(20000) %}<p>Zeile {{ i }}</p>\n{% endfor %}{{ municipality.x.y }}"
    write_tree(example, {"templates/zielsystem.html.j2": failing + "\n"})
    result = run("report", "--repo", example, "-k", "zielsystem", "--out", out)
    assert result.exit_code == 1 and "ISEK089" in result.stderr  # type: ignore[attr-defined]
    assert page.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["zielsystem.html"], "no temp file is left"
    fresh = tmp_path / "neu" / "berichte"
    result = run("report", "--repo", example, "-k", "zielsystem", "--out", fresh)
    assert result.exit_code == 1
    assert not (tmp_path / "neu").exists(), "no folder made for a page that did not come"


def test_a_page_too_long_is_refused_as_such_or_as_the_templates_fault(
    example: Path, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The packaged templates are bounded too: data can make a page long (a long title
    printed for every measure that serves it). With them alone the page is too long
    (ISEK086); with a repository's templates taking part, the template is at fault."""
    from isekctl.publishing import jinja

    monkeypatch.setattr(jinja, "MAX_TEXT", 10_000)  # the example's pages are longer
    out = tmp_path / "a"
    result = run("report", "--repo", example, "-k", "zielsystem", "--out", out)
    assert result.exit_code == 1 and "ISEK086" in result.stderr  # type: ignore[attr-defined]
    assert "--kind all" in result.stderr  # type: ignore[attr-defined]
    assert not (out / "zielsystem.html").exists()
    write_tree(example, {"templates/zielsystem.html.j2": "{% for i in range(2000) %}"
                         "{{ municipality }} {% endfor %}\n"})  # fmt: skip
    result = run("report", "--repo", example, "-k", "zielsystem", "--out", tmp_path / "b")
    assert result.exit_code == 1 and "ISEK089" in result.stderr  # type: ignore[attr-defined]
    assert "templates/zielsystem.html.j2" in result.stderr  # type: ignore[attr-defined]


def test_a_templates_error_is_told_in_a_few_lines(example: Path, tmp_path: Path, run: Run) -> None:
    """The error's own text can hold what the template built (here a 1 MB key)."""
    template = "{% set ns = namespace(k='x' * 1000000) %}{{ dict(a=1)[ns.k] }}\n"
    write_tree(example, {"templates/zielsystem.md.j2": template})
    result = run("report", "--repo", example, "-k", "zielsystem", "-f", "md", "--out", tmp_path)
    assert result.exit_code == 1 and "ISEK089" in result.stderr  # type: ignore[attr-defined]
    assert "templates/zielsystem.md.j2:1" in result.stderr  # type: ignore[attr-defined]
    assert "xxx …" in result.stderr and len(result.stderr) < 2000  # type: ignore[attr-defined]


@pytest.mark.skipif(sys.platform != "linux", reason="CPU timer and address-space limit: Linux")
@pytest.mark.parametrize(
    ("budget", "template", "said"),
    [
        # about 10**8 empty iterations: half a minute, and no text for a bound to measure
        ("TEMPLATE_CPU_SECONDS", "{% for i in range(100000) %}{% for j in range(1000) %}"
         "{% endfor %}{% endfor %}", "rechnet zu lange"),
        # 400 different texts of 1 MB in a list: short of every bound on one text
        ("TEMPLATE_MEMORY", "{% set ns = namespace(l=[]) %}{% for i in range(400) %}"
         "{% set ns.l = ns.l + [('x' * 1000000) ~ i] %}{% endfor %}{{ ns.l | length }}",
         "mehr Speicher"),
    ],
    ids=["cpu", "memory"],
)  # fmt: skip
def test_a_repository_templates_cpu_time_and_memory_are_budgeted(
    example: Path,
    tmp_path: Path,
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    budget: str,
    template: str,
    said: str,
) -> None:
    import resource
    import signal

    from isekctl.publishing import jinja

    monkeypatch.setattr(jinja, budget, 0.5 if budget == "TEMPLATE_CPU_SECONDS" else 200 * 2**20)
    before = (resource.getrlimit(resource.RLIMIT_AS), signal.getsignal(signal.SIGPROF))
    write_tree(example, {"templates/zielsystem.md.j2": template + "\n"})
    result = run("report", "--repo", example, "-k", "zielsystem", "-f", "md", "--out", tmp_path)
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert "templates/zielsystem.md.j2" in result.stderr  # type: ignore[attr-defined]
    assert "ISEK089" in result.stderr and said in result.stderr  # type: ignore[attr-defined]
    assert not (tmp_path / "zielsystem.md").exists()
    after = (resource.getrlimit(resource.RLIMIT_AS), signal.getsignal(signal.SIGPROF))
    assert after == before and signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)


@pytest.mark.parametrize("name", ["_style.css", "leichte-sprache.md"])
def test_a_broken_stylesheet_or_text_in_templates_is_a_finding(
    example: Path, tmp_path: Path, run: Run, name: str
) -> None:
    """Read beside the pages, not rendered: a file that is no UTF-8 ended as exit 3."""
    (example / "templates").mkdir(exist_ok=True)
    (example / "templates" / name).write_bytes(b"body{}\xff\xfe\n")
    result = run("report", "--repo", example, "-k", "all", "-f", "html", "--out", tmp_path / "site")
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert f"templates/{name}: Fehler ISEK089" in result.stderr  # type: ignore[attr-defined]
    assert not (tmp_path / "site").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="watchdog with the budget: Linux")
def test_work_stuck_in_c_ends_the_process_instead_of_hanging(example: Path, tmp_path: Path) -> None:
    """One comparison of two shared structures unfolds into 2**64 steps inside C, where
    the CPU timer's handler never runs: the hard CPU limit ends the process."""
    import signal
    import subprocess

    template = (
        "{% set ns = namespace(a=[0], b=[0]) %}{% for i in range(64) %}"
        "{% set ns.a = [ns.a, ns.a] %}{% set ns.b = [ns.b, ns.b] %}{% endfor %}{{ ns.a == ns.b }}"
    )
    write_tree(example, {"templates/zielsystem.md.j2": template + "\n"})
    program = (
        "import sys; from isekctl.publishing import jinja; jinja.TEMPLATE_CPU_SECONDS = 1.0; "
        "jinja.TEMPLATE_HARD_CPU_SECONDS = 3.0; from isekctl.cli import main; sys.argv[0] = "
        "'isekctl'; main()"
    )
    command = [sys.executable, "-c", program, "report", "--repo", str(example), "-k",
               "zielsystem", "-f", "md", "--out", str(tmp_path / "out")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == -signal.SIGXCPU, (done.returncode, done.stderr)
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="CPU timer: Linux")
def test_the_cpu_timer_is_not_swallowed_while_jinja_compiles(
    example: Path, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Jinja works out a filter on a literal while it compiles the template and takes any
    Exception there for "not constant"; the timer's exception must get through. Here
    `striptags` is made to take 3 s of CPU time: swallowed once, the page would render."""
    import time

    from markupsafe import Markup

    from isekctl.publishing import jinja

    def slow(self: Markup) -> str:
        end = time.process_time() + 3
        while time.process_time() < end:
            pass
        return str(self)

    monkeypatch.setattr(Markup, "striptags", slow)
    monkeypatch.setattr(jinja, "TEMPLATE_CPU_SECONDS", 0.5)
    write_tree(example, {"templates/zielsystem.md.j2": '{{ "<p>x</p>" | striptags }}\n'})
    result = run("report", "--repo", example, "-k", "zielsystem", "-f", "md", "--out", tmp_path)
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert "ISEK089" in result.stderr and "rechnet zu lange" in result.stderr  # type: ignore[attr-defined]
