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
        ("a: [1, 2\nb: 3\n", "ISEK001", 1),  # where the bracket opens, not where it is noticed
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


# --- findings where the user must act (issue 9) ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [
        ('id: M-1\ntitle: "Sanierung\nstatus: laufend\n', 2, 8, 'Anführungszeichen " wird nicht'),
        ("id: M-1\ntitle: 'Sanierung\nstatus: laufend\n", 2, 8, "Anführungszeichen ' wird nicht"),
        ("id: M-1\ngoals: [F1, F2\nstatus: laufend\n", 2, 8, "`[` wird nicht mit `]`"),
        ("id: M-1\nbudget: {year: 2020\nstatus: x\n", 2, 9, "`{` wird nicht mit `}`"),
    ],
)
def test_an_unclosed_quote_or_bracket_is_reported_where_it_opens(
    text: str, line: int, col: int, words: str
) -> None:
    for positions in (True, False):
        document, found = parse(text, "x.yaml", positions=positions)
        assert document is None
        assert [(f.code, f.location.line, f.location.col) for f in found] == [
            ("ISEK001", line, col)
        ]
        assert words in found[0].message


def test_a_quote_closed_only_by_a_later_one_is_named() -> None:
    _, found = parse('id: M-1\ntitle: "Sanierung\nstatus: "laufend"\n', "x")
    assert 'Anführungszeichen " in Zeile 2' in (found[0].hint or "")


def test_a_url_in_a_flow_mapping_is_explained() -> None:
    _, found = parse("resolutions:\n  - { number: 1/2020, url: http://example.org/1 }\n", "x")
    assert [f.code for f in found] == ["ISEK001"]
    assert "Adresse (URL)" in found[0].message
    assert "in Anführungszeichen" in (found[0].hint or "")


@pytest.mark.parametrize(
    "text",
    [
        "title: Sanierung #1 Marktplatz\n",
        "sdgs:\n  - 9 #C14\n",
        "text: mehrzeiliger\n  Wert #2\n",
        "# yaml-language-server: $schema=../../schemas/measure.schema.json\ntitle: Sanierung #1\n",
    ],
)
def test_a_comment_that_cuts_a_plain_value_is_a_warning(text: str) -> None:
    for positions in (True, False):
        document, found = parse(text, "x", positions=positions)
        assert document is not None
        assert [f.code for f in found] == ["ISEK063"]
        assert found[0].location.col == text.split("\n")[found[0].location.line - 1].index("#") + 1


@pytest.mark.parametrize(
    "text",
    [
        "title: Sanierung  # zwei Leerzeichen: ein gewollter Kommentar\n",
        'title: "Sanierung #1 Marktplatz"\n',
        "title: Sanierung#1\n",
        "text: |\n  Sanierung #1 Marktplatz\n",
        "sdgs: [9, # C14\n  16]\n",
        "# Kommentar #1\ntitle: a\n",
    ],
)
def test_comments_that_cut_nothing_are_fine(text: str) -> None:
    assert codes(text) == []


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('key: "value"# invalid\n', 1, "Leerzeichen"),
        ("goals: [a, b]#invalid\n", 1, "Leerzeichen"),
        ("goals: [a, b,#invalid\n  c]\n", 1, "Leerzeichen"),
        ("text: ># comment\n  scalar\n", 1, "Leerzeichen"),
        ("goals: [-]\n", 1, "einzelnes `-`"),
        ("goals: [a,\nb]\n", 2, "Fortsetzungszeile"),
        ('title: "a\nb"\n', 2, "Fortsetzungszeile"),
        ("a: >\n \n  \n   \n # comment\n", 1, "Leerzeile"),
        ("b: { ?foo: bar }\n", 1, "`?foo`"),
    ],
)
def test_what_libyaml_alone_accepts_is_an_error(text: str, line: int, words: str) -> None:
    for positions in (True, False):
        document, found = parse(text, "x", positions=positions)
        assert document is None
        assert [(f.code, f.location.line) for f in found] == [("ISEK001", line)]
        assert words in found[0].message


@pytest.mark.parametrize(
    "text",
    [
        'title: "#1 Ziel"\n',
        '# Kommentar mit "Zitat"#hash\na: 1\n',
        "goals: [a-b, -1, x-]\n",
        "goals: [a,\n  b]\n",
        'title: "a\n  b"\n',
        "text: |\n\n  a\n",
        "items:\n  - [a,\n    b]\n",
        "b: { ? foo : bar }\n",
        "title: Warum? Darum\n",
    ],
)
def test_the_strict_second_look_accepts_valid_yaml(text: str) -> None:
    assert codes(text) == []


def test_invisible_characters_written_as_escapes_are_caught_at_the_escape() -> None:
    document, found = parse('id: M-1\ntitle: "Ab\\u202Ecd"\nx: "\\xad"\nplain: a\\u202eb\n', "x")
    assert document is not None
    assert [(f.code, f.location.line, f.location.col) for f in found] == [
        ("ISEK062", 2, 11),
        ("ISEK062", 3, 5),
        ("ISEK062", 4, 9),  # the same character was put into the data by an escape
    ]
    assert codes("plain: a\\u202eb\n") == [], "no escape in plain text: six harmless characters"


def test_a_file_ending_in_a_line_of_blanks_is_a_warning() -> None:
    document, found = parse("foo: |\n  x\n   ", "x")
    assert document is not None and [f.code for f in found] == ["ISEK061"]


def test_size_and_item_limits_hold_on_every_path() -> None:
    big = b"goals: [" + b"a," * 300_000 + b"a]\n"
    assert decode(big, "data/goals/gross.yaml")[1][0].code == "ISEK007"
    assert "512 KiB" in decode(big, "x")[1][0].message
    flat = "goals: [" + ",".join(["a"] * 150_000) + "]\n"
    for positions in (True, False):
        document, found = parse(flat, "x", positions=positions)
        assert document is None and [f.code for f in found] == ["ISEK007"]


@pytest.mark.parametrize(
    ("text", "line", "col", "message", "hint"),
    [
        ("id:M-1\ntitle: Titel\n", 1, 4, "Nach dem Doppelpunkt fehlt ein Leerzeichen",
         "`id: M-1` statt `id:M-1`"),
        ("id: M-1\nstatus  laufend\nstart: 2020\n", 2, 7, "Nach `status` fehlt der Doppelpunkt",
         "`status: laufend` schreiben"),
    ],
)  # fmt: skip
def test_the_two_commonest_slips_of_a_key_are_named(
    text: str, line: int, col: int, message: str, hint: str
) -> None:
    """Where libyaml notices them only on the next line, with a general message."""
    document, found = parse(text, "m.yaml")
    assert document is None
    [error] = found
    assert (error.location.line, error.location.col) == (line, col)
    assert message in error.message and hint in (error.hint or "")


def test_a_text_line_without_colon_is_not_taken_for_a_key() -> None:
    _, found = parse("title: Titel\nund weiter text\n", "m.yaml")
    assert "fehlt der Doppelpunkt" not in found[0].message
