"""The money's trail: orders, payment notifications, invoices, refunds, stray payments and the
daily reconciliation. Amounts, numbers and statuses move only by the hall's rules (orders,
settlement, refunds): every record is read-only here and none is ever deleted. The sandbox
gateway's own ledger is a development tool and has no page."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hall.core.admin import ReadOnlyAdmin
from hall.payments.models import (
    Invoice,
    Notification,
    Order,
    ReconciliationRun,
    Refund,
    StrayPayment,
)


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin[Order]):
    list_display = ["number", "application", "amount_yuan", "shown_status", "method", "paid_at"]
    list_filter = ["status", "method", "gateway"]
    search_fields = ["number", "provider_transaction", "application__member__name"]
    list_select_related = ["application"]
    date_hierarchy = "created_at"

    @admin.display(description=_("状态"), ordering="status")
    def shown_status(self, order: Order) -> str:
        """ "退款中" until the money is back, as the member reads it (Order.get_status_display)."""
        return order.get_status_display()


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin[Notification]):
    list_display = ["received_at", "gateway", "order_number", "transaction", "outcome"]
    list_filter = ["gateway", "outcome"]
    search_fields = ["order_number", "transaction"]
    date_hierarchy = "received_at"


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin[Invoice]):
    list_display = ["number", "order", "title", "taxpayer_number", "amount_fen", "issued_at"]
    search_fields = ["number", "title", "taxpayer_number", "order__number"]
    list_select_related = ["order"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin[Refund]):
    """Refunds move by the hall's rules only (hall.payments.refunds)."""

    list_display = ["created_at", "number", "order", "amount_yuan", "via", "status", "reference",
                    "attempts", "reason"]  # fmt: skip
    list_filter = ["status", "via"]
    search_fields = ["number", "order__number", "transaction", "reference"]
    list_select_related = ["order"]


@admin.register(StrayPayment)
class StrayPaymentAdmin(ReadOnlyAdmin[StrayPayment]):
    list_display = ["received_at", "order", "gateway", "transaction", "amount_fen"]
    search_fields = ["transaction", "order__number"]
    list_select_related = ["order"]


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnlyAdmin[ReconciliationRun]):
    list_display = ["day", "made_at", "mismatches"]
    date_hierarchy = "day"
