"""The scheduler runs each daily task once a day from its hour, whoever else is scheduling."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hall.jobs.models import TaskRun
from hall.jobs.registry import DAILY, run_due
from hall.members.models import Member, Notice

pytestmark = pytest.mark.django_db


def test_the_membership_job_runs_once_a_day_from_two_oclock(member: Member) -> None:
    assert DAILY["membership_calendar"] == 2
    day = member.valid_until - timedelta(days=30)  # a reminder is due that day
    assert run_due(datetime(day.year, day.month, day.day, 1, 59)) == ["orders_settle"]
    assert run_due(datetime(day.year, day.month, day.day, 2, 0)) == [
        "membership_calendar",
        "orders_settle",
    ]
    assert run_due(datetime(day.year, day.month, day.day, 2, 9)) == []
    assert run_due(datetime(day.year, day.month, day.day, 23, 0)) == [
        "reconcile",
        "sessions_clear",
        "sms_codes_clear",
        "orders_settle",
    ]
    assert Notice.objects.filter(member=member).count() == 1
    assert TaskRun.objects.filter(name="membership_calendar").count() == 1


def test_the_scheduler_command(member: Member) -> None:
    out = StringIO()
    call_command("scheduler", now="2026-12-01T03:00", stdout=out)
    assert "ran membership_calendar" in out.getvalue()
    assert "ran reconcile" in out.getvalue()  # yesterday's, from three o'clock
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("scheduler", now="tonight")
