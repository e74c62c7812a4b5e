"""The semantic diff and the word diff on generated goal systems: laws that hold for any input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from isekctl.comparing.semantic import Side, compare
from isekctl.comparing.words import tokens, word_diff
from isekctl.model import Goal, Measure

WORDS = [
    "Verwaltung",
    "Klima",
    "schützen",
    "Bürger/-innen",
    "Straße",
    "und",
    "für",
    "E-Payment",
    "stärken",
]
GOAL_IDS = ["A", "B", "C", "D", "E", "F"]


@st.composite
def goals(draw: st.DrawFn) -> tuple[Goal, ...]:
    chosen = draw(st.lists(st.sampled_from(GOAL_IDS), unique=True, max_size=6))
    return tuple(
        Goal(
            id=goal_id,
            title=" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))),
            level=draw(st.sampled_from(["oben", "unten"])),
            product_area=draw(st.sampled_from([None, "1", "2"])),
            contributes_to=draw(st.lists(st.sampled_from(GOAL_IDS), unique=True, max_size=2)),
            sdgs=draw(st.lists(st.integers(1, 17), unique=True, max_size=2)),
        )
        for goal_id in chosen
    )


@st.composite
def measures(draw: st.DrawFn) -> tuple[Measure, ...]:
    chosen = draw(st.lists(st.sampled_from(["M1", "M2", "M3"]), unique=True, max_size=3))
    return tuple(
        Measure.model_validate(
            {
                "id": m,
                "title": draw(st.sampled_from(WORDS)),
                "goals": ["A"],
                "department": draw(st.sampled_from(["FD 1", "FD 2"])),
                "status": draw(st.sampled_from(["a", "b"])),
                "budget": [
                    {"year": 2025, "kind": "aufwand", "amount": draw(st.integers(0, 9)) * 1000}
                ],
            }
        )
        for m in chosen
    )


@settings(max_examples=200, deadline=None)
@given(goals(), measures())
def test_diff_of_a_state_with_itself_is_empty(
    gs: tuple[Goal, ...], ms: tuple[Measure, ...]
) -> None:
    assert compare(Side("a", gs, ms), Side("b", gs, ms)).empty


MIRROR = {"added": "removed", "removed": "added"}


@settings(max_examples=300, deadline=None)
@given(goals(), goals(), measures(), measures())
def test_classes_mirror(
    a: tuple[Goal, ...], b: tuple[Goal, ...], ma: tuple[Measure, ...], mb: tuple[Measure, ...]
) -> None:
    def classes(result: list) -> list[tuple[str, str, str]]:
        return sorted(
            (c.entity, MIRROR.get(c.kind, c.kind), c.id) for c in result if c.kind != "renumbered"
        )

    forward = compare(Side("a", a, ma), Side("b", b, mb)).changes
    backward = compare(Side("b", b, mb), Side("a", a, ma)).changes
    assert classes(forward) == sorted(
        (c.entity, c.kind, c.id) for c in backward if c.kind != "renumbered"
    )


@given(st.text(max_size=60), st.text(max_size=60))
def test_word_diff_reassembles_both_texts(old: str, new: str) -> None:
    segments = word_diff(old, new)
    again_new = "".join(s.plain() for s in segments if s.op != "-")
    again_old = "".join(s.plain() for s in segments if s.op != "+")
    assert [t for t, _ in tokens(again_new)] == [t for t, _ in tokens(new)]
    assert [t for t, _ in tokens(again_old)] == [t for t, _ in tokens(old)]


def test_word_diff_ignores_rewrapping_and_keeps_german_words() -> None:
    assert (
        word_diff("Bürger/-innen\n   werden  beteiligt.", "Bürger/-innen werden beteiligt.")[0].op
        == "="
    )
    assert len(word_diff("Bürger/-innen werden beteiligt.", "Bürger/-innen werden beteiligt.")) == 1
    ops = [(s.op, s.text) for s in word_diff("Straßen sanieren", "Straßenbeleuchtung sanieren")]
    assert ops == [("-", "Straßen"), ("+", "Straßenbeleuchtung"), ("=", "sanieren")]
