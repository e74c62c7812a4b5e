"""Reading YAML safely and fast, with the line and column of every value.

libyaml (ruamel's C extension) composes each file's node tree in C, and one Python
walk turns it into plain dicts, lists and strings (`_build_composed`): faster than any
constructor, and nothing is expanded. Whatever that walk does not vouch for goes to
libyaml's event stream instead (`_build`, `_build_fast`), which refuses what has no
place in these files (anchors, aliases, tags, directives, second documents, complex
keys, duplicate keys, excessive depth or size) with the exact finding and position:
the tests read every input both ways and compare. Texts that could nest deeply never
reach the composer, which recurses in C without a limit. Every scalar stays the text
that was written; `model.py` decides what it means. The round-trip loader, which keeps
comments, is only used by the commands that write files back (see `writing/`).
"""

from __future__ import annotations

import bisect
import gc
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from ..checks.text import WHITESPACE, escaped_findings, raw_text_findings
from ..findings import E, Finding, Location, Rule, W
from ..project import PathKey, Position, Tables, locate
from .limits import MAX_BYTES as MAX_BYTES  # re-exported: the writers check them too
from .limits import MAX_DEPTH as MAX_DEPTH
from .limits import MAX_NODES as MAX_NODES

SYNTAX = Rule(
    "ISEK001",
    "yaml-syntax",
    E,
    "Die Datei ist kein gültiges YAML.",
    "Text mit `:` `#` `&` `*` `@` `[` in gerade Anführungszeichen setzen; Einrückung prüfen.",
    switchable=False,
)
ENCODING = Rule(
    "ISEK002",
    "encoding",
    E,
    "Die Datei ist nicht in UTF-8 gespeichert.",
    "Im Editor als UTF-8 speichern.",
    switchable=False,
)
BAD_INDENT = Rule(
    "ISEK003",
    "bad-indent",
    E,
    "Einrückung mit Tabulatoren oder geschützten Leerzeichen.",
    "Mit Leerzeichen einrücken.",
    switchable=False,
)
EMPTY = Rule(
    "ISEK004",
    "empty-file",
    E,
    "Die Datei ist leer.",
    "Inhalt eintragen oder Datei löschen.",
    switchable=False,
)
FEATURE = Rule(
    "ISEK005",
    "yaml-feature",
    E,
    "Anker, Aliase, Tags, Direktiven oder mehrere Dokumente.",
    "Text, der mit `&` `*` `!` `%` beginnt, in Anführungszeichen; ein Dokument je Datei.",
    switchable=False,
)
DUPLICATE_KEY = Rule(
    "ISEK006",
    "duplicate-key",
    E,
    "Ein Feld steht zweimal in derselben Zuordnung.",
    "Einen der doppelten Einträge löschen.",
    switchable=False,
)
LIMITS = Rule("ISEK007", "limits", E, "Datei zu groß oder zu tief verschachtelt.",
              "Datei aufteilen (höchstens 512 KiB, 30 Ebenen, 100 000 Einträge).", switchable=False)  # fmt: skip

COMMENT_IN_VALUE = Rule(
    "ISEK063",
    "comment-in-value",
    W,
    "` #` nach einem Wert ohne Anführungszeichen beginnt einen Kommentar; der Wert endet davor.",
    "Gehört der Rest zum Text, den Wert in Anführungszeichen setzen; einen Kommentar mit "
    "zwei Leerzeichen absetzen (`wert  # Kommentar`).",
)

_NULLS: Final = frozenset(("", "~", "null", "Null", "NULL"))
_BAD_INDENT: Final = re.compile(r"^ *([\t\u00a0])", re.MULTILINE)


@dataclass(slots=True)
class Document:
    """A parsed file: plain data plus 1-based positions of values and of mapping keys."""

    data: Any
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)
    untidy: bool = True  # False: no string value can have a hygiene problem (see checks.check_text)

    def position(self, path: PathKey, *, key: bool = False) -> Position:
        return locate(self.values, self.keys, path, key=key)


class _Retry(Exception):
    """Internal: the fast path met something unusual; parse again with full bookkeeping."""


class _Stop(Exception):
    """Internal: ends parsing of one file with a finding."""

    def __init__(self, item: Finding) -> None:
        self.item = item


def _line_col(text: str, offset: int) -> Position:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def too_large(path: str) -> Finding:
    """The finding for a file over `MAX_BYTES` (which is then not parsed at all)."""
    return LIMITS.at(
        Location(path, 1, 1),
        f"Die Datei ist größer als {MAX_BYTES // 1024} KiB, die Grenze für eine Datendatei; "
        "sie wird nicht gelesen.",
        "Große Texte gehören nicht in eine Datendatei; die Datei aufteilen "
        "(z. B. eine Maßnahme je Datei) oder lange Texte kürzen.",
    )


def decode(raw: bytes, path: str) -> tuple[str | None, list[Finding]]:
    """Bytes to text: strict UTF-8 (a leading BOM is allowed), nothing else."""
    if len(raw) > MAX_BYTES:
        return None, [too_large(path)]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [
            ENCODING.at(
                Location(path, 1, 1),
                "Die Datei ist in UTF-16 gespeichert.",
                "Im Editor die Kodierung „UTF-8“ wählen und neu speichern.",
            )
        ]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        byte = raw[exc.start]
        guess = bytes([byte]).decode("cp1252", "replace")
        return None, [
            ENCODING.at(
                Location(path, line, col),
                f"Die Datei ist nicht in UTF-8 gespeichert (Byte 0x{byte:02X}, in Windows-1252 `{guess}`).",
                "Die Datei wurde vermutlich als Windows-1252/Latin-1 gespeichert; "
                "im Editor die Kodierung „UTF-8“ wählen und neu speichern.",
            )
        ]
    return text, []


def _scan_text(text: str, path: str) -> list[Finding]:
    """Problems visible in the raw text: bad indentation, control and invisible characters."""
    found = raw_text_findings(text, path)
    if "\t" in text or "\u00a0" in text:
        match = _BAD_INDENT.search(text)
        if match:
            what = "Tabulator" if match[1] == "\t" else "geschütztes Leerzeichen (U+00A0)"
            found.insert(0, BAD_INDENT.at(
                Location(path, *_line_col(text, match.start(1))),
                f"Einrückung mit {what}.",
                "YAML rückt nur mit normalen Leerzeichen ein.",
            ))  # fmt: skip
    return found


def preload() -> None:
    """Import the YAML parser now (before forking worker processes)."""
    import contextlib

    from ruamel.yaml import events  # noqa: F401

    with contextlib.suppress(ImportError):  # without the C parser, the pure one is used
        import _ruamel_yaml_clibz  # noqa: F401
    if _COMPOSING is None:
        _setup()


