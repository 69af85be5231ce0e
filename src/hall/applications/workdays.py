"""Working days in China: public holidays and make-up working days (调休).

The center keeps its own table (:class:`CalendarDay`, editable in the admin), updated each year
by ``python -m hall calendar_update`` from the chinese-calendar package (a newer release) or
from the State Council's notice typed into a file; the days staff entered by hand are kept. The
notice comes late in the year before, so a year the table does not have falls back to
Monday-Friday, the answer says so (``assumed``), and the center's pages warn
:data:`WARN_DAYS` days before the table runs out (:func:`calendar_warning`).

>>> from datetime import date
>>> weekday_rule(date(2026, 11, 21))   # a Saturday
False
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar
from django.db import transaction
from django.utils.translation import gettext as _

from hall.applications.models import CalendarDay, CalendarYear

__all__ = ["Due", "Update", "add_working_days", "calendar_ends", "calendar_warning",
           "update_from_notice", "update_from_package", "weekday_rule"]  # fmt: skip


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


#: The center's pages warn this many days before the last day the table knows.
WARN_DAYS = 60
Days = dict[date, tuple[bool, str]]  # day -> (is it a working day, its holiday's name)


@dataclass(frozen=True)
class Update:
    """What a yearly update did: the years it wrote, and the days staff had entered that it
    kept although the source says otherwise (for staff to look at)."""

    years: list[int]
    kept: list[date]


def update_from_package(years: range) -> Update:
    """The package's holidays and make-up days for those of ``years`` it knows (a newer
    chinese-calendar release carries the next year's schedule)."""
    written, kept = [], []
    for year in years:
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            continue
        days: Days = {}
        for day in _days_of(year):
            official = chinese_calendar.is_workday(day)
            if official != weekday_rule(day):
                _, name = chinese_calendar.get_holiday_detail(day)
                days[day] = (official, str(name or "")[:50])
        kept += _replace_year(year, days, CalendarDay.Source.PACKAGE,
                              f"chinese-calendar {chinese_calendar.__version__}")  # fmt: skip
        written.append(year)
    return Update(written, kept)


def update_from_notice(year: int, days: Days, *, source: str) -> Update:
    """A year's schedule as the State Council's notice gives it (read by the command from a
    file): every day that breaks the Monday-Friday rule."""
    if outside := [day for day in days if day.year != year]:
        raise ValueError(f"{outside[0]} is not in {year}")
    return Update([year], _replace_year(year, days, CalendarDay.Source.NOTICE, source))


@transaction.atomic
def _replace_year(year: int, days: Days, source: str, described: str) -> list[date]:
    """Make the year's table what ``days`` says, but for the days staff entered: those are
    kept, and returned where the source disagrees."""
    of_year = CalendarDay.objects.filter(day__year=year)
    staff = dict(of_year.filter(source=CalendarDay.Source.STAFF).values_list("day", "is_workday"))
    of_year.exclude(source=CalendarDay.Source.STAFF).exclude(day__in=list(days)).delete()
    for day, (workday, note) in days.items():
        if day not in staff:
            CalendarDay.objects.update_or_create(
                day=day, defaults={"is_workday": workday, "note": note, "source": source}
            )
    CalendarYear.objects.update_or_create(year=year, defaults={"source": described[:100]})
    return sorted(day for day, workday in staff.items()
                  if days.get(day, (weekday_rule(day), ""))[0] != workday)  # fmt: skip


def _days_of(year: int) -> Iterator[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def calendar_ends(today: date) -> date | None:
    """The last day of the run of years the table knows from this one on (None: not even
    this year's is known)."""
    known = set(CalendarYear.objects.values_list("year", flat=True))
    year = today.year
    if year not in known:
        return None
    while year + 1 in known:
        year += 1
    return date(year, 12, 31)


def calendar_warning(today: date) -> str | None:
    """What the center's pages say when the table is about to run out (or has): due dates
    after its end are counted Monday-Friday."""
    ends = calendar_ends(today)
    if ends is None:
        return _("节假日表没有 %(year)d 年的数据，审核期限暂按周一至周五计算：请更新"
                 "（python -m hall calendar_update）") % {"year": today.year}  # fmt: skip
    if (ends - today).days > WARN_DAYS:
        return None
    message = _("节假日表的数据到 %(day)s 为止，之后的审核期限将按周一至周五计算：请在国务院发布"
                "次年安排后更新（python -m hall calendar_update）")  # fmt: skip
    return message % {"day": ends.isoformat()}
