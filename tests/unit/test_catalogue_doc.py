"""docs/checks.md lists exactly the rules of the code, as the code declares them."""

from __future__ import annotations

import pytest

from isekctl.findings import Severity, catalogue

from ..conftest import ROOT

DOC = ROOT / "docs" / "checks.md"
START = "<!-- Katalog: erzeugt aus isekctl.findings.catalogue() (pytest --update-goldens) -->\n"
END = "<!-- Ende des Katalogs -->\n"


def table() -> str:
    rows = ["| Code | Kurzname | Schwere | umstellbar | Was geprüft wird | Abhilfe |",
            "|---|---|---|---|---|---|"]  # fmt: skip
    for code, rule in catalogue().items():
        severity = "Fehler" if rule.severity is Severity.ERROR else "Warnung"
        if rule.stops:
            severity = "Abbruch"
        switchable = "ja" if rule.switchable else "nein"
        rows.append(
            f"| {code} | `{rule.slug}` | {severity} | {switchable} | {rule.summary} | {rule.fix} |"
        )
    return "\n".join(rows) + "\n"


def test_checks_doc_is_generated_from_the_catalogue(request: pytest.FixtureRequest) -> None:
    text = DOC.read_text(encoding="utf-8")
    before, rest = text.split(START)
    _, after = rest.split(END)
    expected = before + START + table() + END + after
    if request.config.getoption("--update-goldens"):
        DOC.write_text(expected, encoding="utf-8")
    assert text == expected, "docs/checks.md is stale: run pytest --update-goldens"
