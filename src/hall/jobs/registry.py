"""Background work through one interface (architecture.md: tasks).

A task is a named function an app registers here from its ``AppConfig.ready``; :func:`run` runs
it now (the embedded default: inline, no extra server) and :func:`run_due` runs the daily ones
that have not run for the day, recording each run once in the database so that several
schedulers never repeat a day's job. ``python -m hall scheduler`` is the process that calls
:func:`run_due` every minute; at scale a broker's workers (Celery on Redis or RabbitMQ) can
call the same tasks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from hall.jobs.models import TaskRun

logger = logging.getLogger("hall.tasks")
TASKS: dict[str, Callable[..., Any]] = {}  # name -> function
#: The daily tasks and the hour (local time) from which each runs.
DAILY: dict[str, int] = {}
#: The tasks that run every few minutes, and how many.
EVERY: dict[str, int] = {}


Task = Callable[..., Any]


def register(name: str, function: Task, *, daily_at: int | None = None,
             every_minutes: int | None = None) -> None:  # fmt: skip
    """Make ``function(today=...)`` the task ``name``: daily from the hour ``daily_at``, or every
    ``every_minutes``. Each app registers its own tasks in ``AppConfig.ready``."""
    TASKS[name] = function
    if daily_at is not None:
        DAILY[name] = daily_at
    if every_minutes is not None:
        EVERY[name] = every_minutes


def run(name: str, **kwargs: Any) -> Any:
    """Run a registered task now."""
    return TASKS[name](**kwargs)


def run_due(now: datetime) -> list[str]:
    """Run every daily task whose hour has come and that has not run for ``now``'s date."""
    due = [(name, "") for name, hour in sorted(DAILY.items()) if now.hour >= hour]
    for name, minutes in sorted(EVERY.items()):
        start = (now.hour * 60 + now.minute) // minutes * minutes
        due.append((name, f"{start // 60:02d}:{start % 60:02d}"))
    ran = []
    for name, slot in due:
        try:
            with transaction.atomic():
                TaskRun.objects.create(name=name, day=now.date(), slot=slot)
        except IntegrityError:  # another scheduler, or an earlier minute, has it
            continue
        logger.info("running %s for %s %s", name, now.date(), slot)
        run(name, today=now.date())
        ran.append(name)
    return ran
