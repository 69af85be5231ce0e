"""Orders, and every payment notification received."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hall.applications.models import Application
from hall.fees.money import fen_to_yuan


class Order(models.Model):
    """What an application owes: pending until paid (or closed unpaid), refunded if need be."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待付款")
        PAID = "paid", _("已付款")
        CLOSED = "closed", _("已关闭")
        REFUNDED = "refunded", _("已退款")

    number = models.CharField(_("订单号"), max_length=20, unique=True)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="orders")
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    method = models.CharField(_("支付方式"), max_length=20, blank=True)
    gateway = models.CharField(_("支付渠道"), max_length=20, blank=True)
    started_with = models.CharField(
        max_length=100, blank=True, help_text="the gateways the payer went to, comma-separated"
    )
    provider_transaction = models.CharField(
        _("支付平台交易号"), max_length=64, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("下单时间"), default=timezone.now)
    closes_at = models.DateTimeField(_("关闭时间"))
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("订单")
        verbose_name_plural = _("订单")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status="pending"),
                name="one_payable_order_per_application",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=0), name="order_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def amount_yuan(self) -> str:
        return fen_to_yuan(self.amount_fen)

    def get_status_display(self) -> str:  # type: ignore[no-redef]  # replaces Django's own
        """The status as the payer should read it. An order turns "refunded" when its refund
        is decided, but the money is back only when the gateway (or the center's bank
        transfer) has paid it: until every refund of it has, the order reads "退款中"."""
        if (
            self.status == self.Status.REFUNDED
            and self.refunds.filter(status=Refund.Status.REQUESTED).exists()
        ):
            return str(REFUNDING)
        return str(self.Status(self.status).label)


#: An order whose refund is decided but not yet paid back (see Order.get_status_display).
REFUNDING = _("退款中")


class Notification(models.Model):
    """Every payment notification, whatever became of it: the audit trail of the money."""

    gateway = models.CharField(max_length=20)
    order_number = models.CharField(max_length=40, blank=True)
    transaction = models.CharField(max_length=64, blank=True)
    body = models.JSONField()
    outcome = models.CharField(max_length=40)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("支付通知")
        verbose_name_plural = _("支付通知")
        ordering = ["-id"]


class SandboxPayment(models.Model):
    """The sandbox gateway's own ledger: what its payer did, for its order query and refunds."""

    order_number = models.CharField(max_length=20, db_index=True)
    transaction = models.CharField(max_length=64, unique=True)
    amount_fen = models.PositiveIntegerField()
    method = models.CharField(max_length=20)
    succeeded = models.BooleanField()
    at = models.DateTimeField(default=timezone.now)


class SandboxRefund(models.Model):
    """The sandbox gateway's refunds, one per refund number (a retry is the same refund)."""

    number = models.CharField(max_length=32, unique=True)
    transaction = models.CharField(max_length=64, db_index=True)
    amount_fen = models.PositiveIntegerField()
    reference = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)


class StrayPayment(models.Model):
    """Money a gateway took for an order that was no longer payable (closed, or paid by
    another transaction): kept once per transaction and refunded in full."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="stray_payments")
    gateway = models.CharField(max_length=20)
    transaction = models.CharField(max_length=64, unique=True)
    amount_fen = models.PositiveIntegerField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("重复或逾期付款")
        verbose_name_plural = _("重复或逾期付款")


class Invoice(models.Model):
    """The invoice record of a paid order, with the payer's title and taxpayer number."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="invoice")
    number = models.CharField(_("票据号"), max_length=20, unique=True)
    title = models.CharField(_("发票抬头"), max_length=200)
    taxpayer_number = models.CharField(_("纳税人识别号"), max_length=20)
    item = models.CharField(_("项目"), max_length=100)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    issued_at = models.DateTimeField(_("开具时间"), default=timezone.now)

    class Meta:
        verbose_name = _("发票")
        verbose_name_plural = _("发票")


class Refund(models.Model):
    """Money given back on a payment: sent through the gateway it came by (retried until the
    gateway accepts; its refund number makes a retry the same refund), or, for a bank
    transfer, recorded for the center to pay back."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("退款中")  # decided, not yet paid back
        SUCCEEDED = "succeeded", _("已退款")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    number = models.CharField(_("退款单号"), max_length=32, unique=True)
    transaction = models.CharField(_("原支付交易号"), max_length=64, blank=True)
    amount_fen = models.PositiveIntegerField(_("退款金额（分）"))
    reason = models.CharField(_("原因"), max_length=200)
    via = models.CharField(_("退款方式"), max_length=20)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    reference = models.CharField(_("退款流水号"), max_length=64, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    done_at = models.DateTimeField(_("退款时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("退款")
        verbose_name_plural = _("退款")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gt=0), name="refund_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def amount_yuan(self) -> str:
        return fen_to_yuan(self.amount_fen)


class ReconciliationRun(models.Model):
    """One day's reconciliation as it was made (hall.payments.reconciliation)."""

    day = models.DateField(_("对账日期"), unique=True)
    made_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    lines = models.JSONField(default=list)
    refused = models.JSONField(default=list)
    totals = models.JSONField(default=dict)
    mismatches = models.PositiveIntegerField(_("差异笔数"), default=0)

    class Meta:
        verbose_name = _("对账单")
        verbose_name_plural = _("对账单")
        ordering = ["-day"]
