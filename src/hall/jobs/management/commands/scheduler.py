"""``python -m hall scheduler``: one tick by hand: the periodic tasks due now go to the
workers (beat does this every minute; ``python -m hall beat``). ``--now`` pretends the time is
that (YYYY-MM-DDTHH:MM), to catch up on a missed day."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hall.jobs.registry import run_due


class Command(BaseCommand):
    help = "Hand the periodic tasks due now to the workers (one tick of beat)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="run as if the local time were YYYY-MM-DDTHH:MM")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pretend = datetime.fromisoformat(options["now"]) if options["now"] else None
        except ValueError:
            raise CommandError(f"--now {options['now']!r} is not YYYY-MM-DDTHH:MM") from None
        now = pretend or timezone.localtime()
        for name in run_due(now):
            self.stdout.write(f"{now:%Y-%m-%d %H:%M} ran {name}")
