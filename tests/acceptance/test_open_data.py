"""The open data export as portals and the office read it.

`datapackage.json` is validated with frictionless, the DCAT-AP.de metadata parsed with
rdflib and checked with pyshacl against GovData's DCAT-AP.de 2.0 shapes (tests/vendor/).
Without those tools the respective test is skipped; the test extra installs them.
"""

from __future__ import annotations

import csv
import io
import json
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest

from ..conftest import TESTS, Run

SHAPES = TESTS / "vendor" / "dcat-ap-de-2.0-shacl"
STUBS = TESTS / "vendor" / "vocab-stubs.ttl"
SPECIFICATION = [
    "dcat-ap_2.1.1_shacl_shapes.ttl",
    "dcat-ap-spec-german-additions.ttl",
    "dcat-ap-spec-german-messages.ttl",
    "dcat-ap-de-deprecated.ttl",
]
CONVENTIONS = [*SPECIFICATION, "dcat-ap-konventionen.ttl"]
BASE = "https://isek.neumuenster.example/opendata/"
TABLES = ("goals", "measures", "budget", "resolutions", "status_reports", "indicator_values")


def _configure(example: Path, **open_data: str) -> None:
    """Add `open_data` entries to the example's isek.yaml."""
    config = example / "isek.yaml"
    text = config.read_text(encoding="utf-8")
    head, tail = text.split("open_data:\n", 1)
    added = "".join(f"  {key}: '{value}'\n" for key, value in open_data.items())
    config.write_text(head + "open_data:\n" + added + tail, encoding="utf-8")


def _export(run: Run, repo: Path, out: Path, *options: str) -> Any:
    result = run("export", "--repo", repo, "--out", out, *options)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def published(example: Path, tmp_path: Path, run: Run) -> Path:
    """The example's CSV export with a base URL and a contributor id."""
    _configure(example, base_url=BASE, contributor_id="schleswigHolstein")
    assert run("validate", "--repo", example).exit_code == 0
    out = tmp_path / "opendata"
    _export(run, example, out)
    return out


# --- Frictionless --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_datapackage_passes_frictionless(fmt: str, example: Path, tmp_path: Path, run: Run) -> None:
    frictionless = pytest.importorskip("frictionless", reason="pip install 'frictionless[json]'")
    out = tmp_path / fmt
    _export(run, example, out, "--format", fmt)
    report = frictionless.validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])
    assert [task.stats["rows"] for task in report.tasks] == [31, 40, 39, 7, 28, 2]
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["created"].endswith("T00:00:00Z")
    assert package["licenses"][0]["path"] == "https://www.govdata.de/dl-de/by-2-0"


