"""The periodic settlement of orders: what a lost notification would have said, asked of the
gateways. Above orders, notifications and refunds, which it drives."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import Q

from hall.payments.gateways import GATEWAYS
from hall.payments.models import Order
from hall.payments.notifications import settle
from hall.payments.orders import order_close_expired, order_gateways
from hall.payments.refunds import refunds_send

Status = Order.Status
logger = logging.getLogger("hall.payments")


def orders_settle(now: datetime) -> list[str]:
    """Close what is overdue, then ask each gateway the payer went to about every order still
    pending or closed in the last day: a payment whose notification was lost is credited (or,
    for a closed order, refunded) all the same. The periodic job; the orders credited."""
    order_close_expired(now)
    credited = []
    recent = Q(status=Status.PENDING) | Q(
        status=Status.CLOSED, closes_at__gte=now - timedelta(days=1)
    )
    for order in Order.objects.filter(recent).exclude(started_with=""):
        try:
            credited += _settle_one(order)
        except Exception:  # one order's trouble must not hold up the others or the refunds
            logger.exception("settling order %s failed", order.number)
    refunds_send()
    return credited


def _settle_one(order: Order) -> list[str]:
    for name in order_gateways(order):
        gateway = GATEWAYS.get(name)
        paid = gateway.query(order) if gateway else None
        if paid is not None and settle(paid, name)[0] == "credited":
            return [order.number]
    return []
