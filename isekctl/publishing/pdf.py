"""PDF of a report or the Synopse, for the council information system: A4, tagged (PDF/UA-1).

WeasyPrint lays out the same self-contained HTML page a browser shows, with its print
style (A4; the Synopse A4 landscape). The document's language and title come from the
page (`<html lang="de">`, `<title>`), and the PDF carries the tags of its structure so a
screen reader can read it. WeasyPrint is an optional extra (`pip install 'isekctl[pdf]'`);
without it the command stops with `PDF_MISSING`.
"""

from __future__ import annotations

from typing import Any

from ..findings import E, Rule

PDF_MISSING = Rule("ISEK087", "pdf-missing", E,
                   "Für PDF und DOCX fehlt ein Zusatzpaket von isekctl.",
                   "Installieren: pip install 'isekctl[pdf]' (unter Debian/Ubuntu außerdem "
                   "apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0).",
                   switchable=False, stops=True)  # fmt: skip


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError:
        raise PDF_MISSING.stop(
            "PDF braucht das Paket WeasyPrint; es ist nicht installiert.", PDF_MISSING.fix
        ) from None
    except OSError as exc:  # the Python package is there, the system's Pango is not
        raise PDF_MISSING.stop(
            f"PDF braucht die Bibliothek Pango des Systems; sie fehlt ({exc}).", PDF_MISSING.fix
        ) from None
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF/UA-1 of a self-contained HTML page (no file or network access)."""
    weasyprint = _weasyprint()

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:  # noqa: ARG001
        raise ValueError(f"{url}: PDFs laden nichts nach")

    document = weasyprint.HTML(string=html, url_fetcher=no_fetch, media_type="print")
    data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return bytes(data)
