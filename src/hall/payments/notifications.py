"""Payment notifications handled as payment providers require (conventions.md 12): the
signature first, then the order, the amount and the currency; idempotent on the provider's
transaction id (a duplicate answers success and changes nothing); forged, replayed, tampered
and late notifications change nothing; every one is written down (:class:`Notification`)."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hall.payments.gateways import GATEWAYS, Paid
from hall.payments.models import Notification, Order
from hall.payments.orders import order_credit

logger = logging.getLogger("hall.payments")
Status = Order.Status


def receive(gateway_name: str, params: dict[str, str]) -> tuple[int, str]:
    """Handle one notification; (HTTP status, body) to answer the gateway with."""
    gateway = GATEWAYS.get(gateway_name)
    if gateway is None:
        return 404, "unknown gateway"
    outcome, status = _outcome(gateway_name, params)
    Notification.objects.create(gateway=gateway_name, body=params, outcome=outcome,
                                order_number=str(params.get("out_trade_no", ""))[:40],
                                transaction=str(params.get("trade_no", ""))[:64])  # fmt: skip
    if status != 200:
        logger.warning("%s notification refused: %s %s", gateway_name, outcome, params)
    return status, "success" if status == 200 else "fail"


def _outcome(gateway_name: str, params: dict[str, str]) -> tuple[str, int]:
    gateway = GATEWAYS[gateway_name]
    if not gateway.verify(params):
        return "forged signature", 400
    try:
        paid = gateway.read(params)
    except (KeyError, ValueError):
        return "malformed", 400
    if abs(time.time() - paid.timestamp) > settings.NOTIFICATION_MAX_AGE_SECONDS:
        return "replayed: too old", 400
    return settle(paid)


def settle(paid: Paid) -> tuple[str, int]:
    """Apply what a verified notification or an order query says; (outcome, HTTP status)."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(number=paid.order_number).first()
        verdict = _verdict(order, paid)
        if verdict is not None:
            return verdict
        assert order is not None
        order_credit(order, transaction_id=paid.transaction, method=paid.method)
        return "credited", 200


def _verdict(order: Order | None, paid: Paid) -> tuple[str, int] | None:
    """Why a payment is not credited (the order is locked), or None to credit it."""
    if order is None:
        return "unknown order", 400
    if paid.amount_fen != order.amount_fen or paid.currency != order.currency:
        return "amount or currency mismatch", 400
    if order.provider_transaction == paid.transaction:
        return "duplicate", 200
    if not paid.succeeded:
        return "payment failed", 200
    if order.status == Status.PENDING and order.closes_at <= timezone.now():
        order.status = Status.CLOSED  # its time was up before the money came
        order.save(update_fields=["status"])
    if order.status != Status.PENDING:
        return f"late or again ({order.status}): to be refunded", 200
    return None
