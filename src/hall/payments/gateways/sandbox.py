"""The built-in sandbox gateway: it answers like a real one, with no money involved.

Its page lists the banks of seed 000, WeChat Pay and Alipay and lets the payer succeed, fail or
abandon; it keeps a ledger of its own (:class:`SandboxPayment`, :class:`SandboxRefund`) for its
order query and refunds; its notifications are signed with HMAC-SHA256 over the sorted
``key=value`` pairs (``settings.SANDBOX_GATEWAY_KEY``). Development and demonstration only: the
settings refuse it unless ``HALL_DEBUG`` is on, since it credits orders without money.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.request
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse

from hall.payments.gateways.base import (
    Answer,
    GatewayError,
    Incoming,
    NotificationRefused,
    Paid,
    Start,
    public_url,
)
from hall.payments.models import SandboxPayment, SandboxRefund

if TYPE_CHECKING:
    from hall.payments.models import Order, Refund

logger = logging.getLogger("hall.payments")


def _canonical(params: dict[str, str]) -> bytes:
    return "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign").encode()


class SandboxGateway:
    """The built-in gateway: a page of its own, signed notifications, order query, refunds."""

    name = "sandbox"
    signature_headers = ""

    def _key(self) -> bytes:
        return settings.SANDBOX_GATEWAY_KEY.encode()

    def sign(self, params: dict[str, str]) -> str:
        return hmac.new(self._key(), _canonical(params), hashlib.sha256).hexdigest()

    def start(self, order: Order) -> Start:
        return Start(redirect=reverse("payments:sandbox", args=[order.number]))

    def read(self, incoming: Incoming) -> Paid:
        params = dict(incoming.params)
        if not hmac.compare_digest(self.sign(params), params.get("sign", "")):
            raise NotificationRefused("forged signature")
        try:
            return Paid(params["out_trade_no"], int(params["total_fen"]), params["currency"],
                        params["trade_no"], params["trade_status"] == "SUCCESS",
                        params["method"], int(params["timestamp"]))  # fmt: skip
        except (KeyError, ValueError):
            raise NotificationRefused("malformed") from None

    def claimed(self, incoming: Incoming) -> tuple[str, str]:
        return incoming.params.get("out_trade_no", ""), incoming.params.get("trade_no", "")

    def answer(self, ok: bool) -> Answer:
        return Answer(200 if ok else 400, "success" if ok else "fail")

    def query(self, order: Order) -> Paid | None:
        payment = (SandboxPayment.objects.filter(order_number=order.number, succeeded=True)
                   .order_by("id").first())  # fmt: skip
        if payment is None:
            return None
        return Paid(order.number, payment.amount_fen, "CNY", payment.transaction, True,
                    payment.method, int(payment.at.timestamp()))  # fmt: skip

    def refund(self, refund: Refund) -> str:
        """Give back part of a payment, as a gateway does: never more than it took, and the
        same refund number twice is one refund."""
        with transaction.atomic():
            payment = (SandboxPayment.objects.select_for_update()
                       .filter(transaction=refund.transaction, succeeded=True).first())  # fmt: skip
            if payment is None:
                raise GatewayError(f"sandbox: no payment {refund.transaction!r} to refund")
            done = SandboxRefund.objects.filter(number=refund.number).first()
            if done is not None:
                return done.reference
            taken = (
                SandboxRefund.objects.filter(transaction=payment.transaction).aggregate(
                    total=Sum("amount_fen")
                )["total"]
                or 0
            )
            if refund.amount_fen > payment.amount_fen - taken:
                raise GatewayError("sandbox: refund above what is left of the payment")
            return SandboxRefund.objects.create(
                number=refund.number, transaction=payment.transaction,
                amount_fen=refund.amount_fen, reference=f"SBR{secrets.token_hex(10).upper()}",
            ).reference  # fmt: skip

    def pay(self, order: Order, method: str, succeeded: bool) -> dict[str, str]:
        """The payer's choice on the sandbox page: recorded, then notified (signed)."""
        payment = SandboxPayment.objects.create(
            order_number=order.number, transaction=f"SBX{secrets.token_hex(10).upper()}",
            amount_fen=order.amount_fen, method=method, succeeded=succeeded,
        )  # fmt: skip
        params = {"out_trade_no": order.number, "total_fen": str(payment.amount_fen),
                  "currency": order.currency, "trade_no": payment.transaction,
                  "trade_status": "SUCCESS" if succeeded else "FAILED", "method": method,
                  "timestamp": str(int(time.time())), "nonce": secrets.token_hex(8)}  # fmt: skip
        params["sign"] = self.sign(params)
        return params

    def post(self, params: dict[str, str]) -> None:
        """Send the notification to the hall's notify address, as the real gateway would."""
        url = public_url("payments:notify", self.name)
        request = urllib.request.Request(
            url, data=json.dumps(params).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                response.read()
        except OSError as error:  # the periodic query settles what a lost notification leaves
            logger.warning("sandbox notification to %s failed: %s", url, error)
