"""Synthetic data repositories for the benchmarks: valid references, German text, 1–3 KB a file."""

from __future__ import annotations

import random
import shutil
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
        f"  - date: 2021-{month:02d}-15\n    status: {status}\n    text: >-\n"
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
        f"start: 2021-Q{rng.randint(1, 2)}",
        f"end: {'2022-12-31' if not changed else '2023-H1'}",
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
    if root.exists():
        shutil.rmtree(root)
    (root / "data" / "measures").mkdir(parents=True)
    shutil.copy2(ROOT / "isek.yaml", root / "isek.yaml")
    shutil.copytree(ROOT / "data" / "revisions", root / "data" / "revisions")
    write_goals(root)
    goals = goal_ids()
    rng = random.Random(seed)
    change = random.Random(seed + 1)
    for i in range(measures):
        identifier = f"M-{i:05d}"
        state = rng.getstate()
        changed = change.random() < changed_share
        text = measure_text(rng, identifier, goals, changed)
        rng.setstate(state)
        measure_text(rng, identifier, goals)  # keep the stream identical whether changed or not
        (root / "data" / "measures" / f"{identifier}.yaml").write_text(text, encoding="utf-8")
    return root
