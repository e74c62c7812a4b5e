"""Text rules shared by every layer: which characters are dangerous, how to show them,
and which known word a misspelt one probably meant."""

from __future__ import annotations

import difflib
import re
from typing import Final

# C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone surrogates
# (which only double-quoted escapes can produce, and which no file can store).
CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Characters that make texts and references look alike that differ: soft hyphen,
# zero-width characters, bidi controls ("Trojan Source"), word joiners, a BOM inside text.
INVISIBLE: Final = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

_UMLAUTS: Final = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def without_umlauts(text: str) -> str:
    """'Grün' -> 'Gruen': how ids and vocabulary are often spelled in ASCII."""
    return text.translate(_UMLAUTS)


_TERMINAL_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """Control characters (ESC sequences and the like) as harmless `\\xNN` text."""
    return _TERMINAL_CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


# What a name must not contain to be shown as it is: every control character (line
# breaks and tabs too), the invisible ones, and lone surrogates, which is how Python
# keeps bytes of a file name that are not UTF-8 (os.fsdecode, "surrogateescape").
_UNSHOWABLE: Final = re.compile(
    r"[\x00-\x1f\x7f-\x9f\ud800-\udfff" + INVISIBLE.pattern[1:-1] + r"\u2028\u2029]"
)
_ESCAPES: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def needs_escaping(name: str) -> bool:
    """A name (of a file, say) that would print differently from what it is."""
    return _UNSHOWABLE.search(name) is not None


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    if char in _ESCAPES:
        return _ESCAPES[char]
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(name: str) -> str:
    """`name` on one line with everything unshowable as a backslash escape (\\n, \\xe9, \\u202e).

    A backslash stays as it is: names are shown, not parsed back.
    """
    return _UNSHOWABLE.sub(_escape, name)


def closest(value: str, options: list[str]) -> str | None:
    """The option `value` was probably meant to be (umlauts and case forgiven)."""
    close = difflib.get_close_matches(without_umlauts(value), options, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(value.lower(), options, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(value: str, options: list[str]) -> str | None:
    """A "Meinten Sie …?" for a near miss; the full list (in the given order) when short."""
    if not options:
        return None
    found = closest(value, options)
    if found:
        return f"Meinten Sie `{found}`?"
    if len(options) > 12:
        return None
    return "Erlaubt sind: " + ", ".join(f"`{o}`" for o in options) + "."


def suggest(value: str, options: list[str]) -> str | None:
    """`did_you_mean` over options in alphabetical order."""
    return did_you_mean(value, sorted(options))
