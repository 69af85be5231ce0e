"""What the operator on call sees (issue 21): Prometheus metrics at ``/metrics`` (requests by
route, never by path; jobs, queue depth, orders and SMS from the database at scrape time;
loopback or a token only), a request id on every response and log record, every 500 in the
log with its traceback in production settings, and Sentry when a DSN is set.

This module is also the URLconf of the tests that need a view that fails: the hall's own URLs
and ``/__test__/boom``, which raises."""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from hall import urls as hall_urls
from hall.accounts.models import User
from hall.applications.models import Application
from hall.core.observability import JsonLines
from hall.jobs.engine import app
from hall.jobs.models import Job, TaskRun
from hall.members.models import Member
from hall.payments.models import Order, Refund
from hall.sms.models import SmsCode

ROOT = Path(__file__).resolve().parents[2]
REQUEST_ID = re.compile(r"[0-9a-f]{32}")


class ForcedFailure(Exception):
    """What the test view raises: a bug the hall did not foresee."""


def boom(request: HttpRequest) -> HttpResponse:
    raise ForcedFailure("the forced failure of test_observability")


urlpatterns = [path("__test__/boom", boom, name="boom"), *hall_urls.urlpatterns]
handler404 = hall_urls.handler404
handler500 = hall_urls.handler500
FAILING = "tests.hall.test_observability"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: Client, **extra: str) -> Samples:
    """Every sample ``/metrics`` shows, by name and labels."""
    answer = client.get("/metrics", **extra)  # type: ignore[arg-type]
    assert answer.status_code == 200, answer.status_code
    assert answer["Content-Type"].startswith("text/plain; version=")
    return parse(answer.content.decode())


def parse(text: str) -> Samples:
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples}  # fmt: skip


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the hall's configured log handler (settings.LOGGING's console: its filter, its
    format) writes during the test."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    assert isinstance(handler, logging.StreamHandler)
    written = io.StringIO()
    before = handler.setStream(written)
    yield written
    handler.setStream(before)


@pytest.mark.parametrize(("setting", "named"), [
    ({"HALL_METRICS_ALLOWED": "10.0.0.0/33"}, "HALL_METRICS_ALLOWED: '10.0.0.0/33' is not an"),
    ({"HALL_METRICS_TOKEN": "short"}, "HALL_METRICS_TOKEN must be 32 characters or more"),
    ({"PROMETHEUS_MULTIPROC_DIR": "/nowhere/metrics"}, "/nowhere/metrics is not a folder"),
    ({"HALL_LOG_FORMAT": "xml"}, "HALL_LOG_FORMAT must be text or json, not 'xml'"),
])  # fmt: skip
def test_a_bad_setting_stops_the_hall_with_its_name(
    tmp_path: Path, setting: dict[str, str], named: str
) -> None:
    environment = {"PYTHONPATH": "src", "HALL_DATA_DIR": str(tmp_path), "HALL_DEBUG": "1"}
    started = subprocess.run([sys.executable, "-c", "import hall.settings"], cwd=ROOT,
                             env={**environment, **setting}, text=True, capture_output=True,
                             check=False)  # fmt: skip
    assert started.returncode != 0
    assert named in started.stderr


# Requests by route