def _event_reader(text: str) -> tuple[Callable[[], Any], Callable[[], None]]:
    """(next event or None, release): libyaml's parser, or the pure Python one as fallback."""
    try:
        from _ruamel_yaml_clibz import CParser  # libyaml, via the ruamel.yaml[libyaml] extra
    except ImportError:  # pragma: no cover - platforms without the wheel: pure Python, slower
        from ruamel.yaml import YAML

        stream = iter(YAML(typ="safe", pure=True).parse(text))
        return (lambda: next(stream, None)), (lambda: None)
    parser = CParser(text)
    return parser.get_event, parser.dispose


def _events(text: str) -> Iterator[Any]:
    next_event, release = _event_reader(text)
    try:
        while (event := next_event()) is not None:
            yield event
    finally:
        release()


# libyaml's problem text -> German message and fix
_SYNTAX: Final = (
    ("mapping values are not allowed",
     "Doppelpunkt an unerwarteter Stelle",
     "Ein Text enthält `: ` oder die Einrückung stimmt nicht. Text mit Doppelpunkt, #, &, *, @ "
     'oder [ in gerade Anführungszeichen setzen: title: "Ziel: Klimaneutralität".'),
    ("could not find expected ':'",
     "Doppelpunkt fehlt",
     "Jede Zeile ist `feld: wert` oder ein Listeneintrag `- wert`."),
    ("did not find expected key",
     "Einrückung oder Zeilenanfang unerwartet",
     "Die Einrückung prüfen; beginnt ein Text mit [ oder {, ihn in Anführungszeichen setzen."),
    ("block sequence entries are not allowed",
     "Listeneintrag `- ` an unerwarteter Stelle",
     "Beginnt ein Text mit `- `, ihn in Anführungszeichen setzen; sonst die Liste eine Zeile tiefer beginnen."),
    ("cannot start any token",
     "Zeichen, mit dem kein Wert beginnen darf",
     "Beginnt ein Text mit @, ` oder %, ihn in Anführungszeichen setzen."),
    ("found unexpected end of stream",
     "Datei endet mitten in einem Wert",
     "Ein Anführungszeichen oder eine Klammer wird nicht geschlossen."),
    ("did not find expected ',' or ']'",
     "Liste in [ … ] nicht geschlossen",
     "Die Klammer schließen; enthält ein Eintrag ein Komma, ihn in Anführungszeichen setzen."),
    ("did not find expected ',' or '}'",
     "Zuordnung in { … } nicht geschlossen",
     "Die Klammer schließen; enthält ein Wert ein Komma, ihn in Anführungszeichen setzen."),
    ("incompatible YAML document",
     "Unbekannte YAML-Version",
     "Die Zeile %YAML … am Anfang löschen."),
    ("found unknown escape character",
     "Unbekannte Escape-Sequenz in \"…\"",
     "Einen Rückstrich \\ in doppelten Anführungszeichen verdoppeln oder einfache Anführungszeichen verwenden."),
    ("did not find expected comment or line break",
     "Unerwarteter Text nach einem Wert",
     "Nach einem Wert in Anführungszeichen folgt nur noch ein Kommentar (# …) oder das Zeilenende."),
    ("did not find expected <document start>",
     "Unerwarteter Inhalt nach dem Dokument",
     "Die Einrückung der letzten Zeilen prüfen."),
    ("found unexpected ':'",
     "Doppelpunkt an unerwarteter Stelle",
     'Texte mit Doppelpunkt in Anführungszeichen setzen: title: "Ziel: Klimaneutralität".'),
    ("did not find expected node content",
     "Hier fehlt ein Wert, oder er beginnt mit einem Zeichen, mit dem kein Text beginnen darf",
     "Beginnt ein Text mit `:`, `?`, `-`, `,` oder einer Klammer, ihn in Anführungszeichen setzen."),
    ("found unknown directive name",
     "Unbekannte YAML-Direktive (Zeile beginnt mit %)",
     "Eine Zeile, die mit % beginnt, ist eine YAML-Direktive; Text mit % in Anführungszeichen setzen."),
    ("did not find expected alphabetic or numeric character",
     "`&` oder `*` am Anfang eines Textes ohne gültigen Namen danach",
     "Beginnt ein Text mit & oder *, ihn in Anführungszeichen setzen."),
    ("found unexpected document indicator",
     "`---` oder `...` mitten in einem Wert",
     "Eine Zeile, die mit --- oder ... beginnt, trennt YAML-Dokumente; den Text einrücken oder in Anführungszeichen setzen."),
    ("did not find expected '-' indicator",
     "Listeneintrag `- ` erwartet",
     "Alle Einträge einer Liste gleich weit einrücken, jeder beginnt mit `- `."),
    ("did not find expected whitespace or line break",
     "Nach einem Zeichen fehlt ein Leerzeichen oder Zeilenumbruch",
     "Die Zeile prüfen; nach `|` oder `>` folgt nur noch ein Kommentar (# …) oder das Zeilenende."),
    ("found duplicate %YAML directive",
     "Die Zeile %YAML steht zweimal",
     "Die Zeilen mit % am Dateianfang löschen."),
    ("found an indentation indicator equal to 0",
     "Einrückungsangabe 0 nach `|` oder `>`",
     "Die Ziffer nach `|` oder `>` löschen."),
    ("found a tab character",
     "Tabulator an einer Stelle, an der YAML Leerzeichen verlangt",
     "Mit Leerzeichen einrücken und trennen."),
    ("found undefined tag handle",
     "Unbekanntes YAML-Tag (Text beginnt mit !)",
     "Beginnt ein Text mit !, ihn in Anführungszeichen setzen."),
    ("mapping keys are not allowed",
     "`?` an unerwarteter Stelle",
     "Beginnt ein Text mit `? `, ihn in Anführungszeichen setzen."),
    ("control characters are not allowed",
     "Steuerzeichen in der Datei",
     "Das Zeichen löschen; es stammt meist aus kopiertem Text."),
)  # fmt: skip

