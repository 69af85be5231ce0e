"""The payments' periodic tasks (thin: the day in, the service called)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from hall.payments import reconciliation, settlement


def reconcile_yesterday(today: date) -> None:
    reconciliation.reconcile(today - timedelta(days=1))


def orders_settle(today: date) -> None:
    settlement.orders_settle(timezone.now())
