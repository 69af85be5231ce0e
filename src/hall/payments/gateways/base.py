"""What every payment gateway offers the hall, and what it says back.

A gateway turns an order into something for the payer (a page to go to, a form posted to the
bank, or a QR code to scan), reads and verifies its asynchronous notifications, answers an order
query and takes refunds. Each provider's notification says "paid" in its own words; :class:`Paid`
is the one thing the hall acts on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from hall.core.errors import HallError, Unavailable

if TYPE_CHECKING:
    from hall.payments.models import Order, Refund

#: The providers write their times in Beijing time, whatever the hall's own zone.
BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Paid:
    """What a notification or a query says happened to one payment."""

    order_number: str
    amount_fen: int
    currency: str
    transaction: str
    succeeded: bool
    method: str
    timestamp: int | None
    """When the provider sent it (seconds since 1970); None where the provider does not say."""


@dataclass(frozen=True)
class Incoming:
    """A notification as it arrived: raw body, headers (lower-case names), form or JSON fields."""

    body: bytes
    headers: Mapping[str, str]
    params: Mapping[str, str]


@dataclass(frozen=True)
class Start:
    """Where the payer goes next: a redirect, a form posted to the bank, or a code to scan."""

    redirect: str = ""
    form_action: str = ""
    form_fields: Mapping[str, str] = field(default_factory=dict)
    qr_text: str = ""


@dataclass(frozen=True)
class Answer:
    """The HTTP answer a provider expects to a notification."""

    status: int
    body: str
    content_type: str = "text/plain"


class NotificationRefused(HallError):
    """A notification not to be believed: forged, malformed, or not for this merchant."""

    code = "notification_refused"

    def __init__(self, outcome: str, *, acknowledged: bool = False) -> None:
        super().__init__(outcome)
        self.outcome = outcome
        #: Not a payment, but the gateway's own word to be answered "received" (e.g. the
        #: result of our refund); nothing is credited.
        self.acknowledged = acknowledged


class GatewayError(Unavailable):
    """A gateway could not be reached or refused a call; the text says which and why."""

    code = "gateway_error"
    status = 502


class Gateway(Protocol):
    name: str
    #: The prefix of the headers that carry a notification's signature, kept with it; "" when
    #: the signature travels in the fields.
    signature_headers: str

    def start(self, order: Order) -> Start: ...

    def read(self, incoming: Incoming) -> Paid: ...

    def answer(self, ok: bool) -> Answer: ...

    def query(self, order: Order) -> Paid | None: ...

    def refund(self, refund: Refund) -> str: ...

    def claimed(self, incoming: Incoming) -> tuple[str, str]:
        """The order and transaction an unverified notification claims, for the staff's eyes
        when it is refused; ("", "") where they cannot be read without verifying it."""
        ...


def public_url(name: str, *args: str) -> str:
    """The hall's address of a named view as a provider outside must call it (HALL_PUBLIC_URL)."""
    return settings.HALL_PUBLIC_URL.rstrip("/") + reverse(name, args=args)
