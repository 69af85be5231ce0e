"""``/metrics``: the counts every process keeps (hall.core.metrics) and what the database
holds, read at scrape time so that it is right however many processes and workers there are.

From the database:

- ``hall_jobs{state, kind}``: background jobs by state (queued, running, done, failed,
  cancelled) and kind (the job's name: ``verify``, ``products_import`` ...);
  ``hall_jobs_queue_depth``: jobs waiting for a worker; ``hall_jobs_oldest_queued_seconds``:
  how long the oldest has waited; ``hall_jobs_stalled``: running jobs whose worker's heartbeat
  is older than ``HALL_JOB_STALE_SECONDS`` (a worker lost; another should take them).
- ``hall_periodic_runs{task, status}``: periodic tasks' runs of the last 24 hours;
  ``hall_periodic_last_done_timestamp_seconds{task}``: when each last finished well.
- ``hall_orders{status}`` and ``hall_orders_amount_yuan{status}``; ``hall_payments_credited_yuan``
  (every order ever paid, refunded ones too); ``hall_refunds{status}``,
  ``hall_refunds_amount_yuan{status}``; ``hall_stray_payments`` (money with no order to take it).
- ``hall_sms_codes_last_hour{purpose}``: verification codes sent in the last hour. (Every
  message, codes and notices, is counted by its task in ``hall_tasks_total{task="hall.sms.send"}``.)
- ``hall_metrics_source_up{source}``: 0 when a source could not be read (the database is down);
  the scrape still answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Count, Max, Min, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from hall.core.metrics import exposition
from hall.jobs.models import Job, TaskRun
from hall.payments.models import Order, Refund, StrayPayment
from hall.sms.models import SmsCode

logger = logging.getLogger(__name__)


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    return exposition(request, [HallRecords()])


def jobs() -> Iterator[Metric]:
    by_state = GaugeMetricFamily(
        "hall_jobs", "Background jobs by state and kind", labels=["state", "kind"]
    )
    counts = Job.objects.values_list("name", "status").annotate(n=Count("id")).order_by()
    found = {(name, status): n for name, status, n in counts}
    for kind in sorted({name for name, _ in found}):
        for state in Job.Status.values:  # every state of a kind, 0 too: alerts need the series
            by_state.add_metric([state, kind], found.get((kind, state), 0))
    yield by_state
    queued = Job.objects.filter(status=Job.Status.QUEUED).aggregate(
        n=Count("id"), oldest=Min("created_at")
    )
    yield GaugeMetricFamily("hall_jobs_queue_depth", "Jobs waiting for a worker", value=queued["n"])
    waited = (timezone.now() - queued["oldest"]).total_seconds() if queued["oldest"] else 0.0
    yield GaugeMetricFamily(
        "hall_jobs_oldest_queued_seconds", "How long the oldest queued job has waited", value=waited
    )
    stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)
    stalled = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=stale).count()
    yield GaugeMetricFamily(
        "hall_jobs_stalled", "Running jobs whose worker stopped beating", value=stalled
    )


def periodic() -> Iterator[Metric]:
    since = timezone.now() - timedelta(hours=24)
    runs = GaugeMetricFamily(
        "hall_periodic_runs", "Periodic tasks' runs of the last 24 hours", labels=["task", "status"]
    )
    counts = (
        TaskRun.objects.filter(started_at__gte=since)
        .values_list("name", "status")
        .annotate(n=Count("id"))
        .order_by("name", "status")
    )
    for name, status, n in counts:
        runs.add_metric([name, status], n)
    yield runs
    last = GaugeMetricFamily(
        "hall_periodic_last_done_timestamp_seconds",
        "When each periodic task last finished well",
        labels=["task"],
    )
    finished = (
        TaskRun.objects.filter(status=TaskRun.Status.DONE)
        .values_list("name")
        .annotate(at=Max("finished_at"))
        .order_by("name")
    )
    for name, at in finished:
        if at is not None:
            last.add_metric([name], at.timestamp())
    yield last


def payments() -> Iterator[Metric]:
    yield from _by_status(
        Order.objects.all(), "hall_orders", "Orders by status", Order.Status.values
    )
    yield from _by_status(
        Refund.objects.all(), "hall_refunds", "Refunds by status", Refund.Status.values
    )
    credited = Order.objects.filter(paid_at__isnull=False).aggregate(fen=Sum("amount_fen"))
    yield CounterMetricFamily(
        "hall_payments_credited_yuan",
        "Money credited to orders, refunded ones too (yuan)",
        value=(credited["fen"] or 0) / 100,
    )
    yield GaugeMetricFamily(
        "hall_stray_payments",
        "Payments that found no order to take them",
        value=StrayPayment.objects.count(),
    )


def _by_status(
    rows: QuerySet[Any], name: str, documentation: str, statuses: list[str]
) -> Iterator[Metric]:
    """``<name>{status}`` (a count) and ``<name>_amount_yuan{status}`` of rows with a status
    and an amount in fen, every status shown (0 too)."""
    sums = rows.values_list("status").annotate(n=Count("id"), fen=Sum("amount_fen")).order_by()
    totals = {status: (n, fen) for status, n, fen in sums}
    count = GaugeMetricFamily(name, documentation, labels=["status"])
    amount = GaugeMetricFamily(
        f"{name}_amount_yuan", f"{documentation}: amount (yuan)", labels=["status"]
    )
    for status in statuses:
        n, fen = totals.get(status, (0, 0))
        count.add_metric([status], n)
        amount.add_metric([status], (fen or 0) / 100)
    yield count
    yield amount


def sms() -> Iterator[Metric]:
    codes = GaugeMetricFamily(
        "hall_sms_codes_last_hour",
        "Verification codes sent by SMS in the last hour",
        labels=["purpose"],
    )
    since = timezone.now() - timedelta(hours=1)
    counts = (
        SmsCode.objects.filter(created_at__gte=since)
        .values_list("purpose")
        .annotate(n=Count("id"))
        .order_by("purpose")
    )
    for purpose, n in counts:
        codes.add_metric([purpose], n)
    yield codes


SOURCES: dict[str, Callable[[], Iterator[Metric]]] = {
    "jobs": jobs,
    "periodic": periodic,
    "payments": payments,
    "sms": sms,
}


class HallRecords(Collector):
    """The database's metrics; a source that cannot be read is left out and said to be down."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "hall_metrics_source_up",
            "1 when the source's metrics were read, 0 when it failed",
            labels=["source"],
        )
        for name, source in SOURCES.items():
            try:
                with transaction.atomic():  # a failed read leaves the connection usable
                    read = list(source())
            except DatabaseError as error:
                logger.warning("metrics: %s not read: %s", name, error)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from read
        yield up