@pytest.mark.django_db
def test_requests_are_counted_by_route_and_status_class_never_by_path(client: Client) -> None:
    before = scrape(client)
    client.get("/query/")
    client.get("/query/")
    client.get("/verify/物编注字第987654号")  # a path with a number in it: the route counts
    client.get("/wp-admin/setup-config-987654.php")  # what scanners try: one series for all
    client.get("/static/no-such-987654.css")
    after = scrape(client)

    def more(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert more("hall_http_requests_total", route="lookup:index", status="2xx") == 2
    assert more("hall_http_request_duration_seconds_count", route="lookup:index") == 2
    assert value(after, "hall_http_request_duration_seconds_sum", route="lookup:index") > 0
    assert more("hall_http_requests_total", route="verify_certificate", status="2xx") == 1
    assert more("hall_http_requests_total", route="unmatched", status="4xx") == 1
    assert more("hall_http_requests_total", route="static", status="4xx") == 1
    assert more("hall_http_requests_total", route="metrics", status="2xx") == 1  # the first scrape
    routes = {dict(labels).get("route") for _, labels in after}
    assert not any("987654" in str(route) for route in routes)


@pytest.mark.django_db
@pytest.mark.urls(FAILING)
def test_a_server_error_is_counted_as_5xx() -> None:
    client = Client(raise_request_exception=False)
    before = value(scrape(client), "hall_http_requests_total", route="boom", status="5xx")
    assert client.get("/__test__/boom").status_code == 500
    after = value(scrape(client), "hall_http_requests_total", route="boom", status="5xx")
    assert after == before + 1


# Who may read /metrics

OUTSIDE = "203.0.113.9"
TOKEN = "s3cret-scraper-token-" + "x" * 20


@pytest.mark.django_db
def test_metrics_are_served_to_loopback_only_by_default(client: Client) -> None:
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    outside = client.get("/metrics", REMOTE_ADDR=OUTSIDE)
    assert outside.status_code == 404
    assert b"hall_http_requests_total" not in outside.content
    assert client.post("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 404  # not even a 405
    assert client.post("/metrics").status_code == 405
    assert client.get("/metrics", REMOTE_ADDR="unix:socket").status_code == 404


@pytest.mark.django_db
def test_a_scraper_with_the_token_reads_them_from_anywhere(client: Client) -> None:
    with override_settings(METRICS_TOKEN=TOKEN):
        good = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        wrong = client.get("/metrics", REMOTE_ADDR=OUTSIDE,
                           HTTP_AUTHORIZATION=f"Bearer {TOKEN[:-1]}y")  # fmt: skip
        bare = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=TOKEN)
    assert good.status_code == 200
    assert (wrong.status_code, bare.status_code) == (404, 404)
    # No token set: an empty bearer opens nothing.
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE,
                      HTTP_AUTHORIZATION="Bearer ").status_code == 404  # fmt: skip


@pytest.mark.django_db
def test_the_allowed_networks_are_the_setting(client: Client) -> None:
    with override_settings(METRICS_ALLOWED=["10.0.0.0/8"]):
        assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
        assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_behind_a_proxy_the_client_counts_not_the_proxy(client: Client) -> None:
    """nginx on loopback makes every visitor's peer 127.0.0.1: a forwarded request from a proxy
    the hall was not told of is refused, and a trusted proxy's client must itself be allowed."""
    forwarded = {"HTTP_X_FORWARDED_FOR": OUTSIDE}
    assert client.get("/metrics", **forwarded).status_code == 404  # type: ignore[arg-type]
    assert client.get("/metrics", HTTP_X_REAL_IP=OUTSIDE).status_code == 404
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        assert client.get("/metrics", **forwarded).status_code == 404  # type: ignore[arg-type]
        inside = client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1")
        assert inside.status_code == 200


# What the database holds, read at scrape time


@pytest.mark.django_db
def test_jobs_by_state_and_kind_and_the_queue(client: Client) -> None:
    long_ago = timezone.now() - timedelta(minutes=5)
    for status in ("queued", "queued", "running", "running", "done", "failed"):
        Job.objects.create(name="verify", owner="member:1", status=status)
    Job.objects.create(name="products_import", owner="member:1", status="queued")
    Job.objects.filter(name="verify", status="queued").update(created_at=long_ago)
    stalled = Job.objects.filter(status="running").first()
    assert stalled is not None
    Job.objects.filter(pk=stalled.pk).update(heartbeat_at=long_ago)
    Job.objects.exclude(pk=stalled.pk).filter(status="running").update(heartbeat_at=timezone.now())
    samples = scrape(client)
    assert value(samples, "hall_jobs", state="queued", kind="verify") == 2
    assert value(samples, "hall_jobs", state="running", kind="verify") == 2
    assert value(samples, "hall_jobs", state="failed", kind="verify") == 1
    assert value(samples, "hall_jobs", state="queued", kind="products_import") == 1
    assert ("hall_jobs", frozenset({("state", "cancelled"), ("kind", "verify")})) in samples
    assert value(samples, "hall_jobs_queue_depth") == 3
    assert 290 < value(samples, "hall_jobs_oldest_queued_seconds") < 400
    assert value(samples, "hall_jobs_stalled") == 1


