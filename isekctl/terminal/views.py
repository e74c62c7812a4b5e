"""Terminal views for the office: `show ID` (one item and everything linked) and `tree`."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..findings import E, Rule
from ..model import Goal, Indicator, Measure, Resolution
from ..project import Project
from ..publishing import german
from ..text import suggest, visible

UNKNOWN_ID = Rule("ISEK099", "unknown-id", E, "Ein Ziel oder eine Maßnahme mit dieser ID gibt es nicht.",
                  "ID prüfen; `isekctl tree` zeigt alle Ziele.", switchable=False, stops=True)  # fmt: skip

if TYPE_CHECKING:
    from rich.console import RenderableType


def _status_summary(project: Project, measures: list[Measure]) -> str:
    counts = Counter(m.status for m in measures)
    return ", ".join(f"{n} {project.config.status_name(s)}" for s, n in sorted(counts.items()))


def tree(project: Project) -> RenderableType:
    """The goal hierarchy (parent links), each goal with its measures and their status."""
    from rich.text import Text
    from rich.tree import Tree

    config = project.config
    goals = [item.model for item in project.goals]
    children: dict[str | None, list[Goal]] = defaultdict(list)
    known = {g.id for g in goals}
    for goal in goals:
        children[goal.parent if goal.parent in known else None].append(goal)
    serving: dict[str, list[Measure]] = defaultdict(list)
    for item in project.measures:
        for goal_id in item.model.goals:
            serving[goal_id].append(item.model)
    served = project.served_goals()
    root = Tree(Text(f"{visible(config.municipality)} – ISEK-Zielsystem", style="bold"))

    def label(goal: Goal) -> Text:
        own = serving.get(goal.id, [])
        text = Text(visible(goal.id), style="cyan")
        text.append(f" {visible(goal.title)}")
        if own:
            noun = "Maßnahme" if len(own) == 1 else "Maßnahmen"
            text.append(f" ({len(own)} {noun}: {_status_summary(project, own)})", style="dim")
        elif goal.id not in served:
            text.append(" (keine Maßnahme)", style="yellow")
        else:
            text.append(" (indirekt bedient)", style="dim")
        return text

    def add(branch: Any, goal: Goal, depth: int) -> None:
        node = branch.add(label(goal))
        if depth < 20:
            for child in children.get(goal.id, []):
                add(node, child, depth + 1)

    for level in config.levels:
        tops = [g for g in children.get(None, []) if g.level == level.id]
        if not tops:
            continue
        level_branch = root.add(Text(visible(level.name), style="bold"))
        if level.requires_product_area:
            for key in sorted({g.product_area or "" for g in tops}, key=lambda k: (len(k), k)):
                name = config.product_areas.get(config.product_area_key(key) or "", key)
                area = level_branch.add(Text(f"Produktbereich {visible(key)}: {visible(name)}"))
                for goal in (g for g in tops if (g.product_area or "") == key):
                    add(area, goal, 0)
        else:
            for goal in tops:
                add(level_branch, goal, 0)
    total = len(project.measures)
    summary = _status_summary(project, [m.model for m in project.measures])
    root.add(Text(f"{len(goals)} Ziele, {total} Maßnahmen ({summary})", style="dim"))
    return root


def _period(measure: Measure) -> str:
    start = measure.start.german() if measure.start else ""
    end = measure.end.german() if measure.end else ""
    if start and end:
        return f"{start} bis {end}"
    return f"ab {start}" if start else (f"bis {end}" if end else "–")


def _resolution(item: str | Resolution) -> str:
    """A council decision as one line: number, body, date, title and link where known."""
    if isinstance(item, str):
        return item
    parts = [str(item)]
    said = [item.body or "", german.day(item.date) if item.date else ""] if item.number else []
    detail = ", ".join(p for p in said if p)
    if item.title:
        detail = f"{detail}: {item.title}" if detail else item.title
    if detail:
        parts.append(f"({detail})")
    if item.url:
        parts.append(item.url)
    return " ".join(parts)


def _budget_table(m: Measure) -> Any:
    """The budget lines of a measure: year, kind, plan, Ansatz (and Ist and Abweichung)."""
    from rich.table import Table

    actuals = any(line.actual is not None for line in m.budget)
    table = Table(title="Haushaltsansätze", title_justify="left")
    columns = ["Jahr", "Art", "Teilplan", "Ansatz"] + (["Ist", "Abweichung"] if actuals else [])
    for column in columns:
        table.add_column(
            column, justify="right" if column in ("Ansatz", "Ist", "Abweichung") else "left"
        )
    order = list(german.BUDGET_KINDS)
    for line in sorted(m.budget, key=lambda b: (b.year, order.index(b.kind))):
        row = [str(line.year), german.BUDGET_KINDS[line.kind], german.BUDGET_PLANS[line.kind],
               german.money(line.amount)]  # fmt: skip
        if actuals:
            row += (
                [german.money(line.actual), german.signed_money(line.actual - line.amount)]
                if line.actual is not None
                else ["–", "–"]
            )
        table.add_row(*row)
    for plan in german.PLANS:  # the two Teilpläne are summed separately, never together
        own = [line for line in m.budget if german.BUDGET_PLANS[line.kind] == plan]
        if own:
            total = german.money(sum((line.amount for line in own), Decimal(0)))
            table.add_row(
                "", f"Summe {plan}", "", total, *([""] * (2 if actuals else 0)), style="bold"
            )
    return table


def _indicator_table(indicator: Indicator) -> Any:
    """A Kennzahl: Soll and Ist per year, trend, achievement and progress status."""
    from ..publishing.indicators import view

    item = view(indicator)
    unit = f" ({item['unit']})" if item["unit"] else ""
    rows = [(f"Kennzahl {item['id']}", f"{item['name']}{unit}")]
    if item["definition"]:
        rows.append(("  Definition", item["definition"]))
    for row in item["rows"]:
        soll = german.number(row["soll"]) if row["soll"] is not None else "–"
        ist = german.number(row["ist"]) if row["ist"] is not None else "–"
        text = f"Soll {soll}, Ist {ist}" if item["has_soll"] else f"Ist {ist}"
        if row["deviation"] is not None:
            text += f", Abweichung {row['deviation_text']}"
        if row["note"]:
            text += f"; {row['note']}"
        rows.append((f"  {row['year']}", text))
    if not item["rows"]:
        rows.append(("  Werte", "noch keine Messwerte"))
    if item["trend"]:
        rows.append(("  Trend", item["trend"]))
    if item["achievement_text"]:
        rows.append(("  Zielerreichung", item["achievement_text"]))
    progress = item["progress"]
    reason = f" ({progress['reason']})" if progress["reason"] else ""
    rows.append(("  Bewertung", f"{progress['symbol']} {progress['name']}{reason}"))
    if item["source"]:
        rows.append(("  Quelle", item["source"]))
    if item["sdg_indicator"]:
        rows.append(("  SDG-Indikator", item["sdg_indicator"]))
    return _table(rows)


def _table(rows: list[tuple[str, str]]) -> Any:
    from rich.table import Table

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    for name, value in rows:
        table.add_row(name, visible(value))
    return table


def show(project: Project, identifier: str) -> RenderableType:
    """One goal or measure with everything linked to it; a stop when the id is unknown."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.table import Table

    config = project.config
    goal = next((g for g in project.goals if g.model.id == identifier), None)
    measure = next((m for m in project.measures if m.model.id == identifier), None)
    goals = {g.model.id: g.model for g in project.goals}
    if measure is not None:
        m = measure.model
        rows = [
            ("Maßnahme", f"{m.title} ({m.id})"),
            ("Datei", measure.path),
            ("Ziele", "\n".join(f"{g}: {goals[g].title}" if g in goals else g for g in m.goals)),
            ("Fachdienst", f"{m.department}" + (f" – {config.departments[m.department]}" if config.departments and m.department in config.departments else "")),
            ("Status", config.status_name(m.status)),
            ("Ampel", f"{german.RATING_SYMBOLS[m.rating]} {german.RATINGS[m.rating]}" + (f" – {m.rating_reason.strip()}" if m.rating_reason else "") if m.rating else "nicht bewertet"),
            ("Zeitraum", _period(m)),
        ]  # fmt: skip
        area, source = project.measure_area(m)
        if area is not None:
            name = config.product_areas.get(area, "")
            how = german.AREA_SOURCES[source]
            rows.append(
                (
                    "Produktbereich",
                    f"{area}" + (f": {name}" if name else "") + (f" ({how})" if how else ""),
                )
            )
        if m.product:
            rows.append(("Produkt", m.product))
        if m.decided_by:
            rows.append(("Beschlossen von", german.DECIDERS.get(m.decided_by, m.decided_by)))
        if m.resolutions:
            rows.append(("Beschlüsse", "\n".join(_resolution(r) for r in m.resolutions)))
        if m.description:
            rows.append(("Beschreibung", m.description.strip()))
        if m.assumptions:
            rows.append(
                ("Annahmen", "zur Veranschaulichung angenommen: " + ", ".join(m.assumptions))
            )
        parts: list[Any] = [Rule(visible(m.title)), _table(rows)]
        if m.budget:
            parts.append(_budget_table(m))
        else:
            parts.append(f"Haushaltsansätze: {german.NOT_BUDGETED}")
        if m.reports:
            reports = Table(title="Statusberichte (neueste zuerst)", title_justify="left")
            for column in ("Datum", "Status", "Sachstand"):
                reports.add_column(column)
            for report in reversed(m.reports):
                reports.add_row(
                    german.day(report.date),
                    config.status_name(report.status),
                    visible(report.text.strip()),
                )
            parts.append(reports)
        return Group(*parts)
    if goal is not None:
        g = goal.model
        level = config.level(g.level)
        children = [c.model for c in project.goals if c.model.parent == g.id]
        supporters = [c.model for c in project.goals if g.id in c.model.contributes_to]
        measures = [m.model for m in project.measures if g.id in m.model.goals]
        rows = [
            ("Ziel", f"{g.title} ({g.id})"),
            ("Datei", goal.path),
            ("Ebene", level.name if level else g.level),
        ]
        if g.product_area:
            rows.append(
                (
                    "Produktbereich",
                    f"{g.product_area}: {config.product_areas.get(config.product_area_key(g.product_area) or '', '')}",
                )
            )
        if g.parent:
            rows.append(
                (
                    "Übergeordnet",
                    f"{g.parent}: {goals[g.parent].title}" if g.parent in goals else g.parent,
                )
            )
        if children:
            rows.append(("Untergeordnet", "\n".join(f"{c.id}: {c.title}" for c in children)))
        if g.contributes_to:
            rows.append(
                (
                    "Trägt bei zu",
                    "\n".join(
                        f"{c}: {goals[c].title}" if c in goals else c for c in g.contributes_to
                    ),
                )
            )
        if supporters:
            rows.append(("Beiträge von", "\n".join(f"{c.id}: {c.title}" for c in supporters)))
        if g.replaces:
            rows.append(("Führt fort", ", ".join(g.replaces)))
        if g.sdgs:
            rows.append(("SDGs", ", ".join(str(s) for s in g.sdgs)))
        if g.description:
            rows.append(("Beschreibung", g.description.strip()))
        if g.assumptions:
            rows.append(
                ("Annahmen", "zur Veranschaulichung angenommen: " + ", ".join(g.assumptions))
            )
        decided = project.current_revision()
        before = next((x for x in decided.goals if x.id == g.id), None) if decided else None
        if decided is None:
            rows.append(("Stand", f"Arbeitsstand ({german.DRAFT_LABEL}); noch kein Beschluss"))
        elif before is None:
            rows.append(
                (
                    "Stand",
                    f"Arbeitsstand ({german.DRAFT_LABEL}); nicht im Beschlussstand {decided.id}",
                )
            )
        elif before.title != g.title:
            rows.append(("Stand", f"Arbeitsstand ({german.DRAFT_LABEL})"))
            rows.append((f"Beschlussstand {decided.id}", before.title))
        else:
            rows.append(("Stand", f"Wortlaut wie im Beschlussstand {decided.id}"))
        rows.append(("Historie", f"isekctl history {g.id}"))
        parts = [Rule(visible(g.title)), _table(rows)]
        for indicator in g.indicators:
            parts.append(_indicator_table(indicator))
        table = Table(title=f"Schlüsselmaßnahmen ({len(measures)})", title_justify="left")
        for column in ("ID", "Maßnahme", "Fachdienst", "Status", "Ampel"):
            table.add_column(column)
        for m in measures:
            rating = (
                f"{german.RATING_SYMBOLS[m.rating]} {german.RATINGS[m.rating]}" if m.rating else "–"
            )
            table.add_row(
                visible(m.id),
                visible(m.title),
                visible(m.department),
                config.status_name(m.status),
                rating,
            )
        parts.append(table)
        return Group(*parts)
    ids = [g.model.id for g in project.goals] + [m.model.id for m in project.measures]
    raise UNKNOWN_ID.stop(
        f"Ein Ziel oder eine Maßnahme `{identifier}` gibt es nicht.",
        suggest(identifier, ids),
        usage=True,
    )
