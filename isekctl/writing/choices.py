"""Finding what a clerk means: a goal, a department, a status by its id or (part of) its name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from ..text import without_umlauts

_SEPARATORS: Final = re.compile(r"[\s_.\-–/]+")
_DIGIT: Final = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Option:
    """Something to choose: its id as written in the files and the name people know it by."""

    id: str
    name: str = ""

    def label(self) -> str:
        return f"{self.id} – {self.name}" if self.name and self.name != self.id else self.id


def fold(text: str) -> str:
    """Case, umlauts (ä = ae) and repeated blanks forgiven."""
    return " ".join(without_umlauts(text).casefold().split())


def squash(text: str) -> str:
    """An id without case, umlauts, blanks or dashes: `fd32` = `FD 32`, `pb1 digitalisierung`."""
    return _SEPARATORS.sub("", fold(text))


def find(answer: str, options: list[Option]) -> list[Option]:
    """The options `answer` may mean, from the most certain kind of match on.

    In this order, the first kind that matches anything wins: the id written with other
    case, umlauts, blanks or dashes; the whole name; every word of the answer a part of
    the id (`buergerportal` for DIGI-BUERGERPORTAL); a name that begins with the answer;
    id or name containing every word — a word with a digit only as a whole (`FD 3` is
    not `FD 32`).
    """
    wanted = fold(answer)
    if not wanted:
        return []
    words = wanted.split()
    tiers: list[list[Option]] = [[], [], [], [], []]
    for option in options:
        name = fold(option.name)
        id_tokens = set(_SEPARATORS.split(fold(option.id)))
        text = f"{fold(option.id)} {name}"
        tokens = id_tokens | set(_SEPARATORS.split(name))
        if squash(option.id) == squash(answer):
            tiers[0].append(option)
        elif name and name == wanted:
            tiers[1].append(option)
        elif all(w in id_tokens for w in words):
            tiers[2].append(option)
        elif name.startswith(wanted):
            tiers[3].append(option)
        elif all((w in tokens) if _DIGIT.search(w) else (w in text) for w in words):
            tiers[4].append(option)
    return next((tier for tier in tiers if tier), [])


def listing(options: list[Option], limit: int = 40) -> list[str]:
    """Numbered lines to choose from (at most `limit`)."""
    lines = [f"{i:>3}) {o.label()}" for i, o in enumerate(options[:limit], 1)]
    if len(options) > limit:
        lines.append(f"     … und {len(options) - limit} weitere; genauer eingrenzen.")
    return lines
