"""Payment notifications handled as payment providers require (conventions.md 12): the
signature first, then the order, the amount and the currency; idempotent on the provider's
transaction id (a duplicate answers success and changes nothing); forged, replayed and tampered
notifications change nothing; money that comes for an order no longer payable (late, or a second
payment) is kept once and refunded; every notification is written down (:class:`Notification`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hall.payments.gateways import GATEWAYS, Answer, Incoming, NotificationRefused, Paid
from hall.payments.gateways.unionpay import REFUND_NOTICE
from hall.payments.models import Notification, Order, StrayPayment
from hall.payments.orders import order_credit
from hall.payments.refunds import stray_refund

logger = logging.getLogger("hall.payments")
Status = Order.Status
#: Refused, but answered "received": the gateway's word on our own refund, nothing to credit.
ACKNOWLEDGED = {REFUND_NOTICE}


def receive(gateway_name: str, incoming: Incoming) -> Answer:
    """Handle one notification; the answer its gateway expects."""
    gateway = GATEWAYS.get(gateway_name)
    if gateway is None:
        return Answer(404, "unknown gateway")
    paid: Paid | None = None
    try:
        paid = gateway.read(incoming)
        outcome, ok = _fresh(paid) or settle(paid, gateway_name)
    except NotificationRefused as refused:
        outcome, ok = refused.outcome, refused.outcome in ACKNOWLEDGED
    order_number, transaction_id = (
        (paid.order_number, paid.transaction) if paid else _claimed(incoming.params)
    )
    Notification.objects.create(
        gateway=gateway_name, body=_loggable(incoming), outcome=outcome,
        order_number=order_number[:40], transaction=transaction_id[:64],
    )  # fmt: skip
    if not ok:
        logger.warning("%s notification refused: %s", gateway_name, outcome)
    return gateway.answer(ok)


def _claimed(params: Mapping[str, str]) -> tuple[str, str]:
    """The order and transaction an unverified notification claims (for the staff's eyes)."""
    order = params.get("out_trade_no") or params.get("orderId") or ""
    return order, params.get("trade_no") or params.get("queryId") or ""


def _loggable(incoming: Incoming) -> dict[str, object]:
    """What is kept of a notification: its fields, or its body and signature headers."""
    if incoming.params:
        return dict(incoming.params)
    headers = {k: v for k, v in incoming.headers.items() if k.startswith("wechatpay-")}
    return {"body": incoming.body.decode("utf-8", errors="replace")[:10_000], "headers": headers}


def _fresh(paid: Paid) -> tuple[str, bool] | None:
    """A refusal if the notification is older than a notification can be (a replay)."""
    if paid.timestamp is None:
        return None
    if abs(time.time() - paid.timestamp) > settings.NOTIFICATION_MAX_AGE_SECONDS:
        return "replayed: too old", False
    return None


def settle(paid: Paid, gateway_name: str) -> tuple[str, bool]:
    """Apply what a verified notification or an order query says; (outcome, accepted)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(number=paid.order_number).first()
        verdict = _verdict(order, paid)
        if verdict is not None:
            return verdict
        assert order is not None
        if order.status != Status.PENDING:
            return _stray(order, paid, gateway_name), True
        order_credit(order, transaction_id=paid.transaction, method=paid.method,
                     gateway=gateway_name)  # fmt: skip
        return "credited", True


def _verdict(order: Order | None, paid: Paid) -> tuple[str, bool] | None:
    """Why a payment is not credited (the order is locked), or None to go on."""
    if order is None:
        return "unknown order", False
    if paid.amount_fen != order.amount_fen or paid.currency != order.currency:
        return "amount or currency mismatch", False
    if order.provider_transaction == paid.transaction:
        return "duplicate", True
    if not paid.succeeded:
        return "payment failed", True
    if order.status == Status.PENDING and order.closes_at <= timezone.now():
        order.status = Status.CLOSED  # its time was up before the money came
        order.save(update_fields=["status"])
    return None


def _stray(order: Order, paid: Paid, gateway_name: str) -> str:
    """Money for an order no longer payable: kept once per transaction, refunded in full."""
    stray, created = StrayPayment.objects.get_or_create(
        transaction=paid.transaction,
        defaults={"order": order, "gateway": gateway_name, "amount_fen": paid.amount_fen},
    )
    if not created:
        return "duplicate"
    stray_refund(stray)
    return f"late or again ({order.status}): refunded"
