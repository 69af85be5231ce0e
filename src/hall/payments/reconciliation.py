"""The daily reconciliation (对账) for the center's finance staff: every order touched on a day,
the hall's ledger (order, notifications, refunds) set against what each gateway says when asked,
every mismatch listed; the day's refused notifications beside it; CSV for the accountants.

A run is kept (:class:`ReconciliationRun`), so the report of a day reads the same tomorrow; the
scheduler makes yesterday's at 03:00 and staff may run any day again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import asdict, dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hall.core.spreadsheets import csv_safe
from hall.fees.money import fen_to_yuan
from hall.payments.gateways import GATEWAYS
from hall.payments.models import Notification, Order, ReconciliationRun, Refund, StrayPayment
from hall.payments.orders import order_gateways

#: Outcomes that are the normal life of an order, not a thing to look into.
ROUTINE = {"credited", "duplicate", "payment failed", "refund notice"}
#: The ledger writes outcomes in English (hall.payments.notifications); staff read these.
OUTCOME_LABELS = {
    "credited": gettext_noop("已入账"),
    "duplicate": gettext_noop("重复通知"),
    "payment failed": gettext_noop("支付失败"),
    "refund notice": gettext_noop("退款结果通知"),
    "forged signature": gettext_noop("签名无效"),
    "malformed": gettext_noop("格式错误"),
    "not for this merchant": gettext_noop("非本商户"),
    "replayed: too old": gettext_noop("重放（已过时）"),
    "unknown order": gettext_noop("订单不存在"),
    "amount or currency mismatch": gettext_noop("金额或币种不符"),
    "late or again": gettext_noop("逾期或重复付款，已退回"),
}


def outcome_label(outcome: str) -> str:
    key = "late or again" if outcome.startswith("late or again") else outcome
    return _(OUTCOME_LABELS[key]) if key in OUTCOME_LABELS else outcome


@dataclass(frozen=True)
class Line:
    """One order of the day as the hall and the gateways see it."""

    order: str
    gateway: str
    amount: str
    status: str
    transaction: str
    notified: str
    gateway_says: str
    refunds: str
    problem: str


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return start, start + dt.timedelta(days=1)


def _orders_of(day: dt.date) -> list[Order]:
    start, end = _day_bounds(day)
    within = {"__gte": start, "__lt": end}

    def on(field: str) -> Q:
        return Q(**{field + key: value for key, value in within.items()})

    numbers = Notification.objects.filter(on("received_at")).values("order_number")
    touched = (on("created_at") | on("paid_at") | on("refunds__created_at")
               | on("stray_payments__received_at") | Q(number__in=numbers))  # fmt: skip
    return list(Order.objects.filter(touched).distinct().order_by("number"))


def _gateway_view(order: Order) -> tuple[str, list[str], str]:
    """What the gateways say of the order: text, the transactions they report, and trouble."""
    if order.method == "transfer":
        return _("银行汇款（人工确认）"), [], ""
    said, seen, trouble = [], [], ""
    for name in order_gateways(order) or ([order.gateway] if order.gateway else []):
        gateway = GATEWAYS.get(name)
        if gateway is None:
            said.append(f"{name}: " + _("未配置"))
            trouble = _("渠道未配置，无法查询")
            continue
        paid = gateway.query(order)
        if paid is None:
            said.append(f"{name}: " + _("未付款或无法查询"))
            continue
        said.append(f"{name}: " + _("已付 %(amount)s 元（%(tx)s）")
                    % {"amount": fen_to_yuan(paid.amount_fen), "tx": paid.transaction})  # fmt: skip
        seen.append(paid.transaction)
        if paid.amount_fen != order.amount_fen:
            trouble = _("金额不符")
    return "；".join(said) or _("未发起支付"), seen, trouble


def _problem(order: Order, seen: list[str], trouble: str) -> str:
    """Why the hall's ledger and the gateways disagree about an order, or ''."""
    if trouble:
        return trouble
    strays = set(order.stray_payments.values_list("transaction", flat=True))
    paid_here = order.status in (Order.Status.PAID, Order.Status.REFUNDED)
    if order.method != "transfer" and paid_here and order.provider_transaction not in seen:
        return _("本系统已入账，网关查无此付款")
    unknown = [tx for tx in seen if tx != order.provider_transaction and tx not in strays]
    if unknown:
        return _("网关已收款（%(tx)s），本系统未入账") % {"tx": "、".join(unknown)}
    if order.refunds.filter(status=Refund.Status.REQUESTED).exists():
        return _("退款未完成")
    return ""


