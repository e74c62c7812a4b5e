"""`isekctl fmt`: one canonical layout for every data file, comments and data kept.

The file is read with ruamel.yaml's round-trip loader (which keeps comments),
brought into the layout of `style.py` node by node, written to text, and then
checked the way black's safe mode checks code: the new text must read back, with
isekctl's own loader, as exactly the same data (text normalised to NFC, which is
the one deliberate change). Anything else is an error and the file stays as it is.
"""

from __future__ import annotations

import codecs
import io
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..findings import E, Finding, Location, Rule
from ..model import FileKind, model_in
from ..reading.yaml import load as load_yaml
from .style import FLOW_RECORDS, scalar, yaml_reader, yaml_writer

UNSAFE = Rule("ISEK097", "fmt-unsafe", E, "fmt würde den Inhalt einer Datei verändern; sie bleibt, wie sie ist.",
              "Die Datei von Hand in Form bringen und den Fall als Fehler in isekctl melden.",
              switchable=False, stops=True)  # fmt: skip


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


def format_bytes(path: str, raw: bytes) -> Formatted:
    """Canonical text for one file, or a finding that says why it stays unchanged."""
    document, findings = load_yaml(raw, path, positions=False)
    errors = [f for f in findings if f.severity.value == "error"]
    if document is None or errors:
        return Formatted(path, raw, None, errors[0] if errors else findings[0])
    bom = raw.startswith(codecs.BOM_UTF8)
    text = raw.decode("utf-8-sig")
    crlf = text.count("\r\n") > text.count("\n") / 2
    try:
        tree = yaml_reader().load(text)
    except Exception as exc:  # round-trip mode refuses a few things the parser accepts
        return Formatted(
            path,
            raw,
            None,
            UNSAFE.at(Location(path, 1, 1), f"fmt kann die Datei nicht lesen: {exc}"),
        )
    kind = FileKind.of_path(path)
    _canonical(tree, kind.model if kind else None, column=-2, key="")
    stream = io.StringIO()
    yaml_writer().dump(tree, stream)
    output = stream.getvalue()
    reread, _ = load_yaml(output.encode("utf-8"), path, positions=False)
    if reread is None or _nfc(reread.data) != _nfc(document.data):
        return Formatted(path, raw, None, UNSAFE.at(
            Location(path, 1, 1),
            "Die Formatierung würde den Inhalt verändern; die Datei bleibt unverändert.",
            "Bitte als Fehler in isekctl melden, mit der Datei.",
        ))  # fmt: skip
    if crlf:
        output = output.replace("\n", "\r\n")
    return Formatted(path, raw, (codecs.BOM_UTF8 if bom else b"") + output.encode("utf-8"))


def format_many(items: list[tuple[str, bytes]], jobs: int = 1) -> list[Formatted]:
    """`format_bytes` for many files, spread over `jobs` processes when it pays."""
    if jobs <= 1 or len(items) < 100:
        return [format_bytes(path, raw) for path, raw in items]
    import multiprocessing

    yaml_reader()  # import ruamel.yaml once here; the forked processes inherit it
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    with context.Pool(jobs) as pool:
        return pool.starmap(format_bytes, items, chunksize=max(1, len(items) // (jobs * 8)))


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def _has_comments(node: Any) -> bool:
    items = getattr(getattr(node, "ca", None), "items", None)
    return bool(items)


def _free_to_reorder(node: Any) -> bool:
    """Only end-of-line comments: moving a key then moves nothing else with it."""
    for entry in node.ca.items.values():
        for token in entry:
            tokens = token if isinstance(token, list) else [token]
            for item in tokens:
                if item is None:
                    continue
                value = getattr(item, "value", "")
                if "\n" in value.rstrip("\n") or (value.startswith("\n") and value.strip()):
                    return False
    for value in node.values():
        last = value[-1] if isinstance(value, list) and value else None
        if last is not None and _has_comments(last):
            return False
    return True


def _field_model(model: type[BaseModel] | None, name: str) -> type[BaseModel] | None:
    if model is None or name not in model.model_fields:
        return None
    return model_in(model.model_fields[name].annotation)


def _canonical(node: Any, model: type[BaseModel] | None, *, column: int, key: str) -> Any:
    """Bring one node (and everything below it) into the canonical layout, in place."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.compat import ordereddict

    if isinstance(node, CommentedMap):
        if model is not None and _free_to_reorder(node):
            for name in [n for n in model.model_fields if n in node]:
                node.move_to_end(name)
            for name in [n for n in list(node) if n not in model.model_fields]:
                node.move_to_end(name)  # unknown keys last, so the typo stands out
        flow = model is not None and issubclass(model, FLOW_RECORDS) and not _has_comments(node)
        if flow:
            node.fa.set_flow_style()
        else:
            node.fa.set_block_style()
        for name in list(node):
            value = _canonical(
                node[name], _field_model(model, str(name)), column=column + 2, key=str(name)
            )
            ordereddict.__setitem__(node, name, value)  # CommentedMap would keep the old quoting
        return node
    if isinstance(node, CommentedSeq):
        scalars = all(not isinstance(v, dict | list) for v in node)
        if scalars and not _has_comments(node):
            node.fa.set_flow_style()
        elif not scalars:
            node.fa.set_block_style()
        for index, value in enumerate(node):
            list.__setitem__(node, index, _canonical(value, model, column=column + 2, key=key))
        return node
    if isinstance(node, str):
        return _canonical_text(node, column, key)
    return node


def _canonical_text(value: str, column: int, key: str) -> Any:
    return scalar(unicodedata.normalize("NFC", str(value)), column, key)
