"""The checks of `validate`: one module per concern, each check registered with its rules.

Add a check by writing a function in the module of its concern (or a new module
imported below), decorated with `file_check` or `project_check` and the `Rule`s
it emits; declare a new rule next to it and document it in docs/checks.md.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from ..findings import Finding, Severity, catalogue
from ..kinds import FileKind
from ..model import Config
from ..project import Positions, Project
from . import config, coverage, files, goals, identity, measures, schedule, text, vocabulary
from .registry import FILE_CHECKS, PROJECT_CHECKS, Context, FileInput

__all__ = [
    "apply_overrides",
    "config",
    "coverage",
    "file_findings",
    "files",
    "goals",
    "identity",
    "measures",
    "project_findings",
    "schedule",
    "text",
    "vocabulary",
]


def file_findings(
    path: str, kind: FileKind, model: Any, positions: Positions, data: Any, *, untidy: bool = True
) -> list[Finding]:
    """All content-only findings of one file (cacheable).

    `untidy=False` (known from parsing: no quoted scalar, no double blank, no tab,
    the whole file in NFC) skips the per-string text hygiene walk.
    """
    found = list(text.value_findings(data, positions)) if untidy else []
    file = FileInput(path, kind, model, positions)
    for check in FILE_CHECKS:
        found.extend(check(file))
    return found


def project_findings(project: Project, today: date) -> list[Finding]:
    ctx = Context(project, project.config, today)
    found: list[Finding] = []
    for check in PROJECT_CHECKS:
        found.extend(check(ctx))
    return found


def apply_overrides(findings: list[Finding], config: Config) -> list[Finding]:
    """Severity changes from isek.yaml `checks:` (a warning made an error, a rule switched off)."""
    if not config.checks:
        return findings
    rules = catalogue()
    adjusted = []
    for item in findings:
        rule = rules.get(item.code)
        setting = config.checks.get(item.code) if rule is not None and rule.switchable else None
        if setting == "off":
            continue
        if setting is not None:
            item = dataclasses.replace(item, severity=Severity(setting))
        adjusted.append(item)
    return adjusted
