"""Calendar months, for comparing a run's days with history's monthly records.

A replay states the calendar date of its day 0; a day ``d`` of the run is then
``day0 + d`` and falls in one :class:`Month`.  Months are ordered and support
``month + n`` and ``month - other`` (a whole number of months).

Example
-------
>>> m = Month.parse("2023-08")
>>> str(m + 5), (m + 5) - m, m.days
('2024-01', 5, 31)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = ["Month"]

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month; ``index`` counts months from January of year 0."""

    index: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """``"YYYY-MM"`` as a month; ``ValueError`` naming what was found otherwise."""
        match = _MONTH.match(text.strip())
        if match is None:
            raise ValueError(f"expected a month as YYYY-MM, found {text!r}")
        return cls(int(match.group(1)) * 12 + int(match.group(2)) - 1)

    @classmethod
    def of(cls, day: date) -> Month:
        """The month ``day`` falls in."""
        return cls(day.year * 12 + day.month - 1)

    @property
    def year(self) -> int:
        return self.index // 12

    @property
    def number(self) -> int:
        """1 for January … 12 for December."""
        return self.index % 12 + 1

    @property
    def days(self) -> int:
        """Number of days in the month."""
        return calendar.monthrange(self.year, self.number)[1]

    def first_day(self) -> date:
        return date(self.year, self.number, 1)

    def __add__(self, months: int) -> Month:
        return Month(self.index + months)

    def __sub__(self, other: Month) -> int:
        return self.index - other.index

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.number:02d}"
