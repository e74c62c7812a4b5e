"""`isekctl fmt`: one canonical layout for every data file, comments and data kept.

A file is read twice: by isekctl's own loader (which refuses what has no place in a
data file, with the usual findings) and into the comment-keeping tree of `tree.py`.
The tree is brought into the layout of `style.py` and written by our own emitter.
Before anything is written, the new text is checked the way black's safe mode checks
code: read back, it must hold exactly the same data for isekctl (text normalised to
NFC, the one deliberate change), the same data for any other YAML tool (a value
without quotes stays without quotes, so `2021` stays a number there), and exactly
the same comments. Anything else is refused, and the file stays as it is, byte for
byte. Line endings (LF or CRLF) and a byte order mark are kept.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..findings import E, Finding, Location, Rule
from ..kinds import FileKind
from ..model import model_of
from .known import Known
from .style import canonical, emit, needs_quotes, nfc
from .tree import (
    MAPPING,
    PLAIN,
    SCALAR,
    SEQUENCE,
    TAGGED,
    Node,
    TooLarge,
    Unsafe,
    comments,
    read,
)

UNSAFE = Rule("ISEK097", "fmt-unsafe", E,
              "fmt kann eine Datei nicht sicher formatieren (Inhalt oder Kommentar ginge verloren); "
              "sie bleibt, wie sie ist.",
              "Die genannte Stelle von Hand in Form bringen, z. B. den Kommentar in eine eigene Zeile "
              "über das Feld setzen.", switchable=False, stops=True)  # fmt: skip


_PARALLEL_FROM = 200  # files; fewer are formatted faster than a second process starts


@dataclass(frozen=True, slots=True)
class Formatted:
    """The outcome for one file: its canonical bytes, or why it stays as it is."""

    path: str
    original: bytes
    output: bytes | None
    problem: Finding | None = None

    @property
    def changed(self) -> bool:
        return self.output is not None and self.output != self.original


@dataclass(frozen=True, slots=True)
class Layout:
    """How a file stores its lines: a byte order mark, CRLF line ends."""

    bom: bool
    crlf: bool

    @classmethod
    def of(cls, raw: bytes) -> Layout:
        return cls(raw.startswith(codecs.BOM_UTF8), raw.count(b"\r\n") * 2 > raw.count(b"\n"))

    def encode(self, text: str) -> bytes:
        data = text.replace("\n", "\r\n") if self.crlf else text
        return (codecs.BOM_UTF8 if self.bom else b"") + data.encode("utf-8")


def text_of(raw: bytes) -> str:
    """The file's text with line feeds only and without a byte order mark."""
    return raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def format_bytes(path: str, raw: bytes) -> Formatted:
    """Canonical text for one file, or a finding that says why it stays unchanged."""
    from ..reading.yaml import LIMITS, MAX_NODES
    from ..reading.yaml import load as load_yaml

    document, findings = load_yaml(raw, path, positions=False)
    errors = [f for f in findings if f.severity is E]
    if document is None or errors:
        return Formatted(path, raw, None, errors[0] if errors else findings[0])
    kind = FileKind.of_path(path)
    text = text_of(raw)
    try:
        tree, found = read(text)
        if tree is None:
            return Formatted(path, raw, None, _refused(path, 1, "Die Datei hat keinen Inhalt."))
        canonical(tree, model_of(kind) if kind else None)
        output = Layout.of(raw).encode(emit(tree))
    except Unsafe as exc:
        return Formatted(path, raw, None, _refused(path, exc.line, exc.message))
    except TooLarge:
        return Formatted(path, raw, None, LIMITS.at(
            Location(path, 1, 1),
            f"Die Datei hat mehr als {MAX_NODES:,} Einträge; fmt formatiert sie nicht.".replace(",", "."),
            "Datei aufteilen.",
        ))  # fmt: skip
    except Exception as exc:
        return Formatted(
            path,
            raw,
            None,
            _refused(path, 1, f"fmt kann die Datei nicht lesen ({type(exc).__name__})."),
        )
    if output == raw:
        return Formatted(path, raw, output)
    # canonical() reorders entries and moves comments but never changes a value, so the
    # data of the tree is the input's; the comments are compared with those of the text
    problem = verify(
        path, output, (typed(tree), sorted(found)), sorted(comments(tree)), document.data
    )
    return Formatted(path, raw, None, problem) if problem else Formatted(path, raw, output)


def verify(
    path: str, output: bytes, before: tuple[Any, list[str]], kept: list[str], data: Any
) -> Finding | None:
    """None when `output` holds the data and comments of `before`, else why not.

    `kept` are the comments the tree held when it was written (the same as before),
    `data` what isekctl's loader read from the original.
    """
    from ..reading.yaml import load as load_yaml

    reread, findings = load_yaml(output, path, positions=False)
    if reread is None or any(f.severity is E for f in findings):
        return _refused(path, 1, "Die formatierte Fassung ließe sich nicht mehr lesen.")
    if _nfc(reread.data) != _nfc(data):
        return _refused(path, 1, "Die Formatierung würde den Inhalt verändern.")
    try:
        tree, found = read(text_of(output))
    except Exception:
        tree, found = None, []
    if tree is None or typed(tree) != before[0]:
        return _refused(path, 1, "Die Formatierung würde den Inhalt verändern.")
    if sorted(found) != before[1] or kept != before[1]:
        missing = (Counter(before[1]) - Counter(found)) or (Counter(before[1]) - Counter(kept))
        lost = next(iter(missing), "")
        return _refused(
            path, 1, f"Die Formatierung würde einen Kommentar verlieren oder verändern: {lost[:60]}"
        )
    return None


