"""Background jobs someone waits for, on Celery (architecture.md: tasks).

:func:`enqueue` records a :class:`~hall.jobs.models.Job` and, once the transaction commits,
hands it to the workers as the task :func:`run_job`. The Job row is the job's truth: its
status, progress and result are what pages and the API show, and it survives what a message
may not:

- a worker that dies mid-job (``kill -9``, a deploy's SIGTERM) gives the task back to the
  broker unacknowledged (late acknowledgement); another worker takes the job over once its
  heartbeat has stopped (``HALL_JOB_STALE_SECONDS``), and the job body runs again (each body is
  safe to run twice: it writes its result once, at the end, or it commits its work in steps
  with :class:`JobSteps` and resumes after the last one);
- a broker that is down when a job is accepted leaves the job queued, and the periodic
  :func:`jobs_requeue` hands it over again when the broker is back;
- staff cancel and requeue jobs in the admin.

A job's function takes the job and reports progress with :func:`progress`.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from hall.core.errors import HallError
from hall.jobs.engine import app
from hall.jobs.models import Job, JobStep

logger = logging.getLogger("hall.jobs")
JobFunction = Callable[[Job], None]
JOBS: dict[str, JobFunction] = {}
#: A job whose workers died this many times is failed rather than tried again.
MAX_ATTEMPTS = 3
Status = Job.Status


class Cancelled(HallError):
    """Staff cancelled the job while it ran (its body stops at its next progress report)."""

    code = "job_cancelled"


def register(name: str, function: JobFunction) -> None:
    """Make ``function`` the body of jobs named ``name``; apps call it from ``AppConfig.ready``."""
    JOBS[name] = function


def enqueue(name: str, *, owner: str, arguments: dict[str, object],
            input_name: str = "", input_data: bytes = b"") -> Job:  # fmt: skip
    """Record the job; it goes to the workers after the surrounding transaction commits."""
    if name not in JOBS:
        raise KeyError(name)
    queued = Job(name=name, owner=owner, arguments=arguments)
    if input_data:
        queued.input.save(input_name or "input.bin", ContentFile(input_data), save=False)
    queued.save()
    transaction.on_commit(lambda: publish(queued.pk))
    return queued


def publish(job_id: int) -> bool:
    """Hand the job to the workers; False (and the job stays queued, for :func:`jobs_requeue`)
    when the broker cannot take it now."""
    try:
        run_job.apply_async((job_id,), retry=False)
    except Exception as error:  # kombu's connection errors: the broker is down or unreachable
        logger.warning("job %s stays queued: the broker did not take it (%s)", job_id, error)
        return False
    return True


def _stale_seconds() -> int:
    """How old a heartbeat may be before its worker is taken for dead (four beats missed)."""
    return int(settings.JOB_STALE_SECONDS)


class StillRunning(Exception):
    """Another worker's heartbeat is fresh: the job is its own, for now."""


@app.task(name="hall.jobs.run_job", bind=True, max_retries=None)
def run_job(task: Any, job_id: int) -> None:
    """The task of every job: run it, unless it is finished or another worker is alive on it
    (then look again once that worker's heartbeat would have gone stale)."""
    try:
        run(job_id)
    except StillRunning as running:
        raise task.retry(countdown=_stale_seconds()) from running


def run(job_id: int) -> Job:
    """Run a job now; a failure is recorded on the job, never lost. What the run learns is
    written only while the job is still this run's (not cancelled, requeued or taken over)."""
    current = _claim(job_id)
    if current.status != Status.RUNNING:
        return current
    beating = _Heartbeat(current)
    beating.start()
    try:
        JOBS[current.name](current)
    except Cancelled:
        logger.info("job %s (%s) is no longer this run's: stopped", current.pk, current.name)
        return Job.objects.get(pk=current.pk)
    except SoftTimeLimitExceeded:
        current.status, current.error = Status.FAILED, "the job ran past HALL_TASK_SECONDS"
    except Exception as error:  # recorded for the person waiting, and logged
        logger.exception("job %s (%s) failed", current.pk, current.name)
        current.status, current.error = Status.FAILED, str(error)[:2000]
    else:
        current.status = Status.DONE
    finally:
        beating.stop()
    current.finished_at = timezone.now()
    kept = _ours(current).update(status=current.status, error=current.error,
                                 result=current.result, output=current.output.name or "",
                                 total=current.total, done=current.done,
                                 finished_at=current.finished_at)  # fmt: skip
    if not kept and current.output.name:
        # Another run has the job now (this one's worker was taken for dead): its result file
        # is the one; this run's would be a second, kept by nobody.
        current.output.delete(save=False)
    return Job.objects.get(pk=current.pk)


def _ours(current: Job) -> QuerySet[Job]:
    """The job's row while it is still this run's."""
    return Job.objects.filter(pk=current.pk, runner=current.runner, status=Status.RUNNING)