def test_frictionless_notices_a_broken_table(example: Path, tmp_path: Path, run: Run) -> None:
    """The validation above can fail: a row that breaks the foreign key is found."""
    frictionless = pytest.importorskip("frictionless", reason="pip install 'frictionless[json]'")
    out = tmp_path / "csv"
    _export(run, example, out)
    with (out / "budget.csv").open("a", encoding="utf-8", newline="") as handle:
        handle.write("GIBT-ES-NICHT,2021,aufwand,100\r\n")
    report = frictionless.validate(str(out / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {error[0] for error in report.flatten(["type"])}


# --- DCAT-AP.de ----------------------------------------------------------------------------


def _graph(path: Path) -> Any:
    rdflib = pytest.importorskip("rdflib", reason="pip install rdflib")
    graph = rdflib.Graph()
    with warnings.catch_warnings():
        # rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph internally
        warnings.simplefilter("ignore", DeprecationWarning)
        graph.parse(
            data=path.read_text(encoding="utf-8"),
            format="json-ld" if path.suffix == ".jsonld" else "turtle",
        )
    return graph


def test_jsonld_and_turtle_hold_the_same_graph(published: Path) -> None:
    pytest.importorskip("rdflib", reason="pip install rdflib")
    from rdflib.compare import isomorphic

    jsonld, turtle = _graph(published / "dcat.jsonld"), _graph(published / "dcat.ttl")
    assert len(turtle) > 80
    assert isomorphic(jsonld, turtle)


def test_dcat_iris_dates_identifier_and_absolute_urls(published: Path) -> None:
    pytest.importorskip("rdflib", reason="pip install rdflib")
    from rdflib import RDF, XSD, Literal, Namespace, URIRef

    dcat = Namespace("http://www.w3.org/ns/dcat#")
    dct = Namespace("http://purl.org/dc/terms/")
    dcatde = Namespace("http://dcat-ap.de/def/dcatde/")
    graph = _graph(published / "dcat.ttl")
    (catalog,) = graph.subjects(RDF.type, dcat.Catalog)
    (dataset,) = graph.subjects(RDF.type, dcat.Dataset)
    assert (catalog, dcat.dataset, dataset) in graph
    assert isinstance(dataset, URIRef) and str(dataset).startswith(BASE)
    assert graph.value(dataset, dct.identifier) == Literal(str(dataset))
    assert graph.value(dataset, dct.issued).datatype == XSD.date
    assert graph.value(dataset, dcatde.contributorID) == URIRef(
        "http://dcat-ap.de/def/contributors/schleswigHolstein"
    )
    urls = sorted(str(u) for u in graph.objects(None, dcat.accessURL))
    assert urls == sorted(
        [f"{BASE}{name}.csv" for name in TABLES] + [f"{BASE}isek-stadt-neumuenster.zip"]
    )
    for predicate in (dct.license, dcat.accessURL, dct.format, dcat.mediaType, dcat.theme):
        assert all(isinstance(o, URIRef) for o in graph.objects(None, predicate)), predicate
    assert set(graph.objects(None, dct.license)) == {
        URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
    }


def _shapes(files: list[str]) -> Any:
    rdflib = pytest.importorskip("rdflib", reason="pip install rdflib")
    shapes = rdflib.Graph()
    for name in files:
        shapes.parse(SHAPES / name, format="turtle")
    return shapes


def _violations(data: Any, shapes: Any) -> list[tuple[str, str, bool]]:
    """(source shape, message, is a vocabulary lookup) of each top-level SHACL Violation."""
    pyshacl = pytest.importorskip("pyshacl", reason="pip install pyshacl")
    from rdflib import RDF, BNode, Namespace
    from rdflib.collection import Collection

    sh = Namespace("http://www.w3.org/ns/shacl#")
    skos = Namespace("http://www.w3.org/2004/02/skos/core#")

    def vocabulary(shape: Any) -> bool:
        """The shape (or a nested one) asks for `skos:inScheme` + `sh:hasValue <scheme>`."""
        seen, todo = set(), [shape]
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            if (node, sh.path, skos.inScheme) in shapes:
                return True
            for link in (sh.property, sh.node, sh.qualifiedValueShape):
                todo.extend(shapes.objects(node, link))
            for link in (sh["or"], sh["and"], sh.xone):
                for head in shapes.objects(node, link):
                    todo.extend(Collection(shapes, head))
        return False

    def parents(shape: Any) -> list[Any]:
        found = [*shapes.subjects(sh.property, shape), *shapes.subjects(sh.node, shape)]
        for head in shapes.subjects(RDF.first, shape):
            while (up := next(shapes.subjects(RDF.rest, head), None)) is not None:
                head = up
            for link in (sh["or"], sh["and"], sh.xone):
                found.extend(shapes.subjects(link, head))
        return found

    def named(shape: Any) -> Any:
        while isinstance(shape, BNode) and (up := parents(shape)):
            shape = up[0]
        return shape

    _, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, do_owl_imports=False
    )
    (root,) = report.subjects(RDF.type, sh.ValidationReport)
    found = []
    for result in report.objects(root, sh.result):  # top level: nested sh:detail would repeat
        if report.value(result, sh.resultSeverity) != sh.Violation:
            continue
        source = report.value(result, sh.sourceShape)
        message = str(report.value(result, sh.resultMessage))
        found.append((str(named(source)), message, vocabulary(source) or vocabulary(named(source))))
    return found


@pytest.mark.parametrize("suffix", ["ttl", "jsonld"])
@pytest.mark.parametrize("profile", ["Spezifikation", "Konventionen"])
def test_dcat_passes_the_dcat_ap_de_shapes(published: Path, suffix: str, profile: str) -> None:
    """No Violation but the vocabulary lookups that need the remote vocabularies."""
    shapes = _shapes(CONVENTIONS if profile == "Konventionen" else SPECIFICATION)
    data = _graph(published / f"dcat.{suffix}")
    violations = _violations(data, shapes)
    assert [v for v in violations if not v[2]] == []
    assert violations, "offline, the vocabulary lookups fail (else this test checks nothing)"
    # with the published vocabularies' statements about our IRIs it conforms completely
    data.parse(STUBS, format="turtle")
    assert _violations(data, shapes) == []


def test_shapes_find_what_the_old_export_got_wrong(published: Path) -> None:
    """The check above can fail: a licence as a text and an untyped date are Violations."""
    pytest.importorskip("pyshacl", reason="pip install pyshacl")
    from rdflib import Literal, Namespace, URIRef

    dct = Namespace("http://purl.org/dc/terms/")
    data = _graph(published / "dcat.ttl")
    data.parse(STUBS, format="turtle")
    licence = URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
    for distribution, _, _ in list(data.triples((None, dct.license, licence))):
        data.set((distribution, dct.license, Literal(str(licence))))
    (dataset,) = data.subjects(dct.identifier, None)
    data.set((dataset, dct.issued, Literal("2026-11-28")))
    shapes = {v[0].rsplit("#", 1)[-1] for v in _violations(data, _shapes(SPECIFICATION))}
    assert {"Distribution_dct_license_v_IRI", "Dataset_Property_dct_issued"} <= {
        s.rsplit("/", 1)[-1] for s in shapes
    }


def test_without_a_base_url_no_dcat_and_a_notice(example: Path, tmp_path: Path, run: Run) -> None:
    result = _export(run, example, tmp_path / "od")
    assert not (tmp_path / "od" / "dcat.jsonld").exists()
    assert "open_data.base_url" in result.stderr and result.stdout == ""
    with_option = _export(run, example, tmp_path / "od2", "--base-url", BASE)
    assert (tmp_path / "od2" / "dcat.ttl").is_file() and "Hinweis" not in with_option.stderr
    bad = run("export", "--repo", example, "--out", tmp_path / "x", "--base-url", "isek.example")
    assert bad.exit_code == 2 and "--base-url" in bad.stderr


# --- the office's copy and the download --------------------------------------------------


def test_excel_copy_has_bom_semicolons_german_headings_and_decimal_commas(
    published: Path,
) -> None:
    for name in TABLES:
        raw = (published / "excel" / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        portal = list(csv.reader(io.StringIO((published / f"{name}.csv").read_text("utf-8"))))
        excel = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert len(excel) == len(portal) and len(excel[0]) == len(portal[0]), name
    package = json.loads((published / "datapackage.json").read_text(encoding="utf-8"))
    measures = next(r for r in package["resources"] if r["name"] == "measures")
    excel = list(
        csv.DictReader(
            io.StringIO((published / "excel" / "measures.csv").read_text(encoding="utf-8-sig")),
            delimiter=";",
        )
    )
    assert list(excel[0]) == [field["title"] for field in measures["schema"]["fields"]]
    assert (
        "Schlüsselmaßnahme" in excel[0] and "Ergebnisplan: Aufwendungen insgesamt (EUR)" in excel[0]
    )
    # the portal file keeps the machine's form
    assert (published / "measures.csv").read_bytes().startswith(b"id,title,")


def test_excel_copy_writes_decimal_commas_and_defuses_formulas(
    example: Path, tmp_path: Path, run: Run
) -> None:
    measure = example / "data" / "measures" / "DIGI-AKTENPLAN.yaml"
    text = measure.read_text(encoding="utf-8")
    text = text.replace("title: KGSt-konformer Aktenplan", "title: '=HYPERLINK(\"x\")'")
    text = text.replace(
        "themes:", "budget:\n  - {year: 2021, kind: aufwand, amount: 1234.56}\nthemes:"
    )
    measure.write_text(text, encoding="utf-8")
    assert run("validate", "--repo", example).exit_code == 0
    out = tmp_path / "od"
    _export(run, example, out)

    def rows(path: Path, delimiter: str = ",") -> list[list[str]]:
        text = path.read_text(encoding="utf-8-sig")
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))

    excel, portal = rows(out / "excel" / "measures.csv", ";"), rows(out / "measures.csv")
    total = portal[0].index("budget_ergebnisplan")  # both copies have the same column order
    (row,) = [r for r in excel if r[0] == "DIGI-AKTENPLAN"]
    assert row[1] == '\'=HYPERLINK("x")', "a formula in the data is shown, not run"
    assert row[total] == "1234,56"
    (row,) = [r for r in portal if r[0] == "DIGI-AKTENPLAN"]
    assert row[1] == '=HYPERLINK("x")' and row[total] == "1234.56", "the portal file is unchanged"
    budget = [r for r in rows(out / "excel" / "budget.csv", ";") if r[0] == "DIGI-AKTENPLAN"]
    assert budget == [["DIGI-AKTENPLAN", "2021", "aufwand", "Ergebnisplan", "1234,56", ""]]


def test_zip_holds_the_whole_export_and_is_reproducible(
    published: Path, example: Path, tmp_path: Path, run: Run
) -> None:
    archive = published / "isek-stadt-neumuenster.zip"
    names = sorted(zipfile.ZipFile(archive).namelist())
    on_disk = sorted(
        p.relative_to(published).as_posix()
        for p in published.rglob("*")
        if p.is_file() and p != archive
    )
    assert names == on_disk
    assert "excel/measures.csv" in names and "dcat.ttl" in names
    for name in names:
        assert zipfile.ZipFile(archive).read(name) == (published / name).read_bytes()
    again = tmp_path / "again"
    _export(run, example, again)
    assert (again / archive.name).read_bytes() == archive.read_bytes()
