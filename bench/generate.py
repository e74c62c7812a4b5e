"""Synthetic data repositories for the benchmarks: valid references, German text, 1–3 KB a file."""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = [
    "Digitalisierung",
    "Verwaltung",
    "Bürgerportal",
    "Straßenbeleuchtung",
    "Fachdienst",
    "Grundschule",
    "Klimaschutz",
    "Öffentlichkeitsarbeit",
    "Ausbau",
    "Umsetzung",
    "Prüfung",
    "Konzept",
    "Förderung",
    "Quartier",
    "Innenstadt",
    "Grünflächen",
    "Radverkehr",
    "Sanierung",
    "Beteiligung",
    "Bürgerinnen",
    "Bürger",
    "Stadtteil",
    "Wohnraum",
    "Barrierefreiheit",
    "Schulhof",
    "Kindertagesstätte",
    "Sporthalle",
    "Gewerbegebiet",
    "Haltestelle",
    "Energieeinsparung",
    "Photovoltaik",
    "Lärmschutz",
    "Spielplatz",
    "Jugendzentrum",
    "Seniorenbeirat",
    "Gesundheitsförderung",
    "Feuerwehrhaus",
    "Rettungswache",
    "Kläranlage",
    "Abfallwirtschaft",
    "Stadtreinigung",
    "Mängelmelder",
    "Ausländerbehörde",
    "Gewerbeaufsicht",
    "Ordnungsdienst",
    "Haushaltsplanung",
    "Controlling",
    "Kennzahlen",
    "Ratsversammlung",
    "Ausschuss",
    "Drucksache",
    "Fortschreibung",
]
LINKS = [
    "und",
    "mit",
    "für",
    "bei",
    "nach",
    "zur",
    "zum",
    "im",
    "in",
    "der",
    "die",
    "das",
    "des",
    "den",
    "dem",
    "sowie",
    "durch",
    "über",
]
DEPARTMENTS = ["FD 32", "FD 53", "FD 70", "Controlling", "Digitalisierung"]
# Dates follow today, so that the generated measures are neither overdue nor without a
# recent status report whenever the benchmark runs (the checks warn about both).
TODAY = date.today()
YEAR = TODAY.year


def report_day(slot: int) -> str:
    """Slot 1..12 of the last six months (12 is a week ago), as an ISO date."""
    return (TODAY - timedelta(days=7 + (12 - slot) * 15)).isoformat()


STATUSES = ["geplant", "laufend", "abgeschlossen", "verzoegert"]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(LINKS) if i % 3 == 1 else rng.choice(WORDS) for i in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(6, 14)) for _ in range(sentences))