# In `{ … }` and `[ … ]`, libyaml refuses text that YAML allows and people do write.
_FLOW_HINT: Final = (
    "In `{ … }` und `[ … ]` liest libyaml `:`, `?` und `#` in Texten anders als die "
    "YAML-Spezifikation: solche Texte dort in Anführungszeichen setzen, oder die Liste in "
    "Blockform schreiben (je Eintrag eine Zeile `- wert`, je Feld eine Zeile `feld: wert`)."
)
_URL: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def _syntax_finding(exc: Exception, text: str, path: str) -> Finding:
    """libyaml's error in German, at the place the user has to change.

    An unclosed quote or bracket is noticed where the file or the next field begins;
    it is reported where it was opened (libyaml's context mark).
    """
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or exc).strip()
    context = str(getattr(exc, "context", None) or "")
    known = next(((msg, hint) for key, msg, hint in _SYNTAX if key in problem), None)
    message, hint = known if known else (f"„{problem}“ (Meldung von libyaml)", None)
    mark = problem_mark or context_mark
    lines = text.splitlines()
    specific = False  # message and hint say exactly what happened; no general hint added
    if context_mark is not None and problem_mark is not None:
        opened = 0 < context_mark.line + 1 <= len(lines) and lines[context_mark.line]
        char = opened[context_mark.column : context_mark.column + 1] if opened else ""
        if (
            "quoted scalar" in context
            and char in ("'", '"')
            and ("end of stream" in problem or "document" in problem)
        ):
            mark, specific = context_mark, True
            message = f"Das Anführungszeichen {char} wird nicht geschlossen"
            inner = 'als \\" schreiben' if char == '"' else "verdoppeln ('')"
            hint = (
                f"Das schließende {char} am Ende des Textes ergänzen; steht im Text selbst ein "
                f"{char}, es {inner} oder den Text in die andere Art Anführungszeichen setzen."
            )
        elif "flow" in context and problem_mark.line > context_mark.line and char in "[{":
            closing = "]" if char == "[" else "}"
            start = _line_starts(text)[context_mark.line] + context_mark.column
            specific = True
            if not _closes(text, start):
                mark = context_mark
                message = (
                    f"`{char}` wird nicht mit `{closing}` geschlossen "
                    f"(bemerkt in Zeile {problem_mark.line + 1})"
                )
                hint = (
                    f"Die Klammer `{closing}` ergänzen; enthält ein Eintrag ein Komma oder einen "
                    "Doppelpunkt, ihn in Anführungszeichen setzen."
                )
            else:  # closed, but written over lines in a way libyaml does not read
                message = (
                    f"libyaml kann dieses `{char} … {closing}` über mehrere Zeilen nicht lesen"
                )
                hint = (
                    "Jeden Eintrag mit seinem Doppelpunkt und Wert in eine Zeile schreiben "
                    f"(`{char} foo: bar {closing}`) oder in Blockform (je Feld eine Zeile "
                    "`feld: wert`); andere YAML-Programme lesen die Stelle, libyaml nicht."
                )
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    in_flow = "flow" in context or any(b in source[: max(col, 1)] for b in "[{")
    if specific:
        pass
    elif in_flow and (url := _URL.search(source)):
        written = re.match(r"[^\s,\]}]*", source[url.start() :])
        address = written[0] if written else "https://example.org"
        message = "Adresse (URL) ohne Anführungszeichen in `{ … }` oder `[ … ]`"
        hint = (
            f'In `{{ }}` muss eine Adresse in Anführungszeichen stehen: "{address}" – libyaml '
            f"liest den Doppelpunkt in `{url[0]}` sonst als Trennzeichen, andere YAML-Programme "
            "lesen es als Text."
        )
    elif in_flow and "?" in source[:col]:
        message = "Fragezeichen in einem Text in `[ … ]` oder `{ … }`"
        hint = (
            "libyaml liest `?` dort als Zeichen für einen Schlüssel, andere YAML-Programme als "
            'Text: den Text in Anführungszeichen setzen, z. B. ["Warum?"].'
        )
    elif in_flow and known is not None:
        hint = f"{hint} {_FLOW_HINT}" if hint else _FLOW_HINT
    elif "expected ':'" in problem and (bare := _colon_missing(lines, line - 1)) is not None:
        line, key, rest = bare
        col = len(lines[line - 1]) - len(lines[line - 1].lstrip(" -")) + len(key) + 1
        message = f"Nach `{key}` fehlt der Doppelpunkt"
        hint = f"`{key}: {rest}` schreiben."
    elif (glued := _glued_key(lines, line - 1)) is not None:
        line, key, rest = glued
        col = len(lines[line - 1]) - len(lines[line - 1].lstrip(" -")) + len(key) + 2
        message = "Nach dem Doppelpunkt fehlt ein Leerzeichen"
        hint = f"`{key}: {rest}` statt `{key}:{rest}` schreiben."
    else:
        opened = _open_quote_before(lines, line - 1)
        if opened:
            hint = (
                f'Wird das Anführungszeichen " in Zeile {opened} geschlossen? Sonst liest YAML '
                f'alles bis zum nächsten " als einen Text. {hint or ""}'
            ).strip()
    if any(q in source for q in "„“”‚‘’"):
        hint = (
            "Typografische Anführungszeichen („…“) zählen in YAML nicht als Anführungszeichen; "
            'gerade Anführungszeichen "…" verwenden.'
        )
    return SYNTAX.at(Location(path, line, col), f"YAML-Syntaxfehler: {message}.", hint)


_GLUED: Final = re.compile(r"\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*):([^\s:/#][^#]*?)\s*$")


def _glued_key(lines: list[str], at: int) -> tuple[int, str, str] | None:
    """(line, key, value) of `feld:wert` without the blank, on the line libyaml stumbled
    on or the one before: YAML reads it as one text, and the next field then fails."""
    for index in (at, at - 1):
        if 0 <= index < len(lines) and (found := _GLUED.fullmatch(lines[index])):
            return index + 1, found[1], found[2]
    return None


_BARE: Final = re.compile(r"\s*(?:-\s+)?([a-z_][a-z0-9_]{1,30})\s+([^\s:#].*?)\s*$")


def _colon_missing(lines: list[str], at: int) -> tuple[int, str, str] | None:
    """(line, key, value) of `feld wert` where libyaml missed the colon: on the line it
    stumbled on or the one before, the first word a field name of the data format."""
    from pydantic import BaseModel

    from .. import model  # only on a syntax error: the formats' field names

    names = {
        name
        for item in vars(model).values()
        if isinstance(item, type) and issubclass(item, BaseModel)
        for name in item.model_fields
    }
    for index in (at, at - 1):
        found = _BARE.fullmatch(lines[index]) if 0 <= index < len(lines) else None
        if found and found[1] in names:
            return index + 1, found[1], found[2]
    return None


_BREAK: Final = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what libyaml counts as a line break


def _line_starts(text: str) -> list[int]:
    """The offset at which each line begins, as libyaml numbers lines."""
    return [0, *(match.end() for match in _BREAK.finditer(text))]


def _closes(text: str, start: int) -> bool:
    """Whether the bracket at `start` is closed later (quotes and comments skipped, roughly)."""
    depth, i, size = 0, start, len(text)
    while i < size:
        char = text[i]
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return True
        elif char in "\"'":
            end = text.find(char, i + 1)
            while end != -1 and char == '"' and text[end - 1] == "\\":
                end = text.find(char, end + 1)
            if end == -1:
                return False
            i = end
        elif char == "#" and text[i - 1] in " \t\n":
            i = text.find("\n", i)
            if i == -1:
                return False
        i += 1
    return False


