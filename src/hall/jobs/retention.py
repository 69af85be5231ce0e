"""How long background work is kept (periodic, from ``JobsConfig.ready``): finished jobs with
their input and result files after ``HALL_JOB_KEEP_DAYS``, periodic runs' records after
:data:`TASK_RUN_KEEP_DAYS`, and result files no job names (a run that died between writing its
file and recording it) after a day."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from hall.jobs.models import Job, TaskRun

logger = logging.getLogger("hall.jobs")
TASK_RUN_KEEP_DAYS = 90
#: A file younger than this may belong to a run still writing it.
ORPHAN_AGE = timedelta(days=1)
BATCH = 500


def jobs_clear(today: date | None = None) -> int:
    """Delete jobs finished more than ``HALL_JOB_KEEP_DAYS`` ago, their files first (a storage
    that fails fails the run, which is retried, before the job's row is gone)."""
    cutoff = timezone.now() - timedelta(days=settings.JOB_KEEP_DAYS)
    cleared = 0
    while batch := list(Job.objects.filter(finished_at__lt=cutoff).order_by("pk")[:BATCH]):
        for job in batch:
            for stored in (job.input, job.output):
                if stored.name:
                    stored.delete(save=False)
        Job.objects.filter(pk__in=[job.pk for job in batch]).delete()
        cleared += len(batch)
    cleared_files = _orphans_clear()
    if cleared or cleared_files:
        logger.info("retention: %d old jobs and %d orphaned files removed", cleared, cleared_files)
    return cleared


def task_runs_clear(today: date | None = None) -> int:
    """Delete periodic runs' records older than :data:`TASK_RUN_KEEP_DAYS` (failed ones too:
    staff have had three months to look)."""
    cutoff = (today or timezone.localdate()) - timedelta(days=TASK_RUN_KEEP_DAYS)
    return TaskRun.objects.filter(day__lt=cutoff).delete()[0]


def _orphans_clear() -> int:
    """Files under ``jobs/`` that no job names and that are older than a day."""
    removed = 0
    old_enough = timezone.now() - ORPHAN_AGE
    named = _named()
    for name in _stored("jobs"):
        if name in named or _modified(name) > old_enough:
            continue
        default_storage.delete(name)
        removed += 1
    return removed


def _stored(folder: str) -> list[str]:
    """Every file under ``folder`` in the default storage (local disk or an S3 bucket)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # nothing stored yet (S3 lists an absent prefix as empty)
        return []
    found = [f"{folder}/{name}" for name in files]
    for inner in folders:
        found.extend(_stored(f"{folder}/{inner}"))
    return found


def _named() -> set[str]:
    """Every file a job names (one query, not one per stored file)."""
    pairs = Job.objects.exclude(input="", output="").values_list("input", "output")
    return {name for pair in pairs for name in pair if name}


def _modified(name: str) -> datetime:
    modified = default_storage.get_modified_time(name)
    return modified if timezone.is_aware(modified) else timezone.make_aware(modified)
