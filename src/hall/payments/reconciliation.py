"""The daily reconciliation (对账) for the center's finance staff: every order touched on a day,
the hall's ledger (order, notifications, refunds) set against what each gateway says when asked,
every mismatch listed; the day's refused notifications beside it; CSV for the accountants.

A run is kept (:class:`ReconciliationRun`), so the report of a day reads the same tomorrow; the
scheduler makes yesterday's at 03:00 and staff may run any day again. Each line keeps its
words as text in Chinese (the record) and as messages with their values (``words``), so that
the page and the CSV show them in the reader's language, whoever ran the day (:func:`shown`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone, translation
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
    return _(_outcome_message(outcome))


def _outcome_message(outcome: str) -> str:
    key = "late or again" if outcome.startswith("late or again") else outcome
    return OUTCOME_LABELS.get(key, outcome)


#: The channels as finance staff call them (an order's gateway, or its method for a transfer).
CHANNELS = {
    "transfer": gettext_noop("银行汇款"), "sandbox": gettext_noop("沙箱支付"),
    "alipay": gettext_noop("支付宝"), "wechat": gettext_noop("微信支付"),
    "unionpay": gettext_noop("中国银联"),
}  # fmt: skip


def channel_name(channel: str) -> str:
    """A channel's name in the reader's language (an unknown one as it is written)."""
    return _(CHANNELS[channel]) if channel in CHANNELS else channel


#: A message of a line as it is kept: (text before it, message, its values), shown in the
#: reader's language by :func:`_said`.
Part = tuple[str, str, dict[str, str]]
#: How each field's parts are joined.
JOINERS = {"gateway": "", "status": "", "notified": "、", "gateway_says": "；", "refunds": "；",
           "problem": ""}  # fmt: skip


def _said(parts: list[Part] | list[list[Any]], joiner: str) -> str:
    """The parts in the active language."""
    return joiner.join(f"{before}{_(message) % values if values else _(message)}"
                       for before, message, values in parts)  # fmt: skip


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
    words: dict[str, list[Part]]


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


def _gateway_view(order: Order) -> tuple[list[Part], list[str], list[Part]]:
    """What the gateways say of the order, the transactions they report, and the trouble."""
    if order.method == "transfer":
        return [("", gettext_noop("银行汇款（人工确认）"), {})], [], []
    said: list[Part] = []
    seen: list[str] = []
    trouble: list[Part] = []
    for name in order_gateways(order) or ([order.gateway] if order.gateway else []):
        gateway = GATEWAYS.get(name)
        if gateway is None:
            said.append((f"{name}: ", gettext_noop("未配置"), {}))
            trouble = [("", gettext_noop("渠道未配置，无法查询"), {})]
            continue
        paid = gateway.query(order)
        if paid is None:
            said.append((f"{name}: ", gettext_noop("未付款或无法查询"), {}))
            continue
        said.append((f"{name}: ", gettext_noop("已付 %(amount)s 元（%(tx)s）"),
                     {"amount": fen_to_yuan(paid.amount_fen), "tx": paid.transaction}))  # fmt: skip
        seen.append(paid.transaction)
        if paid.amount_fen != order.amount_fen:
            trouble = [("", gettext_noop("金额不符"), {})]
    return said or [("", gettext_noop("未发起支付"), {})], seen, trouble


def _problem(order: Order, seen: list[str], trouble: list[Part]) -> list[Part]:
    """Why the hall's ledger and the gateways disagree about an order (no parts: they agree)."""
    if trouble:
        return trouble
    strays = set(order.stray_payments.values_list("transaction", flat=True))
    paid_here = order.status in (Order.Status.PAID, Order.Status.REFUNDED)
    if order.method != "transfer" and paid_here and order.provider_transaction not in seen:
        return [("", gettext_noop("本系统已入账，网关查无此付款"), {})]
    unknown = [tx for tx in seen if tx != order.provider_transaction and tx not in strays]
    if unknown:
        return [
            ("", gettext_noop("网关已收款（%(tx)s），本系统未入账"), {"tx": "、".join(unknown)})
        ]
    if order.refunds.filter(status=Refund.Status.REQUESTED).exists():
        return [("", gettext_noop("退款未完成"), {})]
    return []


