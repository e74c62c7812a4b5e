"""Full and partial dates as the seeds write them ("bis zum 3. Quartal 2021").

A partial date is an interval of days: `2021` is all of 2021, `2021-Q3` July to
September. Ordering compares intervals, so `start <= end` can be checked across
forms, and a start is only "after" an end when its first day lies after the
end's last day.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal

Precision = Literal["year", "half", "quarter", "month", "day"]

_FORMS: Final = re.compile(  # [0-9], not \d: `٢٠٢١` is no year here (see model._ascii_digits)
    r"(?P<year>[0-9]{4})(?:-(?:(?P<month>[0-9]{2})(?:-(?P<day>[0-9]{2}))?|Q(?P<quarter>[1-4])|H(?P<half>[12])))?"
)
# what editors check while typing (the parser decides, e.g. about 31 February)
_MONTH: Final = r"(0[1-9]|1[0-2])"
_DAY: Final = r"(0[1-9]|[12][0-9]|3[01])"
DAY_PATTERN: Final = rf"^[0-9]{{4}}-{_MONTH}-{_DAY}$"
FORMS_PATTERN: Final = rf"^[0-9]{{4}}(-({_MONTH}(-{_DAY})?|Q[1-4]|H[12]))?$"
MONTHS_DE: Final = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    first: date
    last: date
    text: str = field(compare=False)
    precision: Precision = field(compare=False)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse `2021`, `2021-09`, `2021-Q3`, `2021-H1` or `2021-09-30`; ValueError otherwise."""
        match = _FORMS.fullmatch(text)
        if not match:
            raise ValueError(
                f"`{text}` ist kein Datum; erlaubt sind 2021, 2021-09, 2021-Q3, 2021-H1 "
                f"oder 2021-09-30{_german_hint(text)}"
            )
        year = int(match["year"])
        if year < 1900 or year > 2200:
            raise ValueError(f"Jahr {year} ist nicht plausibel")
        if match["quarter"]:
            q = int(match["quarter"])
            first = date(year, 3 * q - 2, 1)
            return cls(first, _month_end(year, 3 * q), text, "quarter")
        if match["half"]:
            h = int(match["half"])
            return cls(date(year, 6 * h - 5, 1), _month_end(year, 6 * h), text, "half")
        if match["day"]:
            day = parse_date(text)
            return cls(day, day, text, "day")
        if match["month"]:
            month = int(match["month"])
            if not 1 <= month <= 12:
                raise ValueError(f"`{text}`: Monat {month} gibt es nicht")
            return cls(date(year, month, 1), _month_end(year, month), text, "month")
        return cls(date(year, 1, 1), date(year, 12, 31), text, "year")

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple[type[PartialDate], tuple[date, date, str, Precision]]:
        # plain constructor arguments: much faster to unpickle than the dataclass default
        return (PartialDate, (self.first, self.last, self.text, self.precision))

    def german(self) -> str:
        """The form a council paper would print: '3. Quartal 2021', '30.09.2021'."""
        year = self.first.year
        match self.precision:
            case "day":
                return format_date(self.first)
            case "month":
                return f"{MONTHS_DE[self.first.month - 1]} {year}"
            case "quarter":
                return f"{(self.first.month + 2) // 3}. Quartal {year}"
            case "half":
                return f"{(self.first.month + 5) // 6}. Halbjahr {year}"
        return str(year)

    def is_after(self, other: PartialDate) -> bool:
        """True only when this interval lies entirely after `other`."""
        return self.first > other.last


def parse_date(text: str) -> date:
    """A full ISO date `YYYY-MM-DD`, nothing else (no timestamps, no German dots)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        raise ValueError(f"`{text}` ist kein Datum der Form JJJJ-MM-TT{_german_hint(text)}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"`{text}`: diesen Tag gibt es nicht") from None


def _german_hint(text: str) -> str:
    """' – meinten Sie 2024-03-15?' for a date written the German way (15.03.2024)."""
    german = re.fullmatch(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})", text.strip())
    if not german:
        return ""
    day, month, year = german.groups()
    return f" – meinten Sie {year}-{int(month):02d}-{int(day):02d}?"


def format_date(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def months_between(earlier: date, later: date) -> int:
    """Whole months from `earlier` to `later` (negative when `later` comes first)."""
    return (
        (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)
    )


def months_german(months: int) -> str:
    """A span in words: '1 Monat', '2 Jahre', '4 Jahre und 11 Monate'."""
    years, rest = divmod(max(months, 0), 12)
    parts = [f"{years} {'Jahr' if years == 1 else 'Jahre'}"] if years else []
    if rest or not years:
        parts.append(f"{rest} {'Monat' if rest == 1 else 'Monate'}")
    return " und ".join(parts)