_DOUBLE_QUOTE: Final = re.compile(r'(?<!\\)"')


def _open_quote_before(lines: list[str], index: int) -> int:
    """The 1-based number of a line shortly before `index` with an unpaired `"`, or 0."""
    for number in range(index - 1, max(index - 30, 0) - 1, -1):
        line = lines[number]
        if '"' in line and len(_DOUBLE_QUOTE.findall(line.split(" #")[0])) % 2:
            return number + 1
    return 0


def parse(text: str, path: str, *, positions: bool = True) -> tuple[Document | None, list[Finding]]:
    """Parse one file's text; a `None` document comes with at least one error finding.

    Without `positions` the document has no position tables (faster); they can be
    had later by parsing again with positions, which is only needed for findings.
    """
    found = _scan_text(text, path)
    if any(item.severity is E for item in found):
        return None, found
    try:
        try:
            document = _build_composed(text, positions)
        except Exception:  # _Retry, or a surprise: the event loops, as before
            if positions:
                document = _build(text, path)
            else:
                try:
                    document = _build_fast(text)
                except _Retry:  # anything unusual gets the full bookkeeping and its precise finding
                    document = _build(text, path)
    except _Stop as stop:
        return None, [*found, stop.item]
    except RecursionError:
        return None, [
            *found,
            LIMITS.at(Location(path, 1, 1), "Die Datei ist zu tief verschachtelt."),
        ]
    except Exception as exc:  # ruamel raises ValueError, AssertionError … on odd input
        return None, [*found, _syntax_finding(exc, text, path)]
    if document is None:
        return None, [
            *found,
            EMPTY.at(
                Location(path, 1, 1),
                "Die Datei ist leer.",
                "Die Datei löschen oder den Inhalt eintragen.",
            ),
        ]
    if _suspicious(text):  # rare: a second look where libyaml is more lenient than YAML
        strict = _lenient_findings(text, path)
        found.extend(strict)
        if any(item.severity is E for item in strict):
            return None, found
    if text.endswith(" ") and text.rstrip(" ").endswith("\n"):
        found.append(_trailing_blank_line(text, path))
    if "\\" in text:  # escapes exist only in double quotes, and need a backslash
        found.extend(escaped_findings(text, document.data, path))
    return document, found


def _forbidden(event: Any, path: str, what: str, hint: str) -> _Stop:
    mark = event.start_mark
    return _Stop(FEATURE.at(Location(path, mark.line + 1, mark.column + 1), what, hint))


def _build(text: str, path: str) -> Document | None:
    from ruamel.yaml import events as ev

    values: dict[PathKey, Position] = {}
    keys: dict[PathKey, Position] = {}
    # one frame per open collection: [container, path, pending key (mappings)]
    stack: list[list[Any]] = []
    root: Any = None
    documents = nodes = 0
    for event in _events(text):
        kind = type(event)
        if kind is ev.ScalarEvent or kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
            nodes += 1
            if nodes > MAX_NODES:
                raise _Stop(LIMITS.at(Location(path, 1, 1), "Die Datei hat zu viele Einträge."))
            if event.anchor is not None:
                raise _forbidden(
                    event,
                    path,
                    f"`&{event.anchor}` ist ein YAML-Anker.",
                    "Beginnt ein Text mit &, ihn in Anführungszeichen setzen.",
                )
            if event.tag is not None and event.tag != "!":
                raise _forbidden(
                    event,
                    path,
                    f"YAML-Tag `{str(event.tag).replace('tag:yaml.org,2002:', '!!')}` ist nicht erlaubt.",
                    "Beginnt ein Text mit !, ihn in Anführungszeichen setzen.",
                )
            position = (event.start_mark.line + 1, event.start_mark.column + 1)
            if kind is ev.ScalarEvent:
                value: Any = event.value
                if event.style in ("", None) and value in _NULLS:
                    value = None
            else:
                value = {} if kind is ev.MappingStartEvent else []
            if not stack:
                root, node_path = value, ()
            else:
                frame = stack[-1]
                container = frame[0]
                if type(container) is dict:
                    if frame[2] is None:  # this node is a key
                        if kind is not ev.ScalarEvent:
                            raise _forbidden(
                                event,
                                path,
                                "Ein Feldname muss ein einfacher Text sein.",
                                "Feldnamen stehen links vom Doppelpunkt: `title: …`.",
                            )
                        name = "" if value is None else value
                        if name == "<<" and event.style in ("", None):
                            raise _forbidden(
                                event,
                                path,
                                "`<<` (Merge-Key) ist nicht erlaubt.",
                                "Die Felder ausschreiben.",
                            )
                        key_path = (*frame[1], name)
                        if name in container:
                            first = keys[key_path]
                            raise _Stop(
                                DUPLICATE_KEY.at(
                                    Location(path, *position),
                                    f"Das Feld `{name}` steht zweimal (zuerst in Zeile {first[0]}).",
                                    "Einen der beiden Einträge löschen; sonst gilt unbemerkt nur einer.",
                                )
                            )
                        keys[key_path] = position
                        frame[2] = name
                        continue
                    name = frame[2]
                    frame[2] = None
                    node_path = (*frame[1], name)
                    container[name] = value
                else:
                    node_path = (*frame[1], len(container))
                    container.append(value)
            values[node_path] = position
            if kind is not ev.ScalarEvent:
                stack.append([value, node_path, None])
                if len(stack) > MAX_DEPTH:
                    raise _Stop(
                        LIMITS.at(
                            Location(path, *position),
                            f"Die Datei ist tiefer als {MAX_DEPTH} Ebenen verschachtelt.",
                        )
                    )
        elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
            stack.pop()
        elif kind is ev.AliasEvent:
            raise _forbidden(
                event,
                path,
                f"`*{event.anchor}` ist ein YAML-Alias.",
                "Beginnt ein Text mit *, ihn in Anführungszeichen setzen.",
            )
        elif kind is ev.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _forbidden(
                    event,
                    path,
                    "Die Datei enthält mehr als ein YAML-Dokument (`---`).",
                    "Pro Datei nur ein Dokument; die Zeile `---` entfernen.",
                )
            if event.version is not None or event.tags:
                raise _forbidden(
                    event,
                    path,
                    "YAML-Direktiven (`%YAML`, `%TAG`) sind nicht erlaubt.",
                    "Die Zeile mit % am Dateianfang löschen.",
                )
    if documents == 0 or root is None:
        return None
    return Document(root, values, keys)


_NO_KEY: Final = object()
_QUOTES: Final = ("'", '"')


