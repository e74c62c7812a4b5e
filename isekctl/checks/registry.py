"""How checks are registered: each with the rules it may emit.

`FILE_CHECKS` look at one file alone and depend only on its content, so their
results can be cached by content hash. `PROJECT_CHECKS` need the whole data set,
the configuration or today's date and run on every call. None of them raises:
each yields findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from ..findings import Finding, Rule
from ..kinds import FileKind
from ..model import Config
from ..project import Positions, Project


@dataclass(frozen=True, slots=True)
class FileInput:
    """One file as the file checks see it: its kind, model (if valid) and positions."""

    path: str
    kind: FileKind
    model: Any
    positions: Positions


@dataclass(frozen=True, slots=True)
class Context:
    project: Project
    config: Config
    today: date


FileCheck = Callable[[FileInput], Iterable[Finding]]
ProjectCheck = Callable[[Context], Iterable[Finding]]
C = TypeVar("C", bound=Callable[..., Iterable[Finding]])

FILE_CHECKS: list[FileCheck] = []
PROJECT_CHECKS: list[ProjectCheck] = []
EMITS: dict[str, tuple[Rule, ...]] = {}  # check name -> the rules it may emit


def _register(registry: list[Any], rules: tuple[Rule, ...]) -> Callable[[C], C]:
    def register(check: C) -> C:
        registry.append(check)
        EMITS[f"{check.__module__}.{check.__name__}"] = rules
        return check

    return register


def file_check(*rules: Rule) -> Callable[[C], C]:
    """Register a check of one file that emits `rules`."""
    return _register(FILE_CHECKS, rules)


def project_check(*rules: Rule) -> Callable[[C], C]:
    """Register a check of the whole project that emits `rules`."""
    return _register(PROJECT_CHECKS, rules)