def _claim(job_id: int) -> Job:
    """The job, marked running by this worker if it is to run here; as it is otherwise."""
    with transaction.atomic():
        current = Job.objects.select_for_update().get(pk=job_id)
        if current.status in (Status.DONE, Status.FAILED, Status.CANCELLED):
            return current
        now = timezone.now()
        if (
            current.status == Status.RUNNING
            and current.heartbeat_at
            and (now - current.heartbeat_at < timedelta(seconds=_stale_seconds()))
        ):
            raise StillRunning(job_id)
        if current.attempts >= MAX_ATTEMPTS:
            current.status, current.finished_at = Status.FAILED, now
            current.error = f"its worker stopped {current.attempts} times before it finished"
            current.save(update_fields=["status", "error", "finished_at"])
            return current
        current.status, current.heartbeat_at = Status.RUNNING, now
        current.attempts += 1
        current.done, current.runner = 0, uuid.uuid4().hex
        current.worker = f"{socket.gethostname()}:{os.getpid()}"[:100]
        current.save(update_fields=["status", "heartbeat_at", "attempts", "done", "runner",
                                    "worker"])  # fmt: skip
        return current


class _Heartbeat:
    """Writes the job's heartbeat every few seconds from a thread of its own (its own database
    connection), whatever the job's body is doing."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=_stale_seconds())

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(max(1, _stale_seconds() // 4)):
                _ours(self.job).update(heartbeat_at=timezone.now())
        except Exception:  # the database away for a moment: the job itself will say so
            logger.warning("job %s: heartbeat not written", self.job.pk, exc_info=True)
        finally:
            connection.close()


def progress(current: Job, *, done: int, total: int | None = None) -> None:
    """Record how far the job has come (its own small write, seen at once by the page); a job
    that is no longer this run's (cancelled, requeued, taken over) stops here."""
    current.done = done
    fields: dict[str, object] = {"done": done, "heartbeat_at": timezone.now()}
    if total is not None:
        current.total = total
        fields["total"] = total
    if current.runner and not _ours(current).update(**fields):
        raise Cancelled("no longer this run's")


class JobSteps:
    """A job's steps that are committed for good (an import's chunks): a run taking the job
    over skips them (:meth:`done`) and commits each new one with its own rows (:meth:`commit`)."""

    def __init__(self, current: Job) -> None:
        self.job = current

    def done(self) -> dict[int, dict[str, Any]]:
        """The steps earlier runs committed, by number, with their outcomes."""
        return dict(JobStep.objects.filter(job=self.job).values_list("number", "outcome"))

    def commit(self, number: int, outcome: dict[str, Any]) -> None:
        """Record a step as done, inside the transaction that writes the step's own rows: the
        job's row is locked while it is this run's, so the step commits only if no other run
        has taken the job over (else :class:`Cancelled`, and the step's rows roll back too)."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("a step commits inside the transaction that writes its rows")
        if self.job.runner and not _ours(self.job).select_for_update().exists():
            raise Cancelled("no longer this run's")
        JobStep.objects.create(job=self.job, number=number, outcome=outcome)


def job_cancel(job_id: int) -> bool:
    """Staff stop a queued or running job (a running one stops at its next progress report)."""
    stopped = Job.objects.filter(pk=job_id, status__in=[Status.QUEUED, Status.RUNNING])
    return bool(stopped.update(status=Status.CANCELLED, finished_at=timezone.now()))


def job_requeue(job_id: int) -> bool:
    """Staff run a failed or cancelled job again (a run of it still going stops at its next
    progress report); a job that commits in steps resumes after its last committed one."""
    again = Job.objects.filter(pk=job_id, status__in=[Status.FAILED, Status.CANCELLED]).update(
        status=Status.QUEUED,
        attempts=0,
        done=0,
        error="",
        finished_at=None,
        heartbeat_at=None,
        runner="",
    )
    if again:
        transaction.on_commit(lambda: publish(job_id))
    return bool(again)


def jobs_requeue(today: date | None = None) -> list[int]:
    """The periodic sweep (every minute): jobs queued for more than a minute (the broker was
    down when they came) and running jobs whose heartbeat stopped (a worker the broker could
    not give back, e.g. the development transport's) go to the workers again."""
    now = timezone.now()
    waiting = Job.objects.filter(status=Status.QUEUED, created_at__lt=now - timedelta(minutes=1))
    stale = now - timedelta(seconds=_stale_seconds())
    orphaned = Job.objects.filter(status=Status.RUNNING, heartbeat_at__lt=stale)
    again = [*waiting.values_list("pk", flat=True), *orphaned.values_list("pk", flat=True)]
    return [job_id for job_id in again if publish(job_id)]
