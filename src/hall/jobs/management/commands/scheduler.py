"""``python -m hall scheduler``: run the daily tasks when their hour comes, every minute.

``--once`` checks once and exits (for cron, or to catch up after a restart); ``--now`` pretends
the time is that (YYYY-MM-DDTHH:MM).
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hall.jobs.registry import run_due


class Command(BaseCommand):
    help = "Run the hall's daily tasks (renewal reminders, expiries) when they are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--now", help="run as if the local time were YYYY-MM-DDTHH:MM")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pretend = datetime.fromisoformat(options["now"]) if options["now"] else None
        except ValueError:
            raise CommandError(f"--now {options['now']!r} is not YYYY-MM-DDTHH:MM") from None
        while True:
            now = pretend or timezone.localtime()
            for name in run_due(now):
                self.stdout.write(f"{now:%Y-%m-%d %H:%M} ran {name}")
            if options["once"] or pretend:
                return
            time.sleep(60)  # pragma: no cover - the long-running form
