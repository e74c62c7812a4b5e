"""Suggestions only where they are likely right: "Meinten Sie …?" or the list of what is allowed."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from isekctl.text import closest, did_you_mean, fold, suggest, without_umlauts

DEPARTMENTS = {
    "FD 32": "Ordnung und Sicherheit",
    "FD 53": "Gesundheit",
    "FD 70": "Abfallwirtschaft und Stadtreinigung",
    "Controlling": "Zentrales Controlling, Geschäftsstelle ISEK",
    "Digitalisierung": "Projekt Digitalisierung",
}
STATUSES = ["geplant", "laufend", "abgeschlossen", "verzoegert", "zurueckgestellt"]
GOALS = ["PB1-DIGITALISIERUNG", "PB1-SICHERHEIT", "PB3-TEILHABE", "GS-KLIMA", "F1", "L1"]


@pytest.mark.parametrize(
    ("value", "meant"),
    [
        ("PB1-Digitalisierung", "PB1-DIGITALISIERUNG"),
        ("pb1 digitalisierung", "PB1-DIGITALISIERUNG"),
        ("PB1-DIGITALISIRUNG", "PB1-DIGITALISIERUNG"),  # one letter missing in a long id
        ("gs_klima", "GS-KLIMA"),
        ("l1", "L1"),
    ],
)
def test_ids_in_other_case_or_with_a_small_slip_are_found(value: str, meant: str) -> None:
    assert closest(value, GOALS) == meant


@pytest.mark.parametrize(
    ("value", "meant"),
    [("verzögert", "verzoegert"), ("Zurückgestellt", "zurueckgestellt"), ("laufen", "laufend"),
     ("abgeschlosen", "abgeschlossen"), ("ABGESCHLOSSEN", "abgeschlossen")],
)  # fmt: skip
def test_statuses_with_umlauts_case_or_a_typo_are_found(value: str, meant: str) -> None:
    assert closest(value, STATUSES) == meant


@pytest.mark.parametrize("value", ["FD 99", "FD 63", "FD 3", "FD 320", "PB2-DIGITALISIERUNG", "F2"])
def test_another_number_is_never_suggested(value: str) -> None:
    assert closest(value, [*DEPARTMENTS, *GOALS]) is None


@pytest.mark.parametrize("value", ["erledigt", "xyz", "lauf", "", "   "])
def test_far_or_empty_words_get_no_guess(value: str) -> None:
    assert closest(value, STATUSES) is None


def test_an_ambiguous_slip_gets_no_guess() -> None:
    assert closest("PB1-KLIMAX", ["PB1-KLIMAA", "PB1-KLIMAB"]) is None
    assert closest("Klima", ["KLIMA", "klima"]) is None  # two options fold alike


def test_a_name_stands_for_its_id() -> None:
    assert closest("Ordnung und Sicherheit", list(DEPARTMENTS), DEPARTMENTS) == "FD 32"
    assert closest("gesundheit", list(DEPARTMENTS), DEPARTMENTS) == "FD 53"
    assert (
        closest("Gesundheit", ["FD 53", "FD 54"], {"FD 53": "Gesundheit", "FD 54": "Gesundheit"})
        is None
    )


def test_the_hint_for_a_wrong_department_lists_names_and_how_to_add_one() -> None:
    advice = "Einen neuen Fachdienst in isek.yaml unter `departments:` eintragen."
    hint = did_you_mean("FD 63", DEPARTMENTS, advice=advice)
    assert hint == (
        "Erlaubt sind: `FD 32` (Ordnung und Sicherheit), `FD 53` (Gesundheit), `FD 70` "
        "(Abfallwirtschaft und Stadtreinigung), `Controlling` (Zentrales Controlling, "
        "Geschäftsstelle ISEK), `Digitalisierung` (Projekt Digitalisierung). " + advice
    )
    assert did_you_mean("fd32", DEPARTMENTS) == "Meinten Sie `FD 32` (Ordnung und Sicherheit)?"


def test_long_lists_give_only_the_advice_and_names_equal_to_ids_are_not_repeated() -> None:
    many = [f"Z{i}" for i in range(30)]
    assert (
        did_you_mean("Q", many, advice="`isekctl tree` zeigt alle.") == "`isekctl tree` zeigt alle."
    )
    assert did_you_mean("Q", many) is None
    assert did_you_mean("x", {"sdgs": "SDGs", "id": ""}) == "Erlaubt sind: `sdgs`, `id`."
    assert suggest("x", {"b": "Be", "a": "A1"}) == "Erlaubt sind: `a` (A1), `b` (Be)."


# --- properties ---------------------------------------------------------------------------

LETTERS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß", min_size=2, max_size=12)
IDS = st.builds(
    lambda prefix, number, word: f"{prefix.upper()}{number}-{word.upper()}",
    st.text(alphabet="ABCDEFGHKLMPRSTZ", min_size=1, max_size=3),
    st.integers(0, 99),
    LETTERS,
)


def _variant(text: str, upper: bool, ascii_umlauts: bool) -> str:
    text = without_umlauts(text) if ascii_umlauts else text
    return text.upper() if upper else text.lower()


@given(st.lists(IDS, min_size=1, max_size=8, unique_by=lambda s: fold(s)), st.data())
def test_case_and_umlaut_variants_are_always_found(options: list[str], data: st.DataObject) -> None:
    keys = [without_umlauts(o).casefold().replace("-", "") for o in options]
    assume(len(set(keys)) == len(keys))  # options that differ only in case would be ambiguous
    meant = data.draw(st.sampled_from(options))
    value = _variant(meant, data.draw(st.booleans()), data.draw(st.booleans()))
    assert closest(value, options) == meant


@given(
    st.text(alphabet="ABCDEFGHKLMPRSTZ", min_size=1, max_size=4),
    st.integers(0, 999),
    st.integers(0, 999),
    st.lists(st.text(alphabet="ABCDEFGHKLMPRSTZ", min_size=1, max_size=4), max_size=5),
)
def test_a_short_id_with_another_number_is_never_suggested(
    prefix: str, number: int, typed: int, others: list[str]
) -> None:
    assume(number != typed)
    options = [f"{prefix} {number}", *(f"{o} {number}" for o in others)]
    assert closest(f"{prefix} {typed}", options) is None


WORDS = st.text(alphabet="abcdeäöüß0123456789 -", min_size=1, max_size=14)


@given(WORDS, st.lists(WORDS, min_size=1, max_size=6))
def test_a_guess_always_names_the_same_numbers(value: str, options: list[str]) -> None:
    found = closest(value, options)
    if found is not None:
        assert found in options
        assert re.findall(r"\d+", found) == re.findall(r"\d+", value)


@given(st.text(alphabet="abcdefghiklmnoprstuz", min_size=9, max_size=16), st.data())
def test_one_slip_in_a_long_word_is_forgiven(word: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(word) - 1))
    typo = word[:i] + word[i + 1 :]  # one letter left out
    assert closest(typo, [word, "zzzzzzzzzzzzzzzzzzzzzzzzz"]) == word
