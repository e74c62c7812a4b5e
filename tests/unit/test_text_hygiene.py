"""Which characters count as invisible (ISEK062) and how they are shown."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from isekctl.checks.text import escaped_findings, raw_text_findings
from isekctl.text import INVISIBLE, escaped, one_line

HIDDEN = {
    "\u061c": "ARABIC LETTER MARK",
    "\U000e0041": "TAG LATIN CAPITAL LETTER A",
    "\U000e007f": "CANCEL TAG",
    "\u3164": "HANGUL FILLER",
    "\u115f": "HANGUL CHOSEONG FILLER",
    "\u180e": "MONGOLIAN VOWEL SEPARATOR",
    "\u034f": "COMBINING GRAPHEME JOINER",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
    "\u200d": "ZERO WIDTH JOINER",
    "\u200c": "ZERO WIDTH NON-JOINER",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\ufe0f": "VARIATION SELECTOR-16",  # after a letter: hidden
}


@pytest.mark.parametrize("char", list(HIDDEN), ids=lambda c: f"U+{ord(c):04X}")
def test_hidden_characters_are_found_in_files_and_in_escapes(char: str) -> None:
    text = f"title: Bürger{char}portal\n"
    found = raw_text_findings(text, "a.yaml")
    assert [f.code for f in found] == ["ISEK062"]
    assert f"U+{ord(char):04X}" in found[0].message and HIDDEN[char] in found[0].message
    code = f"\\U{ord(char):08X}"
    escaped_text = f'title: "Bürger{code}portal"\n'
    hits = escaped_findings(escaped_text, {"title": f"Bürger{char}portal"}, "a.yaml")
    assert [f.code for f in hits] == ["ISEK062"]
    assert "\n" not in one_line(escaped(char)) and escaped(char).startswith("\\")


@pytest.mark.parametrize(
    "text",
    [
        "Bürger/-innen, Straße, ÄÖÜ äöü ß – „Zitat“ … § 5 Abs. 2, 25.000 €",
        "z.\u202fB. 10\u00a0%",  # narrow and normal no-break spaces are German typography
        "Erledigt ✔️, Herz ❤️, Taste 1️⃣, ✅",  # emoji style after a symbol is fine
    ],
)
def test_german_text_and_emoji_are_not_flagged(text: str) -> None:
    assert raw_text_findings(f"title: {text}\n", "a.yaml") == []


def test_every_format_character_of_this_python_is_invisible() -> None:
    """Unicode category Cf as this Python knows it (the pattern covers Unicode 15.1)."""
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Cf" and not INVISIBLE.fullmatch(chr(code))
    ]
    assert missed == []
