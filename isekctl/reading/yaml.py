"""Reading YAML safely and fast, with the line and column of every value.

Reading goes through libyaml's event stream (ruamel's C parser) and builds plain
dicts, lists and strings itself. That is faster than any constructor, keeps every
position, and lets us refuse what has no place in these files (anchors, aliases,
tags, directives, second documents, complex keys, duplicate keys, excessive
depth) before anything is expanded. Every scalar stays the text that was written;
`model.py` decides what it means. The round-trip loader, which keeps comments, is
only used by the commands that write files back (see `writing/`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from ..checks.text import raw_text_findings
from ..findings import E, Finding, Location, Rule
from ..project import PathKey, Position, Tables, locate

MAX_BYTES: Final = 512 * 1024  # a measure file has ~2 KB, a large revision ~200 KB
MAX_DEPTH: Final = 30
MAX_NODES: Final = 100_000

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
)  # fmt: skip


def _syntax_finding(exc: Exception, text: str, path: str) -> Finding:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = str(getattr(exc, "problem", None) or exc).strip()
    known = next(((msg, hint) for key, msg, hint in _SYNTAX if key in problem), None)
    message, hint = known if known else (problem, None)
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if any(q in source for q in "„“”‚‘’"):
        hint = (
            "Typografische Anführungszeichen („…“) zählen in YAML nicht als Anführungszeichen; "
            'gerade Anführungszeichen "…" verwenden.'
        )
    return SYNTAX.at(Location(path, line, col), f"YAML-Syntaxfehler: {message}.", hint)


def parse(text: str, path: str, *, positions: bool = True) -> tuple[Document | None, list[Finding]]:
    """Parse one file's text; a `None` document comes with at least one error finding.

    Without `positions` the document has no position tables (faster); they can be
    had later by parsing again with positions, which is only needed for findings.
    """
    found = _scan_text(text, path)
    if any(item.severity is E for item in found):
        return None, found
    try:
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
                    f"YAML-Tag `{event.tag}` ist nicht erlaubt.",
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
                    untidy = (
                        style in _QUOTES or body != body.strip() or "  " in body or "\t" in body
                    )
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
