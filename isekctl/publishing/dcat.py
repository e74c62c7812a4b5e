"""DCAT-AP.de metadata of the open data export, as JSON-LD and as Turtle.

Both files are written from one small graph (nodes with typed values), so they always
say the same: IRIs are IRIs, dates are `xsd:date` literals, texts carry `@de`. The
graph holds a `dcat:Catalog`, the publisher (`foaf:Agent`), the `dcat:Dataset` with a
stable IRI and `dct:identifier`, and one `dcat:Distribution` per file with absolute
access URLs below the base URL the export is published at.

No RDF library is needed to write this; the tests parse both files with rdflib and
check them with pyshacl against the DCAT-AP.de 2.0 shapes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final
from urllib.parse import quote

from ..model import Config, license_of

PREFIXES: Final = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatde": "http://dcat-ap.de/def/dcatde/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
LICENSE_BASE: Final = "http://dcat-ap.de/def/licenses/"
CONTRIBUTOR_BASE: Final = "http://dcat-ap.de/def/contributors/"
FILE_TYPE: Final = "http://publications.europa.eu/resource/authority/file-type/"
MEDIA_TYPE: Final = "https://www.iana.org/assignments/media-types/"
LANGUAGE: Final = "http://publications.europa.eu/resource/authority/language/DEU"
THEME: Final = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
REGIONAL_KEY: Final = "http://dcat-ap.de/def/politicalGeocoding/regionalKey/"
MUNICIPALITY_LEVEL: Final = "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
# the format of a file by suffix: EU file type, IANA media type
FORMATS: Final = {
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
    "zip": ("ZIP", "application/zip"),
}


_NOT_IN_IRI: Final = frozenset('<>"{}|^`\\ ') | {chr(c) for c in range(0x21)} | {"\x7f"}


@dataclass(frozen=True, slots=True)
class Iri:
    value: str

    def __post_init__(self) -> None:
        # characters no IRI may contain (a space in a configured URL) are percent-encoded,
        # so the JSON-LD and the Turtle file hold the same, valid IRI
        clean = "".join(quote(c) if c in _NOT_IN_IRI else c for c in self.value)
        object.__setattr__(self, "value", clean)


@dataclass(frozen=True, slots=True)
class Literal:
    value: str
    language: str | None = None
    datatype: str | None = None  # a prefixed name: xsd:date


Value = Iri | Literal


@dataclass(slots=True)
class Node:
    iri: str
    types: tuple[str, ...]  # prefixed names
    properties: list[tuple[str, Value]] = field(default_factory=list)

    def add(self, predicate: str, value: Value | None) -> None:
        if value is not None:
            self.properties.append((predicate, value))


@dataclass(frozen=True, slots=True)
class Distribution:
    file: str  # path below the base URL
    title: str


def _german(text: str) -> Literal:
    return Literal(text, language="de")


def absolute(base_url: str, path: str) -> str:
    """`path` below the base URL, unsafe characters percent-encoded."""
    return base_url.rstrip("/") + "/" + quote(path, safe="/")


def contributor_iri(contributor_id: str) -> str:
    """`schleswigHolstein` or the full IRI from the dcat-ap.de contributors vocabulary."""
    if contributor_id.startswith(("http://", "https://")):
        return contributor_id
    return CONTRIBUTOR_BASE + quote(contributor_id, safe="/")


def graph(
    config: Config, distributions: list[Distribution], issued: date, base_url: str
) -> list[Node]:
    """Catalog, publisher, dataset and distributions of the export published at `base_url`."""
    opendata = config.open_data
    publisher_name = opendata.publisher or config.municipality
    title = f"ISEK-Zielsystem und Schlüsselmaßnahmen – {config.municipality}"
    description = (
        "Ziele, Kennzahlen, Schlüsselmaßnahmen, Haushaltsansätze und Statusberichte des "
        "integrierten Stadtentwicklungskonzepts (ISEK)."
    )
    day = Literal(issued.isoformat(), datatype="xsd:date")
    catalog_iri = absolute(base_url, "") + "#katalog"
    dataset_iri = absolute(base_url, "") + "#datensatz"
    publisher_iri = absolute(base_url, "") + "#herausgeber"
    licence = license_of(opendata.license)
    licence_iri = LICENSE_BASE + (licence.vocabulary if licence else quote(opendata.license))

    publisher = Node(publisher_iri, ("foaf:Agent", "foaf:Organization"))
    publisher.add("foaf:name", _german(publisher_name))
    if opendata.publisher_url:
        publisher.add("foaf:homepage", Iri(opendata.publisher_url))

    catalog = Node(catalog_iri, ("dcat:Catalog",))
    catalog.add("dct:title", _german(f"Offene Daten zum ISEK – {config.municipality}"))
    catalog.add("dct:description", _german(description))
    catalog.add("dct:publisher", Iri(publisher_iri))
    catalog.add("dct:issued", day)
    catalog.add("dct:modified", day)
    catalog.add("dct:language", Iri(LANGUAGE))
    catalog.add("dcat:dataset", Iri(dataset_iri))

    dataset = Node(dataset_iri, ("dcat:Dataset",))
    dataset.add("dct:identifier", Literal(dataset_iri))
    dataset.add("dct:title", _german(title))
    dataset.add("dct:description", _german(description))
    dataset.add("dct:publisher", Iri(publisher_iri))
    if opendata.contributor_id:
        dataset.add("dcatde:contributorID", Iri(contributor_iri(opendata.contributor_id)))
    dataset.add("dct:issued", day)
    dataset.add("dct:modified", day)
    for keyword in ("ISEK", "Stadtentwicklung", "Zielsystem", "Haushalt"):
        dataset.add("dcat:keyword", _german(keyword))
    dataset.add("dcat:theme", Iri(THEME))
    dataset.add("dct:language", Iri(LANGUAGE))
    if opendata.ars:
        dataset.add("dcatde:politicalGeocodingURI", Iri(REGIONAL_KEY + quote(opendata.ars)))
        dataset.add("dcatde:politicalGeocodingLevelURI", Iri(MUNICIPALITY_LEVEL))
    contact = None
    if opendata.contact_email:
        contact = Node(absolute(base_url, "") + "#kontakt", ("vcard:Organization",))
        contact.add("vcard:fn", Literal(publisher_name))
        contact.add("vcard:hasEmail", Iri("mailto:" + quote(opendata.contact_email, safe="@")))
        dataset.add("dcat:contactPoint", Iri(contact.iri))
    files = []
    for item in distributions:
        url = absolute(base_url, item.file)
        file_type, media_type = FORMATS[item.file.rsplit(".", 1)[-1]]
        node = Node(url + "#distribution", ("dcat:Distribution",))
        node.add("dct:title", _german(item.title))
        node.add("dcat:accessURL", Iri(url))
        node.add("dcat:downloadURL", Iri(url))
        node.add("dct:format", Iri(FILE_TYPE + file_type))
        node.add("dcat:mediaType", Iri(MEDIA_TYPE + media_type))
        node.add("dct:license", Iri(licence_iri))
        node.add("dcatde:licenseAttributionByText", Literal(publisher_name))
        node.add("dct:issued", day)
        dataset.add("dcat:distribution", Iri(node.iri))
        files.append(node)
    return [catalog, publisher, dataset, *([contact] if contact else []), *files]


# --- JSON-LD -------------------------------------------------------------------------------


def _json_value(value: Value) -> dict[str, str]:
    if isinstance(value, Iri):
        return {"@id": value.value}
    if value.language:
        return {"@value": value.value, "@language": value.language}
    if value.datatype:
        return {"@value": value.value, "@type": value.datatype}
    return {"@value": value.value}


def jsonld(nodes: list[Node]) -> str:
    """The graph as JSON-LD with an inline context (nothing is fetched when it is read)."""
    documents = []
    for node in nodes:
        entry: dict[str, Any] = {"@id": Iri(node.iri).value, "@type": list(node.types)}
        for predicate, value in node.properties:
            entry.setdefault(predicate, []).append(_json_value(value))
        documents.append(entry)
    text = json.dumps({"@context": PREFIXES, "@graph": documents}, ensure_ascii=False, indent=2)
    return text + "\n"


# --- Turtle --------------------------------------------------------------------------------

_TURTLE_ESCAPES: Final = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _turtle_string(text: str) -> str:
    out = []
    for char in text:
        if char in _TURTLE_ESCAPES:
            out.append(_TURTLE_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _turtle_iri(iri: str) -> str:
    return f"<{Iri(iri).value}>"


def _turtle_value(value: Value) -> str:
    if isinstance(value, Iri):
        return _turtle_iri(value.value)
    text = _turtle_string(value.value)
    if value.language:
        return f"{text}@{value.language}"
    if value.datatype:
        return f"{text}^^{value.datatype}"
    return text


def turtle(nodes: list[Node]) -> str:
    """The same graph as Turtle, one block per node."""
    lines = [f"@prefix {prefix}: <{iri}> ." for prefix, iri in PREFIXES.items()]
    for node in nodes:
        lines.append("")
        statements = ["a " + ", ".join(node.types)]
        statements += [f"{p} {_turtle_value(v)}" for p, v in node.properties]
        lines.append(_turtle_iri(node.iri))
        lines += [f"    {s} ;" for s in statements[:-1]] + [f"    {statements[-1]} ."]
    return "\n".join(lines) + "\n"
