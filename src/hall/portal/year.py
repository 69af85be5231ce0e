"""A year of a hall's business, made up: for the demo's homes to show something and for the
benchmark to weigh them (issue 23: 10,000 applications and 100,000 products).

Members spread over the branches, each with a prefix and products; applications of every kind
through the year, most approved, some waiting at each step (some first reviews overdue), with
their events, paid orders and a few refunds; memberships ending over the next two years. All
rows are written in bulk and carry the mark :data:`MARK` (their archive index numbers start
with it), so running it again adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from hall.accounts.models import MemberRole, User
from hall.applications.models import Application, ApplicationEvent
from hall.members.models import BranchOffice, CompanyPrefix, Member
from hall.payments.models import Order, Refund
from hall.products.models import Product
from tiaoma import checksum, uscc

Status = Application.Status
Kind = Application.Kind
#: The archive index numbers of the made-up members start with this: the year's rows are found
#: (and not made twice) by it.
MARK = "Y"
#: How often each kind is filed, of a hundred applications.
KIND_WEIGHTS = {Kind.RENEWAL: 40, Kind.REGISTRATION: 20, Kind.CHANGE: 15, Kind.CANCELLATION: 6,
                Kind.REISSUE: 6, Kind.EAN8: 5, Kind.UPC: 3, Kind.FOREIGN_FILING: 5}  # fmt: skip
#: Where an application still open stands, of a hundred open ones.
OPEN_WEIGHTS = {Status.DRAFT: 10, Status.MATERIALS: 10, Status.PAYMENT: 20,
                Status.BRANCH_REVIEW: 35, Status.RETURNED: 10,
                Status.CENTER_REVIEW: 15}  # fmt: skip
#: Of the applications filed, the share still open; of the closed, the share not approved.
OPEN_SHARE, NOT_APPROVED_SHARE, REFUNDED_SHARE = 0.15, 0.05, 0.03
#: Of the products, the share still a draft being filled in.
DRAFT_SHARE = 0.08
#: Each made-up member's prefix: 9 digits, so a thousand item references (6 9 + 7 digits).
PREFIX_BASE, ITEMS_PER_PREFIX, FEE_FEN = 690_000_000, 1000, 80_000


@dataclass(frozen=True)
class Made:
    members: int
    applications: int
    products: int


def year_made() -> bool:
    return Member.objects.filter(archive_index__startswith=MARK).exists()


@transaction.atomic
def make_year(*, today: date, applications: int, products: int, seed: int = 2026) -> Made:
    """Write a year of business up to ``today``: ``applications`` applications by
    ``applications // 10`` members, who hold ``products`` products between them."""
    if year_made():
        return Made(0, 0, 0)
    rng = random.Random(seed)
    branches = list(BranchOffice.objects.order_by("code"))
    if not branches:
        raise ValueError("no branch offices: run `python -m hall demo` first")
    members = _members(rng, branches, max(applications // 10, 1), today)
    users = _users(members)
    _applications(rng, members, users, applications, today)
    _products(rng, members, products, today)
    return Made(len(members), applications, products)


def _members(rng: random.Random, branches: list[BranchOffice], count: int,
             today: date) -> list[Member]:  # fmt: skip
    rows = []
    for n in range(count):
        branch = branches[n % len(branches)]
        # Two years each, the ends spread from a month ago to two years ahead.
        until = today + timedelta(days=rng.randint(-30, 730))
        rows.append(Member(
            name=f"示例企业{n + 1:05d}有限公司", uscc=_uscc(n),
            registered_address=f"{branch.region}示例路 {n + 1} 号", legal_representative="示例",
            contact="示例联系人", certificate_number=f"物编注字第Y{n + 1:06d}号",
            archive_index=f"{MARK}{n + 1:08d}", branch=branch,
            valid_from=until - timedelta(days=730), valid_until=until,
            status=Member.Status.ACTIVE if until >= today else Member.Status.EXPIRED,
        ))  # fmt: skip
    made = Member.objects.bulk_create(rows, batch_size=1000)
    CompanyPrefix.objects.bulk_create(
        [CompanyPrefix(member=member, prefix=str(PREFIX_BASE + n), allocated_on=member.valid_from)
         for n, member in enumerate(made)], batch_size=1000,
    )  # fmt: skip
    return made


def _uscc(n: int) -> str:
    body = f"91330100MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def _users(members: list[Member]) -> list[User]:
    """One administrator per member (no password: these accounts cannot log in)."""
    rows = [User(mobile=f"166{n:08d}", member=member, member_role=MemberRole.ADMIN,
                 activated_at=timezone.now())
            for n, member in enumerate(members)]  # fmt: skip
    for user in rows:
        user.set_unusable_password()
    return User.objects.bulk_create(rows, batch_size=1000)


def _moment(day: date, rng: random.Random) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59))))


