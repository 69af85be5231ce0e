"""Prometheus metrics: what each process counts, and the ``/metrics`` answer.

Counted as it happens, in the process it happens in:

- ``hall_http_requests_total{route, status}`` and ``hall_http_request_duration_seconds{route}``
  (:class:`RequestMetrics`): the route is the URL's view name (``lookup:query``, ``resolve``),
  never the path, so that the number of series stays bounded whatever clients ask for; a path
  no URL matches is ``unmatched``, a static file ``static``. The status is its class (``2xx``).
  The duration runs until the response is handed to the server (a streamed file's body is
  sent after it).
- ``hall_logins_refused_total`` (:data:`LOGINS_REFUSED`, by the login page).
- ``hall_tasks_total{task, outcome}`` (:data:`TASKS`, by hall.core.observability's Celery
  receivers): each task that succeeded, failed for good or is retried, counted in the worker
  (SMS sent and failed are ``task="hall.sms.send"``).

What the database holds (jobs, queue depth, orders, payments) is read at scrape time by the
collectors the top app hands to :func:`exposition` (hall.portal.metrics), so that it is right
whichever process answers.

Several processes (granian's workers, Celery's): set ``PROMETHEUS_MULTIPROC_DIR`` to a folder
they all share, empty when they start (prometheus-client's multiprocess mode); each writes its
counts there and ``/metrics`` adds them up. Without it a process shows its own counts only.

``/metrics`` is answered only to the addresses ``HALL_METRICS_ALLOWED`` names (the client as
:func:`hall.core.clients.client_address` finds it; loopback by default) or to a request with
``Authorization: Bearer <HALL_METRICS_TOKEN>``; anyone else gets the hall's 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import Resolver404, resolve
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

# The proxy rule is clients.py's own: a forwarded address is believed from those proxies only.
from hall.core.clients import _is_trusted, _valid, client_address

__all__ = ["LOGINS_REFUSED", "STARTED", "TASKS", "RequestMetrics", "answered", "exposition",
           "may_scrape"]  # fmt: skip

REQUESTS = Counter(
    "hall_http_requests", "Requests answered, by route (the URL's view name) and status class",
    ["route", "status"],
)  # fmt: skip
LATENCY = Histogram(
    "hall_http_request_duration_seconds", "Time to answer a request, by route", ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)  # fmt: skip
LOGINS_REFUSED = Counter(
    "hall_logins_refused", "Logins refused: a wrong password, a locked account or address"
)
TASKS = Counter(
    "hall_tasks", "Background tasks by outcome: succeeded, failed (for good) or retried",
    ["task", "outcome"],
)  # fmt: skip


class RequestMetrics:
    """Middleware, near the outside: every answer counted and timed by route and status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Begun earlier by a path that handed the request over (hall.api.lean): from then.
        started = request.META.setdefault(STARTED, time.perf_counter())
        response = self.get_response(request)
        answered(route_of(request), response.status_code, started)
        return response


#: The environ's key of the moment a request began (no header can name it: theirs are HTTP_).
STARTED = "hall.started"


#: Each route's series, found once: labels() costs more than the counting itself.
_series: dict[tuple[str, int], tuple[Histogram, Counter]] = {}


def answered(route: str, status: int, started: float) -> None:
    """A request of ``route`` answered with ``status``, begun at ``started`` (perf_counter)."""
    key = (route, status // 100)
    if (series := _series.get(key)) is None:
        series = _series[key] = (LATENCY.labels(route), REQUESTS.labels(route, f"{key[1]}xx"))
    series[0].observe(time.perf_counter() - started)
    series[1].inc()


def route_of(request: HttpRequest) -> str:
    """The URL's view name; a request answered before the URL was resolved (a 413, a static
    file) is resolved here."""
    if request.resolver_match is not None:
        return request.resolver_match.view_name
    if request.path_info.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
        return "static"
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return "unmatched"


def exposition(request: HttpRequest, collectors: Iterable[Collector]) -> HttpResponse:
    """``/metrics``: this process's (or, in multiprocess mode, every process's) counts and what
    ``collectors`` read now, in Prometheus's text format; 404 to whoever may not read it."""
    if not may_scrape(request):
        raise Http404("metrics are not served to this client")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    body = generate_latest(_Together([_counted_here(), *collectors]))
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response


def _counted_here() -> Collector:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")  # where prometheus-client looks
    if not folder:
        return REGISTRY
    return MultiProcessCollector(None, folder)  # type: ignore[no-untyped-call]


class _Together(Collector):
    def __init__(self, collectors: list[Collector]) -> None:
        self.collectors = collectors

    def collect(self) -> Iterator[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


def may_scrape(request: HttpRequest) -> bool:
    """The scraper's token, or an allowed address that did not come through a proxy the hall
    does not know (nginx on loopback would otherwise make every client loopback)."""
    token = settings.METRICS_TOKEN
    offered = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        return True
    peer = _valid(str(request.META.get("REMOTE_ADDR") or ""))
    if peer is None:
        return False
    if not _is_trusted(peer) and any(header in request.META for header in _PROXY_HEADERS):
        return False
    ip = ipaddress.ip_address(client_address(request) or peer)
    return any(ip in network for network in _allowed(tuple(settings.METRICS_ALLOWED)))


#: What a proxy adds: such a request from a peer that is not a trusted proxy was forwarded by
#: a proxy the hall was not told of, and its peer's address says nothing about the client.
_PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


@lru_cache(maxsize=1)
def _allowed(names: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(name, strict=False) for name in names)
