"""The semantic diff and the word diff on generated goal systems: laws that hold for any input."""

from __future__ import annotations

import unicodedata
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from isekctl.comparing.semantic import Change, FieldChange, Side, compare
from isekctl.comparing.words import (
    MATCH_BUDGET,
    normalize,
    rebuild,
    same_text,
    similarity,
    tokens,
    word_diff,
)
from isekctl.model import Goal, Indicator, Measure

WORDS = [
    "Verwaltung", "Klima", "schützen", "Bürger/innen", "Bürger/-innen", "Straße", "und", "für",
    "E-Payment", "stärken", "Klima-Anpassung", "0503/2018/DS", "Maß", "Öffentlichkeit", "ÄÖÜäöüß",
]  # fmt: skip
SEPARATORS = [
    " ",
    "  ",
    "\t",
    "\u00a0",
    "\n",
    " \n   ",
    ", ",
    ". ",
    "-",
    "/",
    " – ",
    "„",
    "“ ",
    "! ",
    "?",
]
GOAL_IDS = ["A", "B", "C", "D", "E", "F"]
INDICATOR_IDS = ["K1", "K2", "K3", "K4"]


@st.composite
def german_texts(draw: st.DrawFn) -> str:
    """German wordings with the blanks, punctuation and spellings that trip word diffs."""
    parts = draw(st.lists(st.sampled_from(WORDS), max_size=8))
    text = ""
    for part in parts:
        text += part + draw(st.sampled_from(SEPARATORS))
    if draw(st.booleans()):
        text = draw(st.sampled_from(SEPARATORS)) + text
    if draw(st.booleans()):
        text = unicodedata.normalize("NFD", text)
    return text


def edited(draw: st.DrawFn, text: str) -> str:
    """The text with words deleted, inserted or replaced, at the start, in the middle, at the end."""
    words = text.split(" ")
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["delete", "insert", "replace"]))
        at = draw(st.integers(0, len(words)))
        if action == "delete" and words:
            del words[min(at, len(words) - 1)]
        elif action == "insert":
            words.insert(at, draw(st.sampled_from(WORDS)))
        elif words:
            words[min(at, len(words) - 1)] = draw(st.sampled_from(WORDS))
    return " ".join(words)


@st.composite
def text_pairs(draw: st.DrawFn) -> tuple[str, str]:
    old = draw(german_texts())
    new = draw(st.one_of(german_texts(), st.just(old), st.builds(lambda: None)))
    return old, edited(draw, old) if new is None else new


def canonical_words(segments: Any, *, swap: bool = False) -> list[tuple[str, str]]:
    """(op, text) with -/+ swapped if asked, each run between unchanged words as - then +."""
    flip = {"-": "+", "+": "-", "=": "="} if swap else {"=": "=", "-": "-", "+": "+"}
    out: list[tuple[str, str]] = []
    run: list[tuple[str, str]] = []
    for segment in segments:
        op = flip[segment.op]
        if op == "=":
            out.extend(sorted(run))
            run = []
            out.append((op, segment.text))
        else:
            run.append((op, segment.text))
    return out + sorted(run)


@settings(max_examples=400, deadline=None)
@given(text_pairs())
def test_words_rebuild_both_texts_exactly(pair: tuple[str, str]) -> None:
    old, new = pair
    segments = word_diff(old, new)
    assert rebuild(segments, "old") == normalize(old)
    assert rebuild(segments, "new") == normalize(new)
    changed = any(s.op != "=" for s in segments)
    assert changed == (not same_text(old, new)), "a change is marked exactly when the texts differ"
    assert all(s.text for s in segments)


@settings(max_examples=300, deadline=None)
@given(text_pairs())
def test_word_diff_is_symmetric(pair: tuple[str, str]) -> None:
    old, new = pair
    assert canonical_words(word_diff(new, old)) == canonical_words(word_diff(old, new), swap=True)
    assert similarity(old, new) == similarity(new, old)


def test_deleting_the_first_word_keeps_the_blank() -> None:
    segments = word_diff(
        "Wohnstandort für alle attraktiv gestalten", "für alle attraktiv gestalten"
    )
    assert [(s.op, s.text, s.space) for s in segments] == [
        ("-", "Wohnstandort", False),
        ("=", "für alle attraktiv gestalten", True),
    ]
    assert rebuild(segments, "old") == "Wohnstandort für alle attraktiv gestalten"
    last = word_diff("für alle attraktiv gestalten", "für alle gestalten")
    assert [(s.op, s.text) for s in last] == [
        ("=", "für alle"),
        ("-", "attraktiv"),
        ("=", "gestalten"),
    ]


