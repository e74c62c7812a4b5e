"""Open data for the municipal portal: CSV or JSON tables, a Frictionless data package and
DCAT-AP.de metadata.

Column order is fixed and documented in `datapackage.json`; lists inside a cell are
joined with "; ". Dates are ISO 8601, amounts plain numbers (no thousands
separators), so the files load into any spreadsheet or statistics tool.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final, Literal

from ..project import Project
from ..text import without_umlauts

ExportFormat = Literal["csv", "json"]

LICENSES: Final = {
    "dl-de/by-2-0": ("Datenlizenz Deutschland – Namensnennung – Version 2.0", "https://www.govdata.de/dl-de/by-2-0",
                     "http://dcat-ap.de/def/licenses/dl-by-de/2.0"),
    "dl-de/zero-2-0": ("Datenlizenz Deutschland – Zero – Version 2.0", "https://www.govdata.de/dl-de/zero-2-0",
                       "http://dcat-ap.de/def/licenses/dl-zero-de/2.0"),
    "cc-by-4.0": ("Creative Commons Namensnennung 4.0 International", "https://creativecommons.org/licenses/by/4.0/",
                  "http://dcat-ap.de/def/licenses/cc-by/4.0"),
    "cc-zero": ("Creative Commons CC Zero", "https://creativecommons.org/publicdomain/zero/1.0/",
                "http://dcat-ap.de/def/licenses/cc-zero"),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # Frictionless field type
    title: str  # German


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (field, other table, other field)


def _join(values: Any) -> str:
    return "; ".join(str(v) for v in values)


def _number(value: Decimal | None) -> Decimal | None:
    """An amount or value exactly as a number: `25000`, `1500.5`, never a binary float.

    A float would turn 12345678901234.56 into 12345678901234.56**2** somewhere down the
    line; the Decimal is written as its digits (CSV by `str`, JSON by `_json_records`).
    """
    return None if value is None else Decimal(format(value.normalize(), "f"))


def _json_records(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    """The rows as a JSON array of objects, like `json.dumps(…, indent=2)`, numbers exact."""

    def value(item: Any) -> str:
        return str(item) if isinstance(item, Decimal) else json.dumps(item, ensure_ascii=False)

    if not rows:
        return "[]\n"
    names = [json.dumps(name, ensure_ascii=False) for name in columns]
    records = (
        "  {\n"
        + ",\n".join(f"    {n}: {value(v)}" for n, v in zip(names, row, strict=True))
        + "\n  }"
        for row in rows
    )
    return "[\n" + ",\n".join(records) + "\n]\n"


def tables(project: Project) -> list[Table]:
    config = project.config
    levels = {level.id: level.name for level in config.levels}
    areas = config.product_areas
    departments = config.departments or {}
    goal_rows = [
        (
            g.id,
            g.title,
            g.level,
            levels.get(g.level, ""),
            g.product_area or "",
            areas.get(config.product_area_key(g.product_area) or "", ""),
            g.parent or "",
            _join(g.contributes_to),
            _join(g.replaces),
            _join(g.sdgs),
            _join(g.themes),
            (g.description or "").strip(),
            _join(g.assumptions),
        )
        for g in (item.model for item in project.goals)
    ]
    measures = sorted((item.model for item in project.measures), key=lambda m: m.id)
    measure_rows = []
    for m in measures:
        latest = m.reports[-1] if m.reports else None
        measure_rows.append(
            (
                m.id, m.title, _join(m.goals), m.department, departments.get(m.department, ""), m.status,
                config.status_name(m.status), m.rating or "", (m.rating_reason or "").strip(), m.term or "",
                str(m.start or ""), str(m.end or ""), m.decided_by or "", _join(m.resolutions), _join(m.sdgs),
                _join(m.themes), _join(m.assumptions),
                _number(sum((line.amount for line in m.budget), Decimal(0))),
                latest.date.isoformat() if latest else "", latest.status if latest else "",
                latest.text.strip() if latest else "", (m.description or "").strip(),
            )
        )  # fmt: skip
    budget_rows = [
        (m.id, line.year, line.kind, _number(line.amount)) for m in measures for line in m.budget
    ]
    report_rows = [
        (m.id, r.date.isoformat(), r.status, r.text.strip()) for m in measures for r in m.reports
    ]
    resolution_rows = [
        (m.id, i + 1, r, "", "", "", "") if isinstance(r, str) else
        (m.id, i + 1, r.number or "", r.body or "", r.date.isoformat() if r.date else "", r.title or "", r.url or "")
        for m in measures for i, r in enumerate(m.resolutions)
    ]  # fmt: skip
    value_rows: list[tuple[Any, ...]] = []
    for goal in (item.model for item in project.goals):
        for indicator in goal.indicators:
            points: list[tuple[int, str, Decimal, str]] = []
            if indicator.baseline:
                points.append(
                    (indicator.baseline.year, "Ausgangswert", indicator.baseline.value, "")
                )
            points.extend((v.year, "Messwert", v.value, "") for v in indicator.values)
            if indicator.target:
                t = indicator.target
                points.append((t.year, "Zielwert", t.value, t.comparison))
            value_rows.extend(
                (
                    goal.id,
                    indicator.id,
                    indicator.name,
                    indicator.unit or "",
                    year,
                    kind,
                    _number(value),
                    comparison,
                )
                for year, kind, value, comparison in points
            )
    text, integer, number = "string", "integer", "number"
    return [
        Table("goals", "Ziele", (
            Column("id", text, "ID"), Column("title", text, "Ziel"), Column("level", text, "Ebene (ID)"),
            Column("level_name", text, "Ebene"), Column("product_area", text, "Produktbereich (Schlüssel)"),
            Column("product_area_name", text, "Produktbereich"), Column("parent", text, "Übergeordnetes Ziel"),
            Column("contributes_to", text, "Trägt bei zu"), Column("replaces", text, "Führt fort"),
            Column("sdgs", text, "SDGs"), Column("themes", text, "Themen"), Column("description", text, "Beschreibung"),
            Column("assumptions", text, "Angenommene Felder (nicht aus Quellen)"),
        ), goal_rows, ("id",)),
        Table("measures", "Schlüsselmaßnahmen", (
            Column("id", text, "ID"), Column("title", text, "Schlüsselmaßnahme"), Column("goals", text, "Ziele (IDs)"),
            Column("department", text, "Federführender Fachdienst"), Column("department_name", text, "Fachdienst (Name)"),
            Column("status", text, "Status (ID)"), Column("status_name", text, "Umsetzungsstand"),
            Column("rating", text, "Ampel"), Column("rating_reason", text, "Begründung der Ampel"),
            Column("term", text, "Fristigkeit"), Column("start", text, "Beginn"), Column("end", text, "Ende"),
            Column("decided_by", text, "Beschlossen von (selbstverwaltung, verwaltung)"),
            Column("resolutions", text, "Beschlüsse (Drucksachen)"), Column("sdgs", text, "SDGs"),
            Column("themes", text, "Themen"), Column("assumptions", text, "Angenommene Felder (nicht aus Quellen)"),
            Column("budget_total", number, "Haushaltsansätze insgesamt (EUR)"),
            Column("latest_report_date", "date", "Letzter Statusbericht"), Column("latest_report_status", text, "Status laut letztem Bericht"),
            Column("latest_report_text", text, "Sachstand"), Column("description", text, "Beschreibung"),
        ), measure_rows, ("id",)),
        Table("budget", "Haushaltsansätze", (
            Column("measure_id", text, "Maßnahme"), Column("year", integer, "Haushaltsjahr"),
            Column("kind", text, "Art (investition, aufwand, personal)"), Column("amount", number, "Betrag (EUR)"),
        ), budget_rows, ("measure_id", "year", "kind"), (("measure_id", "measures", "id"),)),
        Table("resolutions", "Beschlüsse zu Maßnahmen", (
            Column("measure_id", text, "Maßnahme"), Column("position", integer, "Nr."),
            Column("number", text, "Drucksache"), Column("body", text, "Gremium"), Column("date", "date", "Datum"),
            Column("title", text, "Gegenstand"), Column("url", text, "Link"),
        ), resolution_rows, ("measure_id", "position"), (("measure_id", "measures", "id"),)),
        Table("status_reports", "Statusberichte", (
            Column("measure_id", text, "Maßnahme"), Column("date", "date", "Datum"),
            Column("status", text, "Status"), Column("text", text, "Sachstand"),
        ), report_rows, ("measure_id", "date", "text"), (("measure_id", "measures", "id"),)),
        Table("indicator_values", "Kennzahlen", (
            Column("goal_id", text, "Ziel"), Column("indicator_id", text, "Kennzahl (ID)"),
            Column("indicator_name", text, "Kennzahl"), Column("unit", text, "Einheit"),
            Column("year", integer, "Jahr"), Column("kind", text, "Art (Ausgangswert, Messwert, Zielwert)"),
            Column("value", number, "Wert"), Column("comparison", text, "Vergleich (bei Zielwerten)"),
        ), value_rows, ("indicator_id", "year", "kind"), (("goal_id", "goals", "id"),)),
    ]  # fmt: skip


def table_text(table: Table, fmt: ExportFormat) -> str:
    if fmt == "json":
        return _json_records([c.name for c in table.columns], table.rows)
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")  # RFC 4180
    writer.writerow([c.name for c in table.columns])
    writer.writerows(["" if v is None else v for v in row] for row in table.rows)
    return stream.getvalue()


def _package_name(municipality: str) -> str:
    """Frictionless names are lower-case ASCII: 'Stadt Neumünster' -> 'isek-stadt-neumuenster'."""
    text = without_umlauts(municipality.lower())
    return "isek-" + re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def datapackage(
    project: Project, all_tables: list[Table], fmt: ExportFormat, issued: date
) -> dict[str, Any]:
    """A Frictionless Data Package (https://specs.frictionlessdata.io/data-package/)."""
    config = project.config
    title, path, _ = LICENSES.get(config.open_data.license, (config.open_data.license, "", ""))
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": _package_name(config.municipality),
        "title": f"ISEK-Zielsystem und Schlüsselmaßnahmen – {config.municipality}",
        "description": "Ziele, Kennzahlen, Schlüsselmaßnahmen, Haushaltsansätze und Statusberichte des "
        "integrierten Stadtentwicklungskonzepts (ISEK).",
        "created": issued.isoformat(),
        "licenses": [{"name": config.open_data.license, "title": title, "path": path}],
        "contributors": [
            {"title": config.open_data.publisher or config.municipality, "role": "publisher"}
        ],
        "resources": [],
    }
    for table in all_tables:
        schema: dict[str, Any] = {
            "fields": [{"name": c.name, "type": c.type, "title": c.title} for c in table.columns],
            "primaryKey": list(table.primary_key),
        }
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": field, "reference": {"resource": other, "fields": other_field}}
                for field, other, other_field in table.foreign_keys
            ]
        resource: dict[str, Any] = {
            "name": table.name, "title": table.title, "path": f"{table.name}.{fmt}", "format": fmt,
            "mediatype": "text/csv" if fmt == "csv" else "application/json", "encoding": "utf-8", "schema": schema,
        }  # fmt: skip
        if fmt == "csv":
            resource["dialect"] = {"delimiter": ",", "header": True, "lineTerminator": "\r\n"}
        package["resources"].append(resource)
    return package


