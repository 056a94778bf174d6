"""Reporting periods: financial-year quarters (Q1 April-June ... Q4 January-March)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}
_NAMES = {1: "Apr - Jun", 2: "Jul - Sep", 3: "Oct - Dec", 4: "Jan - Mar"}


@dataclass(frozen=True, order=True)
class Quarter:
    year: int  # the financial year's first calendar year: 2017 for 2017/18
    number: int

    @property
    def start(self) -> date:
        first, _ = _MONTHS[self.number]
        return date(self.year + (self.number == 4), first, 1)

    @property
    def end(self) -> date:
        _, last = _MONTHS[self.number]
        calendar_year = self.year + (self.number == 4)
        following = date(calendar_year + (last == 12), last % 12 + 1, 1)
        return following - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"Q{self.number} {_NAMES[self.number]} {self.end.year}"

    @property
    def index(self) -> int:
        """Quarters counted from year 0: the database's ``reports_quarter`` of its dates."""
        return self.year * 4 + self.number - 1

    @classmethod
    def at(cls, index: int) -> "Quarter":
        return cls(index // 4, index % 4 + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year, self.number - 1) if self.number > 1 else Quarter(self.year - 1, 4)


FIRST_YEAR, LAST_YEAR = 1990, 2100  # the years a figure link may name, too


def financial_year(text: str | int) -> int:
    """2017, "2017", "2017/18" or "2017-18" -> 2017."""
    if isinstance(text, int):
        return text
    match = re.fullmatch(r"\s*(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?\s*", str(text))
    if not match:
        raise ValueError(f"{text!r} is not a financial year like 2017/18")
    start = int(match.group(1))
    if match.group(2) and int(match.group(2)[-2:]) != (start + 1) % 100:
        raise ValueError(f"{text!r} is not a financial year like 2017/18")
    if not FIRST_YEAR <= start <= LAST_YEAR:  # a year 9999 has quarters no date can hold
        raise ValueError(f"{text!r} is not a financial year the tracker can count")
    return start


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def quarters(year: int) -> list[Quarter]:
    return [Quarter(year, number) for number in (1, 2, 3, 4)]


def current_financial_year(today: date) -> int:
    return today.year if today.month >= 4 else today.year - 1
