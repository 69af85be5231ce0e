"""What an operator reads when something goes wrong: request ids in every log line, the log's
format, and Sentry.

Every request gets an id (:class:`RequestIds`): the ``X-Request-ID`` a trusted proxy sends
(``HALL_TRUSTED_PROXIES``, the rule of :mod:`hall.core.clients`), or a fresh one. The response
carries it back in the same header, and :class:`RequestIdFilter` writes it on every log record
made while the request is answered, so that nginx's access log, the hall's lines and a 500's
traceback can be found together. A background task's records carry the task's id instead.

The log (``settings.LOGGING``): one line per record with time, level, logger and request id,
or JSON lines (:class:`JsonLines`) with ``HALL_LOG_FORMAT=json``.

Sentry (:func:`start_sentry`): when ``HALL_SENTRY_DSN`` is set, unexpected exceptions of
requests and Celery tasks are reported there, without personal data (no cookies, addresses or
user names), tagged with the request id.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from celery.signals import task_failure, task_postrun, task_prerun, task_retry, task_success
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

# The proxy rule is clients.py's own: an id is believed from exactly those a forwarded address is.
from hall.core.clients import _is_trusted, _valid
from hall.core.metrics import TASKS

if TYPE_CHECKING:
    from sentry_sdk._types import DataCollectionUserOptions

__all__ = [
    "HEADER",
    "JsonLines",
    "RequestIdFilter",
    "RequestIds",
    "begin_request",
    "request_id",
    "request_scope",
    "start_sentry",
]

HEADER = "X-Request-ID"
#: What an id from a proxy may look like (nginx's $request_id is 32 hex digits, a UUID has
#: dashes): anything else, a newline above all, would let a client write into the log.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._:-]{8,128}")
_current: ContextVar[str | None] = ContextVar("hall_request_id", default=None)


class RequestIds:
    """Middleware, the outermost: the request's id for its log records and its response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = begin_request(request)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def begin_request(request: HttpRequest) -> str:
    """The request's id (its trusted proxy's, else a new one), now this thread's for its log
    records and Sentry's scope, for the answer's ``X-Request-ID``; the same id again for a
    request begun already (the lean path's, handed over to Django's handler)."""
    request_id = request.META.get(_BEGUN) or _from_proxy(request) or os.urandom(16).hex()
    request.META[_BEGUN] = request_id
    # Kept until the response is closed (_request_finished), not only while the middleware
    # runs: Django logs a 4xx answer after the last middleware has returned.
    _current.set(request_id)
    if not _tagger:
        _tagger.append(_sentry_tagger())  # Sentry is started by the settings, or never
    if _tagger[0] is not None:
        _tagger[0]("request_id", request_id)  # the scope of this request only
    return request_id


_tagger: list[Callable[[str, str], None] | None] = []


def request_scope() -> AbstractContextManager[object]:
    """Sentry's scope of one request, for a path that answers below Django's handler (which
    Sentry's integration wraps): its tags and breadcrumbs are that request's alone. Nothing
    without Sentry."""
    if "sentry_sdk" in sys.modules:
        import sentry_sdk  # noqa: PLC0415 - loaded already (start_sentry): nothing to pay

        if sentry_sdk.is_initialized():
            return sentry_sdk.isolation_scope()
    return nullcontext()


#: The environ's key of the id a request was given (no header can name it: theirs are HTTP_).
_BEGUN = "hall.request_id"


def request_id() -> str | None:
    """The id of the request this thread is answering (None outside one)."""
    return _current.get()


@receiver(request_finished)
def _request_finished(**_: object) -> None:
    """The server closed the response: this thread's next records are no longer the request's."""
    _current.set(None)


def _from_proxy(request: HttpRequest) -> str | None:
    """The proxy's id for this request, if the peer is a trusted proxy and the id is sane."""
    offered = str(request.META.get("HTTP_X_REQUEST_ID") or "")
    if not offered or not _WELL_FORMED.fullmatch(offered):
        return None
    peer = _valid(str(request.META.get("REMOTE_ADDR") or ""))
    return offered if peer is not None and _is_trusted(peer) else None


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record (``-`` outside a request or task); the handlers in
    ``settings.LOGGING`` carry it, so records from any logger get it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get() or "-"
        return True


# Celery's signals, in the worker that runs a task: its records carry the task's id (a job's
# lines can be told from its neighbours'), and its outcome is counted. LOGGING names
# RequestIdFilter, so every process that logs (web, worker, beat) loads this module and
# connects these before its first task.


#: The tasks running in this thread, with the id to put back when each ends.
_task_tokens: dict[str, Token[str | None]] = {}


@task_prerun.connect
def _task_started(task_id: str | None = None, **_: object) -> None:
    if task_id:
        _task_tokens[task_id] = _current.set(task_id)


@task_postrun.connect
def _task_finished(task_id: str | None = None, **_: object) -> None:
    if (token := _task_tokens.pop(task_id or "", None)) is not None:
        _current.reset(token)  # a task run at once within a request: the request's id again


@task_success.connect
def _task_succeeded(sender: object = None, **_: object) -> None:
    TASKS.labels(_task_name(sender), "succeeded").inc()


@task_failure.connect
def _task_failed(sender: object = None, **_: object) -> None:
    TASKS.labels(_task_name(sender), "failed").inc()


@task_retry.connect
def _task_retried(sender: object = None, **_: object) -> None:
    TASKS.labels(_task_name(sender), "retried").inc()


def _task_name(task: object) -> str:
    return str(getattr(task, "name", None) or "unknown")


class JsonLines(logging.Formatter):
    """One JSON object a line (``HALL_LOG_FORMAT=json``), for a log collector: time (UTC, ISO
    8601), level, logger, request id, message and, for an exception, its traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def _sentry_tagger() -> Callable[[str, str], None] | None:
    """Sentry's ``set_tag`` if the settings started Sentry (they did, or never will)."""
    if "sentry_sdk" not in sys.modules:
        return None
    import sentry_sdk  # noqa: PLC0415 - loaded already (start_sentry): nothing to pay

    return sentry_sdk.set_tag if sentry_sdk.is_initialized() else None


def start_sentry(*, dsn: str, environment: str, release: str) -> None:
    """Report unexpected exceptions of requests (Django) and tasks (Celery) to Sentry. Called
    from the settings, as Sentry's Django integration asks, so that web, worker and beat all
    report. Nothing personal is sent; no performance traces are taken."""
    # Imported here: the SDK and its integrations take some 0.3 s to load, which a hall
    # without a DSN need not spend at every start of every process.
    import sentry_sdk  # noqa: PLC0415
    from sentry_sdk.integrations.celery import CeleryIntegration  # noqa: PLC0415
    from sentry_sdk.integrations.django import DjangoIntegration  # noqa: PLC0415

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        data_collection=_NOTHING_PERSONAL,
    )


# What Sentry may collect (SDK 3's ``data_collection``): no user, cookies, bodies or query
# strings (a query may be a member's mobile or a reset token), request headers only by name
# from a short list, and no frame locals (they hold forms' passwords and mobiles).
_NOTHING_PERSONAL: DataCollectionUserOptions = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "http_headers": {
        "request": {
            "mode": "allowlist",
            "terms": [
                "accept",
                "content-type",
                "content-length",
                "host",
                "user-agent",
                "x-request-id",
            ],
        }
    },
    "stack_frame_variables": False,
}
