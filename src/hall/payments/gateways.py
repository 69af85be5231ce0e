"""Payment gateways behind one interface; the built-in sandbox answers like a real gateway.

A gateway turns an order into a page for the payer, signs and verifies notifications, answers
an order query and takes refunds. The sandbox's page lists the banks of seed 000, WeChat Pay and
Alipay, and lets the payer succeed, fail or abandon; its notifications are signed with
HMAC-SHA256 over the sorted ``key=value`` pairs (``settings.SANDBOX_GATEWAY_KEY``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.urls import reverse

from hall.payments.models import Order, SandboxPayment

logger = logging.getLogger("hall.payments")

#: Seed 000 §2.3: the banks of the UnionPay page, then the two wallets.
BANKS = [
    "工商银行", "建设银行", "农业银行", "中国银行", "招商银行", "浦发银行", "广发银行",
    "邮储银行", "交通银行", "中信银行", "光大银行", "华夏银行", "民生银行", "兴业银行",
]  # fmt: skip
WALLETS = ["微信支付", "支付宝支付"]


@dataclass(frozen=True)
class Paid:
    """What a notification or a query says happened."""

    order_number: str
    amount_fen: int
    currency: str
    transaction: str
    succeeded: bool
    method: str
    timestamp: int


class Gateway(Protocol):
    name: str

    def start(self, order: Order) -> str: ...

    def verify(self, params: dict[str, str]) -> bool: ...

    def read(self, params: dict[str, str]) -> Paid: ...

    def query(self, order: Order) -> Paid | None: ...


def _canonical(params: dict[str, str]) -> bytes:
    return "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign").encode()


class SandboxGateway:
    """The built-in gateway: a page of its own, signed notifications, an order query."""

    name = "sandbox"

    def _key(self) -> bytes:
        return settings.SANDBOX_GATEWAY_KEY.encode()

    def sign(self, params: dict[str, str]) -> str:
        return hmac.new(self._key(), _canonical(params), hashlib.sha256).hexdigest()

    def start(self, order: Order) -> str:
        return reverse("payments:sandbox", args=[order.number])

    def verify(self, params: dict[str, str]) -> bool:
        return hmac.compare_digest(self.sign(params), params.get("sign", ""))

    def read(self, params: dict[str, str]) -> Paid:
        return Paid(params["out_trade_no"], int(params["total_fen"]), params["currency"],
                    params["trade_no"], params["trade_status"] == "SUCCESS", params["method"],
                    int(params["timestamp"]))  # fmt: skip

    def query(self, order: Order) -> Paid | None:
        payment = (SandboxPayment.objects.filter(order_number=order.number, succeeded=True)
                   .order_by("id").first())  # fmt: skip
        if payment is None:
            return None
        return Paid(order.number, payment.amount_fen, "CNY", payment.transaction, True,
                    payment.method, int(payment.at.timestamp()))  # fmt: skip

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
        url = settings.HALL_PUBLIC_URL.rstrip("/") + reverse("payments:notify", args=[self.name])
        request = urllib.request.Request(
            url, data=json.dumps(params).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                response.read()
        except OSError as error:  # the periodic query settles what a lost notification leaves
            logger.warning("sandbox notification to %s failed: %s", url, error)


GATEWAYS: dict[str, Gateway] = {"sandbox": SandboxGateway()}