def test_german_words_stay_whole_and_rewrapping_is_no_change() -> None:
    assert same_text(
        "Bürger/-innen\n   werden\tbeteiligt.", "Bürger/-innen werden\u00a0beteiligt. "
    )
    assert same_text(unicodedata.normalize("NFD", "Bürger"), "Bürger")
    assert not same_text("Klima-Anpassung", "Klima Anpassung")
    ops = [(s.op, s.text) for s in word_diff("Straßen sanieren", "Straßenbeleuchtung sanieren")]
    assert ops == [("-", "Straßen"), ("+", "Straßenbeleuchtung"), ("=", "sanieren")]
    ops = [(s.op, s.text) for s in word_diff("Bürger/innen beteiligen", "Bürger/-innen beteiligen")]
    assert ops == [("-", "Bürger/innen"), ("+", "Bürger/-innen"), ("=", "beteiligen")]
    ops = [(s.op, s.text) for s in word_diff("0503/2018/DS gilt", "0503/2018/DS gilt.")]
    assert ops == [("=", "0503/2018/DS gilt"), ("+", ".")]


def test_repetitive_long_texts_fall_back_to_one_replacement() -> None:
    """The matcher's work is bounded: 10,000 repetitive tokens each side would take it hours.

    The shape proves the bound (the matcher never ran on the middle): the common start and
    end stay unchanged, everything between is one deletion and one insertion.
    """
    old = "Anfang " + " ".join(["x y"] * 5000) + " Ende"
    new = "Anfang " + " ".join(["y x z"] * 3400) + " Ende"
    assert len(tokens(old)) * len(tokens(new)) > 100 * MATCH_BUDGET
    segments = word_diff(old, new)
    assert [s.op for s in segments] == ["=", "-", "+", "="]
    assert segments[0].text == "Anfang" and segments[-1].text == "Ende"
    assert rebuild(segments, "old") == normalize(old)
    assert rebuild(segments, "new") == normalize(new)
    assert canonical_words(word_diff(new, old)) == canonical_words(segments, swap=True)
    assert similarity(old, new) == similarity(new, old) > 0.5


def test_long_texts_with_a_small_change_keep_the_exact_word_diff() -> None:
    words = [f"Wort{i}" for i in range(1200)]
    old, new = " ".join(words), " ".join([*words[:600], "neu", *words[601:]])
    assert len(words) ** 2 > MATCH_BUDGET
    assert [(s.op, s.text) for s in word_diff(old, new) if s.op != "="] == [
        ("-", "Wort600"),
        ("+", "neu"),
    ]


@settings(max_examples=60, deadline=None)
@given(text_pairs(), st.integers(min_value=0, max_value=3))
def test_bounded_word_diff_still_rebuilds_both_texts(pair: tuple[str, str], scale: int) -> None:
    old, new = pair
    old, new = " ".join([old] * (60 * scale + 1)), " ".join([new] * (60 * scale + 1))
    segments = word_diff(old, new)
    assert rebuild(segments, "old") == normalize(old)
    assert rebuild(segments, "new") == normalize(new)
    assert canonical_words(word_diff(new, old)) == canonical_words(segments, swap=True)


# --- goal systems ------------------------------------------------------------------------


def goal(goal_id: str, title: str, **fields: Any) -> Goal:
    return Goal.model_validate({"id": goal_id, "title": title, "level": "oben", **fields})


def test_whitespace_and_normalisation_are_no_change() -> None:
    old = Side("a", (goal("A", "Wohnstandort für alle attraktiv gestalten", description="x y"),))
    new = Side(
        "b",
        (
            goal(
                "A",
                unicodedata.normalize("NFD", "Wohnstandort\u00a0 für alle\tattraktiv gestalten "),
                description="x\n  y\n",
            ),
        ),
    )
    assert compare(old, new).empty


def test_a_continued_goal_reports_its_other_changes_and_carries_its_indicators() -> None:
    indicator = {"id": "K", "name": "Quote", "values": [{"year": 2021, "value": 5}]}
    old = Side("a", (goal("A", "Radverkehr stärken", product_area="1", indicators=[indicator]),))
    carried = {**indicator, "values": [{"year": 2021, "value": 5}, {"year": 2022, "value": 7}]}
    new = Side(
        "b",
        (
            goal(
                "A2", "Radverkehr stärken", replaces=["A"], product_area="2", sdgs=[11],
                description="Neu.", indicators=[carried],
            ),
        ),
    )  # fmt: skip
    changes = compare(old, new).changes
    assert [(c.entity, c.kind, c.id, c.related) for c in changes] == [
        ("goal", "continued", "A2", ("A",)),
        ("goal", "moved", "A2", ("A",)),
        ("goal", "relinked", "A2", ("A",)),
        ("goal", "described", "A2", ("A",)),
        ("indicator", "changed", "K", ()),
    ]
    assert changes[-1].fields == (FieldChange("values.2022", None, changes[-1].fields[0].new),)
    back = compare(new, old).changes
    assert [(c.kind, c.id, c.related) for c in back][:1] == [("continued", "A", ("A2",))]


