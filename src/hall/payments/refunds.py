"""Refunds: a paid application rejected or withdrawn gets its money back, and so does money a
gateway took for an order that was no longer payable; never more than was paid.

A refund is first written down (requested) in the same transaction as the decision that
causes it, then sent to its gateway once that transaction has committed: the gateway's call
never happens inside a row lock, and a refund the gateway could not take stays requested until
the periodic job (:func:`refunds_send`) gets it through. A refund number makes a retry the same
refund at the gateway. A transfer's refund is recorded for the center to pay back by bank.
"""

from __future__ import annotations

import logging
import secrets

from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hall.applications.models import Application
from hall.applications.workflow import WorkflowError
from hall.notices import services as notices
from hall.payments.gateways import GATEWAYS, GatewayError
from hall.payments.models import Order, Refund, StrayPayment
from hall.payments.orders import order_move

logger = logging.getLogger("hall.payments")
TRANSFER = "transfer"


def refundable_fen(order: Order) -> int:
    """What is left of the order's own payment (stray payments are refunded on their own)."""
    refunded = order.refunds.filter(transaction=order.provider_transaction or "").aggregate(
        total=Sum("amount_fen")
    )["total"]
    return order.amount_fen - int(refunded or 0)


def _refund_number() -> str:
    return f"R{timezone.localtime():%Y%m%d}{secrets.token_hex(6).upper()}"


def refund(*, order_id: int, amount_fen: int, reason: str) -> Refund:
    """Give back ``amount_fen`` of a paid order, or say why not (nothing written then)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != Order.Status.PAID:
            raise WorkflowError(
                _("订单状态为“%(status)s”，不能退款") % {"status": order.get_status_display()}
            )
        left = refundable_fen(order)
        if not 0 < amount_fen <= left:
            raise WorkflowError(_("退款金额应大于 0 且不超过可退金额 %(left).2f 元")
                                % {"left": left / 100})  # fmt: skip
        made = Refund.objects.create(
            order=order, number=_refund_number(), transaction=order.provider_transaction or "",
            amount_fen=amount_fen, reason=reason[:200],
            via=TRANSFER if order.method == TRANSFER else order.gateway,
        )  # fmt: skip
        if amount_fen == left:
            order_move(order, Order.Status.REFUNDED)
        _announce(made)
        transaction.on_commit(lambda: refund_send(made.pk))
        return made


def stray_refund(stray: StrayPayment) -> Refund:
    """The full refund of a payment that came for an order no longer payable (the caller
    holds the order's lock and has just recorded the stray payment)."""
    made = Refund.objects.create(
        order=stray.order, number=_refund_number(), transaction=stray.transaction,
        amount_fen=stray.amount_fen, via=stray.gateway,
        reason=_("订单已关闭或已付款，重复或逾期付款原路退回"),
    )  # fmt: skip
    _announce(made)
    transaction.on_commit(lambda: refund_send(made.pk))
    return made


def _announce(made: Refund) -> None:
    """The applicant hears that the refund is on its way (hall.notices)."""
    order = made.order
    application = order.application
    notices.tell_all(notices.who_hears(application.applicant, application.member),
                     event_name="refund",
                     params={"order": order.number, "amount": made.amount_yuan,
                             "refund": made.number},
                     link=reverse("payments:order", args=[order.number]),
                     key=f"refund-{made.number}")  # fmt: skip


def refund_send(refund_id: int) -> Refund:
    """Send a requested refund to its gateway; on failure it stays requested, with the error."""
    made = Refund.objects.select_related("order").get(pk=refund_id)
    if made.status != Refund.Status.REQUESTED or made.via == TRANSFER:
        return made
    gateway = GATEWAYS.get(made.via)
    try:
        if gateway is None:
            raise GatewayError(f"gateway {made.via!r} is not configured")
        reference = gateway.refund(made)
    except GatewayError as error:
        logger.warning("refund %s not sent: %s", made.number, error)
        Refund.objects.filter(pk=made.pk).update(
            attempts=made.attempts + 1, last_error=str(error)[:300]
        )
        made.refresh_from_db()
        return made
    Refund.objects.filter(pk=made.pk, status=Refund.Status.REQUESTED).update(
        status=Refund.Status.SUCCEEDED, reference=reference[:64], done_at=timezone.now(),
        attempts=made.attempts + 1, last_error="",
    )  # fmt: skip
    made.refresh_from_db()
    return made


def refunds_send() -> list[str]:
    """Retry every refund still waiting for its gateway (the periodic job); their numbers."""
    waiting = Refund.objects.filter(status=Refund.Status.REQUESTED).filter(~Q(via=TRANSFER))
    return [refund_send(pk).number for pk in waiting.values_list("pk", flat=True)]


def transfer_refund_paid(*, refund_id: int, reference: str) -> Refund:
    """The center paid a transfer's refund back by bank: record the bank's reference."""
    reference = reference.strip()
    if not reference:
        raise WorkflowError(_("请填写退款汇款的银行流水号"))
    with transaction.atomic():
        made = Refund.objects.select_for_update().get(pk=refund_id)
        if made.via != TRANSFER or made.status != Refund.Status.REQUESTED:
            raise WorkflowError(_("该退款不是待付的汇款退款"))
        made.status, made.reference, made.done_at = (
            Refund.Status.SUCCEEDED,
            reference[:64],
            timezone.now(),
        )
        made.save(update_fields=["status", "reference", "done_at"])
        return made


def refund_closed(application: Application) -> None:
    """A rejected or withdrawn application's paid orders are refunded in full."""
    for order in application.orders.filter(status=Order.Status.PAID):
        refund(
            order_id=order.pk,
            amount_fen=refundable_fen(order),
            reason=_("申请%(status)s") % {"status": application.get_status_display()},
        )
