"""A member's billing (issue 23): every order, invoice and refund of its applications in one
place, filtered by year and status, with the money paid and refunded in each year.

Who sees what is the applications' own rule (:func:`~hall.applications.workflow.visible_to`):
a member's account, whatever its role, sees its member's orders; an account not yet a member's
sees its own registration's. Each list is one query (its order and application joined; the
"退款中" of a page's refunded orders one more, rather than one a row as
``Order.get_status_display`` asks), and the totals are summed by the database, a row per
year, so a member with thousands of orders costs the page the same few queries as one with
three. The lists reach the rows through the member's applications (indexed by member, the
orders by application), never by walking the whole table (see :data:`NEWEST_FIRST`).

Money is counted when it moved (in the hall's time zone): paid in the year of ``paid_at``
(and a stray payment, which the hall refunds in full, in the year it came), refunded in the
year the refund was paid back (``done_at``); a refund decided but not yet paid back is "退款中"
in the year it was decided, and the net is what was paid less what was refunded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, F, Min, Q, QuerySet, Sum, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.accounts.models import User
from hall.applications.models import Application
from hall.applications.workflow import visible_to
from hall.fees.money import fen_to_yuan
from hall.payments.models import REFUNDING, Invoice, Order, Refund, StrayPayment

#: The lists of the page, each a tab.
TABS: dict[str, Promise] = {
    "orders": gettext_lazy("订单"),
    "invoices": gettext_lazy("发票"),
    "refunds": gettext_lazy("退款"),
}
#: An invoice's status is its order's: valid while the order stands paid, void once refunded.
INVOICE_STATUSES: dict[str, Promise] = {
    Order.Status.PAID: gettext_lazy("有效"),
    Order.Status.REFUNDED: gettext_lazy("订单已退款"),
}
#: The statuses each list may be filtered by.
STATUSES: dict[str, list[tuple[str, Promise]]] = {
    "orders": [(value, label) for value, label in Order.Status.choices],
    "invoices": list(INVOICE_STATUSES.items()),
    "refunds": [(value, label) for value, label in Refund.Status.choices],
}
#: The most rows one export holds: beyond it the member narrows the list by year or status.
EXPORT_ROWS = 10_000


def applications_of(user: User) -> QuerySet[Application]:
    """The applications whose money ``user`` may see (the caller has checked that ``user`` is a
    member's account: staff see every application, and have reconciliation instead)."""
    return visible_to(user)


def orders_of(user: User) -> QuerySet[Order]:
    return Order.objects.filter(application__in=applications_of(user))


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to (``None``: not narrowed)."""

    year: int | None = None
    status: str | None = None


def order_rows(user: User, filters: Filters) -> QuerySet[Order]:
    """The orders, newest first, each with its application and its invoice's number (``None``
    without one); :func:`mark_refunding` tells a page's refunded orders still on their way."""
    rows = orders_of(user)
    if filters.year is not None:
        rows = rows.filter(created_at__year=filters.year)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    return (
        rows.select_related("application")
        .annotate(invoice_number=F("invoice__number"))
        .order_by(*NEWEST_FIRST["created_at"])
    )


#: Newest first, by a time no index orders: so the database reaches the rows through the
#: member's applications (indexed) and sorts the member's few thousand, instead of walking the
#: whole table backwards by id until it has met a page of them (an old member's first page
#: read 200,000 other orders that way).
NEWEST_FIRST = {field: (f"-{field}", "-id") for field in ("created_at", "issued_at")}


def mark_refunding(orders: Sequence[Order]) -> None:
    """Set ``refunding`` on each order: refunded, but a refund of it not yet paid back. One
    query by the orders' ids (an ``Exists`` annotation had the database read every requested
    refund of every member for each page)."""
    refunded = [order.pk for order in orders if order.status == Order.Status.REFUNDED]
    waiting = set(
        Refund.objects.filter(order_id__in=refunded, status=Refund.Status.REQUESTED)
        .order_by()
        .values_list("order_id", flat=True)
        .distinct()
        if refunded
        else ()
    )
    for order in orders:
        order.refunding = order.pk in waiting  # type: ignore[attr-defined]


