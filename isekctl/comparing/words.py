"""Word-level differences between two wordings, the way a Synopse shows them.

Texts are compared as sequences of words and punctuation, so re-wrapping and
extra blanks make no difference. A word is a run of letters and digits (umlauts
and ß included) that may continue across `-` and `/`, so "Bürger/-innen",
"E-Payment" and "0503/2018/DS" stay whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Final, Literal

_TOKEN: Final = re.compile(r"\w+(?:[-/]+\w+)*|[^\w\s]")

Op = Literal["=", "-", "+"]


@dataclass(frozen=True, slots=True)
class Segment:
    op: Op  # "=" unchanged, "-" only in the old wording, "+" only in the new
    text: str  # without the leading blank, so a renderer can put the blank outside its mark
    space: bool = False  # a blank goes before this segment

    def plain(self) -> str:
        return (" " if self.space else "") + self.text


def tokens(text: str) -> list[tuple[str, bool]]:
    """(token, preceded by whitespace) pairs; the flag lets a segment keep its spacing."""
    found = []
    previous_end = 0
    for match in _TOKEN.finditer(text):
        found.append((match.group(), match.start() > previous_end))
        previous_end = match.end()
    return found


def _segment(op: Op, parts: list[tuple[str, bool]], first: bool) -> Segment:
    text = "".join((" " if spaced and i else "") + token for i, (token, spaced) in enumerate(parts))
    return Segment(op, text, parts[0][1] and not first)


def word_diff(old: str, new: str) -> list[Segment]:
    """Segments that read as the new text with deletions and insertions marked."""
    a, b = tokens(old), tokens(new)
    matcher = SequenceMatcher(None, [t for t, _ in a], [t for t, _ in b], autojunk=False)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(_segment("=", b[j1:j2], not segments))
            continue
        at_start = not segments
        if tag in ("delete", "replace"):
            segments.append(_segment("-", a[i1:i2], at_start))
        if tag in ("insert", "replace"):
            inserted = _segment("+", b[j1:j2], at_start and tag == "insert")
            if tag == "replace":  # "alt neu", not "altneu"; but "bisher.!" stays as it is
                inserted = Segment("+", inserted.text, segments[-1].space or at_start)
            segments.append(inserted)
    return segments


def similarity(old: str, new: str) -> float:
    """0..1, how much of the wording two texts share (for renumbering hints)."""
    a = [t.lower() for t, _ in tokens(old)]
    b = [t.lower() for t, _ in tokens(new)]
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
