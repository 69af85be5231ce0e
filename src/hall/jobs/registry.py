"""Periodic tasks (architecture.md: tasks): each app registers its own from its
``AppConfig.ready`` (:func:`register`), daily from an hour or every few minutes.

Celery beat sends :func:`tick` every minute; it hands each due task's slot to the workers as
its own :func:`run_periodic` task, so one task's failure does not stop the others. A slot is
claimed by its :class:`~hall.jobs.models.TaskRun` row, so however many beats run, each slot
runs once; a failed run is recorded failed and retried. ``python -m hall scheduler`` ticks
once by hand (``--now`` pretends the time)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from hall.jobs.engine import app
from hall.jobs.models import TaskRun

logger = logging.getLogger("hall.tasks")
TASKS: dict[str, Callable[..., Any]] = {}  # name -> function
#: The daily tasks and the hour (local time) from which each runs.
DAILY: dict[str, int] = {}
#: The tasks that run every few minutes, and how many.
EVERY: dict[str, int] = {}
#: How often a failed periodic run is tried again (after 1, 2, 4 minutes) before it waits for
#: staff.
RETRIES = 3


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


def due(now: datetime) -> list[tuple[str, str]]:
    """The (task, slot) pairs due at ``now``: each daily task from its hour ("" its slot), each
    periodic one in the slot ``now`` falls in ("HH:MM")."""
    slots = [(name, "") for name, hour in sorted(DAILY.items()) if now.hour >= hour]
    for name, minutes in sorted(EVERY.items()):
        start = (now.hour * 60 + now.minute) // minutes * minutes
        slots.append((name, f"{start // 60:02d}:{start % 60:02d}"))
    return slots


def run_due(now: datetime) -> list[str]:
    """Hand every due task whose slot has no run yet to the workers, each as its own task (a
    failure of one does not stop the others); the tasks handed out."""
    handed = []
    for name, slot in due(now):
        if TaskRun.objects.filter(name=name, day=now.date(), slot=slot).exists():
            continue  # run, running or failed and being retried: never twice
        run_periodic.apply_async((name, now.date().isoformat(), slot))
        handed.append(name)
    return handed


@app.task(name="hall.jobs.tick")
def tick() -> list[str]:
    """Beat's one entry, every minute."""
    return run_due(timezone.localtime())


@app.task(name="hall.jobs.run_periodic", bind=True, max_retries=RETRIES)
def run_periodic(task: Any, name: str, day: str, slot: str) -> str:
    """Run one slot of a periodic task once: claimed by its TaskRun row (a second beat's copy
    finds it taken), recorded done or failed; a failure is retried with a growing pause."""
    run_on = date.fromisoformat(day)
    claimed = _claim(name, run_on, slot)
    if claimed is None:
        return "taken"
    logger.info("running %s for %s %s", name, run_on, slot)
    try:
        run(name, today=run_on)
    except Exception as error:
        logger.exception("periodic task %s for %s %s failed", name, run_on, slot)
        TaskRun.objects.filter(pk=claimed.pk).update(
            status=TaskRun.Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise task.retry(exc=error, countdown=60 * 2**task.request.retries) from error
    TaskRun.objects.filter(pk=claimed.pk).update(status=TaskRun.Status.DONE,
                                                 finished_at=timezone.now())  # fmt: skip
    return "done"


def _claim(name: str, day: date, slot: str) -> TaskRun | None:
    """The slot's run, now this worker's: new, or a failed one tried again; None if it is
    done or another worker has it."""
    try:
        with transaction.atomic():
            return TaskRun.objects.create(name=name, day=day, slot=slot)
    except IntegrityError:  # another beat's copy, or a failed run's retry
        pass
    retried = TaskRun.objects.filter(name=name, day=day, slot=slot, status=TaskRun.Status.FAILED)
    if not retried.update(status=TaskRun.Status.RUNNING, attempts=F("attempts") + 1, error=""):
        return None
    return TaskRun.objects.get(name=name, day=day, slot=slot)
