"""The checks of `validate`, one small function per concern, collected in two tuples.

`FILE_CHECKS` look at one file alone and depend only on its content, so their
results can be cached by content hash. `PROJECT_CHECKS` need the whole data set,
the configuration or today's date and run on every call. None of them raises:
each yields findings.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any, Final

from .diagnostics import RULES, Finding, Location, Severity, finding
from .model import Config, Goal, Measure
from .project import Item, Positions, Project, suggest
from .yamlio import PathKey

# --- checks of one file ------------------------------------------------------------------


def check_file_name(path: str, kind: str, model: Any, positions: Positions) -> Iterator[Finding]:
    if kind not in ("measure", "revision") or model is None:
        return
    name = PurePosixPath(path)
    if name.suffix == ".yml":
        yield finding(
            "ISEK009",
            Location(path),
            "Die Dateiendung ist .yml.",
            f"Umbenennen in {name.stem}.yaml.",
        )
    if name.stem != model.id:
        what = "Maßnahme" if kind == "measure" else "Revision"
        yield finding(
            "ISEK009",
            positions.at("id"),
            f"Die Datei heißt {name.name}, die {what} hat aber die ID `{model.id}`.",
            f"Datei umbenennen in {model.id}.yaml oder die ID anpassen.",
        )


def check_measure_dates(
    path: str, kind: str, model: Any, positions: Positions
) -> Iterator[Finding]:
    del path
    if kind != "measure" or model is None:
        return
    measure: Measure = model
    if measure.start and measure.end and measure.start.is_after(measure.end):
        yield finding(
            "ISEK051",
            positions.at("end"),
            f"Das Ende {measure.end.german()} liegt vor dem Beginn {measure.start.german()}.",
            "Beginn und Ende prüfen; vertauscht?",
        )
    for i in range(1, len(measure.reports)):
        before, this = measure.reports[i - 1].date, measure.reports[i].date
        if this < before:
            yield finding(
                "ISEK052",
                positions.at("reports", i, "date"),
                f"Statusbericht vom {this:%d.%m.%Y} steht nach dem vom {before:%d.%m.%Y}.",
                "Statusberichte stehen in zeitlicher Reihenfolge, der älteste zuerst.",
            )


def check_rating(path: str, kind: str, model: Any, positions: Positions) -> Iterator[Finding]:
    del path
    if kind != "measure" or model is None:
        return
    if model.rating in ("gelb", "rot") and not (model.rating_reason or "").strip():
        yield finding(
            "ISEK056",
            positions.at("rating"),
            f"Die Ampel steht auf {model.rating}, aber `rating_reason` fehlt.",
            "Kurz begründen, was die Umsetzung verzögert oder gefährdet: `rating_reason: …`.",
        )


def check_budget_lines(path: str, kind: str, model: Any, positions: Positions) -> Iterator[Finding]:
    del path
    if kind != "measure" or model is None:
        return
    seen: dict[tuple[int, str], int] = {}
    for i, line in enumerate(model.budget):
        key = (line.year, line.kind)
        if key in seen:
            yield finding(
                "ISEK059",
                positions.at("budget", i),
                f"Für {line.year} ({line.kind}) gibt es schon einen Ansatz (Eintrag {seen[key] + 1}).",
                "Die Beträge zusammenfassen, sonst werden sie addiert.",
            )
        else:
            seen[key] = i


def check_text(data: Any, positions: Positions) -> Iterator[Finding]:
    """Text hygiene on every string: NFC, stray whitespace, control characters."""
    stack: list[tuple[PathKey, Any]] = [((), data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(((*where, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*where, i), v) for i, v in enumerate(value))
        elif isinstance(value, str):
            problems = _text_problems(value)
            if problems:
                location = positions.at(*where)
                yield from (
                    finding(code, location, message, hint) for code, message, hint in problems
                )


_CONTROL_IN_VALUE: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _text_problems(text: str) -> list[tuple[str, str, str]]:
    problems = []
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        problems.append(
            (
                "ISEK060",
                "Der Text ist nicht in Unicode-Normalform NFC (z. B. ü als u + ¨).",
                "`isekctl fmt` schreibt ihn in NFC; sonst sehen gleiche Wörter verschieden aus.",
            )
        )
    control = _CONTROL_IN_VALUE.search(text)
    if control:
        problems.append(
            (
                "ISEK008",
                f"Der Text enthält das Steuerzeichen U+{ord(control[0]):04X}.",
                "Die Escape-Sequenz (\\e, \\a, \\0 …) im Text löschen.",
            )
        )
    body = text.rstrip("\n")
    if "\n" not in body:
        if body != body.strip():
            problems.append(
                ("ISEK061", "Leerzeichen am Anfang oder Ende des Textes.", "Entfernen.")
            )
        elif "  " in body or "\t" in body:
            problems.append(
                (
                    "ISEK061",
                    "Doppelte Leerzeichen oder Tabulator im Text.",
                    "Durch ein Leerzeichen ersetzen.",
                )
            )
    return problems


FileCheck = Callable[[str, str, Any, Positions], Iterable[Finding]]
FILE_CHECKS: Final[tuple[FileCheck, ...]] = (
    check_file_name,
    check_measure_dates,
    check_rating,
    check_budget_lines,
)


def file_findings(
    path: str, kind: str, model: Any, positions: Positions, data: Any, *, untidy: bool = True
) -> list[Finding]:
    """All content-only findings of one file (cacheable).

    `untidy=False` (known from parsing: no quoted scalar, no double blank, no tab,
    the whole file in NFC) skips the per-string text hygiene walk.
    """
    found = list(check_text(data, positions)) if untidy else []
    for check in FILE_CHECKS:
        found.extend(check(path, kind, model, positions))
    return found


# --- checks of the whole project ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    project: Project
    config: Config
    today: date


def check_config(ctx: Context) -> Iterator[Finding]:
    item = ctx.project.config_item
    if item is None:
        return
    config = ctx.config
    if _resolution_matcher(config) is None:
        yield finding(
            "ISEK044",
            item.at("resolution_pattern"),
            f"`{config.resolution_pattern}` ist kein gültiger regulärer Ausdruck.",
            "Rückverweise und Lookarounds werden nicht unterstützt; z. B. '^\\d{4}/\\d{4}/[A-Za-z]+$'.",
        )
    if config.resolution_url and (
        "{resolution}" not in config.resolution_url
        or not config.resolution_url.startswith(("https://", "http://"))
    ):
        yield finding(
            "ISEK044",
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
                yield finding("ISEK044", item.at(name), f"`{value}` steht mehrfach in `{name}`.")
    for code in config.checks:
        if code not in RULES or code < OVERRIDABLE_FROM:
            yield finding(
                "ISEK044",
                item.at("checks", code, key=True),
                f"`{code}` lässt sich nicht umstellen."
                if code in RULES
                else f"Den Prüfcode `{code}` gibt es nicht.",
                f"Umstellen lassen sich die Codes ab {OVERRIDABLE_FROM} (siehe docs/checks.md).",
            )
    statuses = set(config.status_ids())
    for i, done in enumerate(config.done_statuses):
        if done not in statuses:
            yield finding(
                "ISEK044",
                item.at("done_statuses", i),
                f"`{done}` steht nicht in `statuses`.",
                suggest(done, list(statuses)),
            )


def check_unique_ids(ctx: Context) -> Iterator[Finding]:
    # (id, what, item, path inside the item); locations are only looked up for duplicates
    labelled: list[tuple[str, str, Item[Any], tuple[str | int, ...]]] = []
    for goal in ctx.project.goals:
        labelled.append((goal.model.id, "Ziel", goal, ("id",)))
        labelled.extend(
            (ind.id, "Kennzahl", goal, ("indicators", i, "id"))
            for i, ind in enumerate(goal.model.indicators)
        )
    labelled.extend((m.model.id, "Maßnahme", m, ("id",)) for m in ctx.project.measures)
    labelled.extend((r.model.id, "Revision", r, ("id",)) for r in ctx.project.revisions)
    first: dict[tuple[bool, str], tuple[str, Item[Any], tuple[str | int, ...]]] = {}
    for identifier, what, item, where in labelled:
        namespace = (what == "Revision", identifier)  # revision ids have their own namespace
        if namespace in first:
            other_what, other, other_where = first[namespace]
            yield finding(
                "ISEK020",
                item.at(*where),
                f"Die ID `{identifier}` ist schon vergeben ({other_what}, {other.at(*other_where)}).",
                "IDs sind dauerhaft eindeutig; eine neue ID wählen.",
            )
        else:
            first[namespace] = (what, item, where)


def _goal_system_findings(
    ctx: Context, goals: list[Item[Goal]], known_replaced: set[str], *, revision: str | None = None
) -> Iterator[Finding]:
    """Checks that hold for any goal system: the working goals and every revision.

    Duplicate ids of the working goals are found with those of measures and
    indicators (`check_unique_ids`); a revision's snapshot is checked here.
    """
    config = ctx.config
    index = {item.model.id: item for item in goals}
    level_ids = [level.id for level in config.levels]
    seen: set[str] = set()
    for item in goals:
        goal = item.model
        if revision is not None and goal.id in seen:
            yield finding(
                "ISEK020",
                item.at("id"),
                f"Die ID `{goal.id}` steht zweimal in der Revision {revision}.",
            )
        seen.add(goal.id)
        level = config.level(goal.level)
        if level is None:
            yield finding(
                "ISEK033",
                item.at("level"),
                f"Die Ebene `{goal.level}` ist in isek.yaml nicht konfiguriert.",
                suggest(goal.level, level_ids),
            )
        elif level.requires_product_area and goal.product_area is None:
            yield finding(
                "ISEK032",
                item.at("level"),
                f"Ziel `{goal.id}`: die Ebene „{level.name}“ verlangt einen Produktbereich.",
                "Ergänzen: `product_area: …` (Schlüssel aus isek.yaml).",
            )
        if goal.product_area is not None and config.product_area_key(goal.product_area) is None:
            yield finding(
                "ISEK040",
                item.at("product_area"),
                f"Den Produktbereich `{goal.product_area}` gibt es in isek.yaml nicht.",
                suggest(goal.product_area, list(config.product_areas)),
            )
        if goal.parent is not None:
            parent = index.get(goal.parent)
            if parent is None:
                yield finding(
                    "ISEK022",
                    item.at("parent"),
                    f"Das übergeordnete Ziel `{goal.parent}` gibt es nicht.",
                    suggest(goal.parent, list(index)),
                )
            elif config.level_rank(parent.model.level) >= config.level_rank(goal.level) >= 0:
                yield finding(
                    "ISEK031",
                    item.at("parent"),
                    f"Das übergeordnete Ziel `{goal.parent}` steht nicht auf einer höheren Ebene "
                    f"(`{parent.model.level}` gegenüber `{goal.level}`).",
                    "`parent` verweist nach oben; Verweise auf gleicher Ebene gehören in `contributes_to`.",
                )
        for i, target in enumerate(goal.contributes_to):
            if target not in index:
                yield finding(
                    "ISEK022",
                    item.at("contributes_to", i),
                    f"Das Ziel `{target}` gibt es nicht.",
                    suggest(target, list(index)),
                )
        for i, replaced in enumerate(goal.replaces):
            if replaced not in known_replaced:
                yield finding(
                    "ISEK024",
                    item.at("replaces", i),
                    f"`{replaced}` gab es in keiner Revision; `replaces` nennt frühere IDs.",
                    suggest(replaced, sorted(known_replaced)),
                )
        yield from _theme_findings(config, goal.themes, item)
    yield from _cycles(goals, index)


def _theme_findings(config: Config, themes: list[str], item: Item[Any]) -> Iterator[Finding]:
    known = list(config.themes.items) if config.themes else []
    for i, theme in enumerate(themes):
        if theme not in known:
            yield finding(
                "ISEK023",
                item.at("themes", i),
                f"Das Thema `{theme}` ist in isek.yaml nicht konfiguriert.",
                suggest(theme, known)
                if known
                else "In isek.yaml unter `themes: items:` eintragen.",
            )


def _cycles(goals: list[Item[Goal]], index: dict[str, Item[Goal]]) -> Iterator[Finding]:
    """Report each cycle of parent/contributes_to links once, at its first goal (iterative)."""
    edges = {
        item.model.id: [
            t
            for t in ([item.model.parent] if item.model.parent else []) + item.model.contributes_to
            if t in index
        ]
        for item in goals
    }
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in edges:
        if start in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(edges[start]))]
        state[start] = 1
        path.append(start)
        while stack:
            node, targets = stack[-1]
            nxt = next(targets, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(nxt) == 1:
                ring = [*path[path.index(nxt) :], nxt]
                first = index[ring[0]]
                yield finding(
                    "ISEK030",
                    first.at("id"),
                    "Zielverweise im Kreis: " + " → ".join(ring) + ".",
                    "Einen der Verweise (`parent` oder `contributes_to`) entfernen.",
                )
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(edges[nxt])))


def check_goals(ctx: Context) -> Iterator[Finding]:
    known_replaced = {g.id for r in ctx.project.revisions for g in r.model.goals}
    yield from _goal_system_findings(ctx, ctx.project.goals, known_replaced)
    for revision in ctx.project.revisions:
        snapshot = [
            Item(g, revision.positions, ("goals", i)) for i, g in enumerate(revision.model.goals)
        ]
        earlier = {
            g.id
            for r in ctx.project.revisions
            if r.model.id != revision.model.id
            for g in r.model.goals
        } | {g.id for g in revision.model.goals}
        yield from _goal_system_findings(ctx, snapshot, earlier, revision=revision.model.id)


def _resolution_matcher(config: Config) -> Callable[[str], bool] | None:
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


def check_resolutions(ctx: Context) -> Iterator[Finding]:
    matches = _resolution_matcher(ctx.config)
    if matches is None:
        return
    hint = f"Format laut isek.yaml: {ctx.config.resolution_pattern} (z. B. 0503/2018/DS)."
    for measure in ctx.project.measures:
        for i, paper in enumerate(measure.model.resolutions):
            if not matches(paper):
                yield finding(
                    "ISEK043",
                    measure.at("resolutions", i),
                    f"`{paper}` ist keine gültige Drucksachennummer.",
                    hint,
                )
    for revision in ctx.project.revisions:
        decided = revision.model.resolution
        if decided is not None and not matches(decided):
            yield finding(
                "ISEK043",
                revision.at("resolution"),
                f"`{decided}` ist keine gültige Drucksachennummer.",
                hint,
            )


def check_measures(ctx: Context) -> Iterator[Finding]:
    config, goals = ctx.config, ctx.project.goal_index()
    statuses = config.status_ids()
    current = ctx.project.current_revision()
    budget_years = set(current.budget_years) if current else set()
    for item in ctx.project.measures:
        measure = item.model
        for i, goal in enumerate(measure.goals):
            if goal not in goals:
                yield finding(
                    "ISEK021",
                    item.at("goals", i),
                    f"Das Ziel `{goal}` gibt es nicht.",
                    suggest(goal, list(goals)),
                )
        if config.departments is not None and measure.department not in config.departments:
            yield finding(
                "ISEK041",
                item.at("department"),
                f"Den Fachdienst `{measure.department}` gibt es in isek.yaml nicht.",
                suggest(measure.department, list(config.departments)),
            )
        if measure.status not in statuses:
            yield finding(
                "ISEK042",
                item.at("status"),
                f"Den Status `{measure.status}` gibt es nicht.",
                suggest(measure.status, statuses),
            )
        for i, report in enumerate(measure.reports):
            if report.status not in statuses:
                yield finding(
                    "ISEK042",
                    item.at("reports", i, "status"),
                    f"Den Status `{report.status}` gibt es nicht.",
                    suggest(report.status, statuses),
                )
            if report.date > ctx.today:
                yield finding(
                    "ISEK053",
                    item.at("reports", i, "date"),
                    f"Der Statusbericht ist auf den {report.date:%d.%m.%Y} datiert, also in die Zukunft.",
                    "Das Datum ist der Tag, an dem berichtet wurde.",
                )
        if measure.reports and measure.reports[-1].status != measure.status:
            last = len(measure.reports) - 1
            yield finding(
                "ISEK071",
                item.at("status"),
                f"Der Status ist `{measure.status}`, der letzte Statusbericht sagt `{measure.reports[last].status}`.",
                "Status und letzten Statusbericht angleichen.",
            )
        if budget_years and current is not None:
            for i, line in enumerate(measure.budget):
                if line.year not in budget_years:
                    years = "/".join(str(y) for y in sorted(budget_years))
                    yield finding(
                        "ISEK055",
                        item.at("budget", i, "year"),
                        f"Das Haushaltsjahr {line.year} liegt außerhalb des Doppelhaushalts {years} "
                        f"der Revision {current.id}.",
                        "Ansätze späterer Jahre gehören in die nächste Fortschreibung.",
                    )
        yield from _theme_findings(config, measure.themes, item)


def served_goals(project: Project) -> set[str]:
    """Goals served by a measure directly or through a goal below or contributing to them."""
    links: dict[str, list[str]] = defaultdict(list)
    for item in project.goals:
        for target in (
            [item.model.parent] if item.model.parent else []
        ) + item.model.contributes_to:
            links[item.model.id].append(target)
    served: set[str] = set()
    stack = [goal for m in project.measures for goal in m.model.goals]
    while stack:
        goal = stack.pop()
        if goal not in served:
            served.add(goal)
            stack.extend(links.get(goal, ()))
    return served


def check_coverage(ctx: Context) -> Iterator[Finding]:
    if ctx.project.unreadable_measures:
        return  # a measure that could not be read may serve any goal: no guessing
    served = served_goals(ctx.project)
    for item in ctx.project.goals:
        if item.model.id not in served:
            yield finding(
                "ISEK070",
                item.at("id"),
                f"Dem Ziel `{item.model.id}` dient keine Maßnahme.",
                "Eine Maßnahme mit `goals: [" + item.model.id + "]` anlegen oder zuordnen.",
            )


ProjectCheck = Callable[[Context], Iterable[Finding]]
PROJECT_CHECKS: Final[tuple[ProjectCheck, ...]] = (
    check_config,
    check_unique_ids,
    check_goals,
    check_resolutions,
    check_measures,
    check_coverage,
)


def project_findings(project: Project, today: date) -> list[Finding]:
    if project.config is None:
        return []  # isek.yaml itself is invalid; its findings say why
    ctx = Context(project, project.config, today)
    found: list[Finding] = []
    for check in PROJECT_CHECKS:
        found.extend(check(ctx))
    return found


OVERRIDABLE_FROM: Final = "ISEK020"  # syntax and schema findings cannot be switched off


def apply_overrides(findings: list[Finding], config: Config | None) -> list[Finding]:
    """Severity changes from isek.yaml `checks:` (e.g. `ISEK070: off`)."""
    if config is None or not config.checks:
        return findings
    adjusted = []
    for item in findings:
        setting = config.checks.get(item.code) if item.code >= OVERRIDABLE_FROM else None
        if setting == "off":
            continue
        if setting is not None:
            item = dataclasses.replace(item, severity=Severity(setting))
        adjusted.append(item)
    return adjusted
