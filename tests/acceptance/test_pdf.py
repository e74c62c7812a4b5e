"""PDF and DOCX for the council information system: A4, tagged, with language and title.

Needs the optional extra (`pip install 'isekctl[pdf]'`, part of the test extra) and the
system's Pango; `.ci/run` installs both. Without them the tests of the files are skipped,
and the message a user gets is tested on its own.
"""

from __future__ import annotations

import contextlib
import re
import sys
import zlib
from pathlib import Path

import pytest

from ..conftest import EVERY_DIFF_CASE, Run


def _weasyprint() -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        pytest.skip(f"WeasyPrint fehlt ({exc}); pip install 'isekctl[pdf]'")


def _pdf_text(data: bytes) -> bytes:
    """The PDF with its compressed streams unpacked, for looking up its structure."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(match.group(1)))
    return b"\n".join(parts)


def _media_box(text: bytes) -> tuple[float, float]:
    found = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", text)
    assert found, "a page size"
    x0, y0, x1, y1 = (float(v) for v in found.groups())
    return x1 - x0, y1 - y0


def _check_tagged(data: bytes, title: str) -> bytes:
    assert data.startswith(b"%PDF-")
    text = _pdf_text(data)
    assert b"/StructTreeRoot" in text, "tagged"
    assert b"/MarkInfo" in text
    assert b"/Lang (de)" in text, "document language"
    assert b"pdfuaid:part" in text, "declared PDF/UA"
    assert f'<rdf:li xml:lang="x-default">{title}'.encode() in text, "document title"
    assert b"/DisplayDocTitle true" in text
    return text


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("zielsystem", "ISEK-Zielsystem – Stadt Neumünster"),
        ("stadtentwicklungsbericht", "Stadtentwicklungsbericht – Stadt Neumünster"),
    ],
)
def test_reports_as_tagged_a4_pdf(
    example: Path, tmp_path: Path, run: Run, kind: str, title: str
) -> None:
    _weasyprint()
    result = run("report", "--repo", example, "-k", kind, "-f", "pdf", "--out", tmp_path,
                 "--stichtag", "2024-06-30")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = _check_tagged((tmp_path / f"{kind}.pdf").read_bytes(), title)
    width, height = _media_box(text)
    assert (round(width), round(height)) == (595, 842), "A4 portrait"


def test_synopse_as_landscape_pdf_and_as_docx(example: Path, tmp_path: Path, run: Run) -> None:
    _weasyprint()
    pdf, docx_file = tmp_path / "synopse.pdf", tmp_path / "synopse.docx"
    assert run("diff", "2020", "--repo", example, "-f", "pdf", "-o", pdf).exit_code == 0
    text = _check_tagged(pdf.read_bytes(), "Synopse des ISEK-Zielsystems – Stadt Neumünster")
    width, height = _media_box(text)
    assert (round(width), round(height)) == (842, 595), "A4 landscape"

    assert run("diff", "2020", "--repo", example, "-f", "docx", "-o", docx_file).exit_code == 0
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_COLOR_INDEX

    document = docx.Document(str(docx_file))
    assert document.core_properties.title == "Synopse des ISEK-Zielsystems – Stadt Neumünster"
    assert document.core_properties.language == "de-DE"
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert round(section.page_width.cm, 1) == 29.7 and round(section.page_height.cm, 1) == 21.0
    runs = [r for t in document.tables for c in t._cells for p in c.paragraphs for r in p.runs]
    struck = {r.text for r in runs if r.font.strike}
    inserted = {r.text for r in runs if r.bold and r.font.highlight_color == WD_COLOR_INDEX.YELLOW}
    assert "Klimaschutz" in " ".join(struck), "the old wording struck through"
    assert "klimaneutral" in " ".join(inserted), "the new wording bold on yellow"
    assert not any(r.font.underline for r in runs), "insertions are not underlined"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Ziele: Wortlaut und Zuordnung" in headings and "Schlüsselmaßnahmen" in headings


def test_binary_formats_need_a_file(example: Path, run: Run) -> None:
    result = run("diff", "2020", "--repo", example, "-f", "docx")
    assert result.exit_code == 2 and "--out" in result.stderr


def test_all_reports_as_pdf_are_the_public_ones_but_the_list(
    example: Path, tmp_path: Path, run: Run
) -> None:
    _weasyprint()
    out = tmp_path / "pdf"
    assert run("report", "--repo", example, "-f", "pdf", "--out", out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "nachhaltigkeitsbericht.pdf", "stadtentwicklungsbericht.pdf", "zielsystem.pdf",
    ]  # fmt: skip
    result = run(
        "report", "--repo", example, "-k", "massnahmenliste", "-f", "pdf", "--out", tmp_path
    )
    assert result.exit_code == 2 and "Browser" in result.stderr


def test_a_missing_extra_says_how_to_install_it(
    example: Path, tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    monkeypatch.setitem(sys.modules, "docx", None)
    for args in (["report", "-k", "zielsystem", "-f", "pdf", "--out", tmp_path / "r"],
                 ["diff", "2020", "-f", "docx", "-o", tmp_path / "s.docx"]):  # fmt: skip
        result = run(*args, "--repo", example)
        assert result.exit_code == 1, result.output
        assert "ISEK087" in result.stderr and "pip install 'isekctl[pdf]'" in result.stderr
        assert "Traceback" not in result.output
    assert not (tmp_path / "r").exists() and not (tmp_path / "s.docx").exists()


def test_the_docx_synopse_names_changed_decisions_and_settings(tmp_path: Path, run: Run) -> None:
    pytest.importorskip("docx")
    import docx

    every = EVERY_DIFF_CASE
    out = tmp_path / "synopse.docx"
    result = run(
        "diff", every / "old", every / "new", "--repo", every / "new", "-f", "docx", "-o", out
    )
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    start = headings.index("Beschlussstände und Einstellungen")
    assert headings[start + 1 : start + 5] == [
        "Geänderte Beschlussstände und Entwürfe", "Entfernte Beschlussstände und Entwürfe",
        "Neue Beschlussstände und Entwürfe", "Geänderte Einstellungen (isek.yaml)",
    ]  # fmt: skip
    assert headings[start + 5] == "Ziele: Wortlaut und Zuordnung"