def _quotes_that_matter(text: str) -> tuple[str, ...]:
    """The quoting styles whose values may hold what the text hygiene checks look for.

    A quoted value differs from what is written only through escapes (`\\t`, `\\e`,
    `\\u00a0` …), which need a backslash; control characters written as they are end
    the file earlier (raw text), and blanks and tabs are seen in the value itself.
    """
    return _QUOTES if "\\" in text else ()


def _is_nfc(text: str) -> bool:
    return text.isascii() or unicodedata.is_normalized("NFC", text)


def _build_fast(text: str) -> Document | None:
    """`_build` without positions, for the common case of a clean file; `_Retry` otherwise."""
    from ruamel.yaml import events as ev

    next_event, release = _event_reader(text)
    try:
        return _fast_loop(next_event, ev, text)
    finally:
        release()


def _fast_loop(next_event: Callable[[], Any], ev: Any, text: str) -> Document | None:
    """The event loop of `_build_fast`: a plain call per event, no generator in between."""
    scalar, mapping, sequence = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    stack: list[list[Any]] = []  # [container, pending key]
    root: Any = None
    documents = nodes = 0
    untidy = False
    quotes = _quotes_that_matter(text)
    while (event := next_event()) is not None:
        kind = type(event)
        if kind is scalar or kind is mapping or kind is sequence:
            nodes += 1
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                raise _Retry
            if kind is scalar:
                value: Any = event.value
                style = event.style
                if style in ("", None) and value in _NULLS:
                    value = None
                elif not untidy:
                    # the same blank test as checks._text_problems; escapes exist only in quotes
                    body = value.rstrip("\n")
                    untidy = style in quotes or body != body.strip() or "  " in body or "\t" in body
            else:
                value = {} if kind is mapping else []
            if stack:
                frame = stack[-1]
                container = frame[0]
                if type(container) is dict:
                    if frame[1] is _NO_KEY:
                        name = "" if value is None else value
                        if kind is not scalar or name in container or name == "<<":
                            raise _Retry
                        frame[1] = name
                        continue
                    container[frame[1]] = value
                    frame[1] = _NO_KEY
                else:
                    container.append(value)
            else:
                root = value
            if kind is not scalar:
                stack.append([value, _NO_KEY])
                if len(stack) > MAX_DEPTH or nodes > MAX_NODES:
                    raise _Retry
        elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
            stack.pop()
        elif kind is ev.AliasEvent:
            raise _Retry
        elif kind is ev.DocumentStartEvent:
            documents += 1
            if documents > 1 or event.version is not None or event.tags:
                raise _Retry
    if nodes > MAX_NODES:  # the item limit for flat lists too (checked once, not per scalar)
        raise _Retry
    if documents == 0 or root is None:
        return None
    return Document(root, untidy=untidy or not _is_nfc(text))


# --- where libyaml reads more leniently than YAML 1.2 ----------------------------------------
#
# libyaml accepts some files that the YAML specification (and other YAML tools) refuse or
# read differently, and it ends a plain value at ` #` without a word. A cheap test finds
# files that might hold such a place; only those (few) are parsed a second time, with
# positions, to decide.

_LONE_DASH: Final = re.compile(r"[\[{,][ \t]*-[ \t]*[,\]}]")
_BLOCK_BLANK: Final = re.compile(r"[|>][-+0-9]*[ \t]*(?:#[^\r\n]*)?\r?\n(?: *\r?\n)*? +\r?\n")


def _odd_on_a_line(text: str, quote: str) -> bool:
    """Whether a line holds an odd number of `quote` (one opened and not closed there)."""
    if quote not in text:
        return False
    return any(line.count(quote) & 1 for line in text.split("\n") if quote in line)


def _suspicious(text: str) -> bool:
    """Whether a file may hold a place libyaml reads more leniently than YAML (cheap).

    Single-character membership tests and `find` loops; a regex only for files that
    have the character it is about. Most files answer in a few microseconds.
    """
    hash_at = text.find("#", 1)
    while hash_at != -1:  # "…"#, ]#, ,#, |#: glued to a value; `value #`: cuts a plain value
        before = text[hash_at - 1]
        if before in "\"']},|>+-0123456789" or (
            before == " " and hash_at > 1 and text[hash_at - 2] not in " \t\n"
        ):
            return True
        hash_at = text.find("#", hash_at + 1)
    for opener, closer in (("[", "]"), ("{", "}")):
        at = text.find(opener)
        while at != -1:  # a [ … ] or { … } that goes on in the next line, or holds `?x` / `-`
            line_end = text.find("\n", at)
            line_end = len(text) if line_end == -1 else line_end
            close = text.find(closer, at, line_end)
            if close == -1 or (
                text.find("-", at, close) != -1
                and _LONE_DASH.search(text, at, close + 1) is not None
            ):
                return True
            at = text.find(opener, close)
    if "?" in text and _FLOW_INDICATOR.search(text):
        return True
    if _odd_on_a_line(text, '"') or _odd_on_a_line(text, "'"):
        return True  # a text in quotes that goes on in the next line
    return (" \n" in text or " \r" in text) and _BLOCK_BLANK.search(text) is not None


_GLUED_HASH: Final = re.compile(r"""(?<=["'\]},])\#|[|>][-+0-9]*\#""")
_FLOW_INDICATOR: Final = re.compile(r"[\[{,][ \t]*([?-])(?=[^ \t\n])")
_CUT: Final = re.compile(r"(?<=[^ \t\n]) \#")


@dataclass(slots=True)
class _Layout:
    """Where the scalars and collections of a file are (offsets into the text)."""

    starts: list[int]  # offset of each line
    spans: list[tuple[int, int]] = field(default_factory=list)  # scalar text (sorted)
    plain_ends: dict[int, str] = field(default_factory=dict)  # end offset -> plain value
    dashes: set[int] = field(default_factory=set)  # plain scalars that are a lone `-`
    blocks: set[int] = field(default_factory=set)  # offsets of block scalar indicators
    # (first line, last line, indentation the lines must exceed, what) of multi-line nodes
    continued: list[tuple[int, int, int, str]] = field(default_factory=list)
    block_scalars: list[tuple[int, int]] = field(default_factory=list)  # (header line, n)

    def offset(self, line: int, column: int) -> int:
        return self.starts[line] + column if line < len(self.starts) else self.starts[-1]

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def in_scalar(self, offset: int) -> bool:
        i = bisect.bisect_right(self.spans, (offset, 1 << 62)) - 1
        return i >= 0 and self.spans[i][0] <= offset < self.spans[i][1]