@pytest.mark.django_db
def test_periodic_runs_and_when_each_last_finished(client: Client) -> None:
    today = timezone.localdate()
    finished = timezone.now() - timedelta(minutes=2)
    TaskRun.objects.create(name="orders_close", day=today, slot="10:00", status="done",
                           finished_at=finished)  # fmt: skip
    TaskRun.objects.create(name="orders_close", day=today, slot="10:05", status="failed")
    samples = scrape(client)
    assert value(samples, "hall_periodic_runs", task="orders_close", status="done") == 1
    assert value(samples, "hall_periodic_runs", task="orders_close", status="failed") == 1
    last = value(samples, "hall_periodic_last_done_timestamp_seconds", task="orders_close")
    assert last == pytest.approx(finished.timestamp(), abs=1)


@pytest.mark.django_db
def test_orders_refunds_and_money_credited(client: Client, member: Member,
                                           member_user: User) -> None:  # fmt: skip
    application = Application.objects.create(kind="renewal", member=member, applicant=member_user,
                                             branch=member.branch, status="review")  # fmt: skip
    now = timezone.now()
    for number, status, fen, paid in (
        ("1", "paid", 100000, True),
        ("2", "refunded", 30000, True),
        ("3", "closed", 500, False),
        ("4", "pending", 700, False),
    ):
        Order.objects.create(number=f"2026120000{number}", application=application,
                             amount_fen=fen, status=status, closes_at=now,
                             paid_at=now if paid else None)  # fmt: skip
    refunded = Order.objects.get(status="refunded")
    Refund.objects.create(order=refunded, number="R1", amount_fen=30000, reason="退", via="gateway",
                          status="succeeded")  # fmt: skip
    samples = scrape(client)
    assert value(samples, "hall_orders", status="paid") == 1
    assert value(samples, "hall_orders_amount_yuan", status="paid") == 1000.0
    assert value(samples, "hall_orders", status="pending") == 1
    assert value(samples, "hall_orders_amount_yuan", status="closed") == 5.0
    assert value(samples, "hall_payments_credited_yuan_total") == 1300.0  # refunded was credited
    assert value(samples, "hall_refunds", status="succeeded") == 1
    assert value(samples, "hall_refunds_amount_yuan", status="succeeded") == 300.0
    assert value(samples, "hall_refunds", status="requested") == 0
    assert value(samples, "hall_stray_payments") == 0


@pytest.mark.django_db
def test_sms_codes_and_messages_sent(client: Client) -> None:
    now = timezone.now()
    for purpose, at in (("register", now), ("register", now), ("reset", now - timedelta(hours=2))):
        SmsCode.objects.create(mobile="13900000001", purpose=purpose, code_hash="x",
                               created_at=at, expires_at=at)  # fmt: skip
    before = scrape(client)
    app.tasks["hall.sms.send"].apply_async(("13900000001", "您的业务已受理"))  # eager in the tests
    after = scrape(client)
    assert value(after, "hall_sms_codes_last_hour", purpose="register") == 2
    assert value(after, "hall_sms_codes_last_hour", purpose="reset") == 0
    sent = {"task": "hall.sms.send", "outcome": "succeeded"}
    assert value(after, "hall_tasks_total", **sent) == value(before, "hall_tasks_total", **sent) + 1


@app.task(name="tests.observability.fails")
def _failing_task() -> None:
    raise ForcedFailure("a task that fails")


def test_a_failed_task_is_counted_and_its_log_carries_its_id(
    console: io.StringIO,
) -> None:
    failed = {"task": "tests.observability.fails", "outcome": "failed"}
    before = REGISTRY.get_sample_value("hall_tasks_total", failed) or 0
    result = _failing_task.apply()
    assert result.failed()
    assert REGISTRY.get_sample_value("hall_tasks_total", failed) == before + 1
    assert re.search(rf"ERROR celery\.app\.trace \[{result.id}\] Task tests", console.getvalue())


@pytest.mark.django_db
def test_refused_logins_are_counted(client: Client, member_user: User) -> None:
    from tests.hall.conftest import PASSWORD, log_in

    before = value(scrape(client), "hall_logins_refused_total")
    log_in(client, member_user.mobile, "Wrong2026pass")
    log_in(client, "13911112222", "Wrong2026pass")  # no such account: refused alike
    assert value(scrape(client), "hall_logins_refused_total") == before + 2
    assert log_in(client, member_user.mobile, PASSWORD).status_code == 302  # type: ignore[attr-defined]
    assert value(scrape(client), "hall_logins_refused_total") == before + 2


