"""``python -m hall beat``: Celery beat, which sends the periodic tick every minute. One is
enough; more do no harm (each slot of a periodic task is claimed once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hall.jobs.engine import app


class Command(BaseCommand):
    help = "Run Celery beat for the hall's periodic tasks."

    def handle(self, *args: Any, **options: Any) -> None:
        app.start(["beat", "--loglevel=INFO"])
