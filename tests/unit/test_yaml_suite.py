"""The reader against the official YAML test suite (tests/yaml_suite/, MIT, see its README).

For every one of the 402 cases: no exception; the same result with and without
positions; every invalid case gets an error; and a valid case is either read as
`in.json` says or gets a finding that explains the difference in German.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from isekctl.findings import Severity
from isekctl.reading.yaml import load

SUITE = Path(__file__).resolve().parent.parent / "yaml_suite"
CASES = sorted(p.parent for p in SUITE.glob("**/in.yaml"))


def case_id(case: Path) -> str:
    return case.relative_to(SUITE).as_posix().replace("/", "-")


def json_documents(text: str) -> list[Any]:
    """in.json holds one JSON value per YAML document, one after the other."""
    decoder, i, found = json.JSONDecoder(), 0, []
    text = text.strip()
    while i < len(text):
        value, i = decoder.raw_decode(text, i)
        found.append(value)
        while i < len(text) and text[i].isspace():
            i += 1
    return found


def same(ours: Any, expected: Any) -> bool:
    """isekctl keeps scalars as the text written; JSON has typed values."""
    if isinstance(expected, dict):
        return (
            isinstance(ours, dict)
            and set(ours) == set(expected)
            and all(same(ours[k], v) for k, v in expected.items())
        )
    if isinstance(expected, list):
        return (
            isinstance(ours, list)
            and len(ours) == len(expected)
            and all(same(a, b) for a, b in zip(ours, expected, strict=True))
        )
    if expected is None:
        return ours is None
    if isinstance(expected, bool):
        return isinstance(ours, str) and ours.lower() == str(expected).lower()
    if isinstance(expected, int | float):
        try:
            return isinstance(ours, str) and float(ours) == float(expected)
        except ValueError:
            return False
    return bool(ours == expected)


def test_the_whole_suite_is_there() -> None:
    assert len(CASES) == 402
    assert (SUITE / "License").read_text(encoding="utf-8").startswith("MIT License")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_suite_case(case: Path) -> None:
    raw = (case / "in.yaml").read_bytes()
    path = "data/measures/case.yaml"
    fast, fast_found = load(raw, path, positions=False)
    full, full_found = load(raw, path, positions=True)
    assert fast_found == full_found
    assert (fast is None) == (full is None)
    if fast is not None and full is not None:
        assert fast.data == full.data
    for finding in fast_found:
        assert "Meldung von libyaml" not in finding.message, "an untranslated libyaml error"
        assert finding.location.line >= 1
    errors = [f for f in fast_found if f.severity is Severity.ERROR]
    if (case / "error").exists():
        assert errors, "invalid YAML accepted without an error"
        return
    if not (case / "in.json").exists():  # valid, but JSON can't hold it (complex keys …)
        return
    expected = json_documents((case / "in.json").read_text(encoding="utf-8"))
    if fast is not None and len(expected) == 1 and same(fast.data, expected[0]):
        return
    assert fast_found, f"read differently from in.json without a word: {fast and fast.data!r}"
