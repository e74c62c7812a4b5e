"""Words from isek.yaml: product areas, themes, departments, statuses, council papers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..findings import E, Finding, Rule
from ..model import Config
from ..project import Item
from ..text import did_you_mean, web_address
from .goals import goal_systems
from .registry import Context, project_check

UNKNOWN_THEME = Rule(
    "ISEK023",
    "unknown-theme",
    E,
    "Ein Thema ist in isek.yaml nicht konfiguriert.",
    "Thema in `isek.yaml` unter `themes: items:` anlegen oder korrigieren.",
)
UNKNOWN_PRODUCT_AREA = Rule(
    "ISEK040",
    "unknown-product-area",
    E,
    "Der Produktbereich ist in isek.yaml nicht konfiguriert.",
    "Schlüssel aus `isek.yaml` `product_areas` verwenden.",
)
UNKNOWN_DEPARTMENT = Rule(
    "ISEK041",
    "unknown-department",
    E,
    "Der Fachdienst ist in isek.yaml nicht konfiguriert.",
    "Fachdienst aus `isek.yaml` `departments` verwenden.",
)
UNKNOWN_STATUS = Rule(
    "ISEK042",
    "unknown-status",
    E,
    "Der Status gehört nicht zum Vokabular in isek.yaml.",
    "Status aus `isek.yaml` `statuses` verwenden.",
)
RESOLUTION_PATTERN = Rule("ISEK043", "resolution-pattern", E,
                          "Die Drucksachennummer hat nicht das konfigurierte Format.",
                          "Nummer wie `0503/2018/DS` schreiben (Muster `resolution_pattern`).")  # fmt: skip
RESOLUTION_LINK = Rule("ISEK046", "resolution-link", E,
                       "Der Link eines Beschlusses ist keine http(s)-Internetadresse.",
                       "Die Adresse im Ratsinformationssystem angeben, z. B. "
                       "'https://ratsinfo.example/vorlage/0503-2018'.")  # fmt: skip


def resolution_matcher(config: Config) -> Callable[[str], bool] | None:
    """A test for council paper numbers, or None when the configured pattern is invalid.

    pydantic's Rust regex engine runs in linear time, so a pattern from a pull
    request cannot make validate hang (no backtracking).
    """
    from pydantic_core import SchemaError, SchemaValidator, ValidationError, core_schema

    try:
        validator = SchemaValidator(
            core_schema.str_schema(pattern=config.resolution_pattern, regex_engine="rust-regex")
        )
    except SchemaError:
        return None

    def matches(text: str) -> bool:
        try:
            validator.validate_python(text)
        except ValidationError:
            return False
        return True

    return matches


def statuses_named(config: Config) -> dict[str, str]:
    """The status vocabulary in its configured order, each id with its display name."""
    return {status: config.status_name(status) for status in config.status_ids()}


def _themes(config: Config, themes: list[str], item: Item[Any]) -> Iterator[Finding]:
    known = config.themes.items if config.themes else {}
    for i, theme in enumerate(themes):
        if theme not in known:
            yield UNKNOWN_THEME.at(
                item.at("themes", i),
                f"Das Thema `{theme}` ist in isek.yaml nicht konfiguriert.",
                did_you_mean(
                    theme,
                    known,
                    advice="Ein neues Thema in isek.yaml unter `themes: items:` eintragen.",
                ),
            )


@project_check(UNKNOWN_THEME, UNKNOWN_PRODUCT_AREA)
def check_goal_vocabulary(ctx: Context) -> Iterator[Finding]:
    config = ctx.config
    for goals, _ in goal_systems(ctx):
        for item in goals:
            goal = item.model
            if goal.product_area is not None and config.product_area_key(goal.product_area) is None:
                yield UNKNOWN_PRODUCT_AREA.at(
                    item.at("product_area"),
                    f"Den Produktbereich `{goal.product_area}` gibt es in isek.yaml nicht.",
                    did_you_mean(
                        goal.product_area,
                        config.product_areas,
                        advice="Einen neuen Produktbereich in isek.yaml unter `product_areas:` eintragen.",
                    ),
                )
            yield from _themes(config, goal.themes, item)


@project_check(UNKNOWN_PRODUCT_AREA, UNKNOWN_DEPARTMENT)
def check_department_areas(ctx: Context) -> Iterator[Finding]:
    """`department_areas` in isek.yaml maps known departments to known product areas."""
    item = ctx.project.config_item
    if item is None:
        return
    config = ctx.config
    for department, area in config.department_areas.items():
        if config.departments is not None and department not in config.departments:
            yield UNKNOWN_DEPARTMENT.at(
                item.at("department_areas", department, key=True),
                f"Den Fachdienst `{department}` gibt es in isek.yaml nicht.",
                did_you_mean(
                    department,
                    config.departments,
                    advice="Einen neuen Fachdienst in isek.yaml unter `departments:` eintragen.",
                ),
            )
        if config.product_area_key(area) is None:
            yield UNKNOWN_PRODUCT_AREA.at(
                item.at("department_areas", department),
                f"Den Produktbereich `{area}` gibt es in isek.yaml nicht.",
                did_you_mean(
                    area,
                    config.product_areas,
                    advice="Einen neuen Produktbereich in isek.yaml unter `product_areas:` eintragen.",
                ),
            )


@project_check(UNKNOWN_THEME, UNKNOWN_DEPARTMENT, UNKNOWN_STATUS, UNKNOWN_PRODUCT_AREA)
def check_measure_vocabulary(ctx: Context) -> Iterator[Finding]:
    config = ctx.config
    statuses = statuses_named(config)
    new_status = "Einen neuen Status in isek.yaml unter `statuses:` eintragen."
    for item in ctx.project.measures:
        measure = item.model
        if (
            measure.product_area is not None
            and config.product_area_key(measure.product_area) is None
        ):
            yield UNKNOWN_PRODUCT_AREA.at(
                item.at("product_area"),
                f"Den Produktbereich `{measure.product_area}` gibt es in isek.yaml nicht.",
                did_you_mean(
                    measure.product_area,
                    config.product_areas,
                    advice="Einen neuen Produktbereich in isek.yaml unter `product_areas:` eintragen.",
                ),
            )
        if config.departments is not None and measure.department not in config.departments:
            yield UNKNOWN_DEPARTMENT.at(
                item.at("department"),
                f"Den Fachdienst `{measure.department}` gibt es in isek.yaml nicht.",
                did_you_mean(
                    measure.department,
                    config.departments,
                    advice="Einen neuen Fachdienst in isek.yaml unter `departments:` eintragen.",
                ),
            )
        if measure.status not in statuses:
            yield UNKNOWN_STATUS.at(
                item.at("status"),
                f"Den Status `{measure.status}` gibt es nicht.",
                did_you_mean(measure.status, statuses, advice=new_status),
            )
        for i, report in enumerate(measure.reports):
            if report.status not in statuses:
                yield UNKNOWN_STATUS.at(
                    item.at("reports", i, "status"),
                    f"Den Status `{report.status}` gibt es nicht.",
                    did_you_mean(report.status, statuses, advice=new_status),
                )
        yield from _themes(config, measure.themes, item)


@project_check(RESOLUTION_PATTERN, RESOLUTION_LINK)
def check_resolutions(ctx: Context) -> Iterator[Finding]:
    found = resolution_matcher(ctx.config)
    # an invalid pattern is reported by the configuration check: then any number is fine
    matches = found if found is not None else (lambda _: True)
    hint = f"Format laut isek.yaml: {ctx.config.resolution_pattern} (z. B. 0503/2018/DS)."
    for measure in ctx.project.measures:
        for i, paper in enumerate(measure.model.resolutions):
            number = paper if isinstance(paper, str) else paper.number
            where: tuple[str | int, ...] = (
                ("resolutions", i) if isinstance(paper, str) else ("resolutions", i, "number")
            )
            if number is not None and not matches(number):
                yield RESOLUTION_PATTERN.at(
                    measure.at(*where),
                    f"`{number}` ist keine gültige Drucksachennummer.",
                    hint,
                )
            if not isinstance(paper, str) and paper.url is not None and not web_address(paper.url):
                yield RESOLUTION_LINK.at(
                    measure.at("resolutions", i, "url"),
                    f"`{paper.url}` taugt nicht als Link in Berichten und offenen Daten: nur "
                    "http(s)-Adressen ohne Leerzeichen, Anführungszeichen und spitze Klammern.",
                    RESOLUTION_LINK.fix,
                )
    for revision in ctx.project.revisions:
        decided = revision.model.resolution
        if decided is not None and not matches(decided):
            yield RESOLUTION_PATTERN.at(
                revision.at("resolution"),
                f"`{decided}` ist keine gültige Drucksachennummer.",
                hint,
            )
