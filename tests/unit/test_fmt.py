from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from isekctl.reading.yaml import load
from isekctl.writing.fmt import format_bytes

from ..conftest import ROOT, TESTS, Golden

CASES = sorted(p for p in (TESTS / "fmt_cases").glob("*.yaml") if ".expected" not in p.name)
PATHS = {"measure": "data/measures/M-1.yaml", "goals": "data/goals/z.yaml"}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_hostile_layouts_golden(case: Path, golden: Golden) -> None:
    name, kind, _ = case.name.split(".")
    raw = case.read_bytes()
    result = format_bytes(PATHS[kind], raw)
    assert result.problem is None and result.output is not None
    golden(case.with_name(f"{name}.{kind}.expected.yaml"), result.output.decode("utf-8"))
    assert format_bytes(PATHS[kind], result.output).output == result.output, "idempotent"
    before, _ = load(raw, "x", positions=False)
    after, _ = load(result.output, "x", positions=False)
    assert before is not None and after is not None
    if name != "nfd":
        assert after.data == before.data, "the data never changes"


def test_comments_line_endings_and_bom_survive() -> None:
    crlf = format_bytes(
        PATHS["measure"], (TESTS / "fmt_cases" / "crlf.measure.yaml").read_bytes()
    ).output
    assert crlf is not None and crlf.count(b"\r\n") == crlf.count(b"\n")
    bom = format_bytes(
        PATHS["measure"], (TESTS / "fmt_cases" / "bom.measure.yaml").read_bytes()
    ).output
    assert bom is not None and bom.startswith(b"\xef\xbb\xbf")
    comments = format_bytes(
        PATHS["measure"], (TESTS / "fmt_cases" / "comments.measure.yaml").read_bytes()
    ).output
    assert comments is not None
    for line in (
        (TESTS / "fmt_cases" / "comments.measure.yaml").read_text(encoding="utf-8").splitlines()
    ):
        if "#" in line:
            assert line.split("#", 1)[1] in comments.decode("utf-8")


@pytest.mark.parametrize(
    "path", sorted([ROOT / "isek.yaml", *(ROOT / "data").rglob("*.yaml")]), ids=lambda p: p.name
)
def test_shipped_example_is_formatted(path: Path) -> None:
    relative = path.relative_to(ROOT).as_posix()
    result = format_bytes(relative, path.read_bytes())
    assert result.problem is None
    assert not result.changed, f"{relative} is not in canonical layout: run `isekctl fmt`"


TEXT = st.text(
    alphabet=st.sampled_from(list("abcÄöüß .,:-/#'\"0123456789")), min_size=1, max_size=40
)
SCALAR = st.one_of(
    TEXT, st.integers(0, 3000), st.sampled_from(["no", "0503", "2021-Q3", "", "1.500", "~x"])
)
MEASURE = st.fixed_dictionaries(
    {
        "id": st.just("M-1"),
        "title": TEXT,
        "goals": st.lists(TEXT, min_size=1, max_size=3),
        "status": SCALAR,
    },
    optional={
        "description": st.text(alphabet=st.sampled_from(list("ab cß\n-*")), max_size=60),
        "budget": st.lists(
            st.fixed_dictionaries({"year": st.integers(2020, 2030), "amount": SCALAR}), max_size=3
        ),
        "reports": st.lists(st.fixed_dictionaries({"date": SCALAR, "text": TEXT}), max_size=2),
        "extra": SCALAR,
    },
)


def _dump(data: Any, flow: bool) -> bytes:
    yaml = YAML()
    yaml.default_flow_style = flow
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue().encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MEASURE, st.booleans())
def test_fmt_is_idempotent_and_keeps_the_data(data: dict[str, Any], flow: bool) -> None:
    raw = _dump(data, flow)
    first = format_bytes(PATHS["measure"], raw)
    if first.output is None:
        return  # refused with a finding (e.g. text the loader rejects): nothing written
    second = format_bytes(PATHS["measure"], first.output)
    assert second.output == first.output
    before, _ = load(raw, "x", positions=False)
    after, _ = load(first.output, "x", positions=False)
    assert before is not None and after is not None and before.data == after.data


def test_many_files_format_the_same_in_parallel() -> None:
    from isekctl.writing.fmt import format_many

    messy = (TESTS / "fmt_cases" / "crlf.measure.yaml").read_bytes()
    items = [
        (f"data/measures/M-{i}.yaml", messy.replace(b"M-1", f"M-{i}".encode())) for i in range(120)
    ]
    assert format_many(items, jobs=2) == format_many(items, jobs=1)