def _line(order: Order, day: dt.date) -> Line:
    start, end = _day_bounds(day)
    outcomes = Notification.objects.filter(order_number=order.number,
                                           received_at__gte=start, received_at__lt=end)  # fmt: skip
    said, seen, trouble = _gateway_view(order)
    refunds = [f"{r.number} {fen_to_yuan(r.amount_fen)} {r.get_status_display()}"
               for r in order.refunds.all()]  # fmt: skip
    return Line(
        order=order.number, gateway=order.gateway or order.method or order.started_with,
        amount=fen_to_yuan(order.amount_fen), status=order.get_status_display(),
        transaction=order.provider_transaction or "",
        notified="、".join(map(outcome_label, outcomes.values_list("outcome", flat=True)))
        or _("无"),
        gateway_says=said, refunds="；".join(refunds), problem=_problem(order, seen, trouble),
    )  # fmt: skip


def _refused_notifications(day: dt.date) -> list[dict[str, str]]:
    start, end = _day_bounds(day)
    refused = (Notification.objects.filter(received_at__gte=start, received_at__lt=end)
               .exclude(outcome__in=ROUTINE).order_by("id"))  # fmt: skip
    return [{"at": timezone.localtime(n.received_at).strftime("%H:%M:%S"), "gateway": n.gateway,
             "order": n.order_number, "transaction": n.transaction,
             "outcome": outcome_label(n.outcome)}
            for n in refused]  # fmt: skip


def reconcile(day: dt.date) -> ReconciliationRun:
    """Reconcile one day now, keep the run (replacing an earlier run of that day)."""
    lines = [_line(order, day) for order in _orders_of(day)]
    start, end = _day_bounds(day)
    paid = Order.objects.filter(paid_at__gte=start, paid_at__lt=end)
    strays = StrayPayment.objects.filter(received_at__gte=start, received_at__lt=end).count()
    totals = {"paid_orders": paid.count(),
              "paid": fen_to_yuan(sum(paid.values_list("amount_fen", flat=True))),
              "refunded": fen_to_yuan(sum(Refund.objects.filter(
                  created_at__gte=start, created_at__lt=end).values_list("amount_fen", flat=True))),
              "stray_payments": strays}  # fmt: skip
    run, _created = ReconciliationRun.objects.update_or_create(
        day=day,
        defaults={"made_at": timezone.now(), "lines": [asdict(line) for line in lines],
                  "refused": _refused_notifications(day), "totals": totals,
                  "mismatches": sum(1 for line in lines if line.problem)},
    )  # fmt: skip
    return run


CSV_COLUMNS = [
    ("order", "订单号"), ("gateway", "渠道"), ("amount", "金额（元）"), ("status", "系统状态"),
    ("transaction", "交易号"), ("notified", "支付通知"), ("gateway_says", "网关查询"),
    ("refunds", "退款"), ("problem", "差异"),
]  # fmt: skip


def run_csv(run: ReconciliationRun) -> bytes:
    """The run as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for _key, title in CSV_COLUMNS])
    for line in run.lines:
        writer.writerow([csv_safe(str(line[key])) for key, _title in CSV_COLUMNS])
    for refused in run.refused:
        writer.writerow([csv_safe(refused["order"]), refused["gateway"], "", "",
                         csv_safe(refused["transaction"]), csv_safe(refused["outcome"]), "", "",
                         _("被拒绝的通知 %(at)s") % {"at": refused["at"]}])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")
