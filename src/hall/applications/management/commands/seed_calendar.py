"""``python -m hall seed_calendar``: the holiday table from the chinese-calendar package."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hall.applications.workdays import seed_from_package


class Command(BaseCommand):
    help = "Copy public holidays and make-up working days from chinese-calendar (2004 onwards)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--first", type=int, default=2004)
        parser.add_argument("--last", type=int, default=2030)

    def handle(self, *args: Any, **options: Any) -> None:
        years = seed_from_package(range(options["first"], options["last"] + 1))
        known = f"{years[0]}-{years[-1]}" if years else "none"
        self.stdout.write(f"calendar years from the package: {known}; later years are "
                          "assumed Monday-Friday until the center enters them")  # fmt: skip
