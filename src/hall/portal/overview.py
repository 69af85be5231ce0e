"""The numbers on the homes (issue 23): a member's, a branch's and the center's.

Every figure is one aggregate query the database answers from an index, so a home stays fast
with years of applications and hundreds of thousands of products (``make bench``); the tests
count the same things row by row and compare.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.applications.models import Application, ApplicationEvent, Material
from hall.applications.renewal import renewal_window
from hall.members.models import BranchOffice, CompanyPrefix, Member
from hall.payments.models import Order, Refund
from hall.portal.charts import Chart, chart
from hall.products.bank import capacity, number_kind
from hall.products.models import Product
from hall.products.services import CASE_FILING_FIELDS, FILING_FIELDS

Status = Application.Status
Kind = Application.Kind
#: The statuses of an application someone still has to act on.
OPEN = (Status.DRAFT, Status.MATERIALS, Status.PAYMENT, Status.BRANCH_REVIEW, Status.RETURNED,
        Status.CENTER_REVIEW)  # fmt: skip
#: What waits for a reviewer, in the order the queue works through it.
QUEUE = (Status.PAYMENT, Status.BRANCH_REVIEW, Status.RETURNED, Status.CENTER_REVIEW)
#: The kinds the center follows month by month.
TRENDS: tuple[str, ...] = (Kind.REGISTRATION, Kind.RENEWAL, Kind.CANCELLATION)
#: Months of trends, days of payments, days ahead for expiring memberships.
MONTHS, PAYMENT_DAYS, EXPIRING_DAYS = 12, 30, 90
#: Members listed by name among those expiring (the count covers them all).
EXPIRING_LISTED = 10


# -- a member's home --------------------------------------------------------------------------


@dataclass(frozen=True)
class PrefixUse:
    prefix: CompanyPrefix
    kind: str
    total: int
    used: int
    reserved: int

    @property
    def free(self) -> int:
        return self.total - self.used - self.reserved


@dataclass(frozen=True)
class MemberOverview:
    member: Member
    days_left: int
    renewal_opens: date
    renewal_open: bool
    prefixes: list[PrefixUse]
    incomplete: int
    products: dict[str, int]
    open_applications: int
    charts: list[Chart] = field(default_factory=list)


def member_overview(member: Member, today: date) -> MemberOverview:
    window = renewal_window(member)
    uses = [_prefix_use(prefix) for prefix in member.prefixes.filter(retired_on__isnull=True)]
    by_status = dict(
        Product.objects.filter(member=member, superseded=False)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    overview = MemberOverview(
        member=member,
        days_left=(member.valid_until - today).days,
        renewal_opens=window.opens,
        renewal_open=today in window,
        prefixes=uses,
        incomplete=incomplete_products(member).count(),
        products=by_status,
        open_applications=member.applications.filter(status__in=OPEN).count(),
    )
    if uses:
        overview.charts.append(chart(
            "chart-prefixes", _("各厂商识别代码的编码使用情况"),
            [use.prefix.prefix for use in uses],
            {_("已使用"): [use.used for use in uses], _("已预留"): [use.reserved for use in uses],
             _("可用"): [use.free for use in uses]},
            horizontal=True, stacked=True,
        ))  # fmt: skip
    return overview


def _prefix_use(prefix: CompanyPrefix) -> PrefixUse:
    room = capacity(prefix)
    return PrefixUse(prefix, number_kind(prefix), room.total, room.used, room.reserved)


def incomplete_products(member: Member) -> QuerySet[Product]:
    """The member's live products still missing a field a product in use must have: the query
    twin of hall.products.services.missing_for_filing."""
    empty = Q()
    for name in FILING_FIELDS:
        empty |= _empty(name)
    empty |= Q(gpc_brick="", classification="")
    case_empty = Q()
    for name in CASE_FILING_FIELDS:
        case_empty |= _empty(name)
    cases = Q(kind=Product.Kind.GTIN14)
    return (
        Product.objects.filter(member=member, superseded=False)
        .exclude(status=Product.Status.DISCONTINUED)
        .filter((cases & case_empty) | (~cases & empty))
    )


def _empty(name: str) -> Q:
    concrete = Product._meta.get_field(name)
    if concrete.is_relation or not concrete.empty_strings_allowed:
        return Q(**{f"{name}__isnull": True})
    return Q(**{name: ""}) | Q(**{f"{name}__isnull": True})


# -- a reviewer's home: a branch's, or (branch None) the whole country's -----------------------


@dataclass(frozen=True)
class QueueOverview:
    counts: dict[str, int]
    overdue: int
    due_this_week: int
    transfers_to_confirm: int
    by_branch: list[dict[str, object]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        """Each waiting status with its label and count, in the queue's order."""
        return [(status, str(Status(status).label), self.counts[status]) for status in QUEUE]


