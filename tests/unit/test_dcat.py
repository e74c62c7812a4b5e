"""The DCAT-AP.de graph written by hand: JSON-LD and Turtle say the same for any text."""

from __future__ import annotations

import warnings
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from isekctl.model import Config, Level, OpenData
from isekctl.publishing import dcat

rdflib = pytest.importorskip("rdflib", reason="pip install rdflib")

# single-line text as isek.yaml allows it (no line breaks), anything else goes
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), min_size=1, max_size=40)


def _parse(text: str, fmt: str) -> Any:
    graph = rdflib.Graph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's JSON-LD parser
        graph.parse(data=text, format=fmt)
    return graph


def _config(name: str, publisher: str, url: str) -> Config:
    return Config(
        municipality=name,
        levels=[Level(id="ziele", name="Ziele")],
        open_data=OpenData(publisher=publisher, publisher_url=url, contact_email=f"{name}@x.de"),
    )


@settings(max_examples=60, deadline=None)
@given(name=TEXT, publisher=TEXT, path=TEXT)
def test_jsonld_and_turtle_agree_for_any_text(name: str, publisher: str, path: str) -> None:
    from rdflib.compare import isomorphic

    config = _config(name, publisher, f"https://{path}.example/")
    nodes = dcat.graph(
        config, [dcat.Distribution("goals.csv", name)], date(2026, 2, 18), f"https://x.de/{path}/"
    )
    jsonld, turtle = _parse(dcat.jsonld(nodes), "json-ld"), _parse(dcat.turtle(nodes), "turtle")
    assert isomorphic(jsonld, turtle)
    foaf = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
    assert {str(o) for o in turtle.objects(None, foaf.name)} == {publisher}
    for subject in turtle.subjects():
        assert isinstance(subject, rdflib.URIRef) and " " not in str(subject)


def test_unsafe_characters_in_addresses_are_percent_encoded() -> None:
    assert dcat.Iri('https://x.de/a b"<c>').value == "https://x.de/a%20b%22%3Cc%3E"
    assert dcat.absolute("https://x.de/daten", "excel/maßnahmen.csv") == (
        "https://x.de/daten/excel/ma%C3%9Fnahmen.csv"
    )
    assert dcat.contributor_iri("schleswigHolstein") == (
        "http://dcat-ap.de/def/contributors/schleswigHolstein"
    )
