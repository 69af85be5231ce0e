from django.contrib import admin

from hall.payments.models import (
    Invoice,
    Notification,
    Order,
    ReconciliationRun,
    Refund,
    StrayPayment,
)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = ["number", "application", "amount_fen", "status", "method", "paid_at"]
    list_filter = ["status", "method"]
    search_fields = ["number", "provider_transaction"]
    readonly_fields = ["number", "amount_fen", "status", "provider_transaction", "paid_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["received_at", "gateway", "order_number", "transaction", "outcome"]
    list_filter = ["gateway", "outcome"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # the trail of the money is read-only


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin[Invoice]):
    list_display = ["number", "order", "title", "taxpayer_number", "amount_fen", "issued_at"]
    search_fields = ["number", "title", "taxpayer_number", "order__number"]


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin[Refund]):
    list_display = ["created_at", "number", "order", "amount_fen", "via", "status", "reference",
                    "attempts", "reason"]  # fmt: skip
    list_filter = ["status", "via"]
    search_fields = ["number", "order__number", "transaction", "reference"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False  # refunds move by the hall's rules only (hall.payments.refunds)


@admin.register(StrayPayment)
class StrayPaymentAdmin(admin.ModelAdmin[StrayPayment]):
    list_display = ["received_at", "order", "gateway", "transaction", "amount_fen"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(admin.ModelAdmin[ReconciliationRun]):
    list_display = ["day", "made_at", "mismatches"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
