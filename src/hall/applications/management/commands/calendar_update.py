"""``python -m hall calendar_update``: the yearly update of the holiday table.

From the chinese-calendar package (upgrade it once it carries the next year):
    python -m hall calendar_update
From the State Council's notice, typed into a CSV file of ``date,kind,note`` lines (kind ``休``
or ``holiday``, ``班`` or ``workday``; a day the notice lists that is already a weekend holiday
or a weekday may be listed too):
    python -m hall calendar_update --year 2027 --file notice-2027.csv
The days staff entered in the admin are kept; the command names those the source disagrees with.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hall.applications.workdays import (
    Days,
    Update,
    calendar_ends,
    update_from_notice,
    update_from_package,
    weekday_rule,
)

KINDS = {"休": False, "holiday": False, "班": True, "workday": True}
MAX_FILE_BYTES = 64 * 1024
MAX_LINES = 400


class Command(BaseCommand):
    help = "Update the holiday table from chinese-calendar or from the State Council's notice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="the notice as date,kind,note lines")
        parser.add_argument("--year", type=int, help="the year the file gives (with --file)")
        parser.add_argument("--first", type=int, help="first year from the package (2004)")
        parser.add_argument("--last", type=int, help="last year from the package (next year)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["file"] is not None:
            if options["year"] is None:
                raise CommandError("--file needs --year, the year the notice is for")
            days = read_notice(options["file"], options["year"])
            update = update_from_notice(options["year"], days,
                                        source=f"notice file {options['file'].name}")  # fmt: skip
        else:
            first = options["first"] or 2004
            update = update_from_package(range(first, (options["last"] or today.year + 1) + 1))
        self.report(update, today)

    def report(self, update: Update, today: date) -> None:
        years = f"{update.years[0]}-{update.years[-1]}" if update.years else "none"
        self.stdout.write(f"holiday table updated for: {years}")
        for day in update.kept:
            self.stdout.write(f"kept {day}: entered by staff, the source says otherwise")
        ends = calendar_ends(today)
        self.stdout.write(f"the table now runs to {ends or 'no date: this year is missing'}; "
                          "later days are counted Monday-Friday")  # fmt: skip


def read_notice(path: Path, year: int) -> Days:
    """The notice's days that break the Monday-Friday rule; every bad line is named at once."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from error
    if len(data) > MAX_FILE_BYTES:
        raise CommandError(f"{path}: more than {MAX_FILE_BYTES} bytes; a year's notice is a page")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: not UTF-8 text ({error.reason})") from error
    days: Days = {}
    problems = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if number > MAX_LINES:
            raise CommandError(f"{path}: more than {MAX_LINES} lines")
        if not row or not "".join(row).strip() or row[0].startswith("#"):
            continue
        try:
            day, workday, note = _line(row, year)
        except ValueError as error:
            problems.append(f"line {number}: {error}")
            continue
        if workday != weekday_rule(day):
            days[day] = (workday, note)
    if problems:
        raise CommandError(f"{path}:\n" + "\n".join(problems))
    return days


def _line(row: list[str], year: int) -> tuple[date, bool, str]:
    cells = [cell.strip() for cell in row] + ["", ""]
    try:
        day = date.fromisoformat(cells[0])
    except ValueError:
        raise ValueError(f"{cells[0]!r} is not a date like 2027-10-01") from None
    if day.year != year:
        raise ValueError(f"{day} is not in {year}")
    if cells[1] not in KINDS:
        raise ValueError(f"{cells[1]!r} is not one of {', '.join(KINDS)}")
    return day, KINDS[cells[1]], cells[2][:50]