def invoice_rows(user: User, filters: Filters) -> QuerySet[Invoice]:
    """The invoices, newest first, each with its order."""
    rows = Invoice.objects.filter(order__application__in=applications_of(user))
    if filters.year is not None:
        rows = rows.filter(issued_at__year=filters.year)
    if filters.status is not None:
        rows = rows.filter(order__status=filters.status)
    return rows.select_related("order").order_by(*NEWEST_FIRST["issued_at"])


def refund_rows(user: User, filters: Filters) -> QuerySet[Refund]:
    """The refunds, newest first, each with its order."""
    rows = Refund.objects.filter(order__application__in=applications_of(user))
    if filters.year is not None:
        rows = rows.filter(created_at__year=filters.year)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    return rows.select_related("order").order_by(*NEWEST_FIRST["created_at"])


#: Each tab's list.
ROWS: dict[str, Callable[[User, Filters], QuerySet[Any]]] = {
    "orders": order_rows,
    "invoices": invoice_rows,
    "refunds": refund_rows,
}


def order_status(order: Order) -> str:
    """The status as the payer reads it (``Order.get_status_display``), from what
    :func:`mark_refunding` found instead of a query of its own (unmarked: 退款中, the safe
    word, never "已退款" for money not back)."""
    if order.status == Order.Status.REFUNDED and getattr(order, "refunding", True):
        return str(REFUNDING)
    return str(Order.Status(order.status).label)


def invoice_status(invoice: Invoice) -> str:
    return str(INVOICE_STATUSES.get(invoice.order.status, Order.Status(invoice.order.status).label))


def method_name(order: Order) -> str:
    """How it was paid, in the reader's language (a bank's or a wallet's name, or 汇款)."""
    if order.method == "transfer":
        return _("汇款")
    return _(order.method) if order.method else ""


