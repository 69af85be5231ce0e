"""For load balancers and the operator on call: ``/healthz`` says the process answers (it
touches nothing), ``/readyz`` whether this hall can serve: its database, its cache, its broker,
and its periodic tasks, whose runs (sent by beat, run by a worker) prove both alive. Each check
is named in the answer; any failing one makes it 503.

``/readyz`` is public (load balancers do not log in): its answer names what failed but not how
(the log has that), and a process checks at most once every :data:`MEMO_SECONDS`, so a flood of
requests costs the database and the broker nothing more."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hall.jobs.engine import app
from hall.jobs.models import TaskRun

logger = logging.getLogger("hall.health")
#: The every-minute sweep last ran longer ago than this: beat or every worker is gone.
PERIODIC_GRACE = timedelta(minutes=3)
#: How long a process answers with its last finding before it checks again.
MEMO_SECONDS = 3.0
_memo: dict[str, tuple[float, dict[str, str]]] = {}
_checking = threading.Lock()


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "alive"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    found = _findings()
    ready = all(outcome == "ok" for outcome in found.values())
    answer = JsonResponse({"status": "ready" if ready else "unready", "checks": found},
                          status=200 if ready else 503)  # fmt: skip
    # Each failing check is logged once as a warning (_outcome); the 503 itself is an answer,
    # not a server error for django.request to log at every poll of the load balancer.
    answer._has_been_logged = True  # type: ignore[attr-defined]
    return answer


def _findings() -> dict[str, str]:
    """Each check's outcome, checked again once the last finding is older than the memo."""
    with _checking:  # concurrent requests wait for one check rather than each making one
        checked_at, found = _memo.get("last", (0.0, {}))
        if time.monotonic() - checked_at >= MEMO_SECONDS:
            checks: dict[str, Callable[[], str]] = {
                "database": _database, "cache": _cache, "broker": _broker,
                "periodic": _periodic,
            }  # fmt: skip
            found = {name: _outcome(check) for name, check in checks.items()}
            _memo["last"] = (time.monotonic(), found)
        return found


def _outcome(check: Callable[[], str]) -> str:
    try:
        return check()
    except Exception as error:  # what is down says so in the answer, never as a 500
        logger.warning("readiness: %s failed: %s", check.__name__, error)
        return f"failed: {type(error).__name__}"


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _cache() -> str:
    cache.set("readyz", "ok", 10)
    return "ok" if cache.get("readyz") == "ok" else "failed: the cache lost what it was given"


def _broker() -> str:
    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def _periodic() -> str:
    last = TaskRun.objects.filter(name="jobs_requeue").order_by("-started_at").first()
    if last is None:
        return "failed: no periodic task has run yet (beat and a worker must run)"
    if timezone.now() - last.started_at > PERIODIC_GRACE:
        return f"failed: the last periodic run was at {last.started_at:%Y-%m-%d %H:%M:%S}"
    return "ok"
