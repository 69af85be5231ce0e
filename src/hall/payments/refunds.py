"""Refunds: a paid application rejected or withdrawn gets its money back, through the gateway it
came by, or recorded for a bank transfer to be paid back; never more than was paid."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from hall.applications.models import Application
from hall.applications.workflow import ON_CLOSED, WorkflowError
from hall.payments.models import Order, Refund


def refundable_fen(order: Order) -> int:
    refunded = order.refunds.aggregate(total=Sum("amount_fen"))["total"] or 0
    return order.amount_fen - int(refunded)


def refund(*, order_id: int, amount_fen: int, reason: str) -> Refund:
    """Give back ``amount_fen`` of a paid order, or say why not."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status != Order.Status.PAID:
            raise WorkflowError(
                _("订单%(status)s，不能退款") % {"status": order.get_status_display()}
            )
        left = refundable_fen(order)
        if not 0 < amount_fen <= left:
            raise WorkflowError(_("退款金额应大于 0 且不超过可退金额 %(left).2f 元")
                                % {"left": left / 100})  # fmt: skip
        via = "transfer" if order.method == "transfer" else "sandbox"
        made = Refund.objects.create(
            order=order,
            amount_fen=amount_fen,
            reason=reason[:200],
            via=via,
            reference=f"R{secrets.token_hex(8).upper()}",
        )
        if amount_fen == left:
            order.status = Order.Status.REFUNDED
            order.save(update_fields=["status"])
        return made


def _refund_closed(application: Application) -> None:
    """A rejected or withdrawn application's paid orders are refunded in full."""
    for order in application.orders.filter(status=Order.Status.PAID):
        refund(
            order_id=order.pk,
            amount_fen=refundable_fen(order),
            reason=_("申请%(status)s") % {"status": application.get_status_display()},
        )


ON_CLOSED.append(_refund_closed)
