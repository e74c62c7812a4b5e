"""The structure of a goal system: levels, product areas, links, continuations, cycles.

The same rules hold for the working goals and for every revision's snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import E, Finding, Rule
from ..model import Goal
from ..project import Item
from ..text import did_you_mean, suggest
from .registry import Context, project_check

UNKNOWN_GOAL_LINK = Rule(
    "ISEK022",
    "unknown-goal-link",
    E,
    "`parent` oder `contributes_to` nennt ein unbekanntes Ziel.",
    "ID eines vorhandenen Ziels eintragen.",
)
UNKNOWN_REPLACED = Rule(
    "ISEK024",
    "unknown-replaced",
    E,
    "`replaces` nennt eine ID, die es in keiner Revision gab.",
    "Nur IDs aus früheren Revisionen nennen.",
)
CYCLE = Rule(
    "ISEK030",
    "cycle",
    E,
    "Ziele verweisen im Kreis aufeinander.",
    "Einen Verweis des Kreises entfernen.",
)
PARENT_LEVEL = Rule(
    "ISEK031",
    "parent-level",
    E,
    "Das übergeordnete Ziel steht nicht auf einer höheren Ebene.",
    "`parent` auf ein Ziel der höheren Ebene setzen; Querbezüge in `contributes_to`.",
)
PRODUCT_AREA_REQUIRED = Rule(
    "ISEK032",
    "product-area-required",
    E,
    "Die Ebene verlangt einen Produktbereich.",
    "`product_area` ergänzen.",
)
UNKNOWN_LEVEL = Rule("ISEK033", "unknown-level", E, "Die Zielebene ist in isek.yaml nicht konfiguriert.",
                     "Ebene aus `isek.yaml` `levels` verwenden.")  # fmt: skip


GOAL_LIST = "Alle Ziele mit ihrer ID zeigt `isekctl tree`."


def goal_systems(ctx: Context) -> Iterator[tuple[list[Item[Goal]], set[str]]]:
    """Each goal system of the project with the ids its `replaces` may name."""
    revisions = ctx.project.revisions
    yield ctx.project.goals, {g.id for r in revisions for g in r.model.goals}
    for revision in revisions:
        snapshot = [
            Item(g, revision.positions, ("goals", i)) for i, g in enumerate(revision.model.goals)
        ]
        earlier = {
            g.id for r in revisions if r.model.id != revision.model.id for g in r.model.goals
        } | {g.id for g in revision.model.goals}
        yield snapshot, earlier


@project_check(UNKNOWN_GOAL_LINK, UNKNOWN_REPLACED, CYCLE, PARENT_LEVEL, PRODUCT_AREA_REQUIRED,
               UNKNOWN_LEVEL)  # fmt: skip
def check_goal_systems(ctx: Context) -> Iterator[Finding]:
    for goals, known_replaced in goal_systems(ctx):
        yield from _structure(ctx, goals, known_replaced)


def _structure(
    ctx: Context, goals: list[Item[Goal]], known_replaced: set[str]
) -> Iterator[Finding]:
    config = ctx.config
    index = {item.model.id: item for item in goals}
    levels = {level.id: level.name for level in config.levels}
    titles = {item.model.id: item.model.title for item in goals}
    for item in goals:
        goal = item.model
        level = config.level(goal.level)
        if level is None:
            yield UNKNOWN_LEVEL.at(
                item.at("level"),
                f"Die Ebene `{goal.level}` ist in isek.yaml nicht konfiguriert.",
                did_you_mean(
                    goal.level,
                    levels,
                    advice="Eine neue Ebene in isek.yaml unter `levels:` eintragen.",
                ),
            )
        elif level.requires_product_area and goal.product_area is None:
            yield PRODUCT_AREA_REQUIRED.at(
                item.at("level"),
                f"Ziel `{goal.id}`: die Ebene „{level.name}“ verlangt einen Produktbereich.",
                "Ergänzen: `product_area: …` (Schlüssel aus isek.yaml).",
            )
        if goal.parent is not None:
            parent = index.get(goal.parent)
            if parent is None:
                yield UNKNOWN_GOAL_LINK.at(
                    item.at("parent"),
                    f"Das übergeordnete Ziel `{goal.parent}` gibt es nicht.",
                    suggest(goal.parent, titles, advice=GOAL_LIST),
                )
            elif config.level_rank(parent.model.level) >= config.level_rank(goal.level) >= 0:
                yield PARENT_LEVEL.at(
                    item.at("parent"),
                    f"Das übergeordnete Ziel `{goal.parent}` steht nicht auf einer höheren Ebene "
                    f"(`{parent.model.level}` gegenüber `{goal.level}`).",
                    "`parent` verweist nach oben; Verweise auf gleicher Ebene gehören in `contributes_to`.",
                )
        for i, target in enumerate(goal.contributes_to):
            if target not in index:
                yield UNKNOWN_GOAL_LINK.at(
                    item.at("contributes_to", i),
                    f"Das Ziel `{target}` gibt es nicht.",
                    suggest(target, titles, advice=GOAL_LIST),
                )
        for i, replaced in enumerate(goal.replaces):
            if replaced not in known_replaced:
                yield UNKNOWN_REPLACED.at(
                    item.at("replaces", i),
                    f"`{replaced}` gab es in keiner Revision; `replaces` nennt frühere IDs.",
                    suggest(replaced, sorted(known_replaced)),
                )
    yield from _cycles(goals, index)


def _cycles(goals: list[Item[Goal]], index: dict[str, Item[Goal]]) -> Iterator[Finding]:
    """Report each cycle of parent/contributes_to links once, at the link that closes it.

    Iterative depth-first search in file order; the closing link is the one that leads
    back to a goal still on the path, and it is where the user has to change something.
    """
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
        path: list[str] = [start]
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(edges[start]))]
        state[start] = 1
        while stack:
            node, targets = stack[-1]
            nxt = next(targets, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(nxt) == 1:
                ring = [*path[path.index(nxt) :], nxt]
                closing = index[node]
                field = "parent" if closing.model.parent == nxt else "contributes_to"
                where = (
                    closing.at("parent")
                    if field == "parent"
                    else closing.at("contributes_to", closing.model.contributes_to.index(nxt))
                )
                yield CYCLE.at(
                    where,
                    "Zielverweise im Kreis: " + " → ".join(ring) + f"; `{field}` von `{node}` "
                    f"auf `{nxt}` schließt ihn.",
                    "Diesen Verweis (oder einen anderen des Kreises) entfernen; Querbezüge ohne "
                    "Rangfolge gehören in `contributes_to` des einen Ziels, nicht in beide Richtungen.",
                )
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(edges[nxt])))