def _line(order: Order, day: dt.date) -> Line:
    start, end = _day_bounds(day)
    outcomes = Notification.objects.filter(order_number=order.number,
                                           received_at__gte=start, received_at__lt=end)  # fmt: skip
    said, seen, trouble = _gateway_view(order)
    channel = order.gateway or order.method or order.started_with
    words: dict[str, list[Part]] = {
        "gateway": [("", CHANNELS.get(channel, channel), {})],
        "status": [("", str(Order.Status(order.status).label), {})],
        "notified": [("", _outcome_message(outcome), {})
                     for outcome in outcomes.values_list("outcome", flat=True)]
        or [("", gettext_noop("无"), {})],
        "gateway_says": said,
        "refunds": [(f"{r.number} {fen_to_yuan(r.amount_fen)} ",
                     str(Refund.Status(r.status).label), {}) for r in order.refunds.all()],
        "problem": _problem(order, seen, trouble),
    }  # fmt: skip
    text = {name: _said(parts, JOINERS[name]) for name, parts in words.items()}
    return Line(
        order=order.number, gateway=text["gateway"],
        amount=fen_to_yuan(order.amount_fen), transaction=order.provider_transaction or "",
        status=text["status"], notified=text["notified"], gateway_says=text["gateway_says"],
        refunds=text["refunds"], problem=text["problem"], words=words,
    )  # fmt: skip


def _refused_notifications(day: dt.date) -> list[dict[str, str]]:
    start, end = _day_bounds(day)
    refused = (Notification.objects.filter(received_at__gte=start, received_at__lt=end)
               .exclude(outcome__in=ROUTINE).order_by("id"))  # fmt: skip
    return [{"at": timezone.localtime(n.received_at).strftime("%H:%M:%S"), "gateway": n.gateway,
             "order": n.order_number, "transaction": n.transaction,
             "outcome": outcome_label(n.outcome), "message": _outcome_message(n.outcome)}
            for n in refused]  # fmt: skip


def reconcile(day: dt.date) -> ReconciliationRun:
    """Reconcile one day now, keep the run (replacing an earlier run of that day); its text in
    Chinese whoever runs it, its words for every reader's language."""
    with translation.override("zh-hans"):
        return _reconcile(day)


def _reconcile(day: dt.date) -> ReconciliationRun:
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
    ("order", gettext_noop("订单号")), ("gateway", gettext_noop("渠道")),
    ("amount", gettext_noop("金额（元）")), ("status", gettext_noop("系统状态")),
    ("transaction", gettext_noop("交易号")), ("notified", gettext_noop("支付通知")),
    ("gateway_says", gettext_noop("网关查询")), ("refunds", gettext_noop("退款")),
    ("problem", gettext_noop("差异")),
]  # fmt: skip


def shown(run: ReconciliationRun) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The run's lines and refused notifications in the reader's language (a run kept before
    lines had their words is shown as it was written)."""
    lines = [{**line, **{name: _said(parts, JOINERS[name])
                         for name, parts in line.get("words", {}).items()}}
             for line in run.lines]  # fmt: skip
    refused = [{**item, "outcome": _(item["message"]) if "message" in item else item["outcome"]}
               for item in run.refused]  # fmt: skip
    return lines, refused


def run_csv(run: ReconciliationRun) -> bytes:
    """The run as CSV in the reader's language (UTF-8 with a byte-order mark, so Excel reads
    the Chinese)."""
    lines, refused_list = shown(run)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_(title) for _key, title in CSV_COLUMNS])
    for line in lines:
        writer.writerow([csv_safe(str(line[key])) for key, _title in CSV_COLUMNS])
    for refused in refused_list:
        writer.writerow([csv_safe(refused["order"]), refused["gateway"], "", "",
                         csv_safe(refused["transaction"]), csv_safe(refused["outcome"]), "", "",
                         _("被拒绝的通知 %(at)s") % {"at": refused["at"]}])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8")