def _layout(text: str) -> _Layout:
    from ruamel.yaml import events as ev

    starts = _line_starts(text)
    layout = _Layout(starts)
    frames: list[tuple[bool, int]] = []  # (flow, column) of the open collections
    flow_start: tuple[int, int] | None = None  # (line, n) of the outermost open flow node
    for event in _events(text):
        kind = type(event)
        block = [column for flow, column in frames if not flow]
        indent = block[-1] if block else -1
        in_flow = bool(frames) and frames[-1][0]
        if kind is ev.ScalarEvent:
            start, end = event.start_mark, event.end_mark
            first, last = (
                layout.offset(start.line, start.column),
                layout.offset(end.line, end.column),
            )
            if event.style in ("|", ">"):
                layout.blocks.add(first)
                layout.block_scalars.append((start.line, indent))
                first = layout.offset(start.line + 1, 0) if start.line + 1 < len(starts) else last
            elif event.style in ("", None):
                layout.plain_ends[last] = event.value
                if event.value == "-":
                    layout.dashes.add(first)
            elif not in_flow and end.line > start.line and indent >= 0:
                layout.continued.append((start.line, end.line, indent, "quoted"))
            layout.spans.append((first, last))
        elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
            if event.flow_style and not in_flow and indent >= 0:
                flow_start = (event.start_mark.line, indent)
            frames.append((bool(event.flow_style), event.start_mark.column))
        elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
            flow, _ = frames.pop()
            if flow and flow_start is not None and not (frames and frames[-1][0]):
                if event.start_mark.line > flow_start[0]:
                    layout.continued.append(
                        (flow_start[0], event.start_mark.line, flow_start[1], "flow")
                    )
                flow_start = None
    layout.spans.sort()
    return layout


def _in_comment(text: str, layout: _Layout, offset: int) -> bool:
    """Whether `offset` lies in a comment: after a `#` that starts one on the same line."""
    line_start = text.rfind("\n", 0, offset) + 1
    hash_at = text.find("#", line_start, offset)
    while hash_at != -1:
        if (hash_at == line_start or text[hash_at - 1] in " \t") and not layout.in_scalar(hash_at):
            return True
        hash_at = text.find("#", hash_at + 1, offset)
    return False


def _lenient_findings(text: str, path: str) -> list[Finding]:
    try:
        layout = _layout(text)
    except Exception:  # pragma: no cover - the file was just parsed without error
        return []
    found: list[Finding] = []
    lines = _BREAK.split(text)  # one entry per line of layout.starts, without the line break

    def at(offset: int) -> Location:
        return Location(path, *layout.position(offset))

    for match in _GLUED_HASH.finditer(text):
        hash_at = match.end() - 1
        glued_to_block = match[0][0] in "|>" and match.start() in layout.blocks
        if glued_to_block or (
            match[0] == "#"
            and not layout.in_scalar(hash_at)
            and not _in_comment(text, layout, hash_at)
        ):
            found.append(SYNTAX.at(
                at(hash_at),
                "YAML-Syntaxfehler: Vor dem `#` des Kommentars fehlt ein Leerzeichen.",
                "YAML erkennt einen Kommentar nur nach einem Leerzeichen; libyaml nimmt es hin, andere "
                "YAML-Programme lehnen die Datei ab. Ein Leerzeichen vor `#` einfügen – oder, "
                "gehört `#` zum Text, es mit in die Anführungszeichen nehmen.",
            ))  # fmt: skip
    for match in _FLOW_INDICATOR.finditer(text):
        offset = match.start(1)
        if match[1] == "-" and offset in layout.dashes:
            found.append(SYNTAX.at(
                at(offset),
                "YAML-Syntaxfehler: Ein einzelnes `-` ist in `[ … ]` oder `{ … }` kein Wert.",
                'Den Strich in Anführungszeichen setzen: ["-"]; libyaml liest ihn als Text, andere '
                "YAML-Programme lehnen die Datei ab.",
            ))  # fmt: skip
        elif (
            match[1] == "?"
            and not layout.in_scalar(offset)
            and not _in_comment(text, layout, offset)
        ):
            word = re.match(r"\?[^\s,:\]}]*", text[offset:])
            shown = word[0] if word else "?"
            found.append(SYNTAX.at(
                at(offset),
                f"YAML-Syntaxfehler: `{shown}` in `{{ … }}` oder `[ … ]` liest libyaml als Schlüssel "
                f"`{shown[1:]}`, die YAML-Spezifikation und andere Programme als Text `{shown}`.",
                f'Den Text in Anführungszeichen setzen: "{shown}"; ein Schlüssel steht ohne `?` davor.',
            ))  # fmt: skip
    for first, last, indent, what in layout.continued:
        for number in range(first + 1, last + 1):
            line = lines[number]
            blanks = len(line) - len(line.lstrip(" "))
            if line.strip() and blanks <= indent:
                thing = (
                    "eines Textes in Anführungszeichen"
                    if what == "quoted"
                    else "von `[ … ]` oder `{ … }`"
                )
                found.append(SYNTAX.at(
                    Location(path, number + 1, blanks + 1),
                    f"YAML-Syntaxfehler: Die Fortsetzungszeile {thing} ist nicht weiter eingerückt "
                    f"als das Feld in Zeile {first + 1}.",
                    "Die Zeile weiter einrücken als den Feldnamen, zu dem der Wert gehört (libyaml "
                    "nimmt es hin, andere YAML-Programme lehnen die Datei ab) – oder den Wert in "
                    "eine Zeile schreiben.",
                ))  # fmt: skip
                break
    for header, indent in layout.block_scalars:
        found.extend(_block_blank_lines(lines, header, indent, path))
    for match in _CUT.finditer(text):
        value = layout.plain_ends.get(match.start())
        if value is None:
            continue
        line, col = layout.position(match.end() - 1)
        rest = lines[line - 1][col - 1 :].rstrip()
        rest = rest if len(rest) <= 40 else rest[:39] + "…"
        shown = value if len(value) <= 40 else value[:39] + "…"
        found.append(COMMENT_IN_VALUE.at(
            Location(path, line, col),
            f"`{rest}` ist ein Kommentar: YAML liest ` #` als dessen Beginn, "
            + (f"der Wert ist nur „{shown}“." if value else "der Wert bleibt leer."),
            f'Gehört `{rest}` zum Text, den ganzen Wert in Anführungszeichen setzen: '
            f'"{(value + " " + rest).strip()}". Ist es ein Kommentar, ihn mit zwei Leerzeichen absetzen.',
        ))  # fmt: skip
    return found


