"""A member's billing page with thousands of orders on PostgreSQL (issue 23).

Target: the billing page (each of its lists: orders, invoices, refunds; a late page; a year and
status filter) answers in under 300 ms at p95 for a member with 5,000 orders (one per
application, as the hall makes them, over three years: invoices for the paid, a fifth refunded,
some refunds still on their way), beside the year of business the homes' benchmark makes
(bench/homes.py). Each page is asked through Django's test client (the whole view), 60 times
after 5 unmeasured; its queries are counted (the same for a late page as for the first). For
context: the export of the whole order list as CSV and as Excel.

Runs on the hall benchmark's database (bench/hall.py: ``TIAOMA_BENCH_POSTGRES``).
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from bench.hall import database_ready
from bench.homes import p95

ORDERS = 5_000
P95_MS = 300.0
WARM, ASKED = 5, 60
#: The billing member's mark: its archive index (made once, kept).
MARK = "B00000001"
PAGES = ("tab=orders", "tab=orders&page=80", "tab=orders&year={year}&status=paid",
         "tab=invoices", "tab=refunds&page=5")  # fmt: skip


def member() -> Any:
    """The billing member and its administrator, with its orders (made once, kept)."""
    from django.db import connection

    from hall.accounts.models import User
    from hall.members.models import BranchOffice, Member
    from tiaoma import uscc

    made = Member.objects.filter(archive_index=MARK).first()
    if made is None:
        body = "91330100MB0000001"
        today = date.today()
        made = Member.objects.create(
            name="账单示例有限公司", uscc=body + uscc.calc_check_digit(body),
            registered_address="杭州示例路 1 号", legal_representative="示例", contact="示例",
            certificate_number="物编注字第B000001号", archive_index=MARK,
            branch=BranchOffice.objects.order_by("code").first(),
            valid_from=today - timedelta(days=1000), valid_until=today + timedelta(days=95),
        )  # fmt: skip
        user = User.objects.create_user("13900009101", None, member=made, member_role="admin")
        started = time.perf_counter()
        _orders(made, user)
        with connection.cursor() as cursor:  # as autovacuum would, soon after such a load
            cursor.execute("ANALYZE")
        print(f"billing: {ORDERS} orders made in {time.perf_counter() - started:.1f} s")
    return User.objects.get(mobile="13900009101")


def _orders(made: Any, user: Any) -> None:
    from django.utils import timezone

    from hall.applications.models import Application
    from hall.payments.models import Invoice, Order, Refund

    now = timezone.now()
    # One every five hours and a half: three years, late evenings and new years' eves included.
    times = [now - timedelta(minutes=330 * n) for n in range(ORDERS)]
    applications = Application.objects.bulk_create(
        [Application(kind="renewal", status="approved", member=made, applicant=user,
                     branch=made.branch, created_at=at) for at in times], batch_size=1000,
    )  # fmt: skip
    orders = Order.objects.bulk_create(
        [Order(number=f"B{n:019d}", application=a, amount_fen=128000 + n % 7 * 100,
               status="refunded" if n % 5 == 0 else "paid", method="支付宝支付",
               gateway="sandbox", created_at=a.created_at, closes_at=a.created_at,
               paid_at=a.created_at + timedelta(minutes=3))
         for n, a in enumerate(applications)], batch_size=1000,
    )  # fmt: skip
    Invoice.objects.bulk_create(
        [Invoice(order=o, number=f"BI{n:018d}", title=made.name, taxpayer_number=made.uscc,
                 item="系统成员费用", amount_fen=o.amount_fen, issued_at=o.paid_at)
         for n, o in enumerate(orders)], batch_size=1000,
    )  # fmt: skip
    Refund.objects.bulk_create(
        [Refund(order=o, number=f"BR{n:018d}", amount_fen=o.amount_fen, reason="申请已撤回",
                via="sandbox", status="requested" if n % 9 == 0 else "succeeded",
                created_at=o.paid_at, done_at=None if n % 9 == 0 else o.paid_at)
         for n, o in enumerate(o for o in orders if o.status == "refunded")], batch_size=1000,
    )  # fmt: skip


def page(client: Any, query: str) -> tuple[float, int]:
    """The page's p95 in ms, and how many queries it asks."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/payments/billing/?{query}"
    for _warm in range(WARM):
        assert client.get(url).status_code == 200
    samples = []
    for _asked in range(ASKED):
        started = time.perf_counter()
        answer = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return p95(samples), len(queries)


def export(client: Any, kind: str) -> str:
    started = time.perf_counter()
    answer = client.get(f"/payments/billing/export/?format={kind}")
    assert answer.status_code == 200
    took = (time.perf_counter() - started) * 1000
    return f"{kind} {len(answer.content) // 1024} KB in {took:.0f} ms"


def main() -> int:
    database_ready()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from bench.homes import year as business

    # Production settings name static files by their manifest, which collectstatic writes.
    call_command("collectstatic", interactive=False, verbosity=0)
    business()
    user = member()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    met = True
    for asked_for in PAGES:
        query = asked_for.format(year=timezone.localdate().year)
        took, asked = page(client, query)
        ok = took < P95_MS
        met &= ok
        print(f"billing: ?{query} p95 {took:.1f} ms, {asked} queries (target < {P95_MS:.0f} ms: "
              f"{'met' if ok else 'MISSED'})")  # fmt: skip
    print(f"billing: the export of all {ORDERS} orders: {export(client, 'csv')}; "
          f"{export(client, 'xlsx')}")  # fmt: skip
    return 0 if met else 1
