"""The Synopse as a Word document (DOCX), for council papers drafted in a word processor.

Built with python-docx (the optional extra `pip install 'isekctl[pdf]'`) from the same plain
data as the HTML Synopse (`synopse.context`): A4 landscape, the document's title and
language set, real table header rows that repeat on every page, and the same marks as
the HTML – deleted words struck through, inserted words bold on yellow (never underlined,
which would read as a link).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from .pdf import PDF_MISSING

Plain = Mapping[str, Any]


def _docx() -> Any:
    try:
        import docx
    except ImportError:
        raise PDF_MISSING.stop(
            "DOCX braucht das Paket python-docx; es ist nicht installiert.", PDF_MISSING.fix
        ) from None
    return docx


def synopse_docx(data: Plain) -> bytes:
    """The Synopse (`synopse.context`) as a DOCX file."""
    docx = _docx()
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_COLOR_INDEX
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    document = docx.Document()
    title = (
        "Änderungen am ISEK-Zielsystem" if data["changes_only"] else "Synopse des ISEK-Zielsystems"
    )
    props = document.core_properties
    props.title = f"{title} – {data['municipality']}"
    props.language = "de-DE"
    props.author = str(data["municipality"])
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "de-DE")
    normal.element.get_or_add_rPr().append(language)

    def words(paragraph: Any, segments: Iterable[Plain], side: str = "both") -> None:
        first = True
        for segment in segments:
            op = segment["op"]
            if (side == "old" and op == "+") or (side == "new" and op == "-"):
                continue
            if segment.get("space") and not first:
                paragraph.add_run(" ")
            first = False
            run = paragraph.add_run(str(segment["text"]))
            mark(run, op)

    def mark(run: Any, op: str) -> None:
        if op == "-":
            run.font.strike = True
            run.font.color.rgb = RGBColor(0x8C, 0x1D, 0x1D)
        elif op == "+":
            run.bold = True
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def items(paragraph: Any, entries: Iterable[Plain]) -> None:
        for index, entry in enumerate(entries):
            if index:
                paragraph.add_run(", ")
            mark(paragraph.add_run(str(entry["text"])), entry["op"])

    def meta(paragraph: Any, text: str) -> None:
        run = paragraph.add_run(text)
        run.font.color.rgb = RGBColor(0x4A, 0x4A, 0x4A)

    def table(headings: list[str], widths: list[float]) -> Any:
        grid = document.add_table(rows=1, cols=len(headings))
        grid.style = "Table Grid"
        header = grid.rows[0]
        properties = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")  # the heading row repeats on every page
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)
        for cell, text, width in zip(header.cells, headings, widths, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
            cell.width = Cm(width)
        return grid

    def row(grid: Any, widths: list[float]) -> list[Any]:
        cells = grid.add_row().cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = Cm(width)
        return list(cells)

    def side_cell(cell: Any, line: Plain, side: str, with_label: bool = True) -> None:
        paragraph = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
        if line.get(f"empty_{side}") or not (line.get("words") or line.get(side)):
            meta(paragraph, "–")
            return
        if with_label:
            meta(paragraph, f"{line['label']}: ")
        if line.get("words"):
            words(paragraph, line["words"], side)
        else:
            items(paragraph, line[side])
            if side == "new" and line.get("delta"):
                meta(paragraph, f" ({line['delta']})")

    document.add_paragraph(str(data["municipality"]))
    document.add_heading(title, level=0)
    compared = document.add_paragraph()
    for label, value in (
        ("bisherige Fassung", data["old"]["label"]),
        ("neue Fassung", data["new"]["label"]),
        ("Stand", data["date"]),
    ):
        compared.add_run(f"{label}: ").bold = True
        compared.add_run(f"{value}\n")
    legend = document.add_paragraph()
    legend.add_run("Lesehilfe: ").bold = True
    mark(legend.add_run("durchgestrichen"), "-")
    legend.add_run(" = entfällt, ")
    mark(legend.add_run("fett und hinterlegt"), "+")
    legend.add_run(" = neu eingefügt.")

    for warning in data.get("unreadable", []):
        alert = document.add_paragraph()
        alert.add_run("Achtung: ").bold = True
        alert.add_run(str(warning))

    def class_table(group: dict[str, Any], level: int) -> None:
        """One class of changes: a heading, its hint, and the changes old beside new."""
        document.add_heading(str(group["title"]), level=level)
        if group.get("hint"):
            meta(document.add_paragraph(), str(group["hint"]))
        widths = [6.0, 10.6, 10.6]
        grid = table([str(group["subject"]), "bisherige Fassung", "neue Fassung"], widths)
        for change in group["changes"]:
            label, old, new = row(grid, widths)
            label.paragraphs[0].add_run(str(change["id"])).bold = True
            if change.get("owner"):
                meta(label.add_paragraph(), f"Ziel {change['owner']}")
            if not change.get("words"):
                meta(label.add_paragraph(), str(change.get("title", "")))
            for cell, side, gone in ((old, "old", "added"), (new, "new", "removed")):
                if change["kind"] == gone:
                    meta(cell.paragraphs[0], "–" if side == "old" else "entfällt")
                    continue
                if change.get("words"):
                    words(cell.paragraphs[0], change["words"], side)
                for line in change.get("lines", []):
                    side_cell(cell, line, side)

    if data["changes_only"]:
        if data["empty"]:
            document.add_paragraph("Keine Änderungen am Zielsystem.")
        for group in data["classes"]:
            class_table(group, 1)
        return _save(document)

    if data["empty"]:
        document.add_paragraph().add_run("Keine Änderungen am Zielsystem.").bold = True
    if data.get("setup"):
        document.add_heading("Beschlussstände und Einstellungen", level=1)
        for group in data["setup"]:
            class_table(group, 2)
    document.add_heading("Ziele: Wortlaut und Zuordnung", level=1)
    document.add_paragraph(
        f"{data['goals_total']} {'Ziel' if data['goals_total'] == 1 else 'Ziele'}, "
        f"davon {data['goals_unchanged']} unverändert."
    )
    widths = [5.0, 8.0, 8.0, 5.7]
    for part in data["sections"]:
        if part.get("new_level"):
            document.add_heading(str(part["level"]), level=2)
        if part.get("area"):
            document.add_heading(str(part["area"]), level=3)
        grid = table(["Ziel", "bisherige Fassung", "neue Fassung", "Begründung"], widths)
        for goal in part["rows"]:
            label, old, new, reason = row(grid, widths)
            label.paragraphs[0].add_run(str(goal["id"])).bold = True  # placed by the headings
            if not goal["old"]:
                meta(old.paragraphs[0], "– (neues Ziel)")
            for index, before in enumerate(goal["old"]):
                paragraph = old.paragraphs[0] if index == 0 else old.add_paragraph()
                if len(goal["old"]) > 1 or before["id"] != goal["id"]:
                    meta(paragraph, f"{before['id']}: ")
                words(paragraph, before["words"], "old")
                for line in before.get("lines", []):
                    extra = old.add_paragraph()
                    meta(extra, f"{line['label']}: ")
                    items(extra, line["items"])
            if goal["state"] == "entfällt":
                new.paragraphs[0].add_run("entfällt").bold = True
            elif goal["state"] == "unverändert":
                meta(new.paragraphs[0], "unverändert")
            else:
                words(new.paragraphs[0], goal["new"]["words"], "new")
                for line in goal["new"].get("lines", []):
                    extra = new.add_paragraph()
                    meta(extra, f"{line['label']}: ")
                    items(extra, line["items"])
                if goal.get("note"):
                    new.add_paragraph().add_run(str(goal["note"])).italic = True
            reason.paragraphs[0].add_run(str(goal.get("rationale") or "").strip())
    document.add_heading("Schlüsselmaßnahmen", level=1)
    if not data["compared_measures"]:
        document.add_paragraph(str(data["measures_note"]))
    elif not data["measures"]:
        document.add_paragraph("Keine Maßnahme geändert.")
    else:
        widths = [6.0, 10.6, 10.6]
        grid = table(["Maßnahme, Angabe", "bisherige Fassung", "neue Fassung"], widths)
        for measure in data["measures"]:
            head = row(grid, widths)
            merged = head[0].merge(head[2])
            paragraph = merged.paragraphs[0]
            paragraph.add_run(f"{measure['id']} ").bold = True
            if measure.get("words"):
                words(paragraph, measure["words"])
            else:
                paragraph.add_run(str(measure["title"]))
            if measure["state"] != "geändert":
                paragraph.add_run(f" ({measure['state']})")
            for line in measure["lines"]:
                label, old, new = row(grid, widths)
                label.paragraphs[0].add_run(str(line["label"]))
                side_cell(old, line, "old", with_label=False)
                side_cell(new, line, "new", with_label=False)
    if data["compared_measures"] and data["measures_unchanged"]:
        count = data["measures_unchanged"]
        document.add_paragraph(
            f"{count} {'weitere Maßnahme' if count == 1 else 'weitere Maßnahmen'} unverändert."
        )
    document.add_heading("Redaktionelle Änderungen", level=1)
    meta(
        document.add_paragraph(),
        "Beschreibungen, SDGs, Themen und Kennzahlen erläutern die Ziele; sie sind nicht Teil "
        "des beschlossenen Wortlauts.",
    )
    if not data["editorial"]:
        document.add_paragraph("Keine redaktionellen Änderungen.")
    widths = [6.0, 10.6, 10.6]
    for entry in data["editorial"]:
        document.add_heading(f"{entry['id']} {entry['title']}", level=2)
        grid = table(["Angabe", "bisherige Fassung", "neue Fassung"], widths)
        for group in entry["groups"]:
            if group.get("subject"):
                head = row(grid, widths)
                head[0].merge(head[2]).paragraphs[0].add_run(str(group["subject"])).bold = True
            for line in group["lines"]:
                label, old, new = row(grid, widths)
                label.paragraphs[0].add_run(str(line["label"]))
                side_cell(old, line, "old", with_label=False)
                side_cell(new, line, "new", with_label=False)
    footer = section.footer.paragraphs[0]
    footer.text = f"Synopse des ISEK-Zielsystems – {data['municipality']}. Stand {data['date']}."
    return _save(document)


def _save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
