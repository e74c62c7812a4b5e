"""Text rules shared by every layer: which characters are dangerous, how to show them,
and which known word a misspelt one probably meant."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

# C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone surrogates
# (which only double-quoted escapes can produce, and which no file can store).
CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Characters that make texts and references look alike that differ, or hide text:
# every format character (Unicode category Cf, as of Unicode 15.1: soft hyphen,
# zero-width space, joiner and non-joiner – never needed in German –, bidi controls
# of "Trojan Source", the Arabic letter mark, word joiners, a BOM inside text, the
# Mongolian vowel separator, tag characters U+E0000–E007F …), the Hangul fillers and
# the braille blank (letters that show as nothing), the combining grapheme joiner,
# variation selectors other than the emoji ones, and the line and paragraph separators
# U+2028/U+2029 (no line break for YAML, but for many viewers).
_INVISIBLE_CLASS: Final = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160"
    "\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u206f\u2800\u3164\ufe00-\ufe0d"
    "\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000e0100-\U000e01ef"
)
# The emoji variation selectors (U+FE0E text style, U+FE0F emoji style) belong after a
# symbol or emoji ("❤️", "✔️", keycaps "1️⃣"); only elsewhere are they hidden characters.
_EMOJI_BASE: Final = "#*0-9\u00a9\u00ae\u2000-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
INVISIBLE: Final = re.compile(f"[{_INVISIBLE_CLASS}]|(?<![{_EMOJI_BASE}])[\ufe0e\ufe0f]")
# One character class that finds every candidate (the emoji selectors anywhere): a fast
# first look over a whole file; INVISIBLE then decides.
MAYBE_INVISIBLE: Final = f"{_INVISIBLE_CLASS}\ufe0e\ufe0f"

# An address a reader may follow: http(s) only (no `javascript:`, `data:`, `file:`), and
# nothing an IRI or a Markdown/HTML link cannot hold as it is (blanks, quotes, brackets).
_WEB_ADDRESS: Final = re.compile(r"(?i)https?://[^\s<>\"'{}|\\^`\x00-\x1f\x7f]+")


def web_address(url: str) -> bool:
    """`url` is an absolute http(s) address without characters that break a link."""
    return bool(_WEB_ADDRESS.fullmatch(url))


# Names Windows keeps for devices, with any extension (`AUX`, `con.yaml`, `COM1`): no
# file of that name can be checked out there.
_WINDOWS_DEVICES: Final = re.compile(r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?")


def reserved_file_name(name: str) -> bool:
    """A name no file can have on Windows (a device name) or that hides itself (`.x`)."""
    return bool(_WINDOWS_DEVICES.fullmatch(name)) or name.startswith(".")


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


_LINE_BREAKS: Final = {"\n": "\\n", "\t": "\\t", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_BREAK: Final = re.compile("[" + "".join(_LINE_BREAKS) + "]")
_COLONS: Final = re.compile(r":(?=:)")


def one_line(text: str) -> str:
    """`visible`, line breaks and tabs as `\\n`/`\\t`, and `::` as `: :`.

    A text from the data stays on its line, so it cannot start a line of its own, such
    as a CI workflow command (`::warning …`); and where the terminal output wraps a long
    line, no wrapped part can start with `::` either (GitHub ignores leading blanks).
    """
    return _COLONS.sub(": ", _BREAK.sub(lambda m: _LINE_BREAKS[m[0]], visible(text)))


# What a name must not contain to be shown as it is: every control character (line
# breaks and tabs too), the invisible ones, and lone surrogates, which is how Python
# keeps bytes of a file name that are not UTF-8 (os.fsdecode, "surrogateescape").
_UNSHOWABLE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff" + _INVISIBLE_CLASS + "\ufe0e\ufe0f]"
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
    if code > 0xFFFF:
        return f"\\U{code:08x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escaped(name: str) -> str:
    """`name` on one line with everything unshowable as a backslash escape (\\n, \\xe9, \\u202e).

    A backslash stays as it is: names are shown, not parsed back.
    """
    return _UNSHOWABLE.sub(_escape, name)


# --- which known word a misspelt one meant ----------------------------------------------
#
# A suggestion is only worth making when it is likely right: a clerk who follows
# "Meinten Sie `FD 53`?" for `FD 63` files the measure under the wrong department. So,
# in this order: the same word in other case, umlauts (ä = ae) or separators
# (`PB1-Digitalisierung`, `verzögert`, `fd32`); an option whose *name* was written
# instead of its id (`Ordnung und Sicherheit` for `FD 32`); a spelling mistake that is
# small against the length of the word, names the same numbers and fits one option
# only. Otherwise no guess: the hint lists the allowed values with their names.

_SEPARATORS: Final = re.compile(r"[\s_.\-–]+")
_NUMBERS: Final = re.compile(r"\d+")


def fold(text: str) -> str:
    """Case and umlauts forgiven, blanks collapsed: 'Bürger  Portal' -> 'buerger portal'."""
    return " ".join(without_umlauts(text).casefold().split())


def _key(text: str) -> str:
    """A word as compared for suggestions: folded, without blanks, dashes, dots, underscores."""
    return _SEPARATORS.sub("", without_umlauts(text).casefold())


def alike(a: str, b: str) -> bool:
    """The same word in other case, umlauts or separators, with the same numbers:
    `PB1-Digitalisierung` and `PB1-DIGITALISIERUNG`, `fd32` and `FD 32`."""
    return _key(a) == _key(b) and _NUMBERS.findall(a) == _NUMBERS.findall(b)


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap of neighbours) that turn `a` into `b`."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _tolerance(length: int) -> int:
    """Spelling mistakes forgiven in a word of this length: none in short ids like `FD 53`."""
    return 0 if length < 4 else 1 if length < 9 else 2


def _only(found: list[str]) -> str | None:
    return found[0] if len(set(found)) == 1 else None


def closest(
    value: str, options: Iterable[str], names: Mapping[str, str] | None = None
) -> str | None:
    """The option `value` was very likely meant to be, or None when that is not clear.

    `names` (option -> what people call it) lets a name stand for its id.
    """
    options = list(dict.fromkeys(options))
    if not options or not value.strip():
        return None
    if found := _only([o for o in options if alike(value, o)]):
        return found
    if names and (
        found := _only([o for o in options if names.get(o) and fold(names[o]) == fold(value)])
    ):
        return found
    key, numbers = _key(value), _NUMBERS.findall(value)
    best: list[str] = []
    best_distance = 0
    for option in options:
        other = _key(option)
        if _NUMBERS.findall(option) != numbers:
            continue  # another number is another thing: FD 63 is not FD 53
        distance = _distance(key, other)
        if distance > _tolerance(min(len(key), len(other))):
            continue
        if not best or distance < best_distance:
            best, best_distance = [option], distance
        elif distance == best_distance:
            best.append(option)
    return _only(best)


def _shown(option: str, names: Mapping[str, str] | None) -> str:
    name = (names or {}).get(option, "")
    return f"`{option}` ({name})" if name and fold(name) != fold(option) else f"`{option}`"


def did_you_mean(
    value: str,
    options: Iterable[str] | Mapping[str, str],
    *,
    advice: str | None = None,
    limit: int = 12,
) -> str | None:
    """A hint for an unknown `value`: "Meinten Sie …?" when that is very likely right, else
    the allowed values (in the given order, with their names when `options` maps ids to
    names; only up to `limit` of them), followed by `advice` (how to add one, where to
    look them up).
    """
    names = options if isinstance(options, Mapping) else None
    listed = list(options)
    found = closest(value, listed, names)
    if found is not None:
        return f"Meinten Sie {_shown(found, names)}?"
    parts = []
    if listed and len(listed) <= limit:
        parts.append("Erlaubt sind: " + ", ".join(_shown(o, names) for o in listed) + ".")
    if advice:
        parts.append(advice)
    return " ".join(parts) or None


def suggest(
    value: str,
    options: Iterable[str] | Mapping[str, str],
    *,
    advice: str | None = None,
    limit: int = 12,
) -> str | None:
    """`did_you_mean` over the options in alphabetical order."""
    if isinstance(options, Mapping):
        ordered: Iterable[str] | Mapping[str, str] = {o: options[o] for o in sorted(options)}
    else:
        ordered = sorted(options)
    return did_you_mean(value, ordered, advice=advice, limit=limit)
