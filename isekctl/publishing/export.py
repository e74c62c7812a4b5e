"""Open data for the municipal portal: CSV or JSON tables, a Frictionless data package,
DCAT-AP.de metadata, a copy for German Excel and one zip of everything.

Column order is fixed and documented in `datapackage.json`; lists inside a cell are
joined with "; ". Dates are ISO 8601, amounts plain numbers (no thousands
separators), so the files load into any statistics tool. German Excel expects `;`
between columns, a decimal comma and a byte order mark; the copies in `excel/` have
them (and German column headings), the portal files stay as the standards want.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final, Literal

from ..model import Measure, license_of
from ..project import Project
from ..text import without_umlauts
from . import dcat as rdf
from .german import BUDGET_PLANS

ExportFormat = Literal["csv", "json"]
EXCEL_FOLDER: Final = "excel"


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


def _plan_total(measure: Measure, plan: str) -> Decimal | None:
    """The measure's lines of one plan (Ergebnis- or Finanzplan) summed; empty (not 0) when it has none there.

    Aufwendungen (Ergebnisplan) and Investitionsauszahlungen (Finanzplan) are never added
    into one figure: in the doppischer Haushalt that sum has no meaning.
    """
    amounts = [line.amount for line in measure.budget if BUDGET_PLANS[line.kind] == plan]
    return _number(sum(amounts, Decimal(0))) if amounts else None


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
                _plan_total(m, "Ergebnisplan"), _plan_total(m, "Finanzplan"),
                latest.date.isoformat() if latest else "", latest.status if latest else "",
                latest.text.strip() if latest else "", (m.description or "").strip(),
            )
        )  # fmt: skip
    budget_rows = [
        (m.id, line.year, line.kind, BUDGET_PLANS[line.kind], _number(line.amount),
         _number(line.actual))
        for m in measures for line in m.budget
    ]  # fmt: skip
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
            Column("budget_ergebnisplan", number, "Ergebnisplan: Aufwendungen insgesamt (EUR)"),
            Column("budget_finanzplan", number, "Finanzplan: Auszahlungen für Investitionen insgesamt (EUR)"),
            Column("latest_report_date", "date", "Letzter Statusbericht"), Column("latest_report_status", text, "Status laut letztem Bericht"),
            Column("latest_report_text", text, "Sachstand"), Column("description", text, "Beschreibung"),
        ), measure_rows, ("id",)),
        Table("budget", "Haushaltsansätze", (
            Column("measure_id", text, "Maßnahme"), Column("year", integer, "Haushaltsjahr"),
            Column("kind", text, "Art (investition, aufwand, personal)"),
            Column("plan", text, "Plan (Ergebnisplan, Finanzplan)"), Column("amount", number, "Ansatz (EUR)"),
            Column("actual", number, "Ist (EUR)"),
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


def package_name(municipality: str) -> str:
    """Frictionless names are lower-case ASCII: 'Stadt Neumünster' -> 'isek-stadt-neumuenster'."""
    text = without_umlauts(municipality.lower())
    return "isek-" + re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def datapackage(
    project: Project,
    all_tables: list[Table],
    fmt: ExportFormat,
    issued: date,
    base_url: str | None = None,
) -> dict[str, Any]:
    """A Frictionless Data Package (https://specs.frictionlessdata.io/data-package/)."""
    config = project.config
    licence = license_of(config.open_data.license)
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": package_name(config.municipality),
        "title": f"ISEK-Zielsystem und Schlüsselmaßnahmen – {config.municipality}",
        "description": rdf.DESCRIPTION,
        # RFC 3339 date-time, as the specification requires
        "created": f"{issued.isoformat()}T00:00:00Z",
        "licenses": [
            {"name": config.open_data.license, "title": licence.name, "path": licence.url}
            if licence
            else {"name": config.open_data.license}
        ],
        "contributors": [
            {"title": config.open_data.publisher or config.municipality, "role": "publisher"}
        ],
        "resources": [],
    }
    if base_url:
        package["homepage"] = rdf.absolute(base_url, "")
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
            "profile": "tabular-data-resource",
            "name": table.name, "title": table.title, "path": f"{table.name}.{fmt}", "format": fmt,
            "mediatype": "text/csv" if fmt == "csv" else "application/json", "encoding": "utf-8", "schema": schema,
        }  # fmt: skip
        if fmt == "csv":
            resource["dialect"] = {"delimiter": ",", "header": True, "lineTerminator": "\r\n"}
        package["resources"].append(resource)
    return package


def dcat_graph(
    project: Project,
    all_tables: list[Table],
    fmt: ExportFormat,
    issued: date,
    base_url: str,
    description: str = rdf.DESCRIPTION,
) -> list[rdf.Node]:
    """DCAT-AP.de: catalog, dataset, one distribution per table and one for the zip."""
    distributions = [rdf.Distribution(f"{t.name}.{fmt}", t.title) for t in all_tables]
    distributions.append(
        rdf.Distribution(zip_name(project), "Alle Dateien des Exports (ZIP-Archiv)")
    )
    return rdf.graph(project.config, distributions, issued, base_url, description)


_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _excel_cell(value: Any, column: Column) -> str:
    """A cell as German Excel reads it: decimal comma; text never taken for a formula."""
    if value is None or value == "":
        return ""
    if column.type in ("number", "integer"):
        return str(value).replace(".", ",")
    text = str(value)
    # OWASP "CSV injection": a cell starting like a formula would be run by the spreadsheet
    return "'" + text if text.startswith(_FORMULA_START) else text


def excel_text(table: Table) -> str:
    """The table for double-clicking in German Excel: BOM, `;`, German headings."""
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.title for c in table.columns])
    writer.writerows(
        [_excel_cell(v, c) for v, c in zip(row, table.columns, strict=True)] for row in table.rows
    )
    return "\ufeff" + stream.getvalue()


def zip_name(project: Project) -> str:
    return package_name(project.config.municipality) + ".zip"


def zip_bytes(files: dict[str, bytes], issued: date) -> bytes:
    """All files in one archive; the same files give the same bytes (fixed times, sorted)."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(issued.year, issued.month, issued.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return stream.getvalue()


def export_files(
    project: Project,
    fmt: ExportFormat,
    issued: date,
    base_url: str | None = None,
    *,
    errors: int = 0,
) -> dict[str, bytes]:
    """File name -> content of every file of the export.

    The DCAT-AP.de files need absolute addresses; without a base URL (`--base-url` or
    `open_data.base_url`) they are left out. `errors`: the data has that many errors and
    is exported anyway (--allow-errors); the descriptions of the package and the dataset
    then say so.
    """
    base_url = base_url or project.config.open_data.base_url
    all_tables = tables(project)
    texts = {f"{t.name}.{fmt}": table_text(t, fmt) for t in all_tables}
    texts.update({f"{EXCEL_FOLDER}/{t.name}.csv": excel_text(t) for t in all_tables})
    package = datapackage(project, all_tables, fmt, issued, base_url)
    warning = (
        f"Die Daten enthalten Fehler ({errors}): dieser Export kann unvollständig oder falsch "
        "sein. "
        if errors
        else ""
    )
    package["description"] = warning + package["description"]
    texts["datapackage.json"] = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    if base_url:
        nodes = dcat_graph(project, all_tables, fmt, issued, base_url, warning + rdf.DESCRIPTION)
        texts["dcat.jsonld"] = rdf.jsonld(nodes)
        texts["dcat.ttl"] = rdf.turtle(nodes)
    files = {name: text.encode("utf-8") for name, text in texts.items()}
    files[zip_name(project)] = zip_bytes(files, issued)
    return files
