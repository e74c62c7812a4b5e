"""JSON Schemas of the file kinds, generated from the models, for editors and other tools.

The data files carry a `# yaml-language-server: $schema=…` line, so VS Code with the
YAML extension completes field names and shows the German descriptions below. The
schemas in the package's `schemas/` are generic; given a repository's configuration
(`isekctl schema --repo DIR`, `isekctl init`) the goal and measure schemas also list
its levels, product areas, themes, departments and statuses, so the editor completes
them and marks a typo before `isekctl validate` does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from ..kinds import FileKind
from ..model import Config, model_of
from ..writing.atomic import write_text

# German hover texts per model and field
DESCRIPTIONS: Final[dict[str, dict[str, str]]] = {
    "Config": {
        "municipality": "Name der Kommune, z. B. Stadt Neumünster.",
        "levels": "Zielebenen, oberste zuerst.",
        "product_areas": "Produktbereiche: Schlüssel → Name.",
        "departments": "Fachdienste: Kürzel → Name. Wenn angegeben, muss jede Maßnahme einen davon nennen.",
        "themes": "Zusätzliche Einordnung, z. B. Handlungsfelder.",
        "statuses": "Status-Vokabular der Maßnahmen.",
        "done_statuses": "Status, die als erledigt gelten (Standard: die bekannten Wörter wie abgeschlossen, erledigt, umgesetzt).",
        "department_areas": "Fachdienst → Produktbereich: der Produktbereich seiner Maßnahmen, wenn sie keinen eigenen nennen.",
        "planning_horizon": "Wie viele Jahre nach den Haushaltsjahren Ansätze als Finanzplanung gelten (Standard 3).",
        "resolution_pattern": "Regulärer Ausdruck für Drucksachennummern.",
        "resolution_url": "Link zu einer Drucksache; {resolution} wird ersetzt.",
        "stale_after_months": "Ab wie vielen Monaten ein Statusbericht als veraltet gilt.",
        "open_data": "Angaben für den Open-Data-Export (DCAT-AP.de).",
        "publish": "Was `report --kind all` veröffentlicht: {internal_reports: true} nimmt auch die internen Berichte (Haushaltsbericht) in die Website auf.",
        "checks": "Schwere einzelner Prüfungen ändern: Prüfcode → error, warning oder off.",
        "assumptions": "Annahmen: welche Felder zur Veranschaulichung angenommen sind, nicht aus einer Quelle belegt (die Berichte markieren sie).",
    },
    "OpenData": {
        "publisher": "Veröffentlichende Stelle, z. B. Stadt Neumünster.",
        "publisher_url": "Webseite der veröffentlichenden Stelle.",
        "contact_email": "Kontakt für Rückfragen zu den Daten.",
        "license": "Lizenz-Kennung, z. B. dl-de/by-2-0.",
        "ars": "Amtlicher Regionalschlüssel (12 Ziffern).",
        "base_url": "Adresse, unter der der Export veröffentlicht wird (für absolute Links).",
        "contributor_id": "dcatde:contributorID der veröffentlichenden Stelle.",
    },
    "Publish": {
        "internal_reports": "Interne Berichte (Haushaltsbericht) mit veröffentlichen (Standard: nein).",
    },
    "Goal": {
        "id": "Dauerhafte ID des Ziels; ändert sich nie, auch wenn der Wortlaut sich ändert.",
        "title": "Wortlaut des Ziels.",
        "level": "Zielebene (ID aus isek.yaml `levels`).",
        "product_area": "Produktbereich (Schlüssel aus isek.yaml), wenn die Ebene es verlangt.",
        "parent": "Übergeordnetes Ziel auf einer höheren Ebene.",
        "contributes_to": "Weitere Ziele, zu denen dieses beiträgt.",
        "replaces": "Frühere IDs, die dieses Ziel fortführt (umnummeriert, zusammengeführt, geteilt).",
        "description": "Beschreibung (Markdown).",
        "rationale": "Begründung der Verwaltung für eine vorgeschlagene Änderung (erscheint in der Synopse).",
        "sdgs": "Nachhaltigkeitsziele der Agenda 2030 (1–17).",
        "themes": "Themen (Schlüssel aus isek.yaml `themes`).",
        "indicators": "Kennzahlen mit Ausgangswert, Zielwert und Messwerten.",
        "assumptions": "Annahmen: welche Felder zur Veranschaulichung angenommen sind, nicht aus einer Quelle belegt (die Berichte markieren sie).",
    },
    "Indicator": {
        "id": "Dauerhafte ID der Kennzahl.",
        "name": "Name der Kennzahl.",
        "unit": "Einheit, z. B. t oder %.",
        "definition": "Wie die Kennzahl berechnet wird.",
        "source": "Quelle der Werte, z. B. Statistikamt Nord.",
        "sdg_indicator": "Kennung im Portal „SDG-Indikatoren für Kommunen“.",
        "baseline": "Ausgangswert {year, value}.",
        "target": "Zielwert {year, value, comparison}.",
        "target_path": "Sollwerte je Jahr auf dem Weg zum Zielwert.",
        "values": "Messwerte (Ist) je Jahr.",
        "assumptions": "Annahmen: welche Felder zur Veranschaulichung angenommen sind, nicht aus einer Quelle belegt (die Berichte markieren sie).",
    },
    "Measure": {
        "id": "Dauerhafte ID; der Dateiname ist <id>.yaml.",
        "title": "Titel der Schlüsselmaßnahme.",
        "goals": "IDs der Ziele, denen die Maßnahme dient (mindestens eines).",
        "department": "Federführender Fachdienst, z. B. FD 32.",
        "decided_by": "Wer die Maßnahme beschlossen hat: selbstverwaltung oder verwaltung.",
        "status": "Umsetzungsstand (Vokabular aus isek.yaml).",
        "rating": "Ampel: gruen, gelb oder rot.",
        "rating_reason": "Begründung, Pflicht bei gelb und rot.",
        "term": "Fristigkeit: kurzfristig, mittelfristig oder langfristig.",
        "start": "Beginn: 2021, 2021-09, 2021-Q3, 2021-H1 oder 2021-09-30.",
        "end": "Ende, in denselben Formen wie der Beginn.",
        "description": "Beschreibung (Markdown).",
        "product_area": "Produktbereich der Maßnahme (sonst aus Produkt, Fachdienst oder erstem Ziel).",
        "product": "Produkt des Produktrahmens, z. B. 1.1.1.01.",
        "budget": "Haushaltsansätze je Jahr und Art in Euro.",
        "resolutions": "Drucksachen, z. B. 0121/2018/MV, oder Beschlüsse {number, body, date, title, url}.",
        "sdgs": "Nachhaltigkeitsziele der Agenda 2030 (1–17).",
        "themes": "Themen (Schlüssel aus isek.yaml `themes`).",
        "reports": "Statusberichte, der älteste zuerst.",
        "assumptions": "Annahmen: welche Felder zur Veranschaulichung angenommen sind, nicht aus einer Quelle belegt (die Berichte markieren sie).",
    },
    "BudgetLine": {
        "year": "Haushaltsjahr.",
        "kind": "investition, aufwand oder personal.",
        "amount": "Betrag in ganzen Euro, ohne Tausenderpunkte (25000).",
        "actual": "Ist: tatsächlich verausgabter Betrag in Euro.",
    },
    "Resolution": {
        "number": "Drucksachennummer, wenn es eine gibt.",
        "body": "Beschließendes Gremium, z. B. Ratsversammlung.",
        "date": "Datum des Beschlusses (JJJJ-MM-TT).",
        "title": "Gegenstand des Beschlusses.",
        "url": "Link, z. B. zum Ratsinformationssystem (OParl).",
    },
    "StatusReport": {
        "date": "Datum des Berichts (JJJJ-MM-TT).",
        "status": "Status zum Berichtszeitpunkt.",
        "text": "Sachstand.",
    },
    "Revision": {
        "id": "ID der Revision, z. B. 2020; der Dateiname ist <id>.yaml.",
        "title": "Titel, z. B. ISEK-Zielsystem 2020.",
        "state": "beschlossen oder entwurf.",
        "decided_by": "Beschließendes Gremium, z. B. Ratsversammlung.",
        "decided_on": "Datum des Beschlusses.",
        "resolution": "Drucksache des Beschlusses.",
        "budget_years": "Haushaltsjahre des Haushalts: eines (Haushalt 2026) oder zwei (Doppelhaushalt 2025/2026).",
        "goals": "Die beschlossenen Ziele.",
        "measures": "Die mit dem Zielsystem bestätigten Maßnahmen (wie in data/measures/).",
    },
}


def _describe(schema: dict[str, Any]) -> None:
    definitions = schema.get("$defs", {})
    for name, node in [("root", schema), *definitions.items()]:
        title = node.get("title", name)
        texts = DESCRIPTIONS.get(title, {})
        for field, text in texts.items():
            if field in node.get("properties", {}):
                node["properties"][field]["description"] = text


def _key_values(keys: list[str]) -> dict[str, Any]:
    """Keys as the editor should offer them: the texts, and digits also as the number."""
    numbers = sorted({int(k) for k in keys if k.isascii() and k.isdigit()})
    texts: dict[str, Any] = {"type": "string", "enum": list(keys)}
    return {"anyOf": [texts, {"type": "integer", "enum": numbers}]} if numbers else texts


def _restrict(node: dict[str, Any], field: str, keys: list[str]) -> None:
    """Allow only `keys` in `field` (a value, an optional value or a list of values)."""
    prop = node.get("properties", {}).get(field)
    if prop is None or not keys:
        return
    allowed = _key_values(keys)
    kept = {k: prop[k] for k in ("title", "description", "default") if k in prop}
    if prop.get("type") == "array":
        prop["items"] = allowed
    elif {"type": "null"} in prop.get("anyOf", []):
        node["properties"][field] = {**kept, "anyOf": [allowed, {"type": "null"}]}
    else:
        node["properties"][field] = {**kept, **allowed}


def _vocabulary(schema: dict[str, Any], config: Config) -> None:
    """The repository's words as enums in the goal and measure definitions."""
    areas = list(config.product_areas)
    themes = list(config.themes.items) if config.themes else []
    statuses = config.status_ids()
    for name, node in [(schema.get("title", ""), schema), *schema.get("$defs", {}).items()]:
        title = node.get("title", name)
        if title == "Goal":
            _restrict(node, "level", [level.id for level in config.levels])
            _restrict(node, "product_area", areas)
            _restrict(node, "themes", themes)
        elif title == "Measure":
            _restrict(node, "department", list(config.departments or {}))
            _restrict(node, "status", statuses)
            _restrict(node, "product_area", areas)
            _restrict(node, "themes", themes)
        elif title == "StatusReport":
            _restrict(node, "status", statuses)


def json_schema(kind: FileKind, config: Config | None = None) -> dict[str, Any]:
    """The schema of a file kind; with `config`, goal and measure files know its words.

    Revisions stay generic: they record the words valid when they were decided.
    """
    schema = model_of(kind).model_json_schema(mode="validation")
    _describe(schema)
    if config is not None and kind in (FileKind.GOALS, FileKind.MEASURE):
        _vocabulary(schema, config)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://isekctl.invalid/schemas/{kind.schema_file}",
        **schema,
        "title": kind.schema_title,
    }


def write_schemas(out: Path, config: Config | None = None) -> list[Path]:
    written = []
    for kind in FileKind:
        target = out / kind.schema_file
        schema = json_schema(kind, config)
        text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        write_text(target, text, overwrite=True)
        written.append(target)
    return written