def test_merge_and_split_are_one_change_per_continued_goal() -> None:
    old = Side("a", (goal("A", "Schulen sanieren"), goal("B", "Kitas sanieren")))
    new = Side("b", (goal("AB", "Schulen und Kitas sanieren", replaces=["A", "B"]),))
    forward = [(c.kind, c.id, c.related) for c in compare(old, new).changes]
    assert forward == [("continued", "AB", ("A",)), ("continued", "AB", ("B",))]
    backward = [(c.kind, c.id, c.related) for c in compare(new, old).changes]
    assert backward == [("continued", "A", ("AB",)), ("continued", "B", ("AB",))]


def test_a_probable_renumbering_is_one_change() -> None:
    old = Side("a", (goal("A", "Radverkehr und ÖPNV stärken"),))
    new = Side("b", (goal("Z", "Radverkehr und ÖPNV stärken"),))
    assert [(c.kind, c.id, c.related) for c in compare(old, new).changes] == [
        ("renumbered", "Z", ("A",))
    ]


def test_status_reports_removed_and_changed_are_reported() -> None:
    def measure(reports: list[dict[str, str]]) -> Measure:
        return Measure.model_validate(
            {"id": "M", "title": "T", "goals": ["A"], "department": "FD", "status": "laufend",
             "reports": reports}
        )  # fmt: skip

    first = {"date": "2024-01-10", "status": "laufend", "text": "Begonnen."}
    second = {"date": "2024-06-10", "status": "laufend", "text": "Läuft."}
    old = Side("a", (), (measure([first, second]),))
    for new_reports in ([first], [first, {**second, "status": "verzoegert"}],
                        [first, {**second, "text": "Läuft gut."}], [first, {**second, "date": "2024-06-11"}]):  # fmt: skip
        new = Side("b", (), (measure(new_reports),))
        changes = compare(old, new).changes
        assert [(c.kind, [f.field for f in c.fields]) for c in changes] == [
            ("reports", ["reports"])
        ]
        assert changes[0].fields[0].old is not None
        assert not compare(new, old).empty
    rewrapped = Side("b", (), (measure([first, {**second, "text": "  Läuft.\n"}]),))
    assert compare(old, rewrapped).empty


# --- the mirror law on generated states --------------------------------------------------


@st.composite
def goal_systems(draw: st.DrawFn) -> tuple[Goal, ...]:
    chosen = draw(st.lists(st.sampled_from(GOAL_IDS), unique=True, max_size=6))
    free = list(INDICATOR_IDS)
    goals = []
    for goal_id in chosen:
        indicators = []
        for _ in range(draw(st.integers(0, 2))):
            if not free:
                break
            indicator_id = free.pop(draw(st.integers(0, len(free) - 1)))
            indicators.append(
                Indicator.model_validate(
                    {
                        "id": indicator_id,
                        "name": draw(st.sampled_from(["Quote", "Anzahl"])),
                        "values": [
                            {"year": y, "value": draw(st.integers(0, 3))}
                            for y in draw(st.lists(st.sampled_from([2021, 2022]), unique=True))
                        ],
                    }
                )
            )
        goals.append(
            Goal(
                id=goal_id,
                title=" ".join(draw(german_texts()).split()) or "Ziel",
                level=draw(st.sampled_from(["oben", "unten"])),
                product_area=draw(st.sampled_from([None, "1", "2"])),
                parent=draw(st.sampled_from([None, *GOAL_IDS])),
                contributes_to=draw(st.lists(st.sampled_from(GOAL_IDS), unique=True, max_size=2)),
                replaces=draw(st.lists(st.sampled_from(GOAL_IDS), unique=True, max_size=2)),
                description=draw(st.sampled_from([None, "Text", "Text\n  neu"])),
                sdgs=draw(st.lists(st.integers(1, 17), unique=True, max_size=2)),
                indicators=indicators,
            )
        )
    return tuple(goals)


