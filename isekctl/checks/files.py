"""Checks of one file that depend on its content alone (cached by content hash)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from ..findings import E, Finding, Location, Rule, W
from ..kinds import FileKind
from ..model import Measure
from .registry import FileInput, file_check

FILE_NAME = Rule(
    "ISEK009",
    "file-name",
    E,
    "Dateiname passt nicht zur ID.",
    "Datei `<id>.yaml` nennen (Endung `.yaml`).",
    switchable=False,
)
START_AFTER_END = Rule(
    "ISEK051", "start-after-end", E, "Der Beginn liegt nach dem Ende.", "Beginn und Ende prüfen."
)
REPORTS_ORDER = Rule(
    "ISEK052",
    "reports-order",
    E,
    "Statusberichte stehen nicht in zeitlicher Reihenfolge.",
    "Statusberichte nach Datum ordnen, ältester zuerst.",
)
RATING_REASON = Rule(
    "ISEK056",
    "rating-reason",
    E,
    "Ampel gelb oder rot ohne Begründung.",
    "`rating_reason` ergänzen.",
)
DUPLICATE_BUDGET = Rule("ISEK059", "duplicate-budget", W,
                        "Zwei Haushaltsansätze für dasselbe Jahr und dieselbe Art.",
                        "Ansätze desselben Jahres und derselben Art zusammenfassen.")  # fmt: skip


@file_check(FILE_NAME)
def check_file_name(file: FileInput) -> Iterator[Finding]:
    if file.kind not in (FileKind.MEASURE, FileKind.REVISION) or file.model is None:
        return
    name = PurePosixPath(file.path)
    if name.suffix == ".yml":
        yield FILE_NAME.at(
            Location(file.path),
            "Die Dateiendung ist .yml.",
            f"Umbenennen in {name.stem}.yaml.",
        )
    if name.stem != file.model.id:
        yield FILE_NAME.at(
            file.positions.at("id"),
            f"Die Datei heißt {name.name}, die {file.kind.german} hat aber die ID `{file.model.id}`.",
            f"Datei umbenennen in {file.model.id}.yaml oder die ID anpassen.",
        )


@file_check(START_AFTER_END, REPORTS_ORDER)
def check_measure_dates(file: FileInput) -> Iterator[Finding]:
    if not isinstance(file.model, Measure):
        return
    measure = file.model
    if measure.start and measure.end and measure.start.is_after(measure.end):
        yield START_AFTER_END.at(
            file.positions.at("end"),
            f"Das Ende {measure.end.german()} liegt vor dem Beginn {measure.start.german()}.",
            "Beginn und Ende prüfen; vertauscht?",
        )
    for i in range(1, len(measure.reports)):
        before, this = measure.reports[i - 1].date, measure.reports[i].date
        if this < before:
            yield REPORTS_ORDER.at(
                file.positions.at("reports", i, "date"),
                f"Statusbericht vom {this:%d.%m.%Y} steht nach dem vom {before:%d.%m.%Y}.",
                "Statusberichte stehen in zeitlicher Reihenfolge, der älteste zuerst.",
            )


@file_check(RATING_REASON)
def check_rating(file: FileInput) -> Iterator[Finding]:
    if not isinstance(file.model, Measure):
        return
    measure = file.model
    if measure.rating in ("gelb", "rot") and not (measure.rating_reason or "").strip():
        yield RATING_REASON.at(
            file.positions.at("rating"),
            f"Die Ampel steht auf {measure.rating}, aber `rating_reason` fehlt.",
            "Kurz begründen, was die Umsetzung verzögert oder gefährdet: `rating_reason: …`.",
        )


@file_check(DUPLICATE_BUDGET)
def check_budget_lines(file: FileInput) -> Iterator[Finding]:
    if not isinstance(file.model, Measure):
        return
    seen: dict[tuple[int, str], int] = {}
    for i, line in enumerate(file.model.budget):
        key = (line.year, line.kind)
        if key in seen:
            yield DUPLICATE_BUDGET.at(
                file.positions.at("budget", i),
                f"Für {line.year} ({line.kind}) gibt es schon einen Ansatz (Eintrag {seen[key] + 1}).",
                "Die Beträge zusammenfassen, sonst werden sie addiert.",
            )
        else:
            seen[key] = i
