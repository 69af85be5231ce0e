"""Orders: the 20-digit number, one payable order per application, closing unpaid orders, and
crediting a payment exactly once (however many notifications, queries or reviewers say so)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.accounts.models import User
from hall.applications.descriptors import descriptor
from hall.applications.fees import application_fee_fen
from hall.applications.models import Application
from hall.applications.workflow import WorkflowError, application_transition
from hall.core.errors import Conflict
from hall.fees.money import fen_to_yuan
from hall.members.numbering import next_in_sequence
from hall.notices import services as notices
from hall.payments.invoices import invoice_issue
from hall.payments.models import Order

logger = logging.getLogger("hall.payments")
Status = Order.Status


def order_number(branch_code: str, when: datetime) -> str:
    """Year and month, province, branch, serial (seed 000: ``20200433010000314467``)."""
    serial = next_in_sequence(f"order-{when:%Y%m}")
    return f"{when:%Y%m}{branch_code[:2]}{branch_code[2:4]}{serial:010d}"


def amount_fen(application: Application) -> int:
    """What the application costs (the one fee rule: hall.applications.fees)."""
    fee = application_fee_fen(application)
    if fee is None:
        raise WorkflowError(_("此类申请无需缴费"))
    return fee


def order_for(application: Application) -> Order:
    """The application's payable order: the pending one, or a new one."""
    if application.status != Application.Status.PAYMENT:
        raise WorkflowError(_("申请当前状态为“%(status)s”，无需付款")
                            % {"status": application.get_status_display()})  # fmt: skip
    order_close_expired(timezone.now())
    pending = application.orders.filter(status=Status.PENDING).first()
    if pending is not None:
        return pending
    now = timezone.now()
    try:
        with transaction.atomic():
            # Under the application's lock, which step 1's edit takes too (and refuses once an
            # order exists): the amount is the fee of the data as it stands, not as it stood.
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.status != Application.Status.PAYMENT:
                raise WorkflowError(_("申请当前状态为“%(status)s”，无需付款")
                                    % {"status": locked.get_status_display()})  # fmt: skip
            return Order.objects.create(
                number=order_number(locked.branch.code, timezone.localtime(now)),
                application=locked, amount_fen=amount_fen(locked), created_at=now,
                closes_at=now + timedelta(minutes=settings.ORDER_CLOSE_MINUTES),
            )  # fmt: skip
    except IntegrityError:  # made a moment ago by another request
        return application.orders.get(status=Status.PENDING)


#: The moves an order's status may make; :func:`order_move` (one order) and
#: :func:`order_close_expired` (the overdue, in one statement) are the only writers of it.
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.PAID, Status.CLOSED}),
    Status.PAID: frozenset({Status.REFUNDED}),
    Status.CLOSED: frozenset(),
    Status.REFUNDED: frozenset(),
}


def order_move(order: Order, to: str, **fields: object) -> None:
    """Move a locked order to ``to`` with the fields that go with the move (the caller holds
    the row lock); a move the table does not have is refused and nothing is written."""
    if to not in ORDER_TRANSITIONS[order.status]:
        raise Conflict(_("订单状态为“%(status)s”，不能改为“%(target)s”")
                       % {"status": order.get_status_display(), "target": Status(to).label},
                       code="order_status")  # fmt: skip
    order.status = to
    for name, value in fields.items():
        setattr(order, name, value)
    order.save(update_fields=["status", *fields])


def orders_close_pending(application: Application) -> None:
    """A withdrawn or rejected application's unpaid orders close (PaymentsConfig.ready hangs
    this on the workflow): money that still comes for one is refunded as a stray payment."""
    for order in application.orders.select_for_update().filter(status=Status.PENDING):
        order_move(order, Status.CLOSED)


def order_close_expired(now: datetime) -> int:
    """Close the unpaid orders whose time is up (the table's pending -> closed)."""
    closable = [source for source, targets in ORDER_TRANSITIONS.items() if Status.CLOSED in targets]
    return Order.objects.filter(status__in=closable, closes_at__lte=now).update(
        status=Status.CLOSED
    )


def system_user() -> User:
    """The hall itself, the actor of what a gateway's word does (it cannot log in)."""
    user, created = User.objects.get_or_create(
        mobile="10000000000", defaults={"role": User.Role.SYSTEM, "is_active": False,
                                        "name": "系统"},
    )  # fmt: skip
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def order_credit(
    order: Order, *, transaction_id: str, method: str, gateway: str = "",
    actor: User | None = None,
) -> bool:  # fmt: skip
    """Mark a locked, pending order paid and move its application on; False if it was not
    pending (the caller holds the row lock, so two callers never both credit it)."""
    if order.status != Status.PENDING:
        return False
    order_move(order, Status.PAID, paid_at=timezone.now(), method=method, gateway=gateway,
               provider_transaction=transaction_id or None)  # fmt: skip
    invoice_issue(order)
    application = order.application
    application_transition(
        application_id=application.pk,
        action="payment_received",
        actor=actor or system_user(),
        version=application.version,
    )
    notices.tell_all(notices.who_hears(application.applicant, application.member),
                     event_name="paid",
                     params={"number": application.pk, "order": order.number,
                             "amount": fen_to_yuan(order.amount_fen)},
                     link=reverse("payments:order", args=[order.number]),
                     key=f"paid-{order.number}")  # fmt: skip
    return True


def transfer_confirm(*, application: Application, reviewer: User) -> Order:
    """A reviewer saw the transfer arrive (seed 000 §4): the order is paid by transfer."""
    with transaction.atomic():
        order = order_for(application)
        order = Order.objects.select_for_update().get(pk=order.pk)
        if not order_credit(order, transaction_id="", method="transfer", actor=reviewer):
            status = order.get_status_display()
            raise WorkflowError(_("订单状态为“%(status)s”") % {"status": status})
        return order


def order_gateways(order: Order) -> list[str]:
    return [name for name in order.started_with.split(",") if name]


def order_started(order: Order, gateway_name: str) -> None:
    """Remember that the payer went to this gateway with the order (the query asks each)."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        names = order_gateways(locked)
        if gateway_name not in names:
            locked.started_with = ",".join([*names, gateway_name])
            locked.save(update_fields=["started_with"])


def fee_paid(application: Application, actor: User) -> None:
    """The workflow's guard (hall.applications.guards): a paid kind moves past its payment
    step only with a paid order, whoever posts the action."""
    if not descriptor(application.kind).paid:
        return
    paid = application.orders.filter(status=Status.PAID).order_by("-paid_at").first()
    if paid is None:
        raise WorkflowError(_("尚未收到该申请的费用"))
    # What it costs now, by the schedule of the day it was paid for: step 1 edited after the
    # payment (another company type, more codes) must not pass on the old payment.
    due = application_fee_fen(application, day=timezone.localdate(paid.created_at))
    if due is not None and due != paid.amount_fen:
        raise WorkflowError(
            _("申请内容改变后应缴 %(due)s 元（已缴 %(paid)s 元）：请改回原内容，或撤回后重新申请")
            % {"paid": fen_to_yuan(paid.amount_fen), "due": fen_to_yuan(due)},
            code="fee_changed",
        )


#: The actions past a paid kind's payment step (wired in PaymentsConfig.ready).
FEE_GUARDED = ("payment_received", "branch_approve", "center_approve", "resubmit")