@pytest.mark.django_db
def test_a_source_that_cannot_be_read_is_down_and_the_rest_still_answer(
    client: Client, console: io.StringIO
) -> None:
    Job.objects.create(name="verify", owner="member:1")
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute(f"ALTER TABLE {Job._meta.db_table} RENAME TO gone_for_the_test")
    samples = scrape(client)
    assert value(samples, "hall_metrics_source_up", source="jobs") == 0
    assert value(samples, "hall_metrics_source_up", source="payments") == 1
    assert ("hall_jobs_queue_depth", frozenset()) not in samples
    assert ("hall_orders", frozenset({("status", "paid")})) in samples
    assert "metrics: jobs not read" in console.getvalue()


# Request ids


@pytest.mark.django_db
def test_every_answer_has_a_request_id_of_its_own(client: Client) -> None:
    first, second = client.get("/healthz"), client.get("/healthz")
    assert REQUEST_ID.fullmatch(first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_the_id_of_a_trusted_proxy_is_kept_anyone_elses_is_not(client: Client) -> None:
    offered = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=offered)["X-Request-ID"] != offered
    with override_settings(TRUSTED_PROXIES=["127.0.0.1"]):
        assert client.get("/healthz", HTTP_X_REQUEST_ID=offered)["X-Request-ID"] == offered
        forged = client.get("/healthz", HTTP_X_REQUEST_ID="id\nERROR forged line")
        assert REQUEST_ID.fullmatch(forged["X-Request-ID"])  # a made one, not the forgery


@pytest.mark.django_db
def test_the_log_records_of_a_request_carry_its_id(client: Client, console: io.StringIO) -> None:
    answer = client.get("/api/v1/gtins/6929999900019")  # refused (a bad check digit): logged
    request_id = answer["X-Request-ID"]
    err = console.getvalue()
    assert re.search(rf"INFO hall\.core\.errors \[{request_id}\] refused GET /api/v1/gtins/", err)
    # Django logs the 400 after the middleware has returned: the id is still the request's.
    assert re.search(rf"WARNING django\.request \[{request_id}\] Bad Request: /api/v1/gtins/", err)
    logging.getLogger("hall.tests").warning("after the request")
    assert "WARNING hall.tests [-] after the request" in console.getvalue()


# Every 500 in the log with its traceback and request id


@pytest.mark.django_db
@pytest.mark.urls(FAILING)
def test_a_server_error_is_logged_with_its_traceback_and_request_id(
    console: io.StringIO,
) -> None:
    from django.conf import settings

    assert not settings.DEBUG  # as in production: Django's own logging would say nothing
    answer = Client(raise_request_exception=False).get("/__test__/boom")
    assert answer.status_code == 500
    assert "服务器出错".encode() in answer.content  # the hall's page, not a bare one
    err = console.getvalue()
    request_id = answer["X-Request-ID"]
    # The page gives the member the reference to quote to support: the log's id.
    assert f"<code>{request_id}</code>".encode() in answer.content
    assert f"ERROR django.request [{request_id}] Internal Server Error: /__test__/boom" in err
    assert "Traceback (most recent call last)" in err
    assert "ForcedFailure: the forced failure of test_observability" in err


def _force_a_500(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """``/__test__/boom`` in a process of its own (Sentry, once started, stays for the process)
    with production's DEBUG; its answer's status and request id are printed."""
    script = f"""
import django
django.setup()
from django.test import Client
from django.test.utils import override_settings
with override_settings(ROOT_URLCONF={FAILING!r}, DEBUG=False):
    client = Client(raise_request_exception=False)
    client.cookies["hall_private"] = "cookie-value-not-to-send"
    answer = client.get("/__test__/boom", HTTP_AUTHORIZATION="Bearer header-value-not-to-send")
    print(answer.status_code, answer["X-Request-ID"])
import sentry_sdk
sentry_sdk.flush(timeout=10)
"""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.hall.settings",
                   "PYTHONPATH": str(ROOT), "HALL_DATA_DIR": str(tmp_path), **env}  # fmt: skip
    environment.pop("DATABASE_URL", None)  # the view touches no database
    ran = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environment, text=True,
                         capture_output=True, timeout=120, check=False)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    status, request_id = ran.stdout.split()[-2:]
    assert status == "500"
    return ran, request_id