def wrap(text: str, indent: str, width: int = 88) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(indent + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(indent + line)
    return "\n".join(lines)


def goal_ids() -> list[str]:
    return [f"PB{area}-ZIEL-{n:02d}" for area in range(1, 7) for n in range(1, 11)]


def write_goals(root: Path) -> None:
    rng = random.Random(7)
    goals = ["goals:"]
    for area in range(1, 7):
        for n in range(1, 11):
            goals += [
                f"  - id: PB{area}-ZIEL-{n:02d}",
                f"    title: {sentence(rng, 7)[:-1]}",
                "    level: produktbereich",
                f"    product_area: {area}",
                f"    sdgs: [{rng.randint(1, 17)}]",
            ]
    (root / "data" / "goals").mkdir(parents=True, exist_ok=True)
    (root / "data" / "goals" / "ziele.yaml").write_text("\n".join(goals) + "\n", encoding="utf-8")


def measure_text(
    rng: random.Random, identifier: str, goals: list[str], changed: bool = False
) -> str:
    status = rng.choice(STATUSES)
    reports = [
        f"  - date: {report_day(month)}\n    status: {status}\n    text: >-\n"
        + wrap(paragraph(rng, rng.randint(1, 3)), "      ")
        for month in sorted(rng.sample(range(1, 13), rng.randint(1, 5)))
    ]
    rating = rng.choice(["gruen", "gelb", "rot"])
    lines = [
        f"id: {identifier}",
        f"title: {sentence(rng, rng.randint(4, 9))[:-1]}",
        f"goals: [{', '.join(rng.sample(goals, rng.randint(1, 3)))}]",
        f"department: {rng.choice(DEPARTMENTS)}",
        f"status: {status}",
        f"rating: {rating}",
    ]
    if rating != "gruen":
        lines.append(f"rating_reason: {sentence(rng, 8)}")
    lines += [
        "term: mittelfristig",
        f"start: {YEAR - 1}-Q{rng.randint(1, 2)}",
        f"end: {f'{YEAR + 2}-12-31' if not changed else f'{YEAR + 3}-H1'}",
        "description: |",
        wrap(paragraph(rng, rng.randint(2, 12)), "  "),
        "budget:",
        f"  - {{year: 2021, kind: investition, amount: {rng.randint(1, 500) * 100}}}",
        f"  - {{year: 2022, kind: aufwand, amount: {rng.randint(1, 500) * 100 + (5000 if changed else 0)}}}",
        "resolutions: [0121/2018/MV]",
        f"sdgs: [{rng.randint(1, 17)}]",
        "reports:",
        *reports,
    ]
    return "\n".join(lines) + "\n"


def make_repository(
    root: Path, measures: int, *, changed_share: float = 0.0, seed: int = 1
) -> Path:
    """A valid repository with `measures` measure files; `changed_share` alters some of them."""
    return make_shape(root, "standard", measures, changed_share=changed_share, seed=seed)


# --- data shapes -------------------------------------------------------------------------
#
# The same kind of data written the ways people write it. Every tree has `n` measures and
# 60 goals in one file; the shapes write the measures differently or add goal files. Every
# tree is valid (no findings), so the figures compare reading and checking, not reporting.

SHAPES = {
    "standard": "block style, status reports as `>-` texts, budget lines in { }",
    "flow": "status reports and budget lines as { } mappings, quoted texts with „…“, & and *",
    "long-text": "20-line `|` descriptions with umlauts, 6–10 block status reports",
    "large-files": "standard measures, plus n/100 goal files of 500 goals each (≈330 KB a file)",
    "small-goals": "standard measures, plus n goal files of one goal each (with an indicator)",
    "deep-goals": "standard measures, plus n goals in files of 100, linked in chains 500 deep",
    "budgets": "standard measures with a Haushalt's budgets: 1–3 kinds over 1–5 years, Ist, "
    "some without amounts",
}


def _quoted(rng: random.Random, words: int) -> str:
    """A sentence with the characters that make flow style tricky: * & „…“ §."""
    parts = sentence(rng, words).split(" ")
    extras = ["Bürger*innen", "Straßen- & Wegebau", "„Stadt der Zukunft“", "z. B.", "§ 5 Abs. 2"]
    parts.insert(rng.randint(1, len(parts) - 1), rng.choice(extras))
    return " ".join(parts).replace('"', "'")


def flow_measure_text(rng: random.Random, identifier: str, goals: list[str]) -> str:
    status = rng.choice(STATUSES)
    lines = [
        f"id: {identifier}",
        f"title: {sentence(rng, rng.randint(4, 9))[:-1]}",
        f"goals: [{', '.join(rng.sample(goals, rng.randint(1, 3)))}]",
        f"department: {rng.choice(DEPARTMENTS)}",
        f"status: {status}",
        "rating: gruen",
        "term: mittelfristig",
        f"start: {YEAR - 1}-Q{rng.randint(1, 2)}",
        f"end: {YEAR + 2}-12-31",
        f'description: "{_quoted(rng, rng.randint(10, 30))}"',
        "budget:",
    ]
    pairs = [(2021, "investition"), (2021, "aufwand"), (2022, "investition"), (2022, "aufwand")]
    for year, kind in pairs[: rng.randint(2, 4)]:
        lines.append(f"  - {{year: {year}, kind: {kind}, amount: {rng.randint(1, 500) * 100}}}")
    lines += [
        "resolutions: [0121/2018/MV, 0342/2019/BV]",
        f"sdgs: [{rng.randint(1, 17)}, {rng.randint(1, 17)}]",
        "reports:",
    ]
    for month in sorted(rng.sample(range(1, 13), rng.randint(3, 8))):
        text = _quoted(rng, rng.randint(6, 18))
        lines.append(f'  - {{date: {report_day(month)}, status: {status}, text: "{text}"}}')
    return "\n".join(lines) + "\n"


def budget_lines(rng: random.Random) -> list[str]:
    """A measure's budget as a Haushalt has it: the example's budget years 2021–2022 and
    the Finanzplanung to 2025, one to three kinds, each over one to five years, the Ist of
    2021 for most; one measure in ten has no amounts yet."""
    if rng.random() < 0.1:
        return []
    lines = ["budget:"]
    for kind in sorted(rng.sample(["investition", "aufwand", "personal"], rng.randint(1, 3))):
        first = rng.randint(2021, 2025)
        for year in range(first, rng.randint(first, 2025) + 1):
            amount = rng.randint(1, 2000) * 50
            line = f"  - {{year: {year}, kind: {kind}, amount: {amount}"
            if year == 2021 and rng.random() < 0.7:  # the Ist of the closed year, for most
                line += f", actual: {max(0, amount + rng.randint(-40, 40) * 50)}"
            lines.append(line + "}")
    return lines


def budget_measure_text(rng: random.Random, identifier: str, goals: list[str]) -> str:
    text = measure_text(rng, identifier, goals)
    head, rest = text.split("budget:\n", 1)
    rest = rest.split("resolutions:", 1)[1]
    return head + "".join(f"{line}\n" for line in budget_lines(rng)) + "resolutions:" + rest


def long_measure_text(rng: random.Random, identifier: str, goals: list[str]) -> str:
    status = rng.choice(STATUSES)
    description = "\n".join("  " + sentence(rng, rng.randint(7, 11)) for _ in range(20))
    lines = [
        f"id: {identifier}",
        f"title: {sentence(rng, rng.randint(4, 9))[:-1]}",
        f"goals: [{', '.join(rng.sample(goals, rng.randint(1, 3)))}]",
        f"department: {rng.choice(DEPARTMENTS)}",
        f"status: {status}",
        "description: |",
        description,
        "budget:",
        "  - year: 2021",  # budget years within the example's decided financial planning
        "    kind: investition",
        f"    amount: {rng.randint(1, 500) * 100}",
        "reports:",
    ]
    for month in sorted(rng.sample(range(1, 13), rng.randint(6, 10))):
        lines += [f"  - date: {report_day(month)}", f"    status: {status}", "    text: |"]
        lines += ["      " + sentence(rng, rng.randint(6, 12)) for _ in range(rng.randint(1, 4))]
    return "\n".join(lines) + "\n"


def goal_lines(
    rng: random.Random, identifier: str, area: int, links: list[str], indicator: bool
) -> list[str]:
    lines = [
        f"  - id: {identifier}",
        f"    title: {sentence(rng, 7)[:-1]}",
        "    level: produktbereich",
        f"    product_area: {area}",
        f"    contributes_to: [{', '.join(links)}]",
        f"    sdgs: [{rng.randint(1, 17)}, {rng.randint(1, 17)}]",
        "    description: |",
        "      " + sentence(rng, 10),
        "      " + sentence(rng, 9),
    ]
    if indicator:
        lines += [
            "    indicators:",
            f"      - id: {identifier}-K1",
            f"        name: {sentence(rng, 6)[:-1]}",
            "        unit: Leistungen",
            f"        target: {{year: {YEAR + 3}, value: {rng.randint(1, 900)}, comparison: '>='}}",
        ]
    return lines


def _chained_goals(rng: random.Random, prefix: str, count: int, chain: int) -> list[list[str]]:
    """`count` goals; each contributes to the one before it, in chains of `chain` goals."""
    goals = []
    for n in range(count):
        area = (n // chain) % 6 + 1
        links = [f"PB{area}-ZIEL-01"] + ([f"{prefix}-{n - 1:05d}"] if n % chain else [])
        goals.append(goal_lines(rng, f"{prefix}-{n:05d}", area, links, indicator=True))
    return goals


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _goal_file(goals: list[list[str]]) -> str:
    return "\n".join(["# Zieldatei", "goals:", *(line for goal in goals for line in goal)]) + "\n"


def make_shape(
    root: Path, shape: str, n: int, *, changed_share: float = 0.0, seed: int = 1
) -> Path:
    """A valid repository of `shape` (see SHAPES) and size `n`."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; known: {', '.join(SHAPES)}")
    if root.exists():
        shutil.rmtree(root)
    measures_dir = root / "data" / "measures"
    goals_dir = root / "data" / "goals"
    measures_dir.mkdir(parents=True)
    shutil.copy2(ROOT / "isek.yaml", root / "isek.yaml")
    shutil.copytree(ROOT / "data" / "revisions", root / "data" / "revisions")
    write_goals(root)
    goals = goal_ids()
    rng = random.Random(seed)
    change = random.Random(seed + 1)
    measures = n
    # goals that only the measures below serve: the ends of the goal chains, the small goals
    served = {
        "large-files": [f"G{f:03d}-00499" for f in range(max(1, n // 100))],
        "deep-goals": [f"T-{end:05d}" for end in range(min(n, 500) - 1, n, 500)],
        "small-goals": [f"Z-{i:05d}" for i in range(n)],
    }.get(shape, [])
    per_measure = -(-len(served) // measures) if measures else 0
    for i in range(measures):
        identifier = f"M-{i:05d}"
        if shape == "flow":
            text = flow_measure_text(rng, identifier, goals)
        elif shape == "long-text":
            text = long_measure_text(rng, identifier, goals)
        elif shape == "budgets":
            text = budget_measure_text(rng, identifier, goals)
        else:
            state = rng.getstate()
            changed = change.random() < changed_share
            text = measure_text(rng, identifier, goals, changed)
            rng.setstate(state)
            measure_text(rng, identifier, goals)  # the same stream whether changed or not
        extra = served[i * per_measure : (i + 1) * per_measure]
        if extra:
            text = text.replace("goals: [", f"goals: [{', '.join(extra)}, ", 1)
        _write(measures_dir / f"{identifier}.yaml", text)
    if shape == "large-files":
        for f in range(max(1, n // 100)):
            chained = _chained_goals(rng, f"G{f:03d}", 500, 500)
            _write(goals_dir / f"gross-{f:03d}.yaml", _goal_file(chained))
    elif shape == "small-goals":
        for i in range(n):
            area = i % 6 + 1
            goal = goal_lines(rng, f"Z-{i:05d}", area, [f"PB{area}-ZIEL-01"], indicator=True)
            _write(goals_dir / f"ziel-{i:05d}.yaml", _goal_file([goal]))
    elif shape == "deep-goals":
        chained = _chained_goals(rng, "T", n, 500)
        for f in range(0, n, 100):
            _write(goals_dir / f"kette-{f // 100:04d}.yaml", _goal_file(chained[f : f + 100]))
    return root


if __name__ == "__main__":
    import sys

    target, kind, size = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    print(make_shape(target, kind, size))
