"""A `DiffResult` as JSON: the documented, versioned shape of docs/diff.md."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any, Final

from ..dates import PartialDate
from ..model import plain_number
from .semantic import DiffResult, FieldChange, Side, delta

JSON_VERSION: Final = 2


def plain(value: Any) -> Any:
    """Model values as JSON: numbers stay numbers, dates and partial dates become strings."""
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, PartialDate):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return {k: plain(getattr(value, k)) for k in value.model_dump(exclude_none=True)}
    return value


def area_key(key: Any) -> Any:
    """A product-area key as isek.yaml writes it: `1` a number, `"01"` or `"A"` a string."""
    if isinstance(key, str) and key.isdigit() and (key == "0" or not key.startswith("0")):
        return int(key)
    return key


def _value(name: str, value: Any) -> Any:
    return area_key(value) if name == "product_area" else plain(value)


def _field_json(item: FieldChange) -> dict[str, Any]:
    record: dict[str, Any] = {
        "field": item.field,
        "old": _value(item.field, item.old),
        "new": _value(item.field, item.new),
    }
    if item.words:
        record["words"] = [{"op": s.op, "text": s.text, "space": s.space} for s in item.words]
    if item.added or item.removed:
        record["added"] = [_value(item.field, v) for v in item.added]
        record["removed"] = [_value(item.field, v) for v in item.removed]
    if item.field.startswith("budget."):
        record["delta"] = plain(delta(item))
    if item.late:
        planned, finished = item.late
        record["late"] = {"planned_end": str(planned), "finished": finished.isoformat()}
    return record


def _side(side: Side) -> dict[str, Any]:
    return {
        "source": side.source or None,
        "kind": side.kind,
        "label": side.label,
        "measures": side.measures is not None,
    }


def as_data(result: DiffResult) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "old": _side(result.old),
        "new": _side(result.new),
        "compared_measures": result.compared_measures,
        "measures_note": result.measures_note,
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


def as_json(result: DiffResult) -> str:
    """The documented shape (docs/diff.md); stable keys, stable order."""
    return json.dumps(as_data(result), ensure_ascii=False, indent=2) + "\n"
