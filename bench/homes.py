"""The homes with a year of business on PostgreSQL (issue 23).

Target: each home page (a member's, a branch reviewer's, the center's) answers in under 300 ms
at p95 with a year of business in the database: 10,000 applications with their events, orders
and refunds, and 100,000 products (hall.portal.year, made once and kept). Each page is asked
through Django's test client (the whole view: middleware, session, queries, template), 60 times
after 5 unmeasured. For context: the same pages' queries alone, and the charts' drawing against
matplotlib drawing the same chart as SVG, when matplotlib is installed.

Runs on the hall benchmark's database (bench/hall.py: ``TIAOMA_BENCH_POSTGRES``).
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from typing import Any

from bench.hall import database_ready

APPLICATIONS, PRODUCTS = 10_000, 100_000
P95_MS = 300.0
WARM, ASKED = 5, 60
CHART_DRAWINGS = 200


def year() -> None:
    """The made-up year (once: kept in the benchmark's database), and the static files the
    pages name (production settings: hashed names from a manifest)."""
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    from hall.members.models import BranchOffice
    from hall.portal import year as made_up
    from hall.portal.management.commands.demo import BRANCHES

    if made_up.year_made():
        return
    for row in BRANCHES:
        BranchOffice.objects.get_or_create(code=row["code"], defaults=row)
    started = time.perf_counter()
    made_up.make_year(today=date.today(), applications=APPLICATIONS, products=PRODUCTS)
    print(f"homes: a year of business made in {time.perf_counter() - started:.1f} s")


def accounts() -> tuple[dict[str, Any], dict[str, Any]]:
    """A member's administrator (the made-up member with the most products), a reviewer of
    the busiest branch, and a center reviewer, each past its second factor."""
    from django.db.models import Count
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hall.accounts.models import User
    from hall.members.models import BranchOffice, Member
    from hall.portal.year import MARK

    member = (Member.objects.filter(archive_index__startswith=MARK)
              .annotate(n=Count("products")).order_by("-n").first())  # fmt: skip
    branch = BranchOffice.objects.annotate(n=Count("applications")).order_by("-n").first()
    users = {
        "member": User.objects.filter(member=member, member_role="admin").first(),
        "branch": User.objects.get_or_create(mobile="13900009001", defaults={
            "role": User.Role.BRANCH, "branch": branch})[0],
        "center": User.objects.get_or_create(mobile="13900009002",
                                             defaults={"role": User.Role.CENTER})[0],
    }  # fmt: skip
    clients = {}
    for name, user in users.items():
        client = Client(HTTP_HOST="127.0.0.1")  # an allowed host of the bench's settings
        client.force_login(user)
        if user.role != User.Role.MEMBER:
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        clients[name] = client
    return clients, users


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def page_p95(client: Any) -> float:
    for _warm in range(WARM):
        assert client.get("/accounts/center/").status_code == 200
    samples = []
    for _asked in range(ASKED):
        started = time.perf_counter()
        answer = client.get("/accounts/center/")
        samples.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200
    return p95(samples)


def queries_p95(work: Any) -> float:
    """The figures alone, without the page around them."""
    samples = []
    for _asked in range(ASKED):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return p95(samples)


def charts_against_matplotlib() -> str:
    """Microseconds to draw the center's month chart as SVG: ours, and matplotlib's."""
    import io

    from hall.portal import charts

    months = [f"2026-{m:02d}" for m in range(1, 13)]
    drawn = charts.chart("c", "批准", months, {"注册": list(range(12)), "续展": list(range(12)),
                                               "注销": list(range(12))})  # fmt: skip
    started = time.perf_counter()
    for _n in range(CHART_DRAWINGS):
        charts.render(drawn)
    ours = (time.perf_counter() - started) / CHART_DRAWINGS * 1e6
    try:
        import matplotlib as mpl

        mpl.use("svg")
        from matplotlib import pyplot as plt
    except ImportError:
        return f"homes: a chart drawn in {ours:.0f} µs (matplotlib not installed: no comparison)"
    started = time.perf_counter()
    for _n in range(20):
        figure, axes = plt.subplots(figsize=(6.4, 2.2))
        for offset, series in enumerate(drawn.series):
            axes.bar([i + offset * 0.25 for i in range(12)], series.values, width=0.25)
        axes.set_xticks(range(12), months)
        figure.savefig(io.StringIO(), format="svg")
        plt.close(figure)
    theirs = (time.perf_counter() - started) / 20 * 1e6
    return (f"homes: a chart drawn in {ours:.0f} µs; matplotlib's SVG of the same "
            f"{theirs:.0f} µs ({theirs / ours:.0f}x)")  # fmt: skip


def main() -> int:
    database_ready()
    year()
    from django.utils import timezone

    from hall.portal import overview

    clients, users = accounts()
    today = timezone.localdate()
    figures = {
        "member": lambda: overview.member_overview(users["member"].member, today),
        "branch": lambda: overview.queue_overview(users["branch"].branch, today),
        "center": lambda: overview.center_overview(today),
    }
    met = True
    for name, client in clients.items():
        page, alone = page_p95(client), queries_p95(figures[name])
        ok = page < P95_MS
        met &= ok
        print(f"homes: {name}'s home p95 {page:.1f} ms (target < {P95_MS:.0f} ms: "
              f"{'met' if ok else 'MISSED'}); its figures alone {alone:.1f} ms")  # fmt: skip
    print(charts_against_matplotlib())
    return 0 if met else 1
