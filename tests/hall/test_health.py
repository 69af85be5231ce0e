"""``/healthz`` and ``/readyz`` for load balancers: alive always; ready only while the
database, the cache, the broker and the periodic tasks (beat and a worker) all answer, each
named in the answer, and an outage is a 503, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from hall.jobs.engine import app
from hall.jobs.models import TaskRun
from hall.portal import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _checked_afresh() -> None:
    """Each test's first /readyz checks (a process keeps its finding for a few seconds)."""
    health._memo.clear()


@pytest.fixture
def periodic_ran() -> TaskRun:
    return TaskRun.objects.create(name="jobs_requeue", day=timezone.localdate(), slot="10:00")


def test_alive_whatever_else(client: Client) -> None:
    assert client.get("/healthz").json() == {"status": "alive"}


def test_ready_when_everything_answers(client: Client, periodic_ran: TaskRun) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "checks": {
        "database": "ok", "cache": "ok", "broker": "ok", "periodic": "ok"}}  # fmt: skip
    assert "no-cache" in answer["Cache-Control"]


def test_unready_until_beat_and_a_worker_run_the_periodic_tasks(client: Client) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["periodic"].startswith("failed: no periodic task")
    TaskRun.objects.create(name="jobs_requeue", day=timezone.localdate(), slot="09:00")
    TaskRun.objects.update(started_at=timezone.now() - timedelta(minutes=10))
    health._memo.clear()
    stale = client.get("/readyz").json()["checks"]["periodic"]
    assert stale.startswith("failed: the last periodic run was at")


def test_the_cache_down_is_unready_not_an_error(client: Client, periodic_ran: TaskRun) -> None:
    down = {"default": {"BACKEND": "django_redis.cache.RedisCache",
                        "LOCATION": "redis://127.0.0.1:1/0",
                        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2}}}  # fmt: skip
    with override_settings(CACHES=down):
        answer = client.get("/readyz")
    assert answer.status_code == 503
    checks = answer.json()["checks"]
    assert checks["cache"].startswith("failed:")
    assert "127.0.0.1" not in checks["cache"]  # how it failed is in the log, not for strangers
    assert (checks["database"], checks["broker"]) == ("ok", "ok")


def test_a_flood_of_readiness_requests_checks_once_every_few_seconds(client: Client) -> None:
    assert client.get("/readyz").status_code == 503  # nothing periodic has run
    TaskRun.objects.create(name="jobs_requeue", day=timezone.localdate(), slot="10:00")
    assert client.get("/readyz").status_code == 503  # the finding of a moment ago
    checked_at, found = health._memo["last"]
    health._memo["last"] = (checked_at - health.MEMO_SECONDS, found)  # the memo has aged
    assert client.get("/readyz").status_code == 200


@pytest.fixture
def broker_down() -> Iterator[None]:
    app.conf.broker_url = "amqp://guest:guest@127.0.0.1:1//"  # nothing listens there
    yield
    app.conf.broker_url = settings.CELERY_BROKER_URL


def test_the_broker_down_is_unready(client: Client, periodic_ran: TaskRun,
                                    broker_down: None) -> None:  # fmt: skip
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["broker"].startswith("failed:")
