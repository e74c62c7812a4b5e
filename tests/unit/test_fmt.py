from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from isekctl.reading.yaml import load
from isekctl.writing.fmt import format_bytes, text_of
from isekctl.writing.tree import comments, parse

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
    assert sorted(_comments(result.output)) == sorted(_comments(raw)), "every comment stays"
    assert b"\r\r" not in result.output
    assert result.output.startswith(b"\xef\xbb\xbf") == raw.startswith(b"\xef\xbb\xbf")
    if b"\r\n" in raw:
        assert result.output.count(b"\r\n") == result.output.count(b"\n"), "CRLF kept"


def _comments(raw: bytes) -> list[str]:
    tree = parse(text_of(raw))
    return comments(tree)


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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a comment followed by a top-level list (crashed ruamel's emitter)
        (b"# c\n- a\n", b"# c\n[a]\n"),
        # the non-specific tag: a text by the spec, a number for PyYAML; kept as written
        (b"id: M-1\ntitle: ! 2020\n", b"id: M-1\ntitle: ! 2020\n"),
        # a URL never stands unquoted in [ ] or { }, where libyaml refuses it
        (b"id: M-1\ngoals:\n  - http://x.org\n  - F1\n", b"id: M-1\ngoals: ['http://x.org', F1]\n"),
        # what was written without quotes stays so: 2021 stays a number for other tools
        (b"id: M-1\nsdgs:\n  - 9\n  - 12:30\n", b"id: M-1\nsdgs:\n  - 9\n  - 12:30\n"),
        # a quoted sentence with a colon stays one quoted line
        (b'text: "live gegangen: 40 Leistungen"\n', b"text: 'live gegangen: 40 Leistungen'\n"),
        # the folded blocks of earlier versions of fmt become one line again
        (b"title: >-\n  Ein langer\n  Titel\n", b"title: Ein langer Titel\n"),
        (b"--- # Dokument\na: 1\n... # Ende\n", b"# Dokument\na: 1\n# Ende\n"),
        (b"a:\n\n\n  b: 1\n\n\nc: 2\n\n\n", b"a:\n\n  b: 1\n\nc: 2\n"),
        # two end-of-line comments for one value: the first goes above the field
        (b"id: M-1\ntitle: # eins\n  Titel # zwei\n", b"id: M-1\n# eins\ntitle: Titel # zwei\n"),
        # a comment inside [ ] after the last item stays below the items
        (
            b"id: M-1\ngoals: [F1,\n  # noch offen\n  ]\n",
            b"id: M-1\ngoals:\n  - F1\n  # noch offen\n",
        ),
    ],
)
def test_layout_rules(raw: bytes, expected: bytes) -> None:
    result = format_bytes(PATHS["measure"], raw)
    assert result.problem is None
    assert result.output == expected


@pytest.mark.parametrize(
    "raw",
    [
        b"id: M-1\ngoals: # eins\n  [ # zwei\n  F1]\n",  # two comments for one place
        b"id: M-1\ngoals: # eins\n  { # zwei\n  a: 1}\n",
    ],
)
def test_refused_files_stay_byte_identical(raw: bytes) -> None:
    result = format_bytes(PATHS["measure"], raw)
    assert result.output is None and result.problem is not None
    assert result.problem.code == "ISEK097" and result.problem.location.line == 3
    assert "Kommentar" in result.problem.message


