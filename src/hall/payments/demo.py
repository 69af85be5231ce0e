"""The demo's money (``python -m hall demo`` calls :func:`seed`): the demo member's billing page
(/payments/billing/) has its registration paid online with its invoice, and a renewal paid and
then withdrawn, its money refunded, so that each of the page's lists has a row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from hall.accounts.models import User
from hall.applications.fees import NoSchedule, renewal_fee_fen
from hall.applications.models import Application
from hall.fees.rules import registration_fen
from hall.members.models import Member
from hall.payments.invoices import invoice_issue
from hall.payments.models import Order, Refund

#: The demo member's administrator (the demo command's first login).
MOBILE = "13800000001"
#: The fees the demo shows when no schedule covers the day (a hall without its schedules).
FALLBACK_FEN = {"registration": 100000, "renewal": 128000}
#: Serial numbers no order of the hall's own sequence reaches: the demo's orders, made again
#: by a second run, are found by them instead of doubled.
SERIALS = {"registration": 9_000_000_001, "renewal": 9_000_000_002}


def seed(out: TextIO) -> list[str]:
    """The demo member's paid registration and refunded renewal (again: nothing doubled);
    the lines to print."""
    user = User.objects.filter(mobile=MOBILE).select_related("member").first()
    if user is None or user.member is None:
        return []
    member = user.member
    with transaction.atomic():
        registration = member.applications.filter(kind=Application.Kind.REGISTRATION).first()
        if registration is not None:
            paid_at = registration.created_at - timedelta(days=3)
            fen = _fee(lambda: registration_fen(member.company_type, day=paid_at.date()),
                       "registration")  # fmt: skip
            _paid(registration, "registration", fen, paid_at)
        _refunded_renewal(member, user)
    out.write(f"demo billing: {MOBILE} has a paid registration and a refunded renewal\n")
    return [f"  billing of {MOBILE}: /payments/billing/ (orders, invoices, a refund)"]


def _fee(rule: Callable[[], int], name: str) -> int:
    try:
        return rule()
    except NoSchedule:
        return FALLBACK_FEN[name]


def _paid(application: Application, name: str, fen: int, at: datetime) -> Order:
    """The application's order paid online at ``at``, with its invoice."""
    number = f"{timezone.localtime(at):%Y%m}{application.branch.code[:4]}{SERIALS[name]:010d}"
    order, made = Order.objects.get_or_create(
        number=number,
        defaults={"application": application, "amount_fen": fen, "status": Order.Status.PAID,
                  "method": "支付宝支付", "gateway": "sandbox", "created_at": at,
                  "closes_at": at + timedelta(minutes=30), "paid_at": at + timedelta(minutes=2),
                  "provider_transaction": f"DEMO{SERIALS[name]}"},
    )  # fmt: skip
    if made:
        invoice_issue(order)
    return order


def _refunded_renewal(member: Member, user: User) -> None:
    """Last month's renewal, paid, then withdrawn by the member: its money given back."""
    at = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=30), time(10)))
    if Order.objects.filter(provider_transaction=f"DEMO{SERIALS['renewal']}").exists():
        return
    renewal = Application.objects.create(
        kind=Application.Kind.RENEWAL, status=Application.Status.WITHDRAWN, member=member,
        applicant=user, branch=member.branch, created_at=at, submitted_at=at,
    )  # fmt: skip
    fen = _fee(lambda: renewal_fee_fen(member, day=at.date()), "renewal")
    order = _paid(renewal, "renewal", fen, at)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.REFUNDED)
    Refund.objects.create(
        order=order, number=f"R{at:%Y%m%d}DEMO0001", transaction=order.provider_transaction or "",
        amount_fen=fen, reason="申请已撤回", via="sandbox", status=Refund.Status.SUCCEEDED,
        reference="DEMO-REFUND-1", created_at=at + timedelta(days=2),
        done_at=at + timedelta(days=2, minutes=5),
    )  # fmt: skip
