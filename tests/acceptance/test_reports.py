from __future__ import annotations

import re
from pathlib import Path

import pytest

from ..conftest import TESTS, Golden, Run, build_repo, write_tree

GOLDEN = TESTS / "golden" / "reports"
KINDS = ["zielsystem", "stadtentwicklungsbericht", "haushaltsbericht", "massnahmenliste"]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_kind_golden_on_the_shipped_example(
    example: Path, tmp_path: Path, run: Run, golden: Golden, fmt: str
) -> None:
    out = tmp_path / "out"
    result = run("report", "--repo", example, "--format", fmt, "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{k}.{fmt}" for k in KINDS)
    for kind in KINDS:
        golden(GOLDEN / f"{kind}.{fmt}", (out / f"{kind}.{fmt}").read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_zielsystem_since_2020_golden(
    example: Path, tmp_path: Path, run: Run, golden: Golden, fmt: str
) -> None:
    out = tmp_path / "out"
    result = run(
        "report", "--repo", example, "-k", "zielsystem", "-f", fmt, "--since", "2020", "--out", out
    )
    assert result.exit_code == 0, result.output
    text = (out / f"zielsystem.{fmt}").read_text(encoding="utf-8")
    golden(GOLDEN / f"zielsystem-since-2020.{fmt}", text)
    if fmt == "html":
        assert "<del>Klimaschutz aktiv gestalten</del>" in text
        assert "<ins>Natürliche Lebensgrundlage sichern und klimaneutral werden</ins>" in text
        assert "Lesehilfe" in text
    else:
        assert (
            "~~Klimaschutz aktiv gestalten~~ **Natürliche Lebensgrundlage sichern und klimaneutral werden**"
            in text
        )


def test_output_is_byte_identical_across_runs(example: Path, tmp_path: Path, run: Run) -> None:
    for name in ("a", "b"):
        assert (
            run("report", "--repo", example, "--out", tmp_path / name, "--no-cache").exit_code == 0
        )
        assert run("report", "--repo", example, "-f", "md", "--out", tmp_path / name).exit_code == 0
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_german_formats_and_labels(example: Path, tmp_path: Path, run: Run) -> None:
    run("report", "--repo", example, "--out", tmp_path)
    budget = (tmp_path / "haushaltsbericht.html").read_text(encoding="utf-8")
    assert "1.381.900 €" in budget and "2.863.800 €" in budget  # 2021 and both years, from seed 003
    liste = (tmp_path / "massnahmenliste.html").read_text(encoding="utf-8")
    assert "3. Quartal 2021" in liste and "1. Halbjahr 2021" in liste
    assert "federführender Fachdienst" in liste
    assert "Stichtag 30.01.2024" in liste, "the newest status report dates an unversioned data set"
    assert "nicht versioniert" in liste
    bericht = (tmp_path / "stadtentwicklungsbericht.html").read_text(encoding="utf-8")
    assert (
        "Revision 2020, Beschluss der Ratsversammlung vom 18.02.2020, Drucksache 0503/2018/DS"
        in bericht
    )


def test_html_is_self_contained(example: Path, tmp_path: Path, run: Run) -> None:
    run("report", "--repo", example, "--out", tmp_path)
    for path in tmp_path.glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert html.startswith('<!DOCTYPE html>\n<html lang="de">')
        assert "Content-Security-Policy" in html and "@media print" in html
        assert not re.search(r"""(src|href)=["'](https?:)?//""", html), (
            f"{path.name} loads something from the network"
        )
        assert "<link" not in html


def test_traffic_light_is_never_colour_alone(example: Path, tmp_path: Path, run: Run) -> None:
    run("report", "--repo", example, "--out", tmp_path)
    html = (tmp_path / "massnahmenliste.html").read_text(encoding="utf-8")
    for match in re.finditer(r'<span class="rating rating-(\w+)">(.*?)</span></span>', html):
        assert match.group(1)[:3] in match.group(2).replace("ü", "ue"), match.group(0)


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


def test_templates_run_sandboxed(example: Path, tmp_path: Path, run: Run) -> None:
    write_tree(
        example, {"templates/zielsystem.md.j2": "{{ config.__class__.__init__.__globals__ }}\n"}
    )
    result = run("report", "--repo", example, "-k", "zielsystem", "-f", "md", "--out", tmp_path)
    assert result.exit_code == 3
    assert "Traceback" not in result.output


def test_since_unknown_revision(example: Path, tmp_path: Path, run: Run) -> None:
    result = run("report", "--repo", example, "--since", "2019", "--out", tmp_path)
    assert result.exit_code == 1 and "ISEK092" in result.stderr


def test_stichtag_option_changes_late_measures(example: Path, tmp_path: Path, run: Run) -> None:
    run(
        "report",
        "--repo",
        example,
        "-k",
        "haushaltsbericht",
        "-f",
        "md",
        "--out",
        tmp_path,
        "--stichtag",
        "2021-01-15",
    )
    early = (tmp_path / "haushaltsbericht.md").read_text(encoding="utf-8")
    run("report", "--repo", example, "-k", "haushaltsbericht", "-f", "md", "--out", tmp_path)
    late = (tmp_path / "haushaltsbericht.md").read_text(encoding="utf-8")
    assert "DIGI-STELLENBESETZUNG" in early.split("## Verspätete Maßnahmen")[1].split("##")[0]
    assert "DIGI-OZG-UMSETZUNG" not in early.split("## Verspätete Maßnahmen")[1].split("##")[0]
    assert "DIGI-OZG-UMSETZUNG" in late.split("## Verspätete Maßnahmen")[1].split("##")[0]
