"""``python -m hall membership_calendar [--date YYYY-MM-DD]``: the daily membership job."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hall.members.lifecycle import membership_calendar


class Command(BaseCommand):
    help = "Send renewal reminders, mark lapsed memberships expired and cancel them after grace."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="run as if today were this date (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError:
            raise CommandError(f"--date {options['date']!r} is not a date YYYY-MM-DD") from None
        report = membership_calendar(today or timezone.localdate())
        self.stdout.write(f"reminded {len(report.reminded)}, expired {len(report.expired)}, "
                          f"cancelled {len(report.cancelled)}")  # fmt: skip
