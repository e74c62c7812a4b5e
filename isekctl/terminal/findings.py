"""Findings to output: text for people, JSON, GitHub and GitLab annotations for machines.

Reporters only render; the CLI prints. Every string from the data is made safe
for where it goes: control characters and line breaks become visible escapes (each
message and hint is one line, so none can start a CI workflow command like
`::warning`), rich markup is never interpreted, GitHub workflow-command syntax is
percent-escaped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from itertools import groupby
from typing import TYPE_CHECKING, Final

from ..findings import Finding, Severity, summarize
from ..text import one_line, visible

if TYPE_CHECKING:
    from rich.console import RenderableType

SEVERITY_DE: Final = {Severity.ERROR: "Fehler", Severity.WARNING: "Warnung"}


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def summary_line(findings: list[Finding], checked: int) -> str:
    counts = summarize(findings)
    if not findings:
        return f"✔ Keine Befunde – {_plural(checked, 'Datei', 'Dateien')} geprüft."
    parts = []
    if counts["errors"]:
        parts.append(_plural(counts["errors"], "Fehler", "Fehler"))
    if counts["warnings"]:
        parts.append(_plural(counts["warnings"], "Warnung", "Warnungen"))
    mark = "✖" if counts["errors"] else "⚠"
    line = (
        f"{mark} {' und '.join(parts)} in {_plural(counts['files'], 'Datei', 'Dateien')} "
        f"({checked} geprüft)."
    )
    if counts["errors"] and counts["warnings"]:  # the errors are what must be fixed: name them
        failing = list(
            dict.fromkeys(f.location.path for f in findings if f.severity is Severity.ERROR)
        )
        named = ", ".join(one_line(path) for path in failing[:3])
        more = (
            f" und {_plural(len(failing) - 3, 'weiteren', 'weiteren')}" if len(failing) > 3 else ""
        )
        line += f" Fehler in {named}{more}."
    return line


def text(findings: list[Finding], checked: int | None) -> RenderableType:
    """Grouped by file like ESLint's "stylish": `line:col  Fehler  CODE  message`.

    The summary line closes the list unless `checked` is None (findings quoted as the
    reason a command stops).
    """
    from rich.console import Group
    from rich.text import Text

    lines: list[Text] = []
    # files with errors last, right above the summary: in a long list of warnings they are
    # what is seen first (and what must be fixed)
    failing = {f.location.path for f in findings if f.severity is Severity.ERROR}
    ordered = sorted(findings, key=lambda f: f.location.path in failing)  # stable
    for path, group in groupby(ordered, key=lambda f: f.location.path):
        lines.append(Text(one_line(path), style="bold underline"))
        for item in group:
            where = f"{item.location.line}:{item.location.col or 1}" if item.location.line else "–"
            severity = SEVERITY_DE[item.severity]
            line = Text("  ")
            line.append(f"{where:>7}  ", style="dim")
            line.append(
                f"{severity:<8}", style="red" if item.severity is Severity.ERROR else "yellow"
            )
            line.append(f" {item.code}  ", style="cyan")
            line.append(one_line(item.message))
            lines.append(line)
            if item.hint:
                lines.append(Text(f"{'':>29}→ {one_line(item.hint)}", style="dim"))
        lines.append(Text(""))
    if checked is None:
        return Group(*lines)
    counts = summarize(findings)
    style = "bold red" if counts["errors"] else ("bold yellow" if findings else "bold green")
    lines.append(Text(summary_line(findings, checked), style=style))
    return Group(*lines)


def as_records(findings: list[Finding]) -> list[dict[str, object]]:
    return [
        {
            "path": f.location.path,
            "line": f.location.line,
            "col": f.location.col,
            "code": f.code,
            "severity": f.severity.value,
            "message": f.message,
            "hint": f.hint,
        }
        for f in findings
    ]


def json_report(findings: list[Finding], checked: int) -> str:
    """A versioned, stable shape for scripts (documented in docs/checks.md)."""
    payload = {
        "version": 1,
        "checked_files": checked,
        "summary": summarize(findings),
        "findings": as_records(findings),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _gh_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")


def github(findings: list[Finding], checked: int) -> str:
    """GitHub Actions workflow commands, escaped as actions/toolkit does."""
    out = []
    for f in findings:
        level = "error" if f.severity is Severity.ERROR else "warning"
        props = [f"file={_gh_property(f.location.path)}"]
        if f.location.line:
            props += [f"line={f.location.line}", f"col={f.location.col or 1}"]
        props.append(f"title={f.code}")
        message = f.message + (f" – {f.hint}" if f.hint else "")
        out.append(f"::{level} {','.join(props)}::{visible(_gh_data(message))}")
    out.append(summary_line(findings, checked).replace("::", ": :"))
    return "\n".join(out) + "\n"


def gitlab(findings: list[Finding], checked: int) -> str:
    """GitLab Code Quality report; fingerprints are unique per finding and line-independent."""
    del checked
    seen: dict[str, int] = {}
    report = []
    for f in findings:
        base = f"{f.code}\0{f.location.path}\0{f.message}"
        seen[base] = seen.get(base, 0) + 1
        fingerprint = hashlib.sha256(f"{base}\0{seen[base]}".encode()).hexdigest()
        report.append(
            {
                "description": f.message + (f" {f.hint}" if f.hint else ""),
                "check_name": f.code,
                "fingerprint": fingerprint,
                "severity": "major" if f.severity is Severity.ERROR else "minor",
                "location": {"path": f.location.path, "lines": {"begin": max(f.location.line, 1)}},
            }
        )
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


MACHINE_REPORTERS: Final[dict[str, Callable[[list[Finding], int], str]]] = {
    "json": json_report,
    "github": github,
    "gitlab": gitlab,
}
