"""Text hygiene: control and invisible characters, Unicode normalisation, stray blanks.

Characters are checked twice: in the raw file before it is parsed (a control
character there stops the parser; an invisible one may sit in a comment) and in
every parsed string, where double-quoted escapes (`"\\e"`, `"\\u202e"`) can put
them without being visible in the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any, Final

from ..findings import E, Finding, Location, Rule, W
from ..project import PathKey, Positions
from ..text import CONTROL, INVISIBLE, MAYBE_INVISIBLE

CONTROL_CHARACTER = Rule(
    "ISEK008",
    "control-character",
    E,
    "Unsichtbares Steuerzeichen in der Datei.",
    "Das Steuerzeichen löschen.",
    switchable=False,
)
NOT_NFC = Rule(
    "ISEK060",
    "not-nfc",
    W,
    "Text ist nicht Unicode-normalisiert (NFC).",
    "`isekctl fmt` ausführen.",
)
WHITESPACE = Rule(
    "ISEK061",
    "whitespace",
    W,
    "Überflüssige Leerzeichen oder Tabulatoren im Text.",
    "Überflüssige Leerzeichen entfernen.",
)
INVISIBLE_CHARACTER = Rule("ISEK062", "invisible-character", W, "Unsichtbares Sonderzeichen im Text.",
                           "Unsichtbares Zeichen löschen.")  # fmt: skip

_SPECIAL: Final = re.compile(CONTROL.pattern[:-1] + MAYBE_INVISIBLE + "]")  # a first look


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def raw_text_findings(text: str, path: str) -> list[Finding]:
    """The first control character (an error) and every invisible one in a file's text."""
    if not _SPECIAL.search(text):
        return []  # the common, clean case in one pass
    found: list[Finding] = []
    control = CONTROL.search(text)
    if control:
        found.append(
            CONTROL_CHARACTER.at(
                Location(path, *_line_col(text, control.start())),
                f"Unzulässiges Steuerzeichen U+{ord(control[0]):04X} in der Datei.",
                "Das Zeichen löschen; es stammt meist aus kopiertem Text.",
            )
        )
    found.extend(
        INVISIBLE_CHARACTER.at(
            Location(path, *_line_col(text, match.start())),
            f"Unsichtbares Zeichen U+{ord(match[0]):04X} ({unicodedata.name(match[0], '?')}).",
            "Unsichtbare Zeichen lassen Texte und Verweise gleich aussehen, "
            "die verschieden sind; das Zeichen löschen.",
        )
        for match in INVISIBLE.finditer(text)
    )
    return found


_ESCAPE: Final = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})")


def _strings(data: Any) -> Iterator[str]:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            yield value


def escaped_findings(text: str, data: Any, path: str) -> list[Finding]:
    """Invisible characters written as escapes (`"\\u202e"`), at the escape, like raw ones.

    Only escapes whose character is really in the parsed data count: in plain or
    single-quoted text `\\u202e` stays six harmless characters.
    """
    hits = []
    for match in _ESCAPE.finditer(text):
        code = int(match[0][2:], 16)
        if code <= 0x10FFFF and INVISIBLE.match(chr(code)):
            hits.append((match, chr(code)))
    if not hits:
        return []
    present = {char for _, char in hits} & {
        m[0] for s in _strings(data) for m in INVISIBLE.finditer(s)
    }
    return [
        INVISIBLE_CHARACTER.at(
            Location(path, *_line_col(text, match.start())),
            f"Die Escape-Sequenz `{match[0]}` erzeugt das unsichtbare Zeichen U+{ord(char):04X} "
            f"({unicodedata.name(char, '?')}).",
            "Unsichtbare Zeichen lassen Texte und Verweise gleich aussehen, die verschieden sind; "
            "die Escape-Sequenz löschen.",
        )
        for match, char in hits
        if char in present
    ]


def value_findings(data: Any, positions: Positions) -> Iterator[Finding]:
    """Text hygiene on every string value: NFC, stray whitespace, control characters."""
    stack: list[tuple[PathKey, Any]] = [((), data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*where, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*where, i), v) for i, v in enumerate(value))
        elif isinstance(value, str):
            problems = _text_problems(value)
            if problems:
                location = positions.at(*where)
                yield from (rule.at(location, message, hint) for rule, message, hint in problems)


def _text_problems(text: str) -> list[tuple[Rule, str, str]]:
    problems = []
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        problems.append(
            (
                NOT_NFC,
                "Der Text ist nicht in Unicode-Normalform NFC (z. B. ü als u + ¨).",
                "`isekctl fmt` schreibt ihn in NFC; sonst sehen gleiche Wörter verschieden aus.",
            )
        )
    control = CONTROL.search(text)
    if control:
        problems.append(
            (
                CONTROL_CHARACTER,
                f"Der Text enthält das Steuerzeichen U+{ord(control[0]):04X}.",
                "Die Escape-Sequenz (\\e, \\a, \\0 …) im Text löschen.",
            )
        )
    body = text.rstrip("\n")
    if "\n" not in body:
        if body != body.strip():
            problems.append(
                (WHITESPACE, "Leerzeichen am Anfang oder Ende des Textes.", "Entfernen.")
            )
        elif "  " in body or "\t" in body:
            problems.append(
                (
                    WHITESPACE,
                    "Doppelte Leerzeichen oder Tabulator im Text.",
                    "Durch ein Leerzeichen ersetzen.",
                )
            )
    return problems
