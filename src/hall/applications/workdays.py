"""Working days in China: public holidays and make-up working days (调休).

The center keeps its own table (:class:`CalendarDay`, editable in the admin), seeded from the
chinese-calendar package for the years it knows (``python -m hall seed_calendar``); the State
Council publishes a year's schedule late in the year before, so a year the table does not have
falls back to Monday-Friday, and the answer says so (``assumed``) for the page to show.

>>> from datetime import date
>>> weekday_rule(date(2026, 11, 21))   # a Saturday
False
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar

from hall.applications.models import CalendarDay, CalendarYear

__all__ = ["Due", "add_working_days", "seed_from_package", "weekday_rule"]


@dataclass(frozen=True)
class Due:
    """A due date, and whether a year without the official schedule was assumed Monday-Friday."""

    day: date
    assumed: bool


def weekday_rule(day: date) -> bool:
    return day.weekday() < 5


def add_working_days(start: date, count: int) -> Due:
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    day, left, assumed = start, count, False
    known_years = set(CalendarYear.objects.values_list("year", flat=True))
    exceptions = dict(CalendarDay.objects.filter(day__gt=start, day__lte=start + timedelta(
        days=count * 3 + 30)).values_list("day", "is_workday"))  # fmt: skip
    while left:
        day += timedelta(days=1)
        if day.year not in known_years:
            assumed = True
        if exceptions.get(day, weekday_rule(day)):
            left -= 1
    return Due(day, assumed)


def seed_from_package(years: range) -> list[int]:
    """Copy the package's holidays and make-up days for ``years``; return the years it knew."""
    seeded = []
    for year in years:
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            continue
        day = date(year, 1, 1)
        while day.year == year:
            official = chinese_calendar.is_workday(day)
            if official != weekday_rule(day):
                _, name = chinese_calendar.get_holiday_detail(day)
                CalendarDay.objects.update_or_create(
                    day=day, defaults={"is_workday": official, "note": str(name or "")[:50]}
                )
            day += timedelta(days=1)
        CalendarYear.objects.update_or_create(
            year=year, defaults={"source": f"chinese-calendar {chinese_calendar.__version__}"}
        )
        seeded.append(year)
    return seeded