def test_a_large_flow_list_is_fast_and_a_larger_file_is_refused_by_the_limit() -> None:
    import time

    from isekctl.reading.yaml import MAX_BYTES

    items = ", ".join(f"Eintrag-{i:05d}" for i in range(30_000))
    raw = f"id: M-1\ntitle: x\ngoals: [{items}]\ndepartment: FD 1\nstatus: x\n".encode()
    assert 400_000 < len(raw) < MAX_BYTES
    started = time.process_time()  # CPU time: a busy machine does not make it fail
    assert format_bytes(PATHS["measure"], raw).output == raw
    one_per_line = raw.replace(b", ", b",\n  ")
    assert format_bytes(PATHS["measure"], one_per_line).output == raw
    assert time.process_time() - started < 5
    for huge in (
        b"sdgs: [" + b", ".join(b"1" for _ in range(MAX_BYTES // 3)) + b"]\n",  # too large
        b"sdgs: [" + b",".join(b"1" for _ in range(120_000)) + b"]\n",  # too many items
    ):
        result = format_bytes(PATHS["measure"], huge)
        assert result.output is None and result.problem is not None
        assert result.problem.code == "ISEK007" and result.problem.location.path == PATHS["measure"]


SUITE = next(
    (p for p in (ROOT / "tests" / "yaml_suite", ROOT.parent / "shared" / "vendor" / "yaml-test-suite")
     if p.is_dir()),
    None,
)  # fmt: skip


@pytest.mark.skipif(SUITE is None, reason="YAML test suite not available")
def test_yaml_test_suite_never_crashes_or_changes_meaning() -> None:
    """Every case of the official suite: a finding, or a formatted file that every reader —
    isekctl, libyaml through PyYAML — reads exactly as the original, and that stays as it is."""
    assert SUITE is not None
    cases = sorted(SUITE.rglob("in.yaml"))
    assert len(cases) > 300
    formatted = 0
    for case in cases:
        raw = case.read_bytes()
        for path in (PATHS["measure"], "isek.yaml"):
            result = format_bytes(path, raw)  # never raises
            if result.output is None:
                assert result.problem is not None
                continue
            formatted += 1
            assert format_bytes(path, result.output).output == result.output, case
            before, _ = load(raw, path, positions=False)
            after, _ = load(result.output, path, positions=False)
            assert before is not None and after is not None and before.data == after.data, case
            expected = _pyyaml(raw)
            if expected is not _FAILED:
                assert _pyyaml(result.output) == expected, case
    assert formatted > 250


_FAILED = object()


def _pyyaml(raw: bytes) -> Any:
    import yaml

    try:
        return yaml.load(raw, Loader=yaml.CSafeLoader)
    except Exception:
        return _FAILED


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MEASURE, st.booleans(), st.data())
def test_comments_at_line_ends_are_kept_or_the_file_is_refused(
    data: dict[str, Any], flow: bool, draw: st.DataObject
) -> None:
    lines = _dump(data, flow).decode("utf-8").splitlines()
    marked = [
        f"{line} #Kz{i}" if draw.draw(st.booleans(), label=f"comment {i}") else line
        for i, line in enumerate(lines)
    ]
    raw = ("\n".join(marked) + "\n").encode("utf-8")
    before, _ = load(raw, "x", positions=False)
    if before is None:
        return  # the marker made the text invalid YAML (inside a quoted text)
    result = format_bytes(PATHS["measure"], raw)
    if result.output is None:
        assert result.problem is not None and result.problem.code in ("ISEK097", "ISEK001")
        return
    after, _ = load(result.output, "x", positions=False)
    assert after is not None and after.data == before.data
    markers = re.findall(r"#Kz\d+", raw.decode("utf-8"))
    text = result.output.decode("utf-8")
    for marker in markers:
        assert text.count(marker) == raw.decode("utf-8").count(marker), marker
    assert format_bytes(PATHS["measure"], result.output).output == result.output


@pytest.mark.skipif(SUITE is None, reason="YAML test suite not available")
def test_comments_anywhere_in_the_suite_are_kept_and_formatting_is_stable() -> None:
    """Comments and blank lines put at random places into the suite's valid cases: every
    file the loader accepts is formatted (never an internal error), keeps every comment,
    and formatting it again changes nothing."""
    import random

    assert SUITE is not None
    rng = random.Random(11)
    sources = []
    for case in sorted(SUITE.rglob("in.yaml")):
        document, findings = load(case.read_bytes(), PATHS["measure"], positions=False)
        if document is not None and not any(f.severity.value == "error" for f in findings):
            sources.append(case.read_bytes().decode("utf-8-sig"))
    formatted = refused = 0
    for i in range(800):
        lines = rng.choice(sources).split("\n")
        for _ in range(rng.randint(1, 3)):
            at, kind = rng.randrange(len(lines)), rng.random()
            if kind < 0.4:
                lines.insert(at, " " * rng.randint(0, 6) + f"# Q{i}x{at}")
            elif kind < 0.8:
                lines[at] += f" # Q{i}y{at}"
            else:
                lines.insert(at, "")
        raw = "\n".join(lines).encode("utf-8")
        document, findings = load(raw, PATHS["measure"], positions=False)
        if document is None or any(f.severity.value == "error" for f in findings):
            continue
        result = format_bytes(PATHS["measure"], raw)
        if result.output is None:
            assert result.problem is not None and "Kommentare" in result.problem.message, raw
            refused += 1
            continue
        formatted += 1
        assert sorted(_comments(result.output)) == sorted(_comments(raw))
        assert format_bytes(PATHS["measure"], result.output).output == result.output, raw
    assert formatted > 600 and refused < 10
