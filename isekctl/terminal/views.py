"""Terminal views for the office: `show ID` (one item and everything linked) and `tree`.

Everything from the data reaches rich as `Text` (through `_plain`), never as a string
that rich would read as markup: a title `[link=https://…]Klick[/link]` stays that text,
not a hyperlink.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ..findings import E, Rule
from ..model import Goal, Indicator, Measure, Resolution
from ..project import Item, Project
from ..publishing import german
from ..text import alike, closest, fold, visible

UNKNOWN_ID = Rule("ISEK099", "unknown-id", E,
                  "Kein Ziel und keine Maßnahme hat diese ID oder diesen Text im Titel.",
                  "ID prüfen oder einen Teil des Titels angeben; `isekctl tree` zeigt alle Ziele.",
                  switchable=False, stops=True)  # fmt: skip

# Measure id -> (short mark, sentence): what is overdue today (checks.schedule.marks).
Marks = Mapping[str, tuple[str, str]]

if TYPE_CHECKING:
    from rich.console import RenderableType


def _status_summary(project: Project, measures: list[Measure]) -> str:
    counts = Counter(m.status for m in measures)
    return ", ".join(f"{n} {project.config.status_name(s)}" for s, n in sorted(counts.items()))


def _by_weight(marks: Iterable[str]) -> list[str]:
    """Late first, then stale."""
    return sorted(marks, key=lambda mark: ("überfällig" not in mark, mark))


def tree(project: Project, marks: Marks | None = None) -> RenderableType:
    """The goal hierarchy (parent links), each goal with its measures and their status;
    how many of them are overdue (`marks`), and at the end which ones."""
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
    # the working goals (a proposal where they differ from the decision; `show ID` says which)
    heading = Text(f"{visible(config.municipality)} – ISEK-Zielsystem", style="bold")
    heading.append(" – Arbeitsstand (data/goals/)", style="dim")
    root = Tree(heading)
    marks = marks or {}

    def label(goal: Goal) -> Text:
        own = serving.get(goal.id, [])
        text = Text(visible(goal.id), style="cyan")
        text.append(f" {visible(goal.title)}")
        if own:
            noun = "Maßnahme" if len(own) == 1 else "Maßnahmen"
            text.append(f" ({len(own)} {noun}: {_status_summary(project, own)}", style="dim")
            overdue = Counter(marks[m.id][0] for m in own if m.id in marks)
            if overdue:
                said = ", ".join(f"{overdue[mark]} {mark}" for mark in _by_weight(overdue))
                text.append(f"; {said}", style="yellow")
            text.append(")", style="dim")
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
    for mark in _by_weight({short for short, _ in marks.values()}):
        ids = [m for m, (short, _) in marks.items() if short == mark]
        line = Text(f"{mark[:1].upper()}{mark[1:]} ({len(ids)}): ", style="yellow")
        line.append(", ".join(visible(m) for m in ids))
        root.add(line)
    if marks:
        root.add(Text("Einzelheiten: isekctl show ID, isekctl validate", style="dim"))
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
    columns = ["Jahr", "Art", "Plan", "Ansatz"] + (["Ist", "Abweichung"] if actuals else [])
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


def _plain(text: str, style: str = "") -> Any:
    """`text` for rich as it is: control characters escaped, `[…]` never markup."""
    from rich.text import Text

    return Text(visible(text), style=style)


def _table(rows: list[tuple[str, str]]) -> Any:
    from rich.table import Table

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    for name, value in rows:
        table.add_row(_plain(name), _plain(value))
    return table


# --- finding by id or title ----------------------------------------------------------------

_ID_PARTS: Final = re.compile(r"[\s_.\-–/,;:()„“\"]+")
_DIGIT: Final = re.compile(r"\d")
Found = Item[Goal] | Item[Measure]


def search(project: Project, text: str) -> tuple[list[Found], list[Found]]:
    """Goals and measures whose id or title `text` means: the best kind of hit, and the rest.

    Case and umlauts are forgiven (`buergerportal` finds „Bürgerportal“). From the best
    kind on: the whole title; every word a part of the id (`terminvergabe` for
    DIGI-TERMINVERGABE); a title that begins with `text`; every word somewhere in id or
    title – a word with a digit only as a whole (`FD 3` does not find `FD 32`).
    """
    words = fold(text).split()
    if not words:
        return [], []
    tiers: list[list[Found]] = [[], [], [], []]
    items: list[Found] = [*project.goals, *project.measures]
    for item in items:
        id_folded, title = fold(item.model.id), fold(item.model.title)
        text_all = f"{id_folded} {title}"
        tokens = set(_ID_PARTS.split(text_all))
        if title == " ".join(words):
            tiers[0].append(item)
        elif all(w in _ID_PARTS.split(id_folded) for w in words):
            tiers[1].append(item)
        elif title.startswith(" ".join(words)):
            tiers[2].append(item)
        elif all((w in tokens) if _DIGIT.search(w) else (w in text_all) for w in words):
            tiers[3].append(item)
    best = next((i for i, tier in enumerate(tiers) if tier), None)
    if best is None:
        return [], []
    return tiers[best], [item for tier in tiers[best + 1 :] for item in tier]


def _similar_titles(project: Project, text: str) -> list[Found]:
    """Up to five items whose title words come closest to the words of `text`."""
    words = fold(text).split()
    scored: list[tuple[float, str, Found]] = []
    items: list[Found] = [*project.goals, *project.measures]
    for item in items:
        title_words = fold(item.model.title).split() or [""]
        score = sum(
            max(difflib.SequenceMatcher(None, w, t).ratio() for t in title_words) for w in words
        ) / max(len(words), 1)
        if score >= 0.75:
            scored.append((-score, item.model.id, item))
    return [item for *_, item in sorted(scored, key=lambda s: (s[0], s[1]))[:5]]


def _not_found(project: Project, text: str) -> Exception:
    items: list[Found] = [*project.goals, *project.measures]
    titles = {item.model.id: item.model.title for item in items}
    meant = closest(text, list(titles), titles)
    if meant is not None:
        hint = f"Meinten Sie `{meant}` ({titles[meant]})?"
    elif similar := _similar_titles(project, text):
        hint = (
            "Ähnliche Titel: "
            + "; ".join(f"`{i.model.id}` ({i.model.title})" for i in similar)
            + "."
        )
    else:
        hint = "Alle Ziele mit ihren Maßnahmen zeigt `isekctl tree`."
    return UNKNOWN_ID.stop(
        f"Kein Ziel und keine Maßnahme hat die ID `{text}` oder „{text}“ im Titel.",
        hint,
        usage=True,
    )


def _hits(project: Project, text: str, hits: list[Found], marks: Marks) -> RenderableType:
    from rich.table import Table

    table = Table(
        title=_plain(f"{len(hits)} Treffer für „{text}“ – eines anzeigen: isekctl show ID"),
        title_justify="left",
    )
    for column in ("ID", "Art", "Titel", "Stand"):
        table.add_column(column)
    for item in hits:
        model = item.model
        if isinstance(model, Measure):
            kind, state = "Maßnahme", project.config.status_name(model.status)
            if model.id in marks:
                state += f" – {marks[model.id][0]}"
        else:
            level = project.config.level(model.level)
            kind, state = "Ziel", level.name if level else model.level
        table.add_row(_plain(model.id), kind, _plain(model.title), _plain(state))
    return table


_LIST_ITEM: Final = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")


def _reflowed(markdown: str) -> str:
    """A Markdown text as the terminal wraps it: the lines of a paragraph joined (a single
    line break is no break in Markdown), list items and blank lines kept."""
    out: list[str] = []
    for line in markdown.strip().splitlines():
        starts_anew = not out or not line.strip() or not out[-1].strip() or _LIST_ITEM.match(line)
        if starts_anew:
            out.append(line.rstrip())
        else:
            out[-1] = f"{out[-1]} {line.strip()}"
    return "\n".join(out)


def show(project: Project, identifier: str, marks: Marks | None = None) -> RenderableType:
    """One goal or measure with everything linked to it, found by its id (in any case),
    else by (part of) its title; a list when several titles fit; a stop when none does.
    `marks` says which measures are overdue today."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    config = project.config
    marks = marks or {}
    items: list[Found] = [*project.goals, *project.measures]
    target = next((i for i in items if i.model.id == identifier), None)
    more: list[Found] = []
    if target is None:
        same = [i for i in items if alike(identifier, i.model.id)]
        target = same[0] if len(same) == 1 else None
    if target is None:
        hits, more = search(project, identifier)
        if not hits:
            raise _not_found(project, identifier)
        if len(hits) > 1:
            return _hits(project, identifier, hits + more, marks)
        target = hits[0]
    footer = (
        [Text(f"Weitere Treffer für „{visible(identifier)}“: " + ", ".join(visible(i.model.id) for i in more), style="dim")]
        if more
        else []
    )  # fmt: skip
    goal = target if isinstance(target.model, Goal) else None
    measure = target if isinstance(target.model, Measure) else None
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
        if m.id in marks:
            rows.append(("Termin", marks[m.id][1]))
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
            rows.append(("Beschreibung", _reflowed(m.description)))
        if m.assumptions:
            rows.append(
                ("Annahmen", "zur Veranschaulichung angenommen: " + ", ".join(m.assumptions))
            )
        parts: list[Any] = [Rule(_plain(m.title)), _table(rows)]
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
                    _plain(config.status_name(report.status)),
                    _plain(report.text.strip()),
                )
            parts.append(reports)
        return Group(*parts, *footer)
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
            rows.append(("Beschreibung", _reflowed(g.description)))
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
        parts = [Rule(_plain(g.title)), _table(rows)]
        for indicator in g.indicators:
            parts.append(_indicator_table(indicator))
        table = Table(title=f"Schlüsselmaßnahmen ({len(measures)})", title_justify="left")
        for column in ("ID", "Maßnahme", "Fachdienst", "Status", "Ampel"):
            table.add_column(column)
        for m in measures:
            rating = (
                f"{german.RATING_SYMBOLS[m.rating]} {german.RATINGS[m.rating]}" if m.rating else "–"
            )
            status = config.status_name(m.status)
            table.add_row(
                _plain(m.id),
                _plain(m.title),
                _plain(m.department),
                _plain(f"{status} – {marks[m.id][0]}" if m.id in marks else status),
                rating,
            )
        parts.append(table)
        return Group(*parts, *footer)
    raise _not_found(project, identifier)  # pragma: no cover - target is a goal or a measure