def _block_blank_lines(lines: list[str], header: int, indent: int, path: str) -> list[Finding]:
    """Leading blank lines of a block scalar with more blanks than its first text line."""
    if re.search(r"[|>][-+]?[1-9]", lines[header]):  # explicit indentation: nothing detected
        return []
    widest = 0
    for number in range(header + 1, len(lines)):
        line = lines[number]
        if line.strip(" "):
            blanks = len(line) - len(line.lstrip(" "))
            if indent < blanks < widest:
                return [SYNTAX.at(
                    Location(path, header + 1, 1),
                    "YAML-Syntaxfehler: Eine Leerzeile am Anfang des Blocktexts enthält mehr "
                    "Leerzeichen, als die erste Textzeile eingerückt ist.",
                    "Die Leerzeichen in den leeren Zeilen nach `|` oder `>` löschen (libyaml nimmt es "
                    "hin, andere YAML-Programme lehnen die Datei ab).",
                )]  # fmt: skip
            return []
        widest = max(widest, len(line))
    return []


def _trailing_blank_line(text: str, path: str) -> Finding:
    """A file that ends in a line of blanks without a line break (libyaml reads it differently)."""
    line = text.count("\n") + 1
    return WHITESPACE.at(
        Location(path, line, 1),
        "Die Datei endet mit einer Zeile nur aus Leerzeichen. Steht davor ein Blocktext (`|`, "
        "`>`), liest libyaml ihn anders als andere YAML-Programme (ohne den letzten Zeilenumbruch).",
        "Die Leerzeichen in der letzten Zeile löschen.",
    )


# The composed nodes are ruamel's own ScalarNode / SequenceNode / MappingNode; `resolve`
# gives every implicitly tagged node the one `_IMPLICIT` tag, so `node.ctag is not
# _IMPLICIT` means a tag was written.
# Set by `_setup` on first use (importing ruamel here would slow `isekctl --help`).
_IMPLICIT: Any = None
ScalarNode: Any = None
SequenceNode: Any = None
MappingNode: Any = None
_Composer: Any = None
_COMPOSING: bool | None = None  # None: not set up yet

# characters after which libyaml may start an anchor `&` or alias `*` token (blanks,
# breaks, a BOM at a line start, flow indicators, `:` and `?` in flow context)
_BEFORE_PROPERTY: Final = frozenset(" \t\n\r\x85\u2028\u2029\ufeff[{,:?")
# a `%` at the start of a line (libyaml's line breaks): a directive, or at least unusual
_DIRECTIVE: Final = re.compile(r"(?:^|[\n\r\x85\u2028\u2029])%")
_SAFE_INDENT: Final = 200  # columns of indentation and compact indicators: < 400 levels
_SAFE_FLOW: Final = 600  # flow openers: < 600 levels
# a line whose indentation and compact indicators (`- `, `? `, `: `) reach _SAFE_INDENT columns
_DEEP_LINE: Final = re.compile(rf"\n[ \t?:-]{{{_SAFE_INDENT}}}")


def _setup() -> bool:
    """Import the C parser and define the composer (once); whether the fast path is usable."""
    global _IMPLICIT, ScalarNode, SequenceNode, MappingNode, _Composer, _COMPOSING
    try:  # libyaml via the ruamel.yaml[libyaml] extra
        import _ruamel_yaml_clibz as clib
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
        from ruamel.yaml.tag import Tag
    except ImportError:  # pragma: no cover - without the C extension: the event loops only
        _COMPOSING = False
        return False
    _IMPLICIT = Tag(suffix="tag:isekctl,implicit")

    class _Composer(clib.CParser):  # type: ignore[misc]
        """libyaml's C composer with the lightest resolver there is.

        The C parser calls these hooks for every node, as it does in ruamel's C loaders
        (where a Resolver mixin provides them). `descend_resolver`/`ascend_resolver` are
        C callables (classes do not bind as methods), so they cost no Python frame.
        """

        descend_resolver = slice  # called as (parent, index)
        ascend_resolver = tuple  # called as ()

        def resolve(self, *_: Any) -> Any:  # (kind, value, implicit)
            return _IMPLICIT

    _COMPOSING = True
    _COMPOSING = _self_test()
    return _COMPOSING


def _self_test() -> bool:
    """Whether the extension composes as this module expects (checked once, at import)."""
    try:
        root = _compose("a: [b, {c: d}]\ne: !t f\n")
        (a, seq), (_, tagged) = root.value
        return (
            root.__class__ is MappingNode
            and root.ctag is _IMPLICIT
            and a.__class__ is ScalarNode
            and (a.value, a.style, a.ctag) == ("a", "", _IMPLICIT)
            and (a.start_mark.line, a.start_mark.column, a.end_mark.index) == (0, 0, 1)
            and seq.__class__ is SequenceNode
            and seq.value[1].__class__ is MappingNode
            and tagged.ctag is not _IMPLICIT
            and tagged.start_mark.column == 3
        )
    except Exception:
        return False


def _bounded(text: str) -> bool:
    """Whether nesting is surely < ~1,000 levels and nodes <= MAX_NODES, by a cheap look.

    The C composer recurses once per level (a few hundred bytes of C stack each, no
    limit: 4,000 levels crash a thread with 1 MiB of stack, Windows' main thread has
    that much) and keeps the whole tree. Texts not bounded here go to the event loops.
    Nesting depth is at most the flow openers plus 2 x (the widest run of indentation
    and compact `- `/`? `/`: ` at a line start + 1): every block level starts further
    right than its parent, except an indentless sequence, which shares its parent's
    column. Every node but the first is introduced by one of `: , - ? [ {` (a key by
    its `:` or, in `{ }`, by `,`, `}` or the brace), at most two nodes each.
    """
    size = len(text)
    if size <= 1000:
        return True  # depth < size, nodes <= 2 x size
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return False  # old Mac line breaks: lines the checks below do not see
    if "\u2028" in text or "\u2029" in text or "\x85" in text or "\ufeff" in text:
        return False  # other line breaks; a BOM at a line start, which libyaml skips
    flows = text.count("[") + text.count("{")
    if flows > _SAFE_FLOW:
        return False
    if size > MAX_NODES // 2:  # (below, at most two nodes per character: within the limit)
        indicators = flows + text.count(":") + text.count(",") + text.count("-")
        if 2 * (indicators + text.count("?")) + 1 > MAX_NODES:
            return False  # maybe over the item limit: the event loop counts without a tree
    if text[:_SAFE_INDENT].lstrip(" \t?:-") == "":
        return False  # the first line is that deep
    return _DEEP_LINE.search(text) is None


def _property_offsets(text: str) -> list[int]:
    """Offsets of every `&` and `*` that could be an anchor or alias token."""
    offsets = []
    before = _BEFORE_PROPERTY
    for char in "&*":
        at = text.find(char)
        while at >= 0:
            if at == 0 or text[at - 1] in before:
                offsets.append(at)
            at = text.find(char, at + 1)
    return offsets


