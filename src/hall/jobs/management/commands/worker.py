"""``python -m hall worker``: a Celery worker for the hall's background tasks (jobs and
periodic tasks). Any number may run on any number of machines; ``--beat`` embeds the periodic
ticks (development: ``make run``). Further arguments go to ``celery worker``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hall.jobs.engine import app


class Command(BaseCommand):
    help = "Run a Celery worker for the hall's background tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--beat", action="store_true", help="also send the periodic ticks")
        parser.add_argument("celery", nargs="*", help="more arguments for celery worker")

    def handle(self, *args: Any, **options: Any) -> None:
        extra = ["--beat"] if options["beat"] else []
        app.worker_main(["worker", "--loglevel=INFO", *extra, *options["celery"]])
