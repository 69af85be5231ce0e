"""Products at scale on PostgreSQL (issue 23): a member's bulk changes and search.

Target: a bulk change of 10,000 products (every product a search finds: locked, judged,
updated and each one's history row written, in one transaction) in under 10 s. Measured for
the three kinds a member uses: publish, a bulk edit of the brand, discontinue. For context, in
the same run: what PostgreSQL alone needs for the same rows (one UPDATE and the history rows
by COPY, no application), the allocation of 1,000 GTINs in one request, and a search page (a
filter and a sort key over the member's 10,000 products, 50 rows and the count) at p95.

Runs on the hall benchmark's database (bench/hall.py: ``TIAOMA_BENCH_POSTGRES``), with a
member of its own (prefix 6928888) whose products are made afresh each run.
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta
from typing import Any

from bench.hall import database_ready

PREFIX = "6928888"
COUNT = 10_000
BULK_SECONDS = 10.0
SEARCHES = 50
FILED = {"name": "基准批量产品", "brand": "基准", "specification": "500g", "net_content": 500,
         "net_content_unit": "g", "gpc_brick": "10000232"}  # fmt: skip


def member_and_clerk() -> tuple[Any, Any]:
    """The benchmark's member and its clerk, its products and their history removed."""
    from hall.accounts.models import User
    from hall.members.models import BranchOffice, CompanyPrefix, Member
    from hall.products.models import NumberBank, Product, ProductEvent
    from tiaoma import uscc

    today = date.today()
    branch, _ = BranchOffice.objects.get_or_create(
        code="9902", defaults={"name": "批量基准分中心", "region": "9902", "address": "—"}
    )
    body = f"91330100MB{PREFIX}"
    member, _ = Member.objects.get_or_create(certificate_number=f"物编注字第{PREFIX}号", defaults={
        "name": "批量基准有限公司", "uscc": body + uscc.calc_check_digit(body),
        "registered_address": "—", "legal_representative": "—", "contact": "—",
        "archive_index": f"P{PREFIX}", "branch": branch, "gds_card": f"BULK{PREFIX}",
        "valid_from": today - timedelta(days=30),
        "valid_until": today + timedelta(days=700)})  # fmt: skip
    prefix, _ = CompanyPrefix.objects.get_or_create(member=member, prefix=PREFIX,
                                                    defaults={"allocated_on": today})  # fmt: skip
    ProductEvent.objects.filter(product__member=member).delete()
    Product.objects.filter(member=member).delete()
    NumberBank.objects.filter(prefix=prefix).delete()
    clerk = User.objects.filter(member=member).first() or User.objects.create_user(
        "13800009999", None, member=member, member_role="clerk"
    )
    return member, clerk


def timed(work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def allocated(member: Any, clerk: Any) -> float:
    """10,000 products in batches of 1,000 (the most one request takes); the seconds of one."""
    from hall.products import bank

    seconds = []
    for _batch in range(COUNT // bank.MAX_BATCH):
        took, _made = timed(lambda: bank.gtins_allocate(
            member=member, prefix=PREFIX, count=bank.MAX_BATCH, actor=clerk,
            today=date.today(), data=FILED))  # fmt: skip
        seconds.append(took)
    return statistics.median(seconds)


def bulk_changes(member: Any, clerk: Any) -> dict[str, float]:
    """Each kind of bulk change over every product of the search (the member's prefix)."""
    from hall.products import bulk, search, services

    def everything() -> bulk.Selection:
        found = search.filtered(services.visible_to(clerk), {"prefix": PREFIX})
        return bulk.Selection(everything=True, matching=found)

    def transition(action: str) -> int:
        return bulk.products_bulk_transition(actor=clerk, selection=everything(), action=action,
                                             today=date.today()).count  # fmt: skip

    def edit() -> int:
        return bulk.products_bulk_edit(actor=clerk, selection=everything(),
                                       data={"brand": "基准新品牌"}).count  # fmt: skip

    figures = {}
    for name, work in (("publish", lambda: transition("publish")), ("bulk edit (brand)", edit),
                       ("discontinue", lambda: transition("discontinue"))):  # fmt: skip
        seconds, changed = timed(work)
        if changed != COUNT:  # a run that changed fewer products measured less
            raise RuntimeError(f"{name}: {changed} products changed, not {COUNT}")
        figures[name] = seconds
    return figures


def database_alone(member: Any) -> float:
    """The same change by PostgreSQL alone: one UPDATE of the rows and their history by COPY."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT id FROM products_product WHERE member_id = %s ORDER BY id "
                       "FOR UPDATE", [member.pk])  # fmt: skip
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("UPDATE products_product SET status = 'in_use', version = version + 1, "
                       "updated_at = now() WHERE member_id = %s", [member.pk])  # fmt: skip
        raw = cursor.connection
        with raw.cursor().copy("COPY products_productevent (product_id, action, before, after, at)"
                               " FROM STDIN") as copy:  # fmt: skip
            for pk in ids:
                copy.write_row((pk, "reinstate", '{"status": "discontinued"}',
                                '{"status": "in_use"}', "now()"))  # fmt: skip
        return time.perf_counter() - started


def search_p95(clerk: Any) -> float:
    """A search page's queries (its count and 50 rows), filtered and sorted, at p95."""
    from hall.products import search, services

    seconds = []
    for run in range(SEARCHES):
        data = {"q": "基准", "status": "in_use", "sort": "-changed" if run % 2 else "brand"}
        found = search.filtered(services.visible_to(clerk), data)
        took, _rows = timed(lambda found=found: (found.count(), list(found[:50])))
        seconds.append(took)
    return statistics.quantiles(seconds, n=20)[-1]


def main() -> int:
    database_ready()
    member, clerk = member_and_clerk()
    batch = allocated(member, clerk)
    figures = bulk_changes(member, clerk)
    alone = database_alone(member)
    p95 = search_p95(clerk)
    target = f"target < {BULK_SECONDS:.0f} s"
    print(f"products: bulk changes of {COUNT:,} products on PostgreSQL ({target})")
    met = True
    for name, seconds in figures.items():
        ok = seconds < BULK_SECONDS
        met = met and ok
        print(f"  {name:<20} {seconds:6.2f} s  {'ok' if ok else 'MISSED'}  "
              f"({seconds / alone:.1f} x PostgreSQL alone)")  # fmt: skip
    print(f"  PostgreSQL alone     {alone:6.2f} s  (one UPDATE + the history rows by COPY)")
    print(f"  1,000 GTINs allocated in one request: {batch:.2f} s")
    print(f"  a search page (count + 50 rows of {COUNT:,}), p95: {p95 * 1000:.1f} ms")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
