"""Late measures and stale status reports, measured against today.

A measure is *late* when its planned end lies before today and its status is not one
of the done statuses. A measure is *running* when it is not done, its status does not
say it waits (`geplant`, `zurueckgestellt` and their like) and its start, if given, has
come; its Statusbericht is *stale* when the last one is older than isek.yaml's
`stale_after_months` (or there is none, `stale_after_months` after its start). validate
warns about a late measure as late only, with its last report in the message, unless the
late rule is switched off; the reports show both facts.

The same judgement marks measures in `isekctl tree` and `isekctl show` (`marks`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ..dates import format_date, months_between, months_german
from ..findings import E, Finding, Location, Rule, W
from ..model import Config, Measure
from ..project import Item, Project
from ..text import fold
from .registry import Context, project_check

LATE = Rule("ISEK072", "late-measure", W,
            "Das geplante Ende einer Maßnahme ist vorbei, sie ist aber nicht abgeschlossen.",
            "Abschluss mit einem Statusbericht eintragen – oder ein neues `end` und den Grund "
            "im Statusbericht.")  # fmt: skip
STALE = Rule("ISEK073", "stale-report", W,
             "Der letzte Statusbericht einer laufenden Maßnahme ist älter als "
             "`stale_after_months` (isek.yaml).",
             "Einen Statusbericht ergänzen (`isekctl new report ID`).")  # fmt: skip

DECISION_IN_FUTURE = Rule("ISEK074", "decision-in-future", E,
                          "Ein Beschlussstand ist auf einen Tag nach heute datiert.",
                          "`decided_on` auf den Tag des Beschlusses setzen; einen künftigen Beschluss "
                          "erst nach der Sitzung mit `state: beschlossen` eintragen.")  # fmt: skip

# Status words that say a measure is not under way (yet, or for now): no report is due.
WAITING_WORDS = ("geplant", "vorgesehen", "zurueckgestellt", "ruhend", "ausgesetzt", "pausiert")


@dataclass(frozen=True, slots=True)
class Judgement:
    """What is overdue about one measure today: each part a German sentence, or ''."""

    late: str = ""
    stale: str = ""
    stale_where: tuple[str | int, ...] = ()

    def short(self) -> str:
        """'überfällig', 'Bericht veraltet' or both, for a column or a tree label."""
        return ", ".join(
            word for word, said in (("überfällig", self.late), ("Bericht veraltet", self.stale))
            if said
        )  # fmt: skip


def _one_warning(verdict: Judgement) -> Judgement:
    """A late measure is warned about as late only (its message names its last report)."""
    return Judgement(verdict.late) if verdict.late else verdict


def is_waiting(config: Config, status: str) -> bool:
    return _waiting(status, config.status_name(status))


@functools.lru_cache(maxsize=256)  # a handful of statuses, asked once per measure
def _waiting(status: str, name: str) -> bool:
    return any(fold(word).replace(" ", "") in WAITING_WORDS for word in (status, name))


def _last_report(measure: Measure) -> str:
    if not measure.reports:
        return "noch kein Statusbericht"
    return f"letzter Statusbericht vom {format_date(measure.reports[-1].date)}"


def judge(measure: Measure, config: Config, today: date, *, switches: bool = True) -> Judgement:
    """Whether `measure` is late or its Statusbericht stale on `today`.

    With `switches`, a rule switched off in isek.yaml `checks:` is left out: the office
    chose not to be warned. The published reports pass False: what is overdue is a fact
    for the reader, whatever the office's warnings say.
    """
    done = measure.status in config.done()
    late = stale = ""
    where: tuple[str | int, ...] = ()
    if not done and measure.end is not None and measure.end.last < today:
        status = config.status_name(measure.status)
        late = f"geplantes Ende {measure.end.german()}, Status „{status}“; {_last_report(measure)}."
    months = config.stale_after_months
    started = measure.start is None or measure.start.first <= today
    if not done and started and not is_waiting(config, measure.status):
        if measure.reports:
            latest = measure.reports[-1].date
            if months_between(latest, today) >= months:
                stale = (
                    f"Der letzte Statusbericht ist vom {format_date(latest)}, "
                    f"älter als {months_german(months)}."
                )
                where = ("reports", len(measure.reports) - 1, "date")
        elif measure.start is None:
            status = config.status_name(measure.status)
            stale = f"Die Maßnahme ist „{status}“, hat aber noch keinen Statusbericht."
            where = ("status",)
        elif months_between(measure.start.first, today) >= months:
            stale = (
                f"Die Maßnahme hat seit ihrem Beginn ({measure.start.german()}) "
                "keinen Statusbericht."
            )
            where = ("start",)
    switched = config.checks if switches else {}
    if switched.get(LATE.code) == "off":
        late = ""
    if switched.get(STALE.code) == "off":
        stale, where = "", ()
    return Judgement(late, stale, where)


def marks(project: Project, today: date) -> dict[str, tuple[str, str]]:
    """Measure id -> (short mark, sentences) for each measure that is late or stale today."""
    found = {}
    for item in project.measures:
        verdict = _one_warning(judge(item.model, project.config, today))
        if verdict.late or verdict.stale:
            sentence = f"Überfällig: {verdict.late}" if verdict.late else verdict.stale
            found[item.model.id] = (verdict.short(), sentence)
    return found


def _hint_late(config: Config, item: Item[Measure]) -> str:
    done = config.done()
    finish = f"Status `{done[0]}`" if done else "den Status, der „erledigt“ bedeutet,"
    return (
        f"Ist sie erledigt: {finish} mit einem Statusbericht eintragen "
        f"(`isekctl new report {item.model.id}`). Sonst `end` auf das neue geplante Ende setzen "
        "und den Grund im Statusbericht nennen."
    )


@project_check(LATE, STALE)
def check_schedule(ctx: Context) -> Iterator[Finding]:
    for item in ctx.project.measures:
        verdict = _one_warning(judge(item.model, ctx.config, ctx.today))
        if verdict.late:
            yield LATE.at(
                item.at("end"),
                f"`{item.model.id}` ist überfällig: {verdict.late}",
                _hint_late(ctx.config, item),
            )
        if verdict.stale:
            where: Location = item.at(*verdict.stale_where)
            yield STALE.at(
                where,
                verdict.stale,
                f"Einen Statusbericht ergänzen: `isekctl new report {item.model.id}` "
                f"(Frist in isek.yaml: `stale_after_months: {ctx.config.stale_after_months}`).",
            )


@project_check(DECISION_IN_FUTURE)
def check_decision_days(ctx: Context) -> Iterator[Finding]:
    """A decision dated after today would become the Beschlusslage of every report."""
    for revision in ctx.project.revisions:
        decided = revision.model.decided_on
        if decided is not None and decided > ctx.today:
            yield DECISION_IN_FUTURE.at(
                revision.at("decided_on"),
                f"Der Beschluss ist auf den {format_date(decided)} datiert, also in die Zukunft.",
                DECISION_IN_FUTURE.fix,
            )
