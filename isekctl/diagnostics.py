"""Findings as data: the catalogue of check codes, locations and exit codes.

Every problem the tool reports about the data is a `Finding`, never an exception;
only conditions that stop a command (an unknown git ref, a file that must not be
overwritten) raise `IsekError`, which carries a finding of its own. This module
imports nothing but the standard library so that every other module may use it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_USAGE: Final = 2
EXIT_INTERNAL: Final = 3


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in the data repository; line and column are 1-based, 0 means unknown."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.col or 1}"


@dataclass(frozen=True, slots=True)
class Rule:
    """One entry of the catalogue: a stable code and what it is about."""

    code: str
    slug: str
    severity: Severity
    summary: str


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    location: Location
    code: str
    message: str = field(compare=False)
    hint: str | None = field(default=None, compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)


class IsekError(Exception):
    """A condition that stops a command; the CLI prints its finding and exits 1."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


E, W = Severity.ERROR, Severity.WARNING

_RULES: Final = (
    # file and YAML
    Rule("ISEK001", "yaml-syntax", E, "Die Datei ist kein gültiges YAML."),
    Rule("ISEK002", "encoding", E, "Die Datei ist nicht in UTF-8 gespeichert."),
    Rule("ISEK003", "bad-indent", E, "Einrückung mit Tabulatoren oder geschützten Leerzeichen."),
    Rule("ISEK004", "empty-file", E, "Die Datei ist leer."),
    Rule("ISEK005", "yaml-feature", E, "Anker, Aliase, Tags, Direktiven oder mehrere Dokumente."),
    Rule("ISEK006", "duplicate-key", E, "Ein Feld steht zweimal in derselben Zuordnung."),
    Rule("ISEK007", "limits", E, "Datei zu groß oder zu tief verschachtelt."),
    Rule("ISEK008", "control-character", E, "Unsichtbares Steuerzeichen in der Datei."),
    Rule("ISEK009", "file-name", E, "Dateiname passt nicht zur ID."),
    Rule("ISEK010", "not-a-file", E, "Kein normales File (Symlink, Gerät oder außerhalb)."),
    # schema
    Rule("ISEK011", "missing-field", E, "Ein Pflichtfeld fehlt."),
    Rule("ISEK012", "unknown-key", E, "Unbekanntes Feld (Tippfehler?)."),
    Rule("ISEK013", "wrong-type", E, "Falscher Typ oder ungültiger Wert."),
    Rule("ISEK014", "wrong-root", E, "Die Datei hat nicht die erwartete Grundform."),
    Rule("ISEK015", "invalid-id", E, "Eine ID enthält unzulässige Zeichen."),
    # identity and references
    Rule("ISEK020", "duplicate-id", E, "Eine ID ist mehrfach vergeben."),
    Rule("ISEK021", "unknown-goal", E, "Eine Maßnahme verweist auf ein unbekanntes Ziel."),
    Rule(
        "ISEK022",
        "unknown-goal-link",
        E,
        "`parent` oder `contributes_to` nennt ein unbekanntes Ziel.",
    ),
    Rule("ISEK023", "unknown-theme", E, "Ein Thema ist in isek.yaml nicht konfiguriert."),
    Rule(
        "ISEK024", "unknown-replaced", E, "`replaces` nennt eine ID, die es in keiner Revision gab."
    ),
    # hierarchy
    Rule("ISEK030", "cycle", E, "Ziele verweisen im Kreis aufeinander."),
    Rule(
        "ISEK031", "parent-level", E, "Das übergeordnete Ziel steht nicht auf einer höheren Ebene."
    ),
    Rule("ISEK032", "product-area-required", E, "Die Ebene verlangt einen Produktbereich."),
    Rule("ISEK033", "unknown-level", E, "Die Zielebene ist in isek.yaml nicht konfiguriert."),
    # vocabularies
    Rule(
        "ISEK040",
        "unknown-product-area",
        E,
        "Der Produktbereich ist in isek.yaml nicht konfiguriert.",
    ),
    Rule("ISEK041", "unknown-department", E, "Der Fachdienst ist in isek.yaml nicht konfiguriert."),
    Rule("ISEK042", "unknown-status", E, "Der Status gehört nicht zum Vokabular in isek.yaml."),
    Rule(
        "ISEK043",
        "resolution-pattern",
        E,
        "Die Drucksachennummer hat nicht das konfigurierte Format.",
    ),
    Rule("ISEK044", "config", E, "isek.yaml ist in sich widersprüchlich."),
    # dates, budgets, numbers
    Rule("ISEK050", "invalid-date", E, "Ein Datum ist nicht wohlgeformt."),
    Rule("ISEK051", "start-after-end", E, "Der Beginn liegt nach dem Ende."),
    Rule("ISEK052", "reports-order", E, "Statusberichte stehen nicht in zeitlicher Reihenfolge."),
    Rule("ISEK053", "report-in-future", E, "Ein Statusbericht ist in die Zukunft datiert."),
    Rule("ISEK054", "negative-amount", E, "Ein Haushaltsansatz ist negativ."),
    Rule("ISEK055", "budget-year", W, "Ein Haushaltsjahr liegt außerhalb der Jahre der Revision."),
    Rule("ISEK056", "rating-reason", E, "Ampel gelb oder rot ohne Begründung."),
    Rule("ISEK057", "sdg-range", E, "Ein SDG liegt nicht zwischen 1 und 17."),
    Rule("ISEK058", "amount-format", E, "Ein Betrag ist nicht als ganze Euro geschrieben."),
    Rule(
        "ISEK059",
        "duplicate-budget",
        W,
        "Zwei Haushaltsansätze für dasselbe Jahr und dieselbe Art.",
    ),
    # text hygiene
    Rule("ISEK060", "not-nfc", W, "Text ist nicht Unicode-normalisiert (NFC)."),
    Rule("ISEK061", "whitespace", W, "Überflüssige Leerzeichen oder Tabulatoren im Text."),
    Rule("ISEK062", "invisible-character", W, "Unsichtbares Sonderzeichen im Text."),
    # consistency and coverage
    Rule("ISEK070", "goal-without-measure", W, "Diesem Ziel dient keine Maßnahme."),
    Rule("ISEK071", "report-status", W, "Der Status des letzten Statusberichts weicht ab."),
    # stop conditions
    Rule("ISEK090", "no-repository", E, "Das Datenrepository wurde nicht gefunden."),
    Rule("ISEK091", "unknown-ref", E, "Die git-Revision ist unbekannt."),
    Rule("ISEK092", "unknown-revision", E, "Die ISEK-Revision ist unbekannt."),
    Rule("ISEK093", "exists", E, "Die Datei gibt es schon."),
    Rule("ISEK094", "invalid-argument", E, "Ein Argument ist unzulässig."),
)

RULES: Final[dict[str, Rule]] = {rule.code: rule for rule in _RULES}


def finding(
    code: str,
    location: Location,
    message: str,
    hint: str | None = None,
    *,
    severity: Severity | None = None,
) -> Finding:
    """Build a finding whose severity defaults to the catalogue's."""
    return Finding(location, code, message, hint, severity or RULES[code].severity)


def stop(code: str, message: str, hint: str | None = None, path: str = "") -> IsekError:
    """An `IsekError` for a condition that ends the command."""
    return IsekError(finding(code, Location(path), message, hint))


def exit_code(findings: Iterable[Finding], *, strict: bool = False) -> int:
    """1 when anything is an error (or, with `strict`, a warning), else 0."""
    for item in findings:
        if item.severity is Severity.ERROR or strict:
            return EXIT_FINDINGS
    return EXIT_OK


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {"errors": 0, "warnings": 0, "files": 0}
    paths = set()
    for item in findings:
        counts["errors" if item.severity is Severity.ERROR else "warnings"] += 1
        paths.add(item.location.path)
    counts["files"] = len(paths)
    return counts