def _refused(path: str, line: int, reason: str) -> Finding:
    return UNSAFE.at(
        Location(path, max(line, 1), 1),
        f"{reason} Die Datei bleibt unverändert.",
        "Die Stelle von Hand in Form bringen, z. B. den Kommentar in eine eigene Zeile über das "
        "Feld setzen; hilft das nicht, bitte als Fehler in isekctl melden, mit der Datei.",
    )


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def typed(node: Node) -> Any:
    """The data as every reader sees it: text NFC, and values without quotes marked as such
    when some YAML tool would read them as a number, date, boolean or null."""
    if node.kind == SCALAR:
        value = node.value
        if node.style == TAGGED:
            return ("!", value and nfc(value))
        if value is None:
            return None
        text = nfc(value)
        return ("plain", text) if node.style == PLAIN and needs_quotes(text) else text
    if node.kind == MAPPING:
        return {typed(k): typed(v) for k, v in node.value}
    if node.kind == SEQUENCE:
        return [typed(v) for v in node.value]
    return None  # pragma: no cover


def format_many(items: list[tuple[str, bytes]], jobs: int = 1) -> list[Formatted]:
    """`format_bytes` for many files, spread over `jobs` processes when it pays."""
    if jobs <= 1 or len(items) < _PARALLEL_FROM:
        return [format_bytes(path, raw) for path, raw in items]
    import multiprocessing

    from ..reading.yaml import preload

    preload()
    import ruamel.yaml.events  # noqa: F401 - imported once here, inherited by forked workers

    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    with context.Pool(jobs - 1) as pool:
        # the main process formats its own share instead of waiting for the workers
        share = len(items) // jobs
        pending = pool.starmap_async(
            format_bytes, items[share:], chunksize=max(1, (len(items) - share) // (jobs * 4))
        )
        mine = [format_bytes(path, raw) for path, raw in items[:share]]
        return mine + pending.get()


def select(root: Path, entries: list[str], paths: list[Path]) -> tuple[list[str], list[Finding]]:
    """The data files named by `paths` (files or folders) and a finding for each path that
    names something fmt must not touch (outside the repository, not a data file, a link)."""
    from .atomic import WRITE_REFUSED, is_data_path

    real_root = os.path.realpath(root)
    chosen: dict[str, None] = {}
    refused: list[Finding] = []
    for path in paths:
        absolute = os.path.abspath(path)
        shown = str(path)
        if not os.path.lexists(absolute):
            refused.append(WRITE_REFUSED.at(Location(shown), f"{shown} gibt es nicht."))
            continue
        if os.path.islink(absolute):
            refused.append(WRITE_REFUSED.at(
                Location(shown), f"{shown} ist ein symbolischer Link; fmt folgt ihm nicht.",
            ))  # fmt: skip
            continue
        real = os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
        relative = os.path.relpath(real, real_root).replace(os.sep, "/")
        if relative == ".." or relative.startswith("../") or os.path.isabs(relative):
            refused.append(WRITE_REFUSED.at(
                Location(shown),
                f"{shown} liegt außerhalb des Datenrepositorys {root}; fmt lässt es unverändert.",
                "Im Datenrepository aufrufen oder mit --repo darauf zeigen.",
            ))  # fmt: skip
            continue
        if os.path.isdir(real):
            prefix = "" if relative == "." else relative + "/"
            chosen.update((entry, None) for entry in entries if entry.startswith(prefix))
        elif relative in entries and is_data_path(relative):
            chosen[relative] = None
        else:
            refused.append(WRITE_REFUSED.at(
                Location(shown),
                f"{shown} ist keine Datendatei; fmt formatiert nur isek.yaml und "
                "die YAML-Dateien in data/goals, data/measures und data/revisions; alles andere "
                "bleibt unverändert.",
            ))  # fmt: skip
    return list(chosen), refused


def format_files(
    items: list[tuple[str, bytes]], jobs: int | None = None, known: Known | None = None
) -> list[Formatted]:
    """`format_many` that skips contents known to be canonical and remembers new ones.

    `jobs` None: as many processes as `validate` would use, when there is enough to do.
    """
    if known is None:
        return format_many(items, _jobs(jobs, len(items)))
    results: list[Formatted | None] = []
    digests: list[bytes] = []
    todo: list[tuple[str, bytes]] = []
    for path, raw in items:
        digest = known.digest(_kind_key(path), raw)
        digests.append(digest)
        if known.is_canonical(digest):
            results.append(Formatted(path, raw, raw))
        else:
            results.append(None)
            todo.append((path, raw))
    done = iter(format_many(todo, _jobs(jobs, len(todo))))
    final = [result or next(done) for result in results]
    for result, digest in zip(final, digests, strict=True):
        if result.output is not None and not result.changed:
            known.remember(digest)
    known.save()
    return final


def _jobs(jobs: int | None, count: int) -> int:
    if jobs is not None or count < _PARALLEL_FROM:
        return jobs or 1
    from ..reading.pipeline import default_jobs

    return default_jobs()


def _kind_key(path: str) -> str:
    kind = FileKind.of_path(path)
    return kind.key if kind else "other"
