"""A member's activity log (issue 23): what happened to its applications, products, payments
and accounts, newest first, in one list.

Each source keeps its own history (application events, product events, orders and refunds, the
security log); the log reads the newest rows of each before a moment and merges them, so a
page costs a few indexed queries however long the history is, and "older" continues from the
last row's moment. The security log's rows of a colleague's account (logins, addresses) are the
administrator's to read; the other accounts see their own.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hall.accounts.models import MemberRole, SecurityEvent, User
from hall.applications.models import Application, ApplicationEvent
from hall.members.facts import mask_mobile
from hall.members.models import Member
from hall.payments.models import Order, Refund
from hall.products.models import ProductEvent
from hall.products.services import ACTION_NAMES

#: Rows a page shows.
PAGE_ROWS = 50
#: The sources, as the filter offers them.
SOURCES = {
    "applications": gettext_lazy("业务办理"),
    "products": gettext_lazy("产品与编码"),
    "payments": gettext_lazy("付款与退款"),
    "accounts": gettext_lazy("账号与安全"),
}


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the last row's moment, its stream and its id. Rows are ordered by
    all three (many rows of one import share a moment), so the next page starts exactly after
    it, whatever ties there are."""

    at: datetime
    stream: str
    pk: int

    @property
    def token(self) -> str:
        return f"{self.at.isoformat()}~{self.stream}~{self.pk}"

    @classmethod
    def parse(cls, token: str) -> Cursor | None:
        """A cursor from the query string, or None for anything else (never an error)."""
        parts = token[:80].split("~")
        if len(parts) != 3 or parts[1] not in STREAMS or not _digits(parts[2]):
            return None
        try:
            at = datetime.fromisoformat(parts[0])
        except ValueError:
            return None
        return cls(at, parts[1], int(parts[2])) if timezone.is_aware(at) else None


