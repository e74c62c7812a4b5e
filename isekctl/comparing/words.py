"""Word-level differences between two wordings, the way a Synopse shows them.

Texts are compared in their normalised form (`normalize`: Unicode NFC, every run of
whitespace, tabs and no-break spaces included, one blank, none at either end), so
re-wrapping, extra blanks and a decomposed "ü" make no difference. A word is a run of
letters and digits (umlauts and ß included) that may continue across `-` and `/`, so
"Bürger/-innen", "E-Payment" and "0503/2018/DS" stay whole; every other character that
is not a blank is a token of its own.

The segments rebuild both texts exactly: joining the `=` and `-` segments (each with
its blank, see `Segment.plain`) gives the normalised old text and `=` and `+` the new
one, up to a blank at the very start. The diff is symmetric: `word_diff(b, a)` is
`word_diff(a, b)` with `-` and `+` swapped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Final, Literal

_TOKEN: Final = re.compile(r"\w+(?:[-/]+\w+)*|[^\w\s]")

Op = Literal["=", "-", "+"]
Token = tuple[str, bool]  # the text and whether a blank goes before it


@dataclass(frozen=True, slots=True)
class Segment:
    op: Op  # "=" unchanged, "-" only in the old wording, "+" only in the new
    text: str  # without the leading blank, so a renderer can put the blank outside its mark
    space: bool = False  # a blank goes before this segment

    def plain(self) -> str:
        return (" " if self.space else "") + self.text


def normalize(text: str | None) -> str:
    """The form in which two texts are compared: NFC, whitespace runs as one blank, trimmed."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split())


def same_text(old: str | None, new: str | None) -> bool:
    """Equal wording: only whitespace or Unicode normalisation differ (None counts as "")."""
    return normalize(old) == normalize(new)


def tokens(text: str) -> list[Token]:
    """(token, preceded by a blank) pairs of the normalised text.

    The first token counts as preceded by a blank, so a word keeps its identity when the
    words before it are deleted ("Wohnstandort für alle" → "für alle": only
    "Wohnstandort" differs).
    """
    found: list[Token] = []
    flat = normalize(text)
    previous_end = 0
    for match in _TOKEN.finditer(flat):
        found.append((match.group(), match.start() > previous_end or match.start() == 0))
        previous_end = match.end()
    return found


def _join(parts: list[Token]) -> str:
    return "".join((" " if spaced and i else "") + token for i, (token, spaced) in enumerate(parts))


Opcode = tuple[str, int, int, int, int]


def _opcodes(a: list[Token], b: list[Token]) -> list[Opcode]:
    """difflib's opcodes, computed in a fixed direction so that swapping a and b mirrors them."""
    if (a, len(a)) <= (b, len(b)):
        return list(SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
    mirrored = {"insert": "delete", "delete": "insert"}
    return [
        (mirrored.get(tag, tag), j1, j2, i1, i2)
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, b, a, autojunk=False).get_opcodes()
    ]


def word_diff(old: str, new: str) -> list[Segment]:
    """Segments that read as the new text with deletions and insertions marked."""
    a, b = tokens(old), tokens(new)
    segments: list[Segment] = []

    def add(op: Op, parts: list[Token]) -> None:
        # the blank before a segment is its first token's, except at the very beginning
        segments.append(Segment(op, _join(parts), bool(segments) and parts[0][1]))

    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            add("=", a[i1:i2])
            continue
        if tag in ("delete", "replace"):
            add("-", a[i1:i2])
        if tag in ("insert", "replace"):
            add("+", b[j1:j2])
    return segments


def rebuild(segments: list[Segment] | tuple[Segment, ...], side: Literal["old", "new"]) -> str:
    """The normalised text of one side, joined from its segments."""
    hidden = "+" if side == "old" else "-"
    return "".join(s.plain() for s in segments if s.op != hidden).strip()


def similarity(old: str, new: str) -> float:
    """0..1, how much of the wording two texts share (for renumbering hints); symmetric."""
    a = [t.casefold() for t, _ in tokens(old)]
    b = [t.casefold() for t, _ in tokens(new)]
    if not a or not b:
        return 0.0
    return max(
        SequenceMatcher(None, a, b, autojunk=False).ratio(),
        SequenceMatcher(None, b, a, autojunk=False).ratio(),
    )
