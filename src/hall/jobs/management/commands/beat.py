"""``python -m hall beat``: Celery beat, which sends the periodic tick every minute. One is
enough; more do no harm (each slot of a periodic task is claimed once). Further arguments go to
``celery beat``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hall.jobs.engine import app


class Command(BaseCommand):
    help = "Run Celery beat for the hall's periodic tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("celery", nargs="*", help="more arguments for celery beat")

    def handle(self, *args: Any, **options: Any) -> None:
        app.start(["beat", "--loglevel=INFO", *options["celery"]])