@st.composite
def measures(draw: st.DrawFn) -> tuple[Measure, ...]:
    chosen = draw(st.lists(st.sampled_from(["M1", "M2", "M3"]), unique=True, max_size=3))
    return tuple(
        Measure.model_validate(
            {
                "id": m,
                "title": draw(st.sampled_from(WORDS)),
                "goals": draw(st.lists(st.sampled_from(GOAL_IDS), min_size=1, max_size=2)),
                "department": draw(st.sampled_from(["FD 1", "FD 2"])),
                "status": draw(st.sampled_from(["a", "b"])),
                "end": draw(st.sampled_from([None, "2025", "2025-Q3"])),
                "budget": [
                    {
                        "year": 2025,
                        "kind": draw(st.sampled_from(["aufwand", "personal"])),
                        "amount": draw(st.integers(0, 3)) * 1000,
                        "actual": draw(st.sampled_from([None, 500])),
                    }
                    for _ in range(draw(st.integers(0, 2)))
                ],
                "reports": [
                    {
                        "date": draw(st.sampled_from(["2024-01-01", "2024-02-01"])),
                        "status": draw(st.sampled_from(["a", "b"])),
                        "text": draw(st.sampled_from(["Gut.", "Schlecht.", " Gut. "])),
                    }
                    for _ in range(draw(st.integers(0, 3)))
                ],
            }
        )
        for m in chosen
    )


MIRROR = {"added": "removed", "removed": "added"}


def mirrored_field(item: FieldChange) -> tuple[Any, ...]:
    return (
        item.field, repr(item.new), repr(item.old), canonical_words(item.words, swap=True),
        sorted(map(repr, item.removed)), sorted(map(repr, item.added)),
    )  # fmt: skip


def plain_field(item: FieldChange) -> tuple[Any, ...]:
    return (
        item.field, repr(item.old), repr(item.new), canonical_words(item.words),
        sorted(map(repr, item.added)), sorted(map(repr, item.removed)),
    )  # fmt: skip


def mirror(change: Change) -> tuple[Any, ...]:
    """The change as `compare(new, old)` must report it."""
    ident, related = (change.related[0], (change.id,)) if change.related else (change.id, ())
    fields = sorted(map(mirrored_field, change.fields))
    return (change.entity, MIRROR.get(change.kind, change.kind), ident, related, fields)


def key(change: Change) -> tuple[Any, ...]:
    fields = sorted(map(plain_field, change.fields))
    return (change.entity, change.kind, change.id, change.related, fields)


@settings(max_examples=200, deadline=None)
@given(goal_systems(), goal_systems(), measures(), measures())
def test_mirror_law(
    a: tuple[Goal, ...], b: tuple[Goal, ...], ma: tuple[Measure, ...], mb: tuple[Measure, ...]
) -> None:
    forward = compare(Side("a", a, ma), Side("b", b, mb)).changes
    backward = compare(Side("b", b, mb), Side("a", a, ma)).changes
    assert sorted(map(mirror, forward)) == sorted(map(key, backward))
    assert compare(Side("a", a, ma), Side("a", a, ma)).empty


@settings(max_examples=100, deadline=None)
@given(goal_systems(), measures())
def test_a_state_compared_with_itself_is_empty(
    gs: tuple[Goal, ...], ms: tuple[Measure, ...]
) -> None:
    assert compare(Side("a", gs, ms), Side("b", gs, ms)).empty


def test_the_synopse_context_is_plain_data() -> None:
    """Templates get dicts, lists, strings and numbers only, never models or methods."""
    from datetime import date
    from pathlib import Path

    from isekctl.comparing.sides import resolve, working_side
    from isekctl.publishing.synopse import context, goal_system
    from isekctl.reading.pipeline import load
    from isekctl.reading.sources import open_directory

    case = Path(__file__).parent.parent / "diff_cases" / "every-class"
    working = load(open_directory(case / "new"), use_cache=False)
    old = resolve(str(case / "old"), case / "new", working, use_cache=False)
    result = compare(old.side, working_side(working).side)
    assert old.config is not None
    for changes_only in (False, True):
        data = context(
            result, goal_system(old.config), date(2026, 3, 12), changes_only=changes_only
        )

        def walk(value: Any, path: str) -> None:
            assert isinstance(value, dict | list | str | int | bool | type(None)), (path, value)
            items = (
                value.items()
                if isinstance(value, dict)
                else enumerate(value)
                if isinstance(value, list)
                else ()
            )
            for key, item in items:
                walk(item, f"{path}.{key}")

        walk(data, "synopse")
        assert data["sections"] and data["classes"] and data["measures"] and data["editorial"]
