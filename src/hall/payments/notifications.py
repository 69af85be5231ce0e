"""Payment notifications handled as payment providers require (conventions.md 12): the
signature first, then the order, the amount and the currency; idempotent on the provider's
transaction id (a duplicate answers success and changes nothing); forged, replayed and tampered
notifications change nothing; money that comes for an order no longer payable (late, or a second
payment) is kept once and refunded; every notification is written down (:class:`Notification`),
in bounded form: its fields or body cut to a few KB, with the length and SHA-256 of the whole. A
client address that has sent :data:`REFUSED_PER_MINUTE` refused notifications in a minute is
answered 429 unread until the minute is over."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hall.applications.models import Application
from hall.core import limits
from hall.payments.gateways import GATEWAYS, Answer, Incoming, NotificationRefused, Paid
from hall.payments.models import Notification, Order, StrayPayment
from hall.payments.orders import order_credit, order_move
from hall.payments.refunds import stray_refund

logger = logging.getLogger("hall.payments")
Status = Order.Status
#: Characters kept of a notification's fields or body (a gateway's are a few hundred; a refused
#: one may be the body limit's 64 KB of anything), and of its signature headers.
KEPT_CHARS, KEPT_HEADER_CHARS = 4096, 1024
#: Refused notifications a client address may send in a minute (a gateway's are rarely
#: refused: a forger's are, and each is a row).
REFUSED_PER_MINUTE = 20


def refused_too_often(client: str) -> int | None:
    """Seconds until ``client`` may notify again if it has had its minute's refusals, else None.
    Asking counts nothing: only a refusal does (:func:`receive`)."""
    verdict = limits.spend(_refusals(client), REFUSED_PER_MINUTE, cost=0)
    return verdict.retry_after if verdict.remaining == 0 else None


def _refusals(client: str) -> str:
    return f"notify-refused:{client}"


def receive(gateway_name: str, incoming: Incoming, *, client: str = "") -> Answer:
    """Handle one notification; the answer its gateway expects. A refusal counts against
    ``client``'s address (:func:`refused_too_often`)."""
    gateway = GATEWAYS.get(gateway_name)
    if gateway is None:
        return Answer(404, "unknown gateway")
    paid: Paid | None = None
    try:
        paid = gateway.read(incoming)
        outcome, ok = _fresh(paid) or settle(paid, gateway_name)
    except NotificationRefused as refused:
        outcome, ok = refused.outcome, refused.acknowledged
    order_number, transaction_id = (
        (paid.order_number, paid.transaction) if paid else gateway.claimed(incoming)
    )
    Notification.objects.create(
        gateway=gateway_name, body=_loggable(incoming, gateway.signature_headers),
        outcome=outcome,
        order_number=order_number[:40], transaction=transaction_id[:64],
    )  # fmt: skip
    if not ok:
        logger.warning("%s notification refused: %s", gateway_name, outcome)
        if client:
            limits.spend(_refusals(client), REFUSED_PER_MINUTE)
    return gateway.answer(ok)


def _loggable(incoming: Incoming, signature_headers: str) -> dict[str, object]:
    """What is kept of a notification: its fields, or its body and signature headers, each cut
    to a few KB; the whole body's length and SHA-256 say what came."""
    whole = {"bytes": len(incoming.body), "sha256": hashlib.sha256(incoming.body).hexdigest()}
    if incoming.params:
        return {"fields": _cut(incoming.params, KEPT_CHARS), **whole}
    signed = {k: v for k, v in incoming.headers.items()
              if signature_headers and k.startswith(signature_headers)}  # fmt: skip
    body = incoming.body[:KEPT_CHARS].decode("utf-8", errors="replace")
    return {"body": body, "headers": _cut(signed, KEPT_HEADER_CHARS), **whole}


def _cut(fields: Mapping[str, str], budget: int) -> dict[str, str]:
    """The fields in order while they fit in ``budget`` characters (names and values), the last
    one shortened to fit."""
    kept: dict[str, str] = {}
    for name, value in fields.items():
        if budget <= 0:
            break
        key = name[:budget]
        kept[key] = value[: budget - len(key)]
        budget -= len(key) + len(kept[key])
    return kept


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
        refusal = _refusal(order, paid)
        if refusal is not None:
            return refusal
        assert order is not None
        if order.status == Status.PENDING and not _payable(order):
            order_move(order, Status.CLOSED)  # too late: kept as a stray payment, refunded
        if order.status != Status.PENDING:
            return _stray(order, paid, gateway_name), True
        order_credit(order, transaction_id=paid.transaction, method=paid.method,
                     gateway=gateway_name)  # fmt: skip
        return "credited", True


def _payable(order: Order) -> bool:
    """Whether a pending order may still be credited: its time is not up and its application
    still waits for the payment (not withdrawn, say, while the payer was at the gateway)."""
    waiting = order.application.status == Application.Status.PAYMENT
    return waiting and order.closes_at > timezone.now()


def _refusal(order: Order | None, paid: Paid) -> tuple[str, bool] | None:
    """Why a payment is not credited, as (outcome, accepted), or None to go on; it looks and
    writes nothing."""
    if order is None:
        return "unknown order", False
    if paid.amount_fen != order.amount_fen or paid.currency != order.currency:
        return "amount or currency mismatch", False
    if order.provider_transaction == paid.transaction:
        return "duplicate", True
    if not paid.succeeded:
        return "payment failed", True
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
