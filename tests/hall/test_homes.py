"""The homes (issue 23): a member's, a branch's and the center's overview, on a made-up year of
business (hall.portal.year). Each figure is counted again here row by row, in Python, and
compared with what the overview's aggregate queries say."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hall.accounts.models import User
from hall.applications.models import Application, ApplicationEvent, Material
from hall.members.models import BranchOffice, Member
from hall.payments.models import Order, Refund
from hall.portal import charts, overview, year
from hall.products.models import Product
from hall.products.services import missing_for_filing
from tests.hall.conftest import make_member

pytestmark = pytest.mark.django_db
Status = Application.Status


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def business(today: date) -> year.Made:
    for code, name in (("3301", "浙江分中心"), ("1101", "北京分中心"), ("4401", "广东分中心")):
        BranchOffice.objects.create(code=code, name=name, region=name[:2], address="地址")
    return year.make_year(today=today, applications=600, products=3000)


def test_a_year_is_made_once(business: year.Made, today: date) -> None:
    assert business == year.Made(members=60, applications=600, products=3000)
    assert Application.objects.count() == 600
    assert Product.objects.count() == 3000
    assert year.make_year(today=today, applications=600, products=3000) == year.Made(0, 0, 0)
    assert Application.objects.count() == 600
    # Every application's events lead to its status, as the workflow would have left them.
    for application in Application.objects.prefetch_related("events")[:100]:
        events = sorted(application.events.all(), key=lambda e: (e.at, e.pk))
        assert (events[-1].new_status if events else Status.DRAFT) == application.status


def test_the_queue_numbers_are_the_rows(business: year.Made, today: date) -> None:
    branch = BranchOffice.objects.get(code="1101")
    rows = list(Application.objects.filter(branch=branch))
    seen = overview.queue_overview(branch, today)
    assert seen.counts == {s: sum(a.status == s for a in rows) for s in overview.QUEUE}
    reviewing = [a for a in rows if a.status == Status.BRANCH_REVIEW]
    assert seen.overdue == sum(a.branch_due < today for a in reviewing)
    sunday = today + timedelta(days=6 - today.weekday())
    assert seen.due_this_week == sum(today <= a.branch_due <= sunday for a in reviewing)
    assert seen.overdue > 0  # the made-up year has some, or this test would prove little
    # The center's: the same, nationwide, and per branch.
    everywhere = overview.queue_overview(None, today)
    every = list(Application.objects.all())
    assert everywhere.counts == {s: sum(a.status == s for a in every) for s in overview.QUEUE}
    per_branch = {row["branch"].code: row for row in everywhere.by_branch}  # type: ignore[attr-defined]
    assert per_branch["1101"]["overdue"] == seen.overdue
    assert per_branch["1101"]["center"] == seen.counts[Status.CENTER_REVIEW]
    assert (
        per_branch["1101"]["waiting"]
        == seen.counts[Status.PAYMENT] + seen.counts[Status.BRANCH_REVIEW]
    )


def test_transfers_to_confirm(business: year.Made, today: date) -> None:
    waiting = Application.objects.filter(status=Status.PAYMENT).order_by("pk")
    first, second = waiting[0], waiting[1]
    for application in (first, second):
        Material.objects.create(application=application, kind=Material.Kind.REMITTANCE,
                                image="x.png", original_name="汇款.png")  # fmt: skip
    # The second one's fee came in online after all: nothing left to confirm.
    Order.objects.create(number="T1", application=second, amount_fen=100, status="paid",
                         closes_at=timezone.now(), paid_at=timezone.now())  # fmt: skip
    assert overview.queue_overview(None, today).transfers_to_confirm == 1
    assert overview.queue_overview(first.branch, today).transfers_to_confirm == 1


def test_the_centers_months_money_and_expiring(business: year.Made, today: date) -> None:
    seen = overview.center_overview(today)
    months = overview.last_months(today, 12)
    assert len(months) == 12
    assert months[-1] == today.replace(day=1)
    expected: Counter[tuple[str, date]] = Counter()
    for event in ApplicationEvent.objects.filter(new_status=Status.APPROVED).select_related(
        "application"
    ):
        month = timezone.localtime(event.at).date().replace(day=1)
        if month >= months[0] and event.application.kind in overview.TRENDS:
            expected[(event.application.kind, month)] += 1
    for kind in overview.TRENDS:
        assert seen.approved_by_month[kind] == [expected[(kind, m)] for m in months]
    assert sum(seen.approved_by_month[Application.Kind.RENEWAL]) > 0
    by_branch = {branch.code: counts for branch, counts in seen.approved_by_branch}
    assert sum(sum(c.values()) for c in by_branch.values()) == sum(expected.values())
    # Money by day, in yuan.
    days = {day: i for i, day in enumerate(seen.days)}
    paid = [0] * len(days)
    for order in Order.objects.filter(status__in=["paid", "refunded"], paid_at__isnull=False):
        day = timezone.localtime(order.paid_at).date()
        if day in days:
            paid[days[day]] += order.amount_fen // 100
    assert seen.paid_by_day == paid
    refunded = [0] * len(days)
    for refund in Refund.objects.filter(status="succeeded"):
        day = timezone.localtime(refund.done_at).date()
        if day in days:
            refunded[days[day]] += refund.amount_fen // 100
    assert seen.refunded_by_day == refunded
    soon = today + timedelta(90)
    ahead = [
        m for m in Member.objects.all() if m.status == "active" and today <= m.valid_until <= soon
    ]
    assert seen.expiring == len(ahead) > 0
    assert [m.pk for m in seen.expiring_soonest] == [
        m.pk for m in sorted(ahead, key=lambda m: (m.valid_until, m.pk))
    ][: overview.EXPIRING_LISTED]


def test_a_members_numbers(business: year.Made, today: date) -> None:
    member = Member.objects.filter(archive_index__startswith=year.MARK).first()
    assert member is not None
    products = list(Product.objects.filter(member=member, superseded=False))
    seen = overview.member_overview(member, today)
    assert seen.days_left == (member.valid_until - today).days
    assert seen.incomplete == sum(
        1 for p in products if p.status != "discontinued" and missing_for_filing(p)
    )
    assert seen.incomplete > 0
    (use,) = seen.prefixes
    assert (use.total, use.used, use.free) == (1000, len(products), 1000 - len(products))
    assert seen.open_applications == sum(
        a.status in overview.OPEN for a in Application.objects.filter(member=member)
    )


def _page(user: User) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/accounts/center/")
    assert response.status_code == 200
    return response.content.decode()


def _cell(page: str, element_id: str) -> str:
    """The text of the tile or row with ``element_id``."""
    start = page.index(f'id="{element_id}"')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start : page.index("</", start + 200)]))


def test_each_home_shows_its_own(business: year.Made, today: date) -> None:
    branch = BranchOffice.objects.get(code="3301")
    reviewer = User.objects.create_user("13900000010", "x", role=User.Role.BRANCH, branch=branch)
    page = _page(reviewer)
    seen = overview.queue_overview(branch, today)
    assert f"<strong>{seen.overdue}</strong>" in page[page.index('id="tile-overdue"') :][:400]
    assert 'id="chart-queue"' in page
    assert 'id="queue-by-branch"' not in page
    center = _page(User.objects.create_user("13900000012", "x", role=User.Role.CENTER))
    for figure in ("chart-months", "chart-branches", "chart-money", "queue-by-branch", "expiring"):
        assert f'id="{figure}"' in center
    member = make_member("3301", "杭州示例", "物编注字第100001号", "69212345", "91330106MA27XK5Q0")
    account = User.objects.create_user("13900000001", "x", member=member, member_role="admin")
    mine = _page(account)
    assert 'id="prefix-69212345"' in mine
    assert 'id="chart-prefixes"' in mine
    assert "示例企业00001有限公司" not in mine  # another member's name never shows
    assert 'id="chart-months"' not in mine
    assert 'id="tile-overdue"' not in mine


def test_charts_escape_and_scale() -> None:
    drawn = charts.render(charts.chart(
        "c", "<b>标题</b>", ["<script>", "二月"], {"收款": [0, 1234.5], "退款": [10, 0]},
    ))  # fmt: skip
    assert "<script>" not in drawn
    assert "&lt;script&gt;" in drawn
    assert "<b>" not in drawn
    assert "1,234.50" in drawn
    assert charts.nice_ceiling(0) == 1
    assert charts.nice_ceiling(1234.5) == 2000
    assert charts.nice_ceiling(5) == 5
    assert charts.nice_ceiling(5.01) == 10
    empty = charts.chart("e", "空", [], {"x": []}, horizontal=True)
    assert empty.empty
    assert "<svg" in charts.render(empty)


def test_a_members_home_shows_its_own_latest_notices(member_user: User, other_user: User) -> None:
    from hall.notices.services import notify

    def paid(user: User, count: int) -> None:
        for n in range(count):
            notify(recipient=user, event_name="paid", link="/applications/",
                   params={"number": n, "amount": "800.00", "order": f"O{n}"})  # fmt: skip

    paid(other_user, 3)  # another account's notices never show
    paid(member_user, 2)
    mine = _page(member_user)
    assert mine[mine.index('id="notices"') : mine.index('id="all-notices"')].count("<li") == 2
    paid(member_user, 5)
    mine = _page(member_user)
    assert mine[mine.index('id="notices"') : mine.index('id="all-notices"')].count("<li") == 5