def when(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def first_year(user: User) -> int:
    """The year of the member's first order (this year if it has none): the years to offer."""
    first = orders_of(user).order_by().aggregate(first=Min("created_at"))["first"]
    return _year_of(first)


def _year_of(moment: datetime | None) -> int:
    return timezone.localtime(moment).year if moment else timezone.localdate().year


@dataclass(frozen=True)
class YearTotal:
    """The money of one year, in fen."""

    year: int
    paid_fen: int = 0
    refunded_fen: int = 0
    refunding_fen: int = 0

    @property
    def net_fen(self) -> int:
        return self.paid_fen - self.refunded_fen

    def yuan(self) -> dict[str, str]:
        return {"paid": fen_to_yuan(self.paid_fen), "refunded": fen_to_yuan(self.refunded_fen),
                "refunding": fen_to_yuan(self.refunding_fen),
                "net": _signed_yuan(self.net_fen)}  # fmt: skip


def _signed_yuan(fen: int) -> str:
    """A net can be negative (paid last year, refunded this year)."""
    return f"-{fen_to_yuan(-fen)}" if fen < 0 else fen_to_yuan(fen)


@dataclass(frozen=True)
class Summary:
    """The money per year, newest first, and the year of the first order (the years to offer)."""

    years: list[YearTotal]
    first_year: int


def _paid_by_year(orders: QuerySet[Order]) -> tuple[dict[int, int], int]:
    """``{year: fen}`` paid, and the first order's year: one query, the orders grouped by the
    year they were paid in (the unpaid in a group of their own, whose oldest counts too)."""
    grouped = (orders.order_by().annotate(year=ExtractYear("paid_at")).values_list("year")
               .annotate(fen=Sum("amount_fen"), first=Min("created_at")))  # fmt: skip
    paid, first = {}, None
    for year, fen, oldest in grouped:
        if year is not None:
            paid[int(year)] = int(fen)
        first = oldest if first is None or oldest < first else first
    return paid, _year_of(first)


def _stray_by_year(strays: QuerySet[StrayPayment]) -> dict[int, int]:
    summed = (strays.order_by().annotate(year=ExtractYear("received_at")).values_list("year")
              .annotate(fen=Sum("amount_fen")))  # fmt: skip
    return {int(year): int(fen) for year, fen in summed}


def _refunds_by_year(refunds: QuerySet[Refund]) -> dict[int, tuple[int, int]]:
    """``{year: (refunded, refunding)}``: one query, a refund paid back in the year it was
    (``done_at``), one on its way in the year it was decided (``created_at``)."""
    succeeded = Q(status=Refund.Status.SUCCEEDED)
    moved = Case(When(succeeded, then=ExtractYear("done_at")), default=ExtractYear("created_at"))
    summed = (refunds.order_by().annotate(year=moved).values_list("year")
              .annotate(back=Sum("amount_fen", filter=succeeded),
                        waiting=Sum("amount_fen", filter=~succeeded)))  # fmt: skip
    return {int(year): (int(back or 0), int(waiting or 0)) for year, back, waiting in summed}


def summary(user: User) -> Summary:
    """Paid, refunded, still refunding and net, a row per year with money in it, newest first;
    three grouped queries however many orders there are."""
    applications = applications_of(user)
    paid, first = _paid_by_year(Order.objects.filter(application__in=applications))
    stray = _stray_by_year(StrayPayment.objects.filter(order__application__in=applications))
    refunds = _refunds_by_year(Refund.objects.filter(order__application__in=applications))
    years = sorted({*paid, *stray, *refunds}, reverse=True)
    return Summary(
        [YearTotal(year, paid.get(year, 0) + stray.get(year, 0), *refunds.get(year, (0, 0)))
         for year in years],
        first,
    )  # fmt: skip


def grand_total(years: list[YearTotal]) -> YearTotal | None:
    """All the years together (``None`` for no money at all)."""
    if not years:
        return None
    return YearTotal(0, sum(t.paid_fen for t in years), sum(t.refunded_fen for t in years),
                     sum(t.refunding_fen for t in years))  # fmt: skip


def _column(zh: str, en: str) -> str:
    return f"{zh} / {en}"


#: The export's columns, as the product export writes its own: Chinese / English.
HEADERS = {
    "orders": [_column("订单号", "Order number"), _column("申请编号", "Application"),
               _column("业务类型", "Kind"), _column("金额（元）", "Amount (yuan)"),
               _column("支付方式", "Method"), _column("状态", "Status"),
               _column("下单时间", "Ordered at"), _column("付款时间", "Paid at"),
               _column("票据号", "Invoice number")],
    "invoices": [_column("票据号", "Invoice number"), _column("订单号", "Order number"),
                 _column("发票抬头", "Title"), _column("纳税人识别号", "Taxpayer number"),
                 _column("项目", "Item"), _column("金额（元）", "Amount (yuan)"),
                 _column("状态", "Status"), _column("开具时间", "Issued at")],
    "refunds": [_column("退款单号", "Refund number"), _column("订单号", "Order number"),
                _column("退款金额（元）", "Amount (yuan)"), _column("原因", "Reason"),
                _column("状态", "Status"), _column("申请时间", "Requested at"),
                _column("退款时间", "Refunded at")],
}  # fmt: skip


def _order_cells(order: Order) -> list[str]:
    application = order.application
    return [order.number, str(application.pk), application.get_kind_display(),
            order.amount_yuan, method_name(order), order_status(order), when(order.created_at),
            when(order.paid_at), getattr(order, "invoice_number", None) or ""]  # fmt: skip


def _invoice_cells(invoice: Invoice) -> list[str]:
    return [invoice.number, invoice.order.number, invoice.title, invoice.taxpayer_number,
            invoice.item, fen_to_yuan(invoice.amount_fen), invoice_status(invoice),
            when(invoice.issued_at)]  # fmt: skip


def _refund_cells(refund: Refund) -> list[str]:
    return [refund.number, refund.order.number, refund.amount_yuan, refund.reason,
            refund.get_status_display(), when(refund.created_at), when(refund.done_at)]  # fmt: skip


#: Each tab's row as the export's cells (the tab names the rows' model).
CELLS: dict[str, Callable[[Any], list[str]]] = {
    "orders": _order_cells,
    "invoices": _invoice_cells,
    "refunds": _refund_cells,
}


def export_rows(tab: str, rows: QuerySet[Any]) -> Iterator[list[str]]:
    """The rows' cells for the export, read from the database a chunk at a time (never all at
    once), each chunk of orders marked refunding or not with one query."""
    cells, chunk = CELLS[tab], []
    for row in rows.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            yield from _chunk_cells(tab, chunk, cells)
            chunk = []
    yield from _chunk_cells(tab, chunk, cells)


EXPORT_CHUNK = 1000


def _chunk_cells(tab: str, chunk: list[Any], cells: Callable[[Any], list[str]]
                 ) -> Iterator[list[str]]:  # fmt: skip
    if tab == "orders":
        mark_refunding(chunk)
    return (cells(row) for row in chunk)
