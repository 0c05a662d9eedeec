"""Working days from the official holiday calendar (package `chinese-calendar`), with O(1) arithmetic.

The calendar knows each year's 法定节假日 and 调休 make-up working days
(a Saturday can be a working day). A table of cumulative working days over
the covered years turns "the N-th working day after D" into two lookups.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from functools import lru_cache

import chinese_calendar  # type: ignore[import-untyped]


class CalendarError(ValueError):
    """A date outside the years the holiday calendar covers; the message is Chinese."""


@lru_cache(maxsize=1)
def covered_years() -> tuple[int, int]:
    """First and last year the installed calendar knows (e.g. 2004–2026)."""
    try:
        chinese_calendar.is_workday(dt.date(2100, 1, 4))
    except NotImplementedError as exc:
        m = re.search(r"between \[(\d{4}),\s*(\d{4})\]", str(exc))
        if m:
            return int(m.group(1)), int(m.group(2))
    years = [d.year for d in chinese_calendar.constants.holidays]
    return min(years), max(years)


def uncovered_message(year: int) -> str:
    lo, hi = covered_years()
    return (
        f"节假日安排数据只覆盖 {lo}—{hi} 年，无法计算 {year} 年的工作日"
        "（请升级 chinese-calendar 包：pip install -U chinese-calendar）"
    )


class Workdays:
    """Working-day arithmetic over the calendar's covered years."""

    def __init__(self) -> None:
        lo, hi = covered_years()
        self.first = dt.date(lo, 1, 1)
        self.last = dt.date(hi, 12, 31)
        self._base = self.first.toordinal()
        n = self.last.toordinal() - self._base + 1
        self._is_work = bytearray(n)
        # cum[i] = working days among days [first, first + i] inclusive
        self._cum = [0] * n
        self._work_ordinals: list[int] = []
        total = 0
        for i in range(n):
            d = dt.date.fromordinal(self._base + i)
            if chinese_calendar.is_workday(d):
                self._is_work[i] = 1
                total += 1
                self._work_ordinals.append(self._base + i)
            self._cum[i] = total

    def covers(self, d: dt.date) -> bool:
        return self.first <= d <= self.last

    def _index(self, d: dt.date) -> int:
        if not self.covers(d):
            raise CalendarError(uncovered_message(d.year))
        return d.toordinal() - self._base

    def is_workday(self, d: dt.date) -> bool:
        return bool(self._is_work[self._index(d)])

    def add(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (the start day itself is not counted; n ≥ 1)."""
        k = self._cum[self._index(start)] + n  # the k-th working day of the table (1-based)
        if k > len(self._work_ordinals):
            raise CalendarError(uncovered_message(self.last.year + 1))
        return dt.date.fromordinal(self._work_ordinals[k - 1])

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        return self._cum[self._index(end)] - self._cum[self._index(start)]

    def next_workday_on_or_after(self, d: dt.date) -> dt.date:
        i = self._index(d)
        if self._is_work[i]:
            return d
        j = bisect_right(self._work_ordinals, d.toordinal())
        if j >= len(self._work_ordinals):
            raise CalendarError(uncovered_message(self.last.year + 1))
        return dt.date.fromordinal(self._work_ordinals[j])


@lru_cache(maxsize=1)
def workdays() -> Workdays:
    return Workdays()
