"""Periodic tasks: each slot runs once however many beats tick, a failing task is recorded
failed and retried while the others run, and the scheduler command ticks by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from hall.jobs import registry
from hall.jobs.models import TaskRun
from hall.jobs.registry import DAILY, run_due
from hall.members.models import Member, Notice

pytestmark = pytest.mark.django_db


def test_the_membership_job_runs_once_a_day_from_two_oclock(member: Member) -> None:
    assert DAILY["membership_calendar"] == 2
    day = member.valid_until - timedelta(days=30)  # a reminder is due that day
    every_minute = ["jobs_requeue", "orders_settle"]
    assert run_due(datetime(day.year, day.month, day.day, 1, 59)) == every_minute
    assert run_due(datetime(day.year, day.month, day.day, 2, 0)) == [
        "membership_calendar",
        *every_minute,
    ]
    assert run_due(datetime(day.year, day.month, day.day, 2, 0)) == []  # a second beat's tick
    assert run_due(datetime(day.year, day.month, day.day, 2, 9)) == ["jobs_requeue"]
    assert run_due(datetime(day.year, day.month, day.day, 23, 0)) == [
        "jobs_clear",
        "printer_records_clear",
        "reconcile",
        "sessions_clear",
        "sms_codes_clear",
        "task_runs_clear",
        *every_minute,
    ]
    assert Notice.objects.filter(member=member).count() == 1
    run = TaskRun.objects.get(name="membership_calendar")
    assert (run.status, run.attempts) == (TaskRun.Status.DONE, 1)


@pytest.fixture
def failing() -> Iterator[list[date]]:
    """A daily task that fails twice, then succeeds; the days it was run for."""
    calls: list[date] = []

    def flaky(today: date) -> None:
        calls.append(today)
        if len(calls) < 3:
            raise OSError("the provider is down")

    registry.register("flaky", flaky, daily_at=1)
    yield calls
    registry.TASKS.pop("flaky")
    registry.DAILY.pop("flaky")


def test_a_failing_task_is_recorded_and_retried_while_the_others_run(
    member: Member, failing: list[date]
) -> None:
    handed = run_due(datetime(2026, 12, 1, 3, 0))
    assert {"flaky", "membership_calendar", "reconcile"} <= set(handed)
    assert failing == [date(2026, 12, 1)] * 3  # failed twice, retried, done the third time
    flaky = TaskRun.objects.get(name="flaky")
    assert (flaky.status, flaky.attempts, flaky.error) == (TaskRun.Status.DONE, 3, "")
    others = TaskRun.objects.exclude(name="flaky")
    assert set(others.values_list("status", flat=True)) == {TaskRun.Status.DONE}
    assert run_due(datetime(2026, 12, 1, 3, 1)) == ["jobs_requeue"]  # the day's run is done


def _down(today: date) -> None:
    raise OSError("down for good")


def test_a_task_failing_every_time_stays_failed_for_staff(failing: list[date]) -> None:
    registry.register("flaky", _down, daily_at=1)
    run_due(datetime(2026, 12, 1, 3, 0))
    flaky = TaskRun.objects.get(name="flaky")
    assert flaky.status == TaskRun.Status.FAILED
    assert flaky.attempts == registry.RETRIES + 1
    assert "down for good" in flaky.error
    assert "flaky" not in run_due(datetime(2026, 12, 1, 3, 5))  # not handed out twice


def test_the_scheduler_command(member: Member) -> None:
    out = StringIO()
    call_command("scheduler", now="2026-12-01T03:00", stdout=out)
    assert "ran membership_calendar" in out.getvalue()
    assert "ran reconcile" in out.getvalue()  # yesterday's, from three o'clock
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("scheduler", now="tonight")


def test_staff_cancel_and_requeue_jobs_in_the_admin(client: Client) -> None:
    from hall.accounts.models import User
    from hall.jobs.models import Job

    admin = User.objects.create_superuser("13900000090", "x")
    client.force_login(admin)
    job = Job.objects.create(name="verify_file", owner="key:1")
    changelist = "/admin/jobs/job/"
    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "cancel", "_selected_action": [job.pk]})
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    client.post(changelist, {"action": "requeue", "_selected_action": [job.pk]})
    job.refresh_from_db()
    assert (job.status, job.attempts, job.runner) == (Job.Status.QUEUED, 0, "")
    assert client.get("/admin/jobs/taskrun/").status_code == 200


def test_a_run_that_lost_its_job_leaves_no_result_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run whose job another run took over (its worker was taken for dead) writes nothing to
    the row, and the result file it made is removed: the job keeps one result file."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from hall.jobs import queue
    from hall.jobs.models import Job

    written: list[str] = []

    def taken_over_while_writing(current: Job) -> None:
        current.output.save("result.csv", ContentFile(b"gtin\n"), save=False)
        written.append(current.output.name or "")
        Job.objects.filter(pk=current.pk).update(runner="another-run")

    monkeypatch.setitem(queue.JOBS, "lost", taken_over_while_writing)
    job = Job.objects.create(name="lost", owner="key:1")
    finished = queue.run(job.pk)
    assert (finished.status, finished.output.name) == (Job.Status.RUNNING, "")
    assert written
    assert not default_storage.exists(written[0])


def test_old_jobs_their_files_and_orphaned_files_are_cleared(settings: object) -> None:
    """Retention: a job finished 31 days ago goes with its upload and result file; a newer one,
    a running one and a fresh file no job names stay; an orphan older than a day goes."""
    import os

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from hall.jobs import retention
    from hall.jobs.models import Job

    def job(age_days: int | None) -> Job:
        made = Job(name="verify_file", owner="key:1", status=Job.Status.DONE)
        made.input.save("in.csv", ContentFile(b"gtin\n"), save=False)
        made.output.save("out.csv", ContentFile(b"gtin,ok\n"), save=False)
        if age_days is None:
            made.status = Job.Status.RUNNING
        else:
            made.finished_at = timezone.now() - timedelta(days=age_days)
        made.save()
        return made

    old, recent, running = job(31), job(29), job(None)
    orphan = default_storage.save("jobs/2026/orphan.csv", ContentFile(b"x"))
    fresh_orphan = default_storage.save("jobs/2026/just-written.csv", ContentFile(b"x"))
    two_days_ago = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(default_storage.path(orphan), (two_days_ago, two_days_ago))
    assert retention.jobs_clear() == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
    assert not default_storage.exists(old.input.name or "")
    assert not default_storage.exists(old.output.name or "")
    assert default_storage.exists(recent.output.name or "")
    assert not default_storage.exists(orphan)
    assert default_storage.exists(fresh_orphan)


def test_old_task_runs_are_cleared() -> None:
    from hall.jobs import retention

    today = date(2026, 12, 6)
    TaskRun.objects.create(name="reconcile", day=today - timedelta(days=91))
    TaskRun.objects.create(name="reconcile", day=today - timedelta(days=90))
    assert retention.task_runs_clear(today) == 1
    assert list(TaskRun.objects.values_list("day", flat=True)) == [today - timedelta(days=90)]
