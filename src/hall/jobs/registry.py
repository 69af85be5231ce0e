"""Background work through one interface (architecture.md: tasks).

A task is a named function registered here; :func:`run` runs it now (the embedded default:
inline, no extra server) and :func:`run_due` runs the daily ones that have not run for the day,
recording each run once in the database so that several schedulers never repeat a day's job.
``python -m hall scheduler`` is the process that calls :func:`run_due` every minute; at scale a
broker's workers (Celery on Redis or RabbitMQ) can call the same tasks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

__all__ = ["DAILY", "EVERY", "TASKS", "run", "run_due", "task"]

from django.db import IntegrityError, transaction

from hall.jobs.models import TaskRun

logger = logging.getLogger("hall.tasks")
TASKS: dict[str, Callable[..., Any]] = {}  # name -> function
#: The daily tasks and the hour (local time) from which each runs.
DAILY: dict[str, int] = {}
#: The tasks that run every few minutes, and how many.
EVERY: dict[str, int] = {}


Task = Callable[..., Any]


def task(name: str, *, daily_at: int | None = None,
         every_minutes: int | None = None) -> Callable[[Task], Task]:  # fmt: skip
    """Register ``name``; ``daily_at`` makes it daily from that hour, ``every_minutes``
    periodic."""

    def register(function: Task) -> Task:
        TASKS[name] = function
        if daily_at is not None:
            DAILY[name] = daily_at
        if every_minutes is not None:
            EVERY[name] = every_minutes
        return function

    return register


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


def _daily_membership(today: date) -> None:
    from hall.members.lifecycle import membership_calendar  # noqa: PLC0415

    membership_calendar(today)


def _settle_orders(today: date) -> None:
    from django.utils import timezone  # noqa: PLC0415

    from hall.payments.orders import orders_settle  # noqa: PLC0415

    orders_settle(timezone.now())


def _reconcile_yesterday(today: date) -> None:
    from hall.payments.reconciliation import reconcile  # noqa: PLC0415

    reconcile(today - timedelta(days=1))


def _clear_expired(today: date) -> None:
    """Expired sessions go (Django keeps them until asked); SMS codes once no limit counts
    them (a day's) and no one can use them."""
    from django.contrib.sessions.models import Session  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from hall.accounts.models import SmsCode  # noqa: PLC0415

    Session.objects.filter(expire_date__lt=timezone.now()).delete()
    SmsCode.objects.filter(created_at__lt=timezone.now() - timedelta(days=2)).delete()


task("membership_calendar", daily_at=2)(_daily_membership)
#: What expires is cleared: sessions and used-up SMS codes.
task("clear_expired", daily_at=4)(_clear_expired)
#: Yesterday's orders against notifications and gateway queries, for the center's finance staff.
task("reconcile", daily_at=3)(_reconcile_yesterday)
#: Lost notifications: every 10 minutes the gateway is asked about the pending orders.
task("orders_settle", every_minutes=10)(_settle_orders)
