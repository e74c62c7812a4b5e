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

The work is bounded, since the wordings come from an untrusted repository: difflib's
matcher takes time far beyond the product of the token counts on repetitive texts
("x y x y …" against "y x z y x z …"). Texts whose token counts multiply to more than
`MATCH_BUDGET` are first trimmed of their common beginning and end; if the rest is
still too large, it is shown as one deletion and one insertion. That diff is still
exact (both texts rebuild), just not minimal; no wording of a real ISEK comes near it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
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

# Most token pairs the matcher may compare (len(a) * len(b)): 500 words against 500,
# about a third of a second on the most repetitive text, milliseconds on real prose.
MATCH_BUDGET: Final = 250_000


def _opcodes(a: list[Token], b: list[Token]) -> list[Opcode]:
    """Opcodes of the two token lists, exact but not always minimal (see the module text)."""
    if len(a) * len(b) <= MATCH_BUDGET:
        return _matched(a, b)
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    middle_a, middle_b = a[start : len(a) - end], b[start : len(b) - end]
    codes: list[Opcode] = [("equal", 0, start, 0, start)] if start else []
    if len(middle_a) * len(middle_b) <= MATCH_BUDGET:
        codes += [
            (tag, i1 + start, i2 + start, j1 + start, j2 + start)
            for tag, i1, i2, j1, j2 in _matched(middle_a, middle_b)
        ]
    elif middle_a or middle_b:  # one is not empty, or the product would be 0
        codes.append(("replace", start, len(a) - end, start, len(b) - end))
    if end:
        codes.append(("equal", len(a) - end, len(a), len(b) - end, len(b)))
    return codes


def _matched(a: list[Token], b: list[Token]) -> list[Opcode]:
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
    if len(a) * len(b) > MATCH_BUDGET:  # too long to compare word by word: shared words
        shared = (Counter(a) & Counter(b)).total()
        return 2.0 * shared / (len(a) + len(b))
    return max(
        SequenceMatcher(None, a, b, autojunk=False).ratio(),
        SequenceMatcher(None, b, a, autojunk=False).ratio(),
    )
