"""libyaml's composed nodes (the fast path) read exactly as the event loops do.

`parse` first lets libyaml compose the whole node tree in C and walks it once; anything
unusual (anchors, tags, directives, duplicate keys, deep or huge texts …) goes to the
event loops, which produce the precise finding. Whatever the path, data, positions,
the hygiene flag and every finding must be the same.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isekctl.reading import yaml as reader

from ..conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import generate

EDGE_CASES = [
    "", "# nur Kommentar\n", "~\n", "null\n", "text\n", "'quoted'\n", "[a, b]\n", "{}\n", "[]\n",
    "a: 1\nb:\nc: ~\nd: null\ne: ''\nf: \"\"\n~: x\n",
    "a: &x 1\n", "a: &x 1\nb: *x\n", "a: *x\n", "a: !foo x\n", "a: !!str 5\n", "a: ! x\n",
    "a: ! &x y\n", "a: !foo [1]\n", "a: &x\n  b: 1\nc: *x\n", "--- !tag\na: 1\n",
    "%YAML 1.1\n---\na: 1\n", "%TAG !e! tag:x,2000:\n---\na: !e!b 1\n", "a: 1\n---\nb: 2\n",
    "---\na: 1\n...\n", "---\na: 1\n", "? [a, b]\n: c\n", "? {a: b}\n: c\n", "? a\n: b\n",
    "a: 1\na: 2\n", "a:\n  b: 1\n  b: 2\n", "<<: {a: 1}\n", "'<<': x\n", "a: [1, 2\n",
    "a: b: c\n", "a: \"x\n", "\tb: 1\n", "a:\n\t- x\n", "a: Straßen- & Wegebau\n",
    "a: \"Bürger*innen & Co\"\n", "a: x # Kosten & Nutzen\n",
    "a: |\n  * Punkt eins\n  & Punkt zwei\n", "a: Straßen-\n  & Wegebau\n", "a: [x, &y z]\n",
    "a: [x, *y]\n", "{\"a\":&x b}\n", "a: 1\r\nb: 2\r\n", "a: 1\rb: &x 2\r",
    "a:  zwei  Leerzeichen\n", "a: \"  x\"\n", "a: |\n  x\n\n", "a: |2\n   x\n", "a: >\n\n  x\n",
    "a: x\u2028b: y\n", "a: \u00a0x\n", "- - - a\n", "[[[[a]]]]\n", "a: \u00e4\u00f6\u00fc\u00df\n",
    "a: Caf\u0065\u0301\n", "a: %x\n", "a: '%x'\n", "x\n%y\n", "a: @x\n", "a: `x\n",
    "a: {b: [c, {d: e}]}\n", "[" * 35 + "]" * 35 + "\n",
    "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 40)), "- " * 40 + "x\n",
    "a: 1\n\ufeff" + "- " * 24_000 + "x\n", "a: 1\r" + "- " * 24_000 + "x\r",
    "a: 1\u2028" + "- " * 24_000 + "x\n", "a: 1\n" + " " * 10 + "- " * 24_000 + "x\n",
    "[" * 50_000 + "]" * 50_000 + "\n", "- " * 300 + "x\n", "a:\n" + "- " * 190 + "x\n",
    "a: 1\n" * 2 + "".join(" " * i + "- \n" for i in range(0, 1200, 2)),
    "[" * 3000 + "]" * 3000 + "\n", "x: [" + ", ".join(["a"] * 100_001) + "]\n",
    "a: " + "[" * 250 + "]" * 250 + "\n" + "b: " + "x" * 1000 + "\n",
    "{a, b: , ? c}\n", "[a: b, c]\n", "a: !!binary aGk=\n", "a: b\nc: &d\n", "a: 'x' # *y\n",
    "a: b\n" * 20_000, "- {a: [b, c]}\n" * 700, "title: Sanierung #1 Marktplatz\n",
    "a: \"x\\u202ey\"\n", "a: [1, 2]# c\n", "a: |# c\n  x\n", "a: {url: http://x.org}\n",
]  # fmt: skip
INSERTS = [
    "&x ", "*x", "!t ", "! ", "! &x ", "&x !t ", "%YAML 1.1\n---\n", "\n---\n", "\n...\n", "? ",
    "<<: ", " & ", " * ", "*", "&", "[", "{", "]", "}", ":", ": ", ", ", "- ", "\r", "\ufeff",
    "'", '"', "|\n", ">-\n", "\n  &a\n", "\n", "  ", "#", " # & *", "\u2028", "[&x a, *x]",
    "{? a: b}", "~", "\t", "\\", "\n%", "!!str ", "!<tag:x> ", "&a [1]\nb: *a\n", "\n- &x y\n- *x\n",
]  # fmt: skip


def corpus() -> list[str]:
    texts = list(EDGE_CASES)
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").rglob("*.yaml"))]
    rng = random.Random(3)
    goals = generate.goal_ids()
    for i in range(30):
        identifier = f"M-{i:05d}"
        texts.append(generate.measure_text(rng, identifier, goals))
        texts.append(generate.flow_measure_text(rng, identifier, goals))
        texts.append(generate.long_measure_text(rng, identifier, goals))
    return texts


def outcome(text: str, positions: bool) -> Any:
    document, found = reader.parse(text, "f.yaml", positions=positions)
    items = [(f.code, f.location.line, f.location.col, f.message, f.hint) for f in found]
    if document is None:
        return None, items
    return (document.data, document.values, document.keys, document.untidy), items


def both_paths(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for positions in (True, False):
        composed = outcome(text, positions)
        with monkeypatch.context() as patch:
            patch.setattr(reader, "_COMPOSING", False)  # the event loops only
            events = outcome(text, positions)
        assert composed == events, (positions, text[:200])


def test_both_paths_read_every_text_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    for text in corpus():
        both_paths(text, monkeypatch)


def test_both_paths_read_fuzzed_texts_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Anchors, aliases, tags, directives, documents and indicators put anywhere."""
    rng = random.Random(11)
    bases = [text for text in corpus() if 0 < len(text) < 20_000]
    for _ in range(1500):
        text = rng.choice(bases)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.2:  # a line twice: duplicate keys
                start = text.rfind("\n", 0, at) + 1
                end = text.find("\n", at)
                end = len(text) if end < 0 else end + 1
                text = text[:end] + text[start:end] + text[end:]
            else:
                text = text[:at] + rng.choice(INSERTS) + text[at:]
        both_paths(text, monkeypatch)


