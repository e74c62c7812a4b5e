"""Arbitrary input never crashes the loader or the checks: a finding or success, nothing else."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from isekctl.checks import project_findings
from isekctl.kinds import FileKind
from isekctl.reading.pipeline import assemble, default_config, process_file

KINDS = list(FileKind)
FIELDS = [
    "id", "title", "titel", "goals", "level", "department", "status", "rating", "rating_reason",
    "start", "end", "budget", "year", "kind", "amount", "reports", "date", "text", "sdgs", "themes",
    "parent", "contributes_to", "replaces", "product_area", "indicators", "levels", "municipality",
    "statuses", "state", "budget_years", "resolutions", "value", "target", "baseline", "Straße", "",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        ["2021-Q3", "2021-13", "1.500", "0503/2018/DS", "gruen", "laufend", "Grünfläche", "F1", "ß"]
    ),
    st.text(max_size=30),
)
DATA = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), children, max_size=6
        ),
    ),
    max_leaves=25,
)


def dump(data: Any) -> str:
    stream = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.dump(data, stream)
    return stream.getvalue()


def check_result(kind: FileKind, text: bytes) -> None:
    result = process_file(f"data/x/{kind.key}.yaml", kind, text)
    lines = text.count(b"\n") + 2
    for item in result.findings:
        assert 0 <= item.location.line <= lines
        assert item.code.startswith("ISEK")
    project = assemble("x", [result], default_config())
    if project is not None:
        project_findings(project, today=__import__("datetime").date(2026, 1, 1))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(KINDS), DATA)
def test_yaml_shaped_data_gives_findings_or_a_model(kind: FileKind, data: Any) -> None:
    check_result(kind, dump(data).encode("utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KINDS), st.text(max_size=200))
def test_arbitrary_text_never_raises(kind: FileKind, text: str) -> None:
    check_result(kind, text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    check_result(FileKind.MEASURE, raw)


def test_yaml_test_suite_style_corner_cases_never_raise() -> None:
    corpus = [
        "- - - - a", "? a\n? b", "a: |\n  x\n b", "!!binary aGk=", "&a a: *a", "{a: [}", "'", '"\\ud800"',
        "a: 1\n...\n---\nb: 2", "%TAG ! tag:x,2000:\n--- !foo 1", "[a, b]: c", ":", "- :", "a:\n- b\n c",
        "\ufeffa: 1", "a: \"\\e[31m\"", "a: 'x'y", "? |\n  k\n: v", "- a\nb: c", "\t", "a: b #c\n#d: e",
        "{" * 5000, "a: " + "x" * 100_000,
    ]  # fmt: skip
    for text in corpus:
        for kind in KINDS:
            check_result(kind, text.encode("utf-8", "surrogatepass"))


def test_example_files_round_trip_through_the_canonical_writer() -> None:
    """Every shipped file: read -> model -> written in canonical style -> read -> same model."""
    from isekctl.writing.style import model_text

    root = Path(__file__).resolve().parent.parent.parent
    paths = [root / "isek.yaml", *sorted((root / "data").rglob("*.yaml"))]
    for path in paths:
        relative = path.relative_to(root).as_posix()
        kind = FileKind.of_path(relative)
        assert kind is not None, relative
        first = process_file(relative, kind, path.read_bytes())
        assert first.model is not None and first.findings == [], relative
        again = process_file(relative, kind, model_text(first.model).encode("utf-8"))
        assert again.findings == [], relative
        assert again.model == first.model, relative


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(["plain", "'", '"', "|", ">-"]),
)
def test_fast_hygiene_path_misses_nothing(title: str, style: str) -> None:
    """Skipping the text walk on 'tidy' files must never hide an ISEK06x/ISEK008 finding."""
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        FoldedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    from isekctl.checks.text import value_findings
    from isekctl.project import Positions
    from isekctl.reading.yaml import load, position_tables

    wrap = {"plain": str, "'": SingleQuotedScalarString, '"': DoubleQuotedScalarString,
            "|": LiteralScalarString, ">-": FoldedScalarString}[style]  # fmt: skip
    stream = io.StringIO()
    yaml = YAML()
    yaml.allow_unicode = True
    try:
        yaml.dump({"id": "M-1", "title": wrap(title), "goals": ["F1"]}, stream)
    except Exception:  # ruamel cannot write every string in every style; not our concern here
        assume(False)
    raw = stream.getvalue().encode("utf-8", "surrogatepass")
    fast, _ = load(raw, "x.yaml", positions=False)
    if fast is None:
        return
    positions = Positions("x.yaml", reader=lambda: position_tables(raw, "x.yaml"))
    full = sorted(f.code for f in value_findings(fast.data, positions))
    if fast.untidy:
        return
    assert full == [], (title, style, full)
