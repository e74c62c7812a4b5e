"""isek.yaml must be consistent in itself before anything else is judged by it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from ..findings import E, Finding, Rule, catalogue
from ..model import LICENSES, license_of
from ..text import did_you_mean, web_address
from .registry import Context, project_check
from .vocabulary import resolution_matcher

CONFIG = Rule("ISEK044", "config", E, "isek.yaml ist in sich widersprüchlich.",
              "`isek.yaml` korrigieren (Muster, Link-Vorlage, doppelte Einträge, `checks`).")  # fmt: skip
OPEN_DATA = Rule("ISEK045", "open-data", E,
                 "Die Angaben für offene Daten (`open_data`) taugen nicht für ein Datenportal.",
                 "Eine Lizenz aus dem Vokabular von dcat-ap.de, eine https-Adresse als `base_url` "
                 "und den zwölfstelligen Regionalschlüssel angeben.")  # fmt: skip


@project_check(CONFIG)
def check_config(ctx: Context) -> Iterator[Finding]:
    item = ctx.project.config_item
    if item is None:
        return
    config = ctx.config
    if resolution_matcher(config) is None:
        yield CONFIG.at(
            item.at("resolution_pattern"),
            f"`{config.resolution_pattern}` ist kein gültiger regulärer Ausdruck.",
            "Rückverweise und Lookarounds werden nicht unterstützt; z. B. '^\\d{4}/\\d{4}/[A-Za-z]+$'.",
        )
    if config.resolution_url and (
        "{resolution}" not in config.resolution_url or not web_address(config.resolution_url)
    ):
        yield CONFIG.at(
            item.at("resolution_url"),
            "`resolution_url` muss mit https:// beginnen und `{resolution}` enthalten.",
            "z. B. 'https://ratsinfo.example/{resolution}'.",
        )
    for name, values in (
        ("levels", [lv.id for lv in config.levels]),
        ("statuses", config.status_ids()),
    ):
        for value, count in Counter(values).items():
            if count > 1:
                yield CONFIG.at(item.at(name), f"`{value}` steht mehrfach in `{name}`.")
    rules = catalogue()
    switchable = [code for code, rule in rules.items() if rule.switchable]
    for code in config.checks:
        rule = rules.get(code)
        if rule is None or not rule.switchable:
            yield CONFIG.at(
                item.at("checks", code, key=True),
                f"`{code}` lässt sich nicht umstellen."
                if rule is not None
                else f"Den Prüfcode `{code}` gibt es nicht.",
                f"Umstellen lassen sich die Codes ab {switchable[0]}; die Liste aller Prüfungen "
                "steht in docs/pruefungen.md (von isekctl init angelegt).",
            )
    statuses = set(config.status_ids())
    for i, done in enumerate(config.done_statuses or []):
        if done not in statuses:
            yield CONFIG.at(
                item.at("done_statuses", i),
                f"`{done}` steht nicht in `statuses`.",
                did_you_mean(done, config.status_ids()),
            )
    if config.done_statuses is None and not config.done():
        yield CONFIG.at(
            item.at("statuses"),
            "Kein Status in `statuses` gilt als erledigt; so ist keine Maßnahme je fertig.",
            "In isek.yaml ergänzen, welche Status erledigt bedeuten, z. B. "
            f"`done_statuses: [{config.status_ids()[-1]}]`.",
        )


@project_check(OPEN_DATA)
def check_open_data(ctx: Context) -> Iterator[Finding]:
    item = ctx.project.config_item
    if item is None:
        return
    opendata = ctx.config.open_data
    if license_of(opendata.license) is None:
        yield OPEN_DATA.at(
            item.at("open_data", "license"),
            f"Die Lizenz `{opendata.license}` kennt das Lizenzvokabular von dcat-ap.de nicht; "
            "ein Datenportal lehnt den Export ab.",
            did_you_mean(opendata.license, {key: item.name for key, item in LICENSES.items()}),
        )
    if opendata.base_url is not None and not web_address(opendata.base_url):
        yield OPEN_DATA.at(
            item.at("open_data", "base_url"),
            f"`{opendata.base_url}` ist keine Internetadresse.",
            "Die Adresse, unter der der Export veröffentlicht wird, z. B. "
            "'https://stadt.gitlab.io/isek/opendata/'.",
        )
    if opendata.publisher_url is not None and not web_address(opendata.publisher_url):
        yield OPEN_DATA.at(
            item.at("open_data", "publisher_url"),
            f"`{opendata.publisher_url}` taugt nicht als Link in den Metadaten des "
            "Datenportals: nur http(s)-Adressen ohne Leerzeichen, Anführungszeichen und spitze "
            "Klammern.",
            "Die Webseite der veröffentlichenden Stelle, z. B. 'https://www.neumuenster.de/'.",
        )
    if opendata.ars is not None and not re.fullmatch(r"[0-9]{12}", opendata.ars):
        yield OPEN_DATA.at(
            item.at("open_data", "ars"),
            f"`{opendata.ars}` ist kein amtlicher Regionalschlüssel (12 Ziffern).",
            "In Anführungszeichen schreiben, damit führende Nullen bleiben: '010040000000'.",
        )
