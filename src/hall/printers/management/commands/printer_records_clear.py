"""``python -m hall printer_records_clear``: delete now what the daily task would (printers'
checks and print jobs past two years, hall.printers.retention)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hall.printers.retention import printer_records_clear


class Command(BaseCommand):
    help = "Delete printing companies' checks and print jobs kept past two years, with their files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="count the two years back from this day (YYYY-MM-DD)")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        removed = printer_records_clear(today=options["today"])
        self.stdout.write(f"{removed} records past two years removed")