def _applications(rng: random.Random, members: list[Member], users: list[User], count: int,
                  today: date) -> None:  # fmt: skip
    kinds, weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    open_statuses, open_weights = list(OPEN_WEIGHTS), list(OPEN_WEIGHTS.values())
    busy: set[tuple[int, str]] = set()  # (member, kind) already open: one at a time
    rows, plans = [], []
    for n in range(count):
        index = n % len(members)
        member, kind = members[index], rng.choices(kinds, weights)[0]
        filed = today - timedelta(days=rng.randint(0, 364))
        status: str = Status.APPROVED
        if rng.random() < OPEN_SHARE and (member.pk, kind) not in busy:
            busy.add((member.pk, kind))
            status = rng.choices(open_statuses, open_weights)[0]
            filed = max(filed, today - timedelta(days=40))  # still open: filed lately
        elif rng.random() < NOT_APPROVED_SHARE:
            status = rng.choice((Status.REJECTED, Status.WITHDRAWN))
        submitted = _moment(filed, rng)
        due = (
            filed + timedelta(days=rng.randint(-5, 12)) if status == Status.BRANCH_REVIEW else None
        )
        rows.append(Application(
            kind=kind, status=status, member=member, applicant=users[index], branch=member.branch,
            data={"name": member.name}, created_at=submitted,
            submitted_at=None if status in (Status.DRAFT, Status.MATERIALS) else submitted,
            branch_due=due,
        ))  # fmt: skip
        plans.append(submitted)
    made = Application.objects.bulk_create(rows, batch_size=1000)
    _events_and_orders(rng, made, plans, today)


def _events_and_orders(rng: random.Random, applications: list[Application],
                       filed: list[datetime], today: date) -> None:  # fmt: skip
    events, orders = [], []
    now = timezone.now()
    for serial, (application, submitted) in enumerate(zip(applications, filed, strict=True)):
        steps = _path(application.status)
        at = submitted
        for action, old, new in steps:
            at = min(at + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5)), now)
            events.append(ApplicationEvent(application=application, action=action,
                                           old_status=old, new_status=new, at=at))  # fmt: skip
        if application.status not in (Status.DRAFT, Status.MATERIALS, Status.PAYMENT,
                                      Status.WITHDRAWN):  # fmt: skip
            paid = submitted + timedelta(hours=rng.randint(1, 30))
            orders.append(Order(
                number=f"{paid:%Y%m}Y{serial:013d}", application=application, amount_fen=FEE_FEN,
                status=Order.Status.PAID, method="wechat", gateway="sandbox",
                created_at=submitted, closes_at=submitted + timedelta(days=1), paid_at=paid,
            ))  # fmt: skip
    ApplicationEvent.objects.bulk_create(events, batch_size=2000)
    made = Order.objects.bulk_create(orders, batch_size=1000)
    refunds = [Refund(order=order, number=f"R{order.number}", amount_fen=order.amount_fen,
                      reason="示例退款", via="sandbox", status=Refund.Status.SUCCEEDED,
                      created_at=order.paid_at, done_at=order.paid_at + timedelta(days=2))
               for order in made if order.paid_at and rng.random() < REFUNDED_SHARE
               and order.paid_at.date() < today - timedelta(days=2)]  # fmt: skip
    Refund.objects.bulk_create(refunds, batch_size=1000)


#: The workflow's main line (hall.applications.workflow), and the steps that leave it.
MAIN: list[tuple[str, str, str]] = [
    ("submit", Status.DRAFT, Status.MATERIALS),
    ("materials_done", Status.MATERIALS, Status.PAYMENT),
    ("payment_received", Status.PAYMENT, Status.BRANCH_REVIEW),
    ("branch_approve", Status.BRANCH_REVIEW, Status.CENTER_REVIEW),
    ("center_approve", Status.CENTER_REVIEW, Status.APPROVED),
]
#: A status off the main line: the step that leads there and the status it is taken from.
ASIDE: dict[str, tuple[str, str]] = {
    Status.RETURNED: ("branch_return", Status.BRANCH_REVIEW),
    Status.REJECTED: ("center_reject", Status.CENTER_REVIEW),
    Status.WITHDRAWN: ("withdraw", Status.MATERIALS),
}


def _path(status: str) -> list[tuple[str, str, str]]:
    """The events an application at ``status`` has behind it, as the workflow records them."""
    if status in ASIDE:
        action, before = ASIDE[status]
        return [*_path(before), (action, before, status)]
    steps = []
    for step in MAIN:
        if step[1] == status:
            break
        steps.append(step)
    return steps


def _products(rng: random.Random, members: list[Member], count: int, today: date) -> None:
    prefixes = dict(CompanyPrefix.objects.filter(member__in=members).values_list("member_id", "pk"))
    rows = []
    per_member = max(-(-count // len(members)), 1)
    if per_member > ITEMS_PER_PREFIX:
        raise ValueError(f"at most {ITEMS_PER_PREFIX} products per member")
    for n in range(count):
        owner = (n // per_member) % len(members)
        member = members[owner]
        body = f"{PREFIX_BASE + owner}{n % per_member:03d}"
        gtin = "0" + body + checksum.calc_check_digit(body)
        draft = rng.random() < DRAFT_SHARE
        made = _moment(today - timedelta(days=rng.randint(0, 364)), rng)
        rows.append(Product(
            member=member, prefix_id=prefixes[member.pk], gtin=gtin, kind=Product.Kind.GTIN13,
            status=Product.Status.DRAFT if draft else Product.Status.IN_USE,
            name="" if draft else f"示例产品{n + 1}", brand="示例",
            specification="500g", net_content=500, net_content_unit="g",
            gpc_brick="10000045", created_at=made, updated_at=made,
        ))  # fmt: skip
    Product.objects.bulk_create(rows, batch_size=2000)