def _compose(text: str) -> Any:
    """The root node (None for an empty stream); `_Retry` on anything but a clean single document."""
    if not (_COMPOSING or (_COMPOSING is None and _setup())) or not _bounded(text):
        raise _Retry
    try:
        return _Composer(text).get_single_node()
    except Exception:  # syntax error, second document, undefined alias ...: exact path
        raise _Retry from None


def _pair_start(pair: tuple[Any, Any]) -> int:
    return int(pair[0].start_mark.index)


def _node_start(node: Any) -> int:
    return int(node.start_mark.index)


def _explained(text: str, root: Any, offsets: list[int]) -> bool:
    """Whether every offset lies strictly inside the source of a scalar (so starts no token).

    Descends from the root by bisection on the start offsets of the items (O(depth x
    log n) per offset). Sound even where aliases make those offsets unsorted: True
    comes only from a scalar whose source span really holds the offset.
    """
    for offset in offsets:
        node = root
        while True:
            kind = node.__class__
            if kind is ScalarNode:
                start = node.start_mark.index
                if not start < offset < node.end_mark.index or text.startswith(
                    ("&", "*", "!"), start
                ):
                    return False  # (a node's span includes its own `&anchor`/`!tag`)
                break
            items = node.value
            if kind is MappingNode:
                at = bisect.bisect_right(items, offset, key=_pair_start) - 1
                if at < 0:
                    return False
                key, value = items[at]
                node = key if offset < value.start_mark.index else value
            else:
                at = bisect.bisect_right(items, offset, key=_node_start) - 1
                if at < 0:
                    return False
                node = items[at]
    return True


def _data(root: Any, text: str) -> tuple[Any, bool]:
    """(plain data, untidy) of a composed tree; `_Retry` where yamlio's fast loop retries.

    The scalar test (null, untidy) is written out where list items, keys and values meet
    it rather than called: it runs for every scalar of every file on the parse-floor path.
    """
    untidy = False
    nodes = 1
    quotes, nulls, implicit = _quotes_that_matter(text), _NULLS, _IMPLICIT
    scalar, sequence = ScalarNode, SequenceNode

    def collection(node: Any, depth: int) -> Any:
        nonlocal untidy, nodes
        if node.ctag is not implicit or depth > MAX_DEPTH:
            raise _Retry
        items = node.value
        if node.__class__ is sequence:
            nodes += len(items)
            result: Any = []
            append = result.append
            for item in items:
                if item.__class__ is scalar:
                    if item.ctag is not implicit:
                        raise _Retry
                    value = item.value
                    style = item.style
                    if not style and value in nulls:
                        value = None
                    elif not untidy:
                        body = value.rstrip("\n")
                        untidy = (
                            style in quotes or body != body.strip() or "  " in body or "\t" in body
                        )
                    append(value)
                else:
                    append(collection(item, depth + 1))
            return result
        nodes += 2 * len(items)
        result = {}
        for key, item in items:
            if key.__class__ is not scalar or key.ctag is not implicit:
                raise _Retry  # a complex or tagged key
            name = key.value
            style = key.style
            if not style and name in nulls:
                name = ""
            elif name == "<<":
                raise _Retry
            elif not untidy:
                body = name.rstrip("\n")
                untidy = style in quotes or body != body.strip() or "  " in body or "\t" in body
            if item.__class__ is scalar:
                if item.ctag is not implicit:
                    raise _Retry
                value = item.value
                style = item.style
                if not style and value in nulls:
                    value = None
                elif not untidy:
                    body = value.rstrip("\n")
                    untidy = style in quotes or body != body.strip() or "  " in body or "\t" in body
                result[name] = value
            else:
                result[name] = collection(item, depth + 1)
        if len(result) != len(items):  # a duplicate key
            raise _Retry
        return result

    if root.__class__ is scalar:
        if root.ctag is not implicit:
            raise _Retry
        value = root.value
        style = root.style
        if not style and value in nulls:
            return None, False
        body = value.rstrip("\n")
        return value, style in quotes or body != body.strip() or "  " in body or "\t" in body
    data = collection(root, 1)
    if nodes > MAX_NODES:
        raise _Retry
    return data, untidy


def _tables(root: Any) -> tuple[dict[PathKey, Position], dict[PathKey, Position]]:
    """Positions (1-based) of every value and every mapping key of a tree `_data` accepted."""
    values: dict[PathKey, Position] = {}
    keys: dict[PathKey, Position] = {}
    nulls = _NULLS
    scalar = ScalarNode
    stack: list[tuple[PathKey, Any]] = [((), root)]
    pop, push = stack.pop, stack.append
    while stack:
        path, node = pop()
        mark = node.start_mark
        values[path] = (mark.line + 1, mark.column + 1)
        kind = node.__class__
        if kind is MappingNode:
            for key, item in node.value:
                name = key.value
                if not key.style and name in nulls:
                    name = ""
                item_path = (*path, name)
                mark = key.start_mark
                keys[item_path] = (mark.line + 1, mark.column + 1)
                if item.__class__ is scalar:
                    mark = item.start_mark
                    values[item_path] = (mark.line + 1, mark.column + 1)
                else:
                    push((item_path, item))
        elif kind is SequenceNode:
            for index, item in enumerate(node.value):
                if item.__class__ is scalar:
                    mark = item.start_mark
                    values[(*path, index)] = (mark.line + 1, mark.column + 1)
                else:
                    push(((*path, index), item))
    return values, keys


def _build_composed(text: str, positions: bool) -> Document | None:
    """The fast path; `_Retry` for anything the exact event path should look at."""
    if ("%" in text and _DIRECTIVE.search(text)) or text.startswith("\ufeff"):
        raise _Retry  # a directive, or a BOM that libyaml skips without counting (marks shift)
    enabled = gc.isenabled()
    gc.disable()  # the tree is alive until the end: collections would only rescan it
    try:
        root = _compose(text)
        if root is None:
            return None
        offsets = _property_offsets(text) if "&" in text or "*" in text else []
        if offsets and not _explained(text, root, offsets):
            raise _Retry
        data, untidy = _data(root, text)
        if data is None:
            return None
        if positions:
            values, keys = _tables(root)
            return Document(data, values, keys)  # untidy=True, as yamlio's `_build`
        return Document(data, untidy=untidy or not _is_nfc(text))
    finally:
        if enabled:
            gc.enable()


def load(raw: bytes, path: str, *, positions: bool = True) -> tuple[Document | None, list[Finding]]:
    """Bytes of one file to a document, or findings that say why not."""
    text, found = decode(raw, path)
    if text is None:
        return None, found
    return parse(text, path, positions=positions)


def position_tables(raw: bytes, path: str) -> Tables:
    """The position tables of a file read before without them (see `project.Positions`)."""
    document, _ = load(raw, path)
    return (document.values, document.keys) if document is not None else ({}, {})
