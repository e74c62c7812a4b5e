"""A `DiffResult` as JSON: the documented, versioned shape of docs/diff.md."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

from ..dates import PartialDate
from ..model import plain_number
from .semantic import DiffResult, FieldChange, delta

JSON_VERSION: Final = 1


def _plain(value: Any) -> Any:
    """Model values as JSON: numbers stay numbers, dates and partial dates become strings."""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return {k: _plain(v) for k, v in value.model_dump().items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    return value


def _field_json(item: FieldChange) -> dict[str, Any]:
    record: dict[str, Any] = {"field": item.field, "old": _plain(item.old), "new": _plain(item.new)}
    if item.words:
        record["words"] = [{"op": s.op, "text": s.text, "space": s.space} for s in item.words]
    if item.added or item.removed:
        record["added"], record["removed"] = list(item.added), list(item.removed)
    if item.field.startswith("budget."):
        record["delta"] = _plain(delta(item))
    return record


def as_json(result: DiffResult) -> str:
    """The documented shape (docs/diff.md); stable keys, stable order."""
    payload = {
        "version": JSON_VERSION,
        "old": result.old,
        "new": result.new,
        "compared_measures": result.compared_measures,
        "summary": [
            {"entity": entity, "kind": kind, "title": title, "count": count}
            for (entity, kind), title, count in result.counts()
        ],
        "changes": [
            {
                "entity": c.entity,
                "kind": c.kind,
                "id": c.id,
                "title": c.title,
                "owner": c.owner,
                "related": list(c.related),
                "fields": [_field_json(f) for f in c.fields],
            }
            for c in result.changes
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