def queue_overview(branch: BranchOffice | None, today: date) -> QueueOverview:
    """What waits for review: counts per status, first reviews overdue or due by Sunday, and
    bank transfers a branch still has to confirm."""
    applications = Application.objects.all()
    if branch is not None:
        applications = applications.filter(branch=branch)
    counts = dict(
        applications.filter(status__in=QUEUE)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    in_review = applications.filter(status=Status.BRANCH_REVIEW)
    sunday = today + timedelta(days=6 - today.weekday())
    overview = QueueOverview(
        counts={status: counts.get(status, 0) for status in QUEUE},
        overdue=in_review.filter(branch_due__lt=today).count(),
        due_this_week=in_review.filter(branch_due__range=(today, sunday)).count(),
        transfers_to_confirm=transfers_to_confirm(applications).count(),
    )
    labels = [str(Status(status).label) for status in QUEUE]
    overview.charts.append(chart("chart-queue", _("待处理业务"), labels,
                                 {_("件数"): [overview.counts[s] for s in QUEUE]},
                                 horizontal=True))  # fmt: skip
    if branch is None:
        overview.by_branch.extend(_queue_by_branch(today))
    return overview


def transfers_to_confirm(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Applications at the payment step whose applicant uploaded a remittance proof and whose
    fee is not yet paid: a branch reviewer looks for the transfer and confirms it."""
    proof = Material.objects.filter(application=OuterRef("pk"), kind=Material.Kind.REMITTANCE)
    paid = Order.objects.filter(application=OuterRef("pk"), status=Order.Status.PAID)
    return applications.filter(status=Status.PAYMENT).filter(Exists(proof)).exclude(Exists(paid))


def _queue_by_branch(today: date) -> list[dict[str, object]]:
    rows = (
        Application.objects.filter(status__in=QUEUE)
        .values("branch_id")
        .annotate(
            waiting=Count("id", filter=Q(status__in=(Status.PAYMENT, Status.BRANCH_REVIEW))),
            overdue=Count("id", filter=Q(status=Status.BRANCH_REVIEW, branch_due__lt=today)),
            center=Count("id", filter=Q(status=Status.CENTER_REVIEW)),
        )
    )
    nothing: dict[str, int] = {"waiting": 0, "overdue": 0, "center": 0}
    found = {row["branch_id"]: {"waiting": row["waiting"], "overdue": row["overdue"],
                                "center": row["center"]} for row in rows}  # fmt: skip
    return [{"branch": branch, **found.get(branch.pk, nothing)}
            for branch in BranchOffice.objects.order_by("code")]  # fmt: skip


# -- the center's home -----------------------------------------------------------------------


#: Each branch with its approvals per kind.
ByBranch = list[tuple[BranchOffice, dict[str, int]]]


@dataclass(frozen=True)
class CenterOverview:
    queue: QueueOverview
    months: list[date]
    approved_by_month: dict[str, list[int]]
    approved_by_branch: ByBranch
    days: list[date]
    paid_by_day: list[int]
    refunded_by_day: list[int]
    expiring: int
    expiring_soonest: list[Member]
    charts: list[Chart] = field(default_factory=list)


def center_overview(today: date) -> CenterOverview:
    months = last_months(today, MONTHS)
    days = [today - timedelta(days=back) for back in range(PAYMENT_DAYS - 1, -1, -1)]
    by_month, by_branch = _approvals(months)
    paid, refunded = _money_by_day(days)
    expiring = Member.objects.filter(
        status=Member.Status.ACTIVE, valid_until__range=(today, today + timedelta(EXPIRING_DAYS))
    )
    overview = CenterOverview(
        queue=queue_overview(None, today),
        months=months,
        approved_by_month=by_month,
        approved_by_branch=by_branch,
        days=days,
        paid_by_day=paid,
        refunded_by_day=refunded,
        expiring=expiring.count(),
        expiring_soonest=list(expiring.order_by("valid_until", "pk")[:EXPIRING_LISTED]),
    )
    overview.charts.extend(_center_charts(overview))
    return overview


def last_months(today: date, count: int) -> list[date]:
    """The first days of the ``count`` months up to and including today's, oldest first."""
    first, months = today.replace(day=1), []
    for _step in range(count):
        months.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return months[::-1]


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _approvals(months: list[date]) -> tuple[dict[str, list[int]], ByBranch]:
    """Approvals of the followed kinds, by month of approval, and by branch over the months:
    one pass over the year's approval events, counted by month, branch and kind at once."""
    events = ApplicationEvent.objects.filter(
        new_status=Status.APPROVED,
        application__kind__in=TRENDS,
        at__gte=_local_start(months[0]),
    )
    counted = (
        events.annotate(month=TruncMonth("at"))
        .values_list("month", "application__branch_id", "application__kind")
        .annotate(n=Count("id"))
    )
    index = {month: position for position, month in enumerate(months)}
    by_month = {kind: [0] * len(months) for kind in TRENDS}
    per_branch: dict[int, Counter[str]] = defaultdict(Counter)
    for month, branch_id, kind, n in counted:
        day = month.date() if isinstance(month, datetime) else month
        if day in index:
            by_month[kind][index[day]] += n
            per_branch[branch_id][kind] += n
    by_branch = [(branch, {kind: per_branch[branch.pk][kind] for kind in TRENDS})
                 for branch in BranchOffice.objects.order_by("code")]  # fmt: skip
    return by_month, by_branch


def _money_by_day(days: list[date]) -> tuple[list[int], list[int]]:
    """Fees received (paid orders by payment day) and refunds paid back, in whole yuan."""
    since = _local_start(days[0])
    received = Order.objects.filter(paid_at__gte=since)
    returned = Refund.objects.filter(status=Refund.Status.SUCCEEDED, done_at__gte=since)
    return _yuan_by_day(received, "paid_at", days), _yuan_by_day(returned, "done_at", days)


def _yuan_by_day(rows: QuerySet[Any], moment: str, days: list[date]) -> list[int]:
    """The rows' ``amount_fen`` summed by the local day of ``moment``, in whole yuan, one figure
    per day of ``days`` (the database groups; a day with nothing is 0)."""
    index = {day: position for position, day in enumerate(days)}
    summed = [0] * len(days)
    by_day = (rows.annotate(day=TruncDate(moment)).values_list("day")
              .annotate(fen=Sum("amount_fen")).values_list("day", "fen"))  # fmt: skip
    for day, fen in by_day:
        if day in index:
            summed[index[day]] += fen // 100
    return summed


def _center_charts(overview: CenterOverview) -> list[Chart]:
    month_labels = [month.strftime("%Y-%m") for month in overview.months]
    names = {kind: str(Kind(kind).label) for kind in TRENDS}
    return [
        chart("chart-months", _("近十二个月批准的注册、续展和注销"), month_labels,
              {names[kind]: overview.approved_by_month[kind] for kind in TRENDS}),
        chart("chart-branches", _("近十二个月各分支机构批准的业务"),
              [branch.name for branch, _counts in overview.approved_by_branch],
              {names[kind]: [counts[kind] for _branch, counts in overview.approved_by_branch]
               for kind in TRENDS}, horizontal=True, stacked=True),
        chart("chart-money", _("近三十天收款与退款（元）"),
              [day.strftime("%m-%d") for day in overview.days],
              {_("收款"): overview.paid_by_day, _("退款"): overview.refunded_by_day}),
        *overview.queue.charts,
    ]  # fmt: skip


def reviewer_branch(user: User) -> BranchOffice | None:
    """The branch whose numbers a reviewer's home shows: its own (the center's: all)."""
    return user.branch if user.role == User.Role.BRANCH else None