def dcat(
    project: Project, all_tables: list[Table], fmt: ExportFormat, issued: date
) -> dict[str, Any]:
    """DCAT-AP.de metadata of the dataset and one distribution per table (JSON-LD)."""
    config = project.config
    opendata = config.open_data
    _, _, license_uri = LICENSES.get(opendata.license, ("", "", opendata.license))
    publisher: dict[str, Any] = {
        "@type": "foaf:Organization",
        "foaf:name": opendata.publisher or config.municipality,
    }
    if opendata.publisher_url:
        publisher["foaf:homepage"] = opendata.publisher_url
    dataset: dict[str, Any] = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
            "dcatde": "http://dcat-ap.de/def/dcatde/", "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
        },
        "@type": "dcat:Dataset",
        "dct:title": {"@language": "de", "@value": f"ISEK-Zielsystem und Schlüsselmaßnahmen – {config.municipality}"},
        "dct:description": {"@language": "de", "@value": "Ziele, Kennzahlen, Schlüsselmaßnahmen, Haushaltsansätze und "
                            "Statusberichte des integrierten Stadtentwicklungskonzepts (ISEK)."},
        "dct:publisher": publisher,
        "dct:issued": issued.isoformat(),
        "dct:modified": issued.isoformat(),
        "dct:language": "http://publications.europa.eu/resource/authority/language/DEU",
        "dcat:theme": "http://publications.europa.eu/resource/authority/data-theme/GOVE",
        "dcat:keyword": ["ISEK", "Stadtentwicklung", "Zielsystem", "Haushalt"],
        "dcatde:licenseAttributionByText": opendata.publisher or config.municipality,
    }  # fmt: skip
    if opendata.contact_email:
        dataset["dcat:contactPoint"] = {
            "@type": "vcard:Organization",
            "vcard:hasEmail": f"mailto:{opendata.contact_email}",
        }
    if opendata.ars:
        dataset["dcatde:politicalGeocodingURI"] = (
            f"http://dcat-ap.de/def/politicalGeocoding/regionalKey/{opendata.ars}"
        )
        dataset["dcatde:politicalGeocodingLevelURI"] = (
            "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
        )
    dataset["dcat:distribution"] = [
        {
            "@type": "dcat:Distribution",
            "dct:title": {"@language": "de", "@value": table.title},
            "dcat:accessURL": f"{table.name}.{fmt}",
            "dct:format": "http://publications.europa.eu/resource/authority/file-type/"
            + fmt.upper(),
            "dcat:mediaType": "text/csv" if fmt == "csv" else "application/json",
            "dct:license": license_uri,
        }
        for table in all_tables
    ]
    return dataset


def export_files(
    project: Project, fmt: ExportFormat, issued: date, *, errors: int = 0
) -> dict[str, str]:
    """File name -> text of every file of the export.

    `errors`: the data has that many errors and is exported anyway (--allow-errors);
    the descriptions of the package and the dataset then say so.
    """
    all_tables = tables(project)
    files = {f"{t.name}.{fmt}": table_text(t, fmt) for t in all_tables}
    package = datapackage(project, all_tables, fmt, issued)
    dataset = dcat(project, all_tables, fmt, issued)
    if errors:
        warning = f"Die Daten enthalten Fehler ({errors}): dieser Export kann unvollständig oder falsch sein. "
        package["description"] = warning + package["description"]
        dataset["dct:description"]["@value"] = warning + dataset["dct:description"]["@value"]
    files["datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    files["dcat.jsonld"] = json.dumps(dataset, ensure_ascii=False, indent=2) + "\n"
    return files
