"""Findings as data: rules, locations, findings, the conditions that stop a command.

Every problem the tool reports about the data is a `Finding`, never an exception;
only conditions that end a command (an unknown git ref, a file that must not be
overwritten, an unusable isek.yaml) raise `IsekError`, which carries a finding of
its own code. A `Rule` is declared in the one module that emits it, next to the
code that decides it (the way yamllint keeps a rule's id, doc and check together);
`catalogue()` collects them for `validate`'s overrides and for docs/checks.md.
This module imports nothing but the standard library.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

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


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    location: Location
    code: str
    message: str = field(compare=False)
    hint: str | None = field(default=None, compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)


class IsekError(Exception):
    """A condition that stops a command: its finding, and the findings that explain it."""

    def __init__(self, finding: Finding, details: Sequence[Finding] = (), *, usage: bool = False):
        super().__init__(finding.message)
        self.finding = finding
        self.details = list(details)
        self.usage = usage  # the command line asked for something impossible: exit 2


_CATALOGUE: dict[str, Rule] = {}


@dataclass(frozen=True, slots=True)
class Rule:
    """One stable code: what it is about, how to fix it, and whether isek.yaml may switch it.

    Creating a rule registers it; a code can be declared only once.
    """

    code: str
    slug: str
    severity: Severity
    summary: str  # what is checked, one sentence (docs/checks.md "Was geprüft wird")
    fix: str  # the general remedy (docs/checks.md "Abhilfe")
    switchable: bool = True  # isek.yaml `checks:` may change its severity or switch it off
    stops: bool = False  # a reason a command ends, not a finding about the data

    def __post_init__(self) -> None:
        if self.code in _CATALOGUE:
            raise ValueError(f"rule {self.code} declared twice")
        _CATALOGUE[self.code] = self

    def at(self, location: Location, message: str, hint: str | None = None) -> Finding:
        """A finding of this rule, with the rule's severity."""
        return Finding(location, self.code, message, hint, self.severity)

    def stop(
        self,
        message: str,
        hint: str | None = None,
        path: str = "",
        *,
        details: Sequence[Finding] = (),
        usage: bool = False,
    ) -> IsekError:
        """An `IsekError` that ends the command with this rule's finding."""
        return IsekError(self.at(Location(path), message, hint), details, usage=usage)


E, W = Severity.ERROR, Severity.WARNING

# The modules that declare rules (a test checks that none is missing).
RULE_MODULES: Final = (
    "isekctl.reading.yaml",
    "isekctl.reading.sources",
    "isekctl.reading.schema",
    "isekctl.reading.pipeline",
    "isekctl.checks",
    "isekctl.comparing.sides",
    "isekctl.writing.atomic",
    "isekctl.writing.scaffold",
    "isekctl.writing.fmt",
    "isekctl.publishing.jinja",
    "isekctl.publishing.history",
    "isekctl.publishing.pdf",
    "isekctl.terminal.views",
)


def catalogue() -> dict[str, Rule]:
    """Every rule by code, in code order (imports the declaring modules)."""
    for module in RULE_MODULES:
        importlib.import_module(module)
    return dict(sorted(_CATALOGUE.items()))


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


# --- as plain data: the cache's JSON and the rows worker processes send ----------------

_SEVERITY_OF: Final = {"e": Severity.ERROR, "w": Severity.WARNING}


def finding_row(item: Finding, path: str = "") -> list[object]:
    """[line, col, code, message, hint, e|w] and the path when it is not `path`."""
    where = item.location
    severity = item.severity.value[0]
    row: list[object] = [where.line, where.col, item.code, item.message, item.hint, severity]
    if where.path != path:
        row.append(where.path)
    return row


def finding_of_row(row: list[Any], path: str = "") -> Finding:
    """The finding a `finding_row` describes (ValueError/KeyError/TypeError when it is none)."""
    line, col, code, message, hint, severity = row[:6]
    where = Location(row[6] if len(row) > 6 else path, line, col)
    return Finding(where, code, message, hint, _SEVERITY_OF[severity])