def test_json_lines_carry_the_traceback_and_the_request_id(tmp_path: Path) -> None:
    ran, request_id = _force_a_500(tmp_path, HALL_LOG_FORMAT="json")
    records = [json.loads(line) for line in ran.stderr.splitlines() if line.startswith("{")]
    error = next(r for r in records if r["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert error["request_id"] == request_id
    assert error["message"] == "Internal Server Error: /__test__/boom"
    assert "Traceback (most recent call last)" in error["exception"]
    assert error["exception"].endswith("ForcedFailure: the forced failure of test_observability")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", error["time"])


def test_json_lines_in_process(console: io.StringIO) -> None:
    """The same through this process's handler, switched to JSON lines: one object a line."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    text_format = handler.formatter
    handler.setFormatter(JsonLines())
    try:
        try:
            raise ForcedFailure("formatted")
        except ForcedFailure:
            logging.getLogger("hall.tests").exception("with %s", "arguments", stack_info=True)
    finally:
        handler.setFormatter(text_format)
    (line,) = console.getvalue().splitlines()
    record = json.loads(line)
    assert (record["level"], record["logger"], record["request_id"]) == ("ERROR", "hall.tests", "-")
    assert record["message"] == "with arguments"
    assert record["exception"].endswith("ForcedFailure: formatted")
    assert record["stack"].startswith("Stack (most recent call last)")


# Sentry


class _Ingest(BaseHTTPRequestHandler):
    """Sentry's ingest endpoint, as far as the SDK needs: it keeps what it is sent."""

    received: list[tuple[str, bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@pytest.fixture
def ingest() -> Iterator[tuple[int, list[tuple[str, bytes]]]]:
    received: list[tuple[str, bytes]] = []
    handler = type("Ingest", (_Ingest,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def test_sentry_gets_a_server_error_without_personal_data(
    tmp_path: Path, ingest: tuple[int, list[tuple[str, bytes]]]
) -> None:
    port, received = ingest
    _, request_id = _force_a_500(tmp_path, HALL_SENTRY_DSN=f"http://key@127.0.0.1:{port}/1",
                                 HALL_SENTRY_ENVIRONMENT="staging",
                                 HALL_SENTRY_RELEASE="tiaoma@test")  # fmt: skip
    events = [event for url, body in received for event in _events(body)]
    assert {url for url, _ in received} == {"/api/1/envelope/"}
    failures = [e for e in events if e["exception"]["values"][-1]["type"] == "ForcedFailure"]
    assert failures, events
    event = failures[0]
    assert event["tags"]["request_id"] == request_id
    assert (event["environment"], event["release"]) == ("staging", "tiaoma@test")
    everything = b"".join(body for _, body in received)
    assert b"cookie-value-not-to-send" not in everything
    assert b"header-value-not-to-send" not in everything


def _events(envelope: bytes) -> list[dict[str, object]]:
    """The events in an envelope: lines of JSON, each item's header before its payload."""
    lines = envelope.split(b"\n")
    found = []
    for header, payload in zip(lines[1::2], lines[2::2], strict=False):
        if json.loads(header).get("type") == "event":
            found.append(json.loads(payload))
    return found


def test_without_a_dsn_sentry_is_off() -> None:
    import sentry_sdk

    assert not sentry_sdk.is_initialized()


# Several processes: granian's workers


def test_the_counts_of_several_worker_processes_add_up(tmp_path: Path) -> None:
    """granian with two worker processes and a shared PROMETHEUS_MULTIPROC_DIR: whichever
    worker answers /metrics, it shows every request either of them answered."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.hall.settings",
                   "PYTHONPATH": str(ROOT), "HALL_DATA_DIR": str(tmp_path),
                   "PROMETHEUS_MULTIPROC_DIR": str(folder)}  # fmt: skip
    environment.pop("DATABASE_URL", None)
    log = tmp_path / "granian.log"
    with log.open("w") as written:
        server = subprocess.Popen(
            [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
             "--port", str(port), "--workers", "2", "hall.wsgi:application"],
            cwd=ROOT, env=environment, stdout=written, stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers with it: stopped together if need be
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/metrics")
        for _ in range(30):
            assert _get(f"{base}/healthz")[0] == 200
        for _ in range(6):  # each scrape on a new connection: either worker may answer
            samples = parse(_get(f"{base}/metrics")[1])
            healthz = {"route": "healthz", "status": "2xx"}
            assert value(samples, "hall_http_requests_total", **healthz) == 30, log.read_text()
        assert len(list(folder.glob("counter_*.db"))) == 2, log.read_text()  # both counted
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            raise


def _get(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Connection": "close"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return int(answer.status), answer.read().decode()


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(url)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
