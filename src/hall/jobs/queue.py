"""Background jobs someone waits for, through one interface (architecture.md: tasks).

:func:`enqueue` records a :class:`~hall.jobs.models.Job` and, once the transaction commits,
hands it to the runner ``HALL_JOB_RUNNER`` names: ``thread`` (the embedded default: a thread of
the hall's own process, no extra server) or ``worker`` (``python -m hall worker`` processes,
any number, each claiming a job under ``SELECT … FOR UPDATE SKIP LOCKED``). A job's function
takes the job and reports progress with :func:`progress`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from hall.jobs.models import Job

logger = logging.getLogger("hall.jobs")
JobFunction = Callable[[Job], None]
JOBS: dict[str, JobFunction] = {}


def register(name: str, function: JobFunction) -> None:
    """Make ``function`` the body of jobs named ``name``; apps call it from ``AppConfig.ready``."""
    JOBS[name] = function


def enqueue(name: str, *, owner: str, arguments: dict[str, object],
            input_name: str = "", input_data: bytes = b"") -> Job:  # fmt: skip
    """Record the job; it starts after the surrounding transaction commits."""
    if name not in JOBS:
        raise KeyError(name)
    queued = Job(name=name, owner=owner, arguments=arguments)
    if input_data:
        queued.input.save(input_name or "input.bin", ContentFile(input_data), save=False)
    queued.save()
    if settings.JOB_RUNNER == "thread":
        transaction.on_commit(lambda: _start_thread(queued.pk))
    return queued


def _start_thread(job_id: int) -> None:
    threading.Thread(target=_run_in_thread, args=(job_id,), daemon=True).start()


def _run_in_thread(job_id: int) -> None:
    try:
        run(job_id)
    finally:
        connection.close()


def claim() -> Job | None:
    """The oldest queued job, marked running, or None (a worker's poll)."""
    with transaction.atomic():
        queued = Job.objects.select_for_update(skip_locked=True).filter(
            status=Job.Status.QUEUED).order_by("id").first()  # fmt: skip
        if queued is None:
            return None
        queued.status = Job.Status.RUNNING
        queued.save(update_fields=["status"])
        return queued


def run(job_id: int) -> Job:
    """Run a job now; a failure is recorded on the job, never lost."""
    with transaction.atomic():
        current = Job.objects.select_for_update().get(pk=job_id)
        if current.status in (Job.Status.DONE, Job.Status.FAILED):
            return current
        current.status = Job.Status.RUNNING
        current.save(update_fields=["status"])
    try:
        JOBS[current.name](current)
    except Exception as error:  # recorded for the person waiting, and logged
        logger.exception("job %s (%s) failed", current.pk, current.name)
        current.status, current.error = Job.Status.FAILED, str(error)[:2000]
    else:
        current.status = Job.Status.DONE
    current.finished_at = timezone.now()
    current.save()
    return current


def progress(current: Job, *, done: int, total: int | None = None) -> None:
    """Record how far the job has come (its own small write, seen at once by the page)."""
    current.done = done
    fields = ["done"]
    if total is not None:
        current.total = total
        fields.append("total")
    Job.objects.filter(pk=current.pk).update(**{f: getattr(current, f) for f in fields})