def test_the_usual_files_take_the_fast_path(tmp_path: Path) -> None:
    """Composing is the point: the generated shapes and the example never fall back."""
    rng = random.Random(5)
    goals = generate.goal_ids()
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data").rglob("*.yaml"))]
    for i in range(20):
        texts.append(generate.measure_text(rng, f"M-{i}", goals))
        texts.append(generate.flow_measure_text(rng, f"M-{i}", goals))
        texts.append(generate.long_measure_text(rng, f"M-{i}", goals))
        texts.append(generate.budget_measure_text(rng, f"M-{i}", goals))
    # goal files of 100 goals (60 KB); files with over 600 `[`/`{` take the event loop
    deep = generate.make_shape(tmp_path / "deep", "deep-goals", 200)
    texts += [p.read_text(encoding="utf-8") for p in (deep / "data" / "goals").glob("kette-*")]
    texts += ["a: Straßen- & Wegebau\n", "a: |\n  * Punkt\n", 'a: "x & *y"\n']
    for text in texts:
        for positions in (True, False):
            reader._build_composed(text, positions)  # raises _Retry on a fallback


@pytest.mark.parametrize("depth", [2_000, 60_000])
def test_deep_texts_never_reach_the_recursive_composer(depth: int) -> None:
    """libyaml's composer recurses in C without a limit: deep texts must not get there."""
    for text in ("[" * depth + "]" * depth + "\n", "a:\n" + "".join(
        " " * i + "- \n" for i in range(0, min(depth, 600), 1)
    )):  # fmt: skip
        assert not reader._bounded(text) or text.count("[") < 1000
        document, found = reader.parse(text, "x")
        assert document is None and found and found[0].code in ("ISEK007", "ISEK001")


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab \"'\n\r\t\u2028#", max_size=30))
def test_the_quote_look_of_the_strict_pass_is_the_regex_it_replaced(text: str) -> None:
    """`_odd_on_a_line` is the linear form of the regex the security work used."""
    for quote in "\"'":
        other = re.escape(quote)
        old = re.compile(
            rf"^[^{other}\n]*{other}[^{other}\n]*(?:{other}[^{other}\n]*{other}[^{other}\n]*)*$",
            re.MULTILINE,
        )
        assert reader._odd_on_a_line(text, quote) == (old.search(text) is not None)
