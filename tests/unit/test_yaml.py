"""The loader on hostile and odd input: findings with positions, never exceptions."""

from __future__ import annotations

import time

import pytest

from isekctl.reading.yaml import decode, load, parse


def codes(text: str) -> list[str]:
    _document, found = parse(text, "x.yaml")
    return [f.code for f in found]


def test_positions_of_keys_and_values_are_one_based() -> None:
    document, found = parse(
        "id: M-1\ngoals:\n  - F1\n  - F2\nbudget:\n  - {year: 2021, amount: 5}\n", "x"
    )
    assert found == [] and document is not None
    assert document.keys[("goals",)] == (2, 1)
    assert document.values[("goals", 1)] == (4, 5)
    assert document.values[("budget", 0, "amount")] == (6, 26)
    assert document.position(("budget", 0, "kind")) == (6, 5), "missing key: its mapping"


def test_scalars_stay_the_text_that_was_written() -> None:
    document, _ = parse(
        "id: 2020\nzero: 0503\nmoney: 1.500\nflag: no\nday: 2021-02-30\nnothing: ~\nempty:\nq: ''\n",
        "x",
    )
    assert document is not None
    assert document.data == {
        "id": "2020", "zero": "0503", "money": "1.500", "flag": "no",
        "day": "2021-02-30", "nothing": None, "empty": None, "q": "",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("title: &Co Sanierung\n", "ISEK005", 1),
        ("a: 1\nb: *a\n", "ISEK005", 2),
        ("a: !!python/object/apply:os.system ['true']\n", "ISEK005", 1),
        ("a: !include x.yaml\n", "ISEK005", 1),
        ("%YAML 1.1\n---\nd: NO\n", "ISEK005", 1),
        ("a: 1\n---\nb: 2\n", "ISEK005", 2),
        ("? [a, b]\n: c\n", "ISEK005", 1),
        ("base: {a: 1}\nother:\n  <<: {b: 2}\n", "ISEK005", 3),
        ("a: 1\na: 2\n", "ISEK006", 2),
        ("a: 1\n'a': 2\n", "ISEK006", 2),
        ("a:\n\tb: 1\n", "ISEK003", 2),
        ("a:\n\u00a0\u00a0b: 1\n", "ISEK003", 2),
        ("a: b\x1b[2J\n", "ISEK008", 1),
        ("", "ISEK004", 1),
        ("# nur ein Kommentar\n", "ISEK004", 1),
        ("---\n", "ISEK004", 1),
        ("title: Ziel: Klimaneutralität\n", "ISEK001", 1),
        ("title: „Neubau: Kita“\n", "ISEK001", 1),
        ("department: @Amt61\n", "ISEK001", 1),
        ("title: [Entwurf] Kita\n", "ISEK001", 1),
        ("a: [1, 2\nb: 3\n", "ISEK001", 2),
        ("%YAML 1.3\n---\na: 1\n", "ISEK001", 1),
        ('a: "\\q"\n', "ISEK001", 1),
    ],
)
def test_refused_input_gets_a_finding_at_its_line(text: str, code: str, line: int) -> None:
    document, found = parse(text, "x.yaml")
    assert document is None
    assert found[-1].code == code
    assert found[-1].location.line == line


def test_typographic_quotes_get_their_own_hint() -> None:
    _, found = parse("title: „Neubau: Kita“\n", "x")
    assert "Typografische Anführungszeichen" in (found[0].hint or "")


@pytest.mark.parametrize("depth", [31, 1000, 100_000])
def test_deep_nesting_is_refused_quickly_and_safely(depth: int) -> None:
    started = time.perf_counter()
    for text in (
        "a: " + "[" * depth + "]" * depth,
        "".join("  " * i + f"k{i}:\n" for i in range(depth // 100 + 31)),
    ):
        _, found = parse(text, "x")
        assert found[-1].code == "ISEK007"
    assert time.perf_counter() - started < 2


def test_billion_laughs_is_refused_without_expansion() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    started = time.perf_counter()
    _, found = parse("\n".join(lines) + "\n", "bomb.yaml")
    assert [f.code for f in found] == ["ISEK005"]
    assert time.perf_counter() - started < 0.5


def test_encodings() -> None:
    assert decode("a: ü\n".encode(), "x")[0] == "a: ü\n"
    assert decode(b"\xef\xbb\xbfa: 1\n", "x")[0] == "a: 1\n", "UTF-8 BOM is fine"
    text, found = decode("id: M-1\ntitle: Straße\n".encode("latin-1"), "x")
    assert text is None and found[0].code == "ISEK002"
    assert (found[0].location.line, found[0].location.col) == (2, 12)
    assert "ß" in found[0].message
    assert decode("a: 1\n".encode("utf-16"), "x")[1][0].code == "ISEK002"
    assert decode(b"a: " + b"x" * (1 << 20), "x")[1][0].code == "ISEK007"


def test_crlf_and_bom_keep_line_numbers() -> None:
    document, found = load(b"\xef\xbb\xbfid: M-1\r\ntitle: X\r\ngoals: [A]\r\n", "x")
    assert found == [] and document is not None
    assert document.values[("goals", 0)] == (3, 9)


def test_invisible_characters_are_warned_about() -> None:
    document, found = parse("title: Gr\u00fcn\u200bfl\u00e4che\n", "x")
    assert document is not None
    assert [(f.code, f.location.col) for f in found] == [("ISEK062", 12)]


def test_keys_that_are_not_text_are_refused() -> None:
    assert codes("[a]: 1\n") == ["ISEK005"]
    assert codes("{a: 1}: 2\n") == ["ISEK005"]