def _digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` takes "²" too, which ``int`` refuses."""
    return text.isascii() and text.isdigit() and len(text) <= 18


#: The streams the log merges: application events, product events, orders paid, refunds paid
#: back, the security log.
STREAMS = ("a", "p", "o", "r", "s")


@dataclass(frozen=True)
class Entry:
    at: datetime
    source: str
    what: str
    detail: str
    who: str
    link: str = ""
    stream: str = ""
    pk: int = 0

    @property
    def order(self) -> tuple[datetime, str, int]:
        return (self.at, self.stream, self.pk)

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, self.stream, self.pk)


def activity(member: Member, viewer: User, *, before: Cursor | None = None,
             source: str = "") -> list[Entry]:  # fmt: skip
    """The member's newest :data:`PAGE_ROWS` entries after the cursor ``before`` (from the
    newest: None), of one ``source`` or all."""
    readers = {
        "applications": _applications, "products": _products, "payments": _payments,
        "accounts": _accounts,
    }  # fmt: skip
    chosen = [readers[source]] if source in readers else list(readers.values())
    streams = [read(member, viewer, before) for read in chosen]
    merged = heapq.merge(*streams, key=lambda entry: entry.order, reverse=True)
    return list(islice(merged, PAGE_ROWS))


def _newest(rows: QuerySet[Any], field: str, stream: str,
            before: Cursor | None) -> QuerySet[Any]:  # fmt: skip
    """The newest rows of one stream (at most a page) that come after the cursor in the order
    (moment, stream, id), newest first."""
    if before is not None:
        older = Q(**{f"{field}__lt": before.at})
        if stream < before.stream:  # the same moment, a stream that comes after the cursor's
            older |= Q(**{field: before.at})
        elif stream == before.stream:
            older |= Q(**{field: before.at, "pk__lt": before.pk})
        rows = rows.filter(older)
    return rows.order_by(f"-{field}", "-pk")[:PAGE_ROWS]


def _applications(member: Member, _viewer: User, before: Cursor | None) -> Iterator[Entry]:
    events = ApplicationEvent.objects.filter(application__member=member).select_related(
        "application", "actor"
    )
    for event in _newest(events, "at", "a", before):
        assert isinstance(event, ApplicationEvent)
        application = event.application
        old = Application.Status(event.old_status).label if event.old_status else "—"
        yield Entry(
            event.at, "applications",
            _("%(kind)s（编号 %(number)s）") % {"kind": application.get_kind_display(),
                                               "number": application.pk},
            f"{old} → {event.new_status_label}" + (f"：{event.reason}" if event.reason else ""),
            _who(event.actor), f"/applications/{application.pk}/", "a", event.pk,
        )  # fmt: skip


def _products(member: Member, _viewer: User, before: Cursor | None) -> Iterator[Entry]:
    events = ProductEvent.objects.filter(product__member=member).select_related(
        "product", "actor", "api_key"
    )
    for event in _newest(events, "at", "p", before):
        assert isinstance(event, ProductEvent)
        product = event.product
        who = (
            _("API 密钥“%(name)s”") % {"name": event.api_key.name}
            if event.api_key
            else _who(event.actor)
        )
        changed = "、".join(sorted(event.after)) if event.action == "changed" else ""
        yield Entry(event.at, "products", f"{product.display_gtin} {product.name}".strip(),
                    f"{ACTION_NAMES.get(event.action, event.action)} {changed}".strip(), who,
                    f"/products/{product.pk}/", "p", event.pk)  # fmt: skip


def _payments(member: Member, _viewer: User, before: Cursor | None) -> Iterator[Entry]:
    """Fees paid and refunds paid back, merged by their moments."""
    paid = Order.objects.filter(application__member=member, paid_at__isnull=False)
    orders = (
        Entry(order.paid_at, "payments", _("订单 %(number)s 已付款") % {"number": order.number},
              _("%(amount)s 元（%(kind)s）") % {"amount": order.amount_yuan,
                                              "kind": order.application.get_kind_display()},
              "", f"/applications/{order.application_id}/", "o", order.pk)
        for order in _newest(paid.select_related("application"), "paid_at", "o", before)
        if isinstance(order, Order) and order.paid_at
    )  # fmt: skip
    done = Refund.objects.filter(order__application__member=member, done_at__isnull=False)
    refunds = (
        Entry(refund.done_at, "payments", _("退款 %(number)s 已退回") % {"number": refund.number},
              _("%(amount)s 元：%(reason)s") % {"amount": f"{refund.amount_fen / 100:.2f}",
                                              "reason": refund.reason}, "", "", "r", refund.pk)
        for refund in _newest(done, "done_at", "r", before)
        if isinstance(refund, Refund) and refund.done_at
    )  # fmt: skip
    yield from heapq.merge(orders, refunds, key=lambda entry: entry.order, reverse=True)


def _accounts(member: Member, viewer: User, before: Cursor | None) -> Iterator[Entry]:
    """The security log of the member's accounts: all of them for an administrator, one's own
    for the others (a colleague's logins and addresses are not theirs to read)."""
    events = SecurityEvent.objects.filter(user__member=member).select_related("user")
    if viewer.member_role != MemberRole.ADMIN:
        events = events.filter(user=viewer)
    for event in _newest(events, "created_at", "s", before):
        assert isinstance(event, SecurityEvent)
        address = event.client_address
        where = _("地址 %(address)s") % {"address": address} if address else ""
        yield Entry(event.created_at, "accounts", event.get_kind_display(), where,
                    _who(event.user), "", "s", event.pk)  # fmt: skip


def _who(user: User | None) -> str:
    """Who acted, as a member may read it: a colleague by name (or masked mobile), staff by
    their role (a reviewer's own number is not the member's to know), the hall as the system."""
    if user is None or user.role == User.Role.SYSTEM:
        return _("系统")
    if user.role != User.Role.MEMBER:
        return str(user.get_role_display())
    return user.name or mask_mobile(user.mobile)
