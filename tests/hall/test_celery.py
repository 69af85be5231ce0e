"""Background jobs on a real broker (RabbitMQ, as in production) with real Celery workers in
their own processes, on this test's database:

- a verification job whose worker is killed with ``kill -9`` mid-job is taken over by another
  worker and finishes with the right counts, once;
- a job accepted while the broker is down is kept, and runs once the sweep finds the broker
  back;
- staff cancel a running job and requeue it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from hall.jobs import queue
from hall.jobs.engine import app
from hall.jobs.models import Job
from tests import system
from tests.hall.databases import database_url

pytestmark = pytest.mark.django_db(transaction=True)
BROKER = "amqp://guest:guest@127.0.0.1:5672//"
ROOT = Path(__file__).resolve().parents[2]
#: Enough GTINs that the job runs for some seconds on the worker.
COUNT = 1_000_000
STALE_SECONDS = 4


def _broker_up() -> None:
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=2).close()
    except OSError as error:
        system.unavailable(f"RabbitMQ at 127.0.0.1:5672: {error}")


def _use_broker(url: str) -> None:
    """Point this process's Celery at ``url`` (its connection pool made anew)."""
    app.conf.broker_url = url
    app.close()  # the connection pool
    # ... and the producers', which Celery keeps for the app's life (production never changes
    # its broker while it runs; this test does).
    app.amqp._producer_pool = None


@pytest.fixture
def on_the_broker() -> Iterator[str]:
    """Tasks published to RabbitMQ (not run in this process), on an emptied queue."""
    _broker_up()
    queue_name = app.conf.task_default_queue
    app.conf.task_always_eager = False
    _use_broker(BROKER)
    app.control.purge()  # what an earlier run may have left
    yield queue_name
    app.conf.task_always_eager = True
    _use_broker(settings.CELERY_BROKER_URL)


@pytest.fixture
def workers(on_the_broker: str) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start a worker process on the test's queue; all are stopped at the end."""
    started: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hall.settings", "HALL_DEBUG": "1",
           "HALL_DATA_DIR": str(settings.DATA_DIR), "DATABASE_URL": database_url(),
           "HALL_BROKER_URL": BROKER, "HALL_JOB_STALE_SECONDS": str(STALE_SECONDS),
           "PYTHONPATH": str(ROOT / "src")}  # fmt: skip
    env.pop("HALL_TEST_HOOKS", None)

    def start() -> subprocess.Popen[bytes]:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "hall.jobs.engine", "worker", "--pool=solo",
             "-Q", on_the_broker, "--without-heartbeat", "--without-gossip", "--without-mingle",
             "--loglevel=WARNING"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=30)


def _verification(count: int) -> Job:
    numbers = "\n".join(f"6901234{n:05d}" for n in range(count // 10)) + "\n"
    with transaction.atomic():
        return queue.enqueue("verify_file", owner="key:1", arguments={},
                             input_name="gtins.csv",
                             input_data=(numbers * 10).encode())  # fmt: skip


def _until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


def _job(job: Job) -> Job:
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_is_killed_is_finished_by_another(
    workers: Callable[[], subprocess.Popen[bytes]],
) -> None:
    first = workers()
    job = _verification(COUNT)
    _until(lambda: _job(job).status == "running", 120, "the first worker started it")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert _job(job).status == "running"  # as the dead worker left it
    workers()
    _until(lambda: _job(job).status in ("done", "failed"), 240, "a second worker finished it")
    assert job.status == "done", job.error
    assert job.attempts == 2
    assert job.result["total"] == COUNT
    assert job.output.name  # one result file, written by the worker that finished
    with job.output.open("rb") as result:
        assert sum(1 for _ in result) == COUNT + 1  # a header and a line per GTIN


def test_a_job_accepted_while_the_broker_is_down_runs_when_it_is_back(
    workers: Callable[[], subprocess.Popen[bytes]],
) -> None:
    _use_broker("amqp://guest:guest@127.0.0.1:1//")  # nothing listens there
    job = _verification(10)
    assert _job(job).status == "queued"  # kept, though the broker did not take it
    _use_broker(BROKER)
    Job.objects.filter(pk=job.pk).update(created_at=job.created_at.replace(year=2000))
    assert queue.jobs_requeue() == [job.pk]
    workers()
    _until(lambda: _job(job).status == "done", 120, "a worker ran it")
    assert (job.attempts, job.result["total"]) == (1, 10)


def test_staff_cancel_a_running_job_and_requeue_it(
    workers: Callable[[], subprocess.Popen[bytes]],
) -> None:
    workers()
    job = _verification(COUNT)
    _until(lambda: _job(job).status == "running", 120, "a worker started it")
    assert queue.job_cancel(job.pk)
    assert _job(job).status == "cancelled"
    with transaction.atomic():
        assert queue.job_requeue(job.pk)
    _until(lambda: _job(job).status == "done", 240, "it ran again to the end")
    assert job.result["total"] == COUNT
